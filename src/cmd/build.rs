//! `tolk build`: assemble the English editions of documents and write them to out/en/
//! (pseudo-translations to out/pseudo/), all or nothing: no edition replaces an old one
//! until every one is written, and none is written if a sentence is missing, unless
//! `--partial`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use tolk::edition::{self, Edition, Fill, Missing};
use tolk::shown;
use tolk::store::Output;
use tolk::text::SegmentId;

use super::Global;

/// How many missing segments are listed before the rest are only counted, unless
/// `--list-missing`.
const LIST_MISSING: usize = 20;

/// Assemble the English editions of documents from the translation memory
///
/// Every sentence is replaced by its translation (a 100% match in the memory), and
/// everything around the sentences (line breaks, blank lines, dialogue dashes, markup)
/// is kept as it is: a plain text edition has exactly the lines of its source, and in
/// the other formats only the translated paragraphs change (a sentence wrapped over
/// several lines is written on one, which renders the same; in Markdown, a line break
/// between two sentences stays).
/// Each edition is written to --out under its source's file name, replacing any older
/// one in a single step.
///
/// All or nothing: every edition is written to a temporary file beside its destination
/// before any older edition is replaced, so an error (a document that cannot be read, a
/// full disk) replaces none. If any sentence of any document has no translation, nothing
/// is written and the missing sentences are listed as `doc:line: text` (the first 20, or
/// all with --list-missing). Then either run `tolk export` to make a batch of them for
/// translators, or build anyway with --partial.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to build [default: corpus/]
    pub paths: Vec<PathBuf>,
    /// The folder the editions are written to [default: out/en, or out/pseudo with --pseudo]
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the editions even if sentences are missing, keeping those in Norwegian,
    /// marked as --mark says
    #[arg(long)]
    pub partial: bool,
    /// How --partial marks a sentence kept in Norwegian: `{}` stands for the sentence
    /// (`{}` alone: unmarked) [default: `[nb: {}]`, `[nn: {}]` in a Nynorsk project]
    #[arg(long, value_name = "TEMPLATE", value_parser = parse_mark, requires = "partial")]
    pub mark: Option<String>,
    /// List every missing sentence, not only the first 20 (with --partial: list the
    /// sentences kept in Norwegian)
    #[arg(long, conflicts_with = "pseudo")]
    pub list_missing: bool,
    /// Check the layout without translations or a memory: `accented` (the default) writes
    /// every sentence as [Ŝéñţéñçé ~~~], bracketed, accented and 30% longer; `identity`
    /// writes the source unchanged. Written to out/pseudo/, never over the real editions
    #[arg(
        long,
        value_enum,
        value_name = "KIND",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "accented"
    )]
    pub pseudo: Option<Pseudo>,
}

/// The test fills of `--pseudo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Pseudo {
    /// Bracketed, accented and padded sentences
    Accented,
    /// The source, byte for byte
    Identity,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    if args.pseudo.is_some() {
        refuse_kind_as_path(&args.paths)?;
    }
    // Pseudo-translations have a folder of their own, so checking a layout never
    // replaces an edition someone may be about to publish.
    let out_dir = args.out.clone().unwrap_or_else(|| global.project.edition_folder(args.pseudo.is_some()));
    let segmenter = super::ui::segmenter(global)?;
    let (sources, names): (Vec<PathBuf>, Vec<String>) =
        super::ui::corpus_files(global, &args.paths)?.into_iter().unzip();
    // Only the translations of the documents' sentences are read, when the memory is
    // kept: the documents are then read twice, the memory never whole.
    let load = || {
        super::ui::load_for(global, || {
            let mut ids = Vec::new();
            for (path, name) in sources.iter().zip(&names) {
                let Some(doc) = super::ui::read_or_skip(global, path, name.clone(), &segmenter) else {
                    continue;
                };
                ids.extend(doc.segments.iter().map(|s| SegmentId::of(doc.segment_text(s))));
            }
            Ok(ids)
        })
    };
    // The pseudo fills need no memory, so a missing or broken one does not stop them.
    let mut memory = None;
    // The project's source language names what is kept (`[nn: ...]` for Nynorsk).
    let mark = args.mark.clone().unwrap_or_else(|| {
        let language = tolk::language::Language::parse(&global.project.config.source_language);
        format!("[{}: {{}}]", language.as_ref().map_or("nb", |l| l.language()))
    });
    let fill = match args.pseudo {
        Some(Pseudo::Accented) => Fill::Pseudo,
        Some(Pseudo::Identity) => Fill::Identity,
        None if args.partial && mark != "{}" => Fill::Marked(memory.insert(load()?), &mark),
        None => Fill::Memory(memory.insert(load()?)),
    };

    let guard = super::ui::guard(global, Some(&sources));
    let out_paths = edition::out_paths(&names, &out_dir, &guard)?;

    // One document at a time: each edition is assembled and written to a temporary
    // file beside its destination, and only counts and the first missing segments are
    // kept, so a run holds one document, never the corpus. Nothing is renamed into
    // place before every edition is written.
    let bar = super::ui::bar(global, sources.len() as u64, "building");
    let mut totals = Totals { list_all: args.list_missing, ..Totals::default() };
    let mut staged = Vec::with_capacity(sources.len());
    // Editions that keep a field's result as the source stored it.
    let mut stale: Vec<String> = Vec::new();
    for ((path, name), out) in sources.iter().zip(&names).zip(&out_paths) {
        let keep = if args.list_missing { usize::MAX } else { edition::MISSING_KEPT };
        let Some(doc) = super::ui::read_or_skip(global, path, name.clone(), &segmenter) else {
            // A document left out has no edition: nothing is written without --partial.
            if !args.partial {
                staged.clear();
            }
            bar.inc(1);
            continue;
        };
        let edition = edition::assemble_keeping(&doc, fill, keep)?;
        totals.add(&edition);
        if !matches!(fill, Fill::Identity) {
            let stored = doc.stored();
            if let Some((line, what)) = stored.first() {
                let more = match stored.len() {
                    1 => String::new(),
                    n => format!(" and {} more", n - 1),
                };
                stale.push(format!(
                    "{}: the edition keeps the Norwegian text Word stored for {} (paragraph {line}: {what}{more}); \
                     Word shows it until its fields are updated (select all, then F9)",
                    shown::name(&doc.name),
                    super::ui::plural(stored.len(), "field", "fields"),
                ));
            }
        }
        // Once a segment is missing without --partial, nothing will be written: the
        // temporary files go at once, and the rest is only checked and counted.
        if args.partial || (totals.untranslated == 0 && super::ui::unread() == 0) {
            let mut output = Output::staged(out, &guard)?;
            output.write(&edition.bytes)?;
            output.close()?;
            staged.push(output);
        } else {
            staged.clear();
        }
        bar.inc(1);
    }
    bar.finish_and_clear();

    let untranslated = totals.untranslated;
    let unread = super::ui::unread();
    // Said the same way whether nothing or the rest was written.
    let unread_documents = super::ui::plural(unread, "document", "documents");
    let (has, it) = if unread == 1 { ("has", "it") } else { ("have", "them") };
    if unread > 0 && !args.partial {
        // --partial writes the others' editions: advice only when there are others.
        if unread == sources.len() {
            bail!("{unread_documents} could not be read (named above), so nothing was written; correct {it} and build again");
        }
        bail!(
            "{unread_documents} could not be read (named above), so nothing was written; correct {it}, or build \
             with --partial to write the other editions"
        );
    }
    if untranslated > 0 && !args.partial {
        list_missing(&totals)?;
        // Editions an earlier build left there (a --partial proof, say) are not these.
        let earlier = out_paths.iter().any(|p| p.exists());
        bail!(
            "{} no translation, so nothing was written{}; make a batch for translators with \
             `tolk export`, or build with --partial to keep them in Norwegian",
            super::ui::plural(untranslated, "segment has", "segments have"),
            if earlier {
                format!(" ({} still holds what an earlier build wrote)", tolk::shown::path(&out_dir))
            } else {
                String::new()
            }
        );
    }
    tolk::store::commit_all(staged)?;
    for warning in &stale {
        super::ui::warning(format_args!("{warning}"));
    }
    // The project's own edition folder, built whole: an edition whose document is gone.
    if args.paths.is_empty() && args.out.is_none() && super::ui::chatty(global) {
        let orphans = edition::orphans(&out_dir, &out_paths, 11);
        for orphan in orphans.iter().take(10) {
            super::ui::warning(format_args!(
                "{} is the edition of no document of the corpus (deleted or renamed?); remove it if it should \
                 not be published",
                shown::path(orphan)
            ));
        }
        if orphans.len() > 10 {
            super::ui::warning(format_args!("... and more in {}", shown::path(&out_dir)));
        }
    }
    if untranslated > 0 && args.list_missing {
        list_missing(&totals)?;
    }

    if super::ui::chatty(global) {
        let mut summary = format!(
            "wrote {} to {}: {}, {} in the editions, {untranslated} untranslated",
            super::ui::count(totals.editions, "edition"),
            shown::path(&out_dir),
            super::ui::count(totals.segments, "segment"),
            super::ui::count(totals.words, "word"),
        );
        if untranslated > 0 {
            summary.push_str(" (kept in Norwegian)");
        }
        writeln!(io::stderr(), "{summary}")?;
    }
    if unread > 0 {
        bail!("{unread_documents} could not be read (named above) and {has} no edition; correct {it} and build again");
    }
    Ok(ExitCode::SUCCESS)
}

/// What the summary and the list of missing segments need of the editions built.
#[derive(Debug, Default)]
struct Totals {
    editions: usize,
    segments: usize,
    words: usize,
    untranslated: usize,
    /// Whether every missing segment is kept (`--list-missing`), not only the first.
    list_all: bool,
    /// The first [`LIST_MISSING`] missing segments, or all of them with `list_all`.
    missing: Vec<Missing>,
}

impl Totals {
    fn add(&mut self, edition: &Edition) {
        self.editions += 1;
        self.segments += edition.segments();
        self.words += edition.words;
        self.untranslated += edition.untranslated;
        let room = if self.list_all { usize::MAX } else { LIST_MISSING.saturating_sub(self.missing.len()) };
        self.missing.extend(edition.missing.iter().take(room).cloned());
    }
}

/// Lists the missing segments kept on stderr, then counts the rest and says how to see them.
fn list_missing(totals: &Totals) -> io::Result<()> {
    let mut err = io::stderr().lock();
    for m in &totals.missing {
        writeln!(err, "{}:{}: {}", shown::name(&m.doc), m.line, shown::name(&m.text))?;
    }
    if totals.untranslated > totals.missing.len() {
        writeln!(
            err,
            "... and {} more; --list-missing shows them all",
            totals.untranslated - totals.missing.len()
        )?;
    }
    Ok(())
}

/// Refuses a path that is not there but is named like a kind of `--pseudo`: `--pseudo
/// identity` takes `identity` as a document (the kind goes after `=`, so that
/// `--pseudo corpus/x.txt` stays a path), and "no such file" alone would not say why.
fn refuse_kind_as_path(paths: &[PathBuf]) -> Result<()> {
    use clap::ValueEnum;
    for path in paths {
        let kind = Pseudo::value_variants()
            .iter()
            .filter_map(|k| k.to_possible_value())
            .find(|k| path.as_os_str() == k.get_name());
        if let Some(kind) = kind {
            if !path.exists() {
                bail!(
                    "{}: no such file or folder; did you mean --pseudo={}? (the kind of --pseudo \
                     goes after an equals sign)",
                    shown::path(path),
                    kind.get_name()
                );
            }
        }
    }
    Ok(())
}

/// A `--mark` template: it must say where the sentence goes, once.
fn parse_mark(template: &str) -> Result<String, String> {
    match template.matches("{}").count() {
        1 => Ok(template.to_string()),
        _ => Err(format!(
            "expected `{{}}` once where the Norwegian sentence goes (as in `[nb: {{}}]`), found {template:?}"
        )),
    }
}
