//! The build flags of one configuration, and how they become `go build` argv and env.

pub mod name;
pub mod quoted;

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
    /// How many settings differ from a plain `go build` (each tool's flags, trimpath, buildmode,
    /// tags, pgo, and each build or run environment variable count one): the verdict prefers
    /// fewer among configurations within noise of each other.
    pub fn changes(&self) -> usize {
        let plain = Flags::default();
        [
            !self.ldflags.trim().is_empty(),
            !self.gcflags.trim().is_empty(),
            !self.asmflags.trim().is_empty(),
            self.trimpath != plain.trimpath,
            self.buildmode != plain.buildmode,
            !self.tags.is_empty(),
            self.pgo != plain.pgo,
        ]
        .into_iter()
        .filter(|&changed| changed)
        .count()
            + self.env.len()
            + self.runenv.len()
    }

    /// The flags as gostart.toml's loader reads them: flag values in their normal form
    /// (`quoted::normalize`), so a value from elsewhere compares with one read back.
    pub fn normalized(&self) -> Flags {
        Flags {
            ldflags: quoted::normalize(&self.ldflags),
            gcflags: quoted::normalize(&self.gcflags),
            asmflags: quoted::normalize(&self.asmflags),
            ..self.clone()
        }
    }

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

    /// The part of the flags that decides what the compiler does (not the linker, not the run;
    /// not `-trimpath` either, which renames files and changes no decision): configs equal
    /// here share one escape report.
    pub fn compile_part(&self) -> Flags {
        Flags { ldflags: String::new(), trimpath: false, runenv: BTreeMap::new(), ..self.clone() }
    }

    /// Id of the compile configuration (ignores `ldflags`, `-trimpath` and `runenv`). 16 hex digits (64
    /// bits), not 8: these ids are never compared within a matrix to be lengthened on a
    /// collision, so they are long enough that two compile configurations of one run sharing
    /// an id (and an escape report) is out of reach (about 1 in 10^12 at 10,000 configurations).
    pub fn compile_id(&self) -> String {
        self.compile_part().digest()[..16].to_owned()
    }

    /// Readable name made of the values that differ from a plain `go build`, e.g.
    /// `ldflags="-s -w",trimpath,GOAMD64=v3`; `default` when none do. The name of a
    /// configuration within a matrix comes from [`name::Namer`], which also knows the others.
    pub fn name(&self) -> String {
        name::Namer::default().name(self)
    }

    /// Short content hash: stable across runs and machines for the same flags. Within one
    /// matrix, `matrix::expand` lengthens the ids that collide.
    pub fn id(&self) -> String {
        self.digest()[..SHORT_ID].to_owned()
    }

    /// Id of the binary these flags build (ignores `runenv`).
    pub fn build_id(&self) -> String {
        self.build_part().digest()[..SHORT_ID].to_owned()
    }

    /// The SHA-256 of the flags' canonical JSON, in hex: ids are its prefixes.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        // Serializing a struct of Strings and BTreeMaps cannot fail; fall back to Debug regardless.
        let canonical = serde_json::to_vec(self).unwrap_or_else(|_| format!("{self:?}").into_bytes());
        Sha256::digest(&canonical).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Hex digits of a config or build id when no other id of the matrix shares them.
pub const SHORT_ID: usize = 8;

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
        assert_eq!(f.name(), r#"ldflags="-s -w",trimpath,buildmode=pie,tags=netgo+osusergo,GOAMD64=v3,GOGC=off"#);
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
        assert_eq!(a.compile_id().len(), 16);
        // The ids are prefixes of the digest (the 8-hex ids of earlier runs stay the same).
        assert_eq!(a.id(), "efcaa24e");
        assert!(a.digest().starts_with(&a.id()) && a.digest().len() == 64);
    }
}
