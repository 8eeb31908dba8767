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

/// The largest piece of XML markup (a tag with its attributes, a comment): 8 MiB. A
/// CDATA section counts as markup, so it may carry up to this much text.
pub const MAX_XML_MARKUP: usize = 8 << 20;

const CHUNK: usize = 64 * 1024;

/// Reads a source document, refusing it as soon as one line is longer than
/// [`MAX_LINE`] bytes.
pub fn read_document(path: &Path) -> Result<Vec<u8>> {
    let (file, size) = open(path)?;
    check_lines(file, path, size)
}

/// The largest rule file (tolk rules or SRX): the built-in rules take 60 kB, and a
/// CAT tool's export with thousands of abbreviations a few MiB.
pub const MAX_RULE_FILE: usize = 16 << 20;

/// Reads a rule file: a source document's line limit, and at most [`MAX_RULE_FILE`]
/// bytes in all (a rule file that is a device, `/dev/urandom` say, is refused after
/// that much rather than read for ever).
pub fn read_rule_file(path: &Path) -> Result<Vec<u8>> {
    let (file, size) = open(path)?;
    let bytes = check_lines(file.take(MAX_RULE_FILE as u64 + 1), path, size.min(MAX_RULE_FILE))?;
    if bytes.len() > MAX_RULE_FILE {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            what: "the rule file".into(),
            limit: MAX_RULE_FILE,
        });
    }
    Ok(bytes)
}

/// Reads lines of text from `reader` (a file, stdin), refusing the input as soon as one
/// line is longer than [`MAX_LINE`] bytes; `name` names it in errors.
pub fn read_lines(reader: impl Read, name: &Path) -> Result<Vec<u8>> {
    check_lines(reader, name, 0)
}

fn check_lines(reader: impl Read, name: &Path, capacity: usize) -> Result<Vec<u8>> {
    let mut line = 1usize;
    let mut len = 0usize;
    let mut prev_cr = false;
    read_checked(reader, name, capacity, |chunk| {
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
                            path: name.to_path_buf(),
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

/// Reads an XML file (TMX, XLIFF), refusing it as soon as one run of text between two
/// pieces of markup is longer than [`MAX_XML_TEXT`] bytes, or one piece of markup (a
/// tag, a comment, a CDATA section) longer than [`MAX_XML_MARKUP`].
pub fn read_xml(path: &Path) -> Result<Vec<u8>> {
    let (file, size) = open(path)?;
    let mut line = 1usize;
    let mut start_line = 1usize;
    let mut len = 0usize;
    let mut in_markup = false;
    read_checked(file, path, size, |chunk| {
        for &b in chunk {
            if b == b'\n' {
                line += 1;
            }
            let (boundary, limit) = if in_markup { (b'>', MAX_XML_MARKUP) } else { (b'<', MAX_XML_TEXT) };
            if b == boundary {
                in_markup = !in_markup;
                len = 0;
                start_line = line;
                continue;
            }
            len += 1;
            if len > limit {
                let what = if in_markup { "markup" } else { "text" };
                return Err(Error::TooLarge {
                    path: path.to_path_buf(),
                    what: format!("the {what} starting on line {start_line}"),
                    limit,
                });
            }
        }
        Ok(())
    })
}

/// Reads a CSV file (memory or batch), refusing it as soon as one cell is longer than
/// [`MAX_CELL`] bytes. Cells are delimited by `,`, `;` or tab outside quotes; a quote
/// opens a quoted cell only at the start of a cell, as in RFC 4180, so `12" pizza` is
/// plain text. Neither quotes nor delimiters nor line ends are counted, so a cell is
/// never measured as longer than it is (a quoted cell of exactly [`MAX_CELL`] bytes
/// fits).
pub fn read_csv(path: &Path) -> Result<Vec<u8>> {
    let (file, size) = open(path)?;
    let mut scan = super::csv::Scan::new(None, MAX_CELL);
    read_checked(file, path, size, |chunk| scan.feed(chunk).map_err(|stop| cell_too_large(path, stop)))
}

/// The same check as [`read_csv`] on bytes already in memory: what tolk is about to
/// write is held to the limits it reads with.
pub fn check_csv(path: &Path, bytes: &[u8]) -> Result<()> {
    super::csv::Scan::new(None, MAX_CELL).feed(bytes).map_err(|stop| cell_too_large(path, stop))
}

fn cell_too_large(path: &Path, stop: super::csv::Stop) -> Error {
    Error::TooLarge {
        path: path.to_path_buf(),
        what: format!("a cell in row {}", stop.row()),
        limit: MAX_CELL,
    }
}

/// Opens `path`, with its size as a capacity hint.
fn open(path: &Path) -> Result<(File, usize)> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_or(0, |m| m.len() as usize);
    Ok((file, size))
}

/// Reads `reader` in chunks, handing each to `check` before keeping it; `name` names
/// the input in errors.
fn read_checked(
    mut reader: impl Read,
    name: &Path,
    capacity: usize,
    mut check: impl FnMut(&[u8]) -> Result<()>,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(capacity);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(name, e)),
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
    fn a_rule_file_is_read_up_to_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.rules");
        std::fs::write(&path, "a\n".repeat(MAX_RULE_FILE / 2)).unwrap();
        assert_eq!(read_rule_file(&path).unwrap().len(), MAX_RULE_FILE);
        std::fs::write(&path, "a\n".repeat(MAX_RULE_FILE / 2 + 1)).unwrap();
        let err = read_rule_file(&path).unwrap_err().to_string();
        assert!(
            err.ends_with("big.rules: the rule file is larger than the limit of 16777216 bytes"),
            "{err}"
        );
    }

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

        // A quote inside an unquoted cell opens nothing: the rest of the file is not one cell.
        let mut text = b"source,target\nEn 12\" pizza.,A 12-inch pizza.\n".to_vec();
        for _ in 0..(MAX_CELL / 10) {
            text.extend(b"Hei.,Hi.\n");
        }
        std::fs::write(&csv, &text).unwrap();
        assert_eq!(read_csv(&csv).unwrap().len(), text.len());
        text.extend(b"\"");
        text.extend(std::iter::repeat_n(b'x', MAX_CELL + 1));
        std::fs::write(&csv, &text).unwrap();
        let err = read_csv(&csv).unwrap_err().to_string();
        assert!(err.contains("m.csv: a cell in row "), "{err}");

        // An unquoted cell over the limit, ended by a delimiter within the same chunk.
        let mut text = b"source,target\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_CELL + 1));
        text.extend(b",y\n");
        std::fs::write(&csv, &text).unwrap();
        let err = read_csv(&csv).unwrap_err().to_string();
        assert!(err.ends_with("m.csv: a cell in row 2 is larger than the limit of 1048576 bytes"), "{err}");

        let xml = dir.path().join("t.tmx");
        let mut text = b"<tmx>\n<seg>".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_XML_TEXT + 1));
        std::fs::write(&xml, &text).unwrap();
        let err = read_xml(&xml).unwrap_err().to_string();
        assert!(
            err.ends_with("t.tmx: the text starting on line 2 is larger than the limit of 1048576 bytes"),
            "{err}"
        );
        text.truncate(11 + MAX_XML_TEXT);
        text.extend(b"</seg>");
        std::fs::write(&xml, &text).unwrap();
        assert_eq!(read_xml(&xml).unwrap().len(), text.len());
    }
}
