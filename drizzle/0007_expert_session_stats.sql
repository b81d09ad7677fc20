CREATE TABLE "job_readiness_expert_session_stats" (
	"expert_session_id" uuid PRIMARY KEY NOT NULL,
	"eligible_students" integer DEFAULT 0 NOT NULL,
	"viewers" integer DEFAULT 0 NOT NULL,
	"completed_students" integer DEFAULT 0 NOT NULL,
	"completion_percentage_sum" bigint DEFAULT 0 NOT NULL,
	"watch_time_seconds_sum" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
DROP INDEX "job_readiness_expert_session_progress_stats_idx";--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_stats" ADD CONSTRAINT "job_readiness_expert_session_stats_expert_session_id_job_readiness_expert_sessions_id_fk" FOREIGN KEY ("expert_session_id") REFERENCES "public"."job_readiness_expert_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_readiness_expert_session_progress_session_idx" ON "job_readiness_expert_session_progress" USING btree ("expert_session_id","student_id");