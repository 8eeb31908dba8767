//! The command line: the top-level clap definition, one module per subcommand, and the
//! single place where errors become messages and exit codes.
//!
//! Each subcommand module has an `Args` struct (clap derive) and a `run` function that
//! turns the arguments into library calls and prints the results. Progress bars and
//! colours live here too, never in the library.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use tolk::project::Project;

mod analyze;
mod build;
mod export;
mod import;
mod init;
mod keep;
mod lookup;
mod matches;
mod rules;
mod segment;
mod server;
mod status;
mod terms;
mod tm;
mod ui;
mod withdraw;

/// tolk: Norwegian articles to English editions through a translation memory.
///
/// The usual round: `tolk analyze` to see what is translated, `tolk export` to write a
/// batch for translators, `tolk import` to take their work back into the memory, and
/// `tolk build` to assemble the English editions in out/en/.
#[derive(Debug, Parser)]
#[command(name = "tolk", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts. What a flag leaves unsaid comes from the project
/// (`tolk.toml` in this folder or a parent), else from tolk's defaults.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// The translation memory: a CSV file, a folder whose *.csv files are all loaded, or
    /// a server, postgres://user@host/dbname (password from PGPASSWORD or ~/.pgpass)
    /// [default: the project's, else memory/]
    #[arg(long = "memory", global = true, value_name = "PATH|URL")]
    pub memory_flag: Option<PathBuf>,
    /// Segmentation rules to use instead of the built-in Norwegian ones: an SRX 2.0
    /// file (.srx) or a tolk rule file (.rules, the format of rules/nb.rules)
    #[arg(long = "rules", global = true, value_name = "FILE")]
    pub rules_flag: Option<PathBuf>,
    /// Print no progress bars or summaries, only data and errors (warnings are counted
    /// in one line)
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The memory to use: --memory, or the project's. For a memory on a server, the
    /// project's memory folder (where the glossary is).
    #[arg(skip)]
    pub memory: PathBuf,
    /// The server the memory is on, when --memory or the project names one.
    #[arg(skip)]
    pub server: Option<tolk::memory::server::Server>,
    /// The rules to use: --rules, or the project's, if any.
    #[arg(skip)]
    pub rules: Option<PathBuf>,
    /// The project found from the current folder.
    #[arg(skip)]
    pub project: Project,
}

impl Global {
    /// Finds the project and settles what the flags left open.
    fn resolve(&mut self) -> Result<()> {
        let cwd = std::env::current_dir().context("cannot tell the current folder")?;
        self.project = Project::discover(&cwd)?;
        use tolk::memory::server;
        let flag_url = self.memory_flag.as_deref().and_then(|m| m.to_str()).filter(|m| server::is_url(m));
        let project_url = self.project.memory_server().filter(|_| self.memory_flag.is_none());
        if let Some(url) = flag_url {
            self.server = Some(ui::server(url)?);
        } else if let Some(url) = project_url {
            if server::has_password(url) {
                ui::warning(format_args!(
                    "{} holds a password in its memory URL, where anyone who reads the file finds it: put it \
                     in ~/.pgpass or PGPASSWORD instead",
                    self.project.file().map(|f| tolk::shown::path(f).to_string()).unwrap_or_default()
                ));
            }
            // Its root certificate is named from the project folder, as every path there.
            self.server = Some(ui::server(&server::with_paths_from(url, |p| self.project.path(p)))?);
        }
        self.memory = match &self.server {
            Some(_) => self.project.path(std::path::Path::new("memory")),
            None => self.memory_flag.clone().unwrap_or_else(|| self.project.memory()),
        };
        self.rules = self.rules_flag.clone().or_else(|| self.project.rules());
        Ok(())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    Segment(segment::Args),
    Lookup(lookup::Args),
    Match(matches::Args),
    Analyze(analyze::Args),
    Export(export::Args),
    Import(import::Args),
    Build(build::Args),
    Status(status::Args),
    Withdraw(withdraw::Args),
    Rules(rules::Args),
    Server(server::Args),
    Tm(tm::Args),
    Terms(terms::Args),
    #[command(name = "keep-index", hide = true)]
    KeepIndex(keep::Args),
}

/// Runs tolk and turns the outcome into an exit code: 0 on success, 1 on an error
/// (printed to stderr), 2 on a usage error (clap's own), 3 for an import that refused
/// a conflicting translation but imported the rest ([`ui::CONFLICT_REFUSED`]).
pub fn main() -> ExitCode {
    let mut cli = Cli::parse();
    ui::hold_warnings(cli.global.quiet);
    // `init` makes a project, so it never reads one (a broken tolk.toml above it included).
    if !matches!(cli.command, Command::Init(_)) {
        if let Err(err) = cli.global.resolve() {
            ui::held_warnings();
            ui::error(format_args!("{err:#}"));
            return ExitCode::FAILURE;
        }
    }
    let result = match cli.command {
        Command::Init(args) => init::run(args, &cli.global),
        Command::Segment(args) => segment::run(args, &cli.global),
        Command::Build(args) => build::run(args, &cli.global),
        Command::Status(args) => status::run(args, &cli.global),
        Command::Withdraw(args) => withdraw::run(args, &cli.global),
        Command::Lookup(args) => lookup::run(args, &cli.global),
        Command::Match(args) => matches::run(args, &cli.global),
        Command::Analyze(args) => analyze::run(args, &cli.global),
        Command::Export(args) => export::run(args, &cli.global),
        Command::Import(args) => import::run(args, &cli.global),
        Command::Rules(args) => rules::run(args, &cli.global),
        Command::Server(args) => server::run(args, &cli.global),
        Command::Tm(args) => tm::run(args, &cli.global),
        Command::Terms(args) => terms::run(args, &cli.global),
        Command::KeepIndex(args) => keep::run(args, &cli.global),
    };
    ui::held_warnings();
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            ui::error(format_args!("{err:#}"));
            ExitCode::FAILURE
        }
    }
}

/// How many matches to show: a whole number of 1 or more (`--top 0` would show
/// nothing and say there is no match).
pub(crate) fn top(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("a whole number of 1 or more is needed".to_string()),
    }
}

/// A sentence to look up: some text, not an empty one (which has nothing to match).
pub(crate) fn sentence(value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        return Err("a sentence to look up is needed, not an empty text".to_string());
    }
    Ok(value.to_string())
}

/// A closed stdout (`tolk segment | head`) is a normal way to stop, not an error,
/// whether the write that met it was plain or JSON's.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let kind = e
            .downcast_ref::<io::Error>()
            .map(io::Error::kind)
            .or_else(|| e.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind));
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        super::Cli::command().debug_assert();
    }

    /// Every command that writes a file or folder names it the same way: `-o` or
    /// `--out`, so no one has to remember which command takes which.
    #[test]
    fn every_output_is_spelled_o_and_out() {
        fn check(command: &clap::Command, path: &str, found: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let writes =
                    arg.get_id() == "out" || arg.get_long() == Some("out") || arg.get_short() == Some('o');
                if writes {
                    assert_eq!(
                        (arg.get_short(), arg.get_long()),
                        (Some('o'), Some("out")),
                        "{path}: its output must take -o and --out"
                    );
                    found.push(path.to_string());
                }
            }
            for sub in command.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()), found);
            }
        }
        let mut found = Vec::new();
        check(&super::Cli::command(), "tolk", &mut found);
        assert_eq!(
            found,
            ["tolk export", "tolk build", "tolk rules export", "tolk tm export", "tolk tm pull"]
        );
    }
}
