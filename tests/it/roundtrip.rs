//! The whole loop a project goes through, with the real binary: `tolk export` from an
//! empty memory, every target filled in as a translator would, `tolk import`, then
//! `tolk build` gives exactly the editions the bundled memory gives. Once everything is
//! translated, importing the batch again changes nothing and exporting again finds
//! nothing to translate.
//!
//! The translator is simulated by reading the batch with the `csv` crate and writing
//! the bundled memory's translation of each source into the target column, then saving
//! it as a spreadsheet would (UTF-8 BOM, CRLF). Import quirks are `import.rs`'s.

use std::collections::BTreeSet;

use crate::util::{assert_same_editions, bundled_translations, csv_records, Project};

/// Fills every target of the batch `rel` of `t` with the bundled memory's translation of
/// its source and saves it in place with the same delimiter; returns the number of rows.
#[track_caller]
fn translate_batch(t: &Project, rel: &str, delimiter: u8) -> usize {
    let mut records = csv_records(t.read(rel).as_bytes(), delimiter);
    let column = |name: &str| records[0].iter().position(|h| h == name).unwrap();
    let (source, target) = (column("source"), column("target"));
    let memory = bundled_translations();
    for r in &mut records[1..] {
        assert!(r[target].is_empty(), "a target is already filled: {r:?}");
        r[target] = memory
            .get(&r[source])
            .unwrap_or_else(|| panic!("the bundled memory does not translate {:?}", r[source]))
            .clone();
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xef\xbb\xbf".to_vec());
    for r in &records {
        w.write_record(r).unwrap();
    }
    t.write(rel, w.into_inner().unwrap());
    records.len() - 1
}

/// An untranslated project whose batch `b.csv` has been exported, translated and
/// imported; also returns the number of rows of the batch.
fn translated_project() -> (Project, usize) {
    let t = Project::untranslated();
    t.tolk(&["export", "--out", "b.csv"]).run().success();
    let rows = translate_batch(&t, "b.csv", b',');
    assert!(rows > 0, "the bundled corpus gave an empty batch");
    t.tolk(&["import", "b.csv"])
        .run()
        .success()
        .stderr_contains(&format!("{rows} added, 0 unchanged, 0 skipped (empty target)"))
        .stderr_contains(" 0 refused (written to memory/nb-en.csv)");
    (t, rows)
}

/// The memory's (source, target) pairs.
fn pairs(t: &Project) -> BTreeSet<(String, String)> {
    t.memory_rows()
        .into_iter()
        .map(|mut r| (r.remove("source").unwrap(), r.remove("target").unwrap()))
        .collect()
}

#[test]
fn export_translate_import_build_gives_the_editions_of_the_bundled_memory() {
    let (t, rows) = translated_project();
    assert_eq!(t.memory_rows().len(), rows, "one memory entry per batch row");
    assert_eq!(pairs(&t), bundled_translations().into_iter().collect(), "the imported memory differs");
    t.tolk(&["build"]).run().success().stderr_contains(" 0 untranslated");

    // Every edition, of every format, byte for byte.
    let bundled = Project::new();
    bundled.tolk(&["build"]).run().success();
    assert_same_editions(&t, &bundled);
}

#[test]
fn importing_the_same_batch_twice_changes_nothing_the_second_time() {
    let (t, rows) = translated_project();
    let memory = t.snapshot_dir("memory");
    t.tolk(&["import", "b.csv"])
        .run()
        .success()
        .stderr_contains(&format!("0 added, {rows} unchanged, 0 skipped (empty target)"))
        .stderr_contains("0 conflicts")
        .stderr_contains("nothing new for memory/nb-en.csv");
    assert!(t.snapshot_dir("memory") == memory, "the second import changed memory/");
}

#[test]
fn exporting_again_after_the_import_finds_nothing_to_translate() {
    let (t, _) = translated_project();
    t.tolk(&["export", "--out", "again.csv"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("nothing to translate: every segment has a 100% match in the memory\n");
    assert!(!t.path().join("again.csv").exists(), "an empty batch was written");
}

#[test]
fn every_delimiter_survives_the_loop() {
    let expected: BTreeSet<_> = bundled_translations().into_iter().collect();
    for (name, byte) in [(";", b';'), ("tab", b'\t')] {
        let t = Project::untranslated();
        t.tolk(&["export", "--out", "b.csv", "--delimiter", name]).run().success();
        translate_batch(&t, "b.csv", byte);
        t.tolk(&["import", "b.csv"]).run().success();
        assert!(
            pairs(&t) == expected,
            "--delimiter {name}: the imported memory differs from the bundled one"
        );
    }
}
