//! The sizes tolk refuses to go beyond, in one place so the README can state them.
//!
//! Anything larger is refused with an error that names the limit, before it is used.

/// The largest cell of a CSV file (memory or batch): 1 MiB.
pub const MAX_CELL: usize = 1 << 20;

/// The largest line of a source document, and so the largest segment: 1 MiB.
pub const MAX_LINE: usize = 1 << 20;
