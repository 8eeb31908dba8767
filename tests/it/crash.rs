//! Crashes: `tolk import` killed (SIGKILL, so nothing of tolk's runs after it) at
//! many moments of a large import leaves the memory either exactly as it was or
//! exactly as the finished import writes it, never truncated or mixed, and what a
//! killed write leaves behind (a `.tolk-tmp-*` file) is ignored by later runs.
//!
//! The kill points are the import's stages, reached through the documented pause hook
//! (`TOLK_TEST_PAUSE`, see `tolk::store::pause_point`), and a sweep of plain delays
//! across the import's normal duration. This tests the write path as a whole, not
//! the merge rules (the import tests do that).

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use crate::concurrency::{describe, fixture, lock_is_held, tolk, wait_for};

/// The memory's size: large enough that writing it takes a noticeable time.
const ENTRIES: usize = 20_000;
/// The plain delays of the sweep, spread from 0 to the import's normal duration.
const SWEEP: u32 = 25;
/// More delays around the moment the memory is replaced.
const DENSE: u32 = 10;

/// The import as it should end, and how to tell a file from it.
struct Expected {
    old: Vec<u8>,
    new: Vec<u8>,
    /// The import stamps new entries with the second it ran (`created`, `changed`);
    /// where and what the stamp is in `new`.
    stamp_at: usize,
    stamp: Vec<u8>,
}

/// What a killed import left as the memory file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Old,
    New,
}

impl Expected {
    /// Whether `file` is byte for byte the old memory or the new one. The new one may
    /// differ from the reference run only in its timestamp, so the reference is
    /// compared with the file's own stamp put in every place the reference has one.
    fn classify(&self, file: &[u8]) -> Result<Found, String> {
        if file == self.old {
            return Ok(Found::Old);
        }
        let describe = || {
            let common = file.iter().zip(&self.new).take_while(|(a, b)| a == b).count();
            format!(
                "{} bytes (old {}, new {}), the same as the new file up to byte {common}",
                file.len(),
                self.old.len(),
                self.new.len()
            )
        };
        if file.len() != self.new.len() {
            return Err(format!("neither the old nor the new memory: {}", describe()));
        }
        let stamp = &file[self.stamp_at..self.stamp_at + self.stamp.len()];
        let is_stamp = stamp.len() == self.stamp.len()
            && stamp.iter().zip(&self.stamp).all(|(a, b)| a.is_ascii_digit() == b.is_ascii_digit());
        // The import's id is the same second written as `i20261130-061500`.
        let new = replace(&self.new, &import_id(&self.stamp), &import_id(stamp));
        if is_stamp && replace(&new, &self.stamp, stamp) == file {
            return Ok(Found::New);
        }
        Err(format!("neither the old nor the new memory: {}", describe()))
    }
}

/// The id of an import made at `stamp` (`2026-11-30T06:15:00Z` -> `i20261130-061500`).
fn import_id(stamp: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = stamp.iter().copied().filter(u8::is_ascii_digit).collect();
    [&b"i"[..], &digits[..8.min(digits.len())], b"-", &digits[8.min(digits.len())..]].concat()
}

/// `haystack` with every `from` replaced by `to` (of the same length).
fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = haystack.to_vec();
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The temporary files in `memory`: every name but the memory file and the lock.
fn leftovers(memory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(memory)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "nb-en.csv" && n != tolk::store::LOCK_FILE)
        .collect();
    names.sort();
    names
}

/// Whether the process is asleep (in the pause) rather than running or waiting for a
/// processor: its state in `/proc/PID/stat` is `S` on three looks in a row.
fn asleep(pid: u32) -> bool {
    let state = || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // "pid (comm) S ...": the state follows the last `)`.
        stat.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next())
    };
    (0..3).all(|_| {
        std::thread::sleep(Duration::from_millis(3));
        state() == Some('S')
    })
}

#[test]
fn an_import_killed_at_any_moment_leaves_the_old_or_the_new_memory() {
    let (t, batches) = fixture(8, 20, ENTRIES, 1);
    let batch = batches[0].name.as_str();
    let memory = t.path().join("memory");
    let file = memory.join("nb-en.csv");
    let old = std::fs::read(&file).unwrap();

    // The new memory, from an import run to the end on a copy; and how long a normal
    // import takes, from another copy once the files are in the page cache.
    let import_copy = |name: &str| -> (Vec<u8>, Duration) {
        std::fs::create_dir(t.path().join(name)).unwrap();
        std::fs::write(t.path().join(name).join("nb-en.csv"), &old).unwrap();
        let start = Instant::now();
        let out = tolk(&t, &["--memory", name, "import", batch]).output().unwrap();
        let took = start.elapsed();
        assert!(out.status.success(), "{}", describe("an import to the end", &out));
        (std::fs::read(t.path().join(name).join("nb-en.csv")).unwrap(), took)
    };
    let (new, _) = import_copy("reference");
    let (_, duration) = import_copy("timing");
    // The last row is one of the batch's, stamped in its `created` cell.
    let last = String::from_utf8_lossy(&new).lines().last().unwrap().to_owned();
    let stamp = last.split(',').nth(2).unwrap().as_bytes().to_vec();
    assert!(stamp.len() == 20 && stamp.ends_with(b"Z"), "the last row has no stamp: {last}");
    let stamp_at = new.windows(stamp.len()).position(|w| w == stamp).unwrap();
    let expected = Expected { old: old.clone(), new, stamp_at, stamp };
    assert!(!expected.old.windows(20).any(|w| w == expected.stamp), "the old memory has the new stamp");

    let (mut survived, mut killed_old, mut killed_new, mut finished) = (0, 0, 0, 0);
    let mut check = |what: &str, child: &mut Child| -> Found {
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let found =
            expected.classify(&std::fs::read(&file).unwrap()).unwrap_or_else(|e| panic!("{what}: {e}"));
        for name in leftovers(&memory) {
            assert!(name.starts_with(tolk::store::TEMP_PREFIX), "{what}: left {name}");
            assert!(!name.ends_with(".csv"), "{what}: left {name}, which the memory loader would read");
        }
        if status.success() {
            assert_eq!(found, Found::New, "{what}: the import finished but the memory is the old one");
            finished += 1;
        } else {
            assert_eq!(status.code(), None, "{what}: the import failed by itself ({status})");
            *if found == Found::Old { &mut killed_old } else { &mut killed_new } += 1;
        }
        survived += 1;
        std::fs::write(&file, &old).unwrap();
        found
    };

    // Inside each stage: pause there for 10 s, see the process get there, kill it.
    let pause = |stage: &str| -> Child {
        tolk(&t, &["import", batch]).env(tolk::store::PAUSE_VAR, format!("{stage}:10000")).spawn().unwrap()
    };
    let mut child = pause("locked");
    let pid = child.id();
    wait_for(&mut child, "it took the lock", || lock_is_held(&memory) && asleep(pid));
    assert_eq!(check("killed in `locked`", &mut child), Found::Old);

    // Paused only after merging, the process sleeps nowhere else once it has the lock.
    let mut child = pause("merged");
    let pid = child.id();
    wait_for(&mut child, "it merged", || lock_is_held(&memory) && asleep(pid));
    assert_eq!(check("killed in `merged`", &mut child), Found::Old);

    let before = leftovers(&memory);
    let mut child = pause("synced");
    let pid = child.id();
    let full_size = expected.new.len() as u64;
    let written = |memory: &Path| {
        leftovers(memory)
            .iter()
            .filter(|n| !before.contains(n))
            .any(|n| std::fs::metadata(memory.join(n)).is_ok_and(|m| m.len() == full_size))
    };
    wait_for(&mut child, "it wrote the temporary file", || written(&memory) && asleep(pid));
    assert_eq!(check("killed in `synced`", &mut child), Found::Old);
    assert_eq!(
        leftovers(&memory).len(),
        before.len() + 1,
        "a kill after the write leaves the temporary file"
    );

    let mut child = pause("renamed");
    let pid = child.id();
    wait_for(&mut child, "it renamed", || {
        std::fs::metadata(&file).is_ok_and(|m| m.len() == full_size) && asleep(pid)
    });
    assert_eq!(check("killed in `renamed`", &mut child), Found::New);

    // A sweep of plain delays from the start to the end of a normal import, then more
    // where the outcome switches from the old memory to the new: the write is there,
    // and it is only a few milliseconds of the whole.
    let mut kill_after = |delay: Duration| -> Found {
        let mut child = tolk(&t, &["import", batch]).spawn().unwrap();
        std::thread::sleep(delay);
        check(&format!("killed after {delay:?}"), &mut child)
    };
    let (mut last_old, mut first_new) = (Duration::ZERO, duration);
    for i in 0..SWEEP {
        let delay = duration * i / (SWEEP - 1);
        match kill_after(delay) {
            Found::Old => last_old = last_old.max(delay),
            Found::New => first_new = first_new.min(delay),
        }
    }
    let (from, to) = (last_old.min(first_new), last_old.max(first_new) + duration / SWEEP);
    for i in 0..DENSE {
        kill_after(from + (to - from) * i / (DENSE - 1));
    }

    // What the kills left is never read as memory and is removed by the next import:
    // a later import and analysis work, and the memory holds the old entries and the
    // batch once each (a temporary file read as memory would double them).
    let left = leftovers(&memory);
    // A kill in the middle of the write leaves half a file; make sure one is there,
    // ending in a broken row, whether or not a timed kill happened to land there.
    let half = memory.join(format!("{}half", tolk::store::TEMP_PREFIX));
    let mut bytes = expected.new.clone();
    bytes.truncate(bytes.len() / 2);
    bytes.extend_from_slice(b"\n\"never closed,");
    std::fs::write(&half, bytes).unwrap();
    let out = tolk(&t, &["import", batch]).output().unwrap();
    assert!(out.status.success(), "{}", describe("the import after the kills", &out));
    let removed = format!("removed {} temporary file", left.len() + 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&removed), "{}", describe("the clean-up", &out));
    assert_eq!(leftovers(&memory), Vec::<String>::new(), "the next import removes what kills left");
    assert_eq!(expected.classify(&std::fs::read(&file).unwrap()), Ok(Found::New));
    let out = tolk(&t, &["analyze", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", describe("tolk analyze after the kills", &out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["memory_entries"], ENTRIES + 160);
    eprintln!(
        "crash: survived {survived} kill points (4 stages, {SWEEP} delays over a {duration:.0?} import \
         of {ENTRIES} entries, {DENSE} more around the write): {killed_old} killed leaving the old \
         memory, {killed_new} killed leaving the new one, {finished} finished first; {} temporary \
         files left, never read and removed by the next import",
        left.len()
    );
}

#[test]
fn a_torn_or_mixed_memory_is_neither_old_nor_new() {
    let stamp = b"2026-11-22T16:00:00Z".to_vec();
    let old = b"source,target\nA.,a\nB.,b\n".to_vec();
    let new = [&old[..], b"C.,c,", &stamp, b",", &stamp, b"\n"].concat();
    let stamp_at = new.windows(20).position(|w| w == stamp).unwrap();
    let e = Expected { old: old.clone(), new: new.clone(), stamp_at, stamp: stamp.clone() };
    assert_eq!(e.classify(&old), Ok(Found::Old));
    assert_eq!(e.classify(&new), Ok(Found::New));
    // The same import a second later is the new memory too.
    assert_eq!(e.classify(&replace(&new, &stamp, b"2026-11-22T16:00:01Z")), Ok(Found::New));
    // Two different stamps, a truncated file, and old and new mixed are not.
    let mut two = new.clone();
    two[new.len() - 3] = b'9';
    assert!(e.classify(&two).is_err());
    assert!(e.classify(&new[..new.len() - 1]).is_err());
    let mut mixed = new.clone();
    mixed[..5].copy_from_slice(b"xxxxx");
    assert!(e.classify(&mixed).is_err());
}
