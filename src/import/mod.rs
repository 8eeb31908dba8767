//! Taking translators' work back into the memory: read, check every row, then merge
//! under the memory's lock, all or nothing. The merge rule is [`plan_merge`], a pure
//! function of a snapshot and what comes in; the store commits it.
//!
//! [`crate::batch::read`] turns a translator's file into [`ImportRow`]s; [`validate`] checks each row
//! against the batch tolk issued (the id is a segment of the corpus and the source is
//! still the text it was issued for; a non-empty target; one id, one translation) and
//! runs quality checks that warn but do not refuse ([`checks`]); [`apply`] merges them
//! through the memory's store, which takes its lock, reloads the memory as it is now,
//! asks [`plan_merge`] what to add and writes it atomically. A target
//! that differs from the memory's translation of the same source is a conflict,
//! refused unless overwriting is asked for, and even then the old translation is kept,
//! retired by the import: an import never loses a translation. Every import that
//! changes the memory gets an id ([`ImportId`]), written in what it adds and retires,
//! so `tm revert` can undo it.

pub mod checks;
pub mod english;
pub mod spreadsheet;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Place, Result};
use crate::memory::imports::ImportId;
use crate::memory::{Change, CsvStore, Entry, Memory, MemoryStore, Update};
use crate::shown::quoted;
use crate::text::{normalize, SegmentId};
use crate::timestamp::Timestamp;

/// What the numbers of a file count: rows of a CSV file (the header is row 1, a cell
/// with a line break does not start a new row), lines of an XML file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowOrLine {
    /// A CSV row, as a spreadsheet numbers it.
    #[default]
    Row,
    /// A line of the file.
    Line,
}

impl fmt::Display for RowOrLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RowOrLine::Row => "row",
            RowOrLine::Line => "line",
        })
    }
}

/// Where a row of an import came from: the file, and the row (CSV, XLSX: the header is
/// row 1, as a spreadsheet numbers them) or line (XML) in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The file.
    pub file: PathBuf,
    /// The row or line.
    pub row: u64,
    /// Whether `row` is a row or a line.
    pub unit: RowOrLine,
    /// In an XLIFF file, the id of the `trans-unit`, which a CAT tool's user can search
    /// for where a line number means nothing.
    pub unit_id: Option<String>,
}

impl Origin {
    /// Row `row` of the CSV or XLSX file `file`.
    pub fn row(file: &Path, row: u64) -> Origin {
        Origin { file: file.to_path_buf(), row, unit: RowOrLine::Row, unit_id: None }
    }

    /// Line `line` of the file `file`.
    pub fn line(file: &Path, line: u64) -> Origin {
        Origin { file: file.to_path_buf(), row: line, unit: RowOrLine::Line, unit_id: None }
    }
}

impl Origin {
    /// Its place, as an error names it.
    pub fn place(&self) -> Place {
        match self.unit {
            RowOrLine::Row => Place::row(self.row, None),
            RowOrLine::Line => Place::line(self.row),
        }
    }
}

impl ImportRow {
    /// Where a problem of its `column` (or element) is: the element's own line in an
    /// XML file, else the row's.
    pub fn origin_of(&self, column: &str) -> Origin {
        let line = match (column, self.element_lines) {
            ("source", Some([source, _])) => source,
            ("target", Some([_, target])) => target,
            _ => return self.origin.clone(),
        };
        Origin { row: line, ..self.origin.clone() }
    }
}

impl Origin {
    /// Its place without the file: `row 3`, `line 7` or `line 7 (trans-unit
    /// s0123456789abcdef)`.
    pub fn within(&self) -> String {
        match &self.unit_id {
            Some(id) => format!("{} {} (trans-unit {})", self.unit, self.row, crate::shown::name(id)),
            None => format!("{} {}", self.unit, self.row),
        }
    }
}

impl fmt::Display for Origin {
    /// `file: row 3`, `file: line 7` or `file: line 7 (trans-unit s0123456789abcdef)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", crate::shown::path(&self.file), self.within())
    }
}

/// One row of a translator's file, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// Where it came from: the file, and the row or line in it.
    pub origin: Origin,
    /// In an XML file (XLIFF), the lines its source and target elements start on, so a
    /// problem of one names its line, not the unit's.
    pub element_lines: Option<[u64; 2]>,
    /// The id cell.
    pub id: String,
    /// The source cell.
    pub source: String,
    /// The target cell.
    pub target: String,
    /// A translator named in the file, if any.
    pub translator: Option<String>,
    /// What an XLIFF unit says of its target (its `state`, and whether it is approved);
    /// nothing for a spreadsheet's row.
    pub state: UnitState,
    /// Whether the batch wrote the target as a copy of its source, for a CAT tool that
    /// translates the target (XLIFF `state-qualifier` `x-tolk-source-copy`): changed,
    /// it is a translation whatever its `state` still says, since such a tool (OmegaT)
    /// leaves the state as it was.
    pub source_copy: bool,
    /// Whether the batch put the suggestion in the target (`export --prefill`): an
    /// XLIFF unit in the state tolk gave it ([`crate::batch::xliff::STATE_PREFILLED`])
    /// of a batch whose record says it was prefilled (or, of a file with no record
    /// here, with the `state-qualifier` tolk gave it too), or any row of a spreadsheet
    /// whose batch was exported so. Such a target still the suggestion was never
    /// looked at; the state of one changed is tolk's, not the translator's.
    pub prefilled: bool,
    /// What reading an XLIFF unit found beyond its texts; nothing for a spreadsheet's
    /// row.
    pub unit: XliffUnit,
    /// The fuzzy suggestion the batch offered, if the file has it: a target equal to it
    /// may never have been reviewed.
    pub suggestion: Option<String>,
    /// Whether the batch offered no suggestion for the row, as its empty
    /// `suggestion_source` cell says (`false` where the file has no such column): text
    /// in its suggestion cell is then the translator's, typed one column too far.
    pub none_offered: bool,
    /// The translator's comment, if the file has one: it becomes the entry's note.
    pub comment: Option<String>,
}

/// What reading an XLIFF unit found beyond its texts, which the row's check needs the
/// sentence as issued to judge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XliffUnit {
    /// The id of a tag in the target that the source lacks (left out of the row's
    /// target): a translator's stray tag where the source is as issued, or a sign of a
    /// source whose tags were edited, which the check then names instead.
    pub stray_tag: Option<String>,
    /// Whether a tool re-indented it: line breaks and indentation beside its source's
    /// tags (tolk's sentences have none), read as the file's, not text.
    pub reindented: bool,
    /// Its texts read the other way such white space can be read (the row's own are the
    /// way the file shows first): the check takes the one whose source is the sentence
    /// as issued.
    pub other: Option<Reading>,
}

/// A unit's texts read one way.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reading {
    /// The source.
    pub source: String,
    /// The target.
    pub target: String,
    /// The suggestion the batch offered.
    pub suggestion: Option<String>,
}

/// What an XLIFF unit says of its target: whether a translator confirmed it, or it is
/// still to be translated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitState {
    /// The target's `state` (`needs-translation`, `translated`, `final`, ...), if it
    /// has one.
    pub state: Option<String>,
    /// Whether the unit says its target is confirmed other than by its `state`: XLIFF
    /// 1.2's own `approved="yes"` on the `trans-unit` (Okapi and others write it and
    /// leave `state` alone), memoQ's `mq:status` `ManuallyConfirmed` (or confirmed
    /// by a reviewer), or Trados's `sdl:seg` `conf` `Translated` (or approved) for each
    /// of the unit's segments.
    pub approved: bool,
}

impl UnitState {
    /// Whether the target was looked at and confirmed: approved, or in the state
    /// `translated`, `final` or `signed-off`.
    pub fn confirmed(&self) -> bool {
        self.approved || matches!(self.state.as_deref(), Some("translated" | "final" | "signed-off"))
    }

    /// Whether the target is not translated yet: not approved, and in the state `new`,
    /// `needs-translation` or `needs-l10n` ("text and non-textual information need
    /// adaptation", XLIFF 1.2, so the text is not done either; `needs-adaptation` is
    /// about the rest only).
    pub fn untranslated(&self) -> bool {
        !self.approved && matches!(self.state.as_deref(), Some("new" | "needs-translation" | "needs-l10n"))
    }

    /// The state, where it says the target is there but not confirmed: a translation
    /// awaiting review (`needs-review-translation`, `needs-review-l10n`), one whose
    /// other content awaits adaptation or its review (`needs-adaptation`,
    /// `needs-review-adaptation`: the text is done), or a state of a tool's own (`x-…`,
    /// or any other XLIFF 1.2 does not name), which says nothing tolk can read of it.
    pub fn unconfirmed(&self) -> Option<&str> {
        let state = self.state.as_deref().filter(|s| !s.trim().is_empty())?;
        (!self.confirmed() && !self.untranslated()).then_some(state)
    }
}

/// What the XLIFF state `state` of a target that is there but not confirmed
/// ([`UnitState::unconfirmed`]) says of it, in a few words.
pub fn unconfirmed_meaning(state: &str) -> &'static str {
    match state {
        "needs-review-translation" => "awaiting review",
        "needs-review-l10n" => "awaiting review, with its other content",
        "needs-review-adaptation" => "its other content awaiting review",
        "needs-adaptation" => "its other content still to be adapted",
        _ => "a state of the CAT tool's own",
    }
}

/// A row refused: where, what was expected, what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it came from: the file, and the row or line in it.
    pub origin: Origin,
    /// The column (or XML element; empty when the whole row is wrong).
    pub column: String,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if !self.column.is_empty() {
            let field = if self.origin.unit == RowOrLine::Row { "column" } else { "element" };
            write!(f, ", {field} {}", self.column)?;
        }
        write!(f, ": expected {}, found {}", self.expected, self.found)
    }
}

/// A row accepted, with a remark a reviewer should see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where it came from: the file, and the row or line in it.
    pub origin: Origin,
    /// What looks wrong.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

/// A translation ready to merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The sentence's id.
    pub id: SegmentId,
    /// The sentence exactly as in the corpus.
    pub source: String,
    /// The translation.
    pub target: String,
    /// Who translated it, if the file says.
    pub translator: Option<String>,
    /// The translator's comment, kept as the entry's note.
    pub note: Option<String>,
    /// Where it came from: the file, and the row or line in it.
    pub origin: Origin,
    /// The sentences before and after it where it first stands in the corpus (its
    /// context, kept with the entry), if known.
    pub context: Option<(String, String)>,
}

/// The outcome of checking every row.
#[derive(Debug, Default)]
pub struct Plan {
    /// Rows to merge, one per id.
    pub accepted: Vec<Accepted>,
    /// Rows with an empty target (not translated yet).
    pub skipped_empty: usize,
    /// Rows whose XLIFF state says they are not translated.
    pub skipped_state: usize,
    /// Of those, the ones that have a translation all the same (a draft), by place,
    /// with their state.
    pub drafts: Vec<(Origin, String)>,
    /// Of those, the copies of their sources the batch wrote (`export --copy-source`)
    /// that came back unchanged, by place: not translated yet, or a name that stays
    /// the same, which [`Known::take_copies`] takes.
    pub untouched: Vec<Origin>,
    /// Of those, the copies of their sources the batch wrote that came back changed at
    /// one end only, by place, with the run of the copy's words still standing at the
    /// other ([`checks::kept_words`], at least [`checks::COPY_LEFT`] ordinary words):
    /// half translated, and taken only with [`Known::take_copies`].
    pub half_copied: Vec<(Origin, checks::Kept)>,
    /// Of those, the targets an XLIFF batch prefilled with the fuzzy suggestion
    /// (`export --prefill`) that came back as they were, in the state they were given:
    /// never reviewed, so taken only with [`Known::take_drafts`].
    pub unreviewed: Vec<Origin>,
    /// Rows accepted whose XLIFF state says they are there but not confirmed
    /// ([`UnitState::unconfirmed`]: awaiting review, or a tool's own state), by place,
    /// with their state: imported, and named for the editor to review.
    pub unconfirmed: Vec<(Origin, String)>,
    /// Rows refused.
    pub problems: Vec<Problem>,
    /// How many rows refused are told of by another's problem, not one of their own
    /// (every row of a batch of another project: one problem for the file).
    pub folded: usize,
    /// Remarks on accepted rows.
    pub warnings: Vec<Warning>,
}

/// The sentences tolk issued: every segment id of the corpus and its text.
pub type Issued = HashMap<SegmentId, String>;

/// The sentences of `docs` as a batch of theirs issued them: every segment's id and
/// text, the first occurrence of each.
pub fn issued(docs: &[crate::document::Document]) -> Issued {
    let mut issued = Issued::new();
    for doc in docs {
        for s in &doc.segments {
            issued.entry(s.id).or_insert_with(|| doc.segment_text(s).to_string());
        }
    }
    issued
}

/// A sentence as a batch exported it, for rows whose sentence the corpus no longer has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The batches that exported it, as a person names them (`b20261130-061500-3f9a (for
    /// Kari)`), oldest first.
    pub batches: Vec<String>,
    /// The sentence as exported.
    pub source: String,
    /// Where it was, `document:line`.
    pub places: Vec<String>,
}

impl Exported {
    /// "batch X" or "batches X and Y".
    fn describe(&self) -> String {
        match self.batches.as_slice() {
            [one] => format!("batch {one}"),
            [first @ .., last] => format!("batches {} and {last}", first.join(", ")),
            [] => "a batch".into(),
        }
    }
}

/// What rows are checked against: the corpus as it is now, and what batches exported.
#[derive(Debug, Default)]
pub struct Known {
    /// The corpus' sentences.
    pub issued: Issued,
    /// Every sentence ever exported, by id.
    pub exported: HashMap<SegmentId, Exported>,
    /// The corpus' sentences by `document:line`, to say what a changed sentence now reads.
    pub lines: HashMap<String, Vec<String>>,
    /// Each document's sentences, in order, with their `document:line`.
    pub by_document: HashMap<String, Vec<(String, String)>>,
    /// The sentences before and after each sentence where it first stands (empty at
    /// the start or end of its document).
    pub context: HashMap<SegmentId, (String, String)>,
    /// What each sentence's tags stand for where it first stands, as its batch named
    /// them ([`crate::document::Document::tags`]), for the remarks on tags.
    pub tags: HashMap<SegmentId, Vec<(String, String)>>,
    /// The names of the corpus' documents.
    pub documents: std::collections::HashSet<String>,
    /// Whether a row whose sentence the corpus no longer has is taken for the sentence
    /// as its batch exported it (`import --from-batch`).
    pub from_batch: bool,
    /// The glossary whose terms the targets are checked for ([`checks::terms`]).
    pub glossary: crate::glossary::Glossary,
    /// The memory's translations of exported sentences the corpus no longer has, by
    /// the sentence's id: a row that brings one of them again (a batch imported with
    /// `--from-batch` before) is unchanged, not refused.
    pub stored: HashMap<SegmentId, Vec<String>>,
    /// Whether a translation whose `state` says it is not translated yet (a draft) is
    /// taken all the same (`import --take-drafts`).
    pub take_drafts: bool,
    /// Whether a target that is still the copy of its source the batch wrote
    /// (`export --copy-source`) is taken as its translation (`import --take-copies`):
    /// names and titles that stay the same in English. A CAT tool that translates the
    /// target (OmegaT) leaves the state alone, so nothing else tells such a target from
    /// one not translated yet.
    pub take_copies: bool,
}

impl Known {
    /// What the corpus knows of `docs`.
    pub fn of(docs: &[crate::document::Document]) -> Known {
        let mut lines: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_document: HashMap<String, Vec<(String, String)>> = HashMap::new();
        let mut context = HashMap::new();
        let mut tags: HashMap<SegmentId, Vec<(String, String)>> = HashMap::new();
        for doc in docs {
            let mut described = doc.tags();
            for (k, s) in doc.segments.iter().enumerate() {
                if let Some(named) = described.get_mut(k).filter(|t| !t.is_empty()) {
                    tags.entry(s.id).or_insert_with(|| std::mem::take(named));
                }
                let place = format!("{}:{}", doc.name, s.location.line);
                by_document
                    .entry(doc.name.clone())
                    .or_default()
                    .push((place.clone(), doc.segment_text(s).to_string()));
                lines.entry(place).or_default().push(doc.segment_text(s).to_string());
                let around = |i: Option<usize>| {
                    i.and_then(|i| doc.segments.get(i)).map_or("", |s| doc.segment_text(s))
                };
                context.entry(s.id).or_insert_with(|| {
                    (around(k.checked_sub(1)).to_string(), around(Some(k + 1)).to_string())
                });
            }
        }
        let documents = docs.iter().map(|d| d.name.clone()).collect();
        Known { issued: issued(docs), lines, by_document, context, tags, documents, ..Known::default() }
    }

    /// What became of the exported sentence `e` that the corpus no longer has: the
    /// sentence of its document that is its new wording, or none. A new wording shares
    /// at least half its words with it ([`word_overlap`]) and is no sentence a batch of
    /// `e`'s exported beside it (the next paragraph, moved up into the place of one
    /// deleted, stood beside it: it is its own sentence, not the deleted one reworded);
    /// of those, the closest, in the sentence's place first.
    pub fn fate(&self, e: &Exported) -> Fate {
        let (source, places) = (&e.source, &e.places);
        let beside = |text: &str| {
            self.exported
                .get(&SegmentId::of(text))
                .is_some_and(|other| other.batches.iter().any(|b| e.batches.contains(b)))
        };
        let mut missing_document = None;
        for place in places {
            let doc = place.rsplit_once(':').map_or(place.as_str(), |(d, _)| d);
            let Some(sentences) = self.by_document.get(doc) else {
                if !self.documents.contains(doc) {
                    missing_document.get_or_insert_with(|| doc.to_string());
                    continue;
                }
                return Fate::Deleted { document: doc.to_string() };
            };
            let best = sentences
                .iter()
                .filter(|(_, text)| !beside(text))
                .map(|(at, text)| (word_overlap(source, text), at == place, at, text))
                .filter(|(overlap, ..)| *overlap >= 0.5)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.cmp(a.2)));
            return match best {
                Some((_, _, at, text)) => Fate::Reworded { place: at.clone(), now: text.clone() },
                None => Fate::Deleted { document: doc.to_string() },
            };
        }
        match missing_document {
            Some(document) => Fate::DocumentGone { document },
            None => Fate::Unknown,
        }
    }

    /// Whether the memory holds `target` (as the import takes it: trimmed, without a
    /// dialogue dash) for the exported sentence `e`, which the corpus no longer has.
    fn holds(&self, e: &Exported, target: &str) -> bool {
        let target = crate::text::without_dialogue_dash(&e.source, target.trim());
        self.stored.get(&SegmentId::of(&e.source)).is_some_and(|t| t.iter().any(|t| t.trim() == target))
    }

    /// Why the exported sentence `e` is not in the corpus, as far as can be told.
    fn what_changed(&self, e: &Exported) -> String {
        self.fate(e).to_string()
    }
}

/// What became of an exported sentence the corpus no longer has ([`Known::fate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// The editor changed it: at `place` (`document:line`) it now reads `now`.
    Reworded { place: String, now: String },
    /// Its document no longer has it, nor anything like it: deleted.
    Deleted { document: String },
    /// Its document is not in the corpus.
    DocumentGone { document: String },
    /// Nothing says where it was.
    Unknown,
}

impl fmt::Display for Fate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fate::Reworded { place, now } => write!(f, "{place} now reads {}", quoted(now)),
            Fate::Deleted { document } => {
                write!(f, "{document} no longer has it, nor a sentence like it (deleted since the export)")
            }
            Fate::DocumentGone { document } => write!(f, "{document} is not in the corpus"),
            Fate::Unknown => write!(f, "the document has changed"),
        }
    }
}

/// The share of their words two sentences have in common (Dice's coefficient over the
/// lower-cased words, each counted once): 1 for the same words, 0 for none shared. A
/// sentence the editor reworded keeps most of its words (`Det kom 12 000 besøkende.` and
/// `Det kom 12 500 besøkende.`: 0.8); the next paragraph's sentence shares few
/// (`Første avsnitt her.` and `Andre avsnitt er kort.`: 0.29).
pub fn word_overlap(a: &str, b: &str) -> f64 {
    let words = |t: &str| -> std::collections::HashSet<String> {
        t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * a.intersection(&b).count() as f64 / (a.len() + b.len()) as f64
}

/// Takes each unit of an XLIFF file whose trans-unit ids a tool renumbered (`1`, `2`,
/// `3`…, none of them an id tolk writes) for the sentence its source is, where every
/// unit's source is exactly a sentence tolk issued: a sentence's id is made from its
/// text ([`SegmentId::of`]), so the source says which id the unit had, and in XLIFF the
/// target stands in the same unit as its source (a spreadsheet's cells can be pasted
/// from other rows, so its rows are never taken so). A file with one unit whose id is
/// tolk's, or whose source is not a sentence as issued, is left as it is, and its ids
/// are refused row by row. Returns, for each file taken so, a warning saying it, with
/// the first ids found.
pub fn renumbered_ids(rows: &mut [ImportRow], issued: &Issued) -> Vec<String> {
    let mut files: Vec<PathBuf> = Vec::new();
    for r in rows.iter() {
        if !files.contains(&r.origin.file) {
            files.push(r.origin.file.clone());
        }
    }
    let mut warnings = Vec::new();
    for file in files {
        let mut units: Vec<&mut ImportRow> = rows.iter_mut().filter(|r| r.origin.file == file).collect();
        let renumbered = units.iter().all(|r| {
            r.origin.unit == RowOrLine::Line
                && SegmentId::parse(r.id.trim()).is_none()
                && issued.get(&SegmentId::of(&r.source)).is_some_and(|t| *t == r.source)
        });
        if units.is_empty() || !renumbered {
            continue;
        }
        let first: Vec<String> = units.iter().take(3).map(|r| quoted(r.id.trim()).to_string()).collect();
        for r in &mut units {
            r.id = SegmentId::of(&r.source).to_string();
        }
        warnings.push(format!(
            "{}: the trans-unit ids were renumbered ({}…: by a tool?), and the source of every unit is exactly a \
             sentence of the batch as issued, whose id is made from its text: each of the {} units is taken for \
             the sentence its source is; nothing to do, but a tool that keeps the ids is safer (a source edited \
             into another sentence of the batch cannot be told then)",
            crate::shown::path(&file),
            first.join(", "),
            units.len()
        ));
    }
    warnings
}

/// Undoes a spreadsheet's double encoding (a UTF-8 CSV opened as Windows-1252 and saved
/// again: `Ã¥` for `å`, see [`crate::input::decode::undo_double_encoding`]) in the
/// rows of each file shown to have one: a file in `marked` (its byte order mark read
/// `ï»¿`), or one with a row whose source, undone, is the sentence its id was issued
/// for. Real text can read as such a run too, so nothing else is touched. Returns a
/// warning for each file undone, at its first row changed.
pub fn undo_double_encoding(
    rows: &mut [ImportRow],
    issued: &Issued,
    marked: &std::collections::HashSet<PathBuf>,
) -> Vec<Warning> {
    use crate::input::decode::undo_double_encoding as undo;
    let mut shown = marked.clone();
    for r in rows.iter() {
        let Some(text) = SegmentId::parse(r.id.trim()).and_then(|id| issued.get(&id)) else { continue };
        if normalize(&r.source) != normalize(text)
            && undo(&r.source).is_some_and(|was| normalize(&was) == normalize(text))
        {
            shown.insert(r.origin.file.clone());
        }
    }
    // Per file: the first row changed, and how many cells.
    let mut undone: Vec<(Origin, usize)> = Vec::new();
    for r in rows.iter_mut().filter(|r| shown.contains(&r.origin.file)) {
        let mut cells = 0;
        let optional = [r.comment.as_mut(), r.suggestion.as_mut(), r.translator.as_mut()];
        for cell in [Some(&mut r.source), Some(&mut r.target)].into_iter().chain(optional).flatten() {
            if let Some(was) = undo(cell) {
                *cell = was;
                cells += 1;
            }
        }
        if cells == 0 {
            continue;
        }
        match undone.iter_mut().find(|(o, _)| o.file == r.origin.file) {
            Some((_, n)) => *n += cells,
            None => undone.push((r.origin.clone(), cells)),
        }
    }
    (undone.into_iter())
        .map(|(origin, n)| Warning {
            message: format!(
                "{n} cell{} from here on had letters in pairs of other characters, `Ã¥` for `å`: the file was \
                 opened as Windows-1252 (\"Western Europe\") and saved again; read as they were written. Open a \
                 batch with the character set Unicode (UTF-8)",
                if n == 1 { "" } else { "s" }
            ),
            origin,
        })
        .collect()
}

/// `text` normalised, with the white space beside its formatting codes left out: what a
/// source re-indented by a tool must still be, word for word and tag for tag.
fn loose(text: &str) -> String {
    use crate::document::inline::Piece;
    let normal = normalize(text);
    let pieces = crate::document::inline::pieces(&normal);
    let mut out = String::with_capacity(normal.len());
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Code(_, bytes) => out.push_str(bytes),
            Piece::Text(t) => {
                let mut t: &str = t;
                if i > 0 {
                    t = t.trim_start();
                }
                if i + 1 < pieces.len() {
                    t = t.trim_end();
                }
                out.push_str(t);
            }
        }
    }
    out
}

/// The words of `text`, its formatting codes left out and its white space normalised.
fn words(text: &str) -> String {
    let pieces = crate::document::inline::pieces(text);
    let plain: String = (pieces.iter())
        .map(|p| match p {
            crate::document::inline::Piece::Text(t) => *t,
            crate::document::inline::Piece::Code(..) => " ",
        })
        .collect();
    normalize(&plain).into_owned()
}

/// Checks every row against the `issued` sentences.
pub fn validate(rows: &[ImportRow], issued: &Issued) -> Plan {
    validate_with(rows, &Known { issued: issued.clone(), ..Known::default() })
}

/// Checks every row against what is `known`.
pub fn validate_with(rows: &[ImportRow], known: &Known) -> Plan {
    let issued = &known.issued;
    let mut plan = Plan::default();
    let mut taken: HashMap<SegmentId, usize> = HashMap::new();
    // The ids given two translations, and where the second came from: neither is the
    // translation, whichever row comes first.
    let mut conflicted: HashMap<SegmentId, (Origin, String)> = HashMap::new();
    // Per file: the rows with an id, and the problems of ids nothing knows.
    let mut ids: HashMap<&Path, (usize, Vec<usize>)> = HashMap::new();
    let neighbours = spreadsheet::Neighbours::of(rows);
    // Per file: the problems of sources whose letters became U+FFFD, and how long each
    // quoted source is in its message.
    let mut replaced: HashMap<&Path, Vec<(usize, usize)>> = HashMap::new();
    for r in rows {
        let problem = |column: &str, expected: String, found: String| Problem {
            origin: r.origin_of(column),
            column: column.to_string(),
            expected,
            found,
        };
        let id_cell = r.id.trim();
        // An id mistyped or cleared beside a source left as it was: the source says
        // which sentence the row is, and so which id to put back.
        let put_back = |found: String| {
            let other = SegmentId::of(&r.source);
            let known_sentence = issued.get(&other).is_some_and(|t| normalize(t) == normalize(&r.source))
                || known.exported.get(&other).is_some_and(|e| normalize(&e.source) == normalize(&r.source));
            (known_sentence && !r.source.trim().is_empty()).then(|| {
                problem(
                    "id",
                    format!("the id of the row's source, {}, which is {other}", quoted(&r.source)),
                    format!("{found}: the source is sentence {other}; put back that id"),
                )
            })
        };
        let Some(id) = SegmentId::parse(id_cell) else {
            // A row of the translator's own without a translation (a totals row under
            // the batch, a heading above a part of it) has nothing to store; what it
            // says is named, as it may be a remark meant for the editor.
            if r.target.trim().is_empty() {
                plan.skipped_empty += 1;
                let said = [id_cell, r.source.trim(), r.comment.as_deref().unwrap_or_default().trim()];
                if let Some(said) = said.into_iter().find(|s| !s.is_empty()) {
                    plan.warnings.push(Warning {
                        origin: r.origin.clone(),
                        message: format!(
                            "a row of no sentence (it has no id tolk wrote) holds {}: not imported; a remark for \
                             the editor is kept in the comment cell of a translated row",
                            quoted(said)
                        ),
                    });
                }
                continue;
            }
            let found = match id_cell {
                "" => "no id (the cell was cleared)".to_string(),
                _ => format!("{}, which is no id tolk writes (mistyped?)", quoted(id_cell)),
            };
            plan.problems.push(put_back(found).unwrap_or_else(|| {
                problem(
                    "id",
                    "an id written by tolk export, like s0123456789abcdef".into(),
                    quoted(id_cell).to_string(),
                )
            }));
            continue;
        };
        let file = ids.entry(r.origin.file.as_path()).or_default();
        file.0 += 1;
        // An id its batch recorded for a sentence whose id tolk now finds otherwise
        // (see `ledger::Sent::ids`) is that sentence's.
        let id = match issued.get(&id) {
            None => known
                .exported
                .get(&id)
                .map(|e| SegmentId::of(&e.source))
                .filter(|now| issued.get(now).is_some())
                .unwrap_or(id),
            Some(_) => id,
        };
        let text = match (issued.get(&id), known.exported.get(&id)) {
            (Some(text), _) => text,
            // A row left empty has nothing to store, whatever became of its sentence.
            (None, Some(_)) if r.target.trim().is_empty() => {
                plan.skipped_empty += 1;
                continue;
            }
            (None, Some(e)) if known.from_batch || known.holds(e, &r.target) => {
                let warning = match known.holds(e, &r.target) {
                    true => format!(
                        "the memory has this translation already, for the sentence as {} exported it, {}; {}",
                        e.describe(),
                        quoted(&e.source),
                        known.what_changed(e)
                    ),
                    false => format!(
                        "stored for the sentence as {} exported it, {}; {}",
                        e.describe(),
                        quoted(&e.source),
                        known.what_changed(e)
                    ),
                };
                plan.warnings.push(Warning { origin: r.origin.clone(), message: warning });
                &e.source
            }
            (None, Some(e)) => {
                plan.problems.push(problem(
                    "id",
                    "the id of a sentence in this project's corpus".into(),
                    format!(
                        "{id_cell}, which {} exported from {} as {}, but the corpus no longer has it: {}; \
                         import with --from-batch to store the translation for the sentence as exported",
                        e.describe(),
                        e.places.first().map_or("the corpus", String::as_str),
                        quoted(&e.source),
                        known.what_changed(e)
                    ),
                ));
                continue;
            }
            (None, None) => {
                let found = format!(
                    "{id_cell}, which no document has and no batch of this project exported (mistyped?)"
                );
                if let Some(p) = put_back(found) {
                    plan.problems.push(p);
                    continue;
                }
                file.1.push(plan.problems.len());
                plan.problems.push(problem(
                    "id",
                    "the id of a sentence in this project's corpus".into(),
                    format!(
                        "{id_cell}, which no document has and no batch of this project exported (a batch of \
                         another project or corpus: name its corpus with --corpus)"
                    ),
                ));
                continue;
            }
        };
        // A unit a tool re-indented is read the way whose source is the sentence as
        // issued (exactly, before one only alike once normalised: a no-break space
        // beside a tag is no space to lose), and its target's spacing follows the same
        // rule.
        let other = (r.unit.other.as_ref()).filter(|o| {
            r.source != *text
                && (o.source == *text
                    || (normalize(&r.source) != normalize(text) && normalize(&o.source) == normalize(text)))
        });
        let (source, cell, suggestion) = match other {
            Some(o) => (o.source.as_str(), o.target.as_str(), o.suggestion.as_deref()),
            None => (r.source.as_str(), r.target.as_str(), r.suggestion.as_deref()),
        };
        // A cell that starts with an apostrophe and a formula character is tolk's own
        // guard in a CSV it wrote, and loses the apostrophe when read; a spreadsheet's
        // CSV of tolk's workbook writes the same text as it is. The sentence as issued
        // tells the two apart.
        let raw = text.strip_prefix('\'').is_some_and(|rest| rest == source);
        if normalize(source) != normalize(text) && !raw {
            // A row without a translation brings nothing to lose: a source the
            // spreadsheet rewrote there (a date made of `17. mai`) stops nothing.
            if r.target.trim().is_empty() {
                plan.skipped_empty += 1;
                continue;
            }
            // The row's source is another sentence of the batch: its id was changed, or
            // cells were pasted into the wrong row.
            let other = SegmentId::of(source);
            if spreadsheet::replaced_letters(text, source) {
                replaced
                    .entry(r.origin.file.as_path())
                    .or_default()
                    .push((plan.problems.len(), quoted(source).to_string().len()));
            }
            let p = match spreadsheet::source_damage(text, source) {
                Some((what, advice)) => problem(
                    "source",
                    format!("the sentence as issued, {}", quoted(text)),
                    format!("{}: {what}; {advice}", quoted(source)),
                ),
                None if other != id && issued.get(&other).is_some() => problem(
                    "id",
                    format!("the id of the row's source, {}, which is {other}", quoted(source)),
                    format!(
                        "{id_cell}, the id of another sentence, {}: the id was changed, or the row's cells \
                         were pasted from other rows; put back the id {other}, and the translation beside its \
                         sentence",
                        quoted(text)
                    ),
                ),
                // Re-indented so that no reading gives the sentence as issued, though its
                // words and tags are the sentence's: which spaces are the sentence's
                // cannot be told, here or in the target.
                None if r.unit.reindented && loose(source) == loose(text) => problem(
                    "source",
                    format!("the sentence as issued, {} (the source must not be edited)", quoted(text)),
                    format!(
                        "{}: the file was re-indented (line breaks and indentation put beside the tags, as a tool \
                         that reformats XML writes them) in a way tolk cannot undo for this unit, so which spaces \
                         are the sentence's, and the translation's, cannot be told; export the batch again, or save \
                         the file from the CAT tool without reformatting it",
                        quoted(source)
                    ),
                ),
                // Its words as issued, its tags not: a CAT tool changes a source's tags
                // only when asked to, and a target's tags then no longer fit it.
                None if words(source) == words(text) => problem(
                    "source",
                    format!("the sentence as issued, {} (the source must not be edited)", quoted(text)),
                    format!(
                        "{}: its tags were removed or changed (a target's tags are checked against its source's, \
                         so a source without them fails the target too); put the source back as exported, tags \
                         and all, or export the batch again",
                        quoted(source)
                    ),
                ),
                None => problem(
                    "source",
                    format!("the sentence as issued, {} (the source must not be edited)", quoted(text)),
                    quoted(source).to_string(),
                ),
            };
            plan.problems.push(p);
            continue;
        }
        // The source is as issued: a target tag it lacks is the translator's.
        if let Some(stray) = &r.unit.stray_tag {
            plan.problems.push(problem(
                "target",
                "the tags of the source".into(),
                format!(
                    "a tag with the id {}, which the source does not have; remove it (tags come from the source \
                     only)",
                    quoted(stray)
                ),
            ));
            continue;
        }
        // A target still the suggestion `--prefill` put there, in the state it was
        // given, was never looked at: a CAT tool that confirms a segment says so in its
        // state (or approves the unit), and one that leaves states alone (OmegaT)
        // changes the text or nothing. Imported, a 50% suggestion would become the
        // sentence's translation.
        let confirmed = r.state.confirmed();
        let prefilled = r.prefilled
            && !confirmed
            && !cell.trim().is_empty()
            && suggestion.is_some_and(|s| s.trim() == cell.trim());
        if prefilled && !known.take_drafts {
            plan.skipped_state += 1;
            plan.unreviewed.push(r.origin.clone());
            continue;
        }
        // An empty target is counted as one whatever its state: nothing was left out.
        let empty = cell.trim().is_empty();
        if !empty && r.state.untranslated() {
            // A copy of the source the batch wrote (`--copy-source`) and a tool changed
            // is a translation, as such a tool (OmegaT) leaves the state alone; one left
            // as it is is not, unless the drafts are taken (a name translated as
            // itself). Any other target whose state says it is not translated is a
            // draft, named and taken only with --take-drafts.
            let untouched = r.source_copy && normalize(cell.trim()) == normalize(source.trim());
            // A copy changed at one end only is half translated: a tool that split the
            // sentence (OmegaT's own segmentation, at `kl.` or a date) had its first
            // part translated and left the rest of the copy standing, or the other
            // way round. It is held back as an untouched copy is, with the same way to
            // take it.
            let half = (r.source_copy && !untouched)
                .then(|| checks::kept_words(text, cell.trim()))
                .flatten()
                .filter(|k| k.ordinary >= checks::COPY_LEFT);
            let take = match (r.source_copy, untouched) {
                (true, false) => half.is_none() || known.take_copies,
                (true, true) => known.take_copies,
                (false, _) => known.take_drafts,
            };
            if !take {
                plan.skipped_state += 1;
                match (untouched, half) {
                    (true, _) => plan.untouched.push(r.origin.clone()),
                    (false, Some(kept)) => plan.half_copied.push((r.origin.clone(), kept)),
                    (false, None) => {
                        plan.drafts.push((r.origin.clone(), r.state.state.clone().unwrap_or_default()))
                    }
                }
                continue;
            }
        }
        // Characters a reader never sees at a target's ends (a byte-order mark pasted
        // with it, a zero-width space) are no part of it.
        let typed = cell.trim_matches(|c: char| c.is_whitespace() || crate::text::INVISIBLE.contains(&c));
        // A dialogue dash is the document's layout, which the edition keeps: one typed
        // before the translation would stand twice there (`– – What`).
        let target = crate::text::without_dialogue_dash(text, typed);
        let dash = (target.len() != typed.len()).then(|| {
            format!(
                "the target starts with the dialogue dash {}, which is no part of the sentence (an \
                 edition keeps the document's own dash before it): stored without it",
                quoted(typed[..typed.len() - target.len()].trim_end())
            )
        });
        if target.is_empty() {
            plan.skipped_empty += 1;
            // A remark is kept with a translation; on a row without one it would be
            // lost unseen.
            if let Some(comment) = r.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                plan.warnings.push(Warning {
                    origin: r.origin.clone(),
                    message: format!(
                        "the comment {} is not kept, as the row has no translation; a remark is kept \
                         only with a translation, so tell the editor another way",
                        quoted(comment)
                    ),
                });
            }
            // Text in the suggestion cell of a row the batch offered none is the
            // translator's: a translation typed one column too far would be lost unseen.
            if let Some(typed) =
                r.suggestion.as_deref().map(str::trim).filter(|s| r.none_offered && !s.is_empty())
            {
                plan.warnings.push(Warning {
                    origin: r.origin.clone(),
                    message: format!(
                        "the target is empty, but the suggestion cell holds {}, though the batch offered no \
                         suggestion for this sentence: a translation typed one column too far? Move it into the \
                         target cell and import the file again",
                        quoted(typed)
                    ),
                });
            }
            continue;
        }
        // A target without a letter or a digit for a sentence with words is no
        // translation but a translator's mark that it is still to do (`?`, `-`, `...`):
        // stored, it would stand in the edition for the sentence and count it done.
        if !target.chars().any(char::is_alphanumeric) && crate::text::has_words(text) {
            plan.skipped_empty += 1;
            plan.warnings.push(Warning {
                origin: r.origin.clone(),
                message: format!(
                    "the target {} has no letter or digit, so it is no translation of a sentence with words (a \
                     mark that it is still to do?): left untranslated, to be exported again",
                    quoted(target)
                ),
            });
            continue;
        }
        // An id is never a translation: in a spreadsheet, a formula referring to an id
        // cell (`=A2`) leaves one when its value is saved, as a CSV keeps it.
        if spreadsheet::is_an_id(target) && normalize(target) != normalize(text) {
            let whose = match neighbours.id_row(r) {
                Some(other) => format!("the id of {}", other.origin.within()),
                None => "a sentence id".to_string(),
            };
            let how = match r.origin.unit {
                RowOrLine::Row => {
                    "what a formula referring to an id cell leaves when the spreadsheet saves its value (or an \
                     id cell copied)"
                }
                RowOrLine::Line => "an id copied",
            };
            plan.problems.push(problem(
                "target",
                "a translation".into(),
                format!(
                    "{}, {whose}, not a translation: {how}; type the translation in its place",
                    quoted(target)
                ),
            ));
            continue;
        }
        // A sentence of a document with one (a plain-text file may hold an escape or a
        // form feed) cannot be stored either: the memory's reader refuses it.
        if let Some(c) = crate::input::control_character(text) {
            plan.problems.push(problem(
                "source",
                "a sentence the memory can hold".into(),
                format!(
                    "{}, with the control character {}, which the memory refuses (an edition would carry it \
                     unseen); remove it from the document, then export the sentence again",
                    quoted(text),
                    crate::input::control_named(c)
                ),
            ));
            continue;
        }
        // A control character the memory's reader refuses (it would reach the editions
        // unseen), or one TMX and XLIFF cannot hold, so that `tm export` would fail for
        // the whole memory afterwards.
        let control = crate::input::control_character(target);
        if let Some(c) = control.or_else(|| target.chars().find(|&c| !crate::input::xml::is_xml_char(c))) {
            let found = match control {
                Some(_) => format!(
                    "the control character {} in {}, which no translation holds (an edition would carry it \
                     unseen, and the memory refuses it); remove it",
                    crate::input::control_named(c),
                    quoted(target)
                ),
                None => format!(
                    "the character U+{:04X} in {}, which TMX and XLIFF cannot hold; remove it",
                    c as u32,
                    quoted(target)
                ),
            };
            plan.problems.push(problem("target", "text".into(), found));
            continue;
        }
        // A sentence with formatting codes (`{1}…{/1}`, `{2/}`) needs them all back, well
        // nested, in any order. One without any, or whose codes do not pair (only plain
        // text can have those: a formatted document's literal braces are lone codes),
        // has braces that are text.
        let inline = crate::document::inline::codes(text);
        if !inline.is_empty() && crate::document::inline::check(text, text).is_ok() {
            if let Err(e) = crate::document::inline::check(text, target) {
                plan.problems.push(problem(
                    "target",
                    "the tags of the source".into(),
                    format!("{}: {e}", quoted(target)),
                ));
                continue;
            }
        }
        if let Some(&earlier) = taken.get(&id) {
            let first: &mut Accepted = &mut plan.accepted[earlier];
            if first.target == target {
                // The same translation again (a row copied, a batch pasted in twice):
                // one entry, but a remark of its own is the editor's to read too, kept
                // under the first row's.
                if let Some(comment) = r.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                    first.note = Some(with_remark(first.note.take(), comment));
                }
            } else {
                conflicted.entry(id).or_insert_with(|| (r.origin.clone(), target.to_string()));
                plan.problems.push(problem(
                    "target",
                    format!(
                        "the same translation as {} of {} for the same id, {}",
                        first.origin.within(),
                        crate::shown::path(&first.origin.file),
                        quoted(&first.target)
                    ),
                    quoted(target).to_string(),
                ));
            }
            continue;
        }
        let tags = known.tags.get(&id).map_or(&[][..], Vec::as_slice);
        let mut remarks: Vec<String> = dash.into_iter().collect();
        remarks.extend(checks::check_tagged(text, target, tags));
        remarks.extend(checks::terms(&known.glossary, text, target));
        remarks.extend(neighbours.copied(r, text, target));
        // Norwegian left standing at a target's start or end, as a translator who
        // overtyped a copy or a suggestion only in part leaves it.
        let (words, ordinary) = checks::SOURCE_LEFT;
        if let Some(kept) =
            checks::kept_words(text, target).filter(|k| k.words >= words && k.ordinary >= ordinary)
        {
            remarks.push(checks::kept_remark(&kept));
        }
        // A target whose XLIFF unit says it was translated or reviewed was looked at.
        // One the batch did not put there (exported without --prefill) was put there by
        // the translator or the CAT tool, which the remark says as it happened.
        if !confirmed && suggestion.is_some_and(|s| s.trim() == target) {
            remarks.push(match r.prefilled {
                true => "the target is the fuzzy suggestion, unchanged: check that it was reviewed".into(),
                false => "the target is word for word the fuzzy suggestion the batch offered, put there by the \
                          translator or the CAT tool (the batch was not prefilled with it): check that it fits the \
                          sentence"
                    .into(),
            });
        }
        // A state that says the translation awaits review (or is a tool's own) is the
        // translator's word that it is there but not final: it is imported, as XLIFF
        // 1.2 has it translated, and named. The state tolk itself gave a prefilled
        // target says nothing of the translator's.
        if let Some(state) = r.state.unconfirmed().filter(|_| !r.prefilled) {
            plan.unconfirmed.push((r.origin.clone(), state.to_string()));
        }
        for message in remarks {
            plan.warnings.push(Warning { origin: r.origin.clone(), message });
        }
        taken.insert(id, plan.accepted.len());
        plan.accepted.push(Accepted {
            id,
            source: text.clone(),
            target: target.to_string(),
            translator: r.translator.clone(),
            note: r.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string),
            origin: r.origin.clone(),
            context: known.context.get(&id).cloned(),
        });
    }
    if !conflicted.is_empty() {
        let (refused, accepted): (Vec<Accepted>, Vec<Accepted>) =
            plan.accepted.drain(..).partition(|a| conflicted.contains_key(&a.id));
        plan.accepted = accepted;
        plan.unconfirmed.retain(|(o, _)| !refused.iter().any(|a| a.origin == *o));
        for a in refused {
            let (other, target) = &conflicted[&a.id];
            plan.warnings.retain(|w| w.origin != a.origin);
            plan.problems.push(Problem {
                origin: a.origin.clone(),
                column: "target".into(),
                expected: format!(
                    "one translation of the id, but {} of {} has another, {}",
                    other.within(),
                    crate::shown::path(&other.file),
                    quoted(target)
                ),
                found: format!("{}; keep the right one of the two", quoted(&a.target)),
            });
        }
    }
    let (folded, shift) =
        one_problem_for_a_file_read_in_the_wrong_encoding(&mut plan.problems, replaced.into_values());
    let ids =
        ids.into_values().map(|(with_id, unknown)| (with_id, unknown.into_iter().map(&shift).collect()));
    plan.folded = folded + one_problem_for_a_foreign_file(&mut plan.problems, ids);
    plan
}

/// A file whose sources lost their letters to U+FFFD (saved in a legacy encoding and
/// read as UTF-8) is one problem, at its first such row, naming how many rows and the
/// encoding, not one a row: each would say the same, and none can be mended by hand.
/// `files` holds, per file, each such problem's index and the length of the quoted
/// source its message begins with. Returns how many problems were folded into others,
/// and the new index of a problem kept, given its old one.
fn one_problem_for_a_file_read_in_the_wrong_encoding(
    problems: &mut Vec<Problem>,
    files: impl Iterator<Item = Vec<(usize, usize)>>,
) -> (usize, impl Fn(usize) -> usize) {
    let mut dropped = vec![false; problems.len()];
    for found in files.filter(|f| f.len() > 1) {
        let (first, quoted_len) = found[0];
        let rows: Vec<u64> = found.iter().map(|&(i, _)| problems[i].origin.row).collect();
        let p = &mut problems[first];
        let (source, why) = p.found.split_at(quoted_len);
        p.found = format!(
            "{source} and the sources of {} more {}s ({}s {} to {}){why}",
            rows.len() - 1,
            p.origin.unit,
            p.origin.unit,
            rows[1],
            rows[rows.len() - 1]
        );
        for &(i, _) in &found[1..] {
            dropped[i] = true;
        }
    }
    let mut i = 0;
    problems.retain(|_| {
        i += 1;
        !dropped[i - 1]
    });
    let before: Vec<usize> = (dropped.iter())
        .scan(0, |n, &d| {
            let at = *n;
            *n += usize::from(d);
            Some(at)
        })
        .collect();
    (dropped.iter().filter(|&&d| d).count(), move |i: usize| i - before[i])
}

/// The note `note` with the remark `comment` of another row of the same translation:
/// on a line of its own after it (as a workbook's cell comment follows its comment
/// column), unless the note has it already, whole lines of it.
fn with_remark(note: Option<String>, comment: &str) -> String {
    match note {
        None => comment.to_string(),
        Some(note) if format!("\n{note}\n").contains(&format!("\n{comment}\n")) => note,
        Some(note) => format!("{note}\n{comment}"),
    }
}

/// A file none of whose ids is known (a batch of another project, or of a corpus that
/// changed whole) is one problem, not one a row: the first row's, naming how many.
/// Returns how many problems were folded into others.
fn one_problem_for_a_foreign_file(
    problems: &mut Vec<Problem>,
    files: impl Iterator<Item = (usize, Vec<usize>)>,
) -> usize {
    let mut dropped = vec![false; problems.len()];
    for (with_id, unknown) in files {
        let (Some(&first), true) = (unknown.first(), unknown.len() == with_id && with_id > 1) else {
            continue;
        };
        let last = problems[*unknown.last().unwrap_or(&first)].origin.row;
        let p = &mut problems[first];
        let id = p.found.split(',').next().unwrap_or_default().to_string();
        p.found = format!(
            "{id} and the {} other ids of the file (to {} {last}), of which no document has one and this \
             project exported none: the file is a batch of another project or corpus; import it in that \
             project, or name its corpus with --corpus",
            with_id - 1,
            p.origin.unit
        );
        for &i in &unknown[1..] {
            dropped[i] = true;
        }
    }
    let mut i = 0;
    problems.retain(|_| {
        i += 1;
        !dropped[i - 1]
    });
    dropped.iter().filter(|&&d| d).count()
}

/// How to merge.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Add a translation even where the memory has another one for the same source,
    /// and retire the old one (it stays, as history).
    pub overwrite: bool,
    /// Who translated, when the file does not say.
    pub translator: Option<String>,
    /// Compute everything but write nothing.
    pub dry_run: bool,
    /// The sources come from another memory (`tm import`), not from the corpus: one
    /// that is English is not taken ([`english`], [`Outcome::english`]).
    pub foreign_sources: bool,
}

/// A translation refused because the memory already has another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Where it came from: the file, and the row or line in it.
    pub origin: Origin,
    /// The sentence.
    pub source: String,
    /// The memory's translation.
    pub existing: String,
    /// The refused one.
    pub incoming: String,
}

/// What a merge did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// New entries written.
    pub added: usize,
    /// Rows whose translation the memory already had.
    pub unchanged: usize,
    /// Conflicting rows: refused, or added as newer entries with `overwrite`.
    pub conflicts: Vec<Conflict>,
    /// Translations in use that `overwrite` retired: the memory's other translations of
    /// a source imported.
    pub retired: usize,
    /// Rows added beside a translation the memory has made for another place (another
    /// sentence before or after): no conflict, but the editor should know, since
    /// elsewhere the newest translation is used.
    pub placed: Vec<Conflict>,
    /// Rows added with another translation of a sentence that the same import added
    /// (a file that translates a sentence two ways, or two files that do), for the
    /// same place or none: no conflict with the memory, so both are added, but the
    /// sentence has competing translations after it (`tm conflicts` lists them), which
    /// the editor must be told. `existing` is the translation added first.
    pub within: Vec<Conflict>,
    /// Rows whose translation the memory had, with a comment it does not have for it:
    /// the comment is not kept, as the entry is not written again.
    pub notes_not_kept: Vec<Origin>,
    /// Rows of another memory not taken because their source is English
    /// ([`MergeOptions::foreign_sources`]).
    pub english: Vec<english::EnglishSource>,
    /// The import's id, when it added or retired anything (in a dry run, the id it
    /// would have had).
    pub import: Option<ImportId>,
    /// Where new entries go (or would go).
    pub written: PathBuf,
    /// Every file written (or that would be); empty when nothing was.
    pub files: Vec<PathBuf>,
}

impl Outcome {
    /// The warnings about [`Outcome::english`], one a file: the file, and what to say
    /// of it.
    pub fn english_warnings(&self) -> Vec<(PathBuf, String)> {
        english::warnings(&self.english)
    }
}

/// An entry on its way into the memory, with where it came from.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The entry as it will be written.
    pub entry: Entry,
    /// Where it came from: the file, and the row or line in it.
    pub origin: Origin,
}

/// For each file, a warning about the entries of `incoming` whose source ends with a
/// full stop the `segmenter`'s rules never end a sentence at (`… fra kl.`): another
/// tool cut a sentence there (OmegaT's own rules, with sentence-level segmentation on),
/// so no document's sentence is the source, and the entry only ever comes as a fuzzy
/// match. Imported all the same: it is a translation, and tolk's guard is to say so.
pub fn unended_sources(
    segmenter: &crate::segment::Segmenter,
    incoming: &[Incoming],
) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, crate::exchange::Units, String)> = Vec::new();
    for i in incoming {
        let source = crate::document::inline::strip(&i.entry.source);
        let source = source.trim_end();
        if !source.ends_with('.') || segmenter.ends_sentence(source) {
            continue;
        }
        let index = match files.iter().position(|(f, ..)| *f == i.origin.file) {
            Some(index) => index,
            None => {
                files.push((i.origin.file.clone(), Default::default(), i.entry.source.clone()));
                files.len() - 1
            }
        };
        files[index].1.add(i.origin.within());
    }
    files
        .into_iter()
        .map(|(file, units, first)| {
            let message = format!(
                "{} {} with an abbreviation tolk never ends a sentence with ({}{}): the tool that made \
                 {} cut a sentence there (OmegaT does, with Project Properties > Sentence-level segmentation on), \
                 so no document's sentence reads so, and {} only ever offered as a fuzzy match; imported, but \
                 a translation of the whole sentence is what `build` uses (untick that option in OmegaT, and \
                 import the batch it returns)",
                units.counted("source"),
                units.verb("ends", "end"),
                units.verb("", "the first: "),
                quoted(&first),
                units.verb("it", "them"),
                units.verb("it is", "they are"),
            );
            (file, message)
        })
        .collect()
}

/// Merges translated batch rows into the memory at `memory_path`: each becomes an
/// entry stamped now, by the row's or the options' translator, from `import:<file>`.
pub fn apply(memory_path: &Path, accepted: &[Accepted], options: &MergeOptions) -> Result<Outcome> {
    apply_into(&CsvStore::new(memory_path), accepted, options)
}

/// Like [`apply`], into the memory kept by `store`.
pub fn apply_into(store: &dyn MemoryStore, accepted: &[Accepted], options: &MergeOptions) -> Result<Outcome> {
    let at = Timestamp::now();
    let now = at.to_string();
    let incoming = accepted
        .iter()
        .map(|a| Incoming {
            entry: Entry {
                source: a.source.clone(),
                target: a.target.clone(),
                created: now.clone().into(),
                changed: now.clone().into(),
                translator: a
                    .translator
                    .clone()
                    .or_else(|| options.translator.clone())
                    .unwrap_or_default()
                    .into(),
                origin: a
                    .origin
                    .file
                    .file_name()
                    .map_or_else(String::new, |n| format!("import:{}", n.to_string_lossy()))
                    .into(),
                note: a.note.clone().unwrap_or_default(),
                prev: a.context.as_ref().map(|c| c.0.clone()).unwrap_or_default(),
                next: a.context.as_ref().map(|c| c.1.clone()).unwrap_or_default(),
                ..Entry::default()
            },
            origin: a.origin.clone(),
        })
        .collect();
    merge_at(store, incoming, options, at)
}

/// Merges entries into the memory at `memory_path` through its store: under the
/// store's lock, on the memory as it is now, by [`plan_merge`], all or nothing.
pub fn merge(memory_path: &Path, incoming: Vec<Incoming>, options: &MergeOptions) -> Result<Outcome> {
    merge_into(&CsvStore::new(memory_path), incoming, options)
}

/// Merges entries into the memory kept by `store`, by [`plan_merge`]. Under the
/// store's lock, a merge that adds or retires anything gets an id unused in the memory
/// as it is then ([`ImportId::fresh`]), written in the `import` of every entry it adds
/// and the `retired_by` of every entry it retires, in the same write.
pub fn merge_into(
    store: &dyn MemoryStore,
    incoming: Vec<Incoming>,
    options: &MergeOptions,
) -> Result<Outcome> {
    merge_at(store, incoming, options, Timestamp::now())
}

/// [`merge_into`] as an import made at `now`: its id is that second (the second its
/// entries are stamped with, for a batch), and what it retires is retired then.
fn merge_at(
    store: &dyn MemoryStore,
    incoming: Vec<Incoming>,
    options: &MergeOptions,
    now: Timestamp,
) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    let mut incoming = Some(incoming);
    let mut origins = Vec::new();
    let written = store.update(
        &mut |memory| {
            let merge = plan_merge(memory, incoming.take().unwrap_or_default(), options);
            let id = ImportId::fresh(memory, now);
            let (update, from) = merge.stamped(id, now);
            outcome = merge.outcome;
            if !update.add.is_empty() || !update.changes.is_empty() {
                outcome.import = Some(id);
            }
            origins = from;
            Ok(update)
        },
        options.dry_run,
    );
    let written = match written {
        Ok(written) => written,
        Err(Error::WouldNotLoad { index: Some(i), message }) if i < origins.len() => {
            let origin = &origins[i];
            return Err(Error::at(
                &origin.file,
                origin.place(),
                format!(
                    "this entry would leave the memory unreadable ({message}); nothing was written: correct it \
                     in the file, or import without it"
                ),
            ));
        }
        Err(Error::WouldNotLoad { message, .. }) => {
            return Err(Error::Invalid(format!(
                "the entries would leave the memory unreadable together ({message}); nothing was written"
            )))
        }
        Err(e) => return Err(e),
    };
    outcome.written = written.added_to;
    outcome.files = written.files;
    Ok(outcome)
}

/// What the merge rule decides: the outcome to report, the entries to add, and the
/// entries of the snapshot to retire.
#[derive(Debug, Default)]
pub struct Merge {
    /// What is added, unchanged, in conflict, retired.
    pub outcome: Outcome,
    /// The entries to add, in the order they came.
    pub add: Vec<Incoming>,
    /// With `overwrite`, every entry of the snapshot in use whose source is imported
    /// with another translation, by number, in file order: the conflicts end.
    pub retire: Vec<usize>,
}

impl Merge {
    /// The store update that makes it as import `id` at `now`: every entry added names
    /// `id` in its `import` (whatever the file it came from said: its history belongs to
    /// the memory it was made in) and is in use; every entry retired is retired at `now`
    /// by `id`. Also returns where each added entry came from.
    pub fn stamped(&self, id: ImportId, now: Timestamp) -> (Update, Vec<Origin>) {
        let (add, origins) = self
            .add
            .iter()
            .map(|i| {
                let mut entry = i.entry.clone();
                entry.import = id.to_string().into();
                entry.retired.clear();
                entry.retired_by.clear();
                (entry, i.origin.clone())
            })
            .unzip();
        let changes =
            self.retire.iter().map(|&entry| Change::Retire { entry, at: now, by: Some(id) }).collect();
        (Update { add, changes }, origins)
    }
}

/// The merge rule, a pure function of a snapshot of the memory and the entries that
/// come in: what is added, what is unchanged, what conflicts, and what is retired.
///
/// An entry whose source and target the memory already has is unchanged (so merging
/// the same entries twice changes nothing). One whose source the memory translates
/// differently is a conflict: refused, or with `overwrite` added as the newer entry,
/// and every translation of that source in use with a target none of the incoming
/// entries has is retired (kept, never offered), so the imported translation is the one
/// used and the conflict ends. Entries of the same merge never conflict with each other:
/// two translations of a sentence that come in together are both added, and counted
/// ([`Outcome::within`]), since the sentence has competing translations after.
pub fn plan_merge(memory: &Memory, incoming: Vec<Incoming>, options: &MergeOptions) -> Merge {
    /// What the memory already has of one source: looked up once per distinct
    /// source, so a merge costs time linear in the memory and the incoming entries
    /// however many of them translate the same sentence.
    struct Known<'m> {
        in_use: Vec<usize>,
        targets: std::collections::HashSet<&'m str>,
        current: Option<&'m Entry>,
        latest: Option<Timestamp>,
        /// The most recent translation in use made for no place in particular, and the
        /// most recent one made for each place: what a new translation competes with.
        without_place: Option<&'m Entry>,
        by_place: std::collections::HashMap<(String, String), &'m Entry>,
        /// The targets coming in for it, the places they were made for, and whether
        /// one of them was made for no place.
        incoming_targets: std::collections::HashSet<String>,
        incoming_places: std::collections::HashSet<(String, String)>,
        incoming_without_place: bool,
        /// The first translation this merge added for no place, and for each place.
        added_without_place: Option<String>,
        added_by_place: std::collections::HashMap<(String, String), String>,
    }
    let newer = |a: Option<&'_ Entry>, b: &'_ Entry| a.is_none_or(|a| b.changed_at() >= a.changed_at());
    let mut outcome = Outcome::default();
    let mut known: std::collections::HashMap<String, Known<'_>> = std::collections::HashMap::new();
    let mut added: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    let mut new_entries = Vec::new();
    let english_targets = match options.foreign_sources {
        true => Some(english::Targets::of(memory, incoming.iter().map(|i| i.entry.source.as_str()))),
        false => None,
    };
    for Incoming { entry, origin } in incoming {
        let norm = normalize(&entry.source).into_owned();
        let had = known.entry(norm.clone()).or_insert_with(|| {
            // In file order, so the last of the most recent is the one `exact` returns.
            let in_use = memory.in_use_of(&norm);
            let all: Vec<&Entry> = in_use.iter().map(|&i| &memory.entries[i]).collect();
            let mut without_place = None;
            let mut by_place: std::collections::HashMap<(String, String), &Entry> =
                std::collections::HashMap::new();
            for &e in &all {
                if !e.has_context() {
                    if newer(without_place, e) {
                        without_place = Some(e);
                    }
                } else {
                    let slot = by_place.entry(e.place()).or_insert(e);
                    if newer(Some(*slot), e) {
                        *slot = e;
                    }
                }
            }
            Known {
                targets: all.iter().map(|e| e.target.as_str()).collect(),
                current: all.iter().copied().max_by_key(|e| e.changed_at()),
                latest: all.iter().filter_map(|e| e.changed_at()).max(),
                without_place,
                by_place,
                in_use,
                incoming_targets: std::collections::HashSet::new(),
                incoming_places: std::collections::HashSet::new(),
                incoming_without_place: false,
                added_without_place: None,
                added_by_place: std::collections::HashMap::new(),
            }
        });
        had.incoming_targets.insert(entry.target.clone());
        if entry.has_context() {
            had.incoming_places.insert(entry.place());
        } else {
            had.incoming_without_place = true;
        }
        // A translation the memory has is nothing new, unless `--overwrite` asks for
        // an older one to be the one used again: then it is added anew, dated newest
        // (the memory only grows, so the translation it replaces stays too).
        let is_current = had.current.is_some_and(|c| c.target == entry.target);
        let this_run = added.contains(&(norm.clone(), entry.target.clone()));
        if this_run || is_current || (had.targets.contains(entry.target.as_str()) && !options.overwrite) {
            outcome.unchanged += 1;
            // A remark that came with it is not kept (the entry is not written again):
            // said, so it is not lost unseen, unless the memory has it already.
            let note = entry.note.trim();
            let kept = || {
                had.in_use
                    .iter()
                    .map(|&i| &memory.entries[i])
                    .any(|e| e.target == entry.target && e.note.trim() == note)
            };
            if !note.is_empty() && !this_run && !kept() {
                outcome.notes_not_kept.push(origin);
            }
            continue;
        }
        // English on the Norwegian side of another memory is no translation of a
        // Norwegian sentence.
        let why = english_targets
            .as_ref()
            .and_then(|t| t.english(&norm, &entry.source, &entry.target, !had.in_use.is_empty()));
        if let Some(why) = why {
            outcome.english.push(english::EnglishSource { origin, source: entry.source, why });
            continue;
        }
        // Only a translation made for the same place (or for no place in particular)
        // competes: one made for another context is added beside it, and each is used
        // where it was made.
        // (Looked up, not searched: a sentence with thousands of translations costs the
        // same as one with a single translation.)
        let competing = if entry.has_context() {
            [had.without_place, had.by_place.get(&entry.place()).copied()]
                .into_iter()
                .flatten()
                .filter(|e| e.competes_with(&entry))
                .max_by_key(|e| e.changed_at())
        } else {
            had.current.filter(|e| e.competes_with(&entry))
        };
        if let (None, Some(other)) = (competing, had.current) {
            // Added beside a translation made for another place: said, never silent.
            outcome.placed.push(Conflict {
                origin: origin.clone(),
                source: entry.source.clone(),
                existing: other.target.clone(),
                incoming: entry.target.clone(),
            });
        }
        if let Some(current) = competing {
            outcome.conflicts.push(Conflict {
                origin: origin.clone(),
                source: entry.source.clone(),
                existing: current.target.clone(),
                incoming: entry.target.clone(),
            });
            if !options.overwrite {
                continue;
            }
        }
        // Another translation this merge added for the same place, or for none.
        let first = match entry.has_context() {
            true => had.added_by_place.entry(entry.place()).or_insert_with(|| entry.target.clone()),
            false => had.added_without_place.get_or_insert_with(|| entry.target.clone()),
        };
        if *first != entry.target {
            outcome.within.push(Conflict {
                origin: origin.clone(),
                source: entry.source.clone(),
                existing: first.clone(),
                incoming: entry.target.clone(),
            });
        }
        let mut entry = entry;
        if options.overwrite {
            make_newest(&mut entry, had.latest);
        }
        added.insert((norm, entry.target.clone()));
        new_entries.push(Incoming { entry, origin });
    }
    outcome.added = new_entries.len();
    let mut retire = Vec::new();
    if options.overwrite {
        for had in known.values() {
            // What some incoming translation competes with: another target, made for
            // no place, or for a place one of them was made for.
            retire.extend(had.in_use.iter().copied().filter(|&i| {
                let e = &memory.entries[i];
                !had.incoming_targets.contains(&e.target)
                    && (!e.has_context()
                        || had.incoming_without_place
                        || had.incoming_places.contains(&e.place()))
            }));
        }
        retire.sort_unstable();
    }
    outcome.retired = retire.len();
    Merge { outcome, add: new_entries, retire }
}

/// Dates an overwriting entry after `latest`, the last change of every translation the
/// memory has of its source, so that it is the one exact lookup returns even if those
/// are dated in the future (a skewed clock, seeds dated ahead). Past the last second a
/// date can be written in (9999-12-31T23:59:59Z), it takes the same date: of equally
/// recent translations the last in the file wins, and the new one is written last.
fn make_newest(entry: &mut Entry, latest: Option<Timestamp>) {
    if let Some(latest) = latest {
        if entry.changed_at().is_none_or(|at| at <= latest) {
            let next = Timestamp(latest.0 + 1).to_string();
            entry.changed =
                if Timestamp::parse(&next).is_some() { next.into() } else { latest.to_string().into() };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reworded_sentence_shares_most_of_its_words_the_next_paragraph_few() {
        assert!((word_overlap("Det kom 12 000 besøkende.", "Det kom 12 500 besøkende.") - 0.8).abs() < 1e-9);
        assert!(word_overlap("Første avsnitt her.", "Andre avsnitt er kort.") < 0.3);
        assert!(word_overlap("Det har to setninger.", "Andre avsnitt er kort.") < 0.1);
        assert_eq!(word_overlap("Ja.", "ja"), 1.0);
    }

    fn row(n: u64, id: &str, source: &str, target: &str) -> ImportRow {
        ImportRow {
            origin: Origin::row(Path::new("b.csv"), n),
            element_lines: None,
            id: id.into(),
            source: source.into(),
            target: target.into(),
            translator: None,
            state: UnitState::default(),
            source_copy: false,
            prefilled: false,
            unit: XliffUnit::default(),
            suggestion: None,
            none_offered: false,
            comment: None,
        }
    }

    /// A batch of another project is one problem, naming its first row and how many
    /// more; a batch with some ids known keeps a problem for each row.
    #[test]
    fn a_file_of_ids_nothing_knows_is_one_problem() {
        let hei = SegmentId::of("Hei.");
        let issued: Issued = [(hei, "Hei.".to_string())].into();
        let foreign = ["Nei.", "Ja.", "Kanskje."];
        let mut rows: Vec<ImportRow> = foreign
            .iter()
            .enumerate()
            .map(|(i, s)| row(i as u64 + 2, &SegmentId::of(s).to_string(), s, "x"))
            .collect();
        let plan = validate(&rows, &issued);
        assert_eq!(plan.problems.len(), 1, "{:?}", plan.problems);
        assert_eq!(plan.folded, 2);
        let p = plan.problems[0].to_string();
        assert!(p.starts_with("b.csv: row 2, column id:"), "{p}");
        assert!(p.contains("and the 2 other ids of the file (to row 4)"), "{p}");
        assert!(p.contains("a batch of another project"), "{p}");
        // One id known: each unknown row is its own problem.
        rows.push(row(5, &hei.to_string(), "Hei.", "Hi."));
        let plan = validate(&rows, &issued);
        assert_eq!(plan.problems.len(), 3);
        assert_eq!(plan.folded, 0);
        assert_eq!(plan.accepted.len(), 1);
    }

    /// A source the spreadsheet rewrote stops the import only where there is a
    /// translation to lose.
    #[test]
    fn a_damaged_source_without_a_translation_is_only_skipped() {
        let mai = SegmentId::of("17. mai");
        let issued: Issued = [(mai, "17. mai".to_string())].into();
        let plan = validate(&[row(2, &mai.to_string(), "17.05.2026", " ")], &issued);
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        assert_eq!(plan.skipped_empty, 1);
        let plan = validate(&[row(2, &mai.to_string(), "17.05.2026", "17 May")], &issued);
        assert_eq!(plan.problems.len(), 1);
    }

    /// Regression (a spreadsheet trial): `?`, `-` or `...` typed as "still to do", or a
    /// zero-width space alone, was stored as the sentence's translation and published.
    /// A target without a letter or digit for a sentence with words is left untranslated
    /// and named; characters no reader sees at a target's ends are no part of it.
    #[test]
    fn a_mark_or_an_invisible_character_is_no_translation() {
        let hei = SegmentId::of("Hei, og velkommen.");
        let tall = SegmentId::of("2024");
        let issued: Issued = [(hei, "Hei, og velkommen.".to_string()), (tall, "2024".to_string())].into();
        for mark in ["?", "??", "-", "–", "...", "…", "\u{200B}", "\u{2060}\u{200B}", "— ?"] {
            let plan = validate(&[row(2, &hei.to_string(), "Hei, og velkommen.", mark)], &issued);
            assert!(plan.accepted.is_empty() && plan.problems.is_empty(), "{mark:?}: {:?}", plan.accepted);
            assert_eq!(plan.skipped_empty, 1, "{mark:?}");
        }
        let plan = validate(&[row(2, &hei.to_string(), "Hei, og velkommen.", "?")], &issued);
        assert_eq!(plan.warnings.len(), 1);
        assert!(
            plan.warnings[0].message.starts_with("the target \"?\" has no letter or digit"),
            "{:?}",
            plan.warnings
        );
        // Where the sentence has no words, a target without them may translate it; a
        // byte-order mark pasted before a translation is trimmed off.
        let plan = validate(&[row(2, &tall.to_string(), "2024", "2024.")], &issued);
        assert_eq!(plan.accepted.len(), 1);
        let plan =
            validate(&[row(2, &hei.to_string(), "Hei, og velkommen.", "\u{FEFF}Hi, and welcome.")], &issued);
        assert_eq!(plan.accepted[0].target, "Hi, and welcome.");
    }

    /// A comment is kept with a translation; one on a row left empty is said, not lost.
    #[test]
    fn a_comment_on_a_row_without_a_translation_is_a_warning() {
        let hei = SegmentId::of("Hei.");
        let issued: Issued = [(hei, "Hei.".to_string())].into();
        let mut r = row(2, &hei.to_string(), "Hei.", " ");
        r.comment = Some("Usikker: hilsen eller navn?".into());
        let plan = validate(std::slice::from_ref(&r), &issued);
        assert_eq!((plan.skipped_empty, plan.accepted.len(), plan.warnings.len()), (1, 0, 1));
        assert_eq!(plan.warnings[0].origin.row, 2);
        assert_eq!(
            plan.warnings[0].message,
            "the comment \"Usikker: hilsen eller navn?\" is not kept, as the row has no translation; a remark is \
             kept only with a translation, so tell the editor another way"
        );
        r.comment = Some("  ".into());
        assert!(validate(&[r], &issued).warnings.is_empty());
    }

    /// Regression (a new user's trial): a row the translator put in with a remark (in
    /// the id cell, or the source's) was skipped unseen; it is named. An empty row is not.
    #[test]
    fn a_row_of_no_sentence_that_says_something_is_a_warning() {
        let issued: Issued = [(SegmentId::of("Hei."), "Hei.".to_string())].into();
        let plan = validate(&[row(3, "NB: sjekk navnene", "", ""), row(4, "", "", " ")], &issued);
        assert_eq!((plan.skipped_empty, plan.problems.len(), plan.warnings.len()), (2, 0, 1));
        assert_eq!(plan.warnings[0].origin.row, 3);
        assert!(plan.warnings[0]
            .message
            .starts_with("a row of no sentence (it has no id tolk wrote) holds \"NB: sjekk navnene\""));
        let plan = validate(&[row(5, "", "Sum: 12 setninger", "")], &issued);
        assert!(plan.warnings[0].message.contains("\"Sum: 12 setninger\""), "{:?}", plan.warnings);
    }

    /// Regression (a new user's trial): a translation typed into the suggestion cell of
    /// a row the batch offered no suggestion was skipped as an empty target unseen.
    #[test]
    fn text_in_the_suggestion_cell_of_a_row_offered_none_is_a_warning() {
        let hei = SegmentId::of("Hei.");
        let issued: Issued = [(hei, "Hei.".to_string())].into();
        let typed = ImportRow {
            suggestion: Some("Hi.".into()),
            none_offered: true,
            ..row(2, &hei.to_string(), "Hei.", "")
        };
        let plan = validate(std::slice::from_ref(&typed), &issued);
        assert_eq!((plan.skipped_empty, plan.accepted.len()), (1, 0));
        assert_eq!(plan.warnings.len(), 1);
        assert_eq!(plan.warnings[0].origin.row, 2);
        assert!(
            plan.warnings[0].message.contains("the suggestion cell holds \"Hi.\""),
            "{}",
            plan.warnings[0].message
        );
        // A suggestion the batch offered, left beside an empty target, is no mistake.
        let offered = ImportRow { none_offered: false, ..typed.clone() };
        assert!(validate(&[offered], &issued).warnings.is_empty());
        // Nor is the typed text once the target holds a translation.
        let done = ImportRow { target: "Hello.".into(), ..typed };
        let plan = validate(&[done], &issued);
        assert_eq!((plan.accepted.len(), plan.warnings.len()), (1, 0));
    }

    /// Regression (a QA trial): a sentence's row twice with the same translation kept
    /// the first row's comment and dropped the second's unseen. Each distinct remark is
    /// kept, in row order, one a line; one the note has already is not repeated.
    #[test]
    fn one_translation_twice_keeps_every_rows_comment() {
        let hei = SegmentId::of("Hei.");
        let issued: Issued = [(hei, "Hei.".to_string())].into();
        let note = |comments: &[Option<&str>]| {
            let rows: Vec<ImportRow> = (comments.iter().enumerate())
                .map(|(i, c)| ImportRow {
                    comment: c.map(String::from),
                    ..row(i as u64 + 2, &hei.to_string(), "Hei.", "Hi.")
                })
                .collect();
            let plan = validate(&rows, &issued);
            assert!(plan.problems.is_empty() && plan.warnings.is_empty(), "{plan:?}");
            assert_eq!(plan.accepted.len(), 1);
            plan.accepted[0].note.clone()
        };
        assert_eq!(note(&[Some("first"), Some("second")]).as_deref(), Some("first\nsecond"));
        assert_eq!(note(&[None, Some(" second ")]).as_deref(), Some("second"));
        assert_eq!(
            note(&[Some("first"), None, Some("first"), Some("third")]).as_deref(),
            Some("first\nthird")
        );
        // A workbook row's comment and cell comment are two lines of one note.
        assert_eq!(note(&[Some("column\ncell"), Some("cell")]).as_deref(), Some("column\ncell"));
        assert_eq!(note(&[Some("column\ncell"), Some("cel")]).as_deref(), Some("column\ncell\ncel"));
        assert_eq!(note(&[None, None]), None);
    }

    #[test]
    fn every_row_is_checked() {
        let hei = SegmentId::of("Hei.");
        let ja = SegmentId::of("Ja.");
        let issued: Issued = [(hei, "Hei.".to_string()), (ja, "Ja.".to_string())].into();
        let rows = [
            row(2, &hei.to_string(), "Hei.", "Hi."),
            row(3, &ja.to_string(), "Ja!", "Yes."),
            row(4, "12345", "Hei.", "x"),
            row(5, &SegmentId::of("Nei.").to_string(), "Nei.", "No."),
            row(6, &hei.to_string(), "Hei.", "Hello."),
            row(7, &ja.to_string(), "Ja.", " "),
            // The translator's own totals row under the batch: nothing to lose.
            row(8, "", "Total", ""),
            row(9, "TOTAL", "=SUM(C2:C7)", " "),
            row(10, "12345", "Hallo.", "x"),
            // An id mistyped or cleared beside its sentence: the id to put back is named.
            row(11, "", "Ja.", "Yes."),
            row(12, "s0000000000000000", "Ja.", "Yes."),
        ];
        let plan = validate(&rows, &issued);
        // Rows 2 and 6 translate one id two ways: neither is taken.
        assert_eq!(plan.accepted.len(), 0);
        assert_eq!(plan.skipped_empty, 3);
        let problems: Vec<String> = plan.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems, [
            "b.csv: row 3, column source: expected the sentence as issued, \"Ja.\" (the source must not be edited), found \"Ja!\"",
            format!("b.csv: row 4, column id: expected the id of the row's source, \"Hei.\", which is {hei}, found \"12345\", which is no id tolk writes (mistyped?): the source is sentence {hei}; put back that id").as_str(),
            format!("b.csv: row 5, column id: expected the id of a sentence in this project's corpus, found {}, which no document has and no batch of this project exported (a batch of another project or corpus: name its corpus with --corpus)", SegmentId::of("Nei.")).as_str(),
            "b.csv: row 6, column target: expected the same translation as row 2 of b.csv for the same id, \"Hi.\", found \"Hello.\"",
            "b.csv: row 10, column id: expected an id written by tolk export, like s0123456789abcdef, found \"12345\"",
            format!("b.csv: row 11, column id: expected the id of the row's source, \"Ja.\", which is {ja}, found no id (the cell was cleared): the source is sentence {ja}; put back that id").as_str(),
            format!("b.csv: row 12, column id: expected the id of the row's source, \"Ja.\", which is {ja}, found s0000000000000000, which no document has and no batch of this project exported (mistyped?): the source is sentence {ja}; put back that id").as_str(),
            "b.csv: row 2, column target: expected one translation of the id, but row 6 of b.csv has another, \"Hello.\", found \"Hi.\"; keep the right one of the two",
        ]);
    }

    #[test]
    fn a_double_encoding_is_undone_only_in_a_file_that_shows_it() {
        let (dag, hei) = (SegmentId::of("På dagen."), SegmentId::of("Hei."));
        let issued: Issued = [(dag, "På dagen.".to_string()), (hei, "Hei.".to_string())].into();
        let in_file = |file: &str, mut r: ImportRow| {
            r.origin.file = file.into();
            r
        };
        let mut rows = vec![
            // Its source, undone, is its sentence: the file was double-encoded, and
            // every cell of it is undone, an ASCII sentence's target too.
            in_file("a.csv", row(2, &dag.to_string(), "PÃ¥ dagen.", "On the day â€“ fine.")),
            in_file("a.csv", row(3, &hei.to_string(), "Hei.", "Hi from TromsÃ¸.")),
            // A file that shows nothing keeps its text as written.
            in_file("b.csv", row(2, &hei.to_string(), "Hei.", "Hi Ã\u{a0}there.")),
        ];
        let warnings = undo_double_encoding(&mut rows, &issued, &Default::default());
        let targets: Vec<&str> = rows.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(targets, ["On the day – fine.", "Hi from Tromsø.", "Hi Ã\u{a0}there."]);
        assert_eq!(rows[0].source, "På dagen.");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].origin.file, Path::new("a.csv"));
        assert!(warnings[0].message.starts_with("3 cells from here on"), "{}", warnings[0].message);
        // Marked by its byte order mark, a file is undone without a source to show it.
        let marked = [PathBuf::from("b.csv")].into();
        undo_double_encoding(&mut rows, &issued, &marked);
        assert_eq!(rows[2].target, "Hi \u{e0}there.");
    }

    #[test]
    fn an_unchanged_suggestion_is_flagged() {
        let hei = SegmentId::of("Hei på deg.");
        let issued: Issued = [(hei, "Hei på deg.".to_string())].into();
        let mut r = row(2, &hei.to_string(), "Hei på deg.", "Hi there.");
        r.suggestion = Some("Hi there.".into());
        let warnings = |r: &ImportRow| -> Vec<String> {
            let plan = validate(std::slice::from_ref(r), &issued);
            assert_eq!(plan.accepted.len(), 1);
            plan.warnings.iter().map(|w| w.to_string()).collect()
        };
        // Regression: a batch exported without --prefill was said to have been
        // prefilled; the target was put there by the translator or the CAT tool.
        assert_eq!(
            warnings(&r),
            [
                "b.csv: row 2: the target is word for word the fuzzy suggestion the batch offered, put there by \
                 the translator or the CAT tool (the batch was not prefilled with it): check that it fits the \
                 sentence"
            ]
        );
        r.prefilled = true;
        let plan = validate(&[r.clone()], &issued);
        assert_eq!((plan.accepted.len(), plan.unreviewed.len()), (0, 1));
        let known = Known { issued: issued.clone(), take_drafts: true, ..Known::default() };
        let plan = validate_with(&[r.clone()], &known);
        let warnings: Vec<String> = plan.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            ["b.csv: row 2: the target is the fuzzy suggestion, unchanged: check that it was reviewed"]
        );
        r.target = "Hi, you.".into();
        assert!(validate(&[r], &issued).warnings.is_empty());
    }

    /// Regression: targets in a state saying they await review, or in a tool's own
    /// state, were imported as finished translations without a word.
    #[test]
    fn a_target_awaiting_review_is_imported_and_named_and_a_draft_is_held() {
        let hei = SegmentId::of("Hei.");
        let issued: Issued = [(hei, "Hei.".to_string())].into();
        let plan_for = |state: &str, approved: bool, prefilled: bool| {
            let mut r = row(2, &hei.to_string(), "Hei.", "Hi.");
            r.state = UnitState { state: Some(state.into()), approved };
            r.prefilled = prefilled;
            let plan = validate(&[r], &issued);
            let drafts: Vec<&str> = plan.drafts.iter().map(|(_, s)| s.as_str()).collect();
            let unconfirmed: Vec<&str> = plan.unconfirmed.iter().map(|(_, s)| s.as_str()).collect();
            (plan.accepted.len(), drafts.join(","), unconfirmed.join(","))
        };
        for state in [
            "needs-review-translation",
            "needs-review-l10n",
            "needs-review-adaptation",
            "needs-adaptation",
            "x-draft",
            "draft",
        ] {
            assert_eq!(plan_for(state, false, false), (1, String::new(), state.to_string()), "{state}");
            // Approved, it is confirmed whatever its state.
            assert_eq!(plan_for(state, true, false), (1, String::new(), String::new()), "{state}");
        }
        for state in ["new", "needs-translation", "needs-l10n"] {
            assert_eq!(plan_for(state, false, false), (0, state.to_string(), String::new()), "{state}");
        }
        for state in ["translated", "final", "signed-off"] {
            assert_eq!(plan_for(state, false, false), (1, String::new(), String::new()), "{state}");
        }
        // The state tolk gave a prefilled target, which the translator changed, is
        // tolk's, not the translator's word.
        assert_eq!(plan_for("needs-review-translation", false, true), (1, String::new(), String::new()));
    }

    /// The merge rule needs no file: a snapshot and what comes in decide everything.
    #[test]
    fn the_merge_rule_is_a_function_of_the_snapshot() {
        let memory = Memory::from_entries(vec![Entry {
            source: "Hei.".into(),
            target: "Hi.".into(),
            ..Entry::default()
        }]);
        let incoming = |source: &str, target: &str| Incoming {
            entry: Entry { source: source.into(), target: target.into(), ..Entry::default() },
            origin: Origin::row(Path::new("b.csv"), 2),
        };
        let batch = || {
            vec![
                incoming("Hei.", "Hi."),
                incoming("Hei.", "Hello."),
                incoming("Ja.", "Yes."),
                incoming("Ja.", "Yes."),
            ]
        };
        let merge = plan_merge(&memory, batch(), &MergeOptions::default());
        let outcome = &merge.outcome;
        assert_eq!((outcome.added, outcome.unchanged, outcome.conflicts.len()), (1, 2, 1));
        assert_eq!(merge.add.iter().map(|e| e.entry.target.as_str()).collect::<Vec<_>>(), ["Yes."]);
        assert!(merge.retire.is_empty(), "without --overwrite nothing is retired");
        let over = MergeOptions { overwrite: true, ..MergeOptions::default() };
        let merge = plan_merge(&memory, batch(), &over);
        assert_eq!((merge.outcome.added, merge.outcome.conflicts.len()), (2, 1));
        assert_eq!(merge.add.iter().map(|e| e.entry.target.as_str()).collect::<Vec<_>>(), ["Hello.", "Yes."]);
        // `Hi.` is imported too, so it stays in use beside `Hello.`.
        assert!(merge.retire.is_empty());
    }

    /// `--overwrite` retires every other translation in use of a source it imports, as
    /// the import; the entries it adds name it, whatever they said before.
    #[test]
    fn overwrite_retires_what_it_replaces_as_the_import() {
        let entry = |source: &str, target: &str, changed: &str| Entry {
            source: source.into(),
            target: target.into(),
            changed: changed.into(),
            ..Entry::default()
        };
        let mut gone = entry("Hei.", "Hey.", "2026-01-03");
        gone.retired = "2026-01-04".into();
        let memory = Memory::from_entries(vec![
            entry("Hei.", "Hi.", "2026-01-01"),
            entry("Hei.", "Hello.", "2026-01-02"),
            gone,
            entry("Ja.", "Yes.", "2026-01-01"),
        ]);
        let mut from_elsewhere = entry("Hei.", "Howdy.", "2025-01-01");
        from_elsewhere.import = "i20200101-000000".into();
        from_elsewhere.retired_by = "i20200101-000000".into();
        let incoming = vec![Incoming { entry: from_elsewhere, origin: Origin::row(Path::new("b.csv"), 2) }];
        let over = MergeOptions { overwrite: true, ..MergeOptions::default() };
        let merge = plan_merge(&memory, incoming.clone(), &over);
        assert_eq!((merge.outcome.added, merge.outcome.retired, merge.outcome.conflicts.len()), (1, 2, 1));
        assert_eq!(merge.retire, [0, 1], "the retired entry and another source are left alone");
        let now = Timestamp::parse("2026-11-30T06:15:00Z").unwrap();
        let id = ImportId::fresh(&memory, now);
        let (update, origins) = merge.stamped(id, now);
        assert_eq!(origins.len(), 1);
        assert_eq!(update.add[0].import, "i20261130-061500");
        assert_eq!((update.add[0].retired.as_str(), update.add[0].retired_by.as_str()), ("", ""));
        assert_eq!(update.add[0].changed, "2026-01-02T00:00:01Z", "dated after every translation in use");
        assert_eq!(update.changes[0], Change::Retire { entry: 0, at: now, by: Some(id) });
        let mut entries = memory.entries.clone();
        for c in &update.changes {
            c.apply(&mut entries[c.entry()]);
        }
        entries.extend(update.add);
        let after = Memory::from_entries(entries);
        assert_eq!(after.exact("Hei.").unwrap().target, "Howdy.");
        assert_eq!(after.conflicts(), 0);
        assert_eq!(after.entries[1].retired_by, "i20261130-061500");
        // Without --overwrite the same import is refused and changes nothing.
        let merge = plan_merge(&memory, incoming, &MergeOptions::default());
        assert_eq!((merge.outcome.added, merge.outcome.retired), (0, 0));
        assert!(merge.add.is_empty() && merge.retire.is_empty());
    }

    #[test]
    fn merging_keeps_every_translation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("nb-en.csv"), "source,target,client\nHei.,Hi.,Lyse\n").unwrap();
        let incoming = |source: &str, target: &str| Incoming {
            entry: Entry {
                source: source.into(),
                target: target.into(),
                changed: "2030-01-01".into(),
                ..Entry::default()
            },
            origin: Origin::line(Path::new("t.tmx"), 1),
        };
        let batch = || vec![incoming("Hei.", "Hello."), incoming("Ja.", "Yes."), incoming("Ja.", "Yes.")];
        let first = merge(&path, batch(), &MergeOptions::default()).unwrap();
        assert_eq!((first.added, first.unchanged, first.conflicts.len()), (1, 1, 1));
        let written = std::fs::read_to_string(path.join("nb-en.csv")).unwrap();
        let id = first.import.expect("an import that adds gets an id").to_string();
        assert_eq!(
            written,
            format!("source,target,client,changed,import\nHei.,Hi.,Lyse,,\nJa.,Yes.,,2030-01-01,{id}\n")
        );
        let again = merge(&path, batch(), &MergeOptions::default()).unwrap();
        assert_eq!((again.added, again.unchanged, again.import), (0, 2, None));
        assert_eq!(std::fs::read_to_string(path.join("nb-en.csv")).unwrap(), written);
        let over =
            merge(&path, batch(), &MergeOptions { overwrite: true, ..MergeOptions::default() }).unwrap();
        assert_eq!((over.added, over.retired), (1, 1));
        assert_ne!(over.import, first.import, "two imports, two ids, even within one second");
        let memory = Memory::load(&path).unwrap();
        assert_eq!(memory.exact("Hei.").unwrap().target, "Hello.");
        assert_eq!(memory.exact_all("Hei.").len(), 1, "the one replaced is retired");
        assert_eq!(memory.history("Hei.").len(), 2);
        // `--overwrite` with the older translation makes it the one used again, as a
        // new entry: the one it replaces stays, retired.
        let overwrite = MergeOptions { overwrite: true, ..MergeOptions::default() };
        let back = merge(&path, vec![incoming("Hei.", "Hi.")], &overwrite).unwrap();
        assert_eq!((back.added, back.unchanged, back.conflicts.len(), back.retired), (1, 0, 1, 1));
        let memory = Memory::load(&path).unwrap();
        assert_eq!(memory.exact("Hei.").unwrap().target, "Hi.");
        assert_eq!((memory.exact_all("Hei.").len(), memory.history("Hei.").len()), (1, 3));
        // Once it is the one used, the same import changes nothing.
        let same = merge(&path, vec![incoming("Hei.", "Hi.")], &overwrite).unwrap();
        assert_eq!((same.added, same.unchanged), (0, 1));
        // Two translations of a new sentence in one file: both added, and said.
        let two = vec![incoming("Nei.", "No."), incoming("Nei.", "Nope."), incoming("Nei.", "No.")];
        let both = merge(&path, two, &MergeOptions::default()).unwrap();
        assert_eq!((both.added, both.unchanged, both.conflicts.len()), (2, 1, 0));
        let within: Vec<(&str, &str)> =
            both.within.iter().map(|c| (c.existing.as_str(), c.incoming.as_str())).collect();
        assert_eq!(within, [("No.", "Nope.")]);
        assert_eq!(Memory::load(&path).unwrap().conflicts(), 1);
    }

    /// A sentence that itself starts with an apostrophe and a formula character comes
    /// back without the apostrophe from a CSV tolk wrote (its guard), and with it from a
    /// spreadsheet's CSV of tolk's workbook: both are the sentence as issued.
    #[test]
    fn a_source_starting_like_tolks_formula_guard_is_accepted_both_ways() {
        let text = "'=SUM(A1) er en formel.";
        let id = SegmentId::of(text);
        let issued: Issued = [(id, text.to_string())].into();
        let rows =
            [row(2, &id.to_string(), "=SUM(A1) er en formel.", "x"), row(3, &id.to_string(), text, "x")];
        let plan = validate(&rows, &issued);
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        assert_eq!(plan.accepted.len(), 1);
        assert_eq!(plan.accepted[0].source, text);
        let wrong = [row(2, &id.to_string(), "=SUM(A2) er en formel.", "x")];
        assert_eq!(validate(&wrong, &issued).problems.len(), 1);
    }

    /// A sentence with formatting codes gets them all back, in any well-nested order.
    #[test]
    fn the_tags_of_a_sentence_are_checked() {
        let text = "Hos {1}Lyse Dialog{/1} er vi glade{2/}.";
        let id = SegmentId::of(text);
        let issued: Issued = [(id, text.to_string())].into();
        let ok = [row(2, &id.to_string(), text, "We at {1}Lyse Dialog{/1} are happy{2/}.")];
        assert!(validate(&ok, &issued).problems.is_empty());
        let lost = [row(2, &id.to_string(), text, "We at Lyse Dialog are happy{2/}.")];
        let problems: Vec<String> = validate(&lost, &issued).problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems, ["b.csv: row 2, column target: expected the tags of the source, found \"We at Lyse Dialog are happy{2/}.\": the tag {1} of the source is missing; keep every tag, around the words it marks in the translation"]);
    }

    proptest::proptest! {
        /// A translation that keeps the tags (in any well-nested order) is accepted;
        /// one that lost, added, repeated or badly nested a tag is refused, naming the
        /// tag.
        #[test]
        fn every_damaged_tag_form_is_refused(
            words in proptest::collection::vec("[a-zæøå]{1,6}", 3..8),
            pairs in 1u32..4,
            lones in 0u32..3,
            damage in 0u8..6,
            pick in 0usize..16,
        ) {
            use crate::document::inline::Code;
            // A source: each pair around one word, lone codes after words.
            let mut source = String::new();
            let mut n = 0;
            for (i, w) in words.iter().enumerate() {
                let code = (i as u32) < pairs;
                if code {
                    n += 1;
                    source.push_str(&format!("{{{n}}}{w}{{/{n}}} "));
                } else {
                    source.push_str(w);
                    source.push(' ');
                }
                if (i as u32) < lones {
                    n += 1;
                    source.push_str(&format!("{{{n}/}} "));
                }
            }
            let source = format!("{}.", source.trim_end());
            let codes = crate::document::inline::codes(&source);
            let id = SegmentId::of(&source);
            let issued: Issued = [(id, source.clone())].into();
            // The translation: the words upper-cased, the first pair moved to the end.
            let good = {
                let mut parts: Vec<String> = source.trim_end_matches('.').split(' ').map(str::to_uppercase).collect();
                let first = parts.remove(0);
                parts.push(first);
                format!("{}.", parts.join(" "))
            };
            let damaged = {
                let c = codes[pick % codes.len()];
                let text = c.to_string();
                match damage {
                    0 => None,
                    1 => Some(good.replacen(&text, "", 1)),
                    2 => Some(format!("{good}{{{}/}}", n + 1)),
                    3 => Some(match c {
                        Code::Lone(_) => format!("{good}{text}"),
                        Code::Open(k) | Code::Close(k) => format!("{good} {{{k}}}X{{/{k}}}"),
                    }),
                    // A pair closed before it opens.
                    4 => Some(good.replacen("{1}", "{#}", 1).replacen("{/1}", "{1}", 1).replacen("{#}", "{/1}", 1)),
                    // Two pairs overlapping, where there are two.
                    _ if pairs >= 2 => Some(format!("{{1}}A {{2}}B{{/1}} C{{/2}} {}", crate::document::inline::strip(&good))),
                    _ => None,
                }
            };
            let target = damaged.clone().unwrap_or_else(|| good.clone());
            let rows = [row(2, &id.to_string(), &source, &target)];
            let plan = validate(&rows, &issued);
            if damaged.is_none() {
                proptest::prop_assert!(plan.problems.is_empty(), "{:?} refused: {:?}", target, plan.problems);
            } else {
                proptest::prop_assert_eq!(plan.problems.len(), 1, "{:?} accepted for {:?}", target, source);
                let message = plan.problems[0].to_string();
                proptest::prop_assert!(message.contains("row 2, column target") && message.contains("the tag {"), "{}", message);
            }
        }
    }

    #[test]
    fn a_merge_costs_linear_work_however_many_translations_one_sentence_has() {
        // 20,000 translations of one sentence in the memory, 20,000 more coming in.
        let k = 20_000;
        let entry = |i: usize, changed: &str| Entry {
            source: "Det betyr alt.".into(),
            target: format!("It means everything ({i})."),
            changed: changed.into(),
            ..Entry::default()
        };
        let memory = Memory::from_entries((0..k).map(|i| entry(i, "2024-01-01")).collect());
        let incoming: Vec<Incoming> = (k / 2..k + k / 2)
            .map(|i| Incoming {
                entry: entry(i, "2025-01-01"),
                origin: Origin::row(Path::new("b.csv"), i as u64),
            })
            .collect();
        for overwrite in [false, true] {
            let before = crate::cost::spent();
            let Merge { outcome, add: added, retire } =
                plan_merge(&memory, incoming.clone(), &MergeOptions { overwrite, ..MergeOptions::default() });
            let spent = crate::cost::spent() - before;
            // Without --overwrite the translations the memory has are nothing new; with
            // it, each one that is not the one used is made the one used again, but
            // the one used already is left as it is.
            let (unchanged, conflicts) = if overwrite { (1, k - 1) } else { (k / 2, k / 2) };
            assert_eq!((outcome.unchanged, outcome.conflicts.len()), (unchanged, conflicts));
            assert_eq!(added.len(), if overwrite { k - 1 } else { 0 });
            // With it, the translations the memory has and the import has not are retired.
            assert_eq!(retire.len(), if overwrite { k / 2 } else { 0 });
            assert!(spent <= 4 * 2 * k as u64, "{spent} units for {k} + {k} entries");
        }
    }

    /// A translation made for another place is added beside the one there, without a
    /// conflict; one for the same place (or for none) competes, and --overwrite retires
    /// only what it competes with.
    #[test]
    fn only_translations_for_the_same_place_compete() {
        let placed = |target: &str, prev: &str| Entry {
            source: "Det betyr alt.".into(),
            target: target.into(),
            prev: prev.into(),
            changed: "2026-01-01T00:00:00Z".into(),
            ..Entry::default()
        };
        let memory = Memory::from_entries(vec![placed("It means everything.", "Vi vant.")]);
        let incoming = |e: Entry| vec![Incoming { entry: e, origin: Origin::row(Path::new("b.csv"), 2) }];
        let elsewhere =
            plan_merge(&memory, incoming(placed("That says it all.", "Vi tapte.")), &MergeOptions::default());
        assert_eq!((elsewhere.outcome.added, elsewhere.outcome.conflicts.len()), (1, 0));
        assert_eq!(elsewhere.outcome.placed.len(), 1, "added beside another place's translation, and said");
        assert_eq!(elsewhere.outcome.placed[0].existing, "It means everything.");
        let same =
            plan_merge(&memory, incoming(placed("That says it all.", "Vi vant.")), &MergeOptions::default());
        assert_eq!((same.outcome.added, same.outcome.conflicts.len()), (0, 1));
        let over = MergeOptions { overwrite: true, ..MergeOptions::default() };
        let two = Memory::from_entries(vec![
            placed("It means everything.", "Vi vant."),
            placed("Everything.", "Vi tapte."),
        ]);
        let merge = plan_merge(&two, incoming(placed("That says it all.", "Vi vant.")), &over);
        assert_eq!(merge.retire, [0], "only the translation for the same place is retired");
    }
}
