CREATE TABLE "upload_claims" (
	"upload_id" text PRIMARY KEY NOT NULL,
	"token" uuid NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"consumed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "storage_identity" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"identity" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "storage_identity_singleton" CHECK ("storage_identity"."singleton")
);
