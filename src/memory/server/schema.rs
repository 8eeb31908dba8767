//! tolk's schema on a server, as numbered migrations, and the two group roles it
//! grants: `tolk_editor` and `tolk_translator`.
//!
//! Every write to `tolk.entries`, by tolk or by anyone with `psql`, passes the trigger
//! `tolk.stamp`: it takes the memory's write lock (the row of `tolk.state`, locked
//! until the transaction ends, which only the two roles may lock),
//! gives the row the next revision from `tolk.revision`, and records who added it.
//! Writers hold the lock until they commit, and every revision of a transaction is
//! given under it, so revisions become visible in the order they were given: a reader
//! that has seen revision `r` has seen every write up to it, and what it has not seen
//! is exactly the rows whose `rev` is above `r`. That is what a local cache refreshes
//! with. The trigger trusts nothing a client can set (no session setting, its own
//! `search_path`), so no role can write a row out of that order.
//!
//! Who may do what is the database's to enforce, through grants and row-level
//! security: both roles read and add entries (a translator only entries in use, not
//! retired ones); only an editor may change an entry, and then only the columns tolk
//! changes (`retired`, `retired_by`, `changed`): nobody rewrites a source or a
//! translation, and nothing is deleted.

/// The key of the advisory lock two `server init`s at once take turns by.
pub const INIT_LOCK: i64 = 0x0074_6f6c_6b5f_746e;

/// Takes the memory's write lock: the one row of `tolk.state`, which only the two
/// roles may lock (an advisory lock anyone who may connect could take, and hold).
pub const WRITE_LOCK: &str = "SELECT 1 FROM tolk.state FOR UPDATE";

/// Takes it without waiting: a row, or none when another writer holds it.
pub const TRY_WRITE_LOCK: &str = "SELECT 1 FROM tolk.state FOR UPDATE SKIP LOCKED";

/// The group role that may read, add, retire and restore.
pub const EDITOR: &str = "tolk_editor";
/// The group role that may read and add translations.
pub const TRANSLATOR: &str = "tolk_translator";

/// The migrations, in order: migration `i` (from 0) makes schema version `i + 1`.
pub const MIGRATIONS: &[&str] = &[MIGRATION_1];

/// The schema version this tolk makes and reads.
pub const VERSION: i32 = MIGRATIONS.len() as i32;

const MIGRATION_1: &str = r#"
-- One row: the memory's id; its epoch, which every removal of entries (only an
-- administrator can) moves on, so kept copies know to read the memory again; and the
-- row every writer locks (`SELECT ... FOR UPDATE`, which takes the UPDATE right on
-- `write_lock` that only the two roles have).
CREATE TABLE tolk.state (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    memory_id uuid NOT NULL DEFAULT gen_random_uuid(),
    epoch bigint NOT NULL DEFAULT 0,
    write_lock boolean NOT NULL DEFAULT true
);
INSERT INTO tolk.state DEFAULT VALUES;

CREATE SEQUENCE tolk.revision;

-- What the CSV memory's reader takes, so whatever the server holds, pulled, loads:
-- a cell within the reader's limit, and a date as tolk reads ISO 8601 (or none).
CREATE DOMAIN tolk.cell AS text CHECK (octet_length(VALUE) <= MAX_CELL);
CREATE DOMAIN tolk.moment AS tolk.cell CHECK (
    VALUE ~ '^\s*$'
    OR VALUE ~ '^\s*([0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3])[0-5][0-9][0-6][0-9]Z|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-6][0-9]([.,][0-9]+)?)?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?)?)\s*$'
);

CREATE FUNCTION tolk.header_ok(columns text[]) RETURNS boolean LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(bool_and(c IS NOT NULL AND btrim(c) <> '' AND c !~ '[[:cntrl:]]'), true)
        AND count(DISTINCT lower(btrim(c))) = count(*)
    FROM unnest(columns) AS c
$$;

-- A memory file's name, as a CSV folder holds it: a .csv file, not hidden, not the
-- glossary, no folder.
CREATE TABLE tolk.files (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (
        name ~ '^[^./\\[:cntrl:]][^/\\[:cntrl:]]*\.[cC][sS][vV]$' AND lower(name) <> 'glossary.csv'
        AND octet_length(name) <= 255
    ),
    -- Its header as pushed: names, none empty or repeated (as the CSV reader compares).
    columns text[] NOT NULL CHECK (tolk.header_ok(columns))
);
-- Two names one file on a file system that ignores case.
CREATE UNIQUE INDEX files_name_any_case ON tolk.files (lower(name));

CREATE TABLE tolk.entries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file integer NOT NULL REFERENCES tolk.files,
    row_number bigint NOT NULL CHECK (row_number BETWEEN 1 AND 1000000000000000),
    source tolk.cell NOT NULL CHECK (btrim(source) <> ''),
    target tolk.cell NOT NULL DEFAULT '',
    created tolk.moment NOT NULL DEFAULT '',
    changed tolk.moment NOT NULL DEFAULT '',
    translator tolk.cell NOT NULL DEFAULT '',
    origin tolk.cell NOT NULL DEFAULT '',
    note tolk.cell NOT NULL DEFAULT '',
    retired tolk.moment NOT NULL DEFAULT '',
    import tolk.cell NOT NULL DEFAULT '',
    retired_by tolk.cell NOT NULL DEFAULT '',
    prev tolk.cell NOT NULL DEFAULT '',
    next tolk.cell NOT NULL DEFAULT '',
    -- The other columns of the entry's file: [[name, value], ...], both strings.
    extra jsonb NOT NULL DEFAULT '[]' CHECK (
        jsonb_typeof(extra) = 'array'
        AND NOT jsonb_path_exists(
            extra,
            'strict $[*] ? (@.type() != "array" || @.size() != 2 || @[0].type() != "string" || @[1].type() != "string" || @[0] == "")'
        )
    ),
    added_by name NOT NULL DEFAULT current_user,
    added_at timestamptz NOT NULL DEFAULT now(),
    rev bigint NOT NULL DEFAULT 0,
    UNIQUE (file, row_number)
);
CREATE INDEX entries_rev ON tolk.entries (rev);

CREATE FUNCTION tolk.stamp() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Taken again by every row (a lock already held costs a lookup), so no row of any
    -- transaction gets a revision without holding it.
    PERFORM 1 FROM tolk.state FOR UPDATE;
    NEW.rev := nextval('tolk.revision'::regclass);
    IF TG_OP = 'INSERT' THEN
        -- Who logged in, whatever role they set.
        NEW.added_by := session_user;
        NEW.added_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON tolk.entries
    FOR EACH ROW EXECUTE FUNCTION tolk.stamp();

-- Entries removed (by an administrator: nobody else may) are no row a kept copy could
-- fetch as written since: the epoch moves on, and kept copies are read again.
CREATE FUNCTION tolk.removed() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE tolk.state SET epoch = epoch + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER removed AFTER DELETE OR TRUNCATE ON tolk.entries
    FOR EACH STATEMENT EXECUTE FUNCTION tolk.removed();

ALTER TABLE tolk.entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON tolk.entries FOR SELECT USING (true);
CREATE POLICY editors_add ON tolk.entries FOR INSERT TO tolk_editor WITH CHECK (true);
CREATE POLICY translators_add_in_use ON tolk.entries FOR INSERT TO tolk_translator
    WITH CHECK (retired = '' AND retired_by = '');
CREATE POLICY editors_change ON tolk.entries FOR UPDATE TO tolk_editor USING (true) WITH CHECK (true);
"#;

/// Creates the two group roles if they do not exist. Concurrent inits on one cluster
/// may race to create them; the loser finds them made.
pub const ROLES: &str = r#"
DO $$
BEGIN
    CREATE ROLE tolk_editor NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
DO $$
BEGIN
    CREATE ROLE tolk_translator NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
"#;

/// What each role may do, granted again by every `server init` (grants are
/// idempotent), so an init repairs grants someone revoked.
pub const GRANTS: &str = r#"
REVOKE ALL ON SCHEMA tolk FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA tolk FROM PUBLIC;
GRANT USAGE ON SCHEMA tolk TO tolk_editor, tolk_translator;
GRANT SELECT ON tolk.migrations, tolk.state, tolk.files, tolk.entries TO tolk_editor, tolk_translator;
GRANT UPDATE (write_lock) ON tolk.state TO tolk_editor, tolk_translator;
GRANT INSERT ON tolk.files, tolk.entries TO tolk_editor, tolk_translator;
GRANT USAGE ON SEQUENCE tolk.revision, tolk.files_id_seq TO tolk_editor, tolk_translator;
GRANT UPDATE (retired, retired_by, changed) ON tolk.entries TO tolk_editor;
"#;

/// The SQL of migration `i`, with the lock key in place.
pub fn migration(i: usize) -> String {
    MIGRATIONS[i].replace("MAX_CELL", &crate::input::limits::MAX_CELL.to_string())
}

/// Whether `name` is one a memory file may have on the server (as the schema's check
/// on `tolk.files.name` says): a `.csv` file name, not hidden, not the glossary.
pub fn file_name_ok(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".csv")
        && lower != crate::glossary::FILE
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
        && name.len() <= 255
}
