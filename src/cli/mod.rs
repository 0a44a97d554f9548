//! The `gostart` command: parses arguments, runs the pipeline, prints reports.
//!
//! Exit codes: 0 success; 1 error (bad config, no toolchain, every build failed, ...);
//! 2 bad command line; 3 `tune` finished but some configurations failed to build or run;
//! 130 interrupted by Ctrl-C (what was measured so far is saved).

mod apply;
mod args;
mod commands;
pub mod compare;
mod escape;
mod init;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Parser;

pub use args::Cli;
use args::{Command, ConfigArgs};

use crate::config::{self, Config, Overrides};

/// Exit code when a run finished but some configurations failed.
pub const EXIT_SOME_FAILED: i32 = 3;
/// Exit code after Ctrl-C (what was measured is saved).
pub const EXIT_INTERRUPTED: i32 = 130;

/// Runs gostart and returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    crate::interrupt::install();
    match run(cli) {
        Ok(code) => code,
        Err(e) if e.is::<crate::interrupt::Interrupted>() => {
            eprintln!("gostart: {e}");
            EXIT_INTERRUPTED
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
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

/// Writes a report to `output`, or to stdout.
fn emit(bytes: &[u8], output: Option<&Path>, dir: &Path) -> Result<()> {
    match output {
        Some(path) => {
            let path = dir.join(path);
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("gostart: report written to {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes).and_then(|_| out.flush()).context("cannot write to stdout")?;
        }
    }
    Ok(())
}
