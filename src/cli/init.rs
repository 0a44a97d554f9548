//! `gostart init`: a commented gostart.toml for the module in the current directory, with the
//! main package found by `go list` and the built-in `startup` matrix.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::config::{self, Overrides, Weights, presets};
use crate::go::Go;
use crate::{module_root, target};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The main package to tune, as `go build` takes it [default: the module's only main
    /// package; with several, asked on a terminal].
    #[arg(short, long, value_name = "PKG", value_parser = super::args::parse_package)]
    pub package: Option<String>,
    /// Overwrite an existing gostart.toml.
    #[arg(long)]
    pub force: bool,
}

/// A main package found in the module: how gostart.toml names it, and its import path.
#[derive(Debug, Clone, PartialEq)]
struct Main {
    package: String,
    import_path: String,
}

pub fn init(base: &Overrides, a: InitArgs) -> Result<i32> {
    let file = base.dir.join(config::FILE_NAME);
    // symlink_metadata: a link (even a dangling one) exists, and is never written through.
    if file.symlink_metadata().is_ok() && !a.force {
        bail!("{} exists; gostart init does not overwrite it (pass --force to replace it)", file.display());
    }
    let go = Go::new(&module_root::go_program(base), &base.dir)?;
    let chosen = match &a.package {
        Some(p) => {
            let env = go.env()?;
            let ws = target::resolve(&go, p, &module_root::root(&env, &base.dir))?;
            Main { package: p.clone(), import_path: ws.import_path }
        }
        None => choose(&base.dir, main_packages(&go, &base.dir)?)?,
    };
    crate::nofollow::replace_file(&file, render(&chosen.package, &chosen.import_path).as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))?;
    eprintln!(
        "gostart: wrote {} for `{}` ({}); `gostart matrix` lists its configurations, `gostart tune` measures them",
        file.display(),
        chosen.package,
        chosen.import_path
    );
    Ok(0)
}

/// The main packages in `dir` and below, named relative to `dir` (`.`, `./cmd/app`).
fn main_packages(go: &Go, dir: &Path) -> Result<Vec<Main>> {
    let pkgs = go.list("./...").with_context(|| {
        format!(
            "cannot list the packages in {} (run gostart init in a Go module: a folder with go.mod, or below one)",
            dir.display()
        )
    })?;
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
    Ok(pkgs
        .into_iter()
        .filter(|p| p.is_main())
        .map(|p| Main {
            package: relative(&canonical, Path::new(&p.dir)).unwrap_or(p.import_path.clone()),
            import_path: p.import_path,
        })
        .collect())
}

/// `pkg_dir` as a `go build` argument relative to `dir`: `.` or `./a/b`.
fn relative(dir: &Path, pkg_dir: &Path) -> Option<String> {
    let rel = pkg_dir.strip_prefix(dir).ok()?;
    if rel.as_os_str().is_empty() {
        return Some(".".into());
    }
    let parts: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_str().map(str::to_owned)).collect::<Option<_>>()?;
    Some(format!("./{}", parts.join("/")))
}

/// One main package: that one. Several: ask on a terminal, else explain how to choose.
fn choose(dir: &Path, mut mains: Vec<Main>) -> Result<Main> {
    let list = |mains: &[Main]| {
        mains.iter().map(|m| format!("  {}  ({})", m.package, m.import_path)).collect::<Vec<_>>().join("\n")
    };
    match mains.len() {
        0 => bail!(
            "there is no main package in {} or below; pass --package PKG (a directory or an import path)",
            dir.display()
        ),
        1 => return Ok(mains.remove(0)),
        _ => {}
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        bail!(
            "{} main packages in {}; choose the one to tune with --package PKG:\n{}",
            mains.len(),
            dir.display(),
            list(&mains)
        );
    }
    eprintln!("gostart: {} main packages here:", mains.len());
    for (i, m) in mains.iter().enumerate() {
        eprintln!("  {}) {}  ({})", i + 1, m.package, m.import_path);
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    for _ in 0..3 {
        eprint!("Which one does gostart tune? [1-{}]: ", mains.len());
        std::io::stderr().flush().ok();
        let mut line = String::new();
        if input.read_line(&mut line).context("cannot read the answer")? == 0 {
            break;
        }
        if let Some(m) = pick(&mains, line.trim()) {
            return Ok(m.clone());
        }
        eprintln!("gostart: `{}` is not one of them; answer with a number", line.trim());
    }
    bail!("no main package chosen; pass --package PKG:\n{}", list(&mains))
}

/// The package an answer names: its number in the list, its path or its import path.
fn pick<'a>(mains: &'a [Main], answer: &str) -> Option<&'a Main> {
    if let Ok(n) = answer.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| mains.get(i));
    }
    mains.iter().find(|m| m.package == answer || m.import_path == answer)
}

/// A commented-out block: prose lines (already `# `) stay, TOML lines get `# `.
fn commented(block: &str) -> String {
    block.lines().map(|l| if l.starts_with('#') { format!("{l}\n") } else { format!("# {l}\n") }).collect()
}

/// The `[rank]` table with gostart's defaults, every key explained.
fn rank_example() -> String {
    let w = Weights::default();
    let weights: Vec<String> = w.0.iter().map(|(f, w)| format!("{f} = {w:?}")).collect();
    let forbid: Vec<String> = config::DEFAULT_FORBID.iter().map(|f| format!("{f:?}")).collect();
    format!(
        "[rank]
# The configuration every ratio is taken against, by name or id (see `gostart matrix`).
# Default: the plain `go build`, \"default\", added to the matrix when missing.
baseline = \"default\"
# Score = Σ weight × ln(ratio to the baseline), lower is better. A noisy figure's ratio whose
# 95% interval contains 1.0 counts as no change. Build time is one measurement: off.
weights = {{ {} }}
# Guards keep a configuration out of the recommendation: a figure that regresses more than
# this fraction against the baseline (no bound by default),
max_regression = {{ startup = 0.05, size = 0.10 }}
# flags no release should carry (words of ldflags, gcflags and asmflags),
forbid = [{}]
# and a GOAMD64 level above what your machines support (v3 needs AVX2).
goamd64 = \"v1\"
",
        weights.join(", "),
        forbid.join(", ")
    )
}

/// An example `[profile.release]`.
const PROFILE_EXAMPLE: &str = "[profile.release]
# The settings of a `go build` of the target: the matrix's keys, one value each.
ldflags = \"-s -w\"
trimpath = true
env = { CGO_ENABLED = \"0\" }
";

/// The gostart.toml `init` writes for `package` (import path `import_path`).
fn render(package: &str, import_path: &str) -> String {
    let preset = presets::get(presets::DEFAULT_PRESET).unwrap_or("");
    let timeout = humantime::format_duration(config::DEFAULT_TIMEOUT);
    let mut text = format!(
        "# gostart.toml — written by `gostart init` for {import_path}. gostart reads it in this folder
# and the folders below it. Every key is optional: delete what you do not need. All keys are
# described in gostart.toml.example; `gostart metadata` shows the values gostart resolves.

# ─── What is tuned ────────────────────────────────────────────────────────────────
[target]
# The main package to build, as `go build` takes it: a directory (\".\", \"./cmd/app\") or an
# import path. `--package` overrides it.
package = {package}
# The probe: the arguments the program is started with for every timed run. Pick something
# that exercises start-up and exits at once, e.g. [\"--version\"].
args = []
# Environment added to gostart's own for every probe run, e.g. {{ APP_MODE = \"probe\" }}.
env = {{}}
# The exit code of a good probe run; any other fails the configuration.
expect_exit = 0

# ─── How startup is measured ──────────────────────────────────────────────────────
# A key set here overrides the user-wide config (`gostart metadata` shows where each value
# came from); the commented ones show gostart's defaults.
[measure]
# How rounds are scheduled (each round runs configurations once, in a shuffled order):
#   \"race\"      (the default) every configuration runs 10 rounds; then configurations worse
#               than the leader with confidence are dropped, until the leader is separated
#               from the rest, the rest are within ±1% of its startup, or max_runs rounds;
#   \"fixed\"     exactly `runs` rounds of every configuration (`runs` alone means it);
#   \"precision\" at least `runs` rounds, then until every median is known within `precision`.
# schedule = \"precision\"
# runs = {runs}
# Untimed runs of each configuration before the first round.
warmup = {warmup}
# A probe run that takes longer is killed and its configuration marked failed.
timeout = \"{timeout}\"
# Seed of the shuffled run order, so a run can be repeated exactly.
# seed = {seed}
# The precision schedule's goal: every median known within this fraction (0.01 = ±1%).
# precision = 0.02
# The most rounds a race or the precision schedule may run.
# max_runs = {max_runs}
# Cold start: evict each binary from the page cache before every run.
# cold = false
# Extra runs with GODEBUG=inittrace=1 that attribute init time to packages.
# inittrace = true
# Run every probe on this CPU only. Unset by default.
# pin = 1

# ─── The flag matrix: the built-in `{preset_name}` preset, yours to edit ────────────────
",
        package = toml_edit::Value::from(package),
        runs = config::DEFAULT_RUNS,
        warmup = config::DEFAULT_WARMUP,
        seed = config::DEFAULT_SEED,
        max_runs = config::DEFAULT_MAX_RUNS,
        preset_name = presets::DEFAULT_PRESET,
    );
    text.push_str(preset.trim_end());
    text.push_str(
        "

# ─── Ranking ──────────────────────────────────────────────────────────────────────
# How configurations are compared, with gostart's defaults; uncomment a key to change it.
",
    );
    text.push_str(&commented(&rank_example()));
    text.push_str(
        "
# ─── Build profiles (cargo-style) ─────────────────────────────────────────────────
# `gostart build --profile release` builds the target with [profile.release]'s settings.
# `gostart tune --apply` (or `gostart apply` after a run) writes the recommended
# configuration as [profile.tuned].
",
    );
    text.push_str(&commented(PROFILE_EXAMPLE));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn main(package: &str) -> Main {
        Main { package: package.into(), import_path: format!("example.com/m/{package}") }
    }

    #[test]
    fn packages_are_named_relative_to_the_folder() {
        let dir = Path::new("/src/m");
        assert_eq!(relative(dir, Path::new("/src/m")).as_deref(), Some("."));
        assert_eq!(relative(dir, Path::new("/src/m/cmd/app")).as_deref(), Some("./cmd/app"));
        assert_eq!(relative(dir, Path::new("/elsewhere")), None);
    }

    #[test]
    fn an_answer_picks_by_number_or_name() {
        let mains = [main("./cmd/a"), main("./cmd/b")];
        assert_eq!(pick(&mains, "2"), Some(&mains[1]));
        assert_eq!(pick(&mains, "./cmd/a"), Some(&mains[0]));
        assert_eq!(pick(&mains, "example.com/m/./cmd/b"), Some(&mains[1]));
        assert_eq!(pick(&mains, "0"), None);
        assert_eq!(pick(&mains, "3"), None);
        assert_eq!(pick(&mains, "c"), None);
    }

    #[test]
    fn one_main_package_is_chosen_and_none_is_an_error() {
        assert_eq!(choose(Path::new("/m"), vec![main(".")]).unwrap(), main("."));
        let e = choose(Path::new("/m"), vec![]).unwrap_err().to_string();
        assert!(e.contains("no main package in /m") && e.contains("--package PKG"), "{e}");
    }

    #[test]
    fn the_file_is_toml_and_its_commented_examples_are_too() {
        let text = render("./cmd/a", "example.com/m/cmd/a");
        let doc: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(doc["target"]["package"].as_str(), Some("./cmd/a"));
        assert!(doc["measure"].get("runs").is_none(), "unset: the race decides how many rounds");
        assert_eq!(doc["measure"]["timeout"].as_str(), Some("10s"));
        assert!(doc["matrix"]["ldflags"].is_array() && doc["matrix"]["env"]["GOAMD64"].is_array());
        assert!(!doc.contains_key("rank") && !doc.contains_key("profile"));
        // The preset's comments are kept.
        assert!(text.contains("# v3: lets the compiler use AVX2"), "{text}");
        // Every line after the matrix is a comment, and uncommented the examples are TOML.
        let examples: toml::Table = toml::from_str(&format!("{}{PROFILE_EXAMPLE}", rank_example())).unwrap();
        assert_eq!(examples["rank"]["weights"]["size"].as_float(), Some(0.5));
        assert_eq!(examples["rank"]["forbid"].as_array().map(Vec::len), Some(5));
        assert_eq!(examples["profile"]["release"]["trimpath"].as_bool(), Some(true));
        let tail = &text[text.find("# ─── Ranking").unwrap()..];
        assert!(tail.lines().all(|l| l.is_empty() || l.starts_with('#')), "{tail}");
        assert!(
            tail.contains("\n# [rank]\n# The configuration")
                && tail.contains("\n# baseline = \"default\"\n")
                && tail.contains("\n# [profile.release]\n")
        );
    }

    #[test]
    fn the_package_is_quoted_as_toml() {
        let text = render("./a \"b\"", "x");
        let doc: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(doc["target"]["package"].as_str(), Some("./a \"b\""));
    }
}
