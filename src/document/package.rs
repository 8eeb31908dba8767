//! Zip packages (Word's .docx, LibreOffice's .odt): reading the XML entries that hold
//! text, and writing the package back with only those entries changed.
//!
//! An entry that was not changed is copied as it was stored, compressed bytes, date
//! and all; a changed one is compressed the way it was. A package none of whose
//! entries changed is written back as the very bytes it was read from. Reading is
//! bounded: at most [`MAX_UNPACKED`] unpacked in all, counted as the bytes come out,
//! not as the archive claims.

use std::borrow::Cow;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{ZipArchive, ZipWriter};

/// The media type an OpenDocument file (`.odt`, `.ods`, …) states in its first entry,
/// `mimetype`, stored uncompressed as the format requires, read from the file's first
/// bytes `head`; `None` for any other file.
pub fn odf_mimetype(head: &[u8]) -> Option<&str> {
    let u16_at = |i: usize| head.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let u32_at = |i: usize| head.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let (method, size, name, extra) = (u16_at(8)?, u32_at(18)?, u16_at(26)?, u16_at(28)?);
    let content = 30 + name + extra;
    if !head.starts_with(b"PK\x03\x04") || method != 0 || head.get(30..30 + name)? != b"mimetype" {
        return None;
    }
    std::str::from_utf8(head.get(content..content.checked_add(size)?)?).ok().filter(|m| !m.is_empty())
}

use crate::error::{Error, Place, Result};

/// The most a package's entries that tolk reads may unpack to, together.
pub const MAX_UNPACKED: u64 = 256 << 20;

/// A package as read: its bytes, kept to write it back.
#[derive(Debug, Clone)]
pub struct Package {
    bytes: Vec<u8>,
    read: u64,
}

impl Package {
    /// Opens the package `bytes` read from `path`; `kind` names what it should be in
    /// errors ("a Word document").
    pub fn open(bytes: Vec<u8>, path: &Path, kind: &str) -> Result<Package> {
        if !bytes.starts_with(b"PK") {
            let why = match encrypted(&bytes) {
                true => PASSWORD.to_string(),
                false => format!("is not a readable {kind}: {}", not_a_zip(&bytes)),
            };
            return Err(Error::at(path, Place::File, why));
        }
        let mut archive =
            ZipArchive::new(Cursor::new(&bytes[..])).map_err(|e| damaged(path, kind, &e.to_string()))?;
        // Every entry is copied when the package is written back: each must be whole
        // now, so a damaged one is found when the document is read, not when an
        // edition is written. Its stored bytes are read, never unpacked.
        for i in 0..archive.len() {
            let mut entry = archive.by_index_raw(i).map_err(|e| damaged(path, kind, &e.to_string()))?;
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
            std::io::copy(&mut entry, &mut std::io::sink())
                .map_err(|e| damaged(path, kind, &format!("{name}: {e}")))?;
        }
        Ok(Package { bytes, read: 0 })
    }

    /// The names of the entries, in the archive's order.
    pub fn names(&self) -> Vec<String> {
        match ZipArchive::new(Cursor::new(&self.bytes[..])) {
            Ok(a) => a.file_names().filter_map(|n| n.ok().map(Cow::into_owned)).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The entry `name` as UTF-8 text, `None` if the package has no such entry.
    pub fn text(&mut self, name: &str, path: &Path, kind: &str) -> Result<Option<String>> {
        let mut archive =
            ZipArchive::new(Cursor::new(&self.bytes[..])).map_err(|e| damaged(path, kind, &e.to_string()))?;
        let entry = match archive.by_name(name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(damaged(path, kind, &format!("{name}: {e}"))),
        };
        let room = MAX_UNPACKED.saturating_sub(self.read);
        let mut bytes = Vec::new();
        entry
            .take(room + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| damaged(path, kind, &format!("{name}: {e}")))?;
        self.read += bytes.len() as u64;
        if bytes.len() as u64 > room {
            return Err(Error::at(
                path,
                Place::File,
                format!(
                    "its text unpacks to more than {} MiB; tolk reads documents up to that size",
                    MAX_UNPACKED >> 20
                ),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::at(
                path,
                Place::File,
                format!(
                    "{name} is not UTF-8 (byte {}); {kind} holds UTF-8 XML",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        Ok(Some(text))
    }

    /// The package with the entries `parts` (name, text) in place of the ones of the
    /// same name; the bytes it was read from when none changed.
    pub fn write(&self, parts: &[(&str, Cow<'_, str>)]) -> Result<Vec<u8>> {
        let changed: Vec<&(&str, Cow<'_, str>)> =
            parts.iter().filter(|(_, t)| matches!(t, Cow::Owned(_))).collect();
        if changed.is_empty() {
            return Ok(self.bytes.clone());
        }
        let fail = |e: zip::result::ZipError| Error::Invalid(format!("writing the package failed: {e}"));
        let mut archive = ZipArchive::new(Cursor::new(&self.bytes[..])).map_err(fail)?;
        let mut out =
            ZipWriter::new(Cursor::new(Vec::with_capacity(self.bytes.len() + self.bytes.len() / 4)));
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).map_err(fail)?;
            let name = entry.name().map_err(fail)?.into_owned();
            match changed.iter().find(|(n, _)| *n == name) {
                Some((_, text)) => {
                    let mut options = SimpleFileOptions::default().compression_method(entry.compression());
                    if let Some(date) = entry.last_modified() {
                        options = options.last_modified_time(date);
                    }
                    if let Some(mode) = entry.unix_mode() {
                        options = options.unix_permissions(mode);
                    }
                    drop(entry);
                    out.start_file(name, options).map_err(fail)?;
                    out.write_all(text.as_bytes()).map_err(|e| fail(e.into()))?;
                }
                None => out.raw_copy_file(entry).map_err(fail)?,
            }
        }
        Ok(out.finish().map_err(fail)?.into_inner())
    }
}

/// What is said of a document saved with a password, whose package is encrypted.
const PASSWORD: &str =
    "is protected with a password; open it in Word or LibreOffice and save it without one \
     (in Word: File > Info > Protect Document > Encrypt with Password, the password cleared; in LibreOffice: \
     File > Save As, with \"Save with password\" unticked)";

/// Whether `bytes` are an OLE compound file whose directory holds a stream named
/// `EncryptedPackage`: how Word and LibreOffice store a `.docx` (an `.xlsx`, a `.pptx`)
/// saved with a password, the whole package encrypted inside the compound file
/// ([MS-OFFCRYPTO] 2.3.4.4). Its first bytes are those of an old binary `.doc`, whose
/// streams are others (`WordDocument`), so only the directory tells the two apart.
///
/// Read as [MS-CFB] lays the file out: the header gives the sector size, the first
/// sector of the directory and the sectors of the allocation table (the first 109 in
/// the header, the rest in a chain of DIFAT sectors), which chains the directory's
/// sectors; each sector holds directory entries of 128 bytes, a name in UTF-16 and
/// its length, and the entry's type (2, a stream). Every chain is followed at most as
/// many steps as the file has sectors, so a damaged or hostile file answers `false`.
fn encrypted(bytes: &[u8]) -> bool {
    const NAME: &str = "EncryptedPackage";
    /// The largest number of a sector; those above it mark the end of a chain, free
    /// sectors and the allocation table's own.
    const LAST: u32 = 0xFFFF_FFFA;
    let u16_at = |b: &[u8], i: usize| b.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |b: &[u8], i: usize| b.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if !bytes.starts_with(super::OLE) {
        return false;
    }
    // Sectors of 512 bytes (version 3) or 4096 (version 4); the header fills the first.
    let Some(shift) = u16_at(bytes, 0x1e).filter(|s| matches!(s, 9 | 12)) else { return false };
    let size = 1usize << shift;
    let count = bytes.len() / size;
    let sector = |n: u32| -> Option<&[u8]> {
        let start = (n <= LAST).then_some(n as usize + 1)?.checked_mul(size)?;
        bytes.get(start..start.checked_add(size)?)
    };
    // The sectors of the allocation table.
    let per = size / 4;
    let mut table: Vec<u32> = (0..109).filter_map(|i| u32_at(bytes, 0x4c + 4 * i)).collect();
    let mut difat = u32_at(bytes, 0x44);
    for _ in 0..count {
        let Some(s) = difat.and_then(sector) else { break };
        table.extend((0..per - 1).filter_map(|i| u32_at(s, 4 * i)));
        difat = u32_at(s, 4 * (per - 1));
    }
    let next = |n: u32| u32_at(sector(*table.get(n as usize / per)?)?, 4 * (n as usize % per));
    let name: Vec<u8> = NAME.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut at = u32_at(bytes, 0x30);
    for _ in 0..count {
        let Some(directory) = at.and_then(sector) else { return false };
        for entry in directory.chunks_exact(128) {
            // The name's length counts its terminating NUL.
            let length = u16_at(entry, 64).map_or(0, usize::from);
            if entry[66] == 2 && length == name.len() + 2 && entry[..name.len()] == name[..] {
                return true;
            }
        }
        at = at.and_then(next);
    }
    false
}

/// Why `bytes`, which do not start as a zip archive does, are no packaged document,
/// and what to do.
fn not_a_zip(bytes: &[u8]) -> String {
    const SAVE: &str =
        "open it in Word or LibreOffice and save it as a Word (.docx) or LibreOffice (.odt) document";
    if bytes.is_empty() {
        return format!("the file is empty; {SAVE}");
    }
    let head = &bytes[..bytes.len().min(512)];
    if let Some(what) = super::unsupported(head) {
        return format!("it is {what}, not a zip archive as such a document is; {SAVE}");
    }
    // Text: UTF-8 (a character cut at the end of the head aside) without control
    // characters but white space.
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => "",
    };
    if text.is_empty() || text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return format!("it is not a zip archive, as such a document is; {SAVE}");
    }
    let text = text.trim();
    let mut start: String = text.chars().take(30).collect();
    if start.len() < text.len() {
        start.push('…');
    }
    format!(
        "it is not a zip archive, as such a document is, but text, starting {start:?}: if it is text, give it the \
         extension of what it holds (.txt, .md, .html)"
    )
}

fn damaged(path: &Path, kind: &str, why: &str) -> Error {
    Error::at(
        path,
        Place::File,
        format!("is not a readable {kind} ({why}); open it in its application and save it again"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An OLE compound file of sectors of `1 << shift` bytes whose root holds streams
    /// named `names` (their data, all of them, `data`), as [MS-CFB] lays one out: the
    /// allocation table in sector 0, the data in sector 2, and the directory in sectors
    /// 3 and then 1, so a reader must follow its chain to find the entries after the
    /// first sector's.
    fn compound(shift: u16, names: &[&str], data: &[u8]) -> Vec<u8> {
        const END: u32 = 0xFFFF_FFFE;
        const FREE: u32 = 0xFFFF_FFFF;
        let size = 1usize << shift;
        let mut entries = Vec::new();
        for (i, name) in std::iter::once("Root Entry").chain(names.iter().copied()).enumerate() {
            let mut entry = vec![0u8; 128];
            let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            entry[..utf16.len()].copy_from_slice(&utf16);
            entry[64..66].copy_from_slice(&(utf16.len() as u16 + 2).to_le_bytes());
            entry[66] = if i == 0 { 5 } else { 2 };
            entries.extend(entry);
        }
        assert!(entries.len() <= 2 * size, "two sectors of directory at most");
        entries.resize(2 * size, 0);
        let mut header = vec![0u8; size];
        header[..8].copy_from_slice(crate::document::OLE);
        header[0x18..0x1a].copy_from_slice(&0x3eu16.to_le_bytes());
        header[0x1a..0x1c].copy_from_slice(&(if shift == 9 { 3u16 } else { 4 }).to_le_bytes());
        header[0x1c..0x1e].copy_from_slice(&0xfffeu16.to_le_bytes());
        header[0x1e..0x20].copy_from_slice(&shift.to_le_bytes());
        header[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
        header[0x2c..0x30].copy_from_slice(&1u32.to_le_bytes());
        header[0x30..0x34].copy_from_slice(&3u32.to_le_bytes());
        header[0x38..0x3c].copy_from_slice(&4096u32.to_le_bytes());
        header[0x3c..0x40].copy_from_slice(&END.to_le_bytes());
        header[0x44..0x48].copy_from_slice(&END.to_le_bytes());
        for i in 0..109 {
            let at = 0x4c + 4 * i;
            header[at..at + 4].copy_from_slice(&(if i == 0 { 0 } else { FREE }).to_le_bytes());
        }
        let mut table = vec![0u8; size];
        for (n, next) in [0xFFFF_FFFD, END, END, 1].into_iter().enumerate() {
            table[4 * n..4 * n + 4].copy_from_slice(&u32::to_le_bytes(next));
        }
        table[16..].fill(0xff);
        let mut stream = data.to_vec();
        stream.resize(size, 0);
        [header, table, entries[size..].to_vec(), stream, entries[..size].to_vec()].concat()
    }

    #[test]
    fn a_package_saved_with_a_password_is_told_from_an_old_binary_file_by_its_directory() {
        let utf16 = |t: &str| -> Vec<u8> { t.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        let spaces = ["\u{6}DataSpaces", "\u{5}SummaryInformation", "EncryptionInfo", "Ekstra"];
        // Its entry in the directory's second sector, reached through the allocation table.
        let locked = compound(9, &[&spaces[..], &["EncryptedPackage"]].concat(), b"");
        assert!(encrypted(&locked));
        assert!(encrypted(&compound(12, &["EncryptionInfo", "EncryptedPackage"], b"")));
        // An old .doc, even one whose text holds the name, and a name that only starts so.
        let doc = compound(9, &["WordDocument", "1Table"], &utf16("EncryptedPackage"));
        assert!(!encrypted(&doc));
        assert!(!encrypted(&compound(9, &["EncryptedPackage2"], b"")));
        // Cut before the directory's second sector, or with a chain that loops, it is
        // no encrypted package; no byte bent or cut makes the reader fail.
        assert!(!encrypted(&locked[..4 * 512]));
        let mut looping = locked.clone();
        looping[512 + 12..512 + 16].copy_from_slice(&3u32.to_le_bytes());
        assert!(!encrypted(&looping));
        for end in 0..locked.len() {
            let _ = encrypted(&locked[..end]);
        }
        for at in (0..512).chain(512..locked.len()).step_by(3) {
            let mut bent = locked.clone();
            bent[at] ^= 0xa5;
            let _ = encrypted(&bent);
        }
        // What the reader of a document says of each.
        let message = |bytes: Vec<u8>| {
            Package::open(bytes, Path::new("corpus/t.docx"), "Word document").unwrap_err().to_string()
        };
        assert_eq!(message(locked), format!("corpus/t.docx: {PASSWORD}"));
        assert!(message(doc).contains("it is an old binary Office file (a Word .doc or an Excel .xls)"));
    }

    #[test]
    fn the_mimetype_is_read_from_the_first_entry_and_nothing_else() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        zip.start_file("content.xml", SimpleFileOptions::default()).unwrap();
        zip.write_all(b"<x/>").unwrap();
        let ods = zip.finish().unwrap().into_inner();
        assert_eq!(odf_mimetype(&ods), Some("application/vnd.oasis.opendocument.spreadsheet"));
        // A head cut before the mimetype's end has none; every byte changed answers
        // without a panic.
        let first = (0..=ods.len()).find(|&end| odf_mimetype(&ods[..end]).is_some()).unwrap();
        assert_eq!(first, 30 + "mimetype".len() + "application/vnd.oasis.opendocument.spreadsheet".len());
        assert!((first..=ods.len()).all(|end| odf_mimetype(&ods[..end]).is_some()));
        for at in 0..80 {
            let mut bent = ods.clone();
            bent[at] = 0xff;
            let _ = odf_mimetype(&bent);
        }
        // An empty or compressed mimetype, or a first entry of another name, is none.
        let mut empty = ods.clone();
        empty[18..22].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(odf_mimetype(&empty), None);
        assert_eq!(odf_mimetype(b"PK\x03\x04"), None);
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("mimetype", SimpleFileOptions::default()).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        assert_eq!(odf_mimetype(&zip.finish().unwrap().into_inner()), None);
    }
}
