//! The effects table in the reports' words: one row per axis value other than the baseline's,
//! one column per figure the fit gave effects for, each cell the ratio with its 95% interval.
//! The terminal table, Markdown and HTML take their rows, head and legend from here.

use crate::rank::Figure;
use crate::results::Run;
use crate::search::Effect;

use super::rows::{Tone, figure_header, interval_tone, ratio_interval};

/// The order of the figure columns: the weighted figures first, build time (one measurement)
/// last.
const ORDER: [Figure; Figure::COUNT] =
    [Figure::Startup, Figure::Size, Figure::MaxRss, Figure::Escapes, Figure::Cpu, Figure::Build];

/// The effects table of a run.
pub struct Table<'a> {
    /// What the table is: `effects: each axis value against ... (one fit per figure over ...)`.
    pub head: String,
    /// The figure columns, in [`ORDER`], only those with an effect.
    pub figures: Vec<Figure>,
    /// Their headers, marked `(not scored)` when a failed self-check left the figure out.
    pub headers: Vec<String>,
    pub rows: Vec<Row<'a>>,
    /// How to read a cell, in one line.
    pub legend: String,
}

/// One axis value against its axis's reference value.
pub struct Row<'a> {
    pub axis: &'a str,
    pub value: &'a str,
    /// The baseline's value of the axis.
    pub reference: &'a str,
    /// Whether this is the first row of its axis (formats that group rows show the axis once).
    pub first: bool,
    /// One per figure column; `None` when the fit could not separate this value for it.
    pub cells: Vec<Option<Cell<'a>>>,
}

/// One effect as a cell: `0.68× (0.67–0.69)` or `~ (0.98–1.03)`.
pub struct Cell<'a> {
    pub text: String,
    pub tone: Tone,
    pub effect: &'a Effect,
}

/// The table, or `None` when the run has no effects (a run saved before gostart fitted them,
/// or one whose figures could not be fitted).
/// An axis value as a reader can see it: the empty value (go's default) as `""`.
fn shown(value: &str) -> &str {
    if value.is_empty() { "\"\"" } else { value }
}

pub fn table(run: &Run) -> Option<Table<'_>> {
    if run.effects.is_empty() {
        return None;
    }
    let figures: Vec<Figure> = ORDER.into_iter().filter(|f| run.effects.iter().any(|e| e.figure == *f)).collect();
    // Rows in the order the effects come (axis by axis, value by value).
    let mut keys: Vec<(&str, &str, &str)> = Vec::new();
    for e in &run.effects {
        let key = (e.axis.as_str(), e.value.as_str(), e.reference.as_str());
        if !keys.iter().any(|k| k.0 == key.0 && k.1 == key.1) {
            keys.push(key);
        }
    }
    let mut rows = Vec::new();
    for (i, &(axis, value, reference)) in keys.iter().enumerate() {
        let cells = figures
            .iter()
            .map(|&f| {
                let e = run.effects.iter().find(|e| e.axis == axis && e.value == value && e.figure == f)?;
                Some(Cell {
                    text: ratio_interval(e.ratio, e.ci95, e.noise),
                    tone: interval_tone(e.ratio, e.noise),
                    effect: e,
                })
            })
            .collect();
        let first = i == 0 || keys[i - 1].0 != axis;
        rows.push(Row { axis, value: shown(value), reference: shown(reference), first, cells });
    }
    let headers = figures.iter().map(|&f| super::checks::delta_header(run, f, figure_header(f))).collect();
    let cells = || rows.iter().flat_map(|r: &Row<'_>| r.cells.iter());
    let mut legend = "each cell: the figure with this value over the figure with the baseline's value (below 1 is smaller or \
                      faster), and its 95% interval; `~`: the interval contains 1, no effect gostart can tell from noise"
        .to_owned();
    if cells().flatten().any(|c| c.effect.ci95[0] == c.effect.ci95[1]) {
        legend.push_str("; a ratio without an interval: the fit left no spread to estimate one");
    }
    if cells().any(Option::is_none) {
        legend.push_str("; `-`: the measured combinations cannot separate this value's effect on the figure");
    }
    Some(Table { head: head(run), figures, headers, rows, legend })
}

/// `effects: each axis value against the baseline's value of that axis, the other axes alike
/// (one fit per figure over the 16 runs of the design)`.
fn head(run: &Run) -> String {
    let n = crate::search::effects::measured(run).len();
    let screened = run.search.as_ref().is_some_and(|s| !s.design_runs.is_empty());
    let over = match (screened, n) {
        (true, 1) => "the 1 measured run of the design".to_owned(),
        (true, n) => format!("the {n} measured runs of the design"),
        (false, 1) => "1 configuration".to_owned(),
        (false, n) => format!("{n} configurations"),
    };
    format!(
        "effects: each axis value against the baseline's value of that axis, the other axes alike (one fit per \
         figure, on the log scale, over {over})"
    )
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::export::fixture;

    #[test]
    fn rows_columns_and_cells() {
        let run = fixture::screened();
        let t = table(&run).unwrap();
        assert_eq!(t.figures, [Figure::Startup, Figure::Size, Figure::MaxRss, Figure::Escapes]);
        assert_eq!(t.headers, ["startup", "size", "max RSS", "escapes"]);
        let keys: Vec<(&str, &str, bool)> = t.rows.iter().map(|r| (r.axis, r.value, r.first)).collect();
        assert_eq!(keys[0], ("ldflags", "-s -w", true));
        // GOAMD64 has two values besides the baseline's v1: its axis shows once.
        let amd: Vec<_> = keys.iter().filter(|k| k.0 == "env.GOAMD64").collect();
        assert_eq!(amd, [&("env.GOAMD64", "v2", true), &("env.GOAMD64", "v3", false)]);
        let ld = &t.rows[0];
        assert_eq!(ld.reference, "\"\"");
        let cell = |r: &Row<'_>, i: usize| r.cells[i].as_ref().map(|c| (c.text.clone(), c.tone));
        assert_eq!(cell(ld, 0), Some(("~ (0.97–1.02)".into(), Tone::Noise)));
        assert_eq!(cell(ld, 1), Some(("0.66×".into(), Tone::Gain)), "exact: no spread to estimate");
        let pie = t.rows.iter().find(|r| r.value == "pie").unwrap();
        assert_eq!(cell(pie, 0), Some(("1.06× (1.03–1.09)".into(), Tone::Loss)));
        assert!(pie.cells[3].is_none(), "the fit could not separate it");
        assert!(t.legend.contains("`-`: the measured combinations cannot separate"), "{}", t.legend);
        assert!(t.legend.contains("without an interval"), "{}", t.legend);
        assert!(t.head.ends_with("over the 15 measured runs of the design)"), "{}", t.head);
    }

    #[test]
    fn a_run_without_effects_has_no_table() {
        assert!(table(&fixture::run()).is_none());
    }

    #[test]
    fn a_full_run_counts_its_configurations_and_marks_a_figure_left_out() {
        let mut run = fixture::full();
        run.suspended.insert(Figure::Size);
        let t = table(&run).unwrap();
        assert!(t.head.ends_with("over 4 configurations)"), "{}", t.head);
        assert_eq!(t.headers, ["startup", "size (not scored)"]);
        assert!(!t.legend.contains("`-`"), "{}", t.legend);
    }
}
