//! Runs with a search record and effects, for the exporters' tests: the fixture as a full run of
//! its ldflags × buildmode matrix, and as the confirmation stage of a screened 48-configuration
//! matrix. Their effects are written by hand (not fitted), so the reports' tests do not depend
//! on the fit; they are set after `recompute`, which would fit them anew.

#![allow(clippy::expect_used)]

use std::collections::BTreeMap;

use crate::rank::Figure;
use crate::results::Run;
use crate::search::design::{Design, Factor, Kind};
use crate::search::predict::{Predicted, Prediction};
use crate::search::{AxisInfo, DesignRun, Effect, Search, Strategy};

fn axis(key: &str, values: &[&str]) -> AxisInfo {
    AxisInfo { key: key.into(), values: values.iter().map(|v| (*v).to_owned()).collect(), reference: 0 }
}

/// An effect of `axis` = `value` against the axis's first value.
pub fn effect(axes: &[AxisInfo], key: &str, value: &str, figure: Figure, ratio: f64, ci95: [f64; 2]) -> Effect {
    let axis = axes.iter().find(|a| a.key == key).expect("an axis of the fixture");
    Effect {
        axis: key.into(),
        value: value.into(),
        reference: axis.values[0].clone(),
        figure,
        ratio,
        ci95,
        noise: ci95[0] <= 1.0 && 1.0 <= ci95[1],
    }
}

/// The fixture as a full run: its four configs are the whole matrix, every one built.
pub fn full() -> Run {
    let mut run = super::fixture::run();
    let axes = vec![axis("ldflags", &["\"\"", "-s -w"]), axis("buildmode", &["exe", "pie"])];
    for c in &mut run.configs {
        c.levels = Some(vec![u32::from(c.name.contains("-s -w")), u32::from(c.name.contains("pie"))]);
    }
    run.search = Some(Search {
        requested: Strategy::Auto,
        strategy: Strategy::Full,
        why: "4 configurations in 4 builds, within max_builds = 32: every one is built".into(),
        max_builds: 32,
        matrix_configs: 4,
        matrix_builds: 4,
        builds: 4,
        axes: axes.clone(),
        design: None,
        design_runs: Vec::new(),
        prediction: None,
        confirmed: Vec::new(),
    });
    run.effects = vec![
        effect(&axes, "ldflags", "-s -w", Figure::Startup, 0.962, [0.91, 1.01]),
        effect(&axes, "ldflags", "-s -w", Figure::Size, 0.6641, [0.6603, 0.6679]),
        effect(&axes, "buildmode", "pie", Figure::Startup, 1.262, [1.18, 1.35]),
        effect(&axes, "buildmode", "pie", Figure::Size, 1.09, [1.07, 1.11]),
    ];
    run
}

/// The five axes of the screened matrix: 2 × 2 × 2 × 2 × 3 = 48 configurations.
pub fn screened_axes() -> Vec<AxisInfo> {
    vec![
        axis("ldflags", &["\"\"", "-s -w"]),
        axis("trimpath", &["false", "true"]),
        axis("buildmode", &["exe", "pie"]),
        axis("env.CGO_ENABLED", &["1", "0"]),
        axis("env.GOAMD64", &["v1", "v2", "v3"]),
    ]
}

/// A config's name from its value indices: the settings that are not the reference's.
fn name_of(axes: &[AxisInfo], levels: &[u32]) -> String {
    let parts: Vec<String> = axes
        .iter()
        .zip(levels)
        .filter(|(a, l)| **l != a.reference)
        .map(|(a, l)| format!("{}={}", a.key.trim_start_matches("env."), a.values[*l as usize]))
        .collect();
    if parts.is_empty() { "default".into() } else { parts.join(",") }
}

fn predicted(axes: &[AxisInfo], levels: &[u32], score: f64, figures: &[(Figure, [f64; 3])]) -> Predicted {
    Predicted {
        name: name_of(axes, levels),
        id: format!("{:08x}", levels.iter().fold(0x5eed_u32, |h, l| h.wrapping_mul(31).wrapping_add(*l))),
        levels: levels.to_vec(),
        score,
        figures: figures.iter().copied().collect::<BTreeMap<_, _>>(),
    }
}

/// The fixture as the confirmation stage of a screened run of [`screened_axes`]: a 2^(6−2)
/// design of 16 runs (GOAMD64 coded as two factors), one run substituted for an excluded
/// combination, one that failed to build, the prediction and four alternatives.
pub fn screened() -> Run {
    let mut run = super::fixture::run();
    let axes = screened_axes();
    let ratios = run.configs.iter().find_map(|c| c.ratios.clone()).expect("the fixture has ratios");
    // A B C D as the full 2^4; E = ABC and F = BCD; GOAMD64 is v1 at (E, F) = (−, −), v2 at
    // (+, −), v3 at (−, +) and (+, +).
    let points: Vec<Vec<u32>> = (0..16u32)
        .map(|i| {
            let [a, b, c, d] = [i & 1, i >> 1 & 1, i >> 2 & 1, i >> 3 & 1];
            let (e, f) = (a ^ b ^ c, b ^ c ^ d);
            vec![a, b, c, d, if f == 1 { 2 } else { e }]
        })
        .collect();
    let design_runs = points
        .iter()
        .enumerate()
        .map(|(i, levels)| {
            let failed = i == 9;
            DesignRun {
                name: name_of(&axes, levels),
                id: format!("{:08x}", 0x1000_0000 + i * 0x0111_1111),
                levels: levels.clone(),
                substituted: i == 5,
                ratios: (!failed).then(|| ratios.clone()),
                rounds: if failed { 0 } else { 10 },
                dropped: None,
                failure: failed.then(|| "build failed: cgo: C compiler \"gcc\" not found".into()),
            }
        })
        .collect();
    let factor = |label: &str, axis: usize, bit: u32| Factor { label: label.into(), axis, bit };
    let design = Design {
        kind: Kind::Fractional,
        runs: 16,
        resolution: Some(4),
        factors: vec![
            factor("A", 0, 0),
            factor("B", 1, 0),
            factor("C", 2, 0),
            factor("D", 3, 0),
            factor("E", 4, 0),
            factor("F", 4, 1),
        ],
        coding: vec![crate::search::coding::Coding::new(4, 3, 0, &["E".into(), "F".into()])],
        generators: vec!["E = ABC".into(), "F = BCD".into()],
        aliases: [
            "AB = CE", "AC = BE", "AD = EF", "AE = BC", "AF = DE", "BD = CF", "BF = CD", "CE = AB", "DF = BC",
            "EF = AD",
        ]
        .map(String::from)
        .to_vec(),
        points,
    };
    use Figure::{MaxRss, Size, Startup};
    let best = predicted(
        &axes,
        &[1, 0, 0, 1, 0],
        -0.325,
        &[(Startup, [0.905, 0.87, 0.94]), (Size, [0.631, 0.62, 0.64]), (MaxRss, [0.97, 0.94, 1.0])],
    );
    let alternatives = vec![
        predicted(&axes, &[1, 1, 0, 1, 0], -0.324, &[(Startup, [0.905, 0.87, 0.94]), (Size, [0.63, 0.62, 0.64])]),
        predicted(&axes, &[0, 0, 0, 1, 0], -0.12, &[(Startup, [0.91, 0.88, 0.94]), (Size, [0.95, 0.94, 0.96])]),
        predicted(&axes, &[1, 0, 0, 0, 0], -0.2, &[(Startup, [0.995, 0.96, 1.03]), (Size, [0.664, 0.66, 0.67])]),
        predicted(&axes, &[1, 0, 0, 1, 1], -0.31, &[(Startup, [0.9, 0.86, 0.94]), (Size, [0.633, 0.62, 0.64])]),
    ];
    run.search = Some(Search {
        requested: Strategy::Auto,
        strategy: Strategy::Screen,
        why: "48 configurations in 48 builds, more than max_builds = 32: screening builds a fractional design, fits \
              each figure's effects, and confirms the prediction head to head with the baseline"
            .into(),
        max_builds: 32,
        matrix_configs: 48,
        matrix_builds: 48,
        builds: 19,
        axes: axes.clone(),
        design: Some(design),
        design_runs,
        prediction: Some(Prediction { best, alternatives, guarded: 16 }),
        confirmed: run.configs.iter().map(|c| c.name.clone()).collect(),
    });
    let e = |key: &str, value: &str, figure, ratio, ci95| effect(&axes, key, value, figure, ratio, ci95);
    run.effects = vec![
        e("ldflags", "-s -w", Startup, 0.995, [0.97, 1.02]),
        e("ldflags", "-s -w", Size, 0.664, [0.664, 0.664]),
        e("ldflags", "-s -w", MaxRss, 1.0, [0.99, 1.01]),
        e("ldflags", "-s -w", Figure::Escapes, 1.0, [1.0, 1.0]),
        e("trimpath", "true", Startup, 1.0, [0.98, 1.02]),
        e("trimpath", "true", Size, 0.998, [0.997, 0.999]),
        e("trimpath", "true", MaxRss, 1.0, [0.99, 1.01]),
        e("trimpath", "true", Figure::Escapes, 1.0, [1.0, 1.0]),
        e("buildmode", "pie", Startup, 1.06, [1.03, 1.09]),
        e("buildmode", "pie", Size, 1.073, [1.07, 1.076]),
        e("buildmode", "pie", MaxRss, 1.04, [1.02, 1.06]),
        e("env.CGO_ENABLED", "0", Startup, 0.91, [0.88, 0.94]),
        e("env.CGO_ENABLED", "0", Size, 0.95, [0.94, 0.96]),
        e("env.CGO_ENABLED", "0", MaxRss, 0.97, [0.95, 0.99]),
        e("env.CGO_ENABLED", "0", Figure::Escapes, 1.0, [1.0, 1.0]),
        e("env.GOAMD64", "v2", Startup, 0.99, [0.96, 1.02]),
        e("env.GOAMD64", "v2", Size, 1.002, [1.001, 1.003]),
        e("env.GOAMD64", "v2", MaxRss, 1.0, [0.99, 1.01]),
        e("env.GOAMD64", "v2", Figure::Escapes, 1.0, [1.0, 1.0]),
        e("env.GOAMD64", "v3", Startup, 0.97, [0.95, 0.99]),
        e("env.GOAMD64", "v3", Size, 1.011, [1.009, 1.013]),
        e("env.GOAMD64", "v3", MaxRss, 1.0, [0.99, 1.01]),
        e("env.GOAMD64", "v3", Figure::Escapes, 1.0, [1.0, 1.0]),
    ];
    run
}

/// [`screened`] with two more axes whose values are long (a gcflags line, an `-X` without a
/// space to break at), for the width tests.
pub fn long_values() -> Run {
    let mut run = screened();
    let long = "all=-N -l -m=2 -d=checkptr=0 -live -wb=false -spectre=all -json=0,file:///tmp/escapes";
    let unbroken = "-X=main.version=v1.2.3-a-very-long-build-identifier-without-any-space-0123456789abcdef";
    let search = run.search.as_mut().expect("screened");
    search.axes.push(axis("gcflags", &["\"\"", long]));
    search.axes.push(axis("ldflags.extra", &["\"\"", unbroken]));
    let axes = search.axes.clone();
    for (key, value) in [("gcflags", long), ("ldflags.extra", unbroken)] {
        for f in [Figure::Startup, Figure::Size, Figure::MaxRss, Figure::Escapes, Figure::Cpu, Figure::Build] {
            run.effects.push(effect(&axes, key, value, f, 1.234, [1.2015, 1.2711]));
        }
    }
    run
}
