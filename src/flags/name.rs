//! Config names such as `ldflags="-s -w",trimpath,GOAMD64=v3`: what differs from a plain
//! `go build`, written so that two different configurations never share a name.
//!
//! The grammar (README, "Configuration names"):
//!
//! ```text
//! name  = "default" | part *( "," part )
//! part  = "trimpath" | key "=" value
//! key   = "ldflags" | "gcflags" | "asmflags" | "buildmode" | "tags" | "pgo" | var
//! var   = NAME | "env." NAME | "run." NAME
//! value = bare | JSON string
//! ```
//!
//! A value is bare unless it is empty or holds a comma, whitespace, `"`, `\` or a control
//! character; then it is a JSON string (`ldflags="-X a=b,trimpath"`). Keys never contain `=`,
//! so a part's first `=` ends its key and an `=` inside a value needs no quotes. A variable is
//! written `env.NAME` (build environment) or `run.NAME` (runtime environment) when the
//! configurations named together set NAME in both, or when NAME is one of the other keys.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::Flags;

/// The keys of the settings that are not environment variables.
pub const FLAG_KEYS: &[&str] = &["ldflags", "gcflags", "asmflags", "trimpath", "buildmode", "tags", "pgo"];

/// Names configurations; knows which variables need an `env.`/`run.` prefix among the
/// configurations named together.
#[derive(Debug, Clone, Default)]
pub struct Namer {
    /// Variables set in the build environment of some configuration and in the runtime
    /// environment of some (maybe other) configuration.
    on_both: BTreeSet<String>,
}

impl Namer {
    /// A namer for `all` the configurations of one matrix.
    pub fn for_configs<'a>(all: impl IntoIterator<Item = &'a Flags>) -> Namer {
        let (mut env, mut run) = (BTreeSet::new(), BTreeSet::new());
        for f in all {
            env.extend(f.env.keys().cloned());
            run.extend(f.runenv.keys().cloned());
        }
        Namer { on_both: env.intersection(&run).cloned().collect() }
    }

    fn var(&self, prefix: &str, name: &str) -> String {
        if self.on_both.contains(name) || FLAG_KEYS.contains(&name) {
            format!("{prefix}.{name}")
        } else {
            name.to_owned()
        }
    }

    /// The name of `f`; `default` for a plain `go build`.
    pub fn name(&self, f: &Flags) -> String {
        spell(f, value, |axis, k| self.var(axis, k))
    }
}

/// A value as it is written in a name: bare, or a JSON string when it could be misread.
pub fn value(v: &str) -> Cow<'_, str> {
    let bare =
        !v.is_empty() && !v.chars().any(|c| c == ',' || c == '"' || c == '\\' || c.is_whitespace() || c.is_control());
    if bare { Cow::Borrowed(v) } else { Cow::Owned(serde_json::Value::from(v).to_string()) }
}

/// The name gostart gave `f` before names were made unambiguous (no quotes, no prefixes):
/// still accepted where a configuration is looked up by name, when it is not ambiguous.
pub fn legacy(f: &Flags) -> String {
    spell(f, |v| Cow::Borrowed(v), |_, k| k.to_owned())
}

/// The settings of `f` that differ from a plain `go build`, joined by `,`: each value written
/// by `value`, each environment variable named by `var` (given its axis, `env` or `run`).
fn spell(f: &Flags, value: impl Fn(&str) -> Cow<'_, str>, var: impl Fn(&str, &str) -> String) -> String {
    let base = Flags::default();
    let mut parts = Vec::new();
    for (key, v, b) in [
        ("ldflags", &f.ldflags, &base.ldflags),
        ("gcflags", &f.gcflags, &base.gcflags),
        ("asmflags", &f.asmflags, &base.asmflags),
    ] {
        if v != b {
            parts.push(format!("{key}={}", value(v)));
        }
    }
    if f.trimpath {
        parts.push("trimpath".into());
    }
    if f.buildmode != base.buildmode {
        parts.push(format!("buildmode={}", value(&f.buildmode)));
    }
    if !f.tags.is_empty() {
        // Tags are letters, digits, `_`, `.` and `-` (checked when read): `+` cannot be in one.
        parts.push(format!("tags={}", value(&f.tags.join("+"))));
    }
    if f.pgo != base.pgo {
        parts.push(format!("pgo={}", value(&f.pgo)));
    }
    parts.extend(f.env.iter().map(|(k, v)| format!("{}={}", var("env", k), value(v))));
    parts.extend(f.runenv.iter().map(|(k, v)| format!("{}={}", var("run", k), value(v))));
    if parts.is_empty() { "default".into() } else { parts.join(",") }
}

/// Reads a name back into its parts `(key, value)` (`("trimpath", "")` for trimpath);
/// `None` if it does not follow the grammar. The inverse of [`Namer::name`].
pub fn parse(name: &str) -> Option<Vec<(String, String)>> {
    if name == "default" {
        return Some(Vec::new());
    }
    let mut parts = Vec::new();
    let mut rest = name;
    loop {
        let after = match rest.strip_prefix("trimpath").filter(|a| a.is_empty() || a.starts_with(',')) {
            Some(after) => {
                parts.push(("trimpath".to_owned(), String::new()));
                after
            }
            None => {
                let (key, after) = rest.split_once('=')?;
                if key.is_empty() || key.contains([',', '"']) {
                    return None;
                }
                let (v, after) = if after.starts_with('"') {
                    // The JSON string ends at its first unescaped quote.
                    let mut values = serde_json::Deserializer::from_str(after).into_iter::<String>();
                    let v = values.next()?.ok()?;
                    (v, &after[values.byte_offset()..])
                } else {
                    let end = after.find(',').unwrap_or(after.len());
                    (after[..end].to_owned(), &after[end..])
                };
                parts.push((key.to_owned(), v));
                after
            }
        };
        match after.strip_prefix(',') {
            Some(next) if !next.is_empty() => rest = next,
            None if after.is_empty() => return Some(parts),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(edit: impl FnOnce(&mut Flags)) -> Flags {
        let mut f = Flags::default();
        edit(&mut f);
        f
    }

    #[test]
    fn values_that_could_be_misread_are_quoted() {
        let n = Namer::default();
        assert_eq!(n.name(&with(|f| f.ldflags = "-s -w".into())), r#"ldflags="-s -w""#);
        assert_eq!(n.name(&with(|f| f.ldflags = "-X a=b,trimpath".into())), r#"ldflags="-X a=b,trimpath""#);
        assert_eq!(
            n.name(&with(|f| {
                f.ldflags = "-X a=b".into();
                f.trimpath = true;
            })),
            r#"ldflags="-X a=b",trimpath"#
        );
        assert_eq!(n.name(&with(|f| f.gcflags = "all=-B".into())), "gcflags=all=-B");
        assert_eq!(n.name(&with(|f| f.pgo = String::new())), r#"pgo="""#);
        assert_eq!(
            n.name(&with(|f| {
                f.env.insert("GOEXPERIMENT".into(), "a,b".into());
                f.runenv.insert("X".into(), "q\"\u{1b}[31m".into());
            })),
            r#"GOEXPERIMENT="a,b",X="q\"\u001b[31m""#
        );
    }

    #[test]
    fn a_variable_on_both_axes_or_named_like_a_key_is_prefixed() {
        let build = with(|f| _ = f.env.insert("GOGC".into(), "off".into()));
        let run = with(|f| _ = f.runenv.insert("GOGC".into(), "off".into()));
        let other = with(|f| _ = f.runenv.insert("GOMAXPROCS".into(), "1".into()));
        let n = Namer::for_configs([&build, &run, &other]);
        assert_eq!(
            (n.name(&build), n.name(&run), n.name(&other)),
            ("env.GOGC=off".into(), "run.GOGC=off".into(), "GOMAXPROCS=1".into())
        );
        // Alone, no prefix.
        assert_eq!(Namer::for_configs([&run]).name(&run), "GOGC=off");
        let odd = with(|f| _ = f.env.insert("trimpath".into(), "1".into()));
        assert_eq!(Namer::default().name(&odd), "env.trimpath=1");
    }

    #[test]
    fn names_parse_back_into_their_parts() {
        let f = with(|f| {
            f.ldflags = "-X a=b,trimpath".into();
            f.trimpath = true;
            f.tags = vec!["netgo".into(), "osusergo".into()];
            f.env.insert("GOAMD64".into(), "v3".into());
            f.runenv.insert("GOGC".into(), "off".into());
        });
        let parts = parse(&Namer::default().name(&f)).unwrap();
        let pairs: Vec<(&str, &str)> = parts.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("ldflags", "-X a=b,trimpath"),
                ("trimpath", ""),
                ("tags", "netgo+osusergo"),
                ("GOAMD64", "v3"),
                ("GOGC", "off")
            ]
        );
        assert_eq!(parse("default"), Some(vec![]));
        for bad in ["", ",", ",trimpath", "trimpath,", "a,b=c", "ldflags", "=x", r#"ldflags="a"b"#, r#"ldflags="open"#]
        {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_legacy_spelling_is_the_old_one() {
        let f = with(|f| {
            f.ldflags = "-s -w".into();
            f.runenv.insert("GOGC".into(), "off".into());
        });
        assert_eq!(legacy(&f), "ldflags=-s -w,GOGC=off");
    }
}
