//! The corpus: which source documents a command works on.
//!
//! Paths named on the command line may be files or folders; a folder stands for the
//! regular, non-hidden files inside it and its subfolders, in name order, so every run
//! sees the documents in the same order, each named by its path inside the folder. A
//! symbolic link in a folder that points to a regular file is a document, named by the
//! link's own name. Anything else in a folder that is not a regular file (a link to a
//! folder, which is never followed; a link to nothing or to a FIFO, a device or a
//! socket; a FIFO, a device or a socket itself) is skipped and listed with the reason
//! ([`Listing::skipped`]), never read (a read could block forever) and never left out
//! silently; hidden files and folders are not documents. A path named on the
//! command line is read whatever it is, a pipe included (`tolk segment /dev/stdin`),
//! through the same bounded readers. A file whose first bytes say it is no text (a
//! Word, LibreOffice or PDF file, an image) is skipped with the reason too, named or
//! found. This module only lists and reads; it does not decide what is translated.

use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::segment::Segmenter;
use crate::store::kind_of;

/// The documents of a corpus, and what was left out of its folders.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The documents, in a stable order.
    pub files: Vec<PathBuf>,
    /// The name of each document (see [`list`]), in the same order.
    pub names: Vec<String>,
    /// Entries of a folder that are no document, with why.
    pub skipped: Vec<Skipped>,
}

/// An entry of a corpus folder that is not read as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry.
    pub path: PathBuf,
    /// Why: `a symbolic link to x.txt, which does not exist`, `a FIFO (named pipe)`.
    pub reason: String,
}

/// The documents named by `paths`, folders walked recursively, in a stable order, and
/// what of the folders was skipped. A document found in a folder is named by its path
/// inside that folder, `/` between folders (`2027/mars/intervju.docx`), so its edition
/// goes to the same place under `out/en/`; a file named itself is named by its file
/// name.
pub fn list(paths: &[PathBuf]) -> Result<Listing> {
    let mut out = Listing::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_dir() {
            out.files.push(path.clone());
            out.names.push(crate::document::name_of(path));
            continue;
        }
        let mut found: Vec<(PathBuf, String)> = Vec::new();
        let mut skipped = Vec::new();
        walk(path, "", &mut found, &mut skipped)?;
        found.sort_by(|a, b| a.1.cmp(&b.1));
        skipped.sort_by(|a: &Skipped, b: &Skipped| a.path.cmp(&b.path));
        for (file, name) in found {
            out.files.push(file);
            out.names.push(name);
        }
        out.skipped.extend(skipped);
    }
    // A file whose first bytes say it is no text (a Word file saved into the corpus) is
    // skipped with the reason, rather than stopping every command. Only regular files
    // are looked at: a pipe's first bytes would be gone.
    let mut files = Vec::with_capacity(out.files.len());
    let mut names = Vec::with_capacity(out.names.len());
    for (path, name) in std::mem::take(&mut out.files).into_iter().zip(std::mem::take(&mut out.names)) {
        match not_a_document(&path) {
            Some(reason) => out.skipped.push(Skipped { path, reason }),
            None => {
                files.push(path);
                names.push(name);
            }
        }
    }
    out.files = files;
    out.names = names;
    Ok(out)
}

/// The most folders deep a corpus is walked.
const MAX_DEPTH: usize = 32;

/// Adds the documents of the folder `dir`, named with the prefix `prefix`, and of its
/// subfolders, to `found`; what is no document to `skipped`.
fn walk(
    dir: &Path,
    prefix: &str,
    found: &mut Vec<(PathBuf, String)>,
    skipped: &mut Vec<Skipped>,
) -> Result<()> {
    if prefix.matches('/').count() >= MAX_DEPTH {
        skipped.push(Skipped {
            path: dir.to_path_buf(),
            reason: format!("a folder more than {MAX_DEPTH} folders deep, not walked"),
        });
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with('.') {
            continue;
        }
        let name = format!("{prefix}{file_name}");
        let own = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        if own.is_dir() {
            walk(&entry.path(), &format!("{name}/"), found, skipped)?;
            continue;
        }
        if own.is_file() {
            found.push((entry.path(), name));
            continue;
        }
        let reason = if own.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(target) if target.is_file() => {
                    found.push((entry.path(), name));
                    continue;
                }
                // Never followed: a link to a folder could lead round in a circle.
                Ok(target) if target.is_dir() => {
                    "a symbolic link to a folder, which tolk does not follow".to_string()
                }
                Ok(target) => format!("a symbolic link to a {}, not a document", kind_of(&target)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => format!(
                    "a symbolic link to {}, which does not exist",
                    crate::store::link_target(&entry.path())
                ),
                Err(e) => format!("a symbolic link that cannot be followed ({e})"),
            }
        } else {
            match entry.metadata() {
                Ok(meta) => format!("a {}, not a document", kind_of(&meta)),
                Err(e) => e.to_string(),
            }
        };
        skipped.push(Skipped { path: entry.path(), reason });
    }
    Ok(())
}

/// Why the regular file at `path` is no document tolk reads, from its first bytes.
fn not_a_document(path: &Path) -> Option<String> {
    use std::io::Read as _;
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path).ok()?.take(512).read_to_end(&mut head).ok()?;
    crate::document::format_of(path, &head).err()
}

/// The documents named by `paths`, as [`list`] finds them (what it skipped is not
/// reported: commands use [`list`]).
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    Ok(list(paths)?.files)
}

/// Reads and segments every document named by `paths`, each under its name (see
/// [`list`]).
pub fn read(paths: &[PathBuf], segmenter: &Segmenter) -> Result<Vec<Document>> {
    let listing = list(paths)?;
    listing.files.iter().zip(listing.names).map(|(p, name)| Document::read_as(p, name, segmenter)).collect()
}

/// The default corpus folder of a project.
pub fn default_dir() -> &'static Path {
    Path::new("corpus")
}
