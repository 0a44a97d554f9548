//! What the search did, in the reports' words: which configurations were built and why, and for
//! a screened run the design, its runs, the builds it saved, the prediction and its alternatives,
//! and that the verdict comes from the confirmation stage. Every format takes its words from
//! here; config names are `backquoted`.

use crate::rank::Figure;
use crate::results::Run;
use crate::search::coding::Coding;
use crate::search::design::{Design, Kind};
use crate::search::predict::Predicted;
use crate::search::{AxisInfo, Search, Strategy, roman};

use super::rows::{figure_header, ratio_interval};

/// Aliases shown; the rest are counted (results.json has them all).
const ALIASES: usize = 6;
/// Substituted and failed design runs named; the rest are counted.
const NAMED: usize = 4;

/// The search's paragraph of a report: a summary line, then the lines under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// `search: screen — 128 configurations in 128 builds, more than max_builds = 32: ...`.
    pub summary: String,
    /// A screened run's design, runs, builds, prediction and confirmation; empty for a full run.
    pub details: Vec<String>,
}

/// The section, or `None` for a run saved before gostart recorded its search.
pub fn section(run: &Run) -> Option<Section> {
    let search = run.search.as_ref()?;
    let summary = format!("search: {} — {}", search.strategy.name(), search.why);
    if search.strategy != Strategy::Screen {
        return Some(Section { summary, details: Vec::new() });
    }
    let mut details = Vec::new();
    if let Some(design) = &search.design {
        details.extend(design_lines(search, design));
    }
    details.extend(runs_lines(search));
    details.push(builds(search));
    match &search.prediction {
        Some(p) => {
            details.push(format!("predicted best: {}", predicted(&p.best)));
            details.extend(p.alternatives.iter().map(|a| format!("alternative: {}", predicted(a))));
            if p.guarded > 0 {
                details.push(format!(
                    "{} passed over by the prediction: a guard keeps {} out of a recommendation",
                    configurations(p.guarded),
                    if p.guarded == 1 { "it" } else { "them" }
                ));
            }
        }
        None => {
            details.push("no prediction: no figure could be fitted, or a guard keeps out every configuration".into())
        }
    }
    details.push(confirmation(search));
    Some(Section { summary, details })
}

/// `design: 2^(6−2) fractional factorial, resolution IV, 16 runs`, then its factors,
/// generators, coding and (some of) its aliases.
fn design_lines(search: &Search, design: &Design) -> Vec<String> {
    let k = design.factors.len();
    let p = design.generators.len();
    let kind = match design.kind {
        Kind::Full if k > 0 => format!("full factorial of {k} two-level factors"),
        Kind::Full => "full factorial".to_owned(),
        Kind::Fractional if k > 0 => format!("2^({k}−{p}) fractional factorial"),
        Kind::Fractional => "fractional factorial".to_owned(),
        Kind::PlackettBurman => "Plackett–Burman".to_owned(),
    };
    let resolution = design.resolution.map_or(String::new(), |r| format!(", resolution {}", roman(r)));
    let meaning = match design.resolution {
        Some(3) => " (main effects aliased with two-factor interactions)",
        Some(4) => " (main effects clear of two-factor interactions, which are aliased with each other)",
        Some(r) if r >= 5 => " (main effects and two-factor interactions clear of each other)",
        _ => "",
    };
    let mut out = vec![format!("design: {kind}{resolution}{meaning}, {} runs", design.runs)];
    if !design.factors.is_empty() {
        let factors: Vec<String> = design
            .factors
            .iter()
            .map(|f| {
                let key = search.axes.get(f.axis).map_or("?", |a| a.key.as_str());
                let multi = search.axes.get(f.axis).is_some_and(|a| a.values.len() > 2);
                if multi { format!("{} = {key} bit {}", f.label, f.bit) } else { format!("{} = {key}", f.label) }
            })
            .collect();
        out.push(format!("factors: {}", factors.join(", ")));
    }
    if !design.generators.is_empty() {
        out.push(format!("generators: {}", design.generators.join(", ")));
    }
    out.extend(design.coding.iter().map(|c| format!("coding: {}", coding_words(c, &search.axes))));
    if !design.aliases.is_empty() {
        let shown: Vec<&str> = design.aliases.iter().take(ALIASES).map(String::as_str).collect();
        let more = design.aliases.len().saturating_sub(ALIASES);
        let more =
            if more > 0 { format!(" and {more} more (results.json `search.design.aliases`)") } else { String::new() };
        out.push(format!("aliases: {}{more}", shown.join(", ")));
    }
    out
}

/// How a multi-level axis is coded, in its own name and values: `env.GOAMD64, 3 values, coded
/// by E, F: all low = v1 (the reference), E high = v2, F high = v3, E+F high = v2 again`.
fn coding_words(c: &Coding, axes: &[AxisInfo]) -> String {
    let axis = axes.get(c.axis);
    let name = axis.map_or_else(|| format!("axes[{}]", c.axis), |a| a.key.clone());
    let value = |v: u32| match axis.and_then(|a| a.values.get(v as usize)) {
        Some(text) if text.is_empty() => "\"\"".to_owned(),
        Some(text) => text.clone(),
        None => format!("value {v}"),
    };
    if c.factors.is_empty() {
        return format!("{name}, {} values: each value in every combination (full factorial)", c.values);
    }
    let mut parts = Vec::new();
    for (code, &v) in c.codes.iter().enumerate() {
        if code == 0 {
            parts.push(format!("all low = {} (the reference)", value(v)));
            continue;
        }
        let high: Vec<&str> =
            c.factors.iter().enumerate().filter(|(b, _)| code >> b & 1 == 1).map(|(_, f)| f.as_str()).collect();
        let again = if code >= c.values { " again" } else { "" };
        parts.push(format!("{} high = {}{again}", high.join("+"), value(v)));
    }
    let fold = if c.codes.len() > c.values {
        "; codes past the last value fold onto the values that are not the reference, in order"
    } else {
        ""
    };
    format!("{name}, {} values, coded by {}: {}{fold}", c.values, c.factors.join(", "), parts.join(", "))
}

/// The design runs substituted for excluded combinations and those that failed, named.
fn runs_lines(search: &Search) -> Vec<String> {
    let mut out = Vec::new();
    let substituted: Vec<&str> = search.design_runs.iter().filter(|d| d.substituted).map(|d| d.name.as_str()).collect();
    if !substituted.is_empty() {
        let (verb, its) =
            if substituted.len() == 1 { ("stands", "an excluded run") } else { ("stand", "excluded runs") };
        out.push(format!(
            "{} {verb} in for {its} of the design (the nearest allowed combination)",
            named(&substituted)
        ));
    }
    for d in search.design_runs.iter().filter(|d| d.ratios.is_none()).take(NAMED) {
        let why = d.failure.as_deref().map_or("no figures".to_owned(), |f| super::first_line(f).to_owned());
        out.push(format!("`{}` (a run of the design) has no figures: {why}", d.name));
    }
    let failed = search.design_runs.iter().filter(|d| d.ratios.is_none()).count();
    if failed > NAMED {
        out.push(format!("and {} more runs of the design have no figures", failed - NAMED));
    }
    out
}

/// `` `a`, `b`, `c` and 2 more ``.
fn named(names: &[&str]) -> String {
    let shown: Vec<String> = names.iter().take(NAMED).map(|n| format!("`{n}`")).collect();
    match names.len().saturating_sub(NAMED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

fn configurations(n: usize) -> String {
    if n == 1 { "1 configuration".to_owned() } else { format!("{n} configurations") }
}

/// `builds: 19 made (design and confirmation), against 48 for the whole matrix of 48
/// configurations: 40%`.
fn builds(search: &Search) -> String {
    let share = if search.matrix_builds > 0 {
        format!(": {:.0}%", search.builds as f64 / search.matrix_builds as f64 * 100.0)
    } else {
        String::new()
    };
    format!(
        "builds: {} made (design and confirmation stages), against {} for the whole matrix of {}{share}",
        search.builds,
        search.matrix_builds,
        configurations(search.matrix_configs)
    )
}

/// `` `name` — startup 0.91× (0.87–0.94), size 0.63× (0.62–0.64) ``, figures in the effects
/// table's order.
fn predicted(p: &Predicted) -> String {
    let order = [Figure::Startup, Figure::Size, Figure::MaxRss, Figure::Escapes, Figure::Cpu, Figure::Build];
    let figures: Vec<String> = order
        .iter()
        .filter_map(|f| {
            let [r, lo, hi] = *p.figures.get(f)?;
            Some(format!("{} {}", figure_header(*f), ratio_interval(r, [lo, hi], lo <= 1.0 && 1.0 <= hi)))
        })
        .collect();
    if figures.is_empty() { format!("`{}`", p.name) } else { format!("`{}` — {}", p.name, figures.join(", ")) }
}

/// Where the verdict comes from: the confirmation stage, head to head with the baseline.
fn confirmation(search: &Search) -> String {
    let names: Vec<&str> = search.confirmed.iter().map(String::as_str).collect();
    let which = if names.is_empty() { String::new() } else { format!(" ({})", named(&names)) };
    format!(
        "the verdict comes from the confirmation stage only: {} measured head to head with the baseline{which}, so it \
         names a configuration that was built and measured, not only predicted",
        configurations(search.confirmed.len())
    )
}

/// `III`, `IV`, `V`...
#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::export::fixture;

    #[test]
    fn numerals() {
        assert_eq!([3, 4, 5, 8, 9, 12].map(roman), ["III", "IV", "V", "VIII", "IX", "XII"]);
    }

    #[test]
    fn a_full_run_is_one_line() {
        let s = section(&fixture::full()).unwrap();
        assert_eq!(
            s.summary,
            "search: full — 4 configurations in 4 builds, within max_builds = 32: every one is built"
        );
        assert!(s.details.is_empty());
        assert!(section(&fixture::run()).is_none(), "a run saved before searches says nothing");
    }

    #[test]
    fn a_screened_run_says_its_design_prediction_and_confirmation() {
        let s = section(&fixture::screened()).unwrap();
        assert!(s.summary.starts_with("search: screen — 48 configurations in 48 builds, more than max_builds = 32"));
        let d = &s.details;
        assert_eq!(
            d[0],
            "design: 2^(6−2) fractional factorial, resolution IV (main effects clear of two-factor interactions, \
             which are aliased with each other), 16 runs"
        );
        assert_eq!(
            d[1],
            "factors: A = ldflags, B = trimpath, C = buildmode, D = env.CGO_ENABLED, E = env.GOAMD64 bit 0, \
             F = env.GOAMD64 bit 1"
        );
        assert_eq!(d[2], "generators: E = ABC, F = BCD");
        assert_eq!(
            d[3],
            "coding: env.GOAMD64, 3 values, coded by E, F: all low = v1 (the reference), E high = v2, F high = v3, \
             E+F high = v2 again; codes past the last value fold onto the values that are not the reference, in order"
        );
        assert_eq!(
            d[4],
            "aliases: AB = CE, AC = BE, AD = EF, AE = BC, AF = DE, BD = CF and 4 more (results.json \
             `search.design.aliases`)"
        );
        assert!(d[5].ends_with(" stands in for an excluded run of the design (the nearest allowed combination)"));
        assert!(
            d[6].ends_with(" (a run of the design) has no figures: build failed: cgo: C compiler \"gcc\" not found")
        );
        assert_eq!(
            d[7],
            "builds: 19 made (design and confirmation stages), against 48 for the whole matrix of 48 configurations: 40%"
        );
        assert_eq!(
            d[8],
            "predicted best: `ldflags=-s -w,CGO_ENABLED=0` — startup 0.91× (0.87–0.94), size 0.63× (0.62–0.64), \
             max RSS ~ (0.94–1.00)"
        );
        assert_eq!(d.iter().filter(|l| l.starts_with("alternative: `")).count(), 4);
        assert!(d.contains(
            &"16 configurations passed over by the prediction: a guard keeps them out of a recommendation".into()
        ));
        assert!(d.last().unwrap().starts_with("the verdict comes from the confirmation stage only: 4 configurations measured head to head with the baseline (`default`, "), "{}", d.last().unwrap());
    }

    #[test]
    fn a_screened_run_without_a_prediction_or_design_says_so() {
        let mut run = fixture::screened();
        let search = run.search.as_mut().unwrap();
        search.prediction = None;
        search.design = None;
        for d in &mut search.design_runs {
            d.ratios = None;
            d.substituted = true;
        }
        let s = section(&run).unwrap();
        assert!(s.details[0].contains(" and 12 more stand in for excluded runs of the design"), "{}", s.details[0]);
        assert!(s.details.contains(&"and 12 more runs of the design have no figures".into()), "{:?}", s.details);
        assert!(s.details.iter().any(|l| l.starts_with("no prediction: ")), "{:?}", s.details);
    }

    #[test]
    fn coding_words_name_the_axis_its_values_and_the_fold() {
        use crate::search::coding::Coding;
        let axes = vec![
            AxisInfo { key: "ldflags".into(), values: vec!["".into(), "-s -w".into(), "-w".into()], reference: 1 },
            AxisInfo {
                key: "env.GOAMD64".into(),
                values: ["v1", "v2", "v3", "v4"].map(String::from).to_vec(),
                reference: 0,
            },
        ];
        assert_eq!(
            coding_words(&Coding::new(0, 3, 1, &["C".into(), "D".into()]), &axes),
            "ldflags, 3 values, coded by C, D: all low = -s -w (the reference), C high = \"\", D high = -w, \
             C+D high = \"\" again; codes past the last value fold onto the values that are not the reference, in order"
        );
        let four = coding_words(&Coding::new(1, 4, 0, &["A".into(), "B".into()]), &axes);
        assert!(four.ends_with("A+B high = v4") && !four.contains("fold"), "{four}");
        assert_eq!(
            coding_words(&Coding::new(1, 4, 0, &[]), &axes),
            "env.GOAMD64, 4 values: each value in every combination (full factorial)"
        );
        // An axis the run does not list is named by its index, its values by number.
        assert!(coding_words(&Coding::new(7, 3, 0, &["E".into(), "F".into()]), &axes).starts_with("axes[7], 3 values"));
    }
}
