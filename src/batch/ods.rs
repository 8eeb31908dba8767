//! Reading back a batch that LibreOffice saved in its own format, an OpenDocument
//! spreadsheet (`.ods`): what a translator gets by pressing Ctrl+S on an exported
//! workbook and keeping LibreOffice's format.
//!
//! The sheets are read from `content.xml` as they stream by, into the same sparse
//! cells an XLSX workbook gives ([`super::xlsx::Cells`]), so the columns are found and
//! every cell is checked exactly as for a workbook: a formula, an error, a number, a
//! date or a boolean where tolk wrote text is refused by row and column, and so is a
//! target cell merged with others (`table:number-rows-spanned`). A cell's text is its
//! paragraphs joined by line breaks, with ODF's spaces, tabs and breaks written out; a
//! comment (`office:annotation`) is kept as the cell's comment, not its text, and a
//! shape in a cell is neither. Work is bounded by the file: at most
//! [`super::xlsx::MAX_CELLS`] cells that hold something, however many times a row or
//! cell says it repeats.

use std::path::Path;

use calamine::Data;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::xlsx::{self, Cells, MAX_CELLS};
use super::ReadFile;
use crate::document::package::Package;
use crate::error::{Error, Place, Result};

/// What an OpenDocument spreadsheet says it is, in its `mimetype` entry.
pub const MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// What such a file is called in messages.
const KIND: &str = "OpenDocument spreadsheet";

/// The most rows a sheet has (as in LibreOffice and Excel): a repeat beyond them is
/// LibreOffice's way of saying "the rest of the sheet is empty".
const MAX_ROWS: u32 = 1 << 20;

/// The most columns a sheet has in LibreOffice.
const MAX_COLUMNS: u32 = 1 << 14;

/// Parses the `.ods` `bytes`; `path` names the file in messages.
pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<ReadFile> {
    let not_ods = |why: String| {
        Error::at(
            path,
            Place::File,
            format!(
                "not a readable {KIND} ({why}); open it in LibreOffice and save it again, or save it as Excel \
                 2007-365 (.xlsx)"
            ),
        )
    };
    xlsx::check_unpacked_size(&bytes, xlsx::MAX_UNPACKED).map_err(not_ods)?;
    let mut package = Package::open(bytes, path, KIND)?;
    let manifest = package.text("META-INF/manifest.xml", path, KIND)?.unwrap_or_default();
    if manifest.contains("encryption-data") {
        return Err(Error::at(
            path,
            Place::File,
            "is password-protected; open it in LibreOffice and save it again without a password (File → \
             Save As…, with \"Save with password\" unticked)",
        ));
    }
    let content =
        package.text("content.xml", path, KIND)?.ok_or_else(|| not_ods("it has no content.xml".into()))?;
    let sheets = sheets(&content).map_err(not_ods)?;
    let names: Vec<String> = sheets.iter().map(|(name, _)| name.clone()).collect();
    let mut sheets: Vec<Option<Cells>> = sheets.into_iter().map(|(_, cells)| Some(cells)).collect();
    let chosen = xlsx::choose(
        path,
        &names,
        |name| {
            let i = names.iter().position(|n| n == name).unwrap_or_default();
            Ok(sheets[i].take().unwrap_or_default())
        },
        not_ods,
    )?;
    let Some((name, cells)) = chosen else {
        return Err(not_ods("it has no sheet".into()));
    };
    xlsx::batch_rows(path, &names, &name, &cells)
}

/// A cell being read: its type and values from its attributes, its text so far.
struct Cell {
    value_type: Option<String>,
    value: Option<String>,
    formula: Option<String>,
    repeat: u32,
    /// The rows and columns it spans, merged with the cells it covers.
    spans: (u32, u32),
    text: String,
    paragraphs: usize,
    /// The text of its comment (`office:annotation`), if it has one.
    note: Option<String>,
}

/// A cell's comment being read: how deep in it the reader is, how deep in what is no
/// text of it (its author and date), its text so far, and its paragraphs.
#[derive(Default)]
struct Note {
    depth: usize,
    hidden: usize,
    text: String,
    paragraphs: usize,
}

/// Every sheet of `content` (an `.ods`'s `content.xml`), by name, in order.
fn sheets(content: &str) -> std::result::Result<Vec<(String, Cells)>, String> {
    let mut reader = Reader::from_str(content);
    let mut sheets = Vec::new();
    let mut sheet: Option<Sheet> = None;
    let mut held = 0usize;
    let (mut row, mut col, mut rows_repeat) = (0u32, 0u32, 1u32);
    // The cells the current row put (their columns, value and formula), to repeat it.
    let mut row_cells: Vec<(std::ops::Range<u32>, Data, Option<String>)> = Vec::new();
    let mut cell: Option<Cell> = None;
    // Inside a shape in a cell: its text is not the cell's.
    let mut skip = 0usize;
    // Inside a comment on a cell: its text is the cell's comment.
    let mut note: Option<Note> = None;
    loop {
        let event = reader.read_event().map_err(|e| format!("content.xml: {e}"))?;
        let empty = matches!(event, Event::Empty(_));
        if let Some(n) = &mut note {
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name();
                    let name = name.as_ref();
                    let hidden = n.hidden > 0 || name.starts_with(b"dc:");
                    if !empty {
                        n.depth += 1;
                        n.hidden += usize::from(hidden);
                    }
                    match name {
                        _ if hidden => {}
                        b"text:p" | b"text:h" => {
                            if n.paragraphs > 0 {
                                n.text.push('\n');
                            }
                            n.paragraphs += 1;
                        }
                        b"text:s" => n.text.push(' '),
                        b"text:tab" => n.text.push('\t'),
                        b"text:line-break" => n.text.push('\n'),
                        _ => {}
                    }
                }
                Event::End(_) => {
                    n.hidden = n.hidden.saturating_sub(1);
                    n.depth = n.depth.saturating_sub(1);
                    if n.depth == 0 {
                        let text = std::mem::take(&mut n.text);
                        note = None;
                        if let Some(c) = &mut cell {
                            c.note = Some(text);
                        }
                    }
                }
                Event::Text(t) if n.hidden == 0 && n.text.len() <= crate::input::limits::MAX_CELL => {
                    n.text.push_str(&t.unescape().map_err(|e| format!("content.xml: {e}"))?);
                }
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        // A cell read whole: put where it is, each of its repeats (within the sheet).
        let mut done = None;
        match event {
            Event::Start(_) if skip > 0 => skip += 1,
            Event::End(_) if skip > 0 => skip -= 1,
            Event::Empty(_) | Event::Text(_) | Event::CData(_) if skip > 0 => {}
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"table:table" => {
                    let name = attribute(&e, "table:name")?.unwrap_or_default();
                    sheet = Some(Sheet { name, cells: Cells::default() });
                    (row, col) = (0, 0);
                    if empty {
                        sheets.extend(sheet.take().map(|s| (s.name, s.cells)));
                    }
                }
                b"table:table-row" => {
                    rows_repeat = repeat(&e, "table:number-rows-repeated")?;
                    col = 0;
                    row_cells.clear();
                    if empty {
                        row = row.saturating_add(rows_repeat).min(MAX_ROWS);
                    }
                }
                b"table:table-cell" | b"table:covered-table-cell" => {
                    let formula = attribute(&e, "table:formula")?.map(|f| {
                        let f = f.strip_prefix("of:").unwrap_or(&f);
                        f.strip_prefix('=').unwrap_or(f).to_string()
                    });
                    let value_type = attribute(&e, "office:value-type")?;
                    let value = match value_type.as_deref() {
                        Some("date") => attribute(&e, "office:date-value")?,
                        Some("time") => attribute(&e, "office:time-value")?,
                        Some("boolean") => attribute(&e, "office:boolean-value")?,
                        _ => attribute(&e, "office:value")?,
                    };
                    let c = Cell {
                        value_type,
                        value,
                        formula,
                        repeat: repeat(&e, "table:number-columns-repeated")?,
                        spans: (
                            repeat(&e, "table:number-rows-spanned")?,
                            repeat(&e, "table:number-columns-spanned")?,
                        ),
                        text: String::new(),
                        paragraphs: 0,
                        note: None,
                    };
                    if empty {
                        done = Some(c);
                    } else {
                        cell = Some(c);
                    }
                }
                b"office:annotation" if cell.is_some() && !empty => {
                    note = Some(Note { depth: 1, ..Note::default() })
                }
                _ if cell.is_some() && is_skipped(&e) && !empty => skip = 1,
                _ if cell.is_some() && is_skipped(&e) => {}
                b"text:p" | b"text:h" => {
                    if let Some(c) = &mut cell {
                        if c.paragraphs > 0 {
                            c.text.push('\n');
                        }
                        c.paragraphs += 1;
                    }
                }
                b"text:s" => {
                    if let Some(c) = &mut cell {
                        let n = attribute(&e, "text:c")?.and_then(|n| n.parse::<usize>().ok()).unwrap_or(1);
                        c.text.extend(std::iter::repeat_n(' ', n.min(crate::input::limits::MAX_CELL)));
                    }
                }
                b"text:tab" => cell.iter_mut().for_each(|c| c.text.push('\t')),
                b"text:line-break" => cell.iter_mut().for_each(|c| c.text.push('\n')),
                _ => {}
            },
            Event::Text(t) => {
                if let Some(c) = &mut cell {
                    let text = t.unescape().map_err(|e| format!("content.xml: {e}"))?;
                    c.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                if let Some(c) = &mut cell {
                    c.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"table:table-cell" | b"table:covered-table-cell" => done = cell.take(),
                b"table:table-row" => {
                    // A row said to repeat holds the same cells each time.
                    if let Some(s) = &mut sheet {
                        // Counted whole first: a few bytes may ask for millions.
                        let repeats =
                            rows_repeat.min(MAX_ROWS.saturating_sub(row)).saturating_sub(1) as usize;
                        let per_row: usize = row_cells.iter().map(|(columns, ..)| columns.len()).sum();
                        if held.saturating_add(repeats.saturating_mul(per_row)) > MAX_CELLS {
                            return Err(format!("the sheet {:?} holds more than {MAX_CELLS} cells", s.name));
                        }
                        for r in 1..rows_repeat.min(MAX_ROWS.saturating_sub(row)) {
                            if row_cells.is_empty() {
                                break;
                            }
                            for (columns, value, formula) in &row_cells {
                                s.put(&mut held, row + r, columns.clone(), value, formula)?;
                            }
                        }
                    }
                    row = row.saturating_add(rows_repeat).min(MAX_ROWS);
                }
                b"table:table" => sheets.extend(sheet.take().map(|s| (s.name, s.cells))),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        if let Some(c) = done {
            let columns = col..col.saturating_add(c.repeat).min(MAX_COLUMNS);
            col = columns.end;
            if let (Some(s), (rows, cols)) = (&mut sheet, c.spans) {
                if (rows, cols) != (1, 1) && row < MAX_ROWS {
                    // Counted as a cell: each is a few bytes of the file.
                    held = held.saturating_add(1);
                    if held > MAX_CELLS {
                        return Err(format!("the sheet {:?} holds more than {MAX_CELLS} cells", s.name));
                    }
                    let last = (row.saturating_add(rows - 1), columns.start.saturating_add(cols - 1));
                    s.cells.merge((row, columns.start), last);
                }
            }
            if let (Some(text), Some(s)) = (&c.note, &mut sheet) {
                if row < MAX_ROWS && !text.trim().is_empty() {
                    s.cells.annotate((row, columns.start), text.clone());
                }
            }
            // A number as the sheet shows it (`10%`, `1,5`), where that is not how it is kept.
            if let (Some("float" | "percentage" | "currency"), Some(s)) =
                (c.value_type.as_deref(), &mut sheet)
            {
                let kept = c.value.as_deref().unwrap_or_default();
                if row < MAX_ROWS && !c.text.trim().is_empty() && c.text.trim() != kept.trim() {
                    s.cells.show((row, columns.start), c.text.trim().to_string());
                }
            }
            if let (Some((value, formula)), Some(s)) = (value_of(c), &mut sheet) {
                s.put(&mut held, row, columns.clone(), &value, &formula)?;
                row_cells.push((columns, value, formula));
            }
        }
    }
    Ok(sheets)
}

/// The sheet being read: its name and its cells.
struct Sheet {
    name: String,
    cells: Cells,
}

impl Sheet {
    /// Puts `value` and `formula` at each of `at` (row, columns), counting them against
    /// [`MAX_CELLS`] (`held` so far, in all sheets) before any is put: a few bytes
    /// asking for millions of cells cost nothing.
    fn put(
        &mut self,
        held: &mut usize,
        row: u32,
        columns: std::ops::Range<u32>,
        value: &Data,
        formula: &Option<String>,
    ) -> std::result::Result<(), String> {
        if row >= MAX_ROWS {
            return Ok(());
        }
        *held = held.saturating_add(columns.len());
        if *held > MAX_CELLS {
            return Err(format!("the sheet {:?} holds more than {MAX_CELLS} cells", self.name));
        }
        for c in columns {
            self.cells.insert((row, c), value.clone(), formula.clone());
        }
        Ok(())
    }
}

/// Whether `e`, met inside a cell, holds no text of the cell: a shape (a comment is
/// read as the cell's note).
fn is_skipped(e: &BytesStart<'_>) -> bool {
    e.name().as_ref().starts_with(b"draw:")
}

/// The value and formula of the cell `c`, `None` for a cell that holds nothing.
fn value_of(c: Cell) -> Option<(Data, Option<String>)> {
    let value = match (c.value_type.as_deref(), c.value) {
        (Some("float" | "percentage" | "currency"), Some(v)) => {
            v.trim().parse::<f64>().map_or(Data::String(v), Data::Float)
        }
        (Some("date"), Some(v)) => Data::DateTimeIso(v),
        (Some("time"), Some(v)) => Data::DurationIso(v),
        (Some("boolean"), Some(v)) => Data::Bool(v == "true"),
        _ if c.text.is_empty() => Data::Empty,
        _ => Data::String(c.text),
    };
    let formula = c.formula.filter(|f| !f.is_empty());
    (value != Data::Empty || formula.is_some()).then_some((value, formula))
}

/// The value of the attribute `name` of `e`, unescaped.
fn attribute(e: &BytesStart<'_>, name: &str) -> std::result::Result<Option<String>, String> {
    match e.try_get_attribute(name) {
        Ok(Some(a)) => {
            a.unescape_value().map(|v| Some(v.into_owned())).map_err(|e| format!("content.xml: {e}"))
        }
        Ok(None) => Ok(None),
        Err(e) => Err(format!("content.xml: {e}")),
    }
}

/// How many times a row or cell says it repeats (`name`), at least once.
fn repeat(e: &BytesStart<'_>, name: &str) -> std::result::Result<u32, String> {
    Ok(attribute(e, name)?.and_then(|n| n.trim().parse::<u32>().ok()).unwrap_or(1).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `content.xml` of one sheet named `Batch` whose rows are `rows`.
    fn content(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"><office:body><office:spreadsheet><table:table table:name="Batch"><table:table-column table:number-columns-repeated="3"/>{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn cell(cells: &Cells, row: u32, col: u32) -> (Option<Data>, Option<String>) {
        let (value, formula) = cells.get(row, col);
        (value.cloned(), formula.cloned())
    }

    #[test]
    fn cells_are_read_with_their_types_text_and_formulas() {
        let xml = content(concat!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell>"#,
            r#"<table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
            // Spaces, a tab, a line break, two paragraphs, a span, entities; a comment
            // and a shape that are not the cell's text.
            r#"<table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>A comment.</text:p></office:annotation>"#,
            r#"<text:p>Hei<text:s text:c="2"/>du<text:tab/>&amp;<text:line-break/><text:span>meg</text:span></text:p><draw:frame><text:p>Bilde</text:p></draw:frame><text:p>To</text:p></table:table-cell>"#,
            r#"<table:table-cell office:value-type="float" office:value="3.5"><text:p>3,5</text:p></table:table-cell>"#,
            r#"<table:table-cell table:formula="of:=30+2" office:value-type="float" office:value="32"><text:p>32</text:p></table:table-cell></table:table-row>"#,
            // Empty rows said to repeat to the end of the sheet cost nothing.
            r#"<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#,
            r#"<table:table-row><table:table-cell office:value-type="date" office:date-value="2026-05-17"><text:p>17.05.26</text:p></table:table-cell>"#,
            r#"<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>SANN</text:p></table:table-cell></table:table-row>"#,
        ));
        let sheets = sheets(&xml).unwrap();
        assert_eq!(sheets.len(), 1);
        let (name, cells) = &sheets[0];
        assert_eq!(name, "Batch");
        assert_eq!(cells.header(), ["id", "x", "x"]);
        assert_eq!(cell(cells, 1, 0), (Some(Data::String("Hei  du\t&\nmeg\nTo".into())), None));
        assert_eq!(cells.note(1, 0), Some("A comment."));
        assert_eq!(cell(cells, 1, 1), (Some(Data::Float(3.5)), None));
        assert_eq!((cells.shown(1, 1), cells.shown(1, 2)), (Some("3,5"), None));
        assert_eq!(cell(cells, 1, 2), (Some(Data::Float(32.0)), Some("30+2".into())));
        // The rows after the repeated ones are past the end of the sheet.
        assert_eq!(cells.rows().count(), 2);
    }

    #[test]
    fn a_row_or_cell_repeated_beyond_reason_is_refused_not_held() {
        // A few hundred bytes asking for 1M × 16k cells that hold something.
        let xml = content(
            r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
        );
        let err = sheets(&xml).unwrap_err();
        assert_eq!(err, format!("the sheet \"Batch\" holds more than {MAX_CELLS} cells"));
        // Within bounds, a repeated row holds its cells each time.
        let xml = content(
            r#"<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
        );
        let sheets = sheets(&xml).unwrap();
        assert_eq!(sheets[0].1.rows().count(), 3);
        assert_eq!(cell(&sheets[0].1, 2, 1), (Some(Data::String("x".into())), None));
    }

    #[test]
    fn broken_content_is_an_error_not_a_panic() {
        for xml in ["<table:table", "<a></b>", "<table:table-cell>&nope;</table:table-cell>", ""] {
            let _ = sheets(xml);
        }
        assert!(sheets("<table:table table:name=\"a\"><table:table-row></table:table>").is_err());
    }
}
