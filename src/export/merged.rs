//! The report's lines on a merged run (`gostart merge`): which shard and machine measured
//! which configs, and that absolute times are relative to the pooled baseline.

use super::rows::format_ns;
use crate::results::Run;

/// A one-line summary and a line per shard; `None` for a run that is not merged.
pub struct Section {
    pub summary: String,
    pub shards: Vec<String>,
}

pub fn section(run: &Run) -> Option<Section> {
    if run.merged.is_empty() {
        return None;
    }
    let pooled = run.configs.iter().find(|c| c.name == run.baseline).and_then(|b| b.startup.as_ref());
    let pooled = pooled.map_or(String::new(), |s| format!(" (median {})", format_ns(s.median_ns as f64)));
    let summary = format!(
        "merged from {} shards: each config's ratios are against its own shard's baseline, measured in the same \
         rounds; absolute times are relative to the pooled baseline{pooled} (a config's times × the pooled \
         baseline median / its shard's), not raw",
        run.merged.len()
    );
    let shards = run
        .merged
        .iter()
        .map(|m| {
            let machine = m.machine.as_ref().map_or("unknown machine".to_owned(), |m| m.describe());
            let n = m.configs.len();
            // Every one: the report says which shard and machine measured each configuration.
            let names: Vec<String> =
                m.configs.iter().map(|c| format!("`{}`", crate::printable::printable(c))).collect();
            format!(
                "shard {}: {machine} — {n} config{}: {} (run {}, baseline median {} there)",
                m.shard,
                if n == 1 { "" } else { "s" },
                names.join(", "),
                m.run_id,
                format_ns(m.baseline_median_ns as f64)
            )
        })
        .collect();
    Some(Section { summary, shards })
}
