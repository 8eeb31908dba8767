//! Numbers repaired: a memory translation whose source differs from a new sentence
//! only in its numbers is suggested with the new numbers, in English form, and marked
//! as repaired in the batch, in XLIFF and in `analyze`.

use crate::util::{csv_rows, Project};

fn project() -> Project {
    let t = Project::empty();
    t.write(
        "corpus/a.txt",
        "Vi er nå 120 personer fordelt på 7 team, forteller Irene.\nDet kostet 4,2 millioner kroner.\n\
         Fra 2 til 5 dager.\nOmsetningen økte med 4,5 prosent i fjor.\n",
    )
    .write(
        "memory/nb-en.csv",
        "source,target\n\
         \"Vi er nå 110 personer fordelt på 6 team, forteller Irene.\",\"We are now 110 people in 6 teams, says Irene.\"\n\
         \"Det kostet 3,5 millioner kroner.\",\"It cost NOK 3.5 million.\"\n\
         \"Fra 2 til 2 dager.\",\"From 2 to 2 days.\"\n\
         Omsetningen økte med 3 prosent i fjor.,Turnover rose by 3 per cent last year.\n",
    );
    t
}

#[test]
fn a_suggestion_that_differs_only_in_numbers_gets_the_new_ones() {
    let t = project();
    t.tolk(&["export", "--format", "csv", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let row = |source: &str| rows.iter().find(|r| r["source"].starts_with(source)).unwrap();
    let people = row("Vi er nå 120");
    assert_eq!(people["suggestion"], "We are now 120 people in 7 teams, says Irene.");
    assert_eq!(people["repaired"], "110 → 120; 6 → 7");
    assert_eq!(row("Det kostet")["suggestion"], "It cost NOK 4.2 million.");
    assert_eq!(row("Det kostet")["repaired"], "3.5 → 4.2");
    // Which 2 becomes 5 is a guess: the suggestion is left as the memory has it.
    assert_eq!(row("Fra 2")["suggestion"], "From 2 to 2 days.");
    assert_eq!(row("Fra 2")["repaired"], "");
    // A whole number become a decimal is one number changed.
    assert_eq!(row("Omsetningen")["suggestion"], "Turnover rose by 4.5 per cent last year.");
    assert_eq!(row("Omsetningen")["score"], "98");

    t.tolk(&["export", "--again", "--format", "xliff", "-o", "b.xlf"]).run().success();
    let xliff = t.read("b.xlf");
    assert!(
        xliff.contains("<note from=\"tolk-numbers\" annotates=\"general\">numbers repaired in the suggestion: 110 → 120; 6 → 7</note>"),
        "{xliff}"
    );
    t.tolk(&["analyze"]).run().success().stdout_contains("numbers repaired: 3 segments, 23 words");
}

#[test]
fn lookup_shows_the_repaired_translation_and_explains_one_it_cannot_repair() {
    let t = project();
    t.tolk(&["lookup", "Det kostet 4,2 millioner kroner.", "--top", "1"])
        .run()
        .success()
        .stdout_contains("        It cost NOK 4.2 million.  (numbers repaired: 3.5 → 4.2)\n");
    let out = t.tolk(&["lookup", "Fra 2 til 5 dager.", "--top", "1", "--explain"]).run().success();
    out.stdout_contains("        From 2 to 2 days.\n").stdout_contains(
        "        numbers not repaired: the translation has 2 more than once, so which to change is unknown\n",
    );
    let json = t.tolk(&["lookup", "Fra 2 til 5 dager.", "--json"]).run().success().stdout;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["matches"][0]["repaired"], serde_json::Value::Null);
    assert!(value["matches"][0]["not_repaired"].as_str().unwrap().contains("more than once"));
}

/// Regression (a trial): `match` printed the memory's translation with the old numbers
/// (`It is 50 kilometers to Paris.` for `55 kilometer`) where `lookup` repaired them.
#[test]
fn match_gives_the_repaired_suggestion_as_lookup_does() {
    let t = project();
    t.write(
        "memory/paris.csv",
        "source,target\nDet er 50 kilometer til Paris.,It is 50 kilometers to Paris.\n",
    );
    t.tolk(&["match", "--quiet"])
        .stdin("Det er 55 kilometer til Paris.\nFra 2 til 5 dager.\n")
        .run()
        .success()
        .stdout_is(
            "Det er 55 kilometer til Paris.\t98\tDet er 50 kilometer til Paris.\tIt is 55 kilometers to Paris.\n\
             Fra 2 til 5 dager.\t98\tFra 2 til 2 dager.\tFrom 2 to 2 days.\n",
        );
    let out = t
        .tolk(&["match", "--quiet", "--json", "--top", "1"])
        .stdin("Det er 55 kilometer til Paris.\nFra 2 til 5 dager.\n")
        .run()
        .success();
    let lines: Vec<serde_json::Value> =
        out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let paris = &lines[0]["matches"][0];
    assert_eq!(paris["target"], "It is 50 kilometers to Paris.", "the memory's own target");
    assert_eq!(paris["repaired"], "It is 55 kilometers to Paris.");
    assert_eq!(paris["numbers_repaired"], "50 → 55");
    assert_eq!(paris["not_repaired"], serde_json::Value::Null);
    let days = &lines[1]["matches"][0];
    assert_eq!(days["repaired"], serde_json::Value::Null);
    assert!(days["not_repaired"].as_str().unwrap().contains("more than once"), "{days}");
    // lookup's JSON says the same of the same query.
    let json =
        t.tolk(&["lookup", "Det er 55 kilometer til Paris.", "--json", "--top", "1"]).run().success().stdout;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for field in ["target", "repaired", "numbers_repaired", "not_repaired"] {
        assert_eq!(value["matches"][0][field], paris[field], "{field}");
    }
}

/// Regression (a trial): a date the translation writes in English order was not repaired.
#[test]
fn lookup_and_match_repair_a_date_in_english_order() {
    let t = project();
    t.write(
        "memory/dates.csv",
        "source,target\n\
         Brevet er datert 1. april 1987.,\"The letter is dated April 1, 1987.\"\n\
         Registreringsfristen er satt til 20. oktober.,The registration deadline is October 20th.\n",
    );
    t.tolk(&["lookup", "Brevet er datert 1. april 1988.", "--top", "1"]).run().success().stdout_contains(
        "        The letter is dated April 1, 1988.  (numbers repaired: April 1, 1987 → April 1, 1988)\n",
    );
    t.tolk(&["match", "--quiet"])
        .stdin("Registreringsfristen er satt til 21. oktober.\n")
        .run()
        .success()
        .stdout_contains("\tThe registration deadline is October 21st.\n");
}
