//! `tolk export`: the batch file a translator opens in a spreadsheet. It must open
//! cleanly (UTF-8 BOM, the exact header, CRLF, each delimiter), hold one row per unique
//! sentence with every place it occurs, carry ids no spreadsheet reads as a number,
//! never hold a cell a spreadsheet would run as a formula (and get the text back on
//! import), offer fuzzy suggestions, and say on stderr how much there is to translate.

use std::collections::BTreeMap;

use crate::util::{csv_records, csv_rows, Project, EMPTY_MEMORY};

const HEADER: &str =
    "id,where,words,score,source,suggestion,suggestion_source,target,comment,context,terms,repaired";
const LYSE: &str = "lyse-dialog-trine-vestre-oen.txt";

/// What a spreadsheet takes as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Exports `t` with `args` to `b.csv` and returns the batch's bytes.
#[track_caller]
fn export(t: &Project, args: &[&str]) -> Vec<u8> {
    // The tests export to one file again and again, deliberately.
    let mut all = vec!["export", "--again", "--force", "--out", "b.csv"];
    all.extend_from_slice(args);
    t.tolk(&all).run().success().stdout_is("");
    std::fs::read(t.path().join("b.csv")).unwrap()
}

/// Asserts that no cell of `records` starts as a spreadsheet formula.
#[track_caller]
fn assert_no_formula(records: &[Vec<String>]) {
    for (n, record) in records.iter().enumerate() {
        for cell in record {
            assert!(
                !cell.starts_with(FORMULA_START),
                "row {}: the cell {cell:?} would run as a formula",
                n + 1
            );
        }
    }
}

#[test]
fn the_batch_is_utf8_with_a_bom_the_exact_header_and_crlf() {
    let bytes = export(&Project::untranslated(), &[]);
    let text = std::str::from_utf8(&bytes).expect("the batch is UTF-8");
    let body = text.strip_prefix('\u{feff}').expect("the batch starts with a UTF-8 BOM");
    assert_eq!(body.split("\r\n").next(), Some(HEADER));
    assert!(body.ends_with("\r\n"), "the last row ends with CRLF");
    // No cell of the bundled corpus holds a line break, so every one is a row end.
    let lf = body.matches('\n').count();
    assert_eq!(body.matches("\r\n").count(), lf, "a line ends without CR");
    assert_eq!(body.matches('\r').count(), lf, "a CR without LF");
    assert_eq!(lf, csv_records(&bytes, b',').len(), "one line per record");
}

#[test]
fn semicolon_and_tab_delimit_the_same_cells() {
    let t = Project::untranslated();
    let comma = csv_records(&export(&t, &[]), b',');
    for (arg, byte) in [(";", b';'), ("semicolon", b';'), ("tab", b'\t')] {
        let bytes = export(&t, &["--delimiter", arg]);
        let header = HEADER.replace(',', std::str::from_utf8(&[byte]).unwrap());
        assert!(
            bytes.starts_with(format!("\u{feff}{header}\r\n").as_bytes()),
            "--delimiter {arg}: the batch starts {:?}",
            String::from_utf8_lossy(&bytes[..100])
        );
        assert!(
            csv_records(&bytes, byte) == comma,
            "--delimiter {arg}: the cells differ from the comma batch"
        );
    }
    Project::untranslated()
        .tolk(&["export", "--again", "--delimiter", "|"])
        .run()
        .failure()
        .stderr_contains("expected `,`, `;` or `tab`, found \"|\"");
}

#[test]
fn one_row_per_unique_sentence_with_every_place_it_occurs() {
    let t = Project::untranslated();
    let rows = csv_rows(&export(&t, &[]), b',');
    // Where `tolk segment` finds each sentence, by id, in corpus order.
    let segments = t.tolk(&["segment", "--json"]).run().success();
    let mut places: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for line in segments.stdout.lines() {
        let s: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = s["id"].as_str().unwrap().to_owned();
        places.entry(id.clone()).or_default().push(format!("{}:{}", s["doc"].as_str().unwrap(), s["line"]));
        texts.insert(id, s["text"].as_str().unwrap().to_owned());
    }
    assert_eq!(rows.len(), places.len(), "one row per unique sentence");
    for row in &rows {
        let id = &row["id"];
        assert_eq!(row["where"], places[id].join("; "), "the places of {id}");
        assert_eq!(row["source"], texts[id], "the source of {id}");
    }
    // The photo caption is given twice at the top of the plain-text interview, on lines
    // 1 and 2: one row lists both (and its places in the interview's other formats).
    let trine = rows.iter().find(|r| r["source"].starts_with("Trine Vestre Øen er direktør")).unwrap();
    let in_lyse: Vec<&str> =
        trine["where"].split("; ").filter(|p| p.starts_with(&format!("{LYSE}:"))).collect();
    assert_eq!(in_lyse, [format!("{LYSE}:1"), format!("{LYSE}:2")], "{}", trine["where"]);
}

#[test]
fn ids_are_stable_and_never_read_as_numbers() {
    let records = csv_records(&export(&Project::untranslated(), &[]), b',');
    let shape = regex::Regex::new("^s[0-9a-f]{16}$").unwrap();
    for record in &records[1..] {
        let id = &record[0];
        assert!(shape.is_match(id), "{id:?} is not s + 16 hex digits");
        assert!(!id.bytes().all(|b| b.is_ascii_digit()), "{id:?} is all digits");
        assert!(id.parse::<f64>().is_err(), "{id:?} reads as a number");
    }
    // Ids derive from the text: the fixtures in tests/data/import depend on this one.
    let trine = records.iter().find(|r| r[4].starts_with("Trine Vestre Øen er direktør")).unwrap();
    assert_eq!(trine[0], "s7603e50071c97f3f");
}

#[test]
fn no_cell_of_the_bundled_batch_starts_a_formula() {
    assert_no_formula(&csv_records(&export(&Project::untranslated(), &[]), b','));
}

#[test]
fn formula_sentences_are_neutralised_and_come_back_whole_on_import() {
    let t = Project::empty();
    t.write("corpus/formler.txt", "Hei.\n=SUM(A1:A2) er en formel.\n-10 grader i dag.\n")
        .write("memory/nb-en.csv", EMPTY_MEMORY);
    let bytes = export(&t, &[]);
    let mut records = csv_records(&bytes, b',');
    assert_no_formula(&records);
    let sources: Vec<&str> = records[1..].iter().map(|r| r[4].as_str()).collect();
    assert_eq!(sources, ["Hei.", "'=SUM(A1:A2) er en formel.", "'-10 grader i dag."]);

    // The translator keeps tolk's apostrophe where a target starts like a formula.
    for (record, target) in
        records[1..].iter_mut().zip(["Hi.", "'=SUM(A1:A2) is a formula.", "'-10 degrees today."])
    {
        record[7] = target.to_owned();
    }
    let mut w =
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xef\xbb\xbf".to_vec());
    for r in &records {
        w.write_record(r).unwrap();
    }
    t.write("b.csv", w.into_inner().unwrap());
    t.tolk(&["import", "b.csv"]).run().success().stderr_contains("3 added");
    let memory: Vec<(String, String)> =
        t.memory_rows().into_iter().map(|r| (r["source"].clone(), r["target"].clone())).collect();
    let expected = [
        ("Hei.", "Hi."),
        ("=SUM(A1:A2) er en formel.", "=SUM(A1:A2) is a formula."),
        ("-10 grader i dag.", "-10 degrees today."),
    ];
    assert_eq!(memory, expected.map(|(s, t)| (s.to_owned(), t.to_owned())));
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/formler.txt"), "Hi.\n=SUM(A1:A2) is a formula.\n-10 degrees today.\n");
}

#[test]
fn a_near_match_is_suggested_and_prefill_copies_it_into_the_target() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Jeg elsker å komme inn på kundesenteret om morgenen.\n").write(
        "memory/nb-en.csv",
        "source,target\nJeg elsker å komme inn på kundesenteret om kvelden.,I love coming in to the customer centre in the evening.\n",
    );
    for (args, target) in
        [(&[][..], ""), (&["--prefill"][..], "I love coming in to the customer centre in the evening.")]
    {
        let rows = csv_rows(&export(&t, args), b',');
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        let score: u8 = row["score"].parse().unwrap_or_else(|_| panic!("score {:?}", row["score"]));
        assert!((50..100).contains(&score), "a near match scores {score}");
        assert_eq!(row["suggestion"], "I love coming in to the customer centre in the evening.");
        assert_eq!(row["suggestion_source"], "Jeg elsker å komme inn på kundesenteret om kvelden.");
        assert_eq!(row["target"], target, "{args:?}");
    }
    // Below --min-score nothing is suggested.
    let rows = csv_rows(&export(&t, &["--min-score", "100"]), b',');
    assert_eq!((rows[0]["score"].as_str(), rows[0]["suggestion"].as_str()), ("", ""));
}

#[test]
fn the_summary_names_the_segments_and_words() {
    let t = Project::untranslated();
    for (arg, byte, name) in [(",", b',', "comma"), (";", b';', "semicolon")] {
        let out =
            t.tolk(&["export", "--again", "--force", "--out", "b.csv", "--delimiter", arg]).run().success();
        let rows = csv_rows(&std::fs::read(t.path().join("b.csv")).unwrap(), byte);
        let words: usize = rows.iter().map(|r| r["words"].parse::<usize>().unwrap()).sum();
        out.stderr_contains(&format!(
            "batch b.csv: {} segments, {words} words ({name} delimiter)\n",
            rows.len()
        ));
    }
}

#[test]
fn out_dash_writes_the_batch_to_stdout() {
    let t = Project::untranslated();
    let file = export(&t, &[]);
    let out = t
        .tolk(&["export", "--again", "--format", "csv", "--out", "-", "--quiet"])
        .run()
        .success()
        .stderr_is("");
    assert!(out.stdout.as_bytes() == file, "stdout differs from the batch written to a file");
}

/// A fresh project, with documents and no `memory/` yet, analyses and exports its first
/// batch, and the first import makes the memory: no dead end.
#[test]
fn a_fresh_project_exports_its_first_batch_before_any_memory_exists() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Hei. Hvem er du?\n");
    t.tolk(&["analyze"]).run().success().stdout_contains("No match");
    t.tolk(&["export", "-o", "b.csv"]).run().success();
    assert!(!t.path().join("memory").exists(), "reading made a memory");
    // The translator fills in the batch; its import makes the memory.
    let mut records = crate::util::csv_records(t.read("b.csv").as_bytes(), b',');
    let (source, target) = {
        let header = &records[0];
        let at = |name: &str| header.iter().position(|c| c == name).unwrap();
        (at("source"), at("target"))
    };
    assert_eq!(records.len(), 3, "{records:?}");
    for r in &mut records[1..] {
        r[target] = format!("EN {}", r[source]);
    }
    let mut filled = csv::Writer::from_writer(Vec::new());
    for r in &records {
        filled.write_record(r).unwrap();
    }
    t.write("b.csv", filled.into_inner().unwrap());
    t.tolk(&["import", "b.csv"]).run().success();
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "EN Hei. EN Hvem er du?\n");
}

/// An export never replaces a file a translator may have filled in, unless `--force`,
/// and two exports with default names, even in the same second, never share a file.
#[test]
fn an_export_never_overwrites_a_batch_unless_forced_and_default_names_never_collide() {
    let t = Project::untranslated();
    t.write("b.csv", "id,source,target\nfilled in by a translator\n");
    t.tolk(&["export", "--again", "-o", "b.csv"])
        .run()
        .failure()
        .stderr_contains("error: b.csv exists, and may be a batch a translator has already filled in; name another file, or add --force to replace it");
    assert_eq!(t.read("b.csv"), "id,source,target\nfilled in by a translator\n");
    t.tolk(&["export", "--again", "-o", "b.csv", "--force"]).run().success();
    assert!(t.read("b.csv").contains("Kort, hva er din kundeservicekarriere?"));
    for _ in 0..3 {
        t.tolk(&["export", "--again", "--format", "csv"]).run().success();
    }
    let batches = t.snapshot_dir("out/batches");
    assert_eq!(batches.len(), 3, "{:?}", batches.keys().collect::<Vec<_>>());
    assert!(batches.values().all(|b| !b.is_empty()));
}

/// In a Markdown article, a translator sees what each lone tag stands for: the code
/// span as the article writes it, in the context column and in XLIFF's notes.
#[test]
fn the_context_says_what_a_markdown_code_span_is() {
    let t = Project::empty();
    t.write("corpus/a.md", "# Oppsett\n\nKjør `npm install` for å starte.\n");
    let rows = csv_rows(&export(&t, &["--format", "csv"]), b',');
    let row = rows.iter().find(|r| r["source"] == "Kjør {1/} for å starte.").unwrap();
    assert_eq!(row["context"], "before: Oppsett | tags: {1/} = `npm install`");
    t.tolk(&["export", "--again", "-o", "b.xlf"]).run().success();
    assert!(t.read("b.xlf").contains(">tag 1 = `npm install`</note>"), "{}", t.read("b.xlf"));
}

#[test]
fn the_context_names_what_a_word_or_libreoffice_tag_is() {
    let t = Project::empty();
    for name in ["lyse-dialog-trine-vestre-oen.docx", "lyse-dialog-trine-vestre-oen.odt"] {
        t.write(
            &format!("corpus/{name}"),
            std::fs::read(crate::util::repo().join("corpus").join(name)).unwrap(),
        );
    }
    let rows = csv_rows(&export(&t, &["--format", "csv"]), b',');
    let tagged: Vec<&std::collections::BTreeMap<String, String>> = rows
        .iter()
        .filter(|r| r["where"].contains(".docx") || r["where"].contains(".odt"))
        .filter(|r| r["source"].contains("{1}"))
        .collect();
    assert!(!tagged.is_empty(), "no tagged sentence of the Word or LibreOffice interview");
    // Every pair is named (a link, italic), never shown as XML.
    for row in tagged {
        assert!(row["context"].contains("tags: {1}…{/1} = "), "{row:?}");
        assert!(!row["context"].contains("<w:") && !row["context"].contains("<text:"), "{row:?}");
    }
    let link =
        rows.iter().find(|r| r["source"].contains("{1}Lyse Dialog{/1}")).expect("the link to Lyse Dialog");
    assert!(link["context"].contains("{1}…{/1} = link"), "{link:?}");
}

/// The file `-o` names is what its name says: `.ods` was written as an XLSX workbook
/// and `.tsv` as comma-separated CSV (a new-user trial). A `.tsv` is tab-separated, an
/// extension no format has is refused (`.ods` with what to write instead), and so is a
/// delimiter a `.tsv` does not have; nothing is written or recorded.
#[test]
fn the_out_files_extension_is_its_format() {
    let t = Project::untranslated();
    t.tolk(&["export", "-o", "b.ods"]).run().failure().stderr_is(
        "error: --out b.ods: tolk cannot write an OpenDocument spreadsheet (.ods); write b.xlsx, which \
         LibreOffice opens, and which it may save back as .ods: `tolk import` reads either\n",
    );
    t.tolk(&["export", "--format", "xlsx", "-o", "b.dat"])
        .run()
        .failure()
        .stderr_contains("error: --out b.dat: .dat is no batch format; tolk writes batches as .xlsx");
    t.tolk(&["export", "-o", "b.tsv", "--delimiter", ";"])
        .run()
        .failure()
        .stderr_contains("--out b.tsv is tab-separated by its name");
    assert!(!t.path().join("b.ods").exists() && !t.path().join("b.dat").exists());
    assert!(
        !t.path().join(".tolk/batches").exists()
            || t.snapshot_dir(".tolk/batches").keys().all(|k| !k.ends_with(".json"))
    );
    t.tolk(&["export", "-o", "b.tsv"]).run().success();
    let text = t.read("b.tsv");
    assert!(text.starts_with("\u{feff}id\twhere\twords\t"), "{text}");
}
