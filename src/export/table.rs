//! The terminal table and the verdict under it.

use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table, presets};

use super::checks::delta_header;
use super::rows::{Tone, format_ns, rows};
use super::{Style, printable};
use crate::rank::Figure;
use crate::results::Run;

/// Configuration names longer than this are broken into lines at their commas (between
/// settings, never inside one), so that the table fits 120 columns. (The table leaves out the
/// config ids to fit too: `gostart matrix`, results.json and the other formats have them.)
const NAME_WIDTH: usize = 30;
/// Notes likewise (`recommended, pareto` is 19).
const NOTE_WIDTH: usize = 19;

/// `text` in lines of at most `width` characters where it can, broken after a comma that is
/// followed by a setting or a space; a part longer than `width` stays whole.
fn wrap_at_commas(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for part in text.split_inclusive(',') {
        let fits = line.chars().count() + part.trim_end().chars().count() <= width;
        if !line.is_empty() && !fits {
            lines.push(line.trim_end().to_owned());
            line = part.trim_start().to_owned();
        } else {
            line.push_str(part);
        }
    }
    lines.push(line.trim_end().to_owned());
    lines.join("\n")
}

/// The table; with `style.color`, the Δ columns are coloured (gains green, losses red,
/// noise dim) with ANSI escapes, else the text is plain.
pub fn serialize(run: &Run, style: Style) -> String {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_BORDERS_ONLY);
    // The caller decided; comfy-table must not look at the terminal itself.
    table.force_no_tty();
    // Long names and notes wrap so that the table fits the terminal (or 120 columns).
    table.set_content_arrangement(ContentArrangement::Dynamic).set_width(style.width);
    if style.color {
        table.enforce_styling();
        table.style_text_only();
    }
    table.set_header([
        "#".to_owned(),
        "config".to_owned(),
        "size".to_owned(),
        delta_header(run, Figure::Size, "Δsize"),
        "startup ±95% CI".to_owned(),
        delta_header(run, Figure::Startup, "Δstartup"),
        "score".to_owned(),
        "note".to_owned(),
    ]);
    let delta = |text: &str, tone: Tone| {
        let cell = Cell::new(text);
        match (style.color, tone) {
            (false, _) | (true, Tone::Neutral) => cell,
            (true, Tone::Gain) => cell.fg(Color::Green),
            (true, Tone::Loss) => cell.fg(Color::Red),
            (true, Tone::Noise) => cell.fg(Color::DarkGrey).add_attribute(Attribute::Dim),
        }
    };
    for (i, r) in rows(run).iter().enumerate() {
        table.add_row([
            Cell::new(i + 1),
            Cell::new(wrap_at_commas(&printable(&r.config.name), NAME_WIDTH)),
            Cell::new(&r.size),
            delta(&r.size_delta, r.size_tone),
            Cell::new(&r.startup),
            delta(&r.startup_delta, r.startup_tone),
            Cell::new(&r.score),
            Cell::new(wrap_at_commas(&printable(&r.note), NOTE_WIDTH)),
        ]);
    }
    for col in [0, 2, 3, 4, 5, 6] {
        if let Some(c) = table.column_mut(col) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let floor = run
        .floor
        .as_ref()
        .map_or(String::new(), |f| format!(" · runner floor {}", format_ns(f.startup.median_ns as f64)));
    // Text from the run is shown escaped; the table's cells are escaped one by one, since with
    // colour the table itself carries escape sequences.
    let mut head = format!(
        "{} ({}) · {} · {} configs · {} · baseline `{}`{floor}\n",
        run.target.import_path,
        run.target.package,
        super::rows::go_versions(run),
        run.configs.len(),
        super::schedule::runs_each(run),
        run.baseline
    );
    if let Some(note) = run.incomplete() {
        head.push_str(&format!("{note}\n"));
    }
    for warning in super::checks::warnings(run) {
        head.push_str(&format!("warning: {warning}\n"));
    }
    let mut out = String::new();
    if let Some(schedule) = super::schedule::section(run) {
        out.push_str(&format!("{}\n", schedule.summary));
        out.extend(schedule.details().iter().map(|l| format!("  {l}\n")));
    }
    if let Some(summary) = super::checks::summary(run) {
        out.push_str(&format!("{summary}\n"));
    }
    if let Some(init) = super::init::section(run) {
        out.push_str(&init);
    }
    let guarded = super::rows::guarded(run);
    if !guarded.is_empty() {
        out.push_str("kept out of the recommendation:\n");
        for (reason, names) in guarded {
            out.push_str(&format!("  {reason}:\n    {}\n", names.join(", ")));
        }
    }
    match &run.verdict.recommended {
        Some(name) => out.push_str(&format!("verdict: {name} — {}\n", run.verdict.reason)),
        None => out.push_str(&format!("verdict: none — {}\n", run.verdict.reason)),
    }
    if let Some(command) = &run.verdict.command {
        out.push_str(&format!("  build it: {command}\n"));
    }
    if let Some(run_command) = &run.verdict.run_command {
        out.push_str(&format!("  then {}: {run_command}\n", crate::profile::RUN_IT));
    }
    if let Some(profile) = &run.verdict.profile {
        out.push_str("  or put this in gostart.toml and run `gostart build --profile release`:\n");
        out.extend(profile.lines().map(|l| format!("    {l}\n")));
    }
    format!("{}{table}\n{}", printable(&head), printable(&out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::fixture;

    #[test]
    fn plain_table() {
        let out = serialize(&fixture::run(), Style::default());
        assert!(!out.contains('\x1b'), "no escape codes without colour");
        insta::assert_snapshot!(out);
    }

    /// A raced run: the paragraph under the table says what the race did.
    #[test]
    fn raced_table() {
        insta::assert_snapshot!(serialize(&fixture::raced(), Style::default()));
    }

    #[test]
    fn coloured_deltas() {
        let run = fixture::run();
        let out = serialize(&run, Style { color: true, ..Style::default() });
        let plain = serialize(&run, Style::default());
        let line = |text: &str, name: &str| {
            text.lines().find(|l| l.contains(&format!(" {name} "))).unwrap_or_default().to_owned()
        };
        // -s -w: size -33.6% (a gain), startup `~` (noise).
        let strip = line(&out, "ldflags=-s -w");
        assert!(strip.contains("\x1b[38;5;10m-33.6%") || strip.contains("\x1b[38;5;2m-33.6%"), "{strip:?}");
        assert!(strip.contains("\x1b[2m") && strip.contains('~'), "{strip:?}");
        // pie: both worse.
        let pie = line(&out, "buildmode=pie");
        assert!(pie.contains("\x1b[38;5;9m+7.3%") || pie.contains("\x1b[38;5;1m+7.3%"), "{pie:?}");
        // The baseline's `base` and the other columns stay plain.
        assert_eq!(line(&out, "default"), line(&plain, "default"));
        // Colour changes nothing but the escapes.
        assert_eq!(strip_ansi(&out), plain);
    }

    fn strip_ansi(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}

#[cfg(test)]
mod wrap_tests {
    use super::*;

    #[test]
    fn names_break_between_settings_only() {
        assert_eq!(wrap_at_commas("default", 30), "default");
        assert_eq!(
            wrap_at_commas("ldflags=\"-s -w\",buildmode=pie,CGO_ENABLED=0,GOAMD64=v3", 30),
            "ldflags=\"-s -w\",buildmode=pie,\nCGO_ENABLED=0,GOAMD64=v3"
        );
        assert_eq!(wrap_at_commas("guarded (1 below), dropped", 19), "guarded (1 below),\ndropped");
        // A setting longer than the width stays whole on its own line.
        assert_eq!(
            wrap_at_commas("a=1,gcflags=all=-N -l -m -m -m -m,b=2", 10),
            "a=1,\ngcflags=all=-N -l -m -m -m -m,\nb=2"
        );
    }
}

#[cfg(test)]
mod width_tests {
    use super::*;
    use crate::export::fixture;

    /// The table's own lines (the box and its rows), not the prose under it.
    fn table_lines(out: &str) -> Vec<&str> {
        out.lines().filter(|l| l.starts_with(['┌', '│', '╞', '└'])).collect()
    }

    #[test]
    fn the_table_fits_the_width_it_is_given() {
        for run in [fixture::run(), fixture::raced()] {
            for width in [120, 100, 80] {
                let out = serialize(&run, Style { width, ..Style::default() });
                let lines = table_lines(&out);
                assert!(lines.len() > 4, "{out}");
                for l in lines {
                    assert!(l.chars().count() <= usize::from(width), "{} > {width}: {l}", l.chars().count());
                }
            }
        }
    }
}
