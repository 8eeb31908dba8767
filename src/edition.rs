//! Editions: a source document with each segment replaced by its English translation,
//! inside the document's own skeleton.
//!
//! [`assemble`] keeps every byte between segments (line breaks, blank lines, dialogue
//! dashes, a BOM), so an edition has exactly the line structure of its source. A segment
//! the memory cannot translate keeps its Norwegian text, is counted in
//! [`Edition::untranslated`] and, the first [`MISSING_KEPT`] of them, listed in
//! [`Edition::missing`]; whether that is acceptable is the caller's decision. Two test
//! fills need no memory: [`Fill::Pseudo`] makes every segment visibly "translated" so
//! layout problems show before any translation exists, and [`Fill::Identity`] gives the
//! source back byte for byte.
//!
//! This module writes no files (that is [`crate::store`]) and does no fuzzy matching:
//! only 100% matches go into an edition, and only those it can place ([`placed`]),
//! the rule `analyze`, `export`, `status` and `import` (a batch's bookkeeping) count
//! translations by too.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::memory::{Entry, Memory};
use crate::text::word_count;

/// What goes into each segment's place.
#[derive(Debug, Clone, Copy)]
pub enum Fill<'m> {
    /// The memory's 100% match, or the source where there is none.
    Memory(&'m Memory),
    /// The memory's 100% match, or the source put into the template where there is
    /// none (`[nb: {}]`: `{}` is the source), so a reader sees what is still Norwegian.
    Marked(&'m Memory, &'m str),
    /// The source in brackets, letters accented and padded (see [`pseudo`]).
    Pseudo,
    /// The source unchanged.
    Identity,
}

/// An assembled edition of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// The source document's name, its file name.
    pub name: String,
    /// The edition's bytes, in the document's format.
    pub bytes: Vec<u8>,
    /// How many segments the fill gave a text (with a pseudo or identity fill, all).
    pub translated: usize,
    /// How many segments were left in Norwegian.
    pub untranslated: usize,
    /// The first [`MISSING_KEPT`] segments left in Norwegian, in document order: the
    /// list a person reads, kept short so that a document of a million missing
    /// sentences costs no more than its text.
    pub missing: Vec<Missing>,
    /// Words in the segments as written, skeleton not counted.
    pub words: usize,
}

/// A segment with no translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The document's name.
    pub doc: String,
    /// 1-based line number in the document.
    pub line: usize,
    /// The segment's Norwegian text.
    pub text: String,
}

impl Edition {
    /// Number of segments in the edition.
    pub fn segments(&self) -> usize {
        self.translated + self.untranslated
    }

    /// Where the edition goes in `out_dir` (see [`out_path`]).
    pub fn out_path(&self, out_dir: &Path) -> Result<PathBuf> {
        out_path(&self.name, out_dir)
    }
}

/// How many missing segments an [`Edition`] lists.
pub const MISSING_KEPT: usize = 100;

/// Where the edition of the document named `name` goes in `out_dir`: its name, a file
/// name or the document's path inside its corpus folder (`2027/intervju.docx`, so
/// `out_dir` mirrors the corpus' folders). Refused if it is anything but plain names
/// of folders and a file (no `..`, no root, no `.`), so no name can write outside
/// `out_dir`.
pub fn out_path(name: &str, out_dir: &Path) -> Result<PathBuf> {
    let path = Path::new(name);
    let plain = path.components().count() > 0 && path.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain || name.ends_with('/') {
        return Err(Error::Invalid(format!(
            "{name:?} is not a plain file name; an edition is named after its source file"
        )));
    }
    Ok(out_dir.join(english_name(name)))
}

/// The languages a file's name may say it is in, before its extension, as Hugo, Jekyll's
/// plugins and i18n files name a page's languages (`innlegg.nb.md`, `index.nn.html`).
const NORWEGIAN_INFIXES: [&str; 7] = ["nb", "nn", "no", "nob", "nno", "nb-NO", "nn-NO"];

/// `name` with a Norwegian language before its file's extension made English
/// (`innlegg.nb.md` → `innlegg.en.md`): the site the edition goes to takes it for the
/// page's English version. Any other name is left as it is.
fn english_name(name: &str) -> String {
    let folder_end = name.rfind('/').map_or(0, |i| i + 1);
    let mut parts = name[folder_end..].rsplitn(3, '.');
    let (Some(extension), Some(language), Some(head)) = (parts.next(), parts.next(), parts.next()) else {
        return name.to_string();
    };
    let language = language.replace('_', "-");
    if head.is_empty() || !NORWEGIAN_INFIXES.iter().any(|l| l.eq_ignore_ascii_case(&language)) {
        return name.to_string();
    }
    format!("{}{head}.en.{extension}", &name[..folder_end])
}

/// Where the editions of the documents named `names` go in `out_dir`, in the same
/// order.
///
/// Refused, before anything is written: an `out_dir` that exists and is not a folder,
/// a name that is not a plain file name (see [`out_path`]), two editions with the same
/// name (from different folders), and an edition that would replace one of the
/// `sources` (as with `--out corpus`).
/// The files under `out_dir` (its hidden ones left out) that are none of `editions`:
/// editions of documents the corpus no longer has (deleted, renamed), which a
/// publisher copying the folder would publish. At most `limit`, in name order.
pub fn orphans(out_dir: &Path, editions: &[PathBuf], limit: usize) -> Vec<PathBuf> {
    let written: HashSet<&Path> = editions.iter().map(PathBuf::as_path).collect();
    let mut found = Vec::new();
    let mut folders = vec![out_dir.to_path_buf()];
    // Bounded: a folder of a million files is walked no further than that.
    let mut seen = 0usize;
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            seen += 1;
            if seen > 100_000 {
                break;
            }
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => folders.push(path),
                Ok(t) if t.is_file() && !written.contains(path.as_path()) => found.push(path),
                _ => {}
            }
        }
    }
    found.sort();
    found.truncate(limit);
    found
}

pub fn out_paths(names: &[String], out_dir: &Path, guard: &crate::store::Guard) -> Result<Vec<PathBuf>> {
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(Error::at(
            out_dir,
            crate::error::Place::File,
            "is not a folder; --out names the folder the editions are written to",
        ));
    }
    let mut seen = HashSet::new();
    let mut paths = Vec::with_capacity(names.len());
    for name in names {
        let path = out_path(name, out_dir)?;
        if !seen.insert(path.clone()) {
            return Err(Error::Invalid(format!(
                "two documents are named {}, and both editions would be {}; build them into different --out folders",
                crate::shown::name(name),
                crate::shown::path(&path)
            )));
        }
        // A source document, or the memory, an edition would replace: before any is written.
        guard.check(&path)?;
        paths.push(path);
    }
    Ok(paths)
}

/// The edition of `doc` made with `fill`. In a formatted document, a translation whose
/// tags do not match its sentence's (see [`crate::document::inline::check`]) is no
/// translation. Plain text has no tags: braces there are text, in the sentence and in
/// its translation alike, so a translation is written as it is.
pub fn assemble(doc: &Document, fill: Fill<'_>) -> Result<Edition> {
    assemble_keeping(doc, fill, MISSING_KEPT)
}

/// Like [`assemble`], keeping the first `keep` missing segments in
/// [`Edition::missing`] (every one with `usize::MAX`, for `build --list-missing`).
pub fn assemble_keeping(doc: &Document, fill: Fill<'_>, keep: usize) -> Result<Edition> {
    let (mut translated, mut words, mut untranslated, mut missing) = (0, 0, 0, Vec::new());
    // `rebuild` asks for each segment once, in order: the count is where it stands, for
    // the translation made for the same place.
    let mut position = 0;
    let plain = doc.plain().is_some();
    let bytes = doc.rebuild(|segment| {
        let source = segment.text.as_str();
        let k = position;
        position += 1;
        debug_assert!(std::ptr::eq(&doc.segments[k], segment), "rebuild fills segments in order");
        let around = |i: Option<usize>| i.and_then(|i| doc.segments.get(i)).map(|s| s.text.as_str());
        let filled = match fill {
            Fill::Memory(memory) | Fill::Marked(memory, _) => {
                translation(memory, source, around(k.checked_sub(1)), around(Some(k + 1)))
                    .and_then(|e| placed(source, &e.target, plain))
            }
            Fill::Pseudo => Some(Cow::Owned(pseudo(source))),
            Fill::Identity => Some(Cow::Borrowed(source)),
        };
        match &filled {
            Some(text) => {
                translated += 1;
                words += word_count(text);
            }
            None => {
                untranslated += 1;
                words += word_count(source);
                if missing.len() < keep {
                    missing.push(Missing {
                        doc: doc.name.clone(),
                        line: segment.location.line,
                        text: source.to_owned(),
                    });
                }
                // Still counted and listed as missing: a mark is no translation.
                if let Fill::Marked(_, template) = fill {
                    return Some(Cow::Owned(template.replacen("{}", source, 1)));
                }
            }
        }
        filled
    })?;
    Ok(Edition { name: doc.name.clone(), bytes, translated, untranslated, missing, words })
}

/// The memory's translation of the segment `source`, between the segments `prev` and
/// `next` (`None`: the start or end of its document), that an edition takes: the one
/// made for this place, else the 100% match. Whether it can be put in place is
/// [`placed`].
pub fn translation<'m>(
    memory: &'m Memory,
    source: &str,
    prev: Option<&str>,
    next: Option<&str>,
) -> Option<&'m Entry> {
    memory.in_context(source, prev, next).or_else(|| memory.exact(source))
}

/// `target`, a translation of the segment `source`, as an edition puts it in the
/// segment's place ([`single_line`], without a leading dialogue dash the source's
/// layout already has: [`crate::text::without_dialogue_dash`]), or `None` where it cannot: a translation of
/// nothing but whitespace, or, in a formatted document (`plain` false), one whose tags
/// do not match its sentence's ([`crate::document::inline::check`]). The commands that
/// count translations use the same rule (see the module docs), so a translation no
/// edition can place is neither a 100% match to them nor kept from a batch.
pub fn placed<'t>(source: &str, target: &'t str, plain: bool) -> Option<Cow<'t, str>> {
    let target = crate::text::without_dialogue_dash(source, target);
    single_line(target).filter(|t| plain || crate::document::inline::check(source, t).is_ok())
}

/// Whether `memory` translates the segment `source` so that an edition can place it:
/// its 100% match is [`placed`] (`plain`: the segment is plain text's; a sentence of a
/// batch, which may stand in any document, is asked with `plain` false): what counts
/// as translated outside an edition (see the module docs); a translation made for one
/// place only (a context match) is build's alone to use.
pub fn has_translation(memory: &Memory, source: &str, plain: bool) -> bool {
    memory.exact(source).and_then(|e| placed(source, &e.target, plain)).is_some()
}

/// A translation as it goes into a segment's place: trimmed, because the skeleton
/// already holds the spacing around the segment, and on one line, because a segment
/// never spans lines and the edition keeps the source's line structure: every line
/// break ([`crate::text::LINE_BREAKS`], a lone carriage return included) and the
/// spaces around it become one space. `None` for a translation of nothing but
/// whitespace.
fn single_line(target: &str) -> Option<Cow<'_, str>> {
    let target = target.trim();
    if target.is_empty() {
        return None;
    }
    if !target.contains(crate::text::LINE_BREAKS) {
        return Some(Cow::Borrowed(target));
    }
    let lines: Vec<&str> =
        target.split(crate::text::LINE_BREAKS).map(str::trim).filter(|l| !l.is_empty()).collect();
    Some(Cow::Owned(lines.join(" ")))
}

/// A pseudo-translation of `text`: in brackets, ASCII letters replaced by accented
/// look-alikes, and padded with `~` by about 30% of its length, as English often runs
/// longer than the source. `Hei på deg` becomes `[Ĥéî þå ðéĝ ~~~]`.
pub fn pseudo(text: &str) -> String {
    const LOWER: [char; 26] = [
        'à', 'ƀ', 'ç', 'ð', 'é', 'ƒ', 'ĝ', 'ĥ', 'î', 'ĵ', 'ķ', 'ł', 'ɱ', 'ñ', 'ö', 'þ', 'ǫ', 'ŕ', 'š', 'ţ',
        'û', 'ṽ', 'ŵ', 'ẋ', 'ý', 'ž',
    ];
    const UPPER: [char; 26] = [
        'Å', 'Ɓ', 'Ç', 'Ð', 'É', 'Ƒ', 'Ĝ', 'Ĥ', 'Î', 'Ĵ', 'Ķ', 'Ļ', 'Ṁ', 'Ñ', 'Ö', 'Þ', 'Ǫ', 'Ŕ', 'Š', 'Ŧ',
        'Û', 'Ṽ', 'Ŵ', 'Ẋ', 'Ý', 'Ž',
    ];
    let chars = text.chars().count();
    let padding = (chars * 3).div_ceil(10).max(1);
    let mut out = String::with_capacity(text.len() * 2 + padding + 3);
    out.push('[');
    for c in text.chars() {
        out.push(match c {
            'a'..='z' => LOWER[(c as u8 - b'a') as usize],
            'A'..='Z' => UPPER[(c as u8 - b'A') as usize],
            _ => c,
        });
    }
    out.push(' ');
    out.extend(std::iter::repeat_n('~', padding));
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Entry;
    use crate::segment::Segmenter;

    fn repo(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }

    fn corpus() -> Vec<Document> {
        crate::corpus::read(&[repo("corpus")], &Segmenter::default()).unwrap()
    }

    /// The plain-text documents of the corpus, whose line structure can be compared.
    fn plain_corpus() -> Vec<Document> {
        corpus().into_iter().filter(|d| d.plain().is_some()).collect()
    }

    fn doc(text: &str) -> Document {
        Document::parse("a.txt".into(), text.into(), &Segmenter::default())
    }

    fn memory(pairs: &[(&str, &str)]) -> Memory {
        Memory::from_entries(
            pairs
                .iter()
                .map(|(s, t)| Entry { source: (*s).into(), target: (*t).into(), ..Entry::default() })
                .collect(),
        )
    }

    fn text(e: &Edition) -> String {
        String::from_utf8(e.bytes.clone()).unwrap()
    }

    fn source(d: &Document) -> &str {
        d.plain().unwrap().0
    }

    /// Each line reduced to what the edition must keep: blank or not, and the
    /// whitespace and dashes it starts with.
    fn structure(text: &str) -> Vec<String> {
        text.split('\n')
            .map(|l| {
                let lead: String =
                    l.chars().take_while(|c| c.is_whitespace() || "–-—".contains(*c)).collect();
                if l.trim().is_empty() {
                    format!("blank {l:?}")
                } else {
                    lead
                }
            })
            .collect()
    }

    #[test]
    fn identity_gives_each_corpus_document_back_byte_for_byte() {
        let docs = corpus();
        assert_eq!(docs.len(), std::fs::read_dir(repo("corpus")).unwrap().count());
        for d in &docs {
            let e = assemble(d, Fill::Identity).unwrap();
            assert!(e.bytes == std::fs::read(repo("corpus").join(&d.name)).unwrap(), "{}", d.name);
            assert_eq!((e.translated, e.untranslated, e.missing.len()), (d.segments.len(), 0, 0));
        }
    }

    #[test]
    fn the_bundled_memory_translates_the_whole_corpus_in_its_skeleton() {
        let memory = Memory::load(&repo("memory")).unwrap();
        for d in &corpus() {
            let e = assemble(d, Fill::Memory(&memory)).unwrap();
            assert_eq!(e.missing, [], "{}", d.name);
            assert_eq!(e.translated, d.segments.len());
            if d.plain().is_none() {
                continue;
            }
            let (e_text, d_text) = (text(&e), source(d));
            assert_ne!(e_text, d_text);
            assert_eq!(e_text.split('\n').count(), d_text.split('\n').count(), "{}", d.name);
            assert_eq!(structure(&e_text), structure(d_text), "{}", d.name);
            // Every piece of the skeleton is in the edition, in order.
            let mut at = 0;
            for piece in d.skeleton().unwrap() {
                let found = e_text[at..].find(piece).unwrap_or_else(|| panic!("{}: lost {piece:?}", d.name));
                at += found + piece.len();
            }
        }
    }

    #[test]
    fn a_segment_without_translation_stays_norwegian_and_is_listed() {
        let d = doc("– Hei. Hvem er du?\n\nTakk.");
        let m = memory(&[("Hei.", "Hi."), ("Takk.", " Thanks. ")]);
        let e = assemble(&d, Fill::Memory(&m)).unwrap();
        assert_eq!(text(&e), "– Hi. Hvem er du?\n\nThanks.");
        assert_eq!(e.translated, 2);
        assert_eq!(e.missing, [Missing { doc: "a.txt".into(), line: 1, text: "Hvem er du?".into() }]);
        assert_eq!(e.words, 5);
        assert_eq!(e.segments(), 3);
    }

    #[test]
    fn a_marked_fill_shows_what_stayed_norwegian() {
        let d = doc("Hei. Hvem er du?\n");
        let m = memory(&[("Hei.", "Hi.")]);
        let e = assemble(&d, Fill::Marked(&m, "[nb: {}]")).unwrap();
        assert_eq!(text(&e), "Hi. [nb: Hvem er du?]\n");
        assert_eq!((e.translated, e.untranslated, e.missing.len()), (1, 1, 1));
    }

    #[test]
    fn a_translation_never_adds_lines() {
        let d = doc("Hei. Ja.\nNei.");
        let m = memory(&[("Hei.", "Hi\r\n  there."), ("Ja.", "   "), ("Nei.", "No.\rReally\u{2028}not.")]);
        let e = assemble(&d, Fill::Memory(&m)).unwrap();
        assert_eq!(text(&e), "Hi there. Ja.\nNo. Really not.");
        assert_eq!((e.untranslated, e.missing.len()), (1, 1), "a blank translation is no translation");
    }

    #[test]
    fn pseudo_brackets_accents_and_pads() {
        assert_eq!(pseudo("Hei på deg"), "[Ĥéî þå ðéĝ ~~~]");
        assert_eq!(pseudo("Translated text"), "[Ŧŕàñšłàţéð ţéẋţ ~~~~~]");
        assert_eq!(pseudo("«Ja»"), "[«Ĵà» ~~]");
        let all: String = ('a'..='z').chain('A'..='Z').collect();
        assert!(!pseudo(&all).chars().any(|c| c.is_ascii_alphabetic()));
    }

    #[test]
    fn pseudo_changes_every_segment_and_keeps_the_skeleton() {
        for d in &plain_corpus() {
            let e = assemble(d, Fill::Pseudo).unwrap();
            assert_eq!(e.translated, d.segments.len());
            assert_eq!(structure(&text(&e)), structure(source(d)), "{}", d.name);
            let pseudo_lines = text(&e).split('\n').filter(|l| l.contains('[')).count();
            let source_lines = source(d).split('\n').filter(|l| !l.trim().is_empty()).count();
            assert_eq!(pseudo_lines, source_lines, "{}", d.name);
        }
    }

    fn named(name: &str) -> String {
        name.into()
    }

    #[test]
    fn only_the_first_missing_segments_are_listed_and_all_are_counted() {
        let d = doc(&"Ja. ".repeat(MISSING_KEPT * 3));
        let e = assemble(&d, Fill::Memory(&memory(&[]))).unwrap();
        assert_eq!(
            (e.untranslated, e.missing.len(), e.segments()),
            (MISSING_KEPT * 3, MISSING_KEPT, MISSING_KEPT * 3)
        );
    }

    #[test]
    fn an_edition_is_written_under_its_file_name_only() {
        assert_eq!(out_path("a.txt", Path::new("out/en")).unwrap(), Path::new("out/en/a.txt"));
        assert_eq!(out_path("2027/a.txt", Path::new("out/en")).unwrap(), Path::new("out/en/2027/a.txt"));
        for bad in ["../a.txt", "/etc/passwd", "x/../a.txt", "./a.txt", "x/", "..", ".", ""] {
            let err = out_path(bad, Path::new("out")).unwrap_err();
            assert!(err.to_string().contains("not a plain file name"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_norwegian_language_in_a_files_name_becomes_english() {
        for (name, edition) in [
            ("innlegg.nb.md", "innlegg.en.md"),
            ("2027/index.nn.html", "2027/index.en.html"),
            ("side.nb-NO.md", "side.en.md"),
            ("side.nb_NO.md", "side.en.md"),
            ("a.b.NO.docx", "a.b.en.docx"),
            // Not a language before an extension: left as it is.
            ("intervju.docx", "intervju.docx"),
            ("nb.md", "nb.md"),
            (".nb.md", ".nb.md"),
            ("notat.nb", "notat.nb"),
            ("bnb.nbx.md", "bnb.nbx.md"),
            ("nb.nb/tekst.md", "nb.nb/tekst.md"),
        ] {
            assert_eq!(english_name(name), edition, "{name}");
        }
        assert_eq!(
            out_path("innlegg.nb.md", Path::new("out/en")).unwrap(),
            Path::new("out/en/innlegg.en.md")
        );
    }

    #[test]
    fn out_paths_refuse_a_name_twice_and_overwriting_a_source() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("corpus/a.txt");
        std::fs::create_dir_all(source.parent().unwrap()).unwrap();
        std::fs::write(&source, "Hei.").unwrap();
        let guard = crate::store::Guard::default().documents([source.as_path()]);

        let out = dir.path().join("out/en");
        let paths = out_paths(&[named("a.txt"), named("b.txt")], &out, &guard).unwrap();
        assert_eq!(paths, [out.join("a.txt"), out.join("b.txt")]);

        let err = out_paths(&[named("a.txt"), named("a.txt")], &out, &guard).unwrap_err();
        assert!(err.to_string().contains("two documents are named a.txt"), "{err}");

        // The same folder reached another way is still the source's folder.
        std::fs::create_dir_all(&out).unwrap();
        let corpus = dir.path().join("out/../corpus");
        let err = out_paths(&[named("a.txt")], &corpus, &guard).unwrap_err();
        assert!(err.to_string().contains("is a document of the corpus"), "{err}");
    }
}
