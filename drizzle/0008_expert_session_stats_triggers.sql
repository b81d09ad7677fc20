-- Completion statistics maintained on write (docs/decisions/006-completion-statistics-maintained-on-write.md).
-- A session's eligible students are the students whose client is assigned one of its products; its
-- statistics count them and the progress rows they have on it.

-- Recomputes the statistics of the given sessions from scratch: after a change of who is eligible.
CREATE FUNCTION job_readiness_refresh_expert_session_stats(session_ids uuid[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO job_readiness_expert_session_stats AS stats
    (expert_session_id, eligible_students, viewers, completed_students, completion_percentage_sum, watch_time_seconds_sum)
  SELECT s.id, eligible.students, watched.viewers, watched.completed, watched.percentage_sum, watched.watch_time_sum
  FROM job_readiness_expert_sessions s
  CROSS JOIN LATERAL (
    SELECT array_agg(DISTINCT a.client_id) AS client_ids
    FROM job_readiness_expert_session_products l
    JOIN client_product_assignments a ON a.product_id = l.product_id
    WHERE l.expert_session_id = s.id
  ) reach
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS students FROM users u WHERE u.role = 'student' AND u.client_id = ANY (reach.client_ids)
  ) eligible
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS viewers, (count(*) FILTER (WHERE p.is_completed))::int AS completed,
      coalesce(sum(p.completion_percentage), 0) AS percentage_sum, coalesce(sum(p.watch_time_seconds), 0) AS watch_time_sum
    FROM job_readiness_expert_session_progress p
    JOIN users u ON u.id = p.student_id
    WHERE p.expert_session_id = s.id AND u.role = 'student' AND u.client_id = ANY (reach.client_ids)
  ) watched
  WHERE s.id = ANY (session_ids)
  ORDER BY s.id
  ON CONFLICT (expert_session_id) DO UPDATE SET
    eligible_students = excluded.eligible_students,
    viewers = excluded.viewers,
    completed_students = excluded.completed_students,
    completion_percentage_sum = excluded.completion_percentage_sum,
    watch_time_seconds_sum = excluded.watch_time_seconds_sum
$$;
--> statement-breakpoint

-- Adds one progress row's contribution (negative to take it away) when its student is eligible.
CREATE FUNCTION job_readiness_count_expert_session_progress(
  student uuid, session uuid, viewers integer, completed integer, percentage integer, watch_time integer
) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO job_readiness_expert_session_stats AS stats
    (expert_session_id, viewers, completed_students, completion_percentage_sum, watch_time_seconds_sum)
  SELECT session, viewers, completed, percentage, watch_time
  WHERE EXISTS (
    SELECT 1 FROM users u
    JOIN client_product_assignments a ON a.client_id = u.client_id
    JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id AND l.expert_session_id = session
    WHERE u.id = student AND u.role = 'student'
  )
  ON CONFLICT (expert_session_id) DO UPDATE SET
    viewers = stats.viewers + excluded.viewers,
    completed_students = stats.completed_students + excluded.completed_students,
    completion_percentage_sum = stats.completion_percentage_sum + excluded.completion_percentage_sum,
    watch_time_seconds_sum = stats.watch_time_seconds_sum + excluded.watch_time_seconds_sum
$$;
--> statement-breakpoint

-- Progress saves: one small upsert inside the save's own statement, no extra round trip.
CREATE FUNCTION job_readiness_expert_session_progress_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.student_id = OLD.student_id AND NEW.expert_session_id = OLD.expert_session_id THEN
    IF (NEW.is_completed, NEW.completion_percentage, NEW.watch_time_seconds)
       IS DISTINCT FROM (OLD.is_completed, OLD.completion_percentage, OLD.watch_time_seconds) THEN
      PERFORM job_readiness_count_expert_session_progress(NEW.student_id, NEW.expert_session_id, 0,
        NEW.is_completed::int - OLD.is_completed::int, NEW.completion_percentage - OLD.completion_percentage,
        NEW.watch_time_seconds - OLD.watch_time_seconds);
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM job_readiness_count_expert_session_progress(OLD.student_id, OLD.expert_session_id, -1,
      -OLD.is_completed::int, -OLD.completion_percentage, -OLD.watch_time_seconds);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM job_readiness_count_expert_session_progress(NEW.student_id, NEW.expert_session_id, 1,
      NEW.is_completed::int, NEW.completion_percentage, NEW.watch_time_seconds);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_progress_stats
AFTER INSERT OR UPDATE OR DELETE ON job_readiness_expert_session_progress
FOR EACH ROW EXECUTE FUNCTION job_readiness_expert_session_progress_stats();
--> statement-breakpoint

-- New students: one more eligible student on every session their client reaches (no progress yet).
CREATE FUNCTION job_readiness_expert_session_new_students_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO job_readiness_expert_session_stats AS stats (expert_session_id, eligible_students)
  SELECT l.expert_session_id, count(DISTINCT n.id)::int
  FROM new_rows n
  JOIN client_product_assignments a ON a.client_id = n.client_id
  JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id
  WHERE n.role = 'student'
  GROUP BY l.expert_session_id
  ORDER BY l.expert_session_id
  ON CONFLICT (expert_session_id) DO UPDATE SET eligible_students = stats.eligible_students + excluded.eligible_students;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_new_students_stats
AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION job_readiness_expert_session_new_students_stats();
--> statement-breakpoint

-- A student who changes client or role, or is deleted (their progress goes with them): the sessions
-- of the clients before and after are recomputed. Rare, so recomputing is fine.
CREATE FUNCTION job_readiness_expert_session_changed_student_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM job_readiness_refresh_expert_session_stats(array(
    SELECT DISTINCT l.expert_session_id
    FROM client_product_assignments a
    JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id
    WHERE a.client_id IN (OLD.client_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.client_id END)
  ));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_changed_student_stats
AFTER UPDATE OF role, client_id ON users
FOR EACH ROW WHEN ((OLD.role = 'student' OR NEW.role = 'student')
  AND (OLD.role IS DISTINCT FROM NEW.role OR OLD.client_id IS DISTINCT FROM NEW.client_id))
EXECUTE FUNCTION job_readiness_expert_session_changed_student_stats();
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_deleted_student_stats
AFTER DELETE ON users
FOR EACH ROW WHEN (OLD.role = 'student')
EXECUTE FUNCTION job_readiness_expert_session_changed_student_stats();
--> statement-breakpoint

-- A session's product set changed: recompute those sessions.
CREATE FUNCTION job_readiness_expert_session_links_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM job_readiness_refresh_expert_session_stats(array(SELECT DISTINCT expert_session_id FROM new_rows));
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM job_readiness_refresh_expert_session_stats(array(SELECT DISTINCT expert_session_id FROM old_rows));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_links_inserted_stats
AFTER INSERT ON job_readiness_expert_session_products REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION job_readiness_expert_session_links_stats();
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_links_updated_stats
AFTER UPDATE ON job_readiness_expert_session_products REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION job_readiness_expert_session_links_stats();
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_links_deleted_stats
AFTER DELETE ON job_readiness_expert_session_products REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION job_readiness_expert_session_links_stats();
--> statement-breakpoint

-- A client's product set changed: recompute the sessions of the products that came or went.
CREATE FUNCTION job_readiness_client_products_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM job_readiness_refresh_expert_session_stats(array(
      SELECT DISTINCT l.expert_session_id FROM new_rows r JOIN job_readiness_expert_session_products l ON l.product_id = r.product_id));
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM job_readiness_refresh_expert_session_stats(array(
      SELECT DISTINCT l.expert_session_id FROM old_rows r JOIN job_readiness_expert_session_products l ON l.product_id = r.product_id));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_client_products_inserted_stats
AFTER INSERT ON client_product_assignments REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION job_readiness_client_products_stats();
--> statement-breakpoint
CREATE TRIGGER job_readiness_client_products_updated_stats
AFTER UPDATE ON client_product_assignments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION job_readiness_client_products_stats();
--> statement-breakpoint
CREATE TRIGGER job_readiness_client_products_deleted_stats
AFTER DELETE ON client_product_assignments REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION job_readiness_client_products_stats();
--> statement-breakpoint

SELECT job_readiness_refresh_expert_session_stats(array(SELECT id FROM job_readiness_expert_sessions));
