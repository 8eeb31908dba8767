//! Correcting the memory: `tm history`, `tm resolve`, `tm revert` and `tm rm`, and
//! whole imports: their ids, `import --overwrite` retiring what it replaces, `tm revert
//! ID` undoing one and `tm history` listing them.
//!
//! Each runs the real binary on a small memory with a conflict and checks what a user
//! relies on: the translation lookup and build use afterwards, that nothing is removed
//! from the CSV (replaced translations stay, with `retired`), that the file keeps its
//! own columns, and that bad input fails with the memory left byte for byte as it was.

use crate::util::{csv_rows, Output, Project};
use tolk::text::SegmentId;

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
    t.tolk(&["tm", "import", "b.tsv"]).run().code(3).stderr_contains("1 conflict (refused)");
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
    t.tolk(&["analyze"]).run().success().stdout_contains("a.txt\n  Band          Segments     Words  Words %\n  101%                 0         0     0.0%\n  Repetition           0         0     0.0%\n  100%                 1");
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

/// A batch as a translator sends it back: `id,source,target` for each (source, target).
fn batch(t: &Project, name: &str, rows: &[(&str, &str)]) {
    let mut text = String::from("id,source,target\n");
    for (source, target) in rows {
        text.push_str(&format!("{},{source},{target}\n", SegmentId::of(source)));
    }
    t.write(name, text);
}

/// The import id an import's summary (its last line) starts with; `None` if it has none.
fn import_id(out: &Output) -> Option<String> {
    let last = out.stderr.lines().last().unwrap_or_default();
    let id = last.strip_prefix("import ")?.split(':').next()?;
    assert!(
        id.starts_with("i20") && id.len() >= 16 && id.as_bytes()[9] == b'-',
        "not an import id: {id:?} in {last:?}"
    );
    Some(id.to_string())
}

/// A project whose corpus has `Nei.` too, which the memory does not translate.
fn three_sentences() -> Project {
    let t = project();
    t.write("corpus/a.txt", "Hei.\nJa.\nNei.\n");
    t
}

#[test]
fn every_import_that_adds_gets_an_id_in_the_memory_and_tm_history_lists_them() {
    let t = three_sentences();
    batch(&t, "kari.csv", &[("Nei.", "No.")]);
    batch(&t, "ola.csv", &[("Ja.", "Yes."), ("Nei.", "No.")]);
    let dry = t.tolk(&["import", "--dry-run", "kari.csv"]).run().success();
    assert_eq!(import_id(&dry), None, "a dry run has no id: {}", dry.stderr);
    let kari = t.tolk(&["import", "--translator", "kari", "kari.csv"]).run().success();
    let kari = import_id(&kari).expect("an import that adds has an id");
    // Nothing new: no id, nothing written.
    let before = t.snapshot_dir("memory");
    let ola = t.tolk(&["import", "--translator", "ola", "ola.csv"]).run().success();
    assert_eq!(import_id(&ola), None, "{}", ola.stderr);
    assert_eq!(t.snapshot_dir("memory"), before);
    // A second batch, with a translation of its own; `tm import` gets an id too.
    batch(&t, "ola.csv", &[("Nei.", "Nope.")]);
    let ola = t.tolk(&["import", "--translator", "ola", "--overwrite", "ola.csv"]).run().success();
    let ola = import_id(&ola).unwrap();
    t.write("more.tsv", "Takk.\tThanks.\n");
    let tsv = import_id(&t.tolk(&["tm", "import", "more.tsv"]).run().success()).unwrap();
    assert!(kari < ola && ola < tsv, "ids in the order of the imports: {kari} {ola} {tsv}");

    let rows = t.memory_rows();
    let stamps: Vec<(&str, &str, &str)> =
        rows.iter().map(|r| (r["target"].as_str(), r["import"].as_str(), r["retired_by"].as_str())).collect();
    assert_eq!(
        stamps,
        [
            ("Hi.", "", ""),
            ("Hello.", "", ""),
            ("Yes.", "", ""),
            ("No.", kari.as_str(), ola.as_str()),
            ("Nope.", ola.as_str(), ""),
            ("Thanks.", tsv.as_str(), ""),
        ]
    );
    let listed = t.tolk(&["tm", "history"]).run().success();
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", listed.stdout);
    assert!(lines[0].starts_with(&format!("{tsv}  1 added (1 in use), 0 retired  (at 20")), "{}", lines[0]);
    assert!(lines[0].ends_with("; origin tsv:more.tsv)"), "{}", lines[0]);
    assert!(lines[1].starts_with(&format!("{ola}  1 added (1 in use), 1 retired  (at ")), "{}", lines[1]);
    assert!(lines[1].ends_with("; origin import:ola.csv; by ola)"), "{}", lines[1]);
    assert!(lines[2].starts_with(&format!("{kari}  1 added (0 in use), 0 retired")), "{}", lines[2]);
    assert_eq!(listed.stderr, "3 imports, newest first; `tolk tm revert ID` undoes one\n");
    let json = t.tolk(&["tm", "history", "--json"]).run().success().stdout;
    let first: serde_json::Value = serde_json::from_str(json.lines().nth(1).unwrap()).unwrap();
    assert_eq!(first["id"], ola.as_str());
    assert_eq!(
        (first["added"].as_u64(), first["in_use"].as_u64(), first["retired"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(first["translators"], serde_json::json!(["ola"]));
    // A sentence's history names the import of each translation, and who retired it.
    t.tolk(&["tm", "history", "Nei."])
        .run()
        .success()
        .stdout_contains(&format!(", import {ola}, origin import:ola.csv, by ola)\n"))
        .stdout_contains(&format!(", import {kari}, retired 20"))
        .stdout_contains(&format!(" by {ola}, origin import:kari.csv, by kari)\n"));
}

#[test]
fn overwrite_retires_what_it_replaces_and_reverting_the_import_brings_it_back() {
    let t = three_sentences();
    batch(&t, "ola.csv", &[("Hei.", "Hey there."), ("Nei.", "No.")]);
    // Without --overwrite the changed translation is refused; the new sentence comes in.
    let first = t.tolk(&["import", "ola.csv"]).run().code(3).stderr_contains("1 added, 0 unchanged");
    let first = import_id(&first).unwrap();
    assert_eq!(looked_up(&t, "Hei."), "Hello.");
    let count = t.memory_rows().len();

    let out = t.tolk(&["import", "--overwrite", "ola.csv"]).run().success().stderr_contains(
        "1 added, 1 unchanged, 0 skipped (empty target), 0 skipped (state), 1 conflict (added), 2 retired, 0 warnings",
    );
    let id = import_id(&out).unwrap();
    assert_ne!(id, first);
    // Both translations in use, Hello. and the older Hi., are retired by this import.
    let rows = t.memory_rows();
    assert_eq!(rows.len(), count + 1);
    for old in ["Hi.", "Hello."] {
        let row = rows.iter().find(|r| r["target"] == old).unwrap();
        assert!(row["retired"].starts_with("20") && row["retired_by"] == id, "{row:?}");
    }
    t.tolk(&["tm", "conflicts"]).run().success().stdout_is("").stderr_contains("0 sources with competing");
    t.tolk(&["analyze"]).run().success().stdout_contains("0 sources with conflicting translations");
    assert_eq!(looked_up(&t, "Hei."), "Hey there.");

    // A dry run says what it would do and writes nothing.
    let before = t.snapshot_dir("memory");
    t.tolk(&["tm", "revert", &id, "--dry-run"]).run().success().stderr_is(&format!(
        "import {id}: would retire 1 translation it added, would put back 2 it retired (dry run, nothing written)\n  \
         Hei.: would retire \"Hey there.\"; would put back \"Hi.\", \"Hello.\"\n"
    ));
    assert_eq!(t.snapshot_dir("memory"), before, "a dry run wrote");
    t.tolk(&["tm", "revert", &id]).run().success().stderr_is(&format!(
        "import {id} undone: retired 1 translation it added, put back 2 it retired (written to memory/nb-en.csv)\n  \
         Hei.: retired \"Hey there.\"; put back \"Hi.\", \"Hello.\"\n"
    ));
    // As before the import: Hello. used, Hi. competing with it as it did.
    assert_eq!(looked_up(&t, "Hei."), "Hello.");
    t.tolk(&["tm", "conflicts"]).run().success().stdout_contains(" * Hello.").stdout_contains("   Hi.");
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "Hello.\nYes.\nNo.\n", "the first import stays");
    let rows = t.memory_rows();
    assert_eq!(rows.len(), count + 1, "a revert removed or added a row");
    let new = rows.iter().find(|r| r["target"] == "Hey there.").unwrap();
    assert!(new["retired"].starts_with("20") && new["retired_by"].is_empty(), "{new:?}");
    for old in ["Hi.", "Hello."] {
        let row = rows.iter().find(|r| r["target"] == old).unwrap();
        assert!(row["retired"].is_empty() && row["retired_by"].is_empty(), "{row:?}");
    }

    // Again: nothing to do, said so, nothing written.
    let before = t.snapshot_dir("memory");
    t.tolk(&["tm", "revert", &id]).run().failure().stderr_is(&format!(
        "error: import {id} is already undone: the 1 entry it added is retired and none it retired is still \
         retired; nothing to do (`tolk tm history` lists the imports)\n"
    ));
    assert_eq!(t.snapshot_dir("memory"), before);
    // An id no entry has.
    t.tolk(&["tm", "revert", "i20000101-000000"]).run().failure().stderr_is(
        "error: no entry of the memory came from import i20000101-000000; `tolk tm history` lists the imports\n",
    );
    assert_eq!(t.snapshot_dir("memory"), before);
    // The import listed, with nothing of it left in use.
    t.tolk(&["tm", "history"])
        .run()
        .success()
        .stdout_contains(&format!("{id}  1 added (0 in use), 0 retired"));
}

/// Reverting the first of two imports of one sentence leaves the second in use: the
/// later decision stands, and what the first replaced comes back as history's
/// competitor, listed by `tm conflicts`.
#[test]
fn reverting_an_earlier_import_leaves_a_later_one_in_use() {
    let t = three_sentences();
    batch(&t, "one.csv", &[("Ja.", "Yeah.")]);
    batch(&t, "two.csv", &[("Ja.", "Yep.")]);
    let one = import_id(&t.tolk(&["import", "--overwrite", "one.csv"]).run().success()).unwrap();
    t.tolk(&["import", "--overwrite", "two.csv"]).run().success();
    assert_eq!(looked_up(&t, "Ja."), "Yep.");
    // One's Yeah. is retired by two already: only Yes. comes back.
    t.tolk(&["tm", "revert", &one])
        .run()
        .success()
        .stderr_contains(": retired 0 translations it added, put back 1 it retired")
        .stderr_contains("  Ja.: put back \"Yes.\"\n");
    assert_eq!(looked_up(&t, "Ja."), "Yep.");
    t.tolk(&["tm", "conflicts"]).run().success().stdout_contains(" * Yep.").stdout_contains("   Yes.");
}

/// Two translations that look the same on a terminal (a no-break space for a space, a
/// double space) are a conflict all the same: the message says where they differ.
#[test]
fn a_conflict_of_invisible_differences_says_where_they_differ() {
    let t = Project::seeds_untranslated();
    t.write("a.tsv", "Hei.\tHi there.\nJa.\tYes  indeed.\n");
    t.tolk(&["tm", "import", "a.tsv"]).run().success();
    t.write("b.tsv", "Hei.\tHi\u{a0}there.\nJa.\tYes indeed.\n");
    t.tolk(&["tm", "import", "--dry-run", "b.tsv"])
        .run()
        .code(3)
        .stderr_contains(
            "(they differ where it cannot be seen: after \"Hi\", the memory's has a space and the file's a no-break \
             space (U+00A0))",
        )
        .stderr_contains(
            "(they differ where it cannot be seen: after \"Yes \", the memory's has a second space (a double space) \
             and the file's nothing there)",
        );
}

/// A translation refused for conflicting with the memory's is counted as refused and
/// ends with exit code 3, in `import` and `tm import` alike: a trial's summary said "1
/// conflict … 0 refused" and exited 0, so a script never learnt a correction was
/// dropped. With --overwrite it is taken, and the exit code is 0.
#[test]
fn a_refused_conflict_is_counted_as_refused_and_exits_3() {
    let t = Project::seeds_untranslated();
    t.write("a.tsv", "Hei.\tHi.\nJa.\tYes.\n");
    t.tolk(&["tm", "import", "a.tsv"]).run().success();
    t.write("b.tsv", "Hei.\tHello.\nNei.\tNo.\n");
    t.tolk(&["tm", "import", "--dry-run", "b.tsv"])
        .run()
        .code(3)
        .stderr_contains("1 conflict (would be refused)");
    t.tolk(&["tm", "import", "b.tsv"])
        .run()
        .code(3)
        .stderr_contains("conflict: b.tsv: line 1: the memory translates \"Hei.\" as \"Hi.\", the file as \"Hello.\": refused")
        .stderr_contains(": 1 added, 0 unchanged, 1 conflict (refused),");
    t.tolk(&["tm", "import", "--overwrite", "b.tsv"]).run().success().stderr_contains("1 conflict (added)");
    // A batch: the conflict is among the refused.
    t.tolk(&["export", "--format", "csv", "-o", "b.csv"]).run().success();
    let rows = crate::util::csv_records(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&rows[0]).unwrap();
    let mut row = rows[1].clone();
    let source = row[4].clone();
    // (Not "EN " and the source, which keeps its words and is remarked on.)
    row[7] = "The translation?".to_string();
    w.write_record(&row).unwrap();
    t.write("b.csv", w.into_inner().unwrap());
    t.write("c.tsv", format!("{source}\tAnother.\n"));
    t.tolk(&["tm", "import", "c.tsv"]).run().success();
    t.tolk(&["import", "b.csv"])
        .run()
        .code(3)
        .stderr_contains(": refused (use --overwrite to add it)")
        .stderr_contains("1 conflict (refused), 0 warnings, 1 refused (");
}
