//! The plainest memory exchange format there is: two columns, source and target,
//! separated by one tab, a line each. Read only: tolk writes TMX or CSV.
//!
//! What spreadsheets write as tab-separated text is read as they write it: Excel's
//! "Unicode text" (UTF-16 with a byte order mark, usually named `.txt`) and its
//! "Text (tab delimited)" in Windows-1252, and the quoting Excel and LibreOffice put
//! around a cell (`"Han sa ""hei""."`). A file is read with CSV's quoting rules only
//! when it shows them (a doubled quote, a tab or a line break inside a quoted cell,
//! or every cell with text quoted, as LibreOffice's "quote all text cells" writes);
//! else every quote is text, so a plain file's `"Hei," sa han.` keeps its quotes.
//! Nothing here decides what to merge.

use std::path::Path;

use super::{Exchanged, MemoryFormat, ReadOptions, Units};
use crate::error::{Error, Place, Result};
use crate::import::RowOrLine;
use crate::input::decode::{self, Accept};
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

    /// A tab in the first line, in UTF-8 or in UTF-16 with a byte order mark.
    fn sniff(&self, head: &[u8]) -> bool {
        super::head_text(head).split('\n').next().is_some_and(|line| line.contains('\t'))
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
        let mut warnings: Vec<String> = read.note.into_iter().collect();
        warnings.extend(super::skipped_warning(&read.skipped_empty));
        Ok(Exchanged {
            entries,
            unit: RowOrLine::Line,
            skipped_empty: read.skipped_empty.total,
            warnings_total: warnings.len(),
            warnings,
            ..Exchanged::default()
        }
        .with_entity_warning(RowOrLine::Line))
    }
}

/// What a two-column TSV file held.
#[derive(Debug, Default)]
pub struct TsvFile {
    /// One entry per record with a source and a target; `row` is the line it starts on.
    pub entries: Vec<Entry>,
    /// Records skipped because the source or target is empty, by line.
    pub skipped_empty: Units,
    /// What the file was read as when it was not UTF-8 (`read as UTF-16LE`).
    pub note: Option<String>,
}

/// Reads two-column TSV, `source<TAB>target` on every line, with an optional header
/// `source<TAB>target` (quoted or not). UTF-8 (a byte order mark is allowed), UTF-16
/// with a byte order mark, or Windows-1252 or Mac Roman (said in [`TsvFile::note`]);
/// LF or CRLF; blank lines are skipped; quoted cells as the module docs say.
///
/// A line longer than [`limits::MAX_LINE`] is refused while the file is read, before
/// it is read whole.
pub fn read_tsv(path: &Path) -> Result<TsvFile> {
    let bytes = limits::read_document(path)?;
    parse_tsv(path, &bytes)
}

/// One record of the file: the line it starts on and its cells.
type Record = (u64, Vec<String>);

/// Parses TSV `bytes`; `path` names the file in messages.
pub fn parse_tsv(path: &Path, bytes: &[u8]) -> Result<TsvFile> {
    let decoded = decode::decode(path, bytes, Accept::Legacy, "UTF-8")?;
    let text = decoded.text.as_ref();
    let records = quoted_records(text).unwrap_or_else(|| plain_records(text));
    let mut file = TsvFile { note: decoded.note.clone(), ..TsvFile::default() };
    let mut first = true;
    for (number, cells) in records {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
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
            file.skipped_empty.add(format!("line {number}"));
            continue;
        }
        // A legacy encoding cannot hold Ł, Č or ő: the spreadsheet wrote `?` for them.
        if decoded.is_legacy() {
            super::refuse_lost_letters(path, |_| Place::line(number), &cells[0], &cells[1])?;
        }
        let mut cells = cells.into_iter();
        file.entries.push(Entry {
            source: cells.next().unwrap_or_default(),
            target: cells.next().unwrap_or_default(),
            row: number,
            ..Entry::default()
        });
    }
    Ok(file)
}

/// The records of `text` split at line ends and tabs, every quote text.
fn plain_records(text: &str) -> Vec<Record> {
    text.split('\n')
        .enumerate()
        .map(|(n, line)| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            (n as u64 + 1, line.split('\t').map(str::to_string).collect())
        })
        .collect()
}

/// The records of `text` read with CSV's quoting rules (a quote opens a cell only at
/// its start; `""` inside is one quote), when the file is written so: `None` when its
/// quoting breaks those rules (text after a closing quote, a quote never closed) or
/// nothing shows the file was quoted by them.
fn quoted_records(text: &str) -> Option<Vec<Record>> {
    let mut records = Vec::new();
    let mut cells = Vec::new();
    let mut line = 1u64;
    let mut start = 1u64;
    // Whether a quoted cell shows the quoting: a doubled quote, a tab or a line break.
    let mut shown = false;
    // Whether every cell with text was quoted (numbers left bare, as LibreOffice does).
    let mut all_quoted = true;
    let mut any_quoted = false;
    let mut chars = text.chars().peekable();
    loop {
        // The start of a cell.
        let mut cell = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            any_quoted = true;
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                        shown = true;
                    }
                    '"' => break,
                    c => {
                        if c == '\n' {
                            line += 1;
                        }
                        shown |= matches!(c, '\t' | '\n' | '\r');
                        cell.push(c);
                    }
                }
            }
            if !matches!(chars.peek(), None | Some('\t' | '\r' | '\n')) {
                return None;
            }
        } else {
            while let Some(&c) = chars.peek() {
                if matches!(c, '\t' | '\r' | '\n') {
                    break;
                }
                cell.push(c);
                chars.next();
            }
            let number = cell.chars().all(|c| c.is_ascii_digit() || " .,+-%".contains(c));
            all_quoted &= number;
        }
        cells.push(cell);
        match chars.next() {
            Some('\t') => continue,
            Some('\r') if chars.peek() == Some(&'\n') => {
                chars.next();
            }
            Some(_) => {}
            None => {
                records.push((start, std::mem::take(&mut cells)));
                break;
            }
        }
        records.push((start, std::mem::take(&mut cells)));
        line += 1;
        start = line;
        if chars.peek().is_none() {
            break;
        }
    }
    (any_quoted && (shown || all_quoted)).then_some(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(file: &TsvFile) -> Vec<(&str, &str, u64)> {
        file.entries.iter().map(|e| (e.source.as_str(), e.target.as_str(), e.row)).collect()
    }

    #[test]
    fn tsv_has_two_cells_a_line() {
        let file = parse_tsv(
            Path::new("t.tsv"),
            "\u{feff}Source\tTarget\r\nHei.\tHi.\r\n\r\nTom.\t\nJa, \"sa\" han.\tYes, he said.".as_bytes(),
        )
        .unwrap();
        assert_eq!(pairs(&file), [("Hei.", "Hi.", 2), ("Ja, \"sa\" han.", "Yes, he said.", 5)]);
        assert_eq!(file.skipped_empty.counted("translation"), "1 translation (line 4)");
        let err = parse_tsv(Path::new("t.tsv"), b"Hei.\tHi.\nEn\tto\ttre\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.tsv: line 2: expected two cells, source and target, separated by one tab; found 3"
        );
        let err = parse_tsv(Path::new("t.tsv"), b"Hei.\tH\xc3\xa5\xffi.\n").unwrap_err();
        assert!(err.to_string().contains("invalid UTF-8"), "{err}");
    }

    #[test]
    fn a_spreadsheets_quoting_is_read_as_csvs() {
        // LibreOffice, every text cell quoted; the header quoted too.
        let lo = "\"source\"\t\"target\"\n\"Han sa \"\"hei\"\" til meg.\"\t\"He said \"\"hi\"\" to me.\"\n\"Tolv.\"\t12\n";
        let file = parse_tsv(Path::new("lo.tsv"), lo.as_bytes()).unwrap();
        assert_eq!(
            pairs(&file),
            [("Han sa \"hei\" til meg.", "He said \"hi\" to me.", 2), ("Tolv.", "12", 3)]
        );
        // Excel, only the cells that need it, one with a line break.
        let excel = "source\ttarget\r\n\"To\r\nlinjer\"\tTwo lines\r\n\"Sitat \"\"her\"\"\"\t\"Quote \"\"here\"\"\"\r\nJa.\tYes.\r\n";
        let file = parse_tsv(Path::new("x.tsv"), excel.as_bytes()).unwrap();
        assert_eq!(
            pairs(&file),
            [("To\r\nlinjer", "Two lines", 2), ("Sitat \"her\"", "Quote \"here\"", 4), ("Ja.", "Yes.", 5)]
        );
    }

    #[test]
    fn quotes_in_a_file_without_quoting_are_text() {
        for (text, expected) in [
            // Text after a closing quote: no CSV quoting.
            ("\"Hei,\" sa han.\t\"Hi,\" he said.\n", [("\"Hei,\" sa han.", "\"Hi,\" he said.", 1)]),
            // A quoted sentence beside unquoted cells, with nothing a quoting would need.
            ("\"Vi går.\"\t\"We go.\"\nJa.\tYes.\n", [("\"Vi går.\"", "\"We go.\"", 1)]),
        ] {
            let file = parse_tsv(Path::new("t.tsv"), text.as_bytes()).unwrap();
            assert_eq!(pairs(&file)[..1], expected, "{text}");
        }
    }

    #[test]
    fn excels_unicode_text_is_read() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "source\ttarget\r\nBlåbær.\tBlueberries.\r\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let file = parse_tsv(Path::new("u.txt"), &bytes).unwrap();
        assert_eq!(pairs(&file), [("Blåbær.", "Blueberries.", 2)]);
        assert_eq!(file.note.as_deref(), Some("read as UTF-16LE"));
    }

    #[test]
    fn a_letter_a_legacy_encoding_lost_is_refused() {
        let err = parse_tsv(Path::new("w.tsv"), b"K\xe5re.\tKaare.\n?apek.\tCapek.\n").unwrap_err();
        assert!(err.to_string().starts_with("w.tsv: line 2: "), "{err}");
        assert!(err.to_string().contains("has a `?` inside a word"), "{err}");
    }
}
