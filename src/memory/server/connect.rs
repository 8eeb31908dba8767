//! Where a server is and how to reach it, by libpq's conventions: a `postgres://` URL
//! (or `postgresql://`), then the `PG*` variables of the environment for what the URL
//! leaves out, then `~/.pgpass` (or `PGPASSFILE`) for the password. The password is
//! never part of how a server is shown ([`Server::shown`]), so it never reaches a
//! message, a file tolk writes, or the name of a cache.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::config::Host;
use postgres::{Client, Config, NoTls};

use super::tls::{self, Mode};
use crate::error::{Error, Result};

/// A PostgreSQL server and database holding a memory, as named by a URL.
#[derive(Clone)]
pub struct Server {
    config: Config,
    shown: String,
    warnings: Vec<String>,
    /// `sslmode`, as libpq names it.
    tls: Mode,
    /// `sslrootcert`, or the default `~/.postgresql/root.crt`.
    root: Option<PathBuf>,
    /// Whether `sslrootcert` named it.
    root_named: bool,
    /// Where the role connected as was named.
    user_from: UserFrom,
    /// How it is named for a team: [`Server::shared`].
    shared: String,
}

/// Where the role a server is reached as was named, so that a refusal says what to
/// change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserFrom {
    /// The URL.
    Url,
    /// `PGUSER`.
    Environment,
    /// Nowhere: the OS user's name, libpq's default.
    Os,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Whether `text` names a server rather than a path: it starts with `postgres://` or
/// `postgresql://`.
pub fn is_url(text: &str) -> bool {
    let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The environment as libpq reads it: a variable's value, if set and not empty.
pub trait Environment {
    /// The value of `name`.
    fn var(&self, name: &str) -> Option<String>;
    /// The user's home folder.
    fn home(&self) -> Option<PathBuf>;
    /// The name of the user the process runs as (its effective user id's, from the
    /// user database, as libpq looks it up; never `USER` or `LOGNAME`, which libpq
    /// does not read).
    fn os_user(&self) -> Option<String>;
}

/// The process's own environment.
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
    fn home(&self) -> Option<PathBuf> {
        std::env::var_os("HOME").map(PathBuf::from)
    }
    fn os_user(&self) -> Option<String> {
        whoami::username().ok().filter(|u| !u.is_empty())
    }
}

impl Server {
    /// The server named by `url`, completed from the process's environment.
    pub fn parse(url: &str) -> Result<Server> {
        Server::parse_with(url, &ProcessEnvironment)
    }

    /// The server named by `url`, completed from `env` as libpq would: `PGHOST`,
    /// `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`, `PGSSLMODE`, `PGSSLROOTCERT`,
    /// `PGCONNECT_TIMEOUT`, then the password file; with no user named, the OS user
    /// ([`Environment::os_user`]).
    pub fn parse_with(url: &str, env: &dyn Environment) -> Result<Server> {
        if !is_url(url) {
            return Err(Error::Invalid(format!(
                "{}: not a server URL; one looks like postgres://host/dbname",
                redact_text(url)
            )));
        }
        // The TLS settings are tolk's to read (the client library knows fewer modes).
        let (url, tls_given) =
            take_params(url, &["sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword"]);
        if let Some((key, _)) = tls_given.iter().find(|(k, _)| k != "sslmode" && k != "sslrootcert") {
            return Err(Error::Invalid(format!(
                "{}: {key}: client certificates are not supported; log in with a password (~/.pgpass or \
                 PGPASSWORD)",
                redact_text(&url)
            )));
        }
        let url = url.as_str();
        let mut config = Config::from_str(url).map_err(|e| {
            Error::Invalid(format!(
                "{}: not a server URL tolk can read ({e}); one looks like \
                 postgres://user@host:5432/dbname?sslmode=disable",
                redact_text(url)
            ))
        })?;
        // Whether a host is named at all: a password file is searched for `localhost`
        // (or a `hostaddr`) where none is, whatever socket folder is then used.
        let host_named = !config.get_hosts().is_empty() || env.var("PGHOST").is_some();
        if config.get_hosts().is_empty() {
            match env.var("PGHOST") {
                Some(hosts) => {
                    for host in hosts.split(',') {
                        config.host(host);
                    }
                }
                // A `hostaddr` alone is a TCP connection to that address: the address is
                // its host too (the name TLS is spoken to), never the default socket,
                // which made it look local, so it went without the TLS sslmode asked for.
                None if !config.get_hostaddrs().is_empty() => {
                    for addr in config.get_hostaddrs().to_vec() {
                        config.host(&addr.to_string());
                    }
                }
                None => {
                    config.host_path(default_socket_folder());
                }
            }
        }
        if config.get_ports().is_empty() {
            if let Some(port) = env.var("PGPORT") {
                let port = port
                    .parse::<u16>()
                    .map_err(|_| Error::Invalid(format!("PGPORT is {port:?}, which is not a port number")))?;
                config.port(port);
            }
        }
        let mut user_from = UserFrom::Url;
        if config.get_user().is_none() {
            // libpq's default, which the connection would use anyway: set here so that
            // every message and the server as shown name the role really used.
            let user = match env.var("PGUSER") {
                Some(user) => {
                    user_from = UserFrom::Environment;
                    Some(user)
                }
                None => {
                    user_from = UserFrom::Os;
                    env.os_user()
                }
            };
            if let Some(user) = user {
                config.user(&user);
            }
        }
        if config.get_dbname().is_none() {
            if let Some(db) = env.var("PGDATABASE").or_else(|| config.get_user().map(str::to_string)) {
                config.dbname(&db);
            }
        }
        let root_given = tls_given.iter().find(|(k, _)| k == "sslrootcert").map(|(_, v)| v.clone());
        let root_from_url = root_given.is_some();
        let root_given = root_given.or_else(|| env.var("PGSSLROOTCERT"));
        let system_roots = root_given.as_deref() == Some("system");
        let mode_text = tls_given.iter().find(|(k, _)| k == "sslmode").map(|(_, v)| v.clone());
        let mode_from_url = mode_text.is_some();
        let mode_text = mode_text.or_else(|| env.var("PGSSLMODE"));
        let tls = match mode_text.as_deref() {
            // As libpq 16: the system's authorities are for checking the name too.
            None if system_roots => Mode::VerifyFull,
            None => Mode::Prefer,
            Some(text) => Mode::parse(text).ok_or_else(|| {
                Error::Invalid(format!(
                    "sslmode is {text:?}; expected disable, allow, prefer, require, verify-ca or verify-full"
                ))
            })?,
        };
        config.ssl_mode(match tls {
            Mode::Disable => postgres::config::SslMode::Disable,
            Mode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        if system_roots && tls != Mode::VerifyFull {
            return Err(Error::Invalid(format!(
                "sslmode={} may not be used with sslrootcert=system, whose authorities vouch for names: use \
                 sslmode=verify-full (as libpq does)",
                mode_text.unwrap_or_default()
            )));
        }
        let root = tls::root_file(root_given.as_deref(), env.home().as_deref());
        let root_named = root_given.is_some();
        if config.get_connect_timeout().is_none() {
            let seconds = env.var("PGCONNECT_TIMEOUT").and_then(|s| s.parse::<u64>().ok()).unwrap_or(10);
            config.connect_timeout(Duration::from_secs(seconds.max(2)));
        }
        // A connection that drops silently (a laptop's network gone) is noticed.
        config.keepalives(true).keepalives_idle(Duration::from_secs(30));
        if config.get_application_name().is_none() {
            config.application_name("tolk");
        }
        let mut warnings = Vec::new();
        if config.get_password().is_none() {
            let found =
                env.var("PGPASSWORD").or_else(|| password_from_file(&config, host_named, env, &mut warnings));
            if let Some(password) = found {
                config.password(password);
            }
        }
        // What the URL said of TLS stays in how it is shown (and so in a tolk.toml made
        // from it): leaving it out would quietly weaken the connection.
        let mut others = other_params(url);
        if mode_from_url {
            others.push(format!("sslmode={}", mode_text.unwrap_or_default()));
        }
        if root_from_url {
            others.push(format!("sslrootcert={}", root_given.unwrap_or_default()));
        }
        let shown = show(&config, &others, true);
        let shared = show(&config, &others, false);
        if let (Some(named), Some(env_user)) = (named_user(url), env.var("PGUSER")) {
            if named != env_user {
                warnings.push(format!(
                    "PGUSER is {env_user}, but the URL names the role {named}, which wins (as in libpq and psql): \
                     tolk connects as {named}; to connect as {env_user}, take the user out of the URL (in \
                     tolk.toml, where the project names it)"
                ));
            }
        }
        Ok(Server { config, shown, shared, warnings, tls, root, root_named, user_from })
    }

    /// Whether every way to the server is a Unix socket, over which libpq speaks no
    /// TLS, whatever sslmode says. A `hostaddr` is a TCP address, whatever host is
    /// named beside it.
    pub fn is_local(&self) -> bool {
        #[cfg(unix)]
        let sockets = self.config.get_hosts().iter().all(|h| matches!(h, Host::Unix(_)));
        #[cfg(not(unix))]
        let sockets = false;
        sockets && self.config.get_hostaddrs().is_empty()
    }

    /// How the server is named to a person: `postgres://user@host:port/dbname`, never
    /// with a password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// How the server is named in a file a team shares (a project's tolk.toml): as
    /// [`Server::shown`], without the user, so each member connects as their own role
    /// (`PGUSER`, or their OS user's name), never all as the one who wrote it.
    pub fn shared(&self) -> &str {
        &self.shared
    }

    /// What a person should know about how the server was named: a password file
    /// skipped because others can read it, as libpq warns.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The role tolk connects as.
    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or("")
    }

    /// A connection, or an error that says what to check.
    pub fn connect(&self) -> Result<Client> {
        // A root certificate named is one to use: a mistyped path must not quietly mean
        // that nothing is checked.
        if let Some(root) = self.root.as_deref().filter(|r| self.root_named && *r != Path::new("system")) {
            if self.tls != Mode::Disable && !root.is_file() {
                return Err(self.error(format!(
                    "sslrootcert names {}, which is not a file: name the root certificate of the server's \
                     certificate",
                    root.display()
                )));
            }
        }
        let local = self.is_local();
        let tls = match self.tls {
            _ if local => None,
            Mode::Disable => None,
            _ => Some(tls::connector(self.tls, self.root.as_deref()).map_err(|why| Error::Server {
                server: self.shown.clone(),
                message: why,
                unreachable: false,
            })?),
        };
        // The client bounds only the TCP connect; a server that accepts and then says
        // nothing (stopped, or not a server) is bounded here, on a thread of its own.
        let wait = self.config.get_connect_timeout().copied().unwrap_or(Duration::from_secs(10));
        let wait = wait * self.config.get_hosts().len().max(1) as u32 + Duration::from_secs(1);
        let mut config = self.config.clone();
        if tls.is_none() {
            config.ssl_mode(postgres::config::SslMode::Disable);
        }
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let connected = match tls {
                None => config.connect(NoTls),
                Some(tls) => config.connect(tls),
            };
            let _ = send.send(connected);
        });
        let connected = receive.recv_timeout(wait).map_err(|_| Error::Server {
            server: self.shown.clone(),
            message: format!(
                "cannot connect: the server did not answer within {} s (PGCONNECT_TIMEOUT or connect_timeout \
                 sets how long to wait); check that it is running",
                wait.as_secs()
            ),
            unreachable: true,
        })?;
        connected.map_err(|e| {
            let text = describe(&e);
            if text.contains("password missing") {
                let user = self.user();
                return Error::Server {
                    server: self.shown.clone(),
                    message: format!(
                        "cannot connect: the server asks for the password of the role {user}: put it in \
                         ~/.pgpass (readable by you alone) or PGPASSWORD"
                    ),
                    unreachable: false,
                };
            }
            let hint = if let Some(db) = e.as_db_error() {
                let db_name = self.config.get_dbname().unwrap_or("");
                refusal_hint(db.code(), db.message(), self.user(), self.user_from, db_name)
            } else if text.contains("certificate") {
                "; check the server's certificate and the root certificate (sslrootcert), or the host name \
                 it is reached by (sslmode=verify-full checks it)"
                    .to_string()
            } else {
                "; check that the server is running and that the URL's host and port are right".to_string()
            };
            let message = format!("cannot connect: {}{hint}", describe(&e));
            // Refused by the server itself (a password, a database that does not
            // exist) is not being unreachable.
            Error::Server { server: self.shown.clone(), message, unreachable: e.as_db_error().is_none() }
        })
    }

    /// An error about this server.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::Server { server: self.shown.clone(), message: message.into(), unreachable: false }
    }
}

/// What to do when the server refused the connection with `code` and `message`, for
/// the role `user` (named where `from` says) and the database `db`: the refusals a
/// person meets setting up (a database or role not made yet, a role that may not log
/// in, no line of pg_hba.conf for it, a wrong password, a server full), each with its
/// remedy.
fn refusal_hint(
    code: &postgres::error::SqlState,
    message: &str,
    user: &str,
    from: UserFrom,
    db: &str,
) -> String {
    use postgres::error::SqlState;
    let db = if db.is_empty() { user } else { db };
    let whose = match from {
        UserFrom::Url => "in the URL",
        UserFrom::Environment => "in PGUSER",
        UserFrom::Os => "(none is named in the URL or PGUSER, so it is your OS user's, as in psql)",
    };
    match *code {
        SqlState::INVALID_CATALOG_NAME => format!(
            "; check the database's name in the URL, or have an administrator create it (`createdb {db}`) \
             and then run `tolk server init` on it"
        ),
        SqlState::INVALID_AUTHORIZATION_SPECIFICATION if message.contains("does not exist") => format!(
            "; check the user's name {whose}; an administrator makes a login role for it (`CREATE ROLE \
             {user} LOGIN`) and lets it connect (pg_hba.conf)"
        ),
        SqlState::INVALID_AUTHORIZATION_SPECIFICATION if message.contains("not permitted to log in") => {
            format!("; an administrator lets the role log in (`ALTER ROLE {user} LOGIN`)")
        }
        SqlState::INVALID_AUTHORIZATION_SPECIFICATION if message.contains("pg_hba.conf") => format!(
            "; the server's pg_hba.conf has no line that lets the role {user} reach the database {db} this way: \
             an administrator adds one (or, where it asks for encryption, add sslmode=require to the URL)"
        ),
        SqlState::INVALID_PASSWORD => format!(
            "; check the password of the role {user} in ~/.pgpass, PGPASSWORD or the URL (the server says the \
             same when no role has that name: check the user's name {whose} too)"
        ),
        SqlState::TOO_MANY_CONNECTIONS => "; the server is full: try again in a moment".to_string(),
        SqlState::CANNOT_CONNECT_NOW => {
            "; the server is starting or stopping: try again in a moment".to_string()
        }
        _ => String::new(),
    }
}

/// `url` with a relative `sslrootcert` made a path by `place` (a project's settings
/// name files from the project folder, wherever tolk runs).
pub fn with_paths_from(url: &str, place: impl Fn(&Path) -> PathBuf) -> String {
    let Some((base, query)) = url.split_once('?') else { return url.to_string() };
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some(("sslrootcert", value))
                if value != "system" && Path::new(&percent_decode(value)).is_relative() =>
            {
                format!("sslrootcert={}", place(Path::new(&percent_decode(value))).display())
            }
            _ => param.to_string(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

/// Whether `url` carries a password (in its authority or a `password=` parameter).
pub fn has_password(url: &str) -> bool {
    redact_text(url) != url
}

/// The user `url` itself names (in its authority or a `user=` parameter), not one the
/// environment completes it with: a project's URL that names one makes everyone who
/// works in the project connect as that role, as the URL wins over `PGUSER`.
pub fn named_user(url: &str) -> Option<String> {
    let (url, _) = take_params(url, &["sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword"]);
    Config::from_str(&url).ok()?.get_user().filter(|u| !u.is_empty()).map(str::to_string)
}

/// `url` without the query parameters named `keys`, and those parameters' values
/// (percent-decoded), in order.
fn take_params(url: &str, keys: &[&str]) -> (String, Vec<(String, String)>) {
    let Some((base, query)) = url.split_once('?') else { return (url.to_string(), Vec::new()) };
    let mut kept = Vec::new();
    let mut taken = Vec::new();
    for param in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        if keys.contains(&key) {
            taken.push((key.to_string(), percent_decode(value)));
        } else {
            kept.push(param);
        }
    }
    let url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    (url, taken)
}

/// `text` with its `%XX` escapes decoded (left as they are where they are not UTF-8).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Where libpq looks for a local server's socket when no host is named.
fn default_socket_folder() -> &'static str {
    if Path::new("/var/run/postgresql").is_dir() {
        "/var/run/postgresql"
    } else {
        "/tmp"
    }
}

/// A postgres error as a person reads it: the server's own message for a database
/// error, else the client's.
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut message = db.message().to_string();
            if let Some(detail) = db.detail() {
                message.push_str(&format!(" ({detail})"));
            }
            message
        }
        None if e.is_closed() => "the connection to the server was closed".to_string(),
        None => {
            // The client's message, then what it says caused it ("Connection refused").
            let mut text = e.to_string();
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                let more = c.to_string();
                if !text.contains(&more) {
                    text.push_str(&format!(": {more}"));
                }
                cause = c.source();
            }
            text
        }
    }
}

/// `config` as a URL without its password, one that names the same server when
/// given back to tolk (or psql): `postgres://user@host:port/dbname`, or for a Unix
/// socket `postgres://user@/dbname?host=/run/postgresql&port=5433`; without the user
/// unless `with_user`.
fn show(config: &Config, others: &[String], with_user: bool) -> String {
    let user = config.get_user().filter(|_| with_user).map(|u| format!("{u}@")).unwrap_or_default();
    let db = config.get_dbname().unwrap_or("");
    let mut tcp = Vec::new();
    let mut sockets = Vec::new();
    for (i, host) in config.get_hosts().iter().enumerate() {
        let port = config.get_ports().get(i).or(config.get_ports().first()).copied();
        match host {
            Host::Tcp(name) => {
                // An IPv6 address is bracketed, so its colons are not the port's.
                let name = if name.contains(':') { format!("[{name}]") } else { name.clone() };
                tcp.push(match port {
                    Some(p) => format!("{name}:{p}"),
                    None => name,
                })
            }
            #[cfg(unix)]
            Host::Unix(path) => sockets.push((path.display().to_string(), port)),
        }
    }
    let mut query: Vec<String> = sockets.iter().map(|(path, _)| format!("host={path}")).collect();
    if let Some(port) = sockets.first().and_then(|s| s.1).filter(|&p| p != 5432) {
        query.push(format!("port={port}"));
    }
    query.extend(others.iter().cloned());
    if query.is_empty() {
        return format!("postgres://{user}{}/{db}", tcp.join(","));
    }
    format!("postgres://{user}{}/{db}?{}", tcp.join(","), query.join("&"))
}

/// The query parameters of `url` that say how to connect, other than those [`show`]
/// writes itself and the password: kept as given, so a URL shown (and written to
/// tolk.toml) connects as the one typed.
fn other_params(url: &str) -> Vec<String> {
    let Some((_, query)) = url.split_once('?') else { return Vec::new() };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p.split_once('=').map_or(*p, |(k, _)| k);
            !matches!(key, "host" | "port" | "user" | "dbname" | "password")
        })
        .map(str::to_string)
        .collect()
}

/// A URL as typed, with anything that may be a password taken out: the part between
/// `:` and `@` of the authority, and a `password=` parameter.
pub fn redact_text(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(password) = authority_password(&out) {
        out.replace_range(password, ":***");
    }
    let lower = out.to_ascii_lowercase();
    if let Some(start) = lower.find("password=") {
        let value = start + "password=".len();
        let end = out[value..].find('&').map_or(out.len(), |i| value + i);
        out.replace_range(value..end, "***");
    }
    out
}

/// Where the password of `url`'s authority is (`user:password@`), its `:` included.
fn authority_password(url: &str) -> Option<std::ops::Range<usize>> {
    let start = url.find("://")? + 3;
    let end = url[start..].find(['/', '?']).map_or(url.len(), |i| start + i);
    let at = start + url[start..end].rfind('@')?;
    let colon = start + url[start..at].find(':')?;
    Some(colon..at)
}

/// `url` as typed without its password (the part between `:` and `@` of the
/// authority, and a `password=` parameter): what a file a team shares may hold.
pub fn without_password(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(password) = authority_password(&out) {
        out.replace_range(password, "");
    }
    if let Some((base, query)) = out.split_once('?') {
        let kept: Vec<&str> =
            query.split('&').filter(|p| !p.to_ascii_lowercase().starts_with("password=")).collect();
        out = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    }
    out
}

/// `url` as typed without its user and password (the authority's `user:password@`,
/// and `user=` and `password=` parameters): a URL each member of a team can use as
/// their own role.
pub fn without_user(url: &str) -> String {
    let mut out = without_password(url);
    if let Some(start) = out.find("://").map(|i| i + 3) {
        let end = out[start..].find(['/', '?']).map_or(out.len(), |i| start + i);
        if let Some(at) = out[start..end].rfind('@') {
            out.replace_range(start..=start + at, "");
        }
    }
    if let Some((base, query)) = out.split_once('?') {
        let kept: Vec<&str> =
            query.split('&').filter(|p| !p.to_ascii_lowercase().starts_with("user=")).collect();
        out = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    }
    out
}

/// The password for `config` in the password file (`PGPASSFILE`, else
/// `~/.pgpass`), as libpq's `passwordFromFile` finds it: the first line whose host,
/// port, database and user match ([`pgpass_lookup`], the host as [`pgpass_host`] says),
/// skipped when the file is not a plain file or can be read by others.
fn password_from_file(
    config: &Config,
    host_named: bool,
    env: &dyn Environment,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let path = env.var("PGPASSFILE").map(PathBuf::from).or_else(|| env.home().map(|h| h.join(".pgpass")))?;
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() {
        warnings.push(format!(
            "{} is not a plain file, so it is not read for passwords",
            crate::shown::path(&path)
        ));
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            warnings.push(format!(
                "{} is readable by others, so its passwords are not used (chmod 0600 it)",
                crate::shown::path(&path)
            ));
            return None;
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = config.get_user().unwrap_or("");
    let db = config.get_dbname().unwrap_or(user);
    let host = pgpass_host(config, host_named, default_socket_folder());
    pgpass_lookup(&text, [&host, &port, db, user])
}

/// The host a password file's line is matched against, as libpq takes it: the first
/// host named (`host_named`: in the URL or `PGHOST`) as given, a name or a socket
/// folder's path (so `host=/run/tolk` matches a line for `/run/tolk`, not
/// `localhost`), except that the default socket folder (`default`, where libpq looks
/// when no host is named) is `localhost`; with no host named, the address given as
/// `hostaddr`, else `localhost`. A connection to several hosts uses the first one's
/// password for all (the client takes one password).
fn pgpass_host(config: &Config, host_named: bool, default: &str) -> String {
    let first = config.get_hosts().first().filter(|_| host_named);
    match first {
        Some(Host::Tcp(name)) if !name.is_empty() => name.clone(),
        #[cfg(unix)]
        Some(Host::Unix(path)) => {
            // Compared as text, as libpq does: `/run/postgresql/` is not the default.
            let path = path.to_string_lossy();
            if path == default {
                "localhost".to_string()
            } else {
                path.into_owned()
            }
        }
        _ => match config.get_hostaddrs().first() {
            Some(addr) => addr.to_string(),
            None => "localhost".to_string(),
        },
    }
}

/// The password of the first line of a password file matching `wanted` (host, port,
/// database, user), as libpq reads it: `#` starts a comment line; each of the four
/// fields is `*` (alone, matching anything) or the value itself, `\` escaping `:` and
/// `\`; the password runs to the next unescaped `:` or the line's end. A line without
/// all five fields matches nothing; the first line that matches decides, and an empty
/// password there is none.
fn pgpass_lookup(text: &str, wanted: [&str; 4]) -> Option<String> {
    for line in text.split('\n') {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut rest = line;
        let matched = wanted.iter().all(|want| match field_matches(rest, want) {
            Some(after) => {
                rest = after;
                true
            }
            None => false,
        });
        if matched {
            let password = first_field(rest).0;
            return (!password.is_empty()).then_some(password);
        }
    }
    None
}

/// What follows the field at the start of `line` (after its `:`) when it matches
/// `want`: a field of `*` alone matches anything, any other field is `want` itself,
/// escapes undone. `None` when it does not match, or no `:` ends it.
fn field_matches<'a>(line: &'a str, want: &str) -> Option<&'a str> {
    if let Some(after) = line.strip_prefix("*:") {
        return Some(after);
    }
    let (field, after) = first_field(line);
    (field == want).then_some(after?)
}

/// The field at the start of `line`, escapes undone, and what follows its ending `:`
/// (`None` at the line's end).
fn first_field(line: &str) -> (String, Option<&str>) {
    let mut field = String::new();
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, next)) => field.push(next),
                None => field.push(c),
            },
            ':' => return (field, Some(&line[i + 1..])),
            c => field.push(c),
        }
    }
    (field, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Env(HashMap<&'static str, String>, Option<PathBuf>);

    impl Environment for Env {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
        fn home(&self) -> Option<PathBuf> {
            self.1.clone()
        }
        fn os_user(&self) -> Option<String> {
            Some("osuser".to_string())
        }
    }

    fn env(vars: &[(&'static str, &str)]) -> Env {
        Env(vars.iter().map(|(k, v)| (*k, v.to_string())).collect(), None)
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("postgres://h/db"));
        assert!(is_url("POSTGRESQL://h/db"));
        assert!(!is_url("memory/"));
        assert!(!is_url("postgres.csv"));
        assert!(!is_url(""));
    }

    #[test]
    fn a_password_is_never_shown() {
        let s = Server::parse_with("postgres://alice:s3cret@db.example:5433/tm", &env(&[])).unwrap();
        assert_eq!(s.shown(), "postgres://alice@db.example:5433/tm");
        assert!(!format!("{s:?}").contains("s3cret"));
        let s = Server::parse_with("postgresql://alice@db.example/tm?password=s3cret", &env(&[])).unwrap();
        assert!(!s.shown().contains("s3cret"));
        let bad = Server::parse_with("postgres://alice:s3cret@db.example:99999/tm", &env(&[])).unwrap_err();
        assert!(!bad.to_string().contains("s3cret"), "{bad}");
        assert_eq!(
            redact_text("postgres://a:pw@h/db?password=pw&x=1"),
            "postgres://a:***@h/db?password=***&x=1"
        );
    }

    #[test]
    fn a_password_is_taken_out_of_a_url_as_typed() {
        assert_eq!(without_password("postgres://a:pw@h/db?password=pw&x=1"), "postgres://a@h/db?x=1");
        assert_eq!(without_password("postgres:///db?host=/s&password=pw"), "postgres:///db?host=/s");
        assert_eq!(without_password("postgres://h/db"), "postgres://h/db");
    }

    #[test]
    fn a_url_for_the_team_names_no_user() {
        for (url, named, without) in [
            (
                "postgres://erin:pw@db.example:5433/tolk?application_name=x",
                Some("erin"),
                "postgres://db.example:5433/tolk?application_name=x",
            ),
            ("postgres:///tolk?host=/run/pg&user=erin", Some("erin"), "postgres:///tolk?host=/run/pg"),
            (
                "postgres://db.example/tolk?sslmode=verify-full",
                None,
                "postgres://db.example/tolk?sslmode=verify-full",
            ),
        ] {
            assert_eq!(named_user(url).as_deref(), named, "{url}");
            assert_eq!(without_user(url), without, "{url}");
            assert_eq!(named_user(&without_user(url)), None, "{url}");
        }
        // A hostaddr alone is TCP, and gets the TLS sslmode asks for; a socket is local.
        let by_address =
            Server::parse_with("postgres:///tolk?hostaddr=10.0.0.7&sslmode=require", &env(&[])).unwrap();
        assert!(!by_address.is_local());
        // The address is its host too, the name TLS is spoken to (none would fail).
        assert_eq!(by_address.config.get_hosts(), [Host::Tcp("10.0.0.7".into())]);
        assert!(Server::parse_with("postgres:///tolk", &env(&[])).unwrap().is_local());
        assert!(!Server::parse_with("postgres://db.example/tolk", &env(&[])).unwrap().is_local());
        let s = Server::parse_with("postgres://admin:pw@db.example/tolk?sslmode=require", &env(&[])).unwrap();
        assert_eq!(s.shown(), "postgres://admin@db.example:5432/tolk?sslmode=require");
        assert_eq!(s.shared(), "postgres://db.example:5432/tolk?sslmode=require");
        // The URL's user wins over PGUSER, as in libpq, and that is said.
        let s = Server::parse_with("postgres://anna@db.example/tolk", &env(&[("PGUSER", "bjorn")])).unwrap();
        assert_eq!(s.user(), "anna");
        assert!(s.warnings().iter().any(|w| w.contains("PGUSER is bjorn, but the URL names the role anna")));
        let s = Server::parse_with("postgres://anna@db.example/tolk", &env(&[("PGUSER", "anna")])).unwrap();
        assert!(s.warnings().is_empty(), "{:?}", s.warnings());
    }

    #[test]
    fn a_server_shown_is_a_url_that_names_it_again() {
        for (url, shown) in [
            ("postgres://u@[::1]:5433/db", "postgres://u@[::1]:5433/db"),
            (
                "postgres://u:pw@h/db?channel_binding=require&connect_timeout=5&sslmode=verify-full",
                "postgres://u@h:5432/db?channel_binding=require&connect_timeout=5&sslmode=verify-full",
            ),
            (
                "postgres://u@/db?host=/run/pg&port=5433&application_name=x",
                "postgres://u@/db?host=/run/pg&port=5433&application_name=x",
            ),
        ] {
            let server = Server::parse_with(url, &env(&[])).unwrap();
            assert_eq!(server.shown(), shown, "{url}");
            assert_eq!(Server::parse_with(shown, &env(&[])).unwrap().shown(), shown);
        }
    }

    #[test]
    fn the_environment_completes_the_url() {
        let e =
            env(&[("PGHOST", "db.example"), ("PGPORT", "6543"), ("PGUSER", "erin"), ("PGDATABASE", "tm")]);
        let s = Server::parse_with("postgres://", &e).unwrap();
        assert_eq!(s.shown(), "postgres://erin@db.example:6543/tm");
        // The URL wins over the environment.
        let s = Server::parse_with("postgres://bob@h:1/other", &e).unwrap();
        assert_eq!(s.shown(), "postgres://bob@h:1/other");
        let s = Server::parse_with("postgres:///tm?host=/run/pg", &env(&[("PGUSER", "erin")])).unwrap();
        assert_eq!(s.shown(), "postgres://erin@/tm?host=/run/pg");
        let err = Server::parse_with("postgres://", &env(&[("PGPORT", "x")])).unwrap_err();
        assert!(err.to_string().contains("PGPORT"), "{err}");
    }

    #[test]
    fn with_no_user_named_the_os_users_name_is_the_role_everywhere() {
        let s = Server::parse_with("postgres:///tm?host=/run/pg", &env(&[("USER", "someone")])).unwrap();
        assert_eq!((s.user(), s.user_from), ("osuser", UserFrom::Os));
        assert_eq!(s.shown(), "postgres://osuser@/tm?host=/run/pg");
        // The database defaults to the role's name, as in libpq.
        let s = Server::parse_with("postgres://db.example", &env(&[])).unwrap();
        assert_eq!(s.shown(), "postgres://osuser@db.example:5432/osuser");
        let s = Server::parse_with("postgres://db.example/tm", &env(&[("PGUSER", "erin")])).unwrap();
        assert_eq!((s.user(), s.user_from), ("erin", UserFrom::Environment));
        let s = Server::parse_with("postgres://bob@db.example/tm", &env(&[("PGUSER", "erin")])).unwrap();
        assert_eq!((s.user(), s.user_from), ("bob", UserFrom::Url));
    }

    #[test]
    fn a_refused_role_is_named_with_where_its_name_came_from() {
        use postgres::error::SqlState;
        let missing = SqlState::INVALID_AUTHORIZATION_SPECIFICATION;
        let hint = |from| refusal_hint(&missing, "role \"carl\" does not exist", "carl", from, "tolk");
        for (from, whose) in [
            (UserFrom::Url, "check the user's name in the URL;"),
            (UserFrom::Environment, "check the user's name in PGUSER;"),
            (
                UserFrom::Os,
                "check the user's name (none is named in the URL or PGUSER, so it is your OS user's",
            ),
        ] {
            let hint = hint(from);
            assert!(hint.contains(whose), "{hint}");
            assert!(hint.contains("`CREATE ROLE carl LOGIN`"), "{hint}");
        }
    }

    #[test]
    fn the_password_file_is_read_as_libpq_reads_it() {
        let text = "# comment\nother:5432:*:erin:nope\ndb.example:*:tm:erin:pa\\:ss\n*:*:*:*:any\n";
        assert_eq!(pgpass_lookup(text, ["db.example", "5432", "tm", "erin"]).as_deref(), Some("pa:ss"));
        assert_eq!(pgpass_lookup(text, ["x", "1", "y", "z"]).as_deref(), Some("any"));
        for (text, wanted, expected) in [
            // Four fields and no password: no line.
            ("h:1:d:u\n", ["h", "1", "d", "u"], None),
            // The password ends at the next unescaped colon, and a CR before the newline goes.
            ("h:1:d:u:pw:more\n", ["h", "1", "d", "u"], Some("pw")),
            ("h:1:d:u:p\\:w\r\n", ["h", "1", "d", "u"], Some("p:w")),
            // `*` alone matches anything; escaped, or with more, it is itself.
            ("\\*:1:d:u:star\n", ["h", "1", "d", "u"], None),
            ("\\*:1:d:u:star\n", ["*", "1", "d", "u"], Some("star")),
            ("*h:1:d:u:pw\n", ["h", "1", "d", "u"], None),
            // A backslash escapes itself; a socket folder's path is a host like any.
            ("/s/x:1:d:a\\\\b:pw\n", ["/s/x", "1", "d", "a\\b"], Some("pw")),
            // The first line that matches decides, even with an empty password.
            ("h:1:d:u:\n*:*:*:*:any\n", ["h", "1", "d", "u"], None),
            ("  # not a comment\n*:*:*:*:any\n", ["h", "1", "d", "u"], Some("any")),
        ] {
            assert_eq!(pgpass_lookup(text, wanted).as_deref(), expected, "{text:?} for {wanted:?}");
        }
    }

    #[test]
    fn the_password_files_host_is_the_socket_folder_and_localhost_only_for_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".pgpass");
        std::fs::write(
            &file,
            "/tmp/trial/sock:5432:*:carl:socket\n\
             localhost:5432:*:carl:local\n\
             db.example:5432:*:carl:tcp\n\
             10.0.0.7:5432:*:carl:address\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let default = format!("postgres:///tolk?host={}", default_socket_folder());
        for (url, pghost, expected) in [
            // A socket folder named is matched as its path, never as localhost.
            ("postgres:///tolk?host=/tmp/trial/sock", None, Some("socket")),
            ("postgres:///tolk", Some("/tmp/trial/sock"), Some("socket")),
            ("postgres:///tolk?host=/tmp/trial/sock/", None, None),
            ("postgres:///tolk?host=/tmp/other", None, None),
            // The default socket folder, named or not, and no host at all: localhost.
            (default.as_str(), None, Some("local")),
            ("postgres:///tolk", None, Some("local")),
            ("postgres://localhost/tolk", None, Some("local")),
            // A host name as given, on its port; an address where no host is named.
            ("postgres://db.example/tolk", None, Some("tcp")),
            ("postgres://db.example:6543/tolk", None, None),
            ("postgres:///tolk?hostaddr=10.0.0.7", None, Some("address")),
            ("postgres://db.example/tolk?hostaddr=10.0.0.7", None, Some("tcp")),
        ] {
            let mut vars = HashMap::from([("PGUSER", "carl".to_string())]);
            if let Some(host) = pghost {
                vars.insert("PGHOST", host.to_string());
            }
            let s = Server::parse_with(url, &Env(vars, Some(dir.path().to_path_buf()))).unwrap();
            let password = s.config.get_password().map(|p| String::from_utf8_lossy(p).into_owned());
            assert_eq!(password.as_deref(), expected, "{url} with PGHOST={pghost:?}");
            assert!(s.warnings().is_empty(), "{:?}", s.warnings());
        }
        // A password file that is no file (a folder) is not read, and that is said.
        let vars = HashMap::from([("PGPASSFILE", dir.path().display().to_string())]);
        let s = Server::parse_with("postgres://carl@db.example/tolk", &Env(vars, None)).unwrap();
        assert_eq!(s.config.get_password(), None);
        assert!(s.warnings()[0].contains("not a plain file"), "{:?}", s.warnings());
    }
}
