//! Tests of the Word format: the segments of small documents shaped as Word writes
//! them, identity, a translated document's exact XML, and hostile input.

use std::borrow::Cow;
use std::io::{Cursor, Read as _, Write as _};

use proptest::prelude::*;

use super::*;
use crate::document::inline;

const ROOT: &str = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">"#;

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";

/// `word/document.xml` with `body` in its `w:body`.
fn document(body: &str) -> String {
    format!("{DECLARATION}{ROOT}<w:body>{body}<w:sectPr/></w:body></w:document>")
}

/// A story part (footnotes, a footer) whose root is `root` holding `inner`.
fn story(root: &str, inner: &str) -> String {
    let open = ROOT.replacen("w:document", root, 1);
    format!("{DECLARATION}{open}{inner}</{root}>")
}

const STYLES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n",
    r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="nb-NO" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault></w:docDefaults></w:styles>"#
);

/// A zip package of `entries`, deflated, as Word stores them.
fn package(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A Word document whose body is `body`, with styles.
fn docx(body: &str) -> Vec<u8> {
    package(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", &document(body)),
        ("word/styles.xml", STYLES),
    ])
}

fn read(bytes: &[u8]) -> Result<Document> {
    Docx.read(&mut &bytes[..], Path::new("corpus/t.docx"), &Segmenter::default(), &Default::default())
}

fn texts(d: &Document) -> Vec<&str> {
    d.segments.iter().map(|s| s.text.as_str()).collect()
}

#[track_caller]
fn check(body: &str, expected: &[&str]) {
    let d = read(&docx(body)).unwrap();
    assert_eq!(texts(&d), expected, "{body}");
    assert_eq!(d.rebuild(|_| None).unwrap(), docx(body));
}

/// The entry `name` of the package `bytes`.
fn entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// A run with Word's leftovers: rsids and a language.
fn r(props: &str, text: &str) -> String {
    format!(
        r#"<w:r w:rsidR="00A1" w:rsidRPr="00B2"><w:rPr>{props}<w:lang w:val="nb-NO"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
    )
}

fn p(inner: &str) -> String {
    format!(
        r#"<w:p w:rsidR="00C3" w:rsidRDefault="00C3"><w:pPr><w:rPr><w:lang w:val="nb-NO"/></w:rPr></w:pPr>{inner}</w:p>"#
    )
}

#[test]
fn runs_that_differ_only_in_what_is_not_seen_are_one_text() {
    let body = p(&[
        r#"<w:bookmarkStart w:id="0" w:name="_Toc1"/>"#.to_string(),
        r("", "Jeg elsker å komme inn på kundesenteret om morg"),
        r("<w:noProof/>", "enen. Høre "),
        r#"<w:proofErr w:type="spellStart"/>"#.into(),
        r("", "summingen"),
        r#"<w:proofErr w:type="spellEnd"/><w:bookmarkStart w:id="1" w:name="_GoBack"/><w:bookmarkEnd w:id="1"/>"#.into(),
        r#"<w:r><w:rPr><w:lang w:val="nb-NO"/></w:rPr><w:lastRenderedPageBreak/><w:t>, der er action.</w:t></w:r>"#.into(),
        r#"<w:bookmarkEnd w:id="0"/>"#.into(),
    ]
    .concat());
    check(&body, &["Jeg elsker å komme inn på kundesenteret om morgenen.", "Høre summingen, der er action."]);
}

#[test]
fn formatting_inside_a_sentence_is_a_pair_and_around_it_is_left_out() {
    let bold = "<w:b/><w:bCs/>";
    // A bold paragraph with a link on two words: the link is the only tag.
    let intro = p(&[
        r(bold, "Vi har møtt "),
        r#"<w:hyperlink r:id="rId5" w:history="1">"#.into(),
        r(&format!(r#"<w:rStyle w:val="Hyperlink"/>{bold}"#), "Lyse Dialog"),
        "</w:hyperlink>".into(),
        r(bold, ". Med kjærlighet."),
    ]
    .concat());
    check(&intro, &["Vi har møtt {1}Lyse Dialog{/1}.", "Med kjærlighet."]);
    // A link over most of a plain paragraph: the words around it are plain, no pair,
    // and translated words outside its tags are written plain, not with its look.
    let link = r#"<w:rStyle w:val="Hyperlink"/>"#;
    let most = p(&[
        r("", "Les "),
        r#"<w:hyperlink r:id="rId5" w:history="1">"#.into(),
        r(link, "intervjuet med redaktøren om "),
        r(&format!("{link}<w:i/>"), "Lyse Dialog"),
        "</w:hyperlink>".into(),
        r("", " i dag."),
    ]
    .concat());
    check(&most, &["Les {1}intervjuet med redaktøren om {2}Lyse Dialog{/2}{/1} i dag."]);
    let d = read(&docx(&most)).unwrap();
    let out = d
        .rebuild(|_| Some(Cow::Borrowed("Read {1}the interview about {2}Lyse Dialog{/2}{/1} today.")))
        .unwrap();
    let xml = entry(&out, "word/document.xml");
    let run = |props: &str, t: &str| format!(r#"<w:r>{props}<w:t xml:space="preserve">{t}</w:t></w:r>"#);
    let expected = [
        run("", "Read "),
        r#"<w:hyperlink r:id="rId5" w:history="1">"#.into(),
        run(&format!("<w:rPr>{link}</w:rPr>"), "the interview about "),
        run(&format!("<w:rPr>{link}<w:i/></w:rPr>"), "Lyse Dialog"),
        "</w:hyperlink>".into(),
        run("", " today."),
    ]
    .concat();
    assert!(xml.contains(&expected), "{xml}");
    // A paragraph made of content controls: their text is the paragraph's own, so its
    // look is theirs, and words outside the tags are written with it.
    let sdt = |text: &str| {
        format!(
            r#"<w:sdt><w:sdtPr><w:id w:val="7"/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>"#,
            r("<w:b/>", text)
        )
    };
    let controls = p(&[sdt("Hei alle "), sdt("sammen.")].concat());
    check(&controls, &["{1}Hei alle {/1}{2}sammen.{/2}"]);
    let d = read(&docx(&controls)).unwrap();
    let out = d.rebuild(|_| Some(Cow::Borrowed("Hi {1}there, {/1}{2}everyone.{/2} Extra."))).unwrap();
    let xml = entry(&out, "word/document.xml");
    assert!(xml.contains(&run("<w:rPr><w:b/></w:rPr>", " Extra.")), "{xml}");
    assert!(!xml.contains(&run("", " Extra.")), "{xml}");
    // Italic inside; bold from a word to the end of the next sentence.
    let answer =
        p(&[r("", "Å "), r("<w:i/>", "«gå utenfor»"), r("", ". Ja, "), r(bold, "nå. Helt."), r("", " Nei.")]
            .concat());
    check(&answer, &["Å {1}«gå utenfor»{/1}.", "Ja, {1}nå.{/1}", "Helt.", "Nei."]);
}

#[test]
fn tabs_breaks_notes_fields_and_hidden_text_are_lone_codes() {
    let tab = r#"<w:r><w:rPr><w:lang w:val="nb-NO"/></w:rPr><w:tab/></w:r>"#;
    let field = concat!(
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>"#,
        r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
    );
    let note =
        r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>"#;
    let body = [
        // What stands before the first text and after the last is no part of the block.
        p(&format!("{tab}{}{tab}{tab}{field}", r("", "Kundeservice og kjærlighet"))),
        p(&format!(
            "{}{field}{}{note}<w:bookmarkEnd w:id=\"3\"/>",
            r("", "Side "),
            r("", " av to. Ja.")
        )),
        p(&[r("", "En"), "<w:r><w:br/><w:t>linje.</w:t></w:r>".into()].concat()),
        p(&[r("", "Synlig"), r("<w:vanish/>", " skjult"), r("", " tekst.")].concat()),
        p(r#"<w:r><w:t>Pil </w:t><w:sym w:font="Wingdings" w:char="F0E0"/><w:t xml:space="preserve"> og {1} her.</w:t></w:r>"#),
    ]
    .concat();
    check(
        &body,
        &[
            "Kundeservice og kjærlighet",
            "Side {1/} av to.",
            "Ja.{1/}",
            "En {1/}linje.",
            "Synlig{1/} tekst.",
            "Pil {1/} og {2/} her.",
        ],
    );
}

/// A tab, a line break or a comment's anchor after a paragraph's last words (or
/// before its first) is layout whether it has a run of its own or shares the words'
/// run (as python-docx and LibreOffice write it), inside a link too; a footnote
/// reference stays its sentence's. A translation keeps the layout where it was.
#[test]
fn a_tab_break_or_comment_anchor_at_an_edge_stays_outside_the_sentence_whatever_run_it_is_in() {
    let comment =
        r#"<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/></w:r>"#;
    let note = r#"<w:footnoteReference w:id="1"/>"#;
    let body = [
        p(r#"<w:r><w:t>Foto: Per Fotograf</w:t><w:tab/></w:r>"#),
        p(r#"<w:r><w:t>Foto: Kari Fotograf</w:t></w:r><w:r><w:tab/></w:r>"#),
        p(r#"<w:r><w:tab/><w:t>Innrykket tekst.</w:t><w:br/></w:r>"#),
        p(&format!("{}{comment}", r("", "Køen står ut på fortauet."))),
        p(&format!(r#"<w:r><w:t>Ja.</w:t>{note}<w:tab/></w:r>"#)),
        p(r#"<w:hyperlink w:anchor="a"><w:r><w:t>Moldejazz</w:t><w:tab/><w:t>2</w:t></w:r></w:hyperlink>"#),
        p(r#"<w:hyperlink w:anchor="b"><w:r><w:t>Praktisk informasjon</w:t><w:tab/></w:r></w:hyperlink>"#),
    ]
    .concat();
    check(
        &body,
        &[
            "Foto: Per Fotograf",
            "Foto: Kari Fotograf",
            "Innrykket tekst.",
            "Køen står ut på fortauet.",
            "Ja.{1/}",
            "Moldejazz{1/}2",
            "Praktisk informasjon",
        ],
    );
    let d = read(&docx(&body)).unwrap();
    let out = d
        .rebuild(|s| {
            Some(Cow::Owned(
                s.text
                    .replace("Foto:", "Photo:")
                    .replace("Praktisk", "Practical")
                    .replace("Køen", "The queue"),
            ))
        })
        .unwrap();
    let xml = entry(&out, "word/document.xml");
    assert!(
        xml.contains(r#"<w:t xml:space="preserve">Photo: Per Fotograf</w:t></w:r><w:r><w:tab/></w:r></w:p>"#),
        "{xml}"
    );
    assert!(xml.contains(r#"<w:hyperlink w:anchor="b"><w:r><w:t xml:space="preserve">Practical informasjon</w:t></w:r><w:r><w:tab/></w:r></w:hyperlink>"#), "{xml}");
    assert!(xml.contains(&format!("fortauet.</w:t></w:r>{comment}")), "{xml}");
}

#[test]
fn tables_notes_headers_footers_text_boxes_and_image_descriptions_are_read_in_order() {
    let cell = |t: &str| format!("<w:tc><w:tcPr/>{}</w:tc>", p(&r("", t)));
    let text_box = format!(
        r#"<w:r><w:drawing><wp:anchor><wp:docPr id="2" name="Tekstboks 2"/><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></wp:anchor></w:drawing></w:r>"#,
        p(&r("", "I boksen."))
    );
    let image = r#"<w:r><w:drawing><wp:inline><wp:docPr id="1" name="Bilde 1" descr="Et bilde &amp; en {1}."/></wp:inline></w:drawing></w:r>"#;
    let body = [
        p(&format!("{}{text_box}{}", r("", "Før boksen."), r("", " Etter."))),
        format!("<w:tbl><w:tr>{}{}</w:tr></w:tbl>", cell("Celle en."), cell("Celle to.")),
        p(image),
    ]
    .concat();
    let notes = story(
        "w:footnotes",
        &format!(
            r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1">{}</w:footnote>"#,
            p(&format!(r#"<w:r><w:footnoteRef/></w:r>{}"#, r("", " Fotnoten."))),
        ),
    );
    let bytes = package(&[
        ("word/document.xml", &document(&body)),
        ("word/footer1.xml", &story("w:ftr", &p(&r("", "Bunntekst.")))),
        ("word/footnotes.xml", &notes),
        ("word/header1.xml", &story("w:hdr", &p(&r("", "Topptekst.")))),
        ("word/styles.xml", STYLES),
    ]);
    let d = read(&bytes).unwrap();
    assert_eq!(
        texts(&d),
        [
            "Før boksen.{1/}",
            "Etter.",
            "I boksen.",
            "Celle en.",
            "Celle to.",
            "Et bilde & en {1/}.",
            "Fotnoten.",
            "Topptekst.",
            "Bunntekst."
        ]
    );
    let places: Vec<usize> = d.segments.iter().map(|s| s.location.line).collect();
    assert_eq!(places, [1, 1, 2, 3, 4, 5, 7, 8, 9]);
    assert_eq!(d.rebuild(|_| None).unwrap(), bytes);
    // Every block is written again, the one inside another's code too.
    let out = d.rebuild(|s| Some(Cow::Owned(s.text.to_uppercase()))).unwrap();
    let xml = entry(&out, "word/document.xml");
    assert!(xml.contains(r#"descr="ET BILDE &amp; EN {1}.""#), "{xml}");
    assert!(xml.contains(r#"<w:t xml:space="preserve">I BOKSEN.</w:t>"#), "{xml}");
    assert!(xml.contains(r#"<w:t xml:space="preserve">FØR BOKSEN.</w:t></w:r><w:r><w:drawing>"#), "{xml}");
    assert!(entry(&out, "word/footnotes.xml").contains(" FOTNOTEN.<"));
    assert!(entry(&out, "word/footer1.xml").contains(">BUNNTEKST.<"));
    assert!(entry(&out, "word/header1.xml").contains(">TOPPTEKST.<"));
}

/// A text box as LibreOffice writes one: a drawing (`mc:Choice`) and its VML copy
/// (`mc:Fallback`), with a picture described in both. What the copy holds is counted
/// once, and written with the same translation in both.
#[test]
fn a_text_box_and_its_fallback_copy_are_one_text() {
    let inside = |id: u32| {
        p(&format!(
            r#"<w:r><w:drawing><wp:inline><wp:docPr id="{id}" name="Bilde1" descr="Båten ved kaia."></wp:docPr><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="{id}" name="Bilde1" descr="Båten ved kaia."></pic:cNvPr></pic:nvPicPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>{}"#,
            r("", "Faktaboksen har to setninger. Dette er den andre.")
        ))
    };
    let body = p(&format!(
        concat!(
            "{}",
            r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Boks"></wp:docPr><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"#,
            r#"<mc:Fallback><w:pict><v:rect><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:rect></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#,
        ),
        r("", "Brødteksten har én setning."),
        inside(2),
        inside(3)
    ));
    check(
        &body,
        &[
            "Brødteksten har én setning.",
            "Båten ved kaia.",
            "Faktaboksen har to setninger.",
            "Dette er den andre.",
        ],
    );
    let d = read(&docx(&body)).unwrap();
    let out = d.rebuild(|s| Some(Cow::Owned(s.text.to_uppercase()))).unwrap();
    let xml = entry(&out, "word/document.xml");
    assert_eq!(xml.matches(r#"descr="BÅTEN VED KAIA.""#).count(), 4, "{xml}");
    assert_eq!(xml.matches("FAKTABOKSEN HAR TO SETNINGER. DETTE ER DEN ANDRE.").count(), 2, "{xml}");
    assert!(!xml.contains("Båten") && !xml.contains("Faktaboksen"), "{xml}");
    // A copy that differs from what it copies is text of its own.
    let changed = body.replacen("Dette er den andre.", "Dette er den tredje.", 2);
    let changed = changed.replacen("Dette er den tredje.", "Dette er den andre.", 1);
    check(
        &changed,
        &[
            "Brødteksten har én setning.",
            "Båten ved kaia.",
            "Faktaboksen har to setninger.",
            "Dette er den andre.",
            "Dette er den tredje.",
        ],
    );
}

#[test]
fn a_translation_is_written_as_runs_and_the_language_becomes_english() {
    let body = p(&[
        r#"<w:bookmarkStart w:id="0" w:name="a"/>"#.to_string(),
        r("<w:b/>", "Hei"),
        r#"<w:bookmarkEnd w:id="0"/>"#.into(),
        r("", " på "),
        r#"<w:hyperlink r:id="rId1">"#.into(),
        r(r#"<w:rStyle w:val="Hyperlink"/>"#, "deg"),
        "</w:hyperlink>".into(),
        r("", " &amp; meg.\u{a0}Ja."),
    ]
    .concat());
    let bytes = package(&[
        ("word/document.xml", &document(&body)),
        ("word/styles.xml", STYLES),
        (
            "word/settings.xml",
            r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:themeFontLang w:val="nb-NO"/></w:settings>"#,
        ),
    ]);
    let d = read(&bytes).unwrap();
    assert_eq!(texts(&d), ["{1}Hei{/1} på {2}deg{/2} & meg.", "Ja."]);
    let out = d
        .rebuild(|s| match s.text.as_str() {
            "Ja." => None,
            _ => Some(Cow::Borrowed("{2}You{/2} <and> {1}me{/1}.\tYes")),
        })
        .unwrap();
    let run = |props: &str, t: &str| format!(r#"<w:r>{props}<w:t xml:space="preserve">{t}</w:t></w:r>"#);
    let expected = p(&[
        r#"<w:hyperlink r:id="rId1">"#.to_string(),
        run(r#"<w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr>"#, "You"),
        "</w:hyperlink>".into(),
        run("", " &lt;and&gt; "),
        // The bookmark on the bold word is the pair: it goes with the word.
        r#"<w:bookmarkStart w:id="0" w:name="a"/>"#.into(),
        run("<w:rPr><w:b/></w:rPr>", "me"),
        r#"<w:bookmarkEnd w:id="0"/>"#.into(),
        "<w:r><w:t xml:space=\"preserve\">.</w:t><w:tab/><w:t xml:space=\"preserve\">Yes\u{a0}Ja.</w:t></w:r>".into(),
    ]
    .concat())
    .replace("nb-NO", "en-GB");
    assert_eq!(entry(&out, "word/document.xml"), document(&expected));
    assert_eq!(entry(&out, "word/styles.xml"), STYLES.replace(r#"w:val="nb-NO""#, r#"w:val="en-GB""#));
    assert!(entry(&out, "word/settings.xml").contains(r#"<w:themeFontLang w:val="en-GB"/>"#));
}

/// A bookmark on words (the target of a cross-reference) is a pair around them, so
/// the translation places it and the reference shows the translated words, not the
/// paragraph; one that marks no words or reaches into another paragraph stays at the
/// edges of a paragraph written again; each mark is written once.
#[test]
fn a_bookmark_on_words_is_a_pair_and_other_marks_span_a_paragraph_written_again() {
    let start = |id: u32, name: &str| format!(r#"<w:bookmarkStart w:id="{id}" w:name="{name}"/>"#);
    let end = |id: u32| format!(r#"<w:bookmarkEnd w:id="{id}"/>"#);
    // A bookmark on a word of a heading, as LibreOffice writes one a REF field points
    // to, and one on a word of a paragraph of two sentences.
    let heading = p(&[r("", "Høy "), start(0, "_Ref1"), r("", "pris"), end(0), r("", " i dag")].concat());
    let words =
        p(&[r("", "Det er "), start(1, "merke1"), r("", "skremmende"), end(1), r("", ". Og mer.")].concat());
    // One over both sentences of a paragraph, a place (Word's _GoBack), and one that
    // ends in the next paragraph.
    let both = p(&[
        start(2, "begge"),
        r("", "Det er sant. "),
        start(3, "_GoBack"),
        end(3),
        r("", "Og mer."),
        end(2),
        start(4, "videre"),
        r("", " Slutt."),
    ]
    .concat());
    let next = p(&[r("", "Neste."), end(4)].concat());
    let body = [heading, words, both, next.clone()].concat();
    check(
        &body,
        &[
            "Høy {1}pris{/1} i dag",
            "Det er {1}skremmende{/1}.",
            "Og mer.",
            "Det er sant.",
            "Og mer.",
            "Slutt.",
            "Neste.",
        ],
    );
    let d = read(&docx(&body)).unwrap();
    let out = d
        .rebuild(|s| match (s.location.line, s.text.as_str()) {
            (1, _) => Some(Cow::Borrowed("{1}Price{/1} high today")),
            (2, "Det er {1}skremmende{/1}.") => Some(Cow::Borrowed("It is {1}frightening{/1}.")),
            (3, "Og mer.") => Some(Cow::Borrowed("And more.")),
            _ => None,
        })
        .unwrap();
    let run = |t: &str| format!(r#"<w:r><w:t xml:space="preserve">{t}</w:t></w:r>"#);
    let expected = [
        p(&[start(0, "_Ref1"), run("Price"), end(0), run(" high today")].concat()),
        p(&[run("It is "), start(1, "merke1"), run("frightening"), end(1), run(". Og mer.")].concat()),
        // Only one sentence is new: each mark is still written once, the place and the
        // bookmark going on in the next paragraph where the paragraph starts.
        p(&[
            start(3, "_GoBack"),
            start(4, "videre"),
            start(2, "begge"),
            run("Det er sant. And more."),
            end(2),
            run(" Slutt."),
            end(3),
        ]
        .concat()),
        next,
    ]
    .concat()
    .replace("nb-NO", "en-GB");
    assert_eq!(entry(&out, "word/document.xml"), document(&expected));
}

/// A bookmark around a field alone (a caption's number, as LibreOffice bookmarks it
/// for a cross-reference that shows "1") is a pair around the field, so the edition
/// keeps it there; at the paragraph's edges the reference would show the whole caption.
#[test]
fn a_bookmark_around_a_caption_number_stays_around_it() {
    let seq = concat!(
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> SEQ Figur \* ARABIC </w:instrText></w:r>"#,
        r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
    );
    let start = r#"<w:bookmarkStart w:id="2" w:name="Ref_Figur0_number_only"/>"#;
    let end = r#"<w:bookmarkEnd w:id="2"/>"#;
    let caption =
        p(&[r("", "Figur "), start.into(), seq.into(), end.into(), r("", ": Kokken på jobb.")].concat());
    // A bookmark around nothing (Word's _GoBack) is still no pair.
    let place = p(&[
        r("", "Han "),
        r#"<w:bookmarkStart w:id="3" w:name="_GoBack"/><w:bookmarkEnd w:id="3"/>"#.into(),
        r("", "kom."),
    ]
    .concat());
    let body = [caption, place].concat();
    check(&body, &["Figur {1}{2/}{/1}: Kokken på jobb.", "Han kom."]);
    let d = read(&docx(&body)).unwrap();
    let out = d
        .rebuild(|s| match s.location.line {
            1 => Some(Cow::Borrowed("Figure {1}{2/}{/1}: The chef at work.")),
            _ => None,
        })
        .unwrap();
    let xml = entry(&out, "word/document.xml");
    let run = |t: &str| format!(r#"<w:r><w:t xml:space="preserve">{t}</w:t></w:r>"#);
    let written = [run("Figure "), start.into(), seq.into(), end.into(), run(": The chef at work.")].concat();
    assert!(xml.contains(&written), "{xml}");
}

/// Words marked in another language than Norwegian or English (a quotation in German)
/// are a pair that keeps its mark in the edition; a Norwegian or English mark is no
/// tag and becomes the edition's.
#[test]
fn a_quotation_in_another_language_keeps_its_language() {
    let body = p(&[
        r("", "Han sa «"),
        r(r#"<w:lang w:val="de-DE"/>"#, "Ich bin ein Berliner").replace(r#"<w:lang w:val="nb-NO"/>"#, ""),
        r("", "» på "),
        r("", "tysk.").replace("nb-NO", "en-US"),
    ]
    .concat());
    check(&body, &["Han sa «{1}Ich bin ein Berliner{/1}» på tysk."]);
    let d = read(&docx(&body)).unwrap();
    let out = d.rebuild(|_| Some(Cow::Borrowed("He said “{1}Ich bin ein Berliner{/1}” in German."))).unwrap();
    let run = |props: &str, t: &str| format!(r#"<w:r>{props}<w:t xml:space="preserve">{t}</w:t></w:r>"#);
    let expected = p(&[
        run("", "He said “"),
        run(r#"<w:rPr><w:lang w:val="de-DE"/></w:rPr>"#, "Ich bin ein Berliner"),
        run("", "” in German."),
    ]
    .concat())
    .replace("nb-NO", "en-GB");
    assert_eq!(entry(&out, "word/document.xml"), document(&expected));
}

#[test]
fn a_line_break_parts_sentences_with_a_space_before_it() {
    let body = p(&[
        r("", "Hei."),
        "<w:r><w:br/></w:r>".into(),
        r("", "Hvem er du? Han sa:"),
        "<w:r><w:br/></w:r>".into(),
        r("", "– Vi skal vinne."),
    ]
    .concat());
    check(&body, &["Hei.", "Hvem er du?", "Han sa: {1/}– Vi skal vinne."]);
}

#[test]
fn the_document_properties_and_a_pictures_own_description_are_translated() {
    let core = concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n",
        r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">"#,
        r#"<dc:title>Albania &amp; Kroatia i NATO</dc:title><dc:subject>Utvidelse</dc:subject><dc:creator>Kari</dc:creator>"#,
        r#"<dc:description></dc:description><dc:language>nb-NO</dc:language><cp:keywords>nato</cp:keywords></cp:coreProperties>"#
    );
    let image = concat!(
        r#"<w:r><w:drawing><wp:inline><wp:docPr id="1" name="Bilde 1" descr="Et flagg."/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">"#,
        r#"<a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>"#,
        r#"<pic:cNvPr id="1" name="Bilde 1" descr="Et flagg." title="Flagget"/><pic:cNvPicPr/></pic:nvPicPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
    );
    let bytes = package(&[
        ("word/document.xml", &document(&[p(&r("", "Tekst.")), p(image)].concat())),
        ("docProps/core.xml", core),
    ]);
    let d = read(&bytes).unwrap();
    // The picture's own description, the drawing's again, is one segment with it.
    assert_eq!(
        texts(&d),
        ["Tekst.", "Et flagg.", "Flagget", "Albania & Kroatia i NATO", "Utvidelse", "nato"]
    );
    let places: Vec<usize> = d.segments.iter().map(|s| s.location.line).collect();
    assert_eq!(places, [1, 2, 2, 3, 3, 3]);
    assert_eq!(d.rebuild(|_| None).unwrap(), bytes);
    let out = d.rebuild(|s| Some(Cow::Owned(s.text.to_uppercase()))).unwrap();
    let xml = entry(&out, "word/document.xml");
    assert!(xml.contains(r#"<wp:docPr id="1" name="Bilde 1" descr="ET FLAGG."/>"#), "{xml}");
    assert!(xml.contains(r#"<pic:cNvPr id="1" name="Bilde 1" descr="ET FLAGG." title="FLAGGET"/>"#), "{xml}");
    assert_eq!(
        entry(&out, "docProps/core.xml"),
        core.replace("Albania &amp; Kroatia i NATO", "ALBANIA &amp; KROATIA I NATO")
            .replace("Utvidelse", "UTVIDELSE")
            .replace(">nato<", ">NATO<")
            .replace("nb-NO", "en-GB")
    );
}

#[test]
fn a_block_never_ends_inside_a_smart_tag() {
    let body = p(&[
        r#"<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place"><w:smartTagPr/>"#
            .to_string(),
        r("", "Stavanger"),
        "</w:smartTag>".into(),
        r("", " er fin."),
    ]
    .concat());
    check(&body, &["Stavanger er fin."]);
    let d = read(&docx(&body)).unwrap();
    let out = entry(&d.rebuild(|_| Some(Cow::Borrowed("Stavanger is nice."))).unwrap(), "word/document.xml");
    let expected =
        p(r#"<w:r><w:t xml:space="preserve">Stavanger is nice.</w:t></w:r>"#).replace("nb-NO", "en-GB");
    assert_eq!(out, document(&expected));
}

#[test]
fn an_index_entry_whose_result_is_its_word_keeps_the_word_as_text() {
    // As LibreOffice writes a word marked for the index: the word is the field's result.
    let field = |instruction: &str| {
        format!(
            r#"<w:p><w:r><w:t xml:space="preserve">Han ble valgt til </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>statsminister</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> i 1965.</w:t></w:r></w:p>"#
        )
    };
    // A pair, as the `.odt`'s index mark is: its code cannot be put after its end.
    check(&field(r#" XE "statsminister" "#), &["Han ble valgt til {1}statsminister{/1} i 1965."]);
    let d = read(&docx(&field(r#" XE "statsminister" "#))).unwrap();
    let out = d.rebuild(|_| Some("He became {1}prime minister{/1} in 1965.".into())).unwrap();
    let xml = entry(&out, "word/document.xml");
    assert!(
        xml.contains(concat!(
            r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve">prime minister</w:t></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#
        )),
        "{xml}"
    );
    assert!(xml.contains(r#"XE "statsminister""#) && !xml.contains(">statsminister<"), "{xml}");
    // Any other field's result is what the field computes, no text.
    check(&field(" PAGE "), &["Han ble valgt til {1/} i 1965."]);
}

/// A complex field: its begin, its code `instruction`, its separator, its result
/// `result` and its end, each in runs of their own, as Word writes them.
fn field(instruction: &str, result: &str) -> String {
    let char = |kind: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>"#);
    format!(
        r#"{}<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>{}{result}{}"#,
        char("begin"),
        char("separate"),
        char("end")
    )
}

#[test]
fn a_links_or_a_references_field_result_is_text_inside_a_pair() {
    let link = r#"<w:rStyle w:val="Hyperlink"/>"#;
    let linked = |instruction: &str, result: &str| {
        p(&format!("{}{}{}", r("", "Les hele "), field(instruction, result), r("", " på nettet.")))
    };
    // A HYPERLINK field's words are a pair as a `w:hyperlink`'s are, formatting inside
    // it included, and a bookmark of a place and proofing marks between its runs are
    // no tags.
    let words = format!(
        r#"{}<w:proofErr w:type="spellStart"/>{}<w:proofErr w:type="spellEnd"/><w:bookmarkStart w:id="5" w:name="_GoBack"/><w:bookmarkEnd w:id="5"/>{}"#,
        r(link, "anmeldelsen "),
        r(&format!("{link}<w:b/>"), "av"),
        r(link, " boken")
    );
    let hyperlink = linked(r#" HYPERLINK "https://nordlys.example/anmeldelser" "#, &words);
    check(&hyperlink, &["Les hele {1}anmeldelsen {2}av{/2} boken{/1} på nettet."]);
    let as_element = p(&format!(
        r#"{}<w:hyperlink r:id="rId1">{words}</w:hyperlink>{}"#,
        r("", "Les hele "),
        r("", " på nettet.")
    ));
    check(&as_element, &["Les hele {1}anmeldelsen {2}av{/2} boken{/1} på nettet."]);
    // Any case, a bookmark's link (`\l`), a simple field, and a cross-reference.
    let one = r(link, "anmeldelsen");
    for instruction in [r#"hyperlink "https://n.example""#, r#" HYPERLINK \l "_Toc1" "#, r#" REF _Ref1 \h "#]
    {
        check(&linked(instruction, &one), &["Les hele {1}anmeldelsen{/1} på nettet."]);
    }
    let simple = p(&format!(
        r#"{}<w:fldSimple w:instr=" HYPERLINK &quot;https://n.example&quot; ">{one}</w:fldSimple>{}"#,
        r("", "Les hele "),
        r("", " på nettet.")
    ));
    check(&simple, &["Les hele {1}anmeldelsen{/1} på nettet."]);
    // What a field computes stays one code: a page number or reference, a date, a
    // sequence number, a link whose result holds another field, or no text.
    for (instruction, result) in [
        (" PAGE ", r("", "3")),
        (r#" DATE \@ "d. MMMM yyyy" "#, r("", "1. mai 2026")),
        (" PAGEREF _Ref1 \\h ", r("", "12")),
        (" SEQ Figur ", r("", "2")),
        (" NOTEREF _Ref2 ", r("", "1")),
        (r#" HYPERLINK "https://n.example" "#, field(" PAGE ", &r("", "3"))),
        (r#" HYPERLINK "https://n.example" "#, r#"<w:r><w:tab/></w:r>"#.into()),
    ] {
        check(&linked(instruction, &result), &["Les hele {1/} på nettet."]);
    }
    let date = p(&format!(
        r#"{}<w:fldSimple w:instr=" DATE ">{}</w:fldSimple>{}"#,
        r("", "I dag, "),
        r("", "1. mai"),
        r("", ", er det fest.")
    ));
    check(&date, &["I dag, {1/}, er det fest."]);

    // Translated, the field is kept whole around the English words, written as runs
    // with the properties they had.
    let d = read(&docx(&hyperlink)).unwrap();
    let out = d.rebuild(|_| Some("Read {1}the {2}whole{/2} review{/1} online.".into())).unwrap();
    let xml = entry(&out, "word/document.xml");
    let run =
        |props: &str, text: &str| format!(r#"<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>"#);
    let expected = [
        run("", "Read "),
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://nordlys.example/anmeldelser" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>"#.into(),
        run(&format!("<w:rPr>{link}</w:rPr>"), "the "),
        run(&format!("<w:rPr>{link}<w:b/></w:rPr>"), "whole"),
        run(&format!("<w:rPr>{link}</w:rPr>"), " review"),
        r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#.into(),
        run("", " online."),
    ]
    .concat();
    assert!(xml.contains(&expected), "{xml}");
    assert!(!xml.contains("anmeldelsen"), "{xml}");
    // A link over the end of a sentence is closed in the one and opened again in the
    // next (where, around the whole sentence, it is left out), and written back as the
    // one field it was.
    let across = p(&format!(
        "{}{}",
        r("", "Se "),
        field(r#" HYPERLINK "https://n.example" "#, &r(link, "her. Og der"))
    ));
    check(&across, &["Se {1}her.{/1}", "Og der"]);
    let d = read(&docx(&across)).unwrap();
    let out =
        d.rebuild(|s| Some(s.text.replace("her", "here").replace("Og der", "And there").into())).unwrap();
    let xml = entry(&out, "word/document.xml");
    assert_eq!(xml.matches("w:fldCharType=\"begin\"").count(), 1, "{xml}");
    assert_eq!(xml.matches("w:fldCharType=\"end\"").count(), 1, "{xml}");
    assert!(xml.contains("here. And there"), "{xml}");
}

/// A table of contents' entries are text, the entry's text alone: its tab and page
/// number (Word's `PAGEREF` field, LibreOffice's number) stay in the layout, so an entry
/// is the same segment as its heading; translated, the entries keep their links, tabs
/// and page numbers. A running head (`STYLEREF`) is one code whose stored result is
/// written with the heading's translation, no segment of its own. Another field over
/// several paragraphs (a bibliography) stays no text.
#[test]
fn a_table_of_contents_entry_is_its_headings_text_and_other_fields_over_paragraphs_are_no_text() {
    let chars = |kind: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>"#);
    let code = |instruction: &str| {
        format!(r#"<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>"#)
    };
    let t = |text: &str| format!("<w:r><w:t>{text}</w:t></w:r>");
    let word_entry = |anchor: &str, text: &str| {
        format!(
            r#"<w:hyperlink w:anchor="{anchor}">{}<w:r><w:tab/></w:r>{}{}{}{}{}</w:hyperlink>"#,
            t(text),
            chars("begin"),
            code(&format!("PAGEREF {anchor} \\h")),
            chars("separate"),
            t("2"),
            chars("end")
        )
    };
    let body = [
        // Word's table of contents.
        format!("<w:p>{}{}{}{}</w:p>", chars("begin"), code(r#"TOC \o "1-3" \h"#), chars("separate"), word_entry("_Toc1", "Festivalsommeren 2026")),
        format!("<w:p>{}{}</w:p>", word_entry("_Toc2", "Moldejazz"), chars("end")),
        // LibreOffice's.
        format!(
            r#"<w:p>{}{}{}<w:hyperlink w:anchor="_Toc3"><w:r><w:t>Praktisk informasjon</w:t><w:tab/><w:t>3</w:t></w:r></w:hyperlink>{}</w:p>"#,
            chars("begin"),
            code(r#"TOC \f \o "1-2" \h"#),
            chars("separate"),
            chars("end")
        ),
        format!("<w:p>{}</w:p>", t("Moldejazz")),
        // A running head after a header's title.
        format!(
            "<w:p><w:r><w:t>Festivalguide 2026</w:t><w:tab/></w:r>{}{}{}{}{}</w:p>",
            chars("begin"),
            code("STYLEREF  1 \\* MERGEFORMAT"),
            chars("separate"),
            t("Moldejazz"),
            chars("end")
        ),
        format!("<w:p>{}{}{}{}</w:p>", chars("begin"), code("BIBLIOGRAPHY"), chars("separate"), t("Kilde 1")),
        format!("<w:p>{}{}<w:r><w:t xml:space=\"preserve\"> Etter.</w:t></w:r></w:p>", t("Kilde 2"), chars("end")),
        r#"<w:p><w:fldSimple w:instr=" DATE "><w:r><w:t>1. mai</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> Dato.</w:t></w:r></w:p>"#.to_string(),
    ]
    .concat();
    check(
        &body,
        &[
            "Festivalsommeren 2026",
            "Moldejazz",
            "Praktisk informasjon",
            "Moldejazz",
            "Festivalguide 2026",
            "Etter.",
            "Dato.",
        ],
    );
    let d = read(&docx(&body)).unwrap();
    fn english(s: &str) -> &str {
        match s {
            "Festivalsommeren 2026" => "Festival summer 2026",
            "Moldejazz" => "Molde Jazz",
            "Praktisk informasjon" => "Practical information",
            other => other,
        }
    }
    let out = d.rebuild(|s| Some(Cow::Owned(english(&s.text).to_string()))).unwrap();
    let xml = entry(&out, "word/document.xml");
    let written = |text: &str| format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#);
    for expected in [
        format!(
            r#"<w:hyperlink w:anchor="_Toc1">{}<w:r><w:tab/></w:r>{}"#,
            written("Festival summer 2026"),
            chars("begin")
        ),
        format!(
            r#"<w:hyperlink w:anchor="_Toc3">{}<w:r><w:tab/></w:r>{}</w:hyperlink>"#,
            written("Practical information"),
            written("3")
        ),
        format!("{}{}{}", chars("separate"), written("Molde Jazz"), chars("end")),
    ] {
        assert!(xml.contains(&expected), "{expected}\n{xml}");
    }
    assert!(!xml.contains("Moldejazz") && !xml.contains("Festivalsommeren"), "{xml}");
    assert!(xml.contains("Kilde 1") && xml.contains("1. mai"), "{xml}");
}

#[test]
fn tracked_changes_and_damaged_documents_are_refused_by_name() {
    let err = |bytes: &[u8]| read(bytes).unwrap_err().to_string();
    let tracked = p(r#"<w:ins w:id="1" w:author="A"><w:r><w:t>Ny.</w:t></w:r></w:ins>"#);
    assert_eq!(
        err(&docx(&format!("{}{tracked}", p(&r("", "Først."))))),
        "corpus/t.docx: has tracked changes (<w:ins> in paragraph 2 of word/document.xml); accept or reject them \
         in Word (Review → Accept All) and save it again"
    );
    let message = err(b"PK\x03\x04\x14\x00\x06\x00rest of a zip");
    assert!(message.starts_with("corpus/t.docx: is not a readable Word document ("), "{message}");
    assert!(message.ends_with("open it in its application and save it again"), "{message}");
    assert_eq!(
        err(&package(&[("word/styles.xml", STYLES)])),
        "corpus/t.docx: is not a Word document (it has no word/document.xml); open it in Word and save it as a \
         Word document (.docx)"
    );
    let broken = document(&p("<w:r><w:t>Hei</w:r>"));
    let message = err(&package(&[("word/document.xml", &broken)]));
    assert!(message.starts_with("corpus/t.docx: word/document.xml, byte "), "{message}");
    assert!(message.contains("not well-formed XML"), "{message}");
    let entity = document(&p("<w:r><w:t>&nbsp;</w:t></w:r>"));
    let message = err(&package(&[("word/document.xml", &entity)]));
    assert!(message.contains("undefined entity `&nbsp;`"), "{message}");
    let doctype = format!("<!DOCTYPE d [<!ENTITY x \"y\">]>{}", document(&p(&r("", "Hei."))));
    let message = err(&package(&[("word/document.xml", &doctype)]));
    assert!(message.contains("the DOCTYPE declares entities"), "{message}");
    let deep = document(&p(&format!(
        "{}{}",
        "<w:sdt><w:sdtContent>".repeat(40),
        "</w:sdtContent></w:sdt>".repeat(40)
    )));
    let message = err(&package(&[("word/document.xml", &deep)]));
    assert!(message.contains("nested deeper than 64 levels"), "{message}");
    let unclosed = format!("{DECLARATION}{ROOT}<w:body>");
    let message = err(&package(&[("word/document.xml", &unclosed)]));
    assert!(message.contains("is never closed"), "{message}");
    let other = document(&p(&r("", "Hei."))).replace("xmlns:w=", "xmlns:x=");
    let message = err(&package(&[("word/document.xml", &other)]));
    assert!(message.contains("does not bind w: to WordprocessingML"), "{message}");
    let long = document(&p(&r("", &"Ord ".repeat(MAX_LINE / 4 + 1))));
    assert_eq!(
        err(&package(&[("word/document.xml", &long)])),
        "corpus/t.docx: paragraph 1 (word/document.xml) is larger than the limit of 1048576 bytes"
    );
    let latin1 = [&b"<w:document>\xe6</w:document>"[..]].concat();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(&latin1).unwrap();
    let message = err(&zip.finish().unwrap().into_inner());
    assert!(message.contains("word/document.xml is not UTF-8"), "{message}");
}

#[test]
fn only_a_file_named_as_a_word_document_is_claimed_and_text_so_named_is_refused() {
    let zip = b"PK\x03\x04rest";
    assert!(Docx.claims(Path::new("a/B.DOCX"), zip));
    // A template, and a document or template with macros, are Word documents too.
    for name in ["a/b.dotx", "a/b.DOCM", "a/b.dotm"] {
        assert!(Docx.claims(Path::new(name), zip), "{name}");
    }
    for name in ["a/b.xlsx", "a/b.pptx", "a/b.doc", "a/b.zip"] {
        assert!(!Docx.claims(Path::new(name), zip), "{name}");
    }
    // Whatever else so named is claimed, to be refused as no Word document.
    assert!(Docx.claims(Path::new("a/b.docx"), b"Hei"));
    assert!(!Docx.claims(Path::new("a/b.txt"), b"Hei"));
    assert!(Docx.claims(Path::new("a/b.docx"), b"%PDF-1.7"));
    let message = read(b"Hei.").unwrap_err().to_string();
    assert!(message.contains("it is not a zip archive, as such a document is, but text"), "{message}");
    assert!(!Docx.claims(Path::new("a/b.odt"), zip));
    assert!(!Docx.claims(Path::new("a/docx"), zip));
}

/// Every letter of the blocks of the Word document `bytes` (not white space, which a
/// paragraph written again may add before a line break), with the run properties it
/// is written with.
fn styled(bytes: &[u8]) -> Vec<(String, String)> {
    let path = Path::new("t.docx");
    let mut package = Package::open(bytes.to_vec(), path, KIND).unwrap();
    let mut marked = read_package(&mut package, path, &EditionLanguage::default()).unwrap();
    let mut out = Vec::new();
    for part in &mut marked.parts {
        part.blocks.sort_by_key(|b| b.range.start);
        for block in &part.blocks {
            let mut open: Vec<u32> = Vec::new();
            for piece in inline::pieces(&block.paragraph) {
                match piece {
                    inline::Piece::Text(t) => {
                        let style = open
                            .iter()
                            .rev()
                            .find_map(|&n| block.codes[n as usize - 1].style.as_deref())
                            .unwrap_or(&block.style);
                        let letters = t.chars().filter(|c| !c.is_whitespace());
                        out.extend(letters.map(|c| (c.to_string(), style.to_string())));
                    }
                    inline::Piece::Code(inline::Code::Open(n), _) => open.push(n),
                    inline::Piece::Code(inline::Code::Close(n), _) => open.retain(|&o| o != n),
                    inline::Piece::Code(..) => {}
                }
            }
        }
    }
    out
}

/// A generated paragraph: runs of text with any of three properties, links, tabs,
/// breaks, notes, fields (whose result is text or not), bookmarks and proofing marks,
/// text with `{1}`, `&`, `<`.
fn paragraph() -> impl Strategy<Value = String> {
    let text = "[a-zA-ZæøåÆØÅ .,!?«»{}/1&<>\u{a0}–-]{0,24}";
    let item = prop_oneof![
        4 => (0..4usize, text).prop_map(|(s, t)| {
            let props = ["", "<w:b/>", "<w:i/><w:iCs/>", "<w:noProof/>"][s];
            let t = t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            r(props, &t)
        }),
        1 => Just("<w:r><w:tab/></w:r>".to_string()),
        1 => Just("<w:r><w:t>Ja</w:t><w:br/><w:t xml:space=\"preserve\">nei. </w:t></w:r>".to_string()),
        1 => Just(r#"<w:r><w:footnoteReference w:id="1"/></w:r>"#.to_string()),
        1 => Just(r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#.to_string()),
        1 => Just(r#"<w:bookmarkStart w:id="7" w:name="b"/>"#.to_string()),
        1 => Just(r#"<w:bookmarkEnd w:id="7"/>"#.to_string()),
        1 => Just(r#"<w:proofErr w:type="spellStart"/>"#.to_string()),
        1 => (0..4usize, 0..2usize, text).prop_map(|(w, s, t)| {
            let t = t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            let run = r(["", "<w:u/>"][s], &t);
            match w {
                0 => format!(r#"<w:hyperlink r:id="rId1">{run}</w:hyperlink>"#),
                1 => format!(r#"<w:smartTag w:element="place"><w:smartTagPr/>{run}</w:smartTag>"#),
                2 => format!(r#"<w:sdt><w:sdtPr><w:id w:val="3"/></w:sdtPr><w:sdtContent>{run}</w:sdtContent></w:sdt>"#),
                _ => r("<w:vanish/>", &t),
            }
        }),
        1 => Just(format!(
            r#"<w:r><w:drawing><wp:anchor><wp:docPr id="4" name="T" descr="Bilde av {{1}}."/><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></wp:anchor></w:drawing></w:r>"#,
            p(&r("", "I boksen. Ja"))
        )),
        1 => (0..2usize).prop_map(|same| format!(
            r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#,
            p(&r("", "Boks. Ja")),
            p(&r("", ["Boks. Ja", "Boks. Nei"][same]))
        )),
        1 => (0..3usize, text).prop_map(|(f, t)| {
            let t = t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            let instruction = [r#" HYPERLINK "https://n.example" "#, r#" REF _Ref1 \h "#, " XE \"ord\" "][f];
            field(instruction, &r(r#"<w:rStyle w:val="Hyperlink"/>"#, &t))
        }),
        1 => Just(r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#.to_string()),
        1 => Just(r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#.to_string()),
    ];
    proptest::collection::vec(item, 0..8).prop_map(|items| p(&items.concat()))
}

proptest! {
    #[test]
    fn generated_documents_rebuild_byte_for_byte_and_their_segments_are_balanced(
        paragraphs in proptest::collection::vec(paragraph(), 0..6)
    ) {
        let bytes = docx(&paragraphs.concat());
        let d = read(&bytes).unwrap();
        prop_assert_eq!(d.rebuild(|_| None).unwrap(), bytes.clone());
        for s in &d.segments {
            prop_assert!(inline::check(&s.text, &s.text).is_ok(), "{}", s.text);
        }
        // Written again with every segment changed, it reads back as those changes, every
        // letter with the properties it had.
        let changed = |t: &str| t.replace('e', "é").replace('a', "à");
        let out = d.rebuild(|s| Some(Cow::Owned(changed(&s.text)))).unwrap();
        let expected: Vec<(String, String)> =
            styled(&bytes).into_iter().map(|(c, style)| (changed(&c), style)).collect();
        prop_assert_eq!(styled(&out), expected);
    }
}

/// Found by the property below: two runs whose texts, joined, read as a placeholder
/// (`{1` then `},`) once panicked when written back with its italics.
#[test]
fn text_that_joins_into_a_placeholder_across_runs_is_text() {
    let run = |t: &str| r("<w:i/><w:iCs/>", t);
    let bytes = docx(&p(&[run("{1"), run("},")].concat()));
    let d = read(&bytes).unwrap();
    assert_eq!(d.rebuild(|_| None).unwrap(), bytes);
    let changed = |t: &str| t.replace('e', "é");
    let out = d.rebuild(|s| Some(Cow::Owned(changed(&s.text)))).unwrap();
    assert_eq!(styled(&out), styled(&bytes));
}
