//! `tolk analyze`: the analysis report of a corpus against the memory, as a table,
//! JSON, CSV or an HTML page.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::{json, Map, Value};
use tolk::analyze::{Analysis, Band, Bands};
use tolk::batch::csv::escape_cell;

use super::ui;
use super::Global;

/// Report how much of the corpus the memory covers, per document and in total
///
/// Segments and words in the bands 101%, Repetition, 100%, 95–99%, 85–94%, 75–84%, 50–74%
/// and No match. 101% is a 100% match translated for the same place (the same sentences
/// before and after it), as CAT tools call it; a repetition is a segment whose text
/// occurred earlier in the same run.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to analyse [default: corpus/]
    pub paths: Vec<PathBuf>,
    /// The lowest score that counts as a match (1-100)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub min_score: u8,
    /// Print the report as JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the report as CSV (document, band, segments, words)
    #[arg(long, conflicts_with = "html")]
    pub csv: bool,
    /// Print the report as one self-contained HTML page (a bar per document, the
    /// totals, the memory's competing translations), to save and open in a browser
    #[arg(long, conflicts_with = "json")]
    pub html: bool,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    // One document at a time: the analysis keeps the unique sentences, not the corpus.
    let segmenter = ui::segmenter(global)?;
    let mut analysis = Analysis::default();
    for (path, name) in ui::corpus_files(global, &args.paths)? {
        match ui::read_or_unreadable(global, &path, name, &segmenter) {
            Ok(doc) => analysis.add(&doc),
            Err(unreadable) => analysis.unreadable(unreadable),
        }
    }
    // Only what the report shows is read of a kept memory: the matches found, every
    // translation of the corpus's sentences and of those that may compete.
    let (entries, index) = ui::load_entries(global)?;
    let bar = ui::bar(global, analysis.unique() as u64, "analysing");
    let mut found = analysis.search(&index, args.min_score, &|| bar.inc(1));
    bar.finish_and_clear();
    let (memory, totals) = ui::narrow_reporting(global, &entries, &analysis.sentences(), &mut found)?;
    let report = analysis.finish_found(&memory, &found);
    let conflicts = memory.conflicts();
    let mut out = BufWriter::new(io::stdout().lock());
    let rows = report
        .documents
        .iter()
        .map(|d| (d.name.as_str(), &d.bands))
        .chain([("TOTAL", &report.total)])
        .collect::<Vec<_>>();
    if args.html {
        let date = tolk::timestamp::Timestamp::now().to_string();
        out.write_all(
            tolk::report::html(&report, &memory, totals.in_use(), args.min_score, &date).as_bytes(),
        )?;
    } else if args.json {
        let documents: Vec<Value> =
            report.documents.iter().map(|d| json!({"doc": d.name, "bands": bands_json(&d.bands)})).collect();
        let value = json!({
            "min_score": args.min_score,
            "memory_entries": totals.in_use(),
            "memory_retired": totals.retired,
            "memory_conflicts": conflicts,
            "documents": documents,
            "total": bands_json(&report.total),
            "unread": report.unread.iter().map(|u| json!({"doc": u.name, "why": u.why})).collect::<Vec<_>>(),
            "numbers_repaired": {"segments": report.repaired.segments, "words": report.repaired.words},
        });
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
    } else if args.csv {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(["document", "band", "segments", "words"])?;
        for (name, bands) in rows {
            for band in Band::ALL {
                let c = bands.get(band);
                w.write_record([
                    &escape_cell(name),
                    band.key(),
                    &c.segments.to_string(),
                    &c.words.to_string(),
                ])?;
            }
            let t = bands.total();
            // A document named like a formula must not run as one in a spreadsheet.
            w.write_record([&escape_cell(name), "total", &t.segments.to_string(), &t.words.to_string()])?;
        }
        // What a document not read holds is not known: no counts.
        for u in &report.unread {
            w.write_record([&escape_cell(&u.name), "not read", "", ""])?;
        }
        w.flush()?;
    } else {
        let (documents, total) = rows.split_at(rows.len() - 1);
        for (name, bands) in documents {
            write_table(&mut out, name, bands)?;
        }
        for u in &report.unread {
            writeln!(
                out,
                "{}\n  not read (see the warning above): in no band, not counted in TOTAL\n",
                tolk::shown::name(&u.name)
            )?;
        }
        for (name, bands) in total {
            write_table(&mut out, name, bands)?;
        }
        if report.repaired.segments > 0 {
            writeln!(
                out,
                "numbers repaired: {}, {} (a suggestion that differs only in numbers gets the new ones)",
                ui::count(report.repaired.segments, "segment"),
                ui::count(report.repaired.words, "word")
            )?;
        }
        let (in_use, retired) = (totals.in_use(), totals.retired);
        let history =
            if retired > 0 { format!(" (and {retired} retired, kept as history)") } else { String::new() };
        writeln!(
            out,
            "memory: {}{history}, {}",
            ui::count(in_use, "entry"),
            ui::plural(
                conflicts,
                "source with conflicting translations",
                "sources with conflicting translations"
            )
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn bands_json(bands: &Bands) -> Value {
    let mut map = Map::new();
    for band in Band::ALL {
        map.insert(band.key().to_string(), serde_json::to_value(bands.get(band)).unwrap_or(Value::Null));
    }
    map.insert("total".to_string(), serde_json::to_value(bands.total()).unwrap_or(Value::Null));
    Value::Object(map)
}

fn write_table(out: &mut impl Write, name: &str, bands: &Bands) -> io::Result<()> {
    let total = bands.total();
    writeln!(out, "{}", tolk::shown::name(name))?;
    writeln!(out, "  {:<12} {:>9} {:>9} {:>8}", "Band", "Segments", "Words", "Words %")?;
    for band in Band::ALL.into_iter().map(|b| (b.label(), bands.get(b))).chain([("Total", total)]) {
        let (label, c) = band;
        let share = if total.words == 0 { 0.0 } else { 100.0 * c.words as f64 / total.words as f64 };
        writeln!(out, "  {:<12} {:>9} {:>9} {:>7.1}%", label, c.segments, c.words, share)?;
    }
    writeln!(out)
}
