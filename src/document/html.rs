//! HTML pages: the text a reader sees, with its inline markup as codes, and the page
//! written back byte for byte around the translated text.
//!
//! The page is tokenized by `html5gum` (WHATWG tokenization, with the byte span of
//! every token); this module maps tokens to [`marked`] blocks. A block is a run of
//! inline content between block-level tags: a paragraph, a heading, a list item's own
//! text (a nested list is not part of it: its items are blocks of their own), a table
//! cell, a caption, the text directly inside a `div`, `section` or `nav`, the `title`.
//! Its text is HTML's: character references decoded, white space collapsed to one
//! space. Inline elements (`b`, `strong`, `em`, `a`, `span`, …) become pairs of codes
//! whose markup is their exact start and end tags; `br`, `img`, comments and elements
//! whose content is not text (`code`, `kbd`, `samp`, `var`, `script`, `style`,
//! `template`, `svg`, `math`, `textarea`) become lone codes of all their bytes. The
//! values of `alt`, `title`, `placeholder` and `aria-label` (and of a button's `value`,
//! an option's `label` and a header cell's `abbr`, which HTML also names translatable),
//! and the `content` of a description, keywords or title `meta`, are blocks of their own. `lang` values (and a
//! `content-language` or `og:locale` meta) are the language marks, which become the
//! edition's ([`super::EditionLanguage::mark`]).
//!
//! What is not text is never in a segment: `script`, `style`, `template`, `pre` and
//! `code` content, comments, URLs and every other attribute; but in a JSON-LD
//! `script`, the headline and description a search engine shows are blocks (written
//! back as JSON strings) and `inLanguage` is a language mark. Nor is what the page says
//! is not to be translated: a block-level element with `translate="no"`, the class
//! `notranslate` or a `lang` of another language than Norwegian is kept as it is
//! (the page's stack of [`Open`] elements tells), and an inline element with
//! `translate="no"` is one lone code. This
//! module does not build a DOM: it needs only to know where text runs start and end,
//! so it keeps no stack of open elements beyond the inline pairs of the run it is in
//! and the block-level elements open, and reads a page in one linear pass. A page it cannot read safely (not UTF-8, or declared as another
//! encoding; a comment, tag or `script` never closed; a tag with hundreds of
//! attributes; inline elements nested hundreds deep) is refused with the line.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::rc::Rc;

use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Readable, Reader, Span, State, StringReader, Tokenizer};

use super::inline;
use super::marked::{self, Block, Marked, Markup, Part, Raw, Writer};
use super::{Document, DocumentFormat, EditionLanguage};
use crate::error::{Error, Place, Result};
use crate::input::LineIndex;
use crate::segment::Segmenter;

/// The HTML format.
pub struct Html;

/// The largest page tolk reads: 64 MiB, far more than an article with its images
/// inlined as `data:` URLs.
pub const MAX_PAGE: usize = 64 << 20;

/// How many attributes one tag may carry, as in XML ([`crate::input::xml::MAX_ATTRIBUTES`]).
/// The tokenizer's stack grows with a tag's attributes, so a tag with many thousands
/// would overflow it: it is stopped here first.
pub const MAX_ATTRIBUTES: usize = crate::input::xml::MAX_ATTRIBUTES;

/// How deep inline elements may nest inside one block: far more than any page's
/// `<a><strong><em>` needs.
pub const MAX_NESTING: usize = 256;

impl DocumentFormat for Html {
    fn name(&self) -> &'static str {
        "html"
    }

    /// A `.html`, `.htm` or `.xhtml` file, or a file that starts (after a byte order
    /// mark, white space, and an XHTML page's XML declaration and comments) with
    /// `<!DOCTYPE html` or `<html` and has no extension another format reads (a
    /// Markdown file may start with raw HTML); not a file that starts like a kind of
    /// file that is not text ([`super::unsupported`]), nor XML that is no page (a flat
    /// `.fodt`, a batch), which are skipped with the reason whatever their name.
    fn claims(&self, path: &Path, head: &[u8]) -> bool {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let named = matches!(extension.as_deref(), Some("html" | "htm" | "xhtml"));
        if matches!(extension.as_deref(), Some("txt" | "md" | "markdown" | "docx" | "odt")) {
            return false;
        }
        let start = starts_like_html(head);
        // An XHTML page declared as XML is a page, whatever its name; other XML is not.
        let bare = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        if bare.starts_with(b"<?xml") {
            return start.unwrap_or(named);
        }
        super::unsupported(head).is_none() && (named || start == Some(true))
    }

    fn read(
        &self,
        input: &mut dyn Read,
        path: &Path,
        segmenter: &Segmenter,
        options: &super::ReadOptions,
    ) -> Result<Document> {
        let mut bytes = Vec::new();
        input.take(MAX_PAGE as u64 + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
        if bytes.len() > MAX_PAGE {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                what: "the page".into(),
                limit: MAX_PAGE,
            });
        }
        if std::str::from_utf8(&bytes).is_err() {
            // Say what the page declares, when it declares something else.
            if let Some((label, at)) = prescan_charset(&bytes) {
                refuse_charset(path, &bytes, &label, at)?;
            }
        }
        let text = crate::input::decode::utf8(path, bytes, "UTF-8")?;
        let part = read_page(path, text, &options.edition)?;
        Ok(Document::marked(super::name_of(path), "html", Marked { parts: vec![part] }, None, segmenter))
    }
}

/// Whether `head` starts like an HTML page: `<!DOCTYPE html` or `<html`, in any case,
/// after a byte order mark, white space, and (as XHTML has them) an XML declaration,
/// processing instructions and comments; `None` when `head` ends before telling.
fn starts_like_html(head: &[u8]) -> Option<bool> {
    let mut head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    loop {
        head = &head[head.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
        let skipped = [(&b"<?"[..], &b"?>"[..]), (b"<!--", b"-->")].iter().find_map(|(open, close)| {
            let rest = head.strip_prefix(*open)?;
            Some(rest.windows(close.len()).position(|w| w == *close).map(|at| &rest[at + close.len()..]))
        });
        match skipped {
            Some(Some(rest)) => head = rest,
            Some(None) => return None,
            None => break,
        }
    }
    let mut unknown = false;
    let html = [&b"<!doctype html"[..], b"<html"].iter().any(|prefix| {
        let n = prefix.len().min(head.len());
        if !head[..n].eq_ignore_ascii_case(&prefix[..n]) {
            return false;
        }
        if head.len() <= prefix.len() {
            unknown = true;
            return false;
        }
        matches!(head[prefix.len()], b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
    });
    match (html, unknown) {
        (true, _) => Some(true),
        (false, true) => None,
        (false, false) => Some(false),
    }
}

/// Reads the page `text` (UTF-8, a byte order mark kept) into its part, its language
/// marks to become `edition`'s.
fn read_page(path: &Path, text: String, edition: &EditionLanguage) -> Result<Part> {
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let stop = Rc::new(Cell::new(None));
    let fatal = Rc::new(Cell::new(None));
    let read = Rc::new(Cell::new(0));
    let collect = Collect { base, tag: None, keep: false, last: None, fatal: fatal.clone() };
    let emitter = PageEmitter {
        inner: CallbackEmitter::new(collect),
        stop: stop.clone(),
        attributes: 0,
        foreign: Vec::new(),
        open: [0; 2],
    };
    let reader = Guarded { inner: text[base..].to_reader(), stop: stop.clone(), read: read.clone() };
    let mut page = Page::new(path, &text, edition);
    for token in Tokenizer::new_with_emitter(reader, emitter) {
        match token {
            Ok(token) => page.token(token)?,
            Err(Stopped) => {
                let at = match stop.get() {
                    Some(at) if at != usize::MAX => at,
                    _ => base + read.get(),
                };
                return Err(page.error(
                    at,
                    format!(
                        "a tag with more than {MAX_ATTRIBUTES} attributes, more than any page needs; \
                         remove the extra attributes"
                    ),
                ));
            }
        }
    }
    if let Some((error, at)) = fatal.get() {
        // An unclosed comment or DOCTYPE is the last token; a tag is not emitted.
        let at = match error {
            html5gum::Error::EofInTag => at,
            _ => page.last_start.unwrap_or(at),
        };
        return Err(page.error(at, unclosed_message(error)));
    }
    let (blocks, lang) = page.finish()?;
    let mut part = Part::new("", text);
    part.blocks = blocks;
    part.lang = lang;
    Ok(part)
}

/// The blocks and language marks of `html`, a fragment of HTML inside another format
/// (an HTML block of a Markdown article), read as a page is, by byte offsets into it;
/// `None` for one a page would be refused for (a `script` never closed), which then
/// stays as it is.
pub(super) fn fragment(html: &str, edition: &EditionLanguage) -> Option<Part> {
    read_page(Path::new("fragment.html"), html.to_string(), edition).ok()
}

/// What to tell about a page that ends inside a token.
fn unclosed_message(error: html5gum::Error) -> String {
    let message = match error {
        html5gum::Error::EofInComment => {
            "a comment (`<!--`) is never closed with `-->`: a browser hides the rest of the page in it; close it"
        }
        html5gum::Error::EofInDoctype => "the page ends inside its `<!DOCTYPE`; close it with `>`",
        html5gum::Error::EofInCdata => "a `<![CDATA[` section is never closed with `]]>`; close it",
        _ => "the page ends inside a tag; close the tag with `>`",
    };
    message.to_string()
}

/// A token of the page and the bytes it spans.
#[derive(Debug)]
enum Token {
    Start(Tag),
    End {
        name: String,
        span: Range<usize>,
    },
    Text {
        text: String,
        span: Range<usize>,
    },
    /// A comment, a bogus comment (`<?xml …?>`, `</ p>`) or a CDATA section.
    Comment {
        span: Range<usize>,
    },
    Doctype {
        span: Range<usize>,
    },
}

/// A start tag, with the attributes this module reads.
#[derive(Debug)]
struct Tag {
    name: String,
    span: Range<usize>,
    self_closing: bool,
    attributes: Vec<Attribute>,
}

impl Tag {
    fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Whether the element's content is to be translated, where the tag says: `Some(false)`
    /// for `translate="no"` or a `notranslate` class (the mark translation services
    /// honour), `Some(true)` for `translate="yes"`; else, where `lang` is `true`, by its
    /// `lang`: a language other than Norwegian is kept as it is (an English quotation
    /// needs no translator), Norwegian is translated. `None` where it says nothing.
    fn translates(&self, lang: bool) -> Option<bool> {
        let said = |name: &str| self.attribute(name).map(|a| a.value.trim_matches(is_space));
        match said("translate").map(str::to_ascii_lowercase).as_deref() {
            Some("no") => return Some(false),
            Some("yes" | "") => return Some(true),
            _ => {}
        }
        if said("class").is_some_and(|class| class.split(is_space).any(|c| c == "notranslate")) {
            return Some(false);
        }
        let language = said("lang").or_else(|| said("xml:lang")).filter(|_| lang)?;
        let language = crate::language::Language::parse(language)?;
        match language.language() {
            // Undetermined, or several: the tag does not say.
            "und" | "mul" => None,
            spoken => Some(matches!(spoken, "nb" | "nn")),
        }
    }
}

/// An attribute: its value (references decoded) and the bytes of the value as written,
/// inside its quotes. An empty value has an empty span.
#[derive(Debug)]
struct Attribute {
    name: String,
    value: String,
    span: Range<usize>,
}

/// The attributes read: the ones whose values are text or language marks, and those
/// that tell what a `meta` is.
fn is_read(name: &[u8]) -> bool {
    matches!(
        name,
        b"alt"
            | b"title"
            | b"placeholder"
            | b"aria-label"
            | b"label"
            | b"abbr"
            | b"value"
            | b"lang"
            | b"xml:lang"
            | b"name"
            | b"property"
            | b"content"
            | b"http-equiv"
            | b"charset"
            | b"translate"
            | b"class"
            | b"type"
    )
}

/// Whether the `input` `tag` is a button, whose `value` is the label it shows.
fn is_button(tag: &Tag) -> bool {
    tag.attribute("type").is_some_and(|t| {
        matches!(t.value.trim_matches(is_space).to_ascii_lowercase().as_str(), "submit" | "button" | "reset")
    })
}

/// Builds [`Token`]s from the tokenizer's events.
struct Collect {
    /// Where the tokenized text starts in the page (after a byte order mark).
    base: usize,
    tag: Option<Tag>,
    /// Whether the attribute being read is one of [`is_read`].
    keep: bool,
    /// The last tag: its name, whether it starts, whether it is self-closing.
    last: Option<(String, bool, bool)>,
    /// An error that ends the page inside a token, and where.
    fatal: Rc<Cell<Option<(html5gum::Error, usize)>>>,
}

impl Collect {
    fn span(&self, span: Span<usize>) -> Range<usize> {
        self.base + span.start..self.base + span.end
    }
}

fn string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Callback<Token, usize> for Collect {
    fn handle_event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) -> Option<Token> {
        let range = self.span(span);
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag = Some(Tag {
                    name: string(name),
                    span: range,
                    self_closing: false,
                    attributes: Vec::new(),
                });
                None
            }
            CallbackEvent::AttributeName { name } => {
                self.keep = self.tag.is_some() && is_read(name);
                if let (true, Some(tag)) = (self.keep, &mut self.tag) {
                    tag.attributes.push(Attribute { name: string(name), value: String::new(), span: 0..0 });
                }
                None
            }
            CallbackEvent::AttributeValue { value } => {
                if let (true, Some(attribute)) =
                    (self.keep, self.tag.as_mut().and_then(|t| t.attributes.last_mut()))
                {
                    attribute.value = string(value);
                    attribute.span = range;
                }
                None
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                let mut tag = self.tag.take()?;
                tag.span.end = range.end;
                tag.self_closing = self_closing;
                self.last = Some((tag.name.clone(), true, self_closing));
                Some(Token::Start(tag))
            }
            CallbackEvent::EndTag { name } => {
                self.tag = None;
                self.last = Some((string(name), false, false));
                Some(Token::End { name: string(name), span: range })
            }
            CallbackEvent::String { value } => Some(Token::Text { text: string(value), span: range }),
            CallbackEvent::Comment { .. } => Some(Token::Comment { span: range }),
            CallbackEvent::Doctype { .. } => Some(Token::Doctype { span: range }),
            CallbackEvent::Error(error) => {
                use html5gum::Error as E;
                if matches!(error, E::EofInComment | E::EofInTag | E::EofInDoctype | E::EofInCdata) {
                    let at = self.tag.as_ref().map_or(range.start, |t| t.span.start);
                    self.fatal.set(Some((error, at)));
                }
                None
            }
        }
    }
}

/// The tokenizer's emitter: the events go to [`Collect`]; this decides what the
/// tokenizer cannot (which elements hold raw text, where foreign content is) and stops
/// it at a tag with too many attributes.
struct PageEmitter {
    inner: CallbackEmitter<Collect, Token, usize>,
    /// Set, with where, when the tokenizer is to stop.
    stop: Rc<Cell<Option<usize>>>,
    attributes: usize,
    /// The `svg` (0) and `math` (1) elements open, innermost last, and how many of each.
    foreign: Vec<usize>,
    open: [usize; 2],
}

/// The tokenizer's state after the start tag `name` in HTML content, as a browser's
/// tree builder sets it: the raw text of `script`, `style` and the like.
fn raw_text(name: &str) -> Option<State> {
    match name {
        "title" | "textarea" => Some(State::RcData),
        "plaintext" => Some(State::PlainText),
        "script" => Some(State::ScriptData),
        "style" | "iframe" | "xmp" | "noembed" | "noframes" | "noscript" => Some(State::RawText),
        _ => None,
    }
}

impl ForwardingEmitter for PageEmitter {
    type Token = Token;

    fn inner(&mut self) -> &mut impl Emitter<Token = Token> {
        &mut self.inner
    }

    fn init_start_tag(&mut self) {
        self.attributes = 0;
        self.inner.init_start_tag();
    }

    fn init_end_tag(&mut self) {
        self.attributes = 0;
        self.inner.init_end_tag();
    }

    fn init_attribute(&mut self) {
        self.attributes += 1;
        if self.attributes > MAX_ATTRIBUTES && self.stop.get().is_none() {
            let collect = self.inner.callback_mut();
            let at = collect.tag.as_ref().map(|t| t.span.start);
            // Where the reader is, when the tag is an end tag.
            self.stop.set(Some(at.unwrap_or(usize::MAX)));
        }
        self.inner.init_attribute();
    }

    /// The state after a tag, as a browser's tree builder would set it: raw text after
    /// `script`, `style` and the like, except in `svg` or `math`, where they are
    /// ordinary elements.
    fn emit_current_tag(&mut self) -> Option<State> {
        let _ = self.inner.emit_current_tag();
        let (name, start, self_closing) = self.inner.callback_mut().last.take()?;
        let svg = match name.as_str() {
            "svg" => Some(0),
            "math" => Some(1),
            _ => None,
        };
        if let Some(kind) = svg {
            if start && !self_closing {
                self.foreign.push(kind);
                self.open[kind] += 1;
            } else if !start && self.open[kind] > 0 {
                // An end tag closes its element and whatever is open inside it.
                while let Some(inner) = self.foreign.pop() {
                    self.open[inner] -= 1;
                    if inner == kind {
                        break;
                    }
                }
            }
        }
        if !start || !self.foreign.is_empty() {
            return None;
        }
        raw_text(&name)
    }

    /// CDATA sections exist only in `svg` and `math`.
    fn adjusted_current_node_present_but_not_in_html_namespace(&mut self) -> bool {
        !self.foreign.is_empty()
    }
}

/// Why the tokenizer stopped before the end of the page.
#[derive(Debug)]
struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stopped")
    }
}

impl std::error::Error for Stopped {}

/// The page's bytes for the tokenizer, which stop (with [`Stopped`]) once the emitter
/// says so: an error is the only way out of the tokenizer's state functions, which
/// call each other once per attribute of a tag.
struct Guarded<'a> {
    inner: StringReader<'a>,
    stop: Rc<Cell<Option<usize>>>,
    /// How many bytes were read.
    read: Rc<Cell<usize>>,
}

impl Guarded<'_> {
    fn check(&self) -> std::result::Result<(), Stopped> {
        match self.stop.get() {
            Some(_) => Err(Stopped),
            None => Ok(()),
        }
    }
}

impl Reader for Guarded<'_> {
    type Error = Stopped;

    fn read_byte(&mut self) -> std::result::Result<Option<u8>, Stopped> {
        self.check()?;
        let byte = self.inner.read_byte().unwrap_or_else(|e| match e {});
        self.read.set(self.read.get() + usize::from(byte.is_some()));
        Ok(byte)
    }

    fn try_read_string(&mut self, s: &[u8], case_sensitive: bool) -> std::result::Result<bool, Stopped> {
        self.check()?;
        let found = self.inner.try_read_string(s, case_sensitive).unwrap_or_else(|e| match e {});
        if found {
            self.read.set(self.read.get() + s.len());
        }
        Ok(found)
    }

    fn read_until<'b>(
        &'b mut self,
        needle: &[u8],
        char_buf: &'b mut [u8; 4],
    ) -> std::result::Result<Option<&'b [u8]>, Stopped> {
        self.check()?;
        let chunk = self.inner.read_until(needle, char_buf).unwrap_or_else(|e| match e {});
        self.read.set(self.read.get() + chunk.map_or(0, <[u8]>::len));
        Ok(chunk)
    }
}

/// What an element is to the text around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Block-level or structural: its tags end the run of inline content.
    Block,
    /// The `title`: its text is a block.
    Title,
    /// Not text, and block-level (`pre`): it ends the run and is skipped.
    OpaqueBlock,
    /// Not text, inline (`code`, `script`, `svg`): one lone code of all its bytes.
    Opaque,
    /// Void inline (`br`, `img`): one lone code of its tag.
    Void,
    /// Inline (`b`, `a`, `span`, an unknown or custom element): a pair of codes.
    Inline,
}

fn kind_of(name: &str) -> Kind {
    match name {
        "title" => Kind::Title,
        "pre" | "listing" | "xmp" | "plaintext" => Kind::OpaqueBlock,
        "code" | "kbd" | "samp" | "var" | "script" | "style" | "template" | "svg" | "math" | "textarea"
        | "noscript" | "iframe" | "noembed" | "noframes" => Kind::Opaque,
        "br" | "img" | "wbr" | "input" | "embed" | "area" | "source" | "track" | "param" | "base"
        | "link" | "meta" | "keygen" | "image" => Kind::Void,
        "address" | "article" | "aside" | "blockquote" | "body" | "caption" | "center" | "col"
        | "colgroup" | "dd" | "details" | "dialog" | "dir" | "div" | "dl" | "dt" | "fieldset"
        | "figcaption" | "figure" | "footer" | "form" | "frame" | "frameset" | "h1" | "h2" | "h3" | "h4"
        | "h5" | "h6" | "head" | "header" | "hgroup" | "hr" | "html" | "legend" | "li" | "main" | "menu"
        | "nav" | "ol" | "optgroup" | "option" | "p" | "search" | "section" | "select" | "datalist"
        | "summary" | "table" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr" | "ul" => Kind::Block,
        _ => Kind::Inline,
    }
}

/// Whether `c` is HTML's white space, which it collapses.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

fn is_blank(text: &str) -> bool {
    text.chars().all(is_space)
}

/// Bytes of white space that `text` starts and ends with.
fn spaces(text: &str) -> (usize, usize) {
    let lead = text.len() - text.trim_start_matches(is_space).len();
    let trail = text.len() - text.trim_end_matches(is_space).len();
    (lead, trail)
}

/// A piece of a run of inline content.
#[derive(Debug)]
enum Item {
    /// Text, references decoded.
    Text { text: String, span: Range<usize> },
    /// An inline element's start tag, and its end tag once seen.
    Open { name: String, span: Range<usize>, close: Option<Range<usize>> },
    /// Where the pair opened by item `open` closes: at its end tag (`span`), or, for
    /// one closed by the end of another, at `at` with no markup of its own.
    Close { open: usize, span: Option<Range<usize>>, at: usize },
    /// Markup that stands alone: an image, a comment, a `code` element; a line break
    /// (`br`) when `space`.
    Lone { span: Range<usize>, space: bool },
}

impl Item {
    fn span(&self) -> Range<usize> {
        match self {
            Item::Text { span, .. } | Item::Open { span, .. } | Item::Lone { span, .. } => span.clone(),
            Item::Close { span, at, .. } => span.clone().unwrap_or(*at..*at),
        }
    }

    /// Whether the item may be left out at either end of a block: markup that stands
    /// alone, and white space.
    fn is_edge(&self) -> bool {
        match self {
            Item::Lone { .. } => true,
            Item::Text { text, .. } => is_blank(text),
            _ => false,
        }
    }
}

/// The inline content since the last block-level tag.
#[derive(Debug, Default)]
struct Run {
    items: Vec<Item>,
    /// The pairs open, innermost last: the name, and the index of its `Open` item.
    open: Vec<(String, usize)>,
    /// How many pairs of each name are open.
    names: HashMap<String, usize>,
}

/// An element whose content is not read: from its start tag to its end tag.
#[derive(Debug)]
struct Skip {
    name: String,
    /// How many elements of its name are open, itself included.
    depth: usize,
    start: usize,
    /// Whether a block-level tag ends it (a `code` element is never closed by one).
    phrasing: bool,
    /// For the `title`: its text.
    title: Option<(String, Range<usize>)>,
    /// Whether it is a `script` of JSON-LD (`type="application/ld+json"`), whose
    /// headline, description and language a search engine shows.
    json_ld: bool,
}

/// How many block-level elements a page's stack holds: far more than any page nests
/// (a browser's own limit is lower). Deeper ones are only counted, and an end tag
/// there closes the deepest.
pub const MAX_BLOCK_NESTING: usize = 4096;

/// How far down the stack a tag looks for the element it closes: an item in a list,
/// a cell in a row is near the top on every page, and no tag costs more than this.
const MAX_SCAN: usize = 256;

/// A block-level element open where the page is read, and whether it says its
/// content is translated ([`Tag::translates`]): a [`Page`] keeps a stack of them, as a
/// browser does, so that it knows which element text is in, without a DOM.
#[derive(Debug)]
struct Open {
    name: String,
    /// Whether its content is kept as it is: what it says, else what the element it
    /// is in says.
    keeping: bool,
}

/// The block-level elements that never have content, and so are never open.
fn is_void_block(name: &str) -> bool {
    matches!(name, "hr" | "col" | "frame")
}

/// The open elements a start tag `name` closes first, as a browser's parser does
/// where a page leaves an end tag out: the index in `open` of the lowest element it
/// closes (with all above it), if any. An item closes the item open in its list, a cell
/// the cell open in its row, and every block but the parts of a table and what a
/// paragraph may hold (a `select`, a `legend`) closes the paragraph open.
fn closed_by_start(open: &[Open], name: &str, paragraph_open: bool) -> Option<usize> {
    let own = match name {
        "li" => nearest(open, &["li"], |n| matches!(n, "address" | "div" | "p")),
        "dt" | "dd" => nearest(open, &["dt", "dd"], |n| matches!(n, "address" | "div" | "p")),
        "td" | "th" => {
            nearest(open, &["td", "th"], |n| !matches!(n, "tr" | "tbody" | "thead" | "tfoot" | "table"))
        }
        "tr" => nearest(open, &["tr"], |n| !matches!(n, "tbody" | "thead" | "tfoot" | "table")),
        "tbody" | "thead" | "tfoot" => nearest(open, &["tbody", "thead", "tfoot"], |n| n != "table"),
        "option" | "optgroup" => nearest(open, &["option"], |_| false),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            nearest(open, &["h1", "h2", "h3", "h4", "h5", "h6"], |_| false)
        }
        _ => None,
    };
    let ends_p = !matches!(
        name,
        "td" | "th"
            | "tr"
            | "tbody"
            | "thead"
            | "tfoot"
            | "caption"
            | "colgroup"
            | "option"
            | "optgroup"
            | "select"
            | "datalist"
            | "legend"
            | "frameset"
            | "head"
            | "body"
            | "html"
    );
    let p = match ends_p && paragraph_open {
        true => nearest(open, &["p"], |n| !matches!(n, "table" | "td" | "th" | "caption" | "html")),
        false => None,
    };
    match (own, p) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The index of the innermost element of `open` named one of `names`, looking past
/// the elements `passes` lets through.
fn nearest(open: &[Open], names: &[&str], passes: impl Fn(&str) -> bool) -> Option<usize> {
    for (i, element) in open.iter().enumerate().rev().take(MAX_SCAN) {
        if names.contains(&element.name.as_str()) {
            return Some(i);
        }
        if !passes(&element.name) {
            return None;
        }
    }
    None
}

/// The open element an end tag `name` closes (with all above it): the nearest of that
/// name, unless an element that scopes it (a table cell, a list) stands between, as
/// a browser ignores an end tag whose element is not open there.
fn closed_by_end(open: &[Open], name: &str) -> Option<usize> {
    let stops: &[&str] = match name {
        "html" | "body" | "head" => return None,
        "table" => &["html"],
        "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" => &["table", "html"],
        "li" => &["ul", "ol", "menu", "dir", "table", "td", "th", "caption", "html"],
        "dt" | "dd" => &["dl", "table", "td", "th", "caption", "html"],
        _ => &["table", "td", "th", "caption", "html"],
    };
    nearest(open, &[name], |n| !stops.contains(&n))
}

/// Language marks: bytes of the page and the English value they take ([`Part::lang`]).
type LangMarks = Vec<(Range<usize>, String)>;

/// A page being read: the blocks and language marks found so far.
struct Page<'t> {
    path: &'t Path,
    text: &'t str,
    edition: &'t EditionLanguage,
    lines: LineIndex,
    blocks: Vec<Block>,
    lang: LangMarks,
    run: Option<Run>,
    skip: Option<Skip>,
    /// The block-level elements open, innermost last, at most [`MAX_BLOCK_NESTING`];
    /// how many more are open beyond; how many of them are paragraphs.
    open: Vec<Open>,
    deeper: usize,
    paragraphs: usize,
    /// Where the last token started, to name where an unclosed one opened.
    last_start: Option<usize>,
}

impl<'t> Page<'t> {
    fn new(path: &'t Path, text: &'t str, edition: &'t EditionLanguage) -> Page<'t> {
        Page {
            path,
            text,
            edition,
            lines: LineIndex::new(text.as_bytes()),
            blocks: Vec::new(),
            lang: Vec::new(),
            run: None,
            skip: None,
            open: Vec::new(),
            deeper: 0,
            paragraphs: 0,
            last_start: None,
        }
    }

    fn error(&self, at: usize, message: String) -> Error {
        let at = at.min(self.text.len());
        Error::at(self.path, Place::byte(self.lines.line_of(at), at), message)
    }

    fn token(&mut self, token: Token) -> Result<()> {
        self.last_start = Some(match &token {
            Token::Start(tag) => tag.span.start,
            Token::End { span, .. }
            | Token::Text { span, .. }
            | Token::Comment { span }
            | Token::Doctype { span } => span.start,
        });
        if self.skip.is_some() && self.skipped(&token)? {
            return Ok(());
        }
        match token {
            Token::Text { text, span } => {
                if self.run.is_some() || !is_blank(&text) {
                    self.run.get_or_insert_with(Run::default).items.push(Item::Text { text, span });
                }
            }
            Token::Start(tag) => self.start(tag)?,
            Token::End { name, span } => self.end(&name, span)?,
            Token::Comment { span } => {
                self.check_xml_declaration(span.clone())?;
                self.lone(span);
            }
            Token::Doctype { span } => self.lone(span),
        }
        Ok(())
    }

    /// Whether `token` belongs to the element being skipped; ends the skip at its end.
    fn skipped(&mut self, token: &Token) -> Result<bool> {
        let Some(skip) = &mut self.skip else { return Ok(false) };
        let end = match token {
            Token::Start(tag) if tag.name == skip.name => {
                skip.depth += usize::from(!tag.self_closing);
                None
            }
            Token::End { name, span } if *name == skip.name => {
                skip.depth -= 1;
                (skip.depth == 0).then_some(span.end)
            }
            Token::Start(Tag { name, span, .. }) | Token::End { name, span }
                if skip.phrasing
                    && matches!(kind_of(name), Kind::Block | Kind::OpaqueBlock | Kind::Title) =>
            {
                // A block-level tag closes a `code` left open; the tag itself is read.
                let at = span.start;
                self.end_skip(at)?;
                return Ok(false);
            }
            Token::Text { text, span } if skip.name == "title" => {
                skip.title = Some((text.clone(), span.clone()));
                None
            }
            Token::Text { span, .. } if skip.json_ld => {
                self.json_ld(span.clone())?;
                None
            }
            _ => None,
        };
        if let Some(end) = end {
            self.end_skip(end)?;
        }
        Ok(true)
    }

    fn end_skip(&mut self, end: usize) -> Result<()> {
        let Some(skip) = self.skip.take() else { return Ok(()) };
        match skip.title {
            Some((text, span)) => {
                let (lead, trail) = spaces(&self.text[span.clone()]);
                if lead < span.len() {
                    self.push_block(span.start + lead..span.end - trail, &text, &TEXT)?;
                }
            }
            None => self.lone(skip.start..end),
        }
        Ok(())
    }

    fn start(&mut self, tag: Tag) -> Result<()> {
        let kind = kind_of(&tag.name);
        if matches!(kind, Kind::Block | Kind::Title | Kind::OpaqueBlock) {
            self.end_run()?;
        }
        if matches!(kind, Kind::Block | Kind::OpaqueBlock) {
            self.open_block(&tag);
        }
        self.attributes(&tag)?;
        // An inline element not to be translated is kept whole, as `code` is.
        let kind = match kind {
            Kind::Inline if tag.translates(false) == Some(false) => Kind::Opaque,
            kind => kind,
        };
        // Raw text (`script`, `title`) is raw whatever the tag says; `<svg/>` and
        // `<code/>` are empty.
        let raw = raw_text(&tag.name).is_some();
        match kind {
            Kind::Title | Kind::Opaque | Kind::OpaqueBlock if raw || !tag.self_closing => {
                self.skip = Some(Skip {
                    phrasing: matches!(tag.name.as_str(), "code" | "kbd" | "samp" | "var")
                        || matches!(kind_of(&tag.name), Kind::Inline),
                    title: None,
                    json_ld: tag.name == "script"
                        && tag
                            .attribute("type")
                            .is_some_and(|t| t.value.trim().eq_ignore_ascii_case(JSON_LD)),
                    depth: 1,
                    start: tag.span.start,
                    name: tag.name,
                });
            }
            Kind::Block | Kind::Title | Kind::OpaqueBlock => {}
            Kind::Void if tag.name == "br" => {
                if let Some(run) = &mut self.run {
                    run.items.push(Item::Lone { span: tag.span, space: true });
                }
            }
            Kind::Opaque | Kind::Void => self.lone(tag.span),
            Kind::Inline if tag.self_closing => self.lone(tag.span),
            Kind::Inline => {
                let run = self.run.get_or_insert_with(Run::default);
                if run.open.len() >= MAX_NESTING {
                    return Err(self.error(
                        tag.span.start,
                        format!(
                            "inline elements nest more than {MAX_NESTING} deep in one paragraph; close them \
                             where they end"
                        ),
                    ));
                }
                run.open.push((tag.name.clone(), run.items.len()));
                *run.names.entry(tag.name.clone()).or_default() += 1;
                run.items.push(Item::Open { name: tag.name, span: tag.span, close: None });
            }
        }
        Ok(())
    }

    fn end(&mut self, name: &str, span: Range<usize>) -> Result<()> {
        match kind_of(name) {
            Kind::Block => {
                self.end_run()?;
                if self.deeper > 0 {
                    self.deeper -= 1;
                } else if let Some(at) = closed_by_end(&self.open, name) {
                    self.close_to(at);
                }
            }
            Kind::Title | Kind::OpaqueBlock => self.end_run()?,
            Kind::Inline if self.run.as_ref().is_some_and(|r| r.names.get(name).is_some_and(|&n| n > 0)) => {
                let Some(run) = self.run.as_mut() else { return Ok(()) };
                // Pairs opened inside this one and still open close with it.
                while let Some((open, index)) = run.open.pop() {
                    if let Some(n) = run.names.get_mut(&open) {
                        *n -= 1;
                    }
                    if open == name {
                        if let Some(Item::Open { close, .. }) = run.items.get_mut(index) {
                            *close = Some(span.clone());
                        }
                        run.items.push(Item::Close { open: index, span: Some(span), at: 0 });
                        break;
                    }
                    run.items.push(Item::Close { open: index, span: None, at: span.start });
                }
            }
            // An end tag that closes nothing here, kept as it is.
            _ => self.lone(span),
        }
        Ok(())
    }

    /// Whether the content here is kept as it is, not translated: what the innermost
    /// element that says so says.
    fn keeping(&self) -> bool {
        self.open.last().is_some_and(|o| o.keeping)
    }

    /// Closes the open elements from `at` up.
    fn close_to(&mut self, at: usize) {
        self.paragraphs -= self.open[at..].iter().filter(|o| o.name == "p").count();
        self.open.truncate(at);
    }

    /// Follows the block-level start tag `tag`: the elements it closes, and itself
    /// open, with whether it says its content is translated. The page's own language
    /// (`html`, `head`, `body`) decides nothing: a page marked English by a template
    /// is still read. A `pre` (whose content is skipped) closes but is not kept open.
    fn open_block(&mut self, tag: &Tag) {
        if self.deeper == 0 {
            if let Some(at) = closed_by_start(&self.open, &tag.name, self.paragraphs > 0) {
                self.close_to(at);
            }
        }
        if tag.self_closing || is_void_block(&tag.name) || !matches!(kind_of(&tag.name), Kind::Block) {
            return;
        }
        if self.open.len() >= MAX_BLOCK_NESTING {
            self.deeper += 1;
            return;
        }
        let translate = tag.translates(!matches!(tag.name.as_str(), "html" | "head" | "body"));
        let keeping = translate.map_or_else(|| self.keeping(), |t| !t);
        self.paragraphs += usize::from(tag.name == "p");
        self.open.push(Open { name: tag.name.clone(), keeping });
    }

    /// Adds markup that stands alone to the run, if there is one.
    fn lone(&mut self, span: Range<usize>) {
        if let Some(run) = &mut self.run {
            run.items.push(Item::Lone { span, space: false });
        }
    }

    /// The blocks and language marks in a tag's attributes, and the encoding a `meta`
    /// declares.
    fn attributes(&mut self, tag: &Tag) -> Result<()> {
        // What is kept as it is keeps its attributes' text and language marks too; a tag
        // that says it is in another language (`<img lang="en" alt>`) keeps its text.
        let page = matches!(tag.name.as_str(), "html" | "head" | "body");
        let kept = self.keeping() || tag.translates(false) == Some(false);
        let other_language = kept || tag.translates(!page) == Some(false);
        for a in &tag.attributes {
            match a.name.as_str() {
                "alt" | "title" | "placeholder" | "aria-label" if !other_language => {
                    self.attribute_block(a)?
                }
                // The other attributes HTML names translatable (the `translate`
                // attribute's list): a button's label (`<input type="submit"
                // value="Meld deg på">`), an option's or a track's `label`, a header
                // cell's `abbr`. A text field's `value` is data, not a label.
                "label"
                    if !other_language && matches!(tag.name.as_str(), "option" | "optgroup" | "track") =>
                {
                    self.attribute_block(a)?
                }
                "abbr" if !other_language && tag.name == "th" => self.attribute_block(a)?,
                "value" if !other_language && tag.name == "input" && is_button(tag) => {
                    self.attribute_block(a)?
                }
                "lang" | "xml:lang" if !kept => self.lang_mark(a),
                _ => {}
            }
        }
        if tag.name != "meta" {
            return Ok(());
        }
        if let Some(charset) = tag.attribute("charset") {
            self.check_charset(&charset.value, charset.span.start)?;
        }
        let Some(content) = tag.attribute("content") else { return Ok(()) };
        let lower = |a: &Attribute| a.value.trim_matches(is_space).to_ascii_lowercase();
        match tag.attribute("http-equiv").map(lower).as_deref() {
            Some("content-type") => {
                if let Some(label) = charset_in(&content.value) {
                    self.check_charset(&label, content.span.start)?;
                }
            }
            Some("content-language") => self.lang_mark(content),
            _ => {}
        }
        match tag.attribute("name").or_else(|| tag.attribute("property")).map(lower).as_deref() {
            Some(
                "description"
                | "og:title"
                | "og:description"
                | "og:image:alt"
                | "twitter:title"
                | "twitter:description"
                | "twitter:image:alt"
                | "keywords",
            ) => self.attribute_block(content)?,
            Some("og:locale") => self.lang_mark(content),
            _ => {}
        }
        Ok(())
    }

    /// An attribute's value as a block of its own, written with the quotes it has.
    fn attribute_block(&mut self, a: &Attribute) -> Result<()> {
        let Some(source) = self.text.get(a.span.clone()) else { return Ok(()) };
        let (lead, trail) = spaces(source);
        if lead == source.len() {
            return Ok(());
        }
        let writer: &'static dyn Writer = match self.text.as_bytes().get(a.span.start.wrapping_sub(1)) {
            Some(b'"') => &DOUBLE_QUOTED,
            Some(b'\'') => &SINGLE_QUOTED,
            _ => &UNQUOTED,
        };
        self.push_block(a.span.start + lead..a.span.end - trail, &a.value, writer)
    }

    /// A block of the bytes `range`, whose text is `text` (no codes), collapsed.
    fn push_block(&mut self, range: Range<usize>, text: &str, writer: &'static dyn Writer) -> Result<()> {
        if self.keeping() {
            return Ok(());
        }
        let mut collapsed = String::with_capacity(text.len());
        for word in text.split(is_space).filter(|w| !w.is_empty()) {
            if !collapsed.is_empty() {
                collapsed.push(' ');
            }
            collapsed.push_str(word);
        }
        if collapsed.is_empty() {
            return Ok(());
        }
        let mut paragraph = String::with_capacity(collapsed.len());
        let mut codes = Vec::new();
        marked::push_text(&mut paragraph, &mut codes, &collapsed, |raw| Raw::Text(raw.to_string()));
        self.check_size(range.start, &paragraph)?;
        let line = self.lines.line_of(range.start);
        self.blocks.push(Block::new(range, paragraph, codes, writer, line));
        Ok(())
    }

    /// Refuses a block whose text is longer than a line of plain text may be.
    fn check_size(&self, start: usize, paragraph: &str) -> Result<()> {
        if paragraph.len() <= crate::input::limits::MAX_LINE {
            return Ok(());
        }
        Err(Error::TooLarge {
            path: self.path.to_path_buf(),
            what: format!("the paragraph at line {}", self.lines.line_of(start)),
            limit: crate::input::limits::MAX_LINE,
        })
    }

    /// The JSON of a JSON-LD script, the bytes `span` of the page (a script's text
    /// is its bytes): the values a reader sees ([`JSON_LD_TEXT`]) are blocks, and
    /// `inLanguage` a language mark.
    fn json_ld(&mut self, span: Range<usize>) -> Result<()> {
        // Kept as it is, language included.
        if self.keeping() {
            return Ok(());
        }
        let Some(json) = self.text.get(span.clone()) else { return Ok(()) };
        let at = span.start;
        for (range, key, text) in json_ld_values(json) {
            let range = at + range.start..at + range.end;
            if key == "inLanguage" {
                if let Some(english) = self.edition.mark(&text) {
                    self.lang.push((range, english));
                }
            } else {
                self.push_block(range, &text, &JSON)?;
            }
        }
        Ok(())
    }

    /// A `lang` (or `og:locale`) value, to become the edition's language where it says
    /// Norwegian ([`EditionLanguage::mark`]).
    fn lang_mark(&mut self, a: &Attribute) {
        let Some(source) = self.text.get(a.span.clone()) else { return };
        let (lead, trail) = spaces(source);
        if lead == source.len() {
            return;
        }
        let value = &source[lead..source.len() - trail];
        if let Some(english) = self.edition.mark(value) {
            self.lang.push((a.span.start + lead..a.span.end - trail, english));
        }
    }

    fn check_charset(&self, label: &str, at: usize) -> Result<()> {
        refuse_charset(self.path, self.text.as_bytes(), label, at)
    }

    /// An XML declaration (a bogus comment to HTML) that declares another encoding.
    fn check_xml_declaration(&self, span: Range<usize>) -> Result<()> {
        let Some(raw) = self.text.get(span.clone()) else { return Ok(()) };
        if !raw.starts_with("<?xml") {
            return Ok(());
        }
        match attribute_in(raw, "encoding") {
            Some(label) => self.check_charset(&label, span.start),
            None => Ok(()),
        }
    }

    /// Ends the run of inline content: its block, if it holds text.
    fn end_run(&mut self) -> Result<()> {
        let Some(run) = self.run.take() else { return Ok(()) };
        if self.keeping() {
            return Ok(());
        }
        let items = run.items;
        let Some(first) = items.iter().position(|i| !i.is_edge()) else { return Ok(()) };
        let last = items.iter().rposition(|i| !i.is_edge()).unwrap_or(first);
        let kept = &items[first..=last];
        if !kept.iter().any(|i| matches!(i, Item::Text { text, .. } if !is_blank(text))) {
            return Ok(());
        }
        let start = match &kept[0] {
            Item::Text { span, .. } => span.start + spaces(&self.text[span.clone()]).0,
            other => other.span().start,
        };
        let end = match &kept[kept.len() - 1] {
            Item::Text { span, .. } => span.end - spaces(&self.text[span.clone()]).1,
            other => other.span().end,
        };
        let mut paragraph = String::new();
        let mut codes: Vec<Markup> = Vec::new();
        // The number of the pair each `Open` item starts.
        let mut numbers: Vec<u32> = vec![0; kept.len()];
        let mut open: Vec<u32> = Vec::new();
        let mut collapse = Collapse::default();
        // Where the white space the last line break took ends.
        let mut covered = 0;
        // Text up to the next code, taken whole so that no placeholder is made of two.
        let mut text = String::new();
        for (i, item) in kept.iter().enumerate() {
            if let Item::Text { text: t, .. } = item {
                collapse.push(t, &mut text);
                continue;
            }
            let spaced = match item {
                Item::Lone { space: true, .. } => collapse.line_break(&mut text),
                Item::Lone { space: false, .. } => {
                    collapse.content(&mut text);
                    false
                }
                _ => {
                    collapse.before_code(&mut text);
                    false
                }
            };
            marked::push_text(&mut paragraph, &mut codes, &text, |raw| Raw::Text(escape_text(raw)));
            text.clear();
            match item {
                Item::Open { name, span, close } => {
                    let close = match close {
                        Some(span) => Raw::Range(span.clone()),
                        None => Raw::Text(format!("</{name}>")),
                    };
                    let markup = Markup { open: Raw::Range(span.clone()), close, ..Markup::default() };
                    numbers[i] = marked::open(&mut paragraph, &mut codes, markup, false);
                    open.push(numbers[i]);
                }
                Item::Close { open: index, span, .. } => {
                    let n = index.checked_sub(first).and_then(|k| numbers.get(k)).copied().unwrap_or(0);
                    if let Some(at) = open.iter().rposition(|&o| o == n) {
                        open.remove(at);
                        close(&mut paragraph, &mut codes, n, span.as_ref().map(|s| s.end));
                    }
                }
                Item::Lone { span, space: false } => {
                    let markup = Markup { open: Raw::Range(span.clone()), ..Markup::default() };
                    marked::open(&mut paragraph, &mut codes, markup, true);
                }
                // A line break with the white space around it as the page has it (the
                // text's trailing spaces before it, the line end after it), so that the
                // space the text holds for it is written as those bytes.
                Item::Lone { span, space: true } => {
                    let before = match i.checked_sub(1).map(|k| &kept[k]) {
                        Some(Item::Text { span: s, .. }) if s.end == span.start => {
                            spaces(&self.text[s.clone()]).1
                        }
                        _ => 0,
                    };
                    // Not what the break before took already (`<br>\n<br>`).
                    let before = before.min(span.start.saturating_sub(covered));
                    let after = match kept.get(i + 1) {
                        Some(Item::Text { span: s, .. }) if s.start == span.end => {
                            spaces(&self.text[s.clone()]).0
                        }
                        _ => 0,
                    };
                    let whole = span.start - before..span.end + after;
                    covered = whole.end;
                    let markup = Markup { open: Raw::Range(whole), spaced, ..Markup::default() };
                    marked::open(&mut paragraph, &mut codes, markup, true);
                }
                Item::Text { .. } => {}
            }
        }
        marked::push_text(&mut paragraph, &mut codes, &text, |raw| Raw::Text(escape_text(raw)));
        for &n in open.iter().rev() {
            close(&mut paragraph, &mut codes, n, None);
        }
        self.check_size(start, &paragraph)?;
        let line = self.lines.line_of(start);
        self.blocks.push(Block::new(start..end, paragraph, codes, &TEXT, line));
        Ok(())
    }

    /// The blocks and language marks, once every token was read.
    fn finish(mut self) -> Result<(Vec<Block>, LangMarks)> {
        if let Some(skip) = &self.skip {
            let name = &skip.name;
            return Err(self.error(
                skip.start,
                format!(
                    "`<{name}>` is never closed: a browser takes the rest of the page as its content; close it \
                     with `</{name}>`"
                ),
            ));
        }
        self.end_run()?;
        self.lang.sort_by_key(|(r, _)| r.start);
        Ok((self.blocks, self.lang))
    }
}

/// Closes the pair `n` in `paragraph`, whose end tag, if it has one, ends at `end`. An
/// element with nothing in it (`<a id="top"></a>`) is no pair but markup that stands
/// alone, all its bytes, so that a translator sees nothing to put words in and the
/// writer keeps it (an empty pair would be dropped).
fn close(paragraph: &mut String, codes: &mut [Markup], n: u32, end: Option<usize>) {
    let open = inline::Code::Open(n).to_string();
    let Some(markup) = (n as usize).checked_sub(1).and_then(|i| codes.get_mut(i)) else { return };
    match (paragraph.strip_suffix(&open), &markup.open) {
        (Some(before), Raw::Range(start)) => {
            let whole = start.start..end.unwrap_or(start.end);
            paragraph.truncate(before.len());
            paragraph.push_str(&inline::Code::Lone(n).to_string());
            *markup = Markup { open: Raw::Range(whole), ..Markup::default() };
        }
        _ => marked::close(paragraph, n),
    }
}

/// HTML's white space collapsing across the pieces of a run: one space for each run
/// of white space, none at the start or end, and one space where text, codes between,
/// meets text.
#[derive(Debug)]
struct Collapse {
    /// Whether the last character written was a space (or nothing was written yet).
    after_space: bool,
    /// Whether white space was seen and not written yet.
    pending: bool,
}

impl Default for Collapse {
    fn default() -> Collapse {
        Collapse { after_space: true, pending: false }
    }
}

impl Collapse {
    fn push(&mut self, text: &str, out: &mut String) {
        for c in text.chars() {
            if is_space(c) {
                self.pending |= !self.after_space;
            } else {
                if self.pending {
                    out.push(' ');
                    self.pending = false;
                }
                out.push(c);
                self.after_space = false;
            }
        }
    }

    /// A line break is a space between words: one is written before it, where a
    /// browser shows none, so the words either side stay apart and a sentence that ends
    /// at the break does not take it.
    /// Whether it wrote one.
    fn line_break(&mut self, out: &mut String) -> bool {
        let spaced = !self.after_space;
        if spaced {
            out.push(' ');
        }
        self.pending = false;
        self.after_space = true;
        spaced
    }

    /// Markup that stands alone shows something (an image, a `code` element): the
    /// spaces either side of it are both kept. (A comment shows nothing, and a space
    /// either side of it shows as one; two in the text do no harm.)
    fn content(&mut self, out: &mut String) {
        self.before_code(out);
        self.after_space = false;
    }

    /// A space seen before a code is written before it, where a browser shows it.
    fn before_code(&mut self, out: &mut String) {
        if self.pending {
            out.push(' ');
            self.pending = false;
            self.after_space = true;
        }
    }
}

/// The value of `name="…"` (or `'…'`) in `raw`, the text of a declaration.
pub(super) fn attribute_in(raw: &str, name: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    let at = lower.find(name)? + name.len();
    let rest = raw[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// The label after `charset=` in a `content-type` value (`text/html; charset=utf-8`).
fn charset_in(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("charset")? + "charset".len();
    let rest = content[at..].trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest.find(|c: char| c == ';' || c == '"' || c == '\'' || is_space(c)).unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// The encoding a page that is not UTF-8 declares in its first 1024 bytes (a
/// `<meta charset>`, a `content-type` or an XML declaration), and where.
fn prescan_charset(bytes: &[u8]) -> Option<(String, usize)> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    let lower = head.to_ascii_lowercase();
    for key in ["charset", "encoding"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(key) {
            let at = from + i;
            from = at + key.len();
            let rest = head[from..].trim_start();
            let Some(rest) = rest.strip_prefix('=') else { continue };
            let rest = rest.trim_start().trim_start_matches(['"', '\'']);
            let end =
                rest.find(|c: char| !(c.is_ascii_alphanumeric() || "-_.:".contains(c))).unwrap_or(rest.len());
            if end > 0 {
                return Some((rest[..end].to_string(), at));
            }
        }
    }
    None
}

/// Refuses a page that declares an encoding other than UTF-8 (its text, once
/// translated, would be shown as that encoding). A label no browser knows is let be,
/// as browsers do.
fn refuse_charset(path: &Path, bytes: &[u8], label: &str, at: usize) -> Result<()> {
    let label = label.trim_matches(is_space);
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        Some(e) if e != encoding_rs::UTF_8 && e != encoding_rs::UTF_16LE && e != encoding_rs::UTF_16BE => {
            Err(Error::at(
                path,
                Place::byte(crate::input::line_of(bytes, at), at),
                format!(
                    "the page declares its encoding as {label}; tolk reads HTML pages in UTF-8 only: save the \
                     page as UTF-8 and declare it with <meta charset=\"utf-8\">"
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// Text between tags: `&`, `<` and `>` escaped.
#[derive(Debug)]
struct TextWriter;

/// An attribute value in double quotes.
#[derive(Debug)]
struct DoubleQuoted;

/// An attribute value in single quotes.
#[derive(Debug)]
struct SingleQuoted;

/// An attribute value without quotes: white space and quotes as references too.
#[derive(Debug)]
struct Unquoted;

static TEXT: TextWriter = TextWriter;
static JSON: JsonString = JsonString;
static DOUBLE_QUOTED: DoubleQuoted = DoubleQuoted;
static SINGLE_QUOTED: SingleQuoted = SingleQuoted;
static UNQUOTED: Unquoted = Unquoted;

fn escape_into(text: &str, out: &mut String, extra: impl Fn(char) -> Option<&'static str>) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => match extra(c) {
                Some(escaped) => out.push_str(escaped),
                None => out.push(c),
            },
        }
    }
}

fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out, |_| None);
    out
}

/// The text of a JSON string inside a `script`: quotes, backslashes and control
/// characters escaped as JSON does, and `<` too, so no text ends the script.
#[derive(Debug)]
struct JsonString;

impl Writer for JsonString {
    fn text(&self, text: &str, _style: &str, out: &mut String) {
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '<' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
    }
}

/// The `type` of a script of JSON-LD.
const JSON_LD: &str = "application/ld+json";

/// The keys of JSON-LD (schema.org) whose string values a reader sees: in a search
/// engine's result, a link's preview, an FAQ's answers (`text`, also an article's
/// body). Not `name`, which is as often a person's or a company's.
const JSON_LD_TEXT: [&str; 6] =
    ["headline", "alternativeHeadline", "description", "abstract", "caption", "text"];

/// The string values of `json` under the keys of [`JSON_LD_TEXT`], wherever they
/// stand, and of `inLanguage` where it is the page's own (the top object's, or an
/// `@graph` member's; a video's nested inside keeps its language): each value's bytes
/// inside its quotes, its key, and its text. The JSON is not parsed whole: strings are
/// read as JSON writes them, and a value with an escape that is no JSON (or a lone
/// surrogate), or with markup in it (`<p>`, `&amp;`), is left as it is.
fn json_ld_values(json: &str) -> Vec<(Range<usize>, &'static str, String)> {
    let b = json.as_bytes();
    // The end of the string whose opening quote is at `i` (the byte after its closing
    // quote), if it closes.
    let string_end = |i: usize| {
        let mut j = i + 1;
        while j < b.len() {
            match b[j] {
                b'\\' => j += 2,
                b'"' => return Some(j + 1),
                _ => j += 1,
            }
        }
        None
    };
    let skip_space = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut out = Vec::new();
    // The objects and arrays open, each with the key whose value it is.
    let mut open: Vec<(u8, Option<&str>)> = Vec::new();
    // A key whose value is not a string: the object or array that starts next.
    let mut pending: Option<&str> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c @ (b'{' | b'[') => {
                open.push((c, pending.take()));
                i += 1;
                continue;
            }
            b'}' | b']' => {
                open.pop();
                i += 1;
                continue;
            }
            b',' => {
                pending = None;
                i += 1;
                continue;
            }
            b'"' => {}
            _ => {
                i += 1;
                continue;
            }
        }
        let Some(end) = string_end(i) else { break };
        let key = &json[i + 1..end - 1];
        let colon = skip_space(end);
        i = end;
        if b.get(colon) != Some(&b':') {
            continue;
        }
        let value = skip_space(colon + 1);
        if b.get(value) != Some(&b'"') {
            pending = Some(key);
            continue;
        }
        let Some(value_end) = string_end(value) else { break };
        i = value_end;
        let Some(&key) = JSON_LD_TEXT.iter().chain(&["inLanguage"]).find(|k| **k == key) else { continue };
        let objects: Vec<Option<&str>> = open.iter().filter(|(c, _)| *c == b'{').map(|(_, k)| *k).collect();
        let own = objects.len() == 1
            || (objects.len() == 2 && open.iter().any(|(c, k)| *c == b'[' && *k == Some("@graph")));
        if key == "inLanguage" && !own {
            continue;
        }
        let raw = &json[value + 1..value_end - 1];
        let Ok(text) = serde_json::from_str::<String>(&json[value..value_end]) else { continue };
        let markup = text.contains('<') && text.contains('>') || text.contains('&') && text.contains(';');
        if !raw.is_empty() && !markup {
            out.push((value + 1..value_end - 1, key, text));
        }
    }
    out
}

impl Writer for TextWriter {
    fn text(&self, text: &str, _style: &str, out: &mut String) {
        escape_into(text, out, |_| None);
    }
}

impl Writer for DoubleQuoted {
    fn text(&self, text: &str, _style: &str, out: &mut String) {
        escape_into(text, out, |c| (c == '"').then_some("&quot;"));
    }
}

impl Writer for SingleQuoted {
    fn text(&self, text: &str, _style: &str, out: &mut String) {
        escape_into(text, out, |c| (c == '\'').then_some("&#39;"));
    }
}

impl Writer for Unquoted {
    fn text(&self, text: &str, _style: &str, out: &mut String) {
        escape_into(text, out, |c| match c {
            '"' => Some("&quot;"),
            '\'' => Some("&#39;"),
            '=' => Some("&#61;"),
            '`' => Some("&#96;"),
            ' ' => Some("&#32;"),
            '\t' => Some("&#9;"),
            '\n' => Some("&#10;"),
            '\r' => Some("&#13;"),
            '\x0c' => Some("&#12;"),
            _ => None,
        });
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn read(html: &str) -> Result<Document> {
        Html.read(&mut html.as_bytes(), Path::new("side.html"), &Segmenter::default(), &Default::default())
    }

    #[track_caller]
    fn segments(html: &str) -> Vec<String> {
        read(html).unwrap().segments.into_iter().map(|s| s.text).collect()
    }

    /// The page with every segment replaced by what `fill` gives for it.
    #[track_caller]
    fn render(html: &str, fill: impl Fn(&str) -> Option<String>) -> String {
        let doc = read(html).unwrap();
        String::from_utf8(doc.rebuild(|s| fill(&s.text).map(Cow::Owned)).unwrap()).unwrap()
    }

    #[test]
    fn the_attributes_html_names_translatable_are_text_and_a_fields_value_is_not() {
        let page = r#"<html lang="nb"><head><meta name="keywords" content="gård, fele"></head><body>
<form><input type="submit" value="Meld deg på"> <input type="text" value="Ola Nordmann">
<input type="RESET" value="Tøm skjemaet"><select><option label="Første valg">1</option></select></form>
<table><tr><th abbr="Temperatur">Temperaturen i dag</th></tr></table>
<p translate="no"><input type="button" value="Ikke dette"></p></body></html>"#;
        let got = segments(page);
        for text in
            ["gård, fele", "Meld deg på", "Tøm skjemaet", "Første valg", "Temperatur", "Temperaturen i dag"]
        {
            assert!(got.iter().any(|s| s == text), "{text} is not a segment: {got:?}");
        }
        for data in ["Ola Nordmann", "Ikke dette"] {
            assert!(!got.iter().any(|s| s.contains(data)), "{data} is a segment: {got:?}");
        }
        let english = render(page, |s| (s == "Meld deg på").then(|| "Sign up".to_string()));
        assert!(english.contains(r#"<input type="submit" value="Sign up">"#), "{english}");
    }

    #[track_caller]
    fn refusal(html: &str) -> String {
        read(html).unwrap_err().to_string()
    }

    const ARTICLE: &str = r#"<!DOCTYPE html>
<html lang="nb">
<head>
  <meta charset="utf-8">
  <title>Kundeservice &amp; kjærlighet</title>
  <meta name="description" content="Hva betyr kjærlighet?">
  <meta property="og:locale" content="nb_NO">
  <style>p { color: red; } /* Ikke tekst. */</style>
  <script>const s = "<p>Ikke tekst.</p>";</script>
</head>
<body>
  <!-- Ikke tekst. -->
  <h1>Kundeservice</h1>
  <p>Hun leder <strong>Lyse Dialog</strong>. Hva
     betyr <a href="https://lyse.no/?a=1&amp;b=2" title="Til Lyse">kjærlighet</a>?<br>
     Kjør <code>tolk build</code> nå.</p>
  <ul>
    <li>Ett punkt.
      <ul><li>Et underpunkt.</li></ul>
    </li>
  </ul>
  <table><tr><th>Navn</th><td>Trine <em>Vestre</em> Øen</td></tr></table>
  <img src="bilde.png" alt='Trine i "kundesenteret"'>
  <pre>Ikke tekst.</pre>
  <div>Direkte i en div.<p>Et avsnitt.</p>Etter avsnittet.</div>
</body>
</html>
"#;

    #[test]
    fn the_text_a_reader_sees_is_segmented_with_inline_tags_as_codes() {
        assert_eq!(
            segments(ARTICLE),
            [
                "Kundeservice & kjærlighet",
                "Hva betyr kjærlighet?",
                "Kundeservice",
                "Hun leder {1}Lyse Dialog{/1}.",
                "Hva betyr {1}kjærlighet{/1}?",
                "Kjør {1/} nå.",
                "Til Lyse",
                "Ett punkt.",
                "Et underpunkt.",
                "Navn",
                "Trine {1}Vestre{/1} Øen",
                "Trine i \"kundesenteret\"",
                "Direkte i en div.",
                "Et avsnitt.",
                "Etter avsnittet.",
            ]
        );
        let doc = read(ARTICLE).unwrap();
        let lines: Vec<usize> = doc.segments.iter().map(|s| s.location.line).collect();
        assert_eq!(lines, [5, 6, 13, 14, 14, 14, 15, 18, 19, 22, 22, 23, 25, 25, 25]);
    }

    #[test]
    fn a_page_given_back_unchanged_is_the_same_bytes() {
        let doc = read(ARTICLE).unwrap();
        assert_eq!(doc.rebuild(|_| None).unwrap(), ARTICLE.as_bytes());
        assert_eq!(doc.rebuild(|s| Some(Cow::Borrowed(&s.text))).unwrap(), ARTICLE.as_bytes());
    }

    #[test]
    fn a_translated_page_changes_only_translated_blocks_and_language_marks() {
        let english = |s: &str| {
            Some(
                match s {
                    "Kundeservice & kjærlighet" => "Customer service & love",
                    "Hun leder {1}Lyse Dialog{/1}." => "She leads {1}Lyse Dialog{/1}.",
                    "Hva betyr {1}kjærlighet{/1}?" => "What does {1}love{/1} <mean>?",
                    "Til Lyse" => "To \"Lyse\"",
                    "Kjør {1/} nå." => "Run {1/} now.",
                    "Trine i \"kundesenteret\"" => "Trine at the 'customer centre'",
                    _ => return None,
                }
                .to_string(),
            )
        };
        let out = render(ARTICLE, english);
        let expected = ARTICLE
            .replace(r#"lang="nb""#, r#"lang="en""#)
            .replace(r#"content="nb_NO""#, r#"content="en_GB""#)
            .replace("Kundeservice &amp; kjærlighet", "Customer service &amp; love")
            .replace(
                "Hun leder <strong>Lyse Dialog</strong>. Hva\n     betyr <a href=\"https://lyse.no/?a=1&amp;b=2\" \
                 title=\"Til Lyse\">kjærlighet</a>?<br>\n     Kjør <code>tolk build</code> nå.",
                "She leads <strong>Lyse Dialog</strong>. What does <a href=\"https://lyse.no/?a=1&amp;b=2\" \
                 title=\"To &quot;Lyse&quot;\">love</a> &lt;mean&gt;?<br>\n     Run <code>tolk build</code> now.",
            )
            .replace(r#"alt='Trine i "kundesenteret"'"#, r#"alt='Trine at the &#39;customer centre&#39;'"#);
        assert_eq!(out, expected);
    }

    /// A JSON-LD description's headline and description are text, its `inLanguage`
    /// a language mark; written back, as JSON that still parses, and nothing else of
    /// the script changes. Another script's JSON is no text.
    #[test]
    fn json_ld_headline_description_and_language_follow_the_edition() {
        let page = concat!(
            "<html lang=\"nb\"><head><script type=\"application/ld+json\">\n",
            r#"{"@context":"https://schema.org","@type":"NewsArticle","headline":"Jazzfest i Molde slår rekord","#,
            r#""description": "Over 100\u00a0000 kom \"i år\".","inLanguage":"nb-NO","author":{"name":"Kari"},"#,
            r#""mainEntity":{"@type":"Answer","text":"Ja, hvert år."},"#,
            r#""image":{"caption":""}}"#,
            "\n</script><script>var x = {\"headline\": \"Ikke tekst\"};</script></head>",
            "<body><p>Hei.</p></body></html>"
        );
        assert_eq!(
            segments(page),
            ["Jazzfest i Molde slår rekord", "Over 100\u{a0}000 kom \"i år\".", "Ja, hvert år.", "Hei."]
        );
        let out = render(page, |s| {
            Some(match s {
                "Jazzfest i Molde slår rekord" => "Molde jazz festival breaks a record".into(),
                "Hei." => "Hi.".into(),
                other => format!("«{other}» </script>\\"),
            })
        });
        let json = out.split("ld+json\">").nth(1).unwrap().split("</script>").next().unwrap();
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["headline"], "Molde jazz festival breaks a record");
        assert_eq!(value["description"], "«Over 100\u{a0}000 kom \"i år\".» </script>\\");
        assert_eq!(value["inLanguage"], "en-GB");
        assert_eq!(value["author"]["name"], "Kari");
        assert!(out.contains("var x = {\"headline\": \"Ikke tekst\"};"), "{out}");
        // A nested object's language is its own; markup in a value, and a description
        // the page keeps, stay as they are; an @graph member's language is the page's.
        let page = concat!(
            r#"<script type="application/ld+json">{"@graph":[{"@type":"Article","inLanguage":"nb","#,
            r#""video":{"@type":"VideoObject","inLanguage":"nb","description":"<p>Se her.</p>"}}]}</script>"#,
            r#"<div translate="no"><script type="application/ld+json">{"inLanguage":"nb","headline":"Behold."}</script></div>"#,
            "<p>Hei.</p>"
        );
        assert_eq!(segments(page), ["Hei."]);
        let out = render(page, |_| Some("Hi.".into()));
        assert_eq!(out.matches(r#""inLanguage":"en""#).count(), 1, "{out}");
        assert!(out.contains(r#""video":{"@type":"VideoObject","inLanguage":"nb""#), "{out}");
        assert!(out.contains(r#"{"inLanguage":"nb","headline":"Behold."}"#), "{out}");
        // Given back unchanged, the page is the same bytes.
        assert_eq!(render(page, |_| None), page);
    }

    #[test]
    fn references_are_decoded_and_white_space_collapsed() {
        assert_eq!(
            segments("<p>\n  Fisk &amp;\n\t chips&nbsp;er  &#8220;godt&#x201D;\n</p>"),
            ["Fisk & chips\u{a0}er \u{201c}godt\u{201d}"]
        );
        // Across tags: one space, where the browser shows it.
        assert_eq!(segments("<p>Én <b> to</b> <i>tre </i>fire.</p>"), ["Én {1}to{/1} {2}tre {/2}fire."]);
        // A line break parts the words either side, and a sentence that ends before it
        // does not take it.
        assert_eq!(segments("<p>En.<br>To<br/>tre.</p>"), ["En.", "To {1/}tre."]);
    }

    /// Regression (a new-user trial): `ler.<br>\nVi` was written `ler. <br>Vi`, the
    /// space the sentence needs before a line break written as text and the line end
    /// after it lost. A translated paragraph's breaks keep the white space around them
    /// as the page has it.
    #[test]
    fn a_line_break_keeps_the_white_space_around_it() {
        let html = "<p>Hun ler.<br>\nVi ler. Han sa <b>hei</b> <br> og gikk.<br>\n<br>\n  Slutt.</p>";
        assert_eq!(segments(html), ["Hun ler.", "Vi ler.", "Han sa {1}hei{/1} {2/}og gikk.", "Slutt."]);
        let out = render(html, |s| Some(s.to_uppercase()));
        assert_eq!(out, "<p>HUN LER.<br>\nVI LER. HAN SA <b>HEI</b> <br> OG GIKK.<br>\n<br>\n  SLUTT.</p>");
    }

    #[test]
    fn a_placeholder_written_in_the_page_is_text() {
        let html = "<p>Skriv {1} og {/2} her.</p>";
        assert_eq!(segments(html), ["Skriv {1/} og {2/} her."]);
        let out = render(html, |s| Some(s.replace("Skriv", "Write").replace("her", "here")));
        assert_eq!(out, "<p>Write {1} og {/2} here.</p>");
    }

    #[test]
    fn what_is_not_text_is_never_in_a_segment() {
        let html = r#"<p>Kjør <kbd>Ctrl+S</kbd> og <var>x</var>.</p>
<template><p>Mal.</p></template>
<p>Ikon <svg aria-label="Hus"><title>Hus</title><path d="M0 0"/></svg> her.</p>
<textarea placeholder="Skriv her">Standardtekst.</textarea>
<noscript><p>Slå på skript.</p></noscript>
<p>Et <!-- notat --> ord.</p>
<p><code>FJK-2017</code></p>"#;
        assert_eq!(
            segments(html),
            ["Kjør {1/} og {2/}.", "Ikon {1/} her.", "Hus", "Skriv her", "Et {1/} ord."]
        );
    }

    #[test]
    fn svg_and_math_are_foreign_content_until_they_close() {
        // There a CDATA section is one, and `title` an ordinary element; after the `svg`
        // (which closes the `math` left open in it) a `title` holds raw text again.
        let html = "<p>Før <svg><title>Hus</title><![CDATA[</svg>]]><math></svg> etter.</p>\
                    <title>A &amp; <b></title>";
        assert_eq!(segments(html), ["Før {1/} etter.", "A & <b>"]);
    }

    #[test]
    fn attribute_values_are_written_with_the_quotes_they_have() {
        let html = r#"<img alt="To ord"><img alt='To ord'><img alt=To&#32;ord><input placeholder="  Søk ">"#;
        assert_eq!(segments(html), ["To ord", "To ord", "To ord", "Søk"]);
        // References at either end of a value are inside its bytes.
        let html = r#"<img title="&laquo;Hei&raquo;" alt=&lt;x&gt;>"#;
        assert_eq!(segments(html), ["«Hei»", "<x>"]);
        let out = render(html, |s| Some(s.replace('x', "y z").replace("Hei", "Hi")));
        assert_eq!(out, r#"<img title="«Hi»" alt=&lt;y&#32;z&gt;>"#);
        let html = r#"<img alt="To ord"><img alt='To ord'><img alt=To&#32;ord><input placeholder="  Søk ">"#;
        let out =
            render(html, |s| Some(if s == "Søk" { "Search".into() } else { r#"It's "two" = <2>`"#.into() }));
        assert_eq!(
            out,
            r#"<img alt="It's &quot;two&quot; = &lt;2&gt;`"><img alt='It&#39;s "two" = &lt;2&gt;`'><img alt=It&#39;s&#32;&quot;two&quot;&#32;&#61;&#32;&lt;2&gt;&#96;><input placeholder="  Search ">"#
        );
    }

    #[test]
    fn language_marks_become_the_editions_language_only_when_translated() {
        let html = r#"<html lang="nb-NO" xml:lang="nn"><head>
<meta http-equiv="Content-Language" content="no"><meta property="og:locale" content="nb_NO">
<meta property="og:locale:alternate" content="en_US"></head>
<body><p lang="en">Hei.</p><p lang=nb>Ja.</p><p lang="de">Ja.</p><p>Nei <i lang="en">fine</i>.</p></body></html>"#;
        assert_eq!(render(html, |_| None), html);
        // The default, `en`: a region only where the page gave one. The English and
        // German paragraphs are no Norwegian to translate: kept as they are, marks and
        // all; an English phrase in a Norwegian sentence is translated with it.
        let translated = |html: &str| {
            html.replacen("Ja.", "Ja.!", 1).replace("Nei <i", "Nei! <i").replace("</i>.", "</i>.!")
        };
        assert_eq!(
            render(html, |s| Some(format!("{s}!").replacen(' ', "! ", 1))),
            translated(html)
                .replace("nb-NO", "en-GB")
                .replace(r#""nn""#, r#""en""#)
                .replace(r#""no""#, r#""en""#)
                .replace("nb_NO", "en_GB")
                .replace("lang=nb", "lang=en")
        );
        // `en-US`: every Norwegian and English mark of translated text says US English;
        // German stays.
        let read = crate::document::ReadOptions {
            edition: EditionLanguage::parse("en-US").unwrap(),
            ..Default::default()
        };
        let doc =
            Html.read(&mut html.as_bytes(), Path::new("side.html"), &Segmenter::default(), &read).unwrap();
        let out = String::from_utf8(
            doc.rebuild(|s| Some(Cow::Owned(format!("{}!", s.text).replacen(' ', "! ", 1)))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            out,
            translated(html)
                .replace("nb-NO", "en-US")
                .replace(r#""nn""#, r#""en-US""#)
                .replace(r#""no""#, r#""en-US""#)
                .replace("nb_NO", "en_US")
                .replace("lang=nb", "lang=en-US")
                .replace(r#"<i lang="en">"#, r#"<i lang="en-US">"#)
        );
    }

    #[test]
    fn what_the_page_says_is_not_to_be_translated_is_kept_as_it_is() {
        let html = r#"<html lang="en"><body>
<p>Først.</p>
<blockquote lang="en"><p>An English quote. <b title="Tittel">Bold</b> <img alt="Et bilde"></p>
<div lang="nb"><p>Norsk inni.</p></div><p>Still English.</blockquote>
<p lang="de">Deutsch.<p>Norsk igjen.
<ul><li lang="sv">Svenska.<ul><li>Svensk inni.</ul><li>Norsk punkt.</ul>
<ul><li translate="no">Behold.<li>Oversett.</ul>
<table><tr><td class="notranslate x">Navn<td>Celle.<tr><td lang=da>Dansk<td>Rad.</table>
<div translate="no" title="Behold tittel">Tekst.<p translate="yes">Oversett dette.</p></div>
<p>Les <span translate="no">Dagens <b>Næringsliv</b></span> i dag. <span lang="en">Not kept.</span></p>
<p><img lang="en" alt="An English caption"><img alt="Et bilde"></p>
<section lang="und"><p>Ukjent språk.</p></section>
<div lang="fr"><p>Un. <p>Deux.</div><p>Etter.</p>
</body></html>"#;
        assert_eq!(render(html, |_| None), html);
        assert_eq!(
            segments(html),
            [
                "Først.",
                "Norsk inni.",
                "Norsk igjen.",
                "Norsk punkt.",
                "Oversett.",
                "Celle.",
                "Rad.",
                "Oversett dette.",
                "Les {1/} i dag.",
                "Not kept.",
                "Et bilde",
                "Ukjent språk.",
                "Etter.",
            ]
        );
        let out = render(html, |s| Some(s.to_uppercase()));
        for kept in [
            "An English quote.",
            r#"title="Tittel""#,
            r#"alt="Et bilde""#,
            "Still English.",
            "Deutsch.",
            "Svenska.",
            "Svensk inni.",
            "Behold.",
            "Navn",
            "Dansk",
            r#"title="Behold tittel">Tekst."#,
            "<span translate=\"no\">Dagens <b>Næringsliv</b></span>",
            "Un. <p>Deux.",
            r#"alt="An English caption""#,
        ] {
            assert!(out.contains(kept), "{kept} in {out}");
        }
        assert!(out.contains("<p>ETTER.</p>") && out.contains("<p>NORSK IGJEN."), "{out}");
        assert!(out.contains(r#"<div lang="en"><p>NORSK INNI.</p>"#), "{out}");
    }

    #[test]
    fn what_is_kept_ends_where_a_browser_ends_its_element() {
        // Each page: a part in another language, then Norwegian a browser shows outside it.
        let pages = [
            // A void element opens nothing.
            r#"<hr class="notranslate"><hr lang="en"><p>Etter.</p>"#,
            // A table's rows and cells left open inside an item; then the next item.
            r#"<ul><li lang="en">English.<table><tr><td>x<tr><td>y</table><li>Etter.</ul>"#,
            // An element left open in a cell or an item ends with it.
            r#"<table><tr><td><div lang="en">English.</td><td>Etter.</td></tr></table>"#,
            r#"<ul><li><div lang="en">English.</li><li>Etter.</li></ul>"#,
            // A paragraph left open ends at the next block; an item at the next item.
            r#"<p lang="en">English.<div>Etter.</div>"#,
            r#"<ol><li lang="de">Deutsch.<p>Auch.<li>Etter.</ol>"#,
            r#"<dl><dt lang="en">Term.<dd>Etter.</dl>"#,
            // What a paragraph may hold stays in it.
            r#"<p lang="en">Pick <select><option>First</option></select> of these. <legend>Here</legend></p><p>Etter.</p>"#,
            // An end tag of what is not open there is ignored, as a browser does.
            r#"<div lang="en"><table><tr><td>English.</div>Also.</td></tr></table>More.</div><p>Etter.</p>"#,
        ];
        for page in pages {
            assert_eq!(segments(page), ["Etter."], "{page}");
            assert_eq!(render(page, |_| None), page);
        }
        assert_eq!(segments(r#"<p>Før.</p><hr class="notranslate"><p>Etter.</p>"#), ["Før.", "Etter."]);
    }

    #[test]
    fn nested_lists_and_tables_are_blocks_of_their_own() {
        let html =
            "<ul><li>Først <b>fet</b>\n<ol><li>Inni.<li>Også inni.</ol>\nog etter.</li><li>Sist.</ul>\n\
                    <table><tr><td>A<table><tr><td>B</td></tr></table>C</td></tr></table>";
        assert_eq!(
            segments(html),
            ["Først {1}fet{/1}", "Inni.", "Også inni.", "og etter.", "Sist.", "A", "B", "C"]
        );
        let out = render(html, |s| Some(s.to_uppercase()));
        assert_eq!(
            out,
            "<ul><li>FØRST <b>FET</b>\n<ol><li>INNI.<li>OGSÅ INNI.</ol>\nOG ETTER.</li><li>SIST.</ul>\n\
             <table><tr><td>A<table><tr><td>B</td></tr></table>C</td></tr></table>"
        );
    }

    #[test]
    fn pairs_without_their_end_tag_are_closed_where_the_block_ends() {
        let html = "<p><b>Fet <i>kursiv</b> tekst</i> her.<p><em>Åpen";
        assert_eq!(segments(html), ["{1}Fet {2}kursiv{/2}{/1} tekst{3/} her.", "Åpen"]);
        let out = render(html, |s| Some(s.replace("Fet", "Bold").replace("Åpen", "Open")));
        assert_eq!(out, "<p><b>Bold <i>kursiv</i></b> tekst</i> her.<p><em>Open</em>");
    }

    #[test]
    fn a_byte_order_mark_and_crlf_are_kept() {
        let html = "\u{feff}<!doctype html>\r\n<p>Hei\r\npå deg.</p>\r\n";
        assert_eq!(segments(html), ["Hei på deg."]);
        assert_eq!(render(html, |_| None), html);
        assert_eq!(
            render(html, |_| Some("Hi there.".into())),
            "\u{feff}<!doctype html>\r\n<p>Hi there.</p>\r\n"
        );
    }

    #[test]
    fn pages_are_claimed_by_extension_or_by_how_they_start() {
        let claims = |name: &str, head: &[u8]| Html.claims(Path::new(name), head);
        assert!(claims("a.html", b""));
        assert!(claims("a.HTM", b"Hei"));
        assert!(claims("a.XHTML", b""));
        assert!(claims("side", b"\xef\xbb\xbf\n <!DOCTYPE HTML>"));
        assert!(claims("side.php", b"<html lang=nb>"));
        assert!(!claims("side", b"<htmlx>"));
        assert!(!claims("a.md", b"<!doctype html>"));
        assert!(!claims("a.txt", b"<html>"));
        assert!(!claims("side", b"Hei <html>"));
        assert!(!claims("side.html", b"%PDF-1.7"));
    }

    #[test]
    fn a_page_in_another_encoding_is_refused_with_what_it_declares() {
        let latin1 = b"<html><head><meta charset=\"iso-8859-1\"></head><p>Bl\xe5b\xe6r.</p>";
        let err = Html
            .read(&mut &latin1[..], Path::new("side.html"), &Segmenter::default(), &Default::default())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "side.html: line 1 (byte 18): the page declares its encoding as iso-8859-1; tolk reads HTML pages in \
             UTF-8 only: save the page as UTF-8 and declare it with <meta charset=\"utf-8\">"
        );
        // Valid UTF-8 that declares another encoding would be shown as that encoding.
        for html in [
            "<meta http-equiv=\"content-type\" content=\"text/html; charset=windows-1252\"><p>Hei.</p>",
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><html><p>Hei.</p></html>",
            "<p>Hei.</p>\n<meta charset=latin1>",
        ] {
            assert!(refusal(html).contains("declares its encoding as"), "{html}");
        }
        for html in ["<meta charset=UTF-8><p>Hei.</p>", "<meta charset=\"ukjent\"><p>Hei.</p>"] {
            assert_eq!(segments(html), ["Hei."]);
        }
    }

    #[test]
    fn a_page_that_ends_inside_a_comment_tag_or_script_is_refused() {
        assert_eq!(
            refusal("<p>Hei.</p>\n<!-- glemt\n<p>Resten.</p>"),
            "side.html: line 2 (byte 12): a comment (`<!--`) is never closed with `-->`: a browser hides the rest \
             of the page in it; close it"
        );
        assert_eq!(
            refusal("<p>Hei.</p>\n<p class=\"x"),
            "side.html: line 2 (byte 12): the page ends inside a tag; close the tag with `>`"
        );
        assert_eq!(
            refusal("<p>Hei.</p>\n\n<script>let a = 1;\n<p>Resten.</p>"),
            "side.html: line 3 (byte 13): `<script>` is never closed: a browser takes the rest of the page as its \
             content; close it with `</script>`"
        );
        assert!(refusal("<p>Hei <code>kode").contains("`<code>` is never closed"));
        assert!(refusal("<svg><p>Hei.</p>").contains("`<svg>` is never closed"));
        assert!(refusal("<title>Hei").contains("`<title>` is never closed"));
        // A `code` left open ends where its paragraph does.
        assert_eq!(
            segments("<p>Kjør <code>x</code> nå <code>y</p><p>Neste.</p>"),
            ["Kjør {1/} nå", "Neste."]
        );
    }

    #[test]
    fn hostile_pages_are_refused_or_read_in_one_pass() {
        // Thousands of attributes would overflow the tokenizer's stack.
        for attribute in ["a=\"1\" ", "a='1' ", "a=1 ", "a "] {
            let html = format!("<p>Hei.</p>\n<img {}>", attribute.repeat(200_000));
            assert_eq!(
                refusal(&html),
                "side.html: line 2 (byte 12): a tag with more than 256 attributes, more than any page needs; \
                 remove the extra attributes",
            );
            let end = format!("<p>Hei.</p></p {}>", attribute.repeat(200_000));
            assert!(refusal(&end).contains("more than 256 attributes"));
        }
        let ok = format!("<img {}alt=Ja>", "a=1 ".repeat(255));
        assert_eq!(segments(&ok), ["Ja"]);
        assert_eq!(
            refusal(&format!("<p>{}Dypt.", "<b>".repeat(300))),
            "side.html: line 1 (byte 771): inline elements nest more than 256 deep in one paragraph; close them \
             where they end"
        );
        // Deep block nesting, stray end tags, long references: nothing builds up.
        let started = std::time::Instant::now();
        let deep = format!("{}<p>Dypt.</p>{}", "<div>".repeat(200_000), "</div>".repeat(200_000));
        assert_eq!(segments(&deep), ["Dypt."]);
        let stray = format!("<p>{}<i>Hei.</i>{}</p>", "<b>".repeat(255), "</x>".repeat(200_000));
        assert_eq!(read(&stray).unwrap().segments.len(), 1);
        let reference = format!("<p>Hei &{}</p>", "a".repeat(1_000_000));
        assert_eq!(read(&reference).unwrap().segments.len(), 1);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        // A paragraph longer than a line may be.
        let long = format!("<p>{}</p>", "ord ".repeat(300_000));
        assert!(refusal(&long).contains("the paragraph at line 1 is larger than the limit"));
    }

    /// Pieces of pages: text with references, inline pairs, lone markup, blocks.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-zA-ZæøåÆØÅ0-9 .,!?«»–\n]{1,30}",
            1 => Just("&amp;".to_string()),
            1 => Just("&nbsp;".to_string()),
            1 => Just("&#8211; ".to_string()),
            1 => Just("&lt;".to_string()),
            1 => Just("{1}".to_string()),
            2 => Just("<b>".to_string()),
            2 => Just("</b>".to_string()),
            1 => Just("<em class=x>".to_string()),
            1 => Just("</em>".to_string()),
            1 => Just("<a href='/?a=1&amp;b=2' title=\"Lenke &amp; § mer\">".to_string()),
            1 => Just("</a>".to_string()),
            1 => Just("<br>".to_string()),
            1 => Just("<img src=x alt='Et \"§\" bilde'>".to_string()),
            1 => Just("<img alt=Ett§>".to_string()),
            1 => Just("<code>a &lt; b</code>".to_string()),
            1 => Just("<!-- notat -->".to_string()),
            1 => Just("<script>if (a < b) {}</script>".to_string()),
            2 => Just("<p>".to_string()),
            1 => Just("</p>".to_string()),
            1 => Just("<li>".to_string()),
            1 => Just("<ul>".to_string()),
            1 => Just("</ul>".to_string()),
            1 => Just("<td>".to_string()),
            1 => Just("<h2 lang=nb>".to_string()),
            1 => Just("</h2>".to_string()),
            1 => Just("<title>Tittel &amp; mer</title>".to_string()),
            // What is kept as it is, and where it ends.
            1 => Just("<div lang=de>".to_string()),
            1 => Just("<div translate=no>".to_string()),
            1 => Just("<div>".to_string()),
            1 => Just("</div>".to_string()),
            1 => Just("<li lang=sv>".to_string()),
            1 => Just("<p class=notranslate>".to_string()),
            1 => Just("<span translate=no>Dagens <b>N</b></span>".to_string()),
            1 => Just("<table><tr>".to_string()),
            1 => Just("</table>".to_string()),
            1 => Just("<hr lang=en>".to_string()),
        ]
    }

    fn page() -> impl Strategy<Value = String> {
        (any::<bool>(), prop::collection::vec(piece(), 0..40)).prop_map(|(doctype, pieces)| {
            let head = if doctype { "<!DOCTYPE html>\n<html lang=\"nb\">\n" } else { "" };
            format!("{head}{}", pieces.concat())
        })
    }

    /// Letters swapped for others, so that a translation changes every block.
    fn shift(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                'a'..='y' | 'A'..='Y' => char::from(c as u8 + 1),
                'z' => 'a',
                'Z' => 'A',
                c => c,
            })
            .collect()
    }

    /// The letters and digits of `text`: what must come back, whichever segments the
    /// punctuation between them ends up in (a dash alone is no segment, but after a
    /// translation ending in an abbreviation it joins the sentence).
    fn words(text: &str) -> String {
        inline::strip(text).chars().filter(|c| c.is_alphanumeric()).collect()
    }

    proptest! {
        #[test]
        fn generated_pages_rebuild_byte_for_byte_with_balanced_segments(html in page()) {
            let doc = read(&html).unwrap();
            prop_assert_eq!(doc.rebuild(|_| None).unwrap(), html.as_bytes());
            prop_assert_eq!(doc.rebuild(|s| Some(Cow::Borrowed(&s.text))).unwrap(), html.as_bytes());
            for s in &doc.segments {
                prop_assert_eq!(inline::check(&s.text, &s.text), Ok(()), "{:?}", s.text);
                prop_assert!(!s.text.contains('\n'), "{:?}", s.text);
            }
        }

        /// Whatever the bytes, a page is read or refused, never a panic, and a page read
        /// is given back byte for byte.
        #[test]
        fn any_markup_is_read_or_refused(html in "(<|>|</|<!--|-->|<!|<\\?|=|\"|'|&|;|#|x|[a-z]{1,3}|\\s|script|style|code|svg|title|template|br|p|b|li|img alt|\\{1\\}|&amp;|&#8211;|\\]\\]>|<!\\[CDATA\\[|/>)*") {
            if let Ok(doc) = read(&html) {
                prop_assert_eq!(doc.rebuild(|_| None).unwrap(), html.as_bytes());
                let out = doc.rebuild(|s| Some(Cow::Owned(shift(&s.text)))).unwrap();
                prop_assert!(std::str::from_utf8(&out).is_ok());
            }
        }

        /// A translated page reads back as its translation: the writer escapes what it
        /// must and every code's markup is whole.
        #[test]
        fn translated_pages_read_back_as_their_translation(html in page()) {
            let doc = read(&html).unwrap();
            let out = doc.rebuild(|s| Some(Cow::Owned(shift(&s.text)))).unwrap();
            // Read back as a source: a paragraph marked English would be kept as it is.
            let out = String::from_utf8(out).unwrap().replace("lang=en", "lang=nb").into_bytes();
            let again = read(std::str::from_utf8(&out).unwrap()).unwrap();
            // The attributes (with a §) of a pair that spans sentences are written
            // with each sentence's copy of its start tag: compared as a set.
            let text = |texts: Vec<String>| -> (String, BTreeSet<String>) {
                let (attributes, text): (Vec<String>, Vec<String>) = texts.into_iter().partition(|t| t.contains('§'));
                (text.iter().map(|t| words(t)).collect(), attributes.into_iter().collect())
            };
            let want = text(doc.segments.iter().map(|s| shift(&s.text)).collect());
            let got = text(again.segments.iter().map(|s| s.text.clone()).collect());
            prop_assert_eq!(got, want, "{}", String::from_utf8_lossy(&out));
        }
    }
}
