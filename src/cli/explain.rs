//! `gostart explain`: why each of a config's slowest-init and largest packages is linked in —
//! the import chain from main, its cost with what only it brings in, and the import to drop.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use super::emit;
use super::saved::{DataFormat, json, open, shown};
use crate::config::Overrides;
use crate::go::Go;
use crate::inspect::attribution::RunBinaries;
use crate::inspect::linked::explain_config;
use crate::module_root;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The run: last (default), a run id or a path.
    #[arg(value_name = "RUN", default_value = "last")]
    pub run: String,
    /// The configuration to explain, by name or id [default: the recommended one, else the baseline].
    #[arg(long, value_name = "NAME")]
    pub config: Option<String>,
    /// Explain the packages matching this import path instead of the top ones: a prefix of whole
    /// path elements, or a go pattern with `...` (`github.com/foo/...`).
    #[arg(long, value_name = "PATTERN")]
    pub package: Option<String>,
    /// How many of the slowest-init and of the largest packages to explain.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top: usize,
    #[arg(long, value_enum, default_value_t = DataFormat::Table)]
    pub format: DataFormat,
    /// Where runs are saved [default: .gostart in the module root].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
}

pub fn explain(base: &Overrides, a: ExplainArgs) -> Result<i32> {
    let (run, run_dir) = open(base, a.target_dir.as_deref(), &a.run)?;
    let config = shown(&run, a.config.as_deref())?;
    let go = Go::new(&module_root::go_program(base), &base.dir)?;
    let only = a.package.as_deref().map(|p| move |package: &str| super::pattern::matches(p, package));
    let only_dyn: Option<&dyn Fn(&str) -> bool> = only.as_ref().map(|f| f as &dyn Fn(&str) -> bool);
    let explanation = explain_config(&go, &mut RunBinaries::new(&run, &run_dir), config, a.top, only_dyn)?;
    if let Some(p) = &a.package {
        if explanation.slowest_init.is_empty() && explanation.largest.is_empty() {
            bail!("no package of the binary or its init trace matches `{p}`");
        }
    }
    let text = match a.format {
        DataFormat::Json => json(&explanation, "the explanation")?,
        DataFormat::Table => crate::export::printable(&crate::export::explain::text(
            &explanation,
            crate::export::Style::detect(true).width,
        ))
        .into_owned(),
    };
    emit(text.as_bytes(), None, &base.dir)?;
    Ok(0)
}
