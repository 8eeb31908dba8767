//! The one XML policy of every XML reader (TMX, XLIFF, SRX) and what tolk's XML writers
//! share: which characters XML 1.0 can hold and how text is escaped.
//!
//! Every reader applies the same rules, in the same words: a DOCTYPE is read past and
//! never fetched, and one that declares entities is refused ([`check_doctype`]), so
//! neither "billion laughs" nor an external entity can do anything; only XML's five
//! entities and character references are expanded ([`reference_error`] names the
//! rest); a character XML cannot hold is refused ([`not_allowed`]); elements nest at
//! most [`MAX_DEPTH`] deep ([`too_deep`]). Parsing is quick-xml's; the formats are
//! [`crate::exchange::tmx`], [`crate::batch::xliff`] and [`crate::segment::srx`].

use quick_xml::escape::EscapeError;

/// How deep elements may nest in any XML file tolk reads: far more than TMX (under
/// ten), XLIFF (a batch tolk writes has six) or SRX (five) need, and few enough that no
/// file can make a reader's stack grow without bound.
pub const MAX_DEPTH: usize = 64;

/// The refusal of a DOCTYPE whose text is `doctype` (what follows `<!DOCTYPE`), or
/// nothing: a DOCTYPE is allowed and ignored (no DTD is ever fetched) unless it declares
/// entities.
pub fn check_doctype(doctype: &[u8]) -> Result<(), &'static str> {
    let upper = doctype.to_ascii_uppercase();
    if upper.windows(8).any(|w| w == b"<!ENTITY") {
        return Err(
            "the DOCTYPE declares entities, which tolk never expands (they can grow without bound or \
                    reach other files); remove the DOCTYPE's [...] part",
        );
    }
    Ok(())
}

/// The byte offset in the text (where the error has one) and the message for a
/// reference quick-xml could not expand.
pub fn reference_error(e: &EscapeError) -> (Option<usize>, String) {
    match e {
        EscapeError::UnrecognizedEntity(range, name) => (
            Some(range.start),
            format!(
                "undefined entity `&{name};`: only &amp; &lt; &gt; &quot; &apos; and character references such as \
                 &#229; are allowed"
            ),
        ),
        EscapeError::UnterminatedEntity(range) => (
            Some(range.start),
            "an `&` that starts no entity (a `;` is missing, or a literal & should be written &amp;)".to_string(),
        ),
        EscapeError::InvalidCharRef(err) => (None, format!("invalid character reference: {err}")),
    }
}

/// The message for a character XML 1.0 cannot hold.
pub fn not_allowed(c: char) -> String {
    format!("a character XML does not allow (U+{:04X})", c as u32)
}

/// The message for elements nested deeper than [`MAX_DEPTH`]; `needs` says what the
/// format needs ("TMX needs fewer than ten").
pub fn too_deep(needs: &str) -> String {
    format!("elements are nested deeper than {MAX_DEPTH} levels; {needs}")
}

/// The byte offset in `raw` of the first character reference (`&#1;`, `&#xFFFE;`) to a
/// character XML 1.0 does not allow, and that character.
pub fn forbidden_reference(raw: &str) -> Option<(usize, char)> {
    raw.match_indices("&#").find_map(|(i, _)| {
        let rest = &raw[i + 2..];
        let number = &rest[..rest.find(';')?];
        let code = match number.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => number.parse(),
        };
        let c = char::from_u32(code.ok()?)?;
        (!is_xml_char(c)).then_some((i, c))
    })
}

/// Whether XML 1.0 can hold `c` at all (even as a character reference).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether [`escape_into`] writes `c` as something other than itself.
pub fn needs_escape(c: char, attribute: bool) -> bool {
    matches!(c, '&' | '<' | '>' | '\r') || (attribute && matches!(c, '"' | '\t' | '\n'))
}

/// Appends `text` to `out` escaped for character data, or for an attribute value when
/// `attribute` (where tabs and line breaks must be references to survive). A carriage
/// return is always a reference, as a parser turns a literal one into a line feed. The
/// caller has checked that every character [`is_xml_char`].
pub fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let mut out = String::new();
        escape_into(&mut out, "a<b & \"c\"\r\n\t", false);
        assert_eq!(out, "a&lt;b &amp; \"c\"&#13;\n\t");
        out.clear();
        escape_into(&mut out, "a<b & \"c\"\r\n\t", true);
        assert_eq!(out, "a&lt;b &amp; &quot;c&quot;&#13;&#10;&#9;");
        assert!(!is_xml_char('\u{0}') && !is_xml_char('\u{FFFE}') && is_xml_char('å'));
    }
}
