//! Where a memory is kept: the [`MemoryStore`] seam, and the CSV folder behind it.
//!
//! A store gives [`Memory`] snapshots to read, and makes [`Update`]s: under its own lock
//! it takes the memory as it is now, asks the caller what to add and how to change
//! entries it has (retire one, put one back: [`Change`]), and makes all of it or none.
//! The rules that decide are pure functions of the snapshot: the merge rule of imports
//! ([`crate::import::plan_merge`]), which with `--overwrite` also retires what it
//! replaces, and the corrections of [`super::history`] and [`super::imports`].
//! [`CsvStore`] is the CSV file or folder of a project: an exclusive lock on
//! `.tolk.lock` beside the file new entries go to, a re-read under the lock, every
//! affected file written, read back, and staged in a synced temporary file before any
//! is replaced (so an error changes nothing), each then replaced atomically with its own
//! columns kept, the file new entries go to first (a crash between two files leaves
//! each whole, and never a translation retired without its replacement). A database-backed store is another implementation of the
//! trait: a snapshot and one write operation.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::imports::ImportId;
use super::{write_csv, write_path_for, Entry, Memory};
use crate::cache_file::Damage;
use crate::error::{Error, Place, Result};
use crate::shown;
use crate::store::{self, LockOptions, MemoryLock, Notice};
use crate::timestamp::Timestamp;

/// A change to an entry the memory has, named by its number in [`Memory::entries`]:
/// the only ways tolk changes what is written. Nothing is deleted; a retired entry
/// stays in its file, and can be put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The entry is history from `at` on: kept, never offered. `by` is the import that
    /// retired it (`import --overwrite`), written as its `retired_by`; `None` for `tm
    /// resolve`, `revert` and `rm`.
    Retire { entry: usize, at: Timestamp, by: Option<ImportId> },
    /// The entry is in use again (no longer retired, by anyone), dated `changed` when
    /// given so that it is the one used.
    Restore { entry: usize, changed: Option<Timestamp> },
}

impl Change {
    /// The number of the entry it changes.
    pub fn entry(&self) -> usize {
        match *self {
            Change::Retire { entry, .. } | Change::Restore { entry, .. } => entry,
        }
    }

    /// Makes the change to `entry`.
    pub fn apply(&self, entry: &mut Entry) {
        match *self {
            Change::Retire { at, by, .. } => {
                entry.retired = at.to_string().into();
                entry.retired_by = by.map(|id| id.to_string()).unwrap_or_default().into();
            }
            Change::Restore { changed, .. } => {
                entry.retired.clear();
                entry.retired_by.clear();
                if let Some(changed) = changed {
                    entry.changed = changed.to_string().into();
                }
            }
        }
    }
}

/// What one write does to the memory: entries to add, and changes to entries it has.
/// A store makes all of it or none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// New entries, added where new translations go.
    pub add: Vec<Entry>,
    /// Changes to entries of the snapshot the update was made on.
    pub changes: Vec<Change>,
}

/// Where an update went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Where new entries go (or went), whether or not there were any.
    pub added_to: PathBuf,
    /// Every file written (or, in a dry run, that would be), in the memory's order, a
    /// new file last; empty when there was nothing to write.
    pub files: Vec<PathBuf>,
}

/// Where a memory is kept: a snapshot to read, and one write operation.
///
/// A store for a database implements [`MemoryStore::snapshot`] and
/// [`MemoryStore::update`] (a transaction); `commit` and `rewrite` are the two halves
/// of an update, for callers that need only one.
pub trait MemoryStore {
    /// The memory as it is now; an empty one where none exists yet.
    fn snapshot(&self) -> Result<Memory>;
    /// Under the store's lock, takes a fresh snapshot, asks `change` what to add to it
    /// and how to change entries it has, and makes all of it or none: an error from
    /// `change`, a change naming no entry, or anything that would not read back leaves
    /// the memory as it was. With `dry_run`, takes no lock and writes nothing.
    fn update(&self, change: &mut dyn FnMut(&Memory) -> Result<Update>, dry_run: bool) -> Result<Written>;
    /// An update that only adds entries; returns where they went (or would go).
    fn commit(
        &self,
        change: &mut dyn FnMut(&Memory) -> Result<Vec<Entry>>,
        dry_run: bool,
    ) -> Result<PathBuf> {
        let written =
            self.update(&mut |memory| Ok(Update { add: change(memory)?, changes: Vec::new() }), dry_run)?;
        Ok(written.added_to)
    }
    /// An update that only changes entries the memory has; returns the files changed
    /// (or that would be).
    fn rewrite(
        &self,
        change: &mut dyn FnMut(&Memory) -> Result<Vec<Change>>,
        dry_run: bool,
    ) -> Result<Vec<PathBuf>> {
        let written =
            self.update(&mut |memory| Ok(Update { add: Vec::new(), changes: change(memory)? }), dry_run)?;
        Ok(written.files)
    }
}

/// Checks that the entries about to be added to the file at `path`, with its header
/// `columns`, read back with the memory's own reader: every memory tolk writes, tolk
/// loads, and the new entries come back as they went in. The entries already in the
/// file were read by that reader and are written by the same writer, so the header and
/// the new entries are what is checked, at the cost of the import, not of the memory.
/// On failure, the entry to blame is found by writing each new one alone.
fn verify(path: &Path, columns: &[String], new: &[Entry]) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    let Err(why) = reads_back(path, columns, new) else { return Ok(()) };
    let index = new.iter().position(|entry| reads_back(path, columns, std::slice::from_ref(entry)).is_err());
    Err(Error::WouldNotLoad { index, message: why })
}

/// Whether `new`, written with the header `columns`, read back as written; what went
/// wrong if not.
fn reads_back(path: &Path, columns: &[String], new: &[Entry]) -> std::result::Result<(), String> {
    let mut bytes = Vec::new();
    write_csv(columns, new, &mut bytes).map_err(|e| format!("cannot be written: {e}"))?;
    let mut back = Vec::new();
    super::read_bytes(path, &bytes, 0, &mut back).map_err(|e| what_is_wrong(path, e))?;
    for (i, entry) in new.iter().enumerate() {
        let Some(read) = back.get(i) else {
            return Err(format!("{} entries would be read back instead of {}", back.len(), new.len()));
        };
        let same = read.source == entry.source
            && read.target == entry.target
            && read.created == entry.created
            && read.changed == entry.changed
            && read.translator == entry.translator
            && read.origin == entry.origin
            && read.note == entry.note
            && read.retired == entry.retired
            && read.import == entry.import
            && read.retired_by == entry.retired_by
            && read.prev == entry.prev
            && read.next == entry.next
            && entry.extra.iter().filter(|(_, v)| !v.is_empty()).all(|x| read.extra.contains(x));
        if !same {
            return Err("it would not read back as written".into());
        }
    }
    Ok(())
}

/// What the reader said, without the file and row it named: they are of the file that
/// would be written, which does not exist; the caller names the entry instead.
fn what_is_wrong(path: &Path, e: Error) -> String {
    match e {
        Error::At { place: Place::Row { column: Some(column), .. }, message, .. } => {
            format!("column {column}: {message}")
        }
        Error::At { message, .. } => message,
        Error::TooLarge { limit, .. } => format!("a cell of more than the {limit} bytes a memory file holds"),
        e => {
            let message = e.to_string();
            let prefix = format!("{}: ", shown::path(path));
            message.strip_prefix(&prefix).unwrap_or(&message).to_string()
        }
    }
}

/// A memory kept as CSV: one file, or every `*.csv` of a folder (new translations go to
/// `nb-en.csv` in it).
///
/// The folder may be a symbolic link (to a folder shared by several projects): it is
/// followed, and the lock is taken in the folder it points to, so every project
/// linking it shares one lock. A memory file that is a link is read through it but
/// never written: replacing it whole, as every write does, would replace the link with
/// a private copy, and the shared file would never get the new translations.
#[derive(Clone)]
pub struct CsvStore {
    path: PathBuf,
    timeout: Option<Duration>,
    notify: Arc<dyn Fn(&Notice) + Send + Sync>,
    /// The memory as kept beside it, a write's start when it is the memory as it is now.
    kept: Option<Arc<dyn KeptCopy>>,
}

/// A copy of a CSV memory kept elsewhere (the project's `.tolk/cache/`, see
/// [`crate::index::cache::KeptCsv`]): a write starts from it when it is the memory as
/// it is now, as it reads faster than the CSV files, and tells it what it wrote, so
/// that it is brought up to date at the cost of the change.
pub trait KeptCopy: Send + Sync {
    /// The memory as it is now, read under the lock (its files' fingerprint checked
    /// before and after). When the copy is not that, the CSV files are read: `Err(None)`
    /// when that is all there is to it (not kept yet, or kept before the memory
    /// changed), else the kept file found damaged, and why, for the store to say.
    fn memory(&self) -> std::result::Result<Memory, Option<(PathBuf, Damage)>>;
    /// Called under the lock just before a write puts its files in place.
    fn writing(&self) {}
    /// Called under the lock once `write` is in place, when the write started from
    /// [`KeptCopy::memory`] and made no new file. A copy that cannot follow is made
    /// again later: nothing here is an error of the write.
    fn written(&self, write: &Rewrite<'_>);
}

/// What a write to a CSV memory did, for a kept copy to follow ([`KeptCopy::written`]).
#[derive(Debug)]
pub struct Rewrite<'a> {
    /// The memory the write started from, its changed entries as written; the entries
    /// added are not in it.
    pub memory: &'a Memory,
    /// The entries changed (by their numbers in `memory`), in order, each once.
    pub changed: &'a [usize],
    /// The file the entries added went to (its number in `memory`'s files), when there
    /// were any.
    pub added_to: Option<usize>,
    /// The entries added, at the end of that file, as given to the write.
    pub added: &'a [Entry],
    /// Each file written (by its number in `memory`'s files) with its bytes as written
    /// and the stamp of the file they were written to, which tells them from any
    /// later change.
    pub files: &'a [(usize, &'a [u8], crate::store::Stamp)],
}

impl std::fmt::Debug for CsvStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvStore").field("path", &self.path).field("timeout", &self.timeout).finish()
    }
}

impl CsvStore {
    /// The memory at `path`, a CSV file or a folder of them.
    pub fn new(path: &Path) -> CsvStore {
        CsvStore { path: path.to_path_buf(), timeout: None, notify: Arc::new(|_| {}), kept: None }
    }

    /// Has a write start from `kept`, the memory as kept elsewhere, when it is the
    /// memory as it is now, and tell it what it wrote (see [`KeptCopy`]).
    pub fn kept(mut self, kept: impl KeptCopy + 'static) -> CsvStore {
        self.kept = Some(Arc::new(kept));
        self
    }

    /// Waits at most `timeout` for another tolk that holds the lock (`None`, the
    /// default: for as long as it takes).
    pub fn lock_timeout(mut self, timeout: Option<Duration>) -> CsvStore {
        self.timeout = timeout;
        self
    }

    /// Tells `notify` what a person may want to know: that this store waits for the
    /// lock, and for whom; that it removed files killed writers left.
    pub fn notify(mut self, notify: impl Fn(&Notice) + Send + Sync + 'static) -> CsvStore {
        self.notify = Arc::new(notify);
        self
    }
}

/// Refuses to write the memory file at `path` if it is a symbolic link, saying what to
/// do instead; `memory` is the memory as named (a folder, or this file).
pub(crate) fn refuse_link(path: &Path, memory: &Path) -> Result<()> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(());
    }
    let target = std::fs::canonicalize(path)
        .or_else(|_| std::fs::read_link(path))
        .unwrap_or_else(|_| PathBuf::from("?"));
    let shared = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let instead = if memory == path {
        format!("name the file itself with --memory {}", shown::path(&target))
    } else {
        format!(
            "link the folder instead (ln -s {} {}), so every project shares one lock",
            shown::path(shared),
            shown::path(memory)
        )
    };
    Err(Error::at(
        path,
        Place::File,
        format!(
            "is a symbolic link to {}; tolk replaces a memory file whole and will not replace a link (the shared \
             file would never get the translations): {instead}; nothing was written",
            shown::path(&target)
        ),
    ))
}

/// Refuses to write the memory file at `path` when its owner made it read-only, or when
/// a spreadsheet has it open (LibreOffice's `.~lock.<name>#` or Excel's `~$<name>`
/// beside it): replacing it would quietly undo the one, and the spreadsheet's next save
/// would write over the translations added. Nothing is written; the message says what
/// to do.
pub(crate) fn refuse_unwritable(path: &Path) -> Result<()> {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_file() && meta.permissions().readonly() {
            return Err(Error::at(
                path,
                Place::File,
                format!(
                    "is read-only, and tolk would replace it with the translations added: make it writable \
                     (chmod u+w {}) if it is to take them, or name another memory file with --memory; nothing \
                     was written",
                    shown::path(path)
                ),
            ));
        }
    }
    if let Some(holder) = open_in_spreadsheet(path) {
        return Err(Error::at(
            path,
            Place::File,
            format!(
                "is open in {holder}, whose next save would write over what tolk adds: close it there (or, if \
                 nothing has it open, remove the lock file it left), then run this again; nothing was written"
            ),
        ));
    }
    Ok(())
}

/// Who has the file at `path` open in a spreadsheet, by the lock file the spreadsheet
/// keeps beside it: `LibreOffice (Kari Nordmann on laptop, since 02.12.2026 15:49;
/// memory/.~lock.nb-en.csv#)`, `Excel (…)`; `None` when there is none.
pub fn open_in_spreadsheet(path: &Path) -> Option<String> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name()?.to_string_lossy().into_owned();
    // LibreOffice: `name,os-user,host,date,profile;`, the name from its user data.
    let libreoffice = dir.join(format!(".~lock.{name}#"));
    if let Ok(bytes) = std::fs::read(&libreoffice) {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
        let fields: Vec<&str> = text.trim_end_matches([';', '\n', '\r']).split(',').collect();
        let field =
            |i: usize| fields.get(i).map(|f| shown::name(f.trim()).to_string()).filter(|f| !f.is_empty());
        let who = match (field(0).or_else(|| field(1)), field(2), field(3)) {
            (Some(user), Some(host), Some(date)) => format!("{user} on {host}, since {date}; "),
            (Some(user), _, _) => format!("{user}; "),
            _ => String::new(),
        };
        return Some(format!("LibreOffice ({who}{})", shown::path(&libreoffice)));
    }
    // Excel: `~$name` (a long name loses its first two characters), whose first byte
    // is the length of the user's name that follows.
    let short: String = name.chars().skip(2).collect();
    for excel in [dir.join(format!("~${name}")), dir.join(format!("~${short}"))] {
        if let Ok(bytes) = std::fs::read(&excel) {
            let n = usize::from(bytes.first().copied().unwrap_or(0));
            let user = bytes.get(1..1 + n).map(|b| encoding_rs::WINDOWS_1252.decode(b).0.trim().to_string());
            let who =
                user.filter(|u| !u.is_empty()).map_or_else(String::new, |u| format!("{}; ", shown::name(&u)));
            return Some(format!("Excel ({who}{})", shown::path(&excel)));
        }
    }
    None
}

impl MemoryStore for CsvStore {
    fn snapshot(&self) -> Result<Memory> {
        Memory::load_or_empty(&self.path)
    }

    fn update(&self, change: &mut dyn FnMut(&Memory) -> Result<Update>, dry_run: bool) -> Result<Written> {
        let write_path = write_path_for(&self.path);
        let _lock = self.lock(&write_path, dry_run)?;
        // The files as this write reads them: an edit meanwhile (by hand, or by a tool
        // that takes no lock) must not be written over.
        let seen = super::seen(&self.path)?;
        let kept = self.kept.as_ref().map(|kept| (kept, kept.memory()));
        let (kept, mut memory) = match kept {
            Some((kept, Ok(memory))) => (Some(kept), memory),
            Some((_, Err(Some((file, damage))))) => {
                (self.notify)(&Notice::KeptUnused { file, damage });
                (None, self.snapshot()?)
            }
            Some((_, Err(None))) | None => (None, self.snapshot()?),
        };
        let Update { add, changes } = change(&memory)?;
        // Every change is made in memory first, so one naming no entry stops the update
        // before anything is written.
        let mut touched: Vec<usize> = Vec::new();
        for c in &changes {
            let entry = memory.entries.get_mut(c.entry()).ok_or_else(|| {
                Error::Invalid(format!("no entry {} in the memory; nothing was written", c.entry()))
            })?;
            c.apply(entry);
            if !touched.contains(&entry.file) {
                touched.push(entry.file);
            }
        }
        // The file new entries go to: one of the memory's, or (`None`) a new one.
        let add_to = memory.files().iter().position(|f| f.path == write_path);
        if !add.is_empty() {
            if let Some(f) = add_to.filter(|f| !touched.contains(f)) {
                touched.push(f);
            }
        }
        touched.sort_unstable();
        let mut files: Vec<PathBuf> = touched.iter().map(|&f| memory.files()[f].path.clone()).collect();
        let new_file = !add.is_empty() && add_to.is_none();
        if new_file {
            files.push(write_path.clone());
        }
        if files.is_empty() {
            return Ok(Written { added_to: write_path, files });
        }
        // A dry run makes every check the write makes, up to the write itself: it says
        // what the import would do, and a refusal is part of that (an entry that would
        // leave the memory unreadable, a file that may not be replaced).
        if new_file && write_path.exists() {
            // Never replace a file whose entries were not read into this memory.
            return Err(Error::at(
                &write_path,
                Place::File,
                "exists but is not one of the memory's files; name it with --memory",
            ));
        }
        for path in &files {
            refuse_link(path, &self.path)?;
            refuse_unwritable(path)?;
        }
        if !dry_run {
            store::pause_point("merged");
        }
        // Every file is written and checked before any is replaced, so an error leaves
        // every file as it was.
        let mut written = Vec::with_capacity(files.len());
        for (&f, path) in touched.iter().zip(&files) {
            let columns = &memory.files()[f].columns;
            let adds: &[Entry] = if Some(f) == add_to { &add } else { &[] };
            let kept = memory.entries.iter().filter(|e| e.file == f);
            // Encoding the whole file is no check (it writes to memory, and cannot
            // fail but for memory itself): a dry run checks what is new.
            if !dry_run {
                written.push(encode(path, columns, kept.chain(adds))?);
            }
            let changed: Vec<Entry> =
                changes.iter().map(|c| &memory.entries[c.entry()]).filter(|e| e.file == f).cloned().collect();
            // An entry changed is no entry added: the blame cannot go to a row imported.
            verify(path, columns, &changed).map_err(|e| match e {
                Error::WouldNotLoad { message, .. } => Error::WouldNotLoad { index: None, message },
                e => e,
            })?;
            verify(path, columns, adds)?;
        }
        if new_file {
            if !dry_run {
                written.push(encode(&write_path, &[], &add)?);
            }
            verify(&write_path, &[], &add)?;
        }
        if dry_run {
            return Ok(Written { added_to: write_path, files });
        }
        // Every file staged before any is replaced; the one the new entries go to is put
        // in place first, so an interruption between two files never leaves a
        // translation retired without the one that replaces it.
        let mut order: Vec<(&Path, &[u8])> =
            files.iter().map(PathBuf::as_path).zip(written.iter().map(Vec::as_slice)).collect();
        order.sort_by_key(|(path, _)| *path != write_path.as_path());
        changed_meanwhile(&self.path, &seen)?;
        if let Some(kept) = &self.kept {
            kept.writing();
        }
        let stamps = store::write_atomic_all(&order)?;
        if let Some(kept) = kept.filter(|_| !new_file) {
            let mut changed: Vec<usize> = changes.iter().map(Change::entry).collect();
            changed.sort_unstable();
            changed.dedup();
            // The stamps are in the order written: the file added to first.
            let stamp_of = |path: &Path| order.iter().position(|(p, _)| *p == path).map(|i| stamps[i]);
            let files: Vec<(usize, &[u8], store::Stamp)> = touched
                .iter()
                .zip(&files)
                .zip(&written)
                .filter_map(|((&f, path), bytes)| Some((f, bytes.as_slice(), stamp_of(path)?)))
                .collect();
            kept.written(&Rewrite {
                memory: &memory,
                changed: &changed,
                added_to: add_to,
                added: &add,
                files: &files,
            });
        }
        Ok(Written { added_to: write_path, files })
    }
}

impl CsvStore {
    /// Checks that the memory is a file or a folder and that the file new entries go to
    /// (`write_path`) may be replaced, and takes the lock unless `dry_run`, removing
    /// what killed writers left.
    fn lock(&self, write_path: &Path, dry_run: bool) -> Result<Option<MemoryLock>> {
        // A memory is a CSV file or a folder of them; anything else (a device, a FIFO)
        // is named as such, not reached through as if it were a folder.
        if let Ok(meta) = std::fs::metadata(&self.path) {
            if !meta.is_file() && !meta.is_dir() {
                return Err(Error::at(
                    &self.path,
                    Place::File,
                    format!(
                        "is a {}, not a memory: --memory names a CSV file or a folder of them",
                        store::kind_of(&meta)
                    ),
                ));
            }
        }
        refuse_link(write_path, &self.path)?;
        // Load under the lock, so no other writer writes between this read and the write.
        let lock = if dry_run {
            None
        } else {
            let options = LockOptions { timeout: self.timeout, notify: &*self.notify };
            Some(store::lock_memory(write_path, &options)?)
        };
        store::pause_point("locked");
        if let Some(lock) = &lock {
            let count = lock.remove_stale();
            if count > 0 {
                let folder = lock.path().parent().unwrap_or(Path::new(".")).to_path_buf();
                (self.notify)(&Notice::RemovedStale { folder, count });
            }
        }
        Ok(lock)
    }
}

/// An error naming the file of the memory at `path` that is no longer as it was `seen`,
/// if one is not: the write that read it writes nothing.
fn changed_meanwhile(path: &Path, seen: &[super::Seen]) -> Result<()> {
    let now = super::seen(path)?;
    if now == seen {
        return Ok(());
    }
    let changed = now.iter().zip(seen).find(|(now, then)| now != then).map(|(now, _)| now.path.clone());
    let file = changed.unwrap_or_else(|| path.to_path_buf());
    Err(Error::at(
        &file,
        Place::File,
        "was changed or touched while this command was writing the memory (an edit by hand, or a tool \
         that takes no lock); nothing was written: run the command again",
    ))
}

/// A memory file of `entries` with the header `columns`, for the file at `path`.
fn encode<'a>(
    path: &Path,
    columns: &[String],
    entries: impl IntoIterator<Item = &'a Entry> + Clone,
) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_csv(columns, entries, &mut bytes)
        .map_err(|e| Error::at(path, Place::File, format!("cannot write the memory: {e}")))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A memory folder of two files, the entries of `a.csv` first.
    fn folder() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("memory");
        std::fs::create_dir(&memory).unwrap();
        std::fs::write(memory.join("a.csv"), "source,target,Client\nHei.,Hi.,Lyse\n").unwrap();
        std::fs::write(memory.join("nb-en.csv"), "source,target\nJa.,Yes.\n").unwrap();
        (dir, memory)
    }

    fn files(memory: &Path) -> Vec<String> {
        ["a.csv", "nb-en.csv"].iter().map(|f| std::fs::read_to_string(memory.join(f)).unwrap()).collect()
    }

    fn new_entry(source: &str, changed: &str) -> Entry {
        Entry { source: source.into(), target: "New.".into(), changed: changed.into(), ..Entry::default() }
    }

    #[test]
    fn an_update_adds_and_changes_in_one_write() {
        let (_dir, memory) = folder();
        let at = Timestamp::parse("2026-11-30T06:15:00Z").unwrap();
        let id = ImportId { at, n: 1 };
        let store = CsvStore::new(&memory);
        let mut update = |_: &Memory| {
            Ok(Update {
                add: vec![new_entry("Hei.", "2026-11-30T06:15:00Z")],
                changes: vec![Change::Retire { entry: 0, at, by: Some(id) }],
            })
        };
        let before = files(&memory);
        let dry = store.update(&mut update, true).unwrap();
        assert_eq!(dry.files, [memory.join("a.csv"), memory.join("nb-en.csv")]);
        assert_eq!(files(&memory), before, "a dry run wrote");
        let written = store.update(&mut update, false).unwrap();
        assert_eq!((written.added_to, written.files), (memory.join("nb-en.csv"), dry.files));
        assert_eq!(
            files(&memory),
            [
                "source,target,Client,retired,retired_by\nHei.,Hi.,Lyse,2026-11-30T06:15:00Z,i20261130-061500\n",
                "source,target,changed\nJa.,Yes.,\nHei.,New.,2026-11-30T06:15:00Z\n",
            ]
        );
        // Nothing to do is no write at all.
        let nothing = store.update(&mut |_| Ok(Update::default()), false).unwrap();
        assert!(nothing.files.is_empty());
    }

    /// A change naming an entry the memory does not have, or an entry that would not
    /// read back, stops the whole update: no file is written, the one that was fine
    /// neither.
    #[test]
    fn an_update_is_all_or_nothing() {
        let (_dir, memory) = folder();
        let before = files(&memory);
        let at = Timestamp::parse("2026-11-30T06:15:00Z").unwrap();
        let store = CsvStore::new(&memory);
        let err = store
            .update(
                &mut |_| {
                    Ok(Update {
                        add: vec![new_entry("Nei.", "")],
                        changes: vec![
                            Change::Retire { entry: 0, at, by: None },
                            Change::Retire { entry: 9, at, by: None },
                        ],
                    })
                },
                false,
            )
            .unwrap_err();
        assert_eq!(err.to_string(), "no entry 9 in the memory; nothing was written");
        assert_eq!(files(&memory), before);
        // The retirement in a.csv is fine; the entry for nb-en.csv has a date no reader takes.
        let err = store
            .update(
                &mut |_| {
                    Ok(Update {
                        add: vec![new_entry("Nei.", "10000-01-01")],
                        changes: vec![Change::Retire { entry: 0, at, by: None }],
                    })
                },
                false,
            )
            .unwrap_err();
        assert!(matches!(err, Error::WouldNotLoad { index: Some(0), .. }), "{err:?}");
        assert_eq!(files(&memory), before);
        // An error from the rule itself writes nothing either.
        let err = store.update(&mut |_| Err(Error::Invalid("no".into())), false).unwrap_err();
        assert_eq!(err.to_string(), "no");
        assert_eq!(files(&memory), before);
    }
}
