//! A screened run (`[search] strategy = "screen"`, or `auto` above `max_builds`): the design
//! stage builds and races the design's runs with the baseline (saved in `design/` of the run
//! folder, a run of its own); one fit per figure over them predicts the best configuration of
//! the whole matrix; the confirmation stage builds the prediction and its nearest alternatives
//! and races them head to head with the baseline and the design stage's own pick. The verdict
//! is the confirmation stage's: it names a configuration that was built and measured.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::SystemTime;

use anyhow::{Context, Result, anyhow};

use super::{Prepared, Stage, begin, measure_and_rank};
use crate::config::Config;
use crate::matrix::ConfigSpec;
use crate::measure::Start;
use crate::progress::{Event, Reporter};
use crate::results::{ConfigResult, Run};
use crate::rundir;
use crate::search::design::{self, Design, Placed};
use crate::search::fit::Terms;
use crate::search::{DesignRun, Search, Strategy, effects, predict};

/// The design stage's configurations (the baseline first, then the design's runs in order),
/// the design, and where its runs fell on the matrix.
pub(super) struct DesignStage {
    pub design: Design,
    pub placed: Vec<Placed>,
    pub specs: Vec<ConfigSpec>,
}

/// The design for `record`'s axes within `[search] max_builds`, placed on the matrix.
pub(super) fn design_stage(config: &Config, p: &Prepared, record: &Search) -> Result<DesignStage> {
    let levels: Vec<usize> = record.axes.iter().map(|a| a.values.len()).collect();
    let reference: Vec<u32> = record.axes.iter().map(|a| a.reference).collect();
    let design = design::choose(&levels, &reference, config.search.max_builds)
        .map_err(|e| anyhow!("cannot screen the matrix in {}: {e}", config.matrix.source))?;
    let allowed: Vec<Vec<u32>> = p.expanded.configs.iter().flat_map(|c| c.levels.iter().cloned()).collect();
    let placed = design::place(&design.points, &allowed);
    let mut specs: Vec<ConfigSpec> = Vec::new();
    let mut add = |c: &ConfigSpec| {
        if !specs.iter().any(|s| s.name == c.name) {
            specs.push(c.clone());
        }
    };
    if let Some(base) = p.expanded.configs.iter().find(|c| c.name == p.expanded.baseline) {
        add(base);
    }
    for run in &placed {
        if let Some(c) = at(p, &run.levels) {
            add(c);
        }
    }
    Ok(DesignStage { design, placed, specs })
}

/// The configuration of the matrix at `levels`.
fn at<'a>(p: &'a Prepared, levels: &[u32]) -> Option<&'a ConfigSpec> {
    p.expanded.configs.iter().find(|c| c.levels.iter().any(|l| l == levels))
}

pub(super) fn run(
    config: &Config,
    p: &Prepared,
    mut record: Search,
    reporter: &dyn Reporter,
) -> Result<(Run, PathBuf)> {
    let stage = design_stage(config, p, &record)?;
    reporter.event(&Event::SearchChosen { strategy: Strategy::Screen, why: record.why.clone() });
    reporter.event(&Event::DesignChosen {
        runs: stage.design.runs,
        resolution: stage.design.resolution,
        kind: stage.design.kind,
        substituted: stage.placed.iter().filter(|p| p.substituted).count(),
    });
    record.design = Some(stage.design.clone());

    let (run_id, run_dir) = rundir::create(&p.target_dir, SystemTime::now())?;
    let design_dir = run_dir.join(crate::rundir::DESIGN_STAGE);
    std::fs::create_dir(&design_dir).with_context(|| format!("cannot create {}", design_dir.display()))?;
    let first_stage = Stage { run_dir: &run_dir, save_dir: &design_dir, first: true, last: false };
    let search = Search { builds: builds(&stage.specs, &[]), ..record.clone() };
    let first = begin(config, p, &run_id, &stage.specs, &first_stage, None, search, reporter)?;
    let (first, _) = measure_and_rank(config, p, first, &first_stage, Start::default(), reporter)?;

    record.design_runs = stage
        .placed
        .iter()
        .filter_map(|placed| {
            // By name: a configuration that several combinations give has the first as its levels.
            let spec = at(p, &placed.levels)?;
            Some(design_run(first.configs.iter().find(|c| c.name == spec.name)?, placed))
        })
        .collect();
    let measured: Vec<(Vec<u32>, crate::results::Ratios)> =
        record.design_runs.iter().filter_map(|d| Some((d.levels.clone(), d.ratios.clone()?))).collect();
    let fits = effects::fits(&record.axes, &measured, Terms::Resolved);
    let weights = &config.rank.weights;
    record.prediction = predict::predict(&p.expanded.configs, &fits, weights, &config.rank, &first.suspended);

    let confirm = confirmation(p, &record, &first);
    record.confirmed = confirm.iter().map(|c| c.name.clone()).collect();
    record.builds = builds(&stage.specs, &confirm);
    reporter.event(&Event::Predicted {
        best: record.prediction.as_ref().map_or_else(String::new, |p| p.best.name.clone()),
        score: record.prediction.as_ref().map_or(0.0, |p| p.best.score),
        alternatives: record
            .prediction
            .as_ref()
            .map(|p| p.alternatives.iter().map(|a| a.name.clone()).collect())
            .unwrap_or_default(),
        confirm: record.confirmed.clone(),
    });

    let last = Stage { run_dir: &run_dir, save_dir: &run_dir, first: false, last: true };
    let run = begin(config, p, &run_id, &confirm, &last, Some(&first), record, reporter)?;
    measure_and_rank(config, p, run, &last, Start::default(), reporter)
}

/// A design run's record from the design stage's result for it.
fn design_run(c: &ConfigResult, placed: &Placed) -> DesignRun {
    let failure = if !c.build.ok {
        Some(crate::export::first_line(c.build.error.as_deref().unwrap_or("the build failed")).to_owned())
    } else {
        c.probe_failure.as_ref().map(|f| f.reason.clone())
    };
    DesignRun {
        name: c.name.clone(),
        id: c.id.clone(),
        levels: placed.levels.clone(),
        substituted: placed.substituted,
        ratios: c.ratios.clone(),
        rounds: c.samples.len() as u32,
        dropped: c.dropped.clone(),
        failure,
    }
}

/// What the confirmation stage races: the baseline, the prediction and its alternatives, the
/// design stage's recommendation and contenders, and the configurations an include entry makes
/// outside the axes (no design can place them).
fn confirmation(p: &Prepared, record: &Search, first: &Run) -> Vec<ConfigSpec> {
    let mut names: Vec<String> = vec![p.expanded.baseline.clone()];
    if let Some(prediction) = &record.prediction {
        names.push(prediction.best.name.clone());
        names.extend(prediction.alternatives.iter().map(|a| a.name.clone()));
    }
    names.extend(first.verdict.recommended.iter().cloned());
    names.extend(first.verdict.contenders.iter().take(2).cloned());
    names.extend(p.expanded.configs.iter().filter(|c| c.levels.is_empty()).map(|c| c.name.clone()));
    let mut seen = BTreeSet::new();
    names
        .into_iter()
        .filter(|n| seen.insert(n.clone()))
        .filter_map(|n| p.expanded.configs.iter().find(|c| c.name == n).cloned())
        .collect()
}

/// Distinct `go build`s of both stages.
fn builds(first: &[ConfigSpec], second: &[ConfigSpec]) -> usize {
    crate::search::distinct_builds(first.iter().chain(second).map(|c| c.build_id.as_str()))
}
