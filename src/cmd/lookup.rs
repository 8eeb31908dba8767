//! `tolk lookup`: the best memory matches of one sentence, with what differs marked.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;
use tolk::index::SearchOptions;
use tolk::score::{diff, DiffKind};

use super::ui::{self, ColorChoice};
use super::Global;

/// Show the best memory matches of one sentence, with the words that differ marked
///
/// Words only in the memory's source are shown as {+added+}, words only in your
/// sentence as [-removed-] (green and red on a terminal). The glossary's terms found in
/// the sentence follow, as `terms: kunde = customer; ...`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Norwegian sentence to look up
    pub text: String,
    /// How many matches to show
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    /// The lowest score shown (1-100)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub min_score: u8,
    /// Colour the differences
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let (memory, index) = ui::load_indexed(global)?;
    let options = SearchOptions { min_score: args.min_score, top: args.top };
    let found = index.searcher(&memory).search(&args.text, options);
    let color = ui::color_stdout(args.color);
    let mut out = BufWriter::new(io::stdout().lock());
    if found.is_empty() {
        writeln!(out, "no match of {}% or more", args.min_score)?;
    }
    for (n, m) in found.iter().enumerate() {
        let e = &memory.entries[m.entry];
        writeln!(out, "{}. {:>3}%  {}", n + 1, m.score, e.source)?;
        writeln!(out, "        {}", e.target)?;
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
