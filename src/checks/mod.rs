//! Self-checks: what must hold in every run whatever the machine does — configs the compiler
//! cannot tell apart report the same escapes, configs that differ only in runtime env share one
//! binary, each binary records the settings of its config, the baseline and the floor ran in
//! every round. A failed check leaves the figures it vouches for out of the score.
//!
//! The checks read only what results.json records, so a saved run is checked again when it is
//! loaded (`Run::recompute`).

mod binary;
mod escapes;
mod provenance;
mod rounds;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rank::Figure;
use crate::results::Run;

pub use provenance::mismatches as provenance_mismatches;

/// One self-check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// Configs with the same escape-relevant settings (the compile settings but `-trimpath`,
    /// which only rewrites file names) report the same escape and inlining counts.
    EscapesAgree,
    /// Configs that differ only in runtime env share one build: one build id, one size.
    OneBinary,
    /// Each binary's recorded build settings (`go version -m`) are its config's.
    Provenance,
    /// The baseline has one sample in every timed round: the paired figures pair every round.
    BaselineEveryRound,
    /// The calibration floor has one sample in every timed round.
    FloorEveryRound,
}

impl Check {
    /// Every check, in the order results.json and the reports list them.
    pub const ALL: [Check; 5] =
        [Check::EscapesAgree, Check::OneBinary, Check::Provenance, Check::BaselineEveryRound, Check::FloorEveryRound];

    /// The name in results.json (`check`) and in the reports.
    pub const fn name(self) -> &'static str {
        match self {
            Check::EscapesAgree => "escapes-agree",
            Check::OneBinary => "one-binary",
            Check::Provenance => "provenance",
            Check::BaselineEveryRound => "baseline-every-round",
            Check::FloorEveryRound => "floor-every-round",
        }
    }

    /// The figures this check vouches for, left out of the score (for every config, so that
    /// scores stay comparable) when it fails. Provenance vouches for configs, not figures: a
    /// config whose binary is not what it says is not ranked or not recommended. The floor is
    /// in no score: its check only warns.
    pub const fn figures(self) -> &'static [Figure] {
        match self {
            Check::EscapesAgree => &[Figure::Escapes],
            Check::OneBinary => &[Figure::Size],
            Check::BaselineEveryRound => &[Figure::Startup, Figure::MaxRss, Figure::Cpu],
            Check::Provenance | Check::FloorEveryRound => &[],
        }
    }

    /// What the check asks, in the reports' words.
    pub const fn question(self) -> &'static str {
        match self {
            Check::EscapesAgree => "configs with the same compile settings have the same escape counts",
            Check::OneBinary => "configs that differ only in runtime env share one binary and one size",
            Check::Provenance => "each binary's recorded build settings match its config",
            Check::BaselineEveryRound => "the baseline was measured in every round",
            Check::FloorEveryRound => "the runner floor was measured in every round",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How one check came out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub check: Check,
    /// No contradiction found (also when there was nothing to compare: see `skipped`).
    pub ok: bool,
    /// Nothing to compare (no two configs share the settings, no samples, ...): `ok` says
    /// nothing then.
    #[serde(default)]
    pub skipped: bool,
    /// What was compared and, on failure, what disagrees.
    pub detail: String,
    /// The configs at fault when it failed; empty when it passed.
    #[serde(default)]
    pub configs: Vec<String>,
    /// The figures it vouches for ([`Check::figures`]): left out of the score when it failed.
    #[serde(default)]
    pub figures: Vec<Figure>,
}

impl Outcome {
    fn new(check: Check, ok: bool, skipped: bool, detail: String, configs: Vec<String>) -> Outcome {
        Outcome { check, ok, skipped, detail, configs, figures: check.figures().to_vec() }
    }

    pub(crate) fn passed(check: Check, detail: String) -> Outcome {
        Outcome::new(check, true, false, detail, Vec::new())
    }

    pub(crate) fn skipped(check: Check, detail: String) -> Outcome {
        Outcome::new(check, true, true, detail, Vec::new())
    }

    pub(crate) fn failed(check: Check, detail: String, configs: Vec<String>) -> Outcome {
        Outcome::new(check, false, false, detail, configs)
    }
}

/// Every check of `run`, in [`Check::ALL`] order.
pub fn check(run: &Run) -> Vec<Outcome> {
    Check::ALL
        .into_iter()
        .map(|c| match c {
            Check::EscapesAgree => escapes::check(&run.configs),
            Check::OneBinary => binary::check(&run.configs),
            Check::Provenance => provenance::check(&run.configs),
            Check::BaselineEveryRound => rounds::baseline(run),
            Check::FloorEveryRound => rounds::floor(run),
        })
        .collect()
}

/// The figures the failed checks vouch for: the ones the score leaves out.
pub fn suspended(outcomes: &[Outcome]) -> BTreeSet<Figure> {
    outcomes.iter().filter(|o| !o.ok).flat_map(|o| o.figures.iter().copied()).collect()
}

/// `names` as the details list them: `a`, `b` and `c`.
fn quoted(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match q.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "1 config", "2 configs".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
