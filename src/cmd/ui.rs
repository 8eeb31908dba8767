//! What the binary shows a person besides data, all on stderr: progress bars (only on
//! a terminal, never with `--quiet`), summaries and conflicts (unless `--quiet`), and
//! colours on stdout (a terminal without `NO_COLOR`, or `--color always`) and on the
//! `error:` and `warning:` prefixes of stderr (a terminal without `NO_COLOR`). With
//! `--quiet`, warnings are counted, not shown, and the count is said in one line.

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tolk::document::{Document, EditionLanguage, ReadOptions, Unreadable};
use tolk::import::Conflict;
use tolk::index::cache::{self, Kept};
use tolk::index::{Damage, Index};
use tolk::memory::server::{Server, ServerStore};
use tolk::memory::{CsvStore, Memory, MemoryStore, Totals};
use tolk::segment::Segmenter;
use tolk::shown;
use tolk::store::Notice;

use super::Global;

/// Whether progress and summaries go to stderr.
pub fn chatty(global: &Global) -> bool {
    !global.quiet
}

/// A progress bar of `len` steps, drawn only on a terminal and without `--quiet`.
pub fn bar(global: &Global, len: u64, message: &str) -> ProgressBar {
    styled_bar(global, len, message, "{human_pos}/{human_len} ({rate}, {eta} left)")
}

/// A rate as a person reads it: whole steps a second (`89/s`, not `89.0406/s`).
fn rate(per_sec: f64) -> String {
    if per_sec.is_finite() && per_sec >= 0.0 {
        format!("{}/s", per_sec.round() as u64)
    } else {
        "…/s".to_string()
    }
}

/// A progress bar of `len` bytes, like [`bar`].
pub fn byte_bar(global: &Global, len: u64, message: &str) -> ProgressBar {
    styled_bar(global, len, message, "{bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)")
}

fn styled_bar(global: &Global, len: u64, message: &str, counts: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), draw_target(global));
    bar.set_style(
        ProgressStyle::with_template(&format!("{{msg:>12}} [{{bar:30}}] {counts}"))
            .expect("a valid template")
            .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&rate(state.per_sec()));
            })
            .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}

/// A spinner for work of unknown length.
pub fn spinner(global: &Global, message: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, draw_target(global));
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template"));
    bar.set_message(message.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn draw_target(global: &Global) -> ProgressDrawTarget {
    if global.quiet || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    }
}

/// Where the memory named by `--memory` and its index are kept: in the project's
/// `.tolk/cache/`, and only in a project (a `tolk.toml`), so a command run elsewhere
/// never leaves a `.tolk/` behind.
pub fn kept_files(global: &Global) -> Option<cache::Files> {
    let place = match &global.server {
        Some(server) => PathBuf::from(server.shown()),
        None => global.memory.clone(),
    };
    global.project.file().map(|_| cache::Files::new(&global.project.state_dir(), &place))
}

/// The server named by `url`, saying on stderr what a person should know about how
/// it was named (a password file others can read is not used).
pub fn server(url: &str) -> Result<Server> {
    let server = Server::parse(url)?;
    for warning in server.warnings() {
        self::warning(warning);
    }
    Ok(server)
}

/// The memory on the server `server` with its index: kept in the project's
/// `.tolk/cache/` and brought up to date with what was written since, or read whole
/// (outside a project, every time).
fn load_server(global: &Global, server: &Server) -> Result<(Memory, Index)> {
    let store = ServerStore::new(server.clone());
    let mut spin = Some(spinner(global, &format!("loading {}", server.shown())));
    let building = |entries| {
        if let Some(spin) = &spin {
            spin.set_message(format!("indexing {}", count(entries, "entry")));
        }
    };
    let (memory, index) = match kept_files(global) {
        Some(files) => {
            let loaded = cache::load_server(&store, &files, building);
            if let Some(spin) = spin.take() {
                spin.finish_and_clear();
            }
            match loaded {
                Ok((memory, index, kept)) => {
                    report_kept(global, Some(&files), &kept);
                    (memory, index)
                }
                // Offline: what was kept serves commands that read, and says so.
                Err(e @ tolk::Error::Server { unreachable: true, .. }) => {
                    let Some((memory, index, revision)) = cache::kept_server(&files) else {
                        return Err(e.into());
                    };
                    warning(format_args!(
                        "{e}; using the copy of its memory kept in {} (revision {}), which lacks anything \
                         written there since; commands that write need the server",
                        shown::path(files.memory.parent().unwrap_or(Path::new("."))),
                        revision.rev
                    ));
                    (memory, index)
                }
                Err(e) => return Err(e.into()),
            }
        }
        None => {
            let memory = store.snapshot()?;
            building(memory.entries.len());
            let index = tolk::index::IndexBuilder::build(&memory);
            (memory, index)
        }
    };
    if let Some(spin) = spin {
        spin.finish_and_clear();
    }
    Ok((memory, index))
}

/// Loads the memory named by `--memory` with its index: the ones kept in the project's
/// `.tolk/cache/` when they are whole and up to date, else read and built now (with a
/// spinner) and kept. Says on stderr, once, why kept files were not used, and when
/// nothing can be kept.
pub fn load_indexed(global: &Global) -> Result<(Memory, Index)> {
    if let Some(server) = &global.server {
        return load_server(global, server);
    }
    warn_open_in_spreadsheet(global, &global.memory);
    let files = kept_files(global).map(|files| settled(global, files));
    let mut spin = None;
    let (memory, index, kept) = cache::load(
        &global.memory,
        files.as_ref(),
        || load_csv(global, &global.memory),
        |entries| spin = Some(spinner(global, &format!("indexing {}", count(entries, "entry")))),
    )?;
    if let Some(spin) = spin {
        spin.finish_and_clear();
    }
    report_kept(global, files.as_ref(), &kept);
    Ok((memory, index))
}

/// Says on stderr (unless `--quiet`), in one line, why the kept files were not used,
/// or that nothing can be kept.
fn report_kept(global: &Global, files: Option<&cache::Files>, kept: &Kept) {
    if !chatty(global) {
        return;
    }
    let folder = files.and_then(|f| f.index.parent()).map(|f| shown::path(f).to_string()).unwrap_or_default();
    match kept {
        Kept::Opened | Kept::Unkept | Kept::Built { instead_of: None } => {}
        Kept::Built { instead_of: Some((_, Damage::Stale)) } => {
            eprintln!(
                "note: the memory changed since it was last kept in {folder}, or what is kept there is another \
                 memory's; read and indexed it again"
            )
        }
        Kept::Built { instead_of: Some((file, damage)) } => {
            // The changes a write kept are not made again: the memory is kept whole.
            let changes = files.is_some_and(|f| f.changes.contains(file));
            let then = if changes { "kept the memory again without it" } else { "made it again" };
            eprintln!("note: {} was not used, as {damage}; {then}", shown::path(file))
        }
        Kept::Diverged(diverged) => {
            if let Some(server) = &global.server {
                say_diverged(server.shown(), diverged);
            }
        }
        Kept::Unwritable { why, .. } => eprintln!(
            "note: the memory and its index cannot be kept in {folder} ({why}), so every command reads \
             and indexes the memory again; delete or repair {folder} to keep them"
        ),
    }
}

/// The memory named by `--memory` with its index, as [`load_indexed`] gives them, but
/// without reading the memory whole in a project: when they are not kept and up to
/// date, they are made again from the CSV files one entry at a time, so only the few
/// entries a command shows are ever held ([`cache::Entries::narrow`]), however large
/// the memory.
pub fn load_entries(global: &Global) -> Result<(cache::Entries, Index)> {
    if global.server.is_none() {
        warn_open_in_spreadsheet(global, &global.memory);
    }
    if let (Some(server), Some(files)) = (&global.server, kept_files(global)) {
        // Kept at the server's revision: opened, and only the entries shown are read.
        // Anything else (older, or the server unreachable) is load_indexed's to say.
        if let Ok(Some(kept)) = cache::open_server_kept(&ServerStore::new(server.clone()), &files) {
            return Ok(kept);
        }
    }
    let files = kept_files(global).filter(|_| global.server.is_none()).map(|files| settled(global, files));
    let Some(files) = files else {
        let (memory, index) = load_indexed(global)?;
        return Ok((cache::Entries::Whole(memory), index));
    };
    if let Some(kept) = cache::open(&global.memory, &files) {
        return Ok(kept);
    }
    if std::fs::symlink_metadata(&global.memory).is_ok() {
        let mut spin = None;
        let kept =
            cache::make(&global.memory, &files, || spin = Some(spinner(global, "indexing the memory")))
                .context("cannot load the translation memory")?;
        if let Some(spin) = spin {
            spin.finish_and_clear();
        }
        report_kept(global, Some(&files), &kept);
        if let Some(kept) = cache::open(&global.memory, &files) {
            return Ok(kept);
        }
    }
    // Nothing kept, and nothing more to say: the memory read whole for this command.
    let (memory, index, _) = cache::load(&global.memory, None, || load_csv(global, &global.memory), |_| {})?;
    Ok((cache::Entries::Whole(memory), index))
}

/// The memory `found` and `texts` need, from `entries` ([`cache::Entries::narrow`]);
/// should the kept entries turn out damaged as they are read, the memory is read from
/// its CSV files instead, with a note: the kept files are never what an answer rests
/// on alone.
pub fn narrow<'a>(
    global: &Global,
    entries: &'a cache::Entries,
    texts: &[&str],
    found: &mut [Vec<tolk::index::Match>],
) -> Result<std::borrow::Cow<'a, Memory>> {
    match entries.narrow(texts, found) {
        Ok(memory) => Ok(memory),
        Err(damage) => Ok(std::borrow::Cow::Owned(whole_instead(global, damage)?)),
    }
}

/// The whole memory, read again as the kept one could not be read for `damage`.
fn whole_instead(global: &Global, damage: Damage) -> Result<Memory> {
    if chatty(global) {
        eprintln!("note: the memory kept in .tolk/cache was not used, as {damage}; read the memory again");
    }
    match &global.server {
        Some(server) => Ok(load_server(global, server)?.0),
        None => load_csv(global, &global.memory),
    }
}

/// [`narrow`] for a report on the whole memory ([`cache::Entries::narrow_reporting`]):
/// also every translation of each sentence that may have competing translations, and
/// the whole memory's totals.
pub fn narrow_reporting<'a>(
    global: &Global,
    entries: &'a cache::Entries,
    texts: &[&str],
    found: &mut [Vec<tolk::index::Match>],
) -> Result<(std::borrow::Cow<'a, Memory>, Totals)> {
    match entries.narrow_reporting(texts, found) {
        Ok(narrowed) => Ok(narrowed),
        Err(damage) => {
            let memory = whole_instead(global, damage)?;
            let totals = Totals::of(&memory);
            Ok((std::borrow::Cow::Owned(memory), totals))
        }
    }
}

/// How long a command waits for the memory's index being kept in the background
/// before it goes on without it: more than keeping 10M entries takes.
pub const KEEPING_WAIT: Duration = Duration::from_secs(180);

/// The lock of the memory's kept files, taken by a command that has just written the
/// memory (see [`refresh_index_holding`]); `None` for a memory on a server, outside a
/// project, or while another command holds it.
pub fn keeping_lock(global: &Global) -> Option<std::fs::File> {
    if global.server.is_some() {
        return None;
    }
    // Taken by the write itself, before it put its files in place.
    let taken = KEEPING.lock().unwrap_or_else(|e| e.into_inner()).take();
    taken.or_else(|| kept_files(global).and_then(|files| cache::try_keeping(&files)))
}

/// The keeping lock a write to the project's memory takes before it puts its files in
/// place ([`cache::KeptCsv::holding`]), so that no reader finds the memory written
/// and nothing kept, nor anyone keeping it; [`keeping_lock`] hands it on.
static KEEPING: std::sync::LazyLock<Arc<Mutex<Option<std::fs::File>>>> =
    std::sync::LazyLock::new(Arc::default);

/// Brings the memory and index kept for the memory up to date after a command changed
/// the memory, so the next command opens them at once. Silent: a failure here only
/// means the next command makes them itself.
pub fn refresh_index(global: &Global) {
    refresh_index_holding(global, keeping_lock(global));
}

/// [`refresh_index`], with the keeping lock taken since the write ([`keeping_lock`]):
/// a CSV memory's files are made by a tolk of its own in the background, handed the
/// lock as its standard input, and this command returns; readers that find neither the
/// kept files nor the write's changes up to date wait for it ([`settled`]).
pub fn refresh_index_holding(global: &Global, lock: Option<std::fs::File>) {
    let Some(files) = kept_files(global) else { return };
    if let Some(server) = &global.server {
        // Only what this command wrote is read back.
        let spin = spinner(global, "indexing the memory");
        let _ = cache::load_server(&ServerStore::new(server.clone()), &files, |_| {});
        spin.finish_and_clear();
        return;
    }
    if keep_in_background(global, lock).is_ok() {
        return;
    }
    let spin = spinner(global, "indexing the memory");
    // Entry by entry: the memory just written is never held whole again.
    let _ = cache::make(&global.memory, &files, || {});
    spin.finish_and_clear();
}

/// Starts `tolk keep-index` for the project's memory, detached: with the keeping lock
/// when `lock` holds it, else to wait for the command that holds it now.
fn keep_in_background(global: &Global, lock: Option<std::fs::File>) -> std::io::Result<()> {
    use std::process::{Command, Stdio};
    let mut keeper = Command::new(std::env::current_exe()?);
    // One argument, so that a path beginning with `-` is no option.
    let mut memory = std::ffi::OsString::from("--memory=");
    memory.push(&global.memory);
    keeper.arg("--quiet").arg(memory).arg("keep-index");
    match lock {
        Some(lock) => keeper.arg("--locked").stdin(Stdio::from(lock)),
        None => keeper.stdin(Stdio::null()),
    };
    // Its own process group: a Ctrl-C meant for this command does not stop it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut keeper, 0);
    keeper.stdout(Stdio::null()).stderr(Stdio::null()).spawn().map(drop)
}

/// `files`, once what they keep is the memory as it is, or no command keeps them in
/// the background ([`keep_in_background`]): waits for that, with a spinner.
fn settled(global: &Global, files: cache::Files) -> cache::Files {
    // Kept files of the memory as it is, or the changes a write kept since, are the
    // memory as it is: nothing to wait for, nor once they are there (a write keeps
    // its changes right after its files).
    let current = || cache::current(&global.memory, &files);
    let mut spin = None;
    let waiting =
        || spin = Some(spinner(global, "waiting for the index a tolk in the background is keeping"));
    let settled = cache::wait_for_keeping(&files, KEEPING_WAIT, waiting, current);
    if let Some(spin) = spin {
        spin.finish_and_clear();
    }
    if !settled && chatty(global) {
        eprintln!(
            "note: the tolk keeping the memory's index in the background has not finished in {} minutes; \
             going on without waiting for it",
            KEEPING_WAIT.as_secs() / 60
        );
    }
    files
}

/// Refuses to go on where there is no project and no memory: no tolk.toml here or
/// above, no memory named with `--memory`, and no memory folder. A command that only
/// reads the memory would otherwise answer from an empty one ("no match", an empty
/// TMX) as if all were well.
pub fn memory_exists(global: &Global) -> Result<()> {
    let path = &global.memory;
    if global.server.is_none()
        && global.memory_flag.is_none()
        && global.project.file().is_none()
        && std::fs::symlink_metadata(path).is_err()
    {
        anyhow::bail!(
            "there is no tolk.toml here or in a folder above, and no {} folder: no memory to read; run tolk in \
             a project (`tolk init` makes one), or name a memory with --memory",
            shown::path(path)
        );
    }
    Ok(())
}

/// Loads the memory at `path`, with a spinner. The project's own memory (`memory/`
/// unless tolk.toml names another) that does not exist yet is simply empty, so a fresh
/// project can analyse and export before its first import; a memory named with
/// `--memory` must exist.
pub fn load(global: &Global, path: &Path) -> Result<Memory> {
    load_settled(global, path, true)
}

/// [`load`] for a command that holds the keeping lock itself ([`keeping_lock`]): it
/// does not wait for the memory's kept files.
pub fn load_now(global: &Global, path: &Path) -> Result<Memory> {
    load_settled(global, path, false)
}

/// Warns, once a command, of the memory's files a spreadsheet has open (its lock file
/// beside them): the memory is read as last saved, and a write to them is refused
/// until it is closed.
fn warn_open_in_spreadsheet(global: &Global, memory: &Path) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !chatty(global) || WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    for file in tolk::memory::csv_files(memory).unwrap_or_default() {
        if let Some(holder) = tolk::memory::store::open_in_spreadsheet(&file) {
            warning(format_args!(
                "{} is open in {holder}: read as last saved; close it there before tolk writes to the memory",
                shown::path(&file)
            ));
        }
    }
}

fn load_settled(global: &Global, path: &Path, wait: bool) -> Result<Memory> {
    if path == global.memory {
        if let Some(server) = &global.server {
            return Ok(load_server(global, server)?.0);
        }
        warn_open_in_spreadsheet(global, path);
        // The project's memory kept whole and up to date reads faster than its CSV files.
        let files = kept_files(global).map(|files| if wait { settled(global, files) } else { files });
        if let Some(files) = files {
            match cache::read_kept(path, &files) {
                Ok(memory) => return Ok(memory),
                Err(unused) => note_unused(global, unused),
            }
        }
    }
    load_csv(global, path)
}

/// The memory named by `--memory` as far as a command about the sentences `ids` gives
/// needs it: every translation of each ([`cache::KeptMemory::part`]), read from the
/// kept memory when it is the memory as it is, so that it costs those entries, not the
/// memory; else the whole memory, as [`load`] reads it. `ids` is asked only when the
/// kept memory can be read in part (a command that finds them by reading its documents
/// reads them twice then, and never holds the memory whole).
pub fn load_for(global: &Global, ids: impl FnOnce() -> Result<Vec<tolk::text::SegmentId>>) -> Result<Memory> {
    if global.server.is_none() {
        warn_open_in_spreadsheet(global, &global.memory);
        let files = kept_files(global).map(|files| settled(global, files));
        if let Some(files) = files {
            match cache::open_memory(&global.memory, &files) {
                Ok(kept) => match kept.part(&ids()?, []) {
                    Ok((memory, _)) => return Ok(memory),
                    Err(damage) => return whole_instead(global, damage),
                },
                Err(unused) => {
                    note_unused(global, unused);
                    return load_csv(global, &global.memory);
                }
            }
        }
    }
    // Waited for a keeper already, when there was one.
    load_now(global, &global.memory)
}

/// Says on stderr (unless `--quiet`) why the memory kept was not read, when there is
/// something to say: the command then reads the CSV files, and the next command that
/// searches the memory makes the kept files again.
fn note_unused(global: &Global, unused: cache::Unused) {
    if let Some((file, damage)) = unused.filter(|_| chatty(global)) {
        say_unused(&file, &damage);
    }
}

/// The note of [`note_unused`], said once a command for each file: a command that
/// reads the memory twice (a write, then its batches) finds the same damage twice.
fn say_unused(file: &Path, damage: &tolk::cache_file::Damage) {
    static SAID: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    // A note, as `report_kept`'s are: none with `--quiet`.
    if !said.iter().any(|f| f == file) && !QUIET.load(Ordering::Relaxed) {
        said.push(file.to_path_buf());
        eprintln!(
            "note: {} was not used, as {damage}; read the memory's CSV files instead (the next search, \
             such as `tolk lookup` or `tolk analyze`, makes it again)",
            shown::path(file)
        );
    }
}

/// The memory at `path` read from its CSV files, with a spinner (see [`load`]).
pub fn load_csv(global: &Global, path: &Path) -> Result<Memory> {
    let spin = spinner(global, &format!("loading {}", shown::path(path)));
    let own = global.memory_flag.is_none() && path == global.memory;
    let memory = if own { Memory::load_or_empty(path) } else { Memory::load(path) }
        .context("cannot load the translation memory")?;
    spin.finish_and_clear();
    Ok(memory)
}

/// The segmenter: the built-in Norwegian rules, or the file named by `--rules`, read as
/// SRX when it is one (a `.srx` file, or one starting with `<`).
pub fn segmenter(global: &Global) -> Result<Segmenter> {
    match &global.rules {
        None => Ok(Segmenter::default()),
        Some(path) => Ok(Segmenter::from_file(path)?),
    }
}

/// `n` and the noun that goes with it: `plural(1, "segment has", "segments have")` is
/// "1 segment has", any other number takes `many`. Every count tolk prints goes through
/// here or [`count`], so none says "1 conflicts".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `n` and a regular English noun: "1 conflict", "2 conflicts", "1 entry", "3 entries".
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {}", self::noun(n, noun))
}

/// The form of the regular English `noun` that goes with `n`, without the number, for
/// tables that align the numbers on their own.
pub fn noun(n: usize, noun: &str) -> String {
    if n == 1 {
        return noun.to_string();
    }
    match noun.strip_suffix('y').filter(|stem| !stem.ends_with(['a', 'e', 'i', 'o', 'u'])) {
        Some(stem) => format!("{stem}ies"),
        None => format!("{noun}s"),
    }
}

/// The start of an import's summary: "2 added, 1 unchanged", or in a dry run, which
/// writes nothing, "would add 2, would leave 1 unchanged".
pub fn added_unchanged(dry_run: bool, added: usize, unchanged: usize) -> String {
    if dry_run {
        format!("would add {added}, would leave {unchanged} unchanged")
    } else {
        format!("{added} added, {unchanged} unchanged")
    }
}

/// How an import's summary says where its entries went: written, nothing new, or a dry
/// run that wrote nothing.
pub fn where_written(dry_run: bool, added: usize) -> &'static str {
    match (dry_run, added) {
        (true, _) => "dry run, nothing written to",
        (false, 0) => "nothing new for",
        (false, _) => "written to",
    }
}

/// How an import's summary begins: `import i20261130-061500: ` when it changed the
/// memory; nothing for a dry run or an import that changed nothing.
pub fn import_prefix(outcome: &tolk::import::Outcome, dry_run: bool) -> String {
    match outcome.import {
        Some(id) if !dry_run => format!("import {id}: "),
        _ => String::new(),
    }
}

/// `, 2 retired` (`, would retire 2`) when `--overwrite` retired translations it replaced.
pub fn retired_count(outcome: &tolk::import::Outcome, dry_run: bool) -> String {
    match (outcome.retired, dry_run) {
        (0, _) => String::new(),
        (n, false) => format!(", {n} retired"),
        (n, true) => format!(", would retire {n}"),
    }
}

/// The files an import wrote (or would write), or where new entries go when none.
pub fn written_to(outcome: &tolk::import::Outcome) -> String {
    if outcome.files.is_empty() {
        return tolk::shown::path(&outcome.written).to_string();
    }
    outcome.files.iter().map(|f| tolk::shown::path(f).to_string()).collect::<Vec<_>>().join(", ")
}

/// Lists the conflicts of an import on stderr: what the memory says, what `incoming`
/// (the batch, the file) says, and what became (or, in a dry run, would become) of it.
/// The exit code of an import that wrote (or, dry, would write) what it could but
/// refused a translation for conflicting with the memory's: not 0, so that a script
/// learns a correction was dropped, and not 1, which means nothing was written.
pub const CONFLICT_REFUSED: u8 = 3;

/// The exit code of an import that ended without an error: [`CONFLICT_REFUSED`] when
/// it refused a conflicting translation (no `--overwrite`), else success.
pub fn import_exit(conflicts: &[Conflict], overwrite: bool) -> std::process::ExitCode {
    match !conflicts.is_empty() && !overwrite {
        true => std::process::ExitCode::from(CONFLICT_REFUSED),
        false => std::process::ExitCode::SUCCESS,
    }
}

/// `1 conflict (refused)`, `2 conflicts (added)` as an import's summary says them.
pub fn conflicts_summary(conflicts: usize, overwrite: bool, dry_run: bool) -> String {
    let what = match (conflicts, overwrite, dry_run) {
        (0, _, _) => "",
        (_, true, false) => " (added)",
        (_, true, true) => " (would be added)",
        (_, false, false) => " (refused)",
        (_, false, true) => " (would be refused)",
    };
    format!("{}{what}", count(conflicts, "conflict"))
}

pub fn report_conflicts(conflicts: &[Conflict], overwrite: bool, dry_run: bool, incoming: &str) {
    let verb = match (overwrite, dry_run) {
        (true, false) => "now the one used (the old one is retired, kept in `tolk tm history`)",
        (true, true) => "would be the one used (the old one would be retired, kept as history)",
        (false, false) => "refused (use --overwrite to add it)",
        (false, true) => "would be refused (use --overwrite to add it)",
    };
    for c in conflicts {
        // Two translations that look the same on a terminal would leave the reader
        // guessing what to resolve: where they differ unseen is said.
        let unseen =
            shown::invisible_difference("the memory's", &format!("{incoming}'s"), &c.existing, &c.incoming)
                .map(|d| format!(" (they differ where it cannot be seen: {d})"))
                .unwrap_or_default();
        eprintln!(
            "conflict: {}: the memory translates {} as {}, {incoming} as {}{unseen}: {verb}",
            c.origin,
            shown::quoted(&c.source),
            shown::quoted(&c.existing),
            shown::quoted(&c.incoming)
        );
    }
}

/// Says which rows were added beside a translation made for another place: they are no
/// conflict (each is used between its own neighbours), but elsewhere the newest is used.
pub fn report_placed(placed: &[Conflict], dry_run: bool, incoming: &str) {
    let verb = if dry_run { "would be added" } else { "added" };
    for c in placed {
        warning(format_args!(
            "{}: {incoming} translates {} as {} between other sentences than the memory's {}: \
             {verb} beside it, each used in its own place and the newest elsewhere (`tolk tm history` lists \
             both; `tolk tm resolve` keeps one)",
            c.origin,
            shown::quoted(&c.source),
            shown::quoted(&c.incoming),
            shown::quoted(&c.existing)
        ));
    }
}

/// Tells of the sentences an import added two or more translations of (see
/// [`tolk::import::Outcome::within`]): the first, and how many more, once.
pub fn report_within(within: &[Conflict], dry_run: bool, incoming: &str) {
    let Some(c) = within.first() else { return };
    let mut sentences: Vec<&str> = within.iter().map(|c| c.source.as_str()).collect();
    sentences.sort_unstable();
    sentences.dedup();
    let more = match sentences.len() {
        1 => String::new(),
        n => format!(" (and {})", plural(n - 1, "more sentence", "more sentences")),
    };
    let verb = if dry_run { "would be added" } else { "were added" };
    warning(format_args!(
        "{}: {incoming} translates {} both as {} and as {}{more}: both {verb}, so the memory \
         has competing translations (the newest is used; `tolk tm conflicts` lists them, `tolk tm resolve` \
         keeps one)",
        c.origin,
        shown::quoted(&c.source),
        shown::quoted(&c.existing),
        shown::quoted(&c.incoming)
    ));
}

/// Prints `message` on stderr after an `error:` prefix, red on a terminal.
pub fn error(message: impl std::fmt::Display) {
    // Not eprintln!, which panics when stderr is closed: the error is lost, not doubled.
    let _ = writeln!(std::io::stderr(), "{} {message}", prefix("error:", "\x1b[1;31m"));
}

/// Whether warnings are held back (`--quiet`, set once by [`super::main`]), and how
/// many were: a warning is no data and no error, so `--quiet` counts them and says so
/// in one line at the end ([`held_warnings`]), the same in every command.
static QUIET: AtomicBool = AtomicBool::new(false);
static HELD: AtomicUsize = AtomicUsize::new(0);

/// Holds every later warning back when `quiet`.
pub fn hold_warnings(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// The one line for the warnings `--quiet` held back, if any, so none goes unnoticed.
pub fn held_warnings() {
    let held = HELD.load(Ordering::Relaxed);
    if held > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "{} {} not shown (--quiet); run the command again without --quiet to see {}",
            prefix("warning:", "\x1b[1;33m"),
            plural(held, "warning", "warnings"),
            if held == 1 { "it" } else { "them" }
        );
    }
}

/// Prints `message` on stderr after a `warning:` prefix, yellow on a terminal; with
/// `--quiet`, only counts it ([`held_warnings`]).
pub fn warning(message: impl std::fmt::Display) {
    if QUIET.load(Ordering::Relaxed) {
        HELD.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let _ = writeln!(std::io::stderr(), "{} {message}", prefix("warning:", "\x1b[1;33m"));
}

/// `label` in bold `colour` when stderr is coloured, else as it is.
fn prefix(label: &str, colour: &str) -> String {
    let stderr = std::io::stderr().is_terminal();
    if color_stderr(stderr, std::env::var_os("NO_COLOR").as_deref()) {
        format!("{colour}{label}\x1b[0m")
    } else {
        label.to_string()
    }
}

/// Whether to colour stderr's prefixes: only on a terminal, and never when `NO_COLOR`
/// is set (to anything: <https://no-color.org> asks only that it be present), so a
/// pipe, a log file or a test never gets escape codes.
fn color_stderr(is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    is_terminal && no_color.is_none()
}

/// Whether to colour stdout: `--color`, else a terminal without `NO_COLOR`.
pub fn color_stdout(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// When to colour output.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set
    #[default]
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// The options of commands that write the memory.
#[derive(Debug, Clone, clap::Args)]
pub struct LockArgs {
    /// Give up after waiting this many seconds for another tolk that is writing the
    /// memory (nothing is written; exit code 1) [default: wait until it has finished]
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub lock_timeout: Option<Duration>,
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .and_then(|n| Duration::try_from_secs_f64(n).ok())
        .ok_or_else(|| format!("expected a number of seconds, 0 or more, such as 30 or 0.5, found {s:?}"))
}

/// The memory named by `--memory` as a store to write, waiting for its lock as `lock`
/// says, and saying on stderr (unless `--quiet`) that it waits and what it cleaned. The
/// project's own memory is made on the first write, and so is one named with --memory
/// when `create` (`tm import` building a memory from TMX); otherwise a memory named
/// with --memory must exist, so a mistyped path never starts a stray memory.
pub fn store(global: &Global, lock: &LockArgs, create: bool) -> Result<Box<dyn MemoryStore>> {
    let chatty = chatty(global);
    if let Some(server) = &global.server {
        let mut store = ServerStore::new(server.clone()).lock_timeout(lock.lock_timeout);
        if let Some(files) = kept_files(global) {
            // A write starts from the kept copy and reads only what changed since.
            store = store.base(move || cache::kept_server_memory(&files));
        }
        return Ok(Box::new(store.notify(move |notice| tell(chatty, notice))));
    }
    if !create && global.memory_flag.is_some() && std::fs::symlink_metadata(&global.memory).is_err() {
        anyhow::bail!(
            "{}: no such memory; check the path, or make an empty one first (a CSV file with the header \
             `source,target`), or leave --memory out to use the project's",
            shown::path(&global.memory)
        );
    }
    let mut store = CsvStore::new(&global.memory);
    if let Some(files) = kept_files(global) {
        // A write starts from the kept memory when it is the memory as it is.
        store = store.kept(cache::KeptCsv::new(&global.memory, files).holding(KEEPING.clone()));
    }
    Ok(Box::new(store.lock_timeout(lock.lock_timeout).notify(move |notice| tell(chatty, notice))))
}

/// Says on stderr (when `chatty`) what a store tells: that it waits for the memory's
/// lock and for whom, that it removed files a killed writer left.
pub fn tell(chatty: bool, notice: &Notice) {
    if !chatty {
        return;
    }
    match notice {
        Notice::Waiting { lock, holder } => eprintln!(
            "waiting for the memory's lock {}: held by {holder}; tolk goes on when it is free \
             (--lock-timeout sets how long to wait)",
            shown::path(lock)
        ),
        Notice::RemovedStale { folder, count } => eprintln!(
            "removed {} that an interrupted import left in {}",
            self::count(*count, "temporary file"),
            shown::path(folder)
        ),
        Notice::KeptUnused { file, damage } => say_unused(file, damage),
        Notice::Diverged { server, diverged } => say_diverged(&server.to_string_lossy(), diverged),
    }
}

/// Says that the copy of the server's memory kept in the project was not used, as the
/// server's history does not continue it, once a command: a write that found it so
/// keeps the memory it read, and the next command finds it again before that.
fn say_diverged(server: &str, diverged: &tolk::memory::server::Diverged) {
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !SAID.swap(true, std::sync::atomic::Ordering::Relaxed) && !QUIET.load(Ordering::Relaxed) {
        eprintln!(
            "note: the copy of the memory on {server} kept in .tolk/cache was not used, as {diverged}; read the \
             memory whole again"
        );
    }
}

/// What no file this command writes may replace or add to: the memory in use and the
/// project's, and the corpus's `documents` (the project's corpus, listed, when `None`).
pub fn guard(global: &Global, documents: Option<&[PathBuf]>) -> tolk::store::Guard {
    let listed;
    let documents = match documents {
        Some(documents) => documents,
        None => {
            // A corpus that cannot be listed has no document to guard.
            listed = tolk::corpus::list_filtered(&global.project.corpus(), global.project.filter())
                .map(|l| l.files)
                .unwrap_or_default();
            &listed
        }
    };
    tolk::store::Guard::default()
        .memory(&global.memory)
        .memory(&global.project.memory())
        .documents(documents.iter().map(PathBuf::as_path))
}

/// The hint after the warnings of files kept beside the documents: how to keep them
/// there without a warning, every pattern once, in the order met (`[corpus] exclude =
/// ["*.png", "*.jpg"]`, not only the first kind skipped); `None` for no pattern.
fn exclude_hint<'p>(patterns: impl Iterator<Item = &'p String>, toml: Option<&Path>) -> Option<String> {
    let mut all: Vec<&str> = Vec::new();
    for pattern in patterns {
        if !all.contains(&pattern.as_str()) {
            all.push(pattern);
        }
    }
    let file = toml.map_or_else(|| "tolk.toml".into(), |f| shown::path(f).to_string());
    let (such, them) = if all.len() == 1 { ("such a file", "it") } else { ("such files", "them") };
    let listed: Vec<String> = all.iter().map(|p| shown::quoted(p).to_string()).collect();
    (!all.is_empty()).then(|| {
        format!(
            "  (to keep {such} beside the documents without this warning, exclude {them} in {file}: [corpus] \
             exclude = [{}])",
            listed.join(", ")
        )
    })
}

/// The documents named by `paths` (folders walked, as the project's patterns say), or
/// with no paths the project's corpus, each with its name, saying on stderr which files
/// of a folder are skipped and why.
pub fn corpus_files(global: &Global, paths: &[PathBuf]) -> Result<Vec<(PathBuf, String)>> {
    let corpus;
    let paths = if paths.is_empty() {
        corpus = global.project.corpus();
        // The project's own corpus folder that is not there yet: say where it comes
        // from and what to do, not only that it does not exist.
        if let Some(missing) = corpus.iter().find(|p| std::fs::symlink_metadata(p).is_err()) {
            let what = match global.project.file() {
                Some(file) => {
                    format!(
                        "the corpus folder {} named in {} does not exist",
                        shown::path(missing),
                        shown::path(file)
                    )
                }
                None => format!(
                    "there is no tolk.toml here or in a folder above, and no {} folder",
                    shown::path(missing)
                ),
            };
            anyhow::bail!(
                "{what}; put the Norwegian documents in {} (`tolk init` makes a project), or name files or \
                 folders on the command line",
                shown::path(missing)
            );
        }
        &corpus
    } else {
        paths
    };
    let listing = tolk::corpus::list_filtered(paths, global.project.filter())?;
    for skipped in listing.skipped.iter().filter(|s| !s.named) {
        warning(format_args!("skipped {}: {}", shown::path(&skipped.path), skipped.reason));
    }
    // A file kept beside the documents on purpose (a PDF of the layout, notes) need not
    // be warned of in every command.
    // Only for a file of another kind (a PDF, an old .doc): a broken link or a pipe is
    // something to mend, not to keep.
    let kept = listing.skipped.iter().filter_map(|s| {
        s.exclude.as_ref().filter(|_| !s.named && std::fs::metadata(&s.path).is_ok_and(|m| m.is_file()))
    });
    if chatty(global) && !listing.files.is_empty() {
        if let Some(hint) = exclude_hint(kept, global.project.file()) {
            let _ = writeln!(std::io::stderr(), "{hint}");
        }
    }
    // A file asked for by name that tolk cannot read is an error, not a warning over an
    // empty result.
    if let Some(named) = listing.skipped.iter().find(|s| s.named) {
        anyhow::bail!("{}: {}", shown::path(&named.path), named.reason);
    }
    // Folders of nothing tolk reads: no command would have anything to say of them but
    // what reads as success (every sentence translated, no edition to write).
    if listing.files.is_empty() && !listing.skipped.is_empty() {
        let folders: Vec<String> = paths
            .iter()
            .map(|p| {
                let p = shown::path(p).to_string();
                if p.ends_with('/') {
                    p
                } else {
                    format!("{p}/")
                }
            })
            .collect();
        let names: Vec<String> = listing
            .skipped
            .iter()
            .take(3)
            .map(|s| {
                s.path.file_name().map_or_else(
                    || shown::path(&s.path).to_string(),
                    |n| shown::name(&n.to_string_lossy()).to_string(),
                )
            })
            .collect();
        let more = if listing.skipped.len() > 3 { ", …" } else { "" };
        anyhow::bail!(
            "no documents tolk reads in {} ({} skipped: {}{more}; each warning above says why and what to do)",
            folders.join(", "),
            listing.skipped.len(),
            names.join(", ")
        );
    }
    for pattern in &listing.unused_patterns {
        let file = global.project.file().map_or_else(|| "tolk.toml".into(), |f| shown::path(f).to_string());
        warning(format_args!(
            "{file}: the {pattern} matched no file; patterns match the path inside the corpus folder \
             (`NOTES.md`, `drafts/**`), without the folder's own name"
        ));
    }
    Ok(listing.files.into_iter().zip(listing.names).collect())
}

/// Refuses to write `what` (`the batch`) to `out` inside a corpus folder (the project's,
/// or a folder of `paths`, the command's own): the next command would read it as a
/// document. The message says where to write it instead: the project's batch folder,
/// unless the corpus holds that too (a corpus of the whole project folder), where
/// nothing is refused.
pub fn refuse_inside_corpus(global: &Global, paths: &[PathBuf], out: &Path, what: &str) -> Result<()> {
    let mut folders = global.project.corpus();
    folders.extend(paths.iter().filter(|p| p.is_dir()).cloned());
    let Some(folder) = tolk::corpus::folder_holding(&folders, out) else { return Ok(()) };
    let instead = global.project.batch_folder().join(out.file_name().unwrap_or_default());
    if tolk::corpus::folder_holding(&folders, &instead).is_some() {
        return Ok(());
    }
    anyhow::bail!(
        "will not write {what} to {}: it is inside the corpus folder {}, where every command after would read it \
         as a document; name a file outside it, such as {}; nothing was written",
        shown::path(out),
        shown::path(folder),
        shown::path(&instead)
    )
}

/// Reads and segments the document at `path`, named `name`, as the project says
/// (which front-matter keys are text, and the language its edition is marked with).
pub fn read(global: &Global, path: &Path, name: String, segmenter: &Segmenter) -> Result<Document> {
    let config = &global.project.config;
    let options = ReadOptions {
        front_matter_text: config.markdown.front_matter_text.clone(),
        edition: EditionLanguage::parse(&config.target_language).unwrap_or_default(),
    };
    let doc = Document::read_as_with(path, name, segmenter, &options)?;
    if !doc.unread.is_empty() {
        let mut told = TOLD.lock().unwrap_or_else(|p| p.into_inner());
        if !told.iter().any(|p| p == path) {
            told.push(path.to_path_buf());
            for unread in &doc.unread {
                warning(format_args!("{}, line {}: {}", shown::path(path), unread.line, unread.why));
            }
        }
    }
    Ok(doc)
}

/// The documents whose unread text [`read`] has told of, once a run.
static TOLD: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Reads and segments the document at `path` as [`read`] does; a document that cannot
/// be read (a Word file with tracked changes, a damaged one) is left out with a warning
/// that says why, once however often it is read, so that one document does not stop a
/// command for all the others: `None` then. `build` fails in the end for it, as it has
/// no edition ([`unread`]).
pub fn read_or_skip(global: &Global, path: &Path, name: String, segmenter: &Segmenter) -> Option<Document> {
    read_or_unreadable(global, path, name, segmenter).ok()
}

/// [`read_or_skip`], telling of a document left out as an [`Unreadable`], for a report
/// that names it.
pub fn read_or_unreadable(
    global: &Global,
    path: &Path,
    name: String,
    segmenter: &Segmenter,
) -> std::result::Result<Document, Unreadable> {
    match read(global, path, name.clone(), segmenter) {
        Ok(doc) => Ok(doc),
        Err(e) => {
            let why = format!("{e:#}");
            let mut warned = UNREAD.lock().unwrap_or_else(|p| p.into_inner());
            if !warned.iter().any(|p| p == path) {
                warned.push(path.to_path_buf());
                warning(format_args!("{why}; left out until that is done"));
            }
            Err(Unreadable { name, why })
        }
    }
}

/// The documents [`read_or_skip`] left out.
static UNREAD: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// How many documents [`read_or_skip`] has left out in this run.
pub fn unread() -> usize {
    UNREAD.lock().unwrap_or_else(|p| p.into_inner()).len()
}

/// Reads and segments the documents named by `paths`, as [`corpus_files`] lists them,
/// leaving out those that cannot be read ([`read_or_skip`]).
pub fn documents_or_skip(global: &Global, paths: &[PathBuf], segmenter: &Segmenter) -> Result<Vec<Document>> {
    Ok(corpus_files(global, paths)?
        .into_iter()
        .filter_map(|(p, name)| read_or_skip(global, &p, name, segmenter))
        .collect())
}

/// Reads and segments the documents named by `paths`, as [`corpus_files`] lists them.
pub fn documents(global: &Global, paths: &[PathBuf], segmenter: &Segmenter) -> Result<Vec<Document>> {
    corpus_files(global, paths)?.into_iter().map(|(p, name)| read(global, &p, name, segmenter)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_rates_are_whole_numbers() {
        assert_eq!(rate(89.0406), "89/s");
        assert_eq!(rate(0.4), "0/s");
        assert_eq!(rate(1234.5), "1235/s");
        assert_eq!(rate(f64::NAN), "…/s");
    }

    #[test]
    fn counts_take_the_plural_after_any_number_but_one() {
        let cases = [
            (0, "conflict", "0 conflicts"),
            (1, "conflict", "1 conflict"),
            (2, "conflict", "2 conflicts"),
            (1, "query", "1 query"),
            (5, "query", "5 queries"),
            (1, "entry", "1 entry"),
            (0, "entry", "0 entries"),
            (2, "day", "2 days"),
            (2, "temporary file", "2 temporary files"),
        ];
        for (n, noun, expected) in cases {
            assert_eq!(count(n, noun), expected, "{n} {noun}");
        }
        assert_eq!(plural(1, "segment has", "segments have"), "1 segment has");
        assert_eq!(plural(3, "segment has", "segments have"), "3 segments have");
    }

    #[test]
    fn stderr_is_coloured_only_on_a_terminal_without_no_color() {
        use std::ffi::OsStr;
        assert!(color_stderr(true, None));
        assert!(!color_stderr(false, None), "piped");
        assert!(!color_stderr(true, Some(OsStr::new("1"))), "NO_COLOR=1");
        assert!(!color_stderr(true, Some(OsStr::new(""))), "NO_COLOR set, even empty");
        assert!(!color_stderr(false, Some(OsStr::new("1"))));
    }

    #[test]
    fn a_dry_run_says_what_it_would_do() {
        assert_eq!(added_unchanged(false, 1, 0), "1 added, 0 unchanged");
        assert_eq!(added_unchanged(true, 63, 2), "would add 63, would leave 2 unchanged");
    }
}
