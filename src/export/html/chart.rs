//! What the charts share: the palette, the canvas sizes, axis units and tick labels, fonts,
//! and the legend strip across the top of each.

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Every config's point (filled circle).
pub(super) const POINT: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
/// The 95% interval of each median (vertical bar with caps).
pub(super) const INTERVAL: RGBColor = RGBColor(0x7f, 0x9c, 0xb8);
/// Pareto-front configs: a ring round the point, and a dashed line joining them by size.
pub(super) const PARETO: RGBColor = RGBColor(0xff, 0x7f, 0x0e);
/// The baseline: a square round the point; its series in the init chart.
pub(super) const BASELINE: RGBColor = RGBColor(0x6e, 0x76, 0x81);
/// The recommended config: a diamond round the point; its series in the init chart.
pub(super) const RECOMMENDED: RGBColor = RGBColor(0x2c, 0xa0, 0x2c);
/// A loss (bigger or slower) in the effects charts, as the table's red.
pub(super) const LOSS: RGBColor = RGBColor(0xcf, 0x22, 0x2e);
const TEXT: RGBColor = RGBColor(0x1b, 0x1f, 0x24);
pub(super) const GRID: RGBColor = RGBColor(0xe6, 0xe8, 0xeb);
pub(super) const GRID_LIGHT: RGBColor = RGBColor(0xf3, 0xf4, 0xf6);

pub(super) const WIDTH: u32 = 900;
/// The strip above a chart that holds its legend.
pub(super) const LEGEND_HEIGHT: u32 = 30;
/// Label text size in pixels.
pub(super) const LABEL_PX: f64 = 12.0;

/// A unit for an axis: its name and how many base units (bytes, ns) make one.
pub(super) struct Unit {
    pub(super) name: &'static str,
    pub(super) scale: f64,
}

pub(super) fn size_unit(max_bytes: f64) -> Unit {
    match max_bytes {
        b if b >= 1024.0 * 1024.0 * 1024.0 => Unit { name: "GiB", scale: 1024.0 * 1024.0 * 1024.0 },
        b if b >= 1024.0 * 1024.0 => Unit { name: "MiB", scale: 1024.0 * 1024.0 },
        b if b >= 1024.0 => Unit { name: "KiB", scale: 1024.0 },
        _ => Unit { name: "bytes", scale: 1.0 },
    }
}

pub(super) fn time_unit(max_ns: f64) -> Unit {
    match max_ns {
        n if n >= 1e9 => Unit { name: "s", scale: 1e9 },
        n if n >= 1e6 => Unit { name: "ms", scale: 1e6 },
        _ => Unit { name: "µs", scale: 1e3 },
    }
}

/// Tick labels with as many decimals as the tick spacing needs.
pub(super) fn tick_label(v: f64, range: &std::ops::Range<f64>) -> String {
    let step = (range.end - range.start) / 10.0;
    let decimals = if step > 0.0 { (-step.log10()).ceil().clamp(0.0, 6.0) as usize } else { 2 };
    format!("{v:.decimals$}")
}

pub(super) fn font(px: f64) -> TextStyle<'static> {
    // plotters' SVG backend writes font-size as size / 1.24.
    ("sans-serif", px * 1.24).into_font().color(&TEXT)
}

pub(super) fn label_style(px: f64, h: HPos) -> TextStyle<'static> {
    font(px).pos(Pos::new(h, VPos::Center))
}

/// A rough width of `text` in pixels at `px` (SVG leaves the measuring to the browser).
pub(super) fn text_width(text: &str, px: f64) -> i32 {
    (text.chars().count() as f64 * px * 0.56).ceil() as i32
}

pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

pub(super) fn draw_err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("cannot draw the plot: {e}")
}

/// A closed diamond with corners `r` pixels from the origin.
pub(super) fn diamond(r: i32) -> Vec<(i32, i32)> {
    vec![(0, -r), (r, 0), (0, r), (-r, 0), (0, -r)]
}

#[derive(Clone, Copy)]
pub(super) enum Marker {
    Point,
    Interval,
    Pareto,
    Baseline,
    Recommended,
    Bar(RGBColor),
    /// A horizontal interval (the effects charts').
    HInterval,
}

/// A row of legend entries (marker, then text) across the top of a chart.
pub(super) fn legend_strip(area: &Area<'_>, entries: &[(Marker, &str)]) -> Result<()> {
    let y = LEGEND_HEIGHT as i32 / 2;
    let mut x = 80;
    for (marker, text) in entries {
        let c = (x + 8, y);
        match marker {
            Marker::Point => area.draw(&Circle::new(c, 4, POINT.filled())),
            Marker::Interval => {
                area.draw(&ErrorBar::new_vertical(c.0, c.1 - 9, c.1, c.1 + 9, INTERVAL.stroke_width(2), 10))
            }
            Marker::Pareto => area
                .draw(&PathElement::new(vec![(c.0 - 12, c.1), (c.0 + 12, c.1)], PARETO.stroke_width(2)))
                .and_then(|_| area.draw(&Circle::new(c, 7, PARETO.stroke_width(2)))),
            Marker::Baseline => {
                area.draw(&Rectangle::new([(c.0 - 7, c.1 - 7), (c.0 + 7, c.1 + 7)], BASELINE.stroke_width(2)))
            }
            Marker::Recommended => {
                let d: Vec<(i32, i32)> = diamond(8).into_iter().map(|(dx, dy)| (c.0 + dx, c.1 + dy)).collect();
                area.draw(&PathElement::new(d, RECOMMENDED.stroke_width(2)))
            }
            Marker::HInterval => {
                area.draw(&ErrorBar::new_horizontal(c.1, c.0 - 10, c.0, c.0 + 10, INTERVAL.stroke_width(2), 10))
            }
            Marker::Bar(color) => area.draw(&Rectangle::new([(c.0 - 9, c.1 - 6), (c.0 + 9, c.1 + 6)], color.filled())),
        }
        .map_err(draw_err)?;
        area.draw(&Text::new(text.to_string(), (x + 24, y), label_style(LABEL_PX, HPos::Left))).map_err(draw_err)?;
        x += 24 + text_width(text, LABEL_PX) + 28;
    }
    Ok(())
}

/// A chart of named rows on the drawing area `plot`: the first of `labels` on top (row k
/// centred at y = `row_y(n, k)`), a value axis over `x_range` described by `x_desc` with
/// `x_labels` ticks written by `x_fmt`. The init, effects and size-split charts draw on it.
pub(super) fn rows_chart<'a, 'b: 'a>(
    plot: &'a DrawingArea<SVGBackend<'b>, Shift>,
    labels: &[String],
    x_range: std::ops::Range<f64>,
    x_desc: String,
    x_labels: usize,
    x_fmt: &dyn Fn(&f64) -> String,
) -> Result<RowsChart<'a, 'b>> {
    let n = labels.len();
    let label_width = labels.iter().map(|l| text_width(l, 13.0)).max().unwrap_or(40).clamp(40, 360) as u32 + 24;
    let mut chart = ChartBuilder::on(plot)
        .margin_left(8)
        .margin_right(20)
        .margin_top(8)
        .margin_bottom(6)
        .x_label_area_size(44)
        .y_label_area_size(label_width)
        .build_cartesian_2d(x_range, rows_y_range(n))
        .map_err(draw_err)?;
    let name_at = |v: &f64| {
        let k = v.round();
        if (v - k).abs() > 1e-6 || k < 0.0 || k as usize >= n {
            return String::new();
        }
        labels[n - 1 - k as usize].clone()
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(x_desc)
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .bold_line_style(GRID)
        .light_line_style(GRID_LIGHT)
        .max_light_lines(2)
        .axis_style(BASELINE)
        .y_labels(n)
        .y_label_formatter(&name_at)
        .x_labels(x_labels)
        .x_label_formatter(x_fmt)
        .draw()
        .map_err(draw_err)?;
    Ok(chart)
}

/// What `rows_chart` returns.
pub(super) type RowsChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The y range of `n` rows: each row one unit tall.
fn rows_y_range(n: usize) -> std::ops::Range<f64> {
    -0.5..(n as f64 - 0.5)
}

/// The vertical line at `x` across a row chart of `n` rows: no change, which its bars grow from
/// or its intervals are read against.
pub(super) fn no_change_line(chart: &mut RowsChart<'_, '_>, n: usize, x: f64, width: u32) -> Result<()> {
    let y = rows_y_range(n);
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(x, y.start), (x, y.end)], BASELINE.stroke_width(width))))
        .map_err(draw_err)?;
    Ok(())
}

/// A row label cut to `max` characters, the last one `…` (the table under a chart has it whole).
pub(super) fn cut_label(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// The y of row `k` of `n` (0 on top).
pub(super) fn row_y(n: usize, k: usize) -> f64 {
    (n - 1 - k) as f64
}
