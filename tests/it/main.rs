//! tolk's integration tests: one test binary with a module per feature.
//!
//! Most tests run the real `tolk` binary in a temporary project directory through the
//! small fluent helper in [`util`]; a few (the lossless round trip) call the library
//! directly. The tidy test checks the source tree itself. Nothing here writes outside
//! a temporary directory.

mod batches;
mod build;
mod cache;
mod concurrency;
mod context;
mod conventions;
mod corpus;
#[cfg(target_os = "linux")] // reads /proc to see the paused process asleep
mod crash;
#[cfg(unix)]
mod diskfull;
mod docx;
mod editions;
mod export;
mod history;
mod hostile;
mod html;
mod import;
mod matching;
mod numbers;
mod odt;
#[cfg(unix)]
mod paths;
mod project;
mod properties;
mod roundtrip;
mod segment;
mod server;
mod sha256;
mod sheet;
mod srx;
mod terms;
mod tidy;
mod tmx;
mod util;
mod xliff;
mod xlsx;
