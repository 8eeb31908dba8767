//! `tolk lookup`: the best memory matches of one sentence, with what differs marked and,
//! on request, every point each score lost and why.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;
use tolk::index::SearchOptions;
use tolk::score::{diff, explain, DiffKind, Explanation};

use super::ui::{self, ColorChoice};
use super::Global;

/// Show the best memory matches of one sentence, with the words that differ marked
///
/// The diff shows how the memory's source must change to become your sentence, as
/// Trados and OmegaT show it: what only your sentence has is {+inserted+}, what only
/// the memory's source has is [-deleted-] (underlined green and struck red on a
/// terminal); a space or a mark only one of them has is marked too.
/// The glossary's terms found in the sentence follow, as `terms: kunde = customer; ...`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Norwegian sentence to look up (a leading dialogue dash or list bullet is
    /// layout, as in a segment: `- Ja, sier hun.` looks up `Ja, sier hun.`)
    #[arg(value_parser = super::sentence, allow_hyphen_values = true)]
    pub text: String,
    /// How many matches to show
    #[arg(long, default_value_t = 3, value_parser = super::top)]
    pub top: usize,
    /// The lowest score shown (1-100)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub min_score: u8,
    /// Say, for each match, every point its score lost and why
    #[arg(long, conflicts_with = "json")]
    pub explain: bool,
    /// Print one JSON object: the query and its matches, each with its diff and the
    /// explanation of its score
    #[arg(long)]
    pub json: bool,
    /// The sentence before this one in its document: a translation made between the
    /// same sentences is a 101% context match, shown first
    #[arg(long, value_name = "TEXT")]
    pub prev: Option<String>,
    /// The sentence after this one in its document (see --prev)
    #[arg(long, value_name = "TEXT")]
    pub next: Option<String>,
    /// Colour the differences
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

#[derive(Serialize)]
struct JsonLookup<'a> {
    query: &'a str,
    min_score: u8,
    matches: Vec<JsonMatch<'a>>,
}

#[derive(Serialize)]
struct JsonMatch<'a> {
    score: u8,
    source: &'a str,
    target: &'a str,
    changed: &'a str,
    translator: &'a str,
    origin: &'a str,
    /// The diff as parts: `same`, `inserted` (only in the query), `deleted` (only in
    /// the memory's source).
    diff: Vec<JsonPart>,
    explanation: Option<JsonExplanation<'a>>,
    /// The target with the query's numbers, when the sources differ only in numbers.
    repaired: Option<String>,
    /// What was changed in the repaired target, `110 → 120; 6 → 7`.
    numbers_repaired: Option<String>,
    /// Why it was not repaired, when the numbers differ but cannot be mapped.
    not_repaired: Option<String>,
}

#[derive(Serialize)]
struct JsonPart {
    kind: &'static str,
    text: String,
}

#[derive(Serialize)]
struct JsonExplanation<'a> {
    /// The explanation as `--explain` prints it.
    text: String,
    #[serde(flatten)]
    explanation: &'a Explanation,
}

pub fn run(mut args: Args, global: &Global) -> Result<ExitCode> {
    ui::memory_exists(global)?;
    args.text = ui::segmenter(global)?.query(&args.text).to_string();
    let (entries, index) = ui::load_entries(global)?;
    let options = SearchOptions { min_score: args.min_score, top: args.top };
    let mut found = vec![index.searcher().search(&args.text, options)];
    let memory = ui::narrow(global, &entries, &[&args.text], &mut found)?;
    let mut found = found.pop().unwrap_or_default();
    // Puts `e`, an entry of the memory, first with `score`.
    let mut promote = |e: &tolk::memory::Entry, score: u8| {
        let entry = memory.entries.iter().position(|x| std::ptr::eq(x, e)).expect("an entry of the memory");
        found.retain(|m| m.entry != entry);
        found.insert(0, tolk::index::Match { entry, score, unshared: 0, similarity: 1.0 });
        found.truncate(args.top.max(1));
    };
    // Of several 100% matches, the one build and export use comes first, so lookup
    // never shows another translation on top than the one an edition gets.
    if let Some(used) = memory.exact(&args.text) {
        promote(used, 100);
    }
    // A translation made between the same sentences is the 101% match, first.
    if args.prev.is_some() || args.next.is_some() {
        if let Some(e) = memory.in_context(&args.text, args.prev.as_deref(), args.next.as_deref()) {
            promote(e, CONTEXT_SCORE);
        }
    }
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        let explanations: Vec<Option<Explanation>> =
            found.iter().map(|m| explain(&args.text, &memory.entries[m.entry].source)).collect();
        let matches = found
            .iter()
            .zip(&explanations)
            .map(|(m, explanation)| {
                let e = &memory.entries[m.entry];
                let diff = diff(&args.text, &e.source)
                    .into_iter()
                    .map(|p| JsonPart {
                        kind: match p.kind {
                            DiffKind::Same => "same",
                            DiffKind::Added => "inserted",
                            DiffKind::Removed => "deleted",
                        },
                        text: p.text,
                    })
                    .collect();
                let (repaired, numbers_repaired, not_repaired) =
                    json_repair(tolk::numbers::repair_match(&args.text, &e.source, &e.target, m.score));
                JsonMatch {
                    repaired,
                    numbers_repaired,
                    not_repaired,
                    score: m.score,
                    source: &e.source,
                    target: &e.target,
                    changed: &e.changed,
                    translator: &e.translator,
                    origin: &e.origin,
                    diff,
                    explanation: explanation
                        .as_ref()
                        .map(|explanation| JsonExplanation { text: explanation.to_string(), explanation }),
                }
            })
            .collect();
        serde_json::to_writer(
            &mut out,
            &JsonLookup { query: &args.text, min_score: args.min_score, matches },
        )?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let color = ui::color_stdout(args.color);
    // `--prev`/`--next` without a translation made there: say so, the 100% may still be fine.
    if (args.prev.is_some() || args.next.is_some()) && found.first().is_none_or(|m| m.score != CONTEXT_SCORE)
    {
        writeln!(out, "no translation made between the same sentences (no 101% match)")?;
    }
    if found.is_empty() {
        writeln!(out, "no match of {}% or more", args.min_score)?;
    }
    for (n, m) in found.iter().enumerate() {
        let e = &memory.entries[m.entry];
        writeln!(out, "{}. {:>3}%  {}", n + 1, m.score, e.source)?;
        let repair = tolk::numbers::repair_match(&args.text, &e.source, &e.target, m.score);
        match &repair {
            Some(Ok(r)) => writeln!(out, "        {}  (numbers repaired: {})", r.target, r.changes_text())?,
            _ => writeln!(out, "        {}", e.target)?,
        }
        if m.score < 100 {
            let marked: String = diff(&args.text, &e.source)
                .into_iter()
                .map(|p| match (p.kind, color) {
                    (DiffKind::Same, _) => p.text,
                    (DiffKind::Added, false) => format!("{{+{}+}}", p.text),
                    (DiffKind::Removed, false) => format!("[-{}-]", p.text),
                    (DiffKind::Added, true) => format!("\x1b[32;4m{}\x1b[0m", p.text),
                    (DiffKind::Removed, true) => format!("\x1b[31;9m{}\x1b[0m", p.text),
                })
                .collect();
            writeln!(out, "  diff: {marked}")?;
        }
        if args.explain && m.score == CONTEXT_SCORE {
            writeln!(out, "   why: 100 + 1 context (translated between the same sentences) = 101")?;
        } else if args.explain {
            if let Some(explanation) = explain(&args.text, &e.source) {
                writeln!(out, "   why: {explanation}")?;
            }
            // Numbers that differ but could not be put into the translation: say why.
            if let Some(Err(why)) = &repair {
                writeln!(out, "        numbers not repaired: {why}")?;
            }
        }
        let meta: Vec<String> = [("changed", &e.changed), ("by", &e.translator), ("origin", &e.origin)]
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        if !meta.is_empty() {
            writeln!(out, "        ({})", meta.join(", "))?;
        }
    }
    // The glossary's terms in the sentence, after the matches so the best one stays first.
    let glossary = super::terms::glossary(global)?;
    let terms = glossary.describe(&glossary.find(&args.text));
    if !terms.is_empty() {
        writeln!(out, "terms: {}", terms.join("; "))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A match's number repair as the JSON of `lookup` and `match` gives it: the repaired
/// target, what was changed in it, and why the numbers were not repaired.
pub(super) fn json_repair(
    repair: Option<Result<tolk::numbers::Repair, tolk::numbers::NoRepair>>,
) -> (Option<String>, Option<String>, Option<String>) {
    match repair {
        Some(Ok(r)) => {
            let changes = r.changes_text();
            (Some(r.target), Some(changes), None)
        }
        Some(Err(why)) => (None, None, Some(why.to_string())),
        None => (None, None, None),
    }
}

/// The score of a context match: a 100% match made between the same sentences.
const CONTEXT_SCORE: u8 = 101;
