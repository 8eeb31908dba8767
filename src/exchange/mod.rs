//! Exchanging whole memories with other tools: each memory format in its own file
//! ([`tmx`], [`csv`], [`tsv`]) behind one small trait, [`MemoryFormat`], and one
//! registry, [`FORMATS`], which tells a file's format by its extension and then by its
//! first bytes. A new exchange format is one new file and one line in the registry.
//!
//! Reading a file here gives entries ready to merge, each stamped with where it came
//! from (`tmx:<file>` for another tool's TMX, `tsv:<file>`); merging them is
//! [`crate::import::merge`], under the memory's lock.

pub mod csv;
pub mod tmx;
pub mod tsv;

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Place, Result};
use crate::import::RowOrLine;
use crate::memory::{Entry, Memory};

pub use tmx::ReadOptions;

/// What a memory file read for exchange holds, and what of it was left out.
#[derive(Debug, Default)]
pub struct Exchanged {
    /// The entries, each with its row or line in `row`.
    pub entries: Vec<Entry>,
    /// Whether `row` counts rows (CSV) or lines.
    pub unit: RowOrLine,
    /// Entries whose text had inline markup flattened.
    pub flattened: usize,
    /// Pairs skipped because the source or target is empty.
    pub skipped_empty: usize,
    /// Units skipped for lacking the source or target language.
    pub skipped_language: usize,
    /// Pairs skipped because the target's inline codes are not the source's (another
    /// tool's TMX).
    pub skipped_codes: usize,
    /// Retired entries (history, from `tm export --history` or a memory CSV) left out.
    pub skipped_retired: usize,
    /// What was read but left out, each with its place in the file (the first
    /// [`MAX_WARNINGS`] only).
    pub warnings: Vec<String>,
    /// How many warnings there were in all.
    pub warnings_total: usize,
}

impl Exchanged {
    /// Leaves out the retired entries: another memory's history is not this one's, and
    /// the merge rule ([`crate::import::plan_merge`]) knows only translations in use, so
    /// a retired one would come in as a competing translation.
    fn without_history(mut self) -> Exchanged {
        let before = self.entries.len();
        self.entries.retain(|e| !e.is_retired());
        self.skipped_retired += before - self.entries.len();
        self
    }

    /// Adds a warning naming the entries whose source or target holds an HTML entity
    /// (`&amp;`, `&nbsp;`, `&#229;`), by `unit`: a spreadsheet's cell is text, so they
    /// are imported as written, never decoded on a guess, but they are said, as an
    /// edition would show them as they are.
    fn with_entity_warning(self, unit: RowOrLine) -> Exchanged {
        self.with_markup_warning(
            unit,
            |e| html_entities(&e.source).chain(html_entities(&e.target)).collect(),
            "HTML entities",
            "imported as written, not decoded; if they stand for characters (`&amp;` for &, `&nbsp;` for a \
             no-break space), undo this import with `tolk tm revert`, write the characters in the file and \
             import it again",
        )
        .with_tag_warning(unit)
    }

    /// Adds a warning naming the entries whose source holds HTML or XML tags typed as
    /// text (`Nylig <strong>historikk</strong> slettes`, as software string memories
    /// have them), by `unit`: a cell is text, so they are imported as written, and
    /// their names and brackets are words to the score, so the sentence without them
    /// (as a document's formatting gives it, or a translator types it) scores low.
    fn with_tag_warning(self, unit: RowOrLine) -> Exchanged {
        self.with_markup_warning(
            unit,
            |e| html_tags(&e.source).collect(),
            "HTML or XML tags in the source",
            "imported as text, so their names and brackets count as words and the sentence without them \
             matches these poorly; if they are formatting, undo this import with `tolk tm revert` and import \
             a TMX or XLIFF file of the memory, whose tags tolk reads as tags",
        )
    }

    /// Adds one warning naming, by `unit`, the entries in which `find` finds markup,
    /// with the first three kinds found: "N translations (row 3, …) hold `what`
    /// (`&amp;`, …): `advice`".
    fn with_markup_warning(
        mut self,
        unit: RowOrLine,
        find: impl for<'e> Fn(&'e Entry) -> Vec<&'e str>,
        what: &str,
        advice: &str,
    ) -> Exchanged {
        let mut units = Units::default();
        let mut found: Vec<String> = Vec::new();
        for e in &self.entries {
            let marks = find(e);
            for &mark in &marks {
                if found.len() < 3 && !found.iter().any(|f| f == mark) {
                    found.push(mark.to_string());
                }
            }
            if !marks.is_empty() {
                units.add(format!("{unit} {}", e.row));
            }
        }
        if units.total > 0 {
            let found = found.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
            self.warnings.push(format!(
                "{} {} {what} ({found}): {advice}",
                units.counted("translation"),
                units.verb("holds", "hold"),
            ));
            self.warnings_total += 1;
        }
        self
    }
}

/// The HTML or XML tags in `text`, as written (at most 40 bytes each): `<` and an
/// optional `/`, a name (an ASCII letter, then letters, digits, `-`, `:` or `_`), then
/// `>`, `/>` or white space and attributes up to a `>` before any other `<`. `a < b`
/// and `<3` are no tags.
fn html_tags(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('<').filter_map(move |(i, _)| {
        let rest = &text[i + 1..];
        let name_at = usize::from(rest.starts_with('/'));
        let name = &rest[name_at..];
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let len =
            name.find(|c: char| !(c.is_ascii_alphanumeric() || "-:_".contains(c))).unwrap_or(name.len());
        let after = &name[len..];
        if !(after.starts_with('>') || after.starts_with("/>") || after.starts_with(char::is_whitespace)) {
            return None;
        }
        let close = after.find(['>', '<']).filter(|&j| after[j..].starts_with('>'))?;
        let end = i + 1 + name_at + len + close + 1;
        let shown = (end - i).min(40);
        let shown = (0..=shown).rev().find(|&k| text.is_char_boundary(i + k)).unwrap_or(0);
        Some(&text[i..i + shown])
    })
}

/// The HTML entities in `text`, as written: a name (`&amp;`), a decimal (`&#229;`) or
/// a hexadecimal (`&#xE5;`) character reference, each ended by `;`.
fn html_entities(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('&').filter_map(move |(i, _)| {
        let rest = &text[i + 1..];
        let end = rest.find(';')?;
        let body = &rest[..end];
        let entity = match body.strip_prefix('#') {
            Some(number) => match number.strip_prefix(['x', 'X']) {
                Some(hex) => !hex.is_empty() && hex.len() <= 6 && hex.chars().all(|c| c.is_ascii_hexdigit()),
                None => !number.is_empty() && number.len() <= 7 && number.chars().all(|c| c.is_ascii_digit()),
            },
            None => (2..=10).contains(&body.len()) && body.chars().all(|c| c.is_ascii_alphanumeric()),
        };
        entity.then(|| &text[i..i + end + 2])
    })
}

/// The warning for `skipped`, the translations with an empty source or target, named
/// (`line 4`, `row 7`) as TMX's are; none when there are none.
fn skipped_warning(skipped: &Units) -> Option<String> {
    (skipped.total > 0).then(|| {
        format!(
            "{} {} an empty source or target: skipped",
            skipped.counted("translation"),
            skipped.verb("has", "have")
        )
    })
}

/// Refuses a `source` or `target` with a `?` straight before a letter in a file read
/// as a legacy encoding (Windows-1252, Mac Roman), which cannot hold Ł, Č or ő: the
/// spreadsheet wrote `?` for them, which would be kept as the text of the entry.
fn refuse_lost_letters(
    path: &Path,
    place: impl Fn(&'static str) -> Place,
    source: &str,
    target: &str,
) -> Result<()> {
    let lost = [("source", source), ("target", target)]
        .into_iter()
        .find(|(_, text)| crate::batch::csv::lost_letters(text));
    match lost {
        Some((column, text)) => Err(Error::at(
            path,
            place(column),
            format!(
                "{} has a `?` inside a word, where the spreadsheet's legacy encoding lost a letter it cannot \
                 hold; save the file as \"CSV UTF-8\" (or as Excel's \"Unicode Text\") and import it again; \
                 nothing was written",
                crate::shown::quoted(text)
            ),
        )),
        None => Ok(()),
    }
}

/// The start of a file as text, for sniffing: UTF-16 with a byte order mark decoded
/// (Excel's "Unicode text"), else the bytes as UTF-8, a byte order mark left out.
fn head_text(head: &[u8]) -> std::borrow::Cow<'_, str> {
    let utf16 = match head {
        [0xff, 0xfe, ..] => Some(encoding_rs::UTF_16LE),
        [0xfe, 0xff, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    match utf16 {
        Some(encoding) => encoding.decode_without_bom_handling(&head[2..]).0,
        None => String::from_utf8_lossy(head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head)),
    }
}

/// How many units a warning about a kind of units names; the rest are counted.
const MAX_NAMED: usize = 5;

/// Units of one kind (skipped, undated), or translations of them, for one warning
/// about them all: the first few units named, all counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Units {
    /// How the first few units are named: `line 4`, `tuid "7" on line 9`.
    pub names: Vec<String>,
    /// How many there are.
    pub total: usize,
    /// How many of them the names name (a unit's two translations are one name).
    named: usize,
}

impl Units {
    /// Counts one more, of the unit named `name`.
    pub(crate) fn add(&mut self, name: String) {
        self.total += 1;
        if self.names.last() == Some(&name) {
            self.named += 1;
        } else if self.names.len() < MAX_NAMED {
            self.names.push(name);
            self.named += 1;
        }
    }

    /// `1 unit (line 4)`, `3 units (line 4, tuid "7" on line 9 and 1 more)`, with
    /// `noun` for what is counted.
    pub fn counted(&self, noun: &str) -> String {
        let names = match self.total - self.named {
            0 => self.names.join(", "),
            more => format!("{} and {more} more", self.names.join(", ")),
        };
        let s = if self.total == 1 { "" } else { "s" };
        format!("{} {noun}{s} ({names})", self.total)
    }

    /// `one` for one, `many` for more.
    pub(crate) fn verb<'a>(&self, one: &'a str, many: &'a str) -> &'a str {
        if self.total == 1 {
            one
        } else {
            many
        }
    }
}

/// How many warnings a read keeps; the rest are only counted.
pub const MAX_WARNINGS: usize = 100;

/// The languages of a memory's sources and targets, as a file says them: `nb` or `nn`,
/// and `en` with or without a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Languages<'a> {
    /// The sources'.
    pub source: &'a str,
    /// The targets'.
    pub target: &'a str,
}

impl Default for Languages<'_> {
    fn default() -> Self {
        Languages { source: "nb", target: "en" }
    }
}

/// What every memory exchange format does.
pub trait MemoryFormat: Sync {
    /// Its name on the command line: `tmx`, `csv`, `tsv`.
    fn name(&self) -> &'static str;
    /// The extensions that name it.
    fn extensions(&self) -> &'static [&'static str];
    /// Whether a file without a known extension, starting with `head`, is this format.
    fn sniff(&self, head: &[u8]) -> bool;
    /// Reads the file at `path`, the entries stamped with where they came from.
    fn read(&self, path: &Path, options: &ReadOptions<'_>) -> Result<Exchanged>;
    /// Whether tolk writes this format ([`MemoryFormat::write`]).
    fn writes(&self) -> bool {
        false
    }
    /// The memory as a file of this format, for formats tolk writes, its sources and
    /// targets in `languages` (`nb`, `en-GB`) where the format says so.
    fn write(&self, memory: &Memory, languages: Languages<'_>) -> Result<Vec<u8>> {
        let _ = (memory, languages);
        Err(Error::Invalid(format!("tolk reads {} but does not write it; write TMX or CSV", self.name())))
    }
}

/// Every memory exchange format, in the order their first bytes are tried (CSV last:
/// it is what is neither markup nor tab-separated).
pub static FORMATS: [&dyn MemoryFormat; 3] = [&tmx::Tmx, &tsv::Tsv, &csv::Csv];

/// The format called `name`.
pub fn by_name(name: &str) -> Option<&'static dyn MemoryFormat> {
    FORMATS.iter().copied().find(|f| f.name() == name)
}

/// The format a whole memory is written in: `name` (`--format`), else the one the
/// extension of `out` names, else TMX. A file named with the extension of another
/// format is refused: it would not be what its name says (`-o memory.csv` holding
/// TMX). An extension no format has (a pipe, `/dev/null`) says nothing of the format.
pub fn choose_writer(name: Option<&str>, out: Option<&Path>) -> Result<&'static dyn MemoryFormat> {
    let chosen = match name {
        Some(name) => Some(
            by_name(name).ok_or_else(|| Error::Invalid(format!("no memory format is called {name:?}")))?,
        ),
        None => None,
    };
    let ext = out.and_then(|o| o.extension()).and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let named =
        ext.as_deref().and_then(|ext| FORMATS.iter().copied().find(|f| f.extensions().contains(&ext)));
    let format = match (chosen, named) {
        (Some(chosen), Some(named)) if chosen.name() != named.name() => {
            return Err(Error::Invalid(format!(
                "--format {} but --out {} names {} by its extension; give one of them, or matching ones",
                chosen.name(),
                crate::shown::path(out.unwrap_or(Path::new(""))),
                named.name().to_uppercase()
            )));
        }
        (Some(format), _) | (None, Some(format)) => format,
        (None, None) => FORMATS[0],
    };
    if !format.writes() {
        return Err(Error::Invalid(format!(
            "--out {}: tolk reads {} but does not write it; name a .tmx or a .csv",
            crate::shown::path(out.unwrap_or(Path::new(""))),
            format.name().to_uppercase()
        )));
    }
    Ok(format)
}

/// The format of the file at `path`: by its extension, else by its first bytes.
pub fn detect(path: &Path) -> Result<&'static dyn MemoryFormat> {
    crate::input::regular_file(path, "a memory to import")?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if let Some(format) = FORMATS.iter().find(|f| f.extensions().contains(&ext.as_str())) {
        return Ok(*format);
    }
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    // A translator's batch brought to the wrong command: said as such, not as a CSV
    // with NUL bytes or no header.
    let text = String::from_utf8_lossy(&head);
    let xliff = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']).starts_with('<')
        && text.contains("<xliff");
    if head.starts_with(b"PK\x03\x04") || xliff || matches!(ext.as_str(), "xlsx" | "ods" | "xlf" | "xliff") {
        let what = if xliff || ext.starts_with("xl") && ext != "xlsx" { "an XLIFF" } else { "a workbook" };
        return Err(Error::at(
            path,
            Place::File,
            format!(
                "is {what} file, not a memory: a translator's batch is imported with `tolk import {}`; \
                 `tolk tm import` reads TMX, tolk's memory CSV and TSV",
                crate::shown::path(path)
            ),
        ));
    }
    Ok(*FORMATS.iter().find(|f| f.sniff(&head)).unwrap_or(&FORMATS[FORMATS.len() - 1]))
}

/// Reads the memory file at `path` in whichever format it is.
pub fn read(path: &Path, options: &ReadOptions<'_>) -> Result<Exchanged> {
    detect(path)?.read(path, options)
}

/// The file name of `path`, for origins.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_written_format_follows_the_name_and_a_name_of_another_format_is_refused() {
        use std::path::Path;
        let name = |format: Option<&str>, out: &str| {
            super::choose_writer(format, Some(Path::new(out))).map(|f| f.name())
        };
        assert_eq!(name(None, "all.tmx").unwrap(), "tmx");
        assert_eq!(name(None, "all.csv").unwrap(), "csv");
        assert_eq!(name(None, "pipe").unwrap(), "tmx");
        assert_eq!(name(Some("csv"), "/dev/null").unwrap(), "csv");
        let err = name(Some("tmx"), "memory/nb-en.csv").unwrap_err().to_string();
        assert_eq!(
            err,
            "--format tmx but --out memory/nb-en.csv names CSV by its extension; give one of them, or matching ones"
        );
        let err = name(None, "all.tsv").unwrap_err().to_string();
        assert!(err.contains("tolk reads TSV but does not write it"), "{err}");
    }

    use super::*;

    #[test]
    fn tags_typed_as_text_are_found_and_comparisons_are_not() {
        fn tags(t: &str) -> Vec<&str> {
            html_tags(t).collect()
        }
        assert_eq!(tags("Nylig <strong>historikk</strong> slettes"), ["<strong>", "</strong>"]);
        assert_eq!(
            tags(r#"<a data-l10n-name="learn-more-label">Les mer</a><br/>"#),
            [r#"<a data-l10n-name="learn-more-label">"#, "</a>", "<br/>"]
        );
        for (text, found) in [
            ("a < b og c > d", &[][..]),
            ("Verdien må være <3", &[]),
            ("< b>", &[]),
            ("<b", &[]),
            ("<<x>", &["<x>"]),
            ("<b <i>", &["<i>"]),
        ] {
            assert_eq!(tags(text), found, "{text}");
        }
        // Shown shortened, on a character boundary.
        let long = format!("<span title=\"{}\">", "æ".repeat(40));
        assert_eq!(tags(&long)[0].len(), 39);
    }

    #[test]
    fn files_are_told_apart_by_extension_then_content() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let cases: [(&str, &[u8], &str); 8] = [
            // Excel's "Unicode text" is no XML for its byte order mark.
            ("u.txt", b"\xff\xfes\x00\t\x00t\x00\r\x00\n\x00", "tsv"),
            ("x.txt", b"\xff\xfe \x00<\x00t\x00", "tmx"),
            ("a.TMX", b"source,target\n", "tmx"),
            ("a.tsv", b"source,target\n", "tsv"),
            ("a.txt", b"\xef\xbb\xbf\n <?xml version=\"1.0\"?><tmx/>", "tmx"),
            ("b.txt", b"Hei.\tHi.\n", "tsv"),
            ("c", b"source,target\nHei.,Hi.\tx\n", "csv"),
            ("d.dat", b"\xff\xfe<\x00", "tmx"),
        ];
        for (name, text, format) in cases {
            assert_eq!(detect(&write(name, text)).unwrap().name(), format, "{name}");
        }
    }
}
