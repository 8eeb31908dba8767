//! Reading an SRX document: its language rules and maps, with the patterns in the
//! file's own syntax, and compiling the rules for Norwegian into [`super::SrxRules`].

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use regex_automata::meta::{Config, Regex};

use super::java::translate;
use super::{CompiledRule, LineScan, RuleSide, SrxRules, LANGUAGES, LANGUAGE_PATTERN};
use crate::error::{Error, Place, Result};
use crate::input::xml;
use crate::segment::Segmenter;

/// Whether `--rules` names an SRX file rather than a tolk rule file: by its `.srx`
/// extension, or by content that starts like XML.
pub fn is_srx(path: &Path, text: &str) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("srx"))
        || text.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace()).starts_with('<')
}

/// A segmenter for Norwegian from the SRX document `text`; `origin` names it in errors.
pub fn segmenter(text: &str, origin: &str) -> Result<Segmenter> {
    Ok(Segmenter::with_srx(Srx::parse(text, origin)?.norwegian()?))
}

/// An SRX document as written: its language rules and language maps, with the patterns
/// still in the file's own syntax.
#[derive(Debug, Clone)]
pub struct Srx {
    /// The file, for errors.
    origin: String,
    /// `cascade="yes"`: the rules of every matching `languagemap`, not only the first.
    pub cascade: bool,
    /// The `languagerule`s, in file order.
    pub language_rules: Vec<LanguageRule>,
    /// The `languagemap`s, in file order.
    pub language_maps: Vec<LanguageMap>,
}

/// A named list of rules.
#[derive(Debug, Clone)]
pub struct LanguageRule {
    /// `languagerulename`.
    pub name: String,
    /// The rules, in order.
    pub rules: Vec<SrxRule>,
}

/// One `rule`: break or not where both regexes match.
#[derive(Debug, Clone)]
pub struct SrxRule {
    /// `break="yes"` (the default) or `"no"`.
    pub breaks: bool,
    /// The `beforebreak` regex, empty when absent (it then matches everywhere).
    pub before: String,
    /// The `afterbreak` regex, empty when absent.
    pub after: String,
    /// 1-based line of the `<rule>` element.
    pub line: usize,
}

/// One `languagemap`: languages matching `pattern` use the rules named `rule_name`.
#[derive(Debug, Clone)]
pub struct LanguageMap {
    /// `languagepattern`, a regex matched against the whole language code, ignoring case.
    pub pattern: String,
    /// `languagerulename`.
    pub rule_name: String,
    /// 1-based line of the `<languagemap>` element.
    pub line: usize,
}

/// Which pattern of a rule is being read.
#[derive(Clone, Copy)]
pub(super) enum Side {
    Before,
    After,
}

impl Srx {
    /// Reads an SRX document (2.0, or 1.0 which has the same elements); `origin` names
    /// it in errors, which give the line.
    pub fn parse(text: &str, origin: &str) -> Result<Srx> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let err = |at: u64, message: String| Error::at(origin, Place::line(line_at(text, at)), message);
        let mut srx = Srx {
            origin: origin.to_string(),
            cascade: false,
            language_rules: Vec::new(),
            language_maps: Vec::new(),
        };
        let mut reader = Reader::from_str(text);
        let mut root = false;
        let mut language_rule: Option<LanguageRule> = None;
        let mut rule: Option<SrxRule> = None;
        let mut side: Option<Side> = None;
        let mut policy = xml::Policy::new("SRX needs five");
        loop {
            let at = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| err(reader.error_position(), format!("not well-formed XML: {e}")))?;
            policy.check(&event).map_err(|why| err(at, why))?;
            let (start, empty) = match &event {
                Event::Start(e) => (Some(e), false),
                Event::Empty(e) => (Some(e), true),
                _ => (None, false),
            };
            if let Some(e) = start {
                // Every attribute is read, so a bad reference anywhere is an error.
                for a in e.attributes() {
                    let a = a.map_err(|e| err(at, format!("not well-formed XML: {e}")))?;
                    let value = a.unescape_value().map_err(|e| match e {
                        quick_xml::Error::Escape(e) => err(at, xml::reference_error(&e).1),
                        e => err(at, format!("not well-formed XML: {e}")),
                    })?;
                    if let Some(c) = value.chars().find(|&c| !xml::is_xml_char(c)) {
                        return Err(err(at, xml::not_allowed(c)));
                    }
                }
                let name = e.local_name();
                let name = String::from_utf8_lossy(name.as_ref()).into_owned();
                if !root {
                    if name != "srx" {
                        return Err(err(at, format!("expected an SRX document (<srx>), found <{name}>")));
                    }
                    root = true;
                }
                let attr = |key: &str| attribute(e, key).map_err(|m| err(at, m));
                match name.as_str() {
                    "header" => srx.cascade = yes_no(attr("cascade")?, false).map_err(|m| err(at, m))?,
                    "languagerule" => {
                        let name = attr("languagerulename")?
                            .ok_or_else(|| err(at, "<languagerule> without languagerulename".to_string()))?;
                        if srx.language_rules.iter().any(|r| r.name == name) {
                            return Err(err(at, format!("a second languagerule named {name:?}")));
                        }
                        let new = LanguageRule { name, rules: Vec::new() };
                        if empty {
                            srx.language_rules.push(new);
                        } else {
                            language_rule = Some(new);
                        }
                    }
                    "rule" => {
                        if language_rule.is_none() {
                            return Err(err(at, "<rule> outside a <languagerule>".to_string()));
                        }
                        let breaks = yes_no(attr("break")?, true).map_err(|m| err(at, m))?;
                        let new = SrxRule {
                            breaks,
                            before: String::new(),
                            after: String::new(),
                            line: line_at(text, at),
                        };
                        match (empty, &mut language_rule) {
                            (true, Some(lr)) => lr.rules.push(new),
                            _ => rule = Some(new),
                        }
                    }
                    "beforebreak" | "afterbreak" => {
                        if rule.is_none() {
                            return Err(err(at, format!("<{name}> outside a <rule>")));
                        }
                        if !empty {
                            side = Some(if name == "beforebreak" { Side::Before } else { Side::After });
                        }
                    }
                    "languagemap" => {
                        let missing = |key: &str| err(at, format!("<languagemap> without {key}"));
                        let pattern = attr("languagepattern")?.ok_or_else(|| missing("languagepattern"))?;
                        let rule_name =
                            attr("languagerulename")?.ok_or_else(|| missing("languagerulename"))?;
                        srx.language_maps.push(LanguageMap { pattern, rule_name, line: line_at(text, at) });
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::End(e) => match e.local_name().as_ref() {
                    b"beforebreak" | b"afterbreak" => side = None,
                    b"rule" => {
                        if let (Some(r), Some(lr)) = (rule.take(), &mut language_rule) {
                            lr.rules.push(r);
                        }
                    }
                    b"languagerule" => srx.language_rules.extend(language_rule.take()),
                    _ => {}
                },
                Event::Text(t) => {
                    // Text that is not kept is still read, so a bad reference anywhere is an error.
                    let raw = String::from_utf8_lossy(&t).into_owned();
                    let t = match quick_xml::escape::unescape(&raw) {
                        Ok(t) => t,
                        Err(e) => {
                            let (offset, message) = xml::reference_error(&e);
                            return Err(err(at + offset.unwrap_or(0) as u64, message));
                        }
                    };
                    if let Some(c) = t.chars().find(|&c| !xml::is_xml_char(c)) {
                        let offset = xml::forbidden_reference(&raw).map_or(0, |(offset, _)| offset);
                        return Err(err(at + offset as u64, xml::not_allowed(c)));
                    }
                    if let (Some(side), Some(rule)) = (side, &mut rule) {
                        rule.pattern_mut(side).push_str(&t);
                    }
                }
                Event::CData(t) => {
                    if let (Some(side), Some(rule)) = (side, &mut rule) {
                        let t = t.decode().map_err(|e| err(at, format!("not well-formed XML: {e}")))?;
                        rule.pattern_mut(side).push_str(&t);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !root {
            return Err(err(0, "expected an SRX document (<srx>), found no element".to_string()));
        }
        for map in &srx.language_maps {
            if !srx.language_rules.iter().any(|r| r.name == map.rule_name) {
                return Err(Error::At {
                    path: origin.into(),
                    place: Place::line(map.line),
                    message: format!(
                        "languagemap names languagerule {:?}, which the file lacks",
                        map.rule_name
                    ),
                });
            }
        }
        Ok(srx)
    }

    /// The compiled rules for Norwegian: those of the `languagemap`s matching `nb`, or
    /// failing any, `no`.
    pub fn norwegian(&self) -> Result<SrxRules> {
        for language in LANGUAGES {
            if let Some(rules) = self.for_language(language)? {
                return Ok(rules);
            }
        }
        Err(Error::at(
            &self.origin,
            Place::File,
            format!(
                "no languagemap matches Norwegian (nb or no), so it has no rules for tolk's documents; add \
                 <languagemap languagepattern=\"{LANGUAGE_PATTERN}\" languagerulename=\"...\"/> to its <maprules>"
            ),
        ))
    }

    /// The compiled rules for `language`, `None` when no `languagemap` matches it. With
    /// `cascade`, the rules of every matching map follow each other in map order;
    /// without, only the first matching map counts.
    pub fn for_language(&self, language: &str) -> Result<Option<SrxRules>> {
        let mut chosen: Vec<&LanguageRule> = Vec::new();
        let mut matched = false;
        for (n, map) in self.language_maps.iter().enumerate() {
            let pattern = translate(&map.pattern)
                .and_then(|p| compile(&format!("(?i)^(?:{p})$"), &mut Budget::default()))
                .map_err(|why| {
                    Error::at(
                        &self.origin,
                        Place::line(map.line),
                        format!("languagemap {}: languagepattern `{}` {why}", n + 1, map.pattern),
                    )
                })?;
            if !pattern.is_match(language) {
                continue;
            }
            matched = true;
            chosen.extend(self.language_rules.iter().find(|r| r.name == map.rule_name));
            if !self.cascade {
                break;
            }
        }
        // The break rules' one-pass DFAs share BREAK_SCAN_CACHES between them.
        let break_sides: usize = chosen
            .iter()
            .flat_map(|lr| &lr.rules)
            .filter(|r| r.breaks)
            .map(|r| 2 - usize::from(r.before.is_empty()) - usize::from(r.after.is_empty()))
            .sum();
        let mut budget = Budget {
            used: 0,
            break_cache: (BREAK_SCAN_CACHES / break_sides.max(1)).clamp(RULE_CACHE, BREAK_SCAN_CACHE),
        };
        let mut rules = Vec::new();
        for lr in chosen {
            for (i, rule) in lr.rules.iter().enumerate() {
                rules.push(self.compile_rule(lr, i + 1, rule, &mut budget)?);
            }
        }
        Ok(matched.then(|| SrxRules::new(rules, budget.used)))
    }

    fn compile_rule(
        &self,
        lr: &LanguageRule,
        n: usize,
        rule: &SrxRule,
        budget: &mut Budget,
    ) -> Result<CompiledRule> {
        let mut side = |which: &str, pattern: &str, reverse: bool| -> Result<Option<RuleSide>> {
            if pattern.is_empty() {
                return Ok(None);
            }
            let built = translate(pattern).and_then(|p| {
                // The check at one position is given the text up to and including the
                // character after it (a beforebreak), or from the character before it
                // (an afterbreak), so that `\b` or `$` at the edge see what is there.
                let wrapped = if reverse { format!("^(?s:.)(?:{p})") } else { format!("(?:{p})(?s:.)$") };
                let regex = compile(&wrapped, budget)?;
                let scan = scan(&format!("(?:{p})"), reverse, rule.breaks, budget)?;
                Ok(RuleSide { regex, scan })
            });
            built.map(Some).map_err(|why| {
                Error::at(
                    &self.origin,
                    Place::line(rule.line),
                    format!("languagerule {:?}, rule {n}: {which} `{pattern}` {why}", lr.name),
                )
            })
        };
        Ok(CompiledRule {
            breaks: rule.breaks,
            before: side("beforebreak", &rule.before, false)?,
            after: side("afterbreak", &rule.after, true)?,
        })
    }
}

impl SrxRule {
    fn pattern_mut(&mut self, side: Side) -> &mut String {
        match side {
            Side::Before => &mut self.before,
            Side::After => &mut self.after,
        }
    }
}

/// The value of attribute `key`, unescaped.
pub(super) fn attribute(e: &BytesStart, key: &str) -> std::result::Result<Option<String>, String> {
    match e.try_get_attribute(key) {
        Ok(Some(a)) => {
            a.unescape_value().map(|v| Some(v.into_owned())).map_err(|e| format!("attribute {key}: {e}"))
        }
        Ok(None) => Ok(None),
        Err(e) => Err(format!("not well-formed XML: {e}")),
    }
}

/// A `yes`/`no` attribute, `default` when absent.
pub(super) fn yes_no(value: Option<String>, default: bool) -> std::result::Result<bool, String> {
    match value.as_deref().map(str::trim) {
        None => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("yes") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("no") => Ok(false),
        Some(v) => Err(format!("expected yes or no, found {v:?}")),
    }
}

/// The 1-based line of byte offset `at` in `text`.
pub(super) fn line_at(text: &str, at: u64) -> usize {
    crate::input::line_of(text.as_bytes(), usize::try_from(at).unwrap_or(usize::MAX))
}

/// The memory the compiled automata of all the rules of one language may take, with
/// what their caches are charged. The built-in rules (about 200, each with two regexes,
/// and a one-pass DFA beside each) take about 43 MiB, 32 of them the break rules'
/// caches; an SRX file with a few thousand abbreviation rules fits.
pub(super) const RULES_BUDGET: usize = 128 << 20;

/// The most one rule's automata may take, whatever is left of the budget: far more
/// than any real rule needs, and small enough that the lazy DFA (below) can run it,
/// rather than a slower engine whose every step walks the whole automaton.
const RULE_LIMIT: usize = 1 << 20;

/// The most one rule's lazy DFA caches. A cache grows only as the rule meets new text,
/// so most rules use a few KiB of it; it is charged to the budget as [`CACHE_CHARGE`].
const RULE_CACHE: usize = 256 << 10;

/// The most cache one break rule's one-pass DFA gets, and what it is charged.
const BREAK_SCAN_CACHE: usize = 4 << 20;

/// The caches of all the break rules' one-pass DFAs together: a few break rules get
/// [`BREAK_SCAN_CACHE`] each, many share this (down to [`RULE_CACHE`] each).
const BREAK_SCAN_CACHES: usize = 32 << 20;

/// What each regex is charged for its cache, beyond its automata.
const CACHE_CHARGE: usize = 8 << 10;

/// What the rules compiled so far take of [`RULES_BUDGET`].
#[derive(Debug)]
pub(super) struct Budget {
    used: usize,
    /// The cache of each break rule's one-pass DFA.
    break_cache: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget { used: 0, break_cache: BREAK_SCAN_CACHE }
    }
}

/// Why a rule does not fit: the budget is spent (`spent`, with `used` bytes taken by
/// the rules before it), or the rule alone is beyond [`RULE_LIMIT`].
fn too_big(spent: bool, used: usize) -> String {
    if spent {
        format!(
            "does not fit in what is left of the {} MiB the rules of one language may take; the rules before it \
             take {} MiB: use fewer or simpler rules",
            RULES_BUDGET >> 20,
            used >> 20
        )
    } else {
        format!(
            "compiles to more than the {} MiB one rule may take; a counted repetition of a Unicode class \
             (\\w{{200}}) is the usual cause: write a shorter one",
            RULE_LIMIT >> 20
        )
    }
}

/// Whether building failed for the size limit. regex-automata names that cause only in
/// its error's kind, which it shows in the debug form (`ExceededSizeLimit`).
fn exceeds_size_limit(e: &regex_automata::hybrid::BuildError) -> bool {
    format!("{e:?}").contains("SizeLimit")
}

/// The one-pass lazy DFA of `pattern` within what is left of `budget`, charged to it;
/// `None` when the DFA cannot be built (the checks at each position then do). A break
/// rule's passes run on every line, so they get a cache that holds the states of a
/// rich Unicode class (up to [`BREAK_SCAN_CACHE`], charged in full: a smaller one is
/// cleared and refilled so often that segmenting gets ten times slower); the other
/// rules' run only on lines dense with break positions ([`RULE_CACHE`]).
fn scan(
    pattern: &str,
    reverse: bool,
    breaks: bool,
    budget: &mut Budget,
) -> std::result::Result<Option<std::sync::Arc<LineScan>>, String> {
    let (cache, charge) =
        if breaks { (budget.break_cache, budget.break_cache) } else { (RULE_CACHE, CACHE_CHARGE) };
    let left = RULES_BUDGET.saturating_sub(budget.used + charge);
    let scan = match LineScan::build(pattern, reverse, left.min(RULE_LIMIT), cache) {
        Ok(scan) => scan,
        // The one error a smaller automaton would avoid; any other (a construct the
        // lazy DFA lacks) leaves the checks at each position to do the work.
        Err(e) if !exceeds_size_limit(&e) => return Ok(None),
        Err(_) => return Err(too_big(left.min(RULE_LIMIT) < RULE_LIMIT, budget.used)),
    };
    let size = scan.memory_usage() + charge;
    if budget.used + size > RULES_BUDGET {
        return Err(too_big(true, budget.used));
    }
    budget.used += size;
    Ok(Some(std::sync::Arc::new(scan)))
}

/// Compiles `pattern` (in the `regex` crate's syntax) within what is left of `budget`,
/// and charges the budget for it.
pub(super) fn compile(pattern: &str, budget: &mut Budget) -> std::result::Result<Regex, String> {
    let left = RULES_BUDGET.saturating_sub(budget.used + CACHE_CHARGE);
    let limit = left.min(RULE_LIMIT);
    let config = Config::new().nfa_size_limit(Some(limit)).hybrid_cache_capacity(RULE_CACHE);
    let too_big = || too_big(limit < RULE_LIMIT, budget.used);
    let regex = Regex::builder().configure(config).build(pattern).map_err(|e| {
        if e.size_limit().is_some() {
            return too_big();
        }
        let detail = e.to_string();
        let detail = match std::error::Error::source(&e) {
            Some(source) => source.to_string(),
            None => detail,
        };
        let last = detail.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        format!("is not a regex tolk can read: {}", last.trim().trim_start_matches("error: "))
    })?;
    let size = regex.memory_usage() + CACHE_CHARGE;
    if budget.used + size > RULES_BUDGET {
        return Err(too_big());
    }
    budget.used += size;
    Ok(regex)
}
