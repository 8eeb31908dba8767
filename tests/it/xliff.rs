//! XLIFF batches with the real binary: `tolk export --format xliff` and `tolk import` of
//! what a CAT tool gives back.
//!
//! Every XLIFF tolk writes here is validated against the OASIS XLIFF 1.2 strict schema
//! (`tests/schemas/`) with `xmllint`, which must be installed (`.ci/run` installs
//! libxml2-utils); a missing xmllint fails the test rather than skipping it. The
//! translator is simulated with plain string edits of the exported file (each target
//! set to the bundled memory's translation with `state="translated"`, its inline tags
//! read as the memory's placeholders to look it up and written back as tags); a file as
//! a CAT tool really returns one, with segment markers and its own extensions, is in
//! `tests/data/xliff/` (see its README.md). Sentences with formatting codes go out as
//! inline tags, validated too, and come back as placeholders, whether with tolk's tags
//! or with those other tools write.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use quick_xml::escape::{escape, unescape};
use tolk::batch::csv::unescape_cell;
use tolk::document::inline::{pieces, Code, Piece};

use crate::util::{
    assert_same_editions, bundled_translations, csv_rows, diff, repo, repo_file, walk, Project,
};

/// The schema every XLIFF tolk writes must satisfy.
const SCHEMA: &str = "tests/schemas/xliff-core-1.2-strict.xsd";

/// Validates the file `rel` of `t` against [`SCHEMA`] with xmllint.
#[track_caller]
fn assert_valid(t: &Project, rel: &str) {
    let path = t.path().join(rel);
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(repo().join(SCHEMA))
        .arg(&path)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run xmllint ({e}); every XLIFF tolk writes is validated with it: install \
                 libxml2-utils (`apt-get install libxml2-utils`, as .ci/run does)"
            )
        });
    assert!(
        out.status.success(),
        "{rel} does not validate against {SCHEMA}:\n{}\n--- {rel} ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        t.read(rel)
    );
}

/// `tolk export --format xliff --out REL ARGS` in `t`, validated; returns the file.
#[track_caller]
fn export(t: &Project, rel: &str, args: &[&str]) -> String {
    let mut all = vec!["export", "--again", "--force", "--format", "xliff", "--out", rel];
    all.extend_from_slice(args);
    t.tolk(&all).run().success().stderr_contains("(XLIFF 1.2)");
    assert_valid(t, rel);
    t.read(rel)
}

/// A unit of an exported file, as the test reads it with string searches.
#[derive(Debug)]
struct TransUnit {
    id: String,
    /// The line its `<trans-unit` is on.
    line: usize,
    /// What its `<source>` holds, as it is in the file: escaped text and inline tags.
    xml: String,
    /// The sentence, as the memory keeps it: the text of [`TransUnit::xml`] with its
    /// tags as placeholders.
    source: String,
}

/// The units of `xliff` as tolk writes it (one element per line).
fn units(xliff: &str) -> Vec<TransUnit> {
    let mut out = Vec::new();
    let mut lines = xliff.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(rest) = line.trim().strip_prefix("<trans-unit id=\"") else { continue };
        let id = rest.split('"').next().unwrap().to_string();
        let (_, source) = lines.next().unwrap();
        let xml = source.trim().strip_prefix("<source>").and_then(|s| s.strip_suffix("</source>")).unwrap();
        out.push(TransUnit { id, line: n + 1, xml: xml.to_owned(), source: placeholders(xml) });
    }
    out
}

/// The sentence `xml`, the inside of a `<source>` or `<target>` as tolk writes it, stands
/// for: the text unescaped and the inline tags as tolk's placeholders (`<g id="n">` and
/// its `</g>` as `{n}` and `{/n}`, `<x id="n"/>` as `{n/}`, `<bx id="n"/>` as `{n}`,
/// `<ex id="n"/>` as `{/n}`; a `ctype` is allowed). Read here apart from tolk's XLIFF reader, so a test of
/// what tolk writes does not rest on how tolk reads it.
#[track_caller]
fn placeholders(xml: &str) -> String {
    let tag = regex::Regex::new(r#"<(/?)(g|x|bx|ex)(?: id="([1-9][0-9]*)")?(?: ctype="x?-?[a-z-]+")?(/?)>"#)
        .unwrap();
    let text = |piece: &str| {
        assert!(!piece.contains('<'), "an element other than g, x, bx or ex in {xml:?}");
        unescape(piece).unwrap_or_else(|e| panic!("{e} in {xml:?}")).into_owned()
    };
    let (mut out, mut open, mut at) = (String::new(), Vec::new(), 0);
    for c in tag.captures_iter(xml) {
        let whole = c.get(0).unwrap();
        out.push_str(&text(&xml[at..whole.start()]));
        at = whole.end();
        let code = match (&c[1], &c[2], c.get(3).map(|n| n.as_str()), &c[4]) {
            ("", "g", Some(n), "") => {
                open.push(n);
                format!("{{{n}}}")
            }
            ("/", "g", None, "") => {
                format!("{{/{}}}", open.pop().unwrap_or_else(|| panic!("a lone </g> in {xml:?}")))
            }
            ("", "x", Some(n), "/") => format!("{{{n}/}}"),
            ("", "bx", Some(n), "/") => format!("{{{n}}}"),
            ("", "ex", Some(n), "/") => format!("{{/{n}}}"),
            _ => panic!("an unexpected tag {:?} in {xml:?}", whole.as_str()),
        };
        out.push_str(&code);
    }
    out.push_str(&text(&xml[at..]));
    assert!(open.is_empty(), "an unclosed <g> in {xml:?}");
    out
}

/// `sentence` with its placeholders as XLIFF inline tags, as a CAT tool writes a
/// translation: `{n}` and `{/n}` as `<g id="n">` and `</g>`, `{n/}` as `<x id="n"/>`.
/// Pairs must nest, as they do in the bundled memory (the import checks the tags).
fn tags(sentence: &str) -> String {
    pieces(sentence)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => escape(t).into_owned(),
            Piece::Code(Code::Open(n), _) => format!("<g id=\"{n}\">"),
            Piece::Code(Code::Close(_), _) => "</g>".to_owned(),
            Piece::Code(Code::Lone(n), _) => format!("<x id=\"{n}\"/>"),
        })
        .collect()
}

#[test]
fn placeholders_and_tags_are_each_others_reverse() {
    for (xml, sentence) in [
        ("Hei &amp; &lt;b&gt; «sa» han.", "Hei & <b> «sa» han."),
        (
            "Hos <g id=\"1\">Lyse <g id=\"2\">Dialog</g></g> er vi glade<x id=\"3\"/>.",
            "Hos {1}Lyse {2}Dialog{/2}{/1} er vi glade{3/}.",
        ),
    ] {
        assert_eq!(placeholders(xml), sentence);
        assert_eq!(tags(sentence), xml);
    }
    assert_eq!(placeholders("<g id=\"1\">sa<bx id=\"2\"/>hun</g>.<ex id=\"2\"/>"), "{1}sa{2}hun{/1}.{/2}");
}

/// Sets the target of each unit of `xliff` for which `translate(source)` gives a
/// translation and a state, as a translator's CAT tool would: the source and the
/// translation are sentences as the memory keeps them, with placeholders for the tags.
fn fill(xliff: &str, mut translate: impl FnMut(&str) -> Option<(String, &'static str)>) -> String {
    let mut out = String::new();
    let mut source = None;
    for line in xliff.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(s) = trimmed.strip_prefix("<source>").and_then(|s| s.strip_suffix("</source>")) {
            source = Some(placeholders(s));
        }
        // The unit's own target is the first after its source; alt-trans has another.
        if trimmed.starts_with("<target") {
            if let Some((target, state)) = source.take().and_then(|s| translate(&s)) {
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push_str(&format!("{indent}<target state=\"{state}\">{}</target>\n", tags(&target)));
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

/// The bundled memory's translation of every source, as translated.
fn translate_all(xliff: &str) -> String {
    let memory = bundled_translations();
    fill(xliff, |source| {
        let target = memory.get(source).unwrap_or_else(|| panic!("the bundled memory lacks {source:?}"));
        Some((target.clone(), "translated"))
    })
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
    let t = Project::untranslated();
    let batch = export(&t, "b.xlf", &[]);
    let units = units(&batch);
    let count = units.len();
    assert!(count > 0, "the bundled corpus gave an empty batch");
    t.write("b.xlf", translate_all(&batch));
    assert_valid(&t, "b.xlf");
    // A name the memory gives as itself ("Chess") is taken, with a warning at its unit.
    let translations = bundled_translations();
    let same: Vec<&TransUnit> = units.iter().filter(|u| translations[&u.source] == u.source).collect();
    let mut out = t.tolk(&["import", "b.xlf"]).run().success().stderr_contains(&format!(
        "{count} added, 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, {}, \
         0 refused (written to memory/nb-en.csv)",
        if same.len() == 1 { "1 warning".to_string() } else { format!("{} warnings", same.len()) }
    ));
    for unit in same {
        let (line, id) = (unit.line, &unit.id);
        out = out.stderr_contains(&format!(
            "warning: b.xlf: line {line} (trans-unit {id}): the target is the same as the source\n"
        ));
    }
    assert_eq!(pairs(&t), translations.into_iter().collect(), "the imported memory differs");
    t.tolk(&["build"]).run().success().stderr_contains(" 0 untranslated");
    let bundled = Project::new();
    bundled.tolk(&["build"]).run().success();
    assert_same_editions(&t, &bundled);
    // Everything is translated now: importing again changes nothing.
    let memory = t.snapshot_dir("memory");
    t.tolk(&["import", "b.xlf"]).run().success().stderr_contains(&format!("0 added, {count} unchanged"));
    assert!(t.snapshot_dir("memory") == memory, "the second import changed memory/");
}

#[test]
fn the_xliff_batch_holds_the_csv_batchs_sentences_in_its_order() {
    let t = Project::untranslated();
    let xliff = units(&export(&t, "b.xlf", &[]));
    t.tolk(&["export", "--again", "--out", "b.csv"]).run().success();
    let csv = csv_rows(t.read("b.csv").as_bytes(), b',');
    let from_csv: Vec<(String, String)> =
        csv.iter().map(|r| (r["id"].clone(), unescape_cell(&r["source"]).to_owned())).collect();
    let from_xliff: Vec<(String, String)> = xliff.into_iter().map(|u| (u.id, u.source)).collect();
    assert_eq!(from_xliff, from_csv);
}

#[test]
fn a_renamed_xliff_batch_is_known_by_the_id_it_carries() {
    let t = Project::untranslated();
    t.tolk(&["export", "--format", "csv", "--for", "Anna", "-o", "anna.csv"]).run().success();
    let batch = export(&t, "bjorn.xlf", &["--for", "Bjørn"]);
    let status = |t: &Project| -> serde_json::Value {
        serde_json::from_str(&t.tolk(&["status", "--json"]).run().success().stdout).unwrap()
    };
    let s = status(&t);
    let (anna, bjorn) = (s["batches"][0]["id"].as_str().unwrap(), s["batches"][1]["id"].as_str().unwrap());
    assert!(batch.contains(&format!("job-id=\"{bjorn}\" contact-name=\"Bjørn\"")), "{batch}");
    // Sent back under another name, Bjørn's file closes Bjørn's batch and credits him.
    // (Sent twice in one go, the first file closes it.)
    t.write("from-bjorn.xlf", translate_all(&batch)).write("from-bjorn-2.xlf", translate_all(&batch));
    t.tolk(&["import", "from-bjorn.xlf", "from-bjorn-2.xlf"])
        .run()
        .success()
        .stderr_contains(&format!("batch {bjorn} (for Bjørn) is back with"))
        .stderr_contains(&format!(
            "from-bjorn-2.xlf is batch {bjorn} (for Bjørn), which came back already ("
        ));
    assert!(t.memory_rows().iter().all(|r| r["translator"] == "Bjørn"));
    // Sent again, renamed once more: it is no batch still out, though its sentences are
    // all of Anna's, and credits no one else.
    t.write("bjorn-v2.xlf", translate_all(&batch).replace("welcome", "welcome!"));
    for dry in [true, false] {
        let args =
            if dry { vec!["import", "--dry-run", "bjorn-v2.xlf"] } else { vec!["import", "bjorn-v2.xlf"] };
        t.tolk(&args)
            .run()
            .success()
            .stderr_contains(&format!("bjorn-v2.xlf is batch {bjorn} (for Bjørn), which came back already ("))
            .stderr_contains(&format!(
                ", in from-bjorn.xlf), so no batch {} closed",
                if dry { "would be" } else { "was" }
            ));
    }
    // Regression: a file naming a batch this project has no record of closed the
    // batch whose sentences it has (and credited its translator). It closes none, and
    // says why.
    t.write("other.xlf", translate_all(&batch).replace(bjorn, "b19990101-000000"));
    t.tolk(&["import", "other.xlf"]).run().success().stderr_contains(
        "other.xlf names batch b19990101-000000 in its header, which this project has no record of (a batch of \
         another project, or of another copy of this one), so no batch was closed, whatever sentences it shares \
         with a batch still out; its translations are checked and imported as any others\n",
    );
    let s = status(&t);
    assert_eq!(
        (s["batches"][0]["id"].as_str(), &s["batches"][0]["returned"]),
        (Some(anna), &serde_json::Value::Null)
    );
    assert!(t.memory_rows().iter().all(|r| r["translator"] != "Anna"));
}

#[test]
fn the_default_batch_name_ends_in_xlf() {
    let t = Project::untranslated();
    t.tolk(&["export", "--format", "xliff"]).run().success().stderr_contains(".xlf: ");
    let written = walk(&t.path().join("out/batches"));
    assert_eq!(written.len(), 1, "{written:?}");
    let name = written[0].strip_prefix(t.path()).unwrap().to_string_lossy().replace('\\', "/");
    assert!(name.starts_with("out/batches/batch-") && name.ends_with(".xlf"), "{name}");
    assert_valid(&t, &name);
}

#[test]
fn a_shared_sentence_is_one_unit_in_the_file_of_its_first_document() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Hei.\nPrisen er 5 < 10 & «billig», sa \"Ola\".\n")
        .write("corpus/b.txt", "Ja.\n\nPrisen er 5 < 10 & «billig», sa \"Ola\".\n")
        .write("memory/nb-en.csv", "source,target\nHei.,Hi.\n");
    let xliff = export(&t, "b.xlf", &[]);
    assert_eq!(xliff.matches("<trans-unit ").count(), 2, "{xliff}");
    let a = xliff.find("<file original=\"a.txt\"").expect("a file element for a.txt");
    let b = xliff.find("<file original=\"b.txt\"").expect("a file element for b.txt");
    let shared = xliff.find("<source>Prisen er 5 &lt; 10 &amp; «billig», sa \"Ola\".</source>").unwrap();
    assert!(a < shared && shared < b, "the shared sentence is not in a.txt's file:\n{xliff}");
    let places = &xliff[shared..b];
    for (file, line) in [("a.txt", 2), ("b.txt", 3)] {
        let group = format!(
            "<context context-type=\"sourcefile\">{file}</context>\n          \
             <context context-type=\"linenumber\">{line}</context>"
        );
        assert!(places.contains(&group), "no context for {file}:{line}:\n{xliff}");
    }
    assert!(places.contains("<note from=\"tolk\" annotates=\"source\">before: Hei.</note>"), "{xliff}");
}

#[test]
fn needs_translation_and_new_targets_are_counted_and_not_imported() {
    let t = Project::untranslated();
    let batch = export(&t, "b.xlf", &[]);
    let sources: Vec<String> = units(&batch).into_iter().map(|u| u.source).collect();
    let memory = bundled_translations();
    let draft: HashMap<&str, &str> =
        // needs-l10n: its text is still to be adapted (XLIFF 1.2), as a draft's is.
        [(&*sources[0], "needs-translation"), (&*sources[1], "new"), (&*sources[2], "needs-l10n")]
            .into();
    t.write(
        "b.xlf",
        fill(&batch, |source| {
            let state = draft.get(source).copied().unwrap_or("translated");
            Some((memory[source].clone(), state))
        }),
    );
    assert_valid(&t, "b.xlf");
    t.tolk(&["import", "b.xlf"]).run().success().stderr_contains(&format!(
        "{} added, 0 unchanged, 0 skipped (empty target), 3 skipped (state)",
        sources.len() - 3
    ));
    let imported: BTreeSet<String> = pairs(&t).into_iter().map(|(s, _)| s).collect();
    for source in draft.keys() {
        assert!(!imported.contains(*source), "{source:?} was imported although not translated");
    }
    assert_eq!(imported.len(), sources.len() - 3);
    // The drafts left out are named in one warning, each by its line, with what to do;
    // --take-drafts takes them.
    let again = t.tolk(&["import", "--dry-run", "b.xlf"]).run().success();
    let all = units(&batch);
    let place = |k: usize| format!("line {} (trans-unit {})", all[k].line, all[k].id);
    let again = again.stderr_contains(&format!(
        "warning: b.xlf: 3 translations whose state says they are not translated yet (needs-translation: 1, new: 1, \
         needs-l10n: 1) were not imported (they go in the next batch): {}, {} and {}; confirm them in the CAT tool \
         (the state translated or final, or approved=\"yes\" on the trans-unit), or import with --take-drafts\n",
        place(0),
        place(1),
        place(2)
    ));
    // The summary counts every warning printed, these included.
    let printed = again.stderr.lines().filter(|l| l.starts_with("warning: ")).count();
    assert!(again.stderr.contains(&format!(", {printed} warnings, ")), "{}", again.stderr);
    t.tolk(&["import", "--take-drafts", "b.xlf"]).run().success().stderr_contains(&format!(
        "3 added, {} unchanged, 0 skipped (empty target), 0 skipped (state)",
        sources.len() - 3
    ));
}

#[test]
fn an_edited_source_is_refused_with_its_line_and_nothing_is_written() {
    let t = Project::untranslated();
    let batch = export(&t, "b.xlf", &[]);
    let edited = &units(&batch)[3];
    let filled = translate_all(&batch).replacen(
        &format!("<source>{}</source>", edited.xml),
        &format!("<source>{} Endret.</source>", edited.xml),
        1,
    );
    t.write("b.xlf", filled);
    let memory = t.snapshot_dir("memory");
    t.tolk(&["import", "b.xlf"])
        .run()
        .failure()
        .stderr_contains(&format!(
            "error: b.xlf: line {} (trans-unit {}), element source: expected the sentence as issued, {:?} (the \
             source must not be edited), found {:?}\n",
            edited.line + 1,
            edited.id,
            edited.source,
            format!("{} Endret.", edited.source)
        ))
        .stderr_contains("1 row refused, nothing was written");
    assert!(t.snapshot_dir("memory") == memory, "a refused import changed memory/");
}

#[test]
fn prefill_and_the_best_suggestion_come_from_a_near_match() {
    const SENTENCE: &str = "Hva gjør du for at flest mulig dager skal bli gode?";
    const NEAR: &str = "Hva gjør du for at flest mulig dager skal bli fine?";
    let t = Project::new();
    let bundled = repo_file("memory/nb-en.csv");
    assert!(bundled.contains(&format!("\n{SENTENCE},")), "the bundled memory no longer has {SENTENCE:?}");
    t.write("memory/nb-en.csv", bundled.replace(&format!("\n{SENTENCE},"), &format!("\n{NEAR},")));
    let target = &bundled_translations()[SENTENCE];
    for (prefill, expected_target) in [
        (true, format!("<target state=\"needs-review-translation\" state-qualifier=\"leveraged-tm\">{target}</target>")),
        (false, "<target state=\"needs-translation\"></target>".to_string()),
    ] {
        let xliff = export(&t, "b.xlf", if prefill { &["--prefill"] } else { &[] });
        assert_eq!(xliff.matches("<trans-unit ").count(), 1, "{xliff}");
        assert!(xliff.contains(&format!("<source>{SENTENCE}</source>\n        {expected_target}\n")), "{xliff}");
        let quality = xliff
            .split("<alt-trans match-quality=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no alt-trans:\n{xliff}"));
        let score: u8 = quality.parse().unwrap_or_else(|_| panic!("match-quality {quality:?} is not a score"));
        assert!((50..100).contains(&score), "match-quality {score}");
        assert!(
            xliff.contains(&format!("\n          <source>{NEAR}</source>\n          <target>{target}</target>\n")),
            "the alt-trans lacks the near match's source and target:\n{xliff}"
        );
    }
    // Returned as it went out (OmegaT leaves states alone), the prefilled suggestion was
    // never reviewed: it is not imported, and goes in the next batch.
    let prefilled = format!(
        "<target state=\"needs-review-translation\" state-qualifier=\"leveraged-tm\">{target}</target>"
    );
    let batch = export(&t, "b.xlf", &["--prefill"]);
    let memory = t.read("memory/nb-en.csv");
    let (line, id) = (units(&batch)[0].line, units(&batch)[0].id.clone());
    t.tolk(&["import", "b.xlf"])
        .run()
        .success()
        .stderr_contains(&format!(
            "b.xlf: line {line} (trans-unit {id}): a target is still the fuzzy suggestion `export --prefill` put there, in its state \
             needs-review-translation, so never reviewed and not imported (it goes in the next batch); confirm it \
             in the CAT tool (the state translated or final, or approved=\"yes\" on the trans-unit), or import \
             with --take-drafts if it was reviewed"
        ))
        .stderr_contains("0 added, 0 unchanged, 0 skipped (empty target), 1 skipped (state)");
    assert!(t.read("memory/nb-en.csv") == memory, "an unreviewed suggestion was imported");
    // Confirmed in the CAT tool (its state), or taken with --take-drafts, it is imported,
    // named as the suggestion unchanged unless its state says it was confirmed.
    for (state, flags, warned) in
        [("needs-review-translation", &["--take-drafts"][..], true), ("translated", &[][..], false)]
    {
        t.write("b.xlf", batch.replace(&prefilled, &format!("<target state=\"{state}\">{target}</target>")));
        let out = t
            .tolk(&[&["import", "b.xlf", "--dry-run"][..], flags].concat())
            .run()
            .success()
            .stderr_contains("would add 1");
        assert_eq!(
            out.stderr.contains("the target is the fuzzy suggestion, unchanged: check that it was reviewed"),
            warned,
            "{}",
            out.stderr
        );
    }
    // Edited, it is the translator's work, whatever its state: the state it still has
    // is the one tolk gave it (OmegaT leaves states alone), no translator's word that
    // it awaits review.
    t.write(
        "b.xlf",
        batch.replace(&prefilled, &prefilled.replace(target.as_str(), "What do you do for good days?")),
    );
    let out = t.tolk(&["import", "b.xlf"]).run().success().stderr_contains("1 added, 0 unchanged");
    assert!(!out.stderr.contains("warning:"), "{}", out.stderr);
}

#[test]
fn a_file_returned_from_a_cat_tool_is_imported() {
    let data = repo().join("tests/data/xliff");
    let t = Project::empty();
    for path in walk(&data.join("corpus")).into_iter().chain(walk(&data.join("memory"))) {
        let rel = path.strip_prefix(&data).unwrap().to_string_lossy().replace('\\', "/");
        t.write(&rel, std::fs::read(&path).unwrap());
    }
    let name = "returned-from-cat-tool.xlf";
    t.write(name, std::fs::read(data.join(name)).unwrap());
    // The file was made from an export of this corpus: its ids must still be the ones
    // tolk issues, or the fixture is stale (see tests/data/xliff/README.md).
    let issued: BTreeSet<String> =
        units(&export(&t, "fresh.xlf", &["--prefill"])).into_iter().map(|u| u.id).collect();
    let returned: BTreeSet<String> = t
        .read(name)
        .split("<trans-unit id=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect();
    assert_eq!(returned, issued, "{name} is stale: regenerate it as tests/data/xliff/README.md says");
    let memory = t.snapshot_dir("memory");
    t.tolk(&["import", name, "--dry-run"]).run().success();
    assert!(t.snapshot_dir("memory") == memory, "--dry-run changed memory/");
    t.tolk(&["import", name])
        .run()
        .success()
        .stderr_contains(&format!(
            "{name}: 1 element of another tool (not XLIFF inline markup) in sources and targets read as its \
             text, without a tag\n"
        ))
        .stderr_contains("11 added, 0 unchanged, 0 skipped (empty target), 1 skipped (state), 0 conflicts");
    let added = pairs(&t);
    assert!(
        added.contains(&("Kundeservice i Bergen".into(), "Customer service in Bergen".into())),
        "{added:?}"
    );
    assert!(
        !added.iter().any(|(s, _)| s == "At vi har det gøy sammen."),
        "a needs-translation draft was imported"
    );
    // The expected editions keep the untranslated sentence as it is, unmarked.
    t.tolk(&["build", "--partial", "--mark", "{}"]).run().success().stderr_contains("1 untranslated");
    for path in walk(&data.join("en")) {
        let name = path.file_name().unwrap().to_string_lossy();
        let (expected, actual) = (std::fs::read_to_string(&path).unwrap(), t.read(&format!("out/en/{name}")));
        assert!(expected == actual, "{name} differs (- expected, + built):\n{}", diff(&expected, &actual));
    }
}

/// An OmegaT project in `t`'s folder `omegat-project`, Norwegian to English, with
/// sentence segmentation off (tolk's units are sentences already) and its settings
/// in its own `home`.
fn omegat_project(t: &Project) -> std::path::PathBuf {
    let project = t.path().join("omegat-project");
    for dir in ["source", "target", "tm/auto", "glossary", "dictionary", "omegat", "home"] {
        std::fs::create_dir_all(project.join(dir)).unwrap();
    }
    std::fs::write(
        project.join("omegat.project"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<omegat><project version=\"1.0\">\
         <source_dir>__DEFAULT__</source_dir><source_dir_excludes/><target_dir>__DEFAULT__</target_dir>\
         <tm_dir>__DEFAULT__</tm_dir><glossary_dir>__DEFAULT__</glossary_dir>\
         <glossary_file>__DEFAULT__</glossary_file><dictionary_dir>__DEFAULT__</dictionary_dir>\
         <source_lang>nb</source_lang><target_lang>en</target_lang>\
         <source_tok>org.omegat.tokenizer.LuceneNorwegianTokenizer</source_tok>\
         <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>\
         <sentence_seg>false</sentence_seg><support_default_translations>true</support_default_translations>\
         <remove_tags>false</remove_tags></project></omegat>\n",
    )
    .unwrap();
    project
}

/// tolk's TMX, in an OmegaT project's `tm/auto`, fills the targets of the sentences
/// it has, tags and all, once OmegaT shows the tags of external memories (Options >
/// External TMXs: "Display tags" and "Use XML for standalone tags"): each code's
/// `type` is the letter OmegaT names its tag by, and its `x` the number.
#[test]
fn omegat_fills_tagged_sentences_from_tolks_tmx() {
    let t = Project::empty();
    t.write(
        "corpus/a.txt",
        "Hos {1}Lyse Dialog{/1} er vi glade{2/}.\nRing {1/}oss {2}i dag{/2}.\nHei der.\n",
    );
    let batch = export(&t, "b.xlf", &["--copy-source"]);
    t.write(
        "memory/nb-en.csv",
        "source,target\nHos {1}Lyse Dialog{/1} er vi glade{2/}.,At {1}Lyse Dialog{/1} we are happy{2/}.\n\
         Ring {1/}oss {2}i dag{/2}.,Call {1/}us {2}today{/2}.\nHei der.,Hello there.\n",
    );
    let project = omegat_project(&t);
    let tmx = project.join("tm/auto/tolk.tmx");
    t.tolk(&["tm", "export", "-o", tmx.to_str().unwrap()]).run().success();
    std::fs::write(
        project.join("home/omegat.prefs"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<omegat><preference version=\"1.0\">\
         <ext_tmx_show_level2>true</ext_tmx_show_level2><ext_tmx_use_slash>true</ext_tmx_use_slash>\
         </preference></omegat>\n",
    )
    .unwrap();
    std::fs::write(project.join("source/b.xlf"), &batch).unwrap();
    if !crate::util::omegat(&project) {
        return;
    }
    let filled = std::fs::read_to_string(project.join("target/b.xlf")).unwrap();
    for target in [
        "At <g id=\"1\">Lyse Dialog</g> we are happy<x id=\"2\"/>.",
        "Call <x id=\"1\"/>us <g id=\"2\">today</g>.",
        "Hello there.",
    ] {
        assert!(filled.contains(&format!(">{target}</target>")), "OmegaT did not fill {target:?}:\n{filled}");
    }
    // And the file comes back into tolk as those translations.
    t.write("back.xlf", &filled);
    t.tolk(&["import", "back.xlf"]).run().success().stderr_contains("0 added, 3 unchanged");
    // OmegaT's own memory of the project, its tags as text, reads as the same entries.
    let own = project.join("omegat-project-omegat.tmx");
    assert!(std::fs::read_to_string(&own).unwrap().contains("&lt;g0&gt;Lyse Dialog&lt;/g0&gt;"));
    t.tolk(&["tm", "import", "--dry-run", own.to_str().unwrap()])
        .run()
        .success()
        .stderr_contains("would add 0, would leave 3 unchanged, 0 conflicts");
}

/// OmegaT's XLIFF filter translates the target: it finds no segment in a batch of empty
/// targets, and every one in a batch exported with `--copy-source`. Its console mode
/// writes a translator's work (the project's `project_save.tmx`) into the targets and
/// leaves their state alone, so `tolk import` takes the changed copies without
/// `--take-drafts`, and leaves the untouched ones for the next export, even with it.
#[test]
fn a_batch_with_copied_sources_goes_through_omegat_and_back() {
    let t = Project::untranslated();
    t.tolk(&["export", "--copy-source", "-o", "b.csv"])
        .run()
        .failure()
        .stderr_contains("--copy-source is for XLIFF batches");
    let batch = export(&t, "b.xlf", &["--copy-source"]);
    let exported = units(&batch);
    assert!(batch.matches(r#"state-qualifier="x-tolk-source-copy""#).count() == exported.len(), "{batch}");
    // The translator translates the sentences without tags, but for two.
    let memory = bundled_translations();
    // (A translation that reads as its source, a name, would look untouched.)
    let plain: Vec<&TransUnit> =
        exported.iter().filter(|u| !u.xml.contains('<') && memory[&u.source] != u.source).collect();
    let (done, left) = plain.split_at(plain.len() - 2);
    let project = omegat_project(&t);
    let tus: String = done
        .iter()
        .map(|u| {
            let target = escape(memory[&u.source].as_str()).into_owned();
            format!(
                "<tu><tuv xml:lang=\"nb\"><seg>{}</seg></tuv><tuv xml:lang=\"en\"><seg>{target}</seg></tuv></tu>\n",
                u.xml
            )
        })
        .collect();
    std::fs::write(
        project.join("omegat/project_save.tmx"),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"OmegaT\" \
             creationtoolversion=\"3\" segtype=\"paragraph\" o-tmf=\"OmegaT TMX\" adminlang=\"EN-US\" \
             srclang=\"nb\" datatype=\"plaintext\"/><body>\n{tus}</body></tmx>\n"
        ),
    )
    .unwrap();
    std::fs::write(project.join("source/b.xlf"), &batch).unwrap();
    if !crate::util::omegat(&project) {
        return;
    }
    let stats = std::fs::read_to_string(project.join("omegat/project_stats.txt")).unwrap();
    let total = stats.lines().find(|l| l.starts_with("Total:")).unwrap_or_default().to_string();
    assert_eq!(total.split_whitespace().nth(1), Some(exported.len().to_string().as_str()), "{stats}");
    let returned = std::fs::read_to_string(project.join("target/b.xlf")).unwrap();
    t.write("back.xlf", &returned);
    assert_valid(&t, "back.xlf");
    let memory_before = t.snapshot_dir("memory");
    // OmegaT kept every state `needs-translation`: only the changed copies are taken.
    let import = t.tolk(&["import", "--take-drafts", "back.xlf"]).run().success();
    assert!(!import.stderr.contains("was not imported"), "{}", import.stderr);
    let import = import.stderr_contains(&format!("{} added, 0 unchanged", done.len()));
    // The untouched ones are named once, with what to do for a name that stays the same.
    let import = import.stderr_contains(&format!(
        " and {} more; import with --take-copies if they are a name or title that stays the same in English",
        exported.len() - done.len() - 3
    ));
    import.stderr_contains(&format!(
        "back.xlf: {} targets are still the copy of their sources the batch wrote, so not translated yet",
        exported.len() - done.len()
    ));
    assert!(t.snapshot_dir("memory") != memory_before);
    let imported: BTreeSet<(String, String)> = pairs(&t);
    for u in done {
        assert!(
            imported.contains(&(u.source.clone(), memory[&u.source].clone())),
            "{} not imported",
            u.source
        );
    }
    for u in left {
        assert!(
            !imported.iter().any(|(s, _)| *s == u.source),
            "the untouched copy {:?} was imported",
            u.source
        );
    }
    // The untouched ones go out again.
    let next = export(&t, "next.xlf", &[]);
    let next: BTreeSet<String> = units(&next).into_iter().map(|u| u.source).collect();
    for u in left {
        assert!(next.contains(&u.source), "{} is not in the next batch", u.source);
    }
}

#[test]
fn a_copy_of_the_source_left_as_it_is_is_taken_only_with_take_copies() {
    let t = Project::untranslated();
    let batch = export(&t, "b.xlf", &["--copy-source"]);
    let exported = units(&batch);
    // A file that brings nothing: a dry run says the batch would stay open, as the
    // import leaves it.
    t.write("c.xlf", &batch);
    t.tolk(&["import", "--dry-run", "c.xlf"])
        .run()
        .success()
        .stderr_contains("holds no translation of batch")
        .stderr_contains("which would stay open");
    // A tool that sets the state but left the copy: not translated, even with
    // --take-drafts; one that confirmed the copy as translated is taken at its word.
    let first = exported[0].source.clone();
    let filled = fill(&batch, |source| match source == first {
        true => Some((source.to_string(), "translated")),
        false => None,
    });
    t.write("b.xlf", &filled);
    t.tolk(&["import", "--take-drafts", "b.xlf"]).run().success().stderr_contains(&format!(
        "1 added, 0 unchanged, 0 skipped (empty target), {} skipped (state)",
        exported.len() - 1
    ));
    assert_eq!(pairs(&t), BTreeSet::from([(first.clone(), first.clone())]));
    // --take-copies takes them as they are: names that stay the same.
    t.tolk(&["import", "--take-copies", "b.xlf"]).run().success().stderr_contains(&format!(
        "{} added, 1 unchanged, 0 skipped (empty target), 0 skipped (state)",
        exported.len() - 1
    ));
    assert!(pairs(&t).iter().all(|(s, t)| s == t));
}

/// OmegaT's own sentence rules split `kl. 10.00` off; a translator who translated the
/// first part of a copied source left the rest of the copy standing, Norwegian word for
/// word, and the unit's state as it was (the trial with OmegaT 3.6). Such a target is
/// held back as an untouched copy is; a name that stays the same is not.
#[test]
fn a_copy_translated_only_in_part_is_held_back_as_half_translated() {
    let t = Project::empty();
    t.write(
        "corpus/a.txt",
        "Åpningstidene er fra kl. 10.00 til 18.00 på hverdager.\n\nVi snakket med Kari Nordmann.\n\n\
         Biblioteket er åpent hele sommeren.\n",
    );
    let batch = export(&t, "b.xlf", &["--copy-source"]);
    let mut returned = batch.clone();
    for (source, target) in [
        (
            "Åpningstidene er fra kl. 10.00 til 18.00 på hverdager.",
            "Opening hours are from 10.00 til 18.00 på hverdager.",
        ),
        ("Vi snakket med Kari Nordmann.", "We talked with Kari Nordmann."),
        ("Biblioteket er åpent hele sommeren.", "Biblioteket er åpent the whole summer."),
    ] {
        let copy = format!("state-qualifier=\"x-tolk-source-copy\">{source}</target>");
        assert!(returned.contains(&copy), "{batch}");
        returned =
            returned.replace(&copy, &format!("state-qualifier=\"x-tolk-source-copy\">{target}</target>"));
    }
    t.write("back.xlf", &returned);
    let memory_before = t.snapshot_dir("memory");
    t.tolk(&["import", "--dry-run", "back.xlf"])
        .run()
        .success()
        .stderr_contains("would add 1, would leave 0 unchanged, 0 skipped (empty target), 2 skipped (state)");
    t.tolk(&["import", "back.xlf"])
        .run()
        .success()
        .stderr_contains(
            "back.xlf: 2 targets still begin or end with words of the copies of their sources the batch wrote, \
             word for word, so they are half translated",
        )
        .stderr_contains(
            "import with --take-copies if the words left are a name or title that stays the same in English \
             (the first: \"10.00 til 18.00 på hverdager.\" ends line ",
        )
        .stderr_contains("1 added, 0 unchanged, 0 skipped (empty target), 2 skipped (state)");
    assert!(t.snapshot_dir("memory") != memory_before);
    assert_eq!(
        pairs(&t),
        BTreeSet::from([(
            "Vi snakket med Kari Nordmann.".to_string(),
            "We talked with Kari Nordmann.".to_string()
        )])
    );
    // The same override as an untouched copy's; taken, the words left are still named.
    t.tolk(&["import", "--take-copies", "back.xlf"])
        .run()
        .success()
        .stderr_contains("2 added, 1 unchanged")
        .stderr_contains(
        "the target ends with \"10.00 til 18.00 på hverdager.\", 5 words word for word as the source's end: \
             Norwegian left untranslated?",
    );
}

/// A tool that renumbers the trans-unit ids (`1`, `2`, `3`…) leaves every source as it
/// was: a sentence's id is made from its text, so each unit is taken for the sentence
/// its source is, said once. Where one unit keeps tolk's id the file is not one a tool
/// renumbered, and its ids are refused, the first 20 listed and the rest counted.
#[test]
fn renumbered_trans_unit_ids_are_taken_by_their_sources_and_errors_are_capped() {
    let t = Project::untranslated();
    let batch = translate_all(&export(&t, "b.xlf", &[]));
    let ids: Vec<String> = units(&batch).into_iter().map(|u| u.id).collect();
    assert!(ids.len() > 25, "{}", ids.len());
    let renumber = |keep: Option<usize>| {
        let mut out = batch.clone();
        for (n, id) in ids.iter().enumerate().filter(|(n, _)| Some(*n) != keep) {
            out = out.replacen(
                &format!("<trans-unit id=\"{id}\""),
                &format!("<trans-unit id=\"{}\"", n + 1),
                1,
            );
        }
        out
    };
    t.write("mixed.xlf", renumber(Some(0)));
    let before = t.snapshot_dir("memory");
    let refused = t.tolk(&["import", "mixed.xlf"]).run().failure().stderr_contains(&format!(
        "error: mixed.xlf: ... and {} more rows refused\nerror: {} rows refused, nothing was written",
        ids.len() - 1 - 20,
        ids.len() - 1
    ));
    assert_eq!(refused.stderr.matches("which is no id tolk writes").count(), 20, "{}", refused.stderr);
    assert!(t.snapshot_dir("memory") == before);
    t.write("renumbered.xlf", renumber(None));
    t.tolk(&["import", "renumbered.xlf"])
        .run()
        .success()
        .stderr_contains(&format!(
            "warning: renumbered.xlf: the trans-unit ids were renumbered (\"1\", \"2\", \"3\"…: by a tool?), and \
             the source of every unit is exactly a sentence of the batch as issued, whose id is made from its \
             text: each of the {} units is taken for the sentence its source is",
            ids.len()
        ))
        .stderr_contains(&format!("{} added, 0 unchanged", ids.len()));
    assert_eq!(pairs(&t).len(), ids.len());
}

#[test]
fn xliff_is_recognised_by_its_contents_whatever_the_name() {
    let t = Project::untranslated();
    let batch = export(&t, "b.xlf", &[]);
    t.write("from-mail.txt", translate_all(&batch));
    t.tolk(&["import", "from-mail.txt"]).run().success().stderr_contains(" 0 skipped (state)");
    assert_eq!(pairs(&t).len(), units(&batch).len());
}

#[test]
fn files_that_are_not_xliff_1_2_or_unsafe_are_refused_and_nothing_is_written() {
    let deep = format!("{}{}", "<g id=\"1\">".repeat(70), "</g>".repeat(70));
    let cases = [
        (
            "laughs.xlf",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [\n <!ENTITY a \"aaaaaaaaaa\">\n <!ENTITY b \"&a;&a;&a;&a;&a;\">\n]>\n\
             <xliff version=\"1.2\"><file><body><trans-unit id=\"s1\"><source>&b;</source></trans-unit></body>\
             </file></xliff>\n"
                .to_string(),
            "laughs.xlf: line 2: the DOCTYPE declares entities, which tolk never expands",
        ),
        (
            "undeclared.xlf",
            "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file><body>\n\
             <trans-unit id=\"s1\"><source>&passwd;</source></trans-unit></body></file></xliff>\n"
                .into(),
            "undeclared.xlf: line 2: undefined entity `&passwd;`",
        ),
        (
            "deep.xlf",
            format!(
                "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file><body>\n\
                 <trans-unit id=\"s1\"><source>{deep}</source></trans-unit></body></file></xliff>\n"
            ),
            "deep.xlf: line 2: elements are nested deeper than 64 levels",
        ),
        (
            "v2.xlf",
            "<?xml version=\"1.0\"?>\n<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" \
             srcLang=\"nb\"><file id=\"f1\"><unit id=\"s1\"><segment><source>Hei.</source></segment></unit></file>\
             </xliff>\n"
                .into(),
            "v2.xlf: line 2: XLIFF 2.0 is not read: tolk reads XLIFF 1.2",
        ),
        (
            "memory.xml",
            "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body/></tmx>\n".into(),
            "memory.xml: line 2: not an XLIFF file: the root element is <tmx>",
        ),
    ];
    for (name, contents, expected) in cases {
        let t = Project::untranslated();
        t.write(name, contents);
        let memory = t.snapshot_dir("memory");
        let out = t.tolk(&["import", name]).run().failure().stderr_contains(expected);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(t.snapshot_dir("memory") == memory, "{name}: a refused import changed memory/");
    }
}

/// A corpus whose sentences have formatting codes (in a plain-text document they are
/// text, but the memory's form is the same), with a near match for the first.
fn coded_project() -> Project {
    let t = Project::empty();
    t.write(
        "corpus/a.txt",
        "Hos {1}Lyse Dialog{/1} er vi glade{2/}.\nSkriv {4} eller {/3} her, {1}sa{2}hun{/1}.{/2}\n",
    )
    .write(
        "memory/nb-en.csv",
        "source,target\nHos {1}Lyse Dialog{/1} er vi veldig glade{2/}.,At {1}Lyse Dialog{/1} we are very happy{2/}.\n",
    );
    t
}

#[test]
fn formatting_codes_go_out_as_tags_and_come_back_as_placeholders() {
    let t = coded_project();
    let batch = export(&t, "b.xlf", &["--prefill"]);
    for line in [
        "<source>Hos <g id=\"1\">Lyse Dialog</g> er vi glade<x id=\"2\"/>.</source>",
        "<target state=\"needs-review-translation\" state-qualifier=\"leveraged-tm\">At <g id=\"1\">Lyse Dialog</g> \
         we are very happy<x id=\"2\"/>.</target>",
        "<source>Hos <g id=\"1\">Lyse Dialog</g> er vi veldig glade<x id=\"2\"/>.</source>",
        "<target>At <g id=\"1\">Lyse Dialog</g> we are very happy<x id=\"2\"/>.</target>",
        // Codes without their partner, and pairs that overlap, cannot be elements.
        "<source>Skriv <bx id=\"4\"/> eller <ex id=\"3\"/> her, <g id=\"1\">sa<bx id=\"2\"/>hun</g>.<ex id=\"2\"/></source>",
    ] {
        assert!(batch.contains(&format!("{line}\n")), "the batch lacks {line:?}:\n{batch}");
    }
    // The translator moves the tags, as a CAT tool lets them. (The import's tag check
    // refuses a target with codes that do not pair, so the second stays a draft.)
    let filled = batch.replace(
        "<target state=\"needs-review-translation\" state-qualifier=\"leveraged-tm\">At <g id=\"1\">Lyse Dialog</g> \
         we are very happy<x id=\"2\"/>.</target>",
        "<target state=\"translated\">We at <g id=\"1\">Lyse <x id=\"2\"/>Dialog</g> are happy.</target>",
    );
    t.write("b.xlf", filled);
    assert_valid(&t, "b.xlf");
    t.tolk(&["import", "b.xlf"])
        .run()
        .success()
        .stderr_contains("1 added, 0 unchanged, 1 skipped (empty target), 0 skipped (state)");
    assert!(pairs(&t).contains(&(
        "Hos {1}Lyse Dialog{/1} er vi glade{2/}.".to_string(),
        "We at {1}Lyse {2/}Dialog{/1} are happy.".to_string()
    )));
}

#[test]
fn tags_as_cat_tools_write_them_are_read_and_what_cannot_be_placed_is_refused() {
    const SOURCE: &str = "<source>Hos <g id=\"1\">Lyse Dialog</g> er vi glade<x id=\"2\"/>.</source>";
    const EMPTY: &str = "<target state=\"needs-translation\"></target>";
    let t = coded_project();
    t.write("corpus/a.txt", "Hos {1}Lyse Dialog{/1} er vi glade{2/}.\n");
    let batch = export(&t, "b.xlf", &[]);
    let line = units(&batch)[0].line;
    // As other tools return it: their own ids, codes with native data, a segment marker.
    t.write(
        "okapi.xlf",
        batch
            .replace(
                SOURCE,
                "<source><mrk mtype=\"seg\" mid=\"1\">Hos <bpt id=\"a\">&lt;b&gt;</bpt>Lyse Dialog<ept id=\"a\">\
                 &lt;/b&gt;</ept> er vi glade<ph id=\"b\">&lt;fn/&gt;</ph>.</mrk></source>",
            )
            .replace(
                EMPTY,
                "<target state=\"translated\"><mrk mtype=\"seg\" mid=\"1\">We at <bpt id=\"a\">&lt;b&gt;</bpt>Lyse \
                 Dialog<ept id=\"a\">&lt;/b&gt;</ept> are happy<ph id=\"b\">&lt;fn/&gt;</ph>.</mrk></target>",
            ),
    );
    let memory = t.snapshot_dir("memory");
    // An isolated tag, and a tag the source does not have, are refused by line and
    // element, and nothing is written.
    t.write(
        "isolated.xlf",
        batch.replace(
            EMPTY,
            "<target state=\"translated\">We <it id=\"1\" pos=\"open\">&lt;b&gt;</it>at</target>",
        ),
    );
    t.tolk(&["import", "isolated.xlf"])
        .run()
        .failure()
        .stderr_contains(&format!(
            "error: isolated.xlf: line {} (trans-unit {}), element it: expected inline tags tolk reads back (g, x, \
             bx, ex, ph, bpt, ept, mrk), found <it>, an isolated tag whose partner is in another segment",
            line + 2,
            units(&batch)[0].id
        ))
        .stderr_contains("1 row refused, nothing was written");
    t.write("added.xlf", batch.replace(EMPTY, "<target state=\"translated\">We<x id=\"7\"/>.</target>"));
    // Named by the line of the target, two below the trans-unit's.
    t.tolk(&["import", "added.xlf"]).run().failure().stderr_contains(&format!(
        "error: added.xlf: line {} (trans-unit {}), element target: expected the tags of the source, found a tag \
         with the id \"7\", which the source does not have",
        line + 2,
        units(&batch)[0].id
    ));
    assert!(t.snapshot_dir("memory") == memory, "a refused import changed memory/");
    t.tolk(&["import", "okapi.xlf"]).run().success().stderr_contains("1 added, 0 unchanged");
    assert!(pairs(&t).contains(&(
        "Hos {1}Lyse Dialog{/1} er vi glade{2/}.".to_string(),
        "We at {1}Lyse Dialog{/1} are happy{2/}.".to_string()
    )));
}

/// A small project of plain-text sentences, every one still to translate.
fn small_project(sentences: &[&str]) -> Project {
    let t = Project::empty();
    t.write("corpus/a.txt", sentences.iter().map(|s| format!("{s}\n")).collect::<String>())
        .write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    t
}

/// Regression: a target left empty in the state tolk wrote it (`needs-translation`)
/// was counted as "skipped (state)", as if a translation had been held back.
#[test]
fn an_untouched_empty_target_is_counted_as_empty_not_by_its_state() {
    let t = small_project(&["Hei.", "Ja.", "Nei."]);
    let batch = export(&t, "b.xlf", &[]);
    let translations = HashMap::from([("Hei.", "Hi."), ("Ja.", "Yes.")]);
    t.write("b.xlf", fill(&batch, |s| translations.get(s).map(|t| (t.to_string(), "translated"))));
    t.tolk(&["import", "b.xlf"])
        .run()
        .success()
        .stderr_contains(
            "2 added, 0 unchanged, 1 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings",
        )
        // One sentence left: singular.
        .stderr_contains("; 1 of its 3 still without a translation goes in the next export\n");
}

/// Regression: the same unit twice with two translations was refused as "row 25" of an
/// XLIFF file, and a draft left out was named by its line only: a CAT tool's user finds
/// a unit by its id.
#[test]
fn a_unit_twice_and_a_draft_are_named_by_line_and_trans_unit_id() {
    let t = small_project(&["Hei.", "Ja."]);
    let batch = export(&t, "b.xlf", &[]);
    let units = units(&batch);
    let hei = units.iter().find(|u| u.source == "Hei.").unwrap();
    let filled = fill(&batch, |s| match s {
        "Hei." => Some(("Hi.".into(), "translated")),
        _ => Some(("Yes.".into(), "needs-translation")),
    });
    // The file's unit of "Hei." again, at the end of the body, translated otherwise.
    let start = filled.find(&format!("<trans-unit id=\"{}\"", hei.id)).unwrap();
    let end = start + filled[start..].find("</trans-unit>").unwrap() + "</trans-unit>".len();
    let copy = filled[start..end].replace(">Hi.<", ">Hello.<");
    let twice = filled.replacen("</body>", &format!("{copy}\n    </body>"), 1);
    t.write("b.xlf", &twice);
    let copy_line =
        twice[..twice.rfind(&format!("<trans-unit id=\"{}\"", hei.id)).unwrap()].matches('\n').count() + 1;
    t.tolk(&["import", "b.xlf"]).run().failure().stderr_contains(&format!(
        "error: b.xlf: line {} (trans-unit {id}), element target: expected the same translation as line {} \
         (trans-unit {id}) of b.xlf for the same id, \"Hi.\", found \"Hello.\"\n",
        copy_line + 2,
        hei.line,
        id = hei.id
    ));
    t.write("b.xlf", &filled);
    let ja = units.iter().find(|u| u.source == "Ja.").unwrap();
    t.tolk(&["import", "b.xlf"]).run().success().stderr_contains(&format!(
        "warning: b.xlf: line {} (trans-unit {}): a translation whose state says it is not translated yet \
         (needs-translation) was not imported",
        ja.line, ja.id
    ));
}

/// Regression: counts of one were printed as many ("and 1 more places").
#[test]
fn a_count_of_one_is_singular() {
    let mut sentences = vec!["Hei."; 101];
    sentences.push("Ja.");
    let t = small_project(&sentences);
    let xliff = export(&t, "b.xlf", &[]);
    assert!(xliff.contains(">and 1 more place</note>"), "{xliff}");
    t.tolk(&["export", "--again", "--format", "csv", "-o", "b.csv"]).run().success();
    let rows = csv_rows(t.read("b.csv").as_bytes(), b',');
    let hei = rows.iter().find(|r| r["source"] == "Hei.").unwrap();
    assert!(hei["where"].ends_with("; and 1 more place"), "{}", hei["where"]);
}

/// Regression: a unit confirmed as XLIFF 1.2 says it, `approved="yes"` on the
/// trans-unit (Okapi and others write it and leave `state` as exported), or in memoQ
/// (`mq:status="ManuallyConfirmed"`) was skipped as not translated yet; a draft left
/// out now says how to confirm it either way.
#[test]
fn an_approved_unit_is_imported_whatever_its_state() {
    let t = small_project(&["Hei.", "Ja.", "Nei.", "Takk."]);
    t.write("memory/nb-en.csv", "source,target\nHei på deg.,Hi there.\n");
    let batch = export(&t, "b.xlf", &["--prefill"]);
    let translations =
        HashMap::from([("Hei.", "Hi there."), ("Ja.", "Yes."), ("Nei.", "No."), ("Takk.", "Thanks.")]);
    // Every target as exported: needs-translation, or the suggestion unchanged.
    let filled = fill(&batch, |s| {
        let state = if s == "Hei." { "needs-review-translation" } else { "needs-translation" };
        Some((translations[s].to_string(), state))
    });
    let id = |source: &str| units(&batch).into_iter().find(|u| u.source == source).unwrap().id;
    let confirmed = filled
        .replace("<xliff ", "<xliff xmlns:mq=\"MQXliff\" ")
        .replace(&format!("id=\"{}\"", id("Hei.")), &format!("id=\"{}\" approved=\"yes\"", id("Hei.")))
        .replace(&format!("id=\"{}\"", id("Ja.")), &format!("id=\"{}\" approved=\"yes\"", id("Ja.")))
        .replace(
            &format!("id=\"{}\"", id("Nei.")),
            &format!("id=\"{}\" mq:status=\"ManuallyConfirmed\"", id("Nei.")),
        )
        .replace(
            &format!("id=\"{}\"", id("Takk.")),
            &format!("id=\"{}\" mq:status=\"PartiallyEdited\"", id("Takk.")),
        );
    t.write("b.xlf", &confirmed);
    let takk = units(&batch).into_iter().find(|u| u.source == "Takk.").unwrap();
    t.tolk(&["import", "b.xlf"])
        .run()
        .success()
        .stderr_contains("3 added, 0 unchanged, 0 skipped (empty target), 1 skipped (state), 0 conflicts, 1 warning")
        .stderr_contains(&format!(
            "warning: b.xlf: line {} (trans-unit {}): a translation whose state says it is not translated yet \
             (needs-translation) was not imported (it goes in the next batch); confirm it in the CAT tool (the state \
             translated or final, or approved=\"yes\" on the trans-unit), or import with --take-drafts\n",
            takk.line, takk.id
        ));
    assert_eq!(
        pairs(&t),
        BTreeSet::from([
            ("Hei på deg.".to_string(), "Hi there.".to_string()),
            ("Hei.".to_string(), "Hi there.".to_string()),
            ("Ja.".to_string(), "Yes.".to_string()),
            ("Nei.".to_string(), "No.".to_string()),
        ])
    );
}

/// Regression: a tag pair a CAT tool pushed together (`<g id="1"/>` where the source has
/// `<g id="1">vilkårene</g>`) was imported without a word, as `{1}{/1}`: the edition lost
/// the bold. It is imported, and named at its unit.
#[test]
fn a_tag_pair_around_nothing_is_named_at_its_unit() {
    let t = Project::empty();
    t.write("corpus/side.md", "Les **vilkårene** og trykk [Godta](https://acme.no/godta).\n")
        .write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    let batch = export(&t, "b.xlf", &[]);
    let unit = &units(&batch)[0];
    assert_eq!(unit.source, "Les {1}vilkårene{/1} og trykk {2}Godta{/2}.");
    t.write(
        "b.xlf",
        batch.replace(
            "<target state=\"needs-translation\"></target>",
            "<target state=\"translated\">Read the terms<g id=\"1\"/> and press <g id=\"2\">Accept</g>.</target>",
        ),
    );
    t.tolk(&["import", "b.xlf"]).run().success().stderr_contains("1 added").stderr_contains(&format!(
        "warning: b.xlf: line {} (trans-unit {}): the tags {{1}}…{{/1}} are around nothing in the target: the \
         formatting around \"vilkårene\" (**…**) in the source is now around nothing, and the edition loses \
         it; put the words it belongs to between them\n",
        unit.line, unit.id
    ));
}

/// Regression: a batch of an en-GB project came back with `target-language="en-US"` (a CAT
/// tool's project set up for American English) and was imported without a word.
#[test]
fn a_batch_back_in_another_english_is_imported_with_a_warning() {
    let t = small_project(&["Hei.", "Ja."]);
    t.write("tolk.toml", "target_language = \"en-GB\"\n");
    let batch = translate_all_as(&export(&t, "b.xlf", &[]), &[("Hei.", "Hi."), ("Ja.", "Yes.")]);
    assert!(batch.contains("target-language=\"en-GB\""), "{batch}");
    let line = batch.lines().position(|l| l.contains("target-language=")).unwrap() + 1;
    t.write("us.xlf", batch.replace("target-language=\"en-GB\"", "target-language=\"en-US\""));
    t.tolk(&["import", "--dry-run", "us.xlf"]).run().success().stderr_contains("would add 2").stderr_contains(
        &format!(
            "warning: us.xlf: line {line}: the file's target-language is en-US, another English than the project's \
             en-GB (target_language in tolk.toml); its translations are imported as they are: check their spelling \
             (color or colour, organize or organise), and set the CAT tool's target language to en-GB\n"
        ),
    );
    // English without a region, or the project's own, says nothing.
    for code in ["en", "EN-gb"] {
        t.write("b.xlf", batch.replace("target-language=\"en-GB\"", &format!("target-language=\"{code}\"")));
        let out = t.tolk(&["import", "--dry-run", "b.xlf"]).run().success();
        assert!(!out.stderr.contains("warning:"), "{code}: {}", out.stderr);
    }
}

/// Each unit of `xliff` whose source `translations` names, translated so.
fn translate_all_as(xliff: &str, translations: &[(&str, &str)]) -> String {
    let translations: HashMap<&str, &str> = translations.iter().copied().collect();
    fill(xliff, |s| translations.get(s).map(|t| (t.to_string(), "translated")))
}

/// Regression: a file a tool pretty-printed (each element on its own line, indented)
/// and returned with `xml:space="default"` brought the indentation into the memory, with
/// a warning of a line break; under `preserve`, a line break is the translator's.
#[test]
fn a_pretty_printed_target_without_preserved_space_is_read_as_its_words() {
    let t = small_project(&["Hei.", "Ja."]);
    let batch = translate_all_as(&export(&t, "b.xlf", &[]), &[("Hei.", "Hi."), ("Ja.", "Yes.")]);
    let pretty = batch.replace(">Hi.</target>", ">\n          Hi\n          there.\n        </target>");
    t.write("pretty.xlf", pretty.replace("xml:space=\"preserve\"", "xml:space=\"default\""));
    t.tolk(&["import", "pretty.xlf"])
        .run()
        .success()
        .stderr_contains("2 added, 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings")
        .stderr_contains(
            "pretty.xlf: 1 source or target without xml:space=\"preserve\" had line breaks and indentation, read as \
             XML's default white space allows: at the start and end left out, inside as one space\n",
        );
    assert!(pairs(&t).contains(&("Hei.".to_string(), "Hi there.".to_string())), "{:?}", pairs(&t));
    // As tolk writes it, preserved: the line break is the translation's, and said.
    let t = small_project(&["Hei.", "Ja."]);
    t.write("b.xlf", pretty.replace("\n          Hi\n", "Hi\n"));
    t.tolk(&["import", "b.xlf"])
        .run()
        .success()
        .stderr_contains("the target has a line break the source does not have");
    assert!(pairs(&t).contains(&("Hei.".to_string(), "Hi\n          there.".to_string())), "{:?}", pairs(&t));
}

/// Regression: a file naming in its header a batch this project never exported (as a
/// trial's `jobid-other.xlf` did) closed the batch still out whose sentences it had,
/// and credited that batch's translator.
#[test]
fn a_file_naming_a_batch_this_project_has_no_record_of_closes_none() {
    let t = small_project(&["Hei.", "Ja."]);
    let batch = export(&t, "eve.xlf", &["--for", "Eve"]);
    let status: serde_json::Value =
        serde_json::from_str(&t.tolk(&["status", "--json"]).run().success().stdout).unwrap();
    let id = status["batches"][0]["id"].as_str().unwrap().to_string();
    let filled = translate_all_as(&batch, &[("Hei.", "Hi."), ("Ja.", "Yes.")]);
    t.write("eve-filled.xlf", filled.replace(&id, "b20991231-000000-dead"));
    let said =
        "eve-filled.xlf names batch b20991231-000000-dead in its header, which this project has no record \
                of (a batch of another project, or of another copy of this one), so no batch was closed";
    t.tolk(&["import", "eve-filled.xlf"])
        .run()
        .success()
        .stderr_contains("2 added, 0 unchanged")
        .stderr_contains(said);
    let status: serde_json::Value =
        serde_json::from_str(&t.tolk(&["status", "--json"]).run().success().stdout).unwrap();
    assert_eq!(status["batches"][0]["returned"], serde_json::Value::Null, "{status}");
    assert!(t.memory_rows().iter().all(|r| r["translator"].is_empty()), "{:?}", t.memory_rows());
}

/// Regression: a file from Trados, which keeps each segment's confirmation in its
/// `sdl:seg-defs` and leaves the target's state as exported, had every translation held
/// back as a draft (a trial's `trados-like.xlf`).
#[test]
fn a_segment_trados_confirmed_is_imported_and_a_draft_is_not() {
    let t = small_project(&["Hei.", "Ja."]);
    let batch = export(&t, "b.xlf", &[]);
    let filled = fill(&batch, |s| {
        let target = if s == "Hei." { "Hi." } else { "Yes." };
        Some((target.to_string(), "needs-translation"))
    });
    let conf = |target: &str, conf: &str| {
        format!("{target}</target>\n        <sdl:seg-defs><sdl:seg id=\"1\" conf=\"{conf}\"/></sdl:seg-defs>")
    };
    let trados = filled
        .replace("<xliff ", "<xliff xmlns:sdl=\"http://sdl.com/FileTypes/SdlXliff/1.0\" ")
        .replace("Hi.</target>", &conf("Hi.", "Translated"))
        .replace("Yes.</target>", &conf("Yes.", "Draft"));
    t.write("b.xlf", trados);
    t.tolk(&["import", "b.xlf"])
        .run()
        .success()
        .stderr_contains("1 added, 0 unchanged, 0 skipped (empty target), 1 skipped (state)");
    assert_eq!(pairs(&t), BTreeSet::from([("Hei.".to_string(), "Hi.".to_string())]));
}

/// Regression: targets in a state saying they await review (`needs-review-translation`,
/// `needs-adaptation`) or in a tool's own (`x-draft`) were imported as finished
/// translations without a word, while a draft (`new`) was held back with a warning a
/// unit (73 lines for a trial's `state-new.xlf`). A translation awaiting review is
/// imported, as XLIFF 1.2 has it translated, and the file's are named in one warning; a
/// file's drafts are held back and named in one warning too.
#[test]
fn targets_awaiting_review_are_imported_and_drafts_held_each_named_once_a_file() {
    let sentences = ["Hei.", "Ja.", "Nei.", "Takk.", "Kanskje.", "Aldri."];
    let english = ["Hi.", "Yes.", "No.", "Thanks.", "Maybe.", "Never."];
    let t = small_project(&sentences);
    let batch = export(&t, "b.xlf", &[]);
    let exported = units(&batch);
    let translation = |s: &str| english[sentences.iter().position(|x| *x == s).unwrap()].to_string();
    let with = |states: [&'static str; 6]| {
        fill(&batch, |s| Some((translation(s), states[sentences.iter().position(|x| *x == s).unwrap()])))
    };
    let place = |k: usize| format!("line {} (trans-unit {})", exported[k].line, exported[k].id);
    t.write(
        "review.xlf",
        with([
            "needs-review-translation",
            "x-draft",
            "needs-review-translation",
            "needs-adaptation",
            "translated",
            "needs-review-translation",
        ]),
    );
    t.write("drafts.xlf", with(["new"; 6]));
    let out = t.tolk(&["import", "--dry-run", "review.xlf", "drafts.xlf"]).run().success();
    let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(
        warnings,
        [
            format!(
                "warning: drafts.xlf: 6 translations whose state says they are not translated yet (new) were not \
                 imported (they go in the next batch): {}, {}, {} and 3 more; confirm them in the CAT tool (the \
                 state translated or final, or approved=\"yes\" on the trans-unit), or import with --take-drafts",
                place(0),
                place(1),
                place(2)
            ),
            format!(
                "warning: review.xlf: 5 translations whose state says they are not confirmed yet \
                 (needs-review-translation, awaiting review: 3, x-draft, a state of the CAT tool's own: 1, \
                 needs-adaptation, its other content still to be adapted: 1) were imported, as the translations \
                 are there: {}, {}, {} and 2 more; review them (`tolk tm revert` with this import's id undoes \
                 the import), or have the translator confirm them in the CAT tool (the state translated or \
                 final) and import the file again",
                place(0),
                place(1),
                place(2)
            ),
        ],
        "{}",
        out.stderr
    );
    out.stderr_contains("would add 6, would leave 0 unchanged, 0 skipped (empty target), 6 skipped (state)")
        .stderr_contains(", 2 warnings, ");
    // One alone is named by its place.
    t.write("one.xlf", with(["new", "translated", "translated", "translated", "translated", "translated"]));
    t.tolk(&["import", "one.xlf"]).run().success().stderr_contains(&format!(
        "warning: one.xlf: {}: a translation whose state says it is not translated yet (new) was not imported \
         (it goes in the next batch); confirm it in the CAT tool",
        place(0)
    ));
}

/// Regression: a target identical to the batch's fuzzy suggestion, copied in by the
/// translator, was said to be "still the fuzzy suggestion `export --prefill` put
/// there" of a batch exported without --prefill (a trial's `nrt.xlf`), and held back.
#[test]
fn a_suggestion_the_translator_copied_into_a_batch_not_prefilled_is_named_as_such() {
    const SENTENCE: &str = "Hva gjør du for at flest mulig dager skal bli gode?";
    const NEAR: &str = "Hva gjør du for at flest mulig dager skal bli fine?";
    let t = Project::new();
    let bundled = repo_file("memory/nb-en.csv");
    t.write("memory/nb-en.csv", bundled.replace(&format!("\n{SENTENCE},"), &format!("\n{NEAR},")));
    let suggestion = bundled_translations()[SENTENCE].clone();
    let batch = export(&t, "b.xlf", &[]);
    assert!(batch.contains("<alt-trans "), "{batch}");
    t.write(
        "b.xlf",
        batch.replace(
            "<target state=\"needs-translation\"></target>",
            &format!("<target state=\"needs-review-translation\">{suggestion}</target>"),
        ),
    );
    let out = t.tolk(&["import", "b.xlf"]).run().success().stderr_contains("1 added").stderr_contains(
        "the target is word for word the fuzzy suggestion the batch offered, put there by the translator or the CAT \
         tool (the batch was not prefilled with it): check that it fits the sentence",
    );
    assert!(!out.stderr.contains("--prefill"), "{}", out.stderr);
}

/// Regression: a batch of a Bokmål project came back with `source-language="nn"` (the
/// CAT tool's project set up for Nynorsk; a trial's `nn-source.xlf`) and imported
/// without a word.
#[test]
fn a_file_in_the_other_written_norwegian_is_imported_with_a_warning() {
    let t = small_project(&["Hei.", "Ja."]);
    let batch = translate_all_as(&export(&t, "b.xlf", &[]), &[("Hei.", "Hi."), ("Ja.", "Yes.")]);
    let line = batch.lines().position(|l| l.contains("<file ")).unwrap() + 1;
    t.write("nn.xlf", batch.replace("source-language=\"nb\"", "source-language=\"nn\""));
    t.tolk(&["import", "nn.xlf"]).run().success().stderr_contains("2 added").stderr_contains(&format!(
        "warning: nn.xlf: line {line}: the file's source-language is Norwegian Nynorsk (nn), not the project's \
         Norwegian Bokmål (nb) (source_language in tolk.toml): the CAT tool's project was set up for the other \
         written Norwegian, so its matches, terms and spelling were that one's; the sources are checked against \
         the project's sentences as ever, and the translations imported: check them, and set the CAT tool's \
         source language to nb\n"
    ));
    // `no` says no more than Norwegian.
    t.write("no.xlf", batch.replace("source-language=\"nb\"", "source-language=\"no\""));
    let out = t.tolk(&["import", "no.xlf"]).run().success();
    assert!(!out.stderr.contains("warning:"), "{}", out.stderr);
}

/// Regression: a unit whose source lost its tags in the CAT tool (a trial's
/// `source-tags-altered.xlf`) was refused at its target, "remove it", where the
/// translator had kept the tags right; the source is what was edited, and is named.
#[test]
fn a_source_whose_tags_were_removed_is_named_as_the_edited_source() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Hei {1}du{/1} der.\n").write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    let batch = export(&t, "b.xlf", &[]);
    let unit = &units(&batch)[0];
    let filled = translate_all_as(&batch, &[("Hei {1}du{/1} der.", "Hi {1}you{/1} there.")]);
    t.write(
        "b.xlf",
        filled.replace("<source>Hei <g id=\"1\">du</g> der.</source>", "<source>Hei du der.</source>"),
    );
    let out = t.tolk(&["import", "b.xlf"]).run().failure().stderr_contains(&format!(
        "error: b.xlf: line {} (trans-unit {}), element source: expected the sentence as issued, \"Hei {{1}}du{{/1}} \
         der.\" (the source must not be edited), found \"Hei du der.\": its tags were removed or changed (a \
         target's tags are checked against its source's, so a source without them fails the target too); put the \
         source back as exported, tags and all, or export the batch again\n",
        unit.line + 1,
        unit.id
    ));
    assert!(!out.stderr.contains("element target"), "{}", out.stderr);
}

/// Regression: tags went out without a `ctype`, so a CAT tool showed bold, italic, a
/// link and a line break alike. Each says what it is, the file still validates, and a
/// file comes back with or without them.
#[test]
fn tags_say_what_they_are_and_come_back_with_or_without_it() {
    let t = Project::empty();
    t.write(
        "corpus/a.html",
        "<html><body><p>Les <b>vilkårene</b> på <a href=\"https://lyse.no\">nettsiden</a>,<br>eller \
         <em>ring oss</em>.</p></body></html>\n",
    )
    .write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    let batch = export(&t, "b.xlf", &[]);
    assert!(
        batch.contains(
            "<source>Les <g id=\"1\" ctype=\"bold\">vilkårene</g> på <g id=\"2\" ctype=\"link\">nettsiden</g>, \
             <x id=\"3\" ctype=\"lb\"/>eller <g id=\"4\" ctype=\"italic\">ring oss</g>.</source>"
        ),
        "{batch}"
    );
    let sentence = "Les {1}vilkårene{/1} på {2}nettsiden{/2}, {3/}eller {4}ring oss{/4}.";
    let english = "Read {1}the terms{/1} on {2}the website{/2}, {3/}or {4}call us{/4}.";
    let filled = translate_all_as(&batch, &[(sentence, english)]);
    // As a CAT tool gives the ctype back on the target's tags too, and as one that drops
    // them.
    let with = filled.replace(
        "<target state=\"translated\">Read <g id=\"1\">",
        "<target state=\"translated\">Read <g id=\"1\" ctype=\"bold\">",
    );
    let without = regex::Regex::new(r#" ctype="[^"]*""#).unwrap().replace_all(&filled, "").into_owned();
    assert!(with.contains("ctype=\"bold\">the terms") && !without.contains("ctype="));
    for (name, file) in [("with.xlf", &with), ("without.xlf", &without)] {
        t.write(name, file);
        assert_valid(&t, name);
        t.tolk(&["import", "--dry-run", name]).run().success().stderr_contains("would add 1");
    }
    t.tolk(&["import", "with.xlf"]).run().success();
    assert_eq!(pairs(&t), BTreeSet::from([(sentence.to_string(), english.to_string())]));
}

/// A node of a source or target as [`reindent`] reads it.
enum Node {
    Text(String),
    /// An element: its start tag as written (or the whole of an empty one), and its
    /// children; `None` for an empty element.
    Element(String, Option<Vec<Node>>),
}

/// The inline XML `xml` (one source's or target's content, as tolk writes it) as nodes.
fn nodes(xml: &str) -> Vec<Node> {
    fn read(rest: &mut &str) -> Vec<Node> {
        let mut out = Vec::new();
        while !rest.is_empty() {
            if rest.starts_with("</") {
                *rest = &rest[rest.find('>').unwrap() + 1..];
                return out;
            }
            if rest.starts_with('<') {
                let end = rest.find('>').unwrap() + 1;
                let tag = rest[..end].to_string();
                *rest = &rest[end..];
                let children = if tag.ends_with("/>") { None } else { Some(read(rest)) };
                out.push(Node::Element(tag, children));
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                out.push(Node::Text(rest[..end].to_string()));
                *rest = &rest[end..];
            }
        }
        out
    }
    read(&mut &*xml)
}

/// `nodes` written as Python's minidom `toprettyxml` writes an element's children, each
/// on a line of its own at `indent` (one `step` more for their own children): a text as
/// it is (or `trimmed`, as a tool that trims text does), an element with one text or none
/// on its line whole; then the closing tag's line, at `indent` less one `step`.
fn pretty(nodes: &[Node], indent: &str, step: &str, trimmed: bool) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(&format!("\n{indent}{}", if trimmed { t.trim() } else { t })),
            Node::Element(tag, None) => out.push_str(&format!("\n{indent}{tag}")),
            Node::Element(tag, Some(children)) => {
                let name: String = tag[1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                match children.as_slice() {
                    [] => out.push_str(&format!("\n{indent}{tag}</{name}>")),
                    [Node::Text(t)] => out.push_str(&format!("\n{indent}{tag}{t}</{name}>")),
                    children => {
                        let inner = pretty(children, &format!("{indent}{step}"), step, trimmed);
                        out.push_str(&format!("\n{indent}{tag}{inner}</{name}>"));
                    }
                }
            }
        }
    }
    format!("{out}\n{}", &indent[..indent.len() - step.len()])
}

/// `xliff` (as tolk writes it) with every source and target that has inline tags
/// re-indented as Python's minidom does, indented by `step`.
fn reindent(xliff: &str, step: &str, trimmed: bool) -> String {
    let mut out = String::new();
    for line in xliff.split_inclusive('\n') {
        let trimmed_line = line.trim();
        let name = if trimmed_line.starts_with("<source>") { "source" } else { "target" };
        let open_end = trimmed_line.find('>').map_or(0, |i| i + 1);
        let close = format!("</{name}>");
        let inner = trimmed_line.get(open_end..).and_then(|r| r.strip_suffix(close.as_str()));
        match inner {
            Some(inner)
                if (trimmed_line.starts_with("<source") || trimmed_line.starts_with("<target"))
                    && inner.contains('<') =>
            {
                let indent = &line[..line.len() - line.trim_start().len()];
                let children = pretty(&nodes(inner), &format!("{indent}{step}"), step, trimmed);
                out.push_str(&format!("{indent}{}{children}{close}\n", &trimmed_line[..open_end]));
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// Regression: a file a tool re-indented (a trial's `pretty-minidom.xlf` and
/// `pretty-nopreserve.xlf`: Python's minidom, each inline tag and each text between on
/// a line of its own) was refused for every unit with tags, "the source must not be
/// edited". It imports as the file did before, with or without xml:space="preserve",
/// with spaces or tabs; a source really edited is still refused, and one re-indented by
/// a tool that also trimmed the text, whose spaces cannot be told, is refused saying so.
#[test]
fn a_re_indented_file_imports_as_it_was_and_an_edited_source_is_still_refused() {
    let t = Project::untranslated();
    let batch = translate_all(&export(&t, "b.xlf", &[]));
    let tagged: Vec<TransUnit> = units(&batch).into_iter().filter(|u| u.xml.contains('<')).collect();
    assert!(tagged.len() >= 3, "the bundled corpus has too few sentences with tags");
    t.write("b.xlf", &batch);
    t.tolk(&["import", "--dry-run", "b.xlf"]).run().success();
    let expected = bundled_translations().into_iter().collect::<BTreeSet<_>>();
    for (name, step, preserve) in
        [("minidom.xlf", "  ", true), ("tabs.xlf", "\t", true), ("nopreserve.xlf", "\t", false)]
    {
        let t = Project::untranslated();
        export(&t, "b.xlf", &[]);
        let mut file = reindent(&batch, step, false);
        if !preserve {
            file = file.replace(" xml:space=\"preserve\"", "");
        }
        assert_ne!(file, batch);
        t.write(name, &file);
        t.tolk(&["import", name]).run().success().stderr_contains(&format!(
            "{name}: {} units had line breaks and indentation beside their tags",
            tagged.len()
        ));
        assert_eq!(pairs(&t), expected, "{name} imported otherwise than the file before it was re-indented");
    }
    // A word changed in a re-indented source is an edited source.
    let file = reindent(&batch, "  ", false);
    let unit = tagged.iter().find(|u| !u.xml.starts_with('<')).unwrap();
    let first = unit.source.split(' ').next().unwrap();
    let word = regex::Regex::new(&format!(r"(<source>\n\s*){}", regex::escape(first))).unwrap();
    let edited = word.replace(&file, "${1}Endret").into_owned();
    assert_ne!(edited, file, "{file}");
    t.write("edited.xlf", &edited);
    t.tolk(&["import", "edited.xlf"])
        .run()
        .failure()
        .stderr_contains("(the source must not be edited), found \"Endret");
    // Re-indented by a tool that trimmed each text, a space beside a tag is lost.
    t.write("trimmed.xlf", reindent(&batch, "  ", true));
    t.tolk(&["import", "trimmed.xlf"]).run().failure().stderr_contains(
        ": the file was re-indented (line breaks and indentation put beside the tags, as a tool that reformats XML \
         writes them) in a way tolk cannot undo for this unit, so which spaces are the sentence's, and the \
         translation's, cannot be told; export the batch again, or save the file from the CAT tool without \
         reformatting it",
    );
}
