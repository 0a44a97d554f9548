//! The size split's bar chart: the recommendation's largest size changes against the baseline,
//! packages and the parts that belong to no package (`.symtab`, DWARF) together, sorted, each a
//! horizontal bar from zero; smaller is green, bigger red.

use std::fmt::Write as _;

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::chart::{
    LEGEND_HEIGHT, LOSS, Marker, RECOMMENDED, WIDTH, cut_label, draw_err, label_style, legend_strip, no_change_line,
    row_y, rows_chart, size_unit, tick_label,
};
use super::esc;
use crate::export::rows::signed_bytes;
use crate::export::size_split::{Split, TITLE, UNSPLIT, or_dash};
use crate::results::Run;

/// Height of one change's row, in pixels.
const ROW: u32 = 28;
/// Row labels longer than this are cut with `…` (the table under the chart has them whole).
const LABEL_CHARS: usize = 40;

/// A bar's label: a package's import path, or a part marked as belonging to no package.
fn label(name: &str, package: bool) -> String {
    let text = if package || name == "no package" { name.to_owned() } else { format!("{name} (no package)") };
    cut_label(text, LABEL_CHARS)
}

/// The sorted bars of `split`'s largest changes.
pub(super) fn size_split_chart(split: &Split<'_>) -> Result<String> {
    let rows: Vec<(String, i64)> = split.items.iter().map(|i| (label(i.name, i.package), i.change)).collect();
    let n = rows.len().max(1);
    let max_abs = rows.iter().map(|(_, c)| c.unsigned_abs()).max().unwrap_or(0) as f64;
    let unit = size_unit(max_abs);
    let value = |c: i64| c as f64 / unit.scale;
    let lo = rows.iter().map(|(_, c)| value(*c)).fold(0.0, f64::min);
    let hi = rows.iter().map(|(_, c)| value(*c)).fold(0.0, f64::max);
    let span = (hi - lo).max(1e-3);
    // Room on the right for each bar's figure.
    let x_range = (lo - span * 0.04)..(hi + span * 0.3);
    let height = LEGEND_HEIGHT + 16 + ROW * n as u32 + 50;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (legend, plot) = root.split_vertically(LEGEND_HEIGHT);
        legend_strip(&legend, &[(Marker::Bar(RECOMMENDED), "smaller"), (Marker::Bar(LOSS), "bigger")])?;
        // The largest change on top.
        let labels: Vec<String> = rows.iter().map(|(l, _)| l.clone()).collect();
        let xr = x_range.clone();
        let x_fmt = move |v: &f64| tick_label(*v, &xr);
        let x_desc = format!("change against the baseline ({})", unit.name);
        let mut chart = rows_chart(&plot, &labels, x_range, x_desc, 8, &x_fmt)?;
        // No change: the line the bars grow from.
        no_change_line(&mut chart, n, 0.0, 1)?;
        let at = |k: usize| row_y(n, k);
        chart
            .draw_series(rows.iter().enumerate().map(|(k, (_, c))| {
                let color = if *c < 0 { RECOMMENDED } else { LOSS };
                Rectangle::new([(0.0, at(k) + 0.3), (value(*c), at(k) - 0.3)], color.filled())
            }))
            .map_err(draw_err)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(k, (_, c))| {
                EmptyElement::at((value(*c).max(0.0), at(k)))
                    + Text::new(signed_bytes(*c), (5, 0), label_style(11.0, HPos::Left))
            }))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// The section: the file change, each section's, the chart, and the table of the changes with
/// their sections; nothing when the run records no split.
pub(super) fn size_split(w: &mut String, run: &Run) -> Result<()> {
    let Some(s) = crate::export::size_split::section(run) else { return Ok(()) };
    writeln!(w, "<h2>{}</h2>", esc(TITLE))?;
    writeln!(w, "<p>{}.</p>", super::with_code(&s.summary()))?;
    let mut sections: Vec<String> =
        s.by_section.iter().map(|(name, c)| format!("<code>{}</code> {}", esc(name), esc(&signed_bytes(*c)))).collect();
    if s.more_sections > 0 {
        sections.push(format!("and {} more", s.more_sections));
    }
    writeln!(w, "<p class=\"note\">By section: {}.</p>", sections.join(", "))?;
    if !s.items.is_empty() {
        let svg = size_split_chart(&s)?;
        writeln!(w, "<figure>\n{svg}<figcaption>")?;
        write!(
            w,
            "The {} largest changes by bytes, packages and the parts of the file that belong to no package together.",
            s.items.len()
        )?;
        if let Some(rest) = s.rest() {
            write!(w, " {}.", esc(&rest))?;
        }
        w.push_str("</figcaption>\n</figure>\n");
    }
    w.push_str(
        "<div class=\"scroll\"><table>\n<thead><tr><th>package or part</th><th class=\"num\">baseline</th>\
         <th class=\"num\">recommended</th><th class=\"num\">change</th><th>sections</th></tr></thead>\n<tbody>\n",
    );
    for i in &s.items {
        let class = if i.change < 0 { "num gain" } else { "num loss" };
        writeln!(
            w,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"{class}\">{}</td><td>{}</td></tr>",
            esc(i.name),
            esc(&or_dash(i.base)),
            esc(&or_dash(i.config)),
            esc(&signed_bytes(i.change)),
            esc(&i.breakdown(", ")),
        )?;
    }
    w.push_str("</tbody>\n</table></div>\n");
    if s.unsplit {
        writeln!(w, "<p class=\"note\">Note: {}.</p>", super::with_code(UNSPLIT))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::super::serialize;
    use super::super::testing::{bars, svgs};
    use super::*;

    #[test]
    fn size_split_bars() {
        let run = crate::export::size_split::tests::with_split();
        let html = serialize(&run).unwrap();
        let (_, section) = html.split_once(&format!("<h2>{TITLE}</h2>")).expect("the section");
        let svg = svgs(section)[0];
        let doc = roxmltree::Document::parse(svg).unwrap();
        let bars = |c: RGBColor| bars(&doc, c);
        // Every change of the fixture's split is a loss of bytes: all green.
        let split = crate::export::size_split::section(&run).unwrap();
        assert_eq!(bars(RECOMMENDED), split.items.len());
        assert_eq!(bars(LOSS), 0);
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).map(str::trim).collect();
        for needle in ["DWARF (no package)", ".symtab (no package)", "pkg2", "−292.97 KiB"] {
            assert!(texts.contains(&needle), "{needle}: {texts:?}");
        }
        assert!(section.contains("<code>.text</code> −9.77 KiB"), "{section}");
        assert!(section.contains("<td><code>pkg2</code></td>"), "{section}");
        assert!(section.contains("removed, .text −9.77 KiB, .rodata −500 B"), "{section}");
        // Without a split, no section.
        let html = serialize(&crate::export::fixture::run()).unwrap();
        assert!(!html.contains(TITLE));
    }
}
