//! The memory and its index kept between runs: two files per memory in the project's
//! state folder (`.tolk/cache/memory-<hash of the memory's path>.tolkmem`, its entries,
//! and `index-<hash>.tolkidx`, its index), never in `memory/`.
//!
//! [`load`] gives the memory and its index: the kept ones when they are whole and were
//! made from this memory as it is now, else the memory read from its CSV files and an
//! index built now, both then kept for the next run. The memory's
//! [`crate::memory::fingerprint`] is taken before and after; nothing kept is used, or
//! kept, unless the two agree, so a cache is never paired with a memory that changed
//! while it was read. A kept file that fails any check ([`Damage`]) is made again and
//! the caller told why; one that cannot be written (a read-only project) leaves the
//! memory and index in memory for this run, and the caller told that too. Two
//! processes keeping files at once each write a temporary file and rename it over the
//! old one, so a file is always one whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::borrow::Cow;

use super::{Damage, Index, IndexBuilder, Match};
use crate::cache_file::Arrays;
use crate::memory::delta::{self, Plan};
use crate::memory::server::{LastWrite, Refreshed, Revision, ServerStore, Standing};
use crate::memory::snapshot::{self, Snapshot};
use crate::memory::{self, KeptCopy, Memory, Rewrite, Totals};
use crate::text::{normalize, stable_hash, SegmentId};

use rayon::prelude::*;

/// The folder, in a project's state folder, that holds its caches.
pub const FOLDER: &str = "cache";

/// Where the memory at `memory` and its index are kept, in the state folder `state`
/// (`.tolk/`).
#[derive(Debug, Clone)]
pub struct Files {
    /// The memory's entries.
    pub memory: PathBuf,
    /// Its index.
    pub index: PathBuf,
    /// The changes writes made since they were kept ([`crate::memory::delta`]): where
    /// the entries kept are now (`.tolkmap`), the entries changed and added
    /// (`.tolkmem`), and their index (`.tolkidx`).
    pub changes: [PathBuf; 3],
}

impl Files {
    /// The files of the memory at `memory`, in the state folder `state`.
    pub fn new(state: &Path, memory: &Path) -> Files {
        let place = std::fs::canonicalize(memory).unwrap_or_else(|_| memory.to_path_buf());
        let hash = stable_hash(place.to_string_lossy().as_bytes());
        let folder = state.join(FOLDER);
        Files {
            memory: folder.join(format!("memory-{hash:016x}.tolkmem")),
            index: folder.join(format!("index-{hash:016x}.tolkidx")),
            changes: ["tolkmap", "tolkmem", "tolkidx"]
                .map(|extension| folder.join(format!("changes-{hash:016x}.{extension}"))),
        }
    }

    /// The lock a command holds while it keeps these files for the commands after it,
    /// beside them: see [`try_keeping`].
    fn keeping_lock(&self) -> PathBuf {
        self.memory.with_extension("keeping")
    }
}

/// Takes the lock of a command keeping `files` for the commands after it (a command
/// that wrote the memory hands that work to a process of its own, in the background,
/// and returns): the lock file, locked, to be held while they are made, by this
/// process or one given it. `None` when another command holds it, or it cannot be
/// made. Commands that read them wait for it ([`wait_for_keeping`]) rather than make
/// them a second time.
pub fn try_keeping(files: &Files) -> Option<std::fs::File> {
    let lock = keeping_file(files)?;
    lock.try_lock().ok()?;
    Some(lock)
}

/// [`try_keeping`], waiting up to `limit` for another command that holds the lock to
/// let go of it.
pub fn keeping(files: &Files, limit: Duration) -> Option<std::fs::File> {
    let lock = keeping_file(files)?;
    poll(limit, || lock.try_lock()).then_some(lock)
}

/// The lock file of `files`, made (with the cache folder) when it is not there; never
/// through a link, nor anything but a plain file.
fn keeping_file(files: &Files) -> Option<std::fs::File> {
    prepare(files.memory.parent()?).ok()?;
    crate::store::open_lock(&files.keeping_lock()).ok()
}

/// Waits while a command keeps `files` in the background ([`try_keeping`]), calling
/// `waiting` first, for `limit` at most, or until `done` says there is no more need
/// (it is asked every time the lock is tried): `false` when it gave up, the lock still
/// held.
pub fn wait_for_keeping(
    files: &Files,
    limit: Duration,
    waiting: impl FnOnce(),
    done: impl Fn() -> bool,
) -> bool {
    // Read only, never through a link, a FIFO not waited on: a reader makes nothing.
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let Ok(lock) = options.open(files.keeping_lock()) else { return true };
    if !lock.metadata().is_ok_and(|m| m.is_file()) {
        return true;
    }
    let try_lock = || if done() { Ok(()) } else { lock.try_lock_shared() };
    match try_lock() {
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting();
            poll(limit, try_lock)
        }
        _ => true,
    }
}

/// Tries `lock` until it succeeds (`true`) or `limit` has passed, or it fails for
/// another reason than the lock being held (`false`).
fn poll(limit: Duration, mut lock: impl FnMut() -> Result<(), std::fs::TryLockError>) -> bool {
    let start = std::time::Instant::now();
    loop {
        match lock() {
            Ok(()) => return true,
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < limit => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(_) => return false,
        }
    }
}

/// How the memory and index of a [`load`] came to be.
#[derive(Debug)]
pub enum Kept {
    /// Opened from their files, as they were.
    Opened,
    /// Made now and kept; `instead_of` names the file there that was not used, and
    /// why, when there was one.
    Built { instead_of: Option<(PathBuf, Damage)> },
    /// Made now and not kept, as nothing is to be kept: no project to keep them in, an
    /// empty memory, or a memory that changed while it was read (a writer at work; the
    /// next command keeps them).
    Unkept,
    /// Made now and not kept, as they cannot be written: `why`.
    Unwritable { instead_of: Option<(PathBuf, Damage)>, why: String },
    /// Made now from the server's memory read whole, and kept, as the copy kept was of
    /// a history the server does not continue (restored from a backup).
    Diverged(crate::memory::server::Diverged),
}

/// Gives the memory at `path` with its index, kept in `files` (see the module's
/// documentation; nothing is kept without `files`); `read` reads the memory from its
/// CSV files when it must be read. `building` is called, with the number of entries,
/// just before an index is built rather than opened.
pub fn load<E>(
    path: &Path,
    files: Option<&Files>,
    read: impl FnOnce() -> Result<Memory, E>,
    building: impl FnOnce(usize),
) -> Result<(Memory, Index, Kept), E> {
    let Some(files) = files else {
        let memory = read()?;
        building(memory.entries.len());
        let index = IndexBuilder::build(&memory);
        return Ok((memory, index, Kept::Unkept));
    };
    let before = memory::fingerprint(path).ok();
    let mut instead_of = None;
    let mut kept_memory = None;
    if let Some(fingerprint) = before {
        match open_current(path, files, fingerprint) {
            Ok((kept, index)) => match kept.read() {
                Ok(memory) if memory::fingerprint(path).ok() == before => {
                    return Ok((memory, index, Kept::Opened));
                }
                Ok(_) => {}
                Err(damage) => instead_of = Some((files.memory.clone(), damage)),
            },
            Err(refused) => {
                // A whole memory beside a damaged index: the index is built from it.
                kept_memory = refused.memory.and_then(|kept| kept.read().ok());
                instead_of = Some((refused.file, refused.damage));
            }
        }
    }
    // A file simply not there yet is no news.
    let instead_of = instead_of.filter(|(_, d)| *d != Damage::Missing);
    let from_csv = kept_memory.is_none();
    let memory = match kept_memory {
        Some(memory) => memory,
        None => read()?,
    };
    let after = memory::fingerprint(path).ok();
    // Kept only from a memory that held still while it was read, and that has
    // something to keep.
    let keeping = before.is_some() && before == after && !memory.entries.is_empty();
    let fingerprint = before.unwrap_or_default();
    // The snapshot is written (straight from the entries) before the index is built.
    let mut unwritable = None;
    if keeping && from_csv {
        unwritable = keep(&files.memory, |file| snapshot::write(&memory, fingerprint, file)).err();
    }
    building(memory.entries.len());
    let index = IndexBuilder::build_for(&memory, fingerprint);
    if keeping && unwritable.is_none() {
        unwritable = keep(&files.index, |file| index.write(file)).err();
    }
    let kept = match (keeping, unwritable) {
        (_, Some(why)) => Kept::Unwritable { instead_of, why },
        (true, None) => {
            drop_changes(path, files, fingerprint);
            Kept::Built { instead_of }
        }
        (false, None) => Kept::Unkept,
    };
    Ok((memory, index, kept))
}

/// How many sources [`make`] indexes at once.
const WAVE: usize = 1 << 16;

/// Makes the memory at `path` and its index again in `files` from its CSV files, one
/// entry at a time, never holding the memory: for a command that then reads only a
/// few entries ([`open`], [`Entries::narrow`]), on a memory of any size. Says, as
/// [`load`] does, why the files there were not used; `building` is called before the
/// memory is read. A memory that cannot be read is the same error [`Memory::load`]
/// gives.
pub fn make(path: &Path, files: &Files, building: impl FnOnce()) -> crate::error::Result<Kept> {
    let before = memory::fingerprint(path).ok();
    let instead_of = match before.map(|fingerprint| (fingerprint, open_both(path, files, fingerprint))) {
        Some((_, Ok(_))) => return Ok(Kept::Opened),
        // Changes kept for the memory as it is that cannot be used are to blame.
        Some((fingerprint, Err(refused))) => match open_changes(path, files, fingerprint) {
            Err(Some(blamed)) => Some((blamed.file, blamed.damage)),
            _ => Some((refused.file, refused.damage)),
        },
        None => None,
    };
    let instead_of = instead_of.filter(|(_, d)| *d != Damage::Missing);
    building();
    let unwritable = |why: String| Ok(Kept::Unwritable { instead_of: instead_of.clone(), why });
    let folder = files.memory.parent().unwrap_or(Path::new("."));
    let made = std::fs::symlink_metadata(folder).is_err();
    if let Err(why) = prepare(folder) {
        return unwritable(why);
    }
    // Both files are written beside their places and renamed into them one right after
    // the other at the end, so a reader of the files kept before (and the changes kept
    // since) is left with one of each for no longer than between two renames. Named
    // for this process and this call: two commands keeping them at once each stage
    // their own.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let staged = [&files.memory, &files.index].map(|file| {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        file.with_file_name(format!("{}{call}-{name}.tmp", crate::cache_file::temporary_prefix()))
    });
    let mut writer = match snapshot::Writer::new(&staged[0]) {
        Ok(writer) => writer,
        Err(e) => return unwritable(cannot_write(folder, &e)),
    };
    let mut builder = IndexBuilder::new();
    let (mut count, mut failed) = (0usize, None);
    // The sources to index, a wave at a time, normalised and tokenised on every core.
    type Source = (usize, String, Option<crate::timestamp::Timestamp>);
    let mut pending: Vec<Source> = Vec::new();
    let index = |builder: &mut IndexBuilder, pending: &mut Vec<Source>| {
        let normalized: Vec<(usize, std::borrow::Cow<'_, str>, _)> = pending
            .par_iter()
            .map(|(entry, source, changed)| (*entry, normalize(source), *changed))
            .collect();
        builder.add_normalized(&normalized);
        drop(normalized);
        pending.clear();
    };
    // A memory written again meanwhile (by another import) is not worth finishing:
    // nothing would be kept of it. Looked at once a wave, the rest is only read.
    let mut changed_meanwhile = false;
    for (number, file) in memory::csv_files(path)?.iter().enumerate() {
        let columns = memory::read_csv_each(file, number, &mut |entry| {
            if changed_meanwhile {
                return;
            }
            let (offered, changed) = (entry.is_offered(), entry.changed_at());
            if failed.is_none() {
                failed = writer.add(&entry).err();
            }
            if offered {
                pending.push((count, entry.source, changed));
                if pending.len() == WAVE {
                    index(&mut builder, &mut pending);
                    changed_meanwhile = memory::fingerprint(path).ok() != before;
                }
            }
            count += 1;
        })?;
        if failed.is_none() {
            failed = writer.file(file, &columns).err();
        }
    }
    if !changed_meanwhile {
        index(&mut builder, &mut pending);
    }
    let fingerprint = before.unwrap_or_default();
    if before.is_none() || memory::fingerprint(path).ok() != before || count == 0 {
        drop(writer);
        // A folder made for nothing is taken away again, and its state folder with it
        // when that is empty now.
        if made {
            let _ = std::fs::remove_dir_all(folder);
            if let Some(state) = folder.parent() {
                let _ = std::fs::remove_dir(state);
            }
        }
        return Ok(Kept::Unkept);
    }
    let written = match failed {
        Some(e) => Err(e),
        None => writer.finish(fingerprint),
    };
    if let Err(e) = written {
        let _ = std::fs::remove_file(&staged[0]);
        return unwritable(cannot_write(folder, &e));
    }
    let index = builder.finish_kept(fingerprint, count);
    let placed = keep(&staged[1], |file| index.write(file)).and_then(|()| {
        std::fs::rename(&staged[0], &files.memory)
            .and_then(|()| std::fs::rename(&staged[1], &files.index))
            .map_err(|e| cannot_write(folder, &e))
    });
    match placed {
        Ok(()) => {
            drop_changes(path, files, fingerprint);
            Ok(Kept::Built { instead_of })
        }
        Err(why) => {
            for file in &staged {
                let _ = std::fs::remove_file(file);
            }
            unwritable(why)
        }
    }
}

/// Removes the changes kept in `files` when they follow other kept files than those of
/// `fingerprint`, just kept: they are of no more use. Under the memory's lock, so that
/// no write keeps new changes meanwhile; when a writer holds it, they are left, as the
/// writer keeps its own.
fn drop_changes(path: &Path, files: &Files, fingerprint: u64) {
    let [map, own, own_index] = &files.changes;
    // Stale, or damaged: anything but changes that follow these files.
    let stale = || {
        Plan::kept_over(map) != Some(fingerprint)
            && files.changes.iter().any(|f| std::fs::symlink_metadata(f).is_ok())
    };
    if !stale() {
        return;
    }
    let options = crate::store::LockOptions { timeout: Some(Duration::ZERO), notify: &|_| {} };
    let Ok(_lock) = crate::store::lock_memory(&memory::write_path_for(path), &options) else { return };
    if stale() {
        // The map first: without it the others are never read.
        for file in [map, own, own_index] {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// Why the kept files were not opened: the file to blame and its damage, and the
/// kept memory when only the index failed.
struct Refused {
    file: PathBuf,
    damage: Damage,
    memory: Option<Box<Snapshot>>,
}

/// The kept memory and index in `files`, when both are whole and were made from the
/// memory at `path` whose fingerprint is `fingerprint`; no entry is read.
fn open_both(path: &Path, files: &Files, fingerprint: u64) -> Result<(Snapshot, Index), Refused> {
    let kept = open_kept(path, &files.memory, fingerprint).map_err(|damage| Refused {
        file: files.memory.clone(),
        damage,
        memory: None,
    })?;
    match Index::open(&files.index, fingerprint, kept.len()) {
        Ok(index) => Ok((kept, index)),
        Err(damage) => Err(Refused { file: files.index.clone(), damage, memory: Some(Box::new(kept)) }),
    }
}

/// The kept memory and index in `files` brought up to date with the changes kept
/// beside them, when these are of the memory at `path` as it is (`fingerprint`) and
/// follow the kept files; else, the kept files themselves as [`open_both`] gives them.
fn open_current(path: &Path, files: &Files, fingerprint: u64) -> Result<(KeptMemory, Index), Refused> {
    // The changes first: their map is small, and the kept files are checked once.
    match open_changes(path, files, fingerprint) {
        Ok(kept) => return Ok(kept),
        Err(Some(blamed)) => return Err(blamed),
        Err(None) => {}
    }
    let (base, index) = open_both(path, files, fingerprint)?;
    Ok((KeptMemory { base, changes: None }, index))
}

/// The kept files and the changes kept since, when these are of the memory at `path`
/// as it is (`fingerprint`) and follow the kept files. `Err(None)` when no changes of
/// the memory as it is are kept (or the kept files have moved on since); else the file
/// to blame, and why, when they are kept but cannot be used.
fn open_changes(
    path: &Path,
    files: &Files,
    fingerprint: u64,
) -> Result<(KeptMemory, Index), Option<Refused>> {
    let [map, own, own_index] = &files.changes;
    let blame = |file: &Path, damage| Some(Refused { file: file.to_path_buf(), damage, memory: None });
    let plan = match Plan::open(map, fingerprint) {
        Ok(plan) => plan,
        Err(Damage::Missing | Damage::Stale) => return Err(None),
        // Kept files of the memory as it is make any changes beside them moot.
        Err(_) if crate::cache_file::fingerprint_in(&files.memory) == Some(fingerprint) => return Err(None),
        Err(damage) => return Err(blame(map, damage)),
    };
    let (base, index) =
        open_both(path, files, plan.base_fingerprint).map_err(|refused| match refused.damage {
            Damage::Missing | Damage::Stale => None,
            damage => blame(&refused.file, damage),
        })?;
    if base.len() != plan.base_len {
        return Err(blame(map, Damage::Malformed("it follows a kept memory of another length")));
    }
    let entries = open_own(path, files, &plan, fingerprint).map_err(|damage| blame(own, damage))?;
    let newer = Index::open(own_index, fingerprint, plan.len()).map_err(|damage| blame(own_index, damage))?;
    let index = index.with_changes(newer, &plan.replaced, plan.at, plan.shift);
    Ok((KeptMemory { base, changes: Some((plan, entries)) }, index))
}

/// The entries of the changes kept in `files` by `plan`, read whole, when whole, of
/// the memory as it is (`fingerprint`), and as many as the plan numbers.
fn open_own(path: &Path, files: &Files, plan: &Plan, fingerprint: u64) -> Result<Memory, Damage> {
    let entries = open_kept(path, &files.changes[1], fingerprint)?.read()?;
    if entries.entries.len() != plan.numbers.len() {
        return Err(Damage::Malformed("its entries are not those its map numbers"));
    }
    Ok(entries)
}

/// Whether what is kept in `files` is the memory at `path` as it is now: the kept files
/// themselves, or the changes kept since, which follow them (by the headers of the
/// files, a map of changes checked whole). A command then need not wait for the files
/// to be kept again.
pub fn current(path: &Path, files: &Files) -> bool {
    let Ok(now) = memory::fingerprint(path) else { return false };
    let of = crate::cache_file::fingerprint_in;
    let kept_at = |fingerprint| [&files.memory, &files.index].iter().all(|f| of(f) == Some(fingerprint));
    if kept_at(now) {
        return true;
    }
    let Ok(plan) = Plan::open(&files.changes[0], now) else { return false };
    [&files.changes[1], &files.changes[2]].iter().all(|f| of(f) == Some(now))
        && kept_at(plan.base_fingerprint)
}

/// A memory as kept: its snapshot, and the changes since when writes followed it.
#[derive(Debug)]
pub struct KeptMemory {
    base: Snapshot,
    changes: Option<(Plan, Memory)>,
}

impl KeptMemory {
    /// The whole memory, read on every core.
    pub fn read(&self) -> Result<Memory, Damage> {
        self.read_blaming(|_, damage| damage)
    }

    /// [`KeptMemory::read`], its damage told by `blame(in_changes, damage)`: whether
    /// the changes kept since are to blame, not the kept memory.
    fn read_blaming<E>(&self, blame: impl Fn(bool, Damage) -> E) -> Result<Memory, E> {
        let base = self.base.read().map_err(|damage| blame(false, damage))?;
        match &self.changes {
            None => Ok(base),
            Some((plan, entries)) => {
                delta::apply(base, plan, entries.clone()).map_err(|damage| blame(true, damage))
            }
        }
    }

    /// How many entries the memory has, and how many are retired, counted without
    /// reading the entries whole.
    pub fn totals(&self) -> Result<Totals, Damage> {
        match &self.changes {
            None => Ok(Totals { entries: self.base.len(), retired: self.base.retired(|_| false)? }),
            Some((plan, own)) => {
                let kept = self.base.retired(|j| plan.is_replaced(j))?;
                let own = own.entries.iter().filter(|e| e.is_retired()).count();
                Ok(Totals { entries: plan.len(), retired: kept + own })
            }
        }
    }

    /// The sentences that may have competing translations, those with two or more
    /// translations in use (see [`Snapshot::shared_ids`]): reading every translation
    /// of each ([`KeptMemory::part`]) gives what [`Memory::conflicting`] finds in the
    /// whole memory.
    pub fn shared_ids(&self) -> Vec<SegmentId> {
        match &self.changes {
            None => self.base.shared_ids(|_| false, &HashMap::new()),
            Some((plan, own)) => {
                let mut more: HashMap<u64, usize> = HashMap::new();
                for e in own.entries.iter().filter(|e| e.is_offered()) {
                    *more.entry(SegmentId::of(&e.source).0).or_default() += 1;
                }
                self.base.shared_ids(|j| plan.is_replaced(j), &more)
            }
        }
    }

    /// See [`Snapshot::part`].
    pub fn part(
        &self,
        ids: &[SegmentId],
        numbers: impl IntoIterator<Item = usize>,
    ) -> Result<(Memory, Vec<usize>), Damage> {
        match &self.changes {
            None => self.base.part(ids, numbers),
            Some((plan, entries)) => delta::part(plan, entries, &self.base, ids, numbers),
        }
    }
}

/// The kept memory in `file`, its tables checked, if it was made from the memory at
/// `path` as it is (`fingerprint`).
fn open_kept(path: &Path, file: &Path, fingerprint: u64) -> Result<Snapshot, Damage> {
    Snapshot::new(Arrays::open_of(&snapshot::KIND, file, fingerprint)?, Some(path))
}

/// Why the memory kept was not read: the kept file to blame and its damage, or `None`
/// when there is nothing to say (not kept yet, or kept before the memory changed).
pub type Unused = Option<(PathBuf, Damage)>;

/// The memory at `path` as kept in `files`, read whole, when it is whole and was made
/// from the memory as it is now (followed by the changes kept since); otherwise why
/// not (the caller reads the CSV files).
pub fn read_kept(path: &Path, files: &Files) -> Result<Memory, Unused> {
    read_kept_as(path, files).map(|(memory, _)| memory)
}

/// What a memory kept was read from: the kept memory's fingerprint and length, the
/// changes since, and what the fingerprint saw of the memory's files then.
struct From {
    base_fingerprint: u64,
    base_len: usize,
    plan: Option<Plan>,
    seen: Vec<memory::Seen>,
}

/// [`read_kept`], with what it was read from.
fn read_kept_as(path: &Path, files: &Files) -> Result<(Memory, From), Unused> {
    let seen = memory::seen(path).map_err(|_| None)?;
    let before = memory::fingerprint_of(path, &seen);
    let kept = open_kept_memory(path, files, before)?;
    // Its entries are checked as they are read, each file blamed for its own.
    let memory = kept.read_blaming(|in_changes, damage| {
        let file = if in_changes { &files.changes[0] } else { &files.memory };
        Some((file.clone(), damage))
    })?;
    let base_len = kept.base.len();
    let plan = kept.changes.map(|(plan, _)| plan);
    let base_fingerprint = plan.as_ref().map_or(before, |p| p.base_fingerprint);
    let from = From { base_fingerprint, base_len, plan, seen };
    (memory::fingerprint(path).map_err(|_| None)? == before).then_some((memory, from)).ok_or(None)
}

/// The copy of a CSV memory kept in a project's `.tolk/cache/`, for a write to start
/// from and to follow ([`KeptCopy`]): after each write, the changes since the memory
/// was kept are kept beside it (the entries changed and added, their index, and where
/// the entries kept are now), so that the next command opens the memory as it is at
/// the cost of what changed, while the files are kept again in the background.
pub struct KeptCsv {
    path: PathBuf,
    files: Files,
    /// What the last [`KeptCopy::memory`] was read from.
    from: Mutex<Option<From>>,
    /// Where a write puts the keeping lock it takes ([`KeptCsv::holding`]).
    keeping: Option<Arc<Mutex<Option<std::fs::File>>>>,
}

impl KeptCsv {
    /// The copy of the memory at `path` kept in `files`.
    pub fn new(path: &Path, files: Files) -> KeptCsv {
        KeptCsv { path: path.to_path_buf(), files, from: Mutex::new(None), keeping: None }
    }

    /// Has a write take the lock of the files kept ([`try_keeping`]) before it puts
    /// its own in place, and leave it in `slot` for the command to hand to the tolk
    /// that keeps them again: a reader then never finds the memory written with
    /// neither its changes kept nor anyone keeping it. Left empty when another holds
    /// the lock.
    pub fn holding(mut self, slot: Arc<Mutex<Option<std::fs::File>>>) -> KeptCsv {
        self.keeping = Some(slot);
        self
    }
}

impl KeptCopy for KeptCsv {
    fn writing(&self) {
        if let Some(slot) = &self.keeping {
            let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
            if slot.is_none() {
                *slot = try_keeping(&self.files);
            }
        }
    }

    fn memory(&self) -> Result<Memory, Unused> {
        let (memory, from) = read_kept_as(&self.path, &self.files)?;
        *self.from.lock().unwrap_or_else(|e| e.into_inner()) = Some(from);
        Ok(memory)
    }

    fn written(&self, write: &Rewrite<'_>) {
        let Some(from) = self.from.lock().unwrap_or_else(|e| e.into_inner()).take() else { return };
        // The memory now must be the one read with only this write's files replaced, by
        // the files this write wrote: anything else (an edit at the same moment) is
        // left to the files kept again from the CSV.
        let Ok(now) = memory::seen(&self.path) else { return };
        let ours = |f: usize| write.files.iter().find(|w| w.0 == f).map(|w| w.2);
        let same = now.len() == from.seen.len()
            && now.iter().zip(&from.seen).enumerate().all(|(f, (now, then))| match ours(f) {
                Some(stamp) => now.stamp == stamp,
                None => now == then,
            });
        if !same {
            return;
        }
        let fingerprint = memory::fingerprint_of(&self.path, &now);
        let followed = delta::follow(from.base_fingerprint, from.base_len, from.plan.as_ref(), write);
        if let Ok((plan, entries)) = followed {
            let _ = keep_changes(fingerprint, &self.files, &plan, &entries);
        }
    }
}

/// Keeps `plan` and its `entries` in `files` as the changes to the memory since it was
/// kept: its entries and their index first, the plan last, each under `fingerprint`,
/// the memory's now, so that a reader finds all three of one write or passes them
/// over.
fn keep_changes(fingerprint: u64, files: &Files, plan: &Plan, entries: &Memory) -> Result<(), String> {
    let [map, own, own_index] = &files.changes;
    keep(own, |file| snapshot::write(entries, fingerprint, file))?;
    let mut builder = IndexBuilder::new();
    builder.add_offered(&entries.entries, |i| plan.numbers[i] as usize);
    let index = builder.finish_kept(fingerprint, plan.len());
    keep(own_index, |file| index.write(file))?;
    keep(map, |file| plan.write(fingerprint, file))
}

/// The memory at `path` as kept in `files` (followed by the changes kept since), when
/// it is whole and the memory as it is now, without reading any entry: for a command
/// about a few sentences ([`KeptMemory::part`]); otherwise why not ([`Unused`]).
pub fn open_memory(path: &Path, files: &Files) -> Result<KeptMemory, Unused> {
    let before = memory::fingerprint(path).map_err(|_| None)?;
    let kept = open_kept_memory(path, files, before)?;
    (memory::fingerprint(path).map_err(|_| None)? == before).then_some(kept).ok_or(None)
}

/// The memory at `path` as kept in `files`, without its index: the changes kept since
/// the kept memory they follow, when they are of the memory whose fingerprint is
/// `fingerprint`, else the kept memory itself when it is that memory (a keeper may have
/// kept it before it dropped the changes). No entry of the kept memory is read. When
/// neither opens, the changes' damage is said before the kept memory's: the changes
/// are what a reader of the memory as it is needed.
fn open_kept_memory(path: &Path, files: &Files, fingerprint: u64) -> Result<KeptMemory, Unused> {
    let [map, own, _] = &files.changes;
    fn blame(file: &Path) -> impl Fn(Damage) -> Unused + '_ {
        move |damage| match damage {
            Damage::Missing | Damage::Stale => None,
            damage => Some((file.to_path_buf(), damage)),
        }
    }
    let changes = || -> Result<KeptMemory, Unused> {
        let plan = Plan::open(map, fingerprint).map_err(blame(map))?;
        let base = open_kept(path, &files.memory, plan.base_fingerprint).map_err(blame(&files.memory))?;
        if base.len() != plan.base_len {
            let damage = Damage::Malformed("it follows a kept memory of another length");
            return Err(Some((map.clone(), damage)));
        }
        let entries = open_own(path, files, &plan, fingerprint).map_err(blame(own))?;
        Ok(KeptMemory { base, changes: Some((plan, entries)) })
    };
    let changes_unused = match changes() {
        Ok(kept) => return Ok(kept),
        Err(unused) => unused,
    };
    match open_kept(path, &files.memory, fingerprint) {
        Ok(base) => Ok(KeptMemory { base, changes: None }),
        Err(damage) => Err(changes_unused.or_else(|| blame(&files.memory)(damage))),
    }
}

/// The memory at `path` and its index as kept in `files`, when both are whole and were
/// made from the memory as it is now, without reading any entry: for a command that
/// needs a few ([`Entries::narrow`]). `None` when anything is missing, stale or
/// damaged: [`load`] then says why and makes them again.
pub fn open(path: &Path, files: &Files) -> Option<(Entries, Index)> {
    let before = memory::fingerprint(path).ok()?;
    let (kept, index) = open_current(path, files, before).ok()?;
    (memory::fingerprint(path).ok()? == before).then_some((Entries::Kept(kept), index))
}

/// The memory on a server and its index, kept in `files` between runs: opened as kept
/// when the server's revision and the write at it are the ones kept (one query);
/// brought up to date with only the entries written since, when an older revision of
/// the same memory is kept and the write it was kept at is still on the server as it
/// was; else read whole in one snapshot ([`Kept::Diverged`] when the server's history
/// does not continue the copy's: restored from a backup). What is made is kept with
/// its revision, in a third file beside the two (`<memory file>.rev`). `building` is
/// called, with the number of entries, just before an index is built.
pub fn load_server(
    store: &ServerStore,
    files: &Files,
    building: impl FnOnce(usize),
) -> crate::error::Result<(Memory, Index, Kept)> {
    let now = store.revision()?;
    let refused = match open_server(files, fingerprint(&now)) {
        Ok((kept, index)) => match kept.read() {
            Ok(memory) => return Ok((memory, index, Kept::Opened)),
            Err(damage) => Some((files.memory.clone(), damage)),
        },
        Err(refused) => Some((refused.file, refused.damage)),
    };
    let mut diverged = None;
    let fresh = match kept_server_memory(files) {
        Some((memory, at)) => match at.standing(&now) {
            Standing::Elsewhere => None,
            Standing::Diverged(d) => {
                diverged = Some(d);
                None
            }
            Standing::Current | Standing::Behind => match store.refresh(memory, at)? {
                Refreshed::Fresh(memory, revision) => Some((memory, revision)),
                Refreshed::Elsewhere => None,
                Refreshed::Diverged(d) => {
                    diverged = Some(d);
                    None
                }
            },
        },
        None => None,
    };
    let (memory, revision) = match fresh {
        Some(fresh) => fresh,
        None => store.snapshot_with_revision()?,
    };
    // Stale is the expected state of a server's cache after a write: no news.
    let instead_of = refused.filter(|(_, d)| !matches!(d, Damage::Missing | Damage::Stale));
    let fp = fingerprint(&revision);
    let mut unwritable = keep(&files.memory, |file| snapshot::write(&memory, fp, file)).err();
    building(memory.entries.len());
    let index = IndexBuilder::build_for(&memory, fp);
    if unwritable.is_none() {
        unwritable = keep(&files.index, |file| index.write(file)).err();
    }
    if unwritable.is_none() {
        unwritable =
            keep(&revision_file(files), |file| std::fs::write(file, write_revision(&revision))).err();
    }
    let kept = match (unwritable, diverged) {
        (Some(why), _) => Kept::Unwritable { instead_of, why },
        (None, Some(diverged)) => Kept::Diverged(diverged),
        (None, None) => Kept::Built { instead_of },
    };
    Ok((memory, index, kept))
}

/// The memory on a server and its index as kept in `files`, when they are of the
/// server's revision now (one query), without reading any entry: for a command that
/// needs a few ([`Entries::narrow`]). `None` when nothing whole is kept at that
/// revision ([`load_server`] then brings it up to date); an error when the server
/// cannot say its revision.
pub fn open_server_kept(
    store: &ServerStore,
    files: &Files,
) -> crate::error::Result<Option<(Entries, Index)>> {
    let now = store.revision()?;
    let kept = open_server(files, fingerprint(&now)).ok();
    Ok(kept.map(|(base, index)| (Entries::Kept(KeptMemory { base, changes: None }), index)))
}

/// The fingerprint a server's memory at revision `r` is kept with: a copy opens only
/// for the same write at the same revision, never for another history numbered alike.
fn fingerprint(r: &Revision) -> u64 {
    stable_hash(write_revision(r).as_bytes())
}

/// The copy of a server's memory kept in `files`, whatever its revision, with its index
/// and revision: for read-only commands while the server cannot be reached. `None`
/// when nothing whole is kept.
pub fn kept_server(files: &Files) -> Option<(Memory, Index, Revision)> {
    let revision = kept_revision(files)?;
    let (kept, index) = open_server(files, fingerprint(&revision)).ok()?;
    Some((kept.read().ok()?, index, revision))
}

/// The copy of a server's memory kept in `files` and its revision, without its index:
/// the base a write brings up to date ([`ServerStore::base`]), and the copy
/// [`load_server`] brings up to date.
pub fn kept_server_memory(files: &Files) -> Option<(Memory, Revision)> {
    let revision = kept_revision(files)?;
    Some((open_server_memory(files, fingerprint(&revision)).ok()?.read().ok()?, revision))
}

/// The kept memory of a server and its index, if both are whole and of the revision
/// whose fingerprint is `fingerprint`.
fn open_server(files: &Files, fingerprint: u64) -> Result<(Snapshot, Index), Refused> {
    let refuse = |file: &Path, damage| Refused { file: file.to_path_buf(), damage, memory: None };
    let kept = open_server_memory(files, fingerprint).map_err(|d| refuse(&files.memory, d))?;
    let index = Index::open(&files.index, fingerprint, kept.len()).map_err(|d| refuse(&files.index, d))?;
    Ok((kept, index))
}

/// The kept memory of a server, if whole and of the revision whose fingerprint is
/// `fingerprint`.
fn open_server_memory(files: &Files, fingerprint: u64) -> Result<Snapshot, Damage> {
    Snapshot::new(Arrays::open_of(&snapshot::KIND, &files.memory, fingerprint)?, None)
}

/// Where the revision of a server's kept copy is written: beside its memory file.
fn revision_file(files: &Files) -> PathBuf {
    files.memory.with_extension("rev")
}

/// The revision of the server's memory kept in `files`, if one is.
fn kept_revision(files: &Files) -> Option<Revision> {
    // Through the same check as every kept file: a FIFO there must not hang a read.
    let mut text = String::new();
    let file = crate::cache_file::open_kept(&revision_file(files)).ok()?;
    std::io::Read::read_to_string(&mut std::io::Read::take(file, 4096), &mut text).ok()?;
    parse_revision(&text)
}

/// A revision as kept beside a server's cache: `memory-high memory-low epoch rev`, then
/// the last write's `id entry state` (hashes in hex), or `-` for an empty memory.
fn write_revision(r: &Revision) -> String {
    let last = match &r.last {
        Some(w) => format!("{} {:x} {:x}", w.id, w.entry, w.state),
        None => "-".to_string(),
    };
    format!("{:x} {:x} {} {} {last}\n", r.memory.0, r.memory.1, r.epoch, r.rev)
}

/// A revision written by [`write_revision`]. One written before the last write was
/// kept is none: the copy is read again whole, once.
fn parse_revision(text: &str) -> Option<Revision> {
    let mut parts = text.split_whitespace();
    let high = u64::from_str_radix(parts.next()?, 16).ok()?;
    let low = u64::from_str_radix(parts.next()?, 16).ok()?;
    let epoch = parts.next()?.parse().ok()?;
    let rev = parts.next()?.parse().ok()?;
    let last = match parts.next()? {
        "-" => None,
        id => Some(LastWrite {
            id: id.parse().ok()?,
            entry: u64::from_str_radix(parts.next()?, 16).ok()?,
            state: u64::from_str_radix(parts.next()?, 16).ok()?,
        }),
    };
    parts.next().is_none().then_some(Revision { memory: (high, low), epoch, rev, last })
}

/// A memory as a command has it: read whole, or kept and read in part.
#[derive(Debug)]
pub enum Entries {
    Whole(Memory),
    Kept(KeptMemory),
}

impl Entries {
    /// A memory holding every entry `found` names and every translation of each of
    /// `texts`, so that exact and context lookups of `texts` answer as on the whole
    /// memory; `found` is renumbered to it. The whole memory, as it is, when it was read
    /// whole.
    pub fn narrow(&self, texts: &[&str], found: &mut [Vec<Match>]) -> Result<Cow<'_, Memory>, Damage> {
        self.narrow_with(texts, Vec::new(), found)
    }

    /// [`Entries::narrow`], holding also every translation of each sentence that may
    /// have competing translations, so that [`Memory::conflicting`] answers as on the
    /// whole memory; with the whole memory's [`Totals`]. For a report on the memory
    /// that reads only what it shows.
    pub fn narrow_reporting(
        &self,
        texts: &[&str],
        found: &mut [Vec<Match>],
    ) -> Result<(Cow<'_, Memory>, Totals), Damage> {
        match self {
            Entries::Whole(memory) => Ok((Cow::Borrowed(memory), Totals::of(memory))),
            Entries::Kept(kept) => {
                // Counted first: `found` is renumbered only once nothing can fail.
                let totals = kept.totals()?;
                Ok((self.narrow_with(texts, kept.shared_ids(), found)?, totals))
            }
        }
    }

    fn narrow_with(
        &self,
        texts: &[&str],
        mut ids: Vec<SegmentId>,
        found: &mut [Vec<Match>],
    ) -> Result<Cow<'_, Memory>, Damage> {
        match self {
            Entries::Whole(memory) => Ok(Cow::Borrowed(memory)),
            Entries::Kept(kept) => {
                let numbers = found.iter().flatten().map(|m| m.entry);
                ids.extend(texts.iter().map(|t| SegmentId::of(t)));
                let (memory, numbers) = kept.part(&ids, numbers.collect::<Vec<_>>())?;
                for m in found.iter_mut().flatten() {
                    m.entry = numbers.binary_search(&m.entry).unwrap_or_default();
                }
                Ok(Cow::Owned(memory))
            }
        }
    }
}

/// Writes `file` with `write`, making its folder (tagged as a cache, so backup tools
/// leave it out) when it is not there, and removing the temporary files a killed
/// command left there over an hour ago (a younger one may be another command's, at
/// work). An error says what is wrong in words, not as the operating system's debug
/// form.
fn keep(file: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) -> Result<(), String> {
    let folder = file.parent().unwrap_or(Path::new("."));
    prepare(folder)?;
    write(file).map_err(|e| match std::fs::symlink_metadata(file) {
        Ok(meta) if meta.is_dir() => format!("{} is a folder", crate::shown::path(file)),
        _ => cannot_write(folder, &e),
    })
}

/// Why nothing could be written in `folder`, in words.
fn cannot_write(folder: &Path, e: &std::io::Error) -> String {
    format!("cannot write in {}: {}", crate::shown::path(folder), e.kind())
}

/// Makes the cache `folder` when it is not there (see [`keep`]).
fn prepare(folder: &Path) -> Result<(), String> {
    let shown = crate::shown::path(folder);
    if let Err(e) = std::fs::create_dir_all(folder) {
        // The nearest of the folder and its parents that is there: when it is no
        // folder (a file, a link to nothing), that is what is wrong.
        let there = folder.ancestors().find(|a| std::fs::symlink_metadata(a).is_ok());
        return Err(match there {
            Some(a) if !a.is_dir() => format!("{} is not a folder", crate::shown::path(a)),
            _ => format!("cannot make {shown}: {}", e.kind()),
        });
    }
    let tag = folder.join("CACHEDIR.TAG");
    if std::fs::symlink_metadata(&tag).is_err() {
        // The tag of the Cache Directory Tagging Specification; losing a race to write
        // it is harmless.
        let _ = std::fs::write(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This folder holds tolk's caches, made again whenever they are missing.\n",
        );
    }
    remove_old_temporary_files(folder);
    Ok(())
}

/// Removes from `folder` the `.cache-*.tmp` files unchanged for an hour, and those
/// unchanged for five minutes that a process no longer running left (a killed keeper's
/// can hold gigabytes). A younger one may be another command's, at work (in another
/// container, whose processes this one cannot see, for all it knows).
fn remove_old_temporary_files(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    let now = std::time::SystemTime::now();
    let (hour_ago, minutes_ago) = (now - Duration::from_secs(3600), now - Duration::from_secs(300));
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(changed) = entry.metadata().ok().filter(|m| m.is_file()).and_then(|m| m.modified().ok())
        else {
            continue;
        };
        let left =
            changed < hour_ago || (changed < minutes_ago && crate::cache_file::left_by_the_dead(&name));
        if name.starts_with(".cache-") && name.ends_with(".tmp") && left {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_memory(path: &Path, rows: &[(&str, &str)]) {
        let mut text = String::from("source,target\n");
        for (s, t) in rows {
            text.push_str(&format!("{s},{t}\n"));
        }
        std::fs::write(path, text).unwrap();
    }

    fn load_at(memory: &Path, files: &Files) -> Kept {
        load(memory, Some(files), || Memory::load(memory), |_| {}).unwrap().2
    }

    #[test]
    fn a_kept_revision_reads_back_as_written_and_an_older_form_as_none() {
        let last = Some(LastWrite { id: 41, entry: 0xdead_beef, state: u64::MAX });
        for r in [
            Revision { memory: (u64::MAX, 7), epoch: 2, rev: 42, last },
            Revision { memory: (1, 2), epoch: 0, rev: 0, last: None },
        ] {
            assert_eq!(parse_revision(&write_revision(&r)), Some(r));
        }
        // Kept by a tolk that kept no last write: read again whole, once.
        assert_eq!(parse_revision("ff 7 2 42\n"), None);
        assert_eq!(parse_revision("ff 7 2 42 41 1\n"), None);
    }
    #[test]
    fn an_index_is_kept_reused_and_rebuilt_when_the_memory_changes() {
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("tm.csv");
        write_memory(&memory, &[("Hei.", "Hello.")]);
        let files = Files::new(&dir.path().join(".tolk"), &memory);
        assert!(matches!(load_at(&memory, &files), Kept::Built { instead_of: None }));
        assert!(files.index.is_file() && files.memory.is_file());
        assert!(matches!(load_at(&memory, &files), Kept::Opened));
        // A damaged index beside a whole memory: the index is built again from it.
        std::fs::write(&files.index, "").unwrap();
        assert!(matches!(
            load_at(&memory, &files),
            Kept::Built { instead_of: Some((_, Damage::Truncated { .. })) }
        ));
        assert!(matches!(load_at(&memory, &files), Kept::Opened));
        // A change by rename, as tolk writes, and one in place, as an editor does.
        let new = dir.path().join("new.csv");
        write_memory(&new, &[("Hei.", "Hi.")]);
        std::fs::rename(&new, &memory).unwrap();
        assert!(matches!(load_at(&memory, &files), Kept::Built { instead_of: Some((_, Damage::Stale)) }));
        let (m, index, _) = load(&memory, Some(&files), || Memory::load(&memory), |_| {}).unwrap();
        let found = index.searcher().search("Hei.", Default::default());
        assert_eq!(m.entries[found[0].entry].target, "Hi.");
        std::thread::sleep(std::time::Duration::from_millis(10));
        let mut text = std::fs::read_to_string(&memory).unwrap();
        text.push_str("Ha det.,Bye.\n");
        std::fs::write(&memory, text).unwrap();
        assert!(matches!(load_at(&memory, &files), Kept::Built { instead_of: Some((_, Damage::Stale)) }));
        let (m, _, kept) = load(&memory, Some(&files), || Memory::load(&memory), |_| {}).unwrap();
        assert!(matches!(kept, Kept::Opened));
        assert_eq!(m.entries, Memory::load(&memory).unwrap().entries);
    }

    #[test]
    fn a_place_that_cannot_be_written_keeps_the_index_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("tm.csv");
        write_memory(&memory, &[("Hei.", "Hello.")]);
        // `.tolk` is a file: nothing can be made under it, even by root.
        std::fs::write(dir.path().join(".tolk"), "").unwrap();
        let files = Files::new(&dir.path().join(".tolk"), &memory);
        let (_, index, kept) = load(&memory, Some(&files), || Memory::load(&memory), |_| {}).unwrap();
        let expected = format!("{} is not a folder", dir.path().join(".tolk").display());
        assert!(matches!(&kept, Kept::Unwritable { why, .. } if *why == expected), "{kept:?}");
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn a_kept_memory_read_in_part_answers_as_the_whole() {
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("tm.csv");
        std::fs::write(
            &memory,
            "source,target,changed,retired,prev,next\n\
             Ha det.,Bye.,2026-01-01,,,\n\
             Hei.,Hello.,2026-01-01,,,\n\
             Ha  det.,Goodbye.,2026-02-01,,,\n\
             Ha det.,So long.,2026-03-01,2026-03-02,,\n\
             Ha det.,See you.,2026-01-01,,Hei.,\n\
             Hei på deg.,Hi there.,2026-01-01,,,\n",
        )
        .unwrap();
        let files = Files::new(&dir.path().join(".tolk"), &memory);
        assert!(open(&memory, &files).is_none(), "nothing is kept yet");
        let (whole, _, _) = load(&memory, Some(&files), || Memory::load(&memory), |_| {}).unwrap();
        let (entries, index) = open(&memory, &files).expect("kept now");
        let mut found = vec![index.searcher().search("Hei på deg!", Default::default())];
        let before: Vec<String> = found[0].iter().map(|m| whole.entries[m.entry].target.clone()).collect();
        let part = entries.narrow(&["Ha det."], &mut found).unwrap();
        let after: Vec<String> = found[0].iter().map(|m| part.entries[m.entry].target.clone()).collect();
        assert_eq!(after, before);
        assert!(part.entries.len() < whole.entries.len());
        assert_eq!(part.exact("Ha det.").map(|e| &e.target), whole.exact("Ha det.").map(|e| &e.target));
        let context = |m: &Memory| m.in_context("Ha det.", Some("Hei."), None).map(|e| e.target.clone());
        assert_eq!(context(&part), Some("See you.".to_string()));
        assert_eq!(context(&part), context(&whole));
        let history = |m: &Memory| -> Vec<String> {
            m.history("Ha det.").iter().map(|&i| m.entries[i].target.clone()).collect()
        };
        assert_eq!(history(&part), history(&whole));
    }

    #[test]
    fn a_memory_kept_entry_by_entry_is_the_memory_kept_whole() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("memory");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(
            folder.join("a.csv"),
            "source,target,changed,retired,Kunde\nHei.,Hello.,2026-01-01,,Lyse\nHa det.,,,,\nHa det.,Bye.,,2026-02-01,\n",
        )
        .unwrap();
        std::fs::write(folder.join("b.csv"), "target,source\nHi there.,Hei på deg.\n").unwrap();
        let (streamed, whole) = (dir.path().join("s"), dir.path().join("w"));
        let files = |state: &Path| Files::new(state, &folder);
        assert!(matches!(make(&folder, &files(&streamed), || {}).unwrap(), Kept::Built { instead_of: None }));
        assert!(matches!(make(&folder, &files(&streamed), || {}).unwrap(), Kept::Opened));
        load(&folder, Some(&files(&whole)), || Memory::load(&folder), |_| {}).unwrap();
        // The same bytes, whichever way they were made.
        for (a, b) in
            [(files(&streamed).memory, files(&whole).memory), (files(&streamed).index, files(&whole).index)]
        {
            assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(), "{} differs", a.display());
        }
        // A memory that cannot be read is the loader's error, and nothing is kept.
        std::fs::write(folder.join("c.csv"), "source\nHei.\n").unwrap();
        let error = make(&folder, &files(&dir.path().join("e")), || {}).unwrap_err().to_string();
        assert!(error.contains("no `target` column"), "{error}");
        assert!(!files(&dir.path().join("e")).index.exists());
    }

    #[test]
    fn damaged_changes_are_passed_over_and_the_memory_read_again() {
        use crate::memory::{CsvStore, MemoryStore, Update};
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("tm.csv");
        write_memory(&memory, &[("Hei.", "Hello."), ("Ha det.", "Bye.")]);
        let files = Files::new(&dir.path().join(".tolk"), &memory);
        type Harm = fn(&mut Vec<u8>);
        let damages: [Harm; 4] = [
            |b| b.truncate(b.len() / 2),
            |b| {
                let at = b.len() - 3;
                b[at] ^= 0x10
            },
            |b| b[8] = b[8].wrapping_add(1),
            |b| b.clear(),
        ];
        for (n, file) in files.changes.iter().enumerate() {
            for (d, damage) in damages.iter().enumerate() {
                // The memory kept, then a write that keeps its changes.
                assert!(matches!(load_at(&memory, &files), Kept::Opened | Kept::Built { .. }));
                let source = format!("Setning {n} {d}.");
                let entry = memory::Entry {
                    source: source.clone(),
                    target: "A sentence.".into(),
                    ..Default::default()
                };
                let store = CsvStore::new(&memory).kept(KeptCsv::new(&memory, files.clone()));
                store
                    .update(&mut |_| Ok(Update { add: vec![entry.clone()], changes: Vec::new() }), false)
                    .unwrap();
                assert!(open(&memory, &files).is_some(), "the changes were not kept");
                let mut bytes = std::fs::read(file).unwrap();
                damage(&mut bytes);
                std::fs::write(file, bytes).unwrap();
                assert!(open(&memory, &files).is_none(), "{} damaged ({d}) was used", file.display());
                // A write needs no index: only a damaged map or entries keep it from them.
                match read_kept(&memory, &files) {
                    Ok(kept) => assert!(n == 2 && kept.entries == Memory::load(&memory).unwrap().entries),
                    Err(_) => assert!(n != 2),
                }
                let (m, index, kept) = load(&memory, Some(&files), || Memory::load(&memory), |_| {}).unwrap();
                // The file to blame is named, with its damage.
                match &kept {
                    Kept::Built { instead_of: Some((blamed, damage)) } => {
                        assert_eq!(blamed, file);
                        assert!(!matches!(damage, Damage::Stale | Damage::Missing), "{damage:?}");
                    }
                    kept => panic!("{kept:?}"),
                }
                assert_eq!(m.entries, Memory::load(&memory).unwrap().entries);
                let found = index.searcher().search(&source, Default::default());
                assert_eq!(m.entries[found[0].entry].source, source);
                // Made again once: the damaged changes are gone, and the next opens.
                assert!(files.changes.iter().all(|f| !f.exists()), "damaged changes left");
                assert!(matches!(load_at(&memory, &files), Kept::Opened));
            }
        }
    }

    #[test]
    fn temporary_files_a_killed_command_left_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("cache");
        std::fs::create_dir(&folder).unwrap();
        // A process that has ended, and this one, at work.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let ten_minutes_ago = std::time::SystemTime::now() - Duration::from_secs(600);
        let mut left = Vec::new();
        for (name, when) in [
            (format!(".cache-{dead}-0-memory.tmp"), Some(ten_minutes_ago)),
            (format!(".cache-{dead}-1-index.tmp"), None),
            (format!("{}2-memory.tmp", crate::cache_file::temporary_prefix()), Some(ten_minutes_ago)),
            (".cache-AbCdEf.tmp".to_string(), Some(ten_minutes_ago)),
        ] {
            let file = std::fs::File::create(folder.join(&name)).unwrap();
            if let Some(when) = when {
                file.set_modified(when).unwrap();
            }
            left.push(name);
        }
        prepare(&folder).unwrap();
        let there = |name: &String| folder.join(name).exists();
        assert!(!there(&left[0]), "a dead process's file, unchanged for ten minutes, was left");
        assert!(there(&left[1]), "a file changed just now was removed");
        assert!(
            there(&left[2]) && there(&left[3]),
            "a file of a live process, or of none known, was removed"
        );
    }

    #[test]
    fn readers_wait_for_a_keeper_a_bounded_time() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::new(&dir.path().join(".tolk"), &dir.path().join("memory"));
        // No keeper ever: nothing to wait for, and nothing made by looking.
        assert!(wait_for_keeping(&files, Duration::ZERO, || panic!("waited for nobody"), || false));
        assert!(!dir.path().join(".tolk").exists());
        let held = try_keeping(&files).expect("the lock is free");
        assert!(try_keeping(&files).is_none(), "two keepers at once");
        assert!(keeping(&files, Duration::from_millis(50)).is_none(), "a second keeper did not wait");
        let mut waited = false;
        assert!(!wait_for_keeping(&files, Duration::from_millis(50), || waited = true, || false));
        assert!(waited);
        drop(held);
        assert!(wait_for_keeping(&files, Duration::ZERO, || panic!("waited for a keeper gone"), || false));
        assert!(keeping(&files, Duration::ZERO).is_some());
    }

    #[test]
    fn each_memory_has_its_own_file() {
        let state = Path::new("/p/.tolk");
        let (a, b) =
            (Files::new(state, Path::new("/p/memory")), Files::new(state, Path::new("/p/other.csv")));
        assert_ne!(a.index, b.index);
        assert_ne!(a.memory, b.memory);
        assert!(a.index.starts_with("/p/.tolk/cache") && a.memory.starts_with("/p/.tolk/cache"));
    }
}

#[cfg(test)]
/// Changes kept by writes, against the CSV files: unusual places for the block of
/// entries added, damage a checksum does not see, edits at the moment of a write, and
/// commands keeping the files at once.
mod changes {
    use super::*;
    use crate::index::SearchOptions;
    use crate::memory::{Change, CsvStore, Entry, KeptCopy, MemoryStore, Rewrite, Update};
    use crate::timestamp::Timestamp;

    fn e(s: &str, t: &str) -> Entry {
        Entry { source: s.into(), target: t.into(), ..Entry::default() }
    }

    fn setup(names: &[(&str, &str)], single: bool) -> (tempfile::TempDir, PathBuf, Files) {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("memory");
        std::fs::create_dir(&folder).unwrap();
        for (name, text) in names {
            std::fs::write(folder.join(name), text).unwrap();
        }
        let memory = if single { folder.join(names[0].0) } else { folder };
        let files = Files::new(&dir.path().join(".tolk"), &memory);
        assert!(matches!(make(&memory, &files, || {}).unwrap(), Kept::Built { .. }));
        (dir, memory, files)
    }

    fn by_source(m: &Memory, s: &str) -> usize {
        m.entries.iter().position(|e| e.source == s).unwrap_or_else(|| panic!("no {s}"))
    }

    fn write(memory: &Path, files: &Files, add: Vec<Entry>, change: &dyn Fn(&Memory) -> Vec<Change>) {
        let store = CsvStore::new(memory).kept(KeptCsv::new(memory, files.clone()));
        store.update(&mut |m| Ok(Update { add: add.clone(), changes: change(m) }), false).unwrap();
    }

    fn check(memory: &Path, files: &Files, what: &str) {
        let read = Memory::load(memory).unwrap();
        let kept = read_kept(memory, files).unwrap_or_else(|_| panic!("{what}: no changes kept"));
        assert_eq!(kept.entries, read.entries, "{what}: entries");
        assert_eq!(kept.columns(), read.columns(), "{what}: columns");
        let (entries, index) = open(memory, files).expect("opened");
        let built = IndexBuilder::build(&read);
        assert_eq!(index.len(), built.len(), "{what}: len");
        let mut queries: Vec<String> = read.entries.iter().map(|e| e.source.clone()).collect();
        queries.push("Hei".into());
        for q in &queries {
            for (min_score, top) in [(50, 1), (1, 3), (0, 10)] {
                let options = SearchOptions { min_score, top };
                let found = index.searcher().search(q, options);
                assert_eq!(found, built.searcher().search(q, options), "{what}: {q}");
                let mut numbered = vec![found.clone()];
                let part = entries.narrow(&[q], &mut numbered).unwrap();
                for (a, b) in numbered[0].iter().zip(&found) {
                    assert_eq!(part.entries[a.entry], read.entries[b.entry], "{what}: part {q}");
                }
                let h = |m: &Memory| m.history(q).iter().map(|&i| m.entries[i].clone()).collect::<Vec<_>>();
                assert_eq!(h(&part), h(&read), "{what}: history {q}");
            }
        }
    }

    /// A keeper has kept the memory whole, and the changes a write kept before are still
    /// beside it (it could not take the memory's lock to drop them): the whole kept
    /// memory is the memory as it is, and is read.
    #[test]
    fn changes_left_beside_the_memory_kept_whole_again_are_passed_over() {
        let (_d, memory, files) = setup(&[("nb-en.csv", "source,target\nJa.,Yes.\nNei.,No.\n")], false);
        write(&memory, &files, vec![e("Takk.", "Thanks.")], &|_| vec![]);
        let changes: Vec<Vec<u8>> = files.changes.iter().map(|f| std::fs::read(f).unwrap()).collect();
        assert!(matches!(make(&memory, &files, || {}).unwrap(), Kept::Built { .. }));
        assert!(files.changes.iter().all(|f| !f.exists()), "dropped once kept whole");
        for (file, bytes) in files.changes.iter().zip(&changes) {
            std::fs::write(file, bytes).unwrap();
        }
        let read = Memory::load(&memory).unwrap();
        assert_eq!(read_kept(&memory, &files).expect("read whole").entries, read.entries);
        let kept = open_memory(&memory, &files).expect("opened");
        assert!(kept.changes.is_none(), "the changes, which follow the kept memory before, are not used");
        // Damaged changes beside it say nothing either: the memory kept whole is the one.
        let mut bytes = changes[0].clone();
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        std::fs::write(&files.changes[0], bytes).unwrap();
        assert_eq!(read_kept(&memory, &files).expect("read whole").entries, read.entries);
        // With the memory kept whole damaged too, the changes are blamed: they were what
        // the memory as it is needed.
        let mut bytes = std::fs::read(&files.memory).unwrap();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&files.memory, bytes).unwrap();
        let blamed = read_kept(&memory, &files).err().flatten().expect("a file blamed");
        assert_eq!(blamed.0, files.changes[0]);
    }

    #[test]
    fn the_block_added_may_be_followed_by_other_files() {
        let at = Timestamp::parse("2026-11-30T06:15:00Z").unwrap();
        let (_d, memory, files) = setup(
            &[
                ("a.csv", "source;target\n\nHei.;Hello.\nHa det.;Bye.\n"),
                ("nb-en.csv", "source,target\nJa.,Yes.\n"),
                ("z.csv", "source,target,Kunde\n\nNei.,No.,Lyse\n\nKanskje.,Maybe.,\nHei.,Hi.,\n"),
            ],
            false,
        );
        write(&memory, &files, vec![e("Takk.", "Thanks."), e("Hei.", "Hey.")], &|m| {
            vec![Change::Retire { entry: by_source(m, "Nei."), at, by: None }]
        });
        check(&memory, &files, "w1");
        let mut please = e("Vær så snill.", "Please.");
        please.extra = vec![("Kunde".into(), "Lyse".into())];
        write(&memory, &files, vec![please], &|m| {
            vec![
                Change::Retire { entry: by_source(m, "Takk."), at, by: None },
                Change::Restore { entry: by_source(m, "Nei."), changed: Some(at) },
                Change::Retire { entry: by_source(m, "Kanskje."), at, by: None },
            ]
        });
        check(&memory, &files, "w2");
        write(&memory, &files, vec![], &|m| {
            vec![Change::Retire { entry: by_source(m, "Ha det."), at, by: None }]
        });
        check(&memory, &files, "w3");
        write(&memory, &files, vec![e("Ha det.", "Bye now.")], &|_| vec![]);
        check(&memory, &files, "w4");
    }

    #[test]
    fn a_memory_of_one_file_whose_first_write_only_retires() {
        let at = Timestamp::parse("2026-11-30T06:15:00Z").unwrap();
        let (_d, memory, files) =
            setup(&[("tm.csv", "source,target\n\nHei.,Hello.\n\nHa det.,Bye.\nHei.,Hi.\n")], true);
        write(&memory, &files, vec![], &|m| {
            vec![Change::Retire { entry: by_source(m, "Ha det."), at, by: None }]
        });
        check(&memory, &files, "w1");
        write(&memory, &files, vec![e("Ha det.", "See you."), e("Takk.", "Thanks.")], &|m| {
            vec![Change::Restore { entry: by_source(m, "Ha det."), changed: None }]
        });
        check(&memory, &files, "w2");
        write(&memory, &files, vec![e("Nei.", "No.")], &|m| {
            vec![Change::Retire { entry: by_source(m, "Takk."), at, by: None }]
        });
        check(&memory, &files, "w3");
    }

    /// A changes snapshot made to pass its checksum with fewer entries than the map
    /// names is refused, never read past its end.
    #[test]
    fn changes_short_of_their_entries_are_refused() {
        let (_d, memory, files) = setup(
            &[("a.csv", "source,target\nHei.,Hello.\n"), ("nb-en.csv", "source,target\nJa.,Yes.\n")],
            false,
        );
        write(&memory, &files, vec![e("Takk.", "Thanks."), e("Nei.", "No.")], &|_| vec![]);
        let fp = memory::fingerprint(&memory).unwrap();
        let own = open_kept(&memory, &files.changes[1], fp).unwrap().read().unwrap();
        let short = Memory::from_files(own.files().to_vec(), own.entries[..1].to_vec());
        snapshot::write(&short, fp, &files.changes[1]).unwrap();
        assert!(open(&memory, &files).is_none(), "changes short of their entries were opened");
        assert!(read_kept(&memory, &files).is_err());
    }

    /// Someone saves a memory file, this write's or another, between tolk's rename and
    /// the changes being kept.
    struct Meddled(KeptCsv, PathBuf);
    impl KeptCopy for Meddled {
        fn memory(&self) -> Result<Memory, Unused> {
            self.0.memory()
        }
        fn written(&self, w: &Rewrite<'_>) {
            let mut t = std::fs::read_to_string(&self.1).unwrap();
            t.push_str("Hånd.,By hand.\n");
            std::fs::write(&self.1, t).unwrap();
            self.0.written(w)
        }
    }

    #[test]
    fn an_edit_at_the_moment_of_a_write_is_never_taken_for_it() {
        for edited in ["a.csv", "nb-en.csv"] {
            let (_d, memory, files) = setup(
                &[("a.csv", "source,target\nHei.,Hello.\n"), ("nb-en.csv", "source,target\nJa.,Yes.\n")],
                false,
            );
            let meddled = Meddled(KeptCsv::new(&memory, files.clone()), memory.join(edited));
            let store = CsvStore::new(&memory).kept(meddled);
            store
                .update(&mut |_| Ok(Update { add: vec![e("Takk.", "Thanks.")], changes: vec![] }), false)
                .unwrap();
            assert_eq!(Memory::load(&memory).unwrap().entries.len(), 4, "{edited}");
            assert!(
                read_kept(&memory, &files).is_err(),
                "changes kept for a memory edited meanwhile ({edited})"
            );
            // Nothing kept is used: the memory is read and indexed again.
            let (m, _, kept) = load(&memory, Some(&files), || Memory::load(&memory), |_| {}).unwrap();
            assert!(matches!(kept, Kept::Built { .. }), "{kept:?}");
            assert_eq!(m.entries.len(), 4);
        }
    }

    /// Commands keeping the files at once (readers on a fresh project, or a reader and
    /// the keeper) each stage their own and never fail one another.
    #[test]
    fn commands_keeping_the_files_at_once_all_keep_them() {
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("tm.csv");
        let mut text = String::from("source,target\n");
        for i in 0..5000 {
            text.push_str(&format!("Setning nummer {i} er her.,Sentence {i}.\n"));
        }
        std::fs::write(&memory, text).unwrap();
        let files = Files::new(&dir.path().join(".tolk"), &memory);
        let mut bad = Vec::new();
        for round in 0..6 {
            let _ = std::fs::remove_file(&files.memory);
            let _ = std::fs::remove_file(&files.index);
            let kept: Vec<Kept> = std::thread::scope(|s| {
                let hs: Vec<_> = (0..4).map(|_| s.spawn(|| make(&memory, &files, || {}).unwrap())).collect();
                hs.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for k in kept {
                if !matches!(k, Kept::Built { .. } | Kept::Opened) {
                    bad.push(format!("{round}: {k:?}"));
                }
            }
            if open(&memory, &files).is_none() {
                bad.push(format!("{round}: not opened after"));
            }
        }
        assert!(bad.is_empty(), "{bad:?}");
    }
}
