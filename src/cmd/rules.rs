//! `tolk rules export`: the segmentation rules as an SRX 2.0 file, so OmegaT, Okapi or
//! Trados cut sentences where tolk does and translation memories line up.
//!
//! The rules are the built-in Norwegian ones, or the tolk rule file named by the global
//! `--rules`; the SRX itself is made by [`tolk::segment::srx::export`]. An SRX file
//! given to `--rules` is refused rather than copied: it already is what this writes.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use tolk::segment::{srx, Rules};

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
/// or the .rules file named by --rules
#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// Write the SRX to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    match args.action {
        Action::Export(args) => export(args, global),
    }
}

fn export(args: ExportArgs, global: &Global) -> Result<ExitCode> {
    let rules = match &global.rules {
        None => Rules::norwegian(),
        Some(path) => {
            let text = super::ui::read_rules(path)?;
            if srx::is_srx(path, &text) {
                bail!(
                    "{} is already an SRX file; `tolk rules export` writes tolk rule files \
                     (.rules) as SRX",
                    path.display()
                );
            }
            Rules::parse(&text, &path.display().to_string())?
        }
    };
    let xml = srx::export(&rules);
    match &args.out {
        Some(path) => {
            std::fs::write(path, xml).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => {
            let mut out = io::stdout().lock();
            out.write_all(xml.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
