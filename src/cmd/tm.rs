//! `tolk tm`: exchange the whole memory with other tools, as TMX (or CSV, or TSV).
//!
//! `tm import` reads every file first (TMX, tolk's memory CSV or two-column TSV,
//! told apart by extension or content) and merges only if all of them read cleanly,
//! with the same lock, atomic write and conflict rules as `tolk import`; `tm export`
//! writes the memory as TMX or CSV. The reading and writing are the library's
//! ([`tolk::tmx`], [`tolk::memory`]); this module chooses, reports and draws progress.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use tolk::import::{self, Incoming, MergeOptions, Unit};
use tolk::memory::{self, Entry, Memory};
use tolk::timestamp::Timestamp;
use tolk::tmx::{self, Language, ReadOptions};

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
}

/// Import translation memories (TMX, tolk CSV or two-column TSV) into the memory, all or nothing
///
/// Every file is read before anything is written; if one cannot be read, nothing is
/// written and the error names the file and line. TMX from other tools is welcome:
/// language codes such as nb-NO, no, NO-NB or en-GB are matched, each English variant
/// of a unit becomes an entry, and inline markup is flattened to its text (native code
/// dropped; the entries where that happened are counted). Entries the memory already
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
}

/// Write the whole memory as TMX 1.4 or as one CSV file
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The format to write
    #[arg(long, value_enum, default_value_t = Format::Tmx)]
    pub format: Format,
    /// Where to write (`-` for stdout) [default: stdout]
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// A memory file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// TMX 1.4 (Translation Memory eXchange)
    Tmx,
    /// CSV with tolk's memory columns and every extra column
    Csv,
}

fn parse_language(code: &str) -> Result<Language, String> {
    Language::parse(code)
        .ok_or_else(|| format!("expected a language code such as nb, nb-NO or en-GB, found {code:?}"))
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    match args.command {
        TmCommand::Import(args) => run_import(args, global),
        TmCommand::Export(args) => run_export(args, global),
    }
}

/// What an input file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tmx,
    Csv,
    Tsv,
}

impl Kind {
    /// By extension, else by the first bytes: markup is TMX, a tab in the first line TSV.
    fn of(path: &Path) -> Result<Kind> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "tmx" | "xml" => return Ok(Kind::Tmx),
            "csv" => return Ok(Kind::Csv),
            "tsv" | "tab" => return Ok(Kind::Tsv),
            _ => {}
        }
        let mut head = Vec::with_capacity(4096);
        std::fs::File::open(path)
            .and_then(|f| f.take(4096).read_to_end(&mut head))
            .with_context(|| format!("cannot read {}", path.display()))?;
        let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
        let first = text.iter().position(|b| !b.is_ascii_whitespace()).map(|i| text[i]);
        Ok(if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || first == Some(b'<') {
            Kind::Tmx
        } else if text.split(|&b| b == b'\n').next().is_some_and(|line| line.contains(&b'\t')) {
            Kind::Tsv
        } else {
            Kind::Csv
        })
    }

    /// What the numbers of the file's entries count.
    fn unit(self) -> Unit {
        if self == Kind::Csv {
            Unit::Row
        } else {
            Unit::Line
        }
    }
}

/// The counts of a whole import, for the summary.
#[derive(Debug, Default)]
struct Counts {
    flattened: usize,
    skipped_empty: usize,
    skipped_language: usize,
}

fn run_import(args: ImportArgs, global: &Global) -> Result<ExitCode> {
    let now = Timestamp::now().to_string();
    let mut incoming = Vec::new();
    let mut counts = Counts::default();
    for file in &args.files {
        let kind = Kind::of(file)?;
        let name = file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let entries = match kind {
            Kind::Tmx => {
                let read = read_tmx(file, &args, global)?;
                counts.flattened += read.flattened;
                counts.skipped_empty += read.skipped_empty;
                counts.skipped_language += read.skipped_language;
                let foreign = !read.written_by_tolk();
                let mut entries = read.entries;
                // tolk's own TMX carries its origins; another tool's says where it came from.
                if foreign {
                    for e in entries.iter_mut().filter(|e| e.origin.is_empty()) {
                        e.origin = format!("tmx:{name}");
                    }
                }
                entries
            }
            Kind::Csv => {
                let mut entries = Vec::new();
                memory::read_csv(file, 0, &mut entries)?;
                let before = entries.len();
                entries.retain(|e| !e.target.trim().is_empty());
                counts.skipped_empty += before - entries.len();
                entries
            }
            Kind::Tsv => {
                let read = tmx::read_tsv(file)?;
                counts.skipped_empty += read.skipped_empty;
                read.entries
                    .into_iter()
                    .map(|e| Entry {
                        created: now.clone(),
                        changed: now.clone(),
                        origin: format!("tsv:{name}"),
                        ..e
                    })
                    .collect()
            }
        };
        let unit = kind.unit();
        incoming.extend(entries.into_iter().map(|entry| Incoming {
            file: file.clone(),
            row: entry.row,
            unit,
            entry,
        }));
    }
    let options = MergeOptions { overwrite: args.overwrite, translator: None, dry_run: args.dry_run };
    let outcome = import::merge(&global.memory, incoming, &options)?;
    ui::report_conflicts(&outcome.conflicts, args.overwrite, "the file");
    if ui::chatty(global) {
        let what = match (args.dry_run, outcome.added) {
            (true, _) => "dry run, nothing written to",
            (false, 0) => "nothing new for",
            (false, _) => "written to",
        };
        let conflicts = match (outcome.conflicts.len(), args.overwrite) {
            (0, _) => String::new(),
            (_, true) => " (added)".to_string(),
            (_, false) => " (refused)".to_string(),
        };
        eprintln!(
            "{} added, {} unchanged, {} conflicts{conflicts}, {} with inline markup flattened, \
             {} skipped (empty source or target), {} skipped (no {} and {} variant) ({what} {})",
            outcome.added,
            outcome.unchanged,
            outcome.conflicts.len(),
            counts.flattened,
            counts.skipped_empty,
            counts.skipped_language,
            args.source_lang,
            args.target_lang,
            outcome.written.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads one TMX file with a progress bar in bytes.
fn read_tmx(file: &Path, args: &ImportArgs, global: &Global) -> Result<tmx::TmxFile> {
    let len = std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?.len();
    let bar = ui::byte_bar(global, len, "reading");
    let progress = |n: u64| bar.set_position(n);
    let options = ReadOptions {
        source: args.source_lang.clone(),
        target: args.target_lang.clone(),
        progress: Some(&progress),
    };
    let read = tmx::read(file, &options);
    bar.finish_and_clear();
    Ok(read?)
}

fn run_export(args: ExportArgs, global: &Global) -> Result<ExitCode> {
    let memory = ui::load(global, &global.memory)?;
    let mut bytes = Vec::new();
    match args.format {
        Format::Tmx => tmx::write(&memory, &mut bytes).context("cannot write the memory as TMX")?,
        Format::Csv => memory::write_csv(&columns(&memory), &memory.entries, &mut bytes)
            .context("cannot write the memory as CSV")?,
    }
    let to = match &args.out {
        Some(out) if out.as_os_str() != "-" => {
            tolk::store::write_atomic(out, &bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            out.display().to_string()
        }
        _ => {
            io::stdout().lock().write_all(&bytes)?;
            "stdout".to_string()
        }
    };
    if ui::chatty(global) && to != "stdout" {
        eprintln!("{} entries written to {to}", memory.entries.len());
    }
    if memory.entries.is_empty() && ui::chatty(global) {
        eprintln!("the memory {} has no entries", global.memory.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Every column of every file of the memory, each once, in the order first seen.
fn columns(memory: &Memory) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for file in &memory.files {
        for c in &file.columns {
            // The same comparison as the memory's reader and writer, so the union has no
            // column they would take for a repeat.
            if !columns.iter().any(|k| k.trim().to_lowercase() == c.trim().to_lowercase()) {
                columns.push(c.clone());
            }
        }
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_apart_by_extension_then_content() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let cases: [(&str, &[u8], Kind); 6] = [
            ("a.TMX", b"source,target\n", Kind::Tmx),
            ("a.tsv", b"source,target\n", Kind::Tsv),
            ("a.txt", b"\xef\xbb\xbf\n <?xml version=\"1.0\"?><tmx/>", Kind::Tmx),
            ("b.txt", b"Hei.\tHi.\n", Kind::Tsv),
            ("c", b"source,target\nHei.,Hi.\tx\n", Kind::Csv),
            ("d.dat", b"\xff\xfe<\x00", Kind::Tmx),
        ];
        for (name, text, kind) in cases {
            assert_eq!(Kind::of(&write(name, text)).unwrap(), kind, "{name}");
        }
    }

    #[test]
    fn the_memory_columns_are_merged_case_insensitively() {
        let mut memory = Memory::default();
        let file = |cols: &[&str]| tolk::memory::MemoryFile {
            path: "m.csv".into(),
            columns: cols.iter().map(|c| c.to_string()).collect(),
        };
        memory.files =
            vec![file(&["source", "target", "Client"]), file(&["Target", "SOURCE", "client", "note"])];
        assert_eq!(columns(&memory), ["source", "target", "Client", "note"]);
    }

    #[test]
    fn a_bad_language_code_is_a_usage_error() {
        assert!(parse_language("en-GB").is_ok());
        assert_eq!(
            parse_language("*all*").unwrap_err(),
            "expected a language code such as nb, nb-NO or en-GB, found \"*all*\""
        );
    }
}
