//! Ids that stay short and never collide: a digest's first 8 hex digits, more where two
//! different digests share them.

use std::collections::BTreeMap;

use crate::flags::SHORT_ID;

/// For each digest (hex, all the same length), its shortest prefix of at least [`SHORT_ID`]
/// digits that no different digest of `digests` shares. Equal digests get equal ids; only the
/// ids involved in a collision grow (two digits at a time), so the others stay as they always were.
pub fn unique_prefixes(digests: &[String]) -> Vec<String> {
    let mut len: Vec<usize> = digests.iter().map(|d| SHORT_ID.min(d.len())).collect();
    loop {
        let mut by_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, d) in digests.iter().enumerate() {
            by_id.entry(&d[..len[i]]).or_default().push(i);
        }
        let mut grew = false;
        for members in by_id.values() {
            let first = &digests[members[0]];
            if members.iter().any(|&i| digests[i] != *first) {
                for &i in members {
                    // Different digests of equal length differ before their end, so this stops.
                    len[i] = (len[i] + 2).min(digests[i].len());
                }
                grew = true;
            }
        }
        if !grew {
            return digests.iter().zip(len).map(|(d, l)| d[..l].to_owned()).collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_colliding_ids_grow_until_they_differ() {
        let d = |s: &str| s.to_owned();
        let digests = [d("aaaaaaaa11111111"), d("aaaaaaaa11112222"), d("bbbbbbbb00000000"), d("aaaaaaaa11111111")];
        assert_eq!(unique_prefixes(&digests), ["aaaaaaaa111111", "aaaaaaaa111122", "bbbbbbbb", "aaaaaaaa111111"]);
        assert_eq!(unique_prefixes(&[]), Vec::<String>::new());
    }
}
