//! What grew and shrank between two binaries' attributions, per package and section, and per
//! part that belongs to no package: `gostart size --diff`, and the reports' size split.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::inspect::attribution::{Attribution, PackageBytes};

/// The diff, as `--format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeDiff {
    /// The config shown.
    pub config: String,
    /// The config it is compared with.
    pub base: String,
    /// Packages in either binary, the largest absolute change first.
    pub packages: Vec<PackageChange>,
    /// The parts that belong to no package (`.symtab`, DWARF...), the largest absolute change
    /// first.
    pub other: Vec<PartChange>,
    pub unattributed: Change,
    pub file_bytes: Change,
}

/// A figure in both binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub base: u64,
    pub config: u64,
    /// config − base.
    pub change: i64,
}

impl Change {
    pub fn new(base: u64, config: u64) -> Change {
        Change { base, config, change: signed(config) - signed(base) }
    }
}

/// One package; `base` is `null` when only the config has it (added), `config` when only the
/// base has it (removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageChange {
    pub package: String,
    pub base: Option<u64>,
    pub config: Option<u64>,
    pub change: i64,
    /// Section → config − base, for the sections whose bytes changed.
    pub sections: BTreeMap<String, i64>,
}

impl PackageChange {
    /// `added`, `removed` or empty.
    pub fn status(&self) -> &'static str {
        match (self.base, self.config) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            _ => "",
        }
    }

    /// Its sections' changes, the largest (either way) first, then by name.
    pub fn sections_by_change(&self) -> Vec<(&str, i64)> {
        let mut s: Vec<(&str, i64)> = self.sections.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        s.sort_by(|a, b| b.1.unsigned_abs().cmp(&a.1.unsigned_abs()).then_with(|| a.0.cmp(b.0)));
        s
    }
}

/// One part that belongs to no package, like a package's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartChange {
    pub part: String,
    pub base: Option<u64>,
    pub config: Option<u64>,
    pub change: i64,
}

fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// `config` against `base`.
pub fn diff(base_name: &str, base: &Attribution, config_name: &str, config: &Attribution) -> SizeDiff {
    let by_name = |a: &Attribution| -> BTreeMap<String, PackageBytes> {
        a.packages.iter().map(|p| (p.package.clone(), p.clone())).collect()
    };
    let (b, c) = (by_name(base), by_name(config));
    let names: BTreeSet<&String> = b.keys().chain(c.keys()).collect();
    let mut packages: Vec<PackageChange> = names
        .into_iter()
        .map(|name| {
            let (pb, pc) = (b.get(name), c.get(name));
            let sections: BTreeSet<&String> = pb.iter().chain(pc.iter()).flat_map(|p| p.sections.keys()).collect();
            let bytes = |p: Option<&PackageBytes>, s: &str| p.and_then(|p| p.sections.get(s)).copied().unwrap_or(0);
            let sections = sections
                .into_iter()
                .map(|s| (s.clone(), signed(bytes(pc, s)) - signed(bytes(pb, s))))
                .filter(|(_, change)| *change != 0)
                .collect();
            let (base, config) = (pb.map(|p| p.bytes), pc.map(|p| p.bytes));
            let change = signed(config.unwrap_or(0)) - signed(base.unwrap_or(0));
            PackageChange { package: name.clone(), base, config, change, sections }
        })
        .collect();
    packages
        .sort_by(|x, y| y.change.unsigned_abs().cmp(&x.change.unsigned_abs()).then_with(|| x.package.cmp(&y.package)));
    let parts: BTreeSet<&String> = base.other.keys().chain(config.other.keys()).collect();
    let mut other: Vec<PartChange> = parts
        .into_iter()
        .map(|part| {
            let (pb, pc) = (base.other.get(part).copied(), config.other.get(part).copied());
            let change = signed(pc.unwrap_or(0)) - signed(pb.unwrap_or(0));
            PartChange { part: part.clone(), base: pb, config: pc, change }
        })
        .collect();
    other.sort_by(|x, y| y.change.unsigned_abs().cmp(&x.change.unsigned_abs()).then_with(|| x.part.cmp(&y.part)));
    SizeDiff {
        config: config_name.to_owned(),
        base: base_name.to_owned(),
        packages,
        other,
        unattributed: Change::new(base.unattributed, config.unattributed),
        file_bytes: Change::new(base.file_bytes, config.file_bytes),
    }
}

#[cfg(test)]
pub mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A package with these sections; its total is their sum.
    pub fn package(name: &str, sections: &[(&str, u64)]) -> PackageBytes {
        PackageBytes {
            package: name.to_owned(),
            bytes: sections.iter().map(|(_, b)| b).sum(),
            sections: sections.iter().map(|(s, b)| ((*s).to_owned(), *b)).collect(),
            bss: 0,
            debug: 0,
        }
    }

    /// An attribution whose parts add up to its file size.
    pub fn attribution(packages: Vec<PackageBytes>, other: &[(&str, u64)], unattributed: u64) -> Attribution {
        let other: BTreeMap<String, u64> = other.iter().map(|(s, b)| ((*s).to_owned(), *b)).collect();
        let file_bytes = packages.iter().map(|p| p.bytes).sum::<u64>() + other.values().sum::<u64>() + unattributed;
        Attribution { file_bytes, packages, other, unattributed }
    }

    fn plain() -> Attribution {
        attribution(
            vec![
                package("runtime", &[(".text", 400_000), (".rodata", 50_000), (".noptrdata", 8_000)]),
                package("fmt", &[(".text", 60_000), (".rodata", 4_000)]),
                package("main", &[(".text", 1_000)]),
                package("os", &[(".text", 20_000)]),
            ],
            &[(".symtab", 90_000), (".debug_info", 300_000), (".gopclntab", 200_000)],
            17,
        )
    }

    fn stripped() -> Attribution {
        attribution(
            vec![
                package("runtime", &[(".text", 400_100), (".rodata", 50_000), (".noptrdata", 8_000)]),
                package("fmt", &[(".text", 60_000), (".rodata", 4_000)]),
                package("main", &[(".text", 1_000)]),
                package("strconv", &[(".text", 9_000), (".rodata", 500)]),
            ],
            &[(".gopclntab", 199_000), ("padding", 12)],
            5,
        )
    }

    #[test]
    fn the_largest_change_comes_first_and_sections_sum_to_the_package_change() {
        let d = diff("default", &plain(), "ldflags=\"-s -w\"", &stripped());
        assert_eq!((d.base.as_str(), d.config.as_str()), ("default", "ldflags=\"-s -w\""));
        let names: Vec<&str> = d.packages.iter().map(|p| p.package.as_str()).collect();
        assert_eq!(names, ["os", "strconv", "runtime", "fmt", "main"]);
        let os = &d.packages[0];
        assert_eq!((os.base, os.config, os.change, os.status()), (Some(20_000), None, -20_000, "removed"));
        let strconv = &d.packages[1];
        assert_eq!(
            (strconv.base, strconv.config, strconv.change, strconv.status()),
            (None, Some(9_500), 9_500, "added")
        );
        assert_eq!(strconv.sections, BTreeMap::from([(".text".into(), 9_000), (".rodata".into(), 500)]));
        let runtime = &d.packages[2];
        assert_eq!((runtime.change, runtime.status()), (100, ""));
        // Only the sections that changed.
        assert_eq!(runtime.sections, BTreeMap::from([(".text".into(), 100)]));
        assert_eq!(d.packages[3].change, 0);
        assert!(d.packages[3].sections.is_empty());
        for p in &d.packages {
            assert_eq!(p.sections.values().sum::<i64>(), p.change, "{}", p.package);
        }
    }

    #[test]
    fn parts_outside_packages_and_totals_are_diffed() {
        let (a, b) = (plain(), stripped());
        let d = diff("a", &a, "b", &b);
        let parts: Vec<(&str, Option<u64>, Option<u64>, i64)> =
            d.other.iter().map(|p| (p.part.as_str(), p.base, p.config, p.change)).collect();
        assert_eq!(
            parts,
            [
                (".debug_info", Some(300_000), None, -300_000),
                (".symtab", Some(90_000), None, -90_000),
                (".gopclntab", Some(200_000), Some(199_000), -1_000),
                ("padding", None, Some(12), 12),
            ]
        );
        assert_eq!(d.unattributed, Change { base: 17, config: 5, change: -12 });
        assert_eq!(
            d.file_bytes,
            Change { base: a.file_bytes, config: b.file_bytes, change: b.file_bytes as i64 - a.file_bytes as i64 }
        );
        // Every change adds up to the file's.
        let total = d.packages.iter().map(|p| p.change).sum::<i64>()
            + d.other.iter().map(|p| p.change).sum::<i64>()
            + d.unattributed.change;
        assert_eq!(total, d.file_bytes.change);
    }

    #[test]
    fn a_config_against_itself_changes_nothing() {
        let d = diff("a", &plain(), "a", &plain());
        assert!(d.packages.iter().all(|p| p.change == 0 && p.sections.is_empty() && p.status().is_empty()));
        assert!(d.other.iter().all(|p| p.change == 0));
        assert_eq!(d.file_bytes.change, 0);
    }
}
