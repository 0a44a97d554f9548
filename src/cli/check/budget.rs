//! `--budget size=+1%,startup=+2%,escapes=+5`: how much worse than the base each figure may
//! get, and the verdict of one figure against its budget.

use anyhow::{Result, bail};
use serde::Serialize;

/// What `check` allows when no `--budget` is given.
pub const DEFAULT: &str = "size=+1%,startup=+2%";

/// The budget of each figure; `None`: not checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Budget {
    /// Largest growth of the binary, a fraction (0.01 = +1%); exact.
    pub size: Option<f64>,
    /// Largest start-up slowdown, a fraction; over budget only when the 95% interval's lower end is above it.
    pub startup: Option<f64>,
    /// Largest peak-RSS growth, a fraction; judged as start-up is.
    pub max_rss: Option<f64>,
    /// Most heap allocation sites added; exact.
    pub escapes: Option<u64>,
}

/// A figure against its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Within,
    Exceeded,
    /// The interval straddles the budget after the most rounds allowed.
    Unresolved,
    /// Not measured (`--against`: start-up is not compared).
    NotCompared,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Within => "ok",
            Verdict::Exceeded => "OVER BUDGET",
            Verdict::Unresolved => "unresolved",
            Verdict::NotCompared => "not compared",
        }
    }
}

impl std::str::FromStr for Budget {
    type Err = anyhow::Error;
    fn from_str(text: &str) -> Result<Budget> {
        parse(text)
    }
}

/// Parses `size=+1%,startup=+2%,escapes=+5,max_rss=+3%`; an error names the bad item.
pub fn parse(text: &str) -> Result<Budget> {
    let mut b = Budget::default();
    if text.trim().is_empty() {
        bail!("--budget is empty; write e.g. --budget {DEFAULT}");
    }
    for item in text.split(',') {
        let item = item.trim();
        let Some((key, value)) = item.split_once('=') else {
            bail!("--budget item `{item}` is not FIGURE=+N% (e.g. startup=+2%, escapes=+5)");
        };
        let (key, value) = (key.trim(), value.trim());
        let seen = match key {
            "size" => b.size.replace(percent(item, value)?).is_some(),
            "startup" => b.startup.replace(percent(item, value)?).is_some(),
            "max_rss" => b.max_rss.replace(percent(item, value)?).is_some(),
            "escapes" => b.escapes.replace(count(item, value)?).is_some(),
            _ => {
                bail!("--budget item `{item}`: unknown figure `{key}`; the figures are size, startup, max_rss, escapes")
            }
        };
        if seen {
            bail!("--budget item `{item}`: {key} is given twice");
        }
    }
    Ok(b)
}

/// `+1%`, `1%`, `+0.5%` → 0.01, 0.01, 0.005.
fn percent(item: &str, value: &str) -> Result<f64> {
    let number = value.strip_prefix('+').unwrap_or(value);
    let Some(number) = number.strip_suffix('%') else {
        bail!("--budget item `{item}`: `{value}` is not a percentage; write e.g. +2%");
    };
    match number.parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 0.0 => Ok(p / 100.0),
        _ => bail!("--budget item `{item}`: `{value}` is not a percentage of 0% or more; write e.g. +2%"),
    }
}

/// `+5`, `5` → 5 (heap sites added).
fn count(item: &str, value: &str) -> Result<u64> {
    let number = value.strip_prefix('+').unwrap_or(value);
    number.parse::<u64>().map_err(|_| {
        anyhow::anyhow!("--budget item `{item}`: `{value}` is not a count of sites; write e.g. escapes=+5")
    })
}

/// An exact ratio against `1 + allowed`.
pub fn exact(ratio: f64, allowed: f64) -> Verdict {
    // A hair of tolerance for the float: +1% of 1000 bytes is 1010 bytes, within budget.
    if ratio > 1.0 + allowed + 1e-12 { Verdict::Exceeded } else { Verdict::Within }
}

/// A measured ratio's 95% interval against `1 + allowed`: over budget only when even its lower
/// end is above; within when its upper end is not; unresolved between.
pub fn interval(ci95: [f64; 2], allowed: f64) -> Verdict {
    let limit = 1.0 + allowed;
    if ci95[0] > limit {
        Verdict::Exceeded
    } else if ci95[1] <= limit {
        Verdict::Within
    } else {
        Verdict::Unresolved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_parse_strictly() {
        let b = parse("size=+1%,startup=+2%,escapes=+5,max_rss=3%").unwrap();
        assert_eq!(b, Budget { size: Some(0.01), startup: Some(0.02), max_rss: Some(0.03), escapes: Some(5) });
        assert_eq!(parse(DEFAULT).unwrap().escapes, None);
        let err = |t: &str| parse(t).unwrap_err().to_string();
        assert!(err("size=+1").contains("`size=+1`"), "{}", err("size=+1"));
        assert!(err("speed=+1%").contains("unknown figure `speed`"));
        assert!(err("escapes=+1.5").contains("`escapes=+1.5`"));
        assert!(err("size=+1%,size=+2%").contains("given twice"));
        assert!(err("size=-1%").contains("0% or more"));
        assert!(err("startup").contains("not FIGURE=+N%"));
    }

    #[test]
    fn the_interval_decides_only_when_it_clears_the_budget() {
        assert_eq!(interval([1.03, 1.2], 0.02), Verdict::Exceeded);
        assert_eq!(interval([0.98, 1.01], 0.02), Verdict::Within);
        assert_eq!(interval([1.0, 1.05], 0.02), Verdict::Unresolved);
        assert_eq!(exact(1.01, 0.01), Verdict::Within);
        assert_eq!(exact(1.0101, 0.01), Verdict::Exceeded);
    }
}
