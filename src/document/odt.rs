//! OpenDocument text (`.odt`, LibreOffice Writer's own format): the paragraphs of
//! `content.xml` (body, tables, lists, footnotes, text boxes, captions) and of
//! `styles.xml` (headers and footers live in its master pages), an image's title and
//! description (`svg:title`, `svg:desc`), and the document's title, subject,
//! description and keywords in `meta.xml` (`dc:title`, `dc:subject`, `dc:description`,
//! each `meta:keyword`), as a Word document's properties are read.
//!
//! Every `text:p` and `text:h` is a block, wherever it stands. Its text is what
//! LibreOffice shows: character data with white space collapsed as ODF says, `text:s`
//! as the spaces it stands for. Inline formatting becomes codes by what a reader sees,
//! not by how the XML happens to be cut: a `text:span` is looked up in the part's
//! automatic styles, and spans whose text properties are the same but for invisible
//! ones (`officeooo:rsid`, a Norwegian or English language, the Asian and
//! complex-script variants) are one run, and a span of another language (a German
//! quotation) is a pair that keeps its span, so its language, in the edition; a span
//! with no visible property (LibreOffice's conversion of a Word file puts every run in
//! one) is no code at all. The properties most of a paragraph's text has
//! are the paragraph's own; a run with other properties (bold words, an italic quote)
//! is a pair, written back as a span of its style ([`Markup::style`]). A link
//! (`text:a`) is a pair of its own tags, and so is a content control
//! (`loext:content-control`, which LibreOffice writes for its own and for a Word
//! file's `w:sdt`; a drop-down's choices are part of its start tag), and a
//! cross-reference that shows words (a heading's, `Figur 1`), whose stored words a
//! reader of the file sees until LibreOffice lays it out again. A tab, a line
//! break, a field (`text:date`, `text:page-number`, ...), a footnote or endnote (`text:note`, whose paragraphs are
//! blocks of their own), a frame (an image, a text box) and a comment
//! (`office:annotation`, left untouched) are lone codes of their whole element. What
//! stands before a paragraph's first text or after its last stays outside its block,
//! but for a note right after its last text: that is the last sentence's, as in a Word
//! document; a code inside a link after its last text is layout ([`Markup::layout`]),
//! outside the last sentence too. In an index's entry (a table of contents' line), the
//! page number after the last tab is such a code, so the entry is the heading's text.
//! A line break parts the words on either side as a space would (the paragraph's text
//! gets one before it where it has none), as in a Word document, so the same sentence
//! has the same tags in both.
//!
//! A marked range whose start and end stand around words of the same paragraph (a
//! bookmark, a reference mark, an index entry, a field mark such as a citation or a
//! text form field, its start and separator opening it) is a pair of its marks, so
//! the translation places it around the same words (a cross-reference shows them, not
//! the paragraph) and cannot put its end before its start, which LibreOffice would not
//! open; its marks are written once ([`Markup::once`]). A field mark around no words
//! is one lone code. Other marks are no codes: a bookmark of a place
//! (`text:bookmark`), a range that goes on in another paragraph and ranges that
//! overlap stay where they are at a paragraph's edges, and inside a paragraph written
//! again their starts stand where it starts and their ends where it ends; soft page
//! breaks and change marks there are dropped.
//! Text in hidden spans (`text:display="none"`) and hidden-text fields is a code, never
//! text to translate.
//!
//! This module does not read tracked changes: a document with changes not yet accepted
//! or rejected is refused with what to do in LibreOffice. It does not read flat XML
//! (`.fodt`), templates or other OpenDocument kinds, and it relies on the standard
//! namespace prefixes (`office:`, `text:`, `style:`, `fo:`, `svg:`, `dc:`, `meta:`),
//! which every producer of ODF writes; a document that binds them otherwise is refused.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::ops::Range;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::described;
use super::marked::{self, Block, Marked, Markup, Part, Raw, Writer};
use super::package::Package;
use super::{Document, DocumentFormat, EditionLanguage};
use crate::error::{Error, Place, Result};
use crate::input::limits::MAX_LINE;
use crate::input::xml::{self, escape_into, forbidden_reference, is_xml_char, not_allowed};
use crate::input::LineIndex;
use crate::segment::Segmenter;

/// The OpenDocument text format.
pub struct Odt;

/// The media type an OpenDocument text's `mimetype` entry holds.
const MIME: &str = "application/vnd.oasis.opendocument.text";

/// What an OpenDocument text is called in errors.
const KIND: &str = "LibreOffice document (.odt)";

/// The largest `.odt` file tolk reads: pictures make most of a document's size.
pub const MAX_FILE: u64 = 128 << 20;

/// The namespaces the parts are read by, by the prefix they must have.
const NAMESPACES: [(&str, &str); 7] = [
    ("office", "urn:oasis:names:tc:opendocument:xmlns:office:1.0"),
    ("text", "urn:oasis:names:tc:opendocument:xmlns:text:1.0"),
    ("style", "urn:oasis:names:tc:opendocument:xmlns:style:1.0"),
    ("fo", "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"),
    ("svg", "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("meta", "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"),
];

impl DocumentFormat for Odt {
    fn name(&self) -> &'static str {
        "odt"
    }

    /// A zip archive named as a Writer document (`.odt`, a template `.ott`, and the
    /// Writer/Web `.oth` and master `.odm` documents, refused with what to do), or one
    /// whose first entry is the `mimetype` of one, stored as the format requires.
    /// A file named as a Writer document, whatever it holds (one that is no zip
    /// archive is refused by [`Package::open`], as [`super::docx::Docx`] refuses such
    /// a `.docx`), or a zip archive that says it is one in its mimetype.
    fn claims(&self, path: &Path, head: &[u8]) -> bool {
        let named = path
            .extension()
            .is_some_and(|e| ["odt", "ott", "oth", "odm"].iter().any(|x| e.eq_ignore_ascii_case(x)));
        named || (head.starts_with(b"PK\x03\x04") && mimetype_in(head))
    }

    fn read(
        &self,
        input: &mut dyn Read,
        path: &Path,
        segmenter: &Segmenter,
        options: &super::ReadOptions,
    ) -> Result<Document> {
        let mut bytes = Vec::new();
        input.take(MAX_FILE + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
        if bytes.len() as u64 > MAX_FILE {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                what: "the document".into(),
                limit: MAX_FILE as usize,
            });
        }
        let (marked, package) = read_package(bytes, path, &options.edition)?;
        Ok(Document::marked(super::name_of(path), "odt", marked, Some(package), segmenter))
    }
}

/// Whether the zip archive starting with `head` starts with a stored `mimetype` entry
/// that says OpenDocument text (or a template, Writer/Web or master document).
fn mimetype_in(head: &[u8]) -> bool {
    super::package::odf_mimetype(head).is_some_and(|m| m.starts_with(MIME))
}

/// The parts of the package `bytes` read from `path`, and the package; their language
/// marks to become `edition`'s.
fn read_package(bytes: Vec<u8>, path: &Path, edition: &EditionLanguage) -> Result<(Marked, Package)> {
    let mut package = Package::open(bytes, path, KIND)?;
    if let Some(mime) = package.text("mimetype", path, KIND)? {
        // A template (.ott) is a text document as well.
        let mime = mime.trim();
        if mime != MIME && mime != "application/vnd.oasis.opendocument.text-template" {
            // Writer/Web's HTML document and a master document are Writer's too, and
            // save as a text document.
            let advice = match mime.strip_prefix(MIME) {
                Some(_) => "open it in LibreOffice Writer and save it as \"ODF Text Document (.odt)\"",
                None => "tolk reads LibreOffice Writer documents (.odt)",
            };
            return Err(Error::at(
                path,
                Place::File,
                format!(
                    "is an OpenDocument file of another kind ({}), not a text document; {advice}",
                    crate::shown::name(mime)
                ),
            ));
        }
    }
    // Saved with a password, the parts are encrypted, and read as no XML at all.
    if package.text("META-INF/manifest.xml", path, KIND)?.is_some_and(|m| m.contains("encryption-data")) {
        return Err(Error::at(
            path,
            Place::File,
            "is protected with a password; open it in LibreOffice and save it without one (File > Save As, \
             with \"Save with password\" unticked)",
        ));
    }
    let mut number = 0;
    let mut parts = Vec::new();
    for name in ["content.xml", "styles.xml", "meta.xml"] {
        match package.text(name, path, KIND)? {
            Some(text) => parts.push(read_part(path, name, text, &mut number, edition)?),
            None if name == "content.xml" => {
                return Err(Error::at(
                    path,
                    Place::File,
                    "has no content.xml, so it is no OpenDocument text; open it in LibreOffice and save it \
                     again as .odt",
                ))
            }
            None => {}
        }
    }
    Ok((Marked { parts }, package))
}

/// The part `name` of the package at `path`, whose text is `text`, with its blocks
/// and language marks (to become `edition`'s); `number` counts the paragraphs of the
/// parts before it.
fn read_part(
    path: &Path,
    name: &str,
    text: String,
    number: &mut usize,
    edition: &EditionLanguage,
) -> Result<Part> {
    let parser = Parser::new(path, name, &text, number, edition);
    let (blocks, lang) = parser.run()?;
    let mut part = Part::new(name, text);
    part.blocks = blocks;
    part.lang = lang;
    Ok(part)
}

/// How text is written in a paragraph of an OpenDocument text: escaped, spaces as ODF
/// keeps them (a space that starts the text or follows another is a `text:s`), a tab
/// and a line break as their elements, inside the spans of `style`.
#[derive(Debug)]
struct OdfText;

impl Writer for OdfText {
    fn text(&self, text: &str, style: &str, out: &mut String) {
        if text.is_empty() {
            return;
        }
        out.push_str(style);
        // Spaces waiting to be written as a `text:s`; whether the last thing written
        // was white space (a space, a tab, a line break, or the start).
        let mut spaces = 0usize;
        let mut after_space = true;
        let flush = |spaces: &mut usize, out: &mut String| {
            match *spaces {
                0 => {}
                1 => out.push_str("<text:s/>"),
                n => out.push_str(&format!("<text:s text:c=\"{n}\"/>")),
            }
            *spaces = 0;
        };
        for c in text.chars() {
            match c {
                ' ' if after_space => spaces += 1,
                ' ' => {
                    out.push(' ');
                    after_space = true;
                }
                '\t' | '\n' => {
                    flush(&mut spaces, out);
                    out.push_str(if c == '\t' { "<text:tab/>" } else { "<text:line-break/>" });
                    after_space = true;
                }
                '\r' => {}
                c if !is_xml_char(c) => {}
                c => {
                    flush(&mut spaces, out);
                    let mut buf = [0; 4];
                    escape_into(out, c.encode_utf8(&mut buf), false);
                    after_space = false;
                }
            }
        }
        flush(&mut spaces, out);
        for _ in 0..style.matches("<text:span").count() {
            out.push_str("</text:span>");
        }
    }
}

/// How text is written where an element holds only text (`svg:desc`, `dc:title`).
#[derive(Debug)]
struct PlainXml;

impl Writer for PlainXml {
    fn text(&self, text: &str, _style: &str, out: &mut String) {
        let kept: String = text.chars().filter(|&c| is_xml_char(c) && c != '\r').collect();
        escape_into(out, &kept, false);
    }
}

/// A content control, as LibreOffice writes one.
const CONTROL: &[u8] = b"loext:content-control";

/// Elements inside a paragraph that are no text and no code: written back where they
/// stand at a paragraph's edges; inside a paragraph written again, a bookmark of a
/// place (`text:bookmark`) is moved to its start and the rest dropped.
const DROPPED: [&[u8]; 5] =
    [b"text:bookmark", b"text:soft-page-break", b"text:change", b"text:change-start", b"text:change-end"];

/// Text properties that change nothing a reader of Norwegian or English text sees (a
/// language that is neither is read apart, as seen).
fn invisible(property: &str) -> bool {
    matches!(
        property,
        "officeooo:rsid"
            | "officeooo:paragraph-rsid"
            | "fo:language"
            | "fo:country"
            | "fo:script"
            | "style:rfc-language-tag"
    ) || property.ends_with("-asian")
        || property.ends_with("-complex")
}

/// An automatic text style, as far as its look goes.
#[derive(Debug, Clone, Default)]
struct Style {
    /// Its visible properties and parent style, in a fixed order; empty when it has
    /// none.
    key: String,
    /// Whether it hides the text (`text:display="none"`).
    hidden: bool,
}

/// A span open inside a paragraph.
#[derive(Debug, Clone)]
struct Span {
    /// What it looks like (empty: no visible property).
    key: String,
    /// Its start tag as written again: `<text:span text:style-name="T2">`.
    tag: String,
}

/// An element open inside a paragraph.
#[derive(Debug, Clone)]
enum Inline {
    Span(Span),
    /// A link or a content control: whether it is a control (the pair is its own).
    Group(bool),
}

/// What a paragraph is made of, as read: text with the spans it is in, lone codes,
/// groups (links, content controls, marked ranges) holding more of the same, and the
/// marks that start, part or end a range.
#[derive(Debug, Clone)]
enum Node {
    Text {
        text: String,
        key: String,
        tags: String,
    },
    /// A lone code, and whether it is a line break.
    Lone(Markup, bool),
    /// A pair around `nodes`: `own`, its words are the paragraph's (a content
    /// control's, a bookmark's), not a link's, whose look is its own; `once`, its
    /// markup must stand once ([`Markup::once`]).
    Group {
        open: Raw,
        close: Raw,
        nodes: Vec<Node>,
        own: bool,
        once: bool,
    },
    Mark(Mark),
}

/// Whether the cross-reference `e` shows words, not a number or a page: its
/// `text:reference-format` is the referred text, a caption, or a caption's category
/// and number (`Figur 1`).
fn shows_words(e: &BytesStart<'_>) -> bool {
    e.attributes().with_checks(false).flatten().any(|a| {
        a.key.as_ref() == b"text:reference-format"
            && matches!(a.value.as_ref(), b"text" | b"caption" | b"category-and-value")
    })
}

/// Where a range of a paragraph starts, parts or ends: a bookmark, a reference mark,
/// an index entry, a field mark (a form field, a citation: its start, the separator
/// between its code and its result, its end). A start and its end in the same list of
/// nodes around words become a pair ([`paired`]), which a translation cannot put out
/// of order; the others stand at the edges of a paragraph written again, starts
/// first, ends last, as a bookmark always did.
#[derive(Debug, Clone)]
struct Mark {
    /// The whole element.
    range: Range<usize>,
    role: Role,
    /// What it marks: its kind and its name or id (`bookmark\0ref1`); a field mark's
    /// kind alone, as its parts pair by how they nest.
    key: String,
    /// Whether it stands at the paragraph's own level, outside spans and links.
    root: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Start,
    Separator,
    End,
}

/// The mark the element `name` is (its role, its kind, and the attribute naming it),
/// if it is one.
fn mark_of(name: &[u8]) -> Option<(Role, &'static str, &'static [u8])> {
    let (role, kind, by): (Role, &str, &[u8]) = match name {
        b"text:bookmark-start" => (Role::Start, "bookmark", b"text:name"),
        b"text:bookmark-end" => (Role::End, "bookmark", b"text:name"),
        b"text:reference-mark-start" => (Role::Start, "reference", b"text:name"),
        b"text:reference-mark-end" => (Role::End, "reference", b"text:name"),
        b"text:alphabetical-index-mark-start" | b"text:toc-mark-start" | b"text:user-index-mark-start" => {
            (Role::Start, "index", b"text:id")
        }
        b"text:alphabetical-index-mark-end" | b"text:toc-mark-end" | b"text:user-index-mark-end" => {
            (Role::End, "index", b"text:id")
        }
        b"field:fieldmark-start" => (Role::Start, FIELD, b""),
        b"field:fieldmark-separator" => (Role::Separator, FIELD, b""),
        b"field:fieldmark-end" => (Role::End, FIELD, b""),
        _ => return None,
    };
    Some((role, kind, by))
}

/// The kind of a field mark's [`Mark`].
const FIELD: &str = "fieldmark";

/// An element inside a paragraph whose content is not the paragraph's text.
#[derive(Debug, Clone)]
struct Sub {
    /// Elements open, itself included.
    depth: usize,
    /// Where its start tag starts.
    start: usize,
    /// `None`: dropped; or the lone code it becomes.
    lone: Option<Lone>,
    /// Or the mark it is: its role, key and whether it stands at the paragraph's level.
    mark: Option<(Role, String, bool)>,
}

#[derive(Debug, Clone)]
struct Lone {
    /// The spans it stands in, kept around it when it holds no block.
    tags: String,
    /// Whether paragraphs inside it are blocks (a note, a text box: yes; a comment: no).
    nested: bool,
    /// Whether a block started inside it.
    had_blocks: bool,
    /// Whether it is a line break.
    brk: bool,
    /// Whether it is a footnote or endnote.
    note: bool,
}

/// A paragraph being read.
#[derive(Debug)]
struct Para {
    number: usize,
    /// Spans and groups open below the paragraph element.
    inline: Vec<Inline>,
    /// The groups being read: the paragraph itself first.
    groups: Vec<(Range<usize>, Vec<Node>)>,
    sub: Option<Sub>,
    /// Whether white space in character data is ignored here (at the start, and after
    /// white space), as LibreOffice reads it.
    ignore_space: bool,
    /// Where the element at the paragraph's top level being read starts, the number
    /// of top-level nodes before it, and whether it holds text.
    root_start: usize,
    root_node: usize,
    root_used: bool,
    /// The bytes from the first to the last top-level element that holds text: the
    /// block (codes before and after stay outside it, as they are), and its nodes.
    first: Option<usize>,
    last: usize,
    nodes: Range<usize>,
    /// Bytes of text so far.
    len: usize,
    /// The bookmarks of a place in it (`text:bookmark`).
    points: Vec<Range<usize>>,
    /// Whether it is an entry of an index (a table of contents).
    index: bool,
}

impl Para {
    fn new(number: usize, content: usize, index: bool) -> Para {
        Para {
            number,
            inline: Vec::new(),
            groups: vec![(0..0, Vec::new())],
            sub: None,
            ignore_space: true,
            root_start: content,
            root_node: 0,
            root_used: false,
            first: None,
            last: content,
            nodes: 0..0,
            len: 0,
            points: Vec::new(),
            index,
        }
    }

    fn at_root(&self) -> bool {
        self.inline.is_empty() && self.sub.is_none()
    }

    /// A top-level element (or character data) starts at `at`.
    fn begin(&mut self, at: usize) {
        if self.at_root() {
            self.root_start = at;
            self.root_node = self.groups.first().map_or(0, |g| g.1.len());
        }
    }

    fn used(&mut self) {
        if self.first.is_none() {
            self.first = Some(self.root_start);
            self.nodes.start = self.root_node;
        }
        self.root_used = true;
    }

    /// After an event that ended at `end`: a top-level element that held text ends the
    /// block so far.
    fn settle(&mut self, end: usize) {
        if self.at_root() && self.root_used {
            self.last = end;
            self.nodes.end = self.groups.first().map_or(0, |g| g.1.len());
            self.root_used = false;
        }
    }

    /// The visible spans open here: their key and their start tags.
    fn chain(&self) -> (String, String) {
        let mut key = String::new();
        let mut tags = String::new();
        for i in &self.inline {
            if let Inline::Span(s) = i {
                if !s.key.is_empty() {
                    key.push_str(&s.key);
                    key.push('\u{1}');
                    tags.push_str(&s.tag);
                }
            }
        }
        (key, tags)
    }

    fn push(&mut self, node: Node) {
        if let Some((_, nodes)) = self.groups.last_mut() {
            nodes.push(node);
        }
    }

    /// Adds `text` as the spans open here show it.
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.len += text.len();
        self.used();
        let (key, tags) = self.chain();
        if let Some((_, nodes)) = self.groups.last_mut() {
            if let Some(Node::Text { text: t, key: k, .. }) = nodes.last_mut() {
                if *k == key {
                    t.push_str(text);
                    return;
                }
            }
            nodes.push(Node::Text { text: text.to_string(), key, tags });
        }
    }

    /// Adds character data, white space collapsed as ODF says.
    fn data(&mut self, data: &str) {
        let mut text = String::with_capacity(data.len());
        for c in data.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if !self.ignore_space {
                    text.push(' ');
                    self.ignore_space = true;
                }
            } else {
                text.push(c);
                self.ignore_space = false;
            }
        }
        self.text(&text);
    }
}

/// Text of an element that holds only text, being read.
#[derive(Debug)]
struct Plain {
    start: usize,
    depth: usize,
    text: String,
    /// An element inside: not a text to translate.
    broken: bool,
    number: usize,
}

/// Where the reader is.
#[derive(Debug)]
enum Ctx {
    Para(Para),
    Plain(Plain),
    /// `dc:language`.
    Lang(usize),
    /// A subtree with no text to read (a comment outside a paragraph).
    Skip(usize),
}

/// Language marks: bytes of a part and the English value they take.
type Marks = Vec<(Range<usize>, String)>;

/// The reader of one part.
struct Parser<'a> {
    path: &'a Path,
    name: &'a str,
    text: &'a str,
    lines: LineIndex,
    number: &'a mut usize,
    edition: &'a EditionLanguage,
    blocks: Vec<Block>,
    lang: Marks,
    styles: HashMap<String, Style>,
    /// Inside `office:automatic-styles`, and the text style being read there.
    automatic: bool,
    style: Option<(String, Vec<String>, bool)>,
    stack: Vec<Ctx>,
    depth: usize,
    /// How many index bodies (`text:index-body`: a table of contents' entries) are open.
    index: usize,
}

impl<'a> Parser<'a> {
    fn new(
        path: &'a Path,
        name: &'a str,
        text: &'a str,
        number: &'a mut usize,
        edition: &'a EditionLanguage,
    ) -> Parser<'a> {
        Parser {
            path,
            name,
            text,
            lines: LineIndex::new(text.as_bytes()),
            number,
            edition,
            blocks: Vec::new(),
            lang: Vec::new(),
            styles: HashMap::new(),
            automatic: false,
            style: None,
            stack: Vec::new(),
            depth: 0,
            index: 0,
        }
    }

    /// An error at byte `at` of the part.
    fn fail(&self, at: usize, message: impl fmt::Display) -> Error {
        Error::at(
            self.path,
            Place::File,
            format!("{}, line {}: {message}", self.name, self.lines.line_of(at)),
        )
    }

    fn run(mut self) -> Result<(Vec<Block>, Marks)> {
        let mut reader = Reader::from_str(self.text);
        reader.config_mut().check_end_names = true;
        let mut policy = xml::Policy::new("an OpenDocument text needs far fewer");
        loop {
            let start = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = (reader.error_position() as usize).max(start);
                    return Err(self.fail(at, xml_error(e)));
                }
            };
            let end = reader.buffer_position() as usize;
            policy.check(&event).map_err(|why| self.fail(start, why))?;
            match event {
                Event::Start(e) => {
                    if self.depth == 0 {
                        self.check_namespaces(&e, start)?;
                    }
                    self.depth += 1;
                    self.start(&e, start..end, false)?;
                }
                Event::Empty(e) => self.start(&e, start..end, true)?,
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    self.end(e.name().as_ref(), start..end)?;
                }
                Event::Text(t) => {
                    let raw = std::str::from_utf8(&t).map_err(|_| self.fail(start, "invalid UTF-8"))?;
                    self.data(raw, start..end)?;
                }
                Event::CData(t) => {
                    let raw = std::str::from_utf8(&t).map_err(|_| self.fail(start, "invalid UTF-8"))?;
                    self.chars(raw, start..end)?;
                }
                Event::Eof => break,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
        if self.depth > 0 || !self.stack.is_empty() {
            return Err(
                self.fail(self.text.len(), "the XML ends inside an element; is the document truncated?")
            );
        }
        Ok((self.blocks, self.lang))
    }

    /// Refuses a root element that binds the prefixes tolk reads by to other
    /// namespaces, or those namespaces to other prefixes.
    fn check_namespaces(&self, e: &BytesStart<'_>, at: usize) -> Result<()> {
        for a in e.attributes().with_checks(false) {
            let a = a.map_err(|e| self.fail(at, format!("malformed attribute: {e}")))?;
            let key = a.key.as_ref();
            let Some(prefix) = key.strip_prefix(b"xmlns:") else { continue };
            let value = a.value.as_ref();
            for (p, uri) in NAMESPACES {
                let (same_prefix, same_uri) = (prefix == p.as_bytes(), value == uri.as_bytes());
                if same_prefix != same_uri {
                    return Err(self.fail(
                        at,
                        format!(
                            "the namespace {uri} is bound to another prefix than `{p}:` (or `{p}:` to \
                             another namespace); tolk reads documents with the prefixes LibreOffice \
                             writes: open it in LibreOffice and save it again"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn start(&mut self, e: &BytesStart<'_>, range: Range<usize>, empty: bool) -> Result<()> {
        let name = e.name();
        let name = name.as_ref();
        if name == b"text:changed-region" {
            return Err(self.fail(
                range.start,
                "the document has tracked changes; accept or reject them in LibreOffice (Edit → Track \
                 Changes → Accept All, or Reject All) and save it again",
            ));
        }
        match self.stack.last_mut() {
            Some(Ctx::Para(p)) => match &mut p.sub {
                None => return self.inline(e, range, empty),
                Some(sub) => {
                    let holds = sub.lone.as_ref().is_some_and(|l| l.nested);
                    if !(holds && opens_block(name)) {
                        if !empty {
                            sub.depth += 1;
                        }
                        return Ok(());
                    }
                    if let Some(lone) = &mut sub.lone {
                        lone.had_blocks = true;
                    }
                }
            },
            Some(Ctx::Plain(b)) => {
                b.broken = true;
                if !empty {
                    b.depth += 1;
                }
                return Ok(());
            }
            Some(Ctx::Lang(d) | Ctx::Skip(d)) => {
                if !empty {
                    *d += 1;
                }
                return Ok(());
            }
            None => {}
        }
        if !self.stack.iter().any(|c| matches!(c, Ctx::Para(_))) {
            self.marks(e, range.start)?;
            self.style_start(e, empty, range.start)?;
        }
        match name {
            b"text:p" | b"text:h" => {
                *self.number += 1;
                if !empty {
                    self.stack.push(Ctx::Para(Para::new(*self.number, range.end, self.index > 0)));
                }
            }
            b"svg:title" | b"svg:desc" | b"dc:title" | b"dc:subject" | b"dc:description"
            | b"meta:keyword"
                if !empty =>
            {
                self.stack.push(Ctx::Plain(Plain {
                    start: range.end,
                    depth: 0,
                    text: String::new(),
                    broken: false,
                    number: *self.number,
                }))
            }
            b"dc:language" if !empty => self.stack.push(Ctx::Lang(0)),
            b"text:index-body" if !empty => self.index += 1,
            b"office:annotation" if !empty => self.stack.push(Ctx::Skip(0)),
            _ => {}
        }
        Ok(())
    }

    /// An element that starts inside a paragraph, outside any code.
    fn inline(&mut self, e: &BytesStart<'_>, range: Range<usize>, empty: bool) -> Result<()> {
        let name = e.name();
        let name = name.as_ref();
        let Some(Ctx::Para(p)) = self.stack.last_mut() else { return Ok(()) };
        p.begin(range.start);
        let (_, tags) = p.chain();
        let lone =
            |nested: bool, tags: String| Lone { tags, nested, had_blocks: false, brk: false, note: false };
        // White space after any element but a span, a link or a bookmark is kept, as
        // LibreOffice reads it.
        if !matches!(
            name,
            b"text:span"
                | b"text:a"
                | b"text:meta"
                | b"loext:content-control"
                | b"text:content-control"
                | b"text:bookmark"
                | b"text:bookmark-start"
                | b"text:bookmark-end"
        ) {
            p.ignore_space = false;
        }
        // What the element is: a span, a group, spaces, or a code or something dropped
        // (its whole element).
        let sub = match name {
            b"text:span" if empty => None,
            b"text:span" => {
                let mut style = None;
                let mut classes = None;
                for a in e.attributes().with_checks(false).flatten() {
                    match a.key.as_ref() {
                        b"text:style-name" => style = Some(a.value),
                        b"text:class-names" => classes = Some(a.value),
                        _ => {}
                    }
                }
                let style_name = style.as_deref().map(String::from_utf8_lossy);
                let found = style_name.as_deref().and_then(|n| self.styles.get(n)).cloned();
                let known = Style {
                    key: match &style_name {
                        Some(n) if found.is_none() => format!("@{n}"),
                        _ => String::new(),
                    },
                    hidden: false,
                };
                let style = found.unwrap_or(known);
                if style.hidden {
                    Some(Sub {
                        depth: 1,
                        start: range.start,
                        lone: Some(lone(false, String::new())),
                        mark: None,
                    })
                } else {
                    let mut key = style.key;
                    let mut tag = String::from("<text:span");
                    if let Some(n) = &style_name {
                        tag.push_str(&format!(" text:style-name=\"{}\"", n.replace('"', "&quot;")));
                    }
                    if let Some(c) = &classes {
                        let c = String::from_utf8_lossy(c).replace('"', "&quot;");
                        key.push_str(&format!(" classes={c}"));
                        tag.push_str(&format!(" text:class-names=\"{c}\""));
                    }
                    tag.push('>');
                    p.inline.push(Inline::Span(Span { key: key.trim().to_string(), tag }));
                    None
                }
            }
            b"text:a" | b"text:meta" if !empty => {
                p.inline.push(Inline::Group(false));
                p.groups.push((range.clone(), Vec::new()));
                None
            }
            // A cross-reference that shows the words it refers to (a heading's, a
            // caption's: `Figur 1`) stores them as LibreOffice last laid them out, which
            // a reader of the file as stored (a converter, an indexer) shows: a pair
            // around them, as a Word document's REF field is, so they are translated with
            // the sentence. One that shows a number or a page stays one code.
            b"text:bookmark-ref" | b"text:reference-ref" | b"text:sequence-ref"
                if !empty && shows_words(e) =>
            {
                p.inline.push(Inline::Group(true));
                p.groups.push((range.clone(), Vec::new()));
                None
            }
            // A content control (LibreOffice's, or a Word document's it read): its words
            // are the paragraph's, inside a pair of its tags.
            CONTROL | b"text:content-control" if !empty => {
                p.inline.push(Inline::Group(true));
                p.groups.push((range.clone(), Vec::new()));
                None
            }
            // A drop-down control's choices, before its words: part of its start tag.
            b"loext:list-item"
                if empty
                    && matches!(p.groups.last(), Some((open, nodes))
                        if nodes.is_empty() && open.end == range.start && self.text[open.clone()].starts_with("<loext:content-control")) =>
            {
                if let Some((open, _)) = p.groups.last_mut() {
                    open.end = range.end;
                }
                None
            }
            b"text:s" => {
                let mut count = 1usize;
                for a in e.attributes().with_checks(false).flatten() {
                    if a.key.as_ref() == b"text:c" {
                        let n =
                            std::str::from_utf8(&a.value).ok().and_then(|v| v.trim().parse::<usize>().ok());
                        count = match n {
                            Some(n) if n <= MAX_LINE => n,
                            _ => {
                                let value = String::from_utf8_lossy(&a.value).into_owned();
                                return Err(self.fail(
                                    range.start,
                                    format!(
                                        "<text:s text:c=\"{}\"> is no number of spaces tolk reads (at most {MAX_LINE})",
                                        crate::shown::name(&value)
                                    ),
                                ));
                            }
                        };
                    }
                }
                let Some(Ctx::Para(p)) = self.stack.last_mut() else { return Ok(()) };
                p.text(&" ".repeat(count));
                (!empty).then_some(Sub { depth: 1, start: range.start, lone: None, mark: None })
            }
            b"text:tab" => {
                Some(Sub { depth: 1, start: range.start, lone: Some(lone(true, String::new())), mark: None })
            }
            b"text:line-break" => {
                let brk = Lone { brk: true, ..lone(true, String::new()) };
                Some(Sub { depth: 1, start: range.start, lone: Some(brk), mark: None })
            }
            n if mark_of(n).is_some() => {
                let Some((role, kind, by)) = mark_of(n) else { return Ok(()) };
                let mut key = kind.to_string();
                if !by.is_empty() {
                    key.push('\0');
                    let named = e.attributes().with_checks(false).flatten().find(|a| a.key.as_ref() == by);
                    key.push_str(
                        &named.map(|a| String::from_utf8_lossy(&a.value).into_owned()).unwrap_or_default(),
                    );
                }
                let root = p.inline.is_empty();
                Some(Sub { depth: 1, start: range.start, lone: None, mark: Some((role, key, root)) })
            }
            n if DROPPED.contains(&n) => {
                if empty && n == b"text:bookmark" {
                    p.points.push(range.clone());
                }
                Some(Sub { depth: 1, start: range.start, lone: None, mark: None })
            }
            b"office:annotation" | b"office:annotation-end" => {
                Some(Sub { depth: 1, start: range.start, lone: Some(lone(false, String::new())), mark: None })
            }
            b"text:note" => {
                let note = Lone { note: true, ..lone(true, String::new()) };
                Some(Sub { depth: 1, start: range.start, lone: Some(note), mark: None })
            }
            b"draw:frame" | b"draw:a" => {
                Some(Sub { depth: 1, start: range.start, lone: Some(lone(true, String::new())), mark: None })
            }
            _ => Some(Sub { depth: 1, start: range.start, lone: Some(lone(true, tags)), mark: None }),
        };
        let Some(Ctx::Para(p)) = self.stack.last_mut() else { return Ok(()) };
        if p.len > MAX_LINE {
            return Err(self.too_long());
        }
        if let Some(sub) = sub {
            p.sub = Some(sub);
            if empty {
                self.finish_sub(range.end);
            }
        }
        if let Some(Ctx::Para(p)) = self.stack.last_mut() {
            p.settle(range.end);
        }
        Ok(())
    }

    fn too_long(&self) -> Error {
        let number = match self.stack.last() {
            Some(Ctx::Para(p)) => p.number,
            _ => *self.number,
        };
        Error::TooLarge {
            path: self.path.to_path_buf(),
            what: format!("paragraph {number} (in {})", self.name),
            limit: MAX_LINE,
        }
    }

    /// The element a paragraph's [`Sub`] is ended at `end`: its code is added.
    fn finish_sub(&mut self, end: usize) {
        let Some(Ctx::Para(p)) = self.stack.last_mut() else { return };
        let Some(sub) = p.sub.take() else { return };
        if let Some((role, key, root)) = sub.mark {
            p.push(Node::Mark(Mark { range: sub.start..end, role, key, root }));
            return;
        }
        let Some(lone) = sub.lone else { return };
        let range = sub.start..end;
        let open = if lone.tags.is_empty() || lone.had_blocks {
            Raw::Range(range)
        } else {
            let closes = "</text:span>".repeat(lone.tags.matches("<text:span").count());
            Raw::Text(format!("{}{}{closes}", lone.tags, &self.text[range]))
        };
        p.push(Node::Lone(Markup { open, layout: !lone.note, ..Markup::default() }, lone.brk));
        // A note right after the paragraph's last text is its sentence's, as in a Word
        // document (what else stands after it stays outside the block).
        if lone.note && p.at_root() && p.first.is_some() {
            let count = p.groups.first().map_or(0, |g| g.1.len());
            if p.nodes.end + 1 == count {
                p.last = end;
                p.nodes.end = count;
            }
        }
    }

    fn end(&mut self, name: &[u8], range: Range<usize>) -> Result<()> {
        match self.stack.last_mut() {
            None => {
                if name == b"text:index-body" {
                    self.index = self.index.saturating_sub(1);
                }
                self.style_end(name);
                Ok(())
            }
            Some(Ctx::Para(p)) => {
                if let Some(sub) = &mut p.sub {
                    sub.depth -= 1;
                    if sub.depth == 0 {
                        self.finish_sub(range.end);
                        if let Some(Ctx::Para(p)) = self.stack.last_mut() {
                            p.settle(range.end);
                        }
                    }
                    return Ok(());
                }
                match p.inline.pop() {
                    None => {
                        if let Some(Ctx::Para(p)) = self.stack.pop() {
                            self.finish_para(p)?;
                        }
                    }
                    Some(Inline::Span(_)) => p.settle(range.end),
                    Some(Inline::Group(own)) => {
                        if let Some((open, nodes)) = p.groups.pop() {
                            let (open, close) = (Raw::Range(open), Raw::Range(range.clone()));
                            p.push(Node::Group { open, close, nodes, own, once: false });
                        }
                        p.settle(range.end);
                    }
                }
                Ok(())
            }
            Some(Ctx::Plain(b)) => {
                if b.depth > 0 {
                    b.depth -= 1;
                    return Ok(());
                }
                if let Some(Ctx::Plain(b)) = self.stack.pop() {
                    self.finish_plain(b, range.start);
                }
                Ok(())
            }
            Some(Ctx::Lang(d) | Ctx::Skip(d)) => {
                if *d == 0 {
                    self.stack.pop();
                } else {
                    *d -= 1;
                }
                Ok(())
            }
        }
    }

    /// Character data (escaped) at `range`.
    fn data(&mut self, raw: &str, range: Range<usize>) -> Result<()> {
        if !matches!(
            self.stack.last(),
            Some(Ctx::Para(Para { sub: None, .. }) | Ctx::Plain(_) | Ctx::Lang(0))
        ) {
            return Ok(());
        }
        let text = match quick_xml::escape::unescape(raw) {
            Ok(t) => t,
            Err(e) => {
                let (offset, message) = xml::reference_error(&e);
                return Err(self.fail(range.start + offset.unwrap_or(0), message));
            }
        };
        if let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
            let offset = forbidden_reference(raw).map_or(0, |(o, _)| o);
            return Err(self.fail(range.start + offset, not_allowed(c)));
        }
        let text = text.into_owned();
        self.chars(&text, range)
    }

    /// Text (unescaped) at `range`.
    fn chars(&mut self, text: &str, range: Range<usize>) -> Result<()> {
        match self.stack.last_mut() {
            Some(Ctx::Para(p)) if p.sub.is_none() => {
                p.begin(range.start);
                p.data(text);
                if p.len > MAX_LINE {
                    return Err(self.too_long());
                }
                p.settle(range.end);
            }
            Some(Ctx::Plain(b)) if b.depth == 0 => {
                b.text.extend(text.chars().map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }));
                if b.text.len() > MAX_LINE {
                    return Err(self.too_long());
                }
            }
            Some(Ctx::Lang(0)) => {
                let trimmed = text.trim();
                if let Some(english) =
                    self.edition.mark(trimmed).filter(|_| self.text.get(range.clone()) == Some(text))
                {
                    let at = range.start + (text.len() - text.trim_start().len());
                    self.lang.push((at..at + trimmed.len(), english));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The language marks of an element's attributes.
    fn marks(&mut self, e: &BytesStart<'_>, at: usize) -> Result<()> {
        // `fo:language` and `fo:country` say one language together: their values and
        // where they are.
        let mut language = None;
        let mut country = None;
        let mut marks = Vec::new();
        for a in e.attributes().with_checks(false) {
            let a = a.map_err(|e| self.fail(at, format!("malformed attribute: {e}")))?;
            let value = String::from_utf8_lossy(&a.value);
            match a.key.as_ref() {
                b"fo:language" => language = Some((value.into_owned(), self.offset_of(&a.value))),
                b"fo:country" => country = Some((value.into_owned(), self.offset_of(&a.value))),
                b"style:rfc-language-tag" => {
                    if let (Some(english), Some(r)) = (self.edition.mark(&value), self.offset_of(&a.value)) {
                        marks.push((r, english));
                    }
                }
                _ => {}
            }
        }
        if let Some((language, at)) = language {
            let (to_language, to_country) =
                self.edition.mark_apart(&language, country.as_ref().map(|(c, _)| c.as_str()));
            if let (Some(english), Some(r)) = (to_language, at) {
                marks.push((r, english.to_string()));
            }
            if let (Some(region), Some((_, Some(r)))) = (to_country, country) {
                marks.push((r, region));
            }
        }
        marks.sort_by_key(|(r, _)| r.start);
        self.lang.append(&mut marks);
        Ok(())
    }

    /// Where `slice`, borrowed from the part's text, stands in it.
    fn offset_of(&self, slice: &[u8]) -> Option<Range<usize>> {
        let start = (slice.as_ptr() as usize).checked_sub(self.text.as_ptr() as usize)?;
        let range = start..start + slice.len();
        (self.text.as_bytes().get(range.clone()) == Some(slice)).then_some(range)
    }

    /// Automatic text styles: what they look like.
    fn style_start(&mut self, e: &BytesStart<'_>, empty: bool, at: usize) -> Result<()> {
        match e.name().as_ref() {
            b"office:automatic-styles" => self.automatic = !empty,
            b"style:style" if self.automatic => {
                let mut name = None;
                let mut family = false;
                let mut parent = None;
                for a in e.attributes().with_checks(false) {
                    let a = a.map_err(|e| self.fail(at, format!("malformed attribute: {e}")))?;
                    let value = String::from_utf8_lossy(&a.value).into_owned();
                    match a.key.as_ref() {
                        b"style:name" => name = Some(value),
                        b"style:family" => family = value == "text",
                        b"style:parent-style-name" => parent = Some(format!("parent={value}")),
                        _ => {}
                    }
                }
                if let (Some(name), true) = (name, family) {
                    self.style = Some((name, parent.into_iter().collect(), false));
                    if empty {
                        self.style_end(b"style:style");
                    }
                }
            }
            b"style:text-properties" => {
                let Some((_, properties, hidden)) = &mut self.style else { return Ok(()) };
                let mut language = Vec::new();
                for a in e.attributes().with_checks(false).flatten() {
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let value = String::from_utf8_lossy(&a.value).into_owned();
                    if key == "text:display" && value == "none" {
                        *hidden = true;
                    }
                    if matches!(key.as_str(), "fo:language" | "fo:country" | "style:rfc-language-tag") {
                        language.push((key, value));
                    } else if !invisible(&key) {
                        properties.push(format!("{key}={value}"));
                    }
                }
                // Another language than the document's and the edition's (a German
                // quotation) is seen: its words keep their mark in the edition.
                let foreign = language.iter().any(|(key, value)| {
                    key != "fo:country" && super::EditionLanguage::is_other_language(value)
                });
                if foreign {
                    properties.extend(language.iter().map(|(key, value)| format!("{key}={value}")));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn style_end(&mut self, name: &[u8]) {
        match name {
            b"office:automatic-styles" => self.automatic = false,
            b"style:style" => {
                if let Some((name, mut properties, hidden)) = self.style.take() {
                    properties.sort();
                    self.styles.insert(name, Style { key: properties.join(" "), hidden });
                }
            }
            _ => {}
        }
    }

    /// A paragraph read to its end tag: its block, if it holds words.
    fn finish_para(&mut self, p: Para) -> Result<()> {
        let (Some(mut first), mut last) = (p.first, p.last) else { return Ok(()) };
        let Some((_, all)) = p.groups.into_iter().next() else { return Ok(()) };
        let mut span = p.nodes.clone();
        if span.start > span.end || span.end > all.len() {
            return Ok(());
        }
        // Marks just before the first words and just after the last, at the
        // paragraph's own level, are the block's: a bookmark on its first words pairs
        // with its end, and one left alone is written again where it stood.
        while let Some(Node::Mark(m)) = span.start.checked_sub(1).and_then(|i| all.get(i)) {
            if !m.root || m.role == Role::End {
                break;
            }
            first = m.range.start;
            span.start -= 1;
        }
        while let Some(Node::Mark(m)) = all.get(span.end) {
            if !m.root || m.role != Role::End {
                break;
            }
            last = m.range.end;
            span.end += 1;
        }
        let mut all = all;
        if p.index {
            page_number(&mut all[span.clone()], self.text);
        }
        let nodes = paired(all.drain(span).collect(), self.text);
        let mut build = Build::default();
        let (key, tags) = base(&nodes);
        // What marks no range of words here (a bookmark of a place, a range that starts
        // or ends in another paragraph, ranges that overlap): the starts where the block
        // starts and the ends where it ends once it is written again, in order, so a
        // reference still finds its bookmark and a range never ends before it starts.
        let mut alone: Vec<(Range<usize>, bool)> = p
            .points
            .iter()
            .filter(|r| r.start >= first && r.end <= last)
            .map(|r| (r.clone(), false))
            .collect();
        unpaired(&nodes, &mut alone);
        alone.sort_by_key(|(r, _)| r.start);
        let (mut starts, mut ends) = (String::new(), String::new());
        for (r, end) in alone {
            let raw = &self.text[r];
            if end {
                ends.push_str(raw)
            } else {
                starts.push_str(raw)
            }
        }
        let marks = (!starts.is_empty() || !ends.is_empty()).then(|| {
            let markup =
                Markup { open: Raw::Text(starts), close: Raw::Text(ends), once: true, ..Markup::default() };
            marked::open(&mut build.paragraph, &mut build.codes, markup, false)
        });
        build.nodes(&nodes, &key, &tags);
        if let Some(n) = marks {
            marked::close(&mut build.paragraph, n);
        }
        if super::inline::strip(&build.paragraph).trim().is_empty() {
            return Ok(());
        }
        if build.paragraph.len() > MAX_LINE {
            return Err(Error::TooLarge {
                path: self.path.to_path_buf(),
                what: format!("paragraph {} (in {})", p.number, self.name),
                limit: MAX_LINE,
            });
        }
        let mut block = Block::new(first..last, build.paragraph, build.codes, &OdfText, p.number);
        block.style = tags;
        self.blocks.push(block);
        Ok(())
    }

    /// An element of text only, read to its end tag at `end`.
    fn finish_plain(&mut self, b: Plain, end: usize) {
        if b.broken || b.text.trim().is_empty() {
            return;
        }
        let mut paragraph = String::new();
        let mut codes = Vec::new();
        marked::push_text(&mut paragraph, &mut codes, &b.text, |t| Raw::Text(t.to_string()));
        let number = if self.name == "meta.xml" { *self.number + 1 } else { b.number.max(1) };
        self.blocks.push(Block::new(b.start..end, paragraph, codes, &PlainXml, number));
    }
}

/// In an entry of an index (a table of contents' line, `Festivalsommeren 2026<tab/>1`),
/// the page number after the last tab, which LibreOffice computes: layout, a lone code
/// as the tab is, so the entry is its text alone, the same sentence as the heading it
/// repeats, whatever page it falls on.
fn page_number(nodes: &mut [Node], text: &str) {
    // The last words, and what stands after them (a mark).
    let Some(n) = nodes.iter().rposition(has_words).map(|i| i + 1) else { return };
    match &mut nodes[n - 1] {
        Node::Group { nodes: inner, .. } => return page_number(inner, text),
        Node::Text { text: t, .. } if marked::is_page_number(t) => {}
        _ => return,
    }
    let tab = |node: &Node| matches!(node, Node::Lone(Markup { open: Raw::Range(r), .. }, _) if text[r.clone()].starts_with("<text:tab"));
    if !n.checked_sub(2).is_some_and(|i| tab(&nodes[i])) {
        return;
    }
    let Node::Text { text: t, tags, .. } = &nodes[n - 1] else { return };
    let mut written = String::new();
    OdfText.text(t, tags, &mut written);
    nodes[n - 1] = Node::Lone(Markup { open: Raw::Text(written), layout: true, ..Markup::default() }, false);
}

/// Whether the element `name` starts a block when it stands in a code that holds
/// blocks.
fn opens_block(name: &[u8]) -> bool {
    matches!(name, b"text:p" | b"text:h" | b"svg:title" | b"svg:desc")
}

/// The key and span tags most of the text directly in `nodes` (or in a group whose
/// words are their own, [`Node::Group`]) has, the first of equals: the look text
/// without a code of its own takes. A look of another language (a German quotation's)
/// is that only where all the text has one: the translation is English.
fn base(nodes: &[Node]) -> (String, String) {
    fn count<'a>(nodes: &'a [Node], sizes: &mut Vec<(&'a str, &'a str, usize)>) {
        for node in nodes {
            match node {
                Node::Text { text, key, tags } if !text.trim().is_empty() => {
                    match sizes.iter_mut().find(|(k, _, _)| k == key) {
                        Some(s) => s.2 += text.len(),
                        None => sizes.push((key, tags, text.len())),
                    }
                }
                Node::Group { nodes, own: true, .. } => count(nodes, sizes),
                _ => {}
            }
        }
    }
    let mut sizes: Vec<(&str, &str, usize)> = Vec::new();
    count(nodes, &mut sizes);
    // Text in another language (a German quotation) is the own only where all of it
    // is: the translation is English.
    let native = |key: &str| !key.contains("fo:language=") && !key.contains("style:rfc-language-tag=");
    let mut best: Option<(&str, &str, usize)> = None;
    for s in sizes {
        if best.is_none_or(|b| (native(s.0), s.2) > (native(b.0), b.2)) {
            best = Some(s);
        }
    }
    best.map_or_else(Default::default, |(k, t, _)| (k.to_string(), t.to_string()))
}

/// A block's paragraph and codes being made from its nodes.
struct Build {
    paragraph: String,
    codes: Vec<Markup>,
    /// Whether the text so far ends in white space (or there is none).
    spaced: bool,
}

impl Default for Build {
    fn default() -> Build {
        Build { paragraph: String::new(), codes: Vec::new(), spaced: true }
    }
}

impl Build {
    /// Adds `nodes`, in a place whose own look is `own` (written with `own_tags`):
    /// text of another look is a pair, white space takes the look around it, and a
    /// line break gets a space before it where the text has none.
    fn nodes(&mut self, nodes: &[Node], own: &str, own_tags: &str) {
        let mut open: Option<(&str, &str, u32)> = None;
        for node in nodes {
            match node {
                Node::Text { text, key, tags } => {
                    let current = open.map_or(own, |o| o.0);
                    if !text.trim().is_empty() && key != current {
                        if let Some((_, _, n)) = open.take() {
                            marked::close(&mut self.paragraph, n);
                        }
                        if key != own {
                            let what =
                                described::contrast(&described::odf_look(key), &described::odf_look(own));
                            let markup = Markup { style: Some(tags.clone()), what, ..Markup::default() };
                            let n = marked::open(&mut self.paragraph, &mut self.codes, markup, false);
                            open = Some((key, tags, n));
                        }
                    }
                    if !text.is_empty() {
                        self.spaced = text.ends_with(char::is_whitespace);
                    }
                    let style = open.map_or(own_tags, |o| o.1);
                    marked::push_text(&mut self.paragraph, &mut self.codes, text, |t| {
                        let closes = "</text:span>".repeat(style.matches("<text:span").count());
                        Raw::Text(format!("{style}{t}{closes}"))
                    });
                }
                Node::Lone(markup, brk) => {
                    if *brk && !self.spaced {
                        self.paragraph.push(' ');
                        self.spaced = true;
                    }
                    marked::open(&mut self.paragraph, &mut self.codes, markup.clone(), true);
                }
                // An empty link shows nothing and would only be a tag to keep.
                Node::Group { nodes, .. } if nodes.is_empty() => {}
                Node::Group { open: start, close, nodes, once, .. } => {
                    let (key, tags) = base(nodes);
                    let markup = Markup {
                        open: start.clone(),
                        close: close.clone(),
                        style: Some(tags.clone()),
                        once: *once,
                        spaced: false,
                        layout: false,
                        what: None,
                    };
                    let n = marked::open(&mut self.paragraph, &mut self.codes, markup, false);
                    self.nodes(nodes, &key, &tags);
                    marked::close(&mut self.paragraph, n);
                }
                // Written at the block's edges ([`unpaired`]).
                Node::Mark(_) => {}
            }
        }
        if let Some((_, _, n)) = open {
            marked::close(&mut self.paragraph, n);
        }
    }
}

/// Whether a node holds words (text that is not white space).
fn has_words(node: &Node) -> bool {
    match node {
        Node::Text { text, .. } => !text.trim().is_empty(),
        Node::Group { nodes, .. } => nodes.iter().any(has_words),
        Node::Lone(..) | Node::Mark(_) => false,
    }
}

/// `nodes` (of the part `text`) with each range whose start and end marks stand in
/// the same list around words a pair of them ([`Node::Group`], its markup once), in
/// the lists of groups too: a bookmark, a reference mark, an index entry, and a field
/// mark, whose start and separator (and anything between, its code) open the pair and
/// whose end closes it, so its result is text. A field mark around no words is one
/// lone code of all of it. A mark whose other end is elsewhere (another list, another
/// paragraph), or that would need bytes that are no whole elements, stays a mark.
fn paired(nodes: Vec<Node>, text: &str) -> Vec<Node> {
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for i in 0..slots.len() {
        let start = match slots[i].take() {
            Some(Node::Mark(m)) if m.role == Role::Start => m,
            Some(Node::Group { open, close, nodes, own, once }) => {
                out.push(Node::Group { open, close, nodes: paired(nodes, text), own, once });
                continue;
            }
            Some(other) => {
                out.push(other);
                continue;
            }
            None => continue,
        };
        // Its separator and end: the marks of its kind nest.
        let (mut depth, mut separator, mut end) = (0usize, None, None);
        for (j, slot) in slots.iter().enumerate().skip(i + 1) {
            let Some(Node::Mark(m)) = slot else { continue };
            if m.key != start.key {
                continue;
            }
            match m.role {
                Role::Start => depth += 1,
                Role::Separator if depth == 0 && separator.is_none() => separator = Some((j, m.range.end)),
                Role::End if depth == 0 => {
                    end = Some((j, m.range.clone()));
                    break;
                }
                Role::End => depth -= 1,
                Role::Separator => {}
            }
        }
        let Some((j, close)) = end else {
            out.push(Node::Mark(start));
            continue;
        };
        let (body, open_end) = separator.map_or((i + 1, start.range.end), |(s, e)| (s + 1, e));
        let open = start.range.start..open_end;
        let words = slots[body..j].iter().flatten().any(has_words);
        if words && whole_elements(&text[open.clone()]) {
            slots[i + 1..body].iter_mut().for_each(|s| *s = None);
            let inner: Vec<Node> = slots[body..j].iter_mut().filter_map(Option::take).collect();
            slots[j] = None;
            out.push(Node::Group {
                open: Raw::Range(open),
                close: Raw::Range(close),
                nodes: paired(inner, text),
                own: true,
                once: true,
            });
        } else if !words && start.key == FIELD && whole_elements(&text[start.range.start..close.end]) {
            slots[i + 1..=j].iter_mut().for_each(|s| *s = None);
            let open = Raw::Range(start.range.start..close.end);
            out.push(Node::Lone(Markup { open, layout: true, ..Markup::default() }, false));
        } else {
            out.push(Node::Mark(start));
        }
    }
    out
}

/// The marks in `nodes` (and in their groups) that are no pair: each one's bytes and
/// whether it ends a range.
fn unpaired(nodes: &[Node], out: &mut Vec<(Range<usize>, bool)>) {
    for node in nodes {
        match node {
            Node::Mark(m) => out.push((m.range.clone(), m.role == Role::End)),
            Node::Group { nodes, .. } => unpaired(nodes, out),
            Node::Text { .. } | Node::Lone(..) => {}
        }
    }
}

/// Whether `xml`, bytes of a well-formed part, is whole elements (and text): every
/// element that starts in it ends in it, and none ends that did not start.
fn whole_elements(xml: &str) -> bool {
    let bytes = xml.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(i) = bytes[at..].iter().position(|&b| b == b'<') {
        let start = at + i;
        // The tag's end, quoted attribute values skipped.
        let mut quote = None;
        let mut end = None;
        for (k, &b) in bytes.iter().enumerate().skip(start + 1) {
            match (quote, b) {
                (Some(q), b) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => {
                    end = Some(k);
                    break;
                }
                (None, _) => {}
            }
        }
        let Some(end) = end else { return false };
        let tag = &bytes[start..=end];
        if tag.starts_with(b"</") {
            let Some(d) = depth.checked_sub(1) else { return false };
            depth = d;
        } else if !(tag.ends_with(b"/>") || tag.starts_with(b"<?") || tag.starts_with(b"<!")) {
            depth += 1;
        }
        at = end + 1;
    }
    depth == 0
}

/// Turns a quick-xml error into a message a person can act on.
fn xml_error(e: quick_xml::Error) -> String {
    use quick_xml::errors::IllFormedError;
    use quick_xml::Error as X;
    match e {
        X::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("expected </{expected}>, found </{found}>")
        }
        X::IllFormed(IllFormedError::UnmatchedEndTag(tag)) => format!("</{tag}> closes no element"),
        X::Syntax(s) => format!("{s}; is the document truncated?"),
        X::Escape(e) => xml::reference_error(&e).1,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::io::{Cursor, Write};

    const NS: &str = concat!(
        r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
        r#"xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" "#,
        r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#,
        r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#,
        r#"xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" "#,
        r#"xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" "#,
        r#"xmlns:xlink="http://www.w3.org/1999/xlink" "#,
        r#"xmlns:dc="http://purl.org/dc/elements/1.1/" "#,
        r#"xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" "#,
        r#"xmlns:field="urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0" "#,
        r#"xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" "#,
        r#"xmlns:officeooo="http://openoffice.org/2009/office""#,
    );

    /// LibreOffice's automatic styles for a converted Word file: T1 only a language and
    /// an rsid, T2 and T4 bold with different rsids, T3 italic, T5 hidden; T6 German and
    /// T7 American English.
    const STYLES: &str = concat!(
        r#"<style:style style:name="T1" style:family="text"><style:text-properties fo:language="nb" fo:country="NO" officeooo:rsid="0012ab"/></style:style>"#,
        r#"<style:style style:name="T2" style:family="text"><style:text-properties fo:language="nb" fo:country="NO" fo:font-weight="bold" style:font-weight-asian="bold" officeooo:rsid="0012ab"/></style:style>"#,
        r#"<style:style style:name="T3" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>"#,
        r#"<style:style style:name="T4" style:family="text"><style:text-properties fo:font-weight="bold" officeooo:rsid="00ff00"/></style:style>"#,
        r#"<style:style style:name="T5" style:family="text"><style:text-properties text:display="none"/></style:style>"#,
        r#"<style:style style:name="T6" style:family="text"><style:text-properties fo:language="de" fo:country="DE"/></style:style>"#,
        r#"<style:style style:name="T7" style:family="text"><style:text-properties fo:language="en" fo:country="US"/></style:style>"#,
    );

    fn content(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS} office:version="1.3"><office:automatic-styles>{STYLES}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        )
    }

    /// A package as LibreOffice writes one: `mimetype` first and stored, then the
    /// parts, compressed.
    fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        use zip::write::SimpleFileOptions;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(MIME.as_bytes()).unwrap();
        for (name, text) in parts {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn odt(body: &str) -> Vec<u8> {
        package(&[("content.xml", &content(body))])
    }

    fn read(bytes: &[u8]) -> Result<Document> {
        Odt.read(&mut &bytes[..], Path::new("a.odt"), &Segmenter::default(), &Default::default())
    }

    #[track_caller]
    fn segments(body: &str) -> Vec<String> {
        let d = read(&odt(body)).unwrap();
        d.segments.iter().map(|s| s.text.clone()).collect()
    }

    /// The entry `name` of the package `bytes`.
    fn entry(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    /// The body of `content.xml` after every segment is replaced by `fill` of it.
    #[track_caller]
    fn rendered(body: &str, fill: impl Fn(&str) -> String) -> String {
        let d = read(&odt(body)).unwrap();
        let out = d.rebuild(|s| Some(Cow::Owned(fill(&s.text)))).unwrap();
        let xml = entry(&out, "content.xml");
        let start = xml.find("<office:text>").unwrap() + "<office:text>".len();
        xml[start..xml.find("</office:text>").unwrap()].to_string()
    }

    #[test]
    fn plain_prose_in_spans_of_no_visible_property_has_no_codes() {
        // LibreOffice's conversion of a Word file: every run a span of a language-only
        // style, runs cut anywhere, an empty span and a bookmark, rsid-only differences.
        let body = r#"<text:p text:style-name="Standard"><text:span text:style-name="T1">Jeg synes måten dagen </text:span><text:span text:style-name="T1">starter på er viktig.</text:span><text:bookmark text:name="_GoBack"/><text:span text:style-name="T1"> Jeg elsker det.</text:span><text:span text:style-name="T1"/></text:p>"#;
        assert_eq!(segments(body), ["Jeg synes måten dagen starter på er viktig.", "Jeg elsker det."]);
    }

    #[test]
    fn formatting_of_some_words_is_a_pair_and_of_all_of_them_is_none() {
        // Bold in two styles that differ only by rsid is one run.
        let body = r#"<text:p><text:span text:style-name="T2">Hva er en god dag</text:span><text:span text:style-name="T4"> på jobben?</text:span></text:p><text:p><text:span text:style-name="T1">Han har fullmakt til å </text:span><text:span text:style-name="T3">«gå utenfor boksen»</text:span><text:span text:style-name="T1">. Det er </text:span><text:span text:style-name="T4">viktig</text:span>.</text:p>"#;
        assert_eq!(
            segments(body),
            [
                "Hva er en god dag på jobben?",
                "Han har fullmakt til å {1}«gå utenfor boksen»{/1}.",
                "Det er {1}viktig{/1}."
            ]
        );
    }

    #[test]
    fn a_link_is_a_pair_whatever_spans_it_holds() {
        let body = r#"<text:p><text:span text:style-name="T2">Vi har møtt direktøren i </text:span><text:a xlink:type="simple" xlink:href="https://www.lyse.no/" text:style-name="Internet_20_link"><text:span text:style-name="Internet_20_link"><text:span text:style-name="T2">Lyse Dialog</text:span></text:span></text:a><text:span text:style-name="T2">, Trine Vestre Øen.</text:span></text:p>"#;
        assert_eq!(segments(body), ["Vi har møtt direktøren i {1}Lyse Dialog{/1}, Trine Vestre Øen."]);
        // An empty link is no tag.
        assert_eq!(
            segments(r#"<text:p>Her er <text:a xlink:href="https://a.no/"></text:a>ingen.</text:p>"#),
            ["Her er ingen."]
        );
        assert_eq!(
            rendered(body, |t| t.replace("Vi har møtt direktøren i", "We met the director of")),
            r#"<text:p><text:span text:style-name="T2">We met the director of </text:span><text:a xlink:type="simple" xlink:href="https://www.lyse.no/" text:style-name="Internet_20_link"><text:span text:style-name="Internet_20_link"><text:span text:style-name="T2">Lyse Dialog</text:span></text:span></text:a><text:span text:style-name="T2">, Trine Vestre Øen.</text:span></text:p>"#
        );
    }

    /// Content controls as LibreOffice 7.4 writes a Word file's (`w:sdt`): inline, over
    /// a whole paragraph, and a drop-down with its choices first.
    #[test]
    fn a_content_controls_words_are_text_inside_a_pair() {
        let body = concat!(
            r#"<text:p text:style-name="Standard">Navnet hans er <loext:content-control>Arne Johansen</loext:content-control>, og han bor i Henningsvær.</text:p>"#,
            r#"<text:p text:style-name="Standard"><loext:content-control>Hele denne setningen står i en kontroll.</loext:content-control></text:p>"#,
            r#"<text:p text:style-name="Standard">Velg fylke: <loext:content-control><loext:list-item loext:display-text="Troms" loext:value="Troms"/><loext:list-item loext:display-text="Nordland" loext:value="Nordland"/>Nordland</loext:content-control>.</text:p>"#,
        );
        assert_eq!(
            segments(body),
            [
                "Navnet hans er {1}Arne Johansen{/1}, og han bor i Henningsvær.",
                "Hele denne setningen står i en kontroll.",
                "Velg fylke: {1}Nordland{/1}."
            ]
        );
        assert_eq!(read(&odt(body)).unwrap().rebuild(|_| None).unwrap(), odt(body));
        let english = |t: &str| match t {
            "Navnet hans er {1}Arne Johansen{/1}, og han bor i Henningsvær." => {
                "{1}Arne Johansen{/1} is his name, and he lives in Henningsvær."
            }
            "Hele denne setningen står i en kontroll." => "This whole sentence is in a control.",
            _ => "Choose a county: {1}Nordland{/1}.",
        };
        assert_eq!(
            rendered(body, |t| english(t).to_string()),
            concat!(
                r#"<text:p text:style-name="Standard"><loext:content-control>Arne Johansen</loext:content-control><text:s/>is his name, and he lives in Henningsvær.</text:p>"#,
                r#"<text:p text:style-name="Standard"><loext:content-control>This whole sentence is in a control.</loext:content-control></text:p>"#,
                r#"<text:p text:style-name="Standard">Choose a county: <loext:content-control><loext:list-item loext:display-text="Troms" loext:value="Troms"/><loext:list-item loext:display-text="Nordland" loext:value="Nordland"/>Nordland</loext:content-control>.</text:p>"#,
            )
        );
    }

    /// Words in a span of another language than Norwegian or English (a quotation in
    /// German) are a pair that keeps its span, so its mark, in the edition; an English
    /// or Norwegian span is no tag.
    #[test]
    fn a_quotation_in_another_language_keeps_its_language() {
        let body = r#"<text:p><text:span text:style-name="T1">Han sa «</text:span><text:span text:style-name="T6">Ich bin ein Berliner</text:span><text:span text:style-name="T1">» på </text:span><text:span text:style-name="T7">tysk</text:span>.</text:p>"#;
        assert_eq!(segments(body), ["Han sa «{1}Ich bin ein Berliner{/1}» på tysk."]);
        assert_eq!(
            rendered(body, |_| "He said “{1}Ich bin ein Berliner{/1}” in German.".to_string()),
            r#"<text:p>He said “<text:span text:style-name="T6">Ich bin ein Berliner</text:span>” in German.</text:p>"#
        );
    }

    #[test]
    fn spaces_tabs_breaks_and_fields() {
        // `text:s` is spaces; white space in character data collapses and is ignored at
        // the start; a tab and a line break inside are lone codes; a field is a lone
        // code, and codes after the last text stay outside the block.
        let body = "<text:p>\n  Tre <text:s text:c=\"2\"/>mellomrom og\n\ttab<text:tab/>her.<text:line-break/> Side <text:page-number>1</text:page-number> av 2.<text:tab/><text:date>1. mai</text:date></text:p>";
        assert_eq!(segments(body), ["Tre   mellomrom og tab{1/}her.", "Side {1/} av 2."]);
    }

    #[test]
    fn a_line_break_parts_sentences_with_a_space_before_it_as_in_word() {
        // The same paragraph as a Word document gives `Hei.`, `Hvem er du?` and
        // `Han sa: {1/}– Vi skal vinne.`: the break after a full stop is between two
        // segments, the one after a colon inside one, a space before it.
        let body =
            "<text:p>Hei.<text:line-break/>Hvem er du? Han sa:<text:line-break/>– Vi skal vinne.</text:p>";
        assert_eq!(segments(body), ["Hei.", "Hvem er du?", "Han sa: {1/}– Vi skal vinne."]);
        // Written again, the space stands before the break, where it is not seen; read
        // again, the paragraph is the same.
        assert_eq!(
            rendered(body, |t| t.replace("Han sa", "He said")),
            "<text:p>Hei. <text:line-break/>Hvem er du? He said: <text:line-break/>– Vi skal vinne.</text:p>"
        );
        assert_eq!(segments("<text:p>Hei. <text:line-break/>Hvem er du?</text:p>"), ["Hei.", "Hvem er du?"]);
    }

    /// A bookmark on words (the target of a cross-reference) is a pair around them, so
    /// the translation places it and the reference shows the translated words, not the
    /// paragraph; one that marks no words or reaches into another paragraph, and a
    /// bookmark of a place, stand at the edges of a paragraph written again; each mark
    /// is written once.
    #[test]
    fn a_bookmark_on_words_is_a_pair_and_other_marks_span_a_paragraph_written_again() {
        let body = concat!(
            r#"<text:h text:outline-level="1">Høy <text:bookmark-start text:name="ref1"/>pris<text:bookmark-end text:name="ref1"/> i dag</text:h>"#,
            r#"<text:p>Det er <text:span text:style-name="T1"><text:bookmark text:name="punkt"/><text:bookmark-start text:name="merke1"/>skremmende</text:span><text:bookmark-end text:name="merke1"/>. Og mer.</text:p>"#,
            r#"<text:p><text:bookmark-start text:name="begge"/>Det er sant. Og mer.<text:bookmark-end text:name="begge"/><text:bookmark-start text:name="videre"/> Slutt.</text:p>"#,
            r#"<text:p>Neste.<text:bookmark-end text:name="videre"/></text:p>"#,
            r#"<text:p>Se <text:bookmark-ref text:reference-format="text" text:ref-name="ref1">pris</text:bookmark-ref>.</text:p>"#,
            r#"<text:p>Se side <text:bookmark-ref text:reference-format="page" text:ref-name="ref1">2</text:bookmark-ref>.</text:p>"#,
        );
        assert_eq!(
            segments(body),
            [
                "Høy {1}pris{/1} i dag",
                "Det er {1}skremmende{/1}.",
                "Og mer.",
                "Det er sant.",
                "Og mer.",
                "Slutt.",
                "Neste.",
                // A reference to words stores them: they are translated with it.
                "Se {1}pris{/1}.",
                "Se side {1/}."
            ]
        );
        assert_eq!(read(&odt(body)).unwrap().rebuild(|_| None).unwrap(), odt(body));
        let d = read(&odt(body)).unwrap();
        let out = d
            .rebuild(|s| match (s.location.line, s.text.as_str()) {
                (1, _) => Some(Cow::Borrowed("{1}Price{/1} high today")),
                (2, "Det er {1}skremmende{/1}.") => Some(Cow::Borrowed("It is {1}frightening{/1}.")),
                (3, "Og mer.") => Some(Cow::Borrowed("And more.")),
                (5, _) => Some(Cow::Borrowed("See {1}price{/1}.")),
                (6, _) => Some(Cow::Borrowed("See page {1/}.")),
                _ => None,
            })
            .unwrap();
        let xml = entry(&out, "content.xml");
        let start = xml.find("<office:text>").unwrap() + "<office:text>".len();
        assert_eq!(
            &xml[start..xml.find("</office:text>").unwrap()],
            concat!(
                r#"<text:h text:outline-level="1"><text:bookmark-start text:name="ref1"/>Price<text:bookmark-end text:name="ref1"/><text:s/>high today</text:h>"#,
                r#"<text:p><text:bookmark text:name="punkt"/>It is <text:bookmark-start text:name="merke1"/>frightening<text:bookmark-end text:name="merke1"/>. Og mer.</text:p>"#,
                // Only one sentence is new: each mark is still written once, the one going
                // on in the next paragraph where this one starts.
                r#"<text:p><text:bookmark-start text:name="videre"/><text:bookmark-start text:name="begge"/>Det er sant. And more.<text:bookmark-end text:name="begge"/><text:s/>Slutt.</text:p>"#,
                r#"<text:p>Neste.<text:bookmark-end text:name="videre"/></text:p>"#,
                r#"<text:p>See <text:bookmark-ref text:reference-format="text" text:ref-name="ref1">price</text:bookmark-ref>.</text:p>"#,
                r#"<text:p>See page <text:bookmark-ref text:reference-format="page" text:ref-name="ref1">2</text:bookmark-ref>.</text:p>"#,
            )
        );
    }

    /// Field marks (a citation, a text form field, as LibreOffice 7.4 writes them),
    /// index entries and reference marks: a start and its end around words are a pair,
    /// so a translation cannot put them out of order, which LibreOffice would not open.
    #[test]
    fn marked_ranges_are_pairs_that_stay_in_order() {
        let citation = concat!(
            r#"<field:fieldmark-start text:name="Bookmark" field:type="vnd.oasis.opendocument.field.UNHANDLED"><field:param field:name="vnd.oasis.opendocument.field.code" field:value="ADDIN ZOTERO_ITEM CSL_CITATION {&quot;citationID&quot;:&quot;a1&quot;}"/></field:fieldmark-start>"#,
            r#"<field:fieldmark-separator/>"#
        );
        let form = r#"<field:fieldmark-start text:name="Tekst1" field:type="vnd.oasis.opendocument.field.FORMTEXT"/><field:fieldmark-separator/>"#;
        let body = format!(
            concat!(
                r#"<text:p>Dette er godt dokumentert {citation}(Hansen og Berg 2020, s. 14)<field:fieldmark-end/>.</text:p>"#,
                r#"<text:p>Skriv inn kommunen: {form}Vågan kommune<field:fieldmark-end/>. Og et tomt: {form}<field:fieldmark-end/>.</text:p>"#,
                r#"<text:p>Han bor i <text:alphabetical-index-mark-start text:id="IMark1"/>Henningsvær<text:alphabetical-index-mark-end text:id="IMark1"/> og jobber i <text:reference-mark-start text:name="ref1"/>Svolvær<text:reference-mark-end text:name="ref1"/>.</text:p>"#,
                // Two that overlap: the first is a pair, the other at the edges.
                r#"<text:p>A <text:bookmark-start text:name="a"/>b <text:reference-mark-start text:name="r"/>c<text:bookmark-end text:name="a"/> d<text:reference-mark-end text:name="r"/> e.</text:p>"#,
            ),
            citation = citation,
            form = form
        );
        let empty = format!("{form}<field:fieldmark-end/>");
        assert_eq!(
            segments(&body),
            [
                "Dette er godt dokumentert {1}(Hansen og Berg 2020, s. 14){/1}.",
                "Skriv inn kommunen: {1}Vågan kommune{/1}.",
                "Og et tomt: {1/}.",
                "Han bor i {1}Henningsvær{/1} og jobber i {2}Svolvær{/2}.",
                "A {1}b c{/1} d e."
            ]
        );
        let d = read(&odt(&body)).unwrap();
        assert_eq!(d.rebuild(|_| None).unwrap(), odt(&body));
        let out = d
            .rebuild(|s| {
                Some(Cow::Borrowed(match s.text.as_str() {
                    "Dette er godt dokumentert {1}(Hansen og Berg 2020, s. 14){/1}." => {
                        "{1}(Hansen and Berg 2020, p. 14){/1} document this well."
                    }
                    "Skriv inn kommunen: {1}Vågan kommune{/1}." => "Enter the municipality: {1}Vågan{/1}.",
                    "Og et tomt: {1/}." => "And an empty one: {1/}.",
                    "Han bor i {1}Henningsvær{/1} og jobber i {2}Svolvær{/2}." => {
                        "He works in {2}Svolvær{/2} and lives in {1}Henningsvær{/1}."
                    }
                    _ => "{1}B c{/1} d e, a.",
                }))
            })
            .unwrap();
        let xml = entry(&out, "content.xml");
        let start = xml.find("<office:text>").unwrap() + "<office:text>".len();
        assert_eq!(
            &xml[start..xml.find("</office:text>").unwrap()],
            format!(
                concat!(
                    r#"<text:p>{citation}(Hansen and Berg 2020, p. 14)<field:fieldmark-end/><text:s/>document this well.</text:p>"#,
                    r#"<text:p>Enter the municipality: {form}Vågan<field:fieldmark-end/>. And an empty one: {empty}.</text:p>"#,
                    r#"<text:p>He works in <text:reference-mark-start text:name="ref1"/>Svolvær<text:reference-mark-end text:name="ref1"/><text:s/>and lives in <text:alphabetical-index-mark-start text:id="IMark1"/>Henningsvær<text:alphabetical-index-mark-end text:id="IMark1"/>.</text:p>"#,
                    r#"<text:p><text:reference-mark-start text:name="r"/><text:bookmark-start text:name="a"/>B c<text:bookmark-end text:name="a"/><text:s/>d e, a.<text:reference-mark-end text:name="r"/></text:p>"#,
                ),
                citation = citation,
                form = form,
                empty = empty
            )
        );
        // Out of order, a pair is refused at import.
        assert!(crate::document::inline::check(
            "Dette er godt dokumentert {1}(Hansen og Berg 2020, s. 14){/1}.",
            "{/1}(Hansen and Berg 2020, p. 14){1} document this well."
        )
        .is_err());
    }

    #[test]
    fn the_writer_writes_spaces_tabs_and_breaks_as_odf_does() {
        let mut out = String::new();
        OdfText.text(" a  b   c\td\ne &<\u{1}", "", &mut out);
        assert_eq!(
            out,
            "<text:s/>a <text:s/>b <text:s text:c=\"2\"/>c<text:tab/>d<text:line-break/>e &amp;&lt;"
        );
        out.clear();
        OdfText.text("fet", r#"<text:span text:style-name="A"><text:span text:style-name="B">"#, &mut out);
        assert_eq!(
            out,
            r#"<text:span text:style-name="A"><text:span text:style-name="B">fet</text:span></text:span>"#
        );
    }

    /// A table of contents' entry is its heading's text: the tab and the page number
    /// LibreOffice puts after it (inside the entry's link) stay outside the segment, so
    /// the entry shares its heading's id whatever page the heading falls on, and both
    /// are written back after the translation. Outside an index, text after a tab is
    /// text; a tab inside a link at a paragraph's end is layout too.
    #[test]
    fn an_index_entrys_page_number_is_layout_and_its_text_the_headings() {
        let link = r##"<text:a xlink:type="simple" xlink:href="#__RefHeading___Toc1_1">"##;
        let body = format!(
            "<text:table-of-content text:name=\"Innhold1\"><text:table-of-content-source/><text:index-body>\
             <text:index-title><text:p>Innhold</text:p></text:index-title>\
             <text:p>{link}Festivalsommeren 2026<text:tab/>1</text:a></text:p>\
             <text:p>{link}Praktisk informasjon<text:tab/>iv</text:a></text:p>\
             </text:index-body></text:table-of-content>\
             <text:h>Festivalsommeren 2026</text:h><text:p>Kapittel<text:tab/>2</text:p>\
             <text:p>{link}Se også<text:tab/></text:a></text:p>"
        );
        assert_eq!(
            segments(&body),
            [
                "Innhold",
                "Festivalsommeren 2026",
                "Praktisk informasjon",
                "Festivalsommeren 2026",
                "Kapittel{1/}2",
                "Se også"
            ]
        );
        let written = rendered(&body, |t| {
            t.replace("Festivalsommeren", "Festival summer").replace("Se også", "See also")
        });
        assert!(written.contains(&format!("{link}Festival summer 2026<text:tab/>1</text:a>")), "{written}");
        assert!(written.contains(&format!("{link}See also<text:tab/></text:a>")), "{written}");
    }

    /// A note after a paragraph's last full stop is its sentence's, wherever the
    /// paragraph ends, as in the Word file LibreOffice saves of the same text; a
    /// frame there (an image after a caption's text) stays outside the block.
    #[test]
    fn a_note_that_ends_a_paragraph_is_its_last_sentences() {
        let note = r#"<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Gangfart er 6 km/t.</text:p></text:note-body></text:note>"#;
        let body = format!(
            "<text:p>Bare i gangfart.<text:bookmark text:name=\"b\"/>{note}</text:p>\
             <text:p>Et bilde.<draw:frame draw:name=\"x\"><draw:image xlink:href=\"Pictures/a.png\"/></draw:frame></text:p>"
        );
        assert_eq!(segments(&body), ["Bare i gangfart.{1/}", "Gangfart er 6 km/t.", "Et bilde."]);
        let written = rendered(&body, |t| format!("<{t}>"));
        assert!(written.contains("&lt;Bare i gangfart.<text:note "), "{written}");
        assert!(written.contains("</text:note>&gt;</text:p>"), "{written}");
        assert!(written.contains("&lt;Et bilde.&gt;<draw:frame"), "{written}");
    }

    #[test]
    fn notes_frames_tables_lists_and_captions_are_blocks() {
        let body = concat!(
            r#"<text:h text:outline-level="1"><text:bookmark-start text:name="_Toc1"/>Tittel<text:bookmark-end text:name="_Toc1"/></text:h>"#,
            r#"<text:p>Tekst her.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>En fotnote.</text:p></text:note-body></text:note> Mer tekst.</text:p>"#,
            r#"<text:p><draw:frame draw:name="Bilde 1"><draw:image xlink:href="Pictures/a.png"/><svg:title>Et bilde</svg:title><svg:desc>Trine på kontoret.</svg:desc></draw:frame></text:p>"#,
            r#"<text:p><draw:frame><draw:text-box><text:p>Figur <text:sequence text:name="Figure">1</text:sequence>: Et bilde.</text:p></draw:text-box></draw:frame></text:p>"#,
            r#"<table:table><table:table-row><table:table-cell><text:p>Celle én.</text:p></table:table-cell></table:table-row></table:table>"#,
            r#"<text:list><text:list-item><text:p>Punkt.</text:p><text:list><text:list-item><text:p>Underpunkt.</text:p></text:list-item></text:list></text:list-item></text:list>"#,
        );
        assert_eq!(
            segments(body),
            [
                "Tittel",
                "Tekst her.{1/}",
                "Mer tekst.",
                "En fotnote.",
                "Et bilde",
                "Trine på kontoret.",
                "Figur {1/}: Et bilde.",
                "Celle én.",
                "Punkt.",
                "Underpunkt."
            ]
        );
        assert_eq!(
            rendered(body, |t| format!("<{t}>")),
            concat!(
                r#"<text:h text:outline-level="1"><text:bookmark-start text:name="_Toc1"/>&lt;Tittel&gt;<text:bookmark-end text:name="_Toc1"/></text:h>"#,
                r#"<text:p>&lt;Tekst her.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>&lt;En fotnote.&gt;</text:p></text:note-body></text:note>&gt; &lt;Mer tekst.&gt;</text:p>"#,
                r#"<text:p><draw:frame draw:name="Bilde 1"><draw:image xlink:href="Pictures/a.png"/><svg:title>&lt;Et bilde&gt;</svg:title><svg:desc>&lt;Trine på kontoret.&gt;</svg:desc></draw:frame></text:p>"#,
                r#"<text:p><draw:frame><draw:text-box><text:p>&lt;Figur <text:sequence text:name="Figure">1</text:sequence>: Et bilde.&gt;</text:p></draw:text-box></draw:frame></text:p>"#,
                r#"<table:table><table:table-row><table:table-cell><text:p>&lt;Celle én.&gt;</text:p></table:table-cell></table:table-row></table:table>"#,
                r#"<text:list><text:list-item><text:p>&lt;Punkt.&gt;</text:p><text:list><text:list-item><text:p>&lt;Underpunkt.&gt;</text:p></text:list-item></text:list></text:list-item></text:list>"#,
            )
        );
    }

    #[test]
    fn comments_and_hidden_text_are_left_alone() {
        let body = concat!(
            r#"<text:p>Dette er<office:annotation><dc:creator>Redaktør</dc:creator><text:p>Sjekk dette.</text:p></office:annotation> riktig.</text:p>"#,
            r#"<text:p>Synlig <text:span text:style-name="T5">skjult tekst </text:span>tekst.<text:hidden-text text:condition="ooow:1" text:string-value="Skjult felt."/></text:p>"#,
        );
        assert_eq!(segments(body), ["Dette er{1/} riktig.", "Synlig {1/}tekst."]);
        assert_eq!(
            rendered(body, |t| t.to_uppercase()),
            concat!(
                r#"<text:p>DETTE ER<office:annotation><dc:creator>Redaktør</dc:creator><text:p>Sjekk dette.</text:p></office:annotation><text:s/>RIKTIG.</text:p>"#,
                r#"<text:p>SYNLIG <text:span text:style-name="T5">skjult tekst </text:span>TEKST.<text:hidden-text text:condition="ooow:1" text:string-value="Skjult felt."/></text:p>"#,
            )
        );
    }

    /// The document's title, subject, description and keywords, as LibreOffice 7.4
    /// writes them in `meta.xml`, are translated, as a Word document's are.
    #[test]
    fn the_documents_title_subject_description_and_keywords_are_text() {
        let meta = concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<office:document-meta xmlns:grddl="http://www.w3.org/2003/g/data-view#" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:ooo="http://openoffice.org/2004/office" xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3"><office:meta>"#,
            r#"<dc:title>Lofoten om vinteren</dc:title><dc:subject>Skreifisket</dc:subject><dc:description>En reportasje om fisket i Lofoten.</dc:description><meta:keyword>torsk</meta:keyword><meta:keyword>fiske</meta:keyword><dc:language>nb-NO</dc:language>"#,
            r#"<meta:document-statistic meta:table-count="0" meta:page-count="1" meta:word-count="4"/><meta:generator>LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2</meta:generator></office:meta></office:document-meta>"#
        );
        let bytes = package(&[
            ("content.xml", &content("<text:p>Fisket begynner i januar.</text:p>")),
            ("meta.xml", meta),
        ]);
        let d = read(&bytes).unwrap();
        let texts: Vec<&str> = d.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Fisket begynner i januar.",
                "Lofoten om vinteren",
                "Skreifisket",
                "En reportasje om fisket i Lofoten.",
                "torsk",
                "fiske"
            ]
        );
        assert_eq!(d.rebuild(|_| None).unwrap(), bytes);
        let english = |t: &str| match t {
            "Fisket begynner i januar." => "Fishing starts in January.",
            "Lofoten om vinteren" => "Lofoten in winter",
            "Skreifisket" => "The skrei fishery",
            "En reportasje om fisket i Lofoten." => "A report on the fishery in Lofoten.",
            "torsk" => "cod",
            _ => "fishing & more",
        };
        let out = d.rebuild(|s| Some(Cow::Borrowed(english(&s.text)))).unwrap();
        assert_eq!(
            entry(&out, "meta.xml"),
            meta.replace(">Lofoten om vinteren<", ">Lofoten in winter<")
                .replace(">Skreifisket<", ">The skrei fishery<")
                .replace(">En reportasje om fisket i Lofoten.<", ">A report on the fishery in Lofoten.<")
                .replace(">torsk<", ">cod<")
                .replace(">fiske<", ">fishing &amp; more<")
                .replace("nb-NO", "en-GB")
        );
    }

    #[test]
    fn an_edition_changes_only_translated_blocks_and_the_language() {
        let styles = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NS}><office:styles><style:default-style style:family="paragraph"><style:text-properties fo:language="nb" fo:country="NO" style:language-asian="zh" style:country-asian="CN"/></style:default-style></office:styles><office:automatic-styles><style:style style:name="MT1" style:family="text"><style:text-properties fo:language="nn" fo:country="NO"/></style:style></office:automatic-styles><office:master-styles><style:master-page style:name="Standard"><style:footer><text:p text:style-name="Footer"><text:span text:style-name="MT1">Kundeservice</text:span><text:tab/><text:page-number>1</text:page-number></text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"#
        );
        let meta = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {NS}><office:meta><dc:title>Kundeservice</dc:title><dc:language>nb-NO</dc:language></office:meta></office:document-meta>"#
        );
        let body = r#"<text:p><text:span text:style-name="T1">Hei. Hvem er du?</text:span></text:p><text:p>Takk.</text:p>"#;
        let bytes = package(&[("content.xml", &content(body)), ("styles.xml", &styles), ("meta.xml", &meta)]);
        let d = read(&bytes).unwrap();
        let texts: Vec<&str> = d.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Hei.", "Hvem er du?", "Takk.", "Kundeservice", "Kundeservice"]);
        let lines: Vec<usize> = d.segments.iter().map(|s| s.location.line).collect();
        assert_eq!(lines, [1, 1, 2, 3, 4]);
        assert_eq!(d.rebuild(|_| None).unwrap(), bytes);
        let out = d.rebuild(|s| (s.text == "Hei.").then_some(Cow::Borrowed("Hi."))).unwrap();
        assert_eq!(
            entry(&out, "content.xml"),
            content(r#"<text:p>Hi. Hvem er du?</text:p><text:p>Takk.</text:p>"#)
                .replace(r#"fo:language="nb" fo:country="NO""#, r#"fo:language="en" fo:country="GB""#)
        );
        assert_eq!(
            entry(&out, "styles.xml"),
            styles
                .replace(r#"fo:language="nb" fo:country="NO""#, r#"fo:language="en" fo:country="GB""#)
                .replace(r#"fo:language="nn" fo:country="NO""#, r#"fo:language="en" fo:country="GB""#)
        );
        assert_eq!(entry(&out, "meta.xml"), meta.replace("nb-NO", "en-GB"));
        assert_eq!(entry(&out, "mimetype"), MIME);
    }

    #[test]
    fn a_pair_across_sentences_and_a_literal_placeholder() {
        let body =
            r#"<text:p>Først <text:span text:style-name="T3">kursiv. Og så</text:span> {1} slutt.</text:p>"#;
        assert_eq!(segments(body), ["Først {1}kursiv.{/1}", "{1}Og så{/1} {2/} slutt."]);
        assert_eq!(
            rendered(body, |t| t.replace("Først", "First").replace("Og så", "And then")),
            r#"<text:p>First <text:span text:style-name="T3">kursiv. And then</text:span><text:s/>{1}<text:s/>slutt.</text:p>"#
        );
    }

    #[test]
    fn claims_by_extension_or_mimetype() {
        let bytes = odt("<text:p>Hei.</text:p>");
        let head = &bytes[..bytes.len().min(512)];
        assert!(Odt.claims(Path::new("a.ODT"), head));
        assert!(Odt.claims(Path::new("a"), head));
        assert!(Odt.claims(Path::new("a.odt"), b"PK\x03\x04 anything"));
        assert!(!Odt.claims(Path::new("a.docx"), b"PK\x03\x04 anything"));
        // Writer's other documents: a template is read, Writer/Web's and a master
        // document are refused with what to do.
        for name in ["t.ott", "w.oth", "m.ODM"] {
            assert!(Odt.claims(Path::new(name), b"PK\x03\x04 anything"), "{name}");
        }
        // Text named .odt is claimed, to be refused as no such document.
        assert!(Odt.claims(Path::new("a.odt"), b"Hei."));
        assert!(!Odt.claims(Path::new("a.txt"), b"Hei."));
        assert!(Odt.claims(Path::new("a.odt"), b"%PDF-1.7"));
        let spreadsheet =
            String::from_utf8_lossy(head).replace(MIME, "application/vnd.oasis.opendocument.spreadsheet");
        assert!(!Odt.claims(Path::new("a"), spreadsheet.as_bytes()));
    }

    #[track_caller]
    fn refused(bytes: &[u8]) -> String {
        read(bytes).unwrap_err().to_string()
    }

    #[test]
    fn hostile_and_broken_documents_are_refused_with_what_to_do() {
        assert_eq!(
            refused(b"PK\x03\x04 not a zip"),
            "a.odt: is not a readable LibreOffice document (.odt) (invalid Zip archive: Could not find EOCD); \
             open it in its application and save it again"
        );
        assert_eq!(
            refused(&package(&[("styles.xml", "<x/>")])),
            "a.odt: has no content.xml, so it is no OpenDocument text; open it in LibreOffice and save it again \
             as .odt"
        );
        let tracked = odt(
            r#"<text:tracked-changes><text:changed-region text:id="c1"><text:deletion/></text:changed-region></text:tracked-changes><text:p>Hei.</text:p>"#,
        );
        assert!(refused(&tracked).starts_with(
            "a.odt: content.xml, line 2: the document has tracked changes; accept or reject them in LibreOffice \
             (Edit → Track Changes → Accept All"
        ));
        assert_eq!(
            refused(&package(&[("content.xml", &content("<text:p>Hei.</text:span>"))])),
            "a.odt: content.xml, line 2: expected </text:p>, found </text:span>"
        );
        assert_eq!(
            refused(&package(&[("content.xml", &content("<text:p>Hei &nbsp;du.</text:p>"))])),
            "a.odt: content.xml, line 2: undefined entity `&nbsp;`: only &amp; &lt; &gt; &quot; &apos; and \
             character references such as &#229; are allowed"
        );
        assert!(refused(&package(&[("content.xml", &content("<text:p>Hei &#1;du.</text:p>"))]))
            .ends_with("a character XML does not allow (U+0001)"));
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><office:document-content/>"#;
        assert!(refused(&package(&[("content.xml", bomb)])).contains("the DOCTYPE declares entities"));
        let deep = content(&format!("{}Hei{}", "<text:span>".repeat(80), "</text:span>".repeat(80)));
        assert!(refused(&package(&[("content.xml", &deep)])).contains("nested deeper than 64"));
        assert!(refused(&odt(r#"<text:p>a<text:s text:c="99999999999"/>b</text:p>"#)).ends_with(
            r#"<text:s text:c="99999999999"> is no number of spaces tolk reads (at most 1048576)"#
        ));
        assert!(refused(&odt(&format!("<text:p>{}</text:p>", "a".repeat(MAX_LINE + 1))))
            .contains("paragraph 1 (in content.xml)"));
        let truncated = content("<text:p>Hei.</text:p>");
        assert!(
            refused(&package(&[("content.xml", &truncated[..truncated.len() - 20])])).contains("truncated")
        );
        let prefixed = content("<text:p>Hei.</text:p>").replace("xmlns:text=", "xmlns:t=");
        assert!(refused(&package(&[("content.xml", &prefixed)])).contains("bound to another prefix"));
        let of_kind = |mime: &str| {
            use zip::write::SimpleFileOptions;
            let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
            zip.start_file("mimetype", SimpleFileOptions::default()).unwrap();
            zip.write_all(mime.as_bytes()).unwrap();
            zip.start_file("content.xml", SimpleFileOptions::default()).unwrap();
            zip.write_all(content("<text:p>Hei.</text:p>").as_bytes()).unwrap();
            zip.finish().unwrap().into_inner()
        };
        assert_eq!(
            refused(&of_kind("application/vnd.oasis.opendocument.spreadsheet")),
            "a.odt: is an OpenDocument file of another kind (application/vnd.oasis.opendocument.spreadsheet), \
             not a text document; tolk reads LibreOffice Writer documents (.odt)"
        );
        // Writer/Web's: saved as a text document, it is one.
        assert!(refused(&of_kind("application/vnd.oasis.opendocument.text-web"))
            .ends_with("open it in LibreOffice Writer and save it as \"ODF Text Document (.odt)\""));
        // A template is a text document.
        let template = of_kind("application/vnd.oasis.opendocument.text-template");
        let d = read(&template).unwrap();
        assert_eq!(d.segments.iter().map(|s| d.segment_text(s)).collect::<Vec<_>>(), ["Hei."]);
        // Saved with a password: said so, not taken for damaged XML.
        let manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="x"/></manifest:file-entry></manifest:manifest>"#;
        let encrypted =
            package(&[("META-INF/manifest.xml", manifest), ("content.xml", "\u{fffd}\u{1}binary")]);
        assert!(refused(&encrypted).ends_with(
            "is protected with a password; open it in LibreOffice and save it \
             without one (File > Save As, with \"Save with password\" unticked)"
        ));
        assert!(
            refused(&odt("<text:p>a\u{1}b</text:p>")).ends_with("a character XML does not allow (U+0001)")
        );
    }

    mod generated {
        use super::*;
        use proptest::prelude::*;

        fn escape(text: &str) -> String {
            let mut out = String::new();
            escape_into(&mut out, text, false);
            out
        }

        /// Inline content as LibreOffice writes it, nested a few levels.
        fn inline() -> impl Strategy<Value = String> {
            let leaf = prop_oneof![
                4 => "[a-zæøå .,!?{}1/\n\t]{1,12}".prop_map(|t| escape(&t)),
                1 => Just("&amp; &#229;".to_string()),
                1 => Just("<text:s/>".to_string()),
                1 => Just(r#"<text:s text:c="3"/>"#.to_string()),
                1 => Just("<text:tab/>".to_string()),
                1 => Just("<text:line-break/>".to_string()),
                1 => Just(r#"<text:bookmark text:name="b"/>"#.to_string()),
                1 => Just(r#"<text:bookmark-start text:name="b"/>"#.to_string()),
                1 => Just(r#"<text:bookmark-end text:name="b"/>"#.to_string()),
                1 => Just(r#"<text:reference-mark-start text:name="r"/>"#.to_string()),
                1 => Just(r#"<text:reference-mark-end text:name="r"/>"#.to_string()),
                1 => Just(r#"<field:fieldmark-start text:name="f" field:type="x"><field:param field:name="c" field:value="a&gt;b"/></field:fieldmark-start><field:fieldmark-separator/>"#.to_string()),
                1 => Just("<field:fieldmark-end/>".to_string()),
                1 => Just("<text:soft-page-break/>".to_string()),
                1 => Just(r#"<text:span text:style-name="T1"/>"#.to_string()),
                1 => Just("<text:page-number>1</text:page-number>".to_string()),
                1 => Just(
                    r#"<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>En fotnote. Og en til.</text:p></text:note-body></text:note>"#
                        .to_string()
                ),
                1 => Just(
                    r#"<draw:frame><draw:image xlink:href="a.png"/><svg:desc>Et bilde.</svg:desc></draw:frame>"#
                        .to_string()
                ),
            ];
            leaf.prop_recursive(3, 24, 4, |inner| {
                prop_oneof![
                    (
                        prop::sample::select(vec!["T1", "T2", "T3", "T4", "T5", "Internet_20_link"]),
                        prop::collection::vec(inner.clone(), 0..4)
                    )
                        .prop_map(|(s, v)| format!(
                            r#"<text:span text:style-name="{s}">{}</text:span>"#,
                            v.concat()
                        )),
                    prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!(
                        r#"<text:a xlink:href="https://a.no/?a=1&amp;b=2">{}</text:a>"#,
                        v.concat()
                    )),
                    prop::collection::vec(inner, 0..4).prop_map(|v| format!(
                        r#"<loext:content-control>{}</loext:content-control>"#,
                        v.concat()
                    )),
                ]
            })
        }

        fn body() -> impl Strategy<Value = String> {
            let para = (any::<bool>(), prop::collection::vec(inline(), 0..6)).prop_map(|(h, v)| {
                let tag = if h { "text:h" } else { "text:p" };
                format!("<{tag}>{}</{tag}>", v.concat())
            });
            prop::collection::vec(para, 1..5).prop_map(|v| v.concat())
        }

        /// The next letter for each ASCII lowercase letter: a change a reader sees that
        /// keeps every code and where sentences end.
        fn shift(text: &str) -> String {
            text.chars()
                .map(|c| if c.is_ascii_lowercase() { (b'a' + (c as u8 - b'a' + 1) % 26) as char } else { c })
                .collect()
        }

        /// The letters of every segment, in order.
        fn letters(d: &Document) -> String {
            d.segments
                .iter()
                .flat_map(|s| super::super::super::inline::strip(&s.text).chars().collect::<Vec<_>>())
                .filter(|c| c.is_alphabetic())
                .collect()
        }

        fn count(xml: &str, what: &str) -> usize {
            xml.matches(what).count()
        }

        proptest! {
            #[test]
            fn documents_rebuild_byte_for_byte_and_read_back_what_was_written(body in body()) {
                let bytes = odt(&body);
                let d = read(&bytes).unwrap();
                prop_assert_eq!(d.rebuild(|_| None).unwrap(), bytes.clone());
                for s in &d.segments {
                    prop_assert!(super::super::super::inline::check(&s.text, &s.text).is_ok(), "{}", s.text);
                    prop_assert_eq!(s.text.trim(), s.text.as_str());
                }
                let out = d.rebuild(|s| Some(Cow::Owned(shift(&s.text)))).unwrap();
                let again = read(&out).unwrap();
                // A note that led its paragraph's text inside a span of no visible property
                // stands before it once written again, so its paragraphs come first.
                let sorted = |t: String| { let mut v: Vec<char> = t.chars().collect(); v.sort_unstable(); v };
                prop_assert_eq!(sorted(letters(&again)), sorted(shift(&letters(&d))));
                let (before, after) = (entry(&bytes, "content.xml"), entry(&out, "content.xml"));
                for what in [
                    "<text:note ", "<draw:frame>", "<text:page-number>", "<text:tab/>", "<text:line-break/>",
                    "<text:bookmark-start ", "<text:bookmark-end ", "<text:reference-mark-start ",
                    "<text:reference-mark-end ", "<field:fieldmark-start ", "<field:fieldmark-separator/>",
                    "<field:fieldmark-end/>",
                ] {
                    prop_assert_eq!(count(&before, what), count(&after, what), "{}", what);
                }
            }

            #[test]
            fn damaged_documents_are_refused_or_read_never_a_panic(
                body in body(),
                at in any::<prop::sample::Index>(),
                cut in 0usize..40,
                insert in "[<>/&;\"= a-z:#0-9\u{0}\u{1}é]{0,12}",
            ) {
                let mut xml = content(&body);
                let mut start = at.index(xml.len());
                while !xml.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + cut).min(xml.len());
                while !xml.is_char_boundary(end) {
                    end -= 1;
                }
                xml.replace_range(start..end, &insert);
                let bytes = package(&[("content.xml", &xml)]);
                if let Ok(d) = read(&bytes) {
                    prop_assert_eq!(d.rebuild(|_| None).unwrap(), bytes);
                    d.rebuild(|s| Some(Cow::Owned(shift(&s.text)))).unwrap();
                }
            }
        }
    }
}
