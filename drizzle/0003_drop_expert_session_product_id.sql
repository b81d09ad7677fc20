ALTER TABLE "job_readiness_expert_sessions" DROP CONSTRAINT "job_readiness_expert_sessions_product_id_products_id_fk";
--> statement-breakpoint
DROP INDEX "job_readiness_expert_sessions_product_id_idx";--> statement-breakpoint
ALTER TABLE "job_readiness_expert_sessions" DROP COLUMN "product_id";