CREATE TABLE "sign_in_attempts" (
	"key" text PRIMARY KEY NOT NULL,
	"attempts" integer NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sign_in_attempts_window_ends_at_idx" ON "sign_in_attempts" USING btree ("window_ends_at");--> statement-breakpoint
-- Every server process keeps recently seen sessions for a few seconds (decision 007) and LISTENs on
-- `auth_user_changed`; these triggers announce each user whose cached sessions must go, whoever
-- made the change (any process, better-auth, SQL by hand). PostgreSQL delivers a NOTIFY only when its
-- transaction commits, and one per user and transaction. docs/decisions/023-revocation-announced-by-postgresql.md.
CREATE FUNCTION announce_user_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('auth_user_changed', NEW.id::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- On a change of anything a cached actor holds, or of the disabled flag.
CREATE TRIGGER users_announce_change AFTER UPDATE OF name, email, role, client_id, banned ON users
FOR EACH ROW WHEN (
  OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email OR OLD.role IS DISTINCT FROM NEW.role
  OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.banned IS DISTINCT FROM NEW.banned
) EXECUTE FUNCTION announce_user_changed();
--> statement-breakpoint
CREATE FUNCTION announce_session_ended() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('auth_user_changed', OLD.user_id::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Sign-out, revoked sessions, a disabled user or a new password (their sessions deleted), a deleted user (cascade).
CREATE TRIGGER auth_sessions_announce_end AFTER DELETE ON auth_sessions
FOR EACH ROW EXECUTE FUNCTION announce_session_ended();
