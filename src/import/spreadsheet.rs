//! What spreadsheets do to a batch's cells, told apart from what a translator did.
//!
//! A CSV batch opened in Excel or LibreOffice and saved again can come back with its
//! cells converted: `17.05` read as a date and written `05/17/2026`, `3,50` as the
//! number `3.5`, `00123` as `123`, `SANN` as `TRUE`, a cell starting with `=` run as a
//! formula, and letters the file's legacy encoding (Windows-1252, Mac Roman) cannot
//! hold written as `?`. [`source_damage`] names which of these turned the issued
//! sentence into the cell that came back, so an import can say what happened and what
//! to do instead of blaming the translator; [`target_damage`] finds what is left in a
//! target of a formula or of a spreadsheet error, or of a cell it read as a number,
//! date, time, percentage or amount and wrote back in its own form (`10.00%` for a
//! typed `10%`), telling digits a number format never writes (`00123`, `1-2`) for the
//! text they were typed as. [`is_an_id`] tells a target that is a formula's result of
//! an id cell (`=A2`), and [`Neighbours`] one that is another row's target or source
//! (`=H3`, `=E5`). Nothing here reads files.

use std::collections::HashMap;
use std::path::Path;

use super::{ImportRow, RowOrLine};
use crate::shown::quoted;
use crate::text::normalize;

/// Spreadsheet error values, in English and as LibreOffice and a Norwegian or German
/// Excel write them.
const ERROR_VALUES: [&str; 14] = [
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#DIV/0!",
    "#N/A",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#VERDI!",
    "#REFERANSE!",
    "#NAVN?",
    "#WERT!",
    "#I/T",
];

/// What to do instead, said after every conversion.
pub const ADVICE: &str = "export the batch as XLSX (`tolk export --format xlsx`), whose cells a spreadsheet \
                          cannot convert, or open the CSV with every column imported as Text";

/// What to do about letters a file lost to U+FFFD, which no spreadsheet can give back.
pub const REPLACED_ADVICE: &str = "the letters cannot be read back from this file; open the copy saved before in \
                                   the Text Import dialog choosing the character set it was saved in (Western \
                                   Europe (Windows-1252) for Excel's plain CSV) and save it as \"CSV UTF-8\", or \
                                   copy the translations into the batch as tolk wrote it";

/// How a spreadsheet turned `issued` into `found`, if a conversion explains it, and
/// what to do.
pub fn source_damage(issued: &str, found: &str) -> Option<(&'static str, &'static str)> {
    let (issued, found) = (issued.trim(), found.trim());
    if issued == found {
        return None;
    }
    if replaced_letters(issued, found) {
        return Some((
            "letters beyond ASCII are U+FFFD replacement characters (shown as \u{fffd} or ï¿½): the file was \
             saved in a legacy encoding such as Windows-1252 and opened again as UTF-8 (Unicode), which cannot read \
             those letters and put U+FFFD in their place",
            REPLACED_ADVICE,
        ));
    }
    source_conversion(issued, found).map(|what| (what, ADVICE))
}

/// Whether `found` is `issued` with letters outside ASCII replaced by U+FFFD, or by
/// the three characters U+FFFD's UTF-8 is in Windows-1252 (`ï¿½`, the file read so once
/// more and saved as UTF-8).
pub fn replaced_letters(issued: &str, found: &str) -> bool {
    let found = found.replace("ï¿½", "\u{fffd}");
    found.contains('\u{fffd}') && !issued.contains('\u{fffd}') && lost_to_encoding(issued, &found)
}

/// How a spreadsheet converted the cell `issued` into `found`, if it did.
fn source_conversion(issued: &str, found: &str) -> Option<&'static str> {
    if issued.starts_with(['=', '+', '-', '@']) {
        return Some("the spreadsheet ran the cell as a formula and kept its result");
    }
    if is_boolean(found) && is_boolean(issued) {
        return Some("the spreadsheet read the cell as a boolean and rewrote it");
    }
    if looks_like_date(found) && has_digits(issued) {
        return Some("the spreadsheet read the cell as a date and rewrote it");
    }
    if let (Some(a), Some(b)) = (number(issued), number(found)) {
        if a.0 == b.0 || a.1 == b.1 {
            return Some("the spreadsheet read the cell as a number and rewrote it (leading zeros or separators changed)");
        }
    }
    if amount_reformatted(issued, found) {
        return Some(
            "the spreadsheet read the cell as an amount or a number and rewrote it in its own format (`kr 39,-` \
             becomes `-kr 39,00` with Norwegian settings and \"Detect special numbers\")",
        );
    }
    if lost_to_encoding(issued, found) {
        return Some(
            "letters were lost to a legacy encoding (the file was saved as Windows-1252 or Mac Roman, not UTF-8)",
        );
    }
    None
}

/// The spreadsheet error value (`#VALUE!`, `Err:509`) a target is, as text, if it is:
/// what a failed formula leaves, whichever file brought it.
pub fn error_value(target: &str) -> Option<String> {
    let t = target.trim();
    let upper = t.to_uppercase();
    (ERROR_VALUES.contains(&upper.as_str())
        || (upper.starts_with("ERR:") && upper.len() > 4 && upper[4..].bytes().all(|b| b.is_ascii_digit())))
    .then(|| {
        format!("the spreadsheet error value {t}, left where a formula failed; type the translation as text")
    })
}

/// What to do about a target a spreadsheet rewrote, said after each.
const RETYPE: &str =
    "type the translation as text (open the CSV with the target column as Text), or use the \
                      XLSX batch (`tolk export --format xlsx`), which keeps text as typed";

/// What a spreadsheet left in a CSV target instead of a translation, if it did: an
/// error value, a number, date, time, percentage or amount as a spreadsheet writes one
/// where the source has words (a formula's result or a reformatted cell, which a CSV
/// cannot tell from text), unless the source has the same text.
pub fn target_damage(source: &str, target: &str) -> Option<String> {
    if let Some(why) = error_value(target) {
        return Some(why);
    }
    let t = target.trim();
    // Before dates: `1.00E-03` is a number, not the date 1.00.03.
    if let Some((what, read_as, example)) = rendering(t).filter(|_| !source.contains(t)) {
        return Some(format!(
            "only {what} {t}, which is what a spreadsheet writes where it read the cell as {read_as} ({example}) \
             or a formula's result was one; {RETYPE}"
        ));
    }
    if is_date_cell(t) && source.chars().any(char::is_alphabetic) {
        return Some(format!(
            "only the date {t}, which is what a spreadsheet leaves where it read the cell as a date (May 17 \
             becomes 05/17/2026) or a formula's result was one; {RETYPE}"
        ));
    }
    // Norwegian Excel writes a number it took for a day and month (`3.9`, `3/4`) as
    // `01.mai`, `03.apr`: letters, so no number check sees it, but no translation of a
    // sentence of numbers that names no month.
    if is_month_date(t) && has_digits(source) && !names_a_month(source) {
        return Some(format!(
            "only the date {t}, which is what a spreadsheet with Norwegian settings leaves where it read a number \
             as a day and month (3/4 becomes 03.apr) or a formula's result was one; {RETYPE}"
        ));
    }
    // A sentence of three words or more is no truth value; `Sant` or `Helt sant` may
    // be translated as one.
    if is_boolean(t) && source.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count() > 2 {
        return Some(format!(
            "only the truth value {t}, which is what a spreadsheet leaves where it read the cell as one or a \
             formula's result was one; {RETYPE}"
        ));
    }
    if may_be_number(t) && source.chars().any(char::is_alphabetic) {
        return Some(format!(
            "only the number {t}, which is what a spreadsheet leaves where a formula ran (=30+2 becomes 32) or a \
             number was reformatted (1.50 becomes 1.5); {RETYPE}"
        ));
    }
    None
}

/// What the text `raw` of a CSV target, as the file has it, is left of a formula, if it
/// is one: a cell starting with `=` that tolk would have written with its apostrophe,
/// so a spreadsheet wrote it, saving "cell formulas instead of calculated values" (or
/// text typed to start with `=`, which a CSV cannot tell from it). A source that starts
/// the same way makes it a translation.
pub fn formula_text(source: &str, raw: &str) -> Option<String> {
    let t = raw.trim();
    let first = t.split_whitespace().next().filter(|w| w.starts_with('='))?;
    if source.trim_start().starts_with(first) {
        return None;
    }
    Some(format!(
        "the formula {}, as a spreadsheet saves a formula with \"Save cell formulas instead of calculated values\"; \
         save the CSV again without that option, or, if it is the translation, type it as text in the XLSX batch \
         (`tolk export --format xlsx`), which keeps a text starting with = as typed",
        crate::shown::quoted(t)
    ))
}

/// What `t` is, what a spreadsheet read the cell as, and what it writes for what was
/// typed, if `t` is one of the forms only a spreadsheet writes: a percentage with decimals (`10.00%` for `10%`), scientific notation
/// (`1.00E+05`), a time with seconds or AM/PM (`01:30:00 AM` for `1:30`), or an amount
/// with a currency and two decimals (`$5.00` for `$5`). What a translator types as
/// these (`10%`, `1e5`, `1:30`, `$5`) is not among them.
fn rendering(t: &str) -> Option<(&'static str, &'static str, &'static str)> {
    let unsigned = |s: &str| s.strip_prefix('-').unwrap_or(s).to_string();
    // A number with a decimal part, in either notation.
    let decimal = |s: &str| {
        let s = unsigned(s);
        s.rsplit_once(['.', ',']).is_some_and(|(whole, fraction)| {
            is_digits(fraction) && may_be_number(whole.trim_start_matches('-'))
        })
    };
    if let Some(number) = t.strip_suffix('%').map(|n| n.trim_end_matches([' ', '\u{a0}', '\u{202f}'])) {
        if decimal(number) {
            return Some(("the percentage", "a percentage", "10% becomes 10.00%"));
        }
    }
    if let Some((mantissa, exponent)) = unsigned(t).split_once('E') {
        let exponent = exponent.strip_prefix(['+', '-']);
        if exponent.is_some_and(is_digits) && (is_digits(mantissa) || decimal(mantissa)) {
            return Some(("the number", "a number", "1e5 becomes 1.00E+05"));
        }
    }
    if is_time(t) {
        return Some(("the time", "a time", "1:30 becomes 01:30:00 AM"));
    }
    let inner = t.strip_prefix('(').and_then(|t| t.strip_suffix(')')).unwrap_or(t);
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    for symbol in ["$", "€", "£", "¥", "kr.", "kr", "NOK", "USD", "EUR", "SEK", "DKK"] {
        let amount = inner
            .strip_prefix(symbol)
            .or_else(|| inner.strip_suffix(symbol))
            .map(|a| a.trim_matches([' ', '\u{a0}', '\u{202f}']))
            .map(|a| a.strip_prefix('-').unwrap_or(a));
        let two_decimals =
            |a: &str| a.rsplit_once(['.', ',']).is_some_and(|(_, cents)| cents.len() == 2) && decimal(a);
        if amount.is_some_and(two_decimals) {
            return Some(("the amount", "an amount of money", "$5 becomes $5.00"));
        }
    }
    None
}

/// A time as a spreadsheet writes one back: with seconds (`01:30:00`, `36:00:00`), or
/// with AM or PM (`1:30 PM`, `01:30:00 AM`).
fn is_time(t: &str) -> bool {
    let upper = t.to_uppercase();
    let (clock, meridiem) = match upper.strip_suffix("AM").or_else(|| upper.strip_suffix("PM")) {
        Some(clock) => (clock.trim_end().to_string(), true),
        None => (upper.clone(), false),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let seconds = parts.get(2).map(|s| s.split_once(['.', ',']).map_or(*s, |(whole, _)| whole));
    let shaped = (2..=3).contains(&parts.len())
        && (1..=3).contains(&parts[0].len())
        && is_digits(parts[0])
        && parts[1].len() == 2
        && is_digits(parts[1])
        && seconds.is_none_or(|s| s.len() == 2 && is_digits(s));
    shaped && (meridiem || parts.len() == 3)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `t` has the form a number format writes a number in: an optional minus, a
/// whole part without leading zeros (`0` alone, or grouped by threes with one of `,`
/// `.`, a no-break space or a narrow one), and a decimal part after a point or a comma
/// (the other separator than the grouping's). `3,5` is what a Norwegian spreadsheet
/// writes for 3.5, and `1,000` what an English one writes for a thousand; `00123`,
/// `1-2`, `1 000` with an ordinary space (a spreadsheet groups with a no-break space)
/// and `1.2.3` are no number's form, so what a spreadsheet kept as text.
fn may_be_number(t: &str) -> bool {
    let t = t.strip_prefix('-').unwrap_or(t);
    let whole = |w: &str, decimal: Option<char>| {
        if w == "0" {
            return true;
        }
        if w.starts_with('0') {
            return false;
        }
        if is_digits(w) {
            return true;
        }
        [',', '.', '\u{a0}', '\u{202f}'].into_iter().filter(|&g| Some(g) != decimal).any(|g| {
            let groups: Vec<&str> = w.split(g).collect();
            groups.len() > 1
                && (1..=3).contains(&groups[0].len())
                && groups.iter().all(|p| is_digits(p))
                && groups[1..].iter().all(|p| p.len() == 3)
        })
    };
    whole(t, None)
        || ['.', ',']
            .into_iter()
            .any(|d| t.rsplit_once(d).is_some_and(|(w, fraction)| is_digits(fraction) && whole(w, Some(d))))
}

fn is_boolean(s: &str) -> bool {
    ["TRUE", "FALSE", "SANN", "USANN", "WAHR", "FALSCH", "VRAI", "FAUX", "SANT", "FALSKT"]
        .contains(&s.to_uppercase().as_str())
}

/// A whole cell that is a date, with a time or not, as a spreadsheet writes one back
/// (`05/17/2026`, `17.05.2026`, `2026-05-17 00:00:00`, `5/17/26 12:00 AM`).
fn is_date_cell(s: &str) -> bool {
    let mut words = s.split_whitespace();
    words.next().is_some_and(looks_like_date)
        && words.all(|w| {
            (w.contains(':') && w.chars().all(|c| c.is_ascii_digit() || matches!(c, ':' | '.')))
                || ["AM", "PM"].contains(&w.to_uppercase().as_str())
        })
}

/// Month names and abbreviations in Norwegian and English, as a spreadsheet writes a
/// date with its month in letters.
const MONTHS: [&str; 22] = [
    "jan", "feb", "mar", "mars", "apr", "mai", "may", "jun", "juni", "jul", "juli", "aug", "sep", "sept",
    "okt", "oct", "nov", "des", "dec", "januar", "februar", "april",
];

/// Whether `word` is a month's name or abbreviation, a dot after it or not.
fn is_month(word: &str) -> bool {
    MONTHS.contains(&word.trim_end_matches('.').to_lowercase().as_str())
}

/// A whole cell that is a day and a month in letters, a year after them or not, as
/// Norwegian or English Excel writes a date (`01.mai`, `03.apr`, `3-Apr`, `17-May-26`,
/// `01.mai.2026`).
fn is_month_date(t: &str) -> bool {
    let parts: Vec<&str> = t.split(['.', '-', '/', ' ']).filter(|p| !p.is_empty()).collect();
    let day = |p: &str| (1..=2).contains(&p.len()) && is_digits(p);
    let year = |p: &str| (p.len() == 2 || p.len() == 4) && is_digits(p);
    match parts[..] {
        [d, m] => day(d) && is_month(m),
        [d, m, y] => day(d) && is_month(m) && year(y),
        _ => false,
    }
}

/// Whether `text` names a month anywhere (`1. mai`, `3. apr.`).
fn names_a_month(text: &str) -> bool {
    text.split(|c: char| !c.is_alphabetic()).any(is_month)
}

fn has_digits(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

/// `05/17/2026`, `17.05.2026`, `2026-05-17`, `17-May-26`, optionally with a time; not
/// a number in scientific notation (`1.00E-03`).
fn looks_like_date(s: &str) -> bool {
    let date = s.split_whitespace().next().unwrap_or("");
    if rendering(date).is_some() {
        return false;
    }
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 4)
        && parts.iter().filter(|p| p.bytes().all(|b| b.is_ascii_digit())).count() >= 2
}

/// `s` as a number: (its digits without separators or leading and trailing zeros, its
/// whole part), when `s` is only digits, separators and spaces; `None` otherwise.
fn number(s: &str) -> Option<(String, i64)> {
    if !s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | '%' | '-'))
        || !has_digits(s)
    {
        return None;
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let trimmed = digits.trim_start_matches('0').trim_end_matches('0').to_string();
    // The value with the decimal part dropped: `3,50` and `3.5` are both 3, `1.000` as a
    // thousands separator is 1000 and as a decimal 1.
    let whole: String =
        s.split(['.', ',']).next().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
    Some((trimmed, whole.parse().unwrap_or(-1)))
}

/// Whether `issued` and `found` are the same amount or number in two renderings: each
/// nothing but numbers, signs, brackets, `%` and currency (`kr 39,-` and `-kr 39,00`,
/// `kr 0,-` and `kr 0,00`, `39 kr` and `kr 39,00`), the same currency words in both
/// and the same digits but for leading and trailing zeros. A spreadsheet converts a
/// whole cell or nothing: a sentence with words around its number is never rewritten.
fn amount_reformatted(issued: &str, found: &str) -> bool {
    const CURRENCIES: [&str; 6] = ["kr", "nok", "eur", "usd", "sek", "dkk"];
    let amount = |s: &str| {
        let words: Vec<String> = (s.split(|c: char| !c.is_alphabetic()))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let only = s.chars().all(|c| {
            c.is_alphabetic()
                || c.is_ascii_digit()
                || c.is_whitespace()
                || matches!(c, '.' | ',' | '-' | '\u{2212}' | '(' | ')' | '%' | '$' | '€' | '£' | '¥')
        });
        let numbers: Vec<String> = (s
            .split(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}'))))
        .filter(|n| has_digits(n))
        .map(|n| n.chars().filter(char::is_ascii_digit).collect::<String>())
        .map(|d| d.trim_start_matches('0').trim_end_matches('0').to_string())
        .collect();
        (only && has_digits(s) && words.iter().all(|w| CURRENCIES.contains(&w.as_str())))
            .then_some((words, numbers))
    };
    matches!((amount(issued), amount(found)), (Some(a), Some(b)) if a == b)
}

/// Whether `found` is `issued` with some letters outside ASCII replaced by `?`, `�`
/// or a look-alike, as a save in a legacy encoding leaves it.
fn lost_to_encoding(issued: &str, found: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (issued.chars().collect(), found.chars().collect());
    a.len() == b.len()
        && a.iter().zip(&b).any(|(x, y)| x != y)
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || (!x.is_ascii() && (matches!(y, '?' | '\u{fffd}') || y.is_ascii())))
}

/// Whether `text` is written as a batch's ids are (`s` and 16 hex digits, in either
/// case): what a formula referring to a cell of the id column (`=A2`) leaves when the
/// spreadsheet saves its value, or that cell copied; never a translation.
pub fn is_an_id(text: &str) -> bool {
    let t = text.trim();
    t.len() == 17 && t.starts_with(['s', 'S']) && t[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The rows of the files of one import, looked up by what another row's target may
/// have been copied from: a formula referring to another row (`=H3`, `=E5`) leaves that
/// row's text when the spreadsheet saves its value, which a CSV cannot tell from a
/// translation, and a cell pasted in the wrong row does the same. Only a spreadsheet's
/// rows are looked up: XLIFF has no formulas, and a CAT tool that repeats a translation
/// for another sentence does so on purpose.
pub struct Neighbours<'a> {
    /// Per file, each id cell's first row.
    ids: HashMap<(&'a Path, &'a str), &'a ImportRow>,
    /// Per file and normalised target, the first rows that have it: the first of each
    /// of the first two sources, so that one of them is another row's whatever the
    /// source of the row that asks.
    targets: HashMap<(&'a Path, String), Vec<(&'a ImportRow, String)>>,
    /// Per file and normalised source, its first row.
    sources: HashMap<(&'a Path, String), &'a ImportRow>,
}

impl<'a> Neighbours<'a> {
    /// The rows of `rows` to look up.
    pub fn of(rows: &'a [ImportRow]) -> Neighbours<'a> {
        let mut n = Neighbours { ids: HashMap::new(), targets: HashMap::new(), sources: HashMap::new() };
        for r in rows {
            let file = r.origin.file.as_path();
            n.ids.entry((file, r.id.trim())).or_insert(r);
            if r.origin.unit != RowOrLine::Row {
                continue;
            }
            let source = normalize(&r.source).into_owned();
            if !r.target.trim().is_empty() {
                let first = n.targets.entry((file, normalize(&r.target).into_owned())).or_default();
                if first.len() < 2 && first.iter().all(|(_, s)| *s != source) {
                    first.push((r, source.clone()));
                }
            }
            if !source.is_empty() {
                n.sources.entry((file, source)).or_insert(r);
            }
        }
        n
    }

    /// The row of `r`'s file whose id `r`'s target is, if one is.
    pub fn id_row(&self, r: &ImportRow) -> Option<&'a ImportRow> {
        self.ids.get(&(r.origin.file.as_path(), r.target.trim())).copied()
    }

    /// What a reviewer should know of the spreadsheet row `r`, which translates
    /// `source` as `target`, if its target is the target of an earlier row of the same
    /// file or the source of another row, where the two rows' sentences differ.
    pub fn copied(&self, r: &ImportRow, source: &str, target: &str) -> Option<String> {
        if r.origin.unit != RowOrLine::Row {
            return None;
        }
        let file = r.origin.file.as_path();
        let (own, text) = (normalize(source), normalize(target));
        if let Some(other) = self
            .sources
            .get(&(file, text.clone().into_owned()))
            .filter(|o| o.origin.row != r.origin.row && normalize(&o.source) != own)
        {
            return Some(format!(
                "the target is the source of {}, {}, another sentence: a formula referring to that row saved \
                 as its value, or a cell pasted in the wrong row, would give this; check that it translates this \
                 row's sentence",
                other.origin.within(),
                quoted(other.source.trim())
            ));
        }
        let earlier = self.targets.get(&(file, text.into_owned()))?;
        let (other, _) = earlier.iter().find(|(o, s)| o.origin.row < r.origin.row && **s != *own)?;
        Some(format!(
            "the target is the same as {}'s, {}, whose source is another sentence: a formula referring to that \
             row saved as its value, or a cell pasted in the wrong row, would give this; if both sentences \
             translate so, nothing is wrong",
            other.origin.within(),
            quoted(other.target.trim())
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An id as a batch's id column has it, in either case, is told; text around one,
    /// or a shorter one, is not.
    #[test]
    fn an_id_is_told() {
        for id in ["se9064717f24ee44e", " s0123456789abcdef ", "S0123456789ABCDEF"] {
            assert!(is_an_id(id), "{id}");
        }
        for text in ["se9064717f24ee44", "id se9064717f24ee44e", "sg9064717f24ee44e", "x0123456789abcdef"] {
            assert!(!is_an_id(text), "{text}");
        }
    }

    #[test]
    fn conversions_are_named() {
        for (issued, found, what) in [
            ("17.05", "05/17/2026", "date"),
            ("17.05", "17.05.2026", "date"),
            ("3,50", "3.5", "number"),
            ("3,50", "3,5", "number"),
            ("00123", "123", "number"),
            ("1.000", "1000", "number"),
            ("1.000", "1", "number"),
            ("SANN", "TRUE", "boolean"),
            ("=SUM(A1)", "0", "formula"),
            ("Čapek kom.", "?apek kom.", "encoding"),
            ("Čapek kom.", "Capek kom.", "encoding"),
            // LibreOffice in nb-NO with "Detect special numbers".
            ("kr 39,-", "-kr 39,00", "amount"),
            ("kr 0,-", "kr 0,00", "amount"),
            ("39 kr", "kr 39,00", "amount"),
            ("€5", "€ 5,00", "amount"),
            ("Fem råd før du bytter", "Fem r\u{fffd}d f\u{fffd}r du bytter", "U+FFFD"),
            ("Fem råd før du bytter", "Fem rï¿½d fï¿½r du bytter", "U+FFFD"),
        ] {
            let (said, _) = source_damage(issued, found).unwrap_or_else(|| panic!("{issued} -> {found}"));
            assert!(said.contains(what), "{issued} -> {found}: {said}");
        }
    }

    #[test]
    fn edits_are_not_blamed_on_the_spreadsheet() {
        for (issued, found) in [
            ("Ja.", "Ja!"),
            ("17.05", "18.05"),
            ("3,50", "4,50"),
            ("Det var 3,50 kroner.", "Det var 3.5 kroner."),
            ("Hei.", "Hei."),
            ("Kåre kom.", "Kari kom."),
            ("kr 39,-", "kr 49,-"),
            ("kr 39,-", "USD 39.00"),
            ("Det koster kr 39,-.", "Det koster kr 39,00."),
        ] {
            assert_eq!(source_damage(issued, found), None, "{issued} -> {found}");
        }
    }

    /// Norwegian Excel's dates with the month in letters, left where a number was typed.
    #[test]
    fn a_month_date_for_a_sentence_of_numbers_is_refused() {
        for (source, target) in [
            ("3,9 øre", "01.mai"),
            ("kr 0,-", "03.apr"),
            ("3/4", "03.apr"),
            ("17", "17-May-26"),
            ("3.9", "03.sep"),
        ] {
            let why = target_damage(source, target).unwrap_or_else(|| panic!("{source} -> {target}"));
            assert!(why.starts_with(&format!("only the date {target}")), "{why}");
        }
        for (source, target) in
            [("1. mai", "01.mai"), ("17. mai", "17 May"), ("Hei.", "01.mai"), ("3 av 4", "3 of 4")]
        {
            assert_eq!(target_damage(source, target), None, "{source} -> {target}");
        }
    }

    #[test]
    fn formula_results_and_error_values_in_targets() {
        assert!(target_damage("Hva er 30 og 2?", "32").is_some());
        assert!(target_damage("Hei.", "#VALUE!").is_some());
        assert!(target_damage("Hei.", "Err:509").is_some());
        assert!(target_damage("Hei.", "#verdi!").is_some());
        assert_eq!(target_damage("17.05", "17.05"), None);
        assert_eq!(target_damage("Hei.", "Hi."), None);
        assert_eq!(target_damage("Det koster 32 kroner.", "It costs 32 kroner."), None);
    }

    /// Regression: a percentage, a number in scientific notation, a time or an amount as
    /// a spreadsheet writes one back was imported as the translation; `1.00E-03` was
    /// called a date.
    #[test]
    fn what_a_spreadsheet_writes_for_a_typed_number_is_refused() {
        for (found, what) in [
            ("10.00%", "the percentage"),
            ("0,50 %", "the percentage"),
            ("1.00E+05", "the number"),
            ("1.00E-03", "the number"),
            ("-2E+10", "the number"),
            ("01:30:00 AM", "the time"),
            ("12:30 PM", "the time"),
            ("36:00:00", "the time"),
            ("$5.00", "the amount"),
            ("-$1,234.50", "the amount"),
            ("($5.00)", "the amount"),
            ("kr 5,00", "the amount"),
            ("5,00 €", "the amount"),
        ] {
            let why = target_damage("Det koster litt.", found).unwrap_or_default();
            assert!(why.starts_with(&format!("only {what} {found}, ")), "{found}: {why}");
            assert!(why
                .ends_with("or use the XLSX batch (`tolk export --format xlsx`), which keeps text as typed"));
        }
        // What a translator types is no such form; a source with the same text makes it
        // a translation.
        for typed in ["10%", "1e5", "1:30", "$5", "3:15", "10 % more", "E+05"] {
            assert_eq!(target_damage("Det koster litt.", typed), None, "{typed}");
        }
        assert_eq!(target_damage("Renten er 10.00% nå.", "10.00%"), None);
        assert_eq!(target_damage("Kl. 01:30:00 AM.", "01:30:00 AM"), None);
    }

    /// Regression: a translation that is only digits was refused as a number a
    /// spreadsheet reformatted, also where no number format writes it so.
    #[test]
    fn digits_no_number_format_writes_are_a_translation() {
        for kept in ["00123", "007", "1-2", "1 000", "1.2.3.4", "12,34,5", "-", "5 1/2", "1,00,000"] {
            assert_eq!(target_damage("Løpenummer null null en to tre", kept), None, "{kept}");
        }
        // A number as a spreadsheet writes it, in English or Norwegian: a formula's
        // result may be any of these.
        for number in ["32", "-5", "1.5", "3,5", "0.5", "1,000", "1.000", "1\u{a0}000,5", "12,345.67", "0"] {
            let why = target_damage("Hva er det?", number).unwrap_or_default();
            assert!(why.starts_with(&format!("only the number {number}, ")), "{number}: {why}");
            assert!(why.contains("(1.50 becomes 1.5); type the translation as text"), "{why}");
        }
    }

    /// Regression: a CSV saved with its formulas, not their results, brought `=see
    /// above` as a translation.
    #[test]
    fn a_formula_saved_as_its_text_is_refused() {
        let why = formula_text("Se ovenfor", "=see above").unwrap_or_default();
        assert!(
            why.starts_with("the formula \"=see above\", as a spreadsheet saves a formula with"),
            "{why}"
        );
        // tolk's own apostrophe, and a source starting the same way, make it text.
        assert_eq!(formula_text("Se ovenfor", "'=see above"), None);
        assert_eq!(formula_text("=SUM(A1) er en formel.", "=SUM(A1) is a formula."), None);
        assert_eq!(formula_text("Se ovenfor", "See = above"), None);
    }

    #[test]
    fn dates_and_truth_values_in_targets() {
        // A translation the spreadsheet read as a date, in the forms it writes back.
        for date in ["05/17/2026", "17.05.2026", "2026-05-17 00:00:00", "5/17/26 12:00 AM", "17-05-2026"] {
            let why = target_damage("Vi møtes 17. mai.", date).unwrap_or_default();
            assert!(why.starts_with(&format!("only the date {date}, ")), "{date}: {why}");
        }
        for value in ["TRUE", "SANN", "false"] {
            let why = target_damage("Det er sant, sa hun.", value).unwrap_or_default();
            assert!(why.starts_with(&format!("only the truth value {value}, ")), "{value}: {why}");
        }
        // One word can be translated as a truth value; a sentence that says a date in
        // words is no date cell; a date in a sentence is a translation.
        assert_eq!(target_damage("Sant", "TRUE"), None);
        assert_eq!(target_damage("Helt sant", "TRUE"), None);
        assert_eq!(target_damage("17. mai", "May 17"), None);
        assert_eq!(target_damage("Vi møtes 17.05.2026.", "We meet on 17.05.2026."), None);
        assert_eq!(target_damage("Klokka er 12.00.", "12:00 it is."), None);
    }
}
