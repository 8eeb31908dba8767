//! `tolk rules export`'s SRX 2.0: tolk's rules written as SRX rules in the order the
//! built-in segmenter asks its questions, with only what the reader can apply again.

use std::fmt::Write as _;

use super::{LANGUAGE_PATTERN, LANGUAGE_RULE, WHITE_SPACE};
use crate::error::{Error, Result};
use crate::input::xml::XmlWriter;
use crate::segment::Rules;

/// The rules as an SRX 2.0 document, for OmegaT, Okapi or Trados.
///
/// One `languagerule` ([`LANGUAGE_RULE`]) holds, in order: a break before opening
/// quotes that end the line; no break after each abbreviation; the titles (a break
/// only before a dash or a sentence-starting word); the final abbreviations
/// (no break before a number, a break before a capital); the number abbreviations (no
/// break before a number), each abbreviation of two letters or more also as the last
/// of a range (`man.–fre.`); a break after initials before
/// a dash or a sentence-starting word, and otherwise none; no break after an ordinal
/// before a month name; and a break after terminators followed by whitespace and
/// something that starts a sentence.
pub fn export(rules: &Rules) -> Result<String> {
    let unwritable = |c: char| {
        Error::Invalid(format!(
            "a rule holds U+{:04X}, a control character XML cannot hold; remove it from the rule file",
            c as u32
        ))
    };
    let mut out = XmlWriter::new();
    out.raw("<!--");
    for line in [
        "Segmentation rules of tolk for Norwegian Bokmål, written by `tolk rules export`.",
        "Edit the .rules file they come from and export again rather than this file.",
        "A rule applies where its beforebreak matches the text ending at a position and its",
        "afterbreak the text starting there; the first rule that applies decides.",
    ] {
        out.raw(&format!("    {line}"));
    }
    out.raw("-->");
    let write = |out: &mut XmlWriter| -> std::result::Result<(), char> {
        out.open("srx", &[("xmlns", "http://www.lisa.org/srx20"), ("version", "2.0")])?;
        out.open("header", &[("segmentsubflows", "yes"), ("cascade", "yes")])?;
        out.empty("formathandle", &[("type", "start"), ("include", "no")])?;
        out.empty("formathandle", &[("type", "end"), ("include", "yes")])?;
        out.empty("formathandle", &[("type", "isolated"), ("include", "no")])?;
        out.close("header");
        out.open("body", &[])?;
        out.open("languagerules", &[])?;
        out.open("languagerule", &[("languagerulename", LANGUAGE_RULE)])?;
        for item in export_rules(rules) {
            match item {
                Item::Comment(text) => out.raw(&format!("<!-- {text} -->")),
                Item::Rule { breaks, before, after } => {
                    out.open("rule", &[("break", if breaks { "yes" } else { "no" })])?;
                    out.text("beforebreak", &[], &before)?;
                    out.text("afterbreak", &[], &after)?;
                    out.close("rule");
                }
            }
        }
        out.close("languagerule");
        out.close("languagerules");
        out.open("maprules", &[])?;
        out.empty(
            "languagemap",
            &[("languagepattern", LANGUAGE_PATTERN), ("languagerulename", LANGUAGE_RULE)],
        )?;
        out.close("maprules");
        out.close("body");
        out.close("srx");
        Ok(())
    };
    write(&mut out).map_err(unwritable)?;
    Ok(out.finish())
}

/// What goes into the exported `languagerule`, in order.
pub(super) enum Item {
    Comment(&'static str),
    Rule { breaks: bool, before: String, after: String },
}

/// The rules as SRX rules, in the order the built-in segmenter asks its questions.
pub(super) fn export_rules(rules: &Rules) -> Vec<Item> {
    let ws = format!("[{WHITE_SPACE}]");
    let terminators = class(&rules.terminators).unwrap_or_else(|| "[.]".to_string());
    let closers = class(&rules.closers).map(|c| c + "*").unwrap_or_default();
    let any_openers = class(&rules.openers).map(|c| c + "*").unwrap_or_default();
    // The run of terminators and closing quotes a sentence ends with, and a footnote
    // mark (`segment::note_mark_len`) and emoji (`segment::emoji_len`) after it.
    let marks: String = crate::segment::SUPERSCRIPT_DIGITS.iter().collect();
    let ranges = |ranges: &[(char, char)]| -> String {
        ranges.iter().map(|&(lo, hi)| format!(r"\x{{{:X}}}-\x{{{:X}}}", lo as u32, hi as u32)).collect()
    };
    let pictographs = ranges(&crate::segment::PICTOGRAPHS);
    let emoji_joiners = ranges(&crate::segment::EMOJI_JOINERS);
    let emoji = format!(r"(?:{ws}*[{pictographs}][{pictographs}{emoji_joiners}]*)*");
    let run = format!(r"{terminators}{closers}(?:\[[0-9]{{1,3}}\]|[{marks}]{{1,3}})?{emoji}");
    // A word as the built-in rules see it: after whitespace, opening quotes removed.
    let word = format!("(?:^|{ws}){any_openers}");
    // A dialogue dash: before the end of the line, a capital, or whitespace and no
    // lower-case word (`– ropte hun` goes on with the sentence); a list bullet: before
    // the end of the line, or whitespace and no lower-case word.
    let then = format!(r"(?:{ws}*$|{ws}+(?:[^\p{{Ll}}{WHITE_SPACE}]|\p{{Ll}}\p{{Lu}}))");
    let dash = [
        class(&rules.dashes).map(|d| format!(r"{d}(?:{then}|\p{{Lu}})")),
        class(&rules.bullets).map(|b| format!(r"{b}{then}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("|");
    // Whitespace and then something a sentence can start with.
    let starts = {
        let mut alts = Vec::new();
        if let Some(openers) = class(&rules.openers) {
            let not = [rules.openers.as_slice(), rules.terminators.as_slice()].concat();
            alts.push(format!(r"{openers}+[^{}\p{{Ll}}]", class_body(&not)));
        }
        alts.push(r"[\p{Lu}\p{N}]|\p{Ll}\p{Lu}".to_string());
        if !dash.is_empty() {
            alts.push(dash.clone());
        }
        format!("{ws}+(?:{})", alts.join("|"))
    };
    let rule = |breaks: bool, before: String, after: String| Item::Rule { breaks, before, after };
    // An abbreviation of two letters or more, alone or the last of a range or a pair
    // (`man.–fre.`), as the built-in rules look it up; `fold` for a case-insensitive one.
    let joiners = class(&crate::segment::JOINERS).expect("joiners");
    let abbreviation = |abbrs: &[&String], fold: bool| {
        let (long, short): (Vec<&String>, Vec<&String>) = abbrs.iter().partition(|a| a.chars().count() >= 3);
        let any = |list: Vec<&String>| {
            let any: Vec<String> = list.iter().map(|a| literal(a, fold)).collect();
            match fold {
                true => format!("(?i:{})", any.join("|")),
                false if any.len() == 1 => any.concat(),
                false => format!("(?:{})", any.join("|")),
            }
        };
        let mut alts = Vec::new();
        if !long.is_empty() {
            alts.push(format!("(?:[^{WHITE_SPACE}]*{joiners})?{}", any(long)));
        }
        if !short.is_empty() {
            alts.push(any(short));
        }
        match alts.len() {
            1 => format!("{word}{}", alts[0]),
            _ => format!("{word}(?:{})", alts.join("|")),
        }
    };

    let mut items = Vec::new();
    if let Some(openers) = class(&rules.openers) {
        items.push(Item::Comment("Opening quotes or brackets that end the line start a sentence."));
        items.push(rule(true, run.clone(), format!("{ws}+{openers}+$")));
    }
    // Only a bare full stop can end an abbreviation, initials or an ordinal.
    if rules.terminators.contains(&'.') {
        let ends_word = |entry: &&String| reaches(entry, rules);
        let mut abbreviations: Vec<&String> = rules.abbreviations.iter().filter(ends_word).collect();
        abbreviations.sort();
        if !abbreviations.is_empty() {
            items.push(Item::Comment("[abbreviations]: never end a sentence."));
        }
        for abbr in abbreviations {
            items.push(rule(false, abbreviation(&[abbr], true), ws.clone()));
        }
        let mut measures: Vec<&String> = rules.measure_abbreviations.iter().filter(ends_word).collect();
        measures.sort();
        if !measures.is_empty() {
            items.push(Item::Comment(
                "[measure-abbreviations]: after a number an end before a capital; elsewhere never an end.",
            ));
            let any: Vec<String> = measures.iter().map(|a| literal(a, false)).collect();
            let any = any.join("|");
            items.push(rule(false, format!("{word}(?:{any})"), format!("{ws}+{any_openers}[0-9]")));
            items.push(rule(true, format!(r"[0-9]{ws}+(?:{any})"), starts.clone()));
            items.push(rule(false, format!("{word}(?:{any})"), ws.clone()));
        }
        let mut lowercase: Vec<&String> = rules.lowercase_abbreviations.iter().filter(ends_word).collect();
        lowercase.sort();
        if !lowercase.is_empty() {
            items.push(Item::Comment("[lowercase-abbreviations]: never end a sentence when in lower case."));
        }
        for abbr in lowercase {
            items.push(rule(false, abbreviation(&[abbr], false), ws.clone()));
        }
        // Where initials and titles end a sentence: before a dash or a starter.
        let mut starters: Vec<String> =
            rules.sentence_starters.iter().filter_map(|w| capitalised(w)).collect();
        starters.sort();
        let mut ends = Vec::new();
        if !dash.is_empty() {
            ends.push(dash.clone());
        }
        if !starters.is_empty() {
            ends.push(format!(r"{any_openers}(?:{})(?:[^\p{{L}}.]|$)", starters.join("|")));
        }
        let mut titles: Vec<&String> = rules.titles.iter().filter(ends_word).collect();
        titles.sort();
        if !titles.is_empty() {
            items.push(Item::Comment(
                "[titles]: as they are, with a space after a part, or ending a compound in lower case, \
                 an end only before a dash or a [sentence-starters] word.",
            ));
            let spaced: Vec<String> = titles.iter().map(|t| spaced(t, &ws)).collect();
            let whole: Vec<String> = titles.iter().map(|t| literal(t, true)).collect();
            let title =
                format!(r"{word}(?:(?i:{})|\p{{Ll}}\p{{L}}{{1,}}(?i:{}))", spaced.join("|"), whole.join("|"));
            if !ends.is_empty() {
                items.push(rule(true, title.clone(), format!("{ws}+(?:{})", ends.join("|"))));
            }
            items.push(rule(false, title, ws.clone()));
        }
        let mut finals: Vec<&String> = rules.final_abbreviations.iter().filter(ends_word).collect();
        finals.sort();
        if !finals.is_empty() {
            items.push(Item::Comment(
                "[final-abbreviations]: no end before a number, an end before a capital.",
            ));
            for abbr in &finals {
                items.push(rule(false, abbreviation(&[abbr], true), format!("{ws}+{any_openers}[0-9]")));
            }
            items.push(rule(true, abbreviation(&finals, true), starts.clone()));
        }
        let mut numbers: Vec<&String> = rules.number_abbreviations.iter().filter(ends_word).collect();
        numbers.sort();
        if !numbers.is_empty() {
            items.push(Item::Comment("[number-abbreviations]: no end before a number; elsewhere words."));
            items.push(rule(false, abbreviation(&numbers, true), format!("{ws}+{any_openers}[0-9]")));
        }
        // A compound ending in an abbreviation: two letters or more before it, the
        // first a capital for a street name.
        for (endings, head, after, comment) in [
            (
                &rules.compound_endings,
                r"\p{L}{2,}",
                ws.clone(),
                "[compound-endings]: a compound ending in one never ends a sentence.",
            ),
            (
                &rules.number_compound_endings,
                r"\p{Lu}\p{L}{1,}",
                format!("{ws}+{any_openers}[0-9]"),
                "[number-compound-endings]: a capitalised compound ending in one ends no sentence before a number.",
            ),
        ] {
            let mut endings: Vec<&String> = endings.iter().filter(ends_word).collect();
            endings.sort();
            if !endings.is_empty() {
                items.push(Item::Comment(comment));
            }
            for ending in endings {
                items.push(rule(
                    false,
                    format!(r"{word}{head}(?i:{})", literal(ending, true)),
                    after.clone(),
                ));
            }
        }
        let initials = format!(r"{word}\p{{Lu}}(?:\.\p{{Lu}})*\.");
        if !ends.is_empty() {
            items.push(Item::Comment(
                "Initials (D.C., Harald V.) end a sentence before a dash or a [sentence-starters] word.",
            ));
            items.push(rule(true, initials.clone(), format!("{ws}+(?:{})", ends.join("|"))));
        }
        items.push(Item::Comment("Other initials (J. K. Rowling, J.K.) never end a sentence."));
        items.push(rule(false, initials, ws.clone()));
        items.push(Item::Comment("A number before a name in lower case (3. iPad-en) ends nothing."));
        items.push(rule(false, format!(r"{word}[0-9]+\."), format!(r"{ws}+{any_openers}\p{{Ll}}\p{{Lu}}")));
        items.push(Item::Comment("A number that starts its line is a list's (1. Brasil): it ends nothing."));
        let marks = [rules.dashes.as_slice(), rules.bullets.as_slice()].concat();
        let dashes = class(&marks).map(|d| format!("(?:{d}{ws}+)*")).unwrap_or_default();
        items.push(rule(false, format!(r"^{ws}*{dashes}{any_openers}[0-9]{{1,3}}\."), ws.clone()));
        let mut months: Vec<&String> =
            rules.months.iter().filter(|m| !m.is_empty() && m.chars().all(char::is_alphabetic)).collect();
        months.sort();
        if !months.is_empty() {
            items.push(Item::Comment(
                "A day before a month name (17. mai, 17. Mai) ends nothing; a year does (i 2017. Mai).",
            ));
            let any: Vec<String> = months.iter().map(|m| literal(m, true)).collect();
            items.push(rule(
                false,
                format!(r"{word}[0-9]{{1,2}}\."),
                format!(r"{ws}+{any_openers}(?i:{})(?:[^\p{{L}}]|$)", any.join("|")),
            ));
        }
    }
    items.push(Item::Comment(
        "Terminators, closing quotes, whitespace and a capital, a digit, a quote or a dash.",
    ));
    items.push(rule(true, run, starts));
    items
}

/// Whether a `.rules` abbreviation can ever be the word before a full stop that the
/// built-in rules look up: one whitespace-free word, not starting with an opening quote
/// (those are removed before the lookup), ending in a full stop that is a run of its own.
pub(super) fn reaches(abbr: &str, rules: &Rules) -> bool {
    let Some(stem) = abbr.strip_suffix('.') else { return false };
    !abbr.contains(char::is_whitespace)
        && !abbr.starts_with(|c| rules.openers.contains(&c))
        && !stem.ends_with(|c| rules.terminators.contains(&c))
}

/// A `[titles]` entry as a case-insensitive regex that also takes one whitespace
/// character after each of its inner full stops (`dr. philos.` for `dr.philos.`).
pub(super) fn spaced(title: &str, ws: &str) -> String {
    let stem = title.strip_suffix('.').unwrap_or(title);
    let parts: Vec<String> = stem.split('.').map(|part| literal(part, true)).collect();
    format!(r"{}\.", parts.join(&format!(r"\.{ws}?")))
}

/// A `[sentence-starters]` word as the built-in rules find it after initials: a
/// capital first letter and the rest in any case. `None` for a word that is not all
/// letters, which the built-in rules can never find.
pub(super) fn capitalised(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next()?;
    let upper: String = first.to_uppercase().collect();
    let rest = chars.as_str();
    let letters = word.chars().all(char::is_alphabetic) && word.to_lowercase() == word;
    let first_ok = upper.chars().count() == 1 && upper != first.to_string();
    (letters && first_ok).then(|| {
        if rest.is_empty() {
            literal(&upper, false)
        } else {
            format!("{}(?i:{})", literal(&upper, false), literal(rest, true))
        }
    })
}

/// A character class of `chars`, or `None` for no characters (`[]` is no regex).
pub(super) fn class(chars: &[char]) -> Option<String> {
    (!chars.is_empty()).then(|| format!("[{}]", class_body(chars)))
}

/// `chars` written inside `[...]`, escaped where Java or the `regex` crate would read
/// them as syntax.
pub(super) fn class_body(chars: &[char]) -> String {
    let mut out = String::new();
    for &c in chars {
        if matches!(c, '\\' | '[' | ']' | '^' | '-' | '&' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as a regex matching it literally. With `fold`, for use inside `(?i:...)`,
/// non-ASCII letters are written as a class of both cases, since Java folds only
/// ASCII case without the `u` flag that ICU does not know.
pub(super) fn literal(text: &str, fold: bool) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // `İ` lowercases to two characters, `i` and a combining dot, which no regex
        // folds back: a lowercased list holds the two, and the text may hold either.
        if fold && c == 'i' && chars.peek() == Some(&'\u{307}') {
            chars.next();
            out.push_str("(?:i\u{307}|\u{130})");
            continue;
        }
        let upper: Vec<char> = c.to_uppercase().collect();
        if fold && !c.is_ascii() && upper.len() == 1 && upper[0] != c {
            let _ = write!(out, "[{c}{}]", upper[0]);
        } else {
            if "\\.+*?()|[]{}^$".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}
