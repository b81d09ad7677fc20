-- Each expert session as a student's list writes it (`studentSessionSchema` without the student's
-- progress), kept on write: the list reads one text column per session instead of six, and the
-- server passes it on instead of writing it again. docs/decisions/016-json-kept-on-write.md.
-- The video's address is the one `videoPath` (expert-sessions.schemas.ts) gives.
CREATE FUNCTION expert_session_student_json(s job_readiness_expert_sessions) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', s.id,
    'title', s.title,
    'description', s.description,
    'video_url', CASE WHEN s.video_storage_key IS NOT NULL THEN '/api/app/job-readiness/expert-sessions/' || s.id || '/video' END,
    'video_duration', s.video_duration,
    'created_at', to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text
$$;
--> statement-breakpoint

CREATE FUNCTION expert_session_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.student_json := expert_session_student_json(NEW);
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- On a change of any column the JSON shows.
CREATE TRIGGER job_readiness_expert_sessions_student_json BEFORE INSERT OR UPDATE OF
  id, title, description, video_storage_key, video_duration, created_at
ON job_readiness_expert_sessions FOR EACH ROW EXECUTE FUNCTION expert_session_before_write();
--> statement-breakpoint

UPDATE job_readiness_expert_sessions AS s SET student_json = expert_session_student_json(s);
