//! `tolk build`: assemble the English editions of documents and write them to out/en/,
//! all or nothing unless `--partial`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use tolk::document::Document;
use tolk::edition::{self, Edition, Fill};

use super::Global;

/// How many missing segments are listed before the rest are only counted.
const LIST_MISSING: usize = 20;

/// Assemble the English editions of documents from the translation memory
///
/// Every sentence is replaced by its translation (a 100% match in the memory), and
/// everything around the sentences (line breaks, blank lines, dialogue dashes) is kept as
/// it is, so an edition has exactly the lines of its source. Each edition is written to
/// --out under its source's file name, replacing any older one in a single step.
///
/// All or nothing: if any sentence of any document has no translation, nothing is written
/// and the missing sentences are listed as `doc:line: text`. Then either run `tolk export`
/// to make a batch of them for translators, or build anyway with --partial.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to build [default: corpus/]
    pub paths: Vec<PathBuf>,
    /// The folder the editions are written to
    #[arg(long, value_name = "DIR", default_value = "out/en")]
    pub out: PathBuf,
    /// Write the editions even if sentences are missing, keeping those in Norwegian
    #[arg(long)]
    pub partial: bool,
    /// Check the layout without translations or a memory: `accented` (the default) writes
    /// every sentence as [Ŝéñţéñçé ~~~], bracketed, accented and 30% longer; `identity`
    /// writes the source unchanged
    #[arg(
        long,
        value_enum,
        value_name = "KIND",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "accented"
    )]
    pub pseudo: Option<Pseudo>,
}

/// The test fills of `--pseudo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Pseudo {
    /// Bracketed, accented and padded sentences
    Accented,
    /// The source, byte for byte
    Identity,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    // The pseudo fills need no memory, so a missing or broken one does not stop them.
    let mut memory = None;
    let fill = match args.pseudo {
        Some(Pseudo::Accented) => Fill::Pseudo,
        Some(Pseudo::Identity) => Fill::Identity,
        None => Fill::Memory(memory.insert(super::ui::load(global, &global.memory)?)),
    };

    let segmenter = super::ui::segmenter(global)?;
    let sources = tolk::corpus::files(&super::corpus_paths(args.paths))?;
    let mut editions = Vec::with_capacity(sources.len());
    for path in &sources {
        editions.push(edition::assemble(&Document::read(path, &segmenter)?, fill));
    }
    let out_paths = edition::out_paths(&editions, &sources, &args.out)?;

    let untranslated: usize = editions.iter().map(|e| e.missing.len()).sum();
    if untranslated > 0 && !args.partial {
        list_missing(&editions)?;
        bail!(
            "{} no translation, so nothing was written; make a batch for translators with \
             `tolk export`, or build with --partial to keep them in Norwegian",
            plural(untranslated, "segment has", "segments have")
        );
    }

    for (edition, path) in editions.iter().zip(&out_paths) {
        tolk::store::write_atomic(path, edition.text.as_bytes())?;
    }

    if super::ui::chatty(global) {
        let segments: usize = editions.iter().map(Edition::segments).sum();
        let words: usize = editions.iter().map(|e| e.words).sum();
        let mut summary = format!(
            "wrote {} to {}: {}, {}, {untranslated} untranslated",
            plural(editions.len(), "edition", "editions"),
            args.out.display(),
            plural(segments, "segment", "segments"),
            plural(words, "word", "words"),
        );
        if untranslated > 0 {
            summary.push_str(" (kept in Norwegian)");
        }
        writeln!(io::stderr(), "{summary}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists the first [`LIST_MISSING`] missing segments on stderr, then counts the rest.
fn list_missing(editions: &[Edition]) -> io::Result<()> {
    let mut err = io::stderr().lock();
    let missing: Vec<_> = editions.iter().flat_map(|e| &e.missing).collect();
    for m in missing.iter().take(LIST_MISSING) {
        writeln!(err, "{}:{}: {}", m.doc, m.line, m.text)?;
    }
    if missing.len() > LIST_MISSING {
        writeln!(err, "... and {} more", missing.len() - LIST_MISSING)?;
    }
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
