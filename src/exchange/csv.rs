//! tolk's own memory CSV as an exchange format: a memory file of another project, or
//! of a `tm export --format csv`, read with every column, and a whole memory written as
//! one CSV file with the union of every file's columns. The reading and writing are
//! [`crate::memory`]'s; this only adapts them to [`super::MemoryFormat`].

use std::path::Path;

use super::{Exchanged, MemoryFormat, ReadOptions};
use crate::error::{Error, Result};
use crate::import::Unit;
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

    fn read(&self, path: &Path, _options: &ReadOptions<'_>) -> Result<Exchanged> {
        let mut entries = Vec::new();
        memory::read_csv(path, 0, &mut entries)?;
        let before = entries.len();
        entries.retain(|e| !e.target.trim().is_empty());
        Ok(Exchanged {
            skipped_empty: before - entries.len(),
            entries,
            unit: Unit::Row,
            ..Exchanged::default()
        })
    }

    fn write(&self, memory: &Memory) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        memory::write_csv(&columns(memory), &memory.entries, &mut bytes)
            .map_err(|e| Error::Invalid(format!("cannot write the memory as CSV: {e}")))?;
        Ok(bytes)
    }
}

/// Every column of every file of the memory, each once, in the order first seen.
fn columns(memory: &Memory) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for file in &memory.files {
        for c in &file.columns {
            // The same comparison as the memory's reader and writer, so the union has no
            // column they would take for a repeat.
            if !columns.iter().any(|k| k.trim().to_lowercase() == c.trim().to_lowercase()) {
                columns.push(c.clone());
            }
        }
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_columns_are_merged_case_insensitively() {
        let mut memory = Memory::default();
        let file = |cols: &[&str]| memory::MemoryFile {
            path: "m.csv".into(),
            columns: cols.iter().map(|c| c.to_string()).collect(),
        };
        memory.files =
            vec![file(&["source", "target", "Client"]), file(&["Target", "SOURCE", "client", "note"])];
        assert_eq!(columns(&memory), ["source", "target", "Client", "note"]);
    }
}
