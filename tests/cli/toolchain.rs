//! Toolchain sweeps: the `go` column when several Go versions built a run, `compare` explaining
//! a size change by package (two configs of one run, or two runs whose Go versions differ),
//! and the verdict's warning when its Go is not the one go.mod selects. The tests stay offline:
//! a second Go is written into a saved results.json, as `reproduce.rs` does.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::project::{Printed, Project, arg, read_json};

const MATRIX: &str = "[measure]\nruns = 3\nwarmup = 0\n\n[matrix]\nldflags = [\"\", \"-s -w\"]\n\n[rank]\n\
                      weights = { startup = 0.0, size = 1.0, escapes = 0.0 }\n";
const STRIPPED: &str = "ldflags=\"-s -w\"";

fn installed_go() -> String {
    let out = Command::new("go").args(["env", "GOVERSION"]).env("GOTOOLCHAIN", "local").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The hello fixture with `go.mod` as given, tuned plain and stripped (size alone decides, so
/// the stripped build wins); returns the project and its run folder.
fn tuned(go_mod: Option<&str>) -> (Project, PathBuf) {
    let mut p = Project::from_fixture("hello").file("gostart.toml", MATRIX);
    if let Some(text) = go_mod {
        p = p.file("go.mod", text);
    }
    let out = p
        .cmd()
        .env("GOTOOLCHAIN", "auto")
        .args(["tune", "--no-escapes", "--no-inittrace", "--format", "json"])
        .assert()
        .success()
        .stdout_json();
    let dir = p.path(".gostart/runs").join(out["run_id"].as_str().unwrap());
    (p, dir)
}

/// Edits the saved results.json of `dir`: `config`'s `go_version` becomes `version`.
fn built_by(dir: &Path, config: &str, version: &str) {
    let path = dir.join("results.json");
    let mut saved = read_json(&path);
    for c in saved["configs"].as_array_mut().unwrap() {
        if c["name"] == config {
            c["go_version"] = version.into();
        }
    }
    fs::write(&path, serde_json::to_string_pretty(&saved).unwrap()).unwrap();
}

#[test]
fn the_verdict_warns_when_go_mod_selects_another_go() {
    let go = installed_go();
    let go_mod = format!("module fixture.test/hello\n\ngo 1.26.0\n\ntoolchain {go}\n");
    let (p, dir) = tuned(Some(&go_mod));
    let saved = read_json(&dir.join("results.json"));
    // What a plain `go build` in the module selects, and the lines of go.mod that chose it.
    assert_eq!(saved["toolchain"]["selects"], go.as_str(), "{}", saved["toolchain"]);
    assert_eq!(saved["toolchain"]["go_line"], "1.26.0");
    assert_eq!(saved["toolchain"]["toolchain_line"], go.as_str());
    assert_eq!(saved["toolchain"]["gotoolchain"], "auto");
    assert_eq!(saved["verdict"]["recommended"], STRIPPED);
    assert!(saved["verdict"].get("toolchain").is_none(), "one Go built it all: {}", saved["verdict"]);
    let table = p.run(&["report"]).success().stdout_text();
    assert!(!table.contains("but go.mod selects"), "{table}");
    let header = table.lines().find(|l| l.contains(" config ")).unwrap();
    assert!(!header.contains(" go "), "one Go: no column: {table}");

    // The recommendation built by go1.27.3 (as GOTOOLCHAIN=go1.27.3 in the matrix would).
    built_by(&dir, STRIPPED, "go1.27.3");
    let warning = format!(
        "recommends go1.27.3, but go.mod selects {go}: add `toolchain go1.27.3` to go.mod (or set GOTOOLCHAIN=go1.27.3 \
         where you build) to ship it"
    );
    let table = p.run(&["report"]).success().stdout_text();
    assert!(table.contains(&format!("\n  warning: {warning}\n")), "{table}");
    let header = table.lines().find(|l| l.contains(" config ")).unwrap();
    assert!(header.contains(" go "), "{table}");
    let row = table.lines().find(|l| l.contains(&format!(" {STRIPPED} "))).unwrap();
    assert!(row.contains(" 1.27.3 "), "{table}");
    let short = go.strip_prefix("go").unwrap();
    let base = table.lines().find(|l| l.contains(" default ")).unwrap();
    assert!(base.contains(&format!(" {short} ")), "{table}");
    for l in table.lines().filter(|l| l.starts_with(['┌', '│', '╞', '└'])) {
        assert!(l.chars().count() <= 120, "{l}");
    }
    let md = p.run(&["report", "--format", "markdown"]).success().stdout_text();
    assert!(md.contains(&format!("> **Warning:** {warning}")), "{md}");
    assert!(md.contains("| score | go | note |") && md.contains(" | 1.27.3 | "), "{md}");
    let html = p.run(&["report", "--format", "html"]).success().stdout_text();
    assert!(html.contains("recommends go1.27.3, but go.mod selects"), "{html}");
    assert!(html.contains("<th>go</th>") && html.contains("<td>1.27.3</td>"), "{html}");
    let json = p.run(&["report", "--format", "json"]).success().stdout_json();
    assert_eq!(json["verdict"]["toolchain"]["recommends"], "go1.27.3");
    assert_eq!(json["verdict"]["toolchain"]["selects"], go.as_str());
    assert_eq!(json["verdict"]["toolchain"]["newer"], true);
    let csv = p.run(&["report", "--format", "csv"]).success().stdout_text();
    assert!(csv.lines().next().unwrap().ends_with(",go_version"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("\"ldflags=\"\"-s -w\"\"\"") && l.ends_with(",go1.27.3")), "{csv}");
}

#[test]
fn compare_explains_the_size_change_by_package() {
    let (p, dir) = tuned(None);
    let go = installed_go();

    // Two configurations of one run: always explained, `-s -w` removes the symbol table and
    // DWARF and leaves the packages' code alone.
    let args = ["compare", "last", "--config", "default", "--config", STRIPPED];
    let table = p.run(&args).success().stdout_text();
    assert!(table.contains(&format!("\nsize by package, `default → {STRIPPED}` ({go}):\n")), "{table}");
    assert!(
        table.contains(" · config `default` · ") && table.contains(&format!(" · config `{STRIPPED}` · ")),
        "{table}"
    );
    assert!(table.contains(" .symtab ") && table.contains("removed"), "{table}");
    let json = p.cmd().args(args).args(["--format", "json"]).assert().success().stdout_json();
    let rows = json["configs"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{json}");
    assert_eq!(rows[0]["name"], format!("default → {STRIPPED}"));
    let sizes = json["sizes"].as_array().unwrap();
    assert_eq!(sizes.len(), 1, "{json}");
    let d = &sizes[0]["diff"];
    let change = rows[0]["size_b"].as_i64().unwrap() - rows[0]["size_a"].as_i64().unwrap();
    assert_eq!(d["file_bytes"]["change"].as_i64().unwrap(), change, "{d}");
    let symtab = d["other"].as_array().unwrap().iter().find(|o| o["part"] == ".symtab").unwrap();
    assert_eq!(symtab["config"], Value::Null, "{symtab}");
    let runtime = d["packages"].as_array().unwrap().iter().find(|p| p["package"] == "runtime").unwrap();
    assert!(runtime["sections"].get(".text").is_none(), "code unchanged: {runtime}");

    // Two runs built by the same Go: nothing to explain. The same run in another folder, its
    // baseline's Go made go1.27.3: that configuration is explained.
    let twice = p.run(&["compare", arg(&dir), arg(&dir), "--format", "json"]).success().stdout_json();
    assert_eq!(twice["sizes"], serde_json::json!([]), "{twice}");
    let other = p.temp_dir().join("other-run");
    copy_dir(&dir, &other);
    built_by(&other, "default", "go1.27.3");
    let json = p.run(&["compare", arg(&dir), arg(&other), "--format", "json"]).success().stdout_json();
    let sizes = json["sizes"].as_array().unwrap();
    assert_eq!(sizes.len(), 1, "{json}");
    assert_eq!(
        (&sizes[0]["name"], &sizes[0]["go_a"], &sizes[0]["go_b"]),
        (&"default".into(), &go.as_str().into(), &"go1.27.3".into())
    );
    assert_eq!(sizes[0]["diff"]["file_bytes"]["change"], 0, "the same binary: {json}");
    let table = p.run(&["compare", arg(&dir), arg(&other)]).success().stdout_text();
    assert!(table.contains(&format!("\nsize by package, `default` ({go} → go1.27.3):\n")), "{table}");

    // A missing binary is said, and the rest still prints.
    let saved = read_json(&other.join("results.json"));
    let build_id =
        saved["configs"].as_array().unwrap().iter().find(|c| c["name"] == "default").unwrap()["build_id"].clone();
    let binary = other.join(saved["binaries"][build_id.as_str().unwrap()]["path"].as_str().unwrap());
    fs::remove_file(&binary).unwrap();
    let out = p.run(&["compare", arg(&dir), arg(&other)]).success().stdout_text();
    assert!(out.contains("cannot explain it: B: the binary of configuration `default` is missing"), "{out}");
    assert!(out.contains(" default ") && out.contains("B/A below 1"), "{out}");
    let json = p.run(&["compare", arg(&dir), arg(&other), "--format", "json"]).success().stdout_json();
    assert_eq!(json["sizes"][0]["diff"], Value::Null);
    assert!(json["sizes"][0]["missing"].as_str().unwrap().contains("is missing"), "{json}");

    // One run and not two configurations: a usage error that says what to give.
    let err = p.run(&["compare", "last", "--config", "default"]).failure().stderr_text();
    assert!(err.contains("gostart compare RUN --config A --config B"), "{err}");
    let err = p.run(&["compare", "last", "--config", "default", "--config", "nope"]).failure().stderr_text();
    assert!(err.contains("has no configuration `nope`"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}
