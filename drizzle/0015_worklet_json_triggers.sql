-- Each worklet as every list writes it (`workletSchema`), kept on write: reading a page of worklets
-- reads one text column instead of building each one's JSON from 12 fields and its product's row.
-- docs/decisions/016-json-kept-on-write.md.

-- The JSON of worklet `w` with `product`, its product's stored summary. Timestamps as the API writes
-- them (ISO 8601 in UTC, milliseconds), whatever the session's time zone.
CREATE FUNCTION worklet_as_json(w worklets, product json) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', w.id,
    'cert_id', w.cert_id,
    'title', w.title,
    'description', w.description,
    'status', w.status,
    'start_date', w.start_date,
    'end_date', w.end_date,
    'product', product,
    'mentors', w.active_mentors,
    'student_count', json_array_length(w.team),
    'created_at', to_char(w.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'updated_at', to_char(w.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text
$$;
--> statement-breakpoint

CREATE FUNCTION worklet_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.as_json := worklet_as_json(NEW, (SELECT summary FROM products WHERE id = NEW.product_id));
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- On a change of any column the JSON shows (the roster's triggers write team and active_mentors).
CREATE TRIGGER worklets_as_json BEFORE INSERT OR UPDATE OF
  id, cert_id, title, description, status, start_date, end_date, product_id, team, active_mentors, created_at, updated_at
ON worklets FOR EACH ROW EXECUTE FUNCTION worklet_before_write();
--> statement-breakpoint

-- A product renamed or retyped is written anew into its worklets, locked first in id order as every
-- other writer of several worklets locks them (decision 014).
CREATE FUNCTION worklets_after_product_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM worklets WHERE product_id = NEW.id ORDER BY id FOR NO KEY UPDATE;
  UPDATE worklets AS w SET as_json = worklet_as_json(w, NEW.summary) WHERE w.product_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER products_changed_worklets AFTER UPDATE ON products
FOR EACH ROW WHEN (OLD.summary::text IS DISTINCT FROM NEW.summary::text) EXECUTE FUNCTION worklets_after_product_change();
--> statement-breakpoint

UPDATE worklets AS w SET as_json = worklet_as_json(w, p.summary) FROM products AS p WHERE p.id = w.product_id;
