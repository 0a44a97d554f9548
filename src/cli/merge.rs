//! `gostart merge RUN...`: shards of one matrix, measured on several machines, joined into one
//! saved run (see [`crate::merge`]) and its report.

use std::path::PathBuf;
use std::time::SystemTime;

use anyhow::Result;
use clap::Args;

use super::{EXIT_SOME_FAILED, emit};
use crate::config::Overrides;
use crate::export::Format;
use crate::merge::{Input, join};
use crate::{export, module_root, rundir, runlock};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' runs: run folders or results.json paths.
    #[arg(value_name = "RUN", required = true)]
    pub runs: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Merge runs of different Go versions, targets, matrices or ranking settings, unfinished
    /// runs, or not every shard (never a shard twice, nor builds that differ).
    #[arg(long)]
    pub force: bool,
    /// Where the merged run is saved [default: .gostart in the module root].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
}

pub fn merge(base: &Overrides, a: MergeArgs) -> Result<i32> {
    let target_dir = module_root::runs_dir(base, a.target_dir.as_deref())?;
    let mut inputs = Vec::new();
    for which in &a.runs {
        let path = rundir::locate(&target_dir, &which.to_string_lossy())?;
        inputs.push(Input { run: rundir::load(&path)?, path });
    }
    let mut run = join(inputs, a.force)?;
    let _lock = runlock::acquire(&target_dir, runlock::Wait::No)?;
    let now = SystemTime::now();
    let (run_id, run_dir) = rundir::create(&target_dir, now)?;
    run.run_id = run_id;
    run.started = humantime::format_rfc3339_seconds(now).to_string();
    let saved = rundir::save(&target_dir, &run_dir, &run)?;
    eprintln!("gostart: merged {} shards into {}", run.merged.len(), saved.display());
    let style = export::Style::detect(a.output.is_none());
    emit(&export::serialize_styled(&run, a.format, style)?, a.output.as_deref(), &base.dir)?;
    if let Err(e) = export::append_step_summary(&run) {
        eprintln!("warning: {e:#}");
    }
    Ok(if run.configs.iter().all(|c| c.usable()) { 0 } else { EXIT_SOME_FAILED })
}
