//! SRX 2.0, the segmentation rule exchange format of OmegaT, Okapi and Trados: tolk's
//! rules written out as SRX ([`export`]), and an SRX file read into rules a
//! [`Segmenter`] applies ([`Srx::parse`], [`Srx::norwegian`], [`segmenter`]).
//!
//! An SRX rule applies at a position in a line when its `beforebreak` regex matches the
//! text ending there and its `afterbreak` regex the text starting there; the first rule
//! that applies decides whether the line breaks (`break="yes"`) or not, and where none
//! applies it does not. The export writes the documented behaviour of the built-in
//! segmenter in that model, generated from the parsed [`Rules`] so that a house rule file
//! exports too, and with only what the reader here can apply again: general categories
//! (`\p{Lu}`), `\uXXXX` escapes, classes, quantifiers and `(?i:...)`, never look-around.
//!
//! Reading translates the Java/ICU syntax SRX uses into the `regex` crate's where the two
//! differ, and refuses with an error naming the rule what the crate cannot do
//! (look-around, backreferences, possessive quantifiers, atomic groups): a rule is never
//! silently dropped. Formatting codes (`formathandle`) are read past, since tolk
//! segments plain text. This module does not decide where Norwegian sentences end (the
//! rules do) and never reads files.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use regex::Regex;

use super::{Rules, Segmenter};
use crate::error::{Error, Result};
use crate::input::xml;

/// The `languagerulename` of the exported rules.
pub const LANGUAGE_RULE: &str = "Norwegian Bokmål";

/// The `languagepattern` mapping Norwegian language codes to [`LANGUAGE_RULE`].
pub const LANGUAGE_PATTERN: &str = "(nb|no|nn|nob).*";

/// The language codes tolk segments, in the order their `languagemap`s are looked up.
const LANGUAGES: [&str; 2] = ["nb", "no"];

/// Unicode white space (exactly what `char::is_whitespace` accepts) as the body of a
/// character class that Java, ICU, .NET and the `regex` crate all read alike. Java's
/// `\s` alone is ASCII only, and a no-break space after a full stop is common.
const WHITE_SPACE: &str = r"\s\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// Java's `\h` (horizontal white space) as a class body.
const JAVA_H: &str = r"\x20\t\u00A0\u1680\u180E\u2000-\u200A\u202F\u205F\u3000";

/// Java's `\v` (vertical white space) as a class body.
const JAVA_V: &str = r"\n\x0B\x0C\r\u0085\u2028\u2029";

/// How many bytes before and after a position the `beforebreak` and `afterbreak`
/// regexes are given, so that a rule costs the same on a 100 kB line as on a short one.
/// Far more than any rule of the built-in rules looks at (a word and what follows it).
const REACH: usize = 4 * 1024;

// ---------------------------------------------------------------------------------
// Export

/// The rules as an SRX 2.0 document, for OmegaT, Okapi or Trados.
///
/// One `languagerule` ([`LANGUAGE_RULE`]) holds, in order: a break before opening
/// quotes that end the line; no break after each abbreviation; the final abbreviations
/// (no break before a number, a break before a capital); a break after initials before
/// a dash or a sentence-starting word, and otherwise none; no break after an ordinal
/// before a month name; and a break after terminators followed by whitespace and
/// something that starts a sentence.
pub fn export(rules: &Rules) -> String {
    let mut out = Xml::default();
    out.line(0, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.line(0, "<!--");
    for line in [
        "Segmentation rules of tolk for Norwegian Bokmål, written by `tolk rules export`.",
        "Edit the .rules file they come from and export again rather than this file.",
        "A rule applies where its beforebreak matches the text ending at a position and its",
        "afterbreak the text starting there; the first rule that applies decides.",
    ] {
        out.line(2, line);
    }
    out.line(0, "-->");
    out.line(0, r#"<srx xmlns="http://www.lisa.org/srx20" version="2.0">"#);
    out.line(1, r#"<header segmentsubflows="yes" cascade="yes">"#);
    out.line(2, r#"<formathandle type="start" include="no"/>"#);
    out.line(2, r#"<formathandle type="end" include="yes"/>"#);
    out.line(2, r#"<formathandle type="isolated" include="no"/>"#);
    out.line(1, "</header>");
    out.line(1, "<body>");
    out.line(2, "<languagerules>");
    out.line(3, &format!(r#"<languagerule languagerulename="{}">"#, xml_escape(LANGUAGE_RULE, true)));
    for item in export_rules(rules) {
        match item {
            Item::Comment(text) => out.line(4, &format!("<!-- {text} -->")),
            Item::Rule { breaks, before, after } => {
                out.line(4, &format!(r#"<rule break="{}">"#, if breaks { "yes" } else { "no" }));
                out.line(5, &format!("<beforebreak>{}</beforebreak>", xml_escape(&before, false)));
                out.line(5, &format!("<afterbreak>{}</afterbreak>", xml_escape(&after, false)));
                out.line(4, "</rule>");
            }
        }
    }
    out.line(3, "</languagerule>");
    out.line(2, "</languagerules>");
    out.line(2, "<maprules>");
    out.line(
        3,
        &format!(
            r#"<languagemap languagepattern="{}" languagerulename="{}"/>"#,
            xml_escape(LANGUAGE_PATTERN, true),
            xml_escape(LANGUAGE_RULE, true)
        ),
    );
    out.line(2, "</maprules>");
    out.line(1, "</body>");
    out.line(0, "</srx>");
    out.text
}

/// An indented XML text under construction.
#[derive(Default)]
struct Xml {
    text: String,
}

impl Xml {
    fn line(&mut self, depth: usize, line: &str) {
        let _ = writeln!(self.text, "{:width$}{line}", "", width = depth * 2);
    }
}

/// What goes into the exported `languagerule`, in order.
enum Item {
    Comment(&'static str),
    Rule { breaks: bool, before: String, after: String },
}

/// The rules as SRX rules, in the order the built-in segmenter asks its questions.
fn export_rules(rules: &Rules) -> Vec<Item> {
    let ws = format!("[{WHITE_SPACE}]");
    let terminators = class(&rules.terminators).unwrap_or_else(|| "[.]".to_string());
    let closers = class(&rules.closers).map(|c| c + "*").unwrap_or_default();
    let any_openers = class(&rules.openers).map(|c| c + "*").unwrap_or_default();
    // The run of terminators and closing quotes a sentence ends with.
    let run = format!("{terminators}{closers}");
    // A word as the built-in rules see it: after whitespace, opening quotes removed.
    let word = format!("(?:^|{ws}){any_openers}");
    // A dialogue dash: before whitespace, the end of the line or a capital.
    let dash = class(&rules.dashes).map(|d| format!(r"{d}(?:{ws}|$|\p{{Lu}})")).unwrap_or_default();
    // Whitespace and then something a sentence can start with.
    let starts = {
        let mut alts = Vec::new();
        if let Some(openers) = class(&rules.openers) {
            let not = [rules.openers.as_slice(), rules.terminators.as_slice()].concat();
            alts.push(format!(r"{openers}+[^{}\p{{Ll}}]", class_body(&not)));
        }
        alts.push(r"[\p{Lu}\p{N}]".to_string());
        if !dash.is_empty() {
            alts.push(dash.clone());
        }
        format!("{ws}+(?:{})", alts.join("|"))
    };
    let rule = |breaks: bool, before: String, after: String| Item::Rule { breaks, before, after };

    let mut items = Vec::new();
    if let Some(openers) = class(&rules.openers) {
        items.push(Item::Comment("Opening quotes or brackets that end the line start a sentence."));
        items.push(rule(true, run.clone(), format!("{ws}+{openers}+$")));
    }
    // Only a bare full stop can end an abbreviation, initials or an ordinal.
    if rules.terminators.contains(&'.') {
        let ends_word = |entry: &&String| reaches(entry, rules);
        let mut abbreviations: Vec<&String> = rules.abbreviations.iter().filter(ends_word).collect();
        abbreviations.sort();
        if !abbreviations.is_empty() {
            items.push(Item::Comment("[abbreviations]: never end a sentence."));
        }
        for abbr in abbreviations {
            items.push(rule(false, format!("{word}(?i:{})", literal(abbr, true)), ws.clone()));
        }
        let mut lowercase: Vec<&String> = rules.lowercase_abbreviations.iter().filter(ends_word).collect();
        lowercase.sort();
        if !lowercase.is_empty() {
            items.push(Item::Comment("[lowercase-abbreviations]: never end a sentence when in lower case."));
        }
        for abbr in lowercase {
            items.push(rule(false, format!("{word}{}", literal(abbr, false)), ws.clone()));
        }
        let mut finals: Vec<&String> = rules.final_abbreviations.iter().filter(ends_word).collect();
        finals.sort();
        if !finals.is_empty() {
            items.push(Item::Comment(
                "[final-abbreviations]: no end before a number, an end before a capital.",
            ));
            for abbr in &finals {
                items.push(rule(
                    false,
                    format!("{word}(?i:{})", literal(abbr, true)),
                    format!("{ws}+{any_openers}[0-9]"),
                ));
            }
            let any: Vec<String> = finals.iter().map(|a| literal(a, true)).collect();
            items.push(rule(true, format!("{word}(?i:{})", any.join("|")), starts.clone()));
        }
        let initials = format!(r"{word}\p{{Lu}}(?:\.\p{{Lu}})*\.");
        let mut starters: Vec<String> =
            rules.sentence_starters.iter().filter_map(|w| capitalised(w)).collect();
        starters.sort();
        let mut ends = Vec::new();
        if !dash.is_empty() {
            ends.push(dash.clone());
        }
        if !starters.is_empty() {
            ends.push(format!(r"{any_openers}(?:{})(?:[^\p{{L}}.]|$)", starters.join("|")));
        }
        if !ends.is_empty() {
            items.push(Item::Comment(
                "Initials (D.C., Harald V.) end a sentence before a dash or a [sentence-starters] word.",
            ));
            items.push(rule(true, initials.clone(), format!("{ws}+(?:{})", ends.join("|"))));
        }
        items.push(Item::Comment("Other initials (J. K. Rowling, J.K.) never end a sentence."));
        items.push(rule(false, initials, ws.clone()));
        let mut months: Vec<&String> =
            rules.months.iter().filter(|m| !m.is_empty() && m.chars().all(char::is_alphabetic)).collect();
        months.sort();
        if !months.is_empty() {
            items.push(Item::Comment("An ordinal before a month name (17. mai, 17. Mai) ends nothing."));
            let any: Vec<String> = months.iter().map(|m| literal(m, true)).collect();
            items.push(rule(
                false,
                format!(r"{word}[0-9]+\."),
                format!(r"{ws}+{any_openers}(?i:{})(?:[^\p{{L}}]|$)", any.join("|")),
            ));
        }
    }
    items.push(Item::Comment(
        "Terminators, closing quotes, whitespace and a capital, a digit, a quote or a dash.",
    ));
    items.push(rule(true, run, starts));
    items
}

/// Whether a `.rules` abbreviation can ever be the word before a full stop that the
/// built-in rules look up: one whitespace-free word, not starting with an opening quote
/// (those are removed before the lookup), ending in a full stop that is a run of its own.
fn reaches(abbr: &str, rules: &Rules) -> bool {
    let Some(stem) = abbr.strip_suffix('.') else { return false };
    !abbr.contains(char::is_whitespace)
        && !abbr.starts_with(|c| rules.openers.contains(&c))
        && !stem.ends_with(|c| rules.terminators.contains(&c))
}

/// A `[sentence-starters]` word as the built-in rules find it after initials: a
/// capital first letter and the rest in any case. `None` for a word that is not all
/// letters, which the built-in rules can never find.
fn capitalised(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next()?;
    let upper: String = first.to_uppercase().collect();
    let rest = chars.as_str();
    let letters = word.chars().all(char::is_alphabetic) && word.to_lowercase() == word;
    let first_ok = upper.chars().count() == 1 && upper != first.to_string();
    (letters && first_ok).then(|| {
        if rest.is_empty() {
            literal(&upper, false)
        } else {
            format!("{}(?i:{})", literal(&upper, false), literal(rest, true))
        }
    })
}

/// A character class of `chars`, or `None` for no characters (`[]` is no regex).
fn class(chars: &[char]) -> Option<String> {
    (!chars.is_empty()).then(|| format!("[{}]", class_body(chars)))
}

/// `chars` written inside `[...]`, escaped where Java or the `regex` crate would read
/// them as syntax.
fn class_body(chars: &[char]) -> String {
    let mut out = String::new();
    for &c in chars {
        if matches!(c, '\\' | '[' | ']' | '^' | '-' | '&' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as a regex matching it literally. With `fold`, for use inside `(?i:...)`,
/// non-ASCII letters are written as a class of both cases, since Java folds only
/// ASCII case without the `u` flag that ICU does not know.
fn literal(text: &str, fold: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let upper: Vec<char> = c.to_uppercase().collect();
        if fold && !c.is_ascii() && upper.len() == 1 && upper[0] != c {
            let _ = write!(out, "[{c}{}]", upper[0]);
        } else {
            if "\\.+*?()|[]{}^$".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// `text` escaped for XML element content or a double-quoted attribute value; a
/// straight quote is only escaped where it has to be, since regexes use it a lot.
fn xml_escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// Reading

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
enum Side {
    Before,
    After,
}

impl Srx {
    /// Reads an SRX document (2.0, or 1.0 which has the same elements); `origin` names
    /// it in errors, which give the line.
    pub fn parse(text: &str, origin: &str) -> Result<Srx> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let err = |at: u64, message: String| Error::Rules {
            origin: origin.to_string(),
            line: line_at(text, at),
            message,
        };
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
        let mut depth = 0usize;
        loop {
            let at = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| err(reader.error_position(), format!("not well-formed XML: {e}")))?;
            let (start, empty) = match &event {
                Event::Start(e) => (Some(e), false),
                Event::Empty(e) => (Some(e), true),
                _ => (None, false),
            };
            if let Some(e) = start {
                if !empty {
                    depth += 1;
                    if depth > xml::MAX_DEPTH {
                        return Err(err(at, xml::too_deep("SRX needs five")));
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
                Event::End(e) => {
                    depth = depth.saturating_sub(1);
                    match e.local_name().as_ref() {
                        b"beforebreak" | b"afterbreak" => side = None,
                        b"rule" => {
                            if let (Some(r), Some(lr)) = (rule.take(), &mut language_rule) {
                                lr.rules.push(r);
                            }
                        }
                        b"languagerule" => srx.language_rules.extend(language_rule.take()),
                        _ => {}
                    }
                }
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
                Event::DocType(t) => xml::check_doctype(&t).map_err(|why| err(at, why.to_string()))?,
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
                return Err(Error::Rules {
                    origin: origin.to_string(),
                    line: map.line,
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
        Err(Error::Invalid(format!(
            "{}: no languagemap matches Norwegian (nb or no), so it has no rules for tolk's \
             documents; add <languagemap languagepattern=\"{LANGUAGE_PATTERN}\" \
             languagerulename=\"...\"/> to its <maprules>",
            self.origin
        )))
    }

    /// The compiled rules for `language`, `None` when no `languagemap` matches it. With
    /// `cascade`, the rules of every matching map follow each other in map order;
    /// without, only the first matching map counts.
    pub fn for_language(&self, language: &str) -> Result<Option<SrxRules>> {
        let mut rules = Vec::new();
        let mut matched = false;
        for (n, map) in self.language_maps.iter().enumerate() {
            let pattern =
                translate(&map.pattern).and_then(|p| compile(&format!("(?i)^(?:{p})$"))).map_err(|why| {
                    Error::Rules {
                        origin: self.origin.clone(),
                        line: map.line,
                        message: format!("languagemap {}: languagepattern `{}` {why}", n + 1, map.pattern),
                    }
                })?;
            if !pattern.is_match(language) {
                continue;
            }
            matched = true;
            if let Some(lr) = self.language_rules.iter().find(|r| r.name == map.rule_name) {
                for (i, rule) in lr.rules.iter().enumerate() {
                    rules.push(self.compile_rule(lr, i + 1, rule)?);
                }
            }
            if !self.cascade {
                break;
            }
        }
        Ok(matched.then(|| SrxRules::new(rules)))
    }

    fn compile_rule(&self, lr: &LanguageRule, n: usize, rule: &SrxRule) -> Result<CompiledRule> {
        let side = |which: &str, pattern: &str, wrap: fn(&str) -> String| -> Result<Option<Regex>> {
            if pattern.is_empty() {
                return Ok(None);
            }
            translate(pattern).and_then(|p| compile(&wrap(&p))).map(Some).map_err(|why| Error::Rules {
                origin: self.origin.clone(),
                line: rule.line,
                message: format!("languagerule {:?}, rule {n}: {which} `{pattern}` {why}", lr.name),
            })
        };
        Ok(CompiledRule {
            breaks: rule.breaks,
            // Given the text up to and including the character after the position, so
            // that `\b` or `$` at the end of the pattern see what follows.
            before: side("beforebreak", &rule.before, |p| format!("(?:{p})(?s:.)$"))?,
            // Given the text from the character before the position, for the same reason.
            after: side("afterbreak", &rule.after, |p| format!("^(?s:.)(?:{p})"))?,
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
fn attribute(e: &BytesStart, key: &str) -> std::result::Result<Option<String>, String> {
    match e.try_get_attribute(key) {
        Ok(Some(a)) => {
            a.unescape_value().map(|v| Some(v.into_owned())).map_err(|e| format!("attribute {key}: {e}"))
        }
        Ok(None) => Ok(None),
        Err(e) => Err(format!("not well-formed XML: {e}")),
    }
}

/// A `yes`/`no` attribute, `default` when absent.
fn yes_no(value: Option<String>, default: bool) -> std::result::Result<bool, String> {
    match value.as_deref().map(str::trim) {
        None => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("yes") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("no") => Ok(false),
        Some(v) => Err(format!("expected yes or no, found {v:?}")),
    }
}

/// The 1-based line of byte offset `at` in `text`.
fn line_at(text: &str, at: u64) -> usize {
    crate::input::line_of(text.as_bytes(), usize::try_from(at).unwrap_or(usize::MAX))
}

fn compile(pattern: &str) -> std::result::Result<Regex, String> {
    Regex::new(pattern).map_err(|e| {
        let detail = e.to_string();
        let last = detail.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        format!("is not a regex tolk can read: {}", last.trim().trim_start_matches("error: "))
    })
}

/// A Java/ICU regex, as SRX files are written, rewritten for the `regex` crate; or why
/// it cannot be. Only what differs is touched: `\Q...\E`, `\h`, `\v`, `\Z`, `\e`, the
/// literal `\<` and `\>`, and the Java-only flags `d`, `u` and `U` (the crate is
/// Unicode-aware throughout).
fn translate(java: &str) -> std::result::Result<String, String> {
    let cannot =
        |what: &str| Err(format!("uses {what}, which tolk cannot apply; rewrite the rule without it"));
    let chars: Vec<char> = java.chars().collect();
    let mut out = String::with_capacity(java.len() + 8);
    let mut verbose = false;
    let mut depth = 0usize; // of nested character classes
    let mut class_start = false; // right after `[` or `[^`, where `]` is literal
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\\' {
            let Some(e) = next else { return Err("ends in a lone backslash".to_string()) };
            i += 2;
            class_start = false;
            match e {
                'Q' => {
                    let rest: String = chars[i..].iter().collect();
                    let (quoted, used) = match rest.find("\\E") {
                        Some(n) => (&rest[..n], rest[..n].chars().count() + 2),
                        None => (rest.as_str(), rest.chars().count()),
                    };
                    for q in quoted.chars() {
                        // Not `<` or `>`: the crate reads `\<` and `\>` as word boundaries.
                        if "\\.+*?()|[]{}^$#&-~".contains(q) {
                            out.push('\\');
                        }
                        out.push(q);
                    }
                    i += used;
                }
                '1'..='9' => return cannot(&format!("the backreference `\\{e}`")),
                'k' if next_is(&chars, i, '<') => return cannot("a named backreference `\\k<...>`"),
                'G' => return cannot("`\\G` (the end of the previous match)"),
                'Z' if depth == 0 => out.push_str(r"\z"),
                'e' => out.push_str(r"\x1B"),
                'h' | 'v' => {
                    let body = if e == 'h' { JAVA_H } else { JAVA_V };
                    if depth == 0 {
                        let _ = write!(out, "[{body}]");
                    } else {
                        out.push_str(body);
                    }
                }
                '<' | '>' => out.push(e),
                _ => {
                    out.push('\\');
                    out.push(e);
                }
            }
            continue;
        }
        if c == '[' {
            depth += 1;
            out.push('[');
            i += 1;
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            class_start = true;
            continue;
        }
        if depth > 0 {
            if c == ']' && !class_start {
                depth -= 1;
            }
            class_start = false;
            out.push(c);
            i += 1;
            continue;
        }
        if c == '(' && next == Some('?') {
            let rest = &chars[i + 2..];
            match rest {
                ['=', ..] => return cannot("a look-ahead `(?=`"),
                ['!', ..] => return cannot("a negative look-ahead `(?!`"),
                ['<', '=', ..] => return cannot("a look-behind `(?<=`"),
                ['<', '!', ..] => return cannot("a negative look-behind `(?<!`"),
                ['>', ..] => return cannot("an atomic group `(?>`"),
                _ => {}
            }
            let flags: String = rest.iter().take_while(|c| c.is_ascii_alphabetic() || **c == '-').collect();
            if let (false, Some(end @ (':' | ')'))) =
                (flags.is_empty(), rest.get(flags.chars().count()).copied())
            {
                let (on, off) = flags.split_once('-').unwrap_or((&flags, ""));
                let keep =
                    |set: &str| set.chars().filter(|f| !matches!(f, 'd' | 'u' | 'U')).collect::<String>();
                let (on, off) = (keep(on), keep(off));
                verbose |= on.contains('x');
                let kept = if off.is_empty() { on } else { format!("{on}-{off}") };
                if !kept.is_empty() {
                    let _ = write!(out, "(?{kept}{end}");
                } else if end == ':' {
                    out.push_str("(?:");
                }
                i += 2 + flags.chars().count() + 1;
                continue;
            }
            out.push_str("(?");
            i += 2;
            continue;
        }
        if matches!(c, '*' | '+' | '?' | '}') && next == Some('+') {
            return cannot(&format!("the possessive quantifier `{c}+`"));
        }
        out.push(c);
        i += 1;
    }
    if verbose {
        // A trailing `# comment` must not swallow what tolk wraps around the pattern.
        out.push('\n');
    }
    Ok(out)
}

fn next_is(chars: &[char], i: usize, c: char) -> bool {
    chars.get(i) == Some(&c)
}

// ---------------------------------------------------------------------------------
// Applying

/// SRX rules compiled for one language, in the order they are tried.
#[derive(Debug, Clone)]
pub struct SrxRules {
    rules: Vec<CompiledRule>,
    /// Indexes of the `break="yes"` rules: a position only needs the other rules
    /// checked when one of these applies, which keeps long abbreviation lists cheap.
    breaking: Vec<usize>,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    breaks: bool,
    before: Option<Regex>,
    after: Option<Regex>,
}

/// A position inside a line and the byte offsets around it the regexes need.
struct Position {
    /// Start of the character before the position.
    prev: usize,
    /// End of the character after the position.
    next: usize,
    /// Where the text a `beforebreak` may match begins.
    from: usize,
    /// Where the text an `afterbreak` may match ends.
    to: usize,
}

impl SrxRules {
    fn new(rules: Vec<CompiledRule>) -> SrxRules {
        let breaking = rules.iter().enumerate().filter(|(_, r)| r.breaks).map(|(i, _)| i).collect();
        SrxRules { rules, breaking }
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules at all (then nothing ever breaks).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether the first rule that applies at `at` in `line` is a break rule.
    fn breaks_at(&self, line: &str, at: &Position) -> bool {
        let Some(&first) = self.breaking.iter().find(|&&i| self.rules[i].applies(line, at)) else {
            return false;
        };
        !self.rules[..first].iter().any(|r| !r.breaks && r.applies(line, at))
    }
}

impl CompiledRule {
    fn applies(&self, line: &str, at: &Position) -> bool {
        self.after.as_ref().is_none_or(|re| after_matches(re, line, at))
            && self.before.as_ref().is_none_or(|re| re.is_match_at(&line[..at.next], at.from))
    }
}

/// Whether `re` (an anchored afterbreak) matches at `at`, looking at most up to `at.to`.
/// Cutting the text could make `$` or `\b` match where it was cut, so a match ending
/// exactly there is tried again on the whole rest of the line.
fn after_matches(re: &Regex, line: &str, at: &Position) -> bool {
    let cut = &line[at.prev..at.to];
    if at.to == line.len() {
        return re.is_match(cut);
    }
    match re.find(cut) {
        Some(m) if m.end() == cut.len() => re.is_match(&line[at.prev..]),
        Some(_) => true,
        None => false,
    }
}

impl Segmenter {
    /// `split_line` with SRX rules: a break at every position inside the line where the
    /// rules say so, then the same trimming as the built-in rules.
    pub(super) fn split_srx(&self, srx: &SrxRules, line: &str, out: &mut Vec<Range<usize>>) {
        let mut start = 0;
        let mut prev = 0;
        for (pos, c) in line.char_indices().skip(1) {
            let mut from = pos.saturating_sub(REACH);
            while !line.is_char_boundary(from) {
                from += 1;
            }
            let mut to = (pos + REACH).min(line.len());
            while !line.is_char_boundary(to) {
                to += 1;
            }
            let at = Position { prev, next: pos + c.len_utf8(), from, to };
            prev = pos;
            if srx.breaks_at(line, &at) {
                self.push_trimmed(line, start..pos, out);
                start = pos;
            }
        }
        self.push_trimmed(line, start..line.len(), out);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    /// The built-in rules exported as SRX and read back.
    fn exported() -> &'static Segmenter {
        static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();
        SEGMENTER.get_or_init(|| segmenter(&export(&Rules::norwegian()), "nb.srx").unwrap())
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
            "st",
            "ca",
            "mill",
            "lør",
            "LØR",
            "red",
            "Red",
            "Det",
            "DET",
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
            assert_eq!(class.is_match(c.encode_utf8(&mut [0; 4])), c.is_whitespace(), "U+{:04X}", c as u32);
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
    fn errors_name_the_file_line_and_rule() {
        let look_ahead = r#"<rule><beforebreak>\.</beforebreak><afterbreak>(?=\s)</afterbreak></rule>"#;
        let text = srx("no", &[("N", &format!("{BREAK}\n{look_ahead}"))], &[("nb.*", "N")]);
        let err = segmenter(&text, "t.srx").unwrap_err().to_string();
        assert_eq!(
            err,
            "t.srx:7: languagerule \"N\", rule 2: afterbreak `(?=\\s)` uses a look-ahead `(?=`, which tolk \
             cannot apply; rewrite the rule without it"
        );
        let bad = r#"<rule><beforebreak>[a-</beforebreak></rule>"#;
        let err = segmenter(&srx("no", &[("N", bad)], &[("nb", "N")]), "t.srx").unwrap_err().to_string();
        assert!(
            err.starts_with("t.srx:6: languagerule \"N\", rule 1: beforebreak `[a-` is not a regex"),
            "{err}"
        );
        let err = segmenter(&srx("no", &[("N", BREAK)], &[("en", "N")]), "t.srx").unwrap_err().to_string();
        assert!(err.starts_with("t.srx: no languagemap matches Norwegian (nb or no)"), "{err}");
        let err = segmenter(&srx("no", &[("N", BREAK)], &[("nb", "X")]), "t.srx").unwrap_err().to_string();
        assert_eq!(err, "t.srx:10: languagemap names languagerule \"X\", which the file lacks");
        let err = segmenter(&srx("no", &[("N", BREAK)], &[("(nb", "N")]), "t.srx").unwrap_err().to_string();
        assert!(err.starts_with("t.srx:10: languagemap 1: languagepattern `(nb` is not a regex"), "{err}");
        let err = segmenter(&srx("maybe", &[], &[]), "t.srx").unwrap_err().to_string();
        assert_eq!(err, "t.srx:2: expected yes or no, found \"maybe\"");
        let err = segmenter("<rules/>", "t.srx").unwrap_err().to_string();
        assert_eq!(err, "t.srx:1: expected an SRX document (<srx>), found <rules>");
        let err = segmenter("", "t.srx").unwrap_err().to_string();
        assert_eq!(err, "t.srx:1: expected an SRX document (<srx>), found no element");
        let err = segmenter("<srx>\n<body>\n</srx>", "t.srx").unwrap_err().to_string();
        assert!(err.starts_with("t.srx:3: not well-formed XML"), "{err}");
    }

    /// The one XML policy of every reader: a DOCTYPE with entities, an undefined entity
    /// anywhere, a forbidden character and deep nesting are refused in the same words.
    #[test]
    fn the_xml_policy_of_every_reader_holds_for_srx() {
        let err = |text: &str| segmenter(text, "t.srx").unwrap_err().to_string();
        let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE srx [<!ENTITY a \"aaaa\">]>\n<srx/>";
        assert!(err(laughs).starts_with("t.srx:2: the DOCTYPE declares entities"), "{}", err(laughs));
        let plain = srx("no", &[("N", BREAK)], &[("nb", "N")]).replacen(
            "<srx",
            "<!DOCTYPE srx SYSTEM \"srx.dtd\">\n<srx",
            1,
        );
        assert_eq!(segments(&plain, "Ja. Nei."), ["Ja.", "Nei."]);
        let undefined = "<srx>\n<header/>&nbsp;</srx>";
        assert!(err(undefined).starts_with("t.srx:2: undefined entity `&nbsp;`"), "{}", err(undefined));
        assert_eq!(err("<srx>\n&#1;</srx>"), "t.srx:2: a character XML does not allow (U+0001)");
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
