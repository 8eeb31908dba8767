//! The memory as a cache file ([`crate::cache_file`]): every entry of every file, read
//! back on every core in a fraction of the time the CSV takes, so a command on a memory
//! of millions of entries does not parse it again until it changes.
//!
//! The sections: every text of every entry, one after another (`u8`, UTF-8): an entry's
//! twelve [`super::KNOWN_COLUMNS`] in order, then the name and value of each extra
//! column; each text's length in the same order (`u8`, LEB128); per entry, where its
//! texts and its lengths start (`u64` each, one more than the entries, the last the
//! end); per entry, its file (`u32`) and row (`u64`); each file's name and header as
//! JSON (`u8`); and the memory's exact-lookup table (hash `u64`, in use `u8`, changed
//! `i64`, entry `u32`), so exact lookup needs no normalising either. It is written
//! straight into its file's bytes, so a memory is never held twice over. The files'
//! places come from the memory's path as given now, so a snapshot made from one folder
//! reads right from another. On top of the file's own checks, [`read`] checks every
//! range, text and entry number before any is used: the texts are checked as UTF-8
//! once, as a whole, on every core.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Entry, Memory, MemoryFile, Short};
use crate::cache_file::{bytes_of, rises_to, utf8, Arrays, Damage, Kind};
use crate::text::SegmentId;

/// The memory's kind of cache file; bump the version when the layout or [`Entry`]
/// changes, whenever the index's is bumped for a change of normalisation (the
/// exact-lookup table kept here hashes normalised sources), and whenever the memory's
/// reader refuses more than it did: a kept memory is made from what the reader read,
/// and one an older tolk kept may hold what is refused now (3: control characters in a
/// source or target), which only reading the CSV files again tells.
pub const KIND: Kind = Kind {
    magic: *b"TOLKMEM\0",
    version: 3,
    widths: &[1, 1, 8, 8, 4, 8, 1, 8, 1, 8, 4],
    name: "tolk's kept memory",
    opening_reads_all: false,
};

const TEXTS: usize = 0;
const LENGTHS: usize = 1;
const TEXT_STARTS: usize = 2;
const LENGTH_STARTS: usize = 3;
const FILES: usize = 4;
const ROWS: usize = 5;
const HEADERS: usize = 6;
const EXACT_HASH: usize = 7;
const EXACT_IN_USE: usize = 8;
const EXACT_CHANGED: usize = 9;
const EXACT_ENTRY: usize = 10;

/// The bytes of `n` in LEB128.
#[cfg(test)]
fn leb128_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// Writes `n` in LEB128 at the start of `out`; returns the bytes written.
fn put_leb128(mut n: usize, out: &mut [u8]) -> usize {
    let mut i = 0;
    while n >= 0x80 {
        out[i] = (n as u8 & 0x7f) | 0x80;
        n >>= 7;
        i += 1;
    }
    out[i] = n as u8;
    i + 1
}

/// Reads a LEB128 number at `*at` in `bytes`, moving `*at` past it.
fn get_leb128(bytes: &[u8], at: &mut usize) -> Option<usize> {
    let mut n = 0usize;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        n |= usize::from(b & 0x7f).checked_shl(shift)?;
        if b < 0x80 {
            return Some(n);
        }
    }
    None
}

/// A file of the memory as the snapshot keeps it.
#[derive(Serialize, Deserialize)]
struct File {
    /// The file's name, as UTF-8 (a name that is not is shown with U+FFFD).
    name: String,
    /// A name that is not UTF-8, byte for byte, so that the file is still told by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bytes: Option<Vec<u8>>,
    columns: Vec<String>,
}

impl File {
    /// Whether this is the file kept of the memory's file named `name`.
    fn is(&self, name: &std::ffi::OsStr) -> bool {
        *name_bytes(name) == *self.bytes.as_deref().unwrap_or(self.name.as_bytes())
    }
}

/// A file name's bytes: as they are on Unix, where a name is any bytes; as UTF-8 elsewhere.
fn name_bytes(name: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    return std::borrow::Cow::Borrowed(std::os::unix::ffi::OsStrExt::as_bytes(name));
    #[cfg(not(unix))]
    return match name.to_string_lossy() {
        std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s.into_bytes()),
    };
}

/// The texts of an entry, in the snapshot's order.
fn texts(e: &Entry) -> impl Iterator<Item = &str> {
    e.known().into_iter().chain(e.extra.iter().flat_map(|(n, v)| [n.as_str(), v.as_str()]))
}

/// Writes the snapshot of `memory`, whose fingerprint is `fingerprint`, to `path` (see
/// [`Writer`]).
pub fn write(memory: &Memory, fingerprint: u64, path: &Path) -> std::io::Result<()> {
    let mut writer = Writer::new(path)?;
    for f in memory.files() {
        writer.file(&f.path, &f.columns)?;
    }
    for e in &memory.entries {
        writer.add(e)?;
    }
    writer.finish(fingerprint)
}

/// Writes a snapshot one entry at a time, so a memory of any size is kept without
/// being held: the texts go to a temporary file beside the snapshot as they come, and
/// only the small tables (about 40 bytes an entry) are held until [`Writer::finish`]
/// writes the file.
pub struct Writer {
    path: std::path::PathBuf,
    texts: std::io::BufWriter<tempfile::NamedTempFile>,
    text_len: u64,
    lengths: Vec<u8>,
    text_starts: Vec<u64>,
    length_starts: Vec<u64>,
    files: Vec<u32>,
    rows: Vec<u64>,
    exact: Vec<super::Row>,
    headers: Vec<File>,
}

impl Writer {
    /// A writer of the snapshot to be written to `path`.
    pub fn new(path: &Path) -> std::io::Result<Writer> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let prefix = crate::cache_file::temporary_prefix();
        let spill = tempfile::Builder::new().prefix(&prefix).suffix(".tmp").tempfile_in(dir)?;
        Ok(Writer {
            path: path.to_path_buf(),
            texts: std::io::BufWriter::with_capacity(1 << 20, spill),
            text_len: 0,
            lengths: Vec::new(),
            text_starts: vec![0],
            length_starts: vec![0],
            files: Vec::new(),
            rows: Vec::new(),
            exact: Vec::new(),
            headers: Vec::new(),
        })
    }

    /// The memory's next file, at `path`, with the header `columns`.
    pub fn file(&mut self, path: &Path, columns: &[String]) -> std::io::Result<()> {
        let name = path.file_name().unwrap_or_default();
        let bytes = name.to_str().is_none().then(|| name_bytes(name).into_owned());
        let name = name.to_string_lossy().into_owned();
        self.headers.push(File { name, bytes, columns: columns.to_vec() });
        Ok(())
    }

    /// The memory's next entry.
    pub fn add(&mut self, e: &Entry) -> std::io::Result<()> {
        use std::io::Write as _;
        let number = self.rows.len();
        let mut leb = [0u8; 10];
        for t in texts(e) {
            self.texts.write_all(t.as_bytes())?;
            self.text_len += t.len() as u64;
            let n = put_leb128(t.len(), &mut leb);
            self.lengths.extend_from_slice(&leb[..n]);
        }
        self.text_starts.push(self.text_len);
        self.length_starts.push(self.lengths.len() as u64);
        self.files.push(e.file as u32);
        self.rows.push(e.row);
        self.exact.extend(super::exact_row(e, number));
        Ok(())
    }

    /// Writes the snapshot, made from the memory whose fingerprint is `fingerprint`.
    pub fn finish(mut self, fingerprint: u64) -> std::io::Result<()> {
        use std::io::{Read as _, Seek as _};
        let headers = serde_json::to_vec(&self.headers).map_err(std::io::Error::other)?;
        let mut spill = self.texts.into_inner().map_err(|e| e.into_error())?;
        spill.as_file_mut().seek(std::io::SeekFrom::Start(0))?;
        self.exact.par_sort_unstable();
        let (count, exact) = (self.rows.len(), &self.exact);
        let lens = [
            self.text_len as usize,
            self.lengths.len(),
            self.text_starts.len() * 8,
            self.length_starts.len() * 8,
            count * 4,
            count * 8,
            headers.len(),
            exact.len() * 8,
            exact.len(),
            exact.len() * 8,
            exact.len() * 4,
        ];
        let mut failed = None;
        let fill = |i: usize, put: &mut dyn FnMut(&[u8])| match i {
            TEXTS => {
                let mut buffer = vec![0u8; 1 << 20];
                loop {
                    match spill.as_file_mut().read(&mut buffer) {
                        Ok(0) => break,
                        Ok(n) => put(&buffer[..n]),
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
            }
            LENGTHS => put(&self.lengths),
            TEXT_STARTS => put(bytes_of(&self.text_starts)),
            LENGTH_STARTS => put(bytes_of(&self.length_starts)),
            FILES => put(bytes_of(&self.files)),
            ROWS => put(bytes_of(&self.rows)),
            HEADERS => put(&headers),
            EXACT_HASH => exact.iter().for_each(|r| put(&r.0.to_ne_bytes())),
            EXACT_IN_USE => exact.iter().for_each(|r| put(&[u8::from(r.1)])),
            EXACT_CHANGED => exact.iter().for_each(|r| put(&r.2.to_ne_bytes())),
            _ => exact.iter().for_each(|r| put(&r.3.to_ne_bytes())),
        };
        let written = Arrays::write_streamed(&KIND, &self.path, fingerprint, count, &lens, fill);
        match failed {
            Some(e) => Err(e),
            None => written,
        }
    }
}

/// The texts of an entry, read one after another from the entry's own text.
struct Texts<'a> {
    text: &'a str,
    lengths: &'a [u8],
    /// Where the next text and the next length start.
    at: usize,
    length_at: usize,
}

impl Texts<'_> {
    /// The next text: as many bytes as its length says, on character boundaries.
    fn next<T: for<'t> From<&'t str>>(&mut self) -> Option<T> {
        let len = get_leb128(self.lengths, &mut self.length_at)?;
        let t = self.text.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(T::from(t))
    }
}

/// A snapshot opened for the memory at a path: its tables checked, its entries read
/// when asked, all of them ([`Snapshot::read`]) or a few ([`Snapshot::part`]).
pub struct Snapshot {
    arrays: Arrays,
    /// The memory's files now, with the headers the snapshot keeps.
    files: Vec<MemoryFile>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "kept memory of {} entries", self.arrays.entries)
    }
}

impl Snapshot {
    /// Checks `arrays` as the snapshot of the memory at `path`: every table's length
    /// and order, and that the files it names are the files at `path` now, in order
    /// ([`super::csv_files`]). The texts are checked as they are read. A memory on a
    /// server (`path` is `None`) has its files named as kept.
    pub fn new(arrays: Arrays, path: Option<&Path>) -> Result<Snapshot, Damage> {
        let fail = |what| Err(Damage::Malformed(what));
        let count = arrays.entries;
        let Some(ends) = count.checked_add(1) else {
            return fail("its entry count is beyond any memory");
        };
        let text_starts: &[u64] = arrays.array(TEXT_STARTS);
        let length_starts: &[u64] = arrays.array(LENGTH_STARTS);
        let file_of: &[u32] = arrays.array(FILES);
        if text_starts.len() != ends
            || length_starts.len() != ends
            || file_of.len() != count
            || arrays.array::<u64>(ROWS).len() != count
        {
            return fail("its entry tables differ in length");
        }
        let (text, lengths) = (arrays.array::<u8>(TEXTS).len(), arrays.array::<u8>(LENGTHS).len());
        if !rises_to(text_starts, text as u64) || !rises_to(length_starts, lengths as u64) {
            return fail("its entries' texts do not rise to their end");
        }
        let Ok(headers) = serde_json::from_slice::<Vec<File>>(arrays.array(HEADERS)) else {
            return fail("its list of files is not readable");
        };
        // A memory on a server has no files to check: its files are named as kept.
        let Some(path) = path else {
            if !file_of.iter().all(|&f| (f as usize) < headers.len()) {
                return fail("an entry's file is not one of the memory's");
            }
            exact_columns(&arrays, count)?;
            let files =
                headers.into_iter().map(|f| MemoryFile { path: f.name.into(), columns: f.columns }).collect();
            return Ok(Snapshot { arrays, files });
        };
        let now = super::csv_files(path).map_err(|e| Damage::Unreadable(e.to_string()))?;
        let same = now.len() == headers.len()
            && now.iter().zip(&headers).all(|(p, f)| p.file_name().is_some_and(|n| f.is(n)));
        if !same {
            return Err(Damage::Stale);
        }
        if !file_of.iter().all(|&f| (f as usize) < headers.len()) {
            return fail("an entry's file is not one of the memory's");
        }
        exact_columns(&arrays, count)?;
        let files =
            now.into_iter().zip(headers).map(|(path, f)| MemoryFile { path, columns: f.columns }).collect();
        Ok(Snapshot { arrays, files })
    }

    /// How many entries the memory has.
    pub fn len(&self) -> usize {
        self.arrays.entries
    }

    /// Whether the memory has none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entry `i`, its texts within `text` (the snapshot's texts, checked as UTF-8 up to
    /// where they are used).
    fn entry_in(&self, text: &str, base: usize, i: usize) -> Option<Entry> {
        let text_starts: &[u64] = self.arrays.array(TEXT_STARTS);
        let length_starts: &[u64] = self.arrays.array(LENGTH_STARTS);
        let lengths: &[u8] = self.arrays.array(LENGTHS);
        let (start, end) = (text_starts[i] as usize - base, text_starts[i + 1] as usize - base);
        let length_end = length_starts[i + 1] as usize;
        let mut texts = Texts {
            text: text.get(..end)?,
            lengths: &lengths[..length_end],
            at: start,
            length_at: length_starts[i] as usize,
        };
        let mut entry = Entry {
            source: texts.next::<String>()?,
            target: texts.next::<String>()?,
            created: texts.next::<Short>()?,
            changed: texts.next::<Short>()?,
            translator: texts.next::<Short>()?,
            origin: texts.next::<Short>()?,
            note: texts.next::<String>()?,
            retired: texts.next::<Short>()?,
            import: texts.next::<Short>()?,
            retired_by: texts.next::<Short>()?,
            prev: texts.next::<String>()?,
            next: texts.next::<String>()?,
            extra: Vec::new(),
            file: self.arrays.array::<u32>(FILES)[i] as usize,
            row: self.arrays.array::<u64>(ROWS)[i],
        };
        while texts.length_at < length_end {
            let name = texts.next()?;
            entry.extra.push((name, texts.next()?));
        }
        (texts.at == end).then_some(entry)
    }

    /// Entry `i` alone, its texts checked as it is read; `None` when there is no such
    /// entry or its texts are damaged.
    pub fn entry(&self, i: usize) -> Option<Entry> {
        let text_starts: &[u64] = self.arrays.array(TEXT_STARTS);
        let (start, end) = (*text_starts.get(i)? as usize, *text_starts.get(i + 1)? as usize);
        let text = std::str::from_utf8(&self.arrays.array::<u8>(TEXTS)[start..end]).ok()?;
        // `entry_in` reads from the start of `text`, which here is the entry's own.
        self.entry_in(text, start, i)
    }

    /// The whole memory, read on every core.
    pub fn read(&self) -> Result<Memory, Damage> {
        let count = self.len();
        let Some(text) = utf8(self.arrays.array(TEXTS)) else {
            return Err(Damage::Malformed("its texts are not UTF-8"));
        };
        let entries: Option<Vec<Entry>> =
            (0..count).into_par_iter().map(|i| self.entry_in(text, 0, i)).collect();
        let Some(entries) = entries else {
            return Err(Damage::Malformed("an entry's texts are cut wrong"));
        };
        let memory = Memory::from_files(self.files.clone(), entries);
        let _ = memory.exact.set(exact_columns(&self.arrays, count)?);
        Ok(memory)
    }

    /// A memory of only what a command about the sentences `ids` ([`SegmentId`]) and
    /// the entries `numbers` needs: those entries, and every translation of each of
    /// those sentences (retired ones too), in file order, so [`Memory::exact`],
    /// [`Memory::in_context`] and [`Memory::history`] answer for them as on the whole
    /// memory. Returns it with the number in the whole memory of each of its entries.
    pub fn part(
        &self,
        ids: &[SegmentId],
        numbers: impl IntoIterator<Item = usize>,
    ) -> Result<(Memory, Vec<usize>), Damage> {
        let mut wanted: Vec<usize> = numbers.into_iter().collect();
        for &id in ids {
            wanted.extend(self.exact_entries(id));
        }
        wanted.sort_unstable();
        wanted.dedup();
        let entries: Option<Vec<Entry>> = wanted.par_iter().map(|&i| self.entry(i)).collect();
        let entries = entries.ok_or(Damage::Malformed("an entry's texts are cut wrong"))?;
        Ok((Memory::from_files(self.files.clone(), entries), wanted))
    }
}

impl Snapshot {
    /// The entries with a translation (retired or not) whose source has the id `id` (the
    /// hash of its normalised text), by the exact-lookup table.
    pub fn exact_entries(&self, id: SegmentId) -> Vec<usize> {
        let hash: &[u64] = self.arrays.array(EXACT_HASH);
        let entry: &[u32] = self.arrays.array(EXACT_ENTRY);
        let h = id.0;
        let at = hash.partition_point(|&x| x < h);
        let same = hash[at..].iter().take_while(|&&x| x == h).count();
        entry[at..at + same].iter().map(|&e| e as usize).collect()
    }

    /// Whether entry `i` is retired, read from its `retired` text alone; `None` when
    /// there is no such entry or its texts are cut wrong.
    fn is_retired(&self, i: usize) -> Option<bool> {
        let text_starts: &[u64] = self.arrays.array(TEXT_STARTS);
        let length_starts: &[u64] = self.arrays.array(LENGTH_STARTS);
        let lengths = self.arrays.array::<u8>(LENGTHS).get(..*length_starts.get(i + 1)? as usize)?;
        let mut at = *length_starts.get(i)? as usize;
        let mut start = *text_starts.get(i)? as usize;
        // `retired` is the eighth of the known texts.
        for _ in 0..7 {
            start = start.checked_add(get_leb128(lengths, &mut at)?)?;
        }
        let len = get_leb128(lengths, &mut at)?;
        let end = start.checked_add(len)?;
        if end > *text_starts.get(i + 1)? as usize {
            return None;
        }
        let text = std::str::from_utf8(self.arrays.array::<u8>(TEXTS).get(start..end)?).ok()?;
        Some(!text.trim().is_empty())
    }

    /// How many of the entries `skip` leaves are retired, read on every core from their
    /// `retired` texts alone.
    pub fn retired(&self, skip: impl Fn(usize) -> bool + Sync) -> Result<usize, Damage> {
        let retired: Option<usize> = (0..self.len())
            .into_par_iter()
            .filter(|&i| !skip(i))
            .map(|i| self.is_retired(i).map(usize::from))
            .sum();
        retired.ok_or(Damage::Malformed("an entry's texts are cut wrong"))
    }

    /// The sentences (by [`SegmentId`], the hash of the normalised source) with two or
    /// more translations in use, the only ones that can have competing translations: by
    /// the exact-lookup table, leaving out the entries `skip` says and counting for each
    /// hash the translations in use `more` adds. In order, each once.
    pub fn shared_ids(&self, skip: impl Fn(usize) -> bool, more: &HashMap<u64, usize>) -> Vec<SegmentId> {
        let hash: &[u64] = self.arrays.array(EXACT_HASH);
        let in_use: &[u8] = self.arrays.array(EXACT_IN_USE);
        let entry: &[u32] = self.arrays.array(EXACT_ENTRY);
        let mut out = Vec::new();
        let mut at = 0;
        while at < hash.len() {
            let h = hash[at];
            let same = hash[at..].iter().take_while(|&&x| x == h).count();
            let live = (at..at + same).filter(|&k| in_use[k] == 1 && !skip(entry[k] as usize)).count();
            if live + more.get(&h).copied().unwrap_or(0) >= 2 {
                out.push(SegmentId(h));
            }
            at += same;
        }
        let only_more = more.iter().filter(|&(h, &n)| n >= 2 && hash.binary_search(h).is_err());
        out.extend(only_more.map(|(&h, _)| SegmentId(h)));
        out.sort_unstable_by_key(|id| id.0);
        out
    }

    /// The number of file `file`'s first entry (entries are in file order).
    pub fn file_start(&self, file: usize) -> usize {
        self.arrays.array::<u32>(FILES).partition_point(|&f| (f as usize) < file)
    }
}

/// The exact-lookup table kept in `arrays`, checked: its columns of one length, its
/// entries the memory's, its rows in order.
fn exact_columns(arrays: &Arrays, count: usize) -> Result<Vec<super::Row>, Damage> {
    let hash: &[u64] = arrays.array(EXACT_HASH);
    let in_use: &[u8] = arrays.array(EXACT_IN_USE);
    let changed: &[i64] = arrays.array(EXACT_CHANGED);
    let entry: &[u32] = arrays.array(EXACT_ENTRY);
    let n = hash.len();
    if in_use.len() != n || changed.len() != n || entry.len() != n {
        return Err(Damage::Malformed("its exact-lookup columns differ in length"));
    }
    let rows: Vec<super::Row> =
        (0..n).into_par_iter().map(|i| (hash[i], in_use[i] == 1, changed[i], entry[i])).collect();
    let whole = rows.par_windows(2).all(|w| w[0] <= w[1]) && rows.par_iter().all(|r| (r.3 as usize) < count);
    if !whole {
        return Err(Damage::Malformed("its exact-lookup table is out of order or beyond the memory"));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memory at `path` from its snapshot.
    fn read(arrays: Arrays, path: &Path) -> Result<Memory, Damage> {
        Snapshot::new(arrays, Some(path))?.read()
    }

    #[test]
    fn a_memory_reads_back_from_its_snapshot_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("memory");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(
            folder.join("a.csv"),
            "source,target,changed,prev,Kunde,next\n\
             Hei.,Hello.,2026-11-22T12:00:00Z,,Lyse,Ha det.\n\
             \"Han sa «ja», \"\"ja\"\".\",\"He said \"\"yes\"\".\",,Før.,,\n",
        )
        .unwrap();
        std::fs::write(folder.join("b.csv"), "target,source,note\nBye.,Ha det.,kort\n").unwrap();
        let memory = Memory::load(&folder).unwrap();
        let file = dir.path().join("snapshot");
        write(&memory, 9, &file).unwrap();
        let snapshot = Arrays::open_any(&KIND, &file).unwrap();
        let back = read(snapshot, &folder).unwrap();
        assert_eq!(back.entries, memory.entries);
        assert_eq!(back.files(), memory.files());
        assert_eq!(back.exact_table(), memory.exact_table());
        assert_eq!(back.exact("Ha det.").map(|e| &e.target), Some(&"Bye.".to_string()));
        // A file more, or one less, and the snapshot is not this memory's.
        std::fs::write(folder.join("c.csv"), "source,target\n").unwrap();
        let snapshot = Arrays::open_any(&KIND, &file).unwrap();
        assert_eq!(read(snapshot, &folder).unwrap_err(), Damage::Stale);
    }

    /// A snapshot of one entry of `fields` laid out, checksum and all, with `lengths`
    /// for its texts' lengths when given and `headers` for its files.
    fn lay(fields: &[&[u8]], lengths: Option<Vec<u8>>, headers: &str) -> Arrays {
        let text: Vec<u8> = fields.concat();
        let lengths = lengths.unwrap_or_else(|| fields.iter().map(|f| f.len() as u8).collect());
        let (text_starts, length_starts) = ([0, text.len() as u64], [0, lengths.len() as u64]);
        let (files, rows) = ([0u32], [2u64]);
        let exact = ([1u64], [1u8], [0i64], [0u32]);
        let sections: [&[u8]; 11] = [
            &text,
            &lengths,
            bytes_of(&text_starts),
            bytes_of(&length_starts),
            bytes_of(&files),
            bytes_of(&rows),
            headers.as_bytes(),
            bytes_of(&exact.0),
            &exact.1,
            bytes_of(&exact.2),
            bytes_of(&exact.3),
        ];
        let lens: Vec<usize> = sections.iter().map(|s| s.len()).collect();
        Arrays::lay_out(&KIND, 1, 1, &lens, |i, out| out.copy_from_slice(sections[i])).unwrap()
    }

    #[test]
    fn a_snapshot_whose_content_is_wrong_is_refused_though_its_checksum_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tm.csv");
        std::fs::write(&path, "source,target\nHei.,Hello.\n").unwrap();
        let headers = r#"[{"name":"tm.csv","columns":["source","target"]}]"#;
        let mut fields: Vec<&[u8]> = vec![b"Hei.", b"Hello."];
        fields.extend([b"".as_slice(); 10]);
        assert!(read(lay(&fields, None, headers), &path).is_ok());
        let malformed = |a: Arrays| matches!(read(a, &path), Err(Damage::Malformed(_)));
        // Too few texts, a length running past the texts, one cutting a character, an
        // extra column without a value, texts that are not UTF-8, and a list of files
        // that is no list.
        assert!(malformed(lay(&fields[..11], None, headers)));
        let mut long = vec![4, 7];
        long.extend([0; 10]);
        assert!(malformed(lay(&fields, Some(long), headers)));
        let mut cut = fields.clone();
        cut[0] = "Hé".as_bytes();
        let mut cutting = vec![2, 6];
        cutting.extend([0; 10]);
        let mut cutting_fields = cut.clone();
        cutting_fields[1] = b"Hello";
        cutting_fields.push(b"");
        assert!(malformed(lay(&cutting_fields, Some(cutting), headers)));
        let mut odd = fields.clone();
        odd.push(b"Kunde");
        assert!(malformed(lay(&odd, None, headers)));
        let mut bad = fields.clone();
        bad[0] = b"\xff";
        assert!(malformed(lay(&bad, None, headers)));
        assert!(malformed(lay(&fields, None, "[")));
        let other = r#"[{"name":"other.csv","columns":["source","target"]}]"#;
        assert_eq!(read(lay(&fields, None, other), &path).unwrap_err(), Damage::Stale);
    }

    #[test]
    fn lengths_round_trip_in_leb128() {
        for n in [0, 1, 127, 128, 300, 16_383, 16_384, usize::MAX >> 1] {
            let mut out = [0u8; 10];
            let written = put_leb128(n, &mut out);
            assert_eq!(written, leb128_len(n));
            let mut at = 0;
            assert_eq!(get_leb128(&out, &mut at), Some(n));
            assert_eq!(at, written);
        }
        assert_eq!(get_leb128(&[0x80; 11], &mut 0), None);
    }
}
