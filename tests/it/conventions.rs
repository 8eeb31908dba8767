//! The conventions every command shares: counts with their nouns in the right number,
//! dry runs worded as what they would do, `-o/--out` wherever a file or folder is
//! written, hints for mistyped values, and where `build --pseudo` writes.

use crate::util::{repo, Project};

/// A project with the bundled corpus, an empty memory and the import fixtures `names`.
fn with_fixtures(names: &[&str]) -> Project {
    let t = Project::untranslated();
    for name in names {
        t.write(name, std::fs::read(repo().join("tests/data/import").join(name)).unwrap());
    }
    t
}

#[test]
fn a_dry_run_import_says_what_it_would_do_and_counts_take_their_number() {
    let t = with_fixtures(&["bom-utf8.csv", "conflict.csv"]);
    t.tolk(&["import", "--dry-run", "bom-utf8.csv"]).run().success().stderr_is(
        "would add 4, would leave 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, \
         0 warnings, 0 refused (dry run, nothing written to memory/nb-en.csv)\n",
    );
    let out = t.tolk(&["import", "bom-utf8.csv"]).run().success();
    // The import's id is the second it ran: `import i20261130-061500: `.
    let (id, summary) = out.stderr.strip_prefix("import ").and_then(|s| s.split_once(": ")).unwrap();
    assert!(id.len() == 16 && id.starts_with('i') && id.as_bytes()[9] == b'-', "{}", out.stderr);
    assert_eq!(
        summary,
        "4 added, 0 unchanged, 0 skipped (empty target), 0 skipped (state), 0 conflicts, 0 warnings, \
         0 refused (written to memory/nb-en.csv)\n",
    );
    let out = t.tolk(&["import", "--dry-run", "conflict.csv"]).run().code(3);
    let out = out.stderr_contains(": would be refused (use --overwrite to add it)\n").stderr_contains(
        "would add 0, would leave 1 unchanged, 0 skipped (empty target), 0 skipped (state), 1 conflict \
         (would be refused), 0 warnings, 1 refused (dry run, nothing written to memory/nb-en.csv)\n",
    );
    assert!(!out.stderr.contains(" added"), "a dry run said it added:\n{}", out.stderr);
    t.tolk(&["import", "--dry-run", "--overwrite", "conflict.csv"])
        .run()
        .success()
        .stderr_contains(": would be the one used (the old one would be retired, kept as history)\n")
        .stderr_contains("would add 1, would leave 1 unchanged");
}

#[test]
fn a_dry_run_tm_import_says_what_it_would_do() {
    let t = Project::untranslated();
    t.write("in.tsv", "source\ttarget\nHei.\tHello.\n");
    t.tolk(&["tm", "import", "--dry-run", "in.tsv"]).run().success().stderr_is(
        "would add 1, would leave 0 unchanged, 0 conflicts, 0 with inline markup flattened, 0 skipped \
         (empty source or target), 0 skipped (codes differ from the source), 0 skipped (no nb and en \
         variant) (dry run, nothing written to memory/nb-en.csv)\n",
    );
    t.tolk(&["tm", "import", "in.tsv"]).run().success();
    t.write("again.tsv", "source\ttarget\nHei.\tHi.\n");
    t.tolk(&["tm", "import", "--dry-run", "again.tsv"])
        .run()
        .code(3)
        .stderr_contains("would add 0, would leave 0 unchanged, 1 conflict (would be refused), ");
    t.tolk(&["tm", "export", "-o", "m.tmx"]).run().success().stderr_is("1 entry written to m.tmx\n");
}

#[test]
fn one_query_is_one_query() {
    let t = Project::untranslated();
    t.tolk(&["match"]).stdin("Hei.\n").run().success().stderr_is("1 query, 0 with a match of 50% or more\n");
    t.tolk(&["match"])
        .stdin("Hei.\nHallo.\n")
        .run()
        .success()
        .stderr_is("2 queries, 0 with a match of 50% or more\n");
}

#[test]
fn one_segment_left_to_translate_is_one_segment() {
    let t = Project::empty();
    t.write("corpus/a.txt", "Hei.\n").write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    t.tolk(&["build"]).run().failure().stderr_contains("1 segment has no translation");
    let out = t.tolk(&["export", "-o", "b.csv"]).run().success();
    out.stderr_contains("batch b.csv: 1 segment, 1 word (")
        .stderr_contains("  No match        1 segment         1 word\n");
    t.tolk(&["analyze"]).run().success().stdout_contains("memory: 0 entries, 0 sources with conflicting");
}

#[test]
fn pseudo_with_its_kind_after_a_space_gets_a_hint() {
    let t = Project::new();
    let out = t.tolk(&["build", "--pseudo", "identity"]).run().failure();
    out.stderr_is(
        "error: identity: no such file or folder; did you mean --pseudo=identity? (the kind of --pseudo \
         goes after an equals sign)\n",
    );
    assert!(!t.path().join("out").exists(), "a refused build wrote {:?}", t.snapshot_dir("out"));
    // A document that is really named so is built.
    t.write("accented", "Hei.\n");
    t.tolk(&["build", "--pseudo", "accented"]).run().success();
    assert!(t.path().join("out/pseudo/accented").exists());
}

#[test]
fn pseudo_editions_go_to_their_own_folder_never_over_the_real_ones() {
    let t = Project::seeds();
    t.tolk(&["build"]).run().success();
    let real = t.snapshot_dir("out/en");
    t.tolk(&["build", "--pseudo"]).run().success().stderr_contains("to out/pseudo:");
    assert!(t.snapshot_dir("out/en") == real, "a pseudo build changed out/en");
    assert_eq!(t.snapshot_dir("out/pseudo").len(), real.len());
    t.tolk(&["build", "--pseudo=identity", "--out", "out/same"]).run().success();
    assert!(t.snapshot_dir("out/same") == t.snapshot_dir("corpus"));
}

#[test]
fn list_missing_lists_every_missing_sentence() {
    let t = Project::seeds_untranslated();
    let listed = |stderr: &str| stderr.lines().filter(|l| l.contains(".txt:")).count();
    let out = t.tolk(&["build"]).run().failure();
    assert_eq!(listed(&out.stderr), 20, "{}", out.stderr);
    out.stderr_contains("... and 44 more; --list-missing shows them all\n");
    let out = t.tolk(&["build", "--list-missing"]).run().failure();
    assert_eq!(listed(&out.stderr), 64, "{}", out.stderr);
    assert!(!out.stderr.contains("more"), "{}", out.stderr);
    out.stderr_contains("lyse-dialog-trine-vestre-oen.txt:1: Trine Vestre Øen er direktør")
        .stderr_contains("64 segments have no translation");
    // With --partial it lists what stayed in Norwegian.
    let out = t.tolk(&["build", "--partial", "--list-missing"]).run().success();
    assert_eq!(listed(&out.stderr), 64, "{}", out.stderr);
    out.stderr_contains("64 untranslated (kept in Norwegian)");
}

#[test]
fn every_command_that_writes_takes_o_and_out() {
    let t = Project::seeds();
    t.tolk(&["build", "-o", "site/a"]).run().success().stderr_contains("to site/a:");
    t.tolk(&["build", "--out", "site/b"]).run().success().stderr_contains("to site/b:");
    assert!(t.snapshot_dir("site/a") == t.snapshot_dir("site/b") && !t.snapshot_dir("site/a").is_empty());
    t.write("corpus/ny.txt", "En setning ingen har oversatt.\n");
    for spelling in ["-o", "--out"] {
        let file = |name: &str| format!("w{spelling}/{name}");
        t.tolk(&["export", "--again", spelling, &file("batch.csv")]).run().success();
        t.tolk(&["tm", "export", spelling, &file("m.tmx")]).run().success();
        t.tolk(&["rules", "export", spelling, &file("nb.srx")]).run().success();
        for name in ["batch.csv", "m.tmx", "nb.srx"] {
            assert!(!t.read(&file(name)).is_empty(), "{spelling}: {name} is empty");
        }
    }
}

#[test]
fn piped_errors_and_warnings_are_never_coloured() {
    let t = Project::seeds();
    let out = t.tolk(&["build", "--pseudo", "identity"]).env_remove("NO_COLOR").run().failure();
    assert!(out.stderr.starts_with("error: identity: "), "{}", out.stderr);
    assert!(!out.stderr.contains('\x1b'), "a pipe got escape codes: {:?}", out.stderr);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("gone.txt", t.path().join("corpus/dangling.txt")).unwrap();
        t.tolk(&["segment"]).env_remove("NO_COLOR").run().success().stderr_is(
            "warning: skipped corpus/dangling.txt: a symbolic link to gone.txt, which does not exist\n",
        );
    }
}

/// On a terminal (a pseudo-terminal from util-linux's `script`), `error:` is red unless
/// `NO_COLOR` is set.
#[cfg(target_os = "linux")]
#[test]
fn errors_are_red_on_a_terminal_unless_no_color() {
    let t = Project::seeds();
    let command = format!("'{}' build --pseudo identity", env!("CARGO_BIN_EXE_tolk"));
    let on_terminal = |no_color: bool| {
        let mut script = std::process::Command::new("script");
        script.args(["-qec", &command, "/dev/null"]).current_dir(t.path()).env_remove("NO_COLOR");
        if no_color {
            script.env("NO_COLOR", "1");
        }
        script.stdin(std::process::Stdio::null()).output().ok().filter(|o| !o.stdout.is_empty())
    };
    let Some(coloured) = on_terminal(false) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have util-linux's script");
        eprintln!("note: skipped the terminal colour test: no usable `script`");
        return;
    };
    let coloured = String::from_utf8(coloured.stdout).unwrap();
    assert!(coloured.starts_with("\x1b[1;31merror:\x1b[0m identity: "), "{coloured:?}");
    let plain = String::from_utf8(on_terminal(true).unwrap().stdout).unwrap();
    assert!(plain.starts_with("error: identity: ") && !plain.contains('\x1b'), "{plain:?}");
}

/// A flag that does nothing in the mode it is given in is refused, saying which flag it
/// needs or cannot go with, as a usage error.
#[test]
fn flags_that_would_do_nothing_are_refused() {
    let t = Project::new();
    for (args, says) in [
        (&["match", "--top", "5"][..], "the following required arguments were not provided:\n  --json"),
        (&["build", "--mark", "<{}>"], "the following required arguments were not provided:\n  --partial"),
        (&["build", "--pseudo", "--list-missing"], "cannot be used with"),
    ] {
        let out = t.tolk(args).stdin("Hei.\n").run().failure().stderr_contains(says);
        assert_eq!(out.status.code(), Some(2), "{args:?} is a usage error");
    }
    assert!(!t.path().join("out").exists(), "a refused build wrote something");
}
