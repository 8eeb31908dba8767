//! The test helper: a temporary tolk project and a fluent way to run the real `tolk`
//! binary in it and check what it did.
//!
//! ```ignore
//! let t = Project::new();
//! t.tolk(&["segment", "corpus/x.txt"]).run().success().stdout_is("Hei.\n");
//! ```
//!
//! Failed checks show the command, its exit status, stdout and stderr, and a line diff
//! for exact comparisons. The helper never touches the repository's own files: a
//! project is a copy of what a test needs, deleted when the test ends.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

/// The repository root, where `corpus/`, `memory/` and `tests/gold/` are.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the repository, read as UTF-8.
pub fn repo_file(rel: &str) -> String {
    let path = repo().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The plain-text documents the corpus started with, in name order: the two interviews
/// whose sentences `tests/gold/` segments by hand. The corpus holds them in other formats
/// too; [`corpus_names`] lists them all.
pub const SEEDS: [&str; 2] = ["fjordkraft-irene-fauskanger.txt", "lyse-dialog-trine-vestre-oen.txt"];

/// The names of the documents of the repository's corpus, in name order: every file in
/// `corpus/`, whatever its format, so tests of the whole bundled project follow the
/// corpus as documents are added to it.
pub fn corpus_names() -> Vec<String> {
    let root = repo().join("corpus");
    walk(&root).iter().map(|p| p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/")).collect()
}

/// Whether the repository's corpus document `name` is plain text, whose editions keep its
/// lines and can be compared with it line by line (as tolk reads it: a Markdown file is
/// marked-up text, not plain).
pub fn is_plain_text(name: &str) -> bool {
    let path = repo().join("corpus").join(name);
    let doc = tolk::document::Document::read(&path, &tolk::segment::Segmenter::default())
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    doc.plain().is_some()
}

/// A temporary project directory, deleted on drop.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A project with copies of the repository's `corpus/` and `memory/`.
    pub fn new() -> Project {
        let t = Project::empty();
        for name in ["corpus", "memory"] {
            copy_dir(&repo().join(name), &t.path().join(name));
        }
        t
    }

    /// A project with copies of the repository's two plain-text seed documents
    /// ([`SEEDS`]) and its `memory/`, for tests of plain-text behaviour: exact line
    /// numbers, word counts and messages, the layout of text editions, the gold
    /// segmentations. The other documents of the corpus are the same interviews in other
    /// formats, which would only add to those figures; the tests of the whole bundled
    /// project use [`Project::new`].
    pub fn seeds() -> Project {
        let t = Project::seeds_untranslated();
        copy_dir(&repo().join("memory"), &t.path().join("memory"));
        t
    }

    /// Like [`Project::seeds`], with an empty memory (as [`Project::untranslated`]):
    /// every segment of the seeds is still to translate.
    pub fn seeds_untranslated() -> Project {
        let t = Project::empty();
        for name in SEEDS {
            t.write(&format!("corpus/{name}"), std::fs::read(repo().join("corpus").join(name)).unwrap());
        }
        t.write("memory/nb-en.csv", EMPTY_MEMORY);
        t
    }

    /// A project with no files at all.
    pub fn empty() -> Project {
        Project { dir: tempfile::Builder::new().prefix("tolk-test-").tempdir().expect("creating a temp dir") }
    }

    /// The project directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `rel`, creating folders as needed.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Project {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        self
    }

    /// Reads `rel` as UTF-8.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let path = self.path().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }

    /// Every file under `rel` (relative path with `/` -> bytes), to prove a folder
    /// unchanged by comparing two snapshots.
    pub fn snapshot_dir(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        let root = self.path().join(rel);
        let mut out = BTreeMap::new();
        for path in walk(&root) {
            let name = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(name, std::fs::read(&path).unwrap());
        }
        out
    }

    /// `tolk ARGS` run in the project directory, ready to be given stdin and run.
    pub fn tolk(&self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tolk"));
        command.args(args).current_dir(self.path()).env("NO_COLOR", "1");
        Run { command, stdin: None }
    }
}

/// A `tolk` command not run yet.
pub struct Run {
    command: Command,
    stdin: Option<Vec<u8>>,
}

impl Run {
    /// Sets an environment variable for the run.
    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.command.env(key, value);
        self
    }

    /// Removes an environment variable for the run, such as the `NO_COLOR` every run
    /// gets.
    pub fn env_remove(mut self, key: &str) -> Run {
        self.command.env_remove(key);
        self
    }

    /// Runs in the folder `rel` of the project, not at its root.
    pub fn current_dir(mut self, rel: &str) -> Run {
        let dir = self.command.get_current_dir().expect("a run starts in its project").join(rel);
        self.command.current_dir(dir);
        self
    }

    /// Feeds `input` on stdin (stdin is empty otherwise).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Run {
        self.stdin = Some(input.into());
        self
    }

    /// Runs the command to the end.
    pub fn run(mut self) -> Output {
        let mut child = self.spawn();
        if let Some(input) = self.stdin.take() {
            let mut pipe = child.stdin.take().unwrap();
            // Written from a thread so a child that prints before reading cannot
            // deadlock on a full stdout pipe.
            std::thread::spawn(move || {
                let _ = pipe.write_all(&input);
            });
        }
        let out = child.wait_with_output().expect("waiting for tolk");
        Output {
            command: format!("{:?}", self.command),
            status: out.status,
            stdout: utf8(out.stdout, "stdout"),
            stderr: utf8(out.stderr, "stderr"),
        }
    }

    /// Starts the command with piped stdout and stderr, for tests that read as it runs.
    pub fn spawn(&mut self) -> Child {
        let stdin = if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() };
        self.command
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {:?}: {e}", self.command))
    }
}

/// What a finished `tolk` run did.
pub struct Output {
    command: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts exit status 0.
    #[track_caller]
    pub fn success(self) -> Output {
        if !self.status.success() {
            self.fail("expected success");
        }
        self
    }

    /// Asserts the exit status `code`.
    #[track_caller]
    pub fn code(self, code: i32) -> Output {
        if self.status.code() != Some(code) {
            self.fail(&format!("expected exit status {code}"));
        }
        self
    }

    /// Asserts a non-zero exit status.
    #[track_caller]
    pub fn failure(self) -> Output {
        if self.status.success() {
            self.fail("expected failure");
        }
        self
    }

    /// Asserts stdout is exactly `expected`.
    #[track_caller]
    pub fn stdout_is(self, expected: &str) -> Output {
        if self.stdout != expected {
            self.fail(&format!("stdout differs (- expected, + actual):\n{}", diff(expected, &self.stdout)));
        }
        self
    }

    /// Asserts stdout contains `needle`.
    #[track_caller]
    pub fn stdout_contains(self, needle: &str) -> Output {
        if !self.stdout.contains(needle) {
            self.fail(&format!("stdout does not contain {needle:?}"));
        }
        self
    }

    /// Asserts stderr is exactly `expected`.
    #[track_caller]
    pub fn stderr_is(self, expected: &str) -> Output {
        if self.stderr != expected {
            self.fail(&format!("stderr differs (- expected, + actual):\n{}", diff(expected, &self.stderr)));
        }
        self
    }

    /// Asserts stderr contains `needle`.
    #[track_caller]
    pub fn stderr_contains(self, needle: &str) -> Output {
        if !self.stderr.contains(needle) {
            self.fail(&format!("stderr does not contain {needle:?}"));
        }
        self
    }

    #[track_caller]
    fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}\ncommand: {}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.status, self.stdout, self.stderr
        )
    }
}

#[track_caller]
fn utf8(bytes: Vec<u8>, which: &str) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("tolk wrote invalid UTF-8 on {which}: {e}"))
}

/// A line diff of `expected` and `actual` from their longest common subsequence:
/// common lines start with two spaces, missing ones with `- `, extra ones with `+ `.
pub fn diff(expected: &str, actual: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.split('\n').collect(), actual.split('\n').collect());
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            let _ = writeln!(out, "  {}", a[i]);
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "- {:?}", a[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "+ {:?}", b[j]);
            j += 1;
        }
    }
    out
}

/// Every file under `root`, in name order (none if `root` does not exist).
pub fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else { return out };
    let mut entries: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Copies the files under `from` to `to`. Contents only: the copies are writable even
/// where the originals are read-only.
fn copy_dir(from: &Path, to: &Path) {
    for path in walk(from) {
        let dest = to.join(path.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(&dest, std::fs::read(&path).unwrap()).unwrap();
    }
}

#[test]
fn diff_marks_missing_and_extra_lines() {
    assert_eq!(diff("a\nb\nc\n", "a\nc\nd\n"), "  a\n- \"b\"\n  c\n+ \"d\"\n  \n");
    assert_eq!(diff("To \n", "To.\n"), "- \"To \"\n+ \"To.\"\n  \n");
}

/// A memory file with a header and no entries.
pub const EMPTY_MEMORY: &str = "source,target,created,changed,translator,origin,note\n";

impl Project {
    /// A project with copies of the repository's `corpus/` and an empty memory: `memory/`
    /// holds only a header, so everything is still to translate.
    pub fn untranslated() -> Project {
        let t = Project::empty();
        copy_dir(&repo().join("corpus"), &t.path().join("corpus"));
        t.write("memory/nb-en.csv", EMPTY_MEMORY);
        t
    }

    /// The rows of the project's `memory/nb-en.csv`, each as column name -> cell.
    #[track_caller]
    pub fn memory_rows(&self) -> Vec<BTreeMap<String, String>> {
        csv_rows(self.read("memory/nb-en.csv").as_bytes(), b',')
    }
}

/// The records of CSV `bytes` (a leading UTF-8 BOM skipped) separated by `delimiter`,
/// header first, every cell as it is in the file.
#[track_caller]
pub fn csv_records(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap_or_else(|e| panic!("malformed CSV: {e}")).iter().map(str::to_owned).collect())
        .collect()
}

/// The rows of CSV `bytes` with a header, each as column name -> cell.
#[track_caller]
pub fn csv_rows(bytes: &[u8], delimiter: u8) -> Vec<BTreeMap<String, String>> {
    let mut records = csv_records(bytes, delimiter).into_iter();
    let header = records.next().expect("a header row");
    records.map(|r| header.iter().cloned().zip(r).collect()).collect()
}

/// The repository's memory as source -> target: what a translator is taken to write.
pub fn bundled_translations() -> std::collections::HashMap<String, String> {
    csv_rows(repo_file("memory/nb-en.csv").as_bytes(), b',')
        .into_iter()
        .map(|mut r| (r.remove("source").unwrap(), r.remove("target").unwrap()))
        .collect()
}

impl Project {
    /// Like [`Project::untranslated`], but made inside `parent` rather than the system's
    /// temporary folder, so a test can prove that nothing was written beside the project.
    pub fn untranslated_in(parent: &Path) -> Project {
        let dir =
            tempfile::Builder::new().prefix("tolk-test-").tempdir_in(parent).expect("creating a temp dir");
        let t = Project { dir };
        copy_dir(&repo().join("corpus"), &t.path().join("corpus"));
        t.write("memory/nb-en.csv", EMPTY_MEMORY);
        t
    }
}

/// Whether the run asks pinned expectations to be rewritten to what tolk prints now:
/// `UPDATE_EXPECT=1 cargo test --test integration hostile` after a deliberate change of
/// wording, then a read of the diff before committing it.
pub fn updating() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some()
}

/// Rewrites, in the test source `rel` (relative to the repository), the first string
/// literal that holds `old` (however its lines are continued with `\`) to hold `new`.
/// Returns whether one was found. Test threads take turns.
pub fn repin(rel: &str, old: &str, new: &str) -> bool {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let path = repo().join(rel);
    let source = std::fs::read_to_string(&path).unwrap();
    let literal = |s: &str| {
        let debug = format!("{s:?}");
        debug[1..debug.len() - 1].to_string()
    };
    let continued: String =
        literal(old).chars().map(|c| regex::escape(&c.to_string()) + r"(?:\\\n\s*)?").collect();
    let Ok(pattern) = regex::Regex::new(&continued) else { return false };
    let Some(found) = pattern.find(&source) else { return false };
    let line_start = source[..found.start()].rfind('\n').map_or(0, |n| n + 1);
    let indent =
        source[line_start..found.start()].len() - source[line_start..found.start()].trim_start().len();
    let mut wrapped = String::new();
    let mut line = String::new();
    for word in literal(new).split(' ') {
        if !line.is_empty() && line.len() + word.len() > 90 {
            wrapped.push_str(&line);
            wrapped.push_str(" \\\n");
            wrapped.push_str(&" ".repeat(indent + 1));
            line.clear();
        } else if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    wrapped.push_str(&line);
    let updated = format!("{}{wrapped}{}", &source[..found.start()], &source[found.end()..]);
    std::fs::write(&path, updated).unwrap();
    true
}

/// LibreOffice headless, run in `t` with a profile of its own there (so tests running
/// at once never share one), arguments still to add.
pub fn soffice_command(t: &Project) -> Command {
    let mut command = Command::new("soffice");
    command
        .arg(format!("-env:UserInstallation=file://{}", t.path().join("lo-profile").display()))
        .arg("--headless")
        .current_dir(t.path())
        .env("HOME", t.path());
    command
}

/// Runs LibreOffice headless in `t` with its own profile; false (with a note) when it
/// is not installed and this is not CI.
#[track_caller]
pub fn soffice(t: &Project, args: &[&str]) -> bool {
    let out = soffice_command(t).args(args).output();
    let out = match out {
        Ok(out) => out,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("note: skipping the LibreOffice part: cannot run soffice ({e}); install libreoffice-writer-nogui");
            return false;
        }
        Err(e) => panic!("cannot run soffice ({e}); CI must install libreoffice-writer-nogui (.ci/run does)"),
    };
    assert!(
        out.status.success(),
        "soffice {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

/// The text of the entry `name` of the zip archive at `path` (a Word, LibreOffice or
/// Excel file's XML).
pub fn zip_entry(path: &Path, name: &str) -> String {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut entry = archive.by_name(name).unwrap_or_else(|e| panic!("{name} in {}: {e}", path.display()));
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

/// Runs OmegaT, a CAT tool, in its console mode on the OmegaT project in `dir`: it
/// writes the translated files of `dir/source` into `dir/target` from the project's
/// translations (`omegat/project_save.tmx`) and the exact matches of the memories in
/// `dir/tm/auto`, with the settings in `dir/home`. `false` where there is no OmegaT and this
/// is not CI (which installs it, so there it must run).
pub fn omegat(dir: &Path) -> bool {
    let run = Command::new("timeout")
        .args(["300", "omegat"])
        .arg(dir)
        .args(["--mode=console-translate", "--disable-project-locking"])
        // Its settings are the project's own: Java takes the home folder from the user
        // account, not $HOME.
        .arg(format!("--config-dir={}", dir.join("home").display()))
        .env("HOME", dir.join("home"))
        .output();
    match run {
        Ok(out) if out.status.success() => true,
        other
            if std::env::var_os("CI").is_none()
                && Command::new("omegat").arg("--version").output().is_err() =>
        {
            eprintln!(
                "note: skipped the OmegaT part: no omegat ({other:?}); install the Debian package omegat"
            );
            false
        }
        other => panic!("omegat could not translate {}: {other:?}", dir.display()),
    }
}

/// The DOM Chromium builds from `page`, or `None` where there is no Chromium and this
/// is not CI (which installs it, so there it must run).
pub fn chromium_dom(page: &std::path::Path) -> Option<String> {
    let url = format!("file://{}", page.display());
    let run = Command::new("timeout")
        .args(["120", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", &url])
        .output();
    match run {
        Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).expect("Chromium wrote UTF-8")),
        other
            if std::env::var_os("CI").is_none()
                && Command::new("chromium").arg("--version").output().is_err() =>
        {
            eprintln!("note: skipped opening the HTML edition: no chromium ({other:?})");
            None
        }
        other => panic!("chromium could not open {url}: {other:?}"),
    }
}

impl Project {
    /// The sentences of the document or folder `rel` as `tolk segment --json` reads them,
    /// in order: what tolk finds in a document of any format, codes as placeholders.
    #[track_caller]
    pub fn segment_texts(&self, rel: &str) -> Vec<String> {
        let out = self.tolk(&["segment", "--json", rel]).run().success();
        out.stdout
            .lines()
            .map(|l| {
                let record: serde_json::Value =
                    serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
                record["text"].as_str().unwrap_or_else(|| panic!("no text in {l}")).to_owned()
            })
            .collect()
    }
}

/// Asserts that `ours` built the same editions into `out/en` as `theirs`, byte for byte,
/// with a line diff of a text edition that differs.
#[track_caller]
pub fn assert_same_editions(ours: &Project, theirs: &Project) {
    let (ours, theirs) = (ours.snapshot_dir("out/en"), theirs.snapshot_dir("out/en"));
    assert_eq!(ours.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>());
    for (name, expected) in &theirs {
        let actual = &ours[name];
        if actual == expected {
            continue;
        }
        match (std::str::from_utf8(expected), std::str::from_utf8(actual)) {
            (Ok(expected), Ok(actual)) => {
                panic!("{name} differs (- expected, + built):\n{}", diff(expected, actual))
            }
            _ => panic!("{name} differs: {} bytes expected, {} built", expected.len(), actual.len()),
        }
    }
}
