//! Tidy: checks of the source tree itself, run with the other tests so they cannot be
//! forgotten (in the manner of rust-analyzer's `xtask/src/tidy.rs`).
//!
//! - every Rust file under `src/`, `xtask/src/` and `tests/` opens with a `//!` doc
//!   saying what the module is for;
//! - no debugging leftovers (the macros in [`FORBIDDEN`]) in those files;
//! - no trailing whitespace and no tab indentation in any `.rs`, `.md` or `.toml` file.
//!
//! Data is left alone: build output, the corpus, the memory and test data folders are
//! skipped. All offenders are reported at once, each as `path:line: problem`.

use std::path::{Path, PathBuf};

use crate::util::repo;

/// Folders (relative to the repository root) whose files are data or output, not source.
const SKIP: [&str; 6] = ["target", "out", "corpus", "memory", "tests/gold", "tests/data"];

/// Folders whose Rust files must each open with a `//!` doc.
const MODULE_ROOTS: [&str; 3] = ["src", "xtask/src", "tests"];

/// Macros that must not be left in the code, spelled in pieces so this file does not
/// trip over itself.
const FORBIDDEN: [&str; 3] = [concat!("dbg", "!("), concat!("todo", "!("), concat!("unimplemented", "!(")];

#[test]
fn source_tree_is_tidy() {
    let mut problems = Vec::new();
    for path in files(repo(), repo()) {
        let rel = path.strip_prefix(repo()).unwrap().to_string_lossy().replace('\\', "/");
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "rs" | "md" | "toml") {
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(format!("{rel}: cannot read: {e}"));
                continue;
            }
        };
        if ext == "rs" && MODULE_ROOTS.iter().any(|root| rel.starts_with(&format!("{root}/"))) {
            check_module(&rel, &text, &mut problems);
        }
        check_whitespace(&rel, &text, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "the tree is not tidy ({} problems):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn check_module(rel: &str, text: &str, problems: &mut Vec<String>) {
    match text.lines().enumerate().find(|(_, l)| !l.trim().is_empty()) {
        Some((_, line)) if line.trim_start().starts_with("//!") => {}
        Some((n, _)) => problems.push(format!("{rel}:{}: module does not open with a `//!` doc", n + 1)),
        None => problems.push(format!("{rel}:1: module is empty; open it with a `//!` doc")),
    }
    for (n, line) in text.lines().enumerate() {
        for macro_call in FORBIDDEN.iter().filter(|m| line.contains(**m)) {
            problems.push(format!("{rel}:{}: `{macro_call}` left in the code", n + 1));
        }
    }
}

fn check_whitespace(rel: &str, text: &str, problems: &mut Vec<String>) {
    for (n, line) in text.lines().enumerate() {
        if line.ends_with([' ', '\t']) {
            problems.push(format!("{rel}:{}: trailing whitespace", n + 1));
        }
        if line.chars().take_while(|c| c.is_whitespace()).any(|c| c == '\t') {
            problems.push(format!("{rel}:{}: tab indentation", n + 1));
        }
    }
}

/// The files under `dir`, in name order, leaving out [`SKIP`] and hidden folders other
/// than `.cargo` (so `.git` and editor folders are never read).
fn files(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            let name = entry.file_name().to_string_lossy().into_owned();
            let hidden = name.starts_with('.') && name != ".cargo";
            if !hidden && !SKIP.contains(&rel.as_str()) {
                out.extend(files(root, &path));
            }
        } else if kind.is_file() {
            out.push(path);
        }
    }
    out
}

#[test]
fn tidy_checks_catch_what_they_should() {
    let mut problems = Vec::new();
    check_module("a.rs", "\n// not a doc\n", &mut problems);
    check_module("b.rs", &format!("//! Fine.\nfn f() {{ {}) }}\n", FORBIDDEN[0]), &mut problems);
    check_whitespace("c.md", "ok\ntrailing \n\tindented\n", &mut problems);
    assert_eq!(
        problems,
        [
            "a.rs:2: module does not open with a `//!` doc",
            &format!("b.rs:2: `{}` left in the code", FORBIDDEN[0]),
            "c.md:2: trailing whitespace",
            "c.md:3: tab indentation",
        ]
    );
}
