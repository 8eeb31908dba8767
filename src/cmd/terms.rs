//! `tolk terms`: the glossary's terms and where the corpus has them, and the corpus'
//! frequent words that no term covers, as candidates for the editor; and
//! [`glossary`], the one way the other commands load the glossary.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::json;
use tolk::glossary::{Glossary, Survey};

use super::ui;
use super::Global;

/// List the glossary's terms with where the corpus has them, and words to add to it
///
/// The glossary is glossary.csv beside the memory's files (memory/glossary.csv), with
/// the columns nb and en, and optionally note and forbidden (English words not to use
/// for the term, separated by `;`). Each term is listed with how often and on which
/// lines (`document:line`) the corpus has it, inflected forms and compounds included;
/// then the terms never found; then the corpus' most frequent words that no term covers
/// and that are not common Norwegian function words, as candidates for the glossary.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to look in [default: the project's corpus]
    pub paths: Vec<PathBuf>,
    /// How many candidates to list (0 lists none)
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub candidates: usize,
    /// Print one JSON object: `terms` (each with `nb`, `en`, `note`, `forbidden`,
    /// `count`, `places`), `never_found` and `candidates`
    #[arg(long)]
    pub json: bool,
}

/// How many places of a term the listing shows before "and N more".
const SHOWN_PLACES: usize = 10;

/// The glossary beside the memory, or an empty one when there is none.
pub fn glossary(global: &Global) -> Result<Glossary> {
    let path = Glossary::path_for(&global.memory);
    let glossary = Glossary::load_for(&global.memory)
        .with_context(|| format!("cannot load the glossary {}", tolk::shown::path(&path)))?;
    // A Nynorsk project's terms take Nynorsk's endings too (`gardar`, `gardane`).
    let language = tolk::language::Language::parse(&global.project.config.source_language);
    Ok(if language.is_some_and(|l| l.language() == "nn") { glossary.nynorsk() } else { glossary })
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let glossary = glossary(global)?;
    let path = Glossary::path_for(&global.memory);
    if ui::chatty(global) {
        if glossary.is_empty() {
            eprintln!(
                "no terms in {}: write it with the columns nb, en, note and forbidden; the candidates below \
                 are where to start",
                tolk::shown::path(&path)
            );
        }
        if let Some(note) = &glossary.note {
            eprintln!("{}: {note}", tolk::shown::path(&path));
        }
    }
    let segmenter = ui::segmenter(global)?;
    let mut survey = Survey::new(&glossary);
    // One document at a time: the survey keeps counts, never the corpus.
    for (file, name) in ui::corpus_files(global, &args.paths)? {
        let Some(doc) = ui::read_or_skip(global, &file, name, &segmenter) else { continue };
        for s in &doc.segments {
            survey.add(&glossary, &doc.name, s.location.line, doc.segment_text(s));
        }
    }
    let candidates = survey.candidates(args.candidates);
    let found: Vec<usize> = (0..glossary.terms.len()).filter(|&t| survey.uses[t].count > 0).collect();
    let never: Vec<usize> = (0..glossary.terms.len()).filter(|&t| survey.uses[t].count == 0).collect();
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        let terms: Vec<serde_json::Value> = glossary
            .terms
            .iter()
            .zip(&survey.uses)
            .map(|(term, used)| {
                json!({
                    "nb": term.nb,
                    "en": term.en,
                    "note": term.note,
                    "forbidden": term.forbidden,
                    "count": used.count,
                    "places": used.places.iter().map(|(doc, line, count)| json!({"doc": doc, "line": line, "count": count})).collect::<Vec<_>>(),
                    "more_places": used.more_places,
                })
            })
            .collect();
        let value = json!({
            "glossary": tolk::shown::path(&path).to_string(),
            "terms": terms,
            "never_found": never.iter().map(|&t| &glossary.terms[t].nb).collect::<Vec<_>>(),
            "candidates": candidates.iter().map(|(word, count)| json!({"word": word, "count": count})).collect::<Vec<_>>(),
        });
        writeln!(out, "{value}")?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    for &t in &found {
        let (term, used) = (&glossary.terms[t], &survey.uses[t]);
        let mut places: Vec<String> = used
            .places
            .iter()
            .take(SHOWN_PLACES)
            .map(
                |(doc, line, n)| if *n > 1 { format!("{doc}:{line} ({n})") } else { format!("{doc}:{line}") },
            )
            .collect();
        let more = used.places.len().saturating_sub(SHOWN_PLACES) + used.more_places;
        if more > 0 {
            places.push(format!("and {} more", ui::plural(more, "line", "lines")));
        }
        writeln!(
            out,
            "{}  {}: {}",
            term.describe(),
            ui::plural(used.count, "time", "times"),
            places.join(", ")
        )?;
    }
    if !never.is_empty() {
        let names: Vec<&str> = never.iter().map(|&t| glossary.terms[t].nb.as_str()).collect();
        writeln!(out, "never found: {}", names.join(", "))?;
    }
    if !candidates.is_empty() {
        if !glossary.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "candidates (the most frequent words no term covers):")?;
        for (word, count) in &candidates {
            writeln!(out, "{count:>6}  {word}")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
