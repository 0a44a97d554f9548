//! Holm's step-down correction for testing several hypotheses at once.

/// Which of the hypotheses with p-values `p` Holm's step-down procedure rejects at family-wise
/// error `alpha`: sorted ascending, the i-th smallest (i from 0) is rejected while
/// p₍ᵢ₎ ≤ alpha / (m − i), and from the first that is not, none of the rest. The answer is
/// in `p`'s order. A NaN p-value is never rejected (it sorts last).
pub fn holm(p: &[f64], alpha: f64) -> Vec<bool> {
    let m = p.len();
    let key = |i: usize| if p[i].is_nan() { f64::INFINITY } else { p[i] };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
    let mut rejected = vec![false; m];
    for (i, &k) in order.iter().enumerate() {
        if p[k].is_nan() || p[k] > alpha / (m - i) as f64 {
            break;
        }
        rejected[k] = true;
    }
    rejected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_down_until_the_first_acceptance() {
        // Thresholds 0.05/4, 0.05/3, 0.05/2, 0.05/1 = 0.0125, 0.0167, 0.025, 0.05.
        assert_eq!(holm(&[0.01, 0.04, 0.015, 0.03], 0.05), vec![true, false, true, false]);
        // The smallest fails its 0.05 / 3: nothing is rejected, though 0.02 passes 0.05 / 2.
        assert_eq!(holm(&[0.02, 0.018, 0.9], 0.05), vec![false, false, false]);
        // Every one passes; the last compares with alpha itself.
        assert_eq!(holm(&[0.05, 0.001, 0.02], 0.05), vec![true, true, true]);
    }

    #[test]
    fn edge_cases() {
        assert!(holm(&[], 0.05).is_empty());
        assert_eq!(holm(&[0.05], 0.05), vec![true]);
        assert_eq!(holm(&[0.0500001], 0.05), vec![false]);
        // Equal p-values are rejected together.
        assert_eq!(holm(&[0.02, 0.02], 0.05), vec![true, true]);
        // A NaN is never rejected and does not block the others.
        assert_eq!(holm(&[f64::NAN, 0.001], 0.05), vec![false, true]);
        assert_eq!(holm(&[-f64::NAN, 0.001], 0.05), vec![false, true]);
    }
}
