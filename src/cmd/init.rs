//! `tolk init`: make the current folder (or another) a tolk project.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use tolk::shown;

use super::ui;
use super::Global;

/// Make a folder a tolk project: tolk.toml, corpus/, an empty memory, .gitignore entries
///
/// Writes tolk.toml with every setting and its default, explained: the languages, the
/// memory, the corpus folders with include and exclude patterns, segmentation rules,
/// the batch folder, format and delimiter, the edition folders, and which Markdown
/// front-matter keys are text. Makes corpus/ and memory/nb-en.csv (an empty memory)
/// where they do not exist, and adds tolk's outputs (out/), the memory's lock file and
/// caches to .gitignore. Every command then finds the project from this folder or any
/// folder below it, and a flag on the command line overrides the file. Nothing that
/// exists is overwritten; an existing tolk.toml is an error, and so is a folder inside
/// another project. --memory and --rules given here are written into tolk.toml (paths
/// from the project folder).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to make a project [default: the current folder]
    #[arg(default_value = ".", hide_default_value = true)]
    pub dir: PathBuf,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    // `.` is left out of the paths shown: `made tolk.toml`, not `made ./tolk.toml`.
    let dir = if args.dir == std::path::Path::new(".") { PathBuf::new() } else { args.dir };
    let settings =
        tolk::project::InitSettings { memory: global.memory_flag.clone(), rules: global.rules_flag.clone() };
    let done = tolk::project::init(&dir, &settings)?;
    let url = settings.memory.as_deref().and_then(|m| m.to_str()).filter(|m| tolk::memory::server::is_url(m));
    if url.is_some_and(tolk::memory::server::has_password) {
        ui::warning(
            "the password in the memory URL was not written to tolk.toml: put it in ~/.pgpass (readable by you \
             alone) or PGPASSWORD",
        );
    }
    // Written as given, but tolk.toml is the team's: a user there is everyone's role.
    if let Some((url, user)) = url.and_then(|u| Some((u, tolk::memory::server::named_user(u)?))) {
        ui::warning(format_args!(
            "the memory URL names the role {user}, and so does tolk.toml now: everyone who works in this \
             project connects as {user}, whatever their PGUSER (the URL wins, as in libpq); to have each \
             person connect as their own role (PGUSER, or their OS user), write memory = \"{}\" instead",
            tolk::memory::server::without_user(url)
        ));
    }
    if ui::chatty(global) {
        for path in &done.made {
            eprintln!("made {}", shown::path(path));
        }
        if !done.ignored.is_empty() {
            eprintln!("added {} to {}", done.ignored.join(" "), shown::path(&dir.join(".gitignore")));
        }
        eprintln!(
            "next: put the Norwegian documents in corpus/, then `tolk analyze` to see what there is to \
             translate and `tolk export --for NAME` to write a batch for a translator"
        );
    }
    Ok(ExitCode::SUCCESS)
}
