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
ALTER TABLE "mentor_assignment_history" ADD CONSTRAINT "mentor_assignment_history_action_check" CHECK ("mentor_assignment_history"."action" in ('assigned', 'role_changed', 'deactivated', 'reactivated', 'imported'));