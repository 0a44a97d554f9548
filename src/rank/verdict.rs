//! The verdict: one recommended configuration, in words a release engineer can paste — what it
//! gains with intervals, what it costs, how sure gostart is, the runner-up, and how to
//! reproduce it.

use crate::export::format_bytes;
use crate::profile;
use crate::results::{ConfigResult, Ratios, Verdict};

/// Picks the best-scoring configuration that built, ran and passed every guard.
pub fn decide(configs: &[ConfigResult], baseline: &str, package: &str) -> Verdict {
    let mut candidates: Vec<&ConfigResult> =
        configs.iter().filter(|c| c.usable() && c.score.is_some() && c.guards.is_empty()).collect();
    candidates.sort_by(|a, b| a.score.unwrap_or(f64::INFINITY).total_cmp(&b.score.unwrap_or(f64::INFINITY)));
    let guarded = configs.iter().filter(|c| !c.guards.is_empty()).count();
    let guarded_note = if guarded > 0 {
        format!(" ({guarded} configuration{} kept out by guards)", if guarded == 1 { "" } else { "s" })
    } else {
        String::new()
    };
    let Some(best) = candidates.first().copied() else {
        return Verdict {
            reason: format!("no configuration built, ran and passed the guards{guarded_note}"),
            ..Verdict::default()
        };
    };
    let Some(base) = configs.iter().find(|c| c.name == baseline) else {
        return Verdict { reason: format!("the baseline `{baseline}` is not in this run"), ..Verdict::default() };
    };
    let (Some(r), Some(score)) = (&best.ratios, best.score) else {
        return Verdict { reason: "no configuration could be ranked".into(), ..Verdict::default() };
    };
    if best.name == baseline || score >= 0.0 {
        return Verdict {
            recommended: Some(baseline.to_owned()),
            reason: format!(
                "nothing beats the baseline `{baseline}` beyond noise on the weighted figures{guarded_note}: keep it"
            ),
            command: Some(profile::go_build_line(&base.flags, package)),
            ..Verdict::default()
        };
    }
    let runner_up = candidates.iter().skip(1).find(|c| c.score.is_some_and(|s| s < 0.0) && c.name != baseline);
    let mut reason = format!("`{}` against `{baseline}`: {}", best.name, gains_and_costs(r, best, base));
    reason.push_str(&format!(". {}", how_sure(r)));
    if let Some(ru) = runner_up {
        reason.push_str(&format!(". Runner-up: `{}` (score {:+.3})", ru.name, ru.score.unwrap_or(0.0)));
    }
    reason.push_str(&guarded_note);
    Verdict {
        recommended: Some(best.name.clone()),
        reason,
        runner_up: runner_up.map(|c| c.name.clone()),
        command: Some(profile::go_build_line(&best.flags, package)),
        profile: Some(profile::snippet("release", &best.flags)),
    }
}

fn gains_and_costs(r: &Ratios, c: &ConfigResult, base: &ConfigResult) -> String {
    let mut gains = Vec::new();
    let mut costs = Vec::new();
    let mut put = |better: bool, text: String| if better { gains.push(text) } else { costs.push(text) };
    if !r.startup_noise {
        put(
            r.startup < 1.0,
            format!("startup {:.3}× (95% CI {:.3}–{:.3})", r.startup, r.startup_ci95[0], r.startup_ci95[1]),
        );
    }
    if let (Some(s), Some(b)) = (&c.size, &base.size) {
        if s.bytes != b.bytes {
            let delta = s.bytes as i64 - b.bytes as i64;
            let sign = if delta < 0 { "-" } else { "+" };
            put(delta < 0, format!("size {:.3}× ({sign}{})", r.size, format_bytes(delta.unsigned_abs())));
        }
    }
    if let Some(e) = r.escapes.filter(|e| (e - 1.0).abs() > 1e-9) {
        put(e < 1.0, format!("heap allocation sites {e:.3}×"));
    }
    let mut text = if gains.is_empty() { "no gain".to_owned() } else { gains.join(", ") };
    text.push_str(&if costs.is_empty() {
        "; costs nothing measured".to_owned()
    } else {
        format!("; costs {}", costs.join(", "))
    });
    if r.startup_noise {
        text.push_str(&format!(
            "; startup unchanged within noise ({:.3}×, 95% CI {:.3}–{:.3})",
            r.startup, r.startup_ci95[0], r.startup_ci95[1]
        ));
    }
    text
}

fn how_sure(r: &Ratios) -> String {
    let p = if r.startup_p < 0.001 { "p < 0.001".to_owned() } else { format!("p = {:.3}", r.startup_p) };
    if r.startup_noise {
        "Sure of the size (it is exact); the startup difference is noise".to_owned()
    } else if r.startup_p < 0.05 {
        format!("Sure: the startup interval excludes 1.0 and the Mann-Whitney test agrees ({p})")
    } else {
        format!(
            "Fairly sure: the paired startup interval excludes 1.0, but the unpaired Mann-Whitney test \
             does not ({p}); more rounds (--runs 300) would settle it"
        )
    }
}
