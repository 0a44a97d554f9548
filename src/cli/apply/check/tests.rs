//! The checks on what apply takes and writes, and the property that whatever it writes reads
//! back as the intended profile with the rest of the document unchanged.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::cli::apply::{profile_table, with_profile};

const NOTE: &str = "# Written by `gostart apply`";

/// A config with `ldflags` set to `value`.
fn with_ldflags(value: &str) -> Flags {
    Flags { ldflags: value.to_owned(), ..Flags::default() }
}

#[test]
fn a_newline_in_a_value_stays_inside_its_string_and_its_comment() {
    let evil = "-s\nGOFLAGS = [\"-toolexec=/tmp/evil\"]\n# ";
    let flags = with_ldflags(evil);
    let note = format!("{NOTE}: `{}`, recommended by run r.", one_line(&flags.name()));
    let old = "[matrix]\nldflags = [\"\", \"-s -w\"]\n";
    let new = with_profile(Some(old), "tuned", profile_table(&flags), &note).unwrap();
    // The comment is one line; the value is one (multi-line) string, not a key of its own.
    assert_eq!(new.lines().filter(|l| l.starts_with(NOTE)).count(), 1, "{new}");
    edit(Some(old), &new, "tuned", &flags, Path::new("gostart.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&new).unwrap();
    assert_eq!(doc.keys().collect::<Vec<_>>(), ["matrix", "profile"]);
    let tuned = doc["profile"]["tuned"].as_table().unwrap();
    assert_eq!(tuned.keys().collect::<Vec<_>>(), ["ldflags"]);
    assert_eq!(tuned["ldflags"].as_str(), Some(evil));
}

#[test]
fn an_edit_that_changes_anything_else_is_refused() {
    let old = "[matrix]\nldflags = [\"\", \"-s -w\"]\n\n[profile.release]\ntrimpath = true\n";
    let flags = with_ldflags("-s -w");
    let good = "[matrix]\nldflags = [\"\", \"-s -w\"]\n\n[profile.release]\ntrimpath = true\n\n[profile.tuned]\nldflags = \"-s -w\"\n";
    edit(Some(old), good, "tuned", &flags, Path::new("g.toml")).unwrap();
    let cases = [
        (good.replace("[matrix]\n", "[matrix]\nGOFLAGS = [\"-x\"]\n"), "also: matrix"),
        (good.replace("trimpath = true", "trimpath = false"), "also: profile"),
        (format!("{good}[target]\npackage = \"./evil\"\n"), "also: target"),
        (good.replace("ldflags = \"-s -w\"\n", "ldflags = \"-s\"\n"), "would read back as `ldflags=-s`"),
        (good.replace("ldflags = \"-s -w\"\n", "ldflags = \"-s -w\"\nrunz = 1\n"), "would not load"),
        (good.replace("[profile.tuned]\n", "[profile.other]\n"), "also: profile"),
    ];
    for (new, expected) in cases {
        let e = format!("{:#}", edit(Some(old), &new, "tuned", &flags, Path::new("g.toml")).unwrap_err());
        assert!(e.contains(expected), "{expected}: {e}");
    }
}

#[test]
fn a_crafted_run_is_refused_before_anything_is_written() {
    let mut run = crate::export::fixture::run();
    run_id(&run).unwrap();
    run_values(&run, &with_ldflags("-s -w")).unwrap();
    run_values(&run, &with_ldflags("-s\n-X main.a=1\r\n\t-w")).unwrap();
    for value in ["\u{1b}[31m", "a\u{7}b", "a\0b", "a\u{202e}b", "c1\u{9b}"] {
        let e = run_values(&run, &with_ldflags(value)).unwrap_err().to_string();
        assert!(e.contains("`ldflags` of its recommendation holds a control character"), "{e}");
        assert!(!e.contains(['\n', '\u{1b}', '\u{7}', '\0', '\u{202e}', '\u{9b}']), "{e:?}");
    }
    let mut env = Flags::default();
    env.env.insert("CC\nX".into(), "gcc".into());
    assert!(run_values(&run, &env).unwrap_err().to_string().contains("`env name`"));
    run.run_id = "x\n[target]".into();
    let e = run_id(&run).unwrap_err().to_string();
    assert!(e.contains("is not a valid run id") && e.contains("nothing applied"), "{e}");
}

#[test]
fn settings_that_start_programs_are_named() {
    let mut flags = with_ldflags("-s -w -extld=/tmp/cc '-extldflags=-static' -extar /tmp/ar");
    flags.env.insert("CC".into(), "/tmp/cc".into());
    flags.env.insert("CGO_LDFLAGS".into(), "-fplugin=x.so".into());
    flags.env.insert("GOAMD64".into(), "v3".into());
    flags.runenv.insert("GOFLAGS".into(), "-x".into());
    assert_eq!(runs_programs(&flags), ["env CC", "env CGO_LDFLAGS", "ldflags -extld", "ldflags -extar"]);
    assert!(runs_programs(&with_ldflags("-s -w -X main.extld=1")).is_empty());
}

#[test]
fn settings_the_loader_refuses_do_not_read_back() {
    // A results.json can say anything; what gostart.toml cannot hold is refused by the loader.
    let old = "[matrix]\nldflags = [\"\"]\n";
    for flags in [
        with_ldflags("-o /tmp/x"),
        Flags { tags: vec!["a b".into()], ..Flags::default() },
        Flags { env: BTreeMap::from([("A B".into(), "1".into())]), ..Flags::default() },
        Flags { env: BTreeMap::from([("CC".into(), String::new())]), ..Flags::default() },
    ] {
        let new = with_profile(Some(old), "tuned", profile_table(&flags), "# n").unwrap();
        assert!(edit(Some(old), &new, "tuned", &flags, Path::new("g.toml")).is_err(), "{new}");
    }
}

// ─── The property ──────────────────────────────────────────────────────────────────────

/// Text with every character, and the ones that end strings, comments and tables often.
fn text() -> impl Strategy<Value = String> {
    let special = prop_oneof![
        Just('\n'),
        Just('\r'),
        Just('"'),
        Just('\''),
        Just('\\'),
        Just('#'),
        Just('['),
        Just(']'),
        Just('='),
        Just('\u{1b}'),
        Just('\0'),
        Just('\u{7f}'),
        Just('\u{9b}'),
        Just('\u{202e}'),
        Just('é'),
        Just('✓'),
        Just(' '),
        Just('-'),
    ];
    prop::collection::vec(prop_oneof![any::<char>(), special], 0..24).prop_map(String::from_iter)
}

fn env_table() -> impl Strategy<Value = BTreeMap<String, String>> {
    let non_empty = text().prop_filter("an empty value leaves the variable alone", |v| !v.is_empty());
    prop::collection::btree_map("[A-Z_][A-Z0-9_]{0,6}", non_empty, 0..3)
}

fn flags() -> impl Strategy<Value = Flags> {
    (
        (text(), text(), text(), any::<bool>(), prop_oneof![Just("exe"), Just("pie")]),
        (prop::collection::vec("[a-z0-9_.-]{1,8}", 0..3), prop_oneof![Just("auto".to_owned()), text()]),
        (env_table(), env_table()),
    )
        .prop_map(|((ldflags, gcflags, asmflags, trimpath, buildmode), (tags, pgo), (env, runenv))| Flags {
            ldflags,
            gcflags,
            asmflags,
            trimpath,
            buildmode: buildmode.to_owned(),
            tags,
            pgo,
            env,
            runenv,
        })
}

fn profile_name() -> impl Strategy<Value = String> {
    // Not `.`, `..`, nor a name the documents below give another profile.
    "[A-Za-z0-9._-]{1,12}".prop_filter("a new name", |n| ![".", "..", "x", "other", "zzz-other"].contains(&n.as_str()))
}

/// Documents of every shape apply meets, with the profile `name` present or not.
fn documents(name: &str) -> Vec<Option<String>> {
    vec![
        None,
        Some(String::new()),
        Some(format!(
            "# top\n[target]\npackage = \".\" # t\nargs = [\"--version\"]\n\n[measure]\nruns = 3\n\n[matrix]\n\
             ldflags = [\"\", \"-s -w\"] # m\n[matrix.env]\nCGO_ENABLED = [\"\", \"0\"]\n\n[rank]\n\
             weights = {{ startup = 1.0, size = 0.5 }}\n\n# about it\n{NOTE}: `old`, recommended by run r.\n\
             [profile.\"{name}\"] # header\n# the flags\nldflags = \"\" # stale\ntrimpath = true\n\n\
             [profile.zzz-other]\ngcflags = \"all=-N -l\"\n\n# the end\n"
        )),
        Some(format!(
            "profile = {{ \"{name}\" = {{ trimpath = true }}, other = {{}} }} # mine\n[matrix]\nldflags = [\"\"]\n"
        )),
        Some(
            "[profile.release]\nldflags = \"-s -w\"\n\n[rank]\nbaseline = \"default\"\n\n# trailing\n# comments\n"
                .into(),
        ),
        Some(format!("[profile]\n\"{name}\" = {{ pgo = \"off\" }}\nx = {{ trimpath = true }}\n")),
    ]
}

/// The profile as a TOML value, built here from the flags, independently of `profile::table`.
fn expected(flags: &Flags) -> toml::Value {
    let mut t = toml::Table::new();
    let mut text = |k: &str, v: &str, skip: &str| {
        if v != skip {
            t.insert(k.into(), toml::Value::String(v.into()));
        }
    };
    text("ldflags", &flags.ldflags, "");
    text("gcflags", &flags.gcflags, "");
    text("asmflags", &flags.asmflags, "");
    text("buildmode", &flags.buildmode, "exe");
    text("pgo", &flags.pgo, "auto");
    if flags.trimpath {
        t.insert("trimpath".into(), toml::Value::Boolean(true));
    }
    if !flags.tags.is_empty() {
        t.insert(
            "tags".into(),
            toml::Value::Array(flags.tags.iter().map(|s| toml::Value::String(s.clone())).collect()),
        );
    }
    for (key, map) in [("env", &flags.env), ("runenv", &flags.runenv)] {
        if !map.is_empty() {
            let table = map.iter().map(|(k, v)| (k.clone(), toml::Value::String(v.clone()))).collect();
            t.insert(key.into(), toml::Value::Table(table));
        }
    }
    toml::Value::Table(t)
}

/// A value the loader refuses (`-o` and `-json` are gostart's own): such a profile cannot
/// read back, and apply refuses it, which another test shows.
fn loader_refuses(flags: &Flags) -> bool {
    // Also what go itself would refuse to split (an unclosed quote, words with no flag).
    let unsplittable = [&flags.ldflags, &flags.gcflags, &flags.asmflags]
        .iter()
        .any(|v| !v.trim().is_empty() && crate::flags::quoted::split(v).is_err());
    // No argument or environment value can carry a NUL byte.
    let values = [&flags.ldflags, &flags.gcflags, &flags.asmflags, &flags.pgo].into_iter().chain(flags.tags.iter());
    let nul = values.chain(flags.env.values()).chain(flags.runenv.values()).any(|v| v.contains('\0'));
    unsplittable
        || nul
        || [&flags.ldflags, &flags.gcflags, &flags.asmflags].iter().any(|v| {
            v.split_whitespace()
                .any(|w| matches!(w.split('=').next(), Some(n) if n.ends_with("-o") || n.ends_with("-json")))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn what_apply_writes_reads_back_as_the_profile_and_nothing_else_changes(
        flags in flags(),
        name in profile_name(),
    ) {
        let note = format!("{NOTE}: `{}`, recommended by run 20261127-043012-123.", one_line(&flags.name()));
        for old in documents(&name) {
            let new = with_profile(old.as_deref(), &name, profile_table(&flags), &note).unwrap();
            let doc: toml::Table = toml::from_str(&new).map_err(|e| TestCaseError::fail(format!("{e}\n{new}")))?;
            let profile = doc.get("profile").and_then(|p| p.get(&name));
            prop_assert_eq!(profile, Some(&expected(&flags)), "{}", new);
            let old_doc: toml::Table = toml::from_str(old.as_deref().unwrap_or("")).unwrap();
            prop_assert_eq!(without_profile(old_doc, &name), without_profile(doc, &name), "{}", new);
            // The note is one comment line, whatever the name held.
            prop_assert!(new.lines().filter(|l| l.contains(NOTE)).count() <= 1, "{}", new);
            if !loader_refuses(&flags) {
                let checked = edit(old.as_deref(), &new, &name, &flags, Path::new("gostart.toml"));
                prop_assert!(checked.is_ok(), "{:#}\n{}", checked.unwrap_err(), new);
            }
        }
    }
}
