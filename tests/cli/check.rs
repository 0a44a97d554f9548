//! `gostart check --base REV`: a fixture made a git repository in the test, the base built in a
//! work tree under the target dir and raced against the working tree.

use std::path::Path;

use crate::project::{Printed, Project};

/// `git ARGS` in `dir`, with an identity of its own; panics when git fails.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=gostart test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("cannot run git");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The hello fixture as a git repository with one commit.
fn repo() -> Project {
    let p = Project::from_fixture("hello").file(".gitignore", ".gostart/\n");
    git(p.root(), &["init", "--quiet", "--initial-branch=main"]);
    git(p.root(), &["add", "."]);
    git(p.root(), &["commit", "--quiet", "-m", "hello"]);
    p
}

/// A second commit that writes `file`.
fn commit(p: &Project, file: &str, contents: &str) {
    std::fs::write(p.path(file), contents).unwrap();
    git(p.root(), &["add", "."]);
    git(p.root(), &["commit", "--quiet", "-m", file]);
}

/// The work trees git knows of, and what is left under the target dir's check/.
fn assert_worktree_gone(p: &Project) {
    let list = git(p.root(), &["worktree", "list", "--porcelain"]);
    assert_eq!(list.matches("worktree ").count(), 1, "a work tree is left:\n{list}");
    let check = p.path(".gostart/check");
    let left: Vec<_> = std::fs::read_dir(&check).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "left in {}: {left:?}", check.display());
}

#[test]
fn an_unchanged_tree_is_within_budget_and_the_worktree_is_removed() {
    let p = repo();
    let out = p.run(&["check", "--base", "HEAD", "--max-runs", "40"]).code(0);
    let stdout = out.stdout_text();
    assert!(stdout.contains("within budget"), "{stdout}");
    assert!(stdout.contains("size") && stdout.contains("startup"), "{stdout}");
    assert_worktree_gone(&p);
    // Saved like a tune run: `report` reads it.
    p.run(&["report", "last"]).code(0);
}

#[test]
fn slower_startup_at_head_is_over_budget_with_exit_4() {
    let p = repo();
    // The fixture starts in about a millisecond: 3 ms more is far beyond +2%.
    commit(&p, "slow.go", "package main\n\nimport \"time\"\n\nfunc init() { time.Sleep(3 * time.Millisecond) }\n");
    let summary = p.outside("summary.md");
    let out = p
        .cmd()
        .args(["check", "--base", "HEAD~1", "--format", "markdown"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(4);
    let stdout = out.stdout_text();
    assert!(stdout.contains("over budget: startup"), "{stdout}");
    assert!(stdout.contains("| startup |"), "{stdout}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("**OVER BUDGET**"), "{md}");
    assert_worktree_gone(&p);
}

#[test]
fn a_big_table_at_head_is_over_the_size_budget() {
    let p = repo();
    let table: String = (0..300_000u32).map(|i| char::from(b'a' + (i * 7 % 26) as u8)).collect();
    let src = format!(
        "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nvar table = \"{table}\"\n\n\
         func init() {{\n\tif len(os.Args) > 9 {{\n\t\tfmt.Print(table)\n\t}}\n}}\n"
    );
    commit(&p, "table.go", &src);
    let out = p.run(&["check", "--base", "HEAD~1", "--budget", "size=+1%", "--format", "json"]).code(4);
    let doc = out.stdout_json();
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{doc}");
    assert_eq!(rows[0]["figure"], "size");
    assert_eq!(rows[0]["verdict"], "exceeded");
    // The sections say where the bytes went: the string is read-only data.
    let sections = doc["sections"].as_array().unwrap();
    let rodata = sections.iter().find(|s| s["name"] == ".rodata").unwrap_or_else(|| panic!("{doc}"));
    assert!(rodata["head"].as_u64().unwrap() >= rodata["base"].as_u64().unwrap() + 300_000, "{rodata}");
    assert_worktree_gone(&p);
}

#[test]
fn a_bad_revision_is_an_error_that_names_it() {
    let p = repo();
    let out = p.run(&["check", "--base", "no-such-branch"]).code(1);
    assert!(
        out.stderr_text().contains("--base no-such-branch: git knows no commit by that name"),
        "{}",
        out.stderr_text()
    );
    let out = p.run(&["check", "--base", "--output=/tmp/x"]).code(1);
    assert!(out.stderr_text().contains("cannot start with `-`"), "{}", out.stderr_text());
    let out = p.run(&["check", "--budget", "size=+1", "--base", "HEAD"]).code(2);
    assert!(out.stderr_text().contains("`size=+1`"), "{}", out.stderr_text());
    assert_worktree_gone(&p);
}

#[test]
fn outside_a_git_repository_check_says_so() {
    let p = Project::from_fixture("hello");
    let out = p.cmd().args(["check", "--base", "HEAD"]).env("GIT_CEILING_DIRECTORIES", p.temp_dir()).assert().code(1);
    assert!(out.stderr_text().contains("is not in a git work tree"), "{}", out.stderr_text());
}

#[test]
fn against_a_saved_run_compares_the_exact_figures_without_building_the_base() {
    let p = Project::from_fixture("hello").file("gostart.toml", "[matrix]\nldflags = [\"\"]\n");
    p.run(&["tune", "--no-escapes", "--no-inittrace", "--runs", "10", "--format", "json", "-o", "t.json"]).success();
    let tuned = crate::project::read_json(&p.path("t.json"));
    let run_id = tuned["run_id"].as_str().unwrap().to_owned();
    // Unchanged: within budget, and start-up is said not to be compared.
    let out = p.run(&["check", "--against", &run_id, "--budget", "size=+1%"]).success();
    assert!(out.stderr_text().contains("start-up is not compared"), "{}", out.stderr_text());
    // A big string at head: over the size budget, against the same saved run.
    let table: String = (0..200_000u32).map(|i| char::from(b'a' + (i * 7 % 26) as u8)).collect();
    std::fs::write(
        p.path("table.go"),
        format!(
            "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nvar table = \"{table}\"\n\n\
             func init() {{\n\tif len(os.Args) > 9 {{\n\t\tfmt.Print(table)\n\t}}\n}}\n"
        ),
    )
    .unwrap();
    let doc = p.run(&["check", "--against", &run_id, "--budget", "size=+1%", "--format", "json"]).code(4).stdout_json();
    assert_eq!(doc["rows"][0]["verdict"], "exceeded", "{doc}");
    assert!(!p.path(".gostart/check").exists() || p.path(".gostart/check").read_dir().unwrap().next().is_none());
}

#[test]
fn ctrl_c_while_building_stops_check_and_still_removes_the_worktree() {
    use std::io::{BufRead, BufReader};
    let p = repo();
    // 20,000 functions take go seconds to compile (a cache never holds them: the constant is
    // this test's own), so the signal sent right after the checkout lands in the base's build.
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let mut big = format!("package main\n\nconst bigStamp = {stamp}\n\n");
    for i in 0..20_000 {
        big.push_str(&format!("func bigFn{i}(x int) int {{ if x > {i} {{ return x * bigStamp }}; return x + {i} }}\n"));
    }
    commit(&p, "big.go", &big);
    let mut cmd = p.std_cmd();
    cmd.args(["check", "--base", "HEAD", "--max-runs", "100000"]).stdout(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines().map_while(Result::ok);
    let mut seen: Vec<String> = Vec::new();
    for line in lines.by_ref() {
        seen.push(line);
        if seen.last().is_some_and(|l| l.contains("checked out in")) {
            break;
        }
    }
    assert!(seen.last().is_some_and(|l| l.contains("checked out in")), "check never checked the base out:\n{seen:#?}");
    assert!(p.path(".gostart/check").read_dir().unwrap().next().is_some(), "no work tree under .gostart/check");
    // The base is being built now: SIGINT stops the build, and the work tree must still go.
    let status = std::process::Command::new("kill").arg("-INT").arg(child.id().to_string()).status();
    assert!(status.unwrap().success());
    let rest: Vec<String> = lines.collect();
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(130), "{rest:#?}");
    assert!(rest.iter().any(|l| l.contains("interrupted")), "{rest:#?}");
    assert_worktree_gone(&p);
}
