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

    /// A screened run's `search` and `effects` as the README documents them, and back.
    #[test]
    fn search_and_effects_are_in_results_json() {
        let run = fixture::screened();
        let out = serialize(&run).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let search = &json["search"];
        for key in [
            "requested",
            "strategy",
            "why",
            "max_builds",
            "matrix_configs",
            "matrix_builds",
            "builds",
            "axes",
            "design",
            "design_runs",
            "prediction",
            "confirmed",
        ] {
            assert!(search.get(key).is_some(), "search.{key}");
        }
        assert_eq!(search["requested"], "auto");
        assert_eq!(search["strategy"], "screen");
        assert_eq!(
            search["axes"][4],
            serde_json::json!({"key": "env.GOAMD64", "values": ["v1", "v2", "v3"], "reference": 0})
        );
        let design = &search["design"];
        assert_eq!(design["kind"], "fractional");
        assert_eq!(design["resolution"], 4);
        assert_eq!(design["factors"][5], serde_json::json!({"label": "F", "axis": 4, "bit": 1}));
        for key in ["runs", "coding", "generators", "aliases", "points"] {
            assert!(design.get(key).is_some(), "design.{key}");
        }
        let runs = search["design_runs"].as_array().unwrap();
        assert_eq!(runs.len(), 16);
        for key in ["name", "id", "levels", "substituted", "ratios", "rounds", "dropped", "failure"] {
            assert!(runs[0].get(key).is_some(), "design_runs[].{key}");
        }
        assert_eq!(runs[5]["substituted"], true);
        assert_eq!(runs[9]["ratios"], serde_json::Value::Null);
        let best = &search["prediction"]["best"];
        assert_eq!(best["figures"]["startup"], serde_json::json!([0.905, 0.87, 0.94]));
        for key in ["name", "id", "levels", "score"] {
            assert!(best.get(key).is_some(), "prediction.best.{key}");
        }
        assert_eq!(search["prediction"]["alternatives"].as_array().unwrap().len(), 4);
        assert_eq!(search["prediction"]["guarded"], 16);
        assert_eq!(
            json["effects"][8],
            serde_json::json!({"axis": "buildmode", "value": "pie", "reference": "exe", "figure": "startup",
                "ratio": 1.06, "ci95": [1.03, 1.09], "noise": false})
        );
        let again: Run = serde_json::from_slice(&out).unwrap();
        assert_eq!(again.effects, run.effects);
        assert_eq!(serialize(&again).unwrap(), out);
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
