//! What the schedule did, in the reports' words: how it ended, the rounds each config ran, when
//! and why each config was dropped, and the probe runs it took against fixed rounds. Every
//! format and the progress line take their words from here; config names are `backquoted`.

use crate::measure::schedule::{DropReason, End, Record, ScheduleKind};
use crate::results::Run;

/// The schedule's paragraph of a report: a summary line, then the lines under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// `race: stopped after round 53 — `X` is separated from every other configuration`.
    pub summary: String,
    /// Race: the minimum and most rounds and where it tested.
    pub rules: Option<String>,
    /// Race: `rounds per config: 53 for `a`, `b`; 10 for `c``.
    pub rounds: Option<String>,
    /// One line per dropped config, in matrix order: `` `c` dropped after round 10: ... ``.
    pub drops: Vec<String>,
    /// Race: `probe runs: 412 — 97% of the 8 × 53 = 424 ...`.
    pub cost: Option<String>,
}

impl Section {
    /// The lines under the summary, in the order a report shows them.
    pub fn details(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.rules.iter().chain(&self.rounds).map(String::as_str).collect();
        out.extend(self.drops.iter().map(String::as_str));
        out.extend(self.cost.as_deref());
        out
    }
}

/// The section, or `None` for a run saved before gostart recorded its schedule (it ran fixed
/// rounds, and its report stays as it was).
pub fn section(run: &Run) -> Option<Section> {
    let record = run.schedule.as_ref()?;
    let race = record.kind == ScheduleKind::Race;
    let mut drops: Vec<String> = run
        .configs
        .iter()
        .filter_map(|c| c.dropped.as_ref().filter(|d| !matches!(d.reason, DropReason::Guarded { .. })).map(|d| (c, d)))
        .map(|(c, d)| format!("`{}` {}", c.name, dropped(d.round, &d.reason, name_of(run))))
        .collect();
    // Guarded drops, one line for each round they stopped at.
    let mut guarded: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    for c in &run.configs {
        if let Some(d) = c.dropped.as_ref().filter(|d| matches!(d.reason, DropReason::Guarded { .. })) {
            guarded.entry(d.round).or_default().push(format!("`{}`", c.name));
        }
    }
    for (round, names) in guarded {
        let (them, it) = if names.len() == 1 { ("it", "its") } else { ("them", "their") };
        drops.push(format!(
            "{} dropped after round {round}: a guard keeps {them} out of the recommendation (see below), so {} ran \
             only the minimum rounds, for {it} figures",
            names.join(", "),
            if names.len() == 1 { "it" } else { "they" }
        ));
    }
    Some(Section {
        summary: summary(run, record),
        rules: race.then(|| rules(run, record)),
        rounds: race.then(|| rounds(run)).flatten(),
        drops,
        cost: if race { cost(run, record) } else { None },
    })
}

/// `run`'s config name of an id, for [`dropped`].
pub fn name_of(run: &Run) -> impl Fn(&str) -> Option<String> + '_ {
    |id| run.configs.iter().find(|c| c.id == id).map(|c| c.name.clone())
}

/// When and why a config was dropped: `dropped after round 10: worse than `X` (the leader
/// then; p = 0.0004, score +0.210)`. `name_of` maps a config id to its name; where it cannot
/// (the progress line knows only ids), the id is shown.
pub fn dropped(round: u32, reason: &DropReason, name_of: impl Fn(&str) -> Option<String>) -> String {
    let when =
        if round == 0 { "dropped before the first round".to_owned() } else { format!("dropped after round {round}") };
    let why = match reason {
        DropReason::Worse { leader, p, diff } => {
            let leader = match name_of(leader) {
                Some(name) => format!("`{name}`"),
                None => format!("config `{leader}`"),
            };
            format!("worse than {leader} (the leader then; {}, score {diff:+.3})", p_value(*p))
        }
        DropReason::Exact { exact, bound } => format!(
            "its exact figures alone score {exact:+.3} against the baseline, more than halving every figure timed \
             in each round could win back ({bound:.3})"
        ),
        // The guard's words are in the report's "kept out of the recommendation" list (and in
        // results.json); a race that drops eight GOAMD64=v3 configs says them once there.
        DropReason::Guarded { .. } => {
            "kept out of the recommendation by a guard, so it ran only the minimum rounds, for its figures".to_owned()
        }
    };
    format!("{when}: {why}")
}

/// The reason's kind as results.json spells it (`worse`, `exact`, `guarded`), for the CSV.
pub fn reason_kind(reason: &DropReason) -> &'static str {
    match reason {
        DropReason::Worse { .. } => "worse",
        DropReason::Exact { .. } => "exact",
        DropReason::Guarded { .. } => "guarded",
    }
}

/// `p = 0.0004`: two significant digits, `p < 0.0001` below that.
fn p_value(p: f64) -> String {
    if !p.is_finite() {
        return format!("p = {p}");
    }
    if p < 1e-4 {
        return "p < 0.0001".to_owned();
    }
    let decimals = (1 - p.log10().floor() as i32).max(0) as usize;
    let text = format!("{p:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    format!("p = {text}")
}

/// The timed rounds the run did: its record, or (when the record lags) the most any config ran.
fn rounds_done(run: &Run) -> u32 {
    let most = run.configs.iter().map(ran).max().unwrap_or(0);
    run.rounds.done.max(most)
}

/// The timed rounds a config ran: its samples' distinct rounds.
pub fn ran(c: &crate::results::ConfigResult) -> u32 {
    let rounds: std::collections::BTreeSet<u32> = c.samples.iter().map(|s| s.round).collect();
    rounds.len() as u32
}

fn summary(run: &Run, record: &Record) -> String {
    let kind = record.kind.name();
    let done = rounds_done(run);
    let name = |id: &str| name_of(run)(id).unwrap_or_else(|| id.to_owned());
    let within = |goal: Option<f64>| goal.map_or("within the goal".to_owned(), |g| format!("within ±{}", percent(g)));
    let Some(end) = &record.end else {
        return format!(
            "{kind}: stopped after round {done} of at most {}, before it decided (the run did not finish)",
            record.max_rounds
        );
    };
    match end {
        End::Planned => format!("{kind}: ran the {done} rounds planned"),
        End::Converged => {
            format!("{kind}: stopped after round {done} — every median is known {}", within(run.measure.precision))
        }
        End::PrecisionNotReached => format!(
            "{kind}: stopped at the most rounds, {done} — not every median is known {}",
            within(run.measure.precision)
        ),
        End::Separated { leader } => {
            format!(
                "{kind}: stopped after round {done} — `{}` is separated from every other configuration",
                name(leader)
            )
        }
        End::Equivalent { leader, equivalent } => {
            let mut names = vec![name(leader)];
            names.extend(equivalent.iter().filter(|id| *id != leader).map(|id| name(id)));
            let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!(
                "{kind}: stopped after round {done} — equivalent {} startup: {} (reported as equivalent, not as a win)",
                within(record.margin),
                names.join(", ")
            )
        }
        End::Unresolved { leader, closest, ratio, ci95 } => format!(
            "{kind}: unresolved at {done} rounds, the most it may run — `{}` against the leader `{}`: startup {ratio:.3}× \
             (95% CI {:.3}–{:.3}), neither separated nor {} startup",
            name(closest),
            name(leader),
            ci95[0],
            ci95[1],
            within(record.margin)
        ),
    }
}

/// `1%`, `0.5%`: a fraction as a percentage, without trailing zeros.
fn percent(fraction: f64) -> String {
    let text = format!("{:.3}", fraction * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

fn rules(run: &Run, record: &Record) -> String {
    let done = rounds_done(run);
    let looks: Vec<String> = record.looks.iter().filter(|&&l| l <= done).map(u32::to_string).collect();
    let tested =
        if looks.is_empty() { "no test yet".to_owned() } else { format!("tested after rounds {}", looks.join(", ")) };
    let alpha = record
        .alpha
        .map_or(String::new(), |a| format!("; the chance that any drop is wrong is at most {}", percent(a)));
    format!("every config runs at least {} rounds, at most {}; {tested}{alpha}", record.min_rounds, record.max_rounds)
}

/// `rounds per config: 53 for `a`, `b`; 10 for `c``: most first, matrix order within; configs
/// never built are left out (the table says why). `None` when nothing was built.
fn rounds(run: &Run) -> Option<String> {
    let mut groups: Vec<(u32, Vec<String>)> = Vec::new();
    for c in run.configs.iter().filter(|c| c.build.ok) {
        let n = ran(c);
        let name = format!("`{}`", c.name);
        match groups.iter_mut().find(|(m, _)| *m == n) {
            Some((_, names)) => names.push(name),
            None => groups.push((n, vec![name])),
        }
    }
    if groups.is_empty() {
        return None;
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.0));
    let parts: Vec<String> = match groups.as_slice() {
        [(n, _)] => vec![format!("{n} for every config")],
        _ => groups.iter().map(|(n, names)| format!("{n} for {}", names.join(", "))).collect(),
    };
    Some(format!("rounds per config: {}", parts.join("; ")))
}

/// `probe runs: 412 — 97% of the 8 × 53 = 424 that fixed rounds to the same precision would
/// take`; `None` when the record has no fixed cost to compare with.
fn cost(run: &Run, record: &Record) -> Option<String> {
    if record.fixed_runs == 0 {
        return None;
    }
    let done = u64::from(rounds_done(run));
    let fixed = match done {
        d if d > 0 && record.fixed_runs % d == 0 => format!("{} × {d} = {}", record.fixed_runs / d, record.fixed_runs),
        _ => record.fixed_runs.to_string(),
    };
    let share = record.probe_runs as f64 / record.fixed_runs as f64 * 100.0;
    let share = if share > 0.0 && share < 1.0 { "<1%".to_owned() } else { format!("{share:.0}%") };
    Some(format!(
        "probe runs: {} — {share} of the {fixed} that fixed rounds to the same precision would take",
        record.probe_runs
    ))
}

/// `20 runs each`, or for a run whose configs ran different numbers of rounds (a race's drops),
/// `10 to 53 runs each`. A run saved without its schedule shows the most, as it always did.
pub fn runs_each(run: &Run) -> String {
    if !run.merged.is_empty() {
        return merged_runs_each(run);
    }
    let runs = || run.configs.iter().filter_map(|c| c.startup.as_ref()).map(|s| s.runs);
    let most = runs().max().unwrap_or(0);
    match runs().min() {
        Some(least) if least < most && run.schedule.is_some() => format!("{least} to {most} runs each"),
        _ => format!("{most} runs each"),
    }
}

/// A merged run's baseline ran in every shard's rounds, the other configs in their one shard's:
/// their runs and the baseline's are said apart, or the head line would claim the baseline's
/// count for all.
fn merged_runs_each(run: &Run) -> String {
    let runs = |baseline: bool| {
        let runs = run.configs.iter().filter(|c| (c.name == run.baseline) == baseline);
        runs.filter_map(|c| c.startup.as_ref()).map(|s| s.runs).collect::<Vec<_>>()
    };
    let (others, base) = (runs(false), runs(true));
    let span = match (others.iter().min(), others.iter().max()) {
        (Some(least), Some(most)) if least < most => format!("{least} to {most} runs each"),
        (Some(most), _) => format!("{most} runs each"),
        _ => "no other config measured".to_owned(),
    };
    match base.first() {
        Some(b) => format!("{span}, the baseline {b} (in every shard)"),
        None => span,
    }
}

#[cfg(test)]
mod tests;
