//! How a file name, a path or a text is shown to a person: every message, summary,
//! warning and progress bar that names a file goes through [`path`] or [`name`], and
//! one that quotes a sentence, a translation or a cell through [`quoted`].
//!
//! A file name may hold any byte but `/` and NUL, so a document called
//! `$'\e[31mred.txt'` would otherwise recolour (or, with other sequences, retitle or
//! rewrite) the terminal that prints it. Control characters (C0, DEL, C1) and the
//! invisible bidirectional overrides and isolates, which reorder what follows them, are
//! shown escaped as Rust writes them (`\u{1b}`; a line break, tab or carriage return
//! as `\n`, `\t`, `\r`, as a translation with a line break reads best); every other character, printable
//! Unicode of any script included, is shown as it is. A name that is not valid UTF-8 is
//! shown with U+FFFD where its bytes are not.
//!
//! This module does not change what tolk writes into files (CSV, JSON, TMX and XLIFF
//! have their own escaping) or what it uses as a path: it only shows.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

/// A name or path ready to be shown: its [`fmt::Display`] escapes what a terminal would
/// act on.
#[derive(Debug, Clone)]
pub struct Shown<'a>(Cow<'a, str>);

/// `path`, to be shown.
pub fn path(path: &Path) -> Shown<'_> {
    Shown(path.to_string_lossy())
}

/// A file or document name (or any text naming a file), to be shown.
pub fn name(name: &str) -> Shown<'_> {
    Shown(Cow::Borrowed(name))
}

/// A text of a document, a batch or the memory (a sentence, a translation, a cell),
/// shown between straight double quotes. A quote inside the text is shown as it is, as
/// a person reads it (`"He said "yes""`), not escaped as Rust's `{:?}` would
/// (`"He said \"yes\""`); what a terminal would act on is escaped as in [`name`].
pub fn quoted(text: &str) -> Quoted<'_> {
    Quoted(Shown(Cow::Borrowed(text)))
}

/// A text ready to be shown quoted: see [`quoted`].
#[derive(Debug, Clone)]
pub struct Quoted<'a>(Shown<'a>);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0)
    }
}

/// Where two texts that look alike differ in what cannot be seen: a no-break space for
/// a space, a zero-width space, a double space, a tab. `None` where they differ in
/// something visible first, or not at all. Said as `after "Hello", "memory" has a space
/// and "file" a no-break space (U+00A0)`, `one` and `other` naming the two texts.
pub fn invisible_difference(one: &str, other: &str, a: &str, b: &str) -> Option<String> {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let (rest_a, rest_b): (String, String) =
        (a.chars().skip(common).collect(), b.chars().skip(common).collect());
    let (mut ca, mut cb) = (rest_a.chars().next(), rest_b.chars().next());
    // One has a character more where the other goes on as it does (a double space, a
    // zero-width space put in): the other has nothing there.
    let after = |rest: &str, c: char| rest[c.len_utf8()..].to_string();
    if ca.is_some_and(|c| invisible(c) && after(&rest_a, c) == rest_b) {
        cb = None;
    } else if cb.is_some_and(|c| invisible(c) && after(&rest_b, c) == rest_a) {
        ca = None;
    } else if !ca.is_none_or(invisible) || !cb.is_none_or(invisible) || ca == cb {
        return None;
    }
    let before: String = a.chars().take(common).collect();
    let double = before.ends_with(' ') || (ca == Some(' ') && cb.is_none() && rest_b.starts_with(' '));
    let named = |c: Option<char>| match c {
        Some(' ') if double => "a second space (a double space)".to_string(),
        Some(c) => invisible_named(c),
        None => "nothing there".to_string(),
    };
    let shown: String = {
        let tail: Vec<char> = before.chars().rev().take(20).collect();
        tail.into_iter().rev().collect()
    };
    let place = match shown.trim().is_empty() {
        true => "at the start".to_string(),
        false => format!("after {}", quoted(shown.trim_start())),
    };
    Some(format!("{place}, {one} has {} and {other} {}", named(ca), named(cb)))
}

/// Whether `c` is a character a reader does not see: white space, or a format
/// character (zero-width space, joiner, soft hyphen, byte order mark).
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{ad}')
}

/// An invisible character by its name and code point: `a no-break space (U+00A0)`.
fn invisible_named(c: char) -> String {
    let name = match c {
        ' ' => return "a space".to_string(),
        '\t' => return "a tab".to_string(),
        '\u{a0}' => "a no-break space",
        '\u{202f}' => "a narrow no-break space",
        '\u{2009}' => "a thin space",
        '\u{200b}' => "a zero-width space",
        '\u{200c}' => "a zero-width non-joiner",
        '\u{200d}' => "a zero-width joiner",
        '\u{2060}' => "a word joiner",
        '\u{feff}' => "a zero-width no-break space (a byte order mark)",
        '\u{ad}' => "a soft hyphen",
        c if c.is_whitespace() => "a space of another kind",
        _ => "an invisible character",
    };
    format!("{name} (U+{:04X})", c as u32)
}

/// Whether `c` is shown escaped: it would act on a terminal or reorder the text.
fn escaped(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest: &str = &self.0;
        while let Some(at) = rest.find(escaped) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            match c {
                '\n' => f.write_str("\\n")?,
                '\t' => f.write_str("\\t")?,
                '\r' => f.write_str("\\r")?,
                c => write!(f, "\\u{{{:x}}}", c as u32)?,
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invisible_difference_is_named_and_a_visible_one_is_not() {
        let d = |a: &str, b: &str| invisible_difference("a", "b", a, b);
        assert_eq!(
            d("Hello there.", "Hello\u{a0}there.").as_deref(),
            Some("after \"Hello\", a has a space and b a no-break space (U+00A0)")
        );
        assert_eq!(
            d("No  way.", "No way.").as_deref(),
            Some("after \"No \", a has a second space (a double space) and b nothing there")
        );
        assert_eq!(
            d("Good day.", "Good\u{200b} day.").as_deref(),
            Some("after \"Good\", a has nothing there and b a zero-width space (U+200B)")
        );
        assert_eq!(d("Good day.", "Good night."), None);
        assert_eq!(d("Good day.", "Good day."), None);
        assert_eq!(d("Good day", "Good day."), None);
    }

    #[track_caller]
    fn check(raw: &str, shown: &str) {
        assert_eq!(name(raw).to_string(), shown);
        assert_eq!(path(Path::new(raw)).to_string(), shown);
    }

    #[test]
    fn control_characters_are_escaped_and_printable_text_kept() {
        check("\u{1b}[31mred.txt", "\\u{1b}[31mred.txt");
        check("a\nb\rc\td\u{7f}e\u{9b}f", "a\\nb\\rc\\td\\u{7f}e\\u{9b}f");
        check("corpus/Blåbær – «sitat» 東京 مرحبا.txt", "corpus/Blåbær – «sitat» 東京 مرحبا.txt");
        check("txt.\u{202e}exe", "txt.\\u{202e}exe");
        check("plain\\name", "plain\\name");
    }

    #[test]
    fn a_quoted_text_keeps_its_quotes_and_backslashes_and_escapes_controls() {
        assert_eq!(quoted(r#"He said "yes" \o/"#).to_string(), r#""He said "yes" \o/""#);
        assert_eq!(quoted("Linje én\nlinje to\u{1b}").to_string(), r#""Linje én\nlinje to\u{1b}""#);
        assert_eq!(quoted("").to_string(), r#""""#);
    }
}
