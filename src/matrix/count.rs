//! How many configurations a matrix makes, counted before anything is expanded, and the
//! expansion itself, which never holds more combinations than the limit allows.
//!
//! Axes that no `[[matrix.exclude]]` or `[[matrix.include]]` entry names are free: every
//! combination of the named axes that survives the excludes is multiplied by all of them. So
//! only the named axes are enumerated (without building anything), and the count is exact
//! whenever those have at most [`MAX_ENUMERATED`] combinations; beyond that it is an upper
//! bound, and says so.

use std::collections::BTreeSet;
use std::fmt;

use anyhow::{Result, bail};

use super::{MatrixSpec, Point};

/// The most configurations one run may have: `--max-configs` cannot ask for more. Each is a
/// `go build` and its own measurements; 10,000 of them is days of work already.
pub const MAX_CONFIGS: usize = 10_000;

/// Combinations of the axes include/exclude entries name that are enumerated to count exactly.
pub const MAX_ENUMERATED: u128 = 1 << 20;

/// A number of configurations: exact or an upper bound; `None` beyond `u128::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub n: Option<u128>,
    pub exact: bool,
}

impl Count {
    fn exceeds(&self, limit: usize) -> bool {
        self.n.is_none_or(|n| n > limit as u128)
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.exact {
            f.write_str("up to ")?;
        }
        match self.n {
            None => write!(f, "more than {:.1e}", u128::MAX as f64),
            Some(n) if n < 1_000_000 => write!(f, "{n}"),
            Some(n) => write!(f, "{n} (about {:.1e})", n as f64),
        }
    }
}

/// The result of walking the axes that entries name.
struct Survey {
    count: Count,
    /// Positions (axis indices) of the named axes, ascending.
    named: Vec<usize>,
    /// Value indices (one per named axis) of the surviving combinations, at most `keep`.
    survivors: Vec<Vec<usize>>,
}

/// An entry compiled against the named axes: for each axis it names, which of the axis's
/// values (by index) it matches. Keys that are not axes (an include's extra settings) are left out.
struct Pattern(Vec<(usize, Vec<bool>)>);

impl Pattern {
    fn new(spec: &MatrixSpec, named: &[usize], entry: &Point) -> Pattern {
        let mut checks = Vec::new();
        for (p, &a) in named.iter().enumerate() {
            if let Some(v) = entry.get(&spec.axes[a].key) {
                checks.push((p, spec.axes[a].values.iter().map(|x| x == v).collect()));
            }
        }
        Pattern(checks)
    }

    /// Does `combo` (value indices of the named axes) have the entry's value on each axis?
    fn matches(&self, combo: &[usize]) -> bool {
        self.0.iter().all(|(p, ok)| ok[combo[*p]])
    }
}

fn product(spec: &MatrixSpec, axes: impl Iterator<Item = usize>) -> Option<u128> {
    axes.map(|a| spec.axes[a].values.len() as u128).try_fold(1u128, |acc, n| acc.checked_mul(n))
}

/// Steps `combo` to the next combination in order (last axis fastest); false after the last.
fn advance(spec: &MatrixSpec, axes: &[usize], combo: &mut [usize]) -> bool {
    for p in (0..axes.len()).rev() {
        combo[p] += 1;
        if combo[p] < spec.axes[axes[p]].values.len() {
            return true;
        }
        combo[p] = 0;
    }
    false
}

fn survey(spec: &MatrixSpec, keep: usize) -> Survey {
    let keys: BTreeSet<&str> =
        spec.exclude.iter().chain(&spec.include).flat_map(|e| e.keys().map(String::as_str)).collect();
    let named: Vec<usize> = (0..spec.axes.len()).filter(|&a| keys.contains(spec.axes[a].key.as_str())).collect();
    let free = product(spec, (0..spec.axes.len()).filter(|a| !named.contains(a)));
    let upper_bound = || {
        let all = product(spec, 0..spec.axes.len()).and_then(|p| p.checked_add(spec.include.len() as u128));
        Survey { count: Count { n: all, exact: false }, named: named.clone(), survivors: Vec::new() }
    };
    if product(spec, named.iter().copied()).is_none_or(|n| n > MAX_ENUMERATED) {
        return upper_bound();
    }
    let excludes: Vec<Pattern> = spec.exclude.iter().map(|e| Pattern::new(spec, &named, e)).collect();
    let includes: Vec<Pattern> = spec.include.iter().map(|e| Pattern::new(spec, &named, e)).collect();
    let mut survivors = Vec::new();
    let mut surviving: u128 = 0;
    let mut matched = vec![false; spec.include.len()];
    let mut combo = vec![0; named.len()];
    // An axis without values makes no combination at all.
    let mut more = named.iter().all(|&a| !spec.axes[a].values.is_empty());
    while more {
        if !excludes.iter().any(|e| e.matches(&combo)) {
            surviving += 1;
            if survivors.len() < keep {
                survivors.push(combo.clone());
            }
            for (m, include) in matched.iter_mut().zip(&includes) {
                *m = *m || include.matches(&combo);
            }
        }
        more = advance(spec, &named, &mut combo);
    }
    let unmatched = matched.iter().filter(|m| !**m).count() as u128;
    // `free` is None only when it overflows; with no survivor there is nothing to multiply.
    let n = match (surviving, free) {
        (0, _) => Some(unmatched),
        (s, Some(f)) => s.checked_mul(f).and_then(|n| n.checked_add(unmatched)),
        (_, None) => None,
    };
    Survey { count: Count { n, exact: true }, named, survivors }
}

/// The number of configurations `spec` makes before identical ones are merged (and before
/// the baseline is added): exact, or an upper bound when too many to count.
pub fn count(spec: &MatrixSpec) -> Count {
    survey(spec, 0).count
}

/// The combinations of `spec` in order — the Cartesian product (last axis fastest) less the
/// excluded, then the includes — or an error, before anything is expanded, when there are
/// more than `limit`.
pub fn combinations(spec: &MatrixSpec, limit: usize) -> Result<Vec<Point>> {
    if limit > MAX_CONFIGS {
        bail!(
            "--max-configs {limit} is more than gostart allows: one run builds at most {MAX_CONFIGS} configurations \
             (each is a go build and its own measurements)"
        );
    }
    let s = survey(spec, limit);
    if s.count.exceeds(limit) {
        let count = s.count;
        let bound = if count.exact {
            String::new()
        } else {
            format!(
                " (an upper bound: the axes that [[matrix.exclude]] and [[matrix.include]] entries name make more than \
                 {MAX_ENUMERATED} combinations, too many to count)"
            )
        };
        let raise = match count.n {
            Some(n) if count.exact && n <= MAX_CONFIGS as u128 => {
                format!(", or raise the limit with --max-configs {n}")
            }
            _ => format!(" (--max-configs cannot raise the limit beyond {MAX_CONFIGS})"),
        };
        bail!(
            "the matrix in {} has {count} configurations{bound}, more than the limit of {limit}; \
             remove axis values or add [[matrix.exclude]] entries{raise}",
            spec.source
        );
    }
    let free: Vec<usize> = (0..spec.axes.len()).filter(|a| !s.named.contains(a)).collect();
    let mut full: Vec<Vec<usize>> = Vec::new();
    if free.iter().all(|&a| !spec.axes[a].values.is_empty()) {
        for survivor in &s.survivors {
            let mut rest = vec![0; free.len()];
            loop {
                let mut combo = vec![0; spec.axes.len()];
                for (p, &a) in s.named.iter().enumerate() {
                    combo[a] = survivor[p];
                }
                for (p, &a) in free.iter().enumerate() {
                    combo[a] = rest[p];
                }
                full.push(combo);
                if !advance(spec, &free, &mut rest) {
                    break;
                }
            }
        }
    }
    // Value indices in axis order sort as the Cartesian product runs.
    full.sort();
    let mut combos: Vec<Point> = full
        .iter()
        .map(|combo| spec.axes.iter().zip(combo).map(|(axis, &i)| (axis.key.clone(), axis.values[i].clone())).collect())
        .collect();

    let axis_keys: BTreeSet<&str> = spec.axes.iter().map(|a| a.key.as_str()).collect();
    let original = combos.len();
    for entry in &spec.include {
        let (fixed, extra): (Point, Point) =
            entry.iter().map(|(k, v)| (k.clone(), v.clone())).partition(|(k, _)| axis_keys.contains(k.as_str()));
        let mut matched = false;
        for combo in combos.iter_mut().take(original) {
            if fixed.iter().all(|(k, v)| combo.get(k) == Some(v)) {
                combo.extend(extra.clone());
                matched = true;
            }
        }
        if !matched {
            combos.push(entry.clone());
        }
    }
    Ok(combos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{Axis, Setting};

    fn binary_axes(n: usize) -> MatrixSpec {
        MatrixSpec {
            source: "test".into(),
            axes: (0..n)
                .map(|i| Axis {
                    key: format!("env.V{i}"),
                    values: vec![Setting::Text(String::new()), Setting::Text("1".into())],
                })
                .collect(),
            ..MatrixSpec::default()
        }
    }

    #[test]
    fn huge_matrices_are_counted_exactly_without_expanding() {
        let spec = binary_axes(70);
        assert_eq!(count(&spec), Count { n: Some(1 << 70), exact: true });
        assert_eq!(count(&spec).to_string(), "1180591620717411303424 (about 1.2e21)");
        let err = combinations(&spec, 256).unwrap_err().to_string();
        assert!(err.contains("has 1180591620717411303424 (about 1.2e21) configurations"), "{err}");
        assert!(err.contains("--max-configs cannot raise the limit beyond 10000"), "{err}");
        let err = combinations(&spec, 1_000_000).unwrap_err().to_string();
        assert!(err.starts_with("--max-configs 1000000 is more than gostart allows"), "{err}");
        // Beyond u128.
        let spec = binary_axes(130);
        assert_eq!(count(&spec).to_string(), "more than 3.4e38");
        assert!(combinations(&spec, 256).is_err());
    }

    #[test]
    fn excludes_and_includes_are_counted_over_the_axes_they_name() {
        let mut spec = binary_axes(70);
        // Fixing two axes removes a quarter; an include that matches nothing adds one.
        spec.exclude.push(Point::from([
            ("env.V0".into(), Setting::Text("1".into())),
            ("env.V1".into(), Setting::Text("1".into())),
        ]));
        spec.include.push(Point::from([("env.V0".into(), Setting::Text("2".into()))]));
        assert_eq!(count(&spec).n, Some(3 * (1 << 68) + 1));
        // Excluding every value of an axis leaves only the includes.
        let mut spec = binary_axes(70);
        for v in ["", "1"] {
            spec.exclude.push(Point::from([("env.V69".into(), Setting::Text(v.into()))]));
        }
        spec.include.push(Point::from([("runenv.GOGC".into(), Setting::Text("off".into()))]));
        assert_eq!(count(&spec), Count { n: Some(1), exact: true });
        assert_eq!(combinations(&spec, 4).unwrap().len(), 1);
    }

    #[test]
    fn too_many_named_axes_give_an_upper_bound() {
        let mut spec = binary_axes(21);
        spec.exclude.push((0..21).map(|i| (format!("env.V{i}"), Setting::Text("1".into()))).collect());
        assert_eq!(count(&spec), Count { n: Some(1 << 21), exact: false });
        let err = combinations(&spec, 256).unwrap_err().to_string();
        assert!(err.contains("has up to 2097152 (about 2.1e6) configurations (an upper bound"), "{err}");
    }
}
