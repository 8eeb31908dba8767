//! The corpus as delivered, and the lossless round trip through the library: a
//! document rebuilt from its skeleton and unchanged segments is the file, byte for byte.

use std::borrow::Cow;

use tolk::document::Document;
use tolk::segment::Segmenter;

use crate::sha256;
use crate::util::repo;

/// The corpus files with the digests they were delivered with
/// (`../shared/seeds/README.md`).
const CORPUS: [(&str, &str); 2] = [
    ("fjordkraft-irene-fauskanger.txt", "715180e0bd3c72aae4a9f988f379379f4ad10cb8b8f9780d88cb256df591274d"),
    ("lyse-dialog-trine-vestre-oen.txt", "2678998599b19a8fbe22f6377027d234464e0873a768299a974daf06a8fed6f3"),
];

#[test]
fn corpus_is_byte_for_byte_as_delivered() {
    for (name, expected) in CORPUS {
        let bytes = std::fs::read(repo().join("corpus").join(name)).unwrap();
        assert_eq!(sha256::hex(&bytes), expected, "corpus/{name} differs from the delivered file");
    }
}

#[test]
fn rebuild_with_unchanged_segments_gives_the_file_back() {
    let segmenter = Segmenter::default();
    for (name, _) in CORPUS {
        let path = repo().join("corpus").join(name);
        let doc = Document::read(&path, &segmenter).unwrap();
        assert_eq!(doc.name, name);
        assert!(!doc.segments.is_empty(), "{name} has no segments");
        let rebuilt = doc.rebuild(|s| Some(Cow::Borrowed(&s.text))).unwrap();
        assert!(rebuilt == std::fs::read(&path).unwrap(), "{name} does not rebuild losslessly");
    }
}

#[test]
fn skeleton_is_only_layout() {
    // Between segments there is only whitespace (no-break spaces included), line
    // breaks and dialogue dashes: no text is lost to the skeleton.
    let segmenter = Segmenter::default();
    for (name, _) in CORPUS {
        let doc = Document::read(&repo().join("corpus").join(name), &segmenter).unwrap();
        for piece in doc.skeleton().unwrap() {
            assert!(
                piece.chars().all(|c| c.is_whitespace() || matches!(c, '–' | '-' | '—' | '\u{feff}')),
                "{name}: skeleton piece {piece:?} holds text"
            );
        }
    }
}

/// A corpus of folders: every document in them is read, named by its path inside the
/// corpus, and its edition goes to the same place under `out/en/`; hidden folders are
/// not read, and a link to a folder is named as skipped, never followed.
#[test]
fn subfolders_are_walked_and_their_editions_mirror_them() {
    let t = crate::util::Project::empty();
    t.write("corpus/a.txt", "Hei.\n")
        .write("corpus/2027/mars/b.md", "# Hvem er du?\n")
        .write("corpus/.utkast/c.txt", "Ikke denne.\n")
        // The owner file Word keeps beside an open document: no document, not an error.
        .write("corpus/2027/~$intervju.docx", "\u{7}ola             ")
        .write(
            "memory/nb-en.csv",
            "source,target\nHei.,Hi.\nHvem er du?,Who are you?\nIkke denne.,Not this one.\n",
        );
    #[cfg(unix)]
    std::os::unix::fs::symlink(t.path().join("corpus/2027"), t.path().join("corpus/lenke")).unwrap();
    let segmented = t.tolk(&["segment", "--json"]).run().success();
    assert!(
        segmented.stderr.contains("skipped corpus/2027/~$intervju.docx: a lock file Word or Excel keeps"),
        "{}",
        segmented.stderr
    );
    let docs: Vec<String> = segmented
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["doc"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(docs, ["2027/mars/b.md", "a.txt"]);
    #[cfg(unix)]
    segmented.stderr_contains(
        "warning: skipped corpus/lenke: a symbolic link to a folder, which tolk does not follow",
    );
    t.tolk(&["build"]).run().success();
    assert_eq!(t.read("out/en/2027/mars/b.md"), "# Who are you?\n");
    assert_eq!(t.read("out/en/a.txt"), "Hi.\n");
    assert!(!t.path().join("out/en/.utkast").exists() && !t.path().join("out/en/lenke").exists());
    // A batch names each place by the document's path in the corpus.
    t.write("memory/nb-en.csv", "source,target\n");
    t.tolk(&["export", "-o", "b.csv"]).run().success();
    assert!(t.read("b.csv").contains("2027/mars/b.md:1"), "{}", t.read("b.csv"));
}

/// Word's lock file beside an open document is named with the pattern of lock files
/// only (`~$*`; `*.docx` would leave out every Word document), and that pattern
/// silences it without being told it matched no file.
#[test]
fn a_word_lock_file_is_silenced_by_the_lock_file_pattern_only() {
    let t = crate::util::Project::empty();
    t.write("corpus/a.txt", "Hei.\n").write("corpus/~$stival.docx", "\u{5}Kari Nordmann      ");
    t.tolk(&["analyze"])
        .run()
        .success()
        .stderr_contains("warning: skipped corpus/~$stival.docx: a lock file Word or Excel keeps")
        .stderr_contains("exclude it in tolk.toml: [corpus] exclude = [\"~$*\"])");
    t.write("tolk.toml", "[corpus]\nexclude = [\"~$*\"]\n");
    t.tolk(&["analyze"]).run().success().stderr_is("");
}

/// A batch exported into the corpus folder is refused, saying where to write it; one
/// put there all the same is skipped with a note, not read as a document.
#[test]
fn a_batch_is_not_written_into_the_corpus_nor_read_from_it() {
    let t = crate::util::Project::empty();
    t.write("corpus/a.txt", "Vi ses i neste nummer.\nTakk for nå.\n")
        .write("memory/nb-en.csv", "source,target\n")
        .write("tolk.toml", "");
    t.tolk(&["export", "-o", "batch.csv"])
        .current_dir("corpus")
        .run()
        .code(1)
        .stderr_is(
            "error: will not write the batch to batch.csv: it is inside the corpus folder ../corpus, where every \
             command after would read it as a document; name a file outside it, such as \
             ../out/batches/batch.csv; nothing was written\n",
        );
    assert!(!t.path().join("corpus/batch.csv").exists());
    t.tolk(&["export", "-o", "corpus/sub/b.xlsx"])
        .run()
        .code(1)
        .stderr_contains("inside the corpus folder corpus");
    t.tolk(&["tm", "export", "-o", "corpus/m.csv", "--format", "csv"])
        .run()
        .code(1)
        .stderr_contains("will not write the memory to corpus/m.csv");
    // Written outside, then copied in by hand.
    t.tolk(&["export", "-o", "b.csv"]).run().success();
    std::fs::copy(t.path().join("b.csv"), t.path().join("corpus/b.csv")).unwrap();
    t.tolk(&["segment"]).run().success().stdout_is("Vi ses i neste nummer.\nTakk for nå.\n").stderr_contains(
        "warning: skipped corpus/b.csv: a batch tolk exported (its first row is a batch's columns, id, source and \
         target), not a document; move it out of the corpus folder",
    );
}

/// Regression (a trial): after a `.png` and a `.jpg` were skipped, the hint named only
/// `exclude = ["*.png"]`, and following it left the `.jpg`'s warning. It names every
/// kind skipped, each once, and the line it gives silences them all.
#[test]
fn the_exclude_hint_names_every_kind_of_file_skipped() {
    let t = crate::util::Project::empty();
    t.write("corpus/a.txt", "Hei.\n")
        .write("corpus/a.png", b"\x89PNG\r\n\x1a\n\0\0".as_slice())
        .write("corpus/b.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0".as_slice())
        .write("corpus/c.png", b"\x89PNG\r\n\x1a\n\0\0".as_slice());
    let hint = "  (to keep such files beside the documents without this warning, exclude them in tolk.toml: [corpus] \
                exclude = [\"*.png\", \"*.jpg\"])\n";
    for command in ["status", "export"] {
        t.tolk(&[command]).run().success().stderr_contains("skipped corpus/b.jpg").stderr_contains(hint);
    }
    t.write("tolk.toml", "[corpus]\nexclude = [\"*.png\", \"*.jpg\"]\n");
    t.tolk(&["status"]).run().success().stderr_is("");
}

/// `--quiet` holds a warning back in every command alike, counted in one line (as
/// `import -q` does a row's).
#[test]
fn quiet_counts_a_skipped_file_in_every_command() {
    let t = crate::util::Project::empty();
    t.write("corpus/a.txt", "Hei.\n").write("corpus/layout.pdf", "%PDF-1.4 ...");
    let held = "warning: 1 warning not shown (--quiet); run the command again without --quiet to see it\n";
    for command in [
        &["analyze", "-q"][..],
        &["status", "-q"],
        &["export", "-q", "-o", "b.xlsx"],
        &["build", "-q", "--partial"],
    ] {
        t.tolk(command).run().success().stderr_is(held);
    }
    t.write(
        "more.tmx",
        "<?xml version=\"1.0\"?><tmx version=\"1.4\"><header srclang=\"nb\"/><body/></tmx>\n",
    );
    t.tolk(&["tm", "import", "more.tmx", "-q"]).run().success().stderr_is("");
}

/// A file kept beside the documents (a PDF of the layout) is warned of with what to do
/// with it, and how to keep it there without the warning: `[corpus] exclude` silences
/// it, and `-q` leaves the hint out.
#[test]
fn a_skipped_file_says_what_to_do_and_how_to_silence_it() {
    let t = crate::util::Project::empty();
    t.write("corpus/a.txt", "Hei.\n").write("corpus/layout.pdf", "%PDF-1.4 ...");
    let out = t.tolk(&["analyze"]).run().success();
    out.stderr_contains("skipped corpus/layout.pdf: is a PDF file")
        .stderr_contains("save the document it was made from as .docx or .odt")
        .stderr_contains("exclude it in tolk.toml: [corpus] exclude = [\"*.pdf\"]");
    let quiet = t.tolk(&["analyze", "-q"]).run().success();
    assert!(!quiet.stderr.contains("exclude it"), "{}", quiet.stderr);
    t.write("tolk.toml", "[corpus]\nexclude = [\"*.pdf\"]\n");
    t.tolk(&["analyze"]).run().success().stderr_is("");
}

/// Code, styles, data and markup beside an article (a Hugo page bundle's script,
/// stylesheet, data files and map) are skipped as a PDF is, with one hint naming every
/// kind to exclude, and never sent to translators nor rewritten in an edition; a file
/// with no extension or `.txt` is still plain text (new-user trial: `meny.js` was
/// exported as sentences and rewritten by `build --pseudo`).
#[test]
fn code_and_data_files_beside_an_article_are_skipped_not_translated() {
    let t = crate::util::Project::empty();
    t.write("memory/nb-en.csv", crate::util::EMPTY_MEMORY)
        .write("corpus/innlegg/index.md", "# Valget\n\nVi stemte i dag.\n")
        .write("corpus/innlegg/meny.js", "document.querySelector('nav').addEventListener('click', vis);\n")
        .write("corpus/innlegg/stil.css", "nav { color: red; }\n")
        .write("corpus/innlegg/data.json", "{\"tittel\": \"Valget i Norge\"}\n")
        .write("corpus/innlegg/data.yml", "tittel: Valget i Norge\n")
        .write(
            "corpus/innlegg/kart.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>Oslo sentrum</text></svg>\n",
        )
        .write("corpus/LESMEG", "Les dette først.\n")
        .write("corpus/notat.txt", "Et notat her.\n");
    let out = t.tolk(&["segment"]).run().success();
    assert_eq!(out.stdout, "Les dette først.\nValget\nVi stemte i dag.\nEt notat her.\n");
    for (file, what) in [
        ("data.json", "a data or configuration file (.json)"),
        ("data.yml", "a data or configuration file (.yml)"),
        ("kart.svg", "a markup or vector graphics file (.svg)"),
        ("meny.js", "a script or program (.js)"),
        ("stil.css", "a stylesheet (.css)"),
    ] {
        let warning = format!(
            "warning: skipped corpus/innlegg/{file}: is {what}, which tolk does not read; tolk reads"
        );
        assert!(out.stderr.contains(&warning), "no {warning:?} in\n{}", out.stderr);
    }
    assert!(
        out.stderr.contains(
            "exclude them in tolk.toml: [corpus] exclude = [\"*.json\", \"*.yml\", \"*.svg\", \"*.js\", \"*.css\"])"
        ),
        "{}",
        out.stderr
    );
    t.tolk(&["export", "-o", "b.csv"]).run().success();
    let batch = t.read("b.csv");
    assert!(!batch.contains("querySelector") && !batch.contains("Oslo sentrum"), "{batch}");
    t.tolk(&["build", "--pseudo"]).run().success();
    assert!(!t.path().join("out/pseudo/innlegg/meny.js").exists(), "a script was rewritten");
    assert!(
        t.path().join("out/pseudo/innlegg/index.md").exists() && t.path().join("out/pseudo/LESMEG").exists()
    );
    t.tolk(&["segment", "corpus/innlegg/stil.css"])
        .run()
        .failure()
        .stderr_contains("error: corpus/innlegg/stil.css: is a stylesheet (.css), which tolk does not read");
    t.write("tolk.toml", "[corpus]\nexclude = [\"*.json\", \"*.yml\", \"*.svg\", \"*.js\", \"*.css\"]\n");
    t.tolk(&["analyze"]).run().success().stderr_is("");
}
