//! `gostart explain` and the reports' "Why is it linked in?" section, on the explain fixture:
//! `internal/lexers` (and its `table`) reached only through `highlight`, `internal/styles`
//! reached through `highlight` and `themes`.

use serde_json::Value;

use crate::project::{Printed, Project};

const MAIN: &str = "fixture.test/explain";
const HIGHLIGHT: &str = "fixture.test/explain/highlight";
const LEXERS: &str = "fixture.test/explain/internal/lexers";
const TABLE: &str = "fixture.test/explain/internal/lexers/table";
const STYLES: &str = "fixture.test/explain/internal/styles";

/// The explain fixture, tuned plain and stripped with init traces; returns the project and its
/// results.json.
fn tuned() -> (Project, Value) {
    let p = Project::from_fixture("explain").file("gostart.toml", "[matrix]\nldflags = [\"\", \"-s -w\"]\n");
    let run = p.run(&["tune", "--runs", "5", "--no-escapes", "--format", "json"]).success().stdout_json();
    (p, run)
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

/// The entry for `package` in `list` (`slowest_init` or `largest`).
fn entry<'a>(x: &'a Value, list: &str, package: &str) -> &'a Value {
    x[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["package"] == package)
        .unwrap_or_else(|| panic!("no {package} in {list}: {x}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect()
}

#[test]
fn explain_shows_the_chain_the_exclusive_packages_and_the_import_to_drop() {
    let (p, _) = tuned();
    let x = p
        .run(&["explain", "--config", "default", "--package", "fixture.test/explain/internal/...", "--format", "json"])
        .success()
        .stdout_json();
    assert_eq!(x["config"], "default");
    assert_eq!(x["main"], MAIN);
    assert!(u(&x["init_runs"]) >= 1, "{x}");

    // lexers: only highlight brings it in (with its table package).
    let lexers = entry(&x, "slowest_init", LEXERS);
    assert_eq!(strings(&lexers["chain"]), [MAIN, HIGHLIGHT, LEXERS]);
    assert_eq!(u(&lexers["exclusive"]["packages"]), 2, "lexers and lexers/table: {lexers}");
    assert!(u(&lexers["init_ns"]) > 0, "{lexers}");
    assert!(u(&lexers["exclusive"]["bytes"]) >= u(&lexers["bytes"]), "{lexers}");
    assert!(u(&lexers["exclusive"]["init_ns"]) >= u(&lexers["init_ns"]), "{lexers}");
    let drop = &lexers["drop"];
    assert_eq!((drop["import"].as_str(), drop["imported_by"].as_str()), (Some(HIGHLIGHT), Some(MAIN)), "{lexers}");
    assert_eq!(u(&drop["saves"]["packages"]), 3, "highlight, lexers, lexers/table: {drop}");
    assert!(u(&drop["saves"]["bytes"]) >= u(&lexers["exclusive"]["bytes"]), "{drop}");
    // Narrower: lexers itself, imported by highlight.
    let narrow = &lexers["narrow_drop"];
    assert_eq!(
        (narrow["import"].as_str(), narrow["imported_by"].as_str()),
        (Some(LEXERS), Some(HIGHLIGHT)),
        "{lexers}"
    );
    assert_eq!(u(&narrow["saves"]["packages"]), 2, "{narrow}");

    // styles: reached through highlight and themes, so neither import takes it away; only
    // styles itself (with strings, which only it imports) does.
    let styles = entry(&x, "slowest_init", STYLES);
    assert_eq!(strings(&styles["chain"]), [MAIN, HIGHLIGHT, STYLES]);
    assert_eq!(u(&styles["exclusive"]["packages"]), 2, "{styles}");
    assert_eq!(styles["drop"]["import"], STYLES, "{styles}");
    assert_eq!(styles["drop"]["imported_by"], HIGHLIGHT, "{styles}");
    assert_eq!(u(&styles["drop"]["importers"]), 2, "highlight and themes: {styles}");
    assert_eq!(styles["narrow_drop"], Value::Null, "{styles}");

    // The table package has no init of its own but code: the same import takes it away.
    let table = entry(&x, "largest", TABLE);
    assert_eq!(strings(&table["chain"]), [MAIN, HIGHLIGHT, LEXERS, TABLE]);
    assert_eq!(table["drop"]["import"], HIGHLIGHT, "{table}");
    assert!(u(&table["bytes"]) > 0 && u(&table["exclusive"]["bytes"]) >= u(&table["bytes"]), "{table}");
    // What only lexers brings in counts the table's bytes too.
    let lexers_bytes = u(&entry(&x, "largest", LEXERS)["bytes"]);
    assert!(u(&lexers["exclusive"]["bytes"]) >= lexers_bytes + u(&table["bytes"]), "{x}");
    // Only the matching packages are explained.
    for list in ["slowest_init", "largest"] {
        for e in x[list].as_array().unwrap() {
            assert!(e["package"].as_str().unwrap().starts_with("fixture.test/explain/internal/"), "{e}");
        }
    }
}

#[test]
fn explain_tops_and_the_table_by_default() {
    let (p, run) = tuned();
    let x = p.run(&["explain", "--top", "2", "--format", "json"]).success().stdout_json();
    // The recommended config, else the baseline.
    let shown = run["verdict"]["recommended"].as_str().unwrap_or(run["baseline"].as_str().unwrap());
    assert_eq!(x["config"], shown);
    assert_eq!(x["slowest_init"].as_array().unwrap().len(), 2, "{x}");
    assert_eq!(x["largest"].as_array().unwrap().len(), 2, "{x}");
    // The largest is the runtime, which no import of the module alone brings in.
    let largest = &x["largest"][0];
    assert_eq!(largest["package"], "runtime", "{x}");
    assert_eq!(largest["drop"], Value::Null, "{largest}");
    assert_eq!(largest["chain"][0], MAIN);
    let sizes: Vec<u64> = x["largest"].as_array().unwrap().iter().map(|e| u(&e["bytes"])).collect();
    assert!(sizes[0] >= sizes[1], "{sizes:?}");

    let text = p.run(&["explain", "--package", LEXERS]).success().stdout_text();
    assert!(text.contains(&format!("chain: {MAIN} → {HIGHLIGHT} → {LEXERS}")), "{text}");
    assert!(
        text.contains(&format!("drop or lazily load `{HIGHLIGHT}` (imported by `{MAIN}`) and save about")),
        "{text}"
    );
}

#[test]
fn tune_s_reports_say_why_the_slow_packages_are_linked_in() {
    let (p, run) = tuned();
    let x = &run["explain"];
    let shown = run["verdict"]["recommended"].as_str().unwrap_or(run["baseline"].as_str().unwrap());
    assert_eq!(x["config"], shown, "{x}");
    assert_eq!(x["largest"].as_array().unwrap().len(), 3, "{x}");
    let slow = x["slowest_init"].as_array().unwrap();
    assert_eq!(slow.len(), 3, "{x}");
    assert!(slow.iter().any(|e| e["package"] == LEXERS), "lexers' 200000-entry table is among the 3 slowest: {x}");

    let table = p.run(&["report"]).success().stdout_text();
    assert!(table.contains(&format!("why is it linked in? ({shown}")), "{table}");
    let md = p.run(&["report", "--format", "markdown"]).success().stdout_text();
    assert!(md.contains("### Why is it linked in?"), "{md}");
    assert!(md.contains(&format!("`{LEXERS}`")), "{md}");
    let html = p.run(&["report", "--format", "html"]).success().stdout_text();
    assert!(html.contains("<h2>Why is it linked in?</h2>"), "{html}");
    assert!(html.contains(&format!("{MAIN} → {HIGHLIGHT} → {LEXERS}")), "{html}");

    // `gostart size` points at it.
    let stderr = p.run(&["size"]).success().stderr_text();
    assert!(stderr.contains("`gostart explain`"), "{stderr}");
}

#[test]
fn explain_refuses_a_pattern_that_matches_nothing_and_an_unknown_config() {
    let (p, _) = tuned();
    let stderr = p.run(&["explain", "--package", "nothing/here"]).code(1).stderr_text();
    assert!(stderr.contains("no package of the binary or its init trace matches `nothing/here`"), "{stderr}");
    let stderr = p.run(&["explain", "--config", "nope"]).code(1).stderr_text();
    assert!(stderr.contains("has no configuration `nope`"), "{stderr}");
}
