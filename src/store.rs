//! Safe writes: files are replaced whole or not at all, and writers of the memory take
//! turns.
//!
//! [`write_atomic`] writes a new version next to the file, flushes it to disk and renames
//! it over the old one, so a reader (or a crash) sees either the old file or the new one,
//! never half of each. That is also why reading the memory needs no lock.
//!
//! [`lock_memory`] serialises writers of the memory (imports) with an exclusive advisory
//! lock on `.tolk.lock` beside the memory file. The lock belongs to the open file, so the
//! operating system releases it when the process ends for any reason: a crashed or
//! killed tolk never leaves a stale lock behind, and the lock file itself is never
//! deleted (deleting it would let two processes lock two different files). Advisory
//! means only tolk honours it; a spreadsheet saving the CSV meanwhile is not stopped.
//!
//! This module does not decide what to write: merging imports is the caller's job.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The name of the lock file beside the memory file.
pub const LOCK_FILE: &str = ".tolk.lock";

/// The prefix of the temporary files [`write_atomic`] leaves behind only if it is
/// killed in the middle of a write.
pub const TEMP_PREFIX: &str = ".tolk-tmp-";

/// Replaces the file at `path` with `bytes` atomically, creating its folder if missing.
///
/// The bytes go to a temporary file in the same folder (a rename is only atomic within
/// one file system), which is synced and renamed over `path`; then the folder is synced
/// so the rename itself survives a power cut. An existing file keeps its permissions; a
/// new one gets the usual ones for the user's umask.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = folder_of(path);
    std::fs::create_dir_all(dir).map_err(|e| Error::write(path, e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile's default is 0o600, which would quietly make a shared memory file
        // private to whoever wrote it last.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::write(path, e))?;
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions()).map_err(|e| Error::write(path, e))?;
    }
    tmp.write_all(bytes).map_err(|e| Error::write(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::write(path, e))?;
    // On failure the temporary file is dropped, and so deleted.
    pause_point("synced");
    tmp.persist(path).map_err(|e| Error::write(path, e.error))?;
    sync_folder(dir);
    pause_point("renamed");
    Ok(())
}

/// Makes a rename in `dir` durable. Best effort: the new file is already in place, and
/// some platforms (Windows) and file systems cannot open or sync a folder at all.
fn sync_folder(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The folder a file is in, `.` for a bare file name.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The environment variable of the crash-test hook (see [`pause_point`]).
pub const PAUSE_VAR: &str = "TOLK_TEST_PAUSE";

/// A documented test hook: when `TOLK_TEST_PAUSE` names this stage as `stage:ms`
/// (several separated by commas), sleep that long here, so a test can kill tolk at a
/// known moment of a write. The stages of an import are `locked` (lock held, memory
/// not yet re-read), `merged` (new memory computed, nothing written), `synced` (the
/// temporary file written and synced, not yet renamed) and `renamed` (the new memory
/// in place, lock still held). Without the variable this costs one lookup.
pub fn pause_point(stage: &str) {
    let Some(spec) = std::env::var_os(PAUSE_VAR) else {
        return;
    };
    for item in spec.to_string_lossy().split(',') {
        if let Some((name, ms)) = item.split_once(':') {
            if name.trim() == stage {
                if let Ok(ms) = ms.trim().parse::<u64>() {
                    std::thread::sleep(std::time::Duration::from_millis(ms));
                }
            }
        }
    }
}

/// An exclusive lock on the memory, held until dropped (or the process ends).
#[derive(Debug)]
pub struct MemoryLock {
    // Never read: holding the open file is holding the lock.
    _file: File,
    path: PathBuf,
}

impl MemoryLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Locks the memory whose new translations go to `write_path` (see
/// [`crate::memory::CsvStore`]), waiting for another tolk that holds it.
///
/// The lock file is `.tolk.lock` in the same folder, created (with the folder) if
/// missing.
pub fn lock_memory(write_path: &Path) -> Result<MemoryLock> {
    let dir = folder_of(write_path);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    file.lock().map_err(|e| Error::io(&path, e))?;
    Ok(MemoryLock { _file: file, path })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::TryLockError;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_atomic_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/folder/nb-en.csv");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(names(path.parent().unwrap()), ["nb-en.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn write_atomic_keeps_the_permissions_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn write_atomic_names_the_path_it_could_not_write() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be: the rename fails, the folder stays.
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "x").unwrap();
        let err = write_atomic(&path, b"new").unwrap_err();
        assert!(err.to_string().starts_with(&path.display().to_string()), "{err}");
        assert_eq!(names(dir.path()), ["taken"]);
    }

    #[test]
    fn a_held_lock_keeps_others_out_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let write_path = dir.path().join("memory/nb-en.csv");
        let lock = lock_memory(&write_path).unwrap();
        assert_eq!(lock.path(), dir.path().join("memory").join(LOCK_FILE));

        // Locks belong to open files, so a second open of the lock file stands for
        // another process.
        let try_lock =
            |path: PathBuf| std::thread::spawn(move || File::open(path).unwrap().try_lock()).join().unwrap();
        assert!(matches!(try_lock(lock.path().to_path_buf()), Err(TryLockError::WouldBlock)));
        let path = lock.path().to_path_buf();
        drop(lock);
        assert!(try_lock(path).is_ok());
        // The lock file stays, so every process locks the same file.
        assert!(dir.path().join("memory").join(LOCK_FILE).exists());
    }
}
