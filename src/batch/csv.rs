//! CSV batches: written so Excel and LibreOffice open them cleanly (UTF-8 with a BOM,
//! the chosen delimiter, CRLF, quotes where needed, and every cell that a spreadsheet
//! would run as a formula neutralised by [`escape_cell`]), and read back as a
//! spreadsheet gives them.
//!
//! Accepts UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"),
//! and Windows-1252 or Mac Roman (Excel's plain "CSV" on Windows and on a Mac), each
//! detected and named in a note; `,`, `;` or tab as delimiter, detected from the header; CRLF or LF;
//! quoted line breaks; columns in any order and case; extra columns (ignored). A target
//! a spreadsheet rewrote (a formula's text or result, a date or number in its own form:
//! [`crate::import::spreadsheet`]) is refused by row. File-
//! level problems (encoding, delimiter, header) are an [`Error`]; problems of one row
//! become [`Problem`]s so that every one of them can be listed.

use std::io::Write;
use std::path::Path;

use super::{Batch, Delimiter, ReadFile, COLUMNS};
use crate::error::{Error, Place, Result};
use crate::import::{ImportRow, Origin, Problem};
use crate::input::decode::{decode, Accept};
use crate::input::limits::MAX_CELL;
use crate::memory::{check_quoting, detect_delimiter, joined_names};

/// The CSV batch format, written with `delimiter` (read with whichever the header has).
pub struct Csv {
    /// The delimiter written.
    pub delimiter: Delimiter,
}

impl super::BatchFormat for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["csv", "tsv", "txt"]
    }

    /// Whatever no other format claims.
    fn claims(&self, _path: &Path, _head: &[u8]) -> bool {
        true
    }

    fn describe(&self) -> String {
        format!("{} delimiter", self.delimiter.name())
    }

    fn write(&self, batch: &Batch) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        write(batch, self.delimiter, &mut bytes)
            .map_err(|e| Error::Invalid(format!("cannot write the batch: {e}")))?;
        Ok(bytes)
    }

    fn read(&self, path: &Path) -> Result<ReadFile> {
        read(path)
    }
}

/// Writes `batch` as CSV for spreadsheets: UTF-8 BOM, `delimiter`, CRLF.
pub fn write(batch: &Batch, delimiter: Delimiter, out: impl Write) -> Result<(), csv::Error> {
    let mut out = out;
    out.write_all(b"\xef\xbb\xbf")?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(COLUMNS)?;
    for r in &batch.rows {
        let score = r.score.map(|s| s.to_string()).unwrap_or_default();
        let words = r.words.to_string();
        let id = r.id.to_string();
        let (places, context, terms, repaired) =
            (r.places_cell(), r.context(), r.terms_cell(), r.repaired_cell());
        let cells = [
            &id,
            &places,
            &words,
            &score,
            &r.source,
            &r.suggestion,
            &r.suggestion_source,
            &r.target,
            "",
            &context,
            &terms,
            &repaired,
        ];
        w.write_record(cells.iter().map(|c| escape_cell(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

/// Reads the translator CSV at `path`.
pub fn read(path: &Path) -> Result<ReadFile> {
    let bytes = crate::input::limits::read_csv(path)?;
    parse(path, &bytes)
}

/// Parses translator CSV `bytes`; `path` names the file in messages.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<ReadFile> {
    let mut file = ReadFile::default();
    let decoded = decode(path, bytes, Accept::Legacy, "\"CSV UTF-8\"")?;
    let legacy = decoded.is_legacy();
    file.notes.extend(decoded.note);
    let text = decoded.text;
    let fail = |row: u64, message: String| Error::at(path, Place::row(row, None), message);
    if text.trim().is_empty() {
        return Err(fail(1, "the file is empty; expected a header row with id, source and target".into()));
    }
    // Excel's own way to name the delimiter: a first line `sep=;`, which it hides.
    let first_line = text.lines().next().unwrap_or_default().trim_end_matches('\r');
    let declared =
        first_line.strip_prefix("sep=").or_else(|| first_line.strip_prefix("SEP=")).and_then(|d| {
            match d.as_bytes() {
                [b @ (b',' | b';' | b'\t' | b'|')] => Some(*b),
                _ => None,
            }
        });
    let detected = declared.or_else(|| detect_delimiter(text.as_bytes(), &["id", "source", "target"]));
    let delimiter = detected.ok_or_else(|| {
        fail(
            1,
            "cannot find the delimiter: expected the header id, source, target separated by `,`, `;` or tabs"
                .into(),
        )
    })?;
    if delimiter != b',' {
        file.notes.push(format!(
            "delimiter {}",
            if delimiter == b'\t' { "tab".to_string() } else { char::from(delimiter).to_string() }
        ));
    }
    // Excel hides the `sep=` line: the header is the row it shows as 1, and every row
    // is named by the number the translator sees.
    let hidden = u64::from(declared.is_some());
    check_quoting(text.as_bytes(), delimiter)
        .map_err(|(row, message)| fail(row.saturating_sub(hidden).max(1), message))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    if declared.is_some() {
        records.next();
    }
    let header_row = 1;
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(fail(header_row, e.to_string())),
        None => return Err(fail(header_row, "no header row".into())),
    };
    // The byte order mark tolk writes, read as Windows-1252 and saved again as UTF-8
    // (`ï»¿`): the whole file was, and its rows are undone at import.
    if header.get(0).is_some_and(|first| first.starts_with("ï»¿")) {
        file.double_encoded = true;
    }
    let names: Vec<String> = (header.iter().enumerate())
        .map(|(i, h)| if i == 0 { h.trim_start_matches("ï»¿") } else { h })
        .map(|h| h.trim().to_lowercase())
        .collect();
    let find = |name: &str| names.iter().position(|n| n == name);
    let missing: Vec<&str> = ["id", "source", "target"].into_iter().filter(|c| find(c).is_none()).collect();
    if !missing.is_empty() {
        let found = header.iter().collect::<Vec<_>>().join(" | ");
        // The column names in one cell: the file was opened with another separator
        // than its own and saved again.
        let joined = header.iter().find_map(|cell| joined_names(cell, &["id", "source", "target"]));
        let what_to_do = match joined {
            Some(d) => {
                let own = if d == '\t' { "tab".to_string() } else { format!("`{d}`") };
                format!(
                    "the column names stand in one cell, separated by {own}: the batch was opened with another \
                     separator than its own, which put each row in one cell, and saved so; this file cannot be read \
                     back, so open the batch as tolk wrote it again choosing {own} as the only separator \
                     (LibreOffice: Separator Options in the Text Import dialog; Excel: Data > From Text/CSV, \
                     Delimiter) and copy the translations into it"
                )
            }
            None => super::missing_columns_hint(&missing),
        };
        return Err(fail(
            header_row,
            format!(
                "the header lacks the column{} {}; found {}; {what_to_do}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                crate::shown::quoted(&found),
            ),
        ));
    }
    // A second `Target` column beside an empty `target` would hold the translations
    // where they are never read: a name twice is refused, as the memory reader does.
    let mut seen = std::collections::HashSet::new();
    for (i, name) in names.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
        if !seen.insert(name) {
            return Err(Error::at(
                path,
                Place::row(header_row, Some(&header[i])),
                format!("the column {name} appears twice in the header; keep one of them"),
            ));
        }
    }
    let (id, source, target) =
        (find("id").unwrap_or(0), find("source").unwrap_or(0), find("target").unwrap_or(0));
    let translator = find("translator");
    let suggestion = find("suggestion");
    let suggestion_source = find("suggestion_source");
    let comment = find("comment");
    let mut rows = crate::input::csv::Rows::new(text.as_bytes(), delimiter);
    let mut row = 1;
    // Columns tolk does not read, and the rows with text in each.
    let mut unread: Vec<(String, usize, Vec<u64>)> = (names.iter().enumerate())
        .filter(|(_, n)| !super::is_known_column(n))
        .map(|(i, _)| (header[i].trim().to_string(), i + 1, Vec::new()))
        .collect();
    for record in records {
        let record = record
            .map_err(|e| fail(e.position().map_or(row + 1, |p| rows.at(p.byte()) - hidden), e.to_string()))?;
        row = record.position().map_or(row + 1, |p| rows.at(p.byte()) - hidden);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        for (_, number, rows) in unread.iter_mut() {
            if record.get(*number - 1).is_some_and(|c| !c.trim().is_empty()) {
                rows.push(row);
            }
        }
        let origin = Origin::row(path, row);
        let mut refuse = |column: &str, expected: String, found: String| {
            file.problems.push(Problem {
                origin: origin.clone(),
                column: column.to_string(),
                expected,
                found,
            });
        };
        if record.len() != names.len() {
            refuse(
                "",
                format!("{} cells as in the header", names.len()),
                format!(
                    "{} (a cell with an unquoted delimiter, or another delimiter than the header's)",
                    record.len()
                ),
            );
            continue;
        }
        if let Some((i, _)) = record.iter().enumerate().find(|(_, c)| c.len() > MAX_CELL) {
            refuse(
                &header[i],
                format!("a cell of at most {MAX_CELL} bytes"),
                format!("{} bytes", record[i].len()),
            );
            continue;
        }
        // A legacy encoding cannot hold Ł, Č, ő, − or an emoji: the spreadsheet wrote `?`
        // for them, which shows where a `?` runs into a letter, or where a translation
        // has more of them than its sentence.
        let lost = legacy.then(|| {
            [Some(target), comment].into_iter().flatten().find(|&c| lost_letters(&record[c])).or_else(|| {
                let marks = |cell: &str| question_marks(unescape_cell(cell));
                (marks(&record[target]) > marks(&record[source])).then_some(target)
            })
        });
        if let Some(c) = lost.flatten() {
            let inside = lost_letters(&record[c]);
            refuse(
                &header[c],
                "text with every letter".into(),
                format!(
                    "{}: {}, where the spreadsheet's legacy encoding lost a character it cannot hold; save the \
                     file as \"CSV UTF-8\", or use the XLSX batch",
                    crate::shown::quoted(&record[c]),
                    if inside { "a `?` inside a word" } else { "a `?` the sentence does not have" }
                ),
            );
            continue;
        }
        let cell = |c: usize| unescape_cell(&record[c]).to_string();
        let (source_cell, target_cell) = (cell(source), cell(target));
        // What a spreadsheet left of a formula or a failed one, as text (a workbook's
        // text cells are checked the same way; XLIFF has none).
        // A cell tolk wrote starting with `=` has its apostrophe: one without it is a
        // formula's text, as a spreadsheet saves it when asked to keep formulas.
        let damage = crate::import::spreadsheet::formula_text(&source_cell, &record[target])
            .or_else(|| crate::import::spreadsheet::target_damage(&source_cell, &target_cell));
        if let Some(why) = damage {
            refuse(&header[target], "a translation".into(), why);
            continue;
        }
        let filled = |c: Option<usize>, unescape: bool| {
            let value = c.map(|c| if unescape { cell(c) } else { record[c].to_string() });
            value.filter(|v| !v.trim().is_empty())
        };
        file.rows.push(ImportRow {
            element_lines: None,
            id: cell(id),
            source: source_cell,
            target: target_cell,
            translator: filled(translator, false),
            state: crate::import::UnitState::default(),
            source_copy: false,
            prefilled: false,
            unit: crate::import::XliffUnit::default(),
            suggestion: filled(suggestion, true),
            none_offered: suggestion_source.is_some() && filled(suggestion_source, false).is_none(),
            comment: filled(comment, true),
            origin,
        });
    }
    unread.retain(|(_, _, rows)| !rows.is_empty());
    file.warnings.extend(super::unread(&unread));
    Ok(file)
}

/// Whether `cell` has a `?` straight before a letter (`?apek`, `?ód?`), which prose does
/// not, and a save in a legacy encoding leaves where a letter was; not in a URL or an
/// address's query (`https://nrk.no/sok?q=jazz`, `side?id=3`), where it begins one.
pub(crate) fn lost_letters(cell: &str) -> bool {
    cell.split_whitespace().filter(|word| !in_url(word)).any(|word| {
        word.char_indices().any(|(i, c)| c == '?' && word[i + 1..].starts_with(char::is_alphabetic))
    })
}

/// Whether the `?` of `word` may begin a URL's or an address's query
/// (`https://nrk.no/sok?q=jazz`, `www.vg.no/?side`, `side?id=3`).
fn in_url(word: &str) -> bool {
    word.contains("://")
        || word.starts_with("www.")
        || word.split_once('?').is_some_and(|(_, after)| after.contains('='))
}

/// The question marks of `cell` that end no question: one standing alone (`Reuters ?
/// AP`), starting a word (`?5 °C`) or followed by a letter, digit or mark other than a
/// closing quote or bracket (`Pozna?.`), which a legacy encoding writes for a character
/// it cannot hold. One that ends a question, after a word and before a space, the end
/// or a closing quote (`Who knows?`), is a translation's own, as is a URL's query.
fn question_marks(cell: &str) -> usize {
    cell.split_whitespace()
        .filter(|word| !in_url(word))
        .map(|word| {
            let chars: Vec<char> = word.chars().collect();
            let closing = |c: char| matches!(c, '"' | '\'' | '»' | '”' | '’' | ')' | ']' | '?' | '!');
            (0..chars.len())
                .filter(|&i| chars[i] == '?')
                .filter(|&i| {
                    let after_word = i > 0 && (chars[i - 1].is_alphanumeric() || closing(chars[i - 1]));
                    let ends = chars[i + 1..].iter().all(|&c| closing(c));
                    !(after_word && ends)
                })
                .count()
        })
        .sum()
}

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Neutralises a cell a spreadsheet would run as a formula by putting an apostrophe
/// before it (and before a cell that already starts with an apostrophe followed by
/// such a character, or by another apostrophe, so that [`unescape_cell`] is exact).
pub fn escape_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = cell.chars();
    let needs = match chars.next() {
        Some(c) if FORMULA_START.contains(&c) => true,
        Some('\'') => chars.next().is_some_and(|c| c == '\'' || FORMULA_START.contains(&c)),
        _ => false,
    };
    if needs {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Undoes [`escape_cell`]: `unescape_cell(&escape_cell(x)) == x` for every `x`.
pub fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c: char| c == '\'' || FORMULA_START.contains(&c)) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `?` before a letter is a letter lost to a legacy encoding, but not in a URL's
    /// or an address's query.
    #[test]
    fn a_question_mark_before_a_letter_is_a_lost_letter_outside_urls() {
        for lost in ["?apek-prisen", "fra ?ód?.", "Hva?Ja"] {
            assert!(lost_letters(lost), "{lost}");
        }
        for kept in
            ["Se https://nrk.no/sok?q=jazz for mer.", "www.vg.no/?side", "side?id=3 her", "Hva? Ja.", "¿Qué?"]
        {
            assert!(!lost_letters(kept), "{kept}");
        }
    }

    fn read(bytes: &[u8]) -> Result<ReadFile> {
        parse(Path::new("b.csv"), bytes)
    }

    #[test]
    fn detects_delimiter_encoding_and_bom() {
        let f = read(b"\xef\xbb\xbfID;Extra;Source;Target\r\ns1;x;\"Hei;\r\npa\";Hi\r\n").unwrap();
        assert_eq!(f.notes, ["delimiter ;"]);
        assert_eq!(f.rows[0].source, "Hei;\r\npa");
        assert_eq!(f.rows[0].origin.row, 2);
        let f = read(b"id,source,target\ns1,P\xe5 dagen,On the day\n").unwrap();
        assert_eq!(f.notes, ["read as Windows-1252 (not UTF-8)"]);
        assert_eq!(f.rows[0].source, "På dagen");
        let f = read(b"\xff\xfei\0d\0\t\0s\0o\0u\0r\0c\0e\0\t\0t\0a\0r\0g\0e\0t\0\n\0").unwrap();
        assert_eq!(f.notes, ["read as UTF-16LE", "delimiter tab"]);
    }

    #[test]
    fn file_level_errors() {
        let err = |b: &[u8]| read(b).unwrap_err().to_string();
        assert_eq!(
            err(b""),
            "b.csv: row 1: the file is empty; expected a header row with id, source and target"
        );
        assert!(err(b"id source target\n").contains("cannot find the delimiter"));
        assert!(err(b"id,kilde,target\n").contains("lacks the column source"));
        // Opened with `,` though it was `;`, and saved: one cell holds the names.
        let joined = err(b"\"id;where;source;target\",,,,,\n\"s1;a.txt:1;Hei;Hi\",,,,,\n");
        assert!(
            joined.contains(
                "the column names stand in one cell, separated by `;`: the batch was opened with another"
            ),
            "{joined}"
        );
        assert_eq!(
            err("id,source,target\ns1,Hva så?,What \u{e5}\ns2,x,\u{ff}\n".replace('\u{ff}', "\u{0}").as_bytes()),
            "b.csv: line 3 (byte 42): a NUL byte: this is not a text file (UTF-16 without a byte order mark, or a \
             binary file such as .xlsx); save it as \"CSV UTF-8\""
        );
        assert_eq!(
            err(b"id,source,target\ns1,P\xc3\xa5,x\ns2,\xe5,y\n"),
            "b.csv: line 3 (byte 29): invalid UTF-8 in a file that is otherwise UTF-8; save it again as \"CSV UTF-8\""
        );
    }

    #[test]
    fn a_double_encoded_byte_order_mark_marks_the_file_and_is_no_part_of_the_header() {
        let f = read("ï»¿id,source,target\ns1,PÃ¥ dagen,On the day\n".as_bytes()).unwrap();
        assert!(f.problems.is_empty() && f.double_encoded, "{:?}", f.problems);
        // The cells are undone at import, where their sentences show the damage.
        assert_eq!(f.rows[0].source, "PÃ¥ dagen");
        assert!(!read(b"id,source,target\ns1,Hei,Hi\n").unwrap().double_encoded);
    }

    #[test]
    fn a_question_mark_a_legacy_encoding_wrote_for_a_character_is_refused() {
        let cp1252 = |text: &str| encoding_rs::WINDOWS_1252.encode(text).0.into_owned();
        let f = read(&cp1252(
            "id,source,target\ns1,De møttes i Poznan.,They met in Pozna?.\n\
             s2,Hva nå?,What now?\ns3,Se nrk.no.,See https://nrk.no/sok?q=jazz and ?5 °C.\n",
        ))
        .unwrap();
        let refused: Vec<u64> = f.problems.iter().map(|p| p.origin.row).collect();
        assert_eq!(refused, [2, 4], "{:?}", f.problems);
        assert!(f.problems[0].found.contains("a `?` the sentence does not have"), "{}", f.problems[0]);
        // A question the translation asks is its own, in any encoding.
        let f = read(&cp1252(
            "id,source,target\ns1,Hvem vet.,Who knows? «Really?»\ns2,Ja.,\"«Yes?» he said.\"\n",
        ))
        .unwrap();
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        // In UTF-8 the same question marks are what the translator typed.
        let f = read("id,source,target\ns1,Se nrk.no.,See ?5 °C — Hồ.\n".as_bytes()).unwrap();
        assert!(f.problems.is_empty(), "{:?}", f.problems);
    }

    #[test]
    fn excels_sep_line_names_the_delimiter_and_is_no_header() {
        let f = read(b"sep=;\r\nid;source;target\r\ns1;Hei, du;Hi, you\r\n").unwrap();
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        // Excel hides the line: the first row under the header is row 2 on screen.
        assert_eq!((f.rows[0].source.as_str(), f.rows[0].origin.row), ("Hei, du", 2));
        assert_eq!(f.notes, ["delimiter ;"]);
        let err = read(b"sep=,\nid,kilde,target\n").unwrap_err().to_string();
        assert!(err.starts_with("b.csv: row 1: the header lacks the column source"), "{err}");
        let f = read(b"sep=;\r\nid;source;target\r\ns1;a;b;c\r\n").unwrap();
        assert_eq!(f.problems[0].origin.row, 2, "{:?}", f.problems);
        let err = read(b"sep=;\nid;source;target\ns1;\"a\"b;c\n").unwrap_err().to_string();
        assert!(err.starts_with("b.csv: row 2: text after the closing quote"), "{err}");
    }

    #[test]
    fn rows_with_the_wrong_number_of_cells_are_problems() {
        let f = read(b"id,source,target\ns1,a,b,c\ns2,b,c\n").unwrap();
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.problems[0].origin.row, 2);
    }
}

#[cfg(test)]
mod escaping {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_neutralised() {
        for (cell, escaped) in [
            ("=1+1", "'=1+1"),
            ("-10 grader", "'-10 grader"),
            ("@x", "'@x"),
            ("+47", "'+47"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("'Tis", "'Tis"),
            ("Hei", "Hei"),
            ("\tx", "'\tx"),
        ] {
            assert_eq!(escape_cell(cell), escaped);
            assert_eq!(unescape_cell(escaped), cell);
        }
    }

    proptest! {
        #[test]
        fn escaping_round_trips_and_never_starts_a_formula(cell in "['=+@\\-\t\ra-z]{0,5}") {
            let escaped = escape_cell(&cell);
            prop_assert_eq!(unescape_cell(&escaped), cell.as_str());
            prop_assert!(!escaped.starts_with(FORMULA_START));
        }
    }
}
