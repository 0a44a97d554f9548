//! The "Why is it linked in?" section (table, Markdown, HTML) and `gostart explain`'s table:
//! for the slowest-init and largest packages, the import chain from main, what the package and
//! the packages only it brings in cost, and which import to drop to save it.

use std::fmt::Write;

use super::rows::{format_bytes, format_ns};
use crate::inspect::explain::{Cost, Drop, Explained, Explanation};
use crate::results::Run;

/// `main → a → b`.
fn chain(e: &Explained) -> String {
    e.chain.join(" → ")
}

/// `1 package`, `3 packages`.
fn packages(n: usize) -> String {
    if n == 1 { "1 package".to_owned() } else { format!("{n} packages") }
}

/// What a group costs, in words: `3 packages, 1.20 ms, 45.00 KiB` (no time without a profile).
fn cost(c: &Cost, timed: bool) -> String {
    let packages = packages(c.packages);
    if timed {
        format!("{packages}, {} init, {}", format_ns(c.init_ns as f64), format_bytes(c.bytes))
    } else {
        format!("{packages}, {}", format_bytes(c.bytes))
    }
}

/// "drop or lazily load `X` (imported by `Y`) and save about ...".
fn drop_words(d: &Drop, timed: bool) -> String {
    let saves = if timed {
        format!("{} and {}", format_ns(d.saves.init_ns as f64), format_bytes(d.saves.bytes))
    } else {
        format_bytes(d.saves.bytes)
    };
    let packages = packages(d.saves.packages);
    let by = match d.importers {
        0 | 1 => format!("`{}`", d.imported_by),
        2 => format!("`{}` and 1 other package", d.imported_by),
        n => format!("`{}` and {} other packages", d.imported_by, n - 1),
    };
    format!("drop or lazily load `{}` (imported by {by}) and save about {saves} ({packages})", d.import)
}

/// The advice: which import to drop and what it saves (and a narrower one), or why there is none.
fn advice(e: &Explained, main: &str, timed: bool) -> String {
    match (&e.drop, &e.narrow_drop) {
        (Some(d), Some(n)) => format!("{}; or, narrower, {}", drop_words(d, timed), drop_words(n, timed)),
        (Some(d), None) => drop_words(d, timed),
        (None, _) if e.package == main => "the main package itself".to_owned(),
        (None, _) => "no single import of the main module takes it away: every program has it (the runtime and \
                      its imports), or several of the module's imports reach it"
            .to_owned(),
    }
}

fn timed(x: &Explanation) -> bool {
    x.init_runs > 0
}

/// An explained package as every format shows it, each cell in words.
struct Cells {
    package: String,
    init: String,
    bytes: String,
    /// What it costs with the packages only it brings in.
    alone: String,
    chain: String,
    advice: String,
}

fn cells(x: &Explanation, e: &Explained) -> Cells {
    Cells {
        package: e.package.clone(),
        init: e.init_ns.map_or("-".to_owned(), |t| format_ns(t as f64)),
        bytes: format_bytes(e.bytes),
        alone: cost(&e.exclusive, timed(x)),
        chain: chain(e),
        advice: advice(e, &x.main, timed(x)),
    }
}

/// The explained packages in the tables' order, with why each is listed.
fn listed(x: &Explanation) -> impl Iterator<Item = (&'static str, Cells)> + '_ {
    let lists = [("slow init", &x.slowest_init), ("large", &x.largest)];
    lists.into_iter().flat_map(move |(why, list)| list.iter().map(move |e| (why, cells(x, e))))
}

/// `text` in lines of at most `width` columns, the first begun with `indent`, the others
/// indented two more.
fn wrapped(out: &mut String, indent: &str, text: &str, width: u16) {
    let more = format!("{indent}  ");
    let options = textwrap::Options::new(usize::from(width)).initial_indent(indent).subsequent_indent(&more);
    for line in textwrap::wrap(text, options) {
        let _ = writeln!(out, "{line}");
    }
}

/// Plain text in `width` columns, for the terminal table and `gostart explain`.
pub fn text(x: &Explanation, width: u16) -> String {
    let mut out = String::new();
    let runs = if timed(x) { format!(", init times: medians of {} runs", x.init_runs) } else { String::new() };
    let _ = writeln!(out, "why is it linked in? ({}{runs})", x.config);
    for (title, list) in [("slowest init", &x.slowest_init), ("largest", &x.largest)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:");
        for c in list.iter().map(|e| cells(x, e)) {
            wrapped(&mut out, "  ", &format!("{}  init {}, {}", c.package, c.init, c.bytes), width);
            wrapped(&mut out, "    ", &format!("with what only it brings in: {}", c.alone), width);
            wrapped(&mut out, "    ", &format!("chain: {}", c.chain), width);
            wrapped(&mut out, "    ", &c.advice, width);
        }
    }
    if !x.not_in_graph.is_empty() {
        let missing = format!("in the binary but not in the import graph: {}", x.not_in_graph.join(", "));
        wrapped(&mut out, "", &missing, width);
    }
    if x.data_unsplit {
        wrapped(&mut out, "", &format!("note: {UNSPLIT}"), width);
    }
    out
}

/// What `data_unsplit` means for a reader.
const UNSPLIT: &str = "this binary has no symbol table (`-s`), so its data is not split by package: the bytes are \
                       code and runtime tables only, and dropping a package saves more (explain a build with \
                       symbols, such as the baseline, for its data too)";

/// The terminal report's section, or `None` when the run has no explanation.
pub fn section(run: &Run, width: u16) -> Option<String> {
    run.explain.as_ref().map(|x| text(x, width))
}

/// The Markdown section.
pub fn markdown(run: &Run) -> Option<String> {
    let esc = super::markdown::esc;
    let x = run.explain.as_ref()?;
    let mut out = format!("\n### Why is it linked in?\n\nIn `{}`", esc(&x.config));
    if timed(x) {
        let _ = write!(out, " (init times: medians of {} runs)", x.init_runs);
    }
    out.push_str(":\n\n| package | why | init | bytes | with what only it brings in | chain | advice |\n|---|---|--:|--:|---|---|---|\n");
    for (why, c) in listed(x) {
        let Cells { package, init, bytes, alone, chain, advice } = c;
        let cells = [init, bytes, alone, chain, advice].map(|cell| esc(&cell)).join(" | ");
        let _ = writeln!(out, "| `{}` | {why} | {cells} |", esc(&package));
    }
    if x.data_unsplit {
        let _ = writeln!(out, "\nNote: {}.", esc(UNSPLIT));
    }
    Some(out)
}

/// The HTML section.
pub fn html(run: &Run) -> Option<String> {
    let esc = super::html::esc;
    let x = run.explain.as_ref()?;
    let mut out = format!("<h2>Why is it linked in?</h2>\n<p>In <code>{}</code>", esc(&x.config));
    if timed(x) {
        let _ = write!(out, " (init times: medians of {} runs)", x.init_runs);
    }
    out.push_str(
        ": the import chain from main to each of the slowest-init and largest packages, and what it costs with \
         the packages only it brings in.</p>\n<table>\n<tr><th>package</th><th>why</th><th>init</th><th>bytes</th>\
         <th>with what only it brings in</th><th>chain</th><th>advice</th></tr>\n",
    );
    for (why, c) in listed(x) {
        let Cells { package, init, bytes, alone, chain, advice } = c;
        let cells: String = [init, bytes, alone, chain, advice].map(|cell| format!("<td>{}</td>", esc(&cell))).concat();
        let _ = writeln!(out, "<tr><td><code>{}</code></td><td>{why}</td>{cells}</tr>", esc(&package));
    }
    out.push_str("</table>\n");
    if x.data_unsplit {
        let _ = writeln!(out, "<p>Note: {}.</p>", esc(UNSPLIT));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(drop: Option<Drop>, narrow_drop: Option<Drop>) -> Explained {
        Explained {
            package: "d/x".into(),
            init_ns: Some(2_000_000),
            bytes: 10,
            exclusive: Cost { packages: 1, init_ns: 2_000_000, bytes: 10 },
            chain: vec!["m".into(), "m/a".into(), "d/x".into()],
            drop,
            narrow_drop,
        }
    }

    fn drop(import: &str, importers: usize, packages: usize) -> Drop {
        Drop {
            import: import.into(),
            imported_by: "m".into(),
            importers,
            saves: Cost { packages, init_ns: 3_000_000, bytes: 3 << 20 },
        }
    }

    #[test]
    fn the_advice_names_the_import_its_importers_and_what_it_saves() {
        let one = explained(Some(drop("m/a", 1, 4)), None);
        assert_eq!(chain(&one), "m → m/a → d/x");
        assert_eq!(
            advice(&one, "m", true),
            "drop or lazily load `m/a` (imported by `m`) and save about 3.00 ms and 3.00 MiB (4 packages)"
        );
        assert_eq!(
            advice(&one, "m", false),
            "drop or lazily load `m/a` (imported by `m`) and save about 3.00 MiB (4 packages)"
        );
        let shared = explained(Some(drop("m/a", 3, 1)), Some(drop("d/x", 2, 1)));
        let text = advice(&shared, "m", true);
        assert!(text.contains("(imported by `m` and 2 other packages)") && text.contains("(1 package)"), "{text}");
        assert!(
            text.contains("; or, narrower, drop or lazily load `d/x` (imported by `m` and 1 other package)"),
            "{text}"
        );
        assert_eq!(
            advice(&Explained { package: "m".into(), ..explained(None, None) }, "m", true),
            "the main package itself"
        );
        assert!(advice(&explained(None, None), "m", true).starts_with("no single import of the main module"));
    }

    #[test]
    fn without_init_times_the_text_has_no_slowest_list() {
        let x = Explanation {
            config: "default".into(),
            main: "m".into(),
            init_runs: 0,
            slowest_init: Vec::new(),
            // As a run without init traces records it: no init time anywhere.
            largest: vec![Explained {
                init_ns: None,
                exclusive: Cost { packages: 1, init_ns: 0, bytes: 10 },
                ..explained(None, None)
            }],
            not_in_graph: vec!["go".into()],
            data_unsplit: false,
        };
        let text = text(&x, 120);
        assert!(text.starts_with("why is it linked in? (default)\nlargest:\n  d/x  init -, 10 B\n"), "{text}");
        assert!(text.contains("    with what only it brings in: 1 package, 10 B\n"), "{text}");
        assert!(text.ends_with("in the binary but not in the import graph: go\n"), "{text}");
    }

    #[test]
    fn a_stripped_binary_says_its_data_is_not_split() {
        let x = Explanation {
            config: "ldflags=\"-s -w\"".into(),
            main: "m".into(),
            init_runs: 0,
            slowest_init: Vec::new(),
            largest: vec![explained(None, None)],
            not_in_graph: Vec::new(),
            data_unsplit: true,
        };
        let text = text(&x, 80);
        assert!(text.contains("note: this binary has no symbol table (`-s`)"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        let run = Run { explain: Some(x), ..crate::export::fixture::run() };
        assert!(markdown(&run).unwrap().contains("Note: this binary has no symbol table"));
        assert!(html(&run).unwrap().contains("<p>Note: this binary has no symbol table"));
    }
}
