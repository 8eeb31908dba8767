//! Language codes as translation memories and CAT tools write them, matched loosely:
//! `nb-NO`, `NO-NB`, `nob` and `no` are all Norwegian Bokmål. TMX and XLIFF readers
//! pick variants and files by these, the closest variant first where a language names
//! its region ([`Language::closeness`]); nothing here reads a file.

use std::fmt;

/// A language to pick variants by, matched the way translation memories write codes:
/// case does not matter, `_` is `-`, `nb`, `nob`, `no`, `nor` and `no-NB` are all
/// Norwegian Bokmål, `en` and `eng` English, and a code without a region (`en`) takes
/// every region (`en-GB`, `en-US`) while one with a region (`en-GB`) takes only it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The code as given.
    code: String,
    /// The language subtag, canonical (`nb`, `en`).
    language: String,
    /// The region subtag, lower case, if any.
    region: Option<String>,
}

impl Language {
    /// Norwegian Bokmål, tolk's source language.
    pub fn bokmal() -> Language {
        Language::parse("nb").expect("a valid code")
    }

    /// English, tolk's target language.
    pub fn english() -> Language {
        Language::parse("en").expect("a valid code")
    }

    /// Parses a language code such as `nb`, `nb-NO`, `NO-NB`, `en_GB` or `eng`; `None`
    /// when it does not start with a two- or three-letter language subtag.
    pub fn parse(code: &str) -> Option<Language> {
        let lower = code.trim().to_ascii_lowercase().replace('_', "-");
        let mut subtags: Vec<&str> = lower.split('-').collect();
        let first = subtags.remove(0);
        if !(2..=3).contains(&first.len()) || !first.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let mut language = match first {
            "nb" | "nob" | "no" | "nor" => "nb",
            "nn" | "nno" => "nn",
            "en" | "eng" => "en",
            other => other,
        };
        // `no-NB` and `no-NN` (and `no-bok`, `no-nyn`) name the written standard, not a region.
        if matches!(first, "no" | "nor") {
            match subtags.first() {
                Some(&("nb" | "bok")) => {
                    subtags.remove(0);
                }
                Some(&("nn" | "nyn")) => {
                    language = "nn";
                    subtags.remove(0);
                }
                _ => {}
            }
        }
        let is_region = |s: &&str| {
            (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()))
                || (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
        };
        let region = subtags.iter().copied().find(is_region).map(str::to_string);
        Some(Language { code: code.trim().to_string(), language: language.to_string(), region })
    }

    /// Whether a variant written with `code` is in this language.
    pub fn matches(&self, code: &str) -> bool {
        Language::parse(code).is_some_and(|l| {
            l.language == self.language && (self.region.is_none() || l.region == self.region)
        })
    }

    /// How closely a variant written with `code` fits this language, to prefer one of
    /// a unit's variants over its others: 3 for this language in this region (or in
    /// any, when this one names none), 2 for this language without a region (English in
    /// general, `en`, for `en-GB`), 1 for it in another region (`en-US` for `en-GB`),
    /// and 0 for another language.
    pub fn closeness(&self, code: &str) -> u8 {
        match Language::parse(code) {
            Some(l) if l.language != self.language => 0,
            None => 0,
            Some(l) if self.region.is_none() || l.region == self.region => 3,
            Some(l) if l.region.is_none() => 2,
            Some(_) => 1,
        }
    }

    /// The language subtag, canonical: `nb`, `nn`, `en`, or another as given (lower
    /// case).
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The region subtag, lower case (`gb`, `001`), if the code has one.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The language's name and code for messages: "Norwegian Bokmål (nb)".
    pub(crate) fn describe(&self) -> String {
        let name = match self.language.as_str() {
            "nb" => "Norwegian Bokmål",
            "nn" => "Norwegian Nynorsk",
            "en" => "English",
            _ => return self.code.clone(),
        };
        format!("{name} ({})", self.code)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_of_the_region_is_closest_then_the_language_in_general() {
        let gb = Language::parse("en_GB").unwrap();
        let closeness: Vec<u8> =
            ["EN-gb", "en", "eng", "en-US", "nb", "*all*"].map(|c| gb.closeness(c)).to_vec();
        assert_eq!(closeness, [3, 2, 2, 1, 0, 0]);
        // Without a region, every region is as close.
        let en = Language::english();
        assert_eq!(["en-GB", "en", "en-US", "nb-NO"].map(|c| en.closeness(c)), [3, 3, 3, 0]);
    }
}
