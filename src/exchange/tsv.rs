//! The plainest memory exchange format there is: two columns, source and target,
//! separated by one tab, a line each, UTF-8. Read only: tolk writes TMX or CSV.

use std::path::Path;

use super::{Exchanged, MemoryFormat, ReadOptions};
use crate::error::{Error, Place, Result};
use crate::import::RowOrLine;
use crate::input::limits::{self, MAX_CELL};
use crate::memory::Entry;
use crate::timestamp::Timestamp;

/// The two-column TSV format.
pub struct Tsv;

impl MemoryFormat for Tsv {
    fn name(&self) -> &'static str {
        "tsv"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["tsv", "tab"]
    }

    /// A tab in the first line.
    fn sniff(&self, head: &[u8]) -> bool {
        let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        text.split(|&b| b == b'\n').next().is_some_and(|line| line.contains(&b'\t'))
    }

    /// The entries dated now and stamped `tsv:<file>`: the file says nothing of either.
    fn read(&self, path: &Path, _options: &ReadOptions<'_>) -> Result<Exchanged> {
        let read = read_tsv(path)?;
        let now = Timestamp::now().to_string();
        let origin = format!("tsv:{}", super::file_name(path));
        let entries = read
            .entries
            .into_iter()
            .map(|e| Entry {
                created: now.clone().into(),
                changed: now.clone().into(),
                origin: origin.clone().into(),
                ..e
            })
            .collect();
        Ok(Exchanged {
            entries,
            unit: RowOrLine::Line,
            skipped_empty: read.skipped_empty,
            ..Exchanged::default()
        })
    }
}

/// What a two-column TSV file held.
#[derive(Debug, Default)]
pub struct TsvFile {
    /// One entry per line with a source and a target; `row` is the line.
    pub entries: Vec<Entry>,
    /// Lines skipped because the source or target is empty.
    pub skipped_empty: usize,
}

/// Reads two-column TSV, `source<TAB>target` on every line, with an optional header
/// line `source<TAB>target`. UTF-8 (a byte order mark is allowed), LF or CRLF; blank
/// lines are skipped. There is no quoting: a cell cannot hold a tab or a line break.
///
/// A line longer than [`limits::MAX_LINE`] is refused while the file is read, before
/// it is read whole.
pub fn read_tsv(path: &Path) -> Result<TsvFile> {
    let bytes = limits::read_document(path)?;
    parse_tsv(path, &bytes)
}

/// Parses TSV `bytes`; `path` names the file in messages.
pub fn parse_tsv(path: &Path, bytes: &[u8]) -> Result<TsvFile> {
    let decoded = crate::input::decode::decode(path, bytes, crate::input::decode::Accept::Utf8, "UTF-8")?;
    let text = decoded.text.as_ref();
    let mut file = TsvFile::default();
    let mut first = true;
    for (n, line) in text.split('\n').enumerate() {
        let number = n as u64 + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let is_header = first
            && cells.len() == 2
            && cells[0].trim().eq_ignore_ascii_case("source")
            && cells[1].trim().eq_ignore_ascii_case("target");
        first = false;
        if is_header {
            continue;
        }
        if cells.len() != 2 {
            return Err(Error::at(
                path,
                Place::line(number),
                format!("expected two cells, source and target, separated by one tab; found {}", cells.len()),
            ));
        }
        if cells.iter().any(|c| c.len() > MAX_CELL) {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                what: format!("a cell on line {number}"),
                limit: MAX_CELL,
            });
        }
        if cells[0].trim().is_empty() || cells[1].trim().is_empty() {
            file.skipped_empty += 1;
            continue;
        }
        file.entries.push(Entry {
            source: cells[0].to_string(),
            target: cells[1].to_string(),
            row: number,
            ..Entry::default()
        });
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_has_two_cells_a_line() {
        let file = parse_tsv(
            Path::new("t.tsv"),
            "\u{feff}Source\tTarget\r\nHei.\tHi.\r\n\r\nTom.\t\nJa, \"sa\" han.\tYes, he said.".as_bytes(),
        )
        .unwrap();
        let pairs: Vec<(&str, &str, u64)> =
            file.entries.iter().map(|e| (e.source.as_str(), e.target.as_str(), e.row)).collect();
        assert_eq!(pairs, [("Hei.", "Hi.", 2), ("Ja, \"sa\" han.", "Yes, he said.", 5)]);
        assert_eq!(file.skipped_empty, 1);
        let err = parse_tsv(Path::new("t.tsv"), b"Hei.\tHi.\nEn\tto\ttre\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.tsv: line 2: expected two cells, source and target, separated by one tab; found 3"
        );
        let err = parse_tsv(Path::new("t.tsv"), b"Hei.\tH\xffi.\n").unwrap_err();
        assert_eq!(err.to_string(), "t.tsv: line 1 (byte 6): invalid UTF-8; save the file again as UTF-8");
    }
}
