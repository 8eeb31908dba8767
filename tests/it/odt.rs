//! LibreOffice documents (.odt) with the real binary and real LibreOffice: the Lyse
//! Dialog interview as LibreOffice converted it from Word segments into its sentences,
//! with tags only where formatting falls inside a sentence; `--pseudo=identity` gives
//! the file back byte for byte; and the `--pseudo` edition opens in LibreOffice, which
//! shows the pseudo text (footer included), bold and italic on the same words, and the
//! language English. A cross-reference to a bookmarked word (in LibreOffice's
//! conversion of a Word file) shows the translated word in the edition's PDF; a
//! translation that puts a citation's or an index entry's end before its start is
//! refused; the words of a Word file's content controls, which LibreOffice keeps as
//! its own, are translated; and a quotation marked German is still German in the
//! editions of both formats.
//!
//! LibreOffice (`soffice`, Debian's libreoffice-writer-nogui, which `.ci/run` installs)
//! must be there in CI; elsewhere a missing one skips the LibreOffice part with a note.

use tolk::document::inline::strip;
use tolk::edition::pseudo;

use crate::util::{repo, soffice, zip_entry, Project};

const DOC: &str = "lyse-dialog-trine-vestre-oen.odt";

/// What `tolk segment` prints for it: the image's description, the caption, the
/// heading, the text, the footer and the document's title.
const SEGMENTS: &str = "\
Trine Vestre Øen er direktør for kundeservice i Lyse Dialog.
Trine Vestre Øen er direktør for kundeservice i Lyse Dialog.
Kundeservice og kjærlighet
God kundeservice handler om begeistring, og begeistring er en følelse.
Vi har møtt direktør for kundeservice i {1}Lyse Dialog{/1}, Trine Vestre Øen, til en samtale om hvordan de arbeider målrettet for å skape gode kundeopplevelser.
Med kjærlighet for kundene og for hverandre.
Hva er en god dag på jobben for deg?
Jeg synes måten dagen starter på er viktig.
Jeg elsker å komme inn på kundesenteret om morgenen.
Høre summingen, der er action, det skjer ting, og det gir meg en god boost på arbeidsdagen.
En god dag er samtalene med kolleger, og det er en dag hvor det har «kokt litt» på kundesenteret og vi har hjulpet mange kunder, forteller Øen engasjert.
Hva er den viktigste KPIén for deg?
Det er OKS (opplevd kundetilfredshet, red. kommentar).
Vi er her for kundene, så deres tilbakemelding er det aller viktigste måleparameteret.
Det gjør vondt i magen om kundene ikke er fornøyd.
Når det er sagt så er det i balanse mellom alle KPIéne det er optimalt å være.
Det er krevende å arbeide for å få et måltall «grønt», og så se at man lykkes med det, men så blir et annet måltall «rødt».
Det tok noe tid før jeg fant ut at alt måtte balanseres for å få en optimal utvikling, forklarer hun.
Hva gjør du for at flest mulig dager skal bli gode?
Jeg prøver alltid å starte dagen med å «resette».
Det som skjedde i går, får jeg ikke gjort noe med.
Mål og retning er viktig slik at alle vet hva de skal bidra med for å nå målene.
Jeg synes det er viktig å snakke om det vi gjør bra, for å forsterke effekten av det positive og bygge en stolthet i organisasjonen.
Jeg gjør meg også tilgjengelig for mine kolleger, og er en støttespiller i deres arbeid.
Ved å bruke verdiene våre; lagspiller, modig og ansvarlig i alt jeg og vi gjør blir dagene gode, forteller Øen ivrig.
Kjærlighet i kundeservice blir bare viktigere i årene som kommer.
Hva har kjærlighet med kundeservice å gjøre?
Det betyr alt.
Bransjen blir litt preget av standardisering og roboter.
Men alle kunder er forskjellige.
De har ulik bakgrunn og ulike behov.
Derfor er det viktig at våre ansatte behandler kundene unikt, og har fullmakt til å {1}«gå utenfor boksen»{/1}.
Vi skal ikke bruke manus, men ha kjærlighet til kundeservice og løse kundens problemer.
Dette må balanseres opp mot kostnader og effektivitet, men jeg mener det er avgjørende at medarbeideren i kundesenteret forstår når de skal gjøre noe ekstra for kundene.
I noen situasjoner er det sånn at vi må yte langt mer enn standard for å hjelpe kunden ut av en vanskelig situasjon.
Da må den enkelte ha innsikt, kjærlighet og kompetanse slik at vi tar de riktige beslutningene på riktig tidspunkt, oppsummerer Trine Vestre Øen.
Podcast |\u{a0}I samarbeid med CustomerTrends AS
Kundeservice og kjærlighet
Kundeservice og kjærlighet
";

/// A project whose corpus is the .odt, with an empty memory.
fn project() -> Project {
    let t = Project::empty();
    let source = repo().join("tests/data/documents").join(DOC);
    t.write(&format!("corpus/{DOC}"), std::fs::read(source).unwrap());
    t.write("memory/nb-en.csv", "source,target\n");
    t
}

/// `text` with ASCII letters accented as `--pseudo` accents them.
fn accented(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphabetic() { pseudo(&c.to_string()).chars().nth(1).unwrap() } else { c })
        .collect()
}

/// The bold (`b`) and italic (`i`) runs of LibreOffice's HTML export, in order: which,
/// and their text with white space collapsed, without the pseudo fill's brackets and
/// padding.
fn formatted(html: &str) -> Vec<(String, String)> {
    let runs = regex::Regex::new(r"(?s)<(b|i)>(.*?)</[bi]>").unwrap();
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    runs.captures_iter(html)
        .map(|c| {
            let text = tags.replace_all(&c[2], "").replace("&nbsp;", " ").replace(['[', ']', '~'], " ");
            (c[1].to_string(), text.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect()
}

#[test]
fn the_segments_are_its_sentences_with_tags_only_inside_sentences() {
    let t = project();
    t.tolk(&["segment", &format!("corpus/{DOC}")]).run().success().stdout_is(SEGMENTS);
}

#[test]
fn an_identity_edition_is_the_file_byte_for_byte() {
    let t = project();
    t.tolk(&["build", "--pseudo=identity"]).run().success();
    assert!(
        std::fs::read(t.path().join("out/pseudo").join(DOC)).unwrap()
            == std::fs::read(t.path().join("corpus").join(DOC)).unwrap(),
        "the identity edition differs from the source"
    );
}

#[test]
fn a_pseudo_edition_opens_in_libreoffice_with_the_pseudo_text_formatted_as_the_source() {
    let t = project();
    t.tolk(&["build", "--pseudo"]).run().success();
    let edition = t.path().join("out/pseudo").join(DOC);
    let footer = strip(&pseudo("Kundeservice og kjærlighet"));
    assert!(zip_entry(&edition, "styles.xml").contains(&format!(">{footer}<text:tab/>")));
    assert!(zip_entry(&edition, "meta.xml").contains("<dc:language>en-GB</dc:language>"));
    if !soffice(&t, &["--convert-to", "txt:Text", "--outdir", "txt", &format!("out/pseudo/{DOC}")]) {
        return;
    }
    let shown = t.read(&format!("txt/{}", DOC.replace(".odt", ".txt")));
    for sentence in SEGMENTS.lines() {
        let (source, translated) = (strip(sentence), strip(&pseudo(sentence)));
        assert!(shown.contains(&translated), "LibreOffice does not show {translated:?}:\n{shown}");
        assert!(!shown.contains(&source), "LibreOffice still shows {source:?}:\n{shown}");
    }
    // The same words bold and italic as in the source, in LibreOffice's HTML of each.
    let html = |from: &str, dir: &str| {
        assert!(soffice(&t, &["--convert-to", "html", "--outdir", dir, &format!("{from}/{DOC}")]));
        t.read(&format!("{dir}/{}", DOC.replace(".odt", ".html")))
    };
    let (source, edition) = (html("corpus", "html-source"), html("out/pseudo", "html-edition"));
    let expected: Vec<(String, String)> =
        formatted(&source).into_iter().map(|(which, text)| (which, accented(&text))).collect();
    assert!(expected.iter().filter(|(which, _)| which == "b").count() >= 6, "{expected:?}");
    assert_eq!(formatted(&edition), expected);
    assert!(
        source.contains("lang=\"nb-NO\"") && !edition.contains("nb-NO") && edition.contains("lang=\"en-GB\"")
    );
}

#[test]
fn a_reference_to_a_bookmarked_word_shows_the_translated_word() {
    // LibreOffice's conversion of a Word file: the bookmark stands between the spans
    // of the heading's words, the reference is a `text:bookmark-ref`.
    let t = Project::empty();
    t.write("src/valg.docx", crate::docx::reference()).write(
        "memory/nb-en.csv",
        "source,target\nHøy {1}pris{/1} i dag,A high {1}price{/1} today\n\
         Se kapittelet {1}pris{/1} over.,See the chapter {1}price{/1} above.\nValget i Norge,The election in Norway\n",
    );
    if !soffice(&t, &["--convert-to", "odt", "--outdir", "corpus", "src/valg.docx"]) {
        return;
    }
    let content = zip_entry(&t.path().join("corpus/valg.odt"), "content.xml");
    assert!(content.contains(r#"<text:bookmark-start text:name="_Ref1"/><text:span"#), "{content}");
    t.tolk(&["segment", "corpus/valg.odt"])
        .run()
        .success()
        .stdout_is("Høy {1}pris{/1} i dag\nSe kapittelet {1}pris{/1} over.\nValget i Norge\n");
    t.tolk(&["build"]).run().success().stderr_contains("0 untranslated");
    // The words the reference stores, which a reader of the file as stored shows, are
    // English too (LibreOffice computes them again as it lays the pages out).
    let edition = zip_entry(&t.path().join("out/en/valg.odt"), "content.xml");
    assert!(edition.contains(">price</text:bookmark-ref>") && !edition.contains(">pris<"), "{edition}");
    assert!(soffice(&t, &["--convert-to", "pdf", "--outdir", "lo", "out/en/valg.odt"]));
    let Some(pdf) = crate::docx::pdf_text(&t, "lo/valg.pdf") else { return };
    assert!(pdf.contains("A high price today") && pdf.contains("See the chapter price above."), "{pdf}");
    assert!(!pdf.contains("Error: Reference source not found"), "{pdf}");
}

/// A flat OpenDocument text LibreOffice converts into the `.odt` it writes: a citation
/// (a Zotero field mark), an index entry and a reference mark on words, and a
/// cross-reference to the reference mark.
const MARKED: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:field="urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>"#,
    r#"<text:p>Dette er godt dokumentert <field:fieldmark-start text:name="Z1" field:type="vnd.oasis.opendocument.field.UNHANDLED"><field:param field:name="vnd.oasis.opendocument.field.code" field:value="ADDIN ZOTERO_ITEM CSL_CITATION {}"/></field:fieldmark-start><field:fieldmark-separator/>(Hansen 2020, s. 14)<field:fieldmark-end/>.</text:p>"#,
    r#"<text:p>Han bor i <text:alphabetical-index-mark-start text:id="I1"/>Henningsvær<text:alphabetical-index-mark-end text:id="I1"/> og jobber i <text:reference-mark-start text:name="r1"/>Svolvær<text:reference-mark-end text:name="r1"/>.</text:p>"#,
    r#"<text:p>Se <text:reference-ref text:reference-format="text" text:ref-name="r1">Svolvær</text:reference-ref>.</text:p>"#,
    r#"</office:text></office:body></office:document>"#,
);

/// Marked ranges are pairs: a translation that puts one's end before its start (an
/// `.odt` LibreOffice would not open) is refused, naming the row and the tag, and the
/// edition of one that moves them whole opens in LibreOffice with the English words,
/// the reference showing its mark's.
#[test]
fn a_marked_ranges_tags_cannot_be_put_out_of_order() {
    let t = Project::empty();
    t.write("src/kilde.fodt", MARKED);
    if !soffice(&t, &["--convert-to", "odt", "--outdir", "corpus", "src/kilde.fodt"]) {
        return;
    }
    let content = zip_entry(&t.path().join("corpus/kilde.odt"), "content.xml");
    assert!(
        content.contains("<field:fieldmark-separator/>(Hansen")
            && content.contains("<text:alphabetical-index-mark-start "),
        "{content}"
    );
    t.tolk(&["segment", "corpus/kilde.odt"]).run().success().stdout_is(
        "Dette er godt dokumentert {1}(Hansen 2020, s. 14){/1}.\n\
         Han bor i {1}Henningsvær{/1} og jobber i {2}Svolvær{/2}.\nSe {1}Svolvær{/1}.\n",
    );
    t.tolk(&["export", "-o", "b.csv"]).run().success();
    let batch = |targets: [&str; 3]| {
        let rows = crate::util::csv_rows(t.read("b.csv").as_bytes(), b',');
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(["id", "source", "target"]).unwrap();
        for (row, target) in rows.iter().zip(targets) {
            out.write_record([&row["id"], &row["source"], target]).unwrap();
        }
        out.into_inner().unwrap()
    };
    t.write(
        "swapped.csv",
        batch([
            "This is well documented {/1}(Hansen 2020: 14){1}.",
            "He lives in {1}Henningsvær{/1} and works in {2}Svolvær{/2}.",
            "See {1}Svolvær{/1}.",
        ]),
    );
    t.tolk(&["import", "swapped.csv"])
        .run()
        .failure()
        .stderr_contains("swapped.csv: row 2, column target")
        .stderr_contains("the tag {/1} is out of order");
    t.write(
        "done.csv",
        batch([
            "{1}(Hansen 2020: 14){/1} documents this well.",
            "He works in {2}Svolvær{/2} and lives in {1}Henningsvær{/1}.",
            "See {1}Svolvær{/1}.",
        ]),
    );
    t.tolk(&["import", "done.csv"]).run().success();
    t.tolk(&["build"]).run().success().stderr_contains("0 untranslated");
    assert!(soffice(&t, &["--convert-to", "txt:Text", "--outdir", "txt", "out/en/kilde.odt"]));
    let shown = t.read("txt/kilde.txt");
    assert!(shown.contains("(Hansen 2020: 14) documents this well."), "{shown}");
    assert!(shown.contains("He works in Svolvær and lives in Henningsvær."), "{shown}");
}

#[test]
fn a_content_controls_words_are_translated_in_libreoffices_conversion_of_a_word_file() {
    // Word's content controls (`w:sdt`), inline and over a whole paragraph, which
    // LibreOffice keeps as its own (`loext:content-control`).
    let t = Project::empty();
    let run = |text: &str| format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#);
    let control = |text: &str| format!("<w:sdt><w:sdtPr/><w:sdtContent>{}</w:sdtContent></w:sdt>", run(text));
    let body = format!(
        "<w:p>{}{}{}</w:p><w:p>{}</w:p>",
        run("Navnet hans er "),
        control("Arne Johansen"),
        run(", og han bor i Henningsvær."),
        control("Hele denne setningen står i en kontroll."),
    );
    t.write("src/kontroll.docx", crate::docx::word_file(&body)).write(
        "memory/nb-en.csv",
        "source,target\n\
         \"Navnet hans er {1}Arne Johansen{/1}, og han bor i Henningsvær.\",\"His name is {1}Arne Johansen{/1}, and he lives in Henningsvær.\"\n\
         Hele denne setningen står i en kontroll.,This whole sentence is in a control.\n\
         Valget i Norge,The election in Norway\n",
    );
    if !soffice(&t, &["--convert-to", "odt", "--outdir", "corpus", "src/kontroll.docx"]) {
        return;
    }
    let content = zip_entry(&t.path().join("corpus/kontroll.odt"), "content.xml");
    assert!(content.contains("<loext:content-control>Hele denne"), "{content}");
    t.tolk(&["segment", "corpus/kontroll.odt"]).run().success().stdout_is(
        "Navnet hans er {1}Arne Johansen{/1}, og han bor i Henningsvær.\n\
         Hele denne setningen står i en kontroll.\nValget i Norge\n",
    );
    t.tolk(&["build"]).run().success().stderr_contains("0 untranslated");
    assert!(soffice(&t, &["--convert-to", "txt:Text", "--outdir", "txt", "out/en/kontroll.odt"]));
    let shown = t.read("txt/kontroll.txt");
    assert!(shown.contains("His name is Arne Johansen, and he lives in Henningsvær."), "{shown}");
    assert!(shown.contains("This whole sentence is in a control.") && !shown.contains("Hele"), "{shown}");
}

/// A paragraph with a quotation marked German, as LibreOffice writes it.
const QUOTATION: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">"#,
    r#"<office:styles><style:default-style style:family="paragraph"><style:text-properties fo:language="nb" fo:country="NO"/></style:default-style></office:styles>"#,
    r#"<office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties fo:language="de" fo:country="DE"/></style:style></office:automatic-styles>"#,
    r#"<office:body><office:text><text:p>Han sa «<text:span text:style-name="T1">Ich bin ein Berliner</text:span>» på tysk.</text:p></office:text></office:body></office:document>"#,
);

#[test]
fn a_quotation_in_another_language_keeps_its_language_in_the_edition() {
    let t = Project::empty();
    t.write("src/sitat.fodt", QUOTATION).write(
        "memory/nb-en.csv",
        "source,target\nHan sa «{1}Ich bin ein Berliner{/1}» på tysk.,He said “{1}Ich bin ein Berliner{/1}” in German.\n",
    );
    for format in ["odt", "docx"] {
        if !soffice(&t, &["--convert-to", format, "--outdir", "corpus", "src/sitat.fodt"]) {
            return;
        }
    }
    t.tolk(&["segment", "corpus"]).run().success().stdout_is(
        "Han sa «{1}Ich bin ein Berliner{/1}» på tysk.\nHan sa «{1}Ich bin ein Berliner{/1}» på tysk.\n",
    );
    t.tolk(&["build"]).run().success().stderr_contains("0 untranslated");
    for name in ["sitat.docx", "sitat.odt"] {
        assert!(soffice(
            &t,
            &["--convert-to", "html", "--outdir", &format!("html/{name}"), &format!("out/en/{name}")]
        ));
        let html = t.read(&format!("html/{name}/sitat.html"));
        assert!(html.contains(r#"lang="de-DE">Ich bin ein Berliner"#), "{name}: {html}");
        assert!(html.contains("He said") && !html.contains("nb-NO"), "{name}: {html}");
    }
}
