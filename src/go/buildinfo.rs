//! Provenance: the build settings Go records in every binary (`go version -m`), checked against
//! the flags gostart meant to build with — so a GOFLAGS in someone's environment, or a flag go
//! ignored, cannot pass unnoticed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::flags::Flags;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BuildInfo {
    pub go_version: String,
    /// `-ldflags` → `-s -w`, `CGO_ENABLED` → `0`, ... (values unquoted).
    pub settings: BTreeMap<String, String>,
}

/// Parses `go version -m BINARY` output; `None` when it does not start as go's does, with
/// `BINARY: goVERSION` (or `devel ...` for a toolchain built from source).
pub fn parse(text: &str) -> Option<BuildInfo> {
    let mut info = BuildInfo::default();
    let mut lines = text.lines();
    let version = lines.next()?.rsplit_once(": ")?.1.trim();
    if !version.starts_with("go") && !version.starts_with("devel") {
        return None;
    }
    info.go_version = version.to_owned();
    for line in lines {
        let mut fields = line.trim_start().splitn(2, '\t');
        if fields.next() != Some("build") {
            continue;
        }
        let Some((key, value)) = fields.next().and_then(|kv| kv.split_once('=')) else { continue };
        // Go quotes values with spaces or special characters (strconv.Quote).
        let value = if value.starts_with('"') {
            serde_json::from_str::<String>(value).unwrap_or_else(|_| value.trim_matches('"').to_owned())
        } else {
            value.to_owned()
        };
        info.settings.insert(key.to_owned(), value);
    }
    Some(info)
}

/// Where the binary's recorded settings contradict `flags`; empty when they agree.
pub fn mismatches(flags: &Flags, info: &BuildInfo) -> Vec<String> {
    let got = |k: &str| info.settings.get(k).map(String::as_str).unwrap_or("");
    let mut out = Vec::new();
    let mut expect = |key: &str, want: &str| {
        if got(key) != want {
            out.push(format!("{key}: asked for `{want}`, the binary records `{}`", got(key)));
        }
    };
    // go leaves -ldflags out of the record when -trimpath is on (go.dev/issue/52372).
    if !flags.trimpath {
        expect("-ldflags", &flags.ldflags);
    }
    expect("-gcflags", &flags.gcflags);
    expect("-asmflags", &flags.asmflags);
    expect("-trimpath", if flags.trimpath { "true" } else { "" });
    expect("-buildmode", &flags.buildmode);
    expect("-tags", &flags.tags.join(","));
    if flags.pgo == "off" {
        expect("-pgo", "");
    }
    for (k, v) in &flags.env {
        if info.settings.contains_key(k) || matches!(k.as_str(), "CGO_ENABLED" | "GOAMD64" | "GOEXPERIMENT") {
            expect(k, v);
        }
    }
    // An empty version is one not recorded (a saved run's record from before it was kept).
    if let Some(t) = flags.env.get("GOTOOLCHAIN").filter(|t| t.starts_with("go") && !info.go_version.is_empty()) {
        let want = t.split('+').next().unwrap_or(t);
        if info.go_version != want {
            out.push(format!("toolchain: asked for {want}, the binary was built by {}", info.go_version));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured from `go version -m` (go1.26.8) of a binary built with
    // `GOAMD64=v3 CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -gcflags='all=-B' -tags netgo,osusergo -buildmode=pie`.
    const PIE: &str = "/tmp/h1: go1.26.8\n\tpath\tfixture.test/hello\n\tmod\tfixture.test/hello\t(devel)\t\n\tbuild\t-buildmode=pie\n\tbuild\t-compiler=gc\n\tbuild\t-gcflags=all=-B\n\tbuild\t-tags=netgo,osusergo\n\tbuild\t-trimpath=true\n\tbuild\tCGO_ENABLED=0\n\tbuild\tGOARCH=amd64\n\tbuild\tGOOS=linux\n\tbuild\tGOAMD64=v3\n";
    // ... and of `go build -gcflags=-l -ldflags='-X main.v=1' -pgo=off`.
    const PLAIN: &str = "/tmp/h2: go1.26.8\n\tbuild\t-buildmode=exe\n\tbuild\t-compiler=gc\n\tbuild\t-gcflags=-l\n\tbuild\t-ldflags=\"-X main.v=1\"\n\tbuild\tCGO_ENABLED=1\n\tbuild\tGOAMD64=v1\n";

    #[test]
    fn reads_the_recorded_settings() {
        let info = parse(PLAIN).unwrap();
        assert_eq!(info.go_version, "go1.26.8");
        assert_eq!(info.settings["-ldflags"], "-X main.v=1");
        assert_eq!(info.settings["-gcflags"], "-l");
    }

    #[test]
    fn output_that_is_not_go_version_m_is_refused() {
        assert!(parse("").is_none());
        assert!(parse("hello world\n").is_none());
        assert!(parse("/tmp/x: banana\n\tbuild\t-gcflags=-l\n").is_none());
        assert_eq!(parse("/tmp/x: devel go1.27-abc +0000\n").unwrap().go_version, "devel go1.27-abc +0000");
    }

    #[test]
    fn agreeing_flags_pass_and_contradictions_are_named() {
        let mut pie = Flags {
            ldflags: "-s -w".into(),
            gcflags: "all=-B".into(),
            trimpath: true,
            buildmode: "pie".into(),
            tags: vec!["netgo".into(), "osusergo".into()],
            ..Flags::default()
        };
        pie.env.insert("GOAMD64".into(), "v3".into());
        pie.env.insert("CGO_ENABLED".into(), "0".into());
        assert_eq!(mismatches(&pie, &parse(PIE).unwrap()), Vec::<String>::new());
        let plain =
            Flags { gcflags: "-l".into(), ldflags: "-X main.v=1".into(), pgo: "off".into(), ..Flags::default() };
        assert_eq!(mismatches(&plain, &parse(PLAIN).unwrap()), Vec::<String>::new());
        // A GOFLAGS=-trimpath in the environment would show up like this:
        let asked = Flags { gcflags: "-l".into(), ldflags: "-X main.v=1".into(), ..Flags::default() };
        let mut info = parse(PLAIN).unwrap();
        info.settings.insert("-trimpath".into(), "true".into());
        assert_eq!(mismatches(&asked, &info), ["-trimpath: asked for ``, the binary records `true`"]);
    }
}
