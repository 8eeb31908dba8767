//! Quality checks on a translation: remarks a reviewer should see, never a reason to
//! refuse the row.
//!
//! Numbers missing or changed, a target identical to the source, unbalanced quotes or
//! brackets, sentence-final punctuation that differs, and a line break the source does
//! not have (when the source keeps its quotes balanced), tags (`{1}…{/1}`) typed in the
//! translation of a sentence that has none, a pair of tags around words in the source
//! and around nothing in the target (the formatting lost); and, with a glossary
//! ([`terms`]), a term's English missing from the target or a forbidden word in it; and
//! ([`kept_words`]) the source's words kept word for word at the target's start or end,
//! Norwegian left standing, which holds back a copied source only half translated. Tags (`{1}`, `{/1}`, `{2/}`)
//! are set aside first. The checks are deliberately
//! simple and explainable; they compare digits, not meanings, so `3,5` and `3.5` agree.

use crate::glossary::{english_find, english_has, Glossary};
use crate::shown::quoted;
use crate::text::{normalize, LINE_BREAKS};

/// The remarks on translating `source` as `target` (empty when all is well).
pub fn check(source: &str, target: &str) -> Vec<String> {
    check_tagged(source, target, &[])
}

/// [`check`], with what the source's tags stand for as a batch names them (`tags`:
/// `{1}…{/1}` and `italic`, [`crate::document::Document::tags`]), so a remark on a
/// tag names its formatting as the export showed it.
pub fn check_tagged(source: &str, target: &str, tags: &[(String, String)]) -> Vec<String> {
    use crate::document::inline;
    let mut out = Vec::new();
    // Tags a sentence without any does not have, well formed, look like a tag typed on
    // purpose; braces are text in plain text, but a formatted document has no markup
    // for them, and leaves the sentence untranslated.
    if inline::codes(source).is_empty() {
        let added = inline::codes(target);
        if let Some(first) = added.first().filter(|_| inline::check(target, target).is_ok()) {
            out.push(format!(
                "the target has the tag {first}, which the source does not have: a plain-text edition writes it \
                 as it is, but in a formatted document (Word, LibreOffice, Markdown, HTML) the translation is not \
                 used; remove it unless the braces are meant as text"
            ));
        }
    }
    // A pair of tags around words in the source and around nothing in the target (a CAT
    // tool's `<g id="1"/>`, the tags pushed together): the formatting is lost in the
    // edition, which no tag check sees, as every tag is there.
    for (code, words) in emptied_pairs(source, target) {
        let pair = format!("{}…{}", inline::Code::Open(code), inline::Code::Close(code));
        let what = tags.iter().find(|(c, _)| *c == pair).map(|(_, what)| format!(" ({what})"));
        out.push(format!(
            "the tags {pair} are around nothing in the target: the formatting around {}{} in the source is now \
             around nothing, and the edition loses it; put the words it belongs to between them",
            quoted(&words),
            what.unwrap_or_default()
        ));
    }
    // HTML typed into a translation (`&amp;`, `<strong>`), as a translator used to web
    // pages may: every edition shows it as text, where tolk's tags make formatting.
    if let Some(typed) = markup(target).into_iter().find(|m| !source.contains(m)) {
        // Only a sentence with tags has any to keep: to one without, the advice would
        // read as an invitation to type `{1}…{/1}`, which its edition cannot place.
        let keep = match inline::codes(source).is_empty() {
            true => "; formatting is not translated here, the sentence has none",
            false => ", and keep the tags the sentence came with ({1}…{/1}) for formatting",
        };
        out.push(format!(
            "the target has {typed}, markup the source does not have: the edition shows it as it is typed; \
             write the character itself{keep}"
        ));
    }
    // Tags are no text: their numbers are no numbers, and `.{/1}` ends with a full stop.
    let (source, target) = (&inline::strip(source), &inline::strip(target));
    let calling_code_left_out = without_calling_code(source, target);
    let (s, mut t) = (numbers(source), numbers(&calling_code_left_out));
    // Norwegian tells the time on the 24-hour clock, English often on the twelve-hour
    // one: `kl. 17.00` is "5 p.m.".
    on_24_hour_clock(&calling_code_left_out, &mut t);
    let (mut s_runs, mut t_runs) = (runs(&s), runs(&t));
    // A number one side writes in digits and the other in words (`3. etasje`, "the
    // third floor"; "tre barn", "3 children") agrees.
    let (s_spelled, t_spelled) = (spelled(source, NORWEGIAN), spelled(target, ENGLISH));
    let (s_only, t_only) = (difference(&s_runs, &t_runs), difference(&t_runs, &s_runs));
    t_runs.extend(written_out(&s_only, t_spelled));
    s_runs.extend(written_out(&t_only, s_spelled));
    s_runs.sort_unstable();
    t_runs.sort_unstable();
    if s_runs != t_runs {
        // Named as written, whole: `2,5 missing`, not `2, 5`.
        let missing = named(&s, &t_runs);
        let added = named(&t, &s_runs);
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("{} missing from the target", missing.join(", ")));
        }
        if !added.is_empty() {
            parts.push(format!("{} not in the source", added.join(", ")));
        }
        out.push(format!("numbers differ: {}", parts.join("; ")));
    }
    if normalize(source) == normalize(target) {
        out.push("the target is the same as the source".into());
    }
    // A quotation that runs over two sentences leaves each unbalanced in both languages:
    // only a target that breaks what the source keeps is worth a remark.
    if let (None, Some(pair)) = (unbalanced(source), unbalanced(target)) {
        out.push(format!("unbalanced {pair} in the target"));
    }
    if target.trim().contains(LINE_BREAKS) && !source.trim().contains(LINE_BREAKS) {
        out.push(
            "the target has a line break the source does not have; it is kept in the memory, and the \
             edition puts a space there, as the sentence stands on one line"
                .into(),
        );
    }
    let (a, b) = (final_punctuation(source), final_punctuation(target));
    // The full stop of an abbreviation (`12 mnd.`) is the word's, not the sentence's:
    // "12 months" needs none.
    let abbreviated = a == Some('.') && ends_with_abbreviation(source) && b.is_none_or(|b| b == '.');
    if a != b && !abbreviated {
        let show = |c: Option<char>| c.map_or("none".to_string(), |c| format!("{c:?}"));
        out.push(format!(
            "sentence-final punctuation differs: {} in the source, {} in the target",
            show(a),
            show(b)
        ));
    }
    out
}

/// The pairs of codes (`{n}…{/n}`) of `source` that hold words there but nothing in
/// `target` (or only spaces), each by its number with the words it holds in `source`,
/// when both have well-formed codes that agree ([`crate::document::inline::check`]).
fn emptied_pairs(source: &str, target: &str) -> Vec<(u32, String)> {
    use crate::document::inline;
    if inline::codes(source).is_empty()
        || inline::check(source, source).is_err()
        || inline::check(source, target).is_err()
    {
        return Vec::new();
    }
    let (inside_source, inside_target) = (inside_pairs(source), inside_pairs(target));
    let mut out: Vec<(u32, String)> = (inside_source.into_iter())
        .filter(|(code, words)| {
            !words.trim().is_empty() && inside_target.get(code).is_some_and(|t| t.trim().is_empty())
        })
        .collect();
    out.sort_unstable();
    out
}

/// The text inside each pair of codes of `text` (nested pairs' text included, their
/// codes left out), by the pair's number; in one pass, each pair's text a slice of all
/// the text.
fn inside_pairs(text: &str) -> std::collections::HashMap<u32, String> {
    use crate::document::inline::{pieces, Code, Piece};
    let mut plain = String::new();
    let mut opened: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut spans = Vec::new();
    for piece in pieces(text) {
        match piece {
            Piece::Text(t) => plain.push_str(t),
            Piece::Code(Code::Open(n), _) => _ = opened.entry(n).or_insert(plain.len()),
            Piece::Code(Code::Close(n), _) => spans.extend(opened.remove(&n).map(|at| (n, at, plain.len()))),
            Piece::Code(Code::Lone(_), _) => {}
        }
    }
    spans.into_iter().map(|(n, from, to)| (n, plain[from..to].to_string())).collect()
}

/// The pieces of `text` that are HTML markup typed as text: a character reference of
/// HTML's that a translator types (`&amp;`, `&nbsp;`, `&#229;`) or a tag of an element
/// a web page's text has (`<strong>`, `</a>`, `<br/>`, `<a href="…">`). A placeholder a
/// sentence has in angle brackets (`<filnavn>`, `<Ctrl>`, an address) is none.
fn markup(text: &str) -> Vec<&str> {
    const ENTITIES: [&str; 24] = [
        "amp", "lt", "gt", "quot", "apos", "nbsp", "shy", "ndash", "mdash", "hellip", "laquo", "raquo",
        "ldquo", "rdquo", "lsquo", "rsquo", "bdquo", "copy", "reg", "trade", "euro", "aring", "oslash",
        "aelig",
    ];
    const ELEMENTS: [&str; 34] = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "cite",
        "code",
        "del",
        "div",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "td",
        "tr",
        "u",
        "ul",
    ];
    let mut found = Vec::new();
    for (i, c) in text.char_indices() {
        let rest = &text[i..];
        let piece = match c {
            '&' => rest[1..].find(';').filter(|&end| (1..=31).contains(&end)).and_then(|end| {
                let name = &rest[1..1 + end];
                let named = ENTITIES.contains(&name.to_ascii_lowercase().as_str());
                let number = name.strip_prefix('#').is_some_and(|n| {
                    let (digits, hex) = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => (hex, true),
                        None => (n, false),
                    };
                    !digits.is_empty()
                        && digits
                            .bytes()
                            .all(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() })
                });
                (named || number).then(|| &rest[..end + 2])
            }),
            '<' => {
                let inner = rest[1..].strip_prefix('/').unwrap_or(&rest[1..]);
                let element: String = inner
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let after = &inner[element.len()..];
                // The name alone, or followed by attributes or `/`.
                let shaped = after.starts_with(['>', '/', ' ']);
                let end = rest.find('>').filter(|&end| end <= 200 && !rest[1..end].contains('<'));
                end.filter(|_| shaped && ELEMENTS.contains(&element.as_str())).map(|end| &rest[..=end])
            }
            _ => None,
        };
        found.extend(piece);
    }
    found
}

/// The remarks on the glossary's terms in translating `source` as `target`: a term of
/// the source whose English the target lacks (in the singular or the plural), and an
/// English word the glossary forbids for a term of the source that the target uses.
pub fn terms(glossary: &Glossary, source: &str, target: &str) -> Vec<String> {
    let mut out = Vec::new();
    let target = crate::document::inline::strip(target);
    let hits = glossary.find(source);
    let mut seen = Vec::new();
    for hit in &hits {
        if seen.contains(&hit.term) {
            continue;
        }
        seen.push(hit.term);
        let term = &glossary.terms[hit.term];
        if !english_has(&target, &term.en) {
            out.push(format!(
                "term {}: the source has {}, the target lacks {} (glossary row {})",
                term.nb,
                quoted(&hit.form),
                quoted(&term.en),
                term.row
            ));
        } else if let Some(found) =
            english_find(&target, &term.en).filter(|found| is_acronym(&term.en) && *found != term.en)
        {
            // An acronym kept as it is (`OKS`) is written in capitals, not `Oks`.
            out.push(format!(
                "term {}: the target has {}; write it {}, as the glossary does (glossary row {})",
                term.nb,
                quoted(found),
                quoted(&term.en),
                term.row
            ));
        }
        for word in &term.forbidden {
            if let Some(found) = english_find(&target, word) {
                out.push(format!(
                    "term {}: the target has {}, which the glossary forbids; use {} (glossary row {})",
                    term.nb,
                    quoted(found),
                    quoted(&term.en),
                    term.row
                ));
            }
        }
    }
    out
}

/// Whether `word` is written in capitals only (`OKS`, `NRK`), two letters or more.
fn is_acronym(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
}

/// The numbers of `text` as written, each with its runs of digits, which are what is
/// compared ([`compared`]): `2,5` and `2.5` are both 2 and 5, `12 500`, `12,500` and
/// `12500` all 12500, `08.30` and `8:30` both 8 and 30. A number is digits joined by a
/// `.`, `,` or `:` before more digits, or by a space (a no-break one too) before a
/// group of three: `2,5`, `12 500`, `08:30`.
fn numbers(text: &str) -> Vec<(&str, Vec<String>)> {
    raw_numbers(text).into_iter().map(|(written, runs)| (written, compared(written, &runs))).collect()
}

/// The numbers of `text` ([`numbers`]) that are times of the twelve-hour clock (`5
/// p.m.`, `7.30 am`, `12 a.m.`) as the 24-hour clock writes them, so that they agree
/// with a Norwegian `17.00`, `07.30` or `00.00`.
fn on_24_hour_clock(text: &str, numbers: &mut [(&str, Vec<String>)]) {
    for (written, runs) in numbers.iter_mut() {
        let end = written.as_ptr() as usize - text.as_ptr() as usize + written.len();
        let after = text[end..].strip_prefix([' ', '\u{a0}', '\u{202f}']).unwrap_or(&text[end..]);
        let lower = after.get(..4).unwrap_or(after).to_ascii_lowercase();
        let Some((marker, len)) = [("a.m.", 4), ("p.m.", 4), ("a.m", 3), ("p.m", 3), ("am", 2), ("pm", 2)]
            .into_iter()
            .find(|(m, _)| lower.starts_with(m))
        else {
            continue;
        };
        if after[len..].starts_with(char::is_alphanumeric) || runs.len() > 2 {
            continue;
        }
        let Ok(hour) = runs[0].parse::<u32>() else { continue };
        if !(1..=12).contains(&hour) {
            continue;
        }
        let hour = match (marker.starts_with('p'), hour) {
            (true, 12) | (false, 1..=11) => hour,
            (true, _) => hour + 12,
            (false, _) => 0,
        };
        runs[0] = hour.to_string();
    }
}

/// The runs of digits of a number `written` as the check compares them: a number
/// grouped in thousands (a lead of one to three digits, then groups of three after a
/// space, a dot or a comma, as Norwegian and English group them) as its digits alone,
/// so `3000` and `3,000` agree; every run without its leading zeros (`05` is `5`).
fn compared(written: &str, runs: &[&str]) -> Vec<String> {
    let unpadded = |run: &str| {
        let kept = run.trim_start_matches('0');
        if kept.is_empty() { "0" } else { kept }.to_string()
    };
    let grouped = runs.len() > 1
        && (1..=3).contains(&runs[0].len())
        && runs[1..].iter().all(|r| r.len() == 3)
        && !written.contains(':');
    // A time on the hour (`17.00`, `8:00`) is its hour, as English often writes it.
    let on_the_hour = runs.len() == 2
        && runs[0].len() <= 2
        && runs[1] == "00"
        && matches!(written.as_bytes().get(runs[0].len()), Some(b'.' | b':'));
    match (grouped, on_the_hour) {
        (true, _) => vec![unpadded(&runs.concat())],
        (false, true) => vec![unpadded(runs[0])],
        (false, false) => runs.iter().map(|r| unpadded(r)).collect(),
    }
}

/// The numbers of `text` as written, each with its runs of digits as written.
fn raw_numbers(text: &str) -> Vec<(&str, Vec<&str>)> {
    let b = text.as_bytes();
    let digits = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut runs = Vec::new();
        loop {
            let n = digits(i);
            runs.push(&text[i..i + n]);
            i += n;
            let rest = &text[i..];
            let gap = match rest.chars().next() {
                Some('.' | ',' | ':') => 1,
                Some(c @ (' ' | '\u{a0}' | '\u{202f}')) if digits(i + c.len_utf8()) == 3 => c.len_utf8(),
                _ => 0,
            };
            if gap == 0 || digits(i + gap) == 0 {
                break;
            }
            i += gap;
        }
        // A number in scientific notation (`1e5`, `1.5E-3`) is one number, not two: its
        // digits and its exponent.
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let exponent = if matches!(b.get(i), Some(b'e' | b'E')) { digits(i + 1 + sign) } else { 0 };
        let end = i + 1 + sign + exponent;
        if exponent > 0 && !text[end..].starts_with(char::is_alphanumeric) {
            runs.push(&text[i..end]);
            out.push((&text[start..end], runs));
            i = end;
            continue;
        }
        out.push((&text[start..i], runs));
    }
    out
}

/// The numbers from 2 to 20 and the tens to 90 as English words, cardinal and ordinal,
/// and their values: those that are nothing but numbers ("one", "first" and "second"
/// are also a pronoun, an adverb and a unit of time, so they stand for no digits).
const ENGLISH: &[(&str, u32)] = &[
    ("two", 2),
    ("three", 3),
    ("third", 3),
    ("four", 4),
    ("fourth", 4),
    ("five", 5),
    ("fifth", 5),
    ("six", 6),
    ("sixth", 6),
    ("seven", 7),
    ("seventh", 7),
    ("eight", 8),
    ("eighth", 8),
    ("nine", 9),
    ("ninth", 9),
    ("ten", 10),
    ("tenth", 10),
    ("eleven", 11),
    ("eleventh", 11),
    ("twelve", 12),
    ("twelfth", 12),
    ("thirteen", 13),
    ("thirteenth", 13),
    ("fourteen", 14),
    ("fourteenth", 14),
    ("fifteen", 15),
    ("fifteenth", 15),
    ("sixteen", 16),
    ("sixteenth", 16),
    ("seventeen", 17),
    ("seventeenth", 17),
    ("eighteen", 18),
    ("eighteenth", 18),
    ("nineteen", 19),
    ("nineteenth", 19),
    ("twenty", 20),
    ("twentieth", 20),
    ("thirty", 30),
    ("thirtieth", 30),
    ("forty", 40),
    ("fortieth", 40),
    ("fifty", 50),
    ("fiftieth", 50),
    ("sixty", 60),
    ("sixtieth", 60),
    ("seventy", 70),
    ("seventieth", 70),
    ("eighty", 80),
    ("eightieth", 80),
    ("ninety", 90),
    ("ninetieth", 90),
];

/// The same in Bokmål and Nynorsk, without the words that are also other words: "en",
/// "ett", "ein" (also the article), "første", "fyrste", "andre" (also "other"), "tre"
/// (also "wood").
const NORWEGIAN: &[(&str, u32)] = &[
    ("to", 2),
    ("tredje", 3),
    ("fire", 4),
    ("fjerde", 4),
    ("fem", 5),
    ("femte", 5),
    ("seks", 6),
    ("sjette", 6),
    ("sju", 7),
    ("syv", 7),
    ("sjuende", 7),
    ("syvende", 7),
    ("sjuande", 7),
    ("åtte", 8),
    ("åttende", 8),
    ("åttande", 8),
    ("ni", 9),
    ("niende", 9),
    ("niande", 9),
    ("ti", 10),
    ("tiende", 10),
    ("tiande", 10),
    ("elleve", 11),
    ("ellevte", 11),
    ("tolv", 12),
    ("tolvte", 12),
    ("tretten", 13),
    ("trettende", 13),
    ("trettande", 13),
    ("fjorten", 14),
    ("fjortende", 14),
    ("fjortande", 14),
    ("femten", 15),
    ("femtende", 15),
    ("femtande", 15),
    ("seksten", 16),
    ("sekstende", 16),
    ("sekstande", 16),
    ("sytten", 17),
    ("syttende", 17),
    ("syttande", 17),
    ("atten", 18),
    ("attende", 18),
    ("attande", 18),
    ("nitten", 19),
    ("nittende", 19),
    ("nittande", 19),
    ("tjue", 20),
    ("tjuge", 20),
    ("tyve", 20),
    ("tjuende", 20),
    ("tjugande", 20),
    ("tretti", 30),
    ("tredve", 30),
    ("førti", 40),
    ("femti", 50),
    ("seksti", 60),
    ("sytti", 70),
    ("åtti", 80),
    ("nitti", 90),
];

/// The values of the words of `text` that `words` lists, lower-cased; English's
/// `twenty-five` is 25.
fn spelled(text: &str, words: &[(&str, u32)]) -> Vec<u32> {
    let value = |w: &str| words.iter().find(|(word, _)| *word == w).map(|&(_, n)| n);
    text.split(|c: char| !c.is_alphabetic() && c != '-')
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            let w = w.to_lowercase();
            match w.split_once('-') {
                Some((tens, unit)) => {
                    match (value(tens), if unit == "one" { Some(1) } else { value(unit) }) {
                        (Some(t), Some(u)) if t >= 20 && t % 10 == 0 && u < 10 => Some(t + u),
                        _ => None,
                    }
                }
                None => value(&w),
            }
        })
        .collect()
}

/// The runs of `a` that `b` lacks (each counted as often as `a` has it more).
fn difference<'a>(a: &[&'a str], b: &[&str]) -> Vec<&'a str> {
    let mut left: Vec<&str> = b.to_vec();
    let mut out = Vec::new();
    for run in a {
        match left.iter().position(|r| r == run) {
            Some(at) => _ = left.swap_remove(at),
            None => out.push(*run),
        }
    }
    out
}

/// Of `runs`, those the other side writes out in words, `words` being their values
/// (each word counted once).
fn written_out<'a>(runs: &[&'a str], mut words: Vec<u32>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for run in runs {
        let Ok(n) = run.parse::<u32>() else { continue };
        if let Some(at) = words.iter().position(|&w| w == n) {
            words.swap_remove(at);
            out.push(*run);
        }
    }
    out
}

/// The runs of digits of `numbers`, sorted.
fn runs<'a>(numbers: &'a [(&str, Vec<String>)]) -> Vec<&'a str> {
    let mut runs: Vec<&str> = numbers.iter().flat_map(|(_, r)| r.iter().map(String::as_str)).collect();
    runs.sort_unstable();
    runs
}

/// The numbers of `numbers` (as written) that hold a run of digits `other` lacks,
/// counting each run once per number that holds it; where only the count of a number
/// differs, the number that occurs once more.
fn named<'a>(numbers: &[(&'a str, Vec<String>)], other: &[&str]) -> Vec<&'a str> {
    let mut left: Vec<&str> = other.to_vec();
    let mut out = Vec::new();
    for (written, runs) in numbers {
        let mut lacks = false;
        for run in runs {
            match left.iter().position(|r| r == run) {
                Some(at) => _ = left.swap_remove(at),
                None => lacks = true,
            }
        }
        if lacks {
            out.push(*written);
        }
    }
    out
}

/// How many ordinary words ([`kept_words`]) of the copy of its source a target the
/// batch wrote as that copy (`export --copy-source`) may keep at its start or end and
/// still be taken as translated. A CAT tool that splits the sentence in two (OmegaT's
/// own rules, at `kl.`) leaves half of it the copy when only the other half is
/// translated; three ordinary words are a clause's worth, where a name (`Kari
/// Nordmann`), a number or a word or two the languages share are not.
pub const COPY_LEFT: usize = 3;

/// The words ([`kept_words`]) any target may end or start with word for word as its
/// source does before the import remarks on it: four, two of them ordinary.
pub const SOURCE_LEFT: (usize, usize) = (4, 2);

/// Where a translation keeps words of its source word for word: at its start or its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The target begins with the source's first words.
    Start,
    /// The target ends with the source's last words.
    End,
}

impl End {
    /// What the target does with the words: it `begins` or `ends` with them.
    pub fn verb(self) -> &'static str {
        match self {
            End::Start => "begins",
            End::End => "ends",
        }
    }
}

/// A run of the source's words a target keeps word for word at one end
/// ([`kept_words`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Which end.
    pub end: End,
    /// How many words the run has.
    pub words: usize,
    /// How many of them are ordinary words ([`kept_words`]): the evidence that the run
    /// is Norwegian left standing, where a name or a number stays the same in English.
    pub ordinary: usize,
    /// The run as the source has it, tags set aside.
    pub text: String,
}

/// The longer run of `source`'s words (by ordinary words, then words) that `target`
/// keeps word for word at its start or its end, tags set aside, if the target is not the
/// source itself. Words are the text between white space, compared without the
/// punctuation around them (`hverdager.` and `hverdager` agree); a word with a quote
/// mark in it ends the run, as a title or a quotation is often left in Norwegian on
/// purpose. An *ordinary* word has letters and starts with a small one (`på`,
/// `hverdager`, `kl.`), or is the source's first word: a name (`Kari Nordmann`, `Oslo`)
/// or a number (`10.00`) is no ordinary word, as it may well stay the same in English.
pub fn kept_words(source: &str, target: &str) -> Option<Kept> {
    use crate::document::inline;
    let (source, target) = (inline::strip(source), inline::strip(target));
    if normalize(&source) == normalize(&target) {
        return None;
    }
    let quote = |w: &str| w.contains(['«', '»', '“', '”', '„', '"', '‘', '’', '\'']);
    let bare = |w: &'_ str| -> String { w.trim_matches(|c: char| !c.is_alphanumeric()).to_string() };
    let tokens = |text: &str| -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    out.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        // A token of punctuation alone (a dash) is no word.
        out.retain(|&(a, b)| text[a..b].chars().any(char::is_alphanumeric));
        out
    };
    let (s, t) = (tokens(&source), tokens(&target));
    let run = |pairs: &mut dyn Iterator<Item = (usize, (usize, usize))>| -> Vec<usize> {
        let mut kept = Vec::new();
        for (k, (a, b)) in pairs {
            let (sw, tw) = (&source[s[k].0..s[k].1], &target[a..b]);
            if quote(sw) || quote(tw) || bare(sw) != bare(tw) {
                break;
            }
            kept.push(k);
        }
        kept
    };
    let n = s.len().min(t.len());
    let from_start = run(&mut (0..n).map(|j| (j, t[j])));
    let from_end = run(&mut (1..=n).map(|j| (s.len() - j, t[t.len() - j])));
    let measured = |end: End, mut kept: Vec<usize>| -> Option<Kept> {
        kept.sort_unstable();
        let (&first, &last) = (kept.first()?, kept.last()?);
        let ordinary = kept
            .iter()
            .filter(|&&k| {
                let w = &source[s[k].0..s[k].1];
                let letter = w.chars().find(|c| c.is_alphabetic());
                letter.is_some_and(|c| k == 0 || c.is_lowercase())
            })
            .count();
        let text = source[s[first].0..s[last].1].to_string();
        Some(Kept { end, words: kept.len(), ordinary, text })
    };
    let start = measured(End::Start, from_start);
    let end = measured(End::End, from_end);
    match (start, end) {
        (Some(a), Some(b)) => Some(if (b.ordinary, b.words) > (a.ordinary, a.words) { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The remark on a target that keeps `kept` of its source's words at one end.
pub fn kept_remark(kept: &Kept) -> String {
    let verb = kept.end.verb();
    let where_ = match kept.end {
        End::Start => "start",
        End::End => "end",
    };
    format!(
        "the target {verb} with {}, {} words word for word as the source's {where_}: Norwegian left untranslated? \
         translate them, unless they are a name or title that stays the same in English",
        quoted(&kept.text),
        kept.words
    )
}

/// The first kind of quote or bracket that does not balance.
fn unbalanced(text: &str) -> Option<&'static str> {
    let count = |c: char| text.chars().filter(|&x| x == c).count();
    for (open, close, name) in [
        ('(', ')', "brackets ()"),
        ('[', ']', "brackets []"),
        ('“', '”', "quotes “”"),
        ('«', '»', "quotes «»"),
    ] {
        if count(open) != count(close) {
            return Some(name);
        }
    }
    (count('"') % 2 == 1).then_some("quotes \"")
}

/// Whether `text` ends with an abbreviation the segmenter's Norwegian rules know
/// (`mnd.`, `osv.`, `kr.`), whose full stop is part of the word.
fn ends_with_abbreviation(text: &str) -> bool {
    static RULES: std::sync::OnceLock<crate::segment::Rules> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(crate::segment::Rules::norwegian);
    let Some(last) = text.split_whitespace().last().map(str::to_lowercase) else {
        return false;
    };
    [
        &rules.abbreviations,
        &rules.final_abbreviations,
        &rules.measure_abbreviations,
        &rules.lowercase_abbreviations,
    ]
    .iter()
    .any(|set| set.contains(&last))
}

/// `target` without a country calling code put before a phone number the source writes
/// without one (`+47 22 33 44 55` for `22 33 44 55`): localisation, not a number added.
fn without_calling_code(source: &str, target: &str) -> String {
    if source.contains('+') {
        return target.to_string();
    }
    let mut out = String::with_capacity(target.len());
    let mut rest = target;
    while let Some(at) = rest.find('+') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let tail = &after[digits..];
        let phone =
            tail.strip_prefix([' ', '\u{a0}']).is_some_and(|t| t.starts_with(|c: char| c.is_ascii_digit()));
        if (1..=3).contains(&digits)
            && phone
            && source.contains(tail.trim_start().split(' ').next().unwrap_or(""))
        {
            rest = tail;
        } else {
            out.push('+');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The sentence's final punctuation, looking through closing quotes and brackets.
fn final_punctuation(text: &str) -> Option<char> {
    let trimmed = text.trim_end().trim_end_matches(['»', '”', '"', ')', ']', '’', '\'']);
    let c = trimmed.chars().last()?;
    match c {
        '.' | '!' | '?' | '…' | ':' | ';' => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(end, words, ordinary, text)` of [`kept_words`].
    #[track_caller]
    fn kept(source: &str, target: &str) -> Option<(End, usize, usize, String)> {
        kept_words(source, target).map(|k| (k.end, k.words, k.ordinary, k.text))
    }

    #[test]
    fn the_copy_left_at_either_end_is_measured_in_ordinary_words() {
        // OmegaT split the sentence at `kl.`: the second half is the copy.
        let source = "Åpningstidene er fra kl. 10.00 til 18.00 på hverdager.";
        assert_eq!(
            kept(source, "Opening hours are from 10.00 til 18.00 på hverdager."),
            Some((End::End, 5, 3, "10.00 til 18.00 på hverdager.".into()))
        );
        assert_eq!(
            kept(source, "Åpningstidene er fra kl. 10 to 6 on weekdays."),
            Some((End::Start, 4, 4, "Åpningstidene er fra kl.".into()))
        );
        // A name or a number that stays the same is no ordinary word.
        assert_eq!(
            kept("Vi snakket med Kari Nordmann.", "We talked with Kari Nordmann."),
            Some((End::End, 2, 0, "Kari Nordmann.".into()))
        );
        assert_eq!(
            kept("Det kostet 45 kroner.", "It cost 45 kroner"),
            Some((End::End, 2, 1, "45 kroner.".into()))
        );
        // Punctuation around a word does not count, tags are set aside, and a quoted
        // title ends the run.
        assert_eq!(
            kept("Hun bor {1}på hjørnet{/1} av gata.", "She lives på hjørnet av gata"),
            Some((End::End, 4, 4, "på hjørnet av gata.".into()))
        );
        assert_eq!(kept("Vi så «Norge i rødt og hvitt».", "We saw «Norge i rødt og hvitt»."), None);
        // The source itself, or nothing in common, is no run.
        assert_eq!(kept("Hei der.", "Hei  der."), None);
        assert_eq!(kept("Hei der.", "Hello there."), None);
    }

    /// An abbreviation's full stop, and a country calling code before a phone number,
    /// draw no remark; a number added after a `+` that is no calling code still does.
    #[test]
    fn an_abbreviations_stop_and_a_calling_code_are_no_remark() {
        assert_eq!(check("12 mnd.", "12 months"), Vec::<String>::new());
        assert_eq!(check("12 mnd.", "12 mo."), Vec::<String>::new());
        assert_eq!(check("Ring 22 33 44 55.", "Call +47 22 33 44 55."), Vec::<String>::new());
        assert_eq!(
            check("Det var 12.", "It was 12"),
            ["sentence-final punctuation differs: '.' in the source, none in the target"]
        );
        assert_eq!(
            check("Ring 22 33 44 55.", "Call +46 22 33 44 56."),
            ["numbers differ: 55 missing from the target; 56 not in the source"]
        );
        assert_eq!(check("Det er 5.", "It is 5 +3."), ["numbers differ: 3 not in the source"]);
    }

    #[test]
    fn tags_are_no_numbers_or_punctuation_and_a_quote_split_in_the_source_is_no_remark() {
        assert_eq!(
            check("Hos {1}Lyse{/1} er vi glade{2/}.", "At {1}Lyse{/1} we are happy{2/}."),
            Vec::<String>::new()
        );
        assert_eq!(check("{1}Hva er det?{/1}", "{1}What is it?{/1}"), Vec::<String>::new());
        assert_eq!(check("Han sa: «Vi kommer.", "He said: “We are coming."), Vec::<String>::new());
        assert_eq!(
            check("Han sa: «Vi kommer.»", "He said: “We are coming."),
            ["unbalanced quotes “” in the target"]
        );
    }

    /// Regression: a CAT tool's tag pair pushed together (`<g id="1"/>` where the source
    /// has `<g id="1">vilkårene</g>`) came in as `{1}{/1}` without a word, and the
    /// edition lost the formatting.
    #[test]
    fn a_pair_of_tags_around_words_in_the_source_and_nothing_in_the_target_is_remarked() {
        let remark =
            |source: &str, target: &str| check(source, target).into_iter().find(|r| r.contains("tags"));
        let emptied = remark(
            "Les {1}vilkårene{/1} og trykk {2}Godta{/2}.",
            "Read the terms{1}{/1} and press {2}Accept{/2}.",
        );
        assert_eq!(
            emptied.as_deref(),
            Some(
                "the tags {1}…{/1} are around nothing in the target: the formatting around \"vilkårene\" in the \
                 source is now around nothing, and the edition loses it; put the words it belongs to between them"
            )
        );
        // Named as the batch names the tag, when it is known.
        let tags = [("{1}…{/1}".to_string(), "italic".to_string()), ("{2/}".into(), "tab".into())];
        let named = check_tagged("Les {1}vilkårene{/1} nå.", "Read{1}{/1} the terms now.", &tags);
        assert!(
            named
                .iter()
                .any(|r| r.contains("around \"vilkårene\" (italic) in the source is now around nothing")),
            "{named:?}"
        );
        // Only spaces, or only a lone code, is nothing either; the words of a pair nested
        // inside are the outer pair's.
        assert!(remark("Les {1}vilkårene{/1}.", "Read the { 1}{1} {/1} terms.").is_some());
        assert!(remark("Se {1}{2/}her{/1}.", "See {1}{2/}{/1} here.").is_some());
        assert_eq!(remark("Se {1}{2}her{/2}{/1}.", "See {1}{2}here{/2}{/1}."), None);
        // A pair around nothing in the source too, or tags that do not agree, is no remark.
        assert_eq!(remark("Se {1}{/1}her.", "See {1}{/1}here."), None);
        assert_eq!(remark("Les {1}vilkårene{/1}.", "Read the {1}{/2} terms."), None);
        assert_eq!(remark("Les {1}vilkårene{/1}.", "Read the {1}terms{/1}."), None);
    }

    #[test]
    fn tags_a_sentence_without_any_does_not_have_are_remarked_unless_they_are_braces() {
        let remark =
            |source: &str, target: &str| check(source, target).into_iter().find(|r| r.contains("tag"));
        let added = remark("Det var en fin dag.", "It was a {1}fine{/1} day.").expect("remarked");
        assert!(added.starts_with("the target has the tag {1}, which the source does not have"), "{added}");
        assert!(remark("Vi gikk.", "We went {1/} home.").is_some());
        // Braces that are no pair of tags, and tags the source has, are no remark.
        assert_eq!(remark("Det var en fin dag.", "It was a {0} day {all} long."), None);
        assert_eq!(remark("Det var en fin dag.", "It was a {1}fine day."), None);
        assert_eq!(remark("En {1}fin{/1} dag.", "A {1}fine{/1} day."), None);
    }

    #[test]
    fn html_typed_into_a_translation_is_remarked() {
        let remark =
            |source: &str, target: &str| check(source, target).into_iter().find(|r| r.contains("markup"));
        let typed = remark("Mat og drikke", "Food &amp; drink").expect("remarked");
        assert!(typed.starts_with("the target has &amp;, markup the source does not have"), "{typed}");
        // A sentence without tags has none to keep: the remark does not offer `{1}…{/1}`.
        assert!(!typed.contains("{1}"), "{typed}");
        let tagged =
            remark("Hennes {1}første{/1} stjerne &.", "Her {1}first{/1} star &amp;.").expect("remarked");
        assert!(tagged.contains("keep the tags the sentence came with ({1}…{/1})"), "{tagged}");
        assert!(remark("Hennes første stjerne.", "Her <strong>first</strong> star.").is_some());
        assert!(remark("Første stjerne.", "First&nbsp;star.").is_some());
        assert!(remark("Ja.", "Yes&#8202;.").is_some());
        // Text that only looks a little like it, and markup the source has too, is none.
        for (source, target) in [
            ("Under 5 grader.", "Below 5 degrees; 3 < 4 > 2."),
            ("Fisk & chips.", "Fish & chips; R&D."),
            ("Skriv <navn>.", "Write <navn>."),
            ("Skriv <filnavn>.", "Write <filename>."),
            ("Se e-post.", "See <kari@lyse.no>."),
            ("Trykk Ctrl.", "Press <Ctrl>."),
            ("Hvis a<b, så c>d.", "If a<b, then c>d."),
            ("Q og A", "Q&A; here, Tom&Jerry; fine"),
        ] {
            assert_eq!(remark(source, target), None, "{target}");
        }
    }

    #[test]
    fn glossary_terms_missing_or_forbidden_are_remarked() {
        let mut kunde = crate::glossary::Term::new("kunde", "customer");
        kunde.forbidden = vec!["client".into()];
        kunde.row = 2;
        let g = Glossary::new(vec![kunde, crate::glossary::Term::new("OKS", "OKS")]);
        assert!(terms(&g, "Kundene er fornøyde.", "The customers are happy.").is_empty());
        assert!(terms(&g, "Vi bruker OKS.", "We use {1}OKS{/1}.").is_empty());
        assert!(
            terms(&g, "Ingen termer her.", "Our clients.").is_empty(),
            "forbidden only for a term of the source"
        );
        assert_eq!(
            terms(&g, "Kundene og OKS.", "The clients and oks."),
            [
                "term kunde: the source has \"Kundene\", the target lacks \"customer\" (glossary row 2)",
                "term kunde: the target has \"clients\", which the glossary forbids; use \"customer\" (glossary row 2)",
                "term OKS: the target has \"oks\"; write it \"OKS\", as the glossary does (glossary row 0)",
            ]
        );
    }

    /// A number grouped the English way, or written without its leading zero, is the
    /// same number; a number changed is still named.
    #[test]
    fn numbers_agree_however_english_groups_or_pads_them() {
        for (source, target) in [
            ("Det kom 3000 mennesker.", "3,000 people came."),
            ("Det kom 3 000 mennesker.", "3,000 people came."),
            ("Det kom 12 500 mennesker.", "12,500 people came."),
            ("Det kom 1.500 mennesker.", "1500 people came."),
            ("Det kostet 2,5 millioner.", "It cost 2.5 million."),
            ("Vi starter kl. 05.30.", "We start at 5.30."),
            ("Vi starter kl. 08.00.", "We start at 8:00."),
        ] {
            assert!(check(source, target).is_empty(), "{source} / {target}: {:?}", check(source, target));
        }
        assert_eq!(
            check("Det kom 3000 mennesker.", "3,500 people came."),
            ["numbers differ: 3000 missing from the target; 3,500 not in the source"]
        );
        assert_eq!(
            check("Det kostet 2,5 millioner.", "It cost 2.50 million."),
            ["numbers differ: 2,5 missing from the target; 2.50 not in the source"]
        );
    }

    /// A time on the 24-hour clock agrees with the same time on the twelve-hour clock,
    /// and a time on the hour with its hour; another time is still named.
    #[test]
    fn times_agree_on_either_clock() {
        for (source, target) in [
            ("Vi møtes kl. 17.00.", "We meet at 5 p.m."),
            ("Vi møtes kl. 17.00.", "We meet at 5pm."),
            ("Vi møtes kl. 17.00.", "We meet at 17:00."),
            ("Vi møtes kl. 17.", "We meet at 5\u{a0}PM."),
            ("Vi møtes kl. 07.30.", "We meet at 7.30 a.m."),
            ("Vi møtes kl. 12.15.", "We meet at 12:15 pm."),
            ("Vi møtes kl. 00.00.", "We meet at 12 a.m."),
            ("Vi møtes kl. 09.00 og 21.00.", "We meet at 9 am and 9 pm."),
            ("Møtet var klokken 8.", "The meeting was at 8 am."),
        ] {
            assert!(check(source, target).is_empty(), "{source} / {target}: {:?}", check(source, target));
        }
        assert_eq!(
            check("Vi møtes kl. 17.00.", "We meet at 7 p.m."),
            ["numbers differ: 17.00 missing from the target; 7 not in the source"]
        );
        assert_eq!(
            check("Vi møtes kl. 17.30.", "We meet at 5 p.m."),
            ["numbers differ: 17.30 missing from the target"]
        );
        assert_eq!(
            check("Vi møtes kl. 13.00.", "We meet at 3 pm."),
            ["numbers differ: 13.00 missing from the target; 3 not in the source"]
        );
        // No clock: 5 amps.
        assert_eq!(
            check("Det tar 17 ampere.", "It takes 5 amps."),
            ["numbers differ: 17 missing from the target; 5 not in the source"]
        );
    }

    #[test]
    fn remarks() {
        assert!(check("I 2008 ble jeg leder.", "In 2008 I became manager.").is_empty());
        assert_eq!(
            check("Vi er 110 personer.", "We are 100 people."),
            ["numbers differ: 110 missing from the target; 100 not in the source"]
        );
        assert_eq!(check("Hei.", "Hei."), ["the target is the same as the source"]);
        assert_eq!(check("Det er «rødt».", "It is “red."), ["unbalanced quotes “” in the target"]);
        assert_eq!(
            check("Hva er det?", "What is it."),
            ["sentence-final punctuation differs: '?' in the source, '.' in the target"]
        );
        assert!(check("Det er «grønt».", "It is “green”.").is_empty());
        assert!(check("Tallet er 3,5.", "The number is 3.5.").is_empty());
        assert!(check("Vi solgte 12\u{a0}500 billetter kl. 08.30.", "We sold 12,500 tickets at 08:30.")
            .is_empty());
        // A number is named whole, as it is written, not by its digits.
        assert_eq!(
            check("Prisen er 2,5 millioner.", "The price is 25 million."),
            ["numbers differ: 2,5 missing from the target; 25 not in the source"]
        );
        assert_eq!(
            check("Vi solgte 12 500 billetter.", "We sold 12,000 tickets."),
            ["numbers differ: 12 500 missing from the target; 12,000 not in the source"]
        );
        assert_eq!(
            check("Om 3 år og 3 dager.", "In 3 years and days."),
            ["numbers differ: 3 missing from the target"]
        );
        assert_eq!(check("Kl. 8.", "At 8 or 8."), ["numbers differ: 8 not in the source"]);
        // Regression: a number in scientific notation was named as two.
        assert_eq!(check("Hundre tusen", "1e5"), ["numbers differ: 1e5 not in the source"]);
        assert_eq!(check("Verdien er 1,5E-3.", "The value is 1.5E-3."), Vec::<String>::new());
        assert_eq!(check("Se 3e etasje.", "See the 3e floor."), Vec::<String>::new());
        for broken in ["Two\nlines.", "Two\rlines.", "Two\u{2028}lines."] {
            assert_eq!(check("To linjer.", broken).len(), 1, "{broken:?}");
        }
        assert!(check("To linjer.", "Two lines.\r\n").is_empty());
        // A number written in words on the other side agrees, an ordinal too.
        assert!(check("Kontoret ligger i 3. etasje.", "The office is on the third floor.").is_empty());
        assert!(check("Hun har fire barn.", "She has 4 children.").is_empty());
        assert!(check("Det kostet 25 kroner.", "It cost twenty-five kroner.").is_empty());
        assert!(check("Vi var 12 stykker.", "There were twelve of us.").is_empty());
        assert_eq!(
            check("Kontoret ligger i 3. etasje.", "The office is on the fourth floor."),
            ["numbers differ: 3 missing from the target"]
        );
        assert_eq!(
            check("Det tok 2 timer og 2 minutter.", "It took two hours and minutes."),
            ["numbers differ: 2 missing from the target"]
        );
        // Words that are also other words stand for no number.
        for (source, target) in [
            ("Det tok 2 minutter.", "It took a second."),
            ("Vi åpnet 1. mai.", "We first opened in May."),
            ("Prisen er 1 krone.", "No one pays."),
            ("De andre kom klokka 3.", "The 2 others came at 3."),
            ("Huset er bygget av tre.", "The house is built of 3."),
        ] {
            assert_eq!(check(source, target).len(), 1, "{source} → {target}");
        }
    }
}
