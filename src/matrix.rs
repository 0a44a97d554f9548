//! Matrix expansion: axes × values, then `exclude` and `include` (GitHub Actions semantics),
//! into the list of configurations to build and measure.
//!
//! - The Cartesian product of every axis, in a fixed axis order.
//! - `[[matrix.exclude]]` removes every combination that matches all of the entry's keys.
//! - `[[matrix.include]]` then, for each entry: its keys that are axes must match a combination
//!   for the entry's other keys to be added to it (adding never overwrites an axis value);
//!   an entry that matches no combination becomes a new configuration of its own.
//! - Configurations with identical flags collapse into one; the baseline is added if missing.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::flags::Flags;

/// The value one axis takes in a configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Setting {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

/// A partial assignment of axis keys (`ldflags`, `env.GOAMD64`, `runenv.GOGC`...) to values.
pub type Point = BTreeMap<String, Setting>;

/// One axis: its key and the values it takes, in the order written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Axis {
    pub key: String,
    pub values: Vec<Setting>,
}

/// The resolved `[matrix]`: what `expand` turns into configurations.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MatrixSpec {
    /// Where the matrix came from: a file path or `preset:NAME`.
    pub source: String,
    pub axes: Vec<Axis>,
    pub include: Vec<Point>,
    pub exclude: Vec<Point>,
}

/// One configuration to build and measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigSpec {
    pub name: String,
    pub id: String,
    pub build_id: String,
    pub flags: Flags,
}

impl ConfigSpec {
    pub fn new(flags: Flags) -> Self {
        ConfigSpec { name: flags.name(), id: flags.id(), build_id: flags.build_id(), flags }
    }
}

/// The expanded matrix and which of its configurations is the baseline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expanded {
    pub configs: Vec<ConfigSpec>,
    pub baseline: String,
}

/// `[rank] baseline` names no configuration of the matrix.
#[derive(Debug, thiserror::Error)]
#[error("[rank] baseline = \"{wanted}\" names no configuration of the matrix; it has:\n  {}", names.join("\n  "))]
pub struct UnknownBaseline {
    pub wanted: String,
    pub names: Vec<String>,
}

/// Applies a point's settings over `flags`.
pub fn apply(flags: &mut Flags, point: &Point) {
    for (key, value) in point {
        let text = || match value {
            Setting::Text(s) => s.clone(),
            Setting::Bool(b) => b.to_string(),
            Setting::List(l) => l.join(","),
        };
        match key.as_str() {
            "ldflags" => flags.ldflags = text(),
            "gcflags" => flags.gcflags = text(),
            "asmflags" => flags.asmflags = text(),
            "trimpath" => flags.trimpath = matches!(value, Setting::Bool(true)),
            "buildmode" => flags.buildmode = text(),
            "pgo" => flags.pgo = text(),
            "tags" => {
                flags.tags = match value {
                    Setting::List(l) => l.clone(),
                    _ => text().split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
                }
            }
            other => {
                // An empty value leaves the variable as gostart's own environment has it.
                let table = match other.split_once('.') {
                    Some(("env", name)) => Some((&mut flags.env, name)),
                    Some(("runenv", name)) => Some((&mut flags.runenv, name)),
                    _ => None,
                };
                if let Some((table, name)) = table {
                    match text() {
                        v if v.is_empty() => table.remove(name),
                        v => table.insert(name.to_owned(), v),
                    };
                }
            }
        }
    }
}

fn matches(combo: &Point, entry: &Point) -> bool {
    entry.iter().all(|(k, v)| combo.get(k) == Some(v))
}

/// The number of configurations before include/exclude: the product of the axis lengths.
pub fn product_size(spec: &MatrixSpec) -> usize {
    spec.axes.iter().map(|a| a.values.len()).fold(1usize, usize::saturating_mul)
}

/// Expands `spec`; `baseline` names the config ratios are taken against (`None`: plain `go build`).
pub fn expand(spec: &MatrixSpec, baseline: Option<&str>, max_configs: usize) -> Result<Expanded> {
    let size = product_size(spec);
    if size > max_configs {
        bail!(
            "the matrix in {} has {size} configurations, more than the limit of {max_configs}; \
             remove axis values, add [[matrix.exclude]] entries, or raise the limit with --max-configs {size}",
            spec.source
        );
    }
    let axis_keys: BTreeSet<&str> = spec.axes.iter().map(|a| a.key.as_str()).collect();
    for entry in &spec.exclude {
        if let Some(k) = entry.keys().find(|k| !axis_keys.contains(k.as_str())) {
            bail!(
                "a [[matrix.exclude]] entry in {} names `{k}`, which is not an axis of the matrix (axes: {})",
                spec.source,
                axis_keys.iter().copied().collect::<Vec<_>>().join(", ")
            );
        }
    }

    let mut combos: Vec<Point> = vec![Point::new()];
    for axis in &spec.axes {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                axis.values.iter().map(move |v| {
                    let mut next = c.clone();
                    next.insert(axis.key.clone(), v.clone());
                    next
                })
            })
            .collect();
    }
    combos.retain(|c| !spec.exclude.iter().any(|e| matches(c, e)));

    let original = combos.len();
    for entry in &spec.include {
        let (fixed, extra): (Point, Point) =
            entry.iter().map(|(k, v)| (k.clone(), v.clone())).partition(|(k, _)| axis_keys.contains(k.as_str()));
        let mut matched = false;
        for combo in combos.iter_mut().take(original) {
            if matches(combo, &fixed) {
                combo.extend(extra.clone());
                matched = true;
            }
        }
        if !matched {
            combos.push(entry.clone());
        }
    }

    let mut configs: Vec<ConfigSpec> = Vec::new();
    for combo in &combos {
        let mut flags = Flags::default();
        apply(&mut flags, combo);
        let config = ConfigSpec::new(flags);
        if !configs.iter().any(|c| c.id == config.id) {
            configs.push(config);
        }
    }
    if configs.len() > max_configs {
        bail!(
            "the matrix in {} has {} configurations after [[matrix.include]], more than the limit of {max_configs}; \
             raise it with --max-configs {}",
            spec.source,
            configs.len(),
            configs.len()
        );
    }

    let baseline = match baseline {
        None => {
            let plain = ConfigSpec::new(Flags::default());
            if !configs.iter().any(|c| c.id == plain.id) {
                configs.insert(0, plain.clone());
            }
            plain.name
        }
        Some(wanted) => match configs.iter().find(|c| c.name == wanted || c.id == wanted) {
            Some(c) => c.name.clone(),
            None => {
                let names = configs.iter().map(|c| c.name.clone()).collect();
                return Err(UnknownBaseline { wanted: wanted.to_owned(), names }.into());
            }
        },
    };
    Ok(Expanded { configs, baseline })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Setting {
        Setting::Text(s.into())
    }

    fn spec() -> MatrixSpec {
        MatrixSpec {
            source: "test".into(),
            axes: vec![
                Axis { key: "ldflags".into(), values: vec![text(""), text("-s -w")] },
                Axis { key: "trimpath".into(), values: vec![Setting::Bool(false), Setting::Bool(true)] },
                Axis { key: "env.GOAMD64".into(), values: vec![text("v1"), text("v3")] },
            ],
            include: vec![],
            exclude: vec![],
        }
    }

    fn names(e: &Expanded) -> Vec<&str> {
        e.configs.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn cartesian_product_in_axis_order_with_baseline_added() {
        let e = expand(&spec(), None, 256).unwrap();
        assert_eq!(e.baseline, "default");
        assert_eq!(
            names(&e),
            [
                "default",
                "GOAMD64=v1",
                "GOAMD64=v3",
                "trimpath,GOAMD64=v1",
                "trimpath,GOAMD64=v3",
                "ldflags=-s -w,GOAMD64=v1",
                "ldflags=-s -w,GOAMD64=v3",
                "ldflags=-s -w,trimpath,GOAMD64=v1",
                "ldflags=-s -w,trimpath,GOAMD64=v3",
            ]
        );
    }

    #[test]
    fn exclude_removes_every_match_and_include_adds_or_extends() {
        let mut s = spec();
        s.exclude.push(Point::from([("env.GOAMD64".into(), text("v3")), ("trimpath".into(), Setting::Bool(true))]));
        // Extends the matching combinations with a key that is not an axis...
        s.include.push(Point::from([("ldflags".into(), text("-s -w")), ("runenv.GOGC".into(), text("off"))]));
        // ...and, matching none, becomes a configuration of its own.
        s.include.push(Point::from([("ldflags".into(), text("-w"))]));
        let e = expand(&s, Some("GOAMD64=v1"), 256).unwrap();
        assert_eq!(e.baseline, "GOAMD64=v1");
        assert_eq!(
            names(&e),
            [
                "GOAMD64=v1",
                "GOAMD64=v3",
                "trimpath,GOAMD64=v1",
                "ldflags=-s -w,GOAMD64=v1,GOGC=off",
                "ldflags=-s -w,GOAMD64=v3,GOGC=off",
                "ldflags=-s -w,trimpath,GOAMD64=v1,GOGC=off",
                "ldflags=-w",
            ]
        );
    }

    #[test]
    fn include_never_overwrites_an_axis_value() {
        let mut s = spec();
        s.include.push(Point::from([("ldflags".into(), text("")), ("env.GOAMD64".into(), text("v4"))]));
        let e = expand(&s, None, 256).unwrap();
        assert_eq!(e.configs.len(), 10);
        assert_eq!(e.configs.last().unwrap().name, "GOAMD64=v4");
    }

    #[test]
    fn duplicates_collapse_and_limits_are_enforced() {
        let mut s = spec();
        s.axes[0].values.push(text(""));
        assert_eq!(expand(&s, None, 256).unwrap().configs.len(), 9);
        let err = expand(&s, None, 4).unwrap_err().to_string();
        assert!(err.contains("has 12 configurations") && err.contains("--max-configs 12"), "{err}");
    }

    #[test]
    fn unknown_baseline_and_exclude_keys_are_errors() {
        let err = expand(&spec(), Some("nope"), 256).unwrap_err().to_string();
        assert!(err.contains("names no configuration") && err.contains("GOAMD64=v3"), "{err}");
        let mut s = spec();
        s.exclude.push(Point::from([("pgo".into(), text("off"))]));
        let err = expand(&s, None, 256).unwrap_err().to_string();
        assert!(err.contains("`pgo`, which is not an axis"), "{err}");
    }
}
