//! Safe writes: files are replaced whole or not at all, what is not tolk's own is never
//! replaced, and writers of the memory take turns.
//!
//! [`write_atomic`] writes a new version of a memory file next to it, flushes it to disk
//! and renames it over the old one, so a reader (or a crash) sees either the old file or
//! the new one, never half of each. That is also why reading the memory needs no lock.
//!
//! Every other file tolk writes (an edition, a batch, an exported memory, exported rules)
//! goes through [`Output`], the one place that decides what writing to a path means:
//!
//! - a new path, or a regular file, is replaced atomically as above (through a
//!   temporary file named [`OUTPUT_TEMP_PREFIX`]`*`);
//! - a symbolic link to a regular file is followed: the file it points to is replaced,
//!   and the link stays a link;
//! - a FIFO, a character device or a socket (`/dev/null`, `/dev/stdout`, a named pipe)
//!   is written into, as every Unix tool does: opened for writing, never created,
//!   truncated or renamed over; so is any path under `/dev/` or `/proc/` that names a
//!   regular file through a link (`/dev/stdout` redirected to a file);
//! - a folder, a block device or a link to nothing is refused, naming the path.
//!
//! [`Output::staged`] is the all-or-nothing form for several files ([`commit_all`]): a
//! device or pipe gets nothing until every output is complete.
//!
//! [`lock_memory`] serialises writers of the memory (imports) with an exclusive advisory
//! lock on `.tolk.lock` beside the memory file. The lock belongs to the open file, so the
//! operating system releases it when the process ends for any reason: a crashed or
//! killed tolk never leaves a stale lock behind, and the lock file itself is never
//! deleted (deleting it would let two processes lock two different files). Advisory
//! means only tolk honours it; a spreadsheet saving the CSV meanwhile is not stopped.
//! The holder writes who it is (pid, command, start) into the lock file, so a writer
//! that has to wait can say for whom; the lock file is opened without following a
//! link and must be a regular file. Under the lock no other tolk writes the memory, so
//! any `.tolk-tmp-*` file beside it is left by a killed writer and can be removed
//! ([`MemoryLock::remove_stale`]).
//!
//! This module does not decide what to write: merging imports is the caller's job.

use std::fs::{File, Metadata, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Place, Result};
use crate::shown;

/// The name of the lock file beside the memory file.
pub const LOCK_FILE: &str = ".tolk.lock";

/// The prefix of the temporary files [`write_atomic`] leaves beside a memory file only
/// if it is killed in the middle of a write; the next writer, under the lock, removes
/// them.
pub const TEMP_PREFIX: &str = ".tolk-tmp-";

/// The prefix of the temporary files of every other output ([`Output`]). Different
/// from [`TEMP_PREFIX`], so that removing a memory folder's stale files never touches
/// a batch or an edition another tolk is writing there at that moment.
pub const OUTPUT_TEMP_PREFIX: &str = ".tolk-new-";

/// Replaces the memory file at `path` with `bytes` atomically, creating its folder if
/// missing.
///
/// The bytes go to a temporary file in the same folder (a rename is only atomic within
/// one file system), which is synced and renamed over `path`; then the folder is synced
/// so the rename itself survives a power cut. An existing file keeps its permissions; a
/// new one gets the usual ones for the user's umask.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = temporary_beside(path, path, TEMP_PREFIX)?;
    tmp.write_all(bytes).map_err(|e| Error::write(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::write(path, e))?;
    // On failure the temporary file is dropped, and so deleted.
    pause_point("synced");
    tmp.persist(path).map_err(|e| Error::write(path, e.error))?;
    sync_folder(folder_of(path));
    pause_point("renamed");
    Ok(())
}

/// Replaces several files, each atomically, as one step as far as a file system allows:
/// every new content is written and synced to a temporary file beside its file before
/// any file is replaced, so an error while writing (a full disk, a permission) leaves
/// every file as it was; then they are renamed into place in the order given (a crash
/// between two renames leaves the earlier files new and the later ones old, each whole).
pub fn write_atomic_all(files: &[(&Path, &[u8])]) -> Result<Vec<Stamp>> {
    let mut staged = Vec::with_capacity(files.len());
    let mut stamps = Vec::with_capacity(files.len());
    for &(path, bytes) in files {
        let mut tmp = temporary_beside(path, path, TEMP_PREFIX)?;
        tmp.write_all(bytes).map_err(|e| Error::write(path, e))?;
        tmp.as_file().sync_all().map_err(|e| Error::write(path, e))?;
        stamps.push(stamp(&tmp.as_file().metadata().map_err(|e| Error::write(path, e))?));
        staged.push((path, tmp));
    }
    pause_point("synced");
    for (path, tmp) in staged {
        tmp.persist(path).map_err(|e| Error::write(path, e.error))?;
        sync_folder(folder_of(path));
        pause_point("renamed");
    }
    Ok(stamps)
}

/// What tells the content of a file tolk wrote from any other: its device, file
/// number, length and modification time (a rename changes none of them; a write to it,
/// in place or by another rename, changes one).
pub type Stamp = (u64, u64, u64, Option<std::time::Duration>);

/// The [`Stamp`] of a file with the metadata `meta`.
pub fn stamp(meta: &Metadata) -> Stamp {
    let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        (meta.dev(), meta.ino(), meta.len(), modified)
    }
    #[cfg(not(unix))]
    {
        (0, 0, meta.len(), modified)
    }
}

/// A new temporary file named `prefix*` in the folder of `target` (created if missing),
/// with `target`'s permissions if it exists; `named` names the output in errors.
fn temporary_beside(target: &Path, named: &Path, prefix: &str) -> Result<tempfile::NamedTempFile> {
    let dir = folder_of(target);
    std::fs::create_dir_all(dir).map_err(|e| Error::write(named, e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile's default is 0o600, which would quietly make a shared memory file
        // private to whoever wrote it last.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(|e| folder_error(dir, named, e))?;
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(target) {
        tmp.as_file().set_permissions(meta.permissions()).map_err(|e| Error::write(named, e))?;
    }
    Ok(tmp)
}

/// The error for failing to make a file in `dir` to write `named`: a folder the user
/// may not write to is said as such, with what to do, and never by the name of the
/// temporary file, which means nothing to the user.
fn folder_error(dir: &Path, named: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        let how = format!(
            "tolk writes {} by making a new file beside it and renaming it over the old one",
            shown::path(named)
        );
        return folder_not_writable(dir, &how);
    }
    // tempfile names its temporary file in the error (`… at path "…/.tolk-tmp-91AcUh"`),
    // which means nothing to the user, and keeps the cause only as text.
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((cause, _)) if e.raw_os_error().is_none() => {
            Error::write(named, std::io::Error::new(e.kind(), cause))
        }
        _ => Error::write(named, e),
    }
}

/// The error for the folder `dir`, in which tolk may make no file, saying `how` tolk
/// needs to.
fn folder_not_writable(dir: &Path, how: &str) -> Error {
    Error::at(
        dir,
        Place::File,
        format!(
            "the folder is not writable (permission denied), and {how}: make the folder writable (chmod u+w {}); \
             nothing was written",
            shown::path(dir)
        ),
    )
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

/// What kind of file `meta` describes, in the words messages use.
pub fn kind_of(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_symlink() {
        return "symbolic link";
    }
    if kind.is_dir() {
        return "folder";
    }
    if kind.is_file() {
        return "file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "character device";
        }
        if kind.is_block_device() {
            return "block device";
        }
        if kind.is_socket() {
            return "socket";
        }
    }
    "special file"
}

/// Whether `meta` is something written into rather than replaced: a FIFO, a character
/// device or a socket.
fn is_stream(meta: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        kind.is_fifo() || kind.is_char_device() || kind.is_socket()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// Where a link points, for messages.
pub(crate) fn link_target(path: &Path) -> String {
    std::fs::read_link(path).map_or_else(|_| "?".into(), |t| shown::path(&t).to_string())
}

/// What writing to a path means (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Destination {
    /// Replace the regular file (or create the new one) at this path, atomically.
    Replace(PathBuf),
    /// Open the path for writing and write into it.
    Stream,
}

/// Decides what writing to `path` means, before anything is written.
fn destination(path: &Path) -> Result<Destination> {
    let refuse = |message: String| Error::at(path, Place::File, message);
    let own = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Destination::Replace(path.into())),
        Err(e) => return Err(Error::write(path, e)),
    };
    let link = own.file_type().is_symlink();
    let meta = if link {
        match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(refuse(format!(
                    "is a symbolic link to {}, which does not exist; tolk creates no file through a link: \
                     remove the link or name another file",
                    link_target(path)
                )))
            }
            Err(e) => return Err(Error::write(path, e)),
        }
    } else {
        own
    };
    if meta.is_dir() {
        return Err(refuse("is a folder; name a file to write".into()));
    }
    if is_stream(&meta) {
        return Ok(Destination::Stream);
    }
    if !meta.is_file() {
        return Err(refuse(format!(
            "is a {}; tolk writes regular files, pipes and character devices only",
            kind_of(&meta)
        )));
    }
    let system = path.starts_with("/dev") || path.starts_with("/proc");
    if link && system {
        // `/dev/stdout` or `/proc/self/fd/1` redirected to a file: the shell's file,
        // written into as the shell would.
        return Ok(Destination::Stream);
    }
    if link {
        let target = std::fs::canonicalize(path).map_err(|e| Error::write(path, e))?;
        return Ok(Destination::Replace(target));
    }
    Ok(Destination::Replace(path.into()))
}

/// What no output may replace or add to: the translation memory (a file, or its folder
/// and everything in it, where a new `.csv` would become part of the memory) and the
/// corpus's documents. Every writer of [`Output`] is given one, so an export named after
/// a memory file, or a batch written into the memory folder, is refused before anything
/// is written, whatever the command.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// The memory's files and folders, as named (for messages) and as resolved.
    memory: Vec<(PathBuf, PathBuf)>,
    /// The corpus's documents, resolved.
    documents: std::collections::HashSet<PathBuf>,
}

impl Guard {
    /// Guards the memory at `path`: a file, or a folder and everything in it. A path
    /// that is not there (yet) is guarded as named.
    pub fn memory(mut self, path: &Path) -> Guard {
        let resolved = resolve(path);
        if !self.memory.iter().any(|(_, r)| *r == resolved) {
            self.memory.push((path.to_path_buf(), resolved));
        }
        self
    }

    /// Guards the corpus's documents `paths`.
    pub fn documents<'a>(mut self, paths: impl IntoIterator<Item = &'a Path>) -> Guard {
        self.documents.extend(paths.into_iter().filter_map(|p| p.canonicalize().ok()));
        self
    }

    /// Refuses `path` (an output named by the user or the project) if writing it would
    /// replace or add to the memory, or replace a document of the corpus.
    pub fn check(&self, path: &Path) -> Result<()> {
        let resolved = resolve(path);
        for (named, memory) in &self.memory {
            if resolved == *memory {
                return Err(Error::at(
                    path,
                    Place::File,
                    "is the translation memory, which this would replace; name a file outside the memory \
                     (`tolk tm export` copies the memory)",
                ));
            }
            if resolved.starts_with(memory) && memory.is_dir() {
                return Err(Error::at(
                    path,
                    Place::File,
                    format!(
                        "is in the translation memory's folder {}, where every file is read as part of the \
                         memory; name a file outside it",
                        shown::path(named)
                    ),
                ));
            }
        }
        if self.documents.contains(&resolved) {
            return Err(Error::at(
                path,
                Place::File,
                "is a document of the corpus, which this would replace; name a file outside the corpus",
            ));
        }
        Ok(())
    }
}

/// `path` made absolute with links and `..` resolved, as far as it exists: a new file
/// is its resolved folder and its name, so a path reached two ways compares equal.
fn resolve(path: &Path) -> PathBuf {
    if let Ok(full) = path.canonicalize() {
        return full;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // The longest part that exists, resolved, then the rest as written.
    let mut rest = Vec::new();
    let mut head = absolute.as_path();
    while let Some(parent) = head.parent() {
        // `file_name` is `None` for a path ending in `..`.
        rest.push(
            head.components().next_back().map_or_else(Default::default, |c| c.as_os_str().to_os_string()),
        );
        head = parent;
        if let Ok(mut full) = head.canonicalize() {
            // What does not exist is no link: `..` there is lexical.
            for name in rest.iter().rev() {
                if name == ".." {
                    full.pop();
                } else if name != "." {
                    full.push(name);
                }
            }
            return full;
        }
    }
    absolute
}

/// A file being written: see the module docs for what each kind of path gets.
#[derive(Debug)]
pub struct Output {
    /// The path as named, for messages.
    path: PathBuf,
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    /// A temporary file beside `target`, renamed over it on commit.
    Replace { target: PathBuf, tmp: Temporary },
    /// The pipe or device itself.
    Stream(File),
    /// An anonymous temporary file, copied into the pipe or device on commit.
    Deferred(File),
}

impl Output {
    /// Starts writing `path`: a regular file (or a new one) through a temporary file
    /// that replaces it on [`Output::commit`]; a pipe or device directly.
    pub fn create(path: &Path, guard: &Guard) -> Result<Output> {
        guard.check(path)?;
        let sink = match destination(path)? {
            Destination::Replace(target) => {
                let tmp = Temporary::Open(temporary_beside(&target, path, OUTPUT_TEMP_PREFIX)?);
                Sink::Replace { tmp, target }
            }
            Destination::Stream => Sink::Stream(open_stream(path, true)?),
        };
        Ok(Output { path: path.into(), sink })
    }

    /// Like [`Output::create`], but a pipe or device gets nothing before the commit:
    /// what is written waits in an anonymous temporary file, so that outputs committed
    /// together ([`commit_all`]) are all written or none.
    pub fn staged(path: &Path, guard: &Guard) -> Result<Output> {
        guard.check(path)?;
        let sink = match destination(path)? {
            Destination::Replace(target) => {
                let tmp = Temporary::Open(temporary_beside(&target, path, OUTPUT_TEMP_PREFIX)?);
                Sink::Replace { tmp, target }
            }
            Destination::Stream => Sink::Deferred(tempfile::tempfile().map_err(|e| Error::write(path, e))?),
        };
        Ok(Output { path: path.into(), sink })
    }

    /// The path as named.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match &mut self.sink {
            Sink::Replace { tmp: Temporary::Open(tmp), .. } => {
                tmp.write_all(bytes).map_err(|e| Error::write(&self.path, e))
            }
            Sink::Replace { .. } => {
                Err(Error::write(&self.path, std::io::Error::other("written to after it was closed")))
            }
            Sink::Deferred(file) => file.write_all(bytes).map_err(|e| Error::write(&self.path, e)),
            Sink::Stream(file) => file.write_all(bytes).map_err(|e| Error::io(&self.path, e)),
        }
    }

    /// Syncs and closes the temporary file of an output that replaces a file, keeping
    /// it for the commit; nothing more can be written. Other outputs stay as they are.
    pub fn close(&mut self) -> Result<()> {
        if let Sink::Replace { tmp, .. } = &mut self.sink {
            if let Temporary::Open(file) = tmp {
                file.as_file().sync_all().map_err(|e| Error::write(&self.path, e))?;
            }
            *tmp = match std::mem::replace(tmp, Temporary::Swapping) {
                Temporary::Open(file) => Temporary::Closed(file.into_temp_path()),
                other => other,
            };
        }
        Ok(())
    }

    /// Finishes the output: the file replaced, or everything written into the pipe.
    pub fn commit(self) -> Result<()> {
        commit_all(vec![self])
    }
}

/// A temporary file being written, or written, synced and closed (so that a thousand
/// editions waiting for their commit hold no thousand open files).
#[derive(Debug)]
enum Temporary {
    Open(tempfile::NamedTempFile),
    Closed(tempfile::TempPath),
    /// Only while [`Output::close`] swaps one for the other.
    Swapping,
}

/// Opens the pipe or device at `path` for writing, without creating or truncating.
/// Unless `wait`, a FIFO no program is reading is an error at once rather than a wait
/// for a reader; writes block as usual either way.
fn open_stream(path: &Path, wait: bool) -> Result<File> {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    if !wait {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ENXIO) {
            return Error::io(
                path,
                std::io::Error::other("a FIFO that no program is reading; start the reader first"),
            );
        }
        Error::io(path, e)
    })?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: fcntl on a descriptor this function owns, with flags it just read.
        unsafe {
            let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    Ok(file)
}

/// Commits `outputs` together: every temporary file is synced first, and only then is
/// any file renamed into place or any pipe written, so a failure to finish writing
/// any of them (a full disk) replaces none. The renames themselves can only fail if the
/// folders change underneath.
pub fn commit_all(outputs: Vec<Output>) -> Result<()> {
    for output in &outputs {
        if let Sink::Replace { tmp: Temporary::Open(tmp), .. } = &output.sink {
            tmp.as_file().sync_all().map_err(|e| Error::write(&output.path, e))?;
        }
    }
    // Every pipe and device is opened before any file is replaced: one nobody reads
    // stops the commit while nothing has changed.
    let mut streams = Vec::new();
    for output in &outputs {
        if let Sink::Deferred(_) = output.sink {
            streams.push(open_stream(&output.path, false)?);
        }
    }
    let mut streams = streams.into_iter();
    let mut folders: Vec<PathBuf> = Vec::new();
    for output in outputs {
        let Output { path, sink } = output;
        match sink {
            Sink::Replace { target, tmp } => {
                match tmp {
                    Temporary::Open(tmp) => tmp.persist(&target).map(drop).map_err(|e| e.error),
                    Temporary::Closed(tmp) => tmp.persist(&target).map_err(|e| e.error),
                    Temporary::Swapping => Err(std::io::Error::other("no temporary file")),
                }
                .map_err(|e| Error::write(&path, e))?;
                let folder = folder_of(&target).to_path_buf();
                if !folders.contains(&folder) {
                    folders.push(folder);
                }
            }
            Sink::Stream(mut file) => file.flush().map_err(|e| Error::io(&path, e))?,
            Sink::Deferred(mut file) => {
                file.seek(SeekFrom::Start(0)).map_err(|e| Error::write(&path, e))?;
                let Some(mut into) = streams.next() else {
                    return Err(Error::io(&path, std::io::ErrorKind::NotFound.into()));
                };
                std::io::copy(&mut file, &mut into).map_err(|e| Error::io(&path, e))?;
            }
        }
    }
    for folder in folders {
        sync_folder(&folder);
    }
    Ok(())
}

/// Writes `bytes` to `path` as [`Output::create`] decides.
pub fn write_output(path: &Path, guard: &Guard, bytes: &[u8]) -> Result<()> {
    let mut output = Output::create(path, guard)?;
    output.write(bytes)?;
    output.commit()
}

/// The environment variable of the crash-test hook (see [`pause_point`]).
pub const PAUSE_VAR: &str = "TOLK_TEST_PAUSE";

/// A documented test hook: when `TOLK_TEST_PAUSE` names this stage as `stage:ms`
/// (several separated by commas), sleep that long here, so a test can kill tolk at a
/// known moment of a write. The stages of an import are `locked` (lock held, memory
/// not yet re-read), `merged` (new memory computed, nothing written), `synced` (the
/// temporary file written and synced, not yet renamed) and `renamed` (the new memory
/// in place, lock still held); on a server, `locked`, `merged` and `written` (every row
/// sent, the transaction not yet committed), and `reading` (the server streaming the
/// entries, none read yet) for a read. Without the variable this costs one lookup.
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

/// How long a writer waits for the lock silently before it says that it waits.
const ANNOUNCE_AFTER: Duration = Duration::from_millis(100);

/// How often a writer with a time limit tries the lock again.
const POLL: Duration = Duration::from_millis(20);

/// The most of the lock file read to say who holds it.
const HOLDER_MAX: u64 = 4096;

/// What the memory's store did that a person may want to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The lock is held by another tolk, described as its lock file says, and this one
    /// waits for it.
    Waiting {
        /// The lock file.
        lock: PathBuf,
        /// Who holds it: `pid 123 (tolk import a.csv), since 2026-...`.
        holder: String,
    },
    /// Temporary files left by killed writers were removed from the memory's folder.
    RemovedStale {
        /// The folder.
        folder: PathBuf,
        /// How many.
        count: usize,
    },
    /// The memory's kept copy could not be used, so the write read the CSV files.
    KeptUnused {
        /// The kept file found damaged.
        file: PathBuf,
        /// What is wrong with it.
        damage: crate::cache_file::Damage,
    },
    /// The copy of a server's memory kept in the project is of a history the server's
    /// memory does not continue (it was restored from a backup), so the write read the
    /// memory whole.
    Diverged {
        /// The server, as shown.
        server: PathBuf,
        /// Where the copy and the server stand.
        diverged: crate::memory::server::Diverged,
    },
}

/// How to take the memory's lock.
#[derive(Clone, Copy)]
pub struct LockOptions<'a> {
    /// How long to wait for another tolk that holds it; `None` waits for as long as it
    /// takes.
    pub timeout: Option<Duration>,
    /// Told once if the lock is busy and this writer waits.
    pub notify: &'a dyn Fn(&Notice),
}

impl Default for LockOptions<'_> {
    fn default() -> Self {
        LockOptions { timeout: None, notify: &|_| {} }
    }
}

/// An exclusive lock on the memory, held until dropped (or the process ends).
#[derive(Debug)]
pub struct MemoryLock {
    file: File,
    path: PathBuf,
}

impl MemoryLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the temporary files (`.tolk-tmp-*`, regular files only) that killed
    /// writers left in the memory's folder: under the lock no other tolk is writing
    /// there, so every one is stale. Returns how many were removed; one that cannot be
    /// removed is left, as it was, and never read as memory.
    pub fn remove_stale(&self) -> usize {
        let folder = folder_of(&self.path);
        let Ok(entries) = std::fs::read_dir(folder) else { return 0 };
        let mut removed = 0;
        for entry in entries.flatten() {
            let stale = entry.file_name().to_str().is_some_and(|n| n.starts_with(TEMP_PREFIX))
                && entry.file_type().is_ok_and(|t| t.is_file());
            if stale && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

impl Drop for MemoryLock {
    fn drop(&mut self) {
        // Still holding the lock: nobody is named as its holder once it is free.
        let _ = self.file.set_len(0);
    }
}

/// Locks the memory whose new translations go to `write_path` (see
/// [`crate::memory::CsvStore`]), waiting for another tolk that holds it as `options`
/// say.
///
/// The lock file is `.tolk.lock` in the same folder, created (with the folder) if
/// missing; a symbolic link there (dangling or not) or anything but a regular file is
/// refused, so taking the lock never makes a file anywhere else.
pub fn lock_memory(write_path: &Path, options: &LockOptions<'_>) -> Result<MemoryLock> {
    let dir = folder_of(write_path);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(LOCK_FILE);
    let file = open_lock(&path)?;
    acquire(&file, &path, options)?;
    let mut lock = MemoryLock { file, path };
    // Who holds it, for whoever has to wait; best effort, it is only a description.
    let _ = write_holder(&mut lock.file);
    Ok(lock)
}

/// Opens the lock file, refusing a link or anything but a regular file.
pub(crate) fn open_lock(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // No link is followed; a FIFO is not waited on.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let not_ours = |meta: &Metadata| {
        let message = if meta.file_type().is_symlink() {
            format!(
                "is a symbolic link (to {}); tolk locks the memory with a plain file of its own here and \
                 never follows a link, so that no file is made outside the project: remove the link (rm {}); \
                 to share a memory, link the whole memory folder instead",
                link_target(path),
                shown::path(path)
            )
        } else {
            format!(
                "is a {}, not a plain file; tolk locks the memory with a plain file of its own here: remove it",
                kind_of(meta)
            )
        };
        Error::at(path, Place::File, message)
    };
    match options.open(path) {
        Ok(file) => {
            let meta = file.metadata().map_err(|e| Error::io(path, e))?;
            if !meta.is_file() {
                return Err(not_ours(&meta));
            }
            Ok(file)
        }
        Err(e) => match std::fs::symlink_metadata(path) {
            Ok(meta) if !meta.is_file() => Err(not_ours(&meta)),
            Err(_) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                let how = format!("tolk takes turns writing the memory by a lock file in it, {}", LOCK_FILE);
                Err(folder_not_writable(folder_of(path), &how))
            }
            _ => Err(Error::io(path, e)),
        },
    }
}

/// Takes the lock on `file`, waiting as `options` say.
fn acquire(file: &File, path: &Path, options: &LockOptions<'_>) -> Result<()> {
    let start = Instant::now();
    let mut announced = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(Error::io(path, e)),
        }
        let waited = start.elapsed();
        if let Some(limit) = options.timeout {
            if waited >= limit {
                return Err(Error::LockTimeout { path: path.into(), holder: holder(file), waited: limit });
            }
        }
        if !announced && waited >= ANNOUNCE_AFTER {
            (options.notify)(&Notice::Waiting { lock: path.into(), holder: holder(file) });
            announced = true;
            if options.timeout.is_none() {
                // No limit: let the operating system wake this writer when it is free.
                return file.lock().map_err(|e| Error::io(path, e));
            }
        }
        let left = options.timeout.map_or(POLL, |limit| limit.saturating_sub(waited));
        std::thread::sleep(POLL.min(left).max(Duration::from_millis(1)));
    }
}

/// Writes who holds the lock into the lock file: pid, command and start.
fn write_holder(file: &mut File) -> std::io::Result<()> {
    let mut command: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    if let Some(program) = command.first_mut() {
        *program =
            Path::new(program.as_str()).file_name().map_or_else(String::new, |n| n.to_string_lossy().into());
    }
    let mut command = shown::name(&command.join(" ")).to_string();
    if command.chars().count() > 200 {
        command = command.chars().take(200).chain("...".chars()).collect();
    }
    let text = format!(
        "pid: {}\ncommand: {command}\nstarted: {}\n",
        std::process::id(),
        crate::timestamp::Timestamp::now()
    );
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text.as_bytes())
}

/// Who holds a lock whose file does not say (yet).
const UNSAID: &str = "its lock file does not say who";

/// Who holds the lock, as its lock file says: `pid 123 (tolk import a.csv), since
/// 2026-11-22T12:00:00Z`, or that it does not say (yet).
fn holder(file: &File) -> String {
    let mut text = Vec::new();
    let mut reader = file;
    if reader.seek(SeekFrom::Start(0)).is_err() || reader.take(HOLDER_MAX).read_to_end(&mut text).is_err() {
        return UNSAID.into();
    }
    let text = String::from_utf8_lossy(&text);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| shown::name(v.trim()).to_string())
            .filter(|v| !v.is_empty())
    };
    match (field("pid:"), field("command:"), field("started:")) {
        (Some(pid), command, started) => {
            let mut out = format!("pid {pid}");
            if let Some(command) = command {
                out.push_str(&format!(" ({command})"));
            }
            if let Some(started) = started {
                out.push_str(&format!(", since {started}"));
            }
            out
        }
        _ => UNSAID.into(),
    }
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
    fn a_folder_that_may_not_be_written_is_named_not_the_temporary_file() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let err = folder_error(Path::new("memory"), Path::new("memory/nb-en.csv"), denied);
        assert_eq!(
            err.to_string(),
            "memory: the folder is not writable (permission denied), and tolk writes memory/nb-en.csv by making a \
             new file beside it and renaming it over the old one: make the folder writable (chmod u+w memory); \
             nothing was written"
        );
        // Another failure names the file to write, not tempfile's name for the new one.
        let dir = tempfile::tempdir().unwrap();
        let full = std::io::Error::from_raw_os_error(libc::ENOSPC);
        let wrapped = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir.path().join("missing"))
            .map(|_| ())
            .unwrap_err();
        assert!(wrapped.to_string().contains(".tolk-tmp-"), "{wrapped}");
        let err = folder_error(dir.path(), Path::new("memory/nb-en.csv"), wrapped);
        assert!(!err.to_string().contains(".tolk-tmp-"), "{err}");
        let err = folder_error(dir.path(), Path::new("memory/nb-en.csv"), full);
        assert!(err.to_string().starts_with("memory/nb-en.csv: cannot write it ("), "{err}");
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
        let lock = lock_memory(&write_path, &LockOptions::default()).unwrap();
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

    #[cfg(unix)]
    #[test]
    fn an_output_replaces_files_follows_links_and_refuses_folders() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.csv");
        assert_eq!(destination(&file).unwrap(), Destination::Replace(file.clone()));
        write_output(&file, &Guard::default(), b"one").unwrap();
        std::fs::write(dir.path().join("real.csv"), "old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_output(&link, &Guard::default(), b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
        assert_eq!(std::fs::read(dir.path().join("real.csv")).unwrap(), b"new");

        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink("nowhere.csv", &dangling).unwrap();
        let err = write_output(&dangling, &Guard::default(), b"x").unwrap_err().to_string();
        assert!(err.contains("is a symbolic link to nowhere.csv, which does not exist"), "{err}");
        assert!(!dir.path().join("nowhere.csv").exists());

        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).unwrap();
        let err = write_output(&folder, &Guard::default(), b"x").unwrap_err().to_string();
        assert!(err.ends_with("folder: is a folder; name a file to write"), "{err}");
        assert_eq!(names(dir.path()), ["a.csv", "dangling.csv", "folder", "link.csv", "real.csv"]);

        assert_eq!(destination(Path::new("/dev/null")).unwrap(), Destination::Stream);
        write_output(Path::new("/dev/null"), &Guard::default(), b"into the void").unwrap();
    }

    #[test]
    fn an_output_into_the_memory_or_over_a_document_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("memory");
        std::fs::create_dir_all(&memory).unwrap();
        let csv = memory.join("nb-en.csv");
        std::fs::write(&csv, "source,target\n").unwrap();
        let doc = dir.path().join("corpus/a.txt");
        std::fs::create_dir_all(doc.parent().unwrap()).unwrap();
        std::fs::write(&doc, "Hei.").unwrap();
        let guard = Guard::default().memory(&memory).documents([doc.as_path()]);

        let err = write_output(&csv, &guard, b"<tmx/>").unwrap_err().to_string();
        assert!(err.contains("is in the translation memory's folder"), "{err}");
        assert_eq!(std::fs::read_to_string(&csv).unwrap(), "source,target\n");
        // A new file there would be read as part of the memory; the folder reached another way too.
        let other = dir.path().join("out/../memory/batch.csv");
        let err = write_output(&other, &guard, b"x").unwrap_err().to_string();
        assert!(err.contains("is in the translation memory's folder"), "{err}");
        assert!(!memory.join("batch.csv").exists());
        // A memory that is one file.
        let err = write_output(&csv, &Guard::default().memory(&csv), b"x").unwrap_err().to_string();
        assert!(err.contains("is the translation memory, which this would replace"), "{err}");
        // A link to the memory file is the memory file.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&csv, &link).unwrap();
            assert!(write_output(&link, &guard, b"x").is_err());
        }
        let err = write_output(&doc, &guard, b"x").unwrap_err().to_string();
        assert!(err.contains("is a document of the corpus"), "{err}");
        assert_eq!(std::fs::read_to_string(&doc).unwrap(), "Hei.");
        write_output(&dir.path().join("out.csv"), &guard, b"x").unwrap();
    }

    #[test]
    fn staged_outputs_replace_nothing_until_committed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        std::fs::write(&a, "old a").unwrap();
        let mut first = Output::staged(&a, &Guard::default()).unwrap();
        first.write(b"new a").unwrap();
        first.close().unwrap();
        let mut second = Output::staged(&b, &Guard::default()).unwrap();
        second.write(b"new b").unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert!(!b.exists());
        drop(second);
        drop(first);
        // Dropped uncommitted: the temporary files go, the old file stays.
        assert_eq!(names(dir.path()), ["a.txt"]);
        let mut first = Output::staged(&a, &Guard::default()).unwrap();
        first.write(b"new a").unwrap();
        first.close().unwrap();
        let mut second = Output::staged(&b, &Guard::default()).unwrap();
        second.write(b"new b").unwrap();
        commit_all(vec![first, second]).unwrap();
        assert_eq!(
            (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap()),
            (b"new a".to_vec(), b"new b".to_vec())
        );
        assert_eq!(names(dir.path()), ["a.txt", "b.txt"]);
    }

    #[test]
    fn a_busy_lock_names_its_holder_and_gives_up_after_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let write_path = dir.path().join("nb-en.csv");
        let held = lock_memory(&write_path, &LockOptions::default()).unwrap();
        let text = std::fs::read_to_string(held.path()).unwrap();
        assert!(text.starts_with(&format!("pid: {}\ncommand: ", std::process::id())), "{text}");
        let told = std::sync::Mutex::new(Vec::new());
        let notify = |n: &Notice| told.lock().unwrap().push(n.clone());
        let options = LockOptions { timeout: Some(Duration::from_millis(300)), notify: &notify };
        let err = lock_memory(&write_path, &options).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::LockTimeout { .. }), "{message}");
        let holder = format!("pid {} (", std::process::id());
        assert!(
            message.contains(&holder) && message.contains("still held its lock after 0.3 s"),
            "{message}"
        );
        let told = told.into_inner().unwrap();
        assert!(
            matches!(&told[..], [Notice::Waiting { holder: h, .. }] if h.starts_with(&holder)),
            "{told:?}"
        );
        drop(held);
        assert_eq!(std::fs::read(dir.path().join(LOCK_FILE)).unwrap(), b"", "a free lock names nobody");
        let options = LockOptions { timeout: Some(Duration::ZERO), ..LockOptions::default() };
        lock_memory(&write_path, &options).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_file_that_is_a_link_or_no_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let write_path = dir.path().join("memory/nb-en.csv");
        std::fs::create_dir(dir.path().join("memory")).unwrap();
        let lock = dir.path().join("memory").join(LOCK_FILE);
        std::os::unix::fs::symlink("../outside", &lock).unwrap();
        let err = lock_memory(&write_path, &LockOptions::default()).unwrap_err().to_string();
        assert!(err.contains(".tolk.lock: is a symbolic link (to ../outside)"), "{err}");
        assert!(!dir.path().join("outside").exists(), "no file is made through the link");
        std::fs::remove_file(&lock).unwrap();
        std::fs::create_dir(&lock).unwrap();
        let err = lock_memory(&write_path, &LockOptions::default()).unwrap_err().to_string();
        assert!(err.ends_with(".tolk.lock: is a folder, not a plain file; tolk locks the memory with a plain file of its own here: remove it"), "{err}");
    }

    #[test]
    fn stale_temporary_files_are_removed_under_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        for name in [".tolk-tmp-a1", ".tolk-tmp-b2", ".tolk-new-c3", "nb-en.csv"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let lock = lock_memory(&dir.path().join("nb-en.csv"), &LockOptions::default()).unwrap();
        assert_eq!(lock.remove_stale(), 2);
        assert_eq!(names(dir.path()), [".tolk-new-c3", LOCK_FILE, "nb-en.csv"]);
    }
}
