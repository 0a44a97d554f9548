//! Search: which configurations of the matrix are built and measured.
//!
//! - `full` builds every configuration of the matrix.
//! - `screen` builds the runs of a two-level fractional factorial design ([`design`]), fits
//!   each figure's log-ratio to the baseline as effects of the axes' values ([`fit`]), predicts
//!   the best configuration under the weights and guards ([`predict`]), then builds and races
//!   the prediction and its nearest alternatives head to head with the baseline: the verdict
//!   names a configuration that was built and measured, never only a predicted one.
//! - `auto` (the default) is `full` up to `[search] max_builds` distinct builds, `screen` above.
//!
//! The effects table ([`effects`]) comes from the same fit for both: what each axis value does
//! to each figure, against the baseline's value of that axis.

pub mod coding;
pub mod design;
pub mod effects;
pub mod fit;
pub mod predict;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::matrix::{Expanded, MatrixSpec, Setting};
use crate::measure::schedule::Dropped;
use crate::rank::Figure;
use crate::results::Ratios;

/// `[search] strategy` and `tune --strategy`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// `full` up to `max_builds` distinct builds, `screen` above.
    #[default]
    Auto,
    /// Build every configuration of the matrix.
    Full,
    /// Build a fractional factorial design, fit, predict, confirm.
    Screen,
}

impl Strategy {
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Auto => "auto",
            Strategy::Full => "full",
            Strategy::Screen => "screen",
        }
    }
}

/// The default `[search] max_builds`: above it, `auto` screens.
pub const DEFAULT_MAX_BUILDS: usize = 32;

/// The resolved `[search]` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub strategy: Strategy,
    /// `auto` screens a matrix of more distinct builds than this; the design's runs stay
    /// within it.
    pub max_builds: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { strategy: Strategy::Auto, max_builds: DEFAULT_MAX_BUILDS }
    }
}

/// One axis of the matrix as the design and the fit see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AxisInfo {
    /// `ldflags`, `env.GOAMD64`, `runenv.GOGC`...
    pub key: String,
    /// Its values as written, in order (an empty value as `""`).
    pub values: Vec<String>,
    /// The index of the value effects are measured against: the baseline's value of this axis
    /// (the first value when the baseline is not a combination of the axes).
    pub reference: u32,
}

/// What the search did, recorded in results.json as `search`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Search {
    /// What was asked for (`auto` unless set).
    pub requested: Strategy,
    /// What was done: `full` or `screen`.
    pub strategy: Strategy,
    /// Why, in one line (`auto`: "128 configurations in 128 builds, more than max_builds = 32").
    pub why: String,
    pub max_builds: usize,
    /// Configurations and distinct builds of the whole matrix.
    pub matrix_configs: usize,
    pub matrix_builds: usize,
    /// Distinct `go build`s this run made (design and confirmation together).
    pub builds: usize,
    pub axes: Vec<AxisInfo>,
    /// The screening design; `null` for a full run.
    #[serde(default)]
    pub design: Option<design::Design>,
    /// Each run of the design as built and measured in the design stage; empty for a full run.
    #[serde(default)]
    pub design_runs: Vec<DesignRun>,
    /// The configuration the fit predicted best, and the alternatives confirmed with it.
    #[serde(default)]
    pub prediction: Option<predict::Prediction>,
    /// The configurations measured in the confirmation stage (the run's `configs`).
    #[serde(default)]
    pub confirmed: Vec<String>,
}

/// One run of the design, as the design stage measured it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DesignRun {
    pub name: String,
    pub id: String,
    /// Value index per axis (in `search.axes` order).
    pub levels: Vec<u32>,
    /// The design's run was excluded by `[[matrix.exclude]]`: this is the nearest allowed
    /// combination (in axes changed) that stood in for it.
    #[serde(default)]
    pub substituted: bool,
    /// Its figures as ratios to the baseline of the design stage; `null` when it failed to
    /// build or run.
    pub ratios: Option<Ratios>,
    /// Rounds it ran in the design stage's race.
    pub rounds: u32,
    #[serde(default)]
    pub dropped: Option<Dropped>,
    /// Why it has no figures: its build's or probe's failure.
    #[serde(default)]
    pub failure: Option<String>,
}

/// One axis value's effect on one figure: the ratio a configuration's figure changes by when
/// this axis takes `value` instead of the reference (the baseline's value), the others alike.
/// In results.json as `effects`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    pub axis: String,
    pub value: String,
    /// The value it is measured against (the baseline's value of the axis).
    pub reference: String,
    pub figure: Figure,
    pub ratio: f64,
    /// 95% interval of the ratio; equal ends when the fit leaves no spread to estimate (an exact
    /// figure in a design with no residual degrees of freedom).
    pub ci95: [f64; 2],
    /// The interval contains 1.0: no effect gostart can tell from noise.
    pub noise: bool,
}

/// A design family's name in a sentence.
pub fn kind_words(kind: design::Kind) -> &'static str {
    match kind {
        design::Kind::Full => "full factorial",
        design::Kind::Fractional => "regular two-level fraction",
        design::Kind::PlackettBurman => "Plackett–Burman",
    }
}

/// A design in a few words: `regular two-level fraction, resolution IV`.
pub fn design_words(kind: design::Kind, resolution: Option<u32>) -> String {
    match resolution {
        Some(r) if kind != design::Kind::Full => format!("{}, resolution {}", kind_words(kind), roman(r)),
        _ => kind_words(kind).to_owned(),
    }
}

/// Resolutions as designs are named: III, IV, V...
pub fn roman(n: u32) -> String {
    const NUMERALS: [(u32, &str); 9] =
        [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];
    let mut n = n;
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// The text of an axis value as the matrix writes it (`""` for the empty value).
pub fn value_text(v: &Setting) -> String {
    match v {
        Setting::Text(s) => s.clone(),
        Setting::Bool(b) => b.to_string(),
        Setting::List(l) => l.join(","),
    }
}

/// The axes as the fit sees them, with each one's reference value: the baseline's.
pub fn axes(spec: &MatrixSpec, expanded: &Expanded) -> Vec<AxisInfo> {
    let base = expanded.configs.iter().find(|c| c.name == expanded.baseline).and_then(|c| c.levels.first());
    spec.axes
        .iter()
        .enumerate()
        .map(|(a, axis)| AxisInfo {
            key: axis.key.clone(),
            values: axis.values.iter().map(value_text).collect(),
            reference: base.map_or(0, |l| l[a]),
        })
        .collect()
}

/// Distinct builds among `configs` (configs differing only in `runenv` share one).
pub fn distinct_builds<'a>(build_ids: impl IntoIterator<Item = &'a str>) -> usize {
    build_ids.into_iter().collect::<BTreeSet<_>>().len()
}

/// What `settings` choose for `expanded`: `full` or `screen`, and why, in one line.
pub fn choose(settings: &Settings, expanded: &Expanded) -> (Strategy, String) {
    let configs = expanded.configs.len();
    let builds = distinct_builds(expanded.configs.iter().map(|c| c.build_id.as_str()));
    let size = format!("{configs} configurations in {builds} builds");
    match settings.strategy {
        Strategy::Full => (Strategy::Full, format!("{size}; strategy = \"full\" builds them all")),
        Strategy::Screen => (Strategy::Screen, format!("{size}; strategy = \"screen\" builds a design")),
        Strategy::Auto if builds <= settings.max_builds => {
            (Strategy::Full, format!("{size}, within max_builds = {}: every one is built", settings.max_builds))
        }
        Strategy::Auto => (
            Strategy::Screen,
            format!(
                "{size}, more than max_builds = {}: screening builds a fractional design, fits each \
                 figure's effects, and confirms the prediction head to head with the baseline",
                settings.max_builds
            ),
        ),
    }
}
