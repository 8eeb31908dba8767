//! tolk turns Norwegian (Bokmål) articles into English editions through a translation
//! memory: it segments documents into sentences, matches them against the memory,
//! exports what is missing as batches for translators, imports their work and
//! assembles the English editions.
//!
//! This crate is the library that does all of that. It never parses command-line
//! arguments, never prints, never draws progress bars and never exits the process:
//! that is the `tolk` binary's job (`src/main.rs`, `src/cmd/`).

pub mod analyze;
pub mod batch;
pub mod cache_file;
pub mod corpus;
pub mod cost;
pub mod document;
pub mod edition;
pub mod error;
pub mod exchange;
pub mod glossary;
pub mod import;
pub mod index;
pub mod input;
pub mod language;
pub mod ledger;
pub mod memory;
pub mod numbers;
pub mod project;
pub mod report;
pub mod score;
pub mod segment;
pub mod shown;
pub mod status;
pub mod store;
pub mod text;
pub mod timestamp;

pub use error::{Error, Result};
