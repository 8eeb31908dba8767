//! Documents with markup (Markdown, HTML, Word, LibreOffice): the format-independent
//! half of reading and writing them.
//!
//! A format reads its file into [`Part`]s (the file itself, or each XML entry of a zip
//! package) and finds in each part the [`Block`]s that hold text: a paragraph, a
//! heading, a table cell, an attribute a reader sees. For each block it gives the
//! block's text with its inline formatting as codes (`{1}…{/1}`, `{2/}`, see
//! [`super::inline`]), and for every code the markup it stands for, as bytes of the
//! part or as text. This module does the rest, the same way for every format: it cuts
//! each block into sentences ([`inline::sentences`]), keeps each as the memory does
//! ([`inline::localize`]), and writes the document back. A sentence without a letter
//! (a year alone in a table cell, a price) is not text to translate: it stays as it is,
//! but for one that is a single number with a decimal comma (`12,5`, `-4,5 %`), which
//! an edition writes as English does (`12.5`), as a CAT tool localises a number-only
//! segment.
//!
//! Writing back is lossless by construction: a block none of whose sentences changed
//! is copied byte for byte (with the blocks nested in it, such as a footnote inside a
//! paragraph, written the same way), and so is everything between blocks. A block with
//! a changed sentence is written again from its codes: its text through the format's
//! [`Writer`], each code as its markup. The language marks a format records (an
//! `xml:lang`, a `w:lang`) are set to English only when some text was translated, so
//! an edition with every sentence given back unchanged is the file itself.
//!
//! A format may mark a block as a copy of text it holds elsewhere too (a Word text
//! box's VML fallback): a sentence of it the same as a segment before it is no segment
//! of its own, so analyses, batches and status count it once, and the edition writes
//! that segment's translation in both places.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use super::inline::{self, Code, Local, Piece};
use super::{Location, Segment};
use crate::segment::Segmenter;
use crate::text::SegmentId;

/// How a format writes text (not codes) into a block it writes again.
pub trait Writer: Sync + fmt::Debug {
    /// Writes `text` (no codes) to `out`, escaped for the place the block stands,
    /// with `style` the [`Markup::style`] of the innermost open code that has one, or
    /// the block's [`Block::style`].
    fn text(&self, text: &str, style: &str, out: &mut String);
}

/// What a code stands for: the markup that opens it (for a lone code, all of it) and
/// the markup that closes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markup {
    /// The markup where the code opens, or the whole of a lone code.
    pub open: Raw,
    /// The markup where a pair closes (nothing for a lone code).
    pub close: Raw,
    /// For a pair, how the text inside it is written, if the code decides that (a Word
    /// run's properties); given to [`Writer::text`].
    pub style: Option<String>,
    /// For a pair, whether its markup may stand only once in the block: a named range
    /// (a bookmark's start and end, a reference mark, a form field), which a second copy
    /// would break. A translation whose sentences split the pair (it runs across a
    /// sentence boundary) and whose seams are not joined again has it opened at its
    /// first opening and closed at its last closing, around all of it.
    pub once: bool,
    /// For a lone code that is a line break (Markdown's hard break, HTML's `<br>`):
    /// whether the space before it in the block's text stands for no text of the
    /// source but for the break itself, which a sentence needs between its words
    /// (`Med skråstrek {1/}fortsetter den.`). Its markup is then the break with the
    /// white space around it as the source has it, and a space written right before
    /// it is taken back, so the break keeps its bytes.
    pub spaced: bool,
    /// For a lone code, whether it is layout (a tab, a line break, a field, an image, a
    /// comment's anchor), not part of the words before it as a footnote reference is:
    /// after a paragraph's last words it stays outside the last sentence, whatever
    /// markup (a run, a link) it shares with them, so a tab or a page number there
    /// never makes a segment's tags.
    pub layout: bool,
    /// What the format can say of the code beside its markup, for a batch's tags
    /// column: a stretch of formatting named against the text around it (`bold`, `not
    /// bold`), which its markup alone does not tell.
    pub what: Option<String>,
}

/// A code's markup, as [`Marked::tags_described`] gives it to be described.
#[derive(Debug, Clone, Copy)]
pub struct Tag<'a> {
    /// The markup where it opens, or the whole of a lone code.
    pub open: &'a str,
    /// For a pair, the markup where it closes.
    pub close: Option<&'a str>,
    /// For a pair, how the text inside it is written (a Word run's properties).
    pub style: Option<&'a str>,
}

/// Some markup: bytes of the part, or text made by the format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Raw {
    /// Nothing.
    #[default]
    None,
    /// These bytes of the part, with any block or language mark inside them written as
    /// everywhere else.
    Range(Range<usize>),
    /// This text.
    Text(String),
}

/// A piece of a part that holds text.
#[derive(Debug, Clone)]
pub struct Block {
    /// The bytes of the part the block is; written again when a sentence changed.
    pub range: Range<usize>,
    /// Its text with codes numbered from 1 in the order they open, on one line (a
    /// format turns a soft line break into a space).
    pub paragraph: String,
    /// The markup of each code: `codes[n - 1]` for code `n`.
    pub codes: Vec<Markup>,
    /// The style of text outside every styled code (see [`Writer::text`]).
    pub style: String,
    /// How the block's text is written.
    pub writer: &'static dyn Writer,
    /// The line (or for a zip package, the paragraph) where the block starts, 1-based,
    /// shown to users as its place.
    pub line: usize,
    /// The line breaks the format read as spaces (Markdown's soft breaks), each as the
    /// place of its space in `paragraph` and the bytes of the part it stands for (the
    /// line's end and what starts the next line: indentation, a quote's `>`). One
    /// between two sentences is written as those bytes, so a paragraph of one reply a
    /// line keeps its lines; one inside a sentence stays a space.
    pub breaks: Vec<(usize, Range<usize>)>,
    /// Whether every line break of the block's bytes is in `breaks` or in its codes'
    /// markup (Markdown's), so each sentence is placed on the line it starts on; else
    /// on the block's.
    pub lines: bool,
    /// Whether the block is a copy the format keeps of text it also holds elsewhere (a
    /// Word text box's VML fallback, a picture's second description): a sentence the
    /// same as a segment read before it is no segment of its own, so it is counted and
    /// offered once, and it is written with that segment's translation.
    pub copy: bool,
    sentences: Vec<Sentence>,
}

impl Block {
    /// A block with no sentences yet.
    pub fn new(
        range: Range<usize>,
        paragraph: String,
        codes: Vec<Markup>,
        writer: &'static dyn Writer,
        line: usize,
    ) -> Block {
        Block {
            range,
            paragraph,
            codes,
            style: String::new(),
            writer,
            line,
            breaks: Vec::new(),
            lines: false,
            copy: false,
            sentences: Vec::new(),
        }
    }
}

/// A sentence of a block.
#[derive(Debug, Clone)]
struct Sentence {
    /// Where it stands in the block's paragraph.
    range: Range<usize>,
    /// The pairs open at its start and end, outermost first.
    before: Vec<u32>,
    after: Vec<u32>,
    /// The sentence as the memory keeps it, and how to put it back.
    local: Local,
    /// What it is written as in an edition.
    fill: Fill,
    /// Whether it copies a segment read before it ([`Block::copy`]): written with that
    /// segment's translation, and no segment itself.
    copy: bool,
}

/// What a sentence is written as in an edition.
#[derive(Debug, Clone)]
enum Fill {
    /// The translation of the segment of this index among the document's.
    Segment(usize),
    /// A sentence that is one number, as an edition writes it ([`localised`]): no
    /// segment, and written so whenever a translation is.
    Number(String),
}

/// A sentence without a letter (the memory's form, `text`) that is one number with a
/// decimal comma, with at most signs, percent and degree marks, brackets and
/// punctuation around it and formatting codes anywhere but inside it, as an English
/// edition writes it (`12,5 %` → `12.5 %`, `1 000,25` → `1,000.25`). `None` for
/// anything else: a whole number (`2024`, `1 000`, which English may group with spaces
/// too, an organisation number `923 609 016`, a price `1 500,-`, `1.500`), two numbers
/// or more (a range, a phone number, a date in digits): which reading is meant is a
/// guess.
fn localised(text: &str) -> Option<String> {
    let around = |t: &str| t.chars().all(|c| c.is_whitespace() || "%‰°+-−–()[].,:;".contains(c));
    let mut out = String::with_capacity(text.len() + 2);
    let mut count = 0;
    for piece in inline::pieces(text) {
        let t = match piece {
            Piece::Text(t) => t,
            Piece::Code(_, raw) => {
                out.push_str(raw);
                continue;
            }
        };
        let mut at = 0;
        for n in crate::numbers::find(t) {
            if n.kind != crate::numbers::Kind::Plain || !around(&t[at..n.range.start]) {
                return None;
            }
            let norwegian = &t[n.range.clone()];
            // A decimal comma (never the one of a price's `,-`), which English writes as
            // a point: the number always changes.
            let decimal = (norwegian.rsplit_once(','))
                .is_some_and(|(_, d)| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            if !decimal {
                return None;
            }
            out.push_str(&t[at..n.range.start]);
            out.push_str(&crate::numbers::english(norwegian, n.kind));
            at = n.range.end;
            count += 1;
        }
        if !around(&t[at..]) {
            return None;
        }
        out.push_str(&t[at..]);
    }
    (count == 1).then_some(out)
}

/// One text of a document: a whole file, or an XML entry of a zip package.
#[derive(Debug, Clone)]
pub struct Part {
    /// Its name in the package (empty for a file that is not a package).
    pub name: String,
    /// Its text.
    pub text: String,
    /// The blocks, ordered by where they start; a block may lie inside the markup of
    /// a code of another (a footnote inside a paragraph), never across one.
    pub blocks: Vec<Block>,
    /// The language marks: bytes of the text replaced by the given English value when
    /// a translation is written, in order, inside no block's paragraph text.
    pub lang: Vec<(Range<usize>, String)>,
    /// What an edition writes as the file stored it though a reader sees it as words:
    /// the result of a field the word processor computes only when told to (a Word
    /// document's title in a `TITLE` field), each with its line and what it is.
    pub stored: Vec<(usize, String)>,
}

impl Part {
    /// A part with no blocks or language marks yet.
    pub fn new(name: impl Into<String>, text: String) -> Part {
        Part { name: name.into(), text, blocks: Vec::new(), lang: Vec::new(), stored: Vec::new() }
    }
}

/// A document with markup: its parts, cut into sentences.
#[derive(Debug, Clone)]
pub struct Marked {
    /// The parts, in reading order.
    pub parts: Vec<Part>,
}

impl Marked {
    /// Cuts every block into sentences with `segmenter`, and returns the segments
    /// in document order.
    pub fn segment(&mut self, segmenter: &Segmenter) -> Vec<Segment> {
        let mut segments = Vec::new();
        // The first segment of each text, for the sentences of a copy: kept only in a
        // document that has copies.
        let copies = self.parts.iter().any(|p| p.blocks.iter().any(|b| b.copy));
        let mut first: HashMap<String, usize> = HashMap::new();
        for part in &mut self.parts {
            part.blocks.sort_by_key(|b| (b.range.start, std::cmp::Reverse(b.range.end)));
            // Two blocks of the same bytes would each write the other.
            part.blocks.dedup_by(|b, a| a.range == b.range);
            let text = &part.text;
            for block in &mut part.blocks {
                flatten(block);
                block.sentences.clear();
                let mut found = inline::sentences(segmenter, &block.paragraph);
                if let Some(last) = found.last_mut() {
                    let codes = &block.codes;
                    let layout = |n: u32| codes.get(n as usize - 1).is_some_and(|m| m.layout);
                    inline::leave_layout(&block.paragraph, last, layout);
                }
                // A sentence without a letter (a year, a price, a table's figures), or
                // only a web or e-mail address, is not text to translate: it stays as it
                // is, or, one number, is localised.
                let (mut on_line, mut i) = (block.line, 0);
                for s in found {
                    let local = inline::localize(&s.text);
                    if !crate::text::has_words(&inline::strip(&s.text)) {
                        if let Some(english) = localised(&local.text) {
                            block.sentences.push(Sentence {
                                range: s.range,
                                before: s.before,
                                after: s.after,
                                local,
                                fill: Fill::Number(english),
                                copy: false,
                            });
                        }
                        continue;
                    }
                    if let Some(&j) = first.get(&local.text).filter(|_| block.copy) {
                        block.sentences.push(Sentence {
                            range: s.range,
                            before: s.before,
                            after: s.after,
                            local,
                            fill: Fill::Segment(j),
                            copy: true,
                        });
                        continue;
                    }
                    if copies {
                        first.entry(local.text.clone()).or_insert(segments.len());
                    }
                    // The line it starts on, numbered among the sentences of that line.
                    let line = match block.lines {
                        true => block.line + lines_before(text, block, s.range.start),
                        false => block.line,
                    };
                    if line != on_line {
                        (on_line, i) = (line, 0);
                    }
                    i += 1;
                    segments.push(Segment {
                        id: SegmentId::of(&local.text),
                        text: local.text.clone(),
                        location: Location { line, index: i },
                    });
                    block.sentences.push(Sentence {
                        range: s.range,
                        before: s.before,
                        after: s.after,
                        local,
                        fill: Fill::Segment(segments.len() - 1),
                        copy: false,
                    });
                }
            }
        }
        segments
    }

    /// For each segment (by index), what each of its codes stands for, as its markup
    /// reads: a lone code's markup (`` `npm install` ``, `<br>`), a pair's opening and
    /// closing markup around `…` (`<q>…</q>`, `[…](https://lyse.no)`), each shortened
    /// to [`MAX_TAG_SHOWN`] characters; with the code as the segment writes it (`{1/}`,
    /// `{2}…{/2}`). For formats whose markup a person reads (Markdown, HTML), so a
    /// translator sees what a tag is.
    pub fn tags(&self) -> Vec<Vec<(String, String)>> {
        let shown = |text: &str| {
            let words: Vec<&str> = text.split_whitespace().collect();
            let text = words.join(" ");
            let mut short: String = text.chars().take(MAX_TAG_SHOWN).collect();
            if short.len() < text.len() {
                short.push('…');
            }
            short
        };
        self.tags_described(|tag| match tag.close {
            None => Some(shown(tag.open)),
            Some(close) => Some(format!("{}…{}", shown(tag.open), shown(close))),
        })
    }

    /// For each segment (by index), what each of its codes stands for as `describe`
    /// says from its markup ([`Tag`]), with the code as the segment writes it; a code
    /// `describe` says nothing of (`None`, or only `…`) is left out.
    pub fn tags_described(&self, describe: impl Fn(Tag<'_>) -> Option<String>) -> Vec<Vec<(String, String)>> {
        let mut out: Vec<Vec<(String, String)>> = Vec::new();
        for part in &self.parts {
            fn text<'p>(part_text: &'p str, raw: &'p Raw) -> &'p str {
                match raw {
                    Raw::Range(r) => part_text.get(r.clone()).unwrap_or_default(),
                    Raw::Text(t) => t.as_str(),
                    Raw::None => "",
                }
            }
            let text = |raw| text(&part.text, raw);
            for block in &part.blocks {
                for s in block.sentences.iter().filter(|s| !s.copy) {
                    let Fill::Segment(segment) = s.fill else { continue };
                    let mut tags = Vec::new();
                    for piece in inline::pieces(&s.local.text) {
                        let (k, pair) = match piece {
                            Piece::Code(Code::Lone(k), _) => (k, false),
                            Piece::Code(Code::Open(k), _) => (k, true),
                            _ => continue,
                        };
                        let Some(&n) = s.local.map.get(k as usize - 1) else { continue };
                        let Some(markup) = block.codes.get(n as usize - 1) else { continue };
                        let tag = Tag {
                            open: text(&markup.open),
                            close: pair.then(|| text(&markup.close)),
                            style: markup.style.as_deref(),
                        };
                        let what = markup.what.clone().or_else(|| describe(tag));
                        let Some(what) = what.filter(|w| !w.trim_matches('…').is_empty()) else {
                            continue;
                        };
                        let code = match pair {
                            false => Code::Lone(k).to_string(),
                            true => format!("{}…{}", Code::Open(k), Code::Close(k)),
                        };
                        tags.push((code, what));
                    }
                    if out.len() <= segment {
                        out.resize(segment + 1, Vec::new());
                    }
                    out[segment] = tags;
                }
            }
        }
        out
    }

    /// Each part written with `fills[i]` in the place of segment `i` (`None`: the
    /// source), and the language marks set when `translate`.
    pub fn render(&self, fills: &[Option<Cow<'_, str>>], translate: bool) -> Vec<Cow<'_, str>> {
        self.parts
            .iter()
            .map(|part| {
                let render = Render { part, fills, translate };
                let changed =
                    part.blocks.iter().any(|b| b.sentences.iter().any(|s| render.fill(s).is_some()));
                let marks = translate && !part.lang.is_empty();
                if !changed && !marks {
                    return Cow::Borrowed(part.text.as_str());
                }
                let mut out = String::with_capacity(part.text.len() + part.text.len() / 4);
                render.range(0..part.text.len(), &mut out);
                Cow::Owned(out)
            })
            .collect()
    }
}

/// How many characters of a code's markup [`Marked::tags`] shows.
pub const MAX_TAG_SHOWN: usize = 60;

/// The line breaks of the source before `at` in `block`'s paragraph, from its start:
/// those read as spaces ([`Block::breaks`]) and those in the markup of its codes (a
/// hard break, a tag or a code span over two lines).
fn lines_before(text: &str, block: &Block, at: usize) -> usize {
    let soft = block.breaks.iter().take_while(|b| b.0 < at).count();
    let mut hard = 0;
    for piece in inline::pieces(&block.paragraph[..at]) {
        if let Piece::Code(code, _) = piece {
            let markup = block.codes.get(code.number() as usize - 1);
            let raw = markup.map(|m| if matches!(code, Code::Close(_)) { &m.close } else { &m.open });
            if let Some(Raw::Range(r)) = raw {
                hard += text.get(r.clone()).map_or(0, |t| t.matches('\n').count());
            }
        }
    }
    soft + hard
}

/// The deepest pairs nest in a block; deeper pairs become two lone codes (their
/// opening and their closing markup), so that what a sentence carries of the pairs
/// around it stays bounded. No real document nests formatting this deep.
pub const MAX_DEPTH: usize = 16;

/// `block` with its pairs nested deeper than [`MAX_DEPTH`] turned into lone codes.
fn flatten(block: &mut Block) {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for piece in inline::pieces(&block.paragraph) {
        match piece {
            Piece::Code(Code::Open(_), _) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Piece::Code(Code::Close(_), _) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest <= MAX_DEPTH {
        return;
    }
    let mut out = String::with_capacity(block.paragraph.len());
    let mut open: Vec<(u32, bool)> = Vec::new();
    for piece in inline::pieces(&block.paragraph) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Code(Code::Open(n), raw) => {
                let flat = open.len() >= MAX_DEPTH;
                open.push((n, flat));
                if flat {
                    out.push_str(&Code::Lone(n).to_string());
                } else {
                    out.push_str(raw);
                }
            }
            Piece::Code(Code::Close(n), raw) => match open.iter().rposition(|&(o, _)| o == n) {
                Some(i) if open[i].1 => {
                    open.remove(i);
                    let close = block.codes.get(n as usize - 1).map(|m| m.close.clone()).unwrap_or_default();
                    block.codes.push(Markup { open: close, ..Markup::default() });
                    out.push_str(&Code::Lone(block.codes.len() as u32).to_string());
                }
                Some(i) => {
                    open.remove(i);
                    out.push_str(raw);
                }
                None => out.push_str(raw),
            },
            Piece::Code(_, raw) => out.push_str(raw),
        }
    }
    block.paragraph = out;
    // Its places are no longer the paragraph's: the breaks are written as spaces.
    block.breaks.clear();
}

/// Where a line break between two sentences of a block stands while the block is
/// written: white space, as the break's space was (a pair closed and opened again
/// across it is one pair, `{1}a? b{/1}`, as across a space), and a character text
/// rarely holds (a block whose text or translations hold one keeps its breaks as
/// spaces, and the character as it is).
const LINE_BREAK: char = '\u{2028}';

/// What a part is written with.
struct Render<'a> {
    part: &'a Part,
    fills: &'a [Option<Cow<'a, str>>],
    translate: bool,
}

/// Something the writer changes in a part's bytes.
enum Edit<'a> {
    Block(&'a Block),
    Lang(&'a Range<usize>, &'a str),
}

impl Edit<'_> {
    fn range(&self) -> Range<usize> {
        match self {
            Edit::Block(b) => b.range.clone(),
            Edit::Lang(r, _) => (*r).clone(),
        }
    }
}

impl Render<'_> {
    /// The bytes `range` of the part, with the blocks and language marks inside them
    /// written.
    fn range(&self, range: Range<usize>, out: &mut String) {
        self.inside(range, None, out);
    }

    /// [`Render::range`], with the block `this` (whose bytes these are) not written
    /// again.
    fn inside(&self, range: Range<usize>, this: Option<&Block>, out: &mut String) {
        let blocks = &self.part.blocks;
        let langs = &self.part.lang;
        let mut b = blocks.partition_point(|x| x.range.start < range.start);
        let mut l = langs.partition_point(|x| x.0.start < range.start);
        let mut at = range.start;
        loop {
            // The next edit by start: a block, or a language mark.
            let edit = match (blocks.get(b), langs.get(l)) {
                (Some(x), Some(y)) if x.range.start <= y.0.start => Edit::Block(x),
                (_, Some(y)) => Edit::Lang(&y.0, &y.1),
                (Some(x), None) => Edit::Block(x),
                (None, None) => break,
            };
            let r = edit.range();
            if r.start >= range.end {
                break;
            }
            match edit {
                Edit::Block(_) => b += 1,
                Edit::Lang(..) => l += 1,
            }
            // Nested in an edit already written, reaching out of this range, or the
            // block being written itself.
            if r.start < at || r.end > range.end {
                continue;
            }
            if let (Edit::Block(x), Some(this)) = (&edit, this) {
                if std::ptr::eq(*x, this) {
                    continue;
                }
            }
            out.push_str(&self.part.text[at..r.start]);
            match edit {
                Edit::Block(block) => self.block(block, out),
                Edit::Lang(_, value) if self.translate => out.push_str(value),
                Edit::Lang(r, _) => out.push_str(&self.part.text[r.clone()]),
            }
            at = r.end;
        }
        out.push_str(&self.part.text[at..range.end]);
    }

    /// What `sentence` is written as: its fill, or, a number localised, the English
    /// form when a translation is written.
    fn fill<'s>(&'s self, sentence: &'s Sentence) -> Option<&'s str> {
        match &sentence.fill {
            Fill::Number(english) => self.translate.then_some(english.as_str()),
            Fill::Segment(i) => self.fills.get(*i).and_then(|f| f.as_deref()),
        }
    }

    fn block(&self, block: &Block, out: &mut String) {
        if block.sentences.iter().all(|s| self.fill(s).is_none()) {
            return self.inside(block.range.clone(), Some(block), out);
        }
        let paragraph = &block.paragraph;
        let mut coded = String::with_capacity(paragraph.len() * 2);
        // The line breaks between sentences, in order: each is written as its bytes
        // where the text has [`LINE_BREAK`].
        let mut breaks = std::collections::VecDeque::new();
        let kept = !paragraph.contains(LINE_BREAK)
            && block.sentences.iter().all(|s| self.fill(s).is_none_or(|f| !f.contains(LINE_BREAK)));
        let mut gap = |coded: &mut String, range: Range<usize>| {
            let mut from = range.start;
            if kept {
                let first = block.breaks.partition_point(|b| b.0 < range.start);
                for (at, bytes) in block.breaks[first..].iter().take_while(|b| b.0 < range.end) {
                    coded.push_str(&paragraph[from..*at]);
                    coded.push(LINE_BREAK);
                    breaks.push_back(bytes.clone());
                    from = at + 1;
                }
            }
            coded.push_str(&paragraph[from..range.end]);
        };
        let mut at = 0;
        for s in &block.sentences {
            gap(&mut coded, at..s.range.start);
            match self.fill(s) {
                Some(text) => coded.push_str(&inline::delocalize(text, &s.local, &s.before, &s.after)),
                None => coded.push_str(&paragraph[s.range.clone()]),
            }
            at = s.range.end;
        }
        gap(&mut coded, at..paragraph.len());
        // Tidying moves white space around codes, never drops it: each mark is still there.
        let coded = inline::tidy_like(&coded, paragraph);
        let pieces = inline::pieces(&coded);
        // A pair whose markup stands once: where it first opens and where it last closes.
        let mut once: HashMap<u32, (usize, usize)> = HashMap::new();
        if block.codes.iter().any(|m| m.once) {
            for (i, piece) in pieces.iter().enumerate() {
                let Piece::Code(code @ (Code::Open(n) | Code::Close(n)), _) = *piece else { continue };
                if !block.codes.get(n as usize - 1).is_some_and(|m| m.once) {
                    continue;
                }
                let (first, last) = once.entry(n).or_insert((usize::MAX, 0));
                match code {
                    Code::Open(_) => *first = (*first).min(i),
                    _ => *last = i,
                }
            }
        }
        let written = |n: u32, i: usize, open: bool| {
            once.get(&n).is_none_or(|&(first, last)| if open { i == first } else { i == last })
        };
        let mut open: Vec<u32> = Vec::new();
        // Whether what was written last is text, whose space a spaced break takes back.
        let mut after_text = false;
        for (i, piece) in pieces.into_iter().enumerate() {
            let text = std::mem::replace(&mut after_text, matches!(piece, Piece::Text(_)));
            match piece {
                Piece::Text(t) => {
                    let style = open
                        .iter()
                        .rev()
                        .find_map(|&n| block.codes.get(n as usize - 1).and_then(|m| m.style.as_deref()))
                        .unwrap_or(&block.style);
                    if !t.contains(LINE_BREAK) || breaks.is_empty() {
                        block.writer.text(t, style, out);
                        continue;
                    }
                    let mut lines = t.split(LINE_BREAK);
                    block.writer.text(lines.next().unwrap_or_default(), style, out);
                    for line in lines {
                        if let Some(bytes) = breaks.pop_front() {
                            self.range(bytes, out);
                        }
                        block.writer.text(line, style, out);
                    }
                }
                Piece::Code(code, _) => {
                    let Some(markup) = block.codes.get(code.number() as usize - 1) else { continue };
                    match code {
                        Code::Open(n) => {
                            if written(n, i, true) {
                                self.raw(&markup.open, out);
                            }
                            open.push(n);
                        }
                        Code::Close(n) => {
                            if written(n, i, false) {
                                self.raw(&markup.close, out);
                            }
                            if let Some(i) = open.iter().rposition(|&o| o == n) {
                                open.remove(i);
                            }
                        }
                        Code::Lone(_) => {
                            if markup.spaced && text && out.ends_with(' ') {
                                out.pop();
                            }
                            self.raw(&markup.open, out)
                        }
                    }
                }
            }
        }
    }

    fn raw(&self, raw: &Raw, out: &mut String) {
        match raw {
            Raw::None => {}
            Raw::Range(r) => self.range(r.clone(), out),
            Raw::Text(t) => out.push_str(t),
        }
    }
}

/// Text that would read as a code, kept as one: where `text` (plain text of a
/// document) holds something that parses as a placeholder, the [`Piece`]s to put in a
/// block's paragraph for it, each literal placeholder a lone code whose markup is
/// `markup` of its text. Formats call this for every run of text they take, so a
/// document that writes `{1}` is never confused with a code, even split over two runs
/// (`{1` in one, `}` in the next): the first character of a run that would complete a
/// placeholder begun by the paragraph is a lone code of its own.
pub fn push_text(
    paragraph: &mut String,
    codes: &mut Vec<Markup>,
    mut text: &str,
    mut markup: impl FnMut(&str) -> Raw,
) {
    if completes_placeholder(paragraph, text) {
        let first = text.chars().next().map_or(0, char::len_utf8);
        codes.push(Markup { open: markup(&text[..first]), ..Markup::default() });
        paragraph.push_str(&Code::Lone(codes.len() as u32).to_string());
        text = &text[first..];
    }
    for piece in inline::pieces(text) {
        match piece {
            Piece::Text(t) => paragraph.push_str(t),
            Piece::Code(_, raw) => {
                codes.push(Markup { open: markup(raw), ..Markup::default() });
                paragraph.push_str(&Code::Lone(codes.len() as u32).to_string());
            }
        }
    }
}

/// Whether `text` written after `paragraph` would complete a placeholder that the end
/// of `paragraph` begins, such as `}` after `{1`.
fn completes_placeholder(paragraph: &str, text: &str) -> bool {
    // The longest placeholder, `{/123456789}`, is 12 bytes.
    const LONGEST: usize = 12;
    // Only the paragraph's last bytes can begin one: a paragraph built of many runs is
    // not searched back to its start for every run.
    let mut from = paragraph.len().saturating_sub(LONGEST);
    while !paragraph.is_char_boundary(from) {
        from += 1;
    }
    let Some(start) = paragraph[from..].rfind('{').map(|i| from + i) else { return false };
    let begun = &paragraph[start..];
    if begun.len() >= LONGEST || text.is_empty() {
        return false;
    }
    let head = text.char_indices().nth(LONGEST).map_or(text, |(i, _)| &text[..i]);
    inline::placeholder_len(&format!("{begun}{head}")).is_some_and(|len| len > begun.len())
}

/// Whether `text` reads as an index's page numbers, which the word processor computes
/// (a table of contents' entry's after its tab): digits or roman numerals, a range or
/// a list of them (`12`, `iv`, `3–5`, `3, 7`).
pub fn is_page_number(text: &str) -> bool {
    let text = text.trim();
    text.chars().any(|c| c.is_ascii_alphanumeric())
        && text.chars().all(|c| c.is_ascii_digit() || "ivxlcdmIVXLCDM,–-. ".contains(c))
}

/// Adds a code with `markup` to a block being built: writes its placeholder to
/// `paragraph` and returns its number. For a pair, give the same number to [`close`].
pub fn open(paragraph: &mut String, codes: &mut Vec<Markup>, markup: Markup, lone: bool) -> u32 {
    codes.push(markup);
    let n = codes.len() as u32;
    let code = if lone { Code::Lone(n) } else { Code::Open(n) };
    paragraph.push_str(&code.to_string());
    n
}

/// Closes the pair `n` opened with [`open`].
pub fn close(paragraph: &mut String, n: u32) {
    paragraph.push_str(&Code::Close(n).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Angle;

    impl Writer for Angle {
        fn text(&self, text: &str, style: &str, out: &mut String) {
            out.push_str(style);
            out.push_str(&text.replace('<', "&lt;"));
        }
    }

    /// `<p lang="nb">Hei <b>du</b>. Ja<n><p>Note.</p></n>. {1}</p>` as a format would
    /// read it: one block for the paragraph, one for the note inside a lone code, and
    /// `{1}` as the text it is.
    fn marked() -> Marked {
        let text = r#"<p lang="nb">Hei <b>du</b>. Ja<n><p>Note.</p></n>. {1}</p>"#.to_string();
        let at = |s: &str| text.find(s).unwrap();
        let mut part = Part::new("", text.clone());
        let mut paragraph = String::from("Hei ");
        let mut codes = Vec::new();
        let b = open(
            &mut paragraph,
            &mut codes,
            Markup {
                open: Raw::Range(at("<b>")..at("<b>") + 3),
                close: Raw::Text("</b>".into()),
                style: Some(String::new()),
                ..Markup::default()
            },
            false,
        );
        paragraph.push_str("du");
        close(&mut paragraph, b);
        paragraph.push_str(". Ja");
        open(
            &mut paragraph,
            &mut codes,
            Markup { open: Raw::Range(at("<n>")..at("</n>") + 4), ..Markup::default() },
            true,
        );
        push_text(&mut paragraph, &mut codes, ". {1}", |t| Raw::Text(t.into()));
        part.blocks.push(Block::new(at("Hei")..text.rfind("</p>").unwrap(), paragraph, codes, &Angle, 1));
        let note = at("Note.");
        part.blocks.push(Block::new(note..note + 5, "Note.".into(), Vec::new(), &Angle, 1));
        part.lang.push((at("nb")..at("nb") + 2, "en-GB".into()));
        Marked { parts: vec![part] }
    }

    fn render(m: &Marked, fills: &[Option<&str>]) -> String {
        let fills: Vec<Option<Cow<'_, str>>> = fills.iter().map(|f| f.map(Cow::Borrowed)).collect();
        let translate = fills.iter().any(Option::is_some);
        m.render(&fills, translate).concat()
    }

    #[test]
    fn pairs_nested_too_deep_become_lone_codes_and_write_the_same() {
        let depth = MAX_DEPTH + 3;
        let text = format!("{}Hei.{}", "<i>".repeat(depth), "</i>".repeat(depth));
        let mut part = Part::new("", text.clone());
        let mut paragraph = String::new();
        let mut codes = Vec::new();
        let mut numbers = Vec::new();
        for i in 0..depth {
            let markup = Markup {
                open: Raw::Range(3 * i..3 * i + 3),
                close: Raw::Text("</i>".into()),
                ..Markup::default()
            };
            numbers.push(open(&mut paragraph, &mut codes, markup, false));
        }
        paragraph.push_str("Hei.");
        for &n in numbers.iter().rev() {
            close(&mut paragraph, n);
        }
        part.blocks.push(Block::new(0..text.len(), paragraph, codes, &Angle, 1));
        let mut m = Marked { parts: vec![part] };
        let segments = m.segment(&Segmenter::default());
        assert_eq!(segments.len(), 1);
        // The pairs around the whole sentence stay out of it; the closing markup of the
        // deepest ones, now lone codes, follows the words.
        assert_eq!(inline::codes(&segments[0].text).len(), 3);
        let out = render(&m, &[Some(&segments[0].text.replace("Hei", "Hi"))]);
        assert_eq!(out, text.replace("Hei", "Hi"));
    }

    #[test]
    fn blocks_are_written_back_as_they_were_unless_a_sentence_changed() {
        let mut m = marked();
        let segments = m.segment(&Segmenter::default());
        let texts: Vec<&str> = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Hei {1}du{/1}.", "Ja{1/}.", "Note."]);
        let source = m.parts[0].text.clone();
        assert_eq!(render(&m, &[None, None, None]), source);
        assert_eq!(
            render(&m, &[Some("{1}You{/1} <3."), None, None]),
            r#"<p lang="en-GB"><b>You</b> &lt;3. Ja<n><p>Note.</p></n>. {1}</p>"#
        );
        // A lone code moves with the words; the nested block inside it is written too.
        assert_eq!(
            render(&m, &[None, Some("{1/}Yes."), Some("A note.")]),
            r#"<p lang="en-GB">Hei <b>du</b>. <n><p>A note.</p></n>Yes. {1}</p>"#
        );
        assert_eq!(
            render(&m, &[None, None, Some("A note.")]),
            r#"<p lang="en-GB">Hei <b>du</b>. Ja<n><p>A note.</p></n>. {1}</p>"#
        );
    }

    /// A pair whose markup must stand once (a bookmark) is written once, around all it
    /// marks, even where a translation leaves it split over two sentences.
    #[test]
    fn a_pair_written_once_is_opened_and_closed_once() {
        let text = "<p>[Ja. Nei] du.</p>".to_string();
        for once in [false, true] {
            let mut part = Part::new("", text.clone());
            let mut paragraph = String::new();
            let mut codes = Vec::new();
            let markup = Markup {
                open: Raw::Text("[".into()),
                close: Raw::Text("]".into()),
                once,
                ..Markup::default()
            };
            let n = open(&mut paragraph, &mut codes, markup, false);
            paragraph.push_str("Ja. Nei");
            close(&mut paragraph, n);
            paragraph.push_str(" du.");
            part.blocks.push(Block::new(3..text.len() - 4, paragraph, codes, &Angle, 1));
            let mut m = Marked { parts: vec![part] };
            let segments = m.segment(&Segmenter::default());
            let texts: Vec<&str> = segments.iter().map(|s| s.text.as_str()).collect();
            assert_eq!(texts, ["Ja.", "{1}Nei{/1} du."]);
            let out = render(&m, &[None, Some("You {1}no{/1}.")]);
            assert_eq!(out, if once { "<p>[Ja. You no].</p>" } else { "<p>[Ja.] You [no].</p>" });
        }
    }

    /// One number written the Norwegian way is written as English does; what could be
    /// read more than one way stays as it is.
    #[test]
    fn a_lone_number_is_localised_and_nothing_else() {
        for (text, english) in [
            ("12,5", "12.5"),
            ("1 000,5", "1,000.5"),
            ("1\u{a0}000,25", "1,000.25"),
            ("-4,5 %", "-4.5 %"),
            ("(12,5)", "(12.5)"),
            ("{1}12,5{/1}", "{1}12.5{/1}"),
            ("2,4.", "2.4."),
        ] {
            assert_eq!(localised(text).as_deref(), Some(english), "{text:?}");
        }
        for text in [
            "2024",
            "1 000",
            "5 500 000",
            "923 609 016",
            "1 500,-",
            "1.500",
            "12",
            "3.5",
            "+47 123 45 678",
            "22 33 44 55",
            "12.05.2026",
            "0,5–1,0",
            "1989–1994",
            "3/4",
            "1{1}000{/1}",
            "#12,5",
            "12,5 kr",
        ] {
            assert_eq!(localised(text), None, "{text:?}");
        }
    }

    /// Text split anywhere, in runs pushed one by one, never reads as a code, and the
    /// paragraph's text without its literal codes is the text.
    #[test]
    fn a_placeholder_split_over_runs_is_text() {
        for text in ["{1}", "a{/12}b", "{3/}", "{{1}}", "{1{2}", "x{123456789}", "{0}{1/}é{/9}"] {
            for cut in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                for cut2 in (cut..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let mut paragraph = String::new();
                    let mut codes = Vec::new();
                    for run in [&text[..cut], &text[cut..cut2], &text[cut2..]] {
                        push_text(&mut paragraph, &mut codes, run, |t| Raw::Text(t.into()));
                    }
                    let mut back = String::new();
                    for piece in inline::pieces(&paragraph) {
                        match piece {
                            Piece::Text(t) => back.push_str(t),
                            Piece::Code(Code::Lone(n), _) => match &codes[n as usize - 1].open {
                                Raw::Text(t) => back.push_str(t),
                                _ => unreachable!(),
                            },
                            Piece::Code(code, _) => panic!("{code} in {paragraph:?}"),
                        }
                    }
                    assert_eq!(back, text, "{paragraph:?} from {text:?} cut at {cut} and {cut2}");
                }
            }
        }
    }
}
