//! Inline codes: the formatting inside a sentence (bold, a link, a footnote reference,
//! a line break within a paragraph) as placeholders a translator can move but hardly
//! break, the way CAT tools show tags.
//!
//! A pair of codes around some words is `{1}Lyse Dialog{/1}`; a code that stands alone
//! (a footnote reference, an image, a line break) is `{2/}`. Numbers are per sentence,
//! in the order the codes open. The memory stores sentences in this form, so a
//! translation made for one document format serves the same sentence in another.
//!
//! This module knows only the placeholders: finding them ([`pieces`], [`codes`]),
//! checking that a translation keeps them as the source has them ([`check`]: none
//! lost, added or repeated, pairs well nested, any order), and cutting a paragraph
//! into sentences that are each balanced ([`sentences`]): the words decide where
//! sentences end, as if the codes were not there, and a pair that straddles a sentence
//! boundary is closed at the end of one sentence and opened again at the start of the
//! next, as CAT tools do. [`localize`] keeps a sentence as the memory does
//! ([`localize_pair`] a sentence and its translation, numbered elsewhere), and
//! [`delocalize`] with [`tidy`] puts a translation back into its paragraph. What a code
//! stands for in a file is the document format's business.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crate::segment::Segmenter;

/// One inline code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// The start of a pair: `{n}`.
    Open(u32),
    /// The end of a pair: `{/n}`.
    Close(u32),
    /// A code on its own: `{n/}`.
    Lone(u32),
}

impl Code {
    /// Its number.
    pub fn number(self) -> u32 {
        match self {
            Code::Open(n) | Code::Close(n) | Code::Lone(n) => n,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Code::Open(n) => write!(f, "{{{n}}}"),
            Code::Close(n) => write!(f, "{{/{n}}}"),
            Code::Lone(n) => write!(f, "{{{n}/}}"),
        }
    }
}

/// A run of text or a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text, as it is.
    Text(&'a str),
    /// A code, with the bytes of its placeholder.
    Code(Code, &'a str),
}

/// The length in bytes of the placeholder that starts `text`, if one does.
pub fn placeholder_len(text: &str) -> Option<usize> {
    code_at(text).map(|(_, len)| len)
}

/// The code whose placeholder starts `text`, and its length in bytes.
fn code_at(text: &str) -> Option<(Code, usize)> {
    let rest = text.strip_prefix('{')?;
    let (close, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    // At most nine digits, no leading zero, no zero: one spelling per number, and
    // numbers start at 1 (`{0}` is the text it is, as in a format string).
    if digits == 0 || digits > 9 || rest.starts_with('0') {
        return None;
    }
    let n: u32 = rest[..digits].parse().ok()?;
    let rest = &rest[digits..];
    let head = 1 + usize::from(close) + digits;
    if rest.starts_with('}') {
        return Some((if close { Code::Close(n) } else { Code::Open(n) }, head + 1));
    }
    if !close && rest.starts_with("/}") {
        return Some((Code::Lone(n), head + 2));
    }
    None
}

/// `text` cut into runs of text and codes, in order.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while let Some(i) = text[at..].find('{') {
        let i = at + i;
        match code_at(&text[i..]) {
            Some((code, len)) => {
                if start < i {
                    out.push(Piece::Text(&text[start..i]));
                }
                out.push(Piece::Code(code, &text[i..i + len]));
                start = i + len;
                at = start;
            }
            None => at = i + 1,
        }
    }
    if start < text.len() {
        out.push(Piece::Text(&text[start..]));
    }
    out
}

/// The codes of `text`, in order.
pub fn codes(text: &str) -> Vec<Code> {
    pieces(text)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Code(c, _) => Some(c),
            Piece::Text(_) => None,
        })
        .collect()
}

/// `text` without its codes.
pub fn strip(text: &str) -> String {
    pieces(text)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Text(t) => Some(t),
            Piece::Code(..) => None,
        })
        .collect()
}

/// What is wrong with the codes of a translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagError {
    /// A code of the source is not in the translation.
    Missing(Code),
    /// The translation has a code the source does not.
    Added(Code),
    /// The translation has a code more often than the source.
    Repeated(Code),
    /// A pair closes before it opens, or overlaps another pair.
    BadlyNested(Code),
    /// The translation has `typed` where the source's `meant` is missing from it, a
    /// tag of the same number in another form: `{1}` typed for `{/1}`, `{1}` or `{/1}`
    /// for `{1/}`, `{1/}` for the pair.
    Mistyped { typed: Code, meant: Code },
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TagError::Missing(c) => write!(
                f,
                "the tag {c} of the source is missing; keep every tag, around the words it marks in the \
                 translation"
            ),
            TagError::Added(c) => {
                write!(f, "the tag {c} is not in the source; remove it (tags come from the source only)")
            }
            TagError::Repeated(c) => {
                write!(f, "the tag {c} appears more often than in the source; keep it once")
            }
            TagError::BadlyNested(c) => write!(
                f,
                "the tag {c} is out of order: a pair {{n}}…{{/n}} must open before it closes and must not \
                 overlap another pair (moving a whole pair is fine)"
            ),
            TagError::Mistyped { typed, meant } => write!(
                f,
                "the tag {typed} stands where the source's {meant} is missing: type {meant} instead (a pair is \
                 {{n}} before the words it marks and {{/n}} after them, a lone tag {{n/}})"
            ),
        }
    }
}

/// Whether `target` keeps the codes of `source`: every one, once each, none added, and
/// every pair opening before it closes and nested within the others. The order may
/// change, as word order does between Norwegian and English.
pub fn check(source: &str, target: &str) -> Result<(), TagError> {
    let mut wanted: HashMap<Code, i64> = HashMap::new();
    for c in codes(source) {
        *wanted.entry(c).or_default() += 1;
    }
    let found = codes(target);
    let mut seen: HashMap<Code, i64> = HashMap::new();
    for &c in &found {
        *seen.entry(c).or_default() += 1;
    }
    // A tag the source lacks, or has fewer times, where a tag of the same number in
    // another form is missing: the translator typed the one for the other.
    let count = |of: &HashMap<Code, i64>, c: Code| of.get(&c).copied().unwrap_or(0);
    let short = |c: Code| count(&seen, c) < count(&wanted, c);
    let mistyped = |typed: Code| {
        let n = typed.number();
        [Code::Close(n), Code::Open(n), Code::Lone(n)]
            .into_iter()
            .find(|&meant| meant != typed && short(meant))
            .map(|meant| TagError::Mistyped { typed, meant })
    };
    let mut counted: HashMap<Code, i64> = HashMap::new();
    for &c in &found {
        let n = counted.entry(c).or_default();
        *n += 1;
        match wanted.get(&c) {
            None => return Err(mistyped(c).unwrap_or(TagError::Added(c))),
            Some(&w) if *n > w => return Err(mistyped(c).unwrap_or(TagError::Repeated(c))),
            Some(_) => {}
        }
    }
    let mut missing: Vec<Code> =
        wanted.iter().filter(|(c, &w)| seen.get(c).copied().unwrap_or(0) < w).map(|(c, _)| *c).collect();
    missing.sort();
    if let Some(&c) = missing.first() {
        return Err(TagError::Missing(c));
    }
    let mut open: Vec<u32> = Vec::new();
    for c in found {
        match c {
            Code::Open(n) => open.push(n),
            Code::Close(n) => {
                if open.pop() != Some(n) {
                    return Err(TagError::BadlyNested(c));
                }
            }
            Code::Lone(_) => {}
        }
    }
    match open.last() {
        Some(&n) => Err(TagError::BadlyNested(Code::Open(n))),
        None => Ok(()),
    }
}

/// How many codes differ between two sentences with the same words: each code of
/// one that the other does not have of the same kind (opening, closing, lone) after the
/// same number of tokens counts once, so a tag added or lost costs 1 and a tag moved
/// costs 2. Code numbers do not count: they are per sentence.
pub fn tag_difference(a: &str, b: &str) -> usize {
    fn placed(text: &str) -> Vec<(u8, usize)> {
        let mut out = Vec::new();
        let mut words = 0;
        for piece in pieces(text) {
            match piece {
                Piece::Text(t) => words += crate::text::tokens(t).count(),
                Piece::Code(c, _) => out.push((
                    match c {
                        Code::Open(_) => 0,
                        Code::Close(_) => 1,
                        Code::Lone(_) => 2,
                    },
                    words,
                )),
            }
        }
        out.sort_unstable();
        out
    }
    let (a, b) = (placed(a), placed(b));
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    a.len() + b.len() - 2 * common
}

/// A memory entry's translation `target` (of `source`) with its codes renumbered to
/// those of `query`, the sentence it is suggested for: the k-th pair of the source is
/// the k-th pair of the query, the k-th lone code the k-th lone code, and a code with no
/// counterpart is dropped (the translator places the query's other tags, which the
/// import check asks for).
pub fn transfer(source: &str, target: &str, query: &str) -> String {
    let source_codes = codes(source);
    let query_codes = codes(query);
    if source_codes.is_empty() && query_codes.is_empty() {
        return target.to_string();
    }
    let nth = |codes: &[Code], open: bool| -> Vec<u32> {
        codes
            .iter()
            .filter(|c| if open { matches!(c, Code::Open(_)) } else { matches!(c, Code::Lone(_)) })
            .map(|c| c.number())
            .collect()
    };
    let mut map: HashMap<(bool, u32), u32> = HashMap::new();
    for open in [true, false] {
        for (s, q) in nth(&source_codes, open).into_iter().zip(nth(&query_codes, open)) {
            map.entry((open, s)).or_insert(q);
        }
    }
    let mut out = String::with_capacity(target.len());
    for piece in pieces(target) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Code(c, _) => {
                let mapped = match c {
                    Code::Open(n) => map.get(&(true, n)).map(|&q| Code::Open(q)),
                    Code::Close(n) => map.get(&(true, n)).map(|&q| Code::Close(q)),
                    Code::Lone(n) => map.get(&(false, n)).map(|&q| Code::Lone(q)),
                };
                if let Some(code) = mapped {
                    out.push_str(&code.to_string());
                }
            }
        }
    }
    out
}

/// The sentences of `paragraph`, a line of text with codes and no line break, as
/// `segmenter` cuts its words: each sentence's byte range in `paragraph` and its text,
/// balanced (the pairs open at its start opened again before it, those still open at
/// its end closed after it).
///
/// The codes are set aside while cutting, so a full stop inside a bold run, or a
/// sentence that runs across a link, is cut where the words say. A sentence then takes
/// the opening codes just before it and the closing and lone codes just after it (a
/// footnote reference after a full stop belongs to that sentence); what is left
/// between sentences is layout. A sentence given back unchanged is its range's bytes;
/// how a translated one is put back around codes it shares with its neighbours is the
/// document format's (each sentence's pairs become pairs of their own, as in CAT tools).
pub fn sentences(segmenter: &Segmenter, paragraph: &str) -> Vec<Sentence> {
    let Words { plain, runs, codes, stand_ins } = words_of(paragraph, true);
    let stand_in = |p: usize| stand_in_at(&stand_ins, p);
    let start_of = |p: usize| -> usize {
        if let Some(code) = stand_in(p) {
            return codes[code].0;
        }
        let i = runs.partition_point(|&(ps, _, len, _)| ps + len <= p);
        runs.get(i).map_or(paragraph.len(), |&(ps, cs, _, _)| cs + (p - ps))
    };
    let end_of = |p: usize| -> usize {
        if let Some(code) = p.checked_sub(STAND_IN.len_utf8()).and_then(stand_in) {
            return codes[code].1;
        }
        let i = runs.partition_point(|&(ps, _, _, _)| ps < p);
        // A run's end is its end in the paragraph, however long the segmenter read it.
        i.checked_sub(1).map_or(0, |i| {
            let (ps, cs, len, raw) = runs[i];
            if p - ps >= len {
                cs + raw + (p - ps - len)
            } else {
                cs + (p - ps)
            }
        })
    };
    let cut = cut_words(segmenter, &plain, &stand_ins);
    let mut ranges: Vec<Range<usize>> = Vec::with_capacity(cut.len());
    for r in cut {
        let (mut start, mut end) = (start_of(r.start), end_of(r.end));
        // Opening codes just before the words go with them; closing and lone codes just
        // after them too.
        // The codes are in order and apart, so the one ending (or starting) at an
        // offset is found by binary search.
        loop {
            let i = codes.partition_point(|&(_, e, _)| e < start);
            match codes.get(i) {
                Some(&(s, e, Code::Open(_))) if e == start => start = s,
                _ => break,
            }
        }
        loop {
            let i = codes.partition_point(|&(s, _, _)| s < end);
            match codes.get(i) {
                Some(&(s, e, c)) if s == end && !matches!(c, Code::Open(_)) => end = e,
                _ => break,
            }
        }
        ranges.push(start..end);
    }
    // Which pairs are open at each range's start and end.
    let mut out = Vec::with_capacity(ranges.len());
    let mut open: Vec<u32> = Vec::new();
    let mut next = 0;
    let mut advance = |to: usize, open: &mut Vec<u32>| {
        while let Some(&(s, _, c)) = codes.get(next) {
            if s >= to {
                break;
            }
            match c {
                Code::Open(n) => open.push(n),
                Code::Close(n) => {
                    if let Some(i) = open.iter().rposition(|&o| o == n) {
                        open.remove(i);
                    }
                }
                Code::Lone(_) => {}
            }
            next += 1;
        }
    };
    for range in ranges {
        advance(range.start, &mut open);
        let before = open.clone();
        let mut text: String = open.iter().map(|&n| Code::Open(n).to_string()).collect();
        text.push_str(&paragraph[range.clone()]);
        advance(range.end, &mut open);
        for &n in open.iter().rev() {
            text.push_str(&Code::Close(n).to_string());
        }
        out.push(Sentence { range, text, before, after: open.clone() });
    }
    out
}

/// `last`, the last sentence of `paragraph` ([`sentences`]), without the lone codes
/// that are layout (`layout` of their number: a tab, a line break, a field) after its
/// words at the paragraph's end, nor the closing codes between them: those stay outside
/// it, as what follows a paragraph's last words does, so `Foto: Per{1/}` with a tab
/// typed in the same run as the name is `Foto: Per`. A lone code that is not layout (a
/// footnote reference) keeps what stands before it in the sentence.
pub fn leave_layout(paragraph: &str, last: &mut Sentence, layout: impl Fn(u32) -> bool) {
    // What the sentence took after its words: closing and lone codes, in order.
    let range = last.range.clone();
    let mut tail: Vec<(usize, Code)> = Vec::new();
    let mut at = range.end;
    while at > range.start {
        let Some(open) = paragraph[range.start..at].rfind('{').map(|i| range.start + i) else { break };
        match code_at(&paragraph[open..at]) {
            Some((code @ (Code::Close(_) | Code::Lone(_)), len)) if open + len == at => {
                tail.push((open, code));
                at = open;
            }
            _ => break,
        }
    }
    tail.reverse();
    // The end: after the last lone code that is not layout, else before the first one
    // that is.
    let keep = tail.iter().rposition(|&(_, c)| matches!(c, Code::Lone(n) if !layout(n)));
    let cut = match keep {
        Some(i) => tail.get(i + 1).map(|&(s, _)| s),
        None => tail.iter().find(|(_, c)| matches!(c, Code::Lone(_))).map(|&(s, _)| s),
    };
    let Some(end) = cut.filter(|&e| e < range.end) else { return };
    if !tail.iter().any(|&(s, c)| s >= end && matches!(c, Code::Lone(_))) {
        return;
    }
    if !strip(&paragraph[range.end..]).trim().is_empty() {
        return;
    }
    // The pairs closed in what is left out are open where the sentence now ends.
    for &(_, code) in tail.iter().filter(|&&(s, _)| s >= end).rev() {
        if let Code::Close(n) = code {
            last.after.push(n);
        }
    }
    let mut text: String = last.before.iter().map(|&n| Code::Open(n).to_string()).collect();
    text.push_str(&paragraph[range.start..end]);
    for &n in last.after.iter().rev() {
        text.push_str(&Code::Close(n).to_string());
    }
    last.range = range.start..end;
    last.text = text;
}

/// The code (its number in [`Words::codes`]) whose stand-in is at `p` in the words.
fn stand_in_at(stand_ins: &[(usize, usize)], p: usize) -> Option<usize> {
    stand_ins.binary_search_by_key(&p, |&(at, _)| at).ok().map(|i| stand_ins[i].1)
}

/// The sentences of `plain` (a paragraph's words, [`words_of`]) as byte ranges, each
/// stand-in (`stand_ins`) deciding a cut as [`STAND_IN`] says.
fn cut_words(segmenter: &Segmenter, plain: &str, stand_ins: &[(usize, usize)]) -> Vec<Range<usize>> {
    let stand_in = |p: usize| stand_in_at(stand_ins, p);
    let mut cut = Vec::new();
    segmenter.split_line(plain, &mut cut);
    // The code's content is unknown: a sentence starts at it only where one would
    // start at a number too, so not after `kr.`, `Storgt.` or an ordinal, whose
    // number a code may be (`kr. `100``). The stand-in changes nothing but the cut
    // just before it, so the cuts of the line with a digit in its place tell.
    if !stand_ins.is_empty() {
        let mut digits = plain.to_string();
        for &(at, _) in stand_ins {
            digits.replace_range(at..at + STAND_IN.len_utf8(), "0");
        }
        let mut other = Vec::new();
        segmenter.split_line(&digits, &mut other);
        let starts: std::collections::HashSet<usize> = other.iter().map(|r| r.start).collect();
        let mut kept: Vec<Range<usize>> = Vec::with_capacity(cut.len());
        for r in cut.drain(..) {
            match kept.last_mut() {
                Some(last) if stand_in(r.start).is_some() && !starts.contains(&r.start) => last.end = r.end,
                _ => kept.push(r),
            }
        }
        cut = kept;
    }
    // A stand-in alone is no sentence (it has no word of its own).
    cut.retain(|r| {
        plain[r.clone()].char_indices().any(|(i, c)| !c.is_whitespace() && stand_in(r.start + i).is_none())
    });
    cut
}

/// The words of a paragraph as the segmenter reads them: its text without codes, where
/// a lone code right before a word (a line break, an image, a footnote reference typed
/// against the next word) separates it like a space, so `Hei.{1/}Hvem er du?` is two
/// sentences; before punctuation it does not (`sant{1/}.`). Pairs separate nothing:
/// `{1}sa{/1}nt` is one word.
pub fn words(paragraph: &str) -> String {
    words_of(paragraph, false).plain
}

/// A paragraph's words, where each run of text stands in it, and its codes.
struct Words {
    /// The words, with a space for each separating lone code.
    plain: String,
    /// Each run of text: (start in `plain`, start in the paragraph, length in `plain`,
    /// length in the paragraph); the two lengths differ only for a footnote's number.
    runs: Vec<(usize, usize, usize, usize)>,
    /// Each code: (start, end, code) in the paragraph.
    codes: Vec<(usize, usize, Code)>,
    /// Each lone code that stands as a word of its own: ([`STAND_IN`]'s place in
    /// `plain`, the code's number in `codes`).
    stand_ins: Vec<(usize, usize)>,
}

/// What a lone code standing as a word between words, before a word in lower case
/// (`Det er enkelt. {1/} lager alt.`: an inline code span, an image, a name not to be
/// translated) is to the segmenter: a word that may open a sentence, as its content
/// may (`tolk build`, `Dagens Næringsliv`), though the segmenter cannot see it. After
/// an abbreviation or an ordinary word it cuts nothing, as a capitalised word does
/// not, and where a number would not start a sentence either (`kr. {1/}`), it starts
/// none ([`sentences`] asks both); a code typed against a word (a line break, a
/// footnote reference) is no word.
const STAND_IN: char = 'X';

/// Whether `pieces[k]`, text following `plain`, is a footnote's number: one to three
/// digits alone inside formatting (`<sup>1</sup>`, `<sup><a href="#n1">1</a></sup>`, a
/// Word run in superscript) straight after a sentence's final punctuation and before
/// white space. The segmenter reads it as the superscript digits it stands for, a mark
/// that ends the sentence with it (`studier.{1}1{/1} Neste`), not as a number glued to
/// the full stop (`studier.1`), which ends none.
fn is_note_number(pieces: &[Piece<'_>], k: usize, plain: &str) -> bool {
    let Some(Piece::Text(t)) = pieces.get(k) else { return false };
    if !(1..=3).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let opened = k.checked_sub(1).is_some_and(|i| matches!(pieces[i], Piece::Code(Code::Open(_), _)));
    let after = pieces[k + 1..].iter().find(|p| !matches!(p, Piece::Code(Code::Close(_), _)));
    let closed = matches!(pieces.get(k + 1), Some(Piece::Code(Code::Close(_), _)));
    let spaced = matches!(after, Some(Piece::Text(t)) if t.starts_with(char::is_whitespace));
    let ended = plain.ends_with(|c: char| ".!?…»›\"’”)".contains(c));
    opened && closed && spaced && ended
}

/// The words of `paragraph`; with `stand_ins` (the words as the segmenter cuts them),
/// each lone code standing as a word between words is [`STAND_IN`] there, and a
/// footnote's number is superscript digits ([`is_note_number`]).
fn words_of(paragraph: &str, stand_ins: bool) -> Words {
    let mut plain = String::with_capacity(paragraph.len());
    let mut runs = Vec::new();
    let mut codes = Vec::new();
    let mut stood = Vec::new();
    let mut at = 0;
    let mut after_lone = false;
    let pieces = pieces(paragraph);
    for (k, piece) in pieces.iter().enumerate() {
        match *piece {
            Piece::Text(t) => {
                // Before a word (or what opens one), not before the punctuation that
                // ends it: `sant{3/}.` stays `sant.`.
                let opens_word = t.starts_with(|c: char| c.is_alphanumeric() || "«“\"'‘(–—-".contains(c));
                if after_lone && opens_word && !plain.is_empty() && !plain.ends_with(char::is_whitespace) {
                    plain.push(' ');
                }
                let start = plain.len();
                if stand_ins && is_note_number(&pieces, k, &plain) {
                    plain
                        .extend(t.bytes().map(|b| crate::segment::SUPERSCRIPT_DIGITS[usize::from(b - b'0')]));
                } else {
                    plain.push_str(t);
                }
                runs.push((start, at, plain.len() - start, t.len()));
                at += t.len();
                after_lone = false;
            }
            Piece::Code(c, raw) => {
                let alone = |p: Option<&Piece<'_>>| matches!(p, Some(Piece::Text(t)) if t.ends_with(char::is_whitespace));
                let before = k.checked_sub(1).and_then(|i| pieces.get(i));
                // Only before a word in lower case: before a capital, the cut is the
                // same without it, and the code stays between the sentences as before.
                let after = matches!(pieces.get(k + 1), Some(Piece::Text(t))
                    if t.starts_with(char::is_whitespace) && t.trim_start().starts_with(char::is_lowercase));
                if stand_ins
                    && matches!(c, Code::Lone(_))
                    && alone(before)
                    && !plain.trim().is_empty()
                    && after
                {
                    stood.push((plain.len(), codes.len()));
                    plain.push(STAND_IN);
                }
                codes.push((at, at + raw.len(), c));
                at += raw.len();
                after_lone |= matches!(c, Code::Lone(_));
            }
        }
    }
    Words { plain, runs, codes, stand_ins: stood }
}

/// A sentence of a paragraph, as [`sentences`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Its bytes in the paragraph.
    pub range: Range<usize>,
    /// Its text, balanced: the pairs open where it starts opened again before it, the
    /// pairs still open where it ends closed after it. Codes keep the paragraph's
    /// numbers.
    pub text: String,
    /// The pairs open where the range starts, outermost first.
    pub before: Vec<u32>,
    /// The pairs open where the range ends, outermost first.
    pub after: Vec<u32>,
}

/// A balanced sentence as the memory keeps it: without the pairs that enclose all of
/// it (they stay in the document, outside the segment), its codes numbered from 1 in
/// the order they appear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    /// The sentence as the memory keeps it.
    pub text: String,
    /// The numbers (in the paragraph) of the pairs taken off, outermost first.
    pub wrap: Vec<u32>,
    /// The number in the paragraph of each local code: `map[k - 1]` for code `k`.
    pub map: Vec<u32>,
}

/// `sentence` (balanced, with a paragraph's numbers) as the memory keeps it (see
/// [`Local`]).
pub fn localize(sentence: &str) -> Local {
    let mut body = sentence;
    let mut wrap = Vec::new();
    while let Some((n, inner)) = enclosed(body) {
        wrap.push(n);
        body = inner;
    }
    let mut map: Vec<u32> = Vec::new();
    let mut local: HashMap<u32, u32> = HashMap::new();
    let text = renumbered(body, &mut |n| {
        *local.entry(n).or_insert_with(|| {
            map.push(n);
            map.len() as u32
        })
    });
    Local { text, wrap, map }
}

/// The number of the pair that encloses all of `text` and what it encloses: the pair
/// opens first, closes last, and is not closed in between.
fn enclosed(text: &str) -> Option<(u32, &str)> {
    let Some((Code::Open(n), len)) = code_at(text) else { return None };
    let inner = text[len..].strip_suffix(&Code::Close(n).to_string())?;
    (!codes(inner).contains(&Code::Close(n))).then_some((n, inner))
}

/// `text` with each code's number `n` made `number(n)`.
fn renumbered(text: &str, number: &mut dyn FnMut(u32) -> u32) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Code(c, _) => {
                let k = number(c.number());
                let code = match c {
                    Code::Open(_) => Code::Open(k),
                    Code::Close(_) => Code::Close(k),
                    Code::Lone(_) => Code::Lone(k),
                };
                out.push_str(&code.to_string());
            }
        }
    }
    out
}

/// A sentence and its translation, with codes numbered alike, as the memory keeps them
/// when the sentence is a document's ([`localize`]): a pair that encloses all of the
/// source and, with the same number, all of the target left out of both (it stays in
/// the document), the source's codes numbered from 1 in the order they appear, and
/// the target's codes given the numbers of the source's with the same number; a code
/// only the target has takes a number after the source's. So a translation pair
/// numbered in any other way (another tool's, whose numbers run through a paragraph)
/// is the memory's entry for the same sentence in a document.
pub fn localize_pair(source: &str, target: &str) -> (String, String) {
    let (mut source, mut target) = (source, target);
    while let (Some((n, s)), Some((m, t))) = (enclosed(source), enclosed(target)) {
        if n != m {
            break;
        }
        (source, target) = (s, t);
    }
    let mut local: HashMap<u32, u32> = HashMap::new();
    let source = renumbered(source, &mut |n| {
        let next = local.len() as u32 + 1;
        *local.entry(n).or_insert(next)
    });
    let target = renumbered(target, &mut |n| {
        let next = local.len() as u32 + 1;
        *local.entry(n).or_insert(next)
    });
    (source, target)
}

/// A translation of a sentence localised as `local` put back into its paragraph:
/// the pairs open before it closed, its own codes given their paragraph numbers inside
/// the pairs it was taken out of, and the pairs open after it opened again. Codes the
/// sentence does not have are dropped. [`tidy`] joins the pairs this closes and opens
/// again.
pub fn delocalize(translation: &str, local: &Local, before: &[u32], after: &[u32]) -> String {
    let mut out = String::with_capacity(translation.len() + 16 * (before.len() + after.len()));
    for &n in before.iter().rev() {
        out.push_str(&Code::Close(n).to_string());
    }
    for &n in &local.wrap {
        out.push_str(&Code::Open(n).to_string());
    }
    for piece in pieces(translation) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Code(c, _) => {
                let Some(&n) = local.map.get(c.number() as usize - 1) else { continue };
                let code = match c {
                    Code::Open(_) => Code::Open(n),
                    Code::Close(_) => Code::Close(n),
                    Code::Lone(_) => Code::Lone(n),
                };
                out.push_str(&code.to_string());
            }
        }
    }
    for &n in local.wrap.iter().rev() {
        out.push_str(&Code::Close(n).to_string());
    }
    for &n in after {
        out.push_str(&Code::Open(n).to_string());
    }
    out
}

/// `paragraph` with the seams [`delocalize`] leaves smoothed: a pair closed and opened
/// again with nothing but whitespace between is one pair (however many pairs close and
/// open again there), an empty pair goes, and whitespace at the inner edge of a pair
/// moves outside it.
pub fn tidy(paragraph: &str) -> String {
    tidy_keeping(paragraph, |_| false)
}

/// [`tidy`], but whitespace at an inner edge of a pair stays inside it where `source`
/// (the paragraph the translation replaces, with the same codes) has whitespace at
/// that edge of that pair: a Word run underlined across its trailing space (`{1}fet og
/// {/1}{2}kursiv{/2}`) keeps the underline under the space in the edition. Markup that
/// cannot hold whitespace there (Markdown's emphasis) never has it in the source.
pub fn tidy_like(paragraph: &str, source: &str) -> String {
    let pieces = pieces(source);
    let mut inside = std::collections::HashSet::new();
    for (i, piece) in pieces.iter().enumerate() {
        let spaced = |at: Option<&Piece<'_>>, end: bool| {
            at.is_some_and(|p| match p {
                Piece::Text(t) if end => t.ends_with(char::is_whitespace),
                Piece::Text(t) => t.starts_with(char::is_whitespace),
                Piece::Code(..) => false,
            })
        };
        match *piece {
            Piece::Code(code @ Code::Open(_), _) if spaced(pieces.get(i + 1), false) => {
                _ = inside.insert(code)
            }
            Piece::Code(code @ Code::Close(_), _)
                if spaced(i.checked_sub(1).and_then(|j| pieces.get(j)), true) =>
            {
                _ = inside.insert(code)
            }
            _ => {}
        }
    }
    tidy_keeping(paragraph, |code| inside.contains(&code))
}

/// [`tidy`], leaving whitespace inside a pair at the edges `keep` names: an opening
/// code for the whitespace after it, a closing one for the whitespace before it.
fn tidy_keeping(paragraph: &str, keep: impl Fn(Code) -> bool) -> String {
    let mut out: Vec<Piece<'_>> = Vec::new();
    for piece in pieces(paragraph) {
        match piece {
            Piece::Code(Code::Open(n), _) => {
                // The last piece that is not whitespace closes this same pair: drop both.
                let last = out.iter().rposition(|p| !matches!(p, Piece::Text(t) if t.trim().is_empty()));
                if let Some(i) = last.filter(|&i| matches!(out[i], Piece::Code(Code::Close(m), _) if m == n))
                {
                    out.remove(i);
                    continue;
                }
                out.push(piece);
            }
            Piece::Code(Code::Close(n), _) if matches!(out.last(), Some(Piece::Code(Code::Open(m), _)) if *m == n) =>
            {
                out.pop();
            }
            _ => out.push(piece),
        }
    }
    // Whitespace just inside a pair goes outside it (`{1}a {/1}b` is `{1}a{/1} b`), as
    // markup needs: Markdown's emphasis cannot close after a space, and a link should
    // not underline one.
    let mut owned: Vec<(Option<Code>, String)> = out
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => (None, t.to_string()),
            Piece::Code(c, raw) => (Some(c), raw.to_string()),
        })
        .collect();
    let mut i = 0;
    while i < owned.len() {
        i += 1;
        let i = i - 1;
        if !matches!(owned[i].0, Some(code @ Code::Close(_)) if !keep(code))
            || i == 0
            || owned[i - 1].0.is_some()
        {
            continue;
        }
        let text = &owned[i - 1].1;
        let kept = text.trim_end().len();
        // Nothing to move, or a pair of nothing but whitespace (an anchor), kept as it is.
        let only = kept == 0 && i >= 2 && owned[i - 2].0.is_some_and(|c| matches!(c, Code::Open(_)));
        if kept == text.len() || only {
            continue;
        }
        let space = owned[i - 1].1.split_off(kept);
        // After the run of closing codes that starts here.
        let mut j = i;
        while j < owned.len() && matches!(owned[j].0, Some(Code::Close(_))) {
            j += 1;
        }
        owned.insert(j, (None, space));
    }
    let mut i = owned.len();
    while i > 0 {
        i -= 1;
        if !matches!(owned[i].0, Some(code @ Code::Open(_)) if !keep(code))
            || i + 1 >= owned.len()
            || owned[i + 1].0.is_some()
        {
            continue;
        }
        let text = &owned[i + 1].1;
        let lead = text.len() - text.trim_start().len();
        let only =
            lead == text.len() && owned.get(i + 2).is_some_and(|p| matches!(p.0, Some(Code::Close(_))));
        if lead == 0 || only {
            continue;
        }
        let space: String = owned[i + 1].1.drain(..lead).collect();
        // Before the run of opening codes that ends here.
        let mut j = i;
        while j > 0 && matches!(owned[j - 1].0, Some(Code::Open(_))) {
            j -= 1;
        }
        owned.insert(j, (None, space));
    }
    owned.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn placeholders_are_found_and_nothing_else() {
        let text = "Hos {1}Lyse Dialog{/1} er vi {2/}{10}glade{/10} for {x} og {0} og {01} og {/3/}.";
        let found: Vec<String> = codes(text).iter().map(Code::to_string).collect();
        assert_eq!(found, ["{1}", "{/1}", "{2/}", "{10}", "{/10}"]);
        assert_eq!(strip("{1}Hei{/1} {2/}på deg."), "Hei på deg.");
        assert_eq!(strip("{ikke en kode}"), "{ikke en kode}");
    }

    #[test]
    fn a_translation_keeps_the_codes_in_any_well_nested_order() {
        let source = "Hos {1}Lyse Dialog{/1} er {2}vi{/2} glade{3/}.";
        assert_eq!(check(source, "{2}We{/2} at {1}Lyse Dialog{/1} are happy{3/}."), Ok(()));
        assert_eq!(
            check(source, "We at {1}Lyse Dialog{/1} are happy{3/}."),
            Err(TagError::Missing(Code::Open(2)))
        );
        assert_eq!(
            check(source, "{2}We{/2} at {1}Lyse{/1} {1}Dialog{/1} are happy{3/}."),
            Err(TagError::Repeated(Code::Open(1)))
        );
        assert_eq!(
            check(source, "{2}We{/2} at {1}Lyse Dialog{/1} are {4/}happy{3/}."),
            Err(TagError::Added(Code::Lone(4)))
        );
        assert_eq!(
            check(source, "{2}We at {1}Lyse{/2} Dialog{/1} are happy{3/}."),
            Err(TagError::BadlyNested(Code::Close(2)))
        );
        assert_eq!(
            check(source, "{/2}We{2} at {1}Lyse Dialog{/1} are happy{3/}."),
            Err(TagError::BadlyNested(Code::Close(2)))
        );
        assert_eq!(check("Ingen koder.", "No codes."), Ok(()));
        // A tag typed in the form of another of its number, which is then missing.
        assert_eq!(
            check("Det var {1}ikke{/1} populært.", "It was {1}not{1} popular."),
            Err(TagError::Mistyped { typed: Code::Open(1), meant: Code::Close(1) })
        );
        assert_eq!(
            check("Det var {1/}populært.", "It was {1}popular."),
            Err(TagError::Mistyped { typed: Code::Open(1), meant: Code::Lone(1) })
        );
        assert_eq!(
            check("Det var {1}populært{/1}.", "It was {1/}popular{/1}."),
            Err(TagError::Mistyped { typed: Code::Lone(1), meant: Code::Open(1) })
        );
        // Another number is no typing slip of this one.
        assert_eq!(
            check("Det var {1}ikke{/1} populært.", "It was {2}not{/1} popular."),
            Err(TagError::Added(Code::Open(2)))
        );
        let message = TagError::Mistyped { typed: Code::Open(1), meant: Code::Close(1) }.to_string();
        assert!(
            message.starts_with("the tag {1} stands where the source's {/1} is missing: type {/1} instead"),
            "{message}"
        );
        let message = TagError::Missing(Code::Open(2)).to_string();
        assert!(message.starts_with("the tag {2} of the source is missing"), "{message}");
    }

    fn cut(paragraph: &str) -> Vec<String> {
        sentences(&Segmenter::default(), paragraph).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn sentences_are_cut_where_the_words_say_and_keep_their_codes() {
        assert_eq!(cut("Det er {1}sant. Vi vet{/1} det."), ["Det er {1}sant.{/1}", "{1}Vi vet{/1} det."]);
        assert_eq!(cut("{1}Hei.{/1} Ja."), ["{1}Hei.{/1}", "Ja."]);
        assert_eq!(cut("Se {1}lenken{/1}. Neste."), ["Se {1}lenken{/1}.", "Neste."]);
        assert_eq!(cut("Det er sant.{1/} Vi {2}vet{/2}."), ["Det er sant.{1/}", "Vi {2}vet{/2}."]);
        // A line break between two sentences separates them, with no space beside it.
        assert_eq!(cut("Hei.{1/}Hvem er du?"), ["Hei.{1/}", "Hvem er du?"]);
        assert_eq!(words("Hei{1/}du {2}sa{/2}nt{3/}."), "Hei du sant.");
        assert_eq!(cut("Det er {1}f.eks.{/1} slik. Ja."), ["Det er {1}f.eks.{/1} slik.", "Ja."]);
        assert_eq!(cut("– {1}Hva{/1} nå? Ingen."), ["{1}Hva{/1} nå?", "Ingen."]);
    }

    #[test]
    fn a_lone_code_standing_as_a_word_may_open_a_sentence() {
        // An inline code span, an image, a name not to be translated: the segmenter
        // cannot see their words, which may open the sentence.
        assert_eq!(cut("Det er enkelt. {1/} lager alt."), ["Det er enkelt.", "{1/} lager alt."]);
        assert_eq!(
            cut("Vi leste. {1/} skrev. {2}Han{/2} sa {3/} i går."),
            ["Vi leste.", "{1/} skrev.", "{2}Han{/2} sa {3/} i går."]
        );
        // After an abbreviation or an ordinal, it cuts nothing, as a capital would not.
        assert_eq!(cut("Bruk f.eks. {1/} for det."), ["Bruk f.eks. {1/} for det."]);
        assert_eq!(cut("Det koster ca. {1/} kroner."), ["Det koster ca. {1/} kroner."]);
        // Nor where a number would open none: the code may be one.
        for line in [
            "Det koster kr. {1/} per måned.",
            "Det tar 3 mnd. {1/} fra nå.",
            "Han bor i Storgt. {1/} i Oslo.",
        ] {
            assert_eq!(cut(line), [line]);
        }
        // Before a capital, the cut is the words' and the code stays between the
        // sentences, as one at the start of a paragraph stays before it; a code typed
        // against a word (a line break) is no word; one alone is no sentence.
        assert_eq!(cut("Vi leste. {1/} Dagens skrev."), ["Vi leste.", "Dagens skrev."]);
        assert_eq!(cut("Første linje. {1/}andre linje."), ["Første linje. {1/}andre linje."]);
        assert_eq!(cut("{1/} viser logoen."), ["viser logoen."]);
        assert!(cut(" {1/} ").is_empty());
    }

    #[test]
    fn a_footnotes_number_in_formatting_after_a_full_stop_ends_the_sentence_with_it() {
        // `<sup>1</sup>`, `<sup><a href="#n1">1</a></sup>`, a Word run in superscript.
        assert_eq!(
            cut("Det viser studier.{1}1{/1} Neste her."),
            ["Det viser studier.{1}1{/1}", "Neste her."]
        );
        assert_eq!(
            cut("Kilde: {1}SSB{/1}.{2}{3}12{/3}{/2} Neste her."),
            ["Kilde: {1}SSB{/1}.{2}{3}12{/3}{/2}", "Neste her."]
        );
        assert_eq!(cut("«Vi vant!»{1}3{/1} Så gikk hun."), ["«Vi vant!»{1}3{/1}", "Så gikk hun."]);
        // Not a number in formatting of its own within a word or a figure, not one
        // before lower case, not four digits, not one without a space after it.
        for line in [
            "Tallet var {1}1.{/1}{2}5{/2} millioner i fjor.",
            "Det var slik.{1}1{/1} og slik.",
            "Det var i år.{1}2024{/1} Neste sak.",
            "Det var slik.{1}1{/1}Neste sak.",
        ] {
            assert_eq!(cut(line), [line], "{line}");
        }
        // Only the segmenter reads superscript digits: the words stay the paragraph's.
        assert_eq!(words("Det viser studier.{1}1{/1} Neste her."), "Det viser studier.1 Neste her.");
    }

    fn paragraph() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            Just("ord"),
            Just("Vi"),
            Just("."),
            Just(" "),
            Just("{x}"),
            Just("å"),
            Just("1"),
            Just("12")
        ];
        (prop::collection::vec((word, 0u8..6), 0..30)).prop_map(|items| {
            // Well-nested codes around words, and lone ones.
            let mut text = String::new();
            let mut open: Vec<u32> = Vec::new();
            let mut next = 1;
            for (w, action) in items {
                match action {
                    0 => {
                        text.push_str(&Code::Open(next).to_string());
                        open.push(next);
                        next += 1;
                    }
                    1 => {
                        if let Some(n) = open.pop() {
                            text.push_str(&Code::Close(n).to_string());
                        }
                    }
                    2 => {
                        text.push_str(&Code::Lone(next).to_string());
                        next += 1;
                    }
                    _ => {}
                }
                text.push_str(w);
            }
            while let Some(n) = open.pop() {
                text.push_str(&Code::Close(n).to_string());
            }
            text
        })
    }

    fn well_nested(text: &str) -> bool {
        let mut open = Vec::new();
        for c in codes(text) {
            match c {
                Code::Open(n) => open.push(n),
                Code::Close(n) if open.pop() != Some(n) => return false,
                _ => {}
            }
        }
        open.is_empty()
    }

    /// `text` with its words after the first space moved before them (codes and all,
    /// but only where that keeps pairs whole): a stand-in for a change of word order.
    fn swap_halves(text: &str) -> String {
        match text.find(' ') {
            Some(i) if well_nested(&text[..i]) && well_nested(&text[i..]) => {
                format!("{}{}", &text[i + 1..], &text[..=i])
            }
            _ => text.to_string(),
        }
    }

    #[test]
    fn tags_that_differ_are_counted_and_a_suggestion_gets_the_new_sentences_tags() {
        assert_eq!(tag_difference("Hei {1}du{/1}.", "Hei {1}du{/1}."), 0);
        assert_eq!(tag_difference("Hei {1}du{/1}.", "Hei {2}du{/2}."), 0);
        assert_eq!(tag_difference("Hei {1}du{/1}.", "Hei du."), 2);
        assert_eq!(tag_difference("Hei du.{1/}", "Hei du."), 1);
        assert_eq!(tag_difference("{1}Hei{/1} du.", "Hei {1}du{/1}."), 4);
        assert_eq!(
            transfer("Hei {1}du{/1}{2/}.", "Hi {1}you{/1}{2/}.", "Hei {1}du{/1}{2/}."),
            "Hi {1}you{/1}{2/}."
        );
        assert_eq!(
            transfer("Hei {1}du{/1} og {2/}.", "{2/}Hi {1}you{/1}.", "Hei {1/} og {2}deg{/2}."),
            "{1/}Hi {2}you{/2}."
        );
        assert_eq!(transfer("Hei {1}du{/1}.", "Hi {1}you{/1}.", "Hei du."), "Hi you.");
        assert_eq!(transfer("Hei du.", "Hi {you}.", "Hei {1}du{/1}."), "Hi {you}.");
    }

    #[test]
    fn whitespace_at_the_inner_edge_of_a_pair_moves_outside_it() {
        assert_eq!(tidy("{1}Ja. {/1}Nei."), "{1}Ja.{/1} Nei.");
        assert_eq!(tidy("A{1}{2} b{/2}{/1}"), "A {1}{2}b{/2}{/1}");
        assert_eq!(tidy("{1}a {2}b {/2}{/1}c"), "{1}a {2}b{/2}{/1} c");
        // A pair of nothing but whitespace (an anchor) stays.
        assert_eq!(tidy("x{1} {/1}y"), "x{1} {/1}y");
    }

    /// Regression (a new-user trial): a bold run ending in a space lost its formatting
    /// on the space in Word and LibreOffice editions, a gap in an underline.
    #[test]
    fn whitespace_stays_inside_a_pair_where_the_source_has_it_there() {
        let source = "Dette er {1}fet og {/1}{2}kursiv{/2} tekst.";
        assert_eq!(
            tidy_like("This is {1}bold and {/1}{2}italic{/2} text.", source),
            "This is {1}bold and {/1}{2}italic{/2} text."
        );
        // Moved out at the edges the source has none.
        assert_eq!(
            tidy_like("This is {1} bold and {/1}{2}italic {/2}text.", source),
            "This is  {1}bold and {/1}{2}italic{/2} text."
        );
        let source = "Hun smilte.{1} Så gikk hun.{/1}";
        assert_eq!(
            tidy_like("She smiled.{1} Then she left.{/1}", source),
            "She smiled.{1} Then she left.{/1}"
        );
        assert_eq!(tidy("She smiled.{1} Then she left.{/1}"), "She smiled. {1}Then she left.{/1}");
    }

    #[test]
    fn a_sentence_is_kept_without_the_pairs_around_it_and_numbered_from_one() {
        let l = localize("{3}{4}Hei, {5}du{/5}{6/}.{/4}{/3}");
        assert_eq!(l, Local { text: "Hei, {1}du{/1}{2/}.".into(), wrap: vec![3, 4], map: vec![5, 6] });
        assert_eq!(localize("{1}Hei{/1} og {2}du{/2}").wrap, Vec::<u32>::new());
        let back = delocalize("{2/}{1}You{/1}, hi.", &l, &[3], &[3]);
        assert_eq!(back, "{/3}{3}{4}{6/}{5}You{/5}, hi.{/4}{/3}{3}");
        assert_eq!(tidy(&format!("{{3}}A {back} B{{/3}}")), "{3}A {4}{6/}{5}You{/5}, hi.{/4} B{/3}");
    }

    /// A sentence and its translation numbered as another tool numbers them (from the
    /// paragraph: `{7}`) are numbered as the memory keeps a document's sentence, so the
    /// two are the same entry.
    #[test]
    fn a_pair_numbered_elsewhere_is_numbered_as_a_documents_sentence() {
        let cases = [
            (
                ("Les {7}vilkårene{/7} nøye.", "Read the {7}terms{/7} carefully."),
                ("Les {1}vilkårene{/1} nøye.", "Read the {1}terms{/1} carefully."),
            ),
            (("{4/}a {2}b{/2}", "{2}B{/2} {4/}A"), ("{1/}a {2}b{/2}", "{2}B{/2} {1/}A")),
            // The pair around both is left out, as the document leaves it out of its sentence.
            (
                ("{3}{5}Advarsel:{/5} {6/}{/3}", "{3}{5}Warning:{/5} {6/}{/3}"),
                ("{1}Advarsel:{/1} {2/}", "{1}Warning:{/1} {2/}"),
            ),
            // Not around the target: kept, as it is no pair of the document's to leave out.
            (("{3}Advarsel{/3}", "{3}Advar{/3}sel"), ("{1}Advarsel{/1}", "{1}Advar{/1}sel")),
            (("{3}a{/3} {4}b{/4}", "{4}B{/4} {3}A{/3}"), ("{1}a{/1} {2}b{/2}", "{2}B{/2} {1}A{/1}")),
            // A code only the target has takes a number after the source's.
            (("a {9/}", "{9/} {8}A{/8}"), ("a {1/}", "{1/} {2}A{/2}")),
            (("Ingen koder.", "No codes."), ("Ingen koder.", "No codes.")),
        ];
        for ((source, target), expected) in cases {
            let (s, t) = localize_pair(source, target);
            assert_eq!((s.as_str(), t.as_str()), expected, "{source} / {target}");
        }
        // The source as a document's sentence is kept.
        for source in ["Les {7}vilkårene{/7} nøye.", "{4/}a {2}b{/2}", "{3}{5}Advarsel:{/5} {6/}{/3}"] {
            assert_eq!(localize_pair(source, source).0, localize(source).text);
        }
    }

    proptest! {
        /// Whatever the codes, the sentences are those of the words, each balanced, in
        /// order and apart.
        #[test]
        fn coded_sentences_are_the_words_sentences(text in paragraph()) {
            let found = sentences(&Segmenter::default(), &text);
            let cut = words_of(&text, true);
            let plain_cut = cut_words(&Segmenter::default(), &cut.plain, &cut.stand_ins);
            // Each sentence's words, the stand-ins of its codes left out.
            let spaced = |words: &str| words.split_whitespace().collect::<Vec<_>>().join(" ");
            let expected: Vec<String> = plain_cut
                .iter()
                .map(|r| {
                    let words: String = cut.plain[r.clone()]
                        .char_indices()
                        .filter(|&(i, _)| !cut.stand_ins.iter().any(|&(at, _)| at == r.start + i))
                        .map(|(_, c)| {
                            // A footnote's number is read as superscript digits.
                            match crate::segment::SUPERSCRIPT_DIGITS.iter().position(|&d| d == c) {
                                Some(digit) => char::from(b'0' + digit as u8),
                                None => c,
                            }
                        })
                        .collect();
                    spaced(&words)
                })
                .filter(|w| !w.is_empty())
                .collect();
            let got: Vec<String> = found.iter().map(|s| spaced(&words(&s.text))).collect();
            prop_assert_eq!(got, expected);
            for s in &found {
                prop_assert_eq!(check(&s.text, &s.text), Ok(()), "{:?}", s.text);
            }
            // The ranges are in order, apart, and each holds its sentence's words.
            for w in found.windows(2) {
                prop_assert!(w[0].range.end <= w[1].range.start);
            }
            for s in &found {
                prop_assert!(strip(&s.text).contains(strip(&text[s.range.clone()]).trim()));
            }
        }

        /// Every sentence localised and put back (as a translation that changes nothing
        /// would be) leaves a well-nested paragraph with the same words.
        #[test]
        fn sentences_put_back_leave_a_well_nested_paragraph(text in paragraph(), reverse in any::<bool>()) {
            let found = sentences(&Segmenter::default(), &text);
            let mut out = String::new();
            let mut at = 0;
            for s in &found {
                let local = localize(&s.text);
                prop_assert_eq!(check(&local.text, &local.text), Ok(()));
                prop_assert_eq!(codes(&local.text).iter().map(|c| c.number()).max().unwrap_or(0) as usize, local.map.len());
                // A translation may reverse the order of two whole pairs; a lone code
                // may move.
                let translated = if reverse { swap_halves(&local.text) } else { local.text.clone() };
                out.push_str(&text[at..s.range.start]);
                out.push_str(&delocalize(&translated, &local, &s.before, &s.after));
                at = s.range.end;
            }
            out.push_str(&text[at..]);
            let out = tidy(&out);
            prop_assert!(well_nested(&out), "{:?} from {:?}", out, text);
            if !reverse {
                prop_assert_eq!(strip(&out), strip(&text));
            }
        }
    }
}
