//! `tolk match`: pre-translate a list of sentences, one best match per line.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde::Serialize;
use tolk::index::SearchOptions;

use super::ui;
use super::Global;

/// Match sentences against the memory: one query per input line, one result per line
///
/// Output: tab-separated query, score, source and target of the best match (empty
/// fields when nothing reaches the minimum score); tabs and line breaks inside fields
/// are written as spaces. The target is the suggestion: a source that differs from the
/// query only in numbers gets the query's numbers, as `lookup` shows it. With --json:
/// one JSON object per line with the top N, each with the memory's target and
/// `repaired`, `numbers_repaired` and `not_repaired` as `lookup --json` gives them.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read queries from FILE, or `-` for stdin
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    pub input: PathBuf,
    /// How many matches per query (needs --json: the tab-separated output has the best)
    #[arg(long, default_value_t = 3, requires = "json", value_parser = super::top)]
    pub top: usize,
    /// The lowest score reported (1-100)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub min_score: u8,
    /// Print JSON lines with the top N matches of each query
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    query: &'a str,
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
    /// The target with the query's numbers, when the sources differ only in numbers.
    repaired: Option<String>,
    /// What was changed in the repaired target, `110 → 120; 6 → 7`.
    numbers_repaired: Option<String>,
    /// Why it was not repaired, when the numbers differ but cannot be mapped.
    not_repaired: Option<String>,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let bytes = if args.input.as_os_str() == "-" {
        tolk::input::limits::read_lines(io::stdin().lock(), std::path::Path::new("<stdin>"))?
    } else {
        let file = File::open(&args.input)
            .with_context(|| format!("cannot open {}", tolk::shown::path(&args.input)))?;
        tolk::input::limits::read_lines(file, &args.input)?
    };
    // A byte order mark (Notepad's "UTF-8 with BOM") is no part of the first query.
    let text = tolk::input::decode::decode(&args.input, &bytes, tolk::input::decode::Accept::Utf8, "UTF-8")?
        .text
        .into_owned();
    // The same line breaks as the limit counted (a lone CR too); a final break ends
    // the last query rather than starting an empty one.
    let mut queries: Vec<String> = tolk::document::lines(&text).map(|r| text[r].to_string()).collect();
    if text.ends_with(['\n', '\r']) || text.is_empty() {
        queries.pop();
    }
    // Each line is asked as `lookup` asks its text: a leading dialogue dash or bullet
    // is layout, not words of the sentence. The output shows the line as written.
    let segmenter = ui::segmenter(global)?;
    let asked: Vec<&str> = queries.iter().map(|q| segmenter.query(q)).collect();
    let (entries, index) = ui::load_entries(global)?;
    let top = if args.json { args.top } else { 1 };
    let bar = ui::bar(global, queries.len() as u64, "matching");
    let mut results =
        index.search_all_with(&asked, SearchOptions { min_score: args.min_score, top }, &|| bar.inc(1));
    bar.finish_and_clear();
    let memory = ui::narrow(global, &entries, &[], &mut results)?;
    let mut out = BufWriter::new(io::stdout().lock());
    for ((query, asked), found) in queries.iter().zip(&asked).zip(&results) {
        if args.json {
            let matches = found
                .iter()
                .map(|m| {
                    let e = &memory.entries[m.entry];
                    let (repaired, numbers_repaired, not_repaired) = super::lookup::json_repair(
                        tolk::numbers::repair_match(asked, &e.source, &e.target, m.score),
                    );
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
                    }
                })
                .collect();
            serde_json::to_writer(&mut out, &JsonResult { query, matches })?;
            writeln!(out)?;
        } else {
            let clean = |s: &str| s.replace(|c| c == '\t' || tolk::text::LINE_BREAKS.contains(&c), " ");
            match found.first() {
                Some(m) => {
                    let e = &memory.entries[m.entry];
                    // The suggestion, as lookup gives it: the query's numbers repaired in.
                    let target = match tolk::numbers::repair_match(asked, &e.source, &e.target, m.score) {
                        Some(Ok(r)) => r.target,
                        _ => e.target.clone(),
                    };
                    writeln!(out, "{}\t{}\t{}\t{}", clean(query), m.score, clean(&e.source), clean(&target))?;
                }
                None => writeln!(out, "{}\t\t\t", clean(query))?,
            }
        }
    }
    out.flush()?;
    if ui::chatty(global) {
        let matched = results.iter().filter(|r| !r.is_empty()).count();
        eprintln!(
            "{}, {matched} with a match of {}% or more",
            ui::count(queries.len(), "query"),
            args.min_score
        );
    }
    Ok(ExitCode::SUCCESS)
}
