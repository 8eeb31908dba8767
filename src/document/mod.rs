//! Lossless documents: a source file cut into sentence segments, and what is needed to
//! write it back.
//!
//! A [`Document`] holds its segments, each with its text as the memory keeps it, and
//! either the exact text of a plain-text file with the byte range of every segment (the
//! skeleton is everything between: line breaks, blank lines, indentation, no-break
//! spaces, dialogue dashes, a BOM) or, for a format with markup, the parts and blocks
//! of [`marked`]. [`Document::rebuild`] puts a text back into each segment's place, so
//! giving every segment back unchanged reproduces the file byte for byte, in every
//! format. This module does not decide where sentences end (that is
//! [`crate::segment`]) and does not translate.
//!
//! Each document format is one file of this folder behind [`DocumentFormat`], listed
//! in [`FORMATS`]: Word ([`docx`]), LibreOffice ([`odt`]), Markdown ([`markdown`]), HTML
//! ([`html`]) and plain text ([`text`]). A format reads a file into a [`Document`]; a
//! new format is one new file and one line in the registry.

pub mod described;
pub mod docx;
pub mod html;
pub mod inline;
pub mod markdown;
pub mod marked;
pub mod odt;
pub mod package;
pub mod text;

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use std::io::Read as _;

use crate::error::{Error, Result};
use crate::segment::Segmenter;
use crate::text::SegmentId;

/// What every document format does.
pub trait DocumentFormat: Sync {
    /// Its name: `text`.
    fn name(&self) -> &'static str;
    /// Whether the file at `path`, which starts with `head`, is this format.
    fn claims(&self, path: &Path, head: &[u8]) -> bool;
    /// Reads and segments `input`, the file at `path` opened once (it may be a pipe,
    /// which cannot be opened twice), its head included.
    fn read(
        &self,
        input: &mut dyn std::io::Read,
        path: &Path,
        segmenter: &Segmenter,
        options: &ReadOptions,
    ) -> Result<Document>;
}

/// What a project may set about reading documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// The Markdown front-matter keys whose values are text to translate.
    pub front_matter_text: Vec<String>,
    /// The language the edition is written in, which its language marks take.
    pub edition: EditionLanguage,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            front_matter_text: markdown::FRONT_MATTER_TEXT.iter().map(|k| k.to_string()).collect(),
            edition: EditionLanguage::default(),
        }
    }
}

/// Every document format, in the order they are asked to claim a file (plain text
/// last: it takes what no other format claims, and refuses what is not text).
pub static FORMATS: [&dyn DocumentFormat; 5] =
    [&docx::Docx, &odt::Odt, &markdown::Markdown, &html::Html, &text::PlainText];

/// The language an edition is written in: `target_language` of tolk.toml, English
/// with a region (`en-GB`, `en-US`) or without (`en`, the default). It decides what a
/// document's marks of its language become ([`EditionLanguage::mark`]), the same in
/// every format.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EditionLanguage {
    /// The region the target names, upper case.
    region: Option<String>,
}

impl EditionLanguage {
    /// English, with a region or not, as [`crate::language::Language`] reads a code
    /// (`en`, `en-GB`, `en_us`, `en-001`, `en-GB-oxendict`: the script and variants are
    /// not the edition's business); `None` for another language or no language code.
    pub fn parse(tag: &str) -> Option<EditionLanguage> {
        let language = crate::language::Language::parse(tag)?;
        (language.language() == "en")
            .then(|| EditionLanguage { region: language.region().map(str::to_ascii_uppercase) })
    }

    /// The region written where a mark needs one: the target's, else `GB`.
    pub fn region(&self) -> &str {
        self.region.as_deref().unwrap_or("GB")
    }

    /// Whether the target names a region other than `region` (a mark's, any case, or
    /// none).
    fn changes_region(&self, region: Option<&str>) -> bool {
        self.region.as_deref().is_some_and(|r| !region.is_some_and(|m| m.eq_ignore_ascii_case(r)))
    }

    /// What a document's mark of its language, `tag`, becomes in the edition, keeping
    /// the tag's separator (`-` or `_`); `None` where it stays as it is.
    /// - A Norwegian tag (`nb`, `nn`, `no`, `nob`, `nno`, `nor`, any case, with a region
    ///   or not) becomes English: `en` when neither it nor the target names a region,
    ///   else `en-` and the target's region ([`EditionLanguage::region`]: `GB` when the
    ///   target names none).
    /// - An English tag becomes the target's region when the target names one and the
    ///   tag another (or none): the whole edition is in the target's English.
    /// - Any other tag (another language, or not a language tag) stays: a quotation in
    ///   German is still German in the English edition.
    pub fn mark(&self, tag: &str) -> Option<String> {
        if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return None;
        }
        let language = crate::language::Language::parse(tag)?;
        let separator = if tag.contains('_') { "_" } else { "-" };
        match language.language() {
            "nb" | "nn" if !tag.contains(['-', '_']) && self.region.is_none() => Some("en".into()),
            "nb" | "nn" => Some(format!("en{separator}{}", self.region())),
            "en" if self.changes_region(language.region()) => Some(format!("en{separator}{}", self.region())),
            _ => None,
        }
    }

    /// Whether `tag` marks a language other than Norwegian and English (not a mark of
    /// no language, `zxx`, `und`, `mul`, nor LibreOffice's `qlt`, which says the
    /// language is in another tag): text so marked, a quotation in German, stays in
    /// that language in the edition, so a format keeps its mark on it.
    pub fn is_other_language(tag: &str) -> bool {
        crate::language::Language::parse(tag).is_some_and(|l| {
            !matches!(l.language(), "nb" | "nn" | "en" | "zxx" | "und" | "mul" | "mis" | "qlt")
        })
    }

    /// What a document-wide default language, `tag` (the one text written again
    /// without a mark of its own takes), becomes: the edition's, whatever it said. A
    /// default of another language would mark the English text as that language; so
    /// where [`EditionLanguage::mark`] leaves a tag (another language), it becomes `en-`
    /// and the edition's region.
    pub fn default_mark(&self, tag: &str) -> Option<String> {
        let other = crate::language::Language::parse(tag)
            .is_some_and(|l| !matches!(l.language(), "nb" | "nn" | "en"));
        let separator = if tag.contains('_') { "_" } else { "-" };
        self.mark(tag).or_else(|| other.then(|| format!("en{separator}{}", self.region())))
    }

    /// What a language given as two values, a `language` subtag and a `country` (as
    /// LibreOffice's `fo:language` and `fo:country`), becomes in the edition, by the rule
    /// of [`EditionLanguage::mark`]: the language's new value (`en` for a Norwegian one)
    /// and the country's (only where one was given: a language without a country stays
    /// without one), each `None` where it stays.
    pub fn mark_apart(
        &self,
        language: &str,
        country: Option<&str>,
    ) -> (Option<&'static str>, Option<String>) {
        let spoken = crate::language::Language::parse(language).filter(|_| !language.contains(['-', '_']));
        match spoken.as_ref().map(|l| l.language()) {
            Some("nb" | "nn") => (Some("en"), country.map(|_| self.region().to_string())),
            Some("en") => {
                (None, country.filter(|c| self.changes_region(Some(c))).map(|_| self.region().to_string()))
            }
            _ => (None, None),
        }
    }
}

/// The format of the file at `path`, which starts with `head` (its first 512 bytes or
/// all of a shorter file), or why tolk reads no such file.
pub fn format_of(path: &Path, head: &[u8]) -> std::result::Result<&'static dyn DocumentFormat, String> {
    FORMATS.iter().copied().find(|f| f.claims(path, head)).ok_or_else(|| {
        let what = match (unsupported(head), not_prose(path)) {
            (Some(what), _) => what.to_string(),
            (None, Some(what)) => format!("{what} (.{})", extension(path)),
            (None, None) => "a file of a format tolk does not read".to_string(),
        };
        // A word processor's older formats: saved again, they are documents tolk reads.
        let xml = head.starts_with(b"<?xml") || head.starts_with(b"\xef\xbb\xbf<?xml");
        let flat = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("fodt"));
        let save = if head.starts_with(OLE) || head.starts_with(RTF) {
            "; to translate it, open it in Word or LibreOffice and save it as a Word document (.docx)"
        } else if xml && flat {
            "; to translate it, open it in LibreOffice and save it as ODF Text Document (.odt)"
        } else if xml {
            "; if it is a LibreOffice flat .fodt, open it in LibreOffice and save it as ODF Text Document (.odt)"
        } else if head.starts_with(b"%PDF-") {
            "; to translate it, save the document it was made from as .docx or .odt (or its text as .txt)"
        } else {
            ""
        };
        format!(
            "is {what}, which tolk does not read; tolk reads {}{save}",
            "plain text (.txt), Markdown (.md), HTML (.html), Word (.docx, .dotx, .docm) and LibreOffice (.odt, \
             .ott) documents"
        )
    })
}

/// The extensions of files that hold code, styles, data or markup, not prose, by what
/// they hold. A web page's bundle or a site's folder keeps them beside the articles
/// (`meny.js`, `stil.css`, `data.json`, `kart.svg`), and they are UTF-8 text, which
/// plain text would otherwise read: a script's lines would go to translators as
/// sentences and be rewritten in its edition. A file so named is skipped as an image
/// is, with the same warning and `[corpus] exclude` hint; one with no extension, or
/// `.txt`, is plain text. The one list of them: [`not_prose`] reads it.
const NOT_PROSE: [(&str, &[&str]); 4] = [
    (
        "a script or program",
        &[
            "js", "mjs", "cjs", "ts", "mts", "cts", "tsx", "jsx", "vue", "svelte", "py", "rb", "sh", "bash",
            "zsh", "fish", "ps1", "bat", "cmd", "php", "pl", "pm", "lua", "go", "rs", "java", "kt", "kts",
            "scala", "swift", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "cs", "m", "r", "sql",
        ],
    ),
    ("a stylesheet", &["css", "scss", "sass", "less", "styl"]),
    (
        "a data or configuration file",
        &[
            "json",
            "jsonc",
            "json5",
            "jsonl",
            "ndjson",
            "geojson",
            "yml",
            "yaml",
            "toml",
            "csv",
            "tsv",
            "ini",
            "cfg",
            "conf",
            "properties",
            "env",
            "lock",
            "map",
            "webmanifest",
        ],
    ),
    (
        "a markup or vector graphics file",
        &["svg", "xml", "xsl", "xslt", "xsd", "dtd", "rss", "atom", "plist"],
    ),
];

/// What the file at `path` holds by its extension when that says it is code, styles,
/// data or markup, not prose ([`NOT_PROSE`]): `a stylesheet`. `None` for any other
/// extension and none.
pub fn not_prose(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_str()?;
    NOT_PROSE
        .iter()
        .find(|(_, extensions)| extensions.iter().any(|e| e.eq_ignore_ascii_case(extension)))
        .map(|(what, _)| *what)
}

/// The extension of `path` as it is written, for a message.
fn extension(path: &Path) -> std::borrow::Cow<'_, str> {
    path.extension().unwrap_or_default().to_string_lossy()
}

/// The first bytes of an old binary Office file (`.doc`, `.xls`).
pub(crate) const OLE: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";

/// The first bytes of an RTF file.
const RTF: &[u8] = b"{\\rtf";

/// Why a file that starts with `head` is no document tolk reads, when its first bytes
/// say it is a kind of file that is not text: a zip archive (that no document format
/// claimed), a PDF, an old binary Office file, RTF, an image, or XML no format claimed
/// (a LibreOffice flat `.fodt`, a batch saved in the corpus). `None` for anything
/// else, which a format may still refuse when it reads it.
pub fn unsupported(head: &[u8]) -> Option<&'static str> {
    const KINDS: [(&[u8], &str); 10] = [
        // XML that no format claimed: a LibreOffice flat .fodt, an XLIFF or TMX file, …
        (b"<?xml", "an XML file (a LibreOffice flat .fodt, a batch or memory file, or other XML)"),
        (
            b"\xef\xbb\xbf<?xml",
            "an XML file (a LibreOffice flat .fodt, a batch or memory file, or other XML)",
        ),
        // Not named as a Word document nor saying it is an OpenDocument text: a
        // workbook, a presentation, an archive (or a document renamed).
        (b"PK\x03\x04", "a zip archive (a workbook, a presentation or another packaged file)"),
        (b"%PDF-", "a PDF file"),
        (OLE, "an old binary Office file (a Word .doc or an Excel .xls)"),
        (RTF, "an RTF file"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x1f\x8b", "a gzip archive"),
    ];
    KINDS.iter().find(|(magic, _)| head.starts_with(magic)).map(|(_, what)| *what)
}

/// One sentence of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The sentence as the memory keeps it: for plain text, exactly as it stands in the
    /// document; with markup, its formatting as codes (see [`inline`]).
    pub text: String,
    /// The id shared by every occurrence of the same (normalised) sentence.
    pub id: SegmentId,
    /// Where the sentence is.
    pub location: Location,
}

/// Where a segment occurs: 1-based line (for Word and LibreOffice documents, the
/// paragraph), and 1-based position among the segments of that line or paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based index of the segment within its line.
    pub index: usize,
}

/// The name of the document at `path`: its file name (a link's own name, not its
/// target's), or the whole path where it has none.
pub fn name_of(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// A corpus document a command could not read (a Word file with tracked changes, a
/// damaged file) and left out: a report names it, so that no total counts it as done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The document's name in the corpus.
    pub name: String,
    /// Why it could not be read, as the warning said.
    pub why: String,
}

/// A source document: its name, its segments in order, and what is needed to write it
/// back.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's name, its file name in the corpus.
    pub name: String,
    /// The name of its format ([`DocumentFormat::name`]).
    pub format: &'static str,
    /// The segments, in order.
    pub segments: Vec<Segment>,
    /// What the document holds that might be text but that tolk does not read, and so
    /// keeps as it is in the edition (a front matter value it cannot read), for the
    /// user to hear of: the edition would hold it in Norwegian.
    pub unread: Vec<Unread>,
    body: Body,
}

/// Something a document holds that tolk does not read ([`Document::unread`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    /// The 1-based line where it stands.
    pub line: usize,
    /// What it is and why it is not read, a lower-case fragment.
    pub why: String,
}

/// How a document is written back.
#[derive(Debug, Clone)]
enum Body {
    /// Plain text, and the byte range of each segment in it.
    Text { text: String, ranges: Vec<Range<usize>> },
    /// Parts with markup, from a zip package or not.
    Marked { marked: marked::Marked, package: Option<package::Package> },
}

impl Document {
    /// Reads and segments the file at `path`, named by its file name, in whichever
    /// document format claims it ([`FORMATS`]).
    pub fn read(path: &Path, segmenter: &Segmenter) -> Result<Document> {
        Document::read_with(path, segmenter, &ReadOptions::default())
    }

    /// Like [`Document::read`], read as `options` say.
    pub fn read_with(path: &Path, segmenter: &Segmenter, options: &ReadOptions) -> Result<Document> {
        let mut head = Vec::with_capacity(512);
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        (&mut file).take(512).read_to_end(&mut head).map_err(|e| Error::io(path, e))?;
        match format_of(path, &head) {
            Ok(format) => format.read(&mut head.as_slice().chain(file), path, segmenter, options),
            Err(why) => Err(Error::at(path, crate::error::Place::File, why)),
        }
    }

    /// Like [`Document::read`], with the document named `name` (its path inside the
    /// corpus folder).
    pub fn read_as(path: &Path, name: String, segmenter: &Segmenter) -> Result<Document> {
        Document::read_as_with(path, name, segmenter, &ReadOptions::default())
    }

    /// Like [`Document::read_as`], read as `options` say.
    pub fn read_as_with(
        path: &Path,
        name: String,
        segmenter: &Segmenter,
        options: &ReadOptions,
    ) -> Result<Document> {
        let mut doc = Document::read_with(path, segmenter, options)?;
        doc.name = name;
        Ok(doc)
    }

    /// Segments `bytes`, which must be UTF-8; `path` names the file in errors.
    pub fn from_bytes(name: String, bytes: Vec<u8>, path: &Path, segmenter: &Segmenter) -> Result<Document> {
        let text = crate::input::decode::utf8(path, bytes, "UTF-8")?;
        Ok(Document::parse(name, text, segmenter))
    }

    /// Segments `text` as plain text. A line ends at `\n`, `\r\n` or a lone `\r`, and
    /// a line break always ends a segment.
    pub fn parse(name: String, text: String, segmenter: &Segmenter) -> Document {
        let mut segments = Vec::new();
        let mut ranges = Vec::new();
        let mut cut = Vec::new();
        for (n, line) in lines(&text).enumerate() {
            cut.clear();
            segmenter.split_line(&text[line.clone()], &mut cut);
            // A sentence without a letter (a year, a line of figures, `});`, `---`) or
            // that is only a web or e-mail address is layout, kept byte for byte, as in
            // every other format.
            let cut = cut
                .iter()
                .filter(|r| crate::text::has_words(&text[line.start + r.start..line.start + r.end]));
            for (i, r) in cut.enumerate() {
                let range = line.start + r.start..line.start + r.end;
                segments.push(Segment {
                    id: SegmentId::of(&text[range.clone()]),
                    text: text[range.clone()].to_string(),
                    location: Location { line: n + 1, index: i + 1 },
                });
                ranges.push(range);
            }
        }
        Document { name, format: "text", segments, unread: Vec::new(), body: Body::Text { text, ranges } }
    }

    /// A document with markup, from `marked` (one part, or the parts of `package`),
    /// cut into sentences with `segmenter`.
    pub fn marked(
        name: String,
        format: &'static str,
        mut marked: marked::Marked,
        package: Option<package::Package>,
        segmenter: &Segmenter,
    ) -> Document {
        let segments = marked.segment(segmenter);
        Document { name, format, segments, unread: Vec::new(), body: Body::Marked { marked, package } }
    }

    /// For each segment (by index), what its tags (`{1/}`, `{2}…{/2}`) stand for: where
    /// the document's markup is what a person reads and writes (Markdown, HTML), the
    /// markup itself, a code span, an image, a line break, a quotation, a link
    /// ([`marked::Marked::tags`]); in Word and LibreOffice documents, whose markup is
    /// XML, its name ([`described::describe`]: a date field and what it shows, a
    /// footnote, bold). Empty for plain text.
    pub fn tags(&self) -> Vec<Vec<(String, String)>> {
        match &self.body {
            Body::Marked { marked, package: None } if matches!(self.format, "markdown" | "html") => {
                marked.tags()
            }
            Body::Marked { marked, .. } if matches!(self.format, "docx" | "odt") => {
                marked.tags_described(described::describe)
            }
            _ => Vec::new(),
        }
    }

    /// What its edition keeps as the file stored it though a reader sees words there
    /// ([`marked::Part::stored`]: a Word field's result, which Word shows until its
    /// fields are updated), each with its line (paragraph) and what it is (`document
    /// title, shows "Valget i Norge"`).
    pub fn stored(&self) -> Vec<(usize, &str)> {
        match &self.body {
            Body::Marked { marked, .. } => {
                marked.parts.iter().flat_map(|p| p.stored.iter().map(|(l, w)| (*l, w.as_str()))).collect()
            }
            Body::Text { .. } => Vec::new(),
        }
    }

    /// The text of `segment` (see [`Segment::text`]).
    pub fn segment_text<'a>(&self, segment: &'a Segment) -> &'a str {
        &segment.text
    }

    /// For plain text, the text and the byte range of each segment in it.
    pub fn plain(&self) -> Option<(&str, &[Range<usize>])> {
        match &self.body {
            Body::Text { text, ranges } => Some((text, ranges)),
            Body::Marked { .. } => None,
        }
    }

    /// For plain text, the skeleton: the text before the first segment, between each
    /// two, and after the last one (always one more piece than there are segments).
    pub fn skeleton(&self) -> Option<Vec<&str>> {
        let (text, ranges) = self.plain()?;
        let mut pieces = Vec::with_capacity(ranges.len() + 1);
        let mut at = 0;
        for r in ranges {
            pieces.push(&text[at..r.start]);
            at = r.end;
        }
        pieces.push(&text[at..]);
        Some(pieces)
    }

    /// The document written back with each segment replaced by what `fill` gives for
    /// it (`None`: the segment as it is). A fill that changes nothing gives the bytes
    /// the document was read from; the language the document records is set to
    /// English when some segment changed.
    pub fn rebuild<'a>(
        &'a self,
        mut fill: impl FnMut(&'a Segment) -> Option<Cow<'a, str>>,
    ) -> Result<Vec<u8>> {
        match &self.body {
            Body::Text { text, ranges } => {
                let mut out = String::with_capacity(text.len());
                let mut at = 0;
                for (s, r) in self.segments.iter().zip(ranges) {
                    out.push_str(&text[at..r.start]);
                    match fill(s) {
                        Some(t) => out.push_str(&t),
                        None => out.push_str(&text[r.clone()]),
                    }
                    at = r.end;
                }
                out.push_str(&text[at..]);
                Ok(out.into_bytes())
            }
            Body::Marked { marked, package } => {
                let fills: Vec<Option<Cow<'a, str>>> =
                    self.segments.iter().map(|s| fill(s).filter(|t| *t != s.text)).collect();
                let translate = fills.iter().any(Option::is_some);
                let parts = marked.render(&fills, translate);
                match package {
                    Some(package) => {
                        let named: Vec<(&str, Cow<'_, str>)> =
                            marked.parts.iter().map(|p| p.name.as_str()).zip(parts).collect();
                        package.write(&named)
                    }
                    None => Ok(parts.into_iter().map(Cow::into_owned).collect::<String>().into_bytes()),
                }
            }
        }
    }
}

/// Byte ranges of the lines of `text`, without their line breaks.
pub fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match bytes[start..].iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(n) => {
                let end = start + n;
                let next =
                    if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') { end + 2 } else { end + 1 };
                let line = start..end;
                start = next;
                Some(line)
            }
            None => {
                done = true;
                Some(start..bytes.len())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_mark_of_norwegian_or_english_becomes_the_editions_language_and_others_stay() {
        let en = EditionLanguage::parse("en").unwrap();
        let us = EditionLanguage::parse("EN_us").unwrap();
        let gb = EditionLanguage::parse("en-GB").unwrap();
        for refused in ["nb", "", "de-DE", "e"] {
            assert_eq!(EditionLanguage::parse(refused), None, "{refused}");
        }
        // A script or variant is not the edition's business; a region of digits is one.
        assert_eq!(EditionLanguage::parse("en-Latn-GB"), Some(gb.clone()));
        assert_eq!(EditionLanguage::parse("en-GB-oxendict"), Some(gb.clone()));
        assert_eq!(EditionLanguage::parse("en-001").unwrap().region(), "001");
        let cases = [
            // tag, in an `en` edition, in an `en-US` one, in an `en-GB` one
            ("nb", Some("en"), Some("en-US"), Some("en-GB")),
            ("NN", Some("en"), Some("en-US"), Some("en-GB")),
            ("nob", Some("en"), Some("en-US"), Some("en-GB")),
            ("nb-NO", Some("en-GB"), Some("en-US"), Some("en-GB")),
            ("no_NO", Some("en_GB"), Some("en_US"), Some("en_GB")),
            ("en", None, Some("en-US"), Some("en-GB")),
            ("en-US", None, None, Some("en-GB")),
            ("en_gb", None, Some("en_US"), None),
            ("en-GB-oxendict", None, Some("en-US"), None),
            ("en-Latn-US", None, None, Some("en-GB")),
            ("nb-NO-x-foo", Some("en-GB"), Some("en-US"), Some("en-GB")),
            ("no_NO_NY", Some("en_GB"), Some("en_US"), Some("en_GB")),
            ("de-DE", None, None, None),
            ("sv", None, None, None),
            ("x-none", None, None, None),
            ("nb NO", None, None, None),
            ("", None, None, None),
        ];
        for (tag, in_en, in_us, in_gb) in cases {
            assert_eq!(en.mark(tag).as_deref(), in_en, "{tag} in en");
            assert_eq!(us.mark(tag).as_deref(), in_us, "{tag} in en-US");
            assert_eq!(gb.mark(tag).as_deref(), in_gb, "{tag} in en-GB");
        }
        // A document-wide default of another language becomes the edition's.
        assert_eq!(us.default_mark("sv-SE").as_deref(), Some("en-US"));
        assert_eq!(en.default_mark("de_DE").as_deref(), Some("en_GB"));
        assert_eq!(en.default_mark("nb").as_deref(), Some("en"));
        assert_eq!(en.default_mark("en-US"), None);
        assert_eq!(en.default_mark("x-none"), None);
        // Two values, as LibreOffice writes a language: the country only where one was.
        assert_eq!(en.mark_apart("nb", Some("NO")), (Some("en"), Some("GB".into())));
        assert_eq!(us.mark_apart("nn", Some("NO")), (Some("en"), Some("US".into())));
        assert_eq!(us.mark_apart("no", None), (Some("en"), None));
        assert_eq!(en.mark_apart("en", Some("US")), (None, None));
        assert_eq!(gb.mark_apart("en", Some("US")), (None, Some("GB".into())));
        assert_eq!(gb.mark_apart("en", Some("gb")), (None, None));
        assert_eq!(us.mark_apart("de", Some("DE")), (None, None));
    }

    fn doc(text: &str) -> Document {
        Document::parse("t.txt".into(), text.into(), &Segmenter::default())
    }

    #[test]
    fn skeleton_keeps_layout() {
        let d = doc("\u{feff} – Hei. Hvem er du?\r\n\r\nTittel \u{a0}");
        let texts: Vec<_> = d.segments.iter().map(|s| d.segment_text(s)).collect();
        assert_eq!(texts, ["Hei.", "Hvem er du?", "Tittel"]);
        let (text, ranges) = d.plain().unwrap();
        let ends: Vec<_> = ranges.iter().map(|r| r.end).collect();
        assert_eq!(&text[..ranges[0].start], "\u{feff} – ");
        assert_eq!(ends, [12, 24, 34]);
        let locs: Vec<_> = d.segments.iter().map(|s| (s.location.line, s.location.index)).collect();
        assert_eq!(locs, [(1, 1), (1, 2), (3, 1)]);
    }

    /// A line with no letter (a year, a table's figures, a script's `});`, a rule) is
    /// layout, as in Markdown and HTML: no segment, kept byte for byte in the edition
    /// (new-user trial: `2027` and `});` of a .txt were exported as sentences).
    #[test]
    fn a_sentence_without_a_letter_is_no_segment_in_plain_text() {
        let text = "Hei.\n2027\n});\n---\n* * *\n123 456\n(!)\nSide 12. Vi ses.\n";
        let d = doc(text);
        let texts: Vec<_> = d.segments.iter().map(|s| d.segment_text(s)).collect();
        assert_eq!(texts, ["Hei.", "Side 12.", "Vi ses."]);
        let lines: Vec<_> = d.segments.iter().map(|s| s.location.line).collect();
        assert_eq!(lines, [1, 8, 8]);
        assert_eq!(
            d.rebuild(|s| Some(Cow::Owned(s.text.to_uppercase()))).unwrap(),
            "HEI.\n2027\n});\n---\n* * *\n123 456\n(!)\nSIDE 12. VI SES.\n".as_bytes()
        );
    }

    #[test]
    fn lone_carriage_returns_break_lines() {
        let d = doc("En.\rTo.\n\rTre.");
        let lines: Vec<_> = d.segments.iter().map(|s| s.location.line).collect();
        assert_eq!(lines, [1, 2, 4]);
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = Document::from_bytes(
            "x".into(),
            b"ab\xffc".to_vec(),
            Path::new("corpus/x.txt"),
            &Segmenter::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "corpus/x.txt: line 1 (byte 2): invalid UTF-8; save the file again as UTF-8"
        );
    }

    #[test]
    fn replacing_segments_changes_only_segments() {
        let d = doc("– Hei.  Ja!\n");
        assert_eq!(
            d.rebuild(|s| Some(Cow::Owned(s.text.to_uppercase()))).unwrap(),
            b"\xe2\x80\x93 HEI.  JA!\n"
        );
    }

    proptest! {
        #[test]
        fn rebuild_is_lossless(text in "(?s)[a-zA-ZæøåÆØÅ0-9 .!?…«»()\"'’,;:\\-–\u{a0}\t\r\n\u{feff}\u{300}]{0,200}") {
            let d = doc(&text);
            prop_assert_eq!(d.rebuild(|_| None).unwrap(), text.as_bytes());
            let mut at = 0;
            for (s, r) in d.segments.iter().zip(d.plain().unwrap().1) {
                prop_assert!(r.start >= at && r.end > r.start);
                let t = d.segment_text(s);
                prop_assert_eq!(t.trim(), t);
                prop_assert!(!t.contains(['\n', '\r']));
                at = r.end;
            }
        }

        #[test]
        fn rebuild_is_lossless_for_any_text(text in any::<String>()) {
            let d = doc(&text);
            prop_assert_eq!(d.rebuild(|s| Some(Cow::Borrowed(&s.text))).unwrap(), text.as_bytes());
        }
    }
}
