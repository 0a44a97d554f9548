//! Matrix expansion: axes × values, then `exclude` and `include` (GitHub Actions semantics),
//! into the list of configurations to build and measure.
//!
//! - The Cartesian product of every axis, in a fixed axis order.
//! - `[[matrix.exclude]]` removes every combination that matches all of the entry's keys.
//! - `[[matrix.include]]` then, for each entry: its keys that are axes must match a combination
//!   for the entry's other keys to be added to it (adding never overwrites an axis value);
//!   an entry that matches no combination becomes a new configuration of its own.
//! - Configurations with the same `go build` argv and environment (after whitespace in flag
//!   values is normalised) merge into one, with a note; the baseline is added if missing.
//! - Names are unique ([`crate::flags::name`]) and ids too ([`ids`]); no configuration is
//!   ever dropped. The count is checked against the limit before anything is expanded ([`count`]).

mod count;
mod ids;
mod merge;
#[cfg(test)]
mod props;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::flags::name::{self, Namer};
use crate::flags::{Flags, quoted};
pub use count::{Count, MAX_CONFIGS, count};

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
    /// Other spellings in the matrix that give the same go argv and environment, merged
    /// into this configuration (see [`Expanded::notes`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
    /// Each combination of the axes that gives this configuration, as value indices per axis
    /// (in `MatrixSpec::axes` order); empty for one the axes do not make (an include entry of
    /// its own, the plain build added as baseline). Screening and the effects fit read it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<Vec<u32>>,
}

impl ConfigSpec {
    /// A configuration on its own (name and ids as if it were the only one of its matrix).
    pub fn new(flags: Flags) -> Self {
        ConfigSpec {
            name: flags.name(),
            id: flags.id(),
            build_id: flags.build_id(),
            flags,
            merged: Vec::new(),
            levels: Vec::new(),
        }
    }

    /// Whether `wanted` is this configuration's name or id.
    pub fn answers_to(&self, wanted: &str) -> bool {
        self.name == wanted || self.id == wanted
    }
}

/// The expanded matrix and which of its configurations is the baseline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expanded {
    pub configs: Vec<ConfigSpec>,
    pub baseline: String,
    /// What a person should know about the expansion: configurations merged because their
    /// go argv and environment are the same.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// `[rank] baseline` names no configuration of the matrix, or (in the spelling names had
/// before they were made unambiguous) more than one.
#[derive(Debug, thiserror::Error)]
#[error("[rank] baseline = \"{}\" {}", wanted.escape_debug(), describe_unknown(names, ambiguous))]
pub struct UnknownBaseline {
    pub wanted: String,
    pub names: Vec<String>,
    /// The configurations the old spelling `wanted` could mean.
    pub ambiguous: Vec<String>,
}

fn describe_unknown(names: &[String], ambiguous: &[String]) -> String {
    if ambiguous.is_empty() {
        format!("names no configuration of the matrix; it has:\n  {}", names.join("\n  "))
    } else {
        format!("could name more than one configuration; write one of:\n  {}", ambiguous.join("\n  "))
    }
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
            // Whitespace between words means nothing to go: `" -s  -w "` is `-s -w`.
            "ldflags" => flags.ldflags = quoted::normalize(&text()),
            "gcflags" => flags.gcflags = quoted::normalize(&text()),
            "asmflags" => flags.asmflags = quoted::normalize(&text()),
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

/// Expands `spec`; `baseline` names the config ratios are taken against (`None`: plain `go build`).
/// Refuses, before expanding anything, a matrix of more than `max_configs` combinations.
pub fn expand(spec: &MatrixSpec, baseline: Option<&str>, max_configs: usize) -> Result<Expanded> {
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
    let combos = count::combinations(spec, max_configs)?;

    let mut groups = merge::group(combos);
    if baseline.is_none() && !groups.iter().any(|(f, _)| *f == Flags::default()) {
        groups.insert(0, (Flags::default(), Vec::new()));
    }

    let namer = Namer::for_configs(groups.iter().map(|(f, _)| f));
    let ids = ids::unique_prefixes(&groups.iter().map(|(f, _)| f.digest()).collect::<Vec<_>>());
    let build_ids = ids::unique_prefixes(&groups.iter().map(|(f, _)| f.build_part().digest()).collect::<Vec<_>>());
    let mut notes = merge::Notes::new(spec);
    let configs: Vec<ConfigSpec> = groups
        .into_iter()
        .zip(ids.into_iter().zip(build_ids))
        .map(|((flags, points), (id, build_id))| {
            let name = namer.name(&flags);
            let levels = points.iter().filter_map(|p| levels(spec, p)).collect();
            let merged = notes.merge(&name, &points);
            ConfigSpec { name, id, build_id, flags, merged, levels }
        })
        .collect();
    let notes = notes.finish();

    let baseline = match baseline {
        None => namer.name(&Flags::default()),
        Some(wanted) => find(&configs, wanted)?,
    };
    Ok(Expanded { configs, baseline, notes })
}

/// The value index of each axis in `point`; `None` when it lacks an axis or has a value the
/// axis does not list.
fn levels(spec: &MatrixSpec, point: &Point) -> Option<Vec<u32>> {
    spec.axes.iter().map(|a| a.values.iter().position(|v| Some(v) == point.get(&a.key)).map(|i| i as u32)).collect()
}

/// The name of the configuration `wanted` names: by name, by id, or by the unquoted name
/// earlier versions gave it, when that is not ambiguous.
fn find(configs: &[ConfigSpec], wanted: &str) -> Result<String> {
    if let Some(c) = configs.iter().find(|c| c.answers_to(wanted)) {
        return Ok(c.name.clone());
    }
    let legacy: Vec<String> =
        configs.iter().filter(|c| name::legacy(&c.flags) == wanted).map(|c| c.name.clone()).collect();
    match <[String; 1]>::try_from(legacy) {
        Ok([one]) => Ok(one),
        Err(ambiguous) => Err(UnknownBaseline {
            wanted: wanted.to_owned(),
            names: configs.iter().map(|c| c.name.clone()).collect(),
            ambiguous,
        }
        .into()),
    }
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
                "ldflags=\"-s -w\",GOAMD64=v1",
                "ldflags=\"-s -w\",GOAMD64=v3",
                "ldflags=\"-s -w\",trimpath,GOAMD64=v1",
                "ldflags=\"-s -w\",trimpath,GOAMD64=v3",
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
                "ldflags=\"-s -w\",GOAMD64=v1,GOGC=off",
                "ldflags=\"-s -w\",GOAMD64=v3,GOGC=off",
                "ldflags=\"-s -w\",trimpath,GOAMD64=v1,GOGC=off",
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
        let e = expand(&s, None, 256).unwrap();
        assert_eq!(e.configs.len(), 9);
        assert_eq!(
            e.notes,
            [
                "`ldflags` lists \"\" more than once: 4 configurations merged, each built and measured once (e.g. `GOAMD64=v1`)"
            ]
        );
        let err = expand(&s, None, 4).unwrap_err().to_string();
        assert!(err.contains("has 12 configurations") && err.contains("--max-configs 12"), "{err}");
    }

    #[test]
    fn a_merge_warning_stays_short_however_many_values_repeat() {
        let mut s = spec();
        let values: Vec<String> = (0..20).map(|i| format!("-X main.v={i}")).collect();
        s.axes[0].values = values.iter().chain(&values).map(|v| text(v)).collect();
        let e = expand(&s, None, 1000).unwrap();
        assert_eq!(e.notes.len(), 1, "{:?}", e.notes);
        assert!(e.notes[0].contains("and 17 more values listed twice"), "{}", e.notes[0]);
        assert!(e.notes[0].len() < 400, "{}", e.notes[0]);
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

    #[test]
    fn ids_that_collide_are_lengthened_and_no_config_is_dropped() {
        let s = MatrixSpec {
            source: "test".into(),
            axes: vec![Axis { key: "ldflags".into(), values: vec![text("-X main.v=2078"), text("-X main.v=82473")] }],
            ..MatrixSpec::default()
        };
        let flags = |v: &str| Flags { ldflags: v.into(), ..Flags::default() };
        // The two really share their first 32 bits (what ids were before).
        assert_eq!(flags("-X main.v=2078").id(), flags("-X main.v=82473").id());
        let e = expand(&s, None, 256).unwrap();
        let got: Vec<(&str, &str, &str)> =
            e.configs.iter().map(|c| (c.id.as_str(), c.build_id.as_str(), c.name.as_str())).collect();
        assert_eq!(
            got,
            [
                ("efcaa24e", "efcaa24e", "default"),
                ("9f8b2e6257", "9f8b2e6257", r#"ldflags="-X main.v=2078""#),
                ("9f8b2e6244", "9f8b2e6244", r#"ldflags="-X main.v=82473""#),
            ]
        );
        assert!(e.notes.is_empty());
    }

    #[test]
    fn the_same_variable_at_build_and_run_time_gets_two_names() {
        let s = MatrixSpec {
            source: "test".into(),
            axes: vec![
                Axis { key: "env.GOGC".into(), values: vec![text(""), text("off")] },
                Axis { key: "runenv.GOGC".into(), values: vec![text(""), text("off")] },
            ],
            ..MatrixSpec::default()
        };
        let e = expand(&s, None, 256).unwrap();
        assert_eq!(names(&e), ["default", "run.GOGC=off", "env.GOGC=off", "env.GOGC=off,run.GOGC=off"]);
        // The old spelling still finds a config when it names only one...
        assert_eq!(expand(&s, Some("GOGC=off,GOGC=off"), 256).unwrap().baseline, "env.GOGC=off,run.GOGC=off");
        // ...and says which it could mean when it names two.
        let err = expand(&s, Some("GOGC=off"), 256).unwrap_err().to_string();
        assert!(
            err.ends_with("could name more than one configuration; write one of:\n  run.GOGC=off\n  env.GOGC=off"),
            "{err}"
        );
    }

    #[test]
    fn old_unquoted_names_still_find_their_baseline() {
        let e = expand(&spec(), Some("ldflags=-s -w,trimpath,GOAMD64=v3"), 256).unwrap();
        assert_eq!(e.baseline, r#"ldflags="-s -w",trimpath,GOAMD64=v3"#);
    }

    #[test]
    fn whitespace_in_flag_values_does_not_make_another_config() {
        let s = MatrixSpec {
            source: "test".into(),
            axes: vec![Axis {
                key: "ldflags".into(),
                values: vec![text("-s -w"), text(" -s  -w "), text("-X a=b,trimpath")],
            }],
            ..MatrixSpec::default()
        };
        let e = expand(&s, None, 256).unwrap();
        assert_eq!(names(&e), ["default", r#"ldflags="-s -w""#, r#"ldflags="-X a=b,trimpath""#]);
        assert_eq!(e.configs[1].merged, [r#"ldflags=" -s  -w ""#]);
        assert_eq!(
            e.notes,
            [
                r#"`ldflags=" -s  -w "` gives the same go build argv and environment as `ldflags="-s -w"`: built and measured once, as `ldflags="-s -w"`"#
            ]
        );
    }
}
