//! The segmentation rule file: abbreviations, month names and the punctuation that
//! ends, closes, opens or introduces a sentence, kept as data a user can read.
//!
//! The built-in Norwegian rules are `rules/nb.rules`, compiled into the binary. A house
//! style or another language is a new file in the same format, not new code. This
//! module only parses the format; [`super::Segmenter`] applies it.

use std::collections::HashSet;

use crate::error::{Error, Place};

/// The built-in Norwegian Bokmål rules, as shipped in `rules/nb.rules`.
pub const NORWEGIAN: &str = include_str!("../../rules/nb.rules");

/// The sections a rule file may have.
const SECTIONS: [&str; 15] = [
    "abbreviations",
    "lowercase-abbreviations",
    "titles",
    "measure-abbreviations",
    "final-abbreviations",
    "number-abbreviations",
    "compound-endings",
    "number-compound-endings",
    "months",
    "sentence-starters",
    "terminators",
    "closers",
    "openers",
    "dashes",
    "bullets",
];

/// Parsed segmentation rules. Every list is plain data; see `rules/nb.rules` for the
/// meaning of each section.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Lower-cased abbreviations (with their dots) that never end a sentence.
    pub abbreviations: HashSet<String>,
    /// Abbreviations that never end a sentence, matched only when written in lower case.
    pub lowercase_abbreviations: HashSet<String>,
    /// Lower-cased titles and degrees that stand before a name as often as they close
    /// a sentence (`dr.philos.`, `red.`): as a word, written with a space after a part
    /// (`dr. philos.`), or as the end of a compound whose head starts in lower case
    /// (`sjefred.`), they end a sentence only where initials do, before a dash or a
    /// word from `sentence_starters`.
    pub titles: HashSet<String>,
    /// Abbreviations of measures, matched only when written in lower case: after a
    /// number they end a sentence before a capital, not before a number (`320 s. Den`,
    /// `5 t. Vi`); anywhere else they never end one (`s. 42`).
    pub measure_abbreviations: HashSet<String>,
    /// Lower-cased abbreviations that end a sentence only before an uppercase word.
    pub final_abbreviations: HashSet<String>,
    /// Lower-cased abbreviations whose letters are also everyday words: before a number
    /// they end no sentence (`man. 10–16`, `min. 5`); elsewhere they are the word.
    pub number_abbreviations: HashSet<String>,
    /// Lower-cased abbreviations that also end compounds: a word of two letters or more
    /// and one of these (`stortingsrepr.`) never ends a sentence.
    pub compound_endings: HashSet<String>,
    /// Lower-cased abbreviations that also end compounds whose letters end everyday
    /// words too: a capitalised word of two letters or more and one of these (a
    /// street's name) never ends a sentence before a number (`Storgt. 5`; `Det var
    /// langt. 2024 ble ...` is cut).
    pub number_compound_endings: HashSet<String>,
    /// Lower-cased month names: an ordinal before one never ends a sentence.
    pub months: HashSet<String>,
    /// Lower-cased words that begin sentences and are never part of a name: initials
    /// before one of them end a sentence (`Washington D.C. Tidligere ...`).
    pub sentence_starters: HashSet<String>,
    /// Characters that can end a sentence.
    pub terminators: Vec<char>,
    /// Closing quotes and brackets that stay with the sentence they follow.
    pub closers: Vec<char>,
    /// Opening quotes and brackets.
    pub openers: Vec<char>,
    /// Dialogue dashes, kept out of segments at the start of a sentence.
    pub dashes: Vec<char>,
    /// List bullets, kept out of segments at the start of a sentence when whitespace
    /// follows them.
    pub bullets: Vec<char>,
    /// For each byte, whether it can begin the UTF-8 of a terminator: lets the
    /// segmenter scan bytes rather than decode every character.
    pub(super) terminator_bytes: [bool; 256],
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            abbreviations: HashSet::new(),
            lowercase_abbreviations: HashSet::new(),
            titles: HashSet::new(),
            measure_abbreviations: HashSet::new(),
            final_abbreviations: HashSet::new(),
            number_abbreviations: HashSet::new(),
            compound_endings: HashSet::new(),
            number_compound_endings: HashSet::new(),
            months: HashSet::new(),
            sentence_starters: HashSet::new(),
            terminators: Vec::new(),
            closers: Vec::new(),
            openers: Vec::new(),
            dashes: Vec::new(),
            bullets: Vec::new(),
            terminator_bytes: [false; 256],
        }
    }
}

impl Rules {
    /// The built-in Norwegian rules.
    pub fn norwegian() -> Rules {
        Rules::parse(NORWEGIAN, "rules/nb.rules").expect("the built-in rules parse")
    }

    /// Parses a rule file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Rules, Error> {
        let mut rules = Rules::default();
        let mut section: Option<&str> = None;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| Error::at(origin, Place::line(n + 1), message);
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                if !SECTIONS.contains(&name) {
                    return Err(err(format!(
                        "unknown section [{name}]; expected one of {}",
                        SECTIONS.join(", ")
                    )));
                }
                section = Some(name);
                continue;
            }
            let single = || {
                let mut chars = line.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok(c),
                    _ => Err(err(format!("expected a single character, found {line:?}"))),
                }
            };
            match section {
                Some("abbreviations") => {
                    rules.abbreviations.insert(line.to_lowercase());
                }
                Some("lowercase-abbreviations") => {
                    rules.lowercase_abbreviations.insert(line.to_string());
                }
                Some("titles") => {
                    rules.titles.insert(line.to_lowercase());
                }
                Some("measure-abbreviations") => {
                    rules.measure_abbreviations.insert(line.to_string());
                }
                Some("final-abbreviations") => {
                    rules.final_abbreviations.insert(line.to_lowercase());
                }
                Some("number-abbreviations") => {
                    rules.number_abbreviations.insert(line.to_lowercase());
                }
                Some("compound-endings") => {
                    rules.compound_endings.insert(line.to_lowercase());
                }
                Some("number-compound-endings") => {
                    rules.number_compound_endings.insert(line.to_lowercase());
                }
                Some("months") => {
                    rules.months.insert(line.to_lowercase());
                }
                Some("sentence-starters") => {
                    rules.sentence_starters.insert(line.to_lowercase());
                }
                Some("terminators") => rules.terminators.push(single()?),
                Some("closers") => rules.closers.push(single()?),
                Some("openers") => rules.openers.push(single()?),
                Some("dashes") => rules.dashes.push(single()?),
                Some("bullets") => rules.bullets.push(single()?),
                _ => return Err(err("an entry before the first [section]".to_string())),
            }
        }
        if rules.terminators.is_empty() {
            return Err(Error::at(
                origin,
                Place::line(text.lines().count()),
                "no [terminators]: nothing could ever end a sentence",
            ));
        }
        // A character that ends sentences cannot also open or close quotes, or start a
        // dialogue: the rules would contradict each other.
        for (section, chars) in [
            ("openers", &rules.openers),
            ("closers", &rules.closers),
            ("dashes", &rules.dashes),
            ("bullets", &rules.bullets),
        ] {
            if let Some(c) = chars.iter().find(|c| rules.terminators.contains(c)) {
                let line = text.lines().position(|l| l.trim() == "[terminators]").map_or(1, |n| n + 1);
                return Err(Error::at(
                    origin,
                    Place::line(line),
                    format!(
                        "{c:?} is in [terminators] and in [{section}]; a character can only be one of them"
                    ),
                ));
            }
        }
        for c in &rules.terminators {
            rules.terminator_bytes[c.encode_utf8(&mut [0; 4]).as_bytes()[0] as usize] = true;
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_have_the_required_abbreviations() {
        let rules = Rules::norwegian();
        for abbr in [
            "f.eks.", "bl.a.", "ca.", "dvs.", "mht.", "evt.", "kl.", "jf.", "pga.", "inkl.", "ekskl.", "vs.",
            "tlf.", "adm.", "dir.", "avd.", "prof.", "dr.", "st.", "ref.",
        ] {
            assert!(rules.abbreviations.contains(abbr), "{abbr} missing");
        }
        // Språkrådet's lists, names, measures, titles and Nynorsk.
        for abbr in [
            "iflg.", "hhv.", "ev.", "str.", "chr.", "th.", "wm.", "adm.dir.", "frk.", "t.d.", "m.a.",
            "m.o.t.", "cf.", "e.g.",
        ] {
            assert!(rules.abbreviations.contains(abbr), "{abbr} missing");
        }
        for abbr in [
            "osv.", "etc.", "o.l.", "m.fl.", "mfl.", "m.m.", "kr.", "mill.", "mrd.", "mnd.", "osb.", "f.kr.",
            "al.",
        ] {
            assert!(rules.final_abbreviations.contains(abbr), "{abbr} missing");
        }
        // `nr.` ends a sentence as a word does unless a number follows: `neste nr. Vi`.
        assert!(rules.number_abbreviations.contains("nr.") && !rules.abbreviations.contains("nr."));
        for abbr in ["jan.", "f.", "v."] {
            assert!(rules.lowercase_abbreviations.contains(abbr), "{abbr} missing");
        }
        for abbr in ["s.", "t."] {
            assert!(rules.measure_abbreviations.contains(abbr), "{abbr} missing");
        }
        // Titles and degrees before a name: `red. Kari Nordmann`, `dr.philos. Hedda Gabler`.
        for title in ["red.", "dr.philos.", "dr.med.", "dr.ing.", "ph.d."] {
            assert!(rules.titles.contains(title), "{title} missing");
        }
        assert!(rules.months.contains("mai"));
        for word in ["det", "tidligere", "seinare", "kva", "ikkje"] {
            assert!(rules.sentence_starters.contains(word), "{word} missing");
        }
    }

    /// Everyday words of Bokmål or Nynorsk that end sentences are never abbreviations,
    /// and no entry is in two sections that contradict each other.
    #[test]
    fn builtin_rules_leave_out_words_and_contradictions() {
        let rules = Rules::norwegian();
        for word in ["eg.", "no.", "tom.", "min.", "man.", "do.", "lat.", "eks.", "alt.", "sen."] {
            assert!(!rules.abbreviations.contains(word), "{word} is an abbreviation");
            assert!(!rules.final_abbreviations.contains(word), "{word} is a final abbreviation");
        }
        for abbr in &rules.abbreviations {
            assert!(!rules.final_abbreviations.contains(abbr), "{abbr} in two sections");
            assert!(!rules.lowercase_abbreviations.contains(abbr), "{abbr} in two sections");
        }
        for title in &rules.titles {
            for (section, set) in [
                ("abbreviations", &rules.abbreviations),
                ("final-abbreviations", &rules.final_abbreviations),
                ("compound-endings", &rules.compound_endings),
            ] {
                assert!(!set.contains(title), "{title} in [titles] and [{section}]");
            }
        }
        for abbr in &rules.measure_abbreviations {
            assert!(!rules.lowercase_abbreviations.contains(abbr), "{abbr} in two sections");
            assert!(!rules.abbreviations.contains(&abbr.to_lowercase()), "{abbr} in two sections");
        }
        for name in ["per", "hans", "dag", "even"] {
            assert!(!rules.sentence_starters.contains(name), "{name} is a given name");
        }
    }

    #[test]
    fn errors_name_the_line() {
        let err = Rules::parse("[terminators]\n.\n[bogus]\nx\n", "house.rules").unwrap_err();
        assert_eq!(
            err.to_string(),
            "house.rules: line 3: unknown section [bogus]; expected one of abbreviations, \
             lowercase-abbreviations, titles, measure-abbreviations, final-abbreviations, number-abbreviations, compound-endings, number-compound-endings, months, \
             sentence-starters, terminators, closers, \
             openers, dashes, bullets"
        );
        let err = Rules::parse("[terminators]\n.\n[openers]\n.\n", "r.rules").unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.rules: line 1: '.' is in [terminators] and in [openers]; a character can only be one of them"
        );
        let err = Rules::parse("[terminators]\n..\n", "x").unwrap_err();
        assert_eq!(err.to_string(), "x: line 2: expected a single character, found \"..\"");
    }
}
