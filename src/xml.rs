//! What tolk's XML writers (TMX, XLIFF) and readers share about XML 1.0 itself: which
//! characters it can hold and how text is escaped.
//!
//! Parsing is quick-xml's; the formats are [`crate::tmx`] and [`crate::batch::xliff`].

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
