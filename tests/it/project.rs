//! A project: `tolk init`, `tolk.toml` found from any folder below it, its settings
//! (memory, corpus folders and patterns, batch defaults, edition folders, front-matter
//! keys) overridden by flags, and its errors naming the line.

use crate::util::{csv_records, repo, Project, SEEDS};

/// The seeds in a project made by `tolk init`, one of them in a subfolder.
fn initialised() -> Project {
    let t = Project::empty();
    t.tolk(&["init"]).run().success().stderr_contains("made tolk.toml\n");
    for (i, name) in SEEDS.iter().enumerate() {
        let rel = if i == 0 { format!("corpus/{name}") } else { format!("corpus/2027/{name}") };
        t.write(&rel, std::fs::read(repo().join("corpus").join(name)).unwrap());
    }
    t
}

#[test]
fn init_makes_a_project_that_commands_find_from_a_subfolder() {
    let t = initialised();
    for made in ["tolk.toml", "corpus", "memory/nb-en.csv", ".gitignore"] {
        assert!(t.path().join(made).exists(), "{made}");
    }
    let ignore = t.read(".gitignore");
    for entry in
        ["/out/", ".tolk.lock", "/.tolk/cache/", "/.tolk/batches/.lock", "/.tolk/batches/.*.reserved"]
    {
        assert!(ignore.lines().any(|l| l == entry), "{entry} in {ignore}");
    }
    let toml = t.read("tolk.toml");
    t.tolk(&["init"]).run().failure().stderr_contains("tolk.toml: exists already");
    assert_eq!(t.read("tolk.toml"), toml, "a second init changed the project file");

    // From two folders down, the project's corpus and memory are used, with its paths.
    let sub = t.path().join("corpus/2027");
    let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_tolk"));
    let out = run.args(["analyze"]).current_dir(&sub).env("NO_COLOR", "1").output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("2027/{}", SEEDS[1])) && stdout.contains(SEEDS[0]), "{stdout}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tolk"))
        .args(["export", "--format", "csv"])
        .current_dir(&sub)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let batches: Vec<_> = std::fs::read_dir(t.path().join("out/batches")).unwrap().collect();
    assert_eq!(batches.len(), 1, "the batch goes to the project's out/batches, not the subfolder's");
    assert!(!sub.join("out").exists());
}

#[test]
fn the_project_file_sets_memory_corpus_patterns_and_batch_defaults() {
    let t = Project::empty();
    t.write(
        "tolk.toml",
        r#"memory = "tm/house.csv"
[corpus]
folders = ["articles"]
exclude = ["**/NOTES.md", "drafts/**"]
[batches]
folder = "to-translate"
format = "csv"
delimiter = ";"
[editions]
folder = "english"
"#,
    );
    t.write("articles/a.txt", "Hei på deg. Vi ses i morgen.\n")
        .write("articles/NOTES.md", "Husk å sjekke navnene.\n")
        .write("articles/drafts/b.txt", "Et utkast.\n")
        .write("articles/2027/c.md", "# Tittel her\n\nEn setning til.\n")
        .write("tm/house.csv", "source,target\nHei på deg.,Hello there.\n");
    let out = t.tolk(&["segment", "--json"]).run().success();
    let docs: Vec<String> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["doc"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(docs, ["2027/c.md", "2027/c.md", "a.txt", "a.txt"], "excluded files are no documents");

    t.tolk(&["export"]).run().success();
    let batch = std::fs::read_dir(t.path().join("to-translate")).unwrap().next().unwrap().unwrap().path();
    assert_eq!(batch.extension().unwrap(), "csv");
    let rows = csv_records(&std::fs::read(&batch).unwrap(), b';');
    let sources: Vec<&str> = rows[1..].iter().map(|r| r[4].as_str()).collect();
    assert_eq!(
        sources,
        ["Tittel her", "En setning til.", "Vi ses i morgen."],
        "the memory translated the rest"
    );

    // The edition folder is the project's; --memory overrides the project's memory.
    t.tolk(&["build", "--partial"]).run().success();
    assert!(t.path().join("english/a.txt").exists() && !t.path().join("out").exists());
    t.write("other.csv", "source,target\nVi ses i morgen.,See you tomorrow.\n");
    t.tolk(&["lookup", "--memory", "other.csv", "Vi ses i morgen."])
        .run()
        .success()
        .stdout_contains("See you tomorrow.");
    t.tolk(&["lookup", "Vi ses i morgen."]).run().success().stdout_contains("no match");
}

#[test]
fn markdown_front_matter_keys_come_from_the_project() {
    let t = Project::empty();
    t.write(
        "corpus/a.md",
        "---\ntitle: Tittelen her\nsummary: Et kort sammendrag.\nforfatter: Kari Nordmann\n---\n\nTeksten.\n",
    );
    let texts = |t: &Project| t.segment_texts("corpus/a.md");
    // By default the keys Hugo and Jekyll show of a page: title, summary and the like.
    assert_eq!(texts(&t), ["Tittelen her", "Et kort sammendrag.", "Teksten."]);
    t.write("tolk.toml", "[markdown]\nfront_matter_text = [\"forfatter\"]\n");
    assert_eq!(texts(&t), ["Kari Nordmann", "Teksten."]);
}

/// Regression (a new-user trial): a named key whose value tolk cannot read (here a
/// YAML anchor) was left Norwegian in the edition without a word; a list of tags is
/// read item by item.
#[test]
fn a_front_matter_value_tolk_cannot_read_is_told_by_file_line_and_key() {
    let t = Project::empty();
    t.write("tolk.toml", "[markdown]\nfront_matter_text = [\"title\", \"tags\"]\n");
    t.write("corpus/a.md", "---\ntags:\n  - fjelltur\ntitle: &t Tittelen her\n---\n\nTeksten.\n");
    assert_eq!(t.segment_texts("corpus/a.md"), ["fjelltur", "Teksten."]);
    t.tolk(&["build", "--pseudo=identity"]).run().success().stderr_contains(
        "warning: corpus/a.md, line 4: the front matter's `title` is an anchor or an alias: tolk does not read it, \
         and it stays as it is",
    );
}

#[test]
fn a_wrong_project_file_is_an_error_naming_the_line_and_nothing_runs() {
    let t = Project::seeds();
    let before = t.snapshot_dir("memory");
    t.write("tolk.toml", "memory = \"memory\"\n\n[batches]\nfromat = \"csv\"\n");
    t.tolk(&["export"]).run().failure().stderr_is(
        "error: tolk.toml: line 4: unknown field `fromat`, expected one of `folder`, `format`, `delimiter`, \
         `min_score`; README.md's section \"A project: tolk init and tolk.toml\" lists every setting\n",
    );
    t.write("tolk.toml", "[corpus]\ninclude = [\"a[b\"]\n");
    t.tolk(&["analyze"])
        .run()
        .failure()
        .stderr_contains("tolk.toml: line 2: [corpus] include: \"a[b\" is not a glob pattern");
    t.write("tolk.toml", "target_language = \"de\"\n");
    t.tolk(&["build"])
        .run()
        .failure()
        .stderr_contains("tolk.toml: line 1: target_language: expected English");
    assert!(!t.path().join("out").exists());
    assert_eq!(t.snapshot_dir("memory"), before);
}

#[test]
fn the_languages_of_the_project_go_into_xliff_batches_and_come_back() {
    let t = Project::empty();
    // Written as the schema's language tags, with `-`, however tolk.toml separates.
    t.write("tolk.toml", "source_language = \"nn\"\ntarget_language = \"en_GB\"\n")
        .write("corpus/a.txt", "Eg er glad i deg. Kvar bur du?\n");
    t.tolk(&["export", "--format", "xliff", "-o", "b.xlf"]).run().success();
    let xliff = t.read("b.xlf");
    assert!(xliff.contains(r#"source-language="nn" target-language="en-GB""#), "{xliff}");
    t.write(
        "b.xlf",
        xliff.replace(
            "<target state=\"needs-translation\"></target>",
            "<target state=\"translated\">Yes.</target>",
        ),
    );
    let translated = t.read("b.xlf");
    assert!(translated.contains("Yes."), "the test's edit found no empty target:\n{translated}");
    t.tolk(&["import", "b.xlf"]).run().success().stderr_contains("2 added");
}

#[test]
fn mistakes_a_new_user_makes_get_a_way_out() {
    // No project and no corpus: say what to do.
    let t = Project::empty();
    t.tolk(&["analyze"]).run().failure().stderr_contains(
        "error: there is no tolk.toml here or in a folder above, and no corpus folder; put the Norwegian \
         documents in corpus (`tolk init` makes a project), or name files or folders on the command line\n",
    );
    // Nor a memory: a lookup or a TMX export answers nothing from an empty one.
    for args in [&["lookup", "Hei"][..], &["tm", "export", "-o", "x.tmx"]] {
        t.tolk(args).run().failure().stderr_contains(
            "error: there is no tolk.toml here or in a folder above, and no memory folder: no memory to read",
        );
    }
    assert!(!t.path().join("x.tmx").exists());
    // init inside a project is refused; init's --memory goes into tolk.toml.
    t.tolk(&["init", "--memory", "shared/tm.csv"]).run().success().stderr_contains("made shared/tm.csv");
    assert!(t.read("tolk.toml").contains("memory = \"shared/tm.csv\""));
    t.tolk(&["init", "corpus/2027"]).run().failure().stderr_contains("is inside the project of");
    // Run from inside the corpus, the folder is named, not left blank.
    std::fs::create_dir_all(t.path().join("corpus/sub")).unwrap();
    let inner = t.tolk(&["init"]).current_dir("corpus/sub").run().failure();
    inner.stderr_contains("corpus/sub: is inside the project of");
    assert!(!t.path().join("corpus/2027").exists());
    // A pattern that matches nothing is named.
    t.write("corpus/a.txt", "Hei.\n").write("corpus/NOTES.md", "Notat.\n");
    let toml = t.read("tolk.toml").replace("exclude = []", "exclude = [\"corpus/NOTES.md\"]");
    t.write("tolk.toml", toml);
    t.tolk(&["analyze"]).run().success().stderr_contains(
        "warning: tolk.toml: the exclude pattern \"corpus/NOTES.md\" matched no file; patterns match the path \
         inside the corpus folder",
    );
    // A mistyped memory for an import starts no stray memory.
    t.tolk(&["export", "--format", "csv", "-o", "b.csv"]).run().success();
    t.tolk(&["import", "--memory", "tm-typo.csv", "b.csv"])
        .run()
        .failure()
        .stderr_contains("tm-typo.csv: no such memory; check the path");
    assert!(!t.path().join("tm-typo.csv").exists());
}
