//! The hardened input layer under every reader: the size limits ([`limits`]), one
//! decoder for the encodings tolk accepts ([`decode`]), one CSV tokenizer for the checks
//! the `csv` crate does not make ([`csv`]), one XML policy ([`xml`]), and
//! one way to turn a byte offset into the line a person looks for ([`line_of`]).
//!
//! Every format reads its file through this layer, so that every reader refuses the
//! same things (an oversized line or cell, a NUL byte, text that is not the encoding it
//! claims) in the same words, naming the file, the line and the byte. The formats
//! themselves (CSV, TSV, TMX, XLIFF, XLSX, SRX, plain text) live elsewhere and know
//! nothing of byte order marks or limits beyond calling this.

pub mod csv;
pub mod decode;
pub mod limits;
pub mod stream;
pub mod xml;

/// The 1-based line of byte `offset` in `bytes` (an offset past the end counts as the
/// end): the number of line feeds before it, plus one.
pub fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The line of any byte offset of one text, for a reader that asks many times: the
/// starts of the lines are found once.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The line starts of `bytes`.
    pub fn new(bytes: &[u8]) -> LineIndex {
        let newlines = bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i + 1);
        LineIndex { starts: std::iter::once(0).chain(newlines).collect() }
    }

    /// The 1-based line of byte `offset`, as [`line_of`] counts it.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// Refuses, naming it, a `path` that is not a regular file once links are followed (a
/// FIFO, a device, a socket, a folder): a file tolk reads twice, once to tell its
/// format and once to read it, would block or read nothing the second time. `what`
/// names the file in the message: "a batch".
pub fn regular_file(path: &std::path::Path, what: &str) -> crate::error::Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| crate::error::Error::io(path, e))?;
    if meta.is_file() {
        return Ok(());
    }
    Err(crate::error::Error::at(
        path,
        crate::error::Place::File,
        format!(
            "is a {}, not a file; tolk reads {what} from a regular file (it reads it twice, once to tell its \
             format): save it to a file first",
            crate::store::kind_of(&meta)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_line_feeds_before_the_offset() {
        assert_eq!(line_of(b"", 0), 1);
        assert_eq!(line_of(b"a\nb\nc", 0), 1);
        assert_eq!(line_of(b"a\nb\nc", 1), 1);
        assert_eq!(line_of(b"a\nb\nc", 2), 2);
        assert_eq!(line_of(b"a\nb\nc", 99), 3);
        assert_eq!(line_of(b"a\r\nb", 3), 2);
        let text = b"a\nb\n\nc";
        let index = LineIndex::new(text);
        for offset in 0..text.len() + 3 {
            assert_eq!(index.line_of(offset), line_of(text, offset), "{offset}");
        }
    }
}
