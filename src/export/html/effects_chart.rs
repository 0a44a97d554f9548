//! The effects charts: for one figure, each axis value's ratio against the baseline's value of
//! its axis as a point with its 95% interval (a forest plot), a vertical line at 1.0 (no
//! change); left of it is smaller or faster.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::chart::{
    BASELINE, INTERVAL, LEGEND_HEIGHT, LOSS, Marker, RECOMMENDED, WIDTH, cut_label, draw_err, label_style,
    legend_strip, no_change_line, row_y, rows_chart, tick_label,
};
use crate::export::effects::Table;
use crate::export::rows::Tone;

/// Row labels longer than this are cut with `…` (the table under the charts has them whole).
const LABEL_CHARS: usize = 44;
/// Height of one axis value's row, in pixels.
const ROW: u32 = 28;

/// The point's colour: gains green, losses red, noise grey.
pub(super) fn tone_color(tone: Tone) -> RGBColor {
    match tone {
        Tone::Gain => RECOMMENDED,
        Tone::Loss => LOSS,
        Tone::Noise | Tone::Neutral => BASELINE,
    }
}

/// `axis = value`, cut to [`LABEL_CHARS`].
fn label(axis: &str, value: &str) -> String {
    cut_label(format!("{axis} = {value}"), LABEL_CHARS)
}

/// The forest plot of figure column `i` of `effects`; `None` when no axis value has an effect
/// on it.
pub(super) fn effects_chart(effects: &Table<'_>, i: usize) -> Result<Option<String>> {
    let rows: Vec<(String, &crate::export::effects::Cell<'_>)> =
        effects.rows.iter().filter_map(|r| Some((label(r.axis, r.value), r.cells[i].as_ref()?))).collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let n = rows.len();
    let lo = rows.iter().map(|(_, c)| c.effect.ci95[0]).fold(1.0, f64::min);
    let hi = rows.iter().map(|(_, c)| c.effect.ci95[1]).fold(1.0, f64::max);
    let span = (hi - lo).max(0.02);
    // Room on the right for each point's text.
    let x_range = (lo - span * 0.08)..(hi + span * 0.45);
    let height = LEGEND_HEIGHT + 16 + ROW * n as u32 + 50;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (legend, plot) = root.split_vertically(LEGEND_HEIGHT);
        legend_strip(
            &legend,
            &[
                (Marker::Bar(RECOMMENDED), "smaller or faster"),
                (Marker::Bar(LOSS), "bigger or slower"),
                (Marker::Bar(BASELINE), "within noise"),
                (Marker::HInterval, "95% interval"),
            ],
        )?;
        // The table's order reads down.
        let labels: Vec<String> = rows.iter().map(|(l, _)| l.clone()).collect();
        let xr = x_range.clone();
        let x_fmt = move |v: &f64| format!("{}×", tick_label(*v, &xr));
        let figure = &effects.headers[i];
        let x_desc = format!("{figure}: ratio to the baseline's value of the axis");
        let mut chart = rows_chart(&plot, &labels, x_range, x_desc, 8, &x_fmt)?;
        // No change: the line every interval is read against.
        no_change_line(&mut chart, n, 1.0, 2)?;
        let at = |k: usize| row_y(n, k);
        chart
            .draw_series(rows.iter().enumerate().map(|(k, (_, c))| {
                let [lo, hi] = c.effect.ci95;
                ErrorBar::new_horizontal(at(k), lo, c.effect.ratio, hi, INTERVAL.stroke_width(2), 10)
            }))
            .map_err(draw_err)?;
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .map(|(k, (_, c))| Circle::new((c.effect.ratio, at(k)), 5, tone_color(c.tone).filled())),
            )
            .map_err(draw_err)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(k, (_, c))| {
                EmptyElement::at((c.effect.ci95[1], at(k)))
                    + Text::new(c.text.clone(), (9, 0), label_style(11.0, HPos::Left))
            }))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Some(svg))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::super::testing::{attr, hex};
    use super::*;
    use crate::export::{effects, fixture};

    fn chart(run: &crate::results::Run, i: usize) -> String {
        effects_chart(&effects::table(run).unwrap(), i).unwrap().unwrap()
    }

    #[test]
    fn a_point_and_an_interval_per_axis_value_coloured_by_tone() {
        let run = fixture::screened();
        let svg = chart(&run, 0); // startup
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let points = |c: RGBColor| {
            doc.descendants()
                .filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some(hex(c).as_str()))
                .count()
        };
        // Startup: pie slower; CGO_ENABLED=0 and GOAMD64=v3 faster; the other three within noise.
        assert_eq!((points(LOSS), points(RECOMMENDED), points(BASELINE)), (1, 2, 3));
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).map(str::trim).collect();
        for t in ["ldflags = -s -w", "env.GOAMD64 = v3", "1.06× (1.03–1.09)", "~ (0.97–1.02)"] {
            assert!(texts.contains(&t), "{t}: {texts:?}");
        }
        assert!(texts.contains(&"startup: ratio to the baseline's value of the axis"), "{texts:?}");
        // The table's first row is the top one.
        let y_of = |t: &str| {
            let n = doc.descendants().find(|n| n.text().map(str::trim) == Some(t)).unwrap();
            attr(&n, "y")
        };
        assert!(y_of("ldflags = -s -w") < y_of("env.GOAMD64 = v3"));
    }

    #[test]
    fn the_line_of_no_change_is_drawn_and_labels_are_cut() {
        let run = fixture::long_values();
        let svg = chart(&run, 1); // size
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let lines: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(hex(BASELINE).as_str()))
            .collect();
        assert!(
            lines.iter().any(|n| {
                let xs: Vec<&str> =
                    n.attribute("points").unwrap().split_whitespace().map(|p| p.split(',').next().unwrap()).collect();
                xs.len() == 2 && xs[0] == xs[1]
            }),
            "a vertical line at 1.0"
        );
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).map(str::trim).collect();
        assert!(texts.iter().any(|t| t.starts_with("gcflags = all=-N -l") && t.ends_with('…')), "{texts:?}");
        // Escapes has no effect for pie: one point fewer than rows.
        let svg = chart(&run, 3);
        // (The interval's own circle is not filled.)
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let circles = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("fill").is_some_and(|f| f != "none"))
            .count();
        assert_eq!(circles, effects::table(&run).unwrap().rows.len() - 1);
    }
}
