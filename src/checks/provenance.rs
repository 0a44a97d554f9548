//! `provenance`: the build settings go recorded in each binary (`go version -m`, kept in
//! results.json as the build's `settings`) are the ones its config asked for. The build stage
//! marks a binary that disagrees as a failed build; this check says so in the run's checks, and
//! checks a saved run's record again when it is read.

use super::{Check, Outcome, plural};
use crate::go::buildinfo::{self, BuildInfo};
use crate::results::ConfigResult;

/// Where `c`'s binary's recorded settings contradict its flags; empty when they agree or when
/// nothing was recorded (the build failed before there was a binary to read).
pub fn mismatches(c: &ConfigResult) -> Vec<String> {
    if c.build.settings.is_empty() {
        return Vec::new();
    }
    // Without the recorded Go version (a run saved before it was kept) the toolchain is not compared.
    let info = BuildInfo { go_version: c.go_version.clone().unwrap_or_default(), settings: c.build.settings.clone() };
    buildinfo::mismatches(&c.flags.build_part(), &info)
}

pub fn check(configs: &[ConfigResult]) -> Outcome {
    let recorded: Vec<&ConfigResult> = configs.iter().filter(|c| !c.build.settings.is_empty()).collect();
    if recorded.is_empty() {
        return Outcome::skipped(Check::Provenance, "no binary's build settings were recorded".into());
    }
    let mut wrong = Vec::new();
    let mut at_fault = Vec::new();
    for c in &recorded {
        let m = mismatches(c);
        if !m.is_empty() {
            wrong.push(format!("`{}`: {}", c.name, m.join("; ")));
            at_fault.push(c.name.clone());
        }
    }
    if wrong.is_empty() {
        let mut builds: Vec<&str> = recorded.iter().map(|c| c.build_id.as_str()).collect();
        builds.sort_unstable();
        builds.dedup();
        return Outcome::passed(
            Check::Provenance,
            format!(
                "the build settings recorded in {} match their configs",
                plural(builds.len(), "binary", "binaries")
            ),
        );
    }
    Outcome::failed(Check::Provenance, wrong.join("; "), at_fault)
}
