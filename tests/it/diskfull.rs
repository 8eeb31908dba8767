//! A full disk and a read-only memory folder: `tolk import` fails with an error that
//! names the file and says what the operating system said, and leaves the memory
//! byte for byte as it was, with no temporary file behind.
//!
//! The conditions are made for real where the machine allows it: a full disk is a
//! tiny tmpfs mounted over `memory/`, a read-only folder a read-only bind mount, both
//! in a private mount namespace (`unshare --mount`) that vanishes with the test, so
//! nothing is ever mounted on the machine itself. That needs root (or the right
//! capabilities); where it cannot be had the test says so and skips. A file size
//! limit (`RLIMIT_FSIZE`, writes fail with EFBIG) stands in for a full disk on any
//! Unix and never skips.

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::concurrency::{describe, fixture, tolk};
use crate::util::Project;

/// A project with one translated batch, `batch-0.csv`, and a memory of a few hundred
/// kilobytes that has seen an import before (so its lock file is already there: the
/// lock file is made on first use and never deleted).
fn project() -> Project {
    let (t, _) = fixture(1, 20, 2000, 1);
    t.write(&format!("memory/{}", tolk::store::LOCK_FILE), "");
    t
}

/// Asserts that the import failed for `reason` naming a file in `memory/`, and left
/// `memory` (a snapshot after) exactly as `before`.
#[track_caller]
fn assert_failed_cleanly(
    out: &Output,
    reason: &str,
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let what = || describe("tolk import", out);
    assert!(!out.status.success(), "the import succeeded: {}", what());
    assert!(stderr.contains(reason), "the error does not say {reason:?}: {}", what());
    assert!(stderr.contains("memory/"), "the error names no file of the memory: {}", what());
    let left: Vec<&String> = after.keys().filter(|n| n.starts_with(tolk::store::TEMP_PREFIX)).collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
    assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    assert!(after == before, "the memory changed");
    eprintln!("diskfull: {}", stderr.trim());
}

/// Runs `script` with `sh` in a private mount namespace, in the project folder, with
/// `TOLK` set to the tolk binary. The script touches `$READY` once its mounts are in
/// place; if it does not get there, the reason (its stderr) is the error.
fn in_mount_namespace(t: &Project, script: &str) -> Result<(), String> {
    let ready = t.path().join("namespace-ready");
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", script])
        .current_dir(t.path())
        .env("TOLK", env!("CARGO_BIN_EXE_tolk"))
        .env("READY", &ready)
        .env("NO_COLOR", "1")
        .env_remove(tolk::store::PAUSE_VAR)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    if !ready.exists() {
        return Err(format!(
            "cannot mount in a private mount namespace here ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

/// What the import run by a namespace script left in `out/`.
fn import_output(t: &Project) -> Output {
    let status = t.read("out/status").trim().parse::<i32>().unwrap();
    Output {
        status: std::os::unix::process::ExitStatusExt::from_raw(status << 8),
        stdout: std::fs::read(t.path().join("out/stdout")).unwrap(),
        stderr: std::fs::read(t.path().join("out/stderr")).unwrap(),
    }
}

/// The import inside a namespace script, its output kept in `out/`.
const IMPORT: &str = r#"
set +e
mkdir -p out
"$TOLK" import batch-0.csv >out/stdout 2>out/stderr
echo $? >out/status
"#;

#[test]
fn a_full_disk_fails_with_the_os_reason_and_leaves_the_memory_intact() {
    let t = project();
    let before = t.snapshot_dir("memory");
    std::fs::rename(t.path().join("memory"), t.path().join("seed")).unwrap();
    std::fs::create_dir(t.path().join("memory")).unwrap();
    // Room for the memory as it is and two pages more; the new version (a whole copy)
    // cannot fit beside it.
    let used: usize = before.values().map(|b| b.len().div_ceil(4096) * 4096).sum();
    let script = format!(
        r#"set -e
mount -t tmpfs -o size={} tolk-test-full memory
cp -a seed/. memory/
touch "$READY"
{IMPORT}
mkdir after
cp -a memory/. after/
"#,
        used + 2 * 4096
    );
    if let Err(why) = in_mount_namespace(&t, &script) {
        eprintln!("skipped: a full disk: {why}");
        return;
    }
    assert_failed_cleanly(&import_output(&t), "No space left on device", &before, &t.snapshot_dir("after"));
}

#[test]
fn a_file_size_limit_fails_with_the_os_reason_and_leaves_the_memory_intact() {
    let t = project();
    let before = t.snapshot_dir("memory");
    // The new memory is larger than the old one, so its write goes past the limit.
    let limit = before["nb-en.csv"].len() as libc::rlim_t;
    let mut command = tolk(&t, &["import", "batch-0.csv"]);
    // SAFETY: between fork and exec only async-signal-safe calls: setrlimit and signal.
    unsafe {
        command.pre_exec(move || {
            let rlimit = libc::rlimit { rlim_cur: limit, rlim_max: limit };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rlimit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Past the limit the kernel sends SIGXFSZ, which would kill tolk before it
            // could report anything; ignored, the write fails with EFBIG instead.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let out = command.output().unwrap();
    assert_failed_cleanly(&out, "File too large", &before, &t.snapshot_dir("memory"));
}

#[test]
fn a_read_only_memory_folder_fails_with_the_os_reason_and_leaves_the_memory_intact() {
    let t = project();
    let before = t.snapshot_dir("memory");
    let (out, reason) = if is_root() {
        // Root ignores permissions, but not a read-only mount.
        let script = format!(
            r#"set -e
mount --bind memory memory
mount -o remount,bind,ro memory
touch "$READY"
{IMPORT}
"#
        );
        if let Err(why) = in_mount_namespace(&t, &script) {
            eprintln!("skipped: a read-only memory folder: {why}");
            return;
        }
        (import_output(&t), "Read-only file system")
    } else {
        let memory = t.path().join("memory");
        set_mode(&memory, 0o555);
        let out = tolk(&t, &["import", "batch-0.csv"]).output().unwrap();
        set_mode(&memory, 0o755);
        (out, "Permission denied")
    };
    assert_failed_cleanly(&out, reason, &before, &t.snapshot_dir("memory"));
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
