//! The memory as a cache file ([`crate::cache_file`]): every entry of every file, read
//! back on every core in a fraction of the time the CSV takes, so a command on a memory
//! of millions of entries does not parse it again until it changes.
//!
//! The sections: every text of every entry, one after another, each its length (LEB128)
//! then its bytes (`u8`): an entry's twelve [`super::KNOWN_COLUMNS`] in order, then
//! the name and value of each extra column; per entry, where its texts start (`u64`, one
//! more than the entries, the last the texts' end); per entry, its file (`u32`) and row
//! (`u64`); and each file's name and header as JSON (`u8`). It is written straight into
//! its file's bytes, so a memory is never held twice over. The files' places come from the
//! memory's path as given now, so a snapshot made from one folder reads right from
//! another. On top of the file's own checks, [`read`] checks every range and text before
//! any is used.

use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Entry, Memory, MemoryFile};
use crate::cache_file::{bytes_of, rises_to, Arrays, Damage, Kind};

/// The memory's kind of cache file; bump the version when the layout or [`Entry`]
/// changes.
pub const KIND: Kind = Kind { magic: *b"TOLKMEM\0", version: 1, widths: &[1, 8, 4, 8, 1], name: "memory" };

const TEXTS: usize = 0;
const STARTS: usize = 1;
const FILES: usize = 2;
const ROWS: usize = 3;
const HEADERS: usize = 4;

/// The bytes of `n` in LEB128.
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
    name: String,
    columns: Vec<String>,
}

/// The texts of an entry, in the snapshot's order.
fn texts(e: &Entry) -> impl Iterator<Item = &str> {
    let known = [
        &e.source,
        &e.target,
        &e.created,
        &e.changed,
        &e.translator,
        &e.origin,
        &e.note,
        &e.retired,
        &e.import,
        &e.retired_by,
        &e.prev,
        &e.next,
    ];
    known.into_iter().map(String::as_str).chain(e.extra.iter().flat_map(|(n, v)| [n.as_str(), v.as_str()]))
}

/// The snapshot of `memory`, whose fingerprint is `fingerprint`; `None` when a file's
/// name cannot be kept (not UTF-8).
pub fn make(memory: &Memory, fingerprint: u64) -> Option<Arrays> {
    let files: Option<Vec<File>> = memory
        .files()
        .iter()
        .map(|f| {
            let name = f.path.file_name()?.to_str()?.to_string();
            Some(File { name, columns: f.columns.clone() })
        })
        .collect();
    let headers = serde_json::to_vec(&files?).ok()?;
    let mut starts = Vec::with_capacity(memory.entries.len() + 1);
    let mut at = 0u64;
    for e in &memory.entries {
        starts.push(at);
        at += texts(e).map(|t| (leb128_len(t.len()) + t.len()) as u64).sum::<u64>();
    }
    starts.push(at);
    let files: Vec<u32> = memory.entries.iter().map(|e| e.file as u32).collect();
    let rows: Vec<u64> = memory.entries.iter().map(|e| e.row).collect();
    let lens = [at as usize, starts.len() * 8, files.len() * 4, rows.len() * 8, headers.len()];
    let fill = |i: usize, out: &mut [u8]| match i {
        TEXTS => {
            let mut at = 0;
            for t in memory.entries.iter().flat_map(texts) {
                at += put_leb128(t.len(), &mut out[at..]);
                out[at..at + t.len()].copy_from_slice(t.as_bytes());
                at += t.len();
            }
        }
        STARTS => out.copy_from_slice(bytes_of(&starts)),
        FILES => out.copy_from_slice(bytes_of(&files)),
        ROWS => out.copy_from_slice(bytes_of(&rows)),
        _ => out.copy_from_slice(&headers),
    };
    Arrays::lay_out(&KIND, fingerprint, memory.entries.len(), &lens, fill).ok()
}

/// The texts of an entry, read one after another.
struct Texts<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Texts<'_> {
    /// The next text: its length, then as many bytes of UTF-8.
    fn next(&mut self) -> Option<String> {
        let len = get_leb128(self.bytes, &mut self.at)?;
        let t = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        std::str::from_utf8(t).ok().map(str::to_string)
    }
}

/// The memory at `path` from its snapshot, checked through: the files it names must be
/// the files at `path` now, in order ([`super::csv_files`]).
pub fn read(arrays: &Arrays, path: &Path) -> Result<Memory, Damage> {
    let fail = |what| Err(Damage::Malformed(what));
    let text: &[u8] = arrays.array(TEXTS);
    let starts: &[u64] = arrays.array(STARTS);
    let file_of: &[u32] = arrays.array(FILES);
    let rows: &[u64] = arrays.array(ROWS);
    let count = arrays.entries;
    if starts.len() != count + 1 || file_of.len() != count || rows.len() != count {
        return fail("its entry tables differ in length");
    }
    if !rises_to(starts, text.len() as u64) {
        return fail("its entries' texts do not rise to their end");
    }
    let Ok(headers) = serde_json::from_slice::<Vec<File>>(arrays.array(HEADERS)) else {
        return fail("its list of files is not readable");
    };
    let now = super::csv_files(path).map_err(|e| Damage::Unreadable(e.to_string()))?;
    let same = now.len() == headers.len()
        && now
            .iter()
            .zip(&headers)
            .all(|(p, f)| p.file_name().and_then(|n| n.to_str()) == Some(f.name.as_str()));
    if !same {
        return Err(Damage::Stale);
    }
    if !file_of.iter().all(|&f| (f as usize) < headers.len()) {
        return fail("an entry's file is not one of the memory's");
    }
    let entries: Option<Vec<Entry>> = (0..count)
        .into_par_iter()
        .map(|i| {
            let end = starts[i] as usize..starts[i + 1] as usize;
            let mut texts = Texts { bytes: &text[..end.end], at: end.start };
            let mut next = || texts.next();
            let mut entry = Entry {
                source: next()?,
                target: next()?,
                created: next()?,
                changed: next()?,
                translator: next()?,
                origin: next()?,
                note: next()?,
                retired: next()?,
                import: next()?,
                retired_by: next()?,
                prev: next()?,
                next: next()?,
                extra: Vec::new(),
                file: file_of[i] as usize,
                row: rows[i],
            };
            while texts.at < end.end {
                let name = texts.next()?;
                entry.extra.push((name, texts.next()?));
            }
            (texts.at == end.end).then_some(entry)
        })
        .collect();
    let Some(entries) = entries else {
        return fail("an entry's texts are cut wrong or not UTF-8");
    };
    let files =
        now.into_iter().zip(headers).map(|(path, f)| MemoryFile { path, columns: f.columns }).collect();
    Ok(Memory::from_files(files, entries))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let snapshot = make(&memory, 9).unwrap();
        let back = read(&snapshot, &folder).unwrap();
        assert_eq!(back.entries, memory.entries);
        assert_eq!(back.files(), memory.files());
        // A file more, or one less, and the snapshot is not this memory's.
        std::fs::write(folder.join("c.csv"), "source,target\n").unwrap();
        assert_eq!(read(&snapshot, &folder).unwrap_err(), Damage::Stale);
    }

    /// A snapshot of one entry laid out from the given sections, checksum and all.
    fn lay(text: &[u8], starts: &[u64], headers: &str) -> Arrays {
        let (files, rows) = ([0u32], [2u64]);
        let sections: [&[u8]; 5] =
            [text, bytes_of(starts), bytes_of(&files), bytes_of(&rows), headers.as_bytes()];
        let lens: Vec<usize> = sections.iter().map(|s| s.len()).collect();
        Arrays::lay_out(&KIND, 1, 1, &lens, |i, out| out.copy_from_slice(sections[i])).unwrap()
    }

    /// An entry's texts as the snapshot writes them.
    fn texts_of(texts: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for t in texts {
            out.push(t.len() as u8);
            out.extend_from_slice(t);
        }
        out
    }

    #[test]
    fn a_snapshot_whose_content_is_wrong_is_refused_though_its_checksum_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tm.csv");
        std::fs::write(&path, "source,target\nHei.,Hello.\n").unwrap();
        let headers = r#"[{"name":"tm.csv","columns":["source","target"]}]"#;
        let mut fields: Vec<&[u8]> = vec![b"Hei.", b"Hello."];
        fields.extend([b"".as_slice(); 10]);
        let good = texts_of(&fields);
        let end = good.len() as u64;
        assert!(read(&lay(&good, &[0, end], headers), &path).is_ok());
        let malformed = |a: Arrays| matches!(read(&a, &path), Err(Damage::Malformed(_)));
        // An entry that ends beyond the texts, or before them, too few texts, a text
        // cut inside a character, a length running past the entry, an extra column
        // without a value, and a list of files that is no list.
        assert!(malformed(lay(&good, &[0, end + 1], headers)));
        assert!(malformed(lay(&good, &[0, end - 1], headers)));
        assert!(malformed(lay(&texts_of(&fields[..11]), &[0, end - 1], headers)));
        let mut cut = fields.clone();
        cut[0] = &"é".as_bytes()[..1];
        let cut = texts_of(&cut);
        assert!(malformed(lay(&cut, &[0, cut.len() as u64], headers)));
        let mut long = good.clone();
        long[0] = 200;
        assert!(malformed(lay(&long, &[0, end], headers)));
        let mut odd = fields.clone();
        odd.push(b"Kunde");
        let odd = texts_of(&odd);
        assert!(malformed(lay(&odd, &[0, odd.len() as u64], headers)));
        assert!(malformed(lay(&good, &[0, end], "[")));
        let other = r#"[{"name":"other.csv","columns":["source","target"]}]"#;
        assert_eq!(read(&lay(&good, &[0, end], other), &path).unwrap_err(), Damage::Stale);
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
