//! A Markdown table and verdict, fit for a pull-request comment or a CI summary.

use super::checks::delta_header;
use super::rows::rows;
use crate::rank::Figure;
use crate::results::Run;

/// A table cell's text, its `|` escaped.
pub(super) fn esc(s: &str) -> String {
    s.replace('|', "\\|")
}

pub fn serialize(run: &Run) -> String {
    let mut out = format!("### gostart: `{}` on {}\n\n", run.target.import_path, super::rows::go_versions(run));
    if let Some(note) = run.incomplete() {
        // Above the table, where a reader of a pull-request comment sees it first.
        out.push_str(&format!("**{}**\n\n", esc(&note)));
    }
    for warning in super::checks::warnings(run) {
        // Above the table too: a figure in it is not in the score.
        out.push_str(&format!("> **Warning:** {}\n\n", esc(&warning)));
    }
    // Several Gos built the run (a GOTOOLCHAIN sweep): a `go` column before the note.
    let go_column = super::toolchain::several(run);
    let (go_head, go_rule) = if go_column { (" go |", "--:|") } else { ("", "") };
    out.push_str(&format!(
        "| # | config | size | {} | startup | {} | score |{go_head} note |\n|--:|---|--:|--:|--:|--:|--:|{go_rule}---|\n",
        delta_header(run, Figure::Size, "Δsize"),
        delta_header(run, Figure::Startup, "Δstartup"),
    ));
    for (i, r) in rows(run).iter().enumerate() {
        let go = if go_column { format!(" {} |", esc(&r.go)) } else { String::new() };
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} |{go} {} |\n",
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
    if let Some(merged) = super::merged::section(run) {
        out.push_str(&format!("\n**Merged:** {}\n\n", esc(&merged.summary)));
        out.extend(merged.shards.iter().map(|l| format!("- {}\n", esc(l))));
    }
    if let Some(search) = super::search::section(run) {
        let rest = search.summary.strip_prefix("search: ").unwrap_or(&search.summary);
        out.push_str(&format!("\n**Search:** {}\n", esc(rest)));
        if !search.details.is_empty() {
            out.push('\n');
            out.extend(search.details.iter().map(|l| format!("- {}\n", esc(l))));
        }
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
    if let Some(effects) = super::effects::table(run) {
        out.push_str(&effects_table(&effects));
    }
    if let Some(split) = super::size_split::markdown(run) {
        out.push_str(&split);
    }
    if let Some(explain) = super::explain::markdown(run) {
        out.push_str(&explain);
    }
    let verdict = run.verdict.recommended.as_deref().unwrap_or("none");
    out.push_str(&format!("\n**Verdict:** `{}` — {}\n", esc(verdict), esc(&run.verdict.reason)));
    if let Some(warning) = super::toolchain::warning(run) {
        out.push_str(&format!("\n> **Warning:** {}\n", esc(&warning)));
    }
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

/// The effects: the head line, a table (an axis and its reference value once, on its first
/// row), and how to read a cell.
fn effects_table(effects: &super::effects::Table<'_>) -> String {
    let code = |s: &str| if s.is_empty() { String::new() } else { format!("`{}`", esc(s)) };
    let (kind, rest) = effects.head.split_once(": ").unwrap_or(("", &effects.head));
    let mut out = format!("\n**{}:** {}\n\n| axis | value | against |", capitalized(kind), esc(rest));
    for h in &effects.headers {
        out.push_str(&format!(" {} |", esc(h)));
    }
    out.push_str("\n|---|---|---|");
    out.push_str(&"--:|".repeat(effects.headers.len()));
    out.push('\n');
    for r in &effects.rows {
        let (axis, reference) = if r.first { (code(r.axis), code(r.reference)) } else { Default::default() };
        out.push_str(&format!("| {axis} | {} | {reference} |", code(r.value)));
        for c in &r.cells {
            out.push_str(&format!(" {} |", c.as_ref().map_or("-", |c| c.text.as_str())));
        }
        out.push('\n');
    }
    out.push_str(&format!("\n{}\n", capitalized(&esc(&effects.legend))));
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

    /// A screened run: the search paragraph and the effects table.
    #[test]
    fn screened_markdown_report() {
        insta::assert_snapshot!(serialize(&fixture::screened()));
    }

    /// A full run: one search line, and the effects table over its configurations.
    #[test]
    fn full_markdown_report_has_one_search_line_and_the_effects() {
        let md = serialize(&fixture::full());
        assert!(
            md.contains(
                "\n**Search:** full — 4 configurations in 4 builds, within max_builds = 32: every one is built\n\n**"
            ),
            "{md}"
        );
        assert!(md.contains("\n| `ldflags` | `-s -w` | `\"\"` | ~ (0.91–1.01) | 0.66× (0.66–0.67) |\n"), "{md}");
        assert!(md.contains("\n| `buildmode` | `pie` | `exe` | 1.26× (1.18–1.35) | 1.09× (1.07–1.11) |\n"), "{md}");
        assert!(md.contains("\n|---|---|---|--:|--:|\n"), "{md}");
    }
}
