//! Reading and writing one memory CSV file.
//!
//! Reading checks everything before handing back a single entry: the header, the
//! quoting (an unclosed quote or text after a closing quote is an error, not a cell
//! that silently swallows the rest of the file), UTF-8 in every cell, the number of
//! cells in every row, a non-empty source without control characters (but tab and line
//! breaks), a target without them, and valid timestamps. Writing produces RFC
//! 4180 CSV (UTF-8, LF, quotes only where needed) with the file's own column order.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use super::{Entry, Short};
use crate::error::{Error, Place, Result};
use crate::input::csv::{Rows, Scan};
use crate::input::limits::MAX_CELL;
use crate::timestamp::Timestamp;

/// The columns tolk knows, in the order a new file gets them. A new file gets all but
/// the last five, which a file only gets once one of its entries has a value there:
/// `retired` once one is retired ([`crate::memory::history`]), `import` once an import
/// adds one, `retired_by` once an import retires one ([`crate::memory::imports`]), and
/// `prev` and `next`, the sentences before and after the entry's sentence where it was
/// translated (its context, [`crate::memory::Memory::in_context`]), once an entry has
/// one. A memory that never had history or context looks as it always did.
pub const KNOWN_COLUMNS: [&str; 12] = [
    "source",
    "target",
    "created",
    "changed",
    "translator",
    "origin",
    "note",
    "retired",
    "import",
    "retired_by",
    "prev",
    "next",
];

/// How many of [`KNOWN_COLUMNS`] a new file's header has.
const NEW_FILE_COLUMNS: usize = 7;

/// Reads the memory CSV at `path` and appends its entries (tagged with `file`) to
/// `entries`; returns the header as written. On error nothing is appended.
pub fn read_csv(path: &Path, file: usize, entries: &mut Vec<Entry>) -> Result<Vec<String>> {
    let bytes = crate::input::limits::read_csv(path)?;
    let start = entries.len();
    let result = parse(path, &bytes, file, entries);
    if result.is_err() {
        entries.truncate(start);
    }
    result
}

/// Reads memory CSV `bytes` as [`read_csv`] reads a file, with the same limits: what
/// tolk is about to write is checked with this before it is written.
pub fn read_bytes(path: &Path, bytes: &[u8], file: usize, entries: &mut Vec<Entry>) -> Result<Vec<String>> {
    crate::input::limits::check_csv(path, bytes)?;
    let start = entries.len();
    let result = parse(path, bytes, file, entries);
    if result.is_err() {
        entries.truncate(start);
    }
    result
}

/// Reads the memory CSV at `path` as [`read_csv`] does, handing each entry to `each`
/// as it is read instead of keeping it; an error may come after some entries were
/// handed on.
pub fn read_csv_each(path: &Path, file: usize, each: &mut dyn FnMut(Entry)) -> Result<Vec<String>> {
    let bytes = crate::input::limits::read_csv(path)?;
    parse_each(path, &bytes, file, each)
}

fn parse(path: &Path, bytes: &[u8], file: usize, entries: &mut Vec<Entry>) -> Result<Vec<String>> {
    parse_in_pieces(path, bytes, file, PIECE, entries)
}

/// Where [`parse_in_pieces`] hands the entries it reads, in the file's order.
trait Sink {
    /// About `more` entries are still to come.
    fn expect(&mut self, _more: usize) {}
    fn take(&mut self, entry: Entry);
}

/// A memory read whole: its room is made once, not grown again and again, each time
/// moving every entry to memory never touched before. A guess too large for the
/// machine (a file whose first rows are short and the rest long) is no error: the
/// entries then make room as they come.
impl Sink for Vec<Entry> {
    fn expect(&mut self, more: usize) {
        let _ = self.try_reserve(more);
    }

    fn take(&mut self, entry: Entry) {
        self.push(entry);
    }
}

impl Sink for &mut dyn FnMut(Entry) {
    fn take(&mut self, entry: Entry) {
        self(entry)
    }
}

/// The bytes of rows one core reads at a time: a larger file is cut into pieces of
/// about this size, each ending at the end of a record, read on every core.
const PIECE: usize = 2 << 20;

fn parse_each(path: &Path, bytes: &[u8], file: usize, each: &mut dyn FnMut(Entry)) -> Result<Vec<String>> {
    parse_in_pieces(path, bytes, file, PIECE, &mut { each })
}

/// Reads the file's header, then its rows in pieces of about `piece` bytes, a few
/// pieces at a time on every core, handing their entries on in the file's order. The
/// first error in the file's order is the one returned, the entries before it handed
/// on: what one pass over the file would do.
fn parse_in_pieces(
    path: &Path,
    bytes: &[u8],
    file: usize,
    piece: usize,
    sink: &mut dyn Sink,
) -> Result<Vec<String>> {
    let (header, bytes, pieces) = read_header(path, bytes, piece)?;
    // A few pieces at a time, so no more than those are held beside what is handed on.
    let wave = rayon::current_num_threads().max(1) * 2;
    for (i, pieces) in pieces.chunks(wave).enumerate() {
        let read: Vec<(Vec<Entry>, Result<()>)> = pieces
            .par_iter()
            .map(|(start, end, scan)| {
                let mut entries = Vec::new();
                let read = read_rows(&header, path, bytes, (*start, *end), scan.clone(), file, &mut |e| {
                    entries.push(e)
                });
                (entries, read)
            })
            .collect();
        let handed: usize = read.iter().map(|(entries, _)| entries.len()).sum();
        for (entries, read) in read {
            entries.into_iter().for_each(|e| sink.take(e));
            read?;
        }
        // The rest of the file, guessed from the first wave, a little over.
        let read_to = pieces.last().map_or(0, |p| p.1);
        if i == 0 && read_to < bytes.len() && read_to > 0 {
            let rest = (bytes.len() - read_to) as f64 / read_to as f64 * handed as f64;
            sink.expect((rest * 1.05) as usize + 16);
        }
    }
    Ok(header.columns)
}

/// What a memory file's header says about its rows.
struct Header {
    columns: Vec<String>,
    delimiter: u8,
    src: usize,
    tgt: usize,
    /// The column of each of [`KNOWN_COLUMNS`] after the first two.
    known: Vec<Option<usize>>,
    /// The columns tolk does not know, carried as they are.
    extra: Vec<usize>,
}

/// A piece of a file's rows: where it starts and ends, and the tokenizer's state at its
/// start (for the rows a spreadsheet shows).
type Piece = (usize, usize, Scan);

/// Checks what must hold before any row is read (no binary content, the quoting, the
/// header) and reads the header: it, the file's bytes without a byte order mark, and
/// its rows cut in pieces of about `piece` bytes.
fn read_header<'a>(path: &Path, bytes: &'a [u8], piece: usize) -> Result<(Header, &'a [u8], Vec<Piece>)> {
    // Refused before the byte order mark is taken off, so the byte offsets are the file's.
    crate::input::decode::refuse_binary(path, bytes, "\"CSV UTF-8\"")?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let csv_err =
        |row: u64, column: Option<&str>, message: String| Error::at(path, Place::row(row, column), message);
    // Comma is the format; a memory saved by a spreadsheet with `;` or tabs is read too.
    let delimiter = detect_delimiter(bytes, &["source", "target"]).unwrap_or(b',');
    // Tab-separated with no header naming source and target (two-column TSV, which `tm
    // import` reads): said before the quoting, which as a comma file's it would fail on.
    if let Some(message) = tsv_without_header(path, bytes) {
        return Err(csv_err(1, None, message));
    }
    let cuts = cut_checked(bytes, delimiter, piece).map_err(|(row, message)| csv_err(row, None, message))?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut rows = Rows::new(bytes, delimiter);
    let has_header = reader.read_byte_record(&mut record).map_err(|e| csv_err(1, None, e.to_string()))?;
    // The header's row as a spreadsheet shows it (blank lines before it count).
    let header_row = record.position().map_or(1, |p| rows.at(p.byte()));
    if !has_header || record.iter().all(|c| c.trim_ascii().is_empty()) {
        return Err(csv_err(
            header_row,
            None,
            "no header row: the first row must name the columns, with at least source and target".into(),
        ));
    }
    let mut columns = Vec::with_capacity(record.len());
    for (i, cell) in record.iter().enumerate() {
        let name = std::str::from_utf8(cell).map_err(|e| {
            csv_err(
                header_row,
                None,
                format!("column {} of the header is not valid UTF-8 (byte {})", i + 1, e.valid_up_to()),
            )
        })?;
        // A byte order mark not at the very start (after a blank line) is no part of a name.
        columns.push(name.trim_start_matches('\u{feff}').to_string());
    }
    let lower: Vec<String> = columns.iter().map(|c| c.trim().to_lowercase()).collect();
    let mut seen = std::collections::HashSet::new();
    for (i, name) in lower.iter().enumerate() {
        if name.is_empty() {
            return Err(csv_err(header_row, None, format!("column {} of the header has no name", i + 1)));
        }
        if !seen.insert(name.as_str()) {
            return Err(csv_err(
                header_row,
                Some(&columns[i]),
                "the column appears twice in the header".into(),
            ));
        }
    }
    let find = |name: &str| lower.iter().position(|c| c == name);
    let (Some(src), Some(tgt)) = (find("source"), find("target")) else {
        let missing = if find("source").is_none() { "source" } else { "target" };
        return Err(csv_err(
            header_row,
            None,
            format!(
                "no `{missing}` column in the header; found {}: the first row names the columns, `source` for \
                 the Norwegian and `target` for the English (other columns are kept); rename them, or save the \
                 two columns as TSV, source<TAB>target, and bring that file in with `tolk tm import`",
                columns.join(", ")
            ),
        ));
    };
    let known: Vec<Option<usize>> = KNOWN_COLUMNS[2..].iter().map(|k| find(k)).collect();
    let extra: Vec<usize> =
        (0..columns.len()).filter(|&i| !KNOWN_COLUMNS.contains(&lower[i].as_str())).collect();
    let body = usize::try_from(reader.position().byte()).unwrap_or(bytes.len()).min(bytes.len());
    let mut scan = Scan::new(Some(delimiter), usize::MAX);
    // The quoting was checked: the scan cannot stop.
    let _ = scan.feed(&bytes[..body]);
    // The pieces: from the rows' start to the first cut beyond it, and so on.
    let mut pieces = vec![(body, scan)];
    pieces.extend(cuts.into_iter().filter(|(at, _)| *at > body));
    let pieces = pieces
        .iter()
        .enumerate()
        .map(|(i, (start, scan))| (*start, pieces.get(i + 1).map_or(bytes.len(), |p| p.0), scan.clone()))
        .collect();
    Ok((Header { columns, delimiter, src, tgt, known, extra }, bytes, pieces))
}

/// Reads the rows of `bytes[start..end]`, a piece of the file from the start of a
/// record to the end of one, where the tokenizer stands as `scan` (for the rows a
/// spreadsheet shows), handing each entry to `each`.
fn read_rows(
    header: &Header,
    path: &Path,
    bytes: &[u8],
    (start, end): (usize, usize),
    scan: Scan,
    file: usize,
    each: &mut dyn FnMut(Entry),
) -> Result<()> {
    let Header { columns, delimiter, src, tgt, known, extra, .. } = header;
    let (src, tgt) = (*src, *tgt);
    let csv_err =
        |row: u64, column: Option<&str>, message: String| Error::at(path, Place::row(row, column), message);
    if start >= end {
        return Ok(());
    }
    // The reader takes a byte order mark at the start of what it reads off, as the
    // start of a file's: it reads from the line break before the piece (a blank line to
    // it), so a cell beginning with one keeps it.
    let after_break = start > 0 && matches!(bytes[start - 1], b'\n' | b'\r');
    let (from, text) = (if after_break { start - 1 } else { start }, &bytes[start..end]);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(*delimiter)
        .from_reader(&bytes[from..end]);
    let before = (start - from) as u64;
    let mut record = csv::ByteRecord::new();
    let mut row = scan.row().saturating_sub(1);
    let mut rows = Rows::resume(text, scan);
    let mut rows = move |p: &csv::Position| rows.at(p.byte().saturating_sub(before));
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let at = e.position().map_or(row + 1, &mut rows);
                return Err(csv_err(at, None, e.to_string()));
            }
        }
        row = record.position().map_or(row + 1, &mut rows);
        // A blank line, or a row of only delimiters as Excel leaves at the end of a sheet:
        // no entry, and no reason to refuse the memory.
        if record.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            return Err(csv_err(
                row,
                None,
                format!("expected {} cells as in the header, found {}", columns.len(), record.len()),
            ));
        }
        let text = |i: usize| -> Result<&str> {
            let raw = &record[i];
            if raw.len() > MAX_CELL {
                return Err(csv_err(
                    row,
                    Some(&columns[i]),
                    format!("the cell is larger than the limit of {MAX_CELL} bytes"),
                ));
            }
            match std::str::from_utf8(raw) {
                Ok(s) => Ok(s),
                Err(e) => Err(csv_err(
                    row,
                    Some(&columns[i]),
                    format!("invalid UTF-8 at byte {} of the cell; save the file as UTF-8", e.valid_up_to()),
                )),
            }
        };
        let cell = |i: usize| text(i).map(String::from);
        let opt = |k: usize| known[k].map_or(Ok(String::new()), cell);
        let short = |k: usize| known[k].map_or(Ok(Short::default()), |i| text(i).map(Short::from));
        let entry = Entry {
            source: cell(src)?,
            target: cell(tgt)?,
            created: short(0)?,
            changed: short(1)?,
            translator: short(2)?,
            origin: short(3)?,
            note: opt(4)?,
            retired: short(5)?,
            import: short(6)?,
            retired_by: short(7)?,
            prev: opt(8)?,
            next: opt(9)?,
            // An empty cell of an extra column is no value: kept, a memory of many sparse
            // columns would hold every empty cell of every row.
            extra: extra
                .iter()
                .filter_map(|&i| match cell(i) {
                    Ok(v) if v.is_empty() => None,
                    v => Some(v.map(|v| (columns[i].clone(), v))),
                })
                .collect::<Result<_>>()?,
            file,
            row,
        };
        if entry.source.trim().is_empty() {
            return Err(csv_err(
                row,
                Some(&columns[src]),
                "the source is empty; every entry needs a Norwegian sentence".into(),
            ));
        }
        // A control character hand-edited in (an escape sequence pasted from a terminal)
        // would reach the editions unseen and act on the terminal `lookup` prints to; a
        // batch's target with one is refused, and so is the memory that holds one.
        for (i, text) in [(src, &entry.source), (tgt, &entry.target)] {
            if let Some(c) = crate::input::control_character(text) {
                return Err(csv_err(
                    row,
                    Some(&columns[i]),
                    format!(
                        "the control character {} in {}, which no sentence or translation holds (an edition \
                         would carry it unseen); remove it from the file with a text editor",
                        crate::input::control_named(c),
                        crate::shown::quoted(text)
                    ),
                ));
            }
        }
        for (k, value) in [(0, &entry.created), (1, &entry.changed), (5, &entry.retired)] {
            if !value.trim().is_empty() && Timestamp::parse(value).is_none() {
                let col = known[k].map(|i| columns[i].as_str());
                return Err(csv_err(
                    row,
                    col,
                    format!("expected an ISO 8601 date like 2026-11-22T15:30:00Z, found {value:?}"),
                ));
            }
        }
        each(entry);
    }
    Ok(())
}

/// When `bytes`, the file at `path`, is tab-separated and its first line names no
/// `source` and `target` columns with any delimiter (two-column TSV, `source<TAB>target`
/// a line), what to say: such a file is no memory file, but `tm import` reads it.
fn tsv_without_header(path: &Path, bytes: &[u8]) -> Option<String> {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    let fits = |d: u8| {
        let names = header_names(bytes, d);
        ["source", "target"].iter().all(|r| names.iter().any(|n| n == r))
    };
    if !first.contains(&b'\t') || [b',', b';', b'\t'].into_iter().any(fits) {
        return None;
    }
    let cells: Vec<String> =
        first.split(|&b| b == b'\t').map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    let tsv =
        path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab"));
    let import = match tsv {
        true => format!("bring it into the memory with `tolk tm import {}`", crate::shown::path(path)),
        false => "save it with the extension .tsv and bring it into the memory with `tolk tm import`".into(),
    };
    Some(format!(
        "this file is tab-separated (TSV) and its first row names no `source` and `target` columns (found {}): \
         a memory file's first row names its columns; add the line source<TAB>target at its top, or {import}",
        cells.join(", ")
    ))
}

/// The cells of the first record of `text` split by `delimiter`, trimmed and lower case.
fn header_names(text: &[u8], delimiter: u8) -> Vec<String> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).delimiter(delimiter).flexible(true).from_reader(text);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record.iter().map(|c| String::from_utf8_lossy(c).trim().to_lowercase()).collect(),
        _ => Vec::new(),
    }
}

/// The delimiter of the header line: of `,` `;` and tab, the first (most frequent
/// first) that splits the header into cells naming every one of `required`
/// (case-insensitive), so that a `;` inside a column name of a comma file misleads
/// nothing; failing that, the most frequent; `None` when none occurs. Only delimiters
/// outside quotes count: a file opened with another separator than its own and saved
/// again has its whole header in one quoted cell (`"id,where,source,target";;`), whose
/// commas separate nothing, and counting them would read the file by the wrong one.
pub fn detect_delimiter(text: &[u8], required: &[&str]) -> Option<u8> {
    let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
    let line_end = text.iter().position(|&b| b == b'\n').unwrap_or(text.len());
    let header = &text[..line_end];
    let unquoted = unquoted_bytes(header);
    let mut candidates: Vec<(usize, u8)> =
        [b',', b';', b'\t'].iter().map(|&d| (unquoted.iter().filter(|&&b| b == d).count(), d)).collect();
    candidates.retain(|&(n, _)| n > 0);
    // Most frequent first; on a tie, the order above.
    candidates.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
    let fits = |&&(_, d): &&(usize, u8)| {
        let names = header_names(text, d);
        required.iter().all(|r| names.iter().any(|n| n == r))
    };
    // The names in the first cell and nothing in the others, what a spreadsheet saves
    // of a file it read by another separator: that cell's `;` are no delimiter of the
    // file as it is now (`id;source;target,,,`), however many there are.
    let joined = |&&(_, d): &&(usize, u8)| {
        let cells = header_names(text, d);
        cells.len() > 1
            && cells[1..].iter().all(|c| c.is_empty())
            && joined_names(&cells[0], required).is_some()
    };
    candidates
        .iter()
        .find(joined)
        .or_else(|| candidates.iter().find(fits))
        .or(candidates.first())
        .map(|&(_, d)| d)
}

/// The separator, `;`, `,` or tab, that splits `cell` into names holding every one of
/// `required` (case-insensitive; quotes a second save left around a name aside): a
/// header a spreadsheet read by another separator than its own put in one cell.
pub fn joined_names(cell: &str, required: &[&str]) -> Option<char> {
    [';', '\t', ','].into_iter().find(|&d| {
        let names: Vec<String> =
            cell.split(d).map(|n| n.trim().trim_matches('"').trim().to_lowercase()).collect();
        cell.contains(d) && required.iter().all(|c| names.iter().any(|n| n == c))
    })
}

/// The bytes of `line` outside quoted cells; a doubled quote inside a quoted cell
/// closes and reopens it, which leaves it inside.
fn unquoted_bytes(line: &[u8]) -> Vec<u8> {
    let mut quoted = false;
    let mut out = Vec::with_capacity(line.len());
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            out.push(b);
        }
    }
    out
}

/// Finds quoting that the CSV reader would accept but mean something else: a quote
/// left open until the end of the file, or text right after a closing quote. Returns
/// the row (as a spreadsheet counts them) and what is wrong. `delimiter` separates cells.
pub fn check_quoting(bytes: &[u8], delimiter: u8) -> Result<(), (u64, String)> {
    cut_checked(bytes, delimiter, usize::MAX).map(drop)
}

/// [`check_quoting`], which also cuts the file at the ends of records about every
/// `piece` bytes: each cut's offset and the tokenizer's state there.
fn cut_checked(bytes: &[u8], delimiter: u8, piece: usize) -> Result<Vec<(usize, Scan)>, (u64, String)> {
    use crate::input::csv::Stop;
    let mut scan = Scan::new(Some(delimiter), usize::MAX);
    let mut cuts = Vec::new();
    let mut at = 0;
    let scanned = loop {
        match scan.feed_to_row_end(&bytes[at..], piece) {
            Ok(Some(len)) => {
                at += len;
                cuts.push((at, scan.clone()));
            }
            Ok(None) => break scan.finish(),
            Err(stop) => break Err(stop),
        }
    };
    match scanned {
        Ok(()) => Ok(cuts),
        Err(Stop::TextAfterQuote { row }) => Err((
            row,
            "text after the closing quote of a cell; a quote inside a quoted cell is written twice (\"\")"
                .into(),
        )),
        Err(Stop::Unclosed { row }) => {
            Err((row, "a quoted cell is never closed (a missing \" before the end of the file)".into()))
        }
        Err(Stop::TooLarge { row }) => Err((row, "a cell too large to read".into())),
    }
}

/// Writes `entries` as a memory CSV with the header `columns` (as written in the file
/// they came from; empty for a new file). Known columns that some entry uses and the
/// header lacks are added at the end, so nothing is dropped.
pub fn write_csv<'a>(
    columns: &[String],
    entries: impl IntoIterator<Item = &'a Entry> + Clone,
    out: impl Write,
) -> Result<(), csv::Error> {
    let key = |name: &str| name.trim().to_lowercase();
    let columns = header(columns, entries.clone());
    // Column positions by trimmed, lower-cased name, so wide files stay linear.
    let index: HashMap<String, usize> = columns.iter().enumerate().map(|(i, c)| (key(c), i)).collect();
    let known_at: Vec<Option<usize>> =
        columns.iter().map(|c| KNOWN_COLUMNS.iter().position(|k| *k == key(c))).collect();
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
    w.write_record(&columns)?;
    // One record's cells, made again for each entry (a memory may have millions).
    let mut record: Vec<&str> = Vec::with_capacity(columns.len());
    for e in entries {
        let known = e.known();
        record.clear();
        record.extend(known_at.iter().map(|k| k.map_or("", |k| known[k])));
        for (name, value) in &e.extra {
            if let Some(&i) = index.get(&key(name)) {
                if known_at[i].is_none() {
                    record[i] = value;
                }
            }
        }
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

/// The header [`write_csv`] writes for `entries` in a file whose header is `columns`:
/// those columns (tolk's usual ones for a new file), then each of tolk's own columns an
/// entry has a value in, then each other column an entry has a value in, in the order
/// first met.
pub fn header<'a>(columns: &[String], entries: impl IntoIterator<Item = &'a Entry> + Clone) -> Vec<String> {
    let key = |name: &str| name.trim().to_lowercase();
    let mut columns: Vec<String> = if columns.is_empty() {
        KNOWN_COLUMNS[..NEW_FILE_COLUMNS].iter().map(|c| c.to_string()).collect()
    } else {
        columns.to_vec()
    };
    let mut seen: std::collections::HashSet<String> = columns.iter().map(|c| key(c)).collect();
    // Which of tolk's own columns the header lacks; then, in one pass over the entries,
    // which of those some entry has a value in, and the other columns met.
    let lacking: Vec<usize> =
        (0..KNOWN_COLUMNS.len()).filter(|&k| !seen.contains(KNOWN_COLUMNS[k])).collect();
    let mut used = vec![false; KNOWN_COLUMNS.len()];
    let mut others: Vec<String> = Vec::new();
    for e in entries {
        let known = e.known();
        for &k in &lacking {
            used[k] |= !known[k].is_empty();
        }
        for (name, value) in &e.extra {
            if !value.is_empty() && seen.insert(key(name)) {
                others.push(name.clone());
            }
        }
    }
    let added: Vec<&str> = lacking.into_iter().filter(|&k| used[k]).map(|k| KNOWN_COLUMNS[k]).collect();
    columns.extend(added.iter().map(|k| k.to_string()));
    // A column of tolk's own, added above, is not added again by another name's case.
    columns.extend(others.into_iter().filter(|name| !added.contains(&key(name).as_str())));
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header a spreadsheet joined into one quoted cell, the file opened with another
    /// separator and saved again, is read by the separator outside the quotes.
    #[test]
    fn delimiters_inside_quotes_are_not_counted() {
        let ids = ["id", "source", "target"];
        assert_eq!(detect_delimiter(b"\"id,where,source,target\";;\n", &ids), Some(b';'));
        assert_eq!(detect_delimiter(b"\"id;where;source;target\",,,,,\r\n", &ids), Some(b','));
        assert_eq!(detect_delimiter(b"\"id\"\t\"a,b;c\"\tsource\ttarget\n", &ids), Some(b'\t'));
        assert_eq!(detect_delimiter(b"id;\"so \"\"x,y\"\"\";source;target\n", &ids), Some(b';'));
        // Saved with `,` after being read by `,` though it was `;`: the one cell needs no
        // quotes, and its `;` outnumber the file's commas.
        assert_eq!(detect_delimiter(b"id;where;source;target;comment,,,\n", &ids), Some(b','));
        assert_eq!(detect_delimiter(b"id,source,target,,\n", &ids), Some(b','));
    }

    fn load(text: &str) -> Result<(Vec<String>, Vec<Entry>)> {
        let mut entries = Vec::new();
        let cols = parse(Path::new("m.csv"), text.as_bytes(), 0, &mut entries)?;
        Ok((cols, entries))
    }

    /// The header and entries of `bytes` read in pieces of about `piece` bytes, or the
    /// error's words, with the entries handed on before it.
    fn read_in_pieces(bytes: &[u8], piece: usize) -> (std::result::Result<Vec<String>, String>, Vec<Entry>) {
        let mut entries = Vec::new();
        let read = parse_in_pieces(Path::new("m.csv"), bytes, 0, piece, &mut entries);
        (read.map_err(|e| e.to_string()), entries)
    }

    proptest::proptest! {
        /// Reading a file in pieces on every core is reading it in one pass: the same
        /// entries, each with its row as a spreadsheet shows it, and the same first
        /// error with the entries before it, wherever the cuts fall (line breaks of
        /// every kind, quoted ones, blank lines, bad quoting, empty sources, bad dates).
        #[test]
        fn a_file_read_in_pieces_is_the_file_read_in_one_pass(
            header in proptest::sample::select(vec![
                "source,target,changed\n",
                "\n\u{feff}Source,note,target,changed\r\n",
                "\"source\",\"tar\nget\",changed\r",
                "source,target,changed,prev\n",
                "source,target,changed",
            ]),
            rows in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "Hei", "ø", "\"a,b\"", "\"x\ny\"", "\"q\"\"r\"", "\"\r\n\"", "12\" pizza",
                        "\u{feff}a", "\"\u{feff}b\"",
                    ]),
                    proptest::sample::select(vec!["Hi", "", "\"\n\"", "\u{feff}"]),
                    proptest::sample::select(vec!["", "2026-11-22T12:00:00Z"]),
                    proptest::sample::select(vec!["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n,,,\n", ""]),
                ),
                0..40,
            ),
            // Now and then a row that stops the read, anywhere.
            broken in proptest::option::weighted(
                0.3,
                (
                    0..40usize,
                    proptest::sample::select(vec![
                        " ,x,\n", "a,b\n", "a,b,not a date\n", "a,\"b\"x,\n", "a,\"open\n", "a,b,,,,\n",
                    ]),
                ),
            ),
        ) {
            let mut text = String::from(header);
            let columns = header.matches(',').count() + 1;
            for (i, (source, target, changed, end)) in rows.iter().enumerate() {
                if let Some((at, row)) = broken {
                    if at == i {
                        text.push_str(row);
                    }
                }
                text.push_str(&[*source, *target, *changed].join(","));
                text.push_str(&",".repeat(columns - 3));
                text.push_str(end);
            }
            let whole = read_in_pieces(text.as_bytes(), usize::MAX);
            for piece in [1, 2, 3, 7, 16, 64] {
                proptest::prop_assert_eq!(&read_in_pieces(text.as_bytes(), piece), &whole, "piece {}", piece);
            }
        }
    }

    #[test]
    fn a_header_alone_is_an_empty_memory_whatever_ends_it() {
        for text in
            ["source,target", "source,target\n", "\u{feff}source,target,note", "source,target\r\n\r\n"]
        {
            let (columns, entries) = load(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert!(columns.len() >= 2 && entries.is_empty(), "{text:?}");
        }
        let (_, entries) = load("source,target\nHei,Hi").unwrap();
        assert_eq!(
            (entries[0].source.as_str(), entries[0].target.as_str(), entries[0].row),
            ("Hei", "Hi", 2)
        );
    }

    #[test]
    fn a_large_file_is_read_in_pieces_as_in_one_pass() {
        let mut text = String::from("source,target,changed\r\n");
        for i in 0..20_000 {
            let line = match i % 4 {
                0 => format!("Setning {i}.,Sentence {i}.,2026-11-22T12:00:00Z\r\n"),
                1 => format!("\"To\nlinjer {i}\",\"Two \"\"lines\"\"\",\n\n"),
                2 => format!("Nr {i};x,y,\r"),
                _ => format!("\"Sitat, {i}\",Quote,\n"),
            };
            text.push_str(&line);
        }
        let whole = read_in_pieces(text.as_bytes(), usize::MAX);
        assert_eq!(whole.1.len(), 20_000);
        // The header's row, then five rows every four entries: a blank one after the
        // second, whose line break within quotes starts none.
        assert_eq!(whole.1.last().map(|e| e.row), Some(1 + 5 * 5_000));
        assert_eq!(read_in_pieces(text.as_bytes(), 4096), whole);
        assert_eq!(read_in_pieces(text.as_bytes(), PIECE), whole);
    }

    #[track_caller]
    fn fails(text: &str, message: &str) {
        assert_eq!(load(text).unwrap_err().to_string(), message);
    }

    /// Regression (a trial): a two-column TSV named as the memory was refused for a CSV
    /// quoting error thousands of rows down, and a clean one with the advice to save it
    /// as TSV, which it was.
    #[test]
    fn a_tsv_without_a_header_is_named_as_one_with_what_to_do() {
        let said = |name: &str, text: &str| {
            let mut entries = Vec::new();
            parse(Path::new(name), text.as_bytes(), 0, &mut entries).unwrap_err().to_string()
        };
        let tsv = "Hvem?\tWho?\nHan sa \"hei\" da.\tHe said \"hi\" then.\n";
        assert_eq!(
            said("nb-en.tsv", tsv),
            "nb-en.tsv: row 1: this file is tab-separated (TSV) and its first row names no `source` and `target` \
             columns (found Hvem?, Who?): a memory file's first row names its columns; add the line \
             source<TAB>target at its top, or bring it into the memory with `tolk tm import nb-en.tsv`"
        );
        assert!(
            said("m.csv", tsv).ends_with(
                "or save it with the extension .tsv and bring it into the memory with `tolk tm import`"
            ),
            "{}",
            said("m.csv", tsv)
        );
        // With a header naming the columns, a tab-separated memory is read.
        let (_, entries) = load("source\ttarget\nHvem?\tWho?\n").unwrap();
        assert_eq!(entries[0].target, "Who?");
        // A comma file is no TSV, a tab in a column's name notwithstanding.
        assert!(load("source,note\tx,target\nHei.,,Hi.\n").is_ok());
        assert!(said("m.csv", "kilde,mål\nHei.,Hi.\n").contains("no `source` column in the header"));
    }

    #[test]
    fn columns_in_any_order_and_case_with_extras_kept() {
        let (cols, entries) =
            load("\u{feff}Target,Client,SOURCE\nHi.,Lyse,Hei.\n\"Two,\n lines\",,To.\n").unwrap();
        assert_eq!(cols, ["Target", "Client", "SOURCE"]);
        assert_eq!(entries[0].source, "Hei.");
        assert_eq!(entries[0].extra, [("Client".to_string(), "Lyse".to_string())]);
        assert_eq!(entries[1].target, "Two,\n lines");
        assert_eq!(entries[1].row, 3);
        let mut out = Vec::new();
        write_csv(&cols, &entries, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Target,Client,SOURCE\nHi.,Lyse,Hei.\n\"Two,\n lines\",,To.\n"
        );
    }

    /// Found by hostile testing: Excel's trailing row of only delimiters made the
    /// whole memory refuse to load.
    #[test]
    fn a_row_of_only_delimiters_is_no_entry() {
        let (_, entries) = load("source,target,note\nJa.,Yes.,x\n,,\n, ,\n").unwrap();
        assert_eq!(entries.len(), 1);
    }

    #[test]
    fn malformed_files_name_row_and_column() {
        fails("", "m.csv: row 1: no header row: the first row must name the columns, with at least source and target");
        fails(
            "source,note\nHei.,x\n",
            "m.csv: row 1: no `target` column in the header; found source, note: the first row names the \
             columns, `source` for the Norwegian and `target` for the English (other columns are kept); rename \
             them, or save the two columns as TSV, source<TAB>target, and bring that file in with `tolk tm \
             import`",
        );
        fails(
            "source,target\nHei.,Hi.\n ,Empty.\n",
            "m.csv: row 3, column source: the source is empty; every entry needs a Norwegian sentence",
        );
        fails(
            "source,target\nHei.,Hi.\n\"Ja,Yes.\n",
            "m.csv: row 3: a quoted cell is never closed (a missing \" before the end of the file)",
        );
        fails("source,target\n\"Hei\"x,Hi.\n", "m.csv: row 2: text after the closing quote of a cell; a quote inside a quoted cell is written twice (\"\")");
        fails("source,target\nHei.,Hi.,extra\n", "m.csv: row 2: expected 2 cells as in the header, found 3");
        // Regression (a QA trial): an escape sequence hand-edited into a target was read,
        // printed raw by lookup and written into the editions.
        fails(
            "Target,Source\n\"A cup\u{1b}[31m costs\",Hei.\n",
            "m.csv: row 2, column Target: the control character U+001B (ESC, ^[ in a text editor) in \"A cup\\u{1b}[31m \
             costs\", which no sentence or translation holds (an edition would carry it unseen); remove it from the \
             file with a text editor",
        );
        fails(
            "source,target\nHei.,Hi.\nJa\u{92}.,Yes.\n",
            "m.csv: row 3, column source: the control character U+0092 (a C1 control character, <92> in a text \
             editor: a Windows-1252 ’ read as Latin-1) in \"Ja\\u{92}.\", which no sentence or translation holds (an \
             edition would carry it unseen); remove it from the file with a text editor",
        );
        // Tabs and line breaks are text; a control character in a column tolk does not
        // read as text is the user's.
        assert!(load("source,target,note\n\"Hei\tdu\r\nder.\",Hi.,\u{7}\n").is_ok());
        fails("source,target,changed\nHei.,Hi.,igår\n", "m.csv: row 2, column changed: expected an ISO 8601 date like 2026-11-22T15:30:00Z, found \"igår\"");
        fails(
            "source,Source,target\n",
            "m.csv: row 1, column Source: the column appears twice in the header",
        );
        let mut entries = Vec::new();
        let err = parse(Path::new("m.csv"), b"source,target\nHei.,H\xffi\n", 0, &mut entries).unwrap_err();
        assert_eq!(
            err.to_string(),
            "m.csv: row 2, column target: invalid UTF-8 at byte 1 of the cell; save the file as UTF-8"
        );
    }

    #[test]
    fn a_padded_column_name_is_written_once() {
        let (cols, entries) = load("source,target, client\nHei.,Hi.,Lyse\n").unwrap();
        let mut out = Vec::new();
        write_csv(&cols, &entries, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "source,target, client\nHei.,Hi.,Lyse\n");
    }

    #[test]
    fn spreadsheet_delimiters_are_read_and_utf16_is_named() {
        let (_, entries) = load("source;target\n\"Hei; du.\";Hi.\n").unwrap();
        assert_eq!(entries[0].source, "Hei; du.");
        let mut entries = Vec::new();
        let err = parse(Path::new("m.csv"), b"\xff\xfes\0,\0t\0", 0, &mut entries).unwrap_err();
        assert_eq!(err.to_string(), "m.csv: line 1 (byte 0): the file is UTF-16; save it as \"CSV UTF-8\"");
        let err = parse(Path::new("m.csv"), b"source,target\nHei.,H\0i\n", 0, &mut entries).unwrap_err();
        assert!(err.to_string().starts_with("m.csv: line 2 (byte 20): a NUL byte"), "{err}");
        // Offsets are the file's, a byte order mark included.
        let err = parse(Path::new("m.csv"), b"\xef\xbb\xbfsource,target\nHei.,H\0i\n", 0, &mut entries)
            .unwrap_err();
        assert!(err.to_string().starts_with("m.csv: line 2 (byte 23): a NUL byte"), "{err}");
    }

    /// Found by `cargo xtask fuzz memory_csv`: a BOM after a blank first line became part
    /// of the first column's name, which the next rewrite then lost.
    #[test]
    fn a_bom_after_a_blank_line_is_no_part_of_a_name() {
        let (cols, _) = load("\n\u{feff}note,source,target\nKari,Hei.,Hi.\n").unwrap();
        assert_eq!(cols, ["note", "source", "target"]);
    }

    /// Found by `cargo xtask fuzz memory_csv`: a `;` or tab inside a column name chose the
    /// wrong delimiter, and a memory that loaded once no longer loaded after a rewrite.
    #[test]
    fn delimiters_inside_column_names_mislead_nothing() {
        for text in [
            "source;target;\"Merknad; kilde; dato; status\"\nHei.;Hi.;x\n",
            "source,target,Merknad;kilde;dato;status\nHei.,Hi.,x\n",
        ] {
            let (cols, entries) = load(text).unwrap();
            let mut out = Vec::new();
            write_csv(&cols, &entries, &mut out).unwrap();
            let (again_cols, again) = load(std::str::from_utf8(&out).unwrap()).unwrap();
            assert_eq!((again_cols, again), (cols, entries), "{text:?}");
        }
    }

    #[test]
    fn new_files_get_the_known_columns() {
        let e = Entry {
            source: "Hei.".into(),
            target: "Hi.".into(),
            translator: "kari".into(),
            ..Entry::default()
        };
        let mut out = Vec::new();
        write_csv(&["source".to_string(), "target".to_string()], [&e], &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "source,target,translator\nHei.,Hi.,kari\n");
    }

    /// A file gets `retired` only once an entry is retired, after its own columns; a
    /// retired value is a time like `changed`.
    #[test]
    fn the_retired_column_is_added_when_first_used() {
        let (cols, mut entries) = load("source,target,Client\nHei.,Hi.,Lyse\nJa.,Yes.,\n").unwrap();
        let mut out = Vec::new();
        write_csv(&cols, &entries, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "source,target,Client\nHei.,Hi.,Lyse\nJa.,Yes.,\n");
        entries[1].retired = "2026-11-22T12:00:00Z".into();
        let mut out = Vec::new();
        write_csv(&cols, &entries, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "source,target,Client,retired\nHei.,Hi.,Lyse,\nJa.,Yes.,,2026-11-22T12:00:00Z\n");
        let (_, again) = load(&text).unwrap();
        assert!(!again[0].is_retired() && again[1].is_retired());
        fails(
            "source,target,Retired\nHei.,Hi.,yes\n",
            "m.csv: row 2, column Retired: expected an ISO 8601 date like 2026-11-22T15:30:00Z, found \"yes\"",
        );
    }

    /// The header: the file's columns, then tolk's own that some entry needs (in their
    /// order), then other columns in the order first met, each once whatever its case;
    /// an extra column named as one of tolk's own that was added is not added twice.
    #[test]
    fn the_header_adds_what_entries_need_once_in_order() {
        let entry = |retired: &str, extra: &[(&str, &str)]| Entry {
            source: "Hei.".into(),
            target: "Hi.".into(),
            retired: retired.into(),
            extra: extra.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            ..Entry::default()
        };
        let columns: Vec<String> = ["Source", "target", "Client"].map(String::from).to_vec();
        let entries = [
            entry("", &[("Kunde", "A"), ("client", "B"), ("Tom", "")]),
            entry("2026-11-30T06:15:00Z", &[("RETIRED", "x"), ("Note ", "y"), ("kunde", "C")]),
            entry("", &[("Prosjekt", "P")]),
        ];
        assert_eq!(
            header(&columns, &entries),
            ["Source", "target", "Client", "retired", "Kunde", "Note ", "Prosjekt"]
        );
        assert_eq!(
            header(&[], &entries[..1]),
            ["source", "target", "created", "changed", "translator", "origin", "note", "Kunde", "client"]
        );
    }

    /// `import` and `retired_by` come after `retired`, each only once a value needs it,
    /// and read back as written.
    #[test]
    fn the_import_columns_are_added_when_first_used() {
        let (cols, mut entries) = load("source,target\nHei.,Hi.\n").unwrap();
        entries.push(Entry {
            source: "Ja.".into(),
            target: "Yes.".into(),
            import: "i20261130-061500".into(),
            ..Entry::default()
        });
        let mut out = Vec::new();
        write_csv(&cols, &entries, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "source,target,import\nHei.,Hi.,\nJa.,Yes.,i20261130-061500\n"
        );
        entries[0].retired = "2026-11-30T06:15:00Z".into();
        entries[0].retired_by = "i20261130-061500".into();
        let mut out = Vec::new();
        write_csv(&cols, &entries, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "source,target,retired,import,retired_by\nHei.,Hi.,2026-11-30T06:15:00Z,,i20261130-061500\n\
             Ja.,Yes.,,i20261130-061500,\n"
        );
        let (_, again) = load(&text).unwrap();
        let stamps: Vec<(&str, &str)> =
            again.iter().map(|e| (e.import.as_str(), e.retired_by.as_str())).collect();
        assert_eq!(stamps, [("", "i20261130-061500"), ("i20261130-061500", "")]);
    }
}
