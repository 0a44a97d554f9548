//! One CSV row per config with raw numbers (nanoseconds, bytes), for spreadsheets.

use anyhow::{Context, Result};

use super::rows::ranked;
use crate::results::Run;

pub fn serialize(run: &Run) -> Result<Vec<u8>> {
    let mut w = csv_writer();
    w.write_record([
        "name",
        "id",
        "build_ok",
        "size_bytes",
        "startup_median_ns",
        "startup_ci95_lo_ns",
        "startup_ci95_hi_ns",
        "ratio_size",
        "ratio_startup",
        "ratio_startup_ci95_lo",
        "ratio_startup_ci95_hi",
        "startup_noise",
        "score",
        "pareto",
        "failure",
    ])?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for c in ranked(run) {
        let s = c.startup.as_ref();
        let r = c.ratios.as_ref();
        let failure = c.build.error.clone().or_else(|| c.probe_failure.as_ref().map(|f| f.reason.clone()));
        w.write_record([
            c.name.clone(),
            c.id.clone(),
            c.build.ok.to_string(),
            opt(c.size.as_ref().map(|s| s.bytes.to_string())),
            opt(s.map(|s| s.median_ns.to_string())),
            opt(s.map(|s| s.ci95_ns[0].to_string())),
            opt(s.map(|s| s.ci95_ns[1].to_string())),
            opt(r.map(|r| format!("{:.6}", r.size))),
            opt(r.map(|r| format!("{:.6}", r.startup))),
            opt(r.map(|r| format!("{:.6}", r.startup_ci95[0]))),
            opt(r.map(|r| format!("{:.6}", r.startup_ci95[1]))),
            opt(r.map(|r| r.startup_noise.to_string())),
            opt(c.score.map(|s| format!("{s:.6}"))),
            c.pareto.to_string(),
            opt(failure),
        ])?;
    }
    w.into_inner().context("cannot finish the CSV output")
}

fn csv_writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::Writer::from_writer(Vec::new())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::export::fixture;

    #[test]
    fn csv_rows() {
        let run = fixture::run();
        let out = String::from_utf8(serialize(&run).unwrap()).unwrap();
        assert_eq!(out.lines().count(), run.configs.len() + 1);
        insta::assert_snapshot!(out);
    }
}
