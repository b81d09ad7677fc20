CREATE TABLE "import_id_map" (
	"source" text NOT NULL,
	"source_table" text NOT NULL,
	"source_id" text NOT NULL,
	"target_table" text NOT NULL,
	"target_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_id_map_source_source_table_source_id_pk" PRIMARY KEY("source","source_table","source_id")
);
--> statement-breakpoint
ALTER TABLE "mentor_assignment_history" DROP CONSTRAINT "mentor_assignment_history_action_check";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "legacy" jsonb;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "legacy" jsonb;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "legacy" jsonb;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_progress" ADD COLUMN "legacy" jsonb;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_sessions" ADD COLUMN "legacy" jsonb;--> statement-breakpoint
ALTER TABLE "mentor_worklet_assignments" ADD COLUMN "legacy" jsonb;--> statement-breakpoint
ALTER TABLE "worklet_students" ADD COLUMN "legacy" jsonb;--> statement-breakpoint
ALTER TABLE "worklets" ADD COLUMN "legacy" jsonb;--> statement-breakpoint
CREATE INDEX "import_id_map_target_idx" ON "import_id_map" USING btree ("target_table","target_id");--> statement-breakpoint
ALTER TABLE "mentor_assignment_history" ADD CONSTRAINT "mentor_assignment_history_action_check" CHECK ("mentor_assignment_history"."action" in ('assigned', 'role_changed', 'deactivated', 'reactivated', 'imported'));--> statement-breakpoint
-- The student JSON's trigger names video_duration among its columns: it goes while the type changes.
DROP TRIGGER job_readiness_expert_sessions_student_json ON job_readiness_expert_sessions;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_progress" ALTER COLUMN "watch_time_seconds" SET DATA TYPE numeric(10, 3);--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_progress" ALTER COLUMN "last_position_seconds" SET DATA TYPE numeric(10, 3);--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_progress" ALTER COLUMN "completion_percentage" SET DATA TYPE numeric(5, 2);--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_stats" ALTER COLUMN "completion_percentage_sum" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_stats" ALTER COLUMN "watch_time_seconds_sum" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_sessions" ALTER COLUMN "video_duration" SET DATA TYPE numeric(10, 3);--> statement-breakpoint
-- Exact watch progress (docs/decisions/028-exact-watch-progress.md): a progress row's contribution to
-- its session's statistics is in seconds and hundredths of a percent, no longer whole numbers. Only
-- students of active clients count (decision 025, migration 0021).
DROP FUNCTION job_readiness_count_expert_session_progress(uuid, uuid, integer, integer, integer, integer);
--> statement-breakpoint
CREATE FUNCTION job_readiness_count_expert_session_progress(
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
    WHERE u.id = student AND u.role = 'student'
  )
  ON CONFLICT (expert_session_id) DO UPDATE SET
    viewers = stats.viewers + excluded.viewers,
    completed_students = stats.completed_students + excluded.completed_students,
    completion_percentage_sum = stats.completion_percentage_sum + excluded.completion_percentage_sum,
    watch_time_seconds_sum = stats.watch_time_seconds_sum + excluded.watch_time_seconds_sum
$$;
--> statement-breakpoint
-- The duration without trailing zeros (4, 5.8), as the API writes numbers.
CREATE OR REPLACE FUNCTION expert_session_student_json(s job_readiness_expert_sessions) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', s.id,
    'title', s.title,
    'description', s.description,
    'video_url', CASE WHEN s.video_storage_key IS NOT NULL THEN '/api/app/job-readiness/expert-sessions/' || s.id || '/video' END,
    'video_duration', trim_scale(s.video_duration),
    'created_at', to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_sessions_student_json BEFORE INSERT OR UPDATE OF
  id, title, description, video_storage_key, video_duration, created_at
ON job_readiness_expert_sessions FOR EACH ROW EXECUTE FUNCTION expert_session_before_write();
--> statement-breakpoint
UPDATE job_readiness_expert_sessions AS s SET student_json = expert_session_student_json(s);
