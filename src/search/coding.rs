//! How an axis of more than two values becomes two-level factors (pseudo-factors).
//!
//! An axis of `m > 2` values is coded by `q = ⌈log₂ m⌉` two-level factors whose levels are the
//! bits of a code: code 0 is the axis's reference value (so a run with every factor low is the
//! baseline's combination), codes 1..m−1 the other values in their order. The `2^q − m` codes
//! past the last value fold onto the values that are not the reference, in order (code `m` is
//! the first of them, code `m + 1` the second...): the reference is measured by the baseline
//! run anyway, and spreading the spare codes one each keeps any value from taking more than
//! two of them. A two-valued axis is one factor (low = the reference); a one-valued axis is
//! constant and has none.

use serde::{Deserialize, Serialize};

/// How many two-level factors code an axis of `m` values: 0 for a constant axis, 1 for two
/// values, ⌈log₂ m⌉ above.
pub fn pseudo_factors(m: usize) -> u32 {
    if m <= 1 { 0 } else { usize::BITS - (m - 1).leading_zeros() }
}

/// The value index that `code` builds on an axis of `m` values whose reference is `reference`.
pub fn value(code: u32, m: usize, reference: u32) -> u32 {
    if code == 0 || m < 2 {
        return reference;
    }
    let others = m as u32 - 1;
    // Codes past the last value fold onto the non-reference values, one each, in order.
    let nth = if code <= others { code } else { 1 + (code - m as u32) % others };
    // The nth value that is not the reference.
    if nth - 1 < reference { nth - 1 } else { nth }
}

/// The code of `value` on an axis whose reference is `reference` (the smallest code building it).
pub fn code(value: u32, reference: u32) -> u32 {
    match value.cmp(&reference) {
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Less => value + 1,
        std::cmp::Ordering::Greater => value,
    }
}

/// How one axis of more than two values is coded by two-level factors (results.json
/// `search.design.coding[]`); the exporters put it in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    /// Index of the axis in `search.axes`.
    pub axis: usize,
    /// How many values the axis has.
    pub values: usize,
    /// The factors that code it, bit 0 first; none in a full factorial, which runs each value
    /// in every combination of the others.
    pub factors: Vec<String>,
    /// The value index each code builds: code `c` sets factor `b` high when bit `b` of `c` is
    /// 1. Code 0 is the reference; codes from `values` on fold onto values already built.
    pub codes: Vec<u32>,
}

impl Coding {
    /// Axis `axis` (`m` values, reference `reference`) coded by the factors `labels`, bit 0 first.
    pub fn new(axis: usize, m: usize, reference: u32, labels: &[String]) -> Coding {
        let codes = if labels.is_empty() { 0 } else { 1u32 << labels.len() };
        Coding {
            axis,
            values: m,
            factors: labels.to_vec(),
            codes: (0..codes).map(|c| value(c, m, reference)).collect(),
        }
    }
}

/// `search.design.coding` as saved: the typed records; a run saved when they were lines of
/// text keeps none (its design's factors still say which axis each codes).
pub fn typed_only<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Coding>, D::Error> {
    let saved: Vec<serde_json::Value> = Deserialize::deserialize(d)?;
    Ok(saved.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_per_axis() {
        let q: Vec<u32> = [1, 2, 3, 4, 5, 8, 9, 16, 17].iter().map(|&m| pseudo_factors(m)).collect();
        assert_eq!(q, [0, 1, 2, 2, 3, 3, 4, 4, 5]);
    }

    #[test]
    fn code_zero_is_the_reference_and_the_others_follow_in_order() {
        // 4 values, reference 2: codes 1, 2, 3 are values 0, 1, 3.
        let v: Vec<u32> = (0..4).map(|c| value(c, 4, 2)).collect();
        assert_eq!(v, [2, 0, 1, 3]);
        for (c, &x) in v.iter().enumerate() {
            assert_eq!(code(x, 2), c as u32);
        }
    }

    #[test]
    fn spare_codes_fold_onto_the_non_reference_values_in_order() {
        // 3 values, reference 0: code 3 builds value 1 (the first non-reference value).
        let v: Vec<u32> = (0..4).map(|c| value(c, 3, 0)).collect();
        assert_eq!(v, [0, 1, 2, 1]);
        // 3 values, reference 1: code 3 builds value 0.
        let v: Vec<u32> = (0..4).map(|c| value(c, 3, 1)).collect();
        assert_eq!(v, [1, 0, 2, 0]);
        // 5 values, reference 0: codes 5, 6, 7 build values 1, 2, 3; no value has 3 codes.
        let v: Vec<u32> = (0..8).map(|c| value(c, 5, 0)).collect();
        assert_eq!(v, [0, 1, 2, 3, 4, 1, 2, 3]);
        // 6 values, reference 5.
        let v: Vec<u32> = (0..8).map(|c| value(c, 6, 5)).collect();
        assert_eq!(v, [5, 0, 1, 2, 3, 4, 0, 1]);
    }

    #[test]
    fn two_values_are_the_reference_and_the_other() {
        assert_eq!((value(0, 2, 1), value(1, 2, 1)), (1, 0));
        assert_eq!((value(0, 2, 0), value(1, 2, 0)), (0, 1));
    }

    #[test]
    fn a_coding_records_the_value_each_code_builds() {
        let c = Coding::new(2, 3, 1, &["C".into(), "D".into()]);
        assert_eq!((c.axis, c.values, c.factors.as_slice()), (2, 3, ["C".to_owned(), "D".to_owned()].as_slice()));
        assert_eq!(c.codes, [1, 0, 2, 0], "code 3 folds onto the first value that is not the reference");
        // A full factorial codes nothing: each value is run in every combination.
        assert!(Coding::new(0, 3, 0, &[]).codes.is_empty());
    }

    #[test]
    fn runs_saved_with_coding_lines_read_without_them() {
        #[derive(Deserialize)]
        struct Saved {
            #[serde(deserialize_with = "typed_only")]
            coding: Vec<Coding>,
        }
        let typed = serde_json::to_value(Coding::new(1, 3, 0, &["B".into(), "C".into()])).unwrap();
        let saved = serde_json::json!({"coding": ["axes[1], 3 values, coded by B, C: ...", typed]});
        let read: Saved = serde_json::from_value(saved).unwrap();
        assert_eq!(read.coding, [Coding::new(1, 3, 0, &["B".into(), "C".into()])]);
    }
}
