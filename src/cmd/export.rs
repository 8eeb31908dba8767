//! `tolk export`: write what is not yet translated as a batch for translators.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use tolk::analyze::Band;
use tolk::batch::{self, BatchBuilder, Delimiter};
use tolk::ledger::{BatchRecord, Ledger, Sent};
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
    /// Where to write the batch (`-` for stdout; a workbook, which is binary, only into a pipe or file, not onto a terminal); an existing file is kept unless --force [default: out/batches/batch-<time>.xlsx, .csv or .xlf, -2, -3 … when taken]
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
    /// XLIFF only: start every target not prefilled (see --prefill) as a copy of its
    /// source, marked as not translated yet, for a CAT tool that translates the target, as
    /// OmegaT does (it finds no segment in an empty target); `tolk import` takes a
    /// changed copy and leaves an unchanged one
    #[arg(long)]
    pub copy_source: bool,
    /// Replace the file named by --out if it exists (it may be a batch a translator
    /// has already filled in)
    #[arg(long)]
    pub force: bool,
    /// The lowest score offered as a suggestion (1-100) [default: the project's, else 50]
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub min_score: Option<u8>,
    /// Who the batch is for, recorded with it and shown by `tolk status`
    #[arg(long = "for", value_name = "NAME")]
    pub translator: Option<String>,
    /// Also export sentences already out in an open batch (one not yet imported)
    #[arg(long)]
    pub again: bool,
}

/// The names of the batch formats, for `--format`.
fn format_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(batch::FORMATS.iter().map(|f| f.name()))
}

fn parse_delimiter(s: &str) -> Result<Delimiter, String> {
    Delimiter::parse(s).ok_or_else(|| format!("expected `,`, `;` or `tab`, found {s:?}"))
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let format = choose(&args, &global.project.config.batches)?;
    if args.copy_source && format.name() != "xliff" {
        bail!(
            "--copy-source is for XLIFF batches (`--format xliff`): in a {} batch nothing would tell the copy \
             from a translation that reads the same",
            format.name()
        );
    }
    // A batch in the corpus folder is read as a document by every command after.
    if let Some(out) = args.out.as_deref().filter(|o| o.as_os_str() != "-") {
        ui::refuse_inside_corpus(global, &args.paths, out, "the batch")?;
    }
    let min_score = args.min_score.unwrap_or(global.project.config.batches.min_score as u8);
    // One document at a time: the batch keeps each sentence once, not the corpus.
    let segmenter = ui::segmenter(global)?;
    let mut builder = BatchBuilder::default();
    let files = ui::corpus_files(global, &args.paths)?;
    // Before anything is read or recorded: a batch over the memory, into its folder
    // (where it would be read as memory) or over a document is refused.
    let paths: Vec<PathBuf> = files.iter().map(|(path, _)| path.clone()).collect();
    let guard = ui::guard(global, Some(&paths));
    match &args.out {
        Some(out) if out.as_os_str() != "-" => guard.check(out)?,
        Some(_) => {}
        None => guard.check(&global.project.batch_folder().join("batch.xlsx")).with_context(|| {
            format!("cannot write batches to {}", tolk::shown::path(&global.project.batch_folder()))
        })?,
    }
    let mut read = 0;
    for (path, name) in files {
        let Some(doc) = ui::read_or_skip(global, &path, name, &segmenter) else { continue };
        builder.add(&doc);
        read += 1;
    }
    // Held until the batch is recorded: another export waits, then leaves out what
    // this one sent.
    let chatty = ui::chatty(global);
    let _ledger_lock = Ledger::lock(&global.project.state_dir(), || {
        // Another export, perhaps one whose batch a pager is still showing.
        if chatty {
            eprintln!("waiting for another tolk export in this project to record its batch…");
        }
    });
    let mut ledger =
        Ledger::open(&global.project.state_dir()).context("cannot read the record of batches")?;
    // What an export interrupted (Ctrl-C) or failed left behind holds no id any more.
    ledger.sweep_reservations();
    let (entries, index) = ui::load_entries(global)?;
    let spin = ui::spinner(global, "finding suggestions");
    // A memory of only what the batch shows: every translation of its sentences and of
    // those out in batches, then the best match of each sentence not translated yet.
    let mut texts = builder.sources();
    texts.extend(ledger.batches.iter().flat_map(|b| &b.segments).map(|s| s.source.as_str()));
    let queries = builder.untranslated(&*ui::narrow(global, &entries, &texts, &mut [])?);
    let mut found = index.search_all(&queries, tolk::index::SearchOptions { min_score, top: 1 });
    drop(queries);
    let memory = ui::narrow(global, &entries, &texts, &mut found)?;
    drop(texts);
    let mut batch = builder.finish_found(&memory, found, args.prefill);
    // XLIFF's languages are `xs:language` tags, which separate with `-` only.
    batch.source_language = global.project.config.source_language.trim().replace('_', "-");
    batch.target_language = global.project.config.target_language.trim().replace('_', "-");
    batch.copy_source = args.copy_source;
    batch.mark_terms(&super::terms::glossary(global)?);
    spin.finish_and_clear();
    // What an open batch has is with a translator already: sent again only when asked.
    let out_now = ledger.out(|source| tolk::edition::has_translation(&memory, source, false));
    let mut held = Vec::new();
    let before = batch.rows.len();
    if !args.again {
        batch.rows.retain(|row| match out_now.get(&row.id) {
            Some(batches) => {
                held.extend(batches.iter().copied());
                false
            }
            None => true,
        });
    }
    if ui::chatty(global) && !held.is_empty() {
        let segments = before - batch.rows.len();
        held.sort_unstable();
        held.dedup();
        let names: Vec<String> = held.iter().map(|&i| ledger.batches[i].describe()).collect();
        eprintln!(
            "left out {} already out in {}; add --again to export them again",
            ui::plural(segments, "sentence", "sentences"),
            names.join(", ")
        );
    }
    let unread = ui::unread();
    let unread_documents = ui::plural(unread, "document", "documents");
    let it = if unread == 1 { "it" } else { "them" };
    if batch.rows.is_empty() && unread > 0 {
        // Nothing can be said to be translated of a document not read: no batch is no
        // success then, as `build` fails for it too.
        let others = match (read, held.is_empty()) {
            (0, _) => "and there is no other document".to_string(),
            (_, true) => format!(
                "and every segment of the {} has a 100% match in the memory",
                ui::plural(read, "other document", "other documents")
            ),
            (_, false) => format!(
                "and every untranslated segment of the {} is out in an open batch",
                ui::plural(read, "other document", "other documents")
            ),
        };
        bail!("nothing was exported: {unread_documents} could not be read (named above), {others}; correct {it} and export again");
    }
    if batch.rows.is_empty() {
        if ui::chatty(global) {
            if held.is_empty() {
                eprintln!("nothing to translate: every segment has a 100% match in the memory");
            } else {
                eprintln!("nothing to export: every untranslated segment is out in an open batch");
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let id = ledger.reserve_id(Timestamp::now()).context("cannot record the batch")?;
    batch.id = Some(id.clone());
    batch.translator.clone_from(&args.translator);
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
        None => new_batch_path(
            &global.project.batch_folder(),
            args.translator.as_deref(),
            format.extensions()[0],
        )?,
    };
    if out.as_os_str() == "-" {
        // A workbook is a zip archive: on a terminal it is noise, and no batch.
        if format.name() == "xlsx" && io::stdout().is_terminal() {
            anyhow::bail!(
                "an XLSX workbook is binary, not for a terminal; name a file with -o, or look at the batch \
                 with --format csv; nothing was exported"
            );
        }
        io::stdout().lock().write_all(&bytes)?;
    } else {
        tolk::store::write_output(&out, &guard, &bytes)
            .with_context(|| format!("cannot write the batch {}", tolk::shown::path(&out)))?;
    }
    let record = BatchRecord {
        id,
        file: if out.as_os_str() == "-" {
            "-".to_string()
        } else {
            global.project.from_root(&out).to_string_lossy().replace('\\', "/")
        },
        format: format.name().to_string(),
        exported: String::new(),
        translator: args.translator.clone(),
        prefilled: args.prefill,
        segments: batch
            .rows
            .iter()
            .map(|row| Sent {
                id: row.id.to_string(),
                source: row.source.clone(),
                words: row.words,
                places: row.places.iter().take(RECORDED_PLACES).map(|p| p.to_string()).collect(),
            })
            .collect(),
        returned: None,
        withdrawn: None,
    };
    let id = ledger.record(record, Timestamp::now()).with_context(|| {
        format!("the batch {} was written but could not be recorded", tolk::shown::path(&out))
    })?;
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
        for band in
            Band::ALL.into_iter().filter(|&b| !matches!(b, Band::Context | Band::Repetition | Band::Exact))
        {
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
        let whom = args.translator.as_deref().map(|t| format!(" for {t}")).unwrap_or_default();
        eprintln!(
            "recorded as batch {id}{whom}; `tolk status` shows what is out, `tolk import` closes it, and \
             `tolk withdraw {id}` if it will not come back"
        );
        if unread > 0 {
            eprintln!(
                "{unread_documents} could not be read (named above), and {} not in this batch; correct {it} and \
                 export again",
                if unread == 1 { "is" } else { "are" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How many places of each sentence a batch's record keeps.
const RECORDED_PLACES: usize = 5;

/// The batch format: `--format`, else the extension of `--out`, else the project's; a
/// CSV's delimiter `--delimiter`, else the project's.
fn choose(args: &Args, project: &tolk::project::BatchConfig) -> Result<Box<dyn batch::BatchFormat>> {
    let by_out = args.out.as_deref().is_some_and(|out| batch::by_extension(out).is_some());
    let name = args.format.clone().or_else(|| (!by_out).then(|| project.format.clone()));
    let format =
        batch::choose(name.as_deref(), args.out.as_deref(), args.delimiter).map_err(anyhow::Error::msg)?;
    // A `.tsv` is tab-separated whatever the project's delimiter.
    let named = args.out.as_deref().and_then(batch::delimiter_of);
    if format.name() == "csv" && args.delimiter.is_none() && named.is_none() {
        let delimiter = Delimiter::parse(&project.delimiter);
        return batch::choose(Some("csv"), args.out.as_deref(), delimiter).map_err(anyhow::Error::msg);
    }
    Ok(format)
}

/// A new file for a batch in `dir`, named by the time (and who it is for) and made at
/// once, so two exports in the same second never get the same name:
/// `batch-<time>[-<for>].<ext>`, then `batch-<time>[-<for>]-2.<ext>`, and so on.
fn new_batch_path(dir: &std::path::Path, translator: Option<&str>, extension: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot make {}", tolk::shown::path(dir)))?;
    let mut stamp = Timestamp::now().tmx();
    if let Some(name) = translator {
        // Letters and digits of the name, other characters as `-`: no path, no space.
        let slug: String = name.trim().chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
        let slug = slug.trim_matches('-').chars().take(40).collect::<String>();
        if !slug.is_empty() {
            stamp = format!("{stamp}-{slug}");
        }
    }
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
