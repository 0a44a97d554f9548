//! Regular two-level fractions over GF(2): each factor gets a column in GF(2)^r (a run is a
//! vector u of GF(2)^r, the factor is high when its column · u = 1), searched by bounded
//! backtracking for the fewest short words at the axis level.
//!
//! An axis's main-effect space M_a is every nonzero XOR of its factors' columns (its columns
//! must be independent). A word is one element of M_a for each axis of a set, XORing to zero;
//! its length is the number of axes. Resolution III: no word of length ≤ 2 (the M_a are
//! disjoint); IV: also none of length 3 (no main effect aliased with a two-factor interaction);
//! V: also none of length 4 (no two-factor interactions aliased with each other).

/// Columns live in GF(2)^r with r ≤ 7: designs of at most 128 runs.
pub const MAX_R: u32 = 7;
const SIZE: usize = 1 << MAX_R;

/// Candidates tried per search: the search is exhaustive below it, and otherwise returns the
/// best design found by then (the first found is usually good: odd-weight columns come first).
const NODE_LIMIT: usize = 30_000;

/// What a search must reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// No word of length 3 or less.
    ResolutionIv,
    /// No word of length 2 or less; the fewest of length 3 preferred.
    ResolutionIii,
}

/// A design found: each axis's factor columns (bit 0 first), in the caller's axis order, and its
/// numbers of words of length 3 and 4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub columns: Vec<Vec<u32>>,
    pub words3: u64,
    pub words4: u64,
}

/// How many elements of the main-effect spaces, and of sums of two and three of them from
/// distinct axes, fall on each vector of GF(2)^r, over the axes placed so far.
#[derive(Clone)]
struct Counts {
    one: [u32; SIZE],
    two: [u32; SIZE],
    three: [u32; SIZE],
}

impl Counts {
    /// The counts with a complete axis of main-effect space `m` added (`span`: vectors in use).
    fn with(&self, m: &[u32], span: usize) -> Counts {
        let mut next = self.clone();
        for v in 0..span {
            for &e in m {
                let w = v ^ e as usize;
                next.three[v] += self.two[w];
                next.two[v] += self.one[w];
            }
        }
        for &e in m {
            next.one[e as usize] += 1;
        }
        next
    }
}

/// Where the search is: axis `a` next, `d` dimensions in use (the columns so far span
/// e_0..e_{d−1}), the words of length 3 and 4 so far, and `last`: the rank of the previous
/// two-valued axis's column when it was not a new dimension (two-valued axes are
/// interchangeable: their columns are tried in increasing rank).
#[derive(Clone, Copy)]
struct At {
    a: usize,
    d: u32,
    words: (u64, u64),
    last: Option<usize>,
}

/// A bounded branch and bound over the columns of every factor, axis by axis.
struct Search {
    /// Pseudo-factors per axis, in search order (most first: they are the most constrained).
    q: Vec<u32>,
    r: u32,
    need: Need,
    /// Vectors of GF(2)^r in the order they are tried: odd weight first (a set of odd-weight
    /// columns has no word of odd length), heavier first, then by value.
    order: Vec<u32>,
    /// Position of each vector in `order`.
    rank: Vec<usize>,
    columns: Vec<Vec<u32>>,
    best: Option<(u64, u64, Vec<Vec<u32>>)>,
    nodes: usize,
}

/// The design of fewest short words (length 3, then 4) with `q[a]` factors for axis a in 2^r
/// runs whose columns span GF(2)^r, meeting `need`; `None` when there is none, or none was
/// found within the search's bound.
pub fn search(q: &[u32], r: u32, need: Need) -> Option<Found> {
    if r > MAX_R || q.contains(&0) {
        return None;
    }
    let factors: u32 = q.iter().sum();
    let sizes: Vec<u64> = q.iter().map(|&k| (1u64 << k) - 1).collect();
    let total: u64 = sizes.iter().sum();
    let n = 1u64 << r;
    // Disjoint main-effect spaces need room; resolution IV needs twice as much: the main
    // effects of all axes but b, each XORed with one of b's, are distinct, nonzero, and apart
    // from every main effect.
    if factors < r || total >= n {
        return None;
    }
    if need == Need::ResolutionIv && 2 * total - sizes.iter().min().copied().unwrap_or(0) >= n {
        return None;
    }
    let mut by_size: Vec<usize> = (0..q.len()).collect();
    by_size.sort_by_key(|&a| std::cmp::Reverse(q[a]));
    let mut order: Vec<u32> = (1..n as u32).collect();
    order.sort_by_key(|&v| (v.count_ones() % 2 == 0, std::cmp::Reverse(v.count_ones()), v));
    let mut rank = vec![0; n as usize];
    for (i, &v) in order.iter().enumerate() {
        rank[v as usize] = i;
    }
    let mut s = Search {
        q: by_size.iter().map(|&a| q[a]).collect(),
        r,
        need,
        order,
        rank,
        columns: Vec::new(),
        best: None,
        nodes: 0,
    };
    let counts = Counts { one: [0; SIZE], two: [0; SIZE], three: [0; SIZE] };
    s.axis(At { a: 0, d: 0, words: (0, 0), last: None }, &counts);
    let (words3, words4, found) = s.best?;
    let mut columns = vec![Vec::new(); q.len()];
    for (i, &a) in by_size.iter().enumerate() {
        columns[a] = found[i].clone();
    }
    Some(Found { columns, words3, words4 })
}

impl Search {
    fn done(&self) -> bool {
        self.nodes >= NODE_LIMIT || matches!(self.best, Some((0, 0, _)))
    }

    fn beaten(&self, words: (u64, u64)) -> bool {
        self.best.as_ref().is_some_and(|(w3, w4, _)| words >= (*w3, *w4))
    }

    /// Place the axes from `at.a` on.
    fn axis(&mut self, at: At, counts: &Counts) {
        if at.a == self.q.len() {
            if at.d == self.r && !self.beaten(at.words) {
                self.best = Some((at.words.0, at.words.1, self.columns.clone()));
            }
            return;
        }
        let left: u32 = self.q[at.a..].iter().sum();
        if left < self.r - at.d || self.beaten(at.words) || self.done() {
            return;
        }
        self.columns.push(Vec::new());
        self.bit(at, at.d, counts, &[0]);
        self.columns.pop();
    }

    /// Choose the next column of axis `at.a`, whose columns so far span `sub` (0 included);
    /// `d0`: the dimensions in use before the axis.
    fn bit(&mut self, at: At, d0: u32, counts: &Counts, sub: &[u32]) {
        let (a, d) = (at.a, at.d);
        if self.columns[a].len() == self.q[a] as usize {
            let next = counts.with(&sub[1..], 1 << d);
            // A two-valued axis in the span so far: the next ones take columns of higher rank.
            let last = if self.q[a] == 1 && d == d0 { Some(self.rank[sub[1] as usize]) } else { at.last };
            self.axis(At { a: a + 1, last, ..at }, &next);
            return;
        }
        // Canonical form: a column is either the next unit vector (a new dimension) or in the
        // span so far; any design maps onto one of this form by a change of basis, which keeps
        // every word. Two-valued axes, placed last, take the new dimensions first.
        let mut candidates: Vec<u32> = Vec::new();
        if d < self.r {
            candidates.push(1 << d);
        }
        if self.q[a] > 1 || d == self.r {
            let from = if self.q[a] == 1 { at.last.map_or(0, |l| l + 1) } else { 0 };
            let span = 1u32 << d;
            candidates.extend(self.order[from.min(self.order.len())..].iter().filter(|&&v| v < span));
        }
        for c in candidates {
            if self.done() {
                return;
            }
            self.nodes += 1;
            if sub.contains(&c) {
                continue;
            }
            let Some(added) = self.added(counts, sub, c) else { continue };
            let words = (at.words.0 + added.0, at.words.1 + added.1);
            if self.beaten(words) {
                continue;
            }
            let mut grown = sub.to_vec();
            grown.extend(sub.iter().map(|s| s ^ c));
            let d = if c == 1 << d { d + 1 } else { d };
            self.columns[a].push(c);
            self.bit(At { d, words, ..at }, d0, counts, &grown);
            self.columns[a].pop();
        }
    }

    /// The words of length 3 and 4 that column `c` adds to an axis spanning `sub`, or `None`
    /// when it breaks the resolution needed.
    fn added(&self, counts: &Counts, sub: &[u32], c: u32) -> Option<(u64, u64)> {
        let (mut w3, mut w4) = (0u64, 0u64);
        for &s in sub {
            let e = (s ^ c) as usize;
            if counts.one[e] > 0 || (self.need == Need::ResolutionIv && counts.two[e] > 0) {
                return None;
            }
            w3 += u64::from(counts.two[e]);
            w4 += u64::from(counts.three[e]);
        }
        Some((w3, w4))
    }
}
