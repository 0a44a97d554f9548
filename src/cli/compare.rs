//! `gostart compare RUN_A RUN_B`: the configurations two saved runs share, side by side — e.g.
//! before and after a code change or a Go upgrade; or `gostart compare RUN --config A --config
//! B`: two configurations of one run. The startup ratio B/A gets an unpaired bootstrap interval
//! of the ratio of medians. Where the Go versions differ (and always for two configurations),
//! the size change is explained by package and section from both binaries.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use comfy_table::CellAlignment;
use serde::Serialize;

use super::emit;
use crate::cli::saved::{DataFormat, json, pick};
use crate::config::Overrides;
use crate::export::format_bytes;
use crate::inspect::attribution::{Attribution, RunBinaries};
use crate::inspect::size_diff::{self, SizeDiff};
use crate::measure::stats;
use crate::results::{ConfigResult, Run};
use crate::toolchain::built_by;
use crate::{module_root, rundir};

/// Bootstrap resamples of the startup ratio (as `tune` uses for its paired ratios).
const RESAMPLES: usize = 2000;
/// A fixed seed: comparing the same two runs always prints the same intervals.
const SEED: u64 = 1;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first run ("before"): `last`, a run id, a run folder or a results.json file.
    pub run_a: String,
    /// The second run ("after"), the same way; without it, give two `--config` of RUN_A.
    pub run_b: Option<String>,
    /// With one run: twice, the two configurations to compare (A, then B), by name or id. With
    /// two runs: once, the one configuration to compare (its size explained by package).
    #[arg(long = "config", value_name = "NAME")]
    pub configs: Vec<String>,
    #[arg(long, value_enum, default_value_t = DataFormat::Table)]
    pub format: DataFormat,
    /// Where runs are saved [default: .gostart in the module root].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
}

/// The comparison, as `--format json` prints it.
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub a: RunInfo,
    pub b: RunInfo,
    pub configs: Vec<Row>,
    /// The size change by package and section, for each compared pair built by different Go
    /// versions (every pair when comparing two configurations of one run).
    pub sizes: Vec<SizeExplanation>,
}

/// One pair of binaries' size change by package and section (`gostart size --diff`'s JSON).
#[derive(Debug, Serialize)]
pub struct SizeExplanation {
    /// The row it explains.
    pub name: String,
    pub go_a: String,
    pub go_b: String,
    /// `null` when a binary is missing or unreadable: `missing` says why.
    pub diff: Option<SizeDiff>,
    pub missing: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub run_id: String,
    pub path: PathBuf,
    pub started: String,
    pub go_version: String,
    pub import_path: String,
    /// For a run that did not finish: how far it got (compared on what it measured).
    pub incomplete: Option<String>,
    /// The configuration of this side when comparing two configurations of one run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
}

/// One configuration name. Figures missing on a side (not in that run, failed) are `null`.
#[derive(Debug, Serialize)]
pub struct Row {
    pub name: String,
    /// `both`, `a` or `b`: the runs that have a configuration of this name.
    #[serde(rename = "in")]
    pub in_runs: &'static str,
    pub startup_a_ns: Option<u64>,
    pub startup_b_ns: Option<u64>,
    /// Median B / median A.
    pub startup_ratio: Option<f64>,
    /// 95% unpaired-bootstrap interval of the ratio.
    pub startup_ci95: Option<[f64; 2]>,
    /// The interval contains 1.0: no difference beyond noise.
    pub startup_noise: Option<bool>,
    /// Two-sided Mann-Whitney U p-value, A's timed runs against B's.
    pub startup_p: Option<f64>,
    pub size_a: Option<u64>,
    pub size_b: Option<u64>,
    pub size_ratio: Option<f64>,
    /// Why figures are missing, e.g. `only in A`, `failed in B: ...`.
    pub note: String,
}

pub fn compare(base: &Overrides, a: CompareArgs) -> Result<i32> {
    let target_dir = module_root::runs_dir(base, a.target_dir.as_deref())?;
    let load = |which: &str| -> Result<(PathBuf, Run)> {
        let path = rundir::locate(&target_dir, which)?;
        let run = rundir::load(&path)?;
        Ok((path, run))
    };
    let (path_a, run_a) = load(&a.run_a).context("run A")?;
    let folder_a = rundir::folder_of(&path_a, &run_a);
    let comparison = match (&a.run_b, a.configs.as_slice()) {
        (None, [ca, cb]) => {
            let (ca, cb) = (pick(&run_a, ca)?, pick(&run_a, cb)?);
            let mut c = of_configs(&run_a, &path_a, ca, cb);
            let mut binaries = RunBinaries::new(&run_a, &folder_a);
            let x = binaries.of(ca).cloned();
            let y = binaries.of(cb).cloned();
            c.sizes = vec![explain(&c.configs[0].name, (&run_a, ca, x), (&run_a, cb, y))];
            c
        }
        (None, _) => bail!(
            "compare needs two runs (`gostart compare RUN_A RUN_B`), or one run and two configurations of it \
             (`gostart compare RUN --config A --config B`)"
        ),
        (Some(b), configs) => {
            let (path_b, run_b) = load(b).context("run B")?;
            let only = match configs {
                [] => None,
                [one] => {
                    let (ca, cb) = (pick(&run_a, one).context("run A")?, pick(&run_b, one).context("run B")?);
                    Some([ca.name.as_str(), cb.name.as_str()])
                }
                _ => bail!("with two runs, --config names the one configuration to compare; give it once"),
            };
            let mut c =
                comparison_where(&run_a, &path_a, &run_b, &path_b, |name| only.is_none_or(|o| o.contains(&name)));
            let folder_b = rundir::folder_of(&path_b, &run_b);
            let mut binaries = (RunBinaries::new(&run_a, &folder_a), RunBinaries::new(&run_b, &folder_b));
            c.sizes = explanations(&c, (&run_a, &run_b), &mut binaries, only.is_some());
            c
        }
    };
    let text = match a.format {
        DataFormat::Json => json(&comparison, "the comparison")?,
        DataFormat::Table => {
            let width = crate::export::Style::detect(true).width;
            let mut text = table(&comparison, width);
            text.push_str(&sizes_text(&comparison.sizes, width));
            text
        }
    };
    emit(text.as_bytes(), None, &base.dir)?;
    Ok(0)
}

/// Every configuration name of A (in A's order), then those only in B.
pub fn comparison(a: &Run, path_a: &Path, b: &Run, path_b: &Path) -> Comparison {
    comparison_where(a, path_a, b, path_b, |_| true)
}

/// `comparison` of the configurations `wanted` keeps; rows are computed for those only (each
/// one resamples).
fn comparison_where(a: &Run, path_a: &Path, b: &Run, path_b: &Path, wanted: impl Fn(&str) -> bool) -> Comparison {
    let mut configs: Vec<Row> = (a.configs.iter().filter(|ca| wanted(&ca.name)))
        .map(|ca| row(&ca.name, Some(ca), b.config(&ca.name)))
        .collect();
    let only_b = b.configs.iter().filter(|cb| a.config(&cb.name).is_none() && wanted(&cb.name));
    configs.extend(only_b.map(|cb| row(&cb.name, None, Some(cb))));
    Comparison { a: run_info(a, path_a), b: run_info(b, path_b), configs, sizes: Vec::new() }
}

/// Two configurations of one run, as one row `A → B`, each side's Go its own.
pub fn of_configs(run: &Run, path: &Path, a: &ConfigResult, b: &ConfigResult) -> Comparison {
    let info = |config: &ConfigResult| RunInfo {
        go_version: built_by(run, config).to_owned(),
        config: Some(config.name.clone()),
        ..run_info(run, path)
    };
    let configs = vec![row(&format!("{} → {}", a.name, b.name), Some(a), Some(b))];
    Comparison { a: info(a), b: info(b), configs, sizes: Vec::new() }
}

/// What the comparison says of a run.
fn run_info(run: &Run, path: &Path) -> RunInfo {
    RunInfo {
        run_id: run.run_id.clone(),
        path: path.to_owned(),
        started: run.started.clone(),
        go_version: run.go_version.clone(),
        import_path: run.target.import_path.clone(),
        incomplete: run.incomplete(),
        config: None,
    }
}

/// The size explanation of each configuration both runs have and built with different Go
/// versions (each one when `every`).
fn explanations(
    c: &Comparison,
    (a, b): (&Run, &Run),
    (binaries_a, binaries_b): &mut (RunBinaries<'_>, RunBinaries<'_>),
    every: bool,
) -> Vec<SizeExplanation> {
    c.configs
        .iter()
        .filter(|r| r.in_runs == "both")
        .filter_map(|r| Some((a.config(&r.name)?, b.config(&r.name)?)))
        .filter(|(ca, cb)| every || built_by(a, ca) != built_by(b, cb))
        .map(|(ca, cb)| {
            // Each binary read once across the configs (a shared build is attributed once).
            let (x, y) = (binaries_a.of(ca).cloned(), binaries_b.of(cb).cloned());
            explain(&ca.name, (a, ca, x), (b, cb, y))
        })
        .collect()
}

/// Diffs both binaries' attributions (A the base); a missing or unreadable binary is said, not
/// an error, so the rest of the comparison still prints.
fn explain(
    name: &str,
    (a, ca, x): (&Run, &ConfigResult, Result<Attribution>),
    (b, cb, y): (&Run, &ConfigResult, Result<Attribution>),
) -> SizeExplanation {
    let (go_a, go_b) = (built_by(a, ca).to_owned(), built_by(b, cb).to_owned());
    let label = |side: &str, c: &ConfigResult, go: &str| format!("{} ({side}, {go})", c.name);
    match (x.context("A"), y.context("B")) {
        (Ok(x), Ok(y)) => SizeExplanation {
            name: name.to_owned(),
            diff: Some(size_diff::diff(&label("A", ca, &go_a), &x, &label("B", cb, &go_b), &y)),
            missing: None,
            go_a,
            go_b,
        },
        (x, y) => {
            let why: Vec<String> = [x.err(), y.err()].into_iter().flatten().map(|e| format!("{e:#}")).collect();
            SizeExplanation { name: name.to_owned(), go_a, go_b, diff: None, missing: Some(why.join("; ")) }
        }
    }
}

/// The size explanations for people: each diff as `gostart size --diff` shows it.
pub fn sizes_text(sizes: &[SizeExplanation], width: u16) -> String {
    let mut out = String::new();
    for s in sizes {
        let go = if s.go_a == s.go_b { s.go_a.clone() } else { format!("{} → {}", s.go_a, s.go_b) };
        out.push_str(&format!("\nsize by package, `{}` ({go}):\n", s.name));
        match (&s.diff, &s.missing) {
            (Some(d), _) => out.push_str(&crate::cli::size::render::diff_table(d, width)),
            (None, why) => out.push_str(&format!("cannot explain it: {}\n", why.as_deref().unwrap_or("no binaries"))),
        }
    }
    crate::export::printable(&out).into_owned()
}

/// The config when it was built and timed.
fn timed(c: Option<&ConfigResult>) -> Option<&ConfigResult> {
    c.filter(|c| c.usable() && !c.samples.is_empty())
}

fn row(name: &str, a: Option<&ConfigResult>, b: Option<&ConfigResult>) -> Row {
    let walls = |c: &ConfigResult| c.samples.iter().map(|s| s.wall_ns as f64).collect::<Vec<f64>>();
    let startup = |c: Option<&ConfigResult>| timed(c).and_then(|c| c.startup.as_ref()).map(|s| s.median_ns);
    let size = |c: Option<&ConfigResult>| c.filter(|c| c.build.ok).and_then(|c| c.size.as_ref()).map(|s| s.bytes);
    let (mut ratio, mut ci, mut noise, mut p) = (None, None, None, None);
    if let (Some(ca), Some(cb)) = (timed(a), timed(b)) {
        let (wa, wb) = (walls(ca), walls(cb));
        let (r, interval) = stats::ratio_ci_unpaired(&wa, &wb, RESAMPLES, SEED);
        ratio = Some(r);
        ci = Some(interval);
        noise = Some(interval[0] <= 1.0 && 1.0 <= interval[1]);
        p = Some(stats::mann_whitney_p(&wa, &wb));
    }
    let (size_a, size_b) = (size(a), size(b));
    let note = match (a, b) {
        (Some(_), None) => "only in A".to_owned(),
        (None, Some(_)) => "only in B".to_owned(),
        _ => [("A", a), ("B", b)]
            .into_iter()
            .filter_map(|(side, c)| Some(format!("failed in {side}: {}", failure(c?)?)))
            .collect::<Vec<_>>()
            .join("; "),
    };
    Row {
        name: name.to_owned(),
        in_runs: match (a, b) {
            (Some(_), Some(_)) => "both",
            (Some(_), None) => "a",
            _ => "b",
        },
        startup_a_ns: startup(a),
        startup_b_ns: startup(b),
        startup_ratio: ratio,
        startup_ci95: ci,
        startup_noise: noise,
        startup_p: p,
        size_a,
        size_b,
        size_ratio: size_a.zip(size_b).map(|(a, b)| b as f64 / a.max(1) as f64),
        note,
    }
}

/// Why a configuration has no figures, or `None` when it has them.
fn failure(c: &ConfigResult) -> Option<String> {
    if !c.build.ok {
        let error = c.build.error.as_deref().map(crate::export::first_line).unwrap_or("");
        return Some(format!("build: {error}"));
    }
    if let Some(f) = &c.probe_failure {
        return Some(f.reason.clone());
    }
    (c.startup.is_none() || c.samples.is_empty()).then(|| "not measured".to_owned())
}

/// The table for people, in `width` columns.
pub fn table(c: &Comparison, width: u16) -> String {
    let mut t = crate::export::text_table(width);
    t.set_header(["config", "startup A", "startup B", "B/A", "95% CI", "p", "size A", "size B", "size B/A", "note"]);
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    for r in &c.configs {
        t.add_row([
            r.name.clone(),
            or_dash(r.startup_a_ns.map(format_ns_u64)),
            or_dash(r.startup_b_ns.map(format_ns_u64)),
            or_dash(
                r.startup_ratio
                    .zip(r.startup_noise)
                    .map(|(x, noise)| if noise { "~".into() } else { format!("{x:.3}×") }),
            ),
            or_dash(r.startup_ci95.map(|[lo, hi]| format!("{lo:.3}–{hi:.3}"))),
            or_dash(r.startup_p.map(|p| if p < 0.001 { "<0.001".into() } else { format!("{p:.3}") })),
            or_dash(r.size_a.map(format_bytes)),
            or_dash(r.size_b.map(format_bytes)),
            or_dash(r.size_ratio.map(|x| format!("{x:.3}×"))),
            r.note.clone(),
        ]);
    }
    for col in 1..9 {
        if let Some(col) = t.column_mut(col) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    let line = |side: &str, r: &RunInfo| {
        let config = r.config.as_ref().map_or(String::new(), |c| format!(" · config `{c}`"));
        format!("{side}: run {}{config} · {} · {} · {}\n", r.run_id, r.import_path, r.go_version, r.path.display())
    };
    let mut out = line("A", &c.a);
    out.push_str(&line("B", &c.b));
    if c.a.import_path != c.b.import_path {
        out.push_str("note: the runs tuned different packages\n");
    }
    for (side, r) in [("A", &c.a), ("B", &c.b)] {
        if let Some(note) = &r.incomplete {
            out.push_str(&format!("note: run {side}: {note}\n"));
        }
    }
    if c.a.go_version != c.b.go_version {
        let what = if c.a.config.is_some() { "configurations were built by" } else { "runs used" };
        out.push_str(&format!("note: the {what} different Go versions\n"));
    }
    out.push_str(&format!("{t}\n"));
    out.push_str(
        "B/A below 1 means B is faster or smaller. `~`: the 95% interval of the startup ratio (an unpaired \
         bootstrap of the medians) contains 1.0, a difference gostart cannot tell from noise; p is the \
         Mann-Whitney U test of the timed runs.\n",
    );
    // Names and messages come from the runs: no control character reaches the terminal.
    crate::export::printable(&out).into_owned()
}

fn format_ns_u64(ns: u64) -> String {
    crate::export::format_ns(ns as f64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::export::fixture;

    /// A crafted results.json (fuzz target `results`): its names reach the table escaped.
    #[test]
    fn control_characters_in_names_are_shown_escaped() {
        let mut run = fixture::run();
        run.configs[0].name = "\u{1b}]0;title\u{7}evil".into();
        let path = Path::new("results.json");
        let text = table(&comparison(&run, path, &run, path), 120);
        assert!(!text.contains(['\u{1b}', '\u{7}']), "{text}");
        assert!(text.contains("\\x1b]0;title\\x07evil"), "{text}");
    }

    /// Two runs: only a configuration whose Go differs is explained; without its binaries the
    /// explanation says why, and the comparison still prints.
    #[test]
    fn the_size_is_explained_where_the_go_versions_differ() {
        let a = fixture::run();
        let mut b = fixture::run();
        let path = Path::new("/nonexistent/results.json");
        let c = comparison(&a, path, &b, path);
        fn binaries<'r>(a: &'r Run, b: &'r Run) -> (RunBinaries<'r>, RunBinaries<'r>) {
            let dir = Path::new("/nonexistent");
            (RunBinaries::new(a, dir), RunBinaries::new(b, dir))
        }
        assert!(explanations(&c, (&a, &b), &mut binaries(&a, &b), false).is_empty());
        b.configs[1].go_version = Some("go1.27.3".into());
        let c = comparison(&a, path, &b, path);
        let sizes = explanations(&c, (&a, &b), &mut binaries(&a, &b), false);
        assert_eq!(sizes.len(), 1);
        let s = &sizes[0];
        assert_eq!(
            (s.name.as_str(), s.go_a.as_str(), s.go_b.as_str()),
            (b.configs[1].name.as_str(), "go1.26.8", "go1.27.3")
        );
        assert!(s.diff.is_none());
        let text = sizes_text(&sizes, 120);
        assert!(text.contains(&format!("size by package, `{}` (go1.26.8 → go1.27.3):", s.name)), "{text}");
        assert!(text.contains("cannot explain it: A: "), "{text}");
        // `--config` with two runs: every pair, the same Go or not.
        assert_eq!(explanations(&c, (&a, &b), &mut binaries(&a, &b), true).len(), a.configs.len());
    }
}
