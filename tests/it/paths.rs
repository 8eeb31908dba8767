//! Where tolk writes and what it reads, when a path is not a plain file: pipes and
//! devices as outputs, a symlinked memory folder, file and lock, links and FIFOs in the
//! corpus, names with escape sequences; and the memory lock's waiting, timeout and
//! clean-up, build's all or nothing and its memory bound.
//!
//! Every promise tested here is stated in RELIABILITY.md (promises 3, 7 and 8). The
//! `/dev/null` test replaces nothing only because tolk writes into devices: it runs as
//! root here, where the old behaviour replaced the system's `/dev/null`.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::io::Read as _;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::{symlink, FileTypeExt as _};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{csv_rows, Project, EMPTY_MEMORY};

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only reads it.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo {}: {}", path.display(), std::io::Error::last_os_error());
}

/// A TSV of one translation, for `tm import`.
const TSV: &str = "Hei.\tHi.\n";

/// The project's memory folder, byte for byte, without the lock file (tolk's own, empty
/// when free).
fn memory_files(t: &Project) -> BTreeMap<String, Vec<u8>> {
    let mut files = t.snapshot_dir("memory");
    files.remove(".tolk.lock");
    files
}

#[test]
fn a_fifo_as_output_is_written_into_not_replaced() {
    let t = Project::new();
    for args in [&["tm", "export", "-o", "pipe"][..], &["rules", "export", "-o", "pipe"][..]] {
        let fifo = t.path().join("pipe");
        mkfifo(&fifo);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut got = String::new();
                std::fs::File::open(fifo).unwrap().read_to_string(&mut got).unwrap();
                got
            })
        };
        let out = t.tolk(args).run().success();
        let got = reader.join().unwrap();
        assert!(
            got.starts_with("<?xml") && got.ends_with(">\n"),
            "{args:?}: the pipe got {got:?}\n{}",
            out.stderr
        );
        assert!(
            std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
            "{args:?}: the FIFO was replaced"
        );
        std::fs::remove_file(&fifo).unwrap();
    }
}

#[test]
fn a_batch_into_a_fifo_streams() {
    let t = Project::untranslated();
    let fifo = t.path().join("batch.pipe");
    mkfifo(&fifo);
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        std::fs::File::open(fifo).unwrap().read_to_end(&mut got).unwrap();
        got
    });
    t.tolk(&["export", "--format", "csv", "-o", "batch.pipe"]).run().success();
    let got = reader.join().unwrap();
    let text = String::from_utf8(got).unwrap();
    assert!(
        text.starts_with("\u{feff}") && text.contains("Kort, hva er din kundeservicekarriere?"),
        "{text}"
    );
    assert!(std::fs::symlink_metadata(t.path().join("batch.pipe")).unwrap().file_type().is_fifo());
}

#[test]
fn dev_null_as_output_stays_the_systems_device() {
    let t = Project::new();
    for args in [
        &["tm", "export", "-o", "/dev/null"][..],
        &["tm", "export", "--format", "csv", "--out", "/dev/null"][..],
        &["rules", "export", "--out", "/dev/null"][..],
    ] {
        t.tolk(args).run().success();
        let meta = std::fs::symlink_metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device(), "{args:?} replaced /dev/null");
    }
    let t = Project::untranslated();
    t.tolk(&["export", "-o", "/dev/null"]).run().success().stderr_contains("batch /dev/null:");
    assert!(std::fs::symlink_metadata("/dev/null").unwrap().file_type().is_char_device());
    assert!(
        !std::fs::read_dir("/dev").unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".tolk")),
        "a temporary file was left in /dev"
    );
}

#[test]
fn a_folder_where_a_file_is_expected_is_a_clear_error() {
    let t = Project::new();
    std::fs::create_dir(t.path().join("taken")).unwrap();
    t.tolk(&["tm", "export", "-o", "taken"])
        .run()
        .failure()
        .stderr_is("error: cannot write taken: taken: is a folder; name a file to write\n");
    t.write("out/en", "not a folder");
    t.tolk(&["build"])
        .run()
        .failure()
        .stderr_is("error: out/en: is not a folder; --out names the folder the editions are written to\n");
    assert_eq!(t.read("out/en"), "not a folder");
}

#[test]
fn a_symlinked_memory_folder_is_followed_and_locked_where_it_is() {
    let shared = tempfile::tempdir().unwrap();
    std::fs::write(shared.path().join("nb-en.csv"), EMPTY_MEMORY).unwrap();
    let (a, b) = (Project::untranslated(), Project::untranslated());
    for t in [&a, &b] {
        std::fs::remove_dir_all(t.path().join("memory")).unwrap();
        symlink(shared.path(), t.path().join("memory")).unwrap();
    }
    a.write("in.tsv", TSV);
    a.tolk(&["tm", "import", "in.tsv"]).run().success();
    b.write("in.tsv", "Takk.\tThanks.\n");
    b.tolk(&["tm", "import", "in.tsv"]).run().success();
    let memory = std::fs::read_to_string(shared.path().join("nb-en.csv")).unwrap();
    assert!(memory.contains("Hei.,Hi.") && memory.contains("Takk.,Thanks."), "{memory}");
    assert!(shared.path().join(".tolk.lock").is_file(), "the lock is in the shared folder");
    for t in [&a, &b] {
        assert!(std::fs::symlink_metadata(t.path().join("memory")).unwrap().file_type().is_symlink());
        b.tolk(&["lookup", "Hei."]).run().success().stdout_contains("Hi.");
    }
}

#[test]
fn a_symlinked_memory_file_is_read_but_never_replaced() {
    let shared = tempfile::tempdir().unwrap();
    let target = shared.path().join("nb-en.csv");
    std::fs::write(&target, format!("{EMPTY_MEMORY}Takk.,Thanks.,,,,,\n")).unwrap();
    let t = Project::untranslated();
    std::fs::remove_file(t.path().join("memory/nb-en.csv")).unwrap();
    symlink(&target, t.path().join("memory/nb-en.csv")).unwrap();
    t.tolk(&["lookup", "Takk."]).run().success().stdout_contains("Thanks.");
    let before = std::fs::read(&target).unwrap();
    t.write("in.tsv", TSV);
    let target = target.canonicalize().unwrap();
    let folder = target.parent().unwrap().display().to_string();
    t.tolk(&["tm", "import", "in.tsv"]).run().failure().stderr_is(&format!(
        "error: memory/nb-en.csv: is a symbolic link to {}; tolk replaces a memory file whole and will not \
         replace a link (the shared file would never get the translations): link the folder instead (ln -s \
         {folder} memory), so every project shares one lock; nothing was written\n",
        target.display()
    ));
    assert_eq!(std::fs::read(&target).unwrap(), before, "the shared memory changed");
    assert!(std::fs::symlink_metadata(t.path().join("memory/nb-en.csv")).unwrap().file_type().is_symlink());
    let left: Vec<_> =
        std::fs::read_dir(t.path().join("memory")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["nb-en.csv"], "nothing was written, not even the lock");
}

#[test]
fn a_memory_file_that_is_no_regular_file_is_an_error_not_a_blocking_read() {
    let t = Project::untranslated();
    mkfifo(&t.path().join("memory/pipe.csv"));
    t.tolk(&["lookup", "Hei."]).run().failure().stderr_is(
        "error: cannot load the translation memory: memory/pipe.csv: is a FIFO (named pipe), not a memory \
         file; move it out of the memory or name another memory with --memory\n",
    );
    std::fs::remove_file(t.path().join("memory/pipe.csv")).unwrap();
    std::fs::create_dir(t.path().join("memory/old.csv")).unwrap();
    t.tolk(&["lookup", "Hei."])
        .run()
        .failure()
        .stderr_contains("memory/old.csv: is a folder, not a memory file");
    std::fs::remove_dir(t.path().join("memory/old.csv")).unwrap();
    symlink("/nonexistent/x.csv", t.path().join("memory/gone.csv")).unwrap();
    t.tolk(&["lookup", "Hei."]).run().failure().stderr_contains(
        "memory/gone.csv: is a symbolic link to /nonexistent/x.csv, which does not exist, not a memory file",
    );
}

#[test]
fn a_dangling_lock_link_is_refused_and_nothing_is_made_at_its_target() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("made-by-tolk");
    let t = Project::untranslated();
    symlink(&target, t.path().join("memory/.tolk.lock")).unwrap();
    let before = t.read("memory/nb-en.csv");
    t.write("in.tsv", TSV);
    t.tolk(&["tm", "import", "in.tsv"]).run().failure().stderr_is(&format!(
        "error: memory/.tolk.lock: is a symbolic link (to {}); tolk locks the memory with a plain file of its own \
         here and never follows a link, so that no file is made outside the project: remove the link (rm \
         memory/.tolk.lock); to share a memory, link the whole memory folder instead\n",
        target.display()
    ));
    assert!(!target.exists(), "a file was made through the link");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert_eq!(t.read("memory/nb-en.csv"), before);
    assert!(std::fs::symlink_metadata(t.path().join("memory/.tolk.lock")).unwrap().file_type().is_symlink());
    // A link to an existing file is refused the same way, and the file is untouched.
    std::fs::write(&target, "theirs").unwrap();
    t.tolk(&["tm", "import", "in.tsv"]).run().failure().stderr_contains("is a symbolic link (to");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "theirs");
}

#[test]
fn a_symlinked_document_is_built_and_what_cannot_be_read_is_named() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("real.txt"), "Hei.\n").unwrap();
    let t = Project::seeds_untranslated();
    symlink(elsewhere.path().join("real.txt"), t.path().join("corpus/linked.txt")).unwrap();
    symlink("gone.txt", t.path().join("corpus/dangling.txt")).unwrap();
    mkfifo(&t.path().join("corpus/pipe.txt"));
    symlink("pipe.txt", t.path().join("corpus/to-pipe.txt")).unwrap();
    t.tolk(&["build", "--pseudo=identity"]).run().success().stderr_is(
        "warning: skipped corpus/dangling.txt: a symbolic link to gone.txt, which does not exist\n\
         warning: skipped corpus/pipe.txt: a FIFO (named pipe), not a document\n\
         warning: skipped corpus/to-pipe.txt: a symbolic link to a FIFO (named pipe), not a document\n\
         wrote 3 editions to out/pseudo: 65 segments, 863 words in the editions, 0 untranslated\n",
    );
    assert_eq!(t.read("out/pseudo/linked.txt"), "Hei.\n");
    assert!(!t.path().join("out/pseudo/real.txt").exists());
    t.tolk(&["segment", "corpus/linked.txt"]).run().success().stdout_is("Hei.\n");
}

#[test]
fn a_document_named_on_the_command_line_may_be_a_pipe() {
    let t = Project::untranslated();
    let fifo = t.path().join("doc.pipe");
    mkfifo(&fifo);
    let writer = std::thread::spawn(move || std::fs::write(fifo, "Hei. Hvem er du?\n").unwrap());
    t.tolk(&["segment", "doc.pipe"]).run().success().stdout_is("Hei.\nHvem er du?\n");
    writer.join().unwrap();
}

#[test]
fn names_with_escape_sequences_reach_the_terminal_escaped() {
    let t = Project::untranslated();
    t.write("corpus/\u{1b}[31mred.txt", "Hei.\nRød\u{1b}[2J tekst.\n");
    let out = t.tolk(&["build"]).run().failure();
    assert!(!out.stderr.contains('\u{1b}'), "raw escape on stderr: {:?}", out.stderr);
    assert!(out.stderr.contains("\\u{1b}[31mred.txt:1: Hei."), "{}", out.stderr);
    // The sentences listed as missing too.
    assert!(out.stderr.contains(":2: Rød\\u{1b}[2J tekst."), "{}", out.stderr);
    let out = t.tolk(&["analyze"]).run().success();
    assert!(!out.stdout.contains('\u{1b}') && out.stdout.contains("\\u{1b}[31mred.txt\n"), "{}", out.stdout);
    let out = t.tolk(&["segment", "corpus/\u{1b}[31mred.txt", "corpus/\u{7}nope.txt"]).run().failure();
    assert!(
        out.stderr.starts_with("error: corpus/\\u{7}nope.txt: No such file or directory"),
        "{:?}",
        out.stderr
    );
}

/// Waits until the lock of `t`'s memory names a holder: another tolk holds it.
fn wait_for_holder(t: &Project, child: &mut std::process::Child) {
    let start = Instant::now();
    while std::fs::read(t.path().join("memory/.tolk.lock")).map_or(true, |b| b.is_empty()) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the first import ended before it was seen holding the lock"
        );
        assert!(start.elapsed() < Duration::from_secs(30), "the first import never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_waiting_import_says_for_whom_and_gives_up_after_its_timeout() {
    let t = Project::untranslated();
    t.write("a.tsv", TSV).write("b.tsv", "Takk.\tThanks.\n");
    let mut first = t.tolk(&["tm", "import", "a.tsv"]).env("TOLK_TEST_PAUSE", "locked:4000").spawn();
    wait_for_holder(&t, &mut first);
    let before = memory_files(&t);
    let pid = first.id();

    let started = Instant::now();
    let out = t.tolk(&["tm", "import", "--lock-timeout", "0.5", "b.tsv"]).run().failure();
    assert!(started.elapsed() >= Duration::from_millis(500), "it did not wait");
    let holder = format!("pid {pid} (tolk tm import a.tsv), since ");
    assert!(out.stderr.contains(&holder), "{}", out.stderr);
    assert!(
        out.stderr.ends_with(
            "still held its lock after 0.5 s; nothing was written: run again when it has finished, or wait \
             longer with --lock-timeout\n"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(memory_files(&t), before, "the memory changed");

    // Without a timeout it waits, says so once, and lands after the first.
    let out = t.tolk(&["tm", "import", "b.tsv"]).run().success();
    let waiting: Vec<&str> =
        out.stderr.lines().filter(|l| l.starts_with("waiting for the memory's lock")).collect();
    assert_eq!(waiting.len(), 1, "{}", out.stderr);
    assert!(waiting[0].contains(&holder), "{}", out.stderr);
    assert!(first.wait().unwrap().success());
    let memory = t.read("memory/nb-en.csv");
    assert!(memory.contains("Hei.,Hi.") && memory.contains("Takk.,Thanks."), "{memory}");
    assert_eq!(t.read("memory/.tolk.lock"), "", "a free lock names nobody");
}

#[test]
fn a_bad_lock_timeout_is_a_usage_error() {
    let t = Project::untranslated();
    let out = t.tolk(&["import", "--lock-timeout=-1", "x.csv"]).run();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.contains("expected a number of seconds, 0 or more"), "{}", out.stderr);
}

#[test]
fn temporary_files_killed_imports_left_are_removed_under_the_lock() {
    let t = Project::untranslated();
    t.write("memory/.tolk-tmp-a1B2c3", "source,target\nhalf a memo");
    t.write("memory/.tolk-tmp-zZ9", EMPTY_MEMORY);
    t.write("in.tsv", TSV);
    t.tolk(&["tm", "import", "--dry-run", "in.tsv"]).run().success();
    assert!(t.path().join("memory/.tolk-tmp-zZ9").exists(), "a dry run takes no lock and removes nothing");
    t.tolk(&["tm", "import", "in.tsv"])
        .run()
        .success()
        .stderr_contains("removed 2 temporary files that an interrupted import left in memory\n");
    let mut left: Vec<String> = std::fs::read_dir(t.path().join("memory"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".tolk.lock", "nb-en.csv"]);
}

#[test]
fn a_second_source_variant_in_a_tmx_unit_is_a_warning() {
    let t = Project::untranslated();
    t.write(
        "two.tmx",
        "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"nb\"/><body>\n\
         <tu tuid=\"7\"><tuv xml:lang=\"nb\"><seg>Hei.</seg></tuv>\n<tuv xml:lang=\"nb-NO\"><seg>Hallo.</seg></tuv>\n\
         <tuv xml:lang=\"en\"><seg>Hi.</seg></tuv></tu>\n</body></tmx>\n",
    );
    t.tolk(&["tm", "import", "two.tmx"]).run().success().stderr_contains(
        "warning: two.tmx: line 3: the <tu> tuid=\"7\" (unit 1) has more than one Norwegian Bokmål (nb) variant \
         with different texts; kept the first, nb on line 3, and left out nb-NO on line 4\n",
    );
    assert!(t.read("memory/nb-en.csv").contains("Hei.,Hi."));
}

#[test]
fn a_build_that_fails_replaces_no_edition() {
    let t = Project::untranslated();
    t.write("corpus/a.txt", "Hei.\n").write("corpus/b.txt", b"Hei \xff.\n");
    t.write("out/en/a.txt", "old a").write("out/en/b.txt", "old b");
    t.tolk(&["build", "--pseudo", "--out", "out/en"]).run().failure().stderr_contains("corpus/b.txt: ");
    assert_eq!((t.read("out/en/a.txt"), t.read("out/en/b.txt")), ("old a".into(), "old b".into()));
    let left: Vec<_> =
        std::fs::read_dir(t.path().join("out/en")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "temporary files left: {left:?}");
    std::fs::remove_file(t.path().join("corpus/b.txt")).unwrap();
    t.tolk(&["build", "--pseudo=identity", "--out", "out/en"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "Hei.\n");
}

/// `build --partial`, `analyze` and `export` on a corpus of tiny untranslated
/// sentences hold one document at a time: 8 documents of 1 MiB, each of 250,000
/// one-word sentences. Holding every edition with its list of missing sentences (as
/// build did before) peaked at 265 MiB on this input, every document's segments (as
/// analyze did) and every place of a sentence (as export did) beyond 100 MiB; one
/// document at a time, about 20 MiB.
#[cfg(target_os = "linux")]
#[test]
fn a_corpus_of_tiny_segments_is_held_one_document_at_a_time() {
    const MIB: usize = 1 << 20;
    let t = Project::untranslated();
    let line = "Ja. ".repeat(25) + "\n";
    let doc = line.repeat(MIB / line.len());
    for i in 0..8 {
        t.write(&format!("corpus/tiny-{i}.txt"), &doc);
    }
    let limit = 64 * MIB as u64;
    for args in [
        &["--quiet", "build", "--partial", "--mark", "{}"][..],
        &["--quiet", "analyze"],
        &["--quiet", "export", "-o", "b.csv"],
        &["--quiet", "export", "-o", "b.xlf"],
    ] {
        let m = crate::hostile::run_measured(&t, args);
        assert_eq!(m.code, Some(0), "{}", m.stderr);
        println!(
            "tolk {} on 8 MiB of one-word sentences: peak {:.1} MiB",
            args.join(" "),
            m.peak as f64 / MIB as f64
        );
        assert!(
            m.peak < limit,
            "tolk {args:?}: peak {} MiB, limit {} MiB",
            m.peak / MIB as u64,
            limit / MIB as u64
        );
    }
    assert_eq!(t.read("out/en/tiny-3.txt"), doc);
    // The sentence found two million times, 25 times on each line, lists its first 100
    // lines and a count of the others.
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let ja = rows.iter().find(|r| r["source"] == "Ja.").unwrap();
    assert!(ja["where"].starts_with("tiny-0.txt:1; tiny-0.txt:2; "), "{}", &ja["where"][..60]);
    assert!(
        ja["where"].ends_with(&format!("; and {} more places", 8 * (MIB / line.len()) - 100)),
        "{}",
        &ja["where"][ja["where"].len() - 60..]
    );
}

/// A batch or a memory to import that is a pipe or a folder is refused naming it,
/// never waited on: both are read twice, once to tell their format.
#[test]
fn a_batch_or_memory_that_is_a_pipe_is_refused_not_waited_on() {
    let t = Project::untranslated();
    mkfifo(&t.path().join("batch.csv"));
    std::fs::create_dir(t.path().join("folder.tmx")).unwrap();
    let before = t.snapshot_dir("memory");
    t.tolk(&["import", "batch.csv"]).run().failure().stderr_contains(
        "batch.csv: is a FIFO (named pipe), not a file; tolk reads a batch from a regular file",
    );
    t.tolk(&["tm", "import", "batch.csv"]).run().failure().stderr_contains(
        "batch.csv: is a FIFO (named pipe), not a file; tolk reads a memory to import from a regular file",
    );
    t.tolk(&["tm", "import", "folder.tmx"])
        .run()
        .failure()
        .stderr_contains("folder.tmx: is a folder, not a file");
    assert_eq!(t.snapshot_dir("memory"), before);
}

/// An edition whose path is a FIFO nobody reads stops the build before any edition is
/// replaced, instead of waiting for ever after replacing the others.
#[test]
fn a_build_into_a_fifo_nobody_reads_replaces_nothing() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Hei.\n");
    t.write("corpus/b.txt", "Ja.\n");
    t.write("out/en/a.txt", "OLD\n");
    mkfifo(&t.path().join("out/en/b.txt"));
    t.tolk(&["build", "--pseudo=identity", "--out", "out/en"])
        .run()
        .failure()
        .stderr_contains("b.txt: a FIFO that no program is reading; start the reader first");
    assert_eq!(t.read("out/en/a.txt"), "OLD\n");
}

#[test]
fn no_output_replaces_the_memory_or_is_written_into_its_folder() {
    let t = Project::seeds_untranslated();
    t.write("memory/nb-en.csv", "source,target\nHei.,Hi.\n");
    let memory = memory_files(&t);
    for (args, why) in [
        (
            &["tm", "export", "-o", "memory/nb-en.csv", "--format", "csv"][..],
            "memory/nb-en.csv: is in the translation memory's folder memory",
        ),
        (
            &["tm", "export", "--out", "memory/all.tmx"][..],
            "memory/all.tmx: is in the translation memory's folder memory",
        ),
        (
            &["rules", "export", "-o", "memory/nb-en.csv"][..],
            "memory/nb-en.csv: is in the translation memory's folder memory",
        ),
        (
            &["export", "-o", "memory/nb-en.csv", "--again", "--force"][..],
            "memory/nb-en.csv: is in the translation memory's folder memory",
        ),
        (
            &["export", "-o", "memory/batch.csv"][..],
            "memory/batch.csv: is in the translation memory's folder memory",
        ),
        (&["export", "-o", "out/../memory/batch.xlsx"][..], "is in the translation memory's folder memory"),
        (&["build", "--pseudo", "-o", "memory"][..], "is in the translation memory's folder memory"),
        (
            &["--memory", "memory/nb-en.csv", "tm", "export", "-o", "memory/nb-en.csv", "--format", "csv"][..],
            "memory/nb-en.csv: is the translation memory, which this would replace",
        ),
        (
            &["tm", "export", "-o", "memory/nb-en.csv"][..],
            "memory/nb-en.csv: is in the translation memory's folder",
        ),
        (
            &["tm", "export", "-o", "all.csv", "--format", "tmx"][..],
            "--out all.csv names CSV by its extension",
        ),
        (
            &["tm", "export", "-o", "corpus/fjordkraft-irene-fauskanger.txt", "--format", "tmx"][..],
            "is a document of the corpus",
        ),
    ] {
        let out = t.tolk(args).run().failure().stderr_contains(why);
        assert!(!out.stderr.contains("  "), "{}", out.stderr);
        assert_eq!(memory_files(&t), memory, "tolk {args:?} changed the memory");
        assert!(!t.path().join("memory/batch.csv").exists() && !t.path().join("memory/batch.xlsx").exists());
    }
    // Still a lookup of the memory as it was.
    t.tolk(&["lookup", "Hei."]).run().success().stdout_contains("Hi.");
}

#[test]
fn a_batch_folder_in_the_memory_folder_is_refused_by_its_key() {
    let t = Project::seeds_untranslated();
    t.write("tolk.toml", "[batches]\nfolder = \"memory\"\n");
    let memory = memory_files(&t);
    t.tolk(&["export"]).run().failure().stderr_contains(
        "tolk.toml: line 2: [batches] folder = \"memory\" is in the memory's folder \"memory\", where every file is \
         read as part of the translation memory",
    );
    assert_eq!(memory_files(&t), memory);
}
