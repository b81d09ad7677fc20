CREATE TABLE "mentor_assignment_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"assignment_id" uuid NOT NULL,
	"worklet_id" uuid NOT NULL,
	"mentor_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_role" text,
	"to_role" text,
	"actor_id" uuid,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mentor_assignment_history_action_check" CHECK ("mentor_assignment_history"."action" in ('assigned', 'role_changed', 'deactivated', 'reactivated'))
);
--> statement-breakpoint
CREATE TABLE "mentor_worklet_assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mentor_id" uuid NOT NULL,
	"worklet_id" uuid NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"role_type" text DEFAULT 'Primary' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"assigned_by" uuid,
	"notes" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deactivated_at" timestamp with time zone,
	"deactivated_by" uuid,
	CONSTRAINT "unique_mentor_worklet" UNIQUE("mentor_id","worklet_id"),
	CONSTRAINT "mentor_worklet_assignments_role_check" CHECK ("mentor_worklet_assignments"."role_type" in ('Primary', 'Secondary', 'Collaborator'))
);
--> statement-breakpoint
ALTER TABLE "mentor_assignment_history" ADD CONSTRAINT "mentor_assignment_history_assignment_id_mentor_worklet_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."mentor_worklet_assignments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_assignment_history" ADD CONSTRAINT "mentor_assignment_history_worklet_id_worklets_id_fk" FOREIGN KEY ("worklet_id") REFERENCES "public"."worklets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_assignment_history" ADD CONSTRAINT "mentor_assignment_history_mentor_id_users_id_fk" FOREIGN KEY ("mentor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_assignment_history" ADD CONSTRAINT "mentor_assignment_history_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_worklet_assignments" ADD CONSTRAINT "mentor_worklet_assignments_mentor_id_users_id_fk" FOREIGN KEY ("mentor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_worklet_assignments" ADD CONSTRAINT "mentor_worklet_assignments_worklet_id_worklets_id_fk" FOREIGN KEY ("worklet_id") REFERENCES "public"."worklets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_worklet_assignments" ADD CONSTRAINT "mentor_worklet_assignments_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_worklet_assignments" ADD CONSTRAINT "mentor_worklet_assignments_deactivated_by_users_id_fk" FOREIGN KEY ("deactivated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mentor_assignment_history_worklet_idx" ON "mentor_assignment_history" USING btree ("worklet_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mentor_worklet_assignments_one_active_primary" ON "mentor_worklet_assignments" USING btree ("worklet_id") WHERE "mentor_worklet_assignments"."is_active" and "mentor_worklet_assignments"."role_type" = 'Primary';--> statement-breakpoint
CREATE INDEX "mentor_worklet_assignments_worklet_idx" ON "mentor_worklet_assignments" USING btree ("worklet_id");--> statement-breakpoint
-- Seed phase 2: each legacy worklets.mentor_id becomes an active Primary assignment, with its history entry.
INSERT INTO "mentor_worklet_assignments" ("mentor_id", "worklet_id", "assigned_at", "role_type", "is_active", "notes")
SELECT "mentor_id", "id", "created_at", 'Primary', true, 'Migrated from worklets.mentor_id'
FROM "worklets"
WHERE "mentor_id" IS NOT NULL
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "mentor_assignment_history" ("assignment_id", "worklet_id", "mentor_id", "action", "to_role", "reason", "created_at")
SELECT "id", "worklet_id", "mentor_id", 'assigned', 'Primary', 'Migrated from worklets.mentor_id', "assigned_at"
FROM "mentor_worklet_assignments";
