//! Many translators at once: imports started at the same moment on one memory all land,
//! readers running meanwhile never fail, and a lock held by a killed import does not
//! block the next one.
//!
//! The fixture here ([`fixture`]) is shared with the crash and disk-full tests: a
//! project whose corpus has many distinct sentences, a memory of generated entries,
//! and one real `tolk export` batch split into several translated files. These tests
//! run `tolk` as separate processes, as translators on one shared folder would; they
//! do not test the merge rules themselves (the import tests do).

use std::collections::HashMap;
use std::fs::{File, TryLockError};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tolk::memory::Memory;

use crate::util::Project;

/// One translated batch file: its name in the project and its (source, target) rows.
pub struct BatchFile {
    pub name: String,
    pub rows: Vec<(String, String)>,
}

/// The Norwegian sentence `i` of document `d`: every one distinct, one per line.
fn sentence(d: usize, i: usize) -> String {
    format!("Dokument {d} har setning nummer {i} om strøm og kunder.")
}

/// What the translator writes for `source`.
fn english(source: &str) -> String {
    source
        .replace("Dokument", "Document")
        .replace("har setning nummer", "has sentence number")
        .replace("om strøm og kunder", "about power and customers")
}

/// The memory entry `i` of a generated memory: unrelated to the corpus.
pub fn memory_entry(i: usize) -> (String, String) {
    (
        format!("Dette er gammel setning nummer {i} i minnet."),
        format!("This is old sentence number {i} in the memory."),
    )
}

/// A memory file of `entries` generated entries, written as tolk writes it.
pub fn memory_csv(entries: usize) -> String {
    let mut csv = String::from("source,target,created,changed,translator,origin,note\n");
    for i in 0..entries {
        let (source, target) = memory_entry(i);
        csv.push_str(&format!("{source},{target},2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,seed,seed,\n"));
    }
    csv
}

/// A project with `documents` × `sentences` distinct corpus sentences, a memory of
/// `entries` generated entries, and the batch `tolk export` writes for it split into
/// `files` translated files (`batch-0.csv`, ...), as evenly as the rows allow.
pub fn fixture(
    documents: usize,
    sentences: usize,
    entries: usize,
    files: usize,
) -> (Project, Vec<BatchFile>) {
    let t = Project::empty();
    for d in 0..documents {
        let text: String = (0..sentences).map(|i| sentence(d, i) + "\n").collect();
        t.write(&format!("corpus/doc-{d}.txt"), text);
    }
    t.write("memory/nb-en.csv", memory_csv(entries));
    t.tolk(&["export", "--out", "export.csv"]).run().success();
    let bytes = std::fs::read(t.path().join("export.csv")).unwrap();
    let mut records = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap())
        .into_records()
        .map(|r| r.unwrap());
    let header = records.next().unwrap();
    let column = |name: &str| header.iter().position(|c| c == name).unwrap();
    let (source, target) = (column("source"), column("target"));
    let rows: Vec<csv::StringRecord> = records.collect();
    assert_eq!(rows.len(), documents * sentences, "the export has one row per sentence");
    let per_file = rows.len().div_ceil(files);
    let mut batches = Vec::new();
    for (n, chunk) in rows.chunks(per_file).enumerate() {
        let name = format!("batch-{n}.csv");
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&header).unwrap();
        let mut pairs = Vec::new();
        for row in chunk {
            let mut cells: Vec<String> = row.iter().map(str::to_owned).collect();
            cells[target] = english(&cells[source]);
            pairs.push((cells[source].clone(), cells[target].clone()));
            w.write_record(&cells).unwrap();
        }
        t.write(&name, w.into_inner().unwrap());
        batches.push(BatchFile { name, rows: pairs });
    }
    (t, batches)
}

/// `tolk ARGS` in the project, with stdin closed and output captured, not started.
pub fn tolk(t: &Project, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tolk"));
    command
        .args(args)
        .current_dir(t.path())
        .env("NO_COLOR", "1")
        .env_remove(tolk::store::PAUSE_VAR)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// The command, exit status and output of a run, for a failure message.
pub fn describe(what: &str, out: &Output) -> String {
    format!(
        "{what}: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Whether some process holds the memory's lock: a try-lock of the lock file fails
/// with `WouldBlock`. (A successful try-lock is released at once.)
pub fn lock_is_held(memory: &Path) -> bool {
    let Ok(file) = File::open(memory.join(tolk::store::LOCK_FILE)) else { return false };
    matches!(file.try_lock(), Err(TryLockError::WouldBlock))
}

/// Waits until `done()` holds, failing if `child` exits first or 10 s pass.
#[track_caller]
pub fn wait_for(child: &mut Child, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("tolk ended ({status}) before {what}");
        }
        assert!(start.elapsed() < Duration::from_secs(10), "waited 10 s for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Loops `args` in a thread until `stop`, counting runs and keeping the failures.
fn reader(
    t: &Project,
    args: &'static [&'static str],
    stop: Arc<AtomicBool>,
    check: fn(&Output) -> Result<(), String>,
) -> std::thread::JoinHandle<(usize, Vec<String>)> {
    let dir = t.path().to_owned();
    std::thread::spawn(move || {
        let (mut runs, mut failures) = (0, Vec::new());
        // At least one run, so that even a very fast import round has a reader.
        while runs == 0 || !stop.load(Ordering::Relaxed) {
            let out = Command::new(env!("CARGO_BIN_EXE_tolk"))
                .args(args)
                .current_dir(&dir)
                .env("NO_COLOR", "1")
                .env_remove(tolk::store::PAUSE_VAR)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            runs += 1;
            if let Err(why) = if out.status.success() { check(&out) } else { Err("failed".into()) } {
                failures.push(describe(&format!("reader `tolk {}` {why}", args.join(" ")), &out));
            }
        }
        (runs, failures)
    })
}

/// The memory's entry count as `tolk analyze --json` reports it.
fn memory_entries(out: &Output) -> Option<u64> {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    report["memory_entries"].as_u64()
}

const IMPORTS: usize = 8;
const SENTENCES: usize = 20;
const BASE_ENTRIES: usize = 2000;

#[test]
fn simultaneous_imports_keep_every_row_while_readers_never_fail() {
    let (t, batches) = fixture(IMPORTS, SENTENCES, BASE_ENTRIES, IMPORTS);
    assert_eq!(batches.len(), IMPORTS);

    let stop = Arc::new(AtomicBool::new(false));
    // Every memory a reader can see is the base plus whole imports: never a torn file.
    let whole_imports = |out: &Output| match memory_entries(out) {
        Some(n) if n as usize >= BASE_ENTRIES && (n as usize - BASE_ENTRIES).is_multiple_of(SENTENCES) => {
            Ok(())
        }
        other => Err(format!("saw a memory of {other:?} entries, not the base plus whole imports")),
    };
    let readers = [
        reader(&t, &["build", "--partial", "--quiet", "--out", "out/reader"], stop.clone(), |_| Ok(())),
        reader(&t, &["analyze", "--json"], stop.clone(), whole_imports),
        reader(&t, &["analyze", "--quiet"], stop.clone(), |_| Ok(())),
    ];

    // Spawn all, then wait: the imports queue on the lock, and each holds it 50 ms
    // longer than it needs, so the readers run while writes are going on.
    let start = Instant::now();
    let children: Vec<(String, Child)> = batches
        .iter()
        .map(|b| {
            let child = tolk(&t, &["import", &b.name])
                .env(tolk::store::PAUSE_VAR, "locked:50,merged:20")
                .spawn()
                .unwrap();
            (b.name.clone(), child)
        })
        .collect();
    let mut failed = Vec::new();
    for (name, child) in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || !stderr.contains(&format!("{SENTENCES} added")) {
            failed.push(describe(&format!("tolk import {name}"), &out));
        }
    }
    let imports_took = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut runs = Vec::new();
    for r in readers {
        let (n, failures) = r.join().unwrap();
        runs.push(n);
        failed.extend(failures);
    }
    assert!(failed.is_empty(), "{} runs failed:\n{}", failed.len(), failed.join("\n\n"));
    eprintln!(
        "concurrency: {IMPORTS} imports at once in {imports_took:.1?}; {} reader runs meanwhile \
         (build {}, analyze --json {}, analyze {}), none failed",
        runs.iter().sum::<usize>(),
        runs[0],
        runs[1],
        runs[2]
    );

    // Exactly the union: the base entries and every batch row, each once.
    let memory = Memory::load(&t.path().join("memory")).unwrap();
    let mut found: HashMap<(String, String), usize> = HashMap::new();
    for e in &memory.entries {
        *found.entry((e.source.clone(), e.target.clone())).or_default() += 1;
    }
    let expected: Vec<(String, String)> =
        (0..BASE_ENTRIES).map(memory_entry).chain(batches.iter().flat_map(|b| b.rows.clone())).collect();
    let missing: Vec<&(String, String)> = expected.iter().filter(|k| !found.contains_key(*k)).collect();
    let doubled: Vec<_> = found.iter().filter(|(_, &n)| n > 1).collect();
    assert!(
        missing.is_empty(),
        "{} rows missing, such as {:?}",
        missing.len(),
        &missing[..missing.len().min(3)]
    );
    assert!(doubled.is_empty(), "rows written more than once: {doubled:?}");
    assert_eq!(memory.entries.len(), BASE_ENTRIES + IMPORTS * SENTENCES, "entries nobody imported");
    let out = tolk(&t, &["analyze", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", describe("tolk analyze", &out));
    assert_eq!(memory_entries(&out), Some((BASE_ENTRIES + IMPORTS * SENTENCES) as u64));
}

#[test]
fn a_lock_held_by_a_killed_import_does_not_block_the_next() {
    let (t, batches) = fixture(1, SENTENCES, 100, 1);
    let memory = t.path().join("memory");
    let before = t.snapshot_dir("memory");

    let mut held =
        tolk(&t, &["import", &batches[0].name]).env(tolk::store::PAUSE_VAR, "locked:10000").spawn().unwrap();
    let pid = held.id();
    // Held, and named: the holder writes its name just after it takes the lock.
    let named = || std::fs::read_to_string(memory.join(tolk::store::LOCK_FILE)).unwrap_or_default();
    wait_for(&mut held, "it took the lock", || lock_is_held(&memory) && named().starts_with("pid: "));
    held.kill().unwrap(); // SIGKILL: no destructor, no unlock of its own
    let status = held.wait().unwrap();
    assert!(!status.success(), "the import was not killed: {status}");
    // The lock file is made on first use and never deleted, and still names the dead
    // holder (only a live holder's lock is busy, so nobody is told); nothing else may
    // change.
    let mut after = t.snapshot_dir("memory");
    let lock = String::from_utf8(after.remove(tolk::store::LOCK_FILE).unwrap()).unwrap();
    assert!(lock.starts_with(&format!("pid: {pid}\n")), "{lock}");
    assert!(after == before, "a killed import changed the memory");

    let start = Instant::now();
    let out = tolk(&t, &["import", &batches[0].name]).output().unwrap();
    let took = start.elapsed();
    assert!(out.status.success(), "{}", describe("the next import", &out));
    assert!(took < Duration::from_secs(5), "the next import waited {took:?} for a dead lock");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("waiting"),
        "{}",
        describe("the next import", &out)
    );
    assert_eq!(std::fs::read(t.path().join("memory").join(tolk::store::LOCK_FILE)).unwrap(), b"");
    let memory = Memory::load(&memory).unwrap();
    for (source, target) in &batches[0].rows {
        assert_eq!(memory.exact(source).map(|e| e.target.as_str()), Some(target.as_str()));
    }
    eprintln!("concurrency: the import after a killed lock holder took {took:.1?}");
}

#[test]
fn the_fixture_splits_one_real_batch() {
    let (t, batches) = fixture(2, 3, 1, 4);
    // 6 rows in files of 2: 3 files, every sentence once.
    let sources: Vec<&str> = batches.iter().flat_map(|b| b.rows.iter().map(|r| r.0.as_str())).collect();
    assert_eq!(batches.len(), 3);
    assert_eq!(sources.len(), 6);
    assert!(sources.contains(&"Dokument 1 har setning nummer 2 om strøm og kunder."));
    assert_eq!(batches[0].rows[0].1, "Document 0 has sentence number 0 about power and customers.");
    t.tolk(&["import", "--dry-run", "batch-2.csv"]).run().success().stderr_contains("would add 2");
}

#[test]
fn an_edit_by_hand_while_an_import_writes_is_never_written_over() {
    let (t, batches) = fixture(1, SENTENCES, 100, 1);
    let memory = t.path().join("memory");
    let file = memory.join("nb-en.csv");
    // Paused once it has read the memory, before it writes.
    let mut import = tolk(&t, &["import", &batches[0].name])
        .env(tolk::store::PAUSE_VAR, "locked:700,merged:4000")
        .spawn()
        .unwrap();
    let named = || std::fs::read_to_string(memory.join(tolk::store::LOCK_FILE)).unwrap_or_default();
    wait_for(&mut import, "it took the lock", || lock_is_held(&memory) && named().starts_with("pid: "));
    std::thread::sleep(Duration::from_millis(1500));
    // Someone saves the file in an editor, a row added, without taking the lock.
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("Lagt til for hånd.,Added by hand.,,,,,\n");
    std::fs::write(&file, &text).unwrap();
    let out = import.wait_with_output().unwrap();
    assert!(!out.status.success(), "{}", describe("the import", &out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nb-en.csv: was changed or touched while this command was writing the memory")
            && stderr.contains("nothing was written: run the command again"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "the edit was written over");
    // Run again, it writes, and the edit is kept.
    let out = tolk(&t, &["import", &batches[0].name]).output().unwrap();
    assert!(out.status.success(), "{}", describe("the import run again", &out));
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(after.contains("Added by hand.") && after.contains(&batches[0].rows[0].1), "{after}");
}
