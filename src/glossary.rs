//! The project's glossary: Norwegian terms and the English the house uses for them,
//! found in sentences in their inflected forms.
//!
//! The glossary is `glossary.csv` beside the memory's files (`memory/glossary.csv`, or
//! the folder of a memory that is one file), which the memory loader leaves out. Its
//! columns are found by header name in any order and case: `nb` and `en` are required,
//! `note` (shown with the term) and `forbidden` (English words not to use for it,
//! separated by `;`) are optional, and other columns are ignored. It is read with the
//! care the memory is: a byte order mark, `,` `;` or tab found from the header, UTF-8,
//! UTF-16 with a byte order mark, or Windows-1252 and Mac Roman as Excel saves them
//! (said in [`Glossary::note`]), the quoting checked, and a bad row is an error naming
//! the file, row and column; nothing of a glossary that fails is used.
//!
//! [`Glossary::find`] is the matcher. Words are maximal runs of letters and digits,
//! compared lower-cased; formatting codes (`{1}`) are no words. A term's words match
//! consecutive words of the sentence with nothing but spaces, codes or a hyphen
//! between them, each word as its place in the term allows:
//!
//! - **the last word** as written or followed by one of the Norwegian endings of nouns
//!   and adjectives in [`ENDINGS`] (`kunde`: `kunden`, `kunder`, `kundene`, `kundens`,
//!   `kundenes`; in a Nynorsk project also [`NYNORSK_ENDINGS`], `gard`: `gardar`,
//!   `gardane`); a final `-e` of the term may give way to an ending that starts with a
//!   vowel (`kund`+`ene`), and a final `-m` may double before one (`programmet`);
//! - **the last word, as the first part of a compound**: when it has at least 4
//!   letters, followed by `s` or `e` or nothing and then at least 4 more letters that do
//!   not start a derivation (`-ing`, `-ning`, `-lig`, `-het`, `-skap`, `-else`, `-isk`):
//!   `kundeservice` in `kundeservicesenteret`, but `land` not in `landingen`;
//! - **the first word, as the last part of a compound**: when it has at least 5 letters,
//!   after at least 3 letters: `leder` in `kundeservicelederen`, but `kunde` not in
//!   `bekunde` and `lege` not in `kollegene`. A term is never found in the middle of a
//!   word;
//! - **a word before the last** as written or with `-e` or `-t` (adjectives: `fast
//!   ansatt` in `faste ansatte`). A term of several words is also found written as one
//!   (`fastansatt`), as a one-word term.
//! - **an acronym** (a term word of capitals only, `OKS`, `KPI`) only in capitals, with
//!   a lower-case ending (`KPIen`), so `OKS` is not found in `oksen`.
//!
//! Where terms overlap, the longer term wins (`kundeservice`, not `kunde`, in
//! `kundeservicen`). The matcher knows no dictionary: a form that is an ending away from
//! a term is taken for it (`bank` in `banket`), and irregular forms are missed
//! (`sykkel`, `sykler`). Words longer than [`MAX_WORD`] characters are never matched,
//! which bounds the work per word.
//!
//! This module reads and matches; it prints nothing. Where terms show (lookup, the
//! batch, the import's warnings, `tolk terms`) is up to the callers.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::{Error, Place, Result};
use crate::input::decode::{decode, Accept};
use crate::input::limits::MAX_CELL;
use crate::memory::{check_quoting, detect_delimiter};

/// The glossary's file name, beside the memory's files.
pub const FILE: &str = "glossary.csv";

/// The endings a term's last word may take: the inflections of Norwegian nouns
/// (definite, plural, genitive) and adjectives (plural and definite, neuter,
/// comparative, superlative).
pub const ENDINGS: [&str; 19] = [
    "e", "a", "s", "t", "en", "er", "et", "ne", "as", "es", "ens", "ers", "ets", "ene", "nes", "ere", "est",
    "enes", "este",
];

/// The endings Nynorsk adds, for a Nynorsk project's glossary ([`Glossary::nynorsk`]):
/// `gardar`, `gardane`, `felemakarar`, `finare`, `finast`. Not for Bokmål, where they
/// would find `rad` in `radar` and `plan` in `planar`.
pub const NYNORSK_ENDINGS: [&str; 7] = ["ar", "ane", "ars", "anes", "are", "ast", "aste"];

/// The endings a word before a term's last word may take (adjectives).
const INNER_ENDINGS: [&str; 2] = ["e", "t"];

/// What the rest of a compound may not start with: derivations, not words.
const DERIVATIONS: [&str; 7] = ["ing", "ning", "lig", "het", "skap", "else", "isk"];

/// The longest word, in characters, that the matcher looks into.
pub const MAX_WORD: usize = 64;

/// One term of the glossary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    /// The Norwegian term, as written in the glossary.
    pub nb: String,
    /// The English the house uses for it.
    pub en: String,
    /// A note for the translator (may be empty).
    pub note: String,
    /// English words not to use for it.
    pub forbidden: Vec<String>,
    /// Its row in the glossary file (the header is row 1); 0 for a term not from a file.
    pub row: u64,
}

impl Term {
    /// A term of `nb` and `en`, with no note and nothing forbidden.
    pub fn new(nb: &str, en: &str) -> Term {
        Term { nb: nb.into(), en: en.into(), ..Term::default() }
    }

    /// The term as a translator reads it: `kunde = customer (a note) (not: client)`.
    pub fn describe(&self) -> String {
        let mut out = format!("{} = {}", self.nb, self.en);
        if !self.note.trim().is_empty() {
            out.push_str(&format!(" ({})", self.note.trim()));
        }
        if !self.forbidden.is_empty() {
            out.push_str(&format!(" (not: {})", self.forbidden.join(", ")));
        }
        out
    }
}

/// A term found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermHit {
    /// The term's number in [`Glossary::terms`].
    pub term: usize,
    /// The words of the sentence it was found in, as written there (`kundene`).
    pub form: String,
    /// Where those words are in the sentence, in bytes.
    pub range: Range<usize>,
}

/// A term's words, lower-cased, in one of the ways it can be written.
#[derive(Debug, Clone)]
struct Shape {
    term: usize,
    words: Vec<TermWord>,
}

#[derive(Debug, Clone)]
struct TermWord {
    /// Lower-cased characters.
    lower: Vec<char>,
    /// As written, for acronyms.
    written: Vec<char>,
    /// Capitals only (and at least two letters): matched in capitals.
    acronym: bool,
    /// Whether it takes Nynorsk's endings too ([`NYNORSK_ENDINGS`]).
    nynorsk: bool,
}

impl TermWord {
    fn new(word: &str) -> TermWord {
        let written: Vec<char> = word.chars().collect();
        let letters = written.iter().filter(|c| c.is_alphabetic()).count();
        let acronym = letters >= 2 && written.iter().all(|c| !c.is_lowercase());
        TermWord { lower: written.iter().map(|&c| lower(c)).collect(), written, acronym, nynorsk: false }
    }
}

/// The glossary: its terms, and an index of them by their first letters.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    /// Every term, in file order.
    pub terms: Vec<Term>,
    /// What the file was read as when it was not UTF-8 ("read as Windows-1252 (not
    /// UTF-8)").
    pub note: Option<String>,
    shapes: Vec<Shape>,
    /// Shapes by the first (up to) three lower-case letters of their first word, and of
    /// that word without a final `-e`.
    index: HashMap<String, Vec<usize>>,
}

impl Glossary {
    /// A glossary of `terms`, not backed by a file.
    pub fn new(terms: Vec<Term>) -> Glossary {
        let mut glossary = Glossary { terms, ..Glossary::default() };
        for (t, term) in glossary.terms.iter().enumerate() {
            let words: Vec<TermWord> = words(&term.nb).iter().map(|w| TermWord::new(w.text)).collect();
            if words.is_empty() {
                continue;
            }
            if words.len() > 1 {
                let joined: String = words.iter().flat_map(|w| w.written.iter()).collect();
                glossary.shapes.push(Shape { term: t, words: vec![TermWord::new(&joined)] });
            }
            glossary.shapes.push(Shape { term: t, words });
        }
        for (s, shape) in glossary.shapes.iter().enumerate() {
            let first = &shape.words[0].lower;
            let mut keys = vec![key(first)];
            if first.len() > 1 && first.last() == Some(&'e') {
                keys.push(key(&first[..first.len() - 1]));
            }
            keys.dedup();
            for k in keys {
                glossary.index.entry(k).or_default().push(s);
            }
        }
        glossary
    }

    /// Where the glossary of the memory at `memory` is: `glossary.csv` in the memory's
    /// folder, or beside the memory's file.
    pub fn path_for(memory: &Path) -> PathBuf {
        if memory.is_dir() || memory.extension().is_none() {
            memory.join(FILE)
        } else {
            memory.parent().unwrap_or(Path::new("")).join(FILE)
        }
    }

    /// The glossary beside the memory at `memory` ([`Glossary::path_for`]), or an empty
    /// one when there is none.
    pub fn load_for(memory: &Path) -> Result<Glossary> {
        let path = Glossary::path_for(memory);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(Glossary::default());
        }
        Glossary::load(&path)
    }

    /// Reads the glossary file at `path`.
    pub fn load(path: &Path) -> Result<Glossary> {
        crate::input::regular_file(path, "a glossary")?;
        let bytes = crate::input::limits::read_csv(path)?;
        Glossary::parse(path, &bytes)
    }

    /// Reads glossary CSV `bytes`; `path` names the file in messages.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Glossary> {
        let decoded = decode(path, bytes, Accept::Legacy, "\"CSV UTF-8\"")?;
        let note = decoded.note;
        let text = decoded.text.as_bytes();
        let fail = |row: u64, column: Option<&str>, message: String| {
            Error::at(path, Place::row(row, column), message)
        };
        let delimiter = detect_delimiter(text, &["nb", "en"])
            .or_else(|| detect_delimiter(text, &["nn", "en"]))
            .or_else(|| detect_delimiter(text, &["no", "en"]))
            .unwrap_or(b',');
        check_quoting(text, delimiter).map_err(|(row, message)| fail(row, None, message))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text);
        let mut rows = crate::input::csv::Rows::new(text, delimiter);
        let mut records = reader.records();
        let header = match records.next() {
            Some(Ok(header)) if header.iter().any(|c| !c.trim().is_empty()) => header,
            Some(Err(e)) => return Err(fail(1, None, e.to_string())),
            _ => {
                return Err(fail(
                    1,
                    None,
                    "no header row: the first row must name the columns, with at least nb and en".into(),
                ))
            }
        };
        let header_row = header.position().map_or(1, |p| rows.at(p.byte()));
        let columns: Vec<String> =
            header.iter().map(|c| c.trim_start_matches('\u{feff}').to_string()).collect();
        let lower: Vec<String> = columns.iter().map(|c| c.trim().to_lowercase()).collect();
        let mut seen = std::collections::HashSet::new();
        for (i, name) in lower.iter().enumerate() {
            if !name.is_empty() && !seen.insert(name.as_str()) {
                return Err(fail(
                    header_row,
                    Some(&columns[i]),
                    "the column appears twice in the header".into(),
                ));
            }
        }
        let find = |name: &str| lower.iter().position(|c| c == name);
        // The Norwegian column of a Nynorsk glossary may be named so; `no` is
        // Norwegian either way.
        let norwegian = find("nb").or_else(|| find("nn")).or_else(|| find("no"));
        let (Some(nb), Some(en)) = (norwegian, find("en")) else {
            let missing = if norwegian.is_none() { "nb" } else { "en" };
            return Err(fail(
                header_row,
                None,
                format!(
                    "no `{missing}` column in the header; found {}; a glossary has the columns nb (nn for \
                     Nynorsk), en and optionally note and forbidden",
                    columns.join(", ")
                ),
            ));
        };
        let (note_column, forbidden_column) = (find("note"), find("forbidden"));
        let mut terms = Vec::new();
        let mut row = header_row;
        for record in records {
            let record = record.map_err(|e| {
                let at = e.position().map_or(row + 1, |p| rows.at(p.byte()));
                fail(at, None, e.to_string())
            })?;
            row = record.position().map_or(row + 1, |p| rows.at(p.byte()));
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if record.len() != columns.len() {
                return Err(fail(
                    row,
                    None,
                    format!("expected {} cells as in the header, found {}", columns.len(), record.len()),
                ));
            }
            if let Some((i, _)) = record.iter().enumerate().find(|(_, c)| c.len() > MAX_CELL) {
                return Err(fail(
                    row,
                    Some(&columns[i]),
                    format!("the cell is larger than the limit of {MAX_CELL} bytes"),
                ));
            }
            let cell = |i: usize| record[i].trim().to_string();
            let term = Term {
                nb: cell(nb),
                en: cell(en),
                note: note_column.map(cell).unwrap_or_default(),
                forbidden: forbidden_column
                    .map(|c| {
                        record[c]
                            .split(';')
                            .map(str::trim)
                            .filter(|w| !w.is_empty())
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
                row,
            };
            if words(&term.nb).is_empty() {
                return Err(fail(
                    row,
                    Some(&columns[nb]),
                    format!(
                        "expected a Norwegian term with a letter or digit, found {}",
                        crate::shown::quoted(&term.nb)
                    ),
                ));
            }
            if words(&term.en).is_empty() {
                return Err(fail(
                    row,
                    Some(&columns[en]),
                    format!(
                        "expected the English for {}, found {}; a term kept as it is is written again \
                         (OKS, OKS)",
                        crate::shown::quoted(&term.nb),
                        crate::shown::quoted(&term.en)
                    ),
                ));
            }
            terms.push(term);
        }
        let mut glossary = Glossary::new(terms);
        glossary.note = note;
        Ok(glossary)
    }

    /// The glossary of a Nynorsk project: its terms' last words take Nynorsk's endings
    /// too ([`NYNORSK_ENDINGS`]).
    pub fn nynorsk(mut self) -> Glossary {
        for word in self.shapes.iter_mut().flat_map(|s| s.words.iter_mut()) {
            word.nynorsk = true;
        }
        self
    }

    /// Whether it has no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every term found in `sentence`, in the order they occur; where two overlap, the
    /// one with the longer Norwegian only (see the module's documentation).
    pub fn find(&self, sentence: &str) -> Vec<TermHit> {
        if self.shapes.is_empty() {
            return Vec::new();
        }
        let words = words(sentence);
        let mut hits: Vec<TermHit> = Vec::new();
        for k in 0..words.len() {
            let mut candidates: Vec<usize> = Vec::new();
            let lower = &words[k].lower;
            if lower.len() > MAX_WORD {
                continue;
            }
            // A term starts the word (keys of one to three letters), or, as the last
            // part of a compound, starts at its fourth letter or later.
            let mut lookup = |k: &[char]| {
                if let Some(found) = self.index.get(&k.iter().collect::<String>()) {
                    candidates.extend(found);
                }
            };
            for len in 1..=lower.len().min(3) {
                lookup(&lower[..len]);
            }
            for start in 3..lower.len().saturating_sub(2) {
                lookup(&lower[start..start + 3]);
            }
            candidates.sort_unstable();
            candidates.dedup();
            for s in candidates {
                let shape = &self.shapes[s];
                if let Some(end) = matches_at(&shape.words, &words, k) {
                    let range = words[k].range.start..words[end].range.end;
                    let hit = TermHit { term: shape.term, form: sentence[range.clone()].to_string(), range };
                    if !hits.contains(&hit) {
                        hits.push(hit);
                    }
                }
            }
        }
        let length = |hit: &TermHit| self.terms[hit.term].nb.chars().count();
        let mut kept: Vec<TermHit> = hits
            .iter()
            .filter(|hit| {
                !hits.iter().any(|other| {
                    other.range.start <= hit.range.start
                        && hit.range.end <= other.range.end
                        && length(other) > length(hit)
                })
            })
            .cloned()
            .collect();
        kept.sort_by_key(|hit| (hit.range.start, hit.term));
        kept
    }

    /// The terms of `hits`, each once, in the order first found, as a batch cell shows
    /// them: `kundeservice = customer service; OKS = OKS (keep)`.
    pub fn describe(&self, hits: &[TermHit]) -> Vec<String> {
        let mut seen = Vec::new();
        for hit in hits {
            if !seen.contains(&hit.term) {
                seen.push(hit.term);
            }
        }
        seen.into_iter().map(|t| self.terms[t].describe()).collect()
    }
}

/// Common Norwegian function words (Bokmål and Nynorsk), never candidates for the
/// glossary: pronouns, determiners, prepositions, conjunctions, auxiliaries and the
/// commonest adverbs.
pub const STOP_WORDS: &[&str] = &[
    "alle", "allerede", "alltid", "alt", "andre", "annen", "annet", "av", "bare", "begge", "bli", "blir",
    "ble", "blitt", "både", "da", "de", "deg", "dei", "dem", "den", "denne", "der", "deres", "det", "dette",
    "di", "din", "disse", "ditt", "du", "eg", "egen", "eget", "egne", "ein", "eit", "eller", "en", "enn",
    "er", "et", "etter", "for", "fordi", "fra", "frå", "få", "får", "fikk", "før", "gikk", "gjennom",
    "gjorde", "gjør", "gjøre", "god", "godt", "ha", "hadde", "han", "hans", "har", "hele", "helt", "hennar",
    "hennes", "her", "hjå", "ho", "hos", "hun", "hva", "hvem", "hver", "hvilke", "hvilken", "hvis", "hvor",
    "hvordan", "hvorfor", "i", "ikke", "ikkje", "ingen", "inn", "ja", "jeg", "jo", "kan", "kom", "komme",
    "kommer", "kun", "kunne", "kva", "kvar", "man", "mange", "med", "meg", "mellom", "men", "mer", "mest",
    "mitt", "min", "mine", "mot", "mye", "må", "måtte", "ned", "nei", "noe", "noen", "nok", "når", "nå",
    "og", "også", "om", "opp", "oss", "over", "på", "samme", "seg", "selv", "sin", "sine", "sitt", "skal",
    "skulle", "slik", "som", "så", "sånn", "til", "tre", "to", "under", "ut", "uten", "var", "vart", "ved",
    "veldig", "vi", "vil", "ville", "vår", "våre", "vårt", "være", "vært", "å",
];

/// Where the glossary's terms occur in a corpus, and how often each word no term
/// covers does: gathered one sentence at a time.
#[derive(Debug, Clone, Default)]
pub struct Survey {
    /// Per term, in the glossary's order: where it was found.
    pub uses: Vec<TermUse>,
    /// Each word no term covers, lower-cased, and how often it occurs.
    words: HashMap<String, usize>,
    /// Per term, the line it was last found on.
    last: Vec<Option<(String, usize)>>,
}

/// Where one term was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermUse {
    /// How many times.
    pub count: usize,
    /// The first [`MAX_PLACES`] lines it is found in: document, line and how many times there.
    pub places: Vec<(String, usize, usize)>,
    /// How many more lines it is found in.
    pub more_places: usize,
}

/// How many lines of each term a [`Survey`] keeps.
pub const MAX_PLACES: usize = 100;

impl Survey {
    /// An empty survey of the terms of `glossary`.
    pub fn new(glossary: &Glossary) -> Survey {
        let n = glossary.terms.len();
        Survey { uses: vec![TermUse::default(); n], words: HashMap::new(), last: vec![None; n] }
    }

    /// Adds `sentence`, found on `line` of the document `doc`.
    pub fn add(&mut self, glossary: &Glossary, doc: &str, line: usize, sentence: &str) {
        let hits = glossary.find(sentence);
        for hit in &hits {
            let used = &mut self.uses[hit.term];
            used.count += 1;
            // Sentences come in document order, so a line's hits follow each other.
            let last = &mut self.last[hit.term];
            let same_line = last.as_ref().is_some_and(|(d, l)| d == doc && *l == line);
            if same_line {
                if let Some(place) = used.places.last_mut().filter(|p| p.0 == doc && p.1 == line) {
                    place.2 += 1;
                }
            } else {
                *last = Some((doc.to_string(), line));
                if used.places.len() < MAX_PLACES {
                    used.places.push((doc.to_string(), line, 1));
                } else {
                    used.more_places += 1;
                }
            }
        }
        for word in words(sentence) {
            let covered =
                hits.iter().any(|h| h.range.start <= word.range.start && word.range.end <= h.range.end);
            let lower: String = word.lower.iter().collect();
            let candidate = !covered
                && word.lower.len() >= 3
                && word.lower.iter().any(|c| c.is_alphabetic())
                && !STOP_WORDS.contains(&lower.as_str());
            if candidate {
                *self.words.entry(lower).or_default() += 1;
            }
        }
    }

    /// The `n` most frequent words no term covers, with their counts: most frequent
    /// first, then in alphabetical order.
    pub fn candidates(&self, n: usize) -> Vec<(String, usize)> {
        let mut all: Vec<(String, usize)> = self.words.iter().map(|(w, &c)| (w.clone(), c)).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }
}

/// Whether the English `text` has the words of `phrase`, compared lower-cased, as
/// consecutive words (spaces, codes or a hyphen between them), the last one perhaps in
/// the plural (`-s`, `-es`, `-y` as `-ies`).
pub fn english_has(text: &str, phrase: &str) -> bool {
    english_find(text, phrase).is_some()
}

/// The words of the English `text` that are `phrase`, as [`english_has`] finds them.
pub fn english_find<'a>(text: &'a str, phrase: &str) -> Option<&'a str> {
    let want: Vec<Vec<char>> = words(phrase).into_iter().map(|w| w.lower).collect();
    if want.is_empty() {
        return None;
    }
    let have = words(text);
    'start: for k in 0..have.len() {
        if k + want.len() > have.len() {
            break;
        }
        for (m, w) in want.iter().enumerate() {
            let word = &have[k + m];
            if m > 0 && !word.joined {
                continue 'start;
            }
            let last = m + 1 == want.len();
            let same = word.lower == *w || (last && english_plural(w, &word.lower));
            if !same {
                continue 'start;
            }
        }
        return Some(&text[have[k].range.start..have[k + want.len() - 1].range.end]);
    }
    None
}

/// Whether `word` is the English plural of `singular`: `-s`, `-es`, or `-y` as `-ies`.
fn english_plural(singular: &[char], word: &[char]) -> bool {
    let ends = |stem: &[char], ending: &str| {
        let ending: Vec<char> = ending.chars().collect();
        word.len() == stem.len() + ending.len() && word.starts_with(stem) && word.ends_with(&ending)
    };
    ends(singular, "s")
        || ends(singular, "es")
        || (singular.last() == Some(&'y') && ends(&singular[..singular.len() - 1], "ies"))
}

/// A word of a sentence.
#[derive(Debug, Clone)]
struct Word<'a> {
    /// As written.
    text: &'a str,
    /// Its characters as written.
    written: Vec<char>,
    /// Its characters lower-cased, one for one.
    lower: Vec<char>,
    /// Where it is, in bytes.
    range: Range<usize>,
    /// Whether only spaces, codes or a hyphen stand between it and the word before.
    joined: bool,
}

/// The words of `text`: maximal runs of letters and digits, formatting codes skipped.
/// The apostrophes English writes inside words: straight, curly and the modifier
/// letter.
const APOSTROPHES: [char; 3] = ['\'', '\u{2019}', '\u{2BC}'];

fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut joined = false;
    let mut i = 0;
    while i < text.len() {
        if let Some(len) = crate::document::inline::placeholder_len(&text[i..]) {
            i += len;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if c.is_alphanumeric() {
            let len = text[i..].find(|c: char| !c.is_alphanumeric()).unwrap_or(text.len() - i);
            let word = &text[i..i + len];
            let written: Vec<char> = word.chars().collect();
            out.push(Word {
                text: word,
                lower: written.iter().map(|&c| lower(c)).collect(),
                written,
                range: i..i + len,
                joined,
            });
            joined = true;
            i += len;
            continue;
        }
        // An apostrophe inside a word (`fisherman's`, `fisherman’s`) joins its parts, as
        // a hyphen does; typed straight or curly, it is the same word.
        let next = text[i + c.len_utf8()..].chars().next();
        let after_letter = text[..i].chars().next_back().is_some_and(char::is_alphanumeric);
        let inside = APOSTROPHES.contains(&c) && after_letter && next.is_some_and(char::is_alphanumeric);
        if !(c.is_whitespace() || c == '-' || c == '\u{2010}' || inside) {
            joined = false;
        }
        i += c.len_utf8();
    }
    out
}

/// `c` lower-cased, one character for one.
fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The index key of a word's lower-cased characters: the first three.
fn key(lower: &[char]) -> String {
    lower[..lower.len().min(3)].iter().collect()
}

/// The last word of the sentence `words` that the term `shape` covers when it starts
/// at word `k`, if it does.
fn matches_at(shape: &[TermWord], words: &[Word<'_>], k: usize) -> Option<usize> {
    let n = shape.len();
    if k + n > words.len() {
        return None;
    }
    for (m, t) in shape.iter().enumerate() {
        let w = &words[k + m];
        if (m > 0 && !w.joined) || w.lower.len() > MAX_WORD {
            return None;
        }
        if !holds(t, w, m == 0, m + 1 == n) {
            return None;
        }
    }
    Some(k + n - 1)
}

/// Whether the sentence word `w` holds the term word `t`, as the term's first and/or
/// last word: the rules of the module's documentation.
fn holds(t: &TermWord, w: &Word<'_>, first: bool, last: bool) -> bool {
    if inflected(t, w, 0, last) {
        return true;
    }
    if last && compound_first(t, w) {
        return true;
    }
    if first && !t.acronym && t.lower.len() >= 5 && w.lower.len() > t.lower.len() {
        return (3..=w.lower.len() - t.lower.len())
            .any(|p| w.lower[..p].iter().all(|c| c.is_alphabetic()) && inflected(t, w, p, last));
    }
    false
}

/// Whether `w` from its character `p` on is `t` with an ending its place allows.
fn inflected(t: &TermWord, w: &Word<'_>, p: usize, last: bool) -> bool {
    let rest = &w.lower[p..];
    let ending_ok = |ending: &[char], vowel_first: bool| -> bool {
        if ending.is_empty() {
            return !vowel_first;
        }
        if vowel_first && !is_vowel(ending[0]) {
            return false;
        }
        let ending: String = ending.iter().collect();
        if last {
            ENDINGS.contains(&ending.as_str()) || t.nynorsk && NYNORSK_ENDINGS.contains(&ending.as_str())
        } else {
            INNER_ENDINGS.contains(&ending.as_str())
        }
    };
    if t.acronym {
        // As written, in capitals, and an ending in small letters.
        let written = &w.written[p..];
        return written.starts_with(&t.written)
            && written[t.written.len()..].iter().all(|c| c.is_lowercase())
            && ending_ok(&rest[t.lower.len()..], false);
    }
    if rest.starts_with(&t.lower) && ending_ok(&rest[t.lower.len()..], false) {
        return true;
    }
    let len = t.lower.len();
    // kunde → kund+ene; program → programm+et.
    if len > 1 && t.lower[len - 1] == 'e' && rest.starts_with(&t.lower[..len - 1]) {
        return ending_ok(&rest[len - 1..], true);
    }
    if len > 1 && t.lower[len - 1] == 'm' && is_vowel(t.lower[len - 2]) {
        let doubled: Vec<char> = t.lower.iter().copied().chain(std::iter::once('m')).collect();
        if rest.starts_with(&doubled) {
            return ending_ok(&rest[doubled.len()..], true);
        }
    }
    false
}

/// Whether `w` starts with `t` as the first part of a compound.
fn compound_first(t: &TermWord, w: &Word<'_>) -> bool {
    if t.lower.len() < 4 {
        return false;
    }
    let starts = if t.acronym { w.written.starts_with(&t.written) } else { w.lower.starts_with(&t.lower) };
    if !starts {
        return false;
    }
    let rest = &w.lower[t.lower.len()..];
    let head_ok = |head: &[char]| {
        let text: String = head.iter().collect();
        head.len() >= 4
            && head.iter().all(|c| c.is_alphabetic())
            && !DERIVATIONS.iter().any(|d| text.starts_with(d))
    };
    head_ok(rest) || (matches!(rest.first(), Some('s' | 'e')) && head_ok(&rest[1..]))
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'æ' | 'ø' | 'å')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary(terms: &[&str]) -> Glossary {
        Glossary::new(terms.iter().map(|t| Term::new(t, "x")).collect())
    }

    /// The forms `sentence` holds of the terms: (term, form as written).
    fn found(g: &Glossary, sentence: &str) -> Vec<(String, String)> {
        g.find(sentence).into_iter().map(|h| (g.terms[h.term].nb.clone(), h.form)).collect()
    }

    #[track_caller]
    fn check(term: &str, sentence: &str, form: Option<&str>) {
        let g = glossary(&[term]);
        let expected: Vec<(String, String)> =
            form.map(|f| (term.to_string(), f.to_string())).into_iter().collect();
        assert_eq!(found(&g, sentence), expected, "{term:?} in {sentence:?}");
    }

    #[test]
    fn inflected_forms_of_real_nouns_and_adjectives_are_found() {
        for (term, forms) in [
            (
                "kunde",
                &["kunde", "kunden", "kunder", "kundene", "kundens", "kundenes", "kundes", "Kundene"][..],
            ),
            ("kundeservice", &["kundeservice", "kundeservicen", "kundeservicens", "KUNDESERVICE"]),
            ("bil", &["bilen", "biler", "bilene", "bilens"]),
            ("hus", &["huset", "husene", "husets"]),
            ("jente", &["jenta", "jenten", "jenter", "jentene"]),
            ("lærer", &["læreren", "lærere", "lærerne", "lærernes"]),
            ("program", &["programmet", "programmer", "programmene"]),
            ("avtale", &["avtalen", "avtaler", "avtalene"]),
            ("rask", &["raske", "raskt", "raskere", "raskest", "raskeste"]),
            ("KPI", &["KPI", "KPIen", "KPIer", "KPIene"]),
        ] {
            for form in forms {
                check(term, &format!("Her er {form} i dag."), Some(form));
            }
        }
    }

    #[test]
    fn a_nynorsk_glossary_finds_nynorsk_forms_and_a_bokmal_one_does_not() {
        for (term, forms) in [
            ("gard", &["garden", "gardar", "gardane", "gardars"][..]),
            ("felemakar", &["felemakaren", "felemakarar", "felemakarane"]),
            ("skuleklasse", &["skuleklassen", "skuleklassar", "skuleklassane"]),
            ("fin", &["finare", "finast", "finaste"]),
        ] {
            let g = glossary(&[term]).nynorsk();
            for form in forms {
                let sentence = format!("Her er {form} i dag.");
                assert_eq!(found(&g, &sentence), [(term.to_string(), form.to_string())], "{sentence}");
            }
        }
        // In Bokmål those endings would find `rad` in `radar`.
        check("rad", "Skipet har radar.", None);
        check("plan", "En planar flate.", None);
        assert_eq!(found(&glossary(&["rad"]).nynorsk(), "Båten har radar.").len(), 1);
    }

    #[test]
    fn compounds_are_found_by_their_first_or_last_part() {
        check("kundeservice", "Hun ledet kundeservicesenteret.", Some("kundeservicesenteret"));
        check("kunde", "Vi har et kundesenter.", Some("kundesenter"));
        check("arbeid", "En arbeidsplass.", Some("arbeidsplass"));
        check("leder", "Hun ble kundeservicelederen.", Some("kundeservicelederen"));
        check("ansatt", "Tre deltidsansatte.", Some("deltidsansatte"));
    }

    #[test]
    fn terms_of_several_words_are_found_word_by_word() {
        check("fast ansatt", "Hun er fast ansatt.", Some("fast ansatt"));
        check("fast ansatt", "Alle faste ansatte fikk det.", Some("faste ansatte"));
        check("fast ansatt", "De fastansatte fikk det.", Some("fastansatte"));
        check("fast ansatt", "Hun er fast-ansatt.", Some("fast-ansatt"));
        check("fast ansatt", "Hun er {1}fast{/1} ansatt.", Some("fast{/1} ansatt"));
        check("e-post", "Send en e-post til oss.", Some("e-post"));
        check("e-post", "Les e-posten.", Some("e-posten"));
    }

    #[test]
    fn false_friends_are_not_found() {
        for (term, sentence) in [
            ("kunde", "Han bekunder sin støtte."),
            ("kunde", "De kunne komme."),
            ("kunde", "Han var kyndig."),
            ("kunde", "En ukunde."),
            ("OKS", "Oksen står på jordet."),
            ("OKS", "Legg det i boksen."),
            ("and", "De andre kom."),
            ("lege", "Mine kollegene kom."),
            ("land", "Etter landingen."),
            ("land", "Et vakkert landskap."),
            ("mål", "Et godt måltid."),
            ("fast ansatt", "Det satt fast, ansatt eller ikke."),
            ("fast ansatt", "Ansatt fast."),
            ("service", "En serviett."),
            ("kundeservice", "Kunde og service."),
        ] {
            check(term, sentence, None);
        }
    }

    #[test]
    fn the_longer_term_wins_where_terms_overlap() {
        let g = glossary(&["kunde", "kundeservice", "service", "fast ansatt", "ansatt"]);
        assert_eq!(
            found(&g, "Kundeservicen har fem faste ansatte og mange kunder."),
            [
                ("kundeservice".to_string(), "Kundeservicen".to_string()),
                ("fast ansatt".into(), "faste ansatte".into()),
                ("kunde".into(), "kunder".into()),
            ]
        );
        assert_eq!(g.describe(&g.find("kunde og kunder")), ["kunde = x"]);
    }

    #[test]
    fn english_is_found_in_the_singular_or_the_plural() {
        assert!(english_has("Our Customer Service team.", "customer service"));
        assert!(english_has("Ask our customers.", "customer"));
        assert!(english_has("Two companies.", "company"));
        assert!(english_has("The boxes.", "box"));
        assert!(english_has("A customer's view.", "customer"));
        // An apostrophe inside a word joins it, straight or curly.
        assert!(english_has("An old fisherman's cabin.", "fisherman's cabin"));
        assert!(english_has("An old fisherman’s cabin.", "fisherman's cabin"));
        assert!(english_has("An old fisherman's cabin.", "fisherman's"));
        assert!(!english_has("The fisherman 's cabin.", "fisherman's cabin"));
        assert!(!english_has("A custom service.", "customer service"));
        assert!(!english_has("Customers, service.", "customer service"));
        assert!(!english_has("Accustomed.", "customer"));
        assert_eq!(english_find("Our {1}clients{/1} agree.", "client"), Some("clients"));
    }

    fn load(text: &str) -> Result<Glossary> {
        Glossary::parse(Path::new("glossary.csv"), text.as_bytes())
    }

    #[test]
    fn a_glossary_is_read_by_header_names_with_notes_and_forbidden_words() {
        let g =
            load("\u{feff}EN,Note,NB,Forbidden,Owner\ncustomer,,kunde,client; user ,Kari\nOKS,keep,OKS,,\n")
                .unwrap();
        assert_eq!(g.terms.len(), 2);
        assert_eq!(g.terms[0].forbidden, ["client", "user"]);
        assert_eq!(g.terms[0].row, 2);
        assert_eq!(g.terms[0].describe(), "kunde = customer (not: client, user)");
        assert_eq!(g.terms[1].describe(), "OKS = OKS (keep)");
        let g = load("nb;en;note\n\"fast ansatt\";permanent employee;\"a; b\"\n").unwrap();
        assert_eq!(g.terms[0].describe(), "fast ansatt = permanent employee (a; b)");
        let g =
            Glossary::parse(Path::new("g.csv"), b"nb,en\nkundeservice,customer service\nm\xf8te,meeting\n")
                .unwrap();
        assert_eq!(g.terms[1].nb, "møte");
        assert_eq!(g.note.as_deref(), Some("read as Windows-1252 (not UTF-8)"));
    }

    #[test]
    fn a_bad_glossary_is_an_error_naming_file_row_and_column() {
        let fails = |text: &str, message: &str| {
            assert_eq!(load(text).unwrap_err().to_string(), message, "{text:?}");
        };
        fails("", "glossary.csv: row 1: no header row: the first row must name the columns, with at least nb and en");
        fails(
            "source,target\nkunde,customer\n",
            "glossary.csv: row 1: no `nb` column in the header; found source, target; a glossary has the columns \
             nb (nn for Nynorsk), en and optionally note and forbidden",
        );
        // A Nynorsk glossary names its Norwegian column nn.
        let nn = Glossary::parse(Path::new("glossary.csv"), "nn,en\ngard,farm\n".as_bytes()).unwrap();
        assert_eq!(nn.terms[0].nb, "gard");
        fails("nb,en\nkunde,customer,x\n", "glossary.csv: row 2: expected 2 cells as in the header, found 3");
        fails(
            "nb,en\nkunde,customer\n\n -- ,x\n",
            "glossary.csv: row 4, column nb: expected a Norwegian term with a letter or digit, found \"--\"",
        );
        fails(
            "nb,EN\nOKS,\n",
            "glossary.csv: row 2, column EN: expected the English for \"OKS\", found \"\"; a term kept as it is is \
             written again (OKS, OKS)",
        );
        fails(
            "nb,en\n\"kunde,customer\n",
            "glossary.csv: row 2: a quoted cell is never closed (a missing \" before the end of the file)",
        );
        fails("nb,en,NB\n", "glossary.csv: row 1, column NB: the column appears twice in the header");
        let err = Glossary::parse(Path::new("glossary.csv"), b"nb,en\nkunde,cust\0omer\n").unwrap_err();
        assert!(err.to_string().starts_with("glossary.csv: line 2 (byte 16): a NUL byte"), "{err}");
    }

    #[test]
    fn the_glossary_is_beside_the_memory() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Glossary::path_for(dir.path()), dir.path().join(FILE));
        let file = dir.path().join("nb-en.csv");
        std::fs::write(&file, "source,target\n").unwrap();
        assert_eq!(Glossary::path_for(&file), dir.path().join(FILE));
        assert!(Glossary::load_for(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn a_survey_counts_terms_by_line_and_the_words_no_term_covers() {
        let g = glossary(&["kunde", "OKS"]);
        let mut survey = Survey::new(&g);
        survey.add(&g, "a.txt", 1, "Kunden og kundene i kundeservicen.");
        survey.add(&g, "a.txt", 2, "Fakturaen til kunden, og fakturaen igjen.");
        assert_eq!(
            survey.uses[0],
            TermUse {
                count: 4,
                places: vec![("a.txt".into(), 1, 3), ("a.txt".into(), 2, 1)],
                more_places: 0
            }
        );
        assert_eq!(survey.uses[1].count, 0);
        assert_eq!(survey.candidates(5), [("fakturaen".to_string(), 2), ("igjen".to_string(), 1)]);
    }

    #[test]
    fn a_long_word_costs_bounded_work() {
        let g = glossary(&["kunde", "service"]);
        let long = "kunde".repeat(1000);
        assert!(g.find(&long).is_empty());
    }
}
