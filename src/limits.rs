//! The sizes tolk refuses to go beyond, and the readers that enforce them while
//! reading, so that an oversized line or cell is refused before the file is read whole.
//!
//! Anything larger than a limit is an [`Error::TooLarge`] that names the file, where in
//! it, and the limit. The limits are stated in the README.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The largest cell of a CSV file (memory or batch): 1 MiB.
pub const MAX_CELL: usize = 1 << 20;

/// The largest line of a source document, and so the largest segment: 1 MiB.
pub const MAX_LINE: usize = 1 << 20;

/// The largest text of one XML element (a TMX `seg`, an XLIFF `source` or `target`): 1 MiB.
pub const MAX_XML_TEXT: usize = 1 << 20;

const CHUNK: usize = 64 * 1024;

/// Reads a source document, refusing it as soon as one line is longer than
/// [`MAX_LINE`] bytes.
pub fn read_document(path: &Path) -> Result<Vec<u8>> {
    let mut line = 1usize;
    let mut len = 0usize;
    let mut prev_cr = false;
    read_checked(path, |chunk| {
        for &b in chunk {
            match b {
                b'\n' if prev_cr => len = 0,
                b'\n' | b'\r' => {
                    line += 1;
                    len = 0;
                }
                _ => {
                    len += 1;
                    if len > MAX_LINE {
                        return Err(Error::TooLarge {
                            path: path.to_path_buf(),
                            what: format!("line {line}"),
                            limit: MAX_LINE,
                        });
                    }
                }
            }
            prev_cr = b == b'\r';
        }
        Ok(())
    })
}

/// Reads a CSV file (memory or batch), refusing it as soon as one cell is longer than
/// [`MAX_CELL`] bytes. Cells are delimited by `,`, `;` or tab outside quotes, and
/// neither quotes nor delimiters nor line ends are counted, so a cell is never measured
/// as longer than it is (a quoted cell of exactly [`MAX_CELL`] bytes fits).
pub fn read_csv(path: &Path) -> Result<Vec<u8>> {
    let mut row = 1u64;
    let mut len = 0usize;
    let mut quoted = false;
    read_checked(path, |chunk| {
        for &b in chunk {
            match b {
                b'"' => quoted = !quoted,
                b',' | b';' | b'\t' if !quoted => len = 0,
                b'\n' if !quoted => {
                    row += 1;
                    len = 0;
                }
                b'\r' if !quoted => {}
                _ => {
                    len += 1;
                    if len > MAX_CELL {
                        return Err(Error::TooLarge {
                            path: path.to_path_buf(),
                            what: format!("a cell in row {row}"),
                            limit: MAX_CELL,
                        });
                    }
                }
            }
        }
        Ok(())
    })
}

/// Reads `path` in chunks, handing each to `check` before keeping it.
fn read_checked(path: &Path, mut check: impl FnMut(&[u8]) -> Result<()>) -> Result<Vec<u8>> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(path, e)),
        };
        check(&buf[..n])?;
        out.extend_from_slice(&buf[..n]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_lines_and_cells_are_refused_while_reading() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("d.txt");
        let mut text = b"Kort linje.\r\n".to_vec();
        text.extend(std::iter::repeat_n(b'a', MAX_LINE + 1));
        std::fs::write(&doc, &text).unwrap();
        let err = read_document(&doc).unwrap_err().to_string();
        assert!(err.ends_with("d.txt: line 2 is larger than the limit of 1048576 bytes"), "{err}");
        text.truncate(13 + MAX_LINE);
        std::fs::write(&doc, &text).unwrap();
        assert_eq!(read_document(&doc).unwrap().len(), text.len());

        let csv = dir.path().join("m.csv");
        let mut text = b"source,target\n\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_CELL + 1));
        text.extend(b"\",y\n");
        std::fs::write(&csv, &text).unwrap();
        let err = read_csv(&csv).unwrap_err().to_string();
        assert!(err.ends_with("m.csv: a cell in row 2 is larger than the limit of 1048576 bytes"), "{err}");
    }
}
