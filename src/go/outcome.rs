//! The outcome of one `go build`: how it ended (a typed status), how long it took, and go's
//! message when it did not succeed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a build ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildStatus {
    Ok,
    /// go said no (a compile error, a bad flag), or the binary's recorded settings are not the
    /// configuration's.
    #[default]
    Failed,
    /// Stopped at `[measure] build_timeout`.
    TimedOut,
    /// Stopped (or never started) because gostart was interrupted: not the configuration's fault.
    Interrupted,
    /// Not attempted: the toolchain is too old for a setting.
    Unsupported,
}

/// The outcome of one `go build`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "Stored")]
pub struct BuildOutcome {
    /// `status == ok` (schema 1 had only this).
    pub ok: bool,
    pub status: BuildStatus,
    pub wall_ns: u64,
    /// go's message, or why the build did not finish, when it did not succeed.
    pub error: Option<String>,
    /// The build settings go recorded in the binary (`go version -m`), checked against the flags.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// The Go version the binary records (`go version -m`), beside `settings`; `null` without
    /// a binary (and in results written before it was kept).
    #[serde(default)]
    pub go_version: Option<String>,
}

impl BuildOutcome {
    pub fn succeeded(wall_ns: u64) -> Self {
        BuildOutcome {
            ok: true,
            status: BuildStatus::Ok,
            wall_ns,
            error: None,
            settings: BTreeMap::new(),
            go_version: None,
        }
    }

    /// A build that did not succeed, and why. (`status` is not `Ok`.)
    pub fn not_built(status: BuildStatus, wall_ns: u64, why: String) -> Self {
        BuildOutcome { ok: false, status, wall_ns, error: Some(why), settings: BTreeMap::new(), go_version: None }
    }
}

/// `BuildOutcome` as results.json holds it: files written before `status` existed have only
/// `ok` (and an `unsupported: ...` error for a setting the toolchain lacked). `ok` is recomputed
/// from the status, so the two never disagree.
#[derive(Deserialize)]
struct Stored {
    ok: bool,
    #[serde(default)]
    status: Option<BuildStatus>,
    wall_ns: u64,
    error: Option<String>,
    #[serde(default)]
    settings: BTreeMap<String, String>,
    #[serde(default)]
    go_version: Option<String>,
}

impl From<Stored> for BuildOutcome {
    fn from(s: Stored) -> Self {
        let status = s.status.unwrap_or(match (s.ok, &s.error) {
            (true, _) => BuildStatus::Ok,
            (false, Some(e)) if e.starts_with("unsupported:") => BuildStatus::Unsupported,
            (false, _) => BuildStatus::Failed,
        });
        BuildOutcome {
            ok: status == BuildStatus::Ok,
            status,
            wall_ns: s.wall_ns,
            error: s.error,
            settings: s.settings,
            go_version: s.go_version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_is_written_beside_ok_and_read_back() {
        let timed_out = BuildOutcome::not_built(BuildStatus::TimedOut, 5, "did not finish".into());
        let json = serde_json::to_value(&timed_out).unwrap();
        assert_eq!(json["status"], "timed_out");
        assert_eq!(json["ok"], false);
        let back: BuildOutcome = serde_json::from_value(json).unwrap();
        assert_eq!(back.status, BuildStatus::TimedOut);
        assert_eq!(serde_json::to_value(BuildOutcome::succeeded(1)).unwrap()["status"], "ok");
    }

    #[test]
    fn a_file_from_before_status_reads_as_before() {
        let read = |text: &str| serde_json::from_str::<BuildOutcome>(text).unwrap();
        assert_eq!(read(r#"{"ok": true, "wall_ns": 1, "error": null}"#).status, BuildStatus::Ok);
        assert_eq!(read(r#"{"ok": false, "wall_ns": 1, "error": "undefined: x"}"#).status, BuildStatus::Failed);
        let old = read(r#"{"ok": false, "wall_ns": 0, "error": "unsupported: -pgo needs Go 1.21"}"#);
        assert_eq!(old.status, BuildStatus::Unsupported);
        // A file that contradicts itself: the status decides, `ok` follows.
        let crafted = read(r#"{"ok": true, "status": "interrupted", "wall_ns": 0, "error": null}"#);
        assert!(!crafted.ok);
    }
}
