//! The translation memory: entries of Norwegian source and English target, loaded from
//! and written back to CSV files without losing anything a user put in them.
//!
//! A memory is a CSV file or a folder of them (`memory/` by default, every `*.csv` in
//! it but the glossary, `glossary.csv`, in name order). Columns are found by header name in any order and case:
//! `source` and `target` are required; `created`, `changed`, `translator`, `origin`,
//! `note`, `retired`, `import` and `retired_by` are optional; any other column is
//! carried along as it is and written back. An entry with `retired` set is history
//! ([`history`]): kept and listed, never offered by lookup, the index or conflicts.
//! `import` and `retired_by` name the import that added and retired an entry
//! ([`imports`]), so one import can be listed and undone.
//! Loading is all or nothing: a malformed file is an error naming the file, row and
//! column, and no entry of a failed load is used.
//!
//! [`Memory`] is a snapshot: entries and exact lookup, nothing of where they are kept.
//! Where they are kept is a [`MemoryStore`] ([`store`]): the CSV folder today, which
//! takes snapshots and, under its lock, adds entries and retires or restores entries it
//! has, in one all-or-nothing write. Finding matches is [`crate::index`]; the merge rule of imports is
//! [`crate::import`].

mod csv_file;
pub mod delta;
pub mod history;
pub mod imports;
pub mod server;
pub mod snapshot;
pub mod store;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

pub use csv_file::{
    check_quoting, detect_delimiter, header, joined_names, read_bytes, read_csv, read_csv_each, write_csv,
    KNOWN_COLUMNS,
};
pub use store::{Change, CsvStore, KeptCopy, MemoryStore, Rewrite, Update, Written};

use crate::error::{Error, Result};
use crate::text::{normalize, stable_hash};
use crate::timestamp::Timestamp;

/// A short value of an entry (a time, a name, an id): held inside the entry itself up
/// to 24 bytes, not in an allocation of its own. At millions of entries, four such
/// values each in an allocation of its own cost over a gigabyte and the time to clear it.
pub type Short = compact_str::CompactString;

/// The file new translations are written to when the memory is a folder.
pub const DEFAULT_FILE: &str = "nb-en.csv";

/// One translation unit: a source sentence and its translation, with its metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// The Norwegian sentence, as written in the file.
    pub source: String,
    /// Its English translation; may be empty (kept, but never offered as a match).
    pub target: String,
    /// When the entry was made, ISO 8601 as written (may be empty).
    pub created: Short,
    /// When it last changed, ISO 8601 as written (may be empty).
    pub changed: Short,
    /// Who translated it.
    pub translator: Short,
    /// Where it came from (a batch, a TMX file, "seed").
    pub origin: Short,
    /// A free note.
    pub note: String,
    /// When it was retired, ISO 8601 as written; empty while it is in use. A retired
    /// entry is history ([`history`]): kept, listed, never offered as a match.
    pub retired: Short,
    /// The import that added it ([`imports::ImportId`], `i20261130-061500`); empty for
    /// an entry no import added (seeds, entries written by hand or before ids).
    pub import: Short,
    /// The import that retired it (`import --overwrite` retires the translations it
    /// replaces); empty when it is in use, or was retired by `tm resolve`, `revert`, `rm`.
    pub retired_by: Short,
    /// The sentence before this one where it was translated (empty: none recorded, or
    /// the first sentence of its document when `next` is recorded).
    pub prev: String,
    /// The sentence after it there (empty: none recorded, or the last sentence).
    pub next: String,
    /// Values of the file's other columns, by name, in the file's column order.
    pub extra: Vec<(String, String)>,
    /// Which of the memory's files the entry was read from ([`Memory::file_of`]).
    pub file: usize,
    /// Its row in that file as a spreadsheet numbers it (the header is row 1).
    pub row: u64,
}

impl Entry {
    /// Its values of tolk's own columns, in the order of [`KNOWN_COLUMNS`].
    pub fn known(&self) -> [&str; 12] {
        [
            &self.source,
            &self.target,
            &self.created,
            &self.changed,
            &self.translator,
            &self.origin,
            &self.note,
            &self.retired,
            &self.import,
            &self.retired_by,
            &self.prev,
            &self.next,
        ]
    }

    /// Sets its value of the `k`-th of [`KNOWN_COLUMNS`] (nothing for another `k`).
    pub fn set_known(&mut self, k: usize, value: &str) {
        let long = |field: &mut String| value.clone_into(field);
        let short = |field: &mut Short| *field = Short::from(value);
        match k {
            0 => long(&mut self.source),
            1 => long(&mut self.target),
            2 => short(&mut self.created),
            3 => short(&mut self.changed),
            4 => short(&mut self.translator),
            5 => short(&mut self.origin),
            6 => long(&mut self.note),
            7 => short(&mut self.retired),
            8 => short(&mut self.import),
            9 => short(&mut self.retired_by),
            10 => long(&mut self.prev),
            11 => long(&mut self.next),
            _ => {}
        }
    }

    /// Whether the sentences around it where it was translated are recorded.
    pub fn has_context(&self) -> bool {
        !self.prev.trim().is_empty() || !self.next.trim().is_empty()
    }

    /// Where it was translated: the sentences before and after it, normalised, as
    /// places are compared.
    pub fn place(&self) -> (String, String) {
        (normalize(&self.prev).into_owned(), normalize(&self.next).into_owned())
    }

    /// Whether it and `other`, translations of the same source, compete: they differ,
    /// and were not made for two different places (one of them has no context, or both
    /// the same one).
    pub fn competes_with(&self, other: &Entry) -> bool {
        if self.target == other.target {
            return false;
        }
        !self.has_context() || !other.has_context() || self.place() == other.place()
    }

    /// `changed`, or failing that `created`, as a moment; `None` when neither is set.
    pub fn changed_at(&self) -> Option<Timestamp> {
        Timestamp::parse(&self.changed).or_else(|| Timestamp::parse(&self.created))
    }

    /// Whether the entry is history: retired, never offered as a match.
    pub fn is_retired(&self) -> bool {
        !self.retired.trim().is_empty()
    }

    /// Whether lookup, matching and build may use it: it has a translation and is not
    /// retired.
    pub fn is_offered(&self) -> bool {
        !self.target.is_empty() && !self.is_retired()
    }
}

/// What is said of a whole memory however little of it is read: how many entries it
/// has, and how many of them are retired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Every entry, retired or not.
    pub entries: usize,
    /// The entries retired ([`Entry::is_retired`]).
    pub retired: usize,
}

impl Totals {
    /// The totals of `memory`, read whole.
    pub fn of(memory: &Memory) -> Totals {
        Totals { entries: memory.entries.len(), retired: memory.entries.len() - memory.in_use_count() }
    }

    /// The entries in use: not retired ([`Memory::in_use_count`]).
    pub fn in_use(&self) -> usize {
        self.entries - self.retired
    }
}

/// A CSV file of the memory and its header as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryFile {
    /// Where it is.
    pub path: PathBuf,
    /// The header's column names, as written, in order.
    pub columns: Vec<String>,
}

/// A row of the exact table: (hash of the normalised source, whether the entry is in
/// use, when it was changed or `i64::MIN` for never, its number).
type Row = (u64, bool, i64, u32);

/// The exact-lookup table's row of `entry` as entry number `number`; `None` for an
/// entry without a translation, which the table leaves out.
fn exact_row(entry: &Entry, number: usize) -> Option<Row> {
    if entry.target.is_empty() {
        return None;
    }
    let changed = entry.changed_at().map_or(i64::MIN, |t| t.0);
    Some((stable_hash(normalize(&entry.source).as_bytes()), !entry.is_retired(), changed, number as u32))
}

/// A loaded translation memory.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// The files it was read from, in load order: their columns are written back by
    /// the store, and [`Memory::file_of`] names an entry's file.
    files: Vec<MemoryFile>,
    /// Every entry of every file, in file order then row order.
    pub entries: Vec<Entry>,
    /// (normalised-source hash, in use, when changed, entry number) of every entry with
    /// a translation, retired or not, sorted, for exact lookup and history; built on
    /// first use, so commands that only search fuzzily never pay for it.
    exact: OnceLock<Vec<Row>>,
}

impl Memory {
    /// Loads the memory at `path`: a CSV file, or a folder whose `*.csv` files are all
    /// loaded. A path that does not exist is an error.
    pub fn load(path: &Path) -> Result<Memory> {
        if !path.exists() {
            return Err(Error::at(
                path,
                crate::error::Place::File,
                "no such memory; check the path, or make an empty one first (a CSV file with the header \
                 `source,target`), or name another one with --memory",
            ));
        }
        Memory::load_or_empty(path)
    }

    /// Like [`Memory::load`], but a path that does not exist yet is an empty memory
    /// that will be created there on the first write.
    pub fn load_or_empty(path: &Path) -> Result<Memory> {
        let mut memory = Memory::default();
        for file in csv_files(path)? {
            let columns = read_csv(&file, memory.files.len(), &mut memory.entries)?;
            memory.files.push(MemoryFile { path: file, columns });
        }
        Ok(memory)
    }

    /// A memory of the given entries read from the given files.
    pub(crate) fn from_files(files: Vec<MemoryFile>, entries: Vec<Entry>) -> Memory {
        Memory { files, entries, ..Memory::default() }
    }

    /// A memory of the given entries, not backed by any file.
    pub fn from_entries(entries: Vec<Entry>) -> Memory {
        Memory { entries, ..Memory::default() }
    }

    /// The exact-lookup table, built (on every core) the first time it is needed.
    /// Every entry with a translation, sorted: within one source the retired entries
    /// come first, so the last item is the translation [`Memory::exact`] returns, and
    /// the items in reverse are the order of [`Memory::history`].
    fn exact_table(&self) -> &[Row] {
        self.exact.get_or_init(|| {
            let mut table: Vec<Row> =
                self.entries.par_iter().enumerate().filter_map(|(i, e)| exact_row(e, i)).collect();
            table.par_sort_unstable();
            table
        })
    }

    /// The part of the exact table whose hash is that of `norm`, a normalised text.
    fn exact_group(&self, norm: &str) -> &[Row] {
        let hash = stable_hash(norm.as_bytes());
        let table = self.exact_table();
        let start = table.partition_point(|r| r.0 < hash);
        let end = start + table[start..].partition_point(|r| r.0 == hash);
        crate::cost::count(1);
        &table[start..end]
    }

    /// The file `entry` was read from, if it was read from one.
    pub fn file_of(&self, entry: &Entry) -> Option<&Path> {
        self.files.get(entry.file).map(|f| f.path.as_path())
    }

    /// Every column of every file, each once, in the order first seen: a file holding
    /// the whole memory keeps every column of every file.
    pub fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for file in &self.files {
            for c in &file.columns {
                // The same comparison as the reader and the writer, so the union has no
                // column they would take for a repeat.
                if seen.insert(c.trim().to_lowercase()) {
                    columns.push(c.clone());
                }
            }
        }
        columns
    }

    /// The files it was read from.
    pub(crate) fn files(&self) -> &[MemoryFile] {
        &self.files
    }

    /// Every entry in use (with a translation, not retired) whose normalised source is
    /// `text`'s, in file order.
    pub fn exact_all(&self, text: &str) -> Vec<&Entry> {
        self.in_use_of(text).into_iter().map(|i| &self.entries[i]).collect()
    }

    /// The numbers of the entries [`Memory::exact_all`] returns, in file order.
    pub fn in_use_of(&self, text: &str) -> Vec<usize> {
        let norm = normalize(text);
        let mut found: Vec<usize> = self
            .exact_group(&norm)
            .iter()
            .filter(|r| r.1)
            .map(|r| r.3 as usize)
            .inspect(|_| crate::cost::count(1))
            .filter(|&i| normalize(&self.entries[i].source) == norm)
            .collect();
        found.sort_unstable();
        found
    }

    /// The translation of `text` (a 100% match): of the entries in use, the most
    /// recently changed, and of those equally recent the last one in file order. Costs
    /// one comparison of texts however many translations the sentence has (its group in
    /// the exact table is sorted that way, the retired ones first).
    pub fn exact(&self, text: &str) -> Option<&Entry> {
        let norm = normalize(text);
        self.exact_group(&norm)
            .iter()
            .rev()
            .map(|r| &self.entries[r.3 as usize])
            .inspect(|_| crate::cost::count(1))
            .find(|e| normalize(&e.source) == norm)
            .filter(|e| !e.is_retired())
    }

    /// Every translation the memory has had of `text`, retired or not, as entry
    /// numbers, newest first: by when it was changed, and of equally recent ones the
    /// last in file order first. The first one in use is the one [`Memory::exact`]
    /// returns. `tm history` numbers them in this order from 1, and so do `tm conflicts`
    /// and `tm resolve --keep`.
    pub fn history(&self, text: &str) -> Vec<usize> {
        let norm = normalize(text);
        let mut found: Vec<(i64, u32)> = self
            .exact_group(&norm)
            .iter()
            .filter(|r| normalize(&self.entries[r.3 as usize].source) == norm)
            .map(|r| (r.2, r.3))
            .collect();
        found.sort_unstable_by(|a, b| b.cmp(a));
        found.into_iter().map(|(_, i)| i as usize).collect()
    }

    /// The translation of `text` made for the same place: of the entries in use, the
    /// most recent one whose recorded context is `prev` and `next`, the sentences
    /// before and after `text` where it stands now (`None`: the start or end of its
    /// document). An entry with no context recorded is never one. This is the 101%
    /// match: the same sentence, translated in the same surroundings.
    pub fn in_context(&self, text: &str, prev: Option<&str>, next: Option<&str>) -> Option<&Entry> {
        let same = |recorded: &str, now: Option<&str>| normalize(recorded) == normalize(now.unwrap_or(""));
        self.in_use_of(text)
            .into_iter()
            .map(|i| &self.entries[i])
            .filter(|e| e.has_context() && same(&e.prev, prev) && same(&e.next, next))
            .max_by_key(|e| e.changed_at())
    }

    /// How many entries are in use (not retired).
    pub fn in_use_count(&self) -> usize {
        self.entries.iter().filter(|e| !e.is_retired()).count()
    }

    /// How many sources have two or more different translations.
    pub fn conflicts(&self) -> usize {
        self.conflicting().len()
    }

    /// Every source with more than one distinct translation in use: the numbers of its
    /// entries in use, the one [`Memory::exact`] returns (the one used) first, then the
    /// others from the most recent change to the oldest (the order of
    /// [`Memory::history`], retired entries left out).
    pub fn conflicting(&self) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for group in self.exact_table().chunk_by(|a, b| a.0 == b.0) {
            let live: Vec<&Row> = group.iter().filter(|r| r.1).collect();
            if live.len() < 2 {
                continue;
            }
            // One hash may stand for more than one source: split by the text itself.
            let mut by_source: Vec<(String, Vec<usize>)> = Vec::new();
            for r in live.into_iter().rev() {
                let i = r.3 as usize;
                let norm = normalize(&self.entries[i].source).into_owned();
                match by_source.iter_mut().find(|(s, _)| *s == norm) {
                    Some((_, ids)) => ids.push(i),
                    None => by_source.push((norm, vec![i])),
                }
            }
            for (_, ids) in by_source {
                // Two translations made for different places are no conflict: each is
                // used where it was made (see `Entry::competes_with`).
                // In linear time: one made for no place competes with any other target;
                // among those made for places, two targets for one place compete.
                let entries = ids.iter().map(|&i| &self.entries[i]);
                let targets: std::collections::HashSet<&str> =
                    entries.clone().map(|e| e.target.as_str()).collect();
                let competing = if entries.clone().any(|e| !e.has_context()) {
                    targets.len() > 1
                } else {
                    let mut by_place: HashMap<(String, String), &str> = HashMap::new();
                    entries.into_iter().any(|e| *by_place.entry(e.place()).or_insert(&e.target) != e.target)
                };
                if competing {
                    out.push(ids);
                }
            }
        }
        out.sort_by_key(|ids| ids[0]);
        out
    }

    /// The same memory without its history (retired entries), for exports that leave
    /// history out.
    pub fn in_use(&self) -> Memory {
        Memory {
            files: self.files.clone(),
            entries: self.entries.iter().filter(|e| !e.is_retired()).cloned().collect(),
            exact: OnceLock::new(),
        }
    }
}

/// Where new translations go for a memory at `path` (a file: itself; a folder:
/// [`DEFAULT_FILE`] in it).
pub fn write_path_for(path: &Path) -> PathBuf {
    let is_file =
        path.is_file() || (!path.exists() && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
    if is_file {
        return path.to_path_buf();
    }
    // An existing `NB-EN.csv` is the same file on a case-insensitive file system:
    // write to it by its own name, never beside (and so over) it.
    let existing = std::fs::read_dir(path).ok().and_then(|dir| {
        dir.filter_map(|e| e.ok())
            .find(|e| e.file_name().to_str().is_some_and(|n| n.eq_ignore_ascii_case(DEFAULT_FILE)))
            .map(|e| e.path())
    });
    existing.unwrap_or_else(|| path.join(DEFAULT_FILE))
}

/// The fingerprint of the memory at `path`: a hash of where it is and, for every file
/// [`Memory::load`] reads, its name, length, modification and change times and file
/// number, as git's index tells a changed file. Any write tolk makes replaces a file by
/// renaming a new one over it, which changes its number; an edit by hand changes its
/// times. A persisted index ([`crate::index::Index::open`]) built from the memory with
/// another fingerprint is stale.
pub fn fingerprint(path: &Path) -> Result<u64> {
    Ok(fingerprint_of(path, &seen(path)?))
}

/// What [`fingerprint`] sees of one file of a memory: its name, length, times and file
/// number, and of these what tells the content tolk wrote to it ([`store::Stamp`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The file.
    pub path: PathBuf,
    line: String,
    /// The file's device, number, length and modification time.
    pub stamp: crate::store::Stamp,
}

/// What [`fingerprint`] sees of every file of the memory at `path`, in its order.
pub fn seen(path: &Path) -> Result<Vec<Seen>> {
    use std::fmt::Write as _;
    let mut all = Vec::new();
    for file in csv_files(path)? {
        let meta = std::fs::metadata(&file).map_err(|e| Error::io(&file, e))?;
        let stamp = crate::store::stamp(&meta);
        let name = file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let mut line = format!("{name}\t{}\t{:?}", meta.len(), stamp.3);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let _ = write!(line, "\t{}\t{}\t{}.{}", meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec());
        }
        all.push(Seen { path: file, line, stamp });
    }
    Ok(all)
}

/// The [`fingerprint`] of the memory at `path` whose files were seen as `seen`.
pub fn fingerprint_of(path: &Path, seen: &[Seen]) -> u64 {
    let mut text = String::from("tolk memory fingerprint 1\n");
    let place = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    text.push_str(&format!("{}\n", place.display()));
    for file in seen {
        text.push_str(&file.line);
        text.push('\n');
    }
    stable_hash(text.as_bytes())
}

/// The CSV files of a memory at `path`, in name order: the order [`Memory::load`]
/// reads them in.
///
/// Links are followed, to a folder or a file. A `*.csv` that is not a regular file
/// once followed (a FIFO, a device, a folder, a link to nothing) is an error naming it:
/// reading it could block forever, and leaving it out would load part of the memory.
pub fn csv_files(path: &Path) -> Result<Vec<PathBuf>> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(Vec::new());
    }
    if !path.is_dir() {
        regular(path)?;
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_csv = Path::new(&*name).extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        // The glossary beside the memory's files is no memory file (`crate::glossary`).
        let glossary = name.eq_ignore_ascii_case(crate::glossary::FILE);
        // Excel's lock file beside a CSV it has open (`~$nb-en.csv`) is no memory file.
        if is_csv && !name.starts_with('.') && !name.starts_with("~$") && !glossary {
            regular(&entry.path())?;
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// Refuses a memory file that is not a regular file once links are followed.
fn regular(path: &Path) -> Result<()> {
    let refuse = |what: String| {
        Error::at(
            path,
            crate::error::Place::File,
            format!(
                "{what}, not a memory file; move it out of the memory or name another memory with --memory"
            ),
        )
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(meta) => Err(refuse(format!("is a {}", crate::store::kind_of(&meta)))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(refuse(format!(
            "is a symbolic link to {}, which does not exist",
            crate::store::link_target(path)
        ))),
        Err(e) => Err(Error::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(source: &str, target: &str, changed: &str) -> Entry {
        Entry { source: source.into(), target: target.into(), changed: changed.into(), ..Entry::default() }
    }

    /// On a case-insensitive file system `nb-en.csv` beside `NB-EN.csv` is the same
    /// file: writing the new name would replace the old file with only the new rows.
    #[test]
    fn the_write_file_is_found_whatever_its_case() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("NB-EN.csv"), "source,target\nHei.,Hi.\n").unwrap();
        assert_eq!(write_path_for(dir.path()), dir.path().join("NB-EN.csv"));
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(write_path_for(empty.path()), empty.path().join(DEFAULT_FILE));
    }

    #[test]
    fn the_memory_columns_are_merged_case_insensitively() {
        let file = |cols: &[&str]| MemoryFile {
            path: "m.csv".into(),
            columns: cols.iter().map(|c| c.to_string()).collect(),
        };
        let memory = Memory {
            files: vec![file(&["source", "target", "Client"]), file(&["Target", "SOURCE", "client", "note"])],
            ..Memory::default()
        };
        assert_eq!(memory.columns(), ["source", "target", "Client", "note"]);
    }

    #[test]
    fn exact_lookup_prefers_the_most_recent_change() {
        let m = Memory::from_entries(vec![
            entry("Hei.", "Hi.", "2026-01-01"),
            entry("Hei. ", "Hello.", "2026-06-01"),
            entry("Hei.", "Hey.", "2025-01-01"),
            entry("Ha det.", "", ""),
        ]);
        assert_eq!(m.exact("Hei.").map(|e| e.target.as_str()), Some("Hello."));
        assert_eq!(m.exact_all("Hei.").len(), 3);
        assert_eq!(m.exact("Ha det."), None);
        assert_eq!(m.conflicts(), 1);
    }

    #[test]
    fn a_translation_made_for_the_same_place_is_the_context_match() {
        let placed = |target: &str, prev: &str, next: &str, changed: &str| Entry {
            prev: prev.into(),
            next: next.into(),
            ..entry("Det betyr alt.", target, changed)
        };
        let m = Memory::from_entries(vec![
            placed("It means everything.", "Vi vant.", "", "2026-01-01"),
            placed("That says it all.", "Vi tapte.", "Neste.", "2026-02-01"),
            entry("Det betyr alt. ", "It matters.", "2026-03-01"),
        ]);
        let target = |prev: Option<&str>, next: Option<&str>| {
            m.in_context("Det betyr alt.", prev, next).map(|e| e.target.as_str())
        };
        assert_eq!(target(Some("Vi vant."), None), Some("It means everything."));
        assert_eq!(
            target(Some(" Vi  tapte."), Some("Neste.")),
            Some("That says it all."),
            "compared normalised"
        );
        assert_eq!(target(Some("Vi tapte."), None), None, "both neighbours must be the same");
        assert_eq!(target(None, None), None, "an entry without context is never a context match");
        assert_eq!(m.exact("Det betyr alt.").map(|e| e.target.as_str()), Some("It matters."));
        // The two placed ones do not compete; the one without a place competes with both.
        assert!(!m.entries[0].competes_with(&m.entries[1]));
        assert!(m.entries[0].competes_with(&m.entries[2]));
        assert_eq!(m.conflicts(), 1);
        let placed_only = Memory::from_entries(m.entries[..2].to_vec());
        assert_eq!(placed_only.conflicts(), 0, "translations for two places are no conflict");
    }
}
