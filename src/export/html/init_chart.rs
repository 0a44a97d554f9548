//! The init-time bar chart: each of the slowest packages' `init` clock in the recommended config
//! (else the baseline), beside the same package's in the baseline.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::chart::{
    BASELINE, LEGEND_HEIGHT, Marker, RECOMMENDED, WIDTH, draw_err, label_style, legend_strip, row_y, rows_chart,
    tick_label, time_unit,
};
use crate::export::rows::format_ns;
use crate::measure::inittrace::{InitProfile, PackageCost, top};
use crate::results::{ConfigResult, Run};

/// Packages in the init chart (as in the table's init section).
pub(super) const INIT_TOP: usize = 8;

/// The init profiles the chart compares: the recommended config's (else the baseline's),
/// against the baseline's.
pub(super) struct InitView<'a> {
    pub(super) subject: &'a ConfigResult,
    pub(super) profile: &'a InitProfile,
    /// The baseline, when the subject is another config.
    pub(super) base: Option<Side<'a>>,
    pub(super) packages: Vec<&'a PackageCost>,
}

pub(super) struct Side<'a> {
    pub(super) config: &'a ConfigResult,
    pub(super) profile: &'a InitProfile,
}

impl<'a> InitView<'a> {
    pub(super) fn of(run: &'a Run) -> Option<InitView<'a>> {
        let by_name = |n: &str| run.configs.iter().find(|c| c.name == n);
        let base = by_name(&run.baseline)?;
        let base_init = base.init.as_ref()?;
        let subject = run.verdict.recommended.as_deref().and_then(by_name).filter(|c| c.init.is_some()).unwrap_or(base);
        let profile = subject.init.as_ref()?;
        let packages = top(profile, INIT_TOP);
        if packages.is_empty() {
            return None;
        }
        let base = (subject.name != base.name).then_some(Side { config: base, profile: base_init });
        Some(InitView { subject, profile, base, packages })
    }

    fn base_cost(&self, package: &str) -> Option<u64> {
        let base = self.base.as_ref()?;
        base.profile.packages.iter().find(|p| p.package == package).map(|p| p.clock_ns)
    }
}

/// Horizontal bars: each top package's init clock in the subject and in the baseline.
pub(super) fn init_chart(view: &InitView<'_>) -> Result<String> {
    let n = view.packages.len();
    let max_ns =
        view.packages.iter().flat_map(|p| [Some(p.clock_ns), view.base_cost(&p.package)]).flatten().max().unwrap_or(0)
            as f64;
    let unit = time_unit(max_ns);
    let x_max = (max_ns / unit.scale).max(1e-3) * 1.18;
    let names: Vec<String> = view.packages.iter().map(|p| p.package.clone()).collect();
    let per_package = if view.base.is_some() { 40 } else { 26 };
    let height = LEGEND_HEIGHT + 16 + per_package * n as u32 + 50;
    // Bar thickness and the gap between a package's two bars, in package rows.
    let thickness = if view.base.is_some() { 0.36 } else { 0.5 };
    const GAP: f64 = 0.02;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (legend, plot) = root.split_vertically(LEGEND_HEIGHT);
        let subject_label = format!("{} (recommended)", view.subject.name);
        let base_label = view.base.as_ref().map(|b| format!("{} (baseline)", b.config.name));
        let mut entries = vec![(Marker::Bar(RECOMMENDED), subject_label.as_str())];
        if let Some(b) = &base_label {
            entries.push((Marker::Bar(BASELINE), b.as_str()));
        } else {
            entries[0] = (Marker::Bar(BASELINE), view.subject.name.as_str());
        }
        legend_strip(&legend, &entries)?;
        // The slowest on top.
        let x_range = 0.0..x_max;
        let xr = x_range.clone();
        let x_fmt = move |v: &f64| tick_label(*v, &xr);
        let mut chart = rows_chart(&plot, &names, x_range, format!("init clock ({})", unit.name), 10, &x_fmt)?;
        let value = |ns: u64| ns as f64 / unit.scale;
        // Package i (0 = slowest) is centred at y = n-1-i: the subject's bar just above the
        // centre line, the baseline's just below; a lone series is centred.
        let subject_color = if view.base.is_some() { RECOMMENDED } else { BASELINE };
        let mut bars = Vec::new();
        let mut notes = Vec::new();
        let mut missing = Vec::new();
        let mut bar = |y0: f64, y1: f64, ns: u64, color: RGBColor| {
            bars.push(Rectangle::new([(0.0, y0), (value(ns), y1)], color.filled()));
            notes.push(((value(ns), (y0 + y1) / 2.0), format_ns(ns as f64)));
        };
        for (i, p) in view.packages.iter().enumerate() {
            let y = row_y(n, i);
            if view.base.is_none() {
                bar(y + thickness / 2.0, y - thickness / 2.0, p.clock_ns, subject_color);
                continue;
            }
            bar(y + GAP + thickness, y + GAP, p.clock_ns, subject_color);
            match view.base_cost(&p.package) {
                Some(ns) => bar(y - GAP, y - GAP - thickness, ns, BASELINE),
                None => missing.push(((0.0, y - GAP - thickness / 2.0), "not in the baseline".to_owned())),
            }
        }
        chart.draw_series(bars).map_err(draw_err)?;
        chart
            .draw_series(
                notes
                    .into_iter()
                    .chain(missing)
                    .map(|(at, text)| EmptyElement::at(at) + Text::new(text, (5, 0), label_style(11.0, HPos::Left))),
            )
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::super::serialize;
    use super::super::testing::{bars, svgs};
    use super::*;
    use crate::export::fixture;

    #[test]
    fn init_bars() {
        let run = fixture::run();
        let html = serialize(&run).unwrap();
        let doc = roxmltree::Document::parse(svgs(&html)[1]).unwrap();
        let bars = |c: RGBColor| bars(&doc, c);
        // The fixture's recommended config and baseline both have the same top 8 packages.
        assert_eq!(bars(RECOMMENDED), INIT_TOP);
        assert_eq!(bars(BASELINE), INIT_TOP);
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).map(str::trim).collect();
        assert!(texts.contains(&"internal/godebug"), "{texts:?}");
        assert!(texts.contains(&"init clock (µs)"), "{texts:?}");
    }
}
