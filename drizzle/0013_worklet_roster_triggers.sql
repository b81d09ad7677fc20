-- Each worklet's roster as the lists show it (the team by name; the active mentors, Primary first),
-- kept on write: listing worklets reads two columns instead of joining the students, the mentors and
-- their names once per worklet. docs/decisions/014-worklet-roster-kept-on-write.md.

-- Rewrites the team, the active mentors, or both, of the given worklets. They are locked first (in id
-- order, as the app locks them) and read after: in READ COMMITTED the second statement takes a new
-- snapshot, so the rows of a concurrent writer that committed while this one waited are included.
CREATE FUNCTION worklet_refresh_roster(ids uuid[], refresh_team boolean, refresh_mentors boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM worklets WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE worklets AS w SET
    team = CASE WHEN refresh_team THEN coalesce((
      SELECT json_agg(u.summary ORDER BY u.name, u.id)
      FROM worklet_students AS s JOIN users AS u ON u.id = s.student_id
      WHERE s.worklet_id = w.id
    ), '[]'::json) ELSE w.team END,
    active_mentors = CASE WHEN refresh_mentors THEN coalesce((
      SELECT json_agg(
        json_build_object('id', u.id, 'name', u.name, 'role_type', a.role_type)
        ORDER BY array_position(array['Primary', 'Secondary', 'Collaborator']::text[], a.role_type), u.name, u.id
      )
      FROM mentor_worklet_assignments AS a JOIN users AS u ON u.id = a.mentor_id
      WHERE a.worklet_id = w.id AND a.is_active
    ), '[]'::json) ELSE w.active_mentors END
  WHERE w.id = ANY(ids);
END
$$;
--> statement-breakpoint

-- Once per statement, so that a whole team written at once (or a bulk load) rewrites each worklet once;
-- a change of students rewrites the team, one of assignments the mentors.
CREATE FUNCTION worklet_roster_after_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[] := '{}';
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    ids := ids || array(SELECT DISTINCT worklet_id FROM old_rows);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    ids := ids || array(SELECT DISTINCT worklet_id FROM new_rows);
  END IF;
  PERFORM worklet_refresh_roster(ids, TG_TABLE_NAME = 'worklet_students', TG_TABLE_NAME = 'mentor_worklet_assignments');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER worklet_students_inserted_roster AFTER INSERT ON worklet_students
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION worklet_roster_after_change();
--> statement-breakpoint
CREATE TRIGGER worklet_students_updated_roster AFTER UPDATE ON worklet_students
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION worklet_roster_after_change();
--> statement-breakpoint
CREATE TRIGGER worklet_students_deleted_roster AFTER DELETE ON worklet_students
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION worklet_roster_after_change();
--> statement-breakpoint
CREATE TRIGGER mentor_worklet_assignments_inserted_roster AFTER INSERT ON mentor_worklet_assignments
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION worklet_roster_after_change();
--> statement-breakpoint
CREATE TRIGGER mentor_worklet_assignments_updated_roster AFTER UPDATE ON mentor_worklet_assignments
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION worklet_roster_after_change();
--> statement-breakpoint
CREATE TRIGGER mentor_worklet_assignments_deleted_roster AFTER DELETE ON mentor_worklet_assignments
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION worklet_roster_after_change();
--> statement-breakpoint

-- A renamed person is renamed in the rosters they are on.
CREATE FUNCTION worklet_roster_after_rename() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM worklet_refresh_roster(array(
    SELECT worklet_id FROM worklet_students WHERE student_id = NEW.id
    UNION
    SELECT worklet_id FROM mentor_worklet_assignments WHERE mentor_id = NEW.id AND is_active
  ), true, true);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_renamed_roster AFTER UPDATE OF name ON users
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION worklet_roster_after_rename();
--> statement-breakpoint

SELECT worklet_refresh_roster(array(SELECT id FROM worklets), true, true);
