//! `gostart escape`: the escape and inlining report of one config, and its diff against another.

use comfy_table::{CellAlignment, Table, presets};
use serde::Serialize;

use crate::inspect::escapes::diff::Diff;
use crate::inspect::escapes::model::Kind;
use crate::inspect::escapes::report::{Counts, Report, Site};

/// What `gostart escape` shows, ready for either format.
#[derive(Debug, Serialize)]
pub struct EscapeView<'a> {
    pub config: &'a str,
    pub report: &'a Report,
    /// Sites of the packages shown (all, or those `--package` selects).
    pub packages: Vec<(String, Counts)>,
    pub top_functions: Vec<(String, String, u64)>,
    pub base: Option<&'a str>,
    pub diff: Option<Diff>,
}

pub fn json(view: &EscapeView) -> anyhow::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Out<'a> {
        config: &'a str,
        compile_id: &'a str,
        source: &'a str,
        packages: std::collections::BTreeMap<&'a str, &'a Counts>,
        top_functions: Vec<serde_json::Value>,
        base: Option<&'a str>,
        diff: Option<&'a Diff>,
    }
    let out = Out {
        config: view.config,
        compile_id: &view.report.compile_id,
        source: &view.report.source,
        packages: view.packages.iter().map(|(p, c)| (p.as_str(), c)).collect(),
        top_functions: view
            .top_functions
            .iter()
            .map(|(p, f, n)| serde_json::json!({"package": p, "function": f, "heap": n}))
            .collect(),
        base: view.base,
        diff: view.diff.as_ref(),
    };
    let mut bytes = serde_json::to_vec_pretty(&out)?;
    bytes.push(b'\n');
    Ok(bytes)
}

pub fn table(view: &EscapeView) -> String {
    let mut out = format!(
        "escape report of `{}` (compile config {}, from {} output)\n",
        view.config, view.report.compile_id, view.report.source
    );
    let mut t = Table::new();
    t.load_preset(presets::UTF8_BORDERS_ONLY);
    t.set_header([
        "package",
        "heap",
        "moved",
        "leaking params",
        "inlined calls",
        "can inline",
        "cannot inline",
        "bounds checks",
        "nil checks",
    ]);
    for (p, c) in &view.packages {
        t.add_row(counts_row(p, c));
    }
    for col in 1..9 {
        if let Some(c) = t.column_mut(col) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    out.push_str(&format!("{t}\n"));
    if !view.top_functions.is_empty() {
        out.push_str("functions with the most heap allocations:\n");
        for (p, f, n) in &view.top_functions {
            let f = if f.is_empty() { "(package level)" } else { f };
            out.push_str(&format!("  {n:>4}  {p}.{f}\n"));
        }
    }
    if let (Some(base), Some(diff)) = (view.base, &view.diff) {
        out.push_str(&format!("\nagainst `{base}`:\n"));
        for (p, (b, c)) in &diff.packages {
            if view.packages.iter().any(|(q, _)| q == p) {
                out.push_str(&format!(
                    "  {p}: heap {} → {}, inlined calls {} → {}, cannot inline {} → {}\n",
                    b.heap, c.heap, b.inlined_calls, c.inlined_calls, b.cannot_inline, c.cannot_inline
                ));
            }
        }
        if diff.added.is_empty() && diff.removed.is_empty() {
            out.push_str("  no site gained or lost\n");
        }
        for (sign, sites) in [("+", &diff.added), ("-", &diff.removed)] {
            for s in sites.iter().filter(|s| view.packages.iter().any(|(p, _)| *p == s.package)) {
                out.push_str(&format!("  {sign} {}\n", describe(s)));
            }
        }
    }
    out
}

fn counts_row(p: &str, c: &Counts) -> Vec<String> {
    vec![
        p.to_owned(),
        c.heap.to_string(),
        c.moved_to_heap.to_string(),
        c.leaking_params.to_string(),
        c.inlined_calls.to_string(),
        c.can_inline.to_string(),
        c.cannot_inline.to_string(),
        c.bounds_checks.to_string(),
        c.nil_checks.to_string(),
    ]
}

/// `main.go:35:2  main  moved to heap: v`
fn describe(s: &Site) -> String {
    let d = &s.diagnostic;
    let what = match d.kind {
        Kind::InlinedCall => format!("inlining call to {}", d.name),
        Kind::CanInline => format!("can inline {} ({})", d.name, d.message),
        Kind::CannotInline => format!("cannot inline {}: {}", d.name, d.message),
        _ => d.message.clone(),
    };
    let function = if s.function.is_empty() { "-" } else { s.function.as_str() };
    format!("{}:{}:{}  {function}  {what}", d.file, d.line, d.col)
}
