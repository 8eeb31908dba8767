//! The Norwegian sentence segmenter: cuts one line of prose into sentences.
//!
//! A line break always ends a segment, so the segmenter works on one line (a block) at
//! a time and returns byte ranges of sentence text inside it; everything outside them
//! (whitespace, no-break spaces, a leading dialogue dash) is layout that
//! [`crate::document`] keeps in the skeleton. The rules themselves are data
//! ([`Rules`], `rules/nb.rules`); this module only applies them. It never reads files,
//! never prints and knows nothing of the memory. The same rules can be written as an
//! SRX 2.0 file for other tools, and an SRX file can stand in for them ([`srx`]).
//!
//! # When a sentence ends
//! A run of terminators (`.` `!` `?` `…`, so also `?!` and `...`) plus any closing
//! quotes or brackets right after it (`»` `"` `)` `’` `”` `]`) ends a sentence when
//! whitespace follows and then something that can start a sentence: an uppercase
//! letter, a digit, a dialogue dash, or an opening quote or bracket that is not
//! followed by a lower-case letter. It does not end:
//! - before a lower-case word: a Norwegian sentence never starts in lower case, so
//!   `17. mai`, `kl. 10.00`-style abbreviations before words, and `«Hva?» spurte han`
//!   all stay whole;
//! - without whitespace after it: dates (`22.11.2026`), times (`10.00`), decimals,
//!   URLs and e-mail addresses;
//! - after an abbreviation from `[abbreviations]` (matched lower-cased, opening
//!   brackets removed), or from `[lowercase-abbreviations]` written in lower case;
//! - after an abbreviation from `[final-abbreviations]` (`osv.`, `etc.`, `kr.`) before
//!   a number; before an uppercase word these do end the sentence, since they so often
//!   close one;
//! - after a single uppercase letter or a run of initials (`J. K. Rowling`, `J.K.`);
//!   the price is that `plan B. Den` stays one segment, which a translator fixes
//!   more easily than a name cut in two;
//! - after an ordinal (digits and a dot) before a month name in any case
//!   (`17. Mai`); before any other uppercase word a number with a dot does end the
//!   sentence (`i 2017. Det ...`);
//! - inside a matched pair of quotes or brackets whose closing half comes after the
//!   terminator: `(opplevd kundetilfredshet, red. kommentar)` and a multi-sentence
//!   «quote» are one piece of their sentence. An opening quote or bracket that is
//!   never closed on the line protects nothing, so one stray `«` cannot glue a whole
//!   paragraph together.
//!
//! A leading dialogue dash (`– `, `- `, `— `) at the start of a line or of a sentence
//! is layout, not text: the translator never has to re-type it, and the English
//! edition keeps it where it was.

mod rules;
pub mod srx;

use std::ops::Range;

pub use rules::{Rules, NORWEGIAN};

/// Splits lines into sentences with a set of [`Rules`], or with SRX rules.
#[derive(Debug, Clone)]
pub struct Segmenter {
    rules: Rules,
    breaks: Breaks,
}

/// What decides where a sentence ends.
#[derive(Debug, Clone)]
enum Breaks {
    /// The documented logic below, applied to `rules`.
    Rules,
    /// SRX rules; `rules` then only says which dialogue dashes are layout.
    Srx(srx::SrxRules),
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter::new(Rules::norwegian())
    }
}

impl Segmenter {
    /// A segmenter applying `rules`.
    pub fn new(rules: Rules) -> Segmenter {
        Segmenter { rules, breaks: Breaks::Rules }
    }

    /// A segmenter applying SRX rules (see [`srx`]). Leading dialogue dashes of the
    /// built-in rules are still trimmed off as layout.
    pub fn with_srx(rules: srx::SrxRules) -> Segmenter {
        Segmenter { rules: Rules::norwegian(), breaks: Breaks::Srx(rules) }
    }

    /// The rules this segmenter applies (with SRX, only their dialogue dashes).
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Appends to `out` the byte ranges of the sentences in `line`, which must not
    /// contain a line break. Ranges are trimmed of whitespace and leading dialogue
    /// dashes, never empty, and in order.
    pub fn split_line(&self, line: &str, out: &mut Vec<Range<usize>>) {
        if let Breaks::Srx(srx) = &self.breaks {
            self.split_srx(srx, line, out);
            return;
        }
        let mut protected: Option<Vec<Range<usize>>> = None;
        let mut start = 0;
        let mut pos = 0;
        while let Some(off) = line[pos..].find(|c: char| self.rules.terminators.contains(&c)) {
            let term_start = pos + off;
            let term_end = self.skip(line, term_start, |c| self.rules.terminators.contains(&c));
            let run_end = self.skip(line, term_end, |c| self.rules.closers.contains(&c));
            pos = run_end;
            let ws_end = self.skip(line, run_end, char::is_whitespace);
            if ws_end == run_end || ws_end == line.len() {
                continue;
            }
            let protected = protected.get_or_insert_with(|| self.protected_spans(line));
            if self.is_break(line, term_start, term_end, run_end, ws_end, protected) {
                self.push_trimmed(line, start..run_end, out);
                start = ws_end;
            }
        }
        self.push_trimmed(line, start..line.len(), out);
    }

    /// The end of the run of characters matching `pred` that starts at `from`.
    fn skip(&self, line: &str, from: usize, pred: impl Fn(char) -> bool) -> usize {
        line[from..].find(|c: char| !pred(c)).map_or(line.len(), |n| from + n)
    }

    fn is_dash_start(&self, text: &str) -> bool {
        let mut chars = text.chars();
        match chars.next() {
            Some(c) if self.rules.dashes.contains(&c) => chars.next().is_none_or(char::is_whitespace),
            _ => false,
        }
    }

    fn push_trimmed(&self, line: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
        let is_space = |c: char| c.is_whitespace() || c == '\u{feff}';
        let mut text = &line[range.clone()];
        loop {
            let trimmed = text.trim_start_matches(is_space);
            if self.is_dash_start(trimmed) {
                let dash_len = trimmed.chars().next().map_or(0, char::len_utf8);
                text = &trimmed[dash_len..];
            } else {
                text = trimmed.trim_end_matches(is_space);
                break;
            }
        }
        if !text.is_empty() {
            let start = text.as_ptr() as usize - line.as_ptr() as usize;
            out.push(start..start + text.len());
        }
    }

    /// Whether the terminator run `term_start..run_end`, followed by whitespace up to
    /// `next`, ends a sentence.
    fn is_break(
        &self,
        line: &str,
        term_start: usize,
        term_end: usize,
        run_end: usize,
        next: usize,
        protected: &[Range<usize>],
    ) -> bool {
        if protected.iter().any(|span| span.start < term_start && span.end >= run_end) {
            return false;
        }
        let following = &line[next..];
        let first = following.trim_start_matches(|c: char| self.rules.openers.contains(&c));
        let Some(c) = first.chars().next() else {
            return true;
        };
        // A dash still goes through the abbreviation checks below ("bl.a. – og ...");
        // anything else that is no capital, digit or opener (`. . .`, `§`) starts nothing.
        let opened = first.len() < following.len();
        let can_start = if opened { !c.is_lowercase() } else { c.is_uppercase() || c.is_numeric() };
        if !can_start && !self.is_dash_start(following) {
            return false;
        }
        let is_plain_stop = &line[term_start..term_end] == "." && term_end == run_end;
        if !is_plain_stop {
            return true;
        }
        let word_start = line[..term_start]
            .rfind(char::is_whitespace)
            .map_or(0, |n| n + line[n..].chars().next().map_or(1, char::len_utf8));
        let word = line[word_start..term_end].trim_start_matches(|c: char| self.rules.openers.contains(&c));
        let lower = word.to_lowercase();
        if self.rules.abbreviations.contains(&lower) || self.rules.lowercase_abbreviations.contains(word) {
            return false;
        }
        let starts_with_digit = c.is_ascii_digit() && first.len() == following.len();
        if self.rules.final_abbreviations.contains(&lower) {
            return !starts_with_digit;
        }
        let stem = &word[..word.len() - 1];
        if is_initials(stem) {
            return false;
        }
        if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()) {
            let next_word: String =
                following.chars().take_while(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect();
            return !self.rules.months.contains(&next_word);
        }
        true
    }

    /// Byte spans from each matched opening quote or bracket to its closing half.
    fn protected_spans(&self, line: &str) -> Vec<Range<usize>> {
        let mut stack: Vec<(char, usize)> = Vec::new();
        let mut spans = Vec::new();
        let mut prev: Option<char> = None;
        for (i, c) in line.char_indices() {
            if c == '"' {
                if stack.last().is_some_and(|&(o, _)| o == '"') {
                    let (_, open) = stack.pop().unwrap_or(('"', i));
                    spans.push(open..i);
                } else if prev.is_none_or(|p| p.is_whitespace() || self.rules.openers.contains(&p)) {
                    stack.push((c, i));
                }
            } else if self.rules.openers.contains(&c) {
                stack.push((c, i));
            } else if let Some(open) = opener_of(c) {
                if let Some(depth) = stack.iter().rposition(|&(o, _)| o == open) {
                    let (_, at) = stack[depth];
                    stack.truncate(depth);
                    spans.push(at..i);
                }
            }
            prev = Some(c);
        }
        spans
    }
}

/// The opening half of a closing quote or bracket.
fn opener_of(close: char) -> Option<char> {
    Some(match close {
        '»' => '«',
        ')' => '(',
        ']' => '[',
        '”' => '“',
        _ => return None,
    })
}

/// `J`, `K`, `J.K` or `J.K.R`: single uppercase letters joined by dots.
fn is_initials(stem: &str) -> bool {
    !stem.is_empty()
        && stem.split('.').all(|part| {
            let mut chars = part.chars();
            matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
        })
}

#[cfg(test)]
mod tests;
