//! The index kept between runs: one file per memory in the project's state folder
//! (`.tolk/cache/index-<hash of the memory's path>.tolkidx`), never in `memory/`.
//!
//! [`load`] reads the memory and gives its index: the kept one when it is whole and was
//! built from this memory as it is now, else one built now and kept for the next run.
//! The memory's [`crate::memory::fingerprint`] is taken before and after the memory is
//! read; an index is only opened, or kept, when the two agree, so an index is never
//! paired with a memory that changed while it was read. A kept file that fails any
//! check ([`Damage`]) is rebuilt and the caller told why; one that cannot be written (a
//! read-only project) leaves the index built in memory for this run, and the caller
//! told that too. Two processes keeping an index at once each write a temporary file
//! and rename it over the old one, so the file is always one whole index.

use std::path::{Path, PathBuf};

use super::{Damage, Index, IndexBuilder};
use crate::memory::{self, Memory};
use crate::text::stable_hash;

/// The folder, in a project's state folder, that holds its caches.
pub const FOLDER: &str = "cache";

/// The file that keeps the index of the memory at `memory`, in the state folder
/// `state` (`.tolk/`).
pub fn file_for(state: &Path, memory: &Path) -> PathBuf {
    let place = std::fs::canonicalize(memory).unwrap_or_else(|_| memory.to_path_buf());
    let name = format!("index-{:016x}.tolkidx", stable_hash(place.to_string_lossy().as_bytes()));
    state.join(FOLDER).join(name)
}

/// How the index of a [`load`] came to be.
#[derive(Debug)]
pub enum Kept {
    /// Opened from its file, as it was.
    Opened,
    /// Built now and kept in its file; `instead_of` says why the file there was not
    /// used, when there was one.
    Built { instead_of: Option<Damage> },
    /// Built now and not kept, for the reason `why`.
    NotKept { instead_of: Option<Damage>, why: String },
}

/// Reads the memory at `path` with `read` and gives it with its index, kept in `file`
/// (see the module's documentation). `building` is called, with the number of entries,
/// just before an index is built rather than opened.
pub fn load<E>(
    path: &Path,
    file: &Path,
    read: impl FnOnce() -> Result<Memory, E>,
    building: impl FnOnce(usize),
) -> Result<(Memory, Index, Kept), E> {
    let before = memory::fingerprint(path).ok();
    let memory = read()?;
    let after = memory::fingerprint(path).ok();
    let steady = before.is_some() && before == after;
    let fingerprint = before.unwrap_or_default();
    let mut instead_of = None;
    if steady {
        match Index::open(file, fingerprint, memory.entries.len()) {
            Ok(index) => return Ok((memory, index, Kept::Opened)),
            Err(Damage::Missing) => {}
            Err(damage) => instead_of = Some(damage),
        }
    }
    building(memory.entries.len());
    let index = IndexBuilder::build_for(&memory, fingerprint);
    let kept = if !steady {
        Kept::NotKept { instead_of, why: "the memory changed while it was read".into() }
    } else {
        match keep(&index, file) {
            Ok(()) => Kept::Built { instead_of },
            Err(e) => Kept::NotKept { instead_of, why: e.to_string() },
        }
    };
    Ok((memory, index, kept))
}

/// Writes `index` to `file`, making its folder (tagged as a cache, so backup tools
/// leave it out) when it is not there.
fn keep(index: &Index, file: &Path) -> std::io::Result<()> {
    let folder = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let tag = folder.join("CACHEDIR.TAG");
    if std::fs::symlink_metadata(&tag).is_err() {
        // The tag of the Cache Directory Tagging Specification; losing a race to write
        // it is harmless.
        let _ = std::fs::write(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This folder holds tolk's caches, rebuilt whenever they are missing.\n",
        );
    }
    index.write(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_memory(path: &Path, rows: &[(&str, &str)]) {
        let mut text = String::from("source,target\n");
        for (s, t) in rows {
            text.push_str(&format!("{s},{t}\n"));
        }
        std::fs::write(path, text).unwrap();
    }

    fn load_at(memory: &Path, file: &Path) -> Kept {
        load(memory, file, || Memory::load(memory), |_| {}).unwrap().2
    }

    #[test]
    fn an_index_is_kept_reused_and_rebuilt_when_the_memory_changes() {
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("tm.csv");
        write_memory(&memory, &[("Hei.", "Hello.")]);
        let file = file_for(&dir.path().join(".tolk"), &memory);
        assert!(matches!(load_at(&memory, &file), Kept::Built { instead_of: None }));
        assert!(file.is_file());
        assert!(matches!(load_at(&memory, &file), Kept::Opened));
        // A change by rename, as tolk writes, and one in place, as an editor does.
        let new = dir.path().join("new.csv");
        write_memory(&new, &[("Hei.", "Hi.")]);
        std::fs::rename(&new, &memory).unwrap();
        assert!(matches!(load_at(&memory, &file), Kept::Built { instead_of: Some(Damage::Stale) }));
        let (m, index, _) = load(&memory, &file, || Memory::load(&memory), |_| {}).unwrap();
        let found = index.searcher().search("Hei.", Default::default());
        assert_eq!(m.entries[found[0].entry].target, "Hi.");
        std::thread::sleep(std::time::Duration::from_millis(10));
        let mut text = std::fs::read_to_string(&memory).unwrap();
        text.push_str("Ha det.,Bye.\n");
        std::fs::write(&memory, text).unwrap();
        assert!(matches!(load_at(&memory, &file), Kept::Built { instead_of: Some(Damage::Stale) }));
        assert!(matches!(load_at(&memory, &file), Kept::Opened));
    }

    #[test]
    fn a_place_that_cannot_be_written_keeps_the_index_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("tm.csv");
        write_memory(&memory, &[("Hei.", "Hello.")]);
        // `.tolk` is a file: nothing can be made under it, even by root.
        std::fs::write(dir.path().join(".tolk"), "").unwrap();
        let file = file_for(&dir.path().join(".tolk"), &memory);
        let (_, index, kept) = load(&memory, &file, || Memory::load(&memory), |_| {}).unwrap();
        assert!(matches!(kept, Kept::NotKept { .. }), "{kept:?}");
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn each_memory_has_its_own_file() {
        let state = Path::new("/p/.tolk");
        assert_ne!(file_for(state, Path::new("/p/memory")), file_for(state, Path::new("/p/other.csv")));
        assert!(file_for(state, Path::new("/p/memory")).starts_with("/p/.tolk/cache"));
    }
}
