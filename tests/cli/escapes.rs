//! The escape and inlining report: collected per compile configuration on the real compiler's
//! output, stored in results.json, diffed across configurations.

use predicates::prelude::*;
use serde_json::Value;

use crate::modproxy::ModProxy;
use crate::project::{Printed, Project, config, configs, read_json};

const MATRIX: &str = "[measure]\nruns = 2\nwarmup = 0\ninittrace = false\n[matrix]\ngcflags = [\"\", \"-l\"]\n";

/// `(kind, line, col, function, message)` of every site of a saved report.
fn sites(report: &Value) -> Vec<(String, u64, u64, String, String)> {
    report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap().to_owned(),
                s["line"].as_u64().unwrap(),
                s["col"].as_u64().unwrap(),
                s["function"].as_str().unwrap().to_owned(),
                s["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn tune_counts_escapes_per_compile_config_and_disabling_inlining_adds_one() {
    let p = Project::from_fixture("escapes").file("gostart.toml", MATRIX);
    let run = p.run(&["tune", "--format", "json"]).success().stdout_json();
    let default = &config(&run, "default")["escapes"];
    let no_inline = &config(&run, "gcflags=-l")["escapes"];
    assert_eq!(default["source"], "json+m");
    // newPoint's &point{}, counter's n and closure, p.x, and four Fprintln arguments.
    assert_eq!((default["heap"].as_u64(), default["moved_to_heap"].as_u64()), (Some(8), Some(1)));
    assert_eq!(default["inlined_calls"], 5);
    assert_eq!(default["leaking_params"], 1);
    assert_eq!(default["cannot_inline"], 1);
    // Without inlining, apply's leaking parameter moves main's v to the heap.
    assert_eq!((no_inline["heap"].as_u64(), no_inline["moved_to_heap"].as_u64()), (Some(9), Some(2)));
    assert_eq!(no_inline["inlined_calls"], 0);
    let ratio = config(&run, "gcflags=-l")["ratios"]["escapes"].as_f64().unwrap();
    assert!((ratio - 10.0 / 9.0).abs() < 1e-9, "{ratio}");
    assert_ne!(default["compile_id"], no_inline["compile_id"]);

    // The saved report places every site.
    let run_dir = p.path(".gostart/runs").read_dir().unwrap().next().unwrap().unwrap().path();
    let report = read_json(&run_dir.join(default["report"].as_str().unwrap()));
    let s = sites(&report);
    let at = |line, col| s.iter().filter(move |x| x.1 == line && x.2 == col);
    assert!(at(12, 33).any(|x| x.0 == "heap_escape" && x.3 == "newPoint" && x.4 == "&point{...} escapes to heap"));
    assert!(at(16, 2).any(|x| x.0 == "moved_to_heap" && x.3 == "counter" && x.4 == "moved to heap: n"));
    assert!(at(17, 9).any(|x| x.0 == "heap_escape" && x.3 == "counter"));
    assert!(at(21, 26).any(|x| x.0 == "leaking_param" && x.3 == "apply"));
    assert!(at(38, 19).any(|x| x.0 == "heap_escape" && x.3 == "main" && x.4 == "p.x escapes to heap"));
    assert!(at(33, 15).any(|x| x.0 == "inlined_call" && x.3 == "main"));
    // The slice stays on the stack: no heap site on its line.
    assert!(!s.iter().any(|x| x.1 == 37 && (x.0 == "heap_escape" || x.0 == "moved_to_heap")), "{s:?}");
    // Only the module's own code is reported (not the generic instantiation from GOROOT).
    assert!(report["sites"].as_array().unwrap().iter().all(|s| s["file"] == "main.go"));

    // Collection never touches what is timed: the measured binary has no diagnostic flags.
    let binary = config(&run, "default")["argv"][3].as_str().unwrap().to_owned();
    let bytes = std::fs::read(&binary).unwrap();
    let needle = b"-json=0";
    assert!(!bytes.windows(needle.len()).any(|w| w == needle), "the measured binary was built with -json");
}

#[test]
fn escape_diff_names_the_site_inlining_removed() {
    let p = Project::from_fixture("escapes").file("gostart.toml", MATRIX);
    p.run(&["tune", "--format", "json"]).success();
    let view = p.run(&["escape", "--config", "gcflags=-l", "--format", "json"]).success().stdout_json();
    assert_eq!(view["config"], "gcflags=-l");
    assert_eq!(view["base"], "default");
    let added: Vec<(u64, u64, &str, &str)> = view["diff"]["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["line"].as_u64().unwrap(),
                s["col"].as_u64().unwrap(),
                s["kind"].as_str().unwrap(),
                s["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(added, [(35, 2, "moved_to_heap", "moved to heap: v")]);
    let removed = view["diff"]["removed"].as_array().unwrap();
    assert!(removed.iter().any(|s| s["kind"] == "inlined_call" && s["line"] == 33 && s["name"] == "newPoint"));
    assert_eq!(view["top_functions"][0]["function"], "main");
    assert_eq!(view["packages"]["fixture.test/escapes"]["heap"], 9);

    // The table names the site with file:line:col.
    p.run(&["escape", "--config", "gcflags=-l"])
        .success()
        .stdout(predicate::str::contains("+ main.go:35:2  main  moved to heap: v"))
        .stdout(predicate::str::contains("heap 8 → 9"));
    p.run(&["escape", "--package", "nothing/..."])
        .code(1)
        .stderr(predicate::str::contains("no package of the report matches"));
    p.run(&["escape", "--config", "nope"])
        .code(1)
        .stderr(predicate::str::contains("there are reports for: default, gcflags=-l"));
}

#[test]
fn escape_without_a_saved_run_compiles_what_it_needs() {
    let p = Project::from_fixture("escapes").file("gostart.toml", MATRIX);
    let view = p.run(&["escape", "--config", "gcflags=-l", "--format", "json"]).success().stdout_json();
    assert_eq!(view["packages"]["fixture.test/escapes"]["heap"], 9);
    assert_eq!(view["diff"]["added"][0]["line"], 35);
    assert!(!p.path(".gostart/runs").exists(), "escape should not have tuned");
}

#[test]
fn a_program_where_nothing_escapes_has_an_empty_report_not_an_error() {
    let p = Project::from_fixture("hello").file("main.go", "package main\n\nfunc main() {}\n");
    let view = p.run(&["escape", "--format", "json"]).success().stdout_json();
    let heap: u64 = view["packages"].as_object().unwrap().values().map(|p| p["heap"].as_u64().unwrap()).sum();
    assert_eq!(heap, 0, "{view:#}");
    // A package pattern that matches nothing is still a mistake.
    let stderr = p.run(&["escape", "--package", "example.com/nope"]).code(1).stderr_text();
    assert!(stderr.contains("no package of the report matches `example.com/nope`"), "{stderr}");
}

#[test]
fn no_escapes_skips_the_report() {
    let p = Project::from_fixture("escapes").file("gostart.toml", MATRIX);
    let run = p.run(&["tune", "--no-escapes", "--format", "json"]).success().stdout_json();
    assert!(config(&run, "default")["escapes"].is_null());
    assert!(config(&run, "gcflags=-l")["ratios"]["escapes"].is_null());
}

const MODCACHE_MATRIX: &str = "[target]\npackage = \"example.com/tool/cmd/tool\"\n[measure]\nruns = 2\nwarmup = 0\n\
                               inittrace = false\n[matrix]\ntrimpath = [false, true]\ngcflags = [\"\", \"-l\"]\n";

/// The escape figures of a config, without what names the collection (`compile_id`, `report`,
/// its timing).
fn figures(escapes: &Value) -> Value {
    let mut v = escapes.clone();
    for key in ["compile_id", "report", "collect"] {
        v.as_object_mut().unwrap().remove(key);
    }
    v
}

/// A target that is a dependency's main package, in the module cache (fetched through a file
/// proxy, offline): `-trimpath` names its files `example.com/tool@v1.0.0/...`, which once read
/// as code outside the module (heap 0). `-trimpath` never changes escape analysis: configs
/// that differ only in it must report the same sites, and they must be the tool module's —
/// including cmd/tool/context.go, whose structured log the compiler overwrites with GOROOT's
/// context/context.go in one of the two namings.
#[test]
fn a_target_in_the_module_cache_has_the_same_escapes_with_trimpath() {
    let p = Project::from_fixture("modcache").file("gostart.toml", MODCACHE_MATRIX);
    let proxy = ModProxy::new(&p);
    proxy.serve("example.com/lib", "v1.0.0", &p.path("testdata/lib"));
    proxy.serve("example.com/tool", "v1.0.0", &p.path("testdata/tool"));
    let heap = |view: &Value, package: &str| view["packages"][package]["heap"].as_u64();
    let (main, shape) = ("example.com/tool/cmd/tool", "example.com/tool/internal/shape");

    // No saved run: `escape` compiles the baseline and the trimpath config now.
    let view = p
        .cmd()
        .envs(proxy.env())
        .args(["escape", "--config", "trimpath", "--format", "json"])
        .assert()
        .success()
        .stdout_json();
    assert!(proxy.gomodcache.join("example.com/tool@v1.0.0/cmd/tool/main.go").is_file(), "not in the module cache");
    assert_eq!(view["diff"]["added"], serde_json::json!([]), "{view:#}");
    assert_eq!(view["diff"]["removed"], serde_json::json!([]), "{view:#}");
    assert_eq!((heap(&view, main), heap(&view, shape)), (Some(6), Some(1)), "{view:#}");

    // GOFLAGS=-trimpath reaches every compile, the diagnostic one too: its names are
    // `example.com/tool@v1.0.0/...` throughout, and the heap figures are the same.
    let mut env = proxy.env();
    env.retain(|(k, _)| *k != "GOFLAGS");
    let trimmed = p
        .cmd()
        .envs(env)
        .env("GOFLAGS", "-mod=mod -trimpath")
        .args(["escape", "--format", "json"])
        .assert()
        .success()
        .stdout_json();
    assert_eq!((heap(&trimmed, main), heap(&trimmed, shape)), (Some(6), Some(1)), "{trimmed:#}");

    let run = p.cmd().envs(proxy.env()).args(["tune", "--format", "json"]).assert().success().stdout_json();
    let by_flags = |gcflags: &str, trimpath: bool| {
        configs(&run)
            .iter()
            .find(|c| c["flags"]["gcflags"] == gcflags && c["flags"]["trimpath"] == trimpath)
            .unwrap_or_else(|| panic!("no config with gcflags `{gcflags}`, trimpath {trimpath}"))
    };
    let run_dir = p.path(".gostart/runs").read_dir().unwrap().next().unwrap().unwrap().path();
    let own = [("cmd/tool/main.go", main), ("cmd/tool/context.go", main), ("internal/shape/shape.go", shape)];
    for gcflags in ["", "-l"] {
        let (plain, trimmed) = (&by_flags(gcflags, false)["escapes"], &by_flags(gcflags, true)["escapes"]);
        assert_eq!(plain["source"], "json+m");
        assert_eq!(plain["compile_id"], trimmed["compile_id"], "-trimpath changes no compiler decision");
        assert_eq!(figures(plain), figures(trimmed), "gcflags `{gcflags}`");
        assert!(plain["heap"].as_u64().unwrap() > 0, "{plain:#}");
        // The saved reports: the same sites, all in the tool module's own files.
        let report = |e: &Value| read_json(&run_dir.join(e["report"].as_str().unwrap()));
        let (a, b) = (report(plain), report(trimmed));
        assert_eq!(a["sites"], b["sites"], "gcflags `{gcflags}`");
        assert_eq!(a["from_m_only"], b["from_m_only"]);
        for s in a["sites"].as_array().unwrap() {
            assert!(own.iter().any(|(f, pkg)| s["file"] == *f && s["package"] == *pkg), "not the tool module's: {s}");
        }
    }
    let default = &by_flags("", false)["escapes"];
    // shape.New's &Rect{}; withName's &named{}; in main, lib.Pointers' copy (inlined),
    // context.Background's value and three Fprintln arguments.
    assert_eq!((default["heap"].as_u64(), default["moved_to_heap"].as_u64()), (Some(7), Some(1)));
    assert_eq!(default["inlined_calls"], 3);
    assert_eq!(by_flags("-l", true)["escapes"]["inlined_calls"], 0);
    assert_eq!(by_flags("", true)["ratios"]["escapes"], 1.0);
    let report = read_json(&run_dir.join(default["report"].as_str().unwrap()));
    let site = |line: u64, col: u64| {
        let s = report["sites"].as_array().unwrap().iter().find(|s| s["line"] == line && s["col"] == col).unwrap();
        (
            s["file"].as_str().unwrap().to_owned(),
            s["kind"].as_str().unwrap().to_owned(),
            s["function"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(site(10, 35), ("internal/shape/shape.go".into(), "heap_escape".into(), "New".into()));
    assert_eq!(site(15, 74), ("cmd/tool/context.go".into(), "heap_escape".into(), "withName".into()));
    // Whether GOROOT's context.go overwrote main's depends on where the module cache is
    // (`/tmp/...` sorts before `/usr/local/go/...`); either way the site is there.
    let from_m_only = report["from_m_only"].as_array().map_or(0, Vec::len);
    assert!(from_m_only <= 1, "{report:#}");
}

/// A module nested in the main module's directory tree (`sub/`, required through a replace) is
/// another module: without `-trimpath` its files are under the root, with it they are named
/// `fixture.test/nested/sub@v0.0.0/...`. Either way they are not counted.
#[test]
fn a_nested_module_is_not_the_main_modules_code() {
    let toml = "[measure]\nruns = 2\nwarmup = 0\ninittrace = false\n[matrix]\ntrimpath = [false, true]\n";
    let p = Project::from_fixture("nested").file("gostart.toml", toml);
    // No saved run yet: `escape` compiles, with GOFLAGS=-trimpath naming sub's files
    // `fixture.test/nested/sub@v0.0.0/...` and main's `fixture.test/nested/...`.
    let view =
        p.cmd().env("GOFLAGS", "-trimpath").args(["escape", "--format", "json"]).assert().success().stdout_json();
    let packages: Vec<&String> = view["packages"].as_object().unwrap().keys().collect();
    assert_eq!(packages, ["fixture.test/nested"]);
    assert_eq!(view["packages"]["fixture.test/nested"]["heap"], 3, "{view:#}");

    let run = p.run(&["tune", "--format", "json"]).success().stdout_json();
    let (plain, trimmed) = (&config(&run, "default")["escapes"], &config(&run, "trimpath")["escapes"]);
    assert_eq!(figures(plain), figures(trimmed));
    // main's &point{} and two Fprintln arguments; not sub's &Thing{}.
    assert_eq!(plain["heap"], 3, "{plain:#}");
    let run_dir = p.path(".gostart/runs").read_dir().unwrap().next().unwrap().unwrap().path();
    let report = read_json(&run_dir.join(plain["report"].as_str().unwrap()));
    assert!(report["sites"].as_array().unwrap().iter().all(|s| s["file"] == "main.go"), "{report:#}");
}
