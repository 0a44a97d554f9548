//! `results.json`, schema version 1: the public record of a run (see shared/DESIGN.md).
//! Fields may be added; none may change meaning.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::checks;
use crate::config::{Measure, Rank};
use crate::flags::Flags;
use crate::go::BuildOutcome;
use crate::inspect::escapes::collect::Collected;
use crate::inspect::escapes::report::Counts;
use crate::inspect::size::Size;
use crate::measure::inittrace::InitProfile;
use crate::measure::schedule::{self, ScheduleKind};
use crate::measure::{Failure, Floor, Sample, Startup};
use crate::rank::{Figure, Ratio};

pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    pub schema: u32,
    pub gostart_version: String,
    pub run_id: String,
    /// RFC 3339 time the run started.
    pub started: String,
    pub go_version: String,
    pub target: TargetInfo,
    pub measure: Measure,
    pub baseline: String,
    pub configs: Vec<ConfigResult>,
    /// The runner's own spawn-to-reap time for a program that does nothing: differences
    /// near it are below what this machine can resolve.
    #[serde(default)]
    pub floor: Option<Floor>,
    pub verdict: Verdict,
    /// Whether the run measured all it planned. A results.json written before gostart recorded
    /// it reads as `complete`, or as `partial` when a config has samples but no figures.
    #[serde(default)]
    pub status: Status,
    /// Timed rounds done, and planned (`measure.runs`; with a precision goal, the least).
    #[serde(default)]
    pub rounds: Rounds,
    /// Why the run stopped before its end: the signal, or the runner's error.
    #[serde(default)]
    pub stopped: Option<String>,
    /// The ranking settings of the verdict, so that the run re-ranks the same when read.
    #[serde(default)]
    pub rank: Option<Rank>,
    /// Each built binary by build id: where it is in the run folder and its SHA-256, recorded
    /// when it was built; `tune --resume` checks them before it measures a binary again.
    #[serde(default)]
    pub binaries: BTreeMap<String, Binary>,
    /// The run's self-checks, one per [`checks::Check`], made from what this file records
    /// (made again whenever a saved run is read).
    #[serde(default)]
    pub checks: Vec<checks::Outcome>,
    /// The figures left out of the score because a self-check that vouches for them failed
    /// (their ratios are still recorded); empty when every check passed.
    #[serde(default)]
    pub suspended: BTreeSet<Figure>,
    /// The schedule the rounds followed and what it did; `null` in runs saved before gostart
    /// recorded it (they ran fixed rounds).
    #[serde(default)]
    pub schedule: Option<schedule::Record>,
    /// Which configurations of the matrix were built (`full` or `screen`), the axes, and for a
    /// screened run its design, the design's runs, the prediction and what confirmed it; `null`
    /// in runs saved before gostart recorded it.
    #[serde(default)]
    pub search: Option<crate::search::Search>,
    /// What each axis value does to each figure against the baseline's value of that axis, from
    /// one fit per figure (made again whenever a saved run is read); empty without `search`.
    #[serde(default)]
    pub effects: Vec<crate::search::Effect>,
    /// The part of the matrix this run measured (`tune --shard K/N`); `null` for the whole.
    #[serde(default)]
    pub shard: Option<crate::shard::Shard>,
    /// The machine it measured on; `null` in runs saved before gostart recorded it.
    #[serde(default)]
    pub machine: Option<crate::machine::Machine>,
    /// For a run `gostart merge` joined from shards: each shard, the machine that measured it,
    /// its configs and how its rounds and times were placed in this run; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<MergedShard>,
    /// The Go a plain `go build` in the module selects (and go.mod's lines that chose it), so
    /// the verdict can warn when it recommends another; absent in runs saved before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<crate::toolchain::Selection>,
    /// The recommended config's file size against the baseline's, by package and section
    /// (`gostart size --diff` of the two); absent without a recommendation other than the
    /// baseline, when a binary could not be attributed, and in merged runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_split: Option<crate::inspect::size_diff::SizeDiff>,
    /// "Why is it linked in?": the recommended config's (else the baseline's) slowest-init and
    /// largest packages with their import chains and exclusive costs, computed at the end of
    /// `tune`; absent when it could not be (no binary, `go list` failed) and in older runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<crate::inspect::explain::Explanation>,
}

/// One shard of a merged run. Its rounds are this run's rounds `first_round..first_round +
/// rounds` (its baseline's samples with them), so every config is paired with its own shard's
/// baseline; its times (wall, user, sys) are scaled by `scale` = the pooled baseline median /
/// its baseline median, so that absolute times read relative to the pooled baseline. Ratios,
/// being within one shard, are unchanged by both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedShard {
    pub shard: crate::shard::Shard,
    /// The shard's own run id.
    pub run_id: String,
    pub machine: Option<crate::machine::Machine>,
    /// The configs it measured, the baseline left out.
    pub configs: Vec<String>,
    pub first_round: u32,
    pub rounds: u32,
    /// Its baseline's startup median as it measured it, raw.
    pub baseline_median_ns: u64,
    pub scale: f64,
}

/// How far a run got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every planned round ran and the verdict is final.
    #[default]
    Complete,
    /// Saved midway by a checkpoint: the run was killed, hit an error (a full disk), or is
    /// still running. Its whole rounds are kept.
    Partial,
    /// Stopped by SIGINT, SIGTERM or SIGHUP; its whole rounds are kept.
    Interrupted,
}

/// Timed rounds (each runs every config once).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rounds {
    pub done: u32,
    /// `runs` for fixed rounds; the most a race or a precision goal may take (`max_runs`).
    pub planned: u32,
}

impl Rounds {
    /// No round done yet of the schedule `m` sets.
    pub fn planned(m: &Measure) -> Rounds {
        let planned = match m.schedule {
            ScheduleKind::Fixed => m.runs,
            ScheduleKind::Precision => m.max_runs.max(m.runs),
            ScheduleKind::Race => m.max_runs,
        };
        Rounds { done: 0, planned }
    }
}

/// A binary the run built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binary {
    /// Relative to the run folder.
    pub path: String,
    /// Lowercase hex.
    pub sha256: String,
}

impl Run {
    /// A run that has built and measured nothing yet: partial until its last round is in,
    /// recording this machine and the settings it will measure and rank with.
    pub fn new(
        run_id: &str,
        go_version: &str,
        target: TargetInfo,
        config: &crate::config::Config,
        baseline: &str,
    ) -> Run {
        Run {
            schema: SCHEMA,
            gostart_version: env!("CARGO_PKG_VERSION").to_owned(),
            run_id: run_id.to_owned(),
            started: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            go_version: go_version.to_owned(),
            target,
            measure: config.measure.clone(),
            baseline: baseline.to_owned(),
            configs: Vec::new(),
            floor: None,
            verdict: Verdict::default(),
            status: Status::Partial,
            rounds: Rounds::planned(&config.measure),
            stopped: None,
            rank: Some(config.rank.clone()),
            binaries: BTreeMap::new(),
            checks: Vec::new(),
            suspended: Default::default(),
            schedule: None,
            search: None,
            effects: Vec::new(),
            shard: None,
            machine: Some(crate::machine::Machine::this(go_version)),
            merged: Vec::new(),
            toolchain: None,
            size_split: None,
            explain: None,
        }
    }

    /// The config named `name`.
    pub fn config(&self, name: &str) -> Option<&ConfigResult> {
        self.configs.iter().find(|c| c.name == name)
    }

    /// The figures from the samples — every config's `startup`, the floor's — the self-checks,
    /// and the ranking without the figures a failed check suspends, with the run's saved rank
    /// settings (the defaults for a run saved without them). `tune` ends with it, and a saved
    /// run is read through it, so a run cut short ranks what it has.
    pub fn recompute(&mut self) {
        for c in &mut self.configs {
            c.startup = if c.build.ok && c.probe_failure.is_none() { Startup::from_samples(&c.samples) } else { None };
        }
        if let Some(floor) = &mut self.floor {
            if let Some(startup) = Startup::from_samples(&floor.samples) {
                floor.startup = startup;
            }
        }
        self.check();
        let rank = self.rank.clone().unwrap_or_default();
        self.verdict =
            crate::rank::rank_without(&mut self.configs, &self.baseline, &rank, &self.target.package, &self.suspended);
        if let Some(end) = self.schedule.as_ref().and_then(|s| s.end.as_ref()) {
            crate::rank::race_note(&mut self.verdict, end, &self.configs);
        }
        self.effects = crate::search::effects::of_run(self);
        self.verdict.toolchain = crate::toolchain::mismatch(self);
    }

    /// Makes the self-checks from what the run records, and the figures they suspend.
    pub fn check(&mut self) {
        self.checks = checks::check(self);
        self.suspended = checks::suspended(&self.checks);
    }

    /// The self-checks that failed.
    pub fn failed_checks(&self) -> impl Iterator<Item = &checks::Outcome> {
        self.checks.iter().filter(|c| !c.ok)
    }

    /// For a run that did not finish, one line saying so: how far it got, why it stopped, and
    /// how to finish it. `None` for a complete run.
    pub fn incomplete(&self) -> Option<String> {
        let what = match self.status {
            Status::Complete => return None,
            Status::Partial => "partial run",
            Status::Interrupted => "interrupted run",
        };
        let why = match &self.stopped {
            Some(why) => format!(" ({why})"),
            None if self.status == Status::Partial => {
                " (saved midway: the run was killed, failed to save, or is still running)".to_owned()
            }
            None => String::new(),
        };
        let (done, planned) = (self.rounds.done, self.rounds.planned);
        let rounds = match (self.measure.schedule, self.measure.precision) {
            (ScheduleKind::Precision, Some(p)) => format!(
                "{done} of at most {planned} timed rounds measured (fewer if every median is known within ±{}% sooner)",
                (p * 100.0 * 1000.0).round() / 1000.0
            ),
            (ScheduleKind::Race, _) => {
                format!("{done} of at most {planned} timed rounds raced (fewer once the verdict is resolved)")
            }
            _ => format!("{done} of {planned} timed rounds measured"),
        };
        Some(format!("{what}{why}: {rounds}, ranked on what was measured; {}", self.continuing()))
    }

    /// How to finish this run when it stopped early: `--resume` for a run `tune` made alone; a
    /// screened run (two stages) or a merged one is made again instead.
    pub fn continuing(&self) -> String {
        if !self.merged.is_empty() {
            "a merged run is not resumed: resume its shards, then merge them again".to_owned()
        } else if self.search.as_ref().is_some_and(|s| s.strategy == crate::search::Strategy::Screen) {
            "a screened run cannot be resumed: `gostart tune` runs it again".to_owned()
        } else {
            format!("`gostart tune --resume {}` continues it", self.run_id)
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetInfo {
    pub package: String,
    pub import_path: String,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub expect_exit: i32,
}

impl TargetInfo {
    /// The target as gostart resolved it (`ws`) and as the config starts it.
    pub fn new(config: &crate::config::Config, ws: &crate::target::Workspace) -> TargetInfo {
        TargetInfo {
            package: ws.package.clone(),
            import_path: ws.import_path.clone(),
            args: config.target.args.clone(),
            env: config.target.env.clone(),
            expect_exit: config.target.expect_exit,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfigResult {
    pub name: String,
    pub id: String,
    /// Configs that differ only in `runenv` share a build and so a `build_id`.
    pub build_id: String,
    pub flags: Flags,
    /// The exact `go build` argv (the binary path relative to the run dir's parent is absolute).
    pub argv: Vec<String>,
    /// Build environment set on top of gostart's own.
    pub env: BTreeMap<String, String>,
    /// The Go that built this config's binary, from its build info (`go version -m`): not the
    /// run's own `go_version` when a `GOTOOLCHAIN` setting chose another. `null` when nothing
    /// was built (and in results written before this field existed).
    #[serde(default)]
    pub go_version: Option<String>,
    pub build: BuildOutcome,
    pub size: Option<Size>,
    /// The compiler's escape and inlining figures for the module's own code; `null` when
    /// not collected (`--no-escapes`, or the build failed).
    #[serde(default)]
    pub escapes: Option<Escapes>,
    pub startup: Option<Startup>,
    /// Per-package init cost from GODEBUG=inittrace=1 runs.
    #[serde(default)]
    pub init: Option<InitProfile>,
    /// Why the probe failed, when it did.
    pub probe_failure: Option<Failure>,
    pub ratios: Option<Ratios>,
    pub score: Option<f64>,
    /// On the Pareto front of the configs that may be recommended (ranked, unguarded, or the
    /// baseline); the recommendation always is.
    pub pareto: bool,
    /// On the Pareto front of every ranked config, guarded ones included; `null` before the
    /// configs are ranked (and in results written before this field existed).
    #[serde(default)]
    pub pareto_all: Option<bool>,
    /// Why this config is kept out of the recommendation (forbidden flag, portability, a
    /// regression beyond a bound); empty when it is not.
    #[serde(default)]
    pub guards: Vec<String>,
    /// When and why the schedule stopped running this config before the end (a race's drops);
    /// `null` when it ran every round (and in results written before this field existed).
    #[serde(default)]
    pub dropped: Option<schedule::Dropped>,
    /// Its value index on each axis of the matrix (`search.axes`), for the effects fit; `null`
    /// for a config the axes do not make (and in results written before this field existed).
    #[serde(default)]
    pub levels: Option<Vec<u32>>,
    pub samples: Vec<Sample>,
}

impl ConfigResult {
    /// A config as its build leaves it: built (or not, as `build` says), nothing measured yet.
    /// Its `env` and `go_version` come from its flags and its build.
    pub fn built(
        name: String,
        id: String,
        build_id: String,
        flags: Flags,
        argv: Vec<String>,
        build: BuildOutcome,
        size: Option<Size>,
    ) -> ConfigResult {
        ConfigResult {
            name,
            id,
            build_id,
            env: flags.env.clone(),
            flags,
            argv,
            go_version: build.go_version.clone(),
            build,
            size,
            escapes: None,
            startup: None,
            init: None,
            probe_failure: None,
            ratios: None,
            score: None,
            pareto: false,
            pareto_all: None,
            dropped: None,
            levels: None,
            guards: Vec::new(),
            samples: Vec::new(),
        }
    }

    /// Built and probed without failure: the config can be ranked.
    pub fn usable(&self) -> bool {
        self.build.ok && self.probe_failure.is_none() && self.startup.is_some() && self.size.is_some()
    }
}

/// The escape report's summary for one config (shared by configs with the same compile flags).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Escapes {
    pub compile_id: String,
    /// `json+m` or `m`: which compiler output the figures come from.
    pub source: Option<String>,
    /// The full report, relative to the run folder.
    pub report: Option<String>,
    /// The diagnostic compile: ok, wall time, go's message when it failed.
    pub collect: Collected,
    #[serde(flatten)]
    pub counts: Counts,
}

/// Each figure as a ratio to the baseline (below 1.0 is better). A noisy figure (startup, max
/// RSS, CPU) is the Hodges–Lehmann estimate of its per-round ratios to the baseline's run of
/// the same round, with that estimate's distribution-free 95% interval; `*_noise` is true when
/// the interval contains 1.0 or rests on fewer than 10 rounds, and the score then counts no
/// change. See [`Figure`] and docs/statistics.md.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ratios {
    pub startup: f64,
    pub startup_ci95: [f64; 2],
    /// The startup interval contains 1.0: no difference gostart can tell from noise.
    pub startup_noise: bool,
    /// Two-sided p-value of the paired Wilcoxon signed-rank test of the per-round startup
    /// ratios (Mann-Whitney U of the two samples in runs saved before gostart paired it).
    #[serde(default)]
    pub startup_p: f64,
    pub size: f64,
    /// One build per config: no interval.
    pub build: f64,
    /// Peak RSS of a probe run (median over the rounds); see the README on the runner's share.
    #[serde(default)]
    pub max_rss: Option<f64>,
    #[serde(default)]
    pub max_rss_ci95: Option<[f64; 2]>,
    #[serde(default)]
    pub max_rss_noise: bool,
    /// Heap allocation sites, (config + 1) / (baseline + 1); `null` without escape reports.
    pub escapes: Option<f64>,
    /// CPU time of a probe run, user + sys (median over the rounds); `null` when the kernel
    /// counted it in whole scheduler ticks.
    #[serde(default)]
    pub cpu: Option<f64>,
    #[serde(default)]
    pub cpu_ci95: Option<[f64; 2]>,
    #[serde(default)]
    pub cpu_noise: bool,
}

impl Ratios {
    /// Every figure's ratio, from the figure table; `None` when a figure every config has
    /// (startup, size, build) is missing.
    pub fn from_figures(mut ratio: impl FnMut(Figure) -> Option<Ratio>) -> Option<Ratios> {
        let startup = ratio(Figure::Startup)?;
        let max_rss = ratio(Figure::MaxRss);
        let cpu = ratio(Figure::Cpu);
        Some(Ratios {
            startup: startup.value,
            startup_ci95: startup.ci95.unwrap_or([startup.value; 2]),
            startup_noise: startup.noise,
            startup_p: startup.p.unwrap_or(1.0),
            size: ratio(Figure::Size)?.value,
            build: ratio(Figure::Build)?.value,
            max_rss: max_rss.map(|r| r.value),
            max_rss_ci95: max_rss.and_then(|r| r.ci95),
            max_rss_noise: max_rss.is_some_and(|r| r.noise),
            escapes: ratio(Figure::Escapes).map(|r| r.value),
            cpu: cpu.map(|r| r.value),
            cpu_ci95: cpu.and_then(|r| r.ci95),
            cpu_noise: cpu.is_some_and(|r| r.noise),
        })
    }

    /// One figure's ratio as recorded here; `None` when it was not measured.
    pub fn get(&self, f: Figure) -> Option<Ratio> {
        let noisy = |value: Option<f64>, ci95: Option<[f64; 2]>, noise: bool| {
            value.map(|value| Ratio { value, ci95, p: None, noise })
        };
        match f {
            Figure::Startup => Some(Ratio {
                value: self.startup,
                ci95: Some(self.startup_ci95),
                p: Some(self.startup_p),
                noise: self.startup_noise,
            }),
            Figure::Size => Some(Ratio::exact(self.size)),
            Figure::Build => Some(Ratio::exact(self.build)),
            Figure::Escapes => self.escapes.map(Ratio::exact),
            Figure::MaxRss => noisy(self.max_rss, self.max_rss_ci95, self.max_rss_noise),
            Figure::Cpu => noisy(self.cpu, self.cpu_ci95, self.cpu_noise),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Verdict {
    pub recommended: Option<String>,
    pub reason: String,
    /// The next best configuration that also beats the baseline.
    #[serde(default)]
    pub runner_up: Option<String>,
    /// The configurations not worse than the best score beyond noise, the best first, among
    /// which the recommendation was chosen by the fewest changes from a plain build, then the
    /// exact figures; empty in runs saved before gostart chose so.
    #[serde(default)]
    pub contenders: Vec<String>,
    /// The `go build` command line of the recommendation.
    #[serde(default)]
    pub command: Option<String>,
    /// The recommendation as a `[profile.release]` table for gostart.toml.
    #[serde(default)]
    pub profile: Option<String>,
    /// The recommendation's run environment (`[matrix.runenv]`: GOGC, GOMAXPROCS, ...), which
    /// the program must be started with, as no build can carry it; empty when it has none.
    #[serde(default)]
    pub runenv: BTreeMap<String, String>,
    /// The command line that starts the recommendation's build with it (`GOGC=off ./app`);
    /// `null` without a run environment.
    #[serde(default)]
    pub run_command: Option<String>,
    /// The recommendation was built by another Go than the module's build selects (see
    /// `toolchain`); absent when they agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<crate::toolchain::Mismatch>,
}
