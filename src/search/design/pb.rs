//! Plackett–Burman designs of 12, 20 and 24 runs, from the generating rows of Plackett and
//! Burman (1946): the N − 1 cyclic shifts of the row, and a row of every factor low.

/// The generating rows (`true` = high) by run count.
const ROWS: [(usize, &str); 3] = [(12, "++-+++---+-"), (20, "++--++++-+-+----++-"), (24, "+++++-+-++--++--+-+----")];

/// The run counts there are designs for, smallest first.
pub fn sizes() -> impl Iterator<Item = usize> {
    ROWS.iter().map(|(n, _)| *n)
}

/// The design of `n` runs for `k ≤ n − 1` factors: each run's factor levels (`true` = high),
/// the all-low run first. `None` when there is no design of `n` runs or it has too few columns.
pub fn runs(n: usize, k: usize) -> Option<Vec<Vec<bool>>> {
    let (_, row) = ROWS.iter().find(|(m, _)| *m == n)?;
    if k >= n {
        return None;
    }
    let row: Vec<bool> = row.chars().map(|c| c == '+').collect();
    let mut runs = vec![vec![false; k]];
    runs.extend((0..n - 1).map(|shift| (0..k).map(|j| row[(j + n - 1 - shift) % (n - 1)]).collect()));
    Some(runs)
}
