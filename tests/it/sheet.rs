//! The spreadsheet round trip as a translator did it in LibreOffice 7.4 with Norwegian
//! (nb-NO) settings: each file of `tests/data/sheet/` (see its README.md) is what
//! LibreOffice or Excel saved of a CSV batch of the article in `tests/data/sheet/corpus/`,
//! and each test pins what `tolk import` says of one thing the spreadsheet did to it.
//!
//! Every refusal names the file, the row a spreadsheet shows, the column and what to
//! do, and leaves `memory/` byte for byte as it was.

use crate::util::{repo, Output, Project, EMPTY_MEMORY};

/// A project with the fixtures' article, an empty memory and the fixture `name`
/// copied in under its own name.
fn project_with(name: &str) -> Project {
    let t = Project::empty();
    let data = repo().join("tests/data/sheet");
    for doc in ["forbruker-stromavtale.txt", "forbruker-stromavtale.docx"] {
        t.write(&format!("corpus/{doc}"), std::fs::read(data.join("corpus").join(doc)).unwrap());
    }
    t.write("memory/nb-en.csv", EMPTY_MEMORY);
    t.write(name, std::fs::read(data.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}")));
    t
}

/// `tolk import NAME` in a fresh project, which must be refused as a whole with
/// `memory/` as it was; returns the output.
#[track_caller]
fn refused(name: &str) -> Output {
    let t = project_with(name);
    let before = t.snapshot_dir("memory");
    let out = t.tolk(&["import", name]).run().failure();
    assert_eq!(t.snapshot_dir("memory"), before, "{name}: memory/ changed:\n{}", out.stderr);
    out
}

/// D1: a batch opened with the wrong separator and saved again has its whole header in
/// one quoted cell; the commas inside the quotes are no delimiter, and the error says
/// which separator the batch needs instead of a quoting error at row 1.
#[test]
fn a_header_in_one_cell_names_the_separator_to_choose() {
    for (name, own) in
        [("wrongsep-comma-opened-as-semicolon.csv", "`,`"), ("wrongsep-semicolon-opened-as-comma.csv", "`;`")]
    {
        let out = refused(name).stderr_contains(&format!(
            "{name}: row 1: the header lacks the columns id, source, target; found"
        ));
        assert!(!out.stderr.contains("closing quote"), "{}", out.stderr);
        out.stderr_contains(&format!("the column names stand in one cell, separated by {own}"))
            .stderr_contains(&format!(
                "open the batch as tolk wrote it again choosing {own} as the only separator"
            ));
    }
}

/// D2: LibreOffice in nb-NO with "Detect special numbers" rewrote the amounts of three
/// sources (`kr 39,-` as `-kr 39,00`, `kr 0,-` as `kr 0,00`): named as the spreadsheet's
/// doing, with the way out, not as the translator's edit.
#[test]
fn an_amount_the_spreadsheet_reformatted_in_a_source_is_named_as_its_doing() {
    let name = "special-numbers.csv";
    let out = refused(name)
        .stderr_contains(&format!(
            "{name}: row 26, column source: expected the sentence as issued, \"kr 39,-\", found \"-kr 39,00\": the \
             spreadsheet read the cell as an amount or a number and rewrote it in its own format"
        ))
        .stderr_contains(&format!("{name}: row 33, column source: expected the sentence as issued, \"kr 0,-\""))
        .stderr_contains("open the CSV with every column imported as Text");
    assert!(!out.stderr.contains("must not be edited"), "{}", out.stderr);
}

/// D2: a Windows-1252 CSV opened again as UTF-8 lost every `æøå` of its sources to
/// U+FFFD: one error names the encoding and the rows, not one a row.
#[test]
fn sources_whose_letters_became_replacement_characters_are_one_error() {
    let name = "mojibake-fffd.csv";
    let out = refused(name).stderr_contains(&format!(
        "{name}: row 2, column source: expected the sentence as issued, \"Slik velger du riktig strømavtale\", \
         found \"Slik velger du riktig strï¿½mavtale\" and the sources of 37 more rows (rows 3 to 57): letters \
         beyond ASCII are U+FFFD replacement characters"
    ));
    let errors: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("error:")).collect();
    // The one, the three amounts, and the count of rows refused.
    assert_eq!(errors.len(), 5, "{}", out.stderr);
    out.stderr_contains("error: 41 rows refused, nothing was written");
}

/// D4: Excel hides a first line `sep=;`, so the header is the row it shows as 1: rows
/// are named as the translator sees them, as in the same file without the line.
#[test]
fn a_sep_line_is_not_counted_in_row_numbers() {
    for name in ["sep-line.csv", "fixed-1252.csv"] {
        let t = project_with(name);
        t.tolk(&["import", "--dry-run", name])
            .run()
            .success()
            .stderr_contains(&format!("warning: {name}: row 29: the target is the same as the source"))
            .stderr_contains(&format!("warning: {name}: row 36: the target has a line break"));
    }
}

/// D3: Norwegian Excel turned two targets into dates with the month in letters (`3.9`
/// as `01.mai`, `3/4` as `03.apr`); refused as dates, as `05/17/26` is.
#[test]
fn a_target_excel_made_a_date_with_a_month_in_letters_is_refused() {
    let name = "excel-dates-1252.csv";
    refused(name)
        .stderr_contains(&format!(
            "{name}: row 25, column target: expected a translation, found only the date 01.mai, which is what a \
             spreadsheet with Norwegian settings leaves"
        ))
        .stderr_contains(&format!("{name}: row 33, column target: expected a translation, found only the date 03.apr"));
}

/// D5: `12 mnd.` as "12 months" (rows 34 and 57: the full stop is the abbreviation's)
/// and `+47` put before a phone number (row 49) are localisation, and draw no remark.
#[test]
fn an_abbreviations_stop_and_a_calling_code_draw_no_remark() {
    let name = "fixed-1252.csv";
    let t = project_with(name);
    let out = t.tolk(&["import", name]).run().success();
    for row in [34, 49, 57] {
        assert!(!out.stderr.contains(&format!("row {row}:")), "row {row}:\n{}", out.stderr);
    }
    // The file's other remarks: a target the same as its source (29), a line break
    // (36), and a price left as the source ends it, `5 øre per kWh.` (14 and 36), which
    // the remark on Norwegian left standing names, as it cannot tell a unit from words.
    let rows: std::collections::BTreeSet<&str> = out
        .stderr
        .lines()
        .filter_map(|line| line.strip_prefix("warning: fixed-1252.csv: row "))
        .filter_map(|rest| rest.split(':').next())
        .collect();
    assert_eq!(rows, std::collections::BTreeSet::from(["14", "29", "36"]), "{}", out.stderr);
    out.stderr_contains("4 warnings");
}
