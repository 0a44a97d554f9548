//! Go benchmark format (<https://go.dev/design/14313-benchmark-format>), so that two runs can be
//! compared with benchstat: `benchstat old.txt new.txt`.
//!
//! One line per timed run of a config, in matrix order:
//!
//! ```text
//! BenchmarkStartup/cfg=ldflags:-s_-w+CGO_ENABLED:0 1 1510345 ns/op 0.001057000 cpu-sec/op 1441792 max-RSS-B/op
//! ```
//!
//! `1` iteration (each line is one start of the program); `ns/op` is the spawn-to-reap wall
//! time, `cpu-sec/op` the child's CPU time, user + sys (from `wait4`), in seconds with every
//! nanosecond kept. Only figures whose resolution fits them are written:
//!
//! - not user and sys apart: Linux samples the split between them at scheduler ticks, so a
//!   run of a few milliseconds has all its CPU time in one or the other, and benchstat would
//!   compare medians of a mix of zeros and totals (a spurious "−100.00% (p=0.048)"). Their
//!   sum is the scheduler's own runtime count, to the microsecond, so `cpu-sec/op` is sound;
//!   and it is left out (with a `#` line saying so) when some config's CPU times are all whole
//!   milliseconds, as a kernel counting whole ticks would give.
//! - `max-RSS-B/op`, the run's peak resident memory in bytes (the kernel counts KiB): the
//!   program's own, since probes start from gostart's tiny spawner (see the README).
//!
//! Seconds, not `cpu-ns/op`: benchstat converts `ns` units to `sec` but leaves a 0 in the unit
//! it was written in, which would split one figure into two tables. The header gives the file's
//! configuration keys benchstat groups by: `goos`, `goarch` and `pkg` (the target's import
//! path). They are the same for every run of one program on one machine, so benchstat puts two
//! runs in one table with a column each; nothing that changes from run to run (the run id, the
//! date) is a key, since that would split them. Lines starting with `#` are comments to
//! benchstat, and say which run this is and which configs have no samples.
//!
//! Config names become benchmark names as follows (benchstat splits sub-benchmark names on
//! `/`, reads `key=value` parts as name keys, and a trailing `-N` as GOMAXPROCS):
//!
//! | in the config name | in the benchmark name |
//! |---|---|
//! | `,` between settings | `+` |
//! | `=` | `:` |
//! | space (any whitespace) | `_` |
//! | `/` | `∕` (U+2215 division slash) |
//!
//! so `ldflags=-s -w,CGO_ENABLED=0` is `cfg=ldflags:-s_-w+CGO_ENABLED:0`, `default` stays
//! `cfg=default`; a name ending in `-<digits>` gets a `_` appended. The mapping is not
//! reversible when a name already contains `+`, `:` or `_`; two configs that would map to the
//! same name get `@<id>` appended (the config's stable 8-hex id).

use std::collections::BTreeMap;

use crate::rank::{cpu_ns, cpu_resolved};
use crate::results::{ConfigResult, Run};

pub fn serialize(run: &Run) -> String {
    render(run, host_goarch())
}

/// The text, with `host_arch` as the `goarch` of last resort (see [`goarch`]).
fn render(run: &Run, host_arch: &str) -> String {
    let mut out = format!(
        "# gostart {} run {} ({}): startup of {} · {}\n",
        run.gostart_version, run.run_id, run.started, run.target.import_path, run.go_version
    );
    out.push_str(&format!("goos: {}\n", goos(run)));
    out.push_str(&format!("goarch: {}\n", goarch(run, host_arch)));
    out.push_str(&format!("pkg: {}\n", one_line(&run.target.import_path)));
    let names = names(&run.configs);
    let cpu = run.configs.iter().filter(|c| !c.samples.is_empty()).all(|c| cpu_resolved(&c.samples));
    if !cpu {
        out.push_str("# no cpu-sec/op: some config's CPU times are whole milliseconds (scheduler ticks)\n");
    }
    for c in &run.configs {
        let name = &names[c.name.as_str()];
        if c.samples.is_empty() {
            out.push_str(&format!("# {name}: no samples ({})\n", failure(c)));
            continue;
        }
        for s in &c.samples {
            out.push_str(&format!("BenchmarkStartup/cfg={name} 1 {} ns/op", s.wall_ns));
            if cpu {
                out.push_str(&format!(" {} cpu-sec/op", seconds(cpu_ns(s))));
            }
            out.push_str(&format!(" {} max-RSS-B/op", s.max_rss_kib.saturating_mul(1024)));
            out.push('\n');
        }
    }
    out
}

/// Nanoseconds as exact decimal seconds.
fn seconds(ns: u64) -> String {
    format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)
}

/// The benchmark-name form of every config name (without `cfg=`), unique within the run.
fn names(configs: &[ConfigResult]) -> BTreeMap<&str, String> {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for c in configs {
        *count.entry(sanitise(&c.name)).or_default() += 1;
    }
    configs
        .iter()
        .map(|c| {
            let name = sanitise(&c.name);
            let name = if count[&name] > 1 { format!("{name}@{}", c.id) } else { name };
            (c.name.as_str(), name)
        })
        .collect()
}

/// A config name as one sub-benchmark name part (see the module docs).
pub fn sanitise(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| match c {
            ',' => '+',
            '=' => ':',
            '/' => '∕',
            c if c.is_whitespace() || c.is_control() => '_',
            c => c,
        })
        .collect();
    if out.is_empty() {
        out.push('_');
    }
    // benchstat would read a trailing `-8` as GOMAXPROCS and drop it from the name.
    if let Some((_, tail)) = out.rsplit_once('-') {
        if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) {
            out.push('_');
        }
    }
    out
}

/// gostart measures on Linux only (it reads ELF files and uses `wait4`).
fn goos(run: &Run) -> String {
    build_env(run, "GOOS").unwrap_or_else(|| "linux".to_owned())
}

/// The results do not record the machine's architecture: a `GOARCH` the configs set, else
/// `amd64` when they set `GOAMD64`, else `host_arch`.
fn goarch(run: &Run, host_arch: &str) -> String {
    if let Some(arch) = build_env(run, "GOARCH") {
        return arch;
    }
    if run.configs.iter().any(|c| c.flags.env.contains_key("GOAMD64")) {
        return "amd64".to_owned();
    }
    host_arch.to_owned()
}

/// The architecture gostart itself was built for, in Go's words: the machine that measured,
/// unless the report is rendered elsewhere.
fn host_goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => other,
    }
}

/// A build environment value every config sets alike, if any does.
fn build_env(run: &Run, key: &str) -> Option<String> {
    let mut values = run.configs.iter().filter_map(|c| c.flags.env.get(key)).filter(|v| !v.is_empty());
    let first = values.next()?;
    values.all(|v| v == first).then(|| one_line(first))
}

fn failure(c: &ConfigResult) -> String {
    let reason = match (&c.build.error, &c.probe_failure) {
        (Some(e), _) => format!("build failed: {}", super::first_line(e)),
        (None, Some(f)) => format!("probe failed: {}", f.reason),
        (None, None) => "not measured".to_owned(),
    };
    one_line(&reason)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::fixture;

    #[test]
    fn benchstat_text() {
        let run = fixture::run();
        let out = render(&run, "amd64");
        let lines = out.lines().filter(|l| l.starts_with("Benchmark")).count();
        assert_eq!(lines, run.configs.iter().map(|c| c.samples.len()).sum::<usize>());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn cpu_is_user_plus_sys_and_left_out_when_counted_in_ticks() {
        let mut run = fixture::run();
        let out = render(&run, "amd64");
        assert!(!out.contains("user-sec/op") && !out.contains("sys-sec/op"));
        let s = &run.configs[0].samples[0];
        let first = out.lines().find(|l| l.starts_with("Benchmark")).unwrap();
        assert_eq!(
            first,
            format!(
                "BenchmarkStartup/cfg=default 1 {} ns/op {} cpu-sec/op {} max-RSS-B/op",
                s.wall_ns,
                seconds(s.user_ns + s.sys_ns),
                s.max_rss_kib * 1024
            )
        );

        // A kernel that counts whole 4 ms ticks: CPU time is no figure at that resolution.
        for s in run.configs.iter_mut().flat_map(|c| c.samples.iter_mut()) {
            (s.user_ns, s.sys_ns) = (4_000_000 * (s.round as u64 % 2), 0);
        }
        let out = render(&run, "amd64");
        assert!(out.contains("\n# no cpu-sec/op: some config's CPU times are whole milliseconds"), "{out}");
        let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("Benchmark")).collect();
        assert!(lines.iter().all(|l| !l.contains("cpu-sec/op") && l.ends_with(" max-RSS-B/op")), "{out}");
    }

    #[test]
    fn seconds_are_exact() {
        assert_eq!(seconds(0), "0.000000000");
        assert_eq!(seconds(1_187_000), "0.001187000");
        assert_eq!(seconds(2_000_000_001), "2.000000001");
    }

    #[test]
    fn names() {
        assert_eq!(sanitise("default"), "default");
        assert_eq!(sanitise("ldflags=-s -w,CGO_ENABLED=0"), "ldflags:-s_-w+CGO_ENABLED:0");
        assert_eq!(sanitise("pgo=./prof/cpu.pgo"), "pgo:.∕prof∕cpu.pgo");
        assert_eq!(sanitise("gcflags=all=-N -l"), "gcflags:all:-N_-l");
        assert_eq!(sanitise("ldflags=-X main.n=-1"), "ldflags:-X_main.n:-1_");
        assert_eq!(sanitise("tags=a\tb"), "tags:a_b");
        for name in ["ldflags=-s -w,buildmode=pie", "GOGC=off", "trimpath"] {
            let s = sanitise(name);
            assert!(!s.contains(['/', ' ', '=', ',']), "{s}");
        }
    }

    #[test]
    fn colliding_names_get_ids() {
        let mut run = fixture::run();
        run.configs.truncate(2);
        run.configs[0].name = "tags=a b".into();
        run.configs[1].name = "tags=a_b".into();
        let names = super::names(&run.configs);
        assert_eq!(names["tags=a b"], format!("tags:a_b@{}", run.configs[0].id));
        assert_eq!(names["tags=a_b"], format!("tags:a_b@{}", run.configs[1].id));
    }
}
