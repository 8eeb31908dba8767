//! Lossless documents: a source text cut into sentence segments and the skeleton
//! around them.
//!
//! A [`Document`] keeps the exact text it was read from and the byte range of every
//! segment; the skeleton is everything between segments (line breaks, blank lines,
//! indentation, no-break spaces, dialogue dashes, a BOM, a missing final newline).
//! [`Document::rebuild`] puts a text back into each segment's place, so giving every
//! segment back unchanged reproduces the input byte for byte. This module does not
//! decide where sentences end (that is [`crate::segment`]) and does not translate.
//!
//! Each document format is one file of this folder behind [`DocumentFormat`], listed
//! in [`FORMATS`]: plain text ([`text`]) today. A format reads a file into a
//! [`Document`]; a new format is one new file and one line in the registry.

pub mod inline;
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
    fn read(&self, input: &mut dyn std::io::Read, path: &Path, segmenter: &Segmenter) -> Result<Document>;
}

/// Every document format, in the order they are asked to claim a file (plain text
/// last: it takes what no other format claims, and refuses what is not text).
pub static FORMATS: [&dyn DocumentFormat; 1] = [&text::PlainText];

/// Why a file that starts with `head` is no document tolk reads, when its first bytes
/// say it is a kind of file that is not text: a zip archive (a Word or LibreOffice
/// document), a PDF, an old binary Office file, RTF, or an image. `None` for anything
/// else, which a format may still refuse when it reads it.
pub fn unsupported(head: &[u8]) -> Option<&'static str> {
    const KINDS: [(&[u8], &str); 8] = [
        (b"PK\x03\x04", "a zip archive (a Word .docx, a LibreOffice .odt or another packaged file)"),
        (b"%PDF-", "a PDF file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old binary Office file (a Word .doc or an Excel .xls)"),
        (b"{\\rtf", "an RTF file"),
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
    /// Byte range of the sentence in [`Document::text`].
    pub range: Range<usize>,
    /// The id shared by every occurrence of the same (normalised) sentence.
    pub id: SegmentId,
    /// Where the sentence is.
    pub location: Location,
}

/// Where a segment occurs: 1-based line, and 1-based position among the segments of
/// that line.
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

/// A source document: its name, its exact text, and its segments in order.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's name, its file name in the corpus.
    pub name: String,
    /// The exact text, BOM included.
    pub text: String,
    /// The segments, in order, never overlapping.
    pub segments: Vec<Segment>,
}

impl Document {
    /// Reads and segments the file at `path`, named by its file name, in whichever
    /// document format claims it ([`FORMATS`]).
    pub fn read(path: &Path, segmenter: &Segmenter) -> Result<Document> {
        let mut head = Vec::with_capacity(512);
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        (&mut file).take(512).read_to_end(&mut head).map_err(|e| Error::io(path, e))?;
        let format = FORMATS.iter().find(|f| f.claims(path, &head)).unwrap_or(&FORMATS[FORMATS.len() - 1]);
        format.read(&mut head.as_slice().chain(file), path, segmenter)
    }

    /// Segments `bytes`, which must be UTF-8; `path` names the file in errors.
    pub fn from_bytes(name: String, bytes: Vec<u8>, path: &Path, segmenter: &Segmenter) -> Result<Document> {
        let text = crate::input::decode::utf8(path, bytes, "UTF-8")?;
        Ok(Document::parse(name, text, segmenter))
    }

    /// Segments `text`. A line ends at `\n`, `\r\n` or a lone `\r`, and a line break
    /// always ends a segment.
    pub fn parse(name: String, text: String, segmenter: &Segmenter) -> Document {
        let mut segments = Vec::new();
        let mut ranges = Vec::new();
        for (n, line) in lines(&text).enumerate() {
            ranges.clear();
            segmenter.split_line(&text[line.clone()], &mut ranges);
            for (i, r) in ranges.iter().enumerate() {
                let range = line.start + r.start..line.start + r.end;
                segments.push(Segment {
                    id: SegmentId::of(&text[range.clone()]),
                    range,
                    location: Location { line: n + 1, index: i + 1 },
                });
            }
        }
        Document { name, text, segments }
    }

    /// The text of `segment`, exactly as it stands in the document.
    pub fn segment_text(&self, segment: &Segment) -> &str {
        &self.text[segment.range.clone()]
    }

    /// The skeleton: the text before the first segment, between each two, and after
    /// the last one (always one more piece than there are segments).
    pub fn skeleton(&self) -> Vec<&str> {
        let mut pieces = Vec::with_capacity(self.segments.len() + 1);
        let mut at = 0;
        for s in &self.segments {
            pieces.push(&self.text[at..s.range.start]);
            at = s.range.end;
        }
        pieces.push(&self.text[at..]);
        pieces
    }

    /// The document with each segment replaced by what `fill` gives for it.
    pub fn rebuild<'a>(&'a self, mut fill: impl FnMut(&'a Segment, &'a str) -> Cow<'a, str>) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for s in &self.segments {
            out.push_str(&self.text[at..s.range.start]);
            out.push_str(&fill(s, &self.text[s.range.clone()]));
            at = s.range.end;
        }
        out.push_str(&self.text[at..]);
        out
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

    fn doc(text: &str) -> Document {
        Document::parse("t.txt".into(), text.into(), &Segmenter::default())
    }

    #[test]
    fn skeleton_keeps_layout() {
        let d = doc("\u{feff} – Hei. Hvem er du?\r\n\r\nTittel \u{a0}");
        let texts: Vec<_> = d.segments.iter().map(|s| d.segment_text(s)).collect();
        assert_eq!(texts, ["Hei.", "Hvem er du?", "Tittel"]);
        assert_eq!(d.skeleton(), ["\u{feff} – ", " ", "\r\n\r\n", " \u{a0}"]);
        let locs: Vec<_> = d.segments.iter().map(|s| (s.location.line, s.location.index)).collect();
        assert_eq!(locs, [(1, 1), (1, 2), (3, 1)]);
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
        assert_eq!(d.rebuild(|_, t| Cow::Owned(t.to_uppercase())), "– HEI.  JA!\n");
    }

    proptest! {
        #[test]
        fn rebuild_is_lossless(text in "(?s)[a-zA-ZæøåÆØÅ0-9 .!?…«»()\"'’,;:\\-–\u{a0}\t\r\n\u{feff}\u{300}]{0,200}") {
            let d = doc(&text);
            prop_assert_eq!(d.rebuild(|_, t| Cow::Borrowed(t)), text.clone());
            let mut at = 0;
            for s in &d.segments {
                prop_assert!(s.range.start >= at && s.range.end > s.range.start);
                let t = d.segment_text(s);
                prop_assert_eq!(t.trim(), t);
                prop_assert!(!t.contains(['\n', '\r']));
                at = s.range.end;
            }
        }

        #[test]
        fn rebuild_is_lossless_for_any_text(text in any::<String>()) {
            let d = doc(&text);
            prop_assert_eq!(d.rebuild(|_, t| Cow::Borrowed(t)), text);
        }
    }
}
