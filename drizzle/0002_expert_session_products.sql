CREATE TABLE "job_readiness_expert_session_products" (
	"expert_session_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assigned_by" uuid,
	CONSTRAINT "job_readiness_expert_session_products_expert_session_id_product_id_pk" PRIMARY KEY("expert_session_id","product_id")
);
--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_products" ADD CONSTRAINT "job_readiness_expert_session_products_expert_session_id_job_readiness_expert_sessions_id_fk" FOREIGN KEY ("expert_session_id") REFERENCES "public"."job_readiness_expert_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_products" ADD CONSTRAINT "job_readiness_expert_session_products_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_readiness_expert_session_products" ADD CONSTRAINT "job_readiness_expert_session_products_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_expert_session_products_session_id" ON "job_readiness_expert_session_products" USING btree ("expert_session_id");--> statement-breakpoint
CREATE INDEX "idx_expert_session_products_product_id" ON "job_readiness_expert_session_products" USING btree ("product_id","expert_session_id");--> statement-breakpoint
-- Seed phase 1: every legacy single-product link becomes a junction row (nothing is dropped yet).
INSERT INTO "job_readiness_expert_session_products" ("expert_session_id", "product_id", "created_at", "assigned_by")
SELECT "id", "product_id", "created_at", "created_by"
FROM "job_readiness_expert_sessions"
WHERE "product_id" IS NOT NULL
ON CONFLICT DO NOTHING;
