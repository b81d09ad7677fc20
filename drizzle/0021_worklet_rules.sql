CREATE TABLE "worklet_team_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"worklet_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"action" text NOT NULL,
	"actor_id" uuid,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "worklet_team_history_action_check" CHECK ("worklet_team_history"."action" in ('added', 'removed'))
);
--> statement-breakpoint
ALTER TABLE "worklet_team_history" ADD CONSTRAINT "worklet_team_history_worklet_id_worklets_id_fk" FOREIGN KEY ("worklet_id") REFERENCES "public"."worklets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worklet_team_history" ADD CONSTRAINT "worklet_team_history_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worklet_team_history" ADD CONSTRAINT "worklet_team_history_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "worklet_team_history_worklet_idx" ON "worklet_team_history" USING btree ("worklet_id","created_at");--> statement-breakpoint
CREATE INDEX "users_disabled_idx" ON "users" USING btree ("id") WHERE "users"."banned";--> statement-breakpoint
CREATE INDEX "worklets_without_primary_idx" ON "worklets" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "worklets"."status" in ('draft', 'ongoing') and ("worklets"."active_mentors" -> 0 ->> 'role_type') is distinct from 'Primary';--> statement-breakpoint

-- A deactivated client's students reach none of its products' sessions (decision 025): they are not
-- eligible, and their progress counts in no session's statistics until the client is active again.
-- The functions of migration 0008, with the client's state added where a student's client is read.
CREATE OR REPLACE FUNCTION job_readiness_refresh_expert_session_stats(session_ids uuid[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO job_readiness_expert_session_stats AS stats
    (expert_session_id, eligible_students, viewers, completed_students, completion_percentage_sum, watch_time_seconds_sum)
  SELECT s.id, eligible.students, watched.viewers, watched.completed, watched.percentage_sum, watched.watch_time_sum
  FROM job_readiness_expert_sessions s
  CROSS JOIN LATERAL (
    SELECT array_agg(DISTINCT a.client_id) AS client_ids
    FROM job_readiness_expert_session_products l
    JOIN client_product_assignments a ON a.product_id = l.product_id
    JOIN clients c ON c.id = a.client_id AND c.is_active
    WHERE l.expert_session_id = s.id
  ) reach
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS students FROM users u WHERE u.role = 'student' AND u.client_id = ANY (reach.client_ids)
  ) eligible
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS viewers, (count(*) FILTER (WHERE p.is_completed))::int AS completed,
      coalesce(sum(p.completion_percentage), 0) AS percentage_sum, coalesce(sum(p.watch_time_seconds), 0) AS watch_time_sum
    FROM job_readiness_expert_session_progress p
    JOIN users u ON u.id = p.student_id
    WHERE p.expert_session_id = s.id AND u.role = 'student' AND u.client_id = ANY (reach.client_ids)
  ) watched
  WHERE s.id = ANY (session_ids)
  ORDER BY s.id
  ON CONFLICT (expert_session_id) DO UPDATE SET
    eligible_students = excluded.eligible_students,
    viewers = excluded.viewers,
    completed_students = excluded.completed_students,
    completion_percentage_sum = excluded.completion_percentage_sum,
    watch_time_seconds_sum = excluded.watch_time_seconds_sum
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION job_readiness_count_expert_session_progress(
  student uuid, session uuid, viewers integer, completed integer, percentage integer, watch_time integer
) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO job_readiness_expert_session_stats AS stats
    (expert_session_id, viewers, completed_students, completion_percentage_sum, watch_time_seconds_sum)
  SELECT session, viewers, completed, percentage, watch_time
  WHERE EXISTS (
    SELECT 1 FROM users u
    JOIN clients c ON c.id = u.client_id AND c.is_active
    JOIN client_product_assignments a ON a.client_id = u.client_id
    JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id AND l.expert_session_id = session
    WHERE u.id = student AND u.role = 'student'
  )
  ON CONFLICT (expert_session_id) DO UPDATE SET
    viewers = stats.viewers + excluded.viewers,
    completed_students = stats.completed_students + excluded.completed_students,
    completion_percentage_sum = stats.completion_percentage_sum + excluded.completion_percentage_sum,
    watch_time_seconds_sum = stats.watch_time_seconds_sum + excluded.watch_time_seconds_sum
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION job_readiness_expert_session_new_students_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO job_readiness_expert_session_stats AS stats (expert_session_id, eligible_students)
  SELECT l.expert_session_id, count(DISTINCT n.id)::int
  FROM new_rows n
  JOIN clients c ON c.id = n.client_id AND c.is_active
  JOIN client_product_assignments a ON a.client_id = n.client_id
  JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id
  WHERE n.role = 'student'
  GROUP BY l.expert_session_id
  ORDER BY l.expert_session_id
  ON CONFLICT (expert_session_id) DO UPDATE SET eligible_students = stats.eligible_students + excluded.eligible_students;
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- A client deactivated or activated again: the sessions of its products are recomputed (rare, as a
-- change of its product set is).
CREATE FUNCTION job_readiness_client_state_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM job_readiness_refresh_expert_session_stats(array(
    SELECT DISTINCT l.expert_session_id
    FROM client_product_assignments a
    JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id
    WHERE a.client_id = NEW.id
  ));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER job_readiness_client_state_stats
AFTER UPDATE OF is_active ON clients
FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active)
EXECUTE FUNCTION job_readiness_client_state_stats();
--> statement-breakpoint

-- The sessions that clients already inactive reach, under the new definition.
SELECT job_readiness_refresh_expert_session_stats(array(
  SELECT DISTINCT l.expert_session_id
  FROM clients c
  JOIN client_product_assignments a ON a.client_id = c.id
  JOIN job_readiness_expert_session_products l ON l.product_id = a.product_id
  WHERE NOT c.is_active
));
