CREATE TABLE "job_readiness_expert_session_progress" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" uuid NOT NULL,
	"expert_session_id" uuid NOT NULL,
	"watch_time_seconds" integer DEFAULT 0 NOT NULL,
	"last_position_seconds" integer DEFAULT 0 NOT NULL,
	"completion_percentage" integer DEFAULT 0 NOT NULL,
	"is_completed" boolean DEFAULT false NOT NULL,
	"completed_at" timestamp with time zone,
	"last_milestone_reached" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_readiness_expert_session_progress_student_session_unique" UNIQUE("student_id","expert_session_id"),
	CONSTRAINT "job_readiness_expert_session_progress_percentage_check" CHECK ("job_readiness_expert_session_progress"."completion_percentage" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "job_readiness_expert_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"product_id" uuid,
	"video_storage_key" text,
	"video_duration" integer DEFAULT 0 NOT NULL,
	"video_size_bytes" bigint,
	"video_media_type" text,
	"is_active" boolean DEFAULT true NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "worklet_students" (
	"worklet_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "worklet_students_worklet_id_student_id_pk" PRIMARY KEY("worklet_id","student_id")
);
--> statement-breakpoint
CREATE TABLE "worklets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cert_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"start_date" date,
	"end_date" date,
	"product_id" uuid NOT NULL,
	"mentor_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "worklets_cert_id_unique" UNIQUE("cert_id"),
	CONSTRAINT "worklets_status_check" CHECK ("worklets"."status" in ('draft', 'ongoing', 'completed', 'cancelled')),
	CONSTRAINT "worklets_dates_check" CHECK ("worklets"."end_date" is null or "worklets"."start_date" is null or "worklets"."end_date" >= "worklets"."start_date")
);
--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_progress" ADD CONSTRAINT "job_readiness_expert_session_progress_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_progress" ADD CONSTRAINT "job_readiness_expert_session_progress_expert_session_id_job_readiness_expert_sessions_id_fk" FOREIGN KEY ("expert_session_id") REFERENCES "public"."job_readiness_expert_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_sessions" ADD CONSTRAINT "job_readiness_expert_sessions_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_sessions" ADD CONSTRAINT "job_readiness_expert_sessions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worklet_students" ADD CONSTRAINT "worklet_students_worklet_id_worklets_id_fk" FOREIGN KEY ("worklet_id") REFERENCES "public"."worklets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worklet_students" ADD CONSTRAINT "worklet_students_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worklets" ADD CONSTRAINT "worklets_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worklets" ADD CONSTRAINT "worklets_mentor_id_users_id_fk" FOREIGN KEY ("mentor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_readiness_expert_session_progress_session_idx" ON "job_readiness_expert_session_progress" USING btree ("expert_session_id");--> statement-breakpoint
CREATE INDEX "job_readiness_expert_sessions_product_id_idx" ON "job_readiness_expert_sessions" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "job_readiness_expert_sessions_created_idx" ON "job_readiness_expert_sessions" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "worklet_students_student_id_idx" ON "worklet_students" USING btree ("student_id");--> statement-breakpoint
CREATE INDEX "worklets_created_idx" ON "worklets" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "worklets_product_id_idx" ON "worklets" USING btree ("product_id");