//! Segmenter tasks: `eval-segment` scores the sentence boundaries against the gold
//! files, and `bench segment` times segmenting a large generated Norwegian text.
//!
//! The evaluation compares boundaries, not segment texts: a boundary is the byte
//! offset in the source document where a segment ends, so a segment that differs only
//! in its trimmed layout still counts, and one wrong cut costs one boundary, not two
//! segments. The benchmark times exactly what `tolk segment` does before printing
//! (`Document::parse` of the whole text, segment ids included). Neither task changes
//! any file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use tolk::document::Document;
use tolk::segment::Segmenter;

use crate::rng::Rng;

mod treebank;

/// `cargo xtask eval-segment`: precision, recall and F1 of the boundaries of every
/// document that has a gold file in `tests/gold/`.
pub fn eval(args: &[&str]) -> Result<ExitCode> {
    if let Some(arg) = args.first() {
        return crate::usage_error(&format!("eval-segment takes no arguments, found `{arg}`"));
    }
    let root = crate::project_root();
    let gold_dir = root.join("tests/gold");
    let golds = gold_files(&gold_dir)?;
    if golds.is_empty() {
        bail!("no gold files (*.txt) in {}", gold_dir.display());
    }
    let segmenter = Segmenter::default();
    let mut rows = Vec::new();
    let mut misses = String::new();
    for gold_path in &golds {
        let name = gold_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let source = root.join("corpus").join(&name);
        let mut docs = tolk::corpus::read(std::slice::from_ref(&source), &segmenter)
            .with_context(|| format!("reading the source of gold file {}", gold_path.display()))?;
        let doc = docs.pop().ok_or_else(|| anyhow!("{} is not a document", source.display()))?;
        let gold = std::fs::read_to_string(gold_path)
            .with_context(|| format!("reading gold file {}", gold_path.display()))?;
        let (doc_text, ranges) =
            doc.plain().ok_or_else(|| anyhow!("{} is not plain text", source.display()))?;
        let expected = align(doc_text, &gold).with_context(|| {
            format!("cannot align gold file {} with {}", gold_path.display(), source.display())
        })?;
        let found: Vec<usize> = ranges.iter().map(|r| r.end).collect();
        let score = Score::of(&expected, &found);
        describe_misses(&name, doc_text, &expected, &found, &mut misses);
        rows.push((name, score));
    }
    let total = rows.iter().fold(Score::default(), |sum, (_, s)| sum.plus(s));
    println!("The interviews in corpus/ against tests/gold/ (every boundary):");
    print!("{}", table(&rows, &total));
    if !misses.is_empty() {
        print!("\n{misses}");
    }
    let mut sets = Vec::new();
    let dev = root.join("../shared/data/ud-nob-dev");
    if dev.join("nob-dev.txt").is_file() {
        sets.push((
            "ud-nob-dev (UD Norwegian Bokmål, dev)",
            dev.join("nob-dev.txt"),
            dev.join("nob-dev.gold"),
        ));
    } else {
        println!("\n../shared/data/ud-nob-dev is not there: the treebank is not scored");
    }
    for (name, stem) in [("held-out Bokmål", "heldout-nb"), ("held-out Nynorsk", "heldout-nn")] {
        let dir = root.join("tests/data/segment");
        sets.push((name, dir.join(format!("{stem}.txt")), dir.join(format!("{stem}.gold"))));
    }
    for (name, text_path, gold_path) in sets {
        let text = std::fs::read_to_string(&text_path)
            .with_context(|| format!("reading {}", text_path.display()))?;
        let gold = std::fs::read_to_string(&gold_path)
            .with_context(|| format!("reading {}", gold_path.display()))?;
        let doc = Document::parse(name.to_string(), text, &segmenter);
        let (doc_text, ranges) = doc.plain().expect("parsed as plain text");
        let ends: Vec<usize> = ranges.iter().map(|r| r.end).collect();
        let scored = treebank::score(doc_text, &gold, &ends)
            .with_context(|| format!("scoring {} against {}", text_path.display(), gold_path.display()))?;
        println!("\n{name}: {} (paragraph ends excluded, as score_seg.py)", text_path.display());
        print!("{}", scored.table());
        if let Some(row) = scored.row("sentence") {
            let fmt = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{x:.4}"));
            println!(
                "row sentence: precision {}, recall {}, F1 {}",
                fmt(row.precision()),
                fmt(row.recall()),
                fmt(row.f1())
            );
        }
        print!("{}", scored.errors(doc_text, 20));
    }
    Ok(ExitCode::SUCCESS)
}

/// The `*.txt` files in `dir` (so never its README.md), in name order.
fn gold_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.with_context(|| format!("listing {}", dir.display()))?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "txt") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The boundaries of the gold segmentation `gold` (one segment per line) in `source`:
/// each segment is looked for in order from the end of the one before it.
fn align(source: &str, gold: &str) -> Result<Vec<usize>> {
    let mut at = 0;
    let mut ends = Vec::new();
    for (n, segment) in gold.lines().enumerate() {
        if segment.is_empty() {
            bail!("line {} of the gold file is empty; a segment never is", n + 1);
        }
        let found = source[at..].find(segment).ok_or_else(|| {
            anyhow!(
                "line {} of the gold file, {segment:?}, is not in the source after byte {at}; \
                 fix the gold file or the source so that every segment occurs in order",
                n + 1
            )
        })?;
        at += found + segment.len();
        ends.push(at);
    }
    Ok(ends)
}

/// Boundary counts for one document or several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Score {
    /// Boundaries in the gold file.
    expected: usize,
    /// Boundaries the segmenter put.
    found: usize,
    /// Boundaries in both.
    matched: usize,
}

impl Score {
    /// The score of `found` against `expected`, both strictly increasing offsets.
    fn of(expected: &[usize], found: &[usize]) -> Score {
        let matched = found.iter().filter(|b| expected.binary_search(b).is_ok()).count();
        Score { expected: expected.len(), found: found.len(), matched }
    }

    fn plus(self, other: &Score) -> Score {
        Score {
            expected: self.expected + other.expected,
            found: self.found + other.found,
            matched: self.matched + other.matched,
        }
    }

    fn precision(&self) -> f64 {
        ratio(self.matched, self.found)
    }

    fn recall(&self) -> f64 {
        ratio(self.matched, self.expected)
    }

    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// `part / whole`, where nothing out of nothing is perfect.
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// The per-document table with a total (micro-averaged) row.
fn table(rows: &[(String, Score)], total: &Score) -> String {
    let width = rows.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0).max("document".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:>5}  {:>5}  {:>5}  {:>9}  {:>6}  {:>6}",
        "document", "gold", "tolk", "match", "precision", "recall", "F1"
    );
    let all = rows.iter().map(|(n, s)| (n.as_str(), s)).chain([("total", total)]);
    for (name, s) in all {
        let _ = writeln!(
            out,
            "{name:<width$}  {:>5}  {:>5}  {:>5}  {:>9.3}  {:>6.3}  {:>6.3}",
            s.expected,
            s.found,
            s.matched,
            s.precision(),
            s.recall(),
            s.f1()
        );
    }
    out
}

/// Appends one line per missed or extra boundary, with the text around it.
fn describe_misses(name: &str, text: &str, expected: &[usize], found: &[usize], out: &mut String) {
    let missed = expected.iter().filter(|b| found.binary_search(b).is_err()).map(|&b| ("missed", b));
    let extra = found.iter().filter(|b| expected.binary_search(b).is_err()).map(|&b| ("extra ", b));
    let mut all: Vec<_> = missed.chain(extra).collect();
    all.sort_by_key(|&(_, at)| at);
    for (kind, at) in all {
        let line = text[..at].matches('\n').count() + 1;
        let before = tail(&text[..at], 30);
        let after = head(&text[at..], 30);
        let _ = writeln!(out, "{kind} boundary {name}:{line}: {before:?} | {after:?}");
    }
}

/// The last `n` characters of `s`, stopping at a line break.
fn tail(s: &str, n: usize) -> &str {
    let s = s.rsplit('\n').next().unwrap_or(s);
    let start = s.char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i);
    &s[start..]
}

/// The first `n` characters of `s`, stopping at a line break.
fn head(s: &str, n: usize) -> &str {
    let s = s.split('\n').next().unwrap_or(s);
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// Size of the generated text when `--mb` is not given.
const DEFAULT_MB: usize = 64;

/// The speed `bench segment` aims for.
const TARGET_MB_PER_S: f64 = 100.0;

/// Seed of the generated text: fixed, so every run times the same input.
const SEED: u64 = 0x746f_6c6b;

/// `cargo xtask bench segment [--mb N]`: segments a generated text of N megabytes
/// (10^6 bytes) three times on one thread and reports the best run.
pub fn bench(args: &[&str]) -> Result<ExitCode> {
    let mut mb = DEFAULT_MB;
    let mut rest = args.iter();
    while let Some(&arg) = rest.next() {
        let value = match arg.strip_prefix("--mb") {
            Some("") => rest.next().copied(),
            Some(v) if v.starts_with('=') => Some(&v[1..]),
            _ => return crate::usage_error(&format!("unknown option `{arg}` for bench segment")),
        };
        mb = match value.and_then(|v| v.parse().ok()) {
            Some(n) if n > 0 => n,
            _ => return crate::usage_error("--mb needs a whole number of megabytes above 0"),
        };
    }
    let generating = Instant::now();
    let text = norwegian_text(mb * 1_000_000, SEED);
    let lines = text.lines().count();
    println!(
        "generated {:.1} MB of Norwegian-like text, {lines} lines, in {:.2} s",
        text.len() as f64 / 1e6,
        generating.elapsed().as_secs_f64()
    );

    let segmenter = Segmenter::default();
    let mut best = Duration::MAX;
    let mut segments = 0;
    for run in 1..=3 {
        let input = text.clone();
        let start = Instant::now();
        let doc = Document::parse("bench.txt".to_string(), input, &segmenter);
        let elapsed = start.elapsed();
        segments = std::hint::black_box(&doc).segments.len();
        drop(doc);
        println!("run {run}: {:.3} s, {:.1} MB/s", elapsed.as_secs_f64(), mb_per_s(text.len(), elapsed));
        best = best.min(elapsed);
    }
    let speed = mb_per_s(text.len(), best);
    let verdict = if speed >= TARGET_MB_PER_S { "meets" } else { "BELOW" };
    println!(
        "segment: best of 3 {:.3} s, {speed:.1} MB/s ({verdict} the {TARGET_MB_PER_S} MB/s target), \
         {segments} segments, {:.2} M segments/s",
        best.as_secs_f64(),
        segments as f64 / best.as_secs_f64() / 1e6
    );
    Ok(ExitCode::SUCCESS)
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

/// Bytes generated per chunk; chunks are generated in parallel, each from its own
/// seed, so the text is the same whatever the number of threads.
const CHUNK: usize = 1 << 20;

/// At least `bytes` of Norwegian-like magazine text made from `seed`: paragraphs on
/// their own lines, titles, questions, dialogue, abbreviations, ordinals, quotes,
/// numbers, URLs and no-break spaces, so that every rule of the segmenter is exercised.
pub fn norwegian_text(bytes: usize, seed: u64) -> String {
    let chunks = bytes.div_ceil(CHUNK);
    let parts: Vec<String> = (0..chunks as u64)
        .into_par_iter()
        .map(|i| {
            let mut rng = Rng::new(seed ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let vocabulary = Vocabulary::new();
            let mut out = String::with_capacity(CHUNK + 4096);
            while out.len() < CHUNK {
                paragraph(&mut rng, &vocabulary, &mut out);
            }
            out
        })
        .collect();
    parts.concat()
}

/// First words of sentences and titles, `|`-separated.
const STARTS: &str = "Det|Vi|Hun|Han|De|Kundene|Dette|Så|Men|Når|Jeg|Mitt mantra|Derfor|Målet|Alle|Bransjen|\
    Medarbeiderne|I dag|Fordelen";

/// Words inside sentences, whitespace-separated.
const WORDS: &str = "\
    er har skal må kan vil handler arbeider jobber snakker lover leverer trener skaper hjelper mener \
    viser og men for på i med til om at som det vi de den alle mange ikke også nå så både veldig helt \
    tydelige gode viktig nye egne kunden kundene kundeservice strøm mobil avtalen prisen målene teamet \
    samtalen dagen jobben løftet kulturen ledelsen tilbakemeldingen kundesenteret begeistring kjærlighet \
    organisasjonen strategien hverandre verdi effekten året måneden uka kolleger ansvar trening struktur \
    Oslo Bergen Stavanger Fjordkraft Lyse Telenor Irene Trine NRK Norge";

/// Phrases that the segmenter must not cut, and a few that it must.
const PHRASES: &[&str] = &[
    "f.eks. Telenor",
    "bl.a. Oslo og Bergen",
    "ca. 200 kunder",
    "kl. 10.00",
    "kl.\u{a0}16.30",
    "sak nr. 7",
    "dvs. kundene",
    "pga. været",
    "inkl. mva.",
    "mht. prisene",
    "jf. avtalen",
    "prof. Hansen",
    "dr. Nilsen",
    "St. Olavs plass",
    "adm. dir. Irene Fauskanger",
    "J. K. Rowling",
    "17. mai",
    "den 3. juni",
    "2. plass",
    "i 2. etasje",
    "22.11.2026",
    "1. jan. 2026",
    "3,5 prosent",
    "3.5 prosent",
    "1\u{a0}200 kr",
    "110 personer",
    "10 mill. kroner",
    "«kokt litt»",
    "(opplevd kundetilfredshet, red. kommentar)",
    "(se side 4. Der står alt)",
    "«Hva?» spurte hun",
    "www.fjordkraft.no",
    "post@lyse.no",
    "epler, pærer osv. og",
    "– tja –",
    "...",
];

/// What follows a quoted sentence, `|`-separated.
const SPEECH: &str = "sa hun.|sier han.|forteller Irene.|forklarer Øen.|spurte han.";

/// The generator's word lists, split once per chunk.
struct Vocabulary {
    starts: Vec<&'static str>,
    words: Vec<&'static str>,
    speech: Vec<&'static str>,
}

impl Vocabulary {
    fn new() -> Vocabulary {
        Vocabulary {
            starts: STARTS.split('|').collect(),
            words: WORDS.split_whitespace().collect(),
            speech: SPEECH.split('|').collect(),
        }
    }
}

/// How a sentence ends: mostly a full stop, sometimes a question, an ellipsis, a final
/// abbreviation, a year or a closing quote.
fn ending(rng: &mut Rng) -> &'static str {
    match rng.below(100) {
        0..=59 => ".",
        60..=69 => "?",
        70..=75 => "!",
        76..=77 => "?!",
        78..=80 => "...",
        81..=82 => "…",
        83..=85 => " osv.",
        86..=88 => " 250 kr.",
        89..=91 => " i 2017.",
        92..=93 => " m.fl.",
        94..=96 => ".»",
        _ => "!»",
    }
}

/// One sentence, possibly quoted, without a line break.
fn sentence(rng: &mut Rng, vocabulary: &Vocabulary, out: &mut String) {
    let ending = ending(rng);
    let quoted = ending.ends_with('»') || rng.chance(5);
    if quoted {
        out.push('«');
    }
    out.push_str(rng.pick(&vocabulary.starts));
    for _ in 0..rng.between(3, 16) {
        out.push(' ');
        if rng.chance(12) {
            out.push_str(rng.pick(PHRASES));
        } else {
            out.push_str(rng.pick(&vocabulary.words));
        }
        if rng.chance(6) {
            out.push(',');
        }
    }
    let ending = if quoted && !ending.ends_with('»') { "!»" } else { ending };
    out.push_str(ending);
    if quoted {
        out.push(' ');
        out.push_str(rng.pick(&vocabulary.speech));
    }
}

/// One line of text and its line break: a title, a question alone, or a paragraph of
/// prose or dialogue; now and then followed by a blank line.
fn paragraph(rng: &mut Rng, vocabulary: &Vocabulary, out: &mut String) {
    match rng.below(100) {
        0..=7 => {
            out.push_str(rng.pick(&vocabulary.starts));
            for _ in 0..rng.between(1, 5) {
                out.push(' ');
                out.push_str(rng.pick(&vocabulary.words));
            }
        }
        8..=17 => {
            out.push_str("Hva er ");
            for _ in 0..rng.between(2, 8) {
                out.push_str(rng.pick(&vocabulary.words));
                out.push(' ');
            }
            out.push_str("for deg?");
        }
        n => {
            let dialogue = n < 45;
            if rng.chance(3) {
                out.push('\u{a0}');
            }
            for i in 0..rng.between(1, 6) {
                if i > 0 {
                    out.push(' ');
                }
                if dialogue && (i == 0 || rng.chance(20)) {
                    out.push_str(if rng.chance(90) { "– " } else { "-\u{a0}" });
                }
                sentence(rng, vocabulary, out);
            }
        }
    }
    out.push('\n');
    if rng.chance(30) {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn align_finds_each_segment_in_order() {
        let source = "– Hei. Hei igjen.\n\nHei.";
        assert_eq!(align(source, "Hei.\nHei igjen.\nHei.\n").unwrap(), [8, 19, 25]);
        let err = align(source, "Hei igjen.\nHei.\nHei igjen.\n").unwrap_err();
        assert!(err.to_string().contains("line 3 of the gold file"), "{err}");
    }

    #[test]
    fn score_counts_shared_boundaries() {
        let s = Score::of(&[5, 10, 20], &[5, 12, 20, 30]);
        assert_eq!(s, Score { expected: 3, found: 4, matched: 2 });
        assert!((s.precision() - 0.5).abs() < 1e-9);
        assert!((s.recall() - 2.0 / 3.0).abs() < 1e-9);
        assert!((s.f1() - 4.0 / 7.0).abs() < 1e-9);
    }

    #[test]
    fn generated_text_is_deterministic_and_segments() {
        let a = norwegian_text(CHUNK + 1, 1);
        assert_eq!(a, norwegian_text(CHUNK + 1, 1));
        assert!(a.len() > CHUNK && a.ends_with('\n'));
        let doc = Document::parse("t".into(), a, &Segmenter::default());
        assert!(doc.segments.len() > 1000);
    }
}
