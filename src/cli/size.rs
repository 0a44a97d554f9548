//! `gostart size`: a saved run's binaries by package and section, and what grew and shrank
//! against another config. STUB: a helper fills it in.

use anyhow::{Result, bail};
use clap::Args;

use crate::config::Overrides;

#[derive(Debug, Args)]
pub struct SizeArgs {
    /// The run: last (default), a run id or a path.
    #[arg(value_name = "RUN", default_value = "last")]
    pub run: String,
}

pub fn size(_base: &Overrides, _a: SizeArgs) -> Result<i32> {
    bail!("gostart size is not built yet")
}
