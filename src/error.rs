//! The library's error type: every message names the file and the place in it (row,
//! column, line or byte offset), says what was expected and, where there is something
//! to do, what to do next.
//!
//! Messages are lower-case fragments without a trailing period, so the binary can chain
//! them with context. Paths are shown through [`crate::shown`], so a file name holding
//! an escape sequence reaches the terminal escaped.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::shown;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {cause}", shown::path(path))]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said. (Not marked as the error's source: the
        /// message already says it, and chained printing would say it twice.)
        cause: io::Error,
    },
    /// Replacing a file failed; the old one is untouched.
    #[error("{}: cannot write it ({cause}); it was left as it was", shown::path(path))]
    Write {
        /// The file that was to be replaced.
        path: PathBuf,
        /// What the operating system said.
        cause: io::Error,
    },
    /// This place in this file is wrong: the one shape of every error about an input,
    /// whatever its format.
    #[error("{}: {}{message}", shown::path(path), place.prefix())]
    At {
        /// The file (or, for the built-in rules, their name).
        path: PathBuf,
        /// Where in it.
        place: Place,
        /// What is wrong, and what to do where there is something to do.
        message: String,
    },
    /// An input is larger than tolk accepts.
    #[error("{}: {what} is larger than the limit of {limit} bytes", shown::path(path))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// What was too large ("line 3", "a cell in row 7").
        what: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// Entries a store was asked to add would leave the memory unreadable, or would not
    /// read back as written; nothing was written. `index` is the first such entry among
    /// those added, where one alone is to blame.
    #[error("{message}")]
    WouldNotLoad {
        /// The entry, by its position among the entries to add.
        index: Option<usize>,
        /// Why.
        message: String,
    },
    /// Another tolk held the memory's lock for longer than this one was to wait;
    /// nothing was written.
    #[error(
        "{}: another tolk is writing the memory ({holder}) and still held its lock after {}; nothing \
         was written: run again when it has finished, or wait longer with --lock-timeout",
        shown::path(path),
        seconds(*waited)
    )]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// Who holds it, as its lock file says.
        holder: String,
        /// How long this one waited.
        waited: Duration,
    },
    /// Something about the memory on a server: it cannot be reached, holds no memory,
    /// refused a permission, or lost the connection.
    #[error("{server}: {message}")]
    Server {
        /// The server, as shown: never with a password.
        server: String,
        /// What happened, and what to do.
        message: String,
        /// Whether the server could not be reached at all (so a copy kept of its
        /// memory may serve a command that only reads).
        unreachable: bool,
    },
    /// Anything that is about no place in a file.
    #[error("{0}")]
    Invalid(String),
}

/// Where in a file something is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole.
    File,
    /// A line (1-based), and the byte offset where it is known.
    Line {
        /// The line.
        line: u64,
        /// The byte offset from the start of the file.
        byte: Option<u64>,
    },
    /// A row as a spreadsheet numbers it (the header is row 1), and the column to blame.
    Row {
        /// The row.
        row: u64,
        /// The column's name.
        column: Option<String>,
    },
}

impl Place {
    /// A line.
    pub fn line(line: impl TryInto<u64>) -> Place {
        Place::Line { line: line.try_into().unwrap_or(u64::MAX), byte: None }
    }

    /// A line and the byte offset.
    pub fn byte(line: impl TryInto<u64>, byte: impl TryInto<u64>) -> Place {
        Place::Line {
            line: line.try_into().unwrap_or(u64::MAX),
            byte: Some(byte.try_into().unwrap_or(u64::MAX)),
        }
    }

    /// A row, and the column where one is to blame.
    pub fn row(row: u64, column: Option<&str>) -> Place {
        Place::Row { row, column: column.map(str::to_string) }
    }

    /// The place followed by `: `, or nothing for the whole file.
    fn prefix(&self) -> String {
        match self {
            Place::File => String::new(),
            Place::Line { line, byte: None } => format!("line {line}: "),
            Place::Line { line, byte: Some(byte) } => format!("line {line} (byte {byte}): "),
            Place::Row { row, column: None } => format!("row {row}: "),
            Place::Row { row, column: Some(column) } => format!("row {row}, column {column}: "),
        }
    }
}

impl Error {
    /// An [`Error::Write`] for `path`, keeping only the operating system's own words
    /// (the temporary file's name means nothing to the user).
    pub fn write(path: impl Into<PathBuf>, cause: io::Error) -> Error {
        let cause = cause.raw_os_error().map_or(cause, io::Error::from_raw_os_error);
        Error::Write { path: path.into(), cause }
    }

    /// An [`Error::At`]: `message` about `place` in the file at `path`.
    pub fn at(path: impl Into<PathBuf>, place: Place, message: impl Into<String>) -> Error {
        Error::At { path: path.into(), place, message: message.into() }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io { path: path.into(), cause: source }
    }
}

/// A duration as a person reads it: `2 s`, `0.5 s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

/// Short for results with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
