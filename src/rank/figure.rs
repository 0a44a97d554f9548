//! The figures configurations are ranked on, listed once: each one's name (in gostart.toml and
//! results.json), how its ratio to the baseline is taken, whether it is exact or noisy, and its
//! default weight. Weights, ratios, the score, the Pareto front and the guards iterate over
//! [`Figure::ALL`].

use std::fmt;
use std::ops::Index;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::measure::{Sample, stats};
use crate::results::ConfigResult;

/// Fewer paired rounds than this and no difference is claimed: it is reported, but counted as
/// noise.
pub const MIN_ROUNDS_FOR_A_CLAIM: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Figure {
    /// Spawn-to-reap wall time of a probe run.
    Startup,
    /// The binary's file size.
    Size,
    /// Wall time of the config's `go build`.
    Build,
    /// Heap allocation sites in the module's own code, from the escape report.
    Escapes,
    /// Peak resident memory of a probe run.
    MaxRss,
    /// CPU time (user + sys) of a probe run.
    Cpu,
}

/// How far a figure's ratio can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The same on every measurement (a file size, a compiler's count): the ratio is exact.
    Exact,
    /// Measured in every round: the Hodges–Lehmann estimate of the per-round ratios (each run
    /// against the baseline's run of the same round, on the log scale), with its distribution-free
    /// 95% interval and the paired Wilcoxon signed-rank test. Within noise when the interval
    /// contains 1.0 or rests on fewer than [`MIN_ROUNDS_FOR_A_CLAIM`] rounds.
    Paired,
    /// Measured once per configuration: a ratio without an interval.
    Single,
}

/// One figure of a config as a ratio to the baseline's (below 1.0 is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    pub value: f64,
    /// The 95% interval, for a [`Kind::Paired`] figure.
    pub ci95: Option<[f64; 2]>,
    /// The two-sided p-value of the paired Wilcoxon signed-rank test, for a [`Kind::Paired`] figure.
    pub p: Option<f64>,
    /// No difference gostart can tell from noise: shown `~`, counted as 1.0.
    pub noise: bool,
}

impl Ratio {
    pub fn exact(value: f64) -> Ratio {
        Ratio { value, ci95: None, p: None, noise: false }
    }

    /// The ratio as the score, the Pareto front and the guards see it: 1.0 within noise.
    pub fn effective(&self) -> f64 {
        if self.noise { 1.0 } else { self.value }
    }
}

impl Figure {
    /// Every figure, in the order tables and results.json list them.
    pub const ALL: [Figure; 6] =
        [Figure::Startup, Figure::Size, Figure::Build, Figure::Escapes, Figure::MaxRss, Figure::Cpu];
    pub const COUNT: usize = Figure::ALL.len();
    /// The names, as serde's "expected one of" lists them.
    pub const NAMES: [&'static str; Figure::COUNT] = {
        let mut names = [""; Figure::COUNT];
        let mut i = 0;
        while i < Figure::COUNT {
            names[i] = Figure::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The key in `[rank] weights` and `max_regression`, and the field in results.json's `ratios`.
    pub const fn name(self) -> &'static str {
        match self {
            Figure::Startup => "startup",
            Figure::Size => "size",
            Figure::Build => "build",
            Figure::Escapes => "escapes",
            Figure::MaxRss => "max_rss",
            Figure::Cpu => "cpu",
        }
    }

    pub const fn kind(self) -> Kind {
        match self {
            Figure::Startup | Figure::MaxRss | Figure::Cpu => Kind::Paired,
            Figure::Size | Figure::Escapes => Kind::Exact,
            // One build per config, and go's build cache decides much of its time.
            Figure::Build => Kind::Single,
        }
    }

    /// Build time depends on go's build cache (the first `GOAMD64=v3` build recompiles the
    /// standard library) and is measured once: off unless set. CPU time is off too, startup
    /// being the time a user waits. Max RSS (the program's own, through the spawner) counts a
    /// little: memory is what a container is sized by.
    pub const fn default_weight(self) -> f64 {
        match self {
            Figure::Startup => 1.0,
            Figure::Size => 0.5,
            Figure::Build | Figure::Cpu => 0.0,
            Figure::Escapes => 0.1,
            Figure::MaxRss => 0.2,
        }
    }

    /// The figure in the verdict's words.
    pub const fn label(self) -> &'static str {
        match self {
            Figure::Startup => "startup",
            Figure::Size => "size",
            Figure::Build => "build time",
            Figure::Escapes => "heap allocation sites",
            Figure::MaxRss => "max RSS",
            Figure::Cpu => "CPU time",
        }
    }

    /// `c`'s figure as a ratio to `base`'s; `None` when either lacks it.
    pub fn ratio(self, c: &ConfigResult, base: &ConfigResult) -> Option<Ratio> {
        match self {
            Figure::Startup => paired(c, base, |s| s.wall_ns as f64),
            Figure::Size => Some(Ratio::exact(c.size.as_ref()?.bytes as f64 / base.size.as_ref()?.bytes.max(1) as f64)),
            Figure::Build => Some(Ratio::exact(c.build.wall_ns as f64 / base.build.wall_ns.max(1) as f64)),
            Figure::Escapes => {
                // + 1: a config without heap sites against one with some is not a division by 0.
                let heap =
                    |c: &ConfigResult| c.escapes.as_ref().filter(|e| e.collect.ok).map(|e| e.counts.heap as f64 + 1.0);
                Some(Ratio::exact(heap(c)? / heap(base)?))
            }
            Figure::MaxRss => paired(c, base, |s| s.max_rss_kib as f64),
            Figure::Cpu if cpu_resolved(&c.samples) && cpu_resolved(&base.samples) => {
                paired(c, base, |s| cpu_ns(s) as f64)
            }
            Figure::Cpu => None,
        }
    }

    /// A [`Kind::Paired`] figure's value in one run; `None` for the figures measured once.
    pub fn per_sample(self, s: &Sample) -> Option<f64> {
        match self {
            Figure::Startup => Some(s.wall_ns as f64),
            Figure::MaxRss => Some(s.max_rss_kib as f64),
            Figure::Cpu => Some(cpu_ns(s) as f64),
            Figure::Size | Figure::Build | Figure::Escapes => None,
        }
    }
}

/// A run's CPU time, user + sys. On Linux that sum is the scheduler's own count of the child's
/// runtime, to the microsecond; the split between user and sys is sampled at scheduler ticks
/// (a short run has all of it in one or the other), so neither is a figure on its own.
pub fn cpu_ns(s: &Sample) -> u64 {
    s.user_ns + s.sys_ns
}

/// Whether a config's CPU times resolve below a scheduler tick (1 ms at HZ = 1000, the
/// finest): a kernel that counts whole ticks would give only whole milliseconds, a resolution
/// as coarse as the figure itself.
pub fn cpu_resolved(samples: &[Sample]) -> bool {
    let cpu: Vec<u64> = samples.iter().map(cpu_ns).collect();
    stats::resolves_below(&cpu, 1_000_000)
}

/// A per-round figure of `c` against `base`, the runs paired by round (both ran in the same
/// round, close in time), with its interval, test and the noise rule; `None` when no round
/// pairs them with positive values.
fn paired(c: &ConfigResult, base: &ConfigResult, figure: fn(&Sample) -> f64) -> Option<Ratio> {
    if c.name == base.name {
        return Some(Ratio { value: 1.0, ci95: Some([1.0, 1.0]), p: Some(1.0), noise: true });
    }
    let pairs: Vec<(f64, f64)> = c
        .samples
        .iter()
        .filter_map(|s| {
            let b = base.samples.iter().find(|b| b.round == s.round)?;
            Some((figure(s), figure(b)))
        })
        .collect();
    let (location, p) = stats::paired_log_ratio(&pairs, 0.95)?;
    let (value, ci) = (location.estimate.exp(), location.ci.map(f64::exp));
    if !(value.is_finite() && value > 0.0) {
        return None;
    }
    let noise = (ci[0] <= 1.0 && 1.0 <= ci[1]) || pairs.len() < MIN_ROUNDS_FOR_A_CLAIM;
    Some(Ratio { value, ci95: Some(ci), p: Some(p), noise })
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// By name; anything else is an unknown field, so a misspelt `[rank] weights` key gets serde's
/// "expected one of" list and gostart's "did you mean".
impl<'de> Deserialize<'de> for Figure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Figure;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a figure name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Figure, E> {
                Figure::ALL.into_iter().find(|f| f.name() == v).ok_or_else(|| E::unknown_field(v, &Figure::NAMES))
            }
        }
        d.deserialize_str(Name)
    }
}

/// One value per figure, in [`Figure::ALL`] order; serialised as a map from figure name to
/// value, every figure present.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerFigure<T>([T; Figure::COUNT]);

impl<T> PerFigure<T> {
    pub fn from_fn(f: impl FnMut(Figure) -> T) -> Self {
        PerFigure(Figure::ALL.map(f))
    }

    pub fn iter(&self) -> impl Iterator<Item = (Figure, &T)> {
        Figure::ALL.into_iter().zip(&self.0)
    }
}

impl<T> Index<Figure> for PerFigure<T> {
    type Output = T;
    fn index(&self, f: Figure) -> &T {
        &self.0[f as usize]
    }
}

impl<T: Serialize> Serialize for PerFigure<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(Figure::COUNT))?;
        for (f, v) in self.iter() {
            map.serialize_entry(f.name(), v)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PerFigure<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Values<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Values<T> {
            type Value = PerFigure<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table with a value for each figure")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PerFigure<T>, A::Error> {
                let mut values: [Option<T>; Figure::COUNT] = Default::default();
                while let Some(f) = map.next_key::<Figure>()? {
                    values[f as usize] = Some(map.next_value()?);
                }
                let mut out = Vec::with_capacity(Figure::COUNT);
                for (f, v) in Figure::ALL.into_iter().zip(values) {
                    out.push(v.ok_or_else(|| de::Error::missing_field(f.name()))?);
                }
                out.try_into().map(PerFigure).map_err(|_| de::Error::custom("one value per figure"))
            }
        }
        d.deserialize_map(Values(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for (i, f) in Figure::ALL.into_iter().enumerate() {
            assert_eq!(f as usize, i, "PerFigure indexes by declaration order");
            assert_eq!(Figure::ALL.iter().filter(|g| g.name() == f.name()).count(), 1);
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<Figure>(&json).unwrap(), f);
        }
        let e = serde_json::from_str::<Figure>("\"sise\"").unwrap_err().to_string();
        assert!(e.starts_with("unknown field `sise`, expected one of `startup`, `size`"), "{e}");
    }

    #[test]
    fn per_figure_values_serialise_as_a_map_of_every_figure() {
        let w = PerFigure::from_fn(Figure::default_weight);
        let json = serde_json::to_value(w).unwrap();
        assert_eq!(json["startup"], 1.0);
        assert_eq!(json.as_object().unwrap().len(), Figure::COUNT);
        assert_eq!(serde_json::from_value::<PerFigure<f64>>(json.clone()).unwrap(), w);
        let mut partial = json;
        partial.as_object_mut().unwrap().remove("size");
        let e = serde_json::from_value::<PerFigure<f64>>(partial).unwrap_err().to_string();
        assert!(e.contains("missing field `size`"), "{e}");
    }
}
