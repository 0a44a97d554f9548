//! results.json, the public contract (schema 1).

use anyhow::{Context, Result};

use crate::results::Run;

pub fn serialize(run: &Run) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(run).context("cannot serialize results")?;
    out.push(b'\n');
    Ok(out)
}
