//! `tolk rules export`: the segmentation rules as an SRX 2.0 file, so OmegaT, Okapi or
//! Trados cut sentences where tolk does and translation memories line up.
//!
//! The rules are the built-in Norwegian ones, or the tolk rule file named by the global
//! `--rules`; the SRX itself is made by [`tolk::segment::srx::export`]. An SRX file
//! given to `--rules` is refused rather than copied: it already is what this writes.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Global;

/// Work with the segmentation rules: export them as SRX for CAT tools
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    Export(ExportArgs),
}

/// Write the rules as an SRX 2.0 file (stdout by default): the built-in Norwegian rules,
/// or the .rules file named by --rules. With `--format rules`, write them as a tolk rule
/// file instead: the start of a house style (`tolk --rules house.rules ...`)
#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// Write to FILE instead of stdout
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// SRX 2.0 for CAT tools, or a tolk rule file to edit
    #[arg(long, value_enum, default_value_t = RulesFormat::Srx)]
    format: RulesFormat,
}

/// What `rules export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RulesFormat {
    /// SRX 2.0
    Srx,
    /// A tolk rule file (.rules)
    Rules,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    match args.action {
        Action::Export(args) => export(args, global),
    }
}

fn export(args: ExportArgs, global: &Global) -> Result<ExitCode> {
    let format = match args.format {
        RulesFormat::Srx => tolk::segment::RulesFormat::Srx,
        RulesFormat::Rules => tolk::segment::RulesFormat::Rules,
    };
    let guard = super::ui::guard(global, None);
    if let Some(path) = &args.out {
        // Said once, not as a write that failed.
        guard.check(path)?;
    }
    let text = tolk::segment::export_rules(global.rules.as_deref(), format)?;
    match &args.out {
        Some(path) => tolk::store::write_output(path, &guard, text.as_bytes())
            .with_context(|| format!("cannot write {}", tolk::shown::path(path)))?,
        None => {
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
