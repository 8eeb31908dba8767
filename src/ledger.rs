//! The record of exported batches: which sentences went out, when, to whom, in which
//! file, and whether the file came back.
//!
//! Each `tolk export` writes one record, `.tolk/batches/<id>.json` in the project (one
//! file per batch, made with `create_new`, so two exports at once never write the same
//! record and a team can keep the folder in git without merge conflicts). A record
//! keeps every exported sentence's id, text, words and places: `export` leaves out
//! what is still out in an open batch, `import` finds the batch a file belongs to and
//! closes it, `status` tells what is translated, out and missing, and a sentence the
//! editor changed after export can still be imported against the record
//! (`import --from-batch`). Whether a sentence came back is not stored: it is read
//! from the memory (it has a translation), so it stays true whichever way the
//! translation arrived.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Place, Result};
use crate::text::SegmentId;
use crate::timestamp::Timestamp;

/// The ledger's folder inside the project's state folder.
pub const DIR: &str = "batches";

/// One exported batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRecord {
    /// Its id, `b`, the time it was exported and the four random hex digits of the
    /// clone or copy of the project that exported it (`b20261130-061500-3f9a`), then
    /// `-2`, `-3` for more in the same second. (Records made before the digits have
    /// none.)
    pub id: String,
    /// The batch file as written (`-` for stdout).
    pub file: String,
    /// Its format's name (`xlsx`, `csv`, `xliff`).
    pub format: String,
    /// When it was exported, ISO 8601.
    pub exported: String,
    /// Who it is for (`export --for`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translator: Option<String>,
    /// Whether `export --prefill` put each sentence's suggestion in its target: a
    /// target of its file still the suggestion was never changed (see
    /// [`crate::import::ImportRow::prefilled`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prefilled: bool,
    /// The sentences in it, in batch order.
    pub segments: Vec<Sent>,
    /// When its file came back through `import`, and from which file; an open batch
    /// has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<Returned>,
    /// When it was withdrawn (`tolk withdraw`: its file will not come back), ISO 8601;
    /// an open batch has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
}

/// A sentence as it went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// Its id (`s` and 16 hex digits).
    pub id: String,
    /// The sentence as exported.
    pub source: String,
    /// Its words.
    pub words: usize,
    /// Where it occurred, `document:line`, the first few.
    pub places: Vec<String>,
}

impl Sent {
    /// Its id as recorded, and the id of its sentence as tolk finds it now where that
    /// differs: a sentence's id is the hash of its normalised text, and a change of
    /// what normalising leaves out (invisible characters, say) changes it for the
    /// sentences that hold such text; the batch's file still says the recorded one.
    pub fn ids(&self) -> impl Iterator<Item = SegmentId> {
        let recorded = SegmentId::parse(&self.id);
        let now = SegmentId::of(&self.source);
        recorded.into_iter().chain((recorded != Some(now)).then_some(now))
    }
}

/// When a batch came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returned {
    /// When, ISO 8601.
    pub at: String,
    /// The file imported.
    pub file: String,
}

impl BatchRecord {
    /// Whether its file has not come back yet, nor was it withdrawn.
    pub fn is_open(&self) -> bool {
        self.returned.is_none() && self.withdrawn.is_none()
    }

    /// Whether its file has not come back yet: open, or withdrawn (a file that comes
    /// back after all is still its own).
    pub fn is_awaited(&self) -> bool {
        self.returned.is_none()
    }

    /// "returned <time>", "withdrawn <time>" or "open".
    pub fn state(&self) -> String {
        match (&self.returned, &self.withdrawn) {
            (Some(r), _) => format!("returned {}", r.at),
            (None, Some(at)) => format!("withdrawn {at}"),
            (None, None) => "open".into(),
        }
    }

    /// Its sentences' ids: as recorded (the batch's file has them) and, where tolk now
    /// finds another id for the same sentence, that one too ([`Sent::ids`]).
    pub fn ids(&self) -> impl Iterator<Item = SegmentId> + '_ {
        self.segments.iter().flat_map(Sent::ids)
    }

    /// "b2026… (for Kari)" or "b2026…".
    pub fn describe(&self) -> String {
        match &self.translator {
            Some(t) => format!("{} (for {t})", self.id),
            None => self.id.clone(),
        }
    }
}

/// Every batch of a project.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Where the records are.
    dir: PathBuf,
    /// The records, oldest first.
    pub batches: Vec<BatchRecord>,
}

impl Ledger {
    /// Waits for, then holds, the ledger's lock (`.lock` in its folder, made if need
    /// be) until the file returned is dropped: an export holds it from reading what is
    /// out to recording its batch, so two exports at once never send the same
    /// sentences to two translators. `None` where the folder cannot be written (a
    /// read-only project, which cannot record a batch either).
    ///
    /// `waiting` is called once if another holds it, before waiting.
    pub fn lock(state: &Path, waiting: impl FnOnce()) -> Option<std::fs::File> {
        let dir = state.join(DIR);
        std::fs::create_dir_all(&dir).ok()?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(".lock"))
            .ok()?;
        if let Err(std::fs::TryLockError::WouldBlock) = file.try_lock() {
            waiting();
            file.lock().ok()?;
        }
        Some(file)
    }

    /// The ledger in the project state folder `state`: every record, oldest first. A
    /// folder that does not exist is an empty ledger; a damaged record is an error
    /// naming the file and line.
    pub fn open(state: &Path) -> Result<Ledger> {
        let dir = state.join(DIR);
        let mut ledger = Ledger { dir: dir.clone(), batches: Vec::new() };
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ledger),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&dir, e))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".json") && !name.starts_with('.') {
                files.push(path);
            }
        }
        files.sort();
        for path in files {
            let size = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?.len();
            if size > MAX_RECORD as u64 {
                return Err(Error::TooLarge {
                    path,
                    what: "the record of a batch".into(),
                    limit: MAX_RECORD,
                });
            }
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let record: BatchRecord = serde_json::from_slice(&bytes).map_err(|e| {
                Error::at(
                    &path,
                    Place::Line { line: e.line() as u64, byte: None },
                    format!(
                        "the record of a batch is damaged ({e}); restore it (from git, say) or remove it, \
                         and that batch is no longer tracked"
                    ),
                )
            })?;
            // The file's name is the record's id: a record copied under another name, or
            // one whose id says otherwise, is never written back anywhere else.
            let mut record = record;
            record.id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            ledger.batches.push(record);
        }
        ledger.batches.sort_by(|a, b| (&a.exported, &a.id).cmp(&(&b.exported, &b.id)));
        Ok(ledger)
    }

    /// A new batch id for a batch exported at `at` (`b` and the time, with `-2`, `-3`
    /// after a batch of the same second): one no batch has.
    pub fn new_id(&self, at: Timestamp) -> String {
        self.ids(at).find(|id| !self.dir.join(Self::reservation(id)).exists()).expect("some number is free")
    }

    /// The ids a batch exported at `at` may take, in order, that no batch has: the
    /// time and this copy's four random hex digits ([`Ledger::clone_tag`]), so that two
    /// clones or copies of a project (a team keeping `.tolk/batches/` in git) exporting
    /// in the same second make two records, not one file each that git then merges into
    /// a conflict, or one batch closing the other's.
    fn ids(&self, at: Timestamp) -> impl Iterator<Item = String> + '_ {
        let stamp = at.tmx();
        let base = format!("b{}-{}-{}", &stamp[..8], &stamp[9..15], self.clone_tag());
        (1u32..).map(move |n| if n == 1 { base.clone() } else { format!("{base}-{n}") }).filter(|id| {
            !self.batches.iter().any(|b| b.id == *id) && !self.dir.join(format!("{id}.json")).exists()
        })
    }

    /// Four hex digits drawn at random once for this copy of the project and kept in
    /// `.tolk/cache/clone-id`, which git does not track, beside where the copy is
    /// ([`Ledger::whereabouts`]): batches exported in the same second in two clones or
    /// copies differ by them, and those of one copy keep their order (`-2`, `-3` after
    /// the first of a second). A copy of the project (`cp -a`, a backup restored, the
    /// folder moved) has the tag kept with another place, and draws its own; a tag kept
    /// without a place (by an older tolk) is drawn again too. A tag that cannot be kept
    /// is drawn again the next time, which only changes the digits.
    fn clone_tag(&self) -> String {
        use std::hash::BuildHasher;
        let Some(state) = self.dir.parent() else { return "0000".into() };
        let path = state.join(crate::index::cache::FOLDER).join("clone-id");
        let here = Self::whereabouts(state);
        // A tag as kept: four hex digits, then the place it was drawn for.
        let kept = std::fs::read_to_string(&path).ok().and_then(|text| {
            let mut lines = text.lines().map(str::trim);
            let tag = lines.next().filter(|t| t.len() == 4 && t.bytes().all(|b| b.is_ascii_hexdigit()))?;
            (lines.next() == Some(here.as_str())).then(|| tag.to_ascii_lowercase())
        });
        if let Some(tag) = kept {
            return tag;
        }
        // std's per-process random keys: no dependency for four hex digits.
        let random = std::hash::RandomState::new().hash_one((&path, &here)) as u16;
        let tag = format!("{random:04x}");
        // Put in place whole, replacing another place's: a command reading it at the
        // same time reads the old tag or this one. Two commands drawing at once each
        // use their own, and the ids stay unique by the ledger's reservations.
        if std::fs::create_dir_all(path.parent().unwrap_or(state)).is_ok() {
            let _ = crate::store::write_atomic(&path, format!("{tag}\n{here}\n").as_bytes());
        }
        tag
    }

    /// Where the project's state folder `state` is, as a line of text: its absolute
    /// path and, on Unix, its device and file number, which a copy gets anew even at
    /// the same path (on another machine, or after the original was moved away).
    fn whereabouts(state: &Path) -> String {
        let path = std::fs::canonicalize(state)
            .or_else(|_| std::path::absolute(state))
            .unwrap_or_else(|_| state.to_path_buf());
        #[cfg(unix)]
        if let Ok(meta) = std::fs::metadata(&path) {
            use std::os::unix::fs::MetadataExt as _;
            return format!("{}:{} {path:?}", meta.dev(), meta.ino());
        }
        format!("{path:?}")
    }

    /// The file that holds the id `id` for an export until its batch is recorded.
    fn reservation(id: &str) -> String {
        format!(".{id}.reserved")
    }

    /// A new batch id, as [`Ledger::new_id`], held for this export alone (a file made
    /// only if no other has it) until [`Ledger::record`] records the batch under it: an
    /// export makes it before it writes the batch, which carries it where its format
    /// can, and two exports never take the same one, even where the ledger's lock
    /// ([`Ledger::lock`]) cannot be held.
    pub fn reserve_id(&self, at: Timestamp) -> Result<String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::write(&self.dir, e))?;
        for id in self.ids(at).take(10_000) {
            let path = self.dir.join(Self::reservation(&id));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    // Who holds it, so that the next export can tell one an interrupted
                    // export left (its process gone) from one still being written.
                    let _ = std::io::Write::write_all(&mut file, holder_line().as_bytes());
                    return Ok(id);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::write(&path, e)),
            }
        }
        Err(Error::Invalid(format!("no batch id is free for {at}")))
    }

    /// Removes the reservations ([`Ledger::reserve_id`]) that no export holds any more:
    /// one made by a process of this machine that is gone (an export interrupted with
    /// Ctrl-C, or that failed before it recorded its batch), or older than a day (made
    /// on another machine sharing the folder, or by a tolk that did not say who it
    /// was). Returns how many it removed. Best effort: a reservation it cannot remove
    /// is left, and only holds an id.
    pub fn sweep_reservations(&self) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return 0 };
        let here = holder_host();
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !(name.starts_with(".b") && name.ends_with(".reserved")) {
                continue;
            }
            let path = entry.path();
            let old = entry
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(24 * 3600));
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let mut lines = text.lines();
            let gone = match (lines.next().and_then(|p| p.trim().parse::<u32>().ok()), lines.next()) {
                (Some(pid), Some(host)) => host.trim() == here && !process_alive(pid),
                _ => false,
            };
            if (old || gone) && std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// Records a new batch under `record.id`, or an id made here (unique in the
    /// ledger) if it has none. Returns the id.
    pub fn record(&mut self, mut record: BatchRecord, at: Timestamp) -> Result<String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::write(&self.dir, e))?;
        let given = std::mem::take(&mut record.id);
        record.exported = at.to_string();
        for n in 1u32.. {
            // The next id free (one taken since by another command is now skipped).
            let id = if given.is_empty() { self.new_id(at) } else { given.clone() };
            let path = self.dir.join(format!("{id}.json"));
            // Written whole to a temporary file first, then put in place only if the name
            // is free: no other command ever sees a half-written or empty record.
            record.id = id.clone();
            let json = serde_json::to_vec_pretty(&record).expect("a record serialises");
            let mut temp = tempfile::Builder::new()
                .prefix(".record-")
                .suffix(".tmp")
                .tempfile_in(&self.dir)
                .map_err(|e| Error::write(&self.dir, e))?;
            std::io::Write::write_all(&mut temp, &json).map_err(|e| Error::write(&path, e))?;
            temp.as_file().sync_all().map_err(|e| Error::write(&path, e))?;
            match temp.persist_noclobber(&path) {
                Ok(_) => {
                    self.batches.push(record);
                    // The id is the record's now; a reservation left behind holds nothing.
                    let _ = std::fs::remove_file(self.dir.join(Self::reservation(&id)));
                    return Ok(id);
                }
                // An id the batch's file carries is its own, or none.
                Err(e)
                    if e.error.kind() == std::io::ErrorKind::AlreadyExists
                        && given.is_empty()
                        && n < 10_000 =>
                {
                    continue
                }
                Err(e) => return Err(Error::write(&path, e.error)),
            }
        }
        unreachable!("the loop returns")
    }

    /// Marks the batch numbered `index` as come back from `file`, and writes its record.
    pub fn close(&mut self, index: usize, file: &Path, at: Timestamp) -> Result<()> {
        self.batches[index].returned =
            Some(Returned { at: at.to_string(), file: crate::shown::path(file).to_string() });
        self.save(index)
    }

    /// Writes the record of the batch numbered `index` again, whole.
    fn save(&self, index: usize) -> Result<()> {
        let record = &self.batches[index];
        let path = self.dir.join(format!("{}.json", record.id));
        let json = serde_json::to_vec_pretty(record).expect("a record serialises");
        crate::store::write_atomic(&path, &json)
    }

    /// Withdraws the open batch numbered `index` (its file will not come back, so its
    /// sentences are no longer out), and writes its record. The record is read again
    /// first: a batch an import closed since it was read is not withdrawn (an error).
    pub fn withdraw(&mut self, index: usize, at: Timestamp) -> Result<()> {
        let id = self.batches[index].id.clone();
        let path = self.dir.join(format!("{id}.json"));
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let now: BatchRecord = serde_json::from_slice(&bytes)
            .map_err(|e| Error::at(&path, Place::File, format!("the record of a batch is damaged ({e})")))?;
        if let Some(returned) = now.returned {
            return Err(Error::at(
                &path,
                Place::File,
                format!(
                    "batch {id} came back in {} at {} meanwhile; it was not withdrawn",
                    returned.file, returned.at
                ),
            ));
        }
        self.batches[index].withdrawn = Some(at.to_string());
        self.save(index)
    }

    /// The open batches each sentence is out in, of those `translated` says are not
    /// translated yet.
    pub fn out(&self, translated: impl Fn(&str) -> bool) -> HashMap<SegmentId, Vec<usize>> {
        let mut out: HashMap<SegmentId, Vec<usize>> = HashMap::new();
        for (i, batch) in self.batches.iter().enumerate().filter(|(_, b)| b.is_open()) {
            // By the id tolk finds for the sentence now, as the corpus has it.
            for s in batch.segments.iter().filter(|s| !translated(&s.source)) {
                out.entry(SegmentId::of(&s.source)).or_default().push(i);
            }
        }
        out
    }

    /// Every sentence ever exported, by id: the batches that exported it, and the
    /// sentence and its places as the latest of them exported it.
    pub fn exported(&self) -> HashMap<SegmentId, crate::import::Exported> {
        let mut all: HashMap<SegmentId, crate::import::Exported> = HashMap::new();
        for batch in &self.batches {
            for s in &batch.segments {
                for id in s.ids() {
                    let e = all.entry(id).or_insert_with(|| crate::import::Exported {
                        batches: Vec::new(),
                        source: String::new(),
                        places: Vec::new(),
                    });
                    e.batches.push(batch.describe());
                    e.source.clone_from(&s.source);
                    e.places.clone_from(&s.places);
                }
            }
        }
        all
    }

    /// The batch a translator's file is, to close. A file that names a batch (an XLIFF
    /// batch's `phase job-id`: `claimed`) is that batch, if its file has not come back,
    /// and none if this project has no record of it. Otherwise, from its name and the ids of its rows: of the batches whose
    /// files have not come back (open or withdrawn: a withdrawn batch's file is still
    /// its own) and that were written in a format the file's (`format`) can have been
    /// saved from (a spreadsheet as another spreadsheet or CSV; XLIFF only as XLIFF), the
    /// batch written to a file of that name (or of that name but for the extension:
    /// `anna.xlsx` saved as `anna.ods`) whose sentences the file has, or failing
    /// that the one with most of its sentences in the file, if the file has at least
    /// half of them. A file of a batch that came back (by its id, or the name it was
    /// written or came back under: imported again), or that fits two batches as well (a
    /// renamed file of two translators' batches of the same sentences), is no batch to
    /// close, so that no batch is closed, nor a translator credited, by a guess. Of
    /// batches a file fits as well, the one exported for `translator` (who the import
    /// says translated it) is it; else the one whose file's name it starts with (a copy
    /// saved again); else the one not withdrawn: a withdrawn batch (an export to look
    /// at, sent again with `--again`) never competes with one still out or come back,
    /// and is a renamed file's batch only where it alone fits.
    pub fn batch_of(
        &self,
        file: &Path,
        rows: &HashSet<SegmentId>,
        claimed: Option<&str>,
        format: &str,
        translator: Option<&str>,
    ) -> Belongs {
        let awaited = |i: usize| match self.batches[i].is_awaited() {
            true => Belongs::Batch(i),
            false => Belongs::Returned(i),
        };
        // A file that names a batch is that batch or none: an id this project has no
        // record of (another project's file, or another copy of this project's) is no
        // batch of this one, whatever its rows share with one still out here.
        if let Some(claimed) = claimed {
            return match self.batches.iter().position(|b| b.id == claimed) {
                Some(i) => awaited(i),
                None => Belongs::Unknown { claimed: Some(claimed.to_string()) },
            };
        }
        let unknown = Belongs::Unknown { claimed: None };
        if file.file_name().is_none() {
            return unknown;
        }
        let xliff = |format: &str| format == "xliff";
        let comparable = |b: &BatchRecord| xliff(&b.format) == xliff(format);
        let share = |b: &BatchRecord| {
            let n = b.segments.len().max(1);
            let found = if comparable(b) { b.ids().filter(|id| rows.contains(id)).count() } else { 0 };
            (found, n)
        };
        // Written to or come back as a file of this name; failing that, of this name
        // but for the extension (`anna.xlsx` saved as `anna.ods` or `anna.csv`).
        let named = |b: &BatchRecord, part: fn(&Path) -> Option<&std::ffi::OsStr>| {
            let returned = b.returned.as_ref().map(|r| r.file.as_str());
            [Some(b.file.as_str()), returned].into_iter().flatten().any(|f| part(Path::new(f)) == part(file))
        };
        let by_name =
            self.batches.iter().enumerate().rev().find(|(_, b)| named(b, Path::file_name) && share(b).0 > 0);
        if let Some((i, _)) = by_name {
            return awaited(i);
        }
        // By the name but for the extension, only a batch still out that the file has
        // at least half of, and only one: else the rows decide.
        let by_stem: Vec<usize> = (self.batches.iter().enumerate())
            .filter(|(_, b)| b.is_awaited() && named(b, Path::file_stem))
            .filter(|(_, b)| {
                let (found, n) = share(b);
                found > 0 && found * 2 >= n
            })
            .map(|(i, _)| i)
            .collect();
        if let [i] = by_stem[..] {
            return Belongs::Batch(i);
        }
        // The batches the file has at least half of, open or come back: those of which
        // it has the most sentences, and of those, the most of their sentences. One
        // that came back competes with one still out: a completed copy of a file that
        // came back (`anna-v2.xlsx`) has all of its batch and is that one, not a batch
        // still out whose sentences it also has.
        let fits: Vec<(usize, (usize, usize))> = (self.batches.iter().enumerate())
            .map(|(i, b)| (i, share(b)))
            .filter(|&(_, (found, n))| found > 0 && found * 2 >= n)
            .collect();
        let rank = |&(a, m): &(usize, usize), &(b, n): &(usize, usize)| a.cmp(&b).then((a * n).cmp(&(b * m)));
        let top = fits.iter().map(|(_, share)| share).max_by(|a, b| rank(a, b));
        let best: Vec<usize> = (fits.iter())
            .filter(|(_, share)| top.is_some_and(|top| rank(share, top).is_eq()))
            .map(|&(i, _)| i)
            .collect();
        // Of those that fit as well, the one whose file's name this one's starts with,
        // as a copy saved again is named (`anna-v2.xlsx`, `anna (1).xlsx`, `anna
        // ferdig.csv`), if only one is so named.
        let copied = |b: &BatchRecord| {
            let Some(stem) = file.file_stem().and_then(|s| s.to_str()) else { return false };
            let stem = stem.to_lowercase();
            let returned = b.returned.as_ref().map(|r| r.file.as_str());
            [Some(b.file.as_str()), returned].into_iter().flatten().any(|f| {
                let Some(of) = Path::new(f).file_stem().and_then(|s| s.to_str()) else { return false };
                stem.strip_prefix(&of.to_lowercase())
                    .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
            })
        };
        let named: Vec<usize> = best.iter().copied().filter(|&i| copied(&self.batches[i])).collect();
        let wanted = translator.map(str::trim);
        let for_wanted = |i: &usize| {
            let of = self.batches[*i].translator.as_deref().map(str::trim);
            wanted.zip(of).is_some_and(|(t, of)| of.eq_ignore_ascii_case(t))
        };
        let theirs: Vec<usize> = best.iter().copied().filter(for_wanted).collect();
        let kept: Vec<usize> =
            best.iter().copied().filter(|&i| self.batches[i].withdrawn.is_none()).collect();
        match (&best[..], &theirs[..], &named[..], &kept[..]) {
            ([i], ..) | (_, [i], ..) | (_, _, [i], _) | (_, _, _, [i]) => awaited(*i),
            ([], ..) => unknown,
            // Whose it is is no more sure: no batch is closed, nor translator credited,
            // on a guess.
            (several, ..) => Belongs::Several(several.to_vec()),
        }
    }
}

/// Which batch a translator's file is ([`Ledger::batch_of`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Belongs {
    /// The batch at this index, whose file has not come back: the import closes it.
    Batch(usize),
    /// The batch at this index, which came back already (the file imported again).
    Returned(usize),
    /// These batches, which the file fits as well: it is none of them for sure.
    Several(Vec<usize>),
    /// No batch of this project: the file names a batch this project has no record of
    /// (`claimed`), or it names none and is no batch by its name nor by its rows.
    Unknown { claimed: Option<String> },
}

impl Belongs {
    /// The batch to close, if there is one.
    pub fn open(&self) -> Option<usize> {
        match self {
            Belongs::Batch(i) => Some(*i),
            _ => None,
        }
    }

    /// The batch the file is for sure, open or come back already (a corrected file
    /// imported again): whose translator its rows are.
    pub fn known(&self) -> Option<usize> {
        match self {
            Belongs::Batch(i) | Belongs::Returned(i) => Some(*i),
            _ => None,
        }
    }
}

/// The largest batch record read: a batch of a whole archive is a few megabytes.
const MAX_RECORD: usize = 256 << 20;

/// What a reservation says of who made it: the process id and the machine's name.
fn holder_line() -> String {
    format!("{}\n{}\n", std::process::id(), holder_host())
}

/// This machine's name, as reservations carry it (empty where it cannot be told).
fn holder_host() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length, and gethostname writes no more.
        let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
        if ok {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            return String::from_utf8_lossy(&buf[..end]).into_owned();
        }
    }
    String::new()
}

/// Whether the process `pid` of this machine still runs (on a system where this cannot
/// be told, it is taken to run).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return true };
        // SAFETY: signal 0 checks the process exists and sends nothing.
        let res = unsafe { libc::kill(pid, 0) };
        res == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(file: &str, sources: &[&str]) -> BatchRecord {
        BatchRecord {
            id: String::new(),
            file: file.into(),
            format: "csv".into(),
            exported: String::new(),
            translator: Some("Kari".into()),
            prefilled: false,
            segments: sources
                .iter()
                .map(|s| Sent {
                    id: SegmentId::of(s).to_string(),
                    source: s.to_string(),
                    words: 1,
                    places: vec!["a.txt:1".into()],
                })
                .collect(),
            returned: None,
            withdrawn: None,
        }
    }

    #[test]
    fn records_are_kept_and_read_back_with_unique_ids() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        assert!(ledger.batches.is_empty());
        let at = Timestamp::parse("2026-11-30T06:15:00Z").unwrap();
        let a = ledger.record(record("out/a.csv", &["Hei.", "Ja."]), at).unwrap();
        let b = ledger.record(record("out/b.csv", &["Nei."]), at).unwrap();
        // The time, this clone's tag, and a number after the first of a second.
        let kept = std::fs::read_to_string(dir.path().join("cache/clone-id")).unwrap();
        let tag = kept.lines().next().unwrap();
        assert!(tag.len() == 4 && tag.chars().all(|c| c.is_ascii_hexdigit()), "{tag}");
        assert_eq!(
            (a.as_str(), b.as_str()),
            (&*format!("b20261130-061500-{tag}"), &*format!("b20261130-061500-{tag}-2"))
        );
        // Another clone of the project (its own cache) exporting in the same second
        // takes another id, almost always: the tags are random.
        let other = tempfile::tempdir().unwrap();
        let tags: HashSet<String> = (0..20)
            .map(|k| {
                let state = other.path().join(k.to_string());
                Ledger::open(&state).unwrap().new_id(at)
            })
            .collect();
        assert!(tags.len() > 1, "twenty clones, one id: {tags:?}");
        let back = Ledger::open(dir.path()).unwrap();
        assert_eq!(back.batches, ledger.batches);
        let out = back.out(|s| s == "Ja.");
        assert_eq!(out.len(), 2);
        assert_eq!(out[&SegmentId::of("Hei.")], [0]);
        assert!(!out.contains_key(&SegmentId::of("Ja.")), "translated, so no longer out");
    }

    /// Regression: the tag was kept in the project's cache, so a copy of the project
    /// (`cp -a`) had the same, and two copies exporting in the same second made the same
    /// batch id.
    #[test]
    fn a_copy_of_the_project_draws_its_own_tag_and_the_project_keeps_its() {
        let dir = tempfile::tempdir().unwrap();
        let (state, copy) = (dir.path().join("a/.tolk"), dir.path().join("b/.tolk"));
        let tag = |state: &Path| Ledger::open(state).unwrap().clone_tag();
        std::fs::create_dir_all(&state).unwrap();
        let first = tag(&state);
        assert_eq!(tag(&state), first, "the project keeps its tag");
        let kept = std::fs::read_to_string(state.join("cache/clone-id")).unwrap();
        assert_eq!(kept, format!("{first}\n{}\n", Ledger::whereabouts(&state)));
        // Copied whole, cache and all: a tag of its own (almost always: it is random),
        // kept from then on, while the original keeps its.
        let copies: HashSet<String> = (0..10)
            .map(|k| {
                let copy = dir.path().join(format!("copy-{k}/.tolk"));
                std::fs::create_dir_all(copy.join("cache")).unwrap();
                std::fs::write(copy.join("cache/clone-id"), &kept).unwrap();
                let drawn = tag(&copy);
                assert_eq!(tag(&copy), drawn);
                drawn
            })
            .collect();
        assert!(copies.iter().any(|t| *t != first), "ten copies, the original's tag: {copies:?}");
        assert_eq!(tag(&state), first);
        // A tag kept by an older tolk, without a place, is drawn again and kept with one.
        std::fs::create_dir_all(copy.join("cache")).unwrap();
        std::fs::write(copy.join("cache/clone-id"), &first).unwrap();
        let drawn = tag(&copy);
        assert!(std::fs::read_to_string(copy.join("cache/clone-id"))
            .unwrap()
            .starts_with(&format!("{drawn}\n")));
    }

    #[test]
    fn only_reservations_no_export_holds_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        let at = Timestamp::now();
        let held = ledger.reserve_id(at).unwrap();
        // A process that has ended, on this machine and on another.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let folder = dir.path().join(DIR);
        let gone = folder.join(Ledger::reservation("b20261202-155015-4968"));
        std::fs::write(&gone, format!("{dead}\n{}\n", holder_host())).unwrap();
        let elsewhere = folder.join(Ledger::reservation("b20261202-155015-4968-2"));
        std::fs::write(&elsewhere, format!("{dead}\nanother-machine\n")).unwrap();
        assert_eq!(ledger.sweep_reservations(), 1);
        assert!(!gone.exists());
        assert!(elsewhere.exists(), "another machine's process cannot be checked");
        assert!(folder.join(Ledger::reservation(&held)).exists(), "this process holds it");
    }

    #[test]
    fn a_file_is_known_by_its_id_its_name_or_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        let at = Timestamp::now();
        ledger.record(record("out/a.csv", &["Hei.", "Ja."]), at).unwrap();
        ledger.record(record("out/b.csv", &["Nei.", "Kanskje.", "Aldri."]), at).unwrap();
        // An XLIFF batch of the same sentences as the first, under an id reserved first:
        // another process (no lock held) reserves another, and the reservation goes
        // when the batch is recorded.
        let id = ledger.reserve_id(at).unwrap();
        assert!(ledger.batches.iter().all(|b| b.id != id));
        let other = Ledger::open(dir.path()).unwrap().reserve_id(at).unwrap();
        assert_ne!(other, id);
        assert_ne!(ledger.new_id(at), id);
        let xliff =
            BatchRecord { id: id.clone(), format: "xliff".into(), ..record("out/c.xlf", &["Hei.", "Ja."]) };
        assert_eq!(ledger.record(xliff, at).unwrap(), id);
        assert!(!dir.path().join(DIR).join(Ledger::reservation(&id)).exists());
        assert!(dir.path().join(DIR).join(Ledger::reservation(&other)).exists());
        let ids = |s: &[&str]| s.iter().map(|s| SegmentId::of(s)).collect::<HashSet<_>>();
        let csv = |ledger: &Ledger, name: &str, rows: &[&str]| {
            ledger.batch_of(Path::new(name), &ids(rows), None, "csv", None)
        };
        assert_eq!(csv(&ledger, "mail/a.csv", &["Hei."]), Belongs::Batch(0));
        assert_eq!(csv(&ledger, "renamed.csv", &["Nei.", "Aldri."]), Belongs::Batch(1));
        let unknown = Belongs::Unknown { claimed: None };
        assert_eq!(csv(&ledger, "renamed.csv", &["Nei."]), unknown, "a third is not the batch");
        // A renamed spreadsheet is never the XLIFF batch, nor a renamed XLIFF the
        // spreadsheet's; a file that names its batch is that one.
        assert_eq!(csv(&ledger, "renamed.xlsx", &["Hei.", "Ja."]), Belongs::Batch(0));
        let xliff = |ledger: &Ledger, name: &str, claimed: Option<&str>| {
            ledger.batch_of(Path::new(name), &ids(&["Hei.", "Ja."]), claimed, "xliff", None)
        };
        assert_eq!(xliff(&ledger, "renamed.xlf", None), Belongs::Batch(2));
        assert_eq!(xliff(&ledger, "renamed.xlf", Some(ledger.batches[0].id.as_str())), Belongs::Batch(0));
        // Regression: an id this project has no record of closed the batch whose
        // sentences the file has; it is no batch of this project's, whatever its rows.
        assert_eq!(
            xliff(&ledger, "renamed.xlf", Some("b19990101-000000")),
            Belongs::Unknown { claimed: Some("b19990101-000000".into()) }
        );
        let named = ledger.batches[2].file.clone();
        assert_eq!(
            xliff(&ledger, &named, Some("b19990101-000000")),
            Belongs::Unknown { claimed: Some("b19990101-000000".into()) },
            "not by its name either"
        );
        let foreign =
            ledger.batch_of(Path::new("x.xlf"), &ids(&["Kanskje."]), Some("b19990101-000000"), "xliff", None);
        assert_eq!(
            foreign,
            Belongs::Unknown { claimed: Some("b19990101-000000".into()) },
            "another project's"
        );
        ledger.close(2, Path::new("c.xlf"), at).unwrap();
        assert_eq!(xliff(&ledger, "c-v2.xlf", Some(id.as_str())), Belongs::Returned(2), "came back already");
        assert_eq!(
            xliff(&ledger, "c-v2.xlf", None),
            Belongs::Returned(2),
            "a renamed copy of one that came back"
        );
        ledger.close(0, Path::new("mail/a.csv"), at).unwrap();
        assert_eq!(csv(&ledger, "a.csv", &["Hei.", "Ja."]), Belongs::Returned(0), "closed");
        assert_eq!(csv(&ledger, "x.csv", &["Kanskje."]), unknown);
        // A renamed file of two batches of the same sentences is neither.
        ledger.record(record("out/d.csv", &["Nei.", "Kanskje.", "Aldri."]), at).unwrap();
        assert_eq!(csv(&ledger, "renamed.csv", &["Nei.", "Aldri."]), Belongs::Several(vec![1, 3]));
        assert_eq!(csv(&ledger, "d.csv", &["Nei.", "Aldri."]), Belongs::Batch(3), "by its name");
        // Saved in another spreadsheet format under its name, it is its own batch too;
        // but a name two batches out were written to decides nothing.
        assert_eq!(csv(&ledger, "back/b.ods", &["Nei.", "Aldri."]), Belongs::Batch(1));
        assert_eq!(csv(&ledger, "d.xlsx", &["Nei.", "Aldri."]), Belongs::Batch(3));
        ledger.record(record("out/d.xlsx", &["Nei.", "Kanskje.", "Aldri."]), at).unwrap();
        assert_eq!(csv(&ledger, "d.ods", &["Nei.", "Aldri."]), Belongs::Several(vec![1, 3, 4]));
        let back = Ledger::open(dir.path()).unwrap();
        assert!(!back.batches[0].is_open() && back.batches[1].is_open());
        assert!(back.out(|_| false).keys().all(|id| back.batches[1].ids().any(|i| i == *id)));
        // Once they all came back, a renamed copy is still none of them for sure.
        for (i, file) in [(1, "b.csv"), (3, "d.csv"), (4, "d.xlsx")] {
            ledger.close(i, Path::new(file), at).unwrap();
        }
        assert_eq!(csv(&ledger, "copy.csv", &["Nei.", "Aldri."]), Belongs::Several(vec![1, 3, 4]));
        assert_eq!(csv(&ledger, "copy.csv", &["Nei.", "Aldri."]).known(), None);
        assert_eq!(csv(&ledger, "a.csv", &["Hei.", "Ja."]).known(), Some(0), "the one that came back");
    }

    #[test]
    fn a_copy_of_a_file_that_came_back_is_its_batch_not_another_still_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        let at = Timestamp::now();
        let sentences = ["Hei.", "Ja.", "Nei.", "Kanskje."];
        // Anna's and Bob's batches of the same sentences; Anna's came back.
        ledger
            .record(BatchRecord { translator: Some("Anna".into()), ..record("b/anna.xlsx", &sentences) }, at)
            .unwrap();
        ledger
            .record(BatchRecord { translator: Some("Bob".into()), ..record("b/bob.csv", &sentences) }, at)
            .unwrap();
        ledger.close(0, Path::new("b/anna.xlsx"), at).unwrap();
        let ids: HashSet<SegmentId> = sentences.iter().map(|s| SegmentId::of(s)).collect();
        let of = |name: &str| ledger.batch_of(Path::new(name), &ids, None, "xlsx", None);
        // Saved again under a name made of its own, it is Anna's, which came back.
        for copy in ["b/anna-v2.xlsx", "anna (1).xlsx", "ANNA ferdig.ods"] {
            assert_eq!(of(copy), Belongs::Returned(0), "{copy}");
        }
        assert_eq!(of("bob-v2.csv"), Belongs::Batch(1));
        // A name of neither, or one that only starts as one does, is no guess.
        assert_eq!(of("renamed.xlsx"), Belongs::Several(vec![0, 1]));
        assert_eq!(of("annabel.xlsx"), Belongs::Several(vec![0, 1]));
        // The rest of a batch that came back in part, sent in a new batch, is the new
        // batch's: of the two, the file has all of it.
        ledger.record(record("out/carl.csv", &["Nei.", "Kanskje."]), at).unwrap();
        let rest: HashSet<SegmentId> = ["Nei.", "Kanskje."].iter().map(|s| SegmentId::of(s)).collect();
        assert_eq!(ledger.batch_of(Path::new("renamed.csv"), &rest, None, "csv", None), Belongs::Batch(2));
    }

    #[test]
    fn a_damaged_record_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        std::fs::write(dir.path().join(DIR).join("b1.json"), "{\n\"id\": 3\n}").unwrap();
        let err = Ledger::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("b1.json: line 2") && err.contains("damaged"), "{err}");
    }
}
