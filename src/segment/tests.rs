//! Table tests of the Norwegian rules: each case is a line and its expected segments.
//!
//! Every rule in the module docs and in `rules/nb.rules` has cases in both directions:
//! lines that must be cut and lines that must stay whole. The lines are written the way
//! they stand in the magazine, with no-break spaces, dialogue dashes and «quotes»; the
//! documented prices (`plan B. Den`) are pinned too, so changing one is a visible choice.

use super::*;

#[track_caller]
fn check(line: &str, expected: &[&str]) {
    let mut ranges = Vec::new();
    Segmenter::default().split_line(line, &mut ranges);
    let got: Vec<&str> = ranges.iter().map(|r| &line[r.clone()]).collect();
    assert_eq!(got, expected, "segmenting {line:?}");
}

#[test]
fn basic() {
    check("Hei. Hvem er du?", &["Hei.", "Hvem er du?"]);
    check(
        "– Det er OKS (opplevd kundetilfredshet, red. kommentar). Vi er her.",
        &["Det er OKS (opplevd kundetilfredshet, red. kommentar).", "Vi er her."],
    );
}

#[test]
fn must_split() {
    let cases: &[(&str, &[&str])] = &[
        (
            "Det handler om tydelige mål. Dette må ligge i bunn.",
            &["Det handler om tydelige mål.", "Dette må ligge i bunn."],
        ),
        (
            "Mitt mantra er enkelt. Kundene er helt vanlige mennesker. De vil bli hørt.",
            &["Mitt mantra er enkelt.", "Kundene er helt vanlige mennesker.", "De vil bli hørt."],
        ),
        ("Vi er 110 personer. 6 team jobber sammen.", &["Vi er 110 personer.", "6 team jobber sammen."]),
        ("Han flyttet til USA. Der bodde han i ti år.", &["Han flyttet til USA.", "Der bodde han i ti år."]),
        ("God jul. Vi ses i januar.", &["God jul.", "Vi ses i januar."]),
        ("Jeg møtte Jan. Han var blid.", &["Jeg møtte Jan.", "Han var blid."]),
        ("Det tok 5 min. Da var vi ferdige.", &["Det tok 5 min.", "Da var vi ferdige."]),
        ("Tekst: Ola Nordmann. Foto: Kari Hansen", &["Tekst: Ola Nordmann.", "Foto: Kari Hansen"]),
        ("Hei.  \t Kom inn.", &["Hei.", "Kom inn."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn abbreviations_do_not_end() {
    let lines = [
        "Vi samarbeider med flere selskaper, f.eks. Telenor og Telia.",
        "Hun har jobbet i bl.a. Chess og Fjordkraft.",
        "Det var ca. 200 deltakere på konferansen i fjor.",
        "Tilbudet gjelder alle kunder, dvs. Fjordkraft sine egne og partnernes.",
        "Vi er i rute mht. GDPR og de nye kravene.",
        "Du kan ringe meg, evt. Trine på sentralbordet.",
        "Vi møtes kl. 10.00 i kantina.",
        "Sak nr. 12 ble vedtatt uten debatt.",
        "Reglene er strenge (jf. Arbeidsmiljøloven § 10-4).",
        "Messen ble avlyst pga. Covid-19 i fjor.",
        "Prisen er 499 kroner inkl. MVA per måned.",
        "Prisen er 399 kroner ekskl. MVA.",
        "Kampen Rosenborg vs. Molde endte 2–2.",
        "Ring oss på tlf. 22 33 44 55 i dag.",
        "Hun møtte adm. dir. Irene Fauskanger i Bergen.",
        "Han jobber i avd. Bergen sammen med 20 andre.",
        "Foredraget holdes av prof. Hansen fra NTNU.",
        "Dr. Nilsen og Prof. Hansen svarte på spørsmålene.",
        "Han ble født på St. Olavs hospital i Trondheim.",
        "Vi sendte et tilbud (ref. Oslo kommune) i fjor.",
        "Intervjuet er gjort av red. Kari Nordmann.",
        "Alt ble utsatt p.g.a. Brexit, d.v.s. Storbritannias utmeldelse.",
        "Ordningen gjelder f.o.m. 1. januar og t.o.m. 31. mars.",
        // "Never end a sentence, whatever follows": a dash after one is an aside.
        "Vi har mange tiltak, bl.a. – og dette er viktig – en ny app.",
        // The documented price: an abbreviation that closes a sentence keeps it open.
        "Svarene er kortet ned av red. Intervjuet ble gjort i mai.",
    ];
    for line in lines {
        check(line, &[line]);
    }
}

#[test]
fn abbreviated_months() {
    let lines = [
        "Fra jan. 2026 kommer det nye priser.",
        "Fristen er 1. feb. 2026 for alle søkere.",
        "Kampanjen varer fra 1. okt. til 31. des. i år.",
        "Kurset går fra 3. apr. til 15. nov. hvert år.",
        "Tallene for aug. og sept. kommer i neste nummer.",
        // Lower-case "jan." is an abbreviation even before a capital: the price.
        "Fristen er 31. jan. Han rakk den.",
    ];
    for line in lines {
        check(line, &[line]);
    }
}

#[test]
fn final_abbreviations() {
    let cases: &[(&str, &[&str])] = &[
        (
            "Vi solgte epler, pærer osv. Deretter gikk vi hjem.",
            &["Vi solgte epler, pærer osv.", "Deretter gikk vi hjem."],
        ),
        ("Billetten koster 250 kr. Barn går gratis.", &["Billetten koster 250 kr.", "Barn går gratis."]),
        ("Overskuddet var 12 mill. Det er rekord.", &["Overskuddet var 12 mill.", "Det er rekord."]),
        ("Budsjettet er på 3 mrd. Det holder ikke.", &["Budsjettet er på 3 mrd.", "Det holder ikke."]),
        (
            "Vi selger strøm, mobil, forsikring m.m. Hele pakken finner du på nett.",
            &["Vi selger strøm, mobil, forsikring m.m.", "Hele pakken finner du på nett."],
        ),
        (
            "Hun snakket med Hansen, Olsen m.fl. Alle var enige.",
            &["Hun snakket med Hansen, Olsen m.fl.", "Alle var enige."],
        ),
        (
            "Styret, ledelsen mfl. «Alle må med», sa hun.",
            &["Styret, ledelsen mfl.", "«Alle må med», sa hun."],
        ),
        ("Vi kjøper inn frukt o.l. Det er sunt.", &["Vi kjøper inn frukt o.l.", "Det er sunt."]),
        (
            "Vi bruker e-post, chat etc. – Det virker, sier hun.",
            &["Vi bruker e-post, chat etc.", "Det virker, sier hun."],
        ),
        ("Det kommer 3 mill. kroner fra staten.", &["Det kommer 3 mill. kroner fra staten."]),
        ("Omsetningen var 4,5 mrd. kroner i fjor.", &["Omsetningen var 4,5 mrd. kroner i fjor."]),
        ("Prisen er kr. 499 per måned.", &["Prisen er kr. 499 per måned."]),
        (
            "Vi solgte epler, pærer osv. 3 av dem var råtne.",
            &["Vi solgte epler, pærer osv. 3 av dem var råtne."],
        ),
        ("Vi kjøper frukt o.l. og grønnsaker lokalt.", &["Vi kjøper frukt o.l. og grønnsaker lokalt."]),
        ("Ansatte, ledere mfl. deltok på samlingen.", &["Ansatte, ledere mfl. deltok på samlingen."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn ordinals_and_dates() {
    let cases: &[(&str, &[&str])] = &[
        ("Vi feiret 17. mai i Bergen.", &["Vi feiret 17. mai i Bergen."]),
        ("Den 17. Mai er nasjonaldagen.", &["Den 17. Mai er nasjonaldagen."]),
        ("Vi feiret 17.\u{a0}Mai med kundene.", &["Vi feiret 17.\u{a0}Mai med kundene."]),
        ("Møtet er den 3. juni kl. 10.00.", &["Møtet er den 3. juni kl. 10.00."]),
        ("Hun kom på 2. plass i NM.", &["Hun kom på 2. plass i NM."]),
        ("Fra 01.01.2026 gjelder nye priser.", &["Fra 01.01.2026 gjelder nye priser."]),
        ("Det skjedde 1. Januar 2026 på Gardermoen.", &["Det skjedde 1. Januar 2026 på Gardermoen."]),
        // A year is no day: the month after it starts the next sentence.
        ("Det skjedde i 2017. Mai var kald.", &["Det skjedde i 2017.", "Mai var kald."]),
        ("Den 31. Mai 2017. Mars kom.", &["Den 31. Mai 2017.", "Mars kom."]),
        (
            "Kontoret ligger i 2. etasje. Heisen er ute av drift.",
            &["Kontoret ligger i 2. etasje.", "Heisen er ute av drift."],
        ),
        ("Tallene kom 22.11.2026. Alle var fornøyde.", &["Tallene kom 22.11.2026.", "Alle var fornøyde."]),
        (
            "Jeg begynte i Fjordkraft i 2017. Det var et godt valg.",
            &["Jeg begynte i Fjordkraft i 2017.", "Det var et godt valg."],
        ),
        ("Hun ble nr. 2. Neste år vil hun vinne.", &["Hun ble nr. 2.", "Neste år vil hun vinne."]),
        ("Han vant 3. etappe. Det var stort.", &["Han vant 3. etappe.", "Det var stort."]),
        ("Det var krevende i 2020. Mars ble verst.", &["Det var krevende i 2020.", "Mars ble verst."]),
        // A number that starts its line is a list's: no sentence is a number alone.
        ("1. Brasil", &["1. Brasil"]),
        ("10. Kok potetene. Server dem varme.", &["10. Kok potetene.", "Server dem varme."]),
        ("– 2. Kongebok er lest.", &["2. Kongebok er lest."]),
        ("«1. Mosebok» er først.", &["«1. Mosebok» er først."]),
        // Elsewhere a number before a capital ends its sentence, a year too.
        ("Han kom på plass 3. Det var godt.", &["Han kom på plass 3.", "Det var godt."]),
        ("2024. Det var året.", &["2024.", "Det var året."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn times_decimals_urls_emails() {
    let cases: &[(&str, &[&str])] = &[
        (
            "Vi åpner kl. 10.00 og stenger kl. 16.30. Velkommen!",
            &["Vi åpner kl. 10.00 og stenger kl. 16.30.", "Velkommen!"],
        ),
        ("Vi møtes kl. 10. Da starter vi.", &["Vi møtes kl. 10.", "Da starter vi."]),
        (
            "Tilfredsheten steg fra 3,5 til 4,2. Det er rekord.",
            &["Tilfredsheten steg fra 3,5 til 4,2.", "Det er rekord."],
        ),
        ("Renten er 3.5 prosent. Den kan stige.", &["Renten er 3.5 prosent.", "Den kan stige."]),
        ("Veksten var 12.5 % i fjor.", &["Veksten var 12.5 % i fjor."]),
        (
            "Les mer på www.fjordkraft.no. Der finner du tilbudene.",
            &["Les mer på www.fjordkraft.no.", "Der finner du tilbudene."],
        ),
        (
            "Besøk https://www.tolk.no/kundeservice?ref=blad for mer informasjon.",
            &["Besøk https://www.tolk.no/kundeservice?ref=blad for mer informasjon."],
        ),
        (
            "Send en e-post til kundeservice@fjordkraft.no. Vi svarer raskt.",
            &["Send en e-post til kundeservice@fjordkraft.no.", "Vi svarer raskt."],
        ),
        (
            "Skriv til irene.fauskanger@fjordkraft.no for å melde deg på.",
            &["Skriv til irene.fauskanger@fjordkraft.no for å melde deg på."],
        ),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn quotes_and_parentheses() {
    let cases: &[(&str, &[&str])] = &[
        ("«Hva er vinnerkultur?» spurte jeg.", &["«Hva er vinnerkultur?» spurte jeg."]),
        ("«Vi er klare,» sa hun. «Nå starter vi.»", &["«Vi er klare,» sa hun.", "«Nå starter vi.»"]),
        (
            "Hun sa: «Vi er klare. Nå starter vi.» Så gikk de inn.",
            &["Hun sa: «Vi er klare.", "Nå starter vi.»", "Så gikk de inn."],
        ),
        // A bracket that holds sentences is cut at each, even inside a sentence.
        (
            "Vi har mange mål (se side 4. Der står alt) for året.",
            &["Vi har mange mål (se side 4.", "Der står alt) for året."],
        ),
        (
            "(Dette er en annonse.) Neste sak handler om strøm.",
            &["(Dette er en annonse.)", "Neste sak handler om strøm."],
        ),
        ("(Det var gøy!) Neste dag dro vi hjem.", &["(Det var gøy!)", "Neste dag dro vi hjem."]),
        (
            "Han kalte det \"en revolusjon. Ingen tvil.\" Det var det.",
            &["Han kalte det \"en revolusjon.", "Ingen tvil.\"", "Det var det."],
        ),
        ("\"Hei,\" sa hun. \"Kom inn.\"", &["\"Hei,\" sa hun.", "\"Kom inn.\""]),
        ("“Hvem er du?” Hun så opp.", &["“Hvem er du?”", "Hun så opp."]),
        ("Han stoppet. «Hvorfor?» spurte han.", &["Han stoppet.", "«Hvorfor?» spurte han."]),
        ("Hun svarte kort. «nei» er også et svar.", &["Hun svarte kort. «nei» er også et svar."]),
        ("Han kalte det ’svindel.’ Det var det ikke.", &["Han kalte det ’svindel.’", "Det var det ikke."]),
        ("Han sa nei. ‘Hvorfor?’ spurte hun.", &["Han sa nei.", "‘Hvorfor?’ spurte hun."]),
        ("Hun lo. ‘nei’ var svaret.", &["Hun lo. ‘nei’ var svaret."]),
        ("«Hva?!» Han så forvirret ut.", &["«Hva?!»", "Han så forvirret ut."]),
        (
            "(Han sa «Hei.» Så gikk han.) Vi ble stående.",
            &["(Han sa «Hei.»", "Så gikk han.)", "Vi ble stående."],
        ),
        ("Det har «kokt litt» på kundesenteret.", &["Det har «kokt litt» på kundesenteret."]),
        // A «quote» never closed on the line protects nothing.
        ("«Dette er en lang tekst. Den fortsetter.", &["«Dette er en lang tekst.", "Den fortsetter."]),
        ("Vi snakket med flere (f.eks. Telenor) i går.", &["Vi snakket med flere (f.eks. Telenor) i går."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn footnote_marks_after_the_final_punctuation_stay_with_their_sentence() {
    let cases: &[(&str, &[&str])] = &[
        // As text copied from a wiki or a PDF has them: bracketed or superscript digits.
        (
            "Det viser flere studier.[1] Neste avsnitt kommer her.",
            &["Det viser flere studier.[1]", "Neste avsnitt kommer her."],
        ),
        ("Det viser flere studier.¹² Neste avsnitt.", &["Det viser flere studier.¹²", "Neste avsnitt."]),
        ("«Vi vant!»[3] Så gikk hun.", &["«Vi vant!»[3]", "Så gikk hun."]),
        ("Han sa det (i 2019).[120] Det stemte.", &["Han sa det (i 2019).[120]", "Det stemte."]),
        // A mark, like a closing quote, ends an abbreviation's sentence.
        (
            "Vi solgte epler, pærer osv.[2] Neste år mer.",
            &["Vi solgte epler, pærer osv.[2]", "Neste år mer."],
        ),
        // The mark before the full stop was always the sentence's.
        ("Det viser studier[2]. Neste avsnitt.", &["Det viser studier[2].", "Neste avsnitt."]),
        // No mark: four digits, letters, a mark glued to the next word, one before lower case.
        ("Det var i år.[2024] Neste sak.", &["Det var i år.[2024] Neste sak."]),
        ("Det var slik.[a] Neste sak.", &["Det var slik.[a] Neste sak."]),
        ("Det var slik.¹²³⁴ Neste sak.", &["Det var slik.¹²³⁴ Neste sak."]),
        ("Det var slik.[1]Neste sak.", &["Det var slik.[1]Neste sak."]),
        ("Det var slik.[1] og slik.", &["Det var slik.[1] og slik."]),
        // Digits glued to a full stop are no mark: a decimal, a date, a time.
        ("Prisen steg 3.5 Prosent i fjor.", &["Prisen steg 3.5 Prosent i fjor."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn dialogue_dashes() {
    let cases: &[(&str, &[&str])] = &[
        ("– Hei, sa han. – Hei, svarte hun.", &["Hei, sa han.", "Hei, svarte hun."]),
        ("- Ja. - Nei.", &["Ja.", "Nei."]),
        ("— Kom hit! — Nei!", &["Kom hit!", "Nei!"]),
        ("–\u{a0}Vi må ha tydelige mål, sier hun.", &["Vi må ha tydelige mål, sier hun."]),
        ("Vi kom fram. – Endelig, sa hun.", &["Vi kom fram.", "Endelig, sa hun."]),
        // A dash before a lower-case word starts no sentence: a speech tag or an
        // afterthought goes on with the one before.
        ("Han sa nei. – men han mente ja.", &["Han sa nei. – men han mente ja."]),
        (
            "«Har du sett noko så rart?» – spurde ho mor si.",
            &["«Har du sett noko så rart?» – spurde ho mor si."],
        ),
        ("– Kom hit! – ropte hun fra kjøkkenet.", &["Kom hit! – ropte hun fra kjøkkenet."]),
        ("Jeg var redd … – og det var jeg lenge.", &["Jeg var redd … – og det var jeg lenge."]),
        (
            "Han ropte «Stopp!» – men ingen hørte. – Hallo?",
            &["Han ropte «Stopp!» – men ingen hørte.", "Hallo?"],
        ),
        ("Det var sant. –", &["Det var sant."]),
        ("Jeg vet ikke! – iPad-en er borte.", &["Jeg vet ikke!", "iPad-en er borte."]),
        ("Det var sant. – «nei», sa hun.", &["Det var sant.", "«nei», sa hun."]),
        ("Det var – tja – greit nok.", &["Det var – tja – greit nok."]),
        ("– «Kom inn!» – Takk.", &["«Kom inn!»", "Takk."]),
        ("–", &[]),
        ("   – ", &[]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn initials() {
    let cases: &[(&str, &[&str])] = &[
        ("Forfatteren J. K. Rowling kommer til Oslo.", &["Forfatteren J. K. Rowling kommer til Oslo."]),
        ("Boka er skrevet av J.K. Rowling.", &["Boka er skrevet av J.K. Rowling."]),
        ("Vi møtte J.\u{a0}K. Rowling i London.", &["Vi møtte J.\u{a0}K. Rowling i London."]),
        (
            "Intervjuet med Ole J. Hansen kommer i neste nummer.",
            &["Intervjuet med Ole J. Hansen kommer i neste nummer."],
        ),
        (
            "Rowling skrev boka. J. K. Rowling er nå rik.",
            &["Rowling skrev boka.", "J. K. Rowling er nå rik."],
        ),
        ("Boka er skrevet av J. I. Hansen.", &["Boka er skrevet av J. I. Hansen."]),
        ("Vi intervjuet J. Per Hansen i går.", &["Vi intervjuet J. Per Hansen i går."]),
        // One initial and a surname after a verb or a noun: a name, not a thing's letter
        // (`gruppe C. Motstanderne` reads the same way and is kept whole too).
        ("Vi møtte H. Ibsen i går.", &["Vi møtte H. Ibsen i går."]),
        ("Stykket er skrevet av dramatikeren H. Ibsen.", &["Stykket er skrevet av dramatikeren H. Ibsen."]),
        ("Han bor i Washington D.C. og i Oslo.", &["Han bor i Washington D.C. og i Oslo."]),
        // Initials before a word that starts sentences and is never a name end one.
        ("Vi valgte plan B. Den fungerte.", &["Vi valgte plan B.", "Den fungerte."]),
        (
            "Han jobbet i Washington D.C. Tidligere bodde han i Oslo.",
            &["Han jobbet i Washington D.C.", "Tidligere bodde han i Oslo."],
        ),
        (
            "Møtet ble åpnet av kong Harald V. Han talte lenge.",
            &["Møtet ble åpnet av kong Harald V.", "Han talte lenge."],
        ),
        (
            "Han bodde i Washington D.C. «Det var fint», sier han.",
            &["Han bodde i Washington D.C.", "«Det var fint», sier han."],
        ),
        ("Han bodde i Washington D.C. – Det var fint.", &["Han bodde i Washington D.C.", "Det var fint."]),
        (
            "Han budde i Washington D.C. Seinare flytta han heim.",
            &["Han budde i Washington D.C.", "Seinare flytta han heim."],
        ),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn ellipsis() {
    let cases: &[(&str, &[&str])] = &[
        ("Jeg vet ikke ... kanskje neste år.", &["Jeg vet ikke ... kanskje neste år."]),
        ("Hun nølte... Så sa hun ja.", &["Hun nølte...", "Så sa hun ja."]),
        ("Det var… Nei, glem det.", &["Det var…", "Nei, glem det."]),
        ("Det var… ja, hva skal man si.", &["Det var… ja, hva skal man si."]),
        ("Og så…", &["Og så…"]),
        ("...og så var det slutt.", &["...og så var det slutt."]),
        ("«Vel…» Hun tidde.", &["«Vel…»", "Hun tidde."]),
        // A spaced ellipsis: a full stop before another full stop starts nothing.
        ("Hun ventet . . . Så kom han.", &["Hun ventet . . .", "Så kom han."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn question_and_exclamation() {
    let cases: &[(&str, &[&str])] = &[
        ("Hvordan definerer du vinnerkultur?", &["Hvordan definerer du vinnerkultur?"]),
        ("Er det mulig?! Ja, det er det.", &["Er det mulig?!", "Ja, det er det."]),
        ("Hva?! sa hun.", &["Hva?! sa hun."]),
        ("Hvorfor det? Fordi kundene fortjener det!", &["Hvorfor det?", "Fordi kundene fortjener det!"]),
        ("Så bra! Gratulerer!", &["Så bra!", "Gratulerer!"]),
        ("Hva skjer nå? spør mange.", &["Hva skjer nå? spør mange."]),
        ("Hvem vet? 3 av 4 kunder er fornøyde.", &["Hvem vet?", "3 av 4 kunder er fornøyde."]),
        ("Hva er en god dag på jobben for deg?\u{a0}", &["Hva er en god dag på jobben for deg?"]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn layout_and_no_break_spaces() {
    let cases: &[(&str, &[&str])] = &[
        ("", &[]),
        ("   \t", &[]),
        ("\u{a0}Hei.\u{a0}", &["Hei."]),
        ("\u{feff}Kort, hva er din kundeservicekarriere?", &["Kort, hva er din kundeservicekarriere?"]),
        ("Hei.\u{a0}Hvem er du?", &["Hei.", "Hvem er du?"]),
        ("Det koster 100\u{a0}kr. Det er billig.", &["Det koster 100\u{a0}kr.", "Det er billig."]),
        ("Prisen er kr.\u{a0}100 per måned.", &["Prisen er kr.\u{a0}100 per måned."]),
        (
            "Vi har 10\u{202f}000 kunder.\u{a0}De er fornøyde.",
            &["Vi har 10\u{202f}000 kunder.", "De er fornøyde."],
        ),
        (
            "Irene Fauskanger, kundeservicedirektør i Fjordkraft",
            &["Irene Fauskanger, kundeservicedirektør i Fjordkraft"],
        ),
        ("Podcast | I samarbeid med CustomerTrends AS", &["Podcast | I samarbeid med CustomerTrends AS"]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// The quotation rules of the issue that asked for them, and of the treebank: a quote
/// or bracket of several sentences is cut at each one inside it.
#[test]
fn quotations_of_several_sentences() {
    let cases: &[(&str, &[&str])] = &[
        (
            "Hun sa: «Han var et notorisk rovdyr. Det var grusomt å høre på.» Så gikk hun.",
            &["Hun sa: «Han var et notorisk rovdyr.", "Det var grusomt å høre på.»", "Så gikk hun."],
        ),
        (
            "Hun sa: \"Han var et rovdyr. Det var grusomt.\" Så gikk hun.",
            &["Hun sa: \"Han var et rovdyr.", "Det var grusomt.\"", "Så gikk hun."],
        ),
        (
            "Han kom for sent. (Toget var forsinket. Igjen.) Vi begynte uten ham.",
            &["Han kom for sent.", "(Toget var forsinket.", "Igjen.)", "Vi begynte uten ham."],
        ),
        (
            "«Går du gjennom en krise? Ta kontakt med oss», forteller hun.",
            &["«Går du gjennom en krise?", "Ta kontakt med oss», forteller hun."],
        ),
        ("«Hva nå? Hvor skal vi?» spurte hun.", &["«Hva nå?", "Hvor skal vi?» spurte hun."]),
        // An omission in brackets is part of the text around it.
        (
            "Du kan ikke komme ut stolt. (...). I det siste har jeg snakket med dem.",
            &["Du kan ikke komme ut stolt. (...).", "I det siste har jeg snakket med dem."],
        ),
        (
            "Hun skrev: «Mote er forgjengelig. […] Hva skal jeg skrive om?»",
            &["Hun skrev: «Mote er forgjengelig. […]", "Hva skal jeg skrive om?»"],
        ),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
    let whole = [
        "«Hva nå?» spurte hun.",
        "Det hadde «kokt litt» på kundesenteret.",
        "Det er OKS (opplevd kundetilfredshet, red. kommentar) som teller.",
        "«Kvifor det?» spurde ho.",
        "«Hvem er du? » spurte han.",
        "Han sa «nei. nei. nei» og gikk.",
    ];
    for line in whole {
        check(line, &[line]);
    }
}

/// Regression (a trial's interview): an emoji after a sentence's end kept two
/// sentences one. It goes with the sentence it follows.
#[test]
fn emoji_after_a_sentence_go_with_it() {
    let cases: &[(&str, &[&str])] = &[
        ("Svar: Nei. 😅 Men jeg har prøvd.", &["Svar: Nei. 😅", "Men jeg har prøvd."]),
        ("Hva nå? 🤔 Det vet ingen.", &["Hva nå? 🤔", "Det vet ingen."]),
        ("Takk for i dag! ❤️ Vi ses.", &["Takk for i dag! ❤️", "Vi ses."]),
        ("Vi vant!🎉🎉 Neste år igjen.", &["Vi vant!🎉🎉", "Neste år igjen."]),
        ("Det var gøy. 👩‍💻 👍🏽 Så dro vi.", &["Det var gøy. 👩‍💻 👍🏽", "Så dro vi."]),
        ("Sauene bryr seg ikkje. 🐑 Dei vil ha mat.", &["Sauene bryr seg ikkje. 🐑", "Dei vil ha mat."]),
        // Before a lower-case word, or at the end of the line, nothing changes.
        ("Nei. 😅 men jeg prøvde.", &["Nei. 😅 men jeg prøvde."]),
        ("Ferdig. ✔", &["Ferdig. ✔"]),
        // An arrow is prose, not an emoji.
        ("Vi kjørte. → Neste stopp.", &["Vi kjørte. → Neste stopp."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn dialogue_dash_without_a_space() {
    let cases: &[(&str, &[&str])] = &[
        ("Eller mamma. -Det gikk, nikker vi.", &["Eller mamma.", "Det gikk, nikker vi."]),
        ("-Sover du enda, lo han.", &["Sover du enda, lo han."]),
        ("Han lo. –Vekker deg da.", &["Han lo.", "Vekker deg da."]),
        // A dash before a lower-case word or a number starts nothing.
        ("Hun sa nei. -men han mente ja.", &["Hun sa nei. -men han mente ja."]),
        ("Temperaturen var 5. -10 i natt blir det.", &["Temperaturen var 5. -10 i natt blir det."]),
        ("Strekningen Oslo-Bergen. Den er lang.", &["Strekningen Oslo-Bergen.", "Den er lang."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// Abbreviations from Språkrådet's lists, titles, measures and names: none ends a
/// sentence inside one.
#[test]
fn published_abbreviations_do_not_end() {
    let lines = [
        "Han forsket ved Chr. Michelsens institutt i Bergen.",
        "Maleriet er laget av Th. Kittelsen i 1900.",
        "Boka kom ut på Wm. Nygaards forlag.",
        "Rederiet Wilh. Wilhelmsen ASA går med overskudd.",
        "Forlaget H. Aschehoug & Co. (W. Nygaard) AS har kontor i Oslo.",
        "Arrangøren, Hansen & Co. AS, sier nei.",
        "Slik som vårsko i str. 24 og regndress i str. 98.",
        "Tallene er hentet fra rapporten (jf. Hansen 2001) i fjor.",
        "Iflg. Statistisk sentralbyrå økte prisene.",
        "Han er adm.dir. i selskapet og ass. professor ved NTNU.",
        "Studien er gjort av Hansen et al. (2019) i Bergen.",
        "Abonnementet koster 200 kr. pr. mnd. for hele familien.",
        "Det gjelder hhv. Bergen og Stavanger.",
        "Vi bor i Kongens gt. 5, pb. 12, ved rv. 7.",
        "Han ble født i Oslo (f. 1950) og døde i Bergen.",
        "Les mer på s. 14 i bladet.",
        "Hun er stip. ved UiO og frk. Hansen sin veileder.",
        "Møtet er ca. kl. 10 ifm. årsmøtet.",
        "Han snakket mtp. Oslo og vha. gode tall.",
        // Nynorsk.
        "Vi har m.a. sett på økonomien.",
        "Det gjeld t.d. Bergen og Stavanger.",
        "Ho snakka med dei m.o.t. Stavanger.",
        "Det er nml. Noreg som tapar.",
        // Official documents.
        "Det følger av Meld. St. 21 (2016–2017) og Prop. 1 S for i år.",
        "Se Innst. 2 S og Dok. 8:45 S, jf. art. 5 og vedl. 1.",
        "Merk svaret med saksnr. 24/1234 og org.nr. 912 345 678.",
        // Letters and forms.
        "Mvh. Kari Nordmann",
        "Takk for sist, og vh. Ola fra kontoret.",
        "Ansv. red. Kari Hansen, mob. 900 00 000.",
        "Tomta har gnr. 12 bnr. 5 i Bergen kommune.",
        "Svaret står i spm. 3 i vol. 2 av rapporten.",
    ];
    for line in lines {
        check(line, &[line]);
    }
}

/// Abbreviations that also close sentences, and words left out of the lists because
/// they are everyday words that end sentences in Bokmål or Nynorsk.
#[test]
fn sentence_final_abbreviations_and_lookalike_words() {
    let cases: &[(&str, &[&str])] = &[
        (
            "Han levde i år 400 f.Kr. Den gang var alt annerledes.",
            &["Han levde i år 400 f.Kr.", "Den gang var alt annerledes."],
        ),
        ("Det kom Ibsen, Bjørnson o.a. Alle var der.", &["Det kom Ibsen, Bjørnson o.a.", "Alle var der."]),
        ("Han betalte 3 pst. Resten var gratis.", &["Han betalte 3 pst.", "Resten var gratis."]),
        ("Det tok 30 sek. Da var alt over.", &["Det tok 30 sek.", "Da var alt over."]),
        (
            "Prisen er 500 kr. inkl. mva. Frakt kommer i tillegg.",
            &["Prisen er 500 kr. inkl. mva.", "Frakt kommer i tillegg."],
        ),
        (
            "Dei selde epler, pærer osb. Etterpå gjekk dei heim.",
            &["Dei selde epler, pærer osb.", "Etterpå gjekk dei heim."],
        ),
        ("Det skjedde i tre mnd. Så ble det stille.", &["Det skjedde i tre mnd.", "Så ble det stille."]),
        ("Hun gikk på do. Der var det kø.", &["Hun gikk på do.", "Der var det kø."]),
        ("Flasken var tom. Han kjøpte en ny.", &["Flasken var tom.", "Han kjøpte en ny."]),
        ("Det trur eg. Han kjem i morgon.", &["Det trur eg.", "Han kjem i morgon."]),
        ("Eg kjem no. Vent litt.", &["Eg kjem no.", "Vent litt."]),
        ("Kva no? Eg veit ikkje.", &["Kva no?", "Eg veit ikkje."]),
        ("Han var lat. Det visste alle.", &["Han var lat.", "Det visste alle."]),
        ("Hun er min eks. Vi er venner.", &["Hun er min eks.", "Vi er venner."]),
        (
            "Påmeldingen er åpen til 1. sept. Startkontingenten er 890 kr.",
            &["Påmeldingen er åpen til 1. sept.", "Startkontingenten er 890 kr."],
        ),
        ("Det er en truet art. Den finnes bare her.", &["Det er en truet art.", "Den finnes bare her."]),
        ("De solgte gryter, panner ø.l. Alt gikk.", &["De solgte gryter, panner ø.l.", "Alt gikk."]),
        // Capitalised, a single letter is an initial, not s. (side) or v. (ved).
        ("Vi tok linje S. Den gikk til Oslo.", &["Vi tok linje S.", "Den gikk til Oslo."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn titles_roads_and_degrees_before_a_name_or_number() {
    for line in [
        "Bakkes forsvarer, adv. John Christian Elden, sa nei.",
        "Saken ble ført av h.r.adv. Per Hansen i Høyesterett.",
        "Dr.med. Per Hansen leder studien.",
        "Vi snakket med stud.jur. Amalie Ruud og stud.med. Ola Berg.",
        "Den s.k. Mørkved-saken tok tid.",
        "Omkjøring via fv. 33 og kv. 12 er skiltet.",
        "Hun er cand.theol. Kari Dahl fra Bergen.",
    ] {
        check(line, &[line]);
    }
}

/// A title or degree before a name ends no sentence, however it is written: as one
/// word, with a space after a part, after other titles, or ending a compound. It ends
/// one only where initials do, before a dash or a sentence starter.
#[test]
fn titles_and_degrees_end_a_sentence_only_before_a_starter() {
    for line in [
        "Foredraget holdes av dr.scient. Nils Berg fra NMBU.",
        "Foredraget holdes av dr. scient. Nils Berg fra NMBU.",
        "Prof. dr. philos. Eva Lund leder utvalget.",
        "Rapporten er skrevet av professor dr.ing. Per Lie.",
        "Studien ledes av overlege dr. med. Ingrid Moe ved Ullevål.",
        "Det sier nyhetsred. Ola Dahl i Bergens Tidende.",
        "Intervjuet er gjort av red. Kari Nordmann.",
        "Ansv. red. Kari Hansen, mob. 900 00 000.",
        "Han ble dr.philos. i 1990 ved UiO.",
    ] {
        check(line, &[line]);
    }
    let cases: &[(&str, &[&str])] = &[
        ("Hun ble dr.philos. Hun var den første.", &["Hun ble dr.philos.", "Hun var den første."]),
        ("Hun ble dr. philos. I dag forsker hun.", &["Hun ble dr. philos.", "I dag forsker hun."]),
        ("Hun tok en ph.d. I dag underviser hun.", &["Hun tok en ph.d.", "I dag underviser hun."]),
        (
            "Svaret kom fra sjefred. – Det er feil, sa hun.",
            &["Svaret kom fra sjefred.", "Det er feil, sa hun."],
        ),
        // A capitalised compound is a name, which ends a sentence.
        ("Han het Alfred. Kongen kjente ham.", &["Han het Alfred.", "Kongen kjente ham."]),
        // `med.` is a word of its own: only a degree right after `dr.`.
        ("Hun ble med. Turen gikk fint.", &["Hun ble med.", "Turen gikk fint."]),
        ("Han er dr.  med. Turen gikk fint.", &["Han er dr.  med.", "Turen gikk fint."]),
        // The price: a degree that ends a sentence before a word that is no starter.
        ("Hun tok en ph.d. Disputasen var i mai.", &["Hun tok en ph.d. Disputasen var i mai."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// Legal and bibliographic citations: a court report, a parliamentary paper or a part
/// of a section before its number.
#[test]
fn citations_end_no_sentence_before_their_number() {
    for line in [
        "Dette følger av Rt. 1998 s. 1565, se også Rt. 2011 s. 228 avsnitt 41.",
        "Regelen ble innført ved Ot.prp. 45 (2001–2002) og omtalt i St.meld. 12.",
        "Vilkåret står i forskr. § 3 avsn. 2 bokst. b om tilskudd.",
        "Ring etter 16, e.kl. 16 er vi på kontoret.",
    ] {
        check(line, &[line]);
    }
    check(
        "Saken er omtalt i Rt. 2015 s. 905. Den ble likevel anket.",
        &["Saken er omtalt i Rt. 2015 s. 905.", "Den ble likevel anket."],
    );
    // Where no number follows, they end a sentence as a word would.
    check("Forslaget står i St.prp. Det var ventet.", &["Forslaget står i St.prp.", "Det var ventet."]);
    check(
        "Dommen er trykt i Rt. Regjeringen vil se på den.",
        &["Dommen er trykt i Rt.", "Regjeringen vil se på den."],
    );
}

#[test]
fn inner_guillemets_are_quotes() {
    check("Han sa: ‹Jeg kommer.› Så gikk han.", &["Han sa: ‹Jeg kommer.›", "Så gikk han."]);
    check("«Hun ropte ‹Kom hjem!› Så gikk hun.»", &["«Hun ropte ‹Kom hjem!›", "Så gikk hun.»"]);
    check("‹Ja›, sa han. ‹Nei.› Det var alt.", &["‹Ja›, sa han.", "‹Nei.›", "Det var alt."]);
}

#[test]
fn compounds_ending_in_an_abbreviation() {
    // [compound-endings]: whatever follows.
    check(
        "Leder av komiteen, stortingsrepr. Hansen, sa nei.",
        &["Leder av komiteen, stortingsrepr. Hansen, sa nei."],
    );
    check("Vi møtte generalsekr. Olsen i går.", &["Vi møtte generalsekr. Olsen i går."]);
    // [number-compound-endings]: before a number only, as their letters end words.
    check("Han bor i Storgt. 5 i Oslo.", &["Han bor i Storgt. 5 i Oslo."]);
    check("Vi ses i Munkegt. 3 kl. 12.", &["Vi ses i Munkegt. 3 kl. 12."]);
    check("Han bor i Kirkevn. 12 på Majorstuen.", &["Han bor i Kirkevn. 12 på Majorstuen."]);
    // A number's abbreviated name: varenr., startnr., kontonr.; a lawyer's title.
    check("Vinen har varenr. 1234501 og koster 189 kr.", &["Vinen har varenr. 1234501 og koster 189 kr."]);
    check("Hun stiller med startnr. 112 i år.", &["Hun stiller med startnr. 112 i år."]);
    check(
        "Han ble forsvart av advokatfullm. Berg i retten.",
        &["Han ble forsvart av advokatfullm. Berg i retten."],
    );
    check("Han har sagt. Vi gikk.", &["Han har sagt.", "Vi gikk."]);
    check("Han fikk navn. Det var fint.", &["Han fikk navn.", "Det var fint."]);
    // A street's name is capitalised; an everyday word before a number ends its sentence.
    check("Det var langt. 2024 ble et godt år.", &["Det var langt.", "2024 ble et godt år."]);
    check("Båten lå i havn. 12 mann gikk i land.", &["Båten lå i havn.", "12 mann gikk i land."]);
    // A head of one letter is no compound, nor one with a full stop in it.
    check("Det er xgt. 5 av dem gikk.", &["Det er xgt.", "5 av dem gikk."]);
    check("Det er x.repr. Vi gikk.", &["Det er x.repr.", "Vi gikk."]);
}

/// A single-letter measure after a number ends its sentence before a capital, as a
/// final abbreviation does; before a number, after a word, or capitalised (an
/// initial) it does not.
#[test]
fn measures_after_a_number() {
    let cases: &[(&str, &[&str])] = &[
        ("Boka er på 320 s. Den kom ut i mars.", &["Boka er på 320 s.", "Den kom ut i mars."]),
        (
            "Turen tar ca. 5 t. Vi anbefaler å starte tidlig.",
            &["Turen tar ca. 5 t.", "Vi anbefaler å starte tidlig."],
        ),
        ("Bruk 500 g. Deretter rører du.", &["Bruk 500 g.", "Deretter rører du."]),
        ("Romanen har 412 s. «Den er lang», sier hun.", &["Romanen har 412 s.", "«Den er lang», sier hun."]),
        // Not after a number, or before one: the page, `til`.
        ("Se s. 42 for flere bilder.", &["Se s. 42 for flere bilder."]),
        ("Les mer på s. Hansens blogg.", &["Les mer på s. Hansens blogg."]),
        ("Det står i kap. 3 s. 42 i boka.", &["Det står i kap. 3 s. 42 i boka."]),
        // Capitalised, an initial.
        ("Hun het Anne S. Berg.", &["Hun het Anne S. Berg."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// A list bullet before whitespace is layout, as a dialogue dash is; a name starting
/// in lower case before a capital starts a sentence; English titles end none.
#[test]
fn bullets_lower_case_names_and_english_titles() {
    let cases: &[(&str, &[&str])] = &[
        ("• Ingen hunder", &["Ingen hunder"]),
        ("▪ Ingen fisk. ● Ingen katter.", &["Ingen fisk.", "Ingen katter."]),
        ("* Ingen katter", &["Ingen katter"]),
        ("*Viktig* er at alle kommer.", &["*Viktig* er at alle kommer."]),
        ("Appen er laget i Norge. iPad støttes også.", &["Appen er laget i Norge.", "iPad støttes også."]),
        ("Hun solgte den på nett. eBay tok en del.", &["Hun solgte den på nett.", "eBay tok en del."]),
        ("Det er bra. ikke sant?", &["Det er bra. ikke sant?"]),
        // After an ordinal such a name continues the sentence.
        ("Den 3. iPad-en kom i 2012.", &["Den 3. iPad-en kom i 2012."]),
        ("Vi fikk 2. mRNA-dose i mars.", &["Vi fikk 2. mRNA-dose i mars."]),
        ("Det kostet 2024. iPad-en var dyr.", &["Det kostet 2024. iPad-en var dyr."]),
        ("Mr. Smith kom fra London.", &["Mr. Smith kom fra London."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// Regression (a new-user trial): `maks. 8`, `min. 5`, `man. 10–16` and
/// `man.–fre. 10–16` cut the sentence before the figure. Words that are also
/// abbreviations are the abbreviation before a number and the word elsewhere; the last
/// of a range of abbreviations is looked up as one.
#[test]
fn abbreviations_before_a_figure_and_ranges_of_them() {
    let cases: &[(&str, &[&str])] = &[
        ("Kurset har maks. 8 plasser.", &["Kurset har maks. 8 plasser."]),
        ("Vi var 8 personer maks. Resten ventet.", &["Vi var 8 personer maks.", "Resten ventet."]),
        ("Vi fikk gj.sn. 4,5 i karakter.", &["Vi fikk gj.sn. 4,5 i karakter."]),
        ("Temperaturen var min. 5 grader.", &["Temperaturen var min. 5 grader."]),
        ("Det var boka min. Hun lånte den.", &["Det var boka min.", "Hun lånte den."]),
        ("Åpent man. 10–16 og tor. (12–18).", &["Åpent man. 10–16 og tor. (12–18)."]),
        ("Åpent man.–fre. 10–16.", &["Åpent man.–fre. 10–16."]),
        ("Åpent tir./ons. 10-16.", &["Åpent tir./ons. 10-16."]),
        ("Åpent man.–fre. Vi stenger i juli.", &["Åpent man.–fre.", "Vi stenger i juli."]),
        ("Han leder Oslo-avd. Bergen.", &["Han leder Oslo-avd. Bergen."]),
        ("Se alt. 2 i eks. 3.", &["Se alt. 2 i eks. 3."]),
        // A single letter after a dash is no abbreviation: `e-f.` is a word.
        ("Det var plan-B. Vi gikk.", &["Det var plan-B.", "Vi gikk."]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// `nr.` is the number's before a number (`nr. 5`, `nr. 12 B`), and ends a sentence as
/// a word does before anything else: the issue of a magazine (`neste nr. Vi`). A compound
/// (`varenr.`) never ends one. A single capital after a number is still an initial
/// (`12 B. Naboen` stays whole, a price of `K. Hansen`).
#[test]
fn nr_ends_a_sentence_except_before_a_number() {
    check("Les mer i neste nr. Vi gleder oss!", &["Les mer i neste nr.", "Vi gleder oss!"]);
    check(
        "Pris: kr 89,- per nr. Abonnenter betaler mindre.",
        &["Pris: kr 89,- per nr.", "Abonnenter betaler mindre."],
    );
    check("Sak nr. 5 ble vedtatt. Nr. 6 også.", &["Sak nr. 5 ble vedtatt.", "Nr. 6 også."]);
    check("Han bor i Storgata nr. 12 B i Oslo.", &["Han bor i Storgata nr. 12 B i Oslo."]);
    check(
        "Han bor i Storgata nr. 12 B. Naboen heter Hansen.",
        &["Han bor i Storgata nr. 12 B. Naboen heter Hansen."],
    );
    check(
        "Vinen har varenr. 1234501. Den koster 189 kr.",
        &["Vinen har varenr. 1234501.", "Den koster 189 kr."],
    );
    check("Se Nr. 3 i listen.", &["Se Nr. 3 i listen."]);
}

#[test]
fn a_sentence_ends_after_a_full_stop_but_not_after_an_abbreviation() {
    let s = Segmenter::default();
    for ended in ["Hei der.", "Hun kom i 2026.", "Er du der?"] {
        assert!(s.ends_sentence(ended), "{ended:?} should end a sentence");
    }
    for cut in ["Åpningstidene er fra kl.", "Vi har bl.a.", "Det gjelder f.eks."] {
        assert!(!s.ends_sentence(cut), "{cut:?} should not end a sentence");
    }
}
