//! TMX 1.4 (Translation Memory eXchange), both directions: the format in which
//! translation memories move between tools.
//!
//! [`write()`] turns a [`Memory`] into TMX that validates against the TMX 1.4 DTD: one
//! `tu` per entry with an `nb` and an `en` variant; `created`, `changed` and
//! `translator` become the `tu`'s `creationdate`, `changedate`, `creationid` and
//! `changeid`, a `tuid` column (another tool's unit id, read from its `tuid`) its
//! `tuid`; `note` becomes TMX's `note` (which CAT tools show); `origin` and every
//! other column become `prop`s (`x-origin`, `x-<column>`), but for a column that holds
//! another tool's `prop` as it came (`tmx:client`), which is written under its own type
//! again (`client`); so a memory survives CSV -> TMX -> CSV with every field. A
//! retired entry (written only with `tm export --history`) carries its `retired` as
//! `x-tolk-retired` (and the import that retired it as `x-tolk-retired-by`), and is read
//! back retired; the import that added an entry is `x-tolk-import`. An entry's context,
//! the sentences before and after it where it was translated, is `prev` and `next`, as
//! OmegaT writes them (not TMX's recommended `x-` form: [`PREV_PROP`] says why; `x-prev`
//! and `x-next` are read too).
//! Dates are written in TMX's own form (`20261122T153000Z`) and so come back in
//! tolk's ISO form (`2026-11-22T15:30:00Z`) whatever ISO form they were written in; a
//! value that is not a date at all is carried as a `prop` (`x-created`, `x-changed`)
//! rather than lost.
//!
//! [`read`] takes TMX as other tools write it and streams it (memory grows with the
//! entries produced, never with the file): only the exact `prop` types tolk writes are
//! read into tolk's fields (another tool's `x-Origin` is its own), language codes are matched loosely
//! ([`Language`]), TMX 1.1's `lang` is read like `xml:lang`, and every target variant of
//! a unit becomes an entry (for a target language with a region, of the variants closest
//! to it, [`Language::closeness`]: `en-GB` where the unit has it, else `en`, else the
//! others). UTF-8, UTF-16 with a byte order mark, and any encoding named
//! in the XML declaration are read. Another tool's segs are tidied as an XLIFF batch's
//! sources and targets are ([`crate::input::xml::tidy_space`]: a pretty-printed seg's
//! line breaks and indentation left out at its ends and one space inside, unless an
//! `xml:space="preserve"` on it or around it says otherwise), and the white space at
//! their ends is left out, as a sentence has none; tolk's own file is read back as it
//! was written. OmegaT's alternative translations (a unit of its own memory whose props
//! bind it to one place, [`OMEGAT_BINDINGS`]) are left out and counted
//! ([`TmxFile::alternatives`]): tolk has no translation for one place only, and one
//! taken would replace the sentence's default translation wherever it is the newest.
//!
//! A sentence's formatting codes ([`crate::document::inline`]'s placeholders) are TMX's
//! inline codes, each holding its placeholder as its native code: a pair `{1}…{/1}` is
//! `<bpt i="1" x="1" type="g">{1}</bpt>…<ept i="1">{/1}</ept>`, a lone code `<ph x="2"
//! type="x">{2/}</ph>`, a code whose partner is not in the sentence an `it`. The `type`
//! is the XLIFF element the code is in a batch, the letter OmegaT names a tag of an
//! external memory by (where the native code has none), so its tags match the batch's. Reading, a unit whose every code
//! holds its placeholder (tolk's own) gives those placeholders back exactly; in any
//! other, a `bpt` and the `ept` with its `i` are a pair and `ph`, `it`, `ut` lone codes,
//! the target's matched to the source's by `x` (or by kind and order), and both
//! numbered as a document's sentence is ([`inline::localize_pair`]: from 1 in the
//! source's order, a pair around both left out); the native code is dropped. `hi` keeps its
//! text without the tag, as do elements TMX does not have, and a `sub` goes with the
//! code it is in: the entries where that happened are counted as flattened. Another
//! tool's unit whose target does not keep its source's codes ([`inline::check`], as a
//! batch's translation must) is skipped, named in a warning and counted
//! ([`TmxFile::skipped_codes`]): build would never place it.
//!
//! The reader trusts nothing: only XML's five entities and character references are
//! expanded, a DOCTYPE that declares entities is refused (so neither "billion laughs"
//! nor external entities can work), no DTD is ever fetched, characters XML 1.0 does not
//! allow (a NUL, most control characters) are refused whether written as they are or as
//! references, nesting deeper than [`crate::input::xml::MAX_DEPTH`] and texts beyond
//! [`crate::input::limits::MAX_XML_TEXT`] are refused as they are read (before they are held
//! whole), and every error names the file and line.
//!
//! This module neither merges into the memory ([`crate::import::merge`] does, under the
//! memory's lock) nor prints or draws progress: [`ReadOptions::progress`] reports bytes
//! read to whoever wants to show them.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

pub use super::Units;
use crate::document::inline::{self, Code, Piece};
use crate::error::{Error, Place, Result};
use crate::import::english;
use crate::input::limits::{MAX_CELL, MAX_XML_TEXT};
use crate::input::stream::{sniff_encoding, Lines, Progress, Stop, Transcode, MAX_EVENT};
use crate::input::xml::{self, forbidden_reference, is_xml_char, not_allowed, XmlWriter};
use crate::language::Language;
use crate::memory::{Entry, Memory};
use crate::timestamp::Timestamp;

/// The `creationtool` tolk writes in the header; files that carry it are tolk's own.
pub const CREATION_TOOL: &str = "tolk";

/// The `prop` type of a retired entry's `retired` (only in `tm export --history`).
pub const RETIRED_PROP: &str = "x-tolk-retired";

/// The `prop` type of the import that retired an entry, its `retired_by`.
pub const RETIRED_BY_PROP: &str = "x-tolk-retired-by";

/// The `prop` type of the import that added an entry, its `import`.
pub const IMPORT_PROP: &str = "x-tolk-import";

/// The `prop` types of an entry's `origin`, `note`, and `created` and `changed` when
/// they are no dates; only these exact names are read into those fields.
const ORIGIN_PROP: &str = "x-origin";
const NOTE_PROP: &str = "x-note";
const CREATED_PROP: &str = "x-created";
const CHANGED_PROP: &str = "x-changed";

/// The `prop` types of an entry's context, the sentences before and after it, as
/// OmegaT writes them (`ProjectTMX.PROP_PREV`, `PROP_NEXT` in its project memory): not
/// the `x-` form TMX 1.4b recommends for a type of one's own, as a tool that reads a
/// sentence's neighbours from a TMX (OmegaT, binding a translation to its place) reads
/// them under these names. The `x-` form ([`X_PREV_PROP`], [`X_NEXT_PROP`]), which a
/// tool may write instead, is read as the context too.
const PREV_PROP: &str = "prev";
const NEXT_PROP: &str = "next";
const X_PREV_PROP: &str = "x-prev";
const X_NEXT_PROP: &str = "x-next";

/// The most one `tu` may hold in total (its variants, props and notes).
const MAX_UNIT: usize = 16 * MAX_CELL;

/// How many different language codes are remembered for the error that none matched.
const MAX_LANGUAGES: usize = 16;

// ---------------------------------------------------------------------------------
// Reading TMX

/// The TMX 1.4 format.
pub struct Tmx;

impl super::MemoryFormat for Tmx {
    fn name(&self) -> &'static str {
        "tmx"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["tmx", "xml"]
    }

    /// UTF-16 with a byte order mark, or markup first (in UTF-16 without a mark too).
    fn sniff(&self, head: &[u8]) -> bool {
        let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        let first = text.iter().position(|b| !b.is_ascii_whitespace()).map(|i| text[i]);
        // UTF-16 with a byte order mark is XML when it starts with markup, as Excel's
        // "Unicode text" does not.
        let marked = (head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]))
            && super::head_text(head).trim_start().starts_with('<');
        marked || crate::input::decode::xml_utf16_unmarked(head).is_some() || first == Some(b'<')
    }

    /// tolk's own TMX carries its origins; another tool's entries are stamped
    /// `tmx:<file>` where they have none. An entry the file gives no date stays
    /// undated, so any dated translation of its sentence ranks before it (dating it now
    /// would make it the newest, used before translations the file dates).
    fn read(&self, path: &Path, options: &ReadOptions<'_>) -> Result<super::Exchanged> {
        let mut read = read(path, options)?;
        let foreign = !read.written_by_tolk();
        // The kinds of units counted first, and always, however many single ones.
        let counted = read.counted_warnings(options);
        let mut entries = std::mem::take(&mut read.entries);
        if foreign {
            let origin = format!("tmx:{}", super::file_name(path));
            for e in entries.iter_mut() {
                if e.origin.is_empty() {
                    e.origin = origin.clone().into();
                }
            }
        }
        Ok(super::Exchanged {
            entries,
            unit: crate::import::RowOrLine::Line,
            flattened: read.flattened,
            skipped_empty: read.skipped_empty.total,
            skipped_language: read.skipped_language.total,
            skipped_codes: read.skipped_codes,
            warnings_total: read.warnings_total + counted.len(),
            warnings: counted.into_iter().chain(read.warnings).collect(),
            skipped_retired: 0,
        }
        .without_history())
    }

    fn writes(&self) -> bool {
        true
    }

    fn write(&self, memory: &Memory, languages: super::Languages<'_>) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        write_in(memory, &mut bytes, languages)
            .map_err(|e| Error::Invalid(format!("cannot write the memory as TMX: {e}")))?;
        Ok(bytes)
    }
}

/// How to read a TMX file.
pub struct ReadOptions<'a> {
    /// The language of the entries' sources.
    pub source: Language,
    /// The language of their targets (with a region, a unit's variant of it preferred).
    pub target: Language,
    /// Told the number of bytes read from the file so far, every few kilobytes.
    pub progress: Option<&'a dyn Fn(u64)>,
    /// The language of the memory the entries go into (the project's
    /// `source_language`), when known: sources read in another (`--source-lang nn` in a
    /// Bokmål project) are said ([`TmxFile::other_language`]).
    pub memory: Option<Language>,
}

impl Default for ReadOptions<'_> {
    fn default() -> Self {
        ReadOptions { source: Language::bokmal(), target: Language::english(), progress: None, memory: None }
    }
}

/// What a TMX file held.
#[derive(Debug, Default)]
pub struct TmxFile {
    /// One entry per target variant of every unit that has both languages, in file
    /// order; `row` is the line of the unit's `<tu>`.
    pub entries: Vec<Entry>,
    /// The number of `tu` elements read.
    pub units: u64,
    /// Entries whose source or target had markup flattened: a tag dropped and its text
    /// kept (`hi`, elements TMX does not have), or a `sub` dropped with its code.
    pub flattened: usize,
    /// Variant pairs (translations) skipped because the source or target is empty.
    pub skipped_empty: Units,
    /// Units skipped because they lack a variant in the source or target language.
    pub skipped_language: Units,
    /// Variant pairs of another tool's file skipped because the target's inline codes
    /// are not the source's (one lost, added, repeated or out of order), each named in
    /// a warning: build would never place such a translation in a document.
    pub skipped_codes: usize,
    /// The header's `creationtool` (empty if none).
    pub creation_tool: String,
    /// What was read but left out or read otherwise than written in a unit, with its
    /// place in the file: a unit with more than one source-language variant of
    /// different texts (all but the first left out), a date that is no date, a target
    /// whose codes are not the source's (the first [`super::MAX_WARNINGS`]). Kinds of
    /// units are counted apart, each with the first few named
    /// ([`TmxFile::counted_warnings`]).
    pub warnings: Vec<String>,
    /// How many such warnings there were.
    pub warnings_total: usize,
    /// Another tool's units without a date, imported undated (said where the file
    /// dates other units).
    pub undated: Units,
    /// Units with a date.
    pub dated: usize,
    /// Another tool's translations whose target is its source (imported, and said).
    pub same_as_source: Units,
    /// Another tool's translations it marks as not confirmed (Trados's
    /// `x-ConfirmationLevel` `Draft`, `Unspecified`, `NotTranslated`): imported, and said.
    pub drafts: Units,
    /// The `x-ConfirmationLevel`s of [`TmxFile::drafts`], each once.
    pub draft_levels: Vec<String>,
    /// OmegaT's alternative translations (a unit its props bind to one place), not
    /// taken: tolk would use one wherever it is the newest translation of its sentence.
    pub alternatives: Units,
    /// The source and target of the first of [`TmxFile::alternatives`].
    pub first_alternative: Option<(String, String)>,
}

impl TmxFile {
    /// The warning that the sources read are in another language than the memory's
    /// ([`ReadOptions::memory`]): a Nynorsk memory's sentences in a Bokmål project's
    /// memory are matched only where the two standards write a sentence alike. None when
    /// they are in the memory's language, or nothing was read.
    pub fn other_language(&self, options: &ReadOptions<'_>) -> Option<String> {
        let memory = options.memory.as_ref()?;
        let (read, own) = (options.source.language(), memory.language());
        if self.entries.is_empty() || read == own {
            return None;
        }
        let name = |l: &Language| match l.language() {
            "nb" => "Bokmål".to_string(),
            "nn" => "Nynorsk".to_string(),
            _ => l.to_string(),
        };
        let set = match read {
            "nb" | "nn" => format!(
                "; if the project's documents are in {}, set source_language = \"{read}\" in tolk.toml",
                name(&options.source)
            ),
            _ => String::new(),
        };
        Some(format!(
            "the sources read are {} and the project's source_language is {}: imported into its memory as they \
             are, where a sentence of the project matches one only where {} writes it as {} does{set}",
            options.source.describe(),
            memory.describe(),
            name(&options.source),
            name(memory),
        ))
    }

    /// The warnings about kinds of units, each counted and the first few named, for
    /// before the warnings about single units ([`TmxFile::warnings`]); `options` are
    /// those of the read.
    pub fn counted_warnings(&self, options: &ReadOptions<'_>) -> Vec<String> {
        let mut out: Vec<String> = self.other_language(options).into_iter().collect();
        let language = &self.skipped_language;
        if language.total > 0 {
            out.push(format!(
                "{} {} no {} variant or no {} one: skipped (--source-lang and --target-lang name the languages \
                 to read)",
                language.counted("unit"),
                language.verb("has", "have"),
                options.source.describe(),
                options.target.describe(),
            ));
        }
        let empty = &self.skipped_empty;
        if empty.total > 0 {
            out.push(format!(
                "{} {} an empty source or target: skipped",
                empty.counted("translation"),
                empty.verb("has", "have")
            ));
        }
        let alternatives = &self.alternatives;
        if let (true, Some((source, target))) = (alternatives.total > 0, &self.first_alternative) {
            out.push(format!(
                "{} not taken: OmegaT uses an alternative translation only where its props bind it \
                 (a file and segment id, or the sentences before and after), and tolk would use it wherever it \
                 is the newest translation of its sentence, over the default one; the default translations are \
                 taken (the first left out translates {} as {})",
                alternatives.counted("alternative translation"),
                crate::shown::quoted(source),
                crate::shown::quoted(target),
            ));
        }
        let drafts = &self.drafts;
        if drafts.total > 0 {
            out.push(format!(
                "{} {} not confirmed where {} made (x-ConfirmationLevel {}): imported as {}; check {}, and \
                 retire what is no translation with `tolk tm rm`",
                drafts.counted("translation"),
                drafts.verb("is", "are"),
                drafts.verb("it was", "they were"),
                self.draft_levels.join(", "),
                drafts.verb("a translation", "translations"),
                drafts.verb("it", "them"),
            ));
        }
        let same = &self.same_as_source;
        if same.total > 0 {
            out.push(format!(
                "{} {} the same as {} source: imported, as a name or a number may be its own translation; check {}",
                same.counted("translation"),
                same.verb("is", "are"),
                same.verb("its", "their"),
                same.verb("it", "them"),
            ));
        }
        // Undated units rank after dated ones: worth a word where the file dates others.
        let undated = &self.undated;
        if undated.total > 0 && self.dated > 0 {
            out.push(format!(
                "{} {} no date (no changedate or creationdate): imported undated, so a dated translation of the \
                 same sentence is used before {}",
                undated.counted("unit"),
                undated.verb("has", "have"),
                undated.verb("it", "them"),
            ));
        }
        out
    }

    /// Whether tolk wrote the file (so its entries are tolk's own, metadata and all).
    pub fn written_by_tolk(&self) -> bool {
        self.creation_tool == CREATION_TOOL
    }
}

/// Reads the TMX file at `path`.
pub fn read(path: &Path, options: &ReadOptions<'_>) -> Result<TmxFile> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_from(file, path, options)
}

/// Reads TMX from `input`, streaming; `path` names it in messages.
pub fn read_from<'a>(input: impl Read + 'a, path: &Path, options: &ReadOptions<'a>) -> Result<TmxFile> {
    let counted = Progress { inner: input, read: 0, callback: options.progress };
    let mut buffered = BufReader::with_capacity(1 << 16, counted);
    let decoded: Box<dyn BufRead + 'a> = match sniff_encoding(&mut buffered, path)? {
        None => Box::new(buffered),
        Some(encoding) => Box::new(Transcode::new(buffered, encoding)),
    };
    let mut reader = Reader::from_reader(Lines::new(decoded));
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_end_names = true;
    let mut parse = Parse::new(options);
    let mut policy = xml::Policy::new("TMX needs fewer than ten");
    let mut buf = Vec::new();
    loop {
        let start = reader.buffer_position();
        reader.get_mut().mark(start);
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => {
                let lines = reader.get_ref();
                let line = lines.line_of(reader.error_position().max(start));
                let fail = match lines.stopped() {
                    Some(Stop::Event) => Fail::TooLarge {
                        what: format!("the markup or text starting on line {line}"),
                        limit: MAX_EVENT as usize,
                    },
                    Some(Stop::Text) => parse.text_too_large(lines.line_of(start)),
                    Some(Stop::Forbidden { line, c }) => at(line, not_allowed(c)),
                    None => xml_error(e, line),
                };
                return Err(fail.into_error(path));
            }
        };
        let line = reader.get_ref().line_of(start);
        policy.check(&event).map_err(|why| at(line, why).into_error(path))?;
        let done = matches!(event, Event::Eof);
        parse.event(event, line).map_err(|f| f.into_error(path))?;
        if done {
            break;
        }
    }
    parse.finish(path)
}

/// Where reading stopped and why, before the file's name is known to the message.
#[derive(Debug)]
enum Fail {
    At { line: u64, message: String },
    TooLarge { what: String, limit: usize },
    Io(io::Error),
}

fn at(line: u64, message: impl Into<String>) -> Fail {
    Fail::At { line, message: message.into() }
}

impl Fail {
    fn into_error(self, path: &Path) -> Error {
        match self {
            Fail::At { line, message } => Error::at(path, Place::line(line), message),
            Fail::TooLarge { what, limit } => Error::TooLarge { path: path.to_path_buf(), what, limit },
            Fail::Io(e) => Error::io(path, e),
        }
    }
}

/// Turns a quick-xml error into a message a person can act on.
fn xml_error(e: quick_xml::Error, line: u64) -> Fail {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    use quick_xml::Error as X;
    let truncated = "the file ends here; is it truncated?";
    match e {
        X::Io(e) if e.kind() == io::ErrorKind::InvalidData => at(line, e.to_string()),
        X::Io(e) => Fail::Io(io::Error::new(e.kind(), e.to_string())),
        X::Syntax(SyntaxError::InvalidBangMarkup) => at(line, "malformed markup after `<!`"),
        X::Syntax(s) => at(line, format!("{s}; is the file truncated?")),
        X::IllFormed(IllFormedError::MissingEndTag(tag)) => {
            at(line, format!("</{tag}> is missing: {truncated}"))
        }
        X::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            at(line, format!("expected </{expected}>, found </{found}>"))
        }
        X::IllFormed(IllFormedError::UnmatchedEndTag(tag)) => at(line, format!("</{tag}> closes no element")),
        X::IllFormed(other) => at(line, other.to_string()),
        X::InvalidAttr(a) => at(line, format!("malformed attribute: {a}")),
        X::Encoding(_) => at(line, INVALID_UTF8),
        X::Escape(e) => escape_fail("", &e, line),
        X::Namespace(n) => at(line, n.to_string()),
    }
}

const INVALID_UTF8: &str =
    "invalid UTF-8; save the file as UTF-8, or name its encoding in the XML declaration";

/// What an open element is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    Tmx,
    Body,
    Tu,
    Tuv,
    Seg,
    /// An inline code (`bpt`, `ept`, `it`, `ph`, `ut`): a placeholder in the text; what
    /// it holds is the native code, not text.
    Code,
    /// Inside an inline code (`sub` and what it holds): part of the native code.
    Native,
    /// Inline markup whose text is the segment's and whose tag is dropped (`hi`,
    /// elements TMX does not have).
    Keep,
    Prop,
    Note,
    /// Anything else (the header, tool extensions): read for well-formedness only.
    Other,
}

impl Element {
    fn name(self) -> &'static str {
        match self {
            Element::Tmx => "<tmx>",
            Element::Body => "<body>",
            Element::Tu => "<tu>",
            Element::Tuv => "<tuv>",
            Element::Seg => "<seg>",
            Element::Code | Element::Native | Element::Keep => "inline element",
            Element::Prop => "<prop>",
            Element::Note => "<note>",
            Element::Other => "element",
        }
    }
}

struct Open {
    kind: Element,
    line: u64,
    /// Its `xml:space`, if it says one: whether it is `preserve`.
    space: Option<bool>,
}

/// The dates and people of a `tu` or `tuv`, as written.
#[derive(Debug, Default)]
struct Stamp {
    created: Option<String>,
    changed: Option<String>,
    creation_id: Option<String>,
    change_id: Option<String>,
}

impl Stamp {
    /// Bytes held, against [`MAX_UNIT`].
    fn bytes(&self) -> usize {
        [&self.created, &self.changed, &self.creation_id, &self.change_id]
            .into_iter()
            .flatten()
            .map(String::len)
            .sum()
    }

    fn take(&mut self, key: &[u8], value: &str) {
        let slot = match key {
            b"creationdate" => &mut self.created,
            b"changedate" => &mut self.changed,
            b"creationid" => &mut self.creation_id,
            b"changeid" => &mut self.change_id,
            _ => return,
        };
        *slot = Some(value.to_string());
    }
}

/// Which language a variant is in, as far as this read is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Source,
    Target,
    Other,
}

/// A run of a segment's text, or one of its inline codes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Text(String),
    Tag(Tag),
}

/// An inline code of a segment, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tag {
    kind: TagKind,
    /// `i`, which pairs a `bpt` with its `ept`.
    i: Option<String>,
    /// `x`, which matches a code of the source with one of the target.
    x: Option<String>,
    /// The placeholder its native code is, when that is all it holds (tolk's own TMX).
    native: Option<Code>,
}

/// Which element an inline code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    Bpt,
    Ept,
    Ph,
    /// `it pos="begin"`.
    Begin,
    /// `it pos="end"`.
    End,
    /// `ut`, or an `it` without a `pos` it could have.
    Ut,
}

impl TagKind {
    /// Whether `code` is the placeholder tolk writes as the native code of this kind.
    fn holds(self, code: Code) -> bool {
        matches!(
            (self, code),
            (TagKind::Bpt | TagKind::Begin, Code::Open(_))
                | (TagKind::Ept | TagKind::End, Code::Close(_))
                | (TagKind::Ph | TagKind::Ut, Code::Lone(_))
        )
    }
}

/// The most native code kept to see whether it is a placeholder (the longest is
/// `{/999999999}`).
const MAX_NATIVE: usize = 16;

/// What an inline code counts against [`MAX_XML_TEXT`] besides its attributes: about
/// the placeholder it becomes.
const TAG_BYTES: usize = 4;

#[derive(Debug)]
struct Variant {
    line: u64,
    lang: String,
    role: Role,
    stamp: Stamp,
    seg: Option<Vec<Item>>,
    /// The seg had markup whose tag was dropped (`hi`), or native code with text of
    /// its own (`sub`).
    flattened: bool,
    /// The seg's white space is its text's as it is: `xml:space="preserve"` on it or
    /// around it.
    preserve: bool,
    props: Vec<(String, String)>,
    notes: Vec<String>,
}

#[derive(Debug)]
struct Tu {
    line: u64,
    /// The `tuid`, if any.
    tuid: Option<String>,
    stamp: Stamp,
    props: Vec<(String, String)>,
    notes: Vec<String>,
    variants: Vec<Variant>,
    /// Bytes held so far, against [`MAX_UNIT`].
    size: usize,
}

impl Tu {
    /// How a message names the unit: by its `tuid` and line, or its line.
    fn name(&self) -> String {
        match &self.tuid {
            Some(tuid) => format!("tuid {} on line {}", crate::shown::quoted(tuid), self.line),
            None => format!("line {}", self.line),
        }
    }
}

/// The reader's state between events.
struct Parse<'o> {
    options: &'o ReadOptions<'o>,
    out: TmxFile,
    stack: Vec<Open>,
    root_seen: bool,
    unit: Option<Tu>,
    variant: Option<Variant>,
    /// The text of the open prop or note, or of the open seg since its last code.
    text: String,
    /// The open seg's text and codes before `text`.
    items: Vec<Item>,
    /// The bytes of the open element kept so far, against [`MAX_XML_TEXT`].
    kept: usize,
    /// The native code of the open inline code, while it may be a placeholder.
    native: Option<String>,
    prop_type: String,
    /// The open seg has markup flattened.
    flattened: bool,
    /// Language codes seen, with how many variants had each (the first few only).
    languages: Vec<(String, u64)>,
    /// Some unit had both languages.
    matched: bool,
    /// Roles of the codes seen, so each code is parsed once.
    roles: Vec<(String, Role)>,
}

impl<'o> Parse<'o> {
    fn new(options: &'o ReadOptions<'o>) -> Parse<'o> {
        Parse {
            options,
            out: TmxFile::default(),
            stack: Vec::new(),
            root_seen: false,
            unit: None,
            variant: None,
            text: String::new(),
            items: Vec::new(),
            kept: 0,
            native: None,
            prop_type: String::new(),
            flattened: false,
            languages: Vec::new(),
            matched: false,
            roles: Vec::new(),
        }
    }

    /// Keeps `message` as a warning about one unit, if fewer than
    /// [`super::MAX_WARNINGS`] are kept, and counts it.
    fn warn(&mut self, message: String) {
        self.out.warnings_total += 1;
        if self.out.warnings.len() < super::MAX_WARNINGS {
            self.out.warnings.push(message);
        }
    }

    fn event(&mut self, event: Event<'_>, line: u64) -> Result<(), Fail> {
        match event {
            Event::Start(e) => self.start(&e, line),
            Event::End(_) => self.end(),
            // Not produced with `expand_empty_elements`, but harmless to handle.
            Event::Empty(e) => {
                self.start(&e, line)?;
                self.end()
            }
            Event::Text(t) => {
                let keep = matches!(
                    self.top(),
                    Some(Element::Seg | Element::Keep | Element::Prop | Element::Note | Element::Code)
                );
                // Text that is not kept is still decoded, so a bad entity anywhere is an error.
                if keep || t.contains(&b'&') || !t.is_ascii() {
                    let text = decode_text(&t, line, true)?;
                    self.push_text(&text, keep)?;
                }
                Ok(())
            }
            Event::CData(t) => {
                let keep = matches!(
                    self.top(),
                    Some(Element::Seg | Element::Keep | Element::Prop | Element::Note | Element::Code)
                );
                let text = decode_text(&t, line, false)?;
                self.push_text(&text, keep)
            }
            Event::DocType(_) => Ok(()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => Ok(()),
            Event::Eof => self.eof(),
        }
    }

    fn top(&self) -> Option<Element> {
        self.stack.last().map(|o| o.kind)
    }

    fn start(&mut self, e: &BytesStart<'_>, line: u64) -> Result<(), Fail> {
        let name = e.name();
        let tag = name.as_ref();
        let is = |n: &str| tag.eq_ignore_ascii_case(n.as_bytes());
        let kind = match self.top() {
            None if is("tmx") => {
                self.root_seen = true;
                each_attribute(e, line, |_, _| {})?;
                Element::Tmx
            }
            None => {
                return Err(at(
                    line,
                    format!(
                        "not a TMX file: the root element is <{}>, expected <tmx>",
                        String::from_utf8_lossy(tag)
                    ),
                ))
            }
            Some(Element::Tmx) if is("header") => {
                let mut tool = None;
                each_attribute(e, line, |key, value| {
                    if key.eq_ignore_ascii_case(b"creationtool") {
                        tool = Some(value.to_string());
                    }
                })?;
                self.out.creation_tool = tool.unwrap_or_default();
                Element::Other
            }
            Some(Element::Tmx) if is("body") => {
                each_attribute(e, line, |_, _| {})?;
                Element::Body
            }
            Some(Element::Body) if is("tu") => {
                let (mut stamp, mut tuid) = (Stamp::default(), None);
                each_attribute(e, line, |key, value| {
                    let key = key.to_ascii_lowercase();
                    if key == b"tuid" {
                        tuid = Some(value.to_string());
                    }
                    stamp.take(&key, value)
                })?;
                let size = stamp.bytes() + tuid.as_ref().map_or(0, String::len);
                self.unit = Some(Tu {
                    line,
                    tuid,
                    stamp,
                    props: Vec::new(),
                    notes: Vec::new(),
                    variants: Vec::new(),
                    size,
                });
                Element::Tu
            }
            Some(Element::Tu | Element::Tuv) if is("prop") => {
                let mut kind = None;
                each_attribute(e, line, |key, value| {
                    if key.eq_ignore_ascii_case(b"type") {
                        kind = Some(value.to_string());
                    }
                })?;
                let Some(kind) = kind else {
                    return Err(at(line, "a <prop> without a type attribute"));
                };
                self.prop_type = kind;
                self.text.clear();
                self.kept = 0;
                Element::Prop
            }
            Some(Element::Tu | Element::Tuv) if is("note") => {
                each_attribute(e, line, |_, _| {})?;
                self.text.clear();
                self.kept = 0;
                Element::Note
            }
            Some(Element::Tu) if is("tuv") => {
                let (mut xml_lang, mut lang, mut stamp) = (None, None, Stamp::default());
                each_attribute(e, line, |key, value| {
                    let key = key.to_ascii_lowercase();
                    match key.as_slice() {
                        b"xml:lang" => xml_lang = Some(value.to_string()),
                        b"lang" => lang = Some(value.to_string()),
                        _ => stamp.take(&key, value),
                    }
                })?;
                let Some(lang) = xml_lang.or(lang).filter(|l| !l.trim().is_empty()) else {
                    return Err(at(line, "a <tuv> without a language: expected an xml:lang attribute"));
                };
                let role = self.role(&lang);
                self.variant = Some(Variant {
                    line,
                    lang,
                    role,
                    stamp,
                    seg: None,
                    flattened: false,
                    preserve: false,
                    props: Vec::new(),
                    notes: Vec::new(),
                });
                Element::Tuv
            }
            Some(Element::Tuv) if is("seg") => {
                each_attribute(e, line, |_, _| {})?;
                if self.variant.as_ref().is_some_and(|v| v.seg.is_some()) {
                    return Err(at(line, "a second <seg> in one <tuv>; a variant has exactly one"));
                }
                self.text.clear();
                self.items.clear();
                self.kept = 0;
                self.flattened = false;
                Element::Seg
            }
            Some(Element::Seg | Element::Keep) if ["bpt", "ept", "it", "ph", "ut"].iter().any(|n| is(n)) => {
                let (mut i, mut x, mut pos) = (None, None, None);
                each_attribute(e, line, |key, value| match key.to_ascii_lowercase().as_slice() {
                    b"i" => i = Some(value.to_string()),
                    b"x" => x = Some(value.to_string()),
                    b"pos" => pos = Some(value.to_string()),
                    _ => {}
                })?;
                let kind = match tag.to_ascii_lowercase().as_slice() {
                    b"bpt" => TagKind::Bpt,
                    b"ept" => TagKind::Ept,
                    b"ph" => TagKind::Ph,
                    b"it" if pos.as_deref() == Some("begin") => TagKind::Begin,
                    b"it" if pos.as_deref() == Some("end") => TagKind::End,
                    _ => TagKind::Ut,
                };
                let size = TAG_BYTES + i.as_ref().map_or(0, String::len) + x.as_ref().map_or(0, String::len);
                self.keep(size)?;
                if !self.text.is_empty() {
                    self.items.push(Item::Text(std::mem::take(&mut self.text)));
                }
                self.items.push(Item::Tag(Tag { kind, i, x, native: None }));
                self.native = Some(String::new());
                Element::Code
            }
            Some(Element::Seg | Element::Keep) => {
                each_attribute(e, line, |_, _| {})?;
                self.flattened = true;
                Element::Keep
            }
            Some(Element::Code | Element::Native) => {
                each_attribute(e, line, |_, _| {})?;
                // Text inside a code's native code (a `sub`) is not the segment's.
                self.flattened = true;
                self.native = None;
                Element::Native
            }
            Some(_) => {
                each_attribute(e, line, |_, _| {})?;
                Element::Other
            }
        };
        // XML's own attribute, which any element may carry and its content inherits;
        // only where it can reach a seg is it looked for.
        let space = match kind {
            Element::Tmx | Element::Body | Element::Tu | Element::Tuv | Element::Seg => xml_space(e),
            _ => None,
        };
        self.stack.push(Open { kind, line, space });
        Ok(())
    }

    /// The role of a variant in language `code`, parsing each code once.
    fn role(&mut self, code: &str) -> Role {
        // Remembered only while few and short, so a hostile file cannot make them many.
        let short = code.len() <= 64;
        if let Some(n) = self.languages.iter_mut().find(|(c, _)| c == code) {
            n.1 += 1;
        } else if self.languages.len() < MAX_LANGUAGES && short {
            self.languages.push((code.to_string(), 1));
        }
        if let Some((_, role)) = self.roles.iter().find(|(c, _)| c == code) {
            return *role;
        }
        let role = if self.options.source.matches(code) {
            Role::Source
        } else if self.options.target.closeness(code) > 0 {
            Role::Target
        } else {
            Role::Other
        };
        if self.roles.len() < MAX_LANGUAGES && short {
            self.roles.push((code.to_string(), role));
        }
        role
    }

    fn push_text(&mut self, text: &str, keep: bool) -> Result<(), Fail> {
        if !keep {
            return Ok(());
        }
        if self.top() == Some(Element::Code) {
            if let Some(native) = &mut self.native {
                native.push_str(text);
                if native.len() > MAX_NATIVE {
                    self.native = None;
                }
            }
            return Ok(());
        }
        self.keep(text.len())?;
        self.text.push_str(text);
        Ok(())
    }

    /// Counts `bytes` more kept for the open element, against [`MAX_XML_TEXT`].
    fn keep(&mut self, bytes: usize) -> Result<(), Fail> {
        self.kept += bytes;
        if self.kept > MAX_XML_TEXT {
            // Text is kept only inside an element, which names the line.
            return Err(self.text_too_large(0));
        }
        Ok(())
    }

    /// The error for text beyond [`MAX_XML_TEXT`] in the open element (counting inline
    /// markup as part of the element around it), or for text that starts on `line`
    /// outside any element.
    fn text_too_large(&self, line: u64) -> Fail {
        let what = match self.stack.iter().rev().find(|o| o.kind != Element::Keep).or(self.stack.last()) {
            Some(open) => format!("the text of the element on line {}", open.line),
            None => format!("the text starting on line {line}"),
        };
        Fail::TooLarge { what, limit: MAX_XML_TEXT }
    }

    fn end(&mut self) -> Result<(), Fail> {
        let Some(open) = self.stack.pop() else {
            return Ok(()); // quick-xml already refuses an end tag that closes nothing
        };
        match open.kind {
            Element::Seg => {
                let mut items = std::mem::take(&mut self.items);
                if !self.text.is_empty() {
                    items.push(Item::Text(std::mem::take(&mut self.text)));
                }
                // The innermost `xml:space` around the seg decides; TMX's default is XML's.
                let preserve = std::iter::once(&open)
                    .chain(self.stack.iter().rev())
                    .find_map(|o| o.space)
                    .unwrap_or(false);
                if let Some(v) = self.variant.as_mut() {
                    v.seg = Some(items);
                    v.flattened = self.flattened;
                    v.preserve = preserve;
                }
            }
            Element::Code => {
                let native = self.native.take().and_then(|n| match inline::pieces(&n)[..] {
                    [Piece::Code(code, _)] => Some(code),
                    _ => None,
                });
                if let Some(Item::Tag(tag)) = self.items.last_mut() {
                    tag.native = native.filter(|&c| tag.kind.holds(c));
                }
            }
            Element::Prop | Element::Note => {
                let value = std::mem::take(&mut self.text);
                let size = value.len() + self.prop_type.len() + 64;
                let (props, notes) = match (self.top(), self.variant.as_mut(), self.unit.as_mut()) {
                    (Some(Element::Tuv), Some(v), _) => (&mut v.props, &mut v.notes),
                    (_, _, Some(u)) => (&mut u.props, &mut u.notes),
                    _ => return Ok(()),
                };
                if open.kind == Element::Prop {
                    props.push((std::mem::take(&mut self.prop_type), value));
                } else {
                    notes.push(value);
                }
                self.grow(size)?;
            }
            Element::Tuv => {
                let Some(v) = self.variant.take() else { return Ok(()) };
                let Some(seg) = &v.seg else {
                    return Err(at(
                        v.line,
                        format!("the <tuv xml:lang=\"{}\"> has no <seg>; every variant needs one", v.lang),
                    ));
                };
                let size = size(seg) + v.lang.len() + v.stamp.bytes() + 128;
                if let Some(u) = self.unit.as_mut() {
                    u.variants.push(v);
                }
                self.grow(size)?;
            }
            Element::Tu => {
                let Some(unit) = self.unit.take() else { return Ok(()) };
                if unit.variants.is_empty() {
                    return Err(at(unit.line, "the <tu> has no <tuv>; every unit needs its variants"));
                }
                self.finish_unit(unit);
            }
            _ => {}
        }
        Ok(())
    }

    /// Counts `bytes` more against the open unit's budget.
    fn grow(&mut self, bytes: usize) -> Result<(), Fail> {
        if let Some(u) = self.unit.as_mut() {
            u.size += bytes;
            if u.size > MAX_UNIT {
                return Err(Fail::TooLarge { what: format!("the <tu> on line {}", u.line), limit: MAX_UNIT });
            }
        }
        Ok(())
    }

    fn finish_unit(&mut self, mut unit: Tu) {
        self.out.units += 1;
        if self.out.creation_tool == OMEGAT {
            for seg in unit.variants.iter_mut().filter_map(|v| v.seg.as_mut()) {
                *seg = omegat_tags(std::mem::take(seg));
            }
        }
        // Another tool's segs are tidied as an XLIFF batch's are: a pretty-printed
        // file's line breaks and indentation are no part of the sentence, nor is white
        // space at its ends, which a document's sentence never has. tolk's own file is
        // the memory it was written from, read back as it was.
        if !self.out.written_by_tolk() {
            for v in unit.variants.iter_mut() {
                let Some(seg) = v.seg.as_mut() else { continue };
                if !v.preserve {
                    xml::tidy_space(seg, item_text);
                }
                trim_ends(seg);
            }
        }
        let Some(source) = unit.variants.iter().find(|v| v.role == Role::Source) else {
            self.out.skipped_language.add(unit.name());
            return;
        };
        // A second source text makes it unclear which one the targets translate: the
        // first is kept, as before, and the others are named, never dropped unsaid.
        let others: Vec<&Variant> = unit
            .variants
            .iter()
            .filter(|v| v.role == Role::Source && v.line != source.line && v.seg != source.seg)
            .collect();
        if !others.is_empty() {
            let tuid = unit.tuid.as_ref().map_or_else(String::new, |t| format!(" tuid={:?}", t));
            let left: Vec<String> = others
                .iter()
                .map(|v| format!("{} on line {}", crate::shown::name(&v.lang), v.line))
                .collect();
            let message = format!(
                "line {}: the <tu>{tuid} (unit {}) has more than one {} variant with different texts; \
                 kept the first, {} on line {}, and left out {}",
                unit.line,
                self.out.units,
                self.options.source.describe(),
                crate::shown::name(&source.lang),
                source.line,
                left.join(", ")
            );
            self.warn(message);
        }
        let mut targets: Vec<&Variant> = unit.variants.iter().filter(|v| v.role == Role::Target).collect();
        // Of several, those closest to a target language with a region, with text: an
        // en-GB project's own variant where the unit has it, else English in general.
        if targets.len() > 1 && self.options.target.region().is_some() {
            let filled = |v: &Variant| {
                v.seg.iter().flatten().any(|i| !matches!(i, Item::Text(t) if t.trim().is_empty()))
            };
            let fit = |v: &Variant| (filled(v), self.options.target.closeness(&v.lang));
            let best = targets.iter().map(|v| fit(v)).max();
            targets.retain(|v| Some(fit(v)) == best);
        }
        if targets.is_empty() {
            self.out.skipped_language.add(unit.name());
            return;
        }
        self.matched = true;
        // OmegaT's own memory holds a sentence's default translation, used wherever the
        // sentence stands, and alternative ones, each bound by its props to one place.
        // tolk has no translation for one place only (one made for a place is also used
        // elsewhere while it is the newest), so an alternative would replace the default
        // translation everywhere: it is left out, and said.
        if self.out.creation_tool == OMEGAT && is_alternative(&unit) {
            self.out.alternatives.add(unit.name());
            if self.out.first_alternative.is_none() {
                if let (Some(s), Some(t)) = (&source.seg, &targets[0].seg) {
                    self.out.first_alternative = Some(placeholders(s, t, false));
                }
            }
            return;
        }
        // A unit whose every code holds its own placeholder is tolk's, and reads back
        // exactly as it was written.
        let own =
            [source].iter().chain(&targets).flat_map(|v| v.seg.iter().flatten()).all(|item| match item {
                Item::Tag(tag) => tag.native.is_some(),
                Item::Text(_) => true,
            });
        let (mut warned, mut undated, mut dated) = (false, false, false);
        let foreign = !self.out.written_by_tolk();
        for target in targets {
            let (Some(s), Some(t)) = (&source.seg, &target.seg) else { continue };
            let (s, t) = placeholders(s, t, own);
            if s.trim().is_empty() || t.trim().is_empty() {
                self.out.skipped_empty.add(unit.name());
                continue;
            }
            // Another tool's unit is checked as a batch's translation is; tolk's own
            // file is the memory it was made from, read back as it was.
            if foreign {
                if let Err(e) = codes_kept(&s, &t) {
                    self.out.skipped_codes += 1;
                    let target = crate::shown::name(&target.lang);
                    self.warn(format!(
                        "{}: the {target} target's inline codes are not the source's: {} (numbered from 1 in \
                         the source's order); skipped, as build would never place it: correct the unit where it \
                         was made and import it again",
                        unit.name(),
                        codes_differ(&e)
                    ));
                    continue;
                }
                // What a batch's import remarks on, said, not refused: a name is its own
                // translation, and a draft may be a good one.
                // A sentence copied is not taken at all (`import::english`): only a name
                // or a number is its own translation.
                if english::same_text(&s, &t) && !english::is_copy(&s, &t) {
                    self.out.same_as_source.add(unit.name());
                }
                let level = (unit.props.iter().chain(&target.props))
                    .filter(|(kind, _)| kind.trim() == "x-ConfirmationLevel")
                    .find_map(|(_, value)| DRAFTS.iter().find(|d| d.eq_ignore_ascii_case(value.trim())));
                if let Some(level) = level {
                    self.out.drafts.add(unit.name());
                    if !self.out.draft_levels.iter().any(|l| l == level) {
                        self.out.draft_levels.push(level.to_string());
                    }
                }
            }
            if source.flattened || target.flattened {
                self.out.flattened += 1;
            }
            let e = entry(&unit, source, target, s, t);
            // A date the file gave that is no date: kept as a column, said once a unit.
            let bad: Vec<String> = (e.extra.iter())
                .filter(|(column, _)| matches!(column.as_str(), "creationdate" | "changedate"))
                .map(|(column, value)| format!("{column}={value:?}"))
                .collect();
            // No date at all ranks after every dated translation: said once a file for
            // another tool's units, whose dates the file was expected to give.
            undated |= bad.is_empty() && e.created.is_empty() && e.changed.is_empty();
            dated |= !e.created.is_empty() || !e.changed.is_empty();
            self.out.entries.push(e);
            if !bad.is_empty() && !warned {
                warned = true;
                self.warn(format!(
                    "line {}: {}: not a date tolk reads (it reads {DATE_FORMS}); kept as a column of the same \
                     name, and the entry has no date of its own: a dated translation of its sentence is used \
                     before it",
                    unit.line,
                    bad.join(" and ")
                ));
            }
        }
        if undated && foreign {
            self.out.undated.add(unit.name());
        } else if dated {
            self.out.dated += 1;
        }
    }

    fn eof(&mut self) -> Result<(), Fail> {
        if let Some(open) = self.stack.iter().find(|o| o.kind == Element::Tu).or(self.stack.last()) {
            return Err(at(
                open.line,
                format!("the file ends inside the {} that starts here; is it truncated?", open.kind.name()),
            ));
        }
        Ok(())
    }

    fn finish(self, path: &Path) -> Result<TmxFile> {
        if !self.root_seen {
            return Err(Error::at(path, Place::File, "not a TMX file: no <tmx> element"));
        }
        if self.out.units > 0 && !self.matched {
            let found = if self.languages.is_empty() {
                "no variants at all".to_string()
            } else {
                self.languages.iter().map(|(c, n)| format!("{c} ({n})")).collect::<Vec<_>>().join(", ")
            };
            return Err(Error::at(
                path,
                Place::File,
                format!(
                    "no unit has both a {} and an {} variant; the variants found are in {found}; name the \
                     languages to read with --source-lang and --target-lang",
                    self.options.source.describe(),
                    self.options.target.describe(),
                ),
            ));
        }
        Ok(self.out)
    }
}

/// The props by which OmegaT binds an alternative translation to one place in its
/// project (`omegat/project_save.tmx`): the file and the segment's id in it, the
/// sentences before and after it, and (OmegaT 4 on) its path in the file. A default
/// translation has none of them.
const OMEGAT_BINDINGS: [&str; 5] = ["file", "id", "prev", "next", "path"];

/// Whether `unit`, of OmegaT's own memory, is an alternative translation: one its props
/// bind to a place ([`OMEGAT_BINDINGS`]).
fn is_alternative(unit: &Tu) -> bool {
    let props = unit.props.iter().chain(unit.variants.iter().flat_map(|v| &v.props));
    props.map(|(kind, _)| kind.trim()).any(|kind| OMEGAT_BINDINGS.contains(&kind))
}

/// The text of a segment's item, for [`xml::tidy_space`]; `None` for a code.
fn item_text(item: &mut Item) -> Option<&mut String> {
    match item {
        Item::Text(t) => Some(t),
        Item::Tag(_) => None,
    }
}

/// Leaves out the white space at the start and end of a segment's `items`, as an
/// import leaves it out of a batch's translation: a sentence has none.
fn trim_ends(items: &mut Vec<Item>) {
    if let Some(Item::Text(first)) = items.first_mut() {
        let blank = first.len() - first.trim_start().len();
        first.drain(..blank);
    }
    if let Some(Item::Text(last)) = items.last_mut() {
        last.truncate(last.trim_end().len());
    }
    items.retain(|item| !matches!(item, Item::Text(t) if t.is_empty()));
}

/// The `xml:space` of element `e`: `Some(true)` for `preserve`, `Some(false)` for
/// `default`, `None` when it has none (or another value, which XML leaves unsaid).
fn xml_space(e: &BytesStart<'_>) -> Option<bool> {
    // Malformed attributes were refused already, by the element's own reading.
    e.attributes().flatten().find(|a| a.key.as_ref() == b"xml:space").and_then(|a| match a.value.as_ref() {
        b"preserve" => Some(true),
        b"default" => Some(false),
        _ => None,
    })
}

/// Trados's `x-ConfirmationLevel`s of a translation not confirmed.
const DRAFTS: [&str; 3] = ["Draft", "Unspecified", "NotTranslated"];

/// The forms of a date [`Timestamp::parse_tmx`] reads, for the warning about one it
/// does not.
const DATE_FORMS: &str = "20261122T153000Z, 20261122T153000 (as UTC), 20261122, 20261122~153000 (Wordfast) \
                          and 2026-11-22T15:30:00Z";

/// The `creationtool` of OmegaT's own memories (`omegat/project_save.tmx`, the
/// `-omegat.tmx` a project writes), which hold its tags as text.
const OMEGAT: &str = "OmegaT";

/// The items of a segment of OmegaT's own memory, its tags written as text (`<g0>`,
/// `</g0>`, `<x1/>`: a letter and the tag's number, from 0, in the source's order) made
/// codes: a start and end of a pair, by the number (`i`), and a lone code. A pair whose
/// two ends OmegaT shows as lone tags (`<b1/>` … `<e2/>`, the `bx` and `ex` of a
/// pair that overlaps another in tolk's XLIFF) is a pair again, the last `b` opened
/// closed by the next `e`. Each code's `x` is OmegaT's number as a name (`o1`), so the
/// source's codes are numbered from 1 in the order they open, as tolk numbers a
/// sentence's, and the target's take the numbers of the source's with the same name.
fn omegat_tags(items: Vec<Item>) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    // The letter and number of each lone tag of `out`, by its index.
    let mut lone: Vec<(usize, u8, String)> = Vec::new();
    for item in items {
        let Item::Text(text) = item else {
            out.push(item);
            continue;
        };
        let mut last = 0;
        let mut at = 0;
        while let Some(lt) = text[at..].find('<').map(|k| at + k) {
            at = lt + 1;
            let Some((tag, len, letter)) = omegat_tag(&text[lt..]) else { continue };
            if lt > last {
                out.push(Item::Text(text[last..lt].to_string()));
            }
            if tag.kind == TagKind::Ph {
                lone.push((out.len(), letter, tag.x.clone().unwrap_or_default()));
            }
            out.push(Item::Tag(tag));
            last = lt + len;
            at = last;
        }
        if last < text.len() {
            out.push(Item::Text(text[last..].to_string()));
        }
    }
    let mut begun: Vec<(usize, String)> = Vec::new();
    for (k, letter, name) in lone {
        let pair = match letter.to_ascii_lowercase() {
            b'b' => {
                begun.push((k, name));
                continue;
            }
            b'e' => begun.pop(),
            _ => None,
        };
        let Some((b, name)) = pair else { continue };
        if let Item::Tag(open) = &mut out[b] {
            open.kind = TagKind::Bpt;
            open.i = Some(name.clone());
        }
        if let Item::Tag(close) = &mut out[k] {
            *close = Tag { kind: TagKind::Ept, i: Some(name), x: None, native: None };
        }
    }
    out
}

/// The OmegaT tag `text` starts with (`<g0>`, `</g0>`, `<x1/>`: a letter, a number of
/// at most six digits), its length, and its letter.
fn omegat_tag(text: &str) -> Option<(Tag, usize, u8)> {
    let bytes = text.as_bytes();
    let close = bytes.get(1) == Some(&b'/');
    let at = if close { 2 } else { 1 };
    let letter = *bytes.get(at)?;
    if !letter.is_ascii_alphabetic() {
        return None;
    }
    let digits = bytes[at + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=6).contains(&digits) {
        return None;
    }
    let n = &text[at + 1..at + 1 + digits];
    let rest = &bytes[at + 1 + digits..];
    let (lone, len) = match rest {
        [b'>', ..] => (false, at + 1 + digits + 1),
        [b'/', b'>', ..] if !close => (true, at + 1 + digits + 2),
        _ => return None,
    };
    let name = Some(format!("o{n}"));
    let tag = match (close, lone) {
        (false, false) => Tag { kind: TagKind::Bpt, i: name.clone(), x: name, native: None },
        (true, _) => Tag { kind: TagKind::Ept, i: name, x: None, native: None },
        (false, true) => Tag { kind: TagKind::Ph, i: None, x: name, native: None },
    };
    Some((tag, len, letter))
}

/// Whether `target` keeps the codes of `source` as a batch's translation must
/// ([`inline::check`]); a source whose own codes do not pair well is left as it is, as
/// the batch import leaves it.
fn codes_kept(source: &str, target: &str) -> std::result::Result<(), inline::TagError> {
    match inline::check(source, source) {
        Ok(()) => inline::check(source, target),
        Err(_) => Ok(()),
    }
}

/// What differs between a unit's codes, for the warning that skips it.
fn codes_differ(e: &inline::TagError) -> String {
    use inline::TagError;
    let code = |c: &Code| match *c {
        Code::Open(n) | Code::Close(n) => format!("the pair {}…{}", Code::Open(n), Code::Close(n)),
        Code::Lone(n) => format!("the code {}", Code::Lone(n)),
    };
    match e {
        TagError::Missing(c) => format!("the target lacks {}", code(c)),
        TagError::Added(c) => format!("the target has {}, which the source does not", code(c)),
        TagError::Repeated(c) => format!("the target has {} more often than the source", code(c)),
        TagError::BadlyNested(c) => format!("the target's {} overlaps another pair", code(c)),
        TagError::Mistyped { typed, meant } => format!("the target has {typed} where the source has {meant}"),
    }
}

/// The bytes `items` count against [`MAX_XML_TEXT`].
fn size(items: &[Item]) -> usize {
    let attribute = |a: &Option<String>| a.as_ref().map_or(0, String::len);
    items
        .iter()
        .map(|item| match item {
            Item::Text(t) => t.len(),
            Item::Tag(tag) => TAG_BYTES + attribute(&tag.i) + attribute(&tag.x),
        })
        .sum()
}

/// The texts of a source and a target segment, their codes as placeholders numbered
/// alike. `own`: every code of the unit holds the placeholder it stands for, as tolk
/// writes it, and is that placeholder. Otherwise a `bpt` and the `ept` with its `i` are
/// a pair, and every other code (an `it`, a `ph`, a `ut`, a `bpt` or `ept` without its
/// partner) a lone code; the target's codes are matched to the source's with the same
/// `x` where both sides have `x` throughout, else to the source's codes of the same kind
/// (pair or lone) in order, and the two kept as the memory keeps a document's sentence
/// ([`inline::localize_pair`]): numbered from 1 in the order the source's open (an `x`
/// is a tool's number in the paragraph, `x="7"`, never the sentence's), a pair around
/// both left out; a target code the source has none to match takes a number after the
/// source's.
fn placeholders<'a>(source: &'a [Item], target: &'a [Item], own: bool) -> (String, String) {
    if own {
        let text = |items: &[Item]| -> String {
            items
                .iter()
                .map(|item| match item {
                    Item::Text(t) => t.clone(),
                    Item::Tag(tag) => tag.native.map(|c| c.to_string()).unwrap_or_default(),
                })
                .collect()
        };
        return (text(source), text(target));
    }
    let (source_shapes, target_shapes) = (shapes(source), shapes(target));
    let source_opening = opening(source, &source_shapes);
    let target_opening = opening(target, &target_shapes);
    let source_numbers: Vec<u32> = (1..).take(source_opening.len()).collect();
    // The source's codes each target code may take, first come first served: by `x`,
    // or by kind (a pair's start, a lone code).
    let by_x = source_opening.iter().chain(&target_opening).all(|(_, tag, _)| tag.x.is_some());
    let key = |tag: &'a Tag, paired: bool| -> (&'a str, bool) {
        if by_x {
            (tag.x.as_deref().unwrap_or_default(), false)
        } else {
            ("", paired)
        }
    };
    let mut free: HashMap<_, VecDeque<u32>> = HashMap::new();
    for (&(_, tag, paired), &n) in source_opening.iter().zip(&source_numbers) {
        free.entry(key(tag, paired)).or_default().push_back(n);
    }
    let mut fresh = source_numbers.iter().max().map_or(1, |n| n.saturating_add(1));
    let mut target_numbers = Vec::with_capacity(target_opening.len());
    for &(_, tag, paired) in &target_opening {
        let n = free.get_mut(&key(tag, paired)).and_then(VecDeque::pop_front).unwrap_or_else(|| {
            fresh = fresh.saturating_add(1);
            fresh - 1
        });
        target_numbers.push(n);
    }
    inline::localize_pair(
        &text(source, &source_shapes, &source_opening, &source_numbers),
        &text(target, &target_shapes, &target_opening, &target_numbers),
    )
}

/// What each item of a segment is once its codes are paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Text,
    /// A `bpt` whose `ept` follows.
    Open,
    /// The `ept` of the `bpt` at this index.
    Close(usize),
    Lone,
}

/// The shape of each item of `items`: an `ept` pairs with the last unpaired `bpt` before
/// it with the same `i`.
fn shapes(items: &[Item]) -> Vec<Shape> {
    let mut shapes = Vec::with_capacity(items.len());
    // The unpaired bpt of each `i`, latest last.
    let mut open: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, item) in items.iter().enumerate() {
        let Item::Tag(tag) = item else {
            shapes.push(Shape::Text);
            continue;
        };
        shapes.push(Shape::Lone);
        match (tag.kind, tag.i.as_deref()) {
            (TagKind::Bpt, Some(i)) => open.entry(i).or_default().push(k),
            (TagKind::Ept, Some(i)) => {
                if let Some(b) = open.get_mut(i).and_then(Vec::pop) {
                    shapes[b] = Shape::Open;
                    shapes[k] = Shape::Close(b);
                }
            }
            _ => {}
        }
    }
    shapes
}

/// The codes of `items` that open (a pair's start, a lone code), in order: each one's
/// index, tag, and whether it starts a pair.
fn opening<'a>(items: &'a [Item], shapes: &[Shape]) -> Vec<(usize, &'a Tag, bool)> {
    items
        .iter()
        .zip(shapes)
        .enumerate()
        .filter_map(|(k, (item, shape))| match (item, shape) {
            (Item::Tag(tag), Shape::Open | Shape::Lone) => Some((k, tag, *shape == Shape::Open)),
            _ => None,
        })
        .collect()
}

/// `items` as text, the opening codes `opening` numbered `numbers`.
fn text(items: &[Item], shapes: &[Shape], opening: &[(usize, &Tag, bool)], numbers: &[u32]) -> String {
    let mut number_of = vec![0; items.len()];
    for (&(k, _, _), &n) in opening.iter().zip(numbers) {
        number_of[k] = n;
    }
    let mut out = String::new();
    for (k, (item, shape)) in items.iter().zip(shapes).enumerate() {
        match (item, shape) {
            (Item::Text(t), _) => out.push_str(t),
            (Item::Tag(_), Shape::Open) => out.push_str(&Code::Open(number_of[k]).to_string()),
            (Item::Tag(_), Shape::Close(b)) => out.push_str(&Code::Close(number_of[*b]).to_string()),
            (Item::Tag(_), _) => out.push_str(&Code::Lone(number_of[k]).to_string()),
        }
    }
    out
}

/// The entry of one source and target variant of `unit`, whose texts are `source_text`
/// and `target_text`.
fn entry(unit: &Tu, source: &Variant, target: &Variant, source_text: String, target_text: String) -> Entry {
    let mut e = Entry { source: source_text, target: target_text, row: unit.line, ..Entry::default() };
    // The variant's own stamp is the more specific; the unit's stands for both.
    let first = |pick: fn(&Stamp) -> &Option<String>| -> Option<String> {
        pick(&target.stamp).clone().or_else(|| pick(&unit.stamp).clone())
    };
    e.translator =
        [&target.stamp.change_id, &target.stamp.creation_id, &unit.stamp.change_id, &unit.stamp.creation_id]
            .into_iter()
            .flatten()
            .find(|id| !id.is_empty())
            .cloned()
            .unwrap_or_default()
            .into();
    // The unit's id in the tool it came from, which that tool may need to find it again.
    if let Some(tuid) = &unit.tuid {
        add_extra(&mut e.extra, TUID_COLUMN, tuid);
    }
    let (mut created_prop, mut changed_prop) = (None, None);
    // Only the names tolk writes are tolk's fields: another tool's `x-Origin` (Trados:
    // TM, MT) is no provenance of tolk's, and is kept as that tool's.
    for (kind, value) in unit.props.iter().chain(&source.props).chain(&target.props) {
        match kind.as_str() {
            ORIGIN_PROP => join(&mut e.origin, value, "; "),
            NOTE_PROP => join(&mut e.note, value, "\n"),
            CREATED_PROP => created_prop = Some(value.as_str()),
            CHANGED_PROP => changed_prop = Some(value.as_str()),
            // tolk's history: the entry comes back retired, never as a translation in use.
            RETIRED_PROP if Timestamp::parse(value).is_some() => e.retired = value.clone().into(),
            RETIRED_BY_PROP => e.retired_by = value.clone().into(),
            IMPORT_PROP => e.import = value.clone().into(),
            // The sentences around it where it was translated, as OmegaT writes them.
            PREV_PROP | X_PREV_PROP => e.prev = value.clone(),
            NEXT_PROP | X_NEXT_PROP => e.next = value.clone(),
            _ => add_extra(&mut e.extra, &column_of(kind), value),
        }
    }
    for note in unit.notes.iter().chain(&source.notes).chain(&target.notes) {
        join(&mut e.note, note, "\n");
    }
    e.created = date(first(|s| &s.created), created_prop, "creationdate", &mut e.extra).into();
    e.changed = date(first(|s| &s.changed), changed_prop, "changedate", &mut e.extra).into();
    e
}

/// The extra column a `prop` of type `kind` is kept in: a type of tolk's form, `x-`
/// and a name that is none of tolk's own columns, in that name (`x-Client` in
/// `Client`, as tolk writes every extra column); any other (memoQ's `client`, OmegaT's
/// `file`, Trados's `x-Origin`, as tolk's own columns hold only tolk's own props) in
/// [`TOOL_COLUMN`] and the type (`tmx:client`), so that it is written back under the
/// type it came with ([`prop_of`]).
fn column_of(kind: &str) -> String {
    let own = |name: &str| crate::memory::KNOWN_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(name.trim()));
    match kind.strip_prefix("x-") {
        Some(name) if !name.trim().is_empty() && !own(name) && !name.starts_with(TOOL_COLUMN) => {
            name.to_string()
        }
        _ => format!("{TOOL_COLUMN}{kind}"),
    }
}

/// The `prop` type an extra column is written as: [`column_of`] the other way round.
fn prop_of(column: &str) -> Cow<'_, str> {
    match column.strip_prefix(TOOL_COLUMN) {
        Some(kind) => Cow::Borrowed(kind),
        None => Cow::Owned(format!("x-{column}")),
    }
}

/// What starts the name of an extra column that holds another tool's `prop` as it
/// was typed (`tmx:client`).
const TOOL_COLUMN: &str = "tmx:";

/// The extra column that holds a unit's `tuid`, written back as the `tuid` of its `tu`.
/// A unit's `usagecount` and `lastusagedate` are not kept: they are the other tool's
/// count of its own uses, which tolk neither keeps up nor could give back true.
const TUID_COLUMN: &str = "tuid";

/// Whether the extra column `name` is [`TUID_COLUMN`] (names compared as the memory
/// compares them).
fn is_tuid(name: &str) -> bool {
    name.trim().eq_ignore_ascii_case(TUID_COLUMN)
}

/// A date field from the TMX attribute (in any form [`Timestamp::parse_tmx`] reads,
/// normalised to ISO 8601) or tolk's prop (as written); a value that is not a date is
/// kept as the extra column `column`, so nothing is lost and the memory stays loadable.
fn date(
    attribute: Option<String>,
    prop: Option<&str>,
    column: &str,
    extra: &mut Vec<(String, String)>,
) -> String {
    if let Some(a) = attribute.filter(|a| !a.trim().is_empty()) {
        match Timestamp::parse_tmx(&a) {
            Some(t) => return t.to_string(),
            None => add_extra(extra, column, &a),
        }
    }
    match prop {
        Some(p) if p.trim().is_empty() || Timestamp::parse(p).is_some() => p.to_string(),
        Some(p) => {
            add_extra(extra, column, p);
            String::new()
        }
        None => String::new(),
    }
}

fn join<S: std::fmt::Write + std::ops::Deref<Target = str>>(field: &mut S, value: &str, separator: &str) {
    if value.is_empty() {
        return;
    }
    // Writing to a string cannot fail.
    if !field.is_empty() {
        let _ = field.write_str(separator);
    }
    let _ = field.write_str(value);
}

/// Adds an extra column value; a second value for the same column (names compared as
/// the memory compares them) is appended to the first.
fn add_extra(extra: &mut Vec<(String, String)>, name: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    match extra.iter_mut().find(|(n, _)| n.trim().eq_ignore_ascii_case(name.trim())) {
        Some((_, v)) if v != value => join(v, value, "; "),
        Some(_) => {}
        None => extra.push((name.to_string(), value.to_string())),
    }
}

/// Calls `f` with every attribute's name and value (entities expanded), checking each.
fn each_attribute(e: &BytesStart<'_>, line: u64, mut f: impl FnMut(&[u8], &str)) -> Result<(), Fail> {
    for attr in e.attributes() {
        let attr = attr.map_err(|err| {
            at(
                line,
                format!("malformed attribute in <{}>: {err}", String::from_utf8_lossy(e.name().as_ref())),
            )
        })?;
        let value = decode_text(&attr.value, line, false)?;
        // XML's attribute-value normalisation: white space characters become spaces,
        // while character references such as &#10; keep what they stand for.
        let value =
            if value.contains(['\n', '\t']) { Cow::Owned(value.replace(['\n', '\t'], " ")) } else { value };
        let value = unescape(value, line)?;
        f(attr.key.as_ref(), &value);
    }
    Ok(())
}

/// Decodes raw text as UTF-8 with XML's line-end normalisation, and with `entities`,
/// expands entity and character references.
fn decode_text(raw: &[u8], line: u64, entities: bool) -> Result<Cow<'_, str>, Fail> {
    let text =
        std::str::from_utf8(raw).map_err(|e| at(line + newlines(&raw[..e.valid_up_to()]), INVALID_UTF8))?;
    let text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    if entities {
        unescape(text, line)
    } else {
        Ok(text)
    }
}

fn unescape(text: Cow<'_, str>, line: u64) -> Result<Cow<'_, str>, Fail> {
    if !text.contains('&') {
        return Ok(text);
    }
    let expanded = match quick_xml::escape::unescape(&text) {
        Ok(expanded) => expanded.into_owned(),
        Err(e) => return Err(escape_fail(&text, &e, line)),
    };
    // The raw text has none (the reader refuses them), so such a character came from a reference.
    if let Some(c) = expanded.chars().find(|&c| !is_xml_char(c)) {
        let offset = forbidden_reference(&text).map_or(0, |(offset, _)| offset);
        return Err(at(line + newlines(&text.as_bytes()[..offset]), not_allowed(c)));
    }
    Ok(Cow::Owned(expanded))
}

/// The error for a bad reference in `text`, which starts on `line`.
fn escape_fail(text: &str, e: &EscapeError, line: u64) -> Fail {
    let (offset, message) = xml::reference_error(e);
    let line = offset.map_or(line, |offset| line + newlines(&text.as_bytes()[..offset.min(text.len())]));
    at(line, message)
}

fn newlines(bytes: &[u8]) -> u64 {
    crate::input::line_of(bytes, bytes.len()) as u64 - 1
}

// ---------------------------------------------------------------------------------
// Writing TMX

/// Writes `memory` as TMX 1.4 (see the module documentation for the mapping). A
/// character XML cannot hold (most control characters) is an `InvalidData` error
/// naming the entry's file, row and column.
pub fn write(memory: &Memory, out: impl Write) -> io::Result<()> {
    write_in(memory, out, super::Languages::default())
}

/// [`write`], the sources and targets marked as in `languages` (the header's
/// `srclang` and each variant's `xml:lang`): a Nynorsk memory says `nn`.
pub fn write_in(memory: &Memory, out: impl Write, languages: super::Languages<'_>) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    let unwritable = |c: char| {
        io::Error::new(io::ErrorKind::InvalidData, format!("U+{:04X} cannot be written in XML", c as u32))
    };
    let mut xml = XmlWriter::new();
    xml.raw("<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">");
    xml.open("tmx", &[("version", "1.4")]).map_err(unwritable)?;
    let header = [
        ("creationtool", CREATION_TOOL),
        ("creationtoolversion", env!("CARGO_PKG_VERSION")),
        ("segtype", "sentence"),
        ("o-tmf", "tolk-csv"),
        ("adminlang", "en"),
        ("srclang", languages.source),
        ("datatype", "plaintext"),
    ];
    xml.empty("header", &header).map_err(unwritable)?;
    xml.open("body", &[]).map_err(unwritable)?;
    out.write_all(xml.take().as_bytes())?;
    for (i, e) in memory.entries.iter().enumerate() {
        check_characters(memory, i, e)?;
        write_unit(&mut xml, e, languages).map_err(unwritable)?;
        out.write_all(xml.take().as_bytes())?;
    }
    xml.close("body");
    xml.close("tmx");
    out.write_all(xml.finish().as_bytes())?;
    out.flush()
}

/// One `tu`: dates and translator as attributes, the rest as `prop`s, then the two
/// variants.
fn write_unit(
    xml: &mut XmlWriter,
    e: &Entry,
    languages: super::Languages<'_>,
) -> std::result::Result<(), char> {
    let created = Timestamp::parse(&e.created).map(|t| t.tmx());
    let changed = Timestamp::parse(&e.changed).map(|t| t.tmx());
    let translator = (!e.translator.is_empty()).then_some(e.translator.as_str());
    let tuid = e.extra.iter().find(|(name, v)| is_tuid(name) && !v.is_empty()).map(|(_, v)| v.as_str());
    let attributes: Vec<(&str, &str)> = [
        ("tuid", tuid),
        ("creationdate", created.as_deref()),
        ("creationid", translator),
        ("changedate", changed.as_deref()),
        ("changeid", translator),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    xml.open("tu", &attributes)?;
    let mut props: Vec<(String, &str)> = Vec::new();
    if created.is_none() {
        props.push((CREATED_PROP.into(), &e.created));
    }
    if changed.is_none() {
        props.push((CHANGED_PROP.into(), &e.changed));
    }
    props.push((ORIGIN_PROP.into(), &e.origin));
    props.push((RETIRED_PROP.into(), &e.retired));
    props.push((RETIRED_BY_PROP.into(), &e.retired_by));
    props.push((IMPORT_PROP.into(), &e.import));
    // Its context, as OmegaT writes it, so either tool finds the 101% match.
    props.push((PREV_PROP.into(), &e.prev));
    props.push((NEXT_PROP.into(), &e.next));
    props.extend(
        e.extra
            .iter()
            .filter(|(name, _)| !is_tuid(name))
            .map(|(name, value)| (prop_of(name).into_owned(), value.as_str())),
    );
    for (kind, value) in props.iter().filter(|(_, v)| !v.is_empty()) {
        xml.text("prop", &[("type", kind)], value)?;
    }
    // TMX's own element for a remark, which CAT tools show beside the translation.
    if !e.note.is_empty() {
        xml.text("note", &[], &e.note)?;
    }
    for (lang, text) in [(languages.source, &e.source), (languages.target, &e.target)] {
        xml.open("tuv", &[("xml:lang", lang)])?;
        xml.raw(&seg(text)?);
        xml.close("tuv");
    }
    xml.close("tu");
    Ok(())
}

/// `<seg>text</seg>`, the formatting codes of `text` (tolk's placeholders) as TMX's
/// inline codes, each holding its placeholder as its native code (tolk has no other):
/// a pair is `<bpt i="1" x="1">{1}</bpt>…<ept i="1">{/1}</ept>` (its `i` the number,
/// unless the number pairs twice in the sentence), a lone code `<ph x="2">{2/}</ph>`,
/// and an opening or closing code without its partner `<it pos="begin">` or
/// `<it pos="end">`. The error is a character XML cannot hold.
fn seg(text: &str) -> std::result::Result<String, char> {
    if let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
        return Err(c);
    }
    let pieces = inline::pieces(text);
    // Each closing code pairs with the last unpaired opening code of its number; pairs
    // may overlap, as bpt and ept are no elements around the text.
    let mut partner: Vec<Option<usize>> = vec![None; pieces.len()];
    let mut open: HashMap<u32, Vec<usize>> = HashMap::new();
    for (k, piece) in pieces.iter().enumerate() {
        match *piece {
            Piece::Code(Code::Open(n), _) => open.entry(n).or_default().push(k),
            Piece::Code(Code::Close(n), _) => {
                if let Some(b) = open.get_mut(&n).and_then(Vec::pop) {
                    partner[b] = Some(k);
                    partner[k] = Some(b);
                }
            }
            _ => {}
        }
    }
    let mut highest = inline::codes(text).iter().map(|c| c.number()).max().unwrap_or(0);
    let mut taken: HashSet<u32> = HashSet::new();
    let mut i_of: Vec<u32> = vec![0; pieces.len()];
    let mut out = String::from("<seg>");
    for (k, piece) in pieces.iter().enumerate() {
        let Piece::Code(code, placeholder) = *piece else {
            if let Piece::Text(t) = piece {
                xml::escape_into(&mut out, t, false);
            }
            continue;
        };
        let n = code.number();
        let element = match (code, partner[k]) {
            (Code::Open(_), Some(close)) => {
                let i = if taken.insert(n) {
                    n
                } else {
                    highest = highest.saturating_add(1);
                    taken.insert(highest);
                    highest
                };
                i_of[close] = i;
                format!("<bpt i=\"{i}\" x=\"{n}\" type=\"g\">{placeholder}</bpt>")
            }
            (Code::Close(_), Some(_)) => format!("<ept i=\"{}\">{placeholder}</ept>", i_of[k]),
            (Code::Lone(_), _) => format!("<ph x=\"{n}\" type=\"x\">{placeholder}</ph>"),
            (Code::Open(_), None) => format!("<it pos=\"begin\" x=\"{n}\">{placeholder}</it>"),
            (Code::Close(_), None) => format!("<it pos=\"end\" x=\"{n}\">{placeholder}</it>"),
        };
        out.push_str(&element);
    }
    out.push_str("</seg>");
    Ok(out)
}

fn check_characters(memory: &Memory, i: usize, e: &Entry) -> io::Result<()> {
    let known = [
        ("source", &*e.source),
        ("target", &e.target),
        ("created", &e.created),
        ("changed", &e.changed),
        ("translator", &e.translator),
        ("origin", &e.origin),
        ("note", &e.note),
        ("retired", &e.retired),
        ("import", &e.import),
        ("retired_by", &e.retired_by),
    ];
    let extra = e.extra.iter().flat_map(|(n, v)| [(n.as_str(), n.as_str()), (n.as_str(), v.as_str())]);
    for (column, value) in known.into_iter().chain(extra) {
        if let Some(c) = value.chars().find(|&c| !is_xml_char(c)) {
            let place = match memory.file_of(e) {
                Some(f) => format!("{}: row {}, column {column}", crate::shown::path(f), e.row),
                None => format!("entry {}, {column}", i + 1),
            };
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{place}: the character U+{:04X} cannot be written in XML; remove it from the memory and export again",
                    c as u32
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(xml: &str) -> Result<TmxFile> {
        read_from(xml.as_bytes(), Path::new("t.tmx"), &ReadOptions::default())
    }

    fn body(units: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">\n<header creationtool=\"x\" srclang=\"nb\"/>\n<body>\n{units}\n</body>\n</tmx>\n"
        )
    }

    fn unit(nb: &str, en: &str) -> String {
        format!(
            "<tu><tuv xml:lang=\"nb\"><seg>{nb}</seg></tuv><tuv xml:lang=\"en\"><seg>{en}</seg></tuv></tu>"
        )
    }

    #[test]
    fn a_second_source_variant_is_named_not_dropped_unsaid() {
        let units = [
            unit("Hei.", "Hi."),
            "<tu tuid=\"42\">\n<tuv xml:lang=\"nb\"><seg>Hei på deg.</seg></tuv>\n\
             <tuv xml:lang=\"nb-NO\"><seg>Hallo.</seg></tuv>\n<tuv xml:lang=\"en\"><seg>Hello.</seg></tuv></tu>"
                .to_string(),
            // The same text twice loses nothing, so it is not worth a word.
            "<tu><tuv xml:lang=\"nb\"><seg>Ja.</seg></tuv><tuv xml:lang=\"no\"><seg>Ja.</seg></tuv>\
             <tuv xml:lang=\"en\"><seg>Yes.</seg></tuv></tu>"
                .to_string(),
        ];
        let file = parse(&body(&units.join("\n"))).unwrap();
        let pairs: Vec<_> = file.entries.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect();
        assert_eq!(pairs, [("Hei.", "Hi."), ("Hei på deg.", "Hello."), ("Ja.", "Yes.")]);
        assert_eq!(
            file.warnings,
            ["line 6: the <tu> tuid=\"42\" (unit 2) has more than one Norwegian Bokmål (nb) variant with different \
              texts; kept the first, nb on line 7, and left out nb-NO on line 8"]
        );
        assert_eq!(file.warnings_total, 1);
    }

    /// `units` in a file of tolk's own, whose units' codes are not checked against
    /// their sources' ([`codes_kept`]), so that how any unit's codes are read shows: a
    /// unit whose codes do not all hold their placeholders is read as another tool's.
    fn unchecked(units: &str) -> String {
        body(units).replace("creationtool=\"x\"", "creationtool=\"tolk\"")
    }

    /// Checks the (source, target) pairs read from `units` and how many were flattened.
    #[track_caller]
    fn check(units: &str, expected: &[(&str, &str)], flattened: usize) {
        let file = parse(&unchecked(units)).unwrap_or_else(|e| panic!("{e}"));
        let pairs: Vec<(&str, &str)> =
            file.entries.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect();
        assert_eq!(pairs, expected);
        assert_eq!(file.flattened, flattened, "flattened");
    }

    #[track_caller]
    fn check_error(xml: &str, expected: &str) {
        match parse(xml) {
            Ok(file) => panic!("expected an error, read {:?}", file.entries),
            Err(e) => assert_eq!(e.to_string(), expected),
        }
    }

    #[test]
    fn language_codes_are_matched_loosely() {
        let nb = Language::bokmal();
        let en = Language::english();
        for code in ["nb", "nb-NO", "no", "no-NO", "NO-NB", "nob", "NB_no", "nor"] {
            assert!(nb.matches(code), "{code} is Bokmål");
            assert!(!en.matches(code), "{code} is not English");
        }
        for code in ["en", "en-GB", "en-US", "EN-us", "eng", "en_GB"] {
            assert!(en.matches(code), "{code} is English");
            assert!(!nb.matches(code), "{code} is not Bokmål");
        }
        for code in ["nn", "nn-NO", "no-NN", "de-DE", "sv", "", "x", "*all*", "english"] {
            assert!(!nb.matches(code) && !en.matches(code), "{code} is neither");
        }
        let gb = Language::parse("en-GB").unwrap();
        assert!(gb.matches("EN-gb") && !gb.matches("en-US") && !gb.matches("en"));
        assert!(
            Language::parse("de").unwrap().matches("de-DE")
                && !Language::parse("de-DE").unwrap().matches("de")
        );
        assert_eq!(Language::parse("1a"), None);
    }

    /// OmegaT's own memory (`project_save.tmx`, TMX 1.1 with `lang`) holds its tags as
    /// text: they are codes, numbered from 1 in the source's order, the target's as the
    /// source's; in another tool's file such text is text.
    #[test]
    fn omegats_tags_in_its_own_memory_are_codes() {
        let omegat = |seg_nb: &str, seg_en: &str| {
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx11.dtd\">\n<tmx version=\"1.1\">\n\
                 <header creationtool=\"OmegaT\" o-tmf=\"OmegaT TMX\" adminlang=\"EN-US\" datatype=\"plaintext\" \
                 creationtoolversion=\"3.6.0_10_unknown\" segtype=\"paragraph\" srclang=\"nb\"/>\n<body>\n\
                 <tu><tuv lang=\"nb\"><seg>{seg_nb}</seg></tuv><tuv lang=\"en\" changedate=\"20261122T000000Z\">\
                 <seg>{seg_en}</seg></tuv></tu>\n</body>\n</tmx>\n"
            )
        };
        let pair = |xml: &str| {
            let e = &parse(xml).unwrap().entries[0];
            (e.source.clone(), e.target.clone())
        };
        let nb = "Se &lt;g0&gt;bildet&lt;/g0&gt; og&lt;x1/&gt; teksten &lt;g2&gt;her&lt;/g2&gt;.";
        let en = "See &lt;g2&gt;here&lt;/g2&gt; &lt;g0&gt;the picture&lt;/g0&gt; and&lt;x1/&gt; the text.";
        assert_eq!(
            pair(&omegat(nb, en)),
            (
                "Se {1}bildet{/1} og{2/} teksten {3}her{/3}.".into(),
                "See {3}here{/3} {1}the picture{/1} and{2/} the text.".into()
            )
        );
        // The two ends of a pair that overlaps another, lone tags to OmegaT, are a pair,
        // and the codes after it keep tolk's numbers.
        assert_eq!(
            pair(&omegat(
                "Hos &lt;g0&gt;Lyse &lt;b1/&gt;Dialog&lt;/g0&gt; er&lt;e2/&gt; vi&lt;x3/&gt;.",
                "At &lt;g0&gt;Lyse &lt;b1/&gt;Dialog&lt;/g0&gt; we&lt;e2/&gt; are&lt;x3/&gt;."
            )),
            (
                "Hos {1}Lyse {2}Dialog{/1} er{/2} vi{3/}.".into(),
                "At {1}Lyse {2}Dialog{/1} we{/2} are{3/}.".into()
            )
        );
        // A tag without its partner is a lone code; what only looks like a tag is text.
        assert_eq!(
            pair(&omegat("A &lt;b0&gt;b &lt;/c1/&gt; 3 &lt; 4", "A &lt;b0&gt;b &lt;/c1/&gt; 3 &lt; 4")),
            ("A {1/}b </c1/> 3 < 4".into(), "A {1/}b </c1/> 3 < 4".into())
        );
        // Another tool's text that looks like OmegaT's tags stays text.
        let other = body(&unit("Se &lt;g0&gt;bildet&lt;/g0&gt;.", "See &lt;g0&gt;it&lt;/g0&gt;."));
        assert_eq!(pair(&other), ("Se <g0>bildet</g0>.".into(), "See <g0>it</g0>.".into()));
    }

    /// Regression (trial file omegat-save.tmx): an alternative translation of OmegaT's
    /// own memory, bound by its props to one place, came in beside the default one
    /// and, being newer, replaced it for the sentence everywhere.
    #[test]
    fn omegats_alternative_translations_are_left_out_and_named() {
        let units = "<tu><tuv lang=\"NB\"><seg>Neste år</seg></tuv>\
                     <tuv lang=\"EN\" changedate=\"20240410T101010Z\"><seg>Next year</seg></tuv></tu>\n\
                     <tu><prop type=\"file\">dugnad.xlf</prop><prop type=\"id\">s06fb00655f616539</prop>\
                     <tuv lang=\"NB\"><seg>Neste år</seg></tuv>\
                     <tuv lang=\"EN\" changedate=\"20240411T101010Z\"><seg>The year ahead</seg></tuv></tu>\n\
                     <tu><prop type=\"prev\">Takk.</prop><prop type=\"next\"></prop>\
                     <tuv lang=\"NB\"><seg>Neste år</seg></tuv>\
                     <tuv lang=\"EN\"><seg>Next year's</seg></tuv></tu>\n\
                     <tu changedate=\"20240410T101010Z\"><tuv lang=\"NB\"><seg>Ja.</seg></tuv><tuv lang=\"EN\"><seg>Yes.</seg></tuv></tu>";
        let omegat = body(units).replace("creationtool=\"x\"", "creationtool=\"OmegaT\"");
        let file = parse(&omegat).unwrap();
        let pairs: Vec<_> = file.entries.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect();
        assert_eq!(pairs, [("Neste år", "Next year"), ("Ja.", "Yes.")]);
        assert_eq!(
            file.counted_warnings(&ReadOptions::default()),
            ["2 alternative translations (line 6, line 7) not taken: OmegaT uses an alternative \
              translation only where its props bind it (a file and segment id, or the sentences before and after), \
              and tolk would use it wherever it is the newest translation of its sentence, over the default one; \
              the default translations are taken (the first left out translates \"Neste år\" as \"The year \
              ahead\")"]
        );
        // In another tool's file, such props are that tool's, kept as columns, and
        // `prev` and `next` are the entry's context, as tolk writes them.
        let other = parse(&body(units)).unwrap();
        assert_eq!(other.entries.len(), 4);
        assert!(other.entries[1].extra.contains(&("tmx:file".into(), "dugnad.xlf".into())));
        assert_eq!(other.entries[2].prev, "Takk.");
        assert!(other.counted_warnings(&ReadOptions::default()).iter().all(|w| !w.contains("alternative")));
    }

    #[test]
    fn inline_codes_are_placeholders_and_other_markup_is_flattened() {
        check(
            &[
                unit("Klikk <bpt i=\"1\">&lt;b&gt;</bpt>Lagre<ept i=\"1\">&lt;/b&gt;</ept>.", "Click Save."),
                unit("Se <ph x=\"1\">{1}</ph> her.", "See <it pos=\"begin\">&lt;i&gt;</it>here."),
                unit("<hi type=\"b\">Viktig</hi> melding", "<ut>{\\b}</ut>Important message"),
                unit("Bilde: <ph>&lt;img alt=\"<sub>Fjord</sub>\"&gt;</ph>", "Picture: fjord"),
                unit("Ingen koder.", "No codes."),
                unit("<x id=\"1\"/>Ukjent <g id=\"2\">element</g>", "Unknown element"),
                unit("<hi><ph x=\"3\"/>Fet</hi>", "<ph x=\"3\"/>Bold"),
            ]
            .concat(),
            &[
                ("Klikk {1}Lagre{/1}.", "Click Save."),
                ("Se {1/} her.", "See {1/}here."),
                ("Viktig melding", "{1/}Important message"),
                ("Bilde: {1/}", "Picture: fjord"),
                ("Ingen koder.", "No codes."),
                ("Ukjent element", "Unknown element"),
                ("{1/}Fet", "{1/}Bold"),
            ],
            4,
        );
    }

    /// Checks the (source, target) of one unit with the segments `nb` and `en`.
    #[track_caller]
    fn check_codes(nb: &str, en: &str, expected: (&str, &str)) {
        let file = parse(&unchecked(&unit(nb, en))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (file.entries[0].source.as_str(), file.entries[0].target.as_str()),
            expected,
            "{nb} | {en}"
        );
    }

    #[test]
    fn codes_are_numbered_from_one_in_the_order_they_open() {
        // x matches the target's codes to the source's; the numbers are the sentence's.
        check_codes(
            "<ph x=\"2\">&lt;br/&gt;</ph>Hei <bpt i=\"1\" x=\"1\">&lt;b&gt;</bpt>du<ept i=\"1\">&lt;/b&gt;</ept>",
            "<bpt i=\"7\" x=\"1\">&lt;b&gt;</bpt>Hi<ept i=\"7\">&lt;/b&gt;</ept> you<ph x=\"2\">&lt;br/&gt;</ph>",
            ("{1/}Hei {2}du{/2}", "{2}Hi{/2} you{1/}"),
        );
        // Trados numbers x through the paragraph (trial file xnum.tmx): the sentence is
        // the document's, numbered from 1.
        check_codes(
            "Les <bpt i=\"3\" x=\"7\" type=\"1\"/>vilkårene<ept i=\"3\"/> nøye.",
            "Read the <bpt i=\"3\" x=\"7\" type=\"1\"/>terms<ept i=\"3\"/> carefully.",
            ("Les {1}vilkårene{/1} nøye.", "Read the {1}terms{/1} carefully."),
        );
        // A pair around all of both is left out, as a document leaves it out of its sentence.
        check_codes(
            "<bpt i=\"1\" x=\"4\"/>Advarsel: <ph x=\"5\"/><ept i=\"1\"/>",
            "<bpt i=\"1\" x=\"4\"/>Warning: <ph x=\"5\"/><ept i=\"1\"/>",
            ("Advarsel: {1/}", "Warning: {1/}"),
        );
        // OmegaT counts from 0: numbered in order, the target matched by x.
        check_codes(
            "<bpt i=\"0\" x=\"0\">&lt;b0&gt;</bpt>Hei<ept i=\"0\">&lt;/b0&gt;</ept> <ph x=\"1\">&lt;x1/&gt;</ph>du",
            "<ph x=\"1\">&lt;x1/&gt;</ph>Hi <bpt i=\"0\" x=\"0\">&lt;b0&gt;</bpt>you<ept i=\"0\">&lt;/b0&gt;</ept>",
            ("{1}Hei{/1} {2/}du", "{2/}Hi {1}you{/1}"),
        );
        // The same x twice is no numbering either.
        check_codes("<ph x=\"4\"/>a<ph x=\"4\"/>", "b<ph x=\"4\"/>", ("{1/}a{2/}", "b{1/}"));
        // Without x, by kind and order: pairs with pairs, lone codes with lone codes.
        check_codes(
            "<bpt i=\"1\"/>a<ept i=\"1\"/><ph/><it pos=\"end\"/>",
            "<it pos=\"begin\"/><bpt i=\"5\"/>b<ept i=\"5\"/><ut/>",
            ("{1}a{/1}{2/}{3/}", "{2/}{1}b{/1}{3/}"),
        );
        // A code the source does not have takes a new number.
        check_codes("<ph x=\"1\"/>a", "<ph x=\"1\"/>b<ph x=\"9\"/>", ("{1/}a", "{1/}b{2/}"));
        check_codes("a", "<bpt i=\"1\"/>b<ept i=\"1\"/>", ("a", "{1}b{/1}"));
        // A bpt or ept without its partner is a lone code, as is an it.
        check_codes(
            "<ept i=\"2\"/>a<bpt i=\"1\"/>b<ept i=\"3\"/>",
            "<bpt i=\"1\"/>",
            ("{1/}a{2/}b{3/}", "{1/}"),
        );
        // Pairs may overlap, and an i may be used again once its pair is closed.
        check_codes(
            "<bpt i=\"1\"/>a<bpt i=\"2\"/>b<ept i=\"1\"/>c<ept i=\"2\"/><bpt i=\"1\"/>d<ept i=\"1\"/>",
            "x",
            ("{1}a{2}b{/1}c{/2}{3}d{/3}", "x"),
        );
        // Text that looks like a placeholder is text.
        check_codes("{1}Hei{/1}", "{2/}", ("{1}Hei{/1}", "{2/}"));
        check_codes("{1}<ph x=\"1\">&lt;x/&gt;</ph>", "<ph x=\"1\">&lt;x/&gt;</ph>", ("{1}{1/}", "{1/}"));
    }

    /// A target whose codes are not its source's (one dropped, added, or a target that
    /// is only a code: trial files dropped.tmx and misc.tmx) is skipped and named, as
    /// it could never be placed in a document; tolk's own file is read as it was.
    #[test]
    fn a_target_whose_codes_are_not_the_sources_is_skipped_and_named() {
        let units = [
            unit("Klikk <bpt i=\"1\" x=\"1\"/>Lagre<ept i=\"1\"/> nå.", "Click Save now."),
            unit(
                "Se <bpt i=\"1\" x=\"1\"/>her<ept i=\"1\"/>.",
                "See <bpt i=\"1\" x=\"1\"/>here<ept i=\"1\"/> <ph x=\"2\"/>.",
            ),
            "<tu tuid=\"t3\"><tuv xml:lang=\"nb\"><seg>Bare tagg.</seg></tuv><tuv xml:lang=\"en\"><seg><ph x=\"1\"/></seg></tuv></tu>"
                .to_string(),
            unit("<ph x=\"1\"/>a <ph x=\"1\"/>", "<ph x=\"1\"/>A"),
            // Kept: the same codes in another order, and codes that do not pair in the
            // source (overlapping), which a batch's check leaves as they are too.
            unit(
                "<bpt i=\"1\" x=\"1\"/>a<ept i=\"1\"/> <ph x=\"2\"/>",
                "<ph x=\"2\"/> <bpt i=\"1\" x=\"1\"/>A<ept i=\"1\"/>",
            ),
            unit("<bpt i=\"1\"/>a<bpt i=\"2\"/>b<ept i=\"1\"/>c<ept i=\"2\"/>", "abc"),
        ];
        let file = parse(&body(&units.join("\n"))).unwrap();
        let pairs: Vec<_> = file.entries.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect();
        assert_eq!(pairs, [("{1}a{/1} {2/}", "{2/} {1}A{/1}"), ("{1}a{2}b{/1}c{/2}", "abc")]);
        assert_eq!(file.skipped_codes, 4);
        let end =
            "(numbered from 1 in the source's order); skipped, as build would never place it: correct the \
                   unit where it was made and import it again";
        assert_eq!(
            file.warnings,
            [
                format!("line 5: the en target's inline codes are not the source's: the target lacks the pair {{1}}…{{/1}} {end}"),
                format!("line 6: the en target's inline codes are not the source's: the target has the code {{2/}}, which the source does not {end}"),
                format!("tuid \"t3\" on line 7: the en target's inline codes are not the source's: the target has the code {{1/}}, which the source does not {end}"),
                format!("line 8: the en target's inline codes are not the source's: the target lacks the code {{2/}} {end}"),
            ]
        );
        // tolk's own TMX is the memory it was written from, read back as it was.
        let own = body(&units[0]).replace("creationtool=\"x\"", "creationtool=\"tolk\"");
        let file = parse(&own).unwrap();
        assert_eq!((file.entries.len(), file.skipped_codes), (1, 0));
    }

    #[test]
    fn placeholders_are_written_as_inline_codes() {
        let e = Entry {
            source: "Hos {1}Lyse {2}Dialog{/2}{/1} er vi glade{3/} & <fornøyde>.".into(),
            target: "At {2}Lyse{/2} {1}Dialog{/1} we are happy{3/}.".into(),
            ..Entry::default()
        };
        let xml = write_string(&memory(vec![e.clone()]));
        for seg in [
            "<seg>Hos <bpt i=\"1\" x=\"1\" type=\"g\">{1}</bpt>Lyse <bpt i=\"2\" x=\"2\" type=\"g\">{2}</bpt>Dialog<ept i=\"2\">{/2}</ept>\
             <ept i=\"1\">{/1}</ept> er vi glade<ph x=\"3\" type=\"x\">{3/}</ph> &amp; &lt;fornøyde&gt;.</seg>",
            "<seg>At <bpt i=\"2\" x=\"2\" type=\"g\">{2}</bpt>Lyse<ept i=\"2\">{/2}</ept> <bpt i=\"1\" x=\"1\" type=\"g\">{1}</bpt>Dialog\
             <ept i=\"1\">{/1}</ept> we are happy<ph x=\"3\" type=\"x\">{3/}</ph>.</seg>",
        ] {
            assert!(xml.contains(&format!("        {seg}\n")), "{seg}\n{xml}");
        }
        let file = parse(&xml).unwrap();
        assert_eq!(
            (&file.entries[0].source, &file.entries[0].target, file.flattened),
            (&e.source, &e.target, 0)
        );
    }

    #[test]
    fn odd_codes_in_the_memory_read_back_exactly() {
        for (text, seg) in [
            // A code whose partner is not in the sentence, and a 0.
            ("Skriv {4} eller {/3}.", "Skriv <it pos=\"begin\" x=\"4\">{4}</it> eller <it pos=\"end\" x=\"3\">{/3}</it>."),
            // Overlapping pairs.
            (
                "{1}a{2}b{/1}c{/2}",
                "<bpt i=\"1\" x=\"1\" type=\"g\">{1}</bpt>a<bpt i=\"2\" x=\"2\" type=\"g\">{2}</bpt>b<ept i=\"1\">{/1}</ept>c<ept i=\"2\">{/2}</ept>",
            ),
            // A number used twice: the second pair takes an i of its own.
            (
                "{1}a{/1}{1}b{/1}{2/}",
                "<bpt i=\"1\" x=\"1\" type=\"g\">{1}</bpt>a<ept i=\"1\">{/1}</ept><bpt i=\"3\" x=\"1\" type=\"g\">{1}</bpt>b<ept i=\"3\">{/1}</ept>\
                 <ph x=\"2\" type=\"x\">{2/}</ph>",
            ),
            // Nested the other way round, and braces that are no code.
            ("{2}{1}a{/1}{/2} {x} {01}", "<bpt i=\"2\" x=\"2\" type=\"g\">{2}</bpt><bpt i=\"1\" x=\"1\" type=\"g\">{1}</bpt>a<ept i=\"1\">{/1}</ept><ept i=\"2\">{/2}</ept> {x} {01}"),
        ] {
            let e = Entry { source: text.into(), target: format!("{text}!"), ..Entry::default() };
            let xml = write_string(&memory(vec![e.clone()]));
            assert!(xml.contains(&format!("<seg>{seg}</seg>")), "{text}\n{xml}");
            let file = parse(&xml).unwrap();
            assert_eq!((&file.entries[0].source, &file.entries[0].target), (&e.source, &e.target));
        }
        // A tool that edits one of tolk's targets with codes of its own: the unit is
        // read as any other tool's.
        check_codes(
            "<bpt i=\"1\" x=\"1\" type=\"g\">{1}</bpt>a<ept i=\"1\">{/1}</ept>",
            "<bpt i=\"1\" x=\"1\">&lt;b&gt;</bpt>b<ept i=\"1\">{/1}</ept> c",
            ("{1}a{/1}", "{1}b{/1} c"),
        );
        check_codes(
            "<it pos=\"begin\" x=\"0\">{0}</it>a",
            "<it pos=\"begin\" x=\"0\">&lt;a&gt;</it>b",
            ("{1/}a", "{1/}b"),
        );
    }

    /// Regression (trial file spaces.tmx): another tool's segs went into the memory with
    /// the white space around them and a pretty-printed seg's line breaks and
    /// indentation, which `lookup` showed, where an XLIFF batch's are tidied.
    #[test]
    fn another_tools_segs_are_tidied_as_a_batchs_are_unless_space_is_preserved() {
        let pairs = |xml: &str| -> Vec<(String, String)> {
            let file = parse(xml).unwrap_or_else(|e| panic!("{e}"));
            file.entries.into_iter().map(|e| (e.source, e.target)).collect()
        };
        let pretty = "<tu><tuv xml:lang=\"nb\"><seg>\n        Det er  tredje gang<ph x=\"1\"/>\n        denne måneden.\n      \
                      </seg></tuv><tuv xml:lang=\"en\"><seg>  It is the\n\t third time <ph x=\"1\"/>\n </seg></tuv></tu>";
        let ends = unit(" \t Mange pendlere.", "  Many commuters. \u{a0}");
        // Line breaks with their indentation are one space, the ends are left out, and
        // a double space or a tab on one line is the translator's.
        let tidied = [
            ("Det er  tredje gang{1/} denne måneden.".to_string(), "It is the third time {1/}".to_string()),
            ("Mange pendlere.".into(), "Many commuters.".into()),
        ];
        assert_eq!(pairs(&body(&format!("{pretty}\n{ends}"))), tidied);
        // xml:space="preserve" on the seg, or inherited from around it, keeps the text
        // as written but for its ends, as the import of a batch keeps it; the innermost
        // xml:space decides.
        let kept = (
            "Det er  tredje gang{1/}\n        denne måneden.".to_string(),
            "It is the\n\t third time {1/}".to_string(),
        );
        for (from, to) in [
            ("<seg>", "<seg xml:space=\"preserve\">"),
            ("<tuv ", "<tuv xml:space=\"preserve\" "),
            ("<tu>", "<tu xml:space=\"preserve\">"),
            ("<body>", "<body xml:space=\"preserve\">"),
            ("<tmx ", "<tmx xml:space=\"preserve\" "),
        ] {
            assert_eq!(pairs(&body(pretty).replace(from, to))[0], kept, "{to}");
        }
        let inner_default = body(pretty)
            .replace("<tu>", "<tu xml:space=\"preserve\">")
            .replace("<seg>", "<seg xml:space=\"default\">");
        assert_eq!(pairs(&inner_default)[0], tidied[0]);
        // A seg of only white space is empty, and skipped as such.
        let file = parse(&body(&unit("Hei.", "\n   \n"))).unwrap();
        assert_eq!((file.entries.len(), file.skipped_empty.total), (0, 1));
        // tolk's own file is the memory it was written from: its text comes back as it was.
        assert_eq!(
            pairs(&unchecked(&format!("{pretty}\n{ends}"))),
            [
                (
                    "\n        Det er  tredje gang{1/}\n        denne måneden.\n      ".to_string(),
                    "  It is the\n\t third time {1/}\n ".to_string()
                ),
                (" \t Mange pendlere.".into(), "  Many commuters. \u{a0}".into()),
            ]
        );
    }

    #[test]
    fn entities_character_references_and_cdata_are_text() {
        check(
            &[
                unit(
                    "Bl&#229; &amp; gr&#xF8;nn &lt;3 &quot;ja&quot; &apos;nei&apos; &gt;",
                    "Blue &amp; green",
                ),
                unit("<![CDATA[<b>fet</b> & mer]]> og <![CDATA[]]>slutt", "  spaces kept  "),
                unit("To\r\nlinjer", "Two&#13;\nlines"),
            ]
            .concat(),
            &[
                ("Blå & grønn <3 \"ja\" 'nei' >", "Blue & green"),
                ("<b>fet</b> & mer og slutt", "  spaces kept  "),
                ("To\nlinjer", "Two\r\nlines"),
            ],
            0,
        );
    }

    #[test]
    fn every_target_variant_is_an_entry_and_tmx_1_1_lang_is_read() {
        check(
            "<tu><tuv lang=\"NO-NB\"><seg>Hei.</seg></tuv><tuv lang=\"EN-GB\"><seg>Hello.</seg></tuv>\
             <tuv xml:lang=\"en-US\"><seg>Hi.</seg></tuv><tuv xml:lang=\"de\"><seg>Hallo.</seg></tuv></tu>\
             <tu><tuv xml:lang=\"de\"><seg>Nein.</seg></tuv><tuv xml:lang=\"en\"><seg>No.</seg></tuv></tu>\
             <tu><tuv xml:lang=\"nb\"><seg>Tom.</seg></tuv><tuv xml:lang=\"en\"><seg> </seg></tuv></tu>",
            &[("Hei.", "Hello."), ("Hei.", "Hi.")],
            0,
        );
        let file = parse(&body(&unit("Ja.", "Yes."))).unwrap();
        assert_eq!((file.units, file.skipped_language.total, file.skipped_empty.total), (1, 0, 0));
        let options = ReadOptions {
            source: Language::parse("de").unwrap(),
            target: Language::parse("en-us").unwrap(),
            ..ReadOptions::default()
        };
        let xml = body(
            "<tu><tuv xml:lang=\"de\"><seg>Ja.</seg></tuv><tuv xml:lang=\"en-GB\"><seg>Yes.</seg></tuv>\
             <tuv xml:lang=\"en-US\"><seg>Yeah.</seg></tuv></tu>",
        );
        let file = read_from(xml.as_bytes(), Path::new("t.tmx"), &options).unwrap();
        assert_eq!(file.entries.len(), 1);
        assert_eq!(file.entries[0].target, "Yeah.");
    }

    #[test]
    fn metadata_comes_from_attributes_props_and_notes() {
        let xml = body(
            "\n<tu creationdate=\"20261122T153000Z\" creationid=\"kari\" changedate=\"igår\" usagecount=\"3\">\n\
             <note>Sjekk navnet.</note>\n\
             <prop type=\"x-origin\">trados</prop><prop type=\"x-Client\">Lyse</prop><prop type=\"Domain\">Energi</prop>\n\
             <prop type=\"x-client\">Fjordkraft</prop><prop type=\"x-source\">oops</prop>\n\
             <tuv xml:lang=\"nb-NO\"><seg>Hei.</seg></tuv>\n\
             <tuv xml:lang=\"en-GB\" changeid=\"ola\" changedate=\"2026-12-01T10:00:00+01:00\"><prop type=\"x-note\">Britisk.</prop><seg>Hello.</seg></tuv>\n\
             </tu>",
        );
        let file = parse(&xml).unwrap();
        let e = &file.entries[0];
        assert_eq!(e.row, 6);
        assert_eq!(e.created, "2026-11-22T15:30:00Z");
        assert_eq!(e.changed, "2026-12-01T09:00:00Z");
        assert_eq!(e.translator, "ola");
        assert_eq!(e.origin, "trados");
        assert_eq!(e.note, "Britisk.\nSjekk navnet.");
        let extra: Vec<(&str, &str)> = e.extra.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(
            extra,
            [("Client", "Lyse; Fjordkraft"), ("tmx:Domain", "Energi"), ("tmx:x-source", "oops")]
        );
        assert_eq!(file.creation_tool, "x");
        assert!(!file.written_by_tolk());

        // A date that is not one is kept, as a column of its own.
        let xml = body("<tu changedate=\"igår\"><tuv xml:lang=\"nb\"><seg>Ja.</seg></tuv><tuv xml:lang=\"en\"><seg>Yes.</seg></tuv></tu>");
        let e = &parse(&xml).unwrap().entries[0];
        assert_eq!(
            (e.changed.as_str(), &e.extra[..]),
            ("", &[("changedate".to_string(), "igår".to_string())][..])
        );
    }

    /// The dates tools write besides TMX's own form are read as dates (trial files
    /// datefmt.tmx and wordfast.tmx), and the warning for one that is no date names the
    /// forms read rather than calling a valid form invalid.
    /// Regression (trial files misc.tmx, trados.tmx): a unit's `tuid`, the id another
    /// tool may need to find it again, was dropped without a word; it is a column,
    /// written back as the unit's `tuid`. `usagecount` and `lastusagedate` are the other
    /// tool's statistics and are not kept, nor is an empty prop (an empty cell is no value).
    #[test]
    fn a_units_tuid_is_kept_and_written_back_as_its_tuid() {
        let xml = body(
            "<tu tuid=\"T-17\" usagecount=\"2\" lastusagedate=\"20240116T101500Z\"><prop type=\"subject\"></prop>\
             <tuv xml:lang=\"nb\" usagecount=\"5\"><seg>Ja.</seg></tuv><tuv xml:lang=\"en\"><seg>Yes.</seg></tuv></tu>",
        );
        let e = parse(&xml).unwrap().entries.remove(0);
        assert_eq!(e.extra, [("tuid".to_string(), "T-17".to_string())]);
        let written = write_string(&memory(vec![e.clone()]));
        assert!(written.contains("<tu tuid=\"T-17\">"), "{written}");
        assert!(!written.contains("prop type=\"x-tuid\""), "{written}");
        let back = parse(&written).unwrap().entries.remove(0);
        assert_eq!(Entry { row: 0, ..back }, Entry { row: 0, ..e });
    }

    #[test]
    fn dates_in_the_forms_tools_write_are_read() {
        let dated = |date: &str| {
            format!(
                "<tu changedate=\"{date}\" creationdate=\"{date}\"><tuv xml:lang=\"nb\"><seg>Ja.</seg></tuv>\
                 <tuv xml:lang=\"en\"><seg>Yes.</seg></tuv></tu>"
            )
        };
        for (written, read) in [
            ("20231005T101010Z", "2023-10-05T10:10:10Z"),
            ("20231005T101010", "2023-10-05T10:10:10Z"),
            ("2023-10-05T10:10:10Z", "2023-10-05T10:10:10Z"),
            ("20231005", "2023-10-05T00:00:00Z"),
            ("20231005~101010", "2023-10-05T10:10:10Z"),
        ] {
            let file = parse(&body(&dated(written))).unwrap();
            let e = &file.entries[0];
            assert_eq!((e.created.as_str(), e.changed.as_str()), (read, read), "{written}");
            assert!(
                e.extra.is_empty() && file.warnings.is_empty(),
                "{written}: {:?} {:?}",
                e.extra,
                file.warnings
            );
        }
        let file = parse(&body(&dated("05.10.2023"))).unwrap();
        assert_eq!(
            file.warnings,
            ["line 5: creationdate=\"05.10.2023\" and changedate=\"05.10.2023\": not a date tolk reads (it reads \
              20261122T153000Z, 20261122T153000 (as UTC), 20261122, 20261122~153000 (Wordfast) and \
              2026-11-22T15:30:00Z); kept as a column of the same name, and the entry has no date of its own: a \
              dated translation of its sentence is used before it"]
        );
        // Neither a date that is no date nor none at all is the import's time.
        let undated = format!("{}\n<tu tuid=\"9\">{}", dated("05.10.2023"), &unit("Nei.", "No.")[4..]);
        let undated = format!("{undated}\n{}\n{}", unit("Ja.", "Yes."), unit("Ja.", "Yeah."));
        let file = parse(&body(&undated)).unwrap();
        assert!(file.entries.iter().all(|e| e.created.is_empty() && e.changed.is_empty()));
        // Said only where the file dates some units: where none is, none ranks before another.
        let options = ReadOptions::default();
        assert_eq!(file.counted_warnings(&options), Vec::<String>::new());
        let file = parse(&body(&format!("{undated}\n{}", dated("20231005")))).unwrap();
        assert_eq!(file.undated.names, ["tuid \"9\" on line 6", "line 7", "line 8"]);
        assert_eq!(
            file.counted_warnings(&options),
            ["3 units (tuid \"9\" on line 6, line 7, line 8) have no date (no changedate or creationdate): imported \
              undated, so a dated translation of the same sentence is used before them"]
        );
    }

    #[test]
    fn units_are_counted_and_the_first_few_named() {
        let mut units = Units::default();
        units.add("line 3".into());
        assert_eq!(units.counted("unit"), "1 unit (line 3)");
        // A unit's second translation is named once.
        units.add("line 3".into());
        assert_eq!(units.counted("translation"), "2 translations (line 3)");
        for line in 4..10 {
            units.add(format!("line {line}"));
        }
        assert_eq!(units.counted("unit"), "8 units (line 3, line 4, line 5, line 6, line 7 and 2 more)");
    }

    /// Units left out, and units imported that need a look (a target that is the source,
    /// a Trados draft: trial file misc.tmx), are each one warning that counts them and
    /// names the first few, as the summary's counts name none.
    #[test]
    fn skipped_and_doubtful_units_are_counted_and_named() {
        let units = [
            "<tu><prop type=\"x-ConfirmationLevel\">Draft</prop><tuv xml:lang=\"nb\"><seg>Utkast.</seg></tuv>\
             <tuv xml:lang=\"en\"><seg>Draft.</seg></tuv></tu>"
                .to_string(),
            unit("Kopiert kilde.", "Kopiert  kilde."),
            unit("Bare mellomrom.", "   "),
            "<tu tuid=\"u5\"><tuv xml:lang=\"nb\"><seg>Ingen engelsk.</seg></tuv></tu>".to_string(),
            "<tu><tuv xml:lang=\"de\"><seg>Kein Norwegisch.</seg></tuv><tuv xml:lang=\"en\"><seg>No.</seg></tuv></tu>"
                .to_string(),
            "<tu><prop type=\"x-ConfirmationLevel\">NotTranslated</prop><tuv xml:lang=\"nb\"><seg>Oslo</seg></tuv>\
             <tuv xml:lang=\"en\"><seg>Oslo</seg></tuv></tu>"
                .to_string(),
            "<tu><prop type=\"x-ConfirmationLevel\">ApprovedSignOff</prop><tuv xml:lang=\"nb\"><seg>Ja.</seg></tuv>\
             <tuv xml:lang=\"en\"><seg>Yes.</seg></tuv></tu>"
                .to_string(),
        ];
        let file = parse(&body(&units.join("\n"))).unwrap();
        let pairs: Vec<_> = file.entries.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect();
        assert_eq!(
            pairs,
            [("Utkast.", "Draft."), ("Kopiert kilde.", "Kopiert  kilde."), ("Oslo", "Oslo"), ("Ja.", "Yes.")]
        );
        assert_eq!(
            file.counted_warnings(&ReadOptions::default()),
            [
                "2 units (tuid \"u5\" on line 8, line 9) have no Norwegian Bokmål (nb) variant or no English (en) one: skipped \
                 (--source-lang and --target-lang name the languages to read)",
                "1 translation (line 7) has an empty source or target: skipped",
                "2 translations (line 5, line 10) are not confirmed where they were made (x-ConfirmationLevel \
                 Draft, NotTranslated): imported as translations; check them, and retire what is no translation \
                 with `tolk tm rm`",
                "2 translations (line 6, line 10) are the same as their source: imported, as a name or a number \
                 may be its own translation; check them",
            ]
        );
        // tolk's own file is the memory it was written from: nothing to say of it.
        let own =
            parse(&body(&units.join("\n")).replace("creationtool=\"x\"", "creationtool=\"tolk\"")).unwrap();
        assert_eq!(own.counted_warnings(&ReadOptions::default()).len(), 2);
    }

    /// Only the prop names tolk writes are read into tolk's fields: Trados's `x-Origin`
    /// (TM, MT) overwrote the origin tolk stamps (`tmx:<file>`), and is kept as
    /// Trados's, in a column of its own that is written back as it came.
    #[test]
    fn only_tolks_own_prop_names_are_tolks_fields() {
        let xml = body(
            "<tu><prop type=\"x-Origin\">TM</prop><prop type=\"X-Note\">Trados note</prop>\
             <prop type=\"x-translator\">kari</prop><prop type=\"retired\">2026-11-22T15:30:00Z</prop>\
             <prop type=\"x-tolk-import\">i20261130-061500</prop><prop type=\"x-note\">Ours.</prop>\
             <prop type=\"Next\">Neste.</prop><prop type=\"prev\">Forrige.</prop><prop type=\"x-next\">Etter.</prop>\
             <tuv xml:lang=\"nb\"><seg>Ja.</seg></tuv><tuv xml:lang=\"en\"><seg>Yes.</seg></tuv></tu>",
        );
        let e = &parse(&xml).unwrap().entries[0];
        assert_eq!(
            (e.origin.as_str(), e.note.as_str(), e.translator.as_str(), e.retired.as_str()),
            ("", "Ours.", "", "")
        );
        assert_eq!(
            (e.import.as_str(), e.prev.as_str(), e.next.as_str()),
            ("i20261130-061500", "Forrige.", "Etter.")
        );
        let extra: Vec<(&str, &str)> = e.extra.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(
            extra,
            [
                ("tmx:x-Origin", "TM"),
                ("tmx:X-Note", "Trados note"),
                ("tmx:x-translator", "kari"),
                ("tmx:retired", "2026-11-22T15:30:00Z"),
                ("tmx:Next", "Neste."),
            ]
        );
    }

    /// Another tool's props are written back under the types they came with (memoQ's
    /// `client` was written as `x-client`), tolk's extra columns as `x-<column>`, and
    /// each reads back as the column it was.
    #[test]
    fn props_are_written_back_under_the_type_they_came_with() {
        for (kind, column) in [
            ("client", "tmx:client"),
            ("file", "tmx:file"),
            ("Txt::Attribute1", "tmx:Txt::Attribute1"),
            ("x-Origin", "tmx:x-Origin"),
            ("X-Client", "tmx:X-Client"),
            ("x-tmx:y", "tmx:x-tmx:y"),
            ("", "tmx:"),
            ("x-", "tmx:x-"),
            ("x-ConfirmationLevel", "ConfirmationLevel"),
            ("x-x-Client", "x-Client"),
        ] {
            assert_eq!(column_of(kind), column, "{kind:?}");
            assert_eq!(prop_of(column), kind, "{column:?}");
        }
        // A column of a memory's own is written as x-<column> and read back as it is.
        for column in ["Client", "Reviewed by", "tmx:y", "x-y", "changedate"] {
            assert_eq!(column_of(&prop_of(column)), column, "{column:?}");
        }
    }

    #[test]
    fn utf16_and_declared_encodings_are_read() {
        let xml = body(&unit("Blåbær.", "Blueberries."));
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(xml.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let file = read_from(&utf16[..], Path::new("t.tmx"), &ReadOptions::default()).unwrap();
        assert_eq!(file.entries[0].source, "Blåbær.");
        // Without the mark, in either order of bytes, told by the `<` the file starts with.
        let le: Vec<u8> = xml.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = xml.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        for bytes in [le, be] {
            assert!(super::super::MemoryFormat::sniff(&Tmx, &bytes[..64]));
            let file = read_from(&bytes[..], Path::new("t.tmx"), &ReadOptions::default()).unwrap();
            assert_eq!(file.entries[0].source, "Blåbær.");
        }
        // A file without a declaration may start with white space.
        let bare = format!("\r\n{}", xml.replace("<?xml version=\"1.0\"?>", ""));
        let le: Vec<u8> = bare.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = bare.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        for bytes in [le, be] {
            assert!(super::super::MemoryFormat::sniff(&Tmx, &bytes[..64]));
            let file = read_from(&bytes[..], Path::new("t.tmx"), &ReadOptions::default()).unwrap();
            assert_eq!(file.entries[0].source, "Blåbær.");
        }

        let latin1 = body(&unit("Bl\u{e5}b\u{e6}r.", "Blueberries."))
            .replace("<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>");
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&latin1);
        let file = read_from(&bytes[..], Path::new("t.tmx"), &ReadOptions::default()).unwrap();
        assert_eq!(file.entries[0].source, "Blåbær.");

        let bad = body(&unit("Bl\u{e5}.", "Blue.")).into_bytes();
        let bad: Vec<u8> =
            bad.iter().map(|&b| if b == 0xc3 { 0xe5 } else { b }).filter(|&b| b != 0xa5).collect();
        assert_eq!(
            read_from(&bad[..], Path::new("t.tmx"), &ReadOptions::default()).unwrap_err().to_string(),
            format!("t.tmx: line 5: {INVALID_UTF8}")
        );
    }

    #[test]
    fn progress_is_reported_in_bytes_read() {
        let xml = body(&unit("Ja.", "Yes.").repeat(5000));
        let last = std::cell::Cell::new(0);
        let progress = |n: u64| last.set(n);
        let options = ReadOptions { progress: Some(&progress), ..ReadOptions::default() };
        let file = read_from(xml.as_bytes(), Path::new("t.tmx"), &options).unwrap();
        assert_eq!(file.entries.len(), 5000);
        assert_eq!(last.get(), xml.len() as u64);
    }

    #[test]
    fn hostile_and_broken_files_are_clear_errors() {
        let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n <!ENTITY lol \"lol\">\n \
                      <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n\
                      <tmx version=\"1.4\"><body><tu><tuv xml:lang=\"nb\"><seg>&lol2;</seg></tuv></tu></body></tmx>";
        check_error(
            laughs,
            "t.tmx: line 2: the DOCTYPE declares entities, which tolk never expands (they can grow without \
             bound or reach other files); remove the DOCTYPE's [...] part",
        );
        check_error(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<tmx/>",
            "t.tmx: line 2: the DOCTYPE declares entities, which tolk never expands (they can grow without \
             bound or reach other files); remove the DOCTYPE's [...] part",
        );
        check_error(
            &body(&format!("{}\n{}", unit("Ja.", "Yes."), unit("Hei &nbsp;du.", "Hi."))),
            "t.tmx: line 6: undefined entity `&nbsp;`: only &amp; &lt; &gt; &quot; &apos; and character \
             references such as &#229; are allowed",
        );
        check_error(
            &body("<tu>\n<tuv xml:lang=\"nb\"><seg>Ja &amp nei</seg></tuv></tu>"),
            "t.tmx: line 6: an `&` that starts no entity (a `;` is missing, or a literal & should be written &amp;)",
        );
        check_error(
            &body("<tu creationid=\"&ext;\"><tuv xml:lang=\"nb\"><seg>Ja.</seg></tuv></tu>"),
            "t.tmx: line 5: undefined entity `&ext;`: only &amp; &lt; &gt; &quot; &apos; and character \
             references such as &#229; are allowed",
        );
        check_error(
            &body(&format!(
                "<tu><tuv xml:lang=\"nb\"><seg>{}Dypt{}</seg></tuv></tu>",
                "<hi>".repeat(70),
                "</hi>".repeat(70)
            )),
            "t.tmx: line 5: elements are nested deeper than 64 levels; TMX needs fewer than ten",
        );
        check_error(
            &body("<tu>\n<tuv xml:lang=\"nb\"><seg>Ja.</seg></tuv>\n<tuv xml:lang=\"en\"></tuv>\n</tu>"),
            "t.tmx: line 7: the <tuv xml:lang=\"en\"> has no <seg>; every variant needs one",
        );
        check_error(
            &body("<tu>\n<prop type=\"x\">y</prop>\n</tu>"),
            "t.tmx: line 5: the <tu> has no <tuv>; every unit needs its variants",
        );
        check_error(
            &body("<tu><tuv><seg>Ja.</seg></tuv></tu>"),
            "t.tmx: line 5: a <tuv> without a language: expected an xml:lang attribute",
        );
        check_error(
            "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">\n<header/>\n<body>\n<tu>\n<tuv xml:lang=\"nb\"><seg>Ja",
            "t.tmx: line 5: the file ends inside the <tu> that starts here; is it truncated?",
        );
        check_error(
            "<tmx><body><tu><tuv xml:lang=\"nb\"><seg>Ja.</seg></tuv><tuv xml:lang=\"en\"><seg>Yes.</seg",
            "t.tmx: line 1: tag not closed: `>` not found before end of input; is the file truncated?",
        );
        check_error("<tmx>\n<body>\n<tu></tuv></tu>", "t.tmx: line 3: expected </tu>, found </tuv>");
        check_error(
            &body(
                "<tu><tuv xml:lang=\"de-DE\"><seg>Ja.</seg></tuv><tuv xml:lang=\"fr-FR\"><seg>Oui.</seg></tuv></tu>\
                 <tu><tuv xml:lang=\"de-DE\"><seg>Nein.</seg></tuv><tuv xml:lang=\"nb\"><seg>Nei.</seg></tuv></tu>",
            ),
            "t.tmx: no unit has both a Norwegian Bokmål (nb) and an English (en) variant; the variants found \
             are in de-DE (2), fr-FR (1), nb (1); name the languages to read with --source-lang and --target-lang",
        );
        check_error(
            "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"/>",
            "t.tmx: line 2: not a TMX file: the root element is <xliff>, expected <tmx>",
        );
        check_error("", "t.tmx: not a TMX file: no <tmx> element");
        check_error(
            "<?xml version=\"1.0\" encoding=\"klingon\"?><tmx/>",
            "t.tmx: line 1: unknown encoding \"klingon\" in the XML declaration; save the file as UTF-8",
        );
    }

    #[test]
    fn text_and_markup_beyond_the_limits_are_refused_as_they_are_read() {
        let text_error = |line: u64| {
            format!("t.tmx: the text of the element on line {line} is larger than the limit of {MAX_XML_TEXT} bytes")
        };
        // A seg of exactly the limit fits, written out or as references (six bytes for two).
        let fits = body(&unit(&"a".repeat(MAX_XML_TEXT), "b"));
        assert_eq!(parse(&fits).unwrap().entries[0].source.len(), MAX_XML_TEXT);
        let references = body(&unit(&"&#229;".repeat(MAX_XML_TEXT / 2), "b"));
        assert_eq!(parse(&references).unwrap().entries[0].source.len(), MAX_XML_TEXT);
        // One byte more is refused, whether one text or split by inline markup, and so
        // is white space between elements.
        let huge = body(&format!("<tu>\n{}", unit(&"a".repeat(MAX_XML_TEXT + 1), "b")));
        assert_eq!(parse(&huge).unwrap_err().to_string(), text_error(6));
        let split = body(&unit(&format!("{}<hi>b</hi>", "a".repeat(MAX_XML_TEXT)), "b"));
        assert_eq!(parse(&split).unwrap_err().to_string(), text_error(5));
        // An inline code counts as four bytes and its attributes.
        let code = |x: &str| {
            body(&unit(
                &format!("{}<ph x=\"{x}\"/>", "a".repeat(MAX_XML_TEXT - 5)),
                &format!("b<ph x=\"{x}\"/>"),
            ))
        };
        assert_eq!(parse(&code("1")).unwrap().entries[0].source.len(), MAX_XML_TEXT - 5 + "{1/}".len());
        assert_eq!(parse(&code("12")).unwrap_err().to_string(), text_error(5));
        let blank = body(&format!("<tu>{}</tu>", "\n".repeat(MAX_XML_TEXT + 1)));
        assert_eq!(parse(&blank).unwrap_err().to_string(), text_error(5));
        // Markup has a limit of its own.
        let attribute =
            body(&format!("<tu\ncreationid=\"{}\"></tu>", "a".repeat(MAX_EVENT as usize + (1 << 17))));
        assert_eq!(
            parse(&attribute).unwrap_err().to_string(),
            format!(
                "t.tmx: the markup or text starting on line 5 is larger than the limit of {MAX_EVENT} bytes"
            )
        );
    }

    #[test]
    fn characters_xml_does_not_allow_are_refused_naming_the_line() {
        let prop = |value: &str| {
            let unit =
                unit("Hei.", "Hi.").replace("<tu>", &format!("<tu>\n<prop type=\"x-file\">{value}</prop>\n"));
            body(&unit)
        };
        let not_allowed =
            |line: u64, code: &str| format!("t.tmx: line {line}: a character XML does not allow (U+{code})");
        for (value, code) in [("a\0b", "0000"), ("\u{8}", "0008"), ("\u{B}", "000B"), ("\u{1F}", "001F")] {
            assert_eq!(parse(&prop(value)).unwrap_err().to_string(), not_allowed(6, code), "{value:?}");
        }
        for (value, code) in [("\u{FFFE}", "FFFE"), ("\u{FFFF}", "FFFF")] {
            assert_eq!(parse(&prop(value)).unwrap_err().to_string(), not_allowed(6, code), "{value:?}");
        }
        // Written as references, in text or in an attribute, on the line of the reference.
        assert_eq!(parse(&prop("a\n&#1;")).unwrap_err().to_string(), not_allowed(7, "0001"));
        assert_eq!(parse(&prop("&#xFFFE;")).unwrap_err().to_string(), not_allowed(6, "FFFE"));
        let attribute = body(&unit("Hei.", "Hi.").replace("<tu>", "<tu creationid=\"a&#x1F;\">"));
        assert_eq!(parse(&attribute).unwrap_err().to_string(), not_allowed(5, "001F"));
        // Tab, line ends, and the characters beside the forbidden ones are fine.
        let fine = parse(&prop("\t\r\n\u{20}\u{FFFD}\u{FFBE}\u{EFFF}&#9;&#xD;&#x10000;")).unwrap();
        assert_eq!(fine.entries[0].extra[0].1, "\t\n \u{FFFD}\u{FFBE}\u{EFFF}\t\r\u{10000}");
        // In UTF-16, and after a buffer's worth of text.
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(prop("\0").encode_utf16().flat_map(|u| u.to_le_bytes()));
        let err = read_from(&utf16[..], Path::new("t.tmx"), &ReadOptions::default()).unwrap_err();
        assert_eq!(err.to_string(), not_allowed(6, "0000"));
        let late = body(&format!("{}\n{}", unit("Ja.", "Yes.").repeat(5000), unit("Ja.", "Yes.\u{FFFF}")));
        assert_eq!(parse(&late).unwrap_err().to_string(), not_allowed(6, "FFFF"));
        // An error earlier in the file is the one told.
        let earlier = body(&format!("<tu>\n</tuv>\n{}", prop("\0")));
        assert_eq!(parse(&earlier).unwrap_err().to_string(), "t.tmx: line 6: expected </tu>, found </tuv>");
    }

    /// Hands out one byte at a time, so that every byte starts a buffer of its own.
    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_file_read_a_byte_at_a_time_reads_the_same() {
        let read = |xml: &str| {
            let whole = parse(xml).map(|f| f.entries).map_err(|e| e.to_string());
            let bytes = read_from(OneByte(xml.as_bytes()), Path::new("t.tmx"), &ReadOptions::default());
            assert_eq!(bytes.map(|f| f.entries).map_err(|e| e.to_string()), whole, "{xml:?}");
            whole
        };
        let entries =
            read(&body(&[unit("Blå\u{FFFD}\u{FFBE}.", "Blue."), unit("Ja &amp; nei\r\n.", "Yes.")].concat()));
        assert_eq!(entries.unwrap().len(), 2);
        for bad in ["\u{FFFE}", "\u{FFFF}", "\u{EF}\u{FFFF}", "\0", "\n&#2;"] {
            let err = read(&body(&format!("\n{}", unit("Ja.", &format!("Y{bad}es."))))).unwrap_err();
            assert!(err.contains("a character XML does not allow"), "{err}");
        }
        let err = read(&body(&unit(&"a".repeat(MAX_XML_TEXT + 1), "b"))).unwrap_err();
        assert!(err.ends_with("the text of the element on line 5 is larger than the limit of 1048576 bytes"));
    }

    #[test]
    fn lines_are_counted_after_a_byte_order_mark() {
        let xml = "\u{feff}<tmx>\n<body>\n<tu>\n</tuv>";
        assert_eq!(parse(xml).unwrap_err().to_string(), "t.tmx: line 4: expected </tu>, found </tuv>");
        let xml = format!("\u{feff}{}", body(&format!("\n{}", unit("Ja.", "Yes."))));
        assert_eq!(parse(&xml).unwrap().entries[0].row, 6);
    }

    #[test]
    fn a_doctype_without_entities_is_fine_and_never_fetched() {
        let xml = body(&unit("Ja.", "Yes.")).replace(
            "<tmx version",
            "<!DOCTYPE tmx SYSTEM \"http://example.invalid/tmx14.dtd\">\n<tmx version",
        );
        assert_eq!(parse(&xml).unwrap().entries.len(), 1);
    }

    fn memory(entries: Vec<Entry>) -> Memory {
        Memory::from_entries(entries)
    }

    fn write_string(m: &Memory) -> String {
        let mut out = Vec::new();
        write(m, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn written_tmx_has_the_documented_shape() {
        let e = Entry {
            source: "Blå & <grønn>".into(),
            target: "Blue\r\n& green".into(),
            created: "2026-11-22".into(),
            changed: "  ".into(),
            translator: "kari \"k\"\tnordmann".into(),
            origin: "seed".into(),
            note: "".into(),
            extra: vec![("Client".into(), "Lyse".into()), ("empty".into(), "".into())],
            ..Entry::default()
        };
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(
            write_string(&memory(vec![e])),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n<tmx version=\"1.4\">\n  \
                 <header creationtool=\"tolk\" creationtoolversion=\"{version}\" segtype=\"sentence\" o-tmf=\"tolk-csv\" adminlang=\"en\" srclang=\"nb\" datatype=\"plaintext\"/>\n  \
                 <body>\n    \
                 <tu creationdate=\"20261122T000000Z\" creationid=\"kari &quot;k&quot;&#9;nordmann\" changeid=\"kari &quot;k&quot;&#9;nordmann\">\n      \
                 <prop type=\"x-changed\">  </prop>\n      \
                 <prop type=\"x-origin\">seed</prop>\n      \
                 <prop type=\"x-Client\">Lyse</prop>\n      \
                 <tuv xml:lang=\"nb\">\n        <seg>Blå &amp; &lt;grønn&gt;</seg>\n      </tuv>\n      \
                 <tuv xml:lang=\"en\">\n        <seg>Blue&#13;\n&amp; green</seg>\n      </tuv>\n    \
                 </tu>\n  </body>\n</tmx>\n"
            )
        );
    }

    #[test]
    fn a_character_xml_cannot_hold_is_an_error_naming_the_entry() {
        let e = Entry { source: "Ja.".into(), target: "Yes\u{1}.".into(), ..Entry::default() };
        let err = write(&memory(vec![e]), Vec::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "entry 1, target: the character U+0001 cannot be written in XML; remove it from the memory and export again"
        );
    }

    fn text() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            'a', 'Z', 'å', 'Ø', ' ', ' ', '\t', '\n', '\r', '<', '>', '&', '"', '\'', ']', ';', '#',
            '\u{a0}', '😀',
        ]);
        prop::collection::vec(chars, 0..12).prop_map(|c| c.into_iter().collect())
    }

    fn date() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["", " ", "2026-11-22T15:30:00Z", "1999-01-31T00:00:00Z"])
            .prop_map(String::from)
    }

    /// Text with codes of any kind and number 0 to 3 between runs of [`text`]: pairs and
    /// lone codes, and the odd ones (unpaired, overlapping, repeated) a memory can hold.
    fn coded() -> impl Strategy<Value = String> {
        let code = (0u8..3, 0u32..4).prop_map(|(kind, n)| match kind {
            0 => Code::Open(n),
            1 => Code::Close(n),
            _ => Code::Lone(n),
        });
        prop::collection::vec((text(), prop::option::of(code)), 0..5).prop_map(|parts| {
            parts
                .into_iter()
                .map(|(t, c)| format!("{t}{}", c.map(|c| c.to_string()).unwrap_or_default()))
                .collect()
        })
    }

    prop_compose! {
        fn entry_strategy()(source in coded(), target in coded(), created in date(), changed in date(),
                            translator in text(), origin in text(), note in text(), client in text(), kind in text(),
                            tuid in text(),
                            retired in prop::sample::select(vec!["", "2026-11-22T15:30:00Z", "2027-01-01"]),
                            imports in prop::sample::select(vec![("", ""), ("i20261130-061500", ""),
                                ("i20261130-061500-2", "i20261201-090000")]))
                            -> Entry {
            Entry {
                source: format!("S{source}"),
                target: format!("{target}T"),
                created: created.into(), changed: changed.into(), translator: translator.into(), origin: origin.into(), note,
                retired: retired.into(),
                import: imports.0.into(),
                retired_by: imports.1.into(),
                extra: vec![("tuid".into(), tuid), ("Client".into(), client), ("Element of text".into(), kind)],
                ..Entry::default()
            }
        }
    }

    proptest! {
        #[test]
        fn write_then_read_loses_nothing(entries in prop::collection::vec(entry_strategy(), 0..8)) {
            let xml = write_string(&memory(entries.clone()));
            let file = parse(&xml).unwrap();
            prop_assert!(file.written_by_tolk());
            let read: Vec<Entry> = file.entries.into_iter().map(|e| Entry { row: 0, ..e }).collect();
            let expected: Vec<Entry> = entries
                .into_iter()
                .map(|mut e| {
                    e.extra.retain(|(_, v)| !v.is_empty());
                    e
                })
                .collect();
            prop_assert_eq!(read, expected);
        }
    }
}
