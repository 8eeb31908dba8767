//! A kept memory's changes since it was kept: what the writes since made of it, kept
//! beside its cache file ([`super::snapshot`]) so that the next command opens the memory
//! as it is now at the cost of the change, not of the memory.
//!
//! Every write tolk makes to a CSV memory adds entries at the end of one file (the file
//! new translations go to) and changes entries in place (retires them or puts them
//! back); nothing is deleted. So the memory now is the kept one with some entries
//! replaced and one block of entries inserted: a [`Plan`] says where (the kept
//! memory's entries from `at` on are `shift` further on now, the block before them) and
//! which were replaced; the entries replaced and added are a small snapshot of their
//! own, in the order of the memory now. A file tolk wrote holds one row per entry under
//! its header, so the kept entries of a file written since are on rows `2, 3, …` of it,
//! whatever blank rows it had before; the plan names those files.
//!
//! The changes of several writes in a row are one plan over the same kept memory
//! ([`follow`]): the block only grows, at the end of the same file. A plan's entries are
//! read back through the memory's own reader when it is made, so they are what the CSV
//! files give; a property test checks that the memory kept and followed reads as its
//! CSV files.
//!
//! The map file's sections: the kept memory's fingerprint, entry count, `at` and
//! `shift` (`u64` each); the kept memory's entries replaced (`u32`, rising); each entry
//! of the plan's own snapshot's number in the memory now (`u64`, rising); and the files
//! written since (`u32`, rising). Its header's fingerprint and entry count are the
//! memory's now.

use std::collections::HashMap;
use std::path::Path;

use super::store::Rewrite;
use super::{Entry, Memory, MemoryFile, Row};
use crate::cache_file::{bytes_of, Arrays, Damage, Kind};
use crate::text::SegmentId;

/// The map's kind of cache file.
pub const KIND: Kind = Kind {
    magic: *b"TOLKDLT\0",
    version: 1,
    widths: &[8, 4, 8, 4],
    name: "tolk's kept changes",
    opening_reads_all: false,
};

const HEAD: usize = 0;
const REPLACED: usize = 1;
const NUMBERS: usize = 2;
const REWRITTEN: usize = 3;

/// Where the entries of a kept memory are in the memory now, and which were replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The fingerprint of the kept memory ([`super::fingerprint`]).
    pub base_fingerprint: u64,
    /// How many entries it has.
    pub base_len: usize,
    /// Its entries from `at` on are `shift` further on now: the `shift` entries added
    /// since are before them, at the end of the file new translations go to.
    pub at: usize,
    pub shift: usize,
    /// Its entries that are replaced now (changed since), rising.
    pub replaced: Vec<u32>,
    /// The number now of each entry of the plan's own (replaced or added), rising.
    pub numbers: Vec<u64>,
    /// The files (by number) written since: their kept entries are on rows `2, 3, …`.
    pub rewritten: Vec<u32>,
}

impl Plan {
    /// The number now of the kept memory's entry `j`.
    pub fn now(&self, j: usize) -> usize {
        if j >= self.at {
            j + self.shift
        } else {
            j
        }
    }

    /// How many entries the memory has now.
    pub fn len(&self) -> usize {
        self.base_len + self.shift
    }

    /// Whether the memory has none now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether entry `j` of the kept memory it follows was changed since: its
    /// version now is one of the plan's own entries.
    pub fn is_replaced(&self, j: usize) -> bool {
        self.replaced.binary_search(&(j as u32)).is_ok()
    }

    fn is_rewritten(&self, file: usize) -> bool {
        self.rewritten.binary_search(&(file as u32)).is_ok()
    }

    /// Writes the plan of the memory whose fingerprint is `fingerprint` now to `path`,
    /// through a temporary file renamed over it.
    pub fn write(&self, fingerprint: u64, path: &Path) -> std::io::Result<()> {
        let head = [self.base_fingerprint, self.base_len as u64, self.at as u64, self.shift as u64];
        let lens = [32, self.replaced.len() * 4, self.numbers.len() * 8, self.rewritten.len() * 4];
        Arrays::write_streamed(&KIND, path, fingerprint, self.len(), &lens, |i, put| match i {
            HEAD => put(bytes_of(&head)),
            REPLACED => put(bytes_of(&self.replaced)),
            NUMBERS => put(bytes_of(&self.numbers)),
            _ => put(bytes_of(&self.rewritten)),
        })
    }

    /// The fingerprint of the kept memory the plan at `path` follows, whatever the
    /// memory's now, when it is a whole plan.
    pub fn kept_over(path: &Path) -> Option<u64> {
        Arrays::open_any(&KIND, path).ok()?.array::<u64>(HEAD).first().copied()
    }

    /// The plan at `path`, when it is whole and of the memory whose fingerprint is
    /// `fingerprint` now; every number checked.
    pub fn open(path: &Path, fingerprint: u64) -> Result<Plan, Damage> {
        let arrays = Arrays::open_of(&KIND, path, fingerprint)?;
        let head: &[u64] = arrays.array(HEAD);
        let &[base_fingerprint, base_len, at, shift] = head else {
            return Err(Damage::Malformed("its head is not four numbers"));
        };
        let number = |n: u64| usize::try_from(n).ok().filter(|&n| n <= u32::MAX as usize);
        let (Some(base_len), Some(at), Some(shift)) = (number(base_len), number(at), number(shift)) else {
            return Err(Damage::Malformed("a count is beyond any memory"));
        };
        let plan = Plan {
            base_fingerprint,
            base_len,
            at,
            shift,
            replaced: arrays.array::<u32>(REPLACED).to_vec(),
            numbers: arrays.array::<u64>(NUMBERS).to_vec(),
            rewritten: arrays.array::<u32>(REWRITTEN).to_vec(),
        };
        let rising32 = |v: &[u32]| v.windows(2).all(|w| w[0] < w[1]);
        let whole = at <= base_len
            && arrays.entries == plan.len()
            && rising32(&plan.replaced)
            && plan.replaced.last().is_none_or(|&j| (j as usize) < base_len)
            && rising32(&plan.rewritten)
            && plan.numbers.windows(2).all(|w| w[0] < w[1])
            && plan.numbers.len() == plan.replaced.len() + shift
            && plan.numbers.last().is_none_or(|&n| (n as usize) < plan.len());
        if !whole {
            return Err(Damage::Malformed("its numbers are out of order or beyond the memory"));
        }
        Ok(plan)
    }
}

/// The memory now: the kept memory `base` (read whole) with the plan's `entries` (its
/// own snapshot, read whole, with the memory's files now) in place.
pub fn apply(base: Memory, plan: &Plan, entries: Memory) -> Result<Memory, Damage> {
    if base.entries.len() != plan.base_len || entries.entries.len() != plan.numbers.len() {
        return Err(Damage::Malformed("its entries are not the plan's"));
    }
    let exact = base.exact.get().map(|rows| patch_exact(rows, plan, &entries.entries));
    // In place: a memory of millions of entries is not held twice.
    let Memory { entries: mut out, .. } = base;
    let Memory { files, entries: own, .. } = entries;
    let mut file_start = (usize::MAX, 0);
    for (j, entry) in out.iter_mut().enumerate() {
        if file_start.0 != entry.file {
            file_start = (entry.file, j);
        }
        if plan.is_rewritten(entry.file) {
            entry.row = 2 + (j - file_start.1) as u64;
        }
    }
    let block = plan.at..plan.at + plan.shift;
    let mut added = Vec::with_capacity(plan.shift);
    for (&n, entry) in plan.numbers.iter().zip(own) {
        let n = n as usize;
        if block.contains(&n) {
            added.push(entry);
        } else {
            let j = if n >= block.end { n - plan.shift } else { n };
            match out.get_mut(j) {
                Some(slot) if plan.is_replaced(j) => *slot = entry,
                _ => return Err(Damage::Malformed("its entries are not the plan's")),
            }
        }
    }
    if added.len() != plan.shift {
        return Err(Damage::Malformed("its entries are not the plan's"));
    }
    out.splice(plan.at..plan.at, added);
    let memory = Memory::from_files(files, out);
    if let Some(exact) = exact {
        let _ = memory.exact.set(exact);
    }
    Ok(memory)
}

/// The kept memory's exact table `rows` as it is now: the rows of entries replaced
/// left out, the others renumbered, and the rows of the plan's own `entries` merged in.
fn patch_exact(rows: &[Row], plan: &Plan, entries: &[Entry]) -> Vec<Row> {
    let mut own = exact_rows(plan, entries);
    own.sort_unstable();
    let kept = rows
        .iter()
        .filter(|r| !plan.is_replaced(r.3 as usize))
        .map(|&(h, in_use, changed, j)| (h, in_use, changed, plan.now(j as usize) as u32));
    let mut out = Vec::with_capacity(rows.len() + own.len());
    let mut own = own.into_iter().peekable();
    for row in kept {
        while own.peek().is_some_and(|o| *o < row) {
            out.extend(own.next());
        }
        out.push(row);
    }
    out.extend(own);
    out
}

/// The exact table's rows of the plan's own `entries`, numbered as the memory is now.
fn exact_rows(plan: &Plan, entries: &[Entry]) -> Vec<Row> {
    entries.iter().zip(&plan.numbers).filter_map(|(e, &n)| super::exact_row(e, n as usize)).collect()
}

/// What [`super::snapshot::Snapshot::part`] gives, of the memory now: the entries
/// `numbers` (numbered now) and every translation of each of the sentences `ids`, with
/// the number now of each; `base` is the kept memory the plan follows, `entries` the
/// plan's own.
pub fn part(
    plan: &Plan,
    entries: &Memory,
    base: &super::snapshot::Snapshot,
    ids: &[SegmentId],
    numbers: impl IntoIterator<Item = usize>,
) -> Result<(Memory, Vec<usize>), Damage> {
    if entries.entries.len() != plan.numbers.len() {
        return Err(Damage::Malformed("its entries are not the plan's"));
    }
    let mut wanted: Vec<usize> = numbers.into_iter().collect();
    // The plan's own translations by the id of their source, hashed once: a command may
    // ask for many sentences (`analyze`, every one whose translations may compete).
    let mut own: HashMap<u64, Vec<usize>> = HashMap::new();
    for (e, &n) in entries.entries.iter().zip(&plan.numbers).filter(|(e, _)| !e.target.is_empty()) {
        own.entry(SegmentId::of(&e.source).0).or_default().push(n as usize);
    }
    for &id in ids {
        let kept = base.exact_entries(id).into_iter().filter(|&j| !plan.is_replaced(j));
        wanted.extend(kept.map(|j| plan.now(j)));
        wanted.extend(own.get(&id.0).into_iter().flatten());
    }
    wanted.sort_unstable();
    wanted.dedup();
    let bad = || Damage::Malformed("an entry's texts are cut wrong");
    let mut out = Vec::with_capacity(wanted.len());
    for &n in &wanted {
        if let Ok(i) = plan.numbers.binary_search(&(n as u64)) {
            out.push(entries.entries[i].clone());
            continue;
        }
        let j = if n >= plan.at + plan.shift { n - plan.shift } else { n };
        if n >= plan.at && n < plan.at + plan.shift || j >= plan.base_len {
            return Err(bad());
        }
        let mut entry = base.entry(j).ok_or_else(bad)?;
        if plan.is_rewritten(entry.file) {
            entry.row = 2 + j.saturating_sub(base.file_start(entry.file)) as u64;
        }
        out.push(entry);
    }
    Ok((Memory::from_files(entries.files().to_vec(), out), wanted))
}

/// The plan of the memory after `write`, which started from the kept memory of
/// `base_len` entries and fingerprint `base_fingerprint` followed by `plan` (none when
/// it started from the kept memory itself), with the plan's own entries as the CSV
/// files now give them, and the memory's files now. An error when an entry would not
/// read back (the copy is then made again from the files).
pub fn follow(
    base_fingerprint: u64,
    base_len: usize,
    plan: Option<&Plan>,
    write: &Rewrite<'_>,
) -> crate::error::Result<(Plan, Memory)> {
    let m = write.memory;
    let start = |f: usize| m.entries.partition_point(|e| e.file < f);
    let (old_at, old_shift) = plan.map_or((base_len, 0), |p| (p.at, p.shift));
    // The block of entries added goes at the end of the file they are added to; once
    // there is one, it is there already.
    let at = match (old_shift, write.added_to) {
        (0, Some(f)) if !write.added.is_empty() => start(f + 1),
        _ => old_at,
    };
    let shift = old_shift + write.added.len();
    let block = at..at + old_shift;
    // The kept memory's entry at `x` now (outside the block).
    let base_of = |x: usize| if x >= at + old_shift { x - old_shift } else { x };
    let mut replaced: Vec<u32> = plan.map_or_else(Vec::new, |p| p.replaced.clone());
    replaced.extend(write.changed.iter().filter(|x| !block.contains(x)).map(|&x| base_of(x) as u32));
    replaced.sort_unstable();
    replaced.dedup();
    let mut rewritten: Vec<u32> = plan.map_or_else(Vec::new, |p| p.rewritten.clone());
    rewritten.extend(write.files.iter().map(|&(f, _, _)| f as u32));
    rewritten.sort_unstable();
    rewritten.dedup();
    let new = Plan { base_fingerprint, base_len, at, shift, replaced, numbers: Vec::new(), rewritten };
    // The plan's own entries, numbered now: those replaced and the block, in order.
    let mut own: Vec<(u64, Entry)> = Vec::with_capacity(new.replaced.len() + shift);
    for &j in &new.replaced {
        let j = j as usize;
        let x = if j >= at { j + old_shift } else { j };
        let entry = m.entries.get(x).ok_or_else(|| crate::error::Error::Invalid("no such entry".into()))?;
        own.push((new.now(j) as u64, entry.clone()));
    }
    for x in block.clone() {
        let entry = m.entries.get(x).ok_or_else(|| crate::error::Error::Invalid("no such entry".into()))?;
        own.push((x as u64, entry.clone()));
    }
    for (i, e) in write.added.iter().enumerate() {
        let file = write.added_to.unwrap_or_default();
        own.push(((at + old_shift + i) as u64, Entry { file, ..e.clone() }));
    }
    own.sort_by_key(|(n, _)| *n);
    // Each as its file's reader gives it, on its row of the file now.
    let mut files: Vec<MemoryFile> = m.files().to_vec();
    let added = write.added.len();
    let start_now = |f: usize| start(f) + if write.added_to.is_some_and(|a| f > a) { added } else { 0 };
    for &(f, bytes, _) in write.files {
        let columns = header_of(bytes).ok_or_else(|| crate::error::Error::Invalid("no header".into()))?;
        let path = files[f].path.clone();
        let mine: Vec<usize> = (0..own.len()).filter(|&i| own[i].1.file == f).collect();
        let mut text = Vec::new();
        super::write_csv(&columns, mine.iter().map(|&i| &own[i].1), &mut text)
            .map_err(|e| crate::error::Error::Invalid(e.to_string()))?;
        let mut back = Vec::with_capacity(mine.len());
        files[f].columns = super::read_bytes(&path, &text, f, &mut back)?;
        if back.len() != mine.len() {
            return Err(crate::error::Error::Invalid("an entry would not read back".into()));
        }
        for (i, mut entry) in mine.into_iter().zip(back) {
            let place = (own[i].0 as usize).checked_sub(start_now(f));
            let place =
                place.ok_or_else(|| crate::error::Error::Invalid("an entry out of its file".into()))?;
            entry.row = 2 + place as u64;
            own[i].1 = entry;
        }
    }
    let (numbers, entries): (Vec<u64>, Vec<Entry>) = own.into_iter().unzip();
    Ok((Plan { numbers, ..new }, Memory::from_files(files, entries)))
}

/// The header of a memory file's bytes as written: its first record.
fn header_of(bytes: &[u8]) -> Option<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let record = reader.records().next()?.ok()?;
    Some(record.iter().map(str::to_string).collect())
}
