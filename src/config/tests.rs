//! Parsing and resolution of gostart.toml, including the errors people will see.

use std::path::Path;

use super::resolve::load_with_user;
use super::user::UserConfig;
use super::{Config, Overrides};
use crate::matrix::Setting;
use crate::rank::Figure;

fn load_src(src: &str) -> anyhow::Result<Config> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("gostart.toml"), src)?;
    let o = Overrides { dir: dir.path().to_owned(), max_configs: 256, ..Overrides::default() };
    load_with_user(&o, None, UserConfig::default())
}

fn error_of(src: &str) -> String {
    let e = load_src(src).expect_err("config should be rejected");
    // The temp dir differs per test: keep the part after the file name.
    let text = format!("{e:#}");
    text.split_once("gostart.toml").map_or(text.clone(), |(_, rest)| format!("gostart.toml{rest}"))
}

#[test]
fn a_full_config_resolves() {
    let c = load_src(
        r#"
[target]
package = "./cmd/app"
args = ["--version"]
env = { APP_MODE = "probe" }
expect_exit = 0

[measure]
runs = 12
warmup = 2
timeout = "2s"
seed = 7

[matrix]
ldflags = ["", "-s -w"]
tags = ["", ["netgo", "osusergo"], "timetzdata"]
buildmode = ["exe", "pie"]
[matrix.env]
GOAMD64 = ["v1", "v3"]
[matrix.runenv]
GOGC = ["100", "off"]
[[matrix.exclude]]
buildmode = "pie"
env = { GOAMD64 = "v3" }
[[matrix.include]]
ldflags = "-s -w"
gcflags = "all=-B"

[rank]
baseline = "default"
weights = { startup = 2, size = 0.25 }

[profile.release]
ldflags = "-s -w"
trimpath = true
env = { CGO_ENABLED = "0" }
"#,
    )
    .unwrap();
    assert_eq!(c.target.package, "./cmd/app");
    assert_eq!(c.target.env["APP_MODE"], "probe");
    assert_eq!((c.measure.runs, c.measure.warmup, c.measure.seed), (12, 2, 7));
    assert_eq!(c.measure.timeout, std::time::Duration::from_secs(2));
    let keys: Vec<&str> = c.matrix.axes.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["ldflags", "buildmode", "tags", "env.GOAMD64", "runenv.GOGC"]);
    assert_eq!(
        c.matrix.axes[2].values,
        [
            Setting::List(vec![]),
            Setting::List(vec!["netgo".into(), "osusergo".into()]),
            Setting::List(vec!["timetzdata".into()])
        ]
    );
    assert_eq!(c.matrix.exclude.len(), 1);
    assert_eq!(c.matrix.include.len(), 1);
    let w = c.rank.weights;
    assert_eq!((w[Figure::Startup], w[Figure::Size], w[Figure::Build]), (2.0, 0.25, 0.0));
    let release = &c.profiles["release"];
    assert_eq!(release.ldflags, "-s -w");
    assert!(release.trimpath);
    assert_eq!(release.env["CGO_ENABLED"], "0");
    assert!(c.provenance["measure.runs"].starts_with("project:"));
    assert_eq!(c.provenance["measure.seed"], c.provenance["measure.runs"]);
    assert!(c.provenance["matrix"].starts_with("project:"));
}

#[test]
fn no_file_means_the_default_preset_and_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let o = Overrides { dir: dir.path().to_owned(), max_configs: 256, ..Overrides::default() };
    let c = load_with_user(&o, None, UserConfig::default()).unwrap();
    assert_eq!(c.file, None);
    assert_eq!(c.matrix.source, "preset:startup");
    assert_eq!(c.target.package, ".");
    assert_eq!(c.provenance["measure.runs"], "default");
    assert_eq!(c.provenance["matrix"], "default");
}

#[test]
fn layers_override_in_order_user_project_cli() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gostart.toml"), "[measure]\nwarmup = 5\n").unwrap();
    let user: UserConfig = toml::from_str("jobs = 1\n[measure]\nruns = 7\nwarmup = 9\n").unwrap();
    let o = Overrides { dir: dir.path().to_owned(), max_configs: 256, seed: Some(42), ..Overrides::default() };
    let c = load_with_user(&o, Some(Path::new("/u/config.toml").to_owned()), user).unwrap();
    assert_eq!((c.measure.runs, c.measure.warmup, c.measure.seed, c.jobs), (7, 5, 42, 1));
    assert_eq!(c.provenance["measure.runs"], "user:/u/config.toml");
    assert!(c.provenance["measure.warmup"].starts_with("project:"));
    assert_eq!(c.provenance["measure.seed"], "cli");
    assert_eq!(c.provenance["jobs"], "user:/u/config.toml");
}

#[test]
fn unknown_key_names_line_and_column() {
    assert_eq!(
        error_of("[measure]\nrunz = 3\n"),
        "gostart.toml:2:1: unknown field `runz`, expected one of `schedule`, `runs`, `warmup`, `timeout`, `seed`, `precision`, `max_runs`, `cold`, `inittrace`, `pin`, `build_timeout`; did you mean `runs`?\n  |\n2 | runz = 3\n  | ^^^^"
    );
}

#[test]
fn malformed_toml_names_line_and_column() {
    let e = error_of("[matrix]\nldflags = [\"\", \"-s -w\"\n");
    assert!(e.starts_with("gostart.toml:2:"), "{e}");
}

#[test]
fn wrong_types_and_bad_values_point_at_the_value() {
    let e = error_of("[target]\npackage = 3\n");
    assert!(e.starts_with("gostart.toml:2:11: invalid type: integer `3`, expected a string"), "{e}");
    let e = error_of("[matrix]\nldflags = []\n");
    assert!(e.starts_with("gostart.toml:2:11: an axis needs at least one value"), "{e}");
    let e = error_of("[matrix]\nldflags = \"-s -w\"\n");
    assert!(e.starts_with("gostart.toml:2:11: invalid type: string \"-s -w\", expected a sequence"), "{e}");
    let e = error_of("[matrix]\nbuildmode = [\"exe\", \"c-shared\"]\n");
    assert!(e.starts_with("gostart.toml:2:") && e.contains("buildmode `c-shared` does not make a program"), "{e}");
    let e = error_of("[measure]\ntimeout = \"soon\"\n");
    assert!(e.starts_with("gostart.toml:2:11: `soon` is not a duration"), "{e}");
    let e = error_of("[measure]\nruns = 0\n");
    assert!(e.starts_with("gostart.toml:2:8: expected a count of at least 1"), "{e}");
    let e = error_of("[rank]\nweights = { size = -1 }\n");
    assert!(e.contains("a weight must be a finite number ≥ 0, not -1"), "{e}");
    let e = error_of("[rank]\nweights = { size = \"big\" }\n");
    assert!(e.contains("a number (a weight such as 1.0 or 0.5)"), "{e}");
    let e = error_of("[matrix.env]\n\"GO AMD64\" = [\"v3\"]\n");
    assert!(e.starts_with("gostart.toml:2:1: `GO AMD64` is not an environment variable name"), "{e}");
    let e = error_of("[matrix]\ntags = [\"a b\"]\n");
    assert!(e.contains("`a b` is not a build tag"), "{e}");
}

#[test]
fn unknown_sections_and_entry_keys_are_errors() {
    let e = error_of("[matirx]\nldflags = [\"\"]\n");
    assert!(e.starts_with("gostart.toml:1:2: unknown field `matirx`"), "{e}");
    let e = error_of("[[matrix.include]]\nldflag = \"-s\"\n");
    assert!(e.starts_with("gostart.toml:2:1: unknown field `ldflag`"), "{e}");
    // Weights and bounds take the figure names, listed once in rank::Figure.
    let e = error_of("[rank]\nweights = { startup = 1, sise = 0.5 }\n");
    assert!(e.starts_with("gostart.toml:2:26: unknown field `sise`, expected one of `startup`, `size`"), "{e}");
    assert!(e.contains("did you mean `size`?"), "{e}");
    let e = error_of("[rank]\nmax_regression = { max_rs = 0.1 }\n");
    assert!(e.starts_with("gostart.toml:2:20: unknown field `max_rs`") && e.contains("did you mean `max_rss`?"), "{e}");
}

#[test]
fn the_example_file_documents_valid_keys() {
    let c = load_src(include_str!("../../gostart.toml.example")).unwrap();
    let expanded = crate::matrix::expand(&c.matrix, c.rank.baseline.as_deref(), 1024).unwrap();
    assert!(expanded.configs.iter().any(|c| c.name == "default"));
    assert!(c.profiles.contains_key("release"));
}

#[test]
fn every_preset_parses_and_includes_the_baseline() {
    for name in super::presets::names() {
        let dir = tempfile::tempdir().unwrap();
        let o = Overrides {
            dir: dir.path().to_owned(),
            max_configs: 256,
            preset: Some(name.into()),
            ..Overrides::default()
        };
        let c = load_with_user(&o, None, UserConfig::default()).unwrap();
        let e = crate::matrix::expand(&c.matrix, None, 256).unwrap();
        assert!(e.configs.len() >= 4, "{name}");
        assert_eq!(e.configs[0].name, "default", "{name}");
    }
}

#[test]
fn flags_gostart_sets_itself_are_refused_where_they_are_written() {
    let e = error_of("[matrix]\nldflags = [\"\", \"-s -o /tmp/x\"]\n");
    assert!(e.starts_with("gostart.toml:2:11: gostart sets `-o` itself"), "{e}");
    let e = error_of("[matrix]\ngcflags = [\"all=-json=0,/tmp/x\"]\n");
    assert!(e.starts_with("gostart.toml:2:11: gostart sets `-json` itself"), "{e}");
    let e = error_of("[profile.release]\nldflags = \"-o x\"\n");
    assert!(e.starts_with("gostart.toml:2:11: gostart sets `-o` itself"), "{e}");
    // Flags that merely contain the letters are fine.
    load_src("[matrix]\nldflags = [\"-X main.o=1 -linkmode=internal\"]\ngcflags = [\"-m\"]\n").unwrap();
}

#[test]
fn a_profile_name_that_is_not_a_plain_name_is_refused_at_its_key() {
    let e = error_of("[measure]\nruns = 3\n\n[profile.\"../../x\"]\nldflags = \"-s -w\"\n");
    assert!(
        e.starts_with("gostart.toml:4:10: `../../x` is not a valid profile name: it holds a path separator"),
        "{e}"
    );
    let e = error_of("profile = { \"a\\u001bb\" = {} }\n");
    assert!(e.starts_with("gostart.toml:1:13: `a\u{1b}b` is not a valid profile name"), "{e}");
    assert!(load_src("[profile.\"v1.2_rc-3\"]\ntrimpath = true\n").unwrap().profiles.contains_key("v1.2_rc-3"));
}

#[test]
fn values_that_cannot_be_argv_or_env_are_refused_at_their_key() {
    let e = error_of("[target]\nargs = [\n  \"--version\",\n  \"a\\u0000b\",\n]\n");
    assert!(e.starts_with("gostart.toml:2:8: this value contains a NUL byte"), "{e}");
    assert!(e.contains("(in `target.args`)"), "the key is not named:\n{e}");
    let e = error_of("[target]\nenv = { MODE = \"\\u0000\" }\n");
    assert!(e.contains("NUL byte") && e.contains("(in `target.env.MODE`)"), "{e}");
    let e = error_of("[target]\npackage = \"./cmd\\u0000\"\n");
    assert!(
        e.starts_with("gostart.toml:2:11: this value contains a NUL byte") && e.contains("`target.package`"),
        "{e}"
    );
    for (src, key) in [
        ("[matrix]\nldflags = [\"-X a=\\u0000\"]\n", "matrix.ldflags"),
        ("[matrix]\npgo = [\"\\u0000\"]\n", "matrix.pgo"),
        ("[matrix.env]\nGOAMD64 = [\"v1\\u0000\"]\n", "matrix.env.GOAMD64"),
        ("[matrix.runenv]\nGOGC = [\"\\u0000\"]\n", "matrix.runenv.GOGC"),
        ("[[matrix.include]]\nrunenv = { GOGC = \"\\u0000\" }\n", "matrix.include.runenv.GOGC"),
        ("[profile.x]\ngcflags = \"\\u0000\"\n", "profile.x.gcflags"),
    ] {
        let e = error_of(src);
        assert!(e.contains("NUL byte") && e.contains(&format!("(in `{key}`)")), "{src}:\n{e}");
    }
    // 64 KiB is the most one value may hold; the line shown is cut.
    let long = "x".repeat(super::limits::MAX_VALUE_BYTES + 1);
    let e = error_of(&format!("[matrix]\nldflags = [\"-X main.v={long}\"]\n"));
    assert!(e.contains("is 65547 bytes long") && e.contains("at most 65536 bytes"), "{}", &e[..200]);
    assert!(e.len() < 1000, "the whole line was printed: {} bytes", e.len());
    load_src(&format!("[target]\nargs = [\"{}\"]\n", "x".repeat(super::limits::MAX_VALUE_BYTES))).unwrap();
}

#[test]
fn commands_larger_than_the_system_takes_are_refused_before_building() {
    // Each value fits; all of one build's environment does not.
    let values: String = (0..17).map(|i| format!("V{i} = [\"{}\"]\n", "x".repeat(64 * 1024 - 8))).collect();
    let c = load_src(&format!("[matrix.env]\n{values}")).unwrap();
    let e = format!("{:#}", c.expand().unwrap_err());
    assert!(e.contains("its go build command and environment come to") && e.contains("1 MiB"), "{}", &e[..300]);
}

#[test]
fn environment_names_must_be_names() {
    for (src, why) in [
        ("[matrix.env]\n\"\" = [\"1\"]\n", "needs a name"),
        ("[matrix.runenv]\n\"A=B\" = [\"1\"]\n", "`=` would end the name"),
        ("[target]\nenv = { \"A\\u0000\" = \"1\" }\n", "NUL"),
        ("[[matrix.include]]\nenv = { \"1X\" = \"1\" }\n", "not starting with a digit"),
        ("[profile.r]\nrunenv = { \"\\u001b[31m\" = \"1\" }\n", "`\\u{1b}[31m` is not an environment variable name"),
    ] {
        let e = error_of(src);
        assert!(e.contains("is not an environment variable name") && e.contains(why), "{src}:\n{e}");
    }
}

#[test]
fn expect_exit_is_one_byte() {
    let e = error_of("[target]\nexpect_exit = 256\n");
    assert!(
        e.starts_with("gostart.toml:2:15: an exit code is 0 to 255 (a process exits with one byte), not 256"),
        "{e}"
    );
    assert!(error_of("[target]\nexpect_exit = -1\n").contains("not -1"));
    assert_eq!(load_src("[target]\nexpect_exit = 255\n").unwrap().target.expect_exit, 255);
}

#[test]
fn pin_must_name_a_cpu_this_process_may_use() {
    let e = error_of("[measure]\npin = 4096\n");
    assert!(e.starts_with("gostart.toml:2:7: CPU 4096 is not one this process may run on; pick one of "), "{e}");
    let cpu = super::limits::allowed_cpus().unwrap()[0];
    assert_eq!(load_src(&format!("[measure]\npin = {cpu}\n")).unwrap().measure.pin, Some(cpu));
    let dir = tempfile::tempdir().unwrap();
    let o = Overrides { dir: dir.path().to_owned(), max_configs: 256, pin: Some(100_000), ..Overrides::default() };
    let e = format!("{:#}", load_with_user(&o, None, UserConfig::default()).unwrap_err());
    assert!(e.starts_with("--pin 100000: CPU 100000 is not one this process may run on"), "{e}");
}

#[test]
fn buildmodes_tune_cannot_run_are_refused_in_the_matrix_but_fine_in_a_profile() {
    for mode in ["c-archive", "c-shared", "plugin", "archive", "shared"] {
        let e = error_of(&format!("[matrix]\nbuildmode = [\"exe\", \"{mode}\"]\n"));
        assert!(e.starts_with("gostart.toml:2:13: buildmode") && e.contains("`tune` cannot measure it"), "{e}");
        let e = error_of(&format!("[[matrix.include]]\nbuildmode = \"{mode}\"\n"));
        assert!(e.starts_with("gostart.toml:2:13: buildmode") && e.contains("(in `matrix.include.buildmode`)"), "{e}");
        let c = load_src(&format!("[profile.lib]\nbuildmode = \"{mode}\"\n")).unwrap();
        assert_eq!(c.profiles["lib"].buildmode, mode);
        // The matrix (the default preset) is untouched by the profile.
        c.expand().unwrap();
    }
    let e = error_of("[profile.lib]\nbuildmode = \"dll\"\n");
    assert!(e.contains("`dll` is not a buildmode go knows; expected one of archive, c-archive"), "{e}");
    assert_eq!(load_src("[profile.p]\nbuildmode = \"default\"\n").unwrap().profiles["p"].buildmode, "exe");
}

#[test]
fn flag_values_go_would_refuse_are_refused_where_written() {
    let e = error_of("[matrix]\nldflags = [\"-X 'main.v=a\"]\n");
    assert!(e.starts_with("gostart.toml:2:11: unterminated ' quote"), "{e}");
    let e = error_of("[matrix]\ngcflags = [\"N\"]\n");
    assert!(e.contains("as `pattern=flags`") && e.contains("has no `=`"), "{e}");
    let c = load_src("[matrix]\nldflags = [\"-X 'main.v=a b'\", \" -s  -w \"]\n").unwrap();
    let e = c.expand().unwrap();
    let names: Vec<&str> = e.configs.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["default", r#"ldflags="-X 'main.v=a b'""#, r#"ldflags="-s -w""#]);
}

/// The schedule `src` (a [measure] table) and the command line `cli` resolve to, or the error.
fn schedule_of(src: &str, cli: impl FnOnce(&mut Overrides)) -> Result<crate::measure::schedule::ScheduleKind, String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gostart.toml"), src).unwrap();
    let mut o = Overrides { dir: dir.path().to_owned(), max_configs: 256, ..Overrides::default() };
    cli(&mut o);
    match load_with_user(&o, None, UserConfig::default()) {
        Ok(c) => Ok(c.measure.schedule),
        Err(e) => Err(format!("{e:#}").split_once("gostart.toml").map_or(format!("{e:#}"), |(_, r)| r.to_owned())),
    }
}

#[test]
fn the_schedule_is_the_race_unless_the_last_layer_to_speak_of_rounds_says_otherwise() {
    use crate::measure::schedule::ScheduleKind::{Fixed, Precision, Race};
    assert_eq!(schedule_of("", |_| {}), Ok(Race));
    // `runs` alone means fixed rounds, in the file or on the command line.
    assert_eq!(schedule_of("[measure]\nruns = 50\n", |_| {}), Ok(Fixed));
    assert_eq!(schedule_of("", |o| o.runs = Some(50)), Ok(Fixed));
    // A precision goal, with `runs` as its least.
    assert_eq!(schedule_of("[measure]\nruns = 20\nprecision = 0.01\n", |_| {}), Ok(Precision));
    // The command line decides over the file.
    assert_eq!(schedule_of("[measure]\nschedule = \"race\"\n", |o| o.runs = Some(30)), Ok(Fixed));
    assert_eq!(schedule_of("[measure]\nruns = 30\n", |o| o.schedule = Some(Race)), Ok(Race));
    // A precision schedule may take its goal from another layer.
    assert_eq!(schedule_of("[measure]\nschedule = \"precision\"\n", |o| o.precision = Some(0.02)), Ok(Precision));
    assert_eq!(schedule_of("[measure]\nprecision = 0.02\n", |o| o.schedule = Some(Precision)), Ok(Precision));
}

#[test]
fn a_layer_that_contradicts_itself_on_the_schedule_is_refused_at_the_key() {
    use crate::measure::schedule::ScheduleKind::Race;
    let e = schedule_of("[measure]\nschedule = \"race\"\nruns = 30\n", |_| {}).unwrap_err();
    assert!(e.starts_with(":3:8: `runs` sets the rounds of the fixed schedule"), "{e}");
    let e = schedule_of("[measure]\nschedule = \"fixed\"\nprecision = 0.01\n", |_| {}).unwrap_err();
    assert!(e.starts_with(":3:13: `precision` is the goal of the precision schedule"), "{e}");
    let e = schedule_of("[measure]\nschedule = \"precision\"\n", |_| {}).unwrap_err();
    assert!(e.starts_with(":2:12: schedule = \"precision\" needs a goal"), "{e}");
    let e = schedule_of("", |o| {
        o.schedule = Some(Race);
        o.runs = Some(30);
    })
    .unwrap_err();
    assert!(e.starts_with("--runs sets the rounds of the fixed schedule"), "{e}");
}

#[test]
fn search_settings_come_from_the_file_then_the_command_line_with_their_source() {
    use crate::search::{DEFAULT_MAX_BUILDS, Strategy};
    let c = load_src("").unwrap();
    assert_eq!((c.search.strategy, c.search.max_builds), (Strategy::Auto, DEFAULT_MAX_BUILDS));
    assert_eq!(c.provenance["search.strategy"], "default");
    let c = load_src("[search]\nstrategy = \"screen\"\nmax_builds = 24\n").unwrap();
    assert_eq!((c.search.strategy, c.search.max_builds), (Strategy::Screen, 24));
    assert!(c.provenance["search.max_builds"].starts_with("project:"));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gostart.toml"), "[search]\nstrategy = \"screen\"\n").unwrap();
    let o = Overrides {
        dir: dir.path().to_owned(),
        max_configs: 256,
        strategy: Some(Strategy::Full),
        max_builds: Some(8),
        ..Overrides::default()
    };
    let c = load_with_user(&o, None, UserConfig::default()).unwrap();
    assert_eq!((c.search.strategy, c.search.max_builds), (Strategy::Full, 8));
    assert_eq!(c.provenance["search.strategy"], "cli");
}

#[test]
fn search_settings_that_mean_nothing_are_refused_at_the_value() {
    let e = error_of("[search]\nstrategy = \"fractional\"\n");
    assert!(e.starts_with("gostart.toml:2:12: unknown variant `fractional`, expected one of"), "{e}");
    assert!(e.contains("`auto`, `full`, `screen`"), "{e}");
    let e = error_of("[search]\nmax_builds = 0\n");
    assert!(e.starts_with("gostart.toml:2:14:"), "{e}");
    let e = error_of("[search]\nmax_bulds = 8\n");
    assert!(e.contains("did you mean `max_builds`?"), "{e}");
}
