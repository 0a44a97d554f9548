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

/// The lines of the size split's section in the terminal report.
fn split_lines(table: &str) -> Vec<&str> {
    let start = table.lines().position(|l| l.starts_with("size of the recommendation")).expect("the section");
    table.lines().skip(start).take_while(|l| !l.starts_with("verdict:")).collect()
}

/// Weights that rank by size alone, so that the verdict does not hang on a noisy startup.
const BY_SIZE: &str = "[rank]\nweights = { startup = 0.0, size = 1.0, max_rss = 0.0, escapes = 0.0 }\n";

/// `matrix` tuned with the verdict by size; returns the project and its results.json.
fn tuned_by_size(matrix: &str) -> (Project, Value) {
    let p = Project::from_fixture("hello").file("gostart.toml", &format!("{matrix}{BY_SIZE}"));
    let run =
        p.run(&["tune", "--runs", "10", "--no-escapes", "--no-inittrace", "--format", "json"]).success().stdout_json();
    (p, run)
}

#[test]
fn tune_splits_the_recommendations_size_by_package_and_section() {
    let (p, run) = tuned_by_size(MATRIX);
    assert_eq!(run["verdict"]["recommended"], STRIPPED);
    let s = &run["size_split"];
    assert_eq!((&s["config"], &s["base"]), (&Value::from(STRIPPED), &Value::from("default")));
    assert_eq!(s["file_bytes"]["base"], config(&run, "default")["size"]["bytes"]);
    assert_eq!(s["file_bytes"]["config"], config(&run, STRIPPED)["size"]["bytes"]);
    // `-s -w` removes the symbol table and DWARF...
    let other = s["other"].as_array().unwrap();
    let part = |name: &str| other.iter().find(|o| o["part"] == name).unwrap_or_else(|| panic!("no {name}: {other:?}"));
    for name in [".symtab", "DWARF"] {
        let gone = part(name);
        assert!(gone["config"].is_null() && gone["change"].as_i64().unwrap() < 0, "{gone}");
    }
    // ...and leaves the code alone.
    let packages = s["packages"].as_array().unwrap();
    let runtime = package(s, "runtime");
    let base_text = {
        let view = p.run(&["size", "--config", "default", "--format", "json"]).success().stdout_json();
        u(&package(&view, "runtime")["sections"][".text"]) as f64
    };
    let text_change = runtime["sections"].get(".text").map_or(0, |c| c.as_i64().unwrap());
    assert!((text_change as f64).abs() <= base_text * 0.01, "{runtime}");
    // The parts add up to the file change.
    let total: i64 = packages.iter().chain(other).map(|x| x["change"].as_i64().unwrap()).sum::<i64>()
        + s["unattributed"]["change"].as_i64().unwrap();
    assert_eq!(total, s["file_bytes"]["change"].as_i64().unwrap(), "{s}");
    // results.json keeps it.
    let results = run_dir(&p, &run).join("results.json");
    assert_eq!(&read_json(&results)["size_split"], s);

    // Every report shows it.
    let table = p.run(&["report"]).success().stdout_text();
    let lines = split_lines(&table);
    let section = lines.join("\n");
    for needle in [&format!("`{STRIPPED}` against `default`: file"), "by section: ", "DWARF", ".symtab", ".text "] {
        assert!(section.contains(needle), "{needle}:\n{section}");
    }
    assert!(lines.iter().all(|l| l.chars().count() <= 120), "{section}");
    let markdown = p.run(&["report", "--format", "markdown"]).success().stdout_text();
    assert!(
        markdown.contains("**Size of the recommendation against the baseline, by package and section:**"),
        "{markdown}"
    );
    assert!(markdown.contains("| `DWARF` |") && markdown.contains("| `.symtab` |"), "{markdown}");
    let html = p.run(&["report", "--format", "html"]).success().stdout_text();
    let (_, section) = html
        .split_once("<h2>Size of the recommendation against the baseline, by package and section</h2>")
        .expect("the HTML section");
    assert!(section.contains("<svg") && section.contains("DWARF (no package)"), "{section}");

    // A run saved before gostart recorded the split: `report` makes it from the binaries...
    let mut old = read_json(&results);
    old.as_object_mut().unwrap().remove("size_split");
    std::fs::write(&results, serde_json::to_vec_pretty(&old).unwrap()).unwrap();
    let reported = p.run(&["report", "--format", "json"]).success().stdout_json();
    assert_eq!(&reported["size_split"], s);
    // ...and leaves the section out when a binary is gone.
    let build = config(&run, "default")["build_id"].as_str().unwrap();
    std::fs::remove_file(run_dir(&p, &run).join(old["binaries"][build]["path"].as_str().unwrap())).unwrap();
    let reported = p.run(&["report", "--format", "json"]).success().stdout_json();
    assert!(reported.get("size_split").is_none(), "{}", reported["size_split"]);
    let table = p.run(&["report"]).success().stdout_text();
    assert!(!table.contains("size of the recommendation against the baseline"), "{table}");
}

#[test]
fn no_size_split_when_the_baseline_is_recommended() {
    // A tag no file uses changes only the build info, which grows by its setting.
    let (p, run) = tuned_by_size("[matrix]\ntags = [\"\", \"nosuchtag\"]\n");
    assert_eq!(run["verdict"]["recommended"], run["baseline"], "{}", run["verdict"]);
    assert!(run.get("size_split").is_none(), "{}", run["size_split"]);
    let table = p.run(&["report"]).success().stdout_text();
    assert!(!table.contains("size of the recommendation against the baseline"), "{table}");
}
