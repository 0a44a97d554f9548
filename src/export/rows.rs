//! The rows every tabular format shows: configs in rank order, figures formatted once.

use crate::results::{ConfigResult, Run};

/// One config's figures, formatted for display.
pub struct Row<'a> {
    pub config: &'a ConfigResult,
    pub size: String,
    pub size_delta: String,
    pub startup: String,
    pub startup_delta: String,
    /// What `size_delta` and `startup_delta` mean, for formats that colour them.
    pub size_tone: Tone,
    pub startup_tone: Tone,
    pub score: String,
    pub note: String,
    /// The Go that built it (`1.26.8`), for the `go` column of a run several Go versions built.
    pub go: String,
}

/// Whether a change against the baseline is good news.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Smaller or faster.
    Gain,
    /// Bigger or slower.
    Loss,
    /// Within the 95% interval of no change (`~`): neither.
    Noise,
    /// The baseline itself, no figure, or a change that rounds to 0.0%.
    Neutral,
}

impl Tone {
    /// The tone of a ratio to the baseline (below 1.0 is better) as `percent` shows it.
    pub fn of(ratio: f64) -> Tone {
        match percent(ratio).as_str() {
            "+0.0%" | "-0.0%" => Tone::Neutral,
            _ if ratio < 1.0 => Tone::Gain,
            _ => Tone::Loss,
        }
    }
}

/// Usable configs by score (best first), then the ones that failed, in matrix order.
pub fn ranked(run: &Run) -> Vec<&ConfigResult> {
    let mut ok: Vec<&ConfigResult> = run.configs.iter().filter(|c| c.score.is_some()).collect();
    ok.sort_by(|a, b| a.score.unwrap_or(0.0).total_cmp(&b.score.unwrap_or(0.0)).then(a.name.cmp(&b.name)));
    ok.extend(run.configs.iter().filter(|c| c.score.is_none()));
    ok
}

pub fn rows(run: &Run) -> Vec<Row<'_>> {
    // With several Gos, the `go` column says which built each row, not its note.
    let several = super::toolchain::several(run);
    ranked(run).into_iter().map(|c| row(run, c, several)).collect()
}

fn row<'a>(run: &Run, c: &'a ConfigResult, several: bool) -> Row<'a> {
    let dash = || "-".to_owned();
    let size = c.size.as_ref().map_or_else(dash, |s| format_bytes(s.bytes));
    let startup = c.startup.as_ref().map_or_else(dash, |s| {
        let half = (s.ci95_ns[1] as f64 - s.ci95_ns[0] as f64) / 2.0;
        format!("{} ±{}", format_ns(s.median_ns as f64), format_ns(half))
    });
    let ((size_delta, size_tone), (startup_delta, startup_tone)) = match &c.ratios {
        Some(_) if c.name == run.baseline => (("base".into(), Tone::Neutral), ("base".into(), Tone::Neutral)),
        Some(r) => (
            (percent(r.size), Tone::of(r.size)),
            if r.startup_noise { ("~".into(), Tone::Noise) } else { (percent(r.startup), Tone::of(r.startup)) },
        ),
        None => ((dash(), Tone::Neutral), (dash(), Tone::Neutral)),
    };
    let mut notes = Vec::new();
    if run.verdict.recommended.as_deref() == Some(c.name.as_str()) {
        notes.push("recommended".to_owned());
    }
    if c.pareto {
        notes.push("pareto".to_owned());
    }
    if let Some(v) = c.go_version.as_deref().filter(|v| *v != run.go_version && !several) {
        notes.push(format!("built by {v}"));
    }
    if let Some(e) = &c.build.error {
        notes.push(format!("build failed: {}", first_line(e)));
    }
    if let Some(f) = &c.probe_failure {
        notes.push(format!("probe failed: {}", f.reason));
    }
    if !c.guards.is_empty() {
        notes.push(format!("guarded ({} below)", c.guards.len()));
    }
    if c.dropped.is_some() {
        // When and why are under the table: the note only says its figures stop early.
        notes.push("dropped".to_owned());
    }
    Row {
        config: c,
        size,
        size_delta,
        startup,
        startup_delta,
        size_tone,
        startup_tone,
        score: c.score.map_or_else(dash, |s| format!("{s:+.3}")),
        note: notes.join(", "),
        go: super::toolchain::cell(run, c),
    }
}

/// The Go that built the run's binaries, for a report's header: the run's own `go_version`
/// when it built them all; else every version that built some (the run's first), each with
/// how many configurations it built: `go1.26.8 (3 configs), go1.27.3 (1 config)`.
pub fn go_versions(run: &Run) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    // The same rule as the `go` column's: a config's recorded Go, else the one its flags ask for.
    let built_by = run.configs.iter().map(|c| crate::toolchain::built_by(run, c)).filter(|v| !v.is_empty());
    for v in built_by {
        match counts.iter_mut().find(|(seen, _)| *seen == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    if counts.iter().all(|(v, _)| *v == run.go_version) {
        return run.go_version.clone();
    }
    if let [(only, _)] = counts.as_slice() {
        return (*only).to_owned();
    }
    // The run's own first, then the others by name.
    counts.sort_by_key(|(v, _)| (*v != run.go_version, *v));
    let plural = |n: usize| if n == 1 { "config" } else { "configs" };
    counts.iter().map(|(v, n)| format!("{v} ({n} {})", plural(*n))).collect::<Vec<_>>().join(", ")
}

/// Each guard reason with the configs it keeps out, in the order reasons first appear; the
/// config's own setting (`GOAMD64=v3 ...`) is the same words for every config it applies to.
pub fn guarded(run: &Run) -> Vec<(String, Vec<&str>)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for c in &run.configs {
        for reason in &c.guards {
            match out.iter_mut().find(|(r, _)| r == reason) {
                Some((_, names)) => names.push(&c.name),
                None => out.push((reason.clone(), vec![&c.name])),
            }
        }
    }
    out
}

/// The first line of a compiler message that says something (go prefixes `# pkg`).
pub(crate) fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.starts_with('#') && !l.trim().is_empty()).unwrap_or("").trim()
}

pub fn percent(ratio: f64) -> String {
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
}

/// A ratio with its 95% interval, `0.68× (0.67–0.69)`; within noise (the interval contains 1.0)
/// `~ (0.98–1.03)`, as the ranking table shows such a ratio as `~`; without an interval (equal
/// ends), `0.68×`. Two decimals, three when two would print a real interval as one number.
pub fn ratio_interval(ratio: f64, [lo, hi]: [f64; 2], noise: bool) -> String {
    let decimals = if lo != hi && format!("{lo:.2}") == format!("{hi:.2}") { 3 } else { 2 };
    let interval = format!("({lo:.decimals$}–{hi:.decimals$})");
    match (noise, lo == hi) {
        (true, false) => format!("~ {interval}"),
        (true, true) => "~".to_owned(),
        (false, false) => format!("{ratio:.decimals$}× {interval}"),
        (false, true) => format!("{ratio:.decimals$}×"),
    }
}

/// The tone of a ratio shown by [`ratio_interval`].
pub fn interval_tone(ratio: f64, noise: bool) -> Tone {
    if noise { Tone::Noise } else { Tone::of(ratio) }
}

/// A figure's name in a narrow column header.
pub fn figure_header(f: crate::rank::Figure) -> &'static str {
    use crate::rank::Figure;
    match f {
        Figure::Startup => "startup",
        Figure::Size => "size",
        Figure::Build => "build",
        Figure::Escapes => "escapes",
        Figure::MaxRss => "max RSS",
        Figure::Cpu => "CPU",
    }
}

/// A terminal table as every report draws one: borders only, fitted to `width` columns (long
/// cells wrap). The caller decided the width: comfy-table must not look at the terminal itself.
pub fn text_table(width: u16) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
    t.force_no_tty();
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic).set_width(width);
    t
}

/// Right-aligns the figure `columns` of a terminal table and keeps them at their content's
/// width (only the text columns wrap).
pub fn align_right(t: &mut comfy_table::Table, columns: std::ops::Range<usize>) {
    for col in columns {
        if let Some(c) = t.column_mut(col) {
            c.set_cell_alignment(comfy_table::CellAlignment::Right);
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
}

pub fn format_bytes(b: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = b as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{b} B") } else { format!("{v:.2} {}", UNITS[unit]) }
}

/// `+1.20 KiB`, `−300 B`, `0 B`.
pub fn signed_bytes(change: i64) -> String {
    let sign = match change {
        c if c > 0 => "+",
        c if c < 0 => "−",
        _ => "",
    };
    format!("{sign}{}", format_bytes(change.unsigned_abs()))
}

/// `+1.2%`, `−82.6%`.
pub fn signed_percent(change: i64, base: u64) -> String {
    let p = change as f64 * 100.0 / base.max(1) as f64;
    let sign = if change > 0 {
        "+"
    } else if change < 0 {
        "−"
    } else {
        ""
    };
    format!("{sign}{:.1}%", p.abs())
}

pub fn format_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.0} µs", ns / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::fixture;

    #[test]
    fn the_header_names_every_go_that_built_and_the_row_its_own() {
        let mut run = fixture::run();
        // Written before configs recorded their Go: the run's.
        assert_eq!(go_versions(&run), "go1.26.8");
        for c in &mut run.configs {
            c.go_version = Some("go1.26.8".into());
        }
        assert_eq!(go_versions(&run), "go1.26.8");
        assert!(rows(&run).iter().all(|r| !r.note.contains("built by")));
        run.configs[1].go_version = Some("go1.27.3".into());
        let n = run.configs.len();
        assert_eq!(go_versions(&run), format!("go1.26.8 ({} configs), go1.27.3 (1 config)", n - 1));
        let other = run.configs[1].name.clone();
        // Two Gos: the `go` column says which built each, the note does not repeat it.
        for r in rows(&run) {
            let want = if r.config.name == other { "1.27.3" } else { "1.26.8" };
            assert_eq!(r.go, want, "{}", r.config.name);
            assert!(!r.note.contains("built by"), "{}: {}", r.config.name, r.note);
        }
        // All built by another Go than the run's: that one, and each row's note says it (no column).
        for c in &mut run.configs {
            c.go_version = Some("go1.27.3".into());
        }
        assert_eq!(go_versions(&run), "go1.27.3");
        assert!(rows(&run).iter().all(|r| r.note.contains("built by go1.27.3")));
        // A config recorded without its Go but asking for one (GOTOOLCHAIN): the header counts
        // it as the `go` column shows it.
        let mut run = fixture::run();
        run.configs[1].flags.env.insert("GOTOOLCHAIN".into(), "go1.27.3".into());
        assert_eq!(go_versions(&run), format!("go1.26.8 ({} configs), go1.27.3 (1 config)", n - 1));
        assert_eq!(rows(&run).iter().find(|r| r.config.name == other).unwrap().go, "1.27.3");
    }

    #[test]
    fn units() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(1536), "1.50 KiB");
        assert_eq!(format_bytes(5 * 1024 * 1024), "5.00 MiB");
        assert_eq!(format_ns(1_234_567.0), "1.23 ms");
        assert_eq!(format_ns(45_000.0), "45 µs");
        assert_eq!(percent(0.75), "-25.0%");
        assert_eq!(Tone::of(0.75), Tone::Gain);
        assert_eq!(Tone::of(1.2), Tone::Loss);
        assert_eq!(Tone::of(1.0004), Tone::Neutral, "shown as +0.0%");
        assert_eq!(ratio_interval(0.6812, [0.671, 0.6904], false), "0.68× (0.67–0.69)");
        assert_eq!(ratio_interval(1.004, [0.981, 1.031], true), "~ (0.98–1.03)");
        assert_eq!(ratio_interval(0.6641, [0.6621, 0.6648], false), "0.664× (0.662–0.665)", "one more decimal");
        assert_eq!(ratio_interval(0.6641, [0.6603, 0.6679], false), "0.66× (0.66–0.67)");
        assert_eq!(ratio_interval(0.664, [0.664, 0.664], false), "0.66×", "no spread to estimate");
        assert_eq!(interval_tone(0.9, true), Tone::Noise);
        assert_eq!(interval_tone(0.9, false), Tone::Gain);
        assert_eq!(
            first_line("# fixture\nflag provided but not defined: -bogus\n"),
            "flag provided but not defined: -bogus"
        );
    }
}
