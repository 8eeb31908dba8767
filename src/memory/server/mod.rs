//! A memory kept in PostgreSQL, for a team: the same entries as the CSV memory, in one
//! database every member reaches, behind the same [`MemoryStore`] seam.
//!
//! [`Server`] says where the database is ([`connect`]); [`init`] creates or upgrades
//! tolk's schema there ([`schema`]); [`ServerStore`] reads a consistent snapshot of it
//! (one `REPEATABLE READ` transaction, entries streamed with `COPY`) and makes an update
//! as one transaction under the memory's write lock, so an import is all of its rows or
//! none, and imports from many machines at once each see the others' rows before
//! merging. [`push`] copies a CSV memory in and [`pull`] writes the server's memory out
//! as CSV files, both losing nothing and both idempotent.
//!
//! The server keeps each entry's file and row, so a memory pushed and pulled again is
//! the same files in the same order, and a memory on a server is loaded in the order
//! the same memory as CSV would be (files by name, then rows), which keeps every
//! command's output the same on either.

mod connect;
pub mod schema;
mod tls;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, IsolationLevel, Transaction};

pub use connect::{
    describe, has_password, is_url, named_user, redact_text, with_paths_from, without_password, without_user,
    Environment, ProcessEnvironment, Server,
};

use super::{Entry, Memory, MemoryFile, Update, Written, DEFAULT_FILE};
use crate::error::{Error, Result};
use crate::store::{LockOptions, Notice};

/// What [`init`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initialized {
    /// The schema version before, 0 where there was none.
    pub from: i32,
    /// The schema version now.
    pub to: i32,
}

/// Creates tolk's schema in the server's database, or upgrades it to this tolk's
/// version, in one transaction; creates the roles `tolk_editor` and `tolk_translator`
/// if missing, and grants them what they may do. Needs a role that may create schemas
/// and roles (the database's owner with CREATEROLE, or a superuser). Refuses a schema
/// newer than this tolk knows.
pub fn init(server: &Server) -> Result<Initialized> {
    let mut client = server.connect()?;
    let fail = |e: postgres::Error| server.error(init_error(&e));
    client.batch_execute(schema::ROLES).map_err(fail)?;
    let mut tx =
        client.build_transaction().isolation_level(IsolationLevel::ReadCommitted).start().map_err(fail)?;
    // Two inits at once take turns.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&schema::INIT_LOCK]).map_err(fail)?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS tolk;
         CREATE TABLE IF NOT EXISTS tolk.migrations (
             version integer PRIMARY KEY,
             applied timestamptz NOT NULL DEFAULT now(),
             applied_by name NOT NULL DEFAULT current_user,
             tolk text NOT NULL
         );",
    )
    .map_err(fail)?;
    let from: i32 =
        tx.query_one("SELECT coalesce(max(version), 0) FROM tolk.migrations", &[]).map_err(fail)?.get(0);
    if from > schema::VERSION {
        return Err(newer(server, from));
    }
    for (i, _) in schema::MIGRATIONS.iter().enumerate().skip(from as usize) {
        tx.batch_execute(&schema::migration(i)).map_err(fail)?;
        tx.execute(
            "INSERT INTO tolk.migrations (version, tolk) VALUES ($1, $2)",
            &[&(i as i32 + 1), &env!("CARGO_PKG_VERSION")],
        )
        .map_err(fail)?;
    }
    tx.batch_execute(schema::GRANTS).map_err(fail)?;
    tx.commit().map_err(fail)?;
    Ok(Initialized { from, to: schema::VERSION })
}

/// What went wrong in [`init`], with what to do when it is a permission.
fn init_error(e: &postgres::Error) -> String {
    if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
        format!(
            "cannot create tolk's schema and roles: {}; run `tolk server init` as the database's owner with \
             CREATEROLE, or as a superuser",
            describe(e)
        )
    } else {
        format!("cannot create tolk's schema: {}", describe(e))
    }
}

fn newer(server: &Server, version: i32) -> Error {
    server.error(format!(
        "the memory there has schema version {version}, newer than the {} this tolk knows; upgrade tolk \
         (nothing was changed)",
        schema::VERSION
    ))
}

/// Checks that the database holds a memory of this tolk's schema version.
fn check_schema(server: &Server, client: &mut impl postgres::GenericClient) -> Result<()> {
    let version: i32 = match client.query_one("SELECT coalesce(max(version), 0) FROM tolk.migrations", &[]) {
        Ok(row) => row.get(0),
        Err(e)
            if e.code() == Some(&SqlState::UNDEFINED_TABLE)
                || e.code() == Some(&SqlState::INVALID_SCHEMA_NAME) =>
        {
            0
        }
        Err(e) if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => {
            return Err(server.error(format!(
                "{}: the role {} may not read the memory; an administrator grants it with `GRANT \
                 tolk_translator TO {}` (or tolk_editor)",
                describe(&e),
                server.user(),
                server.user()
            )))
        }
        Err(e) => return Err(server.error(describe(&e))),
    };
    match version {
        0 => Err(server.error(
            "holds no tolk memory; an administrator creates one with `tolk server init URL`".to_string(),
        )),
        v if v > schema::VERSION => Err(newer(server, v)),
        v if v < schema::VERSION => Err(server.error(format!(
            "the memory there has schema version {v}, older than this tolk's {}; an administrator upgrades it \
             with `tolk server init URL`",
            schema::VERSION
        ))),
        _ => Ok(()),
    }
}

/// Which snapshot of the server a memory is: the memory's own id (made by `server
/// init`, so two databases never look alike), its epoch (moved on whenever entries are
/// removed, which no revision shows), its revision, the last write seen, and that
/// write itself ([`LastWrite`]).
///
/// The id, epoch and revision all come back as they were when the database is restored
/// from a backup (`pg_restore`, or a file-level copy), and the revisions lost with it
/// are then given again to other writes: only the write at a revision tells one history
/// from another, so a copy kept at a revision keeps it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Revision {
    /// The memory's id, as two halves of its UUID.
    pub memory: (u64, u64),
    /// How many times entries were removed from it.
    pub epoch: i64,
    /// The last write seen; 0 for an empty memory.
    pub rev: i64,
    /// The row written at `rev`; `None` for an empty memory.
    pub last: Option<LastWrite>,
}

/// The row written at a revision, told apart from any other write: its id and a hash
/// of what it holds, in two parts. What an entry says (file, row, texts, who added it
/// and when, to the microsecond) never changes once written; its state (retired or
/// not, and when) changes with `tm rm`, `resolve` and `revert`, each a write at a
/// later revision. A row that took its id again after a restore, or was retired again,
/// differs in one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LastWrite {
    /// The row's `id`.
    pub id: i64,
    /// A hash of what the entry says.
    pub entry: u64,
    /// A hash of its state.
    pub state: u64,
}

/// How a copy kept at one [`Revision`] stands to the memory on the server at another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The server is another memory, or entries were removed from it since (its epoch
    /// moved on): the copy is of no use, and nothing is amiss.
    Elsewhere,
    /// The copy is the memory as it is.
    Current,
    /// The copy is older: the rows written since bring it up to date, if the write it
    /// was kept at is still on the server as it was (which only the server can tell:
    /// [`ServerStore::refresh`] asks it).
    Behind,
    /// The server's memory does not continue the copy's history.
    Diverged(Diverged),
}

/// A copy kept at revision `kept` whose history the server's memory, now at revision
/// `now`, does not continue: it went back past `kept` (restored from a backup), or it
/// has another write at `kept` (went back, then was written again). A copy brought up
/// to date from there would keep what the server lost and miss what was written since
/// under the revisions it thinks it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diverged {
    /// The revision the copy was kept at.
    pub kept: i64,
    /// The server's revision now.
    pub now: i64,
}

impl std::fmt::Display for Diverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Diverged { kept, now } = *self;
        if now < kept {
            write!(f, "it was kept at revision {kept} and the server is back at revision {now} (restored from a backup?)")
        } else {
            write!(
                f,
                "it was kept at revision {kept} and the server has another write at that revision now (restored \
                 from a backup and written to since?)"
            )
        }
    }
}

impl Revision {
    /// How a copy kept at `self` stands to the memory at `now`, as far as the two
    /// revisions tell.
    pub fn standing(&self, now: &Revision) -> Standing {
        if self.memory != now.memory || self.epoch != now.epoch {
            return Standing::Elsewhere;
        }
        let diverged = Standing::Diverged(Diverged { kept: self.rev, now: now.rev });
        match self.rev.cmp(&now.rev) {
            std::cmp::Ordering::Greater => diverged,
            std::cmp::Ordering::Equal if self.last == now.last => Standing::Current,
            std::cmp::Ordering::Equal => diverged,
            std::cmp::Ordering::Less => Standing::Behind,
        }
    }
}

/// The hash of what an entry says (see [`LastWrite`]), its time in UTC whatever the
/// session's time zone, so any client computes it alike: the first 8 bytes of a SHA-256
/// (which, unlike `md5`, a server in FIPS mode computes too).
macro_rules! entry_hash {
    () => {
        "substr(sha256(convert_to(concat_ws(chr(31), file, row_number, source, target, created, translator, \
         origin, note, import, prev, next, extra::text, added_by, \
         to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')), 'UTF8')), 1, 8)"
    };
}

/// The hash of an entry's state (see [`LastWrite`]).
macro_rules! state_hash {
    () => {
        "substr(sha256(convert_to(concat_ws(chr(31), retired, retired_by, changed), 'UTF8')), 1, 8)"
    };
}

/// The memory's id, last revision and epoch, and the write at that revision (columns
/// 3 to 5, null for an empty memory): one query, through the index on `rev`.
const REVISION: &str = concat!(
    "SELECT s.memory_id::text, r.rev, s.epoch, w.id, w.entry, w.state FROM tolk.state s \
     CROSS JOIN (SELECT coalesce(max(rev), 0) AS rev FROM tolk.entries) r \
     LEFT JOIN LATERAL (SELECT id, ",
    entry_hash!(),
    " AS entry, ",
    state_hash!(),
    " AS state FROM tolk.entries WHERE rev = r.rev ORDER BY id DESC LIMIT 1) w ON true"
);

/// Where the row of a [`LastWrite`] is now: its revision and hashes, or no row.
const WRITE_NOW: &str =
    concat!("SELECT rev, ", entry_hash!(), ", ", state_hash!(), " FROM tolk.entries WHERE id = $1");

/// The [`Revision`] in a row of [`REVISION`].
fn revision_of(row: &postgres::Row) -> Revision {
    let id: String = row.get(0);
    let hex: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    let half = |range: std::ops::Range<usize>| hex.get(range).and_then(|h| u64::from_str_radix(h, 16).ok());
    let last = row.get::<_, Option<i64>>(3).map(|id| LastWrite {
        id,
        entry: hash_of(row.get(4)),
        state: hash_of(row.get(5)),
    });
    Revision {
        memory: (half(0..16).unwrap_or(0), half(16..32).unwrap_or(0)),
        epoch: row.get(2),
        rev: row.get(1),
        last,
    }
}

/// The 8 bytes of [`entry_hash`] or [`state_hash`] as a number.
fn hash_of(bytes: Option<Vec<u8>>) -> u64 {
    let bytes = bytes.unwrap_or_default();
    bytes.iter().take(8).fold(0, |h, &b| h << 8 | u64::from(b))
}

/// Whether the write a copy was kept at (`kept`, at revision `at`) is on the server in
/// `tx` as it was: the same row saying the same, in the same state unless a later write
/// changed it (its revision is then above `at`).
fn still_there(
    tx: &mut Transaction<'_>,
    at: i64,
    kept: &LastWrite,
) -> std::result::Result<bool, postgres::Error> {
    let Some(row) = tx.query_opt(WRITE_NOW, &[&kept.id])? else { return Ok(false) };
    let rev: i64 = row.get(0);
    let (entry, state) = (hash_of(row.get(1)), hash_of(row.get(2)));
    Ok(entry == kept.entry && (rev > at || (rev == at && state == kept.state)))
}

/// A memory read from the server, with what names its files there. An entry is named
/// there by its file and row (`UNIQUE (file, row_number)`), so a memory kept locally
/// and brought up to date names entries as a fresh read does.
struct Read {
    memory: Memory,
    /// Each file's id in `tolk.files`, by name: every file on the server, also when
    /// only the entries written since a revision were read.
    file_ids: HashMap<PathBuf, i32>,
    revision: Revision,
}

/// The columns of `tolk.entries` that hold an [`Entry`]'s own fields: tolk's own
/// columns ([`Entry::known`]).
const TEXT_COLUMNS: [&str; 12] = super::KNOWN_COLUMNS;

/// Reads the revision, the files and every entry (or, with `since`, only the entries
/// written after that revision) in `tx`'s snapshot.
fn read(server: &Server, tx: &mut Transaction<'_>, since: Option<i64>) -> Result<Read> {
    let fail = |e: postgres::Error| read_error(server, &e);
    let row = tx.query_one(REVISION, &[]).map_err(fail)?;
    let revision = revision_of(&row);
    // Files in name order, as a CSV folder is read.
    let mut files: Vec<(i32, String, Vec<String>)> = tx
        .query("SELECT id, name, columns FROM tolk.files", &[])
        .map_err(fail)?
        .into_iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<std::result::Result<_, postgres::Error>>()
        .map_err(fail)?;
    files.sort_by(|a, b| a.1.cmp(&b.1));
    let number: HashMap<i32, usize> = files.iter().enumerate().map(|(i, f)| (f.0, i)).collect();
    let columns = TEXT_COLUMNS.join(", ");
    let filter = since.map(|r| format!("WHERE rev > {r}")).unwrap_or_default();
    let copy = format!(
        "COPY (SELECT file, row_number, {columns}, extra::text FROM tolk.entries {filter} ORDER BY file, \
         row_number) TO STDOUT (FORMAT csv)"
    );
    let reader = tx.copy_out(copy.as_str()).map_err(fail)?;
    crate::store::pause_point("reading");
    let mut csv = csv::ReaderBuilder::new().has_headers(false).from_reader(reader);
    let mut groups: Vec<Vec<Entry>> = vec![Vec::new(); files.len()];
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(copy_error(server, &e)),
        }
        let bad =
            || server.error("cannot read the memory: the server sent a row tolk cannot read".to_string());
        let file: i32 = record.get(0).and_then(|v| v.parse().ok()).ok_or_else(bad)?;
        let file = *number.get(&file).ok_or_else(bad)?;
        let mut entry = Entry {
            file,
            row: record.get(1).and_then(|v| v.parse().ok()).ok_or_else(bad)?,
            ..Entry::default()
        };
        for k in 0..TEXT_COLUMNS.len() {
            entry.set_known(k, record.get(k + 2).unwrap_or(""));
        }
        let extra = record.get(14).unwrap_or("[]");
        let extra = serde_json::from_str::<Vec<(String, String)>>(extra)
            .map_err(|_| "has extra columns that are not pairs of names and values".to_string());
        let wrong =
            extra.map(|extra| entry.extra = extra).err().or_else(|| unusable(&entry, record.iter().skip(2)));
        if let Some(why) = wrong {
            return Err(server.error(format!(
                "cannot read the memory: {} row {} {why}; it was written around tolk, and an administrator \
                 corrects or removes it with psql",
                files[file].1, entry.row
            )));
        }
        groups[file].push(entry);
    }
    let file_ids = files.iter().map(|f| (PathBuf::from(&f.1), f.0)).collect();
    // Each file's header as the CSV file would have it now: the one pushed, grown by
    // the columns its entries have come to use (a server file's header is never
    // rewritten, where a CSV file's is with every write).
    let files = files
        .into_iter()
        .zip(&groups)
        .map(|((_, name, columns), entries)| MemoryFile {
            path: PathBuf::from(name),
            columns: if since.is_none() { super::header(&columns, entries) } else { columns },
        })
        .collect();
    let entries = groups.into_iter().flatten().collect();
    Ok(Read { memory: Memory::from_files(files, entries), file_ids, revision })
}

/// What went wrong reading the memory, as a person needs it: a connection lost or
/// closed by the server part-way (the server stopped, a network gone) says so, with
/// its cause, that nothing was written, and what to do.
fn read_error(server: &Server, e: &postgres::Error) -> Error {
    let shutdown = [SqlState::ADMIN_SHUTDOWN, SqlState::CRASH_SHUTDOWN, SqlState::CANNOT_CONNECT_NOW];
    let io = std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>());
    if e.is_closed() || io || e.code().is_some_and(|c| shutdown.contains(c)) {
        return server.error(lost(&describe(e)));
    }
    server.error(format!("cannot read the memory: {}", describe(e)))
}

/// [`read_error`] for an error reading the entries' stream: the client's error
/// within it, where there is one.
fn copy_error(server: &Server, e: &csv::Error) -> Error {
    match e.kind() {
        csv::ErrorKind::Io(io) => {
            match io.get_ref().and_then(|inner| inner.downcast_ref::<postgres::Error>()) {
                Some(e) => read_error(server, e),
                None => server.error(lost(&io.to_string())),
            }
        }
        _ => server.error(format!("cannot read the memory: {e}")),
    }
}

/// The message for a connection lost while reading, for the cause `why`.
fn lost(why: &str) -> String {
    format!(
        "cannot read the memory: the connection was lost while reading it ({why}); check that the server is \
         running and reachable, then run the command again (nothing was written)"
    )
}

/// What is wrong with `entry`, read from the server with the cells `cells`, that the
/// CSV memory's reader would refuse too: anything written by tolk passes, so this
/// finds rows written around it (with `psql`), which would otherwise make a memory
/// tolk could not load once pulled.
fn unusable<'a>(entry: &Entry, mut cells: impl Iterator<Item = &'a str>) -> Option<String> {
    if let Some(cell) = cells.find(|c| c.len() > crate::input::limits::MAX_CELL) {
        return Some(format!(
            "has a cell of {} bytes, beyond the limit of {}",
            cell.len(),
            crate::input::limits::MAX_CELL
        ));
    }
    for (column, text) in [("source", &entry.source), ("target", &entry.target)] {
        if let Some(c) = crate::input::control_character(text) {
            return Some(format!(
                "has the control character {} in its {column}, {}",
                crate::input::control_named(c),
                crate::shown::quoted(text)
            ));
        }
    }
    for (column, value) in
        [("created", &entry.created), ("changed", &entry.changed), ("retired", &entry.retired)]
    {
        if !value.trim().is_empty() && crate::timestamp::Timestamp::parse(value).is_none() {
            return Some(format!("has {value:?} as its {column}, which is not an ISO 8601 date"));
        }
    }
    None
}

/// What became of a copy kept at a revision that [`ServerStore::refresh`] was to
/// bring up to date.
#[derive(Debug)]
pub enum Refreshed {
    /// Brought up to date: the memory as it is, and its revision.
    Fresh(Memory, Revision),
    /// Of no use, and nothing amiss: the server is another memory, or entries were
    /// removed from it since.
    Elsewhere,
    /// Of a history the server's memory does not continue (restored from a backup).
    Diverged(Diverged),
}

/// [`Refreshed`], with what names the files on the server, for a write.
enum Brought {
    Up(Read),
    Elsewhere,
    Diverged(Diverged),
}

/// A memory on a server as a [`MemoryStore`](super::MemoryStore).
#[derive(Clone)]
pub struct ServerStore {
    server: Server,
    timeout: Option<Duration>,
    notify: std::sync::Arc<dyn Fn(&Notice) + Send + Sync>,
    base: Option<std::sync::Arc<Base>>,
}

/// A copy of the memory kept at a revision, which a write brings up to date with the
/// rows written since instead of reading the whole memory.
type Base = dyn Fn() -> Option<(Memory, Revision)> + Send + Sync;

impl std::fmt::Debug for ServerStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerStore").field("server", &self.server).finish()
    }
}

impl ServerStore {
    /// The memory on `server`.
    pub fn new(server: Server) -> ServerStore {
        ServerStore { server, timeout: None, notify: std::sync::Arc::new(|_| {}), base: None }
    }

    /// Waits at most `timeout` for another writer's lock (`None`: as long as it takes).
    pub fn lock_timeout(mut self, timeout: Option<Duration>) -> ServerStore {
        self.timeout = timeout;
        self
    }

    /// Tells `notify` that this store waits for another writer, and for whom.
    pub fn notify(mut self, notify: impl Fn(&Notice) + Send + Sync + 'static) -> ServerStore {
        self.notify = std::sync::Arc::new(notify);
        self
    }

    /// Starts each write from the copy `base` gives (a memory kept at a revision, as
    /// `.tolk/cache/` keeps it), brought up to date under the lock with only the rows
    /// written since, instead of reading the whole memory: on a memory of millions, an
    /// import then reads what changed, not everything. Without a copy, or with one of
    /// another memory, the whole memory is read.
    pub fn base(
        mut self,
        base: impl Fn() -> Option<(Memory, Revision)> + Send + Sync + 'static,
    ) -> ServerStore {
        self.base = Some(std::sync::Arc::new(base));
        self
    }

    /// The memory as it is in `tx`: the base brought up to date, or read whole (and
    /// said so, when the base is of a history the server does not continue).
    fn read_now(&self, tx: &mut Transaction<'_>) -> Result<Read> {
        if let Some((kept, at)) = self.base.as_ref().and_then(|base| base()) {
            match self.bring_up(tx, kept, at)? {
                Brought::Up(read) => return Ok(read),
                Brought::Elsewhere => {}
                Brought::Diverged(diverged) => {
                    (self.notify)(&Notice::Diverged { server: PathBuf::from(self.server.shown()), diverged })
                }
            }
        }
        read(&self.server, tx, None)
    }

    /// `kept`, a copy of the memory at revision `at`, brought up to date with the rows
    /// `tx` sees written since (new ones, and changed ones, which replace their old
    /// selves by file and row), when the memory `tx` sees continues the copy's history.
    fn bring_up(&self, tx: &mut Transaction<'_>, kept: Memory, at: Revision) -> Result<Brought> {
        let fail = |e: postgres::Error| read_error(&self.server, &e);
        let now = revision_of(&tx.query_one(REVISION, &[]).map_err(fail)?);
        match at.standing(&now) {
            Standing::Current => {}
            Standing::Behind => {
                // The write the copy was kept at, gone or another, is a history the
                // server lost: the rows above `at` are not what the copy lacks.
                if let Some(last) = &at.last {
                    if !still_there(tx, at.rev, last).map_err(fail)? {
                        return Ok(Brought::Diverged(Diverged { kept: at.rev, now: now.rev }));
                    }
                }
            }
            Standing::Elsewhere => return Ok(Brought::Elsewhere),
            Standing::Diverged(diverged) => return Ok(Brought::Diverged(diverged)),
        }
        let delta = read(&self.server, tx, Some(at.rev))?;
        let same_files =
            delta.memory.files().iter().map(|f| &f.path).eq(kept.files().iter().map(|f| &f.path));
        let memory = if delta.memory.entries.is_empty() && same_files {
            kept
        } else {
            merge_delta(kept, delta.memory)
        };
        Ok(Brought::Up(Read { memory, ..delta }))
    }

    /// The server.
    pub fn server(&self) -> &Server {
        &self.server
    }

    fn connect(&self) -> Result<Client> {
        let mut client = self.server.connect()?;
        check_schema(&self.server, &mut client)?;
        Ok(client)
    }

    /// The memory as it is now, with its revision.
    pub fn snapshot_with_revision(&self) -> Result<(Memory, Revision)> {
        let mut client = self.connect()?;
        let mut tx = self.consistent(&mut client)?;
        let read = read(&self.server, &mut tx, None)?;
        Ok((read.memory, read.revision))
    }

    /// The memory's revision now: one query, for deciding whether a kept copy is up
    /// to date.
    pub fn revision(&self) -> Result<Revision> {
        let mut client = self.connect()?;
        let mut tx = self.consistent(&mut client)?;
        let fail = |e: postgres::Error| read_error(&self.server, &e);
        let row = tx.query_one(REVISION, &[]).map_err(fail)?;
        Ok(revision_of(&row))
    }

    /// `memory`, kept at revision `at`, brought up to date: only the entries written
    /// since `at` are read from the server, when its memory continues the copy's
    /// history.
    pub fn refresh(&self, memory: Memory, at: Revision) -> Result<Refreshed> {
        let mut client = self.connect()?;
        let mut tx = self.consistent(&mut client)?;
        Ok(match self.bring_up(&mut tx, memory, at)? {
            Brought::Up(read) => Refreshed::Fresh(read.memory, read.revision),
            Brought::Elsewhere => Refreshed::Elsewhere,
            Brought::Diverged(diverged) => Refreshed::Diverged(diverged),
        })
    }

    /// A read-only transaction that sees one moment of the memory throughout.
    fn consistent<'a>(&self, client: &'a mut Client) -> Result<Transaction<'a>> {
        client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| read_error(&self.server, &e))
    }

    /// A transaction to write in: at READ COMMITTED (whatever the database's default)
    /// and holding the write lock, so each statement sees every write committed
    /// before it and no other writer commits until this one has; for a dry run, a
    /// read-only snapshot and no lock.
    fn begin<'a>(&self, client: &'a mut Client, dry_run: bool) -> Result<Transaction<'a>> {
        if dry_run {
            return self.consistent(client);
        }
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .map_err(|e| self.write_error(e, "write the memory"))?;
        self.lock(&mut tx)?;
        crate::store::pause_point("locked");
        Ok(tx)
    }

    /// Takes the memory's write lock in `tx`, saying whom it waits for when another
    /// writer holds it, and giving up after the timeout.
    fn lock(&self, tx: &mut Transaction<'_>) -> Result<()> {
        let fail = |e: postgres::Error| self.write_error(e, "lock the memory to write it");
        // A writer that stops answering holds no lock for long: the server drops it
        // (with the lock) after a minute idle inside its transaction, or when the
        // network is gone.
        tx.batch_execute(
            "SET LOCAL idle_in_transaction_session_timeout = '60s'; SET tcp_keepalives_idle = 60",
        )
        .map_err(fail)?;
        if !tx.query(schema::TRY_WRITE_LOCK, &[]).map_err(fail)?.is_empty() {
            return Ok(());
        }
        let holder = self.holder(tx).unwrap_or_else(|| "another writer".to_string());
        (self.notify)(&Notice::Waiting { lock: PathBuf::from(self.server.shown()), holder: holder.clone() });
        // At most what the server takes (an int of milliseconds); 0 waits for ever.
        let millis = self.timeout.map_or(0, |t| t.as_millis().clamp(1, i32::MAX as u128) as i64);
        tx.execute(&format!("SET LOCAL lock_timeout = {millis}"), &[]).map_err(fail)?;
        match tx.query(schema::WRITE_LOCK, &[]) {
            Ok(_) => {
                tx.execute("SET LOCAL lock_timeout = 0", &[]).map_err(fail)?;
                Ok(())
            }
            Err(e) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) => Err(Error::LockTimeout {
                path: PathBuf::from(self.server.shown()),
                holder,
                waited: self.timeout.unwrap_or_default(),
            }),
            Err(e) => Err(fail(e)),
        }
    }

    /// Who holds the write lock, as far as the server tells this role: the
    /// transaction that locked the row (its `xmax`), its role and program, and when it
    /// began where the role may see that.
    fn holder(&self, tx: &mut Transaction<'_>) -> Option<String> {
        let row = tx
            .query_opt(
                "SELECT a.usename::text, coalesce(a.application_name, ''), a.pid, \
                 to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
                 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                 WHERE l.locktype = 'transactionid' AND l.granted AND l.mode = 'ExclusiveLock' \
                 AND l.transactionid = (SELECT xmax FROM tolk.state) LIMIT 1",
                &[],
            )
            .ok()??;
        let (user, app, pid, since): (Option<String>, String, i32, Option<String>) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let app = if app.is_empty() { String::new() } else { format!("{app}, ") };
        let since = since.map(|s| format!(", since {s}")).unwrap_or_default();
        Some(format!("{} ({app}server pid {pid}){since}", user.unwrap_or_else(|| "a role".into())))
    }

    /// Commits `tx`. Should the connection be lost meanwhile, the server may have
    /// committed it or not: a new connection asks the server what became of the
    /// transaction, so the answer is never a guess.
    fn commit(&self, mut tx: Transaction<'_>) -> Result<()> {
        let xid: i64 = tx
            .query_one("SELECT txid_current()", &[])
            .map_err(|e| self.write_error(e, "write the memory"))?
            .get(0);
        let Err(e) = tx.commit() else { return Ok(()) };
        let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
        if !(e.is_closed() || io) {
            return Err(self.write_error(e, "commit the write"));
        }
        let status: Option<String> = self
            .server
            .connect()
            .and_then(|mut c| {
                c.query_one("SELECT txid_status($1)", &[&xid]).map_err(|e| self.server.error(describe(&e)))
            })
            .ok()
            .and_then(|row| row.get(0));
        match status.as_deref() {
            Some("committed") => Ok(()),
            Some("aborted") => Err(self.server.error(format!(
                "the connection was lost while writing ({}); the server rolled the write back, so nothing was \
                 written: run the command again",
                describe(&e)
            ))),
            _ => Err(self.server.error(format!(
                "the connection was lost as the write was being committed ({}), and the server could not say \
                 whether it was: see `tolk tm history` before running it again",
                describe(&e)
            ))),
        }
    }

    /// For a dry run: the refusal the real write would meet, if the role lacks what
    /// it `needs` (as the database's grants and policies would refuse it).
    fn foresee(&self, tx: &mut Transaction<'_>, needs: Needs) -> Result<()> {
        let (query, doing, group) = match needs {
            Needs::Editor => {
                ("SELECT has_column_privilege('tolk.entries', 'retired', 'UPDATE')", RETIRE, "tolk_editor")
            }
            Needs::Adder => {
                ("SELECT has_table_privilege('tolk.entries', 'INSERT')", "add entries", "tolk_translator")
            }
        };
        let may: bool = tx
            .query_one(query, &[])
            .map_err(|e| self.write_error(e, "read the memory's permissions"))?
            .get(0);
        if may {
            return Ok(());
        }
        let user = self.server.user();
        Err(self.server.error(format!(
            "permission denied: the role {user} may not {doing}; that needs {group}, which an administrator \
             grants with `GRANT {group} TO {user}`"
        )))
    }

    /// What went wrong writing, as a person needs it: a refused permission names the
    /// role and the group that may (`tolk_translator` adds entries in use; retiring,
    /// restoring and adding a retired entry, which a policy refuses a translator, need
    /// `tolk_editor`); a lost connection says nothing was written.
    fn write_error(&self, e: postgres::Error, doing: &str) -> Error {
        let user = self.server.user();
        if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
            let text = describe(&e);
            let group = if doing == RETIRE || text.contains("row-level security") {
                "tolk_editor"
            } else {
                "tolk_translator"
            };
            return self.server.error(format!(
                "permission denied: the role {user} may not {doing} ({text}); that needs {group}, which an \
                 administrator grants with `GRANT {group} TO {user}`; nothing was written"
            ));
        }
        let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
        if e.is_closed() || io {
            return self.server.error(format!(
                "the connection was lost while writing ({}); the server rolls back what was not committed, so \
                 nothing was written: run the command again",
                describe(&e)
            ));
        }
        self.server.error(format!("cannot {doing}: {}; nothing was written", describe(&e)))
    }
}

/// `memory` with `delta`'s entries in place: an entry of the same file and row is
/// replaced, a new one is put in row order.
fn merge_delta(memory: Memory, delta: Memory) -> Memory {
    let mut files = memory.files().to_vec();
    let mut entries = memory.entries;
    let mut file_number: HashMap<PathBuf, usize> =
        files.iter().enumerate().map(|(i, f)| (f.path.clone(), i)).collect();
    // Delta files the kept memory did not have are added; their number is remapped.
    let mut remap = Vec::new();
    for f in delta.files() {
        let n = *file_number.entry(f.path.clone()).or_insert_with(|| {
            files.push(f.clone());
            files.len() - 1
        });
        remap.push(n);
    }
    let mut at: HashMap<(usize, u64), usize> =
        entries.iter().enumerate().map(|(i, e)| ((e.file, e.row), i)).collect();
    let mut touched = HashSet::new();
    for mut e in delta.entries {
        e.file = remap[e.file];
        touched.insert(e.file);
        match at.get(&(e.file, e.row)) {
            Some(&i) => entries[i] = e,
            None => {
                at.insert((e.file, e.row), entries.len());
                entries.push(e);
            }
        }
    }
    // Files by name, then rows, as a fresh read gives them.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| files[a].path.cmp(&files[b].path));
    let mut rank = vec![0; files.len()];
    for (r, &f) in order.iter().enumerate() {
        rank[f] = r;
    }
    entries.sort_by_key(|e| (rank[e.file], e.row));
    for e in &mut entries {
        e.file = rank[e.file];
    }
    let mut files: Vec<MemoryFile> = order.iter().map(|&f| files[f].clone()).collect();
    // A file's header grows with the columns its new entries use, as in `read`.
    for f in touched {
        let file = &mut files[rank[f]];
        file.columns = super::header(&file.columns, entries.iter().filter(|e| e.file == rank[f]));
    }
    Memory::from_files(files, entries)
}

impl super::MemoryStore for ServerStore {
    fn snapshot(&self) -> Result<Memory> {
        self.snapshot_with_revision().map(|(memory, _)| memory)
    }

    fn update(&self, change: &mut dyn FnMut(&Memory) -> Result<Update>, dry_run: bool) -> Result<Written> {
        let shown = PathBuf::from(self.server.shown());
        let mut client = self.connect()?;
        let mut tx = self.begin(&mut client, dry_run)?;
        let read = self.read_now(&mut tx)?;
        let Update { add, changes } = change(&read.memory)?;
        for c in &changes {
            if c.entry() >= read.memory.entries.len() {
                return Err(Error::Invalid(format!(
                    "no entry {} in the memory; nothing was written",
                    c.entry()
                )));
            }
        }
        let files = if add.is_empty() && changes.is_empty() { Vec::new() } else { vec![shown.clone()] };
        if dry_run && !changes.is_empty() {
            // A dry run says what the real one would do, a refusal included.
            self.foresee(&mut tx, Needs::Editor)?;
        }
        if dry_run || files.is_empty() {
            return Ok(Written { added_to: shown, files });
        }
        crate::store::pause_point("merged");
        let mut memory = read.memory;
        for c in &changes {
            let file = memory.files()[memory.entries[c.entry()].file].path.clone();
            let file_id = read.file_ids.get(&file).copied().unwrap_or_default();
            let entry = &mut memory.entries[c.entry()];
            c.apply(entry);
            let updated = tx
                .execute(
                    "UPDATE tolk.entries SET retired = $1::text, retired_by = $2::text, changed = $3::text \
                     WHERE file = $4 AND row_number = $5",
                    &[
                        &entry.retired.as_str(),
                        &entry.retired_by.as_str(),
                        &entry.changed.as_str(),
                        &file_id,
                        &(entry.row as i64),
                    ],
                )
                .map_err(|e| self.write_error(e, RETIRE))?;
            if updated != 1 {
                return Err(self.server.error(format!(
                    "{} row {} is not on the server as read; nothing was written: run the command again",
                    file.display(),
                    entry.row
                )));
            }
        }
        if !add.is_empty() {
            let at = memory.files().iter().position(|f| f.path == Path::new(DEFAULT_FILE));
            let file_id = match at.and_then(|_| read.file_ids.get(Path::new(DEFAULT_FILE))) {
                Some(&id) => id,
                None => tx
                    .query_one(
                        "INSERT INTO tolk.files (name, columns) VALUES ($1, $2) RETURNING id",
                        &[&DEFAULT_FILE, &Vec::<String>::new()],
                    )
                    .map_err(|e| self.write_error(e, "add a file to the memory"))?
                    .get(0),
            };
            let last = at.map_or(1, |f| {
                memory.entries.iter().filter(|e| e.file == f).map(|e| e.row).max().unwrap_or(1)
            });
            insert_rows(&mut tx, file_id, (last + 1..).zip(&add))
                .map_err(|e| self.write_error(e, "add translations"))?;
        }
        crate::store::pause_point("written");
        self.commit(tx)?;
        Ok(Written { added_to: shown, files })
    }
}

/// What retiring or restoring is, for a refusal.
const RETIRE: &str = "retire or restore entries (tm rm, resolve, revert, import --overwrite)";

/// What a write needs of the role that makes it (see [`ServerStore::foresee`]).
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// Adding entries: `tolk_translator` (entries in use) or `tolk_editor`.
    Adder,
    /// Retiring and restoring, adding retired entries: `tolk_editor`.
    Editor,
}

/// Adds `entries`, each with its row, to the file `file_id`, in statements of
/// [`INSERT_CHUNK`] rows, each column sent as one array. (`COPY FROM` would be faster
/// but does not run under row-level security, which is what keeps a translator from
/// adding retired entries.)
fn insert_rows<'a>(
    tx: &mut Transaction<'_>,
    file_id: i32,
    entries: impl Iterator<Item = (u64, &'a Entry)>,
) -> std::result::Result<(), postgres::Error> {
    let columns = TEXT_COLUMNS.join(", ");
    let names: Vec<String> = (0..TEXT_COLUMNS.len()).map(|i| format!("t{i}")).collect();
    let arrays: Vec<String> = (0..TEXT_COLUMNS.len()).map(|i| format!("${}::text[]", i + 3)).collect();
    let extra = TEXT_COLUMNS.len() + 3;
    let statement = tx.prepare(&format!(
        "INSERT INTO tolk.entries (file, row_number, {columns}, extra) \
         SELECT $1, r, {}, x::jsonb FROM unnest($2::bigint[], {}, ${extra}::text[]) AS u(r, {}, x)",
        names.join(", "),
        arrays.join(", "),
        names.join(", ")
    ))?;
    let mut entries = entries.peekable();
    while entries.peek().is_some() {
        let chunk: Vec<(u64, &Entry)> = entries.by_ref().take(INSERT_CHUNK).collect();
        let rows: Vec<i64> = chunk.iter().map(|(row, _)| *row as i64).collect();
        let mut texts: Vec<Vec<&str>> = vec![Vec::with_capacity(chunk.len()); TEXT_COLUMNS.len()];
        let mut extras = Vec::with_capacity(chunk.len());
        for (_, entry) in &chunk {
            for (column, text) in texts.iter_mut().zip(entry.known()) {
                column.push(text);
            }
            let extra: Vec<&(String, String)> = entry.extra.iter().filter(|(_, v)| !v.is_empty()).collect();
            extras.push(serde_json::to_string(&extra).unwrap_or_else(|_| "[]".into()));
        }
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&file_id, &rows];
        params.extend(texts.iter().map(|c| c as &(dyn postgres::types::ToSql + Sync)));
        params.push(&extras);
        tx.execute(&statement, &params)?;
    }
    Ok(())
}

/// How many rows one insert sends.
const INSERT_CHUNK: usize = 5_000;

/// What [`push`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pushed {
    /// Entries added to the server.
    pub added: usize,
    /// Entries the server already had, as they are.
    pub present: usize,
    /// Entries the server had in another state (in use or retired), set as the CSV
    /// memory has them, since it set that state later.
    pub restated: usize,
    /// Entries the server had in another state it set later, left so.
    pub newer_there: usize,
    /// Files added to the server.
    pub new_files: usize,
}

/// What an entry says, whatever its state: its file's name, texts and columns, but not
/// whether (and when) it was retired or put back, which `tm rm`, `resolve` and
/// `revert` change. Two entries alike in this are one entry in two states.
type Identity<'a> = (&'a Path, Vec<&'a str>, Vec<(&'a str, &'a str)>);

fn identity<'a>(memory: &'a Memory, e: &'a Entry) -> Identity<'a> {
    let file = memory.file_of(e).and_then(Path::file_name).map_or(Path::new(""), Path::new);
    let texts =
        [&*e.source, &e.target, &e.created, &e.translator, &e.origin, &e.note, &e.import, &e.prev, &e.next];
    let extra =
        e.extra.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.as_str(), v.as_str())).collect();
    (file, texts.to_vec(), extra)
}

/// Whether two entries alike in what they say are in the same state.
fn same_state(a: &Entry, b: &Entry) -> bool {
    a.retired == b.retired && a.retired_by == b.retired_by && a.changed == b.changed
}

/// When an entry was put in the state it is in: retired, or changed (put back).
fn state_at(e: &Entry) -> Option<crate::timestamp::Timestamp> {
    if e.is_retired() {
        crate::timestamp::Timestamp::parse(&e.retired)
    } else {
        e.changed_at()
    }
}

/// How the entries of `ours` stand against those of `theirs`, pairing each with one of
/// theirs that says the same, one to one (so a file may hold an entry twice): alike
/// and in the same state; alike in another state (ours and theirs); or not theirs.
struct Pairing<'a> {
    same: usize,
    restated: Vec<(&'a Entry, &'a Entry)>,
    missing: Vec<&'a Entry>,
}

fn pair<'a>(ours: &'a Memory, theirs: &'a Memory) -> Pairing<'a> {
    let mut have: HashMap<Identity<'a>, Vec<&'a Entry>> = HashMap::new();
    for e in &theirs.entries {
        have.entry(identity(theirs, e)).or_default().push(e);
    }
    let mut pairing = Pairing { same: 0, restated: Vec::new(), missing: Vec::new() };
    let mut later = Vec::new();
    for e in &ours.entries {
        let alike = have.get_mut(&identity(ours, e));
        match alike.as_ref().and_then(|a| a.iter().position(|t| same_state(e, t))) {
            Some(i) => {
                alike.expect("found there").swap_remove(i);
                pairing.same += 1;
            }
            None => later.push(e),
        }
    }
    // Alike in another state: paired once every exact pair is made.
    for e in later {
        match have.get_mut(&identity(ours, e)).and_then(|a| a.pop()) {
            Some(t) => pairing.restated.push((e, t)),
            None => pairing.missing.push(e),
        }
    }
    pairing
}

/// Copies `memory` (a CSV memory) into the server, in one transaction under the write
/// lock: each entry the server does not have yet (the same file, texts and columns)
/// is added to the file of its name, keeping its row where that file is new on the
/// server and after the file's last row otherwise. An entry the server has in another
/// state (retired where the CSV memory has it in use, or the reverse) takes the CSV
/// memory's state when that was set later, and keeps the server's otherwise (which
/// takes tolk_editor when anything is to change). Pushing again changes nothing.
pub fn push(store: &ServerStore, memory: &Memory, dry_run: bool) -> Result<Pushed> {
    for file in memory.files() {
        let name = file.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !schema::file_name_ok(&name) {
            return Err(Error::at(
                &file.path,
                crate::error::Place::File,
                "is not named as a memory file on a server is (a .csv name, not hidden, not glossary.csv): \
                 rename it, or push the folder of memory files it belongs to; nothing was written",
            ));
        }
    }
    let mut client = store.connect()?;
    let mut tx = store.begin(&mut client, dry_run)?;
    let on_server = read(&store.server, &mut tx, None)?;
    let pairing = pair(memory, &on_server.memory);
    let restate: Vec<(&Entry, &Entry)> =
        pairing.restated.iter().copied().filter(|(ours, theirs)| state_at(ours) > state_at(theirs)).collect();
    let mut pushed = Pushed {
        added: pairing.missing.len(),
        present: pairing.same,
        restated: restate.len(),
        newer_there: pairing.restated.len() - restate.len(),
        new_files: 0,
    };
    // Entries to add, by file.
    let mut by_file: Vec<(String, Vec<String>, Vec<&Entry>)> = Vec::new();
    for (f, file) in memory.files().iter().enumerate() {
        let name = file.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let new: Vec<&Entry> = pairing.missing.iter().copied().filter(|e| e.file == f).collect();
        if !new.is_empty() && !on_server.file_ids.contains_key(Path::new(&name)) {
            pushed.new_files += 1;
        }
        by_file.push((name, file.columns.clone(), new));
    }
    if dry_run {
        // What the real push would be refused: adding at all, or (an editor's) adding
        // retired entries and retiring or restoring those the server has.
        if pushed.added > 0 {
            store.foresee(&mut tx, Needs::Adder)?;
        }
        if !restate.is_empty()
            || pairing.missing.iter().any(|e| !e.retired.is_empty() || !e.retired_by.is_empty())
        {
            store.foresee(&mut tx, Needs::Editor)?;
        }
    }
    if dry_run || (pushed.added == 0 && restate.is_empty()) {
        return Ok(pushed);
    }
    for (ours, theirs) in restate {
        let file = on_server.memory.files()[theirs.file].path.as_path();
        tx.execute(
            "UPDATE tolk.entries SET retired = $1::text, retired_by = $2::text, changed = $3::text \
             WHERE file = $4 AND row_number = $5",
            &[
                &ours.retired.as_str(),
                &ours.retired_by.as_str(),
                &ours.changed.as_str(),
                &on_server.file_ids[file],
                &(theirs.row as i64),
            ],
        )
        .map_err(|e| store.write_error(e, RETIRE))?;
    }
    for (name, columns, new) in by_file {
        if new.is_empty() {
            continue;
        }
        let at = on_server.memory.files().iter().position(|s| s.path == Path::new(&name));
        let (file_id, last) = match at {
            Some(i) => {
                let last = on_server.memory.entries.iter().filter(|e| e.file == i).map(|e| e.row).max();
                (on_server.file_ids[&on_server.memory.files()[i].path], last)
            }
            None => {
                let id: i32 = tx
                    .query_one(
                        "INSERT INTO tolk.files (name, columns) VALUES ($1, $2) RETURNING id",
                        &[&name, &columns],
                    )
                    .map_err(|e| store.write_error(e, "add a file to the memory"))?
                    .get(0);
                (id, None)
            }
        };
        // Rows kept where the file is new and its rows rise, as a CSV file's do.
        let keep_rows = last.is_none() && new.windows(2).all(|w| w[0].row < w[1].row) && new[0].row >= 2;
        let start = last.unwrap_or(1) + 1;
        let rows: Vec<u64> =
            if keep_rows { new.iter().map(|e| e.row).collect() } else { (start..).take(new.len()).collect() };
        insert_rows(&mut tx, file_id, rows.into_iter().zip(new.iter().copied()))
            .map_err(|e| store.write_error(e, "add entries (a translator may add only entries in use)"))?;
    }
    store.commit(tx)?;
    Ok(pushed)
}

/// What [`pull`] did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pulled {
    /// Files written, new or changed.
    pub written: Vec<PathBuf>,
    /// Files already as the server has them.
    pub unchanged: Vec<PathBuf>,
    /// Entries on the server.
    pub entries: usize,
}

/// Writes the server's memory into the CSV memory folder `folder`, one file per file
/// on the server, under the folder's lock, each file replaced atomically and only if
/// it changed (pulling again writes nothing). Refuses, writing nothing, when that
/// would lose anything: an entry of the folder the server does not have (push it
/// first), or a file of the folder the server does not have.
pub fn pull(store: &ServerStore, folder: &Path, lock: &LockOptions<'_>, dry_run: bool) -> Result<Pulled> {
    if folder.is_file() {
        return Err(Error::at(
            folder,
            crate::error::Place::File,
            "is a file; a pull writes the server's memory as a folder of CSV files: name a folder with --out",
        ));
    }
    let memory = super::MemoryStore::snapshot(store)?;
    let _lock =
        if dry_run { None } else { Some(crate::store::lock_memory(&folder.join(DEFAULT_FILE), lock)?) };
    let local = Memory::load_or_empty(folder)?;
    let names: HashSet<&Path> = memory.files().iter().map(|f| f.path.as_path()).collect();
    for (f, file) in local.files().iter().enumerate() {
        let name = file.path.file_name().map(Path::new).unwrap_or(Path::new(""));
        if !names.contains(name) && local.entries.iter().any(|e| e.file == f) {
            return Err(Error::at(
                &file.path,
                crate::error::Place::File,
                format!(
                    "is not on {}, so the folder would hold its entries twice or lose them: push it first \
                     (tolk tm push URL), move it away, or pull into another folder with --out; nothing was written",
                    store.server.shown()
                ),
            ));
        }
    }
    // What the folder has that the server has not, or has in a state the folder set
    // later (a `tm rm` not pushed yet): the pull would undo it.
    let pairing = pair(&local, &memory);
    let mut missing = pairing.missing;
    missing.extend(
        pairing.restated.iter().filter(|(ours, theirs)| state_at(ours) > state_at(theirs)).map(|p| p.0),
    );
    if let Some(first) = missing.first() {
        let place = local.file_of(first).map(|p| crate::shown::path(p).to_string()).unwrap_or_default();
        return Err(store.server.error(format!(
            "does not have {} of {} ({place}, row {}: \"{}\"), which the pull would lose: push them first with \
             `tolk tm push {}`, or pull into another folder with --out; nothing was written",
            if missing.len() == 1 { "1 entry".to_string() } else { format!("{} entries", missing.len()) },
            crate::shown::path(folder),
            first.row,
            crate::shown::name(&first.source),
            store.server.shown()
        )));
    }
    let mut pulled = Pulled { entries: memory.entries.len(), ..Pulled::default() };
    let mut staged: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (f, file) in memory.files().iter().enumerate() {
        let mut bytes = Vec::new();
        super::write_csv(&file.columns, memory.entries.iter().filter(|e| e.file == f), &mut bytes)
            .map_err(|e| store.server.error(format!("cannot write {} as CSV: {e}", file.path.display())))?;
        // The schema allows no other name; a server of another make is not trusted.
        let name = file.path.to_string_lossy();
        if !schema::file_name_ok(&name) {
            return Err(store.server.error(format!(
                "holds a file named \"{}\", which is no memory file's name; nothing was written",
                crate::shown::name(&name)
            )));
        }
        let path = folder.join(&file.path);
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            pulled.unchanged.push(path);
        } else {
            pulled.written.push(path.clone());
            staged.push((path, bytes));
        }
    }
    for (path, _) in &staged {
        // A linked memory file is another folder's: replacing it would cut the link.
        super::store::refuse_link(path, folder)?;
    }
    if !dry_run && !staged.is_empty() {
        let files: Vec<(&Path, &[u8])> = staged.iter().map(|(p, b)| (p.as_path(), b.as_slice())).collect();
        crate::store::write_atomic_all(&files)?;
    }
    Ok(pulled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(kept: Revision, now: Revision, expected: Standing) {
        assert_eq!(kept.standing(&now), expected, "kept {kept:?}, now {now:?}");
    }

    #[test]
    fn a_copy_stands_to_the_server_by_its_revision_and_the_write_at_it() {
        let write = |id, entry, state| Some(LastWrite { id, entry, state });
        let at = |rev, last| Revision { memory: (1, 2), epoch: 0, rev, last };
        let kept = at(7, write(7, 70, 0));
        check(kept, kept, Standing::Current);
        check(kept, at(9, write(9, 90, 0)), Standing::Behind);
        check(at(0, None), at(9, write(9, 90, 0)), Standing::Behind);
        // Another memory, or entries removed since: nothing amiss, read again.
        check(kept, Revision { memory: (1, 3), ..kept }, Standing::Elsewhere);
        check(kept, Revision { epoch: 1, ..at(3, write(3, 30, 0)) }, Standing::Elsewhere);
        // Restored from a backup: back before the copy, or another write at its revision
        // (another row, the same row saying something else, or retired again).
        check(kept, at(5, write(5, 50, 0)), Standing::Diverged(Diverged { kept: 7, now: 5 }));
        check(kept, at(0, None), Standing::Diverged(Diverged { kept: 7, now: 0 }));
        for other in [write(8, 70, 0), write(7, 71, 0), write(7, 70, 1)] {
            check(kept, at(7, other), Standing::Diverged(Diverged { kept: 7, now: 7 }));
        }
    }
}
