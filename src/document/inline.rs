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
//! into sentences so that every sentence is balanced ([`split`], undone by [`join`]):
//! a pair that straddles a sentence boundary is closed at the end of one sentence and
//! opened again at the start of the next, as CAT tools do. [`sentences`] segments a
//! paragraph with codes: the words decide where sentences end, as if the codes were not
//! there. What a code stands for in a file is the document format's business.

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

/// The code whose placeholder starts `text`, and its length in bytes.
fn code_at(text: &str) -> Option<(Code, usize)> {
    let rest = text.strip_prefix('{')?;
    let (close, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    // At most nine digits, no leading zero: one spelling per number.
    if digits == 0 || digits > 9 || (digits > 1 && rest.starts_with('0')) {
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
        let n = seen.entry(c).or_default();
        *n += 1;
        match wanted.get(&c) {
            None => return Err(TagError::Added(c)),
            Some(&w) if *n > w => return Err(TagError::Repeated(c)),
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

/// A paragraph cut at the byte offsets `cuts` (in order, on char boundaries, outside
/// placeholders) into sentences that are each balanced: a pair open at a cut is closed
/// at the end of the sentence before it and opened again at the start of the one
/// after. [`join`] puts them back together.
pub fn split(paragraph: &str, cuts: &[usize]) -> Vec<String> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut open: Vec<Code> = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&paragraph.len())) {
        let part = &paragraph[start..cut];
        let mut sentence: String = open.iter().map(Code::to_string).collect();
        sentence.push_str(part);
        for c in codes(part) {
            match c {
                Code::Open(_) => open.push(c),
                Code::Close(n) => {
                    if let Some(i) = open.iter().rposition(|o| *o == Code::Open(n)) {
                        open.remove(i);
                    }
                }
                Code::Lone(_) => {}
            }
        }
        for c in open.iter().rev() {
            sentence.push_str(&Code::Close(c.number()).to_string());
        }
        out.push(sentence);
        start = cut;
    }
    out
}

/// Sentences made by [`split`] (translated or not) joined into one paragraph again: a
/// pair closed at the end of one sentence and opened again at the start of the next is
/// one pair. Whatever lies between the sentences (`between[i]` after sentence `i`)
/// goes between them, inside the pairs that continue.
pub fn join(sentences: &[String], between: &[&str]) -> String {
    let mut out = String::new();
    // Where the last sentence ended in `out`, before what lies between.
    let mut end = 0;
    for (i, sentence) in sentences.iter().enumerate() {
        let mut body: &str = sentence;
        if i > 0 {
            // A pair the last sentence closed and this one opens again continues: drop
            // both codes, innermost first.
            while let Some((Code::Open(n), len)) = code_at(body) {
                let close = Code::Close(n).to_string();
                if !out[..end].ends_with(&close) {
                    break;
                }
                out.replace_range(end - close.len()..end, "");
                end -= close.len();
                body = &body[len..];
            }
        }
        out.push_str(body);
        end = out.len();
        if let Some(b) = between.get(i) {
            out.push_str(b);
        }
    }
    out
}

/// The sentences of `paragraph`, a line of text with codes and no line break, as
/// `segmenter` cuts its words: each sentence's byte range in `paragraph` and its text,
/// balanced as by [`split`].
///
/// The codes are set aside while cutting, so a full stop inside a bold run, or a
/// sentence that runs across a link, is cut where the words say. A sentence then takes
/// the opening codes just before it and the closing and lone codes just after it (a
/// footnote reference after a full stop belongs to that sentence); what is left
/// between sentences is layout. A sentence given back unchanged is its range's bytes;
/// how a translated one is put back around codes it shares with its neighbours is the
/// document format's (each sentence's pairs become pairs of their own, as in CAT tools).
pub fn sentences(segmenter: &Segmenter, paragraph: &str) -> Vec<Sentence> {
    let pieces = pieces(paragraph);
    // The words alone, and where each run of them stands in the paragraph.
    let mut plain = String::with_capacity(paragraph.len());
    let mut runs: Vec<(usize, usize, usize)> = Vec::new(); // (plain start, paragraph start, len)
    let mut codes: Vec<(usize, usize, Code)> = Vec::new(); // (start, end, code) in the paragraph
    let mut at = 0;
    for piece in &pieces {
        match *piece {
            Piece::Text(t) => {
                runs.push((plain.len(), at, t.len()));
                plain.push_str(t);
                at += t.len();
            }
            Piece::Code(c, raw) => {
                codes.push((at, at + raw.len(), c));
                at += raw.len();
            }
        }
    }
    let start_of = |p: usize| -> usize {
        let i = runs.partition_point(|&(ps, _, len)| ps + len <= p);
        runs.get(i).map_or(paragraph.len(), |&(ps, cs, _)| cs + (p - ps))
    };
    let end_of = |p: usize| -> usize {
        let i = runs.partition_point(|&(ps, _, _)| ps < p);
        i.checked_sub(1).map_or(0, |i| runs[i].1 + (p - runs[i].0))
    };
    let mut cut = Vec::new();
    segmenter.split_line(&plain, &mut cut);
    let mut ranges: Vec<Range<usize>> = Vec::with_capacity(cut.len());
    for r in cut {
        let (mut start, mut end) = (start_of(r.start), end_of(r.end));
        // Opening codes just before the words go with them; closing and lone codes just
        // after them too. Codes are apart and in order, so their starts and their ends
        // are both sorted: each is found by bisection, not by a scan per sentence.
        while let Ok(i) = codes.binary_search_by_key(&start, |&(_, e, _)| e) {
            match codes[i] {
                (s, _, Code::Open(_)) => start = s,
                _ => break,
            }
        }
        while let Ok(i) = codes.binary_search_by_key(&end, |&(s, _, _)| s) {
            match codes[i] {
                (_, _, Code::Open(_)) => break,
                (_, e, _) => end = e,
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
    // A pair encloses the sentence when it opens first, closes last, and is not
    // closed in between.
    while let Some((Code::Open(n), len)) = code_at(body) {
        let close = Code::Close(n).to_string();
        let inner = &body[len..];
        if !inner.ends_with(&close) {
            break;
        }
        let inner = &inner[..inner.len() - close.len()];
        if codes(inner).contains(&Code::Close(n)) {
            break;
        }
        wrap.push(n);
        body = inner;
    }
    let mut map: Vec<u32> = Vec::new();
    let mut text = String::with_capacity(body.len());
    for piece in pieces(body) {
        match piece {
            Piece::Text(t) => text.push_str(t),
            Piece::Code(c, _) => {
                let k = match map.iter().position(|&m| m == c.number()) {
                    Some(i) => i as u32 + 1,
                    None => {
                        map.push(c.number());
                        map.len() as u32
                    }
                };
                let local = match c {
                    Code::Open(_) => Code::Open(k),
                    Code::Close(_) => Code::Close(k),
                    Code::Lone(_) => Code::Lone(k),
                };
                text.push_str(&local.to_string());
            }
        }
    }
    Local { text, wrap, map }
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
/// again with nothing but whitespace between is one pair, and an empty pair goes.
pub fn tidy(paragraph: &str) -> String {
    let pieces = pieces(paragraph);
    let mut keep = vec![true; pieces.len()];
    for i in 0..pieces.len() {
        let Piece::Code(Code::Close(n), _) = pieces[i] else { continue };
        let mut j = i + 1;
        while let Some(Piece::Text(t)) = pieces.get(j) {
            if !t.trim().is_empty() {
                break;
            }
            j += 1;
        }
        if pieces.get(j).is_some_and(|p| matches!(p, Piece::Code(Code::Open(m), _) if *m == n)) {
            keep[i] = false;
            keep[j] = false;
        }
    }
    for i in 0..pieces.len().saturating_sub(1) {
        if let (Piece::Code(Code::Open(n), _), Piece::Code(Code::Close(m), _)) = (pieces[i], pieces[i + 1]) {
            if n == m && keep[i] && keep[i + 1] {
                keep[i] = false;
                keep[i + 1] = false;
            }
        }
    }
    let mut out = String::with_capacity(paragraph.len());
    for (piece, keep) in pieces.iter().zip(keep) {
        if keep {
            out.push_str(match piece {
                Piece::Text(t) => t,
                Piece::Code(_, raw) => raw,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn placeholders_are_found_and_nothing_else() {
        let text = "Hos {1}Lyse Dialog{/1} er vi {2/}{10}glade{/10} for {x} og {0} og {01} og {/3/}.";
        let found: Vec<String> = codes(text).iter().map(Code::to_string).collect();
        assert_eq!(found, ["{1}", "{/1}", "{2/}", "{10}", "{/10}", "{0}"]);
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
        let message = TagError::Missing(Code::Open(2)).to_string();
        assert!(message.starts_with("the tag {2} of the source is missing"), "{message}");
    }

    #[test]
    fn a_pair_across_a_sentence_boundary_is_closed_and_reopened() {
        let paragraph = "{1}Det er sant. Vi {2}vet{/2} det.{/1} Ja.";
        let cut1 = paragraph.find(" Vi").unwrap() + 1;
        let cut2 = paragraph.find(" Ja").unwrap() + 1;
        let parts = split(paragraph, &[cut1, cut2]);
        assert_eq!(parts, ["{1}Det er sant. {/1}", "{1}Vi {2}vet{/2} det.{/1} ", "Ja."]);
        for part in &parts {
            assert_eq!(check(part, part), Ok(()), "{part}");
        }
        assert_eq!(join(&parts, &[]), paragraph);
        // With the spaces between sentences kept apart, as the segmenter trims them.
        let trimmed: Vec<String> =
            parts.iter().map(|p| p.replace(" {/1}", "{/1}").trim().to_string()).collect();
        assert_eq!(join(&trimmed, &[" ", " "]), paragraph);
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
        assert_eq!(cut("Det er {1}f.eks.{/1} slik. Ja."), ["Det er {1}f.eks.{/1} slik.", "Ja."]);
        assert_eq!(cut("– {1}Hva{/1} nå? Ingen."), ["{1}Hva{/1} nå?", "Ingen."]);
    }

    fn paragraph() -> impl Strategy<Value = (String, Vec<usize>)> {
        let word = prop_oneof![Just("ord"), Just("Vi"), Just("."), Just(" "), Just("{x}"), Just("å")];
        (prop::collection::vec((word, 0u8..6), 0..30)).prop_map(|items| {
            // Well-nested codes around words, and lone ones.
            let mut text = String::new();
            let mut open: Vec<u32> = Vec::new();
            let mut next = 1;
            let mut cuts = Vec::new();
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
                    3 => cuts.push(text.len()),
                    _ => {}
                }
                text.push_str(w);
            }
            while let Some(n) = open.pop() {
                text.push_str(&Code::Close(n).to_string());
            }
            cuts.retain(|&c| c > 0 && c < text.len());
            cuts.dedup();
            (text, cuts)
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
    fn a_sentence_is_kept_without_the_pairs_around_it_and_numbered_from_one() {
        let l = localize("{3}{4}Hei, {5}du{/5}{6/}.{/4}{/3}");
        assert_eq!(l, Local { text: "Hei, {1}du{/1}{2/}.".into(), wrap: vec![3, 4], map: vec![5, 6] });
        assert_eq!(localize("{1}Hei{/1} og {2}du{/2}").wrap, Vec::<u32>::new());
        let back = delocalize("{2/}{1}You{/1}, hi.", &l, &[3], &[3]);
        assert_eq!(back, "{/3}{3}{4}{6/}{5}You{/5}, hi.{/4}{/3}{3}");
        assert_eq!(tidy(&format!("{{3}}A {back} B{{/3}}")), "{3}A {4}{6/}{5}You{/5}, hi.{/4} B{/3}");
    }

    proptest! {
        /// Whatever the codes, the sentences are those of the words, each balanced, and
        /// they give the paragraph back.
        #[test]
        fn coded_sentences_are_the_words_sentences_and_join_back((text, _) in paragraph()) {
            let found = sentences(&Segmenter::default(), &text);
            let mut plain_cut = Vec::new();
            let plain = strip(&text);
            Segmenter::default().split_line(&plain, &mut plain_cut);
            let words: Vec<String> = plain_cut.iter().map(|r| plain[r.clone()].to_string()).collect();
            let got: Vec<String> = found.iter().map(|s| strip(&s.text)).collect();
            prop_assert_eq!(got, words);
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
        fn sentences_put_back_leave_a_well_nested_paragraph((text, _) in paragraph(), reverse in any::<bool>()) {
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

        #[test]
        fn split_sentences_are_balanced_and_join_back((text, cuts) in paragraph()) {
            let parts = split(&text, &cuts);
            prop_assert_eq!(parts.len(), cuts.len() + 1);
            for part in &parts {
                prop_assert_eq!(check(part, part), Ok(()), "{:?}", part);
            }
            prop_assert_eq!(join(&parts, &[]), text.clone());
            prop_assert_eq!(check(&text, &text), Ok(()));
        }
    }
}
