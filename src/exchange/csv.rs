//! tolk's own memory CSV as an exchange format: a memory file of another project, or
//! of a `tm export --format csv`, read with every column, and a whole memory written as
//! one CSV file with the union of every file's columns. The reading and writing are
//! [`crate::memory`]'s; this only adapts them to [`super::MemoryFormat`].

use std::path::Path;

use super::{Exchanged, MemoryFormat, ReadOptions};
use crate::error::{Error, Place, Result};
use crate::import::RowOrLine;
use crate::memory::{self, Memory};

/// The memory CSV format.
pub struct Csv;

impl MemoryFormat for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["csv"]
    }

    /// What is neither markup nor tab-separated.
    fn sniff(&self, _head: &[u8]) -> bool {
        true
    }

    /// A file from elsewhere may come from a spreadsheet that saved it as Windows-1252
    /// or Mac Roman (Excel's plain "CSV"): it is read as that, and said.
    fn read(&self, path: &Path, _options: &ReadOptions<'_>) -> Result<Exchanged> {
        let bytes = crate::input::limits::read_csv(path)?;
        // A file neither UTF-8 nor a spreadsheet's legacy encoding (one cell broken) is
        // read as it is, for the error that names its row and column.
        let accept = crate::input::decode::Accept::Legacy;
        let decoded = crate::input::decode::decode(path, &bytes, accept, "\"CSV UTF-8\"").ok();
        let text = decoded.as_ref().map_or(&bytes[..], |d| d.text.as_bytes());
        let mut entries = Vec::new();
        memory::read_bytes(path, text, 0, &mut entries)?;
        let mut skipped = super::Units::default();
        entries.retain(|e| {
            let empty = e.target.trim().is_empty();
            if empty {
                skipped.add(format!("row {}", e.row));
            }
            !empty
        });
        if decoded.as_ref().is_some_and(|d| d.is_legacy()) {
            for e in &entries {
                super::refuse_lost_letters(
                    path,
                    |column| Place::row(e.row, Some(column)),
                    &e.source,
                    &e.target,
                )?;
            }
        }
        // Like another tool's TMX, a spreadsheet's two columns say nothing of where the
        // entries come from: the file is named.
        let origin = format!("csv:{}", super::file_name(path));
        for e in entries.iter_mut().filter(|e| e.origin.is_empty()) {
            e.origin = origin.clone().into();
        }
        let mut warnings: Vec<String> = decoded.and_then(|d| d.note).into_iter().collect();
        warnings.extend(super::skipped_warning(&skipped));
        Ok(Exchanged {
            skipped_empty: skipped.total,
            warnings_total: warnings.len(),
            warnings,
            entries,
            unit: RowOrLine::Row,
            ..Exchanged::default()
        }
        .without_history()
        .with_entity_warning(RowOrLine::Row))
    }

    fn writes(&self) -> bool {
        true
    }

    fn write(&self, memory: &Memory, _languages: super::Languages<'_>) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        memory::write_csv(&memory.columns(), &memory.entries, &mut bytes)
            .map_err(|e| Error::Invalid(format!("cannot write the memory as CSV: {e}")))?;
        Ok(bytes)
    }
}
