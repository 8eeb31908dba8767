//! `tolk tm`: exchange the whole memory with other tools, as TMX (or CSV, or TSV), and
//! correct it: list a source's history, resolve a conflict, revert, remove.
//!
//! `tm import` reads every file first (TMX, tolk's memory CSV or two-column TSV,
//! told apart by the library's registry of exchange formats) and merges only if all
//! of them read cleanly, with the same lock, atomic write and conflict rules as `tolk
//! import`; `tm export` writes the memory as TMX or CSV. The formats are the library's
//! ([`tolk::exchange`]); this module reports and draws progress. `tm history`,
//! `resolve`, `revert` and `rm` are glue around [`tolk::memory::history`] and, for
//! whole imports (`tm history` alone, `tm revert IMPORT-ID`), [`tolk::memory::imports`],
//! whose rules the store makes under the memory's lock
//! ([`tolk::memory::MemoryStore::update`]). `tm push` and `tm pull` copy a CSV memory
//! to a server and back ([`tolk::memory::server::push`], [`tolk::memory::server::pull`]).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use tolk::exchange::{self, ReadOptions};
use tolk::import::{self, Incoming, MergeOptions, Origin};
use tolk::language::Language;
use tolk::memory::history::{self, Choice, Key, Plan};
use tolk::memory::imports::{self, ImportId};
use tolk::memory::server::ServerStore;
use tolk::memory::{Entry, Update};
use tolk::shown;
use tolk::text::SegmentId;
use tolk::timestamp::Timestamp;

use super::ui;
use super::Global;

/// Exchange the translation memory with other tools (TMX) and with a server, and correct it
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
    History(HistoryArgs),
    Resolve(ResolveArgs),
    Revert(RevertArgs),
    Rm(RmArgs),
    Push(PushArgs),
    Pull(PullArgs),
}

/// Copy the project's CSV memory into a server's memory (see `tolk server init`)
///
/// Every entry the server does not have yet is added, with all its columns (dates,
/// translator, origin, note, context, history, extra columns), to the file of the same
/// name there, in one transaction: all of them or none. Entries the server has (the
/// same file, texts and columns) are left alone, so pushing again adds nothing; one
/// the server has retired where the CSV memory has it in use, or the reverse, takes
/// the state set later. Retired entries, and changing a state, take tolk_editor.
#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// The server: postgres://user@host:port/dbname
    #[arg(value_name = "URL")]
    pub url: String,
    /// Say what would be added, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub lock: ui::LockArgs,
}

/// Write a server's memory as CSV files: into the project's memory folder, or --out
///
/// Each file on the server is written as the CSV file of its name, with every column,
/// and only if it changed, so pulling again writes nothing. Nothing is written when
/// the folder has an entry or a file the server does not have: push it first, or pull
/// into another folder.
#[derive(Debug, clap::Args)]
pub struct PullArgs {
    /// The server: postgres://user@host:port/dbname
    #[arg(value_name = "URL")]
    pub url: String,
    /// The folder to write [default: the project's memory folder]
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Say what would be written, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub lock: ui::LockArgs,
}

/// List the sources with competing translations, the one lookup and build use first
///
/// Competing translations come in together: one import that brings two translations of
/// a sentence (a file or batches that translate it two ways; `tm import` and `import`
/// say so), or translations of it made for different places (the sentences around it). Each translation is shown with its number (as
/// `tm history` numbers it), when it was changed, where it came from and who made it;
/// the one marked * is the one used. To choose another, or to settle on the one used,
/// run `tolk tm resolve SENTENCE --keep N`.
#[derive(Debug, clap::Args)]
pub struct ConflictsArgs {
    /// Print JSON lines: source, id, then translations (number, target, changed, origin, translator, used)
    #[arg(long)]
    pub json: bool,
}

/// The imports the memory records, or every translation it has had of a sentence
///
/// Without a sentence: every import, newest first, with its id (for `tm revert ID`),
/// when it was made, how many entries it added (how many of them are still in use),
/// how many it retired (--overwrite), where its entries came from and who translated
/// them.
///
/// With a sentence: its translations in use and retired ones (replaced by `tm resolve`,
/// `tm revert` or an import with --overwrite, removed by `tm rm`) alike, numbered for
/// `tm resolve --keep N`, with when each was changed and retired, the import that made
/// it, who made it, where it came from and its note; * marks the one lookup and build use.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The Norwegian sentence, or its segment id (s + 16 hex digits, as batches write it);
    /// without it, the imports are listed
    #[arg(value_name = "SENTENCE|ID")]
    pub source: Option<String>,
    /// Print JSON lines: per import (id, at, added, in_use, retired, origins, translators),
    /// or for a sentence one line: source, id, then translations (number, target, changed,
    /// retired, retired_by, import, translator, origin, note, used)
    #[arg(long)]
    pub json: bool,
}

/// Choose the translation of a sentence that is used from now on
///
/// Every other translation in use is retired (kept, with the time, and listed by `tm
/// history`, but never offered again), so the conflict is settled. A retired
/// translation can be chosen too: it is put back in use. A later import with yet
/// another translation is a conflict again.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("choice").required(true).args(["keep", "target"])))]
pub struct ResolveArgs {
    /// The Norwegian sentence, or its segment id (s + 16 hex digits)
    #[arg(value_name = "SENTENCE|ID")]
    pub source: String,
    /// The translation to keep, by its number in `tm history` or `tm conflicts`
    #[arg(long, value_name = "N")]
    pub keep: Option<usize>,
    /// The translation to keep, by its text (one of the translations, exactly)
    #[arg(long, value_name = "TEXT")]
    pub target: Option<String>,
    /// Say what would change, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub lock: ui::LockArgs,
}

/// Undo one import, or use again the translation of a sentence used before the current one
///
/// With an import id (i + its time, as `tm history` lists them and the import's summary
/// said): every translation that import added still in use is retired, and every one it
/// retired (--overwrite) is put back, so the memory is used as before it.
///
/// With a sentence: the current translation is retired and the one before it (the
/// newest other one in use, or else the one retired last) is put back and dated now, so
/// it is the one used. Run it again to go back further; after `tm rm`, it puts back the
/// translation removed.
#[derive(Debug, clap::Args)]
pub struct RevertArgs {
    /// An import id (i20261130-061500), or a Norwegian sentence or its segment id (s + 16 hex digits)
    #[arg(value_name = "IMPORT|SENTENCE|ID")]
    pub source: String,
    /// Say what would change, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub lock: ui::LockArgs,
}

/// Retire every translation of a sentence, so it is no longer translated
///
/// The translations stay in the memory as history (`tm history` lists them, `tm
/// revert` puts the last one back); lookup, analyze and build treat the sentence as
/// untranslated, and the next export sends it to a translator.
#[derive(Debug, clap::Args)]
pub struct RmArgs {
    /// The Norwegian sentence, or its segment id (s + 16 hex digits)
    #[arg(value_name = "SENTENCE|ID")]
    pub source: String,
    /// Say what would change, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub lock: ui::LockArgs,
}

/// Import translation memories (TMX, tolk CSV or two-column TSV) into the memory
///
/// Every file is read before anything is written; if one cannot be read, nothing is
/// written and the error names the file and line (exit code 1). TMX from other tools is welcome:
/// language codes such as nb-NO, no, NO-NB or en-GB are matched, a unit's variant in
/// the project's English (en-GB) is taken where it has one, else its other English,
/// and inline codes (bpt/ept, ph, it) become tags such as {1}…{/1} and {2/}, while
/// other markup (hi, sub) is flattened to its text (the entries where that happened
/// are counted). Entries the memory already
/// has are left alone, so importing twice changes nothing. A translation that differs
/// from the memory's is a conflict, refused unless --overwrite (which retires the old
/// one: kept, listed by `tm history`, put back by `tm revert`); the other entries are
/// added, and the exit code is 3, so a script learns a translation was refused. An
/// import that adds anything gets an id, which `tm revert ID` takes to undo it.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files to import: .tmx, .csv (a tolk memory file) or .tsv (source<TAB>target)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Read and report, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Add translations that differ from the memory's, and retire the old ones (kept as history)
    #[arg(long)]
    pub overwrite: bool,
    /// The language of the sources in TMX files (any region unless one is given)
    /// [default: the project's source_language, nb]
    #[arg(long, value_name = "CODE", value_parser = parse_language)]
    pub source_lang: Option<Language>,
    /// The language of the targets in TMX files: with a region (en-GB), a unit's
    /// variant of it is taken where it has one, else its variant without a region (en),
    /// else its others [default: the project's target_language]
    #[arg(long, value_name = "CODE", value_parser = parse_language)]
    pub target_lang: Option<Language>,
    #[command(flatten)]
    pub lock: ui::LockArgs,
}

/// Write the whole memory as TMX 1.4 or as one CSV file
///
/// TMX holds the translations in use: retired ones (the history `tm resolve`, `tm
/// revert` and `tm rm` keep) are left out unless --history. CSV holds every entry, the
/// retired ones with their `retired` column, as the memory itself does.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The format to write: TMX 1.4, or CSV with tolk's memory columns and every extra column
    /// [default: from the extension of --out, else tmx]
    #[arg(long, value_parser = writable_formats())]
    pub format: Option<String>,
    /// TMX: include retired translations, each with <prop type="x-tolk-retired"> (and x-tolk-retired-by)
    #[arg(long)]
    pub history: bool,
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
        TmCommand::History(args) => run_history(args, global),
        TmCommand::Resolve(args) => {
            let choice = match (args.keep, args.target) {
                (Some(n), _) => Choice::Number(n),
                (None, target) => Choice::Target(target.unwrap_or_default()),
            };
            let correction = Correction::Resolve(choice);
            run_correction(&args.source, &correction, args.dry_run, &args.lock, global)
        }
        TmCommand::Revert(args) => match ImportId::parse(&args.source) {
            Some(id) => run_revert_import(id, args.dry_run, &args.lock, global),
            None => run_correction(&args.source, &Correction::Revert, args.dry_run, &args.lock, global),
        },
        TmCommand::Rm(args) => {
            run_correction(&args.source, &Correction::Remove, args.dry_run, &args.lock, global)
        }
        TmCommand::Push(args) => run_push(args, global),
        TmCommand::Pull(args) => run_pull(args, global),
    }
}

/// `tm push URL`: the project's CSV memory into the server.
fn run_push(args: PushArgs, global: &Global) -> Result<ExitCode> {
    let server = ui::server(&args.url)?;
    // The CSV memory, even in a project whose memory is now the server.
    let memory = ui::load_csv(global, &global.memory)?;
    let store = ServerStore::new(server).lock_timeout(args.lock.lock_timeout);
    let spin = ui::spinner(global, &format!("pushing to {}", store.server().shown()));
    let pushed = tolk::memory::server::push(&store, &memory, args.dry_run)?;
    spin.finish_and_clear();
    if ui::chatty(global) {
        let verb = if args.dry_run { "would add" } else { "added" };
        let files = if pushed.new_files > 0 {
            format!(" ({} new there)", ui::count(pushed.new_files, "file"))
        } else {
            String::new()
        };
        let mut also = vec![format!("{} already there", pushed.present)];
        if pushed.restated > 0 {
            let verb = if args.dry_run { "would set" } else { "set" };
            also.push(format!(
                "{verb} {} retired or in use as the CSV memory has it (it changed them later)",
                ui::count(pushed.restated, "entry")
            ));
        }
        if pushed.newer_there > 0 {
            also.push(format!(
                "left {} as the server has it (changed there later)",
                ui::count(pushed.newer_there, "entry")
            ));
        }
        eprintln!(
            "{verb} {} of {} to {}{files}; {}",
            ui::count(pushed.added, "entry"),
            shown::path(&global.memory),
            store.server().shown(),
            also.join("; ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `tm pull URL`: the server's memory as CSV files.
fn run_pull(args: PullArgs, global: &Global) -> Result<ExitCode> {
    let server = ui::server(&args.url)?;
    let folder = args.out.clone().unwrap_or_else(|| global.memory.clone());
    let store = ServerStore::new(server);
    let chatty = ui::chatty(global);
    let notify = move |notice: &tolk::store::Notice| ui::tell(chatty, notice);
    let options = tolk::store::LockOptions { timeout: args.lock.lock_timeout, notify: &notify };
    let spin = ui::spinner(global, &format!("pulling from {}", store.server().shown()));
    let pulled = tolk::memory::server::pull(&store, &folder, &options, args.dry_run)?;
    spin.finish_and_clear();
    if chatty {
        let verb = if args.dry_run { "would write" } else { "wrote" };
        let written: Vec<String> = pulled.written.iter().map(|p| shown::path(p).to_string()).collect();
        let what = if written.is_empty() { "nothing".to_string() } else { written.join(", ") };
        eprintln!(
            "{verb} {what} from {} ({} there; {} already up to date)",
            store.server().shown(),
            ui::count(pulled.entries, "entry"),
            ui::count(pulled.unchanged.len(), "file")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One translation of a source as `tm history` and `tm conflicts` show it: its number,
/// `*` if used, the target, and what is known of it.
fn write_translation(
    out: &mut impl Write,
    number: usize,
    used: bool,
    e: &Entry,
    with_note: bool,
) -> io::Result<()> {
    let retired = match e.retired_by.as_str() {
        "" => e.retired.to_string(),
        by => format!("{} by {by}", e.retired),
    };
    let mut fields: Vec<(&str, &str)> = vec![
        ("changed", &e.changed),
        ("import", &e.import),
        ("retired", &retired),
        ("origin", &e.origin),
        ("by", &e.translator),
    ];
    if with_note {
        fields.push(("note", &e.note));
    }
    let about: Vec<String> = fields
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(label, value)| format!("{label} {}", shown::name(value)))
        .collect();
    let about = if about.is_empty() { String::new() } else { format!("  ({})", about.join(", ")) };
    writeln!(out, "  {number:>2} {} {}{about}", if used { "*" } else { " " }, shown::name(&e.target))
}

/// A translation as a JSON object, for `--json`.
fn translation_json(number: usize, used: bool, e: &Entry) -> serde_json::Value {
    serde_json::json!({
        "number": number, "target": e.target, "changed": e.changed, "retired": e.retired,
        "retired_by": e.retired_by, "import": e.import, "translator": e.translator, "origin": e.origin,
        "note": e.note, "used": used,
    })
}

fn run_history(args: HistoryArgs, global: &Global) -> Result<ExitCode> {
    let Some(source) = &args.source else {
        return list_imports(&ui::load(global, &global.memory)?, args.json, global);
    };
    let key = Key::parse(source);
    // Only the sentence's translations are read, when the memory is kept.
    let id = match &key {
        Key::Text(text) => SegmentId::of(text),
        Key::Id(id) => *id,
    };
    let memory = ui::load_for(global, || Ok(vec![id]))?;
    let history = history::history(&memory, &key).map_err(tolk::Error::from)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let id = SegmentId::of(&history.source).to_string();
    let numbered = history
        .entries
        .iter()
        .enumerate()
        .map(|(k, &i)| (k + 1, Some(i) == history.used, &memory.entries[i]));
    if args.json {
        let translations: Vec<serde_json::Value> =
            numbered.map(|(n, used, e)| translation_json(n, used, e)).collect();
        let record = serde_json::json!({ "source": history.source, "id": id, "translations": translations });
        serde_json::to_writer(&mut out, &record)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}  ({id})", shown::name(&history.source))?;
        for (n, used, e) in numbered {
            write_translation(&mut out, n, used, e, true)?;
        }
    }
    out.flush()?;
    if ui::chatty(global) {
        let retired = history.entries.iter().filter(|&&i| memory.entries[i].is_retired()).count();
        let used = if history.used.is_some() { "* marks the one used" } else { "none is in use" };
        eprintln!("{}, {retired} retired; {used}", ui::count(history.entries.len(), "translation"));
    }
    Ok(ExitCode::SUCCESS)
}

/// `tm history` without a sentence: the imports, newest first.
fn list_imports(memory: &tolk::memory::Memory, json: bool, global: &Global) -> Result<ExitCode> {
    let list = imports::imports(memory);
    let mut out = io::BufWriter::new(io::stdout().lock());
    for import in &list {
        let (added, in_use, retired) = (import.added.len(), import.in_use, import.retired.len());
        if json {
            let record = serde_json::json!({
                "id": import.id.to_string(), "at": import.id.at.to_string(), "added": added,
                "in_use": in_use, "retired": retired, "origins": import.origins,
                "translators": import.translators,
            });
            serde_json::to_writer(&mut out, &record)?;
            writeln!(out)?;
            continue;
        }
        let mut about = vec![format!("at {}", import.id.at)];
        let names =
            |list: &[String]| list.iter().map(|v| shown::name(v).to_string()).collect::<Vec<_>>().join(", ");
        if !import.origins.is_empty() {
            about.push(format!("origin {}", names(&import.origins)));
        }
        if !import.translators.is_empty() {
            about.push(format!("by {}", names(&import.translators)));
        }
        writeln!(
            out,
            "{}  {added} added ({in_use} in use), {retired} retired  ({})",
            import.id,
            about.join("; ")
        )?;
    }
    out.flush()?;
    if ui::chatty(global) {
        let hint = if list.is_empty() { "" } else { ", newest first; `tolk tm revert ID` undoes one" };
        eprintln!("{}{hint}", ui::count(list.len(), "import"));
    }
    Ok(ExitCode::SUCCESS)
}

/// How many sources `tm revert ID` names before "and N more".
const SOURCES_SHOWN: usize = 5;

/// `tm revert IMPORT-ID`: the memory is used as before that import.
fn run_revert_import(id: ImportId, dry_run: bool, lock: &ui::LockArgs, global: &Global) -> Result<ExitCode> {
    let now = Timestamp::now();
    // What it does, per source: the targets retired and put back.
    type Shown = (usize, usize, Vec<(String, Vec<String>, Vec<String>)>);
    let mut done: Option<Shown> = None;
    let mut more = 0;
    let written = ui::store(global, lock, false)?.update(
        &mut |memory| {
            let plan = imports::revert(memory, id, now).map_err(tolk::Error::from)?;
            let sources = plan.sources(memory);
            let targets = |entries: &[usize], source: &str| -> Vec<String> {
                let of = entries.iter().map(|&i| &memory.entries[i]).filter(|e| e.source == source);
                of.map(|e| format!("\"{}\"", shown::name(&e.target))).collect()
            };
            let lines = sources
                .iter()
                .take(SOURCES_SHOWN)
                .map(|&s| (s.to_string(), targets(&plan.retire, s), targets(&plan.restore, s)))
                .collect();
            done = Some((plan.retire.len(), plan.restore.len(), lines));
            if sources.len() > SOURCES_SHOWN {
                more = sources.len() - SOURCES_SHOWN;
            }
            Ok(Update { add: Vec::new(), changes: plan.changes })
        },
        dry_run,
    )?;
    if !dry_run && done.is_some() {
        ui::refresh_index(global);
    }
    let Some((retired, restored, lines)) = done else { return Ok(ExitCode::SUCCESS) };
    if !ui::chatty(global) {
        return Ok(ExitCode::SUCCESS);
    }
    let (retire, restore) =
        if dry_run { ("would retire", "would put back") } else { ("retired", "put back") };
    let files = written.files.iter().map(|f| shown::path(f).to_string()).collect::<Vec<_>>().join(", ");
    let written =
        if dry_run { " (dry run, nothing written)".to_string() } else { format!(" (written to {files})") };
    eprintln!(
        "import {id}{}: {retire} {} it added, {restore} {restored} it retired{written}",
        if dry_run { "" } else { " undone" },
        ui::count(retired, "translation"),
    );
    for (source, retired, restored) in lines {
        let mut what = Vec::new();
        if !retired.is_empty() {
            what.push(format!("{retire} {}", retired.join(", ")));
        }
        if !restored.is_empty() {
            what.push(format!("{restore} {}", restored.join(", ")));
        }
        eprintln!("  {}: {}", shown::name(&source), what.join("; "));
    }
    if more > 0 {
        eprintln!("  ... and {}", ui::plural(more, "more sentence", "more sentences"));
    }
    Ok(ExitCode::SUCCESS)
}

/// What `tm resolve`, `tm revert` and `tm rm` ask of the memory.
enum Correction {
    Resolve(Choice),
    Revert,
    Remove,
}

fn run_correction(
    source: &str,
    correction: &Correction,
    dry_run: bool,
    lock: &ui::LockArgs,
    global: &Global,
) -> Result<ExitCode> {
    let key = Key::parse(source);
    let now = Timestamp::now();
    let mut done: Option<(Plan, Vec<Entry>)> = None;
    let files = ui::store(global, lock, false)?.rewrite(
        &mut |memory| {
            let plan = match correction {
                Correction::Resolve(choice) => history::resolve(memory, &key, choice, now),
                Correction::Revert => history::revert(memory, &key, now),
                Correction::Remove => history::remove(memory, &key, now),
            }?;
            let entries = plan.history.entries.iter().map(|&i| memory.entries[i].clone()).collect();
            let changes = plan.changes.clone();
            done = Some((plan, entries));
            Ok(changes)
        },
        dry_run,
    )?;
    if !dry_run && done.is_some() {
        ui::refresh_index(global);
    }
    let Some((plan, entries)) = done else { return Ok(ExitCode::SUCCESS) };
    if !ui::chatty(global) {
        return Ok(ExitCode::SUCCESS);
    }
    // The plan names entries of the memory it was made on; `entries` are its history's.
    let text = |entry: usize| {
        let k = plan.history.number_of(entry).map_or(0, |n| n - 1);
        format!("\"{}\"", shown::name(&entries[k].target))
    };
    let what = match (plan.used, dry_run) {
        (Some(used), _) if plan.changes.is_empty() => {
            format!("{} is already the one used, and the only one in use; nothing to do", text(used))
        }
        (Some(used), false) => format!("uses {} from now on", text(used)),
        (Some(used), true) => format!("would use {} from now on", text(used)),
        (None, false) => "no longer translated".to_string(),
        (None, true) => "would no longer be translated".to_string(),
    };
    let retired: Vec<String> = plan.retired().map(text).collect();
    let retired = match (retired.is_empty(), dry_run) {
        (true, _) => String::new(),
        (false, false) => format!("; retired {}", retired.join(", ")),
        (false, true) => format!("; would retire {}", retired.join(", ")),
    };
    let written = match (dry_run, files.len()) {
        (_, 0) => String::new(),
        (true, _) => " (dry run, nothing written)".to_string(),
        (false, _) => format!(
            " (written to {})",
            files.iter().map(|f| shown::path(f).to_string()).collect::<Vec<_>>().join(", ")
        ),
    };
    eprintln!("{}: {what}{retired}{written}", shown::name(&plan.history.source));
    Ok(ExitCode::SUCCESS)
}

fn run_conflicts(args: ConflictsArgs, global: &Global) -> Result<ExitCode> {
    // Of a kept memory, only every translation of each sentence with two or more in use
    // is read; kept files found damaged or stale are made again, with a note.
    let (entries, _) = ui::load_entries(global)?;
    let (memory, _) = ui::narrow_reporting(global, &entries, &[], &mut [])?;
    let conflicts = memory.conflicting();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for ids in &conflicts {
        let source = &memory.entries[ids[0]].source;
        // Numbered as `tm history` numbers them, so `tm resolve --keep N` takes the number shown.
        let history = memory.history(source);
        let number = |i: usize| history.iter().position(|&h| h == i).map_or(0, |k| k + 1);
        let id = SegmentId::of(source).to_string();
        if args.json {
            let translations: Vec<serde_json::Value> = ids
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    let e = &memory.entries[i];
                    serde_json::json!({
                        "number": number(i), "target": e.target, "changed": e.changed, "origin": e.origin,
                        "translator": e.translator, "used": k == 0,
                    })
                })
                .collect();
            let record = serde_json::json!({ "source": source, "id": id, "translations": translations });
            serde_json::to_writer(&mut out, &record)?;
            writeln!(out)?;
            continue;
        }
        writeln!(out, "{}  ({id})", shown::name(source))?;
        for (k, &i) in ids.iter().enumerate() {
            write_translation(&mut out, number(i), k == 0, &memory.entries[i], false)?;
        }
    }
    out.flush()?;
    if !global.quiet {
        let n = conflicts.len();
        let hint = if n == 0 {
            ""
        } else {
            "; * marks the one used, and `tolk tm resolve SENTENCE --keep N` settles on one"
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
    skipped_codes: usize,
    skipped_retired: usize,
}

fn run_import(args: ImportArgs, global: &Global) -> Result<ExitCode> {
    // A Nynorsk project's TMX sources are Nynorsk; the targets the project's English,
    // where a unit has it, else any English (a memory from en-US work serves an en-GB
    // project where it has nothing else).
    let source_lang = args
        .source_lang
        .clone()
        .or_else(|| Language::parse(&global.project.config.source_language))
        .unwrap_or_else(Language::bokmal);
    let target_lang = args
        .target_lang
        .clone()
        .or_else(|| Language::parse(&global.project.config.target_language))
        .unwrap_or_else(Language::english);
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
            source: source_lang.clone(),
            target: target_lang.clone(),
            progress: Some(&progress),
            memory: Language::parse(&global.project.config.source_language),
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
        counts.skipped_codes += read.skipped_codes;
        counts.skipped_retired += read.skipped_retired;
        let unit = read.unit;
        incoming.extend(read.entries.into_iter().map(|entry| Incoming {
            origin: Origin { file: file.clone(), row: entry.row, unit, unit_id: None },
            entry,
        }));
    }
    // Sources another tool's rules cut where tolk's never do: named, not refused.
    let segmenter = ui::segmenter(global)?;
    for (file, message) in import::unended_sources(&segmenter, &incoming) {
        ui::warning(format_args!("{}: {message}", tolk::shown::path(&file)));
    }
    let options = MergeOptions {
        overwrite: args.overwrite,
        translator: None,
        dry_run: args.dry_run,
        foreign_sources: true,
    };
    let outcome = import::merge_into(&*ui::store(global, &args.lock, true)?, incoming, &options)?;
    if !args.dry_run && outcome.added + outcome.retired > 0 {
        ui::refresh_index(global);
    }
    for (file, message) in outcome.english_warnings() {
        ui::warning(format_args!("{}: {message}", tolk::shown::path(&file)));
    }
    ui::report_conflicts(&outcome.conflicts, args.overwrite, args.dry_run, "the file");
    ui::report_placed(&outcome.placed, args.dry_run, "the file");
    ui::report_within(&outcome.within, args.dry_run, "the file");
    if ui::chatty(global) {
        let what = ui::where_written(args.dry_run, outcome.added + outcome.retired);
        eprintln!(
            "{}{}, {}{}, {} with inline markup flattened, \
             {} skipped (empty source or target), {} skipped (codes differ from the source), \
             {} skipped (no {} and {} variant){} ({what} {})",
            ui::import_prefix(&outcome, args.dry_run),
            ui::added_unchanged(args.dry_run, outcome.added, outcome.unchanged),
            ui::conflicts_summary(outcome.conflicts.len(), args.overwrite, args.dry_run),
            ui::retired_count(&outcome, args.dry_run),
            counts.flattened,
            counts.skipped_empty,
            counts.skipped_codes,
            counts.skipped_language,
            source_lang,
            // Any region of it is taken.
            target_lang.language(),
            match counts.skipped_retired {
                0 => String::new(),
                n => format!(", {n} retired left out (history is not imported)"),
            },
            ui::written_to(&outcome)
        );
    }
    Ok(ui::import_exit(&outcome.conflicts, args.overwrite))
}

fn run_export(args: ExportArgs, global: &Global) -> Result<ExitCode> {
    let out = args.out.as_deref().filter(|o| o.as_os_str() != "-");
    let format = exchange::choose_writer(args.format.as_deref(), out)?;
    // Before the memory is read: an export over the memory is refused, not slow.
    if let Some(out) = out {
        ui::guard(global, None).check(out)?;
    }
    ui::memory_exists(global)?;
    let memory = ui::load(global, &global.memory)?;
    if args.history && format.name() != "tmx" {
        anyhow::bail!(
            "--history is for TMX: a {} export holds every entry, retired ones with their `retired` column, \
             already; leave out --history",
            format.name().to_uppercase()
        );
    }
    let memory = if args.history || format.name() != "tmx" { memory } else { memory.in_use() };
    // XML's language tags separate with `-` only (`en_GB` in tolk.toml is `en-GB`).
    let config = &global.project.config;
    let (source, target) =
        (config.source_language.trim().replace('_', "-"), config.target_language.trim().replace('_', "-"));
    let bytes = format.write(&memory, exchange::Languages { source: &source, target: &target })?;
    let to = match &args.out {
        Some(out) if out.as_os_str() != "-" => {
            ui::refuse_inside_corpus(global, &[], out, "the memory")?;
            tolk::store::write_output(out, &ui::guard(global, None), &bytes)
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
        eprintln!("the memory ({}) has no entries", tolk::shown::path(&global.memory));
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
