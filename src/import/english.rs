//! A cheap guard against English on the Norwegian side of a memory that comes in whole
//! (`tm import`): a CAT tool's memory made from a batch prefilled with English
//! suggestions, say, holds English sentences as sources, and each would go into the
//! memory as a Norwegian sentence no document has. Two rules any reader can check by
//! hand, no language detection: a source that is the English target of a translation
//! the memory has (of another sentence: a name translated as itself, `Oslo`, is no
//! evidence), and a source of [`COPY_WORDS`] words or more whose target is itself word
//! for word (a sentence copied, not translated; a shorter one is a name or a number,
//! its own translation). A source the memory already has as a sentence is Norwegian to
//! it, and passes.
//!
//! It knows nothing of files and prints nothing: [`crate::import::plan_merge`] asks it
//! and leaves out what it names, and [`Outcome::english_warnings`] words the one
//! warning a file gets.
//!
//! [`Outcome::english_warnings`]: super::Outcome::english_warnings

use std::collections::{HashMap, HashSet};

use super::Origin;
use crate::document::inline;
use crate::exchange::Units;
use crate::memory::Memory;
use crate::shown::quoted;
use crate::text::{normalize, tokens};

/// The fewest words of a source that is its own translation for it to be a sentence
/// copied rather than a name or a number translated as itself (`Oslo`, `NRK P3`,
/// `Kari Nilsen Hansen`, `+47 22 00 00 00`). Only words with a letter count: a number
/// is its own translation however many groups it is written in.
pub const COPY_WORDS: usize = 4;

/// Whether `target` is `source` word for word: the same text once normalised, its
/// formatting codes aside.
pub fn same_text(source: &str, target: &str) -> bool {
    let words = |text: &str| normalize(&inline::strip(text)).into_owned();
    words(source) == words(target)
}

/// Whether a translation is a sentence copied, not translated: `target` is `source`
/// word for word, and `source` has [`COPY_WORDS`] words or more.
pub fn is_copy(source: &str, target: &str) -> bool {
    let source = inline::strip(source);
    let words = tokens(&source).filter(|t| t.chars().any(char::is_alphabetic)).count();
    words >= COPY_WORDS && same_text(&source, target)
}

/// Why a source that came in is English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum English {
    /// It is the memory's translation of this sentence.
    TranslationOf(String),
    /// It is a sentence translated as itself ([`is_copy`]).
    Copied,
}

/// A translation left out because its source is English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnglishSource {
    /// Where it came from.
    pub origin: Origin,
    /// Its source, as it came.
    pub source: String,
    /// Why the source is English.
    pub why: English,
}

/// The memory's English targets that incoming sources are, each with the sentence it
/// translates: found in one pass over the memory, comparing each target only with the
/// sources that come in.
pub(crate) struct Targets(HashMap<String, String>);

impl Targets {
    /// The targets of `memory` that are one of `sources` (normalised), of entries
    /// that do not translate a sentence as itself.
    pub(crate) fn of<'a>(memory: &Memory, sources: impl IntoIterator<Item = &'a str>) -> Targets {
        let wanted: HashSet<String> = sources.into_iter().map(|s| normalize(s).into_owned()).collect();
        let mut found = HashMap::new();
        if wanted.is_empty() {
            return Targets(found);
        }
        for e in memory.entries.iter().filter(|e| !e.target.trim().is_empty()) {
            let target = normalize(&e.target);
            if wanted.contains(target.as_ref())
                && !found.contains_key(target.as_ref())
                && !same_text(&e.source, &e.target)
            {
                found.insert(target.into_owned(), e.source.clone());
            }
        }
        Targets(found)
    }

    /// Why the source `norm` (normalised) with the target `target` is English, if it
    /// is; `known`: the memory has `norm` as a sentence of its own, so it is Norwegian
    /// to it whatever else it is (a sentence copied is no translation either way).
    pub(crate) fn english(&self, norm: &str, source: &str, target: &str, known: bool) -> Option<English> {
        match self.0.get(norm) {
            Some(of) if !known => Some(English::TranslationOf(of.clone())),
            _ => is_copy(source, target).then_some(English::Copied),
        }
    }
}

/// The warnings about `left`, one a file, in the order the files first come: how many,
/// the first few by row or line, why, and the first one's reason.
pub(crate) fn warnings(left: &[EnglishSource]) -> Vec<(std::path::PathBuf, String)> {
    let mut files: Vec<(&std::path::Path, Units, &EnglishSource)> = Vec::new();
    for e in left {
        let at = match files.iter().position(|(file, ..)| *file == e.origin.file.as_path()) {
            Some(at) => at,
            None => {
                files.push((&e.origin.file, Units::default(), e));
                files.len() - 1
            }
        };
        files[at].1.add(e.origin.within());
    }
    files
        .into_iter()
        .map(|(file, units, first)| {
            let reason = match &first.why {
                English::TranslationOf(of) => {
                    format!("{} is the memory's translation of {}", quoted(&first.source), quoted(of))
                }
                English::Copied => format!("{} is its own translation, word for word", quoted(&first.source)),
            };
            let message = format!(
                "{} not taken, as {} source is English: the English of a translation the memory has, or a \
                 sentence of {COPY_WORDS} words or more translated as itself (as in a CAT tool's memory of a batch \
                 prefilled with English), which no Norwegian document has; the first, {reason}",
                units.counted("translation"),
                units.verb("its", "their"),
            );
            (file.to_path_buf(), message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::import::{plan_merge, Incoming, MergeOptions};
    use crate::memory::Entry;

    fn pair(source: &str, target: &str) -> Entry {
        Entry { source: source.into(), target: target.into(), ..Entry::default() }
    }

    /// Regression (trial file omegat-prefill-project_save.tmx): a CAT tool's memory of a
    /// batch prefilled with English held English sources, and seven English-to-English
    /// pairs went into the memory without a word.
    #[test]
    fn an_english_source_from_another_memory_is_not_taken_and_said() {
        let memory = Memory::from_entries(vec![
            pair("Takk for at du leste!", "Thank you for reading!"),
            pair("Oslo", "Oslo"),
            pair("Festivalen", "Festival"),
            pair("Festival", "Festival"),
        ]);
        let rows = [
            ("Thank  you for reading!", "Thanks for reading!"),
            ("Oslo", "Oslo"),
            ("Bergen", "Bergen"),
            ("Kari Nilsen Hansen", "Kari Nilsen Hansen"),
            ("+47 22 00 00 00", "+47 22 00 00 00"),
            ("Det er tredje gang at ferjen ikke går.", "Det er tredje gang at {1/}ferjen ikke går."),
            ("Festival", "The festival"),
            ("Ha en fin dag.", "Have a nice day."),
        ];
        let incoming: Vec<Incoming> = rows
            .iter()
            .enumerate()
            .map(|(i, (s, t))| Incoming {
                entry: pair(s, t),
                origin: Origin::line(Path::new("m.tmx"), i as u64 + 1),
            })
            .collect();
        let tm = MergeOptions { foreign_sources: true, ..MergeOptions::default() };
        let merge = plan_merge(&memory, incoming.clone(), &tm);
        let left: Vec<(&str, &English)> =
            merge.outcome.english.iter().map(|e| (e.source.as_str(), &e.why)).collect();
        assert_eq!(
            left,
            [
                ("Thank  you for reading!", &English::TranslationOf("Takk for at du leste!".into())),
                ("Det er tredje gang at ferjen ikke går.", &English::Copied),
            ]
        );
        // A name is its own translation; a sentence the memory has is Norwegian to it.
        let added: Vec<&str> = merge.add.iter().map(|i| i.entry.source.as_str()).collect();
        assert_eq!(added, ["Bergen", "Kari Nilsen Hansen", "+47 22 00 00 00", "Ha en fin dag."]);
        assert_eq!((merge.outcome.unchanged, merge.outcome.conflicts.len()), (1, 1));
        assert_eq!(
            merge.outcome.english_warnings(),
            [(
                Path::new("m.tmx").to_path_buf(),
                "2 translations (line 1, line 6) not taken, as their source is English: the English of a translation \
                 the memory has, or a sentence of 4 words or more translated as itself (as in a CAT tool's memory of \
                 a batch prefilled with English), which no Norwegian document has; the first, \"Thank  you for \
                 reading!\" is the memory's translation of \"Takk for at du leste!\""
                    .to_string()
            )]
        );
        // A batch's sources are the corpus's sentences: not guarded.
        let batch = plan_merge(&memory, incoming, &MergeOptions::default());
        assert!(batch.outcome.english.is_empty());
        assert_eq!(batch.add.len(), 6);
    }
}
