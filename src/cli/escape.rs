//! `gostart escape`: read the escape reports of a saved run, or compile what is needed now.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

use super::args::{ConfigArgs, EscapeArgs, EscapeFormat};
use super::{emit, load};
use crate::config::Overrides;
use crate::export::escapes::{EscapeView, json, table};
use crate::inspect::escapes::collect;
use crate::inspect::escapes::diff::diff;
use crate::inspect::escapes::report::{Counts, Report};
use crate::{module_root, rundir, tune};

/// Functions listed by heap allocations.
const TOP_FUNCTIONS: usize = 10;

pub fn escape(base: &Overrides, a: EscapeArgs) -> Result<i32> {
    let target_dir = module_root::runs_dir(base, a.target_dir.as_deref())?;
    let saved = match &a.run {
        Some(run) => Some(rundir::locate(&target_dir, run)?),
        None => rundir::locate(&target_dir, "last").ok(),
    };
    let from_run = match &saved {
        Some(path) => from_saved_run(path)?,
        None => None,
    };
    let (reports, recommended, baseline) = match (from_run, &a.run) {
        (Some(reports), _) => reports,
        (None, Some(run)) => bail!("run `{run}` has no escape reports (was it tuned with --no-escapes?)"),
        (None, None) => compile_now(base, &a, &target_dir)?,
    };
    let pick = |wanted: &str| -> Result<&(String, String, Report)> {
        reports.iter().find(|(name, id, _)| name == wanted || id == wanted).with_context(|| {
            let known: Vec<&str> = reports.iter().map(|(n, _, _)| n.as_str()).collect();
            format!("no escape report for a configuration `{wanted}`; there are reports for: {}", known.join(", "))
        })
    };
    let shown = a.config.clone().or(recommended).unwrap_or_else(|| baseline.clone());
    let (name, _, report) = pick(&shown)?;
    let against = match &a.diff {
        Some(d) => Some(pick(d)?),
        None if *name != baseline => pick(&baseline).ok(),
        None => None,
    };
    let selected = |p: &str| match &a.package {
        None => true,
        Some(pat) => match pat.strip_suffix("/...") {
            Some(prefix) => p == prefix || p.starts_with(&format!("{prefix}/")),
            None => p == pat,
        },
    };
    let packages: Vec<(String, Counts)> =
        report.by_package().into_iter().filter(|(p, _)| selected(p)).map(|(p, c)| (p.to_owned(), c)).collect();
    // A report with no sites at all is an answer (nothing escapes); a pattern that matches
    // nothing is a mistake.
    if let (true, Some(pattern)) = (packages.is_empty(), &a.package) {
        bail!("no package of the report matches `{pattern}`");
    }
    let view = EscapeView {
        config: name,
        report,
        top_functions: report
            .top_heap_functions(usize::MAX)
            .into_iter()
            .filter(|(p, _, _)| selected(p))
            .take(TOP_FUNCTIONS)
            .map(|(p, f, n)| (p.to_owned(), f.to_owned(), n))
            .collect(),
        packages,
        base: against.map(|(n, _, _)| n.as_str()),
        diff: against.map(|(_, _, b)| diff(b, report)),
    };
    let bytes = match a.format {
        EscapeFormat::Table => table(&view).into_bytes(),
        EscapeFormat::Json => json(&view)?,
    };
    emit(&bytes, None, &base.dir)?;
    Ok(0)
}

type Reports = (Vec<(String, String, Report)>, Option<String>, String);

/// Every config's report from a saved run: `(name, id, report)`, the recommended and the
/// baseline; `None` when the run has none.
fn from_saved_run(results: &Path) -> Result<Option<Reports>> {
    let run = rundir::load(results)?;
    if !run.merged.is_empty() {
        bail!(
            "run {} was merged from shards, and the escape reports stay in the shards' run folders: give a \
             shard's run instead ({})",
            run.run_id,
            // Every shard measured the baseline: this lists them all.
            rundir::shards_of(&run, &run.baseline)
        );
    }
    let run_dir = rundir::folder_of(results, &run);
    let mut cache: BTreeMap<String, Report> = BTreeMap::new();
    let mut out = Vec::new();
    for c in &run.configs {
        let Some(file) = c.escapes.as_ref().and_then(|e| e.report.clone()) else { continue };
        if !cache.contains_key(&file) {
            let path = run_dir.join(&file);
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let report: Report =
                serde_json::from_str(&text).with_context(|| format!("{} is not an escape report", path.display()))?;
            cache.insert(file.clone(), report);
        }
        if let Some(report) = cache.get(&file) {
            out.push((c.name.clone(), c.id.clone(), report.clone()));
        }
    }
    if out.is_empty() {
        return Ok(None);
    }
    Ok(Some((out, run.verdict.recommended.clone(), run.baseline)))
}

/// No saved run: compile the baseline and the requested configs with diagnostics now.
fn compile_now(base: &Overrides, a: &EscapeArgs, target_dir: &Path) -> Result<Reports> {
    let config = load(base, &ConfigArgs { max_configs: 256, ..ConfigArgs::default() }, |_| {})?;
    let prepared = tune::prepare(&config, Some(target_dir))?;
    let baseline = prepared.expanded.baseline.clone();
    let wanted: Vec<&str> =
        [Some(baseline.as_str()), a.config.as_deref(), a.diff.as_deref()].into_iter().flatten().collect();
    let work = target_dir.join("escapes").join(rundir::new_run_id(SystemTime::now()));
    let mut out = Vec::new();
    // Configs that compile alike share one report: compiled again into the same folder, go's
    // build cache would skip the compiler and write no diagnostics.
    let mut compiled: BTreeMap<String, crate::inspect::escapes::report::Report> = BTreeMap::new();
    for c in prepared.expanded.configs.iter().filter(|c| wanted.iter().any(|w| *w == c.name || *w == c.id)) {
        if let Some(r) = compiled.get(&c.flags.compile_id()) {
            out.push((c.name.clone(), c.id.clone(), r.clone()));
            continue;
        }
        eprintln!("gostart: compiling `{}` with escape diagnostics", c.name);
        let (collected, report) = collect::collect(&prepared.go, &prepared.workspace, &c.flags, &work)?;
        if let Some(r) = &report {
            compiled.insert(c.flags.compile_id(), r.clone());
        }
        match report {
            Some(r) => out.push((c.name.clone(), c.id.clone(), r)),
            None if crate::interrupt::requested() => return Err(crate::interrupt::Interrupted::default().into()),
            None => bail!("compiling `{}` failed:\n{}", c.name, collected.error.unwrap_or_default()),
        }
    }
    Ok((out, None, baseline))
}
