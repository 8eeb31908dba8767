//! The glossary with the real binary: `memory/glossary.csv` beside the memory, its
//! terms found in `lookup`, in the `terms` column of CSV and XLSX batches and a `note`
//! of XLIFF units (validated with xmllint), checked on import (a missing term and a
//! forbidden word warn, by row), listed by `tolk terms`; and a memory folder holding a
//! glossary still loads as the memory it was.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::process::Command;

use calamine::Reader;

use crate::util::{csv_rows, repo, Project};

const GLOSSARY: &str = "\
nb,en,note,forbidden
kundeservice,customer service,,customer care
kunde,customer,,client
vinnerkultur,winning culture,,
Fjordkraft,Fjordkraft,keep,
fast ansatt,permanent employee,,
OKS,OKS,keep,
";

/// The sentence of the Fjordkraft interview with the most terms.
const SENTENCE: &str = "Deretter fikk jeg ansvaret for kundeservice for mobil og strøm i Fjordkraft i 2017.";

/// Its terms, as lookup and the batch show them.
const TERMS: &str = "kundeservice = customer service (not: customer care); Fjordkraft = Fjordkraft (keep)";

/// The two plain-text interviews, nothing translated, with the glossary.
fn project() -> Project {
    let t = Project::seeds_untranslated();
    t.write("memory/glossary.csv", GLOSSARY);
    t
}

#[test]
fn lookup_shows_the_terms_of_the_sentence() {
    let t = Project::seeds();
    t.write("memory/glossary.csv", GLOSSARY);
    let out = t.tolk(&["lookup", SENTENCE]).run().success();
    assert!(out.stdout.starts_with("1. 100%  Deretter fikk jeg"), "{}", out.stdout);
    assert!(out.stdout.ends_with(&format!("\nterms: {TERMS}\n")), "{}", out.stdout);
    t.tolk(&["lookup", "Hva sier kundene om kundeservicesenteret?"]).run().success().stdout_contains(
        "terms: kunde = customer (not: client); kundeservice = customer service (not: customer care)\n",
    );
    // No term, no line; no glossary, no line.
    let out = t.tolk(&["lookup", "Hvordan definerer du det?"]).run().success();
    assert!(!out.stdout.contains("terms:"), "{}", out.stdout);
    std::fs::remove_file(t.path().join("memory/glossary.csv")).unwrap();
    let out = t.tolk(&["lookup", SENTENCE]).run().success();
    assert!(!out.stdout.contains("terms:"), "{}", out.stdout);
}

#[test]
fn a_memory_folder_with_a_glossary_still_loads() {
    let t = Project::seeds();
    let before = t.tolk(&["tm", "export", "--format", "csv"]).run().success().stdout;
    t.write("memory/glossary.csv", GLOSSARY);
    let after = t.tolk(&["tm", "export", "--format", "csv"]).run().success().stdout;
    assert_eq!(after, before, "the glossary is no part of the memory");
    t.tolk(&["analyze"]).run().success().stdout_contains("memory: 74 entries");
    t.tolk(&["build"]).run().success();
    // A memory that is a file has its glossary beside it.
    let bad = "nb,en\nkunde,\n";
    t.write("memory/glossary.csv", bad);
    t.tolk(&["--memory", "memory/nb-en.csv", "lookup", SENTENCE])
        .run()
        .failure()
        .stderr_is("error: cannot load the glossary memory/glossary.csv: memory/glossary.csv: row 2, column en: expected the English for \"kunde\", found \"\"; a term kept as it is is written again (OKS, OKS)\n");
}

#[test]
fn a_csv_batch_carries_the_terms_and_its_import_warns_by_row() {
    let t = project();
    t.tolk(&["export", "--format", "csv", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let header: Vec<&String> = rows[0].keys().collect();
    assert!(header.iter().any(|h| *h == "terms"), "{header:?}");
    let row = rows.iter().find(|r| r["source"] == SENTENCE).expect("the sentence is in the batch");
    assert_eq!(row["terms"], TERMS);
    let first = rows.iter().find(|r| r["source"] == "Kort, hva er din kundeservicekarriere?").unwrap();
    assert_eq!(first["terms"], "kundeservice = customer service (not: customer care)");
    // The translator fills three rows: one right, one without the term's English, one
    // with a forbidden word. The terms column is read past.
    let translations: BTreeMap<&str, &str> = [
        ("Kort, hva er din kundeservicekarriere?", "In short, what is your customer service career?"),
        (SENTENCE, "Then I was put in charge of customer care for mobile and power at Fjordkraft in 2017."),
        ("Hvordan definerer du vinnerkultur?", "How do you define a culture of winning?"),
    ]
    .into_iter()
    .collect();
    let filled = fill(&t.read("b.csv"), &translations);
    t.write("filled.csv", filled);
    let out = t.tolk(&["import", "filled.csv"]).run().success();
    let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("warning:")).collect();
    let row_of = |source: &str| rows.iter().position(|r| r["source"] == source).unwrap() + 2;
    assert_eq!(
        warnings,
        [
            format!(
                "warning: filled.csv: row {}: term kundeservice: the source has \"kundeservice\", the target lacks \
                 \"customer service\" (glossary row 2)",
                row_of(SENTENCE)
            ),
            format!(
                "warning: filled.csv: row {}: term kundeservice: the target has \"customer care\", which the \
                 glossary forbids; use \"customer service\" (glossary row 2)",
                row_of(SENTENCE)
            ),
            format!(
                "warning: filled.csv: row {}: term vinnerkultur: the source has \"vinnerkultur\", the target lacks \
                 \"winning culture\" (glossary row 4)",
                row_of("Hvordan definerer du vinnerkultur?")
            ),
        ],
        "{}",
        out.stderr
    );
    out.stderr_contains("3 added, 0 unchanged, ");
}

/// The CSV batch `batch` with the targets of `translations` filled in, by source.
fn fill(batch: &str, translations: &BTreeMap<&str, &str>) -> String {
    let mut reader = csv::ReaderBuilder::new().from_reader(batch.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let (source, target) = (
        header.iter().position(|h| h == "source").unwrap(),
        header.iter().position(|h| h == "target").unwrap(),
    );
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for record in reader.records() {
        let mut record: Vec<String> = record.unwrap().iter().map(String::from).collect();
        if let Some(t) = translations.get(record[source].as_str()) {
            record[target] = t.to_string();
        }
        writer.write_record(&record).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

#[test]
fn an_xlsx_batch_has_a_terms_column_after_the_context() {
    let t = project();
    t.tolk(&["export", "-o", "b.xlsx"]).run().success();
    let bytes = std::fs::read(t.path().join("b.xlsx")).unwrap();
    let mut workbook: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range("Batch").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(column("terms"), column("context") + 1);
    let row = rows.iter().find(|r| r[column("source")] == SENTENCE).unwrap();
    assert_eq!(row[column("terms")], TERMS);
    // The workbook imports as before, the column read past.
    t.tolk(&["import", "b.xlsx", "--dry-run"]).run().success().stderr_contains("would add 0");
}

#[test]
fn an_xliff_batch_has_a_terms_note_per_unit_and_stays_valid() {
    let t = project();
    t.tolk(&["export", "-o", "b.xlf"]).run().success();
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(repo().join("tests/schemas/xliff-core-1.2-strict.xsd"))
        .arg(t.path().join("b.xlf"))
        .output()
        .expect("xmllint validates every XLIFF tolk writes: install libxml2-utils");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let xml = t.read("b.xlf");
    let note = format!("<note from=\"tolk-terms\" annotates=\"source\">{TERMS}</note>");
    assert!(xml.contains(&note), "{xml}");
    t.tolk(&["export", "--again", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let with_terms = rows.iter().filter(|r| !r["terms"].is_empty()).count();
    assert!(with_terms > 10 && with_terms < rows.len(), "{with_terms} of {}", rows.len());
    assert_eq!(xml.matches("from=\"tolk-terms\"").count(), with_terms, "one note per unit with terms");
    t.tolk(&["import", "b.xlf", "--dry-run"]).run().success();
}

#[test]
fn terms_lists_where_each_term_occurs_and_the_candidates() {
    let t = project();
    let out =
        t.tolk(&["terms", "--candidates", "5", "corpus/fjordkraft-irene-fauskanger.txt"]).run().success();
    out.stdout_is(
        "\
kundeservice = customer service (not: customer care)  3 times: fjordkraft-irene-fauskanger.txt:1, fjordkraft-irene-fauskanger.txt:2 (2)
kunde = customer (not: client)  9 times: fjordkraft-irene-fauskanger.txt:7 (2), fjordkraft-irene-fauskanger.txt:9 (7)
vinnerkultur = winning culture  4 times: fjordkraft-irene-fauskanger.txt:3, fjordkraft-irene-fauskanger.txt:8, fjordkraft-irene-fauskanger.txt:9 (2)
Fjordkraft = Fjordkraft (keep)  1 time: fjordkraft-irene-fauskanger.txt:2
never found: fast ansatt, OKS

candidates (the most frequent words no term covers):
     4  gode
     3  handler
     3  irene
     3  mål
     3  tydelige
",
    );
    let json = t.tolk(&["terms", "--json", "--candidates", "3"]).run().success().stdout;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["terms"][1]["nb"], "kunde");
    assert_eq!(value["terms"][1]["forbidden"][0], "client");
    assert_eq!(value["never_found"], serde_json::json!(["fast ansatt"]), "OKS is in the Lyse interview");
    assert_eq!(value["candidates"].as_array().unwrap().len(), 3);
    // Without a glossary, the candidates are where to start.
    std::fs::remove_file(t.path().join("memory/glossary.csv")).unwrap();
    let out = t.tolk(&["terms", "--candidates", "2"]).run().success();
    let out = out.stderr_contains("no terms in memory/glossary.csv");
    assert!(
        out.stdout.starts_with("candidates (the most frequent words no term covers):\n"),
        "{}",
        out.stdout
    );
}
