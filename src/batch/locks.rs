//! The lock files a spreadsheet keeps beside a workbook while it is open: Excel's (and
//! Word's) `~$` owner file, and LibreOffice's hidden `.~lock.NAME#`.
//!
//! A batch imported while the translator still has it open may lack the edits not saved
//! yet, and a lock file named among the files to import (`tolk import returned/*.xlsx`
//! takes Excel's `~$b.xlsx` too) is no batch. This module only recognises them and says
//! who holds them; it reads nothing else and decides nothing.

use std::path::{Path, PathBuf};

/// A lock file, named as a file to import: what it locks, and who holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerFile {
    /// The workbook it is beside, if it is there.
    pub workbook: Option<PathBuf>,
    /// Who has it open, as the lock file says.
    pub owner: Option<String>,
}

/// The workbook `path` is Excel's or Word's owner file of, if `path` is one: `~$` and the
/// workbook's name (`~$b.xlsx`), or its end for a long name (Word's `~$stival.docx` for
/// `festival.docx`). Read by its name only, so a lock file that is not there (a glob
/// that matched it a moment ago) is still one.
pub fn office_owner_file(path: &Path) -> Option<OwnerFile> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("~$")?;
    // An owner file is a name and some padding: a file of some size is something else.
    if std::fs::metadata(path).is_ok_and(|m| m.len() > 4096) {
        return None;
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let exact = dir.join(rest);
    let workbook = if exact.is_file() {
        Some(exact)
    } else {
        std::fs::read_dir(dir).ok()?.filter_map(|e| e.ok()).map(|e| e.path()).find(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n != name && !n.starts_with("~$") && n.ends_with(rest) && n.len() <= rest.len() + 2
            })
        })
    };
    let owner = std::fs::read(path).ok().and_then(|bytes| office_owner(&bytes));
    Some(OwnerFile { workbook: workbook.map(|w| strip_dot(&w)), owner })
}

/// The LibreOffice lock file beside `workbook` (`.~lock.b.xlsx#`), if there is one: it is
/// open in LibreOffice, by the returned owner if the file says.
pub fn libreoffice_lock(workbook: &Path) -> Option<(PathBuf, Option<String>)> {
    let name = workbook.file_name()?.to_str()?;
    let lock = workbook.with_file_name(format!(".~lock.{name}#"));
    let bytes = std::fs::read(&lock).ok()?;
    // `,Kari Nordmann,laptop,03.12.2026 08:00,file:///…;`: the second field is the user.
    let text = String::from_utf8_lossy(&bytes);
    let owner = text.split(',').nth(1).map(str::trim).filter(|o| !o.is_empty()).map(str::to_string);
    Some((lock, owner))
}

/// The Excel owner file beside `workbook` (`~$b.xlsx`), if there is one: it is open in
/// Excel, by the returned owner if the file says.
pub fn excel_lock(workbook: &Path) -> Option<(PathBuf, Option<String>)> {
    let name = workbook.file_name()?.to_str()?;
    let lock = workbook.with_file_name(format!("~${name}"));
    let bytes = std::fs::read(&lock).ok()?;
    Some((lock, office_owner(&bytes)))
}

/// The user name an Office owner file starts with: a length byte, then the name.
fn office_owner(bytes: &[u8]) -> Option<String> {
    let len = usize::from(*bytes.first()?);
    let name = bytes.get(1..1 + len)?;
    let name = String::from_utf8_lossy(name).trim().to_string();
    (!name.is_empty() && name.chars().all(|c| !c.is_control())).then_some(name)
}

/// `path` without a leading `./`, as the user would name it.
fn strip_dot(path: &Path) -> PathBuf {
    path.strip_prefix(".").map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_file_names_the_workbook_and_who_has_it_open() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.xlsx"), "PK").unwrap();
        std::fs::write(dir.path().join("~$b.xlsx"), b"\x04Kari                    ").unwrap();
        std::fs::write(dir.path().join("festival.docx"), "PK").unwrap();
        std::fs::write(dir.path().join("~$stival.docx"), b"\x05Ola N\0\0").unwrap();
        let lock = office_owner_file(&dir.path().join("~$b.xlsx")).unwrap();
        assert_eq!(lock, OwnerFile { workbook: Some(dir.path().join("b.xlsx")), owner: Some("Kari".into()) });
        let lock = office_owner_file(&dir.path().join("~$stival.docx")).unwrap();
        assert_eq!(lock.workbook, Some(dir.path().join("festival.docx")));
        assert_eq!(lock.owner.as_deref(), Some("Ola N"));
        assert_eq!(office_owner_file(&dir.path().join("b.xlsx")), None);
        let gone = office_owner_file(&dir.path().join("~$c.xlsx")).unwrap();
        assert_eq!(gone, OwnerFile { workbook: None, owner: None });
        assert_eq!(excel_lock(&dir.path().join("b.xlsx")).unwrap().1.as_deref(), Some("Kari"));
    }

    #[test]
    fn a_libreoffice_lock_says_who_has_the_workbook_open() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.xlsx"), "PK").unwrap();
        assert_eq!(libreoffice_lock(&dir.path().join("b.xlsx")), None);
        std::fs::write(dir.path().join(".~lock.b.xlsx#"), ",kari,laptop,03.12.2026 08:00,file:///home/kari;")
            .unwrap();
        let (lock, owner) = libreoffice_lock(&dir.path().join("b.xlsx")).unwrap();
        assert_eq!(lock, dir.path().join(".~lock.b.xlsx#"));
        assert_eq!(owner.as_deref(), Some("kari"));
    }
}
