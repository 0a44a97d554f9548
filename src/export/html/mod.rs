//! One self-contained HTML page: the ranked table, the verdict, a plot of binary size against
//! startup, and where the init time goes. The plots are SVG drawn with `plotters` and embedded
//! inline; the page loads nothing and runs no script. This file owns the page itself: its layout,
//! table, verdict and CSS; the charts live beside it.

mod chart;
mod effects_chart;
mod init_chart;
mod labels;
mod scatter;
mod size_split_chart;
#[cfg(test)]
mod testing;

use std::fmt::Write as _;

use anyhow::Result;

use super::checks::delta_header;
use super::rows::{Row, Tone, format_ns, rows};
use crate::rank::Figure;
use crate::results::Run;
use init_chart::{InitView, init_chart};
use scatter::{points, scatter};

pub fn serialize(run: &Run) -> Result<String> {
    let rows = rows(run);
    let go_versions = super::rows::go_versions(run);
    let title = format!("gostart: {} · {go_versions}", run.target.import_path);
    let mut h = String::new();
    let w = &mut h;
    w.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    w.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    writeln!(w, "<title>{}</title>", esc(&title))?;
    writeln!(w, "<style>{CSS}</style>\n</head>\n<body>")?;
    writeln!(w, "<h1>gostart: <code>{}</code> on {}</h1>", esc(&run.target.import_path), esc(&go_versions))?;
    let floor = run
        .floor
        .as_ref()
        .map_or(String::new(), |f| format!(" · runner floor {}", esc(&format_ns(f.startup.median_ns as f64))));
    writeln!(
        w,
        "<p class=\"meta\">package <code>{}</code> · {} configs · {} · baseline <code>{}</code>{floor} · run <code>{}</code>, started {}</p>",
        esc(&run.target.package),
        run.configs.len(),
        super::schedule::runs_each(run),
        esc(&run.baseline),
        esc(&run.run_id),
        esc(&run.started),
    )?;
    if let Some(note) = run.incomplete() {
        writeln!(w, "<p class=\"partial\"><strong>{}</strong></p>", with_code(&note))?;
    }
    for warning in super::checks::warnings(run) {
        writeln!(w, "<p class=\"warning\"><strong>Warning:</strong> {}</p>", with_code(&warning))?;
    }
    match &run.verdict.recommended {
        Some(name) => writeln!(
            w,
            "<p class=\"verdict\"><strong>Verdict:</strong> <code>{}</code> — {}</p>",
            esc(name),
            with_code(&run.verdict.reason)
        )?,
        None => writeln!(
            w,
            "<p class=\"verdict none\"><strong>Verdict:</strong> none — {}</p>",
            with_code(&run.verdict.reason)
        )?,
    }
    if let Some(warning) = super::toolchain::warning(run) {
        writeln!(w, "<p class=\"warning\"><strong>Warning:</strong> {}</p>", with_code(&warning))?;
    }
    reproduce(w, run)?;

    w.push_str("<h2>Ranking</h2>\n");
    table(w, run, &rows)?;
    merged(w, run)?;
    search(w, run)?;
    schedule(w, run)?;
    if let Some(summary) = super::checks::summary(run) {
        writeln!(w, "<p class=\"checks\">{}</p>", esc(&summary))?;
    }
    w.push_str(
        "<p class=\"note\">Δ against the baseline; <span class=\"gain\">green</span> is smaller or faster, \
         <span class=\"loss\">red</span> bigger or slower, and <span class=\"noise\">~</span> means the 95% \
         interval of the startup ratio contains 1.0: no difference that can be told from noise. The score is \
         Σ weight × ln(ratio), lower is better; <em>pareto</em> marks, among the configs that may be recommended \
         (unguarded, and the baseline), those no other beats on every weighted figure.</p>\n",
    );

    let points = points(run);
    w.push_str("<h2>Size and startup</h2>\n");
    if points.is_empty() {
        w.push_str("<p>No config was measured: nothing to plot.</p>\n");
    } else {
        let (svg, unnamed) = scatter(run, &points)?;
        writeln!(w, "<figure>\n{svg}<figcaption>")?;
        w.push_str(
            "Each point is a config (numbered by rank, as in the table), at its binary size and the median of its \
             startup runs, with the 95% interval of that median. ",
        );
        w.push_str(
            "Ringed points joined by the dashed line are the Pareto front of the configs that may be \
             recommended; the square is the baseline, the diamond the recommended config.",
        );
        let not_plotted = run.configs.len() - points.len();
        if not_plotted > 0 {
            write!(w, " {not_plotted} config(s) failed and are not plotted.")?;
        }
        w.push_str("</figcaption>\n");
        if !unnamed.is_empty() {
            w.push_str("<p class=\"key\">");
            for (i, p) in unnamed.iter().enumerate() {
                let sep = if i == 0 { "" } else { " · " };
                write!(w, "{sep}<b>#{}</b> <code>{}</code>", p.rank, esc(&p.config.name))?;
            }
            w.push_str("</p>\n");
        }
        w.push_str("</figure>\n");
    }

    effects(w, run)?;

    if let Some(init) = InitView::of(run) {
        w.push_str("<h2>Init time by package</h2>\n");
        let svg = init_chart(&init)?;
        writeln!(w, "<figure>\n{svg}<figcaption>")?;
        write!(
            w,
            "The {} packages whose <code>init</code> took longest in <code>{}</code> (GODEBUG=inittrace=1, median of {} runs): {} in all",
            init.packages.len(),
            esc(&init.subject.name),
            init.profile.runs,
            esc(&format_ns(init.profile.total_clock_ns as f64)),
        )?;
        if let Some(base) = init.base {
            write!(
                w,
                ", against {} in the baseline <code>{}</code>",
                esc(&format_ns(base.profile.total_clock_ns as f64)),
                esc(&base.config.name)
            )?;
        }
        w.push_str(".</figcaption>\n</figure>\n");
    }
    if let Some(explain) = super::explain::html(run) {
        w.push_str(&explain);
    }

    size_split_chart::size_split(w, run)?;

    writeln!(
        w,
        "<footer>gostart {} · results.json schema {}</footer>\n</body>\n</html>",
        esc(&run.gostart_version),
        run.schema
    )?;
    Ok(h)
}

const CSS: &str = "
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#1b1f24;background:#fff;max-width:1120px;margin:2em auto;padding:0 1.2em}
h1{font-size:1.45em;margin:.2em 0}h2{font-size:1.15em;margin:1.8em 0 .6em;border-bottom:1px solid #e6e8eb;padding-bottom:.2em}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#f6f7f8;padding:.6em 1em;overflow-x:auto}
.meta,.note,figcaption,footer,.key{color:#57606a;font-size:.9em}
.verdict{background:#f1f8f0;border-left:4px solid #2ca02c;padding:.7em 1em;margin:1.2em 0}
.verdict.none{background:#f6f7f8;border-left-color:#6e7681}
.partial{background:#fff8e5;border-left:4px solid #d4a72c;padding:.7em 1em;margin:1.2em 0}
.warning{background:#ffebe9;border-left:4px solid #cf222e;padding:.7em 1em;margin:1.2em 0}
.checks,.schedule{font-size:.9em}
ul.schedule{margin:.2em 0 1em;padding-left:1.4em}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.93em}
th,td{padding:.35em .75em;border-bottom:1px solid #e6e8eb;text-align:left;white-space:nowrap}
td:last-child{white-space:normal;min-width:10em}
th{border-bottom:2px solid #d0d7de;font-weight:600}
.num{text-align:right}
tr.recommended td{background:#f1f8f0}tr.baseline td{background:#f6f7f8}
.gain{color:#1a7f37}.loss{color:#cf222e}.noise{color:#8c959f}
figure{margin:1em 0}svg{max-width:100%;height:auto;display:block}
figcaption{margin-top:.4em}
footer{margin-top:3em;border-top:1px solid #e6e8eb;padding-top:.6em}
";

fn table(w: &mut String, run: &Run, rows: &[Row<'_>]) -> Result<()> {
    // Several Gos built the run (a GOTOOLCHAIN sweep): a `go` column before the note.
    let go_column = super::toolchain::several(run);
    write!(
        w,
        "<div class=\"scroll\"><table>\n<thead><tr><th class=\"num\">#</th><th>config</th><th>id</th><th class=\"num\">size</th><th class=\"num\">{}</th><th class=\"num\">startup (median ±95% CI)</th><th class=\"num\">{}</th><th class=\"num\">score</th>{}<th>note</th></tr></thead>\n<tbody>\n",
        esc(&delta_header(run, Figure::Size, "Δsize")),
        esc(&delta_header(run, Figure::Startup, "Δstartup")),
        if go_column { "<th>go</th>" } else { "" },
    )?;
    for (i, r) in rows.iter().enumerate() {
        let class = if run.verdict.recommended.as_deref() == Some(r.config.name.as_str()) {
            " class=\"recommended\""
        } else if r.config.name == run.baseline {
            " class=\"baseline\""
        } else {
            ""
        };
        writeln!(
            w,
            "<tr{class}><td class=\"num\">{}</td><td><code>{}</code></td><td><code>{}</code></td><td class=\"num\">{}</td>{}<td class=\"num\">{}</td>{}<td class=\"num\">{}</td>{}<td>{}</td></tr>",
            i + 1,
            esc(&r.config.name),
            esc(&r.config.id),
            esc(&r.size),
            delta_cell(&r.size_delta, r.size_tone),
            esc(&r.startup),
            delta_cell(&r.startup_delta, r.startup_tone),
            esc(&r.score),
            if go_column { format!("<td>{}</td>", esc(&r.go)) } else { String::new() },
            esc(&r.note),
        )?;
    }
    w.push_str("</tbody>\n</table></div>\n");
    Ok(())
}

fn delta_cell(text: &str, tone: Tone) -> String {
    let class = match tone {
        Tone::Gain => "num gain",
        Tone::Loss => "num loss",
        Tone::Noise => "num noise",
        Tone::Neutral => "num",
    };
    format!("<td class=\"{class}\">{}</td>", esc(text))
}

/// A merged run's shards: which machine measured which configs, and what its times are.
fn merged(w: &mut String, run: &Run) -> std::fmt::Result {
    let Some(merged) = super::merged::section(run) else { return Ok(()) };
    writeln!(w, "<p class=\"schedule\">{}</p>", esc(&merged.summary))?;
    w.push_str("<ul class=\"schedule\">\n");
    for line in &merged.shards {
        writeln!(w, "<li>{}</li>", esc(line))?;
    }
    w.push_str("</ul>\n");
    Ok(())
}

/// What the search did (a run saved before gostart recorded it shows nothing): the summary,
/// then for a screened run the design, prediction and confirmation as a list.
fn search(w: &mut String, run: &Run) -> std::fmt::Result {
    let Some(search) = super::search::section(run) else { return Ok(()) };
    writeln!(w, "<p class=\"schedule\">{}</p>", with_code(&search.summary))?;
    if !search.details.is_empty() {
        w.push_str("<ul class=\"schedule\">\n");
        for line in &search.details {
            writeln!(w, "<li>{}</li>", with_code(line))?;
        }
        w.push_str("</ul>\n");
    }
    Ok(())
}

/// The effects section: what it is, a forest plot per figure, the table, how to read it.
fn effects(w: &mut String, run: &Run) -> Result<()> {
    let Some(effects) = super::effects::table(run) else { return Ok(()) };
    w.push_str("<h2>Effects</h2>\n");
    let (_, head) = effects.head.split_once(": ").unwrap_or(("", &effects.head));
    writeln!(w, "<p class=\"note\">{}.</p>", esc(&capitalized(head)))?;
    for (i, header) in effects.headers.iter().enumerate() {
        if let Some(svg) = effects_chart::effects_chart(&effects, i)? {
            writeln!(
                w,
                "<figure>\n{svg}<figcaption>{}: each point is the ratio of the figure with that value to with the \
                 baseline's value of its axis, the bar its 95% interval; left of the line at 1× is smaller or faster.\
                 </figcaption>\n</figure>",
                esc(&capitalized(header))
            )?;
        }
    }
    w.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>axis</th><th>value</th><th>against</th>");
    for h in &effects.headers {
        write!(w, "<th class=\"num\">{}</th>", esc(h))?;
    }
    w.push_str("</tr></thead>\n<tbody>\n");
    for r in &effects.rows {
        let code = |s: &str| if s.is_empty() { String::new() } else { format!("<code>{}</code>", esc(s)) };
        let (axis, reference) = if r.first { (code(r.axis), code(r.reference)) } else { Default::default() };
        write!(w, "<tr><td>{axis}</td><td>{}</td><td>{reference}</td>", code(r.value))?;
        for c in &r.cells {
            match c {
                Some(c) => w.push_str(&delta_cell(&c.text, c.tone)),
                None => w.push_str("<td class=\"num\">-</td>"),
            }
        }
        w.push_str("</tr>\n");
    }
    w.push_str("</tbody>\n</table></div>\n");
    writeln!(w, "<p class=\"note\">{}.</p>", with_code(&capitalized(&effects.legend)))?;
    Ok(())
}

/// `effects` → `Effects`.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// What the schedule did (a run saved before gostart recorded it shows nothing): the summary,
/// then the rules, rounds, drops and cost as a list.
fn schedule(w: &mut String, run: &Run) -> std::fmt::Result {
    let Some(schedule) = super::schedule::section(run) else { return Ok(()) };
    writeln!(w, "<p class=\"schedule\">{}</p>", with_code(&schedule.summary))?;
    let details = schedule.details();
    if !details.is_empty() {
        w.push_str("<ul class=\"schedule\">\n");
        for line in details {
            writeln!(w, "<li>{}</li>", with_code(line))?;
        }
        w.push_str("</ul>\n");
    }
    Ok(())
}

/// How to reproduce the verdict: the `go build` line, the line that runs the build with its run
/// environment, and the `[profile]` table.
fn reproduce(w: &mut String, run: &Run) -> std::fmt::Result {
    let v = &run.verdict;
    if let Some(command) = &v.command {
        writeln!(w, "<p class=\"how\">Build it: <code>{}</code></p>", esc(command))?;
    }
    if let Some(run_command) = &v.run_command {
        let words = crate::profile::RUN_IT;
        writeln!(w, "<p class=\"how\">Then {}: <code>{}</code></p>", esc(words), esc(run_command))?;
    }
    if let Some(profile) = &v.profile {
        writeln!(
            w,
            "<p class=\"how\">Or put this in gostart.toml and run <code>gostart build --profile release</code>:</p>\n<pre>{}</pre>",
            esc(profile)
        )?;
    }
    Ok(())
}

/// Text whose `backquoted` parts (as the verdict writes config names) become `<code>`, escaped.
fn with_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len() % 2 == 0 {
        return esc(text); // an unpaired backquote: leave the text as it is
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { format!("<code>{}</code>", esc(part)) } else { esc(part) })
        .collect()
}

/// Text for HTML content and attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::testing::svgs;
    use super::*;
    use crate::export::fixture;

    #[test]
    fn page() {
        let run = fixture::run();
        let html = serialize(&run).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>gostart: fixture.test/hello · go1.26.8</title>"), "title");
        assert!(!html.contains("<script") && !html.contains(" src=") && !html.contains(" href="), "self-contained");
        assert!(html.contains("<strong>Verdict:</strong> <code>ldflags=-s -w</code>"));
        // The table has the terminal table's rows, in its order, with its figures.
        for (i, r) in rows(&run).iter().enumerate() {
            let row = format!("<td class=\"num\">{}</td><td><code>{}</code></td>", i + 1, esc(&r.config.name));
            assert!(html.contains(&row), "{row}");
            assert!(html.contains(&esc(&r.startup)), "{}", r.startup);
        }
        assert!(html.contains("<td class=\"num gain\">-33.6%</td>"));
        assert!(html.contains("<td class=\"num noise\">~</td>"));
        assert!(html.contains("<td class=\"num loss\">+7.3%</td>"));
        assert_eq!(svgs(&html).len(), 2, "the scatter plot and the init chart");
    }

    #[test]
    fn effects_and_search() {
        let run = fixture::screened();
        let html = serialize(&run).unwrap();
        let (_, effects) = html.split_once("<h2>Effects</h2>").expect("an effects section");
        // One chart per figure with effects, then the table.
        let charts = svgs(effects).len() - 1; // and the init chart after it
        assert_eq!(charts, 4, "startup, size, max RSS, escapes");
        assert!(effects.contains("<th class=\"num\">startup</th><th class=\"num\">size</th><th class=\"num\">max RSS</th><th class=\"num\">escapes</th>"));
        assert!(effects.contains(
            "<tr><td><code>buildmode</code></td><td><code>pie</code></td><td><code>exe</code></td><td class=\"num loss\">1.06× (1.03–1.09)</td>"
        ), "{effects}");
        assert!(
            effects.contains(
                "<tr><td></td><td><code>v3</code></td><td></td><td class=\"num gain\">0.97× (0.95–0.99)</td>"
            ),
            "{effects}"
        );
        assert!(effects.contains("<td class=\"num noise\">~ (0.97–1.02)</td>"), "{effects}");
        assert!(
            effects.contains("<p class=\"note\">Each axis value against the baseline&#39;s value of that axis"),
            "{effects}"
        );
        // The search paragraph under the ranking.
        assert!(html.contains("<p class=\"schedule\">search: screen — 48 configurations in 48 builds"), "{html}");
        assert!(
            html.contains("<li>predicted best: <code>ldflags=-s -w,CGO_ENABLED=0</code> — startup 0.91× (0.87–0.94)"),
            "{html}"
        );
        assert!(html.contains("<li>generators: E = ABC, F = BCD</li>"), "{html}");
        for svg in svgs(&html) {
            roxmltree::Document::parse(svg).unwrap();
        }
        // A full run: one search line, no list.
        let html = serialize(&fixture::full()).unwrap();
        assert!(html.contains("<p class=\"schedule\">search: full — 4 configurations in 4 builds, within max_builds = 32: every one is built</p>\n<p"), "{html}");
        assert_eq!(svgs(&html).len(), 2 + 2, "the scatter, startup and size effects, the init chart");
    }

    #[test]
    fn verdict_code_spans() {
        assert_eq!(with_code("size 0.6× against `default` <"), "size 0.6× against <code>default</code> &lt;");
        assert_eq!(with_code("a `b"), "a `b");
    }

    #[test]
    fn text_is_escaped() {
        let mut run = fixture::run();
        run.target.import_path = "<script>alert('x')</script>".into();
        let name = "tags=a&b<c>".to_owned();
        run.verdict.recommended = Some(name.clone());
        run.configs.iter_mut().find(|c| c.name == "ldflags=-s -w").unwrap().name = name;
        let html = serialize(&run).unwrap();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(html.contains("<code>tags=a&amp;b&lt;c&gt;</code>"));
        for svg in svgs(&html) {
            roxmltree::Document::parse(svg).unwrap();
        }
    }

    #[test]
    fn without_init_profiles_or_measurements() {
        let mut run = fixture::run();
        for c in &mut run.configs {
            c.init = None;
        }
        let html = serialize(&run).unwrap();
        assert_eq!(svgs(&html).len(), 1);
        assert!(!html.contains("Init time by package"));
        for c in &mut run.configs {
            c.startup = None;
        }
        let html = serialize(&run).unwrap();
        assert!(svgs(&html).is_empty());
        assert!(html.contains("nothing to plot"));
    }
}
