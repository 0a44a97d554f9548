//! What `gostart check` found: each budgeted figure of the head against the base, its
//! verdict, the exit code, and the report as a table, Markdown or JSON.

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use super::CheckFormat;
use super::budget::{self, Budget, Verdict};
use super::gate::{BASE, HEAD};
use crate::printable::printable;
use crate::results::{ConfigResult, Run};

/// One figure of the head against the base.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub figure: &'static str,
    pub base: String,
    pub head: String,
    /// The change, as people read it: `+3.2%`, `+4 sites`.
    pub change: String,
    pub budget: String,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub run_id: String,
    pub rows: Vec<Row>,
    /// The ELF sections whose size changed, the largest change first (an exact figure, shown
    /// beside the budgets so that a size change is explained).
    pub sections: Vec<SectionChange>,
}

/// One section's size in the base and in the head (0 where it is missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionChange {
    pub name: String,
    pub base: u64,
    pub head: u64,
}

/// Sections the line names; the rest are counted.
const SECTIONS_SHOWN: usize = 6;

/// The sections whose size differs between `base` and `head`, the largest change first.
fn section_changes(base: &ConfigResult, head: &ConfigResult) -> Vec<SectionChange> {
    let of = |c: &ConfigResult| c.size.as_ref().map(|s| s.sections.clone()).unwrap_or_default();
    let (b, h) = (of(base), of(head));
    let mut out: Vec<SectionChange> = b
        .keys()
        .chain(h.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|n| SectionChange {
            name: n.clone(),
            base: b.get(n).copied().unwrap_or(0),
            head: h.get(n).copied().unwrap_or(0),
        })
        .filter(|c| c.base != c.head)
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse((c.head as i64 - c.base as i64).unsigned_abs()));
    out
}

/// `sections changed: .rodata +300000 B, .text +1200 B`; `None` when none changed.
fn sections_line(o: &Outcome) -> Option<String> {
    if o.sections.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = o
        .sections
        .iter()
        .take(SECTIONS_SHOWN)
        .map(|c| format!("{} {:+} B", printable(&c.name), c.head as i64 - c.base as i64))
        .collect();
    if o.sections.len() > SECTIONS_SHOWN {
        parts.push(format!("and {} more", o.sections.len() - SECTIONS_SHOWN));
    }
    Some(format!("sections changed: {}", parts.join(", ")))
}

fn pct(ratio: f64) -> String {
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
}

fn ms(ns: u64) -> String {
    format!("{:.2} ms", ns as f64 / 1e6)
}

impl Outcome {
    /// The rows of `run` (configs `base` and `head`) against `budget`; `measured`: whether
    /// start-up and peak RSS were measured against the base here.
    pub fn of(run: &Run, budget: &Budget, measured: bool) -> Outcome {
        let find = |n: &str| run.configs.iter().find(|c| c.name == n);
        let mut rows = Vec::new();
        let (Some(base), Some(head)) = (find(BASE), find(HEAD)) else {
            return Outcome { run_id: run.run_id.clone(), rows, sections: Vec::new() };
        };
        let sections = section_changes(base, head);
        let bytes = |c: &ConfigResult| c.size.as_ref().map_or(0, |s| s.bytes);
        if let Some(allowed) = budget.size {
            let ratio = bytes(head) as f64 / bytes(base).max(1) as f64;
            rows.push(Row {
                figure: "size",
                base: format!("{} B", bytes(base)),
                head: format!("{} B", bytes(head)),
                change: format!("{} ({:+} B)", pct(ratio), bytes(head) as i64 - bytes(base) as i64),
                budget: format!("+{}%", allowed * 100.0),
                verdict: budget::exact(ratio, allowed),
            });
        }
        if let Some(allowed) = budget.escapes {
            let heap = |c: &ConfigResult| c.escapes.as_ref().filter(|e| e.collect.ok).map(|e| e.counts.heap);
            let (b, h) = (heap(base), heap(head));
            let (change, verdict) = match (b, h) {
                (Some(b), Some(h)) => {
                    let added = h as i64 - b as i64;
                    let over = added > allowed as i64;
                    (format!("{added:+} sites"), if over { Verdict::Exceeded } else { Verdict::Within })
                }
                _ => ("(no escape report)".to_owned(), Verdict::NotCompared),
            };
            let show = |v: Option<u64>| v.map_or("-".to_owned(), |v| v.to_string());
            rows.push(Row {
                figure: "escapes",
                base: show(b),
                head: show(h),
                change,
                budget: format!("+{allowed} sites"),
                verdict,
            });
        }
        // The intervals the gate stopped on: 95% spread over its looks.
        let looks = run.schedule.as_ref().map_or(1, |s| s.looks.len());
        let level = super::gate::level(looks);
        let figures: [(&str, Option<f64>, super::gate::PerRun); 2] =
            [("startup", budget.startup, |s| s.wall_ns as f64), ("max_rss", budget.max_rss, |s| s.max_rss_kib as f64)];
        for (figure, allowed, per_run) in figures {
            let Some(allowed) = allowed else { continue };
            let budget_text = format!("+{}% ({:.1}% interval, 95% over {looks} looks)", allowed * 100.0, level * 100.0);
            let paired = super::gate::paired(&head.samples, &base.samples, per_run, level);
            let median = |c: &ConfigResult| {
                c.startup.as_ref().map_or("-".to_owned(), |s| match figure {
                    "startup" => ms(s.median_ns),
                    _ => format!("{} KiB", s.max_rss_kib),
                })
            };
            let row = match paired {
                Some((value, ci)) if measured && run.rounds.done > 0 => Row {
                    figure,
                    base: median(base),
                    head: median(head),
                    change: format!("{} [{}, {}]", pct(value), pct(ci[0]), pct(ci[1])),
                    budget: budget_text,
                    verdict: budget::interval(ci, allowed),
                },
                _ => Row {
                    figure,
                    base: "-".to_owned(),
                    head: "-".to_owned(),
                    change: "not measured against the base".to_owned(),
                    budget: budget_text,
                    verdict: Verdict::NotCompared,
                },
            };
            rows.push(row);
        }
        Outcome { run_id: run.run_id.clone(), rows, sections }
    }

    /// 4 when a figure is over budget (or, with `strict`, unresolved); else 0.
    pub fn exit_code(&self, strict: bool) -> i32 {
        let fails = |v: Verdict| v == Verdict::Exceeded || (strict && v == Verdict::Unresolved);
        if self.rows.iter().any(|r| fails(r.verdict)) { super::EXIT_OVER_BUDGET } else { 0 }
    }

    /// One line: what failed, or that it passed.
    pub fn summary(&self) -> String {
        let over: Vec<&str> = self.rows.iter().filter(|r| r.verdict == Verdict::Exceeded).map(|r| r.figure).collect();
        let open: Vec<&str> = self.rows.iter().filter(|r| r.verdict == Verdict::Unresolved).map(|r| r.figure).collect();
        let mut line = match over.is_empty() {
            true => "within budget".to_owned(),
            false => format!("over budget: {}", over.join(", ")),
        };
        if !open.is_empty() {
            line.push_str(&format!(
                "; unresolved (the interval straddles the budget; --strict fails it, --max-runs adds rounds): {}",
                open.join(", ")
            ));
        }
        line
    }
}

const HEADER: [&str; 6] = ["figure", "base", "head", "change", "budget", "verdict"];

fn cells(r: &Row) -> [String; 6] {
    [
        r.figure.to_owned(),
        r.base.clone(),
        r.head.clone(),
        r.change.clone(),
        r.budget.clone(),
        r.verdict.word().to_owned(),
    ]
}

/// The report in `format`.
pub fn render(o: &Outcome, note: &str, profile: &str, format: CheckFormat) -> Result<String> {
    Ok(match format {
        CheckFormat::Json => {
            let doc = serde_json::json!({
                "run_id": o.run_id,
                "note": note,
                "profile": profile,
                "summary": o.summary(),
                "rows": o.rows,
                "sections": o.sections,
            });
            let mut text = serde_json::to_string_pretty(&doc).context("cannot serialize the check")?;
            text.push('\n');
            text
        }
        CheckFormat::Markdown => markdown(o, note, profile),
        CheckFormat::Table => {
            let rows: Vec<[String; 6]> = o.rows.iter().map(cells).collect();
            let width =
                |i: usize| rows.iter().map(|r| r[i].chars().count()).chain([HEADER[i].len()]).max().unwrap_or(0);
            let widths: Vec<usize> = (0..6).map(width).collect();
            let line = |c: &[String]| {
                let padded: Vec<String> = c.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
                format!("{}\n", padded.join("  ").trim_end())
            };
            let mut text = format!("gostart check: {note}; built with {profile}\n");
            text.push_str(&line(&HEADER.map(str::to_owned)));
            for r in &rows {
                text.push_str(&line(r));
            }
            if let Some(line) = sections_line(o) {
                text.push_str(&format!("{line}\n"));
            }
            text.push_str(&format!("{}\n", o.summary()));
            text
        }
    })
}

fn markdown(o: &Outcome, note: &str, profile: &str) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut text = format!("### gostart check: {}\n\n{}; built with {}.\n\n", o.summary(), esc(note), esc(profile));
    text.push_str(&format!("| {} |\n|{}\n", HEADER.join(" | "), "---|".repeat(6)));
    for r in &o.rows {
        let c = cells(r).map(|c| esc(&c));
        let verdict = if r.verdict == Verdict::Exceeded { format!("**{}**", c[5]) } else { c[5].clone() };
        text.push_str(&format!("| {} | {} | {} | {} | {} | {verdict} |\n", c[0], c[1], c[2], c[3], c[4]));
    }
    if let Some(line) = sections_line(o) {
        text.push_str(&format!("\n{}\n", esc(&line)));
    }
    text
}

/// Appends the Markdown report to `$GITHUB_STEP_SUMMARY` when it is set, as `tune` does.
pub fn append_step_summary(o: &Outcome, note: &str, profile: &str) -> Result<()> {
    let var = crate::export::STEP_SUMMARY_VAR;
    let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) else { return Ok(()) };
    let path = std::path::Path::new(&path);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {var} file {}", path.display()))?;
    let separator = if file.metadata().map(|m| m.len() > 0).unwrap_or(false) { "\n" } else { "" };
    let text = format!("{separator}{}", printable(&markdown(o, note, profile)));
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {var} file {}", path.display()))
}
