//! Word documents with the real binary and real LibreOffice: the Lyse interview as Word
//! writes it (split runs, rsids, proofing marks, bookmarks) segments into the
//! interview's sentences with tags only where formatting falls inside a sentence; the
//! identity edition is the file byte for byte; the pseudo edition opens in LibreOffice,
//! which shows the pseudo text (body, and in the PDF the footer) with the formatting on
//! the same words; a damaged .docx is refused by name. Small Word files made here: a
//! paragraph with line breaks segments the same in Word and in LibreOffice's .odt of
//! it, and a cross-reference to a bookmarked word shows the translated word in
//! LibreOffice's PDF of the edition, whose title is translated too; a text box
//! LibreOffice stores twice (a drawing and its VML copy) is counted once and translated
//! in both.
//!
//! LibreOffice (`soffice`, Debian's libreoffice-writer-nogui, which `.ci/run` installs)
//! is needed for the edition test; without it the test says so and passes, unless `CI`
//! is set, where it fails; the same for `pdftotext` (poppler-utils), which reads the PDF.

use std::process::Command;

use tolk::edition::pseudo;

use crate::util::{repo, soffice, zip_entry, Project};

const NAME: &str = "lyse-dialog-trine-vestre-oen.docx";

/// A project whose corpus is the Word interview alone.
fn project() -> Project {
    let t = Project::empty();
    t.write(
        &format!("corpus/{NAME}"),
        std::fs::read(repo().join("tests/data/documents").join(NAME)).unwrap(),
    );
    t
}

#[test]
fn the_word_interview_segments_into_its_sentences_with_tags_only_inside_sentences() {
    let t = project();
    let expected = [
        // The image's description, then its caption.
        "Trine Vestre Øen er direktør for kundeservice i Lyse Dialog.",
        "Trine Vestre Øen er direktør for kundeservice i Lyse Dialog.",
        // The heading: `Kundeser|vice og kjærlighet` in two runs, in a bookmark.
        "Kundeservice og kjærlighet",
        // The bold intro: the link is the one tag.
        "God kundeservice handler om begeistring, og begeistring er en følelse.",
        "Vi har møtt direktør for kundeservice i {1}Lyse Dialog{/1}, Trine Vestre Øen, til en samtale om \
         hvordan de arbeider målrettet for å skape gode kundeopplevelser.",
        "Med kjærlighet for kundene og for hverandre.",
        "Hva er en god dag på jobben for deg?",
        "Jeg synes måten dagen starter på er viktig.",
        "Jeg elsker å komme inn på kundesenteret om morgenen.",
        // `summingen` and `boost` are runs of their own between proofing marks.
        "Høre summingen, der er action, det skjer ting, og det gir meg en god boost på arbeidsdagen.",
        "En god dag er samtalene med kolleger, og det er en dag hvor det har «kokt litt» på kundesenteret og vi \
         har hjulpet mange kunder, forteller Øen engasjert.",
        "Hva er den viktigste KPIén for deg?",
        "Det er OKS (opplevd kundetilfredshet, red. kommentar).",
        "Vi er her for kundene, så deres tilbakemelding er det aller viktigste måleparameteret.",
        "Det gjør vondt i magen om kundene ikke er fornøyd.",
        "Når det er sagt så er det i balanse mellom alle KPIéne det er optimalt å være.",
        "Det er krevende å arbeide for å få et måltall «grønt», og så se at man lykkes med det, men så blir et \
         annet måltall «rødt».",
        "Det tok noe tid før jeg fant ut at alt måtte balanseres for å få en optimal utvikling, forklarer hun.",
        "Hva gjør du for at flest mulig dager skal bli gode?",
        "Jeg prøver alltid å starte dagen med å «resette».",
        "Det som skjedde i går, får jeg ikke gjort noe med.",
        "Mål og retning er viktig slik at alle vet hva de skal bidra med for å nå målene.",
        "Jeg synes det er viktig å snakke om det vi gjør bra, for å forsterke effekten av det positive og bygge \
         en stolthet i organisasjonen.",
        "Jeg gjør meg også tilgjengelig for mine kolleger, og er en støttespiller i deres arbeid.",
        "Ved å bruke verdiene våre; lagspiller, modig og ansvarlig i alt jeg og vi gjør blir dagene gode, \
         forteller Øen ivrig.",
        "Kjærlighet i kundeservice blir bare viktigere i årene som kommer.",
        "Hva har kjærlighet med kundeservice å gjøre?",
        "Det betyr alt.",
        "Bransjen blir litt preget av standardisering og roboter.",
        "Men alle kunder er forskjellige.",
        "De har ulik bakgrunn og ulike behov.",
        "Derfor er det viktig at våre ansatte behandler kundene unikt, og har fullmakt til å {1}«gå utenfor \
         boksen»{/1}.",
        // A bookmark, then a run with `w:lastRenderedPageBreak`.
        "Vi skal ikke bruke manus, men ha kjærlighet til kundeservice og løse kundens problemer.",
        "Dette må balanseres opp mot kostnader og effektivitet, men jeg mener det er avgjørende at medarbeideren \
         i kundesenteret forstår når de skal gjøre noe ekstra for kundene.",
        "I noen situasjoner er det sånn at vi må yte langt mer enn standard for å hjelpe kunden ut av en \
         vanskelig situasjon.",
        "Da må den enkelte ha innsikt, kjærlighet og kompetanse slik at vi tar de riktige beslutningene på \
         riktig tidspunkt, oppsummerer Trine Vestre Øen.",
        "Podcast |\u{a0}I samarbeid med CustomerTrends AS",
        // The footer: two tabs and a PAGE field after the title stay outside the segment.
        "Kundeservice og kjærlighet",
        // The document's title (docProps/core.xml), as in the LibreOffice conversion.
        "Kundeservice og kjærlighet",
    ];
    let mut stdout = expected.join("\n");
    stdout.push('\n');
    t.tolk(&["segment", &format!("corpus/{NAME}")]).run().success().stdout_is(&stdout);
}

#[test]
fn the_identity_edition_of_a_word_document_is_the_file_itself() {
    let t = project();
    t.tolk(&["build", "--pseudo=identity"]).run().success();
    let source = std::fs::read(t.path().join("corpus").join(NAME)).unwrap();
    let edition = std::fs::read(t.path().join("out/pseudo").join(NAME)).unwrap();
    assert!(source == edition, "the identity edition differs from the source");
}

#[test]
fn the_pseudo_edition_opens_in_libreoffice_with_the_formatting_on_the_same_words() {
    let t = project();
    t.tolk(&["build", "--pseudo"]).run().success();
    let edition = t.path().join("out/pseudo").join(NAME);

    // The formatting is on the same words: a bold question, the italic quotation, the link.
    let xml = zip_entry(&edition, "word/document.xml");
    let bold = format!(
        r#"<w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
        pseudo("Hva er en god dag på jobben for deg?")
    );
    assert!(xml.contains(&bold), "the bold question is not bold:\n{xml}");
    let italic =
        r#"<w:r><w:rPr><w:i/><w:iCs/></w:rPr><w:t xml:space="preserve">«ĝå ûţéñƒöŕ ƀöķšéñ»</w:t></w:r>"#;
    assert!(xml.contains(italic), "the quotation is not italic:\n{xml}");
    let link = concat!(
        r#"<w:hyperlink r:id="rId5" w:history="1"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/><w:b/><w:bCs/></w:rPr>"#,
        r#"<w:t xml:space="preserve">Ļýšé Ðîàłöĝ</w:t></w:r></w:hyperlink>"#
    );
    assert!(xml.contains(link), "the link is not on Lyse Dialog:\n{xml}");
    assert!(!xml.contains("nb-NO"), "a Norwegian language mark is left");
    assert!(zip_entry(&edition, "word/styles.xml").contains(r#"<w:lang w:val="en-GB" w:eastAsia="en-US""#));

    if !soffice(&t, &["--convert-to", "txt:Text", "--outdir", "lo", &format!("out/pseudo/{NAME}")]) {
        return;
    }
    let text = t.read("lo/lyse-dialog-trine-vestre-oen.txt");
    for sentence in [
        "Kundeservice og kjærlighet",
        "Hva er en god dag på jobben for deg?",
        "Det betyr alt.",
        "Podcast |\u{a0}I samarbeid med CustomerTrends AS",
    ] {
        let shown = pseudo(sentence);
        assert!(text.contains(&shown), "LibreOffice does not show {shown:?}:\n{text}");
        assert!(!text.contains(sentence), "LibreOffice still shows {sentence:?}:\n{text}");
    }
    assert!(text.contains("Ļýšé Ðîàłöĝ, Ŧŕîñé Ṽéšţŕé Øéñ, ţîł éñ šàɱţàłé"), "{text}");

    // The PDF shows the footer too, with its page number.
    assert!(soffice(&t, &["--convert-to", "pdf", "--outdir", "lo", &format!("out/pseudo/{NAME}")]));
    match Command::new("pdftotext")
        .args(["lo/lyse-dialog-trine-vestre-oen.pdf", "-"])
        .current_dir(t.path())
        .output()
    {
        Ok(out) if out.status.success() => {
            let pdf = String::from_utf8_lossy(&out.stdout);
            let footer = pseudo("Kundeservice og kjærlighet");
            assert!(pdf.matches(footer.as_str()).count() >= 2, "no translated footer in the PDF:\n{pdf}");
            assert!(!pdf.contains("Hva er en god dag"), "{pdf}");
        }
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have pdftotext (.ci/run installs poppler-utils)"
            );
            eprintln!("note: no pdftotext (poppler-utils); the PDF was made but not read");
        }
    }
}

#[test]
fn text_named_as_a_word_or_libreoffice_document_is_refused_not_read_as_text() {
    // A file renamed, or saved as text under the name: read as plain text, its
    // "edition" would be text with a name Word and LibreOffice cannot open.
    let t = Project::new();
    t.write("corpus/rapport.docx", "Dette er en rapport om året som gikk.\n");
    t.write("corpus/notat.odt", "");
    t.tolk(&["segment", "corpus/rapport.docx"]).run().failure().stderr_is(
        "error: corpus/rapport.docx: is not a readable Word document: it is not a zip archive, as such a document \
         is, but text, starting \"Dette er en rapport om året so…\": if it is text, give it the extension of what \
         it holds (.txt, .md, .html)\n",
    );
    t.tolk(&["segment", "corpus/notat.odt"]).run().failure().stderr_contains(
        "corpus/notat.odt: is not a readable LibreOffice document (.odt): the file is empty; open it",
    );
    t.tolk(&["build", "--partial"]).run().failure().stderr_contains("2 documents could not be read");
    assert!(!t.path().join("out/en/rapport.docx").exists(), "a text edition named .docx was written");
    // An old Word document renamed, or a PDF so named, is named as what it is, with
    // what to do; an old .doc as it is is passed over, with what to do too.
    t.write("corpus/rapport.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 the rest");
    t.tolk(&["segment", "corpus/rapport.docx"]).run().failure().stderr_contains(
        "corpus/rapport.docx: is not a readable Word document: it is an old binary Office file (a Word .doc or an \
         Excel .xls), not a zip archive as such a document is; open it in Word or LibreOffice and save it as a Word \
         (.docx) or LibreOffice (.odt) document",
    );
    t.write("corpus/rapport.docx", "%PDF-1.7\n");
    t.tolk(&["segment", "corpus/rapport.docx"])
        .run()
        .failure()
        .stderr_contains("it is a PDF file, not a zip archive");
    std::fs::rename(t.path().join("corpus/rapport.docx"), t.path().join("corpus/rapport.doc")).unwrap();
    t.write("corpus/rapport.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 the rest");
    t.tolk(&["status"]).run().success().stderr_contains(
        "skipped corpus/rapport.doc: is an old binary Office file (a Word .doc or an Excel .xls), which tolk does not \
         read; tolk reads plain text (.txt), Markdown (.md), HTML (.html), Word (.docx, .dotx, .docm) and \
         LibreOffice (.odt, .ott) documents; to translate it, open it in Word or LibreOffice and save it as a Word document (.docx)",
    );
}

#[test]
fn a_damaged_word_document_is_refused_by_name() {
    let t = Project::new();
    t.write("corpus/intervju.docx", b"PK\x03\x04\x14\x00\x06\x00rest of a zip");
    let message = "error: corpus/intervju.docx: is not a readable Word document (invalid Zip archive: \
                   Could not find EOCD); open it in its application and save it again\n";
    t.tolk(&["segment", "corpus/intervju.docx"]).run().failure().stderr_is(message);
    // In the corpus, it is left out with the reason, and the other documents are still
    // counted, exported and built; `build` fails for the edition it cannot write.
    let left_out = message.replace("error: ", "warning: ").replace('\n', "; left out until that is done\n");
    t.tolk(&["status"])
        .run()
        .success()
        .stderr_is(&left_out)
        .stdout_contains("fjordkraft-irene-fauskanger.txt");
    t.tolk(&["analyze"]).run().success().stderr_contains(&left_out);
    t.tolk(&["build"])
        .run()
        .failure()
        .stderr_contains(&left_out)
        .stderr_contains("error: 1 document could not be read (named above), so nothing was written");
    assert!(!t.path().join("out/en/fjordkraft-irene-fauskanger.txt").exists(), "an edition was written");
    t.tolk(&["build", "--partial"])
        .run()
        .failure()
        .stderr_contains(&left_out)
        .stderr_contains("error: 1 document could not be read (named above) and has no edition");
    assert!(
        t.path().join("out/en/fjordkraft-irene-fauskanger.txt").exists(),
        "the other editions were not written"
    );

    // An entry tolk does not read (the photo) damaged inside a zip whose directory is
    // whole: found when the document is read, not when its edition is written (the
    // fuzzer's find).
    let mut bytes = std::fs::read(repo().join("tests/data/documents").join(NAME)).unwrap();
    let image = bytes.windows(21).position(|w| w == b"word/media/image1.png").unwrap();
    let header = bytes[..image].windows(4).rposition(|w| w == b"PK\x03\x04").unwrap();
    bytes[header + 2] = b'X';
    t.write("corpus/intervju.docx", bytes);
    t.tolk(&["segment", "corpus/intervju.docx"]).run().failure().stderr_contains(
        "error: corpus/intervju.docx: is not a readable Word document (invalid Zip archive: Invalid local file header)",
    );
}

/// A document tolk cannot read (here tracked changes) is named in `status`, `analyze`
/// and their JSON, and no total calls the corpus done; `export` and `build` say that
/// it was not read rather than that nothing is left to translate (new-user trial: a
/// lone Word file with tracked changes showed `TOTAL 0 0 100%` and "nothing to
/// translate").
#[test]
fn an_unread_document_is_not_reported_as_done() {
    let t = Project::empty();
    t.write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    let deleted = r#"<w:del w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>Gammel.</w:delText></w:r></w:del>"#;
    t.write("corpus/valg.docx", word_file(&format!("<w:p>{}</w:p><w:p>{deleted}</w:p>", run("Hei."))));
    let status = t.tolk(&["status"]).run().success();
    assert!(status.stderr.contains("warning: corpus/valg.docx: has tracked changes"), "{}", status.stderr);
    assert!(
        status.stdout.contains("valg.docx  not read (see the warning above): not counted in TOTAL\n"),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.lines().any(|l| l.starts_with("TOTAL") && l.contains(" 0   ?%")),
        "the total claims a share: {}",
        status.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&t.tolk(&["status", "--json"]).run().success().stdout).unwrap();
    assert_eq!(json["unread"][0]["doc"], "valg.docx");
    assert!(json["unread"][0]["why"].as_str().unwrap().contains("has tracked changes"), "{json}");
    let html = t.tolk(&["status", "--html"]).run().success().stdout;
    assert!(html.contains("an unknown share of the words translated"), "{html}");
    assert!(html.contains("<li>valg.docx: corpus/valg.docx: has tracked changes"), "{html}");
    t.tolk(&["analyze"])
        .run()
        .success()
        .stdout_contains("valg.docx\n  not read (see the warning above): in no band, not counted in TOTAL\n");
    let json: serde_json::Value =
        serde_json::from_str(&t.tolk(&["analyze", "--json"]).run().success().stdout).unwrap();
    assert_eq!(json["unread"][0]["doc"], "valg.docx");
    t.tolk(&["analyze", "--csv"]).run().success().stdout_contains("valg.docx,not read,,\n");
    t.tolk(&["export", "-o", "b.csv"]).run().failure().stderr_contains(
        "error: nothing was exported: 1 document could not be read (named above), and there is no other \
         document; correct it and export again\n",
    );
    assert!(!t.path().join("b.csv").exists(), "a batch was written");
    // No --partial advice where there is no other edition to write.
    t.tolk(&["build"])
        .run()
        .failure()
        .stderr_contains("error: 1 document could not be read (named above), so nothing was written; correct it and build again\n");

    // With another document read and translated: still no claim that all is matched.
    t.write("corpus/a.txt", "Hei.\n");
    t.write("memory/nb-en.csv", format!("{}Hei.,Hi.,,,,,\n", crate::util::EMPTY_MEMORY));
    t.tolk(&["export", "-o", "b.csv"]).run().failure().stderr_contains(
        "error: nothing was exported: 1 document could not be read (named above), and every segment of the 1 \
         other document has a 100% match in the memory; correct it and export again\n",
    );
    t.tolk(&["build"]).run().failure().stderr_contains("or build with --partial to write the other editions");
    // With something to export: the batch is written, and says what it lacks.
    t.write("corpus/b.txt", "Ny setning her.\n");
    t.tolk(&["export", "-o", "b.csv"]).run().success().stderr_contains(
        "1 document could not be read (named above), and is not in this batch; correct it and export again\n",
    );
}

/// A Word document as the smallest package Word and LibreOffice open: `body` in
/// `word/document.xml`, and properties with a title and the language nb-NO.
pub fn word_file(body: &str) -> Vec<u8> {
    word_package(
        body,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        &[],
    )
}

/// Like [`word_file`], with `main` the content type of `word/document.xml` (a
/// template's, a macro-enabled document's) and the entries `extra` besides.
pub fn word_package(body: &str, main: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write as _;
    let types = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
            r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
            r#"<Default Extension="xml" ContentType="application/xml"/>"#,
            r#"<Override PartName="/word/document.xml" ContentType="{main}"/>"#,
            r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#,
        ),
        main = main
    );
    let entries = [
        ("[Content_Types].xml", types),
        (
            "_rels/.rels",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
                r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#,
            )
            .to_string(),
        ),
        (
            "docProps/core.xml",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">"#,
                r#"<dc:title>Valget i Norge</dc:title><dc:language>nb-NO</dc:language></cp:coreProperties>"#,
            )
            .to_string(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let entries = entries.iter().map(|(name, text)| (*name, text.as_bytes())).chain(extra.iter().copied());
    for (name, bytes) in entries {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A run of Norwegian text.
fn run(text: &str) -> String {
    format!(r#"<w:r><w:rPr><w:lang w:val="nb-NO"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

/// One paragraph with a line break after a full stop and one after a colon.
pub fn line_breaks() -> Vec<u8> {
    let br = "<w:r><w:br/></w:r>";
    word_file(&format!(
        "<w:p>{}{br}{}{br}{}</w:p>",
        run("Hei."),
        run("Hvem er du? Han sa:"),
        run("– Vi skal vinne.")
    ))
}

/// What `tolk segment` prints for [`line_breaks`], in Word and in LibreOffice.
pub const LINE_BREAKS: &str = "Hei.\nHvem er du?\nHan sa: {1/}– Vi skal vinne.\nValget i Norge\n";

/// A heading with a bookmark on one of its words (as LibreOffice writes the target
/// of a cross-reference) and a paragraph with a REF field to it.
pub fn reference() -> Vec<u8> {
    let field = |kind: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>"#);
    word_file(&format!(
        "<w:p>{}<w:bookmarkStart w:id=\"0\" w:name=\"_Ref1\"/>{}<w:bookmarkEnd w:id=\"0\"/>{}</w:p><w:p>{}{}{}{}{}{}{}</w:p>",
        run("Høy "),
        run("pris"),
        run(" i dag"),
        run("Se kapittelet "),
        field("begin"),
        r#"<w:r><w:instrText xml:space="preserve"> REF _Ref1 \h </w:instrText></w:r>"#,
        field("separate"),
        run("pris"),
        field("end"),
        run(" over."),
    ))
}

/// The text of the PDF at `rel` in `t`, or `None` without `pdftotext` outside CI.
pub fn pdf_text(t: &Project, rel: &str) -> Option<String> {
    match Command::new("pdftotext").args([rel, "-"]).current_dir(t.path()).output() {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        other => {
            assert!(std::env::var_os("CI").is_none(), "CI must have pdftotext (poppler-utils): {other:?}");
            eprintln!("note: no pdftotext (poppler-utils); the PDF was made but not read");
            None
        }
    }
}

#[test]
fn a_line_break_gives_the_same_segments_in_word_and_in_libreoffices_conversion() {
    let t = Project::empty();
    t.write("corpus/brudd.docx", line_breaks());
    t.tolk(&["segment", "corpus/brudd.docx"]).run().success().stdout_is(LINE_BREAKS);
    if !soffice(&t, &["--convert-to", "odt", "--outdir", "lo", "corpus/brudd.docx"]) {
        return;
    }
    t.write("corpus/brudd.odt", std::fs::read(t.path().join("lo/brudd.odt")).unwrap());
    t.tolk(&["segment", "corpus/brudd.odt"]).run().success().stdout_is(LINE_BREAKS);
}

#[test]
fn a_reference_to_a_bookmarked_word_shows_the_translated_word() {
    let t = Project::empty();
    t.write("corpus/valg.docx", reference()).write(
        "memory/nb-en.csv",
        "source,target\nHøy {1}pris{/1} i dag,A high {1}price{/1} today\n\
         Se kapittelet {1}pris{/1} over.,See the chapter {1}price{/1} above.\nValget i Norge,The election in Norway\n",
    );
    // The bookmark is a pair around its word; the field's result is text, as Word shows
    // it until its fields are updated.
    t.tolk(&["segment", "corpus/valg.docx"])
        .run()
        .success()
        .stdout_is("Høy {1}pris{/1} i dag\nSe kapittelet {1}pris{/1} over.\nValget i Norge\n");
    t.tolk(&["build"]).run().success().stderr_contains("0 untranslated");
    let xml = zip_entry(&t.path().join("out/en/valg.docx"), "word/document.xml");
    let bookmarked = concat!(
        r#"<w:r><w:t xml:space="preserve">A high </w:t></w:r><w:bookmarkStart w:id="0" w:name="_Ref1"/>"#,
        r#"<w:r><w:t xml:space="preserve">price</w:t></w:r><w:bookmarkEnd w:id="0"/>"#,
    );
    assert!(xml.contains(bookmarked), "{xml}");
    let field = concat!(
        r#"<w:r><w:instrText xml:space="preserve"> REF _Ref1 \h </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>"#,
        r#"<w:r><w:t xml:space="preserve">price</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
    );
    assert!(xml.contains(field), "{xml}");
    let core = zip_entry(&t.path().join("out/en/valg.docx"), "docProps/core.xml");
    assert!(core.contains("<dc:title>The election in Norway</dc:title>"), "{core}");
    assert!(core.contains("<dc:language>en-GB</dc:language>"), "{core}");
    // The PDF, as LibreOffice lays it out, has the field's text from the bookmark, as
    // Word's has once its fields are updated.
    if !soffice(&t, &["--convert-to", "pdf", "--outdir", "lo", "out/en/valg.docx"]) {
        return;
    }
    let Some(pdf) = pdf_text(&t, "lo/valg.pdf") else { return };
    assert!(pdf.contains("A high price today") && pdf.contains("See the chapter price above."), "{pdf}");
    assert!(!pdf.contains("Error"), "{pdf}");
}

/// A paragraph with a link as Word writes one pasted from a web page: a HYPERLINK
/// field, its words the field's result.
pub fn hyperlink_field() -> Vec<u8> {
    let field = |kind: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>"#);
    word_file(&format!(
        "<w:p>{}{}{}{}{}{}{}</w:p>",
        run("Les hele "),
        field("begin"),
        r#"<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://nordlys.example/anmeldelser" </w:instrText></w:r>"#,
        field("separate"),
        r#"<w:r><w:rPr><w:rStyle w:val="Hyperlink"/><w:lang w:val="nb-NO"/></w:rPr><w:t>anmeldelsen</w:t></w:r>"#,
        field("end"),
        run(" på nettsidene våre."),
    ))
}

#[test]
fn a_hyperlink_fields_words_are_translated_and_the_link_kept() {
    let t = Project::empty();
    t.write("corpus/lenke.docx", hyperlink_field()).write(
        "memory/nb-en.csv",
        "source,target\nLes hele {1}anmeldelsen{/1} på nettsidene våre.,Read {1}the whole review{/1} on our website.\n\
         Valget i Norge,The election in Norway\n",
    );
    t.tolk(&["segment", "corpus/lenke.docx"])
        .run()
        .success()
        .stdout_is("Les hele {1}anmeldelsen{/1} på nettsidene våre.\nValget i Norge\n");
    t.tolk(&["build"]).run().success().stderr_contains("0 untranslated");
    let xml = zip_entry(&t.path().join("out/en/lenke.docx"), "word/document.xml");
    let field = concat!(
        r#"<w:r><w:t xml:space="preserve">Read </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
        r#"<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://nordlys.example/anmeldelser" </w:instrText></w:r>"#,
        r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r>"#,
        r#"<w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t xml:space="preserve">the whole review</w:t></w:r>"#,
        r#"<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> on our website.</w:t></w:r>"#,
    );
    assert!(xml.contains(field), "{xml}");
    assert!(!xml.contains("anmeldelsen") && !xml.contains("nb-NO"), "{xml}");
    // LibreOffice reads the edition's field as a link around the English words.
    if !soffice(&t, &["--convert-to", "odt", "--outdir", "lo", "out/en/lenke.docx"]) {
        return;
    }
    let content = zip_entry(&t.path().join("lo/lenke.odt"), "content.xml");
    let link = content
        .split(r#"xlink:href="https://nordlys.example/anmeldelser""#)
        .nth(1)
        .and_then(|rest| rest.split("</text:a>").next());
    assert!(link.is_some_and(|a| a.contains("the whole review")), "{content}");
}

/// A template and a document with macros are read as a document is, and their
/// editions keep their names, their content types and the macros, byte for byte.
#[test]
fn a_template_and_a_document_with_macros_are_translated_keeping_what_they_are() {
    let t = Project::empty();
    let body = format!("<w:p>{}</w:p>", run("Kjære kunde."));
    let template = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml";
    let macros = "application/vnd.ms-word.document.macroEnabled.main+xml";
    // Not a real macro project: tolk never reads it, only copies it.
    let vba: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 MsgBox \"Hei\"";
    t.write("corpus/brev.dotx", word_package(&body, template, &[]))
        .write("corpus/skjema.docm", word_package(&body, macros, &[("word/vbaProject.bin", vba)]))
        .write(
            "memory/nb-en.csv",
            "source,target\nKjære kunde.,Dear customer.\nValget i Norge,The election in Norway\n",
        );
    t.tolk(&["segment", "corpus"])
        .run()
        .success()
        .stdout_is("Kjære kunde.\nValget i Norge\nKjære kunde.\nValget i Norge\n");
    t.tolk(&["build"]).run().success().stderr_contains("wrote 2 editions");
    for (name, main) in [("brev.dotx", template), ("skjema.docm", macros)] {
        let edition = t.path().join("out/en").join(name);
        let xml = zip_entry(&edition, "word/document.xml");
        assert!(xml.contains(">Dear customer.<") && !xml.contains("Kjære"), "{name}: {xml}");
        let types = zip_entry(&edition, "[Content_Types].xml");
        assert!(types.contains(&format!(r#"PartName="/word/document.xml" ContentType="{main}""#)), "{types}");
    }
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(t.path().join("out/en/skjema.docm")).unwrap()).unwrap();
    let mut kept = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("word/vbaProject.bin").unwrap(), &mut kept).unwrap();
    assert_eq!(kept, vba);
    // LibreOffice opens the template's edition and shows the English.
    if !soffice(&t, &["--convert-to", "txt:Text", "--outdir", "lo", "out/en/brev.dotx"]) {
        return;
    }
    let text = t.read("lo/brev.txt");
    assert!(text.contains("Dear customer.") && !text.contains("Kjære"), "{text}");
}

/// A text box as LibreOffice writes it to a .docx: a drawing and its VML copy.
const TEXT_BOX: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>"#,
    r#"<text:p>Brødteksten har én setning.<draw:frame draw:name="Boks" text:anchor-type="char" svg:width="6cm"><draw:text-box><text:p>Faktaboksen har to setninger. Dette er den andre.</text:p></draw:text-box></draw:frame></text:p>"#,
    r#"</office:text></office:body></office:document>"#,
);

#[test]
fn a_text_box_stored_twice_is_counted_once_and_translated_in_both() {
    let t = Project::empty();
    t.write("src/boks.fodt", TEXT_BOX).write(
        "memory/nb-en.csv",
        "source,target\nBrødteksten har én setning.,The body has one sentence.\n\
         Faktaboksen har to setninger.,The fact box has two sentences.\nDette er den andre.,This is the second.\n",
    );
    if !soffice(&t, &["--convert-to", "docx", "--outdir", "corpus", "src/boks.fodt"]) {
        return;
    }
    let xml = zip_entry(&t.path().join("corpus/boks.docx"), "word/document.xml");
    assert!(xml.contains("<mc:Fallback>") && xml.matches("Dette er den andre.").count() == 2, "{xml}");
    let analysis: serde_json::Value =
        serde_json::from_str(&t.tolk(&["analyze", "--json"]).run().success().stdout).unwrap();
    assert_eq!(analysis["total"]["total"], serde_json::json!({"segments": 3, "words": 12}));
    assert_eq!(analysis["total"]["repetition"]["segments"], 0);
    t.tolk(&["build"]).run().success().stderr_contains("3 segments").stderr_contains("0 untranslated");
    let xml = zip_entry(&t.path().join("out/en/boks.docx"), "word/document.xml");
    assert_eq!(xml.matches("The fact box has two sentences. This is the second.").count(), 2, "{xml}");
    assert!(!xml.contains("Faktaboksen"), "{xml}");
}

/// Regression: the warning for a tag pair emptied in a translation said "(bold, a
/// link)" whatever the pair was; it names the formatting as the batch's tags column
/// does (italic, underline, a link).
#[test]
fn an_emptied_tag_pair_is_named_by_its_formatting() {
    let t = Project::empty();
    let styled = |props: &str, text: &str| {
        format!(
            r#"<w:r><w:rPr>{props}<w:lang w:val="nb-NO"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
        )
    };
    t.write(
        "corpus/sokker.docx",
        word_file(&format!(
            "<w:p>{}{}{}</w:p><w:p>{}{}{}</w:p>",
            run("Ha "),
            styled("<w:i/>", "alltid"),
            run(" med sokker."),
            run("Det er "),
            styled(r#"<w:u w:val="single"/>"#, "forbudt"),
            run(" å tenne bål."),
        )),
    )
    .write("memory/nb-en.csv", crate::util::EMPTY_MEMORY);
    let rows = [
        ("Ha {1}alltid{/1} med sokker.", "Always{1}{/1} bring socks."),
        ("Det er {1}forbudt{/1} å tenne bål.", "Fires{1}{/1} are banned."),
    ];
    let mut csv = String::from("id,source,target\n");
    for (source, target) in rows {
        csv.push_str(&format!("{},{source},{target}\n", tolk::text::SegmentId::of(source)));
    }
    t.write("back.csv", csv);
    t.tolk(&["import", "back.csv", "--dry-run"])
        .run()
        .success()
        .stderr_contains("the formatting around \"alltid\" (italic) in the source is now around nothing")
        .stderr_contains(
            "the formatting around \"forbudt\" (underlined) in the source is now around nothing",
        );
}

/// A Word document with a table of contents as Word writes it (each entry a link to
/// its heading's bookmark, a tab and a `PAGEREF` field), two headings, and a `TITLE`
/// field showing the document's title.
fn contents() -> Vec<u8> {
    let chars = |kind: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>"#);
    let code = |instruction: &str| {
        format!(r#"<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>"#)
    };
    let entry = |n: usize, text: &str| {
        format!(
            r#"<w:hyperlink w:anchor="_Toc{n}" w:history="1">{}<w:r><w:tab/></w:r>{}{}{}<w:r><w:t>{n}</w:t></w:r>{}</w:hyperlink>"#,
            run(text),
            chars("begin"),
            code(&format!(r"PAGEREF _Toc{n} \h")),
            chars("separate"),
            chars("end")
        )
    };
    let heading = |n: usize, text: &str| {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:outlineLvl w:val="0"/></w:pPr><w:bookmarkStart w:id="{n}" w:name="_Toc{n}"/>{}<w:bookmarkEnd w:id="{n}"/></w:p>"#,
            run(text)
        )
    };
    word_file(&format!(
        "<w:p>{}{}{}{}</w:p><w:p>{}{}</w:p>{}<w:p>{}</w:p>{}<w:p>{}{}{}{}{}{}</w:p>",
        chars("begin"),
        code(r#"TOC \o "1-3" \h \z \u"#),
        chars("separate"),
        entry(1, "Festivalsommeren 2026"),
        entry(2, "Praktisk informasjon"),
        chars("end"),
        heading(1, "Festivalsommeren 2026"),
        run("Norge har mange festivaler."),
        heading(2, "Praktisk informasjon"),
        run("Guiden heter "),
        chars("begin"),
        code("TITLE"),
        chars("separate"),
        run("Valget i Norge"),
        chars("end"),
    ))
}

/// Regression: a Word file's table of contents was never offered and its edition
/// showed the Norwegian entries, where the `.odt`'s were translated. An entry is its
/// heading's sentence (tab and page number left in the layout), so the edition's
/// contents are English, as LibreOffice shows them, and LibreOffice's `.odt` of the
/// same file gives the same segments; a field whose stored result stays Norwegian
/// (the title) is named by build.
#[test]
fn a_table_of_contents_is_translated_as_its_headings_are() {
    let t = Project::empty();
    t.write("corpus/festival.docx", contents()).write(
        "memory/nb-en.csv",
        "source,target\nFestivalsommeren 2026,Festival summer 2026\nPraktisk informasjon,Practical information\n\
         Norge har mange festivaler.,Norway has many festivals.\nGuiden heter,The guide is called\n\
         Valget i Norge,The Norwegian election\n",
    );
    let segments = "Festivalsommeren 2026\nPraktisk informasjon\nFestivalsommeren 2026\nNorge har mange \
                    festivaler.\nPraktisk informasjon\nGuiden heter\nValget i Norge\n";
    t.tolk(&["segment", "corpus/festival.docx"]).run().success().stdout_is(segments);
    t.tolk(&["build"]).run().success().stderr_contains(
        "warning: festival.docx: the edition keeps the Norwegian text Word stored for 1 field (paragraph 6: \
         document title, shows \"Valget i Norge\"); Word shows it until its fields are updated (select all, then \
         F9)",
    );
    let xml = zip_entry(&t.path().join("out/en/festival.docx"), "word/document.xml");
    assert!(!xml.contains("Festivalsommeren") && !xml.contains("Praktisk"), "{xml}");
    assert_eq!(xml.matches("PAGEREF").count(), 2, "{xml}");
    if !soffice(&t, &["--convert-to", "txt:Text", "--outdir", "lo", "out/en/festival.docx"]) {
        return;
    }
    let text = t.read("lo/festival.txt");
    assert_eq!(text.matches("Festival summer 2026").count(), 2, "{text}");
    assert!(!text.contains("Festivalsommeren") && !text.contains("Praktisk"), "{text}");
    // LibreOffice's .odt of the Word file: the same sentences.
    assert!(soffice(&t, &["--convert-to", "odt", "--outdir", "lo", "corpus/festival.docx"]));
    let odt = t.tolk(&["segment", "lo/festival.odt"]).run().success();
    for entry in ["Festivalsommeren 2026\nPraktisk informasjon\nFestivalsommeren 2026\n", "Guiden heter"] {
        assert!(odt.stdout.contains(entry), "{}", odt.stdout);
    }
}
