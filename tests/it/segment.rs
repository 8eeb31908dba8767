//! `tolk segment`: the sentences of the corpus against the hand-made gold
//! segmentations in `tests/gold/`, the JSON lines, and how it fails.

use std::io::{BufRead, BufReader};

use serde_json::Value;

use crate::util::{corpus_names, repo_file, Project};

const FJORDKRAFT: &str = "fjordkraft-irene-fauskanger.txt";
const LYSE: &str = "lyse-dialog-trine-vestre-oen.txt";

fn gold(name: &str) -> String {
    repo_file(&format!("tests/gold/{name}"))
}

/// Each line of `stdout` parsed as JSON.
#[track_caller]
fn json_lines(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

#[test]
fn each_document_segments_as_the_gold() {
    let t = Project::new();
    for name in [FJORDKRAFT, LYSE] {
        t.tolk(&["segment", &format!("corpus/{name}")]).run().success().stdout_is(&gold(name));
    }
}

#[test]
fn without_paths_segments_the_corpus_in_name_order() {
    Project::seeds().tolk(&["segment"]).run().success().stdout_is(&(gold(FJORDKRAFT) + &gold(LYSE)));
    // The whole corpus, whatever the formats: each document's sentences, in name order.
    let t = Project::new();
    let mut each = String::new();
    for name in corpus_names() {
        each += &t.tolk(&["segment", &format!("corpus/{name}")]).run().success().stdout;
    }
    t.tolk(&["segment"]).run().success().stdout_is(&each);
}

#[test]
fn a_folder_stands_for_its_files_in_name_order() {
    let t = Project::empty();
    t.write("texts/b.txt", "To. Tre.\n").write("texts/a.txt", "En.").write("texts/.skjult.txt", "Nei.");
    t.tolk(&["segment", "texts"]).run().success().stdout_is("En.\nTo.\nTre.\n");
}

#[test]
fn documents_come_from_paths_not_stdin() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Fra fila.");
    t.tolk(&["segment"]).stdin("Fra stdin.\n").run().success().stdout_is("Fra fila.\n");
}

#[test]
fn segmenting_changes_no_file() {
    let t = Project::new();
    t.write("corpus/ekstra.txt", "\u{feff}– Hei.\r\nHvem er du?");
    let before = t.snapshot_dir("");
    t.tolk(&["segment"]).run().success();
    t.tolk(&["segment", "--json", "corpus/ekstra.txt"]).run().success();
    assert!(t.snapshot_dir("") == before, "tolk segment changed the project");
    assert_eq!(t.read("corpus/ekstra.txt"), "\u{feff}– Hei.\r\nHvem er du?");
}

#[test]
fn json_lines_carry_doc_id_line_index_and_text() {
    let t = Project::seeds();
    let records = json_lines(&t.tolk(&["segment", "--json"]).run().success().stdout);

    let keys: Vec<&str> = records[0].as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected_keys = ["doc", "id", "line", "index", "text"];
    expected_keys.sort();
    assert_eq!(keys, expected_keys);

    let texts: String = records.iter().map(|r| r["text"].as_str().unwrap().to_owned() + "\n").collect();
    assert_eq!(texts, gold(FJORDKRAFT) + &gold(LYSE));

    let lyse: Vec<&Value> = records.iter().filter(|r| r["doc"] == LYSE).collect();
    assert_eq!(lyse.len(), gold(LYSE).lines().count());
    assert_eq!(records.iter().filter(|r| r["doc"] == FJORDKRAFT).count(), gold(FJORDKRAFT).lines().count());

    // The photo caption is given twice, on lines 1 and 2: one sentence, one id.
    let (first, second) = (lyse[0], lyse[1]);
    assert_eq!((&first["line"], &first["index"]), (&Value::from(1), &Value::from(1)));
    assert_eq!((&second["line"], &second["index"]), (&Value::from(2), &Value::from(1)));
    assert_eq!(first["text"], second["text"]);
    assert_eq!(first["id"], second["id"]);
    assert_ne!(first["id"], lyse[2]["id"]);
}

#[test]
fn json_numbers_segments_within_their_line() {
    let t = Project::empty();
    t.write("corpus/a.txt", "– Hei. Hvem er du?\n\nTittel");
    let records = json_lines(&t.tolk(&["segment", "--json"]).run().success().stdout);
    let places: Vec<_> = records
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["index"].as_u64().unwrap(), r["text"].as_str().unwrap()))
        .collect();
    assert_eq!(places, [(1, 1, "Hei."), (1, 2, "Hvem er du?"), (3, 1, "Tittel")]);
}

#[test]
fn invalid_utf8_fails_with_the_offset_and_prints_nothing() {
    let t = Project::empty();
    // A good document first: nothing of it may be printed either.
    t.write("corpus/a.txt", "Hei.\n").write("corpus/b.txt", b"Hei.\n\xffDu.\n");
    t.tolk(&["segment"])
        .run()
        .failure()
        .stdout_is("")
        .stderr_contains("b.txt")
        .stderr_contains("line 2 (byte 5): invalid UTF-8");
}

#[test]
fn a_missing_file_is_named() {
    let t = Project::new();
    t.tolk(&["segment", "corpus/finnes-ikke.txt"])
        .run()
        .failure()
        .stdout_is("")
        .stderr_contains("corpus/finnes-ikke.txt");
}

#[test]
fn a_missing_corpus_folder_is_named() {
    Project::empty().tolk(&["segment"]).run().failure().stderr_contains("corpus");
}

#[test]
fn help_mentions_segment() {
    let t = Project::empty();
    t.tolk(&["--help"]).run().success().stdout_contains("segment").stderr_is("");
    t.tolk(&["segment", "--help"]).run().success().stdout_contains("segment").stderr_is("");
}

#[test]
fn an_unknown_option_is_a_usage_error() {
    let out = Project::empty().tolk(&["segment", "--no-such-option"]).run().failure();
    assert_eq!(out.status.code(), Some(2), "clap's usage errors exit with 2");
}

#[test]
fn a_closed_stdout_is_a_normal_exit() {
    // Far more output than a pipe buffers, so tolk is still writing when the reader
    // goes away, as with `tolk segment | head -1`.
    let t = Project::empty();
    t.write("corpus/lang.txt", "Dette er en setning. Her er en til!\n".repeat(100_000));
    // Plain lines, and JSON lines, which serde_json writes.
    for (args, first) in
        [(&["segment"][..], "Dette er en setning.\n"), (&["segment", "--json"][..], "{\"doc\"")]
    {
        let mut child = t.tolk(args).spawn();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(line.starts_with(first), "{line}");
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "tolk {args:?} failed on a closed pipe: {}\n{stderr}", out.status);
        assert_eq!(stderr, "");
    }
}

/// `-` reads plain text from stdin, as `match -i -` does, beside documents named.
#[test]
fn a_dash_segments_plain_text_from_stdin() {
    let t = Project::empty();
    t.write("a.txt", "Ja.\n");
    t.tolk(&["segment", "-", "a.txt"])
        .stdin("Hei. Hvem er du?\n")
        .run()
        .success()
        .stdout_is("Hei.\nHvem er du?\nJa.\n");
    t.tolk(&["segment", "--json", "-"]).stdin("Hei.").run().success().stdout_contains(r#"{"doc":"-","id":"#);
}

#[test]
fn a_sentence_opening_with_code_an_image_or_a_kept_name_is_cut_from_the_one_before() {
    // The segmenter cannot see the words of an inline code span, an image or a name
    // not to be translated, which may open a sentence; after an abbreviation they
    // open none.
    let t = Project::empty();
    t.write(
        "corpus/a.md",
        "Det er enkelt. `tolk build` lager alle utgavene.\n\nVi har ett bilde. ![Logo](logo.png) viser logoen.\n\n\
         Bruk f.eks. `tolk status` for det.\n",
    );
    t.write(
        "corpus/b.html",
        "<!DOCTYPE html><html lang=\"nb\"><body><p>Vi leste avisen i går. <span translate=\"no\">Dagens \
         Næringsliv</span> skrev om saken.</p></body></html>\n",
    );
    t.tolk(&["segment", "corpus/a.md", "corpus/b.html"]).run().success().stdout_is(
        "Det er enkelt.\n{1/} lager alle utgavene.\nVi har ett bilde.\n{1/} viser logoen.\nLogo\n\
         Bruk f.eks. {1/} for det.\nVi leste avisen i går.\n{1/} skrev om saken.\n",
    );
    // The edition puts each code back in its sentence.
    t.tolk(&["build", "--pseudo"]).run().success();
    let md = t.read("out/pseudo/a.md");
    assert!(md.contains("`tolk build`"), "{md}");
    assert!(t.read("out/pseudo/b.html").contains("<span translate=\"no\">Dagens Næringsliv</span>"));
}

/// Regression (a new-user trial): a paragraph or a link's text that is only a URL or
/// an e-mail address was offered for translation, though URLs are never text. It is
/// no segment, in every format, and the edition keeps it as it is.
#[test]
fn an_address_alone_is_no_segment_in_any_format() {
    let t = Project::empty();
    t.write(
        "corpus/a.md",
        "Les mer her:\n\nhttps://www.nrk.no/norge/sak-1.234567\n\n[https://nrk.no](https://nrk.no)\n\nwww.vg.no\n\npost@example.no\n",
    );
    t.write(
        "corpus/b.html",
        "<!DOCTYPE html><html lang=\"nb\"><body><p>https://www.nrk.no/sak</p><p><a href=\"https://nrk.no\">https://nrk.no</a></p><p>Se www.vg.no.</p></body></html>\n",
    );
    t.write("corpus/c.txt", "Skriv til oss:\npost@example.no\n2024\n");
    assert_eq!(t.segment_texts("corpus/a.md"), ["Les mer her:"]);
    assert_eq!(t.segment_texts("corpus/b.html"), ["Se www.vg.no."]);
    // A year is no segment either, in plain text as in the others.
    assert_eq!(t.segment_texts("corpus/c.txt"), ["Skriv til oss:"]);
    t.tolk(&["build", "--pseudo"]).run().success();
    assert!(t.read("out/pseudo/a.md").contains("\n\nhttps://www.nrk.no/norge/sak-1.234567\n\n[https://nrk.no](https://nrk.no)\n\nwww.vg.no\n\npost@example.no\n"));
    assert!(t.read("out/pseudo/c.txt").ends_with("\npost@example.no\n2024\n"));
}
