//! A configuration written as a cargo-style `[profile.NAME]` table, as the `go build`
//! command line that reproduces it, and as the line that runs the result with its run
//! environment (which no build can carry).

use std::collections::BTreeMap;

use toml_edit::{DocumentMut, InlineTable, Item, Table, value};

use crate::flags::Flags;
use crate::go::{Go, command_line};

/// What every report, `apply` and `build --profile` say before the line that runs a build with
/// its run environment (`[matrix.runenv]`, a profile's `runenv`).
pub const RUN_IT: &str = "run it with this environment (a build cannot carry it)";

/// The settings of `flags` that differ from a plain `go build`, as a TOML table, and its run
/// environment (`runenv`), which `gostart build` does not use but a person running it needs.
pub fn table(flags: &Flags) -> Table {
    let base = Flags::default();
    let mut t = Table::new();
    for (key, v, b) in [
        ("ldflags", &flags.ldflags, &base.ldflags),
        ("gcflags", &flags.gcflags, &base.gcflags),
        ("asmflags", &flags.asmflags, &base.asmflags),
    ] {
        if v != b {
            t.insert(key, value(v.as_str()));
        }
    }
    if flags.trimpath {
        t.insert("trimpath", value(true));
    }
    if flags.buildmode != base.buildmode {
        t.insert("buildmode", value(flags.buildmode.as_str()));
    }
    if !flags.tags.is_empty() {
        t.insert("tags", value(flags.tags.iter().map(String::as_str).collect::<toml_edit::Array>()));
    }
    if flags.pgo != base.pgo {
        t.insert("pgo", value(flags.pgo.as_str()));
    }
    if !flags.env.is_empty() {
        let mut env = InlineTable::new();
        for (k, v) in &flags.env {
            env.insert(k, v.as_str().into());
        }
        t.insert("env", value(env));
    }
    if !flags.runenv.is_empty() {
        let runenv: InlineTable = flags.runenv.iter().map(|(k, v)| (k.as_str(), toml_edit::Value::from(v))).collect();
        t.insert("runenv", value(runenv));
    }
    t
}

/// `[profile.NAME]` with the settings of `flags`, ready to paste into gostart.toml.
pub fn snippet(name: &str, flags: &Flags) -> String {
    let mut doc = DocumentMut::new();
    let mut profiles = Table::new();
    profiles.set_implicit(true);
    profiles.insert(name, Item::Table(table(flags)));
    doc.insert("profile", Item::Table(profiles));
    doc.to_string()
}

/// `K=V go build -ldflags=... PKG` for `flags`.
pub fn go_build_line(flags: &Flags, package: &str) -> String {
    let mut argv = Go::build_argv(std::path::Path::new("BIN"), flags, package);
    // `-o BIN` is gostart's own choice, not part of the configuration.
    argv.drain(2..4);
    command_line(&flags.env, &argv)
}

/// `./NAME`, the program `go build` writes: named as the binary gostart built (`-o` in `argv`,
/// named as go names it), else after the package's last element.
pub fn program(argv: &[String], package: &str) -> String {
    let built = argv.iter().position(|a| a == "-o").and_then(|i| argv.get(i + 1));
    let name = built
        .and_then(|o| std::path::Path::new(o).file_name())
        .or_else(|| std::path::Path::new(package).file_name())
        .map_or("main".into(), |n| n.to_string_lossy().into_owned());
    format!("./{name}")
}

/// `K=V PROGRAM`: `program` started with the run environment `runenv`; `None` without one.
pub fn run_line(runenv: &BTreeMap<String, String>, program: &str) -> Option<String> {
    (!runenv.is_empty()).then(|| command_line(runenv, &[program.to_owned()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_and_command_of_a_config() {
        let mut f = Flags { ldflags: "-s -w".into(), trimpath: true, tags: vec!["netgo".into()], ..Flags::default() };
        f.env.insert("CGO_ENABLED".into(), "0".into());
        assert_eq!(
            snippet("release", &f),
            "[profile.release]\nldflags = \"-s -w\"\ntrimpath = true\ntags = [\"netgo\"]\nenv = { CGO_ENABLED = \"0\" }\n"
        );
        assert_eq!(
            go_build_line(&f, "./cmd/app"),
            "CGO_ENABLED=0 go build '-ldflags=-s -w' -trimpath -tags=netgo ./cmd/app"
        );
        assert_eq!(snippet("plain", &Flags::default()), "[profile.plain]\n");
    }

    #[test]
    fn the_run_environment_is_in_the_profile_and_the_run_line_not_the_build() {
        let mut f = Flags::default();
        f.env.insert("GOTOOLCHAIN".into(), "go1.27.3".into());
        f.runenv.insert("GOGC".into(), "off".into());
        f.runenv.insert("GODEBUG".into(), "madvdontneed=1,x=a b".into());
        assert_eq!(go_build_line(&f, "."), "GOTOOLCHAIN=go1.27.3 go build .");
        assert_eq!(
            snippet("release", &f),
            "[profile.release]\nenv = { GOTOOLCHAIN = \"go1.27.3\" }\nrunenv = { GODEBUG = \"madvdontneed=1,x=a b\", GOGC = \"off\" }\n"
        );
        assert_eq!(run_line(&f.runenv, "./app").as_deref(), Some("GODEBUG='madvdontneed=1,x=a b' GOGC=off ./app"));
        assert_eq!(run_line(&Flags::default().runenv, "./app"), None);
        let argv: Vec<String> = ["go", "build", "-o", "/r/runs/1/ab/hello", "."].map(String::from).into();
        assert_eq!(program(&argv, "."), "./hello");
        assert_eq!(program(&[], "./cmd/app"), "./app");
    }
}
