//! Helpers the page's tests share for reading its inline SVG.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plotters::style::RGBColor;

pub(super) fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// The inline `<svg>` documents of the page, in order.
pub(super) fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg")
        .map(|(start, _)| &html[start..start + html[start..].find("</svg>").unwrap() + 6])
        .collect()
}

pub(super) fn attr(n: &roxmltree::Node, name: &str) -> f64 {
    n.attribute(name).unwrap().parse().unwrap()
}

/// The smallest y of a shape.
pub(super) fn top(n: &roxmltree::Node) -> f64 {
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

/// The bars of `color` in a row chart, below its legend strip (whose swatches share the colour).
pub(super) fn bars(doc: &roxmltree::Document, color: RGBColor) -> usize {
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("rect")
                && n.attribute("fill") == Some(hex(color).as_str())
                && top(n) > f64::from(super::chart::LEGEND_HEIGHT)
        })
        .count()
}
