//! The match score: how much of a query sentence a memory entry already covers.
//!
//! The formula is the README's, and this module is its only implementation:
//! normalise both texts ([`crate::text::normalize`]), cut them into tokens
//! ([`crate::text::tokens`]), take the Levenshtein distance `d` between the two token
//! sequences, and score `floor(100 × (max(n, m) − d) / max(n, m))`. Identical normalised
//! texts score 100; different texts with the same tokens score 99. The distance code
//! here is exact: [`token_distance`] is checked against strsim's `generic_levenshtein`.
//! Nothing here knows how candidates are found; that is [`crate::index`].
//!
//! Every distance here has a bounded cost, whatever the input within the reading
//! limits (a segment may be 1 MiB): a text longer than [`MAX_FUZZY_TOKENS`] tokens
//! matches only a text with the same tokens ([`match_distance`]), the tie-breaking
//! similarity reads at most [`MAX_SIMILARITY_CHARS`] characters of each text, and an
//! alignment for display fills at most [`MAX_ALIGNMENT_CELLS`] cells. The distances
//! count their work with [`crate::cost`]: one unit per cell of a dynamic programme,
//! or per 64-cell word of a bit-parallel one.

use std::collections::HashMap;
use std::hash::Hash;

use crate::cost::count as count_work;
use crate::text::normalize;

/// The lowest and highest scores.
pub const MAX_SCORE: u8 = 100;

/// The longest text, in tokens, that gets a fuzzy score; a longer one matches only a
/// text with exactly the same tokens (99, or 100 when the normalised texts are the
/// same). A sentence of a thousand tokens is already far beyond any real one; the cap
/// keeps the cost of one distance under `MAX_FUZZY_TOKENS²/64` machine words.
pub const MAX_FUZZY_TOKENS: usize = 1_000;

/// How many characters of each text the tie-breaking similarity reads.
pub const MAX_SIMILARITY_CHARS: usize = 2_000;

/// The most cells an alignment for display fills (after the common start and end are
/// set aside); a larger middle is shown as removed, then added, whole.
pub const MAX_ALIGNMENT_CELLS: usize = 4 << 20;

/// Score from a token distance `d` between sequences of `n` and `m` tokens, for texts
/// whose normalised forms are `identical` or not.
pub fn score_from_distance(n: usize, m: usize, d: usize, identical: bool) -> u8 {
    if identical {
        return MAX_SCORE;
    }
    let len = n.max(m);
    if len == 0 {
        return 0;
    }
    let raw = (100 * (len - d.min(len)) / len) as u8;
    raw.min(MAX_SCORE - 1)
}

/// The lowest score of a match whose only difference is its tags.
pub const MIN_TAG_SCORE: u8 = 95;

/// The score of two normalised texts with the same tokens: 100 when they are the same
/// text; `100 − t` (never below [`MIN_TAG_SCORE`]) when they differ only in their tags,
/// `t` being [`crate::document::inline::tag_difference`]; 99 when something else
/// differs (spacing inside a token run, punctuation that tokenises the same).
pub fn same_tokens(a: &str, b: &str) -> u8 {
    use crate::document::inline;
    if a == b {
        return MAX_SCORE;
    }
    if normalize(&inline::strip(a)) == normalize(&inline::strip(b)) {
        let t = inline::tag_difference(a, b).max(1);
        return MAX_SCORE.saturating_sub(t.min(usize::from(MAX_SCORE)) as u8).max(MIN_TAG_SCORE);
    }
    MAX_SCORE - 1
}

/// The largest distance that still reaches `min_score` for sequences whose longer one
/// has `len` tokens: `score >= s  ⇔  d <= floor(len × (100 − s) / 100)`.
pub fn max_distance(len: usize, min_score: u8) -> usize {
    len * usize::from(MAX_SCORE - min_score.min(MAX_SCORE)) / 100
}

/// Character-level similarity of two normalised texts, in 0..=1, used to break ties
/// between equal scores: strsim's `normalized_levenshtein` of the first
/// [`MAX_SIMILARITY_CHARS`] characters of each, computed bit-parallel.
pub fn char_similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().take(MAX_SIMILARITY_CHARS).collect();
    let b: Vec<char> = b.chars().take(MAX_SIMILARITY_CHARS).collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - bit_parallel_distance(&a, &b) as f64 / longest as f64
}

/// The token distance the score uses: the exact distance when both texts have at most
/// [`MAX_FUZZY_TOKENS`] tokens; beyond, `Some(0)` for the same tokens and `None` (no
/// match) for any difference.
pub fn match_distance<T: Eq + Hash>(a: &[T], b: &[T]) -> Option<usize> {
    if a.len().max(b.len()) > MAX_FUZZY_TOKENS {
        count_work(a.len().min(b.len()));
        return (a == b).then_some(0);
    }
    Some(bit_parallel_distance(a, b))
}

/// The Levenshtein distance of any two sequences, bit-parallel: each item of the
/// shorter one gets a dense number once, so the inner loop indexes an array rather
/// than hashing, and costs `longer × ⌈shorter / 64⌉` words.
fn bit_parallel_distance<T: Eq + Hash>(a: &[T], b: &[T]) -> usize {
    let (pattern, text) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let blocks = pattern.len().div_ceil(64);
    // Slot 0 is the all-zero mask of an item the pattern does not have.
    let mut slots: HashMap<&T, u32> = HashMap::with_capacity(pattern.len());
    let mut masks = vec![0u64; blocks];
    for (i, item) in pattern.iter().enumerate() {
        let next = (masks.len() / blocks) as u32;
        let slot = *slots.entry(item).or_insert(next);
        if slot == next {
            masks.resize(masks.len() + blocks, 0);
        }
        masks[slot as usize * blocks + i / 64] |= 1 << (i % 64);
    }
    let text: Vec<u32> = text.iter().map(|t| slots.get(t).copied().unwrap_or(0)).collect();
    block_distance(pattern.len(), &text, |slot, block| masks[slot as usize * blocks + block])
}

/// Exact Levenshtein distance between two token sequences (insert, delete and
/// substitute each cost 1).
pub fn token_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    bounded_distance(a, b, usize::MAX).unwrap_or(usize::MAX)
}

/// The Levenshtein distance between `a` and `b` if it is at most `limit`, computed in
/// a diagonal band of width `2 × limit + 1`; `None` when it is larger.
pub fn bounded_distance<T: PartialEq>(a: &[T], b: &[T], limit: usize) -> Option<usize> {
    let (a, b) = if a.len() < b.len() { (b, a) } else { (a, b) };
    let (n, m) = (a.len(), b.len());
    if n - m > limit {
        return None;
    }
    if m == 0 {
        return Some(n);
    }
    let big = usize::MAX / 2;
    // row[j] = distance between a[..i] and b[..j]
    let mut row: Vec<usize> = (0..=m).collect();
    for i in 1..=n {
        let lo = i.saturating_sub(limit).max(1);
        let hi = i.saturating_add(limit).min(m);
        let mut diag = row[lo - 1];
        row[lo - 1] = if lo == 1 { i } else { big };
        let mut best = row[lo - 1];
        count_work(hi + 1 - lo.min(hi + 1));
        for j in lo..=hi {
            let up = row[j];
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let v = (diag + cost).min(up + 1).min(row[j - 1] + 1);
            diag = up;
            row[j] = v;
            best = best.min(v);
        }
        if hi < m {
            row[hi + 1] = big;
        }
        if best > limit {
            return None;
        }
    }
    let d = row[m];
    (d <= limit).then_some(d)
}

/// Bit-parallel Levenshtein distance (Myers/Hyyrö) for a pattern of at most 64 tokens,
/// with the pattern's match masks looked up through `peq`.
///
/// `peq(t)` must return the bit mask of the positions where token `t` occurs in the
/// pattern (bit `i` for position `i`). Gives exactly the same number as
/// [`token_distance`], in time proportional to the text's length.
pub fn myers_distance(pattern_len: usize, text: &[u32], peq: impl Fn(u32) -> u64) -> usize {
    debug_assert!(pattern_len <= 64);
    if pattern_len == 0 {
        return text.len();
    }
    let last = 1u64 << (pattern_len - 1);
    let mut vp: u64 = !0;
    let mut vn: u64 = 0;
    let mut score = pattern_len;
    count_work(text.len());
    for &t in text {
        let pm = peq(t);
        let d0 = (((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn;
        let mut hp = vn | !(d0 | vp);
        let mut hn = d0 & vp;
        if hp & last != 0 {
            score += 1;
        }
        if hn & last != 0 {
            score -= 1;
        }
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
    }
    score
}

/// Bit-parallel Levenshtein distance for a pattern of any length, in blocks of 64
/// positions (Hyyrö's multi-block form of Myers' algorithm, as in edlib): time
/// proportional to `text.len() × ceil(pattern_len / 64)`.
///
/// `peq(t, b)` must return the match mask of token `t` in block `b` of the pattern
/// (bit `i` for position `64 b + i`). Gives exactly the same number as
/// [`token_distance`].
pub fn block_distance(pattern_len: usize, text: &[u32], peq: impl Fn(u32, usize) -> u64) -> usize {
    if pattern_len == 0 {
        return text.len();
    }
    let blocks = pattern_len.div_ceil(64);
    count_work(text.len().saturating_mul(blocks));
    let last_bit = 1u64 << ((pattern_len - 1) % 64);
    let mut pv = vec![!0u64; blocks];
    let mut mv = vec![0u64; blocks];
    let mut score = pattern_len as i64;
    for &t in text {
        // The top row is 0, 1, 2, …: each step to the right adds one.
        let mut hin: i64 = 1;
        for b in 0..blocks {
            let (p, m) = (pv[b], mv[b]);
            let eq = peq(t, b);
            let hin_neg = u64::from(hin < 0);
            let xv = eq | m;
            let eq = eq | hin_neg;
            let xh = (((eq & p).wrapping_add(p)) ^ p) | eq;
            let mut ph = m | !(xh | p);
            let mut mh = p & xh;
            let high = if b + 1 == blocks { last_bit } else { 1 << 63 };
            let hout = i64::from(ph & high != 0) - i64::from(mh & high != 0);
            ph <<= 1;
            mh <<= 1;
            mh |= hin_neg;
            ph |= u64::from(hin > 0);
            pv[b] = mh | !(xv | ph);
            mv[b] = ph & xv;
            hin = hout;
        }
        score += hin;
    }
    score as usize
}

/// One step of an alignment between query and memory tokens, for showing what differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The token is in both.
    Same,
    /// The memory's token stands where the query has another one.
    Substitute,
    /// The memory has a token the query lacks.
    Insert,
    /// The query has a token the memory lacks.
    Delete,
}

/// A minimal alignment turning `query` into `source`, as a list of edits in order.
///
/// The common start and end are aligned token for token; the middle by a dynamic
/// programme of at most [`MAX_ALIGNMENT_CELLS`] cells, beyond which the middle is shown
/// as deleted, then inserted, whole (still an alignment, no longer a minimal one).
pub fn alignment<T: PartialEq>(query: &[T], source: &[T]) -> Vec<Edit> {
    let prefix = query.iter().zip(source).take_while(|(a, b)| a == b).count();
    let (q, s) = (&query[prefix..], &source[prefix..]);
    let suffix = q.iter().rev().zip(s.iter().rev()).take_while(|(a, b)| a == b).count();
    let (q, s) = (&q[..q.len() - suffix], &s[..s.len() - suffix]);
    let mut edits = vec![Edit::Same; prefix];
    edits.extend(middle_alignment(q, s));
    edits.extend(std::iter::repeat_n(Edit::Same, suffix));
    edits
}

fn middle_alignment<T: PartialEq>(query: &[T], source: &[T]) -> Vec<Edit> {
    let (n, m) = (query.len(), source.len());
    let width = m + 1;
    if (n + 1).saturating_mul(width) > MAX_ALIGNMENT_CELLS {
        return [vec![Edit::Delete; n], vec![Edit::Insert; m]].concat();
    }
    count_work((n + 1) * width);
    let mut d = vec![0u32; (n + 1) * width];
    for i in 0..=n {
        d[i * width] = i as u32;
    }
    for (j, cell) in d[..width].iter_mut().enumerate() {
        *cell = j as u32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = u32::from(query[i - 1] != source[j - 1]);
            d[i * width + j] = (d[(i - 1) * width + j - 1] + cost)
                .min(d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1);
        }
    }
    let at = |i: usize, j: usize| d[i * width + j];
    let mut edits = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && at(i, j) == at(i - 1, j - 1) + u32::from(query[i - 1] != source[j - 1]) {
            edits.push(if query[i - 1] == source[j - 1] { Edit::Same } else { Edit::Substitute });
            i -= 1;
            j -= 1;
        } else if j > 0 && at(i, j) == at(i, j - 1) + 1 {
            edits.push(Edit::Insert);
            j -= 1;
        } else {
            edits.push(Edit::Delete);
            i -= 1;
        }
    }
    edits.reverse();
    edits
}

/// What a part of a [`diff`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    /// In both texts.
    Same,
    /// Only in the memory's source.
    Added,
    /// Only in the query.
    Removed,
}

/// A run of tokens of one [`DiffKind`], with the spaces between them as in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffPart {
    /// What the run is.
    pub kind: DiffKind,
    /// Its text, starting with a space when the first token had one before it.
    pub text: String,
}

/// The word-level difference between a query and a memory source, as CAT tools show
/// it: what the source has that the query lacks is [`DiffKind::Added`], what the query
/// has that the source lacks is [`DiffKind::Removed`].
pub fn diff(query: &str, source: &str) -> Vec<DiffPart> {
    let (q, s) = (crate::text::normalize(query), crate::text::normalize(source));
    let spaced = |text: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut end = 0;
        for t in crate::text::tokens(text) {
            let start = t.as_ptr() as usize - text.as_ptr() as usize;
            out.push(if start > end { format!(" {t}") } else { t.to_string() });
            end = start + t.len();
        }
        out
    };
    let (qt, st) = (spaced(&q), spaced(&s));
    let bare = |v: &[String]| -> Vec<String> { v.iter().map(|t| t.trim_start().to_string()).collect() };
    // Between two tokens in common, show everything removed, then everything added.
    let mut parts: Vec<DiffPart> = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let flush = |parts: &mut Vec<DiffPart>, removed: &mut String, added: &mut String| {
        for (kind, text) in [(DiffKind::Removed, removed), (DiffKind::Added, added)] {
            if !text.is_empty() {
                parts.push(DiffPart { kind, text: std::mem::take(text) });
            }
        }
    };
    let (mut i, mut j) = (0, 0);
    for edit in alignment(&bare(&qt), &bare(&st)) {
        if matches!(edit, Edit::Substitute | Edit::Delete) {
            removed.push_str(&qt[i]);
            i += 1;
        }
        if matches!(edit, Edit::Substitute | Edit::Insert) {
            added.push_str(&st[j]);
            j += 1;
        }
        if edit == Edit::Same {
            flush(&mut parts, &mut removed, &mut added);
            match parts.last_mut() {
                Some(last) if last.kind == DiffKind::Same => last.text.push_str(&st[j]),
                _ => parts.push(DiffPart { kind: DiffKind::Same, text: st[j].clone() }),
            }
            i += 1;
            j += 1;
        }
    }
    flush(&mut parts, &mut removed, &mut added);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn score_formula() {
        assert_eq!(score_from_distance(4, 4, 0, true), 100);
        assert_eq!(score_from_distance(4, 4, 0, false), 99);
        assert_eq!(score_from_distance(4, 4, 1, false), 75);
        assert_eq!(score_from_distance(3, 2, 1, false), 66);
        assert_eq!(score_from_distance(0, 3, 3, false), 0);
        assert_eq!(max_distance(10, 50), 5);
        assert_eq!(max_distance(3, 50), 1);
        assert_eq!(max_distance(7, 100), 0);
    }

    #[test]
    fn max_distance_is_the_threshold() {
        for len in 1..60 {
            for s in 1..=100u8 {
                let dmax = max_distance(len, s);
                assert!(score_from_distance(len, len, dmax, false) >= s.min(99));
                if dmax < len {
                    assert!(score_from_distance(len, len, dmax + 1, false) < s);
                }
            }
        }
    }

    #[test]
    fn alignment_marks_the_difference() {
        let q = ["Vi", "er", "her", "."];
        let s = ["Vi", "var", "her", "i", "dag", "."];
        let e = alignment(&q, &s);
        use Edit::*;
        assert_eq!(e, [Same, Substitute, Same, Insert, Insert, Same]);
    }

    #[test]
    fn diff_shows_added_and_removed_words() {
        let parts = diff("Vi er her for kundene.", "Vi er her for deg i dag.");
        let shown: String = parts
            .iter()
            .map(|p| match p.kind {
                DiffKind::Same => p.text.clone(),
                DiffKind::Added => format!("{{+{}+}}", p.text),
                DiffKind::Removed => format!("[-{}-]", p.text),
            })
            .collect();
        assert_eq!(shown, "Vi er her for[- kundene-]{+ deg i dag+}.");
    }

    fn peq_of(pattern: &[u32]) -> impl Fn(u32) -> u64 + '_ {
        move |t| pattern.iter().enumerate().filter(|(_, &p)| p == t).fold(0, |m, (i, _)| m | 1 << i)
    }

    fn block_peq_of(pattern: &[u32]) -> impl Fn(u32, usize) -> u64 + '_ {
        move |t, block| {
            pattern
                .iter()
                .enumerate()
                .skip(64 * block)
                .take(64)
                .filter(|(_, &p)| p == t)
                .fold(0, |m, (i, _)| m | 1 << (i % 64))
        }
    }

    #[test]
    fn long_texts_cost_what_the_caps_say() {
        // Two 1 MiB segments that differ in one word: the worst a segment can be.
        let words: Vec<String> = (0..150_000).map(|i| format!("ord{}", i % 5000)).collect();
        let mut other = words.clone();
        other[75_000] = "annet".into();
        let before = crate::cost::spent();
        assert_eq!(match_distance(&words, &other), None);
        assert_eq!(match_distance(&words, &words), Some(0));
        let (a, b) = (words.join(" "), other.join(" "));
        assert!(char_similarity(&a, &b) > 0.99);
        let edits = alignment(&words, &other);
        assert_eq!(edits.iter().filter(|e| **e != Edit::Same).count(), 1);
        let spent = crate::cost::spent() - before;
        let bound = 2 * 150_000 + (MAX_SIMILARITY_CHARS * MAX_SIMILARITY_CHARS.div_ceil(64)) + 4;
        assert!(spent <= bound as u64, "{spent} units of work, bound {bound}");
        // A middle too big to align is shown whole, without the quadratic table.
        let (x, y): (Vec<u32>, Vec<u32>) = ((0..3000).collect(), (5000..8000).collect());
        let before = crate::cost::spent();
        let edits = alignment(&x, &y);
        assert_eq!(crate::cost::spent(), before);
        assert_eq!(edits.len(), 6000);
    }

    #[test]
    fn similarity_is_strsims_on_the_first_characters() {
        for (a, b) in [("", ""), ("", "abc"), ("Vi er her.", "Vi var her."), ("æøå", "aøå")] {
            assert_eq!(char_similarity(a, b), strsim::normalized_levenshtein(a, b), "{a:?} {b:?}");
        }
        let long: String = "x".repeat(MAX_SIMILARITY_CHARS);
        assert_eq!(char_similarity(&format!("{long}abc"), &format!("{long}xyz")), 1.0);
    }

    proptest! {
        #[test]
        fn block_distance_agrees_with_strsim(a in prop::collection::vec(0u32..5, 0..300), b in prop::collection::vec(0u32..5, 0..300)) {
            prop_assert_eq!(block_distance(a.len(), &b, block_peq_of(&a)), strsim::generic_levenshtein(&a, &b));
        }

        #[test]
        fn char_similarity_agrees_with_strsim(a in "[abcæ ]{0,150}", b in "[abcæ ]{0,150}") {
            prop_assert_eq!(char_similarity(&a, &b), strsim::normalized_levenshtein(&a, &b));
        }

        #[test]
        fn distances_agree_with_strsim(a in prop::collection::vec(0u32..6, 0..64), b in prop::collection::vec(0u32..6, 0..90), limit in 0usize..20) {
            let reference = strsim::generic_levenshtein(&a, &b);
            prop_assert_eq!(token_distance(&a, &b), reference);
            prop_assert_eq!(myers_distance(a.len(), &b, peq_of(&a)), reference);
            let bounded = bounded_distance(&a, &b, limit);
            prop_assert_eq!(bounded, (reference <= limit).then_some(reference));
            let edits = alignment(&a, &b);
            prop_assert_eq!(edits.iter().filter(|e| **e != Edit::Same).count(), reference);
        }
    }
}
