//! `tolk status`: where the translation stands, per document and per batch.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::{json, Value};
use tolk::ledger::Ledger;
use tolk::status::{Counts, DocStatus, StatusBuilder};
use tolk::text::SegmentId;

use super::ui;
use super::Global;

/// Show per document and in total what is translated, out with translators and missing
///
/// A sentence is translated when the memory has a translation of it, out when an open
/// batch has it (a batch is open from `tolk export` until `tolk import` takes its
/// file back), and missing otherwise; every occurrence counts, with its words. Below the
/// documents, every batch: for whom, when, its file, how much of it the memory now
/// translates (whichever batch brought it), and whether it is still open, came back
/// or was withdrawn (`tolk withdraw`). `--json` prints the same as one JSON object; `--html` a
/// page to open in a browser.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to report on [default: the project's corpus]
    pub paths: Vec<PathBuf>,
    /// Print one JSON object: documents, total, batches
    #[arg(long)]
    pub json: bool,
    /// Print a self-contained HTML page (a bar per document, the totals, the batches)
    #[arg(long, conflicts_with = "json")]
    pub html: bool,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let segmenter = ui::segmenter(global)?;
    let ledger = Ledger::open(&global.project.state_dir()).context("cannot read the record of batches")?;
    let files = ui::corpus_files(global, &args.paths)?;
    // Only the translations of the sentences of the documents and batches are read,
    // when the memory is kept.
    let memory = ui::load_for(global, || {
        let mut ids: Vec<SegmentId> =
            ledger.batches.iter().flat_map(|b| &b.segments).map(|s| SegmentId::of(&s.source)).collect();
        for (path, name) in &files {
            let Some(doc) = ui::read_or_skip(global, path, name.clone(), &segmenter) else { continue };
            ids.extend(doc.segments.iter().map(|s| SegmentId::of(doc.segment_text(s))));
        }
        Ok(ids)
    })?;
    let mut builder = StatusBuilder::new(&memory, &ledger);
    for (path, name) in files {
        match ui::read_or_unreadable(global, &path, name, &segmenter) {
            Ok(doc) => builder.add(&doc),
            Err(unreadable) => builder.unreadable(unreadable),
        }
    }
    let status = builder.finish();
    let mut out = BufWriter::new(io::stdout().lock());
    if args.html {
        let date = tolk::timestamp::Timestamp::now().to_string();
        out.write_all(tolk::report::status_html(&status, &ledger, &date).as_bytes())?;
    } else if args.json {
        let counts = |c: Counts| json!({"segments": c.segments, "words": c.words});
        let doc = |d: &DocStatus| {
            json!({
                "doc": d.name,
                "translated": counts(d.translated),
                "out": counts(d.out),
                "missing": counts(d.missing),
                "batches": d.batches.iter().map(|&i| ledger.batches[i].id.clone()).collect::<Vec<_>>(),
            })
        };
        let batches: Vec<Value> = status
            .batches
            .iter()
            .map(|b| {
                let r = &ledger.batches[b.index];
                json!({
                    "id": r.id, "for": r.translator, "exported": r.exported, "file": r.file,
                    "segments": r.segments.len(), "translated": counts(b.translated), "outstanding": counts(b.outstanding),
                    "returned": r.returned.as_ref().map(|r| json!({"at": r.at, "file": r.file})),
                    "withdrawn": r.withdrawn,
                })
            })
            .collect();
        let value = json!({
            "documents": status.documents.iter().map(doc).collect::<Vec<_>>(),
            "total": doc(&status.total),
            "unread": status.unread.iter().map(|u| json!({"doc": u.name, "why": u.why})).collect::<Vec<_>>(),
            "batches": batches,
        });
        serde_json::to_writer(&mut out, &value)?;
        out.write_all(b"\n")?;
    } else {
        let names = status.documents.iter().map(|d| &d.name).chain(status.unread.iter().map(|u| &u.name));
        let width = names.map(|n| n.chars().count()).max().unwrap_or(0).max(8);
        writeln!(
            out,
            "{:<width$}  {:>7}  {:>11}  {:>7}  {:>7}  out with",
            "document", "words", "translated", "out", "missing"
        )?;
        let row = |d: &DocStatus, percent: Option<usize>| {
            let with: Vec<String> = d.batches.iter().map(|&i| ledger.batches[i].describe()).collect();
            // What a document not read holds is not known, nor so the corpus's share.
            let percent = percent.map_or("?".to_string(), |p| p.to_string());
            let line = format!(
                "{:<width$}  {:>7}  {:>6} {:>3}%  {:>7}  {:>7}  {}",
                d.name,
                d.all().words,
                d.translated.words,
                percent,
                d.out.words,
                d.missing.words,
                with.join(", ")
            );
            line.trim_end().to_string()
        };
        for d in &status.documents {
            writeln!(out, "{}", row(d, Some(d.percent())))?;
        }
        for u in &status.unread {
            writeln!(out, "{:<width$}  not read (see the warning above): not counted in TOTAL", u.name)?;
        }
        writeln!(out, "{}", row(&status.total, status.percent()))?;
        if !status.batches.is_empty() {
            writeln!(out)?;
            for b in &status.batches {
                let r = &ledger.batches[b.index];
                let state = match r.state() {
                    open if r.is_open() && b.outstanding.segments == 0 => format!("{open}, all translated"),
                    state => state,
                };
                writeln!(
                    out,
                    "{}  exported {}  {}  {}: {} translated, {} outstanding ({})",
                    r.describe(),
                    r.exported,
                    r.file,
                    ui::count(r.segments.len(), "segment"),
                    b.translated.segments,
                    b.outstanding.segments,
                    state
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
