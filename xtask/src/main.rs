//! `cargo xtask`: the project's own tasks that are not part of `tolk` itself, such as
//! measuring the segmenter against the gold files and timing it on a large generated
//! text. One binary, one dispatch `match` below, one module per area of work; the
//! arguments are parsed by hand so that the tasks build quickly. Nothing here is
//! shipped to users, and nothing in `tolk` depends on it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

mod documents;
mod fuzz;
mod matching;
mod rng;
mod segment;
mod server;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  eval-segment             precision, recall and F1 of the sentence boundaries
                           against the gold files in tests/gold/, the UD
                           treebank in ../shared/data/ud-nob-dev (when there)
                           and the held-out texts in tests/data/segment/
  bench segment [--mb N]   time segmenting N MB of generated Norwegian text
                           (default 64), best of 3 runs on one thread
  bench document [--pages N]
                           time reading and building a long article (default
                           100 pages) in each format with markup, made from
                           the test documents in tests/data/documents/
  gen-tm --entries N --out FILE [--seed S]
                           write a synthetic memory CSV of N entries
  bench match [--entries 100000,1000000] [--queries 10000] [--min-score 50]
              [--top 1] [--scan-sample N] [--latency 2000] [--seed S]
              [--breakdown] [--rapidfuzz] [--memory FILE] [--queries-from FILE]
                           time loading, indexing and searching a generated
                           memory (or a real one, any file `tm import` reads,
                           --entries then samples it), and check the index
                           against the scan; queries one a line from a file
  bench server [--entries 1000000] [--import-rows 2000] [--clients 1,8]
               [--seed S]
                           time a memory on PostgreSQL with the release
                           binary: push, loading it whole, a project's kept
                           copy, imports by 1 and by 8 clients at once; a
                           throwaway cluster from .ci/postgres unless
                           TOLK_BENCH_POSTGRES names a superuser URL
                           (--entries 100000 is the quick run)
  fuzz TARGET [--seconds N] [--keep-going]
                           coverage-guided fuzzing with cargo-fuzz (default 60 s,
                           stops at the first crash unless --keep-going);
                           `fuzz --list` names the targets
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The single dispatch: a task's words, then its own options, handed to its module.
fn run(args: &[&str]) -> Result<ExitCode> {
    match args {
        ["eval-segment", rest @ ..] => segment::eval(rest),
        ["bench", "segment", rest @ ..] => segment::bench(rest),
        ["bench", "match", rest @ ..] => matching::bench(rest),
        ["bench", "open-first", rest @ ..] => matching::open_first(rest),
        ["bench", "document", rest @ ..] => documents::bench(rest),
        ["bench", "server", rest @ ..] => server::bench(rest),
        ["gen-tm", rest @ ..] => matching::gen_tm(rest),
        ["fuzz", rest @ ..] => fuzz::run(rest),
        ["help" | "-h" | "--help"] => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        [] => {
            eprint!("error: no task given\n\n{USAGE}");
            Ok(ExitCode::from(2))
        }
        _ => {
            eprint!("error: unknown task `{}`\n\n{USAGE}", args.join(" "));
            Ok(ExitCode::from(2))
        }
    }
}

/// Prints `message` to stderr, with where the usage is, and exits with 2, as a usage
/// error of a task (the whole usage would bury the one line that matters).
pub fn usage_error(message: &str) -> Result<ExitCode> {
    eprintln!("error: {message}\n\nFor the tasks and their options, run `cargo xtask help`.");
    Ok(ExitCode::from(2))
}

/// The workspace root, wherever cargo runs the task from.
pub fn project_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}
