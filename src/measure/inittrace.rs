//! Parser for the runtime's `GODEBUG=inittrace=1` report: one line per package `init`,
//! `init <pkg> @<start> ms, <clock> ms clock, <bytes> bytes, <allocs> allocs`.

use serde::{Deserialize, Serialize};

/// The cost of one package's initialization in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageInit {
    pub package: String,
    /// Time since process start when this init began.
    pub start_ns: u64,
    /// Wall-clock time the init took.
    pub clock_ns: u64,
    pub bytes: u64,
    pub allocs: u64,
}

/// Every well-formed init line of `stderr`, in order; other lines (the program's own output)
/// are skipped.
pub fn parse(stderr: &str) -> Vec<PackageInit> {
    stderr.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<PackageInit> {
    let rest = line.strip_prefix("init ")?;
    let (package, rest) = rest.split_once(" @")?;
    let (start, rest) = rest.split_once(" ms, ")?;
    let (clock, rest) = rest.split_once(" ms clock, ")?;
    let (bytes, rest) = rest.split_once(" bytes, ")?;
    let allocs = rest.strip_suffix(" allocs")?;
    Some(PackageInit {
        package: package.to_owned(),
        start_ns: ms_to_ns(start)?,
        clock_ns: ms_to_ns(clock)?,
        bytes: bytes.parse().ok()?,
        allocs: allocs.parse().ok()?,
    })
}

fn ms_to_ns(ms: &str) -> Option<u64> {
    let v: f64 = ms.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * 1e6).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_real_capture() {
        let text = include_str!("../../tests/captures/inittrace-go1.26.8-startup-demo.txt");
        let inits = parse(text);
        assert_eq!(inits.len(), text.lines().count());
        assert_eq!(
            inits[2],
            PackageInit { package: "runtime".into(), start_ns: 59_000, clock_ns: 58_000, bytes: 0, allocs: 0 }
        );
        let main = inits.last().unwrap();
        assert_eq!(main.package, "main");
        assert!(main.allocs > 20_000, "{main:?}");
        let top = inits.iter().max_by_key(|i| i.clock_ns).unwrap();
        assert_eq!(top.package, "main");
    }

    #[test]
    fn skips_lines_that_are_not_init_lines() {
        let text = "hello\ninit main @1.5 ms, 0.25 ms clock, 10 bytes, 1 allocs\ninit broken @x ms\n";
        assert_eq!(
            parse(text),
            [PackageInit { package: "main".into(), start_ns: 1_500_000, clock_ns: 250_000, bytes: 10, allocs: 1 }]
        );
    }
}

/// Per-package init costs over several runs: medians, in the order the runtime ran them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InitProfile {
    pub runs: usize,
    /// Sum of the packages' median init clock times.
    pub total_clock_ns: u64,
    pub packages: Vec<PackageCost>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageCost {
    pub package: String,
    pub clock_ns: u64,
    pub bytes: u64,
    pub allocs: u64,
}

/// Folds the traces of several runs into one profile (median per package).
pub fn aggregate(traces: &[Vec<PackageInit>]) -> InitProfile {
    let mut order: Vec<&str> = Vec::new();
    for trace in traces {
        for p in trace {
            if !order.contains(&p.package.as_str()) {
                order.push(&p.package);
            }
        }
    }
    let median = |f: &dyn Fn(&PackageInit) -> u64, pkg: &str| -> u64 {
        let values: Vec<f64> = traces.iter().flatten().filter(|p| p.package == pkg).map(|p| f(p) as f64).collect();
        crate::measure::stats::median(&values).round() as u64
    };
    let packages: Vec<PackageCost> = order
        .iter()
        .map(|pkg| PackageCost {
            package: (*pkg).to_owned(),
            clock_ns: median(&|p| p.clock_ns, pkg),
            bytes: median(&|p| p.bytes, pkg),
            allocs: median(&|p| p.allocs, pkg),
        })
        .collect();
    InitProfile { runs: traces.len(), total_clock_ns: packages.iter().map(|p| p.clock_ns).sum(), packages }
}

/// The packages whose init costs most, most expensive first.
pub fn top(profile: &InitProfile, n: usize) -> Vec<&PackageCost> {
    let mut v: Vec<&PackageCost> = profile.packages.iter().collect();
    v.sort_by(|a, b| b.clock_ns.cmp(&a.clock_ns).then(a.package.cmp(&b.package)));
    v.truncate(n);
    v
}

/// `GODEBUG` with `inittrace=1` added to whatever the run already sets.
pub fn godebug_with_inittrace(existing: Option<&str>) -> String {
    match existing {
        Some(e) if !e.is_empty() => format!("{e},inittrace=1"),
        _ => "inittrace=1".to_owned(),
    }
}

#[cfg(test)]
mod aggregate_tests {
    use super::*;

    fn init(package: &str, clock_ns: u64) -> PackageInit {
        PackageInit { package: package.into(), start_ns: 0, clock_ns, bytes: 10, allocs: 1 }
    }

    #[test]
    fn medians_per_package_in_init_order() {
        let traces = vec![
            vec![init("runtime", 50), init("main", 1000)],
            vec![init("runtime", 70), init("main", 3000)],
            vec![init("runtime", 60), init("main", 2000)],
        ];
        let p = aggregate(&traces);
        assert_eq!(p.runs, 3);
        assert_eq!(
            p.packages.iter().map(|p| (p.package.as_str(), p.clock_ns)).collect::<Vec<_>>(),
            [("runtime", 60), ("main", 2000)]
        );
        assert_eq!(p.total_clock_ns, 2060);
        assert_eq!(top(&p, 1)[0].package, "main");
    }

    #[test]
    fn godebug_keeps_existing_settings() {
        assert_eq!(godebug_with_inittrace(None), "inittrace=1");
        assert_eq!(godebug_with_inittrace(Some("gctrace=1")), "gctrace=1,inittrace=1");
    }
}
