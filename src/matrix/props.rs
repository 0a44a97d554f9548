//! Property tests of expansion over generated matrices: values with whitespace, commas, quotes
//! and `=`, include/exclude entries, a variable on both the build and the runtime axis.

use std::collections::BTreeSet;

use proptest::collection::vec;
use proptest::prelude::*;

use super::{Axis, MatrixSpec, Point, Setting, apply, count, expand};
use crate::flags::{Flags, name};

/// The keys a generated matrix draws from: every flag, and variables that overlap across
/// the two environments or are named like a flag.
const KEYS: &[&str] = &[
    "ldflags",
    "gcflags",
    "asmflags",
    "trimpath",
    "buildmode",
    "tags",
    "pgo",
    "env.GOGC",
    "env.A",
    "env.ldflags",
    "runenv.GOGC",
    "runenv.B",
    "runenv.trimpath",
];

fn tool_flags() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("-s"),
        Just("-w"),
        Just("-X"),
        Just("a=b,trimpath"),
        Just("'a  b'"),
        Just(" "),
        Just("  "),
        Just("\t"),
        Just(","),
        Just("\""),
        Just("\\"),
        Just("all="),
    ];
    vec(piece, 0..5).prop_map(|p| p.concat())
}

fn text(s: &str) -> Setting {
    Setting::Text(s.to_owned())
}

/// A value for `key`, of the type the config layer gives that key.
fn setting(key: &'static str) -> BoxedStrategy<Setting> {
    match key {
        "ldflags" | "gcflags" | "asmflags" => tool_flags().prop_map(Setting::Text).boxed(),
        "trimpath" => any::<bool>().prop_map(Setting::Bool).boxed(),
        "buildmode" => prop_oneof![Just(text("exe")), Just(text("pie"))].boxed(),
        "tags" => proptest::sample::subsequence(vec!["netgo".to_owned(), "osusergo".to_owned()], 0..=2)
            .prop_map(Setting::List)
            .boxed(),
        "pgo" => prop_oneof![Just(text("auto")), Just(text("off")), Just(text("a b.pprof")), Just(text(""))].boxed(),
        _ => prop_oneof![
            Just(text("")),
            Just(text("off")),
            Just(text("1")),
            Just(text("a,b")),
            Just(text("x=y")),
            Just(text(" ")),
            Just(text("\"")),
        ]
        .boxed(),
    }
}

fn point(keys: Vec<&'static str>) -> BoxedStrategy<Point> {
    keys.into_iter()
        .map(|k| setting(k).prop_map(move |v| (k.to_owned(), v)))
        .collect::<Vec<_>>()
        .prop_map(|kv| kv.into_iter().collect())
        .boxed()
}

fn spec() -> impl Strategy<Value = MatrixSpec> {
    proptest::sample::subsequence(KEYS.to_vec(), 0..=6)
        .prop_flat_map(|keys| {
            let axes: Vec<_> = keys
                .iter()
                .map(|&k| vec(setting(k), 1..=3).prop_map(move |values| Axis { key: k.to_owned(), values }))
                .collect();
            // Excludes name only axes; includes any key.
            let on_axes = if keys.is_empty() {
                Just(Vec::new()).boxed()
            } else {
                vec(proptest::sample::subsequence(keys.clone(), 1..=keys.len().min(2)).prop_flat_map(point), 0..3)
                    .boxed()
            };
            let any_keys = vec(proptest::sample::subsequence(KEYS.to_vec(), 1..=3).prop_flat_map(point), 0..3);
            (axes, on_axes, any_keys)
        })
        .prop_map(|(axes, exclude, include)| MatrixSpec { source: "prop".into(), axes, include, exclude })
}

/// The flags a name stands for, given which variables of the matrix are build variables.
fn flags_of(name: &str, build_vars: &BTreeSet<String>) -> Flags {
    let mut f = Flags::default();
    for (k, v) in name::parse(name).unwrap_or_else(|| panic!("`{name}` does not parse")) {
        match k.as_str() {
            "ldflags" => f.ldflags = v,
            "gcflags" => f.gcflags = v,
            "asmflags" => f.asmflags = v,
            "trimpath" => f.trimpath = true,
            "buildmode" => f.buildmode = v,
            "pgo" => f.pgo = v,
            "tags" => f.tags = v.split('+').map(str::to_owned).collect(),
            other => match other.split_once('.') {
                Some(("env", var)) => _ = f.env.insert(var.to_owned(), v),
                Some(("run", var)) => _ = f.runenv.insert(var.to_owned(), v),
                _ if build_vars.contains(other) => _ = f.env.insert(other.to_owned(), v),
                _ => _ = f.runenv.insert(other.to_owned(), v),
            },
        }
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn names_and_ids_are_unique_and_nothing_is_dropped(spec in spec()) {
        let counted = count(&spec);
        prop_assert!(counted.exact);
        let combos = super::count::combinations(&spec, super::MAX_CONFIGS).unwrap();
        prop_assert_eq!(counted.n, Some(combos.len() as u128));

        let e = expand(&spec, None, super::MAX_CONFIGS).unwrap();
        let names: BTreeSet<&str> = e.configs.iter().map(|c| c.name.as_str()).collect();
        let ids: BTreeSet<&str> = e.configs.iter().map(|c| c.id.as_str()).collect();
        prop_assert_eq!(names.len(), e.configs.len(), "names repeat: {:?}", e.configs.iter().map(|c| &c.name).collect::<Vec<_>>());
        prop_assert_eq!(ids.len(), e.configs.len());
        prop_assert_eq!(e.configs.iter().filter(|c| c.name == e.baseline).count(), 1);

        // Configs share a build id exactly when they share a binary.
        let builds: Vec<(&str, Flags)> = e.configs.iter().map(|c| (c.build_id.as_str(), c.flags.build_part())).collect();
        for a in &builds {
            for b in &builds {
                prop_assert_eq!(a.0 == b.0, a.1 == b.1);
            }
        }

        // Every combination is measured, as itself or merged into a config with the same flags...
        let flags: Vec<Flags> = combos.iter().map(|c| { let mut f = Flags::default(); apply(&mut f, c); f }).collect();
        for f in &flags {
            prop_assert!(e.configs.iter().any(|c| c.flags == *f));
        }
        // ...and only merges (each noted) and the added baseline change the number.
        let merged: usize = e.configs.iter().map(|c| c.merged.len()).sum();
        let added = usize::from(!flags.contains(&Flags::default()));
        prop_assert_eq!(e.configs.len(), combos.len() - merged + added);
        prop_assert_eq!(merged > 0, !e.notes.is_empty());

        // Names are unambiguous: each reads back to its own flags.
        let build_vars: BTreeSet<String> = e.configs.iter().flat_map(|c| c.flags.env.keys().cloned()).collect();
        for c in &e.configs {
            prop_assert_eq!(&flags_of(&c.name, &build_vars), &c.flags, "{}", c.name);
        }
        // And a baseline given by name or id finds its config (the added plain build is only
        // there when no baseline is named).
        for c in e.configs.iter().filter(|c| flags.contains(&c.flags)).step_by(e.configs.len() / 4 + 1) {
            prop_assert_eq!(&expand(&spec, Some(&c.name), super::MAX_CONFIGS).unwrap().baseline, &c.name);
            prop_assert_eq!(&expand(&spec, Some(&c.id), super::MAX_CONFIGS).unwrap().baseline, &c.name);
        }
    }

    #[test]
    fn a_count_too_large_is_refused_without_expanding(n in 14usize..200, limit in 1usize..=super::MAX_CONFIGS) {
        let spec = MatrixSpec {
            source: "prop".into(),
            axes: (0..n).map(|i| Axis { key: format!("env.V{i}"), values: vec![text(""), text("1")] }).collect(),
            ..MatrixSpec::default()
        };
        let err = expand(&spec, None, limit).unwrap_err().to_string();
        prop_assert!(err.contains("more than the limit"), "{}", err);
    }
}
