//! The `tolk` binary: parses the command line and hands over to `cmd`, which calls the
//! library. Nothing here does the work.

mod cmd;

fn main() -> std::process::ExitCode {
    cmd::main()
}
