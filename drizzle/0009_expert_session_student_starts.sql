CREATE TABLE "job_readiness_expert_session_student_starts" (
	"student_id" uuid PRIMARY KEY NOT NULL,
	"active_sessions" integer DEFAULT 0 NOT NULL,
	"inactive_sessions" integer DEFAULT 0 NOT NULL,
	"deleted_sessions" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_student_starts" ADD CONSTRAINT "job_readiness_expert_session_student_starts_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;