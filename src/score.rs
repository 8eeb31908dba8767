//! The match score: how much of a query sentence a memory entry already covers.
//!
//! The formula is the README's, and this module is its only implementation:
//! normalise both texts ([`crate::text::normalize`]), cut them into tokens
//! ([`crate::text::tokens`]), take the Levenshtein distance `d` between the two token
//! sequences, and score `floor(100 × (max(n, m) − d) / max(n, m))`. Identical normalised
//! texts score 100; different texts with the same tokens score 99. The distance code
//! here is exact: [`token_distance`] is checked against strsim's `generic_levenshtein`.
//! Nothing here knows how candidates are found; that is [`crate::index`].

/// The lowest and highest scores.
pub const MAX_SCORE: u8 = 100;

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

/// The largest distance that still reaches `min_score` for sequences whose longer one
/// has `len` tokens: `score >= s  ⇔  d <= floor(len × (100 − s) / 100)`.
pub fn max_distance(len: usize, min_score: u8) -> usize {
    len * usize::from(MAX_SCORE - min_score.min(MAX_SCORE)) / 100
}

/// Character-level similarity of two normalised texts, in 0..=1, used to break ties
/// between equal scores (strsim's `normalized_levenshtein`).
pub fn char_similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
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
pub fn alignment<T: PartialEq>(query: &[T], source: &[T]) -> Vec<Edit> {
    let (n, m) = (query.len(), source.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(query[i - 1] != source[j - 1]);
            d[i][j] = (d[i - 1][j - 1] + cost).min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    let mut edits = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + usize::from(query[i - 1] != source[j - 1]) {
            edits.push(if query[i - 1] == source[j - 1] { Edit::Same } else { Edit::Substitute });
            i -= 1;
            j -= 1;
        } else if j > 0 && d[i][j] == d[i][j - 1] + 1 {
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

    proptest! {
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
