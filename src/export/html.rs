//! One self-contained HTML page: the ranked table, the verdict, a plot of binary size against
//! startup, and where the init time goes. The plots are SVG drawn with `plotters` and embedded
//! inline; the page loads nothing and runs no script.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::rows::{Row, Tone, format_ns, ranked, rows};
use crate::measure::inittrace::{InitProfile, PackageCost, top};
use crate::results::{ConfigResult, Run};

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
const TEXT: RGBColor = RGBColor(0x1b, 0x1f, 0x24);
const GRID: RGBColor = RGBColor(0xe6, 0xe8, 0xeb);
const GRID_LIGHT: RGBColor = RGBColor(0xf3, 0xf4, 0xf6);

const WIDTH: u32 = 900;
const SCATTER_HEIGHT: u32 = 520;
/// The strip above a chart that holds its legend.
const LEGEND_HEIGHT: u32 = 30;
/// Packages in the init chart (as in the table's init section).
const INIT_TOP: usize = 8;
/// Label text size in pixels.
const LABEL_PX: f64 = 12.0;

pub fn serialize(run: &Run) -> Result<String> {
    let rows = rows(run);
    let runs = run.configs.iter().filter_map(|c| c.startup.as_ref()).map(|s| s.runs).max().unwrap_or(0);
    let title = format!("gostart: {} · {}", run.target.import_path, run.go_version);
    let mut h = String::new();
    let w = &mut h;
    w.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    w.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    writeln!(w, "<title>{}</title>", esc(&title))?;
    writeln!(w, "<style>{CSS}</style>\n</head>\n<body>")?;
    writeln!(w, "<h1>gostart: <code>{}</code> on {}</h1>", esc(&run.target.import_path), esc(&run.go_version))?;
    let floor = run
        .floor
        .as_ref()
        .map_or(String::new(), |f| format!(" · runner floor {}", esc(&format_ns(f.startup.median_ns as f64))));
    writeln!(
        w,
        "<p class=\"meta\">package <code>{}</code> · {} configs · {runs} runs each · baseline <code>{}</code>{floor} · run <code>{}</code>, started {}</p>",
        esc(&run.target.package),
        run.configs.len(),
        esc(&run.baseline),
        esc(&run.run_id),
        esc(&run.started),
    )?;
    match &run.verdict.recommended {
        Some(name) => writeln!(
            w,
            "<p class=\"verdict\"><strong>Verdict:</strong> <code>{}</code> — {}</p>",
            esc(name),
            with_code(&run.verdict.reason)
        )?,
        None => writeln!(
            w,
            "<p class=\"verdict none\"><strong>Verdict:</strong> none — {}</p>",
            with_code(&run.verdict.reason)
        )?,
    }

    w.push_str("<h2>Ranking</h2>\n");
    table(w, run, &rows)?;
    w.push_str(
        "<p class=\"note\">Δ against the baseline; <span class=\"gain\">green</span> is smaller or faster, \
         <span class=\"loss\">red</span> bigger or slower, and <span class=\"noise\">~</span> means the 95% \
         interval of the startup ratio contains 1.0: no difference that can be told from noise. The score is \
         Σ weight × ln(ratio), lower is better; <em>pareto</em> marks configs no other beats on every weighted figure.</p>\n",
    );

    let points = points(run);
    w.push_str("<h2>Size and startup</h2>\n");
    if points.is_empty() {
        w.push_str("<p>No config was measured: nothing to plot.</p>\n");
    } else {
        let (svg, unnamed) = scatter(run, &points)?;
        writeln!(w, "<figure>\n{svg}<figcaption>")?;
        w.push_str(
            "Each point is a config (numbered by rank, as in the table), at its binary size and the median of its \
             startup runs, with the 95% interval of that median. ",
        );
        w.push_str(
            "Ringed points joined by the dashed line are the Pareto front; the square is the baseline, the \
             diamond the recommended config.",
        );
        let not_plotted = run.configs.len() - points.len();
        if not_plotted > 0 {
            write!(w, " {not_plotted} config(s) failed and are not plotted.")?;
        }
        w.push_str("</figcaption>\n");
        if !unnamed.is_empty() {
            w.push_str("<p class=\"key\">");
            for (i, p) in unnamed.iter().enumerate() {
                let sep = if i == 0 { "" } else { " · " };
                write!(w, "{sep}<b>#{}</b> <code>{}</code>", p.rank, esc(&p.config.name))?;
            }
            w.push_str("</p>\n");
        }
        w.push_str("</figure>\n");
    }

    if let Some(init) = InitView::of(run) {
        w.push_str("<h2>Init time by package</h2>\n");
        let svg = init_chart(&init)?;
        writeln!(w, "<figure>\n{svg}<figcaption>")?;
        write!(
            w,
            "The {} packages whose <code>init</code> took longest in <code>{}</code> (GODEBUG=inittrace=1, median of {} runs): {} in all",
            init.packages.len(),
            esc(&init.subject.name),
            init.profile.runs,
            esc(&format_ns(init.profile.total_clock_ns as f64)),
        )?;
        if let Some(base) = init.base {
            write!(
                w,
                ", against {} in the baseline <code>{}</code>",
                esc(&format_ns(base.profile.total_clock_ns as f64)),
                esc(&base.config.name)
            )?;
        }
        w.push_str(".</figcaption>\n</figure>\n");
    }

    writeln!(
        w,
        "<footer>gostart {} · results.json schema {}</footer>\n</body>\n</html>",
        esc(&run.gostart_version),
        run.schema
    )?;
    Ok(h)
}

const CSS: &str = "
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#1b1f24;background:#fff;max-width:1120px;margin:2em auto;padding:0 1.2em}
h1{font-size:1.45em;margin:.2em 0}h2{font-size:1.15em;margin:1.8em 0 .6em;border-bottom:1px solid #e6e8eb;padding-bottom:.2em}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.meta,.note,figcaption,footer,.key{color:#57606a;font-size:.9em}
.verdict{background:#f1f8f0;border-left:4px solid #2ca02c;padding:.7em 1em;margin:1.2em 0}
.verdict.none{background:#f6f7f8;border-left-color:#6e7681}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.93em}
th,td{padding:.35em .75em;border-bottom:1px solid #e6e8eb;text-align:left;white-space:nowrap}
td:last-child{white-space:normal;min-width:10em}
th{border-bottom:2px solid #d0d7de;font-weight:600}
.num{text-align:right}
tr.recommended td{background:#f1f8f0}tr.baseline td{background:#f6f7f8}
.gain{color:#1a7f37}.loss{color:#cf222e}.noise{color:#8c959f}
figure{margin:1em 0}svg{max-width:100%;height:auto;display:block}
figcaption{margin-top:.4em}
footer{margin-top:3em;border-top:1px solid #e6e8eb;padding-top:.6em}
";

fn table(w: &mut String, run: &Run, rows: &[Row<'_>]) -> Result<()> {
    w.push_str("<div class=\"scroll\"><table>\n<thead><tr><th class=\"num\">#</th><th>config</th><th>id</th><th class=\"num\">size</th><th class=\"num\">Δsize</th><th class=\"num\">startup (median ±95% CI)</th><th class=\"num\">Δstartup</th><th class=\"num\">score</th><th>note</th></tr></thead>\n<tbody>\n");
    for (i, r) in rows.iter().enumerate() {
        let class = if run.verdict.recommended.as_deref() == Some(r.config.name.as_str()) {
            " class=\"recommended\""
        } else if r.config.name == run.baseline {
            " class=\"baseline\""
        } else {
            ""
        };
        writeln!(
            w,
            "<tr{class}><td class=\"num\">{}</td><td><code>{}</code></td><td><code>{}</code></td><td class=\"num\">{}</td>{}<td class=\"num\">{}</td>{}<td class=\"num\">{}</td><td>{}</td></tr>",
            i + 1,
            esc(&r.config.name),
            esc(&r.config.id),
            esc(&r.size),
            delta_cell(&r.size_delta, r.size_tone),
            esc(&r.startup),
            delta_cell(&r.startup_delta, r.startup_tone),
            esc(&r.score),
            esc(&r.note),
        )?;
    }
    w.push_str("</tbody>\n</table></div>\n");
    Ok(())
}

fn delta_cell(text: &str, tone: Tone) -> String {
    let class = match tone {
        Tone::Gain => "num gain",
        Tone::Loss => "num loss",
        Tone::Noise => "num noise",
        Tone::Neutral => "num",
    };
    format!("<td class=\"{class}\">{}</td>", esc(text))
}

/// Text whose `backquoted` parts (as the verdict writes config names) become `<code>`, escaped.
fn with_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len() % 2 == 0 {
        return esc(text); // an unpaired backquote: leave the text as it is
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { format!("<code>{}</code>", esc(part)) } else { esc(part) })
        .collect()
}

/// Text for HTML content and attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A measured config on the scatter plot, in display units.
struct Point<'a> {
    rank: usize,
    config: &'a ConfigResult,
    size: f64,
    median: f64,
    lo: f64,
    hi: f64,
}

/// A unit for an axis: its name and how many base units (bytes, ns) make one.
struct Unit {
    name: &'static str,
    scale: f64,
}

fn size_unit(max_bytes: f64) -> Unit {
    match max_bytes {
        b if b >= 1024.0 * 1024.0 * 1024.0 => Unit { name: "GiB", scale: 1024.0 * 1024.0 * 1024.0 },
        b if b >= 1024.0 * 1024.0 => Unit { name: "MiB", scale: 1024.0 * 1024.0 },
        b if b >= 1024.0 => Unit { name: "KiB", scale: 1024.0 },
        _ => Unit { name: "bytes", scale: 1.0 },
    }
}

fn time_unit(max_ns: f64) -> Unit {
    match max_ns {
        n if n >= 1e9 => Unit { name: "s", scale: 1e9 },
        n if n >= 1e6 => Unit { name: "ms", scale: 1e6 },
        _ => Unit { name: "µs", scale: 1e3 },
    }
}

/// Configs with a size and a startup, in rank order, in the units of [`units`].
fn points(run: &Run) -> Vec<Point<'_>> {
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

/// Tick labels with as many decimals as the tick spacing needs.
fn tick_label(v: f64, range: &std::ops::Range<f64>) -> String {
    let step = (range.end - range.start) / 10.0;
    let decimals = if step > 0.0 { (-step.log10()).ceil().clamp(0.0, 6.0) as usize } else { 2 };
    format!("{v:.decimals$}")
}

fn font(px: f64) -> TextStyle<'static> {
    // plotters' SVG backend writes font-size as size / 1.24.
    ("sans-serif", px * 1.24).into_font().color(&TEXT)
}

fn label_style(px: f64, h: HPos) -> TextStyle<'static> {
    font(px).pos(Pos::new(h, VPos::Center))
}

/// A rough width of `text` in pixels at `px` (SVG leaves the measuring to the browser).
fn text_width(text: &str, px: f64) -> i32 {
    (text.chars().count() as f64 * px * 0.56).ceil() as i32
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn draw_err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("cannot draw the plot: {e}")
}

/// The size/startup plot, and the points whose names did not fit beside them (shown by number).
fn scatter<'a>(run: &Run, points: &'a [Point<'a>]) -> Result<(String, Vec<&'a Point<'a>>)> {
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

/// A closed diamond with corners `r` pixels from the origin.
fn diamond(r: i32) -> Vec<(i32, i32)> {
    vec![(0, -r), (r, 0), (0, r), (-r, 0), (0, -r)]
}

/// A box in pixels.
#[derive(Debug, Clone, Copy)]
struct Boxi {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

impl Boxi {
    fn overlaps(&self, o: &Boxi) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn inside(&self, o: &Boxi) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }
}

/// Where a label goes relative to its point.
struct Spot {
    offset: (i32, i32),
    anchor: HPos,
    rect: Boxi,
}

impl Spot {
    fn new(text: &str, (px, py): (i32, i32), (dx, dy): (i32, i32), anchor: HPos) -> Spot {
        let w = text_width(text, LABEL_PX);
        let half = (LABEL_PX * 0.6).ceil() as i32 + 1;
        let x0 = match anchor {
            HPos::Left => px + dx,
            HPos::Right => px + dx - w,
            HPos::Center => px + dx - w / 2,
        };
        Spot { offset: (dx, dy), anchor, rect: Boxi { x0, y0: py + dy - half, x1: x0 + w, y1: py + dy + half } }
    }

    fn fallback(text: &str, at: (i32, i32)) -> Spot {
        Spot::new(text, at, (17, 0), HPos::Left)
    }
}

/// The first spot round `at` where `text` stays in `bounds` and clear of `taken`.
fn place(text: &str, at: (i32, i32), taken: &[Boxi], bounds: &Boxi) -> Option<Spot> {
    const SPOTS: [((i32, i32), HPos); 8] = [
        ((17, 0), HPos::Left),
        ((-17, 0), HPos::Right),
        ((10, -18), HPos::Left),
        ((10, 18), HPos::Left),
        ((-10, -18), HPos::Right),
        ((-10, 18), HPos::Right),
        ((0, -24), HPos::Center),
        ((0, 24), HPos::Center),
    ];
    SPOTS
        .iter()
        .map(|&(offset, anchor)| Spot::new(text, at, offset, anchor))
        .find(|s| s.rect.inside(bounds) && !taken.iter().any(|t| t.overlaps(&s.rect)))
}

#[derive(Clone, Copy)]
enum Marker {
    Point,
    Interval,
    Pareto,
    Baseline,
    Recommended,
    Bar(RGBColor),
}

/// A row of legend entries (marker, then text) across the top of a chart.
fn legend_strip(area: &Area<'_>, entries: &[(Marker, &str)]) -> Result<()> {
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
            Marker::Bar(color) => area.draw(&Rectangle::new([(c.0 - 9, c.1 - 6), (c.0 + 9, c.1 + 6)], color.filled())),
        }
        .map_err(draw_err)?;
        area.draw(&Text::new(text.to_string(), (x + 24, y), label_style(LABEL_PX, HPos::Left))).map_err(draw_err)?;
        x += 24 + text_width(text, LABEL_PX) + 28;
    }
    Ok(())
}

/// The init profiles the chart compares: the recommended config's (else the baseline's),
/// against the baseline's.
struct InitView<'a> {
    subject: &'a ConfigResult,
    profile: &'a InitProfile,
    /// The baseline, when the subject is another config.
    base: Option<Side<'a>>,
    packages: Vec<&'a PackageCost>,
}

struct Side<'a> {
    config: &'a ConfigResult,
    profile: &'a InitProfile,
}

impl<'a> InitView<'a> {
    fn of(run: &'a Run) -> Option<InitView<'a>> {
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
fn init_chart(view: &InitView<'_>) -> Result<String> {
    let n = view.packages.len();
    let max_ns =
        view.packages.iter().flat_map(|p| [Some(p.clock_ns), view.base_cost(&p.package)]).flatten().max().unwrap_or(0)
            as f64;
    let unit = time_unit(max_ns);
    let x_max = (max_ns / unit.scale).max(1e-3) * 1.18;
    let names: Vec<String> = view.packages.iter().map(|p| p.package.clone()).collect();
    let label_width = names.iter().map(|s| text_width(s, 13.0)).max().unwrap_or(40).clamp(40, 360) as u32 + 24;
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
        let x_range = 0.0..x_max;
        let y_range = -0.5..(n as f64 - 0.5);
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(8)
            .margin_right(20)
            .margin_top(8)
            .margin_bottom(6)
            .x_label_area_size(44)
            .y_label_area_size(label_width)
            .build_cartesian_2d(x_range.clone(), y_range)
            .map_err(draw_err)?;
        // Package i (0 = slowest) is centred at y = n-1-i, so the slowest is on top.
        let name_at = |v: &f64| {
            let k = v.round();
            if (v - k).abs() > 1e-6 || k < 0.0 || k as usize >= n {
                return String::new();
            }
            names[n - 1 - k as usize].clone()
        };
        let xr = x_range.clone();
        let x_fmt = move |v: &f64| tick_label(*v, &xr);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(format!("init clock ({})", unit.name))
            .label_style(font(12.0))
            .axis_desc_style(font(13.0))
            .bold_line_style(GRID)
            .light_line_style(GRID_LIGHT)
            .max_light_lines(2)
            .axis_style(BASELINE)
            .y_labels(n)
            .y_label_formatter(&name_at)
            .x_labels(10)
            .x_label_formatter(&x_fmt)
            .draw()
            .map_err(draw_err)?;
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
            let y = (n - 1 - i) as f64;
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

    use super::*;
    use crate::export::fixture;

    fn hex(c: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    /// The inline `<svg>` documents of the page, in order.
    fn svgs(html: &str) -> Vec<&str> {
        html.match_indices("<svg")
            .map(|(start, _)| &html[start..start + html[start..].find("</svg>").unwrap() + 6])
            .collect()
    }

    fn attr(n: &roxmltree::Node, name: &str) -> f64 {
        n.attribute(name).unwrap().parse().unwrap()
    }

    /// The smallest y of a shape.
    fn top(n: &roxmltree::Node) -> f64 {
        if let Some(points) = n.attribute("points") {
            return points
                .split_whitespace()
                .map(|xy| xy.split_once(',').unwrap().1.parse::<f64>().unwrap())
                .fold(f64::MAX, f64::min);
        }
        let y = ["cy", "y1", "y"].iter().find_map(|a| n.attribute(*a)).unwrap();
        let y: f64 = y.parse().unwrap();
        match n.attribute("r") {
            Some(r) => y - r.parse::<f64>().unwrap(),
            None => y.min(n.attribute("y2").map_or(f64::MAX, |y2| y2.parse().unwrap())),
        }
    }

    #[test]
    fn page() {
        let run = fixture::run();
        let html = serialize(&run).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>gostart: fixture.test/hello · go1.26.8</title>"), "title");
        assert!(!html.contains("<script") && !html.contains(" src=") && !html.contains(" href="), "self-contained");
        assert!(html.contains("<strong>Verdict:</strong> <code>ldflags=-s -w</code>"));
        // The table has the terminal table's rows, in its order, with its figures.
        for (i, r) in rows(&run).iter().enumerate() {
            let row = format!("<td class=\"num\">{}</td><td><code>{}</code></td>", i + 1, esc(&r.config.name));
            assert!(html.contains(&row), "{row}");
            assert!(html.contains(&esc(&r.startup)), "{}", r.startup);
        }
        assert!(html.contains("<td class=\"num gain\">-33.6%</td>"));
        assert!(html.contains("<td class=\"num noise\">~</td>"));
        assert!(html.contains("<td class=\"num loss\">+7.3%</td>"));
        assert_eq!(svgs(&html).len(), 2, "the scatter plot and the init chart");
    }

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

    #[test]
    fn init_bars() {
        let run = fixture::run();
        let html = serialize(&run).unwrap();
        let doc = roxmltree::Document::parse(svgs(&html)[1]).unwrap();
        let bars = |c: RGBColor| {
            doc.descendants()
                .filter(|n| {
                    n.has_tag_name("rect")
                        && n.attribute("fill") == Some(hex(c).as_str())
                        && top(n) > f64::from(LEGEND_HEIGHT)
                })
                .count()
        };
        // The fixture's recommended config and baseline both have the same top 8 packages.
        assert_eq!(bars(RECOMMENDED), INIT_TOP);
        assert_eq!(bars(BASELINE), INIT_TOP);
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).map(str::trim).collect();
        assert!(texts.contains(&"internal/godebug"), "{texts:?}");
        assert!(texts.contains(&"init clock (µs)"), "{texts:?}");
    }

    #[test]
    fn verdict_code_spans() {
        assert_eq!(with_code("size 0.6× against `default` <"), "size 0.6× against <code>default</code> &lt;");
        assert_eq!(with_code("a `b"), "a `b");
    }

    #[test]
    fn text_is_escaped() {
        let mut run = fixture::run();
        run.target.import_path = "<script>alert('x')</script>".into();
        let name = "tags=a&b<c>".to_owned();
        run.verdict.recommended = Some(name.clone());
        run.configs.iter_mut().find(|c| c.name == "ldflags=-s -w").unwrap().name = name;
        let html = serialize(&run).unwrap();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(html.contains("<code>tags=a&amp;b&lt;c&gt;</code>"));
        for svg in svgs(&html) {
            roxmltree::Document::parse(svg).unwrap();
        }
    }

    #[test]
    fn without_init_profiles_or_measurements() {
        let mut run = fixture::run();
        for c in &mut run.configs {
            c.init = None;
        }
        let html = serialize(&run).unwrap();
        assert_eq!(svgs(&html).len(), 1);
        assert!(!html.contains("Init time by package"));
        for c in &mut run.configs {
            c.startup = None;
        }
        let html = serialize(&run).unwrap();
        assert!(svgs(&html).is_empty());
        assert!(html.contains("nothing to plot"));
    }
}
