//! Properties over random input, calling the library directly: no reader panics,
//! whatever it is given, and what imports cleanly exports and imports back unchanged.
//!
//! The readers are the document reader and segmenter, the batch CSV reader with
//! `import::validate`, the memory CSV reader, the XLIFF reader and the TMX and TSV
//! readers. Random bytes reach their decoders; random well-formed but odd CSV (quotes,
//! delimiters and line breaks inside cells, a BOM, CRLF, empty cells, headers in any
//! order and case with odd extra columns) and randomly damaged XML reach the parsers'
//! deeper states. The round trips: entries written as a memory CSV read back as the same
//! entries, and a batch with filled targets validated and merged into an empty memory,
//! then written as `tolk tm export --format csv` writes it, reads back as that memory;
//! and sentences with formatting codes go through an XLIFF batch (and validate) and
//! through TMX as the same placeholders. The index finds what the exhaustive scan finds
//! when sentences come back written another way.
//! Case counts stay moderate (64 to 256) so the suite stays fast; this module does not
//! hunt for long, the fuzz targets do.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tolk::batch::csv::parse as parse_csv;
use tolk::batch::csv::unescape_cell;
use tolk::batch::xliff;
use tolk::batch::{Batch, BatchRow};
use tolk::document::inline::Code;
use tolk::document::Document;
use tolk::exchange::tmx::{self, ReadOptions};
use tolk::import::{self, ImportRow, Incoming, Issued, MergeOptions};
use tolk::memory::{self, Entry, Memory};
use tolk::segment::Segmenter;
use tolk::text::SegmentId;

/// Sentences the batch reader is checked against, as if they were the corpus.
const ISSUED: [&str; 3] = ["Kort, hva er din kundeservicekarriere?", "Hei.", "=1+1"];

fn issued() -> Issued {
    ISSUED.iter().map(|s| (SegmentId::of(s), s.to_string())).collect()
}

/// Runs every reader on `bytes`; none may panic, and a document read must rebuild to
/// its text with its segments in order.
fn read_all(bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = Path::new("x");
    if let Ok(doc) = Document::from_bytes("x".into(), bytes.to_vec(), path, &Segmenter::default()) {
        prop_assert_eq!(doc.rebuild(|s| Some(s.text.as_str().into())).unwrap(), bytes);
        let mut at = 0;
        for (s, r) in doc.segments.iter().zip(doc.plain().unwrap().1) {
            prop_assert!(r.start >= at && r.end > r.start);
            prop_assert!(!doc.segment_text(s).contains(['\n', '\r']));
            at = r.end;
        }
    }
    if let Ok(file) = parse_csv(path, bytes) {
        let plan = import::validate(&file.rows, &issued());
        prop_assert!(plan.accepted.len() + plan.problems.len() <= file.rows.len());
    }
    if let Ok(file) = xliff::parse(path, bytes) {
        import::validate(&file.rows, &issued());
    }
    xliff::is_xliff(path, bytes);
    let _ = tmx::read_from(bytes, path, &ReadOptions::default());
    let _ = tolk::exchange::tsv::parse_tsv(path, bytes);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.csv");
    std::fs::write(&file, bytes).unwrap();
    let mut entries = Vec::new();
    if memory::read_csv(&file, 0, &mut entries).is_err() {
        prop_assert!(entries.is_empty(), "a failed read left entries behind");
    }
    Ok(())
}

/// Text for cells: everything that makes CSV hard, and some Norwegian.
fn cell() -> impl Strategy<Value = String> {
    "[a-zæøå A-Z0-9,;\t\r\n\"'=+@\u{feff}\u{a0}-]{0,10}"
}

/// Text for header names: odd, but without delimiters, quotes or line breaks.
fn odd_name() -> impl Strategy<Value = String> {
    "[a-zA-Zæøå _#'.-]{1,8}"
}

/// A name as a spreadsheet user might write it: any case, maybe padded.
fn spelled(name: &'static str) -> impl Strategy<Value = String> {
    (any::<bool>(), any::<bool>()).prop_map(move |(upper, padded)| {
        let mut s = if upper { name.to_uppercase() } else { name.to_string() };
        if padded {
            s = format!(" {s} ");
        }
        s
    })
}

/// Writes `records` as CSV with `delimiter`, CRLF or LF, and maybe a BOM.
fn write_csv(records: &[Vec<String>], delimiter: u8, crlf: bool, bom: bool) -> Vec<u8> {
    let terminator = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
    let mut out = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
    {
        let mut w =
            csv::WriterBuilder::new().delimiter(delimiter).terminator(terminator).from_writer(&mut out);
        for r in records {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
    }
    out
}

/// An odd batch: id, source and target (spelled any way) and maybe a translator among
/// odd extra columns in any order, and rows of odd cells.
#[derive(Debug, Clone)]
struct OddBatch {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    delimiter: u8,
    crlf: bool,
    bom: bool,
}

fn odd_batch() -> impl Strategy<Value = OddBatch> {
    let names = (
        spelled("id"),
        spelled("source"),
        spelled("target"),
        prop::option::of(spelled("translator")),
        prop::collection::vec(odd_name(), 0..4),
    );
    let shape = (prop::sample::select(vec![b',', b';', b'\t']), any::<bool>(), any::<bool>());
    (names, shape)
        .prop_flat_map(|((id, source, target, translator, extra), (delimiter, crlf, bom))| {
            let known = ["id", "source", "target", "translator"];
            let mut header = vec![id, source, target];
            header.extend(translator);
            // A column named twice is refused on purpose: the extra names are distinct.
            let mut seen: Vec<String> = known.iter().map(|k| k.to_string()).collect();
            for name in extra {
                let key = name.trim().to_lowercase();
                if !seen.contains(&key) {
                    seen.push(key);
                    header.push(name);
                }
            }
            let width = header.len();
            (
                Just(header).prop_shuffle(),
                prop::collection::vec(prop::collection::vec(cell(), width), 0..8),
                Just((delimiter, crlf, bom)),
            )
        })
        .prop_map(|(header, rows, (delimiter, crlf, bom))| OddBatch { header, rows, delimiter, crlf, bom })
}

/// A valid timestamp as a memory may hold one, or none.
fn date() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "2026-11-22T12:00:00Z", "2026-11-22", "20261122T120000Z"])
        .prop_map(String::from)
}

/// A source: anything, as long as it is not blank.
fn source() -> impl Strategy<Value = String> {
    (cell(), "[a-zæøå=+@'-]", cell()).prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

/// Entries with the same extra columns, a memory file's worth.
///
/// The names are trimmed. Gap: `memory::write_csv` compares a trimmed header name with an
/// untrimmed extra column name, so a name with surrounding spaces (a header `source,target,
/// client`, or a TMX prop `x- Client`) is written once more for every entry that fills it,
/// and the memory no longer loads; `hostile::a_padded_column_name_is_written_twice` pins it.
fn entries() -> impl Strategy<Value = Vec<Entry>> {
    let known = memory::KNOWN_COLUMNS;
    prop::collection::btree_set(odd_name(), 0..3)
        .prop_map(move |names| {
            let mut seen: Vec<String> = known.iter().map(|k| k.to_string()).collect();
            names
                .into_iter()
                .map(|n| n.trim().to_string())
                .filter(|n| {
                    let key = n.trim().to_lowercase();
                    let fresh = !key.is_empty() && !seen.contains(&key);
                    seen.push(key);
                    fresh
                })
                .collect::<Vec<_>>()
        })
        .prop_flat_map(|extra| {
            let entry = (
                source(),
                cell(),
                date(),
                date(),
                cell(),
                cell(),
                cell(),
                prop::collection::vec(cell(), extra.len()),
            )
                .prop_map({
                    let extra = extra.clone();
                    move |(source, target, created, changed, translator, origin, note, values)| Entry {
                        source,
                        target,
                        created: created.into(),
                        changed: changed.into(),
                        translator: translator.into(),
                        origin: origin.into(),
                        note,
                        extra: extra.iter().cloned().zip(values).collect(),
                        ..Entry::default()
                    }
                });
            prop::collection::vec(entry, 0..8)
        })
}

/// `entries` as the memory reader gives them back: from file 0, numbered from row 2,
/// without the extra cells that are empty (a column nobody fills is not written), and
/// the extra columns in name order (a file has them in the order they were first filled).
fn as_read(entries: &[Entry]) -> Vec<Entry> {
    entries
        .iter()
        .zip(2u64..)
        .map(|(e, row)| {
            let mut extra: Vec<(String, String)> =
                e.extra.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
            extra.sort();
            Entry { extra, file: 0, row, ..e.clone() }
        })
        .collect()
}

/// Writes `entries` as a memory file with `columns` and reads it back.
fn write_and_read(columns: &[String], entries: &[Entry]) -> Result<Vec<Entry>, TestCaseError> {
    let mut bytes = Vec::new();
    memory::write_csv(columns, entries, &mut bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.csv");
    std::fs::write(&path, &bytes).unwrap();
    let mut back = Vec::new();
    let read = memory::read_csv(&path, 0, &mut back);
    prop_assert!(read.is_ok(), "{:?} reading\n{}", read, String::from_utf8_lossy(&bytes));
    Ok(back)
}

/// A small but real XLIFF batch, to be damaged.
const XLIFF: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a CAT tool -->\n\
    <xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" xmlns:mq=\"urn:x-memoq\">\n\
    <file original=\"a.txt\" source-language=\"nb\" target-language=\"en\" datatype=\"plaintext\">\
    <header><tool tool-id=\"t\" tool-name=\"t\"/><mq:x a=\"1\"/></header><body><group id=\"g\">\n\
    <trans-unit id=\"s231928c132cfcbcc\" xml:space=\"preserve\"><source>Kort, hva <g id=\"1\">er</g> din \
    kundeservicekarriere?</source><target state=\"translated\">Briefly &amp; <mrk mtype=\"term\">what</mrk> \
    <x id=\"2\"/>is it?<![CDATA[<b>]]>&#229;</target><alt-trans><target>No.</target></alt-trans>\
    <note>n</note></trans-unit>\n<trans-unit id=\"s2\"><source>Hei.</source><target state=\"new\"/></trans-unit>\n\
    </group></body></file></xliff>\n";

/// A small but real TMX file, to be damaged.
const TMX: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n\
    <tmx version=\"1.4\"><header creationtool=\"x\" srclang=\"nb-NO\" o-tmf=\"x\" segtype=\"sentence\" \
    adminlang=\"en\" datatype=\"plaintext\"><prop type=\"x-a\">b</prop></header><body>\n\
    <tu tuid=\"1\" creationdate=\"20250310T081512Z\" changeid=\"ola\"><prop type=\"x-origin\">o</prop>\
    <note>n</note><tuv xml:lang=\"nb-NO\"><seg>Kort, <hi>hva</hi> er <ph>{1}</ph>din \
    <bpt i=\"1\">&lt;b&gt;</bpt>karriere<ept i=\"1\">&lt;/b&gt;</ept>?</seg></tuv>\
    <tuv xml:lang=\"en-GB\"><seg>Briefly &amp; what &#229;<![CDATA[<x>]]>?</seg></tuv></tu>\n\
    <tu><tuv lang=\"NO\"><seg>Hei.</seg></tuv><tuv xml:lang=\"EN\"><seg>Hi.</seg></tuv></tu>\n</body></tmx>\n";

/// Bytes that matter to XML, to damage it with.
const XML_BYTES: &[u8] = b"<>&;\"'/=!?[]-#x \t\r\n\0\xc3\xe5\xff";

/// `text` with each edit applied: at a position (a fraction of the length), insert,
/// replace or remove one byte.
fn damage(text: &str, edits: &[(u16, u8, usize)]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for &(at, kind, b) in edits {
        let at = usize::from(at) * bytes.len() / usize::from(u16::MAX).max(1);
        let b = XML_BYTES[b % XML_BYTES.len()];
        match kind % 3 {
            0 => bytes.insert(at.min(bytes.len()), b),
            1 if at < bytes.len() => bytes[at] = b,
            _ if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No reader panics on random bytes.
    #[test]
    fn no_reader_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_all(&bytes)?;
    }

    /// No reader panics on random text, nor on random text after a UTF-8 or UTF-16 BOM.
    #[test]
    fn no_reader_panics_on_random_text(text in any::<String>(), bom in 0..3u8) {
        let mut bytes = match bom {
            0 => Vec::new(),
            1 => b"\xef\xbb\xbf".to_vec(),
            _ => b"\xff\xfe".to_vec(),
        };
        if bom == 2 {
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        } else {
            bytes.extend(text.as_bytes());
        }
        read_all(&bytes)?;
    }

    /// The XLIFF and TMX readers do not panic on damaged files, and neither does
    /// anything else that reads them.
    #[test]
    fn no_reader_panics_on_damaged_xml(
        tmx in any::<bool>(),
        edits in prop::collection::vec((any::<u16>(), any::<u8>(), any::<usize>()), 1..6),
    ) {
        read_all(&damage(if tmx { TMX } else { XLIFF }, &edits))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A well-formed but odd batch reads back cell for cell, whatever its delimiter,
    /// line ends, BOM and column order; rows of blank cells are skipped, and checking
    /// the rows against the corpus does not panic.
    #[test]
    fn odd_batches_read_back_cell_for_cell(batch in odd_batch()) {
        let mut records = vec![batch.header.clone()];
        records.extend(batch.rows.iter().cloned());
        let bytes = write_csv(&records, batch.delimiter, batch.crlf, batch.bom);
        let read = parse_csv(Path::new("b.csv"), &bytes);
        prop_assert!(read.is_ok(), "{:?}\n{}", read.err(), String::from_utf8_lossy(&bytes));
        let file = read.unwrap();
        let column = |name: &str| batch.header.iter().position(|h| h.trim().to_lowercase() == name);
        let (id, source, target) = (column("id").unwrap(), column("source").unwrap(), column("target").unwrap());
        // A target that is what a spreadsheet leaves of a formula is a problem of its row.
        let damaged = |r: &[String]| {
            let source = unescape_cell(&r[source]);
            tolk::import::spreadsheet::formula_text(source, &r[target]).is_some()
                || tolk::import::spreadsheet::target_damage(source, unescape_cell(&r[target])).is_some()
        };
        let refused: Vec<u64> = batch
            .rows
            .iter()
            .zip(2u64..)
            .filter(|(r, _)| !r.iter().all(|c| c.trim().is_empty()) && damaged(r))
            .map(|(_, row)| row)
            .collect();
        prop_assert_eq!(file.problems.iter().map(|p| p.origin.row).collect::<Vec<_>>(), refused, "{:?}", file.problems);
        let expected: Vec<ImportRow> = batch
            .rows
            .iter()
            .zip(2u64..)
            .filter(|(r, _)| !r.iter().all(|c| c.trim().is_empty()) && !damaged(r))
            .map(|(r, row)| ImportRow {
                origin: tolk::import::Origin::row(std::path::Path::new("b.csv"), row),
                element_lines: None,
                id: unescape_cell(&r[id]).to_string(),
                source: unescape_cell(&r[source]).to_string(),
                target: unescape_cell(&r[target]).to_string(),
                translator: column("translator").map(|t| r[t].clone()).filter(|t| !t.trim().is_empty()),
                state: tolk::import::UnitState::default(),
                source_copy: false,
                prefilled: false,
                unit: tolk::import::XliffUnit::default(),
                suggestion: column("suggestion").map(|t| unescape_cell(&r[t]).to_string()).filter(|t| !t.trim().is_empty()),
                none_offered: column("suggestion_source").is_some_and(|t| unescape_cell(&r[t]).trim().is_empty()),
                comment: column("comment").map(|t| unescape_cell(&r[t]).to_string()).filter(|t| !t.trim().is_empty()),
            })
            .collect();
        prop_assert_eq!(&file.rows, &expected);
        let delimiter_note = match batch.delimiter {
            b';' => Some("delimiter ;"),
            b'\t' => Some("delimiter tab"),
            _ => None,
        };
        prop_assert_eq!(file.notes.iter().map(String::as_str).collect::<Vec<_>>(), delimiter_note.into_iter().collect::<Vec<_>>());
        import::validate(&file.rows, &issued());
    }

    /// Entries written as a memory CSV read back as the same entries, with every field
    /// and extra column, however odd their text.
    #[test]
    fn memory_entries_survive_a_write_and_a_read(entries in entries()) {
        let back = write_and_read(&[], &entries)?;
        prop_assert_eq!(as_read(&back), as_read(&entries));
    }

    /// The memory kept in a project's `.tolk/cache/`, made from its CSV files one entry
    /// at a time as the background keeper makes it, reads back whole as the memory read
    /// from those files: every entry with every field, extra column, file and row, and
    /// every file's columns. Commands that read the memory whole use the kept one.
    #[test]
    fn a_kept_memory_reads_back_as_its_csv_files(first in entries(), second in entries()) {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("memory");
        std::fs::create_dir(&folder).unwrap();
        for (name, entries) in [("a.csv", &first), ("b.csv", &second)] {
            let mut bytes = Vec::new();
            memory::write_csv(&[], entries.iter(), &mut bytes).unwrap();
            std::fs::write(folder.join(name), &bytes).unwrap();
        }
        let read = Memory::load(&folder).unwrap();
        let files = tolk::index::cache::Files::new(&dir.path().join(".tolk"), &folder);
        tolk::index::cache::make(&folder, &files, || {}).unwrap();
        let kept = tolk::index::cache::read_kept(&folder, &files).ok();
        prop_assert!(kept.is_some() || read.entries.is_empty(), "nothing kept of {} entries", read.entries.len());
        if let Some(kept) = kept {
            prop_assert_eq!(&kept.entries, &read.entries);
            prop_assert_eq!(kept.columns(), read.columns());
            let places = |m: &Memory| m.entries.iter().map(|e| m.file_of(e).map(Path::to_path_buf)).collect::<Vec<_>>();
            prop_assert_eq!(places(&kept), places(&read));
        }
    }

    /// A batch with filled targets that validates is merged into an empty memory as one
    /// entry per row (the target as the import cleans it); written as `tm export --format
    /// csv` writes the memory, it reads back as the same memory.
    #[test]
    fn a_filled_batch_imports_exports_and_imports_back_the_same(
        rows in prop::collection::vec((source(), source(), prop::option::of("[a-z]{1,6}")), 1..8),
    ) {
        // Distinct sentences, as a corpus's unique segments are.
        let sentences: Vec<String> = rows.iter().enumerate().map(|(i, (s, _, _))| format!("S{i}. {s}")).collect();
        let issued: Issued = sentences.iter().map(|s| (SegmentId::of(s), s.clone())).collect();
        let batch: Vec<ImportRow> = rows
            .iter()
            .zip(&sentences)
            .zip(2u64..)
            .map(|(((_, target, translator), sentence), row)| ImportRow {
                origin: tolk::import::Origin::row(std::path::Path::new("b.csv"), row),
                element_lines: None,
                id: SegmentId::of(sentence).to_string(),
                source: sentence.to_string(),
                target: target.clone(),
                translator: translator.clone(),
                state: tolk::import::UnitState::default(),
                source_copy: false,
                prefilled: false,
                unit: tolk::import::XliffUnit::default(),
                suggestion: None,
                none_offered: false,
                comment: None,
            })
            .collect();
        let plan = import::validate(&batch, &issued);
        prop_assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        let expected: Vec<(String, String, String)> = batch
            .iter()
            .zip(&sentences)
            .filter_map(|(r, s)| {
                // Without the white space and invisible characters around it, and a
                // dialogue dash the document's layout has before the sentence; a target
                // without a letter or digit translates no sentence with words.
                let typed = r.target.trim_matches(|c: char| c.is_whitespace() || tolk::text::INVISIBLE.contains(&c));
                let target = tolk::text::without_dialogue_dash(s, typed).to_string();
                let translates = target.chars().any(char::is_alphanumeric) || !tolk::text::has_words(s);
                (!target.is_empty() && translates)
                    .then(|| (s.clone(), target, r.translator.clone().unwrap_or_default()))
            })
            .collect();
        prop_assert_eq!(plan.accepted.len(), expected.len());

        let dir = tempfile::tempdir().unwrap();
        let memory_dir = dir.path().join("memory");
        std::fs::create_dir(&memory_dir).unwrap();
        std::fs::write(memory_dir.join("nb-en.csv"), "source,target,created,changed,translator,origin,note\n").unwrap();
        let outcome = import::apply(&memory_dir, &plan.accepted, &MergeOptions::default()).unwrap();
        prop_assert_eq!(outcome.added, expected.len());
        let memory = Memory::load(&memory_dir).unwrap();
        let merged: Vec<(String, String, String)> =
            memory.entries.iter().map(|e| (e.source.clone(), e.target.clone(), e.translator.to_string())).collect();
        prop_assert_eq!(&merged, &expected);
        for e in &memory.entries {
            prop_assert_eq!(&e.origin, "import:b.csv");
        }

        let back = write_and_read(&memory.columns(), &memory.entries)?;
        prop_assert_eq!(as_read(&back), as_read(&memory.entries));
    }
}

/// Any text at all, control characters, byte order marks and delimiters included.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![cell(), "\\PC{0,6}", "[\u{0}-\u{1f}\u{7f}\u{85}\u{feff}\u{fffe}\u{2028} a,;\"]{0,6}",]
}

/// Any date a file could claim, valid or not, at the edges of what can be written.
fn any_date() -> impl Strategy<Value = String> {
    prop_oneof![
        date(),
        prop::sample::select(vec![
            "9999-12-31T23:59:59Z",
            "10000-01-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "99991231T235959-0100",
            "2026-13-45",
            "x",
        ])
        .prop_map(String::from),
        any_text(),
    ]
}

/// Entries as any file could bring them in: any strings, any column names, any dates.
fn incoming() -> impl Strategy<Value = Vec<Entry>> {
    let entry = (
        any_text(),
        any_text(),
        any_date(),
        any_date(),
        any_text(),
        any_text(),
        any_text(),
        prop::collection::vec((any_text(), any_text()), 0..3),
    )
        .prop_map(|(source, target, created, changed, translator, origin, note, extra)| Entry {
            source,
            target,
            created: created.into(),
            changed: changed.into(),
            translator: translator.into(),
            origin: origin.into(),
            note,
            extra,
            ..Entry::default()
        });
    prop::collection::vec(entry, 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every memory tolk writes, tolk loads: whatever entries come in, a merge either
    /// writes a memory that loads with each of them in it, or refuses and leaves the
    /// memory file byte for byte as it was.
    #[test]
    fn whatever_comes_in_a_merge_leaves_a_memory_that_loads(
        base in prop::sample::select(vec![
            "source,target\n",
            "source,target,changed,client\nJa.,Yes.,9999-12-31T23:59:59Z,Lyse\n",
        ]),
        entries in incoming(),
        overwrite in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let memory_dir = dir.path().join("memory");
        std::fs::create_dir(&memory_dir).unwrap();
        let file = memory_dir.join("nb-en.csv");
        std::fs::write(&file, base).unwrap();
        let incoming: Vec<Incoming> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| Incoming { entry: e.clone(), origin: tolk::import::Origin::line(Path::new("in.tmx"), i as u64 + 1) })
            .collect();
        let options = MergeOptions { overwrite, ..MergeOptions::default() };
        match import::merge(&memory_dir, incoming, &options) {
            Ok(outcome) => {
                let memory = Memory::load(&memory_dir);
                prop_assert!(memory.is_ok(), "the merged memory does not load: {:?}\n{}", memory.err(), std::fs::read_to_string(&file).unwrap_or_default());
                let memory = memory.unwrap();
                let loaded = memory.entries.len();
                let before = base.lines().count() - 1;
                prop_assert_eq!(loaded, before + outcome.added);
            }
            Err(_) => prop_assert_eq!(std::fs::read_to_string(&file).unwrap(), base),
        }
    }
}

/// A sentence with balanced formatting codes, as the document formats make them:
/// words, pairs around some of them (nested), and lone codes, numbered in the order
/// they open; some words are characters XML escapes, or braces that are no code.
fn coded_sentence() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec!["Hei", "på", "deg", " ", ".", "&", "<b>", "{x}", "{1", "\"å\""]);
    prop::collection::vec((word, 0u8..5), 1..12).prop_map(|items| {
        let mut text = String::new();
        let mut open: Vec<u32> = Vec::new();
        let mut next = 1;
        for (word, action) in items {
            match action {
                0 => {
                    text.push_str(&Code::Open(next).to_string());
                    open.push(next);
                    next += 1;
                }
                1 => {
                    if let Some(n) = open.pop() {
                        text.push_str(&Code::Close(n).to_string());
                    }
                }
                2 => {
                    text.push_str(&Code::Lone(next).to_string());
                    next += 1;
                }
                _ => {}
            }
            text.push_str(word);
        }
        while let Some(n) = open.pop() {
            text.push_str(&Code::Close(n).to_string());
        }
        text
    })
}

/// A translation of `sentence` that keeps its codes.
fn translated(sentence: &str) -> String {
    sentence.replace("Hei", "Hi").replace("på", "on").replace("deg", "you")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Sentences with formatting codes written in an XLIFF batch (as tags) read back as
    /// the same placeholders, and their translations validate against the corpus.
    #[test]
    fn formatting_codes_survive_an_xliff_batch(sentences in prop::collection::vec(coded_sentence(), 1..6)) {
        let sentences: Vec<String> = sentences.iter().enumerate().map(|(i, s)| format!("S{i}. {s}")).collect();
        let issued: Issued = sentences.iter().map(|s| (SegmentId::of(s), s.clone())).collect();
        let rows: Vec<BatchRow> = sentences
            .iter()
            .map(|s| BatchRow {
                id: SegmentId::of(s),
                places: vec![tolk::batch::Place { doc: "a.txt".into(), line: 1 }],
                more_places: 0,
                words: 1,
                score: Some(80),
                source: s.clone(),
                // A prefilled target the translator edited: one left as the
                // suggestion was never reviewed, and is not imported.
                suggestion: format!("Old: {}", translated(s)),
                suggestion_source: s.clone(),
                target: translated(s),
                before: None,
                after: None,
                terms: vec![format!("{s} = <term> & \"x\"")],
                tags: Vec::new(),
                repaired: Vec::new(),
            })
            .collect();
        let xml = xliff::render(&Batch::new(rows)).unwrap();
        let file = xliff::parse(Path::new("b.xlf"), xml.as_bytes()).unwrap();
        prop_assert!(file.problems.is_empty(), "{:?}", file.problems);
        let back: Vec<(&str, &str)> = file.rows.iter().map(|r| (r.source.as_str(), r.target.as_str())).collect();
        let written: Vec<(String, String)> = sentences.iter().map(|s| (s.clone(), translated(s))).collect();
        prop_assert_eq!(back, written.iter().map(|(s, t)| (s.as_str(), t.as_str())).collect::<Vec<_>>());
        let plan = import::validate(&file.rows, &issued);
        prop_assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        let accepted: Vec<&str> = plan.accepted.iter().map(|a| a.target.as_str()).collect();
        prop_assert_eq!(accepted, written.iter().map(|(_, t)| t.trim()).collect::<Vec<_>>());
    }

    /// Entries with formatting codes written as TMX (as inline codes) read back as the
    /// same entries.
    #[test]
    fn formatting_codes_survive_tmx(sentences in prop::collection::vec(coded_sentence(), 1..6)) {
        let entries: Vec<Entry> = sentences
            .iter()
            .map(|s| Entry { source: format!("S. {s}"), target: format!("T. {}", translated(s)), ..Entry::default() })
            .collect();
        let mut bytes = Vec::new();
        tmx::write(&Memory::from_entries(entries.clone()), &mut bytes).unwrap();
        let file = tmx::read_from(&bytes[..], Path::new("m.tmx"), &ReadOptions::default()).unwrap();
        prop_assert_eq!(file.flattened, 0);
        let back: Vec<(&str, &str)> = file.entries.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect();
        prop_assert_eq!(back, entries.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect::<Vec<_>>());
    }
}

/// A sentence of a memory as a translator meets it again: one of a few real ones, as
/// it is or written another way (in capitals or lower case, other numbers, without its
/// final mark, spaced before its marks, with a tag, with a word more or less).
fn met_again() -> impl Strategy<Value = String> {
    let sentence = prop::sample::select(vec![
        "Hva er en god dag på jobben for deg?",
        "Vi hadde 110 kunder i 2024.",
        "Vi er her for kundene, sa hun.",
        "Prisen er 3,5 kroner per kWh.",
        "Det betyr alt.",
        "***",
    ]);
    (sentence, prop::collection::vec(0u8..8, 0..3)).prop_map(|(sentence, changes)| {
        changes.into_iter().fold(sentence.to_string(), |text, change| match change {
            0 => text.to_uppercase(),
            1 => text.to_lowercase(),
            2 => text.replace("110", "120").replace("2024", "2025").replace('3', "4"),
            3 => text.trim_end_matches(['.', '?', '!']).to_string(),
            4 => text.replace('?', " ?").replace(',', " ,"),
            5 => text.replacen(' ', " {1}", 1) + "{/1}",
            6 => text.replacen(' ', " ikke ", 1),
            _ => text.split_once(' ').map_or(text.clone(), |(_, rest)| rest.to_string()),
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The index finds exactly what the exhaustive scan finds when sentences come back
    /// in another case, with other numbers or marks, spacing or tags: the tiers that
    /// forgive those (95–99) and the fuzzy score's small penalties must never make the
    /// index prune a match.
    #[test]
    fn the_index_agrees_with_the_scan_on_sentences_met_again(
        sources in prop::collection::vec(met_again(), 1..20),
        queries in prop::collection::vec(met_again(), 1..6),
        min_score in prop_oneof![Just(50u8), 90u8..=100, 1u8..=100],
        top in 1usize..6,
    ) {
        let memory = Memory::from_entries(
            sources.iter().map(|s| Entry { source: s.clone(), target: format!("EN {s}"), ..Entry::default() }).collect(),
        );
        let index = tolk::index::IndexBuilder::build(&memory);
        let mut searcher = index.searcher();
        let options = tolk::index::SearchOptions { min_score, top };
        for q in &queries {
            prop_assert_eq!(searcher.search(q, options), tolk::index::scan(&memory, q, options), "query {:?}", q);
        }
    }
}

/// One write to a memory: entries to add (a sentence met again, with a translation or
/// none, and a client column or none), and entries to retire and to put back, picked
/// among those the memory has then.
type Write = (Vec<(String, bool, bool)>, Vec<prop::sample::Index>, Vec<prop::sample::Index>);

fn write() -> impl Strategy<Value = Write> {
    (
        prop::collection::vec((met_again(), any::<bool>(), any::<bool>()), 0..4),
        prop::collection::vec(any::<prop::sample::Index>(), 0..3),
        prop::collection::vec(any::<prop::sample::Index>(), 0..2),
    )
}

/// A memory file of `entries`, with a blank row after its header when `blank` (a
/// file tolk writes has none, so a write moves every row of it).
fn memory_file(entries: &[Entry], blank: bool) -> Vec<u8> {
    let columns = memory::header(&[], entries.iter());
    let mut head = Vec::new();
    memory::write_csv(&columns, std::iter::empty(), &mut head).unwrap();
    let mut bytes = Vec::new();
    memory::write_csv(&columns, entries.iter(), &mut bytes).unwrap();
    if blank {
        bytes.splice(head.len()..head.len(), *b"\n");
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A kept memory followed by writes that start from it, as writes in a project do,
    /// is after each the memory its CSV files hold, through the changes kept since
    /// (the kept files themselves are not made again): read whole (every field, file,
    /// row and column), read in part for a command's few entries, and searched, as an
    /// index built from the CSV files now finds.
    #[test]
    fn a_kept_memory_followed_by_writes_is_its_csv_files(
        first in entries(),
        second in entries(),
        third in entries(),
        blank in any::<bool>(),
        single in any::<bool>(),
        writes in prop::collection::vec(write(), 1..4),
        min_score in prop_oneof![Just(50u8), 1u8..=100],
        top in 1usize..4,
    ) {
        use tolk::index::cache::{self, Files, KeptCsv};
        use tolk::memory::{Change, CsvStore, MemoryStore, Update};
        let dir = tempfile::tempdir().unwrap();
        let memory = dir.path().join("memory");
        std::fs::create_dir(&memory).unwrap();
        let sentence = |s: &str| Entry { source: s.into(), target: format!("EN {s}"), ..Entry::default() };
        let mut second = second;
        second.push(sentence("Det betyr alt."));
        // Another translation of it, in use: translations compete from the start.
        second.push(Entry { target: "It means everything.".into(), ..sentence("Det betyr alt.") });
        // A translation retired, and one whose `retired` is blank: in use.
        second.push(Entry { retired: "2026-01-01T00:00:00Z".into(), ..sentence("Vi er her for kundene, sa hun.") });
        second.push(Entry { retired: " ".into(), target: "We are here.".into(), ..sentence("Vi er her for kundene, sa hun.") });
        // New entries go to nb-en.csv, with a file before it and one after; or the
        // memory is that one file.
        std::fs::write(memory.join("a.csv"), memory_file(&first, blank)).unwrap();
        std::fs::write(memory.join("nb-en.csv"), memory_file(&second, blank)).unwrap();
        std::fs::write(memory.join("z.csv"), memory_file(&third, blank)).unwrap();
        let folder = if single { memory.join("nb-en.csv") } else { memory };
        let files = Files::new(&dir.path().join(".tolk"), &folder);
        cache::make(&folder, &files, || {}).unwrap();
        let competing = |m: &Memory| {
            m.conflicting().iter().map(|ids| ids.iter().map(|&i| m.entries[i].clone()).collect()).collect::<Vec<Vec<Entry>>>()
        };
        // What a report says of the whole memory, read in part from the kept files:
        // its totals, and every source with competing translations.
        {
            let read = Memory::load(&folder).unwrap();
            let (entries, _) = cache::open(&folder, &files).expect("kept");
            let (reported, totals) = entries.narrow_reporting(&[], &mut []).unwrap();
            prop_assert_eq!(totals, tolk::memory::Totals::of(&read));
            prop_assert!(!competing(&read).is_empty());
            prop_assert_eq!(competing(&reported), competing(&read));
        }
        let at = tolk::timestamp::Timestamp::parse("2026-11-30T06:15:00Z").unwrap();
        for (adds, retire, restore) in &writes {
            let store = CsvStore::new(&folder).kept(KeptCsv::new(&folder, files.clone()));
            let written = store.update(
                &mut |m: &Memory| {
                    let add = adds
                        .iter()
                        .map(|(s, translated, client)| Entry {
                            // Two targets for one sentence, so that translations compete.
                            target: match (*translated, *client) {
                                (false, _) => String::new(),
                                (true, false) => format!("EN {s}"),
                                (true, true) => format!("EN {s}, for Lyse"),
                            },
                            extra: if *client { vec![("Kunde".into(), "Lyse".into())] } else { Vec::new() },
                            ..sentence(s)
                        })
                        .collect();
                    let mut changes: Vec<Change> = Vec::new();
                    if !m.entries.is_empty() {
                        let mut seen = Vec::new();
                        for (i, put_back) in retire.iter().map(|i| (i, false)).chain(restore.iter().map(|i| (i, true))) {
                            let entry = i.index(m.entries.len());
                            if seen.contains(&entry) {
                                continue;
                            }
                            seen.push(entry);
                            changes.push(if put_back {
                                Change::Restore { entry, changed: Some(at) }
                            } else {
                                Change::Retire { entry, at, by: None }
                            });
                        }
                    }
                    Ok(Update { add, changes })
                },
                false,
            );
            if written.is_err() {
                // An entry of odd text that would not read back: nothing was written.
                continue;
            }
            let read = Memory::load(&folder).unwrap();
            let kept = cache::read_kept(&folder, &files).ok();
            prop_assert!(kept.is_some(), "the changes were not kept");
            let kept = kept.unwrap();
            prop_assert_eq!(&kept.entries, &read.entries);
            prop_assert_eq!(kept.columns(), read.columns());
            let places = |m: &Memory| m.entries.iter().map(|e| m.file_of(e).map(Path::to_path_buf)).collect::<Vec<_>>();
            prop_assert_eq!(places(&kept), places(&read));
            // Searched, and read in part, as a command on the memory now.
            let (entries, index) = cache::open(&folder, &files).expect("opened with its changes");
            let built = tolk::index::IndexBuilder::build(&read);
            prop_assert_eq!(index.len(), built.len());
            let options = tolk::index::SearchOptions { min_score, top };
            let mut queries: Vec<&str> = read.entries.iter().map(|e| e.source.as_str()).take(6).collect();
            queries.extend(["Hva er en god dag for deg?", "Vi hadde 11 kunder.", "Det betyr alt."]);
            let (mut searcher, mut fresh) = (index.searcher(), built.searcher());
            for q in &queries {
                let found = searcher.search(q, options);
                prop_assert_eq!(&found, &fresh.search(q, options), "query {:?}", q);
                prop_assert_eq!(&found, &tolk::index::scan(&read, q, options), "query {:?}", q);
                let mut numbered = vec![found.clone()];
                let part = entries.narrow(&[q], &mut numbered).unwrap();
                let targets = |m: &Memory, found: &[tolk::index::Match]| {
                    found.iter().map(|f| m.entries[f.entry].clone()).collect::<Vec<_>>()
                };
                prop_assert_eq!(targets(&part, &numbered[0]), targets(&read, &found));
                let history = |m: &Memory| m.history(q).iter().map(|&i| m.entries[i].clone()).collect::<Vec<_>>();
                prop_assert_eq!(history(&part), history(&read));
                prop_assert_eq!(part.exact(q), read.exact(q));
            }
            // And so is what a report says of the whole memory, through the changes.
            let (reported, totals) = entries.narrow_reporting(&[], &mut []).unwrap();
            prop_assert_eq!(totals, tolk::memory::Totals::of(&read));
            prop_assert_eq!(competing(&reported), competing(&read));
        }
    }
}
