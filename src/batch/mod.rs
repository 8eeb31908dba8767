//! Translation batches: what is not yet translated, as one row per unique sentence for
//! a translator working in a spreadsheet.
//!
//! [`Batch::prepare`] picks every segment of the corpus without a 100% match an edition
//! can place ([`crate::edition::has_translation`]: one whose tags are not the
//! sentence's is sent, scored 99, for a translator to mend), once, with every place it
//! occurs, its best fuzzy suggestion and its neighbours as context. Ids are [`SegmentId`]s, `s` and 16 hex digits, which no spreadsheet reads
//! as a number or a date.
//!
//! Each batch format is one file with both directions, writing a [`Batch`] and reading
//! a translator's file back into rows: [`xlsx`] (the default), [`csv`] and [`xliff`].
//! [`BatchFormat`], [`FORMATS`] and [`read`] are the one place that chooses among
//! them, by name, extension or content. Checking the rows read and merging them is [`crate::import`].

pub mod csv;
pub mod locks;
pub mod ods;
pub mod xliff;
pub mod xlsx;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::analyze::{Band, Bands};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::import::{ImportRow, Problem};
use crate::index::{Index, Match, SearchOptions};
use crate::language::Language;
use crate::memory::Memory;
use crate::text::{word_count, SegmentId};

/// The batch columns, in order.
pub const COLUMNS: [&str; 12] = [
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
    "terms",
    "repaired",
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
    /// The places it occurs, in corpus order: the first [`MAX_PLACES`].
    pub places: Vec<Place>,
    /// How many more places it occurs in than [`BatchRow::places`] lists.
    pub more_places: usize,
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
    /// The glossary's terms found in the sentence, each as `kunde = customer`
    /// ([`Batch::mark_terms`]).
    pub terms: Vec<String>,
    /// What its tags stand for, where the document's markup is readable
    /// ([`Document::tags`]): `{1/}` and `` `npm install` ``, `{2}…{/2}` and `<q>…</q>`.
    pub tags: Vec<(String, String)>,
    /// The numbers the suggestion got in place of its own, old and new, when its source
    /// differs from the sentence only in numbers ([`crate::numbers::repair`]).
    pub repaired: Vec<(String, String)>,
}

impl BatchRow {
    /// The `context` column: `before: ... | after: ...`, either part left out when there
    /// is no such sentence.
    pub fn context(&self) -> String {
        let parts = [
            self.before.as_ref().map(|b| format!("before: {b}")),
            self.after.as_ref().map(|a| format!("after: {a}")),
            (!self.tags.is_empty()).then(|| self.tags_note()),
        ];
        parts.into_iter().flatten().collect::<Vec<_>>().join(" | ")
    }

    /// What the sentence's tags stand for: `tags: {1/} = `npm install`; {2}…{/2} = <q>…</q>`.
    pub fn tags_note(&self) -> String {
        let tags: Vec<String> = self.tags.iter().map(|(code, markup)| format!("{code} = {markup}")).collect();
        format!("tags: {}", tags.join("; "))
    }

    /// The `repaired` column: each number the suggestion got, `110 → 120; 6 → 7`.
    pub fn repaired_cell(&self) -> String {
        crate::numbers::changes_text(&self.repaired)
    }

    /// The `terms` column: every term of the sentence, separated by `; `.
    pub fn terms_cell(&self) -> String {
        self.terms.join("; ")
    }

    /// The `where` column: every place, separated by `; `. A sentence found in thousands
    /// of places lists the first and how many more, so the cell stays within what a
    /// spreadsheet cell and tolk's own reader hold.
    pub fn places_cell(&self) -> String {
        let mut out = String::new();
        let mut listed = 0;
        for place in &self.places {
            let next = place.to_string();
            if out.len() + next.len() + 40 > MAX_PLACES_CELL {
                break;
            }
            if listed > 0 {
                out.push_str("; ");
            }
            out.push_str(&next);
            listed += 1;
        }
        let more = self.places.len() - listed + self.more_places;
        if more > 0 {
            out.push_str(&format!("; and {more} more place{}", if more == 1 { "" } else { "s" }));
        }
        out
    }
}

/// How many places of one sentence a batch lists; a sentence found in more is listed
/// with the first ones and a count, so a batch of a corpus of millions of repeated
/// segments holds each sentence once and a bounded list beside it.
pub const MAX_PLACES: usize = 100;

/// The longest `where` cell: what a spreadsheet cell holds (32,767 characters), well
/// within tolk's own cell limit.
pub const MAX_PLACES_CELL: usize = 32_000;

/// A batch of sentences to translate, in corpus order of first occurrence.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The rows.
    pub rows: Vec<BatchRow>,
    /// The language of the sources (`nb`, `nn`), as formats that say so write it.
    pub source_language: String,
    /// The language of the translations (`en`, `en-GB`).
    pub target_language: String,
    /// Whether a target without a suggestion starts as a copy of its source, marked so
    /// (XLIFF only, for CAT tools that translate the target, as OmegaT does).
    pub copy_source: bool,
    /// The id the batch is recorded under, and who it is for, for the formats that
    /// carry them (XLIFF), so an import knows the batch whatever its file is called.
    pub id: Option<String>,
    pub translator: Option<String>,
}

impl Batch {
    /// A batch of `rows`, from Norwegian Bokmål (`nb`) into English (`en`).
    pub fn new(rows: Vec<BatchRow>) -> Batch {
        Batch {
            rows,
            source_language: "nb".into(),
            target_language: "en".into(),
            copy_source: false,
            id: None,
            translator: None,
        }
    }
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

    /// The delimiter a user names: `,` or `comma`, `;` or `semicolon`, `tab`.
    pub fn parse(name: &str) -> Option<Delimiter> {
        match name {
            "," | "comma" => Some(Delimiter::Comma),
            ";" | "semicolon" => Some(Delimiter::Semicolon),
            "tab" | "\t" | "\\t" => Some(Delimiter::Tab),
            _ => None,
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

/// A batch gathered one document at a time: each unique sentence once, with its
/// first places and its neighbours, so preparing a batch holds one document and the
/// batch, never the whole corpus.
#[derive(Debug, Default)]
pub struct BatchBuilder {
    rows: Vec<BatchRow>,
    by_id: HashMap<SegmentId, usize>,
    /// Per row, whether the sentence stands in a formatted document (not plain text),
    /// where a translation whose tags are not its sentence's cannot be placed.
    formatted: Vec<bool>,
}

impl BatchBuilder {
    /// Adds every segment of `doc`.
    pub fn add(&mut self, doc: &Document) {
        // The line each sentence was last found on in this document: the same sentence
        // twice on one line ("Ja. Ja.", an image's description that a Word file holds
        // twice) is one place.
        let mut last_line: HashMap<SegmentId, usize> = HashMap::new();
        let mut tags = doc.tags();
        for (i, s) in doc.segments.iter().enumerate() {
            if last_line.insert(s.id, s.location.line) == Some(s.location.line) {
                continue;
            }
            if let Some(&row) = self.by_id.get(&s.id) {
                self.formatted[row] |= doc.plain().is_none();
                let row = &mut self.rows[row];
                if row.places.len() < MAX_PLACES {
                    row.places.push(Place { doc: doc.name.clone(), line: s.location.line });
                } else {
                    row.more_places += 1;
                }
                continue;
            }
            let text = doc.segment_text(s);
            // The nearest other sentence either side: the same one again is no context.
            let other = |j: &usize| doc.segments[*j].id != s.id;
            let neighbour = |j: Option<usize>| j.map(|j| doc.segment_text(&doc.segments[j]).to_string());
            let (before, after) = ((0..i).rev().find(other), (i + 1..doc.segments.len()).find(other));
            self.by_id.insert(s.id, self.rows.len());
            self.formatted.push(doc.plain().is_none());
            self.rows.push(BatchRow {
                id: s.id,
                places: vec![Place { doc: doc.name.clone(), line: s.location.line }],
                more_places: 0,
                words: word_count(text),
                score: None,
                source: text.to_string(),
                suggestion: String::new(),
                suggestion_source: String::new(),
                target: String::new(),
                before: neighbour(before),
                after: neighbour(after),
                terms: Vec::new(),
                tags: tags.get_mut(i).map(std::mem::take).unwrap_or_default(),
                repaired: Vec::new(),
            });
        }
    }

    /// The batch: every sentence without a 100% match in `memory`, with its best fuzzy
    /// suggestion (searched on every core), and that suggestion as its target when
    /// `prefill`.
    pub fn finish(self, memory: &Memory, index: &Index, min_score: u8, prefill: bool) -> Batch {
        let best = index.search_all(&self.untranslated(memory), SearchOptions { min_score, top: 1 });
        self.finish_found(memory, best, prefill)
    }

    /// Every sentence gathered, once each, in order: what the batch holds, of those
    /// without a 100% match.
    pub fn sources(&self) -> Vec<&str> {
        self.rows.iter().map(|r| r.source.as_str()).collect()
    }

    /// The sentences gathered that have no 100% match in `memory` that an edition can
    /// place wherever they stand ([`crate::edition::placed`]), in order: those
    /// [`BatchBuilder::finish_found`] takes the best match of.
    pub fn untranslated(&self, memory: &Memory) -> Vec<&str> {
        let open = self.open(memory);
        self.rows.iter().zip(open).filter(|(_, open)| *open).map(|(r, _)| r.source.as_str()).collect()
    }

    /// Per row, whether it is still to translate: the memory has no 100% match of it,
    /// or one whose translation build would not place (its tags are not the sentence's,
    /// in a formatted document), which a translator must mend.
    fn open(&self, memory: &Memory) -> Vec<bool> {
        (self.rows.iter().zip(&self.formatted))
            .map(|(row, &formatted)| !crate::edition::has_translation(memory, &row.source, !formatted))
            .collect()
    }

    /// [`BatchBuilder::finish`], with the best match of each of
    /// [`BatchBuilder::untranslated`] found already (`best`, numbered as `memory`'s
    /// entries, which need only hold them and every translation of the sentences: a
    /// memory read in part).
    pub fn finish_found(self, memory: &Memory, best: Vec<Vec<Match>>, prefill: bool) -> Batch {
        let open = self.open(memory);
        let mut rows: Vec<BatchRow> =
            self.rows.into_iter().zip(open).filter(|(_, open)| *open).map(|(r, _)| r).collect();
        for (row, found) in rows.iter_mut().zip(best) {
            if let Some(m) = found.first() {
                let e = &memory.entries[m.entry];
                // A 100% match here is one build cannot place (its tags are not the
                // sentence's): the same words, something else differs, as `analyze`
                // counts it.
                row.score = Some(m.score.min(99));
                // The suggestion carries this sentence's tags where the entry's
                // correspond.
                row.suggestion = crate::document::inline::transfer(&e.source, &e.target, &row.source);
                row.suggestion_source = e.source.clone();
                // A source that differs only in numbers: the suggestion gets the new ones.
                if let Ok(repair) = crate::numbers::repair(&row.source, &e.source, &row.suggestion) {
                    row.suggestion = repair.target;
                    row.repaired = repair.changes;
                }
                if prefill {
                    row.target = row.suggestion.clone();
                }
            }
        }
        Batch::new(rows)
    }
}

impl Batch {
    /// The batch of every segment of `docs` with no 100% match in `memory`.
    pub fn prepare(docs: &[Document], memory: &Memory, index: &Index, min_score: u8, prefill: bool) -> Batch {
        let mut builder = BatchBuilder::default();
        for doc in docs {
            builder.add(doc);
        }
        builder.finish(memory, index, min_score, prefill)
    }

    /// Puts the terms of `glossary` found in each sentence in its row's `terms`.
    pub fn mark_terms(&mut self, glossary: &crate::glossary::Glossary) {
        use rayon::prelude::*;
        self.rows.par_iter_mut().for_each(|row| row.terms = glossary.describe(&glossary.find(&row.source)));
    }

    /// Segments and words per fuzzy band (each sentence once).
    pub fn bands(&self) -> Bands {
        let mut bands = Bands::default();
        for r in &self.rows {
            bands.add(Band::of_score(r.score), r.words);
        }
        bands
    }
}

/// A translator's batch file, read: rows for [`crate::import::validate`].
#[derive(Debug, Default)]
pub struct ReadFile {
    /// The rows, with their row numbers.
    pub rows: Vec<ImportRow>,
    /// What was detected ("read as Windows-1252", "delimiter ;").
    pub notes: Vec<String>,
    /// What was in the file and is not imported: text in a column tolk does not read.
    pub warnings: Vec<String>,
    /// Rows that could not be read (wrong number of cells, oversized cells).
    pub problems: Vec<Problem>,
    /// The id of the batch the file says it is (an XLIFF batch's `phase job-id`).
    pub batch: Option<String>,
    /// The name of the format it was read as (`xlsx`, `csv`, `xliff`, …).
    pub format: &'static str,
    /// Whether the file shows it was double-encoded (a CSV whose byte order mark reads
    /// `ï»¿`): see [`crate::import::undo_double_encoding`].
    pub double_encoded: bool,
    /// The languages the file says its translations are in, each with its line (an
    /// XLIFF `file`'s `target-language`); none for a spreadsheet.
    pub target_languages: Vec<(u64, String)>,
    /// The languages the file says its sentences are in, each with its line (an XLIFF
    /// `file`'s `source-language`); none for a spreadsheet.
    pub source_languages: Vec<(u64, String)>,
}

impl ReadFile {
    /// A warning for each written Norwegian the file says its sentences are in other
    /// than `project`'s (`nn` in a batch of a Bokmål project: the CAT tool's project was
    /// set up for Nynorsk), once a language, at its first line. `no`, Norwegian without
    /// saying which, says nothing. Each is the line and the message.
    pub fn other_norwegian(&self, project: &str) -> Vec<(u64, String)> {
        let Some(wanted) = Language::parse(project) else { return Vec::new() };
        let mut told: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (line, code) in &self.source_languages {
            let Some(found) = Language::parse(code) else { continue };
            // `no` (or `no-NO`) is Norwegian without saying which; `no-NN` says.
            let lower = code.trim().to_ascii_lowercase().replace('_', "-");
            let subtags: Vec<&str> = lower.split('-').collect();
            let generic = matches!(subtags[0], "no" | "nor")
                && !subtags.iter().skip(1).any(|s| matches!(*s, "nb" | "bok" | "nn" | "nyn"));
            if found.language() == wanted.language() || generic || told.contains(&code.as_str()) {
                continue;
            }
            told.push(code);
            out.push((
                *line,
                format!(
                    "the file's source-language is {}, not the project's {} (source_language in tolk.toml): \
                     the CAT tool's project was set up for the other written Norwegian, so its matches, terms and \
                     spelling were that one's; the sources are checked against the project's sentences as ever, \
                     and the translations imported: check them, and set the CAT tool's source language to {project}",
                    crate::shown::name(&found.describe()),
                    wanted.describe(),
                ),
            ));
        }
        out
    }

    /// A warning for each English variant the file says its translations are in
    /// other than `project`'s (`en-US` in a batch of an `en-GB` project: a CAT tool's
    /// project set up for another English), once a variant, at its first line. A code
    /// without a region (`en`), or a project without one, says nothing of spelling.
    /// Each is the line and the message.
    pub fn other_english(&self, project: &str) -> Vec<(u64, String)> {
        let Some(wanted) = Language::parse(project).filter(|l| l.region().is_some()) else {
            return Vec::new();
        };
        let mut told: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for (line, code) in &self.target_languages {
            // The same language in another region, as a unit's variants are weighed.
            let Some(found) = Language::parse(code).filter(|_| wanted.closeness(code) == 1) else { continue };
            let region = found.region().unwrap_or_default();
            if told.iter().any(|r| r == region) {
                continue;
            }
            told.push(region.to_string());
            out.push((
                *line,
                format!(
                    "the file's target-language is {}, another English than the project's {project} \
                     (target_language in tolk.toml); its translations are imported as they are: check their \
                     spelling (color or colour, organize or organise), and set the CAT tool's target language to \
                     {project}",
                    crate::shown::name(code),
                ),
            ));
        }
        out
    }
}

/// Whether a batch's column of this name is one tolk wrote or reads; text in any other
/// (a translator's own notes column) is not imported, and said so by [`unread`].
pub(crate) fn is_known_column(name: &str) -> bool {
    COLUMNS.contains(&name) || xlsx::COLUMNS.iter().any(|(c, _)| *c == name) || name == "translator"
}

/// The warning for the columns of a batch that hold text tolk does not import:
/// `filled` gives each such column's header (empty for none) and number (1-based),
/// and the rows that have text in it, in order, so the translator finds each remark.
pub(crate) fn unread(filled: &[(String, usize, Vec<u64>)]) -> Option<String> {
    /// How many rows are named before the rest are counted.
    const NAMED: usize = 5;
    if filled.is_empty() {
        return None;
    }
    let named: Vec<String> = filled
        .iter()
        .map(|(name, number, rows)| {
            let name =
                if name.is_empty() { format!("number {number} (no name)") } else { format!("{name:?}") };
            let mut list: Vec<String> = rows.iter().take(NAMED).map(u64::to_string).collect();
            if rows.len() > NAMED {
                list.push(format!("{} more", rows.len() - NAMED));
            }
            let list = match list.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => list.concat(),
            };
            format!("{name} (row{} {list})", if rows.len() == 1 { "" } else { "s" })
        })
        .collect();
    Some(format!(
        "the column{} {} {} text tolk does not import: a remark for the editor goes in the column comment, \
         which is kept with the translation",
        if filled.len() > 1 { "s" } else { "" },
        named.join(", "),
        if filled.len() > 1 { "hold" } else { "holds" },
    ))
}

/// What every batch format does, one implementation per file of this folder: a new
/// format is one new file and one line in [`FORMATS`].
pub trait BatchFormat: Sync {
    /// Its name on the command line: `xlsx`, `csv`, `xliff`.
    fn name(&self) -> &'static str;
    /// The extensions an output file of this format may have; the first is the one
    /// tolk gives the files it names itself.
    fn extensions(&self) -> &'static [&'static str];
    /// Whether the file at `path`, which starts with `head`, is to be read as this
    /// format: by its extension or by its first bytes.
    fn claims(&self, path: &Path, head: &[u8]) -> bool;
    /// A short description for messages: "XLSX workbook".
    fn describe(&self) -> String;
    /// `batch` as a file of this format.
    fn write(&self, batch: &Batch) -> Result<Vec<u8>>;
    /// A translator's file of this format, read back.
    fn read(&self, path: &Path) -> Result<ReadFile>;
}

/// Every batch format, the default first, in the order they are asked to claim a file
/// (CSV last: it claims whatever the others do not).
pub static FORMATS: [&dyn BatchFormat; 3] =
    [&xlsx::Xlsx, &xliff::Xliff, &csv::Csv { delimiter: Delimiter::Comma }];

/// The format called `name` on the command line.
pub fn by_name(name: &str) -> Option<&'static dyn BatchFormat> {
    FORMATS.iter().copied().find(|f| f.name() == name)
}

/// The format an output file's extension names, if it names one.
pub fn by_extension(path: &Path) -> Option<&'static dyn BatchFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    FORMATS.iter().copied().find(|f| f.extensions().contains(&ext.as_str()))
}

/// What to do about a batch whose header lacks the columns `missing` (of `id`,
/// `source` and `target`): an `id` column deleted is put back from the batch as
/// exported, which `tolk status` names; else the file may be no batch at all.
pub(crate) fn missing_columns_hint(missing: &[&str]) -> String {
    match missing {
        ["id"] => "the id column was deleted: copy it back from the batch as `tolk export` wrote it (`tolk \
                   status` names each batch's file), into a column named id, the rows in the order they were \
                   exported, and import again (a row whose id is not its sentence's is named)"
            .to_string(),
        _ => {
            "is this a batch written by `tolk export`? its first row names the columns id, source and target"
                .to_string()
        }
    }
}

/// The delimiter the extension of `out` names: a tab for `.tsv`.
pub fn delimiter_of(out: &Path) -> Option<Delimiter> {
    let ext = out.extension()?.to_str()?.to_ascii_lowercase();
    (ext == "tsv").then_some(Delimiter::Tab)
}

/// The format to write a batch in: the one named by `name` (`--format`), or by the
/// extension of `out`, or the default; the two must agree when both are given, and a
/// file's extension must be one of its format's (`b.ods` would be a workbook no
/// spreadsheet opens as what its name says). A `delimiter` is for CSV only, and a
/// `.tsv` is tab-separated. The error says what to change.
pub fn choose(
    name: Option<&str>,
    out: Option<&Path>,
    delimiter: Option<Delimiter>,
) -> std::result::Result<Box<dyn BatchFormat>, String> {
    let chosen = match name {
        Some(name) => Some(by_name(name).ok_or_else(|| format!("no batch format is called {name:?}"))?),
        None => None,
    };
    let named = out.and_then(by_extension);
    // An extension no format tolk writes has: the file would not be what its name says
    // (a pipe or a device is written into, and its name says nothing of the format).
    let stream = |out: &Path| std::fs::metadata(out).is_ok_and(|m| !m.is_file() && !m.is_dir());
    let unknown =
        out.filter(|out| named.is_none() && out.as_os_str() != "-" && !stream(out)).and_then(|out| {
            let ext = out.extension()?.to_str()?.to_ascii_lowercase();
            Some((out, ext))
        });
    if let Some((out, ext)) = unknown {
        let shown = crate::shown::path(out);
        let stem = out.file_stem().map_or_else(|| "batch".into(), |s| s.to_string_lossy().into_owned());
        let written = "tolk writes batches as .xlsx, .csv (or .tsv, .txt) and .xlf (or .xliff)";
        return Err(match ext.as_str() {
            "ods" => format!(
                "--out {shown}: tolk cannot write an OpenDocument spreadsheet (.ods); write {stem}.xlsx, which \
                 LibreOffice opens, and which it may save back as .ods: `tolk import` reads either"
            ),
            _ => format!("--out {shown}: .{ext} is no batch format; {written}: name the file so"),
        });
    }
    if let (Some(out), Some(given)) = (out, delimiter) {
        if delimiter_of(out).is_some_and(|tab| tab != given) {
            return Err(format!(
                "--delimiter {} but --out {} is tab-separated by its name; leave out --delimiter, or name a .csv",
                given.name(),
                crate::shown::path(out)
            ));
        }
    }
    let delimiter = delimiter.or_else(|| out.and_then(delimiter_of));
    let format = match (chosen, named) {
        (Some(chosen), Some(named)) if chosen.name() != named.name() => {
            return Err(format!(
                "--format {} but --out {} names another format; give one of them, or matching ones",
                chosen.name(),
                crate::shown::path(out.unwrap_or(Path::new("")))
            ))
        }
        (Some(format), _) | (None, Some(format)) => format,
        (None, None) => FORMATS[0],
    };
    match (format.name(), delimiter) {
        ("csv", delimiter) => Ok(Box::new(csv::Csv { delimiter: delimiter.unwrap_or(Delimiter::Comma) })),
        (_, Some(_)) => {
            Err("--delimiter is for CSV batches; add --format csv, or leave --delimiter out".into())
        }
        (_, None) => Ok(Box::new(Chosen(format))),
    }
}

/// A format of the registry, owned like one made for the occasion.
struct Chosen(&'static dyn BatchFormat);

impl BatchFormat for Chosen {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn extensions(&self) -> &'static [&'static str] {
        self.0.extensions()
    }
    fn claims(&self, path: &Path, head: &[u8]) -> bool {
        self.0.claims(path, head)
    }
    fn describe(&self) -> String {
        self.0.describe()
    }
    fn write(&self, batch: &Batch) -> Result<Vec<u8>> {
        self.0.write(batch)
    }
    fn read(&self, path: &Path) -> Result<ReadFile> {
        self.0.read(path)
    }
}

/// Reads a translator's batch in whichever format claims it. Only the first bytes are
/// sniffed; each reader then refuses oversized input while reading.
pub fn read(path: &Path) -> Result<ReadFile> {
    crate::input::regular_file(path, "a batch")?;
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)
        .and_then(|f| f.take(512).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    let format = FORMATS.iter().find(|f| f.claims(path, &head)).unwrap_or(&FORMATS[FORMATS.len() - 1]);
    // What no format reads and a translator's program may save a batch as, whatever its
    // name (a workbook's reader names an old or password-protected one itself).
    let not = |what: &str| {
        Error::at(
            path,
            crate::error::Place::File,
            format!(
                "is {what}, which tolk does not read as a batch; save it in the spreadsheet, without a \
                 password, as an Excel workbook (.xlsx), an OpenDocument spreadsheet (.ods) or \"CSV UTF-8\""
            ),
        )
    };
    if head.starts_with(b"%PDF-") {
        return Err(not("a PDF file"));
    }
    // A workbook or XLIFF file of no bytes at all is no damaged archive or document but
    // a save, a copy or a download that did not finish (a CSV's reader says so itself).
    if head.is_empty() && format.name() != "csv" {
        return Err(Error::at(
            path,
            crate::error::Place::File,
            "is empty (0 bytes): its save, copy or download did not finish; save it again from the spreadsheet \
             or CAT tool, or fetch it again, and import that"
                .to_string(),
        ));
    }
    if head.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") && format.name() != "xlsx" {
        return Err(not("an Excel 97–2003 workbook (.xls) or a password-protected one"));
    }
    // What a spreadsheet saves besides its own formats: a web page, or its flat XML.
    let start =
        String::from_utf8_lossy(&head).trim_start_matches('\u{feff}').trim_start().to_ascii_lowercase();
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        return Err(not("a web page (HTML), as a spreadsheet saves one"));
    }
    if start.contains("<office:document") {
        return Err(not("a LibreOffice flat XML file (.fods or .fodt)"));
    }
    if let Some(refused) = text_named_as_a_workbook(path, &head) {
        return Err(refused);
    }
    let mut read = format.read(path)?;
    read.format = format.name();
    Ok(read)
}

/// The refusal of a file named as a workbook (`.xlsx`, `.ods`) that is text, not the zip
/// archive every workbook is: a CSV a spreadsheet saved under the workbook's name, or
/// a file renamed. Said as what it is, with the name to give it, and the same whichever
/// workbook name it has; not read as what it holds, since the name is what the next
/// person to open it goes by, and a CSV under it went through a save the translator
/// did not see for what it was (formulas kept as their values, text read as numbers).
/// `None` for anything else, which the workbook's reader names (a password's or an old
/// Excel's compound file, a damaged archive).
fn text_named_as_a_workbook(path: &Path, head: &[u8]) -> Option<Error> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    let kind = match extension.as_str() {
        "xlsx" => "an XLSX workbook",
        "ods" => "an OpenDocument spreadsheet",
        _ => return None,
    };
    if head.starts_with(b"PK\x03\x04") || head.starts_with(crate::document::OLE) {
        return None;
    }
    let text = head_as_text(head)?;
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(2).collect();
    // Excel's own first line naming the delimiter, then the header.
    let header = match lines.as_slice() {
        [sep, next, ..] if sep.to_ascii_lowercase().starts_with("sep=") => next,
        [first, ..] => first,
        [] => "",
    };
    let message = if text.starts_with('<') && text.contains("<xliff") {
        format!("is an XLIFF file, not {kind}: rename it to .xlf and import it again")
    } else if header.contains([',', ';', '\t']) {
        format!(
            "is CSV text, not {kind} (a spreadsheet saved it as CSV under the workbook's name, or it was renamed): \
             rename it to .csv and import it again"
        )
    } else {
        format!(
            "is text, not {kind}; save it from the spreadsheet as Excel 2007-365 (.xlsx), or as \"CSV UTF-8\" \
             named .csv"
        )
    };
    Some(Error::at(path, crate::error::Place::File, message))
}

/// The first bytes of a file, `head`, as text, if they are: UTF-16 with a byte order
/// mark, UTF-8 (a character cut at the end aside), or a legacy 8-bit encoding, with no
/// control character but white space.
fn head_as_text(head: &[u8]) -> Option<String> {
    let text = match head {
        [0xff, 0xfe, 0, 0, ..] | [0, 0, 0xfe, 0xff, ..] => return None,
        // A character cut at the end of the head is no reason to doubt the rest.
        [0xff, 0xfe, ..] => encoding_rs::UTF_16LE
            .decode_without_bom_handling(&head[2..])
            .0
            .trim_end_matches('\u{fffd}')
            .to_string(),
        [0xfe, 0xff, ..] => encoding_rs::UTF_16BE
            .decode_without_bom_handling(&head[2..])
            .0
            .trim_end_matches('\u{fffd}')
            .to_string(),
        _ => match std::str::from_utf8(head) {
            Ok(text) => text.to_string(),
            Err(e) if e.error_len().is_none() => {
                String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned()
            }
            Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(head).0.into_owned(),
        },
    };
    let controls = |c: char| c.is_control() && !c.is_whitespace() || c == '\u{fffd}';
    (!text.trim().is_empty() && !text.chars().any(controls)).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a batch of an en-GB project came back from a CAT tool set up for
    /// en-US, and nothing was said.
    /// Regression: a batch of a Bokmål project came back with `source-language="nn"`
    /// (a CAT tool's project set up for Nynorsk), and nothing was said.
    #[test]
    fn another_norwegian_than_the_projects_is_named_once_by_its_line() {
        let file = ReadFile {
            source_languages: [(3, "nn"), (9, "nn"), (15, "no-NN"), (20, "nb"), (31, "no"), (40, "nb-NO")]
                .map(|(line, code)| (line, code.to_string()))
                .to_vec(),
            ..ReadFile::default()
        };
        let lines =
            |project: &str| file.other_norwegian(project).into_iter().map(|(l, _)| l).collect::<Vec<_>>();
        assert_eq!(lines("nb"), [3, 15]);
        assert_eq!(lines("nn"), [20, 40]);
        let (_, message) = &file.other_norwegian("nb")[0];
        assert!(
            message.starts_with(
                "the file's source-language is Norwegian Nynorsk (nn), not the project's Norwegian Bokmål (nb) \
                 (source_language in tolk.toml)"
            ),
            "{message}"
        );
    }

    #[test]
    fn another_english_than_the_projects_is_named_once_by_its_line() {
        let file = ReadFile {
            target_languages: [(3, "en-US"), (9, "EN_us"), (20, "en"), (31, "en-GB"), (40, "en-AU")]
                .map(|(line, code)| (line, code.to_string()))
                .to_vec(),
            ..ReadFile::default()
        };
        let lines =
            |project: &str| file.other_english(project).into_iter().map(|(l, _)| l).collect::<Vec<_>>();
        assert_eq!(lines("en-GB"), [3, 40]);
        assert_eq!(lines("en_us"), [31, 40]);
        // A project without a region takes any English.
        assert_eq!(lines("en"), Vec::<u64>::new());
        let (_, message) = &file.other_english("en-GB")[0];
        assert!(
            message
                .starts_with("the file's target-language is en-US, another English than the project's en-GB"),
            "{message}"
        );
    }

    /// The warning for a translator's own column names the rows with text in it, the
    /// first five and how many more.
    #[test]
    fn text_not_imported_is_named_by_its_rows() {
        let column = |rows: &[u64]| unread(&[("Notes".into(), 3, rows.to_vec())]).unwrap();
        assert!(column(&[4]).starts_with("the column \"Notes\" (row 4) holds text tolk does not import"));
        assert!(column(&[4, 9]).contains("(rows 4 and 9)"));
        assert!(column(&[2, 3, 5, 8, 13, 21, 34]).contains("(rows 2, 3, 5, 8, 13 and 2 more)"));
        assert_eq!(unread(&[]), None);
    }

    /// A sentence twice in one place (an image's description and title) is one place,
    /// and its neighbours are the other sentences around it, not itself.
    #[test]
    fn the_same_sentence_twice_in_one_place_is_listed_once() {
        let html = "<p>Første.</p>\n<p><img alt=\"Et bilde.\" title=\"Et bilde.\"></p>\n<p>Siste.</p>\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.html");
        std::fs::write(&path, html).unwrap();
        let doc = Document::read_as(&path, "x.html".into(), &crate::segment::Segmenter::default()).unwrap();
        let texts: Vec<&str> = doc.segments.iter().map(|s| doc.segment_text(s)).collect();
        assert_eq!(texts, ["Første.", "Et bilde.", "Et bilde.", "Siste."]);
        let mut builder = BatchBuilder::default();
        builder.add(&doc);
        let row = &builder.rows[1];
        assert_eq!(row.places, [Place { doc: "x.html".into(), line: 2 }]);
        assert_eq!((row.before.as_deref(), row.after.as_deref()), (Some("Første."), Some("Siste.")));
    }

    /// A translator sees what each tag of a sentence stands for, as the page writes it;
    /// plain text has none.
    #[test]
    fn the_context_says_what_each_tag_stands_for() {
        let dir = tempfile::tempdir().unwrap();
        let read = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            Document::read_as(&path, name.into(), &crate::segment::Segmenter::default()).unwrap()
        };
        let long = "x".repeat(100);
        let html = read(
            "x.html",
            &format!("<p>Kjør <code>tolk\n  build</code> nå, <b>med</b> <img src=\"{long}.png\"> her.</p>"),
        );
        let mut builder = BatchBuilder::default();
        builder.add(&html);
        let row = &builder.rows[0];
        assert_eq!(row.source, "Kjør {1/} nå, {2}med{/2} {3/} her.");
        let shown = format!("<img src=\"{}…", &format!("{long}.png")[..50]);
        let tags = [
            ("{1/}".to_string(), "<code>tolk build</code>".to_string()),
            ("{2}…{/2}".into(), "<b>…</b>".into()),
            ("{3/}".into(), shown.clone()),
        ];
        assert_eq!(row.tags, tags);
        assert_eq!(
            row.context(),
            format!("tags: {{1/}} = <code>tolk build</code>; {{2}}…{{/2}} = <b>…</b>; {{3/}} = {shown}")
        );
        let text = read("x.txt", "Kjør {1/} nå.\n");
        let mut builder = BatchBuilder::default();
        builder.add(&text);
        assert!(builder.rows[0].tags.is_empty());
    }
}
