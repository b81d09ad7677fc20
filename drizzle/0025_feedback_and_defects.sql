ALTER TABLE "mentor_worklet_assignments" ADD COLUMN "first_assigned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mentor_worklet_assignments" ADD COLUMN "first_assigned_by" uuid;--> statement-breakpoint
ALTER TABLE "mentor_worklet_assignments" ADD CONSTRAINT "mentor_worklet_assignments_first_assigned_by_users_id_fk" FOREIGN KEY ("first_assigned_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint

-- Assignments reactivated before this migration lost their first assignment's time and author to the
-- reactivation: the timeline's first "assigned" entry still has them.
UPDATE mentor_worklet_assignments AS a
SET first_assigned_at = first.created_at, first_assigned_by = first.actor_id
FROM (
  SELECT DISTINCT ON (h.assignment_id) h.assignment_id, h.created_at, h.actor_id
  FROM mentor_assignment_history h
  WHERE h.action = 'assigned'
  ORDER BY h.assignment_id, h.created_at, h.id
) AS first
WHERE first.assignment_id = a.id
  AND EXISTS (SELECT 1 FROM mentor_assignment_history r WHERE r.assignment_id = a.id AND r.action = 'reactivated');
--> statement-breakpoint

-- Products of one type whose names differ only in case get a number, so that the unique index below
-- can be built: "Career Launchpad" and "career launchpad" become "Career Launchpad" and
-- "career launchpad (2)" (the older keeps its name).
DO $$
DECLARE
  duplicate record;
  n integer;
BEGIN
  FOR duplicate IN
    SELECT id, name, type FROM (
      SELECT id, name, type, row_number() OVER (PARTITION BY type, lower(name) ORDER BY created_at, id) AS rank FROM products
    ) AS ranked
    WHERE rank > 1
    ORDER BY type, lower(name), rank
  LOOP
    n := 2;
    WHILE EXISTS (SELECT 1 FROM products WHERE type = duplicate.type AND lower(name) = lower(duplicate.name || ' (' || n || ')')) LOOP
      n := n + 1;
    END LOOP;
    UPDATE products SET name = duplicate.name || ' (' || n || ')' WHERE id = duplicate.id;
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE UNIQUE INDEX "products_type_name_key" ON "products" USING btree ("type",lower("name"));--> statement-breakpoint

-- A disabled student reaches nothing (they cannot sign in): not eligible, their progress counted in no
-- session's statistics, until they are enabled again: the rule the progress reports keep since
-- migration 0024 (a counted student is an enabled student of an active client). The latest definitions
-- (refresh and new students: 0021; count of one progress row: 0023, in numeric seconds and
-- percentages), with `NOT banned` wherever a student is read.
CREATE OR REPLACE FUNCTION job_readiness_refresh_expert_session_stats(session_ids uuid[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO job_readiness_expert_session_stats AS stats
    (expert_session_id, eligible_students, viewers, completed_students, completion_percentage_sum, watch_time_seconds_sum)
  SELECT s.id, eligible.students, watched.viewers, watched.completed, watched.percentage_sum, watched.watch_time_sum
  FROM job_readiness_expert_sessions s
  CROSS JOIN LATERAL (
    SELECT array_agg(DISTINCT a.client_id) AS client_ids
    FROM job_readiness_expert_session_products l
    JOIN client_product_assignments a ON a.product_id = l.product_id
    JOIN clients c ON c.id = a.client_id AND c.is_active
    WHERE l.expert_session_id = s.id
  ) reach
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS students FROM users u
    WHERE u.role = 'student' AND NOT u.banned AND u.client_id = ANY (reach.client_ids)
  ) eligible
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS viewers, (count(*) FILTER (WHERE p.is_completed))::int AS completed,
      coalesce(sum(p.completion_percentage), 0) AS percentage_sum, coalesce(sum(p.watch_time_seconds), 0) AS watch_time_sum
    FROM job_readiness_expert_session_progress p
    JOIN users u ON u.id = p.student_id
    WHERE p.expert_session_id = s.id AND u.role = 'student' AND NOT u.banned AND u.client_id = ANY (reach.client_ids)
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
CREATE OR REPLACE FUNCTION job_readiness_count_expert_session_progress(
  student uuid, session uuid, viewers integer, completed integer, percentage numeric, watch_time numeric
) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO job_readiness_expert_session_stats AS stats
    (expert_session_id, viewers, completed_students, completion_percentage_sum, watch_time_seconds_sum)
  SELECT session, viewers, completed, percentage, watch_time
  WHERE EXISTS (
    SELECT 1 FROM users u
    JOIN clients c ON c.id = u.client_id AND c.is_active
    JOIN client_product_assignments a ON a.client_id = u.client_id
    JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id AND l.expert_session_id = session
    WHERE u.id = student AND u.role = 'student' AND NOT u.banned
  )
  ON CONFLICT (expert_session_id) DO UPDATE SET
    viewers = stats.viewers + excluded.viewers,
    completed_students = stats.completed_students + excluded.completed_students,
    completion_percentage_sum = stats.completion_percentage_sum + excluded.completion_percentage_sum,
    watch_time_seconds_sum = stats.watch_time_seconds_sum + excluded.watch_time_seconds_sum
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION job_readiness_expert_session_new_students_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO job_readiness_expert_session_stats AS stats (expert_session_id, eligible_students)
  SELECT l.expert_session_id, count(DISTINCT n.id)::int
  FROM new_rows n
  JOIN clients c ON c.id = n.client_id AND c.is_active
  JOIN client_product_assignments a ON a.client_id = n.client_id
  JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id
  WHERE n.role = 'student' AND NOT n.banned
  GROUP BY l.expert_session_id
  ORDER BY l.expert_session_id
  ON CONFLICT (expert_session_id) DO UPDATE SET eligible_students = stats.eligible_students + excluded.eligible_students;
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- Disabling or enabling a student recomputes the sessions of their client's products, as a change of
-- their role or client does.
DROP TRIGGER job_readiness_expert_session_changed_student_stats ON users;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_changed_student_stats
AFTER UPDATE OF role, client_id, banned ON users
FOR EACH ROW WHEN ((OLD.role = 'student' OR NEW.role = 'student')
  AND (OLD.role IS DISTINCT FROM NEW.role OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.banned IS DISTINCT FROM NEW.banned))
EXECUTE FUNCTION job_readiness_expert_session_changed_student_stats();
--> statement-breakpoint

-- The sessions disabled students reach, under the new definition.
SELECT job_readiness_refresh_expert_session_stats(array(
  SELECT DISTINCT l.expert_session_id
  FROM users u
  JOIN client_product_assignments a ON a.client_id = u.client_id
  JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id
  WHERE u.role = 'student' AND u.banned
));
--> statement-breakpoint

-- A team member as mentors see them: name, email and whether the account is disabled. The function of
-- migration 0013 with the team's entries widened; the rename trigger follows email and disabled too.
CREATE OR REPLACE FUNCTION worklet_refresh_roster(ids uuid[], refresh_team boolean, refresh_mentors boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM worklets WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE worklets AS w SET
    team = CASE WHEN refresh_team THEN coalesce((
      SELECT json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email, 'disabled', u.banned) ORDER BY u.name, u.id)
      FROM worklet_students AS s JOIN users AS u ON u.id = s.student_id
      WHERE s.worklet_id = w.id
    ), '[]'::json) ELSE w.team END,
    active_mentors = CASE WHEN refresh_mentors THEN coalesce((
      SELECT json_agg(
        json_build_object('id', u.id, 'name', u.name, 'role_type', a.role_type)
        ORDER BY array_position(array['Primary', 'Secondary', 'Collaborator']::text[], a.role_type), u.name, u.id
      )
      FROM mentor_worklet_assignments AS a JOIN users AS u ON u.id = a.mentor_id
      WHERE a.worklet_id = w.id AND a.is_active
    ), '[]'::json) ELSE w.active_mentors END
  WHERE w.id = ANY(ids);
END
$$;
--> statement-breakpoint
DROP TRIGGER users_renamed_roster ON users;
--> statement-breakpoint
CREATE TRIGGER users_renamed_roster AFTER UPDATE OF name, email, banned ON users
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email OR OLD.banned IS DISTINCT FROM NEW.banned)
EXECUTE FUNCTION worklet_roster_after_rename();
--> statement-breakpoint
SELECT worklet_refresh_roster(array(SELECT id FROM worklets WHERE json_array_length(team) > 0), true, false);
