//! The verdict: one recommended configuration, in words a release engineer can paste — what it
//! gains with intervals, what it costs, how sure gostart is, the runner-up, and how to
//! reproduce it.

use std::collections::BTreeSet;

use super::figure::MIN_ROUNDS_FOR_A_CLAIM;
use super::{Figure, Kind, Ratio, rounds};
use crate::config::Weights;
use crate::export::format_bytes;
use crate::measure::schedule::{DropReason, End};
use crate::profile;
use crate::results::{ConfigResult, Ratios, Verdict};

/// Picks a configuration that built, ran and passed every guard: among those not worse than
/// the best-scoring one beyond noise (its "contenders": not dropped by a race as worse, and not
/// worse by the paired test of per-round scores, [`rounds::worse`] at 5%), the one with the
/// fewest changes from a plain build, then the best exact figures, then the best score, then
/// the name. So noise that lets one contender's interval exclude 1.0 in one run and another's
/// in the next does not flip the recommendation. `weights` are the ones the score used (a
/// suspended figure at 0); the verdict does not speak of a suspended figure, but says it was
/// left out.
pub fn decide(
    configs: &[ConfigResult],
    baseline: &str,
    package: &str,
    weights: &Weights,
    suspended: &BTreeSet<Figure>,
) -> Verdict {
    let mut candidates: Vec<&ConfigResult> =
        configs.iter().filter(|c| c.usable() && c.score.is_some() && c.guards.is_empty()).collect();
    candidates.sort_by(|a, b| a.score.unwrap_or(f64::INFINITY).total_cmp(&b.score.unwrap_or(f64::INFINITY)));
    let guarded = configs.iter().filter(|c| !c.guards.is_empty()).count();
    let mut guarded_note = if guarded > 0 {
        format!(" ({guarded} configuration{} kept out by guards)", if guarded == 1 { "" } else { "s" })
    } else {
        String::new()
    };
    if !suspended.is_empty() {
        let labels: Vec<&str> = suspended.iter().map(|f| f.label()).collect();
        guarded_note.push_str(&format!(" (not scored, a self-check failed: {})", labels.join(", ")));
    }
    let Some(leader) = candidates.first().copied() else {
        return Verdict {
            reason: format!("no configuration built, ran and passed the guards{guarded_note}"),
            ..Verdict::default()
        };
    };
    let Some(base) = configs.iter().find(|c| c.name == baseline) else {
        return Verdict { reason: format!("the baseline `{baseline}` is not in this run"), ..Verdict::default() };
    };
    let contenders = contenders(&candidates, leader, base, weights);
    let best = choose(&contenders, base, weights);
    let (Some(r), Some(score)) = (&best.ratios, best.score) else {
        return Verdict { reason: "no configuration could be ranked".into(), ..Verdict::default() };
    };
    let names = |cs: &[&ConfigResult]| cs.iter().map(|c| format!("`{}`", c.name)).collect::<Vec<_>>().join(", ");
    if best.name == baseline || score >= 0.0 {
        let why = if leader.name != baseline && leader.score.is_some_and(|s| s < 0.0) {
            format!(
                "the best score, `{}`'s, is not better than the baseline `{baseline}` beyond noise (paired test of \
                 per-round scores){guarded_note}: keep it",
                leader.name
            )
        } else {
            format!(
                "nothing beats the baseline `{baseline}` beyond noise on the weighted figures{guarded_note}: keep it"
            )
        };
        return Verdict {
            recommended: Some(baseline.to_owned()),
            reason: why,
            contenders: contenders.iter().map(|c| c.name.clone()).collect(),
            command: Some(profile::go_build_line(&base.flags, package)),
            runenv: base.flags.runenv.clone(),
            run_command: profile::run_line(&base.flags.runenv, &profile::program(&base.argv, package)),
            ..Verdict::default()
        };
    }
    let runner_up =
        candidates.iter().find(|c| c.name != best.name && c.score.is_some_and(|s| s < 0.0) && c.name != baseline);
    let mut reason =
        format!("`{}` against `{baseline}`: {}", best.name, gains_and_costs(r, best, base, weights, suspended));
    reason.push_str(&format!(". {}", how_sure(r, weights, suspended)));
    if contenders.len() > 1 {
        reason.push_str(&format!(
            ". Chosen among {} configurations not worse than the best score beyond noise ({}): the fewest changes \
             from a plain build, then the exact figures",
            contenders.len(),
            names(&contenders)
        ));
    }
    if let Some(ru) = runner_up {
        reason.push_str(&format!(". Runner-up: `{}` (score {:+.3})", ru.name, ru.score.unwrap_or(0.0)));
    }
    reason.push_str(&guarded_note);
    Verdict {
        recommended: Some(best.name.clone()),
        reason,
        contenders: contenders.iter().map(|c| c.name.clone()).collect(),
        runner_up: runner_up.map(|c| c.name.clone()),
        command: Some(profile::go_build_line(&best.flags, package)),
        profile: Some(profile::snippet("release", &best.flags)),
        runenv: best.flags.runenv.clone(),
        run_command: profile::run_line(&best.flags.runenv, &profile::program(&best.argv, package)),
        toolchain: None,
    }
}

/// Adds to the verdict what a race that did not separate its leader found: configurations
/// equivalent to the leader within the startup margin (an equivalence, not a win), or, at
/// `max_runs`, the configuration it could not separate from the leader and by how much.
pub fn race_note(verdict: &mut Verdict, end: &End, configs: &[ConfigResult]) {
    let name = |id: &str| configs.iter().find(|c| c.id == id).map_or_else(|| id.to_owned(), |c| c.name.clone());
    let note = match end {
        End::Equivalent { leader, equivalent } => {
            let others: Vec<String> = equivalent.iter().map(|id| format!("`{}`", name(id))).collect();
            format!(
                "The race ended with {} equivalent to its leader `{}` within its startup margin: an equivalence, not \
                 a win",
                others.join(", "),
                name(leader)
            )
        }
        End::Unresolved { leader, closest, ratio, ci95: [lo, hi] } => format!(
            "Unresolved: at its last round the race could not separate its leader `{}` from `{}` (startup {ratio:.3}×, \
             95% CI {lo:.3}–{hi:.3}); more rounds (--max-runs) may settle it",
            name(leader),
            name(closest)
        ),
        _ => return,
    };
    verdict.reason.push_str(&format!(". {note}"));
}

/// The candidates not worse than `leader` beyond noise, `leader` first: not dropped by a race
/// as worse, and not worse by the paired test of per-round scores at 5%.
fn contenders<'a>(
    candidates: &[&'a ConfigResult],
    leader: &'a ConfigResult,
    base: &ConfigResult,
    w: &Weights,
) -> Vec<&'a ConfigResult> {
    let lost_race = |c: &ConfigResult| c.dropped.as_ref().is_some_and(|d| matches!(d.reason, DropReason::Worse { .. }));
    let mut out = vec![leader];
    out.extend(
        candidates
            .iter()
            .copied()
            .filter(|c| c.name != leader.name && !lost_race(c))
            .filter(|c| !rounds::worse(c, leader, base, w, 0.05)),
    );
    out
}

/// The contender with the fewest changes from a plain build, then the lowest constant part of
/// the score (size, escapes), then the lowest score, then the first name.
fn choose<'a>(contenders: &[&'a ConfigResult], base: &ConfigResult, w: &Weights) -> &'a ConfigResult {
    let key = |c: &ConfigResult| (c.flags.changes(), rounds::exact_score(c, base, w), c.score.unwrap_or(f64::INFINITY));
    contenders
        .iter()
        .copied()
        .min_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(ka.2.total_cmp(&kb.2)).then(a.name.cmp(&b.name))
        })
        .unwrap_or(contenders[0])
}

/// Each figure the verdict speaks of — the ones weighted by default (startup, size, escapes)
/// and any the user weighted, but a suspended one — as a gain, a cost, or unchanged within noise.
fn gains_and_costs(
    r: &Ratios,
    c: &ConfigResult,
    base: &ConfigResult,
    w: &Weights,
    suspended: &BTreeSet<Figure>,
) -> String {
    let mut gains = Vec::new();
    let mut costs = Vec::new();
    let mut noise = Vec::new();
    let spoken = |f: &Figure| (f.default_weight() > 0.0 || w[*f] > 0.0) && !suspended.contains(f);
    for f in Figure::ALL.into_iter().filter(spoken) {
        let Some(ratio) = r.get(f) else { continue };
        if ratio.noise {
            let ci = ratio.ci95.map_or(String::new(), |[lo, hi]| format!(", 95% CI {lo:.3}–{hi:.3}"));
            let excludes_one = ratio.ci95.is_some_and(|[lo, hi]| lo > 1.0 || hi < 1.0);
            noise.push(if excludes_one {
                // Noise by the rule, not by the interval: too few rounds to claim anything.
                format!(
                    "{} not claimed: {} rounds, fewer than the {MIN_ROUNDS_FOR_A_CLAIM} a claim rests on ({:.3}×{ci})",
                    f.label(),
                    shared_rounds(c, base),
                    ratio.value
                )
            } else {
                format!("{} unchanged within noise ({:.3}×{ci})", f.label(), ratio.value)
            });
        } else if f.kind() == Kind::Paired || (ratio.value - 1.0).abs() > 1e-9 {
            let text = describe(f, ratio, c, base);
            if ratio.value < 1.0 { gains.push(text) } else { costs.push(text) }
        }
    }
    let mut text = if gains.is_empty() { "no gain".to_owned() } else { gains.join(", ") };
    text.push_str(&if costs.is_empty() {
        "; costs nothing measured".to_owned()
    } else {
        format!("; costs {}", costs.join(", "))
    });
    for n in noise {
        text.push_str(&format!("; {n}"));
    }
    text
}

/// The rounds in which both `c` and `base` ran: what a paired figure rests on.
fn shared_rounds(c: &ConfigResult, base: &ConfigResult) -> usize {
    c.samples.iter().filter(|s| base.samples.iter().any(|b| b.round == s.round)).count()
}

/// A figure that differs from the baseline's, with what makes it trustworthy.
fn describe(f: Figure, r: Ratio, c: &ConfigResult, base: &ConfigResult) -> String {
    let label = f.label();
    match (f, r.ci95) {
        (Figure::Size, _) => {
            let bytes = |c: &ConfigResult| c.size.as_ref().map_or(0, |s| s.bytes as i64);
            let delta = bytes(c) - bytes(base);
            let sign = if delta < 0 { "-" } else { "+" };
            format!("{label} {:.3}× ({sign}{})", r.value, format_bytes(delta.unsigned_abs()))
        }
        (_, Some([lo, hi])) => format!("{label} {:.3}× (95% CI {lo:.3}–{hi:.3})", r.value),
        _ if f.kind() == Kind::Single => format!("{label} {:.3}× (one measurement each, no interval)", r.value),
        _ => format!("{label} {:.3}×", r.value),
    }
}

/// How sure gostart is of the gain: by the startup tests when startup counts, else by what
/// makes each figure that does count trustworthy.
fn how_sure(r: &Ratios, w: &Weights, suspended: &BTreeSet<Figure>) -> String {
    let p = if r.startup_p < 0.001 { "p < 0.001".to_owned() } else { format!("p = {:.3}", r.startup_p) };
    let startup_out = suspended.contains(&Figure::Startup);
    if r.startup_noise || startup_out {
        let counted = |kind: Kind| -> Vec<&str> {
            Figure::ALL
                .into_iter()
                .filter(|&f| w[f] > 0.0 && f.kind() == kind)
                .filter(|&f| r.get(f).is_some_and(|r| !r.noise && (r.value - 1.0).abs() > 1e-9))
                .map(Figure::label)
                .collect()
        };
        let mut basis = Vec::new();
        match counted(Kind::Exact).as_slice() {
            [] => {}
            [one] => basis.push(format!("the {one} (it is exact)")),
            many => basis.push(format!("the {} (they are exact)", many.join(" and "))),
        }
        basis.extend(counted(Kind::Paired).iter().map(|f| format!("the {f} (its 95% interval excludes 1.0)")));
        basis.extend(counted(Kind::Single).iter().map(|f| format!("the {f} only as far as one measurement goes")));
        let [lo, hi] = r.startup_ci95;
        let startup = if startup_out {
            "the startup figure is not scored".to_owned()
        } else if lo > 1.0 || hi < 1.0 {
            format!("the startup difference rests on fewer than the {MIN_ROUNDS_FOR_A_CLAIM} rounds a claim needs")
        } else {
            "the startup difference is noise".to_owned()
        };
        if basis.is_empty() {
            format!("Sure of nothing beyond noise; {startup}")
        } else {
            format!("Sure of {}; {startup}", basis.join(", "))
        }
    } else if r.startup_p < 0.05 {
        format!("Sure: the startup interval excludes 1.0 and the paired Wilcoxon signed-rank test agrees ({p})")
    } else {
        format!(
            "Fairly sure: the startup interval excludes 1.0, but the paired Wilcoxon signed-rank test only \
             just misses 5% ({p}); more rounds (--max-runs) would settle it"
        )
    }
}
