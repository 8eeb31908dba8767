//! SRX: `tolk rules export` and the committed `rules/nb.srx`, the exported rules read
//! back through `--rules` segmenting the corpus exactly as the gold files, hand-written
//! SRX files from `tests/data/srx/`, and the errors for what tolk cannot apply.

use crate::util::{repo, repo_file, Project};

const FJORDKRAFT: &str = "fjordkraft-irene-fauskanger.txt";
const LYSE: &str = "lyse-dialog-trine-vestre-oen.txt";

fn data(name: &str) -> String {
    repo_file(&format!("tests/data/srx/{name}"))
}

#[test]
fn the_committed_srx_is_what_rules_export_prints() {
    let printed = Project::empty().tolk(&["rules", "export"]).run().success().stderr_is("").stdout;
    let committed = repo_file("rules/nb.srx");
    assert!(
        printed == committed,
        "rules/nb.srx is out of date; run `cargo run -- rules export --out rules/nb.srx`\n{}",
        crate::util::diff(&committed, &printed)
    );
}

#[test]
fn the_export_is_srx_2_0_for_norwegian() {
    let srx = repo_file("rules/nb.srx");
    for needle in [
        r#"<srx xmlns="http://www.lisa.org/srx20" version="2.0">"#,
        r#"<header segmentsubflows="yes" cascade="yes">"#,
        r#"<languagerule languagerulename="Norwegian Bokmål">"#,
        r#"<languagemap languagepattern="(nb|no|nn|nob).*" languagerulename="Norwegian Bokmål"/>"#,
        // An abbreviation: its dots escaped, case ignored, after whitespace or the line start.
        r"(?i:bl\.a\.)</beforebreak>",
        // A lower-case-only one keeps its case; a non-ASCII letter folds in Java too.
        r"jan\.</beforebreak>",
        r"(?i:l[øØ]r\.)</beforebreak>",
    ] {
        assert!(srx.contains(needle), "rules/nb.srx lacks {needle}");
    }
    for unreadable in ["(?=", "(?!", "(?<=", "(?<!", "(?>", "*+", "++"] {
        assert!(!srx.contains(unreadable), "rules/nb.srx uses {unreadable}");
    }
}

#[test]
fn out_writes_the_file_instead_of_stdout() {
    let t = Project::empty();
    t.tolk(&["rules", "export", "--out", "nb.srx"]).run().success().stdout_is("").stderr_is("");
    assert_eq!(t.read("nb.srx"), repo_file("rules/nb.srx"));
}

#[test]
fn exported_srx_segments_the_corpus_as_the_gold() {
    let t = Project::new();
    let srx = repo().join("rules/nb.srx");
    for name in [FJORDKRAFT, LYSE] {
        t.tolk(&["--rules", srx.to_str().unwrap(), "segment", &format!("corpus/{name}")])
            .run()
            .success()
            .stdout_is(&repo_file(&format!("tests/gold/{name}")));
    }
}

#[test]
fn a_house_rule_file_exports_and_segments_the_same_as_srx() {
    let t = Project::empty();
    let house = repo_file("rules/nb.rules").replace("[abbreviations]\n", "[abbreviations]\nprog.\n");
    t.write("house.rules", house);
    t.write("corpus/a.txt", "Vi fikk et nytt prog. Det virket. Vi fikk ca. Tjue svar.\n");
    let out = t.tolk(&["--rules", "house.rules", "rules", "export", "--out", "house.srx"]).run().success();
    out.stdout_is("");
    assert!(t.read("house.srx").contains(r"(?i:prog\.)</beforebreak>"));
    let expected = "Vi fikk et nytt prog. Det virket.\nVi fikk ca. Tjue svar.\n";
    t.tolk(&["--rules", "house.rules", "segment"]).run().success().stdout_is(expected);
    t.tolk(&["--rules", "house.srx", "segment"]).run().success().stdout_is(expected);
}

#[test]
fn rules_export_refuses_an_srx_file() {
    let t = Project::empty();
    t.write("nb.srx", repo_file("rules/nb.srx"));
    t.tolk(&["--rules", "nb.srx", "rules", "export"])
        .run()
        .failure()
        .stdout_is("")
        .stderr_contains("nb.srx: an SRX file already; `tolk rules export` writes tolk rule files");
}

#[test]
fn a_hand_written_srx_with_only_break_rules_works() {
    let t = Project::empty();
    t.write("enkel.srx", data("breaks-only.srx"));
    // No abbreviations: "ca." before a capital ends a sentence; `\Q;\E` then `\h` breaks
    // after a semicolon; the dialogue dash is still layout.
    t.write("corpus/a.txt", "– Vi var ca. Tjue stykker; alle kom. Ja? nei. Hei!\n");
    t.tolk(&["--rules", "enkel.srx", "segment"])
        .run()
        .success()
        .stdout_is("Vi var ca.\nTjue stykker;\nalle kom.\nJa? nei.\nHei!\n");
}

#[test]
fn a_file_that_starts_with_a_tag_is_read_as_srx_whatever_its_name() {
    let t = Project::empty();
    t.write("regler.xml", data("breaks-only.srx"));
    t.write("corpus/a.txt", "En. To.\n");
    t.tolk(&["--rules", "regler.xml", "segment"]).run().success().stdout_is("En.\nTo.\n");
}

#[test]
fn cascade_yes_applies_every_matching_map_and_no_only_the_first() {
    let t = Project::empty();
    let cascade = data("cascade.srx");
    assert!(cascade.contains(r#"cascade="yes""#));
    t.write("yes.srx", &cascade);
    t.write("no.srx", cascade.replace(r#"cascade="yes""#, r#"cascade="no""#));
    t.write("corpus/a.txt", "Vi var ca. Tjue stykker. Alle kom.\n");
    // Yes: the Norwegian exception, then the default break rule.
    t.tolk(&["--rules", "yes.srx", "segment"])
        .run()
        .success()
        .stdout_is("Vi var ca. Tjue stykker.\nAlle kom.\n");
    // No: only the Norwegian map, which has no break rule at all.
    t.tolk(&["--rules", "no.srx", "segment"])
        .run()
        .success()
        .stdout_is("Vi var ca. Tjue stykker. Alle kom.\n");
}

#[test]
fn a_look_ahead_is_an_error_naming_the_rule() {
    let t = Project::new();
    t.write("norsk.srx", data("lookahead.srx"));
    t.tolk(&["--rules", "norsk.srx", "segment"]).run().failure().stdout_is("").stderr_is(
        "error: norsk.srx: line 11: languagerule \"Norsk\", rule 2: afterbreak `\\s+(?=\\p{Lu})` uses a \
         look-ahead `(?=`, which tolk cannot apply; rewrite the rule without it\n",
    );
}

#[test]
fn an_srx_without_a_norwegian_languagemap_is_an_error() {
    let t = Project::new();
    t.write("en.srx", data("english-only.srx"));
    t.tolk(&["--rules", "en.srx", "segment"])
        .run()
        .failure()
        .stdout_is("")
        .stderr_contains("en.srx: no languagemap matches Norwegian (nb or no)")
        .stderr_contains(r#"add <languagemap languagepattern="(nb|no|nn|nob).*""#);
}

#[test]
fn malformed_xml_names_the_file_and_line() {
    let t = Project::new();
    t.write("brutt.srx", "<srx version=\"2.0\">\n<body>\n<languagerules>\n</body>\n</srx>\n");
    t.tolk(&["--rules", "brutt.srx", "segment"])
        .run()
        .failure()
        .stdout_is("")
        .stderr_contains("brutt.srx: line 4: not well-formed XML");
}

#[test]
fn the_builtin_rules_export_as_a_rule_file_to_start_a_house_style_from() {
    let t = Project::empty();
    t.tolk(&["rules", "export", "--format", "rules", "-o", "house.rules"]).run().success().stdout_is("");
    assert_eq!(t.read("house.rules"), repo_file("rules/nb.rules"));
    let house = t.read("house.rules").replace("[abbreviations]\n", "[abbreviations]\nsaksbeh.\n");
    t.write("house.rules", house);
    t.write("corpus/a.txt", "Ring saksbeh. Hansen i dag. Han svarer.\n");
    t.tolk(&["--rules", "house.rules", "segment"])
        .run()
        .success()
        .stdout_is("Ring saksbeh. Hansen i dag.\nHan svarer.\n");
    let out = t.tolk(&["--rules", "house.rules", "rules", "export", "--format", "rules"]).run().success();
    out.stdout_is(&t.read("house.rules"));
}
