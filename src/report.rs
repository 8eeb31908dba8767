//! The analysis and the status as self-contained HTML pages, for people who would
//! rather look than read: a bar per document showing its words by match band (or by
//! translated, out and missing), the totals table, and the memory's competing
//! translations (or the batches and what came back of them).
//!
//! The page loads nothing from anywhere (styles are inline, there is no script), so it
//! can be mailed or opened offline; every text from a document or the memory is escaped.

use std::fmt::Write as _;

use crate::analyze::{Band, Bands, Report};
use crate::document::Unreadable;
use crate::ledger::Ledger;
use crate::memory::Memory;
use crate::status::{DocStatus, Status};

/// The colour of each band's part of a bar, from translated (green) to no match (red).
fn colour(band: Band) -> &'static str {
    match band {
        Band::Context => "#1d6b40",
        Band::Repetition => "#6a9fd4",
        Band::Exact => "#2e8b57",
        Band::Fuzzy95 => "#7cbf5a",
        Band::Fuzzy85 => "#d6c94a",
        Band::Fuzzy75 => "#e8a33d",
        Band::Fuzzy50 => "#e57a3c",
        Band::NoMatch => "#c8453a",
    }
}

/// `text` escaped for HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How many of the memory's competing translations the page lists.
pub const CONFLICTS_SHOWN: usize = 50;

/// The page for `report`, made against `memory` with `min_score`, dated `date`;
/// `in_use` is how many entries of the whole memory are in use (`memory` may hold only
/// the entries the page shows: [`crate::index::cache::Entries::narrow_reporting`]).
pub fn html(report: &Report, memory: &Memory, in_use: usize, min_score: u8, date: &str) -> String {
    let mut out = head("tolk analysis", "Analysis");
    let _ = writeln!(
        out,
        "<p>{}, {}, against a memory of {}; matches from {}%, made {}.</p>",
        count(report.documents.len(), "document"),
        count(report.total.total().words, "word"),
        count(in_use, "entry"),
        min_score,
        escape(date)
    );
    unread_html(&mut out, &report.unread);
    out.push_str("<p class=\"legend\">");
    for band in Band::ALL {
        let _ =
            write!(out, "<span><i style=\"background:{}\"></i>{}</span>", colour(band), escape(band.label()));
    }
    out.push_str("</p>\n");
    let parts = |bands: &Bands| Band::ALL.map(|b| (b.label(), bands.get(b).words, colour(b)));
    for doc in &report.documents {
        let t = doc.bands.total();
        bar(&mut out, &doc.name, "", t.segments, t.words, &parts(&doc.bands));
    }
    let t = report.total.total();
    bar(&mut out, "Total", "", t.segments, t.words, &parts(&report.total));
    out.push_str(
        "<h2>Totals</h2>\n<table>\n<tr><th>Band</th><th>Segments</th><th>Words</th><th>Words %</th></tr>\n",
    );
    let words = report.total.total().words.max(1);
    for band in Band::ALL {
        let c = report.total.get(band);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td></tr>",
            escape(band.label()),
            c.segments,
            c.words,
            100.0 * c.words as f64 / words as f64
        );
    }
    let t = report.total.total();
    let _ = writeln!(
        out,
        "<tr><th>Total</th><th>{}</th><th>{}</th><th>100.0%</th></tr>\n</table>",
        t.segments, t.words
    );
    let conflicts = memory.conflicting();
    let _ = writeln!(out, "<h2>Competing translations in the memory: {}</h2>", conflicts.len());
    if !conflicts.is_empty() {
        out.push_str("<p>The first is the one lookup and build use; <code>tolk tm resolve</code> chooses the one used.</p>\n<ul>\n");
        for ids in conflicts.iter().take(CONFLICTS_SHOWN) {
            let _ = write!(out, "<li>{}<ol>", escape(&memory.entries[ids[0]].source));
            for &i in ids {
                let _ = write!(out, "<li>{}</li>", escape(&memory.entries[i].target));
            }
            out.push_str("</ol></li>\n");
        }
        if conflicts.len() > CONFLICTS_SHOWN {
            let _ = writeln!(
                out,
                "<li>… and {} more (<code>tolk tm conflicts</code> lists them all)</li>",
                conflicts.len() - CONFLICTS_SHOWN
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The top of a page titled `title` with the heading `heading`, its styles inline.
fn head(title: &str, heading: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>\n\
         body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }}\n\
         .bar {{ display: flex; height: 1.4em; border: 1px solid #999; background: #eee; }}\n\
         .bar span {{ display: block; height: 100%; }}\n\
         .doc {{ margin: .8em 0; }} .doc h2 {{ font-size: 1em; margin: 0 0 .2em; }}\n\
         .legend span {{ display: inline-block; margin-right: 1em; }}\n\
         .legend i {{ display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: middle; }}\n\
         table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #bbb; padding: .2em .6em; text-align: right; }}\n\
         th:first-child, td:first-child, td.text {{ text-align: left; }}\n\
         </style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(title),
        escape(heading)
    )
}

/// `n` and `noun` in the number that goes with it: "1 word", "2 words", "1 entry",
/// "3 entries".
fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}

/// A document's heading and bar: each part's share of its words, in order, as (label,
/// words, colour).
fn bar(
    out: &mut String,
    name: &str,
    note: &str,
    segments: usize,
    words: usize,
    parts: &[(&str, usize, &str)],
) {
    let note = if note.is_empty() { String::new() } else { format!("; {}", escape(note)) };
    let _ = write!(
        out,
        "<div class=\"doc\"><h2>{} <small>({}, {}{note})</small></h2><div class=\"bar\">",
        escape(name),
        count(segments, "segment"),
        count(words, "word")
    );
    for &(label, part, colour) in parts {
        if part == 0 {
            continue;
        }
        let share = 100.0 * part as f64 / words.max(1) as f64;
        let _ = write!(
            out,
            "<span title=\"{}: {} {}, {:.1}%\" style=\"width:{:.3}%;background:{}\"></span>",
            escape(label),
            part,
            if part == 1 { "word" } else { "words" },
            share,
            share,
            colour
        );
    }
    out.push_str("</div></div>\n");
}

/// Names the documents that could not be read, which no bar or total counts.
fn unread_html(out: &mut String, unread: &[Unreadable]) {
    if unread.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"unread\">Not read, and not counted below: {}.</p>\n<ul>",
        count(unread.len(), "document")
    );
    for u in unread {
        let _ = writeln!(out, "<li>{}: {}</li>", escape(&u.name), escape(&u.why));
    }
    out.push_str("</ul>\n");
}

/// The colours of the status: translated, out with a translator, missing.
const STATUS_COLOURS: [(&str, &str); 3] =
    [("translated", "#2e8b57"), ("out", "#6a9fd4"), ("missing", "#c8453a")];

/// The status page: a bar per document (translated, out, missing), the totals, and
/// every batch with what came back, dated `date`.
pub fn status_html(status: &Status, ledger: &Ledger, date: &str) -> String {
    let mut out = head("tolk status", "Translation status");
    let t = status.total.all();
    let _ = writeln!(
        out,
        "<p>{}, {}: {} of the words translated, made {}.</p>",
        count(status.documents.len(), "document"),
        count(t.words, "word"),
        // A document not read holds words no one has counted.
        status.percent().map_or("an unknown share".to_string(), |p| format!("{p}%")),
        escape(date)
    );
    unread_html(&mut out, &status.unread);
    out.push_str("<p class=\"legend\">");
    for (label, colour) in STATUS_COLOURS {
        let _ = write!(out, "<span><i style=\"background:{colour}\"></i>{label}</span>");
    }
    out.push_str("</p>\n");
    let parts = |d: &DocStatus| {
        let words = [d.translated.words, d.out.words, d.missing.words];
        [0, 1, 2].map(|i| (STATUS_COLOURS[i].0, words[i], STATUS_COLOURS[i].1))
    };
    for doc in status.documents.iter().chain([&status.total]) {
        let all = doc.all();
        let with: Vec<String> = doc.batches.iter().map(|&i| ledger.batches[i].describe()).collect();
        let note = if with.is_empty() { String::new() } else { format!("out with {}", with.join(", ")) };
        bar(&mut out, &doc.name, &note, all.segments, all.words, &parts(doc));
    }
    out.push_str(
        "<h2>Totals</h2>\n<table>\n<tr><th></th><th>Segments</th><th>Words</th><th>Words %</th></tr>\n",
    );
    let words = t.words.max(1);
    for (label, c) in [
        ("Translated", status.total.translated),
        ("Out", status.total.out),
        ("Missing", status.total.missing),
    ] {
        let _ = writeln!(
            out,
            "<tr><td>{label}</td><td>{}</td><td>{}</td><td>{:.1}%</td></tr>",
            c.segments,
            c.words,
            100.0 * c.words as f64 / words as f64
        );
    }
    let _ = writeln!(out, "</table>\n<h2>Batches: {}</h2>", ledger.batches.len());
    if !status.batches.is_empty() {
        out.push_str(
            "<table>\n<tr><th>Batch</th><th>For</th><th>Exported</th><th>File</th><th>Translated</th><th>Outstanding</th><th>State</th></tr>\n",
        );
        for b in &status.batches {
            let record = &ledger.batches[b.index];
            let state = record.state();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"text\">{}</td><td>{}</td><td class=\"text\">{}</td><td>{} ({})</td><td>{} ({})</td><td class=\"text\">{}</td></tr>",
                escape(&record.id),
                escape(record.translator.as_deref().unwrap_or("")),
                escape(&record.exported),
                escape(&record.file),
                b.translated.segments,
                count(b.translated.words, "word"),
                b.outstanding.segments,
                count(b.outstanding.words, "word"),
                escape(&state)
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Analysis;
    use crate::document::Document;
    use crate::index::IndexBuilder;
    use crate::memory::Entry;
    use crate::segment::Segmenter;

    #[test]
    fn the_page_holds_every_document_escaped_and_nothing_from_elsewhere() {
        let memory = Memory::from_entries(vec![
            Entry { source: "Hei.".into(), target: "Hi.".into(), ..Entry::default() },
            Entry { source: "Hei.".into(), target: "Hello <there>.".into(), ..Entry::default() },
        ]);
        let mut analysis = Analysis::default();
        analysis.add(&Document::parse(
            "<a & b>.txt".into(),
            "Hei. Nytt her.\n".into(),
            &Segmenter::default(),
        ));
        let index = IndexBuilder::build(&memory);
        let report = analysis.finish(&memory, &index, 50, &|| ());
        let page = html(&report, &memory, memory.in_use_count(), 50, "2026-11-30");
        assert!(page.contains("&lt;a &amp; b&gt;.txt"), "{page}");
        assert!(page.contains("Hello &lt;there&gt;."), "{page}");
        assert!(page.contains("Competing translations in the memory: 1"));
        assert!(!page.contains("http") && !page.contains("<script") && !page.contains(" src="), "{page}");
        // One word of four is translated: the 100% part of the bar is a quarter wide.
        assert!(page.contains("title=\"100%: 1 word, 33.3%\" style=\"width:33.333%"), "{page}");
    }
}
