//! `tolk build`: the English editions of the bundled project, all or nothing when
//! translations are missing, `--partial`, the pseudo fills, `--out`, the names
//! editions may not take, and a translation build cannot place counted as none by
//! `analyze`, `export` and `status` too.

use std::collections::BTreeMap;

use crate::util::{bundled_translations, corpus_names, diff, is_plain_text, repo_file, Project};

const FJORDKRAFT: &str = "fjordkraft-irene-fauskanger.txt";
const LYSE: &str = "lyse-dialog-trine-vestre-oen.txt";

/// The layout an edition must keep, line by line: a blank line as it is, any other line
/// as the whitespace and dashes it starts with (and whether it ends with `\r`).
fn structure(text: &str) -> Vec<String> {
    text.split('\n')
        .map(|line| {
            if line.trim().is_empty() {
                return line.to_owned();
            }
            let lead: String = line.chars().take_while(|c| c.is_whitespace() || "–-—".contains(*c)).collect();
            format!("{lead}|{}", if line.ends_with('\r') { "\\r" } else { "" })
        })
        .collect()
}

#[track_caller]
fn assert_same_structure(edition: &str, source: &str, name: &str) {
    let (e, s) = (structure(edition), structure(source));
    assert!(
        e == s,
        "{name}: the edition's lines differ from the source's:\n{}",
        diff(&s.join("\n"), &e.join("\n"))
    );
}

/// The files in `out/en` of `t`, by name.
fn written(t: &Project, dir: &str) -> Vec<String> {
    t.snapshot_dir(dir).into_keys().collect()
}

/// Every document of the corpus, whatever its format, gets its edition: read back by
/// tolk, it holds the bundled translation of each sentence in that sentence's place, and
/// a plain-text edition keeps the source's lines.
#[test]
fn the_bundled_project_builds_every_edition_in_the_source_layout() {
    let t = Project::new();
    let names = corpus_names();
    let memory = t.snapshot_dir("memory");
    t.tolk(&["build"])
        .run()
        .success()
        .stdout_is("")
        .stderr_contains(&format!("wrote {} editions to out/en", names.len()))
        .stderr_contains(" 0 untranslated");
    assert_eq!(written(&t, "out/en"), names);
    let translations = bundled_translations();
    for name in &names {
        let sentences = t.segment_texts(&format!("corpus/{name}"));
        assert!(!sentences.is_empty(), "{name} has no sentences");
        let expected: Vec<&str> = sentences
            .iter()
            .map(|s| translations.get(s).unwrap_or_else(|| panic!("{name}: the memory lacks {s:?}")).as_str())
            .collect();
        assert_eq!(t.segment_texts(&format!("out/en/{name}")), expected, "{name}: the edition's sentences");
        if !is_plain_text(name) {
            continue;
        }
        let (source, edition) = (t.read(&format!("corpus/{name}")), t.read(&format!("out/en/{name}")));
        assert_same_structure(&edition, &source, name);
        // Not one Norwegian sentence is left.
        for sentence in sentences.iter().filter(|s| translations[*s] != **s) {
            assert!(!edition.contains(sentence.as_str()), "{name}: {sentence:?} is not translated");
        }
    }
    assert!(t.snapshot_dir("memory") == memory, "tolk build changed the memory");
}

#[test]
fn the_skeleton_is_kept_byte_for_byte() {
    let t = Project::empty();
    t.write("corpus/a.txt", "\u{feff}– Hei.  Hvem er du?\r\n\r\n\u{a0}Takk.")
        .write("memory/nb-en.csv", "source,target\nHei.,Hi.\nHvem er du?,Who are you?\nTakk.,Thanks.\n");
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "\u{feff}– Hi.  Who are you?\r\n\r\n\u{a0}Thanks.");
}

#[test]
fn braces_in_a_plain_text_translation_are_text_and_a_formatted_document_leaves_them_out() {
    // Plain text has no tags: a translation with braces shaped like tags is written as
    // it is (it was taken at import, counted translated, and then refused here).
    let t = Project::empty();
    t.write("corpus/a.txt", "Det var en fin dag. Vi gikk hjem.\n").write(
        "memory/nb-en.csv",
        "source,target\nDet var en fin dag.,It was a {1}fine{/1} day.\nVi gikk hjem.,We went {2/} home.\n",
    );
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "It was a {1}fine{/1} day. We went {2/} home.\n");
    // In Markdown the same translation has no markup for its tags: the sentence is
    // missing, as `import` warned it would be.
    t.write("corpus/a.txt", "").write("corpus/b.md", "Det var en fin dag.\n");
    std::fs::remove_file(t.path().join("corpus/a.txt")).unwrap();
    t.tolk(&["build"]).run().failure().stderr_contains("b.md:1: Det var en fin dag.");
}

#[test]
fn a_missing_translation_writes_nothing_and_lists_what_is_missing() {
    let t = Project::seeds_untranslated();
    let memory = t.snapshot_dir("memory");
    let out = t.tolk(&["build"]).run().failure();
    let out = out
        .stdout_is("")
        .stderr_contains(&format!("{FJORDKRAFT}:1: Kort, hva er din kundeservicekarriere?\n"))
        .stderr_contains(&format!(
            "{FJORDKRAFT}:2: I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år.\n"
        ))
        .stderr_contains("... and 44 more; --list-missing shows them all\n")
        .stderr_contains("64 segments have no translation, so nothing was written")
        .stderr_contains("tolk export")
        .stderr_contains("--partial");
    let listed = out.stderr.lines().filter(|l| l.starts_with(FJORDKRAFT) || l.starts_with(LYSE)).count();
    assert_eq!(listed, 20, "at most 20 missing segments are listed:\n{}", out.stderr);
    assert!(!t.path().join("out").exists(), "a failed build wrote {:?}", t.snapshot_dir("out"));
    assert!(t.snapshot_dir("memory") == memory, "a failed build changed the memory");
}

#[test]
fn one_missing_sentence_leaves_every_earlier_edition_as_it_was() {
    let t = Project::new();
    t.tolk(&["build"]).run().success();
    let before = t.snapshot_dir("out");
    t.write("corpus/ny.txt", "Helt ny setning.\n");
    t.tolk(&["build"])
        .run()
        .failure()
        .stderr_contains("ny.txt:1: Helt ny setning.\n")
        .stderr_contains("1 segment has no translation");
    assert!(t.snapshot_dir("out") == before, "a failed build changed out/");
}

#[test]
fn partial_writes_everything_and_keeps_norwegian_where_missing() {
    let t = Project::empty();
    t.write("corpus/a.txt", "– Hei. Hvem er du?\n\nTakk.\n")
        .write("memory/nb-en.csv", "source,target\nHei.,Hi.\n");
    t.tolk(&["build", "--partial"]).run().success().stderr_contains(
        "wrote 1 edition to out/en: 3 segments, 5 words in the editions, 2 untranslated (kept in Norwegian)",
    );
    // What stayed Norwegian is marked, so nobody publishes it unseen.
    assert_eq!(t.read("out/en/a.txt"), "– Hi. [nb: Hvem er du?]\n\n[nb: Takk.]\n");
    t.tolk(&["build", "--partial", "--mark", "<<{}>>"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "– Hi. <<Hvem er du?>>\n\n<<Takk.>>\n");
    t.tolk(&["build", "--partial", "--mark", "{}"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "– Hi. Hvem er du?\n\nTakk.\n");
    t.tolk(&["build", "--partial", "--mark", "nb"])
        .run()
        .failure()
        .stderr_contains("expected `{}` once where the Norwegian sentence goes");
    // A Nynorsk project's sentences are marked as Nynorsk.
    let nn = Project::empty();
    nn.write("tolk.toml", "source_language = \"nn\"\n")
        .write("corpus/a.txt", "Kva no? Eg veit ikkje.\n")
        .write("memory/nn-en.csv", "source,target\nKva no?,What now?\n");
    nn.tolk(&["build", "--partial"]).run().success();
    assert_eq!(nn.read("out/en/a.txt"), "What now? [nn: Eg veit ikkje.]\n");
}

/// Regression (a web publisher's trial): Hugo names a page's language before its
/// extension, and an edition named `.nb.md` was the Norwegian page to the site.
#[test]
fn a_norwegian_language_in_a_files_name_is_english_in_the_editions() {
    let t = Project::empty();
    t.write("corpus/innlegg.nb.md", "# Hei\n\nVi er her.\n")
        .write("corpus/2027/index.nn.md", "Kva no?\n")
        .write("memory/nb-en.csv", "source,target\nHei,Hello\nVi er her.,We are here.\nKva no?,What now?\n");
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/innlegg.en.md"), "# Hello\n\nWe are here.\n");
    assert_eq!(t.read("out/en/2027/index.en.md"), "What now?\n");
    assert!(!t.path().join("out/en/innlegg.nb.md").exists());
}

#[test]
fn pseudo_identity_reproduces_the_corpus_without_a_memory() {
    let t = Project::new();
    std::fs::remove_dir_all(t.path().join("memory")).unwrap();
    t.tolk(&["build", "--pseudo=identity"]).run().success();
    assert!(
        t.snapshot_dir("out/pseudo") == t.snapshot_dir("corpus"),
        "the identity editions differ from the corpus"
    );
}

#[test]
fn pseudo_marks_every_sentence_and_keeps_the_layout() {
    let t = Project::new();
    t.tolk(&["build", "--pseudo", "--memory", "no-such-memory"]).run().success();
    for name in [FJORDKRAFT, LYSE] {
        let (source, edition) = (t.read(&format!("corpus/{name}")), t.read(&format!("out/pseudo/{name}")));
        assert_ne!(edition, source);
        assert_same_structure(&edition, &source, name);
        let sentences = repo_file(&format!("tests/gold/{name}")).lines().count();
        assert_eq!(edition.matches(" ~").count(), sentences, "{name}: one padded bracket per sentence");
        assert!(!edition.contains("Hva"), "{name}: letters are accented");
    }
}

#[test]
fn pseudo_takes_its_kind_only_after_an_equals_sign() {
    let t = Project::new();
    // `--pseudo corpus/x` is the default kind and a path, not a kind named corpus/x.
    t.tolk(&["build", "--pseudo", &format!("corpus/{LYSE}")]).run().success();
    assert_eq!(written(&t, "out/pseudo"), [LYSE]);
    let out = t.tolk(&["build", "--pseudo=klingon"]).run().failure();
    assert_eq!(out.status.code(), Some(2), "an unknown kind is a usage error");
}

#[test]
fn out_names_the_folder() {
    let t = Project::new();
    t.tolk(&["build", "--out", "site/engelsk"]).run().success().stderr_contains("to site/engelsk:");
    assert_eq!(written(&t, "site/engelsk"), corpus_names());
    assert!(!t.path().join("out").exists());
}

#[test]
fn building_again_replaces_the_editions_and_leaves_no_temporary_files() {
    let t = Project::new();
    t.tolk(&["build", "--pseudo", "--out", "out/en"]).run().success();
    let pseudo = t.snapshot_dir("out/en");
    t.tolk(&["build"]).run().success();
    assert_eq!(written(&t, "out/en"), corpus_names());
    for (name, edition) in t.snapshot_dir("out/en") {
        assert!(edition != pseudo[&name], "{name}: the pseudo edition was not replaced");
    }
    assert!(!t.read(&format!("out/en/{LYSE}")).contains(" ~"));
}

#[test]
fn quiet_prints_nothing() {
    let t = Project::new();
    t.tolk(&["build", "--quiet"]).run().success().stdout_is("").stderr_is("");
}

#[test]
fn two_documents_with_one_name_write_nothing() {
    let t = Project::empty();
    t.write("a/x.txt", "Hei.\n").write("b/x.txt", "Hei.\n");
    t.tolk(&["build", "--pseudo", "a", "b"]).run().failure().stderr_contains("two documents are named x.txt");
    assert!(!t.path().join("out").exists());
}

#[test]
fn an_edition_never_replaces_its_source() {
    let t = Project::new();
    let corpus: BTreeMap<String, Vec<u8>> = t.snapshot_dir("corpus");
    t.tolk(&["build", "--pseudo", "--out", "corpus"])
        .run()
        .failure()
        .stderr_contains("is a document of the corpus, which this would replace");
    assert!(t.snapshot_dir("corpus") == corpus, "tolk build overwrote the corpus");
}

#[test]
fn help_explains_build() {
    Project::empty()
        .tolk(&["build", "--help"])
        .run()
        .success()
        .stdout_contains("English editions")
        .stdout_contains("--partial")
        .stdout_contains("--pseudo")
        .stdout_contains("tolk export")
        .stderr_is("");
}

/// A Word file, a PDF or an image saved into the corpus is skipped with the reason,
/// named or found in the folder, and every command goes on with the text documents.
#[test]
fn files_tolk_does_not_read_are_skipped_with_the_reason() {
    let t = Project::new();
    t.write("corpus/arkiv.zip", b"PK\x03\x04\x14\x00\x06\x00rest of a zip");
    t.write("corpus/trykk.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    t.write("corpus/bilde.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF");
    // LibreOffice's flat XML document: text, but not text to translate line by line.
    t.write(
        "corpus/flat.fodt",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document>Hei.</office:document>\n",
    );
    let zip = "warning: skipped corpus/arkiv.zip: is a zip archive (a workbook, a presentation or another \
                packaged file), which tolk does not read; tolk reads plain text (.txt), Markdown (.md), HTML \
                (.html), Word (.docx, .dotx, .docm) and LibreOffice (.odt, .ott) documents\n";
    for args in [&["build"][..], &["analyze"], &["export", "-o", "b.csv"], &["segment", "corpus"]] {
        t.tolk(args)
            .run()
            .success()
            .stderr_contains(zip)
            .stderr_contains("warning: skipped corpus/trykk.pdf: is a PDF file")
            .stderr_contains("warning: skipped corpus/bilde.jpg: is a JPEG image")
            .stderr_contains("warning: skipped corpus/flat.fodt: is an XML file (a LibreOffice flat .fodt");
    }
    assert!(t.path().join("out/en/fjordkraft-irene-fauskanger.txt").exists());
    assert!(!t.path().join("out/en/arkiv.zip").exists());
    // Named itself, a file tolk cannot read is an error with the reason.
    let named = zip.replace("warning: skipped ", "error: ");
    t.tolk(&["segment", "corpus/arkiv.zip"]).run().failure().stderr_is(&named);
}

/// Regression: `tolk segment x.doc` and `tolk build x.doc` warned and wrote "0
/// editions" with exit 0, and a corpus of nothing tolk reads gave "every segment has a
/// 100% match" from export and TOTAL 100% from status. A file named itself that tolk
/// cannot read is an error, and so is a corpus of no document tolk reads, saying so; a
/// flat .fodt is told to be saved as .odt.
#[test]
fn a_named_file_or_a_corpus_tolk_cannot_read_is_an_error_that_says_why() {
    let t = Project::empty();
    t.write("corpus/rapport.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 the rest")
        .write(
            "corpus/flat.fodt",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document>Hei.</office:document>\n",
        )
        .write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    let doc =
        "error: corpus/rapport.doc: is an old binary Office file (a Word .doc or an Excel .xls), which tolk \
               does not read";
    t.tolk(&["segment", "corpus/rapport.doc"]).run().failure().stderr_contains(doc);
    t.tolk(&["build", "corpus/rapport.doc", "-o", "X"]).run().failure().stderr_contains(doc);
    assert!(!t.path().join("X").exists());
    let fodt = "warning: skipped corpus/flat.fodt: is an XML file (a LibreOffice flat .fodt, a batch or memory \
                file, or other XML), which tolk does not read; tolk reads plain text (.txt), Markdown (.md), HTML \
                (.html), Word (.docx, .dotx, .docm) and LibreOffice (.odt, .ott) documents; to translate it, open \
                it in LibreOffice and save it as ODF Text Document (.odt)\n";
    let none =
        "error: no documents tolk reads in corpus/ (2 skipped: flat.fodt, rapport.doc; each warning above \
                says why and what to do)\n";
    for args in [&["status"][..], &["export", "-o", "b.csv"], &["build"], &["analyze"], &["segment"]] {
        t.tolk(args).run().failure().stderr_contains(fodt).stderr_contains(none);
    }
    assert!(!t.path().join("b.csv").exists());
    // With one document tolk reads, the others are skipped and the work goes on.
    t.write("corpus/a.txt", "Hei.\n");
    t.tolk(&["status"]).run().success().stderr_contains(fodt);
}

#[test]
fn a_failed_build_says_that_the_editions_there_are_an_earlier_builds() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Hei.\nNytt her.\n").write("memory/nb-en.csv", "source,target\nHei.,Hi.\n");
    t.tolk(&["build"]).run().failure().stderr_contains("so nothing was written; make a batch");
    t.tolk(&["build", "--partial"]).run().success();
    let proof = t.read("out/en/a.txt");
    t.tolk(&["build"])
        .run()
        .failure()
        .stderr_contains("so nothing was written (out/en still holds what an earlier build wrote)");
    assert_eq!(t.read("out/en/a.txt"), proof);
}

/// `--list-missing` lists every missing sentence, even more than an edition keeps of
/// one document by default.
#[test]
fn list_missing_lists_every_sentence_of_a_long_document() {
    let t = Project::empty();
    let lines: String = (1..=150).map(|n| format!("Setning nummer {n} her.\n")).collect();
    t.write("corpus/a.txt", lines).write("memory/nb-en.csv", "source,target\n");
    let out = t.tolk(&["build", "--partial", "--list-missing"]).run().success();
    let out = out.stderr_contains("a.txt:150: Setning nummer 150 her.\n");
    assert!(!out.stderr.contains("more; --list-missing"), "{}", out.stderr);
}

/// An edition whose document the corpus no longer has is named, never removed: a
/// publisher copying `out/en` would publish it.
#[test]
fn an_edition_whose_document_is_gone_is_named() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Hei.\n")
        .write("corpus/b.txt", "Hei.\n")
        .write("memory/nb-en.csv", "source,target\nHei.,Hi.\n");
    t.tolk(&["build"])
        .run()
        .success()
        .stderr_is("wrote 2 editions to out/en: 2 segments, 2 words in the editions, 0 untranslated\n");
    std::fs::remove_file(t.path().join("corpus/b.txt")).unwrap();
    t.tolk(&["build"]).run().success().stderr_contains(
        "warning: out/en/b.txt is the edition of no document of the corpus (deleted or renamed?); remove it if it \
         should not be published\n",
    );
    assert_eq!(t.read("out/en/b.txt"), "Hi.\n", "an edition was removed");
    // Building one document says nothing of the others.
    t.tolk(&["build", "corpus/a.txt"])
        .run()
        .success()
        .stderr_is("wrote 1 edition to out/en: 1 segment, 1 word in the editions, 0 untranslated\n");
}

/// The build's summary counts words as an analysis does: a tag between two words (a
/// line break, a tab) parts them.
#[test]
fn the_summary_counts_words_parted_by_a_tag_as_the_analysis_does() {
    let t = Project::empty();
    t.write(
        "corpus/a.html",
        "<!doctype html>\n<html lang=\"nb\"><body><p>Tekst: Per<br>Foto: Ola</p></body></html>\n",
    );
    t.tolk(&["build", "--partial"])
        .run()
        .success()
        .stderr_contains("wrote 1 edition to out/en: 1 segment, 4 words in the editions, 1 untranslated");
    let csv = t.tolk(&["analyze", "--csv"]).run().success().stdout;
    assert!(csv.lines().any(|l| l == "a.html,no-match,1,4"), "{csv}");
}

/// A memory may hold a translation build cannot place: its tags are not its sentence's
/// (an older `tm import` let such a unit in). `analyze` then counted the sentence 100%
/// and `export` had nothing to send, while build found no translation, so the sentence
/// was stuck. All three now follow build's rule: in a formatted document it is no
/// translation (95–99%, sent in a batch for a translator to mend); in plain text, whose
/// braces are text, build places it, and it is one.
#[test]
fn a_translation_build_cannot_place_is_no_translation_to_analyze_or_export() {
    let t = Project::empty();
    t.write("memory/nb-en.csv", "source,target\nKlikk {1}Lagre{/1} nå.,Click Save now.\n")
        .write("corpus/a.md", "Klikk **Lagre** nå.\n");
    t.tolk(&["analyze"]).run().success().stdout_contains("  95–99%               1         3   100.0%\n");
    t.tolk(&["build"]).run().failure().stderr_contains("1 segment has no translation");
    t.tolk(&["export", "--format", "csv", "-o", "b.csv"]).run().success();
    let batch = t.read("b.csv");
    assert!(batch.contains("Klikk {1}Lagre{/1} nå.") && batch.contains("Click Save now."), "{batch}");
    assert!(
        batch.contains(",99,") || batch.contains(";99;"),
        "the score of the row is no longer 100: {batch}"
    );
    // status agrees: out in the batch, not translated, and export holds it back.
    t.tolk(&["status"]).run().success().stdout_contains("a.md            3       0   0%        3        0");
    t.tolk(&["export", "--format", "csv", "-o", "c.csv"])
        .run()
        .success()
        .stderr_contains("nothing to export");
    // In plain text the braces are text, and build writes the translation as it is.
    let t = Project::empty();
    t.write("memory/nb-en.csv", "source,target\nKlikk {1}Lagre{/1} nå.,Click Save now.\n")
        .write("corpus/a.txt", "Klikk {1}Lagre{/1} nå.\n");
    t.tolk(&["analyze"]).run().success().stdout_contains("  100%                 1         3   100.0%\n");
    t.tolk(&["export", "--format", "csv", "-o", "b.csv"])
        .run()
        .success()
        .stderr_contains("nothing to translate");
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/a.txt"), "Click Save now.\n");
}

/// Regression (a new-user trial): `build --help` said every edition has exactly the
/// lines of its source, which a Markdown or HTML paragraph wrapped over lines is not
/// (it is written on one line, as the README says); the help says which editions do.
#[test]
fn build_help_says_which_editions_keep_their_lines() {
    let t = Project::empty();
    let help = t.tolk(&["build", "--help"]).run().success();
    // Read as words, however the help is wrapped.
    let words = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!words.contains("so an edition has exactly the lines of its source"), "{words}");
    assert!(words.contains("a plain text edition has exactly the lines of its source"), "{words}");
    assert!(words.contains("a sentence wrapped over several lines is written on one"), "{words}");
    assert!(words.contains("in Markdown, a line break between two sentences stays"), "{words}");
}
