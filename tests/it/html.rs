//! HTML pages: the test article read by the real `tolk`, its segments (the title, the
//! meta description, an image's alt text, a paragraph in bold without its tags, links
//! as codes), its identity edition byte for byte, and its pseudo edition opened by
//! headless Chromium, which shows the pseudo text with the bold and the links still
//! around the same words.

use crate::util::{chromium_dom, repo, Project};

const PAGE: &str = "fjordkraft-irene-fauskanger.html";

/// What `tolk segment` prints for the page.
const SEGMENTS: &str = "\
Hvordan definerer du vinnerkultur?\n\
Mitt mantra er at kundene er helt vanlige mennesker.\n\
{1}Fjordkraft{/1} · {2}CustomerTrends{/2}\n\
Hvordan definerer du vinnerkultur?\n\
Podcast i samarbeid med CustomerTrends\n\
Kort, hva er din kundeservicekarriere?\n\
I 2008 ble jeg kundeserviceleder i {1}Chess{/1}, og ble der i ni år.\n\
Deretter fikk jeg ansvaret for kundeservice for mobil og strøm i {1}Fjordkraft{/1} i 2017.\n\
Vi er nå 110 personer fordelt på 6 team, forteller Irene.\n\
Chess\n\
Fjordkraft\n\
I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år.\n\
Deretter fikk jeg ansvaret for kundeservice for mobil og strøm i Fjordkraft i 2017.\n\
Det er viktig at alle vet hva som kreves for at vi skal nå målene sammen, forklarer Irene.\n\
Vi er nå 110 personer fordelt på 6 team, forteller Irene.\n\
Hvordan definerer du vinnerkultur?\n\
Man må ha tydelige mål.\n\
Man må tørre å si at man vil noe, for eksempel at vi skal bli best i Norge.\n\
Vi arbeider med {1}løftebasert ledelse{/1}, så det vil si at jeg og alle mine kolleger har gitt egne løfter på hvordan vi skal bidra til å levere vår strategi, begynner hun.\n\
Så må vi sette krav til hverandre, og være tydelig på {1}konsekvensene{/1} om man ikke vil være med på reisen.\n\
Det er viktig at alle vet hva som kreves for at vi skal nå målene sammen, forklarer Irene.\n\
Hva er dine løfter?\n\
Jeg kan ikke avsløre eksakt hva løftene er, men jeg kan dele at jeg har ett løfte som går på ventetid for kundene og kundetilfredshet, og jeg har et annet som går på organisasjon og læring.\n\
Fordelen med å arbeide løftebasert er at vi alle har veldig tydelige mål, og det er lett å se hvor viktig innsatsen til den enkelte skaper verdi, understreker hun.\n\
Hvordan utvikler man en vinnerkultur?\n\
Det handler om tydelige mål, struktur på samtalene med kundene og trening.\n\
Dette må ligge i bunn.\n\
Så må man holde det man lover, både ovenfor kunder og kolleger.\n\
Er man satt opp på telefonen klokken 10, så må man være på telefonen klokken 10 slik at kundene slipper å vente.\n\
Så handler mye om den begeistringen man klarer å skape i dialog med kunden.\n\
Mitt mantra er at kundene er {1}helt vanlige mennesker{/1}.\n\
Med det mener jeg at de kan ha følelser, ha gode og dårlige dager.\n\
For oss handler det om å se kunden, og være nær og ekte.\n\
Vi må alltid behandle hver eneste kunde individuelt selv om det er krevende.\n\
For å skape en vinnerkultur fokuserer vi på det som er bra, det gode.\n\
Løft det gode arbeidet, og de gode prestasjonene frem i lyset.\n\
Det skaper en vinnerkultur, oppsummerer Irene Fauskanger engasjert.\n\
Podcast i samarbeid med {1}CustomerTrends{/1}\n\
";

/// A project whose corpus is the test page.
fn project() -> Project {
    let t = Project::empty();
    let page = std::fs::read(repo().join("tests/data/documents").join(PAGE)).expect("reading the test page");
    t.write(&format!("corpus/{PAGE}"), page);
    t
}

#[test]
fn the_article_segments_into_the_text_a_reader_sees() {
    let t = project();
    t.tolk(&["segment", &format!("corpus/{PAGE}")]).run().success().stdout_is(SEGMENTS);
    let out = t.tolk(&["segment", "--json"]).run().success();
    let alt = out.stdout.lines().find(|l| l.contains("Det er viktig at alle vet")).unwrap();
    assert!(alt.contains(r#""line":40,"#), "the alt text is placed at its line: {alt}");
}

#[test]
fn the_identity_edition_is_the_page_byte_for_byte() {
    let t = project();
    t.tolk(&["build", "--pseudo=identity"]).run().success();
    let source = std::fs::read(t.path().join("corpus").join(PAGE)).unwrap();
    let edition = std::fs::read(t.path().join("out/pseudo").join(PAGE)).unwrap();
    assert!(edition == source, "the identity edition differs from the page");
}

#[test]
fn the_pseudo_edition_opens_in_a_browser_with_the_markup_around_the_same_words() {
    let t = project();
    t.tolk(&["build", "--pseudo"]).run().success();
    let edition = t.path().join("out/pseudo").join(PAGE);
    let Some(dom) = chromium_dom(&edition) else { return };
    for expected in [
        r#"<html lang="en""#,
        "<title>[Ĥṽöŕðàñ ðéƒîñéŕéŕ ðû ṽîññéŕķûłţûŕ? ~~~~~~~~~~~]</title>",
        r#"<meta name="description" content="[Ṁîţţ ɱàñţŕà éŕ àţ ķûñðéñé éŕ ĥéłţ ṽàñłîĝé ɱéññéšķéŕ. ~~~~~~~~~~~~~~~~]">"#,
        "<h1>[Ĥṽöŕðàñ ðéƒîñéŕéŕ ðû ṽîññéŕķûłţûŕ? ~~~~~~~~~~~]</h1>",
        r#"<p class="ingress"><strong>[Þöðçàšţ î šàɱàŕƀéîð ɱéð ÇûšţöɱéŕŦŕéñðš ~~~~~~~~~~~~]</strong></p>"#,
        r#"<a href="https://www.chess.no/">Çĥéšš</a>, öĝ ƀłé ðéŕ î ñî åŕ. ~~~~~~~~~~~~~~~~~~~~~]<br>"#,
        "<strong>łøƒţéƀàšéŕţ łéðéłšé</strong>, šå",
        "<em>ķöñšéķṽéñšéñé</em> öɱ",
        "<em>ĥéłţ ṽàñłîĝé ɱéññéšķéŕ</em>.",
        r#"alt="[Ðéţ éŕ ṽîķţîĝ àţ àłłé ṽéţ ĥṽà šöɱ ķŕéṽéš ƒöŕ àţ ṽî šķàł ñå ɱåłéñé šàɱɱéñ, ƒöŕķłàŕéŕ Îŕéñé. ~~~~~~~~~~~~~~~~~~~~~~~~~~~]""#,
        "<figcaption>[Ṽî éŕ ñå 110 þéŕšöñéŕ ƒöŕðéłţ þå 6 ţéàɱ, ƒöŕţéłłéŕ Îŕéñé. ~~~~~~~~~~~~~~~~~~]</figcaption>",
        "<th>[Çĥéšš ~~]</th>",
        "<li>[Ƒöŕ å šķàþé éñ ṽîññéŕķûłţûŕ ƒöķûšéŕéŕ ṽî þå ðéţ šöɱ éŕ ƀŕà, ðéţ ĝöðé. ~~~~~~~~~~~~~~~~~~~~~]\n        <ul>\n          <li>[Ļøƒţ",
        r#"<em>[Þöðçàšţ î šàɱàŕƀéîð ɱéð <a href="https://customertrends.no/">ÇûšţöɱéŕŦŕéñðš</a> ~~~~~~~~~~~~~~]</em>"#,
        // Not text: the script, the code and the URLs are as they were.
        r#"const kilde = "Podcast i samarbeid med CustomerTrends & <ikke oversett>";"#,
        "<p><code>FJK-2017</code></p>",
        r#"href="https://customertrends.no/podcast/?kilde=tolk&amp;format=html""#,
    ] {
        assert!(dom.contains(expected), "Chromium's DOM lacks {expected}:\n{dom}");
    }
    for norwegian in ["Man må ha tydelige mål.", "Hvordan definerer du", "forteller Irene"] {
        assert!(!dom.contains(norwegian), "Chromium's DOM still shows {norwegian}:\n{dom}");
    }
}

/// What the page keeps as it is (another language, `translate="no"`) is not sent to
/// translators, and a soft hyphen (`&shy;`) hides no match: the sentence is the one the
/// memory has without it.
#[test]
fn a_page_s_own_marks_decide_what_is_translated_and_hidden_hyphens_change_nothing() {
    let t = Project::empty();
    t.write(
        "corpus/side.html",
        "<!DOCTYPE html>\n<html lang=\"nb\"><body>\n<p>Flere sykkel&shy;parkeringer i Oslo.</p>\n\
         <blockquote lang=\"en\"><p>Cycling is freedom.</p></blockquote>\n\
         <p translate=\"no\">Dagens Næringsliv</p>\n</body></html>\n",
    )
    .write(
        "memory/nb-en.csv",
        "source,target\nFlere sykkelparkeringer i Oslo.,More bicycle parking in Oslo.\n",
    );
    assert_eq!(t.segment_texts("corpus"), ["Flere sykkel\u{AD}parkeringer i Oslo."]);
    t.tolk(&["export", "-o", "b.csv"]).run().success().stderr_contains("nothing to translate");
    t.tolk(&["build"]).run().success();
    let edition = t.read("out/en/side.html");
    assert!(edition.contains("<p>More bicycle parking in Oslo.</p>"), "{edition}");
    assert!(edition.contains("<blockquote lang=\"en\"><p>Cycling is freedom.</p></blockquote>"), "{edition}");
    assert!(edition.contains("<p translate=\"no\">Dagens Næringsliv</p>"), "{edition}");
    assert!(edition.contains("<html lang=\"en\">"), "{edition}");
}

/// An XHTML page opens with an XML declaration (and may have comments before its
/// doctype): it is a page, read and built whatever its name says, while other XML in
/// the corpus (a batch, a flat `.fodt`) is still skipped as no page.
#[test]
fn an_xhtml_page_declared_as_xml_is_read_as_a_page() {
    let t = Project::empty();
    let page = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- lagret av redaksjonen -->\n\
                <!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \
                \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n\
                <html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"nb\" xml:lang=\"nb\">\n\
                <head><title>Tittel på siden</title></head>\n\
                <body><p>Dette er en setning. Her er en til.</p></body></html>\n";
    t.write("corpus/side.xhtml", page)
        .write("corpus/uten-navn", page)
        .write("corpus/batch.xml", "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"><file/></xliff>\n")
        .write(
            "memory/nb-en.csv",
            "source,target\nTittel på siden,Title of the page\nDette er en setning.,This is a sentence.\n\
             Her er en til.,Here is another.\n",
        );
    let segments = t.tolk(&["segment", "corpus/side.xhtml"]).run().success();
    assert_eq!(segments.stdout, "Tittel på siden\nDette er en setning.\nHer er en til.\n");
    t.tolk(&["build"]).run().success().stderr_contains("batch.xml");
    for name in ["side.xhtml", "uten-navn"] {
        let edition = t.read(&format!("out/en/{name}"));
        assert!(edition.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!--"), "{edition}");
        assert!(edition.contains("<title>Title of the page</title>"), "{edition}");
        assert!(edition.contains("<p>This is a sentence. Here is another.</p>"), "{edition}");
        assert!(edition.contains("lang=\"en\" xml:lang=\"en\""), "{edition}");
    }
}
