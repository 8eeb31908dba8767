//! Imports as the memory records them: every import that changes the memory gets an id
//! ([`ImportId`], `i` + its UTC time), written in the `import` column of each entry it
//! adds and the `retired_by` column of each entry it retires (`import --overwrite`).
//! From those two columns alone this module lists the imports ([`imports`], `tm
//! history` without a sentence) and undoes one ([`revert`], `tm revert ID`).
//!
//! There is no separate log to keep in step with the memory: an import is exactly the
//! entries that name it, so a memory file copied, merged or edited in a spreadsheet still
//! tells its own history. Like [`super::history`], every rule here is a pure function of
//! a snapshot and the time that returns [`Change`]s for a [`super::MemoryStore`] to make;
//! it reads no file and prints nothing. A value of `import` or `retired_by` that is no
//! import id (a column of that name a user had before) is kept as written and ignored.

use std::collections::BTreeMap;
use std::fmt;

use super::history::HistoryError;
use crate::memory::{Change, Memory};
use crate::timestamp::Timestamp;

/// The id of one import: `i` + its UTC time as `YYYYMMDD-HHMMSS`, and `-2`, `-3`, ... for
/// a second and third import in the same second. Ids order by time, then by that number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImportId {
    /// When the import was made, to the second.
    pub at: Timestamp,
    /// 1 for the first import of that second, 2 for the second, ...
    pub n: u32,
}

impl ImportId {
    /// `i20261130-061500`, `i20261130-061500-2`; anything else is no import id. The time
    /// must be a real one, and the number written as the id writes it (no `-1`, no `-02`),
    /// so every id has one spelling.
    pub fn parse(text: &str) -> Option<ImportId> {
        let rest = text.trim().strip_prefix('i')?;
        let b = rest.as_bytes();
        if b.len() < 15 || b[8] != b'-' || !b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit) {
            return None;
        }
        let at = Timestamp::parse(&format!("{}T{}Z", &rest[..8], &rest[9..15]))?;
        let n = match &rest[15..] {
            "" => 1,
            more => more.strip_prefix('-')?.parse().ok().filter(|&n| n >= 2)?,
        };
        let id = ImportId { at, n };
        (id.to_string() == text.trim()).then_some(id)
    }

    /// The id of an import made at `at`, unused in `memory`: the next number of that
    /// second if an entry of the memory already names the plain one.
    pub fn fresh(memory: &Memory, at: Timestamp) -> ImportId {
        let n = memory
            .entries
            .iter()
            .flat_map(|e| [e.import.as_str(), e.retired_by.as_str()])
            .filter(|v| !v.is_empty())
            .filter_map(ImportId::parse)
            .filter(|id| id.at == at)
            .map(|id| id.n)
            .max()
            .map_or(1, |n| n + 1);
        ImportId { at, n }
    }
}

impl fmt::Display for ImportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The TMX form, `20261130T061500Z`, is the id's time with other separators.
        let tmx = self.at.tmx();
        let (date, time) = tmx.trim_end_matches('Z').split_once('T').unwrap_or((&tmx, ""));
        write!(f, "i{date}-{time}")?;
        if self.n > 1 {
            write!(f, "-{}", self.n)?;
        }
        Ok(())
    }
}

/// What the memory records of one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// Its id.
    pub id: ImportId,
    /// The entries it added (their `import` is its id), in file order.
    pub added: Vec<usize>,
    /// Of those, the ones still in use.
    pub in_use: usize,
    /// The entries it retired that are retired still (their `retired_by` is its id).
    pub retired: Vec<usize>,
    /// Where its entries came from (their `origin`: a batch file, a TMX file), each once.
    pub origins: Vec<String>,
    /// Who translated them, each once.
    pub translators: Vec<String>,
}

/// Every import the memory records, newest first.
pub fn imports(memory: &Memory) -> Vec<Import> {
    let mut found: BTreeMap<ImportId, Import> = BTreeMap::new();
    let blank = |id: ImportId| Import {
        id,
        added: Vec::new(),
        in_use: 0,
        retired: Vec::new(),
        origins: Vec::new(),
        translators: Vec::new(),
    };
    for (i, e) in memory.entries.iter().enumerate() {
        if let Some(id) = ImportId::parse(&e.import) {
            let import = found.entry(id).or_insert_with(|| blank(id));
            import.added.push(i);
            import.in_use += usize::from(!e.is_retired());
            for (list, value) in [(&mut import.origins, &e.origin), (&mut import.translators, &e.translator)]
            {
                if !value.is_empty() && !list.iter().any(|v| v == value) {
                    list.push(value.to_string());
                }
            }
        }
        if let Some(id) = ImportId::parse(&e.retired_by).filter(|_| e.is_retired()) {
            found.entry(id).or_insert_with(|| blank(id)).retired.push(i);
        }
    }
    found.into_values().rev().collect()
}

/// What undoing one import does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revert {
    /// The import undone.
    pub id: ImportId,
    /// The entries it added that are retired now (those still in use).
    pub retire: Vec<usize>,
    /// The entries it retired that are put back in use.
    pub restore: Vec<usize>,
    /// The changes, for [`super::MemoryStore::update`].
    pub changes: Vec<Change>,
}

impl Revert {
    /// The sources it changes, each once, in file order.
    pub fn sources<'m>(&self, memory: &'m Memory) -> Vec<&'m str> {
        let mut entries: Vec<usize> = self.retire.iter().chain(&self.restore).copied().collect();
        entries.sort_unstable();
        let mut seen = std::collections::HashSet::new();
        let mut sources: Vec<&str> = Vec::new();
        for i in entries {
            let source = memory.entries[i].source.as_str();
            if seen.insert(source) {
                sources.push(source);
            }
        }
        sources
    }
}

/// `tm revert ID`: the memory is used as before the import `id`. Every entry it added
/// that is still in use is retired at `now`, and every entry it retired is put back in
/// use as it was (with its own dates, so the translation used before is used again).
/// Nothing is recorded but those entries' `retired` and `retired_by`.
///
/// An id no entry names is an error, and so is an import with nothing left to undo
/// (reverted already, or every entry it added retired since), so a repeat says so.
pub fn revert(memory: &Memory, id: ImportId, now: Timestamp) -> Result<Revert, HistoryError> {
    let text = id.to_string();
    let mut added = 0;
    let (mut retire, mut restore) = (Vec::new(), Vec::new());
    for (i, e) in memory.entries.iter().enumerate() {
        if e.import.trim() == text {
            added += 1;
            if !e.is_retired() {
                retire.push(i);
            }
        }
        if e.retired_by.trim() == text && e.is_retired() {
            restore.push(i);
        }
    }
    if added == 0 && !memory.entries.iter().any(|e| e.retired_by.trim() == text) {
        return Err(HistoryError::UnknownImport(id));
    }
    if retire.is_empty() && restore.is_empty() {
        return Err(HistoryError::NothingToRevert { id, added });
    }
    let changes = retire
        .iter()
        .map(|&entry| Change::Retire { entry, at: now, by: None })
        .chain(restore.iter().map(|&entry| Change::Restore { entry, changed: None }))
        .collect();
    Ok(Revert { id, retire, restore, changes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Entry;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn entry(target: &str, changed: &str, import: &str) -> Entry {
        Entry {
            source: "Hei.".into(),
            target: target.into(),
            changed: changed.into(),
            import: import.into(),
            ..Entry::default()
        }
    }

    #[test]
    fn an_id_is_the_time_and_has_one_spelling() {
        let id = ImportId { at: at("2026-11-30T06:15:00Z"), n: 1 };
        assert_eq!(id.to_string(), "i20261130-061500");
        assert_eq!(ImportId::parse("i20261130-061500"), Some(id));
        assert_eq!(ImportId::parse(" i20261130-061500 "), Some(id));
        let second = ImportId::parse("i20261130-061500-2").unwrap();
        assert_eq!((second.at, second.n), (id.at, 2));
        assert!(second > id);
        for bad in [
            "",
            "i",
            "20261130-061500",
            "i20261130061500",
            "i20261130-061500-1",
            "i20261130-061500-02",
            "i20261130-061500-",
            "i20261130-061500x",
            "i20261331-061500",
            "i20261130-256000",
            "s0123456789abcdef",
            "I20261130-061500",
        ] {
            assert_eq!(ImportId::parse(bad), None, "{bad:?}");
        }
    }

    /// A second import in the same second takes the next number, seen from the memory
    /// alone, whether the first added entries or only retired some.
    #[test]
    fn a_fresh_id_is_unused_in_the_memory() {
        let now = at("2026-11-30T06:15:00Z");
        let mut m = Memory::from_entries(vec![entry("Hi.", "2026-01-01", "")]);
        assert_eq!(ImportId::fresh(&m, now).to_string(), "i20261130-061500");
        m.entries[0].import = "i20261130-061500".into();
        assert_eq!(ImportId::fresh(&m, now).to_string(), "i20261130-061500-2");
        m.entries.push(Entry { retired_by: "i20261130-061500-2".into(), ..entry("Ho.", "", "") });
        assert_eq!(ImportId::fresh(&m, now).to_string(), "i20261130-061500-3");
        assert_eq!(ImportId::fresh(&m, Timestamp(now.0 + 1)).to_string(), "i20261130-061501");
    }

    #[test]
    fn imports_are_listed_newest_first_from_the_columns() {
        let mut old = entry("Hi.", "2026-01-01", "i20261101-100000");
        old.origin = "import:a.csv".into();
        old.translator = "kari".into();
        old.retired = "2026-11-30T06:15:00Z".into();
        old.retired_by = "i20261130-061500".into();
        let mut new = entry("Hello.", "2026-11-30", "i20261130-061500");
        new.origin = "import:b.csv".into();
        let mut other = entry("Yes.", "2026-11-30", "i20261130-061500");
        other.source = "Ja.".into();
        other.origin = "import:b.csv".into();
        let m = Memory::from_entries(vec![old, new, other, entry("Hey.", "", "not an id")]);
        let list = imports(&m);
        assert_eq!(
            list.iter().map(|i| i.id.to_string()).collect::<Vec<_>>(),
            ["i20261130-061500", "i20261101-100000"]
        );
        assert_eq!(
            (list[0].added.as_slice(), list[0].in_use, list[0].retired.as_slice()),
            (&[1, 2][..], 2, &[0][..])
        );
        assert_eq!(list[0].origins, ["import:b.csv"]);
        assert_eq!((list[1].added.len(), list[1].in_use), (1, 0));
        assert_eq!(
            (list[1].origins.as_slice(), list[1].translators.as_slice()),
            (&["import:a.csv".to_string()][..], &["kari".to_string()][..])
        );
    }

    /// Reverting an overwrite puts the old translation back and retires the new one;
    /// a second time there is nothing to do, and an id no entry has is refused.
    #[test]
    fn revert_undoes_one_import_once() {
        let id = ImportId::parse("i20261130-061500").unwrap();
        let mut old = entry("Hi.", "2026-01-01T00:00:00Z", "");
        old.retired = "2026-11-30T06:15:00Z".into();
        old.retired_by = id.to_string().into();
        let m = Memory::from_entries(vec![old, entry("Hello.", "2026-11-30T06:15:00Z", &id.to_string())]);
        assert_eq!(m.exact("Hei.").unwrap().target, "Hello.");
        let now = at("2026-12-01T00:00:00Z");
        let plan = revert(&m, id, now).unwrap();
        assert_eq!((plan.retire.as_slice(), plan.restore.as_slice()), (&[1][..], &[0][..]));
        assert_eq!(plan.sources(&m), ["Hei."]);
        let mut entries = m.entries.clone();
        for c in &plan.changes {
            c.apply(&mut entries[c.entry()]);
        }
        let after = Memory::from_entries(entries);
        assert_eq!(after.exact("Hei.").unwrap().target, "Hi.");
        assert_eq!((after.entries[0].retired.as_str(), after.entries[0].retired_by.as_str()), ("", ""));
        assert_eq!(after.entries[1].retired, "2026-12-01T00:00:00Z");
        assert_eq!(after.entries[1].retired_by, "", "a revert is no import");
        assert_eq!(after.conflicts(), 0);
        assert_eq!(
            revert(&after, id, now).unwrap_err().to_string(),
            "import i20261130-061500 is already undone: the 1 entry it added is retired and none it retired is \
             still retired; nothing to do (`tolk tm history` lists the imports)"
        );
        let unknown = ImportId::parse("i20261130-061501").unwrap();
        assert_eq!(
            revert(&after, unknown, now).unwrap_err().to_string(),
            "no entry of the memory came from import i20261130-061501; `tolk tm history` lists the imports"
        );
    }
}
