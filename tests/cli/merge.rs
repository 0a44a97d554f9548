//! `gostart merge`: two shards, the second on a "slower machine" (the fixture's LOAD knob makes
//! every start-up 30% longer, its baseline's too), merged into ratios that match an unsharded
//! run's; and the merges it refuses.

use std::path::PathBuf;

use serde_json::Value;

use crate::project::{Printed, Project, arg, config, configs, read_json};

/// 6 configs in 2 builds: `-s -w` changes the size only, SLOW_A adds 30 or 60 ms to the
/// fixture's 60 ms of start-up.
const MATRIX: &str = "[measure]\nwarmup = 2\n[matrix]\nldflags = [\"\", \"-s -w\"]\n[matrix.runenv]\n\
                      SLOW_A = [\"\", \"30\", \"60\"]\n";
const QUICK: &[&str] = &["--no-escapes", "--no-inittrace", "--schedule", "fixed"];

/// `gostart tune` with `extra`, LOAD set to `load` in its environment (the probes inherit it);
/// the saved run's folder and results.
fn tune(p: &Project, runs: &str, extra: &[&str], load: Option<&str>) -> (PathBuf, Value) {
    let mut cmd = p.cmd();
    cmd.args(["tune", "--format", "json", "-o", "report.json", "--runs", runs]).args(QUICK).args(extra);
    match load {
        Some(load) => cmd.env("LOAD", load),
        None => cmd.env_remove("LOAD"),
    };
    cmd.assert().success();
    last(p)
}

/// The newest saved run: its folder and results.
fn last(p: &Project) -> (PathBuf, Value) {
    let id = std::fs::read_to_string(p.path(".gostart/last")).unwrap();
    let dir = p.path(".gostart/runs").join(id.trim());
    let results = read_json(&dir.join("results.json"));
    (dir, results)
}

fn ratio(run: &Value, name: &str, figure: &str) -> f64 {
    config(run, name)["ratios"][figure].as_f64().unwrap_or_else(|| panic!("no {figure} ratio for `{name}`"))
}

#[test]
fn two_shards_one_under_load_merge_into_the_ratios_and_verdict_of_an_unsharded_run() {
    let p = Project::from_fixture("shards").file("gostart.toml", MATRIX);
    let (one, first) = tune(&p, "10", &["--shard", "1/2"], None);
    let (two, second) = tune(&p, "10", &["--shard", "2/2"], Some("30"));
    let (_, whole) = tune(&p, "10", &[], None);
    assert_eq!(configs(&whole).len(), 6);
    assert_eq!(configs(&first).len() + configs(&second).len(), 6 + 1, "the baseline is in both shards");

    let out = p.run(&["merge", arg(&one), arg(&two), "--format", "markdown"]).success();
    let report = out.stdout_text();
    let (_, merged) = last(&p);
    assert_ne!(merged["run_id"], second["run_id"], "the merge is a run of its own");
    assert_eq!(configs(&merged).len(), 6, "{report}");
    assert!(merged["shard"].is_null());

    // The load made the second machine slower, its baseline too.
    let shards = merged["merged"].as_array().unwrap();
    let median = |i: usize| shards[i]["baseline_median_ns"].as_f64().unwrap();
    eprintln!("baseline medians: shard 1/2 {} ns, shard 2/2 (LOAD=30) {} ns", median(0), median(1));
    assert!(median(1) > 1.1 * median(0), "{shards:?}");

    // Ratios: each config's against its own shard's baseline, as in the unsharded run.
    for c in configs(&whole) {
        let name = c["name"].as_str().unwrap();
        assert_eq!(ratio(&merged, name, "size"), ratio(&whole, name, "size"), "`{name}`: size is exact");
        let (w, m) = (ratio(&whole, name, "startup"), ratio(&merged, name, "startup"));
        eprintln!("{name}: startup ratio unsharded {w:.4}, merged {m:.4} ({:+.2}%)", (m / w - 1.0) * 100.0);
        // Exactly its own shard's ratio: the merge moved no config to another baseline.
        let own = [&first, &second].into_iter().find(|r| configs(r).iter().any(|c| c["name"] == name)).unwrap();
        let s = ratio(own, name, "startup");
        assert!((m / s - 1.0).abs() < 1e-6, "`{name}`: merged {m}, in its shard {s}");
        if (w - 1.0).abs() > 0.1 {
            assert!((m / w - 1.0).abs() <= 0.05, "`{name}`: merged startup ratio {m} vs unsharded {w}");
        }
    }
    assert_eq!(merged["verdict"]["recommended"], whole["verdict"]["recommended"], "{report}");
    assert!(!merged["effects"].as_array().unwrap().is_empty(), "effects from the merged ratios");

    // The report says who measured what, and what the absolute times are.
    let machine = first["machine"]["cpu_model"].as_str().unwrap();
    for k in ["1/2", "2/2"] {
        let line = report.lines().find(|l| l.contains(&format!("shard {k}: "))).unwrap_or_else(|| panic!("{report}"));
        assert!(line.contains(machine) && line.contains(" configs"), "{line}");
    }
    assert!(report.contains("relative to the pooled baseline"), "{report}");
    let table = p.run(&["report", "last"]).success().stdout_text();
    assert!(table.contains("shard 1/2: ") && table.contains("shard 2/2: "), "{table}");
    // The baseline ran in both shards' rounds, every other config in one shard's.
    assert!(table.contains(" · 10 runs each, the baseline 20 (in every shard) · "), "{table}");

    // The binaries and escape reports stay with the shards: size and escape say which to ask.
    let err = p.run(&["size", "last"]).code(1).stderr_text();
    assert!(err.contains("was merged from shards") && err.contains("shard 1/2: run "), "{err}");
    let err = p.run(&["explain", "last"]).code(1).stderr_text();
    assert!(err.contains("was merged from shards"), "{err}");
    let err = p.run(&["escape", "last"]).code(1).stderr_text();
    assert!(err.contains("was merged from shards") && err.contains("shard 2/2: run "), "{err}");

    // In the same test, not beside it: a test running in parallel would load this one's runs.
    refusals(&p, &one);
}

/// The merges refused: one run, a shard twice, a whole run, another matrix (unless --force),
/// another baseline binary (even with --force).
fn refusals(p: &Project, one: &std::path::Path) {
    let err = p.run(&["merge", arg(one)]).code(1).stderr_text();
    assert!(err.contains("at least 2 shards"), "{err}");
    let err = p.run(&["merge", arg(one), arg(one), "--force"]).code(1).stderr_text();
    assert!(err.contains("are both shard 1/2"), "{err}");
    let (whole, _) = tune(p, "3", &[], None);
    let err = p.run(&["merge", arg(one), arg(&whole)]).code(1).stderr_text();
    assert!(err.contains("is not a shard"), "{err}");

    // Another matrix: refused, naming it, unless --force.
    let other = p.outside("other.toml");
    let matrix = MATRIX.split_once("[matrix]").unwrap().1.replace("\"60\"", "\"90\"");
    std::fs::write(&other, format!("[matrix]{matrix}")).unwrap();
    let (two, _) = tune(p, "3", &["--shard", "2/2", "--matrix", arg(&other)], None);
    let err = p.run(&["merge", arg(one), arg(&two)]).code(1).stderr_text();
    assert!(err.contains("matrices (their axes) differ") && err.contains("--force"), "{err}");
    p.run(&["merge", arg(one), arg(&two), "--force"]).success();

    // Shards that measured fewer rounds merge, with a note; cold starts against warm ones do
    // not, unless --force: their ratios are other quantities.
    let (short, _) = tune(p, "3", &["--shard", "2/2"], None);
    let err = p.run(&["merge", arg(one), arg(&short)]).success().stderr_text();
    assert!(err.contains("note: [measure] settings differ"), "{err}");
    let (cold, _) = tune(p, "3", &["--shard", "2/2", "--cold"], None);
    let err = p.run(&["merge", arg(one), arg(&cold)]).code(1).stderr_text();
    assert!(err.contains("start-up conditions ([measure] cold) differ"), "{err}");

    // The same matrix, but the source changed between the shards: the baseline binary differs,
    // and no --force merges that.
    let source = std::fs::read_to_string(p.path("main.go")).unwrap();
    std::fs::write(
        p.path("main.go"),
        source.replace("func main() {", "func main() {\n\tif len(os.Args) > 9 {\n\t\tprintln(\"changed\")\n\t}"),
    )
    .unwrap();
    let (changed, _) = tune(p, "3", &["--shard", "2/2"], None);
    let err = p.run(&["merge", arg(one), arg(&changed), "--force"]).code(1).stderr_text();
    assert!(err.contains("the baseline `default` differs between shards"), "{err}");
    assert!(err.contains("binary SHA-256"), "{err}");
}
