//! The one CSV tokenizer of tolk's own: where cells and rows begin and end, fed in
//! chunks, for the two checks the `csv` crate does not make.
//!
//! While a file is read ([`super::limits::read_csv`]), before its delimiter is known,
//! it measures every cell with `,`, `;` and tab all taken as delimiters (so a cell is
//! never measured as longer than it is) and stops at one beyond the limit. Once the
//! delimiter is known ([`crate::memory::check_quoting`]), it finds quoting the `csv`
//! crate would accept but read as something else: text right after a closing quote,
//! and a quote left open to the end of the file. A quote opens a cell only at its
//! start, as in RFC 4180, so `12" pizza` is plain text. Rows are counted as a
//! spreadsheet numbers them: a line break inside a quoted cell starts no row, and CRLF,
//! LF and a lone CR each end one.

/// What the tokenizer stopped at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A cell of more bytes than the limit, in this row.
    TooLarge { row: u64 },
    /// Text after the closing quote of a cell, in this row.
    TextAfterQuote { row: u64 },
    /// A quoted cell opened in this row and never closed.
    Unclosed { row: u64 },
}

impl Stop {
    /// The row it stopped in.
    pub fn row(&self) -> u64 {
        match *self {
            Stop::TooLarge { row } | Stop::TextAfterQuote { row } | Stop::Unclosed { row } => row,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    CellStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// The tokenizer's state between chunks.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The delimiter, or `None` for any of `,`, `;` and tab (and no quoting checks).
    delimiter: Option<u8>,
    max_cell: usize,
    state: State,
    row: u64,
    opened_at: u64,
    /// Bytes of the current cell, quotes not counted (`""` counts one).
    len: usize,
    /// The last byte was a CR outside a quoted cell, so an LF now ends no new row.
    after_cr: bool,
    /// The bytes that end an unquoted cell (line breaks and the delimiters), by value:
    /// the scan of a cell is one table look-up a byte.
    ends: [bool; 256],
}

impl Scan {
    /// A tokenizer for cells split by `delimiter` (any of `,` `;` tab when `None`),
    /// stopping at a cell longer than `max_cell` bytes.
    pub fn new(delimiter: Option<u8>, max_cell: usize) -> Scan {
        let mut ends = [false; 256];
        for b in [b'\n', b'\r'].into_iter().chain(delimiter.map_or(vec![b',', b';', b'\t'], |d| vec![d])) {
            ends[usize::from(b)] = true;
        }
        Scan {
            delimiter,
            max_cell,
            state: State::CellStart,
            row: 1,
            opened_at: 1,
            len: 0,
            after_cr: false,
            ends,
        }
    }

    /// Takes the next bytes of the file.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Stop> {
        let mut i = 0;
        while i < chunk.len() {
            // Each state skips ahead to the next byte that can change it, so the scan
            // costs little more than the read.
            match self.state {
                State::Quoted => match memchr::memchr(b'"', &chunk[i..]) {
                    Some(k) => {
                        self.len += k;
                        i += k + 1;
                        self.state = State::QuoteInQuoted;
                    }
                    None => {
                        self.len += chunk.len() - i;
                        i = chunk.len();
                    }
                },
                State::QuoteInQuoted if chunk[i] == b'"' => {
                    self.len += 1;
                    i += 1;
                    self.state = State::Quoted;
                }
                State::CellStart if chunk[i] == b'"' => {
                    self.opened_at = self.row;
                    self.after_cr = false;
                    i += 1;
                    self.state = State::Quoted;
                }
                State::QuoteInQuoted | State::CellStart | State::Unquoted => {
                    let b = chunk[i];
                    let ends = self.ends[usize::from(b)];
                    if !ends {
                        if self.state == State::QuoteInQuoted && self.delimiter.is_some() {
                            return Err(Stop::TextAfterQuote { row: self.row });
                        }
                        let ends = &self.ends;
                        let k =
                            chunk[i..].iter().position(|&b| ends[usize::from(b)]).unwrap_or(chunk.len() - i);
                        self.len += k;
                        i += k;
                        self.after_cr = false;
                        self.state = State::Unquoted;
                    } else {
                        i += 1;
                        match b {
                            b'\n' if self.after_cr => self.after_cr = false,
                            b'\n' => self.row += 1,
                            b'\r' => {
                                self.row += 1;
                                self.after_cr = true;
                            }
                            _ => self.after_cr = false,
                        }
                        self.state = State::CellStart;
                    }
                }
            }
            if self.len > self.max_cell {
                return Err(Stop::TooLarge { row: self.row });
            }
            if self.state == State::CellStart {
                self.len = 0;
            }
        }
        Ok(())
    }

    /// The row (1-based) the scan stands in.
    pub fn row(&self) -> u64 {
        self.row
    }

    /// The bytes of `text` (the file from where this scan stands) up to the first end
    /// of a row at or after `at` that ends a record, not a line inside a quoted cell:
    /// just after an LF outside quotes. Feeds them; `None` (the rest fed) when `text`
    /// holds no such end from `at` on.
    pub fn feed_to_row_end(&mut self, text: &[u8], at: usize) -> Result<Option<usize>, Stop> {
        let at = at.min(text.len());
        self.feed(&text[..at])?;
        let mut i = at;
        while i < text.len() {
            // Whole stretches up to the next LF: the state after one tells.
            let lf = memchr::memchr(b'\n', &text[i..]).map_or(text.len(), |k| i + k + 1);
            self.feed(&text[i..lf])?;
            i = lf;
            if text[lf - 1] == b'\n' && self.state == State::CellStart {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// The end of the file: a quoted cell still open is an error when the delimiter is
    /// known.
    pub fn finish(&self) -> Result<(), Stop> {
        if self.state == State::Quoted && self.delimiter.is_some() {
            return Err(Stop::Unclosed { row: self.opened_at });
        }
        Ok(())
    }
}

/// The row a spreadsheet shows for each record a `csv` reader returns, found from the
/// record's byte offset: the `csv` crate skips blank lines and numbers lines, not rows,
/// so its counts drift from what a translator sees as soon as a row is blank or a cell
/// holds a line break. Offsets must come in increasing order; the whole file is
/// scanned once.
#[derive(Debug, Clone)]
pub struct Rows<'a> {
    bytes: &'a [u8],
    scan: Scan,
    fed: usize,
}

impl<'a> Rows<'a> {
    /// The rows of `bytes`, a file whose quoting has been checked, with cells split by
    /// `delimiter`.
    pub fn new(bytes: &'a [u8], delimiter: u8) -> Rows<'a> {
        Rows { bytes, scan: Scan::new(Some(delimiter), usize::MAX), fed: 0 }
    }

    /// The rows of `bytes`, the rest of a file from where `scan` (fed what came before,
    /// as [`Rows::new`] would have) stands.
    pub fn resume(bytes: &'a [u8], scan: Scan) -> Rows<'a> {
        Rows { bytes, scan, fed: 0 }
    }

    /// The row (1-based) in which the record the reader reports at byte `offset`
    /// stands. The reader's offset is where it began to read, before the blank lines it
    /// skipped; they are rows to a spreadsheet.
    pub fn at(&mut self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.bytes.len());
        offset += self.bytes[offset..].iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
        if offset > self.fed {
            // The quoting was checked before, so nothing here can stop the scan.
            let _ = self.scan.feed(&self.bytes[self.fed..offset]);
            self.fed = offset;
        }
        self.scan.row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(delimiter: Option<u8>, max: usize, chunks: &[&[u8]]) -> Result<(), Stop> {
        let mut s = Scan::new(delimiter, max);
        for chunk in chunks {
            s.feed(chunk)?;
        }
        s.finish()
    }

    #[test]
    fn cells_are_measured_without_quotes_and_across_chunks() {
        assert_eq!(scan(None, 3, &[b"abc,de\n"]), Ok(()));
        assert_eq!(scan(None, 3, &[b"ab", b"cd,e\n"]), Err(Stop::TooLarge { row: 1 }));
        assert_eq!(scan(None, 3, &[b"\"a\"\"b\",c\r\n", b"x,\"abcd\"\n"]), Err(Stop::TooLarge { row: 2 }));
        // Any of the three delimiters splits a cell while the delimiter is unknown.
        assert_eq!(scan(None, 3, &[b"abc;abc\tabc\n"]), Ok(()));
    }

    #[test]
    fn rows_are_counted_as_a_spreadsheet_numbers_them() {
        for (text, row) in [
            (&b"a\nb\n\"x"[..], 3),
            (b"a\r\nb\r\n\"x", 3),
            (b"a\rb\r\"x", 3),
            (b"\"a\nb\"\n\"x", 2),
            (b"\"a\r\nb\"\r\n\"x", 2),
        ] {
            assert_eq!(scan(Some(b','), usize::MAX, &[text]), Err(Stop::Unclosed { row }), "{text:?}");
        }
    }

    #[test]
    fn records_get_the_rows_a_spreadsheet_shows() {
        let text = b"id,target\n\n1,\"two\nlines\"\r\n\r\n\r\n2,x\r3,y\n";
        let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(&text[..]);
        let mut rows = Rows::new(text, b',');
        let found: Vec<u64> =
            reader.records().map(|r| rows.at(r.unwrap().position().unwrap().byte())).collect();
        assert_eq!(found, [1, 3, 6, 7]);
    }

    #[test]
    fn quoting_a_reader_would_misread_is_found_once_the_delimiter_is_known() {
        assert_eq!(scan(Some(b','), usize::MAX, &[b"a,\"b\"x,c\n"]), Err(Stop::TextAfterQuote { row: 1 }));
        assert_eq!(scan(Some(b','), usize::MAX, &[b"a,\"b\";c\n"]), Err(Stop::TextAfterQuote { row: 1 }));
        assert_eq!(scan(Some(b';'), usize::MAX, &[b"a;\"b\";c\r\n12\" pizza;x\n"]), Ok(()));
        assert_eq!(
            scan(Some(b','), usize::MAX, &[b"a\n\"open,", b"still\n"]),
            Err(Stop::Unclosed { row: 2 })
        );
        // Without the delimiter nothing but size is checked.
        assert_eq!(scan(None, usize::MAX, &[b"a,\"b\"x\n\"open"]), Ok(()));
    }
}
