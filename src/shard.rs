//! `tune --shard K/N`: one of N stable parts of a matrix, so that N machines (CI runners) tune
//! it together. Every shard measures the baseline too, in each of its rounds: ratios are taken
//! within a shard, and only ratios cross shards (`gostart merge`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::matrix::ConfigSpec;

/// The most shards a matrix may be split into.
pub const MAX_SHARDS: u32 = 256;

/// Shard `index` of `count` (1-based, as `--shard 2/4` writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let usage =
            || format!("`{s}` is not a shard: write K/N, shard K of N, with 1 ≤ K ≤ N ≤ {MAX_SHARDS} (e.g. 2/4)");
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let (index, count) =
            (k.trim().parse::<u32>().map_err(|_| usage())?, n.trim().parse::<u32>().map_err(|_| usage())?);
        if index == 0 || index > count || count > MAX_SHARDS {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

/// The configurations of `configs` in `shard`, in their order: the baseline, and every config
/// whose id is at position i (in ascending id order, the baseline left out) with i mod N = K − 1.
/// Ids are digests of the flags, so the partition is the same on every machine.
pub fn select(configs: &[ConfigSpec], baseline: &str, shard: Shard) -> Vec<ConfigSpec> {
    let mut ids: Vec<&str> = configs.iter().filter(|c| c.name != baseline).map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    let mine: Vec<&str> =
        ids.iter().enumerate().filter(|(i, _)| *i as u32 % shard.count == shard.index - 1).map(|(_, id)| *id).collect();
    configs.iter().filter(|c| c.name == baseline || mine.contains(&c.id.as_str())).cloned().collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::flags::Flags;

    fn configs(n: usize) -> Vec<ConfigSpec> {
        (0..n)
            .map(|i| {
                let mut f = Flags::default();
                if i > 0 {
                    f.runenv.insert("N".into(), i.to_string());
                }
                ConfigSpec::new(f)
            })
            .collect()
    }

    #[test]
    fn shards_partition_the_configs_and_each_has_the_baseline() {
        let all = configs(11);
        let base = all[0].name.clone();
        let mut seen = Vec::new();
        for k in 1..=3 {
            let part = select(&all, &base, Shard { index: k, count: 3 });
            assert_eq!(part[0].name, base);
            assert!((3..=5).contains(&part.len()), "{}", part.len());
            seen.extend(part.into_iter().filter(|c| c.name != base).map(|c| c.id));
        }
        seen.sort();
        let mut ids: Vec<String> = all[1..].iter().map(|c| c.id.clone()).collect();
        ids.sort();
        assert_eq!(seen, ids);
        // The same partition whatever the order the matrix lists them in.
        let mut reversed = all.clone();
        reversed.reverse();
        let a: Vec<String> = select(&all, &base, Shard { index: 2, count: 3 }).into_iter().map(|c| c.id).collect();
        let mut b: Vec<String> =
            select(&reversed, &base, Shard { index: 2, count: 3 }).into_iter().map(|c| c.id).collect();
        b.reverse();
        assert_eq!(a.len(), b.len());
        assert!(a.iter().all(|id| b.contains(id)));
    }

    #[test]
    fn a_shard_is_k_of_n() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", "1/257", "-1/2"] {
            assert!(bad.parse::<Shard>().unwrap_err().contains("write K/N"), "{bad}");
        }
    }
}
