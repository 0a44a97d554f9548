//! The standard normal distribution, for the large-sample approximations of the rank tests.

use std::f64::consts::SQRT_2;

/// Upper tail of the standard normal distribution, P(Z > z), accurate to a few ulps in the
/// tails too (libm's erfc, a port of FreeBSD's), where a rank test's small p-values live.
pub(crate) fn normal_sf(z: f64) -> f64 {
    0.5 * libm::erfc(z / SQRT_2)
}

/// Lower tail of the standard normal distribution, P(Z ≤ z).
pub(crate) fn normal_cdf(z: f64) -> f64 {
    normal_sf(-z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_tails_match_scipy() {
        // scipy.stats.norm.sf / .cdf (benches/stats_reference.py prints them).
        assert_eq!(normal_sf(0.0), 0.5);
        assert!((normal_sf(1.959_963_984_540_054) - 0.025).abs() < 1e-15);
        assert!((normal_sf(5.0) / 2.866_515_718_791_933e-7 - 1.0).abs() < 1e-12);
        assert!((normal_cdf(-8.0) / 6.220_960_574_271_74e-16 - 1.0).abs() < 1e-12);
    }
}
