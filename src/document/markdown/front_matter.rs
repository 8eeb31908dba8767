//! The front matter of a Markdown article: YAML (`---`) or Hugo's TOML (`+++`), read
//! line by line for the values of the keys a project names as text, without a YAML or
//! TOML parser: only the keys' values are needed, with the bytes each stands on.
//!
//! A value is read in every form its language writes a string in: YAML's plain,
//! single- and double-quoted scalars (over several lines too, folded as YAML folds
//! them, every escape of YAML's double quotes), folded and literal blocks, and lists of
//! them (`- a` lines, or `[a, b]`); TOML's basic and literal strings, their multi-line
//! forms (`"""`, `'''`) and arrays of them. A translated value is written as a
//! double-quoted string on the key's line (or in the list item's place), which both
//! languages parse to the translation, unless it was single-quoted on one line in YAML.
//! What it cannot read of a named key (an anchor, a mapping, a value of several
//! paragraphs) it does not guess at: the key is named in a [`Unread`] note, and stays
//! as it is. It never reads a value of a key not named, but for `lang` and `language`,
//! whose Norwegian becomes the edition's language.

use std::ops::Range;

use super::LineIndex;
use crate::document::marked::{self, Block, Markup, Raw, Writer};
use crate::document::{ReadOptions, Unread};

/// A string value read: the bytes a translation replaces, its text, how a translation
/// is written, and whether the translation is written inside double quotes of its own
/// (the bytes are the whole value, quotes and all).
struct Value {
    range: Range<usize>,
    text: String,
    writer: &'static dyn Writer,
    quote: bool,
}

/// What a key's value is: strings, or why tolk does not read it.
type Read = Result<Vec<Value>, &'static str>;

/// The lines of a front matter: each line's start and its text without the line end.
struct Lines<'a> {
    text: &'a str,
    all: Vec<(usize, &'a str)>,
    /// Where the closing fence's line starts: no value reaches into it.
    end: usize,
}

impl Lines<'_> {
    /// The index of the first line that starts at or after `at`.
    fn after(&self, at: usize) -> usize {
        self.all.partition_point(|&(s, _)| s < at)
    }
}

/// The text values and language of a front matter (the block at `range`, fences
/// included), as blocks and language marks; keys named whose value tolk cannot read
/// are told in `unread`.
pub(super) fn read(
    text: &str,
    range: Range<usize>,
    lines: &LineIndex,
    options: &ReadOptions,
    blocks: &mut Vec<Block>,
    lang: &mut Vec<(Range<usize>, String)>,
    unread: &mut Vec<Unread>,
) {
    let toml = text[range.clone()].starts_with("+++");
    let mut all: Vec<(usize, &str)> = Vec::new();
    let mut at = range.start;
    for line in text[range.clone()].split_inclusive('\n') {
        all.push((at, line.trim_end_matches(['\n', '\r'])));
        at += line.len();
    }
    // The closing fence's line, if the block holds it.
    let end = match all.last() {
        Some(&(s, l)) if all.len() > 1 && matches!(l.trim_end(), "---" | "..." | "+++") => s,
        _ => range.end,
    };
    let fm = Lines { text, all, end };
    // The keys a nested key is inside: (indent, key) for YAML, the table for TOML.
    let mut parents: Vec<(usize, String)> = Vec::new();
    // Past the opening fence.
    let mut i = 1;
    while i < fm.all.len() && fm.all[i].0 < fm.end {
        let (start, body) = fm.all[i];
        i += 1;
        let indent = indent_of(body);
        let line = &body[indent..];
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if toml && line.starts_with('[') {
            // `[cover]`: the keys below are `cover.…`; `[[a]]` (an array of tables) none.
            parents.clear();
            if let Some(table) = line.strip_prefix('[').and_then(|t| t.split_once(']')).map(|(t, _)| t) {
                // An array of tables' keys are no page's: a path no key list names.
                let path = if table.starts_with('[') { "[[]]".to_string() } else { table.trim().to_string() };
                parents.push((0, path));
            }
            continue;
        }
        let split = if toml { line.split_once('=') } else { yaml_key(line) };
        let Some((key, rest)) = split else { continue };
        let key = if toml { key.trim_end() } else { key };
        if key.is_empty() || key.starts_with(['#', '-', '"', '\'']) || key.contains([' ', '\t']) {
            continue;
        }
        if !toml {
            parents.retain(|(level, _)| *level < indent);
        }
        let path: String = parents.iter().map(|(_, k)| format!("{k}.")).chain([key.to_string()]).collect();
        let named = options.front_matter_text.contains(&path);
        let lead = rest.len() - rest.trim_start().len();
        let value_start = start + indent + key.len() + (line.len() - key.len() - rest.len()) + lead;
        let value = rest.trim();
        let key_line = lines.line(start);
        let read = if toml {
            toml_value(&fm, value_start)
        } else if value.is_empty() || value.starts_with('#') {
            // A mapping below the key, or a list of `- ` items.
            let next = (i..fm.after(fm.end)).find(|&j| {
                let b = fm.all[j].1.trim_start();
                !b.is_empty() && !b.starts_with('#')
            });
            let list = next.filter(|&j| {
                let b = fm.all[j].1;
                indent_of(b) >= indent && (b.trim_start() == "-" || b.trim_start().starts_with("- "))
            });
            match list {
                Some(j) => {
                    let (read, after) = yaml_list(&fm, j);
                    i = after;
                    read
                }
                None => {
                    if named {
                        unread.push(Unread {
                            line: key_line,
                            why: format!(
                                "the front matter's `{path}` is a mapping: tolk reads the keys named in \
                                 front_matter_text, so name the ones inside it that are text (`{path}.title`)"
                            ),
                        });
                    }
                    parents.push((indent, key.to_string()));
                    continue;
                }
            }
        } else {
            yaml_value(&fm, value_start, indent, &mut i)
        };
        // The lines a value spans are its own, never keys.
        if let Ok(values) = &read {
            if let Some(last) = values.last() {
                i = i.max(fm.after(last.range.end));
            }
        }
        if path == "lang" || path == "language" {
            let bare = value.trim_matches(['"', '\'']);
            if let Some(english) = options.edition.mark(bare) {
                let offset = value.find(bare).unwrap_or(0);
                lang.push((value_start + offset..value_start + offset + bare.len(), english));
            }
            continue;
        }
        if !named {
            continue;
        }
        match read {
            Ok(values) => {
                for value in values {
                    let line = lines.line(value.range.start);
                    blocks.push(block(value, line));
                }
            }
            Err(why) => unread.push(Unread {
                line: key_line,
                why: format!(
                    "the front matter's `{path}` is {why}: tolk does not read it, and it stays as it is"
                ),
            }),
        }
    }
}

/// A YAML `key: value` line's key and the rest after the colon (a colon followed by a
/// space or the line's end: `https://…` is no key).
fn yaml_key(line: &str) -> Option<(&str, &str)> {
    let mut from = 0;
    while let Some(i) = line[from..].find(':').map(|i| from + i) {
        let rest = &line[i + 1..];
        if rest.is_empty() || rest.starts_with([' ', '\t']) {
            return Some((&line[..i], rest));
        }
        from = i + 1;
    }
    None
}

/// The block of a value read.
fn block(value: Value, line: usize) -> Block {
    let mut paragraph = String::new();
    let mut codes = Vec::new();
    // A value written double-quoted once translated: the quotes are a pair around the
    // whole value, kept out of the segment.
    let quotes = value.quote.then(|| {
        marked::open(
            &mut paragraph,
            &mut codes,
            Markup { open: Raw::Text("\"".into()), close: Raw::Text("\"".into()), ..Markup::default() },
            false,
        )
    });
    marked::push_text(&mut paragraph, &mut codes, &value.text, |t| Raw::Text(t.to_string()));
    if let Some(n) = quotes {
        marked::close(&mut paragraph, n);
    }
    Block::new(value.range, paragraph, codes, value.writer, line)
}

/// How many spaces `line` starts with.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A value written double-quoted in place of the bytes `range`.
fn quoted(range: Range<usize>, text: String) -> Value {
    Value { range, text, writer: &DoubleQuoted, quote: true }
}

/// The YAML value that starts at `at` on the line before line `*i`, of a key or list
/// item indented `indent`; `*i` is moved past the lines a block scalar takes.
fn yaml_value(fm: &Lines<'_>, at: usize, indent: usize, i: &mut usize) -> Read {
    let text = fm.text;
    let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |e| at + e);
    let value = text[at..line_end].trim_end();
    match value.as_bytes()[0] {
        q @ (b'"' | b'\'') => {
            let close = closing_quote(&text[at..fm.end], q).ok_or("a quoted string that does not end")? + at;
            let after = text[close + 1..].split(['\n', '\r']).next().unwrap_or("").trim();
            if !after.is_empty() && !after.starts_with('#') {
                return Err("not one string");
            }
            let raw = &text[at + 1..close];
            let one_line = !raw.contains(['\n', '\r']);
            match q {
                b'\'' if one_line => Ok(vec![Value {
                    range: at + 1..close,
                    text: raw.replace("''", "'"),
                    writer: &YamlSingle,
                    quote: false,
                }]),
                b'\'' => Ok(vec![quoted(at..close + 1, fold(&raw.replace("''", "'")).ok_or(PARAGRAPHS)?)]),
                _ => Ok(vec![quoted(
                    at..close + 1,
                    yaml_double(raw).ok_or("a double-quoted string tolk cannot read")?,
                )]),
            }
        }
        b'|' | b'>' if value.len() <= 3 && value[1..].chars().all(|c| matches!(c, '-' | '+')) => {
            // A folded or literal block: its indented lines, one paragraph, written back
            // as a double-quoted value on the key's line.
            let mut block: Vec<&str> = Vec::new();
            let mut end = None;
            let mut paragraphs = false;
            while let Some(&(s, b)) = fm.all.get(*i).filter(|&&(s, _)| s < fm.end) {
                if b.trim().is_empty() {
                    // A blank line with more of the block after it: two paragraphs.
                    let more = fm.all[*i..].iter().find(|(s, b)| *s < fm.end && !b.trim().is_empty());
                    paragraphs |= more.is_some_and(|(_, b)| indent_of(b) > indent);
                    if !paragraphs {
                        break;
                    }
                } else if indent_of(b) <= indent {
                    break;
                } else {
                    block.push(b.trim());
                    end = Some(s + b.len());
                }
                *i += 1;
            }
            match end {
                _ if paragraphs => Err(PARAGRAPHS),
                Some(end) => Ok(vec![quoted(at..end, block.join(" "))]),
                None => Ok(Vec::new()),
            }
        }
        b'[' => flow_list(fm, at, false),
        b'{' => Err("a mapping"),
        b'&' | b'*' => Err("an anchor or an alias"),
        b'!' => Err("a tagged value"),
        b'|' | b'>' | b'%' | b'@' | b'`' => Err("a value tolk cannot read"),
        _ => {
            // A plain value, which may go on over the lines below that are indented more;
            // a comment ends it.
            let (first, comment) = match value.find(" #") {
                Some(c) => (value[..c].trim_end(), true),
                None => (value, false),
            };
            let mut pieces = vec![first];
            let mut end = at + first.len();
            let mut j = *i;
            let mut more = !comment;
            while more {
                let Some(&(s, b)) = fm.all.get(j).filter(|&&(s, _)| s < fm.end) else { break };
                let t = b.trim();
                if t.is_empty() {
                    let more = fm.all[j..].iter().find(|(s, b)| *s < fm.end && !b.trim().is_empty());
                    if more.is_some_and(|(_, b)| indent_of(b) > indent && !b.trim().starts_with('#')) {
                        return Err(PARAGRAPHS);
                    }
                    break;
                }
                if indent_of(b) <= indent || t.starts_with('#') {
                    break;
                }
                let (t, stop) = match t.find(" #") {
                    Some(c) => (t[..c].trim_end(), true),
                    None => (t, false),
                };
                pieces.push(t);
                end = s + indent_of(b) + t.len();
                j += 1;
                more = !stop;
            }
            if pieces.len() == 1 && !yaml_plain_is_string(first) {
                return Err("a number, a boolean or null, not text");
            }
            Ok(vec![quoted(at..end, pieces.join(" "))])
        }
    }
}

/// Whether YAML reads the plain (unquoted) one-line value `value` as a string: not as
/// a boolean (`true`, `no`, as YAML 1.1 still read by Jekyll's Psych and PyYAML has
/// them), null (`null`, `~`) or a number (`2026`, `-1.5`, `1e3`, `0x1F`, `.inf`).
fn yaml_plain_is_string(value: &str) -> bool {
    const WORDS: [&str; 14] =
        ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".inf", "-.inf", "+.inf", ".nan"];
    let lower = value.to_ascii_lowercase();
    if WORDS.contains(&lower.as_str()) {
        return false;
    }
    let digits = lower.trim_start_matches(['-', '+']).replace('_', "");
    let number =
        digits.parse::<f64>().is_ok() && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let radix = ["0x", "0o", "0b"].iter().any(|p| {
        digits.strip_prefix(p).is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_hexdigit()))
    });
    !(number || radix)
}

/// Why a value of more than one paragraph is not read.
const PARAGRAPHS: &str = "a value of more than one paragraph";

/// The items of the YAML block list whose first `- ` line is line `j`, and the index of
/// the first line after it.
fn yaml_list(fm: &Lines<'_>, mut j: usize) -> (Read, usize) {
    let dash = indent_of(fm.all[j].1);
    let mut values = Vec::new();
    let mut why = None;
    while let Some(&(s, b)) = fm.all.get(j).filter(|&&(s, _)| s < fm.end) {
        let t = b.trim_start();
        let d = indent_of(b);
        if t.is_empty() || t.starts_with('#') {
            j += 1;
            continue;
        }
        if d < dash || (d == dash && !t.starts_with('-')) {
            break;
        }
        j += 1;
        if d > dash {
            // A line of the item above that was not read as part of it.
            why.get_or_insert("a list tolk cannot read");
            continue;
        }
        let Some(item) = t.strip_prefix('-').filter(|r| r.is_empty() || r.starts_with(' ')) else { break };
        let lead = item.len() - item.trim_start().len();
        let at = s + d + 1 + lead;
        let item = item.trim();
        if item.is_empty() || item.starts_with("- ") || yaml_key(item).is_some() {
            why.get_or_insert("a list of lists or mappings");
            continue;
        }
        let mut next = j;
        match yaml_value(fm, at, d, &mut next) {
            Ok(read) => {
                if let Some(last) = read.last() {
                    next = next.max(fm.after(last.range.end));
                }
                values.extend(read);
            }
            Err(w) => {
                why.get_or_insert(w);
            }
        }
        j = next;
    }
    (why.map_or(Ok(values), Err), j)
}

/// The strings of the flow list (YAML's `[a, "b"]`) or TOML array that starts at `at`;
/// the items that are no string in TOML (numbers, dates) are none.
fn flow_list(fm: &Lines<'_>, at: usize, toml: bool) -> Read {
    let text = fm.text;
    let b = text.as_bytes();
    let mut values = Vec::new();
    let mut k = at + 1;
    loop {
        // Past white space, line ends and comments to the next item.
        while k < fm.end {
            match b[k] {
                b' ' | b'\t' | b'\n' | b'\r' => k += 1,
                b'#' => k += text[k..].find('\n').unwrap_or(fm.end - k),
                _ => break,
            }
        }
        if k >= fm.end {
            return Err("a list that does not end");
        }
        match b[k] {
            b']' => return Ok(values),
            b'[' | b'{' => return Err("a list of lists or mappings"),
            b'"' | b'\'' if toml => {
                let (value, end) = toml_string(fm, k)?;
                values.push(value);
                k = end;
            }
            q @ (b'"' | b'\'') => {
                let close =
                    closing_quote(&text[k..fm.end], q).ok_or("a quoted string that does not end")? + k;
                let raw = &text[k + 1..close];
                let value = match q {
                    b'"' => yaml_double(raw).ok_or("a double-quoted string tolk cannot read")?,
                    _ => fold(&raw.replace("''", "'")).ok_or(PARAGRAPHS)?,
                };
                values.push(quoted(k..close + 1, value));
                k = close + 1;
            }
            _ => {
                // A plain item (YAML) or a number, date or boolean (TOML), up to the
                // next `,` or `]`.
                let end = text[k..fm.end].find([',', ']', '#', '\n']).map_or(fm.end, |e| k + e);
                let item = text[k..end].trim_end();
                if !toml && !item.is_empty() {
                    values.push(quoted(k..k + item.len(), item.to_string()));
                }
                k = end;
                if b.get(k) == Some(&b'#') || b.get(k) == Some(&b'\n') {
                    continue;
                }
            }
        }
        while k < fm.end && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r') {
            k += 1;
        }
        match b.get(k) {
            Some(b',') => k += 1,
            Some(b']') => return Ok(values),
            Some(b'#') => {}
            _ => return Err("a list tolk cannot read"),
        }
    }
}

/// The TOML value that starts at `at`: a string, or an array of strings.
fn toml_value(fm: &Lines<'_>, at: usize) -> Read {
    match fm.text.as_bytes().get(at) {
        Some(b'"' | b'\'') => toml_string(fm, at).map(|(v, _)| vec![v]),
        Some(b'[') => flow_list(fm, at, true),
        Some(b'{') => Err("an inline table"),
        _ => Err("not a string"),
    }
}

/// The TOML string that starts at `at` (basic, literal, or either's multi-line form),
/// and where it ends. A single-line literal string is written back as a basic one
/// (it cannot hold a `'`); a multi-line one is one paragraph, its lines joined.
fn toml_string(fm: &Lines<'_>, at: usize) -> Result<(Value, usize), &'static str> {
    let text = fm.text;
    let rest = &text[at..fm.end];
    let q = rest.as_bytes()[0];
    let triple = if q == b'"' { "\"\"\"" } else { "'''" };
    if let Some(body) = rest.strip_prefix(triple) {
        // The closing delimiter may have up to two quotes of the string before it.
        let mut k = 0;
        let close = loop {
            let found = body[k..].find(triple).ok_or("a string that does not end")? + k;
            let escaped =
                q == b'"' && body[..found].bytes().rev().take_while(|&c| c == b'\\').count() % 2 == 1;
            if escaped {
                k = found + 1;
                continue;
            }
            let run = body[found..].bytes().take_while(|&c| c == q).count().min(5);
            break found + run - 3;
        };
        let raw = &body[..close];
        let raw = raw.strip_prefix("\r\n").or_else(|| raw.strip_prefix('\n')).unwrap_or(raw);
        let value = if q == b'"' { toml_basic(raw, true) } else { Some(raw.to_string()) };
        let value = fold(&value.ok_or("a string tolk cannot read")?).ok_or(PARAGRAPHS)?;
        let end = at + 3 + close + 3;
        return Ok((quoted(at..end, value), end));
    }
    let line = rest.split(['\n', '\r']).next().unwrap_or("");
    let close = match q {
        b'"' => closing_quote(line, q),
        _ => line[1..].find('\'').map(|c| c + 1),
    }
    .ok_or("a string that does not end")?;
    let raw = &line[1..close];
    let value = match q {
        b'"' => toml_basic(raw, false).ok_or("a string tolk cannot read")?,
        _ => raw.to_string(),
    };
    Ok((quoted(at..at + close + 1, value), at + close + 1))
}

/// The value of a TOML basic string whose text between the quotes is `raw`: its
/// escapes (`\u00e6`, `\U0001F600`, `\xE6`, `\e`), and in a multi-line one a `\` at the
/// end of a line, which takes the white space after it away.
fn toml_basic(raw: &str, multi_line: bool) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| {
            let digits: String = chars.take(n).collect();
            (digits.len() == n)
                .then(|| u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32))
                .flatten()
        };
        out.push(match e {
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            '"' => '"',
            '\\' => '\\',
            'x' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            ' ' | '\t' | '\n' | '\r' if multi_line => {
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
                continue;
            }
            _ => return None,
        });
    }
    Some(out)
}

/// `value` with its line breaks as one paragraph's: each line trimmed and joined by a
/// space, as YAML folds a quoted string; `None` where a blank line makes two
/// paragraphs.
fn fold(value: &str) -> Option<String> {
    if !value.contains(['\n', '\r']) {
        return Some(value.to_string());
    }
    let lines: Vec<&str> = value.lines().collect();
    let last = lines.len() - 1;
    let mut out = String::with_capacity(value.len());
    for (n, line) in lines.iter().enumerate() {
        let mut line = *line;
        if n > 0 {
            line = line.trim_start_matches([' ', '\t']);
        }
        if n < last {
            line = line.trim_end_matches([' ', '\t']);
        }
        if n > 0 {
            if line.is_empty() && n < last {
                return None;
            }
            out.push(' ');
        }
        out.push_str(line);
    }
    Some(out)
}

/// Where the string that starts `value` with the quote `quote` ends: its closing
/// quote's offset (a `\"` escape, or YAML's `''`, does not end it).
fn closing_quote(value: &str, quote: u8) -> Option<usize> {
    let b = value.as_bytes();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' if quote == b'"' => i += 2,
            c if c == quote && quote == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The value of a double-quoted YAML scalar whose text between the quotes is `raw`,
/// over several lines too: every escape YAML has (`\xF8`, `\u00e6`, `\N`, a `\` that
/// ends a line), and its lines folded as YAML folds them (one line break a space);
/// `None` for an escape YAML has not, or a blank line (a paragraph break).
fn yaml_double(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    // The length of `out` up to which white space is the text's own (escaped), not
    // trimmed at a line's end.
    let mut kept = 0;
    let mut chars = raw.chars().peekable();
    let blank = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        while chars.next_if(|&c| c == ' ' || c == '\t').is_some() {}
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| {
                    let digits: String = chars.take(n).collect();
                    (digits.len() == n)
                        .then(|| u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32))
                        .flatten()
                };
                let e = chars.next()?;
                out.push(match e {
                    '0' => '\0',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' | '\t' => '\t',
                    'n' => '\n',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'e' => '\u{1b}',
                    ' ' => ' ',
                    '"' => '"',
                    '/' => '/',
                    '\\' => '\\',
                    'N' => '\u{85}',
                    '_' => '\u{a0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    'x' => hex(&mut chars, 2)?,
                    'u' => hex(&mut chars, 4)?,
                    'U' => hex(&mut chars, 8)?,
                    '\n' | '\r' => {
                        // An escaped line break joins the lines without a space.
                        if e == '\r' {
                            chars.next_if_eq(&'\n');
                        }
                        blank(&mut chars);
                        kept = out.len();
                        continue;
                    }
                    _ => return None,
                });
                kept = out.len();
            }
            '\n' | '\r' => {
                if c == '\r' {
                    chars.next_if_eq(&'\n');
                }
                let trimmed = out[kept..].trim_end_matches([' ', '\t']).len();
                out.truncate(kept + trimmed);
                blank(&mut chars);
                if chars.peek().is_some_and(|&c| c == '\n' || c == '\r') {
                    return None;
                }
                out.push(' ');
                kept = out.len();
            }
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Writes the text of a double-quoted YAML value or a TOML basic string: both read
/// these escapes alike.
#[derive(Debug)]
struct DoubleQuoted;

impl Writer for DoubleQuoted {
    fn text(&self, text: &str, _style: &str, out: &mut String) {
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
    }
}

/// Writes the text of a single-quoted YAML value.
#[derive(Debug)]
struct YamlSingle;

impl Writer for YamlSingle {
    fn text(&self, text: &str, _style: &str, out: &mut String) {
        out.push_str(&text.replace('\'', "''").replace(['\n', '\r'], " "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Segmenter;
    use std::borrow::Cow;

    /// The segments of `text`'s front matter with these keys named, its edition with
    /// each upper-cased, and what was not read (line, start of why).
    #[track_caller]
    fn check(text: &str, keys: &[&str], segments: &[&str], edition: &str, unread: &[(usize, &str)]) {
        let options = ReadOptions {
            front_matter_text: keys.iter().map(|k| k.to_string()).collect(),
            ..Default::default()
        };
        let d = super::super::parse_with("a.md".into(), text.into(), &Segmenter::default(), &options);
        let texts: Vec<&str> = d.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts[..texts.len() - 1], *segments);
        assert_eq!(d.rebuild(|_| None).unwrap(), text.as_bytes());
        let out = d.rebuild(|s| Some(Cow::Owned(s.text.to_uppercase()))).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.split_once("\n\n").map(|(f, _)| f), Some(edition));
        let told: Vec<(usize, &str)> = d.unread.iter().map(|u| (u.line, u.why.as_str())).collect();
        assert_eq!(told.len(), unread.len(), "{told:?}");
        for ((line, why), (l, w)) in told.iter().zip(unread) {
            assert_eq!(line, l);
            assert!(why.starts_with(w), "{why}");
        }
    }

    /// Regression (a new-user trial): a YAML value with escapes as PyYAML writes them,
    /// a plain or quoted value over two lines, lists in both forms, and TOML's
    /// multi-line strings and escapes were silently left Norwegian. Each is offered
    /// and written back as a string that parses to the translation; a value tolk
    /// cannot read is told, by line and key.
    #[test]
    fn every_form_of_a_string_value_is_read_or_told() {
        check(
            "---\ntitle: \"Sj\\xF8folk p\\xE5 S\\u00f8rlandet\"\ndescription: En ingress som er brutt\n  over to linjer.\n\
             summary: \"Sitert\n  over to\\\n  linjer\" # merknad\nnotes: 'Enkelt\n  sitert'\n---\n\nTekst.\n",
            &["title", "description", "summary", "notes"],
            &["Sjøfolk på Sørlandet", "En ingress som er brutt over to linjer.", "Sitert over tolinjer", "Enkelt sitert"],
            "---\ntitle: \"SJØFOLK PÅ SØRLANDET\"\ndescription: \"EN INGRESS SOM ER BRUTT OVER TO LINJER.\"\n\
             summary: \"SITERT OVER TOLINJER\" # merknad\nnotes: \"ENKELT SITERT\"\n---",
            &[],
        );
        check(
            "---\ntags:\n  - fjelltur\n  - 'friluft'\ncategories: [Reise, \"Natur og miljø\"]\nkeywords:\n- Mat # kommentar\n\
             - Lang som\n  brytes\ntitle: Fjell\n---\n\nTekst.\n",
            &["tags", "categories", "keywords"],
            &["fjelltur", "friluft", "Reise", "Natur og miljø", "Mat", "Lang som brytes"],
            "---\ntags:\n  - \"FJELLTUR\"\n  - 'FRILUFT'\ncategories: [\"REISE\", \"NATUR OG MILJØ\"]\nkeywords:\n\
             - \"MAT\" # kommentar\n- \"LANG SOM BRYTES\"\ntitle: Fjell\n---",
            &[],
        );
        check(
            "+++\ntitle = '''\nSjøfolk på\nSørlandet'''\ndescription = \"\"\"\\\n  Ingress med \\u00e6 \\\n  i seg.\"\"\"\n\
             tags = [\n  \"Reise\", # kommentar\n  'Natur',\n]\n+++\n\nTekst.\n",
            &["title", "description", "tags"],
            &["Sjøfolk på Sørlandet", "Ingress med æ i seg.", "Reise", "Natur"],
            "+++\ntitle = \"SJØFOLK PÅ SØRLANDET\"\ndescription = \"INGRESS MED Æ I SEG.\"\n\
             tags = [\n  \"REISE\", # kommentar\n  \"NATUR\",\n]\n+++",
            &[],
        );
        // What is not read is told, and the keys after it are read as keys.
        check(
            "---\ntitle: &a Ankret\nnotes: |\n  En.\n\n  To: tre.\nauthors:\n  - name: Ola\ndescription: Les.\n---\n\nTekst.\n",
            &["title", "notes", "authors", "description"],
            &["Les."],
            "---\ntitle: &a Ankret\nnotes: |\n  En.",
            &[(2, "the front matter's `title` is an anchor"), (3, "the front matter's `notes` is a value of more than one"), (7, "the front matter's `authors` is a list of lists or mappings")],
        );
        // A number, a boolean or a mapping where the key names text is told too (the
        // verifying trial found them silent), and `no` is not a word to translate.
        check(
            "---\ntitle: 2026\ndescription: true\nlead: no\nsummary:\n  a: Hei der.\nteaser: Ja, Nei og kanskje\n---\n\nTekst.\n",
            &["title", "description", "lead", "summary", "teaser"],
            &["Ja, Nei og kanskje"],
            "---\ntitle: 2026\ndescription: true\nlead: no\nsummary:\n  a: Hei der.\nteaser: \"JA, NEI OG KANSKJE\"\n---",
            &[
                (2, "the front matter's `title` is a number, a boolean or null"),
                (3, "the front matter's `description` is a number, a boolean or null"),
                (4, "the front matter's `lead` is a number, a boolean or null"),
                (5, "the front matter's `summary` is a mapping"),
            ],
        );
        check(
            "+++\ntitle = 12\n+++\n\nTekst.\n",
            &["title"],
            &[],
            "+++\ntitle = 12\n+++",
            &[(2, "the front matter's `title` is not a string")],
        );
    }

    #[test]
    fn yaml_double_quoted_strings_read_every_escape_and_fold_their_lines() {
        assert_eq!(yaml_double(r"Sj\xF8folk p\xE5 S\u00f8rlandet").as_deref(), Some("Sjøfolk på Sørlandet"));
        assert_eq!(yaml_double("En lang  \n   tittel\\\n  her").as_deref(), Some("En lang tittelher"));
        assert_eq!(yaml_double("To\n\n avsnitt"), None);
        assert_eq!(yaml_double(r"\q"), None);
    }

    #[test]
    fn toml_basic_strings_read_every_escape() {
        assert_eq!(
            toml_basic(r"Ingress med \u00e6 og \U0001F600", false).as_deref(),
            Some("Ingress med æ og 😀")
        );
        assert_eq!(toml_basic("En \\\n    linje", true).as_deref(), Some("En linje"));
        assert_eq!(toml_basic(r"\q", false), None);
    }
}
