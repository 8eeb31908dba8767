//! `tolk import`: take translators' filled-in batches back into the memory.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use tolk::import::{self, MergeOptions};

use super::ui;
use super::Global;

/// Import translated batches into the memory, all or nothing
///
/// Every row is checked first: the id must be one `tolk export` issued for this
/// corpus, the source must be unchanged, and one id has one translation. If any row is
/// wrong nothing is written and every problem is listed. Rows with an empty target are
/// skipped (not translated yet), and so are XLIFF targets whose state is `new` or
/// `needs-translation`. A translation that differs from the memory's is a
/// conflict, refused unless --overwrite (which keeps the old one as an older entry).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Translated batch files: XLSX or CSV as a spreadsheet saves it, or XLIFF 1.2 from a
    /// CAT tool (.xlf, .xliff, .xml, or any file that starts like XML)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Check and report, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Who translated, for rows whose file does not say
    #[arg(long, value_name = "NAME")]
    pub translator: Option<String>,
    /// Import the valid rows even if others are refused (they are listed)
    #[arg(long)]
    pub skip_invalid: bool,
    /// Add translations that differ from the memory's; the old ones are kept as older entries
    #[arg(long)]
    pub overwrite: bool,
    /// Also import XLIFF targets whose state says they are not translated yet (`new`,
    /// `needs-translation`), such as drafts a CAT tool left unconfirmed
    #[arg(long)]
    pub take_drafts: bool,
    /// The corpus the batch was made from
    #[arg(long, value_name = "PATH", default_value = "corpus")]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub lock: ui::LockArgs,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let docs = ui::documents(std::slice::from_ref(&args.corpus), &ui::segmenter(global)?)
        .context("cannot read the corpus the batch was made from")?;
    let issued = import::issued(&docs);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for file in &args.files {
        let read = tolk::batch::read(file)
            .with_context(|| format!("cannot import {}; nothing was written", tolk::shown::path(file)))?;
        for note in &read.notes {
            if ui::chatty(global) {
                eprintln!("{}: {note}", tolk::shown::path(file));
            }
        }
        rows.extend(read.rows);
        problems.extend(read.problems);
    }
    if args.take_drafts {
        for row in &mut rows {
            row.state = None;
        }
    }
    let mut plan = import::validate(&rows, &issued);
    // A translation left out for its state is named, so none is lost unnoticed.
    for origin in &plan.drafts {
        ui::warning(format!(
            "{}: {} {}: a translation whose state says it is not translated yet was not imported; \
             confirm it in the CAT tool, or import with --take-drafts",
            tolk::shown::path(&origin.file),
            origin.unit,
            origin.row
        ));
    }
    problems.append(&mut plan.problems);
    problems.sort_by(|a, b| (&a.origin.file, a.origin.row).cmp(&(&b.origin.file, b.origin.row)));
    for p in &problems {
        ui::error(p);
    }
    if !problems.is_empty() && !args.skip_invalid {
        bail!(
            "{} refused, nothing was written; correct them and import again, or use --skip-invalid",
            ui::count(problems.len(), "row")
        );
    }
    for w in &plan.warnings {
        ui::warning(w);
    }
    let options =
        MergeOptions { overwrite: args.overwrite, translator: args.translator, dry_run: args.dry_run };
    let outcome = import::apply_into(&ui::store(global, &args.lock), &plan.accepted, &options)?;
    ui::report_conflicts(&outcome.conflicts, args.overwrite, args.dry_run, "the batch");
    if ui::chatty(global) {
        let what = ui::where_written(args.dry_run, outcome.added);
        eprintln!(
            "{}, {} skipped (empty target), {} skipped (state), {}, {}, {} refused ({what} {})",
            ui::added_unchanged(args.dry_run, outcome.added, outcome.unchanged),
            plan.skipped_empty,
            plan.skipped_state,
            ui::count(outcome.conflicts.len(), "conflict"),
            ui::count(plan.warnings.len(), "warning"),
            problems.len(),
            tolk::shown::path(&outcome.written)
        );
    }
    Ok(ExitCode::SUCCESS)
}
