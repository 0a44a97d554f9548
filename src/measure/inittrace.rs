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
