//! A project: the folder holding `tolk.toml`, and the settings every command reads
//! from it.
//!
//! [`Project::discover`] looks for `tolk.toml` in the current folder and then in each
//! parent, as cargo and git find theirs; without one, the current folder is a project
//! with the defaults (`corpus/`, `memory/`, `out/`), so tolk works without any setup.
//! Every path in the file is relative to the file's folder, and a command run from a
//! subfolder sees the same project. Flags on the command line override the file; the
//! binary does that, this module only reads, checks and writes the file. Unknown keys
//! and wrong values are errors naming the line, so a typo is never silently ignored.
//!
//! The project's own state (the record of exported batches, [`crate::ledger`]) lives in
//! `.tolk/` beside the file; [`init`] writes a `tolk.toml` with every setting spelt
//! out and commented, an empty memory, and ignore entries for what tolk writes that is
//! not the team's work (`out/`, the memory's lock file).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::corpus::Filter;
use crate::error::{Error, Place, Result};

/// The project file's name.
pub const FILE: &str = "tolk.toml";

/// The folder of the project's own state, beside [`FILE`].
pub const STATE_DIR: &str = ".tolk";

/// The settings of `tolk.toml`, each with its default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The language of the documents: Norwegian, `nb` (Bokmål) or `nn` (Nynorsk).
    pub source_language: String,
    /// The language of the editions: English, `en` or a regional `en-GB`, `en-US`.
    pub target_language: String,
    /// The translation memory: a CSV file or a folder of them.
    pub memory: PathBuf,
    /// Segmentation rules instead of the built-in ones (an SRX or `.rules` file).
    pub rules: Option<PathBuf>,
    /// Which documents are translated.
    pub corpus: CorpusConfig,
    /// How batches are written.
    pub batches: BatchConfig,
    /// Where editions go.
    pub editions: EditionConfig,
    /// Markdown settings.
    pub markdown: MarkdownConfig,
}

/// `[corpus]`: folders walked for documents, and patterns choosing among their files.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CorpusConfig {
    /// The folders (or files) of the corpus.
    pub folders: Vec<PathBuf>,
    /// Glob patterns of the documents taken, matched against each document's path
    /// inside its folder (`2027/*.docx`, `**/*.md`); empty takes every document.
    pub include: Vec<String>,
    /// Glob patterns of the documents left out, even when included (`**/NOTES.md`).
    pub exclude: Vec<String>,
}

/// `[batches]`: the defaults of `tolk export`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BatchConfig {
    /// Where batches are written.
    pub folder: PathBuf,
    /// `xlsx`, `csv` or `xliff`.
    pub format: String,
    /// The CSV delimiter: `,`, `;` or `tab`.
    pub delimiter: String,
    /// The lowest score offered as a suggestion (1 to 100; read wider, so a wrong
    /// number gets the same message whatever its size).
    pub min_score: u32,
}

/// `[editions]`: where `tolk build` writes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EditionConfig {
    /// The English editions.
    pub folder: PathBuf,
    /// Pseudo-translations (`build --pseudo`).
    pub pseudo_folder: PathBuf,
}

/// `[markdown]`: which front-matter keys hold text to translate.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// The keys whose values are text.
    pub front_matter_text: Vec<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            source_language: "nb".into(),
            target_language: "en".into(),
            memory: "memory".into(),
            rules: None,
            corpus: CorpusConfig::default(),
            batches: BatchConfig::default(),
            editions: EditionConfig::default(),
            markdown: MarkdownConfig::default(),
        }
    }
}

impl Default for CorpusConfig {
    fn default() -> CorpusConfig {
        CorpusConfig { folders: vec!["corpus".into()], include: Vec::new(), exclude: Vec::new() }
    }
}

impl Default for BatchConfig {
    fn default() -> BatchConfig {
        BatchConfig {
            folder: "out/batches".into(),
            format: "xlsx".into(),
            delimiter: ",".into(),
            min_score: 50,
        }
    }
}

impl Default for EditionConfig {
    fn default() -> EditionConfig {
        EditionConfig { folder: "out/en".into(), pseudo_folder: "out/pseudo".into() }
    }
}

impl Default for MarkdownConfig {
    fn default() -> MarkdownConfig {
        MarkdownConfig {
            front_matter_text: crate::document::markdown::FRONT_MATTER_TEXT
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

/// A project: where it is, and its settings.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project folder as a path from the current folder (empty for the current
    /// folder itself, `../..` two levels up), so every path tolk prints stays short.
    root: PathBuf,
    /// The project file, if there is one.
    file: Option<PathBuf>,
    /// Its settings.
    pub config: Config,
    /// The corpus patterns, compiled.
    filter: Filter,
}

impl Default for Project {
    /// [`Project::implicit`].
    fn default() -> Project {
        Project::implicit()
    }
}

impl Project {
    /// The project of the folder `cwd`: the nearest `tolk.toml` in it or a parent, or,
    /// without one, `cwd` itself with the default settings.
    pub fn discover(cwd: &Path) -> Result<Project> {
        let mut up = PathBuf::new();
        for dir in cwd.ancestors() {
            let file = dir.join(FILE);
            if file.is_file() {
                // Read by the path from the current folder when it is there, so errors
                // name `tolk.toml`, not the whole path.
                let mut project =
                    Project::load(if up.as_os_str().is_empty() { Path::new(FILE) } else { &file })?;
                project.file = Some(up.join(FILE));
                project.root = up;
                return Ok(project);
            }
            up.push("..");
        }
        Ok(Project::implicit())
    }

    /// The current folder as a project with the default settings (no `tolk.toml`).
    pub fn implicit() -> Project {
        let config = Config::default();
        Project { root: PathBuf::new(), file: None, filter: Filter::default(), config }
    }

    /// Reads the project file at `file` (a path from the current folder).
    pub fn load(file: &Path) -> Result<Project> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::at(file, Place::File, format!("is not UTF-8 text ({e}); save it as UTF-8"))
        })?;
        let config = parse(file, &text)?;
        let filter = Filter::new(&config.corpus.include, &config.corpus.exclude).map_err(|why| {
            // The line of the pattern named, as every other error of the file has one.
            let pattern = why.split('"').nth(1).unwrap_or("");
            let line =
                text.lines().position(|l| !pattern.is_empty() && l.contains(pattern)).map_or(0, |n| n + 1);
            Error::at(file, Place::line(line), format!("[corpus] {why}"))
        })?;
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Project { root, file: Some(file.to_path_buf()), config, filter })
    }

    /// The project file, if the project has one.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The project folder (empty for the current folder).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` from the project file, as a path from the current folder.
    pub fn path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() || self.root.as_os_str().is_empty() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        }
    }

    /// The memory, when it is kept as CSV: a path from the project folder. For a
    /// memory on a server ([`Project::memory_server`]), the project's `memory/` folder,
    /// where the glossary still lives.
    pub fn memory(&self) -> PathBuf {
        if self.memory_server().is_some() {
            return self.path(Path::new("memory"));
        }
        self.path(&self.config.memory)
    }

    /// The URL of the server the memory is kept on, when `memory` names one
    /// (`memory = "postgres://host/dbname"`).
    pub fn memory_server(&self) -> Option<&str> {
        self.config.memory.to_str().filter(|m| crate::memory::server::is_url(m))
    }

    /// The segmentation rules file, if the project names one.
    pub fn rules(&self) -> Option<PathBuf> {
        self.config.rules.as_deref().map(|p| self.path(p))
    }

    /// The corpus folders.
    pub fn corpus(&self) -> Vec<PathBuf> {
        self.config.corpus.folders.iter().map(|p| self.path(p)).collect()
    }

    /// The corpus patterns.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// The folder batches are written to.
    pub fn batch_folder(&self) -> PathBuf {
        self.path(&self.config.batches.folder)
    }

    /// The folder editions are written to (pseudo-translations with `pseudo`).
    pub fn edition_folder(&self, pseudo: bool) -> PathBuf {
        let e = &self.config.editions;
        self.path(if pseudo { &e.pseudo_folder } else { &e.folder })
    }

    /// `path` (a path from the current folder) as a path from the project folder, for
    /// what the project records: the same whichever folder a command ran in.
    pub fn from_root(&self, path: &Path) -> PathBuf {
        if self.root.as_os_str().is_empty() {
            return path.to_path_buf();
        }
        let (Ok(root), Ok(full)) = (std::path::absolute(&self.root), std::path::absolute(path)) else {
            return path.to_path_buf();
        };
        let clean = |p: &Path| -> PathBuf {
            let mut out = PathBuf::new();
            for c in p.components() {
                match c {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::CurDir => {}
                    c => out.push(c),
                }
            }
            out
        };
        let (root, full) = (clean(&root), clean(&full));
        full.strip_prefix(&root).map_or(full.clone(), Path::to_path_buf)
    }

    /// The project's state folder, `.tolk/`.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(STATE_DIR)
    }
}

/// Parses and checks the text of a project file.
fn parse(file: &Path, text: &str) -> Result<Config> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let message = e.message().trim().to_string();
        let hint = if message.starts_with("unknown field") {
            "; README.md's section \"A project: tolk init and tolk.toml\" lists every setting"
        } else if message.contains("expected a sequence") {
            "; write a list in brackets, such as [\"corpus\"]"
        } else {
            ""
        };
        match line {
            Some(line) => Error::at(file, Place::line(line), format!("{message}{hint}")),
            None => Error::at(file, Place::File, format!("{message}{hint}")),
        }
    })?;
    let wrong = |key: &str, expected: &str, found: &str| {
        let line = text.lines().position(|l| l.trim_start().starts_with(key)).map_or(0, |n| n + 1);
        Error::at(file, Place::line(line), format!("{key}: expected {expected}, found {found:?}"))
    };
    use crate::language::Language;
    let is = |code: &str, language: &str| Language::parse(language).is_some_and(|l| l.matches(code));
    if !is(&config.source_language, "nb") && !is(&config.source_language, "nn") {
        return Err(wrong("source_language", "Norwegian, `nb` or `nn`", &config.source_language));
    }
    if crate::document::EditionLanguage::parse(&config.target_language).is_none() {
        return Err(wrong("target_language", "English, `en`, `en-GB` or `en-US`", &config.target_language));
    }
    if !crate::batch::FORMATS.iter().any(|f| f.name() == config.batches.format) {
        let names: Vec<&str> = crate::batch::FORMATS.iter().map(|f| f.name()).collect();
        return Err(wrong("format", &format!("one of {}", names.join(", ")), &config.batches.format));
    }
    if crate::batch::Delimiter::parse(&config.batches.delimiter).is_none() {
        return Err(wrong("delimiter", "`,`, `;` or `tab`", &config.batches.delimiter));
    }
    if !(1..=100).contains(&config.batches.min_score) {
        return Err(wrong("min_score", "a score from 1 to 100", &config.batches.min_score.to_string()));
    }
    if config.corpus.folders.is_empty() {
        return Err(wrong("folders", "at least one corpus folder", "[]"));
    }
    for (key, path) in [
        ("folder", &config.batches.folder),
        ("folder", &config.editions.folder),
        ("pseudo_folder", &config.editions.pseudo_folder),
    ] {
        if path.as_os_str().is_empty() || path == Path::new(".") {
            return Err(wrong(
                key,
                "a folder inside the project, such as out/en",
                &path.display().to_string(),
            ));
        }
    }
    // What is written into the memory's folder is read as memory: a batch there would
    // be a translation no import checked, an edition a memory file that is no CSV.
    let memory = lexical(&config.memory);
    let in_memory = |path: &Path| {
        !memory.as_os_str().is_empty()
            && config.memory.to_str().is_none_or(|m| !crate::memory::server::is_url(m))
            && lexical(path).starts_with(&memory)
    };
    for (table, key, path) in [
        ("[batches]", "folder", &config.batches.folder),
        ("[editions]", "folder", &config.editions.folder),
        ("[editions]", "pseudo_folder", &config.editions.pseudo_folder),
    ] {
        if in_memory(path) {
            let line = text.lines().position(|l| l.trim_start().starts_with(table)).map_or(0, |n| {
                let below = text.lines().skip(n + 1).position(|l| l.trim_start().starts_with(key));
                below.map_or(n + 1, |m| n + m + 2)
            });
            return Err(Error::at(
                file,
                Place::line(line),
                format!(
                    "{table} {key} = {:?} is in the memory's folder {:?}, where every file is read as part of \
                     the translation memory; name a folder outside it, such as out/batches",
                    path.display().to_string(),
                    config.memory.display().to_string()
                ),
            ));
        }
    }
    Ok(config)
}

/// `path` with `.` left out and `..` taking away what is before it, for comparing
/// the folders a project file names without the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// What `tolk init` was told beyond the defaults.
#[derive(Debug, Clone, Default)]
pub struct InitSettings {
    /// The memory, if not `memory/` (a path from the project folder).
    pub memory: Option<PathBuf>,
    /// Segmentation rules, if any (a path from the project folder).
    pub rules: Option<PathBuf>,
}

/// `path` as a TOML string.
fn toml_string(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    format!("\"{}\"", text.replace('"', "\\\""))
}

/// What [`init`] did.
#[derive(Debug, Default)]
pub struct Initialised {
    /// Files and folders it made, as paths from the current folder.
    pub made: Vec<PathBuf>,
    /// Ignore entries it added to `.gitignore`.
    pub ignored: Vec<String>,
}

/// What a project's `.gitignore` should leave out: tolk's outputs and its lock file.
pub const IGNORED: [&str; 5] =
    ["/out/", ".tolk.lock", "/.tolk/cache/", "/.tolk/batches/.lock", "/.tolk/batches/.*.reserved"];

/// Makes `dir` a project: writes `tolk.toml` (an error if one exists), and makes the
/// corpus folder and an empty memory where none exists, and adds [`IGNORED`] to
/// `.gitignore`. Nothing that exists is changed but `.gitignore`, which only grows.
pub fn init(dir: &Path, settings: &InitSettings) -> Result<Initialised> {
    let file = dir.join(FILE);
    if file.exists() {
        return Err(Error::at(
            &file,
            Place::File,
            "exists already: this folder is a project; edit the file to change its settings",
        ));
    }
    // A project inside another would be read as the outer one's documents.
    let absolute = std::path::absolute(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })
        .map_err(|e| Error::io(dir, e))?;
    if let Some(outer) = absolute.ancestors().skip(1).map(|d| d.join(FILE)).find(|f| f.is_file()) {
        return Err(Error::at(
            &absolute,
            Place::File,
            format!(
                "is inside the project of {}, which would read this project's files as its own documents; \
                 run tolk from anywhere in that project, or make this project in a folder outside it",
                crate::shown::path(&outer)
            ),
        ));
    }
    // A server is written as typed (not completed from this machine's PGUSER and the
    // like, which are each member's own), but never with a password (which belongs in
    // PGPASSWORD or ~/.pgpass, not in a file a team shares); one tolk cannot read is
    // refused here.
    let server = match settings.memory.as_deref().and_then(Path::to_str) {
        Some(url) if crate::memory::server::is_url(url) => {
            crate::memory::server::Server::parse(url)?;
            Some(crate::memory::server::without_password(url))
        }
        _ => None,
    };
    let mut done = Initialised::default();
    if !dir.as_os_str().is_empty() {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    }
    let mut text = TEMPLATE.to_string();
    if let Some(url) = &server {
        text = text.replace("memory = \"memory\"", &format!("memory = {}", toml_string(Path::new(url))));
    } else if let Some(memory) = &settings.memory {
        text = text.replace("memory = \"memory\"", &format!("memory = {}", toml_string(memory)));
    }
    if let Some(rules) = &settings.rules {
        text = text.replace("# rules = \"rules/house.srx\"", &format!("rules = {}", toml_string(rules)));
    }
    crate::store::write_atomic(&file, text.as_bytes())?;
    done.made.push(file);
    let corpus = dir.join("corpus");
    if !corpus.exists() {
        std::fs::create_dir_all(&corpus).map_err(|e| Error::write(&corpus, e))?;
        done.made.push(corpus);
    }
    let memory = match server {
        // The glossary's folder, for a memory on a server.
        Some(_) => dir.join("memory"),
        None => dir.join(settings.memory.as_deref().unwrap_or(Path::new("memory"))),
    };
    if server.is_some() {
        if !memory.exists() {
            std::fs::create_dir_all(&memory).map_err(|e| Error::write(&memory, e))?;
            done.made.push(memory.clone());
        }
    } else if !memory.exists() {
        let csv = crate::memory::write_path_for(&memory);
        if let Some(parent) = csv.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
        }
        crate::store::write_atomic(&csv, b"source,target,created,changed,translator,origin,note\n")?;
        done.made.push(csv);
    }
    let ignore = dir.join(".gitignore");
    let old = match std::fs::read_to_string(&ignore) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&ignore, e)),
    };
    let have: Vec<&str> = old.lines().map(str::trim).collect();
    let missing: Vec<&str> = IGNORED.iter().copied().filter(|e| !have.contains(e)).collect();
    if !missing.is_empty() {
        let mut text = old.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# tolk: outputs, the memory's lock file and caches\n");
        for e in &missing {
            text.push_str(e);
            text.push('\n');
        }
        crate::store::write_atomic(&ignore, text.as_bytes())?;
        done.ignored = missing.iter().map(|s| s.to_string()).collect();
    }
    Ok(done)
}

/// The project file `tolk init` writes: every setting, with its default, explained.
pub const TEMPLATE: &str = r#"# A tolk project. Every path is relative to this file's folder; a flag on the
# command line overrides the setting here.

# The language of the documents (nb: Bokmål, nn: Nynorsk), and of the editions.
source_language = "nb"
target_language = "en"

# The translation memory: a CSV file, or a folder whose *.csv files are all read
# (new translations go to nb-en.csv in it).
memory = "memory"

# Segmentation rules instead of the built-in Norwegian ones (SRX 2.0 or .rules).
# rules = "rules/house.srx"

[corpus]
# Folders walked (with their subfolders) for documents: .txt, .md, .html, .docx, .odt.
folders = ["corpus"]
# Glob patterns of the documents to take, matched against the path inside the
# folder; empty takes every document. Example: ["**/*.docx", "2027/**"]
include = []
# Glob patterns of files to leave out. Example: ["**/NOTES.md", "drafts/**"]
exclude = []

[batches]
# Where `tolk export` writes batches, and their default format and delimiter.
folder = "out/batches"
format = "xlsx"      # xlsx, csv or xliff
delimiter = ","      # CSV only: ",", ";" (Norwegian Excel) or "tab"
min_score = 50       # the lowest fuzzy score offered as a suggestion

[editions]
# Where `tolk build` writes the English editions, and pseudo-translations.
folder = "out/en"
pseudo_folder = "out/pseudo"

[markdown]
# Front-matter keys whose values are text to translate.
front_matter_text = ["title", "description", "summary", "subtitle", "linkTitle", "excerpt"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_or_edition_folder_in_the_memory_folder_is_refused_by_its_key() {
        let err = parse(Path::new(FILE), "[batches]\nformat = \"csv\"\nfolder = \"memory\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "tolk.toml: line 3: [batches] folder = \"memory\" is in the memory's folder \"memory\", where every file \
             is read as part of the translation memory; name a folder outside it, such as out/batches"
        );
        let err = parse(Path::new(FILE), "memory = \"tm\"\n[editions]\npseudo_folder = \"./tm/x/..\"\n")
            .unwrap_err();
        assert!(err.to_string().contains("[editions] pseudo_folder"), "{err}");
        assert!(parse(Path::new(FILE), "[batches]\nfolder = \"memory-batches\"\n").is_ok());
    }

    #[test]
    fn the_template_is_the_default_configuration() {
        assert_eq!(parse(Path::new(FILE), TEMPLATE).unwrap(), Config::default());
    }

    #[test]
    fn an_empty_file_takes_every_default() {
        assert_eq!(parse(Path::new(FILE), "").unwrap(), Config::default());
    }

    #[test]
    fn a_typo_is_an_error_naming_the_line() {
        let err =
            parse(Path::new(FILE), "memory = \"m\"\n[corpus]\nexlude = [\"a\"]\n").unwrap_err().to_string();
        assert!(err.starts_with("tolk.toml: line 3: unknown field `exlude`"), "{err}");
    }

    #[test]
    fn wrong_values_are_errors_naming_the_setting() {
        for (text, what) in [
            ("source_language = \"de\"", "source_language: expected Norwegian"),
            ("target_language = \"nb\"", "target_language: expected English"),
            ("[batches]\nformat = \"docx\"", "format: expected one of"),
            ("[batches]\ndelimiter = \"|\"", "delimiter: expected"),
            ("[batches]\nmin_score = 0", "min_score: expected a score"),
            ("[batches]\nmin_score = 500", "min_score: expected a score from 1 to 100, found \"500\""),
            ("[corpus]\nfolders = \"corpus\"", "write a list in brackets, such as [\"corpus\"]"),
            ("[corpus]\nfolders = []", "folders: expected at least one"),
            ("[editions]\nfolder = \".\"", "folder: expected a folder inside the project"),
            ("memory = 3", "invalid type"),
        ] {
            let err = parse(Path::new(FILE), text).unwrap_err().to_string();
            assert!(err.contains(what), "{text}: {err}");
        }
        assert!(parse(Path::new(FILE), "source_language = \"nn\"\ntarget_language = \"en-US\"").is_ok());
    }

    #[test]
    fn a_project_is_found_in_a_parent_folder_and_its_paths_follow() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("corpus/2027");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.path().join(FILE), "memory = \"tm\"\n").unwrap();
        let project = Project::discover(&sub).unwrap();
        assert_eq!(project.root(), Path::new("../.."));
        assert_eq!(project.memory(), Path::new("../../tm"));
        assert_eq!(project.corpus(), [Path::new("../../corpus")]);
        assert_eq!(project.edition_folder(true), Path::new("../../out/pseudo"));
        let none = tempfile::tempdir().unwrap();
        let implicit = Project::discover(none.path()).unwrap();
        assert_eq!(implicit.memory(), Path::new("memory"));
        assert!(implicit.file().is_none());
    }

    #[test]
    fn init_makes_a_project_and_never_overwrites_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "target").unwrap();
        let done = init(dir.path(), &InitSettings::default()).unwrap();
        assert_eq!(done.made.len(), 3);
        assert_eq!(done.ignored, IGNORED);
        let ignore = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
        assert!(ignore.starts_with("target\n# tolk"), "{ignore}");
        let memory = crate::memory::Memory::load(&dir.path().join("memory")).unwrap();
        assert!(memory.entries.is_empty());
        let err = init(dir.path(), &InitSettings::default()).unwrap_err().to_string();
        assert!(err.contains("exists already"), "{err}");
        let inner = init(&dir.path().join("corpus/2027"), &InitSettings::default()).unwrap_err().to_string();
        assert!(inner.contains("is inside the project of"), "{inner}");
        assert!(!dir.path().join("corpus/2027").exists());
        assert_eq!(std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(), ignore);
    }

    #[test]
    fn init_writes_the_memory_and_rules_it_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let settings = InitSettings { memory: Some("shared/tm.csv".into()), rules: Some("house.srx".into()) };
        init(dir.path(), &settings).unwrap();
        let config =
            parse(Path::new(FILE), &std::fs::read_to_string(dir.path().join(FILE)).unwrap()).unwrap();
        assert_eq!(config.memory, Path::new("shared/tm.csv"));
        assert_eq!(config.rules.as_deref(), Some(Path::new("house.srx")));
        assert!(dir.path().join("shared/tm.csv").is_file() && !dir.path().join("memory").exists());
    }
}
