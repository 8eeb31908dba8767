//! `cargo xtask bench server`: times tolk's memory on PostgreSQL end to end, through the
//! release binary as people run it. In a fresh database it pushes a generated memory of
//! N entries (the `bench match` generator's, cached under `target/bench/`), loads the
//! whole memory from the server and indexes it as a read outside a project does,
//! reopens a project's kept copy in `.tolk/cache/` (unchanged, then after another
//! client's small import), and imports new sentences by one client and by several at
//! once, each into the big memory. It checks what is cheap to check: the server's entry
//! count afterwards, and that looked-up sentences (one pushed, the imported ones) are
//! found at 100%. The report is one line per figure, with its target where there is one
//! and the command that made it. The server is a throwaway cluster started with
//! `.ci/postgres`, or the superuser URL in `TOLK_BENCH_POSTGRES`; each run makes its
//! own database and drops it at the end.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::matching::{self, count, render, thousands, Language, Options};
use crate::rng::Rng;

/// Lookups in a project whose kept copy is current, and small imports each followed by
/// a lookup: the figure is their median.
const REPEATS: usize = 3;

/// A lookup in a project whose kept copy is current: "well under a second".
const TARGET_REOPEN: Duration = Duration::from_secs(1);

/// Mixed into the seed for the imported sentences, so that they are not the memory's.
const IMPORT_SALT: u64 = 0x696d_706f_7274;

/// The first number written into an imported sentence: each gets its own, above every
/// number the generator writes (at most 99,999), so no two sentences of a run are the
/// same and none is already in the memory.
const FIRST_SERIAL: usize = 1_000_000;

/// The most clients at once: each holds a connection, and `.ci/postgres` allows 200.
const MAX_CLIENTS: usize = 100;

/// The throwaway cluster's max_wal_size.
const MAX_WAL: &str = "256MB";

/// The environment variable naming a server to use instead of a throwaway cluster.
const SERVER_VAR: &str = "TOLK_BENCH_POSTGRES";

/// What `bench server` is asked to do.
#[derive(Debug, PartialEq)]
struct Config {
    entries: usize,
    import_rows: usize,
    clients: Vec<usize>,
    seed: u64,
}

impl Config {
    /// `[--entries 1000000] [--import-rows 2000] [--clients 1,8] [--seed S]`; an error is
    /// a usage message.
    fn parse(args: &[&str]) -> Result<Config, String> {
        let known = ["--entries", "--import-rows", "--clients", "--seed"];
        let opts = Options::parse("bench server", args, &known, &[])?;
        let positive = |name: &str, default: usize| match opts.get(name) {
            None => Ok(default),
            Some(v) => count(v).ok_or_else(|| format!("{name} needs a number above 0, found `{v}`")),
        };
        let clients = opts
            .get("--clients")
            .unwrap_or("1,8")
            .split(',')
            .map(|s| match s.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_CLIENTS).contains(&n) => Ok(n),
                _ => Err(format!("--clients needs numbers from 1 to {MAX_CLIENTS}, found `{s}`")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Config {
            entries: positive("--entries", 1_000_000)?,
            import_rows: positive("--import-rows", 2_000)?,
            clients,
            seed: opts.number("--seed", matching::SEED)?,
        })
    }
}

/// `cargo xtask bench server [--entries 1000000] [--import-rows 2000] [--clients 1,8]
/// [--seed S]`.
pub fn bench(args: &[&str]) -> Result<ExitCode> {
    let config = match Config::parse(args) {
        Ok(c) => c,
        Err(message) => return crate::usage_error(&message),
    };
    let root = crate::project_root();
    println!(
        "bench server: {} entries, imports of {} rows by {} at once; {} cores; load {}",
        thousands(config.entries),
        thousands(config.import_rows),
        config
            .clients
            .iter()
            .map(|c| format!("{c} client{}", if *c == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(" and "),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        matching::load_average().unwrap_or_else(|| "unknown".into())
    );

    // 1. The release binary, a server, a fresh database with tolk's schema.
    let tolk = build_tolk(&root)?;
    let admin = match std::env::var(SERVER_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => start_cluster(&root)?,
    };
    let version = psql(&admin, "SHOW server_version")?;
    let db = Database::create(&admin, &format!("bench_server_{}", std::process::id()))?;
    let url = db.url.clone();
    let scratch = Scratch::new()?;
    let outside = scratch.0.join("outside");
    let project = scratch.0.join("project");
    std::fs::create_dir_all(&outside)?;
    std::fs::create_dir_all(&project)?;
    let runner = Runner::new(tolk, scratch.0.clone());
    runner.run(&outside, &["server", "init", &url])?;

    let csv = matching::cached_tm(config.entries, config.seed)?;
    let csv_text = csv.to_string_lossy().into_owned();
    let sentence = source_at(&csv, config.entries / 2)?;
    let names = [(url.as_str(), "$URL"), (csv_text.as_str(), "$CSV"), (sentence.as_str(), "\"$S\"")];
    let shown = |args: &[&str]| format!("tolk {}", command_line(args, &names));
    println!("PostgreSQL {version}, tolk {}", runner.tolk.display());
    println!("  URL={url}");
    println!("  CSV={csv_text} ({:.0} MB)", std::fs::metadata(&csv).map_or(0, |m| m.len()) as f64 / 1e6);
    println!("  S={sentence:?} (entry {} of the CSV)", thousands(config.entries / 2 + 1));
    println!(
        "  (commands outside a project run in an empty folder, those in the project where its tolk.toml is)"
    );
    let mut report = Report::default();

    // 2. Push.
    let args = ["--quiet", "--memory", &csv_text, "tm", "push", &url];
    let push = runner.run(&outside, &args)?;
    let pushed = entry_count(&url)?;
    report.line(
        "push",
        format!(
            "{} entries in {}, {} entries/s, peak {}{}",
            thousands(pushed),
            secs(push.elapsed),
            thousands(per_second(pushed, push.elapsed)),
            mb(push.peak),
            if pushed == config.entries {
                String::new()
            } else {
                format!(" ({} of the CSV's were already there)", thousands(config.entries - pushed))
            }
        ),
        &shown(&args),
    );

    // 3. The whole memory from the server, indexed, outside a project.
    let args = ["--quiet", "--memory", &url, "lookup", "--json", "--top", "1", &sentence];
    let snapshot = runner.run(&outside, &args)?;
    let found = check_found(&snapshot.stdout, &sentence);
    report.line(
        "snapshot load + index",
        format!(
            "{}, peak {} (outside a project: every read command does this)",
            secs(snapshot.elapsed),
            mb(snapshot.peak)
        ),
        &shown(&args),
    );
    report.check(&format!("the pushed sentence S found at 100%{}", found_how(&found)), found.is_ok());

    // 4. A project's kept copy: made, reopened, refreshed after another client writes.
    std::fs::write(project.join("tolk.toml"), format!("memory = \"{}\"\n", toml_escape(&url)))?;
    let args = ["--quiet", "lookup", "--json", "--top", "1", &sentence];
    let first = runner.run(&project, &args)?;
    report.line(
        "project, first lookup",
        format!(
            "{}, peak {} (loads, indexes and keeps .tolk/cache: {})",
            secs(first.elapsed),
            mb(first.peak),
            mb(Some(dir_bytes(&project.join(".tolk"))))
        ),
        &shown(&args),
    );
    let mut reopens = Vec::with_capacity(REPEATS);
    let mut all_found = true;
    for _ in 0..REPEATS {
        let again = runner.run(&project, &args)?;
        let found = check_found(&again.stdout, &sentence);
        report
            .check_failed(&format!("a reopened lookup found S at 100%{}", found_how(&found)), found.is_ok());
        all_found &= found.is_ok();
        reopens.push(again);
    }
    let median = spread(&elapsed(&reopens)).1;
    report.line(
        "project, lookup again",
        format!(
            "{}, peak {}   target < {}: {}",
            repeated(&elapsed(&reopens)),
            mb(peak(&reopens)),
            secs(TARGET_REOPEN),
            verdict(median < TARGET_REOPEN)
        ),
        &shown(&args),
    );
    report.check(&format!("each of the {REPEATS} lookups again found S at 100%"), all_found);

    let language = Language::new();
    let mut all_found = true;
    let mut rng = Rng::new(config.seed ^ IMPORT_SALT);
    let mut serial = FIRST_SERIAL;
    let (mut small, mut refreshes) = (Vec::with_capacity(REPEATS), Vec::with_capacity(REPEATS));
    let mut last = String::new();
    for _ in 0..REPEATS {
        let one = import_rows(&language, &mut rng, &mut serial, 1);
        write_tsv(&outside.join("one.tsv"), &one)?;
        small.push(runner.run(&outside, &["--quiet", "--memory", &url, "tm", "import", "one.tsv"])?);
        let refreshed = runner.run(&project, &["--quiet", "lookup", "--json", "--top", "1", &one[0].0])?;
        let found = check_found(&refreshed.stdout, &one[0].0);
        report.check_failed(
            &format!("the imported row found at 100% through the refreshed copy{}", found_how(&found)),
            found.is_ok(),
        );
        all_found &= found.is_ok();
        refreshes.push(refreshed);
        last.clone_from(&one[0].0);
    }
    report.line(
        "another client imports 1 row",
        format!(
            "{}, peak {} (reads the whole memory under the lock)",
            repeated(&elapsed(&small)),
            mb(peak(&small))
        ),
        &shown(&["--quiet", "--memory", &url, "tm", "import", "one.tsv"]),
    );
    report.line(
        "project, lookup after it",
        format!(
            "{}, peak {} (fetches the 1 row written since, rebuilds the index)",
            repeated(&elapsed(&refreshes)),
            mb(peak(&refreshes))
        ),
        "tolk --quiet lookup --json --top 1 \"<its sentence>\"",
    );
    report.check(
        &format!("each of the {REPEATS} imported rows found at 100% through the refreshed copy"),
        all_found,
    );
    let mut imported = REPEATS;

    // 5. Imports by 1 and by several clients at once, each of its own new sentences.
    let mut rounds: Vec<(usize, Duration, Duration)> = Vec::new();
    for &clients in &config.clients {
        let mut files = Vec::with_capacity(clients);
        for c in 1..=clients {
            let rows = import_rows(&language, &mut rng, &mut serial, config.import_rows);
            let name = format!("clients-{clients}-{c}.tsv");
            write_tsv(&outside.join(&name), &rows)?;
            last = rows[rows.len() - 1].0.clone();
            files.push(name);
        }
        let runs = runner.run_together(&outside, &files, &url)?;
        let latencies: Vec<Duration> = runs.iter().map(|r| r.1).collect();
        let wall = runs.iter().map(|r| r.0 + r.1).max().unwrap_or_default();
        let rows = clients * config.import_rows;
        imported += rows;
        let (min, median, max) = spread(&latencies);
        let peak = runs.iter().filter_map(|r| r.2).max();
        rounds.push((clients, wall, median));
        report.line(
            &format!("import, {clients} client{}", if clients == 1 { "" } else { "s" }),
            format!(
                "{} rows in {} wall, {} rows/s; per import min {} median {} max {}; peak {}",
                thousands(rows),
                secs(wall),
                thousands(per_second(rows, wall)),
                secs(min),
                secs(median),
                secs(max),
                mb(peak)
            ),
            &if clients == 1 {
                format!("tolk --quiet --memory $URL tm import {}", files[0])
            } else {
                format!(
                    "{clients} × tolk --quiet --memory $URL tm import clients-{clients}-N.tsv, started together"
                )
            },
        );
    }
    if let Some(&(_, one_wall, _)) = rounds.iter().find(|r| r.0 == 1) {
        for &(clients, wall, median) in rounds.iter().filter(|r| r.0 > 1) {
            report.note(&format!(
                "{clients} clients at once: wall {:.1}× and median latency {:.1}× one client's import \
                 (each import reads the whole memory under the server's lock, so they run one after another)",
                wall.as_secs_f64() / one_wall.as_secs_f64().max(1e-9),
                median.as_secs_f64() / one_wall.as_secs_f64().max(1e-9)
            ));
        }
    }

    // 6. What the server holds, and an imported sentence through the project's copy.
    check_count(&mut report, &url, pushed, imported)?;
    let args = ["--quiet", "lookup", "--json", "--top", "1", &last];
    let after = runner.run(&project, &args)?;
    let found = check_found(&after.stdout, &last);
    report.line(
        "project, lookup after imports",
        format!(
            "{}, peak {} (fetches the {} rows written since)",
            secs(after.elapsed),
            mb(after.peak),
            thousands(imported - REPEATS)
        ),
        "tolk --quiet lookup --json --top 1 \"<the last imported sentence>\"",
    );
    report.check(&format!("the last imported sentence found at 100%{}", found_how(&found)), found.is_ok());

    // 7. An import from the project, whose kept copy is now up to date: the write starts
    //    from it and reads only the rows written since, not the whole memory.
    let rows = import_rows(&language, &mut rng, &mut serial, config.import_rows);
    write_tsv(&project.join("project.tsv"), &rows)?;
    let from_project = runner.run(&project, &["--quiet", "tm", "import", "project.tsv"])?;
    report.line(
        "import from the project",
        format!(
            "{} rows in {}, peak {} (starts from the kept copy, reads the rows since under the lock, \
             then keeps the copy up to date)",
            thousands(rows.len()),
            secs(from_project.elapsed),
            mb(from_project.peak)
        ),
        "tolk --quiet tm import project.tsv",
    );
    imported += rows.len();
    check_count(&mut report, &url, pushed, imported)?;
    let size = psql(&url, "SELECT pg_database_size(current_database())").ok().and_then(|s| s.parse().ok());
    let wal = psql(&admin, "SELECT sum(size) FROM pg_ls_waldir()").ok().and_then(|s| s.parse().ok());
    report.note(&format!("on disk at the end: the database {}, the server's WAL {}", mb(size), mb(wal)));

    print!("{}", report.text());
    drop(db);
    Ok(if report.failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The report: one line per figure and per check, in the order measured.
#[derive(Default)]
struct Report {
    lines: Vec<String>,
    failed: bool,
}

impl Report {
    fn line(&mut self, label: &str, figure: String, command: &str) {
        self.lines.push(figure_line(label, &figure, command));
    }

    /// A check said only when it fails: one of several, said together by [`Report::check`].
    fn check_failed(&mut self, what: &str, ok: bool) {
        if !ok {
            self.check(what, ok);
        }
    }

    fn check(&mut self, what: &str, ok: bool) {
        self.failed |= !ok;
        self.lines.push(format!("  check: {what}: {}", if ok { "ok" } else { "FAILED" }));
    }

    fn note(&mut self, what: &str) {
        self.lines.push(format!("  note: {what}"));
    }

    fn text(&self) -> String {
        let mut out = String::from("\n");
        for line in &self.lines {
            let _ = writeln!(out, "{line}");
        }
        out
    }
}

/// One figure: its label in a column, the figure, and the command after `$`.
fn figure_line(label: &str, figure: &str, command: &str) -> String {
    format!("  {label:<30} {figure}\n  {:<30} $ {command}", "")
}

/// `met` as the report says it.
fn verdict(met: bool) -> &'static str {
    if met {
        "meets"
    } else {
        "MISSES"
    }
}

/// Checks that the server holds every entry pushed and imported, each once.
fn check_count(report: &mut Report, url: &str, pushed: usize, imported: usize) -> Result<()> {
    let on_server = entry_count(url)?;
    report.check(
        &format!(
            "entries on the server {} = {} pushed + {} imported",
            thousands(on_server),
            thousands(pushed),
            thousands(imported)
        ),
        on_server == pushed + imported,
    );
    Ok(())
}

/// Seconds with as many decimals as are meaningful.
fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 100.0 {
        format!("{s:.0} s")
    } else if s >= 10.0 {
        format!("{s:.1} s")
    } else {
        format!("{s:.2} s")
    }
}

/// Bytes as megabytes (10^6), or `?` when unknown.
fn mb(bytes: Option<u64>) -> String {
    bytes.map_or("?".into(), |b| format!("{:.0} MB", b as f64 / 1e6))
}

/// `n` things in `d`, a second.
fn per_second(n: usize, d: Duration) -> usize {
    (n as f64 / d.as_secs_f64().max(1e-9)).round() as usize
}

/// How long each run took.
fn elapsed(runs: &[Ran]) -> Vec<Duration> {
    runs.iter().map(|r| r.elapsed).collect()
}

/// The highest peak of `runs`.
fn peak(runs: &[Ran]) -> Option<u64> {
    runs.iter().filter_map(|r| r.peak).max()
}

/// Times of repeated runs: the median, and the least and most.
fn repeated(times: &[Duration]) -> String {
    let (min, median, max) = spread(times);
    match times.len() {
        1 => secs(median),
        n => format!("{} median of {n} ({}–{})", secs(median), secs(min), secs(max)),
    }
}

/// The least, the median (the mean of the middle two of an even count) and the most.
fn spread(values: &[Duration]) -> (Duration, Duration, Duration) {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let Some((&min, &max)) = sorted.first().zip(sorted.last()) else {
        return Default::default();
    };
    let n = sorted.len();
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2 };
    (min, median, max)
}

/// The arguments as a shell would take them, each of `names` (a value and what to show
/// instead) replaced by its name, others quoted when they need it.
fn command_line(args: &[&str], names: &[(&str, &str)]) -> String {
    let shown: Vec<String> = args
        .iter()
        .map(|&arg| match names.iter().find(|(value, _)| *value == arg) {
            Some((_, name)) => name.to_string(),
            None if !arg.is_empty()
                && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c)) =>
            {
                arg.to_string()
            }
            None => format!("'{}'", arg.replace('\'', "'\\''")),
        })
        .collect();
    shown.join(" ")
}

/// The bytes of the files under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            _ => e.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}

/// A string as the inside of a TOML basic string.
fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `url` with its database replaced by `db`: `postgres://user@host:port/db?params`.
fn with_database(url: &str, db: &str) -> Result<String, String> {
    let at = url.find("://").ok_or_else(|| format!("{url}: not a postgres:// URL"))? + 3;
    let (scheme, rest) = url.split_at(at);
    let (before_query, query) = match rest.find('?') {
        Some(q) => rest.split_at(q),
        None => (rest, ""),
    };
    let authority = before_query.split('/').next().unwrap_or("");
    Ok(format!("{scheme}{authority}/{db}{query}"))
}

/// The first cell of a CSV line (quoted or not).
fn first_cell(line: &str) -> String {
    match line.strip_prefix('"') {
        Some(quoted) => {
            let mut out = String::new();
            let mut chars = quoted.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(c);
            }
            out
        }
        None => line.split(',').next().unwrap_or("").to_string(),
    }
}

/// The source of entry number `index` (from 0) of a generated memory CSV, whose cells
/// hold no line breaks.
fn source_at(csv: &Path, index: usize) -> Result<String> {
    let file = std::fs::File::open(csv).with_context(|| format!("opening {}", csv.display()))?;
    let line = BufReader::with_capacity(1 << 20, file)
        .lines()
        .nth(index + 1)
        .with_context(|| format!("{} has no entry {index}", csv.display()))??;
    Ok(first_cell(&line))
}

/// `count` new sentence pairs in the generator's language, each with its own number.
fn import_rows(
    language: &Language,
    rng: &mut Rng,
    serial: &mut usize,
    count: usize,
) -> Vec<(String, String)> {
    (0..count)
        .map(|_| {
            let mut tokens = language.sentence(rng);
            let at = 1 + rng.below(tokens.len() - 1);
            tokens.insert(at, serial.to_string().into());
            *serial += 1;
            let source = render(&tokens);
            let mut english: Vec<&str> = tokens.iter().map(|t| &**t).rev().collect();
            english.rotate_left(1);
            (source, format!("EN {}", render(&english)))
        })
        .collect()
}

/// Writes `rows` as TSV: `source<TAB>target` lines.
fn write_tsv(path: &Path, rows: &[(String, String)]) -> Result<()> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    for (source, target) in rows {
        writeln!(out, "{source}\t{target}")?;
    }
    out.flush().with_context(|| format!("writing {}", path.display()))
}

/// Whether `lookup --json` output has `sentence` as its first match at 100; the error
/// says what it found instead.
fn check_found(json: &str, sentence: &str) -> Result<(), String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("lookup printed no JSON ({e})"))?;
    let first = &value["matches"][0];
    match (first["score"].as_u64(), first["source"].as_str()) {
        (Some(100), Some(source)) if source == sentence => Ok(()),
        (Some(score), Some(source)) => Err(format!("first match {score}% {source:?}")),
        _ => Err("no match".into()),
    }
}

/// What a failed [`check_found`] found, for the check's line.
fn found_how(found: &Result<(), String>) -> String {
    match found {
        Ok(()) => String::new(),
        Err(e) => format!(" ({e})"),
    }
}

/// Builds tolk's release binary, as the user would, and returns its path.
fn build_tolk(root: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bin", "tolk"])
        .current_dir(root)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release --bin tolk failed ({status})");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let tolk = target.join("release").join(format!("tolk{}", std::env::consts::EXE_SUFFIX));
    println!("built {} in {}", tolk.display(), secs(start.elapsed()));
    Ok(tolk)
}

/// Starts a throwaway cluster that stops when this process ends, and returns its
/// superuser URL. Its WAL is kept to [`MAX_WAL`] instead of PostgreSQL's 1 GB, so that
/// a run at 1M entries needs less disk; with fsync off, the checkpoints this adds cost
/// little.
fn start_cluster(root: &Path) -> Result<String> {
    let output = Command::new("bash")
        .arg(root.join(".ci").join("postgres"))
        .arg(std::process::id().to_string())
        .stderr(Stdio::inherit())
        .output()
        .context("running .ci/postgres")?;
    if !output.status.success() {
        bail!("`.ci/postgres` could not start a cluster; or set {SERVER_VAR} to a superuser URL");
    }
    let url = String::from_utf8_lossy(&output.stdout).trim().to_string();
    psql(&url, &format!("ALTER SYSTEM SET max_wal_size = '{MAX_WAL}'"))?;
    psql(&url, "SELECT pg_reload_conf()")?;
    println!(
        "started a throwaway cluster (.ci/postgres, max_wal_size {MAX_WAL}), stopped when this run ends"
    );
    Ok(url)
}

/// Runs `sql` with psql and returns what it printed, trimmed.
fn psql(url: &str, sql: &str) -> Result<String> {
    let output = Command::new("psql")
        .args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .context("running psql (apt-get install postgresql-client)")?;
    if !output.status.success() {
        bail!("psql {sql:?} failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The rows of `tolk.entries`, retired ones included.
fn entry_count(url: &str) -> Result<usize> {
    let n = psql(url, "SELECT count(*) FROM tolk.entries")?;
    n.parse().with_context(|| format!("psql printed {n:?} for the entry count"))
}

/// The run's own database, dropped when the run ends.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Database {
    fn create(admin: &str, name: &str) -> Result<Database> {
        let url = with_database(admin, name).map_err(anyhow::Error::msg)?;
        psql(admin, &format!("DROP DATABASE IF EXISTS {name}"))?;
        psql(admin, &format!("CREATE DATABASE {name}"))?;
        Ok(Database { admin: admin.to_string(), name: name.to_string(), url })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = psql(&self.admin, &format!("DROP DATABASE IF EXISTS {}", self.name));
    }
}

/// A folder of the run's own under the system's temporary folder, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("tolk-bench-server-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One run of tolk: how long it took, its peak resident size, what it printed.
struct Ran {
    elapsed: Duration,
    peak: Option<u64>,
    stdout: String,
}

/// Runs tolk, under `/usr/bin/time` when there is one, for the child's peak resident size.
struct Runner {
    tolk: PathBuf,
    time: Option<PathBuf>,
    /// Where `/usr/bin/time` writes each run's peak.
    peaks: PathBuf,
    runs: AtomicUsize,
}

impl Runner {
    fn new(tolk: PathBuf, peaks: PathBuf) -> Runner {
        let time = Some(PathBuf::from("/usr/bin/time")).filter(|t| t.is_file());
        Runner { tolk, time, peaks, runs: AtomicUsize::new(0) }
    }

    /// The command running tolk with `args` in `cwd`, and where its peak size is written.
    fn command(&self, cwd: &Path, args: &[&str]) -> (Command, Option<PathBuf>) {
        let n = self.runs.fetch_add(1, Ordering::Relaxed);
        let (mut command, peak) = match &self.time {
            Some(time) => {
                let peak = self.peaks.join(format!("peak-{n}"));
                let mut c = Command::new(time);
                c.args(["-f", "%M", "-o"]).arg(&peak).arg(&self.tolk);
                (c, Some(peak))
            }
            None => (Command::new(&self.tolk), None),
        };
        command.args(args).current_dir(cwd).stdin(Stdio::null());
        (command, peak)
    }

    /// Runs tolk with `args` in `cwd`; an error if it fails.
    fn run(&self, cwd: &Path, args: &[&str]) -> Result<Ran> {
        let (mut command, peak) = self.command(cwd, args);
        let start = Instant::now();
        let output = command.output().with_context(|| format!("running {}", self.tolk.display()))?;
        let elapsed = start.elapsed();
        let peak = read_peak(peak);
        finish(&output, args)?;
        Ok(Ran { elapsed, peak, stdout: String::from_utf8_lossy(&output.stdout).into_owned() })
    }

    /// Runs `tolk --memory url tm import FILE` for each of `files` at once; for each,
    /// when it started after the first, how long it took, and its peak size.
    fn run_together(
        &self,
        cwd: &Path,
        files: &[String],
        url: &str,
    ) -> Result<Vec<(Duration, Duration, Option<u64>)>> {
        let barrier = Barrier::new(files.len());
        let zero = Instant::now();
        std::thread::scope(|scope| {
            let handles: Vec<_> = files
                .iter()
                .map(|file| {
                    let barrier = &barrier;
                    scope.spawn(move || -> Result<(Duration, Duration, Option<u64>)> {
                        let args = ["--quiet", "--memory", url, "tm", "import", file];
                        let (mut command, peak) = self.command(cwd, &args);
                        barrier.wait();
                        let start = Instant::now();
                        let output = command.output().context("running tolk")?;
                        let elapsed = start.elapsed();
                        let peak = read_peak(peak);
                        finish(&output, &args)?;
                        Ok((start - zero, elapsed, peak))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().map_err(|_| anyhow::anyhow!("a client panicked"))?).collect()
        })
    }
}

/// An error with what tolk said, when it failed.
fn finish(output: &std::process::Output, args: &[&str]) -> Result<()> {
    if !output.status.success() {
        bail!(
            "tolk {} failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// The peak resident size `/usr/bin/time -f %M` wrote (kilobytes), in bytes; the file is
/// removed.
fn read_peak(path: Option<PathBuf>) -> Option<u64> {
    let path = path?;
    let text = std::fs::read_to_string(&path).ok();
    let _ = std::fs::remove_file(&path);
    text?.lines().last()?.trim().parse::<u64>().ok().map(|kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_have_defaults_and_are_checked() {
        let config = Config::parse(&[]).unwrap();
        assert_eq!(
            config,
            Config { entries: 1_000_000, import_rows: 2_000, clients: vec![1, 8], seed: matching::SEED }
        );
        let config = Config::parse(&["--entries", "100k", "--import-rows=500", "--clients", "2, 4"]).unwrap();
        assert_eq!((config.entries, config.import_rows, config.clients), (100_000, 500, vec![2, 4]));
        assert!(Config::parse(&["--entries", "0"]).is_err());
        assert!(Config::parse(&["--clients", "1,0"]).is_err());
        assert!(Config::parse(&["--clients", "101"]).is_err());
        assert!(Config::parse(&["--queries", "5"]).is_err());
        assert!(Config::parse(&["--entries"]).is_err());
    }

    #[test]
    fn the_database_of_a_url_is_replaced() {
        let ci = "postgres:///postgres?host=/tmp/tolk-pg.X&port=50097&user=postgres";
        assert_eq!(
            with_database(ci, "b").unwrap(),
            "postgres:///b?host=/tmp/tolk-pg.X&port=50097&user=postgres"
        );
        assert_eq!(with_database("postgres://u@h:5432/postgres", "b").unwrap(), "postgres://u@h:5432/b");
        assert_eq!(with_database("postgresql://h", "b").unwrap(), "postgresql://h/b");
        assert_eq!(
            with_database("postgres://h?sslmode=disable", "b").unwrap(),
            "postgres://h/b?sslmode=disable"
        );
        assert!(with_database("h/db", "b").is_err());
    }

    #[test]
    fn csv_first_cells() {
        assert_eq!(first_cell("Hei på deg.,EN deg på Hei.,2020"), "Hei på deg.");
        assert_eq!(first_cell("\"Ja, sa «han» \"\"x\"\".\",EN"), "Ja, sa «han» \"x\".");
    }

    #[test]
    fn commands_are_shown_with_names_and_quotes() {
        let names = [("postgres:///b?host=/tmp/x&port=1", "$URL")];
        assert_eq!(
            command_line(&["--memory", "postgres:///b?host=/tmp/x&port=1", "lookup", "Hei på deg."], &names),
            "--memory $URL lookup 'Hei på deg.'"
        );
        assert_eq!(command_line(&["tm", "import", "it's.tsv", ""], &[]), "tm import 'it'\\''s.tsv' ''");
    }

    #[test]
    fn figures_are_formatted() {
        assert_eq!(secs(Duration::from_millis(1234)), "1.23 s");
        assert_eq!(secs(Duration::from_millis(12_345)), "12.3 s");
        assert_eq!(secs(Duration::from_secs(123)), "123 s");
        assert_eq!(mb(Some(1_500_000)), "2 MB");
        assert_eq!(mb(None), "?");
        assert_eq!(per_second(1000, Duration::from_millis(500)), 2000);
        let d = Duration::from_secs;
        assert_eq!(spread(&[d(3), d(1), d(2)]), (d(1), d(2), d(3)));
        assert_eq!(spread(&[d(4), d(1), d(2), d(3)]), (d(1), Duration::from_millis(2500), d(4)));
        assert_eq!(spread(&[]), Default::default());
        assert_eq!(repeated(&[d(3), d(1), d(2)]), "2.00 s median of 3 (1.00 s–3.00 s)");
        assert_eq!(repeated(&[d(3)]), "3.00 s");
        assert_eq!(
            figure_line("push", "1 s", "tolk tm push $URL"),
            format!("  push{} 1 s\n  {} $ tolk tm push $URL", " ".repeat(26), " ".repeat(30))
        );
        assert_eq!(toml_escape(r#"a"b\c"#), r#"a\"b\\c"#);
    }

    #[test]
    fn imported_sentences_are_new_and_distinct() {
        let language = Language::new();
        let mut rng = Rng::new(7);
        let mut serial = FIRST_SERIAL;
        let rows = import_rows(&language, &mut rng, &mut serial, 500);
        assert_eq!(serial, FIRST_SERIAL + 500);
        let sources: std::collections::HashSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(sources.len(), 500);
        for (i, (source, target)) in rows.iter().enumerate() {
            assert!(source.contains(&(FIRST_SERIAL + i).to_string()), "{source}");
            assert!(target.starts_with("EN ") && !source.contains('\t') && !target.contains('\t'));
        }
        let found = r#"{"query":"x","matches":[{"score":100,"source":"Hei."}]}"#;
        assert_eq!(check_found(found, "Hei."), Ok(()));
        assert!(check_found(found, "Hei!").is_err());
        assert!(check_found(r#"{"matches":[]}"#, "Hei.").is_err());
    }
}
