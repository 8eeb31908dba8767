//! `tolk keep-index` (hidden): makes the memory and index kept in `.tolk/cache/` again,
//! for a command that wrote the memory and returned without waiting for that
//! ([`super::ui::refresh_index`] starts it, in the background).

use std::process::ExitCode;

use anyhow::Result;
use tolk::index::cache;

use super::ui;
use super::Global;

/// Keep the project's memory and index up to date (run by tolk itself, in the background)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The keeping lock is held already, by the file this process reads as its standard input
    #[arg(long)]
    pub locked: bool,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let Some(files) = ui::kept_files(global) else { return Ok(ExitCode::SUCCESS) };
    // Held until this process ends: commands that read wait for it.
    let lock = if args.locked { None } else { cache::keeping(&files, ui::KEEPING_WAIT) };
    if !args.locked && lock.is_none() {
        // Another keeper that never finished: readers stop waiting for it too.
        return Ok(ExitCode::SUCCESS);
    }
    // Nothing to tell anyone: a failure here only means the next command makes them.
    let _ = cache::make(&global.memory, &files, || {});
    Ok(ExitCode::SUCCESS)
}
