//! The form of tolk's cache files: a header and typed arrays, mapped rather than read,
//! so a cache of a memory of millions of entries opens in milliseconds.
//!
//! A file is a fixed header and a [`Kind`]'s sections, each an array of one plain type
//! (`u8`, `u32`, `u64`, `i64`) in the machine's byte order, starting on an 8-byte
//! boundary. The header holds the kind's magic bytes and version, a byte-order mark,
//! the fingerprint of the memory the file was made from
//! ([`crate::memory::fingerprint`]), the number of entries that memory had, the length
//! of the whole, a CRC-32 of everything but the checksum itself, and each section's
//! place and length.
//!
//! [`Arrays::check`] trusts nothing: a file of another kind or version, from a machine
//! of another byte order, cut short or lengthened, with a bit flipped anywhere, or with
//! a section outside it is a [`Damage`], never a panic. What the arrays must hold to be
//! used (indexes within bounds and so on) is each kind's own check on top. The only
//! thing assumed is that a mapped file is not changed in place while it is open: tolk
//! replaces a cache file by renaming a new one over it, never by writing into it.

use std::fmt;
use std::fs::File;
use std::io::Write as _;
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;

/// What a kind of cache file is: its magic bytes, its version (bumped whenever its
/// layout or what decides its content changes: a file of another version is made
/// again, never read), and the width in bytes of each section's elements.
#[derive(Debug)]
pub struct Kind {
    pub magic: [u8; 8],
    pub version: u32,
    pub widths: &'static [usize],
    /// What a person calls it in a message ("tolk's kept index").
    pub name: &'static str,
    /// Whether opening a file of this kind reads nearly all of it after its checksum
    /// (an index's structure is checked whole): then the checksum reads the file
    /// through the map that is kept, so that each page is brought in once. Otherwise it
    /// reads the file a piece at a time through maps it lets go, and only the pages a
    /// command uses stay resident.
    pub opening_reads_all: bool,
}

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

impl Kind {
    fn header(&self) -> usize {
        AT_TABLE + self.widths.len() * 16
    }
}

/// Why a cache file cannot be used. Each is a reason to make it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Not there.
    Missing,
    /// Not a file of this kind (its first bytes are not the kind's): what it should be.
    NotOfKind(&'static str),
    /// Made by a version of tolk with another layout.
    OtherVersion(u32),
    /// Made on a machine of another byte order.
    OtherMachine,
    /// Shorter or longer than its header says (`None`: cut inside the header, before
    /// the length it gives).
    Truncated { expected: Option<u64>, found: u64 },
    /// Its bytes are not the ones written (a bit flipped, a block lost).
    Checksum,
    /// Its checksum holds but its content does not make what it should.
    Malformed(&'static str),
    /// Made from another memory, or from this one before it changed.
    Stale,
    /// Cannot be read.
    Unreadable(String),
    /// Not a regular file (a FIFO, a device, a folder, a symbolic link): never opened
    /// for reading, so nothing waits for a writer or reads without end. What it is.
    NotAFile(&'static str),
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::Missing => write!(f, "it is not there"),
            Damage::NotOfKind(kind) => write!(f, "it is not {kind}"),
            Damage::OtherVersion(v) => {
                write!(f, "it was made by another version or build of tolk (layout {v})")
            }
            Damage::OtherMachine => write!(f, "it was made on a machine of another byte order"),
            Damage::Truncated { expected: Some(expected), found } => {
                write!(f, "it is damaged: {found} bytes where its header says {expected}")
            }
            Damage::Truncated { expected: None, found: 0 } => write!(f, "it is damaged: it is empty"),
            Damage::Truncated { expected: None, found } => {
                write!(f, "it is damaged: cut inside its header, after {found} bytes")
            }
            Damage::Checksum => write!(f, "it is damaged: its checksum does not match its bytes"),
            Damage::Malformed(what) => write!(f, "it is damaged: {what}"),
            Damage::Stale => {
                write!(f, "it was made from the memory as it was before, or from another memory")
            }
            Damage::Unreadable(why) => write!(f, "it cannot be read: {why}"),
            Damage::NotAFile(kind) => write!(f, "it is a {kind}, not a file tolk made"),
        }
    }
}

impl std::error::Error for Damage {}

/// A plain type an array holds: every bit pattern is a value, no padding.
pub trait Plain: Copy + 'static {}
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
pub fn bytes_of<T: Plain>(values: &[T]) -> &[u8] {
    // SAFETY: a slice of a plain integer type is that many initialised bytes.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values)) }
}

/// The bytes of initialised `u64`s, to write into.
fn bytes_of_mut(words: &mut [u64]) -> &mut [u8] {
    // SAFETY: the bytes of initialised `u64`s, borrowed mutably once.
    unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(words)) }
}

/// Where a file's bytes live: made here (in `u64`s, so every section is aligned), or
/// mapped from a file.
enum Bytes {
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

/// A checked file of a [`Kind`]: its bytes, and where each section is in them.
pub struct Arrays {
    bytes: Bytes,
    sections: Vec<Range<usize>>,
    /// The fingerprint of the memory it was made from.
    pub fingerprint: u64,
    /// How many entries that memory had.
    pub entries: usize,
}

impl fmt::Debug for Arrays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.bytes {
            Bytes::Owned(_) => "made",
            Bytes::Mapped(_) => "mapped",
        };
        write!(f, "{how} cache of {} bytes", self.len())
    }
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap_or_default())
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_ne_bytes(bytes[at..at + 8].try_into().unwrap_or_default())
}

/// Opens the kept file at `path` for reading if it is a regular file, and only then: a
/// FIFO would wait for a writer in `open`, a link to `/dev/zero` read without end, so a
/// link or anything else is [`Damage::NotAFile`], told from the path before it is
/// opened and from the file opened (never through a link, never waiting), whatever is
/// renamed over the path between the two.
pub fn open_kept(path: &Path) -> Result<File, Damage> {
    let unreadable = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => Damage::Missing,
        _ => Damage::Unreadable(e.to_string()),
    };
    let meta = std::fs::symlink_metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Damage::NotAFile(crate::store::kind_of(&meta)));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let file = options.open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Damage::NotAFile(crate::store::kind_of(&meta)));
    }
    Ok(file)
}

/// The fingerprint in the header of the cache file at `path`, read from its header
/// alone, nothing checked: whether a file is worth opening.
pub fn fingerprint_in(path: &Path) -> Option<u64> {
    let mut header = [0u8; AT_ENTRIES];
    std::io::Read::read_exact(&mut open_kept(path).ok()?, &mut header).ok()?;
    Some(read_u64(&header, AT_FINGERPRINT))
}

/// The CRC-32 of a file's bytes, its checksum field left out; on every core, in pieces
/// combined into the one CRC of the whole.
fn checksum(bytes: &[u8]) -> u32 {
    const PIECE: usize = 8 << 20;
    let (head, rest) = bytes.split_at(AT_CHECKSUM.min(bytes.len()));
    let rest = rest.get(4..).unwrap_or_default();
    let mut whole = crc32fast::Hasher::new();
    whole.update(head);
    let pieces: Vec<crc32fast::Hasher> = rest
        .par_chunks(PIECE)
        .map(|piece| {
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(piece);
            hasher
        })
        .collect();
    for piece in &pieces {
        whole.combine(piece);
    }
    whole.finalize()
}

/// The header of a file of `kind` with sections of `lens` bytes (its checksum zero),
/// and each section's place and length.
fn header(kind: &Kind, fingerprint: u64, entries: usize, lens: &[usize]) -> (Vec<u8>, Vec<(u64, u64)>) {
    let mut table = Vec::with_capacity(lens.len());
    let mut at = kind.header() as u64;
    for &len in lens {
        table.push((at, len as u64));
        at += (len as u64).next_multiple_of(8);
    }
    let mut out = vec![0u8; kind.header()];
    out[..8].copy_from_slice(&kind.magic);
    out[AT_VERSION..AT_VERSION + 4].copy_from_slice(&kind.version.to_ne_bytes());
    out[AT_BYTE_ORDER..AT_BYTE_ORDER + 4].copy_from_slice(&BYTE_ORDER.to_ne_bytes());
    out[AT_FINGERPRINT..AT_FINGERPRINT + 8].copy_from_slice(&fingerprint.to_ne_bytes());
    out[AT_ENTRIES..AT_ENTRIES + 8].copy_from_slice(&(entries as u64).to_ne_bytes());
    out[AT_LEN..AT_LEN + 8].copy_from_slice(&at.to_ne_bytes());
    for (i, &(offset, len)) in table.iter().enumerate() {
        let place = AT_TABLE + i * 16;
        out[place..place + 8].copy_from_slice(&offset.to_ne_bytes());
        out[place + 8..place + 16].copy_from_slice(&len.to_ne_bytes());
    }
    (out, table)
}

/// A temporary file beside `path`, readable by whoever reads the project (as the
/// memory is), never executable.
fn temporary(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    let prefix = temporary_prefix();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    builder.tempfile_in(dir)
}

/// How the temporary files of a cache begin (`.cache-<process id>-`), so that the one
/// a killed command left can be told from one a command at work writes
/// ([`left_by_the_dead`]); they end in `.tmp`.
pub fn temporary_prefix() -> String {
    format!(".cache-{}-", std::process::id())
}

/// Whether the cache's temporary file `name` was left by a process that is no more
/// (one named by [`temporary_prefix`] whose process has ended).
pub fn left_by_the_dead(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(".cache-").filter(|_| name.ends_with(".tmp")) else { return false };
    let digits = rest.split('-').next().unwrap_or_default();
    let Ok(pid) = digits.parse::<u32>() else { return false };
    // The process table as Linux shows it; elsewhere nothing is known dead.
    let proc = Path::new("/proc");
    pid > 0 && proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// The CRC-32 of the first `len` bytes of `file`, its checksum field left out, read on
/// every core; `None` when a read fails. Each core reads its pieces through one small
/// buffer that stays in its cache, so the check neither maps the file's pages nor
/// allocates its size.
#[cfg(unix)]
fn file_checksum(file: &File, len: usize) -> Option<u32> {
    use std::os::unix::fs::FileExt as _;
    const PIECE: usize = 8 << 20;
    const BUFFER: usize = 256 << 10;
    let pieces: Option<Vec<crc32fast::Hasher>> = (0..len.div_ceil(PIECE))
        .into_par_iter()
        .map_init(
            || vec![0u8; BUFFER],
            |buffer, i| {
                let (start, end) = (i * PIECE, ((i + 1) * PIECE).min(len));
                let mut hasher = crc32fast::Hasher::new();
                let mut at = start;
                while at < end {
                    let read = &mut buffer[..(end - at).min(BUFFER)];
                    file.read_exact_at(read, at as u64).ok()?;
                    // The checksum field, in the first bytes, is left out.
                    if at == 0 && read.len() >= AT_CHECKSUM + 4 {
                        hasher.update(&read[..AT_CHECKSUM]);
                        hasher.update(&read[AT_CHECKSUM + 4..]);
                    } else {
                        hasher.update(read);
                    }
                    at += read.len();
                }
                Some(hasher)
            },
        )
        .collect();
    let mut pieces = pieces?.into_iter();
    let mut whole = pieces.next()?;
    for piece in pieces {
        whole.combine(&piece);
    }
    Some(whole.finalize())
}

#[cfg(not(unix))]
fn file_checksum(_: &File, _: usize) -> Option<u32> {
    None
}

impl Arrays {
    /// Writes a file of `kind` with sections of `lens` bytes straight to `path`, never
    /// holding it in memory: `fill(i, put)` hands section `i` to `put` in pieces. The
    /// file is written as [`Arrays::write`] writes one, through a temporary file renamed
    /// over `path`. A section whose pieces do not add up to its length is an error, and
    /// nothing is renamed.
    pub fn write_streamed(
        kind: &Kind,
        path: &Path,
        fingerprint: u64,
        entries: usize,
        lens: &[usize],
        mut fill: impl FnMut(usize, &mut dyn FnMut(&[u8])),
    ) -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom};
        assert_eq!(lens.len(), kind.widths.len(), "one length per section of the kind");
        let (header, table) = header(kind, fingerprint, entries, lens);
        let mut file = temporary(path)?;
        let mut crc = crc32fast::Hasher::new();
        crc.update(&header[..AT_CHECKSUM]);
        crc.update(&header[AT_CHECKSUM + 4..]);
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file.as_file_mut());
        out.write_all(&header)?;
        for (i, &(_, len)) in table.iter().enumerate() {
            let (mut written, mut failed) = (0u64, None);
            fill(i, &mut |piece: &[u8]| {
                if failed.is_none() {
                    crc.update(piece);
                    written += piece.len() as u64;
                    failed = out.write_all(piece).err();
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            if written != len {
                return Err(std::io::Error::other(format!("section {i}: {written} bytes, not {len}")));
            }
            let padding = [0u8; 8];
            let pad = &padding[..(len.next_multiple_of(8) - len) as usize];
            crc.update(pad);
            out.write_all(pad)?;
        }
        out.flush()?;
        drop(out);
        let file_mut = file.as_file_mut();
        file_mut.seek(SeekFrom::Start(AT_CHECKSUM as u64))?;
        file_mut.write_all(&crc.finalize().to_ne_bytes())?;
        file_mut.sync_data()?;
        file.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Lays out a file of `kind` with sections of `lens` bytes: `fill(i, out)` writes
    /// section `i` into `out` (and may free what it came from, so the content is never
    /// held twice over).
    pub fn lay_out(
        kind: &Kind,
        fingerprint: u64,
        entries: usize,
        lens: &[usize],
        mut fill: impl FnMut(usize, &mut [u8]),
    ) -> Result<Arrays, Damage> {
        assert_eq!(lens.len(), kind.widths.len(), "one length per section of the kind");
        let (header, table) = header(kind, fingerprint, entries, lens);
        let total =
            table.last().map_or(header.len() as u64, |&(offset, len)| offset + len.next_multiple_of(8));
        let mut words = vec![0u64; total as usize / 8];
        let out = bytes_of_mut(&mut words);
        out[..header.len()].copy_from_slice(&header);
        for (i, &(offset, len)) in table.iter().enumerate() {
            fill(i, &mut out[offset as usize..(offset + len) as usize]);
        }
        let sum = checksum(out);
        out[AT_CHECKSUM..AT_CHECKSUM + 4].copy_from_slice(&sum.to_ne_bytes());
        Arrays::check(kind, Bytes::Owned(words))
    }

    /// Checks `bytes` as a file of `kind` (see the module's documentation).
    fn check(kind: &Kind, bytes: Bytes) -> Result<Arrays, Damage> {
        Arrays::check_with(kind, bytes, None, checksum)
    }

    /// [`Arrays::check`], with the checksum of the bytes computed by `sum`; a file
    /// whose header names another fingerprint than `want` (when given) is
    /// [`Damage::Stale`] before its checksum is computed, so a stale file of gigabytes
    /// costs its header only.
    fn check_with(
        kind: &Kind,
        bytes: Bytes,
        want: Option<u64>,
        sum: impl FnOnce(&[u8]) -> u32,
    ) -> Result<Arrays, Damage> {
        let b = bytes.as_slice();
        let header = kind.header();
        if b.len() < 8 || b[..8] != kind.magic {
            return Err(Damage::NotOfKind(kind.name));
        }
        if b.len() < AT_TABLE {
            let expected = (b.len() >= AT_LEN + 8).then(|| read_u64(b, AT_LEN));
            return Err(Damage::Truncated { expected, found: b.len() as u64 });
        }
        let version = read_u32(b, AT_VERSION);
        if version != kind.version {
            return Err(Damage::OtherVersion(version));
        }
        if read_u32(b, AT_BYTE_ORDER) != BYTE_ORDER {
            return Err(Damage::OtherMachine);
        }
        let expected = read_u64(b, AT_LEN);
        if expected != b.len() as u64 || b.len() < header {
            return Err(Damage::Truncated { expected: Some(expected), found: b.len() as u64 });
        }
        if want.is_some_and(|want| want != read_u64(b, AT_FINGERPRINT)) {
            return Err(Damage::Stale);
        }
        if read_u32(b, AT_CHECKSUM) != sum(b) {
            return Err(Damage::Checksum);
        }
        let mut sections = Vec::with_capacity(kind.widths.len());
        for (i, &width) in kind.widths.iter().enumerate() {
            let (offset, len) = (read_u64(b, AT_TABLE + i * 16), read_u64(b, AT_TABLE + i * 16 + 8));
            let end = offset.checked_add(len).filter(|&end| end <= b.len() as u64);
            match end {
                Some(end)
                    if offset.is_multiple_of(8)
                        && offset >= header as u64
                        && len.is_multiple_of(width as u64) =>
                {
                    sections.push(offset as usize..end as usize);
                }
                _ => return Err(Damage::Malformed("a section lies outside the file")),
            }
        }
        Ok(Arrays {
            fingerprint: read_u64(b, AT_FINGERPRINT),
            entries: usize::try_from(read_u64(b, AT_ENTRIES))
                .map_err(|_| Damage::Malformed("entry count"))?,
            sections,
            bytes,
        })
    }

    /// Checks the file of `kind` at `path`, mapping it into memory, and that it was made
    /// from the memory of `entries` entries whose fingerprint is `fingerprint`.
    pub fn open(kind: &Kind, path: &Path, fingerprint: u64, entries: usize) -> Result<Arrays, Damage> {
        let arrays = Arrays::open_of(kind, path, fingerprint)?;
        if arrays.entries != entries {
            return Err(Damage::Stale);
        }
        Ok(arrays)
    }

    /// Checks the file of `kind` at `path`, made from the memory whose fingerprint is
    /// `fingerprint` (a file made from another is [`Damage::Stale`], found from its
    /// header alone).
    pub fn open_of(kind: &Kind, path: &Path, fingerprint: u64) -> Result<Arrays, Damage> {
        Arrays::open_checked(kind, path, Some(fingerprint))
    }

    /// Checks the file of `kind` at `path`, whatever memory it was made from.
    pub fn open_any(kind: &Kind, path: &Path) -> Result<Arrays, Damage> {
        Arrays::open_checked(kind, path, None)
    }

    fn open_checked(kind: &Kind, path: &Path, want: Option<u64>) -> Result<Arrays, Damage> {
        let file = open_kept(path)?;
        let len = file.metadata().map_err(|e| Damage::Unreadable(e.to_string()))?.len();
        if len < kind.header() as u64 {
            // Too short for a header (an empty map is an error on some systems): read it,
            // from the file opened, whatever is renamed over its path meanwhile, and no
            // more than its length said.
            let mut read = Vec::new();
            std::io::Read::read_to_end(&mut std::io::Read::take(&file, len), &mut read)
                .map_err(|e| Damage::Unreadable(e.to_string()))?;
            let mut words = vec![0u64; read.len().div_ceil(8)];
            bytes_of_mut(&mut words)[..read.len()].copy_from_slice(&read);
            // Its magic, version and the length its header gives, as far as they go (the
            // bytes read, not the zeros that pad them to words).
            let cut = Damage::Truncated { expected: None, found: len };
            if read.len() < kind.magic.len() {
                return Err(if kind.magic.starts_with(&read) { cut } else { Damage::NotOfKind(kind.name) });
            }
            return match Arrays::check(kind, Bytes::Owned(words)) {
                Err(damage @ Damage::NotOfKind(_)) => Err(damage),
                Err(damage @ Damage::OtherVersion(_)) if read.len() >= AT_VERSION + 4 => Err(damage),
                Err(damage @ Damage::OtherMachine) if read.len() >= AT_BYTE_ORDER + 4 => Err(damage),
                Err(Damage::Truncated { expected, .. }) if read.len() >= AT_LEN + 8 => {
                    Err(Damage::Truncated { expected, found: len })
                }
                _ => Err(cut),
            };
        }
        // SAFETY: cache files are only ever replaced by renaming a new one over them,
        // never written in place (see the module's documentation); what is read from
        // one is checked before use.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Damage::Unreadable(e.to_string()))?;
        Arrays::check_with(kind, Bytes::Mapped(map), want, |b| match kind.opening_reads_all {
            true => checksum(b),
            false => file_checksum(&file, b.len()).unwrap_or_else(|| checksum(b)),
        })
    }

    /// Writes the file to `path` through a temporary file in the same folder renamed
    /// over it, so a reader sees the old file or the new one, never part of one.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut file = temporary(path)?;
        file.write_all(self.bytes.as_slice())?;
        file.as_file().sync_data()?;
        file.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Section `i` as an array of `T` (empty when `T` does not fit its width, which
    /// the kind's widths rule out).
    pub fn array<T: Plain>(&self, i: usize) -> &[T] {
        let range = self.sections[i].clone();
        cast(&self.bytes.as_slice()[range]).unwrap_or_default()
    }

    /// The size of the file in bytes.
    pub fn len(&self) -> usize {
        self.bytes.as_slice().len()
    }

    /// Whether it has no bytes (never: a file has a header).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, for tests that damage them.
    #[cfg(test)]
    pub fn to_vec(&self) -> Vec<u8> {
        self.bytes.as_slice().to_vec()
    }

    /// Checks `bytes` as a file of `kind`, for tests that damage them.
    #[cfg(test)]
    pub fn from_vec(kind: &Kind, bytes: &[u8]) -> Result<Arrays, Damage> {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        bytes_of_mut(&mut words)[..bytes.len()].copy_from_slice(bytes);
        if !bytes.len().is_multiple_of(8) {
            // A length that is no multiple of 8: the header's length tells it.
            let dir = tempfile::tempdir().map_err(|e| Damage::Unreadable(e.to_string()))?;
            let path = dir.path().join("file");
            std::fs::write(&path, bytes).map_err(|e| Damage::Unreadable(e.to_string()))?;
            return Arrays::open_any(kind, &path);
        }
        Arrays::check(kind, Bytes::Owned(words))
    }
}

/// Whether `values` starts at 0, never falls, and ends at `end`.
pub fn rises_to<T: Copy + Into<u64> + Sync>(values: &[T], end: u64) -> bool {
    values.first().is_some_and(|&v| v.into() == 0)
        && values.last().is_some_and(|&v| v.into() == end)
        && windows_all(values, 2, |w| w[0].into() <= w[1].into())
}

/// `text` checked as UTF-8 on every core, in pieces cut where no character continues.
pub fn utf8(text: &[u8]) -> Option<&str> {
    const PIECE: usize = 4 << 20;
    let mut cuts = vec![0];
    while let Some(&last) = cuts.last() {
        let mut cut = (last + PIECE).min(text.len());
        while cut < text.len() && text[cut] & 0xc0 == 0x80 {
            cut += 1;
        }
        cuts.push(cut);
        if cut == text.len() {
            break;
        }
    }
    let whole = cuts.par_windows(2).all(|w| std::str::from_utf8(&text[w[0]..w[1]]).is_ok());
    // SAFETY: every piece is valid UTF-8, and the pieces are cut where no character
    // continues, so the whole is valid UTF-8.
    whole.then(|| unsafe { std::str::from_utf8_unchecked(text) })
}

/// Whether every one of `values` is below `limit`.
pub fn all_below(values: &[u32], limit: usize) -> bool {
    // Each core takes the greatest of a block in one loop the compiler vectorizes.
    values.par_chunks(CHECK_BLOCK).all(|block| block.iter().max().is_none_or(|&x| (x as usize) < limit))
}

/// How many values a core checks at a time: enough that handing out blocks costs
/// nothing beside the checks, few enough that the cores share the work.
const CHECK_BLOCK: usize = 1 << 16;

/// Whether `holds` holds for every window of `width` values of `values` (`width` at
/// least 1), checked on every core a block at a time.
pub fn windows_all<T: Sync>(values: &[T], width: usize, holds: impl Fn(&[T]) -> bool + Sync) -> bool {
    let width = width.max(1);
    let windows = values.len().saturating_sub(width - 1);
    (0..windows.div_ceil(CHECK_BLOCK)).into_par_iter().all(|block| {
        let start = block * CHECK_BLOCK;
        let end = (start + CHECK_BLOCK).min(windows) + width - 1;
        values[start..end].windows(width).all(&holds)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: Kind = Kind {
        magic: *b"TOLKTST\0",
        version: 3,
        widths: &[1, 4, 8],
        name: "a test file",
        opening_reads_all: false,
    };

    #[cfg(unix)]
    #[test]
    fn a_kept_file_that_is_a_fifo_or_a_link_is_damage_not_a_wait_or_an_endless_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("index.tolkidx");
        let c = std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(fifo.as_os_str())).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only reads it.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        // With no writer, an open that waited would never return.
        let damage = Arrays::open_any(&KIND, &fifo).unwrap_err();
        assert_eq!(damage.to_string(), "it is a FIFO (named pipe), not a file tolk made");
        assert!(fingerprint_in(&fifo).is_none());
        let zero = dir.path().join("zero.tolkidx");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert_eq!(Arrays::open_any(&KIND, &zero).unwrap_err(), Damage::NotAFile("symbolic link"));
        // A link to a good file is no file tolk made either: the cache holds files only.
        let good = dir.path().join("good");
        sample().write(&good).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&good, &link).unwrap();
        assert!(Arrays::open_any(&KIND, &good).is_ok());
        assert_eq!(Arrays::open_any(&KIND, &link).unwrap_err(), Damage::NotAFile("symbolic link"));
    }

    fn sample() -> Arrays {
        let sections: [Vec<u8>; 3] =
            [b"hei".to_vec(), bytes_of(&[1u32, 2]).to_vec(), bytes_of(&[9u64]).to_vec()];
        let lens: Vec<usize> = sections.iter().map(Vec::len).collect();
        Arrays::lay_out(&KIND, 42, 7, &lens, |i, out| out.copy_from_slice(&sections[i])).unwrap()
    }

    #[test]
    fn a_written_file_reads_back_the_same() {
        let arrays = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        arrays.write(&path).unwrap();
        let back = Arrays::open(&KIND, &path, 42, 7).unwrap();
        assert_eq!(back.to_vec(), arrays.to_vec());
        assert_eq!(back.array::<u8>(0), b"hei");
        assert_eq!(back.array::<u32>(1), [1, 2]);
        assert_eq!(back.array::<u64>(2), [9]);
        assert_eq!(Arrays::open(&KIND, &path, 43, 7).unwrap_err(), Damage::Stale);
        assert_eq!(Arrays::open(&KIND, &path, 42, 8).unwrap_err(), Damage::Stale);
        assert_eq!(Arrays::open(&KIND, &dir.path().join("none"), 42, 7).unwrap_err(), Damage::Missing);
    }

    #[test]
    fn a_file_opened_either_way_finds_every_flipped_bit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        let good = sample().to_vec();
        for kind in [KIND, Kind { opening_reads_all: true, ..KIND }] {
            for at in (0..good.len()).filter(|&at| !(AT_CHECKSUM..AT_CHECKSUM + 4).contains(&at)) {
                let mut bad = good.clone();
                bad[at] ^= 0x10;
                std::fs::write(&path, &bad).unwrap();
                assert!(Arrays::open_any(&kind, &path).is_err(), "byte {at} flipped, {kind:?}");
            }
            std::fs::write(&path, &good).unwrap();
            assert_eq!(Arrays::open(&kind, &path, 42, 7).unwrap().to_vec(), good);
        }
    }

    #[test]
    fn block_wise_checks_see_a_fault_at_every_block_edge() {
        let n = 2 * CHECK_BLOCK + 3;
        let rising: Vec<u32> = (0..n as u32).collect();
        assert!(rises_to(&rising, n as u64 - 1));
        assert!(all_below(&rising, n));
        assert!(windows_all(&rising, 3, |w| w[1] - w[0] <= w[2] - w[1]));
        for at in [2, CHECK_BLOCK - 1, CHECK_BLOCK, CHECK_BLOCK + 1, 2 * CHECK_BLOCK, n - 2] {
            let mut fall = rising.clone();
            fall[at] = fall[at - 1] - 1;
            assert!(!rises_to(&fall, n as u64 - 1), "a fall at {at}");
            let mut big = rising.clone();
            big[at] = n as u32;
            assert!(!all_below(&big, n), "a value too large at {at}");
            let mut gap = rising.clone();
            gap[at] += 1;
            // The step into `at` grows, the one out of it shrinks.
            assert!(!windows_all(&gap, 3, |w| w[1] - w[0] <= w[2] - w[1]), "a shrinking step after {at}");
        }
        assert!(windows_all(&[1, 2], 3, |_| false), "no window: nothing to fail");
    }

    #[test]
    fn a_streamed_file_is_the_laid_out_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        let sections: [Vec<u8>; 3] =
            [b"hei".to_vec(), bytes_of(&[1u32, 2]).to_vec(), bytes_of(&[9u64]).to_vec()];
        let lens: Vec<usize> = sections.iter().map(Vec::len).collect();
        Arrays::write_streamed(&KIND, &path, 42, 7, &lens, |i, put| {
            for byte in &sections[i] {
                put(std::slice::from_ref(byte));
            }
        })
        .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), sample().to_vec());
        // A section that comes out shorter than its length is refused, and nothing kept.
        let short = dir.path().join("short");
        let result = Arrays::write_streamed(&KIND, &short, 42, 7, &lens, |i, put| put(&sections[i][1..]));
        assert!(result.is_err());
        assert!(!short.exists());
    }

    /// A file cut anywhere in its header is said to be cut there, with the length its
    /// header gives once that is in the bytes left; never another kind or version.
    #[test]
    fn a_file_cut_in_its_header_is_said_to_be_cut() {
        let good = sample().to_vec();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut");
        for len in 0..KIND.header() {
            std::fs::write(&path, &good[..len]).unwrap();
            let expected = (len >= AT_LEN + 8).then_some(good.len() as u64);
            let found = Arrays::open_any(&KIND, &path).err();
            assert_eq!(found, Some(Damage::Truncated { expected, found: len as u64 }), "cut at {len}");
        }
        std::fs::write(&path, b"PK\x03").unwrap();
        assert_eq!(Arrays::open_any(&KIND, &path).err(), Some(Damage::NotOfKind("a test file")));
    }

    #[test]
    fn every_damage_is_found() {
        let good = sample().to_vec();
        assert!(Arrays::from_vec(&KIND, &good).is_ok());
        // Every single bit flipped is found, wherever it is.
        for at in 0..good.len() {
            for bit in 0..8 {
                let mut bad = good.clone();
                bad[at] ^= 1 << bit;
                assert!(
                    Arrays::from_vec(&KIND, &bad).is_err(),
                    "a flip of bit {bit} at byte {at} went unseen"
                );
            }
        }
        // Cut anywhere, or lengthened.
        for len in 0..good.len() {
            assert!(Arrays::from_vec(&KIND, &good[..len]).is_err(), "cut at {len}");
        }
        let mut longer = good.clone();
        longer.extend_from_slice(&[0; 8]);
        assert!(matches!(Arrays::from_vec(&KIND, &longer), Err(Damage::Truncated { .. })));
        let mut other = good.clone();
        other[AT_VERSION] = other[AT_VERSION].wrapping_add(1);
        assert!(matches!(Arrays::from_vec(&KIND, &other), Err(Damage::OtherVersion(4))));
        let other_kind = Kind { magic: *b"TOLKOTH\0", ..KIND };
        assert_eq!(Arrays::from_vec(&other_kind, &good).unwrap_err(), Damage::NotOfKind("a test file"));
        assert_eq!(Arrays::from_vec(&KIND, b"entry,source\n").unwrap_err(), Damage::NotOfKind("a test file"));
    }
}
