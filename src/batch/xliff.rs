//! XLIFF 1.2 batches, for translators who work in a CAT tool rather than a spreadsheet.
//!
//! [`render`] writes a [`Batch`] as one XLIFF 1.2 document that validates against the
//! OASIS strict schema: a `file` per source document, a `trans-unit` per sentence (in
//! the file of its first occurrence) whose `id` is the batch id, an empty or prefilled
//! `target` whose `state` says which, the best fuzzy suggestion as an `alt-trans`,
//! every place the sentence occurs as a `context-group`, and its neighbours as `note`s.
//! [`parse`] reads such a file back, as a CAT tool returns it, into the same
//! [`ImportRow`]s a CSV batch gives, so [`crate::import::validate`] checks both alike:
//! inline codes are dropped but the text of `g` and `mrk` is kept, elements of other
//! namespaces (tool extensions) are skipped, and the target's `state` is carried along.
//!
//! The reader refuses what it has no use for and could be abused: a DOCTYPE (so no DTD,
//! no entity declarations and no external entities; only XML's five predefined entities
//! and character references are read), elements nested deeper than [`crate::input::xml::MAX_DEPTH`],
//! characters XML 1.0 does not allow (a NUL, most control characters), XLIFF 2.0, XML
//! that is not XLIFF, and a `file` whose `source-language` is not Norwegian Bokmål or
//! whose `target-language` is not English. Every error names the file and line. This
//! module neither validates against the schema (the tests do, with xmllint) nor writes
//! XLIFF 2.0.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::{Batch, BatchRow, ReadFile};
use crate::error::{Error, Place, Result};
use crate::import::{ImportRow, Origin, Problem};
use crate::input::decode::Accept;
use crate::input::limits::MAX_XML_TEXT;
use crate::input::xml::{self, forbidden_reference, is_xml_char, not_allowed, XmlWriter};
use crate::input::LineIndex;
use crate::language::Language;

/// The XLIFF 1.2 namespace.
pub const NAMESPACE: &str = "urn:oasis:names:tc:xliff:document:1.2";

/// XLIFF 1.1's namespace; its `trans-unit`s read the same as 1.2's.
const NAMESPACE_1_1: &str = "urn:oasis:names:tc:xliff:document:1.1";

/// XLIFF 2.0's namespace, recognised to say clearly that it is not read.
const NAMESPACE_2_0: &str = "urn:oasis:names:tc:xliff:document:2.0";

/// The `state` of an empty target: nothing translated yet.
pub const STATE_UNTRANSLATED: &str = "needs-translation";

/// The `state` of a target prefilled with the best suggestion, for the translator to
/// correct.
pub const STATE_PREFILLED: &str = "needs-review-translation";

/// Writes `batch` as an XLIFF 1.2 document.
///
/// The only failure is a character XML 1.0 cannot hold at all (a control character
/// other than tab and line breaks) in a sentence or a document name. A batch without
/// rows gives an `xliff` element without `file`s, which the schema does not allow;
/// `tolk export` writes no batch then.
pub fn render(batch: &Batch) -> Result<String> {
    let mut out = XmlWriter::new();
    let no_char = |c: char| Error::Invalid(format!("the XML namespace {}", cannot_hold(c)));
    out.open("xliff", &[("version", "1.2"), ("xmlns", NAMESPACE)]).map_err(no_char)?;
    for (document, rows) in by_document(batch) {
        let file = [
            ("original", document),
            ("source-language", "nb"),
            ("target-language", "en"),
            ("datatype", "plaintext"),
        ];
        out.open("file", &file)
            .map_err(|c| Error::Invalid(format!("the document name {document:?} {}", cannot_hold(c))))?;
        out.open("header", &[]).map_err(no_char)?;
        let tool = [("tool-id", "tolk"), ("tool-name", "tolk"), ("tool-version", env!("CARGO_PKG_VERSION"))];
        out.empty("tool", &tool).map_err(no_char)?;
        out.close("header");
        out.open("body", &[]).map_err(no_char)?;
        for row in rows {
            write_unit(&mut out, row).map_err(|c| {
                let place = row.places.first().map_or_else(|| document.to_string(), |p| p.to_string());
                Error::Invalid(format!("{place}: the unit of this sentence {}", cannot_hold(c)))
            })?;
        }
        out.close("body");
        out.close("file");
    }
    out.close("xliff");
    Ok(out.finish())
}

/// The rows of `batch` grouped by the document of their first occurrence, documents in
/// the order their first row comes.
fn by_document(batch: &Batch) -> Vec<(&str, Vec<&BatchRow>)> {
    let mut groups: Vec<(&str, Vec<&BatchRow>)> = Vec::new();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for row in &batch.rows {
        let document = row.places.first().map_or("", |p| p.doc.as_str());
        let g = *group_of.entry(document).or_insert_with(|| {
            groups.push((document, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(row);
    }
    groups
}

/// Writes one `trans-unit`, its children in the order the strict schema requires
/// (`source`, `target`, then `alt-trans`, `context-group`s and `note`s). The error is
/// a character XML cannot hold.
fn write_unit(out: &mut XmlWriter, row: &BatchRow) -> Result<(), char> {
    let id = row.id.to_string();
    out.open("trans-unit", &[("id", &id), ("xml:space", "preserve")])?;
    out.text("source", &[], &row.source)?;
    // The batch prefills a target only with the memory's best suggestion.
    if row.target.is_empty() {
        out.text("target", &[("state", STATE_UNTRANSLATED)], "")?;
    } else {
        out.text("target", &[("state", STATE_PREFILLED), ("state-qualifier", "leveraged-tm")], &row.target)?;
    }
    if let Some(score) = row.score {
        let score = score.to_string();
        let attributes = [
            ("match-quality", score.as_str()),
            ("origin", "memory"),
            ("tool-id", "tolk"),
            ("xml:space", "preserve"),
        ];
        out.open("alt-trans", &attributes)?;
        out.text("source", &[], &row.suggestion_source)?;
        out.text("target", &[], &row.suggestion)?;
        out.close("alt-trans");
    }
    for place in &row.places {
        out.open("context-group", &[("purpose", "location")])?;
        out.text("context", &[("context-type", "sourcefile")], &place.doc)?;
        out.text("context", &[("context-type", "linenumber")], &place.line.to_string())?;
        out.close("context-group");
    }
    let notes = [
        (row.more_places > 0).then(|| format!("and {} more places", row.more_places)),
        row.before.as_ref().map(|b| format!("before: {b}")),
        row.after.as_ref().map(|a| format!("after: {a}")),
    ];
    for note in notes.iter().flatten() {
        out.text("note", &[("from", "tolk"), ("annotates", "source")], note)?;
    }
    out.close("trans-unit");
    Ok(())
}

/// The end of the message for a character XML cannot hold.
fn cannot_hold(c: char) -> String {
    format!(
        "contains U+{:04X}, a control character XML cannot hold; remove it from the document (or the memory), \
         or export the batch as CSV",
        c as u32
    )
}

/// The XLIFF 1.2 batch format.
pub struct Xliff;

impl super::BatchFormat for Xliff {
    fn name(&self) -> &'static str {
        "xliff"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["xlf", "xliff"]
    }

    /// By its extension (`.xlf`, `.xliff`, `.xml`), or by contents that start like XML.
    fn claims(&self, path: &Path, head: &[u8]) -> bool {
        is_xliff(path, head)
    }

    fn describe(&self) -> String {
        "XLIFF 1.2".to_string()
    }

    fn write(&self, batch: &Batch) -> Result<Vec<u8>> {
        Ok(render(batch)?.into_bytes())
    }

    fn read(&self, path: &Path) -> Result<ReadFile> {
        read(path)
    }
}

/// True when the file at `path` with contents `bytes` is to be read as XLIFF: by its
/// extension (`.xlf`, `.xliff`, `.xml`), or by contents that start like XML.
pub fn is_xliff(path: &Path, bytes: &[u8]) -> bool {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if matches!(extension.as_deref(), Some("xlf" | "xliff" | "xml")) {
        return true;
    }
    let head: Cow<'_, str> = if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        encoding_rs::UTF_16LE.decode(&bytes[..bytes.len().min(512)]).0
    } else {
        String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
    };
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<?xml") || head.starts_with("<xliff")
}

/// Reads the XLIFF file at `path`, refusing it while reading, before it is held
/// whole, if a run of text or a piece of markup is beyond the limits of
/// [`crate::input::limits::read_xml`].
pub fn read(path: &Path) -> Result<ReadFile> {
    let bytes = crate::input::limits::read_xml(path)?;
    parse(path, &bytes)
}

/// Parses XLIFF `bytes` into one [`ImportRow`] per `trans-unit` (its row is the line
/// the `trans-unit` starts on); `path` names the file in messages.
///
/// File-level problems (not XML, not XLIFF 1.x, a DOCTYPE, too deep) are an [`Error`];
/// a unit without a `source`, or with an oversized text, is a [`Problem`] of its own.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<ReadFile> {
    let mut file = ReadFile::default();
    let decoded = crate::input::decode::decode(path, bytes, Accept::Utf16, "UTF-8")?;
    file.notes.extend(decoded.note);
    let text = decoded.text;
    // An XML processor turns every CRLF and lone CR into LF before parsing (XML 1.0,
    // section 2.11); doing so here keeps targets free of `\r` and line numbers right,
    // while a `&#13;` written on purpose survives.
    let text =
        if text.contains('\r') { Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n")) } else { text };
    Reader::new(path, &text).run(&text, &mut file)?;
    Ok(file)
}

/// A `trans-unit` being read.
struct TransUnit {
    /// The line it starts on.
    line: u64,
    /// Its nesting depth.
    depth: usize,
    id: String,
    source: Option<String>,
    target: Option<String>,
    state: Option<String>,
    /// A part that occurred twice, which the schema does not allow.
    twice: Option<Part>,
    /// The size of a source and a target longer than [`MAX_XML_TEXT`], whose text
    /// was not kept whole.
    oversize: [Option<usize>; 2],
}

/// Which text of the unit is being collected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Source = 0,
    Target = 1,
}

/// The text of a `source` or `target` being collected.
struct Capture {
    part: Part,
    /// The depth of its element.
    depth: usize,
    /// Its text, kept up to [`MAX_XML_TEXT`] bytes.
    text: String,
    /// The size of all of it.
    len: usize,
}

/// The streaming reader's state.
struct Reader<'a> {
    path: &'a Path,
    /// Turns offsets into line numbers.
    lines: LineIndex,
    /// The namespace of XLIFF elements, once the root has been read (empty when an
    /// XLIFF 1.0 or 1.1 file declares none).
    namespace: Option<&'static str>,
    /// The depth of the current element (the root is 1).
    depth: usize,
    /// The depth of an element whose whole subtree is being skipped.
    skip_from: Option<usize>,
    unit: Option<TransUnit>,
    capture: Option<Capture>,
    /// Inline codes dropped from sources and targets, for a note.
    dropped: usize,
    /// The byte offset of the first character XML does not allow, and the character.
    forbidden: Option<(usize, char)>,
}

impl<'a> Reader<'a> {
    fn new(path: &'a Path, text: &str) -> Reader<'a> {
        let lines = LineIndex::new(text.as_bytes());
        Reader {
            path,
            lines,
            namespace: None,
            depth: 0,
            skip_from: None,
            unit: None,
            capture: None,
            dropped: 0,
            forbidden: text.char_indices().find(|&(_, c)| !is_xml_char(c)),
        }
    }

    /// The 1-based line of byte `offset`.
    fn line(&self, offset: u64) -> u64 {
        self.lines.line_of(usize::try_from(offset).unwrap_or(usize::MAX)) as u64
    }

    fn error(&self, offset: u64, message: impl std::fmt::Display) -> Error {
        Error::at(self.path, Place::line(self.line(offset)), message.to_string())
    }

    /// The error for a character XML does not allow before byte `end`, if there is one:
    /// each event is looked at before it is used, so the first error in the file is
    /// the one told.
    fn forbidden_before(&self, end: u64) -> Result<()> {
        match self.forbidden {
            Some((at, c)) if (at as u64) < end => Err(self.error(at as u64, not_allowed(c))),
            _ => Ok(()),
        }
    }

    /// Reads every event of `text`, adding rows, problems and notes to `file`.
    fn run(mut self, text: &str, file: &mut ReadFile) -> Result<()> {
        let mut xml = NsReader::from_str(text);
        // The defaults, stated because the depth count relies on them: every end tag
        // matches its start tag, and `<a/>` is one `Empty` event.
        xml.config_mut().check_end_names = true;
        xml.config_mut().expand_empty_elements = false;
        let mut policy = xml::Policy::new("a batch tolk writes has 6");
        loop {
            let offset = xml.buffer_position();
            let event = match xml.read_event() {
                Ok(event) => event,
                Err(e) => {
                    self.forbidden_before(xml.error_position() + 1)?;
                    return Err(self.error(xml.error_position(), format_args!("not well-formed XML: {e}")));
                }
            };
            self.forbidden_before(xml.buffer_position())?;
            policy.check(&event).map_err(|why| self.error(offset, why))?;
            match event {
                Event::Start(e) => self.open(&xml, &e, offset, &mut file.notes)?,
                Event::Empty(e) => {
                    self.open(&xml, &e, offset, &mut file.notes)?;
                    self.close(file);
                }
                Event::End(_) => self.close(file),
                Event::Text(t) => {
                    if self.depth == 0 {
                        if !t.iter().all(u8::is_ascii_whitespace) {
                            return Err(self.error(
                                offset,
                                "not an XLIFF file: text outside the root element (a CSV batch named .xml?)",
                            ));
                        }
                        continue;
                    }
                    let value = t.unescape().map_err(|e| self.reference_error(offset, e))?;
                    // None is in the file as it is, so it came from a character reference.
                    if let Some(c) = value.chars().find(|&c| !is_xml_char(c)) {
                        let at = forbidden_reference(&String::from_utf8_lossy(&t)).map_or(0, |(at, _)| at);
                        return Err(self.error(offset + at as u64, not_allowed(c)));
                    }
                    self.text(&value);
                }
                Event::CData(c) => self.text(&String::from_utf8_lossy(&c)),
                Event::DocType(_) => {}
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => break,
            }
        }
        let end = text.len() as u64;
        if self.namespace.is_none() {
            return Err(
                self.error(end, "not an XLIFF file: no root element, expected <xliff version=\"1.2\">")
            );
        }
        if self.depth > 0 {
            return Err(self.error(end, "the file ends inside an element: it is cut off; save it again"));
        }
        if self.dropped > 0 {
            file.notes.push(format!(
                "{} inline code{} (x, bx, ex, ph, bpt, ept, it or another tool's elements) dropped from the text",
                self.dropped,
                if self.dropped == 1 { "" } else { "s" }
            ));
        }
        Ok(())
    }

    /// The error for a reference that cannot be read, in the text at byte `offset`.
    fn reference_error(&self, offset: u64, e: quick_xml::Error) -> Error {
        match e {
            quick_xml::Error::Escape(e) => {
                let (at, message) = xml::reference_error(&e);
                self.error(offset + at.unwrap_or(0) as u64, message)
            }
            e => self.error(offset, format_args!("a malformed character or entity reference: {e}")),
        }
    }

    /// A start tag (or an empty element) at byte `offset`.
    fn open(
        &mut self,
        xml: &NsReader<&[u8]>,
        e: &BytesStart<'_>,
        offset: u64,
        notes: &mut Vec<String>,
    ) -> Result<()> {
        self.depth += 1;
        if self.skip_from.is_some() {
            return Ok(());
        }
        let (namespace, local) = xml.resolve_element(e.name());
        let namespace: &[u8] = match namespace {
            ResolveResult::Bound(n) => n.0,
            ResolveResult::Unbound => b"",
            ResolveResult::Unknown(prefix) => {
                return Err(self.error(
                    offset,
                    format_args!(
                        "the namespace prefix {:?} is not declared",
                        String::from_utf8_lossy(&prefix)
                    ),
                ))
            }
        };
        let local = String::from_utf8_lossy(local.as_ref());
        let Some(xliff) = self.namespace else {
            return self.open_root(e, namespace, &local, offset, notes);
        };
        if self.depth == 1 {
            return Err(self.error(offset, format_args!("a second root element <{local}> after </xliff>")));
        }
        if namespace != xliff.as_bytes() {
            // A CAT tool's extension (or anything else outside XLIFF): not ours to read.
            self.dropped += usize::from(self.capture.is_some());
            self.skip_from = Some(self.depth);
            return Ok(());
        }
        if self.capture.is_some() {
            match &*local {
                // Markup around text that belongs to the sentence.
                "g" | "mrk" => {}
                // Placeholders for codes; always empty.
                "x" | "bx" | "ex" => self.dropped += 1,
                // Native codes (ph, bpt, ept, it) and anything else: not the sentence.
                _ => {
                    self.dropped += 1;
                    self.skip_from = Some(self.depth);
                }
            }
            return Ok(());
        }
        let depth = self.depth;
        match (&*local, &mut self.unit) {
            ("trans-unit", Some(_)) => Err(self.error(offset, "a trans-unit inside another trans-unit")),
            ("trans-unit", None) => {
                let id = self.attribute(e, "id", offset)?.unwrap_or_default();
                self.unit = Some(TransUnit {
                    line: self.line(offset),
                    depth,
                    id,
                    source: None,
                    target: None,
                    state: None,
                    twice: None,
                    oversize: [None; 2],
                });
                Ok(())
            }
            ("source" | "target", Some(unit)) if unit.depth + 1 == depth => {
                let part = if local == "source" { Part::Source } else { Part::Target };
                if part == Part::Target {
                    let state = self.attribute(e, "state", offset)?;
                    if let Some(unit) = &mut self.unit {
                        unit.state = state;
                    }
                }
                self.capture = Some(Capture { part, depth, text: String::new(), len: 0 });
                Ok(())
            }
            // Suggestions, segmented sources, notes and context inform the translator;
            // only the unit's own source and target are read. Headers and binary units
            // hold no sentences.
            (_, Some(_)) | ("header" | "bin-unit", None) => {
                self.skip_from = Some(depth);
                Ok(())
            }
            ("file", None) => self.check_languages(e, offset),
            // body, group
            _ => Ok(()),
        }
    }

    /// A `file` must be from Norwegian Bokmål into English, as tolk translates; one
    /// that names no language is taken to be.
    fn check_languages(&self, e: &BytesStart<'_>, offset: u64) -> Result<()> {
        for (name, expected) in
            [("source-language", Language::bokmal()), ("target-language", Language::english())]
        {
            if let Some(code) = self.attribute(e, name, offset)? {
                if !expected.matches(&code) {
                    return Err(
                        self.error(offset, format_args!("{name} {code:?}, expected {}", expected.describe()))
                    );
                }
            }
        }
        Ok(())
    }

    /// The root element: XLIFF 1.2 (or 1.0/1.1, whose units read the same), or an error
    /// that says what the file is instead.
    fn open_root(
        &mut self,
        e: &BytesStart<'_>,
        namespace: &[u8],
        local: &str,
        offset: u64,
        notes: &mut Vec<String>,
    ) -> Result<()> {
        if local != "xliff" {
            return Err(self.error(
                offset,
                format_args!(
                    "not an XLIFF file: the root element is <{local}>, expected <xliff version=\"1.2\">"
                ),
            ));
        }
        let version = self.attribute(e, "version", offset)?.unwrap_or_default();
        if namespace == NAMESPACE_2_0.as_bytes() || version.starts_with('2') {
            let version = if version.is_empty() { "2.0" } else { &version };
            return Err(self.error(
                offset,
                format_args!(
                    "XLIFF {version} is not read: tolk reads XLIFF 1.2, as `tolk export --format xliff` writes it; \
                     export the file from the CAT tool as XLIFF 1.2"
                ),
            ));
        }
        let xliff = if namespace == NAMESPACE.as_bytes() {
            NAMESPACE
        } else if namespace == NAMESPACE_1_1.as_bytes() {
            NAMESPACE_1_1
        } else if namespace.is_empty() && matches!(&*version, "1.0" | "1.1" | "1.2") {
            ""
        } else {
            return Err(self.error(
                offset,
                format_args!(
                    "not XLIFF 1.2: the root <xliff> has the namespace {:?}, expected {NAMESPACE:?}",
                    String::from_utf8_lossy(namespace)
                ),
            ));
        };
        if version != "1.2" {
            notes.push(format!("read as XLIFF {version}"));
        }
        self.namespace = Some(xliff);
        Ok(())
    }

    /// An end tag (or the end of an empty element).
    fn close(&mut self, file: &mut ReadFile) {
        let depth = self.depth;
        self.depth = depth.saturating_sub(1);
        if let Some(from) = self.skip_from {
            if from == depth {
                self.skip_from = None;
            }
            return;
        }
        if let Some(capture) = self.capture.take_if(|c| c.depth == depth) {
            if let Some(unit) = &mut self.unit {
                let slot = match capture.part {
                    Part::Source => &mut unit.source,
                    Part::Target => &mut unit.target,
                };
                if slot.is_some() {
                    unit.twice = Some(capture.part);
                } else {
                    *slot = Some(capture.text);
                }
                if capture.len > MAX_XML_TEXT {
                    unit.oversize[capture.part as usize].get_or_insert(capture.len);
                }
            }
            return;
        }
        if let Some(unit) = self.unit.take_if(|u| u.depth == depth) {
            self.finish(unit, file);
        }
    }

    /// Text (unescaped) or CDATA.
    fn text(&mut self, value: &str) {
        if self.skip_from.is_some() {
            return;
        }
        if let Some(capture) = &mut self.capture {
            // Only measured beyond the limit: the unit is refused.
            capture.len += value.len();
            if capture.len <= MAX_XML_TEXT {
                capture.text.push_str(value);
            }
        }
    }

    /// A complete `trans-unit`: a row, or a problem.
    fn finish(&self, unit: TransUnit, file: &mut ReadFile) {
        let problem = |column: &str, expected: String, found: String| Problem {
            origin: Origin::line(self.path, unit.line),
            column: column.to_string(),
            expected,
            found,
        };
        let Some(source) = unit.source.clone() else {
            file.problems.push(problem(
                "source",
                "a <source> element in the trans-unit".into(),
                "none".into(),
            ));
            return;
        };
        if let Some(part) = unit.twice {
            let name = if part == Part::Source { "source" } else { "target" };
            file.problems.push(problem(
                name,
                format!("one <{name}> element in the trans-unit"),
                "two".into(),
            ));
            return;
        }
        let target = unit.target.clone().unwrap_or_default();
        for (column, oversize) in ["source", "target"].into_iter().zip(unit.oversize) {
            if let Some(len) = oversize {
                file.problems.push(problem(
                    column,
                    format!("a text of at most {MAX_XML_TEXT} bytes"),
                    format!("{len} bytes"),
                ));
                return;
            }
        }
        file.rows.push(ImportRow {
            origin: Origin::line(self.path, unit.line),
            id: unit.id,
            source,
            target,
            translator: None,
            state: unit.state,
            suggestion: None,
            comment: None,
        });
    }

    /// The value of the unprefixed attribute `name` of `e`, if it has one.
    fn attribute(&self, e: &BytesStart<'_>, name: &str, offset: u64) -> Result<Option<String>> {
        for attribute in e.attributes() {
            let attribute =
                attribute.map_err(|err| self.error(offset, format_args!("a malformed attribute: {err}")))?;
            if attribute.key.as_ref() == name.as_bytes() {
                let value = attribute
                    .unescape_value()
                    .map_err(|err| self.error(offset, format_args!("the attribute {name}: {err}")))?;
                if let Some(c) = value.chars().find(|&c| !is_xml_char(c)) {
                    return Err(self.error(offset, not_allowed(c)));
                }
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Place;
    use crate::text::SegmentId;
    use proptest::prelude::*;

    fn row(id: u64, source: &str, places: &[&str]) -> BatchRow {
        BatchRow {
            id: SegmentId(id),
            places: places
                .iter()
                .map(|p| {
                    let (doc, line) = p.rsplit_once(':').unwrap();
                    Place { doc: doc.into(), line: line.parse().unwrap() }
                })
                .collect(),
            more_places: 0,
            words: 1,
            score: None,
            source: source.into(),
            suggestion: String::new(),
            suggestion_source: String::new(),
            target: String::new(),
            before: None,
            after: None,
        }
    }

    /// Reads `xml` as the file `b.xlf`.
    fn read(xml: &str) -> Result<ReadFile> {
        parse(Path::new("b.xlf"), xml.as_bytes())
    }

    /// Asserts that `xml` reads without problems as the rows `expected`, each written
    /// `line id source|target|state` (`-` for no state).
    #[track_caller]
    fn check(xml: &str, expected: &[&str]) {
        let file = read(xml).unwrap_or_else(|e| panic!("{e}"));
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        let rows: Vec<String> = file
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}|{}|{}",
                    r.origin.row,
                    r.id,
                    r.source,
                    r.target,
                    r.state.as_deref().unwrap_or("-")
                )
            })
            .collect();
        assert_eq!(rows, expected);
    }

    #[track_caller]
    fn check_error(xml: &str, expected: &str) {
        match read(xml) {
            Ok(file) => panic!("expected the error {expected:?}, read {:?}", file.rows),
            Err(e) => assert_eq!(e.to_string(), expected),
        }
    }

    /// One unit, `body` inside `trans-unit id="s1"`, in an XLIFF 1.2 document.
    fn unit(body: &str) -> String {
        format!(
            "<xliff version=\"1.2\" xmlns=\"{NAMESPACE}\"><file original=\"a\" source-language=\"nb\" \
             datatype=\"plaintext\"><body><trans-unit id=\"s1\">{body}</trans-unit></body></file></xliff>"
        )
    }

    #[test]
    fn a_batch_is_written_in_the_schema_order() {
        let mut shared = row(1, "Hei & <velkommen>.", &["a.txt:3", "b.txt:1", "a.txt:9"]);
        shared.score = Some(83);
        shared.suggestion = "Hi and welcome.".into();
        shared.suggestion_source = "Hei og velkommen.".into();
        shared.target = shared.suggestion.clone();
        (shared.before, shared.after) = (Some("Ja.".into()), Some("Nei.".into()));
        let mut second = row(2, "Takk.\r", &["b.txt:2"]);
        second.after = Some("Ha det.".into());
        let xml = render(&Batch { rows: vec![shared, second] }).unwrap();
        let version = env!("CARGO_PKG_VERSION");
        let expected = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="a.txt" source-language="nb" target-language="en" datatype="plaintext">
    <header>
      <tool tool-id="tolk" tool-name="tolk" tool-version="{version}"/>
    </header>
    <body>
      <trans-unit id="s0000000000000001" xml:space="preserve">
        <source>Hei &amp; &lt;velkommen&gt;.</source>
        <target state="needs-review-translation" state-qualifier="leveraged-tm">Hi and welcome.</target>
        <alt-trans match-quality="83" origin="memory" tool-id="tolk" xml:space="preserve">
          <source>Hei og velkommen.</source>
          <target>Hi and welcome.</target>
        </alt-trans>
        <context-group purpose="location">
          <context context-type="sourcefile">a.txt</context>
          <context context-type="linenumber">3</context>
        </context-group>
        <context-group purpose="location">
          <context context-type="sourcefile">b.txt</context>
          <context context-type="linenumber">1</context>
        </context-group>
        <context-group purpose="location">
          <context context-type="sourcefile">a.txt</context>
          <context context-type="linenumber">9</context>
        </context-group>
        <note from="tolk" annotates="source">before: Ja.</note>
        <note from="tolk" annotates="source">after: Nei.</note>
      </trans-unit>
    </body>
  </file>
  <file original="b.txt" source-language="nb" target-language="en" datatype="plaintext">
    <header>
      <tool tool-id="tolk" tool-name="tolk" tool-version="{version}"/>
    </header>
    <body>
      <trans-unit id="s0000000000000002" xml:space="preserve">
        <source>Takk.&#13;</source>
        <target state="needs-translation"></target>
        <context-group purpose="location">
          <context context-type="sourcefile">b.txt</context>
          <context context-type="linenumber">2</context>
        </context-group>
        <note from="tolk" annotates="source">after: Ha det.</note>
      </trans-unit>
    </body>
  </file>
</xliff>
"#
        );
        assert_eq!(xml, expected);
        // Read back: the prefilled unit is marked, the other is not translated yet.
        let file = read(&xml).unwrap();
        let rows: Vec<_> =
            file.rows.iter().map(|r| (r.origin.row, r.target.as_str(), r.state.as_deref())).collect();
        assert_eq!(rows, [(8, "Hi and welcome.", Some(STATE_PREFILLED)), (37, "", Some(STATE_UNTRANSLATED))]);
        assert_eq!(file.rows[1].source, "Takk.\r");
    }

    #[test]
    fn a_character_xml_cannot_hold_is_an_error_naming_the_place() {
        let err = render(&Batch { rows: vec![row(1, "Hei\u{1}.", &["a.txt:4"])] }).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.txt:4: the unit of this sentence contains U+0001, a control character XML cannot hold; remove it \
             from the document (or the memory), or export the batch as CSV"
        );
    }

    #[test]
    fn the_text_of_a_unit_is_read_as_a_cat_tool_returns_it() {
        // Inline codes: the text of g and mrk is kept, placeholders and native codes go.
        check(
            &unit(
                "<source>Hei <g id=\"1\">på</g> deg<x id=\"2\"/>.</source>\
                 <target state=\"translated\"><bx id=\"3\"/>Hi <mrk mtype=\"seg\" mid=\"0\">there</mrk>\
                 <ph id=\"4\">{b}</ph><bpt id=\"5\">&lt;b&gt;</bpt>.<ept id=\"5\">&lt;/b&gt;</ept><ex id=\"3\"/></target>",
            ),
            &["1 s1 Hei på deg.|Hi there.|translated"],
        );
        // References, CDATA, and whitespace as written.
        check(
            &unit("<source> Caf&#233; &amp; <![CDATA[<b>]]></source><target>x&#13;y</target>"),
            &["1 s1  Café & <b>|x\ry|-"],
        );
        // What is not the unit's own source and target is not read.
        check(
            &unit(
                "<source>Ja.</source><seg-source><mrk mtype=\"seg\" mid=\"1\">Nei.</mrk></seg-source>\
                 <target state=\"final\">Yes.</target><alt-trans><source>Nei.</source><target>No.</target></alt-trans>\
                 <note>Nei.</note>",
            ),
            &["1 s1 Ja.|Yes.|final"],
        );
        // No target: an empty one.
        check(&unit("<source>Ja.</source>"), &["1 s1 Ja.||-"]);
        check(&unit("<source>Ja.</source><target state=\"new\"/>"), &["1 s1 Ja.||new"]);
    }

    #[test]
    fn units_are_found_in_groups_and_files_with_their_lines() {
        check(
            &format!(
                "<?xml version=\"1.0\"?>\r\n<!-- from a CAT tool -->\r\n<xliff version=\"1.2\" xmlns=\"{NAMESPACE}\" \
                 xmlns:mq=\"urn:x-memoq\">\r\n<file original=\"a\" source-language=\"nb\" datatype=\"plaintext\">\
                 <header><tool tool-id=\"t\" tool-name=\"t\"/><mq:x><trans-unit id=\"no\"/></mq:x></header><body>\r\n\
                 <group id=\"g\">\r\n<trans-unit id=\"s1\" mq:status=\"x\">\r\n<source>A.</source>\r\n\
                 <target>A<mq:ins>!</mq:ins>.</target><mq:history><target>B.</target></mq:history></trans-unit>\r\n\
                 </group><bin-unit id=\"b\" mime-type=\"x\"><bin-source/></bin-unit>\r\n\
                 <trans-unit id=\"s2\"><source>B.</source></trans-unit></body></file>\r\n\
                 <file original=\"b\" source-language=\"nb\" datatype=\"plaintext\"><body>\
                 <trans-unit id=\"s3\"><source>C.</source></trans-unit></body></file></xliff>"
            ),
            &["6 s1 A.|A.|-", "10 s2 B.||-", "11 s3 C.||-"],
        );
        // Prefixed XLIFF elements, and XLIFF 1.1 without a namespace.
        check(
            &format!(
                "<x:xliff xmlns:x=\"{NAMESPACE}\" version=\"1.2\"><x:file><x:body><x:trans-unit id=\"s1\">\
                 <x:source>A.</x:source><source>not XLIFF</source></x:trans-unit></x:body></x:file></x:xliff>"
            ),
            &["1 s1 A.||-"],
        );
        let file = read(
            "<xliff version=\"1.1\"><file><body><trans-unit id=\"s1\"><source>A.</source></trans-unit></body></file></xliff>",
        )
        .unwrap();
        assert_eq!(
            (file.rows.len(), file.notes.as_slice()),
            (1, ["read as XLIFF 1.1".to_string()].as_slice())
        );
    }

    #[test]
    fn utf16_and_a_byte_order_mark_are_read() {
        let xml = unit("<source>Blåbær.</source>");
        let file = parse(Path::new("b.xlf"), format!("\u{feff}{xml}").as_bytes()).unwrap();
        assert_eq!(file.rows[0].source, "Blåbær.");
        let utf16: Vec<u8> =
            [0xff, 0xfe].into_iter().chain(xml.encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        let file = parse(Path::new("b.xlf"), &utf16).unwrap();
        assert_eq!(
            (file.rows[0].source.as_str(), file.notes.as_slice()),
            ("Blåbær.", ["read as UTF-16LE".into()].as_slice())
        );
        let utf16be: Vec<u8> =
            [0xfe, 0xff].into_iter().chain(xml.encode_utf16().flat_map(|u| u.to_be_bytes())).collect();
        assert_eq!(parse(Path::new("b.xlf"), &utf16be).unwrap().notes, ["read as UTF-16BE"]);
    }

    #[test]
    fn broken_utf16_is_an_error_naming_where_it_breaks() {
        let check = |bytes: &[u8], expected: &str| match parse(Path::new("b.xlf"), bytes) {
            Err(e) => assert_eq!(e.to_string(), expected),
            Ok(_) => panic!("broken UTF-16 was read"),
        };
        let le = |text: &str| -> Vec<u8> {
            [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(|u| u.to_le_bytes())).collect()
        };
        // An odd byte at the end.
        let mut odd = le("<xliff>\n</xliff>");
        odd.push(b'\n');
        check(
            &odd,
            "b.xlf: line 2 (byte 34): invalid UTF-16 in a file that starts with a UTF-16 byte order mark; save \
             the file again as UTF-8",
        );
        // A lone high surrogate on line 3, big-endian.
        let mut lone: Vec<u8> =
            [0xfe, 0xff].into_iter().chain("<a>\n\nb".encode_utf16().flat_map(|u| u.to_be_bytes())).collect();
        lone.extend([0xd8, 0x00, 0x00, b'c']);
        check(
            &lone,
            "b.xlf: line 3 (byte 14): invalid UTF-16 in a file that starts with a UTF-16 byte order mark; save \
             the file again as UTF-8",
        );
    }

    #[test]
    fn a_file_must_be_from_norwegian_into_english() {
        let file = |attributes: &str| {
            format!(
                "<xliff version=\"1.2\" xmlns=\"{NAMESPACE}\">\n<file original=\"a\" {attributes} datatype=\"plaintext\">\
                 <body><trans-unit id=\"s1\"><source>Ja.</source><target>Yes.</target></trans-unit></body></file></xliff>"
            )
        };
        for fine in [
            "source-language=\"nb\" target-language=\"en\"",
            "source-language=\"nb-NO\" target-language=\"en-GB\"",
            "source-language=\"NO-NB\" target-language=\"EN-us\"",
            "source-language=\"nob\" target-language=\"eng\"",
            "source-language=\"no\"",
            "",
        ] {
            check(&file(fine), &["2 s1 Ja.|Yes.|-"]);
        }
        check_error(
            &file("source-language=\"nb\" target-language=\"de\""),
            "b.xlf: line 2: target-language \"de\", expected English (en)",
        );
        check_error(
            &file("source-language=\"nn-NO\" target-language=\"en\""),
            "b.xlf: line 2: source-language \"nn-NO\", expected Norwegian Bokmål (nb)",
        );
        check_error(
            &file("source-language=\"en\" target-language=\"nb\""),
            "b.xlf: line 2: source-language \"en\", expected Norwegian Bokmål (nb)",
        );
        check_error(
            &file("target-language=\"\""),
            "b.xlf: line 2: target-language \"\", expected English (en)",
        );
    }

    #[test]
    fn characters_xml_does_not_allow_are_refused_naming_the_line() {
        let not_allowed =
            |line: u64, code: &str| format!("b.xlf: line {line}: a character XML does not allow (U+{code})");
        for (text, code) in [
            ("\u{8}", "0008"),
            ("\u{B}", "000B"),
            ("\u{C}", "000C"),
            ("\u{1F}", "001F"),
            ("\u{FFFE}", "FFFE"),
            ("\u{FFFF}", "FFFF"),
        ] {
            check_error(
                &unit(&format!("<source>Ja.</source>\n<target>Y{text}es.</target>")),
                &not_allowed(2, code),
            );
        }
        // In markup, a comment, or written as a reference in text or an attribute.
        check_error(&unit("<source>Ja.</source><!-- \n\u{1} -->"), &not_allowed(2, "0001"));
        check_error(
            &unit("<source>Ja.</source><target state=\"\u{2}\">Yes.</target>"),
            &not_allowed(1, "0002"),
        );
        check_error(&unit("<source>Ja.</source><target>Yes\n&amp;\n&#x1;</target>"), &not_allowed(3, "0001"));
        check_error(
            &unit("<source>Ja.</source><target state=\"a&#xFFFF;\">Yes.</target>"),
            &not_allowed(1, "FFFF"),
        );
        // In UTF-16.
        let xml = unit("<source>Ja.</source>\n<target>\0</target>");
        let utf16: Vec<u8> =
            [0xff, 0xfe].into_iter().chain(xml.encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        match parse(Path::new("b.xlf"), &utf16) {
            Err(e) => assert_eq!(e.to_string(), not_allowed(2, "0000")),
            Ok(_) => panic!("a NUL was read"),
        }
        // A NUL byte makes it no text file at all, wherever it is.
        match parse(Path::new("b.xlf"), unit("<source>A.</target>\n\0").as_bytes()) {
            Err(e) => assert!(e.to_string().starts_with("b.xlf: line 2 (byte "), "{e}"),
            Ok(_) => panic!("a NUL was read"),
        }
        check_error(
            &format!("<xliff version=\"1.2\" xmlns=\"{NAMESPACE}\">\u{1}<file>\n"),
            &not_allowed(1, "0001"),
        );
        // Tab, line ends and the characters beside the forbidden ones are fine.
        check(&unit("<source>\tJa\u{FFFD}&#9;&#xD;\n</source>"), &["1 s1 \tJa\u{FFFD}\t\r\n||-"]);
    }

    #[test]
    fn inline_codes_dropped_are_noted() {
        let file =
            read(&unit("<source>A<x id=\"1\"/>.</source><target>A<ph id=\"2\">x</ph>.</target>")).unwrap();
        assert_eq!(
            file.notes,
            ["2 inline codes (x, bx, ex, ph, bpt, ept, it or another tool's elements) dropped from the text"]
        );
    }

    #[test]
    fn units_that_cannot_be_rows_are_problems() {
        let file = read(&unit("<target>A.</target>")).unwrap();
        assert_eq!(
            file.problems[0].to_string(),
            "b.xlf: line 1, element source: expected a <source> element in the trans-unit, found none"
        );
        let file = read(&unit("<source>A.</source><source>B.</source>")).unwrap();
        assert_eq!(
            file.problems[0].to_string(),
            "b.xlf: line 1, element source: expected one <source> element in the trans-unit, found two"
        );
        let big = "a".repeat(MAX_XML_TEXT + 1);
        let file = read(&unit(&format!("<source>A.</source><target>{big}</target>"))).unwrap();
        assert_eq!(
            file.problems[0].to_string(),
            format!(
                "b.xlf: line 1, element target: expected a text of at most {MAX_XML_TEXT} bytes, found {} bytes",
                MAX_XML_TEXT + 1
            )
        );
        assert!(file.rows.is_empty());
        // Split by inline codes, the text is measured whole; at the limit, it fits.
        let split = format!("<source>A.</source><target>{}<g id=\"1\">{}</g></target>", big, big);
        assert_eq!(
            read(&unit(&split)).unwrap().problems[0].found,
            format!("{} bytes", 2 * (MAX_XML_TEXT + 1))
        );
        let fits = format!("<source>{}</source>", "å".repeat(MAX_XML_TEXT / 2));
        assert_eq!(read(&unit(&fits)).unwrap().rows[0].source.len(), MAX_XML_TEXT);
    }

    #[test]
    fn files_that_are_not_xliff_1_2_or_unsafe_are_errors() {
        check_error(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [<!ENTITY a \"aaaa\">]>\n<xliff version=\"1.2\"/>",
            "b.xlf: line 2: the DOCTYPE declares entities, which tolk never expands (they can grow without \
             bound or reach other files); remove the DOCTYPE's [...] part",
        );
        check_error(
            &unit("<source>\n&ent;</source>"),
            "b.xlf: line 2: undefined entity `&ent;`: only &amp; &lt; &gt; &quot; &apos; and character \
             references such as &#229; are allowed",
        );
        let deep = format!("{}{}", "<g>".repeat(60), "</g>".repeat(60));
        check_error(
            &unit(&format!("<source>{deep}</source>")),
            "b.xlf: line 1: elements are nested deeper than 64 levels; a batch tolk writes has 6",
        );
        check_error(
            "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"nb\"><file id=\"f\"/></xliff>",
            "b.xlf: line 1: XLIFF 2.0 is not read: tolk reads XLIFF 1.2, as `tolk export --format xliff` writes it; \
             export the file from the CAT tool as XLIFF 1.2",
        );
        check_error(
            "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><body/></tmx>",
            "b.xlf: line 2: not an XLIFF file: the root element is <tmx>, expected <xliff version=\"1.2\">",
        );
        check_error(
            "<xliff version=\"1.2\" xmlns=\"urn:example\"/>",
            "b.xlf: line 1: not XLIFF 1.2: the root <xliff> has the namespace \"urn:example\", expected \
             \"urn:oasis:names:tc:xliff:document:1.2\"",
        );
        check_error(
            "id,source,target\ns1,Hei,Hi\n",
            "b.xlf: line 1: not an XLIFF file: text outside the root element (a CSV batch named .xml?)",
        );
        check_error(
            "",
            "b.xlf: line 1: not an XLIFF file: no root element, expected <xliff version=\"1.2\">",
        );
        check_error(
            &unit("<source>A.</target>"),
            "b.xlf: line 1: not well-formed XML: ill-formed document: expected `</source>`, but `</target>` was found",
        );
        check_error(
            &format!("<xliff version=\"1.2\" xmlns=\"{NAMESPACE}\">\n<file>\n"),
            "b.xlf: line 3: the file ends inside an element: it is cut off; save it again",
        );
        check_error(
            &unit("<trans-unit id=\"s2\"/>"),
            "b.xlf: line 1: a trans-unit inside another trans-unit",
        );
        check_error(&unit("<q:source/>"), "b.xlf: line 1: the namespace prefix \"q\" is not declared");
        match parse(Path::new("b.xlf"), b"<xliff>\n\xe5</xliff>") {
            Err(e) => assert_eq!(
                e.to_string(),
                "b.xlf: line 2 (byte 8): invalid UTF-8; save the file again as UTF-8"
            ),
            Ok(_) => panic!("invalid UTF-8 was read"),
        }
    }

    #[test]
    fn xliff_is_told_from_csv() {
        let is = |name: &str, bytes: &[u8]| is_xliff(Path::new(name), bytes);
        assert!(is("b.XLF", b""));
        assert!(is("b.xliff", b"id,source"));
        assert!(is("b.xml", b""));
        assert!(is("b.txt", b"\xef\xbb\xbf  <?xml version=\"1.0\"?>"));
        assert!(is("b", b"\n<xliff version=\"1.2\">"));
        assert!(is("b", b"\xff\xfe<\0?\0x\0m\0l\0"));
        assert!(!is("b.csv", b"id,source,target\n"));
        assert!(!is("b.csv", b"\xff\xfei\0d\0"));
    }

    proptest! {
        #[test]
        fn what_is_written_is_read_back(
            texts in prop::collection::vec(("[a-zæøå <>&\"'\t\r\n\\]\u{e9}\u{1F600}]{0,12}", "[a-z <>&\r]{0,8}"), 1..5),
        ) {
            let rows: Vec<BatchRow> = texts
                .iter()
                .enumerate()
                .map(|(i, (source, target))| {
                    let mut r = row(i as u64, source, &[&format!("d{}.txt:{}", i % 2, i + 1)]);
                    r.target = target.clone();
                    r
                })
                .collect();
            let xml = render(&Batch { rows: rows.clone() }).unwrap();
            let file = read(&xml).unwrap();
            prop_assert!(file.problems.is_empty());
            let back: Vec<(String, String, String)> =
                file.rows.iter().map(|r| (r.id.clone(), r.source.clone(), r.target.clone())).collect();
            let mut written: Vec<(String, String, String)> =
                rows.iter().map(|r| (r.id.to_string(), r.source.clone(), r.target.clone())).collect();
            // Units are grouped by document, d0 before d1.
            written.sort_by_key(|(id, _, _)| SegmentId::parse(id).map(|s| s.0 % 2));
            prop_assert_eq!(back, written);
        }
    }
}
