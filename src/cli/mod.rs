//! The `gostart` command: parses arguments, runs the pipeline, prints reports.
//!
//! Exit codes: 0 success; 1 error (bad config, no toolchain, every build failed, ...);
//! 2 bad command line; 3 `tune` finished but some configurations failed to build or run;
//! 4 `check`: a budget was exceeded with confidence;
//! 75 another gostart is writing runs in the target dir (`tune --wait` waits for it);
//! 130, 143, 129 interrupted by SIGINT (Ctrl-C), SIGTERM or SIGHUP: 128 + the signal, what was
//! measured so far is saved (`tune --resume` continues it).
//!
//! Every error is printed here, with its control characters escaped (`printable`): a config
//! value or an argument holding ESC or BEL cannot act on the terminal.

mod apply;
mod args;
mod check;
mod commands;
pub mod compare;
mod escape;
mod explain;
mod init;
mod merge;
mod pattern;
mod saved;
mod size;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser};

pub use args::Cli;
use args::{Command, ConfigArgs};

use crate::config::{self, Config, Overrides};
use crate::printable::printable;

/// Exit code when a run finished but some configurations failed.
pub const EXIT_SOME_FAILED: i32 = 3;
/// Exit code when another gostart holds the target dir's run lock (EX_TEMPFAIL: try again).
pub const EXIT_BUSY: i32 = 75;

/// Runs gostart and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return command_line_error(e),
    };
    crate::interrupt::install();
    match run(cli) {
        Ok(code) => code,
        Err(e) if e.is::<crate::interrupt::Interrupted>() => {
            // After SIGHUP the terminal may be gone: a failed write must not turn the exit
            // code into a panic's.
            let _ = writeln!(std::io::stderr(), "gostart: {}", printable(&e.to_string()));
            // 128 + the signal, as a shell reports a death by it: 130, 143 or 129.
            crate::interrupt::exit_code()
        }
        // Whatever failed after a stop was asked for (a build killed with the terminal's
        // process group, say) is the stop's doing: exit as interrupted.
        Err(e) if crate::interrupt::requested() => {
            let _ = writeln!(std::io::stderr(), "error: {}", printable(&format!("{e:#}")));
            crate::interrupt::exit_code()
        }
        Err(e) => {
            eprintln!("error: {}", printable(&format!("{e:#}")));
            if e.is::<crate::runlock::Busy>() { EXIT_BUSY } else { 1 }
        }
    }
}

/// Prints clap's message for a bad command line (exit 2), or the help or version asked for.
fn command_line_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        // Help and version hold no argument text: clap prints them, styled, where they belong.
        let _ = e.print();
        return e.exit_code();
    }
    // The message quotes the arguments, so it is rendered unstyled (clap's own styling would
    // be escaped with the rest) and its control characters escaped.
    let plain = Cli::command()
        .styles(clap::builder::Styles::plain())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|_| ()))
        .err()
        .unwrap_or(e);
    eprint!("{}", printable(&plain.render().ansi().to_string()));
    plain.exit_code()
}

fn run(cli: Cli) -> Result<i32> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let dir = match &cli.dir {
        Some(d) => cwd.join(d),
        None => cwd,
    };
    if !dir.is_dir() {
        anyhow::bail!("-C {}: no such directory", dir.display());
    }
    let go = match (&cli.go, std::env::var_os("GOSTART_GO")) {
        (Some(g), _) => Some((g.clone(), "cli".to_owned())),
        (None, Some(g)) if !g.is_empty() => Some((PathBuf::from(g), "env:GOSTART_GO".to_owned())),
        _ => None,
    };
    let base = Overrides { dir, go, ..Overrides::default() };
    match cli.command {
        Command::Tune(a) => commands::tune(&base, a),
        Command::Build(a) => commands::build(&base, a),
        Command::Matrix(a) => commands::matrix(&base, a),
        Command::Metadata(a) => commands::metadata(&base, a),
        Command::Report(a) => commands::report(&base, a),
        Command::Escape(a) => escape::escape(&base, a),
        Command::Apply(a) => apply::apply(&base, a),
        Command::Init(a) => init::init(&base, a),
        Command::Compare(a) => compare::compare(&base, a),
        Command::Merge(a) => merge::merge(&base, a),
        Command::Check(a) => check::check(&base, a),
        Command::Size(a) => size::size(&base, a),
        Command::Explain(a) => explain::explain(&base, a),
    }
}

/// Loads the config with the command line's choices applied.
fn load(base: &Overrides, c: &ConfigArgs, extra: impl FnOnce(&mut Overrides)) -> Result<Config> {
    let mut o = base.clone();
    o.config_file = c.config.clone();
    o.matrix_file = c.matrix.clone();
    o.preset = c.preset.clone();
    o.max_configs = c.max_configs;
    extra(&mut o);
    let mut config = config::load(&o)?;
    if let Some(p) = &c.package {
        config.target.package = p.clone();
        config.provenance.insert("target".into(), "cli".into());
    }
    Ok(config)
}

/// Writes a report to `output`, or to stdout. A file is never written through a link, nor
/// over a saved run's files or a target dir's own (`rundir::owned`).
fn emit(bytes: &[u8], output: Option<&Path>, dir: &Path) -> Result<()> {
    match output {
        Some(path) => {
            let path = dir.join(path);
            if let Some(what) = crate::rundir::owned(&path) {
                anyhow::bail!(
                    "cannot write the report to {}: it is {what}, which gostart does not overwrite; choose another --output",
                    path.display()
                );
            }
            crate::nofollow::write_file(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("gostart: report written to {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes).and_then(|_| out.flush()).context("cannot write to stdout")?;
        }
    }
    Ok(())
}
