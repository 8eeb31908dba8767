//! The one XML policy of every XML reader (TMX, XLIFF, SRX) and what tolk's XML writers
//! share: which characters XML 1.0 can hold, how text is escaped, and [`XmlWriter`],
//! the one way they lay out what they write; and [`tidy_space`], XML's default white
//! space handling as the TMX and XLIFF readers apply it to a pretty-printed file.
//!
//! Every reader applies the same rules, in the same words: a DOCTYPE is read past and
//! never fetched, and one that declares entities is refused ([`check_doctype`]), so
//! neither "billion laughs" nor an external entity can do anything; only XML's five
//! entities and character references are expanded ([`reference_error`] names the
//! rest); a character XML cannot hold is refused ([`not_allowed`]); elements nest at
//! most [`MAX_DEPTH`] deep and carry at most [`MAX_ATTRIBUTES`] attributes. [`Policy`] applies the event rules to each event of a
//! reader's loop, so no reader can forget one. Parsing is quick-xml's; the formats are
//! [`crate::exchange::tmx`], [`crate::batch::xliff`] and [`crate::segment::srx`].

use quick_xml::escape::EscapeError;

/// How deep elements may nest in any XML file tolk reads: far more than TMX (under
/// ten), XLIFF (a batch tolk writes has six) or SRX (five) need, and few enough that no
/// file can make a reader's stack grow without bound.
pub const MAX_DEPTH: usize = 64;

/// How many attributes one element may carry. A TMX `tu` has at most fourteen, and
/// CAT tools add a few dozen of their own to an XLIFF unit; the cap keeps quick-xml's
/// check for repeated attributes (each name against the ones before it) from growing
/// with the square of a tag's length.
pub const MAX_ATTRIBUTES: usize = 256;

/// The policy every XML reader's event loop passes each event through, before it
/// looks at the event itself: a DOCTYPE that declares entities is refused, elements
/// may nest at most [`MAX_DEPTH`] deep and carry at most [`MAX_ATTRIBUTES`]
/// attributes. `needs` says in the refusal how deep
/// the format needs ("TMX needs fewer than ten").
#[derive(Debug, Clone)]
pub struct Policy {
    depth: usize,
    needs: &'static str,
}

impl Policy {
    /// The policy for a format that needs `needs`.
    pub fn new(needs: &'static str) -> Policy {
        Policy { depth: 0, needs }
    }

    /// Checks `event`; the error is the refusal's message.
    pub fn check(&mut self, event: &quick_xml::events::Event<'_>) -> Result<(), String> {
        use quick_xml::events::Event;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                // Counted without quick-xml's check for repeats, which is the quadratic part.
                if e.attributes().with_checks(false).take(MAX_ATTRIBUTES + 1).count() > MAX_ATTRIBUTES {
                    return Err(format!(
                        "<{}> has more than {MAX_ATTRIBUTES} attributes, more than any format tolk reads uses",
                        String::from_utf8_lossy(e.name().as_ref())
                    ));
                }
                if matches!(event, Event::Start(_)) {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(too_deep(self.needs));
                    }
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::DocType(t) => check_doctype(t).map_err(str::to_string)?,
            _ => {}
        }
        Ok(())
    }
}

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
fn too_deep(needs: &str) -> String {
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

/// Tidies the white space of a text's `pieces` (its runs of text and, between them,
/// inline codes, which `text_of` tells apart: `None` for a code) as XML's default
/// white space handling lets an application do where no `xml:space="preserve"` says
/// otherwise: a file pretty-printed by a tool (each element on its own line, indented)
/// has line breaks and indentation that are no part of the sentence. White space with
/// a line break at the start and the end of the text is left out, and inside it is
/// one space; white space without a line break (a double space, a tab) is the
/// translator's, and kept. A piece of text left empty is removed. Returns whether
/// anything changed. The XLIFF and TMX readers share it, so a pretty-printed batch and
/// a pretty-printed memory come in alike.
pub fn tidy_space<T>(pieces: &mut Vec<T>, text_of: fn(&mut T) -> Option<&mut String>) -> bool {
    fn is_space(c: char) -> bool {
        matches!(c, ' ' | '\t' | '\n' | '\r')
    }
    let mut changed = false;
    if let Some(first) = pieces.first_mut().and_then(text_of) {
        let rest = first.trim_start_matches(is_space);
        if first[..first.len() - rest.len()].contains('\n') {
            *first = rest.to_string();
            changed = true;
        }
    }
    if let Some(last) = pieces.last_mut().and_then(text_of) {
        let kept = last.trim_end_matches(is_space).len();
        if last[kept..].contains('\n') {
            last.truncate(kept);
            changed = true;
        }
    }
    for text in pieces.iter_mut().filter_map(text_of) {
        if !text.contains('\n') {
            continue;
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find(is_space) {
            out.push_str(&rest[..at]);
            let run = &rest[at..];
            let end = run.find(|c: char| !is_space(c)).unwrap_or(run.len());
            match run[..end].contains('\n') {
                true => out.push(' '),
                false => out.push_str(&run[..end]),
            }
            rest = &run[end..];
        }
        out.push_str(rest);
        changed |= out != *text;
        *text = out;
    }
    pieces.retain_mut(|p| text_of(p).is_none_or(|t| !t.is_empty()));
    changed
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

/// An indented XML document being written, one element a line and two spaces a level,
/// every text and attribute value escaped. A text or value holding a character XML 1.0
/// cannot hold at all is the error, so the caller can say which entry held it.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    depth: usize,
}

impl XmlWriter {
    /// A document that starts with the XML declaration (UTF-8).
    pub fn new() -> XmlWriter {
        XmlWriter { out: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_string(), depth: 0 }
    }

    /// A piece of a document, without the declaration, whose first element is
    /// `depth` levels deep: for writers that stream a large document piece by piece.
    pub fn fragment(depth: usize) -> XmlWriter {
        XmlWriter { out: String::new(), depth }
    }

    /// What was written since the last take, leaving the depth as it is.
    pub fn take(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// A line written as it is, at the current depth (a DOCTYPE, a comment).
    pub fn raw(&mut self, line: &str) {
        self.indent();
        self.out.push_str(line);
        self.out.push('\n');
    }

    /// `<name attrs>`; what follows is one level deeper until [`XmlWriter::close`].
    pub fn open(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<(), char> {
        self.start(name, attributes)?;
        self.out.push_str(">\n");
        self.depth += 1;
        Ok(())
    }

    /// `</name>`, closing the element [`XmlWriter::open`] opened.
    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<(), char> {
        self.start(name, attributes)?;
        self.out.push_str("/>\n");
        Ok(())
    }

    /// `<name attrs>text</name>` on one line.
    pub fn text(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) -> Result<(), char> {
        check(text)?;
        self.start(name, attributes)?;
        self.out.push('>');
        escape_into(&mut self.out, text, false);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
        Ok(())
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }

    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<(), char> {
        for (_, value) in attributes {
            check(value)?;
        }
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value, true);
            self.out.push('"');
        }
        Ok(())
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
}

/// The first character of `text` XML 1.0 cannot hold, as the error.
fn check(text: &str) -> Result<(), char> {
    match text.chars().find(|&c| !is_xml_char(c)) {
        Some(c) => Err(c),
        None => Ok(()),
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

    #[test]
    fn the_writer_indents_and_escapes() {
        let mut w = XmlWriter::new();
        w.open("a", &[("x", "1 \"2\"")]).unwrap();
        w.text("b", &[], "<&>").unwrap();
        w.empty("c", &[("y", "\n")]).unwrap();
        w.raw("<!-- note -->");
        w.close("a");
        assert_eq!(
            w.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1 &quot;2&quot;\">\n  <b>&lt;&amp;&gt;</b>\n  \
             <c y=\"&#10;\"/>\n  <!-- note -->\n</a>\n"
        );
        assert_eq!(XmlWriter::new().text("b", &[], "a\u{1}"), Err('\u{1}'));
    }
}
