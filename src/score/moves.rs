//! Words moved: a block of words that the memory's source has elsewhere is one edit,
//! not a deletion and an insertion for each of its words.
//!
//! Norwegian moves words as a matter of course: `I dag leste jeg en bok` and `Jeg
//! leste en bok i dag` say the same with the same six words, and a translator moves
//! "today" once. Levenshtein counts five edits there; with moves it is two (`i dag`
//! and `jeg`), as Translation Edit Rate counts them (Snover et al. 2006: a shift of a
//! block costs one edit).
//!
//! [`moves`] starts from a minimal alignment ([`super::Edit`]s), whose kept words
//! split both texts into *gaps*; a gap of `a` query words and `b` source words not
//! kept costs `max(a, b)` (the pairs are replacements, the rest insertions or
//! deletions), and the gaps' costs add up to the Levenshtein distance. A block is a
//! run of words not kept that stands, word for word, as a run not kept in the other
//! text; moving it costs one edit and takes its words out of both gaps. Blocks are
//! moved greedily, the one that saves most first (then the longest, then the first
//! in the query), until none is left, and the moves up to the point that saved most
//! are kept (none, when no point saved anything). The same is done from alignments
//! that leave out one run of the words the minimal one keeps, free to move as a block
//! (a fronted adverbial, [`fewest_moves`]), and the fewest edits count. So the
//! distance with moves is never
//! more than the Levenshtein distance, and never less than `max(n, m) − shared`, the
//! words not shared as multisets (every word outside a kept or moved pair costs an
//! edit): the bounds the index prunes by ([`crate::index`]) hold for it unchanged.
//! Below the Levenshtein distance it is more than that: without a move it is an
//! alignment's cost, which Levenshtein's is the least of, and a move costs an edit of
//! its own; so the index looks for moves only in a text whose words not shared are
//! fewer than its limit.
//! Texts of more than [`MAX_MOVE_WORDS`] words are not searched for moves.

use std::ops::Range;

use super::Edit;
use crate::cost::count as count_work;

/// The most words either text may have for moves to be looked for: beyond, the
/// distance is Levenshtein's (a sentence of a hundred words is far beyond real prose,
/// and the search for blocks costs up to the product of the lengths per move).
pub const MAX_MOVE_WORDS: usize = 100;

/// A block of words moved: where it stands in the query and in the memory's source
/// (word numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The block's words in the query.
    pub query: Range<usize>,
    /// The same words in the memory's source.
    pub source: Range<usize>,
}

/// A word not kept by the alignment: the gap it stands in, or `None` once moved (or
/// for a kept word).
type Free = Option<usize>;

/// The blocks moved and the distance with them, for `query` and `source` aligned by
/// `edits` (a minimal alignment turning `source` into `query`).
pub fn moves<T: PartialEq>(query: &[T], source: &[T], edits: &[Edit]) -> (Vec<Move>, usize) {
    let (n, m) = (query.len(), source.len());
    let mut in_query: Vec<Free> = vec![None; n];
    let mut in_source: Vec<Free> = vec![None; m];
    // The words not kept in each gap: (the query's, the source's).
    let mut gaps: Vec<(usize, usize)> = vec![(0, 0)];
    let (mut i, mut j) = (0, 0);
    for &edit in edits {
        let g = gaps.len() - 1;
        if edit == Edit::Same {
            gaps.push((0, 0));
        }
        if matches!(edit, Edit::Substitute | Edit::Insert) {
            in_query[i] = Some(g);
            gaps[g].0 += 1;
        }
        if matches!(edit, Edit::Substitute | Edit::Delete) {
            in_source[j] = Some(g);
            gaps[g].1 += 1;
        }
        i += usize::from(edit != Edit::Delete);
        j += usize::from(edit != Edit::Insert);
    }
    let mut distance: usize = gaps.iter().map(|&(a, b)| a.max(b)).sum();
    let mut moved = Vec::new();
    if n.max(m) > MAX_MOVE_WORDS {
        return (moved, distance);
    }
    // Each move with what it saved (less than nothing, for one that costs more than it
    // saves): every block is moved in turn, the one saving most first, as two moves can
    // save together what neither saves alone (two clauses swapped around `og`, each
    // replacing the other word for word: moving one leaves its words unpaired, moving
    // the other then saves them all), and only the moves up to the most saved are kept.
    let mut saved_by: Vec<isize> = Vec::new();
    loop {
        // (saved, length, query start, source start) of the best block.
        let mut best: Option<(isize, usize, usize, usize)> = None;
        for i in 0..n {
            let Some(from) = in_query[i] else { continue };
            for j in 0..m {
                let Some(to) = in_source[j] else { continue };
                count_work(1);
                if query[i] != source[j] {
                    continue;
                }
                let len = (0..(n - i).min(m - j))
                    .take_while(|&k| {
                        in_query[i + k].is_some()
                            && in_source[j + k].is_some()
                            && query[i + k] == source[j + k]
                    })
                    .count();
                count_work(len);
                let saved = saving(gaps[from], gaps[to], from == to, len);
                if best.is_none_or(|(s, l, _, _)| (saved, len) > (s, l)) {
                    best = Some((saved, len, i, j));
                }
            }
        }
        let Some((saved, len, i, j)) = best else { break };
        let (from, to) = (in_query[i].unwrap_or_default(), in_source[j].unwrap_or_default());
        gaps[from].0 -= len;
        gaps[to].1 -= len;
        in_query[i..i + len].fill(None);
        in_source[j..j + len].fill(None);
        saved_by.push(saved);
        moved.push(Move { query: i..i + len, source: j..j + len });
    }
    // The prefix of moves saving most, the shortest of those.
    let (mut kept, mut most, mut sum) = (0, 0, 0);
    for (k, &saved) in saved_by.iter().enumerate() {
        sum += saved;
        if sum > most {
            (kept, most) = (k + 1, sum);
        }
    }
    moved.truncate(kept);
    distance -= most as usize;
    (moved, distance)
}

/// [`moves`] from the alignment `align` finds (a minimal one), and again from each
/// alignment that keeps the same words but for one run of them, which is then free to
/// move: the alignment, moves and distance of the fewest edits (the first found of
/// those). `least` is the words not shared, which no moves go below; a run left out
/// costs an edit to move (or its words stay unpaired), so no such alignment goes below
/// `least + 1`, and none is tried once that is reached. A search that only asks
/// whether the distance is at most `within` stops at the first alignment that is, and
/// tries none when `least + 1` is more (the distance returned is then not always the
/// fewest, but is at most `within` exactly when the fewest is). A run of one word counts too: `Før de giftet seg
/// bodde de sammen i to år` against `De bodde sammen i to år før de giftet seg` keeps
/// the first `de` with `De` and so splits the clause that moved.
///
/// A minimal alignment keeps the longest run in order, and when that run is the block
/// that moved, the words it leaves behind can only move one by one: `Hver morgen før
/// jobb leser hun avisen` against `Hun leser avisen hver morgen før jobb` keeps `hver
/// morgen før jobb` and moves `avisen`, `leser` and `hun` (three edits), where moving
/// the adverbial and then `hun` takes two. Leaving the run out of the alignment lets
/// it move as a block. The distance found is still between the index's bounds: never
/// more than from the minimal alignment alone, and every alignment's distance with
/// moves is at least the words not shared.
pub fn fewest_moves<T: PartialEq + Copy>(
    query: &[T],
    source: &[T],
    align: impl Fn(&[T], &[T]) -> Vec<Edit>,
    least: usize,
    within: Option<usize>,
) -> (Vec<Edit>, Vec<Move>, usize) {
    let edits = align(query, source);
    let (moved, distance) = moves(query, source, &edits);
    let mut best = (edits, moved, distance);
    // A run left out costs an edit to move (or its words stay unpaired), and what is
    // left is still at least the words not shared.
    let done = |distance: usize| distance <= least + 1 || within.is_some_and(|within| distance <= within);
    if done(best.2)
        || within.is_some_and(|within| least + 1 > within)
        || query.len().max(source.len()) > MAX_MOVE_WORDS
    {
        return best;
    }
    let (mut rest_q, mut rest_s) = (Vec::with_capacity(query.len()), Vec::with_capacity(source.len()));
    for run in kept_runs(&best.0) {
        rest_q.clear();
        rest_q.extend_from_slice(&query[..run.query.start]);
        rest_q.extend_from_slice(&query[run.query.end..]);
        rest_s.clear();
        rest_s.extend_from_slice(&source[..run.source.start]);
        rest_s.extend_from_slice(&source[run.source.end..]);
        let edits = splice(&align(&rest_q, &rest_s), &run);
        let (moved, distance) = moves(query, source, &edits);
        if distance < best.2 {
            best = (edits, moved, distance);
            if done(distance) {
                break;
            }
        }
    }
    best
}

/// The runs of words an alignment keeps, each as long as it goes.
fn kept_runs(edits: &[Edit]) -> Vec<Move> {
    let (mut runs, mut i, mut j) = (Vec::new(), 0, 0);
    let mut open: Option<(usize, usize)> = None;
    for &edit in edits {
        match (edit == Edit::Same, open) {
            (true, None) => open = Some((i, j)),
            (false, Some((a, b))) => {
                runs.push(Move { query: a..i, source: b..j });
                open = None;
            }
            _ => {}
        }
        i += usize::from(edit != Edit::Delete);
        j += usize::from(edit != Edit::Insert);
    }
    if let Some((a, b)) = open {
        runs.push(Move { query: a..i, source: b..j });
    }
    runs
}

/// The alignment of the whole texts from `rest`, the alignment of the texts without
/// `run`'s words: those words put back where they stand, inserted in the query and
/// deleted from the source.
fn splice(rest: &[Edit], run: &Move) -> Vec<Edit> {
    let mut edits = Vec::with_capacity(rest.len() + 2 * run.query.len());
    let (mut i, mut j) = (0, 0);
    let put_back = |edits: &mut Vec<Edit>, i: &mut usize, j: &mut usize| {
        if *i == run.query.start {
            edits.extend(std::iter::repeat_n(Edit::Insert, run.query.len()));
            *i = run.query.end;
        }
        if *j == run.source.start {
            edits.extend(std::iter::repeat_n(Edit::Delete, run.source.len()));
            *j = run.source.end;
        }
    };
    for &edit in rest {
        put_back(&mut edits, &mut i, &mut j);
        edits.push(edit);
        i += usize::from(edit != Edit::Delete);
        j += usize::from(edit != Edit::Insert);
    }
    put_back(&mut edits, &mut i, &mut j);
    edits
}

/// The edits saved by moving a block of `len` words from the gap `from` of the query
/// (its counts `(query words, source words)`) to the gap `to` of the source, at one
/// edit for the move, negative when it costs more; `same` when the two are one gap.
fn saving(from: (usize, usize), to: (usize, usize), same: bool, len: usize) -> isize {
    if same {
        return len as isize - 1;
    }
    let before = from.0.max(from.1) + to.0.max(to.1);
    let after = (from.0 - len).max(from.1) + to.0.max(to.1 - len) + 1;
    before as isize - after as isize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{alignment, token_distance};

    fn distance(query: &str, source: &str) -> (usize, Vec<String>) {
        let (q, s): (Vec<&str>, Vec<&str>) = (query.split(' ').collect(), source.split(' ').collect());
        let (moved, d) = moves(&q, &s, &alignment(&q, &s));
        (d, moved.iter().map(|mv| q[mv.query.clone()].join(" ")).collect())
    }

    /// As [`distance`], with a run of kept words free to move ([`fewest_moves`]).
    fn fewest(query: &str, source: &str) -> (usize, Vec<String>) {
        let (q, s): (Vec<&str>, Vec<&str>) = (query.split(' ').collect(), source.split(' ').collect());
        let (_, moved, d) = fewest_moves(&q, &s, alignment, 0, None);
        (d, moved.iter().map(|mv| q[mv.query.clone()].join(" ")).collect())
    }

    /// The distance counted again from an alignment and its moves: each gap's words
    /// neither kept nor moved, the larger count of the two texts', and one for each
    /// move.
    fn recount(edits: &[Edit], moved: &[Move]) -> usize {
        let (mut total, mut gap, mut i, mut j) = (moved.len(), (0, 0), 0, 0);
        for &edit in edits {
            if edit == Edit::Same {
                total += gap.0.max(gap.1);
                gap = (0, 0);
            }
            if edit != Edit::Same && edit != Edit::Delete && !moved.iter().any(|mv| mv.query.contains(&i)) {
                gap.0 += 1;
            }
            if edit != Edit::Same && edit != Edit::Insert && !moved.iter().any(|mv| mv.source.contains(&j)) {
                gap.1 += 1;
            }
            i += usize::from(edit != Edit::Delete);
            j += usize::from(edit != Edit::Insert);
        }
        total + gap.0.max(gap.1)
    }

    /// The words two sequences share as multisets.
    fn shared(a: &[u8], b: &[u8]) -> usize {
        let mut counts = [0i32; 256];
        for &x in a {
            counts[x as usize] += 1;
        }
        b.iter()
            .filter(|&&x| {
                counts[x as usize] -= 1;
                counts[x as usize] >= 0
            })
            .count()
    }

    #[test]
    fn a_run_the_alignment_kept_can_move() {
        // The fronted adverbial is the longest run in order, so the minimal alignment
        // keeps it and the words it leaves move one by one.
        let (query, source) =
            ("hver morgen før jobb leser hun avisen", "hun leser avisen hver morgen før jobb");
        assert_eq!(distance(query, source).0, 3);
        assert_eq!(fewest(query, source), (2, vec!["hver morgen før jobb".into(), "leser".into()]));
        assert_eq!(
            fewest("etter krigen flyttet familien til oslo", "familien flyttet til oslo etter krigen"),
            (2, vec!["etter krigen".into(), "familien".into()])
        );
        // A run of one word: the first `de` kept with `De` splits the clause that moved.
        let (query, source) =
            ("før de giftet seg bodde de sammen i to år", "de bodde sammen i to år før de giftet seg");
        assert_eq!(distance(query, source).0, 3);
        assert_eq!(fewest(query, source), (2, vec!["før de giftet seg".into(), "de".into()]));
        // Where the minimal alignment's moves are already the fewest, they stay.
        assert_eq!(
            fewest("i dag leste jeg en bok", "jeg leste en bok i dag"),
            distance("i dag leste jeg en bok", "jeg leste en bok i dag")
        );
        assert_eq!(fewest("a b c", "x y z"), (3, vec![]));
    }

    #[test]
    fn a_block_moved_is_one_edit() {
        assert_eq!(
            distance("i dag leste jeg en bok", "jeg leste en bok i dag"),
            (2, vec!["i dag".into(), "jeg".into()])
        );
        assert_eq!(
            distance("klokken sju skal vi møtes på stasjonen", "vi skal møtes på stasjonen klokken sju"),
            (2, vec!["klokken sju".into(), "vi".into()])
        );
        // Two words swapped: one moved.
        assert_eq!(distance("a b c d", "a c b d"), (1, vec!["b".into()]));
        // A move that would cost more than it saves is not made, even on the way to one
        // that saves: "her" here would leave "vi" and "vivi" unpaired.
        assert_eq!(distance("vi her vi vi dag", "dag vivi vi her"), (4, vec![]));
        // Two clauses swapped around "og", each replacing the other word for word: the
        // first move costs one more than it saves, the second saves five.
        assert_eq!(
            distance("hun klipper plenen og han vasker bilen", "han vasker bilen og hun klipper plenen"),
            (2, vec!["hun klipper plenen".into(), "han vasker bilen".into()])
        );
        // Two moves that save only together.
        assert_eq!(
            distance("vi har valgt å satse på nye markeder nå", "nå har vi valgt å satse på nye markeder"),
            (2, vec!["vi".into(), "nå".into()])
        );
    }

    #[test]
    fn nothing_moves_where_levenshtein_is_as_good() {
        assert_eq!(distance("vi er her for kundene", "vi er her for deg"), (1, vec![]));
        assert_eq!(distance("a b c", "x y z"), (3, vec![]));
        // A word that left and another that came are not a move.
        assert_eq!(distance("a b c d", "x a b c"), (2, vec![]));
    }

    #[test]
    fn long_texts_are_not_searched() {
        let q: Vec<usize> = (0..=MAX_MOVE_WORDS).collect();
        let mut s = q.clone();
        s.rotate_left(10);
        let (moved, d) = moves(&q, &s, &alignment(&q, &s));
        assert!(moved.is_empty());
        assert_eq!(d, token_distance(&q, &s));
    }

    proptest::proptest! {
        /// Between the bounds the index prunes by: never above Levenshtein, never
        /// below the words not shared, never below the difference in length.
        #[test]
        fn the_distance_with_moves_keeps_the_index_bounds(
            a in proptest::collection::vec(0u8..6, 0..14),
            b in proptest::collection::vec(0u8..6, 0..14),
        ) {
            let edits = alignment(&a, &b);
            let (moved, d) = moves(&a, &b, &edits);
            let levenshtein = token_distance(&a, &b);
            proptest::prop_assert_eq!(recount(&edits, &moved), d);
            let shared = shared(&a, &b);
            proptest::prop_assert!(d <= levenshtein);
            proptest::prop_assert!(d >= a.len().max(b.len()) - shared);
            proptest::prop_assert!(d >= a.len().abs_diff(b.len()));
            proptest::prop_assert_eq!(moved.is_empty(), d == levenshtein);
            // A move costs an edit beside every word not shared.
            proptest::prop_assert!(d == levenshtein || d > a.len().max(b.len()) - shared);
            for mv in &moved {
                proptest::prop_assert_eq!(&a[mv.query.clone()], &b[mv.source.clone()]);
            }
        }

        /// With a run of kept words free to move: never more than from the minimal
        /// alignment, never below the words not shared; the alignment it returns keeps
        /// both texts whole, and its moves add up to the distance.
        #[test]
        fn a_run_left_out_only_lowers_the_distance_to_the_bound(
            a in proptest::collection::vec(0u8..6, 0..14),
            b in proptest::collection::vec(0u8..6, 0..14),
        ) {
            let least = a.len().max(b.len()) - shared(&a, &b);
            let (edits, moved, d) = fewest_moves(&a, &b, alignment, least, None);
            proptest::prop_assert!(d <= moves(&a, &b, &alignment(&a, &b)).1);
            proptest::prop_assert!(d >= least);
            proptest::prop_assert!(d == token_distance(&a, &b) || d > least);
            proptest::prop_assert_eq!(edits.iter().filter(|&&e| e != Edit::Delete).count(), a.len());
            proptest::prop_assert_eq!(edits.iter().filter(|&&e| e != Edit::Insert).count(), b.len());
            proptest::prop_assert_eq!(recount(&edits, &moved), d);
            for mv in &moved {
                proptest::prop_assert_eq!(&a[mv.query.clone()], &b[mv.source.clone()]);
            }
            let (mut i, mut j) = (0, 0);
            for &edit in &edits {
                if edit == Edit::Same {
                    proptest::prop_assert_eq!(a[i], b[j]);
                }
                i += usize::from(edit != Edit::Delete);
                j += usize::from(edit != Edit::Insert);
            }
        }
    }
}
