//! The build flags of one configuration, and how they become `go build` argv and env.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `-buildmode` values that produce a program gostart can start and time.
pub const RUNNABLE_BUILDMODES: &[&str] = &["default", "exe", "pie"];

/// Everything that distinguishes one configuration from another.
///
/// The default value is a plain `go build` with the inherited environment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Flags {
    pub ldflags: String,
    pub gcflags: String,
    pub asmflags: String,
    pub trimpath: bool,
    pub buildmode: String,
    pub tags: Vec<String>,
    /// `auto` (go's default: use `default.pgo` in the main package if present), `off`, or a profile path.
    pub pgo: String,
    /// Build environment overrides (GOAMD64, CGO_ENABLED, GOEXPERIMENT, GOTOOLCHAIN...).
    pub env: BTreeMap<String, String>,
    /// Runtime environment for the probe runs only (GOGC, GOMAXPROCS...): never rebuilds.
    pub runenv: BTreeMap<String, String>,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            ldflags: String::new(),
            gcflags: String::new(),
            asmflags: String::new(),
            trimpath: false,
            buildmode: "exe".into(),
            tags: Vec::new(),
            pgo: "auto".into(),
            env: BTreeMap::new(),
            runenv: BTreeMap::new(),
        }
    }
}

impl Flags {
    /// The `go build` flags (between `-o FILE` and the package), in a fixed order.
    pub fn build_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if !self.ldflags.is_empty() {
            args.push(format!("-ldflags={}", self.ldflags));
        }
        if !self.gcflags.is_empty() {
            args.push(format!("-gcflags={}", self.gcflags));
        }
        if !self.asmflags.is_empty() {
            args.push(format!("-asmflags={}", self.asmflags));
        }
        if self.trimpath {
            args.push("-trimpath".into());
        }
        if self.buildmode != "exe" {
            args.push(format!("-buildmode={}", self.buildmode));
        }
        if !self.tags.is_empty() {
            args.push(format!("-tags={}", self.tags.join(",")));
        }
        if self.pgo != "auto" {
            args.push(format!("-pgo={}", self.pgo));
        }
        args
    }

    /// The part of the flags that decides the binary: configs equal here share one build.
    pub fn build_part(&self) -> Flags {
        Flags { runenv: BTreeMap::new(), ..self.clone() }
    }

    /// The part of the flags that decides what the compiler does (not the linker, not the run):
    /// configs equal here share one escape report.
    pub fn compile_part(&self) -> Flags {
        Flags { ldflags: String::new(), runenv: BTreeMap::new(), ..self.clone() }
    }

    /// Id of the compile configuration (ignores `ldflags` and `runenv`).
    pub fn compile_id(&self) -> String {
        short_hash(&self.compile_part())
    }

    /// Readable name made of the values that differ from a plain `go build`,
    /// e.g. `ldflags=-s -w,trimpath,GOAMD64=v3`; `default` when none do.
    pub fn name(&self) -> String {
        let base = Flags::default();
        let mut parts = Vec::new();
        for (key, value, base_value) in [
            ("ldflags", &self.ldflags, &base.ldflags),
            ("gcflags", &self.gcflags, &base.gcflags),
            ("asmflags", &self.asmflags, &base.asmflags),
        ] {
            if value != base_value {
                parts.push(format!("{key}={value}"));
            }
        }
        if self.trimpath {
            parts.push("trimpath".into());
        }
        if self.buildmode != base.buildmode {
            parts.push(format!("buildmode={}", self.buildmode));
        }
        if !self.tags.is_empty() {
            parts.push(format!("tags={}", self.tags.join("+")));
        }
        if self.pgo != base.pgo {
            parts.push(format!("pgo={}", self.pgo));
        }
        parts.extend(self.env.iter().map(|(k, v)| format!("{k}={v}")));
        parts.extend(self.runenv.iter().map(|(k, v)| format!("{k}={v}")));
        if parts.is_empty() { "default".into() } else { parts.join(",") }
    }

    /// Short content hash: stable across runs and machines for the same flags.
    pub fn id(&self) -> String {
        short_hash(self)
    }

    /// Id of the binary these flags build (ignores `runenv`).
    pub fn build_id(&self) -> String {
        short_hash(&self.build_part())
    }
}

fn short_hash(flags: &Flags) -> String {
    use sha2::{Digest, Sha256};
    // Serializing a struct of Strings and BTreeMaps cannot fail; fall back to Debug regardless.
    let canonical = serde_json::to_vec(flags).unwrap_or_else(|_| format!("{flags:?}").into_bytes());
    let digest = Sha256::digest(&canonical);
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_plain_go_build() {
        let f = Flags::default();
        assert!(f.build_args().is_empty());
        assert_eq!(f.name(), "default");
    }

    #[test]
    fn name_and_args_follow_the_differences() {
        let mut f = Flags {
            ldflags: "-s -w".into(),
            trimpath: true,
            buildmode: "pie".into(),
            tags: vec!["netgo".into(), "osusergo".into()],
            ..Flags::default()
        };
        f.env.insert("GOAMD64".into(), "v3".into());
        f.runenv.insert("GOGC".into(), "off".into());
        assert_eq!(f.name(), "ldflags=-s -w,trimpath,buildmode=pie,tags=netgo+osusergo,GOAMD64=v3,GOGC=off");
        assert_eq!(f.build_args(), ["-ldflags=-s -w", "-trimpath", "-buildmode=pie", "-tags=netgo,osusergo"]);
    }

    #[test]
    fn runenv_changes_the_id_but_not_the_build() {
        let a = Flags::default();
        let mut b = Flags::default();
        b.runenv.insert("GOGC".into(), "off".into());
        assert_ne!(a.id(), b.id());
        assert_eq!(a.build_id(), b.build_id());
        assert_eq!(a.id().len(), 8);
    }
}
