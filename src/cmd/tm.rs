//! `tolk tm`: exchange the whole memory with other tools, as TMX (or CSV, or TSV).
//!
//! `tm import` reads every file first (TMX, tolk's memory CSV or two-column TSV,
//! told apart by the library's registry of exchange formats) and merges only if all
//! of them read cleanly, with the same lock, atomic write and conflict rules as `tolk
//! import`; `tm export` writes the memory as TMX or CSV. The formats are the library's
//! ([`tolk::exchange`]); this module reports and draws progress.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use tolk::exchange::{self, ReadOptions};
use tolk::import::{self, Incoming, MergeOptions, Origin};
use tolk::language::Language;
use tolk::shown;

use super::ui;
use super::Global;

/// Exchange the translation memory with other tools (TMX)
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: TmCommand,
}

#[derive(Debug, Subcommand)]
pub enum TmCommand {
    Import(ImportArgs),
    Export(ExportArgs),
    Conflicts(ConflictsArgs),
}

/// List the sources with competing translations, the one lookup and build use first
///
/// A conflict comes from an import with --overwrite, or from translations of the same
/// sentence made in different batches. Each translation is shown with when it was
/// changed, where it came from and who made it; the first is the one used. To make
/// another one the one used, import it again with --overwrite.
#[derive(Debug, clap::Args)]
pub struct ConflictsArgs {
    /// Print JSON lines: source, then translations (target, changed, origin, translator, used)
    #[arg(long)]
    pub json: bool,
}

/// Import translation memories (TMX, tolk CSV or two-column TSV) into the memory, all or nothing
///
/// Every file is read before anything is written; if one cannot be read, nothing is
/// written and the error names the file and line. TMX from other tools is welcome:
/// language codes such as nb-NO, no, NO-NB or en-GB are matched, each English variant
/// of a unit becomes an entry, and inline codes (bpt/ept, ph, it) become tags such as
/// {1}…{/1} and {2/}, while other markup (hi, sub) is flattened to its text (the entries
/// where that happened are counted). Entries the memory already
/// has are left alone, so importing twice changes nothing. A translation that differs
/// from the memory's is a conflict, refused unless --overwrite (which keeps the old one
/// as an older entry).
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files to import: .tmx, .csv (a tolk memory file) or .tsv (source<TAB>target)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Read and report, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Add translations that differ from the memory's; the old ones are kept as older entries
    #[arg(long)]
    pub overwrite: bool,
    /// The language of the sources in TMX files (any region unless one is given)
    #[arg(long, value_name = "CODE", default_value = "nb", value_parser = parse_language)]
    pub source_lang: Language,
    /// The language of the targets in TMX files (any region unless one is given)
    #[arg(long, value_name = "CODE", default_value = "en", value_parser = parse_language)]
    pub target_lang: Language,
    #[command(flatten)]
    pub lock: ui::LockArgs,
}

/// Write the whole memory as TMX 1.4 or as one CSV file
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The format to write: TMX 1.4, or CSV with tolk's memory columns and every extra column
    #[arg(long, default_value = "tmx", value_parser = writable_formats())]
    pub format: String,
    /// Where to write (`-` for stdout) [default: stdout]
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The exchange formats tolk writes, for `--format`.
fn writable_formats() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        exchange::FORMATS.iter().filter(|f| f.writes()).map(|f| f.name()),
    )
}

fn parse_language(code: &str) -> Result<Language, String> {
    Language::parse(code)
        .ok_or_else(|| format!("expected a language code such as nb, nb-NO or en-GB, found {code:?}"))
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    match args.command {
        TmCommand::Import(args) => run_import(args, global),
        TmCommand::Export(args) => run_export(args, global),
        TmCommand::Conflicts(args) => run_conflicts(args, global),
    }
}

fn run_conflicts(args: ConflictsArgs, global: &Global) -> Result<ExitCode> {
    let memory = ui::load(global, &global.memory)?;
    let conflicts = memory.conflicting();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for ids in &conflicts {
        let entries: Vec<&tolk::memory::Entry> = ids.iter().map(|&i| &memory.entries[i]).collect();
        if args.json {
            let translations: Vec<serde_json::Value> = entries
                .iter()
                .enumerate()
                .map(|(k, e)| {
                    serde_json::json!({
                        "target": e.target, "changed": e.changed, "origin": e.origin,
                        "translator": e.translator, "used": k == 0,
                    })
                })
                .collect();
            let record = serde_json::json!({ "source": entries[0].source, "translations": translations });
            serde_json::to_writer(&mut out, &record)?;
            writeln!(out)?;
            continue;
        }
        writeln!(out, "{}", shown::name(&entries[0].source))?;
        for (k, e) in entries.iter().enumerate() {
            let mut about: Vec<String> = Vec::new();
            for (label, value) in [("changed", &e.changed), ("origin", &e.origin), ("by", &e.translator)] {
                if !value.is_empty() {
                    about.push(format!("{label} {}", shown::name(value)));
                }
            }
            let about = if about.is_empty() { String::new() } else { format!("  ({})", about.join(", ")) };
            writeln!(out, "  {} {}{about}", if k == 0 { "*" } else { " " }, shown::name(&e.target))?;
        }
    }
    out.flush()?;
    if !global.quiet {
        let n = conflicts.len();
        let hint = if n == 0 {
            ""
        } else {
            "; * marks the one used, and `tolk import --overwrite` makes another the one used"
        };
        eprintln!("{n} source{} with competing translations{hint}", if n == 1 { "" } else { "s" });
    }
    Ok(ExitCode::SUCCESS)
}

/// The counts of a whole import, for the summary.
#[derive(Debug, Default)]
struct Counts {
    flattened: usize,
    skipped_empty: usize,
    skipped_language: usize,
}

fn run_import(args: ImportArgs, global: &Global) -> Result<ExitCode> {
    let mut incoming = Vec::new();
    let mut counts = Counts::default();
    for file in &args.files {
        let format = exchange::detect(file)?;
        let len = std::fs::metadata(file)
            .with_context(|| format!("cannot read {}", tolk::shown::path(file)))?
            .len();
        let bar = ui::byte_bar(global, len, "reading");
        let progress = |n: u64| bar.set_position(n);
        let options = ReadOptions {
            source: args.source_lang.clone(),
            target: args.target_lang.clone(),
            progress: Some(&progress),
        };
        let read = format.read(file, &options);
        bar.finish_and_clear();
        let read = read?;
        for warning in &read.warnings {
            ui::warning(format_args!("{}: {warning}", tolk::shown::path(file)));
        }
        if read.warnings_total > read.warnings.len() {
            ui::warning(format_args!(
                "{}: ... and {} more",
                tolk::shown::path(file),
                read.warnings_total - read.warnings.len()
            ));
        }
        counts.flattened += read.flattened;
        counts.skipped_empty += read.skipped_empty;
        counts.skipped_language += read.skipped_language;
        let unit = read.unit;
        incoming.extend(
            read.entries
                .into_iter()
                .map(|entry| Incoming { origin: Origin { file: file.clone(), row: entry.row, unit }, entry }),
        );
    }
    let options = MergeOptions { overwrite: args.overwrite, translator: None, dry_run: args.dry_run };
    let outcome = import::merge_into(&ui::store(global, &args.lock), incoming, &options)?;
    ui::report_conflicts(&outcome.conflicts, args.overwrite, args.dry_run, "the file");
    if ui::chatty(global) {
        let what = ui::where_written(args.dry_run, outcome.added);
        let conflicts = match (outcome.conflicts.len(), args.overwrite, args.dry_run) {
            (0, _, _) => "",
            (_, true, false) => " (added)",
            (_, true, true) => " (would be added)",
            (_, false, false) => " (refused)",
            (_, false, true) => " (would be refused)",
        };
        eprintln!(
            "{}, {}{conflicts}, {} with inline markup flattened, \
             {} skipped (empty source or target), {} skipped (no {} and {} variant) ({what} {})",
            ui::added_unchanged(args.dry_run, outcome.added, outcome.unchanged),
            ui::count(outcome.conflicts.len(), "conflict"),
            counts.flattened,
            counts.skipped_empty,
            counts.skipped_language,
            args.source_lang,
            args.target_lang,
            tolk::shown::path(&outcome.written)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_export(args: ExportArgs, global: &Global) -> Result<ExitCode> {
    let memory = ui::load(global, &global.memory)?;
    let format = exchange::by_name(&args.format).context("no such exchange format")?;
    let bytes = format.write(&memory)?;
    let to = match &args.out {
        Some(out) if out.as_os_str() != "-" => {
            tolk::store::write_output(out, &bytes)
                .with_context(|| format!("cannot write {}", tolk::shown::path(out)))?;
            tolk::shown::path(out).to_string()
        }
        _ => {
            io::stdout().lock().write_all(&bytes)?;
            "stdout".to_string()
        }
    };
    if ui::chatty(global) && to != "stdout" {
        eprintln!("{} written to {to}", ui::count(memory.entries.len(), "entry"));
    }
    if memory.entries.is_empty() && ui::chatty(global) {
        eprintln!("the memory {} has no entries", tolk::shown::path(&global.memory));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_language_code_is_a_usage_error() {
        assert!(parse_language("en-GB").is_ok());
        assert_eq!(
            parse_language("*all*").unwrap_err(),
            "expected a language code such as nb, nb-NO or en-GB, found \"*all*\""
        );
    }
}
