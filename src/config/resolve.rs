//! Turns the raw TOML layers and the command line into one resolved `Config`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::toml::{ArgValue, ProfileName, TomlConfig, TomlEntry, TomlMatrix, TomlMeasure};
use super::{Config, Measure, Overrides, Rank, Target, Weights, error, presets, user};
use crate::flags::Flags;
use crate::matrix::{self, Axis, MatrixSpec, Point, Setting};
use crate::measure::schedule::ScheduleKind;
use crate::rank::PerFigure;
use ::toml::Spanned;

pub(crate) const DEFAULT_RUNS: u32 = 30;
pub(crate) const DEFAULT_WARMUP: u32 = 3;
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const DEFAULT_SEED: u64 = 1;
pub(crate) const DEFAULT_MAX_RUNS: u32 = 300;

/// Resolves settings through the layers — default, user, project, command line — the last
/// that says something winning, and records where each value came from.
struct Layers<'a> {
    user: Option<&'a str>,
    project: Option<&'a str>,
    provenance: &'a mut BTreeMap<String, String>,
}

impl Layers<'_> {
    fn pick<T>(&mut self, key: &str, user: Option<T>, project: Option<T>, cli: Option<T>, default: T) -> T {
        let (value, source) = match (cli, project, user) {
            (Some(v), _, _) => (v, "cli".to_owned()),
            (None, Some(v), _) => (v, self.project.unwrap_or("project").to_owned()),
            (None, None, Some(v)) => (v, self.user.unwrap_or("user").to_owned()),
            (None, None, None) => (default, "default".to_owned()),
        };
        self.provenance.insert(key.to_owned(), source);
        value
    }
}

/// The schedule. The last layer (command line, gostart.toml, user config) that says anything
/// about it decides: its `schedule` if set, else `precision` when it sets a precision goal
/// (`runs` then being the least), else `fixed` when it sets `runs` (so `--runs N` keeps
/// meaning N fixed rounds); with none,
/// the race. A layer that contradicts itself (`schedule = "race"` with `runs`; `fixed` with a
/// precision goal; `precision` without one anywhere) is refused at the key.
fn schedule_of(
    cli: &Overrides,
    project: (&TomlMeasure, Option<(&Path, &str)>),
    user: (&TomlMeasure, Option<&Path>),
    layers: &mut Layers,
) -> Result<ScheduleKind> {
    let says = |m: &TomlMeasure| m.schedule.is_some() || m.runs.is_some() || m.precision.is_some();
    let (pm, project_file) = project;
    let (um, user_file) = user;
    let cli_says = cli.schedule.is_some() || cli.runs.is_some() || cli.precision.is_some();
    let decided = |schedule: Option<ScheduleKind>, runs: bool, precision: bool| {
        schedule.unwrap_or(if precision {
            ScheduleKind::Precision
        } else if runs {
            ScheduleKind::Fixed
        } else {
            ScheduleKind::Race
        })
    };
    let (kind, conflict) = if cli_says {
        let kind = decided(cli.schedule, cli.runs.is_some(), cli.precision.is_some());
        (kind, conflict(kind, cli.runs.is_some(), cli.precision.is_some()).map(|c| (c.cli(), None)))
    } else if says(pm) || !says(um) {
        let kind = decided(pm.schedule.as_ref().map(|s| *s.get_ref()), pm.runs.is_some(), pm.precision.is_some());
        let span = |c: Conflict| match c {
            Conflict::RunsInRace => pm.runs.as_ref().map(Spanned::span),
            Conflict::PrecisionInFixed => pm.precision.as_ref().map(Spanned::span),
            Conflict::NoGoal => pm.schedule.as_ref().map(Spanned::span),
        };
        let found = conflict(kind, pm.runs.is_some(), pm.precision.is_some());
        (kind, found.map(|c| (c.toml(), project_file.map(|f| (f, span(c))))))
    } else {
        let kind = decided(um.schedule.as_ref().map(|s| *s.get_ref()), um.runs.is_some(), um.precision.is_some());
        let found = conflict(kind, um.runs.is_some(), um.precision.is_some());
        (
            kind,
            found.map(|c| {
                (format!("{} (in {})", c.toml(), user_file.map_or("the user config".into(), error::shown)), None)
            }),
        )
    };
    // A precision schedule whose goal comes from another layer is whole.
    let goal_elsewhere = pm.precision.is_some() || um.precision.is_some() || cli.precision.is_some();
    match conflict {
        Some((_, _)) if kind == ScheduleKind::Precision && goal_elsewhere => {}
        Some((message, Some(((path, src), span)))) => return Err(error::at(path, src, span, &message)),
        Some((message, None)) => bail!("{message}"),
        None => {}
    }
    let source = match (cli_says, says(pm)) {
        (true, _) => "cli".to_owned(),
        (false, true) => layers.project.unwrap_or("project").to_owned(),
        (false, false) if says(um) => layers.user.unwrap_or("user").to_owned(),
        _ => "default".to_owned(),
    };
    layers.provenance.insert("measure.schedule".into(), source);
    Ok(kind)
}

/// Settings of one layer that do not go together.
#[derive(Clone, Copy)]
enum Conflict {
    RunsInRace,
    PrecisionInFixed,
    NoGoal,
}

fn conflict(kind: ScheduleKind, runs: bool, precision: bool) -> Option<Conflict> {
    match kind {
        ScheduleKind::Race if runs => Some(Conflict::RunsInRace),
        ScheduleKind::Race if precision => Some(Conflict::PrecisionInFixed),
        ScheduleKind::Fixed if precision => Some(Conflict::PrecisionInFixed),
        ScheduleKind::Precision if !precision => Some(Conflict::NoGoal),
        _ => None,
    }
}

impl Conflict {
    fn cli(self) -> String {
        match self {
            Conflict::RunsInRace => "--runs sets the rounds of the fixed schedule; the race runs 10 rounds or more, \
                                     up to --max-runs: drop --runs, or use --schedule fixed"
                .into(),
            Conflict::PrecisionInFixed => "--precision sets the goal of the precision schedule: drop it, or use \
                                           --schedule precision"
                .into(),
            Conflict::NoGoal => {
                "--schedule precision needs a goal: add --precision FRACTION (e.g. 0.01 for ±1%)".into()
            }
        }
    }

    fn toml(self) -> String {
        match self {
            Conflict::RunsInRace => "`runs` sets the rounds of the fixed schedule, but `schedule` is \"race\" here \
                                     (the race runs 10 rounds or more, up to `max_runs`): remove `runs`, or set \
                                     schedule = \"fixed\""
                .into(),
            Conflict::PrecisionInFixed => "`precision` is the goal of the precision schedule, which `schedule` \
                                           does not choose here: remove it, or set schedule = \"precision\""
                .into(),
            Conflict::NoGoal => {
                "schedule = \"precision\" needs a goal: add `precision = 0.01` (±1%) to [measure]".into()
            }
        }
    }
}

/// Reads every layer and resolves the configuration gostart runs with.
pub fn load(cli: &Overrides) -> Result<Config> {
    let (user_path, user) = user::load()?;
    load_with_user(cli, user_path, user)
}

/// `load` with the user-wide layer given (tests pass their own).
pub(super) fn load_with_user(cli: &Overrides, user_path: Option<PathBuf>, user: user::UserConfig) -> Result<Config> {
    let file = match &cli.config_file {
        Some(f) => Some(cli.dir.join(f)),
        None => super::find_file(&cli.dir),
    };
    let project_src_text = match &file {
        Some(path) => Some(std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?),
        None => None,
    };
    resolve(cli, user_path, user, file, project_src_text)
}

/// Resolves gostart.toml given as text, with no user-wide layer: `path` names the file in
/// errors and provenance only, nothing is read from it. The fuzz target `config` drives this.
pub fn parse(cli: &Overrides, path: &Path, src: &str) -> Result<Config> {
    resolve(cli, None, user::UserConfig::default(), Some(path.to_owned()), Some(src.to_owned()))
}

/// Resolves the layers once gostart.toml (`file`, its text `project_src_text`) has been read.
fn resolve(
    cli: &Overrides,
    user_path: Option<PathBuf>,
    user: user::UserConfig,
    file: Option<PathBuf>,
    project_src_text: Option<String>,
) -> Result<Config> {
    let mut provenance = BTreeMap::new();
    let user_src = user_path.as_ref().map(|p| format!("user:{}", p.display()));
    let project = match (&file, &project_src_text) {
        (Some(path), Some(src)) => ::toml::from_str(src).map_err(|e| error::from_toml(path, src, &e))?,
        _ => TomlConfig::default(),
    };
    let project_src = file.as_ref().map(|p| format!("project:{}", p.display()));

    let mut layers = Layers { user: user_src.as_deref(), project: project_src.as_deref(), provenance: &mut provenance };
    let um = user.measure.clone().unwrap_or_default();
    let pm = project.measure.clone().unwrap_or_default();
    let schedule = schedule_of(
        cli,
        (&pm, file.as_deref().zip(project_src_text.as_deref())),
        (&um, user_path.as_deref()),
        &mut layers,
    )?;
    let measure = Measure {
        schedule,
        runs: layers.pick(
            "measure.runs",
            um.runs.as_ref().map(|r| r.get_ref().0),
            pm.runs.as_ref().map(|r| r.get_ref().0),
            cli.runs,
            DEFAULT_RUNS,
        ),
        warmup: layers.pick(
            "measure.warmup",
            um.warmup.map(|w| w.0),
            pm.warmup.map(|w| w.0),
            cli.warmup,
            DEFAULT_WARMUP,
        ),
        timeout: layers.pick(
            "measure.timeout",
            um.timeout.map(|t| t.0),
            pm.timeout.map(|t| t.0),
            cli.timeout,
            DEFAULT_TIMEOUT,
        ),
        seed: layers.pick("measure.seed", um.seed, pm.seed, cli.seed, DEFAULT_SEED),
        precision: layers.pick(
            "measure.precision",
            um.precision.as_ref().map(|p| Some(p.get_ref().0)),
            pm.precision.as_ref().map(|p| Some(p.get_ref().0)),
            cli.precision.map(Some),
            None,
        ),
        max_runs: layers.pick(
            "measure.max_runs",
            um.max_runs.map(|r| r.0),
            pm.max_runs.map(|r| r.0),
            cli.max_runs,
            DEFAULT_MAX_RUNS,
        ),
        cold: layers.pick("measure.cold", um.cold, pm.cold, cli.cold.then_some(true), false),
        inittrace: layers.pick(
            "measure.inittrace",
            um.inittrace,
            pm.inittrace,
            cli.no_inittrace.then_some(false),
            true,
        ),
        pin: layers.pick("measure.pin", um.pin.map(|c| Some(c.0)), pm.pin.map(|c| Some(c.0)), cli.pin.map(Some), None),
        build_timeout: layers.pick(
            "measure.build_timeout",
            um.build_timeout.map(|t| Some(t.0)),
            pm.build_timeout.map(|t| Some(t.0)),
            None,
            None,
        ),
    };
    // A CPU in a file was checked where it is written; one on the command line is checked here.
    if let Some(cpu) = cli.pin {
        super::limits::check_cpu(cpu).map_err(|e| anyhow::anyhow!("--pin {cpu}: {e}"))?;
    }
    let default_jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = layers.pick("jobs", user.jobs.map(|j| j.0 as usize), None, cli.jobs, default_jobs);
    let go = match &cli.go {
        Some((go, source)) => {
            provenance.insert("go".into(), source.clone());
            go.clone()
        }
        None => Layers { user: user_src.as_deref(), project: None, provenance: &mut provenance }.pick(
            "go",
            user.go.clone(),
            None,
            None,
            PathBuf::from("go"),
        ),
    };

    let (matrix, matrix_src) = pick_matrix(cli, &project, file.as_deref(), project_src_text.as_deref())?;
    provenance.insert("matrix".into(), matrix_src);

    let target_src = match (&project.target, &project_src) {
        (Some(_), Some(src)) => src.clone(),
        _ => "default".to_owned(),
    };
    provenance.insert("target".into(), target_src);
    let target = project.target.unwrap_or_default();
    let rank = project.rank.unwrap_or_default();
    let w = rank.weights.unwrap_or_default();
    let weights = Weights(PerFigure::from_fn(|f| w.get(&f).map_or(f.default_weight(), |w| w.0)));
    let max_regression = rank.max_regression.clone().unwrap_or_default().into_iter().map(|(f, v)| (f, v.0)).collect();
    let defaults_rank = Rank::default();
    let forbid = rank.forbid.clone().unwrap_or(defaults_rank.forbid);
    let goamd64 = rank.goamd64.clone().map_or(defaults_rank.goamd64, |g| g.0);
    let profiles = resolve_profiles(project.profile);
    let ps = project.search.clone().unwrap_or_default();
    let mut layers = Layers { user: None, project: project_src.as_deref(), provenance: &mut provenance };
    let search = crate::search::Settings {
        strategy: layers.pick("search.strategy", None, ps.strategy, cli.strategy, Default::default()),
        max_builds: layers.pick(
            "search.max_builds",
            None,
            ps.max_builds.map(|m| m.0 as usize),
            cli.max_builds,
            crate::search::DEFAULT_MAX_BUILDS,
        ),
    };

    let baseline_at = match (&rank.baseline, &file, &project_src_text) {
        (Some(b), Some(f), Some(src)) => Some(error::position(f, src, b.span().start)),
        _ => None,
    };
    Ok(Config {
        dir: cli.dir.clone(),
        file,
        go,
        jobs,
        escapes: !cli.no_escapes,
        max_configs: cli.max_configs,
        target: Target {
            package: target.package.map_or_else(|| ".".into(), |p| p.0),
            args: target.args.unwrap_or_default().into_iter().map(|a| a.0).collect(),
            env: target.env.unwrap_or_default().into_iter().map(|(k, v)| (k.0, v.0)).collect(),
            expect_exit: target.expect_exit.map_or(0, |e| e.0),
        },
        measure,
        matrix,
        rank: Rank {
            baseline_at,
            baseline: rank.baseline.map(|b| b.into_inner()),
            weights,
            max_regression,
            forbid,
            goamd64,
        },
        profiles,
        search,
        shard: cli.shard,
        provenance,
    })
}

/// The matrix: `--matrix FILE`, else `--preset NAME`, else gostart.toml's `[matrix]`, else the default preset.
fn pick_matrix(
    cli: &Overrides,
    project: &TomlConfig,
    file: Option<&Path>,
    file_src: Option<&str>,
) -> Result<(MatrixSpec, String)> {
    if let Some(path) = &cli.matrix_file {
        let path = cli.dir.join(path);
        let src = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the matrix file {}", path.display()))?;
        let label = error::shown(&path);
        return Ok((matrix_from_src(&path, &src, &label)?, format!("cli:{}", path.display())));
    }
    if let Some(name) = &cli.preset {
        let Some(src) = presets::get(name) else {
            bail!("there is no preset `{name}`; the presets are: {}", presets::names().join(", "));
        };
        let label = format!("preset:{name}");
        return Ok((matrix_from_src(Path::new(&format!("matrix/{name}.toml")), src, &label)?, "cli".into()));
    }
    if let (Some(m), Some(file)) = (&project.matrix, file) {
        let label = error::shown(file);
        return Ok((spec_from(m, &label, file, file_src.unwrap_or(""))?, format!("project:{}", file.display())));
    }
    let name = presets::DEFAULT_PRESET;
    let src = presets::get(name).unwrap_or_default();
    let label = format!("preset:{name}");
    Ok((matrix_from_src(Path::new(&format!("matrix/{name}.toml")), src, &label)?, "default".into()))
}

/// The `[profile.*]` tables of a gostart.toml's text, resolved as `load` resolves them: what
/// `gostart build --profile` builds. `apply` reads back what it wrote with it.
pub fn profiles_from_src(path: &Path, src: &str) -> Result<BTreeMap<String, Flags>> {
    let parsed: TomlConfig = ::toml::from_str(src).map_err(|e| error::from_toml(path, src, &e))?;
    Ok(resolve_profiles(parsed.profile))
}

fn resolve_profiles(
    profiles: Option<BTreeMap<ProfileName, ::toml::Spanned<TomlEntry<super::toml::AnyBuildMode>>>>,
) -> BTreeMap<String, Flags> {
    profiles
        .unwrap_or_default()
        .into_iter()
        .map(|(name, entry)| {
            let mut flags = Flags::default();
            matrix::apply(&mut flags, &entry_point(entry.get_ref()));
            (name.0, flags)
        })
        .collect()
}

/// Reads a matrix file: a TOML file with one `[matrix]` table.
fn matrix_from_src(path: &Path, src: &str, label: &str) -> Result<MatrixSpec> {
    let parsed: TomlConfig = ::toml::from_str(src).map_err(|e| error::from_toml(path, src, &e))?;
    if parsed.target.is_some() || parsed.measure.is_some() || parsed.rank.is_some() || parsed.profile.is_some() {
        bail!("{}: a matrix file holds only a [matrix] table; move other tables to gostart.toml", path.display());
    }
    let Some(m) = parsed.matrix else {
        bail!("{}: a matrix file needs a [matrix] table with at least one axis", path.display());
    };
    spec_from(&m, label, path, src)
}

/// The matrix as axes and points; `path` and `src` locate errors in the entries.
fn spec_from(m: &TomlMatrix, source: &str, path: &Path, src: &str) -> Result<MatrixSpec> {
    let mut axes = Vec::new();
    let mut push = |key: &str, values: Option<Vec<Setting>>| {
        if let Some(values) = values {
            axes.push(Axis { key: key.to_owned(), values });
        }
    };
    let texts = |a: &Option<super::toml::Axis<ArgValue>>| {
        a.as_ref().map(|a| a.0.iter().map(|s| Setting::Text(s.0.clone())).collect())
    };
    let tool_flags = |a: &Option<super::toml::Axis<super::toml::ToolFlags>>| {
        a.as_ref().map(|a| a.0.iter().map(|s| Setting::Text(s.0.clone())).collect())
    };
    push("ldflags", tool_flags(&m.ldflags));
    push("gcflags", tool_flags(&m.gcflags));
    push("asmflags", tool_flags(&m.asmflags));
    push("trimpath", m.trimpath.as_ref().map(|a| a.0.iter().map(|b| Setting::Bool(*b)).collect()));
    push("buildmode", m.buildmode.as_ref().map(|a| a.0.iter().map(|b| Setting::Text(b.0.clone())).collect()));
    push("tags", m.tags.as_ref().map(|a| a.0.iter().map(|t| Setting::List(t.0.clone())).collect()));
    push("pgo", texts(&m.pgo));
    for (prefix, table) in [("env", &m.env), ("runenv", &m.runenv)] {
        for (name, axis) in table.iter().flatten() {
            push(&format!("{prefix}.{}", name.0), texts(&Some(axis.clone())));
        }
    }
    // An exclude entry can only name axes (an include entry may add other settings).
    for entry in m.exclude.iter().flatten() {
        if let Some(key) = entry_point(entry.get_ref()).into_keys().find(|k| !axes.iter().any(|a| &a.key == k)) {
            let names: Vec<&str> = axes.iter().map(|a| a.key.as_str()).collect();
            return Err(error::at(
                path,
                src,
                Some(entry.span()),
                &format!(
                    "this [[matrix.exclude]] entry names `{key}`, which is not an axis of the matrix (axes: {})",
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(MatrixSpec {
        source: source.to_owned(),
        axes,
        include: m.include.iter().flatten().map(|e| entry_point(e.get_ref())).collect(),
        exclude: m.exclude.iter().flatten().map(|e| entry_point(e.get_ref())).collect(),
    })
}

/// The axis settings an include/exclude entry or a profile names.
fn entry_point<B: AsRef<str>>(e: &TomlEntry<B>) -> Point {
    let mut p = Point::new();
    let mut text = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            p.insert(k.to_owned(), Setting::Text(v.clone()));
        }
    };
    text("ldflags", &e.ldflags.as_ref().map(|f| f.0.clone()));
    text("gcflags", &e.gcflags.as_ref().map(|f| f.0.clone()));
    text("asmflags", &e.asmflags.as_ref().map(|f| f.0.clone()));
    text("pgo", &e.pgo.as_ref().map(|p| p.0.clone()));
    text("buildmode", &e.buildmode.as_ref().map(|b| b.as_ref().to_owned()));
    if let Some(t) = e.trimpath {
        p.insert("trimpath".into(), Setting::Bool(t));
    }
    if let Some(t) = &e.tags {
        p.insert("tags".into(), Setting::List(t.0.clone()));
    }
    for (prefix, table) in [("env", &e.env), ("runenv", &e.runenv)] {
        for (name, value) in table.iter().flatten() {
            p.insert(format!("{prefix}.{}", name.0), Setting::Text(value.0.clone()));
        }
    }
    p
}
