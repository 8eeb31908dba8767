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
            return Err(Error::at(
                path,
                Place::File,
                format!("is not a readable {kind}: {}", not_a_zip(&bytes)),
            ));
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
