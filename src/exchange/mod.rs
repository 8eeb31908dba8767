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
    use super::*;

    #[test]
    fn files_are_told_apart_by_extension_then_content() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let cases: [(&str, &[u8], &str); 6] = [
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
