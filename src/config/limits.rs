//! What the operating system can take, checked before anything is built: the size of each
//! value that becomes an argument or an environment variable, the size of each command as a
//! whole, and the CPUs this process may run on.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use super::Config;
use crate::matrix::Expanded;

/// The most bytes one value (an argument, a flags value, an environment value) may hold:
/// half of Linux's 128 KiB limit on one argument or `NAME=value` string (MAX_ARG_STRLEN).
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// The most bytes gostart adds to one command (arguments and environment, each string with
/// its NUL and pointer, as the kernel counts them): half of the usual 2 MiB ARG_MAX, so the
/// environment gostart inherits still fits beside it.
pub const MAX_COMMAND_BYTES: usize = 1024 * 1024;

/// Room kept for the paths gostart chooses itself (the `-o` binary, the program started).
const PATH_ROOM: usize = 4096;

/// Why `value` cannot be passed as an argument or environment value, if it cannot.
pub fn check_value(value: &str) -> Result<(), String> {
    if value.contains('\0') {
        return Err(
            "this value contains a NUL byte (\\u0000), which no argument or environment variable can carry".into()
        );
    }
    if value.len() > MAX_VALUE_BYTES {
        return Err(format!(
            "this value is {} bytes long; a value passed to go or to the program may be at most {MAX_VALUE_BYTES} bytes (64 KiB)",
            value.len()
        ));
    }
    Ok(())
}

/// Bytes the kernel counts for these strings: each with its NUL, plus its pointer.
fn cost<'a>(strings: impl IntoIterator<Item = (&'a str, usize)>) -> usize {
    strings.into_iter().map(|(s, extra)| s.len() + extra + 1 + std::mem::size_of::<usize>()).sum()
}

fn env_cost(env: &BTreeMap<String, String>) -> usize {
    // `NAME=value`: the `=` is the extra byte.
    env.iter().map(|(k, v)| cost([(k.as_str(), 1 + v.len())])).sum()
}

/// Every `go build` and every probe run of `expanded` fits in [`MAX_COMMAND_BYTES`].
pub fn check_commands(config: &Config, expanded: &Expanded) -> Result<()> {
    let probe = cost(config.target.args.iter().map(|a| (a.as_str(), 0))) + env_cost(&config.target.env) + PATH_ROOM;
    for c in &expanded.configs {
        let args = c.flags.build_args();
        let build = cost(args.iter().map(|a| (a.as_str(), 0)))
            + cost([(config.target.package.as_str(), 0)])
            + env_cost(&c.flags.env)
            + PATH_ROOM;
        let run = probe + env_cost(&c.flags.runenv);
        for (what, bytes) in
            [("its go build command and environment", build), ("a probe run's arguments and environment", run)]
        {
            if bytes > MAX_COMMAND_BYTES {
                bail!(
                    "configuration `{}`: {what} come to {bytes} bytes, more than the {MAX_COMMAND_BYTES} bytes (1 MiB) \
                     gostart passes to one command (half the usual ARG_MAX, leaving room for the environment it \
                     inherits); shorten the longest values",
                    c.name
                );
            }
        }
    }
    Ok(())
}

/// The CPUs this process may run on (its affinity mask, which cgroups and `taskset` narrow),
/// or `None` where the system does not say.
pub fn allowed_cpus() -> Option<Vec<usize>> {
    let set = rustix::thread::sched_getaffinity(None).ok()?;
    Some((0..rustix::thread::CpuSet::MAX_CPU).filter(|&c| set.is_set(c)).collect())
}

/// Why probes cannot be pinned to `cpu`, if they cannot.
pub fn check_cpu(cpu: usize) -> Result<(), String> {
    let Some(cpus) = allowed_cpus() else { return Ok(()) };
    if cpus.contains(&cpu) {
        return Ok(());
    }
    Err(format!("CPU {cpu} is not one this process may run on; pick one of {} (its affinity mask)", ranges(&cpus)))
}

/// `0-3,6,8-9`.
fn ranges(cpus: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let mut j = i;
        while j + 1 < cpus.len() && cpus[j + 1] == cpus[j] + 1 {
            j += 1;
        }
        out.push(if i == j { cpus[i].to_string() } else { format!("{}-{}", cpus[i], cpus[j]) });
        i = j + 1;
    }
    if out.is_empty() { "none".into() } else { out.join(",") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_with_nul_or_too_long_are_refused() {
        assert!(check_value("-s -w").is_ok());
        assert!(check_value("a\0b").unwrap_err().contains("NUL byte"));
        assert!(check_value(&"x".repeat(MAX_VALUE_BYTES)).is_ok());
        assert!(check_value(&"x".repeat(MAX_VALUE_BYTES + 1)).unwrap_err().contains("65537 bytes long"));
    }

    #[test]
    fn cpu_lists_are_ranges() {
        assert_eq!(ranges(&[0, 1, 2, 3, 6, 8, 9]), "0-3,6,8-9");
        assert_eq!(ranges(&[]), "none");
    }

    #[test]
    fn only_allowed_cpus_pass() {
        let cpus = allowed_cpus().expect("Linux reports the affinity mask");
        assert!(check_cpu(cpus[0]).is_ok());
        assert!(check_cpu(rustix::thread::CpuSet::MAX_CPU).unwrap_err().contains("pick one of"));
    }
}
