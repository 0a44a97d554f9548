//! The recommended config's file size against the baseline's, by package and section (issue
//! 14): both binaries attributed once, when a run ends, for results.json and the reports.

use std::path::Path;

use anyhow::{Context, Result};

use crate::inspect::attribution::attribute;
use crate::inspect::size_diff::{SizeDiff, diff};
use crate::results::Run;
use crate::rundir;

/// The split of `run`'s recommendation against its baseline, from the binaries in its folder
/// `run_dir`; `None` without a recommendation or when the baseline is recommended, an error
/// when a binary is missing or cannot be attributed.
pub fn split(run: &Run, run_dir: &Path) -> Result<Option<SizeDiff>> {
    let Some(recommended) = run.verdict.recommended.as_deref() else { return Ok(None) };
    if recommended == run.baseline {
        return Ok(None);
    }
    let by_name = |name: &str| {
        run.configs
            .iter()
            .find(|c| c.name == name)
            .with_context(|| format!("run {} has no configuration `{name}`", run.run_id))
    };
    let (base, config) = (by_name(&run.baseline)?, by_name(recommended)?);
    let attributed = |c| -> Result<_> { attribute(&rundir::binary_of(run, run_dir, c)?) };
    let base_bytes = attributed(base)?;
    // Configs that differ only in their run environment share one binary: nothing changes.
    let config_bytes = if config.build_id == base.build_id { base_bytes.clone() } else { attributed(config)? };
    Ok(Some(diff(&base.name, &base_bytes, &config.name, &config_bytes)))
}
