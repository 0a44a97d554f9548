//! `gostart merge RUN...`: shards of one matrix, measured on several machines, joined into one
//! saved run and its report. STUB: a helper fills it in.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use crate::config::Overrides;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' runs: run folders or results.json paths.
    #[arg(value_name = "RUN", required = true)]
    pub runs: Vec<PathBuf>,
}

pub fn merge(_base: &Overrides, _a: MergeArgs) -> Result<i32> {
    bail!("gostart merge is not built yet")
}
