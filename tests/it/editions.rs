//! The English editions of the whole bundled corpus, one document in each format, as
//! tolk reads them back and as the applications a publisher uses show them: every
//! document comes back byte for byte with `--pseudo=identity`, every edition holds the
//! memory's translations and no Norwegian, LibreOffice shows a Word or LibreOffice
//! edition's English text with its formatting on the same words, and Chromium a page's.

use std::collections::HashMap;
use std::path::Path;

use crate::util::{bundled_translations, chromium_dom, soffice, zip_entry, Project};

/// The segments of `path` (relative to the project) as `tolk segment --json` gives them.
fn segments(t: &Project, path: &str) -> Vec<String> {
    let out = t.tolk(&["segment", "--json", path]).run().success().stdout;
    out.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            v["text"].as_str().expect("a text").to_string()
        })
        .collect()
}

/// `text` without tags (a lone one counts as a space), its whitespace runs one space.
fn words(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    // Tags: `{1}`, `{/1}`, `{2/}`.
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match tail.find('}') {
            Some(j) if j > 1 && tail[1..j].trim_matches('/').bytes().all(|b| b.is_ascii_digit()) => {
                // A pair marks words; a lone tag (a line break, an image) stands between
                // them.
                if tail[..j].ends_with('/') {
                    out.push(' ');
                }
                rest = &tail[j + 1..];
            }
            _ => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The corpus documents of the project, by file name.
fn documents(t: &Project) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(t.path().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn extension(name: &str) -> &str {
    Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("")
}

#[test]
fn every_corpus_document_comes_back_byte_for_byte_from_pseudo_identity() {
    let t = Project::new();
    t.tolk(&["build", "--pseudo=identity", "--out", "out/same"]).run().success();
    let names = documents(&t);
    assert!(["docx", "odt", "md", "html", "txt"].iter().all(|e| names.iter().any(|n| extension(n) == *e)));
    for name in names {
        let source = std::fs::read(t.path().join("corpus").join(&name)).unwrap();
        let edition = std::fs::read(t.path().join("out/same").join(&name)).unwrap();
        assert!(source == edition, "{name}: the identity edition differs from the source");
    }
}

/// Each edition, read by tolk again, holds the memory's translation of each of its
/// source's segments, in order, and none of the Norwegian.
#[test]
fn every_edition_holds_the_memorys_translations_in_its_own_format() {
    let t = Project::new();
    t.tolk(&["build"]).run().success().stderr_contains(" 0 untranslated");
    let memory: HashMap<String, String> = bundled_translations();
    for name in documents(&t) {
        let sources = segments(&t, &format!("corpus/{name}"));
        let expected: Vec<String> = sources
            .iter()
            .map(|s| words(memory.get(s).unwrap_or_else(|| panic!("{name}: no translation of {s:?}"))))
            .collect();
        let got = segments(&t, &format!("out/en/{name}"));
        assert_eq!(
            words(&got.join(" ")),
            expected.join(" "),
            "{name}: the edition's text is not the memory's translation"
        );
        for source in sources.iter().filter(|s| memory[*s] != **s) {
            let source = words(source);
            assert!(!got.iter().any(|g| words(g) == source), "{name}: {source:?} is still Norwegian");
        }
    }
}

/// Every edition says it is in the language `target_language` names, in each format.
#[test]
fn every_edition_is_marked_with_the_language_the_project_names() {
    // The default, `en`: English, with a region (British) only where the document
    // gives its language one.
    let t = Project::new();
    t.tolk(&["build"]).run().success();
    let out = t.path().join("out/en");
    let page = t.read("out/en/fjordkraft-irene-fauskanger.html");
    assert!(page.contains(r#"<html lang="en">"#), "{page}");
    assert!(t.read("out/en/fjordkraft-irene-fauskanger.md").contains("\nlang: en\n"));
    let styles = zip_entry(&out.join("lyse-dialog-trine-vestre-oen.docx"), "word/styles.xml");
    assert!(styles.contains(r#"<w:lang w:val="en-GB" w:eastAsia="en-US""#), "{styles}");
    let content = zip_entry(&out.join("lyse-dialog-trine-vestre-oen.odt"), "content.xml");
    assert!(
        content.contains(r#"fo:language="en" fo:country="GB""#) && !content.contains(r#"fo:country="NO""#)
    );

    // `en-US`: every edition, in every format, says US English; the Word file's East
    // Asian language (not a mark of the text's) stays as it was.
    t.write("tolk.toml", "target_language = \"en-US\"\n");
    t.tolk(&["build", "-o", "us"]).run().success();
    let out = t.path().join("us");
    let page = t.read("us/fjordkraft-irene-fauskanger.html");
    assert!(page.contains(r#"<html lang="en-US">"#), "{page}");
    assert!(t.read("us/fjordkraft-irene-fauskanger.md").contains("\nlang: en-US\n"));
    let docx = out.join("lyse-dialog-trine-vestre-oen.docx");
    let styles = zip_entry(&docx, "word/styles.xml");
    assert!(styles.contains(r#"<w:lang w:val="en-US" w:eastAsia="en-US""#), "{styles}");
    assert!(!styles.contains("en-GB") && !styles.contains("nb-NO"));
    assert!(zip_entry(&docx, "docProps/core.xml").contains("<dc:language>en-US</dc:language>"));
    let odt = out.join("lyse-dialog-trine-vestre-oen.odt");
    assert!(zip_entry(&odt, "meta.xml").contains("<dc:language>en-US</dc:language>"));
    for part in ["content.xml", "styles.xml"] {
        let xml = zip_entry(&odt, part);
        assert!(!xml.contains(r#"fo:country="NO""#) && !xml.contains(r#"fo:country="GB""#), "{part}: {xml}");
        assert!(xml.contains(r#"fo:language="en" fo:country="US""#), "{part}: {xml}");
    }
}

/// LibreOffice opens the Word and LibreOffice editions and shows the English text, and
/// its HTML export puts each pair of tags of a translation around the same words.
#[test]
fn libreoffice_shows_the_english_editions_with_the_formatting_on_the_same_words() {
    let t = Project::new();
    t.tolk(&["build"]).run().success();
    let memory = bundled_translations();
    for name in documents(&t).into_iter().filter(|n| ["docx", "odt"].contains(&extension(n))) {
        let edition = format!("out/en/{name}");
        if !soffice(&t, &["--convert-to", "txt:Text", "--outdir", "lo/txt", &edition]) {
            return;
        }
        let stem = name.rsplit_once('.').unwrap().0;
        let text = words(&t.read(&format!("lo/txt/{stem}.txt")));
        for source in segments(&t, &format!("corpus/{name}")) {
            let target = words(&memory[&source]);
            assert!(text.contains(&target), "{name}: LibreOffice does not show {target:?}:\n{text}");
            if memory[&source] != source {
                assert!(!text.contains(&words(&source)), "{name}: LibreOffice still shows {source:?}");
            }
        }
        assert!(soffice(&t, &["--convert-to", "html", "--outdir", "lo/html", &edition]));
        let html = t.read(&format!("lo/html/{stem}.html")).split_whitespace().collect::<Vec<_>>().join(" ");
        for source in segments(&t, &format!("corpus/{name}")) {
            let target = &memory[&source];
            // Each pair's words, as LibreOffice writes them, stand inside an element
            // of their own: `>Lyse Dialog<`.
            for inner in pairs(target) {
                assert!(
                    html.contains(&format!(">{inner}<")),
                    "{name}: {inner:?} lost its formatting:\n{html}"
                );
            }
        }
    }
}

/// The text inside each innermost pair of `text`'s tags.
fn pairs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let tail = &rest[i + 1..];
        let Some(j) = tail.find('}') else { break };
        let n = &tail[..j];
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            let close = format!("{{/{n}}}");
            if let Some(k) = tail[j + 1..].find(&close) {
                let inner = &tail[j + 1..j + 1 + k];
                if !inner.contains('{') {
                    out.push(inner.to_string());
                }
            }
        }
        rest = &tail[j + 1..];
    }
    out
}

/// Chromium opens the HTML edition: the English text, in English, with the links
/// around the same words.
#[test]
fn a_browser_shows_the_english_page_with_the_links_on_the_same_words() {
    let t = Project::new();
    t.tolk(&["build"]).run().success();
    let memory = bundled_translations();
    for name in documents(&t).into_iter().filter(|n| extension(n) == "html") {
        let Some(dom) = chromium_dom(&t.path().join("out/en").join(&name)) else { return };
        assert!(dom.contains(r#"<html lang="en""#), "{name}: the page is not in English");
        let dom = dom.split_whitespace().collect::<Vec<_>>().join(" ");
        for source in segments(&t, &format!("corpus/{name}")) {
            for inner in pairs(&memory[&source]) {
                assert!(
                    dom.contains(&format!(">{inner}</a>")) || dom.contains(&format!(">{inner}</")),
                    "{name}: {inner:?} lost its markup"
                );
            }
        }
    }
}
