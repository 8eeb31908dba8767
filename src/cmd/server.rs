//! `tolk server`: set up the PostgreSQL database a team keeps its memory in.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use tolk::memory::server::{self, schema};

use super::ui;
use super::Global;

/// Set up a PostgreSQL database for a team's shared memory
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ServerCommand,
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    Init(InitArgs),
}

/// Create tolk's schema in a database, or upgrade it, and the roles tolk_editor and tolk_translator
///
/// Run once by an administrator, as a role that may create schemas and roles (the
/// database's owner with CREATEROLE, or a superuser). Creates the schema `tolk`, or
/// upgrades an older one (each version a numbered migration, in one transaction), and
/// the group roles tolk_editor (reads, adds, retires and restores: tm rm, resolve,
/// revert, import --overwrite) and tolk_translator (reads and adds translations). The
/// database enforces them, for tolk and for psql alike. Grant them to the people's own
/// login roles: GRANT tolk_translator TO alice. Running it again renews the grants.
/// A schema newer than this tolk knows is refused.
///
/// The URL follows libpq: postgres://user@host:port/dbname?sslmode=disable; what it
/// leaves out comes from PGHOST, PGPORT, PGUSER, PGDATABASE, and the password from
/// PGPASSWORD or ~/.pgpass (never the URL in tolk.toml).
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The database: postgres://user@host:port/dbname
    #[arg(value_name = "URL")]
    pub url: String,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    match args.command {
        ServerCommand::Init(args) => run_init(args, global),
    }
}

fn run_init(args: InitArgs, global: &Global) -> Result<ExitCode> {
    let server = ui::server(&args.url)?;
    let spin = ui::spinner(global, &format!("setting up {}", server.shown()));
    let done = server::init(&server)?;
    spin.finish_and_clear();
    if ui::chatty(global) {
        match (done.from, done.to) {
            (0, to) => eprintln!("created tolk's memory (schema version {to}) in {}", server.shown()),
            (from, to) if from < to => {
                eprintln!("upgraded tolk's memory in {} from schema version {from} to {to}", server.shown())
            }
            (_, to) => {
                eprintln!("tolk's memory in {} is at schema version {to}; grants renewed", server.shown())
            }
        }
        // The project's URL names no user: tolk.toml is shared, and each person is to
        // connect as their own role, not all as the administrator.
        eprintln!(
            "next: grant the roles to people's login roles (GRANT {} TO alice; GRANT {} TO erin), then point a \
             project at it with memory = \"{}\" in tolk.toml (no user: each person connects as their own \
             role, named by PGUSER or their OS user, with the password in ~/.pgpass), or `tolk tm push {}` to \
             copy a CSV memory in",
            schema::TRANSLATOR,
            schema::EDITOR,
            server.shared(),
            server.shown()
        );
    }
    Ok(ExitCode::SUCCESS)
}
