//! Boundary scores against a treebank's gold sentences, with exactly the definitions
//! of `../shared/data/ud-nob-dev/score_seg.py`, so that `cargo xtask eval-segment`
//! prints the figures that script prints for `tolk segment`'s output.
//!
//! The text is a running text of paragraphs separated by blank lines; the gold has one
//! sentence a line. Offsets count non-whitespace characters (Python's `isspace`), so
//! spacing never matters; paragraph ends are left out of both sides, since every
//! segmenter gets them free. Each boundary is classed by the character before it,
//! closing quotes and brackets skipped: `punct` after `. ! ? : …`, `sentence` the same
//! without the colon, the row the README's figures use. This module only counts; it
//! reads no files and segments nothing.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{bail, Result};

/// Closing quotes and brackets skipped when classing a boundary.
const CLOSERS: &str = "»«\"'”’)]";

/// Characters that make a boundary `punct`.
const TERMINALS: &str = ".!?:…";

/// Python's `str.isspace`: Unicode white space and the four information separators.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Precision, recall and F1 of one class of boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prf {
    pub gold: usize,
    pub pred: usize,
    pub tp: usize,
}

impl Prf {
    fn of(gold: &BTreeSet<usize>, pred: &BTreeSet<usize>) -> Prf {
        Prf { gold: gold.len(), pred: pred.len(), tp: gold.intersection(pred).count() }
    }

    pub fn precision(&self) -> Option<f64> {
        (self.pred > 0).then(|| self.tp as f64 / self.pred as f64)
    }

    pub fn recall(&self) -> Option<f64> {
        (self.gold > 0).then(|| self.tp as f64 / self.gold as f64)
    }

    pub fn f1(&self) -> Option<f64> {
        (self.gold + self.pred > 0).then(|| 2.0 * self.tp as f64 / (self.gold + self.pred) as f64)
    }
}

/// The scores of one text, and its errors.
#[derive(Debug)]
pub struct Scored {
    /// `all`, `punct`, `nopunct` and `sentence`, in that order.
    pub rows: Vec<(&'static str, Prf)>,
    /// Missed and extra boundaries of the `sentence` class, as offsets in
    /// non-whitespace characters.
    missed: Vec<usize>,
    extra: Vec<usize>,
    /// The byte offset in the text just after the `k`-th non-whitespace character.
    byte_after: Vec<usize>,
}

/// Scores the boundaries `ends` (byte offsets in `text` where predicted sentences end)
/// against `gold`, one sentence a line.
pub fn score(text: &str, gold: &str, ends: &[usize]) -> Result<Scored> {
    let mut chars = Vec::new();
    let mut byte_after = vec![0];
    for (at, c) in text.char_indices() {
        if !is_space(c) {
            chars.push(c);
            byte_after.push(at + c.len_utf8());
        }
    }
    // Gold sentence ends, checking that the gold is the text without its spacing.
    let mut gold_ends = BTreeSet::new();
    let mut k = 0;
    for (n, line) in gold.split('\n').enumerate() {
        for c in line.chars().filter(|&c| !is_space(c)) {
            if chars.get(k) != Some(&c) {
                bail!("gold line {} differs from the text at non-space offset {k}", n + 1);
            }
            k += 1;
        }
        if line.chars().any(|c| !is_space(c)) {
            gold_ends.insert(k);
        }
    }
    if k != chars.len() {
        bail!("the gold ends at non-space offset {k}, the text at {}", chars.len());
    }
    // Paragraph ends: groups of lines between lines of only spaces, tabs and CRs.
    let mut paragraph_ends = BTreeSet::from([chars.len()]);
    let mut k = 0;
    for line in text.split('\n') {
        if line.chars().all(|c| matches!(c, ' ' | '\t' | '\r')) {
            paragraph_ends.insert(k);
        }
        k += line.chars().filter(|&c| !is_space(c)).count();
    }
    let count_before = |byte: usize| byte_after.partition_point(|&b| b <= byte) - 1;
    let pred: BTreeSet<usize> = ends.iter().map(|&e| count_before(e)).collect();
    let gold: BTreeSet<usize> = gold_ends.difference(&paragraph_ends).copied().collect();
    let pred: BTreeSet<usize> = pred.difference(&paragraph_ends).copied().collect();
    let last = |k: usize| chars[..k].iter().rev().find(|c| !CLOSERS.contains(**c)).copied();
    let punct = |k: &usize| last(*k).is_some_and(|c| TERMINALS.contains(c));
    let sentence = |k: &usize| punct(k) && last(*k) != Some(':');
    let only = |set: &BTreeSet<usize>, keep: &dyn Fn(&usize) -> bool| -> BTreeSet<usize> {
        set.iter().copied().filter(|k| keep(k)).collect()
    };
    let nopunct = |k: &usize| !punct(k);
    let rows = vec![
        ("all", Prf::of(&gold, &pred)),
        ("punct", Prf::of(&only(&gold, &punct), &only(&pred, &punct))),
        ("nopunct", Prf::of(&only(&gold, &nopunct), &only(&pred, &nopunct))),
        ("sentence", Prf::of(&only(&gold, &sentence), &only(&pred, &sentence))),
    ];
    Ok(Scored {
        rows,
        missed: gold.difference(&pred).copied().filter(sentence).collect(),
        extra: pred.difference(&gold).copied().filter(sentence).collect(),
        byte_after,
    })
}

impl Scored {
    /// The row of one class.
    pub fn row(&self, class: &str) -> Option<Prf> {
        self.rows.iter().find(|(name, _)| *name == class).map(|(_, prf)| *prf)
    }

    /// The table score_seg.py prints.
    pub fn table(&self) -> String {
        let fmt = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{x:.4}"));
        let mut out = format!(
            "{:8} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}\n",
            "class", "gold", "pred", "tp", "fp", "fn", "P", "R", "F1"
        );
        for (name, r) in &self.rows {
            let _ = writeln!(
                out,
                "{name:8} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}",
                r.gold,
                r.pred,
                r.tp,
                r.pred - r.tp,
                r.gold - r.tp,
                fmt(r.precision()),
                fmt(r.recall()),
                fmt(r.f1())
            );
        }
        out
    }

    /// Up to `n` missed and `n` extra boundaries of the `sentence` class, with the text
    /// around them.
    pub fn errors(&self, text: &str, n: usize) -> String {
        let mut out = String::new();
        for (kind, list) in [("missed", &self.missed), ("extra ", &self.extra)] {
            for &k in list.iter().take(n) {
                let at = self.byte_after[k];
                let before: String =
                    text[..at].chars().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
                let after: String = text[at..].chars().take(40).collect();
                let _ = writeln!(
                    out,
                    "{kind} {k:>7}  {:>40}‖{}",
                    before.replace('\n', " "),
                    after.replace('\n', " ")
                );
            }
            if list.len() > n {
                let _ = writeln!(out, "{kind} ... and {} more", list.len() - n);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_boundaries_inside_paragraphs_by_class() {
        let text = "Hei. Hvem er du? Jeg: Ola\n\nNy tittel Her. Slutt.\n";
        let gold = "Hei.\nHvem er du?\nJeg:\nOla\nNy tittel\nHer.\nSlutt.\n";
        // Predicted: after "Hei." and "tittel Her." only (byte offsets).
        let ends = [4, text.find("Her.").unwrap() + 4, text.len() - 1];
        let s = score(text, gold, &ends).unwrap();
        // Within paragraphs, gold has Hei. | du? | Jeg: | tittel | Her. ; pred Hei. | Her.
        assert_eq!(s.row("all"), Some(Prf { gold: 5, pred: 2, tp: 2 }));
        assert_eq!(s.row("punct"), Some(Prf { gold: 4, pred: 2, tp: 2 }));
        assert_eq!(s.row("nopunct"), Some(Prf { gold: 1, pred: 0, tp: 0 }));
        assert_eq!(s.row("sentence"), Some(Prf { gold: 3, pred: 2, tp: 2 }));
        assert!(s.errors(text, 5).contains("missed"));
    }

    #[test]
    fn a_gold_that_is_not_the_text_is_refused() {
        assert!(score("Hei. Ja.\n", "Hei.\nNei.\n", &[]).is_err());
        assert!(score("Hei. Ja.\n", "Hei.\n", &[]).is_err());
    }
}
