//! The library's error type: every message names the file and the place in it (row,
//! column, line or byte offset), says what was expected and, where there is something
//! to do, what to do next.
//!
//! Messages are lower-case fragments without a trailing period, so the binary can chain
//! them with context.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said. (Not marked as the error's source: the
        /// message already says it, and chained printing would say it twice.)
        cause: io::Error,
    },
    /// Replacing a file failed; the old one is untouched.
    #[error("{}: cannot write it ({cause}); it was left as it was", path.display())]
    Write {
        /// The file that was to be replaced.
        path: PathBuf,
        /// What the operating system said.
        cause: io::Error,
    },
    /// A segmentation rule file is malformed.
    #[error("{origin}:{line}: {message}")]
    Rules {
        /// The rule file.
        origin: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A CSV file (memory or batch) is malformed.
    #[error("{}: row {row}{}: {message}", path.display(), column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based row number as a spreadsheet shows it (the header is row 1).
        row: u64,
        /// The column name, where one is to blame.
        column: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// An input is larger than tolk accepts.
    #[error("{}: {what} is larger than the limit of {limit} bytes", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// What was too large ("line 3", "a cell in row 7").
        what: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// Anything else, with a message that names the place.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// An [`Error::Write`] for `path`, keeping only the operating system's own words
    /// (the temporary file's name means nothing to the user).
    pub fn write(path: impl Into<PathBuf>, cause: io::Error) -> Error {
        let cause = cause.raw_os_error().map_or(cause, io::Error::from_raw_os_error);
        Error::Write { path: path.into(), cause }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io { path: path.into(), cause: source }
    }
}

/// Short for results with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
