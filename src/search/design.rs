//! Screening designs: which combinations of the axes to build.
//!
//! STUB (the lead's skeleton): a helper replaces the body with regular two-level fractional
//! factorials (resolution IV or better where the budget allows) and Plackett–Burman designs,
//! multi-level axes coded as pseudo-factors ([`super::coding`]).

use serde::{Deserialize, Serialize};

/// The family a design belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Every combination of the two-level factors.
    Full,
    /// A regular 2^(k−p) fraction, defined by its generators.
    Fractional,
    /// A Plackett–Burman design (runs a multiple of 4): main effects only, partly aliased with
    /// two-factor interactions.
    PlackettBurman,
}

/// One two-level factor of the design: a whole two-valued axis, or one bit of a multi-level
/// axis's code (a pseudo-factor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    /// `A`, `B`, ... as the generators and aliases name it.
    pub label: String,
    /// Index of its axis in `search.axes`.
    pub axis: usize,
    /// Which bit of the axis's code (0 for a two-valued axis).
    pub bit: u32,
}

/// A screening design, as results.json records it (`search.design`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Design {
    pub kind: Kind,
    /// Runs of the design (before any that excludes merged).
    pub runs: usize,
    /// The shortest word of the defining relation (3: main effects aliased with two-factor
    /// interactions; 4: with none, two-factor interactions with each other; 5: none of these);
    /// `null` for a full factorial.
    pub resolution: Option<u32>,
    pub factors: Vec<Factor>,
    /// How each multi-level axis is coded into two-level factors, one line an axis.
    pub coding: Vec<String>,
    /// The generated factors, `E = ABC`.
    pub generators: Vec<String>,
    /// What is aliased with what among main effects and two-factor interactions (`A = BC`,
    /// `AB = CD`); for Plackett–Burman, a line saying that each main effect is partly aliased
    /// with the interactions of the others.
    pub aliases: Vec<String>,
    /// Each run as value indices per axis (the reference value where its factors are low).
    pub points: Vec<Vec<u32>>,
}

/// A design run placed on the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub levels: Vec<u32>,
    /// The run itself is not in the matrix (excluded): `levels` is the nearest combination that is.
    pub substituted: bool,
}

/// The design for axes of `levels[a]` values each, whose reference values are `reference[a]`,
/// in at most `budget` runs: the smallest of resolution IV or better, else the smallest
/// resolution III (regular or Plackett–Burman); an error saying why when none fits.
pub fn choose(levels: &[usize], reference: &[u32], budget: usize) -> Result<Design, String> {
    let total: usize = levels.iter().product();
    if total > budget {
        return Err(format!("no design of at most {budget} runs (stub)"));
    }
    let mut points = vec![Vec::new()];
    for &n in levels {
        points = points
            .into_iter()
            .flat_map(|p: Vec<u32>| {
                (0..n as u32).map(move |v| {
                    let mut q = p.clone();
                    q.push(v);
                    q
                })
            })
            .collect();
    }
    let _ = reference;
    Ok(Design {
        kind: Kind::Full,
        runs: points.len(),
        resolution: None,
        factors: Vec::new(),
        coding: Vec::new(),
        generators: Vec::new(),
        aliases: Vec::new(),
        points,
    })
}

/// Each design point on the matrix: itself when `allowed` has it, else the allowed combination
/// that differs from it on the fewest axes (the first such, in `allowed`'s order), marked
/// substituted; a point placed twice is kept once.
pub fn place(points: &[Vec<u32>], allowed: &[Vec<u32>]) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::new();
    for p in points {
        let found = if allowed.contains(p) {
            Some(Placed { levels: p.clone(), substituted: false })
        } else {
            allowed
                .iter()
                .min_by_key(|a| a.iter().zip(p).filter(|(x, y)| x != y).count())
                .map(|a| Placed { levels: a.clone(), substituted: true })
        };
        if let Some(f) = found.filter(|f| !placed.iter().any(|q| q.levels == f.levels)) {
            placed.push(f);
        }
    }
    placed
}
