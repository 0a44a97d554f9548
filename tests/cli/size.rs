//! `gostart size`: a saved run's binaries by package and section, `--diff` between two of its
//! configs, `--package` filters, and the errors a user can cause.

use std::path::PathBuf;

use serde_json::Value;

use crate::project::{Printed, Project, config, read_json};

const MATRIX: &str = "[matrix]\nldflags = [\"\", \"-s -w\"]\n";
const STRIPPED: &str = "ldflags=\"-s -w\"";

/// The hello fixture, tuned plain and stripped; returns the project and its results.json.
fn tuned() -> (Project, Value) {
    let p = Project::from_fixture("hello").file("gostart.toml", MATRIX);
    let run =
        p.run(&["tune", "--runs", "10", "--no-escapes", "--no-inittrace", "--format", "json"]).success().stdout_json();
    (p, run)
}

/// The run folder of `run` in the project.
fn run_dir(p: &Project, run: &Value) -> PathBuf {
    p.path(".gostart/runs").join(run["run_id"].as_str().unwrap())
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a byte count: {v}"))
}

fn package<'a>(view: &'a Value, name: &str) -> &'a Value {
    view["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["package"] == name)
        .unwrap_or_else(|| panic!("no {name} in {view}"))
}

#[test]
fn size_json_attributes_every_byte_of_the_file() {
    let (p, run) = tuned();
    for name in ["default", STRIPPED] {
        let view = p.run(&["size", "--config", name, "--format", "json"]).success().stdout_json();
        assert_eq!(view["config"], name);
        // The file the run measured.
        assert_eq!(view["file_bytes"], config(&run, name)["size"]["bytes"], "{view}");
        let packages = view["packages"].as_array().unwrap();
        let in_packages: u64 = packages.iter().map(|p| u(&p["bytes"])).sum();
        let other: u64 = view["other"].as_object().unwrap().values().map(u).sum();
        assert_eq!(in_packages + other + u(&view["unattributed"]), u(&view["file_bytes"]), "{view}");
        for p in packages {
            let sections: u64 = p["sections"].as_object().unwrap().values().map(u).sum();
            assert_eq!(sections, u(&p["bytes"]), "{p}");
        }
        let sizes: Vec<u64> = packages.iter().map(|p| u(&p["bytes"])).collect();
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "the largest first: {sizes:?}");
        let runtime = package(&view, "runtime");
        assert!(u(&runtime["sections"][".text"]) > 100_000, "{runtime}");
        package(&view, "main");
    }
    // The default is the recommendation.
    let shown = p.run(&["size", "--format", "json"]).success().stdout_json();
    assert_eq!(shown["config"], run["verdict"]["recommended"]);
    let table = p.run(&["size", "--config", "default"]).success().stdout_text();
    for needle in ["config `default`", "runtime", ".text", "unattributed", "file"] {
        assert!(table.contains(needle), "{needle}:\n{table}");
    }
    assert!(table.lines().skip(1).all(|l| l.chars().count() <= 120), "{table}");
}

#[test]
fn size_diff_shows_stripping_removes_symbols_and_leaves_code_alone() {
    let (p, run) = tuned();
    // `--diff` with no value: against the baseline.
    let d = p.run(&["size", "--config", STRIPPED, "--diff", "--format", "json"]).success().stdout_json();
    assert_eq!((&d["config"], &d["base"]), (&Value::from(STRIPPED), &run["baseline"]));
    let file = &d["file_bytes"];
    assert_eq!(file["base"], config(&run, "default")["size"]["bytes"]);
    assert_eq!(file["config"], config(&run, STRIPPED)["size"]["bytes"]);
    assert!(file["change"].as_i64().unwrap() < 0, "{file}");
    let other = d["other"].as_array().unwrap();
    let shrank = |prefix: &str| {
        other.iter().any(|o| o["part"].as_str().unwrap().starts_with(prefix) && o["change"].as_i64().unwrap() < 0)
    };
    assert!(shrank(".symtab"), "{other:?}");
    assert!(shrank(".debug_") || shrank("DWARF") || shrank(".zdebug_"), "{other:?}");
    // The packages' changes and the parts' add up to the file's.
    let packages = d["packages"].as_array().unwrap();
    let total: i64 = packages.iter().chain(other).map(|x| x["change"].as_i64().unwrap()).sum::<i64>()
        + d["unattributed"]["change"].as_i64().unwrap();
    assert_eq!(total, file["change"].as_i64().unwrap(), "{d}");
    let changes: Vec<u64> = packages.iter().map(|p| p["change"].as_i64().unwrap().unsigned_abs()).collect();
    assert!(changes.windows(2).all(|w| w[0] >= w[1]), "the largest change first: {changes:?}");

    // The runtime's code is the same code, stripped or not.
    let code = |name: &str| {
        let view = p.run(&["size", "--config", name, "--format", "json"]).success().stdout_json();
        u(&package(&view, "runtime")["sections"][".text"]) as f64
    };
    let (plain, stripped) = (code("default"), code(STRIPPED));
    assert!((stripped / plain - 1.0).abs() <= 0.01, "runtime .text: {plain} plain, {stripped} stripped");
    let runtime = package(&d, "runtime");
    let text_change = runtime["sections"].get(".text").map_or(0, |c| c.as_i64().unwrap());
    assert_eq!(text_change as f64, stripped - plain, "{runtime}");

    // A named base, the other way round, as a table.
    let table = p.run(&["size", "--config", "default", "--diff", STRIPPED]).success().stdout_text();
    assert!(table.starts_with(&format!("config `default` against `{STRIPPED}`")), "{table}");
    assert!(table.contains(".symtab") && table.contains("file"), "{table}");
    assert!(table.lines().skip(1).all(|l| l.chars().count() <= 120), "{table}");
}

#[test]
fn size_package_filters_by_import_path() {
    let (p, _) = tuned();
    let view =
        p.run(&["size", "--config", "default", "--package", "runtime", "--format", "json"]).success().stdout_json();
    let names: Vec<&str> =
        view["packages"].as_array().unwrap().iter().map(|p| p["package"].as_str().unwrap()).collect();
    assert!(names.contains(&"runtime"), "{names:?}");
    assert!(names.iter().all(|n| *n == "runtime" || n.starts_with("runtime/")), "{names:?}");
    let all = p.run(&["size", "--config", "default", "--format", "json"]).success().stdout_json();
    // The parts outside packages and the file size are the whole file's still.
    assert_eq!((&view["file_bytes"], &view["other"]), (&all["file_bytes"], &all["other"]));
    let view = p
        .run(&["size", "--config", "default", "--package", "internal/...", "--format", "json"])
        .success()
        .stdout_json();
    let names: Vec<&str> =
        view["packages"].as_array().unwrap().iter().map(|p| p["package"].as_str().unwrap()).collect();
    assert!(!names.is_empty() && names.iter().all(|n| n.starts_with("internal/")), "{names:?}");
    let table = p.run(&["size", "--config", "default", "--package", "runtime"]).success().stdout_text();
    assert!(table.contains(" of ") && table.contains("runtime") && !table.contains(" main "), "{table}");
    let d = p
        .run(&["size", "--config", STRIPPED, "--diff", "--package", "fmt", "--format", "json"])
        .success()
        .stdout_json();
    let names: Vec<&str> = d["packages"].as_array().unwrap().iter().map(|p| p["package"].as_str().unwrap()).collect();
    assert_eq!(names, ["fmt"]);
    let stderr = p.run(&["size", "--package", "github.com/nosuch/..."]).code(1).stderr_text();
    assert!(stderr.contains("no package of the binary matches `github.com/nosuch/...`"), "{stderr}");
}

#[test]
fn size_names_an_unknown_config_and_a_deleted_binary() {
    let (p, run) = tuned();
    let stderr = p.run(&["size", "--config", "nosuch"]).code(1).stdout("").stderr_text();
    assert!(stderr.contains("has no configuration `nosuch`"), "{stderr}");
    assert!(stderr.contains("`default`") && stderr.contains(&format!("`{STRIPPED}`")), "{stderr}");
    let stderr = p.run(&["size", "--diff", "nosuch"]).code(1).stderr_text();
    assert!(stderr.contains("has no configuration `nosuch`"), "{stderr}");
    // By id too.
    let id = config(&run, STRIPPED)["id"].as_str().unwrap();
    p.run(&["size", "--config", id, "--format", "json"]).success();

    let build = config(&run, STRIPPED)["build_id"].as_str().unwrap();
    let results = read_json(&run_dir(&p, &run).join("results.json"));
    let binary = run_dir(&p, &run).join(results["binaries"][build]["path"].as_str().unwrap());
    std::fs::remove_file(&binary).unwrap();
    let stderr = p.run(&["size", "--config", STRIPPED]).code(1).stdout("").stderr_text();
    assert!(stderr.contains(&format!("{} does not exist", binary.display())), "{stderr}");
    // The other config still reads.
    p.run(&["size", "--config", "default", "--format", "json"]).success();
}
