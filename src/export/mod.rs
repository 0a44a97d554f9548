//! Report formats. Each exporter is a pure function of a saved run; writing is the caller's job
//! (the one exception, [`append_step_summary`], is a small writer kept beside the formats).

mod benchstat;
mod checks;
mod csv;
pub(crate) mod effects;
pub mod escapes;
pub mod explain;
mod html;
mod init;
mod json;
mod markdown;
mod merged;
mod rows;
pub mod schedule;
#[cfg(test)]
mod screened;
mod search;
pub(crate) mod size_split;
mod table;
pub(crate) mod toolchain;

pub(crate) use crate::printable::printable;
pub(crate) use rows::{align_right, first_line, format_bytes, format_ns, signed_bytes, signed_percent, text_table};

use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};
use clap::ValueEnum;

use crate::results::Run;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people (the default); coloured on a terminal unless NO_COLOR is set.
    Table,
    /// results.json, schema 1.
    Json,
    /// A Markdown table, fit for a pull-request comment or a CI job summary.
    Markdown,
    /// One row per config, for spreadsheets.
    Csv,
    /// One self-contained HTML page: the table, the verdict, a size/startup plot and the init
    /// breakdown (inline SVG; no scripts, no external files).
    Html,
    /// Go benchmark format, one line per timed run, for `benchstat old.txt new.txt`.
    Benchstat,
}

/// How a human-facing format may decorate its text. Deciding is the caller's job
/// ([`Style::detect`]); the exporters only obey, so they stay pure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours in the terminal table: gains green, losses red, noise dim.
    pub color: bool,
    /// The columns the terminal table fits in (long names and notes wrap).
    pub width: u16,
}

/// The width a table fits when nothing says otherwise (a file, a pipe, `COLUMNS` unset).
pub const DEFAULT_WIDTH: u16 = 120;
/// Narrower than this and a table is no longer readable: it overflows instead.
const MIN_WIDTH: u16 = 80;

impl Default for Style {
    fn default() -> Style {
        Style { color: false, width: DEFAULT_WIDTH }
    }
}

impl Style {
    /// Colour when the report goes to a terminal and `NO_COLOR` is unset or empty
    /// (<https://no-color.org>); the table fits `width` columns, at least [`MIN_WIDTH`].
    pub fn new(to_terminal: bool, no_color: Option<&OsStr>, width: u16) -> Style {
        Style { color: to_terminal && no_color.is_none_or(OsStr::is_empty), width: width.max(MIN_WIDTH) }
    }

    /// The style for a report written to stdout (`to_stdout`) or to a file: colour only on a
    /// terminal stdout, and only without `NO_COLOR`; the width of that terminal, else
    /// `COLUMNS`, else [`DEFAULT_WIDTH`].
    pub fn detect(to_stdout: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR");
        let terminal = to_stdout && std::io::stdout().is_terminal();
        let from_terminal = terminal
            .then(|| rustix::termios::tcgetwinsize(std::io::stdout()).ok())
            .flatten()
            .map(|size| size.ws_col)
            .filter(|&cols| cols > 0);
        let from_env = || std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<u16>().ok());
        let width = from_terminal.or_else(from_env).unwrap_or(DEFAULT_WIDTH);
        Style::new(terminal, no_color.as_deref(), width)
    }
}

/// Renders `run` in `format`, plain (no colour).
pub fn serialize(run: &Run, format: Format) -> Result<Vec<u8>> {
    serialize_styled(run, format, Style::default())
}

/// Renders `run` in `format`; `style` matters only to the terminal table.
pub fn serialize_styled(run: &Run, format: Format, style: Style) -> Result<Vec<u8>> {
    // Control characters from the run are shown escaped; the table escapes what it takes from
    // the run itself (its colours are escape sequences), JSON by its own rules.
    let text = match format {
        Format::Table => return Ok(table::serialize(run, style).into_bytes()),
        Format::Json => return json::serialize(run),
        Format::Markdown => markdown::serialize(run),
        Format::Csv => String::from_utf8(csv::serialize(run)?).context("the CSV is not UTF-8")?,
        Format::Html => html::serialize(run)?,
        Format::Benchstat => benchstat::serialize(run),
    };
    Ok(printable(&text).into_owned().into_bytes())
}

/// The variable GitHub Actions sets to the job summary file of the current step.
pub const STEP_SUMMARY_VAR: &str = "GITHUB_STEP_SUMMARY";

/// When `GITHUB_STEP_SUMMARY` names a file (as in a GitHub Actions step), appends the Markdown
/// report to it, so the ranking shows on the run's summary page; otherwise does nothing.
pub fn append_step_summary(run: &Run) -> Result<()> {
    match std::env::var_os(STEP_SUMMARY_VAR) {
        Some(path) if !path.is_empty() => append_markdown(run, Path::new(&path)),
        _ => Ok(()),
    }
}

/// Appends the Markdown report to `path`, creating the file if needed, a blank line first
/// when the file already has content (earlier steps may have written to it).
fn append_markdown(run: &Run, path: &Path) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {STEP_SUMMARY_VAR} file {}", path.display()))?;
    let separator = if file.metadata().map(|m| m.len() > 0).unwrap_or(false) { "\n" } else { "" };
    let text = format!("{separator}{}", printable(&markdown::serialize(run)));
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {STEP_SUMMARY_VAR} file {}", path.display()))
}

#[cfg(test)]
pub(crate) mod fixture {
    //! The saved results of a real run (`tests/captures/results-hello-go1.26.8.json`: the
    //! `hello` fixture, ldflags × buildmode, 5 runs), shared by the exporters' tests.

    use crate::results::Run;

    pub use super::screened::{full, long_values, screened};

    pub const TEXT: &str = include_str!("../../tests/captures/results-hello-go1.26.8.json");

    #[allow(clippy::expect_used)]
    pub fn run() -> Run {
        serde_json::from_str(TEXT).expect("the fixture is results.json")
    }

    /// The fixture as a race would have left it: `buildmode=pie` dropped after round 10 as
    /// worse than `ldflags=-s -w`, `ldflags=-s -w,buildmode=pie` made `GOAMD64=v3` (a guard) and
    /// dropped after the minimum 10 rounds, and a fifth config, `buildmode=pie,tags=big`, dropped
    /// before the first round for its size; the race ended with `ldflags=-s -w` separated.
    #[allow(clippy::expect_used)]
    pub fn raced() -> Run {
        use crate::measure::schedule::{DropReason, Dropped, End, Record, ScheduleKind};
        let mut run = run();
        // Stopped at the look after round 15: every sample of a later round goes.
        for c in &mut run.configs {
            c.samples.retain(|s| s.round < 15);
        }
        if let Some(floor) = &mut run.floor {
            floor.samples.retain(|s| s.round < 15);
        }
        let by_name = |run: &mut Run, name: &str| -> usize {
            run.configs.iter().position(|c| c.name == name).expect("a config of the fixture")
        };
        let pie = by_name(&mut run, "buildmode=pie");
        let mut big = run.configs[pie].clone();
        big.name = "buildmode=pie,tags=big".into();
        big.id = "0badc0de".into();
        big.build_id = "0badc0de".into();
        big.flags.tags = vec!["big".into()];
        big.build.settings.insert("-tags".into(), "big".into());
        // Six times the baseline's size: 0.5 × ln 6 = 0.896 of score at the default weights,
        // more than halving its startup and max RSS (1.2 × ln 2 = 0.832) could win back.
        let base = run.configs.iter().find(|c| c.name == "default").expect("the baseline").clone();
        if let (Some(size), Some(b)) = (&mut big.size, &base.size) {
            size.bytes = b.bytes * 6;
        }
        big.samples.clear();
        big.init = None;
        let weights = crate::config::Weights::default();
        let exact = crate::rank::rounds::exact_score(&big, &base, &weights);
        let bound = (weights[crate::rank::Figure::Startup] + weights[crate::rank::Figure::MaxRss]) * 2f64.ln();
        assert!(exact > bound, "{exact} {bound}");
        big.dropped = Some(Dropped { round: 0, reason: DropReason::Exact { exact, bound } });
        let c = &mut run.configs[pie];
        c.samples.retain(|s| s.round < 10);
        c.dropped = Some(Dropped {
            round: 10,
            reason: DropReason::Worse { leader: "3b209a57".into(), p: 0.00042, diff: 0.2137 },
        });
        let both = by_name(&mut run, "ldflags=-s -w,buildmode=pie");
        let c = &mut run.configs[both];
        c.name = "ldflags=-s -w,buildmode=pie,GOAMD64=v3".into();
        c.flags.env.insert("GOAMD64".into(), "v3".into());
        c.build.settings.insert("GOAMD64".into(), "v3".into());
        c.samples.retain(|s| s.round < 10);
        c.dropped = Some(Dropped { round: 10, reason: DropReason::Guarded { why: String::new() } });
        run.configs.push(big);
        run.rounds = crate::results::Rounds { done: 15, planned: 300 };
        run.schedule = Some(Record {
            kind: ScheduleKind::Race,
            min_rounds: 10,
            max_rounds: 300,
            alpha: Some(0.05),
            margin: Some(0.01),
            looks: vec![10, 15, 23, 35, 53, 80, 120, 180, 270, 300],
            end: Some(End::Separated { leader: "3b209a57".into() }),
            probe_runs: 15 + 15 + 10 + 10,
            fixed_runs: 5 * 15,
        });
        run.recompute();
        // The guard's words, as ranking made them.
        let c = &mut run.configs[both];
        let why = c.guards.first().cloned().expect("GOAMD64=v3 guards it");
        c.dropped = Some(Dropped { round: 10, reason: DropReason::Guarded { why } });
        run
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn style_follows_terminal_and_no_color() {
        assert!(Style::new(true, None, 120).color);
        assert!(Style::new(true, Some(OsStr::new("")), 120).color, "an empty NO_COLOR does not count");
        assert!(!Style::new(true, Some(OsStr::new("1")), 120).color);
        assert!(!Style::new(false, None, 120).color);
        assert_eq!(Style::default(), Style { color: false, width: DEFAULT_WIDTH });
        assert_eq!(Style::new(true, None, 30).width, MIN_WIDTH, "narrower than 80 columns, it overflows instead");
    }

    #[test]
    fn every_format_renders_the_fixture() {
        for run in [fixture::run(), fixture::full(), fixture::screened(), fixture::long_values()] {
            for format in Format::value_variants() {
                let out = serialize(&run, *format).unwrap();
                assert!(!out.is_empty(), "{format:?}");
                assert!(!out.contains(&0x1b), "{format:?}: escape codes in the plain output");
            }
        }
    }

    /// An axis value and a design run's name from a crafted results.json are shown escaped in
    /// the effects table and the search summary too, coloured or not.
    #[test]
    fn control_characters_in_effects_and_search_are_shown_escaped() {
        let mut run = fixture::screened();
        let evil = "\u{1b}[2J\u{7}evil";
        for e in run.effects.iter_mut().filter(|e| e.axis == "buildmode") {
            e.value = evil.into();
        }
        let search = run.search.as_mut().unwrap();
        search.design_runs[5].name = evil.into();
        search.design.as_mut().unwrap().generators[0] = evil.into();
        for format in [Format::Table, Format::Markdown, Format::Html] {
            for color in [false, true] {
                let out = serialize_styled(&run, format, Style { color, ..Style::default() }).unwrap();
                let text = String::from_utf8(out).unwrap();
                assert!(
                    !text.contains('\u{7}') && !text.contains("\u{1b}[2J"),
                    "{format:?} (colour: {color}):\n{text}"
                );
                let shown = text.matches("\\x1b[2J\\x07evil").count();
                assert!(shown >= 3, "{format:?}: {shown} shown escaped:\n{text}");
            }
        }
    }

    /// A crafted results.json (fuzz target `results`): ESC and BEL in what a report shows would
    /// clear the reader's screen and ring; every format shows them escaped.
    #[test]
    fn control_characters_from_the_run_are_shown_escaped() {
        let mut run = fixture::run();
        let evil = "\u{1b}[2J\u{7}evil";
        run.target.import_path = evil.into();
        run.configs[1].name = evil.into();
        run.configs[1].id = evil.into();
        run.verdict.reason = evil.into();
        let without_sgr = |text: &str| {
            let mut out = text.to_owned();
            for sgr in ["\x1b[0m", "\x1b[2m", "\x1b[22m", "\x1b[39m", "\x1b[38;5;10m", "\x1b[38;5;9m", "\x1b[38;5;8m"] {
                out = out.replace(sgr, "");
            }
            out
        };
        for format in Format::value_variants() {
            for color in [false, true] {
                let out =
                    String::from_utf8(serialize_styled(&run, *format, Style { color, ..Style::default() }).unwrap())
                        .unwrap();
                let text = if color && *format == Format::Table { without_sgr(&out) } else { out };
                assert!(!text.contains(['\u{1b}', '\u{7}']), "{format:?} (colour: {color}):\n{text}");
                if matches!(format, Format::Table | Format::Markdown | Format::Csv | Format::Html) {
                    assert!(text.contains("\\x1b[2J\\x07evil"), "{format:?}: not shown escaped:\n{text}");
                }
            }
        }
    }

    #[test]
    fn the_verdict_says_how_to_run_a_winner_with_run_environment_and_which_go_built_what() {
        let mut run = fixture::run();
        let winner = run.verdict.recommended.clone().unwrap();
        let c = run.configs.iter_mut().find(|c| c.name == winner).unwrap();
        c.flags.runenv.insert("GOGC".into(), "off".into());
        c.go_version = Some("go1.27.3".into());
        run.recompute();
        assert_eq!(run.verdict.run_command.as_deref(), Some("GOGC=off ./hello"));
        let text = |f: Format| String::from_utf8(serialize(&run, f).unwrap()).unwrap();
        let table = text(Format::Table);
        assert!(
            table.contains("\n  then run it with this environment (a build cannot carry it): GOGC=off ./hello\n"),
            "{table}"
        );
        assert!(table.contains("    runenv = { GOGC = \"off\" }\n"), "{table}");
        assert!(table.lines().next().unwrap().contains(" · go1.26.8 (3 configs), go1.27.3 (1 config) · "), "{table}");
        // Two Gos built the run: the winner's row says which in its `go` column.
        let row = table.lines().find(|l| l.contains(&format!(" {winner} "))).unwrap();
        assert!(row.contains(" 1.27.3 "), "{table}");
        let md = text(Format::Markdown);
        assert!(
            md.contains("Then run it with this environment (a build cannot carry it):\n\n```sh\nGOGC=off ./hello\n```"),
            "{md}"
        );
        assert!(
            md.starts_with("### gostart: `fixture.test/hello` on go1.26.8 (3 configs), go1.27.3 (1 config)\n"),
            "{md}"
        );
        let html = text(Format::Html);
        assert!(
            html.contains("Then run it with this environment (a build cannot carry it): <code>GOGC=off ./hello</code>"),
            "{html}"
        );
        assert!(html.contains("runenv = { GOGC = &quot;off&quot; }"), "{html}");
        assert!(
            html.contains(
                "<h1>gostart: <code>fixture.test/hello</code> on go1.26.8 (3 configs), go1.27.3 (1 config)</h1>"
            ),
            "{html}"
        );
        let json: serde_json::Value = serde_json::from_slice(&serialize(&run, Format::Json).unwrap()).unwrap();
        assert_eq!(json["verdict"]["runenv"], serde_json::json!({"GOGC": "off"}));
        assert_eq!(json["verdict"]["run_command"], "GOGC=off ./hello");
    }

    #[test]
    fn step_summary_appends_markdown() {
        let run = fixture::run();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        std::fs::write(&path, "## earlier step\n").unwrap();
        append_markdown(&run, &path).unwrap();
        append_markdown(&run, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let md = markdown::serialize(&run);
        assert_eq!(text, format!("## earlier step\n\n{md}\n{md}"));
    }
}
