//! Correcting the memory without a text editor: the history of a source's translations,
//! and the rules that choose which one is used (`tm resolve`), go back to the one used
//! before (`tm revert`) or retire them all (`tm rm`).
//!
//! Nothing is ever deleted. A translation that is no longer wanted is *retired*: its
//! `retired` column gets the time, it stays in its file, and it is never offered again
//! (not by exact lookup, the fuzzy index, `build`, `analyze` nor `tm conflicts`), but
//! [`history`] lists it and [`resolve`] can put it back. Every rule here is a pure
//! function of a snapshot and the time: it returns the [`Change`]s to make, which a
//! [`super::MemoryStore::rewrite`] makes under the memory's lock. This module neither
//! reads nor writes files, and prints nothing.

use crate::memory::imports::ImportId;
use crate::memory::{Change, Entry, Memory};
use crate::text::SegmentId;
use crate::timestamp::Timestamp;

/// A source as the user names it: its text, or its segment id (`s` + 16 hex digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// The sentence, compared after normalisation.
    Text(String),
    /// The id of the normalised sentence, as batches and `tolk segment` write it.
    Id(SegmentId),
}

impl Key {
    /// `s` + 16 lowercase hex digits is an id; anything else is a sentence.
    pub fn parse(arg: &str) -> Key {
        SegmentId::parse(arg.trim()).map_or_else(|| Key::Text(arg.to_string()), Key::Id)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Text(text) => write!(f, "{}", crate::shown::quoted(text)),
            Key::Id(id) => write!(f, "{id}"),
        }
    }
}

/// Why a correction cannot be made. Nothing is written when one of these is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    #[error("the memory has no translation of {0}; check the sentence (or its id) with `tolk lookup`")]
    Unknown(Key),
    #[error(
        "there is no translation {number} of {key}: it has {count}; see them numbered with `tolk tm history`"
    )]
    NoSuchNumber { key: Key, number: usize, count: usize },
    #[error(
        "{} is none of the translations of {key}; see them with `tolk tm history`, or give --keep N",
        crate::shown::quoted(target)
    )]
    NoSuchTarget { key: Key, target: String },
    #[error(
        "{key} has no earlier translation to go back to; `tolk tm history` lists what it has, and `tolk tm rm` \
         retires the current one"
    )]
    NothingEarlier { key: Key },
    #[error(
        "every translation of {key} is already retired; `tolk tm revert` or `tolk tm resolve --keep N` puts one \
         back in use"
    )]
    AllRetired { key: Key },
    #[error("no entry of the memory came from import {0}; `tolk tm history` lists the imports")]
    UnknownImport(ImportId),
    #[error("import {id} is already undone: {}; nothing to do (`tolk tm history` lists the imports)", undone(*added))]
    NothingToRevert { id: ImportId, added: usize },
}

/// Why an import with nothing to undo has nothing: what became of the entries it added.
fn undone(added: usize) -> String {
    match added {
        0 => "it added nothing, and none it retired is still retired".into(),
        1 => "the 1 entry it added is retired and none it retired is still retired".into(),
        n => format!("the {n} entries it added are retired and none it retired is still retired"),
    }
}

impl From<HistoryError> for crate::Error {
    fn from(e: HistoryError) -> crate::Error {
        crate::Error::Invalid(e.to_string())
    }
}

/// Every translation the memory has had of one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// The source as the newest entry writes it.
    pub source: String,
    /// Entry numbers, newest first ([`Memory::history`]): `tm history` shows entry
    /// `entries[k]` as number `k + 1`.
    pub entries: Vec<usize>,
    /// The entry [`Memory::exact`] returns, if one is in use.
    pub used: Option<usize>,
}

impl History {
    /// The number (from 1) `tm history` gives entry `entry`.
    pub fn number_of(&self, entry: usize) -> Option<usize> {
        self.entries.iter().position(|&e| e == entry).map(|k| k + 1)
    }
}

/// The history of the source named by `key`; an error if the memory has no
/// translation of it, in use or retired.
pub fn history(memory: &Memory, key: &Key) -> Result<History, HistoryError> {
    let text = match key {
        Key::Text(text) => text.clone(),
        Key::Id(id) => memory
            .entries
            .iter()
            .find(|e| !e.target.is_empty() && SegmentId::of(&e.source) == *id)
            .map(|e| e.source.clone())
            .ok_or_else(|| HistoryError::Unknown(key.clone()))?,
    };
    let entries = memory.history(&text);
    let Some(&newest) = entries.first() else { return Err(HistoryError::Unknown(key.clone())) };
    let used = entries.iter().copied().find(|&i| !memory.entries[i].is_retired());
    Ok(History { source: memory.entries[newest].source.clone(), entries, used })
}

/// Which translation `tm resolve` keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// As numbered by `tm history` (from 1).
    Number(usize),
    /// The translation with exactly this text (the one used, or else the newest).
    Target(String),
}

/// What a correction does: the changes to make, and what they mean for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The source's history before the change.
    pub history: History,
    /// The changes, for [`super::MemoryStore::rewrite`].
    pub changes: Vec<Change>,
    /// The entry used after the change (`None`: the source is no longer translated).
    pub used: Option<usize>,
}

impl Plan {
    /// The entries the plan retires.
    pub fn retired(&self) -> impl Iterator<Item = usize> + '_ {
        self.changes.iter().filter(|c| matches!(c, Change::Retire { .. })).map(Change::entry)
    }
}

/// `tm resolve`: the chosen translation is used from now on (put back in use if it was
/// retired), and every other one in use is retired at `now`. Choosing the one already
/// used, with nothing else in use, changes nothing.
pub fn resolve(memory: &Memory, key: &Key, choice: &Choice, now: Timestamp) -> Result<Plan, HistoryError> {
    let history = history(memory, key)?;
    let chosen = match choice {
        Choice::Number(n) => match n.checked_sub(1).and_then(|k| history.entries.get(k)) {
            Some(&entry) => entry,
            None => {
                return Err(HistoryError::NoSuchNumber {
                    key: key.clone(),
                    number: *n,
                    count: history.entries.len(),
                })
            }
        },
        Choice::Target(target) => {
            let same = |&&i: &&usize| memory.entries[i].target == *target;
            history
                .used
                .as_ref()
                .filter(same)
                .or_else(|| history.entries.iter().find(same))
                .copied()
                .ok_or_else(|| HistoryError::NoSuchTarget { key: key.clone(), target: target.clone() })?
        }
    };
    let mut changes = Vec::new();
    if memory.entries[chosen].is_retired() {
        changes.push(Change::Restore { entry: chosen, changed: None });
    }
    changes.extend(in_use(memory, &history).filter(|&i| i != chosen).map(|entry| Change::Retire {
        entry,
        at: now,
        by: None,
    }));
    Ok(Plan { history, changes, used: Some(chosen) })
}

/// `tm revert`: the translation used before the current one is used again. The
/// current one (and every other entry in use with its text) is retired at `now`; the
/// one before it (the newest other translation still in use or replaced by an import,
/// or failing that the one most recently retired) is put back in use and dated `now`,
/// or just after the newest translation left in use, so that it is the one used. With
/// none in use (after `tm rm`), the one most recently retired is put back.
///
/// A translation an `import --overwrite` retired (its `retired_by` set) counts as one
/// still in line, as it did before imports retired what they replace: after two
/// overwrites, reverting twice goes back twice, not back and forth.
pub fn revert(memory: &Memory, key: &Key, now: Timestamp) -> Result<Plan, HistoryError> {
    let history = history(memory, key)?;
    let current = history.used.map(|i| memory.entries[i].target.as_str());
    let other = |&i: &usize| Some(memory.entries[i].target.as_str()) != current;
    let in_line =
        |&i: &usize| !memory.entries[i].is_retired() || !memory.entries[i].retired_by.trim().is_empty();
    let last_retired = || {
        // The most recently retired; of those retired together, the newest.
        let retired = history.entries.iter().copied().filter(|&i| memory.entries[i].is_retired());
        let retired: Vec<usize> = retired.filter(other).collect();
        retired
            .iter()
            .copied()
            .max_by_key(|&i| (retired_at(&memory.entries[i]), std::cmp::Reverse(rank(&history, i))))
    };
    // With none in use (after `tm rm`), what was removed comes back, whatever an import
    // retired before it.
    let earlier = if history.used.is_none() {
        last_retired()
    } else {
        history.entries.iter().copied().filter(in_line).find(other).or_else(last_retired)
    };
    let Some(earlier) = earlier else { return Err(HistoryError::NothingEarlier { key: key.clone() }) };
    let mut changes: Vec<Change> = in_use(memory, &history)
        .filter(|&i| Some(memory.entries[i].target.as_str()) == current)
        .map(|entry| Change::Retire { entry, at: now, by: None })
        .collect();
    let latest = in_use(memory, &history)
        .filter(|&i| i != earlier && Some(memory.entries[i].target.as_str()) != current)
        .filter_map(|i| memory.entries[i].changed_at())
        .max();
    let changed = match latest {
        Some(latest) if latest >= now => Timestamp(latest.0 + 1),
        _ => now,
    };
    changes.push(Change::Restore { entry: earlier, changed: Some(changed) });
    Ok(Plan { history, changes, used: Some(earlier) })
}

/// The place of `entry` in `history`, newest first.
fn rank(history: &History, entry: usize) -> usize {
    history.entries.iter().position(|&e| e == entry).unwrap_or(usize::MAX)
}

/// `tm rm`: every translation of the source in use is retired at `now`, so it is no
/// longer translated (build reports it missing). All of them retired already is an
/// error, so a mistyped repeat says so.
pub fn remove(memory: &Memory, key: &Key, now: Timestamp) -> Result<Plan, HistoryError> {
    let history = history(memory, key)?;
    let changes: Vec<Change> =
        in_use(memory, &history).map(|entry| Change::Retire { entry, at: now, by: None }).collect();
    if changes.is_empty() {
        return Err(HistoryError::AllRetired { key: key.clone() });
    }
    Ok(Plan { history, changes, used: None })
}

/// The entries of `history` in use, newest first.
fn in_use<'a>(memory: &'a Memory, history: &'a History) -> impl Iterator<Item = usize> + 'a {
    history.entries.iter().copied().filter(|&i| !memory.entries[i].is_retired())
}

/// When `entry` was retired, as a moment (`None` if not, or not a date).
fn retired_at(entry: &Entry) -> Option<Timestamp> {
    Timestamp::parse(&entry.retired)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(target: &str, changed: &str, retired: &str) -> Entry {
        Entry {
            source: "Hei.".into(),
            target: target.into(),
            changed: changed.into(),
            retired: retired.into(),
            ..Entry::default()
        }
    }

    fn now() -> Timestamp {
        Timestamp::parse("2027-01-01T00:00:00Z").unwrap()
    }

    /// The memory after `changes`, and the target exact lookup then returns.
    fn after(memory: &Memory, changes: &[Change]) -> (Memory, Option<String>) {
        let mut entries = memory.entries.clone();
        for c in changes {
            c.apply(&mut entries[c.entry()]);
        }
        let memory = Memory::from_entries(entries);
        let used = memory.exact("Hei.").map(|e| e.target.clone());
        (memory, used)
    }

    fn key() -> Key {
        Key::Text("Hei.".into())
    }

    #[test]
    fn history_is_newest_first_with_retired_entries() {
        let m = Memory::from_entries(vec![
            entry("Hi.", "2026-01-01", ""),
            entry("Hello.", "2026-03-01", "2026-04-01"),
            entry("Hey.", "2026-02-01", ""),
        ]);
        let h = history(&m, &key()).unwrap();
        assert_eq!(h.entries, [1, 2, 0]);
        assert_eq!(h.used, Some(2));
        assert_eq!(m.exact("Hei.").unwrap().target, "Hey.");
        assert_eq!(history(&m, &Key::parse(&SegmentId::of("Hei. ").to_string())).unwrap(), h);
        assert_eq!(
            history(&m, &Key::parse("Ha det.")).unwrap_err().to_string(),
            "the memory has no translation of \"Ha det.\"; check the sentence (or its id) with `tolk lookup`"
        );
    }

    #[test]
    fn resolve_keeps_one_and_retires_the_others() {
        let m = Memory::from_entries(vec![entry("Hi.", "2026-01-01", ""), entry("Hello.", "2026-02-01", "")]);
        assert_eq!(m.conflicts(), 1);
        let plan = resolve(&m, &key(), &Choice::Number(2), now()).unwrap();
        assert_eq!(plan.changes, [Change::Retire { entry: 1, at: now(), by: None }]);
        let (m, used) = after(&m, &plan.changes);
        assert_eq!(used.as_deref(), Some("Hi."));
        assert_eq!(m.conflicts(), 0);
        assert_eq!(m.entries[1].retired, "2027-01-01T00:00:00Z");
        // A retired translation chosen by its text is put back.
        let plan = resolve(&m, &key(), &Choice::Target("Hello.".into()), now()).unwrap();
        let (_, used) = after(&m, &plan.changes);
        assert_eq!(used.as_deref(), Some("Hello."));
    }

    #[test]
    fn resolve_refuses_what_is_not_there() {
        let m = Memory::from_entries(vec![entry("Hi.", "2026-01-01", ""), entry("Hello.", "2026-02-01", "")]);
        for n in [0, 3] {
            assert_eq!(
                resolve(&m, &key(), &Choice::Number(n), now()).unwrap_err(),
                HistoryError::NoSuchNumber { key: key(), number: n, count: 2 }
            );
        }
        assert_eq!(
            resolve(&m, &key(), &Choice::Target("Hi".into()), now()).unwrap_err().to_string(),
            "\"Hi\" is none of the translations of \"Hei.\"; see them with `tolk tm history`, or give --keep N"
        );
    }

    #[test]
    fn revert_goes_back_one_translation_at_a_time() {
        let m = Memory::from_entries(vec![
            entry("A.", "2026-01-01", ""),
            entry("B.", "2026-02-01", ""),
            entry("C.", "2026-03-01", ""),
        ]);
        let plan = revert(&m, &key(), now()).unwrap();
        let (m, used) = after(&m, &plan.changes);
        assert_eq!(used.as_deref(), Some("B."));
        assert_eq!(m.entries[1].changed, "2027-01-01T00:00:00Z");
        let later = Timestamp(now().0 + 60);
        let plan = revert(&m, &key(), later).unwrap();
        let (m, used) = after(&m, &plan.changes);
        assert_eq!(used.as_deref(), Some("A."));
        // Nothing in use but A.: back to the one retired last, B.
        let plan = revert(&m, &key(), Timestamp(later.0 + 60)).unwrap();
        let (_, used) = after(&m, &plan.changes);
        assert_eq!(used.as_deref(), Some("B."));
    }

    /// Two imports with --overwrite, each retiring the one before: reverting twice
    /// goes back twice, to the first translation.
    #[test]
    fn revert_goes_back_through_translations_imports_replaced() {
        // Retired when the next one came, by the import that brought it.
        let replaced = |target: &str, changed: &str, retired: &str, by: &str| Entry {
            retired_by: by.into(),
            ..entry(target, changed, retired)
        };
        let m = Memory::from_entries(vec![
            replaced("A.", "2026-01-01", "2026-02-01", "i20260201-000000"),
            replaced("B.", "2026-02-01", "2026-03-01", "i20260301-000000"),
            entry("C.", "2026-03-01", ""),
        ]);
        assert_eq!(m.conflicts(), 0);
        let plan = revert(&m, &key(), now()).unwrap();
        let (m, used) = after(&m, &plan.changes);
        assert_eq!(used.as_deref(), Some("B."));
        assert_eq!(m.entries[1].retired_by, "", "put back, by no one");
        let plan = revert(&m, &key(), Timestamp(now().0 + 60)).unwrap();
        let (m, used) = after(&m, &plan.changes);
        assert_eq!(used.as_deref(), Some("A."));
        assert_eq!(m.conflicts(), 0);
    }

    #[test]
    fn revert_wins_over_a_translation_dated_in_the_future() {
        let m = Memory::from_entries(vec![
            entry("A.", "2030-01-01", ""),
            entry("B.", "2031-01-01", ""),
            entry("C.", "2032-01-01", ""),
        ]);
        let plan = revert(&m, &key(), now()).unwrap();
        let (_, used) = after(&m, &plan.changes);
        assert_eq!(used.as_deref(), Some("B."));
    }

    #[test]
    fn revert_and_rm_refuse_clearly() {
        let m = Memory::from_entries(vec![entry("A.", "2026-01-01", ""), entry("A.", "2026-02-01", "")]);
        assert_eq!(revert(&m, &key(), now()).unwrap_err(), HistoryError::NothingEarlier { key: key() });
        let plan = remove(&m, &key(), now()).unwrap();
        assert_eq!(plan.retired().collect::<Vec<_>>(), [1, 0]);
        let (m, used) = after(&m, &plan.changes);
        assert_eq!(used, None);
        assert!(m.exact_all("Hei.").is_empty());
        assert_eq!(remove(&m, &key(), now()).unwrap_err(), HistoryError::AllRetired { key: key() });
        // A revert after rm puts back the one used last.
        let plan = revert(&m, &key(), now()).unwrap();
        let (_, used) = after(&m, &plan.changes);
        assert_eq!(used.as_deref(), Some("A."));
    }

    /// After `tm rm`, revert puts back what rm removed, not an older translation an
    /// import had replaced.
    #[test]
    fn revert_after_rm_undoes_the_rm() {
        let mut old = entry("Old.", "2026-01-01", "2026-02-01T00:00:00Z");
        old.retired_by = "i20260201-000000".into();
        let memory = Memory::from_entries(vec![old, entry("New.", "2026-02-01", "")]);
        let removed = remove(&memory, &key(), now()).unwrap();
        let (memory, used) = after(&memory, &removed.changes);
        assert_eq!(used, None);
        let later = Timestamp(now().0 + 60);
        let back = revert(&memory, &key(), later).unwrap();
        assert_eq!(after(&memory, &back.changes).1.as_deref(), Some("New."));
    }
}
