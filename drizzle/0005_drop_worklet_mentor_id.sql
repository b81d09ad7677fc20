ALTER TABLE "worklets" DROP CONSTRAINT "worklets_mentor_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "worklets" DROP COLUMN "mentor_id";