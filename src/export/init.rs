//! The init attribution under the table: which packages' `init` cost the most in the
//! recommended config, against the baseline.

use comfy_table::{CellAlignment, Table, presets};

use super::rows::format_ns;
use crate::measure::inittrace::{InitProfile, top};
use crate::results::Run;

/// Packages shown.
const TOP: usize = 8;

/// The section, or `None` when the run has no init profiles.
pub fn section(run: &Run) -> Option<String> {
    let by_name = |n: &str| run.configs.iter().find(|c| c.name == n);
    let base = by_name(&run.baseline)?;
    let base_init = base.init.as_ref()?;
    let subject = run.verdict.recommended.as_deref().and_then(by_name).filter(|c| c.init.is_some()).unwrap_or(base);
    let init = subject.init.as_ref()?;
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    let comparing = subject.name != base.name;
    if comparing {
        table.set_header(["package", "init clock", &format!("in {}", base.name), "Δ", "allocs", "bytes"]);
    } else {
        table.set_header(["package", "init clock", "", "", "allocs", "bytes"]);
    }
    for p in top(init, TOP) {
        let before = cost(base_init, &p.package);
        let (was, delta) = match (comparing, before) {
            (false, _) => (String::new(), String::new()),
            (true, None) => ("-".into(), "new".into()),
            (true, Some(b)) => (format_ns(b as f64), signed_ns(p.clock_ns as f64 - b as f64)),
        };
        table.add_row([
            p.package.clone(),
            format_ns(p.clock_ns as f64),
            was,
            delta,
            p.allocs.to_string(),
            p.bytes.to_string(),
        ]);
    }
    for col in 1..6 {
        if let Some(c) = table.column_mut(col) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    Some(format!(
        "init time by package (GODEBUG=inittrace=1, median of {} runs) in {}: {} in all{}\n{table}\n",
        init.runs,
        subject.name,
        format_ns(init.total_clock_ns as f64),
        if comparing {
            format!(", {} in {}", format_ns(base_init.total_clock_ns as f64), base.name)
        } else {
            String::new()
        },
    ))
}

fn cost(profile: &InitProfile, package: &str) -> Option<u64> {
    profile.packages.iter().find(|p| p.package == package).map(|p| p.clock_ns)
}

fn signed_ns(ns: f64) -> String {
    let sign = if ns < 0.0 { "-" } else { "+" };
    format!("{sign}{}", format_ns(ns.abs()))
}
