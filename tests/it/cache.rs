//! The memory and its index kept in a project's `.tolk/cache/`: used when whole and up
//! to date, made again (with a note) when stale or damaged in any way, never trusted
//! blindly, and never needed: a project where they cannot be kept still answers, and
//! outside a project nothing is kept.

use std::path::PathBuf;

use crate::util::*;

const QUERY: &str = "Hva er en god dag på jobben for deg?";

/// The kept files of the project's memory: (memory snapshot, index).
fn kept(t: &Project) -> (PathBuf, PathBuf) {
    let dir = t.path().join(".tolk/cache");
    let find = |ext: &str| -> PathBuf {
        let names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with("changes-"))
            .collect();
        assert_eq!(names.len(), 1, "one .{ext} in {names:?}");
        names[0].clone()
    };
    (find("tolkmem"), find("tolkidx"))
}

/// The seeds with their memory, as a project (a `tolk.toml`).
fn project() -> Project {
    let t = Project::seeds();
    t.write("tolk.toml", "");
    t
}

/// `lookup QUERY --top 5`, asserting that it says nothing on stderr.
fn quiet_lookup(t: &Project) -> String {
    t.tolk(&["lookup", QUERY, "--top", "5"]).run().success().stderr_is("").stdout
}

#[test]
fn the_memory_and_its_index_are_kept_and_used_while_the_memory_is_unchanged() {
    let t = project();
    let first = quiet_lookup(&t);
    assert!(first.starts_with("1. 100%  Hva er en god dag på jobben for deg?\n"), "{first}");
    let (memory, index) = kept(&t);
    let (memory_at, index_at) = (std::fs::metadata(&memory).unwrap(), std::fs::metadata(&index).unwrap());
    assert!(t.path().join(".tolk/cache/CACHEDIR.TAG").is_file());
    // Used as they are: the same answer, and neither file written again.
    assert_eq!(quiet_lookup(&t), first);
    assert_eq!(std::fs::metadata(&memory).unwrap().modified().unwrap(), memory_at.modified().unwrap());
    assert_eq!(std::fs::metadata(&index).unwrap().modified().unwrap(), index_at.modified().unwrap());
    // From a subfolder of the project, the same files serve.
    let mut sub = std::process::Command::new(env!("CARGO_BIN_EXE_tolk"));
    let output =
        sub.args(["lookup", QUERY, "--top", "5"]).current_dir(t.path().join("corpus")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), first);
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn damaged_kept_files_are_found_and_made_again_with_a_note() {
    let t = project();
    let expected = quiet_lookup(&t);
    let (memory, index) = kept(&t);
    // Another memory's kept files, to put in this one's place.
    let other = project();
    other.write("memory/nb-en.csv", format!("{EMPTY_MEMORY}Hei.,Hello.,,,,,\n"));
    quiet_lookup(&other);
    let (other_memory, other_index) = kept(&other);
    type Damage = Box<dyn Fn(&mut Vec<u8>)>;
    let damages: Vec<(&str, Damage, &str)> = vec![
        ("cut short", Box::new(|b: &mut Vec<u8>| b.truncate(b.len() / 2)), "where its header says"),
        ("emptied", Box::new(|b: &mut Vec<u8>| b.clear()), "it is damaged: it is empty"),
        (
            "cut in its header",
            Box::new(|b: &mut Vec<u8>| b.truncate(20)),
            "cut inside its header, after 20 bytes",
        ),
        // The length the header gives is there: it is said.
        (
            "cut after its length",
            Box::new(|b: &mut Vec<u8>| b.truncate(44)),
            "44 bytes where its header says",
        ),
        (
            "a bit flipped",
            Box::new(|b: &mut Vec<u8>| {
                let at = b.len() / 3;
                b[at] ^= 0x10
            }),
            "its checksum does not match",
        ),
        ("a byte added", Box::new(|b: &mut Vec<u8>| b.push(0)), "where its header says"),
        (
            "another version",
            Box::new(|b: &mut Vec<u8>| b[8] = b[8].wrapping_add(1)),
            "another version or build of tolk",
        ),
        (
            "not tolk's",
            Box::new(|b: &mut Vec<u8>| b[..4].copy_from_slice(b"PK\x03\x04")),
            "it is not tolk's kept",
        ),
    ];
    for file in [&index, &memory] {
        for (what, damage, reason) in &damages {
            let mut bytes = std::fs::read(file).unwrap();
            damage(&mut bytes);
            std::fs::write(file, &bytes).unwrap();
            let out = t.tolk(&["lookup", QUERY, "--top", "5"]).run().success();
            assert_eq!(out.stdout, expected, "{} {what}", file.display());
            let name = file.file_name().unwrap().to_string_lossy();
            assert!(
                out.stderr.starts_with(&format!("note: .tolk/cache/{name} was not used, as "))
                    && out.stderr.contains(reason)
                    && out.stderr.ends_with("; made it again\n")
                    && out.stderr.lines().count() == 1,
                "{name} {what}: {}",
                out.stderr
            );
            // Made again, whole: the next command uses it without a word.
            assert_eq!(quiet_lookup(&t), expected, "after {what}");
        }
    }
    // Another memory's files in this one's place are stale, whatever they hold.
    for (theirs, ours) in [(&other_index, &index), (&other_memory, &memory)] {
        std::fs::copy(theirs, ours).unwrap();
        t.tolk(&["lookup", QUERY, "--top", "5"]).run().success().stdout_is(&expected).stderr_is(
            "note: the memory changed since it was last kept in .tolk/cache, or what is kept there is another memory's; read and indexed it again\n",
        );
        assert_eq!(quiet_lookup(&t), expected);
    }
}

#[test]
fn the_reports_on_the_whole_memory_say_when_the_kept_files_are_damaged_and_make_them_again() {
    let t = project();
    quiet_lookup(&t);
    let (memory, _) = kept(&t);
    for args in [&["tm", "conflicts"][..], &["analyze"]] {
        let before = t.tolk(args).run().success();
        let mut bytes = std::fs::read(&memory).unwrap();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&memory, &bytes).unwrap();
        let out = t.tolk(args).run().success();
        assert_eq!(out.stdout, before.stdout, "{args:?}");
        let name = memory.file_name().unwrap().to_string_lossy();
        assert!(
            out.stderr.starts_with(&format!("note: .tolk/cache/{name} was not used, as "))
                && out.stderr.contains("; made it again\n"),
            "{args:?}: {}",
            out.stderr
        );
        // Made again: the next one says only what it said before.
        t.tolk(args).run().success().stdout_is(&before.stdout).stderr_is(&before.stderr);
    }
}

#[test]
fn commands_reading_the_kept_memory_whole_or_in_part_say_when_it_is_damaged() {
    const NEW: &str = "Været i Tromsø var grått hele uka.";
    let t = project();
    quiet_lookup(&t);
    let (memory, _) = kept(&t);
    let name = memory.file_name().unwrap().to_string_lossy().into_owned();
    let cut = || {
        let mut bytes = std::fs::read(&memory).unwrap();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&memory, &bytes).unwrap();
    };
    // The note, on the first line, and once.
    let said_once = |stderr: &str| {
        let first = stderr.lines().next().unwrap_or_default();
        first.starts_with(&format!("note: .tolk/cache/{name} was not used, as it is damaged: "))
            && first.contains("; read the memory's CSV files instead (the next search")
            && stderr.matches("note: ").count() == 1
    };
    // A command about one sentence reads it from the CSV files, and says why.
    let history = t.tolk(&["tm", "history", QUERY]).run().success();
    cut();
    let out = t.tolk(&["tm", "history", QUERY]).run().success().stdout_is(&history.stdout);
    assert!(said_once(&out.stderr), "{}", out.stderr);
    // So does a write, once however often it reads the memory, and a write that
    // changes the memory keeps it again.
    t.write("more.csv", format!("source,target\n{NEW},The weather in Tromsø was grey all week.\n"));
    for args in [&["tm", "import", "more.csv", "--dry-run"][..], &["tm", "import", "more.csv"]] {
        let out = t.tolk(args).run().success();
        assert!(said_once(&out.stderr), "{args:?}: {}", out.stderr);
    }
    // The next command finds the memory kept as written, and says nothing.
    t.tolk(&["lookup", NEW])
        .run()
        .success()
        .stderr_is("")
        .stdout_contains("        The weather in Tromsø was grey all week.\n");
    // A batch coming back is checked against the memory again after the write: the
    // damage is said once all the same.
    t.write("corpus/new.txt", "Skyene lå tett over fjorden i går.\n");
    quiet_lookup(&t);
    t.tolk(&["--quiet", "export", "--format", "csv", "-o", "batch.csv"]).run().success();
    let rows = csv_rows(t.read("batch.csv").as_bytes(), b',');
    let row = &rows[0];
    t.write("batch.csv", format!("id,source,target\n{},{},Translated.\n", row["id"], row["source"]));
    cut();
    let out = t.tolk(&["import", "batch.csv"]).run().success();
    assert_eq!(out.stderr.matches("note: ").count(), 1, "{}", out.stderr);
}

#[test]
fn a_memory_changed_by_hand_is_read_again() {
    let t = project();
    quiet_lookup(&t);
    let text = t
        .read("memory/nb-en.csv")
        .replace("What is a good day at work for you?", "What makes a good workday?");
    t.write("memory/nb-en.csv", text);
    t.tolk(&["lookup", QUERY])
        .run()
        .success()
        .stdout_contains("        What makes a good workday?\n")
        .stderr_is(
            "note: the memory changed since it was last kept in .tolk/cache, or what is kept there is another memory's; read and indexed it again\n",
        );
    // A file added to a memory folder changes it too.
    t.write("memory/more.csv", "source,target\nHva er en god dag?,What is a good day?\n");
    t.tolk(&["lookup", "Hva er en god dag?"])
        .run()
        .success()
        .stdout_contains("1. 100%  Hva er en god dag?\n        What is a good day?\n");
}

/// Regression (a QA trial): a control character hand-edited into the memory was read
/// without a word. The kept memory is made from the CSV files, never instead of
/// reading them once they changed: `lookup`, `build` and `analyze` refuse it with the
/// memory's kept in `.tolk/cache` beside it, and keep nothing of it.
#[test]
fn a_control_character_edited_into_a_kept_memory_is_refused() {
    let t = project();
    quiet_lookup(&t);
    let text = t
        .read("memory/nb-en.csv")
        .replace("What is a good day at work for you?", "What is a \u{1b}[31mgood day at work for you?");
    t.write("memory/nb-en.csv", text);
    let kept_before = t.snapshot_dir(".tolk/cache");
    for args in [&["lookup", QUERY][..], &["build"], &["analyze"]] {
        t.tolk(args).run().failure().stderr_contains(
            "column target: the control character U+001B (ESC, ^[ in a text editor) in \"What is a \
             \\u{1b}[31mgood day at work for you?\", which no sentence or translation holds",
        );
    }
    assert!(!t.path().join("out").exists(), "no edition written");
    assert!(t.snapshot_dir(".tolk/cache") == kept_before, "nothing kept of the refused memory");
}

#[test]
fn an_import_brings_the_kept_index_up_to_date() {
    let t = Project::seeds_untranslated();
    t.write("tolk.toml", "");
    t.tolk(&["lookup", QUERY]).run().success().stdout_is("no match of 50% or more\n");
    t.write("more.csv", format!("source,target\n{QUERY},What is a good day at work for you?\n"));
    t.tolk(&["--quiet", "tm", "import", "more.csv"]).run().success();
    // The next command finds the kept files up to date: no note, the new translation.
    t.tolk(&["lookup", QUERY])
        .run()
        .success()
        .stderr_is("")
        .stdout_contains("        What is a good day at work for you?\n");
    // So does a correction, and a batch coming back.
    t.tolk(&["--quiet", "tm", "rm", QUERY]).run().success();
    t.tolk(&["lookup", QUERY]).run().success().stderr_is("").stdout_is("no match of 50% or more\n");
    t.tolk(&["--quiet", "export", "--format", "csv", "-o", "batch.csv"]).run().success();
    let rows = csv_rows(t.read("batch.csv").as_bytes(), b',');
    let row = rows.iter().find(|r| r["source"] == QUERY).expect("the sentence is in the batch");
    t.write("batch.csv", format!("id,source,target\n{},{QUERY},What makes a good workday?\n", row["id"]));
    t.tolk(&["--quiet", "import", "batch.csv"]).run().success();
    t.tolk(&["lookup", QUERY])
        .run()
        .success()
        .stderr_is("")
        .stdout_contains("        What makes a good workday?\n");
}

#[test]
fn a_write_keeps_its_changes_at_once_and_the_files_in_the_background() {
    const NEW: &str = "Været i Tromsø var grått hele uka.";
    const ENGLISH: &str = "        The weather in Tromsø was grey all week.\n";
    let t = project();
    assert!(!quiet_lookup(&t).is_empty());
    let (memory, index) = kept(&t);
    let before = (std::fs::read(&memory).unwrap(), std::fs::read(&index).unwrap());
    // Another tolk keeping the files: the test holds their keeping lock, as it would.
    let lock = std::fs::File::create(memory.with_extension("keeping")).unwrap();
    lock.lock().unwrap();
    // A write returns without making them: the tolk it starts to do so waits for the
    // lock. What it changed is kept at once, so the next command answers from the
    // memory as written, without waiting, and without a note.
    t.write("more.csv", format!("source,target\n{NEW},{}\n", ENGLISH.trim()));
    t.tolk(&["--quiet", "tm", "import", "more.csv"]).run().success();
    t.tolk(&["lookup", NEW]).run().success().stderr_is("").stdout_contains(ENGLISH);
    t.tolk(&["tm", "history", NEW]).run().success().stdout_contains("The weather in Tromsø");
    assert!(
        before == (std::fs::read(&memory).unwrap(), std::fs::read(&index).unwrap()),
        "the kept files were made again by a reader"
    );
    // Without the changes (a write that made a new file keeps none), a reader waits for
    // the tolk keeping the files while it holds the lock...
    for file in std::fs::read_dir(t.path().join(".tolk/cache")).unwrap() {
        let path = file.unwrap().path();
        if path.file_name().unwrap().to_string_lossy().starts_with("changes-") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let mut lookup = crate::concurrency::tolk(&t, &["lookup", NEW]).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(lookup.try_wait().unwrap().is_none(), "the lookup did not wait for the files being kept");
    // ...and answers from the memory as written once it is let go.
    drop(lock);
    let output = lookup.wait_with_output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains(ENGLISH));
    // Then every command finds them kept and up to date.
    t.tolk(&["lookup", NEW]).run().success().stderr_is("").stdout_contains(ENGLISH);
}

#[test]
fn a_write_from_the_kept_memory_writes_what_one_from_the_csv_files_writes() {
    // The same writes to the seeds' memory, in a project whose memory is kept (a write
    // starts from the kept copy) and outside one (it reads the CSV files).
    let kept = project();
    assert!(!quiet_lookup(&kept).is_empty());
    let plain = Project::seeds();
    // The reports on the whole memory, read in part from the kept files alone.
    let analysis = |t: &Project| t.tolk(&["analyze", "--json"]).run().success().stdout;
    assert_eq!(analysis(&kept), analysis(&plain));
    // Another tolk keeping the files: the test holds their keeping lock, so every
    // command below reads the kept files through the changes the writes keep.
    let lock = std::fs::File::create(crate::cache::kept(&kept).0.with_extension("keeping")).unwrap();
    lock.lock().unwrap();
    for t in [&kept, &plain] {
        t.write(
            "more.csv",
            format!(
                "source,target,note\n{QUERY},What makes a good day at work?,\"a, b\"\nEn ny setning.,A new sentence.,\n\
                 En annen setning.,Another sentence.,\nEn annen setning.,One more sentence.,\n"
            ),
        );
        t.tolk(&["--quiet", "tm", "import", "--overwrite", "more.csv"]).run().success();
        t.tolk(&["--quiet", "tm", "rm", "Det betyr alt."]).run().success();
    }
    // The moments of the writes aside, the memories are the same, byte for byte.
    let moment = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ|i\d{8}-\d{6}").unwrap();
    let files = |t: &Project| -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = t
            .snapshot_dir("memory")
            .into_iter()
            .filter(|(name, _)| name.ends_with(".csv"))
            .map(|(name, bytes)| {
                (name, moment.replace_all(&String::from_utf8(bytes).unwrap(), "T").into_owned())
            })
            .collect();
        files.sort();
        files
    };
    let written = files(&kept);
    assert!(written.iter().any(|(_, text)| text.contains("What makes a good day at work?")));
    assert_eq!(written, files(&plain));
    // The history of a sentence, read in part from the kept memory (and the changes
    // kept since) in the project, is the history read from the CSV files outside it.
    let id = tolk::text::SegmentId::of(QUERY).to_string();
    for key in [QUERY, id.as_str(), "Det betyr alt.", "En ny setning."] {
        let history = |t: &Project| {
            moment.replace_all(&t.tolk(&["tm", "history", key]).run().success().stdout, "T").into_owned()
        };
        let in_project = history(&kept);
        assert!(in_project.contains("\n   1 "), "{in_project}");
        assert_eq!(in_project, history(&plain), "{key}");
    }
    // So are the status and the editions, read from the translations of the
    // documents' sentences alone.
    let status = |t: &Project| t.tolk(&["status", "--json"]).run().success().stdout;
    assert_eq!(status(&kept), status(&plain));
    for t in [&kept, &plain] {
        t.tolk(&["--quiet", "build", "--partial"]).run().success();
    }
    let editions = |t: &Project| t.snapshot_dir("out");
    assert!(!editions(&kept).is_empty());
    assert_eq!(editions(&kept), editions(&plain));
    // And the batch for translators, with its suggestions, read in part likewise.
    let batch = |t: &Project| {
        t.tolk(&["--quiet", "export", "--format", "csv", "--out", "batch.csv"]).run().success();
        moment.replace_all(&t.read("batch.csv"), "T").into_owned()
    };
    let exported = batch(&kept);
    assert!(exported.contains("Det betyr alt."), "{exported}");
    assert_eq!(exported, batch(&plain));
    // And the reports on the whole memory, which read only the entries they show and
    // the sentences whose translations may compete: the analysis (its totals, and the
    // competing translations the page lists) and the list of competing translations.
    for args in
        [&["analyze"][..], &["analyze", "--json"], &["analyze", "--html"], &["tm", "conflicts", "--json"]]
    {
        let report = |t: &Project| moment.replace_all(&t.tolk(args).run().success().stdout, "T").into_owned();
        let in_project = report(&kept);
        let lists = args[0] == "tm" || args.contains(&"--html");
        assert!(in_project.contains("One more sentence.") || !lists, "{in_project}");
        assert_eq!(in_project, report(&plain), "{args:?}");
    }
    let analysis = kept.tolk(&["analyze"]).run().success().stdout;
    assert!(analysis.contains("(and 2 retired, kept as history), 1 source with conflicting"), "{analysis}");
    let changes = std::fs::read_dir(kept.path().join(".tolk/cache")).unwrap();
    assert!(
        changes.filter_map(|f| f.ok()).any(|f| f.file_name().to_string_lossy().starts_with("changes-")),
        "the commands above did not read through the changes"
    );
    drop(lock);
}

#[test]
fn a_project_where_nothing_can_be_kept_still_answers() {
    let t = project();
    // `.tolk` is a file: nothing can be made under it, even by root.
    t.write(".tolk", "");
    for _ in 0..2 {
        t.tolk(&["lookup", QUERY])
            .run()
            .success()
            .stdout_contains("1. 100%  Hva er en god dag på jobben for deg?\n")
            .stderr_is(
                "note: the memory and its index cannot be kept in .tolk/cache (.tolk is not a folder), so every \
                 command reads and indexes the memory again; delete or repair .tolk/cache to keep them\n",
            );
    }
    t.tolk(&["--quiet", "lookup", QUERY]).run().success().stderr_is("");
}

#[test]
fn outside_a_project_nothing_is_kept() {
    let t = Project::seeds();
    t.tolk(&["lookup", QUERY]).run().success().stderr_is("").stdout_contains("1. 100%  Hva er");
    t.tolk(&["--quiet", "analyze"]).run().success();
    assert!(!t.path().join(".tolk").exists(), "a .tolk was made outside a project");
}

#[test]
fn an_empty_memory_keeps_nothing() {
    let t = Project::seeds_untranslated();
    t.write("tolk.toml", "");
    t.tolk(&["lookup", QUERY]).run().success().stderr_is("");
    assert!(!t.path().join(".tolk/cache").exists());
}

#[test]
fn commands_keeping_the_files_at_once_leave_them_whole() {
    let t = project();
    let mut children: Vec<_> = (0..6).map(|_| t.tolk(&["lookup", QUERY, "--top", "5"]).spawn()).collect();
    let outputs: Vec<_> = children.iter_mut().map(|c| c.wait_with_output_ref()).collect();
    for (stdout, ok) in &outputs {
        assert!(ok, "a lookup failed");
        assert_eq!(stdout, &outputs[0].0);
    }
    // Whichever rename came last, the files are whole and used without a word, and no
    // temporary file is left beside them.
    assert_eq!(quiet_lookup(&t), outputs[0].0);
    let left: Vec<_> = std::fs::read_dir(t.path().join(".tolk/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Waiting for a child of [`Run::spawn`] without taking it by value.
trait WaitRef {
    fn wait_with_output_ref(&mut self) -> (String, bool);
}

impl WaitRef for std::process::Child {
    fn wait_with_output_ref(&mut self) -> (String, bool) {
        use std::io::Read as _;
        let mut stdout = String::new();
        if let Some(mut out) = self.stdout.take() {
            out.read_to_string(&mut stdout).unwrap();
        }
        if let Some(mut err) = self.stderr.take() {
            let _ = err.read_to_string(&mut String::new());
        }
        (stdout, self.wait().unwrap().success())
    }
}

#[test]
fn damaged_changes_are_named_in_a_note_and_the_answer_is_the_same() {
    const NEW: &str = "Været i Tromsø var grått hele uka.";
    let t = project();
    assert!(!quiet_lookup(&t).is_empty());
    // No keeper runs: the test holds its lock.
    let lock = std::fs::File::create(kept(&t).0.with_extension("keeping")).unwrap();
    lock.lock().unwrap();
    t.write("more.csv", format!("source,target\n{NEW},The weather in Tromsø was grey all week.\n"));
    t.tolk(&["--quiet", "tm", "import", "more.csv"]).run().success();
    let changes = std::fs::read_dir(t.path().join(".tolk/cache"))
        .unwrap()
        .map(|f| f.unwrap().path())
        .find(|p| {
            p.file_name().unwrap().to_string_lossy().starts_with("changes-")
                && p.extension().unwrap() == "tolkidx"
        })
        .expect("changes kept");
    let mut bytes = std::fs::read(&changes).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&changes, bytes).unwrap();
    let name = changes.file_name().unwrap().to_string_lossy().into_owned();
    t.tolk(&["lookup", NEW])
        .run()
        .success()
        .stdout_contains("The weather in Tromsø was grey all week.")
        .stderr_is(&format!(
            "note: .tolk/cache/{name} was not used, as it is damaged: its checksum does not match its bytes; kept the memory again without it\n"
        ));
    // Made again by that reader, while a keeper still holds its lock: the next reader
    // does not wait for it, and says nothing.
    t.tolk(&["lookup", NEW]).run().success().stderr_is("");
}

#[test]
fn a_kept_index_that_is_a_fifo_or_a_link_to_a_device_is_made_again_not_waited_on_or_read_forever() {
    let t = project();
    let expected = quiet_lookup(&t);
    let (_, index) = kept(&t);
    // A FIFO nobody writes: an open that waited would never return, so the lookup is
    // given ten seconds and killed after.
    std::fs::remove_file(&index).unwrap();
    crate::paths::mkfifo(&index);
    let mut child = t.tolk(&["lookup", QUERY, "--top", "5"]).spawn();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(10) {
            child.kill().unwrap();
            panic!("lookup still waits on a FIFO kept as the index after 10 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("was not used, as it is a FIFO (named pipe), not a file tolk made"), "{stderr}");
    assert!(index.metadata().unwrap().is_file(), "made again as a file");
    // A link to /dev/zero, whose length says nothing and whose bytes never end.
    std::fs::remove_file(&index).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &index).unwrap();
    t.tolk(&["lookup", QUERY, "--top", "5"])
        .run()
        .success()
        .stdout_is(&expected)
        .stderr_contains("was not used, as it is a symbolic link, not a file tolk made");
    assert_eq!(quiet_lookup(&t), expected);
}

#[test]
fn a_memory_file_whose_name_is_not_utf8_is_kept_as_any_other() {
    use std::os::unix::ffi::OsStrExt as _;
    let t = project();
    let name = std::ffi::OsStr::from_bytes(b"vendor-\xe5.csv");
    std::fs::write(t.path().join("memory").join(name), "source,target\nHei,Hi\n").unwrap();
    // Kept at the first command, without a note; used as it is at the next.
    t.tolk(&["lookup", "Hei"]).run().success().stdout_contains("Hi").stderr_is("");
    assert_eq!(quiet_lookup(&t), quiet_lookup(&t));
    let (memory, _) = kept(&t);
    let before = memory.metadata().unwrap().modified().unwrap();
    t.tolk(&["lookup", "Hei"]).run().success().stderr_is("");
    assert_eq!(memory.metadata().unwrap().modified().unwrap(), before, "the kept memory was made again");
}
