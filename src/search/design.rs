//! Screening designs: which combinations of the axes to build.
//!
//! [`choose`] takes the smallest design within the build budget, in this order:
//! 1. a regular two-level fraction 2^(k−p) of resolution IV or better at the axis level (no
//!    main effect aliased with a two-factor interaction), of the fewest runs; among those of
//!    that size, the highest resolution, then the fewest words of length 4 (minimum aberration,
//!    within a bounded search: [`regular`]);
//! 2. the full factorial (every combination of the axes' values once) when it fits and no
//!    smaller fraction of resolution IV exists;
//! 3. else the smallest of resolution III: a regular fraction, or a Plackett–Burman design of
//!    12, 20 or 24 runs when every axis has at most two values.
//!
//! Axes of more than two values are coded as pseudo-factors ([`super::coding`]): ⌈log₂ m⌉
//! two-level factors whose bits form the value's code, the resolution counted on each axis's
//! whole main-effect space (its factors and their interactions). Not a mixed-level orthogonal
//! array, because the matrices gostart screens are mostly two-valued flags with a few
//! multi-valued axes (GOAMD64, GOGC): pseudo-factors keep one family of designs whose alias
//! structure is exact and printable (generators, alias chains), keep the baseline a run of every
//! design, and size in powers of two that fit a build budget; mixed-level arrays come in a few
//! fixed sizes (18, 36...) with partial aliasing that is harder to state. The price: an axis of
//! 3 values spends 4 codes, one value built twice as often as the others.
//!
//! In every design, run 0 has every factor low: every axis at its reference value, the
//! baseline's combination.

mod pb;
mod regular;
mod words;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use super::coding;
use regular::Need;

/// The family a design belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Every combination of the axes' values, once each.
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
    /// Runs of the design (before any that excludes merged): 2^r for a regular fraction, the
    /// product of the axes' value counts for a full factorial.
    pub runs: usize,
    /// The shortest word of the defining relation, counted in axes (3: main effects aliased
    /// with two-factor interactions; 4: with none, two-factor interactions with each other;
    /// 5: none of these); `null` for a full factorial.
    pub resolution: Option<u32>,
    /// The two-level factors, in axis order (an axis's bits together, bit 0 first); none for a
    /// one-valued axis.
    pub factors: Vec<Factor>,
    /// How each multi-level axis is coded into two-level factors.
    #[serde(deserialize_with = "coding::typed_only")]
    pub coding: Vec<coding::Coding>,
    /// The generated factors, `E = ABC`, in terms of the basic factors (the first independent
    /// ones).
    pub generators: Vec<String>,
    /// What is aliased with what among main effects and two-factor interactions: for
    /// resolution III each main effect's chain (`A = BC = DE`), for IV the interactions'
    /// (`AB = CD`), none above; the first 20, then `... and N more`. A multi-level axis's main
    /// effect includes the interactions of its own factors, written `(AB)`. For
    /// Plackett–Burman, a line saying that each main effect is partly aliased with the
    /// interactions of the others.
    pub aliases: Vec<String>,
    /// Each run as value indices per axis (the reference value where its factors are low);
    /// run 0 is the reference combination. Folded codes of a multi-level axis may repeat a
    /// combination: [`place`] keeps it once.
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
    check(levels, reference)?;
    if budget == 0 {
        return Err("max_builds = 0 leaves no run for the baseline: raise [search] max_builds".into());
    }
    let q: Vec<u32> = levels.iter().map(|&m| coding::pseudo_factors(m)).collect();
    let active: Vec<usize> = (0..levels.len()).filter(|&a| q[a] > 0).collect();
    let qa: Vec<u32> = active.iter().map(|&a| q[a]).collect();
    let product = levels.iter().try_fold(1usize, |p, &m| p.checked_mul(m)).unwrap_or(usize::MAX);
    let sizes = |limit: usize| (0..=regular::MAX_R).take_while(move |&r| 1usize << r < limit);
    let plan = Plan { levels, reference, q: &q, active: &active };

    let fraction = sizes(product.min(budget.saturating_add(1)))
        .find_map(|r| regular::search(&qa, r, Need::ResolutionIv).map(|f| (r, f)));
    if let Some((r, found)) = fraction {
        return Ok(plan.regular(r, &found));
    }
    if product <= budget {
        return Ok(plan.full());
    }
    let regular =
        sizes(budget.saturating_add(1)).find_map(|r| regular::search(&qa, r, Need::ResolutionIii).map(|f| (r, f)));
    let k = qa.iter().sum::<u32>() as usize;
    let two_valued = qa.iter().all(|&x| x == 1);
    let pb = pb::sizes().find(|&n| two_valued && n <= budget && k < n);
    match (regular, pb) {
        (Some((r, found)), pb) if pb.is_none_or(|n| 1 << r < n) => Ok(plan.regular(r, &found)),
        (_, Some(n)) => Ok(plan.plackett_burman(n)),
        _ => Err(too_few(&qa, product, budget)),
    }
}

/// Levels and references that make sense together.
fn check(levels: &[usize], reference: &[u32]) -> Result<(), String> {
    if levels.len() != reference.len() {
        return Err(format!("{} axes but {} reference values", levels.len(), reference.len()));
    }
    for (a, (&m, &r)) in levels.iter().zip(reference).enumerate() {
        if m == 0 {
            return Err(format!("axes[{a}] has no values"));
        }
        if r as usize >= m {
            return Err(format!("axes[{a}] has {m} values: its reference {r} is not one of them"));
        }
    }
    Ok(())
}

/// Why no design fits `budget`: the fewest runs one needs, and what to do.
fn too_few(qa: &[u32], product: usize, budget: usize) -> String {
    let k: u32 = qa.iter().sum();
    let regular = (0..=regular::MAX_R).find(|&r| regular::search(qa, r, Need::ResolutionIii).is_some()).map(|r| 1 << r);
    let pb = pb::sizes().find(|&n| qa.iter().all(|&x| x == 1) && (k as usize) < n);
    let need = [regular, pb, Some(product)].into_iter().flatten().min();
    let factors = if qa.iter().all(|&x| x == 1) {
        format!("{k} two-level factors")
    } else {
        format!("{k} two-level factors ({} axes, those of m > 2 values coded by ⌈log₂ m⌉ factors)", qa.len())
    };
    match need {
        Some(n) => format!(
            "{factors} need at least {n} runs, more than max_builds = {budget}: raise [search] max_builds to {n}, \
             or use strategy = \"full\""
        ),
        None => format!(
            "{factors} need more than {} runs: use strategy = \"full\", or fewer axes or values",
            1 << regular::MAX_R
        ),
    }
}

/// What the designs are built for: the axes and their coding.
struct Plan<'a> {
    levels: &'a [usize],
    reference: &'a [u32],
    /// Factors per axis (0 for a constant axis).
    q: &'a [u32],
    /// The axes that are not constant.
    active: &'a [usize],
}

impl Plan<'_> {
    /// Every factor, its label, in axis order, bit 0 first.
    fn factors(&self) -> Vec<Factor> {
        let pairs = self.active.iter().flat_map(|&a| (0..self.q[a]).map(move |bit| (a, bit)));
        let pairs: Vec<(usize, u32)> = pairs.collect();
        let labels = words::labels(pairs.len());
        pairs.into_iter().zip(labels).map(|((axis, bit), label)| Factor { label, axis, bit }).collect()
    }

    /// How each multi-level axis is coded.
    fn coding(&self, factors: &[Factor]) -> Vec<coding::Coding> {
        self.active
            .iter()
            .filter(|&&a| self.q[a] > 1)
            .map(|&a| {
                let labels: Vec<String> = factors.iter().filter(|f| f.axis == a).map(|f| f.label.clone()).collect();
                coding::Coding::new(a, self.levels[a], self.reference[a], &labels)
            })
            .collect()
    }

    /// A run as value indices, from each factor's level (`true` = high), in `factors`' order.
    fn point(&self, high: impl Fn(usize) -> bool) -> Vec<u32> {
        let mut point = self.reference.to_vec();
        let mut f = 0;
        for &a in self.active {
            let mut code = 0;
            for bit in 0..self.q[a] {
                code |= u32::from(high(f)) << bit;
                f += 1;
            }
            point[a] = coding::value(code, self.levels[a], self.reference[a]);
        }
        point
    }

    /// The regular fraction of 2^r runs with `found`'s columns: run u has factor f high when
    /// column f · u is odd.
    fn regular(&self, r: u32, found: &regular::Found) -> Design {
        let factors = self.factors();
        let columns: Vec<u32> = found.columns.iter().flatten().copied().collect();
        let axis: Vec<usize> = factors.iter().map(|f| f.axis).collect();
        let labels: Vec<String> = factors.iter().map(|f| f.label.clone()).collect();
        let c = words::Columns { columns: &columns, labels: &labels, axis: &axis };
        let resolution = match (found.words3, found.words4) {
            (0, 0) => words::resolution(&c),
            (0, _) => Some(4),
            _ => Some(3),
        };
        let points = (0..1u32 << r).map(|u| self.point(|f| (columns[f] & u).count_ones() % 2 == 1)).collect();
        let (kind, aliases) = match resolution {
            Some(res) => (Kind::Fractional, words::aliases(&c, res)),
            None => (Kind::Full, Vec::new()),
        };
        Design {
            kind,
            runs: 1 << r,
            resolution,
            coding: self.coding(&factors),
            generators: words::generators(&c),
            aliases,
            factors,
            points,
        }
    }

    /// Every combination of the axes' values once, the first axis changing fastest.
    fn full(&self) -> Design {
        let factors = self.factors();
        let mut points = vec![self.reference.to_vec()];
        for (a, &m) in self.levels.iter().enumerate() {
            let codes = (1..m as u32).map(|c| coding::value(c, m, self.reference[a]));
            let more: Vec<Vec<u32>> = codes
                .flat_map(|v| {
                    points.iter().map(move |p| {
                        let mut p = p.clone();
                        p[a] = v;
                        p
                    })
                })
                .collect();
            points.extend(more);
        }
        let coding = self
            .active
            .iter()
            .filter(|&&a| self.q[a] > 1)
            .map(|&a| coding::Coding::new(a, self.levels[a], self.reference[a], &[]))
            .collect();
        Design {
            kind: Kind::Full,
            runs: points.len(),
            resolution: None,
            factors,
            coding,
            generators: Vec::new(),
            aliases: Vec::new(),
            points,
        }
    }

    /// The Plackett–Burman design of `n` runs (every axis two-valued).
    fn plackett_burman(&self, n: usize) -> Design {
        let factors = self.factors();
        let runs = pb::runs(n, factors.len()).unwrap_or_default();
        let points: Vec<Vec<u32>> = runs.iter().map(|run| self.point(|f| run[f])).collect();
        Design {
            kind: Kind::PlackettBurman,
            runs: points.len(),
            resolution: Some(3),
            coding: Vec::new(),
            generators: Vec::new(),
            aliases: vec![format!(
                "each main effect is partly aliased with the two-factor interactions of the other factors \
                 (Plackett–Burman, {} factors in {n} runs: no generators, no complete aliasing)",
                factors.len()
            )],
            factors,
            points,
        }
    }
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
