//! A Markdown table and verdict, fit for a pull-request comment or a CI summary.

use super::checks::delta_header;
use super::rows::rows;
use crate::rank::Figure;
use crate::results::Run;

pub fn serialize(run: &Run) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = format!("### gostart: `{}` on {}\n\n", run.target.import_path, super::rows::go_versions(run));
    if let Some(note) = run.incomplete() {
        // Above the table, where a reader of a pull-request comment sees it first.
        out.push_str(&format!("**{}**\n\n", esc(&note)));
    }
    for warning in super::checks::warnings(run) {
        // Above the table too: a figure in it is not in the score.
        out.push_str(&format!("> **Warning:** {}\n\n", esc(&warning)));
    }
    out.push_str(&format!(
        "| # | config | size | {} | startup | {} | score | note |\n|--:|---|--:|--:|--:|--:|--:|---|\n",
        delta_header(run, Figure::Size, "Δsize"),
        delta_header(run, Figure::Startup, "Δstartup"),
    ));
    for (i, r) in rows(run).iter().enumerate() {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} | {} |\n",
            i + 1,
            esc(&r.config.name),
            r.size,
            r.size_delta,
            r.startup,
            r.startup_delta,
            r.score,
            esc(&r.note)
        ));
    }
    if let Some(schedule) = super::schedule::section(run) {
        // The summary names the kind (`race: ...`): bold it, and list what follows.
        let (kind, rest) = schedule.summary.split_once(": ").unwrap_or(("", &schedule.summary));
        out.push_str(&format!("\n**{}:** {}\n", capitalized(kind), esc(rest)));
        let details = schedule.details();
        if !details.is_empty() {
            out.push('\n');
            out.extend(details.iter().map(|l| format!("- {}\n", esc(l))));
        }
    }
    if let Some(summary) = super::checks::summary(run) {
        out.push_str(&format!("\n{}\n", esc(&summary)));
    }
    let verdict = run.verdict.recommended.as_deref().unwrap_or("none");
    out.push_str(&format!("\n**Verdict:** `{}` — {}\n", esc(verdict), esc(&run.verdict.reason)));
    let guarded = super::rows::guarded(run);
    if !guarded.is_empty() {
        out.push_str("\nKept out of the recommendation:\n\n");
        for (reason, names) in guarded {
            let names: Vec<String> = names.iter().map(|n| format!("`{}`", esc(n))).collect();
            out.push_str(&format!("- {}: {}\n", esc(&reason), names.join(", ")));
        }
    }
    if let Some(command) = &run.verdict.command {
        out.push_str(&format!("\nBuild it:\n\n```sh\n{command}\n```\n"));
    }
    if let Some(run_command) = &run.verdict.run_command {
        out.push_str(&format!("\nThen {}:\n\n```sh\n{run_command}\n```\n", crate::profile::RUN_IT));
    }
    if let Some(profile) = &run.verdict.profile {
        out.push_str(&format!("\nAs a gostart profile:\n\n```toml\n{profile}```\n"));
    }
    out
}

/// `race` → `Race`.
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::fixture;

    #[test]
    fn markdown_report() {
        insta::assert_snapshot!(serialize(&fixture::run()));
    }

    #[test]
    fn raced_markdown_report() {
        insta::assert_snapshot!(serialize(&fixture::raced()));
    }
}
