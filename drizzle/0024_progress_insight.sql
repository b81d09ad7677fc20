CREATE TABLE "progress_insight_client_sessions" (
	"expert_session_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"started" integer DEFAULT 0 NOT NULL,
	"reached_25" integer DEFAULT 0 NOT NULL,
	"reached_50" integer DEFAULT 0 NOT NULL,
	"reached_75" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"completion_percentage_sum" numeric DEFAULT '0' NOT NULL,
	"watch_time_seconds_sum" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "progress_insight_client_sessions_expert_session_id_client_id_pk" PRIMARY KEY("expert_session_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "progress_insight_client_students" (
	"client_id" uuid PRIMARY KEY NOT NULL,
	"students" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "progress_insight_completions" (
	"expert_session_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"week" date NOT NULL,
	"completions" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "progress_insight_completions_expert_session_id_client_id_week_pk" PRIMARY KEY("expert_session_id","client_id","week")
);
--> statement-breakpoint
ALTER TABLE "progress_insight_client_sessions" ADD CONSTRAINT "progress_insight_client_sessions_expert_session_id_job_readiness_expert_sessions_id_fk" FOREIGN KEY ("expert_session_id") REFERENCES "public"."job_readiness_expert_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_insight_client_sessions" ADD CONSTRAINT "progress_insight_client_sessions_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_insight_client_students" ADD CONSTRAINT "progress_insight_client_students_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_insight_completions" ADD CONSTRAINT "progress_insight_completions_expert_session_id_job_readiness_expert_sessions_id_fk" FOREIGN KEY ("expert_session_id") REFERENCES "public"."job_readiness_expert_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_insight_completions" ADD CONSTRAINT "progress_insight_completions_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_counted_students_idx" ON "users" USING btree ("client_id","name","id","email") WHERE "users"."role" = 'student' and not "users"."banned";
--> statement-breakpoint

-- The progress reports' figures kept on write (docs/decisions/032-progress-reports-kept-per-client.md).
-- A student counts while their role is student and they are not disabled; their progress counts under
-- their client. Whether the client is active and reaches a session is read with the figures, so a
-- change of either needs no recount here.

-- The client a student's progress counts under, or NULL when it counts nowhere.
CREATE FUNCTION progress_insight_counted_client(student uuid) RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT client_id FROM users WHERE id = student AND role = 'student' AND NOT banned
$$;
--> statement-breakpoint

-- Moves one progress row's contribution from `before` to `after` (either NULL: the row did not or no
-- longer counts) for `client`'s figures on `session`. Only a row that counts now may add a figures row;
-- taking away only updates one (the session or client may be going with a cascade).
CREATE FUNCTION progress_insight_count_progress(
  client uuid, session uuid, before job_readiness_expert_session_progress, after job_readiness_expert_session_progress
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  delta_started integer := (after.id IS NOT NULL)::int - (before.id IS NOT NULL)::int;
  delta_reached_25 integer := coalesce((after.completion_percentage >= 25)::int, 0) - coalesce((before.completion_percentage >= 25)::int, 0);
  delta_reached_50 integer := coalesce((after.completion_percentage >= 50)::int, 0) - coalesce((before.completion_percentage >= 50)::int, 0);
  delta_reached_75 integer := coalesce((after.completion_percentage >= 75)::int, 0) - coalesce((before.completion_percentage >= 75)::int, 0);
  delta_completed integer := coalesce(after.is_completed::int, 0) - coalesce(before.is_completed::int, 0);
  delta_percentage numeric := coalesce(after.completion_percentage::numeric, 0) - coalesce(before.completion_percentage::numeric, 0);
  delta_watch_time numeric := coalesce(after.watch_time_seconds::numeric, 0) - coalesce(before.watch_time_seconds::numeric, 0);
  before_week date := (date_trunc('week', before.completed_at AT TIME ZONE 'UTC'))::date;
  after_week date := (date_trunc('week', after.completed_at AT TIME ZONE 'UTC'))::date;
BEGIN
  IF after.id IS NOT NULL THEN
    INSERT INTO progress_insight_client_sessions AS kept
      (expert_session_id, client_id, started, reached_25, reached_50, reached_75, completed, completion_percentage_sum, watch_time_seconds_sum)
    VALUES (session, client, delta_started, delta_reached_25, delta_reached_50, delta_reached_75, delta_completed, delta_percentage, delta_watch_time)
    ON CONFLICT (expert_session_id, client_id) DO UPDATE SET
      started = kept.started + excluded.started,
      reached_25 = kept.reached_25 + excluded.reached_25,
      reached_50 = kept.reached_50 + excluded.reached_50,
      reached_75 = kept.reached_75 + excluded.reached_75,
      completed = kept.completed + excluded.completed,
      completion_percentage_sum = kept.completion_percentage_sum + excluded.completion_percentage_sum,
      watch_time_seconds_sum = kept.watch_time_seconds_sum + excluded.watch_time_seconds_sum;
  ELSE
    UPDATE progress_insight_client_sessions AS kept SET
      started = kept.started + delta_started,
      reached_25 = kept.reached_25 + delta_reached_25,
      reached_50 = kept.reached_50 + delta_reached_50,
      reached_75 = kept.reached_75 + delta_reached_75,
      completed = kept.completed + delta_completed,
      completion_percentage_sum = kept.completion_percentage_sum + delta_percentage,
      watch_time_seconds_sum = kept.watch_time_seconds_sum + delta_watch_time
    WHERE kept.expert_session_id = session AND kept.client_id = client;
  END IF;
  IF before_week IS NOT DISTINCT FROM after_week THEN
    RETURN;
  END IF;
  IF before_week IS NOT NULL THEN
    UPDATE progress_insight_completions AS kept SET completions = kept.completions - 1
    WHERE kept.expert_session_id = session AND kept.client_id = client AND kept.week = before_week;
  END IF;
  IF after_week IS NOT NULL THEN
    INSERT INTO progress_insight_completions AS kept (expert_session_id, client_id, week, completions)
    VALUES (session, client, after_week, 1)
    ON CONFLICT (expert_session_id, client_id, week) DO UPDATE SET completions = kept.completions + 1;
  END IF;
END
$$;
--> statement-breakpoint

-- Progress saved or deleted: its difference, in one upsert inside the save's own statement; a save that
-- changes nothing counted (the position only) writes nothing.
CREATE FUNCTION progress_insight_progress_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  before_client uuid;
  after_client uuid;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.student_id = OLD.student_id AND NEW.expert_session_id = OLD.expert_session_id
     AND (NEW.completion_percentage, NEW.watch_time_seconds, NEW.is_completed, NEW.completed_at)
         IS NOT DISTINCT FROM (OLD.completion_percentage, OLD.watch_time_seconds, OLD.is_completed, OLD.completed_at) THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    before_client := progress_insight_counted_client(OLD.student_id);
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.student_id = OLD.student_id THEN
    after_client := before_client;
  ELSIF TG_OP <> 'DELETE' THEN
    after_client := progress_insight_counted_client(NEW.student_id);
  END IF;
  IF TG_OP = 'UPDATE' AND before_client = after_client AND NEW.expert_session_id = OLD.expert_session_id THEN
    PERFORM progress_insight_count_progress(after_client, NEW.expert_session_id, OLD, NEW);
    RETURN NULL;
  END IF;
  IF before_client IS NOT NULL THEN
    PERFORM progress_insight_count_progress(before_client, OLD.expert_session_id, OLD, NULL);
  END IF;
  IF after_client IS NOT NULL THEN
    PERFORM progress_insight_count_progress(after_client, NEW.expert_session_id, NULL, NEW);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER progress_insight_progress_counts
AFTER INSERT OR UPDATE OR DELETE ON job_readiness_expert_session_progress
FOR EACH ROW EXECUTE FUNCTION progress_insight_progress_counts();
--> statement-breakpoint

-- A student whose figures move from one client to another (either NULL: they start or stop counting):
-- their count, and each of their progress rows.
CREATE FUNCTION progress_insight_move_student(student uuid, from_client uuid, to_client uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  progress job_readiness_expert_session_progress;
BEGIN
  IF from_client IS NOT NULL THEN
    UPDATE progress_insight_client_students SET students = students - 1 WHERE client_id = from_client;
  END IF;
  IF to_client IS NOT NULL THEN
    INSERT INTO progress_insight_client_students AS kept (client_id, students) VALUES (to_client, 1)
    ON CONFLICT (client_id) DO UPDATE SET students = kept.students + 1;
  END IF;
  FOR progress IN SELECT * FROM job_readiness_expert_session_progress p WHERE p.student_id = student ORDER BY p.expert_session_id LOOP
    IF from_client IS NOT NULL THEN
      PERFORM progress_insight_count_progress(from_client, progress.expert_session_id, progress, NULL);
    END IF;
    IF to_client IS NOT NULL THEN
      PERFORM progress_insight_count_progress(to_client, progress.expert_session_id, NULL, progress);
    END IF;
  END LOOP;
END
$$;
--> statement-breakpoint

-- New users: the students among them count for their clients (they have no progress yet).
CREATE FUNCTION progress_insight_new_students() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO progress_insight_client_students AS kept (client_id, students)
  SELECT n.client_id, count(*)::int FROM new_rows n
  WHERE n.role = 'student' AND NOT n.banned AND n.client_id IS NOT NULL
  GROUP BY n.client_id
  ORDER BY n.client_id
  ON CONFLICT (client_id) DO UPDATE SET students = kept.students + excluded.students;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER progress_insight_new_students
AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION progress_insight_new_students();
--> statement-breakpoint

-- A user who becomes or stops being a counted student, or moves client (rare, admin actions).
CREATE FUNCTION progress_insight_changed_student() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  from_client uuid := CASE WHEN OLD.role = 'student' AND NOT OLD.banned THEN OLD.client_id END;
  to_client uuid := CASE WHEN TG_OP = 'UPDATE' AND NEW.role = 'student' AND NOT NEW.banned THEN NEW.client_id END;
BEGIN
  IF from_client IS DISTINCT FROM to_client THEN
    PERFORM progress_insight_move_student(OLD.id, from_client, to_client);
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER progress_insight_changed_student
AFTER UPDATE OF role, client_id, banned ON users
FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.banned IS DISTINCT FROM NEW.banned)
EXECUTE FUNCTION progress_insight_changed_student();
--> statement-breakpoint
-- Before the delete: its cascade takes the progress rows once the student can no longer be read.
CREATE TRIGGER progress_insight_deleted_student
BEFORE DELETE ON users
FOR EACH ROW WHEN (OLD.role = 'student' AND NOT OLD.banned)
EXECUTE FUNCTION progress_insight_changed_student();
--> statement-breakpoint

-- Every figure counted again from the rows (the definition; the scale generator calls it after a bulk
-- load with the triggers off, and the tests compare the kept figures with it).
CREATE FUNCTION progress_insight_recount() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM progress_insight_client_students;
  INSERT INTO progress_insight_client_students (client_id, students)
  SELECT client_id, count(*)::int FROM users
  WHERE role = 'student' AND NOT banned AND client_id IS NOT NULL
  GROUP BY client_id;
  DELETE FROM progress_insight_client_sessions;
  INSERT INTO progress_insight_client_sessions
    (expert_session_id, client_id, started, reached_25, reached_50, reached_75, completed, completion_percentage_sum, watch_time_seconds_sum)
  SELECT p.expert_session_id, u.client_id, count(*)::int,
    (count(*) FILTER (WHERE p.completion_percentage >= 25))::int,
    (count(*) FILTER (WHERE p.completion_percentage >= 50))::int,
    (count(*) FILTER (WHERE p.completion_percentage >= 75))::int,
    (count(*) FILTER (WHERE p.is_completed))::int,
    sum(p.completion_percentage::numeric), sum(p.watch_time_seconds::numeric)
  FROM job_readiness_expert_session_progress p
  JOIN users u ON u.id = p.student_id AND u.role = 'student' AND NOT u.banned
  GROUP BY p.expert_session_id, u.client_id;
  DELETE FROM progress_insight_completions;
  INSERT INTO progress_insight_completions (expert_session_id, client_id, week, completions)
  SELECT p.expert_session_id, u.client_id, (date_trunc('week', p.completed_at AT TIME ZONE 'UTC'))::date, count(*)::int
  FROM job_readiness_expert_session_progress p
  JOIN users u ON u.id = p.student_id AND u.role = 'student' AND NOT u.banned
  WHERE p.completed_at IS NOT NULL
  GROUP BY 1, 2, 3;
$$;
--> statement-breakpoint
SELECT progress_insight_recount();
