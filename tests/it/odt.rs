//! LibreOffice documents (.odt) with the real binary and real LibreOffice: the Lyse
//! Dialog interview as LibreOffice converted it from Word segments into its sentences,
//! with tags only where formatting falls inside a sentence; `--pseudo=identity` gives
//! the file back byte for byte; and the `--pseudo` edition opens in LibreOffice, which
//! shows the pseudo text (footer included), bold and italic on the same words, and the
//! language English. A cross-reference to a bookmarked heading (in LibreOffice's
//! conversion of a Word file) shows the translated heading in the edition's PDF, and
//! the words of a Word file's content controls, which LibreOffice keeps as its own, are
//! translated.
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
fn a_reference_to_a_bookmarked_heading_shows_the_translated_heading() {
    // LibreOffice's conversion of a Word file: the bookmark stands between the spans
    // of the heading's words, the reference is a `text:bookmark-ref`.
    let t = Project::empty();
    t.write("src/valg.docx", crate::docx::reference());
    if !soffice(&t, &["--convert-to", "odt", "--outdir", "corpus", "src/valg.docx"]) {
        return;
    }
    let content = zip_entry(&t.path().join("corpus/valg.odt"), "content.xml");
    assert!(content.contains(r#"<text:bookmark-start text:name="_Ref1"/><text:span"#), "{content}");
    t.tolk(&["segment", "corpus/valg.odt"])
        .run()
        .success()
        .stdout_is("Høy pris i dag\nSe kapittelet {1/} over.\nValget i Norge\n");
    t.tolk(&["build", "--pseudo"]).run().success();
    assert!(soffice(&t, &["--convert-to", "pdf", "--outdir", "lo", "out/pseudo/valg.odt"]));
    let Some(pdf) = crate::docx::pdf_text(&t, "lo/valg.pdf") else { return };
    let heading = pseudo("Høy pris i dag");
    assert_eq!(pdf.matches(heading.as_str()).count(), 2, "the reference does not show the heading:\n{pdf}");
    assert!(!pdf.contains("Error: Reference source not found"), "{pdf}");
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
