//! The index as bytes: one layout for the index built in memory and the one kept on
//! disk, so a persisted index is opened by mapping its file, not by rebuilding it.
//!
//! The layout is a fixed header and seventeen sections, each an array of one plain type
//! (`u8`, `u32`, `u64`, `i64`) in the machine's byte order, starting on an 8-byte
//! boundary. The header holds the magic bytes, the format [`VERSION`], a byte-order
//! mark, the fingerprint of the memory the index was built from (see
//! [`crate::memory::fingerprint`]), the number of entries that memory had, the length of
//! the whole, a CRC-32 of everything but the checksum itself, and the sections' places.
//!
//! Nothing read from a file is trusted: [`Index::from_bytes`] checks the header, the
//! checksum, and then every fact the search relies on to stay inside its arrays (every
//! token is a word of the vocabulary, every posting a document, every entry number one
//! of the memory's, every offset table rising to its array's end, the sources valid
//! UTF-8 cut on character boundaries). A file that fails any check is a [`Damage`],
//! never a panic or a wrong answer; the caller rebuilds it. The only thing assumed is
//! that a mapped file is not changed in place while it is open: tolk replaces the file
//! by renaming a new one over it, never by writing into it.

use std::fmt;
use std::fs::File;
use std::io::Write as _;
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;

/// The first bytes of every index file.
const MAGIC: [u8; 8] = *b"TOLKIDX\0";

/// The format's version. Bump it whenever the layout, or anything that decides what
/// the index holds (normalisation, tokens, numbers, the score's word rules), changes:
/// an index of another version is rebuilt, never read.
pub const VERSION: u32 = 2;

/// Written in the machine's byte order: read back the same only on a machine of the
/// same order.
const BYTE_ORDER: u32 = 0x0102_0304;

const AT_VERSION: usize = 8;
const AT_BYTE_ORDER: usize = 12;
const AT_FINGERPRINT: usize = 16;
const AT_ENTRIES: usize = 24;
const AT_LEN: usize = 32;
const AT_CHECKSUM: usize = 40;
const AT_TABLE: usize = 48;

/// The sections, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    /// Per word id, 1 if it is a number (`u8`).
    Number,
    /// The key of every document with words, sorted (`u64`), and its document (`u32`).
    KeyHash,
    KeyDoc,
    /// The text hash of every document without words, sorted (`u64`), and its document.
    WordlessHash,
    WordlessDoc,
    /// The vocabulary in byte order, one word after another (`u8`), and where each
    /// ends (`u32`, one more than the words, from 0): a word's id is its rank.
    Words,
    WordEnds,
    /// Every document's word ids, one document after another (`u32`), and where each
    /// starts (`u32`, one more than the documents).
    Tokens,
    Offsets,
    /// Per document, its entry's number in the memory (`u32`).
    Entries,
    /// Per document, the OR of its words' signature bits (`u64`).
    Signatures,
    /// Per element, the documents holding it (`u32`), and where each list starts: a
    /// word's `k`-th element (from 0) lists the documents holding it more than `k`
    /// times, so a query that says a word twice is matched element by element.
    Postings,
    Starts,
    /// Per word id, its first element (`u32`, one more than the words, from 0): word
    /// `t`'s elements are `elements[t]..elements[t + 1]`.
    Elements,
    /// Per document, its normalised source (`u8`, UTF-8) and where each ends (`u64`,
    /// one more than the documents, from 0).
    Sources,
    SourceEnds,
    /// Per document, when its entry was changed in seconds since 1970, or `i64::MIN`
    /// (`i64`).
    Changed,
}

const SECTIONS: usize = 17;
const HEADER: usize = AT_TABLE + SECTIONS * 16;

const ALL: [Section; SECTIONS] = [
    Section::Number,
    Section::KeyHash,
    Section::KeyDoc,
    Section::WordlessHash,
    Section::WordlessDoc,
    Section::Words,
    Section::WordEnds,
    Section::Tokens,
    Section::Offsets,
    Section::Entries,
    Section::Signatures,
    Section::Postings,
    Section::Starts,
    Section::Elements,
    Section::Sources,
    Section::SourceEnds,
    Section::Changed,
];

impl Section {
    /// The size of one element.
    fn width(self) -> usize {
        match self {
            Section::Number | Section::Words | Section::Sources => 1,
            Section::KeyDoc
            | Section::WordlessDoc
            | Section::WordEnds
            | Section::Tokens
            | Section::Offsets
            | Section::Entries
            | Section::Postings
            | Section::Starts
            | Section::Elements => 4,
            Section::KeyHash
            | Section::WordlessHash
            | Section::Signatures
            | Section::SourceEnds
            | Section::Changed => 8,
        }
    }
}

/// Why an index file cannot be used. Each is a reason to build the index again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Not an index file at all (its first bytes are not tolk's).
    NotAnIndex,
    /// Made by a version of tolk with another index format.
    OtherVersion(u32),
    /// Made on a machine of another byte order.
    OtherMachine,
    /// Shorter or longer than its header says.
    Truncated { expected: u64, found: u64 },
    /// Its bytes are not the ones written (a bit flipped, a block lost).
    Checksum,
    /// Its checksum holds but its content does not make an index.
    Malformed(&'static str),
    /// Built from another memory, or from this one before it changed.
    Stale,
    /// Not there.
    Missing,
    /// Cannot be read.
    Unreadable(String),
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::NotAnIndex => write!(f, "it is not a tolk index"),
            Damage::OtherVersion(v) => {
                write!(
                    f,
                    "it was made by another version of tolk (index format {v}, this one reads {VERSION})"
                )
            }
            Damage::OtherMachine => write!(f, "it was made on a machine of another byte order"),
            Damage::Truncated { expected, found } => {
                write!(f, "it is damaged: {found} bytes where its header says {expected}")
            }
            Damage::Checksum => write!(f, "it is damaged: its checksum does not match its bytes"),
            Damage::Malformed(what) => write!(f, "it is damaged: {what}"),
            Damage::Stale => write!(f, "the memory changed since it was built"),
            Damage::Missing => write!(f, "it is not there"),
            Damage::Unreadable(why) => write!(f, "it cannot be read: {why}"),
        }
    }
}

/// A plain type an index array holds: every bit pattern is a value, no padding.
pub(super) trait Plain: Copy + 'static {}
impl Plain for u8 {}
impl Plain for u32 {}
impl Plain for u64 {}
impl Plain for i64 {}

/// `bytes` as a slice of `T`, when it is aligned for `T` and a whole number of them.
fn cast<T: Plain>(bytes: &[u8]) -> Option<&[T]> {
    // SAFETY: `T` is a plain integer type (sealed by `Plain`): any bytes are a valid
    // value, and `align_to` only returns the aligned middle.
    let (before, middle, after) = unsafe { bytes.align_to::<T>() };
    (before.is_empty() && after.is_empty()).then_some(middle)
}

/// The bytes of a slice of `T`.
fn bytes_of<T: Plain>(values: &[T]) -> &[u8] {
    // SAFETY: a slice of a plain integer type is that many initialised bytes.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values)) }
}

/// Where an index's bytes live: built here (in `u64`s, so every section is aligned),
/// or mapped from a file.
pub(super) enum Bytes {
    Owned(Vec<u64>),
    Mapped(memmap2::Mmap),
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Owned(words) => bytes_of(words),
            Bytes::Mapped(map) => map,
        }
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Bytes::Owned(_) => "built",
            Bytes::Mapped(_) => "mapped",
        };
        write!(f, "{kind} index of {} bytes", self.as_slice().len())
    }
}

/// An index's arrays, as borrowed slices.
#[derive(Clone, Copy)]
pub(super) struct View<'a> {
    pub number: &'a [u8],
    pub key_hash: &'a [u64],
    pub key_doc: &'a [u32],
    pub wordless_hash: &'a [u64],
    pub wordless_doc: &'a [u32],
    pub words: &'a [u8],
    pub word_ends: &'a [u32],
    pub tokens: &'a [u32],
    pub offsets: &'a [u32],
    pub entries: &'a [u32],
    pub signatures: &'a [u64],
    pub postings: &'a [u32],
    pub starts: &'a [u32],
    pub elements: &'a [u32],
    pub sources: &'a [u8],
    pub source_ends: &'a [u64],
    pub changed: &'a [i64],
}

/// The arrays of a newly built index, to be laid out.
pub(super) struct Parts {
    pub number: Vec<u8>,
    pub key_hash: Vec<u64>,
    pub key_doc: Vec<u32>,
    pub wordless_hash: Vec<u64>,
    pub wordless_doc: Vec<u32>,
    pub words: Vec<u8>,
    pub word_ends: Vec<u32>,
    pub tokens: Vec<u32>,
    pub offsets: Vec<u32>,
    pub entries: Vec<u32>,
    pub signatures: Vec<u64>,
    pub postings: Vec<u32>,
    pub starts: Vec<u32>,
    pub elements: Vec<u32>,
    pub sources: Vec<u8>,
    pub source_ends: Vec<u64>,
    pub changed: Vec<i64>,
}

impl Parts {
    fn section(&self, s: Section) -> &[u8] {
        match s {
            Section::Number => bytes_of(&self.number),
            Section::KeyHash => bytes_of(&self.key_hash),
            Section::KeyDoc => bytes_of(&self.key_doc),
            Section::WordlessHash => bytes_of(&self.wordless_hash),
            Section::WordlessDoc => bytes_of(&self.wordless_doc),
            Section::Words => bytes_of(&self.words),
            Section::WordEnds => bytes_of(&self.word_ends),
            Section::Tokens => bytes_of(&self.tokens),
            Section::Offsets => bytes_of(&self.offsets),
            Section::Entries => bytes_of(&self.entries),
            Section::Signatures => bytes_of(&self.signatures),
            Section::Postings => bytes_of(&self.postings),
            Section::Starts => bytes_of(&self.starts),
            Section::Elements => bytes_of(&self.elements),
            Section::Sources => bytes_of(&self.sources),
            Section::SourceEnds => bytes_of(&self.source_ends),
            Section::Changed => bytes_of(&self.changed),
        }
    }

    fn release(&mut self, s: Section) {
        match s {
            Section::Number => self.number = Vec::new(),
            Section::KeyHash => self.key_hash = Vec::new(),
            Section::KeyDoc => self.key_doc = Vec::new(),
            Section::WordlessHash => self.wordless_hash = Vec::new(),
            Section::WordlessDoc => self.wordless_doc = Vec::new(),
            Section::Words => self.words = Vec::new(),
            Section::WordEnds => self.word_ends = Vec::new(),
            Section::Tokens => self.tokens = Vec::new(),
            Section::Offsets => self.offsets = Vec::new(),
            Section::Entries => self.entries = Vec::new(),
            Section::Signatures => self.signatures = Vec::new(),
            Section::Postings => self.postings = Vec::new(),
            Section::Starts => self.starts = Vec::new(),
            Section::Elements => self.elements = Vec::new(),
            Section::Sources => self.sources = Vec::new(),
            Section::SourceEnds => self.source_ends = Vec::new(),
            Section::Changed => self.changed = Vec::new(),
        }
    }

    /// Lays the arrays out as an index of a memory of `entries` entries whose
    /// fingerprint is `fingerprint`.
    pub fn into_bytes(mut self, fingerprint: u64, entries: usize) -> Bytes {
        let mut table = [(0u64, 0u64); SECTIONS];
        let mut at = HEADER;
        for (i, &s) in ALL.iter().enumerate() {
            let len = self.section(s).len();
            table[i] = (at as u64, len as u64);
            at += len.next_multiple_of(8);
        }
        let mut words = vec![0u64; at / 8];
        // SAFETY: the bytes of initialised `u64`s, borrowed mutably once.
        let out: &mut [u8] =
            unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), words.len() * 8) };
        out[..8].copy_from_slice(&MAGIC);
        out[AT_VERSION..AT_VERSION + 4].copy_from_slice(&VERSION.to_ne_bytes());
        out[AT_BYTE_ORDER..AT_BYTE_ORDER + 4].copy_from_slice(&BYTE_ORDER.to_ne_bytes());
        out[AT_FINGERPRINT..AT_FINGERPRINT + 8].copy_from_slice(&fingerprint.to_ne_bytes());
        out[AT_ENTRIES..AT_ENTRIES + 8].copy_from_slice(&(entries as u64).to_ne_bytes());
        out[AT_LEN..AT_LEN + 8].copy_from_slice(&(at as u64).to_ne_bytes());
        for (i, &(offset, len)) in table.iter().enumerate() {
            let place = AT_TABLE + i * 16;
            out[place..place + 8].copy_from_slice(&offset.to_ne_bytes());
            out[place + 8..place + 16].copy_from_slice(&len.to_ne_bytes());
            let (offset, len) = (offset as usize, len as usize);
            out[offset..offset + len].copy_from_slice(self.section(ALL[i]));
            // Freed once laid out, so the index is never held twice over.
            self.release(ALL[i]);
        }
        let sum = checksum(out);
        out[AT_CHECKSUM..AT_CHECKSUM + 4].copy_from_slice(&sum.to_ne_bytes());
        Bytes::Owned(words)
    }
}

/// The CRC-32 of an index file's bytes, its checksum field left out; on every core,
/// in pieces combined into the one CRC of the whole.
fn checksum(bytes: &[u8]) -> u32 {
    const PIECE: usize = 8 << 20;
    let (head, rest) = bytes.split_at(AT_CHECKSUM.min(bytes.len()));
    let rest = rest.get(4..).unwrap_or_default();
    let mut whole = crc32fast::Hasher::new();
    whole.update(head);
    let pieces = rest
        .par_chunks(PIECE)
        .map(|piece| {
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(piece);
            hasher
        })
        .collect::<Vec<_>>();
    for piece in &pieces {
        whole.combine(piece);
    }
    whole.finalize()
}

/// A checked index: its bytes, and where each section is in them.
#[derive(Debug)]
pub(super) struct Checked {
    pub bytes: Bytes,
    sections: [Range<usize>; SECTIONS],
    pub fingerprint: u64,
    pub entries: usize,
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap_or_default())
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_ne_bytes(bytes[at..at + 8].try_into().unwrap_or_default())
}

impl Checked {
    /// Checks `bytes` as an index (see the module's documentation).
    pub fn new(bytes: Bytes) -> Result<Checked, Damage> {
        let b = bytes.as_slice();
        if b.len() < 8 || b[..8] != MAGIC {
            return Err(Damage::NotAnIndex);
        }
        if b.len() < AT_TABLE {
            return Err(Damage::Truncated { expected: HEADER as u64, found: b.len() as u64 });
        }
        let version = read_u32(b, AT_VERSION);
        if version != VERSION {
            return Err(Damage::OtherVersion(version));
        }
        if read_u32(b, AT_BYTE_ORDER) != BYTE_ORDER {
            return Err(Damage::OtherMachine);
        }
        let expected = read_u64(b, AT_LEN);
        if expected != b.len() as u64 || b.len() < HEADER {
            return Err(Damage::Truncated { expected, found: b.len() as u64 });
        }
        if read_u32(b, AT_CHECKSUM) != checksum(b) {
            return Err(Damage::Checksum);
        }
        let mut sections: [Range<usize>; SECTIONS] = Default::default();
        for (i, &s) in ALL.iter().enumerate() {
            let (offset, len) = (read_u64(b, AT_TABLE + i * 16), read_u64(b, AT_TABLE + i * 16 + 8));
            let end = offset.checked_add(len).filter(|&end| end <= b.len() as u64);
            match end {
                Some(end) if offset % 8 == 0 && offset >= HEADER as u64 && len % s.width() as u64 == 0 => {
                    sections[i] = offset as usize..end as usize;
                }
                _ => return Err(Damage::Malformed("a section lies outside the file")),
            }
        }
        let checked = Checked {
            fingerprint: read_u64(b, AT_FINGERPRINT),
            entries: usize::try_from(read_u64(b, AT_ENTRIES))
                .map_err(|_| Damage::Malformed("entry count"))?,
            sections,
            bytes,
        };
        checked.check_structure()?;
        Ok(checked)
    }

    /// Reads and checks the index file at `path`, mapping it into memory.
    pub fn open(path: &Path) -> Result<Checked, Damage> {
        let file = File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Damage::Missing,
            _ => Damage::Unreadable(e.to_string()),
        })?;
        let len = file.metadata().map_err(|e| Damage::Unreadable(e.to_string()))?.len();
        if len < HEADER as u64 {
            // Too short to hold a header: tell an empty or cut file from a foreign one.
            let bytes = std::fs::read(path).map_err(|e| Damage::Unreadable(e.to_string()))?;
            if bytes.len() < 8 || bytes[..8] != MAGIC {
                return Err(if bytes.is_empty() {
                    Damage::Truncated { expected: HEADER as u64, found: 0 }
                } else {
                    Damage::NotAnIndex
                });
            }
            return Err(Damage::Truncated { expected: HEADER as u64, found: len });
        }
        // SAFETY: the file is only ever replaced by renaming a new one over it, never
        // written in place (see the module's documentation); what is read from it is
        // checked before use.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Damage::Unreadable(e.to_string()))?;
        Checked::new(Bytes::Mapped(map))
    }

    /// Writes the index to `path` through a temporary file in the same folder renamed
    /// over it, so a reader sees the old file or the new one, never part of one.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".index-").suffix(".tmp");
        // Readable by whoever reads the project, as the memory is; never executable.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut file = builder.tempfile_in(dir)?;
        file.write_all(self.bytes.as_slice())?;
        file.as_file().sync_data()?;
        file.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    /// The bytes of one section as an array of `T`.
    fn array<T: Plain>(&self, s: Section) -> &[T] {
        let range = self.sections[s as usize].clone();
        cast(&self.bytes.as_slice()[range]).unwrap_or_default()
    }

    /// The arrays.
    pub fn view(&self) -> View<'_> {
        View {
            number: self.array(Section::Number),
            key_hash: self.array(Section::KeyHash),
            key_doc: self.array(Section::KeyDoc),
            wordless_hash: self.array(Section::WordlessHash),
            wordless_doc: self.array(Section::WordlessDoc),
            words: self.array(Section::Words),
            word_ends: self.array(Section::WordEnds),
            tokens: self.array(Section::Tokens),
            offsets: self.array(Section::Offsets),
            entries: self.array(Section::Entries),
            signatures: self.array(Section::Signatures),
            postings: self.array(Section::Postings),
            starts: self.array(Section::Starts),
            elements: self.array(Section::Elements),
            sources: self.array(Section::Sources),
            source_ends: self.array(Section::SourceEnds),
            changed: self.array(Section::Changed),
        }
    }

    /// The size of the index in bytes.
    pub fn len(&self) -> usize {
        self.bytes.as_slice().len()
    }

    /// Every fact the search relies on to index its arrays.
    fn check_structure(&self) -> Result<(), Damage> {
        let v = self.view();
        let docs = v.entries.len();
        let vocabulary = v.number.len();
        let fail = |what| Err(Damage::Malformed(what));
        if v.offsets.len() != docs + 1
            || v.signatures.len() != docs
            || v.changed.len() != docs
            || v.source_ends.len() != docs + 1
        {
            return fail("its document tables differ in length");
        }
        if v.word_ends.len() != vocabulary + 1 || v.elements.len() != vocabulary + 1 {
            return fail("its vocabulary tables differ in length");
        }
        if v.starts.is_empty() || !rises_to(v.elements, v.starts.len() as u64 - 1) {
            return fail("its elements do not rise to its posting lists' end");
        }
        if v.key_hash.len() != v.key_doc.len() || v.wordless_hash.len() != v.wordless_doc.len() {
            return fail("its key tables differ in length");
        }
        if docs >= u32::MAX as usize || vocabulary >= u32::MAX as usize - 1 {
            return fail("it is too large");
        }
        if !rises_to(v.offsets, v.tokens.len() as u64) {
            return fail("its document offsets do not rise to its tokens' end");
        }
        if !rises_to(v.starts, v.postings.len() as u64) {
            return fail("its posting starts do not rise to the postings' end");
        }
        if !rises_to(v.word_ends, v.words.len() as u64) {
            return fail("its word ends do not rise to the words' end");
        }
        if !rises_to(v.source_ends, v.sources.len() as u64) {
            return fail("its source ends do not rise to the sources' end");
        }
        let below = |values: &[u32], limit: usize| values.par_iter().all(|&x| (x as usize) < limit);
        if !below(v.tokens, vocabulary) {
            return fail("a token is no word of its vocabulary");
        }
        if !below(v.postings, docs) || !below(v.key_doc, docs) || !below(v.wordless_doc, docs) {
            return fail("a posting is no document");
        }
        if !below(v.entries, self.entries) {
            return fail("an entry number lies beyond the memory");
        }
        let Ok(sources) = std::str::from_utf8(v.sources) else {
            return fail("a source is not UTF-8");
        };
        if !v.source_ends.iter().all(|&end| sources.is_char_boundary(end as usize)) {
            return fail("a source is cut inside a character");
        }
        Ok(())
    }
}

/// Whether `values` starts at 0, never falls, and ends at `end`.
fn rises_to<T: Copy + Into<u64>>(values: &[T], end: u64) -> bool {
    values.first().is_some_and(|&v| v.into() == 0)
        && values.last().is_some_and(|&v| v.into() == end)
        && values.windows(2).all(|w| w[0].into() <= w[1].into())
}

/// The index of a memory of `entries` entries with the given fingerprint in the file
/// at `path`, if the file holds exactly that.
pub(super) fn open_for(path: &Path, fingerprint: u64, entries: usize) -> Result<Checked, Damage> {
    let checked = Checked::open(path)?;
    if checked.fingerprint != fingerprint || checked.entries != entries {
        return Err(Damage::Stale);
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Parts {
        Parts {
            number: vec![0, 1],
            key_hash: vec![7],
            key_doc: vec![0],
            wordless_hash: vec![],
            wordless_doc: vec![],
            words: b"12hei".to_vec(),
            word_ends: vec![0, 2, 5],
            tokens: vec![1, 0],
            offsets: vec![0, 2],
            entries: vec![0],
            signatures: vec![3],
            postings: vec![0, 0],
            starts: vec![0, 1, 2],
            elements: vec![0, 1, 2],
            sources: "hei 12".as_bytes().to_vec(),
            source_ends: vec![0, 6],
            changed: vec![i64::MIN],
        }
    }

    fn bytes(checked: &Checked) -> Vec<u8> {
        checked.bytes.as_slice().to_vec()
    }

    fn from(bytes: &[u8]) -> Result<Checked, Damage> {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        // SAFETY: as in `into_bytes`.
        let out: &mut [u8] =
            unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), words.len() * 8) };
        out[..bytes.len()].copy_from_slice(bytes);
        if !bytes.len().is_multiple_of(8) {
            // A length that is no multiple of 8 needs a mapped file: write one.
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("index");
            std::fs::write(&path, bytes).unwrap();
            return Checked::open(&path);
        }
        Checked::new(Bytes::Owned(words))
    }

    #[test]
    fn a_written_index_reads_back_the_same() {
        let checked = Checked::new(tiny().into_bytes(42, 1)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        checked.write(&path).unwrap();
        let back = open_for(&path, 42, 1).unwrap();
        assert_eq!(bytes(&back), bytes(&checked));
        assert_eq!(back.view().sources, b"hei 12");
        assert_eq!(open_for(&path, 43, 1).unwrap_err(), Damage::Stale);
        assert_eq!(open_for(&path, 42, 2).unwrap_err(), Damage::Stale);
    }

    #[test]
    fn every_damage_is_found() {
        let good = bytes(&Checked::new(tiny().into_bytes(42, 1)).unwrap());
        assert!(from(&good).is_ok());
        // Every single bit flipped is found, wherever it is.
        for at in 0..good.len() {
            for bit in [0, 3, 7] {
                let mut bad = good.clone();
                bad[at] ^= 1 << bit;
                assert!(from(&bad).is_err(), "a flip of bit {bit} at byte {at} went unseen");
            }
        }
        // Cut anywhere, or lengthened.
        for len in 0..good.len() {
            assert!(from(&good[..len]).is_err(), "cut at {len}");
        }
        let mut longer = good.clone();
        longer.extend_from_slice(&[0; 8]);
        assert!(matches!(from(&longer), Err(Damage::Truncated { .. })));
        let mut other = good.clone();
        other[AT_VERSION] = other[AT_VERSION].wrapping_add(1);
        assert!(matches!(from(&other), Err(Damage::OtherVersion(_))));
        assert_eq!(from(b"entry,source\n").unwrap_err(), Damage::NotAnIndex);
    }

    #[test]
    fn a_checksummed_index_with_bad_content_is_refused() {
        let mut parts = tiny();
        parts.tokens[0] = 9;
        assert!(matches!(Checked::new(parts.into_bytes(1, 1)), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.postings[1] = 5;
        assert!(matches!(Checked::new(parts.into_bytes(1, 1)), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.elements = vec![0, 2, 1];
        assert!(matches!(Checked::new(parts.into_bytes(1, 1)), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.elements = vec![0, 1, 3];
        assert!(matches!(Checked::new(parts.into_bytes(1, 1)), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.offsets = vec![0, 3];
        assert!(matches!(Checked::new(parts.into_bytes(1, 1)), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.sources = "hé 1".as_bytes().to_vec();
        parts.source_ends = vec![0, 2];
        assert!(matches!(Checked::new(parts.into_bytes(1, 1)), Err(Damage::Malformed(_))));
        assert!(matches!(Checked::new(tiny().into_bytes(1, 0)), Err(Damage::Malformed(_))));
    }
}
