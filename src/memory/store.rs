//! Where a memory is kept: the [`MemoryStore`] seam, and the CSV folder behind it.
//!
//! A store gives [`Memory`] snapshots to read, and commits new entries: under its own
//! lock it takes the memory as it is now, asks the caller which entries to add (the
//! merge rule, a pure function of the snapshot and what comes in, is
//! [`crate::import::plan_merge`]), and writes them all or nothing. [`CsvStore`] is the
//! CSV file or folder of a project: an exclusive lock on `.tolk.lock` beside the file
//! written, a re-read under the lock, and an atomic replace of that one file with its
//! own columns kept. A database-backed store is another implementation of the trait.

use std::path::{Path, PathBuf};

use super::{write_csv, write_path_for, Entry, Memory};
use crate::error::{Error, Place, Result};
use crate::store;

/// Where a memory is kept.
pub trait MemoryStore {
    /// The memory as it is now; an empty one where none exists yet.
    fn snapshot(&self) -> Result<Memory>;
    /// Under the store's lock, takes a fresh snapshot, asks `change` which entries to
    /// add to it, and adds them all or none. With `dry_run`, takes no lock and writes
    /// nothing. Returns where the entries went (or would go).
    fn commit(&self, change: &mut dyn FnMut(&Memory) -> Result<Vec<Entry>>, dry_run: bool)
        -> Result<PathBuf>;
    /// Where new translations go, for messages.
    fn location(&self) -> PathBuf;
}

/// A memory kept as CSV: one file, or every `*.csv` of a folder (new translations go to
/// `nb-en.csv` in it).
#[derive(Debug, Clone)]
pub struct CsvStore {
    path: PathBuf,
}

impl CsvStore {
    /// The memory at `path`, a CSV file or a folder of them.
    pub fn new(path: &Path) -> CsvStore {
        CsvStore { path: path.to_path_buf() }
    }
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
        // Load under the lock, so no other import writes between this read and the write.
        let _lock = if dry_run { None } else { Some(store::lock_memory(&write_path)?) };
        store::pause_point("locked");
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
        let mut bytes = Vec::new();
        store::pause_point("merged");
        write_csv(&columns, kept.chain(new_entries.iter()), &mut bytes)
            .map_err(|e| Error::at(&write_path, Place::File, format!("cannot write the memory: {e}")))?;
        store::write_atomic(&write_path, &bytes)?;
        Ok(write_path)
    }

    fn location(&self) -> PathBuf {
        write_path_for(&self.path)
    }
}
