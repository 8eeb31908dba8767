//! The analysis: how much of a corpus the memory already covers, in the match bands
//! translators are paid by.
//!
//! Every segment falls in one band: Repetition (its text occurred earlier in the same
//! run; counted so from the second occurrence on, whatever its score), 100%, 95–99%,
//! 85–94%, 75–84%, 50–74% or No match. A 100% match whose translation an edition cannot
//! place ([`crate::edition::placed`]: its tags are not the sentence's) is no translation
//! to build, and counts as 95–99%. Words are tokens with at least one alphanumeric
//! character ([`crate::text::word_count`]). This module computes the numbers; the
//! binary formats them.

use std::collections::HashMap;

use serde::Serialize;

use crate::document::{Document, Unreadable};
use crate::index::{Index, Match, SearchOptions};
use crate::memory::Memory;
use crate::text::{word_count, SegmentId};

/// A match band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    /// A 100% match made for the same place: the same sentences before and after it
    /// ([`Memory::in_context`]), 101% as CAT tools call it.
    Context,
    /// The text occurred earlier in the same run.
    Repetition,
    /// A 100% match.
    Exact,
    /// 95–99%.
    Fuzzy95,
    /// 85–94%.
    Fuzzy85,
    /// 75–84%.
    Fuzzy75,
    /// 50–74% (or from the minimum score up to 74%).
    Fuzzy50,
    /// Nothing at or above the minimum score.
    NoMatch,
}

impl Band {
    /// Every band, in report order.
    pub const ALL: [Band; 8] = [
        Band::Context,
        Band::Repetition,
        Band::Exact,
        Band::Fuzzy95,
        Band::Fuzzy85,
        Band::Fuzzy75,
        Band::Fuzzy50,
        Band::NoMatch,
    ];

    /// The band of a best score (`None`: no match at or above the minimum).
    pub fn of_score(score: Option<u8>) -> Band {
        match score {
            Some(100) => Band::Exact,
            Some(95..=99) => Band::Fuzzy95,
            Some(85..=94) => Band::Fuzzy85,
            Some(75..=84) => Band::Fuzzy75,
            Some(_) => Band::Fuzzy50,
            None => Band::NoMatch,
        }
    }

    /// The label translators know.
    pub fn label(self) -> &'static str {
        match self {
            Band::Context => "101%",
            Band::Repetition => "Repetition",
            Band::Exact => "100%",
            Band::Fuzzy95 => "95–99%",
            Band::Fuzzy85 => "85–94%",
            Band::Fuzzy75 => "75–84%",
            Band::Fuzzy50 => "50–74%",
            Band::NoMatch => "No match",
        }
    }

    /// A machine-friendly name, as in JSON and CSV.
    pub fn key(self) -> &'static str {
        match self {
            Band::Context => "101",
            Band::Repetition => "repetition",
            Band::Exact => "100",
            Band::Fuzzy95 => "95-99",
            Band::Fuzzy85 => "85-94",
            Band::Fuzzy75 => "75-84",
            Band::Fuzzy50 => "50-74",
            Band::NoMatch => "no-match",
        }
    }
}

/// Segments and words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Number of segments.
    pub segments: usize,
    /// Number of words.
    pub words: usize,
}

impl Count {
    pub(crate) fn add(&mut self, words: usize) {
        self.segments += 1;
        self.words += words;
    }

    pub(crate) fn plus(&mut self, other: Count) {
        self.segments += other.segments;
        self.words += other.words;
    }
}

/// Counts per band, in [`Band::ALL`] order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bands(pub [Count; 8]);

impl Bands {
    /// The count of one band.
    pub fn get(&self, band: Band) -> Count {
        self.0[band as usize]
    }

    pub(crate) fn add(&mut self, band: Band, words: usize) {
        self.0[band as usize].add(words);
    }

    /// All bands together.
    pub fn total(&self) -> Count {
        self.0.iter().fold(Count::default(), |a, c| Count {
            segments: a.segments + c.segments,
            words: a.words + c.words,
        })
    }
}

/// The analysis of one document.
#[derive(Debug, Clone)]
pub struct DocumentReport {
    /// The document's name.
    pub name: String,
    /// Its counts.
    pub bands: Bands,
}

/// The analysis of a corpus.
#[derive(Debug, Clone)]
pub struct Report {
    /// Per document, in corpus order.
    pub documents: Vec<DocumentReport>,
    /// The whole corpus.
    pub total: Bands,
    /// Of the segments in the fuzzy bands (first occurrences), those whose best match
    /// differs only in numbers and whose translation gets the new ones
    /// ([`crate::numbers::repair`]).
    pub repaired: Count,
    /// The documents that could not be read, in corpus order: in no band and not in
    /// the total.
    pub unread: Vec<Unreadable>,
}

/// A corpus gathered for analysis one document at a time: each unique sentence once,
/// and per document only a number per segment, so an analysis holds one document and
/// the corpus's unique sentences, never the whole corpus.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The unique sentences, in order of first occurrence, with their word counts.
    unique: Vec<(String, u32)>,
    slot: HashMap<SegmentId, u32>,
    /// Per document, its name, the unique sentence of each segment, and whether it is
    /// plain text (whose braces are text, not tags).
    documents: Vec<(String, Vec<u32>, bool)>,
    /// The documents that could not be read.
    unread: Vec<Unreadable>,
}

impl Analysis {
    /// Adds a document.
    pub fn add(&mut self, doc: &Document) {
        let slots = doc
            .segments
            .iter()
            .map(|s| {
                *self.slot.entry(s.id).or_insert_with(|| {
                    let text = doc.segment_text(s);
                    self.unique.push((text.to_string(), word_count(text) as u32));
                    self.unique.len() as u32 - 1
                })
            })
            .collect();
        self.documents.push((doc.name.clone(), slots, doc.plain().is_some()));
    }

    /// Notes a document that could not be read, for the report to name.
    pub fn unreadable(&mut self, unreadable: Unreadable) {
        self.unread.push(unreadable);
    }

    /// How many unique sentences there are to search.
    pub fn unique(&self) -> usize {
        self.unique.len()
    }

    /// Searches every unique sentence (on every core; `progress` is called once per
    /// sentence) and counts each document's segments and words per band.
    pub fn finish(
        self,
        memory: &Memory,
        index: &Index,
        min_score: u8,
        progress: &(dyn Fn() + Sync),
    ) -> Report {
        let found = self.search(index, min_score, progress);
        self.finish_found(memory, &found)
    }

    /// The unique sentences, in the order [`Analysis::search`] answers for them.
    pub fn sentences(&self) -> Vec<&str> {
        self.unique.iter().map(|(t, _)| t.as_str()).collect()
    }

    /// The best match of each unique sentence ([`Analysis::sentences`]), searched on
    /// every core; `progress` is called once per sentence.
    pub fn search(&self, index: &Index, min_score: u8, progress: &(dyn Fn() + Sync)) -> Vec<Vec<Match>> {
        let options = SearchOptions { min_score, top: 1 };
        index.search_all_with(&self.sentences(), options, progress)
    }

    /// [`Analysis::finish`] with the matches [`Analysis::search`] found, numbered in
    /// `memory`, which holds at least them and every translation of each sentence.
    pub fn finish_found(self, memory: &Memory, found: &[Vec<Match>]) -> Report {
        let queries = self.sentences();
        let best: Vec<Option<u8>> = found.iter().map(|m| m.first().map(|m| m.score)).collect();
        // Each unique sentence once, as its first occurrence counts it.
        let mut repaired = Count::default();
        for ((m, q), (_, words)) in found.iter().zip(&queries).zip(&self.unique) {
            let repairable = m.first().is_some_and(|m| {
                let e = &memory.entries[m.entry];
                m.score < 100 && crate::numbers::repair(q, &e.source, &e.target).is_ok()
            });
            if repairable {
                repaired.add(*words as usize);
            }
        }
        let mut seen = vec![false; self.unique.len()];
        let mut total = Bands::default();
        let documents = self
            .documents
            .into_iter()
            .map(|(name, slots, plain)| {
                let mut bands = Bands::default();
                let text = |k: Option<usize>| {
                    k.and_then(|k| slots.get(k)).map(|&s| self.unique[s as usize].0.as_str())
                };
                for (k, &slot) in slots.iter().enumerate() {
                    let slot = slot as usize;
                    let repeated = std::mem::replace(&mut seen[slot], true);
                    let sentence = &self.unique[slot].0;
                    let (prev, next) = (text(k.checked_sub(1)), text(Some(k + 1)));
                    // A 100% match whose translation no edition can place (its tags are
                    // not the sentence's) is not one: build leaves the sentence
                    // untranslated, so it counts as the same words that differ.
                    // (The translation build takes, `edition::translation`, with the one
                    // made for this place looked up once for both questions.)
                    let context = (best[slot] == Some(100)).then(|| memory.in_context(sentence, prev, next));
                    let unplaceable = context.is_some_and(|c| {
                        c.or_else(|| memory.exact(sentence))
                            .is_some_and(|e| crate::edition::placed(sentence, &e.target, plain).is_none())
                    });
                    // A translation made for this very place first: it needs no review
                    // wherever it stands, a repetition included.
                    let in_context = !unplaceable && context.flatten().is_some();
                    let band = if in_context {
                        Band::Context
                    } else if repeated {
                        Band::Repetition
                    } else if unplaceable {
                        Band::Fuzzy95
                    } else {
                        Band::of_score(best[slot])
                    };
                    let words = self.unique[slot].1 as usize;
                    bands.add(band, words);
                    total.add(band, words);
                }
                DocumentReport { name, bands }
            })
            .collect();
        Report { documents, total, repaired, unread: self.unread }
    }
}

/// Analyses `docs` against the memory.
pub fn analyze(
    docs: &[Document],
    memory: &Memory,
    index: &Index,
    min_score: u8,
    progress: &(dyn Fn() + Sync),
) -> Report {
    let mut analysis = Analysis::default();
    for doc in docs {
        analysis.add(doc);
    }
    analysis.finish(memory, index, min_score, progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::IndexBuilder;
    use crate::memory::Entry;
    use crate::segment::Segmenter;

    #[test]
    fn bands_and_repetitions() {
        let memory = Memory::from_entries(vec![
            Entry {
                source: "Vi er her for kundene.".into(),
                target: "We are here for the customers.".into(),
                ..Entry::default()
            },
            Entry {
                source: "Det gjør vondt i magen.".into(),
                target: "It hurts.".into(),
                ..Entry::default()
            },
        ]);
        let index = IndexBuilder::build(&memory);
        let seg = Segmenter::default();
        let a = Document::parse(
            "a".into(),
            "Vi er her for kundene. Det gjør vondt i foten.\nHei på deg.".into(),
            &seg,
        );
        let b = Document::parse("b".into(), "Hei på deg.".into(), &seg);
        let report = analyze(&[a, b], &memory, &index, 50, &|| {});
        let a = &report.documents[0].bands;
        assert_eq!(a.get(Band::Exact), Count { segments: 1, words: 5 });
        assert_eq!(a.get(Band::Fuzzy75), Count { segments: 1, words: 5 });
        assert_eq!(a.get(Band::NoMatch), Count { segments: 1, words: 3 });
        assert_eq!(report.documents[1].bands.get(Band::Repetition), Count { segments: 1, words: 3 });
        assert_eq!(report.total.total(), Count { segments: 4, words: 16 });
    }

    #[test]
    fn band_boundaries() {
        let cases = [
            (100, Band::Exact),
            (99, Band::Fuzzy95),
            (95, Band::Fuzzy95),
            (94, Band::Fuzzy85),
            (85, Band::Fuzzy85),
        ];
        for (score, band) in cases {
            assert_eq!(Band::of_score(Some(score)), band);
        }
        assert_eq!(Band::of_score(Some(84)), Band::Fuzzy75);
        assert_eq!(Band::of_score(Some(75)), Band::Fuzzy75);
        assert_eq!(Band::of_score(Some(74)), Band::Fuzzy50);
        assert_eq!(Band::of_score(None), Band::NoMatch);
    }
}
