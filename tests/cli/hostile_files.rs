//! Hostile files and input: a value that tries to become a line of gostart.toml, a results.json
//! made elsewhere, links planted where gostart writes, names that climb out of their folder,
//! a report aimed at a saved run, a user's own files in `--target-dir .`, a second run in the
//! same target dir, and escape sequences in what gostart echoes.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::project::{Printed, Project, arg, configs, read_json};

const QUICK: &str = "[measure]\nruns = 2\nwarmup = 0\ninittrace = false\n";
/// Size alone decides (it is exact), so the stripped config is always recommended.
const SIZE_DECIDES: &str = "[rank]\nweights = { startup = 0.0, size = 1.0, escapes = 0.0 }\n";

/// `tune --format json` that succeeds; returns the run.
fn tune(p: &Project, extra: &[&str]) -> Value {
    let mut args = vec!["tune", "--no-escapes", "--format", "json"];
    args.extend_from_slice(extra);
    p.run(&args).success().stdout_json()
}

/// How many run folders `.gostart/runs` (or `dir`'s runs) holds.
fn runs_in(dir: &Path) -> usize {
    fs::read_dir(dir.join("runs")).map_or(0, |d| d.count())
}

/// No control character but newline and tab reached the terminal.
fn assert_no_raw_controls(text: &str) {
    let raw: Vec<char> = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\t')).collect();
    assert!(raw.is_empty(), "raw control characters {raw:?} in:\n{}", text.escape_debug());
}

// ─── Values are never code ──────────────────────────────────────────────────────────────

#[test]
fn a_newline_in_a_matrix_value_stays_inside_its_string_when_applied() {
    // The stripped build is the only one with NOTE set, so a name with newlines is recommended.
    // Written into a comment as it was, its second line became a live `GOFLAGS` key of the
    // table above the new profile: here [matrix.env], an axis that the next tune builds with.
    let evil = r#"x\nGOFLAGS = [\"-toolexec=/bin/false\"]\n#"#;
    let toml = format!(
        "{QUICK}{SIZE_DECIDES}\n[matrix]\nldflags = [\"\", \"-s -w\"]\n\n[[matrix.exclude]]\nldflags = \"\"\nenv = {{ NOTE = \"{evil}\" }}\n\n\
         [[matrix.exclude]]\nldflags = \"-s -w\"\nenv = {{ NOTE = \"\" }}\n\n[matrix.env]\nNOTE = [\"\", \"{evil}\"]\n"
    );
    let p = Project::from_fixture("hello").file("gostart.toml", &toml);
    let run = tune(&p, &[]);
    let recommended = run["verdict"]["recommended"].as_str().unwrap();
    // The name quotes the value, so it is one line; the value itself holds the newlines.
    assert!(
        recommended.contains("NOTE=\"x\\nGOFLAGS = "),
        "the recommendation is the config with newlines: {recommended}"
    );
    let chosen = configs(&run).iter().find(|c| c["name"] == recommended).unwrap();
    assert!(chosen["flags"]["env"]["NOTE"].as_str().unwrap().contains("\nGOFLAGS = "), "{chosen}");

    let stderr = p.run(&["apply"]).success().stderr_text();
    assert!(stderr.contains(r#"NOTE="x\nGOFLAGS"#), "the name is shown on one line:\n{stderr}");
    let before: toml::Table = toml::from_str(&toml).unwrap();
    let mut written: toml::Table = toml::from_str(&fs::read_to_string(p.path("gostart.toml")).unwrap()).unwrap();
    let profiles = written.remove("profile").expect("a [profile] table");
    assert_eq!(written, before, "apply changed more than the profile");
    let tuned = profiles["tuned"].as_table().unwrap();
    assert_eq!(tuned.keys().collect::<Vec<_>>(), ["env", "ldflags"]);
    assert!(tuned["env"]["NOTE"].as_str().unwrap().starts_with("x\nGOFLAGS = "));

    // The next commands see the same two configurations, and the profile builds.
    let meta = p.run(&["metadata", "--format-version", "1"]).success().stdout_json();
    let configs = meta["matrix"]["configs"].as_array().unwrap();
    assert_eq!(configs.len(), 2);
    assert!(configs.iter().all(|c| c["flags"]["env"].get("GOFLAGS").is_none()), "{configs:?}");
    let out = p.run(&["build", "--profile", "tuned"]).success().stdout_text();
    assert!(Path::new(out.trim()).is_file(), "{out}");
}

/// A copy of `run` with `change` applied, written outside the project; its path.
fn crafted(p: &Project, run: &Value, name: &str, change: impl FnOnce(&mut Value)) -> String {
    let mut copy = run.clone();
    change(&mut copy);
    let path = p.outside(&format!("{name}.json"));
    fs::write(&path, serde_json::to_vec(&copy).unwrap()).unwrap();
    arg(&path).to_owned()
}

/// The recommended config of a results document, to change. Its binary's recorded build
/// settings are dropped, as a crafter would: flags that disagree with them fail the provenance
/// self-check on load, which keeps the config out of the recommendation before `apply`'s own
/// checks see it.
fn recommended(run: &mut Value) -> &mut Value {
    let name = run["verdict"]["recommended"].clone();
    let c = run["configs"].as_array_mut().unwrap().iter_mut().find(|c| c["name"] == name).unwrap();
    c["build"]["settings"] = serde_json::json!({});
    c
}

/// A change made to a results document.
type Change = Box<dyn FnOnce(&mut Value)>;

#[test]
fn a_crafted_results_json_is_refused_and_gostart_toml_is_left_as_it_was() {
    let toml = format!("{QUICK}{SIZE_DECIDES}\n[matrix]\nldflags = [\"\", \"-s -w\"]\n");
    let p = Project::from_fixture("hello").file("gostart.toml", &toml);
    let run = tune(&p, &[]);
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "escape",
            Box::new(|r| recommended(r)["flags"]["ldflags"] = "-s -w\u{1b}]0;pwned\u{7}".into()),
            "`ldflags` of its recommendation holds a control character (`-s -w\\x1b]0;pwned\\x07`)",
        ),
        ("run-id", Box::new(|r| r["run_id"] = "../../x\n[target]".into()), "is not a valid run id"),
        (
            "buildmode",
            Box::new(|r| recommended(r)["flags"]["buildmode"] = "c-shared".into()),
            "buildmode `c-shared` of its recommendation does not make a program gostart can start",
        ),
        ("own-flag", Box::new(|r| recommended(r)["flags"]["ldflags"] = "-s -o /tmp/x".into()), "gostart sets `-o`"),
        (
            "env-name",
            Box::new(|r| recommended(r)["flags"]["env"] = serde_json::json!({"A\n[target]": "1"})),
            "`env name` of its recommendation holds a control character",
        ),
    ];
    for (name, change, expected) in cases {
        let path = crafted(&p, &run, name, change);
        let stderr = p.run(&["apply", &path]).code(1).stderr_text();
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert_no_raw_controls(&stderr);
        assert_eq!(fs::read_to_string(p.path("gostart.toml")).unwrap(), toml, "{name} changed gostart.toml");
    }
    // A verdict is never taken from the file: it is ranked anew from the samples on load.
    let unknown = crafted(&p, &run, "unknown", |r| r["verdict"]["recommended"] = "nope".into());
    let stderr = p.run(&["apply", &unknown, "--dry-run"]).success().stderr_text();
    assert!(!stderr.contains("nope") && stderr.contains("(recommended by run"), "{stderr}");
    // A value that is valid but names a program is written as data, with a warning to check it.
    let goflags = crafted(&p, &run, "goflags", |r| {
        recommended(r)["flags"]["env"] = serde_json::json!({"GOFLAGS": "-toolexec=/bin/false"});
    });
    let stderr = p.run(&["apply", &goflags, "--dry-run"]).success().stderr_text();
    assert!(stderr.contains("+env = { GOFLAGS = \"-toolexec=/bin/false\" }"), "{stderr}");
    assert!(stderr.contains("warning: this profile sets env GOFLAGS, which make `go build` run"), "{stderr}");
    assert_eq!(fs::read_to_string(p.path("gostart.toml")).unwrap(), toml);
    let clean = crafted(&p, &run, "clean", |_| {});
    let stderr = p.run(&["apply", &clean, "../x"]).code(1).stderr_text();
    assert!(stderr.contains("`../x` is not a valid profile name"), "{stderr}");
    // The same run, untouched, applies: the refusals above are the changes'.
    p.run(&["apply", &clean]).success();
    assert!(fs::read_to_string(p.path("gostart.toml")).unwrap().contains("[profile.tuned]\nldflags = \"-s -w\"\n"));
}

// ─── Nothing is written through a link or outside the target dir ────────────────────────

#[test]
fn a_symlinked_last_is_never_written_through() {
    let p = Project::from_fixture("hello").file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\"]\n"));
    let victim = p.outside("victim");
    fs::write(&victim, "precious\n").unwrap();
    fs::create_dir(p.path(".gostart")).unwrap();
    symlink(&victim, p.path(".gostart/last")).unwrap();
    let stderr = p.run(&["tune", "--no-escapes"]).code(1).stderr_text();
    assert!(stderr.contains(".gostart/last is not gostart's (it is a symbolic link (to "), "{stderr}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(runs_in(&p.path(".gostart")), 0, "a run was started");

    // A dangling link: following it would create the file it names.
    fs::remove_file(p.path(".gostart/last")).unwrap();
    symlink(p.outside("created"), p.path(".gostart/last")).unwrap();
    p.run(&["tune", "--no-escapes"]).code(1);
    assert!(!p.outside("created").exists());
    let stderr = p.run(&["report"]).code(1).stderr_text();
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
}

#[test]
fn init_never_writes_through_a_symlinked_gostart_toml() {
    let p = Project::from_fixture("hello");
    let victim = p.outside("victim.toml");
    fs::write(&victim, "precious\n").unwrap();
    symlink(&victim, p.path("gostart.toml")).unwrap();
    let stderr = p.run(&["init"]).code(1).stderr_text();
    assert!(stderr.contains("exists"), "{stderr}");
    let stderr = p.run(&["init", "--force"]).code(1).stderr_text();
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    // A dangling link is not written through either: following it would create its target.
    fs::remove_file(p.path("gostart.toml")).unwrap();
    symlink(p.outside("created.toml"), p.path("gostart.toml")).unwrap();
    p.run(&["init", "--force"]).code(1);
    assert!(!p.outside("created.toml").exists());
}

#[test]
fn a_symlinked_target_dir_runs_folder_or_run_folder_is_refused() {
    let p = Project::from_fixture("hello").file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\"]\n"));
    let outside = p.outside("outside");
    fs::create_dir(&outside).unwrap();
    symlink(&outside, p.path(".gostart")).unwrap();
    let stderr = p.run(&["tune", "--no-escapes"]).code(1).stderr_text();
    assert!(stderr.contains(".gostart is a symbolic link") && stderr.contains("--target-dir"), "{stderr}");
    fs::remove_file(p.path(".gostart")).unwrap();
    fs::create_dir(p.path(".gostart")).unwrap();
    symlink(&outside, p.path(".gostart/runs")).unwrap();
    let stderr = p.run(&["tune", "--no-escapes"]).code(1).stderr_text();
    assert!(stderr.contains(".gostart/runs is a symbolic link"), "{stderr}");
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0, "written through the link");

    // A run folder swapped for a link is not read (a resumed run would write there).
    fs::remove_file(p.path(".gostart/runs")).unwrap();
    let id = tune(&p, &[])["run_id"].as_str().unwrap().to_owned();
    fs::rename(p.path(".gostart/runs").join(&id), outside.join(&id)).unwrap();
    symlink(outside.join(&id), p.path(".gostart/runs").join(&id)).unwrap();
    for which in [id.as_str(), "last"] {
        let stderr = p.run(&["report", which]).code(1).stderr_text();
        assert!(stderr.contains(&format!("runs/{id} is a symbolic link")), "{which}: {stderr}");
    }
}

#[test]
fn build_profile_names_cannot_climb_out_of_the_module() {
    let p = Project::from_fixture("hello").file("gostart.toml", "[profile.release]\nldflags = \"-s -w\"\n");
    let stderr = p.run(&["build", "--profile", "../../x"]).code(1).stderr_text();
    assert!(stderr.contains("`../../x` is not a valid profile name: it holds a path separator"), "{stderr}");
    assert!(!p.outside("x").exists() && !p.path(".gostart").exists());

    // Where the config is loaded, at its place.
    let p2 = Project::from_fixture("hello").file("gostart.toml", "[profile.release]\n\n[profile.\"../../x\"]\n");
    let stderr = p2.run(&["build", "--profile", "release"]).code(1).stderr_text();
    assert!(stderr.starts_with("error: gostart.toml:3:10: `../../x` is not a valid profile name"), "{stderr}");

    // A link on the way to the binary is not followed.
    let outside = p.outside("outside");
    fs::create_dir(&outside).unwrap();
    fs::create_dir(p.path(".gostart")).unwrap();
    symlink(&outside, p.path(".gostart/build")).unwrap();
    let stderr = p.run(&["build", "--profile", "release"]).code(1).stderr_text();
    assert!(stderr.contains(".gostart/build is a symbolic link"), "{stderr}");
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
    fs::remove_file(p.path(".gostart/build")).unwrap();
    let out = p.run(&["build", "--profile", "release"]).success().stdout_text();
    assert_eq!(Path::new(out.trim()), p.path(".gostart/build/release/hello"));
}

#[test]
fn a_report_never_overwrites_a_saved_runs_files() {
    let p = Project::from_fixture("hello").file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\"]\n"));
    let id = tune(&p, &[])["run_id"].as_str().unwrap().to_owned();
    let results = p.path(".gostart/runs").join(&id).join("results.json");
    let before = fs::read(&results).unwrap();
    fs::create_dir(p.outside("elsewhere")).unwrap();
    symlink(&results, p.path("link.json")).unwrap();
    let roundabout = format!("../elsewhere/../hello/.gostart/runs/{id}/results.json");
    for (output, expected) in [
        (format!(".gostart/runs/{id}/results.json"), "inside the saved run"),
        (format!(".gostart/runs/{id}/report.md"), "inside the saved run"),
        (roundabout, "inside the saved run"),
        ("link.json".to_owned(), "inside the saved run"),
        (".gostart/last".to_owned(), "the `last` file of gostart's target dir"),
    ] {
        let stderr = p.run(&["report", "--format", "markdown", "-o", &output]).code(1).stderr_text();
        assert!(stderr.contains(expected), "{output}: {stderr}");
    }
    assert_eq!(fs::read(&results).unwrap(), before);
    assert!(!p.path(format!(".gostart/runs/{id}/report.md").as_str()).exists());

    // A link outside the target dir is not written through either.
    fs::write(p.outside("victim"), "mine\n").unwrap();
    symlink(p.outside("victim"), p.path("report.md")).unwrap();
    let stderr = p.run(&["report", "-o", "report.md"]).code(1).stderr_text();
    assert!(stderr.contains("report.md is a symbolic link"), "{stderr}");
    assert_eq!(fs::read_to_string(p.outside("victim")).unwrap(), "mine\n");
    p.run(&["report", "-o", "mine.md", "--format", "markdown"]).success();
    assert!(p.path("mine.md").is_file());
}

#[test]
fn target_dir_dot_never_overwrites_the_users_files() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\"]\n"))
        .file(".gitignore", "bin/\n")
        .file("last", "my notes\n");
    let stderr = p.run(&["tune", "--no-escapes", "--target-dir", "."]).code(1).stderr_text();
    assert!(stderr.contains("last is not gostart's (it holds `my notes`, not a run id)"), "{stderr}");
    assert_eq!(fs::read_to_string(p.path("last")).unwrap(), "my notes\n");
    assert!(!p.path("runs").exists());

    fs::remove_file(p.path("last")).unwrap();
    let id = tune(&p, &["--target-dir", "."])["run_id"].as_str().unwrap().to_owned();
    assert_eq!(fs::read_to_string(p.path(".gitignore")).unwrap(), "bin/\n", "the user's .gitignore was changed");
    assert_eq!(fs::read_to_string(p.path("last")).unwrap(), format!("{id}\n"));
    assert!(p.path("runs").join(&id).join("results.json").is_file());
}

// ─── One run at a time ──────────────────────────────────────────────────────────────────

#[test]
fn a_second_tune_says_who_holds_the_target_dir_and_tune_wait_waits_for_it() {
    let p = Project::from_fixture("gate");
    let gate = p.outside("open");
    let toml = format!(
        "[measure]\nruns = 1\nwarmup = 0\ninittrace = false\ntimeout = \"150s\"\n\n[target]\nenv = {{ GATE_FILE = {:?} }}\n\n[matrix]\nldflags = [\"\"]\n",
        arg(&gate)
    );
    let p = p.file("gostart.toml", &toml);
    let mut first = p.std_cmd().args(["tune", "--no-escapes", "--format", "json"]).spawn().unwrap();
    let lock = p.path(".gostart/lock");
    let holder = format!("pid: {}\n", first.id());
    let started = Instant::now();
    while !fs::read_to_string(&lock).is_ok_and(|t| t.contains(&holder)) {
        assert!(started.elapsed() < Duration::from_secs(120), "the first tune never took the lock");
        assert!(first.try_wait().unwrap().is_none(), "the first tune ended before the test opened its gate");
        std::thread::sleep(Duration::from_millis(50));
    }

    let stderr = p.run(&["tune", "--no-escapes"]).code(75).stdout("").stderr_text();
    assert!(
        stderr.contains(&format!(
            "another gostart is writing runs in {} (pid {}",
            p.path(".gostart").display(),
            first.id()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("gostart tune --no-escapes --format json`") && stderr.contains("--wait"), "{stderr}");
    assert_eq!(runs_in(&p.path(".gostart")), 1, "the refused tune made a run folder");

    let mut waiting = p.std_cmd().args(["tune", "--no-escapes", "--format", "json", "--wait"]).spawn().unwrap();
    let mut err = BufReader::new(waiting.stderr.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("gostart: waiting for the run writing in") {
        let mut line = String::new();
        assert!(err.read_line(&mut line).unwrap() > 0, "tune --wait ended without waiting:\n{seen}");
        seen.push_str(&line);
    }
    assert!(seen.contains(&format!("pid {}", first.id())), "{seen}");
    assert_eq!(runs_in(&p.path(".gostart")), 1, "tune --wait started its run while the lock was held");

    fs::write(&gate, "").unwrap();
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let second = waiting.wait_with_output().unwrap();
    assert_eq!(second.status.code(), Some(0), "{seen}{rest}");
    let a: Value = serde_json::from_slice(&first.stdout).unwrap();
    let b: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_ne!(a["run_id"], b["run_id"]);
    assert_eq!(runs_in(&p.path(".gostart")), 2);
    let last = fs::read_to_string(p.path(".gostart/last")).unwrap();
    assert_eq!(last.trim(), b["run_id"].as_str().unwrap());
    assert_eq!(read_json(&p.path(".gostart/runs").join(last.trim()).join("results.json"))["run_id"], b["run_id"]);
}

// ─── Escape sequences are shown, not obeyed ─────────────────────────────────────────────

#[test]
fn escape_sequences_from_argv_and_config_are_printed_escaped() {
    let p = Project::from_fixture("hello");
    // An error of gostart's own, quoting an argument.
    let stderr = p.run(&["tune", "--preset", "\u{1b}]0;pwned\u{7}"]).code(1).stderr_text();
    assert!(stderr.contains("there is no preset `\\x1b]0;pwned\\x07`"), "{stderr}");
    assert_no_raw_controls(&stderr);
    // clap's errors: still exit 2.
    for args in [&["tune", "--runs", "\u{1b}[2J"][..], &["\u{1b}[2Jtune"], &["tune", "--bogus\u{9b}31m"]] {
        let stderr = p.run(args).code(2).stdout("").stderr_text();
        assert!(
            stderr.starts_with("error: ") && (stderr.contains("\\x1b[2J") || stderr.contains("\\u{9b}31m")),
            "{stderr}"
        );
        assert_no_raw_controls(&stderr);
    }
    // A config error echoes the line it points at; multi-line messages keep their lines.
    let p = p.file("gostart.toml", "# \u{1b}]0;pwned\u{7}\n[measure]\nruns = 3\n");
    let stderr = p.run(&["matrix"]).code(1).stderr_text();
    assert!(stderr.starts_with("error: gostart.toml:1:"), "{stderr}");
    assert!(stderr.contains("\n  |\n1 | # \\x1b]0;pwned\\x07\n"), "{stderr}");
    assert_no_raw_controls(&stderr);
    // Help and version are clap's as before.
    assert!(p.run(&["--help"]).success().stdout_text().contains("Usage: gostart"));
    assert!(p.run(&["--version"]).success().stdout_text().starts_with("gostart "));
    assert!(p.run(&[]).code(2).stderr_text().contains("Usage: gostart"));
}
