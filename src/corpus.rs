//! The corpus: which source documents a command works on.
//!
//! Paths named on the command line may be files or folders; a folder stands for the
//! regular, non-hidden files directly inside it, in name order, so every run sees the
//! documents in the same order. This module only lists and reads; it does not decide
//! what is translated.

use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::segment::Segmenter;

/// The files named by `paths`, folders expanded, in a stable order.
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            let mut inner = Vec::new();
            for entry in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
                let entry = entry.map_err(|e| Error::io(path, e))?;
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                let is_file = entry.file_type().map_err(|e| Error::io(entry.path(), e))?.is_file();
                if is_file && !hidden {
                    inner.push(entry.path());
                }
            }
            inner.sort();
            out.extend(inner);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Reads and segments every file named by `paths`.
pub fn read(paths: &[PathBuf], segmenter: &Segmenter) -> Result<Vec<Document>> {
    files(paths)?.iter().map(|p| Document::read(p, segmenter)).collect()
}

/// The default corpus folder of a project.
pub fn default_dir() -> &'static Path {
    Path::new("corpus")
}
