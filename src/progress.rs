//! Progress is an interface: the pipeline reports events; one reporter draws indicatif bars on
//! stderr (hidden when stderr is not a terminal), the other prints cargo-style JSON lines.

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// Something that happened during a run. Serialized with a `reason` field, as cargo does.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Event {
    RunStarted {
        run_id: String,
        run_dir: String,
        configs: usize,
        builds: usize,
    },
    BuildsStarted {
        builds: usize,
    },
    /// A later stage of the run began (a screened run's `confirmation`): its configurations
    /// and the builds it adds.
    StageStarted {
        stage: &'static str,
        configs: usize,
        builds: usize,
    },
    /// Which configurations of the matrix are built: `full` or `screen`, and why.
    SearchChosen {
        strategy: crate::search::Strategy,
        why: String,
    },
    /// A screened run's design: its runs and resolution (`null` for a full factorial).
    DesignChosen {
        runs: usize,
        resolution: Option<u32>,
        kind: crate::search::design::Kind,
        substituted: usize,
    },
    /// The fit's prediction, and the alternatives the confirmation stage races beside it and
    /// the baseline.
    Predicted {
        best: String,
        score: f64,
        alternatives: Vec<String>,
        confirm: Vec<String>,
    },
    ConfigBuilt {
        build_id: String,
        configs: Vec<String>,
        ok: bool,
        status: crate::go::BuildStatus,
        wall_ns: u64,
        error: Option<String>,
    },
    /// The compiler's diagnostics for one compile configuration.
    EscapesCollected {
        compile_id: String,
        ok: bool,
        heap: u64,
        error: Option<String>,
    },
    MeasureStarted {
        runs: u64,
    },
    /// Rounds were added to reach the precision goal.
    MeasureExtended {
        runs: u64,
    },
    /// The schedule stopped running a config: `round` whole rounds ran, `reason` says why.
    ConfigDropped {
        id: String,
        name: String,
        round: u32,
        why: crate::measure::schedule::DropReason,
        /// The name of the leader it was found worse than (`why.leader` is its id).
        #[serde(skip_serializing_if = "Option::is_none")]
        leader_name: Option<String>,
    },
    ProbeFailed {
        id: String,
        failure: String,
    },
    /// One probe run finished (progress only).
    RunDone,
    /// A run of a config that already failed was skipped (progress only).
    RunSkipped,
    ConfigMeasured {
        id: String,
        name: String,
        median_ns: Option<u64>,
        failure: Option<String>,
    },
    RunFinished {
        results: String,
        recommended: Option<String>,
        failed: usize,
    },
    /// `tune --resume` continues a saved run; `rebuilds` are the build ids whose binaries
    /// were missing or changed and are built again.
    RunResumed {
        run_id: String,
        run_dir: String,
        rounds_done: u32,
        rounds_planned: u32,
        rebuilds: Vec<String>,
    },
    /// A checkpoint could not be saved (e.g. the disk is full); measuring goes on. Said once.
    CheckpointFailed {
        error: String,
    },
    /// The recommendation's size could not be split against the baseline's (a binary missing
    /// or not attributable); the run goes on without the split.
    SizeSplitFailed {
        error: String,
    },
    /// The recommendation's import chains could not be made (`go list` failed, a binary
    /// missing); the run goes on without the "why is it linked in?" section.
    ExplainFailed {
        error: String,
    },
    /// The run stopped on SIGINT, SIGTERM or SIGHUP: the last event of an interrupted run,
    /// naming the signal and the results.json that holds what was measured.
    RunInterrupted {
        signal: Option<String>,
        results: Option<String>,
    },
}

pub trait Reporter: Sync {
    fn event(&self, event: &Event);
}

/// `--message-format human`: progress bars and warnings on stderr.
#[derive(Default)]
pub struct Bars {
    bar: Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn start(&self, len: u64, what: &str) {
        let style = ProgressStyle::with_template(&format!(
            "{{spinner}} {what:>9} [{{bar:30}}] {{pos}}/{{len}} {{msg}} (ETA {{eta}})"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bar = ProgressBar::new(len).with_style(style);
        // A ticking thread is only worth its wake-ups when someone sees the bar; while
        // measuring, every wake-up is noise on the machine.
        if !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        if let Ok(mut slot) = self.bar.lock() {
            if let Some(old) = slot.replace(bar) {
                old.finish_and_clear();
            }
        }
    }

    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(slot) = self.bar.lock() {
            if let Some(bar) = slot.as_ref() {
                f(bar);
            }
        }
    }

    /// A line on stderr that does not tear the bar.
    fn say(&self, line: &str) {
        let mut printed = false;
        self.with_bar(|b| {
            b.suspend(|| eprintln!("{line}"));
            printed = true;
        });
        if !printed {
            eprintln!("{line}");
        }
    }
}

impl Reporter for Bars {
    fn event(&self, event: &Event) {
        match event {
            Event::RunStarted { run_dir, configs, builds, .. } => {
                self.say(&format!("gostart: {configs} configurations ({builds} builds) → {run_dir}"))
            }
            Event::BuildsStarted { builds } => self.start(*builds as u64, "building"),
            Event::StageStarted { stage, configs, builds } => {
                self.say(&format!("gostart: {stage} stage: {configs} configurations ({builds} new builds)"))
            }
            Event::SearchChosen { strategy, why } => self.say(&format!("gostart: search {}: {why}", strategy.name())),
            Event::DesignChosen { runs, resolution, kind, substituted } => {
                let substituted = match substituted {
                    0 => String::new(),
                    n => format!(", {n} excluded runs replaced by their nearest allowed combination"),
                };
                self.say(&format!(
                    "gostart: design stage: {runs} runs ({}){substituted}",
                    crate::search::design_words(*kind, *resolution)
                ))
            }
            Event::Predicted { best, score, alternatives, confirm } => {
                let alternatives = if alternatives.is_empty() {
                    String::new()
                } else {
                    format!("; alternatives {}", alternatives.join(", "))
                };
                self.say(&format!(
                    "gostart: the fit predicts `{best}` best (score {score:+.3}){alternatives}; confirming {} configurations \
                     head to head with the baseline",
                    confirm.len()
                ))
            }
            Event::ConfigBuilt { ok, status, configs, error, .. } => {
                // An interrupted build is not a failure; the interruption was announced already.
                if !ok && *status != crate::go::BuildStatus::Interrupted {
                    let first = crate::export::first_line(error.as_deref().unwrap_or(""));
                    if first.starts_with("unsupported:") {
                        self.say(&format!("warning: not building {}: {first}", configs.join(", ")));
                    } else {
                        self.say(&format!("warning: build failed for {}: {first}", configs.join(", ")));
                    }
                }
                self.with_bar(|b| b.inc(1));
            }
            // Compiles stopped by Ctrl-C are not failures worth a warning each.
            Event::EscapesCollected { ok: false, .. } if crate::interrupt::requested() => {}
            Event::EscapesCollected { compile_id, ok: false, error, .. } => {
                let first = crate::export::first_line(error.as_deref().unwrap_or(""));
                self.say(&format!("warning: escape report for compile config {compile_id} failed: {first}"))
            }
            Event::EscapesCollected { .. } => {}
            Event::MeasureStarted { runs } => self.start(*runs, "measuring"),
            Event::MeasureExtended { runs } => self.with_bar(|b| b.inc_length(*runs)),
            Event::ProbeFailed { id, failure } => self.say(&format!("warning: probe of {id} failed: {failure}")),
            Event::RunDone | Event::RunSkipped => self.with_bar(|b| b.inc(1)),
            Event::ConfigMeasured { .. } => {}
            Event::ConfigDropped { name, round, why, leader_name, .. } => {
                self.say(&dropped_line(name, *round, why, leader_name.as_deref()))
            }
            Event::RunFinished { results, .. } => {
                self.with_bar(|b| b.finish_and_clear());
                eprintln!("gostart: results saved to {results}");
            }
            Event::RunResumed { run_id, run_dir, rounds_done, rounds_planned, rebuilds } => {
                let rebuilt = if rebuilds.is_empty() {
                    String::new()
                } else {
                    format!("; building again {} (missing or changed)", rebuilds.join(", "))
                };
                self.say(&format!(
                    "gostart: resuming run {run_id} after {rounds_done} of {rounds_planned} rounds{rebuilt} → {run_dir}"
                ))
            }
            Event::CheckpointFailed { error } => {
                self.say(&format!("warning: cannot save the results so far ({error}); measuring goes on"))
            }
            Event::SizeSplitFailed { error } => self.say(&format!(
                "warning: the reports leave out the size of the recommendation against the baseline by package \
                 (`gostart size --diff` shows why again): {error}"
            )),
            Event::ExplainFailed { error } => self.say(&format!(
                "warning: the reports leave out \"why is it linked in?\" (`gostart explain` shows why again): {error}"
            )),
            // The error that ends the run says it.
            Event::RunInterrupted { .. } => self.with_bar(|b| b.finish_and_clear()),
        }
    }
}

/// The line a drop gets, in the reports' words. No event maps config ids to names, so a
/// leader is shown by its id (the table's `id` column).
fn dropped_line(name: &str, round: u32, why: &crate::measure::schedule::DropReason, leader: Option<&str>) -> String {
    format!("gostart: `{name}` {}", crate::export::schedule::dropped(round, why, |_| leader.map(str::to_owned)))
}

/// `--message-format json`: one JSON object a line on stdout.
pub struct JsonLines;

impl Reporter for JsonLines {
    fn event(&self, event: &Event) {
        if matches!(event, Event::RunDone | Event::RunSkipped) {
            return;
        }
        if let Ok(line) = serde_json::to_string(event) {
            let mut out = std::io::stdout().lock();
            // A closed stdout (e.g. `| head`) must not stop the run.
            let _ = writeln!(out, "{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::measure::schedule::DropReason;

    #[test]
    fn a_drop_is_one_line_in_the_reports_words() {
        let why = DropReason::Worse { leader: "3b209a57".into(), p: 0.0004, diff: 0.21 };
        assert_eq!(
            dropped_line("buildmode=pie", 10, &why, Some("ldflags=-s -w")),
            "gostart: `buildmode=pie` dropped after round 10: worse than `ldflags=-s -w` (the leader then; p = \
             0.0004, score +0.210)"
        );
        assert!(dropped_line("buildmode=pie", 10, &why, None).contains("worse than config `3b209a57`"));
        let why = DropReason::Exact { exact: 0.9, bound: 0.69 };
        assert!(
            dropped_line("tags=big", 0, &why, None).starts_with("gostart: `tags=big` dropped before the first round: ")
        );
        // The JSON line carries the reason as results.json does.
        let event =
            Event::ConfigDropped { id: "0badc0de".into(), name: "tags=big".into(), round: 0, why, leader_name: None };
        let json: serde_json::Value = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"reason": "config-dropped", "id": "0badc0de", "name": "tags=big", "round": 0,
                "why": {"kind": "exact", "exact": 0.9, "bound": 0.69}})
        );
    }
}
