//! XLIFF 1.2 batches, for translators who work in a CAT tool rather than a spreadsheet.
//!
//! [`render`] writes a [`Batch`] as one XLIFF 1.2 document that validates against the
//! OASIS strict schema: a `file` per source document whose header names the batch (its
//! `phase`'s `job-id`, read back as [`ReadFile::batch`]), a `trans-unit` per sentence (in
//! the file of its first occurrence) whose `id` is the sentence's id, an empty or prefilled
//! `target` whose `state` says which, the best fuzzy suggestion as an `alt-trans`,
//! every place the sentence occurs as a `context-group`, its neighbours as `note`s, and
//! the glossary's terms found in it as a `note from="tolk-terms"`.
//! [`parse`] reads such a file back, as a CAT tool returns it, into the same
//! [`ImportRow`]s a CSV batch gives, so [`crate::import::validate`] checks both alike:
//! elements of other namespaces (tool extensions) are skipped, and the target's `state`
//! is carried along, with whether the unit is approved (XLIFF's `approved="yes"`,
//! memoQ's `mq:status` confirmed, or every segment of Trados's `sdl:seg-defs` at a
//! confirmed `conf`), which confirms it whatever its state. Where the
//! `xml:space` around a source or target (its own, or inherited) is not `preserve`, as
//! in a file a tool pretty-printed, white space with a line break at its start and end
//! is left out and inside is one space; under `preserve` (as tolk writes every unit) the
//! text is read exactly. A unit a tool re-indented (its inline tags on lines of their
//! own) has that indentation read as the file's whatever `xml:space` says, both ways it
//! can be ([`indent`]), for the import to take the one its source proves.
//!
//! A sentence's formatting codes ([`crate::document::inline`]'s placeholders) are
//! written as XLIFF's inline tags, so a CAT tool shows them as tags: a pair `{1}…{/1}`
//! is `<g id="1">…</g>`, a lone code `{2/}` is `<x id="2"/>`, and a code whose partner
//! is not in the sentence (or whose pair overlaps another) is `<bx/>` or `<ex/>`. They
//! are read back the same way, and as CAT tools write them too: `bx`/`ex` and
//! `bpt`/`ept` (linked by `rid` where they have one, their native code dropped) are the
//! two ends of a pair, `ph` a lone code, and `mrk` keeps its text without a tag, as
//! does another tool's element (memoQ's `mq:rxt` around a name): the words in it are
//! the sentence's. Ids
//! that are not numbers as tolk writes them (`a1`) are numbered in the order they first
//! appear in the unit's source, and the target's follow the source's; a target tag the
//! source lacks, an `it` (a tag whose partner is in another segment), a `sub` and a tag
//! without an id are problems of their unit, by line and element. Text that looks like
//! a placeholder (`{1}` typed as text) is read as the text it is.
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
use std::collections::{HashMap, HashSet};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::{Batch, BatchRow, ReadFile};
use crate::document::inline::{self, Code, Piece};
use crate::error::{Error, Place, Result};
use crate::import::{ImportRow, Origin, Problem, Reading, UnitState, XliffUnit};
use crate::input::decode::Accept;
use crate::input::limits::MAX_XML_TEXT;
use crate::input::xml::{self, escape_into, forbidden_reference, is_xml_char, not_allowed, XmlWriter};
use crate::input::LineIndex;
use crate::language::Language;
use indent::{Indentation, Raw};

mod indent;

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

/// The `state-qualifier` of a target prefilled with the best suggestion.
pub const QUALIFIER_PREFILLED: &str = "leveraged-tm";

/// The `state-qualifier` of a target written as a copy of its source
/// ([`Batch::copy_source`]), with the state [`STATE_UNTRANSLATED`]. An XLIFF 1.2
/// extension value (`x-`), which the schema allows and CAT tools keep.
pub const QUALIFIER_SOURCE_COPY: &str = "x-tolk-source-copy";

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
            ("source-language", batch.source_language.as_str()),
            ("target-language", batch.target_language.as_str()),
            ("datatype", datatype(document)),
        ];
        out.open("file", &file)
            .map_err(|c| Error::Invalid(format!("the document name {document:?} {}", cannot_hold(c))))?;
        out.open("header", &[]).map_err(no_char)?;
        // The batch's id, which an import finds the batch by whatever the file is called.
        if let Some(id) = &batch.id {
            out.open("phase-group", &[]).map_err(no_char)?;
            let mut phase = vec![
                ("phase-name", "translation"),
                ("process-name", "translation"),
                ("tool-id", "tolk"),
                ("job-id", id.as_str()),
            ];
            if let Some(translator) = &batch.translator {
                phase.push(("contact-name", translator));
            }
            out.empty("phase", &phase)
                .map_err(|c| Error::Invalid(format!("the translator's name {}", cannot_hold(c))))?;
            out.close("phase-group");
        }
        let tool = [("tool-id", "tolk"), ("tool-name", "tolk"), ("tool-version", env!("CARGO_PKG_VERSION"))];
        out.empty("tool", &tool).map_err(no_char)?;
        out.close("header");
        out.open("body", &[]).map_err(no_char)?;
        for row in rows {
            write_unit(&mut out, row, batch.copy_source, datatype(document)).map_err(|c| {
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

/// The XLIFF `datatype` of the document named `document`, by its extension: what
/// kind of file the text came from, as CAT tools show it (`x-` for the kinds XLIFF 1.2
/// does not name).
fn datatype(document: &str) -> &'static str {
    let extension = std::path::Path::new(document).extension().and_then(|e| e.to_str()).unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "html",
        "xhtml" => "xhtml",
        "md" | "markdown" => "x-markdown",
        "docx" | "dotx" | "docm" | "dotm" => "x-docx",
        "odt" | "ott" => "x-odt",
        _ => "plaintext",
    }
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
/// a character XML cannot hold. `datatype` is the XLIFF datatype of its document, which
/// says how its tags are described ([`ctypes`]).
fn write_unit(out: &mut XmlWriter, row: &BatchRow, copy_source: bool, datatype: &str) -> Result<(), char> {
    let id = row.id.to_string();
    out.open("trans-unit", &[("id", &id), ("xml:space", "preserve")])?;
    // What each tag is, as a CAT tool shows it (bold, a link, a line break). The
    // suggestion's tags are another sentence's, numbered its way: none there.
    let ctypes = ctypes(&row.tags, datatype);
    let none = HashMap::new();
    tagged(out, "source", &[], &row.source, &ctypes)?;
    // The batch prefills a target only with the memory's best suggestion, or a copy of
    // the source for a tool that translates the target.
    if row.target.is_empty() && copy_source {
        let attributes = [("state", STATE_UNTRANSLATED), ("state-qualifier", QUALIFIER_SOURCE_COPY)];
        tagged(out, "target", &attributes, &row.source, &ctypes)?;
    } else if row.target.is_empty() {
        out.text("target", &[("state", STATE_UNTRANSLATED)], "")?;
    } else {
        let attributes = [("state", STATE_PREFILLED), ("state-qualifier", QUALIFIER_PREFILLED)];
        tagged(out, "target", &attributes, &row.target, &ctypes)?;
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
        tagged(out, "source", &[], &row.suggestion_source, &none)?;
        tagged(out, "target", &[], &row.suggestion, &none)?;
        out.close("alt-trans");
    }
    for place in &row.places {
        out.open("context-group", &[("purpose", "location")])?;
        out.text("context", &[("context-type", "sourcefile")], &place.doc)?;
        out.text("context", &[("context-type", "linenumber")], &place.line.to_string())?;
        out.close("context-group");
    }
    let notes = [
        (row.more_places > 0).then(|| {
            format!("and {} more place{}", row.more_places, if row.more_places == 1 { "" } else { "s" })
        }),
        row.before.as_ref().map(|b| format!("before: {b}")),
        row.after.as_ref().map(|a| format!("after: {a}")),
        // A CAT tool shows a tag by its id: `<x id="2"/>` and `<g id="3">` are tags 2 and 3.
        (!row.tags.is_empty()).then(|| {
            let tags: Vec<String> = (row.tags.iter())
                .map(|(code, markup)| {
                    let id: String = code.chars().skip(1).take_while(char::is_ascii_digit).collect();
                    format!("tag {id} = {markup}")
                })
                .collect();
            tags.join("; ")
        }),
    ];
    for note in notes.iter().flatten() {
        out.text("note", &[("from", "tolk"), ("annotates", "source")], note)?;
    }
    if !row.terms.is_empty() {
        out.text("note", &[("from", "tolk-terms"), ("annotates", "source")], &row.terms_cell())?;
    }
    if !row.repaired.is_empty() {
        let note = format!("numbers repaired in the suggestion: {}", row.repaired_cell());
        out.text("note", &[("from", "tolk-numbers"), ("annotates", "general")], &note)?;
    }
    out.close("trans-unit");
    Ok(())
}

/// Writes `<name attributes>text</name>` on one line, with the formatting codes of
/// `text` (tolk's placeholders) as XLIFF's inline elements: a pair that closes within
/// the sentence, nested in the pairs around it, is `<g id="n">…</g>`, a lone code
/// `<x id="n"/>`, and an opening or closing code without its partner (or one that
/// overlaps another pair, which XML cannot nest) `<bx id="n"/>` or `<ex id="n"/>`, so
/// every text reads back as it was written. A `g`, `bx` or `x` whose code has a kind in
/// `ctypes` carries it as its `ctype`. The error is a character XML cannot hold.
fn tagged(
    out: &mut XmlWriter,
    name: &str,
    attributes: &[(&str, &str)],
    text: &str,
    ctypes: &HashMap<u32, String>,
) -> Result<(), char> {
    let values = attributes.iter().flat_map(|(_, v)| v.chars());
    if let Some(c) = text.chars().chain(values).find(|&c| !is_xml_char(c)) {
        return Err(c);
    }
    let mut line = format!("<{name}");
    for (key, value) in attributes {
        line.push_str(&format!(" {key}=\""));
        escape_into(&mut line, value, true);
        line.push('"');
    }
    line.push('>');
    let pieces = inline::pieces(text);
    // Which opening code each closing code pairs with as an element: the nearest open
    // one of its number, which leaves every pair opened after it unpaired.
    let mut partner: Vec<Option<usize>> = vec![None; pieces.len()];
    let mut open: Vec<(usize, u32)> = Vec::new();
    // Where in `open` each number is, latest last.
    let mut at: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, piece) in pieces.iter().enumerate() {
        match *piece {
            Piece::Code(Code::Open(n), _) => {
                at.entry(n).or_default().push(open.len());
                open.push((i, n));
            }
            Piece::Code(Code::Close(n), _) => {
                if let Some(&k) = at.get(&n).and_then(|v| v.last()) {
                    partner[open[k].0] = Some(i);
                    partner[i] = Some(open[k].0);
                    for (_, m) in open.drain(k..) {
                        at.get_mut(&m).and_then(Vec::pop);
                    }
                }
            }
            _ => {}
        }
    }
    // The kinds are tolk's own ASCII words or the letters of a style's name: escaped
    // all the same.
    let ctype = |n: u32| {
        ctypes.get(&n).map_or_else(String::new, |c| {
            let mut attribute = String::from(" ctype=\"");
            escape_into(&mut attribute, c, true);
            attribute.push('"');
            attribute
        })
    };
    for (piece, partner) in pieces.iter().zip(partner) {
        match (*piece, partner) {
            (Piece::Text(t), _) => escape_into(&mut line, t, false),
            (Piece::Code(Code::Open(n), _), Some(_)) => line.push_str(&format!("<g id=\"{n}\"{}>", ctype(n))),
            (Piece::Code(Code::Close(_), _), Some(_)) => line.push_str("</g>"),
            (Piece::Code(Code::Open(n), _), None) => line.push_str(&format!("<bx id=\"{n}\"{}/>", ctype(n))),
            (Piece::Code(Code::Close(n), _), None) => line.push_str(&format!("<ex id=\"{n}\"/>")),
            (Piece::Code(Code::Lone(n), _), _) => line.push_str(&format!("<x id=\"{n}\"{}/>", ctype(n))),
        }
    }
    line.push_str(&format!("</{name}>"));
    out.raw(&line);
    Ok(())
}

/// The XLIFF 1.2 `ctype` of each of a sentence's tags, by its number, from what the batch
/// says each stands for (`tags`, as [`BatchRow::tags`]: its markup in an HTML or Markdown
/// document, its description in a Word or LibreOffice one, which `datatype` tells
/// apart). A pair's kind is valid on `g` and `bx` (XLIFF's `bold`, `italic`, `underlined`,
/// `link`, or an `x-` value), a lone code's on `x` (`lb`, `pb`, `image`, or `x-`); a tag
/// tolk cannot tell the kind of has none, as a plain-text sentence's have.
fn ctypes(tags: &[(String, String)], datatype: &str) -> HashMap<u32, String> {
    let mut out = HashMap::new();
    for (code, what) in tags {
        let Some(n) = code.strip_prefix('{').and_then(|c| {
            let digits: String = c.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        }) else {
            continue;
        };
        let lone = code.ends_with("/}") && !code.contains('…');
        let kind = match datatype {
            "x-docx" | "x-odt" => described_kind(what, lone),
            _ => markup_kind(what.trim(), lone),
        };
        // XLIFF's own values are each for one kind of tag; anything else is an extension.
        let valid = |k: &str| {
            k.starts_with("x-")
                || match lone {
                    true => matches!(k, "lb" | "pb" | "image"),
                    false => matches!(k, "bold" | "italic" | "underlined" | "link"),
                }
        };
        if let Some(kind) = kind {
            let kind = if valid(&kind) { kind } else { format!("x-{kind}") };
            out.entry(n).or_insert(kind);
        }
    }
    out
}

/// The kind of a tag of an HTML or Markdown document, by its markup (`<b>…</b>`,
/// `**…**`, `[…](https://…)`, `<br>`, `` `code` ``).
fn markup_kind(markup: &str, lone: bool) -> Option<String> {
    if let Some(rest) = markup.strip_prefix('<') {
        let name: String =
            rest.chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        if name.is_empty() {
            return None;
        }
        let kind = match (lone, name.as_str()) {
            (false, "b" | "strong") => "bold",
            (false, "i" | "em") => "italic",
            (false, "u") => "underlined",
            (false, "a") => "link",
            (true, "br") => "lb",
            (true, "img") => "image",
            _ => return Some(format!("x-html-{name}")),
        };
        return Some(kind.into());
    }
    let around =
        |mark: &str| markup.starts_with(mark) && markup.ends_with(mark) && markup.len() > 2 * mark.len();
    let kind = match lone {
        false if around("***") || around("___") => "x-bold-italic",
        false if around("**") || around("__") => "bold",
        false if around("*") || around("_") => "italic",
        false if around("~~") || around("~") => "x-strikethrough",
        false if markup.starts_with("[…]") => "link",
        true if markup.starts_with("![") => "image",
        true if markup.starts_with('`') => "x-code",
        _ => return None,
    };
    Some(kind.into())
}

/// The kind of a tag of a Word or LibreOffice document, by how the batch describes it
/// ([`crate::document::described`]: `bold, italic`, `link to …`, `line break`, `image
/// (…)`, `date, shows "…"`, `footnote`).
fn described_kind(what: &str, lone: bool) -> Option<String> {
    let what = what.trim();
    // What it is, before what it shows or its details.
    let head = what.split([',', '(']).next().unwrap_or_default().trim();
    if lone {
        return match head {
            "line break" => Some("lb".into()),
            "page break" => Some("pb".into()),
            h if h.starts_with("image") => Some("image".into()),
            h => slug(h),
        };
    }
    if what == "link" || what.starts_with("link to ") {
        return Some("link".into());
    }
    let parts: Vec<&str> = what.split(", ").map(str::trim).collect();
    let formatting = |p: &&str| matches!(*p, "bold" | "italic" | "underlined");
    match parts.as_slice() {
        [one] if formatting(one) => Some(one.to_string()),
        several if several.iter().all(formatting) => Some(format!("x-{}", several.join("-"))),
        _ => slug(head),
    }
}

/// `what` as an XLIFF extension value: `x-` and its words, lower case, joined by `-`
/// (`footnote` is `x-footnote`, `author's name` `x-author-s-name`), at most 40
/// characters; `None` for no words.
fn slug(what: &str) -> Option<String> {
    let mut out = String::from("x-");
    for word in what.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if out.len() > 2 {
            out.push('-');
        }
        out.push_str(word);
    }
    let cut = out.char_indices().nth(40).map_or(out.len(), |(i, _)| i);
    out.truncate(cut);
    let out = out.trim_end_matches('-').to_string();
    (out.len() > 2).then_some(out)
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
    // Another encoding the XML declaration names (ISO-8859-1, windows-1252), as some
    // CAT tools save; a byte order mark or UTF-16 is the decoder's to tell. Bytes that
    // are UTF-8 are read as UTF-8 whatever the declaration says: a tool that copied
    // the declaration but wrote UTF-8 would have every letter doubled, silently, as an
    // 8-bit encoding reads any bytes.
    let utf8 = || std::str::from_utf8(bytes).is_ok();
    let declared = match crate::input::stream::sniff_encoding(&mut &bytes[..], path) {
        Ok(declared) => {
            declared.filter(|&e| e != encoding_rs::UTF_16LE && e != encoding_rs::UTF_16BE && !utf8())
        }
        Err(_) if utf8() => None,
        Err(e) => return Err(e),
    };
    let text = match declared {
        Some(encoding) => {
            let text =
                encoding.decode_without_bom_handling_and_without_replacement(bytes).ok_or_else(|| {
                    Error::at(
                        path,
                        crate::error::Place::line(1),
                        format!(
                        "bytes that are not {} although the XML declaration names it; save the file as UTF-8",
                        encoding.name()
                    ),
                    )
                })?;
            file.notes.push(format!("read as {} (the XML declaration's encoding)", encoding.name()));
            text
        }
        None => {
            let decoded = crate::input::decode::decode(path, bytes, Accept::Xml, "UTF-8")?;
            file.notes.extend(decoded.note);
            decoded.text
        }
    };
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
    /// The lines its `source` and `target` start on, once met.
    part_lines: [Option<u64>; 2],
    /// Its nesting depth.
    depth: usize,
    id: String,
    source: Option<Captured>,
    target: Option<Captured>,
    /// The suggestion tolk's `alt-trans` offered, once read, and the depth of that
    /// `alt-trans` while in it.
    suggestion: Option<Captured>,
    alt_trans: Option<usize>,
    /// Whether the suggestion holds what tolk cannot read back: it is then only not
    /// compared, never a problem of the unit.
    suggestion_broken: bool,
    state: Option<String>,
    /// Whether the unit says it is approved, other than by its target's `state`
    /// ([`crate::import::UnitState::approved`]).
    approved: bool,
    /// The depth of Trados's `sdl:seg-defs` while in it, and whether each of its
    /// `sdl:seg`s met so far is confirmed (none met: `None`).
    seg_defs: Option<usize>,
    sdl_confirmed: Option<bool>,
    /// Whether its target says it was written as a copy of its source.
    source_copy: bool,
    /// Whether its target's `state-qualifier` is the one tolk gives a prefilled target.
    leveraged: bool,
    /// The first part that occurred twice, which the schema does not allow, and the
    /// line of its second.
    twice: Option<(Part, u64)>,
    /// The size of a source and a target longer than [`MAX_XML_TEXT`], whose text
    /// was not kept whole.
    oversize: [Option<usize>; 2],
    /// The first inline element in its source or target that tolk cannot read back
    /// (an `it`, a `sub`, a code without an id), as the problem to report.
    refused: Option<Problem>,
    /// The translator's notes on it.
    notes: Vec<String>,
}

/// A run of a source's or target's text, or one of its inline codes with its id as
/// written (for a pair, the id that links its two ends).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Inline {
    Text(String),
    Open(String),
    Close(String),
    Lone(String),
}

/// Which text of the unit is being collected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Source = 0,
    Target = 1,
    /// The target of the `alt-trans` tolk wrote: the suggestion a prefilled target is.
    Suggestion = 2,
}

/// A source's or target's content as read, before its white space is settled.
struct Captured {
    /// Its text, codes and marks (texts merged), each at the level it is nested at.
    raw: Vec<(Raw, usize)>,
    /// Whether its white space is the text's as it is ([`Capture::preserve`]).
    preserve: bool,
}

/// The text of a `source` or `target` being collected.
struct Capture {
    part: Part,
    /// The depth of its element.
    depth: usize,
    /// Its text and codes, kept up to [`MAX_XML_TEXT`] bytes, and marks where an element
    /// without a code (`mrk`, another tool's) began or ended, each with the level it is
    /// nested at in the element (1 for its children), where a tool that re-indents XML
    /// puts a line break ([`indent`]).
    raw: Vec<(Raw, usize)>,
    /// The `g` and `mrk` elements open inside it: their depth and, for a `g`, its id.
    open: Vec<(usize, Option<String>)>,
    /// The size of all of it, a code counted as the placeholder its id would make.
    len: usize,
    /// Whether its white space is the text's as it is (`xml:space="preserve"` on it or
    /// around it); otherwise line breaks and their indentation are tidied
    /// ([`tidy_space`]).
    preserve: bool,
}

impl Capture {
    /// Adds a piece found at the XML depth `at` (an element's own, or its text's: one
    /// below), kept while the whole fits the limit (beyond, only measured: the unit is
    /// refused).
    fn push(&mut self, piece: Raw, at: usize) {
        self.len += match &piece {
            Raw::Piece(Inline::Text(t)) => t.len(),
            Raw::Piece(Inline::Open(id)) => id.len() + 2,
            Raw::Piece(Inline::Close(id) | Inline::Lone(id)) => id.len() + 3,
            Raw::Mark => 0,
        };
        if self.len > MAX_XML_TEXT {
            return;
        }
        self.raw.push((piece, at.saturating_sub(self.depth)));
    }
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
    /// A translator's `note` of the unit being read, at its depth, and its text so far.
    note: Option<(usize, String)>,
    /// The skipped subtree is the native code inside an inline code (`ph`, `bpt`,
    /// `ept`), where a `sub` would be text of the sentence tolk cannot place.
    in_code: bool,
    unit: Option<TransUnit>,
    capture: Option<Capture>,
    /// Elements of other tools in sources and targets, whose text is kept, for a note.
    foreign: usize,
    /// Tracked deletions of other tools in sources and targets, left out with their
    /// text, for the note.
    deleted: usize,
    /// The byte offset of the first character XML does not allow, and the character.
    forbidden: Option<(usize, char)>,
    /// The depth of the `header` being read, where the batch's id is.
    header: Option<usize>,
    /// The id of the batch the file says it is.
    batch: Option<String>,
    /// The `xml:space` of the elements open that have one, innermost last: its depth,
    /// and whether it is `preserve`.
    space: Vec<(usize, bool)>,
    /// Sources and targets whose line breaks and indentation were tidied, for a note.
    tidied: usize,
    /// Units whose line breaks and indentation beside their tags were read as the
    /// file's ([`indent`]), for a note.
    reindented: usize,
    /// Each `file`'s `target-language`, with its line.
    target_languages: Vec<(u64, String)>,
    /// Each `file`'s `source-language`, with its line.
    source_languages: Vec<(u64, String)>,
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
            note: None,
            in_code: false,
            unit: None,
            capture: None,
            foreign: 0,
            deleted: 0,
            forbidden: text.char_indices().find(|&(_, c)| !is_xml_char(c)),
            header: None,
            batch: None,
            space: Vec::new(),
            tidied: 0,
            reindented: 0,
            target_languages: Vec::new(),
            source_languages: Vec::new(),
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
        file.batch = self.batch.take();
        file.target_languages = std::mem::take(&mut self.target_languages);
        file.source_languages = std::mem::take(&mut self.source_languages);
        if self.foreign > 0 {
            file.notes.push(format!(
                "{} element{} of another tool (not XLIFF inline markup) in sources and targets read as {} text, \
                 without a tag",
                self.foreign,
                if self.foreign == 1 { "" } else { "s" },
                if self.foreign == 1 { "its" } else { "their" }
            ));
        }
        if self.tidied > 0 {
            file.notes.push(format!(
                "{} source{} or target{} without xml:space=\"preserve\" had line breaks and indentation, read as \
                 XML's default white space allows: at the start and end left out, inside as one space",
                self.tidied,
                if self.tidied == 1 { "" } else { "s" },
                if self.tidied == 1 { "" } else { "s" },
            ));
        }
        if self.reindented > 0 {
            file.notes.push(format!(
                "{} unit{} had line breaks and indentation beside {} tags, as a tool that re-indents XML writes \
                 them: read as the file's indentation, not text, the spaces taken as the {} sources as issued \
                 show them",
                self.reindented,
                if self.reindented == 1 { "" } else { "s" },
                if self.reindented == 1 { "its" } else { "their" },
                if self.reindented == 1 { "unit's" } else { "units'" },
            ));
        }
        if self.deleted > 0 {
            file.notes.push(format!(
                "{} tracked deletion{} of another tool in sources and targets left out, with {} text",
                self.deleted,
                if self.deleted == 1 { "" } else { "s" },
                if self.deleted == 1 { "its" } else { "their" }
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
        if self.skip_from.is_some() && !self.in_code {
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
        if self.skip_from.is_some() {
            // Inside a code's native data.
            if local == "sub" && self.namespace.is_some_and(|x| namespace == x.as_bytes()) {
                self.refuse(offset, "sub");
            }
            return Ok(());
        }
        if let Some(space) = self.attribute(e, "xml:space", offset)? {
            self.space.push((self.depth, space.trim() == "preserve"));
        }
        let Some(xliff) = self.namespace else {
            return self.open_root(e, namespace, &local, offset, notes);
        };
        if self.depth == 1 {
            return Err(self.error(offset, format_args!("a second root element <{local}> after </xliff>")));
        }
        if namespace != xliff.as_bytes() && self.capture.is_none() && is_sdl(namespace) {
            return self.open_sdl(e, &local, offset);
        }
        if namespace != xliff.as_bytes() {
            // A CAT tool's extension (or anything else outside XLIFF): not ours to read,
            // but inside a source or target, the words in it are the sentence's, but for
            // a tracked deletion's.
            if self.capture.is_some() && !DELETIONS.contains(&&*local) {
                self.keep_text();
            } else if self.capture.is_some() {
                self.deleted += !self.in_suggestion() as usize;
                self.skip_from = Some(self.depth);
                let depth = self.depth;
                if let Some(capture) = &mut self.capture {
                    capture.push(Raw::Mark, depth);
                }
            } else {
                self.skip_from = Some(self.depth);
            }
            return Ok(());
        }
        if self.capture.is_some() {
            return self.open_inline(e, &local, offset);
        }
        let depth = self.depth;
        if let Some(header) = self.header {
            return self.open_in_header(e, &local, depth - header, offset);
        }
        let ours = local == "alt-trans" && self.attribute(e, "tool-id", offset)?.as_deref() == Some("tolk");
        match (&*local, &mut self.unit) {
            ("trans-unit", Some(_)) => Err(self.error(offset, "a trans-unit inside another trans-unit")),
            ("trans-unit", None) => {
                let id = self.attribute(e, "id", offset)?.unwrap_or_default();
                let approved = self.approved(xml, e, offset)?;
                self.unit = Some(TransUnit {
                    line: self.line(offset),
                    part_lines: [None; 2],
                    depth,
                    id,
                    source: None,
                    target: None,
                    suggestion: None,
                    alt_trans: None,
                    suggestion_broken: false,
                    state: None,
                    approved,
                    seg_defs: None,
                    sdl_confirmed: None,
                    source_copy: false,
                    leveraged: false,
                    twice: None,
                    oversize: [None; 2],
                    refused: None,
                    notes: Vec::new(),
                });
                Ok(())
            }
            ("source" | "target", Some(unit)) if unit.depth + 1 == depth => {
                let part = if local == "source" { Part::Source } else { Part::Target };
                let line = self.line(offset);
                let (state, qualifier) = match part {
                    Part::Target => {
                        (self.attribute(e, "state", offset)?, self.attribute(e, "state-qualifier", offset)?)
                    }
                    Part::Source | Part::Suggestion => (None, None),
                };
                if let Some(unit) = &mut self.unit {
                    match unit.part_lines[part as usize] {
                        Some(_) => _ = unit.twice.get_or_insert((part, line)),
                        None => unit.part_lines[part as usize] = Some(line),
                    }
                    if part == Part::Target {
                        unit.state = state;
                        unit.source_copy = qualifier.as_deref() == Some(QUALIFIER_SOURCE_COPY);
                        unit.leveraged = qualifier.as_deref() == Some(QUALIFIER_PREFILLED);
                    }
                }
                let preserve = self.preserve();
                self.capture =
                    Some(Capture { part, depth, raw: Vec::new(), open: Vec::new(), len: 0, preserve });
                Ok(())
            }
            // The suggestion tolk offered: a target left as it is told apart from one
            // translated.
            ("alt-trans", Some(unit)) if ours && unit.depth + 1 == depth && unit.suggestion.is_none() => {
                unit.alt_trans = Some(depth);
                Ok(())
            }
            ("target", Some(unit)) if unit.alt_trans.is_some_and(|d| d + 1 == depth) => {
                let preserve = self.preserve();
                self.capture = Some(Capture {
                    part: Part::Suggestion,
                    depth,
                    raw: Vec::new(),
                    open: Vec::new(),
                    len: 0,
                    preserve,
                });
                Ok(())
            }
            ("header", None) => {
                self.header = Some(depth);
                Ok(())
            }
            // A translator's note on the unit (not one tolk wrote, `from="tolk…"`) is
            // the row's comment, kept as the entry's note.
            ("note", Some(unit)) if unit.depth + 1 == depth => {
                let from = self.attribute(e, "from", offset)?;
                if !from.as_deref().is_some_and(|f| f.starts_with("tolk")) {
                    self.note = Some((depth, String::new()));
                }
                self.skip_from = Some(depth);
                Ok(())
            }
            // Other suggestions, segmented sources, notes and context inform the
            // translator; only the unit's own source and target are read. Binary units
            // hold no sentences.
            (_, Some(_)) | ("bin-unit", None) => {
                self.skip_from = Some(depth);
                Ok(())
            }
            ("file", None) => self.check_languages(e, offset),
            // body, group
            _ => Ok(()),
        }
    }

    /// An element of Trados's namespace outside a source or target, at byte `offset`:
    /// a unit's `sdl:seg-defs` is read for the confirmation level (`conf`) of each of
    /// its `sdl:seg`s, as Trados keeps it there and leaves the target's `state` as it
    /// was; all else of Trados's is skipped.
    fn open_sdl(&mut self, e: &BytesStart<'_>, local: &str, offset: u64) -> Result<()> {
        let depth = self.depth;
        let conf = match local {
            "seg" => self.attribute(e, "conf", offset)?,
            _ => None,
        };
        let Some(unit) = &mut self.unit else {
            self.skip_from = Some(depth);
            return Ok(());
        };
        match (local, unit.seg_defs) {
            ("seg-defs", None) if unit.depth + 1 == depth && unit.alt_trans.is_none() => {
                unit.seg_defs = Some(depth);
            }
            ("seg", Some(defs)) if defs + 1 == depth => {
                let confirmed = conf.is_some_and(|c| SDL_CONFIRMED.contains(&c.trim()));
                unit.sdl_confirmed = Some(unit.sdl_confirmed.unwrap_or(true) && confirmed);
                self.skip_from = Some(depth);
            }
            _ => self.skip_from = Some(depth),
        }
        Ok(())
    }

    /// An XLIFF element `levels` below a file's `header`, at byte `offset`: the batch
    /// id tolk wrote as the `job-id` of its `phase` (`tool-id="tolk"`) is read (the
    /// first one), and all else there is skipped.
    fn open_in_header(&mut self, e: &BytesStart<'_>, local: &str, levels: usize, offset: u64) -> Result<()> {
        match (levels, local) {
            (1, "phase-group") => {}
            // Another tool's phase (a CAT tool's own job) names no batch of tolk's.
            (2, "phase") if self.attribute(e, "tool-id", offset)?.as_deref() == Some("tolk") => {
                if self.batch.is_none() {
                    self.batch = self.attribute(e, "job-id", offset)?.filter(|id| !id.trim().is_empty());
                }
                self.skip_from = Some(self.depth);
            }
            _ => self.skip_from = Some(self.depth),
        }
        Ok(())
    }

    /// An XLIFF element inside a `source` or `target`, at byte `offset`: the inline
    /// codes become placeholders (by their ids, numbered when the unit is complete),
    /// `mrk` keeps its text, and what tolk cannot read back is the unit's problem.
    fn open_inline(&mut self, e: &BytesStart<'_>, local: &str, offset: u64) -> Result<()> {
        let depth = self.depth;
        if local == "mrk" {
            if let Some(capture) = &mut self.capture {
                capture.open.push((depth, None));
                capture.push(Raw::Mark, depth);
            }
            return Ok(());
        }
        // Everything else has no text of the sentence inside it.
        self.skip_from = Some(depth);
        let kind: fn(String) -> Inline = match local {
            "g" | "bx" | "bpt" => Inline::Open,
            "ex" | "ept" => Inline::Close,
            "x" | "ph" => Inline::Lone,
            "it" | "sub" => {
                self.refuse(offset, local);
                return Ok(());
            }
            // Not XLIFF's inline markup.
            _ => {
                self.skip_from = None;
                self.keep_text();
                return Ok(());
            }
        };
        self.in_code = matches!(local, "ph" | "bpt" | "ept");
        // The two ends of a bx/ex or bpt/ept pair may have ids of their own and link
        // by rid.
        let rid = match local {
            "bx" | "ex" | "bpt" | "ept" => self.attribute(e, "rid", offset)?,
            _ => None,
        };
        let Some(id) = rid.or(self.attribute(e, "id", offset)?) else {
            let line = self.line(offset);
            let suggestion = self.in_suggestion();
            if let Some(unit) = &mut self.unit {
                if suggestion {
                    unit.suggestion_broken = true;
                    return Ok(());
                }
                unit.refused.get_or_insert(Problem {
                    origin: Origin::line(self.path, line),
                    column: local.to_string(),
                    expected: format!("an id attribute on <{local}>, as XLIFF requires"),
                    found: "none; give the tag back its id in the CAT tool, or export the file again".into(),
                });
            }
            return Ok(());
        };
        if let Some(capture) = &mut self.capture {
            if local == "g" {
                self.skip_from = None;
                capture.open.push((depth, Some(id.clone())));
            }
            capture.push(Raw::Piece(kind(id)), depth);
        }
        Ok(())
    }

    /// An element of another tool (memoQ's `mq:rxt` around a name, say) just opened in
    /// a source or target: its text is kept, as `mrk`'s is, without a tag, and it is
    /// counted for a note; in the suggestion, it makes the suggestion one not compared.
    fn keep_text(&mut self) {
        let depth = self.depth;
        let suggestion = self.in_suggestion();
        if let Some(capture) = &mut self.capture {
            capture.open.push((depth, None));
            capture.push(Raw::Mark, depth);
        }
        if suggestion {
            if let Some(unit) = &mut self.unit {
                unit.suggestion_broken = true;
            }
        } else {
            self.foreign += 1;
        }
    }

    /// Whether the white space of text begun now is to be kept as it is: the innermost
    /// `xml:space` around it says `preserve` (XLIFF's default is `default`).
    fn preserve(&self) -> bool {
        self.space.last().is_some_and(|&(_, preserve)| preserve)
    }

    /// Whether the text being read is the suggestion of tolk's `alt-trans`.
    fn in_suggestion(&self) -> bool {
        self.capture.as_ref().is_some_and(|c| c.part == Part::Suggestion)
    }

    /// Makes the element `name` at byte `offset` the unit's problem (unless it has one);
    /// in the suggestion, makes the suggestion one not compared.
    fn refuse(&mut self, offset: u64, name: &str) {
        let line = self.line(offset);
        let suggestion = self.in_suggestion();
        let Some(unit) = &mut self.unit else { return };
        if suggestion {
            unit.suggestion_broken = true;
            return;
        }
        let found = match name {
            "it" => {
                "<it>, an isolated tag whose partner is in another segment, which tolk cannot place; \
                     keep the tags as the source has them (g, x, bx, ex) and export again"
            }
            _ => {
                "<sub>, translatable text inside a code, which tolk has no place for; remove it and export \
                  again"
            }
        };
        unit.refused.get_or_insert(Problem {
            origin: Origin::line(self.path, line),
            column: name.to_string(),
            expected: "inline tags tolk reads back (g, x, bx, ex, ph, bpt, ept, mrk)".into(),
            found: found.into(),
        });
    }

    /// A `file` must be from Norwegian (Bokmål or Nynorsk) into English, as tolk
    /// translates; one that names no language is taken to be.
    /// Its languages are kept, with its line, for the import to compare with the
    /// project's ([`ReadFile::other_english`], [`ReadFile::other_norwegian`]).
    fn check_languages(&mut self, e: &BytesStart<'_>, offset: u64) -> Result<()> {
        let nynorsk = Language::parse("nn").expect("a valid code");
        let norwegian = [Language::bokmal(), nynorsk];
        let english = [Language::english()];
        for (name, expected) in [("source-language", &norwegian[..]), ("target-language", &english[..])] {
            if let Some(code) = self.attribute(e, name, offset)? {
                if !expected.iter().any(|l| l.matches(&code)) {
                    let names: Vec<String> = expected.iter().map(Language::describe).collect();
                    let names = names.join(" or ");
                    return Err(self.error(offset, format_args!("{name} {code:?}, expected {names}")));
                }
                match name {
                    "target-language" => self.target_languages.push((self.line(offset), code)),
                    _ => self.source_languages.push((self.line(offset), code)),
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
        if self.space.last().is_some_and(|&(d, _)| d == depth) {
            self.space.pop();
        }
        if self.header == Some(depth) {
            self.header = None;
        }
        if let Some((_, note)) = self.note.take_if(|(d, _)| *d == depth) {
            if let Some(unit) = &mut self.unit {
                if !note.trim().is_empty() {
                    unit.notes.push(note.trim().to_string());
                }
            }
        }
        if let Some(from) = self.skip_from {
            if from == depth {
                self.skip_from = None;
                self.in_code = false;
            }
            return;
        }
        if let Some(capture) = &mut self.capture {
            if capture.open.last().is_some_and(|&(d, _)| d == depth) {
                match capture.open.pop() {
                    Some((_, Some(id))) => capture.push(Raw::Piece(Inline::Close(id)), depth),
                    _ => capture.push(Raw::Mark, depth),
                }
                return;
            }
        }
        if let Some(capture) = self.capture.take_if(|c| c.depth == depth) {
            if let Some(unit) = &mut self.unit {
                let slot = match capture.part {
                    Part::Source => &mut unit.source,
                    Part::Target => &mut unit.target,
                    Part::Suggestion => &mut unit.suggestion,
                };
                // A suggestion too long to keep is only not compared.
                let oversize = capture.len > MAX_XML_TEXT;
                if slot.is_none() && !(oversize && capture.part == Part::Suggestion) {
                    *slot = Some(Captured { raw: indent::merged(capture.raw), preserve: capture.preserve });
                }
                if oversize && capture.part != Part::Suggestion {
                    unit.oversize[capture.part as usize].get_or_insert(capture.len);
                }
            }
            return;
        }
        if let Some(unit) = &mut self.unit {
            if unit.alt_trans == Some(depth) {
                unit.alt_trans = None;
            }
            if unit.seg_defs == Some(depth) {
                unit.seg_defs = None;
            }
        }
        if let Some(unit) = self.unit.take_if(|u| u.depth == depth) {
            self.finish(unit, file);
        }
    }

    /// Text (unescaped) or CDATA.
    fn text(&mut self, value: &str) {
        if let Some((_, note)) = &mut self.note {
            if note.len() < MAX_XML_TEXT {
                note.push_str(value);
            }
            return;
        }
        if self.skip_from.is_some() {
            return;
        }
        let depth = self.depth;
        if let Some(capture) = &mut self.capture {
            capture.push(Raw::Piece(Inline::Text(value.to_string())), depth + 1);
        }
    }

    /// A complete `trans-unit`: a row, or a problem.
    fn finish(&mut self, unit: TransUnit, file: &mut ReadFile) {
        // A problem of the source or target is on its element's line.
        let line_of = |column: &str| match column {
            "source" => unit.part_lines[Part::Source as usize],
            "target" => unit.part_lines[Part::Target as usize],
            _ => None,
        };
        // Named by its id too, which a CAT tool's user can search for.
        let origin = |line: u64| Origin {
            unit_id: Some(unit.id.clone()).filter(|id| !id.is_empty()),
            ..Origin::line(self.path, line)
        };
        let problem = |column: &str, expected: String, found: String| Problem {
            origin: origin(line_of(column).unwrap_or(unit.line)),
            column: column.to_string(),
            expected,
            found,
        };
        let Some(source) = &unit.source else {
            file.problems.push(problem(
                "source",
                "a <source> element in the trans-unit".into(),
                "none".into(),
            ));
            return;
        };
        if let Some((part, line)) = unit.twice {
            let name = if part == Part::Source { "source" } else { "target" };
            file.problems.push(Problem {
                origin: origin(line),
                ..problem(name, format!("one <{name}> element in the trans-unit"), "two".into())
            });
            return;
        }
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
        if let Some(refused) = &unit.refused {
            file.problems.push(Problem { origin: origin(refused.origin.row), ..refused.clone() });
            return;
        }
        let (readings, tidied) = readings(source, unit.target.as_ref(), unit.suggestion.as_ref());
        let numbers = Numbers::of(&readings[0].0);
        // A target tag the source lacks is the translator's stray tag, or the sign of a
        // source whose tags were edited: the check, which knows the sentence as issued,
        // tells which.
        let (target, stray_tag) = numbers.text_lossy(&readings[0].1);
        // A suggestion with a tag the source lacks is nothing a target equals.
        let suggestion = |s: &Option<Vec<Inline>>| {
            s.as_ref().filter(|_| !unit.suggestion_broken).and_then(|s| numbers.text(s).ok())
        };
        let reindented = readings.len() > 1 || indent::has_gap(&source.raw);
        let other = readings.get(1).map(|(source, target, other)| Reading {
            source: numbers.text(source).unwrap_or_default(),
            target: numbers.text_lossy(target).0,
            suggestion: suggestion(other),
        });
        file.rows.push(ImportRow {
            origin: origin(unit.line),
            element_lines: Some(unit.part_lines.map(|l| l.unwrap_or(unit.line))),
            id: unit.id.clone(),
            source: numbers.text(&readings[0].0).unwrap_or_default(),
            target,
            translator: None,
            // As the file marks it; the batch's record, where there is one, decides
            // (`tolk import`).
            prefilled: unit.state.as_deref() == Some(STATE_PREFILLED) && unit.leveraged,
            state: UnitState {
                state: unit.state,
                approved: unit.approved || unit.sdl_confirmed == Some(true),
            },
            source_copy: unit.source_copy,
            suggestion: suggestion(&readings[0].2),
            none_offered: false,
            comment: Some(unit.notes.join("\n")).filter(|n| !n.is_empty()),
            unit: XliffUnit { stray_tag, reindented, other },
        });
        self.tidied += tidied;
        // (A source without a tag, on lines of its own, is only pretty-printed.)
        let tagged = source.raw.iter().any(|(piece, _)| !matches!(piece, Raw::Piece(Inline::Text(_))));
        self.reindented += usize::from(reindented && tagged);
    }

    /// Whether the `trans-unit` `e` says its target is confirmed other than by the
    /// target's `state`: XLIFF's `approved="yes"`, or memoQ's `mq:status` (in its
    /// namespace, `MQXliff` as memoQ declares it) confirmed by the translator or a
    /// reviewer.
    fn approved(&self, xml: &NsReader<&[u8]>, e: &BytesStart<'_>, offset: u64) -> Result<bool> {
        if self.attribute(e, "approved", offset)?.is_some_and(|a| a.trim().eq_ignore_ascii_case("yes")) {
            return Ok(true);
        }
        for attribute in e.attributes().flatten() {
            let (namespace, local) = xml.resolve_attribute(attribute.key);
            let ResolveResult::Bound(namespace) = namespace else { continue };
            let namespace = String::from_utf8_lossy(namespace.0).to_ascii_lowercase();
            let memoq = ["mqxliff", "kilgray", "memoq"].iter().any(|n| namespace.contains(n));
            if memoq && local.as_ref() == b"status" {
                let value = attribute.unescape_value().unwrap_or_default();
                return Ok(MEMOQ_CONFIRMED.contains(&value.trim()));
            }
        }
        Ok(false)
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

/// A unit's source, target and suggestion, read one way.
type Texts = (Vec<Inline>, Vec<Inline>, Option<Vec<Inline>>);

/// The texts of a unit, as (source, target, suggestion), each in one way of reading their
/// white space, the first to try first, and how many of the first's source and target
/// were tidied ([`tidy_space`]).
///
/// A source with a gap (white space with a line break beside a tag or at its edge,
/// [`indent`]) was re-indented by a tool, as tolk's sentences hold no line break: its
/// gaps, and its target's, are read as the tool's indentation, both ways
/// [`Indentation`] offers, the way the file shows it keeps the text's own spaces (or, for
/// want of a sign, the other) first; the import takes the first whose source is the
/// sentence as issued. A target whose source has no gap keeps its line breaks, as the
/// translator's (where white space is preserved). The suggestion, tolk's own text, is
/// read the same way as the target. Where white space is not preserved, what is left
/// is then tidied as XML's default allows.
fn readings(
    source: &Captured,
    target: Option<&Captured>,
    suggestion: Option<&Captured>,
) -> (Vec<Texts>, usize) {
    let tidy = |mut pieces: Vec<Inline>, captured: &Captured, tidied: &mut usize, count: bool| {
        if !captured.preserve && tidy_space(&mut pieces) && count {
            *tidied += 1;
        }
        pieces
    };
    let plain = |captured: &Captured| indent::pieces(&captured.raw);
    let mut tidied = 0;
    if !indent::has_gap(&source.raw) {
        let texts = (
            tidy(plain(source), source, &mut tidied, true),
            target.map_or_else(Vec::new, |t| tidy(plain(t), t, &mut tidied, true)),
            suggestion.map(|s| tidy(plain(s), s, &mut 0, false)),
        );
        return (vec![texts], tidied);
    }
    let empty = Captured { raw: Vec::new(), preserve: true };
    let target = target.unwrap_or(&empty);
    let read = |how: Indentation| -> Option<(Texts, bool)> {
        let (source_pieces, source_kept) = indent::respace(&source.raw, how)?;
        let (target_pieces, target_kept) = indent::respace(&target.raw, how)?;
        // A suggestion that cannot be read so is only not compared.
        let suggestion = suggestion.and_then(|s| indent::respace(&s.raw, how)).map(|(pieces, _)| pieces);
        Some(((source_pieces, target_pieces, suggestion), source_kept || target_kept))
    };
    let added = read(Indentation::Added);
    let replacing = read(Indentation::Replacing);
    let mut all: Vec<Texts> = match (added, replacing) {
        (Some((added, true)), Some((replacing, _))) => vec![added, replacing],
        (Some((added, false)), Some((replacing, _))) => vec![replacing, added],
        (Some((one, _)), None) | (None, Some((one, _))) => vec![one],
        (None, None) => vec![(plain(source), plain(target), suggestion.map(plain))],
    };
    for (k, (source_pieces, target_pieces, suggestion_pieces)) in all.iter_mut().enumerate() {
        *source_pieces = tidy(std::mem::take(source_pieces), source, &mut tidied, k == 0);
        *target_pieces = tidy(std::mem::take(target_pieces), target, &mut tidied, k == 0);
        if let (Some(pieces), Some(s)) = (suggestion_pieces.as_mut(), suggestion) {
            *pieces = tidy(std::mem::take(pieces), s, &mut 0, false);
        }
    }
    (all, tidied)
}
/// Tidies the white space of a source's or target's `pieces` where the text is not
/// `xml:space="preserve"`, as every XML reader of tolk does ([`xml::tidy_space`]).
fn tidy_space(pieces: &mut Vec<Inline>) -> bool {
    fn text_of(piece: &mut Inline) -> Option<&mut String> {
        match piece {
            Inline::Text(t) => Some(t),
            _ => None,
        }
    }
    xml::tidy_space(pieces, text_of)
}

/// The placeholder number of each inline code id of a unit's source, which its
/// target's codes must use too.
struct Numbers(HashMap<String, u32>);

impl Numbers {
    /// The ids of `source` as numbers: as they are, when every one is written as a
    /// placeholder's number (as tolk writes them); otherwise numbered from 1 in the order
    /// they first appear, so that `a1`, `a2` or `b5` become the numbers the codes would
    /// have had.
    fn of(source: &[Inline]) -> Numbers {
        let mut ids: Vec<&str> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for piece in source {
            if let Inline::Open(id) | Inline::Close(id) | Inline::Lone(id) = piece {
                if seen.insert(id) {
                    ids.push(id);
                }
            }
        }
        let numbers: Option<HashMap<String, u32>> =
            ids.iter().map(|id| number(id).map(|n| (id.to_string(), n))).collect();
        Numbers(numbers.unwrap_or_else(|| ids.iter().zip(1..).map(|(id, n)| (id.to_string(), n)).collect()))
    }

    /// `pieces` as text with placeholders, leaving out the codes whose ids the source
    /// does not have, and the first such id.
    fn text_lossy(&self, pieces: &[Inline]) -> (String, Option<String>) {
        let mut stray = None;
        let known: Vec<Inline> = (pieces.iter())
            .filter(|piece| match piece {
                Inline::Open(id) | Inline::Close(id) | Inline::Lone(id) if !self.0.contains_key(id) => {
                    stray.get_or_insert_with(|| id.clone());
                    false
                }
                _ => true,
            })
            .cloned()
            .collect();
        (self.text(&known).unwrap_or_default(), stray)
    }

    /// `pieces` as text with placeholders, or the first id the source does not have.
    fn text(&self, pieces: &[Inline]) -> std::result::Result<String, String> {
        let mut out = String::new();
        for piece in pieces {
            let code = match piece {
                Inline::Text(t) => {
                    out.push_str(t);
                    continue;
                }
                Inline::Open(id) => self.0.get(id).map(|&n| Code::Open(n)),
                Inline::Close(id) => self.0.get(id).map(|&n| Code::Close(n)),
                Inline::Lone(id) => self.0.get(id).map(|&n| Code::Lone(n)),
            };
            match (code, piece) {
                (Some(code), _) => out.push_str(&code.to_string()),
                (None, Inline::Open(id) | Inline::Close(id) | Inline::Lone(id)) => return Err(id.clone()),
                (None, Inline::Text(_)) => {}
            }
        }
        Ok(out)
    }
}

/// `id` as a placeholder's number, if it is written as one: digits without a leading
/// zero, at most nine.
fn number(id: &str) -> Option<u32> {
    let digits = id.bytes().all(|b| b.is_ascii_digit()) && (1..=9).contains(&id.len());
    (digits && (id == "0" || !id.starts_with('0'))).then(|| id.parse().ok()).flatten()
}

/// The values of memoQ's `mq:status` that say a translator (or a reviewer after them)
/// confirmed the segment.
const MEMOQ_CONFIRMED: &[&str] = &["ManuallyConfirmed", "Reviewer1Confirmed", "Reviewer2Confirmed"];

/// The values of Trados's `conf` on a segment (`sdl:seg`) that say a translator (or a
/// reviewer after them) confirmed it; `Draft`, `RejectedTranslation`,
/// `RejectedSignOff` and `Unspecified` do not.
const SDL_CONFIRMED: &[&str] = &["Translated", "ApprovedTranslation", "ApprovedSignOff"];

/// Whether `namespace` is Trados's (`http://sdl.com/FileTypes/SdlXliff/1.0`).
fn is_sdl(namespace: &[u8]) -> bool {
    String::from_utf8_lossy(namespace).to_ascii_lowercase().contains("sdl.com/filetypes/sdlxliff")
}

/// The local names other tools give a tracked deletion inside a source or target
/// (memoQ's `mq:del`, and the like): its words are no longer the sentence's.
const DELETIONS: &[&str] = &["del", "delete", "deleted", "deletion"];

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
            tags: Vec::new(),
            before: None,
            after: None,
            terms: Vec::new(),
            repaired: Vec::new(),
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
                    r.state.state.as_deref().unwrap_or("-")
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

    /// Regression: a pretty-printed file (every element on its own line, indented)
    /// without `xml:space="preserve"` brought its line breaks and indentation into the
    /// memory as the translation's.
    #[test]
    fn line_breaks_and_indentation_are_tidied_unless_white_space_is_preserved() {
        // (The source on one line: one re-indented is read as the file's indentation
        // whatever xml:space says, below.)
        let pretty =
            "<source>Les <g id=\"1\">vilkårene</g>.</source>\n    <target state=\"final\">\n      Read \
                      the\n      <g id=\"1\">terms</g>  and\tgo.\n    </target>";
        let tidied = "1 s1 Les {1}vilkårene{/1}.|Read the {1}terms{/1}  and\tgo.|final";
        let kept = "1 s1 Les {1}vilkårene{/1}.|\n      Read the\n      {1}terms{/1}  and\tgo.\n    |final";
        let file = |space: &str| unit(pretty).replace("<file ", &format!("<file {space}"));
        let unit_space = |space: &str| unit(pretty).replace("<trans-unit ", &format!("<trans-unit {space}"));
        // No xml:space is XML's default; one on the file is inherited, the innermost counts.
        check(&unit(pretty), &[tidied]);
        check(&file("xml:space=\"default\" "), &[tidied]);
        check(&unit_space("xml:space=\"default\" "), &[tidied]);
        check(&file("xml:space=\"preserve\" "), &[kept]);
        check(&unit_space("xml:space=\"preserve\" "), &[kept]);
        check(
            &file("xml:space=\"preserve\" ")
                .replace("<target ", "<target xml:space=\"default\" ")
                .replace("<source>", "<source xml:space=\"default\">"),
            &[tidied],
        );
        // One pretty-printed line of its own is said in a note; a text without a line
        // break is left alone.
        let notes = read(&unit(pretty)).unwrap().notes;
        assert!(
            notes.iter().any(|n| n.starts_with("1 source or target without xml:space=\"preserve\" had")),
            "{notes:?}"
        );
        check(&unit("<source> Hei. </source><target>  Hi. </target>"), &["1 s1  Hei. |  Hi. |-"]);
        assert!(read(&unit("<source>Hei.</source>")).unwrap().notes.is_empty());
    }

    /// Regression: a file a tool re-indented (Python's minidom: every inline tag on a
    /// line of its own, the text between on lines of their own, indented, whatever
    /// `xml:space` says) was refused for every unit with tags, as an edited source. The
    /// line breaks and indentation beside tags are read as the file's, both ways a tool
    /// writes them; the import takes the one whose source is the sentence as issued.
    #[test]
    fn a_re_indented_unit_is_read_without_its_indentation_whatever_its_xml_space() {
        let minidom = "\n        <source>\n          Takk til alle, og \n          <g id=\"1\">spesielt</g>\n           til \
                       \n          <x id=\"2\"/>\n          !\n        </source>\n        <target state=\"translated\">\n          \
                       Thanks to all, and \n          <g id=\"1\">especially</g>\n          , to \n          <x id=\"2\"/>\n          \
                       !\n        </target>\n      ";
        let exact = "Takk til alle, og {1}spesielt{/1} til {2/}!";
        for space in ["xml:space=\"preserve\" ", "", "xml:space=\"default\" "] {
            let xml = unit(minidom).replace("<trans-unit ", &format!("<trans-unit {space}"));
            let file = read(&xml).unwrap_or_else(|e| panic!("{e}"));
            assert!(file.problems.is_empty(), "{:?}", file.problems);
            let row = &file.rows[0];
            // The text's own spaces, kept beside the indentation, show the tool added it.
            assert_eq!(
                (row.source.as_str(), row.target.as_str()),
                (exact, "Thanks to all, and {1}especially{/1}, to {2/}!"),
                "{space}"
            );
            let other = row.unit.other.as_ref().expect("the other reading");
            assert_eq!(
                (other.source.as_str(), other.target.as_str()),
                (
                    "Takk til alle, og {1}spesielt{/1} til {2/} !",
                    "Thanks to all, and {1}especially{/1} , to {2/} !"
                )
            );
            assert!(row.unit.reindented);
            assert_eq!(
                file.notes,
                ["1 unit had line breaks and indentation beside its tags, as a tool that re-indents XML writes them: \
                  read as the file's indentation, not text, the spaces taken as the unit's sources as issued show them"]
            );
        }
        // Written as tolk writes it, a unit is no re-indented one.
        let file =
            read(&unit("<source>Hei <g id=\"1\">du</g>.</source><target>Hi <g id=\"1\">you</g>.</target>"))
                .unwrap();
        assert_eq!((file.rows[0].unit.reindented, file.rows[0].unit.other.as_ref()), (false, None));
    }

    /// Regression: a unit approved as XLIFF 1.2 says it (Okapi), or confirmed in memoQ,
    /// with its target's state left as exported, was taken for not translated yet.
    #[test]
    fn a_unit_approved_or_confirmed_in_memoq_is_approved_whatever_its_state() {
        let approved = |attributes: &str, namespaces: &str| {
            let xml = unit("<source>Hei.</source><target state=\"needs-translation\">Hi.</target>")
                .replace("<trans-unit id=\"s1\">", &format!("<trans-unit id=\"s1\" {attributes}>"))
                .replace("<xliff ", &format!("<xliff {namespaces} "));
            let file = read(&xml).unwrap_or_else(|e| panic!("{e}"));
            let state = file.rows[0].state.clone();
            assert_eq!(state.state.as_deref(), Some("needs-translation"), "{attributes}");
            (state.approved, state.untranslated(), state.confirmed())
        };
        let memoq = "xmlns:mq=\"MQXliff\"";
        for (attributes, namespaces) in [
            ("approved=\"yes\"", ""),
            ("mq:status=\"ManuallyConfirmed\"", memoq),
            ("mq:status=\"Reviewer1Confirmed\"", memoq),
            ("m:status=\"ManuallyConfirmed\"", "xmlns:m=\"http://www.kilgray.com/2012/mqxliff\""),
        ] {
            assert_eq!(approved(attributes, namespaces), (true, false, true), "{attributes} {namespaces}");
        }
        for (attributes, namespaces) in [
            ("approved=\"no\"", ""),
            ("mq:status=\"PartiallyEdited\"", memoq),
            // Another tool's status of the same name says nothing of memoQ's.
            ("x:status=\"ManuallyConfirmed\"", "xmlns:x=\"urn:other\""),
        ] {
            assert_eq!(approved(attributes, namespaces), (false, true, false), "{attributes} {namespaces}");
        }
    }

    /// Regression: Trados keeps a segment's confirmation in `sdl:seg-defs` and leaves
    /// the target's state as exported, so every unit it confirmed was held back as a
    /// draft (a trial's `trados-like.xlf`), where memoQ's `mq:status` was honoured.
    #[test]
    fn a_segment_trados_confirmed_is_approved_whatever_its_state() {
        let sdl = "xmlns:sdl=\"http://sdl.com/FileTypes/SdlXliff/1.0\"";
        let approved = |defs: &str, namespaces: &str| {
            let xml = unit(&format!(
                "<source>Hei.</source><seg-source><mrk mtype=\"seg\" mid=\"1\">Hei.</mrk></seg-source>\
                 <target state=\"needs-translation\"><mrk mtype=\"seg\" mid=\"1\">Hi.</mrk></target>{defs}"
            ))
            .replace("<xliff ", &format!("<xliff {namespaces} "));
            let file = read(&xml).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(file.rows[0].target, "Hi.", "{defs}");
            let state = file.rows[0].state.clone();
            (state.approved, state.untranslated())
        };
        let defs = |confs: &[&str]| {
            let segs: String = (confs.iter().enumerate())
                .map(|(i, c)| format!("<sdl:seg id=\"{}\" conf=\"{c}\" origin=\"interactive\"><sdl:value key=\"x\">y</sdl:value></sdl:seg>", i + 1))
                .collect();
            format!("<sdl:seg-defs>{segs}</sdl:seg-defs>")
        };
        for conf in ["Translated", "ApprovedTranslation", "ApprovedSignOff"] {
            assert_eq!(approved(&defs(&[conf]), sdl), (true, false), "{conf}");
        }
        for conf in ["Draft", "RejectedTranslation", "RejectedSignOff", "Unspecified", "translated"] {
            assert_eq!(approved(&defs(&[conf]), sdl), (false, true), "{conf}");
        }
        // A segment without a level is unspecified; a unit of two segments is confirmed
        // when both are.
        assert_eq!(approved("<sdl:seg-defs><sdl:seg id=\"1\"/></sdl:seg-defs>", sdl), (false, true));
        assert_eq!(approved(&defs(&["Translated", "Draft"]), sdl), (false, true));
        assert_eq!(approved(&defs(&["Translated", "ApprovedSignOff"]), sdl), (true, false));
        // The same names in another tool's namespace, or in an alt-trans, say nothing.
        assert_eq!(
            approved(&defs(&["Translated"]).replace("sdl:", "o:"), "xmlns:o=\"urn:other\""),
            (false, true)
        );
        let inside = format!("<alt-trans><target>Hi.</target>{}</alt-trans>", defs(&["Translated"]));
        assert_eq!(approved(&inside, sdl), (false, true));
    }

    /// Regression: every tag went out without a `ctype`, so a CAT tool showed bold,
    /// italic, a link and a line break alike.
    #[test]
    fn each_tag_says_what_it_is_as_xliff_names_it() {
        let kinds = |datatype: &str, tags: &[(&str, &str)]| {
            let tags: Vec<(String, String)> =
                tags.iter().map(|(c, m)| (c.to_string(), m.to_string())).collect();
            let mut kinds: Vec<(u32, String)> = ctypes(&tags, datatype).into_iter().collect();
            kinds.sort();
            kinds.into_iter().map(|(n, k)| format!("{n}={k}")).collect::<Vec<_>>().join(" ")
        };
        assert_eq!(
            kinds(
                "html",
                &[
                    ("{1}…{/1}", "<b>…</b>"),
                    ("{2}…{/2}", "<EM class=\"x\">…</EM>"),
                    ("{3}…{/3}", "<a href=\"https://lyse.no\">…</a>"),
                    ("{4/}", "<br>"),
                    ("{5/}", "<img src=\"a.png\" alt=\"Kart\">"),
                    ("{6}…{/6}", "<q>…</q>"),
                    ("{7/}", "<code>tolk build</code>"),
                    ("{8}…{/8}", "<u>…</u>"),
                    ("{9}", "<strong>"),
                ]
            ),
            "1=bold 2=italic 3=link 4=lb 5=image 6=x-html-q 7=x-html-code 8=underlined 9=bold"
        );
        assert_eq!(
            kinds(
                "x-markdown",
                &[
                    ("{1}…{/1}", "**…**"),
                    ("{2}…{/2}", "_…_"),
                    ("{3}…{/3}", "[…](https://lyse.no)"),
                    ("{4/}", "`npm install`"),
                    ("{5/}", "![Kart](a.png)"),
                    ("{6}…{/6}", "~~…~~"),
                    ("{7}…{/7}", "<sup>…</sup>"),
                    ("{8/}", "{{< figure >}}"),
                ]
            ),
            "1=bold 2=italic 3=link 4=x-code 5=image 6=x-strikethrough 7=x-html-sup"
        );
        for datatype in ["x-docx", "x-odt"] {
            assert_eq!(
                kinds(
                    datatype,
                    &[
                        ("{1}…{/1}", "bold"),
                        ("{2}…{/2}", "bold, italic"),
                        ("{3}…{/3}", "link to https://lyse.no"),
                        ("{4/}", "line break"),
                        ("{5/}", "page break"),
                        ("{6/}", "image (Kart over Bergen)"),
                        ("{7/}", "date, shows \"02.12.26\""),
                        ("{8/}", "footnote"),
                        ("{9}…{/9}", "struck through, superscript"),
                        ("{10}…{/10}", "underlined"),
                        ("{11/}", "author's name, shows \"Kari\""),
                    ]
                ),
                "1=bold 2=x-bold-italic 3=link 4=lb 5=pb 6=image 7=x-date 8=x-footnote 9=x-struck-through 10=underlined \
                 11=x-author-s-name"
            );
        }
        // Plain text has no tags to describe.
        assert_eq!(kinds("plaintext", &[]), "");
        // Written on g, bx and x, never on ex, and not in the suggestion, whose tags are
        // another sentence's; read back as before.
        let mut r = row(1, "Les {1}vilkårene{/1}{2/} og {3}her.", &["a.html:1"]);
        r.tags = vec![
            ("{1}…{/1}".into(), "<b>…</b>".into()),
            ("{2/}".into(), "<br>".into()),
            ("{3}".into(), "<a href=\"x\">".into()),
        ];
        r.target = "Read {1}the terms{/1}{2/} and {3}here.".into();
        r.score = Some(80);
        r.suggestion = r.target.clone();
        r.suggestion_source = "Les {1}dem{/1}{2/} og {3}her.".into();
        let xml = render(&Batch::new(vec![r])).unwrap();
        let tagged = "<g id=\"1\" ctype=\"bold\">vilkårene</g><x id=\"2\" ctype=\"lb\"/> og <bx id=\"3\" ctype=\"link\"/>her.";
        assert!(xml.contains(&format!("<source>Les {tagged}</source>")), "{xml}");
        assert!(
            xml.contains(
                "<target>Read <g id=\"1\">the terms</g><x id=\"2\"/> and <bx id=\"3\"/>here.</target>"
            ),
            "{xml}"
        );
        let back = read(&xml).unwrap();
        assert_eq!(
            (back.rows[0].source.as_str(), back.rows[0].target.as_str()),
            ("Les {1}vilkårene{/1}{2/} og {3}her.", "Read {1}the terms{/1}{2/} and {3}here.")
        );
    }

    #[test]
    fn copied_sources_are_marked_and_each_file_names_its_kind() {
        let mut suggested = row(1, "Hei {1}du{/1}.", &["side.HTML:3"]);
        suggested.target = "Hi {1}you{/1}.".into();
        let plain = row(2, "Ja {1}da{/1}.", &["notat.md:1"]);
        let mut batch = Batch::new(vec![suggested, plain]);
        batch.copy_source = true;
        let xml = render(&batch).unwrap();
        assert!(
            xml.contains(r#"original="side.HTML" source-language="nb" target-language="en" datatype="html""#)
        );
        assert!(xml.contains(r#"datatype="x-markdown""#), "{xml}");
        // A suggestion stays the prefilled target; the other target is its source.
        assert!(xml.contains(r#"state-qualifier="leveraged-tm">Hi <g id="1">you</g>.</target>"#), "{xml}");
        assert!(
            xml.contains(
                r#"<target state="needs-translation" state-qualifier="x-tolk-source-copy">Ja <g id="1">da</g>.</target>"#
            ),
            "{xml}"
        );
        let file = read(&xml).unwrap();
        let copies: Vec<(bool, &str)> =
            file.rows.iter().map(|r| (r.source_copy, r.target.as_str())).collect();
        assert_eq!(copies, [(false, "Hi {1}you{/1}."), (true, "Ja {1}da{/1}.")]);
    }

    #[test]
    fn a_batch_says_its_id_and_translator_in_each_file_header() {
        let mut batch = Batch::new(vec![row(1, "Hei.", &["a.txt:1"]), row(2, "Ja.", &["b.txt:1"])]);
        batch.id = Some("b20261201-101010".into());
        batch.translator = Some("Åse & Bjørn".into());
        let xml = render(&batch).unwrap();
        let phase = r#"<phase-group>
        <phase phase-name="translation" process-name="translation" tool-id="tolk" job-id="b20261201-101010" contact-name="Åse &amp; Bjørn"/>
      </phase-group>"#;
        assert_eq!(xml.matches(phase).count(), 2, "{xml}");
        assert_eq!(read(&xml).unwrap().batch.as_deref(), Some("b20261201-101010"));
        // The first file's says it; another tool's header elements, and its phases,
        // are skipped.
        let other = xml.replacen("job-id=\"b20261201-101010\"", "job-id=\"b1\"", 1).replacen(
            "<header>",
            "<header><skl><external-file href=\"x\"/></skl><note>job-id</note>\
             <phase-group><phase phase-name=\"p\" process-name=\"review\" tool-id=\"cat\" job-id=\"J-1001\"/></phase-group>",
            1,
        );
        let file = read(&other).unwrap();
        assert_eq!((file.batch.as_deref(), file.rows.len()), (Some("b1"), 2));
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
        second.terms = vec!["takk = thanks".into(), "OKS = OKS (keep)".into()];
        let xml = render(&Batch::new(vec![shared, second])).unwrap();
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
        <note from="tolk-terms" annotates="source">takk = thanks; OKS = OKS (keep)</note>
      </trans-unit>
    </body>
  </file>
</xliff>
"#
        );
        assert_eq!(xml, expected);
        // Read back: the prefilled unit is marked, the other is not translated yet.
        let file = read(&xml).unwrap();
        assert_eq!(file.batch, None);
        let rows: Vec<_> =
            file.rows.iter().map(|r| (r.origin.row, r.target.as_str(), r.state.state.as_deref())).collect();
        assert_eq!(rows, [(8, "Hi and welcome.", Some(STATE_PREFILLED)), (37, "", Some(STATE_UNTRANSLATED))]);
        assert_eq!(file.rows[1].source, "Takk.\r");
        // The suggestion tolk offered is read, so a target left as it is can be told.
        let suggestions: Vec<_> = file.rows.iter().map(|r| r.suggestion.as_deref()).collect();
        assert_eq!(suggestions, [Some("Hi and welcome."), None]);
        // Only tolk's own, and with its tags numbered as the target's.
        let other = xml.replace(r#"tool-id="tolk" xml"#, r#"tool-id="omegat" xml"#);
        assert_eq!(read(&other).unwrap().rows[0].suggestion, None);
        let tagged = xml.replace("<target>Hi and welcome.</target>", "<target>Hi <x id=\"1\"/>.</target>");
        let tagged = tagged.replace("Hei &amp; &lt;velkommen&gt;.", "Hei <x id=\"1\"/>.");
        assert_eq!(read(&tagged).unwrap().rows[0].suggestion.as_deref(), Some("Hi {1/}."));
        // What tolk cannot read back in the suggestion is no problem of the unit, nor a
        // dropped element of its texts: the suggestion is only not compared.
        for inside in
            ["<it id=\"1\" pos=\"open\"/>", "<x/>", "<sub>x</sub>", "<other:b xmlns:other=\"urn:o\"/>"]
        {
            let odd =
                xml.replace("<target>Hi and welcome.</target>", &format!("<target>Hi {inside}.</target>"));
            let file = read(&odd).unwrap();
            assert!(
                file.problems.is_empty() && file.notes.is_empty(),
                "{inside}: {:?} {:?}",
                file.problems,
                file.notes
            );
            assert_eq!(
                (file.rows[0].target.as_str(), file.rows[0].suggestion.as_deref()),
                ("Hi and welcome.", None)
            );
        }
    }

    #[test]
    fn a_character_xml_cannot_hold_is_an_error_naming_the_place() {
        let err = render(&Batch::new(vec![row(1, "Hei\u{1}.", &["a.txt:4"])])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.txt:4: the unit of this sentence contains U+0001, a control character XML cannot hold; remove it \
             from the document (or the memory), or export the batch as CSV"
        );
    }

    #[test]
    fn the_text_of_a_unit_is_read_as_a_cat_tool_returns_it() {
        // Inline tags are placeholders; mrk keeps its text.
        check(
            &unit(
                "<source>Hei <g id=\"1\">på</g> deg<x id=\"2\"/>.</source>\
                 <target state=\"translated\">Hi <mrk mtype=\"seg\" mid=\"0\">there</mrk><g id=\"1\">you</g>\
                 <x id=\"2\"/>.</target>",
            ),
            &["1 s1 Hei {1}på{/1} deg{2/}.|Hi there{1}you{/1}{2/}.|translated"],
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
            &["6 s1 A.|A!.|-", "10 s2 B.||-", "11 s3 C.||-"],
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
    fn a_translators_note_is_the_rows_comment_and_tolks_own_notes_are_not() {
        let file = read(&unit(
            "<source>Ja.</source><target>Yes.</target><note from=\"tolk\" annotates=\"source\">before: Nei.</note>\
             <note from=\"translator\">Checked against the source.</note><note>Ask &amp; check.</note>\
             <alt-trans><target>Yep.</target><note>not this</note></alt-trans>",
        ))
        .unwrap();
        assert_eq!(file.rows[0].comment.as_deref(), Some("Checked against the source.\nAsk & check."));
        let file =
            read(&unit("<source>Ja.</source><target>Yes.</target><note from=\"tolk-terms\">ja = yes</note>"))
                .unwrap();
        assert_eq!(file.rows[0].comment, None);
    }

    #[test]
    fn an_eight_bit_encoding_the_declaration_names_is_read() {
        for label in ["ISO-8859-1", "windows-1252", "ISO-8859-15"] {
            let xml = unit("<source>Blåbær på Ålesund.</source><target>Blueberries in Ålesund.</target>")
                .replacen("<xliff", &format!("<?xml version=\"1.0\" encoding=\"{label}\"?>\n<xliff"), 1);
            let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
            let (bytes, _, unmappable) = encoding.encode(&xml);
            assert!(!unmappable && !bytes.is_ascii());
            let file = parse(Path::new("b.xlf"), &bytes).unwrap();
            assert_eq!(file.rows[0].source, "Blåbær på Ålesund.", "{label}");
            assert_eq!(file.rows[0].target, "Blueberries in Ålesund.", "{label}");
            assert_eq!(file.notes, [format!("read as {} (the XML declaration's encoding)", encoding.name())]);
            // UTF-8 under the same declaration is read as UTF-8.
            let file = parse(Path::new("b.xlf"), xml.as_bytes()).unwrap();
            assert_eq!(file.rows[0].source, "Blåbær på Ålesund.", "{label}");
        }
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
        check(&file("source-language=\"nn-NO\" target-language=\"en\""), &["2 s1 Ja.|Yes.|-"]);
        check_error(
            &file("source-language=\"sv\" target-language=\"en\""),
            "b.xlf: line 2: source-language \"sv\", expected Norwegian Bokmål (nb) or Norwegian Nynorsk (nn)",
        );
        check_error(
            &file("source-language=\"en\" target-language=\"nb\""),
            "b.xlf: line 2: source-language \"en\", expected Norwegian Bokmål (nb) or Norwegian Nynorsk (nn)",
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
        // Tab, line ends and the characters beside the forbidden ones are fine (kept as
        // they are where white space is preserved).
        let preserved = unit("<source>\tJa\u{FFFD}&#9;&#xD;\nja</source>")
            .replace("<trans-unit ", "<trans-unit xml:space=\"preserve\" ");
        check(&preserved, &["1 s1 \tJa\u{FFFD}\t\r\nja||-"]);
    }

    #[test]
    fn another_tools_elements_keep_their_text_and_are_noted() {
        let xml = unit(
            "<source>A<x id=\"1\"/>.</source><target>A<x id=\"1\"/><q:i xmlns:q=\"urn:q\">!</q:i>.</target>",
        )
        .replace(
            "</trans-unit>",
            "</trans-unit><trans-unit id=\"s2\"><source>B<q:b xmlns:q=\"urn:q\"/>.</source></trans-unit>",
        );
        let file = read(&xml).unwrap();
        assert_eq!(
            file.notes,
            ["2 elements of another tool (not XLIFF inline markup) in sources and targets read as their text, \
              without a tag"]
        );
        assert_eq!(file.rows[0].target, "A{1/}!.");
        assert_eq!(file.rows[1].source, "B.");
        // As memoQ writes a name it recognised, or formatting of its own: the words stay.
        let memoq = unit(
            "<source>Foto: Reuters</source><target>Photo: <mq:rxt xmlns:mq=\"MQXliff\" displaytext=\"Reuters\" \
             val=\"Reuters\">Reuters</mq:rxt> and <mq:ch xmlns:mq=\"MQXliff\">very much</mq:ch>\
             </target>",
        );
        assert_eq!(read(&memoq).unwrap().rows[0].target, "Photo: Reuters and very much");
        // A tracked change's insertion is text, its deletion is not.
        let tracked = read(&unit(
            "<source>A.</source><target>B<q:ins xmlns:q=\"urn:q\">!</q:ins><q:del xmlns:q=\"urn:q\">?</q:del>.\
             </target>",
        ))
        .unwrap();
        assert_eq!(tracked.rows[0].target, "B!.");
        assert_eq!(tracked.notes.len(), 2, "{:?}", tracked.notes);
        assert_eq!(
            tracked.notes[1],
            "1 tracked deletion of another tool in sources and targets left out, with its text"
        );
        let file = read(&unit("<source>A<q:b xmlns:q=\"urn:q\">b</q:b>.</source>")).unwrap();
        assert_eq!(
            (file.rows[0].source.as_str(), file.notes.as_slice()),
            (
                "Ab.",
                ["1 element of another tool (not XLIFF inline markup) in sources and targets read as its text, \
                  without a tag"
                    .to_string()]
                .as_slice()
            )
        );
    }

    /// The texts of the one unit of `xml`, as (source, target).
    #[track_caller]
    fn texts(xml: &str) -> (String, String) {
        let file = read(&unit(xml)).unwrap_or_else(|e| panic!("{e}"));
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert!(file.notes.is_empty(), "{:?}", file.notes);
        (file.rows[0].source.clone(), file.rows[0].target.clone())
    }

    #[test]
    fn a_problem_of_a_source_or_target_names_its_line_and_a_part_twice_its_second() {
        let problem = |body: &str| problem(body);
        // A target tag the source lacks is the check's to judge, which knows the
        // sentence as issued; the row carries it, and the target's line.
        let file = read(&unit("\n<source>Hei.</source>\n<target><x id=\"9\"/>Hi.</target>\n")).unwrap();
        let row = &file.rows[0];
        assert_eq!(
            (row.target.as_str(), row.unit.stray_tag.as_deref(), row.origin_of("target").row),
            ("Hi.", Some("9"), 3)
        );
        // Two sources then two targets: the first part met twice, at its second.
        assert_eq!(
            problem("\n<source>a</source>\n<source>b</source>\n<target>c</target>\n<target>d</target>\n"),
            "b.xlf: line 3 (trans-unit s1), element source: expected one <source> element in the trans-unit, found two"
        );
        assert_eq!(
            problem("\n<source>a</source>\n<target>c</target>\n<target>d</target>\n"),
            "b.xlf: line 4 (trans-unit s1), element target: expected one <target> element in the trans-unit, found two"
        );
    }

    /// The one problem of the unit of `xml`.
    #[track_caller]
    fn problem(xml: &str) -> String {
        let file = read(&unit(xml)).unwrap_or_else(|e| panic!("{e}"));
        assert!(file.rows.is_empty(), "{:?}", file.rows);
        assert_eq!(file.problems.len(), 1, "{:?}", file.problems);
        file.problems[0].to_string()
    }

    #[test]
    fn placeholders_are_written_as_inline_tags() {
        let mut r = row(1, "Hos {1}Lyse {2}Dialog{/2}{/1} er vi glade{3/} & <fornøyde>.", &["a.txt:1"]);
        r.target = "At {1}Lyse {2}Dialog{/2}{/1} we are happy{3/}.".into();
        r.score = Some(80);
        r.suggestion = r.target.clone();
        r.suggestion_source = "Hos {1}Lyse{/1} er vi glade{2/}.".into();
        let xml = render(&Batch::new(vec![r])).unwrap();
        for line in [
            "<source>Hos <g id=\"1\">Lyse <g id=\"2\">Dialog</g></g> er vi glade<x id=\"3\"/> &amp; &lt;fornøyde&gt;.</source>",
            "<target state=\"needs-review-translation\" state-qualifier=\"leveraged-tm\">At <g id=\"1\">Lyse \
             <g id=\"2\">Dialog</g></g> we are happy<x id=\"3\"/>.</target>",
            "<source>Hos <g id=\"1\">Lyse</g> er vi glade<x id=\"2\"/>.</source>",
            "<target>At <g id=\"1\">Lyse <g id=\"2\">Dialog</g></g> we are happy<x id=\"3\"/>.</target>",
        ] {
            assert!(xml.contains(&format!("{line}\n")), "{line}\n{xml}");
        }
        let back = read(&xml).unwrap();
        assert_eq!(back.rows[0].source, "Hos {1}Lyse {2}Dialog{/2}{/1} er vi glade{3/} & <fornøyde>.");
        assert_eq!(back.rows[0].target, "At {1}Lyse {2}Dialog{/2}{/1} we are happy{3/}.");
    }

    #[test]
    fn codes_that_cannot_nest_are_begin_and_end_tags() {
        for (text, tags) in [
            // A code whose partner is not in the sentence.
            ("Skriv {4} eller {/3} her.", "Skriv <bx id=\"4\"/> eller <ex id=\"3\"/> her."),
            // Pairs that overlap: the first to close is an element, the other its ends.
            ("{1}a{2}b{/1}c{/2}", "<g id=\"1\">a<bx id=\"2\"/>b</g>c<ex id=\"2\"/>"),
            ("{1}a{2}b{/1}c", "<g id=\"1\">a<bx id=\"2\"/>b</g>c"),
            // A number used twice, and braces that are no code.
            ("{1}a{/1}{1}b{/1} {x} {01} {0}", "<g id=\"1\">a</g><g id=\"1\">b</g> {x} {01} {0}"),
        ] {
            let xml = render(&Batch::new(vec![row(1, text, &["a.txt:1"])])).unwrap();
            assert!(xml.contains(&format!("<source>{tags}</source>")), "{text}: {xml}");
            assert_eq!(read(&xml).unwrap().rows[0].source, text);
        }
    }

    #[test]
    fn tags_are_read_as_cat_tools_write_them() {
        // bx/ex and bpt/ept pair by rid where they have one, else by id; the native code
        // of ph, bpt and ept is not text.
        assert_eq!(
            texts(
                "<source><bx id=\"1\"/>Hei<ex id=\"1\"/> <bpt id=\"2\">&lt;b&gt;</bpt>du<ept id=\"2\">&lt;/b&gt;</ept>\
                 <ph id=\"3\">{img}</ph>.</source><target><bx id=\"7\" rid=\"1\"/>Hi<ex id=\"8\" rid=\"1\"/> \
                 <bpt id=\"9\" rid=\"2\">&lt;b&gt;</bpt>you<ept id=\"10\" rid=\"2\">&lt;/b&gt;</ept><ph id=\"3\"/>.</target>"
            ),
            ("{1}Hei{/1} {2}du{/2}{3/}.".into(), "{1}Hi{/1} {2}you{/2}{3/}.".into())
        );
        // mrk, as OmegaT and memoQ add it, is no tag.
        assert_eq!(
            texts("<source><mrk mtype=\"seg\" mid=\"1\">Ja <g id=\"1\">da</g>.</mrk></source><target><mrk mtype=\"seg\" mid=\"1\"><g id=\"1\">Yes</g>.</mrk></target>"),
            ("Ja {1}da{/1}.".into(), "{1}Yes{/1}.".into())
        );
        // Text that looks like a placeholder is text.
        assert_eq!(texts("<source>{1}</source><target>{/1}x</target>"), ("{1}".into(), "{/1}x".into()));
    }

    #[test]
    fn ids_that_are_not_numbers_are_numbered_by_the_source() {
        assert_eq!(
            texts(
                "<source><g id=\"a1\">Hei</g> <x id=\"b\"/><g id=\"1\">du</g></source>\
                 <target><g id=\"1\">Hi</g> <g id=\"a1\">you</g><x id=\"b\"/></target>"
            ),
            ("{1}Hei{/1} {2/}{3}du{/3}".into(), "{3}Hi{/3} {1}you{/1}{2/}".into())
        );
        // Numbers as tolk writes them, 0 included, stay as they are.
        assert_eq!(
            texts(
                "<source><x id=\"5\"/><bx id=\"0\"/>a</source><target>a<bx id=\"0\"/><x id=\"5\"/></target>"
            ),
            ("{5/}{0}a".into(), "a{0}{5/}".into())
        );
        for (xml, id, target) in [
            ("<source><g id=\"a1\">Hei</g></source><target><g id=\"a2\">Hi</g></target>", "a2", "Hi"),
            ("<source>Hei</source><target><x id=\"1\"/>Hi</target>", "1", "Hi"),
            ("<source><x id=\"1\"/>Hei</source><target><x id=\"01\"/>Hi</target>", "01", "Hi"),
        ] {
            let file = read(&unit(xml)).unwrap();
            assert!(file.problems.is_empty(), "{:?}", file.problems);
            assert_eq!(
                (file.rows[0].unit.stray_tag.as_deref(), file.rows[0].target.as_str()),
                (Some(id), target)
            );
        }
    }

    #[test]
    fn tags_tolk_cannot_read_back_are_problems_naming_line_and_element() {
        assert_eq!(
            problem("<source>Hei</source>\n<target>Hi <it id=\"1\" pos=\"open\">&lt;b&gt;</it>you</target>"),
            "b.xlf: line 2 (trans-unit s1), element it: expected inline tags tolk reads back (g, x, bx, ex, ph, bpt, ept, mrk), \
             found <it>, an isolated tag whose partner is in another segment, which tolk cannot place; keep the \
             tags as the source has them (g, x, bx, ex) and export again"
        );
        assert_eq!(
            problem("<source>Hei<ph id=\"1\">&lt;img alt=\"\n<sub>Fjord</sub>\"&gt;</ph></source>"),
            "b.xlf: line 2 (trans-unit s1), element sub: expected inline tags tolk reads back (g, x, bx, ex, ph, bpt, ept, mrk), \
             found <sub>, translatable text inside a code, which tolk has no place for; remove it and export again"
        );
        assert_eq!(
            problem("<source>Hei<sub>x</sub></source>"),
            "b.xlf: line 1 (trans-unit s1), element sub: expected inline tags tolk reads back (g, x, bx, ex, ph, bpt, ept, mrk), \
             found <sub>, translatable text inside a code, which tolk has no place for; remove it and export again"
        );
        assert_eq!(
            problem("<source>Hei</source><target><g>Hi</g></target>"),
            "b.xlf: line 1 (trans-unit s1), element g: expected an id attribute on <g>, as XLIFF requires, found none; give the \
             tag back its id in the CAT tool, or export the file again"
        );
        // In a suggestion or a segmented source, nothing is read.
        assert_eq!(
            texts("<source>Ja.</source><seg-source><it id=\"1\" pos=\"open\"/></seg-source><alt-trans><target><sub/></target></alt-trans>"),
            ("Ja.".into(), "".into())
        );
    }

    #[test]
    fn units_that_cannot_be_rows_are_problems() {
        let file = read(&unit("<target>A.</target>")).unwrap();
        assert_eq!(
            file.problems[0].to_string(),
            "b.xlf: line 1 (trans-unit s1), element source: expected a <source> element in the trans-unit, found none"
        );
        let file = read(&unit("<source>A.</source><source>B.</source>")).unwrap();
        assert_eq!(
            file.problems[0].to_string(),
            "b.xlf: line 1 (trans-unit s1), element source: expected one <source> element in the trans-unit, found two"
        );
        let big = "a".repeat(MAX_XML_TEXT + 1);
        let file = read(&unit(&format!("<source>A.</source><target>{big}</target>"))).unwrap();
        assert_eq!(
            file.problems[0].to_string(),
            format!(
                "b.xlf: line 1 (trans-unit s1), element target: expected a text of at most {MAX_XML_TEXT} bytes, found {} bytes",
                MAX_XML_TEXT + 1
            )
        );
        assert!(file.rows.is_empty());
        // Split by inline codes, the text is measured whole, tags as their placeholders;
        // at the limit, it fits.
        let split = format!("<source>A.</source><target>{}<g id=\"1\">{}</g></target>", big, big);
        assert_eq!(
            read(&unit(&split)).unwrap().problems[0].found,
            format!("{} bytes", 2 * (MAX_XML_TEXT + 1) + "{1}{/1}".len())
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

    /// Runs of text matching `text`, each maybe followed by a code: a pair's end, a lone
    /// code, numbered 0 to 3, so that pairs nest, overlap, repeat or lack their partner.
    fn coded(text: &'static str) -> impl Strategy<Value = Vec<(String, Option<Code>)>> {
        let code = (0u8..3, 0u32..4).prop_map(|(kind, n)| match kind {
            0 => Code::Open(n),
            1 => Code::Close(n),
            _ => Code::Lone(n),
        });
        prop::collection::vec((text, prop::option::of(code)), 0..6)
    }

    /// `parts` as text with placeholders, leaving out the codes whose number `keep`
    /// refuses.
    fn placeholders(parts: &[(String, Option<Code>)], keep: impl Fn(u32) -> bool) -> String {
        let mut out = String::new();
        for (text, code) in parts {
            out.push_str(text);
            if let Some(code) = code.filter(|c| keep(c.number())) {
                out.push_str(&code.to_string());
            }
        }
        out
    }

    proptest! {
        /// Whatever the text and its codes, it reads back as it was written: the source,
        /// and a target whose codes have numbers the source's have. (No line break: one
        /// ends a segment, so no sentence holds one, and one beside a tag is read as a
        /// tool's indentation.)
        #[test]
        fn what_is_written_is_read_back(
            texts in prop::collection::vec(
                (coded("[a-zæøå <>&\"'\t\r\\]\u{e9}\u{1F600}{}/0-9]{0,6}"), coded("[a-z <>&\r{}]{0,4}")),
                1..5,
            ),
        ) {
            let texts: Vec<(String, String)> = texts
                .iter()
                .map(|(source, target)| {
                    let numbers: Vec<u32> = source.iter().filter_map(|(_, c)| c.map(Code::number)).collect();
                    (placeholders(source, |_| true), placeholders(target, |n| numbers.contains(&n)))
                })
                .collect();
            let rows: Vec<BatchRow> = texts
                .iter()
                .enumerate()
                .map(|(i, (source, target))| {
                    let mut r = row(i as u64, source, &[&format!("d{}.txt:{}", i % 2, i + 1)]);
                    r.target = target.clone();
                    r
                })
                .collect();
            let xml = render(&Batch::new(rows.clone())).unwrap();
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
