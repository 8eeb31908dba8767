//! The memory on a PostgreSQL server, against a real one, never a mock: the server
//! named by `TOLK_TEST_POSTGRES` (a throwaway server's superuser, as `.ci/postgres`
//! prints it; CI starts one), else one this test process starts with `.ci/postgres`
//! and that stops when the process ends. Each test works in a database of its own.
//!
//! What is proved: push and pull lose nothing and repeat to nothing; every command
//! prints the same on the server as on the same memory as CSV; a project keeps the
//! server's memory and refreshes it with what others wrote; eight imports at once keep
//! every row; an import killed or cut off at any moment leaves the memory old or new;
//! a translator cannot change or remove anything, through tolk or through SQL; a newer
//! schema is refused; a password is never printed or written.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};

use crate::concurrency::tolk;
use crate::util::{csv_rows, repo, Project};

/// The server the tests use: its superuser's URL, the socket folder and the port.
struct Cluster {
    socket: String,
    port: u16,
}

fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let url = std::env::var("TOLK_TEST_POSTGRES").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| {
            let out = Command::new("bash")
                .arg(repo().join(".ci/postgres"))
                .arg(std::process::id().to_string())
                .stderr(Stdio::inherit())
                .output()
                .expect("running .ci/postgres");
            assert!(
                out.status.success(),
                "the server tests need PostgreSQL: install it (apt-get install postgresql), or set \
                 TOLK_TEST_POSTGRES to the URL of a throwaway server's superuser"
            );
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        });
        let param = |name: &str| {
            url.split(['?', '&'])
                .find_map(|p| p.strip_prefix(&format!("{name}=")).map(str::to_string))
                .unwrap_or_else(|| panic!("{url} has no {name}="))
        };
        Cluster { socket: param("host"), port: param("port").parse().unwrap() }
    })
}

/// A database of its own for one test, with tolk's schema made by `tolk server init`.
struct Db {
    name: String,
}

static DATABASES: AtomicUsize = AtomicUsize::new(0);

impl Db {
    /// A new, empty database with tolk's memory in it.
    fn new() -> Db {
        let db = Db::bare();
        Project::empty().tolk(&["server", "init", &db.url()]).run().success();
        db
    }

    /// A new database without tolk's schema.
    fn bare() -> Db {
        let c = cluster();
        let n = DATABASES.fetch_add(1, Ordering::SeqCst);
        let name = format!("tolk_{}_{n}", std::process::id());
        let mut admin = connect(&format!("host={} port={} user=postgres dbname=postgres", c.socket, c.port));
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        Db { name }
    }

    /// The superuser's URL of this database, as tolk takes it.
    fn url(&self) -> String {
        self.url_as("postgres")
    }

    /// The URL of this database for the login role `user`, over the Unix socket.
    fn url_as(&self, user: &str) -> String {
        let c = cluster();
        format!("postgres://{user}@/{}?host={}&port={}", self.name, c.socket, c.port)
    }

    /// A connection as `user`.
    fn client_as(&self, user: &str) -> Client {
        let c = cluster();
        connect(&format!("host={} port={} user={user} dbname={}", c.socket, c.port, self.name))
    }

    /// A connection as the superuser.
    fn admin(&self) -> Client {
        self.client_as("postgres")
    }

    /// A login role of this test (roles are the cluster's: the name carries the
    /// database's), member of `group` when given; its name.
    fn login(&self, who: &str, group: Option<&str>) -> String {
        let role = format!("{}_{who}", self.name);
        let mut admin = self.admin();
        admin.batch_execute(&format!("CREATE ROLE {role} LOGIN PASSWORD 's3cret-{who}'")).unwrap();
        if let Some(group) = group {
            admin.batch_execute(&format!("GRANT {group} TO {role}")).unwrap();
        }
        role
    }

    /// How many entries the memory has, and how many are in use.
    fn counts(&self) -> (i64, i64) {
        let row = self
            .admin()
            .query_one("SELECT count(*), count(*) FILTER (WHERE retired = '') FROM tolk.entries", &[])
            .unwrap();
        (row.get(0), row.get(1))
    }

    /// Every entry as (source, target, retired), sorted.
    fn entries(&self) -> Vec<(String, String, bool)> {
        let mut rows: Vec<(String, String, bool)> = self
            .admin()
            .query("SELECT source, target, retired <> '' FROM tolk.entries", &[])
            .unwrap()
            .into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        rows.sort();
        rows
    }
}

fn connect(params: &str) -> Client {
    let start = Instant::now();
    loop {
        match Client::connect(params, NoTls) {
            Ok(client) => return client,
            Err(e) if start.elapsed() > Duration::from_secs(20) => panic!("connecting with {params}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// A memory folder with what a memory can hold: two files, an extra column, history
/// (a retired entry, with `retired_by`), context, notes, an import id, quotes, commas
/// and a line break inside a cell.
fn rich_memory(t: &Project) {
    t.write(
        "memory/a-tidligere.csv",
        "source,target,created,changed,translator,origin,note,kunde\n\
         \"Hei, verden.\",\"Hello, world.\",2026-01-02T10:00:00Z,2026-01-02T10:00:00Z,Kari,seed,\"sa \"\"hei\"\"\",Lyse\n\
         God morgen.,Good morning.,2026-01-03T10:00:00Z,,,seed,,\n",
    );
    t.write(
        "memory/nb-en.csv",
        "source,target,created,changed,translator,origin,note,retired,import,retired_by,prev,next\n\
         Takk.,Thanks.,2026-02-01T09:00:00Z,2026-02-01T09:00:00Z,Ola,batch-1,,2026-03-01T09:00:00Z,i20260201-090000,i20260301-090000,,\n\
         Takk.,Thank you.,2026-03-01T09:00:00Z,2026-03-01T09:00:00Z,Kari,batch-2,,,i20260301-090000,,Hei.,Ha det.\n\
         \"To linjer\nher.\",\"Two lines\nhere.\",2026-03-02T09:00:00Z,,,,,,,,,\n",
    );
}

#[test]
fn push_and_pull_lose_nothing_and_again_change_nothing() {
    let db = Db::new();
    let t = Project::empty();
    rich_memory(&t);
    let before = read_memory(&t.path().join("memory"));
    t.tolk(&["tm", "push", &db.url()]).run().success().stderr_contains("added 5 entries of memory to");
    t.tolk(&["tm", "push", &db.url()])
        .run()
        .success()
        .stderr_contains("added 0 entries")
        .stderr_contains("5 already there");
    assert_eq!(db.counts(), (5, 4));

    // Pulled into an empty folder, the memory is the same files, rows and cells.
    t.tolk(&["tm", "pull", &db.url(), "--out", "pulled"]).run().success();
    assert_eq!(read_memory(&t.path().join("pulled")), before);
    let bytes = t.snapshot_dir("pulled");
    t.tolk(&["tm", "pull", &db.url(), "--out", "pulled"]).run().success().stderr_contains("wrote nothing");
    assert_eq!(t.snapshot_dir("pulled"), bytes);

    // Pulled over the memory it came from: nothing is lost, and pushing it again adds nothing.
    t.tolk(&["tm", "pull", &db.url()]).run().success();
    assert_eq!(read_memory(&t.path().join("memory")), before);
    t.tolk(&["tm", "push", &db.url()]).run().success().stderr_contains("added 0 entries");

    // A pull never drops what the folder has and the server has not.
    t.write("pulled/nb-en.csv", format!("{}Ny.,New.,,,,,,,,,,\n", t.read("pulled/nb-en.csv")));
    let kept = t.snapshot_dir("pulled");
    t.tolk(&["tm", "pull", &db.url(), "--out", "pulled"])
        .run()
        .failure()
        .stderr_contains("does not have 1 entry")
        .stderr_contains("push them first");
    assert_eq!(t.snapshot_dir("pulled"), kept);
}

#[test]
fn push_and_pull_carry_files_duplicates_and_the_later_state_of_an_entry() {
    let db = Db::new();
    let t = Project::empty();
    // The same entry in two files, and twice in one: each is an entry of its own.
    t.write("memory/a.csv", "source,target\nHei.,Hi.\nTakk.,Thanks.\nTakk.,Thanks.\n");
    t.write("memory/b.csv", "source,target\nHei.,Hi.\n");
    t.tolk(&["tm", "push", &db.url()]).run().success().stderr_contains("added 4 entries");
    t.tolk(&["tm", "pull", &db.url(), "--out", "back"]).run().success();
    assert_eq!(read_memory(&t.path().join("back")), read_memory(&t.path().join("memory")));
    t.tolk(&["tm", "pull", &db.url()]).run().success().stderr_contains("wrote nothing");

    // Removed here after the push: the pull would undo it, so it refuses; a push sets it there.
    t.tolk(&["tm", "rm", "Hei."]).run().success();
    t.tolk(&["tm", "pull", &db.url()]).run().failure().stderr_contains("push them first");
    t.tolk(&["tm", "push", &db.url()])
        .run()
        .success()
        .stderr_contains("added 0 entries")
        .stderr_contains("set 2 entries retired or in use as the CSV memory has it");
    assert_eq!(db.counts(), (4, 2));
    t.tolk(&["tm", "pull", &db.url()]).run().success().stderr_contains("wrote nothing");

    // Put back on the server later: a push of the older state leaves it, a pull takes it.
    std::thread::sleep(Duration::from_millis(1100));
    t.tolk(&["--memory", &db.url(), "tm", "revert", "Hei."]).run().success();
    t.tolk(&["tm", "push", &db.url()]).run().success().stderr_contains("left 1 entry as the server has it");
    assert_eq!(db.counts(), (4, 3));
    t.tolk(&["tm", "pull", &db.url()]).run().success();
    t.tolk(&["lookup", "Hei."]).run().success().stdout_contains("Hi.");
}

/// Every file of a CSV memory folder: name -> rows, each column -> cell.
fn read_memory(folder: &Path) -> BTreeMap<String, Vec<BTreeMap<String, String>>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let rows = csv_rows(&std::fs::read(&path).unwrap(), b',');
            // Empty cells are no information: a column missing and one left empty are alike.
            let rows =
                rows.into_iter().map(|r| r.into_iter().filter(|(_, v)| !v.is_empty()).collect()).collect();
            out.insert(path.file_name().unwrap().to_string_lossy().into_owned(), rows);
        }
    }
    out
}

#[test]
fn every_command_prints_the_same_on_the_server_as_on_csv() {
    let db = Db::new();
    let csv = Project::new();
    // History, a conflict and imports besides the bundled memory.
    csv.write(
        "memory/b-historikk.csv",
        "source,target,created,changed,translator,origin,note,retired,import,retired_by\n\
         Takk for praten.,Thanks for the chat.,2026-02-01T09:00:00Z,2026-02-01T09:00:00Z,Ola,batch-1,,,i20260201-090000,\n\
         Takk for praten.,Thank you for talking to us.,2026-03-01T09:00:00Z,2026-03-01T09:00:00Z,Kari,batch-2,,,i20260301-090000,\n\
         Ha det.,Bye.,2026-02-01T09:00:00Z,2026-02-01T09:00:00Z,Ola,batch-1,,2026-03-01T09:00:00Z,i20260201-090000,i20260301-090000\n\
         Ha det.,Goodbye.,2026-03-01T09:00:00Z,2026-03-01T09:00:00Z,Kari,batch-2,,,i20260301-090000,\n",
    );
    csv.tolk(&["tm", "push", &db.url()]).run().success();
    let server = Project::new();
    std::fs::remove_dir_all(server.path().join("memory")).unwrap();
    let on = |t: &Project, args: &[&str], memory: Option<&str>| {
        let mut all: Vec<&str> = args.to_vec();
        if let Some(url) = memory {
            all.extend(["--memory", url]);
        }
        t.tolk(&all).run().success()
    };
    let url = db.url();
    let commands: &[&[&str]] = &[
        &["lookup", "Trine Vestre Øen er direktør for kundeservice i Lyse Dialog."],
        &["lookup", "--json", "God kundeservice handler om begeistring og glede.", "--min-score", "50"],
        &["match", "-i", "corpus/fjordkraft-irene-fauskanger.txt"],
        &["match", "--json", "-i", "corpus/lyse-dialog-trine-vestre-oen.txt"],
        &["analyze"],
        &["analyze", "--json"],
        &["status"],
        &["tm", "conflicts"],
        &["tm", "history"],
        &["tm", "history", "Ha det."],
        &["tm", "history", "--json", "Takk for praten."],
        &["tm", "export"],
        &["tm", "export", "--format", "csv"],
    ];
    for args in commands {
        let a = on(&csv, args, None);
        let b = on(&server, args, Some(&url));
        assert_eq!(a.stdout, b.stdout, "tolk {args:?}: stdout differs");
        assert!(!a.stdout.is_empty(), "tolk {args:?} printed nothing");
    }
    on(&csv, &["build", "-o", "out"], None);
    on(&server, &["build", "-o", "out"], Some(&url));
    assert_eq!(csv.snapshot_dir("out"), server.snapshot_dir("out"));
    assert!(!csv.snapshot_dir("out").is_empty());

    // An untranslated corpus exports the same batch, and taking it back makes the same memory.
    let plain = Project::untranslated();
    let db2 = Db::new();
    let served = Project::untranslated();
    std::fs::remove_dir_all(served.path().join("memory")).unwrap();
    let url2 = db2.url();
    on(&plain, &["export", "--for", "kari", "--format", "csv", "-o", "batch.csv"], None);
    on(&served, &["export", "--for", "kari", "--format", "csv", "-o", "batch.csv"], Some(&url2));
    assert_eq!(strip_dates(&plain.read("batch.csv")), strip_dates(&served.read("batch.csv")));
    let filled = fill_batch(&plain.read("batch.csv"));
    plain.write("filled.csv", &filled);
    served.write("filled.csv", &filled);
    on(&plain, &["import", "filled.csv"], None);
    on(&served, &["import", "filled.csv"], Some(&url2));
    for args in [
        &["status"][..],
        &["analyze"],
        &["lookup", "Trine Vestre Øen er direktør for kundeservice i Lyse Dialog."],
    ] {
        assert_eq!(
            strip_dates(&on(&plain, args, None).stdout),
            strip_dates(&on(&served, args, Some(&url2)).stdout),
            "after import: {args:?}"
        );
    }
    // The whole memory, every column in the same order, the import's moments aside.
    for format in ["csv", "tmx"] {
        let args = ["tm", "export", "--format", format];
        assert_eq!(
            strip_dates(&on(&plain, &args, None).stdout),
            strip_dates(&on(&served, &args, Some(&url2)).stdout),
            "after import: {args:?}"
        );
    }
}

/// `text` without what depends on the moment it was made: dates and ids with a date.
fn strip_dates(text: &str) -> String {
    // ISO 8601 as tolk writes it, TMX's compact form, and batch and import ids.
    let date = regex::Regex::new(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?|\d{8}T\d{6}Z|b\d{8}-\d{6}-[0-9a-f]{4}|i\d{8}-\d{6}",
    )
    .unwrap();
    date.replace_all(text, "DATE").into_owned()
}

/// A CSV batch with every target filled with `EN: ` and its source.
fn fill_batch(batch: &str) -> String {
    let bytes = batch.as_bytes();
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let header = reader.headers().unwrap().clone();
    let source = header.iter().position(|h| h == "source").expect("a source column");
    let target = header.iter().position(|h| h == "target").expect("a target column");
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
        cells[target] = format!("EN: {}", cells[source]);
        writer.write_record(&cells).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

#[test]
fn a_project_keeps_the_servers_memory_and_refreshes_it_with_what_others_wrote() {
    let db = Db::new();
    let t = Project::new();
    t.tolk(&["tm", "push", &db.url()]).run().success();
    t.write("tolk.toml", format!("memory = \"{}\"\n", db.url()));
    t.tolk(&["lookup", "Trine Vestre Øen er direktør for kundeservice i Lyse Dialog."])
        .run()
        .success()
        .stdout_contains("Director of Customer Service");
    let cache = t.path().join(".tolk/cache");
    let kept = crate::util::walk(&cache);
    assert!(kept.iter().any(|p| p.extension().is_some_and(|e| e == "tolkidx")), "{kept:?}");
    assert!(kept.iter().any(|p| p.extension().is_some_and(|e| e == "rev")), "{kept:?}");

    // Someone else adds a translation: the next lookup here finds it, reading only that row.
    let other = Project::empty();
    other.write(
        "new.tsv",
        "Dette er en helt ny setning om kraft.\tThis is a brand new sentence about power.\n",
    );
    other.tolk(&["--memory", &db.url(), "tm", "import", "new.tsv"]).run().success();
    t.tolk(&["lookup", "Dette er en helt ny setning om kraft."])
        .run()
        .success()
        .stdout_contains("This is a brand new sentence about power.");
    // And a translation someone retired is no longer offered.
    other.tolk(&["--memory", &db.url(), "tm", "rm", "Dette er en helt ny setning om kraft."]).run().success();
    let out = t.tolk(&["lookup", "Dette er en helt ny setning om kraft."]).run();
    assert!(!out.stdout.contains("brand new sentence"), "{}", out.stdout);

    // Writes from the project start from its kept copy, brought up to date under the
    // lock with what others wrote since: here a translation another client added after
    // the copy was last refreshed is the one this project's `tm revert` puts back, and
    // its import sees the other client's rows as there.
    other.write("more.tsv", "Enda en ny setning.\tYet another new sentence.\n");
    other.tolk(&["--memory", &db.url(), "tm", "import", "more.tsv"]).run().success();
    t.tolk(&["tm", "revert", "Dette er en helt ny setning om kraft."]).run().success();
    t.write("again.tsv", "Enda en ny setning.\tYet another new sentence.\nEn tredje.\tA third.\n");
    t.tolk(&["tm", "import", "again.tsv"]).run().success().stderr_contains("1 added, 1 unchanged");
    let entries = db.entries();
    let of = |source: &str| entries.iter().filter(|e| e.0 == source).cloned().collect::<Vec<_>>();
    assert_eq!(
        of("Dette er en helt ny setning om kraft."),
        [(
            "Dette er en helt ny setning om kraft.".into(),
            "This is a brand new sentence about power.".into(),
            false
        )]
    );
    assert_eq!(of("Enda en ny setning.").len(), 1);
    assert_eq!(of("En tredje.").len(), 1);
    // The kept copy answers as a fresh read of the server would.
    let fresh = Project::new();
    let a = t.tolk(&["analyze"]).run().success().stdout;
    let b = fresh.tolk(&["--memory", &db.url(), "analyze"]).run().success().stdout;
    assert_eq!(a, b);
}

/// Puts the memory back as a backup taken at revision `rev` and restored would: the
/// rows written since gone, and the revisions and ids given since to be given again,
/// while the memory's id and epoch are the backup's (a restore fires no trigger, so
/// nothing moves the epoch).
fn restore_to(db: &Db, rev: i64) {
    let mut admin = db.admin();
    let mut tx = admin.transaction().unwrap();
    tx.batch_execute("SET LOCAL session_replication_role = replica").unwrap();
    tx.execute("DELETE FROM tolk.entries WHERE rev > $1", &[&rev]).unwrap();
    tx.execute("SELECT setval('tolk.revision', $1)", &[&rev]).unwrap();
    tx.batch_execute(
        "SELECT setval(pg_get_serial_sequence('tolk.entries', 'id'), (SELECT max(id) FROM tolk.entries))",
    )
    .unwrap();
    tx.commit().unwrap();
}

/// The memory's last revision.
fn last_rev(db: &Db) -> i64 {
    db.admin().query_one("SELECT max(rev) FROM tolk.entries", &[]).unwrap().get(0)
}

#[test]
fn a_kept_copy_is_read_again_when_the_server_is_restored_from_a_backup() {
    let db = Db::new();
    let url = db.url();
    let t = Project::empty();
    t.write("tolk.toml", format!("memory = \"{url}\"\n"));
    let other = Project::empty();
    let write = |p: &Project, project: bool, line: &str| {
        p.write("w.tsv", format!("{line}\n"));
        let mut args = vec!["tm", "import", "w.tsv"];
        if !project {
            args.splice(0..0, ["--memory", url.as_str()]);
        }
        p.tolk(&args).run().success();
    };
    write(&t, true, "Første setning.\tFirst sentence.");
    // Someone else's write is brought in without a word.
    write(&other, false, "Andre setning.\tSecond sentence.");
    let out = t.tolk(&["lookup", "Andre setning."]).run().success().stdout_contains("100%");
    assert!(!out.stderr.contains("note:"), "{}", out.stderr);
    let backup = last_rev(&db);

    // Went back: what the server lost is no longer a match here.
    write(&t, true, "Tapt setning.\tLost sentence.");
    restore_to(&db, backup);
    let out = t
        .tolk(&["lookup", "Tapt setning."])
        .run()
        .success()
        .stderr_contains("kept in .tolk/cache was not used")
        .stderr_contains(&format!("is back at revision {backup}"));
    assert!(!out.stdout.contains("100%"), "{}", out.stdout);
    t.tolk(&["lookup", "Andre setning."]).run().success().stdout_contains("100%");

    // Went back, then wrote again under the revisions the copy has: the copy is of
    // another history, whose rows are read, and whose lost ones are gone.
    write(&t, true, "Tapt setning.\tLost sentence.");
    restore_to(&db, backup);
    write(&other, false, "Ny setning.\tNew sentence.");
    let out = t
        .tolk(&["lookup", "Ny setning."])
        .run()
        .success()
        .stdout_contains("100%")
        .stderr_contains("another write at that revision");
    assert!(out.stdout.contains("New sentence."), "{}", out.stdout);
    let out = t.tolk(&["lookup", "Tapt setning."]).run().success();
    assert!(!out.stdout.contains("100%"), "{}", out.stdout);

    // Went back, then wrote past the copy's revision: the write it was kept at is gone,
    // so the rows above it are not all the copy lacks.
    write(&t, true, "Tapt igjen.\tLost again.");
    let kept = last_rev(&db);
    restore_to(&db, backup);
    for n in 0..4 {
        write(&other, false, &format!("Setning nummer {n}.\tSentence number {n}."));
    }
    assert!(last_rev(&db) > kept);
    let out =
        t.tolk(&["lookup", "Tapt igjen."]).run().success().stderr_contains("another write at that revision");
    assert!(!out.stdout.contains("100%"), "{}", out.stdout);
    t.tolk(&["lookup", "Setning nummer 0."]).run().success().stdout_contains("Sentence number 0.");

    // An import checks its rows against the server's memory, not the copy's: a
    // translation written after the restore is a conflict.
    write(&t, true, "Enda en.\tOne more.");
    restore_to(&db, last_rev(&db) - 1);
    write(&other, false, "Konflikt.\tFirst.");
    t.write("k.tsv", "Konflikt.\tSecond.\n");
    t.tolk(&["tm", "import", "k.tsv"])
        .run()
        .code(3)
        .stderr_contains("another write at that revision")
        .stderr_contains("1 conflict");
    let entries = db.entries();
    assert_eq!(entries.iter().filter(|e| e.0 == "Konflikt.").count(), 1, "{entries:?}");
    assert!(!entries.iter().any(|e| e.0 == "Enda en."), "{entries:?}");

    // The next read keeps the server's memory (the import wrote nothing, so kept
    // nothing), and from then on the copy is the server's: no note, the same answers.
    t.tolk(&["tm", "export"]).run().success();
    let out = t.tolk(&["tm", "export", "--format", "csv"]).run().success();
    assert!(!out.stderr.contains("note:"), "{}", out.stderr);
    let fresh = Project::empty();
    assert_eq!(
        out.stdout,
        fresh.tolk(&["--memory", &url, "tm", "export", "--format", "csv"]).run().success().stdout
    );
}

#[test]
fn eight_imports_at_once_keep_every_row() {
    let db = Db::new();
    let t = Project::empty();
    const CLIENTS: usize = 8;
    const ROWS: usize = 40;
    for c in 0..CLIENTS {
        let mut text = String::new();
        for r in 0..ROWS {
            text.push_str(&format!(
                "Klient {c} sender setning nummer {r}.\tClient {c} sends sentence number {r}.\n"
            ));
        }
        // One sentence every client sends, with the same translation: added once.
        text.push_str("Alle sender denne.\tEveryone sends this.\n");
        t.write(&format!("c{c}.tsv"), text);
    }
    let url = db.url();
    let mut children: Vec<_> = (0..CLIENTS)
        .map(|c| import(&t, &url, &format!("c{c}.tsv"), Some("merged:150")).spawn().unwrap())
        .collect();
    for child in children.drain(..) {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let entries = db.entries();
    assert_eq!(entries.len(), CLIENTS * ROWS + 1, "every row once, the shared one once");
    let distinct: std::collections::BTreeSet<_> = entries.iter().collect();
    assert_eq!(distinct.len(), entries.len());
    // Each import's revisions come after all of the one before it: they were given in
    // the order the imports committed.
    let spans: Vec<(i64, i64)> = db
        .admin()
        .query("SELECT min(rev), max(rev) FROM tolk.entries GROUP BY import ORDER BY 1", &[])
        .unwrap()
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(spans.len(), CLIENTS);
    assert!(spans.windows(2).all(|w| w[0].1 < w[1].0), "{spans:?}");
}

/// `tolk --memory URL tm import FILE` in `t`, held at a stage of its write when `pause`
/// says so (`TOLK_TEST_PAUSE`), its output piped.
fn import(t: &Project, url: &str, file: &str, pause: Option<&str>) -> Command {
    let mut command = tolk(t, &["--memory", url, "tm", "import", file]);
    if let Some(pause) = pause {
        command.env(tolk::store::PAUSE_VAR, pause);
    }
    command
}

/// A file in `t` of `n` new sentences to import, named for `tag`; its name.
fn import_file(t: &Project, n: usize, tag: &str) -> String {
    let name = format!("{tag}.tsv");
    let text: String =
        (0..n).map(|i| format!("Setning {i} fra {tag}.\tSentence {i} from {tag}.\n")).collect();
    t.write(&name, text);
    name
}

#[test]
fn an_import_killed_at_any_moment_leaves_the_memory_old_or_new() {
    let db = Db::new();
    let t = Project::empty();
    let base = import_file(&t, 50, "base");
    t.tolk(&["--memory", &db.url(), "tm", "import", &base]).run().success();
    // More rows than one statement sends, so a kill can fall between statements.
    const ROWS: usize = 12_000;
    let reference = import_file(&t, ROWS, "reference");
    let start = Instant::now();
    t.tolk(&["--memory", &db.url(), "tm", "import", &reference]).run().success();
    let took = start.elapsed().as_millis() as u64;
    let old = db.counts().0;
    // Killed at each stage (held there, and reached well within the import's time),
    // then at delays across a whole import.
    let mut finished = 0;
    let stages = ["locked:5000", "merged:5000", "written:5000"];
    let delays: Vec<u64> = (0..12).map(|i| i * took / 11).collect();
    for (k, how) in
        stages.iter().map(|s| (Some(*s), took + 500)).chain(delays.iter().map(|&d| (None, d))).enumerate()
    {
        let (pause, wait) = how;
        let name = import_file(&t, ROWS, &format!("k{k}"));
        let mut command = import(&t, &db.url(), &name, pause);
        command.stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = command.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(wait));
        let _ = child.kill();
        let status = child.wait().unwrap();
        // The server notices the client is gone and rolls back; wait for that.
        let start = Instant::now();
        let now = loop {
            let busy: i64 = db
                .admin()
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tolk'",
                    &[],
                )
                .unwrap()
                .get(0);
            if busy == 0 || start.elapsed() > Duration::from_secs(10) {
                break db.counts().0;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let rows = ROWS as i64;
        let before = old + rows * finished;
        assert!(
            now == before || now == before + rows,
            "kill {k} ({pause:?}, after {wait} ms): {now} entries, expected {before} or {}",
            before + rows
        );
        if pause.is_some() {
            assert_eq!(now, before, "killed while paused at {pause:?}, the import must not be there");
        }
        if now == before + rows {
            finished += 1;
        } else {
            assert!(!status.success(), "kill {k}: tolk ended well, yet its import is not there");
        }
    }
}

#[test]
fn a_connection_cut_in_the_middle_of_an_import_changes_nothing_and_says_so() {
    let db = Db::new();
    let t = Project::empty();
    let name = import_file(&t, 300, "cut");
    let child = import(&t, &db.url(), &name, Some("written:4000")).spawn().unwrap();
    // Wait until its rows are sent, then cut its connection from the server's side.
    let start = Instant::now();
    loop {
        let sent: i64 = db
            .admin()
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND application_name = 'tolk' AND state = 'idle in transaction' \
                 AND query LIKE 'INSERT INTO tolk.entries%'",
                &[],
            )
            .unwrap()
            .get(0);
        if sent > 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the import never wrote its rows");
        std::thread::sleep(Duration::from_millis(20));
    }
    db.admin()
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() \
             AND application_name = 'tolk'",
            &[],
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(db.counts(), (0, 0));
}

/// A row written around tolk with a control character in its target is refused as the
/// CSV memory's reader refuses it, naming the row: pulled, it would make a memory tolk
/// cannot load, and read, `lookup` would print it raw.
#[test]
fn a_control_character_written_around_tolk_is_refused_naming_the_row() {
    let db = Db::new();
    db.admin()
        .batch_execute(
            "INSERT INTO tolk.files (name, columns) VALUES ('nb-en.csv', ARRAY['source', 'target']);
             INSERT INTO tolk.entries (file, row_number, source, target)
             VALUES ((SELECT id FROM tolk.files), 2, 'Hei.', E'Hi\\x1b[31m there.')",
        )
        .unwrap();
    let t = Project::new();
    t.tolk(&["--memory", &db.url(), "lookup", "Hei."]).run().failure().stderr_contains(
        "cannot read the memory: nb-en.csv row 2 has the control character U+001B (ESC, ^[ in a text editor) in \
         its target, \"Hi\\u{1b}[31m there.\"; it was written around tolk, and an administrator corrects or removes \
         it with psql",
    );
}

#[test]
fn a_read_cut_off_part_way_says_why_and_what_to_do() {
    let db = Db::new();
    // More than the socket's buffers hold, so the server is still sending when cut off.
    db.admin()
        .batch_execute(
            "INSERT INTO tolk.files (name, columns) VALUES ('nb-en.csv', ARRAY['source', 'target']);
             INSERT INTO tolk.entries (file, row_number, source, target)
             SELECT (SELECT id FROM tolk.files), n + 1, 'Setning nummer ' || n || ' om noe langt og kjedelig.',
                    'Sentence number ' || n || ' about something long and boring.'
             FROM generate_series(1, 50000) AS n",
        )
        .unwrap();
    let t = Project::new();
    let child = tolk(&t, &["--memory", &db.url(), "build", "-o", "out"])
        .env(tolk::store::PAUSE_VAR, "reading:3000")
        .spawn()
        .unwrap();
    let start = Instant::now();
    let reading = loop {
        let row = db
            .admin()
            .query_opt(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND application_name = 'tolk' AND state = 'active' AND query LIKE 'COPY%'",
                &[],
            )
            .unwrap();
        if let Some(row) = row {
            break row.get::<_, i32>(0);
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the build never started reading");
        std::thread::sleep(Duration::from_millis(20));
    };
    db.admin().execute("SELECT pg_terminate_backend($1)", &[&reading]).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    for said in [
        "cannot read the memory: the connection was lost while reading it (",
        "check that the server is running and reachable, then run the command again (nothing was written)",
    ] {
        assert!(stderr.contains(said), "{stderr}");
    }
    assert!(!t.path().join("out").exists(), "{stderr}");
}

#[test]
fn a_translator_adds_but_cannot_change_or_remove_through_tolk_or_sql() {
    let db = Db::new();
    let alice = db.login("alice", Some("tolk_translator"));
    let erin = db.login("erin", Some("tolk_editor"));
    let mallory = db.login("mallory", None);
    let t = Project::empty();
    t.write("a.tsv", "Hei.\tHi.\nTakk.\tThanks.\n");
    t.write("b.tsv", "Hei.\tHello.\n");
    let as_alice = db.url_as(&alice);
    t.tolk(&["--memory", &as_alice, "tm", "import", "a.tsv"]).run().success();
    assert_eq!(db.counts(), (2, 2));
    let added_by: String =
        db.admin().query_one("SELECT DISTINCT added_by::text FROM tolk.entries", &[]).unwrap().get(0);
    assert_eq!(added_by, alice);

    // Through tolk: each refusal names the permission, and nothing changes.
    for args in [
        &["tm", "rm", "Hei."][..],
        &["tm", "rm", "--dry-run", "Hei."],
        &["tm", "import", "--overwrite", "b.tsv"],
    ] {
        let mut all = vec!["--memory", as_alice.as_str()];
        all.extend(args);
        t.tolk(&all).run().failure().stderr_contains("permission denied").stderr_contains("tolk_editor");
        assert_eq!(db.counts(), (2, 2), "after {args:?}");
    }
    // A memory with a retired entry to push: the dry run foresees the refusal.
    let p = Project::empty();
    p.write(
        "memory/nb-en.csv",
        "source,target,retired\nGod dag.,Good day.,\nGod natt.,Good night.,2026-01-01T00:00:00Z\n",
    );
    for dry in [true, false] {
        let args =
            if dry { vec!["tm", "push", "--dry-run", &as_alice] } else { vec!["tm", "push", &as_alice] };
        p.tolk(&args).run().failure().stderr_contains("permission denied").stderr_contains("tolk_editor");
        assert_eq!(db.counts(), (2, 2), "after {args:?}");
    }
    // A role that may read but is of neither group: both say it needs tolk_translator.
    let reader = db.login("reader", None);
    db.admin()
        .batch_execute(&format!(
            "GRANT USAGE ON SCHEMA tolk TO {reader}; GRANT SELECT ON ALL TABLES IN SCHEMA tolk TO {reader}"
        ))
        .unwrap();
    let as_reader = db.url_as(&reader);
    p.write("memory/nb-en.csv", "source,target\nGod dag.,Good day.\n");
    for dry in [true, false] {
        let args =
            if dry { vec!["tm", "push", "--dry-run", &as_reader] } else { vec!["tm", "push", &as_reader] };
        p.tolk(&args)
            .run()
            .failure()
            .stderr_contains("permission denied")
            .stderr_contains("needs tolk_translator");
        assert_eq!(db.counts(), (2, 2), "after {args:?}");
    }
    t.tolk(&["--memory", &db.url_as(&mallory), "lookup", "Hei."])
        .run()
        .failure()
        .stderr_contains("may not read the memory");
    // A role that may connect but is neither cannot take the write lock, so cannot
    // hold up the team's writes.
    let err = db.client_as(&mallory).batch_execute("BEGIN; SELECT 1 FROM tolk.state FOR UPDATE").unwrap_err();
    assert_eq!(err.code().map(|c| c.code()), Some("42501"), "{err}");

    // Through SQL, as the translator: no delete, no update, no retired entry, no truncate,
    // no rewinding the revision.
    let mut sql = db.client_as(&alice);
    for statement in [
        "DELETE FROM tolk.entries",
        "UPDATE tolk.entries SET target = 'Hacked.'",
        "UPDATE tolk.entries SET retired = '2026-01-01T00:00:00Z'",
        "INSERT INTO tolk.entries (file, row_number, source, target, retired) SELECT id, 99, 'X.', 'Y.', '2026-01-01T00:00:00Z' FROM tolk.files LIMIT 1",
        "TRUNCATE tolk.entries",
        "SELECT setval('tolk.revision', 1)",
        "UPDATE tolk.files SET columns = '{}'",
        "DROP TABLE tolk.entries",
    ] {
        let err = sql.batch_execute(statement).expect_err(statement);
        let code = err.code().map(|c| c.code().to_string()).unwrap_or_default();
        assert!(code == "42501" || code == "42809", "{statement}: {err} ({code})");
    }
    // Adding, as a translator may, works through SQL too, and is stamped with who did it.
    sql.batch_execute(
        "INSERT INTO tolk.entries (file, row_number, source, target, added_by) \
         SELECT id, 99, 'Ja.', 'Yes.', 'someone_else' FROM tolk.files LIMIT 1",
    )
    .unwrap();
    let by: String = db
        .admin()
        .query_one("SELECT added_by::text FROM tolk.entries WHERE source = 'Ja.'", &[])
        .unwrap()
        .get(0);
    assert_eq!(by, alice);
    // A revision a client gives is not taken: every row gets the next one, under the lock.
    sql.batch_execute(
        "INSERT INTO tolk.entries (file, row_number, source, target, rev) \
         SELECT id, 100, 'Nei.', 'No.', 1 FROM tolk.files LIMIT 1",
    )
    .unwrap();
    let row = db
        .admin()
        .query_one(
            "SELECT (SELECT rev FROM tolk.entries WHERE source = 'Nei.'), \
             (SELECT max(rev) FROM tolk.entries WHERE source <> 'Nei.')",
            &[],
        )
        .unwrap();
    let (rev, max): (i64, i64) = (row.get(0), row.get(1));
    assert!(rev > max, "rev {rev}, others up to {max}");
    // Rows tolk could not read back are refused by the database.
    for (what, column, value) in [
        ("an empty source", "source", "' '"),
        ("extra columns that are not pairs of strings", "extra", "'[1]'"),
        ("extra columns that are not pairs of strings", "extra", "'[[\"a\", 2]]'"),
        ("a date that is not ISO 8601", "changed", "'last tuesday'"),
        ("a cell beyond the reader's limit", "note", "repeat('x', 1048577)"),
    ] {
        let (columns, values) = match column {
            "source" => ("source".to_string(), value.to_string()),
            other => (format!("source, {other}"), format!("'Ok.', {value}")),
        };
        let err = sql
            .batch_execute(&format!(
                "INSERT INTO tolk.entries (file, row_number, target, {columns}) \
                 SELECT id, 200, 'X.', {values} FROM tolk.files LIMIT 1"
            ))
            .expect_err(what);
        assert_eq!(err.code().map(|c| c.code()), Some("23514"), "{what}: {err}");
    }
    // One the database lets by that tolk would not load (a day that does not exist) is
    // named when the memory is read.
    sql.batch_execute(
        "INSERT INTO tolk.entries (file, row_number, source, target, changed) \
         SELECT id, 300, 'Kanskje.', 'Maybe.', '2026-02-30' FROM tolk.files LIMIT 1",
    )
    .unwrap();
    t.tolk(&["--memory", &as_alice, "lookup", "Kanskje."])
        .run()
        .failure()
        .stderr_contains("row 300 has \"2026-02-30\" as its changed, which is not an ISO 8601 date");
    // Nor can a file be named so that a pull would write outside the memory, over the
    // glossary, or a file the memory does not read.
    for name in ["..", "../x.csv", "glossary.csv", "GLOSSARY.CSV", ".hidden.csv", "notes.txt", "a/b.csv"] {
        let err = sql
            .execute("INSERT INTO tolk.files (name, columns) VALUES ($1, '{}')", &[&name])
            .expect_err(name);
        assert_eq!(err.code().map(|c| c.code()), Some("23514"), "{name}: {err}");
    }
    // Nor a header a CSV file could not have, nor a second file of a name but for case.
    for columns in ["ARRAY[NULL]::text[]", "'{source,target,Source}'", "'{source,\"\"}'"] {
        let err = sql
            .batch_execute(&format!("INSERT INTO tolk.files (name, columns) VALUES ('z.csv', {columns})"))
            .expect_err(columns);
        assert_eq!(err.code().map(|c| c.code()), Some("23514"), "{columns}: {err}");
    }
    let err =
        sql.batch_execute("INSERT INTO tolk.files (name, columns) VALUES ('NB-EN.csv', '{}')").unwrap_err();
    assert_eq!(err.code().map(|c| c.code()), Some("23505"), "{err}");
    // Whatever role a translator sets, the row says who logged in.
    sql.batch_execute(
        "SET ROLE tolk_translator; INSERT INTO tolk.entries (file, row_number, source, target) \
         SELECT id, 400, 'Kanskje ikke.', 'Maybe not.' FROM tolk.files LIMIT 1; RESET ROLE",
    )
    .unwrap();
    let by: String = db
        .admin()
        .query_one("SELECT added_by::text FROM tolk.entries WHERE source = 'Kanskje ikke.'", &[])
        .unwrap()
        .get(0);
    assert_eq!(by, alice);
    db.admin().batch_execute("UPDATE tolk.entries SET changed = '' WHERE source = 'Kanskje.'").unwrap();

    // The editor may retire, through tolk, but not rewrite a translation or delete.
    let as_erin = db.url_as(&erin);
    t.tolk(&["--memory", &as_erin, "tm", "rm", "Hei."]).run().success();
    assert_eq!(db.counts(), (6, 5));
    let mut sql = db.client_as(&erin);
    for statement in ["UPDATE tolk.entries SET target = 'Hacked.'", "DELETE FROM tolk.entries"] {
        let err = sql.batch_execute(statement).expect_err(statement);
        assert_eq!(err.code().map(|c| c.code()), Some("42501"), "{statement}: {err}");
    }
    t.tolk(&["--memory", &as_erin, "tm", "revert", "Hei."]).run().success();
    assert_eq!(db.counts(), (6, 6));
}

#[test]
fn with_no_user_named_the_os_user_is_the_role_shown_and_suggested() {
    let db = Db::new();
    let c = cluster();
    // libpq's default is the OS user's name (as the user database has it), never USER.
    let me = whoami::username().unwrap();
    let url = format!("postgres:///{}?host={}&port={}", db.name, c.socket, c.port);
    let out = Project::empty()
        .tolk(&["--memory", &url, "lookup", "Hei."])
        .env_remove("PGUSER")
        .env("USER", "not-me")
        .env("LOGNAME", "not-me")
        .run();
    let shown = format!("postgres://{me}@/{}", db.name);
    let has_role =
        db.admin().query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&me]).unwrap().is_some();
    if has_role {
        // Run as a user the cluster knows (its own superuser): it connects as that role.
        assert!(out.status.success(), "{}", out.stderr);
    } else {
        out.failure()
            .stderr_contains(&shown)
            .stderr_contains(&format!("role \"{me}\" does not exist"))
            .stderr_contains("none is named in the URL or PGUSER")
            .stderr_contains(&format!("`CREATE ROLE {me} LOGIN`"));
    }
}

#[test]
fn a_projects_url_names_no_user_so_each_person_connects_as_their_own_role() {
    let db = Db::bare();
    let t = Project::empty();
    // The administrator's hint names the memory for tolk.toml without the administrator.
    let out = t.tolk(&["server", "init", &db.url()]).run().success();
    let hint = out.stderr.lines().find(|l| l.starts_with("next:")).unwrap().to_string();
    let shared = hint.split("memory = \"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_string();
    assert!(!shared.contains('@') && shared.contains(&db.name), "{hint}");
    // The push is the administrator's, as them.
    assert!(hint.contains(&format!("`tolk tm push {}`", db.url())), "{hint}");
    let alice = db.login("alice", Some("tolk_translator"));
    let bob = db.login("bob", Some("tolk_translator"));
    t.write("tolk.toml", format!("memory = \"{shared}\"\n"));
    t.write("a.tsv", "Hei.\tHi.\n");
    t.write("b.tsv", "Takk.\tThanks.\n");
    t.tolk(&["tm", "import", "a.tsv"]).env("PGUSER", &alice).run().success();
    t.tolk(&["tm", "import", "b.tsv"]).env("PGUSER", &bob).run().success();
    let added_by = |source: &str| -> String {
        db.admin()
            .query_one("SELECT added_by::text FROM tolk.entries WHERE source = $1", &[&source])
            .unwrap()
            .get(0)
    };
    assert_eq!((added_by("Hei."), added_by("Takk.")), (alice.clone(), bob.clone()));

    // A project made with a user in the URL is told what that means, and written as given.
    let u = Project::empty();
    let out = u.tolk(&["init", "--memory", &db.url_as(&alice), "p"]).run().success();
    out.stderr_contains(&format!("the memory URL names the role {alice}")).stderr_contains(&format!(
        "write memory = \"{}\" instead",
        db.url_as(&alice).replace(&format!("{alice}@"), "")
    ));
    assert!(u.read("p/tolk.toml").contains(&db.url_as(&alice)));
    // There the URL's user wins over PGUSER, as in libpq, and each command says so.
    u.write("p/c.tsv", "Ja.\tYes.\n");
    let out = tolk(&u, &["tm", "import", "c.tsv"])
        .current_dir(u.path().join("p"))
        .env("PGUSER", &bob)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("PGUSER is {bob}, but the URL names the role {alice}, which wins")),
        "{stderr}"
    );
    assert_eq!(added_by("Ja."), alice);
}

#[test]
fn a_database_without_a_memory_or_with_a_newer_schema_is_refused() {
    let bare = Db::bare();
    let t = Project::empty();
    t.tolk(&["--memory", &bare.url(), "lookup", "Hei."])
        .run()
        .failure()
        .stderr_contains("holds no tolk memory")
        .stderr_contains("tolk server init");
    let db = Db::new();
    // Upgrading from the current version changes nothing and says so.
    t.tolk(&["server", "init", &db.url()]).run().success().stderr_contains("grants renewed");
    db.admin().batch_execute("INSERT INTO tolk.migrations (version, tolk) VALUES (99, 'future')").unwrap();
    t.tolk(&["--memory", &db.url(), "lookup", "Hei."]).run().failure().stderr_contains("upgrade tolk");
    t.tolk(&["server", "init", &db.url()]).run().failure().stderr_contains("newer than the");
}

#[test]
fn a_password_is_never_printed_or_written() {
    let db = Db::new();
    let bob = db.login("bob", Some("tolk_editor"));
    let c = cluster();
    let secret = "s3cret-bob";
    let t = Project::empty();
    // Over TCP, where the server asks for it: from PGPASSWORD ...
    let url = format!("postgres://{bob}@127.0.0.1:{}/{}", c.port, db.name);
    t.tolk(&["--memory", &url, "tm", "history"]).env("PGPASSWORD", secret).run().success();
    // ... or from the URL; either way no message shows it, wrong as it may be.
    let wrong = format!("postgres://{bob}:{secret}-wrong@127.0.0.1:{}/{}", c.port, db.name);
    let out = t.tolk(&["--memory", &wrong, "tm", "history"]).run().failure();
    assert!(!out.stderr.contains(secret) && !out.stdout.contains(secret), "{}", out.stderr);
    assert!(out.stderr.contains("password authentication failed"), "{}", out.stderr);
    assert!(out.stderr.contains(&format!("check the password of the role {bob}")), "{}", out.stderr);
    let right = format!("postgres://{bob}:{secret}@127.0.0.1:{}/{}_nonesuch", c.port, db.name);
    let out = t.tolk(&["--memory", &right, "lookup", "Hei."]).run().failure();
    assert!(!out.stderr.contains(secret), "{}", out.stderr);
    // A database or a role not made yet: what to check, and how an administrator makes it.
    assert!(out.stderr.contains(&format!("createdb {}_nonesuch", db.name)), "{}", out.stderr);
    let nobody = format!("postgres://{}_nobody@/{}?host={}&port={}", db.name, db.name, c.socket, c.port);
    t.tolk(&["--memory", &nobody, "lookup", "Hei."])
        .run()
        .failure()
        .stderr_contains(&format!("CREATE ROLE {}_nobody LOGIN", db.name));
    // A project made with it keeps the URL without the password.
    let right = format!("postgres://{bob}:{secret}@127.0.0.1:{}/{}", c.port, db.name);
    t.tolk(&["init", "--memory", &right, "p"])
        .run()
        .success()
        .stderr_contains("was not written to tolk.toml");
    let toml = t.read("p/tolk.toml");
    assert!(!toml.contains(secret), "{toml}");
    assert!(toml.contains(&format!("postgres://{bob}@127.0.0.1:{}/{}", c.port, db.name)), "{toml}");
    // A password the server asks for and nobody gave is named as such.
    t.tolk(&["--memory", &url, "tm", "history"])
        .env("HOME", t.path().to_str().unwrap())
        .env_remove("PGPASSWORD")
        .run()
        .failure()
        .stderr_contains(&format!("asks for the password of the role {bob}"));
    // A password in tolk.toml is used, with a warning that it should not be there.
    t.write("q/tolk.toml", format!("memory = \"{right}\"\n"));
    let out = tolk(&t, &["tm", "history"]).current_dir(t.path().join("q")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("holds a password in its memory URL") && !stderr.contains(secret), "{stderr}");
    // A server that takes the connection and then says nothing is given up on.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let start = Instant::now();
    t.tolk(&["--memory", &format!("postgres://nobody@127.0.0.1:{port}/none"), "lookup", "Hei."])
        .env("PGCONNECT_TIMEOUT", "2")
        .run()
        .failure()
        .stderr_contains("did not answer within 3 s");
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    drop(silent);
    // An unreachable server is a clear error, soon.
    let start = Instant::now();
    t.tolk(&["--memory", "postgres://nobody@127.0.0.1:1/none", "lookup", "Hei."])
        .run()
        .failure()
        .stderr_contains("cannot connect")
        .stderr_contains("check that the server is running");
    assert!(start.elapsed() < Duration::from_secs(15));
}

#[test]
fn without_the_server_a_project_reads_its_kept_copy_and_cannot_write() {
    let db = Db::new();
    let t = Project::new();
    t.tolk(&["tm", "push", &db.url()]).run().success();
    // The server reached through a link to its socket, which the test then takes away.
    let c = cluster();
    let link = tempfile::tempdir().unwrap();
    let socket = format!(".s.PGSQL.{}", c.port);
    std::os::unix::fs::symlink(Path::new(&c.socket).join(&socket), link.path().join(&socket)).unwrap();
    let url = format!("postgres://postgres@/{}?host={}&port={}", db.name, link.path().display(), c.port);
    t.write("tolk.toml", format!("memory = \"{url}\"\n"));
    let online = t.tolk(&["analyze"]).run().success().stdout;
    std::fs::remove_file(link.path().join(&socket)).unwrap();

    let out = t.tolk(&["analyze"]).run().success();
    assert_eq!(out.stdout, online);
    out.stderr_contains("cannot connect").stderr_contains("using the copy of its memory kept in");
    t.write("new.tsv", "Helt ny.\tBrand new.\n");
    t.tolk(&["tm", "import", "new.tsv"]).run().failure().stderr_contains("cannot connect");
    // Without a kept copy, reading needs the server too.
    std::fs::remove_dir_all(t.path().join(".tolk")).unwrap();
    t.tolk(&["analyze"]).run().failure().stderr_contains("cannot connect");
}

#[test]
fn a_writer_waits_for_another_and_gives_up_after_its_timeout_naming_it() {
    let db = Db::new();
    let t = Project::empty();
    let first = import_file(&t, 10, "first");
    let second = import_file(&t, 10, "second");
    let child = import(&t, &db.url(), &first, Some("locked:3000")).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(800));
    t.tolk(&["--memory", &db.url(), "tm", "import", "--lock-timeout", "0.3", &second])
        .run()
        .failure()
        .stderr_contains("waiting for the memory's lock")
        .stderr_contains("postgres (tolk")
        .stderr_contains("nothing was written");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(db.counts(), (10, 10));
    // Waiting as long as it takes, it goes after the other.
    t.tolk(&["--memory", &db.url(), "tm", "import", &second]).run().success();
    assert_eq!(db.counts(), (20, 20));
}

#[test]
fn tls_is_used_and_checked_as_sslmode_says() {
    let db = Db::new();
    let c = cluster();
    let root = Path::new(&c.socket).join("root.crt");
    assert!(root.is_file(), "the test server has no TLS certificate: .ci/postgres needs openssl");
    db.admin()
        .batch_execute(
            "DO $$ BEGIN CREATE ROLE tolk_needs_tls NOLOGIN; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
        )
        .unwrap();
    let role = db.login("tina", Some("tolk_editor"));
    db.admin().batch_execute(&format!("GRANT tolk_needs_tls TO {role}")).unwrap();
    let t = Project::empty();
    let url = |host: &str, tls: &str| format!("postgres://{role}@{host}:{}/{}?{tls}", c.port, db.name);
    let run = |host: &str, tls: &str| {
        t.tolk(&["--memory", &url(host, tls), "tm", "history"]).env("PGPASSWORD", "s3cret-tina").run()
    };
    let root = root.display().to_string();
    // The server refuses this role without TLS: so a success below was encrypted.
    run("127.0.0.1", "sslmode=disable").failure().stderr_contains("no encryption");
    for tls in ["sslmode=prefer", "sslmode=require", &format!("sslmode=verify-ca&sslrootcert={root}")] {
        run("127.0.0.1", tls).success();
    }
    // verify-full checks the name: the certificate is for localhost, not 127.0.0.1.
    run("localhost", &format!("sslmode=verify-full&sslrootcert={root}")).success();
    run("127.0.0.1", &format!("sslmode=verify-full&sslrootcert={root}"))
        .failure()
        .stderr_contains("not valid for name \"127.0.0.1\"");
    // Another authority's root is refused; so is verify-full without any root.
    let other = tempfile::tempdir().unwrap();
    let system = "/etc/ssl/certs/ca-certificates.crt";
    let other_root = if Path::new(system).is_file() { system.to_string() } else { root.clone() };
    if other_root != root {
        run("localhost", &format!("sslmode=verify-ca&sslrootcert={other_root}"))
            .failure()
            .stderr_contains("UnknownIssuer");
    }
    t.tolk(&["--memory", &url("localhost", "sslmode=verify-full"), "tm", "history"])
        .env("HOME", other.path().to_str().unwrap())
        .env("PGPASSWORD", "s3cret-tina")
        .run()
        .failure()
        .stderr_contains("needs the root certificate");
    // Over a Unix socket there is no TLS to speak, whatever sslmode says, as in libpq.
    t.tolk(&["--memory", &format!("{}&sslmode=verify-full", db.url()), "tm", "history"]).run().success();
    // A root certificate named but not there is an error, whatever the mode.
    for mode in ["require", "verify-ca"] {
        run("localhost", &format!("sslmode={mode}&sslrootcert=/nonexistent/root.crt"))
            .failure()
            .stderr_contains("sslrootcert names /nonexistent/root.crt, which is not a file");
    }
    // The system's authorities go with verify-full only, as in libpq.
    run("localhost", "sslmode=require&sslrootcert=system")
        .failure()
        .stderr_contains("use sslmode=verify-full");
    run("localhost", "sslrootcert=system").failure().stderr_contains("UnknownIssuer");
    // A project made with such a URL keeps its TLS settings, and names its root
    // certificate from the project folder, wherever tolk runs in it.
    t.tolk(&["init", "--memory", &url("localhost", "sslmode=verify-full&sslrootcert=certs/root.crt"), "p"])
        .run()
        .success();
    assert!(t.read("p/tolk.toml").contains("sslmode=verify-full&sslrootcert=certs/root.crt"));
    t.write("p/certs/root.crt", std::fs::read(&root).unwrap());
    t.write("p/corpus/deep/x.txt", "Hei.\n");
    let deep = t.path().join("p/corpus/deep");
    let out =
        tolk(&t, &["tm", "history"]).current_dir(&deep).env("PGPASSWORD", "s3cret-tina").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
