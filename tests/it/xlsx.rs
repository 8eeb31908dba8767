//! XLSX batches with the real binary and real LibreOffice: the default export is a
//! workbook whose cells are all text, locked but for target and comment; LibreOffice
//! re-saves it as XLSX, and writes it as CSV with Norwegian settings, and both come back
//! whole, with number-, date- and boolean-like sources untouched; formulas and error
//! values a spreadsheet makes are refused by row and column; a CSV whose cells a
//! spreadsheet converted is refused with what happened and what to do.
//!
//! LibreOffice (`soffice`, Debian's libreoffice-calc-nogui, which `.ci/run` installs)
//! must be there: a missing one fails the test rather than skipping it.

use crate::util::{bundled_translations, csv_rows, zip_entry, Project};

/// Sources a spreadsheet would convert if it could: dates, decimal numbers, booleans,
/// leading zeros, thousands, a formula.
/// Segments a spreadsheet would read as something else than text, each with a letter, as
/// every segment has one: LibreOffice in Norwegian reads `1E5` and `00123E0` as numbers
/// (the zeros lost), `3,50 kr` as a sum in kroner (`kr 3,50`), `17. mai` and `17. mai
/// 2026` as dates, `SANN` and `TRUE` as truth values, and `=SUM(A1)` as a formula (a
/// line of figures alone, `17.05` or `00123`, is no segment and never reaches a batch).
const NUMBERLIKE: &str = "1E5\n00123E0\n3,50 kr\n17. mai\nSANN\n=SUM(A1)\n17. mai 2026\nTRUE\n";

/// Runs LibreOffice headless in `t` with its own profile; `locale` sets its language.
#[track_caller]
fn soffice(t: &Project, locale: &str, args: &[&str]) {
    let out = crate::util::soffice_command(t)
        .args(args)
        .env("LC_ALL", locale)
        .env("LANG", locale)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run soffice ({e}); the XLSX tests use real LibreOffice: install \
                 libreoffice-calc-nogui (`apt-get install libreoffice-calc-nogui`, as .ci/run does)"
            )
        });
    assert!(
        out.status.success(),
        "soffice {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A project whose corpus has every bundled sentence with one word added (so each gets
/// a fuzzy suggestion, and `--prefill` fills its target) and the number-like lines.
fn project() -> Project {
    let t = Project::new();
    for name in ["fjordkraft-irene-fauskanger.txt", "lyse-dialog-trine-vestre-oen.txt"] {
        std::fs::remove_file(t.path().join("corpus").join(name)).unwrap();
    }
    let edited: String = bundled_translations().keys().map(|s| format!("Faktisk: {s}\n")).collect();
    t.write("corpus/edited.txt", edited);
    t.write("corpus/tall.txt", NUMBERLIKE);
    t
}

#[test]
fn the_default_batch_is_a_protected_workbook_of_text_cells() {
    let t = project();
    t.tolk(&["export", "--again", "--prefill", "-o", "b.xlsx"])
        .run()
        .success()
        .stderr_contains("(XLSX workbook)");
    let out = t.tolk(&["export", "--again", "--prefill"]).run().success();
    out.stderr_contains(".xlsx: ");
    let path = t.path().join("b.xlsx");
    let sheet = zip_entry(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<sheetProtection"), "the sheet is protected");
    assert!(!sheet.contains("password"), "without a password");
    assert!(sheet.contains(r#"ySplit="1""#), "the header row is frozen");
    assert!(!sheet.contains("<f>"), "no formula");
    // Every cell with a value is a shared string, nothing a date or boolean, but for the
    // counts of the score (E) and words (M) columns, numbers that sort as numbers.
    let cells: Vec<&str> = sheet.split("<c ").skip(1).map(|c| c.split("</c>").next().unwrap()).collect();
    let with_value: Vec<&&str> = cells.iter().filter(|c| c.contains("<v>")).collect();
    assert!(with_value.len() > 100);
    for cell in with_value {
        let at = cell.split("r=\"").nth(1).unwrap();
        let count = matches!(at.as_bytes()[0], b'E' | b'M') && !at[1..].starts_with("1\"");
        assert_eq!(cell.contains(r#"t="s""#), !count, "{cell}");
    }
    let styles = zip_entry(&path, "xl/styles.xml");
    assert!(styles.contains(r#"locked="0""#), "some cells are unlocked");
    assert!(styles.contains(r#"formatCode="@""#) || styles.contains(r#"numFmtId="49""#), "text format");
    let strings = zip_entry(&path, "xl/sharedStrings.xml");
    for source in NUMBERLIKE.lines() {
        assert!(strings.contains(&format!(">{source}<")), "{source} is stored as text");
    }
}

#[test]
fn a_workbook_resaved_by_libreoffice_and_its_norwegian_csv_import_whole() {
    let t = project();
    t.tolk(&["export", "--prefill", "-o", "b.xlsx"]).run().success();
    soffice(&t, "nb_NO.UTF-8", &["--convert-to", "xlsx", "--outdir", "resaved", "b.xlsx"]);
    soffice(
        &t,
        "nb_NO.UTF-8",
        &["--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1", "--outdir", "csv", "b.xlsx"],
    );
    // The CSV is what LibreOffice shows: every source as tolk wrote it.
    let rows = csv_rows(&std::fs::read(t.path().join("csv/b.csv")).unwrap(), b';');
    for source in NUMBERLIKE.lines() {
        assert!(rows.iter().any(|r| r["source"] == source), "{source} changed in LibreOffice's CSV");
    }
    let filled = rows.iter().filter(|r| !r["target"].is_empty()).count();
    assert!(filled >= 40, "only {filled} targets were prefilled");
    let expected = format!("{filled} added, 0 unchanged, {} skipped (empty target)", rows.len() - filled);
    for file in ["resaved/b.xlsx", "csv/b.csv"] {
        let fresh = project();
        std::fs::copy(t.path().join(file), fresh.path().join("batch")).unwrap();
        let out = fresh.tolk(&["import", "batch"]).run().success();
        out.stderr_contains(&expected).stderr_contains(" 0 refused");
        let memory = fresh.memory_rows();
        let translations = bundled_translations();
        for row in rows.iter().filter(|r| !r["target"].is_empty()) {
            let entry = memory.iter().find(|e| e["source"] == row["source"]).expect("imported");
            assert_eq!(entry["target"], row["target"], "{file}");
            let original = row["source"].strip_prefix("Faktisk: ").unwrap();
            assert!(translations.values().any(|v| *v == entry["target"]), "{original}");
        }
    }
}

#[test]
fn a_batch_libreoffice_saved_in_its_own_format_imports_as_the_workbook_does() {
    let t = project();
    t.tolk(&["export", "--prefill", "-o", "b.xlsx"]).run().success();
    // LibreOffice's own format, as Ctrl+S keeps it, under its own name and renamed.
    soffice(&t, "nb_NO.UTF-8", &["--convert-to", "ods", "--outdir", "lo", "b.xlsx"]);
    soffice(&t, "nb_NO.UTF-8", &["--convert-to", "xlsx", "--outdir", "resaved", "b.xlsx"]);
    std::fs::copy(t.path().join("lo/b.ods"), t.path().join("lo/renamed.xlsx")).unwrap();
    let as_workbook = project();
    std::fs::copy(t.path().join("resaved/b.xlsx"), as_workbook.path().join("b.xlsx")).unwrap();
    let expected = as_workbook.tolk(&["import", "b.xlsx"]).run().success().stderr;
    let expected_memory = as_workbook.memory_rows();
    assert!(expected.contains(" 0 refused"), "{expected}");
    for file in ["lo/b.ods", "lo/renamed.xlsx"] {
        let fresh = project();
        std::fs::copy(t.path().join(file), fresh.path().join("batch.ods")).unwrap();
        let out = fresh.tolk(&["import", "batch.ods"]).run().success();
        // The summary's counts, without the import's id (its time, which may differ).
        let counts = |s: &str| {
            let line = s.lines().find(|l| l.contains(" added, "))?;
            line.split_once(": ").map(|(_, counts)| counts.to_owned())
        };
        assert_eq!(counts(&out.stderr), counts(&expected), "{file}: {}", out.stderr);
        let pairs = |rows: Vec<std::collections::BTreeMap<String, String>>| -> Vec<(String, String)> {
            rows.into_iter().map(|r| (r["source"].clone(), r["target"].clone())).collect()
        };
        assert_eq!(pairs(fresh.memory_rows()), pairs(expected_memory.clone()), "{file}");
    }
    // Another kind of OpenDocument file is no batch.
    let memory = t.snapshot_dir("memory");
    t.write(
        "not-a-batch.ods",
        std::fs::read(crate::util::repo().join("corpus/lyse-dialog-trine-vestre-oen.odt")).unwrap(),
    );
    t.tolk(&["import", "not-a-batch.ods"]).run().failure().stderr_contains(
        "not-a-batch.ods: is an OpenDocument file, not a spreadsheet; tolk reads batches as .xlsx, .ods, .csv or .xlf",
    );
    assert!(t.snapshot_dir("memory") == memory, "a refused import changed memory/");
}

#[test]
fn a_title_typed_above_the_names_of_the_columns_is_named_with_what_to_do() {
    let t = project();
    t.tolk(&["export", "--format", "csv", "--delimiter", ";", "-o", "b.csv"]).run().success();
    let batch = t.read("b.csv");
    t.write("titled.csv", format!("Batch for ANNA – Frist FREDAG\n{}", batch.trim_start_matches('\u{feff}')));
    for format in ["xlsx", "ods"] {
        soffice(
            &t,
            "C.UTF-8",
            &[
                "--infilter=CSV:59,34,76,1,1/2/2/2/3/2/4/2",
                "--convert-to",
                format,
                "--outdir",
                "x",
                "titled.csv",
            ],
        );
        let memory = t.read("memory/nb-en.csv");
        t.tolk(&["import", &format!("x/titled.{format}")]).run().failure().stderr_contains(&format!(
            "x/titled.{format}: row 1: no sheet has the columns id, source and target in its first row (sheets: \
             titled); the sheet \"titled\" lacks the columns id, source, target and has \"Batch for ANNA – Frist \
             FREDAG\"; its row 2 names them: delete the rows above it, so that the names of the columns are the \
             first row, and import again"
        ));
        assert_eq!(t.read("memory/nb-en.csv"), memory);
    }
}

#[test]
fn a_translation_a_spreadsheet_took_for_a_date_is_refused_by_row_and_column() {
    // A translator types "5/17" and "May 17" into a CSV batch opened in LibreOffice,
    // which reads both as dates (US English, special numbers detected) and writes them
    // back as dates: a date is no translation of a sentence.
    let t = project();
    t.tolk(&["export", "--format", "csv", "--delimiter", ";", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b';');
    let prose: Vec<_> = rows
        .iter()
        .filter(|r| r["source"].starts_with("Faktisk: ") && !r["source"].contains([';', '"']))
        .collect();
    t.write(
        "typed.csv",
        format!(
            "id;source;target;comment\n{};{};5/17;\n{};{};May 17;\n",
            prose[0]["id"], prose[0]["source"], prose[1]["id"], prose[1]["source"]
        ),
    );
    soffice(
        &t,
        "C.UTF-8",
        &[
            "--infilter=CSV:59,34,76,1,1/2/2/2/3/1/4/2,1033,false,true",
            "--convert-to",
            "xlsx",
            "--outdir",
            "x",
            "typed.csv",
        ],
    );
    soffice(
        &t,
        "C.UTF-8",
        &["--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1", "--outdir", "c", "x/typed.xlsx"],
    );
    let written = t.read("c/typed.csv");
    assert!(written.contains(";05/17/"), "LibreOffice did not take the targets for dates:\n{written}");
    let memory = t.read("memory/nb-en.csv");
    t.tolk(&["import", "c/typed.csv"])
        .run()
        .failure()
        .stderr_contains(
            "c/typed.csv: row 2, column target: expected a translation, found only the date 05/17/",
        )
        .stderr_contains(
            "c/typed.csv: row 3, column target: expected a translation, found only the date 05/17/",
        );
    assert_eq!(t.read("memory/nb-en.csv"), memory, "a refused import changed the memory");
}

#[test]
fn formulas_and_error_values_a_spreadsheet_made_are_refused_by_row_and_column() {
    let t = project();
    t.tolk(&["export", "--format", "csv", "--delimiter", ";", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b';');
    let id_of = |source: &str| rows.iter().find(|r| r["source"] == source).unwrap()["id"].clone();
    // A translator typed formulas into the targets; LibreOffice evaluates them.
    let prose = rows
        .iter()
        .find(|r| r["source"].starts_with("Faktisk: ") && !r["source"].contains([';', '"']))
        .unwrap();
    let typed = format!(
        "id;source;target;comment\n{};{};=30+2;\n{};3,50 kr;=1+;\n",
        prose["id"],
        prose["source"],
        id_of("3,50 kr")
    );
    t.write("typed.csv", typed);
    soffice(
        &t,
        "en_US.UTF-8",
        &[
            "--infilter=CSV:59,34,76,1,1/2/2/2/3/1/4/2,0,false,false,false,false,false,-1,true",
            "--convert-to",
            "xlsx",
            "--outdir",
            "x",
            "typed.csv",
        ],
    );
    let out = t.tolk(&["import", "x/typed.xlsx"]).run().failure();
    out.stderr_contains("x/typed.xlsx: row 2, column target: expected text (type the translation as text, not as a formula), found the formula =30+2")
        .stderr_contains("x/typed.xlsx: row 3, column target: expected text (type the translation as text, not as a formula), found the formula =1+")
        .stderr_contains("nothing was written");
    // Saved as CSV with Norwegian settings, what is left is a number and an error value.
    soffice(
        &t,
        "nb_NO.UTF-8",
        &["--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1", "--outdir", "c", "x/typed.xlsx"],
    );
    let out = t.tolk(&["import", "c/typed.csv"]).run().failure();
    out.stderr_contains(
        "c/typed.csv: row 2, column target: expected a translation, found only the number 32",
    )
    .stderr_contains(
        "c/typed.csv: row 3, column target: expected a translation, found the spreadsheet error value Err:",
    );
    assert_eq!(t.read("memory/nb-en.csv"), crate::util::repo_file("memory/nb-en.csv"));
}

#[test]
fn a_csv_whose_sources_a_spreadsheet_converted_says_so() {
    let t = project();
    t.tolk(&["export", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let id_of = |source: &str| rows.iter().find(|r| r["source"] == source).unwrap()["id"].clone();
    let mut damaged = String::from("id,source,target\n");
    // (A number alone, `00123` come back as `123`, is no segment: `spreadsheet::tests`
    // has it.)
    for (source, found) in [("17. mai", "05/17/2026"), ("3,50 kr", "kr 3,50"), ("SANN", "TRUE")] {
        damaged.push_str(&format!(
            "{},{},x\n",
            id_of(source),
            if found.contains(',') { format!("\"{found}\"") } else { found.to_string() }
        ));
    }
    t.write("damaged.csv", damaged);
    let out = t.tolk(&["import", "damaged.csv"]).run().failure();
    for (row, what) in [(2, "as a date"), (3, "as an amount"), (4, "as a boolean")] {
        let line = out.stderr.lines().find(|l| l.contains(&format!("row {row}, column source"))).unwrap();
        assert!(line.contains(what) && line.contains("tolk export --format xlsx"), "{line}");
        assert!(!line.contains("must not be edited"), "{line}");
    }
}

#[test]
fn a_translators_comment_becomes_the_entrys_note() {
    let t = project();
    t.tolk(&["export", "--prefill", "-o", "b.csv"]).run().success();
    let text = t.read("b.csv");
    let rows = csv_rows(text.as_bytes(), b',');
    let row = rows.iter().find(|r| !r["target"].is_empty()).unwrap();
    let filled = format!(
        "id,source,target,comment\n{},\"{}\",\"{}\",Sjekk navnet med redaksjonen\n",
        row["id"],
        row["source"].replace('"', "\"\""),
        row["target"].replace('"', "\"\"")
    );
    t.write("filled.csv", &filled);
    t.tolk(&["import", "filled.csv"]).run().success().stderr_contains("1 added");
    let memory = t.memory_rows();
    let entry = memory.iter().find(|e| e["source"] == row["source"]).unwrap();
    assert_eq!(entry["note"], "Sjekk navnet med redaksjonen");
    // The same translation again with another comment: it is unchanged, and the
    // comment, which is not kept, is named.
    t.write("filled.csv", filled.replace("Sjekk navnet med redaksjonen", "Navnet er sjekket"));
    t.tolk(&["import", "filled.csv"])
        .run()
        .success()
        .stderr_contains("0 added, 1 unchanged")
        .stderr_contains(
            "warning: filled.csv: row 2: a comment on a translation the memory has already is not kept",
        );
    // The same comment again is no news.
    t.write("filled.csv", filled);
    let again = t.tolk(&["import", "filled.csv"]).run().success();
    assert!(!again.stderr.contains("is not kept"), "{}", again.stderr);
}

#[test]
fn format_options_that_do_not_fit_are_refused() {
    let t = project();
    t.tolk(&["export", "--delimiter", ";"])
        .run()
        .failure()
        .stderr_contains("--delimiter is for CSV batches; add --format csv, or leave --delimiter out");
    t.tolk(&["export", "--format", "xliff", "-o", "b.xlsx"])
        .run()
        .failure()
        .stderr_contains("names another format");
    t.tolk(&["export", "-o", "b.xlf"]).run().success().stderr_contains("(XLIFF 1.2)");
}

#[test]
fn a_csv_batch_saved_as_a_workbook_with_text_columns_imports_whole() {
    let t = project();
    t.tolk(&["export", "--prefill", "--format", "csv", "--delimiter", ";", "-o", "b.csv"]).run().success();
    // The advice for a CSV: open it with every column as Text. Saved as XLSX, it keeps
    // the apostrophes tolk put before `=SUM(A1)` and the like.
    let text_columns: Vec<String> = (1..=10).map(|c| format!("{c}/2")).collect();
    let filter = format!("--infilter=CSV:59,34,76,1,{},1044", text_columns.join("/"));
    soffice(&t, "nb_NO.UTF-8", &[&filter, "--convert-to", "xlsx", "--outdir", "x", "b.csv"]);
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b';');
    let filled = rows.iter().filter(|r| !r["target"].is_empty()).count();
    // The suggestions `--prefill` put there, taken as reviewed.
    t.tolk(&["import", "--dry-run", "--take-drafts", "x/b.xlsx"])
        .run()
        .success()
        .stderr_contains(&format!(
            "would add {filled}, would leave 0 unchanged, {} skipped (empty target)",
            rows.len() - filled
        ))
        .stderr_contains(" 0 refused");
}

#[test]
fn letters_a_legacy_encoding_lost_in_a_target_are_refused() {
    let t = project();
    t.tolk(&["export", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let id = &rows.iter().find(|r| r["source"] == "3,50 kr").unwrap()["id"];
    // Windows-1252 (an Ø as the byte D8) in which Ł and ź became `?`.
    let mut bytes = format!("id,source,target,comment\n{id},\"3,50 kr\",").into_bytes();
    bytes.extend_from_slice(b"\"3.50 z? from ?\xf3d?\",\xd8konomi?\n");
    t.write("legacy.csv", bytes);
    let out = t.tolk(&["import", "legacy.csv"]).run().failure();
    out.stderr_contains("legacy.csv: read as Windows-1252")
        .stderr_contains("legacy.csv: row 2, column target: expected text with every letter, found \"3.50 z? from ?ód?\": a `?` inside a word");
    assert_eq!(t.read("memory/nb-en.csv"), crate::util::repo_file("memory/nb-en.csv"));
}

#[test]
fn a_csv_batch_opened_as_western_europe_and_saved_again_imports_as_it_was_written() {
    // A translator's LibreOffice opens the UTF-8 batch as Windows-1252 ("Western
    // Europe"), and saves it as UTF-8: every letter beyond ASCII is now two or three.
    let t = Project::seeds_untranslated();
    t.tolk(&["export", "--format", "csv", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let mut w = csv::Writer::from_writer(vec![]);
    let columns = crate::util::csv_records(&std::fs::read(t.path().join("b.csv")).unwrap(), b',')[0].clone();
    w.write_record(&columns).unwrap();
    for row in &rows {
        let mut record: Vec<String> = columns.iter().map(|c| row[c].clone()).collect();
        let target = columns.iter().position(|c| c == "target").unwrap();
        // Its tags kept: the sentence itself, quoted.
        record[target] = format!("Blåbær – «{}»", row["source"]);
        w.write_record(&record).unwrap();
    }
    t.write("filled.csv", w.into_inner().unwrap());
    soffice(
        &t,
        "nb_NO.UTF-8",
        &[
            "--infilter=CSV:44,34,1",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            "lo",
            "filled.csv",
        ],
    );
    let damaged = t.read("lo/filled.csv");
    assert!(damaged.contains("BlÃ¥bÃ¦r"), "LibreOffice did not double-encode it:\n{damaged}");
    let out = t.tolk(&["import", "lo/filled.csv"]).run().success();
    out.stderr_contains("had letters in pairs of other characters, `Ã¥` for `å`")
        .stderr_contains(&format!("{} added", rows.len()))
        .stderr_contains(" 0 refused");
    let memory = t.read("memory/nb-en.csv");
    assert!(memory.contains("Blåbær – «") && !memory.contains("Ã"), "{memory}");
}

/// A text cell of a flat OpenDocument spreadsheet ([`saved_by_libreoffice`]).
fn cell(text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
        escape(text)
    )
}

/// `text` with XML's special characters as references.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The rows of a batch sheet: the header `id`, `source`, `target`, then each of `rows`
/// (id, source, target).
fn batch_sheet(rows: &[(&str, &str, &str)]) -> Vec<Vec<String>> {
    let mut out = vec![["id", "source", "target"].map(cell).to_vec()];
    out.extend(rows.iter().map(|(id, source, target)| [id, source, target].map(|c| cell(c)).to_vec()));
    out
}

/// Has LibreOffice save a workbook of `sheets` (each a name and its rows of cells, as
/// [`cell`] writes them) as `x/NAME.xlsx` and `x/NAME.ods`, from a flat OpenDocument
/// file written for it: the files a translator's LibreOffice saves.
fn saved_by_libreoffice(t: &Project, name: &str, sheets: &[(&str, Vec<Vec<String>>)]) {
    let tables: String = sheets
        .iter()
        .map(|(sheet, rows)| {
            let rows: String = rows
                .iter()
                .map(|cells| format!("<table:table-row>{}</table:table-row>", cells.concat()))
                .collect();
            format!(r#"<table:table table:name="{}">{rows}</table:table>"#, escape(sheet))
        })
        .collect();
    t.write(
        &format!("{name}.fods"),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document>
"#
        ),
    );
    for format in ["xlsx", "ods"] {
        soffice(t, "C.UTF-8", &["--convert-to", format, "--outdir", "x", &format!("{name}.fods")]);
    }
}

/// The rows of a CSV batch of `t`'s sentences with words and without tags, quotes or
/// semicolons (id, source), exported to `ids.csv`.
fn prose(t: &Project) -> Vec<(String, String)> {
    t.tolk(&["export", "--again", "--format", "csv", "-o", "ids.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("ids.csv")).unwrap(), b',');
    rows.into_iter()
        .filter(|r| r["source"].starts_with("Faktisk: ") && !r["source"].contains(['{', ';', '"']))
        .map(|r| (r["id"].clone(), r["source"].clone()))
        .collect()
}

/// Regression: of a workbook whose sheet `Batch` held a draft and a copy of it the
/// finished translations, the draft was imported and the copy ignored without a word.
#[test]
fn a_workbook_with_two_sheets_of_the_batch_is_refused_naming_them() {
    let t = project();
    let rows = prose(&t);
    let [(a, a_source), (b, b_source)] = [rows[0].clone(), rows[1].clone()];
    let draft = batch_sheet(&[(&a, &a_source, "Draft."), (&b, &b_source, "")]);
    let done = batch_sheet(&[(&a, &a_source, "Actually: done."), (&b, &b_source, "Actually: done too.")]);
    let notes = vec![vec![cell("My notes")], vec![cell("check the names")]];
    saved_by_libreoffice(
        &t,
        "copy",
        &[("Batch", draft.clone()), ("Notes", notes.clone()), ("Batch_2", done.clone())],
    );
    saved_by_libreoffice(&t, "notes", &[("Notes", notes), ("Batch_2", done)]);
    let memory = t.snapshot_dir("memory");
    for format in ["xlsx", "ods"] {
        t.tolk(&["import", &format!("x/copy.{format}")]).run().failure().stderr_contains(&format!(
            "x/copy.{format}: the sheets \"Batch\" (1 translation) and \"Batch_2\" (2 translations) both have the \
             batch's columns id, source and target, and tolk imports one sheet, not guessing which holds the \
             translations; keep the sheet to import and delete the other (or move it to a workbook of its own), \
             then import again"
        ));
        assert!(t.snapshot_dir("memory") == memory, "a refused import changed memory/");
        // A sheet of notes beside the batch's is no batch.
        t.tolk(&["import", "--dry-run", &format!("x/notes.{format}")])
            .run()
            .success()
            .stderr_contains("would add 2, would leave 0 unchanged, 0 skipped (empty target)");
    }
}

/// Regression: target cells merged (LibreOffice asked to move the hidden cells' text
/// into the first) were imported as one translation of two sentences for the first
/// row, and none for the next, without a word.
#[test]
fn merged_target_cells_are_refused_naming_their_rows() {
    let t = project();
    let rows = prose(&t);
    let row = |i: usize, target: String| vec![cell(&rows[i].0), cell(&rows[i].1), target];
    let merged = |text: &str| {
        format!(
            r#"<table:table-cell office:value-type="string" table:number-rows-spanned="2" table:number-columns-spanned="1"><text:p>{}</text:p></table:table-cell>"#,
            escape(text)
        )
    };
    let covered = |text: &str| match text {
        "" => "<table:covered-table-cell/>".to_string(),
        _ => format!(
            r#"<table:covered-table-cell office:value-type="string"><text:p>{}</text:p></table:covered-table-cell>"#,
            escape(text)
        ),
    };
    let sheet = vec![
        ["id", "source", "target"].map(cell).to_vec(),
        row(0, cell("Actually: one.")),
        // Merged, the second row's text moved into the first.
        row(1, merged("Actually: two. Actually: three.")),
        row(2, covered("")),
        row(3, cell("Actually: four.")),
        // Merged, the hidden cell's text kept.
        row(4, merged("Actually: five.")),
        row(5, covered("Actually: six.")),
    ];
    saved_by_libreoffice(&t, "merged", &[("Batch", sheet)]);
    let memory = t.snapshot_dir("memory");
    for format in ["xlsx", "ods"] {
        let mut out = t.tolk(&["import", &format!("x/merged.{format}")]).run().failure();
        for (row, range) in [
            (3, "C3:C4, rows 3 and 4"),
            (4, "C3:C4, rows 3 and 4"),
            (6, "C6:C7, rows 6 and 7"),
            (7, "C6:C7, rows 6 and 7"),
        ] {
            out = out.stderr_contains(&format!(
                "x/merged.{format}: row {row}, column target: expected a target cell of the row's own, found a \
                 cell merged with others ({range}), which shows one text for them all; unmerge it (Format → Merge \
                 and Unmerge Cells → Unmerge Cells), put each row's translation in its own target cell, and import \
                 again\n"
            ));
        }
        assert!(t.snapshot_dir("memory") == memory, "a refused import changed memory/");
        // The rows of cells of their own are imported with --skip-invalid.
        t.tolk(&["import", "--dry-run", "--skip-invalid", &format!("x/merged.{format}")])
            .run()
            .success()
            .stderr_contains("would add 2, would leave 0 unchanged, 0 skipped (empty target)")
            .stderr_contains(" 4 refused ");
    }
}

/// `typed` typed into the targets of rows of `t`'s sentences with words, in a CSV
/// batch LibreOffice opens with US English settings, detecting special numbers, and
/// saves as a workbook, then as CSV with `options` (LibreOffice's CSV filter options).
/// Returns the path of the CSV.
fn typed_in_libreoffice(t: &Project, name: &str, typed: &[&str], options: &str) -> String {
    let rows = prose(t);
    let mut csv = String::from("id;source;target;comment\n");
    for ((id, source), target) in rows.iter().zip(typed) {
        csv.push_str(&format!("{id};{source};{target};\n"));
    }
    t.write(&format!("{name}.csv"), csv);
    soffice(
        t,
        "C.UTF-8",
        &[
            "--infilter=CSV:59,34,76,1,1/2/2/2/3/1/4/2,1033,false,true",
            "--convert-to",
            "xlsx",
            "--outdir",
            "x",
            &format!("{name}.csv"),
        ],
    );
    soffice(
        t,
        "C.UTF-8",
        &[
            "--convert-to",
            &format!("csv:Text - txt - csv (StarCalc):{options}"),
            "--outdir",
            "c",
            &format!("x/{name}.xlsx"),
        ],
    );
    format!("c/{name}.csv")
}

/// Regression: what LibreOffice writes back for a typed percentage, number in
/// scientific notation, time or amount was imported as the translation, and `1.00E-03`
/// was called a date; digits it kept as text (`1-2`, `1 000`) were refused as a
/// number.
#[test]
fn what_a_spreadsheet_writes_for_a_typed_number_is_refused_and_text_it_kept_is_not() {
    let t = project();
    let typed = ["10%", "1e5", "1:30", "$5", "1e-3", "1.50", "1-2", "1 000", "Actually: fine."];
    let file = typed_in_libreoffice(&t, "typed", &typed, "59,34,76,1");
    let written = t.read(&file);
    assert!(
        written.contains(";10.00%;") && written.contains(";$5.00;"),
        "LibreOffice did not convert:\n{written}"
    );
    let memory = t.snapshot_dir("memory");
    let mut out = t.tolk(&["import", &file]).run().failure();
    for (row, found) in [
        (2, "only the percentage 10.00%, which is what a spreadsheet writes where it read the cell as a percentage"),
        (3, "only the number 1.00E+05, which is what a spreadsheet writes where it read the cell as a number"),
        (4, "only the time 01:30:00 AM, which is what a spreadsheet writes where it read the cell as a time"),
        (5, "only the amount $5.00, which is what a spreadsheet writes where it read the cell as an amount of money"),
        (6, "only the number 1.00E-03, which is what a spreadsheet writes where it read the cell as a number"),
        (7, "only the number 1.5, which is what a spreadsheet leaves where a formula ran (=30+2 becomes 32) or a number \
             was reformatted (1.50 becomes 1.5); type the translation as text (open the CSV with the target column as \
             Text), or use the XLSX batch (`tolk export --format xlsx`), which keeps text as typed"),
    ] {
        out = out.stderr_contains(&format!("{file}: row {row}, column target: expected a translation, found {found}"));
    }
    out.stderr_contains("error: 6 rows refused, nothing was written");
    assert!(t.snapshot_dir("memory") == memory, "a refused import changed memory/");
    // What LibreOffice kept as text is the translation.
    t.tolk(&["import", "--skip-invalid", "--dry-run", &file])
        .run()
        .success()
        .stderr_contains("would add 3, would leave 0 unchanged");
}

/// Regression: a CSV saved with "Save cell formulas instead of calculated values"
/// brought the formula typed in a target, `=see above`, as its translation.
#[test]
fn a_formula_saved_as_its_text_in_a_csv_is_refused() {
    let t = project();
    let typed = ["=see above", "=30+2", "Actually: fine."];
    let file = typed_in_libreoffice(&t, "formulas", &typed, "59,34,76,1,,1033,false,true,false,true,false");
    let written = t.read(&file);
    assert!(written.contains(";=see above;"), "LibreOffice did not save the formula:\n{written}");
    let memory = t.snapshot_dir("memory");
    let mut out = t.tolk(&["import", &file]).run().failure();
    for (row, formula) in [(2, "=see above"), (3, "=30+2")] {
        out = out.stderr_contains(&format!(
            "{file}: row {row}, column target: expected a translation, found the formula \"{formula}\", as a \
             spreadsheet saves a formula with \"Save cell formulas instead of calculated values\"; save the CSV \
             again without that option, or, if it is the translation, type it as text in the XLSX batch (`tolk \
             export --format xlsx`), which keeps a text starting with = as typed"
        ));
    }
    assert!(t.snapshot_dir("memory") == memory, "a refused import changed memory/");
}

/// Regression: the apostrophe a translator types before =, +, - or @ in a text cell of
/// the workbook, which LibreOffice keeps as part of the text, was imported as part of
/// the translation (`'=SUM(A1:A3) is a formula…`).
#[test]
fn the_apostrophe_typed_before_a_formula_character_is_no_part_of_the_translation() {
    let t = project();
    let rows = prose(&t);
    let targets =
        ["'=SUM(A1:A3) is a formula.", "'+47 22 33 44 55", "'-5 degrees", "'@tolk on Twitter", "'Tis so."];
    // tolk's own columns, the diff among them.
    let mut sheet = vec![["id", "source", "target", "comment", "diff"].map(cell).to_vec()];
    for ((id, source), target) in rows.iter().zip(targets) {
        sheet.push(vec![cell(id), cell(source), cell(target), cell(""), cell("")]);
    }
    saved_by_libreoffice(&t, "apostrophes", &[("Batch", sheet)]);
    assert!(
        crate::util::zip_entry(&t.path().join("x/apostrophes.xlsx"), "xl/sharedStrings.xml")
            .contains("&apos;=SUM(A1:A3)"),
        "LibreOffice did not keep the apostrophe as text"
    );
    for format in ["xlsx", "ods"] {
        let fresh = project();
        std::fs::copy(t.path().join(format!("x/apostrophes.{format}")), fresh.path().join("b")).unwrap();
        fresh.tolk(&["import", "b"]).run().success().stderr_contains("5 added");
        let memory = fresh.memory_rows();
        let mut imported: Vec<&str> =
            memory.iter().filter(|e| e["origin"] == "import:b").map(|e| e["target"].as_str()).collect();
        imported.sort_unstable();
        assert_eq!(
            imported,
            ["'Tis so.", "+47 22 33 44 55", "-5 degrees", "=SUM(A1:A3) is a formula.", "@tolk on Twitter"],
            "{format}"
        );
    }
}

/// Regression: LibreOffice saving .xlsx cuts a cell to the 32,767 characters a cell
/// holds, and the cut translation was imported; its own format keeps it whole.
#[test]
fn a_translation_libreoffice_cut_to_what_a_cell_holds_is_refused() {
    let t = project();
    let rows = prose(&t);
    let long = "Actually, it is long. ".repeat(2_000);
    let sheet =
        batch_sheet(&[(&rows[0].0, &rows[0].1, long.trim()), (&rows[1].0, &rows[1].1, "Actually: short.")]);
    saved_by_libreoffice(&t, "long", &[("Batch", sheet)]);
    let memory = t.snapshot_dir("memory");
    t.tolk(&["import", "x/long.xlsx"]).run().failure().stderr_contains(
        "x/long.xlsx: row 2, column target: expected a translation shorter than the 32,767 characters a spreadsheet \
         cell holds, found one of exactly 32,767 characters, ending \"…",
    );
    assert!(t.snapshot_dir("memory") == memory, "a refused import changed memory/");
    t.tolk(&["import", "--dry-run", "x/long.ods"])
        .run()
        .success()
        .stderr_contains("would add 2, would leave 0 unchanged");
}

/// A text cell of a flat OpenDocument spreadsheet with a comment on it (LibreOffice's
/// annotation: Insert → Comment).
fn annotated(text: &str, comment: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><office:annotation><dc:creator>Anna</dc:creator><dc:date>2026-12-02T00:00:00</dc:date><text:p>{}</text:p></office:annotation><text:p>{}</text:p></table:table-cell>"#,
        escape(comment),
        escape(text)
    )
}

/// Regression: comments on cells (LibreOffice's annotations) were dropped without a
/// word. One on a row's target cell is its comment, as the comment column's is; one
/// anywhere else is named in a warning, with where to put it.
#[test]
fn a_comment_on_a_target_cell_is_the_rows_comment_and_others_are_named() {
    let t = project();
    let rows = prose(&t);
    let sheet = vec![
        vec![cell("id"), annotated("source", "my notes below"), cell("target"), cell("comment")],
        vec![
            cell(&rows[0].0),
            cell(&rows[0].1),
            annotated("Actually: one.", "Is \"one\" right here?"),
            cell(""),
        ],
        vec![
            cell(&rows[1].0),
            cell(&rows[1].1),
            annotated("Actually: two.", "check with editor"),
            cell("typed"),
        ],
        vec![
            cell(&rows[2].0),
            annotated(&rows[2].1, "typo in the source? it reads oddly to me here"),
            cell("Actually: three."),
            cell(""),
        ],
        vec![cell(&rows[3].0), cell(&rows[3].1), annotated("", "not sure at all"), cell("")],
    ];
    saved_by_libreoffice(&t, "comments", &[("Batch", sheet)]);
    for format in ["xlsx", "ods"] {
        let fresh = project();
        std::fs::copy(t.path().join(format!("x/comments.{format}")), fresh.path().join("b")).unwrap();
        fresh
            .tolk(&["import", "b"])
            .run()
            .success()
            .stderr_contains("3 added, 0 unchanged, 1 skipped (empty target)")
            .stderr_contains(
                "warning: b: cell comments (row 1, cell B1: \"my notes below\"; row 4, column source: \"typo in the \
                 source? it reads oddly to me…\") are not read: tolk reads a comment on a row's target cell as the \
                 row's comment, and the column comment; put a remark for the editor in one of them\n",
            )
            .stderr_contains(
                "warning: b: row 5: the comment \"not sure at all\" is not kept, as the row has no translation",
            );
        let memory = fresh.memory_rows();
        let mut notes: Vec<(&str, &str)> = memory
            .iter()
            .filter(|e| e["origin"] == "import:b")
            .map(|e| (e["target"].as_str(), e["note"].as_str()))
            .collect();
        notes.sort_unstable();
        assert_eq!(
            notes,
            [
                ("Actually: one.", "Is \"one\" right here?"),
                ("Actually: three.", ""),
                ("Actually: two.", "typed\ncheck with editor")
            ],
            "{format}"
        );
    }
}

/// Regression (a new user's trial): a translation typed into the suggestion cell of a
/// row the batch offered no suggestion (one column too far: the suggestion cell beside
/// the empty target is empty) was skipped as an empty target without a word, in a CSV
/// batch and in a workbook LibreOffice saved. It is named; a suggestion the batch
/// offered, left beside an empty target, is not.
#[test]
fn a_translation_typed_in_the_suggestion_column_is_named() {
    let t = Project::new();
    t.write("corpus/ny.txt", "Ta med varme klær.\nHva er den viktigste KPIen for deg?\n");
    t.tolk(&["export", "--format", "csv", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let none = rows.iter().find(|r| r["suggestion_source"].is_empty()).expect("a row offered no suggestion");
    let offered = rows.iter().find(|r| !r["suggestion_source"].is_empty()).expect("a row with a suggestion");
    let header = ["id", "source", "target", "suggestion", "suggestion_source"];
    let sheet: Vec<[&str; 5]> = vec![
        header,
        [&none["id"], &none["source"], "", "Bring warm clothes.", ""],
        [&offered["id"], &offered["source"], "", &offered["suggestion"], &offered["suggestion_source"]],
    ];
    let quote = |c: &str| format!("\"{}\"", c.replace('"', "\"\""));
    let text: String = sheet.iter().map(|r| r.map(quote).join(",") + "\n").collect();
    t.write("filled.csv", text);
    saved_by_libreoffice(&t, "filled", &[("batch", sheet.iter().map(|r| r.map(cell).to_vec()).collect())]);
    let memory = t.read("memory/nb-en.csv");
    for file in ["filled.csv", "x/filled.xlsx", "x/filled.ods"] {
        let out = t.tolk(&["import", file]).run().success();
        assert!(!out.stderr.contains("row 3"), "{}", out.stderr);
        out.stderr_contains(&format!(
            "warning: {file}: row 2: the target is empty, but the suggestion cell holds \"Bring warm clothes.\", \
             though the batch offered no suggestion for this sentence"
        ))
        .stderr_contains("2 skipped (empty target)");
        assert_eq!(t.read("memory/nb-en.csv"), memory);
    }
}
