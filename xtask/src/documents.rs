//! `cargo xtask bench document`: time reading (segmenting) and building a long article
//! in each format with markup, generated from the test documents in
//! `tests/data/documents/` by repeating their body until it holds the pages asked for
//! (a page being 500 words, as publishers count), so the markup is the one Word,
//! LibreOffice and the CMS write, not a generator's.

use std::io::{Cursor, Read, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use tolk::document::Document;
use tolk::edition::{self, Fill};
use tolk::memory::Memory;
use tolk::segment::Segmenter;

/// Words on a page.
const WORDS_PER_PAGE: usize = 500;

/// The target: a 100-page document segments and builds in under a second.
const TARGET: Duration = Duration::from_secs(1);

pub fn bench(args: &[&str]) -> Result<ExitCode> {
    let mut pages = 100usize;
    let mut rest = args.iter();
    while let Some(&arg) = rest.next() {
        let value = match arg.strip_prefix("--pages") {
            Some("") => rest.next().copied(),
            Some(v) if v.starts_with('=') => Some(&v[1..]),
            _ => return crate::usage_error(&format!("unknown option `{arg}` for bench document")),
        };
        pages = match value.and_then(|v| v.parse().ok()) {
            Some(n) if n > 0 => n,
            _ => return crate::usage_error("--pages needs a whole number above 0"),
        };
    }
    let root = crate::project_root();
    let data = root.join("tests/data/documents");
    let memory = Memory::load(&root.join("memory")).context("loading memory/")?;
    let segmenter = Segmenter::default();
    let dir = tempfile_dir()?;
    let mut verdicts = Vec::new();
    for (file, kind) in [
        ("lyse-dialog-trine-vestre-oen.docx", Kind::Zip("word/document.xml", "<w:body>", "<w:sectPr")),
        ("lyse-dialog-trine-vestre-oen.odt", Kind::Zip("content.xml", "<office:text>", "</office:text>")),
        ("fjordkraft-irene-fauskanger.md", Kind::Text("\n# ", "")),
        ("fjordkraft-irene-fauskanger.html", Kind::Text("<body>", "</body>")),
    ] {
        let source = data.join(file);
        let Ok(bytes) = std::fs::read(&source) else {
            println!("{file}: not there, skipped");
            continue;
        };
        let probe = dir.join(format!("probe-{file}"));
        std::fs::write(&probe, &bytes)?;
        let one = match Document::read(&probe, &segmenter) {
            Ok(doc) => doc,
            Err(e) => {
                println!("{file}: not read ({e}), skipped");
                continue;
            }
        };
        let words: usize = one.segments.iter().map(|s| tolk::text::word_count(&s.text)).sum();
        // The body repeated is a little less than the whole: repeat until the words
        // reach the pages asked for.
        let target = pages * WORDS_PER_PAGE;
        let mut copies = target.div_ceil(words.max(1));
        let path = dir.join(format!("long-{file}"));
        let long = loop {
            let long = repeat(&bytes, kind, copies).with_context(|| format!("repeating {file}"))?;
            std::fs::write(&path, &long)?;
            let doc = Document::read(&path, &segmenter).map_err(|e| anyhow!("{e}"))?;
            let got: usize = doc.segments.iter().map(|s| tolk::text::word_count(&s.text)).sum();
            if got >= target {
                break long;
            }
            copies = (copies * target).div_ceil(got.max(1)).max(copies + 1);
        };

        let (mut read_best, mut build_best) = (Duration::MAX, Duration::MAX);
        let (mut segments, mut words, mut out_len) = (0, 0, 0);
        for _ in 0..3 {
            let start = Instant::now();
            let doc = Document::read(&path, &segmenter).map_err(|e| anyhow!("{e}"))?;
            let read = start.elapsed();
            let start = Instant::now();
            let pseudo = edition::assemble(&doc, Fill::Pseudo).map_err(|e| anyhow!("{e}"))?;
            let translated = edition::assemble(&doc, Fill::Memory(&memory)).map_err(|e| anyhow!("{e}"))?;
            let build = start.elapsed() / 2;
            segments = doc.segments.len();
            words = doc.segments.iter().map(|s| tolk::text::word_count(&s.text)).sum();
            out_len = std::hint::black_box(pseudo.bytes.len() + translated.bytes.len()) / 2;
            read_best = read_best.min(read);
            build_best = build_best.min(build);
        }
        let total = read_best + build_best;
        let verdict = if total < TARGET { "meets" } else { "BELOW" };
        println!(
            "{:<5} {:>4} pages ({words} words, {segments} segments, {:.1} MB in, {:.1} MB out): read and \
             segment {:.3} s, build {:.3} s, together {:.3} s ({verdict} the 1 s target for 100 pages)",
            one.format,
            words / WORDS_PER_PAGE,
            long.len() as f64 / 1e6,
            out_len as f64 / 1e6,
            read_best.as_secs_f64(),
            build_best.as_secs_f64(),
            total.as_secs_f64(),
        );
        verdicts.push(total < TARGET);
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(if verdicts.iter().all(|&v| v) { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Where the body of a document is, to repeat it.
#[derive(Clone, Copy)]
enum Kind {
    /// An XML entry of a zip, and the markers the body lies between (after the first,
    /// before the last occurrence of the second).
    Zip(&'static str, &'static str, &'static str),
    /// A text file and its markers (an empty end marker: the end of the file).
    Text(&'static str, &'static str),
}

/// `bytes` with the body repeated `copies` times.
fn repeat(bytes: &[u8], kind: Kind, copies: usize) -> Result<Vec<u8>> {
    let body = |text: &str, open: &str, close: &str| -> Result<String> {
        let start = text.find(open).ok_or_else(|| anyhow!("no {open}"))? + open.len();
        let end = if close.is_empty() {
            text.len()
        } else {
            text.rfind(close).ok_or_else(|| anyhow!("no {close}"))?
        };
        let mut out = String::with_capacity(text.len() * copies);
        out.push_str(&text[..start]);
        for _ in 0..copies {
            out.push_str(&text[start..end]);
        }
        out.push_str(&text[end..]);
        Ok(out)
    };
    match kind {
        Kind::Text(open, close) => Ok(body(std::str::from_utf8(bytes)?, open, close)?.into_bytes()),
        Kind::Zip(entry, open, close) => {
            let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
            let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
            for i in 0..archive.len() {
                let mut file = archive.by_index(i)?;
                let name = file.name()?.to_string();
                let options = zip::write::SimpleFileOptions::default().compression_method(file.compression());
                let mut content = Vec::new();
                file.read_to_end(&mut content)?;
                if name == entry {
                    content = body(std::str::from_utf8(&content)?, open, close)?.into_bytes();
                }
                out.start_file(name, options)?;
                out.write_all(&content)?;
            }
            Ok(out.finish()?.into_inner())
        }
    }
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("tolk-bench-document-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
