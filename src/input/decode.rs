//! One decoder for every text file tolk reads: UTF-8 with or without a byte order mark,
//! UTF-16 with one where the format allows it (Excel's "Unicode text", XLIFF from some
//! CAT tools), and Windows-1252 or Mac Roman where a spreadsheet may have saved it (a
//! translator's CSV), told apart by which one puts letters inside words.
//!
//! What the bytes are not is an error with one wording whatever the format, naming the
//! file, the line and the byte: a NUL byte (a binary file, or UTF-16 without a mark),
//! UTF-32 (with a mark or without), invalid UTF-8 or UTF-16, text that is neither UTF-8
//! nor Windows-1252. The error says
//! what to save the file as, in the words of the program that saves it. This module
//! decides nothing about what the text means.

use std::borrow::Cow;
use std::path::Path;

use encoding_rs::{DecoderResult, Encoding};

use super::line_of;
use crate::error::{Error, Place, Result};

/// The encodings a format accepts besides UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// UTF-8 only (a byte order mark is allowed and removed).
    Utf8,
    /// UTF-8, or UTF-16 with a byte order mark.
    Utf16,
    /// UTF-8, or UTF-16 with a byte order mark or, told by the `<` an XML file starts
    /// with (XML 1.0, appendix F), without one.
    Xml,
    /// UTF-8, UTF-16 with a byte order mark, Windows-1252 or Mac Roman (what Excel's
    /// plain "CSV" writes on Windows and on a Mac).
    Legacy,
}

/// A file's text and, when it was not UTF-8, a note saying what it was read as.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text, without a byte order mark.
    pub text: Cow<'a, str>,
    /// "read as UTF-16LE", "read as Windows-1252 (not UTF-8)", or nothing for UTF-8.
    pub note: Option<String>,
    /// What it was read as.
    pub encoding: &'static Encoding,
}

impl Decoded<'_> {
    /// Whether it was read as an 8-bit legacy encoding (Windows-1252, Mac Roman), which
    /// cannot hold every letter: a spreadsheet that saved it wrote `?` for the rest.
    pub fn is_legacy(&self) -> bool {
        self.encoding == encoding_rs::WINDOWS_1252 || self.encoding == encoding_rs::MACINTOSH
    }
}

/// XML in UTF-16 without a byte order mark, told as XML's appendix F tells it: by its
/// first character, which is `<` or, where no declaration comes first, white space.
pub(crate) fn xml_utf16_unmarked(head: &[u8]) -> Option<&'static Encoding> {
    let starts = |b: u8| matches!(b, b'<' | b' ' | b'\t' | b'\r' | b'\n');
    match head {
        [c, 0, d, 0, ..] if starts(*c) && *d != 0 => Some(encoding_rs::UTF_16LE),
        [0, c, 0, d, ..] if starts(*c) && *d != 0 => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// `text` as it was before a program read its UTF-8 as Windows-1252 and saved the
/// result as UTF-8 again (a spreadsheet told the wrong character set on opening a CSV):
/// `Ã¥` back to `å`, `â€“` to `–`, `ï»¿` to the byte order mark it was, run by run, so
/// that a character typed right after the damage (`–`, `’` put in by autocorrect) is
/// kept as it is. `None` when nothing reads as such a double encoding.
///
/// Real text can hold such a run too (`Ã` and a non-breaking space), so only a file
/// shown to be double-encoded is undone (see [`crate::import::undo_double_encoding`]).
pub fn undo_double_encoding(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    // LibreOffice reads the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F,
    // 0x90, 0x9D: the last byte of `”`, U+201D, is 0x9D) as private-use characters
    // U+F181…U+F19D: back to the characters that stand for those bytes.
    const UNDEFINED: [char; 5] = ['\u{f181}', '\u{f18d}', '\u{f18f}', '\u{f190}', '\u{f19d}'];
    let text: std::borrow::Cow<'_, str> = if text.contains(UNDEFINED) {
        text.chars()
            .map(|c| match c {
                c if UNDEFINED.contains(&c) => char::from_u32(c as u32 - 0xF100).unwrap_or(c),
                c => c,
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    };
    let text = text.as_ref();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while !rest.is_empty() {
        // A stretch of characters Windows-1252 has, and the character after it.
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                let mut buf = [0; 4];
                encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf)).2
            })
            .map_or(rest.len(), |(i, _)| i);
        let (stretch, after) = rest.split_at(end);
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(stretch);
        for chunk in bytes.utf8_chunks() {
            let valid = chunk.valid();
            // A valid run of one byte per character is the stretch's own ASCII.
            changed |= valid.len() > valid.chars().count();
            out.push_str(valid);
            out.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0);
        }
        let next = after.chars().next();
        if let Some(c) = next {
            out.push(c);
        }
        rest = &after[next.map_or(0, char::len_utf8)..];
    }
    changed.then_some(out)
}

/// The error for `message` about byte `offset` of `bytes`, the file at `path`.
fn refusal(path: &Path, bytes: &[u8], offset: usize, message: String) -> Error {
    Error::at(path, Place::byte(line_of(bytes, offset), offset), message)
}

/// Decodes the `bytes` of the file at `path` as `accept` allows; `save_as` names the
/// encoding to save the file in when it cannot be read (`"CSV UTF-8"`, `UTF-8`).
pub fn decode<'a>(path: &Path, bytes: &'a [u8], accept: Accept, save_as: &str) -> Result<Decoded<'a>> {
    let at = |offset: usize, message: String| refusal(path, bytes, offset, message);
    refuse_utf32(path, bytes, save_as)?;
    let utf16 = match bytes {
        [0xff, 0xfe, ..] => Some(encoding_rs::UTF_16LE),
        [0xfe, 0xff, ..] => Some(encoding_rs::UTF_16BE),
        _ if accept == Accept::Xml => xml_utf16_unmarked(bytes),
        _ => None,
    };
    // UTF-16 where it is not accepted, and a NUL in what is not UTF-16.
    if utf16.is_none() || accept == Accept::Utf8 {
        refuse_binary(path, bytes, save_as)?;
    }
    if let Some(encoding) = utf16 {
        let (text, encoding) = decode_utf16(bytes, encoding).map_err(|(line, byte)| {
            Error::at(
                path,
                Place::byte(line, byte),
                format!(
                    "invalid UTF-16 in a file that starts {}; save the file again as {save_as}",
                    if bytes[0] == b'<' || bytes[1] == b'<' {
                        "as XML in UTF-16"
                    } else {
                        "with a UTF-16 byte order mark"
                    }
                ),
            )
        })?;
        return Ok(Decoded {
            text: Cow::Owned(text),
            note: Some(format!("read as {}", encoding.name())),
            encoding,
        });
    }
    let bom = if bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    let body = &bytes[bom..];
    let error = match std::str::from_utf8(body) {
        Ok(text) => {
            return Ok(Decoded { text: Cow::Borrowed(text), note: None, encoding: encoding_rs::UTF_8 })
        }
        Err(e) => e,
    };
    let first_invalid = bom + error.valid_up_to();
    if bom > 0 {
        return Err(at(
            first_invalid,
            format!("invalid UTF-8 in a file that starts with a UTF-8 byte order mark; save it again as {save_as}"),
        ));
    }
    if accept != Accept::Legacy {
        return Err(at(first_invalid, format!("invalid UTF-8; save the file again as {save_as}")));
    }
    // Not UTF-8. If some of it is UTF-8 beyond ASCII, it is a damaged UTF-8 file, not
    // another encoding: name the first bad byte rather than guess.
    if body.utf8_chunks().any(|chunk| !chunk.valid().is_ascii()) {
        return Err(at(
            first_invalid,
            format!("invalid UTF-8 in a file that is otherwise UTF-8; save it again as {save_as}"),
        ));
    }
    // Excel writes plain "CSV" in Windows-1252 on Windows and in Mac Roman on a Mac: the
    // one in which the file reads as Norwegian or English is the one it is in.
    if plausibility(body, encoding_rs::MACINTOSH) > plausibility(body, encoding_rs::WINDOWS_1252) {
        let (text, _, _) = encoding_rs::MACINTOSH.decode(body);
        return Ok(Decoded {
            text: Cow::Owned(text.into_owned()),
            note: Some("read as Mac Roman (not UTF-8)".into()),
            encoding: encoding_rs::MACINTOSH,
        });
    }
    if let Some(bad) = body.iter().position(|b| matches!(b, 0x81 | 0x8d | 0x8f | 0x90 | 0x9d)) {
        return Err(at(bad, format!("neither UTF-8 nor Windows-1252; save the file as {save_as}")));
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(body);
    Ok(Decoded {
        text: Cow::Owned(text.into_owned()),
        note: Some("read as Windows-1252 (not UTF-8)".into()),
        encoding: encoding_rs::WINDOWS_1252,
    })
}

/// `bytes` as a UTF-8 `String`, a byte order mark kept (a document gives it back byte
/// for byte): the same refusals as [`decode`] with [`Accept::Utf8`], without a copy.
pub fn utf8(path: &Path, bytes: Vec<u8>, save_as: &str) -> Result<String> {
    refuse_binary(path, &bytes, save_as)?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = line_of(e.as_bytes(), offset);
        Error::at(path, Place::byte(line, offset), format!("invalid UTF-8; save the file again as {save_as}"))
    })
}

/// Refuses bytes that are no UTF-8 text file at all: UTF-16 (with a byte order mark)
/// or anything with a NUL byte (UTF-16 without a mark, a binary file). For a format
/// that checks UTF-8 itself, cell by cell, to name the cell.
pub fn refuse_binary(path: &Path, bytes: &[u8], save_as: &str) -> Result<()> {
    let at = |offset: usize, message: String| refusal(path, bytes, offset, message);
    refuse_utf32(path, bytes, save_as)?;
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return Err(at(0, format!("the file is UTF-16; save it as {save_as}")));
    }
    match memchr::memchr(0, bytes) {
        Some(nul) => Err(at(
            nul,
            format!(
                "a NUL byte: this is not a text file (UTF-16 without a byte order mark, or a binary file such \
                 as .xlsx); save it as {save_as}"
            ),
        )),
        None => Ok(()),
    }
}

/// Refuses UTF-32, which tolk reads nowhere (no spreadsheet or CAT tool saves a batch
/// or memory in it, but a script or an editor may): told by its byte order mark (read
/// otherwise, `FF FE 00 00` starts UTF-16 and the rest is NUL characters), or without
/// one by a first character of ASCII text beside three NUL bytes, as no other text
/// file starts; said as such, not as a NUL byte or a header of garbled names.
fn refuse_utf32(path: &Path, bytes: &[u8], save_as: &str) -> Result<()> {
    let text = |b: u8| b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let utf32 = match bytes {
        [0xff, 0xfe, 0, 0, ..] | [0, 0, 0xfe, 0xff, ..] => true,
        [c, 0, 0, 0, ..] | [0, 0, 0, c, ..] => text(*c),
        _ => false,
    };
    match utf32 {
        true => Err(refusal(
            path,
            bytes,
            0,
            format!("the file is UTF-32, which tolk does not read; save it as {save_as}"),
        )),
        false => Ok(()),
    }
}

/// How plausible `bytes` are as Norwegian or English text in `encoding`, judged by
/// each byte beyond ASCII as that encoding reads it:
/// - a letter where a word has it (a small letter next to an ASCII letter, `blåbær`; a
///   capital that starts a word or stands among capitals, `Øl`, `ÅRET`) scores 3 for
///   æ, ø, å, 1 for the other letters Norwegian and English text borrows (é, ü, ö, ä,
///   á, ó, à, è, ê, ç, ñ);
/// - typographic punctuation (’ ‘ “ ” « » – — … • € ° § ½ ·) scores 2 wherever it is;
/// - anything else (í, ì, î, ¯, Œ, ¾, a capital straight after a small letter) costs 2.
///
/// `It’s` saved in Windows-1252 reads `Itís` in Mac Roman, `blåbær` saved in Mac Roman
/// reads `blŒb¾r` in Windows-1252: the right reading scores higher.
fn plausibility(bytes: &[u8], encoding: &'static Encoding) -> i64 {
    let letter = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
    let small = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_lowercase);
    (0..bytes.len())
        .filter(|&i| bytes[i] >= 0x80)
        .map(|i| {
            let (c, _) = encoding.decode_without_bom_handling(&bytes[i..=i]);
            let Some(c) = c.chars().next() else { return -2 };
            let before = i.checked_sub(1);
            let in_word = if c.is_lowercase() {
                before.is_some_and(letter) || letter(i + 1)
            } else if c.is_uppercase() {
                !before.is_some_and(small) && (letter(i + 1) || before.is_some_and(letter))
            } else {
                false
            };
            match c {
                'æ' | 'ø' | 'å' | 'Æ' | 'Ø' | 'Å' if in_word => 3,
                'é' | 'ü' | 'ö' | 'ä' | 'á' | 'ó' | 'à' | 'è' | 'ê' | 'ç' | 'ñ' | 'É' | 'Ü' | 'Ö' | 'Ä'
                    if in_word =>
                {
                    1
                }
                '’' | '‘' | '“' | '”' | '«' | '»' | '–' | '—' | '…' | '•' | '€' | '°' | '§' | '½' | '·' => {
                    2
                }
                _ => -2,
            }
        })
        .sum()
}

/// Decodes `bytes`, UTF-16 in `encoding`'s order with or without a byte order mark;
/// the error is the line and byte offset where they stop being UTF-16 (a lone
/// surrogate, or an odd byte at the end).
fn decode_utf16(
    bytes: &[u8],
    encoding: &'static Encoding,
) -> std::result::Result<(String, &'static Encoding), (usize, usize)> {
    let mut decoder = encoding.new_decoder_with_bom_removal();
    let mut text = String::new();
    let mut read = 0;
    loop {
        let room = decoder.max_utf8_buffer_length_without_replacement(bytes.len() - read);
        text.reserve(room.unwrap_or(bytes.len()));
        let (result, n) = decoder.decode_to_string_without_replacement(&bytes[read..], &mut text, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return Ok((text, encoding)),
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, after) => {
                let byte = read - usize::from(after) - usize::from(bad);
                return Err((text.matches('\n').count() + 1, byte));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_double_encoding_is_undone_and_real_text_left_alone() {
        let undo = super::undo_double_encoding;
        assert_eq!(undo("BlÃ¥bÃ¦rsyltetÃ¸y pÃ¥ Ã…lesund").as_deref(), Some("Blåbærsyltetøy på Ålesund"));
        assert_eq!(
            undo("Government game ðŸŽ‰ â€“ â€œfineâ€\u{9d}").as_deref(),
            Some("Government game 🎉 – “fine”")
        );
        assert_eq!(undo("ï»¿id").as_deref(), Some("\u{feff}id"));
        // As LibreOffice reads the byte Windows-1252 lacks at the end of `”`.
        assert_eq!(undo("â€œblÃ¥bÃ¦râ€\u{f19d} politics").as_deref(), Some("“blåbær” politics"));
        // A character typed right after the damage, and one Windows-1252 lacks, stay.
        assert_eq!(
            undo("Det gÃ¥r bra – it’s fine, Čapek").as_deref(),
            Some("Det går bra – it’s fine, Čapek")
        );
        for real in [
            "Blåbærsyltetøy på Ålesund – «sitat» … 5 °C, 1½ time, Müller, Čapek, Poznań, 東京",
            "plain ASCII",
            "Â is a letter; so is Ã, and © and ® too",
            "Blåbær – it’s «fine»",
            "",
        ] {
            assert_eq!(undo(real), None, "{real}");
        }
    }

    use super::*;

    fn check(bytes: &[u8], accept: Accept) -> std::result::Result<(String, Option<String>), String> {
        decode(Path::new("f.csv"), bytes, accept, "UTF-8")
            .map(|d| (d.text.into_owned(), d.note))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn what_each_format_accepts() {
        assert_eq!(check(b"\xef\xbb\xbfhei", Accept::Utf8), Ok(("hei".into(), None)));
        let utf16 = b"\xff\xfeh\0e\0i\0";
        assert_eq!(check(utf16, Accept::Utf16), Ok(("hei".into(), Some("read as UTF-16LE".into()))));
        assert_eq!(
            check(utf16, Accept::Utf8),
            Err("f.csv: line 1 (byte 0): the file is UTF-16; save it as UTF-8".into())
        );
        let latin = b"bl\xe5";
        assert_eq!(
            check(latin, Accept::Legacy),
            Ok(("blå".into(), Some("read as Windows-1252 (not UTF-8)".into())))
        );
        assert_eq!(
            check(latin, Accept::Utf16),
            Err("f.csv: line 1 (byte 2): invalid UTF-8; save the file again as UTF-8".into())
        );
    }

    /// Each text saved by Excel in Windows-1252 and in Mac Roman is read back in the
    /// encoding it was saved in: letters, and the typography of real prose.
    #[test]
    fn windows_1252_and_mac_roman_are_told_apart() {
        let texts = [
            "It’s a test.",
            "The cat’s asleep in the sun, «løper» ikke.",
            "“Hi”",
            "Kort: karriere i kundeservice, blåbær og øl?",
            "ÅRET – café, naïve… 5 €",
            "Det var «kjempebra» – sa hun.",
            "Müller’s résumé",
            "ØL OG BRØD",
        ];
        for text in texts {
            for encoding in [encoding_rs::WINDOWS_1252, encoding_rs::MACINTOSH] {
                let (bytes, _, lossy) = encoding.encode(text);
                assert!(!lossy, "{text} in {}", encoding.name());
                let (read, note) = check(&bytes, Accept::Legacy).unwrap_or_else(|e| panic!("{text}: {e}"));
                assert_eq!(read, text, "saved in {}, read with note {note:?}", encoding.name());
            }
        }
    }

    #[test]
    fn every_refusal_names_the_line_and_byte() {
        assert_eq!(
            check(b"a\nb\0", Accept::Legacy),
            Err("f.csv: line 2 (byte 3): a NUL byte: this is not a text file (UTF-16 without a byte order mark, \
                 or a binary file such as .xlsx); save it as UTF-8"
                .into())
        );
        assert_eq!(
            check(b"bl\xc3\xa5\n\xe5", Accept::Legacy),
            Err("f.csv: line 2 (byte 5): invalid UTF-8 in a file that is otherwise UTF-8; save it again as UTF-8"
                .into())
        );
        assert_eq!(
            check(b"\xef\xbb\xbfa\n\xe5", Accept::Legacy),
            Err("f.csv: line 2 (byte 5): invalid UTF-8 in a file that starts with a UTF-8 byte order mark; save \
                 it again as UTF-8"
                .into())
        );
        assert_eq!(
            check(b"a\x81", Accept::Legacy),
            Err("f.csv: line 1 (byte 1): neither UTF-8 nor Windows-1252; save the file as UTF-8".into())
        );
        // UTF-32, with a byte order mark or without, whatever the format accepts.
        for (bytes, accept) in [
            (&b"\xff\xfe\0\0i\0\0\0d\0\0\0"[..], Accept::Legacy),
            (b"\0\0\xfe\xff\0\0\0i", Accept::Utf16),
            (b"i\0\0\0d\0\0\0", Accept::Utf8),
            (b"\0\0\0<\0\0\0a", Accept::Xml),
        ] {
            assert_eq!(
                check(bytes, accept),
                Err("f.csv: line 1 (byte 0): the file is UTF-32, which tolk does not read; save it as UTF-8"
                    .into()),
                "{bytes:?}"
            );
        }
        // XML in UTF-16 without a mark, told by its `<`; only where XML is read.
        assert_eq!(check(b"<\0a\0/\0>\0", Accept::Xml), Ok(("<a/>".into(), Some("read as UTF-16LE".into()))));
        assert_eq!(check(b"\0<\0a\0/\0>", Accept::Xml), Ok(("<a/>".into(), Some("read as UTF-16BE".into()))));
        // A document without a declaration may start with white space.
        assert_eq!(
            check(b"\n\0<\0a\0/\0>\0", Accept::Xml),
            Ok(("\n<a/>".into(), Some("read as UTF-16LE".into())))
        );
        assert_eq!(
            check(b"\0 \0<\0a\0/\0>", Accept::Xml),
            Ok((" <a/>".into(), Some("read as UTF-16BE".into())))
        );
        assert!(check(b"<\0a\0/\0>\0", Accept::Utf16).unwrap_err().contains("a NUL byte"));
        assert_eq!(
            check(b"\xff\xfeh\0\n\0\x00\xd8", Accept::Utf16),
            Err("f.csv: line 2 (byte 6): invalid UTF-16 in a file that starts with a UTF-16 byte order mark; save \
                 the file again as UTF-8"
                .into())
        );
    }
}
