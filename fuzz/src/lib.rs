//! The properties tolk's fuzz targets check, one function per target, each taking the
//! fuzzer's bytes. Every function returns quietly when the property holds (an input
//! refused with an error is fine: refusing is what a reader should do with garbage)
//! and panics when it does not, which libFuzzer reports as a crash.
//!
//! The binaries in `fuzz_targets/` are one-line wrappers around these, so the checks
//! stay plain Rust that a regression test can call with a crashing input. This crate
//! does not run anything itself: `cargo xtask fuzz TARGET --seconds N` does.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use tolk::batch::csv::parse as parse_csv;
use tolk::document::Document;
use tolk::import::{validate, ImportRow, Incoming, Issued, MergeOptions, Origin, Plan};
use tolk::memory::{read_csv, write_csv, Entry};
use tolk::segment::Segmenter;

/// The bundled corpus, so that seeds made from real batches carry ids the checks know.
const CORPUS: [(&str, &str); 2] = [
    ("fjordkraft-irene-fauskanger.txt", include_str!("../../corpus/fjordkraft-irene-fauskanger.txt")),
    ("lyse-dialog-trine-vestre-oen.txt", include_str!("../../corpus/lyse-dialog-trine-vestre-oen.txt")),
];

fn segmenter() -> &'static Segmenter {
    static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();
    SEGMENTER.get_or_init(Segmenter::default)
}

/// The sentences of the bundled corpus, as `tolk import` builds them.
fn issued() -> &'static Issued {
    static ISSUED: OnceLock<Issued> = OnceLock::new();
    ISSUED.get_or_init(|| {
        let mut issued = Issued::new();
        for (name, text) in CORPUS {
            let doc = Document::parse(name.to_string(), text.to_string(), segmenter());
            for s in &doc.segments {
                issued.entry(s.id).or_insert_with(|| doc.segment_text(s).to_string());
            }
        }
        issued
    })
}

/// Segmenting loses nothing: the segments are in order, inside one line each, and
/// putting every segment back unchanged gives the input byte for byte.
pub fn segment(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let doc = Document::parse("fuzz.txt".into(), text.clone(), segmenter());
    let (plain, ranges) = doc.plain().expect("plain text");
    assert_eq!(plain, text);
    let mut at = 0;
    for (s, r) in doc.segments.iter().zip(ranges) {
        assert!(r.start >= at && r.start < r.end, "segments overlap or are empty: {r:?}");
        let piece = doc.segment_text(s);
        assert_eq!(piece, &text[r.clone()]);
        assert!(!piece.contains(['\n', '\r']), "a segment spans a line break: {piece:?}");
        at = r.end;
    }
    let rebuilt = doc.rebuild(|s| Some(Cow::Borrowed(&s.text))).expect("plain text always rebuilds");
    assert_eq!(rebuilt, text.as_bytes(), "the rebuild differs from the input");
}

/// Every document format either refuses the bytes with an error or reads them into
/// a document that gives the bytes back when nothing is translated, whose segments are
/// balanced (with markup), and that writes a pseudo-translation without failing.
pub fn document(data: &[u8]) {
    for format in tolk::document::FORMATS {
        let Ok(doc) = format.read(&mut &data[..], Path::new("fuzz"), segmenter(), &Default::default()) else { continue };
        let same = doc.rebuild(|_| None).expect("an unchanged document always rebuilds");
        assert!(same == data, "{}: the rebuild differs from the input", format.name());
        // With markup, literal braces are lone codes, so every segment is balanced;
        // plain text has no codes and its braces are text.
        for s in doc.segments.iter().filter(|_| doc.plain().is_none()) {
            assert_eq!(
                tolk::document::inline::check(&s.text, &s.text),
                Ok(()),
                "{}: {:?}",
                format.name(),
                s.text
            );
        }
        doc.rebuild(|s| Some(Cow::Owned(tolk::edition::pseudo(&s.text))))
            .expect("a pseudo-translation rebuilds");
    }
}

/// Reading a translator's CSV and checking its rows never panics, and the plan is
/// consistent: every row accepted once at most, with a non-empty target and the
/// source as issued.
pub fn import_csv(data: &[u8]) {
    let path = Path::new("fuzz.csv");
    let Ok(file) = parse_csv(path, data) else { return };
    check_plan(&file.rows, &validate(&file.rows, issued()));
    for p in &file.problems {
        let _ = p.to_string();
    }
}

/// Reading an XLIFF batch and checking its rows never panics, and the plan is
/// consistent (see [`import_csv`]).
pub fn xliff(data: &[u8]) {
    let Ok(file) = tolk::batch::xliff::parse(Path::new("fuzz.xlf"), data) else { return };
    check_plan(&file.rows, &validate(&file.rows, issued()));
}

/// Reading TMX never panics, every entry read has a source and a target, and what
/// was read survives tolk's own TMX: written with [`tolk::exchange::tmx::write`] and read
/// again, the sources and targets are the same.
pub fn tmx(data: &[u8]) {
    let options = tolk::exchange::tmx::ReadOptions::default();
    let Ok(file) = tolk::exchange::tmx::read_from(data, Path::new("fuzz.tmx"), &options) else { return };
    for e in &file.entries {
        assert!(!e.source.is_empty() && !e.target.is_empty(), "an entry with an empty side: {e:?}");
    }
    let pairs = |es: &[Entry]| -> Vec<(String, String)> {
        es.iter().map(|e| (e.source.clone(), e.target.clone())).collect()
    };
    let mut written = Vec::new();
    tolk::exchange::tmx::write(&tolk::memory::Memory::from_entries(file.entries.clone()), &mut written)
        .expect("writing to memory cannot fail");
    let again =
        tolk::exchange::tmx::read_from(&written[..], Path::new("fuzz.tmx"), &options).unwrap_or_else(|e| {
            panic!("the TMX tolk wrote does not read back: {e}\n{}", String::from_utf8_lossy(&written))
        });
    assert_eq!(pairs(&again.entries), pairs(&file.entries), "the entries changed in the round trip");
}

/// Every memory tolk writes, tolk loads: entries made from the fuzzer's bytes (records
/// split by 0x1E, fields by 0x1F: source, target, created, changed, translator, origin,
/// note, then extra column names and values), merged into a memory, either leave a
/// memory that loads with one more entry for each one added, or are refused with the
/// memory file byte for byte as it was.
pub fn merge(data: &[u8]) {
    let Some((&flags, data)) = data.split_first() else { return };
    let base: &[u8] = if flags & 2 == 0 {
        b"source,target\n"
    } else {
        b"source,target,changed,client\nJa.,Yes.,9999-12-31T23:59:59Z,Lyse\n"
    };
    let incoming: Vec<Incoming> = data
        .split(|&b| b == 0x1e)
        .enumerate()
        .map(|(i, record)| {
            let mut fields = record.split(|&b| b == 0x1f).map(|f| String::from_utf8_lossy(f).into_owned());
            let mut next = || fields.next().unwrap_or_default();
            let mut entry = Entry {
                source: next(),
                target: next(),
                created: next().into(),
                changed: next().into(),
                translator: next().into(),
                origin: next().into(),
                note: next(),
                ..Entry::default()
            };
            let rest: Vec<String> = fields.collect();
            entry.extra =
                rest.chunks(2).map(|p| (p[0].clone(), p.get(1).cloned().unwrap_or_default())).collect();
            Incoming { entry, origin: Origin::line(Path::new("fuzz.tmx"), i as u64 + 1) }
        })
        .collect();
    let dir = tempfile::Builder::new().prefix("tolk-fuzz-").tempdir().expect("a temp dir");
    let file = dir.path().join("nb-en.csv");
    std::fs::write(&file, base).expect("writing the memory");
    let options = MergeOptions { overwrite: flags & 1 == 1, ..MergeOptions::default() };
    match tolk::import::merge(dir.path(), incoming, &options) {
        Ok(outcome) => {
            let memory = tolk::memory::Memory::load(dir.path()).unwrap_or_else(|e| {
                panic!(
                    "the memory tolk wrote does not load: {e}\n{}",
                    std::fs::read_to_string(&file).unwrap_or_default()
                )
            });
            let before = base.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count() - 1;
            assert_eq!(memory.entries.len(), before + outcome.added, "entries were lost or made up");
        }
        Err(_) => {
            assert_eq!(std::fs::read(&file).expect("reading the memory"), base, "a refused merge wrote")
        }
    }
}

fn check_plan(rows: &[ImportRow], plan: &Plan) {
    assert!(plan.accepted.len() + plan.skipped_empty + plan.skipped_state <= rows.len());
    let mut ids = HashSet::new();
    for a in &plan.accepted {
        assert!(ids.insert(a.id), "{} accepted twice", a.id);
        assert!(!a.target.trim().is_empty(), "an empty target accepted: {a:?}");
        assert_eq!(issued().get(&a.id), Some(&a.source), "accepted with another source than issued");
    }
    for p in &plan.problems {
        let _ = p.to_string();
    }
}

/// Reading a memory CSV never panics, and what it reads survives a round trip: the
/// entries written back with [`write_csv`] and read again are the same entries.
///
/// The memory reader takes a path (it refuses oversized cells while reading the
/// file), so the input goes through a temporary file, deleted when the check ends
/// (a crash aborts the process and leaves it; `cargo xtask fuzz` puts it in a folder
/// of `target/fuzz/tmp/` that it deletes after the run).
pub fn memory_csv(data: &[u8]) {
    let scratch =
        tempfile::Builder::new().prefix("tolk-fuzz-").suffix(".csv").tempfile().expect("a temp file");
    let path = scratch.path();
    std::fs::write(path, data).expect("writing the scratch file");
    let mut entries = Vec::new();
    let Ok(columns) = read_csv(path, 0, &mut entries) else {
        assert!(entries.is_empty(), "a failed read handed back entries");
        return;
    };
    for e in &entries {
        assert!(!e.source.trim().is_empty(), "an entry without a source: {e:?}");
    }
    let mut written = Vec::new();
    write_csv(&columns, &entries, &mut written).expect("writing to memory cannot fail");
    std::fs::write(path, &written).expect("writing the scratch file");
    let mut again = Vec::new();
    let columns_again = read_csv(path, 0, &mut again).unwrap_or_else(|e| {
        panic!("the memory tolk wrote does not read back: {e}\n{}", String::from_utf8_lossy(&written))
    });
    assert_eq!(columns_again, columns, "the header changed in the round trip");
    let strip = |es: &[Entry]| -> Vec<Entry> { es.iter().map(|e| Entry { row: 0, ..e.clone() }).collect() };
    assert_eq!(strip(&again), strip(&entries), "the entries changed in the round trip");
}

/// Every crash the fuzzers found, with its input inline, named after the bug. Run with
/// `cargo test --manifest-path fuzz/Cargo.toml --target-dir target/fuzz/test` (a
/// build in `fuzz/target` would be walked by the tidy test). A test here fails until
/// the bug is fixed where it lives (and a unit test is added there); the fuzz crate
/// being outside the workspace keeps the workspace's own test run green meanwhile.
#[cfg(test)]
mod regressions {
    use super::*;

    /// memory_csv, crash-0be895afe2d4a995851c3920ab0f7fe492151875: an extra column
    /// whose header name has whitespace around it (here a tab, and NULs the trim keeps)
    /// is written a second time at the end of the header, and the memory tolk wrote
    /// then refuses to load ("the column appears twice in the header").
    #[test]
    fn an_extra_column_named_with_surrounding_whitespace_is_written_once() {
        memory_csv(
            b"source,target,created,changed,\t\0\0\0\0\0\0\0or,origin,note\n\
              Hva er viktigst for kundene?,What matters most to the customers?,\
              2026-11-01T09:00:00Z,2026-11-01T09:00:00Z,tolk-team,seed,\n",
        );
        memory_csv(b"source,target,Reviewer \nJa.,Yes.,Kari\n");
    }

    /// Found by reading the code the crash above led to: an extra column whose name has
    /// a capital letter outside ASCII loses its values when the memory is written.
    #[test]
    fn an_extra_column_named_with_a_non_ascii_capital_keeps_its_values() {
        memory_csv("source,target,År\nJa.,Yes.,2024\n".as_bytes());
    }

    /// memory_csv, crash-ca02e956035ad40d29f49815d2923156dc88e097 (found once the two
    /// bugs above were fixed in a scratch copy): a byte order mark after a blank first
    /// line is read as part of the first column's name; written back it is at the start
    /// of the file, where the next read strips it, so the column is renamed, and a
    /// header that then names a column twice no longer loads.
    #[test]
    fn a_byte_order_mark_after_a_blank_first_line_stays_out_of_the_header() {
        memory_csv(b"\n\xef\xbb\xbfReviewer,source,target\nKari,Hei.,Hi.\n");
        memory_csv(b"\n\xef\xbb\xbfnote,source,target,note\nKari,Hei.,Hi.,x\n");
    }

    /// memory_csv, crash-53eb30f9dcf98c23a9f6c357acf1683e6d7730b6 (the delimiter
    /// detection of memory files): tolk writes a header with commas and leaves the
    /// semicolons in a column name unquoted, so a name with more of them than the
    /// header has commas makes the next read take `;` for the delimiter, and the
    /// memory tolk wrote no longer loads.
    #[test]
    fn a_column_name_with_semicolons_is_read_back_with_the_delimiter_it_was_written_with() {
        memory_csv(b"source;target;\"Merknad; kilde; dato; status\"\nHei.;Hi.;x\n");
        memory_csv(
            b"source,target,n?\"\x0c\x0cc/n\xef\xbb\xbfid,w;;;;;;;;;;;;e| gir\x0c\x0c\x0cgor degin,ie\x7fhn?\"\x0c\x0c\r\n",
        );
    }

    /// The targets accept what tolk itself writes.
    #[test]
    fn well_formed_inputs_pass() {
        segment("– Hei. Hvem er du?\r\n\r\n\u{a0}Takk.".as_bytes());
        memory_csv(b"source,target,note\nHei.,Hi.,\"a, b\"\n");
        import_csv(b"id,source,target\ns0123456789abcdef,Hei.,Hi.\n");
        xliff(b"<xliff version=\"1.2\"></xliff>");
        tmx(b"<tmx version=\"1.4\"><header srclang=\"nb\"/><body><tu>\
              <tuv xml:lang=\"nb\"><seg>Hei.</seg></tuv><tuv xml:lang=\"en\"><seg>Hi.</seg></tuv>\
              </tu></body></tmx>");
    }
}

/// Fuzzy search finds exactly what the exhaustive scan finds, and the diff shown for a
/// match accounts for every token of both texts. The bytes: a minimum score, then
/// memory sources and queries as lines, the sources before a line `---`.
pub fn search(data: &[u8]) {
    use tolk::index::{scan, IndexBuilder, SearchOptions};
    let Some((&min, data)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(data);
    let (sources, queries) = text.split_once("\n---\n").unwrap_or((&text, ""));
    let entries: Vec<Entry> = sources
        .lines()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Entry { source: s.to_string(), target: format!("EN {s}"), ..Entry::default() })
        .collect();
    let memory = tolk::memory::Memory::from_entries(entries);
    let index = IndexBuilder::build(&memory);
    let options = SearchOptions { min_score: min % 101, top: 1 + usize::from(min % 5) };
    let mut searcher = index.searcher();
    for query in queries.lines().take(16) {
        let found = searcher.search(query, options);
        assert_eq!(found, scan(&memory, query, options), "query {query:?}");
        for m in &found {
            let source = &memory.entries[m.entry].source;
            let parts = tolk::score::diff(query, source);
            let kept = |kind: tolk::score::DiffKind| -> String {
                parts
                    .iter()
                    .filter(|p| p.kind != kind)
                    .map(|p| p.text.split_whitespace().collect::<String>())
                    .collect()
            };
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            assert_eq!(kept(tolk::score::DiffKind::Added), squeeze(&tolk::text::normalize(source)));
            assert_eq!(kept(tolk::score::DiffKind::Removed), squeeze(&tolk::text::normalize(query)));
        }
    }
}
