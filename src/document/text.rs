//! Plain text documents: UTF-8, a line break ends a segment, and everything between
//! segments (line breaks, blank lines, indentation, a BOM) is skeleton, so the English
//! edition keeps the layout byte for byte.

use std::path::Path;

use super::{Document, DocumentFormat};
use crate::error::Result;
use crate::segment::Segmenter;

/// The plain text format.
pub struct PlainText;

impl DocumentFormat for PlainText {
    fn name(&self) -> &'static str {
        "text"
    }

    /// Whatever no other format claims, does not start like a kind of file that is
    /// not text ([`super::unsupported`]) and is not named as code, styles, data or
    /// markup ([`super::not_prose`]); what is still not text is refused when read.
    fn claims(&self, path: &Path, head: &[u8]) -> bool {
        super::unsupported(head).is_none() && super::not_prose(path).is_none()
    }

    /// A line longer than [`crate::input::limits::MAX_LINE`] is refused before the file
    /// is read whole.
    fn read(
        &self,
        input: &mut dyn std::io::Read,
        path: &Path,
        segmenter: &Segmenter,
        _options: &super::ReadOptions,
    ) -> Result<Document> {
        let bytes = crate::input::limits::read_lines(input, path)?;
        Document::from_bytes(super::name_of(path), bytes, path, segmenter)
    }
}
