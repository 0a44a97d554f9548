//! Guards: reasons a configuration stays in the table but out of the recommendation.

use std::collections::BTreeSet;

use super::Figure;
use crate::config::Rank;
use crate::flags::Flags;
use crate::results::ConfigResult;

/// Why `c` may not be recommended (empty: it may). Failed builds and probes are not listed:
/// they have no figures to rank at all. A suspended figure (a self-check failed) guards nothing.
pub fn check(c: &ConfigResult, rank: &Rank, suspended: &BTreeSet<Figure>) -> Vec<String> {
    let mut why = unmeasured(c, rank);
    if let Some(r) = &c.ratios {
        for f in Figure::ALL.into_iter().filter(|f| !suspended.contains(f)) {
            let Some(bound) = rank.max_regression.get(&f) else { continue };
            // A ratio within noise is no regression.
            let ratio = r.get(f).filter(|r| !r.noise).map(|r| r.value);
            if let Some(ratio) = ratio.filter(|ratio| *ratio > 1.0 + bound) {
                why.push(format!("{f} {ratio:.3}× exceeds [rank] max_regression.{f} = {bound}"));
            }
        }
    }
    why
}

/// The guards that need no measurement — a binary whose recorded settings are not its
/// config's, a forbidden flag, a `GOAMD64` level — as a race knows them before its first round.
pub fn unmeasured(c: &ConfigResult, rank: &Rank) -> Vec<String> {
    let mut why = Vec::new();
    // The build stage fails a binary whose recorded settings are not its config's; a saved run
    // whose record says otherwise for a config that built (edited, or from a gostart that did
    // not check) keeps it out of the recommendation too.
    if !crate::checks::provenance_mismatches(c).is_empty() {
        why.push("its binary's recorded build settings differ from its config (self-check provenance)".to_owned());
    }
    why.extend(of_flags(&c.flags, rank));
    why
}

/// The guards a configuration's flags alone decide — a forbidden flag, a `GOAMD64` level — as
/// screening knows them of a configuration it has not built.
pub fn of_flags(flags: &Flags, rank: &Rank) -> Vec<String> {
    let mut why = Vec::new();
    if let Some(word) = flag_words(flags).into_iter().find(|w| rank.forbid.iter().any(|f| f == w)) {
        why.push(format!("carries `{word}`, which [rank] forbid keeps out of a recommendation"));
    }
    if let Some(level) = flags.env.get("GOAMD64") {
        if level.as_str() > rank.goamd64.as_str() {
            why.push(format!(
                "GOAMD64={level} will not start on CPUs without {}; allow it with [rank] goamd64 = \"{level}\"",
                cpu_needs(level)
            ));
        }
    }
    why
}

/// The words of a config's tool flags, without `pattern=` prefixes: `all=-N -l` → `-N`, `-l`.
fn flag_words(flags: &Flags) -> Vec<String> {
    [&flags.ldflags, &flags.gcflags, &flags.asmflags]
        .into_iter()
        .flat_map(|value| {
            let value = match value.split_once('=') {
                Some((pattern, rest)) if !pattern.starts_with('-') && !pattern.contains(' ') => rest,
                _ => value.as_str(),
            };
            value.split_whitespace().map(|w| w.split('=').next().unwrap_or(w).to_owned()).collect::<Vec<_>>()
        })
        .collect()
}

/// What each GOAMD64 level requires of the CPU (the x86-64 microarchitecture levels).
fn cpu_needs(level: &str) -> &'static str {
    match level {
        "v2" => "x86-64-v2 (SSE4.2, POPCNT: Intel Nehalem 2008, AMD Bulldozer 2011, or newer)",
        "v3" => "x86-64-v3 (AVX2, BMI1/2, FMA, MOVBE: Intel Haswell 2013, AMD Excavator 2015, or newer)",
        "v4" => "x86-64-v4 (AVX-512: Intel Skylake-X 2017, AMD Zen 4 2022, or newer; most laptops lack it)",
        _ => "the matching x86-64 microarchitecture level",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_ignore_patterns_and_values() {
        let f = Flags { gcflags: "all=-N -l".into(), ldflags: "-s -w -X main.v=1".into(), ..Flags::default() };
        assert_eq!(flag_words(&f), ["-s", "-w", "-X", "main.v", "-N", "-l"]);
    }
}
