CREATE TABLE "job_readiness_expert_session_captions" (
	"expert_session_id" uuid NOT NULL,
	"language" text NOT NULL,
	"label" text NOT NULL,
	"storage_key" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_readiness_expert_session_captions_expert_session_id_language_pk" PRIMARY KEY("expert_session_id","language")
);
--> statement-breakpoint
CREATE TABLE "password_reset_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "password_reset_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "mail_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"user_id" uuid NOT NULL,
	"params" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "mail_outbox_kind_check" CHECK ("mail_outbox"."kind" in ('password_reset', 'mentor_assigned', 'session_published')),
	CONSTRAINT "mail_outbox_status_check" CHECK ("mail_outbox"."status" in ('pending', 'sent', 'failed', 'skipped'))
);
--> statement-breakpoint
ALTER TABLE "job_readiness_expert_sessions" ADD COLUMN "poster_storage_key" text;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_captions" ADD CONSTRAINT "job_readiness_expert_session_captions_expert_session_id_job_readiness_expert_sessions_id_fk" FOREIGN KEY ("expert_session_id") REFERENCES "public"."job_readiness_expert_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_captions" ADD CONSTRAINT "job_readiness_expert_session_captions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_reset_tokens" ADD CONSTRAINT "password_reset_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_reset_tokens" ADD CONSTRAINT "password_reset_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "password_reset_tokens_user_idx" ON "password_reset_tokens" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "mail_outbox_due_idx" ON "mail_outbox" USING btree ("next_attempt_at") WHERE "mail_outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "mail_outbox_user_idx" ON "mail_outbox" USING btree ("user_id");--> statement-breakpoint
-- The student's list shows the session's poster and captions (decision 016 keeps that JSON on
-- write): the function gains them, the session's trigger listens to its poster too, and a change
-- of captions rewrites the JSON of their session. The addresses are those `mediaPath`
-- (expert-sessions.schemas.ts) gives; the duration as migration 0023 writes it.
CREATE OR REPLACE FUNCTION expert_session_student_json(s job_readiness_expert_sessions) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', s.id,
    'title', s.title,
    'description', s.description,
    'video_url', CASE WHEN s.video_storage_key IS NOT NULL THEN '/api/app/job-readiness/expert-sessions/' || s.id || '/video' END,
    'poster_url', CASE WHEN s.poster_storage_key IS NOT NULL THEN '/api/app/job-readiness/expert-sessions/' || s.id || '/poster' END,
    'captions', coalesce((
      SELECT json_agg(json_build_object(
        'language', c.language,
        'label', c.label,
        'url', '/api/app/job-readiness/expert-sessions/' || s.id || '/captions/' || c.language
      ) ORDER BY c.label, c.language)
      FROM job_readiness_expert_session_captions c WHERE c.expert_session_id = s.id
    ), '[]'::json),
    'video_duration', trim_scale(s.video_duration),
    'created_at', to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text
$$;
--> statement-breakpoint
DROP TRIGGER job_readiness_expert_sessions_student_json ON job_readiness_expert_sessions;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_sessions_student_json BEFORE INSERT OR UPDATE OF
  id, title, description, video_storage_key, poster_storage_key, video_duration, created_at
ON job_readiness_expert_sessions FOR EACH ROW EXECUTE FUNCTION expert_session_before_write();
--> statement-breakpoint
CREATE FUNCTION expert_session_captions_after_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE job_readiness_expert_sessions AS s SET student_json = expert_session_student_json(s)
  WHERE s.id IN (NEW.expert_session_id, OLD.expert_session_id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_expert_session_captions_student_json AFTER INSERT OR UPDATE OR DELETE
ON job_readiness_expert_session_captions FOR EACH ROW EXECUTE FUNCTION expert_session_captions_after_write();
--> statement-breakpoint
UPDATE job_readiness_expert_sessions AS s SET student_json = expert_session_student_json(s);
