//! The run's self-checks in the reports' words: a warning for each failed one (what it asks,
//! what disagrees, what is left out of the score), and one line for all of them.

use crate::checks::{Check, Outcome};
use crate::rank::Figure;
use crate::results::Run;

/// One warning per failed check, in check order; empty when all passed.
pub fn warnings(run: &Run) -> Vec<String> {
    run.failed_checks().map(warning).collect()
}

fn warning(o: &Outcome) -> String {
    let consequence = match (o.check, o.figures.as_slice()) {
        (Check::Provenance, _) => "those configs are not ranked (a build whose binary disagrees is marked failed) \
                                   or not recommended"
            .to_owned(),
        (_, []) => "it is in no score: nothing left out".to_owned(),
        (_, figures) => {
            let labels: Vec<&str> = figures.iter().map(|f| f.label()).collect();
            format!("left out of the score for every config: {}", labels.join(", "))
        }
    };
    format!("self-check `{}` failed ({}): {}; {consequence}", o.check, o.check.question(), o.detail)
}

/// `self-checks: 4 passed, 1 not applicable (one-binary), 0 failed`-like summary; `None` for a
/// run that has none (read from a file no gostart checked, without recomputing).
pub fn summary(run: &Run) -> Option<String> {
    if run.checks.is_empty() {
        return None;
    }
    let names = |pick: fn(&Outcome) -> bool| -> Vec<&str> {
        run.checks.iter().filter(|o| pick(o)).map(|o| o.check.name()).collect()
    };
    let passed = names(|o| o.ok && !o.skipped);
    let skipped = names(|o| o.skipped);
    let failed = names(|o| !o.ok);
    let mut parts = Vec::new();
    if !passed.is_empty() {
        parts.push(format!("{} passed ({})", passed.len(), passed.join(", ")));
    }
    if !skipped.is_empty() {
        parts.push(format!("{} with nothing to compare ({})", skipped.len(), skipped.join(", ")));
    }
    if !failed.is_empty() {
        parts.push(format!("{} FAILED ({})", failed.len(), failed.join(", ")));
    }
    Some(format!("self-checks: {}", parts.join("; ")))
}

/// A Δ column's header, marked when its figure is left out of the score.
pub fn delta_header(run: &Run, figure: Figure, header: &str) -> String {
    if run.suspended.contains(&figure) { format!("{header} (not scored)") } else { header.to_owned() }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::export::{Format, fixture, serialize};

    /// The fixture, ranked anew after a `GOGC=off` twin of `default` got a binary of another
    /// size: `one-binary` fails and size leaves the score.
    fn size_suspended() -> Run {
        let mut run = fixture::run();
        run.rounds.done = 20;
        let mut twin = run.configs[0].clone();
        twin.name = "GOGC=off".into();
        twin.flags.runenv.insert("GOGC".into(), "off".into());
        twin.size.as_mut().unwrap().bytes += 1;
        run.configs.push(twin);
        run.recompute();
        assert_eq!(run.suspended.iter().copied().collect::<Vec<_>>(), [Figure::Size]);
        run
    }

    #[test]
    fn a_failed_check_is_a_warning_in_every_human_format() {
        let run = size_suspended();
        let w = warnings(&run);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with(
                "self-check `one-binary` failed (configs that differ only in runtime env share one binary and one \
                 size): `default` and `GOGC=off` differ only in runtime env but their sizes differ: `default` 2.31 MiB"
            ),
            "{}",
            w[0]
        );
        assert!(w[0].ends_with("; left out of the score for every config: size"), "{}", w[0]);
        let summary = summary(&run).unwrap();
        assert!(summary.contains("1 FAILED (one-binary)"), "{summary}");
        let text = |f| String::from_utf8(serialize(&run, f).unwrap()).unwrap();

        let table = text(Format::Table);
        assert!(table.contains("\nwarning: self-check `one-binary` failed"), "{table}");
        assert!(table.contains("Δsize (not scored)") && !table.contains("Δstartup (not scored)"), "{table}");
        assert!(table.contains(&format!("\n{summary}\n")), "{table}");
        let md = text(Format::Markdown);
        assert!(md.contains("> **Warning:** self-check `one-binary` failed"), "{md}");
        assert!(md.contains("| Δsize (not scored) |"), "{md}");
        let html = text(Format::Html);
        assert!(
            html.contains("<p class=\"warning\"><strong>Warning:</strong> self-check <code>one-binary</code> failed")
        );
        assert!(html.contains("<th class=\"num\">Δsize (not scored)</th>"));
        assert!(html.contains(&format!("<p class=\"checks\">{}</p>", super::super::html::esc(&summary))));
        let json: serde_json::Value = serde_json::from_str(&text(Format::Json)).unwrap();
        assert_eq!(json["suspended"], serde_json::json!(["size"]));
        assert_eq!(json["checks"][1]["check"], "one-binary");
        assert_eq!(json["checks"][1]["ok"], false);
    }

    #[test]
    fn checks_that_pass_are_one_line() {
        let mut run = fixture::run();
        run.rounds.done = 20;
        run.recompute();
        assert!(warnings(&run).is_empty());
        assert_eq!(
            summary(&run).unwrap(),
            "self-checks: 3 passed (escapes-agree, provenance, baseline-every-round); 2 with nothing to compare \
             (one-binary, floor-every-round)"
        );
        let table = String::from_utf8(serialize(&run, Format::Table).unwrap()).unwrap();
        assert!(!table.contains("warning") && !table.contains("not scored"), "{table}");
        // A run read without its checks made says nothing of them.
        assert_eq!(summary(&fixture::run()), None);
    }
}
