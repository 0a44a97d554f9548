//! One CSV row per config with raw numbers (nanoseconds, bytes), for spreadsheets. Columns are
//! only ever added at the end.

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
        "pareto_all",
        "ratio_max_rss",
        "ratio_max_rss_ci95_lo",
        "ratio_max_rss_ci95_hi",
        "max_rss_noise",
        "ratio_cpu",
        "ratio_cpu_ci95_lo",
        "ratio_cpu_ci95_hi",
        "cpu_noise",
        "rounds",
        "dropped_round",
        "dropped_reason",
        "go_version",
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
            opt(c.pareto_all.map(|p| p.to_string())),
            opt(r.and_then(|r| r.max_rss).map(|v| format!("{v:.6}"))),
            opt(r.and_then(|r| r.max_rss_ci95).map(|ci| format!("{:.6}", ci[0]))),
            opt(r.and_then(|r| r.max_rss_ci95).map(|ci| format!("{:.6}", ci[1]))),
            opt(r.filter(|r| r.max_rss_ci95.is_some()).map(|r| r.max_rss_noise.to_string())),
            opt(r.and_then(|r| r.cpu).map(|v| format!("{v:.6}"))),
            opt(r.and_then(|r| r.cpu_ci95).map(|ci| format!("{:.6}", ci[0]))),
            opt(r.and_then(|r| r.cpu_ci95).map(|ci| format!("{:.6}", ci[1]))),
            opt(r.filter(|r| r.cpu_ci95.is_some()).map(|r| r.cpu_noise.to_string())),
            super::schedule::ran(c).to_string(),
            opt(c.dropped.as_ref().map(|d| d.round.to_string())),
            opt(c.dropped.as_ref().map(|d| super::schedule::reason_kind(&d.reason).to_owned())),
            crate::toolchain::built_by(run, c).to_owned(),
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

    #[test]
    fn max_rss_and_cpu_columns_of_a_ranked_run() {
        // The fixture (20 rounds) was ranked before max RSS and CPU had intervals: rank it again.
        let mut run = fixture::run();
        let baseline = run.baseline.clone();
        crate::rank::rank(&mut run.configs, &baseline, &crate::config::Rank::default(), ".");
        let out = String::from_utf8(serialize(&run).unwrap()).unwrap();
        let mut rows = ::csv::Reader::from_reader(out.as_bytes());
        let header = rows.headers().unwrap().clone();
        let col =
            |row: &::csv::StringRecord, name: &str| row[header.iter().position(|h| h == name).unwrap()].to_owned();
        for row in rows.records().map(Result::unwrap) {
            // Every run of the fixture peaked at 8292 KiB: no difference, and noise.
            assert_eq!(col(&row, "ratio_max_rss"), "1.000000");
            assert_eq!(
                (col(&row, "ratio_max_rss_ci95_lo"), col(&row, "ratio_max_rss_ci95_hi")),
                ("1.000000".into(), "1.000000".into())
            );
            assert_eq!(col(&row, "max_rss_noise"), "true");
            assert!(["true", "false"].contains(&col(&row, "pareto_all").as_str()));
            // The pie builds start slower in this capture, and spend more CPU doing it.
            let cpu = |name: &str| col(&row, name).parse::<f64>().unwrap();
            if row[0].contains("buildmode=pie") {
                assert!(cpu("ratio_cpu") > 1.1 && cpu("ratio_cpu_ci95_lo") > 1.0, "{row:?}");
                assert_eq!(col(&row, "cpu_noise"), "false");
            } else {
                assert!(cpu("ratio_cpu_ci95_lo") <= cpu("ratio_cpu") && cpu("ratio_cpu") <= cpu("ratio_cpu_ci95_hi"));
            }
        }
    }
}
