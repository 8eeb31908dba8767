//! Where the translation of a corpus stands: per document, how much is translated, out
//! with a translator and missing; per batch, what is translated and what is not.
//!
//! A sentence is *translated* when the memory has a translation of it (a 100% match)
//! that an edition can place ([`crate::edition::has_translation`]), *out* when it is not
//! and an open batch of the [`Ledger`] has it, and *missing* otherwise. Every
//! occurrence counts, with its words, as `analyze` counts them.
//! [`StatusBuilder`] takes one document at a time, so a run holds one document and the
//! counts, never the corpus.

use std::collections::{BTreeSet, HashMap};

use crate::document::{Document, Unreadable};
use crate::ledger::Ledger;
use crate::memory::Memory;
use crate::text::{word_count, SegmentId};

/// Segments (every occurrence) and their words, as `analyze` counts them.
pub use crate::analyze::Count as Counts;

/// Where one document (or the total) stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocStatus {
    /// The document's name (`TOTAL` for the total).
    pub name: String,
    /// What the memory translates.
    pub translated: Counts,
    /// What is out in an open batch.
    pub out: Counts,
    /// What is neither.
    pub missing: Counts,
    /// The open batches its sentences are out in, by number in the ledger.
    pub batches: BTreeSet<usize>,
}

impl DocStatus {
    /// Every segment.
    pub fn all(&self) -> Counts {
        let mut all = self.translated;
        all.plus(self.out);
        all.plus(self.missing);
        all
    }

    /// The share of its words translated, in whole percent (100 for an empty document).
    pub fn percent(&self) -> usize {
        (self.translated.words * 100).checked_div(self.all().words).unwrap_or(100)
    }
}

/// Where the sentences of one batch stand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchStatus {
    /// The batch's number in the ledger.
    pub index: usize,
    /// Its sentences the memory now translates (whichever batch or import brought
    /// the translation).
    pub translated: Counts,
    /// Its sentences still without a translation.
    pub outstanding: Counts,
}

/// Where the whole corpus stands.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// Per document, in corpus order.
    pub documents: Vec<DocStatus>,
    /// The sum of the documents.
    pub total: DocStatus,
    /// Per batch, oldest first.
    pub batches: Vec<BatchStatus>,
    /// The documents that could not be read, in corpus order: not in the total, which
    /// is then not the corpus's.
    pub unread: Vec<Unreadable>,
}

impl Status {
    /// The share of the corpus's words translated, in whole percent: none when a
    /// document could not be read, as what it holds is not known.
    pub fn percent(&self) -> Option<usize> {
        self.unread.is_empty().then(|| self.total.percent())
    }
}

/// Gathers a [`Status`] one document at a time.
pub struct StatusBuilder<'a> {
    memory: &'a Memory,
    out: HashMap<SegmentId, Vec<usize>>,
    /// Whether a sentence is translated, in plain text or in a formatted document.
    translated: HashMap<(SegmentId, bool), bool>,
    status: Status,
}

impl<'a> StatusBuilder<'a> {
    /// A status of `memory` and the batches of `ledger`.
    pub fn new(memory: &'a Memory, ledger: &Ledger) -> StatusBuilder<'a> {
        // A batch's sentence may stand in a formatted document: asked as such.
        let translated = |source: &str| crate::edition::has_translation(memory, source, false);
        let out = ledger.out(translated);
        let batches = ledger
            .batches
            .iter()
            .enumerate()
            .map(|(index, batch)| {
                let mut b = BatchStatus { index, ..BatchStatus::default() };
                for s in &batch.segments {
                    if translated(&s.source) {
                        b.translated.add(s.words);
                    } else {
                        b.outstanding.add(s.words);
                    }
                }
                b
            })
            .collect();
        let status = Status {
            batches,
            total: DocStatus { name: "TOTAL".into(), ..DocStatus::default() },
            ..Status::default()
        };
        StatusBuilder { memory, out, translated: HashMap::new(), status }
    }

    /// Counts the segments of `doc`.
    pub fn add(&mut self, doc: &Document) {
        let mut d = DocStatus { name: doc.name.clone(), ..DocStatus::default() };
        let plain = doc.plain().is_some();
        for s in &doc.segments {
            let text = doc.segment_text(s);
            let words = word_count(text);
            let memory = self.memory;
            let translated = *(self.translated.entry((s.id, plain)))
                .or_insert_with(|| crate::edition::has_translation(memory, text, plain));
            if translated {
                d.translated.add(words);
            } else if let Some(batches) = self.out.get(&s.id) {
                d.out.add(words);
                d.batches.extend(batches);
            } else {
                d.missing.add(words);
            }
        }
        let total = &mut self.status.total;
        total.translated.plus(d.translated);
        total.out.plus(d.out);
        total.missing.plus(d.missing);
        total.batches.extend(&d.batches);
        self.status.documents.push(d);
    }

    /// Notes a document that could not be read, so the status does not count it as
    /// translated.
    pub fn unreadable(&mut self, unreadable: Unreadable) {
        self.status.unread.push(unreadable);
    }

    /// The status.
    pub fn finish(self) -> Status {
        self.status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{BatchRecord, Sent};
    use crate::memory::Entry;
    use crate::segment::Segmenter;

    #[test]
    fn each_sentence_is_translated_out_or_missing() {
        let doc =
            Document::parse("a.txt".into(), "Hei du. Ja. Nei takk.\nHei du.".into(), &Segmenter::default());
        let memory = Memory::from_entries(vec![Entry {
            source: "Hei du.".into(),
            target: "Hi you.".into(),
            ..Entry::default()
        }]);
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path()).unwrap();
        let sent =
            |s: &str| Sent { id: SegmentId::of(s).to_string(), source: s.into(), words: 1, places: vec![] };
        let record = BatchRecord {
            id: String::new(),
            file: "b.csv".into(),
            format: "csv".into(),
            exported: String::new(),
            translator: None,
            prefilled: false,
            segments: vec![sent("Ja."), sent("Hei du.")],
            returned: None,
            withdrawn: None,
        };
        ledger.record(record, crate::timestamp::Timestamp::now()).unwrap();
        let mut builder = StatusBuilder::new(&memory, &ledger);
        builder.add(&doc);
        let status = builder.finish();
        let d = &status.documents[0];
        assert_eq!(d.translated, Counts { segments: 2, words: 4 });
        assert_eq!(d.out, Counts { segments: 1, words: 1 });
        assert_eq!(d.missing, Counts { segments: 1, words: 2 });
        assert_eq!(d.batches.iter().copied().collect::<Vec<_>>(), [0]);
        assert_eq!(d.percent(), 57);
        assert_eq!(status.total.all(), d.all());
        assert_eq!(status.batches[0].translated, Counts { segments: 1, words: 1 });
        assert_eq!(status.batches[0].outstanding, Counts { segments: 1, words: 1 });
    }
}
