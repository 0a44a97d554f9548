//! results.json, the public contract (schema 1).

use anyhow::{Context, Result};

use crate::results::Run;

pub fn serialize(run: &Run) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(run).context("cannot serialize results")?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::export::fixture;

    /// A saved results.json reads back and writes out the same document. Fields added to the
    /// schema since the capture (with their defaults) may appear; nothing saved may change.
    #[test]
    fn round_trip() {
        let out = serialize(&fixture::run()).unwrap();
        let again: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let saved: serde_json::Value = serde_json::from_str(fixture::TEXT).unwrap();
        contains(&again, &saved, "$");
        assert_eq!(serialize(&serde_json::from_slice(&out).unwrap()).unwrap(), out, "a second trip is exact");
    }

    fn contains(got: &serde_json::Value, want: &serde_json::Value, at: &str) {
        use serde_json::Value;
        match (got, want) {
            (Value::Object(g), Value::Object(w)) => {
                for (k, v) in w {
                    let Some(gv) = g.get(k) else { panic!("{at}.{k} is lost") };
                    contains(gv, v, &format!("{at}.{k}"));
                }
            }
            (Value::Array(g), Value::Array(w)) => {
                assert_eq!(g.len(), w.len(), "{at}: length");
                for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                    contains(gv, wv, &format!("{at}[{i}]"));
                }
            }
            _ => assert_eq!(got, want, "{at}"),
        }
    }
}
