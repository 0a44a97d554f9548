//! The terminal table and the verdict under it.

use comfy_table::{CellAlignment, Table, presets};

use super::rows::{format_ns, rows};
use crate::results::Run;

pub fn serialize(run: &Run) -> String {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_BORDERS_ONLY);
    table.set_header(["#", "config", "id", "size", "Δsize", "startup (median ±95% CI)", "Δstartup", "score", "note"]);
    for (i, r) in rows(run).iter().enumerate() {
        table.add_row([
            (i + 1).to_string(),
            r.config.name.clone(),
            r.config.id.clone(),
            r.size.clone(),
            r.size_delta.clone(),
            r.startup.clone(),
            r.startup_delta.clone(),
            r.score.clone(),
            r.note.clone(),
        ]);
    }
    for col in [0, 3, 4, 5, 6, 7] {
        if let Some(c) = table.column_mut(col) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let runs = run.configs.iter().filter_map(|c| c.startup.as_ref()).map(|s| s.runs).max().unwrap_or(0);
    let floor = run
        .floor
        .as_ref()
        .map_or(String::new(), |f| format!(" · runner floor {}", format_ns(f.startup.median_ns as f64)));
    let mut out = format!(
        "{} ({}) · {} · {} configs · {runs} runs each · baseline `{}`{floor}\n",
        run.target.import_path,
        run.target.package,
        run.go_version,
        run.configs.len(),
        run.baseline
    );
    out.push_str(&table.to_string());
    out.push('\n');
    if let Some(init) = super::init::section(run) {
        out.push_str(&init);
    }
    match &run.verdict.recommended {
        Some(name) => out.push_str(&format!("verdict: {name} — {}\n", run.verdict.reason)),
        None => out.push_str(&format!("verdict: none — {}\n", run.verdict.reason)),
    }
    out
}
