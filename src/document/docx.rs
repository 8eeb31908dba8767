//! Word documents (.docx): the paragraphs of the body, tables, footnotes, endnotes,
//! headers, footers and text boxes as blocks, their inline formatting as codes, and
//! the document's language set to English when a translation is written.
//!
//! A paragraph (`w:p`) that holds text is a block. Runs whose visible properties are
//! the same are one stretch of text whatever Word left between them (`w:rsid*`,
//! `w:proofErr`, `w:lastRenderedPageBreak`, bookmarks, a Norwegian or English
//! `w:lang`, `w:noProof`), so a sentence of plain prose is one segment with no tags;
//! words marked in another language (a German quotation) are a pair that keeps its
//! `w:lang` in the edition. The properties that cover most
//! of a paragraph's own text (not a link's) are its own; a stretch with others is a pair of codes that
//! stands for its `w:rPr`, a hyperlink a pair around its runs. A tab, a line break, a
//! footnote or comment reference, an image, a symbol, a field (its code and its
//! result), hidden text and anything tolk does not know are lone codes holding their
//! exact XML; a text box inside an image holds paragraphs that are blocks of their own.
//! A field whose result is words a reader takes for the text's own (a link's, a
//! cross-reference's, an index entry's: [`Shown`]) has its result as text inside a pair
//! of its code and its end, which are written back as they were around the
//! translation and cannot be put out of order. A table of contents' entries are text
//! (its code and end codes), each its heading's text with its tab and page number left
//! in the layout; a running head's (`STYLEREF`'s) stored result is a copy of the
//! heading it repeats. Any other field whose stored result is words is noted
//! ([`Part::stored`]), for a build to name.
//! What stands before a paragraph's first text or after its last (a tab and a page
//! number in a footer, an image above a caption, a comment's anchor) stays outside the
//! block, so it never makes a segment's tags; what shares a run or a link with the
//! last words (a tab typed after them) is layout ([`Markup::layout`]), outside the last
//! sentence, but for a footnote or endnote reference. An image's description (`wp:docPr descr`, `title`, and
//! the picture's own `pic:cNvPr`) is a block too: a reader hears it. So are the
//! document's title, subject, description and keywords in `docProps/core.xml`, whose
//! `dc:language` becomes the edition's ([`super::EditionLanguage`]). What Word keeps
//! twice, a text box's VML copy (`mc:Fallback`) and the picture's own description, is
//! a copy ([`Block::copy`]): counted once, translated in both places. A line break
//! parts the words on either side as a space would (the paragraph's text gets one
//! before it where it has none), so a break typed right after a full stop ends the
//! sentence; written again, that space stands at the end of a line, where it is not
//! seen.
//!
//! A paragraph written again is runs of `<w:t xml:space="preserve">` with its
//! properties, without a `w:lang` of its own (but another language's, a quotation's):
//! every Norwegian or English `w:lang w:val` of the document parts becomes the
//! edition's language, and every one of `styles.xml` and `w:themeFontLang` in
//! `settings.xml` (the defaults that text takes) does, whatever it said.
//! A bookmark around words of one paragraph (the target of a cross-reference), or
//! around a field alone (a caption's number, as LibreOffice bookmarks it), is a pair
//! of its start and end around them, written once ([`Markup::once`]), so the
//! translation places it and a reference shows the translated words or the number. Other bookmarks,
//! comment ranges and permission ranges inside a paragraph written again start where
//! it starts and end where it ends, so a cross-reference never shows nothing;
//! proofing marks go.
//!
//! A template (`.dotx`) and a macro-enabled document or template (`.docm`, `.dotm`) hold
//! their text in the same parts and are read the same way; their edition keeps their
//! name and every part but the ones with translated text, so its content type says
//! what the source's said. Macros (`word/vbaProject.bin`) are never run nor read:
//! they go into the edition as they are, and text in them (a macro's messages) stays
//! as it was.
//!
//! Tracked changes are refused (a publisher's file has them accepted or rejected; an
//! English edition of a text still under review would have to choose for them).
//! Comments (`comments.xml`), charts, SmartArt and the glossary are left as they are.
//! This module does not know about sentences or the memory: [`super::marked`] does.

use std::collections::HashMap;
use std::io::Read as _;
use std::ops::Range;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::described;
use super::marked::{self, Block, Marked, Markup, Part, Raw, Writer};
use super::package::{Package, MAX_UNPACKED};
use super::{Document, DocumentFormat, EditionLanguage};
use crate::error::{Error, Place, Result};
use crate::input::limits::MAX_LINE;
use crate::input::xml;
use crate::segment::Segmenter;

/// The extensions of the Word documents read: a document, a template, and each of
/// them with macros (which tolk never runs).
pub const EXTENSIONS: [&str; 4] = ["docx", "dotx", "docm", "dotm"];

/// What a .docx is called in messages.
const KIND: &str = "Word document";

/// The namespaces WordprocessingML is bound to `w:` with (transitional and strict).
const NAMESPACES: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// Elements that record a tracked change.
const TRACKED: [&str; 18] = [
    "w:ins",
    "w:del",
    "w:moveFrom",
    "w:moveTo",
    "w:moveFromRangeStart",
    "w:moveToRangeStart",
    "w:rPrChange",
    "w:pPrChange",
    "w:sectPrChange",
    "w:tblPrChange",
    "w:tblPrExChange",
    "w:trPrChange",
    "w:tcPrChange",
    "w:tblGridChange",
    "w:numberingChange",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
];

/// The Word format.
pub struct Docx;

impl DocumentFormat for Docx {
    fn name(&self) -> &'static str {
        "docx"
    }

    /// A file named as a Word document ([`EXTENSIONS`], in any case), whatever it
    /// holds: one that is no zip archive (a file renamed, text saved under that name,
    /// an old `.doc`) is refused by [`Package::open`] as no Word document, so a
    /// document meant for translation is never passed over, nor read as plain text
    /// into an "edition" Word cannot open.
    fn claims(&self, path: &Path, _head: &[u8]) -> bool {
        path.extension().is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
    }

    fn read(
        &self,
        input: &mut dyn std::io::Read,
        path: &Path,
        segmenter: &Segmenter,
        options: &super::ReadOptions,
    ) -> Result<Document> {
        let mut bytes = Vec::new();
        input.take(MAX_UNPACKED + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
        if bytes.len() as u64 > MAX_UNPACKED {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                what: "the Word document".into(),
                limit: MAX_UNPACKED as usize,
            });
        }
        let mut package = Package::open(bytes, path, KIND)?;
        let marked = read_package(&mut package, path, &options.edition)?;
        Ok(Document::marked(super::name_of(path), "docx", marked, Some(package), segmenter))
    }
}

/// The parts of the Word document `package` (read from `path`) with their blocks and
/// language marks, to become `edition`'s.
fn read_package(package: &mut Package, path: &Path, edition: &EditionLanguage) -> Result<Marked> {
    let names = package.names();
    let mut stories: Vec<String> =
        ["word/document.xml", "word/footnotes.xml", "word/endnotes.xml"].map(String::from).into();
    for prefix in ["word/header", "word/footer"] {
        stories.extend(
            names
                .iter()
                .filter(|n| n.starts_with(prefix) && n.ends_with(".xml") && !n[5..].contains('/'))
                .cloned(),
        );
    }
    let mut parts = Vec::new();
    let mut paragraphs = 0;
    for name in &stories {
        let Some(text) = package.text(name, path, KIND)? else {
            if name == "word/document.xml" {
                return Err(Error::at(
                    path,
                    Place::File,
                    "is not a Word document (it has no word/document.xml); open it in Word and save it as a \
                     Word document (.docx)",
                ));
            }
            continue;
        };
        let tree = Tree::parse(&text, name, path, Some(paragraphs))?;
        let mut story = Story::new(&tree, name, path, paragraphs, edition);
        if let Some(root) = tree.root {
            story.walk(root)?;
        }
        paragraphs = story.paragraph;
        let (blocks, lang, stored) = (story.blocks, story.lang, story.stored);
        let mut part = Part::new(name.clone(), text);
        part.stored = stored;
        part.blocks = blocks;
        part.lang = lang;
        parts.push(part);
    }
    if let Some(part) = read_properties(package, path, paragraphs + 1, edition)? {
        parts.push(part);
    }
    // The defaults the text written again takes its language from.
    for (name, mark) in [("word/styles.xml", "w:lang"), ("word/settings.xml", "w:themeFontLang")] {
        let Some(text) = package.text(name, path, KIND)? else { continue };
        let tree = Tree::parse(&text, name, path, None)?;
        let mut lang = Vec::new();
        if tree.root.is_some_and(|r| tree.binds_w(r)) {
            for e in 0..tree.elements.len() {
                if tree.name(e) == mark {
                    // The defaults a paragraph written again takes: the edition's language,
                    // whatever they said.
                    let mark = tree.attribute(e, "w:val");
                    lang.extend(mark.and_then(|r| Some((r.clone(), edition.default_mark(&text[r])?))));
                }
            }
        }
        if !lang.is_empty() {
            let mut part = Part::new(name, text);
            part.lang = lang;
            parts.push(part);
        }
    }
    Ok(Marked { parts })
}

/// The document's properties (`docProps/core.xml`): its title, subject, description
/// and keywords a block each (numbered `line`, after the last paragraph), and its
/// language a language mark.
fn read_properties(
    package: &mut Package,
    path: &Path,
    line: usize,
    edition: &EditionLanguage,
) -> Result<Option<Part>> {
    let name = "docProps/core.xml";
    let Some(text) = package.text(name, path, KIND)? else { return Ok(None) };
    let tree = Tree::parse(&text, name, path, None)?;
    let mut blocks = Vec::new();
    let mut lang = Vec::new();
    let Some(root) = tree.root else { return Ok(None) };
    let fail = |at: usize, why: String| {
        Error::at(
            path,
            Place::File,
            format!("{name}, byte {at}: {why}; open the document in Word and save it again"),
        )
    };
    for e in tree.elements(root) {
        let element = tree.name(e);
        if !matches!(element, "dc:title" | "dc:subject" | "dc:description" | "cp:keywords" | "dc:language") {
            continue;
        }
        // Only an element of text alone: anything else is not what Word writes.
        let children = &tree.elements[e].children;
        let mut value = String::new();
        let mut range: Option<Range<usize>> = None;
        let mut plain = true;
        for node in children {
            let Node::Text(r) = node else {
                plain = false;
                break;
            };
            let raw = &text[r.clone()];
            match raw.strip_prefix("<![CDATA[").and_then(|d| d.strip_suffix("]]>")) {
                Some(data) => {
                    plain = element != "dc:language";
                    value.push_str(data);
                }
                None => {
                    let unescaped = quick_xml::escape::unescape(raw).map_err(|e| {
                        let (offset, why) = xml::reference_error(&e);
                        fail(r.start + offset.unwrap_or(0), why)
                    })?;
                    value.push_str(&unescaped);
                }
            }
            range = Some(range.map_or(r.clone(), |a| a.start..r.end));
        }
        let Some(range) = range.filter(|_| plain) else { continue };
        if let Some(c) = value.chars().find(|&c| !xml::is_xml_char(c)) {
            return Err(fail(range.start, xml::not_allowed(c)));
        }
        if element == "dc:language" {
            let trimmed = value.trim();
            if let Some(english) = edition.mark(trimmed).filter(|_| trimmed == value) {
                lang.push((range, english));
            }
            continue;
        }
        if value.trim().is_empty() {
            continue;
        }
        let (paragraph, codes) = attribute_paragraph(&value);
        if paragraph.len() > MAX_LINE {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                what: format!("the document's {} ({name})", &element[3..]),
                limit: MAX_LINE,
            });
        }
        blocks.push(Block::new(range, paragraph, codes, &Attribute, line));
    }
    if blocks.is_empty() && lang.is_empty() {
        return Ok(None);
    }
    let mut part = Part::new(name, text);
    part.blocks = blocks;
    part.lang = lang;
    Ok(Some(part))
}

/// An element of a part: its qualified name, its start tag (the whole of an empty
/// element), where it ends and what it holds.
#[derive(Debug)]
struct Element {
    name: Range<usize>,
    tag: Range<usize>,
    end: usize,
    children: Vec<Node>,
}

/// A child of an element: another element (by index) or text (its bytes, escaped).
#[derive(Debug, Clone)]
enum Node {
    Element(usize),
    Text(Range<usize>),
}

/// A part's elements with their byte positions, as quick-xml reads them.
#[derive(Debug)]
struct Tree<'a> {
    text: &'a str,
    elements: Vec<Element>,
    root: Option<usize>,
}

impl<'a> Tree<'a> {
    /// Reads the part `name` of the document at `path`. With `tracked` (the paragraphs
    /// of the parts before), a tracked change is refused, naming its paragraph.
    fn parse(text: &'a str, part: &str, path: &Path, tracked: Option<usize>) -> Result<Tree<'a>> {
        let fail = |at: u64, why: String| {
            Error::at(
                path,
                Place::File,
                format!("{part}, byte {at}: {why}; open the document in Word and save it again"),
            )
        };
        let mut reader = Reader::from_str(text);
        let mut policy = xml::Policy::new("a Word document needs far fewer");
        let mut tree = Tree { text, elements: Vec::new(), root: None };
        let mut open: Vec<usize> = Vec::new();
        let mut paragraphs = tracked.unwrap_or(0);
        loop {
            let at = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| fail(reader.error_position(), format!("not well-formed XML ({e})")))?;
            policy.check(&event).map_err(|why| fail(at, why))?;
            let end = reader.buffer_position() as usize;
            let start = at as usize;
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let qname = e.name();
                    let name = start + 1..start + 1 + qname.as_ref().len();
                    if tracked.is_some() {
                        let n = &text[name.clone()];
                        if n == "w:p" {
                            paragraphs += 1;
                        }
                        if TRACKED.contains(&n) {
                            return Err(Error::at(
                                path,
                                Place::File,
                                format!(
                                    "has tracked changes (<{n}> in paragraph {} of {part}); accept or reject \
                                     them in Word (Review → Accept All) and save it again",
                                    paragraphs.max(1)
                                ),
                            ));
                        }
                    }
                    let index = tree.elements.len();
                    let empty = matches!(event, Event::Empty(_));
                    tree.elements.push(Element { name, tag: start..end, end, children: Vec::new() });
                    match open.last() {
                        Some(&parent) => tree.elements[parent].children.push(Node::Element(index)),
                        None if tree.root.is_none() => tree.root = Some(index),
                        None => return Err(fail(at, "a second root element".into())),
                    }
                    if !empty {
                        open.push(index);
                    }
                }
                Event::End(_) => {
                    if let Some(e) = open.pop() {
                        tree.elements[e].end = end;
                    }
                }
                Event::Text(_) | Event::CData(_) => {
                    if let Some(&parent) = open.last() {
                        tree.elements[parent].children.push(Node::Text(start..end));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(&e) = open.last() {
            let tag = tree.elements[e].tag.start;
            return Err(fail(tag as u64, format!("<{}> is never closed", tree.name(e))));
        }
        if tracked.is_some() && !tree.root.is_some_and(|r| tree.binds_w(r)) {
            return Err(fail(0, "the root element does not bind w: to WordprocessingML".into()));
        }
        Ok(tree)
    }

    fn name(&self, e: usize) -> &'a str {
        &self.text[self.elements[e].name.clone()]
    }

    /// The bytes of the whole element.
    fn range(&self, e: usize) -> Range<usize> {
        self.elements[e].tag.start..self.elements[e].end
    }

    fn raw(&self, e: usize) -> &'a str {
        &self.text[self.range(e)]
    }

    /// The element's child elements.
    fn elements(&self, e: usize) -> impl Iterator<Item = usize> + '_ {
        self.elements[e].children.iter().filter_map(|n| match n {
            Node::Element(c) => Some(*c),
            Node::Text(_) => None,
        })
    }

    fn child(&self, e: usize, name: &str) -> Option<usize> {
        self.elements(e).find(|&c| self.name(c) == name)
    }

    /// Whether the root element `e` binds `w:` to WordprocessingML.
    fn binds_w(&self, e: usize) -> bool {
        self.attribute(e, "xmlns:w").is_some_and(|r| NAMESPACES.contains(&&self.text[r]))
    }

    /// The bytes of the value of the attribute `key` of `e` (escaped, as written).
    fn attribute(&self, e: usize, key: &str) -> Option<Range<usize>> {
        let tag = self.elements[e].tag.clone();
        let bytes = self.text.as_bytes();
        let mut at = self.elements[e].name.end;
        loop {
            while at < tag.end && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let name_start = at;
            while at < tag.end && !matches!(bytes[at], b'=' | b'>' | b'/') && !bytes[at].is_ascii_whitespace()
            {
                at += 1;
            }
            let name = name_start..at;
            while at < tag.end && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            if name.is_empty() || bytes.get(at) != Some(&b'=') {
                return None;
            }
            at += 1;
            while at < tag.end && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let quote = *bytes.get(at)?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let value_start = at + 1;
            let value_end = value_start + bytes[value_start..tag.end].iter().position(|&b| b == quote)?;
            if &self.text[name] == key {
                return Some(value_start..value_end);
            }
            at = value_end + 1;
        }
    }

    /// The unescaped value of the attribute `key` of `e`, if it has one that reads.
    fn value(&self, e: usize, key: &str) -> Option<std::borrow::Cow<'a, str>> {
        self.attribute(e, key).and_then(|r| quick_xml::escape::unescape(&self.text[r]).ok())
    }
}

/// A piece of a paragraph as read, before it becomes text and codes.
#[derive(Debug)]
enum Atom {
    /// Text with the properties `style` (an index into [`Story::styles`]), from the run
    /// at `range`.
    Text { text: String, style: usize, range: Range<usize> },
    /// A lone code.
    Lone { raw: Raw, kind: Kind, range: Range<usize> },
    /// A wrapper around other pieces (a hyperlink, a content control, a bookmark);
    /// `own`: its text is the paragraph's own (a content control's, a bidirectional
    /// span's, a bookmark's), not a link's, whose look is its own; `once`: its markup
    /// must stand once ([`Markup::once`]: a bookmark's start and end).
    Pair { open: Raw, close: String, atoms: Vec<Atom>, range: Range<usize>, own: bool, once: bool },
    /// A bookmark, comment range or permission mark (its own bytes `raw`), whether it
    /// ends one, and for a bookmark, its id.
    Mark { range: Range<usize>, raw: Range<usize>, end: bool, bookmark: Option<String> },
}

impl Atom {
    fn range(&self) -> &Range<usize> {
        match self {
            Atom::Text { range, .. }
            | Atom::Lone { range, .. }
            | Atom::Pair { range, .. }
            | Atom::Mark { range, .. } => range,
        }
    }

    fn set_range(&mut self, to: Range<usize>) {
        match self {
            Atom::Text { range, .. }
            | Atom::Lone { range, .. }
            | Atom::Pair { range, .. }
            | Atom::Mark { range, .. } => *range = to,
        }
    }

    fn has_text(&self) -> bool {
        match self {
            Atom::Text { text, .. } => !text.is_empty(),
            Atom::Pair { atoms, .. } => atoms.iter().any(Atom::has_text),
            Atom::Lone { .. } | Atom::Mark { .. } => false,
        }
    }

    /// Whether a reader sees something of it: words, or a lone code (a field's result,
    /// a picture), as a bookmark around a caption's number holds only its field.
    fn shows_something(&self) -> bool {
        match self {
            Atom::Lone { .. } => true,
            Atom::Pair { atoms, .. } => atoms.iter().any(Atom::shows_something),
            _ => self.has_words(),
        }
    }

    fn has_words(&self) -> bool {
        match self {
            Atom::Text { text, .. } => !text.trim().is_empty(),
            Atom::Pair { atoms, .. } => atoms.iter().any(Atom::has_words),
            Atom::Lone { .. } | Atom::Mark { .. } => false,
        }
    }
}

/// What a lone code is, where that matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A footnote or endnote reference: it belongs to the sentence before it, even at
    /// the end of a paragraph. A comment's anchor does not: a reader sees no mark of
    /// it in the text, and the `.odt` keeps its comment outside the sentence too.
    Note,
    /// A line break: it parts the words on either side, so a break typed right after
    /// a full stop ends the sentence.
    Break,
    /// Anything else.
    Other,
}

/// How a field's result is text a translator translates, for the fields whose result a
/// reader takes for the document's own words and Word does not compute again on its
/// own; every other field (a page number, a date, a table of contents, a page
/// reference, a sequence number) is one lone code, its result what it computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// An index entry (`XE`) whose result is the word it marks, as LibreOffice writes
    /// one (Word writes none): a pair around the word, as the `.odt`'s index mark is,
    /// so the word is translated and the field's code cannot be moved after its end.
    Word,
    /// A pair around its result, as a link is (`w:hyperlink`, an `.odt`'s `text:a`):
    /// a `HYPERLINK` field's words, and a cross-reference's (`REF`). Word shows a
    /// REF's stored result until its fields are updated (F9, or printing with
    /// "update fields"), so kept Norwegian it would stand in the English edition;
    /// updated, it becomes the text of the bookmark, which is the translated
    /// paragraph's. `own`: the result's look is the paragraph's (a reference's), not
    /// a link's own.
    Link { own: bool },
    /// A heading's text repeated (`STYLEREF`, a running head in a header): one code,
    /// which Word computes again as it lays the pages out, but its stored result is a
    /// copy ([`Block::copy`]) of the heading, written with the heading's translation,
    /// so no reader of the file as stored (LibreOffice before it lays out, a converter)
    /// sees the Norwegian heading.
    Repeat,
}

impl Shown {
    /// How the result of the field whose code is `instruction` is text, by the
    /// field's name (its first word, any case); `None` where it is not.
    fn of(instruction: &str) -> Option<Shown> {
        let name =
            instruction.trim_start().split(|c: char| c.is_whitespace() || c == '"' || c == '\\').next()?;
        match name.to_ascii_uppercase().as_str() {
            "XE" => Some(Shown::Word),
            "HYPERLINK" => Some(Shown::Link { own: false }),
            "REF" => Some(Shown::Link { own: true }),
            "STYLEREF" => Some(Shown::Repeat),
            _ => None,
        }
    }
}

/// One text of a document being read: a part's blocks and language marks.
struct Story<'a> {
    tree: &'a Tree<'a>,
    text: &'a str,
    name: &'a str,
    path: &'a Path,
    edition: &'a EditionLanguage,
    /// The run properties met so far, as written again (`<w:rPr>…</w:rPr>` without
    /// what is not seen, or nothing), and their indices.
    styles: Vec<String>,
    known: HashMap<String, usize>,
    blocks: Vec<Block>,
    lang: Vec<(Range<usize>, String)>,
    /// Paragraphs read so far in the document.
    paragraph: usize,
    /// How many complex fields are open.
    field: u32,
    /// How many tables of contents are open: their entries are read as text.
    toc: u32,
    /// Whether the paragraph being read is in a table of contents.
    entry: bool,
    /// The fields whose stored result is words an edition keeps as they are (a
    /// document's title, a date with its month's name): each one's paragraph and what
    /// it is, as [`super::described`] names it.
    stored: Vec<(usize, String)>,
    /// How many `mc:Fallback`s the walk is in: what is read there copies the
    /// `mc:Choice` before it (a text box's VML copy), so its blocks are copies
    /// ([`Block::copy`]).
    fallback: u32,
}

impl<'a> Story<'a> {
    fn new(
        tree: &'a Tree<'a>,
        name: &'a str,
        path: &'a Path,
        paragraph: usize,
        edition: &'a EditionLanguage,
    ) -> Story<'a> {
        Story {
            tree,
            text: tree.text,
            name,
            path,
            edition,
            styles: vec![String::new()],
            known: HashMap::from([(String::new(), 0)]),
            blocks: Vec::new(),
            lang: Vec::new(),
            paragraph,
            field: 0,
            toc: 0,
            entry: false,
            stored: Vec::new(),
            fallback: 0,
        }
    }

    /// Finds the blocks and language marks in `e` and everything inside it.
    fn walk(&mut self, e: usize) -> Result<()> {
        match self.tree.name(e) {
            "w:p" => return self.paragraph(e),
            "w:lang" => {
                let mark = self.tree.attribute(e, "w:val");
                self.lang.extend(mark.and_then(|r| Some((r.clone(), self.edition.mark(&self.text[r])?))));
            }
            "wp:docPr" | "pic:cNvPr" => {
                for key in ["descr", "title"] {
                    if let Some(range) = self.tree.attribute(e, key) {
                        // The picture's own description is most often the drawing's again.
                        self.description(range, self.tree.name(e) == "pic:cNvPr")?;
                    }
                }
            }
            _ => {}
        }
        // What a fallback holds is a copy of its choice's text.
        let fallback = u32::from(self.tree.name(e) == "mc:Fallback");
        self.fallback += fallback;
        let children: Vec<usize> = self.tree.elements(e).collect();
        let walked = children.into_iter().try_for_each(|c| self.walk(c));
        self.fallback -= fallback;
        walked
    }

    /// An attribute a reader sees (an image's description) as a block, a copy
    /// ([`Block::copy`]) if `copy` or in a fallback.
    fn description(&mut self, range: Range<usize>, copy: bool) -> Result<()> {
        let raw = &self.text[range.clone()];
        let value = quick_xml::escape::unescape(raw).map_err(|e| {
            let (offset, why) = xml::reference_error(&e);
            self.error(range.start + offset.unwrap_or(0), why)
        })?;
        if let Some(c) = value.chars().find(|&c| !xml::is_xml_char(c)) {
            return Err(self.error(range.start, xml::not_allowed(c)));
        }
        if value.trim().is_empty() {
            return Ok(());
        }
        let (paragraph, codes) = attribute_paragraph(&value);
        self.fits(&paragraph, self.paragraph.max(1))?;
        let mut block = Block::new(range, paragraph, codes, &Attribute, self.paragraph.max(1));
        block.copy = copy || self.fallback > 0;
        self.blocks.push(block);
        Ok(())
    }

    fn error(&self, at: usize, why: String) -> Error {
        Error::at(
            self.path,
            Place::File,
            format!("{}, byte {at}: {why}; open the document in Word and save it again", self.name),
        )
    }

    /// A paragraph: a block if it holds text, and the blocks and marks inside it.
    fn paragraph(&mut self, p: usize) -> Result<()> {
        self.paragraph += 1;
        let line = self.paragraph;
        let children: Vec<usize> = self.tree.elements(p).filter(|&c| self.tree.name(c) != "w:pPr").collect();
        let mut atoms = Vec::new();
        self.entry = self.toc > 0;
        self.content(&children, &mut atoms)?;
        if self.entry {
            self.page_number(&mut atoms);
        }
        let atoms = self.bookmarked(atoms);
        if atoms.iter().any(Atom::has_words) {
            self.block(atoms, line)?;
        }
        // A text box's paragraphs are stories of their own, not inside this one's fields.
        let field = std::mem::take(&mut self.field);
        let all: Vec<usize> = self.tree.elements(p).collect();
        for c in all {
            self.walk(c)?;
        }
        self.field = field;
        Ok(())
    }

    /// The pieces of the elements `children` of a paragraph or a wrapper, in order.
    fn content(&mut self, children: &[usize], out: &mut Vec<Atom>) -> Result<()> {
        let tree = self.tree;
        // Where the field open at the present child began, in this list.
        let mut field_start: Option<usize> = None;
        let mut field_first: Option<usize> = None;
        let mut last_end = None;
        // The children up to here were read with a field whose result is text.
        let mut skip_until = 0;
        for (k, &c) in children.iter().enumerate() {
            if k < skip_until {
                continue;
            }
            let range = tree.range(c);
            last_end = Some(range.end);
            let name = tree.name(c);
            let opens = name == "w:r" && tree.child(c, "w:fldChar").is_some();
            // A field whose result is text a reader takes for the document's own (a
            // link's words, an index entry's word): the result is text, the field's
            // code and end are codes around it.
            if self.field == 0 && opens {
                if let Some((separate, end, shown)) = self.text_result(children, k) {
                    let code = range.start..tree.range(children[separate]).end;
                    let close = tree.range(children[end]);
                    if shown == Shown::Repeat {
                        // One code, as Word computes it again; its stored result a
                        // copy of the heading it repeats, written with its translation.
                        let whole = range.start..close.end;
                        out.push(Atom::Lone {
                            raw: Raw::Range(whole.clone()),
                            kind: Kind::Other,
                            range: whole,
                        });
                        self.repeated(&children[separate + 1..end])?;
                    } else {
                        self.field_result(code, &children[separate + 1..end], close.clone(), shown, out)?;
                    }
                    last_end = Some(close.end);
                    skip_until = end + 1;
                    continue;
                }
                // A table of contents: its code is a code, its entries (here and in the
                // paragraphs up to its end) the text they show, as a LibreOffice
                // document's are.
                if let Some(separate) = self.toc_code(children, k) {
                    let code = range.start..tree.range(children[separate]).end;
                    out.push(Atom::Lone {
                        raw: Raw::Range(code.clone()),
                        kind: Kind::Other,
                        range: code.clone(),
                    });
                    self.toc += 1;
                    self.entry = true;
                    last_end = Some(code.end);
                    skip_until = separate + 1;
                    continue;
                }
            }
            if self.field > 0 || opens {
                let start = *field_start.get_or_insert(range.start);
                let first = *field_first.get_or_insert(k);
                self.count_fields(c);
                if self.field == 0 {
                    field_start = None;
                    field_first = None;
                    self.keeps_stored(start..range.end, &children[first..=k]);
                    out.push(Atom::Lone {
                        raw: Raw::Range(start..range.end),
                        kind: Kind::Other,
                        range: start..range.end,
                    });
                }
                continue;
            }
            match name {
                "w:r" => self.run(c, out)?,
                "w:hyperlink" | "w:dir" | "w:bdo" => {
                    let inner: Vec<usize> = tree.elements(c).collect();
                    let mut atoms = Vec::new();
                    self.content(&inner, &mut atoms)?;
                    let tag = tree.elements[c].tag.clone();
                    if tag.end == range.end || !atoms.iter().any(Atom::has_text) {
                        out.push(Atom::Lone { raw: Raw::Range(range.clone()), kind: Kind::Other, range });
                    } else {
                        out.push(Atom::Pair {
                            open: Raw::Range(tag),
                            close: format!("</{name}>"),
                            atoms,
                            range,
                            own: name != "w:hyperlink",
                            once: false,
                        });
                    }
                }
                "w:sdt" => {
                    let body = tree
                        .child(c, "w:sdtContent")
                        .filter(|&b| tree.elements[b].tag.end < tree.range(b).end);
                    let mut atoms = Vec::new();
                    if let Some(b) = body {
                        let inner: Vec<usize> = tree.elements(b).collect();
                        self.content(&inner, &mut atoms)?;
                    }
                    match body {
                        Some(b) if atoms.iter().any(Atom::has_text) => {
                            let open = Raw::Range(range.start..tree.elements[b].tag.end);
                            out.push(Atom::Pair {
                                open,
                                close: "</w:sdtContent></w:sdt>".into(),
                                atoms,
                                range,
                                own: true,
                                once: false,
                            });
                        }
                        _ => {
                            out.push(Atom::Lone { raw: Raw::Range(range.clone()), kind: Kind::Other, range })
                        }
                    }
                }
                "w:fldSimple" => match self.simple_result(c) {
                    Some(Shown::Repeat) => {
                        out.push(Atom::Lone { raw: Raw::Range(range.clone()), kind: Kind::Other, range });
                        let inner: Vec<usize> = tree.elements(c).collect();
                        self.repeated(&inner)?;
                    }
                    Some(shown) => {
                        let inner: Vec<usize> = tree.elements(c).collect();
                        let tag = tree.elements[c].tag.clone();
                        let close = inner.last().map_or(tag.end, |&i| tree.range(i).end)..range.end;
                        self.field_result(tag, &inner, close, shown, out)?;
                    }
                    None => {
                        self.keeps_stored(range.clone(), &[c]);
                        out.push(Atom::Lone { raw: Raw::Range(range.clone()), kind: Kind::Other, range })
                    }
                },
                // Invisible wrappers: their runs are the paragraph's, and a block starts
                // or ends around the whole wrapper, never inside it.
                "w:smartTag" | "w:customXml" => {
                    let inner: Vec<usize> = tree
                        .elements(c)
                        .filter(|&i| !matches!(tree.name(i), "w:smartTagPr" | "w:customXmlPr"))
                        .collect();
                    let at = out.len();
                    self.content(&inner, out)?;
                    for atom in &mut out[at..] {
                        atom.set_range(range.clone());
                    }
                }
                "w:bookmarkStart"
                | "w:bookmarkEnd"
                | "w:commentRangeStart"
                | "w:commentRangeEnd"
                | "w:permStart"
                | "w:permEnd" => {
                    let bookmark = name.starts_with("w:bookmark").then(|| tree.value(c, "w:id")).flatten();
                    out.push(Atom::Mark {
                        raw: range.clone(),
                        range,
                        end: name.ends_with("End"),
                        bookmark: bookmark.map(|id| id.into_owned()),
                    })
                }
                "w:proofErr" | "w:pPr" => {}
                _ => out.push(Atom::Lone { raw: Raw::Range(range.clone()), kind: Kind::Other, range }),
            }
        }
        if self.field > 0 {
            if let (Some(start), Some(end)) = (field_start, last_end) {
                out.push(Atom::Lone { raw: Raw::Range(start..end), kind: Kind::Other, range: start..end });
            }
        }
        Ok(())
    }

    /// The pieces of a field whose result is text (see [`Shown`]): a pair of its code
    /// (the bytes `code`) and its end (the bytes `close`) around the pieces of its
    /// result (the elements `result`). A result with no text in it is one lone code, as
    /// any other field.
    fn field_result(
        &mut self,
        code: Range<usize>,
        result: &[usize],
        close: Range<usize>,
        shown: Shown,
        out: &mut Vec<Atom>,
    ) -> Result<()> {
        let mut atoms = Vec::new();
        self.content(result, &mut atoms)?;
        let range = code.start..close.end;
        if !atoms.iter().any(Atom::has_text) {
            out.push(Atom::Lone { raw: Raw::Range(range.clone()), kind: Kind::Other, range });
            return Ok(());
        }
        out.push(Atom::Pair {
            open: Raw::Range(code),
            close: self.text[close].to_string(),
            atoms,
            range,
            own: !matches!(shown, Shown::Link { own: false }),
            once: false,
        });
        Ok(())
    }

    /// Where the complex field that `children[begin]` opens has its `separate` and its
    /// `end`, and how its result is text ([`Shown`]), when the field is one whose
    /// result is text and that result is plain runs (bookmarks and proofing marks
    /// between them). `None` for any other field, a field nested in it, runs that hold
    /// text beside the field characters, or a field that does not end in this
    /// paragraph.
    fn text_result(&self, children: &[usize], begin: usize) -> Option<(usize, usize, Shown)> {
        let tree = self.tree;
        let chars = |r: usize| self.field_chars(r);
        let bare = |r: usize| tree.child(r, "w:t").is_none();
        if chars(children[begin]) != ["begin"] || !bare(children[begin]) {
            return None;
        }
        let mut instruction = String::new();
        let mut separate = None;
        for (j, &r) in children.iter().enumerate().skip(begin + 1) {
            // Runs, and in the result, marks between them.
            let run = tree.name(r) == "w:r";
            let mark = separate.is_some() && self.beside_text(r);
            if !run && !mark {
                return None;
            }
            let here = if run { chars(r) } else { Vec::new() };
            let here: Vec<&str> = here.iter().map(String::as_str).collect();
            match (separate, &here[..]) {
                (None, []) => {
                    for e in tree.elements(r).filter(|&e| tree.name(e) == "w:instrText") {
                        instruction.push_str(&self.text_of(e).unwrap_or_default());
                    }
                }
                (None, ["separate"]) if bare(r) => separate = Some(j),
                (Some(_), []) => {}
                (Some(at), ["end"]) if bare(r) => {
                    return Shown::of(&instruction).filter(|_| j > at + 1).map(|shown| (at, j, shown));
                }
                _ => return None,
            }
        }
        None
    }

    /// The stored result (the elements `result`) of a field that repeats a heading
    /// ([`Shown::Repeat`]): a block of its own inside the field's code, a copy of the
    /// heading ([`Block::copy`]).
    fn repeated(&mut self, result: &[usize]) -> Result<()> {
        let mut atoms = Vec::new();
        self.content(result, &mut atoms)?;
        if atoms.iter().any(Atom::has_words) {
            let before = self.blocks.len();
            self.block(atoms, self.paragraph)?;
            self.blocks.iter_mut().skip(before).for_each(|b| b.copy = true);
        }
        Ok(())
    }

    /// Notes the field at the bytes `range` (its elements `runs`: the runs from its
    /// begin to its end, or a `w:fldSimple`) in [`Story::stored`] when its stored
    /// result holds words an edition keeps as they are, and Word does not compute
    /// again as it lays out the pages.
    fn keeps_stored(&mut self, range: Range<usize>, runs: &[usize]) {
        let tree = self.tree;
        let (mut depth, mut separated) = (0u32, false);
        let (mut instruction, mut result) = (String::new(), String::new());
        if let [f] = runs {
            if let Some(i) = tree.value(*f, "w:instr").filter(|_| tree.name(*f) == "w:fldSimple") {
                instruction.push_str(&i);
                (depth, separated) = (1, true);
            }
        }
        let mut stack: Vec<usize> = runs.iter().rev().copied().collect();
        while let Some(e) = stack.pop() {
            match tree.name(e) {
                "w:fldChar" => match tree.value(e, "w:fldCharType").as_deref() {
                    Some("begin") => depth += 1,
                    Some("separate") if depth == 1 => separated = true,
                    Some("end") => depth = depth.saturating_sub(1),
                    _ => {}
                },
                "w:instrText" if depth == 1 && !separated => {
                    instruction.push_str(&self.text_of(e).unwrap_or_default())
                }
                "w:t" if separated => result.push_str(&self.text_of(e).unwrap_or_default()),
                "w:txbxContent" => {}
                _ => stack.extend(tree.elements(e).collect::<Vec<_>>().into_iter().rev()),
            }
        }
        let name = instruction.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        // Numbers and names, computed as the pages are laid out, or today's date,
        // which Word shows as it opens the file.
        const COMPUTED: [&str; 15] = [
            "PAGE",
            "NUMPAGES",
            "SECTIONPAGES",
            "SECTION",
            "PAGEREF",
            "NOTEREF",
            "SEQ",
            "STYLEREF",
            "AUTHOR",
            "USERNAME",
            "USERINITIALS",
            "LASTSAVEDBY",
            "FILENAME",
            "DATE",
            "TIME",
        ];
        if name.is_empty() || COMPUTED.contains(&name.as_str()) || !result.chars().any(char::is_alphabetic) {
            return;
        }
        let tag = super::marked::Tag { open: &self.text[range], close: None, style: None };
        let what = super::described::describe(tag).unwrap_or_else(|| format!("field {name}"));
        self.stored.push((self.paragraph, what));
    }

    /// The kinds of the field characters in the run `r`, in order (`begin`, `separate`,
    /// `end`).
    fn field_chars(&self, r: usize) -> Vec<String> {
        let tree = self.tree;
        tree.elements(r)
            .filter(|&e| tree.name(e) == "w:fldChar")
            .map(|e| tree.value(e, "w:fldCharType").unwrap_or_default().to_string())
            .collect()
    }

    /// Where the separator of the table of contents field that `children[begin]` opens
    /// stands in `children`, when its code is plain runs there.
    fn toc_code(&self, children: &[usize], begin: usize) -> Option<usize> {
        let tree = self.tree;
        let chars = |r: usize| self.field_chars(r);
        if chars(children[begin]) != ["begin"] || tree.child(children[begin], "w:t").is_some() {
            return None;
        }
        let mut instruction = String::new();
        for (j, &r) in children.iter().enumerate().skip(begin + 1) {
            if tree.name(r) != "w:r" {
                return None;
            }
            match &chars(r)[..] {
                [] => {
                    for e in tree.elements(r).filter(|&e| tree.name(e) == "w:instrText") {
                        instruction.push_str(&self.text_of(e).unwrap_or_default());
                    }
                }
                [one] if one == "separate" && tree.child(r, "w:t").is_none() => {
                    let name = instruction.split_whitespace().next().unwrap_or_default();
                    return name.eq_ignore_ascii_case("TOC").then_some(j);
                }
                _ => return None,
            }
        }
        None
    }

    /// In an entry of a table of contents, the page number after the last tab, as
    /// LibreOffice writes it (text; Word writes a `PAGEREF` field, a code): a code as
    /// well, so the entry is its heading's text alone, whatever page it falls on.
    fn page_number(&self, atoms: &mut [Atom]) {
        // The last text, and what stands after it (the table's end, a mark).
        let Some(n) = atoms.iter().rposition(Atom::has_text).map(|i| i + 1) else { return };
        let style = match &mut atoms[n - 1] {
            Atom::Pair { atoms: inner, .. } => return self.page_number(inner),
            Atom::Text { text, style, .. } if marked::is_page_number(text) => *style,
            _ => return,
        };
        let tab = |a: &Atom| {
            let Atom::Lone { raw, .. } = a else { return false };
            match raw {
                Raw::Range(r) => self.text[r.clone()].contains("<w:tab/>"),
                Raw::Text(t) => t.contains("<w:tab/>"),
                Raw::None => false,
            }
        };
        if !n.checked_sub(2).is_some_and(|i| tab(&atoms[i])) {
            return;
        }
        let Atom::Text { text, range, .. } = &atoms[n - 1] else { return };
        let mut raw = String::new();
        Runs.text(text, &self.styles[style], &mut raw);
        atoms[n - 1] = Atom::Lone { raw: Raw::Text(raw), kind: Kind::Other, range: range.clone() };
    }

    /// How the result of the simple field `f` (`w:fldSimple`) is text, when it is a
    /// field whose result is text ([`Shown`]) holding plain runs.
    fn simple_result(&self, f: usize) -> Option<Shown> {
        let tree = self.tree;
        let plain = tree.elements(f).all(|c| match tree.name(c) {
            "w:r" => tree.child(c, "w:fldChar").is_none(),
            _ => self.beside_text(c),
        });
        let instruction = tree.value(f, "w:instr")?;
        Shown::of(&instruction).filter(|_| plain && tree.elements(f).next().is_some())
    }

    /// Whether `e`, in a field's result, is something a reader does not see that may
    /// stand between its runs: a bookmark, comment range or permission mark, a
    /// proofing mark.
    fn beside_text(&self, e: usize) -> bool {
        matches!(
            self.tree.name(e),
            "w:bookmarkStart"
                | "w:bookmarkEnd"
                | "w:commentRangeStart"
                | "w:commentRangeEnd"
                | "w:permStart"
                | "w:permEnd"
                | "w:proofErr"
        )
    }

    /// `atoms` with each bookmark whose start and end stand in the same list around
    /// words or a lone code (in a wrapper's list too) a pair around them, so a
    /// translation places it around the same words and a cross-reference shows them,
    /// not the paragraph. A bookmark that starts or ends elsewhere stays a mark.
    fn bookmarked(&self, atoms: Vec<Atom>) -> Vec<Atom> {
        let mut slots: Vec<Option<Atom>> = atoms.into_iter().map(Some).collect();
        let mut out = Vec::with_capacity(slots.len());
        for i in 0..slots.len() {
            let Some(atom) = slots[i].take() else { continue };
            let end = match &atom {
                Atom::Mark { bookmark: Some(id), end: false, .. } => (i + 1..slots.len()).find(|&j| {
                    matches!(&slots[j], Some(Atom::Mark { bookmark: Some(e), end: true, .. }) if e == id)
                }),
                _ => None,
            };
            let words = end.is_some_and(|j| slots[i + 1..j].iter().flatten().any(Atom::shows_something));
            match (atom, end) {
                (Atom::Mark { range, raw, .. }, Some(j)) if words => {
                    let inner: Vec<Atom> = slots[i + 1..j].iter_mut().filter_map(Option::take).collect();
                    let Some(Atom::Mark { range: close, raw: close_raw, .. }) = slots[j].take() else {
                        continue;
                    };
                    out.push(Atom::Pair {
                        open: Raw::Range(raw),
                        close: self.text[close_raw].to_string(),
                        atoms: self.bookmarked(inner),
                        range: range.start..close.end,
                        own: true,
                        once: true,
                    });
                }
                (Atom::Pair { open, close, atoms, range, own, once }, _) => {
                    out.push(Atom::Pair { open, close, atoms: self.bookmarked(atoms), range, own, once })
                }
                (atom, _) => out.push(atom),
            }
        }
        out
    }

    /// Counts the field characters in `e` (not in text boxes, which are stories of
    /// their own) into [`Story::field`].
    fn count_fields(&mut self, e: usize) {
        let tree = self.tree;
        match tree.name(e) {
            "w:fldChar" => match tree.value(e, "w:fldCharType").as_deref() {
                Some("begin") => self.field += 1,
                // The end of no field open here: a table of contents' ([`Story::toc`]).
                Some("end") if self.field == 0 => self.toc = self.toc.saturating_sub(1),
                Some("end") => self.field -= 1,
                _ => {}
            },
            "w:txbxContent" => {}
            _ => {
                for c in tree.elements(e) {
                    self.count_fields(c);
                }
            }
        }
    }

    /// A run (with no field in it): its text and lone codes.
    fn run(&mut self, r: usize, out: &mut Vec<Atom>) -> Result<()> {
        let tree = self.tree;
        let range = tree.range(r);
        let properties = tree.child(r, "w:rPr");
        let style = self.style(properties);
        let hidden = properties
            .and_then(|p| tree.child(p, "w:vanish"))
            .is_some_and(|v| !matches!(tree.value(v, "w:val").as_deref(), Some("0" | "false" | "off")));
        enum Piece {
            Text(String),
            Item(usize, Kind),
        }
        let mut pieces: Vec<Piece> = Vec::new();
        let mut complex = false;
        for c in tree.elements(r) {
            let text = match tree.name(c) {
                "w:rPr" | "w:softHyphen" | "w:lastRenderedPageBreak" => continue,
                "w:t" => self.text_of(c)?,
                "w:noBreakHyphen" => "\u{2011}".to_string(),
                "w:footnoteReference" | "w:endnoteReference" => {
                    pieces.push(Piece::Item(c, Kind::Note));
                    continue;
                }
                "w:br" | "w:cr" => {
                    pieces.push(Piece::Item(c, Kind::Break));
                    continue;
                }
                _ => {
                    complex |= tree.elements(c).next().is_some();
                    pieces.push(Piece::Item(c, Kind::Other));
                    continue;
                }
            };
            match pieces.last_mut() {
                _ if text.is_empty() => {}
                Some(Piece::Text(t)) => t.push_str(&text),
                _ => pieces.push(Piece::Text(text)),
            }
        }
        if pieces.is_empty() {
            return Ok(());
        }
        let texts = pieces.iter().any(|p| matches!(p, Piece::Text(_)));
        if hidden || complex || !texts {
            let kind = match pieces.first() {
                Some(Piece::Item(_, k))
                    if !hidden && pieces.iter().all(|p| matches!(p, Piece::Item(_, j) if j == k)) =>
                {
                    *k
                }
                _ => Kind::Other,
            };
            out.push(Atom::Lone { raw: Raw::Range(range.clone()), kind, range });
            return Ok(());
        }
        for piece in pieces {
            out.push(match piece {
                Piece::Text(text) => Atom::Text { text, style, range: range.clone() },
                Piece::Item(c, kind) => Atom::Lone {
                    raw: Raw::Text(format!("<w:r>{}{}</w:r>", self.styles[style], tree.raw(c))),
                    kind,
                    range: range.clone(),
                },
            });
        }
        Ok(())
    }

    /// The text of a `w:t`, unescaped, on one line.
    fn text_of(&self, t: usize) -> Result<String> {
        let mut out = String::new();
        for node in &self.tree.elements[t].children {
            let Node::Text(r) = node else { continue };
            let raw = &self.text[r.clone()];
            if let Some(data) = raw.strip_prefix("<![CDATA[").and_then(|d| d.strip_suffix("]]>")) {
                out.push_str(data);
                continue;
            }
            let text = quick_xml::escape::unescape(raw).map_err(|e| {
                let (offset, why) = xml::reference_error(&e);
                self.error(r.start + offset.unwrap_or(0), why)
            })?;
            if let Some(c) = text.chars().find(|&c| !xml::is_xml_char(c)) {
                return Err(self.error(r.start, xml::not_allowed(c)));
            }
            out.push_str(&text);
        }
        if out.contains(['\n', '\r', '\t']) {
            out = out.replace(['\n', '\r', '\t'], " ");
        }
        Ok(out)
    }

    /// The index of the visible properties `properties` (a `w:rPr`): what they are
    /// written as again, which is also what tells two runs apart.
    fn style(&mut self, properties: Option<usize>) -> usize {
        let Some(p) = properties else { return 0 };
        let mut style = String::new();
        for c in self.tree.elements(p) {
            // A language is seen only where it is another than the document's and the
            // edition's (a German quotation): those words keep their mark in the edition.
            let shown = match self.tree.name(c) {
                "w:noProof" => false,
                "w:lang" => {
                    self.tree.value(c, "w:val").is_some_and(|v| EditionLanguage::is_other_language(&v))
                }
                _ => true,
            };
            if shown {
                style.push_str(self.tree.raw(c));
            }
        }
        if style.is_empty() {
            return 0;
        }
        let style = format!("<w:rPr>{style}</w:rPr>");
        if let Some(&i) = self.known.get(&style) {
            return i;
        }
        self.styles.push(style.clone());
        self.known.insert(style, self.styles.len() - 1);
        self.styles.len() - 1
    }

    /// The block of a paragraph whose pieces are `atoms`: from its first text to its
    /// last (and the note references right after it).
    fn block(&mut self, atoms: Vec<Atom>, line: usize) -> Result<()> {
        let (Some(first), Some(last)) =
            (atoms.iter().position(Atom::has_text), atoms.iter().rposition(Atom::has_text))
        else {
            return Ok(());
        };
        let start = atoms[first].range().start;
        let mut end = atoms[last].range().end;
        for a in &atoms[last + 1..] {
            match a {
                Atom::Mark { .. } => {}
                Atom::Lone { kind: Kind::Note, range, .. } => end = range.end,
                _ => break,
            }
        }
        let inside: Vec<&Atom> =
            atoms.iter().filter(|a| a.range().start >= start && a.range().end <= end).collect();
        let base = own_style(inside.iter().copied(), 0, &self.styles);
        let mut paragraph = String::new();
        let mut codes = Vec::new();
        // The marks inside: starts where the paragraph written again starts, ends
        // where it ends, so a bookmark a cross-reference shows still holds its text.
        let (mut starts, mut ends) = (String::new(), String::new());
        for a in &inside {
            self.marks(a, &mut starts, &mut ends);
        }
        let marks = (!starts.is_empty() || !ends.is_empty()).then(|| {
            let markup =
                Markup { open: Raw::Text(starts), close: Raw::Text(ends), once: true, ..Markup::default() };
            marked::open(&mut paragraph, &mut codes, markup, false)
        });
        let mut emit =
            Emit { styles: &self.styles, paragraph: &mut paragraph, codes: &mut codes, spaced: true };
        emit.atoms(&inside, base);
        if let Some(n) = marks {
            marked::close(&mut paragraph, n);
        }
        self.fits(&paragraph, line)?;
        let mut block = Block::new(start..end, paragraph, codes, &Runs, line);
        block.style = self.styles[base].clone();
        block.copy = self.fallback > 0;
        self.blocks.push(block);
        Ok(())
    }

    /// Refuses a paragraph (with its codes) longer than a line of a plain text
    /// document may be, so no segment is larger than the memory and batches take.
    fn fits(&self, paragraph: &str, line: usize) -> Result<()> {
        if paragraph.len() > MAX_LINE {
            return Err(Error::TooLarge {
                path: self.path.to_path_buf(),
                what: format!("paragraph {line} ({})", self.name),
                limit: MAX_LINE,
            });
        }
        Ok(())
    }

    /// The bookmarks, comment ranges and permission marks in `atom`, as written: those
    /// that start one to `starts`, those that end one to `ends`.
    fn marks(&self, atom: &Atom, starts: &mut String, ends: &mut String) {
        match atom {
            Atom::Mark { raw, end: false, .. } => starts.push_str(&self.text[raw.clone()]),
            Atom::Mark { raw, end: true, .. } => ends.push_str(&self.text[raw.clone()]),
            Atom::Pair { atoms, .. } => atoms.iter().for_each(|a| self.marks(a, starts, ends)),
            Atom::Text { .. } | Atom::Lone { .. } => {}
        }
    }
}

/// The style of the pieces `atoms` of a paragraph or a wrapper: the one that covers
/// most of their own text (a content control's included), the first of equals, or
/// `default` when they have none. A link's text (its runs styled `Hyperlink`) is the
/// link's: were it counted, a link over most of a paragraph would make the words
/// around it a stretch of other properties, and a translation's words outside its
/// tags would be written with the link's look. A style of another language (of the
/// [`Story::styles`] `styles`: a German quotation's) is the own only where all the
/// text is in one: the translation is English.
fn own_style<'a>(atoms: impl Iterator<Item = &'a Atom>, default: usize, styles: &[String]) -> usize {
    // Characters of each style, and the order in which the styles first appear.
    fn count(atom: &Atom, counts: &mut HashMap<usize, (usize, usize)>) {
        match atom {
            Atom::Text { text, style, .. } => {
                let order = counts.len();
                counts.entry(*style).or_insert((0, order)).0 += text.chars().count();
            }
            Atom::Pair { atoms, own: true, .. } => atoms.iter().for_each(|a| count(a, counts)),
            Atom::Pair { .. } | Atom::Lone { .. } | Atom::Mark { .. } => {}
        }
    }
    let mut counts = HashMap::new();
    atoms.for_each(|a| count(a, &mut counts));
    let native = |style: usize| !styles.get(style).is_some_and(|s| s.contains("<w:lang"));
    counts
        .iter()
        .max_by_key(|(&style, &(n, order))| (native(style), n, std::cmp::Reverse(order)))
        .map_or(default, |(&style, _)| style)
}

/// Writes pieces of a paragraph as its text and codes.
struct Emit<'a> {
    styles: &'a [String],
    paragraph: &'a mut String,
    codes: &'a mut Vec<Markup>,
    /// Whether the text so far ends in white space (or there is none).
    spaced: bool,
}

impl Emit<'_> {
    /// `atoms` inside a wrapper whose text has the style `base`: a stretch of other
    /// properties is a pair, kept open across lone codes between runs of the same
    /// properties.
    fn atoms(&mut self, atoms: &[&Atom], base: usize) {
        // The styled pair open now, and lone codes waiting to learn whether it goes on.
        let mut open: Option<(usize, u32)> = None;
        let mut waiting: Vec<(Raw, Kind)> = Vec::new();
        for atom in atoms {
            match atom {
                Atom::Text { text, style, .. } => {
                    let style = *style;
                    let goes_on = open.is_some_and(|(s, _)| s == style);
                    if !goes_on {
                        self.close(&mut open);
                    }
                    self.lone(&mut waiting);
                    if !goes_on && style != base {
                        let what = described::contrast(
                            &described::word_look(&self.styles[style]),
                            &described::word_look(&self.styles[base]),
                        );
                        let markup =
                            Markup { style: Some(self.styles[style].clone()), what, ..Markup::default() };
                        open = Some((style, marked::open(self.paragraph, self.codes, markup, false)));
                    }
                    if !text.is_empty() {
                        self.spaced = text.ends_with(char::is_whitespace);
                    }
                    let styles = self.styles;
                    let run = &styles[style];
                    marked::push_text(self.paragraph, self.codes, text, |t| {
                        let mut out = String::new();
                        Runs.text(t, run, &mut out);
                        Raw::Text(out)
                    });
                }
                Atom::Lone { raw, kind, .. } => waiting.push((raw.clone(), *kind)),
                Atom::Pair { open: tag, close, atoms, once, .. } => {
                    let inner = own_style(atoms.iter(), base, self.styles);
                    // A bookmark on words of the look around it stands inside that look's
                    // pair: `{1}fet {2}ord{/2} her{/1}`, not three pairs.
                    let around = open.map_or(base, |(s, _)| s);
                    if !(*once && inner == around) {
                        self.close(&mut open);
                    }
                    self.lone(&mut waiting);
                    let markup = Markup {
                        open: tag.clone(),
                        close: Raw::Text(close.clone()),
                        style: Some(self.styles[inner].clone()),
                        once: *once,
                        spaced: false,
                        layout: false,
                        what: None,
                    };
                    let n = marked::open(self.paragraph, self.codes, markup, false);
                    let atoms: Vec<&Atom> = atoms.iter().collect();
                    self.atoms(&atoms, inner);
                    marked::close(self.paragraph, n);
                }
                Atom::Mark { .. } => {}
            }
        }
        self.close(&mut open);
        self.lone(&mut waiting);
    }

    fn close(&mut self, open: &mut Option<(usize, u32)>) {
        if let Some((_, n)) = open.take() {
            marked::close(self.paragraph, n);
        }
    }

    /// The lone codes `waiting`, a line break after a space: the words on either side
    /// of it are two, and a space before a line break is not seen.
    fn lone(&mut self, waiting: &mut Vec<(Raw, Kind)>) {
        for (raw, kind) in waiting.drain(..) {
            if kind == Kind::Break && !self.spaced {
                self.paragraph.push(' ');
                self.spaced = true;
            }
            let markup = Markup { open: raw, layout: kind != Kind::Note, ..Markup::default() };
            marked::open(self.paragraph, self.codes, markup, true);
        }
    }
}

/// Text written into a paragraph: a run with the given properties.
#[derive(Debug)]
struct Runs;

impl Writer for Runs {
    /// `<w:r>{style}<w:t xml:space="preserve">{text}</w:t></w:r>`, a tab in the text a
    /// `w:tab` and a line break a `w:br`; a character XML cannot hold is left out.
    fn text(&self, text: &str, style: &str, out: &mut String) {
        out.push_str("<w:r>");
        out.push_str(style);
        let mut open = false;
        for c in text.chars() {
            let between = match c {
                '\t' => "<w:tab/>",
                '\n' | '\r' => "<w:br/>",
                c if !xml::is_xml_char(c) => continue,
                c => {
                    if !open {
                        out.push_str("<w:t xml:space=\"preserve\">");
                        open = true;
                    }
                    let mut buf = [0u8; 4];
                    xml::escape_into(out, c.encode_utf8(&mut buf), false);
                    continue;
                }
            };
            if open {
                out.push_str("</w:t>");
                open = false;
            }
            out.push_str(between);
        }
        if open {
            out.push_str("</w:t>");
        }
        out.push_str("</w:r>");
    }
}

/// The text of an attribute value or a property (an image's description, the title) as
/// a block's paragraph, on one line: what it holds that reads as a code stays text.
fn attribute_paragraph(value: &str) -> (String, Vec<Markup>) {
    let one_line = value.replace(['\n', '\r', '\t'], " ");
    let mut paragraph = String::with_capacity(one_line.len());
    let mut codes = Vec::new();
    marked::push_text(&mut paragraph, &mut codes, &one_line, |t| {
        let mut out = String::new();
        Attribute.text(t, "", &mut out);
        Raw::Text(out)
    });
    (paragraph, codes)
}

/// Text written into an attribute value.
#[derive(Debug)]
struct Attribute;

impl Writer for Attribute {
    fn text(&self, text: &str, _style: &str, out: &mut String) {
        let text: String = text.chars().filter(|&c| xml::is_xml_char(c)).collect();
        xml::escape_into(out, &text, true);
    }
}

#[cfg(test)]
mod tests;
