//! Correcting the memory: `tm history`, `tm resolve`, `tm revert` and `tm rm`.
//!
//! Each runs the real binary on a small memory with a conflict and checks what a user
//! relies on: the translation lookup and build use afterwards, that nothing is removed
//! from the CSV (replaced translations stay, with `retired`), that the file keeps its
//! own columns, and that bad input fails with the memory left byte for byte as it was.

use crate::util::{csv_rows, Project};

/// `Hei.` translated twice (the newer one used), `Ja.` once, and an extra column.
const MEMORY: &str = "source,target,changed,origin,Client\n\
                      Hei.,Hi.,2026-01-01T00:00:00Z,seed,Lyse\n\
                      Hei.,Hello.,2026-02-01T00:00:00Z,import:a.csv,\n\
                      Ja.,Yes.,2026-01-01T00:00:00Z,seed,\n";

fn project() -> Project {
    let t = Project::empty();
    t.write("memory/nb-en.csv", MEMORY);
    t.write("corpus/a.txt", "Hei.\nJa.\n");
    t
}

/// The targets of `source` in the memory file, each with its `retired` cell.
fn translations(t: &Project, source: &str) -> Vec<(String, String)> {
    csv_rows(t.read("memory/nb-en.csv").as_bytes(), b',')
        .into_iter()
        .filter(|r| r["source"] == source)
        .map(|r| (r["target"].clone(), r.get("retired").cloned().unwrap_or_default()))
        .collect()
}

/// The target `tolk lookup` gives first for `source`.
fn looked_up(t: &Project, source: &str) -> String {
    let out = t.tolk(&["lookup", source]).run().success().stdout;
    out.lines().nth(1).unwrap_or_default().trim().to_string()
}

#[test]
fn resolve_keeps_the_chosen_translation_and_retires_the_other() {
    let t = project();
    t.tolk(&["tm", "conflicts"])
        .run()
        .success()
        .stdout_contains("   1 * Hello.  (changed 2026-02-01T00:00:00Z, origin import:a.csv)\n")
        .stdout_contains("   2   Hi.  (changed 2026-01-01T00:00:00Z, origin seed)\n")
        .stderr_contains("`tolk tm resolve SENTENCE --keep N` settles on one");
    let before = t.snapshot_dir("memory");
    t.tolk(&["tm", "resolve", "Hei.", "--keep", "2", "--dry-run"]).run().success().stderr_is(
        "Hei.: would use \"Hi.\" from now on; would retire \"Hello.\" (dry run, nothing written)\n",
    );
    assert_eq!(t.snapshot_dir("memory"), before, "a dry run wrote");

    t.tolk(&["tm", "resolve", "Hei.", "--keep", "2"])
        .run()
        .success()
        .stderr_is("Hei.: uses \"Hi.\" from now on; retired \"Hello.\" (written to memory/nb-en.csv)\n");
    t.tolk(&["tm", "conflicts"]).run().success().stdout_is("");
    assert_eq!(looked_up(&t, "Hei."), "Hi.");
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "Hi.\nYes.\n");
    // Nothing is lost: the other translation is still there, retired.
    let rows = translations(&t, "Hei.");
    assert_eq!(rows[0], ("Hi.".to_string(), String::new()));
    assert_eq!(rows[1].0, "Hello.");
    assert!(rows[1].1.starts_with("20"), "not retired with the time: {rows:?}");
    // The file kept its columns, the extra one included, and got `retired` at the end.
    let memory = t.read("memory/nb-en.csv");
    assert!(
        memory.starts_with(
            "source,target,changed,origin,Client,retired\nHei.,Hi.,2026-01-01T00:00:00Z,seed,Lyse,\n"
        ),
        "{memory}"
    );
    // The history lists both, the retired one with when.
    t.tolk(&["tm", "history", "Hei."])
        .run()
        .success()
        .stdout_contains(
            "Hei.  (sd1e76cf359cb8437)\n   1   Hello.  (changed 2026-02-01T00:00:00Z, retired 20",
        )
        .stdout_contains("   2 * Hi.  (changed 2026-01-01T00:00:00Z, origin seed)\n")
        .stderr_is("2 translations, 1 retired; * marks the one used\n");

    // A later import with yet another translation is a conflict again, refused; with
    // --overwrite it is the one used, and the one it replaces is retired by it.
    t.write("b.tsv", "Hei.\tHey.\n");
    t.tolk(&["tm", "import", "b.tsv"]).run().success().stderr_contains("1 conflict (refused)");
    t.tolk(&["tm", "conflicts"]).run().success().stdout_is("");
    t.tolk(&["tm", "import", "--overwrite", "b.tsv"])
        .run()
        .success()
        .stderr_contains("1 conflict (added), 1 retired");
    t.tolk(&["tm", "conflicts"]).run().success().stdout_is("");
    assert_eq!(looked_up(&t, "Hei."), "Hey.");
    assert_eq!(translations(&t, "Hei.").len(), 3, "an entry was lost");
}

#[test]
fn resolve_by_text_or_id_and_back_to_a_retired_translation() {
    let t = project();
    t.tolk(&["tm", "resolve", "sd1e76cf359cb8437", "--target", "Hi."]).run().success();
    assert_eq!(looked_up(&t, "Hei."), "Hi.");
    // A retired translation can be chosen: it is put back, the other retired.
    t.tolk(&["tm", "resolve", "Hei.", "--target", "Hello."]).run().success();
    assert_eq!(looked_up(&t, "Hei."), "Hello.");
    let rows = translations(&t, "Hei.");
    assert!(!rows[0].1.is_empty() && rows[1].1.is_empty(), "{rows:?}");
}

#[test]
fn revert_restores_the_older_translation_after_two_overwrites() {
    let t = project();
    t.tolk(&["tm", "resolve", "Ja.", "--keep", "1"])
        .run()
        .success()
        .stderr_is("Ja.: \"Yes.\" is already the one used, and the only one in use; nothing to do\n");
    t.write("v1.tsv", "Ja.\tYeah.\n");
    t.write("v2.tsv", "Ja.\tYep.\n");
    t.tolk(&["tm", "import", "--overwrite", "v1.tsv"]).run().success();
    t.tolk(&["tm", "import", "--overwrite", "v2.tsv"]).run().success();
    assert_eq!(looked_up(&t, "Ja."), "Yep.");
    t.tolk(&["tm", "revert", "Ja."])
        .run()
        .success()
        .stderr_is("Ja.: uses \"Yeah.\" from now on; retired \"Yep.\" (written to memory/nb-en.csv)\n");
    assert_eq!(looked_up(&t, "Ja."), "Yeah.");
    t.tolk(&["tm", "revert", "Ja."]).run().success();
    assert_eq!(looked_up(&t, "Ja."), "Yes.");
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "Hello.\nYes.\n");
    let targets: Vec<String> = translations(&t, "Ja.").into_iter().map(|(target, _)| target).collect();
    assert_eq!(targets, ["Yes.", "Yeah.", "Yep."], "an entry was lost");
}

#[test]
fn revert_refuses_when_there_is_nothing_earlier() {
    let t = project();
    t.tolk(&["tm", "resolve", "Ja.", "--keep", "1"]).run().success();
    let before = t.snapshot_dir("memory");
    t.tolk(&["tm", "revert", "Ja."]).run().failure().stderr_is(
        "error: \"Ja.\" has no earlier translation to go back to; `tolk tm history` lists what it has, and \
         `tolk tm rm` retires the current one\n",
    );
    assert_eq!(t.snapshot_dir("memory"), before);
}

#[test]
fn rm_leaves_the_sentence_missing_and_revert_brings_it_back() {
    let t = project();
    t.tolk(&["tm", "rm", "Ja.", "--dry-run"])
        .run()
        .success()
        .stderr_is("Ja.: would no longer be translated; would retire \"Yes.\" (dry run, nothing written)\n");
    t.tolk(&["tm", "rm", "Ja."]).run().success();
    t.tolk(&["build", "--list-missing"]).run().failure().stderr_contains("a.txt:2: Ja.\n");
    t.tolk(&["analyze"]).run().success().stdout_contains("a.txt\n  Band          Segments     Words  Words %\n  Repetition           0         0     0.0%\n  100%                 1");
    let found = t.tolk(&["lookup", "Ja."]).run().success().stdout;
    assert!(!found.contains("Yes."), "a retired translation was offered:\n{found}");
    assert_eq!(translations(&t, "Ja.").len(), 1, "rm removed the entry from the file");
    t.tolk(&["tm", "rm", "Ja."])
        .run()
        .failure()
        .stderr_contains("every translation of \"Ja.\" is already retired");
    t.tolk(&["tm", "revert", "Ja."]).run().success();
    assert_eq!(looked_up(&t, "Ja."), "Yes.");
}

#[test]
fn bad_input_fails_and_leaves_the_memory_as_it_was() {
    let t = project();
    // The lock file of an earlier write (tolk's own, hidden, kept), so the whole folder
    // can be compared.
    t.tolk(&["tm", "resolve", "Ja.", "--keep", "1"]).run().success();
    let before = t.snapshot_dir("memory");
    let cases: [(&[&str], &str); 5] = [
        (
            &["tm", "resolve", "Hei.", "--keep", "3"],
            "error: there is no translation 3 of \"Hei.\": it has 2; see them numbered with `tolk tm history`\n",
        ),
        (
            &["tm", "resolve", "Hei.", "--keep", "0"],
            "error: there is no translation 0 of \"Hei.\": it has 2; see them numbered with `tolk tm history`\n",
        ),
        (
            &["tm", "resolve", "Hei.", "--target", "Hey."],
            "error: \"Hey.\" is none of the translations of \"Hei.\"; see them with `tolk tm history`, or give --keep N\n",
        ),
        (
            &["tm", "rm", "Nei."],
            "error: the memory has no translation of \"Nei.\"; check the sentence (or its id) with `tolk lookup`\n",
        ),
        (
            &["tm", "history", "s0000000000000000"],
            "error: the memory has no translation of s0000000000000000; check the sentence (or its id) with `tolk lookup`\n",
        ),
    ];
    for (args, error) in cases {
        t.tolk(args).run().failure().stderr_is(error);
        assert_eq!(t.snapshot_dir("memory"), before, "{args:?} changed the memory");
    }
}

#[test]
fn a_folder_of_memory_files_rewrites_only_the_file_changed() {
    let t = project();
    t.write("memory/other.csv", "Note,target,source\nfra kunden,Hey.,Hei.\n");
    let other = t.read("memory/other.csv");
    // Hey. has no date: Hello. (newest) is used; Hi. is in nb-en.csv.
    t.tolk(&["tm", "resolve", "Hei.", "--target", "Hi."])
        .run()
        .success()
        .stderr_contains("retired \"Hello.\", \"Hey.\" (written to memory/nb-en.csv, memory/other.csv)");
    let rewritten = t.read("memory/other.csv");
    assert!(rewritten.starts_with("Note,target,source,retired\nfra kunden,Hey.,Hei.,20"), "{rewritten}");
    assert_ne!(rewritten, other);
    t.tolk(&["tm", "history", "Hei.", "--json"]).run().success().stdout_contains("\"note\":\"\"");
}

#[cfg(unix)]
#[test]
fn a_memory_file_that_is_a_link_is_not_replaced() {
    let t = project();
    std::fs::rename(t.path().join("memory/nb-en.csv"), t.path().join("shared.csv")).unwrap();
    std::os::unix::fs::symlink(t.path().join("shared.csv"), t.path().join("memory/nb-en.csv")).unwrap();
    t.tolk(&["tm", "rm", "Ja."]).run().failure().stderr_contains("will not replace a link");
    assert_eq!(t.read("shared.csv"), MEMORY);
    assert!(std::fs::symlink_metadata(t.path().join("memory/nb-en.csv")).unwrap().file_type().is_symlink());
}

#[test]
fn tmx_leaves_history_out_unless_asked_and_an_import_leaves_it_out() {
    let t = project();
    t.tolk(&["tm", "resolve", "Hei.", "--keep", "2"]).run().success();
    let tmx = t.tolk(&["tm", "export"]).run().success().stdout;
    assert_eq!(tmx.matches("<tu ").count() + tmx.matches("<tu>").count(), 2, "{tmx}");
    assert!(!tmx.contains("Hello."), "{tmx}");
    t.tolk(&["tm", "export", "--history", "-o", "all.tmx"]).run().success();
    let all = t.read("all.tmx");
    assert!(all.contains("<prop type=\"x-tolk-retired\">20"), "{all}");
    assert!(all.contains("Hello."));
    t.tolk(&["tm", "export", "--history", "--format", "csv"])
        .run()
        .failure()
        .stderr_contains("--history is for TMX");
    let csv = t.tolk(&["tm", "export", "--format", "csv"]).run().success().stdout;
    assert!(csv.starts_with("source,target,changed,origin,Client,retired\n"), "{csv}");

    // Into a fresh memory: the translations in use come in, the history is counted out.
    let fresh = Project::empty();
    fresh.write("all.tmx", &all);
    fresh
        .tolk(&["tm", "import", "all.tmx"])
        .run()
        .success()
        .stderr_contains("1 retired left out (history is not imported)");
    assert!(!fresh.read("memory/nb-en.csv").contains("Hello."));
}
