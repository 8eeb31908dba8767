//! SRX 2.0, the segmentation rule exchange format of OmegaT, Okapi and Trados: tolk's
//! rules written out as SRX ([`export`]), and an SRX file read into rules a
//! [`Segmenter`] applies ([`Srx::parse`], [`Srx::norwegian`], [`segmenter`]).
//!
//! An SRX rule applies at a position in a line when its `beforebreak` regex matches the
//! text ending there and its `afterbreak` regex the text starting there; the first rule
//! that applies decides whether the line breaks (`break="yes"`) or not, and where none
//! applies it does not. The export writes the documented behaviour of the built-in
//! segmenter in that model, generated from the parsed [`super::Rules`] so that a house rule file
//! exports too, and with only what the reader here can apply again: general categories
//! (`\p{Lu}`), `\uXXXX` escapes, classes, quantifiers and `(?i:...)`, never look-around.
//!
//! Reading translates the Java/ICU syntax SRX uses into the `regex` crate's where the two
//! differ, and refuses with an error naming the rule what the crate cannot do
//! (look-around, backreferences, possessive quantifiers, atomic groups): a rule is never
//! silently dropped. Formatting codes (`formathandle`) are read past, since tolk
//! segments plain text. This module does not decide where Norwegian sentences end (the
//! rules do) and never reads files.
//!
//! One file each: `write.rs` (the export), `read.rs` (the document and its rules),
//! `java.rs` (Java/ICU regex syntax to the `regex` crate's); applying compiled rules
//! to a line is here: each break rule is found at every position of a line in one
//! lazy-DFA pass per side ([`LineScan`]), and the rules before it are asked only where
//! it applies, so a line costs at most its length times twice its rules in DFA steps.

mod java;
mod read;
mod write;

use std::ops::Range;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::meta::Regex;
use regex_automata::nfa::thompson;
use regex_automata::{Anchored, Input, MatchKind};

use super::Segmenter;

pub use read::{is_srx, segmenter, LanguageMap, LanguageRule, Srx, SrxRule};
pub use write::export;

/// The `languagerulename` of the exported rules.
pub const LANGUAGE_RULE: &str = "Norwegian Bokmål";

/// The `languagepattern` mapping Norwegian language codes to [`LANGUAGE_RULE`].
pub const LANGUAGE_PATTERN: &str = "(nb|no|nn|nob).*";

/// The language codes tolk segments, in the order their `languagemap`s are looked up.
pub(super) const LANGUAGES: [&str; 2] = ["nb", "no"];

/// Unicode white space (exactly what `char::is_whitespace` accepts) as the body of a
/// character class that Java, ICU, .NET and the `regex` crate all read alike. Java's
/// `\s` alone is ASCII only, and a no-break space after a full stop is common.
pub(super) const WHITE_SPACE: &str = r"\s\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// How many bytes before and after a position the `beforebreak` and `afterbreak`
/// regexes are given, so that a rule costs the same on a 1 MiB line as on a short one:
/// at most `2 × REACH` regex steps per rule and position. Far more than any real rule
/// looks at (a word or an abbreviation and what follows it).
pub(super) const REACH: usize = 512;

// ---------------------------------------------------------------------------------
// Applying

/// SRX rules compiled for one language, in the order they are tried.
#[derive(Debug, Clone)]
pub struct SrxRules {
    rules: Vec<CompiledRule>,
    /// The bytes the compiled rules take, caches included, at most
    /// [`read::RULES_BUDGET`].
    memory: usize,
    /// Indexes of the `break="yes"` rules: a position only needs the other rules
    /// checked when one of these applies, which keeps long abbreviation lists cheap.
    breaking: Vec<usize>,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    breaks: bool,
    before: Option<RuleSide>,
    after: Option<RuleSide>,
}

/// One side of a rule: the regex for a check at one position, and the same regex as a
/// lazy DFA that finds every position of a line in one pass (`None` where the DFA
/// cannot be built; the checks at each position then do).
#[derive(Debug, Clone)]
pub(super) struct RuleSide {
    pub(super) regex: Regex,
    pub(super) scan: Option<std::sync::Arc<LineScan>>,
}

/// A regex as a lazy DFA over a whole line, in one pass: forward, it marks every
/// position where a match ends (a `beforebreak`); in reverse, every position where a
/// match starts (an `afterbreak`). The cost is one step per byte of the line, whatever
/// the regex, so no rule file makes a line cost more than its length times its rules.
pub(super) struct LineScan {
    dfa: DFA,
    reverse: bool,
    caches: std::sync::Mutex<Vec<Cache>>,
}

impl std::fmt::Debug for LineScan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineScan").field("reverse", &self.reverse).finish_non_exhaustive()
    }
}

impl LineScan {
    /// The lazy DFA of `pattern`, for one direction, with at most `nfa_limit` bytes of
    /// automaton and `cache` bytes of cache.
    pub(super) fn build(
        pattern: &str,
        reverse: bool,
        nfa_limit: usize,
        cache: usize,
    ) -> Result<LineScan, Box<regex_automata::hybrid::BuildError>> {
        let dfa = DFA::builder()
            // Every position where a match ends (or starts), not only the leftmost
            // match: a leftmost-first DFA stops looking after its first match.
            .configure(
                DFA::config().cache_capacity(cache).unicode_word_boundary(true).match_kind(MatchKind::All),
            )
            .thompson(thompson::Config::new().reverse(reverse).nfa_size_limit(Some(nfa_limit)))
            .build(pattern)
            .map_err(Box::new)?;
        Ok(LineScan { dfa, reverse, caches: std::sync::Mutex::new(Vec::new()) })
    }

    /// The bytes its automaton takes.
    pub(super) fn memory_usage(&self) -> usize {
        self.dfa.memory_usage()
    }

    /// Sets `hits[p]` (for every byte offset `p` of `line`, and its end) when a match
    /// ends at `p` (forward) or starts at `p` (reverse); `None` when the DFA gave up (a
    /// Unicode word boundary next to a non-ASCII letter).
    fn scan(&self, line: &str, hits: &mut Vec<bool>) -> Option<()> {
        let bytes = line.as_bytes();
        hits.clear();
        hits.resize(bytes.len() + 1, false);
        let mut cache =
            self.caches.lock().ok().and_then(|mut c| c.pop()).unwrap_or_else(|| self.dfa.create_cache());
        let found = self.run(bytes, line, &mut cache, hits);
        if let Ok(mut caches) = self.caches.lock() {
            caches.push(cache);
        }
        found
    }

    fn run(&self, bytes: &[u8], line: &str, cache: &mut Cache, hits: &mut [bool]) -> Option<()> {
        let dfa = &self.dfa;
        let input = Input::new(line).anchored(Anchored::No);
        // A lazy DFA reports a match one byte late: after the byte at `i`, a match
        // state means a match ended just before it (forward) or started just after
        // it (reverse).
        if self.reverse {
            let mut sid = dfa.start_state_reverse(cache, &input).ok()?;
            for i in (0..bytes.len()).rev() {
                sid = dfa.next_state(cache, sid, bytes[i]).ok()?;
                if sid.is_tagged() {
                    if sid.is_match() {
                        hits[i + 1] = true;
                    } else if sid.is_quit() {
                        return None;
                    }
                }
            }
            sid = dfa.next_eoi_state(cache, sid).ok()?;
            if sid.is_match() {
                hits[0] = true;
            }
        } else {
            let mut sid = dfa.start_state_forward(cache, &input).ok()?;
            for (i, &b) in bytes.iter().enumerate() {
                sid = dfa.next_state(cache, sid, b).ok()?;
                if sid.is_tagged() {
                    if sid.is_match() {
                        hits[i] = true;
                    } else if sid.is_quit() {
                        return None;
                    }
                }
            }
            sid = dfa.next_eoi_state(cache, sid).ok()?;
            if sid.is_match() {
                hits[bytes.len()] = true;
            }
        }
        crate::cost::count(bytes.len());
        Some(())
    }
}

/// How many times its length in worst-case steps a line may cost one rule's checks at
/// separate positions before one pass over the line is taken instead.
const SCAN_RATIO: usize = 32;

/// A position inside a line and the byte offsets around it the regexes need.
struct Position {
    /// The position itself.
    at: usize,
    /// Start of the character before the position.
    prev: usize,
    /// End of the character after the position.
    next: usize,
    /// Where the text a `beforebreak` may match begins.
    from: usize,
    /// Where the text an `afterbreak` may match ends.
    to: usize,
}

impl Position {
    fn in_line(line: &str, at: usize) -> Position {
        let prev = line[..at].char_indices().next_back().map_or(0, |(i, _)| i);
        let next = at + line[at..].chars().next().map_or(0, char::len_utf8);
        let mut from = at.saturating_sub(REACH);
        while !line.is_char_boundary(from) {
            from += 1;
        }
        let mut to = (at + REACH).min(line.len());
        while !line.is_char_boundary(to) {
            to += 1;
        }
        Position { at, prev, next, from, to }
    }
}

impl SrxRules {
    fn new(rules: Vec<CompiledRule>, memory: usize) -> SrxRules {
        let breaking = rules.iter().enumerate().filter(|(_, r)| r.breaks).map(|(i, _)| i).collect();
        SrxRules { rules, memory, breaking }
    }

    /// The bytes the compiled rules may take, their caches full.
    pub fn memory(&self) -> usize {
        self.memory
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules at all (then nothing ever breaks).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The positions of `line` (between two of its characters) where the first rule
    /// that applies is a break rule, in order.
    ///
    /// Each break rule is found everywhere in one pass per side; where one applies, the
    /// rules before it are asked about those positions only, each by whichever is
    /// cheaper: a check at each position (at most [`REACH`] bytes each way) or one pass
    /// over the line. So a line costs at most its length times twice the number of
    /// rules, in DFA steps, and an ordinary line far less.
    fn breaks(&self, line: &str) -> Vec<usize> {
        let positions: Vec<usize> = line.char_indices().skip(1).map(|(p, _)| p).collect();
        let mut before = Vec::new();
        let mut after = Vec::new();
        // The first break rule that applies at each position, or usize::MAX.
        let mut first = vec![usize::MAX; line.len() + 1];
        for &r in &self.breaking {
            let rule = &self.rules[r];
            let open: Vec<usize> = positions.iter().copied().filter(|&p| first[p] == usize::MAX).collect();
            for p in rule.applies_at(line, &open, &mut before, &mut after) {
                first[p] = r;
            }
        }
        let mut candidates: Vec<usize> = positions.into_iter().filter(|&p| first[p] != usize::MAX).collect();
        for (r, rule) in self.rules.iter().enumerate().filter(|(_, rule)| !rule.breaks) {
            let asked: Vec<usize> = candidates.iter().copied().filter(|&p| first[p] > r).collect();
            if asked.is_empty() {
                continue;
            }
            let kept: std::collections::HashSet<usize> =
                rule.applies_at(line, &asked, &mut before, &mut after).into_iter().collect();
            candidates.retain(|p| !kept.contains(p));
        }
        candidates
    }
}

impl CompiledRule {
    /// Of `positions` (in order), those where the rule applies.
    fn applies_at(
        &self,
        line: &str,
        positions: &[usize],
        before: &mut Vec<bool>,
        after: &mut Vec<bool>,
    ) -> Vec<usize> {
        // One pass costs the line's length in DFA steps, and a start on each line; a
        // check at one position up to 2 × REACH steps, but a real rule's regex usually
        // stops after a few bytes (its literals let the engine skip), so the checks
        // win unless the positions are dense.
        let scan = positions.len().saturating_mul(2 * REACH) > SCAN_RATIO * line.len();
        let answer = |side: &Option<RuleSide>, hits: &mut Vec<bool>| match side {
            None => Answer::Always,
            Some(RuleSide { scan: Some(s), .. }) if scan && s.scan(line, hits).is_some() => Answer::Hits,
            Some(_) => Answer::EachPosition,
        };
        let (before_answer, after_answer) = (answer(&self.before, before), answer(&self.after, after));
        positions
            .iter()
            .copied()
            .filter(|&p| {
                let at = std::cell::OnceCell::new();
                let holds =
                    |answer: &Answer, side: &Option<RuleSide>, hits: &[bool], check: Check| match answer {
                        Answer::Always => true,
                        Answer::Hits => hits[p],
                        Answer::EachPosition => side.as_ref().is_none_or(|side| {
                            check(&side.regex, line, at.get_or_init(|| Position::in_line(line, p)))
                        }),
                    };
                holds(&before_answer, &self.before, before, before_matches)
                    && holds(&after_answer, &self.after, after, after_matches)
            })
            .collect()
    }
}

/// How one side of a rule answers for the positions asked: it has no pattern, a pass
/// over the line marked its hits, or each position is checked.
enum Answer {
    Always,
    Hits,
    EachPosition,
}

/// A check of one side at one position: [`before_matches`] or [`after_matches`].
type Check = fn(&Regex, &str, &Position) -> bool;

/// Whether `re` (a `beforebreak` followed by one character and the end) matches the
/// text before `at`, looking back at most to `at.from`.
fn before_matches(re: &Regex, line: &str, at: &Position) -> bool {
    crate::cost::count(at.next - at.from);
    re.is_match(Input::new(&line[..at.next]).span(at.from..at.next))
}

/// Whether `re` (an anchored afterbreak) matches at `at`, looking at most up to `at.to`.
/// The search is confined to that span but sees the whole line around it, so `$` and
/// `\b` do not take the end of the span for the end of the line: a rule sees
/// [`REACH`] bytes after a position, and costs no more on a long line.
fn after_matches(re: &Regex, line: &str, at: &Position) -> bool {
    debug_assert!(at.prev < at.at || at.at == 0);
    crate::cost::count(at.to - at.prev);
    re.is_match(Input::new(&line[at.prev..]).span(0..at.to - at.prev))
}

impl Segmenter {
    /// `split_line` with SRX rules: a break at every position inside the line where the
    /// rules say so, then the same trimming as the built-in rules.
    pub(super) fn split_srx(&self, srx: &SrxRules, line: &str, out: &mut Vec<Range<usize>>) {
        let mut start = 0;
        for pos in srx.breaks(line) {
            self.push_trimmed(line, start..pos, out);
            start = pos;
        }
        self.push_trimmed(line, start..line.len(), out);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use std::fmt::Write as _;
    use std::path::Path;

    use super::java::*;
    use super::read::*;
    use super::write::*;
    use super::*;
    use crate::segment::Rules;

    /// The built-in rules exported as SRX and read back.
    fn exported() -> &'static Segmenter {
        static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();
        SEGMENTER.get_or_init(|| segmenter(&export(&Rules::norwegian()).unwrap(), "nb.srx").unwrap())
    }

    fn split<'a>(segmenter: &Segmenter, line: &'a str) -> Vec<&'a str> {
        let mut ranges = Vec::new();
        segmenter.split_line(line, &mut ranges);
        ranges.into_iter().map(|r| &line[r]).collect()
    }

    #[track_caller]
    fn check_same(line: &str) {
        assert_eq!(
            split(exported(), line),
            split(&Segmenter::default(), line),
            "SRX and built-in differ on {line:?}"
        );
    }

    fn repo_file(rel: &str) -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
    }

    #[test]
    fn exported_rules_segment_like_the_builtin_ones() {
        let lines = repo_file("tests/data/srx/lines.txt");
        assert!(lines.lines().count() >= 40);
        for line in lines.lines() {
            check_same(line);
        }
        for name in ["fjordkraft-irene-fauskanger.txt", "lyse-dialog-trine-vestre-oen.txt"] {
            let text = repo_file(&format!("corpus/{name}"));
            for line in crate::document::lines(&text) {
                check_same(&text[line]);
            }
        }
    }

    /// A word, number, abbreviation or punctuation of Norwegian prose, or an opening
    /// quote that is never closed: the things the rules look at.
    fn leaf() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "hei",
            "Hei",
            "😅",
            "❤️",
            "iPad",
            "kundene",
            "Oslo",
            "år",
            "Ærlig",
            "østlandet",
            "NRK",
            "J",
            "K",
            "B",
            "mai",
            "Mai",
            "januar",
            "Jan",
            "jan",
            "MARS",
            "17",
            "2017",
            "3,5",
            "10.00",
            "www.tolk.no",
            "bl.a",
            "f.eks",
            "kr",
            "osv",
            "m.m",
            "M.M",
            "Dr",
            "dr",
            "philos",
            "med",
            "sjefred",
            "Alfred",
            "st",
            "ca",
            "mill",
            "lør",
            "LØR",
            "man",
            "Min",
            "maks",
            "fre",
            "avd",
            "red",
            "Red",
            "Det",
            "DET",
            "Storgt",
            "stortingsrepr",
            "sagt",
            "xgt",
            "Tidligere",
            "I",
            "Å",
            "Ikkje",
            "Per",
            "al",
            "i",
            "og",
            "§",
            ".",
            ".",
            ".",
            ".",
            "!",
            "?",
            "…",
            "...",
            "?!",
            ",",
            ":",
            "-",
            "–",
            "—",
            "'",
            "’",
            "«",
            "(",
            "‘",
            "“",
            "[",
            "[1]",
            "[12]",
            "[1234]",
            "¹",
            "²³",
            "¹²³⁴",
        ])
        .prop_map(str::to_string)
    }

    /// What goes between two pieces.
    fn gap() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", "", " ", " ", " ", "  ", "\u{a0}", "\t", "\u{202f}"])
    }

    /// Pieces joined by gaps; a straight quote only opens after whitespace or another
    /// opening quote, as it does in prose.
    fn join(parts: Vec<(String, &'static str)>) -> String {
        let openers = Rules::norwegian().openers;
        let mut out = String::new();
        for (piece, gap) in parts {
            let after_opener =
                out.chars().last().is_none_or(|c| c.is_whitespace() || (c != '"' && openers.contains(&c)));
            if piece.starts_with('"') && !after_opener {
                out.push(' ');
            }
            out.push_str(&piece);
            out.push_str(gap);
        }
        out
    }

    /// A line of pieces, some of them quoted or bracketed, at most two levels deep.
    fn line() -> impl Strategy<Value = String> {
        let piece = leaf().prop_recursive(2, 24, 6, |inner| {
            let pairs = prop::sample::select(vec![
                ('«', '»'),
                ('(', ')'),
                ('[', ']'),
                ('“', '”'),
                ('"', '"'),
                ('‘', '’'),
            ]);
            (pairs, prop::collection::vec((inner, gap()), 1..6)).prop_map(|((open, close), parts)| {
                let body = join(parts);
                format!("{open}{}{close}", body.trim())
            })
        });
        prop::collection::vec((piece, gap()), 0..14).prop_map(join)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// The exported rules read back cut every line where the built-in rules do.
        #[test]
        fn exported_rules_agree_with_the_builtin_ones(line in line()) {
            prop_assert_eq!(split(exported(), &line), split(&Segmenter::default(), &line), "on {:?}", line);
        }
    }

    #[test]
    fn the_white_space_class_is_char_is_whitespace() {
        let class = Regex::new(&format!("^[{WHITE_SPACE}]$")).unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(class.is_match(&*c.encode_utf8(&mut [0; 4])), c.is_whitespace(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn abbreviations_the_builtin_rules_never_look_up_are_left_out() {
        let rules = Rules::parse("[terminators]\n.\n!\n[openers]\n(\n", "t").unwrap();
        for (abbr, reaches_it) in [
            ("bl.a.", true),
            (".", true),
            ("x\u{bb}.", true),
            ("f. eks.", false),
            ("(red.", false),
            ("osv", false),
            ("hm!.", false),
        ] {
            assert_eq!(reaches(abbr, &rules), reaches_it, "{abbr}");
        }
    }

    #[test]
    fn literals_escape_regex_syntax_and_fold_non_ascii_letters() {
        assert_eq!(literal("bl.a.", true), r"bl\.a\.");
        assert_eq!(literal("lør.", true), r"l[øØ]r\.");
        assert_eq!(literal("lør.", false), r"lør\.");
        assert_eq!(literal("(a)", false), r"\(a\)");
        // `İs.` lowercased is `i̇s.`: the export matches either form.
        assert_eq!(literal("i\u{307}s.", true), "(?:i\u{307}|\u{130})s\\.");
        assert_eq!(class_body(&['-', ']', '^', '«']), r"\-\]\^«");
    }

    #[track_caller]
    fn translated(java: &str) -> String {
        translate(java).unwrap_or_else(|e| panic!("{java}: {e}"))
    }

    #[test]
    fn java_syntax_is_translated_where_it_differs() {
        assert_eq!(translated(r"\bDr\.\s\p{Lu}[a-z&&[^q]]{1,3}"), r"\bDr\.\s\p{Lu}[a-z&&[^q]]{1,3}");
        assert_eq!(translated(r"\Q(a.b)\E+"), r"\(a\.b\)+");
        assert_eq!(translated(r"\Qa.b"), r"a\.b");
        assert_eq!(translated(r"\Q<a-b>\E"), r"<a\-b>");
        assert_eq!(translated(r"x\h[\h.]"), format!("x[{JAVA_H}][{JAVA_H}.]"));
        assert_eq!(translated(r"\<tag\>\Z"), r"<tag>\z");
        assert_eq!(translated(r"(?iu)a(?U)b(?d:c)(?-u:d)(?x)e # note"), "(?i)ab(?:c)(?:d)(?x)e # note\n");
        assert_eq!(translated(r"(?<name>x)(?:y)[(?=]\(?=z"), r"(?<name>x)(?:y)[(?=]\(?=z");
        assert_eq!(translated(r"[]a]+?"), r"[]a]+?");
    }

    #[test]
    fn what_the_regex_crate_cannot_do_is_refused_by_name() {
        for (java, what) in [
            (r"\s(?=\p{Lu})", "a look-ahead `(?=`"),
            (r"\s(?!\p{Ll})", "a negative look-ahead `(?!`"),
            (r"(?<=\s)Dr\.", "a look-behind `(?<=`"),
            (r"(?<!\w)Dr\.", "a negative look-behind `(?<!`"),
            (r"(?>a+)", "an atomic group `(?>`"),
            (r"(a)\1", "the backreference `\\1`"),
            (r"(?<x>a)\k<x>", "a named backreference"),
            (r"a*+", "the possessive quantifier `*+`"),
            (r"a{2}+", "the possessive quantifier `}+`"),
            (r"\Gx", "`\\G`"),
        ] {
            let err = translate(java).unwrap_err();
            assert!(err.starts_with(&format!("uses {what}")), "{java}: {err}");
            assert!(err.ends_with("which tolk cannot apply; rewrite the rule without it"), "{err}");
        }
        assert_eq!(translate("a\\"), Err("ends in a lone backslash".to_string()));
    }

    /// An SRX document with one `languagerule` per `(name, rules)` and the given maps.
    fn srx(cascade: &str, language_rules: &[(&str, &str)], maps: &[(&str, &str)]) -> String {
        let mut out = format!(
            "<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\">\n\
             <header segmentsubflows=\"yes\" cascade=\"{cascade}\"/>\n<body>\n<languagerules>\n"
        );
        for (name, rules) in language_rules {
            let _ = writeln!(out, "<languagerule languagerulename=\"{name}\">\n{rules}\n</languagerule>");
        }
        out.push_str("</languagerules>\n<maprules>\n");
        for (pattern, name) in maps {
            let _ = writeln!(out, "<languagemap languagepattern=\"{pattern}\" languagerulename=\"{name}\"/>");
        }
        out.push_str("</maprules>\n</body>\n</srx>\n");
        out
    }

    const BREAK: &str =
        r#"<rule break="yes"><beforebreak>[.?!]+</beforebreak><afterbreak>\s+\p{Lu}</afterbreak></rule>"#;
    const CA: &str =
        r#"<rule break="no"><beforebreak>\bca\.</beforebreak><afterbreak>\s</afterbreak></rule>"#;

    #[track_caller]
    fn segments(srx_text: &str, line: &str) -> Vec<String> {
        let segmenter = segmenter(srx_text, "t.srx").unwrap_or_else(|e| panic!("{e}"));
        split(&segmenter, line).into_iter().map(str::to_string).collect()
    }

    #[test]
    fn the_first_rule_that_applies_decides() {
        let line = "Det var ca. Tjue. Ja.";
        let no_first = format!("{CA}\n{BREAK}");
        let break_first = format!("{BREAK}\n{CA}");
        let maps = [("nb", "N")];
        assert_eq!(segments(&srx("no", &[("N", &no_first)], &maps), line), ["Det var ca. Tjue.", "Ja."]);
        assert_eq!(
            segments(&srx("no", &[("N", &break_first)], &maps), line),
            ["Det var ca.", "Tjue.", "Ja."]
        );
    }

    #[test]
    fn cascade_takes_the_rules_of_every_matching_map_in_order() {
        let rules = [("N", CA), ("Default", BREAK)];
        let maps = [("(nb|no).*", "N"), (".*", "Default")];
        let line = "Det var ca. Tjue. Ja.";
        assert_eq!(segments(&srx("yes", &rules, &maps), line), ["Det var ca. Tjue.", "Ja."]);
        assert_eq!(segments(&srx("no", &rules, &maps), line), ["Det var ca. Tjue. Ja."]);
    }

    #[test]
    fn language_maps_match_nb_then_no_ignoring_case() {
        let rules = [("Bokmål", BREAK), ("Norsk", CA)];
        // `nb` matches first: the rules for `no` are not used.
        let doc = Srx::parse(&srx("no", &rules, &[("NO", "Norsk"), ("NB-?.*", "Bokmål")]), "t.srx").unwrap();
        assert_eq!(doc.norwegian().unwrap().len(), 1);
        assert!(doc.for_language("nb").unwrap().is_some());
        assert!(doc.for_language("en").unwrap().is_none());
        // Only `no`: its rules.
        let doc = Srx::parse(&srx("no", &rules, &[("no", "Norsk")]), "t.srx").unwrap();
        assert_eq!(segments(&srx("no", &rules, &[("no", "Norsk")]), "Ja. Nei."), ["Ja. Nei."]);
        assert_eq!(doc.norwegian().unwrap().len(), 1);
    }

    #[test]
    fn rules_of_other_languages_are_not_compiled() {
        let look_ahead = r#"<rule><beforebreak>\.</beforebreak><afterbreak>(?=\s)</afterbreak></rule>"#;
        let text = srx("yes", &[("N", BREAK), ("E", look_ahead)], &[("nb", "N"), ("en", "E")]);
        assert_eq!(segments(&text, "Ja. Nei."), ["Ja.", "Nei."]);
    }

    #[test]
    fn compiled_rules_stay_within_their_budget() {
        let builtin = Srx::parse(&export(&Rules::norwegian()).unwrap(), "nb.srx")
            .unwrap()
            .norwegian()
            .unwrap()
            .memory();
        println!("the built-in rules compile to {:.1} MiB", builtin as f64 / (1 << 20) as f64);
        assert!(builtin > 0 && builtin < read::RULES_BUDGET / 2, "{builtin}");
        // One rule that alone compiles to tens of MiB.
        let huge = r#"<rule><beforebreak>(?:\w{200})</beforebreak><afterbreak>\s</afterbreak></rule>"#;
        let err = segmenter(&srx("no", &[("N", huge)], &[("nb", "N")]), "t.srx").unwrap_err().to_string();
        assert_eq!(
            err,
            "t.srx: line 6: languagerule \"N\", rule 1: beforebreak `(?:\\w{200})` compiles to more than the \
             1 MiB one rule may take; a counted repetition of a Unicode class (\\w{200}) is the usual cause: \
             write a shorter one"
        );
        // Many rules each within the limit, together beyond the budget: refused at the
        // first rule that does not fit, before more is compiled.
        let big = r#"<rule><beforebreak>(?:\w{12})</beforebreak><afterbreak>\s</afterbreak></rule>"#;
        let many = vec![big; 300].join("\n");
        let err = segmenter(&srx("no", &[("N", &many)], &[("nb", "N")]), "t.srx").unwrap_err().to_string();
        assert!(
            err.contains("does not fit in what is left of the 128 MiB the rules of one language may take"),
            "{err}"
        );
    }

    /// An abbreviation with `İ` (a Turkish name, say) holds where the rule file holds.
    #[test]
    fn an_abbreviation_with_a_dotted_capital_i_is_exported_alike() {
        let mut rules = Rules::norwegian();
        rules.abbreviations.insert("i\u{307}s.".into());
        let srx_text = export(&rules).unwrap();
        let exported = segmenter(&srx_text, "t.srx").unwrap();
        let builtin = Segmenter::new(rules);
        for line in ["Vi så İs. Dette er neste.", "Vi så i\u{307}s. Dette er neste."] {
            assert_eq!(split(&exported, line), split(&builtin, line), "{line}");
            assert_eq!(split(&builtin, line).len(), 1, "{line}");
        }
    }

    /// Rules whose regexes could run far from a position, on a line where every
    /// position is a candidate: each rule costs a pass over the line, not a window at
    /// every position (which took minutes on a 1 MiB line).
    #[test]
    fn a_line_costs_its_length_times_its_rules() {
        let rules: String = ('一'..='丗')
            .map(|c| {
                format!(
                    "<rule break=\"yes\"><beforebreak>a</beforebreak><afterbreak>a*{c}</afterbreak></rule>\n"
                )
            })
            .chain(('丘'..='丫').map(|c| {
                format!(
                    "<rule break=\"no\"><beforebreak>a</beforebreak><afterbreak>a*{c}</afterbreak></rule>\n"
                )
            }))
            .collect::<String>()
            + "<rule break=\"yes\"><beforebreak>a</beforebreak><afterbreak>a</afterbreak></rule>";
        let segmenter = segmenter(&srx("no", &[("N", &rules)], &[("nb", "N")]), "t.srx").unwrap();
        let count = rules.matches("<rule ").count() as u64;
        let line = "a".repeat(100_000);
        let before = crate::cost::spent();
        let got = split(&segmenter, &line);
        let spent = crate::cost::spent() - before;
        assert_eq!(got.len(), line.len());
        assert!(spent <= 2 * count * (line.len() as u64 + 1), "{spent} units for {count} rules");
    }

    #[test]
    fn errors_name_the_file_line_and_rule() {
        let look_ahead = r#"<rule><beforebreak>\.</beforebreak><afterbreak>(?=\s)</afterbreak></rule>"#;
        let text = srx("no", &[("N", &format!("{BREAK}\n{look_ahead}"))], &[("nb.*", "N")]);
        let err = segmenter(&text, "t.srx").unwrap_err().to_string();
        assert_eq!(
            err,
            "t.srx: line 7: languagerule \"N\", rule 2: afterbreak `(?=\\s)` uses a look-ahead `(?=`, which \
             tolk cannot apply; rewrite the rule without it"
        );
        let bad = r#"<rule><beforebreak>[a-</beforebreak></rule>"#;
        let err = segmenter(&srx("no", &[("N", bad)], &[("nb", "N")]), "t.srx").unwrap_err().to_string();
        assert!(
            err.starts_with("t.srx: line 6: languagerule \"N\", rule 1: beforebreak `[a-` is not a regex"),
            "{err}"
        );
        let err = segmenter(&srx("no", &[("N", BREAK)], &[("en", "N")]), "t.srx").unwrap_err().to_string();
        assert!(err.starts_with("t.srx: no languagemap matches Norwegian (nb or no)"), "{err}");
        let err = segmenter(&srx("no", &[("N", BREAK)], &[("nb", "X")]), "t.srx").unwrap_err().to_string();
        assert_eq!(err, "t.srx: line 10: languagemap names languagerule \"X\", which the file lacks");
        let err = segmenter(&srx("no", &[("N", BREAK)], &[("(nb", "N")]), "t.srx").unwrap_err().to_string();
        assert!(
            err.starts_with("t.srx: line 10: languagemap 1: languagepattern `(nb` is not a regex"),
            "{err}"
        );
        let err = segmenter(&srx("maybe", &[], &[]), "t.srx").unwrap_err().to_string();
        assert_eq!(err, "t.srx: line 2: expected yes or no, found \"maybe\"");
        let err = segmenter("<rules/>", "t.srx").unwrap_err().to_string();
        assert_eq!(err, "t.srx: line 1: expected an SRX document (<srx>), found <rules>");
        let err = segmenter("", "t.srx").unwrap_err().to_string();
        assert_eq!(err, "t.srx: line 1: expected an SRX document (<srx>), found no element");
        let err = segmenter("<srx>\n<body>\n</srx>", "t.srx").unwrap_err().to_string();
        assert!(err.starts_with("t.srx: line 3: not well-formed XML"), "{err}");
    }

    /// The one XML policy of every reader: a DOCTYPE with entities, an undefined entity
    /// anywhere, a forbidden character and deep nesting are refused in the same words.
    #[test]
    fn the_xml_policy_of_every_reader_holds_for_srx() {
        let err = |text: &str| segmenter(text, "t.srx").unwrap_err().to_string();
        let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE srx [<!ENTITY a \"aaaa\">]>\n<srx/>";
        assert!(err(laughs).starts_with("t.srx: line 2: the DOCTYPE declares entities"), "{}", err(laughs));
        let plain = srx("no", &[("N", BREAK)], &[("nb", "N")]).replacen(
            "<srx",
            "<!DOCTYPE srx SYSTEM \"srx.dtd\">\n<srx",
            1,
        );
        assert_eq!(segments(&plain, "Ja. Nei."), ["Ja.", "Nei."]);
        let undefined = "<srx>\n<header/>&nbsp;</srx>";
        assert!(err(undefined).starts_with("t.srx: line 2: undefined entity `&nbsp;`"), "{}", err(undefined));
        assert_eq!(err("<srx>\n&#1;</srx>"), "t.srx: line 2: a character XML does not allow (U+0001)");
        let attribute = "<srx>\n<header x=\"&bogus;\"/></srx>";
        assert!(
            err(attribute).starts_with("t.srx: line 2: undefined entity `&bogus;`"),
            "{}",
            err(attribute)
        );
        assert_eq!(
            err("<srx>\n<header x=\"&#1;\"/></srx>"),
            "t.srx: line 2: a character XML does not allow (U+0001)"
        );
        let deep = format!("<srx>{}{}</srx>", "<a>".repeat(70), "</a>".repeat(70));
        assert!(err(&deep).contains("nested deeper than 64 levels; SRX needs five"), "{}", err(&deep));
    }

    #[test]
    fn patterns_are_read_with_entities_cdata_and_namespace_prefixes() {
        let text = r#"<?xml version="1.0"?>
<s:srx xmlns:s="http://www.lisa.org/srx20" version="2.0"><s:header cascade="no"/><s:body>
<s:languagerules><s:languagerule languagerulename="N">
<s:rule break="no"><s:beforebreak><![CDATA[\bDr\.]]></s:beforebreak><s:afterbreak>\s</s:afterbreak></s:rule>
<s:rule><s:beforebreak>[.?!&amp;&#x2026;]+</s:beforebreak><s:afterbreak>\s&lt;?\p{Lu}</s:afterbreak></s:rule>
</s:languagerule></s:languagerules>
<s:maprules><s:languagemap languagepattern="n[bo]" languagerulename="N"/></s:maprules></s:body></s:srx>"#;
        assert_eq!(segments(text, "Hei Dr. Nilsen… Ja&? <Nei."), ["Hei Dr. Nilsen…", "Ja&?", "<Nei."]);
    }

    #[test]
    fn a_rule_without_patterns_applies_everywhere() {
        let everywhere = r#"<rule break="yes"/>"#;
        assert_eq!(segments(&srx("no", &[("N", everywhere)], &[("nb", "N")]), "ab c"), ["a", "b", "c"]);
        assert_eq!(segments(&srx("no", &[("N", "")], &[("nb", "N")]), "Ja. Nei."), ["Ja. Nei."]);
    }

    #[test]
    fn srx_segments_are_trimmed_of_layout_like_the_builtin_ones() {
        let any_space = r#"<rule><beforebreak>[.?!]+</beforebreak><afterbreak>\s</afterbreak></rule>"#;
        let line = "\u{feff}– Hei!\u{a0}– Ja. ";
        assert_eq!(segments(&srx("no", &[("N", any_space)], &[("nb", "N")]), line), ["Hei!", "Ja."]);
    }

    #[test]
    fn is_srx_goes_by_extension_or_a_leading_tag() {
        assert!(is_srx(Path::new("nb.SRX"), ""));
        assert!(is_srx(Path::new("regler.xml"), "\u{feff}\n  <?xml version=\"1.0\"?>"));
        assert!(!is_srx(Path::new("nb.rules"), "[abbreviations]\n"));
    }

    #[test]
    fn lines_longer_than_the_reach_are_cut_the_same() {
        // Far longer than the reach of a rule: still cut at every sentence.
        let line = "Dette er en setning, f.eks. med «et sitat. Og mer.» Her er en til! ".repeat(200);
        assert!(line.len() > 3 * REACH);
        let got = split(exported(), &line);
        assert_eq!(got.len(), 600);
        assert_eq!(got, split(&Segmenter::default(), &line));
    }
}
