//! `tolk withdraw`: close batches whose files will not come back.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use tolk::ledger::Ledger;
use tolk::timestamp::Timestamp;

use super::ui;
use super::Global;

/// Withdraw exported batches that will not come back, so their sentences can be exported again
///
/// A batch is open from `tolk export` until `tolk import` takes its file back, and a
/// sentence in an open batch is left out of the next export. A batch whose file was lost,
/// written by mistake (`export -o -` to look at one) or given to a translator who will
/// not do it can be withdrawn: its record stays in `.tolk/batches/`, `tolk status` shows
/// it withdrawn, and its untranslated sentences go into the next export. A file of a
/// withdrawn batch that does come back still imports, and closes that batch.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The batches to withdraw, by id as `tolk status` lists them (b20261130-061022-7c1e)
    #[arg(required = true, value_name = "BATCH")]
    pub batches: Vec<String>,
    /// Say what would be withdrawn, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let mut ledger =
        Ledger::open(&global.project.state_dir()).context("cannot read the record of batches")?;
    // Every id is checked before any is withdrawn: a typo withdraws nothing.
    let mut indices = Vec::new();
    for id in &args.batches {
        let Some(index) = ledger.batches.iter().position(|b| b.id == id.trim()) else {
            let open: Vec<&str> =
                ledger.batches.iter().filter(|b| b.is_open()).map(|b| b.id.as_str()).collect();
            let which = match open.len() {
                0 => "this project has no open batch".to_string(),
                _ => format!("the open ones are {}", open.join(", ")),
            };
            bail!("no batch has the id {id:?}; {which} (`tolk status` lists every batch)");
        };
        let batch = &ledger.batches[index];
        if let Some(returned) = &batch.returned {
            bail!(
                "batch {} came back on {} in {}: an imported batch is not withdrawn (`tolk tm revert` \
                 undoes an import)",
                batch.describe(),
                returned.at,
                returned.file
            );
        }
        if !indices.contains(&index) {
            indices.push(index);
        }
    }
    let now = Timestamp::now();
    for index in indices {
        let batch = &ledger.batches[index];
        let described =
            format!("{}: {}, {}", batch.describe(), batch.file, ui::count(batch.segments.len(), "segment"));
        if let Some(at) = &batch.withdrawn {
            if ui::chatty(global) {
                eprintln!("{described} was already withdrawn on {at}");
            }
            continue;
        }
        if args.dry_run {
            eprintln!("would withdraw {described}; nothing was written (--dry-run)");
            continue;
        }
        ledger
            .withdraw(index, now)
            .with_context(|| format!("cannot withdraw {}", ledger.batches[index].id))?;
        if ui::chatty(global) {
            eprintln!(
                "withdrew {described}; they are no longer out, and those without a translation go in the next \
                 export (unless another open batch has them)"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
