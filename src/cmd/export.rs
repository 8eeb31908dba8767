//! `tolk export`: write what is not yet translated as a batch for translators.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use tolk::analyze::Band;
use tolk::batch::{self, BatchBuilder, Delimiter};
use tolk::document::Document;
use tolk::timestamp::Timestamp;

use super::ui;
use super::Global;

/// Write a batch of every sentence without a 100% match, for translators
///
/// One row per unique sentence (with every place it occurs), its best fuzzy suggestion
/// and its neighbours as context. The default is an XLSX workbook for Excel and
/// LibreOffice in which every cell is text (nothing becomes a date, number or formula)
/// and only the target and comment cells can be edited. `--format csv` writes CSV
/// (UTF-8 with a BOM; cells a spreadsheet would run as formulas get a leading
/// apostrophe, which `tolk import` removes again); `--format xliff` one XLIFF 1.2 file
/// for CAT tools. The format also follows the extension of `--out`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to export from [default: corpus/]
    pub paths: Vec<PathBuf>,
    /// Where to write the batch (`-` for stdout); an existing file is kept unless --force [default: out/batches/batch-<time>.xlsx, .csv or .xlf, -2, -3 … when taken]
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The batch format: an Excel workbook (xlsx) whose cells a spreadsheet cannot convert, CSV,
    /// or XLIFF 1.2 for CAT tools [default: from the extension of --out, else xlsx]
    #[arg(long, value_parser = format_names())]
    pub format: Option<String>,
    /// Cell delimiter (CSV only): `,` `;` (Norwegian Excel) or `tab` [default: ,]
    #[arg(long, short, value_parser = parse_delimiter)]
    pub delimiter: Option<Delimiter>,
    /// Start every target as the best suggestion, for the translator to correct
    #[arg(long)]
    pub prefill: bool,
    /// Replace the file named by --out if it exists (it may be a batch a translator
    /// has already filled in)
    #[arg(long)]
    pub force: bool,
    /// The lowest score offered as a suggestion (1-100)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub min_score: u8,
}

/// The names of the batch formats, for `--format`.
fn format_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(batch::FORMATS.iter().map(|f| f.name()))
}

fn parse_delimiter(s: &str) -> Result<Delimiter, String> {
    match s {
        "," | "comma" => Ok(Delimiter::Comma),
        ";" | "semicolon" => Ok(Delimiter::Semicolon),
        "tab" | "\t" | "\\t" => Ok(Delimiter::Tab),
        other => Err(format!("expected `,`, `;` or `tab`, found {other:?}")),
    }
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let format = batch::choose(args.format.as_deref(), args.out.as_deref(), args.delimiter)
        .map_err(anyhow::Error::msg)?;
    // One document at a time: the batch keeps each sentence once, not the corpus.
    let segmenter = ui::segmenter(global)?;
    let mut builder = BatchBuilder::default();
    for (path, name) in ui::corpus_files(&super::corpus_paths(args.paths))? {
        builder.add(&Document::read_as(&path, name, &segmenter)?);
    }
    let (memory, index) = ui::load_indexed(global)?;
    let spin = ui::spinner(global, "finding suggestions");
    let batch = builder.finish(&memory, &index, args.min_score, args.prefill);
    spin.finish_and_clear();
    if batch.rows.is_empty() {
        if ui::chatty(global) {
            eprintln!("nothing to translate: every segment has a 100% match in the memory");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let bytes = format.write(&batch)?;
    let out = match args.out {
        Some(out) => {
            // A regular file there may be a batch a translator already filled in.
            if !args.force && out.as_os_str() != "-" && std::fs::metadata(&out).is_ok_and(|m| m.is_file()) {
                anyhow::bail!(
                    "{} exists, and may be a batch a translator has already filled in; name another file, \
                     or add --force to replace it",
                    tolk::shown::path(&out)
                );
            }
            out
        }
        None => new_batch_path(format.extensions()[0])?,
    };
    if out.as_os_str() == "-" {
        io::stdout().lock().write_all(&bytes)?;
    } else {
        tolk::store::write_output(&out, &bytes)
            .with_context(|| format!("cannot write the batch {}", tolk::shown::path(&out)))?;
    }
    if ui::chatty(global) {
        let bands = batch.bands();
        let total = bands.total();
        eprintln!(
            "batch {}: {}, {} ({})",
            tolk::shown::path(&out),
            ui::count(total.segments, "segment"),
            ui::count(total.words, "word"),
            format.describe()
        );
        for band in Band::ALL.into_iter().filter(|&b| b != Band::Repetition && b != Band::Exact) {
            let c = bands.get(band);
            eprintln!(
                "  {:<10} {:>6} {:<8} {:>8} {}",
                band.label(),
                c.segments,
                ui::noun(c.segments, "segment"),
                c.words,
                ui::noun(c.words, "word")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A new file for a batch in `out/batches/`, named by the time and made at once, so two
/// exports in the same second never get the same name: `batch-<time>.<ext>`, then
/// `batch-<time>-2.<ext>`, and so on.
fn new_batch_path(extension: &str) -> Result<PathBuf> {
    let dir = PathBuf::from("out/batches");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
    let stamp = Timestamp::now().tmx();
    let mut n = 1u32;
    loop {
        let name = if n == 1 {
            format!("batch-{stamp}.{extension}")
        } else {
            format!("batch-{stamp}-{n}.{extension}")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 10_000 => n += 1,
            Err(e) => return Err(e).with_context(|| format!("cannot make {}", tolk::shown::path(&path))),
        }
    }
}
