//! The plot of binary size against startup: a point per measured config with the 95% interval
//! of its median, the Pareto front, the baseline and the recommended config marked, each point
//! labelled by rank and name where room allows.

use anyhow::Result;
use plotters::prelude::*;

use super::chart::{
    BASELINE, GRID, GRID_LIGHT, INTERVAL, LABEL_PX, LEGEND_HEIGHT, Marker, PARETO, POINT, RECOMMENDED, Unit, WIDTH,
    diamond, draw_err, font, label_style, legend_strip, size_unit, tick_label, time_unit,
};
use super::labels::{Boxi, Spot, place};
use crate::export::rows::ranked;
use crate::results::{ConfigResult, Run};

const SCATTER_HEIGHT: u32 = 520;

/// A measured config on the scatter plot, in display units.
pub(super) struct Point<'a> {
    pub(super) rank: usize,
    pub(super) config: &'a ConfigResult,
    size: f64,
    median: f64,
    lo: f64,
    hi: f64,
}

/// Configs with a size and a startup, in rank order, in the units of [`units`].
pub(super) fn points(run: &Run) -> Vec<Point<'_>> {
    let (size_u, time_u) = units(run);
    ranked(run)
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let (size, s) = (c.size.as_ref()?, c.startup.as_ref()?);
            Some(Point {
                rank: i + 1,
                config: c,
                size: in_unit(size.bytes as f64, &size_u),
                median: in_unit(s.median_ns as f64, &time_u),
                lo: in_unit(s.ci95_ns[0] as f64, &time_u),
                hi: in_unit(s.ci95_ns[1] as f64, &time_u),
            })
        })
        .collect()
}

fn in_unit(v: f64, u: &Unit) -> f64 {
    v / u.scale
}

fn units(run: &Run) -> (Unit, Unit) {
    let measured = || run.configs.iter().filter(|c| c.size.is_some() && c.startup.is_some());
    let max_size = measured().filter_map(|c| c.size.as_ref()).map(|s| s.bytes as f64).fold(0.0, f64::max);
    let max_time = measured().filter_map(|c| c.startup.as_ref()).map(|s| s.ci95_ns[1] as f64).fold(0.0, f64::max);
    (size_unit(max_size), time_unit(max_time))
}

/// `lo..hi` widened by the given fractions of its span (or of its magnitude when it is a point).
fn padded(lo: f64, hi: f64, below: f64, above: f64) -> std::ops::Range<f64> {
    let span = hi - lo;
    let span = if span > 0.0 { span } else { hi.abs().max(1.0) * 0.1 };
    (lo - span * below)..(hi + span * above)
}

/// The size/startup plot, and the points whose names did not fit beside them (shown by number).
pub(super) fn scatter<'a>(run: &Run, points: &'a [Point<'a>]) -> Result<(String, Vec<&'a Point<'a>>)> {
    let (size_u, time_u) = units(run);
    let fold = |f: fn(&Point) -> f64, init: f64, op: fn(f64, f64) -> f64| points.iter().map(f).fold(init, op);
    let x_range = padded(fold(|p| p.size, f64::MAX, f64::min), fold(|p| p.size, f64::MIN, f64::max), 0.12, 0.3);
    let y_range = padded(fold(|p| p.lo, f64::MAX, f64::min), fold(|p| p.hi, f64::MIN, f64::max), 0.1, 0.15);
    let is_recommended = |p: &Point| run.verdict.recommended.as_deref() == Some(p.config.name.as_str());
    let is_baseline = |p: &Point| p.config.name == run.baseline;

    let mut svg = String::new();
    let mut unnamed = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, SCATTER_HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (legend, plot) = root.split_vertically(LEGEND_HEIGHT);
        legend_strip(
            &legend,
            &[
                (Marker::Point, "config (#rank)"),
                (Marker::Interval, "95% CI of the median"),
                (Marker::Pareto, "Pareto front"),
                (Marker::Baseline, "baseline"),
                (Marker::Recommended, "recommended"),
            ],
        )?;
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(8)
            .margin_right(20)
            .margin_top(6)
            .margin_bottom(6)
            .x_label_area_size(46)
            .y_label_area_size(70)
            .build_cartesian_2d(x_range.clone(), y_range.clone())
            .map_err(draw_err)?;
        let (xr, yr) = (x_range.clone(), y_range.clone());
        let x_fmt = move |v: &f64| tick_label(*v, &xr);
        let y_fmt = move |v: &f64| tick_label(*v, &yr);
        chart
            .configure_mesh()
            .x_desc(format!("binary size ({})", size_u.name))
            .y_desc(format!("startup time, median and 95% CI ({})", time_u.name))
            .label_style(font(12.0))
            .axis_desc_style(font(13.0))
            .bold_line_style(GRID)
            .light_line_style(GRID_LIGHT)
            .max_light_lines(2)
            .axis_style(BASELINE)
            .x_labels(10)
            .y_labels(10)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()
            .map_err(draw_err)?;

        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| ErrorBar::new_vertical(p.size, p.lo, p.median, p.hi, INTERVAL.stroke_width(2), 10)),
            )
            .map_err(draw_err)?;
        let mut front: Vec<&Point> = points.iter().filter(|p| p.config.pareto).collect();
        front.sort_by(|a, b| a.size.total_cmp(&b.size).then(a.median.total_cmp(&b.median)));
        if front.len() > 1 {
            chart
                .draw_series(DashedLineSeries::new(
                    front.iter().map(|p| (p.size, p.median)),
                    6,
                    4,
                    PARETO.stroke_width(2),
                ))
                .map_err(draw_err)?;
        }
        chart
            .draw_series(front.iter().map(|p| Circle::new((p.size, p.median), 9, PARETO.stroke_width(2))))
            .map_err(draw_err)?;
        chart
            .draw_series(points.iter().filter(|p| is_baseline(p)).map(|p| {
                EmptyElement::at((p.size, p.median)) + Rectangle::new([(-7, -7), (7, 7)], BASELINE.stroke_width(2))
            }))
            .map_err(draw_err)?;
        chart
            .draw_series(points.iter().filter(|p| is_recommended(p)).map(|p| {
                EmptyElement::at((p.size, p.median)) + PathElement::new(diamond(14), RECOMMENDED.stroke_width(2))
            }))
            .map_err(draw_err)?;
        chart
            .draw_series(points.iter().map(|p| Circle::new((p.size, p.median), 4, POINT.filled())))
            .map_err(draw_err)?;

        // Labels: the recommended config and the baseline first, then by rank; each goes where
        // it overlaps nothing already there, its name if that fits, else its number alone.
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let bounds = Boxi { x0: xs.start, y0: ys.start, x1: xs.end, y1: ys.end };
        let pixel: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(&(p.size, p.median))).collect();
        // Points (and labels, as they are placed) must stay clear; interval bars should.
        let mut taken: Vec<Boxi> = Vec::new();
        let mut bars: Vec<Boxi> = Vec::new();
        for (p, &(px, py)) in points.iter().zip(&pixel) {
            let r = if is_recommended(p) || is_baseline(p) { 15 } else { 10 };
            taken.push(Boxi { x0: px - r, y0: py - r, x1: px + r, y1: py + r });
            let (_, top) = chart.backend_coord(&(p.size, p.hi));
            let (_, bottom) = chart.backend_coord(&(p.size, p.lo));
            bars.push(Boxi { x0: px - 6, y0: top - 1, x1: px + 6, y1: bottom + 1 });
        }
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_by_key(|&i| (!is_recommended(&points[i]), !is_baseline(&points[i]), points[i].rank));
        let mut labels = Vec::new();
        for i in order {
            let p = &points[i];
            let named = format!("#{} {}", p.rank, p.config.name);
            let number = format!("#{}", p.rank);
            let must_name = is_recommended(p) || is_baseline(p);
            let clear = |text: &str, soft: bool| {
                let obstacles: Vec<Boxi> = taken.iter().chain(if soft { &bars[..] } else { &[] }).copied().collect();
                place(text, pixel[i], &obstacles, &bounds).map(|spot| (text.to_owned(), spot))
            };
            // The baseline and the recommended config are always named, across bars if need be.
            let placed = clear(&named, true)
                .or_else(|| if must_name { clear(&named, false) } else { None })
                .or_else(|| if must_name { None } else { clear(&number, true) })
                .or_else(|| if must_name { None } else { clear(&number, false) });
            let (text, spot) = match placed {
                Some(found) => found,
                None if must_name => (named.clone(), Spot::fallback(&named, pixel[i])),
                None => (number.clone(), Spot::fallback(&number, pixel[i])),
            };
            if text == number {
                unnamed.push(p);
            }
            taken.push(spot.rect);
            labels.push((p, pixel[i], text, spot));
        }
        unnamed.sort_by_key(|p| p.rank);
        // Each label on a translucent white ground, so that a bar it crosses does not hide it.
        chart
            .draw_series(labels.iter().map(|(p, (px, py), _, spot)| {
                let r = spot.rect;
                EmptyElement::at((p.size, p.median))
                    + Rectangle::new([(r.x0 - px - 2, r.y0 - py), (r.x1 - px + 2, r.y1 - py)], WHITE.mix(0.8).filled())
            }))
            .map_err(draw_err)?;
        chart
            .draw_series(labels.iter().map(|(p, _, text, spot)| {
                EmptyElement::at((p.size, p.median))
                    + Text::new(text.clone(), spot.offset, label_style(LABEL_PX, spot.anchor))
            }))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok((svg, unnamed))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::super::serialize;
    use super::super::testing::{attr, hex, svgs, top};
    use super::*;
    use crate::export::fixture;

    #[test]
    fn scatter_plot() {
        let run = fixture::run();
        let html = serialize(&run).unwrap();
        let svg = svgs(&html)[0];
        let doc = roxmltree::Document::parse(svg).unwrap();
        let measured = run.configs.iter().filter(|c| c.size.is_some() && c.startup.is_some()).count();
        let elements = |tag: &str| doc.descendants().filter(move |n| n.has_tag_name(tag)).collect::<Vec<_>>();
        // The legend strip is above the plot: y below 30 px.
        let in_plot = |n: &roxmltree::Node| top(n) > f64::from(LEGEND_HEIGHT);

        let points: Vec<_> = elements("circle")
            .into_iter()
            .filter(|n| n.attribute("fill") == Some(hex(POINT).as_str()) && in_plot(n))
            .collect();
        assert_eq!(points.len(), measured, "one point per measured config");

        // One vertical interval bar per point, through it.
        let bars: Vec<_> = elements("line")
            .into_iter()
            .filter(|n| n.attribute("stroke") == Some(hex(INTERVAL).as_str()) && in_plot(n))
            .filter(|n| attr(n, "x1") == attr(n, "x2") && attr(n, "y1") != attr(n, "y2"))
            .collect();
        assert_eq!(bars.len(), measured, "one interval bar per config");
        for p in &points {
            let (cx, cy) = (attr(p, "cx"), attr(p, "cy"));
            assert!(
                bars.iter().any(|b| attr(b, "x1") == cx
                    && attr(b, "y1").min(attr(b, "y2")) <= cy
                    && cy <= attr(b, "y1").max(attr(b, "y2"))),
                "no interval through the point at ({cx}, {cy})"
            );
        }

        // The Pareto front: a ring round each of its points.
        let pareto = run.configs.iter().filter(|c| c.pareto).count();
        let rings: Vec<_> = elements("circle")
            .into_iter()
            .filter(|n| {
                n.attribute("stroke") == Some(hex(PARETO).as_str()) && n.attribute("fill") == Some("none") && in_plot(n)
            })
            .collect();
        assert!(pareto > 0);
        assert_eq!(rings.len(), pareto, "one ring per Pareto config");
        for r in &rings {
            assert!(points.iter().any(|p| attr(p, "cx") == attr(r, "cx") && attr(p, "cy") == attr(r, "cy")));
        }

        // The baseline's square and the recommended config's diamond.
        let squares = elements("rect")
            .into_iter()
            .filter(|n| n.attribute("stroke") == Some(hex(BASELINE).as_str()) && in_plot(n))
            .count();
        assert_eq!(squares, 1, "the baseline's square");
        let diamonds = elements("polyline")
            .into_iter()
            .filter(|n| n.attribute("stroke") == Some(hex(RECOMMENDED).as_str()) && in_plot(n))
            .count();
        assert_eq!(diamonds, 1, "the recommended config's diamond");

        // Labels: every point has one, and the baseline and the recommended config are named.
        let texts: Vec<String> = elements("text").iter().map(|n| n.text().unwrap_or("").trim().to_owned()).collect();
        for rank in 1..=measured {
            assert!(
                texts.iter().any(|t| t == &format!("#{rank}") || t.starts_with(&format!("#{rank} "))),
                "#{rank} in {texts:?}"
            );
        }
        let recommended = run.verdict.recommended.as_deref().unwrap();
        assert!(texts.iter().any(|t| t.ends_with(" default")), "{texts:?}");
        assert!(texts.iter().any(|t| t.ends_with(&format!(" {recommended}"))), "{texts:?}");
        assert!(texts.iter().any(|t| t == "binary size (MiB)"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "startup time, median and 95% CI (ms)"), "{texts:?}");
    }
}
