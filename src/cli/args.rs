//! The command line (clap derive). The flags in shared/DESIGN.md are a public contract.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::export::Format;

#[derive(Debug, Parser)]
#[command(
    name = "gostart",
    version,
    about = "Tune how Go programs are built: build a flag matrix, measure size and startup, rank the configurations."
)]
pub struct Cli {
    /// Act as if started in DIR (like `go -C`).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The go command to run [env: GOSTART_GO; default: `go` on PATH, or `go` in the user config].
    #[arg(long, global = true, value_name = "PATH")]
    pub go: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every configuration of the matrix, measure each build, and rank them.
    Tune(TuneArgs),
    /// Build the main package with a [profile.NAME] from gostart.toml.
    Build(BuildArgs),
    /// List the expanded configurations, one a line.
    Matrix(MatrixArgs),
    /// One JSON document describing the toolchain, module, resolved config and matrix.
    Metadata(MetadataArgs),
    /// Re-render a saved run without rebuilding or re-measuring.
    Report(ReportArgs),
    /// The compiler's escape and inlining report of a config, and its diff against another.
    Escape(EscapeArgs),
    /// Write a run's recommended config into gostart.toml as [profile.NAME].
    Apply(super::apply::ApplyArgs),
    /// Write a commented gostart.toml for the module in the current directory.
    Init(super::init::InitArgs),
    /// Compare the configs two saved runs share (e.g. before and after a code change).
    Compare(super::compare::CompareArgs),
    /// Join the runs of `tune --shard K/N` (one per machine) into one run and its report.
    Merge(super::merge::MergeArgs),
    /// A release gate: build REV and the working tree, measure both here, exit 4 over budget.
    Check(super::check::CheckArgs),
    /// A saved run's binaries by package and section, and the difference between two configs.
    Size(super::size::SizeArgs),
    /// Why a config's slowest-init and largest packages are linked in: the import chain from
    /// main, what each costs with what only it brings in, and the import to drop.
    Explain(super::explain::ExplainArgs),
}

/// Where the config and the matrix come from.
#[derive(Debug, Args, Clone, Default)]
pub struct ConfigArgs {
    /// Read this file instead of gostart.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use the [matrix] of this file (e.g. one of the repo's matrix/*.toml).
    #[arg(long, value_name = "FILE", conflicts_with = "preset")]
    pub matrix: Option<PathBuf>,
    /// Use a built-in matrix: startup, size or release.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// The main package to tune (overrides [target] package).
    #[arg(short, long, value_name = "PKG", value_parser = parse_package)]
    pub package: Option<String>,
    /// Refuse a full run of more configurations than this (a screened matrix may have up to
    /// 10000: its design stays within --max-builds).
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_configs: usize,
}

#[derive(Debug, Args)]
pub struct TuneArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// How rounds are scheduled: race (default: drop configs worse than the leader with
    /// confidence, stop when the verdict is resolved), fixed (--runs rounds), precision.
    #[arg(long, value_name = "SCHEDULE")]
    pub schedule: Option<crate::measure::schedule::ScheduleKind>,
    /// Fixed schedule: timed rounds, each running every config once (alone, it means
    /// --schedule fixed).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: Option<u32>,
    /// Untimed runs per config before the first round.
    #[arg(long, value_name = "N")]
    pub warmup: Option<u32>,
    /// Kill a probe run after this long, e.g. 10s or 500ms.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub timeout: Option<std::time::Duration>,
    /// Seed of the shuffled run order.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Add rounds until each config's median is known within this fraction (e.g. 0.01 = ±1%,
    /// 95% CI), after at least --runs and at most --max-runs rounds.
    #[arg(long, value_name = "FRACTION", value_parser = parse_precision)]
    pub precision: Option<f64>,
    /// Which configurations are built: auto (default: full up to --max-builds distinct builds,
    /// screen above), full (every one), screen (a fractional factorial design, then the
    /// prediction confirmed head to head with the baseline).
    #[arg(long, value_name = "STRATEGY")]
    pub strategy: Option<crate::search::Strategy>,
    /// Measure shard K of N of the matrix (and the baseline, in every round): N machines tune
    /// it together, and `gostart merge` joins their runs. A sharded run is a full run.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::Shard>,
    /// Above this many distinct builds, `auto` screens; a design stays within it [default: 32].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_builds: Option<u32>,
    /// Cap on rounds of the race and the precision schedule [default: 300].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_runs: Option<u32>,
    /// Evict each binary from the page cache before every run: a cold start.
    #[arg(long)]
    pub cold: bool,
    /// Skip the GODEBUG=inittrace=1 runs that attribute init time to packages.
    #[arg(long)]
    pub no_inittrace: bool,
    /// Skip the compiler's escape and inlining report.
    #[arg(long)]
    pub no_escapes: bool,
    /// Run the probes on this CPU only.
    #[arg(long, value_name = "CPU")]
    pub pin: Option<usize>,
    /// Concurrent builds.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Where runs are saved [default: .gostart in the module root].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Progress as bars on stderr (human) or one JSON object a line on stdout (json).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Print the go command of every config and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Continue an interrupted or killed run (`last`, a run id or a run folder): its binaries
    /// (checked by SHA-256) and samples are kept, the rest of its rounds measured.
    #[arg(long, value_name = "RUN", num_args = 0..=1, default_missing_value = "last", conflicts_with = "dry_run")]
    pub resume: Option<String>,
    /// After the run, write the recommended config into gostart.toml as [profile.PROFILE]
    /// (`--apply` alone: [profile.tuned]).
    #[arg(long, value_name = "PROFILE", num_args = 0..=1, default_missing_value = "tuned")]
    pub apply: Option<String>,
    /// When another gostart is writing runs in the target dir, wait for it instead of exiting (75).
    #[arg(long)]
    pub wait: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The [profile.NAME] to build.
    #[arg(long, value_name = "NAME")]
    pub profile: String,
    /// Write the binary here [default: .gostart/build/NAME/BIN in the module root].
    #[arg(short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Print the shards as GitHub Actions' `strategy.matrix` JSON (one `include` entry per
    /// shard, for `tune --shard ${{ matrix.shard }}`) instead of the configs.
    #[arg(long)]
    pub github: bool,
    /// How many shards (jobs) `--github` lists; 1 if not given.
    #[arg(long, value_name = "N", requires = "github",
          value_parser = clap::value_parser!(u32).range(1..=crate::shard::MAX_SHARDS as i64))]
    pub shards: Option<u32>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
pub struct MetadataArgs {
    /// The metadata format; only 1 exists.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1))]
    pub format_version: u32,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// `last`, a run id, a run folder or a results.json file.
    #[arg(default_value = "last")]
    pub run: String,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Where runs are saved [default: .gostart in the module root].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
}

/// A package operand go cannot take for a flag.
pub(super) fn parse_package(text: &str) -> Result<String, String> {
    crate::go::check_package(text).map(|()| text.to_owned())
}

fn parse_precision(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 0.5 => Ok(p),
        _ => Err(format!("`{text}` is not a precision: give a fraction between 0 and 0.5, e.g. 0.01 for ±1%")),
    }
}

#[derive(Debug, Args)]
pub struct EscapeArgs {
    /// The saved run: `last` (default), a run id, a run folder or a results.json file. With no
    /// saved run, gostart compiles what it needs now.
    pub run: Option<String>,
    /// The configuration to show, by name or id [default: the recommended one, else the baseline].
    #[arg(long, value_name = "NAME")]
    pub config: Option<String>,
    /// Compare with this configuration [default: the baseline].
    #[arg(long, value_name = "NAME")]
    pub diff: Option<String>,
    /// Only packages matching this import path (`PATH/...` for a tree).
    #[arg(long, value_name = "PATTERN")]
    pub package: Option<String>,
    #[arg(long, value_enum, default_value_t = EscapeFormat::Table)]
    pub format: EscapeFormat,
    /// Where runs are saved [default: .gostart in the module root].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EscapeFormat {
    Table,
    Json,
}
