//! The corpus: which source documents a command works on.
//!
//! Paths named on the command line may be files or folders; a folder stands for the
//! regular, non-hidden files inside it and its subfolders, in name order, so every run
//! sees the documents in the same order, each named by its path inside the folder. A
//! symbolic link in a folder that points to a regular file is a document, named by the
//! link's own name. Anything else in a folder that is not a regular file (a link to a
//! folder, which is never followed; a link to nothing or to a FIFO, a device or a
//! socket; a FIFO, a device or a socket itself) is skipped and listed with the reason
//! ([`Listing::skipped`]), never read (a read could block forever) and never left out
//! silently; hidden files and folders are not documents, nor are the `~$` lock files
//! Word keeps beside an open document (listed as skipped). A path named on the
//! command line is read whatever it is, a pipe included (`tolk segment /dev/stdin`),
//! through the same bounded readers. A file whose first bytes say it is no text (a
//! Word, LibreOffice or PDF file, an image), or whose extension says it is code, styles,
//! data or markup (`document::not_prose`), is skipped with the reason too, named or
//! found ([`Skipped::named`] tells which, as the binary refuses a file asked for by
//! name that it cannot read). This module only lists and reads; it does not decide
//! what is translated.

use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::segment::Segmenter;
use crate::store::kind_of;

/// The documents of a corpus, and what was left out of its folders.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The documents, in a stable order.
    pub files: Vec<PathBuf>,
    /// The name of each document (see [`list`]), in the same order.
    pub names: Vec<String>,
    /// Entries of a folder that are no document, with why.
    pub skipped: Vec<Skipped>,
    /// The project's patterns that matched no file of the folders walked.
    pub unused_patterns: Vec<String>,
}

/// An entry of a corpus folder that is not read as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry.
    pub path: PathBuf,
    /// Why: `a symbolic link to x.txt, which does not exist`, `a FIFO (named pipe)`.
    pub reason: String,
    /// Whether the file was named itself (asked for), not found in a folder.
    pub named: bool,
    /// The `exclude` pattern that keeps such a file out of the corpus without a word,
    /// where keeping it beside the documents makes sense: `~$*` for Word's lock files,
    /// `*.pdf` for a PDF of the layout. `None` for what is to be mended or moved (a
    /// broken link, a batch saved into the corpus).
    pub exclude: Option<String>,
}

/// The documents named by `paths`, folders walked recursively, in a stable order, and
/// what of the folders was skipped. A document found in a folder is named by its path
/// inside that folder, `/` between folders (`2027/mars/intervju.docx`), so its edition
/// goes to the same place under `out/en/`; a file named itself is named by its file
/// name.
pub fn list(paths: &[PathBuf]) -> Result<Listing> {
    list_filtered(paths, &Filter::default())
}

/// Like [`list`], taking of the files found in folders only those `filter` allows (a
/// file named itself is always taken: it was asked for).
pub fn list_filtered(paths: &[PathBuf], filter: &Filter) -> Result<Listing> {
    let mut out = Listing::default();
    let mut walked: Vec<String> = Vec::new();
    // Whether each file was named itself.
    let mut named: Vec<bool> = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_dir() {
            out.files.push(path.clone());
            out.names.push(crate::document::name_of(path));
            named.push(true);
            continue;
        }
        let mut found: Vec<(PathBuf, String)> = Vec::new();
        let mut skipped = Vec::new();
        walk(path, "", &mut found, &mut skipped)?;
        found.sort_by(|a, b| a.1.cmp(&b.1));
        skipped.sort_by(|a: &(Skipped, String), b: &(Skipped, String)| a.0.path.cmp(&b.0.path));
        walked.extend(found.iter().map(|(_, name)| name.clone()));
        // What the project excludes is not spoken of, even what tolk would skip anyway
        // (Word's lock files, `~$*`): the pattern matched it, and is no mistake.
        walked.extend(skipped.iter().map(|(_, name)| name.clone()));
        let skipped: Vec<Skipped> =
            skipped.into_iter().filter(|(_, name)| !filter.excludes(name)).map(|(s, _)| s).collect();
        for (file, name) in found.into_iter().filter(|(_, name)| filter.allows(name)) {
            out.files.push(file);
            out.names.push(name);
            named.push(false);
        }
        out.skipped.extend(skipped);
    }
    // A file whose first bytes say it is no text (a Word file saved into the corpus) is
    // skipped with the reason, rather than stopping every command. Only regular files
    // are looked at: a pipe's first bytes would be gone.
    let mut files = Vec::with_capacity(out.files.len());
    let mut names = Vec::with_capacity(out.names.len());
    let listed = std::mem::take(&mut out.files).into_iter().zip(std::mem::take(&mut out.names));
    for ((path, name), named) in listed.zip(named) {
        match not_a_document(&path) {
            Some(reason) => {
                let exclude = exclude_pattern(&path, &reason);
                out.skipped.push(Skipped { path, reason, named, exclude })
            }
            None => {
                files.push(path);
                names.push(name);
            }
        }
    }
    out.files = files;
    out.names = names;
    if !walked.is_empty() {
        out.unused_patterns =
            filter.unused(&walked).into_iter().map(|(k, p)| format!("{k} pattern {p:?}")).collect();
    }
    Ok(out)
}

/// Which of a folder's documents are taken: glob patterns matched against a document's
/// path inside its folder (`2027/mars/intervju.docx`, `/` between folders), as
/// `.gitignore` matches them. A document is taken when some include pattern matches it
/// (or there are none) and no exclude pattern does. A pattern without a `/` matches the
/// file name in any folder (`NOTES.md`, `*.docx`); one with a `/` the whole path, where
/// `*` does not cross a `/` and `**` does (`drafts/**` is everything under `drafts/`).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    include: Option<globset::GlobSet>,
    exclude: Option<globset::GlobSet>,
    /// Every pattern, include then exclude, as written.
    patterns: Vec<(&'static str, String)>,
}

impl Filter {
    /// The filter of these patterns; an error names a pattern that is not a glob.
    pub fn new(include: &[String], exclude: &[String]) -> std::result::Result<Filter, String> {
        fn set(patterns: &[String], key: &str) -> std::result::Result<Option<globset::GlobSet>, String> {
            if patterns.is_empty() {
                return Ok(None);
            }
            let mut builder = globset::GlobSetBuilder::new();
            for p in patterns {
                // As .gitignore: a pattern without a slash is a file name at any depth.
                let full =
                    if p.contains('/') { p.trim_start_matches('/').to_string() } else { format!("**/{p}") };
                let glob = globset::GlobBuilder::new(&full)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("{key}: {p:?} is not a glob pattern ({})", e.kind()))?;
                builder.add(glob);
            }
            builder.build().map(Some).map_err(|e| format!("{key}: {e}"))
        }
        let patterns = include
            .iter()
            .map(|p| ("include", p.clone()))
            .chain(exclude.iter().map(|p| ("exclude", p.clone())))
            .collect();
        Ok(Filter { include: set(include, "include")?, exclude: set(exclude, "exclude")?, patterns })
    }

    /// The patterns (`include` or `exclude`, and the pattern) that match none of `names`:
    /// most likely a mistake, such as `corpus/NOTES.md` for `NOTES.md`.
    pub fn unused<'a>(&'a self, names: &[String]) -> Vec<(&'static str, &'a str)> {
        self.patterns
            .iter()
            .filter(|(_, p)| {
                let one = Filter::new(std::slice::from_ref(p), &[]).expect("checked when made");
                !names.iter().any(|n| one.include.as_ref().is_some_and(|s| s.is_match(n)))
            })
            .map(|(k, p)| (*k, p.as_str()))
            .collect()
    }

    /// Whether an exclude pattern matches the file named `name`.
    pub fn excludes(&self, name: &str) -> bool {
        self.exclude.as_ref().is_some_and(|s| s.is_match(name))
    }

    /// Whether the document named `name` is taken.
    pub fn allows(&self, name: &str) -> bool {
        self.include.as_ref().is_none_or(|s| s.is_match(name))
            && !self.exclude.as_ref().is_some_and(|s| s.is_match(name))
    }
}

/// The most folders deep a corpus is walked.
const MAX_DEPTH: usize = 32;

/// Adds the documents of the folder `dir`, named with the prefix `prefix`, and of its
/// subfolders, to `found`; what is no document to `skipped`.
fn walk(
    dir: &Path,
    prefix: &str,
    found: &mut Vec<(PathBuf, String)>,
    skipped: &mut Vec<(Skipped, String)>,
) -> Result<()> {
    if prefix.matches('/').count() >= MAX_DEPTH {
        skipped.push((
            Skipped {
                path: dir.to_path_buf(),
                reason: format!("a folder more than {MAX_DEPTH} folders deep, not walked"),
                named: false,
                exclude: None,
            },
            prefix.trim_end_matches('/').to_string(),
        ));
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let name = format!("{prefix}{file_name}");
        if file_name.starts_with('.') {
            // A document open in LibreOffice has its hidden lock file beside it: what
            // is read is the document as last saved, which is worth saying.
            let document = file_name.strip_prefix(".~lock.").and_then(|n| n.strip_suffix('#'));
            if let Some(document) = document.filter(|d| dir.join(d).is_file()) {
                let by = crate::batch::locks::libreoffice_lock(&dir.join(document)).and_then(|(_, by)| by);
                skipped.push((
                    Skipped {
                        path: entry.path(),
                        reason: format!(
                            "LibreOffice's lock file: {}",
                            open_in(&dir.join(document), "LibreOffice", by.as_deref())
                        ),
                        named: false,
                        exclude: None,
                    },
                    name,
                ));
            }
            continue;
        }
        // Word and Excel keep the owner of an open file beside it as `~$` and the
        // name's end: no document, but a sign that one is open.
        if is_office_lock(&file_name) {
            let lock = crate::batch::locks::office_owner_file(&entry.path());
            let open = lock.as_ref().and_then(|l| {
                let by = l.owner.as_deref();
                l.workbook.as_ref().map(|document| format!(": {}", open_in(document, "Word", by)))
            });
            skipped.push((
                Skipped {
                    path: entry.path(),
                    reason: format!(
                        "a lock file Word or Excel keeps while a document is open, not a document{}",
                        open.unwrap_or_default()
                    ),
                    named: false,
                    exclude: Some(OFFICE_LOCKS.into()),
                },
                name,
            ));
            continue;
        }
        let own = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        if own.is_dir() {
            if entry.path().join(crate::project::FILE).is_file() {
                skipped.push((
                    Skipped {
                        path: entry.path(),
                        reason: "a tolk project of its own (it has a tolk.toml), not part of this corpus"
                            .into(),
                        named: false,
                        exclude: None,
                    },
                    name,
                ));
                continue;
            }
            walk(&entry.path(), &format!("{name}/"), found, skipped)?;
            continue;
        }
        if file_name == crate::project::FILE {
            continue;
        }
        if own.is_file() {
            found.push((entry.path(), name));
            continue;
        }
        let reason = if own.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(target) if target.is_file() => {
                    found.push((entry.path(), name));
                    continue;
                }
                // Never followed: a link to a folder could lead round in a circle.
                Ok(target) if target.is_dir() => {
                    "a symbolic link to a folder, which tolk does not follow".to_string()
                }
                Ok(target) => format!("a symbolic link to a {}, not a document", kind_of(&target)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => format!(
                    "a symbolic link to {}, which does not exist",
                    crate::store::link_target(&entry.path())
                ),
                Err(e) => format!("a symbolic link that cannot be followed ({e})"),
            }
        } else {
            match entry.metadata() {
                Ok(meta) => format!("a {}, not a document", kind_of(&meta)),
                Err(e) => e.to_string(),
            }
        };
        skipped.push((Skipped { path: entry.path(), reason, named: false, exclude: None }, name));
    }
    Ok(())
}

/// The folder of `folders` that the file `file` (which need not exist yet) is inside,
/// if any: a batch or memory file written there would be read as a document by every
/// command after. Paths are compared as the file system resolves them (`.`, `..` and
/// links), so `cd corpus; tolk export -o b.csv` is seen for what it is.
pub fn folder_holding<'f>(folders: &'f [PathBuf], file: &Path) -> Option<&'f Path> {
    let resolved = resolve(file)?;
    folders
        .iter()
        .map(PathBuf::as_path)
        .find(|folder| std::fs::canonicalize(folder).is_ok_and(|f| f.is_dir() && resolved.starts_with(&f)))
}

/// `path` as the file system resolves it, folders that do not exist yet (which a
/// write creates) taken as named below the nearest one that does.
fn resolve(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut rest = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(found) = std::fs::canonicalize(at) {
            return Some(rest.iter().rev().fold(found, |p, c| p.join(c)));
        }
        rest.push(at.file_name()?.to_os_string());
        at = at.parent()?;
    }
}

/// That `document` is open in `app` (by `by`), and what that means for what is read.
fn open_in(document: &Path, app: &str, by: Option<&str>) -> String {
    format!(
        "{} is open in {app}{}, so what is read is the document as last saved, without edits not saved there \
         yet (if it is open nowhere, {app} left its lock file behind: delete it)",
        crate::shown::path(document),
        by.map(|by| format!(" (by {by})")).unwrap_or_default()
    )
}

/// The pattern of the lock files Word and Excel keep beside an open document (`~$` and
/// the end of its name: `~$stival.docx`).
pub const OFFICE_LOCKS: &str = "~$*";

/// Whether the file named `file_name` is the lock file Word or Excel keeps beside a
/// document while it is open: `~$` and the end of the document's name.
pub fn is_office_lock(file_name: &str) -> bool {
    file_name.starts_with("~$")
}

/// The exclude pattern that keeps a file skipped for `reason` out without a word: its
/// kind's (`*.pdf`), else its name; none for one of tolk's own batches, which belongs
/// elsewhere.
fn exclude_pattern(path: &Path, reason: &str) -> Option<String> {
    if reason.starts_with(BATCH_REASON) {
        return None;
    }
    match path.extension() {
        Some(extension) => Some(format!("*.{}", extension.to_string_lossy())),
        None => path.file_name().map(|n| n.to_string_lossy().into_owned()),
    }
}

/// How a batch tolk exported, saved in the corpus, is told of.
const BATCH_REASON: &str = "a batch tolk exported";

/// Whether `head`, the first bytes of a file, is the start of a CSV batch tolk
/// exported: its first row (after a byte order mark and Excel's `sep=` line) holds the
/// columns `id`, `source` and `target`, `id` first, in any of the delimiters a batch
/// comes back in.
fn is_csv_batch(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let mut first = lines.next().unwrap_or("");
    if first.to_ascii_lowercase().starts_with("sep=") {
        first = lines.next().unwrap_or("");
    }
    [',', ';', '\t'].iter().any(|&delimiter| {
        let columns: Vec<String> =
            first.split(delimiter).map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
        columns.first().is_some_and(|c| c == "id")
            && columns.iter().any(|c| c == "source")
            && columns.iter().any(|c| c == "target")
    })
}

/// Why the regular file at `path` is no document tolk reads, from its first bytes.
fn not_a_document(path: &Path) -> Option<String> {
    use std::io::Read as _;
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path).ok()?.take(512).read_to_end(&mut head).ok()?;
    // A batch exported into the corpus folder (`cd corpus; tolk export -o b.csv`) is
    // text, but no document: translated, it would only go round again.
    if is_csv_batch(&head) {
        return Some(format!(
            "{BATCH_REASON} (its first row is a batch's columns, id, source and target), not a document; move it \
             out of the corpus folder (and import it with `tolk import` once it is filled in)"
        ));
    }
    crate::document::format_of(path, &head).err()
}

/// The documents named by `paths`, as [`list`] finds them (what it skipped is not
/// reported: commands use [`list`]).
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    Ok(list(paths)?.files)
}

/// Reads and segments every document named by `paths`, each under its name (see
/// [`list`]).
pub fn read(paths: &[PathBuf], segmenter: &Segmenter) -> Result<Vec<Document>> {
    let listing = list(paths)?;
    listing.files.iter().zip(listing.names).map(|(p, name)| Document::read_as(p, name, segmenter)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_choose_documents_by_their_path_in_the_folder() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let f =
            Filter::new(&s(&["**/*.md", "/*.txt", "2027/*.docx"]), &s(&["NOTES.md", "drafts/**"])).unwrap();
        assert!(f.allows("a.md") && f.allows("2027/mars/a.md") && f.allows("a.txt"));
        assert!(!f.allows("2027/a.txt"), "a pattern with a slash is the whole path: * stays within a folder");
        assert!(f.allows("2027/a.docx") && !f.allows("2027/mars/a.docx") && !f.allows("a.docx"));
        assert!(!f.allows("NOTES.md") && !f.allows("2027/NOTES.md"), "a name without a slash, at any depth");
        assert!(!f.allows("drafts/a.md"));
        let names = s(&["a.md", "NOTES.md"]);
        assert_eq!(
            f.unused(&names),
            [("include", "/*.txt"), ("include", "2027/*.docx"), ("exclude", "drafts/**")]
        );
        assert!(Filter::default().allows("any/thing.docx"));
        let err = Filter::new(&s(&["a[b"]), &[]).unwrap_err();
        assert!(err.starts_with("include: \"a[b\" is not a glob pattern"), "{err}");
    }

    #[test]
    fn a_filtered_listing_keeps_files_named_themselves() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("c/2027")).unwrap();
        for f in ["c/a.txt", "c/NOTES.md", "c/2027/b.txt"] {
            std::fs::write(dir.path().join(f), "Hei.").unwrap();
        }
        let f = Filter::new(&[], &["NOTES.md".to_string(), "corpus/a.txt".to_string()]).unwrap();
        std::fs::create_dir_all(dir.path().join("c/inner")).unwrap();
        std::fs::write(dir.path().join("c/inner/tolk.toml"), "").unwrap();
        std::fs::write(dir.path().join("c/inner/x.txt"), "Hei.").unwrap();
        let listing = list_filtered(&[dir.path().join("c"), dir.path().join("c/NOTES.md")], &f).unwrap();
        assert_eq!(listing.names, ["2027/b.txt", "a.txt", "NOTES.md"]);
        assert_eq!(listing.unused_patterns, ["exclude pattern \"corpus/a.txt\""]);
        assert_eq!(listing.skipped.len(), 1, "{:?}", listing.skipped);
        assert!(listing.skipped[0].reason.starts_with("a tolk project of its own"));
    }

    /// An exclude pattern that matches Word's lock files keeps them out without a
    /// word, and counts as matching a file: tolk would skip them anyway, but only the
    /// project can say they are meant to be there.
    #[test]
    fn an_exclude_pattern_silences_the_lock_files_it_matches() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Hei.").unwrap();
        std::fs::write(dir.path().join("~$stival.docx"), "\u{5}Kari").unwrap();
        let listing = list(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(listing.skipped.len(), 1);
        assert_eq!(listing.skipped[0].exclude.as_deref(), Some(OFFICE_LOCKS));
        let f = Filter::new(&[], &[OFFICE_LOCKS.to_string()]).unwrap();
        let listing = list_filtered(&[dir.path().to_path_buf()], &f).unwrap();
        assert_eq!(listing.names, ["a.txt"]);
        assert!(listing.skipped.is_empty() && listing.unused_patterns.is_empty(), "{listing:?}");
    }

    /// A document open in LibreOffice or Word is named, with who has it open: what is
    /// read is the document as last saved. A lock file of a document not there, and
    /// other hidden files, are not.
    #[test]
    fn a_document_open_in_libreoffice_or_word_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.odt"), "PK").unwrap();
        std::fs::write(dir.path().join(".~lock.a.odt#"), ",Kari Nordmann,laptop,03.12.2026 08:00,file:///k;")
            .unwrap();
        std::fs::write(dir.path().join(".~lock.gone.odt#"), ",Ola,laptop,03.12.2026 08:00,file:///o;")
            .unwrap();
        std::fs::write(dir.path().join(".notes"), "x").unwrap();
        std::fs::write(dir.path().join("festival.docx"), "PK").unwrap();
        std::fs::write(dir.path().join("~$stival.docx"), "\u{5}Ola N").unwrap();
        let listing = list(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(listing.names, ["a.odt", "festival.docx"]);
        let reasons: Vec<&str> = listing.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        let a = dir.path().join("a.odt");
        assert!(
            reasons[0].starts_with(&format!(
                "LibreOffice's lock file: {} is open in LibreOffice (by Kari Nordmann), so what is read is the \
                 document as last saved",
                a.display()
            )),
            "{reasons:?}"
        );
        assert_eq!(listing.skipped[0].exclude, None);
        let festival = dir.path().join("festival.docx");
        assert!(reasons[1].contains(&format!(": {} is open in Word (by Ola N), so what is read is the document as last saved, without edits not saved there yet", festival.display())), "{reasons:?}");
        assert!(
            reasons[1].ends_with("(if it is open nowhere, Word left its lock file behind: delete it)"),
            "{reasons:?}"
        );
    }

    #[test]
    fn a_csv_batch_is_told_by_its_first_row() {
        assert!(is_csv_batch(b"\xef\xbb\xbfid,where,words,score,source,suggestion,target\r\ns1,a.txt:1"));
        assert!(is_csv_batch(b"sep=;\nid;where;source;target\n"));
        assert!(is_csv_batch(b"\"id\"\t\"source\"\t\"target\"\n"));
        assert!(!is_csv_batch(b"source,target\nHei.,Hi.\n"), "a memory file");
        assert!(!is_csv_batch("Idrett, kilde og mål\n".as_bytes()));
    }

    /// A file inside a corpus folder is found there, also one not written yet in a
    /// folder not made yet, and through `..`.
    #[test]
    fn a_file_inside_a_corpus_folder_is_found_there() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("corpus/2027")).unwrap();
        let folders = [dir.path().join("corpus")];
        assert!(folder_holding(&folders, &dir.path().join("corpus/b.csv")).is_some());
        assert!(folder_holding(&folders, &dir.path().join("corpus/new/b.csv")).is_some());
        assert!(folder_holding(&folders, &dir.path().join("corpus/2027/../b.csv")).is_some());
        assert!(folder_holding(&folders, &dir.path().join("corpus/../b.csv")).is_none());
        assert!(folder_holding(&folders, &dir.path().join("out/batches/b.csv")).is_none());
        assert!(folder_holding(&folders, &dir.path().join("corpus2/b.csv")).is_none());
    }
}
