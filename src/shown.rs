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
