//! Gathers what "why is it linked in?" needs for one config of a saved run — its import graph
//! (`go list -deps` with its flags), its binary's attribution, its init profile — and explains it.

use anyhow::{Context, Result, bail};

use super::attribution::RunBinaries;
use super::explain::{Explanation, explain};
use super::imports::Graph;
use crate::go::Go;
use crate::results::{ConfigResult, Run};

/// The explanation of `config`'s binary among `binaries`; go runs where `go` acts, which must
/// be in the run's module (the target's import path resolves there).
pub fn explain_config(
    go: &Go,
    binaries: &mut RunBinaries<'_>,
    config: &ConfigResult,
    top: usize,
    only: Option<&dyn Fn(&str) -> bool>,
) -> Result<Explanation> {
    let run: &Run = binaries.run();
    let attribution = binaries.of(config)?;
    // `command-line-arguments` (a list of .go files) names nothing go list can find again.
    let package = match run.target.import_path.as_str() {
        "" | "command-line-arguments" => run.target.package.as_str(),
        path => path,
    };
    let deps = go.deps(&config.flags, package).with_context(|| {
        format!(
            "cannot list the imports of `{package}` (run gostart in the module the run was made in, or with -C DIR)"
        )
    })?;
    let asked: Vec<&str> = deps.iter().filter(|p| !p.dep_only).map(|p| p.import_path.as_str()).collect();
    let main = match asked.as_slice() {
        [one] => one.to_string(),
        _ => bail!("`go list -deps {package}` named {} packages, not the one main package", asked.len()),
    };
    let graph = Graph::new(&deps, &main)?;
    Ok(explain(&config.name, &graph, attribution, config.init.as_ref(), top, only))
}
