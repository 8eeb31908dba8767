//! `tolk segment`: print the sentences of documents, one per line or as JSON lines.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;
use tolk::document::Document;

use super::Global;

/// Print the segments (sentences) of documents, one per line
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to segment, `-` for plain text on stdin [default: corpus/]
    pub paths: Vec<PathBuf>,
    /// Print JSON lines with doc, id, line, index and text
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct JsonSegment<'a> {
    doc: &'a str,
    id: String,
    line: usize,
    index: usize,
    text: &'a str,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let segmenter = super::ui::segmenter(global)?;
    // `-` is plain text on stdin, as `match -i -` reads it; every other path a file or
    // folder of documents, in the order given. Without `-`, the paths (or the project's
    // corpus) are listed once, so each warning about them is said once.
    let docs = if !args.paths.iter().any(|p| p.as_os_str() == "-") {
        super::ui::documents(global, &args.paths, &segmenter)?
    } else {
        let mut docs = Vec::new();
        for path in &args.paths {
            if path.as_os_str() == "-" {
                let stdin = std::path::Path::new("stdin");
                let bytes = tolk::input::limits::read_lines(&mut io::stdin().lock(), stdin)?;
                docs.push(Document::from_bytes("-".into(), bytes, stdin, &segmenter)?);
            } else {
                docs.extend(super::ui::documents(global, std::slice::from_ref(path), &segmenter)?);
            }
        }
        docs
    };
    let mut out = BufWriter::new(io::stdout().lock());
    for doc in &docs {
        for s in &doc.segments {
            let text = doc.segment_text(s);
            if args.json {
                let record = JsonSegment {
                    doc: &doc.name,
                    id: s.id.to_string(),
                    line: s.location.line,
                    index: s.location.index,
                    text,
                };
                serde_json::to_writer(&mut out, &record)?;
                out.write_all(b"\n")?;
            } else {
                writeln!(out, "{text}")?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
