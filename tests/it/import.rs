//! `tolk import`: one test per way a translator's file comes back, each a real file in
//! `tests/data/import/` (see its README.md) made from an export of the bundled corpus.
//!
//! Files a spreadsheet may write (encodings, delimiters, line ends, quoted line breaks,
//! shuffled and extra columns, escaped formulas, empty targets) are imported, with a
//! note where tolk had to detect something. Files with a wrong row are refused as a
//! whole: the command fails, names the file, row and column, says nothing was written,
//! and leaves `memory/` byte for byte as it was; `--skip-invalid` imports the rest.
//! Then the options: `--dry-run`, `--translator`, `--overwrite` and conflicts, and the
//! quality warnings that never refuse a row.

use std::collections::BTreeMap;

use crate::util::{bundled_translations, csv_rows, repo, Output, Project};

const KORT_ID: &str = "s231928c132cfcbcc";

const KORT: &str = "Kort, hva er din kundeservicekarriere?";
const KORT_EN: &str = "Briefly, what has your customer service career been?";
const PERSONER_ID: &str = "s932fc685ca83db40";
const PERSONER: &str = "Vi er nå 110 personer fordelt på 6 team, forteller Irene.";
const TRINE_ID: &str = "s7603e50071c97f3f";
const TRINE: &str = "Trine Vestre Øen er direktør for kundeservice i Lyse Dialog.";
const KOKT_ID: &str = "s241a5a2e1774c7a2";
const KOKT: &str = "En god dag er samtalene med kolleger, og det er en dag hvor det har «kokt litt» på \
                    kundesenteret og vi har hjulpet mange kunder, forteller Øen engasjert.";

/// A project with the bundled corpus, an empty memory and the fixture `name` copied in
/// under its own name (so messages name it as a translator would see it).
fn project_with(name: &str) -> Project {
    let t = Project::untranslated();
    add_fixture(&t, name);
    t
}

fn add_fixture(t: &Project, name: &str) {
    let path = repo().join("tests/data/import").join(name);
    t.write(name, std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display())));
}

/// `tolk import NAME ARGS` in `t`.
fn import(t: &Project, name: &str, args: &[&str]) -> Output {
    let mut all = vec!["import", name];
    all.extend_from_slice(args);
    t.tolk(&all).run()
}

/// The memory of `t` as source -> every target it has, in file order.
fn memory(t: &Project) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for mut r in t.memory_rows() {
        out.entry(r.remove("source").unwrap()).or_default().push(r.remove("target").unwrap());
    }
    out
}

/// Imports the fixture `name` into an empty memory and checks that it succeeds with
/// exactly the `notes` about what was detected, adds `added` entries, and gives each
/// the bundled memory's translation; returns the project and the output.
#[track_caller]
fn check_accepted(name: &str, notes: &[&str], added: usize) -> (Project, Output) {
    let t = project_with(name);
    let out = import(&t, name, &[]).success();
    let found: Vec<&str> = out.stderr.lines().filter_map(|l| l.strip_prefix(&format!("{name}: "))).collect();
    assert_eq!(found, notes, "the notes on {name}:\n{}", out.stderr);
    assert!(!out.stderr.contains("warning:"), "{name}: unexpected warnings:\n{}", out.stderr);
    let out = out.stderr_contains(&format!("{added} added, 0 unchanged, 0 skipped (empty target)"));
    let bundled = bundled_translations();
    let memory = memory(&t);
    assert_eq!(memory.len(), added, "{name}: the memory holds {memory:#?}");
    for (source, targets) in &memory {
        assert_eq!(targets, &[bundled[source].clone()], "{name}: the translation of {source:?}");
    }
    (t, out)
}

/// Imports the fixture `name` into an empty memory and checks that it is refused as a
/// whole: exit status 1, every one of `errors` printed as an `error:` line, and
/// `memory/` as it was. Returns the project and the output.
#[track_caller]
fn check_refused(name: &str, errors: &[&str]) -> (Project, Output) {
    let t = project_with(name);
    let before = t.snapshot_dir("memory");
    let mut out = import(&t, name, &[]).failure();
    assert_eq!(out.status.code(), Some(1), "{name}: the exit status");
    for error in errors {
        out = out.stderr_contains(&format!("error: {error}\n"));
    }
    assert!(t.snapshot_dir("memory") == before, "{name}: a refused import changed memory/");
    (t, out)
}

// Files a spreadsheet or a script may save: imported.

#[test]
fn bom_utf8_as_exported() {
    check_accepted("bom-utf8.csv", &[], 4);
}

#[test]
fn utf8_without_a_bom_and_lf_line_ends() {
    check_accepted("no-bom-utf8.csv", &[], 4);
}

#[test]
fn crlf_line_ends_leave_no_cr_on_the_last_cell() {
    // The target is the last column here; check_accepted compares it exactly.
    check_accepted("crlf.csv", &[], 4);
}

#[test]
fn windows_1252_with_semicolons_from_norwegian_excel() {
    let (t, _) =
        check_accepted("windows-1252-semicolon.csv", &["read as Windows-1252 (not UTF-8)", "delimiter ;"], 5);
    let memory = memory(&t);
    assert!(memory.contains_key(TRINE) && memory.contains_key(KOKT), "æøå and «» decoded: {memory:#?}");
    // A no-break space (0xA0 in Windows-1252) inside the source.
    assert!(memory.contains_key("Podcast |\u{a0}I samarbeid med CustomerTrends AS"));
    assert!(memory[KOKT][0].contains("it’s a day when things have been “cooking a bit”"));
}

#[test]
fn semicolon() {
    check_accepted("semicolon.csv", &["delimiter ;"], 4);
}

#[test]
fn tab_separated() {
    check_accepted("tab.tsv", &["delimiter tab"], 4);
}

#[test]
fn utf16_with_a_bom_from_excel_unicode_text() {
    check_accepted("utf16-bom.csv", &["read as UTF-16LE", "delimiter tab"], 4);
}

#[test]
fn reordered_columns_in_any_case_with_extra_columns() {
    let name = "reordered-extra-columns.csv";
    let t = project_with(name);
    // The translator's own columns are named, as their text is not imported.
    import(&t, name, &[]).success().stderr_contains("4 added, 0 unchanged").stderr_contains(&format!(
        "warning: {name}: the columns \"Notes\" (row 2), \"Reviewer\" (rows 2, 3, 4 and 5) hold text tolk does not import"
    ));
    let bundled = bundled_translations();
    let memory = memory(&t);
    assert_eq!(memory.len(), 4);
    for (source, targets) in &memory {
        assert_eq!(targets, &[bundled[source].clone()], "the translation of {source:?}");
    }
}

#[test]
fn duplicate_id_with_the_same_target_is_one_entry() {
    check_accepted("duplicate-id-same-target.csv", &[], 3);
}

/// Regression (a QA trial): a row copied below itself with a remark of its own was one
/// entry with the first row's comment, the second's dropped unseen. Both are the
/// entry's note, one a line, in row order; the same remark again is kept once.
#[test]
fn one_translation_twice_keeps_both_rows_comments_in_the_note() {
    let t = Project::untranslated();
    let row = |comment: &str| format!("{KORT_ID},\"{KORT}\",\"{KORT_EN}\",{comment}\n");
    t.write(
        "b.csv",
        format!(
            "id,source,target,comment\n{}{}{}",
            row("first remark"),
            row("\"second remark, with a comma\""),
            row("first remark")
        ),
    );
    import(&t, "b.csv", &[]).success().stderr_contains("1 added, 0 unchanged");
    let rows = t.memory_rows();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["note"], "first remark\nsecond remark, with a comma");
    // Only the copy has a remark: it is the note.
    let t = Project::untranslated();
    t.write("b.csv", format!("id,source,target,comment\n{}{}", row(""), row("second remark")));
    import(&t, "b.csv", &[]).success().stderr_contains("1 added, 0 unchanged");
    assert_eq!(t.memory_rows()[0]["note"], "second remark");
}

#[test]
fn quoted_line_breaks_stay_in_the_target() {
    let t = project_with("quoted-newlines.csv");
    import(&t, "quoted-newlines.csv", &[]).success().stderr_contains("4 added");
    let memory = memory(&t);
    assert_eq!(memory[KORT], [KORT_EN]);
    assert_eq!(memory[PERSONER], ["We are now 110 people\nspread across 6 teams, Irene says."]);
    assert!(memory[KOKT][0]
        .contains("it’s a day when things have been “cooking a bit” at the customer centre\r\nand we’ve"));
    assert_eq!(memory.len(), 4);
}

#[test]
fn a_formula_cell_loses_tolks_apostrophe_only() {
    let t = project_with("formula-cell.csv");
    import(&t, "formula-cell.csv", &[]).success().stderr_contains("3 added");
    let memory = memory(&t);
    // Escaped as tolk writes it (LibreOffice keeps the apostrophe) ... The dash the
    // apostrophe escaped is then a dialogue dash the document has before the sentence,
    // and left out (a target still holding the apostrophe would keep it).
    assert_eq!(
        memory["Det er OKS (opplevd kundetilfredshet, red. kommentar)."],
        ["It’s OKS (perceived customer satisfaction, ed. note)."]
    );
    // ... and bare, as Excel saves it.
    assert_eq!(
        memory["Jeg prøver alltid å starte dagen med å «resette»."],
        ["I always try to start the day by “resetting”."]
    );
}

#[test]
fn empty_targets_are_skipped_and_counted() {
    let t = project_with("empty-targets.csv");
    import(&t, "empty-targets.csv", &[])
        .success()
        .stderr_contains("2 added, 0 unchanged, 2 skipped (empty target)")
        .stderr_contains(" 0 refused ");
    let memory = memory(&t);
    assert_eq!(memory.keys().collect::<Vec<_>>(), [KOKT, KORT], "only the translated rows");
}

#[test]
fn an_empty_memory_folder_gets_a_memory_file() {
    let t = Project::untranslated();
    std::fs::remove_file(t.path().join("memory/nb-en.csv")).unwrap();
    add_fixture(&t, "bom-utf8.csv");
    import(&t, "bom-utf8.csv", &[])
        .success()
        .stderr_contains("4 added")
        .stderr_contains("written to memory/nb-en.csv");
    assert_eq!(memory(&t).len(), 4);
    assert!(t.read("memory/nb-en.csv").starts_with("source,target,"));
}

// Files with a wrong row: refused as a whole, every problem listed.

#[test]
fn an_edited_source_is_refused() {
    let (_, out) = check_refused(
        "edited-source.csv",
        // Row 4 of the spreadsheet, though line 5 of the file: row 3 has a two-line target.
        &["edited-source.csv: row 4, column source: expected the sentence as issued, \
           \"Trine Vestre Øen er direktør for kundeservice i Lyse Dialog.\" (the source must not be edited), \
           found \"Trine Vestre Øen er direktør for kundeservice hos Lyse Dialog.\""],
    );
    out.stderr_contains(
        "error: 1 row refused, nothing was written; correct them and import again, or use --skip-invalid",
    );
}

/// Both rows of an id translated two ways are refused, each naming the other.
/// Regression: with --skip-invalid the first of them was imported, by its place alone.
#[test]
fn one_id_with_two_targets_is_refused() {
    let (t, out) = check_refused(
        "duplicate-id-different-targets.csv",
        &[
            "duplicate-id-different-targets.csv: row 2, column target: expected one translation of the id, but \
             row 4 of duplicate-id-different-targets.csv has another, \"In short, what is your customer service \
             career?\", found \"Briefly, what has your customer service career been?\"; keep the right one of the two",
            "duplicate-id-different-targets.csv: row 4, column target: expected the same translation as \
             row 2 of duplicate-id-different-targets.csv for the same id, \"Briefly, what has your customer service career been?\", \
             found \"In short, what is your customer service career?\"",
        ],
    );
    out.stderr_contains("2 rows refused, nothing was written");
    import(&t, "duplicate-id-different-targets.csv", &["--skip-invalid"])
        .success()
        .stderr_contains(
            "warning: duplicate-id-different-targets.csv: row 2, column target: expected one translation",
        )
        .stderr_contains("2 added, 0 unchanged, 0 skipped (empty target)")
        .stderr_contains(" 2 refused ");
    assert!(!memory(&t).contains_key(KORT), "neither translation of the id was taken");
}

#[test]
fn an_id_of_another_corpus_is_refused() {
    check_refused(
        "unknown-id.csv",
        &["unknown-id.csv: row 4, column id: expected the id of a sentence in this project's corpus, \
           found sfecc26ecb9ed96f4, which no document has and no batch of this project exported (a batch of another project or corpus: name its corpus with --corpus)"],
    )
    .1
    .stderr_contains("1 row refused, nothing was written");
}

/// Regression: an id mistyped or cleared beside a source left as it was got "found
/// \"\"", where the source says which id to put back.
#[test]
fn malformed_ids_are_refused_and_each_is_listed_with_the_id_to_put_back() {
    check_refused(
        "malformed-id.csv",
        &[
            "malformed-id.csv: row 3, column id: expected the id of the row's source, \"Vi er nå 110 personer fordelt \
             på 6 team, forteller Irene.\", which is s932fc685ca83db40, found \"s932fc685ca83db4\", which is no id \
             tolk writes (mistyped?): the source is sentence s932fc685ca83db40; put back that id",
            "malformed-id.csv: row 4, column id: expected the id of the row's source, \"Trine Vestre Øen er direktør \
             for kundeservice i Lyse Dialog.\", which is s7603e50071c97f3f, found no id (the cell was cleared): the \
             source is sentence s7603e50071c97f3f; put back that id",
        ],
    )
    .1
    .stderr_contains("2 rows refused, nothing was written");
}

#[test]
fn a_row_with_the_wrong_number_of_cells_is_refused() {
    // The whole row is wrong, so no column is named.
    check_refused(
        "wrong-cell-count.csv",
        &["wrong-cell-count.csv: row 3: expected 9 cells as in the header, found 10 \
           (a cell with an unquoted delimiter, or another delimiter than the header's)"],
    )
    .1
    .stderr_contains("1 row refused, nothing was written");
}

// Files tolk cannot read at all: refused before any row is checked.

#[test]
fn an_unbalanced_quote_is_refused_at_its_row() {
    check_refused(
        "unbalanced-quote.csv",
        &["cannot import unbalanced-quote.csv; nothing was written: unbalanced-quote.csv: row 3: text after the closing quote of a cell; a quote inside a quoted cell \
           is written twice (\"\")"],
    );
}

#[test]
fn a_header_without_target_is_refused() {
    check_refused(
        "missing-target-column.csv",
        &["cannot import missing-target-column.csv; nothing was written: missing-target-column.csv: row 1: the header lacks the column target; found \
           \"id | where | words | score | source | suggestion | suggestion_source | oversettelse | context\"; \
           is this a batch written by `tolk export`? its first row names the columns id, source and target"],
    );
}

#[test]
fn damaged_utf8_is_refused_at_its_byte() {
    check_refused(
        "damaged-utf8.csv",
        &["cannot import damaged-utf8.csv; nothing was written: damaged-utf8.csv: line 5 (byte 1193): invalid UTF-8 in a file that is otherwise UTF-8; \
           save it again as \"CSV UTF-8\""],
    );
}

#[test]
fn a_password_protected_workbook_is_refused_with_what_to_do() {
    check_refused(
        "password.ods",
        &["cannot import password.ods; nothing was written: password.ods: is password-protected; open it in \
           LibreOffice and save it again without a password (File → Save As…, with \"Save with password\" \
           unticked)"],
    );
    check_refused(
        "password.xlsx",
        &["cannot import password.xlsx; nothing was written: password.xlsx: is password-protected, or an old \
           Excel workbook (.xls); open it and save it again without a password as Excel 2007-365 (.xlsx)"],
    );
}

/// A translator's own column is not imported: said once, with the rows it has text in.
#[test]
fn text_in_a_column_tolk_does_not_read_is_named() {
    let t = Project::seeds_untranslated();
    t.tolk(&["export", "-o", "b.csv"]).run().success();
    let mut rows = crate::util::csv_records(t.read("b.csv").as_bytes(), b',');
    let target = rows[0].iter().position(|c| c == "target").unwrap();
    rows[0].push("Mine notater".into());
    for (i, row) in rows.iter_mut().enumerate().skip(1) {
        row[target] = "Translated.".into();
        row.push(if i == 2 { "sjekk tallet".into() } else { String::new() });
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    rows.iter().for_each(|r| out.write_record(r).unwrap());
    t.write("b.csv", out.into_inner().unwrap());
    t.tolk(&["import", "b.csv", "--dry-run"]).run().success().stderr_contains(
        "warning: b.csv: the column \"Mine notater\" (row 3) holds text tolk does not import: a remark for \
         the editor goes in the column comment",
    );
}

/// A batch saved as what no batch reader reads (Excel 97–2003, a PDF print) says what
/// it is and how to save it instead, whatever its name.
#[test]
fn a_batch_saved_as_an_old_workbook_or_a_pdf_is_named_as_such() {
    let t = Project::seeds_untranslated();
    let mut xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    xls.resize(4096, 0);
    t.write("batch.xls", xls);
    t.write("batch.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    t.write("pdf-named.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    t.write("pdf-named.xlf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    // What LibreOffice's "Save as" also offers: a web page, and its flat XML.
    t.write("batch.html", "<!DOCTYPE html>\n<HTML><body><table><tr><td>id</td></tr></table></body></HTML>\n");
    t.write(
        "batch.fods",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" office:mimetype=\"application/vnd.oasis.opendocument.spreadsheet\"/>\n",
    );
    for (name, what) in [
        ("batch.xls", "an Excel 97–2003 workbook (.xls)"),
        ("batch.pdf", "a PDF file"),
        ("pdf-named.xlsx", "a PDF file"),
        ("pdf-named.xlf", "a PDF file"),
        ("batch.html", "a web page (HTML)"),
        ("batch.fods", "a LibreOffice flat XML file (.fods or .fodt)"),
    ] {
        t.tolk(&["import", name])
            .run()
            .failure()
            .stderr_contains(&format!("{name}: is {what}"))
            .stderr_contains("save it in the spreadsheet, without a password, as an Excel workbook (.xlsx)");
    }
}

/// Regression (a QA trial): a CSV saved as UTF-32 was read as UTF-16 by its byte order
/// mark, and refused for a header of garbled names. It is named as UTF-32, with what to
/// save it as, with a byte order mark or without; and so in the memory.
#[test]
fn a_utf32_csv_is_named_as_such() {
    let t = project_with("no-bom-utf8.csv");
    let text = t.read("no-bom-utf8.csv");
    let utf32 = |bom: bool| -> Vec<u8> {
        let bom = bom.then_some('\u{feff}');
        bom.into_iter().chain(text.chars()).flat_map(|c| (c as u32).to_le_bytes()).collect()
    };
    t.write("bom.csv", utf32(true)).write("plain.csv", utf32(false));
    for name in ["bom.csv", "plain.csv"] {
        import(&t, name, &[]).failure().stderr_is(&format!(
            "error: cannot import {name}; nothing was written: {name}: line 1 (byte 0): the file is UTF-32, which \
             tolk does not read; save it as \"CSV UTF-8\"\n"
        ));
    }
    t.write("memory/nb-en.csv", utf32(true));
    t.tolk(&["lookup", KORT]).run().failure().stderr_contains(
        "memory/nb-en.csv: line 1 (byte 0): the file is UTF-32, which tolk does not read; save it as \"CSV UTF-8\"",
    );
}

/// Regression (a QA trial): a CSV batch named `.xlsx` was refused as a damaged workbook
/// ("invalid Zip archive: Could not find EOCD"), and the same file named `.ods` was
/// imported as CSV. Text under a workbook's name is refused as what it is, with the name
/// to give it, the same under either name; what is no zip archive and no text is named
/// as the workbook its name says.
#[test]
fn text_named_as_a_workbook_is_named_as_what_it_is_under_either_name() {
    let t = project_with("bom-utf8.csv");
    let csv = t.read("bom-utf8.csv");
    t.write("b.xlsx", &csv).write("b.ods", &csv);
    add_fixture(&t, "utf16-bom.csv");
    t.write("u.ODS", std::fs::read(t.path().join("utf16-bom.csv")).unwrap());
    t.tolk(&["export", "--format", "xliff", "-o", "x.xlf"]).run().success();
    t.write("x.xlsx", t.read("x.xlf"));
    t.write("note.xlsx", "to do: translate the batch\n");
    t.write("junk.ods", b"\x01\x02\x03 not a zip");
    let before = t.snapshot_dir("memory");
    let csv_text = |name: &str, kind: &str| {
        format!(
            "error: cannot import {name}; nothing was written: {name}: is CSV text, not {kind} (a spreadsheet saved it \
             as CSV under the workbook's name, or it was renamed): rename it to .csv and import it again\n"
        )
    };
    for (name, message) in [
        ("b.xlsx", csv_text("b.xlsx", "an XLSX workbook")),
        ("b.ods", csv_text("b.ods", "an OpenDocument spreadsheet")),
        ("u.ODS", csv_text("u.ODS", "an OpenDocument spreadsheet")),
        (
            "x.xlsx",
            "error: cannot import x.xlsx; nothing was written: x.xlsx: is an XLIFF file, not an XLSX workbook: rename \
             it to .xlf and import it again\n"
                .into(),
        ),
        (
            "note.xlsx",
            "error: cannot import note.xlsx; nothing was written: note.xlsx: is text, not an XLSX workbook; save it \
             from the spreadsheet as Excel 2007-365 (.xlsx), or as \"CSV UTF-8\" named .csv\n"
                .into(),
        ),
    ] {
        import(&t, name, &[]).failure().stderr_is(&message);
    }
    import(&t, "junk.ods", &[]).failure().stderr_contains(
        "junk.ods: not a readable OpenDocument spreadsheet (invalid Zip archive: Could not find EOCD); save it from \
         the spreadsheet as Excel 2007-365 (.xlsx)",
    );
    assert!(t.snapshot_dir("memory") == before);
    // Named for what it is, it imports.
    t.write("b.csv", &csv);
    import(&t, "b.csv", &[]).success().stderr_contains("4 added");
}

// Options.

#[test]
fn skip_invalid_imports_the_valid_rows_and_lists_the_rest() {
    let t = project_with("edited-source.csv");
    import(&t, "edited-source.csv", &["--skip-invalid"])
        .success()
        .stderr_contains("warning: edited-source.csv: row 4, column source: ")
        .stderr_contains("; left out (--skip-invalid)\n")
        .stderr_contains("3 added, 0 unchanged, 0 skipped (empty target)")
        .stderr_contains(" 1 refused (written to memory/nb-en.csv)");
    let memory = memory(&t);
    assert_eq!(memory.keys().collect::<Vec<_>>(), [KOKT, KORT, PERSONER], "every row but the edited one");
}

#[test]
fn dry_run_writes_nothing() {
    let t = project_with("bom-utf8.csv");
    let before = t.snapshot_dir("memory");
    import(&t, "bom-utf8.csv", &["--dry-run"])
        .success()
        .stderr_contains("would add 4, would leave 0 unchanged")
        .stderr_contains("(dry run, nothing written to memory/nb-en.csv)");
    assert!(t.snapshot_dir("memory") == before, "--dry-run changed memory/");
    // Refused rows are still refused.
    add_fixture(&t, "edited-source.csv");
    import(&t, "edited-source.csv", &["--dry-run"]).failure().stderr_contains("nothing was written");
    assert!(t.snapshot_dir("memory") == before, "--dry-run changed memory/");
    // So is what only the memory's own reader refuses: two remarks on one translation,
    // joined into a note beyond what a memory cell holds. The dry run that said "would
    // add 1" here let the import fail.
    let remark = "x".repeat(700_000);
    t.write("notes.csv", format!("id,source,target,comment\n{KORT_ID},\"{KORT}\",\"{KORT_EN}\",a{remark}\n{KORT_ID},\"{KORT}\",\"{KORT_EN}\",b{remark}\n"));
    for dry in [&["--dry-run"][..], &[]] {
        import(&t, "notes.csv", dry).failure().stderr_contains(
            "error: notes.csv: row 2: this entry would leave the memory unreadable (a cell of more",
        );
    }
    // (The import took the lock, whose empty file stays.)
    let mut after = t.snapshot_dir("memory");
    assert_eq!(after.remove(".tolk.lock"), Some(Vec::new()));
    assert!(after == before, "a refused import changed memory/");
}

#[test]
fn translator_names_who_translated_unless_the_file_does() {
    let t = project_with("translator-column.csv");
    import(&t, "translator-column.csv", &["--translator", "Ola Nordmann"])
        .success()
        .stderr_contains("2 added");
    let by_source: BTreeMap<String, String> =
        t.memory_rows().into_iter().map(|r| (r["source"].clone(), r["translator"].clone())).collect();
    assert_eq!(by_source[KORT], "Kari Nordmann", "the file's translator column wins");
    assert_eq!(by_source[PERSONER], "Ola Nordmann");
}

#[test]
fn quality_warnings_are_printed_but_the_rows_imported() {
    let t = project_with("quality-warnings.csv");
    import(&t, "quality-warnings.csv", &[])
        .success()
        .stderr_contains(
            "warning: quality-warnings.csv: row 3: numbers differ: 110 missing from the target; 100 not in the source\n",
        )
        .stderr_contains("warning: quality-warnings.csv: row 4: the target is the same as the source\n")
        .stderr_contains("3 added, 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 2 warnings");
    let memory = memory(&t);
    assert_eq!(memory[PERSONER], ["We are now 100 people spread across 6 teams, Irene says."]);
    assert_eq!(memory[TRINE], [TRINE]);
}

/// Regression (a trial): `import -q` printed every row's warning, where `--help` says
/// `--quiet` prints only data and errors. The warnings are counted in one line, which
/// says how to see them; a row refused is an error, and still shown.
#[test]
fn quiet_counts_the_warnings_in_one_line_and_still_shows_errors() {
    let t = project_with("quality-warnings.csv");
    import(&t, "quality-warnings.csv", &["-q"]).success().stderr_is(
        "warning: 2 warnings not shown (--quiet); run the command again without --quiet to see them\n",
    );
    assert_eq!(memory(&t)[TRINE], [TRINE], "the rows are imported all the same");
    let t = project_with("edited-source.csv");
    let refused = import(&t, "edited-source.csv", &["--quiet"])
        .failure()
        .stderr_contains("error: edited-source.csv: row 4, column source: ")
        .stderr_contains(
            "error: 1 row refused, nothing was written; correct them and import again, or use --skip-invalid\n",
        );
    assert!(!refused.stderr.contains("warning"), "{}", refused.stderr);
    // The row left out and a line break in another's target.
    import(&t, "edited-source.csv", &["--quiet", "--skip-invalid"]).success().stderr_is(
        "warning: 2 warnings not shown (--quiet); run the command again without --quiet to see them\n",
    );
}

#[test]
fn a_conflict_is_refused_and_overwrite_adds_it_as_the_newer_translation() {
    // The memory gets its translations from an import rather than the bundled seed, so
    // the newer entry is newer whatever the clock says.
    let t = project_with("bom-utf8.csv");
    import(&t, "bom-utf8.csv", &[]).success();
    add_fixture(&t, "conflict.csv");
    let before = t.read("memory/nb-en.csv");
    let conflict = format!(
        "conflict: conflict.csv: row 2: the memory translates {KORT:?} as {KORT_EN:?}, the batch as \
         \"In short, what has your customer service career been?\": "
    );
    // A refused conflict ends with exit code 3: the rest was imported, this was not.
    import(&t, "conflict.csv", &[])
        .code(3)
        .stderr_contains(&format!("{conflict}refused (use --overwrite to add it)\n"))
        .stderr_contains("0 added, 1 unchanged, 0 skipped (empty target), 0 skipped (state), 1 conflict");
    assert_eq!(t.read("memory/nb-en.csv"), before, "a refused conflict changed the memory");

    let out = import(&t, "conflict.csv", &["--overwrite"])
        .success()
        .stderr_contains(&format!(
            "{conflict}now the one used (the old one is retired, kept in `tolk tm history`)\n"
        ))
        .stderr_contains(
            "1 added, 1 unchanged, 0 skipped (empty target), 0 skipped (state), 1 conflict (added), 1 retired, ",
        );
    let id = out.stderr.lines().last().unwrap().strip_prefix("import ").unwrap().split(':').next().unwrap();
    assert_eq!(
        memory(&t)[KORT],
        [KORT_EN, "In short, what has your customer service career been?"],
        "the old translation is kept, the new one added"
    );
    // The old one is retired by this import; no other row changed.
    let rows = t.memory_rows();
    let retired: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| !r["retired"].is_empty())
        .map(|r| (r["target"].as_str(), r["retired_by"].as_str()))
        .collect();
    assert_eq!(retired, [(KORT_EN, id)]);
    assert_eq!(rows.last().unwrap()["import"], id);
    assert_eq!(rows.len(), before.lines().count(), "a row was lost or more than one added");
    // The newer translation is the one the editions use.
    t.tolk(&["build", "--partial"]).run().success();
    assert!(t.read("out/en/fjordkraft-irene-fauskanger.txt").starts_with("In short, what has your"));
}

/// A second `Target` column would hold translations where they are never read.
#[test]
fn a_column_named_twice_is_refused() {
    let t = Project::untranslated();
    t.write("twice.csv", format!("id,source,target,Target\n{KORT_ID},\"{KORT}\",,{KORT_EN}\n"));
    let memory = t.read("memory/nb-en.csv");
    t.tolk(&["import", "twice.csv"]).run().failure().stderr_contains(
        "twice.csv: row 1, column Target: the column target appears twice in the header; keep one of them",
    );
    assert_eq!(t.read("memory/nb-en.csv"), memory);
}

/// A control character TMX and XLIFF cannot hold would make `tm export` fail for the
/// whole memory afterwards: it is refused at the row that brings it.
#[test]
fn a_control_character_in_a_target_is_refused() {
    let t = Project::untranslated();
    t.write("bel.csv", format!("id,source,target\n{KORT_ID},\"{KORT}\",Briefly\u{7}.\n"));
    t.tolk(&["import", "bel.csv"])
        .run()
        .failure()
        .stderr_contains("bel.csv: row 2, column target: expected text, found the control character U+0007");
    t.tolk(&["tm", "export"]).run().success();
}

/// White space around a target is the document's layout, which the edition keeps around
/// the sentence: taken off (spaces, a tab, a line break, a no-break space, and a
/// zero-width space); white space inside is the translator's, kept as typed. The README says so (a
/// QA trial found it done without a word).
#[test]
fn white_space_around_a_target_is_taken_off_and_inside_kept() {
    let t = Project::untranslated();
    t.write(
        "b.csv",
        format!(
            "id,source,target,comment\n{KORT_ID},\"{KORT}\",\" \t Briefly,  what has it been?\n\u{a0}\",\" ask \"\n\
             {PERSONER_ID},\"{PERSONER}\",\"\u{200b}We are 110.\u{200b} \",\n"
        ),
    );
    import(&t, "b.csv", &[]).success().stderr_contains("2 added, 0 unchanged");
    let rows = t.memory_rows();
    assert_eq!(rows[0]["target"], "Briefly,  what has it been?");
    assert_eq!(rows[0]["note"], "ask");
    // A zero-width space no reader sees at a translation's ends marks nothing there.
    assert_eq!(rows[1]["target"], "We are 110.");
}

/// Regression (a QA trial): a formula referring to the id column (`=A2`), saved in a
/// CSV as its value, was imported as the translation. An id is never one: refused,
/// naming the row whose id it is.
#[test]
fn a_target_that_is_an_id_is_refused_naming_its_row() {
    let t = Project::untranslated();
    t.write(
        "b.csv",
        format!(
            "id,source,target\n{KORT_ID},\"{KORT}\",\"{KORT_EN}\"\n{PERSONER_ID},\"{PERSONER}\",{KORT_ID}\n\
             {TRINE_ID},{TRINE},S0123456789ABCDEF\n"
        ),
    );
    let before = t.snapshot_dir("memory");
    import(&t, "b.csv", &[])
        .failure()
        .stderr_contains(&format!(
            "error: b.csv: row 3, column target: expected a translation, found \"{KORT_ID}\", the id of row 2, not \
             a translation: what a formula referring to an id cell leaves when the spreadsheet saves its value (or \
             an id cell copied); type the translation in its place\n"
        ))
        .stderr_contains(
            "error: b.csv: row 4, column target: expected a translation, found \"S0123456789ABCDEF\", a sentence \
             id, not a translation",
        )
        .stderr_contains("2 rows refused, nothing was written");
    assert!(t.snapshot_dir("memory") == before);
}

/// Regression (a QA trial): a formula referring to another row (`=H3`, `=E5`), saved in
/// a CSV as its value, brought that row's target or source in silently. Two sentences
/// may translate the same way ("Yes."), so it is a warning naming both rows, and only
/// where their sources differ; the rows are imported.
#[test]
fn a_target_that_is_another_rows_target_or_source_is_named_with_both_rows() {
    let t = Project::untranslated();
    t.write(
        "b.csv",
        format!(
            "id,source,target\n{KORT_ID},\"{KORT}\",\"{KORT_EN}\"\n{PERSONER_ID},\"{PERSONER}\",\"{KORT_EN}\"\n\
             {TRINE_ID},{TRINE},\"{KOKT}\"\n{KOKT_ID},\"{KOKT}\",A good day.\n{KORT_ID},\"{KORT}\",\"{KORT_EN}\"\n"
        ),
    );
    let out = import(&t, "b.csv", &[]).success().stderr_contains("4 added, 0 unchanged");
    let out = out.stderr_contains(&format!(
        "warning: b.csv: row 3: the target is the same as row 2's, \"{KORT_EN}\", whose source is another \
         sentence: a formula referring to that row saved as its value, or a cell pasted in the wrong row, would \
         give this; if both sentences translate so, nothing is wrong\n"
    ))
    .stderr_contains(&format!(
        "warning: b.csv: row 4: the target is the source of row 5, \"{KOKT}\", another sentence: a formula \
         referring to that row saved as its value, or a cell pasted in the wrong row, would give this; check that \
         it translates this row's sentence\n"
    ));
    // Row 6 repeats row 2 (the same sentence): nothing to say of it.
    assert!(!out.stderr.contains("row 6"), "{}", out.stderr);
    assert!(!out.stderr.contains("row 2:"), "{}", out.stderr);
    assert_eq!(memory(&t)[PERSONER], [KORT_EN]);
}

/// The memory refuses a control character in a source as in a target, so a sentence of a
/// document with one (a plain-text file may hold an escape sequence) cannot be stored:
/// its translation is refused at its row, saying to mend the document, and so is a
/// target with a C1 control character (a Windows-1252 `’` read as Latin-1), which TMX
/// and XLIFF could hold but the memory does not.
#[test]
fn a_control_character_in_a_sentence_or_a_c1_one_in_a_target_is_refused() {
    let t = Project::empty();
    let sentence = "Hei\u{1b}[1m du.";
    t.write("corpus/a.txt", format!("{sentence}\nJa.\n")).write("memory/nb-en.csv", "source,target\n");
    let id = |s: &str| tolk::text::SegmentId::of(s).to_string();
    t.write(
        "b.csv",
        format!("id,source,target\n{},{sentence},Hi you.\n{},Ja.,Yes\u{92}.\n", id(sentence), id("Ja.")),
    );
    t.tolk(&["import", "b.csv"])
        .run()
        .failure()
        .stderr_contains(
            "error: b.csv: row 2, column source: expected a sentence the memory can hold, found \
             \"Hei\\u{1b}[1m du.\", with the control character U+001B (ESC, ^[ in a text editor), which the \
             memory refuses (an edition would carry it unseen); remove it from the document, then export the \
             sentence again\n",
        )
        .stderr_contains(
            "error: b.csv: row 3, column target: expected text, found the control character U+0092 (a C1 control \
             character, <92> in a text editor: a Windows-1252 ’ read as Latin-1) in \"Yes\\u{92}.\", which no \
             translation holds",
        );
    assert_eq!(t.read("memory/nb-en.csv"), "source,target\n");
}

/// A line break a translator typed (Alt+Enter, or a lone carriage return from an old
/// Mac) is kept in the memory and said, and the edition keeps the source's lines.
#[test]
fn a_line_break_in_a_target_never_changes_the_editions_lines() {
    let t = Project::untranslated();
    t.write(
        "cr.csv",
        format!("id,source,target\n{KORT_ID},\"{KORT}\",\"In short:\rwhat is\nyour career?\"\n"),
    );
    t.tolk(&["import", "cr.csv"])
        .run()
        .success()
        .stderr_contains("cr.csv: row 2: the target has a line break the source does not have");
    assert!(t.read("memory/nb-en.csv").contains("In short:\rwhat is\nyour career?"));
    t.tolk(&["build", "--partial"]).run().success();
    for doc in ["fjordkraft-irene-fauskanger.txt", "lyse-dialog-trine-vestre-oen.txt"] {
        let (source, edition) = (t.read(&format!("corpus/{doc}")), t.read(&format!("out/en/{doc}")));
        let breaks = |text: &str| text.matches(['\n', '\r']).count();
        assert_eq!(breaks(&edition), breaks(&source), "{doc}");
    }
    assert!(t.read("out/en/fjordkraft-irene-fauskanger.txt").contains("In short: what is your career?"));
}

/// Errors name the row a spreadsheet shows: blank rows and a cell of two lines count
/// as the spreadsheet counts them, in batches and in the memory alike.
#[test]
fn errors_name_the_row_a_spreadsheet_shows() {
    let t = Project::untranslated();
    t.write(
        "blank.csv",
        format!("id,source,target\r\n\r\n{KORT_ID},\"{KORT}\",\"Two\r\nlines\"\r\n\r\n\r\n{KORT_ID},\"{KORT} EDITED\",x\r\n"),
    );
    t.tolk(&["import", "blank.csv"]).run().failure().stderr_contains("blank.csv: row 6, column source:");
    t.write("memory/nb-en.csv", "source,target\n\n\"Hei\npå deg.\",Hi.\n\nJa.,Yes.,extra\n");
    t.tolk(&["lookup", "Hei."]).run().failure().stderr_contains("memory/nb-en.csv: row 5: expected 2 cells");
    t.write("memory/nb-en.csv", "\n\nsource,Source,target\n");
    t.tolk(&["lookup", "Hei."])
        .run()
        .failure()
        .stderr_contains("memory/nb-en.csv: row 3, column Source: the column appears twice");
}

/// A sentence found in 31,000 places: the batch's `where` cell names the first and how
/// many more, and tolk reads its own batch back.
#[test]
fn a_sentence_found_in_thousands_of_places_exports_a_batch_that_imports() {
    let t = Project::untranslated();
    t.write("corpus/many.txt", "Ja.\n".repeat(31_000));
    t.tolk(&["export", "-o", "b.csv"]).run().success();
    let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), b',');
    let ja = rows.iter().find(|r| r["source"] == "Ja.").unwrap();
    assert!(ja["where"].ends_with(" more places"), "{}", &ja["where"][ja["where"].len() - 40..]);
    assert!(ja["where"].len() < 32_767);
    t.tolk(&["import", "--dry-run", "b.csv"]).run().success().stderr_contains(" 0 refused");
}

/// Excel for Windows saves plain "CSV" in Windows-1252: an apostrophe between letters
/// is a typographic one, not the Mac Roman letter the same byte would be.
#[test]
fn a_csv_saved_by_excel_for_windows_is_read_as_windows_1252() {
    let t = Project::untranslated();
    let mut bytes = format!("id,source,target\r\n{KORT_ID},\"{KORT}\",").into_bytes();
    bytes.extend_from_slice(b"\"In short: what\x92s your career, \x93customer service\x94?\"\r\n");
    t.write("win.csv", bytes);
    t.tolk(&["import", "win.csv"])
        .run()
        .success()
        .stderr_contains("win.csv: read as Windows-1252 (not UTF-8)");
    assert!(t.read("memory/nb-en.csv").contains("what’s your career, “customer service”?"));
}

/// Excel for Mac saves plain "CSV" in Mac Roman: its letters are read as letters, not
/// as the Windows-1252 characters the same bytes would be.
#[test]
fn a_csv_saved_by_excel_for_mac_is_read_as_mac_roman() {
    let t = Project::untranslated();
    // "Kort, hva er din kundeservicekarriere?" and a target with æ, ø and å, in Mac Roman.
    let mut bytes = format!("id,source,target\n{KORT_ID},\"{KORT}\",").into_bytes();
    bytes.extend_from_slice(b"\"Kort: karriere i kundeservice, bl\x8cb\xber og \xbfl?\"\r\n");
    t.write("mac.csv", bytes);
    t.tolk(&["import", "mac.csv"]).run().success().stderr_contains("mac.csv: read as Mac Roman (not UTF-8)");
    assert!(t.read("memory/nb-en.csv").contains("blåbær og øl?"));
}

/// `tolk tm conflicts` lists every source with competing translations, the one used
/// first; `--overwrite` with an older one makes it the one used again.
#[test]
fn conflicts_are_listed_and_an_older_translation_can_be_restored() {
    let t = Project::empty();
    t.write(
        "memory/nb-en.csv",
        "source,target,changed,origin\n\
         Hei.,Hi.,2026-01-01T00:00:00Z,seed\n\
         Hei.,Hello.,2026-02-01T00:00:00Z,import:a.csv\n\
         Ja.,Yes.,2026-01-01T00:00:00Z,seed\n",
    );
    t.tolk(&["tm", "conflicts"])
        .run()
        .success()
        .stdout_is(
            "Hei.  (sd1e76cf359cb8437)\n   1 * Hello.  (changed 2026-02-01T00:00:00Z, origin import:a.csv)\n   \
             2   Hi.  (changed 2026-01-01T00:00:00Z, origin seed)\n",
        )
        .stderr_contains("1 source with competing translations; * marks the one used");
    t.write("corpus/a.txt", "Hei.\n");
    let id = t.segment_texts("corpus/a.txt");
    assert_eq!(id, ["Hei."]);
    let json = t.tolk(&["segment", "--json", "corpus/a.txt"]).run().success().stdout;
    let id: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    t.write("b.csv", format!("id,source,target\n{},Hei.,Hi.\n", id["id"].as_str().unwrap()));
    t.tolk(&["import", "--overwrite", "b.csv"]).run().success();
    // The one it replaced and the older copy of it are retired: no conflict is left.
    t.tolk(&["tm", "conflicts", "--json"]).run().success().stdout_is("");
    let listed = t.tolk(&["tm", "history", "Hei.", "--json"]).run().success().stdout;
    let record: serde_json::Value = serde_json::from_str(listed.trim()).unwrap();
    let used: Vec<(&str, bool, bool)> = record["translations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let retired = !e["retired"].as_str().unwrap().is_empty();
            (e["target"].as_str().unwrap(), e["used"].as_bool().unwrap(), retired)
        })
        .collect();
    assert_eq!(used, [("Hi.", true, false), ("Hello.", false, true), ("Hi.", false, false)]);
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "Hi.\n");
    t.write("memory/nb-en.csv", "source,target\nJa.,Yes.\n");
    t.tolk(&["tm", "conflicts"])
        .run()
        .success()
        .stdout_is("")
        .stderr_contains("0 sources with competing translations");
}

/// Regression: "(and 1 more sentences)" when two sentences came in translated two ways.
#[test]
fn sentences_translated_two_ways_are_counted_in_the_right_number() {
    let t = Project::empty();
    t.write("in.tsv", "Hei.\tHi.\nHei.\tHello.\nJa.\tYes.\nJa.\tYeah.\n");
    t.tolk(&["tm", "import", "in.tsv"]).run().success().stderr_contains(
        "translates \"Hei.\" both as \"Hi.\" and as \"Hello.\" (and 1 more sentence): both were added",
    );
}

/// Regression: `tm import` took every English variant of a unit whatever the project's
/// `target_language` (`--target-lang` defaulted to `en`), so in an en-GB project a unit
/// with en-GB and en-US came in twice and the variant last in the file won. The
/// project's variant is taken where a unit has it (with text), else English without a
/// region, else the others; `--target-lang` names another.
#[test]
fn tm_import_takes_the_projects_english_where_a_unit_has_it() {
    let t = Project::empty();
    t.write("tolk.toml", "target_language = \"en-GB\"\n");
    let tu = |source: &str, variants: &[(&str, &str)]| {
        let tuvs: String = variants
            .iter()
            .map(|(lang, seg)| format!("<tuv xml:lang=\"{lang}\"><seg>{seg}</seg></tuv>"))
            .collect();
        format!("<tu><tuv xml:lang=\"nb-NO\"><seg>{source}</seg></tuv>{tuvs}</tu>\n")
    };
    let body = [
        tu("Fargen er grå.", &[("en-GB", "The colour is grey."), ("en-US", "The color is gray.")]),
        tu("Bilen er rask.", &[("en-US", "The car is fast.")]),
        tu("Hei.", &[("en-US", "Hi there."), ("EN", "Hello.")]),
        tu("Takk.", &[("en-GB", " "), ("en-US", "Thanks.")]),
        tu("Ja.", &[("de-DE", "Ja.")]),
    ]
    .concat();
    t.write(
        "multi.tmx",
        format!(
            "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header creationtool=\"x\" creationtoolversion=\"1\" \
             segtype=\"sentence\" o-tmf=\"x\" adminlang=\"en\" srclang=\"*all*\" datatype=\"plaintext\"/><body>\n\
             {body}</body></tmx>\n"
        ),
    );
    t.tolk(&["tm", "import", "multi.tmx"])
        .run()
        .success()
        .stderr_contains("4 added, 0 unchanged, 0 conflicts, 0 with inline markup flattened, 0 skipped (empty source or target), 0 skipped (codes differ from the source), 1 skipped (no nb and en variant)");
    let pairs = |t: &Project| {
        t.memory_rows().into_iter().map(|r| (r["source"].clone(), r["target"].clone())).collect::<Vec<_>>()
    };
    let expected = [
        ("Fargen er grå.", "The colour is grey."),
        ("Bilen er rask.", "The car is fast."),
        ("Hei.", "Hello."),
        ("Takk.", "Thanks."),
    ]
    .map(|(s, t)| (s.to_string(), t.to_string()));
    assert_eq!(pairs(&t), expected);
    // Named on the command line, another variant is preferred the same way.
    t.tolk(&["--memory", "us", "tm", "import", "--target-lang", "en_US", "multi.tmx"]).run().success();
    let us = t.read("us/nb-en.csv");
    assert!(us.contains("Fargen er grå.,The color is gray.") && !us.contains("colour"), "{us}");
    assert!(us.contains("Hei.,Hi there.") && !us.contains("Hello."), "{us}");
}

/// A memory file its owner made read-only is not replaced by a write (it was, silently,
/// keeping its permissions): the error names it and what to do, and it stays as it was.
#[cfg(unix)]
#[test]
fn a_read_only_memory_file_is_refused_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let t = Project::empty();
    t.write("memory/nb-en.csv", "source,target\nHei.,Hi.\n");
    t.write("a.tsv", "Ja.\tYes.\n");
    let file = t.path().join("memory/nb-en.csv");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = t.read("memory/nb-en.csv");
    t.tolk(&["tm", "import", "a.tsv"])
        .run()
        .failure()
        .stderr_contains("error: memory/nb-en.csv: is read-only, and tolk would replace it")
        .stderr_contains("(chmod u+w memory/nb-en.csv)");
    assert_eq!(t.read("memory/nb-en.csv"), before);
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o444);
}

/// A memory a spreadsheet has open is not written: its next save would write over
/// what tolk adds. The lock file names who holds it (LibreOffice's the user's name,
/// Excel's too), and Excel's `~$` file is no memory file to read.
#[test]
fn a_memory_a_spreadsheet_has_open_is_not_written() {
    let t = Project::empty();
    t.write("memory/nb-en.csv", "source,target\nHei.,Hi.\n");
    t.write("a.tsv", "Ja.\tYes.\n");
    t.write(
        "memory/.~lock.nb-en.csv#",
        ",kari,laptop,02.12.2026 15:49,file:///home/kari/.config/libreoffice/4;",
    );
    let before = t.read("memory/nb-en.csv");
    t.tolk(&["tm", "import", "a.tsv"]).run().failure().stderr_contains(
        "error: memory/nb-en.csv: is open in LibreOffice (kari on laptop, since 02.12.2026 15:49; \
         memory/.~lock.nb-en.csv#), whose next save would write over what tolk adds: close it there",
    );
    assert_eq!(t.read("memory/nb-en.csv"), before);
    std::fs::remove_file(t.path().join("memory/.~lock.nb-en.csv#")).unwrap();
    t.write("memory/~$nb-en.csv", b"\x04Kari\x00\x00\x00\x00\x00");
    let before = t.read("memory/nb-en.csv");
    t.tolk(&["tm", "import", "a.tsv"])
        .run()
        .failure()
        .stderr_contains("error: memory/nb-en.csv: is open in Excel (Kari; memory/~$nb-en.csv)");
    assert_eq!(t.read("memory/nb-en.csv"), before);
    t.tolk(&["lookup", "Hei."]).run().success().stdout_contains("Hi.").stderr_contains(
        "warning: memory/nb-en.csv is open in Excel (Kari; memory/~$nb-en.csv): read as last saved; close it \
         there before tolk writes to the memory",
    );
}

/// A batch whose id column was deleted is refused with what to do: put it back from
/// the batch as exported, which `tolk status` names (a trial's message only asked
/// whether it was a batch at all). A file that is no batch is still asked that.
#[test]
fn a_batch_without_its_id_column_says_to_put_it_back() {
    let t = Project::untranslated();
    t.write(
        "no-id.csv",
        format!("where,source,target\nx.txt:1,{KORT},{KORT_EN}\n").replace(KORT, &format!("\"{KORT}\"")),
    );
    t.tolk(&["import", "no-id.csv"]).run().failure().stderr_contains(
        "no-id.csv: row 1: the header lacks the column id; found \"where | source | target\"; the id column was \
         deleted: copy it back from the batch as `tolk export` wrote it (`tolk status` names each batch's file)",
    );
    t.write("other.csv", "name,text\na,b\n");
    t.tolk(&["import", "other.csv"]).run().failure().stderr_contains(
        "is this a batch written by `tolk export`? its first row names the columns id, source and target",
    );
}

/// `tolk import returned/*.xlsx` while a workbook is open in Excel takes Excel's owner
/// file (`~$b.xlsx`) too: it is skipped, naming the workbook open and who has it, not
/// refused as a damaged workbook. A batch open in LibreOffice (its hidden
/// `.~lock.NAME#` beside it) is imported with a warning that edits not saved are not in it.
#[test]
fn lock_files_of_an_open_workbook_are_named_not_imported() {
    let t = Project::empty();
    t.write("tolk.toml", "")
        .write("corpus/a.txt", "Vi ses i neste nummer.\n")
        .write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    t.tolk(&["export", "-o", "returned/b.xlsx"]).run().success();
    t.write("returned/~$b.xlsx", b"\x04Kari                                         ");
    t.tolk(&["import", "returned/~$b.xlsx", "returned/b.xlsx"])
        .run()
        .success()
        .stderr_contains(
            "warning: skipped returned/~$b.xlsx: the lock file Excel keeps while returned/b.xlsx is open by Kari, \
             not a batch; edits not saved in Excel are not in returned/b.xlsx, nor imported: save them and import \
             it again\n",
        );
    // Named alone, the workbook open in Excel is imported with the same warning.
    t.tolk(&["import", "returned/b.xlsx"]).run().success().stderr_contains(
        "warning: returned/b.xlsx is open in Excel by Kari (its lock file returned/~$b.xlsx is there): edits not \
         saved there are not in the file, and not imported; save them and import the file again\n",
    );
    std::fs::remove_file(t.path().join("returned/~$b.xlsx")).unwrap();
    t.write(
        "returned/.~lock.b.xlsx#",
        ",kari,laptop,03.12.2026 08:00,file:///home/kari/.config/libreoffice/4;",
    );
    t.tolk(&["import", "returned/b.xlsx"]).run().success().stderr_contains(
        "warning: returned/b.xlsx is open in LibreOffice by kari (its lock file returned/.~lock.b.xlsx# is there)",
    );
    t.write("returned/~$c.xlsx", b"\x03Ola ");
    t.tolk(&["import", "returned/~$c.xlsx"]).run().code(1).stderr_contains(
        "error: nothing to import: every file named is a lock file, not a batch; nothing was written\n",
    );
}
