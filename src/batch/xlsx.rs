//! XLSX batches: a workbook a translator opens in Excel or LibreOffice that the
//! spreadsheet cannot damage, and reading it back, also after either program saved it.
//!
//! Every cell is written as text in a text-formatted column, so a source such as
//! `17.05`, `3,50`, `SANN` or `00123` is never read as a date, a number or a boolean,
//! and a cell starting with `=` is never a formula. The sheet is protected without a
//! password: only the `target` and `comment` cells are unlocked, so ids and sources
//! cannot be edited by accident; the header row is frozen, columns are sized and text
//! wraps. Beside each row stand the best fuzzy suggestion, its score, its source and
//! how that source must change to become the sentence, as CAT tools show it
//! (`{+only in your sentence+}`, `[-only in the memory-]`, also in colour).
//!
//! Reading finds the columns by name in the first row of the one sheet that has id,
//! source and target (two such sheets are refused, naming them: tolk does not guess
//! which holds the translations) and refuses, by row and column, what a spreadsheet
//! does to a cell that tolk did not write: a formula or an error value (`#VALUE!`,
//! `Err:509`) in a target, a source, id or target turned into a number, date or
//! boolean, a target cell merged with others, and a target of exactly the 32,767
//! characters a cell holds (LibreOffice cuts a longer one to that). A comment on a
//! row's target cell is read (from the sheet's comments part) as the row's comment;
//! one on any other cell is named in a warning, not read. This module writes no memory; [`crate::import`]
//! checks the rows it returns.

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader};
use rust_xlsxwriter::{Color, Format, FormatAlign, ProtectionOptions, Workbook, XlsxError};

use super::csv::unescape_cell;
use super::{Batch, BatchRow, ReadFile};
use crate::error::{Error, Place, Result};
use crate::import::{ImportRow, Origin, Problem};
use crate::input::limits::MAX_CELL;
use crate::score::{diff, DiffKind};

/// The name of the batch's sheet.
pub const SHEET: &str = "Batch";

/// The columns of an XLSX batch, in order, and their widths in characters.
pub const COLUMNS: [(&str, f64); 13] = [
    ("id", 19.0),
    ("source", 50.0),
    ("target", 50.0),
    ("comment", 24.0),
    ("score", 7.0),
    ("suggestion", 40.0),
    ("suggestion_source", 40.0),
    ("diff", 40.0),
    ("repaired", 14.0),
    ("context", 40.0),
    ("terms", 30.0),
    ("where", 24.0),
    ("words", 7.0),
];

/// The most characters Excel holds in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The largest XLSX file read, compressed and uncompressed.
pub const MAX_FILE: u64 = 64 << 20;
pub(super) const MAX_UNPACKED: u64 = 128 << 20;

/// The largest shared-string table read, unpacked. A spreadsheet library holds every
/// string of it at once, each costing a few dozen bytes beyond its text, so a table of
/// millions of one-letter strings would take gigabytes; a batch of 10,000 sentences
/// with their context needs a few MiB.
const MAX_SHARED_STRINGS: u64 = 32 << 20;

/// The XLSX batch format.
pub struct Xlsx;

impl super::BatchFormat for Xlsx {
    fn name(&self) -> &'static str {
        "xlsx"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["xlsx"]
    }

    /// By its extension, or by content that starts like a zip archive (every XLSX file
    /// is one).
    fn claims(&self, path: &Path, head: &[u8]) -> bool {
        // `.ods` too: a workbook saved in LibreOffice's format is read here, and a file so
        // named that is none is told as such, as one named `.xlsx` is, not read as CSV.
        path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("ods"))
            || head.starts_with(b"PK\x03\x04")
    }

    fn describe(&self) -> String {
        "XLSX workbook".to_string()
    }

    fn write(&self, batch: &Batch) -> Result<Vec<u8>> {
        render(batch)
    }

    fn read(&self, path: &Path) -> Result<ReadFile> {
        read(path)
    }
}

/// The batch as an XLSX workbook.
pub fn render(batch: &Batch) -> Result<Vec<u8>> {
    let failed = |e: XlsxError| Error::Invalid(format!("cannot write the workbook: {e}"));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET).map_err(failed)?;
    let text = Format::new().set_num_format("@").set_text_wrap().set_align(FormatAlign::Top);
    let header = text.clone().set_bold().set_background_color(Color::RGB(0xD9D9D9));
    let open = text.clone().set_unlocked().set_background_color(Color::RGB(0xFFF8DC));
    let added = text
        .clone()
        .set_font_color(Color::RGB(0x1E7B1E))
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
    let removed = text.clone().set_font_color(Color::RGB(0xC00000)).set_font_strikethrough();
    for (col, (name, width)) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, *width).map_err(failed)?;
        let format = if matches!(*name, "target" | "comment") { &open } else { &text };
        sheet.set_column_format(col, format).map_err(failed)?;
        sheet.write_string_with_format(0, col, *name, &header).map_err(failed)?;
    }
    for (n, row) in batch.rows.iter().enumerate() {
        let at = n as u32 + 1;
        // The diff is worked out once: its text is measured and written, its runs coloured.
        let runs = diff_runs(row);
        for (col, (name, _)) in COLUMNS.iter().enumerate() {
            let col = col as u16;
            let cell = if *name == "diff" {
                runs.iter().map(|(_, t)| t.as_str()).collect()
            } else {
                cell(row, name)
            };
            if cell.chars().count() > MAX_CELL_CHARS {
                return Err(Error::Invalid(format!(
                    "the {name} of sentence {} has more than the {MAX_CELL_CHARS} characters a spreadsheet \
                     cell holds; export this batch as CSV or XLIFF instead",
                    row.id
                )));
            }
            let format = if matches!(*name, "target" | "comment") { &open } else { &text };
            if *name == "diff" && runs.len() > 1 {
                let fragments: Vec<(&Format, &str)> = runs
                    .iter()
                    .map(|(kind, t)| {
                        let format = match kind {
                            DiffKind::Same => &text,
                            DiffKind::Added => &added,
                            DiffKind::Removed => &removed,
                        };
                        (format, t.as_str())
                    })
                    .collect();
                sheet.write_rich_string_with_format(at, col, &fragments, &text).map_err(failed)?;
                continue;
            }
            // Counts a spreadsheet sorts and sums are numbers, not text that sorts
            // "100" before "50".
            let number = match *name {
                "score" => row.score.map(f64::from),
                "words" => Some(row.words as f64),
                _ => None,
            };
            match number {
                Some(number) => sheet.write_number_with_format(at, col, number, format).map_err(failed)?,
                None => sheet.write_string_with_format(at, col, cell, format).map_err(failed)?,
            };
        }
        // A row as tall as its sentence wraps to: LibreOffice opens a row without a
        // height at one line, so a long sentence was cut off.
        sheet.set_row_height(at, row_height(row)).map_err(failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    let last_row = batch.rows.len() as u32;
    sheet.autofilter(0, 0, last_row, COLUMNS.len() as u16 - 1).map_err(failed)?;
    let options = ProtectionOptions {
        select_locked_cells: true,
        select_unlocked_cells: true,
        format_columns: true,
        format_rows: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    };
    sheet.protect_with_options(&options);
    workbook.save_to_buffer().map_err(failed)
}

/// The height in points of `row`'s line in the sheet: one line of the default font
/// (11 points, 15 high) for each line its longest text wraps to in its column, the
/// source's, the suggestion's or the target's (the context, the terms and the places
/// may be cut off: they show whole in the cell's editor). At most the 409 points a
/// spreadsheet allows.
fn row_height(row: &BatchRow) -> f64 {
    // Proportional text is a little narrower than the digits a width counts.
    let lines = |text: &str, width: f64| -> usize {
        let per_line = (width * 1.1).max(1.0) as usize;
        text.split('\n').map(|line| line.chars().count().div_ceil(per_line).max(1)).sum()
    };
    let width = |name: &str| COLUMNS.iter().find(|(n, _)| *n == name).map_or(40.0, |&(_, w)| w);
    let most =
        [("source", row.source.as_str()), ("target", row.target.as_str()), ("suggestion", &row.suggestion)]
            .into_iter()
            .map(|(name, text)| lines(text, width(name)))
            .max()
            .unwrap_or(1);
    (most as f64 * 15.0).min(409.0)
}

/// The text of one cell of `row` (the `diff` cell is [`diff_runs`]).
fn cell(row: &BatchRow, column: &str) -> String {
    match column {
        "id" => row.id.to_string(),
        "source" => row.source.clone(),
        "target" => row.target.clone(),
        "score" => row.score.map(|s| s.to_string()).unwrap_or_default(),
        "suggestion" => row.suggestion.clone(),
        "suggestion_source" => row.suggestion_source.clone(),
        "context" => row.context(),
        "terms" => row.terms_cell(),
        "repaired" => row.repaired_cell(),
        "where" => row.places_cell(),
        "words" => row.words.to_string(),
        _ => String::new(),
    }
}

/// The runs of the `diff` cell, each marked as the cell shows it: `{+only in your
/// sentence+}`, `[-only in the memory-]`, the same text as it is. None without a
/// suggestion.
fn diff_runs(row: &BatchRow) -> Vec<(DiffKind, String)> {
    if row.suggestion_source.is_empty() {
        return Vec::new();
    }
    diff(&row.source, &row.suggestion_source)
        .into_iter()
        .filter(|p| !p.text.is_empty())
        .map(|p| {
            let text = match p.kind {
                DiffKind::Same => p.text,
                DiffKind::Added => format!("{{+{}+}}", p.text),
                DiffKind::Removed => format!("[-{}-]", p.text),
            };
            (p.kind, text)
        })
        .collect()
}

/// Reads a translator's XLSX batch.
pub fn read(path: &Path) -> Result<ReadFile> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if size > MAX_FILE {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            what: "the workbook".into(),
            limit: MAX_FILE as usize,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    parse(path, bytes)
}

/// Parses XLSX `bytes`; `path` names the file in messages.
pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<ReadFile> {
    // A file named `.ods` that is no OpenDocument spreadsheet is named as what its name
    // says it is, as one named `.xlsx` is.
    let kind = match path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ods")) {
        true => "OpenDocument spreadsheet",
        false => "XLSX workbook",
    };
    let not_xlsx = |why: String| {
        Error::at(
            path,
            Place::File,
            format!("not a readable {kind} ({why}); save it from the spreadsheet as Excel 2007-365 (.xlsx)"),
        )
    };
    // Excel encrypts a workbook with a password into a compound file (as an old .xls
    // is): no zip archive to read.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(Error::at(
            path,
            Place::File,
            "is password-protected, or an old Excel workbook (.xls); open it and save it again without a \
             password as Excel 2007-365 (.xlsx)",
        ));
    }
    // LibreOffice's own format (its default when a translator saves), whatever the
    // file's name.
    match crate::document::package::odf_mimetype(&bytes) {
        Some(super::ods::MIME) => return super::ods::parse(path, bytes),
        Some(_) => {
            return Err(Error::at(
                path,
                Place::File,
                "is an OpenDocument file, not a spreadsheet; tolk reads batches as .xlsx, .ods, .csv or .xlf",
            ))
        }
        None => {}
    }
    check_unpacked_size(&bytes, MAX_UNPACKED).map_err(not_xlsx)?;
    let mut notes = cell_comments(&bytes).map_err(not_xlsx)?;
    let mut workbook: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| not_xlsx(e.to_string()))?;
    let names = workbook.sheet_names();
    let read = |name: &str| {
        let mut cells = Cells::read(&mut workbook, name)?;
        for (at, text) in notes.remove(name).unwrap_or_default() {
            cells.annotate(at, text);
        }
        Ok(cells)
    };
    let chosen = choose(path, &names, read, not_xlsx)?;
    let Some((name, cells)) = chosen else {
        return Err(not_xlsx("it has no sheet".into()));
    };
    batch_rows(path, &names, &name, &cells)
}

/// The sheet of a workbook whose sheets are `names` that holds the batch, read by
/// `read`: the one whose first row names id, source and target, else the sheet
/// `Batch`, else the first; `None` for a workbook of no sheet. Every sheet is read: a
/// workbook with two sheets of the batch's columns (a copy the translator finished
/// beside the draft, a backup of the batch as exported) is refused naming them, as
/// tolk cannot tell which one holds the translations (`unreadable` makes the error of a
/// sheet that cannot be read at all).
pub(super) fn choose(
    path: &Path,
    names: &[String],
    mut read: impl FnMut(&str) -> std::result::Result<Cells, String>,
    unreadable: impl Fn(String) -> Error,
) -> Result<Option<(String, Cells)>> {
    let mut chosen: Option<(String, Cells)> = None;
    // The sheets with the batch's columns, in the workbook's order, and how many
    // translations each holds.
    let mut batches: Vec<(String, usize)> = Vec::new();
    let preferred = std::iter::once(SHEET.to_string()).filter(|s| names.contains(s));
    for name in preferred.chain(names.iter().filter(|n| *n != SHEET).cloned()) {
        let cells = read(&name).map_err(&unreadable)?;
        let first_row = cells.header();
        let column = |c: &str| first_row.iter().position(|h| h == c);
        let complete = ["id", "source", "target"].iter().all(|c| column(c).is_some());
        if complete {
            let translations = column("target").map_or(0, |c| cells.filled_rows(c as u32).len());
            batches.push((name.clone(), translations));
        }
        if chosen.is_none() || (complete && batches.len() == 1) {
            chosen = Some((name, cells));
        }
    }
    if batches.len() > 1 {
        batches.sort_by_key(|(name, _)| names.iter().position(|n| n == name));
        let listed: Vec<String> = batches
            .iter()
            .map(|(name, n)| {
                format!("{} ({n} translation{})", crate::shown::quoted(name), if *n == 1 { "" } else { "s" })
            })
            .collect();
        let (last, rest) = listed.split_last().unwrap_or((&listed[0], &[]));
        return Err(Error::at(
            path,
            Place::File,
            format!(
                "the sheets {} and {last} {} the batch's columns id, source and target, and tolk imports one \
                 sheet, not guessing which holds the translations; keep the sheet to import and delete the \
                 other{} (or move {} to a workbook of {} own), then import again",
                rest.join(", "),
                if listed.len() > 2 { "all have" } else { "both have" },
                if listed.len() > 2 { "s" } else { "" },
                if listed.len() > 2 { "them" } else { "it" },
                if listed.len() > 2 { "their" } else { "its" },
            ),
        ));
    }
    Ok(chosen)
}

/// The rows of the batch on the sheet `name` (its `cells`) of the workbook at `path`,
/// whose sheets are `names`: each row's cells as text, or the problems of its cells.
pub(super) fn batch_rows(path: &Path, names: &[String], name: &str, cells: &Cells) -> Result<ReadFile> {
    let fail =
        |row: u64, column: Option<&str>, message: String| Error::at(path, Place::row(row, column), message);
    let header = cells.header();
    let find = |name: &str| header.iter().position(|h| h == name).map(|c| c as u32);
    let missing: Vec<&str> = ["id", "source", "target"].into_iter().filter(|c| find(c).is_none()).collect();
    if !missing.is_empty() {
        let found: Vec<String> =
            (0..header.len() as u32).map(|c| cells.header_as_written(c)).filter(|h| !h.is_empty()).collect();
        let what_to_do = match (cells.header_below(), cells.header_sorted_in()) {
            (Some(row), _) => format!(
                "its row {} names them: delete the rows above it, so that the names of the columns are the first \
                 row, and import again",
                row + 1
            ),
            (None, Some(row)) => format!(
                "its row {row} names them: the sheet was sorted with the names of the columns among its rows; undo \
                 the sort (or sort again with \"Range contains column labels\" checked), or move row {row} back to \
                 the top, and import again",
                row = row + 1
            ),
            (None, None) => super::missing_columns_hint(&missing),
        };
        return Err(fail(
            1,
            None,
            format!(
                "no sheet has the columns id, source and target in its first row (sheets: {}); the sheet \
                 {name:?} lacks the column{} {} and has {:?}; {what_to_do}",
                names.join(", "),
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                found.join(" | ")
            ),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for h in header.iter().filter(|h| !h.is_empty()) {
        if !seen.insert(h) {
            return Err(fail(1, Some(h), format!("the column {h} appears twice; keep one of them")));
        }
    }
    let (id, source, target) =
        (find("id").unwrap_or(0), find("source").unwrap_or(0), find("target").unwrap_or(0));
    let comment = find("comment");
    // A CSV batch saved as a workbook keeps the apostrophes tolk put before cells a
    // spreadsheet would run as formulas; tolk's own workbook has none (its `diff`
    // column tells it apart).
    let from_csv = find("diff").is_none();
    let issued = if from_csv { "as the batch had it" } else { "as tolk wrote it" };
    let unescape = |cell: String| if from_csv { unescape_cell(&cell).to_string() } else { cell };
    let translator = find("translator");
    let suggestion = find("suggestion");
    let suggestion_source = find("suggestion_source");
    let mut file = ReadFile::default();
    // Columns tolk does not read that hold text, and in which rows.
    let unread: Vec<(String, usize, Vec<u64>)> = (cells.columns().into_iter())
        .filter(|&c| !super::is_known_column(header.get(c as usize).map_or("", String::as_str)))
        .map(|c| (cells.header_as_written(c), c as usize + 1, cells.filled_rows(c)))
        .filter(|(_, _, rows)| !rows.is_empty())
        .collect();
    file.warnings.extend(super::unread(&unread));
    let merged = cells.merged_in(target);
    let target_column = target;
    for r in cells.rows().filter(|&r| r > 0) {
        let origin = Origin::row(path, u64::from(r) + 1);
        // A merged cell shows one text over several rows, and LibreOffice, asked to,
        // moves the hidden cells' text into the first: the first row's translation
        // would be two, the next row's none.
        let range = merged.range(..=r).next_back().filter(|(_, (last, _))| *last >= r);
        if let Some((_, (_, [(top, left), (bottom, right)]))) = range {
            let rows = match bottom - top {
                0 => format!("row {}", top + 1),
                1 => format!("rows {} and {}", top + 1, bottom + 1),
                _ => format!("rows {} to {}", top + 1, bottom + 1),
            };
            file.problems.push(Problem {
                origin,
                column: "target".into(),
                expected: "a target cell of the row's own".into(),
                found: format!(
                    "a cell merged with others ({}:{}, {rows}), which shows one text for them all; unmerge it \
                     (Format → Merge and Unmerge Cells → Unmerge Cells), put each row's translation in its own \
                     target cell, and import again",
                    a1(*top, *left),
                    a1(*bottom, *right)
                ),
            });
            continue;
        }
        let before = file.problems.len();
        let mut text = |c: Option<u32>, column: &str| {
            c.and_then(|c| cells.text(r, c, (column, issued), &origin, &mut file.problems))
        };
        let (id, source, target) =
            (text(Some(id), "id"), text(Some(source), "source"), text(Some(target), "target"));
        let (comment, translator, suggestion) =
            (text(comment, "comment"), text(translator, "translator"), text(suggestion, "suggestion"));
        let none_offered = suggestion_source.is_some()
            && text(suggestion_source, "suggestion_source").is_none_or(|s| s.trim().is_empty());
        // A row with any cell refused is not imported, whichever cell it was.
        let (Some(id), Some(source), Some(target)) = (id, source, target) else { continue };
        if file.problems.len() > before {
            continue;
        }
        let (id, source, target) = (unescape(id), unescape(source), unescape(target));
        // In a text cell, a spreadsheet keeps the apostrophe typed before =, +, - or @
        // (its way to say "this is no formula") as part of the text: it is the
        // translator's escape, not the translation's, unless the sentence starts so.
        let typed = |cell: String| match cell.strip_prefix('\'') {
            Some(rest)
                if !from_csv && rest.starts_with(['=', '+', '-', '@']) && !source.starts_with('\'') =>
            {
                rest.to_string()
            }
            _ => cell,
        };
        let (target, comment) = (typed(target), comment.map(typed));
        if id.trim().is_empty() && source.trim().is_empty() && target.trim().is_empty() {
            continue;
        }
        // What a spreadsheet leaves of a failed formula, as text: pasted from another
        // sheet, or written by a tool that keeps no formulas (as a CSV brings it). A
        // text cell of digits is what the translator typed: a formula's result would
        // be a number cell with its formula.
        if let Some(why) = crate::import::spreadsheet::error_value(&target) {
            file.problems.push(Problem {
                origin,
                column: "target".into(),
                expected: "a translation".into(),
                found: why,
            });
            continue;
        }
        // The most a cell holds is where LibreOffice cuts a longer one when it saves
        // .xlsx: a translation of exactly that length is probably cut off.
        if target.encode_utf16().count() == MAX_CELL_CHARS || target.chars().count() == MAX_CELL_CHARS {
            let end: String = target.chars().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
            let most = format!("{},{:03}", MAX_CELL_CHARS / 1000, MAX_CELL_CHARS % 1000);
            file.problems.push(Problem {
                origin,
                column: "target".into(),
                expected: format!("a translation shorter than the {most} characters a spreadsheet cell holds"),
                found: format!(
                    "one of exactly {most} characters, ending {}: probably cut off where a spreadsheet cut \
                     a longer cell to what it holds, as LibreOffice does when it saves .xlsx; check its end, and put \
                     a translation this long in a CSV or XLIFF batch (`tolk export --format csv`), whose cells hold more",
                    crate::shown::quoted(&format!("…{end}"))
                ),
            });
            continue;
        }
        file.rows.push(ImportRow {
            origin,
            element_lines: None,
            id,
            source,
            target,
            translator: translator.filter(|t| !t.trim().is_empty()),
            state: crate::import::UnitState::default(),
            source_copy: false,
            prefilled: false,
            unit: crate::import::XliffUnit::default(),
            suggestion: suggestion.filter(|s| !s.trim().is_empty()),
            none_offered,
            // A comment on the target cell is the row's, as the column's is.
            comment: [comment, cells.notes.get(&(r, target_column)).cloned()]
                .into_iter()
                .flatten()
                .filter(|c| !c.trim().is_empty())
                .reduce(|column, note| format!("{column}\n{note}")),
        });
    }
    // A comment on any other cell, or on the target cell of a row not read, would be
    // lost unseen: said, with where to put it.
    let read: std::collections::HashSet<u64> =
        file.rows.iter().map(|r| r.origin.row).chain(file.problems.iter().map(|p| p.origin.row)).collect();
    let mut unread: Vec<(&(u32, u32), &String)> = (cells.notes.iter())
        .filter(|((r, c), _)| !(*c == target && *r > 0 && read.contains(&(u64::from(*r) + 1))))
        .collect();
    unread.sort_unstable();
    file.warnings.extend(unread_comments(cells, &unread));
    Ok(file)
}

/// The warning for comments on cells tolk does not read (`notes`, each its cell and
/// text, in order): the first five by row, column and start, and how many more.
fn unread_comments(cells: &Cells, notes: &[(&(u32, u32), &String)]) -> Option<String> {
    /// How many comments are named before the rest are counted.
    const NAMED: usize = 5;
    if notes.is_empty() {
        return None;
    }
    let named: Vec<String> = notes
        .iter()
        .take(NAMED)
        .map(|((r, c), text)| {
            let column = match cells.header_as_written(*c) {
                name if name.is_empty() || *r == 0 => format!("cell {}", a1(*r, *c)),
                name => format!("column {name}"),
            };
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let start: String = text.chars().take(40).collect();
            let more = if start.len() < text.len() { "…" } else { "" };
            format!("row {}, {column}: {}", r + 1, crate::shown::quoted(&format!("{start}{more}")))
        })
        .collect();
    let more = match notes.len().saturating_sub(NAMED) {
        0 => String::new(),
        n => format!(", and {n} more"),
    };
    Some(format!(
        "{} ({}{more}) {} not read: tolk reads a comment on a row's target cell as the row's comment, and the \
         column comment; put a remark for the editor in one of them",
        if notes.len() == 1 { "a cell comment" } else { "cell comments" },
        named.join("; "),
        if notes.len() == 1 { "is" } else { "are" },
    ))
}

/// The most cells a sheet may hold: each is in the file, so this bounds the work by
/// the file's size, however far apart a hostile file puts them.
pub const MAX_CELLS: usize = 4_000_000;

/// The rows searched for the names of the columns when the first row lacks them.
const HEADER_SEARCHED: u32 = 20;

/// The cells of one sheet that hold something, by position, with their formulas:
/// sparse, so a cell at XFD1048576 costs one entry, not a grid up to it.
#[derive(Debug, Default)]
pub(super) struct Cells {
    cells: std::collections::HashMap<(u32, u32), (Data, Option<String>)>,
    /// The merged ranges, each its first and last cell (row, column), zero-based.
    merged: Vec<[(u32, u32); 2]>,
    /// The comments on cells (LibreOffice's annotations, Excel's notes), by position.
    notes: std::collections::HashMap<(u32, u32), String>,
    /// Numbers as the sheet shows them where that is not as they are kept (`10%` for
    /// 0.1), by position.
    shown: std::collections::HashMap<(u32, u32), String>,
}

impl Cells {
    /// Puts the cell at `(row, column)`, zero-based.
    pub(super) fn insert(&mut self, at: (u32, u32), value: Data, formula: Option<String>) {
        self.cells.insert(at, (value, formula));
    }

    /// Records `text` as how the sheet shows the number at `at` (row, column),
    /// zero-based.
    pub(super) fn show(&mut self, at: (u32, u32), text: String) {
        self.shown.insert(at, text);
    }

    /// Records `text` as the comment on the cell at `at` (row, column), zero-based.
    pub(super) fn annotate(&mut self, at: (u32, u32), text: String) {
        self.notes.insert(at, text);
    }

    /// How the sheet shows the number at `(row, column)`, zero-based, where that is not
    /// as it is kept.
    #[cfg(test)]
    pub(super) fn shown(&self, row: u32, column: u32) -> Option<&str> {
        self.shown.get(&(row, column)).map(String::as_str)
    }

    /// The comment on the cell at `(row, column)`, zero-based, if it has one.
    #[cfg(test)]
    pub(super) fn note(&self, row: u32, column: u32) -> Option<&str> {
        self.notes.get(&(row, column)).map(String::as_str)
    }

    /// Records the cells from `first` to `last` (row, column), zero-based, as merged
    /// into one.
    pub(super) fn merge(&mut self, first: (u32, u32), last: (u32, u32)) {
        let (top, bottom) = (first.0.min(last.0), first.0.max(last.0));
        let (left, right) = (first.1.min(last.1), first.1.max(last.1));
        if (top, left) != (bottom, right) {
            self.merged.push([(top, left), (bottom, right)]);
        }
    }

    /// The merged ranges that hold a cell of `column`, by their first row: each its
    /// last row and its first and last cell. A spreadsheet's merged ranges never
    /// overlap, so the one a row may be in is the last that starts at or above it.
    fn merged_in(&self, column: u32) -> std::collections::BTreeMap<u32, (u32, [(u32, u32); 2])> {
        (self.merged.iter())
            .filter(|[(_, left), (_, right)]| (*left..=*right).contains(&column))
            .map(|&range| (range[0].0, (range[1].0, range)))
            .collect()
    }

    fn read(
        workbook: &mut calamine::Xlsx<Cursor<Vec<u8>>>,
        name: &str,
    ) -> std::result::Result<Cells, String> {
        let mut reader = workbook.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
        let mut cells = std::collections::HashMap::new();
        while let Some(cell) = reader.next_cell_with_formula().map_err(|e| e.to_string())? {
            let formula = cell.formula.filter(|f| !f.is_empty());
            if cell.value == calamine::DataRef::Empty && formula.is_none() {
                continue;
            }
            if cells.len() == MAX_CELLS {
                return Err(format!("the sheet {name:?} holds more than {MAX_CELLS} cells"));
            }
            cells.insert(cell.pos, (Data::from(cell.value), formula));
        }
        drop(reader);
        // A number a percentage format shows is named as shown: `10%`, not `0.1`.
        let numbers: Vec<((u32, u32), f64)> = (cells.iter())
            .filter_map(|(&at, (value, _))| match value {
                Data::Float(f) if at.0 > 0 => Some((at, *f)),
                Data::Int(i) if at.0 > 0 => Some((at, *i as f64)),
                _ => None,
            })
            .collect();
        let mut cells = Cells { cells, ..Cells::default() };
        if !numbers.is_empty() {
            let styles = workbook.worksheet_style(name).map_err(|e| e.to_string())?;
            for (at, value) in numbers {
                let format =
                    styles.get(at).and_then(|s| s.number_format.as_ref()).map(|f| f.format_code.as_str());
                if let Some(shown) = format.and_then(|f| percentage(value, f)) {
                    cells.show(at, shown);
                }
            }
        }
        for range in workbook.merge_cells_by_sheet_name(name).map_err(|e| e.to_string())? {
            cells.merge(range.start, range.end);
        }
        Ok(cells)
    }

    /// The first row's cells as names: trimmed, lower-cased, empty where not text.
    pub(super) fn header(&self) -> Vec<String> {
        self.names_in(0)
    }

    /// The cells of the row `row` (zero-based) as names, as [`Cells::header`] reads
    /// the first.
    fn names_in(&self, row: u32) -> Vec<String> {
        let width = self.cells.keys().filter(|(r, _)| *r == row).map(|(_, c)| c + 1).max().unwrap_or(0);
        (0..width)
            .map(|c| match self.cells.get(&(row, c)) {
                Some((Data::String(s), _)) => s.trim().to_lowercase(),
                _ => String::new(),
            })
            .collect()
    }

    /// The row below the first (zero-based, among the first few) whose cells name id,
    /// source and target: a header with a title or notes typed above it.
    fn header_below(&self) -> Option<u32> {
        (1..HEADER_SEARCHED).find(|&r| {
            let names = self.names_in(r);
            ["id", "source", "target"].iter().all(|c| names.iter().any(|h| h == c))
        })
    }

    /// The row further down (zero-based, past those [`Cells::header_below`] looks at)
    /// whose cells name id, source and target: a header sorted in among the rows, as a
    /// sort of the whole sheet without "range contains column labels" leaves it.
    fn header_sorted_in(&self) -> Option<u32> {
        let mut named: std::collections::HashMap<u32, u8> = std::collections::HashMap::new();
        for (&(r, _), (value, _)) in &self.cells {
            let Data::String(s) = value else { continue };
            let bit = match s.trim().to_lowercase().as_str() {
                "id" => 1,
                "source" => 2,
                "target" => 4,
                _ => continue,
            };
            if r >= HEADER_SEARCHED {
                *named.entry(r).or_default() |= bit;
            }
        }
        named.into_iter().filter(|&(_, bits)| bits == 7).map(|(r, _)| r).min()
    }

    /// The name in the first row of column `column` as the sheet writes it (trimmed).
    fn header_as_written(&self, column: u32) -> String {
        match self.cells.get(&(0, column)) {
            Some((Data::String(s), _)) => s.trim().to_string(),
            _ => String::new(),
        }
    }

    /// The columns that hold a cell, in order, zero-based.
    fn columns(&self) -> std::collections::BTreeSet<u32> {
        self.cells.keys().map(|&(_, c)| c).collect()
    }

    /// The rows below the header that hold something other than white space in the
    /// column `column`, zero-based, as the spreadsheet numbers them (from 1), in order.
    fn filled_rows(&self, column: u32) -> Vec<u64> {
        let mut rows: Vec<u64> = (self.cells.iter())
            .filter(|((r, c), (value, formula))| {
                *r > 0 && *c == column && (formula.is_some() || !value.to_string().trim().is_empty())
            })
            .map(|((r, _), _)| u64::from(*r) + 1)
            .collect();
        rows.sort_unstable();
        rows
    }

    /// The rows that hold a cell, in order.
    pub(super) fn rows(&self) -> impl Iterator<Item = u32> {
        let rows: std::collections::BTreeSet<u32> = self.cells.keys().map(|(r, _)| *r).collect();
        rows.into_iter()
    }

    /// The text of the cell at `(row, column)`, zero-based, named `name` in messages;
    /// `None`, with a problem added, for what a spreadsheet put there instead of text: a
    /// formula, an error value, a number (as the sheet showed it, where it can be told),
    /// a date or a boolean, where the text was as `issued` says (`as tolk wrote it`).
    fn text(
        &self,
        row: u32,
        column: u32,
        (name, issued): (&str, &str),
        origin: &Origin,
        problems: &mut Vec<Problem>,
    ) -> Option<String> {
        let mut problem = |expected: &str, found: String| {
            problems.push(Problem {
                origin: origin.clone(),
                column: name.to_string(),
                expected: expected.into(),
                found,
            });
            None
        };
        let (value, formula) = self.get(row, column);
        if let Some(f) = formula {
            let found = match f.to_uppercase().as_str() {
                "TRUE()" | "FALSE()" => format!("a boolean ({f}): the spreadsheet converted what was typed"),
                _ => format!("the formula ={f}"),
            };
            return problem("text (type the translation as text, not as a formula)", found);
        }
        match value {
            None | Some(Data::Empty) => Some(String::new()),
            Some(Data::String(s)) if s.len() > MAX_CELL => {
                problem(&format!("a cell of at most {MAX_CELL} bytes"), format!("{} bytes", s.len()))
            }
            Some(Data::String(s)) => Some(s.clone()),
            Some(Data::Error(e)) => {
                problem("text", format!("the spreadsheet error value {e}; retype the cell as text"))
            }
            Some(other) => {
                let (what, shown) = match other {
                    Data::Bool(_) => ("a boolean", other.to_string()),
                    // As a person reads it, not as the serial number a workbook keeps.
                    Data::DateTime(d) if d.is_datetime() => ("a date or time", shown_date(d)),
                    Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
                        ("a date or time", other.to_string())
                    }
                    _ => (
                        "a number",
                        self.shown.get(&(row, column)).cloned().unwrap_or_else(|| other.to_string()),
                    ),
                };
                let todo = if matches!(name, "id" | "source") {
                    "export the batch again and leave id and source as they are"
                } else {
                    "format the cell as text and type it again"
                };
                problem(
                    &format!("text, {issued}"),
                    format!("{what} ({shown}): the spreadsheet converted the cell; {todo}"),
                )
            }
        }
    }

    /// The value and formula at `(row, column)`, zero-based.
    pub(super) fn get(&self, row: u32, column: u32) -> (Option<&Data>, Option<&String>) {
        match self.cells.get(&(row, column)) {
            Some((value, formula)) => (Some(value), formula.as_ref()),
            None => (None, None),
        }
    }
}

/// The comments on cells of the workbook `bytes` (LibreOffice's annotations, Excel's
/// notes), by the name of their sheet: each its cell (row, column), zero-based, and its
/// text. Found as the spreadsheets write them, through the package's relationships:
/// the workbook, its sheets, and each sheet's comments part. Excel's bold "Author:"
/// before a note's text is no part of it.
fn cell_comments(bytes: &[u8]) -> std::result::Result<std::collections::HashMap<String, Notes>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut read = |name: &str| -> std::result::Result<Option<String>, String> {
        let entry = match archive.by_name(name) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("{name}: {e}")),
        };
        let mut text = String::new();
        entry.take(MAX_UNPACKED + 1).read_to_string(&mut text).map_err(|e| format!("{name}: {e}"))?;
        Ok(Some(text))
    };
    let mut out = std::collections::HashMap::new();
    let document = read("_rels/.rels")?
        .map(|rels| relationships(&rels, ""))
        .transpose()?
        .and_then(|rels| rels.into_iter().find(|(_, kind, _)| kind.ends_with("/officeDocument")))
        .map_or_else(|| "xl/workbook.xml".to_string(), |(_, _, target)| target);
    let Some(workbook) = read(&document)? else { return Ok(out) };
    let (folder, file) = document.rsplit_once('/').unwrap_or(("", &document));
    let Some(rels) = read(&format!("{folder}/_rels/{file}.rels"))? else { return Ok(out) };
    let parts = relationships(&rels, folder)?;
    for (sheet, id) in sheets_of(&workbook)? {
        let Some((_, _, part)) = parts.iter().find(|(i, _, _)| *i == id) else { continue };
        let (folder, file) = part.rsplit_once('/').unwrap_or(("", part));
        let Some(rels) = read(&format!("{folder}/_rels/{file}.rels"))? else { continue };
        for (_, kind, target) in relationships(&rels, folder)? {
            if kind.ends_with("/comments") {
                if let Some(xml) = read(&target)? {
                    out.entry(sheet.clone()).or_insert_with(Vec::new).extend(comments_of(&xml)?);
                }
            }
        }
    }
    Ok(out)
}

/// The comments of one sheet: each its cell (row, column), zero-based, and its text.
type Notes = Vec<((u32, u32), String)>;

/// The relationships of a package's `.rels` part `xml`: each its id, type and target,
/// as a path in the package from `folder`, the folder of the part they are of.
fn relationships(xml: &str, folder: &str) -> std::result::Result<Vec<(String, String, String)>, String> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == b"Relationship" =>
            {
                let value = |name: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == name)
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                        .unwrap_or_default()
                };
                let target = value(b"Target");
                out.push((value(b"Id"), value(b"Type"), package_path(folder, &target)));
            }
            quick_xml::events::Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The part `target` names from the folder `folder` of a package: `../comments1.xml`
/// from `xl/worksheets` is `xl/comments1.xml`, `/xl/x.xml` is `xl/x.xml`.
fn package_path(folder: &str, target: &str) -> String {
    let mut parts: Vec<&str> = match target.strip_prefix('/') {
        Some(_) => Vec::new(),
        None => folder.split('/').filter(|p| !p.is_empty()).collect(),
    };
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => _ = parts.pop(),
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// The sheets of a workbook's `xml`, in order: each its name and relationship id.
fn sheets_of(xml: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == b"sheet" =>
            {
                let (mut name, mut id) = (String::new(), String::new());
                for a in e.attributes().flatten() {
                    let value = a.unescape_value().map(|v| v.into_owned()).unwrap_or_default();
                    match (a.key.as_ref(), a.key.local_name().as_ref()) {
                        (b"name", _) => name = value,
                        (key, b"id") if key.contains(&b':') => id = value,
                        _ => {}
                    }
                }
                out.push((name, id));
            }
            quick_xml::events::Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The comments of a comments part's `xml`: each its cell and its text, the runs of
/// its text joined, less a first bold run ending in `:` (Excel's author) and the line
/// break after it, and less phonetic runs.
fn comments_of(xml: &str) -> std::result::Result<Notes, String> {
    use quick_xml::events::Event;
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    // The comment being read: its cell, and its runs (bold or not, and their text).
    type Runs = Vec<(bool, String)>;
    let mut comment: Option<((u32, u32), Runs)> = None;
    let (mut in_text, mut phonetic) = (false, 0usize);
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"comment" => {
                    let at = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"ref")
                        .and_then(|a| a.unescape_value().ok().and_then(|r| parse_a1(&r)));
                    comment = at.map(|at| (at, Vec::new()));
                }
                b"rPh" if matches!(event, Event::Start(_)) => phonetic += 1,
                b"r" => comment.iter_mut().for_each(|(_, runs)| runs.push((false, String::new()))),
                b"b" if phonetic == 0 => {
                    if let Some((_, runs)) = &mut comment {
                        if let Some(run) = runs.last_mut() {
                            run.0 = e.attributes().flatten().all(|a| a.value.as_ref() != b"0");
                        }
                    }
                }
                b"t" if matches!(event, Event::Start(_)) => in_text = phonetic == 0,
                _ => {}
            },
            Event::Text(t) if in_text => {
                let text = t.unescape().map_err(|e| e.to_string())?;
                if let Some((_, runs)) = &mut comment {
                    match runs.last_mut() {
                        Some(run) => run.1.push_str(&text),
                        None => runs.push((false, text.into_owned())),
                    }
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"rPh" => phonetic = phonetic.saturating_sub(1),
                b"comment" => {
                    if let Some((at, mut runs)) = comment.take() {
                        if runs.len() > 1 && runs[0].0 && runs[0].1.trim_end().ends_with(':') {
                            runs.remove(0);
                        }
                        let text: String = runs.into_iter().map(|(_, t)| t).collect();
                        let text = text.strip_prefix('\n').unwrap_or(&text).trim_end().to_string();
                        if !text.trim().is_empty() {
                            out.push((at, text));
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The cell `C20` names, zero-based (row, column).
fn parse_a1(a1: &str) -> Option<(u32, u32)> {
    let letters = a1.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (column, row) = a1.split_at(letters);
    if letters == 0 || letters > 3 {
        return None;
    }
    let column = column.bytes().fold(0u32, |n, b| n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1));
    let row: u32 = row.parse().ok().filter(|&r| r > 0)?;
    Some((row - 1, column - 1))
}

/// `value` as the number format `format` shows it, if it is a percentage format
/// (`0%`, `0.00%`): `10%`, `12.50%`.
fn percentage(value: f64, format: &str) -> Option<String> {
    // The first section, for positive numbers; a literal in quotes is no digit.
    let section = format.split(';').next().unwrap_or_default();
    let mut unquoted = String::new();
    for (i, part) in section.split('"').enumerate() {
        if i % 2 == 0 {
            unquoted.push_str(part);
        }
    }
    let (number, _) = unquoted.split_once('%')?;
    let decimals =
        number.split_once('.').map_or(0, |(_, d)| d.chars().filter(|c| matches!(c, '0' | '#')).count());
    Some(format!("{:.*}%", decimals, value * 100.0))
}

/// The cell at `(row, column)`, zero-based, as a spreadsheet names it: `C20`.
fn a1(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), u64::from(row) + 1)
}

/// A workbook's date or time as ISO 8601 writes it: `2026-05-17`, `2026-05-17 14:30`,
/// or `14:30` for a time alone.
fn shown_date(d: &calamine::ExcelDateTime) -> String {
    let (year, month, day, hour, minute, second, _) = d.to_ymd_hms_milli();
    let time = match (hour, minute, second) {
        (0, 0, 0) => String::new(),
        (h, m, 0) => format!("{h:02}:{m:02}"),
        (h, m, s) => format!("{h:02}:{m:02}:{s:02}"),
    };
    match (d.as_f64() < 1.0, time.is_empty()) {
        (true, false) => time,
        (_, true) => format!("{year:04}-{month:02}-{day:02}"),
        (false, false) => format!("{year:04}-{month:02}-{day:02} {time}"),
    }
}

/// Refuses a zip archive whose entries would unpack to more than `limit` bytes
/// ([`MAX_UNPACKED`]), or whose shared strings to more than [`MAX_SHARED_STRINGS`],
/// before anything is unpacked.
pub(super) fn check_unpacked_size(bytes: &[u8], limit: u64) -> std::result::Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| e.to_string())?;
        if entry.name().is_ok_and(|n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"))
            && entry.size() > MAX_SHARED_STRINGS
        {
            return Err(format!("its shared strings unpack to more than {} MiB", MAX_SHARED_STRINGS >> 20));
        }
        total = total.saturating_add(entry.size());
        if total > limit {
            return Err(format!("it unpacks to more than {} MiB", limit >> 20));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{BatchRow, Place};
    use crate::text::SegmentId;

    fn batch() -> Batch {
        let row = BatchRow {
            id: SegmentId::of("17.05"),
            places: vec![Place { doc: "a.txt".into(), line: 1 }],
            more_places: 0,
            words: 1,
            score: Some(80),
            source: "17.05".into(),
            suggestion: "17.06".into(),
            suggestion_source: "17.06 gjelder".into(),
            target: String::new(),
            before: None,
            after: Some("=SUM(A1)".into()),
            terms: vec!["dato = date".into()],
            tags: Vec::new(),
            repaired: Vec::new(),
        };
        Batch::new(vec![row])
    }

    #[test]
    fn a_written_batch_reads_back_to_the_same_rows() {
        let bytes = render(&batch()).unwrap();
        let file = parse(Path::new("b.xlsx"), bytes).unwrap();
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(file.rows.len(), 1);
        assert_eq!(
            (file.rows[0].id.as_str(), file.rows[0].source.as_str()),
            (SegmentId::of("17.05").to_string().as_str(), "17.05")
        );
    }

    #[test]
    fn a_row_is_as_tall_as_its_sentence_wraps_to_and_counts_are_numbers() {
        let mut batch = batch();
        let long = "Ord for ord. ".repeat(16);
        batch.rows[0].source = long.trim().to_string();
        batch.rows.push(BatchRow {
            source: "Kort.".into(),
            id: SegmentId::of("Kort."),
            ..batch.rows[0].clone()
        });
        batch.rows[1].suggestion = String::new();
        let bytes = render(&batch).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet)
            .unwrap();
        let height = |r: u32| -> f64 {
            let row = sheet.split(&format!("<row r=\"{r}\"")).nth(1).expect("the row");
            let tag = row.split('>').next().unwrap();
            // None is the sheet's default, one line.
            let ht = tag.split(" ht=\"").nth(1).map_or("15", |ht| ht.split('"').next().unwrap());
            ht.parse().unwrap()
        };
        // 207 characters in a column 50 wide: four lines of 15 points; a short one, one.
        assert_eq!((height(2), height(3)), (60.0, 15.0));
        // The score and the word count are numbers (no `t="s"` or inline string).
        let score = sheet.split("<c r=\"E2\"").nth(1).unwrap().split("</c>").next().unwrap();
        assert!(!score.contains("t=\"") && score.contains("<v>80</v>"), "{score}");
    }

    /// A sheet of `workbook` with the columns id, source and target, and a row for each
    /// of `rows` (source, target).
    fn rows<'w>(workbook: &'w mut Workbook, rows: &[(&str, &str)]) -> &'w mut rust_xlsxwriter::Worksheet {
        let sheet = workbook.add_worksheet();
        for (c, name) in ["id", "source", "target"].into_iter().enumerate() {
            sheet.write_string(0, c as u16, name).unwrap();
        }
        for (r, (source, target)) in (1..).zip(rows) {
            sheet.write_string(r, 0, SegmentId::of(source).to_string()).unwrap();
            sheet.write_string(r, 1, *source).unwrap();
            sheet.write_string(r, 2, *target).unwrap();
        }
        sheet
    }

    /// Regression (a spreadsheet trial): a sheet sorted with its header among the rows
    /// was asked whether it was a batch at all. The row with the names says so, and how
    /// to undo it.
    #[test]
    fn a_header_sorted_in_among_the_rows_is_named() {
        let sentences: Vec<String> = (0..30).map(|i| format!("Setning {i}.")).collect();
        let pairs: Vec<(&str, &str)> = sentences.iter().map(|s| (s.as_str(), "")).collect();
        let mut workbook = Workbook::new();
        let sheet = rows(&mut workbook, &pairs);
        // The header swapped with the 25th row, as a sort of all rows leaves it.
        for (c, name) in ["id", "source", "target"].into_iter().enumerate() {
            sheet.write_string(0, c as u16, SegmentId::of(&sentences[24]).to_string()).unwrap();
            sheet.write_string(25, c as u16, name).unwrap();
        }
        sheet.write_string(0, 1, &sentences[24]).unwrap();
        let err =
            parse(Path::new("sorted.xlsx"), workbook.save_to_buffer().unwrap()).unwrap_err().to_string();
        assert!(
            err.contains(
                "its row 26 names them: the sheet was sorted with the names of the columns among its rows; undo \
                 the sort (or sort again with \"Range contains column labels\" checked), or move row 26 back to \
                 the top, and import again"
            ),
            "{err}"
        );
    }

    /// Regression: a cell at XFD1048576 made the reader build a grid of 17 billion cells.
    #[test]
    fn a_cell_far_away_costs_one_cell() {
        let mut workbook = Workbook::new();
        let sheet = rows(&mut workbook, &[("Hei.", "Hi.")]);
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        let file = parse(Path::new("far.xlsx"), workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(file.rows.len(), 1);
        assert!(file.problems.is_empty());
    }

    /// A translator's own column with text in it is said, since it is not imported; an
    /// empty one, and tolk's own columns, are not.
    #[test]
    fn text_in_a_column_tolk_does_not_read_is_a_warning() {
        let mut workbook = Workbook::new();
        let sheet = rows(&mut workbook, &[("Hei.", "Hi."), ("Ja.", "Yes."), ("Nei.", "No.")]);
        for (c, name) in [(3, "Mine notater"), (4, "empty"), (5, "comment"), (6, "")] {
            sheet.write_string(0, c, name).unwrap();
        }
        sheet.write_string(2, 3, "sjekk tallet").unwrap();
        sheet.write_string(3, 3, "  ").unwrap();
        sheet.write_string(1, 5, "a remark").unwrap();
        sheet.write_number(1, 6, 3.0).unwrap();
        sheet.write_string(3, 6, "x").unwrap();
        let file = parse(Path::new("w.xlsx"), workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(
            file.warnings,
            ["the columns \"Mine notater\" (row 3), number 7 (no name) (rows 2 and 4) hold text tolk does not import: a \
              remark for the editor goes in the column comment, which is kept with the translation"]
        );
        assert_eq!(file.rows[0].comment.as_deref(), Some("a remark"));
        // tolk's own workbook holds no such column.
        assert!(parse(Path::new("b.xlsx"), render(&batch()).unwrap()).unwrap().warnings.is_empty());
    }

    #[test]
    fn an_error_value_typed_or_pasted_as_text_is_refused_and_digits_are_not() {
        let mut workbook = Workbook::new();
        let targets = ["Err:509", "#VALUE!", "32", "Err: the end"];
        rows(&mut workbook, &targets.map(|target| ("Hei du.", target)));
        let file = parse(Path::new("e.xlsx"), workbook.save_to_buffer().unwrap()).unwrap();
        let refused: Vec<String> = file.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            refused,
            ["Err:509", "#VALUE!"].map(|v| format!(
                "e.xlsx: row {}, column target: expected a translation, found the spreadsheet error value {v}, \
                 left where a formula failed; type the translation as text",
                if v == "Err:509" { 2 } else { 3 }
            ))
        );
        let kept: Vec<&str> = file.rows.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(kept, ["32", "Err: the end"]);
    }

    /// Regression: the apostrophe typed before =, +, - or @ in a text cell, which a
    /// spreadsheet keeps as part of the text, was imported as part of the translation.
    #[test]
    fn the_apostrophe_typed_before_a_formula_character_is_taken_off() {
        let mut batch = batch();
        let sources = ["Regnestykket.", "Pluss.", "Minus.", "Alfa.", "Sitat.", "'=x er en formel."];
        let targets =
            ["'=SUM(A1:A3) is a formula.", "'+47", "'-5 degrees", "'@tolk", "'Tis so.", "'=x is a formula."];
        batch.rows = (sources.iter().zip(targets))
            .map(|(source, target)| BatchRow {
                id: SegmentId::of(source),
                source: source.to_string(),
                target: target.to_string(),
                ..batch.rows[0].clone()
            })
            .collect();
        let file = parse(Path::new("b.xlsx"), render(&batch).unwrap()).unwrap();
        let read: Vec<&str> = file.rows.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(
            read,
            ["=SUM(A1:A3) is a formula.", "+47", "-5 degrees", "@tolk", "'Tis so.", "'=x is a formula."]
        );
    }

    /// Regression: a target LibreOffice cut to the 32,767 characters a cell holds was
    /// imported cut.
    #[test]
    fn a_target_as_long_as_a_cell_holds_is_refused_as_cut_off() {
        let mut batch = batch();
        batch.rows[0].target = "Word. ".repeat(MAX_CELL_CHARS / 6 + 1)[..MAX_CELL_CHARS].to_string();
        let file = parse(Path::new("b.xlsx"), render(&batch).unwrap()).unwrap();
        assert_eq!(file.rows.len(), 0);
        let problem = file.problems[0].to_string();
        assert!(
            problem.starts_with(
                "b.xlsx: row 2, column target: expected a translation shorter than the 32,767 characters a \
                 spreadsheet cell holds, found one of exactly 32,767 characters, ending \"…ord. Word. Word. Word. Word. \
                 W\": probably cut off"
            ),
            "{problem}"
        );
        batch.rows[0].target.pop();
        let file = parse(Path::new("b.xlsx"), render(&batch).unwrap()).unwrap();
        assert!(file.problems.is_empty() && file.rows.len() == 1, "{:?}", file.problems);
    }

    /// Regression: a number a percentage format showed as 10% was named `0.1`, and a
    /// workbook tolk did not write (a CSV batch saved as one) was said to hold "text,
    /// as tolk wrote it".
    #[test]
    fn a_number_is_named_as_the_sheet_shows_it() {
        let mut workbook = Workbook::new();
        let sheet =
            rows(&mut workbook, &[("Ti prosent.", ""), ("Tolv og en halv prosent.", ""), ("Tre.", "")]);
        let percent = |code: &str| rust_xlsxwriter::Format::new().set_num_format(code);
        sheet.write_number_with_format(1, 2, 0.1, &percent("0%")).unwrap();
        sheet.write_number_with_format(2, 2, 0.125, &percent("0.00%")).unwrap();
        sheet.write_number(3, 2, 3.0).unwrap();
        let file = parse(Path::new("p.xlsx"), workbook.save_to_buffer().unwrap()).unwrap();
        let found: Vec<String> =
            file.problems.iter().map(|p| format!("{}, found {}", p.expected, p.found)).collect();
        assert_eq!(
            found,
            ["10%", "12.50%", "3"].map(|n| format!(
                "text, as the batch had it, found a number ({n}): the spreadsheet converted the cell; format the \
                 cell as text and type it again"
            ))
        );
        assert_eq!(percentage(0.5, "#,##0.0%;[RED]-0.0%"), Some("50.0%".into()));
        assert_eq!(percentage(0.5, "0.00\"%\""), None);
        assert_eq!(percentage(0.5, "General"), None);
    }

    /// A note Excel writes starts with its author in bold, which is no part of it;
    /// LibreOffice writes the text alone, and phonetic runs are no text.
    #[test]
    fn comments_are_read_as_spreadsheets_write_them() {
        let xml = r#"<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>Anna</author></authors><commentList>
            <comment ref="C3" authorId="0"><text><r><rPr><b/><sz val="9"/></rPr><t>Anna:</t></r><r><rPr><sz val="9"/></rPr><t xml:space="preserve">
Is &quot;lay judge&quot; right?</t></r></text></comment>
            <comment ref="AB12" authorId="0"><text><t>plain</t><rPh sb="0" eb="1"><t>ふりがな</t></rPh></text></comment>
            <comment ref="D4" authorId="0"><text><r><rPr><b/></rPr><t>Bold: all of it</t></r></text></comment>
            <comment ref="nonsense" authorId="0"><text><t>lost</t></text></comment>
        </commentList></comments>"#;
        assert_eq!(
            comments_of(xml).unwrap(),
            [
                ((2, 2), "Is \"lay judge\" right?".to_string()),
                ((11, 27), "plain".to_string()),
                ((3, 3), "Bold: all of it".to_string())
            ]
        );
        assert_eq!(package_path("xl/worksheets", "../comments1.xml"), "xl/comments1.xml");
        assert_eq!(package_path("xl", "/xl/worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(package_path("xl", "worksheets/./sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(
            (parse_a1("A1"), parse_a1("XFD1048576"), parse_a1("A0")),
            (Some((0, 0)), Some((1_048_575, 16_383)), None)
        );
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }

    /// A date the spreadsheet made of a cell is named as a person reads it, not as the
    /// serial number the workbook keeps.
    #[test]
    fn a_cell_made_a_date_is_named_as_a_date() {
        let mut workbook = Workbook::new();
        let sheet = rows(&mut workbook, &[("17. mai", ""), ("Kl. 14.30", ""), ("Nå", "")]);
        let date = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 5, 17).unwrap();
        sheet.write_datetime_with_format(1, 2, &day, &date).unwrap();
        let time = rust_xlsxwriter::Format::new().set_num_format("hh:mm");
        sheet
            .write_datetime_with_format(
                2,
                2,
                rust_xlsxwriter::ExcelDateTime::from_hms(14, 30, 0).unwrap(),
                &time,
            )
            .unwrap();
        let both = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy hh:mm");
        let moment = rust_xlsxwriter::ExcelDateTime::parse_from_str("2026-05-17T08:05:00").unwrap();
        sheet.write_datetime_with_format(3, 2, &moment, &both).unwrap();
        let file = parse(Path::new("d.xlsx"), workbook.save_to_buffer().unwrap()).unwrap();
        let found: Vec<String> = file.problems.iter().map(|p| p.found.clone()).collect();
        assert_eq!(
            found,
            ["2026-05-17", "14:30", "2026-05-17 08:05"].map(|d| format!(
                "a date or time ({d}): the spreadsheet converted the cell; format the cell as text and type it again"
            ))
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, failure_persistence: None, ..Default::default() })]

        /// What tolk writes it reads back: any source, target and suggestion survive the
        /// workbook as they were.
        #[test]
        fn a_workbook_reads_back_to_the_same_rows(
            source in "\\PC{1,30}",
            target in "[\t\n\r\u{1}-\u{1f} a-zæøå=+@'\"_x0-9]{0,20}",
            suggestion in "\\PC{0,20}",
        ) {
            let mut batch = batch();
            batch.rows[0].id = SegmentId::of(&source);
            batch.rows[0].source = source.clone();
            batch.rows[0].target = target.clone();
            batch.rows[0].suggestion = suggestion.clone();
            let file = parse(Path::new("b.xlsx"), render(&batch).unwrap()).unwrap();
            proptest::prop_assert!(file.problems.is_empty(), "{:?}", file.problems);
            let row = &file.rows[0];
            proptest::prop_assert_eq!(&row.source, &source);
            // But for the apostrophe a translator types before =, +, - or @ in a text
            // cell, a spreadsheet's escape, which is taken off.
            let escape = target.starts_with("'=") || target.starts_with("'+") || target.starts_with("'-") || target.starts_with("'@");
            let typed = if escape && !source.starts_with('\'') { &target[1..] } else { target.as_str() };
            proptest::prop_assert_eq!(&row.target, typed);
            let expected = if suggestion.trim().is_empty() { String::new() } else { suggestion.clone() };
            proptest::prop_assert_eq!(row.suggestion.clone().unwrap_or_default(), expected);
        }
    }

    #[test]
    fn an_archive_that_unpacks_beyond_the_limit_is_refused_before_unpacking() {
        let bytes = render(&batch()).unwrap();
        assert_eq!(check_unpacked_size(&bytes, MAX_UNPACKED), Ok(()));
        let err = check_unpacked_size(&bytes, 1 << 10).unwrap_err();
        assert_eq!(err, "it unpacks to more than 0 MiB");
        let err = parse(Path::new("b.xlsx"), b"PK\x03\x04 not a zip".to_vec()).unwrap_err().to_string();
        assert!(err.starts_with("b.xlsx: not a readable XLSX workbook ("), "{err}");
        // Millions of tiny shared strings: within the archive's limit, beyond the table's.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("xl/sharedStrings.xml", stored).unwrap();
        std::io::Write::write_all(&mut zip, &b"<si><t>a</t></si>".repeat(2_000_000)).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(
            check_unpacked_size(&bytes, MAX_UNPACKED),
            Err("its shared strings unpack to more than 32 MiB".into())
        );
    }
}
