//! Hostile inputs: every file of `tests/data/hostile/` (see its README.md) run through a
//! command that reads it, and files too big to commit generated here at test time.
//!
//! Each case names the file, the command and exactly what tolk must answer: the exit
//! status, stdout and stderr, byte for byte. A refusal names the file and the place in
//! it (row, line, byte, column); inputs that are odd but not wrong (UTF-16 with a byte
//! order mark, a header-only batch, a document of only white space, right-to-left text,
//! lone carriage returns) have their exact successful output pinned instead. Whatever
//! the case, tolk must not panic (no "panicked" on stderr, exit status 0, 1 or 2, never
//! 101 or a signal) and every file under `memory/` must be byte for byte as it was.
//! Cases marked "Gap:" pin what tolk does today where it falls short of what it should
//! do; the README lists them, and whoever closes one updates its case. After a
//! deliberate change of wording, `UPDATE_EXPECT=1 cargo test --test integration hostile`
//! rewrites the pinned texts to what tolk prints now; read the diff before committing.
//!
//! Then: oversized cells and lines are refused before the file is read whole (the
//! child's peak resident memory, from `wait4`, stays under 64 MiB for a 100 MiB file),
//! names and paths inside files never decide where tolk writes, and exported batch cells
//! never start like a spreadsheet formula yet come back as written. This module does not
//! test the readers' ordinary behaviour; the per-feature modules do.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;

use crate::util::{corpus_names, diff, repin, repo, updating, walk, Output, Project};

/// The folder of hostile files.
const DATA: &str = "tests/data/hostile";

/// A sentence of the bundled corpus, and its id.
const KORT: &str = "Kort, hva er din kundeservicekarriere?";
const KORT_ID: &str = "s231928c132cfcbcc";

/// One hostile file, the command run on it, and exactly what tolk must answer.
struct Case {
    /// The file, relative to [`DATA`].
    file: &'static str,
    /// Whether the file goes into the project's `memory/` folder (read as part of the
    /// memory) rather than the project folder.
    in_memory: bool,
    /// The command's arguments; `{}` stands for the file's path in the project.
    args: &'static [&'static str],
    /// The exit status.
    code: i32,
    /// Exactly what tolk prints on stdout.
    stdout: &'static str,
    /// Exactly what tolk prints on stderr.
    stderr: &'static str,
}

/// A case tolk refuses: exit status 1, nothing on stdout, `stderr` on stderr.
fn refused(file: &'static str, args: &'static [&'static str], stderr: &'static str) -> Case {
    Case { file, in_memory: false, args, code: 1, stdout: "", stderr }
}

/// A case tolk accepts: exit status 0 with exactly this output.
fn accepted(
    file: &'static str,
    args: &'static [&'static str],
    stdout: &'static str,
    stderr: &'static str,
) -> Case {
    Case { file, in_memory: false, args, code: 0, stdout, stderr }
}

impl Case {
    /// The same case with the file put into `memory/`.
    fn in_memory(self) -> Case {
        Case { in_memory: true, ..self }
    }
}

/// Runs every case, each in a fresh project (the bundled corpus and a memory with only a
/// header), and fails with every case that went wrong, not just the first.
#[track_caller]
fn check(cases: &[Case]) {
    let failures: Vec<String> = cases.iter().filter_map(run_case).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Runs one case; what went wrong, if anything.
fn run_case(case: &Case) -> Option<String> {
    let t = Project::untranslated();
    let name = Path::new(case.file).file_name().unwrap().to_str().unwrap();
    let at = if case.in_memory { format!("memory/{name}") } else { name.to_string() };
    t.write(&at, hostile_file(case.file));
    let before = t.snapshot_dir("memory");
    let args: Vec<String> = case.args.iter().map(|a| a.replace("{}", &at)).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = t.tolk(&args).run();
    let mut wrong = sanity(&out);
    if out.status.code() != Some(case.code) {
        wrong.push(format!("exit status {:?}, expected {}", out.status.code(), case.code));
    }
    for (stream, expected, actual) in
        [("stdout", case.stdout, &out.stdout), ("stderr", case.stderr, &out.stderr)]
    {
        if actual == expected {
            continue;
        }
        // A deliberate change of wording: rewrite the pinned text, once per run.
        if updating() && !expected.is_empty() && repin("tests/it/hostile.rs", expected, actual) {
            continue;
        }
        wrong.push(format!("{stream} differs (- expected, + actual):\n{}", diff(expected, actual)));
    }
    // The memory's files, byte for byte; the lock file a refused merge took the lock on
    // is tolk's own hidden state, not memory, and empty once the lock is free.
    let mut after = t.snapshot_dir("memory");
    if after.get(".tolk.lock").is_some_and(Vec::is_empty) {
        after.remove(".tolk.lock");
    }
    if after != before {
        wrong.push("memory/ changed".into());
    }
    (!wrong.is_empty()).then(|| format!("{} (tolk {}):\n{}\n", case.file, args.join(" "), wrong.join("\n")))
}

/// What is wrong with any run of tolk, whatever it was given: a panic, or an exit
/// status other than success (0), failure (1) or a usage error (2).
fn sanity(out: &Output) -> Vec<String> {
    let mut wrong = Vec::new();
    if out.stderr.contains("panicked") {
        wrong.push(format!("tolk panicked:\n{}", out.stderr));
    }
    match out.status.code() {
        Some(0..=2) => {}
        Some(code) => wrong.push(format!("exit status {code}: only 0, 1 and 2 are tolk's")),
        None => wrong.push(format!("killed by a signal: {}", out.status)),
    }
    wrong
}

/// The bytes of the hostile file `rel`.
fn hostile_file(rel: &str) -> Vec<u8> {
    let path = repo().join(DATA).join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}
/// Translators' CSV batches, read by `tolk import` (successes with `--dry-run`).
fn batch_cases() -> Vec<Case> {
    vec![
        refused(
            "batch/bom-only.csv",
            &["import", "{}"],
            "error: cannot import bom-only.csv; nothing was written: bom-only.csv: row 1: the file is \
             empty; expected a header row with id, source and target\n",
        ),
        accepted(
            "batch/cr-only-line-ends.csv",
            &["import", "--dry-run", "{}"],
            "",
            "would add 2, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 0 \
             refused (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        refused(
            "batch/empty.csv",
            &["import", "{}"],
            "error: cannot import empty.csv; nothing was written: empty.csv: row 1: the file is empty; \
             expected a header row with id, source and target\n",
        ),
        // A workbook of no bytes (a sync or download that did not finish) is said to be
        // empty, not an invalid zip archive.
        refused(
            "batch/empty.xlsx",
            &["import", "{}"],
            "error: cannot import empty.xlsx; nothing was written: empty.xlsx: is empty (0 bytes): its save, copy or \
             download did not finish; save it again from the spreadsheet or CAT tool, or fetch it again, and import \
             that\n",
        ),
        refused(
            "batch/empty.ods",
            &["import", "{}"],
            "error: cannot import empty.ods; nothing was written: empty.ods: is empty (0 bytes): its save, copy or \
             download did not finish; save it again from the spreadsheet or CAT tool, or fetch it again, and import \
             that\n",
        ),
        refused(
            "batch/fewer-fields.csv",
            &["import", "{}"],
            "error: fewer-fields.csv: row 3: expected 9 cells as in the header, found 4 (a cell with an \
             unquoted delimiter, or another delimiter than the header's)\n\
             error: 1 row refused, nothing was written; correct them and import again, or use \
             --skip-invalid\n",
        ),
        // A target starting `=` without tolk's apostrophe is a formula's text; `+`, `@`
        // and `-` are text.
        accepted(
            "batch/formula-cells.csv",
            &["import", "--dry-run", "--skip-invalid", "{}"],
            "",
            "warning: formula-cells.csv: row 2, column target: expected a translation, found the formula \"=Briefly, \
             what has your customer service career been?\", as a spreadsheet saves a formula with \"Save cell \
             formulas instead of calculated values\"; save the CSV again without that option, or, if it is the \
             translation, type it as text in the XLSX batch (`tolk export --format xlsx`), which keeps a text \
             starting with = as typed; left out (--skip-invalid)\n\
             would add 3, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 1 \
             refused (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        accepted(
            "batch/header-only.csv",
            &["import", "--dry-run", "{}"],
            "",
            "would add 0, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 0 \
             refused (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        refused(
            "batch/invalid-utf8-one-cell.csv",
            &["import", "{}"],
            "error: cannot import invalid-utf8-one-cell.csv; nothing was written: \
             invalid-utf8-one-cell.csv: line 3 (byte 403): invalid UTF-8 in a file that starts with a \
             UTF-8 byte order mark; save it again as \"CSV UTF-8\"\n",
        ),
        refused(
            "batch/mixed-delimiters.csv",
            &["import", "{}"],
            "error: mixed-delimiters.csv: row 3: expected 9 cells as in the header, found 3 (a cell with \
             an unquoted delimiter, or another delimiter than the header's)\n\
             error: mixed-delimiters.csv: row 4: expected 9 cells as in the header, found 1 (a cell with \
             an unquoted delimiter, or another delimiter than the header's)\n\
             error: 2 rows refused, nothing was written; correct them and import again, or use \
             --skip-invalid\n",
        ),
        refused(
            "batch/more-fields.csv",
            &["import", "{}"],
            "error: more-fields.csv: row 3: expected 9 cells as in the header, found 10 (a cell with an \
             unquoted delimiter, or another delimiter than the header's)\n\
             error: 1 row refused, nothing was written; correct them and import again, or use \
             --skip-invalid\n",
        ),
        refused(
            "batch/neither-utf8-nor-1252.csv",
            &["import", "{}"],
            "error: cannot import neither-utf8-nor-1252.csv; nothing was written: \
             neither-utf8-nor-1252.csv: line 2 (byte 178): neither UTF-8 nor Windows-1252; save the file \
             as \"CSV UTF-8\"\n",
        ),
        refused(
            "batch/no-delimiter.csv",
            &["import", "{}"],
            "error: cannot import no-delimiter.csv; nothing was written: no-delimiter.csv: row 1: cannot \
             find the delimiter: expected the header id, source, target separated by `,`, `;` or tabs\n",
        ),
        refused(
            "batch/nul-byte.csv",
            &["import", "{}"],
            "error: cannot import nul-byte.csv; nothing was written: nul-byte.csv: line 3 (byte 369): a NUL \
             byte: this is not a text file (UTF-16 without a byte order mark, or a binary file such as \
             .xlsx); save it as \"CSV UTF-8\"\n",
        ),
        refused(
            "batch/other-project-ids.csv",
            &["import", "{}"],
            "error: other-project-ids.csv: row 3, column id: expected the id of a sentence in this \
             project's corpus, found sfecc26ecb9ed96f4, which no document has and no batch of this \
             project exported (a batch of another project or corpus: name its corpus with --corpus)\n\
             error: other-project-ids.csv: row 4, column id: expected the id of a sentence in this \
             project's corpus, found s0000000000000000, which no document has and no batch of this \
             project exported (a batch of another project or corpus: name its corpus with --corpus)\n\
             error: 2 rows refused, nothing was written; correct them and import again, or use \
             --skip-invalid\n",
        ),
        accepted(
            "batch/quote-in-unquoted-cell.csv",
            &["import", "--dry-run", "{}"],
            "",
            "would add 1, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 0 \
             refused (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        refused(
            "batch/truncated-mid-quote.csv",
            &["import", "{}"],
            "error: cannot import truncated-mid-quote.csv; nothing was written: truncated-mid-quote.csv: \
             row 3: a quoted cell is never closed (a missing \" before the end of the file)\n",
        ),
        refused(
            "batch/utf16-no-bom.csv",
            &["import", "{}"],
            "error: cannot import utf16-no-bom.csv; nothing was written: utf16-no-bom.csv: line 1 (byte 1): \
             a NUL byte: this is not a text file (UTF-16 without a byte order mark, or a binary file such as \
             .xlsx); save it as \"CSV UTF-8\"\n",
        ),
        // Gap: names no byte; it should say where the UTF-16 breaks.
        refused(
            "batch/utf16-odd-length.csv",
            &["import", "{}"],
            "error: cannot import utf16-odd-length.csv; nothing was written: utf16-odd-length.csv: line 3 \
             (byte 458): invalid UTF-16 in a file that starts with a UTF-16 byte order mark; save the file \
             again as \"CSV UTF-8\"\n",
        ),
        accepted(
            "batch/utf16be-bom-semicolon.csv",
            &["import", "--dry-run", "{}"],
            "",
            "utf16be-bom-semicolon.csv: read as UTF-16BE\n\
             utf16be-bom-semicolon.csv: delimiter ;\n\
             would add 2, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 0 \
             refused (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        accepted(
            "batch/utf16le-bom-comma.csv",
            &["import", "--dry-run", "{}"],
            "",
            "utf16le-bom-comma.csv: read as UTF-16LE\n\
             would add 1, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 0 \
             refused (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        refused(
            "batch/xlsx-saved-as-csv.csv",
            &["import", "{}"],
            "error: cannot import xlsx-saved-as-csv.csv; nothing was written: xlsx-saved-as-csv.csv: not a \
             readable XLSX workbook (invalid Zip archive: Could not find EOCD); save it from the spreadsheet \
             as Excel 2007-365 (.xlsx)\n",
        ),
    ]
}

#[test]
fn translators_csv_batches() {
    check(&batch_cases());
}

/// Memory CSV files, each read twice: as part of `memory/` (by `tolk lookup`) and by `tolk tm import`.
fn memory_cases() -> Vec<Case> {
    vec![
        refused(
            "memory/bad-date.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/bad-date.csv: row 2, column created: \
             expected an ISO 8601 date like 2026-11-22T15:30:00Z, found \"22.11.2026\"\n",
        ).in_memory(),
        refused(
            "memory/bad-date.csv",
            &["tm", "import", "{}"],
            "error: bad-date.csv: row 2, column created: expected an ISO 8601 date like \
             2026-11-22T15:30:00Z, found \"22.11.2026\"\n",
        ),
        // Regression (a QA trial): read without a word, printed raw by lookup, written
        // into the editions by build.
        refused(
            "memory/control-character.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/control-character.csv: row 3, column target: \
             the control character U+001B (ESC, ^[ in a text editor) in \"In 2008 I became\\u{1b}[31m customer \
             service manager at Chess.\", which no sentence or translation holds (an edition would carry it \
             unseen); remove it from the file with a text editor\n",
        ).in_memory(),
        refused(
            "memory/control-character.csv",
            &["tm", "import", "{}"],
            "error: control-character.csv: row 3, column target: the control character U+001B (ESC, ^[ in a \
             text editor) in \"In 2008 I became\\u{1b}[31m customer service manager at Chess.\", which no \
             sentence or translation holds (an edition would carry it unseen); remove it from the file with a \
             text editor\n",
        ),
        refused(
            "memory/duplicate-column.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/duplicate-column.csv: row 1, column Target: \
             the column appears twice in the header\n",
        ).in_memory(),
        refused(
            "memory/duplicate-column.csv",
            &["tm", "import", "{}"],
            "error: duplicate-column.csv: row 1, column Target: the column appears twice in the header\n",
        ),
        refused(
            "memory/empty-source.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/empty-source.csv: row 3, column source: the \
             source is empty; every entry needs a Norwegian sentence\n",
        ).in_memory(),
        refused(
            "memory/empty-source.csv",
            &["tm", "import", "{}"],
            "error: empty-source.csv: row 3, column source: the source is empty; every entry needs a \
             Norwegian sentence\n",
        ),
        refused(
            "memory/empty.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/empty.csv: row 1: no header row: the first \
             row must name the columns, with at least source and target\n",
        ).in_memory(),
        refused(
            "memory/empty.csv",
            &["tm", "import", "{}"],
            "error: empty.csv: row 1: no header row: the first row must name the columns, with at least \
             source and target\n",
        ),
        refused(
            "memory/fewer-fields.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/fewer-fields.csv: row 3: expected 7 cells \
             as in the header, found 2\n",
        ).in_memory(),
        refused(
            "memory/fewer-fields.csv",
            &["tm", "import", "{}"],
            "error: fewer-fields.csv: row 3: expected 7 cells as in the header, found 2\n",
        ),
        accepted(
            "memory/formula-cells.csv",
            &["lookup", "=1+1"],
            "1. 100%  =1+1\n        =HYPERLINK(\"http://evil.example\",\"x\")\n        (changed 2026-11-22T12:00:00Z, by kari, origin seed)\n",
            "",
        ).in_memory(),
        accepted(
            "memory/formula-cells.csv",
            &["tm", "import", "--dry-run", "{}"],
            "",
            "would add 3, would leave 0 unchanged, 0 conflicts, 0 with inline markup flattened, 0 \
             skipped (empty source or target), 0 skipped (codes differ from the source), 0 skipped (no \
             nb and en variant) (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        accepted(
            "memory/header-only.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "no match of 50% or more\n",
            "",
        ).in_memory(),
        accepted(
            "memory/header-only.csv",
            &["tm", "import", "--dry-run", "{}"],
            "",
            "would add 0, would leave 0 unchanged, 0 conflicts, 0 with inline markup flattened, 0 \
             skipped (empty source or target), 0 skipped (codes differ from the source), 0 skipped (no \
             nb and en variant) (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        refused(
            "memory/invalid-utf8-one-cell.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/invalid-utf8-one-cell.csv: row 3, column \
             target: invalid UTF-8 at byte 33 of the cell; save the file as UTF-8\n",
        ).in_memory(),
        refused(
            "memory/invalid-utf8-one-cell.csv",
            &["tm", "import", "{}"],
            "error: invalid-utf8-one-cell.csv: row 3, column target: invalid UTF-8 at byte 33 of the cell; \
             save the file as UTF-8\n",
        ),
        // Gap: misleading: row 3 is written with `;`; it should say so (7 cells expected, 1 found).
        refused(
            "memory/mixed-delimiters.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/mixed-delimiters.csv: row 3: text after the \
             closing quote of a cell; a quote inside a quoted cell is written twice (\"\")\n",
        ).in_memory(),
        // Gap: misleading: row 3 is written with `;`; it should say so (7 cells expected, 1 found).
        refused(
            "memory/mixed-delimiters.csv",
            &["tm", "import", "{}"],
            "error: mixed-delimiters.csv: row 3: text after the closing quote of a cell; a quote inside a \
             quoted cell is written twice (\"\")\n",
        ),
        refused(
            "memory/more-fields.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/more-fields.csv: row 3: expected 7 cells as \
             in the header, found 8\n",
        ).in_memory(),
        refused(
            "memory/more-fields.csv",
            &["tm", "import", "{}"],
            "error: more-fields.csv: row 3: expected 7 cells as in the header, found 8\n",
        ),
        refused(
            "memory/no-target-column.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/no-target-column.csv: row 1: no `target` \
             column in the header; found source, oversettelse: the first row names the columns, `source` for \
             the Norwegian and `target` for the English (other columns are kept); rename them, or save the two \
             columns as TSV, source<TAB>target, and bring that file in with `tolk tm import`\n",
        ).in_memory(),
        refused(
            "memory/no-target-column.csv",
            &["tm", "import", "{}"],
            "error: no-target-column.csv: row 1: no `target` column in the header; found source, \
             oversettelse: the first row names the columns, `source` for the Norwegian and `target` for the \
             English (other columns are kept); rename them, or save the two columns as TSV, source<TAB>target, and bring that file in with `tolk tm import`\n",
        ),
        // Regression: a NUL was accepted into the memory (then printed, built into editions,
        // and refused by `tm export`); it is refused as the batch reader refuses it.
        refused(
            "memory/nul-byte.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/nul-byte.csv: line 3 (byte 274): a NUL byte: \
             this is not a text file (UTF-16 without a byte order mark, or a binary file such as .xlsx); \
             save it as \"CSV UTF-8\"\n",
        ).in_memory(),
        refused(
            "memory/nul-byte.csv",
            &["tm", "import", "--dry-run", "{}"],
            "error: nul-byte.csv: line 3 (byte 274): a NUL byte: this is not a text file (UTF-16 without a \
             byte order mark, or a binary file such as .xlsx); save it as \"CSV UTF-8\"\n",
        ),
        // A memory a spreadsheet saved with `;` is read like the batches: the delimiter is
        // found in the header.
        accepted(
            "memory/semicolons.csv",
            &["lookup", "Kort; hva er din kundeservicekarriere?"],
            "1. 100%  Kort; hva er din kundeservicekarriere?\n        Briefly; what has your customer service career been?\n        (changed 2026-11-22T12:00:00Z, by kari, origin seed)\n",
            "",
        ).in_memory(),
        accepted(
            "memory/semicolons.csv",
            &["tm", "import", "--dry-run", "{}"],
            "",
            "would add 1, would leave 0 unchanged, 0 conflicts, 0 with inline markup flattened, 0 \
             skipped (empty source or target), 0 skipped (codes differ from the source), 0 skipped (no \
             nb and en variant) (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        refused(
            "memory/text-after-quote.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/text-after-quote.csv: row 3: text after the \
             closing quote of a cell; a quote inside a quoted cell is written twice (\"\")\n",
        ).in_memory(),
        refused(
            "memory/text-after-quote.csv",
            &["tm", "import", "{}"],
            "error: text-after-quote.csv: row 3: text after the closing quote of a cell; a quote inside a \
             quoted cell is written twice (\"\")\n",
        ),
        refused(
            "memory/truncated-mid-quote.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/truncated-mid-quote.csv: row 3: a quoted \
             cell is never closed (a missing \" before the end of the file)\n",
        ).in_memory(),
        refused(
            "memory/truncated-mid-quote.csv",
            &["tm", "import", "{}"],
            "error: truncated-mid-quote.csv: row 3: a quoted cell is never closed (a missing \" before the \
             end of the file)\n",
        ),
        refused(
            "memory/utf16-bom.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/utf16-bom.csv: line 1 (byte 0): the file is \
             UTF-16; save it as \"CSV UTF-8\"\n",
        ).in_memory(),
        // A memory from elsewhere in UTF-16 (Excel's "Unicode text") is read as that.
        accepted(
            "memory/utf16-bom.csv",
            &["tm", "import", "--dry-run", "{}"],
            "",
            "warning: utf16-bom.csv: read as UTF-16LE\nwould add 1, would leave 0 unchanged, 0 conflicts, 0 with \
             inline markup flattened, 0 skipped (empty source or target), 0 skipped (codes differ from the \
             source), 0 skipped (no nb and en variant) (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        refused(
            "memory/utf16-no-bom.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/utf16-no-bom.csv: line 1 (byte 1): a NUL \
             byte: this is not a text file (UTF-16 without a byte order mark, or a binary file such as \
             .xlsx); save it as \"CSV UTF-8\"\n",
        ).in_memory(),
        refused(
            "memory/utf16-no-bom.csv",
            &["tm", "import", "{}"],
            "error: utf16-no-bom.csv: line 1 (byte 1): a NUL byte: this is not a text file (UTF-16 without a \
             byte order mark, or a binary file such as .xlsx); save it as \"CSV UTF-8\"\n",
        ),
        refused(
            "memory/windows-1252.csv",
            &["lookup", "I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."],
            "error: cannot load the translation memory: memory/windows-1252.csv: row 2, column source: \
             invalid UTF-8 at byte 60 of the cell; save the file as UTF-8\n",
        ).in_memory(),
        // Imported from elsewhere, it is read as what a spreadsheet saved it as.
        accepted(
            "memory/windows-1252.csv",
            &["tm", "import", "--dry-run", "{}"],
            "",
            "warning: windows-1252.csv: read as Windows-1252 (not UTF-8)\nwould add 1, would leave 0 unchanged, 0 \
             conflicts, 0 with inline markup flattened, 0 skipped (empty source or target), 0 skipped (codes \
             differ from the source), 0 skipped (no nb and en variant) (dry run, nothing written to \
             memory/nb-en.csv)\n",
        ),
    ]
}

#[test]
fn memory_csv_files() {
    check(&memory_cases());
}

/// Regression (a trial): a two-column TSV named with `--memory` was refused for a CSV
/// quoting error at a row far down (`text after the closing quote of a cell`), and a
/// clean one with the advice to save the two columns as TSV, which they were.
#[test]
fn a_tsv_named_as_the_memory_is_said_to_be_one_with_what_to_do() {
    let t = Project::empty();
    t.write("small.tsv", "Hvem?\tWho?\nOi!\tWow!\n");
    t.write("quote.tsv", "Hvem?\tWho?\n«Hvem er det?»\t\"Who is it?\" \"It's your mother.\"\n");
    for file in ["small.tsv", "quote.tsv"] {
        t.tolk(&["--memory", file, "lookup", "Hvem?"]).run().failure().stderr_is(&format!(
            "error: cannot load the translation memory: {file}: row 1: this file is tab-separated (TSV) and its \
             first row names no `source` and `target` columns (found Hvem?, Who?): a memory file's first row \
             names its columns; add the line source<TAB>target at its top, or bring it into the memory with `tolk \
             tm import {file}`\n"
        ));
    }
    // As the advice says: with the header line, it is a memory.
    t.write("small.tsv", "source\ttarget\nHvem?\tWho?\nOi!\tWow!\n");
    t.tolk(&["--memory", "small.tsv", "lookup", "Hvem?"]).run().success().stdout_contains("Who?");
}

/// Source documents, read by `tolk segment --json`.
fn corpus_cases() -> Vec<Case> {
    vec![
        refused(
            "corpus/bom-and-lone-surrogate-escape.txt",
            &["segment", "--json", "{}"],
            "error: bom-and-lone-surrogate-escape.txt: line 1 (byte 7): invalid UTF-8; save the file again \
             as UTF-8\n",
        ),
        accepted(
            "corpus/bom-only.txt",
            &["segment", "--json", "{}"],
            "",
            "",
        ),
        refused(
            "corpus/control-characters.txt",
            &["segment", "--json", "{}"],
            "error: control-characters.txt: line 3 (byte 74): a NUL byte: this is not a text file (UTF-16 \
             without a byte order mark, or a binary file such as .xlsx); save it as UTF-8\n",
        ),
        accepted(
            "corpus/control-characters-no-nul.txt",
            &["segment", "--json", "{}"],
            "{\"doc\":\"control-characters-no-nul.txt\",\"id\":\"s7d26273304603486\",\"line\":1,\"index\":1,\"text\":\"Hei\\u0007 på deg.\\u001b[31m Rød tekst.\\u001b[0m\"}\n\
             {\"doc\":\"control-characters-no-nul.txt\",\"id\":\"s0f8736b18fcb7cb5\",\"line\":2,\"index\":1,\"text\":\"Tab\\tinne.\"}\n\
             {\"doc\":\"control-characters-no-nul.txt\",\"id\":\"sde9cec10b6075976\",\"line\":2,\"index\":2,\"text\":\"Form\\ffeed her.\"}\n\
             {\"doc\":\"control-characters-no-nul.txt\",\"id\":\"sdf6d5e5c0c955829\",\"line\":2,\"index\":3,\"text\":\"Vertikal.\"}\n\
             {\"doc\":\"control-characters-no-nul.txt\",\"id\":\"sab19c3603a7594b9\",\"line\":3,\"index\":1,\"text\":\"Slett\u{7f} tegn.\"}\n\
             {\"doc\":\"control-characters-no-nul.txt\",\"id\":\"s7f14d3d24b2f233b\",\"line\":3,\"index\":2,\"text\":\"C1\u{85} neste linje?\"}\n",
            "",
        ),
        accepted(
            "corpus/empty.txt",
            &["segment", "--json", "{}"],
            "",
            "",
        ),
        refused(
            "corpus/password-protected.docx",
            &["segment", "--json", "{}"],
            "error: password-protected.docx: is protected with a password; open it in Word or LibreOffice and save \
             it without one (in Word: File > Info > Protect Document > Encrypt with Password, the password cleared; \
             in LibreOffice: File > Save As, with \"Save with password\" unticked)\n",
        ),
        refused(
            "corpus/password-protected.odt",
            &["segment", "--json", "{}"],
            "error: password-protected.odt: is protected with a password; open it in LibreOffice and save it \
             without one (File > Save As, with \"Save with password\" unticked)\n",
        ),
        refused(
            "corpus/invalid-utf8.txt",
            &["segment", "--json", "{}"],
            "error: invalid-utf8.txt: line 2 (byte 47): invalid UTF-8; save the file again as UTF-8\n",
        ),
        accepted(
            "corpus/mixed-line-ends.txt",
            &["segment", "--json", "{}"],
            "{\"doc\":\"mixed-line-ends.txt\",\"id\":\"s85880006c295d584\",\"line\":1,\"index\":1,\"text\":\"Første linje.\"}\n\
             {\"doc\":\"mixed-line-ends.txt\",\"id\":\"s3771f3dbe5672392\",\"line\":2,\"index\":1,\"text\":\"Andre linje.\"}\n\
             {\"doc\":\"mixed-line-ends.txt\",\"id\":\"sefdb9cbbad20aade\",\"line\":3,\"index\":1,\"text\":\"Tredje linje.\"}\n\
             {\"doc\":\"mixed-line-ends.txt\",\"id\":\"s8cda5e0cc9bffefd\",\"line\":4,\"index\":1,\"text\":\"Fjerde linje.\"}\n\
             {\"doc\":\"mixed-line-ends.txt\",\"id\":\"s46ab5e3458713b3b\",\"line\":6,\"index\":1,\"text\":\"Sjette etter tom.\"}\n\
             {\"doc\":\"mixed-line-ends.txt\",\"id\":\"s2c8de3b6f85aba61\",\"line\":8,\"index\":1,\"text\":\"Siste uten slutt.\"}\n",
            "",
        ),
        accepted(
            "corpus/only-whitespace.txt",
            &["segment", "--json", "{}"],
            "",
            "",
        ),
        refused(
            "corpus/overlong-nul.txt",
            &["segment", "--json", "{}"],
            "error: overlong-nul.txt: line 1 (byte 4): invalid UTF-8; save the file again as UTF-8\n",
        ),
        accepted(
            "corpus/rtl-and-combining.txt",
            &["segment", "--json", "{}"],
            "{\"doc\":\"rtl-and-combining.txt\",\"id\":\"s514d1a8f0c0dedad\",\"line\":1,\"index\":1,\"text\":\"مرحبا بالعالم. كيف حالك؟\"}\n\
             {\"doc\":\"rtl-and-combining.txt\",\"id\":\"s693c47fba8d15489\",\"line\":2,\"index\":1,\"text\":\"שלום עולם. מה שלומך?\"}\n\
             {\"doc\":\"rtl-and-combining.txt\",\"id\":\"s2671267db1f1a58e\",\"line\":3,\"index\":1,\"text\":\"Hei \u{202e}den snudde\u{202c} teksten.\"}\n\
             {\"doc\":\"rtl-and-combining.txt\",\"id\":\"sf1967c3afb26acc6\",\"line\":3,\"index\":2,\"text\":\"Ferdig.\"}\n\
             {\"doc\":\"rtl-and-combining.txt\",\"id\":\"s0bc4e0cec3f23531\",\"line\":4,\"index\":1,\"text\":\"Bla\u{30a}bær og o\u{338}l.\"}\n\
             {\"doc\":\"rtl-and-combining.txt\",\"id\":\"s4188b30d43e13ae1\",\"line\":4,\"index\":2,\"text\":\"Z\u{351}\u{352}\u{353}a\u{354}\u{355}lgo.\"}\n\
             {\"doc\":\"rtl-and-combining.txt\",\"id\":\"s114707abb3f1aacc\",\"line\":5,\"index\":1,\"text\":\"\u{200f}Venstre\u{200e} og høyre.\"}\n",
            "",
        ),
        // Gap: names the byte but not the cause; it should say the file is UTF-16.
        refused(
            "corpus/utf16-bom.txt",
            &["segment", "--json", "{}"],
            "error: utf16-bom.txt: line 1 (byte 0): the file is UTF-16; save it as UTF-8\n",
        ),
    ]
}

#[test]
fn source_documents() {
    check(&corpus_cases());
}

/// TMX files, read by `tolk tm import` (successes with `--dry-run`).
fn tmx_cases() -> Vec<Case> {
    vec![
        refused(
            "tmx/bad-char-ref.tmx",
            &["tm", "import", "{}"],
            "error: bad-char-ref.tmx: line 6: invalid character reference: 0x0 character is not permitted \
             in XML\n",
        ),
        refused(
            "tmx/billion-laughs.tmx",
            &["tm", "import", "{}"],
            "error: billion-laughs.tmx: line 2: the DOCTYPE declares entities, which tolk never expands \
             (they can grow without bound or reach other files); remove the DOCTYPE's [...] part\n",
        ),
        refused(
            "tmx/deep-nesting.tmx",
            &["tm", "import", "{}"],
            "error: deep-nesting.tmx: line 6: elements are nested deeper than 64 levels; TMX needs fewer \
             than ten\n",
        ),
        refused(
            "tmx/deep-outside-seg.tmx",
            &["tm", "import", "{}"],
            "error: deep-outside-seg.tmx: line 5: elements are nested deeper than 64 levels; TMX needs \
             fewer than ten\n",
        ),
        accepted(
            "tmx/empty-segs.tmx",
            &["tm", "import", "--dry-run", "{}"],
            "",
            "warning: empty-segs.tmx: 2 translations (line 9, line 13) have an empty source or target: \
             skipped\nwould add 1, would leave 0 unchanged, 0 conflicts, 0 with inline markup flattened, \
             2 skipped (empty source or target), 0 skipped (codes differ from the source), 0 skipped (no \
             nb and en variant) (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        accepted(
            "tmx/external-dtd.tmx",
            &["tm", "import", "--dry-run", "{}"],
            "",
            "would add 1, would leave 0 unchanged, 0 conflicts, 0 with inline markup flattened, 0 \
             skipped (empty source or target), 0 skipped (codes differ from the source), 0 skipped (no \
             nb and en variant) (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        refused(
            "tmx/external-entity.tmx",
            &["tm", "import", "{}"],
            "error: external-entity.tmx: line 2: the DOCTYPE declares entities, which tolk never expands \
             (they can grow without bound or reach other files); remove the DOCTYPE's [...] part\n",
        ),
        refused(
            "tmx/invalid-utf8.tmx",
            &["tm", "import", "{}"],
            "error: invalid-utf8.tmx: line 10: invalid UTF-8; save the file as UTF-8, or name its encoding \
             in the XML declaration\n",
        ),
        refused(
            "tmx/missing-seg.tmx",
            &["tm", "import", "{}"],
            "error: missing-seg.tmx: line 11: the <tuv xml:lang=\"en\"> has no <seg>; every variant needs \
             one\n",
        ),
        refused(
            "tmx/missing-tuv.tmx",
            &["tm", "import", "{}"],
            "error: missing-tuv.tmx: line 9: the <tu> has no <tuv>; every unit needs its variants\n",
        ),
        refused(
            "tmx/not-xml.tmx",
            &["tm", "import", "{}"],
            "error: not-xml.tmx: not a TMX file: no <tmx> element\n",
        ),
        // Regression: raw NULs, which XML 1.0 forbids, were accepted (and `tm export` could not write
        // them back).
        refused(
            "tmx/nul-in-prop.tmx",
            &["tm", "import", "{}"],
            "error: nul-in-prop.tmx: line 5: a character XML does not allow (U+0000)\n",
        ),
        refused(
            "tmx/parameter-entity.tmx",
            &["tm", "import", "{}"],
            "error: parameter-entity.tmx: line 2: the DOCTYPE declares entities, which tolk never expands \
             (they can grow without bound or reach other files); remove the DOCTYPE's [...] part\n",
        ),
        refused(
            "tmx/quadratic-blowup.tmx",
            &["tm", "import", "{}"],
            "error: quadratic-blowup.tmx: line 2: the DOCTYPE declares entities, which tolk never expands \
             (they can grow without bound or reach other files); remove the DOCTYPE's [...] part\n",
        ),
        refused(
            "tmx/truncated.tmx",
            &["tm", "import", "{}"],
            "error: truncated.tmx: line 11: tag not closed: `>` not found before end of input; is the file \
             truncated?\n",
        ),
        refused(
            "tmx/undefined-entity.tmx",
            &["tm", "import", "{}"],
            "error: undefined-entity.tmx: line 10: undefined entity `&xxe;`: only &amp; &lt; &gt; &quot; \
             &apos; and character references such as &#229; are allowed\n",
        ),
        refused(
            "tmx/unknown-encoding.tmx",
            &["tm", "import", "{}"],
            "error: unknown-encoding.tmx: line 1: unknown encoding \"x-klingon\" in the XML declaration; \
             save the file as UTF-8\n",
        ),
        accepted(
            "tmx/utf16-bom.tmx",
            &["tm", "import", "--dry-run", "{}"],
            "",
            "would add 1, would leave 0 unchanged, 0 conflicts, 0 with inline markup flattened, 0 \
             skipped (empty source or target), 0 skipped (codes differ from the source), 0 skipped (no \
             nb and en variant) (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        // What tolk writes it reads back: a prop type with an invisible U+FEFF would become
        // a column the reader strips and then finds twice.
        refused(
            "tmx/bom-in-prop-type.tmx",
            &["tm", "import", "{}"],
            "error: bom-in-prop-type.tmx: line 3: this entry would leave the memory unreadable (column client: \
             the column appears twice in the header); nothing was written: correct it in the file, or import \
             without it\n",
        ),
        refused(
            "tmx/nul-in-tsv.tsv",
            &["tm", "import", "{}"],
            "error: nul-in-tsv.tsv: line 2 (byte 9): a NUL byte: this is not a text file (UTF-16 without \
             a byte order mark, or a binary file such as .xlsx); save it as UTF-8\n",
        ),
        refused(
            "tmx/wrong-languages.tmx",
            &["tm", "import", "{}"],
            "error: wrong-languages.tmx: no unit has both a Norwegian Bokmål (nb) and an English (en) \
             variant; the variants found are in de-DE (1), sv-SE (1), nn-NO (1), en-GB (1); name the \
             languages to read with --source-lang and --target-lang\n",
        ),
        refused(
            "tmx/xliff-as-tmx.tmx",
            &["tm", "import", "{}"],
            "error: xliff-as-tmx.tmx: line 2: not a TMX file: the root element is <xliff>, expected <tmx>\n",
        ),
    ]
}

#[test]
fn tmx_files() {
    check(&tmx_cases());
}

/// XLIFF files, read by `tolk import` (successes with `--dry-run`).
fn xliff_cases() -> Vec<Case> {
    vec![
        refused(
            "xliff/billion-laughs.xlf",
            &["import", "{}"],
            "error: cannot import billion-laughs.xlf; nothing was written: billion-laughs.xlf: line 2: the \
             DOCTYPE declares entities, which tolk never expands (they can grow without bound or reach other \
             files); remove the DOCTYPE's [...] part\n",
        ),
        refused(
            "xliff/deep-foreign.xlf",
            &["import", "{}"],
            "error: cannot import deep-foreign.xlf; nothing was written: deep-foreign.xlf: line 8: elements \
             are nested deeper than 64 levels; a batch tolk writes has 6\n",
        ),
        refused(
            "xliff/deep-nesting.xlf",
            &["import", "{}"],
            "error: cannot import deep-nesting.xlf; nothing was written: deep-nesting.xlf: line 7: elements \
             are nested deeper than 64 levels; a batch tolk writes has 6\n",
        ),
        refused(
            "xliff/edited-source.xlf",
            &["import", "{}"],
            "error: edited-source.xlf: line 6 (trans-unit s231928c132cfcbcc), element source: expected the sentence as issued, \"Kort, hva \
             er din kundeservicekarriere?\" (the source must not be edited), found \"Kort, hva er \
             karrieren din?\"\n\
             error: 1 row refused, nothing was written; correct them and import again, or use \
             --skip-invalid\n",
        ),
        // One XML policy for every reader: a DOCTYPE is read past and never fetched.
        accepted(
            "xliff/external-dtd.xlf",
            &["import", "--dry-run", "{}"],
            "",
            "would add 1, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 0 \
             refused (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        refused(
            "xliff/external-entity.xlf",
            &["import", "{}"],
            "error: cannot import external-entity.xlf; nothing was written: external-entity.xlf: line 2: the \
             DOCTYPE declares entities, which tolk never expands (they can grow without bound or reach other \
             files); remove the DOCTYPE's [...] part\n",
        ),
        refused(
            "xliff/invalid-utf8.xlf",
            &["import", "{}"],
            "error: cannot import invalid-utf8.xlf; nothing was written: invalid-utf8.xlf: line 11 (byte \
             654): invalid UTF-8; save the file again as UTF-8\n",
        ),
        refused(
            "xliff/missing-source.xlf",
            &["import", "{}"],
            "error: missing-source.xlf: line 9 (trans-unit sce8d3167a3f92da1), element source: expected a <source> element in the \
             trans-unit, found none\n\
             error: 1 row refused, nothing was written; correct them and import again, or use \
             --skip-invalid\n",
        ),
        accepted(
            "xliff/no-units.xlf",
            &["import", "--dry-run", "{}"],
            "",
            "would add 0, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 0 \
             refused (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        // Regression: a raw NUL, which XML 1.0 forbids, was accepted into a target.
        refused(
            "xliff/nul-in-target.xlf",
            &["import", "{}"],
            "error: cannot import nul-in-target.xlf; nothing was written: nul-in-target.xlf: line 7 (byte \
             405): a NUL byte: this is not a text file (UTF-16 without a byte order mark, or a binary file \
             such as .xlsx); save it as UTF-8\n",
        ),
        refused(
            "xliff/other-project-ids.xlf",
            &["import", "{}"],
            "error: other-project-ids.xlf: line 9 (trans-unit sfecc26ecb9ed96f4), element id: expected the id of a sentence in this \
             project's corpus, found sfecc26ecb9ed96f4, which no document has and no batch of this \
             project exported (a batch of another project or corpus: name its corpus with --corpus)\n\
             error: 1 row refused, nothing was written; correct them and import again, or use \
             --skip-invalid\n",
        ),
        refused(
            "xliff/tmx-as-xliff.xlf",
            &["import", "{}"],
            "error: cannot import tmx-as-xliff.xlf; nothing was written: tmx-as-xliff.xlf: line 2: not an \
             XLIFF file: the root element is <tmx>, expected <xliff version=\"1.2\">\n",
        ),
        refused(
            "xliff/truncated.xlf",
            &["import", "{}"],
            "error: cannot import truncated.xlf; nothing was written: truncated.xlf: line 11: the file \
             ends inside an element: it is cut off; save it again\n",
        ),
        refused(
            "xliff/two-targets.xlf",
            &["import", "{}"],
            "error: two-targets.xlf: line 8 (trans-unit s231928c132cfcbcc), element target: expected one <target> element in the \
             trans-unit, found two\n\
             error: 1 row refused, nothing was written; correct them and import again, or use \
             --skip-invalid\n",
        ),
        refused(
            "xliff/undefined-entity.xlf",
            &["import", "{}"],
            "error: cannot import undefined-entity.xlf; nothing was written: undefined-entity.xlf: line 11: \
             undefined entity `&nbsp;`: only &amp; &lt; &gt; &quot; &apos; and character references such as \
             &#229; are allowed\n",
        ),
        accepted(
            "xliff/utf16-bom.xlf",
            &["import", "--dry-run", "{}"],
            "",
            "utf16-bom.xlf: read as UTF-16LE\n\
             would add 1, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 0 \
             refused (dry run, nothing written to memory/nb-en.csv)\n",
        ),
        // Regression: the file's target-language "de" was not looked at, so German was imported as
        // English.
        refused(
            "xliff/wrong-languages.xlf",
            &["import", "{}"],
            "error: cannot import wrong-languages.xlf; nothing was written: wrong-languages.xlf: line 3: \
             target-language \"de\", expected English (en)\n",
        ),
        refused(
            "xliff/xliff-2.xlf",
            &["import", "{}"],
            "error: cannot import xliff-2.xlf; nothing was written: xliff-2.xlf: line 2: XLIFF 2.0 is not \
             read: tolk reads XLIFF 1.2, as `tolk export --format xliff` writes it; export the file from \
             the CAT tool as XLIFF 1.2\n",
        ),
    ]
}

#[test]
fn xliff_files() {
    check(&xliff_cases());
}

/// Every hostile file has a case, and a row in the README's tables; every row names a file
/// that exists.
#[test]
fn every_hostile_file_has_a_case_and_a_readme_row() {
    let root = repo().join(DATA);
    let files: BTreeSet<String> = walk(&root)
        .iter()
        .map(|p| p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"))
        .filter(|p| !matches!(p.as_str(), "README.md" | "make.py" | ".gitattributes"))
        .collect();
    let cases = [batch_cases(), memory_cases(), corpus_cases(), tmx_cases(), xliff_cases()];
    let mut used: BTreeSet<String> = cases.iter().flatten().map(|c| c.file.to_string()).collect();
    used.extend(PATH_FILES.iter().map(|f| format!("paths/{f}")));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let listed: BTreeSet<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`'))
        .map(|(f, _)| f.to_string())
        .filter(|f| f.contains('/'))
        .collect();
    let missing = |a: &BTreeSet<String>, b: &BTreeSet<String>| a.difference(b).cloned().collect::<Vec<_>>();
    assert_eq!(missing(&files, &used), Vec::<String>::new(), "files without a case");
    assert_eq!(missing(&used, &files), Vec::<String>::new(), "cases without a file");
    assert_eq!(missing(&files, &listed), Vec::<String>::new(), "files without a README row");
    assert_eq!(missing(&listed, &files), Vec::<String>::new(), "README rows without a file");
}

/// Every hostile document tolk reads comes back byte for byte from an identity build:
/// odd line ends, control characters, right-to-left and combining characters are all
/// skeleton or segment, never lost.
#[test]
fn readable_hostile_documents_rebuild_byte_for_byte() {
    for case in corpus_cases().iter().filter(|c| c.code == 0) {
        let t = Project::untranslated();
        let name = Path::new(case.file).file_name().unwrap().to_str().unwrap();
        let bytes = hostile_file(case.file);
        t.write(name, &bytes);
        let out = t.tolk(&["build", "--pseudo=identity", name]).run();
        assert_eq!(sanity(&out), Vec::<String>::new(), "{name}");
        let out = out.success();
        let built = std::fs::read(t.path().join("out/pseudo").join(name)).unwrap();
        assert!(built == bytes, "{name}: the identity edition differs from its source\n{}", out.stderr);
    }
}

// ---------------------------------------------------------------------------------
// Files too big to commit, generated at test time.

const MIB: usize = 1 << 20;

/// Writes `head`, then `fill` repeated `n` times, then `tail` to `rel` in `t`, in pieces,
/// so the test itself never holds the file.
fn write_big(t: &Project, rel: &str, head: &[u8], fill: &[u8], n: usize, tail: &[u8]) -> u64 {
    let path = t.path().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    out.write_all(head).unwrap();
    let chunk = fill.repeat((64 * 1024 / fill.len()).max(1));
    let per_chunk = chunk.len() / fill.len();
    let mut left = n;
    while left > 0 {
        let k = left.min(per_chunk);
        out.write_all(&chunk[..k * fill.len()]).unwrap();
        left -= k;
    }
    out.write_all(tail).unwrap();
    out.flush().unwrap();
    std::fs::metadata(&path).unwrap().len()
}

/// A document line or a memory cell exactly as long as the limit is accepted, quotes
/// and line ends not counted; one byte more is refused, naming the line or the row.
#[test]
fn lines_and_cells_at_the_limit() {
    let t = Project::untranslated();
    write_big(&t, "at-limit.txt", b"Hei.\r\n", b"a", MIB, b"\r\n");
    write_big(&t, "over-limit.txt", b"Hei.\n", b"a", MIB + 1, b"\n");
    let out = t.tolk(&["segment", "at-limit.txt"]).run().success();
    assert_eq!(out.stdout.len(), 5 + MIB + 1);
    t.tolk(&["segment", "over-limit.txt"])
        .run()
        .failure()
        .stderr_is("error: over-limit.txt: line 2 is larger than the limit of 1048576 bytes\n");
    write_big(&t, "quoted.csv", b"source,target\r\nHei.,\"", b"x", MIB, b"\"\r\n");
    write_big(&t, "unquoted.csv", b"source,target\r\nHei.,", b"x", MIB, b"\r\n");
    write_big(&t, "over-limit.csv", b"source,target\nHei.,\"", b"x", MIB + 1, b"\"\n");
    for name in ["quoted.csv", "unquoted.csv"] {
        t.tolk(&["tm", "import", "--dry-run", name]).run().success().stderr_contains("would add 1,");
    }
    t.tolk(&["tm", "import", "over-limit.csv"])
        .run()
        .failure()
        .stderr_is("error: over-limit.csv: a cell in row 2 is larger than the limit of 1048576 bytes\n");
    // Regression: a quote inside an unquoted cell is a literal quote, as the CSV reader
    // reads it; the size check once took it to open a quoted cell and refused this valid
    // 2 MiB memory.
    write_big(
        &t,
        "memory/nb-en.csv",
        b"source,target\nEn 12\" pizza.,A 12-inch pizza.\n",
        b"Ja.,Yes.\n",
        200_000,
        b"",
    );
    t.tolk(&["lookup", "Ja."]).run().success().stdout_contains("100%  Ja.");
}

/// 10,000 columns: a batch with that many imports, a row with that many cells against a
/// three-column header is refused, and a memory file with that many loads.
#[test]
fn ten_thousand_columns() {
    let t = Project::untranslated();
    let mut header = vec!["id".to_string(), "source".into(), "target".into()];
    header.extend((4..=10_000).map(|i| format!("c{i}")));
    let mut row =
        vec![KORT_ID.to_string(), format!("\"{KORT}\""), "\"Briefly, what is your career?\"".into()];
    row.resize(10_000, String::new());
    t.write("wide.csv", format!("{}\n{}\n", header.join(","), row.join(",")));
    let before = t.snapshot_dir("memory");
    t.tolk(&["import", "--dry-run", "wide.csv"]).run().success().stderr_is(
        "would add 1, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, 0 \
         refused (dry run, nothing written to memory/nb-en.csv)\n",
    );
    let cells = vec!["x"; 9_999].join(",");
    t.write("wide-row.csv", format!("id,source,target\n{KORT_ID},{cells}\n"));
    t.tolk(&["import", "wide-row.csv"]).run().failure().stderr_is(
        "error: wide-row.csv: row 2: expected 3 cells as in the header, found 10000 (a cell with an unquoted \
         delimiter, or another delimiter than the header's)\n\
         error: 1 row refused, nothing was written; correct them and import again, or use --skip-invalid\n",
    );
    assert!(t.snapshot_dir("memory") == before, "memory/ changed");
    let mut header = vec!["source".to_string(), "target".into()];
    header.extend((3..=10_000).map(|i| format!("c{i}")));
    let mut row = vec!["Hei.".to_string(), "Hi.".into()];
    row.resize(10_000, "x".into());
    t.write("memory/wide.csv", format!("{}\n{}\n", header.join(","), row.join(",")));
    t.tolk(&["lookup", "Hei."]).run().success().stdout_is("1. 100%  Hei.\n        Hi.\n");
}

/// What a run of tolk measured by [`run_measured`] did.
#[cfg(target_os = "linux")]
pub(crate) struct Measured {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: String,
    /// The child's peak resident set, in bytes.
    pub(crate) peak: u64,
}

/// The environment variable that makes [`measuring_helper`] measure a run.
#[cfg(target_os = "linux")]
const MEASURE: &str = "TOLK_TEST_MEASURE";

/// Runs `tolk ARGS` in `t` and measures its peak resident memory.
///
/// Linux counts into a child's peak (`ru_maxrss`) the resident size of the image its exec
/// replaced: a child forked from this test process, which may hold a lot while other
/// tests run, would start with this process's size. So a fresh copy of this test binary,
/// small, runs only [`measuring_helper`], which forks tolk, waits for it with `wait4` and
/// prints its peak. The figure is an upper bound, a few MiB above tolk's own.
#[cfg(target_os = "linux")]
pub(crate) fn run_measured(t: &Project, args: &[&str]) -> Measured {
    let outputs = tempfile::tempdir().unwrap();
    let helper = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "hostile::measuring_helper", "--nocapture", "--test-threads=1", "--quiet"])
        .env(MEASURE, [t.path().to_str().unwrap(), outputs.path().to_str().unwrap()].join("\n"))
        .env(format!("{MEASURE}_ARGS"), args.join("\n"))
        .output()
        .expect("starting the measuring helper");
    let report = String::from_utf8_lossy(&helper.stdout);
    let Some(line) = report.lines().find_map(|l| l.strip_prefix("measured: ")) else {
        panic!("the measuring helper failed:\n{report}\n{}", String::from_utf8_lossy(&helper.stderr));
    };
    let numbers: Vec<i64> = line.split(' ').map(|n| n.parse().unwrap()).collect();
    Measured {
        code: (numbers[0] >= 0).then_some(numbers[0] as i32),
        stdout: std::fs::read(outputs.path().join("stdout")).unwrap(),
        stderr: std::fs::read_to_string(outputs.path().join("stderr")).unwrap(),
        peak: numbers[1] as u64,
    }
}

/// Not a test: in a copy of this binary started by [`run_measured`], runs tolk as the
/// environment says and prints `measured: CODE PEAK` (CODE -1 for a signal, PEAK in
/// bytes). Started by the test harness, it does nothing.
#[cfg(target_os = "linux")]
#[test]
fn measuring_helper() {
    use std::os::unix::process::CommandExt as _;
    use std::process::{Command, Stdio};

    let (Ok(dirs), Ok(args)) = (std::env::var(MEASURE), std::env::var(format!("{MEASURE}_ARGS"))) else {
        return;
    };
    let (dir, outputs) = dirs.split_once('\n').unwrap();
    let outputs = Path::new(outputs);
    let mut command = Command::new(env!("CARGO_BIN_EXE_tolk"));
    command
        .args(args.split('\n'))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(outputs.join("stdout")).unwrap())
        .stderr(std::fs::File::create(outputs.join("stderr")).unwrap());
    // A `pre_exec` hook makes the standard library fork rather than `posix_spawn`, whose
    // child shares (and is charged) this process's memory until exec.
    // SAFETY: the hook does nothing, so it is async-signal-safe.
    unsafe { command.pre_exec(|| Ok(())) };
    #[expect(clippy::zombie_processes, reason = "reaped by wait4 below, which also gives its peak memory")]
    let child = command.spawn().expect("starting tolk");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; `wait4` writes only into the two locals,
    // and the child is ours and waited for nowhere else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    while unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } != pid {
        let e = std::io::Error::last_os_error();
        assert_eq!(e.kind(), std::io::ErrorKind::Interrupted, "wait4: {e}");
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    // ru_maxrss is in KiB on Linux.
    println!("measured: {code} {}", usage.ru_maxrss * 1024);
}

/// How much memory a run may use.
#[cfg(target_os = "linux")]
#[derive(Clone, Copy, Debug)]
enum Bound {
    /// Under 64 MiB whatever the file's size: the reader refuses before reading it whole.
    Refused,
    /// At most this many times the file's size, plus 64 MiB.
    Times(u64),
}

#[cfg(target_os = "linux")]
impl Bound {
    fn bytes(self, size: u64) -> u64 {
        match self {
            Bound::Refused => 64 * MIB as u64,
            Bound::Times(k) => k * size + 64 * MIB as u64,
        }
    }
}

/// One generated file, the command run on it, and what must come of it.
#[cfg(target_os = "linux")]
struct Big {
    /// Where the file goes in the project.
    at: &'static str,
    /// Its content: `head`, then `fill` `n` times, then `tail`.
    head: &'static [u8],
    fill: &'static [u8],
    n: usize,
    tail: &'static [u8],
    args: &'static [&'static str],
    code: i32,
    /// Exactly what tolk prints on stderr.
    stderr: &'static str,
    bound: Bound,
}

/// Runs each case in a fresh project, one at a time so that the files are written and
/// removed in turn, and fails with every case that went wrong, with the peak of each run.
#[cfg(target_os = "linux")]
#[track_caller]
fn check_big(cases: &[Big]) {
    let mut failures = Vec::new();
    let mut report = Vec::new();
    for case in cases {
        let t = Project::untranslated();
        let size = write_big(&t, case.at, case.head, case.fill, case.n, case.tail);
        let before = t.snapshot_dir("memory");
        let m = run_measured(&t, case.args);
        let mut wrong = Vec::new();
        if m.stderr.contains("panicked") {
            wrong.push(format!("tolk panicked:\n{}", m.stderr));
        }
        if m.code != Some(case.code) {
            wrong.push(format!("exit status {:?}, expected {}", m.code, case.code));
        }
        if m.stderr != case.stderr {
            wrong.push(format!("stderr differs (- expected, + actual):\n{}", diff(case.stderr, &m.stderr)));
        }
        if case.code != 0 && !m.stdout.is_empty() {
            wrong.push(format!("{} bytes on stdout", m.stdout.len()));
        }
        let limit = case.bound.bytes(size);
        let line = format!(
            "tolk {} on {} MiB: peak {:.1} MiB (limit {:.1} MiB, {:?})",
            case.args.join(" "),
            size / MIB as u64,
            m.peak as f64 / MIB as f64,
            limit as f64 / MIB as f64,
            case.bound
        );
        if m.peak > limit {
            wrong.push(line.clone());
        }
        if t.snapshot_dir("memory") != before {
            wrong.push("memory/ changed".into());
        }
        report.push(line);
        if !wrong.is_empty() {
            failures.push(format!("{}:\n{}\n", case.args.join(" "), wrong.join("\n")));
        }
    }
    // Shown with --nocapture: the figures the README quotes.
    println!("{}", report.join("\n"));
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// A 50 MiB cell and a 100 MiB line are refused by the readers of `tolk::input::limits` (and the
/// TMX reader's own) before the file is read whole: under 64 MiB of memory.
#[cfg(target_os = "linux")]
#[test]
fn oversized_cells_and_lines_are_refused_before_the_file_is_read_whole() {
    check_big(&[
        Big {
            at: "memory/big-cell.csv",
            head: b"source,target\nHei.,\"",
            fill: b"x",
            n: 50 * MIB,
            tail: b"\"\n",
            args: &["lookup", "Hei."],
            code: 1,
            stderr:
                "error: cannot load the translation memory: memory/big-cell.csv: a cell in row 2 is larger \
                     than the limit of 1048576 bytes\n",
            bound: Bound::Refused,
        },
        Big {
            at: "big-cell.csv",
            head: b"source,target\nHei.,",
            fill: b"x",
            n: 50 * MIB,
            tail: b"\n",
            args: &["tm", "import", "big-cell.csv"],
            code: 1,
            stderr: "error: big-cell.csv: a cell in row 2 is larger than the limit of 1048576 bytes\n",
            bound: Bound::Refused,
        },
        Big {
            at: "big-line.txt",
            head: b"Hei.\n",
            fill: b"a",
            n: 100 * MIB,
            tail: b"\n",
            args: &["segment", "big-line.txt"],
            code: 1,
            stderr: "error: big-line.txt: line 2 is larger than the limit of 1048576 bytes\n",
            bound: Bound::Refused,
        },
        Big {
            at: "corpus/big-line.txt",
            head: b"Hei.\r\nHallo.\r",
            fill: b"Ja. ",
            n: 25 * MIB,
            tail: b"",
            args: &["build", "--partial"],
            code: 1,
            // The other documents' editions are written; the build fails for this one.
            stderr: "warning: corpus/big-line.txt: line 3 is larger than the limit of 1048576 bytes; left out until \
                     that is done\nwrote 6 editions to out/en: 215 segments, 2731 words in the editions, 215 untranslated (kept in \
                     Norwegian)\nerror: 1 document could not be read (named above) and has no edition; correct it and \
                     build again\n",
            bound: Bound::Refused,
        },
        // Regression: `tolk import` read a CSV batch whole before measuring its cells.
        Big {
            at: "big-cell-batch.csv",
            head: b"\xef\xbb\xbfid,source,target\r\ns231928c132cfcbcc,\"Kort, hva er din kundeservicekarriere?\",",
            fill: b"x",
            n: 50 * MIB,
            tail: b"\r\n",
            args: &["import", "big-cell-batch.csv"],
            code: 1,
            stderr: "error: cannot import big-cell-batch.csv; nothing was written: big-cell-batch.csv: a cell in \
                     row 2 is larger than the limit of 1048576 bytes\n",
            bound: Bound::Refused,
        },
        // Regression: `tolk match --input` read lines without a limit.
        Big {
            at: "big-query.txt",
            head: b"Hei.\n",
            fill: b"Hei ",
            n: 25 * MIB,
            tail: b"\n",
            args: &["--quiet", "match", "--input", "big-query.txt"],
            code: 1,
            stderr: "error: big-query.txt: line 2 is larger than the limit of 1048576 bytes\n",
            bound: Bound::Refused,
        },
        Big {
            at: "big-seg.tmx",
            head:
                b"<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body><tu><tuv xml:lang=\"nb\"><seg>",
            fill: b"x",
            n: 50 * MIB,
            tail: b"</seg></tuv></tu></body></tmx>\n",
            args: &["tm", "import", "big-seg.tmx"],
            code: 1,
            // Regression: refused by the reader's 8 MiB limit on one piece of markup or text,
            // the message named 8388608 bytes rather than the 1 MiB limit on an element's
            // text that a 2 MiB seg is refused by.
            stderr: "error: big-seg.tmx: the text of the element on line 2 is larger than the limit of \
                     1048576 bytes\n",
            bound: Bound::Refused,
        },
        // Regression: the XLIFF reader read the whole file, and collected a target's text
        // before measuring it.
        Big {
            at: "big-target.xlf",
            head: b"<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file original=\"a\" \
                    source-language=\"nb\" datatype=\"plaintext\"><body><trans-unit id=\"s231928c132cfcbcc\">\
                    <source>Kort, hva er din kundeservicekarriere?</source><target>",
            fill: b"x",
            n: 50 * MIB,
            tail: b"</target></trans-unit></body></file></xliff>\n",
            args: &["import", "big-target.xlf"],
            code: 1,
            stderr: "error: cannot import big-target.xlf; nothing was written: big-target.xlf: the text starting \
                     on line 1 is larger than the limit of 1048576 bytes\n",
            bound: Bound::Refused,
        },
        // Regression: the TSV reader of `tolk tm import` read the whole file.
        Big {
            at: "big-line.tsv",
            head: b"",
            fill: b"a",
            n: 100 * MIB,
            tail: b"\tb\n",
            args: &["tm", "import", "big-line.tsv"],
            code: 1,
            stderr: "error: big-line.tsv: line 1 is larger than the limit of 1048576 bytes\n",
            bound: Bound::Refused,
        },
    ]);
}

/// Large valid files stay within three times their size plus 64 MiB: an 8 MiB memory
/// of 80,000 entries loaded and indexed, and an 8 MiB TMX read.
#[cfg(target_os = "linux")]
#[test]
fn large_valid_files_stay_within_three_times_their_size() {
    check_big(&[
        Big {
            at: "memory/large.csv",
            head: b"source,target,created,changed,translator,origin,note\n",
            fill: b"\"Kort, hva er din kundeservicekarriere i dag?\",What is your career today?,\
                    2026-11-22T12:00:00Z,2026-11-22T12:00:00Z,kari,seed,\n",
            n: 80_000,
            tail: b"",
            args: &["--quiet", "lookup", "Hei."],
            code: 0,
            stderr: "",
            bound: Bound::Times(3),
        },
        Big {
            at: "large.tmx",
            head: b"<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body>\n",
            fill: b"<tu><tuv xml:lang=\"nb\"><seg>Kort, hva er din kundeservicekarriere i dag?</seg></tuv>\
                    <tuv xml:lang=\"en\"><seg>What is your career today?</seg></tuv></tu>\n",
            n: 60_000,
            tail: b"</body></tmx>\n",
            args: &["--quiet", "tm", "import", "--dry-run", "large.tmx"],
            code: 0,
            stderr: "",
            bound: Bound::Times(3),
        },
    ]);
}

/// The worst inputs within the limits cost memory in proportion to their size: a tag
/// of 80,000 attributes in each XML format, and a sentence of 1 MiB whose earlier
/// version and a differently spaced copy are in the memory, analysed, matched, exported
/// with its suggestion and built. (The work each stage does is bounded by operation
/// counts in the unit tests of `score`, `index`, `import` and `segment::srx`; a
/// quadratic stage would keep this test running for an hour.)
#[cfg(target_os = "linux")]
#[test]
fn worst_cases_at_the_limits_stay_bounded() {
    let attributes: &'static [u8] =
        (0..80_000).map(|i| format!(" a{i}=\"x\"")).collect::<String>().into_bytes().leak();
    check_big(&[
        Big {
            at: "many-attributes.tmx",
            head: b"<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body>\n<tu",
            fill: attributes,
            n: 1,
            tail: b"/></body></tmx>\n",
            args: &["tm", "import", "many-attributes.tmx"],
            code: 1,
            stderr: "error: many-attributes.tmx: line 3: <tu> has more than 256 attributes, more than any \
                     format tolk reads uses\n",
            bound: Bound::Refused,
        },
        Big {
            at: "many-attributes.xlf",
            head: b"<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"><file",
            fill: attributes,
            n: 1,
            tail: b"/></xliff>\n",
            args: &["import", "many-attributes.xlf"],
            code: 1,
            stderr:
                "error: cannot import many-attributes.xlf; nothing was written: many-attributes.xlf: line \
                     2: <file> has more than 256 attributes, more than any format tolk reads uses\n",
            bound: Bound::Refused,
        },
    ]);

    // Wide files: a memory of 120,000 columns, nearly all empty (36 MB), and a batch
    // whose header alone names 200,000 columns. Every empty cell of every row was kept
    // (2.9 GB), and the columns were compared each with all the others.
    let t = Project::untranslated();
    let columns: String = (0..120_000).map(|i| format!(",c{i}")).collect();
    let rows: String =
        (0..300).map(|k| format!("Setning nummer {k}.,Sentence {k}.{}\n", ",".repeat(120_000))).collect();
    t.write("memory/nb-en.csv", format!("source,target{columns}\n{rows}"));
    let header: String = (0..200_000).map(|i| format!(",h{i}")).collect();
    t.write("wide.csv", format!("id,source,target{header}\n"));
    let size = std::fs::metadata(t.path().join("memory/nb-en.csv")).unwrap().len();
    for args in [&["lookup", "Setning nummer 5."][..], &["import", "--dry-run", "wide.csv"]] {
        let m = run_measured(&t, args);
        assert_eq!(m.code, Some(0), "tolk {args:?}: {}", m.stderr);
        assert!(m.peak < 64 * MIB as u64 + 3 * size, "tolk {args:?}: peak {} MiB", m.peak / MIB as u64);
    }

    let t = Project::empty();
    let words: Vec<String> = (0..130_000).map(|i| format!("ord{}", i % 4000)).collect();
    let sentence = format!("{}.", words.join(" "));
    assert!(sentence.len() > 1_000_000 && sentence.len() < MIB);
    let mut earlier = words.clone();
    earlier[70_000] = "tidligere".into();
    t.write("corpus/lang.txt", format!("Kort innledning.\n{sentence}\n"));
    t.write("query.txt", format!("{sentence}\n"));
    let spaced = format!("{} .", words.join(" "));
    t.write(
        "memory/nb-en.csv",
        format!("source,target\n{}.,Earlier.\n{spaced},Spaced.\n", earlier.join(" ")),
    );
    let size = 3 * MIB as u64;
    for args in [
        &["analyze"][..],
        &["match", "--input", "query.txt"],
        &["export", "-o", "b.csv"],
        &["export", "-o", "b.xlf"],
        &["build", "--partial"],
    ] {
        let m = run_measured(&t, args);
        assert_eq!(m.code, Some(0), "tolk {args:?}: {}", m.stderr);
        assert!(m.peak < 64 * MIB as u64 + 10 * size, "tolk {args:?}: peak {} MiB", m.peak / MIB as u64);
        println!("tolk {}: peak {:.1} MiB", args.join(" "), m.peak as f64 / MIB as f64);
        if args[0] == "match" {
            // Beyond the fuzzy cap only the same tokens match: the spaced copy, at 99.
            let out = String::from_utf8(m.stdout).unwrap();
            assert!(out.contains("\t99\t") && out.ends_with("\tSpaced.\n"), "{}", &out[out.len() - 200..]);
        }
    }
}

// ---------------------------------------------------------------------------------
// Names and paths that come from files.

/// The files of `paths/`: document names, `where` cells, extra columns, XLIFF
/// `original`s, TMX `o-tmf`s, `tuid`s and props that are `../../etc/x`, `/tmp/evil`,
/// `C:\x` or `../escaped-...`.
const PATH_FILES: [&str; 4] = [
    "props-and-ids.tmx",
    "origin-and-extra-column.csv",
    "where-and-extra-columns.csv",
    "original-and-context.xlf",
];

/// Importing files full of paths, then building, exporting and exporting the memory,
/// writes exactly the files those commands write (`memory/nb-en.csv`, its lock,
/// `out/en/`, `out/batches/` and the named `--out` files) and nothing beside the project
/// or at any of the paths: the paths stay text in the memory.
#[test]
fn names_and_paths_inside_files_never_decide_where_tolk_writes() {
    let outer = tempfile::Builder::new().prefix("tolk-test-outer-").tempdir().unwrap();
    let t = Project::untranslated_in(outer.path());
    for f in PATH_FILES {
        t.write(f, hostile_file(&format!("paths/{f}")));
    }
    // Where the paths in the files point, seen from the project; `../escaped-*` are in
    // `outer`, which is checked as a whole.
    let targets = [
        "/tmp/evil",
        "../../etc/x",
        "/etc/x",
        "C:\\x",
        "..\\..\\x",
        "../../x",
        "../escaped-prop",
        "x-../../x",
    ];
    let existed: Vec<bool> = targets.iter().map(|p| t.path().join(p).exists()).collect();
    let runs: [&[&str]; 9] = [
        &["tm", "import", "props-and-ids.tmx"],
        &["tm", "import", "origin-and-extra-column.csv"],
        &["import", "--overwrite", "where-and-extra-columns.csv"],
        &["import", "--overwrite", "original-and-context.xlf"],
        &["build", "--partial"],
        &["export", "--again"],
        &["export", "--again", "--format", "xliff"],
        &["tm", "export", "--out", "out/memory.tmx"],
        &["tm", "export", "--format", "csv", "--out", "out/memory.csv"],
    ];
    for args in runs {
        let out = t.tolk(args).run();
        assert_eq!(sanity(&out), Vec::<String>::new(), "tolk {}", args.join(" "));
        out.success();
    }
    let root = t.path();
    // Two batches are recorded; their ids are times and random digits
    // (`b20261130-081502-7c1e.json`, and another suffix when both come in the same
    // second), so only their number is checked.
    let all: Vec<String> = walk(root)
        .iter()
        .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(all.iter().filter(|p| p.starts_with(".tolk/batches/b") && p.ends_with(".json")).count(), 2);
    let files: BTreeSet<String> = all
        .into_iter()
        .map(|p| {
            if p.starts_with(".tolk/batches/b") && p.ends_with(".json") {
                ".tolk/batches/BATCH.json".to_string()
            } else if p.starts_with("out/batches/batch-") {
                p.chars().filter(|c| !c.is_ascii_digit()).collect()
            } else {
                p
            }
        })
        .collect();
    let mut expected: BTreeSet<String> = [
        ".tolk/batches/BATCH.json",
        ".tolk/batches/.lock",
        // The four random digits of this clone's batch ids.
        ".tolk/cache/clone-id",
        "memory/.tolk.lock",
        "memory/nb-en.csv",
        "out/batches/batch-TZ.xlsx",
        "out/batches/batch-TZ.xlf",
        "out/memory.csv",
        "out/memory.tmx",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    // Each document of the corpus, and its edition of the same name.
    for name in corpus_names() {
        expected.extend([format!("corpus/{name}"), format!("out/en/{name}")]);
    }
    expected.extend(PATH_FILES.iter().map(|f| f.to_string()));
    assert_eq!(files, expected, "the files in the project");
    let beside: Vec<_> = std::fs::read_dir(outer.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(beside, [root.to_path_buf()], "files beside the project");
    for (p, existed) in targets.iter().zip(existed) {
        assert_eq!(t.path().join(p).exists(), existed, "{p}");
    }
    // The paths are still there, as text.
    let memory = t.read("memory/nb-en.csv");
    for text in ["../../etc/x", "/tmp/evil", "C:\\x", "../escaped-origin.csv", "../escaped-prop"] {
        assert!(memory.contains(text), "{text:?} is not in the memory:\n{memory}");
    }
}

// ---------------------------------------------------------------------------------
// Formula injection.

/// Lines a spreadsheet would run as formulas, one way or another.
const FORMULA_DOCUMENT: &str = "=1+1\n+47 22 00 00 00 er nummeret.\n-5 grader i dag.\n@SUM(A1:A2)\n\
                                \t=HYPERLINK(\"http://evil.example/\",\"klikk\")\n\r=cmd|' /C calc'!A0\n\
                                '=Allerede beskyttet.\n''To apostrofer.\n'-5 grader med apostrof.\n";

/// Near matches of those lines whose sources and targets start like formulas, with a
/// tab or with a carriage return, so suggestions and prefilled targets do too.
const FORMULA_MEMORY: &str = "source,target\n=1+2,\"\t=2+2\"\n-5 grader i går.,\"\r-5 degrees yesterday.\"\n\
                              +47 22 00 00 01 er nummeret.,+47 22 00 00 01 is the number.\n@SUM(A1:A3),@SUM(A1:A3)\n";

/// A batch of those lines, from documents whose names start like formulas too, has no
/// cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, with every
/// delimiter; and a translator's copy with each source copied into the target imports
/// every sentence back exactly as the document has it.
#[test]
fn exported_cells_never_start_like_a_formula_and_import_back_as_written() {
    for (delimiter, byte) in [(",", b','), (";", b';'), ("tab", b'\t')] {
        let t = Project::empty();
        for name in ["=formler.txt", "+pluss.txt", "-minus.txt", "@at.txt"] {
            t.write(&format!("corpus/{name}"), FORMULA_DOCUMENT.replace("=1+1", &format!("=1+1 {name}")));
        }
        t.write("memory/nb-en.csv", FORMULA_MEMORY);
        t.tolk(&["export", "--prefill", "--delimiter", delimiter, "--out", "batch.csv"]).run().success();
        let records = crate::util::csv_records(&std::fs::read(t.path().join("batch.csv")).unwrap(), byte);
        assert!(records.len() > 10, "{delimiter}: {} rows", records.len());
        for (row, record) in records.iter().enumerate() {
            for (column, cell) in record.iter().enumerate() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{delimiter}: row {}, column {}: {cell:?} starts like a formula",
                    row + 1,
                    records[0][column]
                );
            }
        }
        // Copy every source cell, as exported, into the target cell.
        let column = |name: &str| records[0].iter().position(|c| c == name).unwrap();
        let (source, target) = (column("source"), column("target"));
        let mut filled = csv::WriterBuilder::new().delimiter(byte).from_writer(b"\xef\xbb\xbf".to_vec());
        for (i, record) in records.iter().enumerate() {
            let mut record = record.clone();
            if i > 0 {
                record[target] = record[source].clone();
            }
            filled.write_record(&record).unwrap();
        }
        t.write("filled.csv", filled.into_inner().unwrap());
        t.tolk(&["import", "filled.csv"]).run().success();
        let memory: BTreeSet<(String, String)> = t
            .memory_rows()
            .into_iter()
            .map(|mut r| (r.remove("source").unwrap(), r.remove("target").unwrap()))
            .collect();
        let segments = t.tolk(&["segment", "--json"]).run().success().stdout;
        for line in segments.lines() {
            let segment: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = segment["text"].as_str().unwrap().to_string();
            assert!(
                memory.contains(&(text.clone(), text.clone())),
                "{delimiter}: {text:?} did not come back"
            );
        }
    }
}

/// Regression: `memory::write_csv` compared the header's names trimmed with an entry's
/// extra column names as they were, so a padded extra column (a header `source,target,
/// client`, or a TMX prop `x- Client`) was written once more by the next rewrite and the
/// memory no longer loaded. It keeps one ` client` column and loads.
#[test]
fn a_padded_column_name_is_written_once() {
    let t = Project::empty();
    t.write("memory/nb-en.csv", "source,target, client\nHei.,Hi.,Lyse\nJa.,Yes.,Lyse\n");
    t.write("new.tsv", "Nei.\tNo.\n");
    t.tolk(&["tm", "import", "new.tsv"]).run().success();
    let memory = t.read("memory/nb-en.csv");
    assert_eq!(memory.lines().next().unwrap(), "source,target, client,created,changed,origin,import");
    t.tolk(&["lookup", "Hei."]).run().success().stdout_contains("Hi.");
}
