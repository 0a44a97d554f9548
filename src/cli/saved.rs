//! What the commands that read one saved run share (`size`, `explain`, `compare`): opening
//! the run, the configuration they show, and their two formats.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::ValueEnum;

use crate::config::Overrides;
use crate::results::{ConfigResult, Run};
use crate::{module_root, rundir};

/// `--format` of a command that prints a table for people or JSON for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    Table,
    Json,
}

/// The run `which` (`last`, a run id or a path) in the target dir, and its folder.
pub fn open(base: &Overrides, target_dir: Option<&Path>, which: &str) -> Result<(Run, PathBuf)> {
    let target_dir = module_root::runs_dir(base, target_dir)?;
    let results = rundir::locate(&target_dir, which)?;
    let run = rundir::load(&results)?;
    let run_dir = rundir::folder_of(&results, &run);
    Ok((run, run_dir))
}

/// The config `wanted` names, by default the recommended one, else the baseline.
pub fn shown<'a>(run: &'a Run, wanted: Option<&str>) -> Result<&'a ConfigResult> {
    let default = run.verdict.recommended.as_deref().unwrap_or(&run.baseline);
    pick(run, wanted.unwrap_or(default))
}

/// The config named `wanted` (its name or id), or an error listing the names.
pub fn pick<'a>(run: &'a Run, wanted: &str) -> Result<&'a ConfigResult> {
    run.configs.iter().find(|c| c.name == wanted || c.id == wanted).with_context(|| {
        let names: Vec<String> = run.configs.iter().map(|c| format!("`{}` ({})", c.name, c.id)).collect();
        crate::export::printable(&format!(
            "run {} has no configuration `{wanted}`; its configurations are: {}",
            run.run_id,
            names.join(", ")
        ))
        .into_owned()
    })
}

/// `value` as pretty JSON and a newline; `what` names it in the error.
pub fn json(value: &impl serde::Serialize, what: &str) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).with_context(|| format!("cannot serialize {what}"))?;
    text.push('\n');
    Ok(text)
}
