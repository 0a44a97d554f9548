//! `gostart size`: a saved run's binaries by package and section, and what grew and shrank
//! against another config.

pub(crate) mod render;

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use super::emit;
use super::pattern;
use super::saved::{DataFormat, json, open, pick, shown};
use crate::config::Overrides;
use crate::inspect::attribution::RunBinaries;
use crate::inspect::size_diff as diff;

#[derive(Debug, Args)]
pub struct SizeArgs {
    /// The run: last (default), a run id or a path.
    #[arg(value_name = "RUN", default_value = "last")]
    pub run: String,
    /// The configuration to show, by name or id [default: the recommended one, else the baseline].
    #[arg(long, value_name = "NAME")]
    pub config: Option<String>,
    /// Show what grew and shrank against this configuration [default, with no value: the baseline].
    #[arg(long, value_name = "BASE", num_args = 0..=1)]
    pub diff: Option<Option<String>>,
    /// Only packages matching this import path: a prefix of whole path elements, or a go
    /// pattern with `...` (`github.com/foo/...`).
    #[arg(long, value_name = "PATTERN")]
    pub package: Option<String>,
    #[arg(long, value_enum, default_value_t = DataFormat::Table)]
    pub format: DataFormat,
    /// Where runs are saved [default: .gostart in the module root].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
}

pub fn size(base: &Overrides, a: SizeArgs) -> Result<i32> {
    let (run, run_dir) = open(base, a.target_dir.as_deref(), &a.run)?;
    let config = shown(&run, a.config.as_deref())?;
    let mut binaries = RunBinaries::new(&run, &run_dir);
    let attribution = binaries.of(config)?.clone();
    let keep = |package: &str| a.package.as_deref().is_none_or(|p| pattern::matches(p, package));
    let width = crate::export::Style::detect(true).width;
    let text = match &a.diff {
        Some(against) => {
            let against = against.as_deref().unwrap_or(&run.baseline);
            let base_config = pick(&run, against)?;
            let mut d = diff::diff(&base_config.name, binaries.of(base_config)?, &config.name, &attribution);
            d.packages.retain(|p| keep(&p.package));
            no_match(&a.package, d.packages.is_empty())?;
            match a.format {
                DataFormat::Json => json(&d, "the sizes")?,
                DataFormat::Table => render::diff_table(&d, width),
            }
        }
        None => {
            let view = render::SizeView {
                config: &config.name,
                file_bytes: attribution.file_bytes,
                packages: attribution.packages.iter().filter(|p| keep(&p.package)).collect(),
                other: &attribution.other,
                unattributed: attribution.unattributed,
            };
            no_match(&a.package, view.packages.is_empty())?;
            match a.format {
                DataFormat::Json => json(&view, "the sizes")?,
                DataFormat::Table => render::view_table(&view, attribution.packages.len(), width),
            }
        }
    };
    emit(text.as_bytes(), None, &base.dir)?;
    if a.format == DataFormat::Table {
        eprintln!("hint: `gostart explain` shows which import pulls each large package in and what dropping it saves");
    }
    Ok(0)
}

/// A pattern that matches no package is a mistake, not an empty answer.
fn no_match(pattern: &Option<String>, empty: bool) -> Result<()> {
    match pattern {
        Some(p) if empty => bail!("no package of the binary matches `{p}`"),
        _ => Ok(()),
    }
}
