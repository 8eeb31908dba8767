//! Numbers, dates and times in Norwegian text, their English forms, and the repair of a
//! memory translation whose source differs from a new sentence only in them.
//!
//! [`find`] finds the numbers of a text as a reader sees them: `110`, `3,5` (a decimal
//! comma), `1 000` and `1.000.000` (thousands with a space or dots), `-4`, `17. mai 2024`
//! and `17. mai` (dates), `08.00` and `08:30` (times after `kl.`). [`english`] writes
//! one as English does: `3.5`, `1,000`, `17 May 2024`, `08:00`.
//!
//! [`repair`] takes a memory entry whose source has the same text as a new sentence
//! but for its numbers, and gives the entry's target with the new numbers in place of
//! the old, in English form: a target that says `3.5 million` for a source `3,5
//! millioner` says `4.2 million` for `4,2 millioner`. It repairs only what it can map one
//! to one (the same words, the same count of numbers in the same order, each changed
//! number found exactly once in the target, in its English or its Norwegian form), and otherwise says why
//! not: a guess would put a wrong number into a published article. A date is also found
//! as English orders it (`April 1, 1987`, `1 April 1987`, `October 20th`, `the 22nd of
//! May`), its parts changed where they stand; a number with an ordinal suffix (`3rd`)
//! gets the new number's suffix (`4th`, `11th`, `21st`).

use std::ops::Range;

/// A number as it stands in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// Its bytes in the text.
    pub range: Range<usize>,
    /// What kind of number it is.
    pub kind: Kind,
}

/// The kinds of numbers, each with its own English form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number or a decimal, with its separators.
    Plain,
    /// A date with the month in words: `17. mai 2024`, `1. januar`.
    Date,
    /// A time of day: `08.00`, `8:30`.
    Time,
}

/// The Norwegian months and their English names.
const MONTHS: [(&str, &str); 12] = [
    ("januar", "January"),
    ("februar", "February"),
    ("mars", "March"),
    ("april", "April"),
    ("mai", "May"),
    ("juni", "June"),
    ("juli", "July"),
    ("august", "August"),
    ("september", "September"),
    ("oktober", "October"),
    ("november", "November"),
    ("desember", "December"),
];

/// The numbers of `text`, in order.
pub fn find(text: &str) -> Vec<Number> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() && !letter_before(text, i);
        if !starts {
            i += 1;
            continue;
        }
        // A formatting code (`{1}`, `{/1}`, `{2/}`) is no number.
        if text[..i].ends_with('{') || text[..i].ends_with("{/") {
            i += digits(b, i);
            continue;
        }
        let start = if i > 0 && b[i - 1] == b'-' && !letter_before(text, i - 1) { i - 1 } else { i };
        if let Some(end) = date(text, i) {
            out.push(Number { range: start..end, kind: Kind::Date });
            i = end;
            continue;
        }
        if let Some(end) = time(text, i) {
            out.push(Number { range: start..end, kind: Kind::Time });
            i = end;
            continue;
        }
        let end = plain(b, i);
        // Digits run into letters (`2a`, `Covid19`-like codes) are a name, not a number.
        if !text[end..].chars().next().is_some_and(char::is_alphanumeric) {
            out.push(Number { range: start..end, kind: Kind::Plain });
        }
        i = end;
    }
    out
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80
}

/// Whether the character before byte `i` of `text` is a letter or digit (so a digit at
/// `i` continues a word, `Covid19`), not a space, a dash or a mark (`3–2`).
fn letter_before(text: &str, i: usize) -> bool {
    text[..i].chars().next_back().is_some_and(char::is_alphanumeric)
}

fn digits(b: &[u8], i: usize) -> usize {
    b[i..].iter().take_while(|c| c.is_ascii_digit()).count()
}

/// The end of a whole number or decimal starting at `i`: digits, groups of three after
/// a space, a no-break space or a dot, and a decimal comma followed by digits.
fn plain(b: &[u8], i: usize) -> usize {
    let lead = digits(b, i);
    let mut end = i + lead;
    // Thousands groups only after a lead of one to three digits: `1 000`, `12.500.000`.
    while (1..=3).contains(&lead) {
        let sep = match b.get(end) {
            Some(b' ' | b'.') => 1,
            Some(0xc2) if b.get(end + 1) == Some(&0xa0) => 2,
            _ => break,
        };
        if digits(b, end + sep) != 3 {
            break;
        }
        end += sep + 3;
    }
    if b.get(end) == Some(&b',') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 1 + digits(b, end + 1);
    }
    // A decimal point or a version's dots (`2.4`, `2.4.1`), as the score reads them
    // (a time after `kl.` is read before this).
    while b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 1 + digits(b, end + 1);
    }
    end
}

/// Whether the whole number `number` has dots that are no thousands groups (`2.4`,
/// `2.4.1`; not `12.500`): a decimal point or a version, English already.
fn dotted(number: &str) -> bool {
    let whole = number.split(',').next().unwrap_or_default();
    whole.contains('.') && whole.split('.').skip(1).any(|group| group.len() != 3)
}

/// The end of a date starting at `i`: `17. mai`, with a year if one follows.
fn date(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let day = digits(b, i);
    if !(1..=2).contains(&day) || b.get(i + day) != Some(&b'.') || b.get(i + day + 1) != Some(&b' ') {
        return None;
    }
    let rest = &text[i + day + 2..];
    let (month, _) = MONTHS.iter().find(|(m, _)| {
        rest.get(..m.len()).is_some_and(|w| w.eq_ignore_ascii_case(m))
            && !rest.as_bytes().get(m.len()).is_some_and(|&c| is_word_byte(c))
    })?;
    let mut end = i + day + 2 + month.len();
    if b.get(end) == Some(&b' ')
        && digits(b, end + 1) == 4
        && !b.get(end + 5).is_some_and(|&c| is_word_byte(c))
    {
        end += 5;
    }
    Some(end)
}

/// The end of a time starting at `i`: `08.00` or `8:30` (hours, then two digits).
fn time(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let hours = digits(b, i);
    let sep = *b.get(i + hours)?;
    if !(1..=2).contains(&hours) || !(sep == b':' || sep == b'.') || digits(b, i + hours + 1) != 2 {
        return None;
    }
    let end = i + hours + 3;
    if b.get(end)
        .is_some_and(|&c| is_word_byte(c) || c == b'.' && b.get(end + 1).is_some_and(u8::is_ascii_digit))
    {
        return None;
    }
    // `08.00` is a time only after `kl.` or `klokka`: otherwise it may be a thousands
    // group (`1.000`) or a decimal.
    let before = text[..i].trim_end().to_lowercase();
    let after_clock = before.ends_with("kl.") || before.ends_with("klokka") || before.ends_with("klokken");
    (sep == b':' || after_clock).then_some(end)
}

/// `number` (the text of a [`Number`] of `kind`) as English writes it.
pub fn english(number: &str, kind: Kind) -> String {
    english_with(number, kind, false)
}

/// Like [`english`], with four-digit whole numbers grouped too (`2000` → `2,000`), as
/// many English texts write them.
fn english_with(number: &str, kind: Kind, group_four: bool) -> String {
    match kind {
        Kind::Date => {
            let (day, rest) = number.split_once(". ").unwrap_or((number, ""));
            let (month, year) = rest.split_once(' ').unwrap_or((rest, ""));
            let month = MONTHS.iter().find(|(m, _)| m.eq_ignore_ascii_case(month)).map_or(month, |(_, e)| e);
            if year.is_empty() {
                format!("{day} {month}")
            } else {
                format!("{day} {month} {year}")
            }
        }
        Kind::Time => number.replace('.', ":"),
        Kind::Plain if dotted(number) => number.to_string(),
        Kind::Plain => {
            let (whole, decimals) = number.split_once(',').unwrap_or((number, ""));
            // Grouped as the source grouped it (`1 000` → `1,000`), and from five digits
            // on; a year such as `2008` stays as it is.
            let grouped_in_source = whole.contains([' ', '.', '\u{a0}']);
            let whole: String = whole.chars().filter(|c| !matches!(c, ' ' | '.' | '\u{a0}')).collect();
            let (sign, digits) = whole.strip_prefix('-').map_or(("", whole.as_str()), |d| ("-", d));
            let mut grouped = String::new();
            for (k, c) in digits.chars().enumerate() {
                if k > 0
                    && (digits.len() - k) % 3 == 0
                    && (grouped_in_source || group_four || digits.len() > 4)
                {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            if decimals.is_empty() {
                format!("{sign}{grouped}")
            } else {
                format!("{sign}{grouped}.{decimals}")
            }
        }
    }
}

/// `text` with every number replaced by one mark, for comparing texts but for their
/// numbers.
pub fn masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for n in find(text) {
        out.push_str(&text[at..n.range.start]);
        out.push('\u{fffc}');
        at = n.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A repaired translation, and what was changed in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// The target with the new numbers.
    pub target: String,
    /// Each change, old and new as the target writes them (`110` → `120`).
    pub changes: Vec<(String, String)>,
}

impl Repair {
    /// The changes as a person reads them, `110 → 120; 6 → 7`.
    pub fn changes_text(&self) -> String {
        changes_text(&self.changes)
    }
}

/// Changes of numbers, old and new, as `110 → 120; 6 → 7`.
pub fn changes_text(changes: &[(String, String)]) -> String {
    changes.iter().map(|(old, new)| format!("{old} → {new}")).collect::<Vec<_>>().join("; ")
}

/// Why a target was not repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoRepair {
    /// The texts differ in more than their numbers (or not at all).
    NotOnlyNumbers,
    /// The number `old` (English form) is not in the target.
    NotFound(String),
    /// The number `old` is in the target more than once, so which to change is a guess.
    Ambiguous(String),
}

impl std::fmt::Display for NoRepair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoRepair::NotOnlyNumbers => f.write_str("the sentences differ in more than their numbers"),
            NoRepair::NotFound(n) => {
                write!(f, "the translation does not have {n}, so where the new number goes is unknown")
            }
            NoRepair::Ambiguous(n) => {
                write!(f, "the translation has {n} more than once, so which to change is unknown")
            }
        }
    }
}

/// The target of an entry whose source is `source`, repaired for `query`, a sentence
/// with the same text but other numbers. See the module documentation for when it
/// repairs and when it does not.
pub fn repair(query: &str, source: &str, target: &str) -> Result<Repair, NoRepair> {
    let norm = |t: &str| crate::text::normalize(t).into_owned();
    let (q, s) = (norm(query), norm(source));
    // The same words but for the numbers: case, punctuation and spacing may differ too
    // (they cost their own points in the score), the words themselves may not.
    let words = |t: &str| -> String {
        let mut kept = String::new();
        for c in masked(&crate::document::inline::strip(t)).to_lowercase().chars() {
            // A symbol is a word of its own to the score (`€`, `%`): `$7` is no repair
            // of `€7`, and `20%` is `20 %`.
            if crate::text::is_symbol_char(c) {
                kept.extend([' ', c, ' ']);
            } else {
                kept.push(if c.is_alphanumeric() || c == '\u{fffc}' { c } else { ' ' });
            }
        }
        kept.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    if words(&q) != words(&s) {
        return Err(NoRepair::NotOnlyNumbers);
    }
    let (qn, sn) = (find(&q), find(&s));
    if qn.len() != sn.len() {
        return Err(NoRepair::NotOnlyNumbers);
    }
    let mut out = target.to_string();
    let mut changes = Vec::new();
    // Every old number is found first, in the target as given, so two changes never
    // see each other's output.
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for (new, old) in qn.iter().zip(&sn) {
        let (new_text, old_text) = (&q[new.range.clone()], &s[old.range.clone()]);
        // The same number, grouped otherwise (`2 000`, `2000`, `2.000`), needs no repair.
        let ungrouped = |t: &str| t.replace(crate::text::is_group_separator, "");
        if new_text == old_text
            || english(new_text, new.kind) == english(old_text, old.kind)
            || (new.kind == Kind::Plain
                && old.kind == Kind::Plain
                && ungrouped(new_text) == ungrouped(old_text))
        {
            continue;
        }
        let old_en = english(old_text, old.kind);
        // The old number as the target may write it, each with how to write the new
        // one the same way: in English form, grouped from four digits on, or as the
        // source wrote it (a target that kept `10,000` gets `25,000`, never `25.000`).
        // Kept as the source wrote it, a number grouped by commas (`10,000`) reads as
        // English grouping, whatever the new one's Norwegian form (`25 000`).
        let kept = match english_grouped(old_text) && !english_grouped(new_text) {
            true => english_with(new_text, new.kind, true),
            false => new_text.to_string(),
        };
        // A target that groups the old number (`1,500`) groups the new one too
        // (`2,000`), however the sources wrote them.
        let new_en = english_with(new_text, new.kind, english_grouped(&old_en));
        let forms = [
            (old_en.clone(), new_en),
            (english_with(old_text, old.kind, true), english_with(new_text, new.kind, true)),
            (old_text.to_string(), kept),
        ];
        let found = forms
            .iter()
            .map(|(old_form, new_form)| (occurrences(target, old_form), old_form, new_form))
            .find(|(found, _, _)| !found.is_empty());
        let (at, new_form) = match found {
            Some((at, _, _)) if at.len() > 1 => {
                return Err(NoRepair::Ambiguous(target[at[0].clone()].to_string()))
            }
            Some((at, old_form, new_form)) => {
                let at = at[0].clone();
                // An ordinal the target wrote (`3rd`) gets the new number's suffix (`4th`).
                let suffix = &target[at.start + old_form.len()..at.end];
                let new_form = match suffix.is_empty() {
                    true => new_form.clone(),
                    false => match new_form.parse::<u64>() {
                        Ok(n) => format!("{new_form}{}", ordinal_suffix(n, suffix)),
                        Err(_) => return Err(NoRepair::NotFound(old_en)),
                    },
                };
                (at, new_form)
            }
            None if old.kind == Kind::Date && new.kind == Kind::Date => {
                english_date_repair(target, old_text, new_text).unwrap_or(Err(NoRepair::NotFound(old_en)))?
            }
            None => return Err(NoRepair::NotFound(old_en)),
        };
        changes.push((target[at.clone()].to_string(), new_form.clone()));
        edits.push((at, new_form));
    }
    if edits.is_empty() {
        return Err(NoRepair::NotOnlyNumbers);
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    for (k, (r, _)) in edits.iter().enumerate() {
        if edits[k + 1..].iter().any(|(o, _)| o.end > r.start) {
            return Err(NoRepair::Ambiguous(target[r.clone()].to_string()));
        }
    }
    for (r, new) in edits {
        out.replace_range(r, &new);
    }
    Ok(Repair { target: out, changes })
}

/// The repair a match's suggestion gets, as `lookup`, `match` and a batch show it:
/// none for a match of 100% or more or a source that differs in more than numbers,
/// else the repaired target or why the numbers could not be put in.
pub fn repair_match(query: &str, source: &str, target: &str, score: u8) -> Option<Result<Repair, NoRepair>> {
    if score >= 100 {
        return None;
    }
    match repair(query, source, target) {
        Err(NoRepair::NotOnlyNumbers) => None,
        repair => Some(repair),
    }
}

/// The English ordinal suffix of `n` (`st`, `nd`, `rd`, `th`: 1st, 12th, 22nd), in
/// upper case when `like`, the suffix it replaces, is (`21ST`).
fn ordinal_suffix(n: u64, like: &str) -> &'static str {
    let lower = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    match like.bytes().all(|b| b.is_ascii_uppercase()) && !like.is_empty() {
        true => match lower {
            "st" => "ST",
            "nd" => "ND",
            "rd" => "RD",
            _ => "TH",
        },
        false => lower,
    }
}

/// The length of an ordinal suffix (`st`, `nd`, `rd`, `th`, any case) at the start of
/// `text` that ends a word there (`1st,`, not `1stone`), else 0.
fn ordinal_at(text: &str) -> usize {
    let is_suffix =
        text.get(..2).is_some_and(|s| ["st", "nd", "rd", "th"].iter().any(|o| s.eq_ignore_ascii_case(o)));
    match is_suffix && !text[2..].chars().next().is_some_and(char::is_alphanumeric) {
        true => 2,
        false => 0,
    }
}

/// A Norwegian date's parts (the text of a [`Kind::Date`]): day, month (0 to 11) and
/// year as written.
fn date_parts(date: &str) -> Option<(u32, usize, Option<&str>)> {
    let (day, rest) = date.split_once(". ")?;
    let (month, year) = rest.split_once(' ').map_or((rest, None), |(m, y)| (m, Some(y)));
    let month = MONTHS.iter().position(|(m, _)| m.eq_ignore_ascii_case(month))?;
    Some((day.parse().ok()?, month, year))
}

/// A date as an English translation writes it, month in words: `April 1, 1987`,
/// `1 April 1987`, `October 20th`, `the 22nd of May`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EnglishDate {
    /// The whole date, from its first part to its last.
    range: Range<usize>,
    /// The day's digits, and its ordinal suffix after them (empty when none).
    day: Range<usize>,
    suffix: Range<usize>,
    /// The month's name, and which month (0 to 11).
    month_name: Range<usize>,
    month: usize,
    /// The year's digits, when the date has a year.
    year: Option<Range<usize>>,
}

/// A day of the month at byte `i` of `text`: one or two digits (1 to 31), maybe an
/// ordinal suffix, not the start of a longer number: the digits' and the suffix's bytes.
fn day_at(text: &str, i: usize) -> Option<(Range<usize>, Range<usize>)> {
    let b = text.as_bytes();
    let n = digits(b, i);
    let value: u32 = text.get(i..i + n)?.parse().ok()?;
    if !(1..=2).contains(&n) || !(1..=31).contains(&value) {
        return None;
    }
    let end = i + n + ordinal_at(&text[i + n..]);
    let mut after = text[end..].chars();
    let (a1, a2) = (after.next(), after.next());
    let longer = a1.is_some_and(char::is_alphanumeric)
        || matches!(a1, Some('.' | ',' | ':')) && a2.is_some_and(|c| c.is_ascii_digit());
    (!longer).then_some((i..i + n, i + n..end))
}

/// A year of four digits after byte `i` of `text`, as `, 1987` or ` 1987`: its digits.
fn year_after(text: &str, i: usize) -> Option<Range<usize>> {
    let rest = &text[i..];
    let skip = if rest.starts_with(", ") {
        2
    } else if rest.starts_with(' ') {
        1
    } else {
        return None;
    };
    let at = i + skip;
    let mut after = text.get(at + 4..).unwrap_or_default().chars();
    let (a1, a2) = (after.next(), after.next());
    let longer = a1.is_some_and(char::is_alphanumeric)
        || matches!(a1, Some('.' | ',' | ':')) && a2.is_some_and(|c| c.is_ascii_digit());
    (digits(text.as_bytes(), at) == 4 && !longer).then_some(at..at + 4)
}

/// The dates of `text` written as English writes them, month in words (see
/// [`EnglishDate`]); a month name with no day beside it is none.
fn english_dates(text: &str) -> Vec<EnglishDate> {
    let mut out = Vec::new();
    for (month, (_, name)) in MONTHS.iter().enumerate() {
        for (at, _) in text.match_indices(name) {
            let end = at + name.len();
            if letter_before(text, at) || text[end..].chars().next().is_some_and(char::is_alphanumeric) {
                continue;
            }
            // The day after the month (`April 1, 1987`, `October 20th`) or before it
            // (`1 April 1987`, `the 22nd of May`).
            let after = text[end..].starts_with(' ').then(|| day_at(text, end + 1)).flatten();
            let (day, suffix, last) = match after {
                Some((day, suffix)) => (day, suffix.clone(), suffix.end),
                None => {
                    let Some(before) = text[..at].strip_suffix(' ') else { continue };
                    let before = before.strip_suffix(" of").unwrap_or(before);
                    let suffix_len = if before.len() >= 2 && before.is_char_boundary(before.len() - 2) {
                        ordinal_at(&before[before.len() - 2..])
                    } else {
                        0
                    };
                    let digits_end = before.len() - suffix_len;
                    let n = before.as_bytes()[..digits_end]
                        .iter()
                        .rev()
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                    let start = digits_end - n;
                    let mut ahead = text[..start].chars().rev();
                    let (b1, b2) = (ahead.next(), ahead.next());
                    let longer = b1.is_some_and(char::is_alphanumeric)
                        || matches!(b1, Some('.' | ',' | ':')) && b2.is_some_and(|c| c.is_ascii_digit());
                    match day_at(text, start) {
                        Some((day, suffix)) if n > 0 && !longer && suffix.end == before.len() => {
                            (day, suffix, end)
                        }
                        _ => continue,
                    }
                }
            };
            let year = year_after(text, last);
            let range = day.start.min(at)..year.as_ref().map_or(last, |y| y.end);
            out.push(EnglishDate { range, day, suffix, month_name: at..end, month, year });
        }
    }
    out.sort_by_key(|d| d.range.start);
    out
}

/// Where the Norwegian date `old` (a [`Kind::Date`]'s text) stands in `target` as
/// English writes it, and that date written with the parts of `new` in the same form:
/// `None` when `target` has it in no English form, an error when it has it more than
/// once or `new` cannot be written the same way (one has a year, the other none).
fn english_date_repair(
    target: &str,
    old: &str,
    new: &str,
) -> Option<Result<(Range<usize>, String), NoRepair>> {
    let (old_day, old_month, old_year) = date_parts(old)?;
    let (new_day, new_month, new_year) = date_parts(new)?;
    let found: Vec<EnglishDate> = english_dates(target)
        .into_iter()
        .filter(|d| {
            d.month == old_month
                && target[d.day.clone()].parse() == Ok(old_day)
                && old_year.is_none_or(|y| d.year.as_ref().is_some_and(|r| &target[r.clone()] == y))
        })
        .collect();
    let date = match found.as_slice() {
        [] => return repair_year(target, (old_day, old_month, old_year), (new_day, new_month, new_year)),
        [date] => date,
        [first, ..] => return Some(Err(NoRepair::Ambiguous(target[first.range.clone()].to_string()))),
    };
    if old_year.is_some() != new_year.is_some() {
        return None;
    }
    // The parts replaced from the last one back, so the earlier ones' places hold.
    let mut parts: Vec<(Range<usize>, String)> = vec![
        (date.day.start..date.suffix.end, {
            let suffix = &target[date.suffix.clone()];
            match suffix.is_empty() {
                true => new_day.to_string(),
                false => format!("{new_day}{}", ordinal_suffix(u64::from(new_day), suffix)),
            }
        }),
        (date.month_name.clone(), MONTHS[new_month].1.to_string()),
    ];
    if let (Some(range), Some(year)) = (&date.year, new_year) {
        parts.push((range.clone(), year.to_string()));
    }
    parts.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut written = target[date.range.clone()].to_string();
    for (r, text) in parts {
        written.replace_range(r.start - date.range.start..r.end - date.range.start, &text);
    }
    Some(Ok((date.range.clone(), written)))
}

/// A date whose year alone changed, where the translation has the year once but the
/// day and month in no form tolk reads (`the first of April 1987`): the year replaced.
fn repair_year(
    target: &str,
    (old_day, old_month, old_year): (u32, usize, Option<&str>),
    (new_day, new_month, new_year): (u32, usize, Option<&str>),
) -> Option<Result<(Range<usize>, String), NoRepair>> {
    let (Some(old_year), Some(new_year)) = (old_year, new_year) else { return None };
    if (old_day, old_month) != (new_day, new_month) {
        return None;
    }
    match occurrences(target, old_year).as_slice() {
        [] => None,
        [at] => Some(Ok((at.clone(), new_year.to_string()))),
        [at, ..] => Some(Err(NoRepair::Ambiguous(target[at.clone()].to_string()))),
    }
}

/// Whether `number` is digits grouped in threes by commas, as English groups them
/// (`10,000`, `1,250,000`).
fn english_grouped(number: &str) -> bool {
    let mut groups = number.split(',');
    let first = groups.next().unwrap_or_default();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    number.contains(',') && digits(first) && first.len() <= 3 && groups.all(|g| g.len() == 3 && digits(g))
}

/// Where `number` stands in `text` as a whole number (not inside a longer one); a whole
/// number written as an ordinal (`3rd`) with its suffix.
fn occurrences(text: &str, number: &str) -> Vec<Range<usize>> {
    let whole = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
    text.match_indices(number)
        .map(|(i, m)| {
            let suffix = if whole { ordinal_at(&text[i + m.len()..]) } else { 0 };
            i..i + m.len() + suffix
        })
        .filter(|r| {
            let mut before = text[..r.start].chars().rev();
            let mut after = text[r.end..].chars();
            let (b1, b2) = (before.next(), before.next());
            let (a1, a2) = (after.next(), after.next());
            // Not part of a word or a code (`E6`, `6a`), nor the end of a longer number
            // (`1100`, `2,110`, the `6` of `3.6`) or its start (`1100`, `110.5`).
            let ends_one = b1.is_some_and(char::is_alphanumeric)
                || matches!(b1, Some('.' | ',')) && b2.is_some_and(|c| c.is_ascii_digit());
            let starts_one = a1.is_some_and(char::is_alphanumeric)
                || matches!(a1, Some('.' | ',')) && a2.is_some_and(|c| c.is_ascii_digit());
            // Nor the number of a formatting code, `{1}`, `{/1}`, `{2/}`.
            let in_code = (text[..r.start].ends_with('{') || text[..r.start].ends_with("{/"))
                && (text[r.end..].starts_with('}') || text[r.end..].starts_with("/}"));
            !ends_one && !starts_one && !in_code
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, Kind)> {
        find(text).into_iter().map(|n| (&text[n.range], n.kind)).collect()
    }

    #[test]
    fn numbers_are_found_as_a_reader_sees_them() {
        use Kind::*;
        assert_eq!(found("Vi er 110 personer i 6 team."), [("110", Plain), ("6", Plain)]);
        assert_eq!(found("Det koster 3,5 millioner og 1 000 kroner."), [("3,5", Plain), ("1 000", Plain)]);
        assert_eq!(found("Hele 1.000.000 kunder, -4 grader."), [("1.000.000", Plain), ("-4", Plain)]);
        assert_eq!(found("Den 17. mai 2024 og 1. januar."), [("17. mai 2024", Date), ("1. januar", Date)]);
        assert_eq!(found("Møtet er kl. 08.00, eller 8:30."), [("08.00", Time), ("8:30", Time)]);
        assert_eq!(found("Covid19 og 2a er ord, ikke tall."), []);
        assert_eq!(found("I 2008 ble jeg leder. 12 av 20."), [("2008", Plain), ("12", Plain), ("20", Plain)]);
        assert_eq!(
            found("Apache 2.4 og 2.4.1, 3.5 prosent."),
            [("2.4", Plain), ("2.4.1", Plain), ("3.5", Plain)]
        );
    }

    #[test]
    fn english_forms() {
        assert_eq!(english("3,5", Kind::Plain), "3.5");
        assert_eq!(english("1 000", Kind::Plain), "1,000");
        assert_eq!(english("2008", Kind::Plain), "2008");
        assert_eq!(english("10 000", Kind::Plain), "10,000");
        assert_eq!(english("1.000.000", Kind::Plain), "1,000,000");
        assert_eq!(english("-12 500,25", Kind::Plain), "-12,500.25");
        assert_eq!(english("17. mai 2024", Kind::Date), "17 May 2024");
        assert_eq!(english("1. januar", Kind::Date), "1 January");
        assert_eq!(english("08.00", Kind::Time), "08:00");
        // A decimal point or a version is English already.
        assert_eq!(english("2.4", Kind::Plain), "2.4");
        assert_eq!(english("2.4.1", Kind::Plain), "2.4.1");
        assert_eq!(english("12.500", Kind::Plain), "12,500");
    }

    #[test]
    fn a_target_gets_the_new_numbers_in_english_form() {
        let r = repair(
            "Vi er nå 120 personer fordelt på 7 team.",
            "Vi er nå 110 personer fordelt på 6 team.",
            "We are now 110 people in 6 teams.",
        )
        .unwrap();
        assert_eq!(r.target, "We are now 120 people in 7 teams.");
        assert_eq!(r.changes, [("110".to_string(), "120".to_string()), ("6".into(), "7".into())]);
        let r =
            repair("Det kostet 4,2 millioner.", "Det kostet 3,5 millioner.", "It cost 3.5 million.").unwrap();
        assert_eq!(r.target, "It cost 4.2 million.");
        let r =
            repair("Vi åpnet 1. juni 2025.", "Vi åpnet 17. mai 2024.", "We opened on 17 May 2024.").unwrap();
        assert_eq!(r.target, "We opened on 1 June 2025.");
        let r = repair("Hele 12 500 kunder.", "Hele 10 000 kunder.", "All of 10,000 customers.").unwrap();
        assert_eq!(r.target, "All of 12,500 customers.");
        // The target writes the number as the source did: the new one goes in the same way.
        let r = repair(
            "Kunne du lånt meg 25,000 yen?",
            "Kunne du lånt meg 10,000 yen?",
            "Can you lend me 10,000 yen?",
        );
        assert_eq!(r.unwrap().target, "Can you lend me 25,000 yen?");
        // So does a new one written the Norwegian way: the target's grouping is English.
        let r = repair(
            "Kunne du lånt meg 25 000 yen?",
            "Kunne du lånt meg 10,000 yen?",
            "Can you lend me 10,000 yen?",
        );
        assert_eq!(r.unwrap().target, "Can you lend me 25,000 yen?");
        // A decimal comma the target kept stays one.
        let r = repair("Prisen er 4,25 kroner.", "Prisen er 3,5 kroner.", "The price is 3,5 kroner.");
        assert_eq!(r.unwrap().target, "The price is 4,25 kroner.");
        let r = repair(
            "Hallen rommer 2500 personer.",
            "Hallen rommer 2000 personer.",
            "The hall holds 2,000 people.",
        );
        assert_eq!(r.unwrap().target, "The hall holds 2,500 people.");
        // A target that grouped the old number groups the new one, however the
        // sources wrote them.
        let r = repair("Vi solgte 2000 biler.", "Vi solgte 1 500 biler.", "We sold 1,500 cars.");
        assert_eq!(r.unwrap().target, "We sold 2,000 cars.");
        // A version or a decimal point changed.
        let r = repair(
            "Den finnes i Apache 2.6 og nyere.",
            "Den finnes i Apache 2.4 og nyere.",
            "It is in Apache 2.4 and later.",
        );
        assert_eq!(r.unwrap().target, "It is in Apache 2.6 and later.");
        // Case and punctuation may differ too; a dash between numbers is no letter; a
        // code's number is no number.
        let r = repair(
            "PRISEN STEG MED 4,2 PROSENT",
            "Prisen steg med 3,5 prosent.",
            "The price rose by 3.5 per cent.",
        );
        assert_eq!(r.unwrap().target, "The price rose by 4.2 per cent.");
        let r = repair(
            "Laget vant 3–2, og 3 spillere scoret.",
            "Laget vant 3–1, og 3 spillere scoret.",
            "The team won 3–1, and 3 players scored.",
        );
        assert_eq!(r.unwrap().target, "The team won 3–2, and 3 players scored.");
        let r = repair(
            "Klikk {2/} her og betal 6 kroner.",
            "Klikk {1/} her og betal 5 kroner.",
            "Click {1/} here and pay NOK 5.",
        );
        assert_eq!(r.unwrap().target, "Click {1/} here and pay NOK 6.");
    }

    #[test]
    fn what_cannot_be_mapped_one_to_one_is_not_repaired() {
        let no = |q: &str, s: &str, t: &str| repair(q, s, t).unwrap_err();
        assert_eq!(
            no("Vi er 120 ansatte.", "Vi er 110 personer.", "We are 110 people."),
            NoRepair::NotOnlyNumbers
        );
        assert_eq!(no("Vi er 110.", "Vi er 110.", "We are 110."), NoRepair::NotOnlyNumbers);
        // The same number grouped otherwise is the same number: nothing to repair.
        assert_eq!(no("Vi er 2 000.", "Vi er 2000.", "We are 2000."), NoRepair::NotOnlyNumbers);
        // The same number with another decimal mark: nothing to repair either.
        assert_eq!(
            no("Det er 3,5 prosent.", "Det er 3.5 prosent.", "It is 3.5 per cent."),
            NoRepair::NotOnlyNumbers
        );
        assert_eq!(no("Det koster 1 500 kr.", "Det koster 1.500 kr.", "NOK 1500."), NoRepair::NotOnlyNumbers);
        // A symbol is a word: another currency or comparison is no repair of the number.
        assert_eq!(no("Prisen er €7.", "Prisen er $5.", "The price is $5."), NoRepair::NotOnlyNumbers);
        assert_eq!(no("Verdien må være > 12.", "Verdien må være < 10.", "< 10"), NoRepair::NotOnlyNumbers);
        // Spaced or not, a percent sign is the same word.
        let r = repair("Rabatten er 25%.", "Rabatten er 20 %.", "The discount is 20%.").unwrap();
        assert_eq!(r.target, "The discount is 25%.");
        let r = repair("Vi er 3 000 og 1 500.", "Vi er 2000 og 1.500.", "We are 2000 and 1,500.").unwrap();
        assert_eq!(r.target, "We are 3,000 and 1,500.");
        assert_eq!(
            no("VI ER 110", "Vi er 110.", "We are 110."),
            NoRepair::NotOnlyNumbers,
            "nothing to repair"
        );
        assert_eq!(
            no("Vi er 120 av 6.", "Vi er 110 av 6.", "We are a hundred and ten."),
            NoRepair::NotFound("110".into())
        );
        assert_eq!(no("Fra 2 til 3.", "Fra 2 til 2.", "From 2 to 2."), NoRepair::Ambiguous("2".into()));
        // A number inside a code or a decimal is not the number.
        assert_eq!(
            no("Vi kjørte 7 mil på E6.", "Vi kjørte 6 mil på E6.", "We drove 60 km on the E6."),
            NoRepair::NotFound("6".into())
        );
        assert_eq!(
            no(
                "Vi har 7 team og 3,6 millioner.",
                "Vi har 6 team og 3,6 millioner.",
                "We have six teams and 3.6 million."
            ),
            NoRepair::NotFound("6".into())
        );
        // 110 inside 1100 or 110.5 is not 110.
        assert_eq!(
            no("Vi er 120.", "Vi er 110.", "We are 1100, or 110.5."),
            NoRepair::NotFound("110".into())
        );
    }

    #[track_caller]
    fn repairs(query: &str, source: &str, target: &str, expected: &str) {
        assert_eq!(repair(query, source, target).map(|r| r.target), Ok(expected.to_string()), "{query}");
    }

    /// Regression (a trial): a date the translation writes as English orders it
    /// (`April 1, 1987`, `October 20th`) was not repaired, though its changed number
    /// stood there once.
    #[test]
    fn dates_are_repaired_in_every_english_order() {
        // Month D, YYYY: the year, the day, or both.
        let dated = "The letter is dated April 1, 1987.";
        repairs(
            "Brevet er datert 1. april 1988.",
            "Brevet er datert 1. april 1987.",
            dated,
            "The letter is dated April 1, 1988.",
        );
        repairs(
            "Brevet er datert 2. april 1987.",
            "Brevet er datert 1. april 1987.",
            dated,
            "The letter is dated April 2, 1987.",
        );
        repairs(
            "Brevet er datert 3. mai 1990.",
            "Brevet er datert 1. april 1987.",
            dated,
            "The letter is dated May 3, 1990.",
        );
        // D Month YYYY, with an ordinal too, and `the Dth of Month`.
        repairs("Den 2. april 1987.", "Den 1. april 1987.", "On 1 April 1987.", "On 2 April 1987.");
        repairs("Den 2. april 1987.", "Den 1. april 1987.", "On 1st April 1987.", "On 2nd April 1987.");
        repairs(
            "Festen var 23. mai.",
            "Festen var 22. mai.",
            "The party was on the 22nd of May.",
            "The party was on the 23rd of May.",
        );
        // Month Dth: the suffix follows the number.
        let deadline = "The registration deadline is October 20th.";
        for (day, suffix) in [
            (21, "st"),
            (22, "nd"),
            (23, "rd"),
            (24, "th"),
            (11, "th"),
            (12, "th"),
            (13, "th"),
            (1, "st"),
            (31, "st"),
        ] {
            repairs(
                &format!("Fristen er satt til {day}. oktober."),
                "Fristen er satt til 20. oktober.",
                deadline,
                &format!("The registration deadline is October {day}{suffix}."),
            );
        }
        repairs(
            "Festen var 23. mai.",
            "Festen var 22. mai.",
            "The party was held on May 22nd.",
            "The party was held on May 23rd.",
        );
        repairs(
            "Festen var 3. juni.",
            "Festen var 22. mai.",
            "The party was held on May 22nd.",
            "The party was held on June 3rd.",
        );
        // A target's year the source has not is kept; the change is the whole date.
        let r = repair("Frist 21. oktober.", "Frist 20. oktober.", "Due October 20, 2025.").unwrap();
        assert_eq!(r.target, "Due October 21, 2025.");
        assert_eq!(r.changes, [("October 20, 2025".to_string(), "October 21, 2025".to_string())]);
        // Only the year changed, the day and month in words: the year alone.
        repairs(
            "Den 1. april 1988.",
            "Den 1. april 1987.",
            "On the first of April 1987.",
            "On the first of April 1988.",
        );
    }

    #[test]
    fn an_ordinal_gets_the_new_numbers_suffix() {
        repairs("Han kom på 3. plass.", "Han kom på 2. plass.", "He came 2nd.", "He came 3rd.");
        repairs("Han kom på 11. plass.", "Han kom på 2. plass.", "He came 2nd.", "He came 11th.");
        repairs("Han kom på 21. plass.", "Han kom på 4. plass.", "He came 4th.", "He came 21st.");
        repairs("Han kom på 112. plass.", "Han kom på 4. plass.", "He came 4th.", "He came 112th.");
        repairs("Fristen er 22. mai.", "Fristen er 21. mai.", "Due May 21ST.", "Due May 22ND.");
        assert_eq!(ordinal_suffix(0, "th"), "th");
        assert_eq!(ordinal_suffix(102, "th"), "nd");
        assert_eq!(ordinal_suffix(113, "th"), "th");
    }

    #[test]
    fn a_date_that_cannot_be_mapped_one_to_one_is_not_repaired() {
        let no = |q: &str, s: &str, t: &str| repair(q, s, t).unwrap_err();
        // The date twice in the target: which one is a guess.
        assert_eq!(
            no("Fra 2. mai til 2. mai.", "Fra 1. mai til 2. mai.", "From May 1st to May 1st."),
            NoRepair::Ambiguous("May 1st".into())
        );
        // The year twice, the day and month in no form read: which 1987 is a guess.
        assert_eq!(
            no("Den 1. april 1988.", "Den 1. april 1987.", "On the first of April 1987, in 1987."),
            NoRepair::Ambiguous("1987".into())
        );
        // The source has a year the target's date has not: not that date.
        assert_eq!(
            no("Den 2. april 1987.", "Den 1. april 1987.", "On April 1."),
            NoRepair::NotFound("1 April 1987".into())
        );
        // The new date has a year the old one has not: where it goes is unknown.
        assert_eq!(
            no("Frist 21. oktober 2025.", "Frist 20. oktober.", "Due October 20th."),
            NoRepair::NotFound("20 October".into())
        );
        // Another day of the month, or a month with no day beside it, is no match.
        assert_eq!(
            no("Frist 21. oktober.", "Frist 20. oktober.", "Due October 2."),
            NoRepair::NotFound("20 October".into())
        );
        assert_eq!(
            no("Frist 21. mai.", "Frist 20. mai.", "Due in May, 20 days."),
            NoRepair::NotFound("20 May".into())
        );
        // A day inside a longer number is none.
        assert_eq!(
            no("Frist 21. mai.", "Frist 20. mai.", "Due May 20.5."),
            NoRepair::NotFound("20 May".into())
        );
    }
}
