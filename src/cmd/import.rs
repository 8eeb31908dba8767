//! `tolk import`: take translators' filled-in batches back into the memory.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use std::collections::HashSet;

use tolk::import::{self, Known, MergeOptions, Origin, RowOrLine};
use tolk::ledger::{Belongs, Ledger};
use tolk::text::SegmentId;
use tolk::timestamp::Timestamp;

use super::ui;
use super::Global;

/// Import translated batches into the memory
///
/// Every row is checked first: the id must be one `tolk export` issued for this
/// corpus, the source must be unchanged, and one id has one translation. If any row is
/// wrong nothing is written, every problem is listed, and the exit code is 1 (with
/// --skip-invalid the rest is imported). Rows with an empty target are skipped (not
/// translated yet), and so are XLIFF targets whose state is `new` or
/// `needs-translation`, unless the unit is approved (`approved="yes"`); a target awaiting
/// review (`needs-review-translation`) is imported and named. A translation
/// that differs from the memory's is a conflict, refused unless --overwrite (which
/// retires the old one, kept as history): the other rows are imported, the summary
/// counts it as refused, and the exit code is 3, so a script learns a correction was
/// dropped.
///
/// A row whose sentence the editor changed after the export is refused with what the
/// document now reads; --from-batch stores it for the sentence as the batch exported
/// it. The batch a file belongs to is then closed, and what it left untranslated can
/// go in the next export (`tolk status` shows what is still out).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Translated batch files: XLSX, ODS (LibreOffice's own format) or CSV as a
    /// spreadsheet saves it, or XLIFF 1.2 from a CAT tool (.xlf, .xliff, .xml, or any file
    /// that starts like XML)
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
    /// Make translations that differ from the memory's the ones used; the old ones are
    /// retired (kept as history: `tolk tm revert` with this import's id undoes it)
    #[arg(long)]
    pub overwrite: bool,
    /// Also import XLIFF targets whose state says they are not translated yet (`new`,
    /// `needs-translation`), such as drafts a CAT tool left unconfirmed, and targets
    /// still the fuzzy suggestion `export --prefill` put there, unreviewed
    #[arg(long)]
    pub take_drafts: bool,
    /// Also import targets that are still the copies of their sources an XLIFF batch
    /// exported with --copy-source wrote: names and titles that stay the same in
    /// English (otherwise they are not translated yet, and go in the next batch)
    #[arg(long)]
    pub take_copies: bool,
    /// The corpus the batch was made from, a folder or file; repeat for more [default:
    /// the project's corpus]
    #[arg(long, value_name = "PATH")]
    pub corpus: Vec<PathBuf>,
    /// Store rows whose sentence the corpus no longer has (the editor changed it after
    /// the export) for the sentence as their batch exported it
    #[arg(long)]
    pub from_batch: bool,
    #[command(flatten)]
    pub lock: ui::LockArgs,
}

pub fn run(mut args: Args, global: &Global) -> Result<ExitCode> {
    // Excel's owner file of a workbook open there (`~$b.xlsx`, which `returned/*.xlsx`
    // takes too) is no batch; a workbook open in a spreadsheet may lack edits not saved.
    let mut file_warnings = 0;
    let named = args.files.len();
    let mut owner_files = Vec::new();
    args.files.retain(|file| match tolk::batch::locks::office_owner_file(file) {
        Some(lock) => {
            let by = lock.owner.as_deref().map(|o| format!(" by {o}")).unwrap_or_default();
            let what = match &lock.workbook {
                Some(workbook) => format!(
                    "the lock file Excel keeps while {0} is open{by}, not a batch; edits not saved in Excel are not \
                     in {0}, nor imported: save them and import it again",
                    tolk::shown::path(workbook)
                ),
                None => "a lock file Excel or Word keeps while a file is open, not a batch".to_string(),
            };
            ui::warning(format!("skipped {}: {what}", tolk::shown::path(file)));
            owner_files.push(file.clone());
            false
        }
        None => true,
    });
    file_warnings += named - args.files.len();
    if args.files.is_empty() {
        anyhow::bail!("nothing to import: every file named is a lock file, not a batch; nothing was written");
    }
    for file in &args.files {
        let excel = tolk::batch::locks::excel_lock(file).filter(|(lock, _)| !owner_files.contains(lock));
        let open = tolk::batch::locks::libreoffice_lock(file)
            .map(|lock| ("LibreOffice", lock))
            .or_else(|| excel.map(|lock| ("Excel", lock)));
        if let Some((app, (lock, owner))) = open {
            let by = owner.map(|o| format!(" by {o}")).unwrap_or_default();
            ui::warning(format!(
                "{} is open in {app}{by} (its lock file {} is there): edits not saved there are not in the file, \
                 and not imported; save them and import the file again",
                tolk::shown::path(file),
                tolk::shown::path(&lock)
            ));
            file_warnings += 1;
        }
    }
    let docs = ui::documents_or_skip(global, &args.corpus, &ui::segmenter(global)?)
        .context("cannot read the corpus the batch was made from")?;
    let mut ledger =
        Ledger::open(&global.project.state_dir()).context("cannot read the record of batches")?;
    let mut known = Known::of(&docs);
    known.exported = ledger.exported();
    known.from_batch = args.from_batch;
    known.take_drafts = args.take_drafts;
    known.take_copies = args.take_copies;
    known.glossary = super::terms::glossary(global)?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    // The batch each file says it is, and the format it was read as.
    let mut claims = Vec::new();
    let mut double_encoded = HashSet::new();
    for file in &args.files {
        let read = tolk::batch::read(file)
            .with_context(|| format!("cannot import {}; nothing was written", tolk::shown::path(file)))?;
        for note in &read.notes {
            if ui::chatty(global) {
                eprintln!("{}: {note}", tolk::shown::path(file));
            }
        }
        for warning in &read.warnings {
            ui::warning(format!("{}: {warning}", tolk::shown::path(file)));
        }
        file_warnings += read.warnings.len();
        // A CAT tool's project set up for another English: the spelling may be its.
        // And for the other written Norwegian: its matches and terms were that one's.
        let english = read.other_english(global.project.config.target_language.trim());
        let norwegian = read.other_norwegian(global.project.config.source_language.trim());
        for (line, warning) in norwegian.into_iter().chain(english) {
            ui::warning(format!("{}: line {line}: {warning}", tolk::shown::path(file)));
            file_warnings += 1;
        }
        if read.double_encoded {
            double_encoded.insert(file.clone());
        }
        claims.push((read.batch, read.format));
        rows.extend(read.rows);
        problems.extend(read.problems);
    }
    // The memory's translations of the exported sentences the corpus no longer has
    // that rows bring: a batch imported --from-batch before is unchanged, not refused.
    let gone: Vec<String> = rows
        .iter()
        .filter_map(|r| SegmentId::parse(r.id.trim()))
        .filter(|id| !known.issued.contains_key(id))
        .filter_map(|id| known.exported.get(&id).map(|e| e.source.clone()))
        .collect();
    if !gone.is_empty() {
        let memory = ui::load(global, &global.memory)?;
        for source in gone {
            let targets = memory.exact_all(&source).into_iter().map(|e| e.target.clone()).collect();
            known.stored.insert(SegmentId::of(&source), targets);
        }
    }
    for warning in import::renumbered_ids(&mut rows, &known.issued) {
        ui::warning(&warning);
        file_warnings += 1;
    }
    for warning in import::undo_double_encoding(&mut rows, &known.issued, &double_encoded) {
        ui::warning(&warning);
        file_warnings += 1;
    }
    // The open batch each file is: who it was for translated its rows, unless the file
    // or --translator says otherwise.
    let belongs: Vec<Belongs> = (args.files.iter().zip(&claims))
        .map(|(file, (claimed, format))| {
            let ids: HashSet<SegmentId> = rows
                .iter()
                .filter(|r| r.origin.file == *file)
                .filter_map(|r| SegmentId::parse(r.id.trim()))
                .collect();
            // A file that fits several batches as well is the one of them that was
            // for the translator --translator names, if one was.
            ledger.batch_of(file, &ids, claimed.as_deref(), format, args.translator.as_deref())
        })
        .collect();
    if args.translator.is_none() {
        // The batch's translator, also for a file of a batch that came back already.
        for (file, belongs) in args.files.iter().zip(&belongs) {
            let Some(name) = belongs.known().and_then(|i| ledger.batches[i].translator.clone()) else {
                continue;
            };
            for row in rows.iter_mut().filter(|r| r.origin.file == *file && r.translator.is_none()) {
                row.translator = Some(name.clone());
            }
        }
    }
    // Whether the batch put the suggestion in each target is its record's to say: a
    // spreadsheet carries no state, so a target still the suggestion is held back as an
    // XLIFF unit in the state tolk gave it is; and an XLIFF unit in that state is a
    // prefilled one only where its batch was prefilled (else a translator or a CAT tool
    // set it). A file that fits several batches is prefilled when every one of them
    // was; a file with no record here keeps what it marks itself.
    for (file, belongs) in args.files.iter().zip(&belongs) {
        let candidates = match belongs {
            Belongs::Several(batches) => batches.clone(),
            belongs => belongs.known().into_iter().collect(),
        };
        if candidates.is_empty() {
            continue;
        }
        let prefilled = candidates.iter().all(|&i| ledger.batches[i].prefilled);
        for row in rows.iter_mut().filter(|r| r.origin.file == *file) {
            row.prefilled = match row.origin.unit {
                RowOrLine::Row => prefilled,
                RowOrLine::Line => {
                    prefilled
                        && row.suggestion.is_some()
                        && row.state.state.as_deref() == Some(tolk::batch::xliff::STATE_PREFILLED)
                }
            };
        }
    }
    let mut plan = import::validate_with(&rows, &known);
    // What was held back, and what was taken though its state says it is not final, is
    // named once a file: how many, the first few by place, and what to do.
    let mut held = Vec::new();
    held.extend(per_file(&plan.drafts, |n, states| {
        let them = if n == 1 { "it" } else { "them" };
        (
            match n {
                1 => format!(
                    "a translation whose state says it is not translated yet ({states}) was not imported (it goes \
                     in the next batch)"
                ),
                _ => format!(
                    "{n} translations whose state says they are not translated yet ({states}) were not imported \
                     (they go in the next batch)"
                ),
            },
            format!(
                "confirm {them} in the CAT tool (the state translated or final, or approved=\"yes\" on the \
                 trans-unit), or import with --take-drafts"
            ),
        )
    }));
    // XLIFF units (by line) are confirmed in a CAT tool; spreadsheet rows have no state.
    let (units, cells): (Vec<Origin>, Vec<Origin>) =
        plan.unreviewed.iter().cloned().partition(|o| o.unit == RowOrLine::Line);
    held.extend(per_file(&no_state(&units), |n, _| {
        let (one, them, was) = if n == 1 { ("it", "it", "it was") } else { ("they", "them", "they were") };
        (
            match n {
                1 => "a target is still the fuzzy suggestion `export --prefill` put there, in its state \
                      needs-review-translation, so never reviewed and not imported (it goes in the next batch)"
                    .to_string(),
                _ => format!(
                    "{n} targets are still the fuzzy suggestion `export --prefill` put there, in their state \
                     needs-review-translation, so never reviewed and not imported ({one} go in the next batch)"
                ),
            },
            format!(
                "confirm {them} in the CAT tool (the state translated or final, or approved=\"yes\" on the \
                 trans-unit), or import with --take-drafts if {was} reviewed"
            ),
        )
    }));
    held.extend(per_file(&no_state(&cells), |n, _| {
        let (was, is) = if n == 1 { ("it was", "it is") } else { ("they were", "they are") };
        (
            match n {
                1 => "a target is still the fuzzy suggestion `export --prefill` put there, never changed, so taken \
                      for unreviewed and not imported (it goes in the next batch)"
                    .to_string(),
                _ => format!(
                    "{n} targets are still the fuzzy suggestion `export --prefill` put there, never changed, so \
                     taken for unreviewed and not imported (they go in the next batch)"
                ),
            },
            format!("import with --take-drafts if {was} reviewed and right as {is}"),
        )
    }));
    held.extend(per_file(&no_state(&plan.untouched), |n, _| {
        (
            match n {
                1 => "a target is still the copy of its source the batch wrote, so not translated yet and not \
                      imported (it goes in the next batch)"
                    .to_string(),
                _ => format!(
                    "{n} targets are still the copy of their sources the batch wrote, so not translated yet and \
                     not imported (they go in the next batch)"
                ),
            },
            format!(
                "import with --take-copies if {} a name or title that stays the same in English",
                if n == 1 { "it is" } else { "they are" }
            ),
        )
    }));
    // Half translated copies: one warning a file, showing what of the copy still
    // stands in the first, so the translator sees what was missed.
    let mut half_files: Vec<&Path> = plan.half_copied.iter().map(|(o, _)| o.file.as_path()).collect();
    half_files.dedup();
    for file in half_files {
        let half: Vec<_> = plan.half_copied.iter().filter(|(o, _)| o.file == file).cloned().collect();
        let places: Vec<Origin> = half.iter().map(|(o, _)| o.clone()).collect();
        held.extend(per_file(&no_state(&places), |n, _| {
        let (they, them, go) = if n == 1 { ("it", "it", "goes") } else { ("they", "them", "go") };
        (
            match n {
                1 => "a target still begins or ends with words of the copy of its source the batch wrote, \
                      word for word, so it is half translated (a CAT tool that split the sentence had one part \
                      translated) and was not imported (it goes in the next batch)"
                    .to_string(),
                _ => format!(
                    "{n} targets still begin or end with words of the copies of their sources the batch wrote, \
                     word for word, so they are half translated (a CAT tool that split the sentences had one \
                     part translated) and were not imported ({they} {go} in the next batch)"
                ),
            },
            format!(
                "translate the rest in the CAT tool (in OmegaT, untick Project Properties > Sentence-level \
                 segmentation, so each sentence is one segment) and import again, or import with --take-copies \
                 if the words left are a name or title that stays the same in English ({})",
                half_shown(&half, them)
            ),
        )
        }));
    }
    // Taken as XLIFF 1.2 has them, translated, but named for the editor to review.
    held.extend(per_file(&plan.unconfirmed, |n, states| {
        (
            match n {
                1 => format!(
                    "a translation whose state says it is not confirmed yet ({states}) was imported, as the \
                     translation is there"
                ),
                _ => format!(
                    "{n} translations whose state says they are not confirmed yet ({states}) were imported, as the \
                     translations are there"
                ),
            },
            format!(
                "review {} (`tolk tm revert` with this import's id undoes the import), or have the translator \
                 confirm {} in the CAT tool (the state translated or final) and import the file again",
                if n == 1 { "it" } else { "them" },
                if n == 1 { "it" } else { "them" },
            ),
        )
    }));
    let held_warnings = held.len();
    for warning in held {
        ui::warning(warning);
    }
    problems.append(&mut plan.problems);
    let refused = problems.len() + plan.folded;
    problems.sort_by(|a, b| (&a.origin.file, a.origin.row).cmp(&(&b.origin.file, b.origin.row)));
    // A row refused stops the import, an error; with --skip-invalid it is left out and
    // the rest imported, which is a warning: the command did what it was asked.
    // A file whose every row is wrong the same way (ids a tool renumbered, sources
    // another tool rewrote) would bury the terminal: the first few a file show what is
    // wrong, and the rest are counted.
    let mut shown: Vec<(&Path, usize)> = Vec::new();
    for p in &problems {
        let file = p.origin.file.as_path();
        let count = match shown.iter_mut().find(|(f, _)| *f == file) {
            Some((_, n)) => n,
            None => {
                shown.push((file, 0));
                &mut shown.last_mut().expect("just pushed").1
            }
        };
        *count += 1;
        if *count > SHOWN_PROBLEMS {
            continue;
        }
        match args.skip_invalid {
            true => ui::warning(format_args!("{p}; left out (--skip-invalid)")),
            false => ui::error(p),
        }
    }
    for (file, n) in shown.into_iter().filter(|(_, n)| *n > SHOWN_PROBLEMS) {
        let rows = if n - SHOWN_PROBLEMS == 1 { "row" } else { "rows" };
        let more = format!("{}: ... and {} more {rows}", tolk::shown::path(file), n - SHOWN_PROBLEMS);
        match args.skip_invalid {
            true => ui::warning(format_args!("{more} left out (--skip-invalid)")),
            false => ui::error(format_args!("{more} refused")),
        }
    }
    if !problems.is_empty() && !args.skip_invalid {
        bail!(
            "{} refused, nothing was written; correct them and import again, or use --skip-invalid",
            ui::count(refused, "row")
        );
    }
    for w in &plan.warnings {
        ui::warning(w);
    }
    let options = MergeOptions {
        overwrite: args.overwrite,
        translator: args.translator,
        dry_run: args.dry_run,
        foreign_sources: false,
    };
    let outcome = import::apply_into(&*ui::store(global, &args.lock, false)?, &plan.accepted, &options)?;
    let written = !args.dry_run && outcome.added + outcome.retired > 0;
    // Taken at once, so no reader comes between the write and the keeping of its index.
    let keeping = written.then(|| ui::keeping_lock(global)).flatten();
    ui::report_conflicts(&outcome.conflicts, args.overwrite, args.dry_run, "the batch");
    ui::report_placed(&outcome.placed, args.dry_run, "the batch");
    ui::report_within(&outcome.within, args.dry_run, "the batch");
    if !outcome.notes_not_kept.is_empty() {
        ui::warning(format!(
            "{}: a comment on a translation the memory has already is not kept (the translation is unchanged, \
             and so is its note); tell the editor another way",
            first_and_more(&outcome.notes_not_kept),
        ));
    }
    if ui::chatty(global) {
        let what = ui::where_written(args.dry_run, outcome.added + outcome.retired);
        eprintln!(
            "{}{}, {} skipped (empty target), {} skipped (state), {}{}, {}, {} refused ({what} {})",
            ui::import_prefix(&outcome, args.dry_run),
            ui::added_unchanged(args.dry_run, outcome.added, outcome.unchanged),
            plan.skipped_empty,
            plan.skipped_state,
            ui::conflicts_summary(outcome.conflicts.len(), args.overwrite, args.dry_run),
            ui::retired_count(&outcome, args.dry_run),
            ui::count(
                plan.warnings.len()
                    + held_warnings
                    + usize::from(!outcome.notes_not_kept.is_empty())
                    + file_warnings,
                "warning"
            ),
            // Every translation not taken: rows left out, and conflicts refused.
            refused + if args.overwrite { 0 } else { outcome.conflicts.len() },
            ui::written_to(&outcome)
        );
    }
    let closed = match args.dry_run {
        true => {
            // Which batch each file would close, to check before the import.
            if ui::chatty(global) && !ledger.batches.is_empty() {
                for (file, belongs) in args.files.iter().zip(&belongs) {
                    let batch = match *belongs {
                        Belongs::Batch(i) if brought(&ledger, i, file, &plan.accepted) == 0 => format!(
                            "{} holds no translation of batch {}, which would stay open",
                            tolk::shown::path(file),
                            ledger.batches[i].describe()
                        ),
                        // How much of the batch the file brings: a row deleted or
                        // left empty shows here before the import.
                        Belongs::Batch(i) => {
                            format!(
                                "{} would close batch {}, bringing translations of {} of its {}",
                                tolk::shown::path(file),
                                ledger.batches[i].describe(),
                                brought(&ledger, i, file, &plan.accepted),
                                ui::plural(ledger.batches[i].segments.len(), "sentence", "sentences")
                            )
                        }
                        _ => closes_none(&ledger, file, belongs, "would be"),
                    };
                    eprintln!("{batch} (--dry-run)");
                }
            }
            Ok(())
        }
        false => close_batches(global, &mut ledger, &args.files, &belongs, &plan.accepted, &known),
    };
    // Last: closing the batches reads the memory, not waiting for its index.
    if written {
        ui::refresh_index_holding(global, keeping);
    }
    closed?;
    Ok(ui::import_exit(&outcome.conflicts, args.overwrite))
}

/// How many refused rows of a file are listed before the rest are counted.
const SHOWN_PROBLEMS: usize = 20;

/// How many places of a file are named in a summary before the rest are counted.
const NAMED: usize = 3;

/// One warning a file for `places` (each with what to tell of it, such as its state),
/// in the order the files come: `what(count, kinds)` says what they are and what to do,
/// `kinds` being the distinct things told of them with how many of each where there is
/// more than one (`new` or `needs-translation: 2, new: 1`). One place is named alone
/// (`b.xlf: line 12 (trans-unit s…): …`), more as a count and the first few (`b.xlf: 73
/// translations …: line 11 (trans-unit s…), line 24 (…), line 34 (…) and 70 more; …`).
fn per_file(places: &[(Origin, String)], what: impl Fn(usize, &str) -> (String, String)) -> Vec<String> {
    let mut files: Vec<(&Path, Vec<&(Origin, String)>)> = Vec::new();
    for place in places {
        match files.iter_mut().find(|(f, _)| *f == place.0.file) {
            Some((_, list)) => list.push(place),
            None => files.push((&place.0.file, vec![place])),
        }
    }
    (files.into_iter())
        .map(|(file, list)| {
            let mut kinds: Vec<(&str, usize)> = Vec::new();
            for (_, kind) in &list {
                match kinds.iter_mut().find(|(k, _)| k == kind) {
                    Some((_, n)) => *n += 1,
                    None => kinds.push((kind, 1)),
                }
            }
            let kinds = match kinds.as_slice() {
                [(kind, _)] => described(kind),
                kinds => {
                    let each: Vec<String> =
                        kinds.iter().map(|(k, n)| format!("{}: {n}", described(k))).collect();
                    each.join(", ")
                }
            };
            let (fact, todo) = what(list.len(), &kinds);
            if let [(origin, _)] = list.as_slice() {
                return format!("{origin}: {fact}; {todo}");
            }
            let named: Vec<String> = list.iter().take(NAMED).map(|(o, _)| o.within()).collect();
            let places = match list.len() - named.len() {
                0 => {
                    let (last, first) = named.split_last().expect("two or more");
                    format!("{} and {last}", first.join(", "))
                }
                more => format!("{} and {more} more", named.join(", ")),
            };
            format!("{}: {fact}: {places}; {todo}", tolk::shown::path(file))
        })
        .collect()
}

/// A state as a summary names it: one a translation is held back for as it is
/// (`new`), one it is taken in with what it means (`needs-review-translation,
/// awaiting review`).
fn described(state: &str) -> String {
    match state {
        "" | "new" | "needs-translation" | "needs-l10n" => state.to_string(),
        state => format!("{state}, {}", import::unconfirmed_meaning(state)),
    }
}

/// What of the copy stands in the first half translated target (`them` of several):
/// `"10.00 til 18.00 på hverdager." ends line 8 (trans-unit s…)`.
fn half_shown(half: &[(Origin, import::checks::Kept)], them: &str) -> String {
    let Some((origin, kept)) = half.first() else { return String::new() };
    let first = if them == "it" { "" } else { "the first: " };
    format!("{first}{} {} {}", tolk::shown::quoted(&kept.text), kept.end.verb(), origin.within())
}

/// `places` with nothing to tell of each.
fn no_state(places: &[Origin]) -> Vec<(Origin, String)> {
    places.iter().map(|o| (o.clone(), String::new())).collect()
}

/// The first of `places` (not empty) and how many more: `b.xlf: line 24 and 3 more`.
fn first_and_more(places: &[import::Origin]) -> String {
    match places {
        [] | [_] => places.first().map(ToString::to_string).unwrap_or_default(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
    }
}

/// How many of batch `index`'s translations the file `file` brings.
fn brought(ledger: &Ledger, index: usize, file: &Path, accepted: &[import::Accepted]) -> usize {
    let ids: HashSet<SegmentId> = ledger.batches[index].ids().collect();
    accepted.iter().filter(|a| a.origin.file == file && ids.contains(&a.id)).count()
}

/// Why the file `file` closes no batch (`belongs`, which is no open batch), and what
/// to do about it; `was` is "was" or "would be".
fn closes_none(ledger: &Ledger, file: &Path, belongs: &Belongs, was: &str) -> String {
    let file = tolk::shown::path(file);
    match belongs {
        Belongs::Returned(i) => {
            let batch = &ledger.batches[*i];
            let (at, back) = batch.returned.as_ref().map_or(("", ""), |r| (r.at.as_str(), r.file.as_str()));
            format!(
                "{file} is batch {}, which came back already ({at}, in {back}), so no batch {was} closed; its \
                 translations are imported as any others",
                batch.describe()
            )
        }
        Belongs::Several(batches) => {
            let names: Vec<String> = batches.iter().map(|&i| ledger.batches[i].describe()).collect();
            format!(
                "{file} fits the batches {} as well (a renamed file of batches of the same sentences), so tolk \
                 does not guess whose it is: no batch {was} closed; import it under the name its batch was \
                 written to, or with --translator and the name that batch was exported for",
                names.join(" and ")
            )
        }
        Belongs::Unknown { claimed: Some(id) } => format!(
            "{file} names batch {id} in its header, which this project has no record of (a batch of another \
             project, or of another copy of this one), so no batch {was} closed, whatever sentences it shares \
             with a batch still out; its translations are checked and imported as any others"
        ),
        Belongs::Batch(_) | Belongs::Unknown { claimed: None } => format!(
            "{file} is no batch still out, by its name or by its sentences, so no batch {was} closed; `tolk \
             status` lists the open ones, and `tolk withdraw` closes one that will not come back"
        ),
    }
}

/// Closes the open batch each imported file is (`belongs`, found before the import),
/// and says what came back in it, what of it is still without a translation (it goes in
/// the next export), which file is no open batch, and what is still out.
fn close_batches(
    global: &Global,
    ledger: &mut Ledger,
    files: &[PathBuf],
    belongs: &[Belongs],
    accepted: &[import::Accepted],
    known: &import::Known,
) -> Result<()> {
    // Where batches are tracked, a file that closes none says why.
    let none = |ledger: &Ledger, file: &Path, belongs: &Belongs| {
        if ui::chatty(global) && !ledger.batches.is_empty() {
            eprintln!("{}", closes_none(ledger, file, belongs, "was"));
        }
    };
    if !ledger.batches.iter().any(|b| b.is_awaited()) {
        for (file, belongs) in files.iter().zip(belongs) {
            none(ledger, file, belongs);
        }
        return Ok(());
    }
    // This command may hold the keeping lock ([`ui::keeping_lock`]): no waiting for it.
    let memory = ui::load_now(global, &global.memory)?;
    let now = Timestamp::now();
    for (file, belongs) in files.iter().zip(belongs) {
        let Some(index) = belongs.open() else {
            none(ledger, file, belongs);
            continue;
        };
        // Two files of one batch in one import: the first closes it.
        if !ledger.batches[index].is_awaited() {
            none(ledger, file, &Belongs::Returned(index));
            continue;
        }
        let here = brought(ledger, index, file, accepted);
        // A file that brings none of its batch's translations (saved before anything
        // was typed) is not the batch come back.
        if here == 0 {
            if ui::chatty(global) {
                eprintln!(
                    "{} holds no translation of batch {}, so the batch stays open (`tolk withdraw {}` if it \
                     will not come back)",
                    tolk::shown::path(file),
                    ledger.batches[index].describe(),
                    ledger.batches[index].id
                );
            }
            continue;
        }
        ledger
            .close(index, file, now)
            .context("the translations were imported, but the batch could not be closed")?;
        let batch = &ledger.batches[index];
        let left = batch
            .segments
            .iter()
            .filter(|s| !tolk::edition::has_translation(&memory, &s.source, false))
            .count();
        if ui::chatty(global) {
            let all = batch.segments.len();
            let mut rest = match (left, all) {
                (0, 1) => "its 1 segment is translated".to_string(),
                (0, _) => format!("all {all} of its segments are translated"),
                (1, _) => format!("1 of its {all} still without a translation goes in the next export"),
                _ => format!("{left} of its {all} still without a translation go in the next export"),
            };
            // A sentence the editor changed since the export (taken `--from-batch`) is
            // translated as exported; the corpus's new wording is a sentence of its own.
            // One deleted has none.
            let gone: Vec<import::Fate> = batch
                .segments
                .iter()
                .filter(|s| !s.ids().any(|id| known.issued.contains_key(&id)))
                .map(|s| {
                    s.ids()
                        .find_map(|id| known.exported.get(&id))
                        .map_or(import::Fate::Unknown, |e| known.fate(e))
                })
                .collect();
            let deleted = gone.iter().filter(|f| matches!(f, import::Fate::Deleted { .. })).count();
            match gone.len() - deleted {
                0 => {}
                1 => rest.push_str("; the corpus has changed 1 of them since the export: its new wording goes in the next export"),
                n => rest.push_str(&format!(
                    "; the corpus has changed {n} of them since the export: their new wording goes in the next export"
                )),
            }
            match deleted {
                0 => {}
                1 => rest.push_str("; 1 of them is no longer in the corpus (deleted since the export)"),
                n => rest.push_str(&format!(
                    "; {n} of them are no longer in the corpus (deleted since the export)"
                )),
            }
            eprintln!(
                "batch {} is back with {} in {}; {rest}",
                batch.describe(),
                ui::count(here, "translation"),
                tolk::shown::path(file)
            );
        }
    }
    let out = ledger.out(|source| tolk::edition::has_translation(&memory, source, false));
    if ui::chatty(global) && !out.is_empty() {
        let open = ledger.batches.iter().filter(|b| b.is_open()).count();
        eprintln!(
            "still out: {} in {} (tolk status shows them)",
            ui::plural(out.len(), "segment", "segments"),
            ui::plural(open, "open batch", "open batches")
        );
    }
    Ok(())
}
