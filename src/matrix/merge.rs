//! Combinations that give the same `go build` argv and environment become one configuration
//! (`" -s  -w "` is `-s -w`; a value listed twice is one), with a note a person can act on.

use std::collections::HashMap;

use super::{MatrixSpec, Point, Setting, apply};
use crate::flags::name;
use crate::flags::{Flags, quoted};

/// The combinations grouped by the flags they give, in first-seen order.
pub fn group(combos: Vec<Point>) -> Vec<(Flags, Vec<Point>)> {
    let mut groups: Vec<(Flags, Vec<Point>)> = Vec::new();
    let mut index: HashMap<Flags, usize> = HashMap::new();
    for combo in combos {
        let mut flags = Flags::default();
        apply(&mut flags, &combo);
        match index.get(&flags) {
            Some(&i) => groups[i].1.push(combo),
            None => {
                index.insert(flags.clone(), groups.len());
                groups.push((flags, vec![combo]));
            }
        }
    }
    groups
}

/// The notes of one expansion: one per kind of merge, however many configs it touched.
pub struct Notes {
    /// Why two combinations can be the very same: values an axis lists twice.
    repeated: String,
    /// (note, how many merges, an example config name), in first-seen order.
    notes: Vec<(String, usize, String)>,
}

/// Examples a merge warning names before it says how many more there are.
const SHOWN: usize = 3;

impl Notes {
    pub fn new(spec: &MatrixSpec) -> Notes {
        let repeated: Vec<String> = spec
            .axes
            .iter()
            .flat_map(|a| {
                let values = &a.values;
                values
                    .iter()
                    .enumerate()
                    .filter(|(i, v)| values[..*i].contains(v))
                    .map(|(_, v)| format!("`{}` lists {} more than once", a.key, describe_value(v)))
            })
            .collect();
        // A warning is read by a person: a few examples, then how many more.
        let repeated = match repeated.len() {
            0 => "a [[matrix.include]] entry is repeated".into(),
            n if n <= SHOWN => repeated.join("; "),
            n => format!("{}; and {} more values listed twice", repeated[..SHOWN].join("; "), n - SHOWN),
        };
        Notes { repeated, notes: Vec::new() }
    }

    /// Notes the merge of `points` (all giving the flags of config `name`) and returns the
    /// spellings merged into the main one, for `gostart matrix`.
    pub fn merge(&mut self, name: &str, points: &[Point]) -> Vec<String> {
        let mut merged = Vec::new();
        // The spelling the others are merged into: one already in normal form, if any.
        let main = points.iter().position(is_normal).unwrap_or(0);
        for other in points.iter().enumerate().filter(|(i, _)| *i != main).map(|(_, p)| p) {
            let (this, first) = (difference(other, &points[main]), difference(&points[main], other));
            let note = if this.is_empty() {
                merged.push("the same settings again".to_owned());
                self.repeated.clone()
            } else {
                merged.push(describe(&this));
                format!("`{}` gives the same go build argv and environment as `{}`", describe(&this), describe(&first))
            };
            match self.notes.iter_mut().find(|(n, _, _)| *n == note) {
                Some((_, count, _)) => *count += 1,
                None => self.notes.push((note, 1, name.to_owned())),
            }
        }
        merged
    }

    pub fn finish(self) -> Vec<String> {
        let hidden = self.notes.len().saturating_sub(SHOWN);
        let mut lines: Vec<String> = self
            .notes
            .into_iter()
            .take(SHOWN)
            .map(|(note, count, example)| match count {
                1 => format!("{note}: built and measured once, as `{example}`"),
                n => format!("{note}: {n} configurations merged, each built and measured once (e.g. `{example}`)"),
            })
            .collect();
        if hidden > 0 {
            lines.push(format!("{hidden} more kinds of merge (`gostart matrix` lists every merged spelling)"));
        }
        lines
    }
}

/// A point as written in the matrix, in the grammar of names (`ldflags=" -s  -w "`).
fn describe(point: &Point) -> String {
    if point.is_empty() {
        return "(no settings)".into();
    }
    let parts: Vec<String> = point.iter().map(|(k, v)| format!("{k}={}", describe_value(v))).collect();
    parts.join(",")
}

fn describe_value(v: &Setting) -> String {
    match v {
        Setting::Bool(b) => b.to_string(),
        Setting::Text(t) => name::value(t).into_owned(),
        Setting::List(l) => name::value(&l.join(",")).into_owned(),
    }
}

/// Whether the flags values of `point` are written as go's words normalise them.
fn is_normal(point: &Point) -> bool {
    point.iter().all(|(k, v)| match (k.as_str(), v) {
        ("ldflags" | "gcflags" | "asmflags", Setting::Text(t)) => quoted::normalize(t) == *t,
        _ => true,
    })
}

/// The settings of `point` that `other` does not have with the same value.
fn difference(point: &Point, other: &Point) -> Point {
    point.iter().filter(|(k, v)| other.get(*k) != Some(v)).map(|(k, v)| (k.clone(), v.clone())).collect()
}
