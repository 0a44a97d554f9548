//! The effects fit: each figure's log-ratio to the baseline as a linear model of the axes'
//! values, by least squares, with 95% intervals.
//!
//! STUB (the lead's skeleton): a helper replaces the body.

/// One measured configuration, for one figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Value index per axis.
    pub levels: Vec<u32>,
    /// ln(ratio to the baseline).
    pub value: f64,
    /// The variance of `value` from measuring it (0 for an exact figure).
    pub variance: f64,
}

/// An estimate on the log scale with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub log: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Estimate {
    /// The interval contains 0 (a ratio of 1.0).
    pub fn noise(&self) -> bool {
        self.lo <= 0.0 && 0.0 <= self.hi
    }
}

/// A fitted model of one figure.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Per axis, per value: the effect of that value against the axis's reference value;
    /// `None` for the reference itself and for a value the observations cannot separate.
    pub main: Vec<Vec<Option<Estimate>>>,
    /// Whether the model has the two-factor interactions (the design resolves them).
    pub interactions: bool,
    /// Residual degrees of freedom.
    pub df: usize,
}

impl Fit {
    /// The predicted log-ratio of the combination `levels`, with its interval.
    pub fn predict(&self, levels: &[u32]) -> Option<Estimate> {
        let _ = levels;
        None
    }

    /// The predicted log-ratio of `levels` against the reference combination, counting only the
    /// terms whose interval excludes 0 (as the score counts a ratio within noise as 1.0).
    pub fn predict_effective(&self, levels: &[u32]) -> f64 {
        let _ = levels;
        0.0
    }
}

/// Fits `obs` over axes of `levels[a]` values with references `reference[a]`; `None` when
/// there are fewer observations than the main effects need.
pub fn fit(levels: &[usize], reference: &[u32], obs: &[Observation]) -> Option<Fit> {
    let _ = (levels, reference, obs);
    None
}
