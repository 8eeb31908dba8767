//! The streaming input stack under the TMX reader, which must not hold a file whole:
//! a byte counter for progress, a transcoder from the encoding a byte order mark or XML
//! declaration names into UTF-8, and a line keeper that knows the line of every byte
//! of the current event and stops the reading, before the parser collects them, at a
//! character XML cannot hold or at text and markup beyond the limits.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::path::Path;

use encoding_rs::{DecoderResult, Encoding};

use crate::error::{Error, Place, Result};
use crate::input::limits::{self, MAX_XML_TEXT};

/// The largest single piece of markup, or of text as written, read at once: a `seg` of
/// [`MAX_XML_TEXT`] bytes written entirely as character references fits.
pub(crate) const MAX_EVENT: u64 = limits::MAX_XML_MARKUP as u64;

/// Looks at the start of the file for a byte order mark, UTF-16 without one, or an
/// encoding named in the XML declaration; `None` means UTF-8.
pub(crate) fn sniff_encoding(input: &mut impl BufRead, path: &Path) -> Result<Option<&'static Encoding>> {
    let head = input.fill_buf().map_err(|e| Error::io(path, e))?;
    // Taken off here, so that the parser's positions are the file's (it would skip the
    // mark without counting it, and lines would be found a few bytes off).
    if head.starts_with(b"\xef\xbb\xbf") {
        input.consume(3);
        return Ok(None);
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok(Some(encoding_rs::UTF_16LE));
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok(Some(encoding_rs::UTF_16BE));
    }
    if let Some(utf16) = crate::input::decode::xml_utf16_unmarked(head) {
        return Ok(Some(utf16));
    }
    if !head.starts_with(b"<?xml") {
        return Ok(None);
    }
    let decl = &head[..head.len().min(512)];
    let Some(end) = decl.windows(2).position(|w| w == b"?>") else { return Ok(None) };
    let decl = &decl[..end];
    let Some(at) = decl.windows(8).position(|w| w == b"encoding") else { return Ok(None) };
    let rest = &decl[at + 8..];
    let Some(open) = rest.iter().position(|&b| b == b'"' || b == b'\'') else { return Ok(None) };
    let quote = rest[open];
    let label = &rest[open + 1..];
    let label = &label[..label.iter().position(|&b| b == quote).unwrap_or(label.len())];
    match Encoding::for_label(label) {
        // A UTF-16 label on bytes that read as ASCII is a mislabelled UTF-8 file.
        Some(e) if e == encoding_rs::UTF_8 || e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => {
            Ok(None)
        }
        Some(e) => Ok(Some(e)),
        None => Err(Error::at(
            path,
            Place::line(1),
            format!(
                "unknown encoding {:?} in the XML declaration; save the file as UTF-8",
                String::from_utf8_lossy(label)
            ),
        )),
    }
}

/// Counts the bytes read from the file and reports them.
pub(crate) struct Progress<'a, R> {
    pub(crate) inner: R,
    pub(crate) read: u64,
    pub(crate) callback: Option<&'a dyn Fn(u64)>,
}

impl<R: Read> Read for Progress<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if let Some(callback) = self.callback {
            callback(self.read);
        }
        Ok(n)
    }
}

/// `Read::read` for a reader whose work is done in `fill_buf`.
fn read_from_buffer(reader: &mut impl BufRead, buf: &mut [u8]) -> io::Result<usize> {
    let available = reader.fill_buf()?;
    let n = available.len().min(buf.len());
    buf[..n].copy_from_slice(&available[..n]);
    reader.consume(n);
    Ok(n)
}

/// Decodes a non-UTF-8 file to UTF-8 as it is read.
pub(crate) struct Transcode<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: BufRead> Transcode<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Transcode<R> {
        Transcode {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            out: Vec::new(),
            pos: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Read for Transcode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_from_buffer(self, buf)
    }
}

impl<R: BufRead> BufRead for Transcode<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos == self.out.len() && !self.done {
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            let room = self.decoder.max_utf8_buffer_length_without_replacement(src.len()).unwrap_or(1 << 20);
            self.out.clear();
            self.out.resize(room.max(16), 0);
            self.pos = 0;
            let (result, read, written) =
                self.decoder.decode_to_utf8_without_replacement(src, &mut self.out, last);
            self.out.truncate(written);
            if let DecoderResult::Malformed(..) = result {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "bytes that are not valid {}; save the file as UTF-8",
                        self.decoder.encoding().name()
                    ),
                ));
            }
            self.inner.consume(read);
            self.done = last;
        }
        Ok(&self.out[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

/// Why [`Lines`] stopped the reading with an error.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stop {
    /// A piece of markup or text of more than [`MAX_EVENT`] bytes.
    Event,
    /// A text of more than [`MAX_XML_TEXT`] bytes.
    Text,
    /// A character XML does not allow, on this line.
    Forbidden { line: u64, c: char },
}

/// A character XML does not allow, found ahead of the parser.
#[derive(Debug, Clone, Copy)]
struct Forbidden {
    /// Its position.
    at: u64,
    line: u64,
    c: char,
}

/// The text being read (an event that starts after markup, and so ends at the next
/// `<`), measured as it comes in.
#[derive(Debug, Default)]
struct TextSize {
    /// The position up to which its bytes have been counted.
    counted: u64,
    /// At least this many bytes of text once references are expanded and line ends
    /// normalised: a reference counts 1, a carriage return 0.
    bytes: usize,
    in_reference: bool,
    /// Its end (the `<`) has been seen.
    ended: bool,
}

/// Knows the line of every byte position from the start of the current event on, and
/// stops the reading with an error:
///
/// - at a character XML 1.0 does not allow (found when the buffer is filled, but the
///   parser is handed only the bytes before it, so an error earlier in the file comes
///   first);
/// - once a text holds more than [`MAX_XML_TEXT`] bytes (as the bytes arrive, before
///   the parser collects them);
/// - once more than [`MAX_EVENT`] bytes of one event are read (checked at each refill
///   of the buffer, so one buffer more may get in).
pub(crate) struct Lines<R> {
    inner: R,
    /// Bytes consumed.
    pos: u64,
    scan: Scan,
}

/// What [`Lines`] knows of the bytes it has seen.
#[derive(Default)]
struct Scan {
    /// Bytes looked at for line breaks and characters XML does not allow.
    scanned: u64,
    /// Line breaks before the oldest one in `newlines`.
    base: u64,
    /// Positions of the line breaks since the current event started.
    newlines: VecDeque<u64>,
    event_start: u64,
    /// The current event is text, and its size so far.
    text: Option<TextSize>,
    /// How many bytes of a possible U+FFFE or U+FFFF (`EF BF BE`, `EF BF BF`) end the
    /// bytes scanned.
    partial: u8,
    forbidden: Option<Forbidden>,
    stopped: Option<Stop>,
}

impl<R> Lines<R> {
    pub(crate) fn new(inner: R) -> Lines<R> {
        Lines { inner, pos: 0, scan: Scan::default() }
    }

    /// An event starts at `at`: positions before it are not asked about again.
    pub(crate) fn mark(&mut self, at: u64) {
        let scan = &mut self.scan;
        while scan.newlines.front().is_some_and(|&p| p < at) {
            scan.newlines.pop_front();
            scan.base += 1;
        }
        scan.event_start = at;
        // The parser has already taken the `<` that starts markup (its position is one
        // behind ours); anything else starts with text, if only an empty one.
        scan.text = (at == self.pos).then(|| TextSize { counted: at, ..TextSize::default() });
    }

    /// The 1-based line of position `at` (no earlier than the last mark).
    pub(crate) fn line_of(&self, at: u64) -> u64 {
        self.scan.base + 1 + self.scan.newlines.iter().take_while(|&&p| p < at).count() as u64
    }

    /// Why the reading was stopped, if it was.
    pub(crate) fn stopped(&self) -> Option<Stop> {
        self.scan.stopped
    }
}

impl Scan {
    /// Looks at `bytes`, which start at position `from`, for line breaks and the first
    /// character XML does not allow.
    fn look_at(&mut self, from: u64, bytes: &[u8]) {
        for (i, &b) in bytes.iter().enumerate() {
            let at = from + i as u64;
            if b == b'\n' {
                self.newlines.push_back(at);
            }
            if self.forbidden.is_some() {
                continue;
            }
            // In UTF-8 these bytes are only ever the characters themselves.
            let c = match (self.partial, b) {
                (_, 0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F) => Some((at, char::from(b))),
                (2, 0xBE) => Some((at - 2, '\u{FFFE}')),
                (2, 0xBF) => Some((at - 2, '\u{FFFF}')),
                _ => None,
            };
            self.partial = match (self.partial, b) {
                (_, 0xEF) => 1,
                (1, 0xBF) => 2,
                _ => 0,
            };
            if let Some((at, c)) = c {
                // Every line break before it is in `newlines` or `base`, and it holds none.
                let line = self.base + 1 + self.newlines.len() as u64;
                self.forbidden = Some(Forbidden { at, line, c });
            }
        }
    }

    /// Counts the current text's bytes in `bytes`, which start at position `pos`; true
    /// once there are more than [`MAX_XML_TEXT`].
    fn count_text(&mut self, pos: u64, bytes: &[u8]) -> bool {
        let Some(text) = self.text.as_mut().filter(|t| !t.ended) else { return false };
        let from = usize::try_from(text.counted.saturating_sub(pos)).unwrap_or(usize::MAX);
        for &b in bytes.get(from..).unwrap_or_default() {
            match b {
                b'<' => {
                    text.ended = true;
                    break;
                }
                b'&' => {
                    text.in_reference = true;
                    text.bytes += 1;
                }
                b';' if text.in_reference => text.in_reference = false,
                b'\r' => {}
                _ if text.in_reference => {}
                _ => text.bytes += 1,
            }
        }
        text.counted = pos + bytes.len() as u64;
        text.bytes > MAX_XML_TEXT
    }
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_from_buffer(self, buf)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let (pos, scan) = (self.pos, &mut self.scan);
        if pos.saturating_sub(scan.event_start) > MAX_EVENT {
            scan.stopped = Some(Stop::Event);
            return Err(io::Error::other("a piece of markup or text is too large"));
        }
        let buf = self.inner.fill_buf()?;
        let end = pos + buf.len() as u64;
        if end > scan.scanned {
            scan.look_at(scan.scanned, &buf[(scan.scanned - pos) as usize..]);
            scan.scanned = end;
        }
        // The parser gets the bytes before a character XML does not allow, and then
        // the error. (A U+FFFE split between two buffers begins before `pos`.)
        if let Some(f) = scan.forbidden.filter(|f| f.at <= pos) {
            scan.stopped = Some(Stop::Forbidden { line: f.line, c: f.c });
            return Err(io::Error::other("a character XML does not allow"));
        }
        let len = match scan.forbidden {
            Some(f) if f.at < end => (f.at - pos) as usize,
            _ => buf.len(),
        };
        if scan.count_text(pos, &buf[..len]) {
            scan.stopped = Some(Stop::Text);
            return Err(io::Error::other("a text is too large"));
        }
        Ok(&buf[..len])
    }

    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.pos += amt as u64;
    }
}
