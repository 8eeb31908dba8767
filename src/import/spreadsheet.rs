//! What spreadsheets do to a batch's cells, told apart from what a translator did.
//!
//! A CSV batch opened in Excel or LibreOffice and saved again can come back with its
//! cells converted: `17.05` read as a date and written `05/17/2026`, `3,50` as the
//! number `3.5`, `00123` as `123`, `SANN` as `TRUE`, a cell starting with `=` run as a
//! formula, and letters the file's legacy encoding (Windows-1252, Mac Roman) cannot
//! hold written as `?`. [`source_damage`] names which of these turned the issued
//! sentence into the cell that came back, so an import can say what happened and what
//! to do instead of blaming the translator; [`target_damage`] finds what is left in a
//! target of a formula or of a spreadsheet error. Nothing here reads files.

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

/// How a spreadsheet turned `issued` into `found`, if a conversion explains it.
pub fn source_damage(issued: &str, found: &str) -> Option<&'static str> {
    let (issued, found) = (issued.trim(), found.trim());
    if issued == found {
        return None;
    }
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

/// What a spreadsheet left in a CSV target instead of a translation, if it did: an
/// error value, or only a number where the source has words (a formula's result,
/// which a CSV cannot tell from text).
pub fn target_damage(source: &str, target: &str) -> Option<String> {
    if let Some(why) = error_value(target) {
        return Some(why);
    }
    let t = target.trim();
    if is_date_cell(t) && source.chars().any(char::is_alphabetic) {
        return Some(format!(
            "only the date {t}, which is what a spreadsheet leaves where it read the cell as a date (May 17 \
             becomes 05/17/2026) or a formula's result was one; type the translation as text"
        ));
    }
    // A sentence of three words or more is no truth value; `Sant` or `Helt sant` may
    // be translated as one.
    if is_boolean(t) && source.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count() > 2 {
        return Some(format!(
            "only the truth value {t}, which is what a spreadsheet leaves where it read the cell as one or a \
             formula's result was one; type the translation as text"
        ));
    }
    let bare_number =
        !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | ' '));
    if bare_number && t.chars().any(|c| c.is_ascii_digit()) && source.chars().any(char::is_alphabetic) {
        return Some(format!(
            "only the number {t}, which is what a spreadsheet leaves where a formula ran (=30+2 becomes 32) or a \
             number was reformatted; type the translation as text"
        ));
    }
    None
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

fn has_digits(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

/// `05/17/2026`, `17.05.2026`, `2026-05-17`, `17-May-26`, optionally with a time.
fn looks_like_date(s: &str) -> bool {
    let date = s.split_whitespace().next().unwrap_or("");
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

#[cfg(test)]
mod tests {
    use super::*;

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
        ] {
            let said = source_damage(issued, found).unwrap_or_else(|| panic!("{issued} -> {found}"));
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
        ] {
            assert_eq!(source_damage(issued, found), None, "{issued} -> {found}");
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
