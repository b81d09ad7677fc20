-- How many sessions each student has started, by the state each session is in now (active, inactive,
-- deleted), kept on write: the admin summary's "students reached" reads it instead of searching every
-- progress row (7–8 s at XL). docs/decisions/010-students-reached-kept-on-write.md.

-- Adds `delta` (1 or -1) to the student's count of started sessions in the session's current state.
-- Reading the session FOR SHARE makes a concurrent change of its state wait for this transaction,
-- whose row that change then moves; a session already gone was counted out before it went.
CREATE FUNCTION job_readiness_count_expert_session_start(student uuid, session uuid, delta integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  active integer;
  inactive integer;
  deleted integer;
BEGIN
  SELECT delta * (e.deleted_at IS NULL AND e.is_active)::int, delta * (e.deleted_at IS NULL AND NOT e.is_active)::int,
    delta * (e.deleted_at IS NOT NULL)::int
  INTO active, inactive, deleted
  FROM job_readiness_expert_sessions e WHERE e.id = session FOR SHARE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF delta > 0 THEN
    INSERT INTO job_readiness_expert_session_student_starts AS starts (student_id, active_sessions, inactive_sessions, deleted_sessions)
    VALUES (student, active, inactive, deleted)
    ON CONFLICT (student_id) DO UPDATE SET
      active_sessions = starts.active_sessions + excluded.active_sessions,
      inactive_sessions = starts.inactive_sessions + excluded.inactive_sessions,
      deleted_sessions = starts.deleted_sessions + excluded.deleted_sessions;
  ELSE
    -- Only an update: a student being deleted may have lost their row already.
    UPDATE job_readiness_expert_session_student_starts SET
      active_sessions = active_sessions + active,
      inactive_sessions = inactive_sessions + inactive,
      deleted_sessions = deleted_sessions + deleted
    WHERE student_id = student;
  END IF;
END
$$;
--> statement-breakpoint

-- A progress row counts once per student and session: when it is inserted, deleted, or moved.
CREATE FUNCTION job_readiness_expert_session_progress_starts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.student_id = OLD.student_id AND NEW.expert_session_id = OLD.expert_session_id THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM job_readiness_count_expert_session_start(OLD.student_id, OLD.expert_session_id, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM job_readiness_count_expert_session_start(NEW.student_id, NEW.expert_session_id, 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_progress_starts
AFTER INSERT OR DELETE OR UPDATE OF student_id, expert_session_id ON job_readiness_expert_session_progress
FOR EACH ROW EXECUTE FUNCTION job_readiness_expert_session_progress_starts();
--> statement-breakpoint

-- A session that changes state (activated, deactivated, deleted, restored) moves the count of each
-- student who started it; one that is removed takes its count away before its progress goes.
CREATE FUNCTION job_readiness_expert_session_state_starts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  was integer[] := array[(OLD.deleted_at IS NULL AND OLD.is_active)::int, (OLD.deleted_at IS NULL AND NOT OLD.is_active)::int,
    (OLD.deleted_at IS NOT NULL)::int];
  now_is integer[] := array[0, 0, 0];
BEGIN
  IF TG_OP = 'UPDATE' THEN
    now_is := array[(NEW.deleted_at IS NULL AND NEW.is_active)::int, (NEW.deleted_at IS NULL AND NOT NEW.is_active)::int,
      (NEW.deleted_at IS NOT NULL)::int];
  END IF;
  IF now_is <> was THEN
    UPDATE job_readiness_expert_session_student_starts AS starts SET
      active_sessions = starts.active_sessions + now_is[1] - was[1],
      inactive_sessions = starts.inactive_sessions + now_is[2] - was[2],
      deleted_sessions = starts.deleted_sessions + now_is[3] - was[3]
    FROM job_readiness_expert_session_progress p
    WHERE p.expert_session_id = OLD.id AND starts.student_id = p.student_id;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_state_starts
AFTER UPDATE OF is_active, deleted_at ON job_readiness_expert_sessions
FOR EACH ROW EXECUTE FUNCTION job_readiness_expert_session_state_starts();
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_removed_starts
BEFORE DELETE ON job_readiness_expert_sessions
FOR EACH ROW EXECUTE FUNCTION job_readiness_expert_session_state_starts();
--> statement-breakpoint

-- Every student's counts from scratch: for the progress already there, and after a bulk load that
-- ran with the triggers off.
CREATE FUNCTION job_readiness_recount_expert_session_student_starts() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM job_readiness_expert_session_student_starts;
  INSERT INTO job_readiness_expert_session_student_starts (student_id, active_sessions, inactive_sessions, deleted_sessions)
  SELECT p.student_id,
    count(*) FILTER (WHERE e.deleted_at IS NULL AND e.is_active),
    count(*) FILTER (WHERE e.deleted_at IS NULL AND NOT e.is_active),
    count(*) FILTER (WHERE e.deleted_at IS NOT NULL)
  FROM job_readiness_expert_session_progress p
  JOIN job_readiness_expert_sessions e ON e.id = p.expert_session_id
  GROUP BY p.student_id;
$$;
--> statement-breakpoint
SELECT job_readiness_recount_expert_session_student_starts();
