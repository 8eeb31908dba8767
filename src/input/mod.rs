//! The hardened input layer under every reader: the size limits ([`limits`]), one
//! decoder for the encodings tolk accepts ([`decode`]), one CSV tokenizer for the checks
//! the `csv` crate does not make ([`csv`]), one XML policy ([`xml`]), and
//! one way to turn a byte offset into the line a person looks for ([`line_of`]).
//!
//! Every format reads its file through this layer, so that every reader refuses the
//! same things (an oversized line or cell, a NUL byte, text that is not the encoding it
//! claims) in the same words, naming the file, the line and the byte. The formats
//! themselves (CSV, TSV, TMX, XLIFF, XLSX, SRX, plain text) live elsewhere and know
//! nothing of byte order marks or limits beyond calling this.

pub mod csv;
pub mod decode;
pub mod limits;
pub mod stream;
pub mod xml;

/// The first control character of `text` that no sentence or translation holds: C0
/// but tab, line feed and carriage return, DEL, and C1 (U+0080–U+009F). Nothing shows
/// it, an edition would carry it unseen, and a terminal acts on it (ESC starts a colour
/// or a title); a hand edit, another program, or a Windows-1252 file read as Latin-1
/// (’ is U+0092 then) puts one in. Every reader of the memory, and import, refuses the
/// same ones. One pass over the bytes: a C1 character is `C2 80`–`C2 9F` in UTF-8.
pub fn control_character(text: &str) -> Option<char> {
    let bytes = text.as_bytes();
    let at = (0..bytes.len()).find(|&i| match bytes[i] {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        0xc2 => matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
        _ => false,
    })?;
    text[at..].chars().next()
}

/// A control character as a message names it: `U+001B (ESC, ^[ in a text editor)`,
/// with what a text editor shows for it (`^[`, `<85>`) and, for a C1 character that a
/// Windows-1252 character read as Latin-1 becomes, that character.
pub fn control_named(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR", "SO",
        "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS",
        "RS", "US",
    ];
    let code = c as u32;
    match code {
        0..=0x1f => format!(
            "U+{code:04X} ({}, ^{} in a text editor)",
            C0[code as usize],
            char::from(b'@' + code as u8)
        ),
        0x7f => "U+007F (DEL, ^? in a text editor)".to_string(),
        0x80..=0x9f => {
            let byte = [code as u8];
            let (read, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            match read.chars().next().filter(|r| !r.is_control()) {
                Some(meant) => format!(
                    "U+{code:04X} (a C1 control character, <{code:X}> in a text editor: a Windows-1252 {meant} \
                     read as Latin-1)"
                ),
                None => format!("U+{code:04X} (a C1 control character, <{code:X}> in a text editor)"),
            }
        }
        _ => format!("U+{code:04X}"),
    }
}

/// The 1-based line of byte `offset` in `bytes` (an offset past the end counts as the
/// end): the number of line feeds before it, plus one.
pub fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The line of any byte offset of one text, for a reader that asks many times: the
/// starts of the lines are found once.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The line starts of `bytes`.
    pub fn new(bytes: &[u8]) -> LineIndex {
        let newlines = bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i + 1);
        LineIndex { starts: std::iter::once(0).chain(newlines).collect() }
    }

    /// The 1-based line of byte `offset`, as [`line_of`] counts it.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// Refuses, naming it, a `path` that is not a regular file once links are followed (a
/// FIFO, a device, a socket, a folder): a file tolk reads twice, once to tell its
/// format and once to read it, would block or read nothing the second time. `what`
/// names the file in the message: "a batch".
pub fn regular_file(path: &std::path::Path, what: &str) -> crate::error::Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| crate::error::Error::io(path, e))?;
    if meta.is_file() {
        return Ok(());
    }
    Err(crate::error::Error::at(
        path,
        crate::error::Place::File,
        format!(
            "is a {}, not a file; tolk reads {what} from a regular file (it reads it twice, once to tell its \
             format): save it to a file first",
            crate::store::kind_of(&meta)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// C0 but tab, line feed and carriage return, DEL and C1 are found, at their place;
    /// letters beyond ASCII whose UTF-8 has the bytes of C1 (`Â`, `À`) are not.
    #[test]
    fn control_characters_are_found_and_named() {
        for (text, found) in [
            ("A cup\u{1b}[31m costs", Some('\u{1b}')),
            ("Tab\tline\nreturn\r", None),
            ("Del\u{7f}", Some('\u{7f}')),
            ("It\u{92}s", Some('\u{92}')),
            ("Ål og Â, À, \u{a0}, \u{200b}, ’", None),
            ("\u{9f}", Some('\u{9f}')),
            ("\u{0}", Some('\u{0}')),
        ] {
            assert_eq!(control_character(text), found, "{text:?}");
        }
        assert_eq!(control_named('\u{1b}'), "U+001B (ESC, ^[ in a text editor)");
        assert_eq!(control_named('\u{7}'), "U+0007 (BEL, ^G in a text editor)");
        assert_eq!(control_named('\u{7f}'), "U+007F (DEL, ^? in a text editor)");
        assert_eq!(
            control_named('\u{92}'),
            "U+0092 (a C1 control character, <92> in a text editor: a Windows-1252 ’ read as Latin-1)"
        );
        assert_eq!(control_named('\u{81}'), "U+0081 (a C1 control character, <81> in a text editor)");
    }

    #[test]
    fn lines_count_line_feeds_before_the_offset() {
        assert_eq!(line_of(b"", 0), 1);
        assert_eq!(line_of(b"a\nb\nc", 0), 1);
        assert_eq!(line_of(b"a\nb\nc", 1), 1);
        assert_eq!(line_of(b"a\nb\nc", 2), 2);
        assert_eq!(line_of(b"a\nb\nc", 99), 3);
        assert_eq!(line_of(b"a\r\nb", 3), 2);
        let text = b"a\nb\n\nc";
        let index = LineIndex::new(text);
        for offset in 0..text.len() + 3 {
            assert_eq!(index.line_of(offset), line_of(text, offset), "{offset}");
        }
    }
}
