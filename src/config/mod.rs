//! Configuration: built-in defaults < user-wide config < gostart.toml < command line,
//! resolved into concrete values the rest of the pipeline uses without further defaulting.

mod error;
pub mod limits;
pub mod presets;
mod resolve;
#[cfg(test)]
mod tests;
mod toml;
pub mod user;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::flags::Flags;
use crate::matrix::MatrixSpec;
use crate::rank::{Figure, PerFigure};

pub use resolve::{load, parse, profiles_from_src};
// The built-in `[measure]` defaults, for `gostart init`.
pub(crate) use resolve::{DEFAULT_MAX_RUNS, DEFAULT_RUNS, DEFAULT_SEED, DEFAULT_TIMEOUT, DEFAULT_WARMUP};

/// The name of the project config file.
pub const FILE_NAME: &str = "gostart.toml";

/// What the program under test is and how it is started.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Target {
    /// A `go build` package argument naming one main package.
    pub package: String,
    /// Probe argv after the program name.
    pub args: Vec<String>,
    /// Probe environment added to gostart's own.
    pub env: BTreeMap<String, String>,
    /// The exit code a successful probe run returns.
    pub expect_exit: i32,
}

/// How startup is measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measure {
    /// Which configs run in each round and when measuring stops (`race` unless set). A run
    /// saved before schedules existed ran fixed rounds.
    #[serde(default = "fixed_before_schedules")]
    pub schedule: crate::measure::schedule::ScheduleKind,
    /// Timed rounds: each runs every config once (the fixed schedule; the least for precision).
    pub runs: u32,
    /// Untimed runs per config before the first round.
    pub warmup: u32,
    /// A probe run longer than this is killed and recorded as failed.
    #[serde(with = "humantime_serde_compat")]
    pub timeout: Duration,
    /// Seeds the shuffled order of every round.
    pub seed: u64,
    /// The precision schedule's goal: add rounds until every config's median is known within
    /// this fraction (95% CI half-width / median), up to `max_runs`.
    #[serde(default)]
    pub precision: Option<f64>,
    /// Cap on the rounds of the race and of the precision schedule.
    #[serde(default)]
    pub max_runs: u32,
    /// Evict each binary from the page cache before every run.
    #[serde(default)]
    pub cold: bool,
    /// One extra run per config with GODEBUG=inittrace=1, for per-package init costs.
    #[serde(default)]
    pub inittrace: bool,
    /// Pin probe runs to this CPU.
    #[serde(default)]
    pub pin: Option<usize>,
    /// A `go build` (or the escape pass's compile) that takes longer is stopped and recorded
    /// as timed out. `None`: no limit.
    #[serde(default, with = "humantime_serde_compat::option")]
    pub build_timeout: Option<Duration>,
}

/// How configurations are compared.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rank {
    /// Name or id of the baseline config; `None`: a plain `go build`.
    pub baseline: Option<String>,
    /// `file:line:col` of the baseline setting, for error messages.
    pub baseline_at: Option<String>,
    pub weights: Weights,
    /// Guards: figure → largest acceptable ratio above 1.0 (e.g. `startup` → 0.05).
    pub max_regression: BTreeMap<Figure, f64>,
    /// Flags a recommended config may not carry (matched against the words of its
    /// ldflags, gcflags and asmflags).
    pub forbid: Vec<String>,
    /// The highest GOAMD64 level the target machines support.
    pub goamd64: String,
}

impl Default for Rank {
    fn default() -> Self {
        Rank {
            baseline: None,
            baseline_at: None,
            weights: Weights::default(),
            max_regression: BTreeMap::new(),
            forbid: DEFAULT_FORBID.iter().map(|s| s.to_string()).collect(),
            goamd64: "v1".to_owned(),
        }
    }
}

/// Debug flags no release should carry: no optimization, no inlining, the race detector.
pub const DEFAULT_FORBID: &[&str] = &["-N", "-l", "-race", "-asan", "-msan"];

/// Weights of each figure's log-ratio in the score, one per [`Figure`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Weights(pub PerFigure<f64>);

impl Default for Weights {
    fn default() -> Self {
        Weights(PerFigure::from_fn(Figure::default_weight))
    }
}

impl std::ops::Index<Figure> for Weights {
    type Output = f64;
    fn index(&self, f: Figure) -> &f64 {
        &self.0[f]
    }
}

/// The fully resolved configuration of one gostart invocation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// The directory gostart acts in (`-C`).
    pub dir: PathBuf,
    /// The gostart.toml read, if any.
    pub file: Option<PathBuf>,
    pub go: PathBuf,
    pub jobs: usize,
    pub max_configs: usize,
    pub target: Target,
    pub measure: Measure,
    pub matrix: MatrixSpec,
    pub rank: Rank,
    pub profiles: BTreeMap<String, Flags>,
    /// `tune --shard K/N`: this run measures one part of the matrix (and the baseline).
    #[serde(default)]
    pub shard: Option<crate::shard::Shard>,
    /// `[search]`: which configurations of the matrix `tune` builds.
    #[serde(default)]
    pub search: crate::search::Settings,
    /// Collect the compiler's escape and inlining report for each compile configuration.
    pub escapes: bool,
    /// Where each setting's value came from: `default`, `user:PATH`, `project:PATH`, `cli`, `env:VAR`.
    pub provenance: BTreeMap<String, String>,
}

impl Config {
    /// The expanded matrix; an unknown baseline is reported at its place in gostart.toml.
    /// Checks that every command fits what the system takes, and prints the expansion's notes
    /// (merged configurations) as warnings on stderr.
    pub fn expand(&self) -> anyhow::Result<crate::matrix::Expanded> {
        // A full run builds every configuration: `max_configs` bounds the matrix. Screening
        // builds a design within `[search] max_builds`, so the matrix may be as large as gostart
        // expands at all (`tune` checks `max_configs` again when `auto` chooses a full run).
        let limit = match self.search.strategy {
            crate::search::Strategy::Full => self.max_configs,
            _ => self.max_configs.max(crate::matrix::MAX_CONFIGS),
        };
        let expanded =
            crate::matrix::expand(&self.matrix, self.rank.baseline.as_deref(), limit).map_err(|e| {
                match (e.downcast_ref::<crate::matrix::UnknownBaseline>(), &self.rank.baseline_at) {
                    (Some(_), Some(at)) => anyhow::anyhow!("{at}: {e}"),
                    _ => e,
                }
            })?;
        limits::check_commands(self, &expanded)?;
        for note in &expanded.notes {
            eprintln!("warning: {note}");
        }
        Ok(expanded)
    }
}

fn fixed_before_schedules() -> crate::measure::schedule::ScheduleKind {
    crate::measure::schedule::ScheduleKind::Fixed
}

/// What the command line says; `None` leaves the setting to the config files.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub dir: PathBuf,
    pub config_file: Option<PathBuf>,
    pub matrix_file: Option<PathBuf>,
    pub preset: Option<String>,
    pub go: Option<(PathBuf, String)>,
    pub jobs: Option<usize>,
    pub schedule: Option<crate::measure::schedule::ScheduleKind>,
    pub runs: Option<u32>,
    pub warmup: Option<u32>,
    pub timeout: Option<Duration>,
    pub seed: Option<u64>,
    pub precision: Option<f64>,
    pub max_runs: Option<u32>,
    pub cold: bool,
    pub no_inittrace: bool,
    pub pin: Option<usize>,
    pub no_escapes: bool,
    pub max_configs: usize,
    pub strategy: Option<crate::search::Strategy>,
    pub max_builds: Option<usize>,
    pub shard: Option<crate::shard::Shard>,
}

/// The gostart.toml that applies in `dir`: in `dir` or a parent, up to the module root. The
/// walk is on the real path (links and `..` resolved) as go's is, so it reaches the root
/// `module_root` names even from a symbolic link into the module.
pub fn find_file(dir: &Path) -> Option<PathBuf> {
    let real = dir.canonicalize().ok();
    for d in real.as_deref().unwrap_or(dir).ancestors() {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join("go.mod").is_file() {
            break;
        }
    }
    None
}

/// Durations in the resolved config serialize as human-readable text (`"10s"`).
mod humantime_serde_compat {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text).map_err(de::Error::custom)
    }

    /// The same for an optional duration (`null` when unset).
    pub mod option {
        use std::time::Duration;

        use serde::{Deserialize, Deserializer, Serializer, de};

        pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| humantime::parse_duration(&text).map_err(de::Error::custom))
                .transpose()
        }
    }
}
