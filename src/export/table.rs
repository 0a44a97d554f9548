//! The terminal table and the verdict under it.

use comfy_table::{Attribute, Cell, CellAlignment, Color, ColumnConstraint, Table, Width};

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
    // Long names and notes wrap so that the table fits the terminal (or 120 columns).
    let mut table = super::text_table(style.width);
    if style.color {
        table.enforce_styling();
        table.style_text_only();
    }
    // Several Gos built the run (a GOTOOLCHAIN sweep): a `go` column before the note.
    let go_column = super::toolchain::several(run);
    let mut header = vec![
        "#".to_owned(),
        "config".to_owned(),
        "size".to_owned(),
        delta_header(run, Figure::Size, "Δsize"),
        "startup ±95% CI".to_owned(),
        delta_header(run, Figure::Startup, "Δstartup"),
        "score".to_owned(),
    ];
    header.extend(go_column.then(|| "go".to_owned()));
    header.push("note".to_owned());
    table.set_header(header);
    let delta = |text: &str, tone: Tone| toned(Cell::new(text), tone, style);
    for (i, r) in rows(run).iter().enumerate() {
        let mut cells = vec![
            Cell::new(i + 1),
            Cell::new(wrap_at_commas(&printable(&r.config.name), NAME_WIDTH)),
            Cell::new(&r.size),
            delta(&r.size_delta, r.size_tone),
            Cell::new(&r.startup),
            delta(&r.startup_delta, r.startup_tone),
            Cell::new(&r.score),
        ];
        cells.extend(go_column.then(|| Cell::new(&r.go)));
        cells.push(Cell::new(wrap_at_commas(&printable(&r.note), NOTE_WIDTH)));
        table.add_row(cells);
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
    if let Some(merged) = super::merged::section(run) {
        out.push_str(&format!("{}\n", merged.summary));
        out.extend(merged.shards.iter().map(|l| format!("  {}\n", printable(l))));
    }
    if let Some(search) = super::search::section(run) {
        out.push_str(&format!("{}\n", search.summary));
        out.extend(search.details.iter().map(|l| format!("  {l}\n")));
    }
    if let Some(schedule) = super::schedule::section(run) {
        out.push_str(&format!("{}\n", schedule.summary));
        out.extend(schedule.details().iter().map(|l| format!("  {l}\n")));
    }
    if let Some(summary) = super::checks::summary(run) {
        out.push_str(&format!("{summary}\n"));
    }
    // The effects table has its own box, its cells escaped one by one like the main table's.
    let effects = effects_tables(run, style);
    let mut rest = String::new();
    if let Some(init) = super::init::section(run) {
        rest.push_str(&init);
    }
    if let Some(split) = super::size_split::text(run, style.width) {
        rest.push_str(&split);
    }
    if let Some(explain) = super::explain::section(run, style.width) {
        // `rest` is escaped whole below.
        rest.push_str(&explain);
    }
    let guarded = super::rows::guarded(run);
    if !guarded.is_empty() {
        rest.push_str("kept out of the recommendation:\n");
        for (reason, names) in guarded {
            rest.push_str(&format!("  {reason}:\n    {}\n", names.join(", ")));
        }
    }
    match &run.verdict.recommended {
        Some(name) => rest.push_str(&format!("verdict: {name} — {}\n", run.verdict.reason)),
        None => rest.push_str(&format!("verdict: none — {}\n", run.verdict.reason)),
    }
    if let Some(warning) = super::toolchain::warning(run) {
        rest.push_str(&format!("  warning: {warning}\n"));
    }
    if let Some(command) = &run.verdict.command {
        rest.push_str(&format!("  build it: {command}\n"));
    }
    if let Some(run_command) = &run.verdict.run_command {
        rest.push_str(&format!("  then {}: {run_command}\n", crate::profile::RUN_IT));
    }
    if let Some(profile) = &run.verdict.profile {
        rest.push_str("  or put this in gostart.toml and run `gostart build --profile release`:\n");
        rest.extend(profile.lines().map(|l| format!("    {l}\n")));
    }
    let effects = effects.map_or(String::new(), |(head, tables, legend)| {
        let tables: String = tables.iter().map(|t| format!("{t}\n")).collect();
        format!("{}{tables}{}", printable(&head), printable(&legend))
    });
    format!("{}{table}\n{}{effects}{}", printable(&head), printable(&out), printable(&rest))
}

/// Axis values longer than this wrap at their commas (and, if still too long, wherever the
/// table needs), so that the effects table fits with its figure columns.
const VALUE_WIDTH: usize = 24;
/// The least room the axis, value and reference columns keep before the figure columns: a
/// longer text wraps rather than squeezing the figures.
const TEXT_COLUMNS: [usize; 3] = [20, 14, 10];
/// comfy-table's padding of a column, one space each side.
const PADDING: usize = 2;

/// The effects table: its head line, the table (split into several, each with the axis
/// columns, when its figure columns do not fit `style.width` side by side), its legend line;
/// `None` without effects.
fn effects_tables(run: &Run, style: Style) -> Option<(String, Vec<Table>, String)> {
    let effects = super::effects::table(run)?;
    let longest = |texts: &mut dyn Iterator<Item = &str>| texts.map(|t| t.chars().count()).max().unwrap_or(0);
    // Room for the text columns: their longest text (or header), up to the least they keep.
    let text_room: Vec<usize> = [
        longest(&mut effects.rows.iter().map(|r| r.axis).chain(["axis"])),
        longest(&mut effects.rows.iter().map(|r| r.value).chain(["value"])),
        longest(&mut effects.rows.iter().map(|r| r.reference).chain(["against"])),
    ]
    .iter()
    .zip(TEXT_COLUMNS)
    .map(|(n, most)| (*n).min(most) + PADDING)
    .collect();
    // A figure column is as wide as its longest word: a cell wraps between ratio and interval,
    // never inside a number.
    let figure_room: Vec<usize> = (0..effects.figures.len())
        .map(|i| {
            let words = effects.rows.iter().filter_map(|r| r.cells[i].as_ref()).flat_map(|c| c.text.split_whitespace());
            longest(&mut words.chain(effects.headers[i].split_whitespace())) + PADDING
        })
        .collect();
    // The borders take 2 columns.
    let room = usize::from(style.width).saturating_sub(2 + text_room.iter().sum::<usize>());
    let mut chunks: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0;
    for (i, &w) in figure_room.iter().enumerate() {
        let last = chunks.len() - 1;
        if !chunks[last].is_empty() && used + w > room {
            chunks.push(Vec::new());
            used = 0;
        }
        let last = chunks.len() - 1;
        chunks[last].push(i);
        used += w;
    }
    // As many tables as it takes, sharing the figures evenly (3 + 3 rather than 5 + 1) when
    // that fits too.
    let per = figure_room.len().div_ceil(chunks.len()).max(1);
    let even: Vec<Vec<usize>> = (0..figure_room.len()).collect::<Vec<_>>().chunks(per).map(<[usize]>::to_vec).collect();
    if even.len() == chunks.len() && even.iter().all(|c| c.iter().map(|&i| figure_room[i]).sum::<usize>() <= room) {
        chunks = even;
    }
    let tables =
        chunks.iter().map(|figures| effects_table(&effects, figures, &text_room, &figure_room, style)).collect();
    Some((format!("{}\n", effects.head), tables, format!("{}\n", effects.legend)))
}

/// One effects table with the figure columns `figures` (indices into `effects.figures`), each
/// at least its `room`, the text columns at least their `text_room`.
fn effects_table(
    effects: &super::effects::Table<'_>,
    figures: &[usize],
    text_room: &[usize],
    room: &[usize],
    style: Style,
) -> Table {
    let mut table = super::text_table(style.width);
    if style.color {
        table.enforce_styling();
        table.style_text_only();
    }
    let mut header = vec!["axis".to_owned(), "value".to_owned(), "against".to_owned()];
    header.extend(figures.iter().map(|&i| effects.headers[i].clone()));
    table.set_header(header);
    for r in &effects.rows {
        // The axis and its reference once, on the first of its values.
        let (axis, reference) = if r.first { (printable(r.axis), printable(r.reference)) } else { Default::default() };
        let mut cells = vec![
            Cell::new(wrap_at_commas(&axis, VALUE_WIDTH)),
            Cell::new(wrap_at_commas(&printable(r.value), VALUE_WIDTH)),
            Cell::new(wrap_at_commas(&reference, VALUE_WIDTH)),
        ];
        cells.extend(figures.iter().map(|&i| match &r.cells[i] {
            Some(c) => toned(Cell::new(&c.text), c.tone, style),
            None => Cell::new("-"),
        }));
        table.add_row(cells);
    }
    for (col, &i) in figures.iter().enumerate() {
        if let Some(c) = table.column_mut(3 + col) {
            c.set_cell_alignment(CellAlignment::Right);
            let width = u16::try_from(room[i]).unwrap_or(u16::MAX);
            c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(width)));
        }
    }
    for (col, least) in text_room.iter().enumerate() {
        if let Some(c) = table.column_mut(col) {
            let width = u16::try_from(*least).unwrap_or(u16::MAX);
            c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(width)));
        }
    }
    table
}

/// A cell coloured by its tone (with `style.color`): gains green, losses red, noise dim.
fn toned(cell: Cell, tone: Tone, style: Style) -> Cell {
    match (style.color, tone) {
        (false, _) | (true, Tone::Neutral) => cell,
        (true, Tone::Gain) => cell.fg(Color::Green),
        (true, Tone::Loss) => cell.fg(Color::Red),
        (true, Tone::Noise) => cell.fg(Color::DarkGrey).add_attribute(Attribute::Dim),
    }
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

    /// A screened run: the search paragraph under the table, then the effects table.
    #[test]
    fn screened_table() {
        insta::assert_snapshot!(serialize(&fixture::screened(), Style::default()));
    }

    /// A full run: one search line; the effects table over its configurations.
    #[test]
    fn full_table_effects() {
        let out = serialize(&fixture::full(), Style::default());
        let search = "\nsearch: full — 4 configurations in 4 builds, within max_builds = 32: every one is built\nrace";
        let search = search.strip_suffix("race").unwrap_or(search);
        assert!(out.contains(search), "{out}");
        assert!(!out.contains("\n  design:"), "{out}");
        let row = out.lines().find(|l| l.contains(" pie ")).unwrap_or_default();
        assert!(row.contains(" buildmode ") && row.contains(" exe ") && row.contains("1.26× (1.18–1.35)"), "{out}");
        // The effects come after the self-checks and before the init section and the verdict.
        let at = |needle: &str| out.find(needle).unwrap_or_else(|| panic!("{needle}: {out}"));
        assert!(at("\neffects: each axis value") < at("\ninit time by package"), "{out}");
        assert!(at("\neach cell: the figure with this value") < at("\nverdict: "), "{out}");
    }

    #[test]
    fn effects_are_coloured_like_the_deltas() {
        let run = fixture::screened();
        let out = serialize(&run, Style { color: true, ..Style::default() });
        let line = out.lines().find(|l| l.contains(" pie ")).unwrap_or_default();
        assert!(line.contains("\x1b[38;5;9m1.06×") || line.contains("\x1b[38;5;1m1.06×"), "{line:?}");
        let line = out.lines().find(|l| l.contains(" env.CGO_ENABLED ")).unwrap_or_default();
        assert!(line.contains("\x1b[38;5;10m0.91×") || line.contains("\x1b[38;5;2m0.91×"), "{line:?}");
        assert_eq!(strip_ansi(&out), serialize(&run, Style::default()));
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
        for run in [fixture::run(), fixture::raced(), fixture::screened(), fixture::long_values()] {
            for width in [120, 100, 80] {
                let out = serialize(&run, Style { width, ..Style::default() });
                let lines = table_lines(&out);
                assert!(lines.len() > 4, "{out}");
                if !run.effects.is_empty() {
                    assert!(lines.iter().filter(|l| l.starts_with('┌')).count() >= 2, "and the effects: {out}");
                }
                for l in lines {
                    assert!(l.chars().count() <= usize::from(width), "{} > {width}: {l}", l.chars().count());
                }
            }
        }
    }

    /// Long axis values wrap in the effects table, which splits its figure columns over two
    /// tables rather than break a number; nothing is cut.
    #[test]
    fn long_axis_values_wrap_in_the_effects_table() {
        let run = fixture::long_values();
        for width in [120, 100, 80] {
            let out = serialize(&run, Style { width, ..Style::default() });
            let lines = table_lines(&out);
            // The main table's header, then the effects tables'.
            let headers: Vec<&&str> = lines.iter().filter(|l| l.contains(" axis ")).collect();
            assert!(headers.len() >= 2, "the figures do not fit one table at {width}: {out}");
            let all: String = headers.iter().map(|h| h.to_string()).collect();
            for h in ["startup", "size", "max RSS", "escapes", "CPU", "build"] {
                assert_eq!(all.matches(&format!(" {h} ")).count(), 1, "{h} once at {width}: {out}");
            }
            // The value column of the first effects table, read down: the long values whole.
            let header = headers[0];
            let column = |name: &str| {
                header
                    .chars()
                    .collect::<Vec<_>>()
                    .windows(name.len() + 2)
                    .position(|w| w.iter().collect::<String>() == format!(" {name} "))
            };
            let (from, to) = (column("value").unwrap() + 1, column("against").unwrap() + 1);
            let body = lines.iter().skip_while(|l| *l != header).skip(2).take_while(|l| !l.starts_with('└'));
            let values: String = body
                .map(|l| l.chars().skip(from).take(to - from).collect::<String>().trim().to_owned() + " ")
                .collect();
            let joined = values.replace(' ', "");
            for value in [
                "-X=main.version=v1.2.3-a-very-long-build-identifier-without-any-space-0123456789abcdef",
                "all=-N-l-m=2-d=checkptr=0-live-wb=false-spectre=all-json=0,file:///tmp/escapes",
            ] {
                assert!(joined.contains(value), "{value} at {width}: {joined}\n{out}");
            }
            // No number is broken: each cell of the long rows reads whole.
            assert!(out.contains("1.23×") && out.contains("(1.20–1.27)"), "{out}");
            assert!(!out.contains("(1.2 "), "{out}");
        }
    }
}
