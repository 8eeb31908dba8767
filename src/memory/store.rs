//! Where a memory is kept: the [`MemoryStore`] seam, and the CSV folder behind it.
//!
//! A store gives [`Memory`] snapshots to read, and commits new entries: under its own
//! lock it takes the memory as it is now, asks the caller which entries to add (the
//! merge rule, a pure function of the snapshot and what comes in, is
//! [`crate::import::plan_merge`]), and writes them all or nothing. [`CsvStore`] is the
//! CSV file or folder of a project: an exclusive lock on `.tolk.lock` beside the file
//! written, a re-read under the lock, and an atomic replace of that one file with its
//! own columns kept. A store also rewrites entries it has ([`MemoryStore::rewrite`]): a
//! [`Change`] retires one or puts it back in use (the rules that choose them are
//! [`super::history`]'s), under the same lock, every affected file replaced atomically
//! with its own columns. A database-backed store is another implementation of the trait.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{write_csv, write_path_for, Entry, Memory};
use crate::error::{Error, Place, Result};
use crate::shown;
use crate::store::{self, LockOptions, MemoryLock, Notice};
use crate::timestamp::Timestamp;

/// A change to an entry the memory has, named by its number in [`Memory::entries`]:
/// the only ways tolk changes what is written. Nothing is deleted; a retired entry
/// stays in its file, and can be put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The entry is history from `at` on: kept, never offered.
    Retire { entry: usize, at: Timestamp },
    /// The entry is in use again (no longer retired), dated `changed` when given so
    /// that it is the one used.
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
            Change::Retire { at, .. } => entry.retired = at.to_string(),
            Change::Restore { changed, .. } => {
                entry.retired.clear();
                if let Some(changed) = changed {
                    entry.changed = changed.to_string();
                }
            }
        }
    }
}

/// Where a memory is kept.
pub trait MemoryStore {
    /// The memory as it is now; an empty one where none exists yet.
    fn snapshot(&self) -> Result<Memory>;
    /// Under the store's lock, takes a fresh snapshot, asks `change` which entries to
    /// add to it, and adds them all or none. With `dry_run`, takes no lock and writes
    /// nothing. Returns where the entries went (or would go).
    fn commit(&self, change: &mut dyn FnMut(&Memory) -> Result<Vec<Entry>>, dry_run: bool)
        -> Result<PathBuf>;
    /// Under the store's lock, takes a fresh snapshot, asks `change` how to change
    /// entries it has, and makes every change or none. An error from `change` leaves the
    /// memory as it was. With `dry_run`, takes no lock and writes nothing. Returns the
    /// files changed (or that would be).
    fn rewrite(
        &self,
        change: &mut dyn FnMut(&Memory) -> Result<Vec<Change>>,
        dry_run: bool,
    ) -> Result<Vec<PathBuf>>;
}

/// Checks that the entries about to be added to the file at `path`, with its header
/// `columns`, read back with the memory's own reader: every memory tolk writes, tolk
/// loads, and the new entries come back as they went in. The entries already in the
/// file were read by that reader and are written by the same writer, so the header and
/// the new entries are what is checked, at the cost of the import, not of the memory.
/// On failure, the entry to blame is found by writing each new one alone.
fn verify(path: &Path, columns: &[String], new: &[Entry]) -> Result<()> {
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
}

impl std::fmt::Debug for CsvStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvStore").field("path", &self.path).field("timeout", &self.timeout).finish()
    }
}

impl CsvStore {
    /// The memory at `path`, a CSV file or a folder of them.
    pub fn new(path: &Path) -> CsvStore {
        CsvStore { path: path.to_path_buf(), timeout: None, notify: Arc::new(|_| {}) }
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
fn refuse_link(path: &Path, memory: &Path) -> Result<()> {
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

impl MemoryStore for CsvStore {
    fn snapshot(&self) -> Result<Memory> {
        Memory::load_or_empty(&self.path)
    }

    fn commit(
        &self,
        change: &mut dyn FnMut(&Memory) -> Result<Vec<Entry>>,
        dry_run: bool,
    ) -> Result<PathBuf> {
        let write_path = write_path_for(&self.path);
        let _lock = self.lock(&write_path, dry_run)?;
        let memory = self.snapshot()?;
        let new_entries = change(&memory)?;
        if dry_run || new_entries.is_empty() {
            return Ok(write_path);
        }
        let file = memory.files().iter().position(|f| f.path == write_path);
        if file.is_none() && write_path.exists() {
            // Never replace a file whose entries were not read into this memory.
            return Err(Error::at(
                &write_path,
                Place::File,
                "exists but is not one of the memory's files; name it with --memory",
            ));
        }
        let columns = file.map(|f| memory.files()[f].columns.clone()).unwrap_or_default();
        let kept = memory.entries.iter().filter(|e| Some(e.file) == file);
        store::pause_point("merged");
        let bytes = encode(&write_path, &columns, kept.chain(new_entries.iter()))?;
        verify(&write_path, &columns, &new_entries)?;
        store::write_atomic(&write_path, &bytes)?;
        Ok(write_path)
    }

    fn rewrite(
        &self,
        change: &mut dyn FnMut(&Memory) -> Result<Vec<Change>>,
        dry_run: bool,
    ) -> Result<Vec<PathBuf>> {
        let _lock = self.lock(&write_path_for(&self.path), dry_run)?;
        let mut memory = self.snapshot()?;
        let changes = change(&memory)?;
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
        touched.sort_unstable();
        let paths: Vec<PathBuf> = touched.iter().map(|&f| memory.files()[f].path.clone()).collect();
        if dry_run {
            return Ok(paths);
        }
        for path in &paths {
            refuse_link(path, &self.path)?;
        }
        // Every file is written and checked before any is replaced, so an error leaves
        // every file as it was.
        let mut written = Vec::with_capacity(touched.len());
        for (&f, path) in touched.iter().zip(&paths) {
            let columns = &memory.files()[f].columns;
            let entries: Vec<&Entry> = memory.entries.iter().filter(|e| e.file == f).collect();
            let bytes = encode(path, columns, entries.iter().copied())?;
            let changed: Vec<Entry> =
                changes.iter().map(|c| &memory.entries[c.entry()]).filter(|e| e.file == f).cloned().collect();
            verify(path, columns, &changed)?;
            written.push(bytes);
        }
        store::pause_point("merged");
        for (path, bytes) in paths.iter().zip(&written) {
            store::write_atomic(path, bytes)?;
        }
        Ok(paths)
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
