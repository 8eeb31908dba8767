//! Translation batches: what is not yet translated, as one row per unique sentence for
//! a translator working in a spreadsheet.
//!
//! [`Batch::prepare`] picks every segment of the corpus without a 100% match, once,
//! with every place it occurs, its best fuzzy suggestion and its neighbours as
//! context. [`Batch::write_csv`] writes it so that Excel and LibreOffice open it
//! cleanly: UTF-8 with a BOM, the chosen delimiter, CRLF, quotes where needed, and
//! every cell that a spreadsheet would run as a formula neutralised ([`escape_cell`],
//! undone on import by [`unescape_cell`]). Ids are [`SegmentId`]s, `s` and 16 hex
//! digits, which no spreadsheet reads as a number or a date. This module does not read
//! batches back; that is [`crate::import`].

use std::collections::HashMap;
use std::io::Write;

use crate::analyze::{Band, Bands};
use crate::document::Document;
use crate::index::{Index, SearchOptions};
use crate::memory::Memory;
use crate::text::{word_count, SegmentId};

/// The batch columns, in order.
pub const COLUMNS: [&str; 10] = [
    "id",
    "where",
    "words",
    "score",
    "source",
    "suggestion",
    "suggestion_source",
    "target",
    "comment",
    "context",
];

/// One place a sentence occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The document's name.
    pub doc: String,
    /// The 1-based line.
    pub line: usize,
}

impl std::fmt::Display for Place {
    /// `document:line`, as in the batch's `where` column.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.doc, self.line)
    }
}

/// One sentence to translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    /// The sentence's id.
    pub id: SegmentId,
    /// Every place it occurs, in corpus order.
    pub places: Vec<Place>,
    /// Its word count.
    pub words: usize,
    /// The best fuzzy match's score, if any reached the minimum.
    pub score: Option<u8>,
    /// The Norwegian sentence.
    pub source: String,
    /// The best fuzzy match's target.
    pub suggestion: String,
    /// The best fuzzy match's source, so the translator sees what differs.
    pub suggestion_source: String,
    /// The translation: empty, or the suggestion when prefilled.
    pub target: String,
    /// The sentence before its first occurrence, if any.
    pub before: Option<String>,
    /// The sentence after its first occurrence, if any.
    pub after: Option<String>,
}

impl BatchRow {
    /// The `context` column: `before: ... | after: ...`, either part left out when there
    /// is no such sentence.
    pub fn context(&self) -> String {
        match (&self.before, &self.after) {
            (Some(b), Some(a)) => format!("before: {b} | after: {a}"),
            (Some(b), None) => format!("before: {b}"),
            (None, Some(a)) => format!("after: {a}"),
            (None, None) => String::new(),
        }
    }

    /// The `where` column: every place, separated by `; `.
    pub fn places_cell(&self) -> String {
        self.places.iter().map(Place::to_string).collect::<Vec<_>>().join("; ")
    }
}

/// A batch of sentences to translate, in corpus order of first occurrence.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// The rows.
    pub rows: Vec<BatchRow>,
}

/// Field separators a batch can be written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// `,`
    Comma,
    /// `;`, what Excel expects where the decimal separator is a comma (Norway)
    Semicolon,
    /// a tab
    Tab,
}

impl Delimiter {
    /// The byte.
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    /// A name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
        }
    }
}

impl Batch {
    /// The batch of every segment of `docs` with no 100% match in `memory`.
    pub fn prepare(docs: &[Document], memory: &Memory, index: &Index, min_score: u8, prefill: bool) -> Batch {
        let mut rows: Vec<BatchRow> = Vec::new();
        let mut by_id: HashMap<SegmentId, usize> = HashMap::new();
        for doc in docs {
            for (i, s) in doc.segments.iter().enumerate() {
                let text = doc.segment_text(s);
                if memory.exact(text).is_some() {
                    continue;
                }
                let place = Place { doc: doc.name.clone(), line: s.location.line };
                if let Some(&row) = by_id.get(&s.id) {
                    rows[row].places.push(place);
                    continue;
                }
                let neighbour = |j: Option<usize>| {
                    j.and_then(|j| doc.segments.get(j)).map(|s| doc.segment_text(s).to_string())
                };
                by_id.insert(s.id, rows.len());
                rows.push(BatchRow {
                    id: s.id,
                    places: vec![place],
                    words: word_count(text),
                    score: None,
                    source: text.to_string(),
                    suggestion: String::new(),
                    suggestion_source: String::new(),
                    target: String::new(),
                    before: neighbour(i.checked_sub(1)),
                    after: neighbour(Some(i + 1)),
                });
            }
        }
        let queries: Vec<&str> = rows.iter().map(|r| r.source.as_str()).collect();
        let best = index.search_all(memory, &queries, SearchOptions { min_score, top: 1 });
        for (row, found) in rows.iter_mut().zip(best) {
            if let Some(m) = found.first() {
                let e = &memory.entries[m.entry];
                row.score = Some(m.score);
                row.suggestion = e.target.clone();
                row.suggestion_source = e.source.clone();
                if prefill {
                    row.target = e.target.clone();
                }
            }
        }
        Batch { rows }
    }

    /// Segments and words per fuzzy band (each sentence once).
    pub fn bands(&self) -> Bands {
        let mut bands = Bands::default();
        for r in &self.rows {
            bands.add(Band::of_score(r.score), r.words);
        }
        bands
    }

    /// Writes the batch as CSV for spreadsheets: UTF-8 BOM, `delimiter`, CRLF.
    pub fn write_csv(&self, delimiter: Delimiter, out: impl Write) -> Result<(), csv::Error> {
        let mut out = out;
        out.write_all(b"\xef\xbb\xbf")?;
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter.byte())
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        w.write_record(COLUMNS)?;
        for r in &self.rows {
            let score = r.score.map(|s| s.to_string()).unwrap_or_default();
            let words = r.words.to_string();
            let id = r.id.to_string();
            let (places, context) = (r.places_cell(), r.context());
            let cells = [
                &id,
                &places,
                &words,
                &score,
                &r.source,
                &r.suggestion,
                &r.suggestion_source,
                &r.target,
                "",
                &context,
            ];
            w.write_record(cells.iter().map(|c| escape_cell(c).into_owned()))?;
        }
        w.flush()?;
        Ok(())
    }
}

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Neutralises a cell a spreadsheet would run as a formula by putting an apostrophe
/// before it (and before a cell that already starts with an apostrophe followed by
/// such a character, or by another apostrophe, so that [`unescape_cell`] is exact).
pub fn escape_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = cell.chars();
    let needs = match chars.next() {
        Some(c) if FORMULA_START.contains(&c) => true,
        Some('\'') => chars.next().is_some_and(|c| c == '\'' || FORMULA_START.contains(&c)),
        _ => false,
    };
    if needs {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Undoes [`escape_cell`]: `unescape_cell(&escape_cell(x)) == x` for every `x`.
pub fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c: char| c == '\'' || FORMULA_START.contains(&c)) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_neutralised() {
        for (cell, escaped) in [
            ("=1+1", "'=1+1"),
            ("-10 grader", "'-10 grader"),
            ("@x", "'@x"),
            ("+47", "'+47"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("'Tis", "'Tis"),
            ("Hei", "Hei"),
            ("\tx", "'\tx"),
        ] {
            assert_eq!(escape_cell(cell), escaped);
            assert_eq!(unescape_cell(escaped), cell);
        }
    }

    proptest! {
        #[test]
        fn escaping_round_trips_and_never_starts_a_formula(cell in "['=+@\\-\t\ra-z]{0,5}") {
            let escaped = escape_cell(&cell);
            prop_assert_eq!(unescape_cell(&escaped), cell.as_str());
            prop_assert!(!escaped.starts_with(FORMULA_START));
        }
    }
}
