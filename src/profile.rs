//! A configuration written as a cargo-style `[profile.NAME]` table, and as the `go build`
//! command line that reproduces it.

use toml_edit::{DocumentMut, InlineTable, Item, Table, value};

use crate::flags::Flags;
use crate::go::{Go, command_line};

/// The settings of `flags` that differ from a plain `go build`, as a TOML table.
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
}
