ALTER TABLE "worklets" ADD COLUMN "team" json DEFAULT '[]'::json NOT NULL;--> statement-breakpoint
ALTER TABLE "worklets" ADD COLUMN "active_mentors" json DEFAULT '[]'::json NOT NULL;