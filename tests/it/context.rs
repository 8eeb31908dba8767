//! Context matches: a translation made for the same place (the same sentences before
//! and after) is a 101% match, kept with the entry, used by `build` in that place, and
//! counted in its own band by `analyze`.

use crate::util::{csv_records, Project};

/// A project where "Det betyr alt." stands after two different sentences, and the
/// memory has a translation made for each place.
fn two_places() -> Project {
    let t = Project::empty();
    t.write("corpus/a.txt", "Vi vant. Det betyr alt.\n")
        .write("corpus/b.txt", "Vi tapte. Det betyr alt.\n")
        .write(
            "memory/nb-en.csv",
            "source,target,prev,next\n\
             Vi vant.,We won.,,Det betyr alt.\n\
             Vi tapte.,We lost.,,Det betyr alt.\n\
             Det betyr alt.,It means everything.,Vi vant.,\n\
             Det betyr alt.,That says it all.,Vi tapte.,\n",
        );
    t
}

#[test]
fn build_uses_the_translation_made_for_each_place() {
    let t = two_places();
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "We won. It means everything.\n");
    assert_eq!(t.read("out/en/b.txt"), "We lost. That says it all.\n");
    // Two translations for two places are no conflict.
    t.tolk(&["tm", "conflicts"]).run().success().stderr_contains("0 sources with competing translations");
    let csv = t.tolk(&["analyze", "--csv"]).run().success().stdout;
    assert!(csv.contains("a.txt,101,2,5\n") && csv.contains("b.txt,101,2,5\n"), "{csv}");
    assert!(csv.contains("TOTAL,101,4,10\n") && csv.contains("TOTAL,100,0,0\n"), "{csv}");
    // Elsewhere, with other neighbours, the sentence is a plain 100% match.
    t.write("corpus/c.txt", "Det betyr alt.\n");
    let csv = t.tolk(&["analyze", "--csv", "corpus/c.txt"]).run().success().stdout;
    assert!(csv.contains("c.txt,100,1,3\n") && csv.contains("c.txt,101,0,0\n"), "{csv}");
}

#[test]
fn an_import_keeps_the_context_and_tmx_carries_it_as_omegat_does() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Vi vant i går. Det betyr alt for oss.\n")
        .write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    t.tolk(&["export", "--format", "csv", "-o", "b.csv"]).run().success();
    let mut rows = csv_records(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    for row in rows.iter_mut().skip(1) {
        row[7] = format!("EN {}", row[4]);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    rows.iter().for_each(|r| w.write_record(r).unwrap());
    t.write("b.csv", w.into_inner().unwrap());
    t.tolk(&["import", "b.csv"]).run().success();
    let memory = t.memory_rows();
    let second = memory.iter().find(|r| r["source"] == "Det betyr alt for oss.").unwrap();
    assert_eq!((second["prev"].as_str(), second["next"].as_str()), ("Vi vant i går.", ""));
    let first = memory.iter().find(|r| r["source"] == "Vi vant i går.").unwrap();
    assert_eq!((first["prev"].as_str(), first["next"].as_str()), ("", "Det betyr alt for oss."));
    t.tolk(&["analyze", "--csv"]).run().success().stdout_contains("a.txt,101,2,9\n");

    t.tolk(&["tm", "export", "-o", "m.tmx"]).run().success();
    let tmx = t.read("m.tmx");
    assert!(tmx.contains("<prop type=\"prev\">Vi vant i går.</prop>"), "{tmx}");
    t.tolk(&["--memory", "fresh", "tm", "import", "m.tmx"]).run().success();
    let fresh = t.read("fresh/nb-en.csv");
    assert!(fresh.lines().next().unwrap().ends_with(",prev,next"), "{fresh}");
    t.tolk(&["--memory", "fresh", "analyze", "--csv"]).run().success().stdout_contains("a.txt,101,2,9\n");
}

#[test]
fn lookup_between_the_same_sentences_is_101() {
    let t = two_places();
    let out = t.tolk(&["lookup", "Det betyr alt.", "--prev", "Vi tapte.", "--explain"]).run().success();
    out.stdout_contains("1. 101%  Det betyr alt.\n        That says it all.\n")
        .stdout_contains("   why: 100 + 1 context (translated between the same sentences) = 101\n");
    let out = t.tolk(&["lookup", "Det betyr alt.", "--prev", "Vi vant."]).run().success();
    out.stdout_contains("1. 101%  Det betyr alt.\n        It means everything.\n");
    let out = t.tolk(&["lookup", "Det betyr alt.", "--prev", "Noe annet."]).run().success();
    out.stdout_contains("no translation made between the same sentences (no 101% match)\n")
        .stdout_contains("100%");
}

#[test]
fn a_translation_for_another_place_is_added_beside_with_a_warning() {
    let t = two_places();
    // A translation of "Det betyr alt." made after a third sentence, as a CAT tool's
    // memory brings it, with its context.
    t.write("placed.csv", "source,target,prev,next\nDet betyr alt.,It is everything.,Vi spilte uavgjort.,\n");
    t.tolk(&["tm", "import", "placed.csv"]).run().success().stderr_contains(
        "warning: placed.csv: row 2: the file translates \"Det betyr alt.\" as \"It is everything.\" between \
         other sentences than the memory's",
    );
    t.tolk(&["tm", "conflicts"]).run().success().stderr_contains("0 sources with competing translations");
}

/// With two translations of the same date, lookup shows first the one build uses.
#[test]
fn lookup_puts_first_the_translation_build_uses() {
    let t = Project::empty();
    t.write("corpus/c.txt", "Det betyr alt.\n").write(
        "memory/nb-en.csv",
        "source,target\nDet betyr alt.,It means everything.\nDet betyr alt.,That says it all.\n",
    );
    t.tolk(&["build"]).run().success();
    let built = t.read("out/en/c.txt");
    let out = t.tolk(&["lookup", "Det betyr alt.", "--top", "1"]).run().success();
    assert!(out.stdout.contains(built.trim()), "lookup shows {} first, build wrote {built}", out.stdout);
}
