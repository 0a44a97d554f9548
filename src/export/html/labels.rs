//! Where the scatter plot's labels go: the first spot round a point that stays inside the plot
//! and clear of the points, bars and labels already there.

use plotters::style::text_anchor::HPos;

use super::chart::{LABEL_PX, text_width};

/// A box in pixels.
#[derive(Debug, Clone, Copy)]
pub(super) struct Boxi {
    pub(super) x0: i32,
    pub(super) y0: i32,
    pub(super) x1: i32,
    pub(super) y1: i32,
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
pub(super) struct Spot {
    pub(super) offset: (i32, i32),
    pub(super) anchor: HPos,
    pub(super) rect: Boxi,
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

    pub(super) fn fallback(text: &str, at: (i32, i32)) -> Spot {
        Spot::new(text, at, (17, 0), HPos::Left)
    }
}

/// The first spot round `at` where `text` stays in `bounds` and clear of `taken`.
pub(super) fn place(text: &str, at: (i32, i32), taken: &[Boxi], bounds: &Boxi) -> Option<Spot> {
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
