//! `cargo xtask fuzz TARGET --seconds N`: coverage-guided fuzzing of tolk's readers
//! with cargo-fuzz (libFuzzer), seeded from the repository's own files.
//!
//! The targets live in the `fuzz/` crate, outside the workspace so that `cargo test`
//! and clippy never build libFuzzer. cargo-fuzz wants a nightly compiler for its
//! flags; with `--sanitizer none` the only nightly thing left is `-Z`, which
//! `RUSTC_BOOTSTRAP=1` allows on the stable toolchain this project uses. Everything the
//! fuzzer makes (build, corpus, crash artifacts, scratch files) goes under
//! `target/fuzz/`, so a run leaves the source tree alone and the corpus grows from one
//! run to the next. libFuzzer stops at the first crash; `--keep-going` runs it in fork
//! mode, which restarts it after each crash and saves every crashing input, so a
//! known bug does not end the search for others. This task installs nothing: without
//! cargo-fuzz it says how to get it. CI does not fuzz; it is too slow for that.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// The targets: name, what it checks, and the file extensions its seeds have.
const TARGETS: [(&str, &str, &[&str]); 8] = [
    ("segment", "segmenting any text is lossless", &["txt"]),
    ("document", "every document format reads losslessly or refuses", &["md", "html", "docx", "odt"]),
    ("import_csv", "reading and checking a translator's CSV batch", &["csv", "tsv"]),
    ("memory_csv", "reading a memory CSV, and its write-read round trip", &["csv"]),
    ("xliff", "reading and checking an XLIFF batch", &["xlf", "xliff"]),
    ("tmx", "reading TMX, and its write-read round trip", &["tmx"]),
    ("merge", "merging any entries leaves a memory that loads", &["tmx", "tsv"]),
    ("search", "the index finds exactly what the exhaustive scan finds", &["txt"]),
];

/// The folders seeds are taken from (recursively), relative to the repository root.
const SEED_DIRS: [&str; 4] = ["corpus", "memory", "tests/data", "tests/gold"];

/// What a finished run reports.
#[derive(Debug, Default, PartialEq)]
struct Stats {
    executions: Option<u64>,
    seconds: Option<u64>,
}

/// `cargo xtask fuzz TARGET [--seconds N] [--keep-going]`: fuzzes TARGET for N seconds
/// (60 by default); it stops at the first crash unless `--keep-going`.
pub fn run(args: &[&str]) -> Result<ExitCode> {
    let mut seconds = 60;
    let mut keep_going = false;
    let (target, mut options) = match args {
        [] | ["--list"] => {
            print!("{}", target_list());
            return Ok(ExitCode::SUCCESS);
        }
        [target, options @ ..] => (*target, options),
    };
    while let [option, rest @ ..] = options {
        match (*option, rest) {
            ("--seconds", [n, rest @ ..]) => {
                let Some(n) = n.parse::<u64>().ok().filter(|&n| n > 0) else {
                    return crate::usage_error(&format!(
                        "--seconds takes a whole number above 0, found `{n}`"
                    ));
                };
                seconds = n;
                options = rest;
            }
            ("--keep-going", rest) => {
                keep_going = true;
                options = rest;
            }
            _ => return crate::usage_error(&format!("cannot read `fuzz {}`", args.join(" "))),
        }
    }
    let Some(&(_, _, extensions)) = TARGETS.iter().find(|(name, _, _)| *name == target) else {
        return crate::usage_error(&format!(
            "no fuzz target `{target}`; the targets are:\n{}",
            target_list()
        ));
    };
    require_cargo_fuzz()?;

    let root = crate::project_root();
    let work = root.join("target/fuzz");
    let corpus = work.join("corpus").join(target);
    let artifacts = work.join("artifacts").join(target);
    let scratch = work.join("tmp").join(target);
    for dir in [&corpus, &artifacts, &scratch] {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let seeded = seed(&root, extensions, &corpus)?;
    match target {
        "xliff" => write_xliff_seed(&root, &corpus)?,
        "tmx" => write_tmx_seed(&root, &corpus)?,
        _ => {}
    }
    let crashes_before = crash_files(&artifacts)?;
    eprintln!("fuzz {target}: {seconds} s, corpus {} ({seeded} seed files)", corpus.display());

    let start = Instant::now();
    let mut child = Command::new("cargo")
        .current_dir(&root)
        // The one nightly flag cargo-fuzz still passes with `--sanitizer none`.
        .env("RUSTC_BOOTSTRAP", "1")
        // Scratch files of a target (the memory reader takes a path) stay in target/.
        .env("TMPDIR", &scratch)
        .args(["fuzz", "run", "--fuzz-dir", "fuzz", "--sanitizer", "none", "--debug-assertions"])
        .arg("--target-dir")
        .arg(work.join("build"))
        .arg(target)
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        // Past a known crash: fuzz in a child process that is restarted after each
        // crash, saving every crashing input.
        .args(if keep_going { &["-fork=1", "-ignore_crashes=1"][..] } else { &[] })
        .stderr(Stdio::piped())
        .spawn()
        .context("starting cargo fuzz")?;
    let mut stats = Stats::default();
    for line in BufReader::new(child.stderr.take().expect("piped stderr")).lines() {
        let line = line.context("reading the fuzzer's output")?;
        eprintln!("{line}");
        stats.read(&line);
    }
    let status = child.wait().context("waiting for cargo fuzz")?;
    let _ = std::fs::remove_dir_all(&scratch);

    let crashes: Vec<PathBuf> =
        crash_files(&artifacts)?.into_iter().filter(|p| !crashes_before.contains(p)).collect();
    let executions = stats.executions.map_or_else(|| "unknown".to_string(), |n| n.to_string());
    let ran = stats.seconds.unwrap_or_else(|| start.elapsed().as_secs());
    let plural = if crashes.len() == 1 { "" } else { "es" };
    println!("fuzz {target}: {ran} s, {executions} executions, {} crash{plural}", crashes.len());
    for crash in &crashes {
        println!(
            "  {}\n  reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz --sanitizer none -a \
             --target-dir target/fuzz/build {target} {}",
            crash.display(),
            crash.display()
        );
    }
    if !crashes.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    if !status.success() && !keep_going {
        bail!("cargo fuzz failed ({status}) without leaving a crash input; see its output above");
    }
    Ok(ExitCode::SUCCESS)
}

fn target_list() -> String {
    TARGETS.iter().map(|(name, what, _)| format!("  {name:<12} {what}\n")).collect()
}

/// Fails with the command to run when cargo-fuzz is not installed.
fn require_cargo_fuzz() -> Result<()> {
    let found = Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        bail!(
            "cargo-fuzz is not installed; install it with `cargo install cargo-fuzz` \
             (building libFuzzer also needs a C++ compiler, e.g. `apt-get install g++`), then run this again"
        );
    }
    Ok(())
}

/// Copies every file under [`SEED_DIRS`] with one of `extensions` into `corpus` (as
/// `seed-<path>`, so the fuzzer's own files are never overwritten); returns how many
/// seed files the corpus has.
fn seed(root: &Path, extensions: &[&str], corpus: &Path) -> Result<usize> {
    let mut count = 0;
    for dir in SEED_DIRS {
        for path in files_under(&root.join(dir))? {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !extensions.contains(&ext) {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace(['/', '\\'], "-");
            let dest = corpus.join(format!("seed-{rel}"));
            std::fs::copy(&path, &dest)
                .with_context(|| format!("copying {} to {}", path.display(), dest.display()))?;
            count += 1;
        }
    }
    Ok(count)
}

/// An XLIFF batch of the bundled corpus as `tolk export --format xliff` writes it, so
/// the XLIFF fuzzer starts from ids the checks know.
fn write_xliff_seed(root: &Path, corpus: &Path) -> Result<()> {
    let docs = tolk::corpus::read(&[root.join("corpus")], &tolk::segment::Segmenter::default())?;
    let memory = tolk::memory::Memory::default();
    let index = tolk::index::IndexBuilder::build(&memory);
    let batch = tolk::batch::Batch::prepare(&docs, &memory, &index, 50, false);
    let xliff = tolk::batch::xliff::render(&batch)?;
    let dest = corpus.join("seed-bundled-corpus.xlf");
    std::fs::write(&dest, xliff).with_context(|| format!("writing {}", dest.display()))
}

/// The bundled memory as TMX, as tolk writes it, so the TMX fuzzer starts from a
/// file with every field tolk exchanges.
fn write_tmx_seed(root: &Path, corpus: &Path) -> Result<()> {
    let memory = tolk::memory::Memory::load(&root.join("memory"))?;
    let dest = corpus.join("seed-bundled-memory.tmx");
    let file = std::fs::File::create(&dest).with_context(|| format!("creating {}", dest.display()))?;
    tolk::exchange::tmx::write(&memory, std::io::BufWriter::new(file))
        .with_context(|| format!("writing {}", dest.display()))
}

/// Every file under `dir`, recursively (none if it does not exist).
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(out) };
    for entry in entries {
        let path = entry.with_context(|| format!("listing {}", dir.display()))?.path();
        if path.is_dir() {
            out.extend(files_under(&path)?);
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The inputs libFuzzer saved for crashes, timeouts and running out of memory.
fn crash_files(artifacts: &Path) -> Result<Vec<PathBuf>> {
    Ok(files_under(artifacts)?
        .into_iter()
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            ["crash-", "oom-", "timeout-", "leak-"].iter().any(|k| name.starts_with(k))
        })
        .collect())
}

impl Stats {
    /// Takes the figures from libFuzzer's closing lines (`-print_final_stats=1`), or in
    /// fork mode from its running totals.
    fn read(&mut self, line: &str) {
        if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            self.executions = n.trim().parse().ok();
        } else if let Some(rest) = line.strip_prefix("Done ") {
            // "Done 11476777 runs in 4 second(s)"
            if let [runs, "runs", "in", secs, ..] = rest.split_whitespace().collect::<Vec<_>>()[..] {
                self.executions = self.executions.or(runs.parse().ok());
                self.seconds = secs.parse().ok();
            }
        } else if let (Some(rest), Some((_, time))) = (line.strip_prefix('#'), line.split_once(" time: ")) {
            // "#123456: cov: 1 ft: 2 corp: 3 exec/s: 4 oom/timeout/crash: 0/0/1 time: 60s job: 9 ..."
            if line.contains(" oom/timeout/crash: ") {
                self.executions = rest.split(':').next().and_then(|n| n.parse().ok());
                self.seconds = time.split('s').next().and_then(|n| n.parse().ok());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_figures_are_read() {
        let mut stats = Stats::default();
        for line in [
            "#2\tINITED cov: 6 ft: 7",
            "Done 11476777 runs in 4 second(s)",
            "stat::number_of_executed_units: 11476777",
        ] {
            stats.read(line);
        }
        assert_eq!(stats, Stats { executions: Some(11_476_777), seconds: Some(4) });
    }
}
