//! The size of the recommendation against the baseline, by package and section (results.json's
//! `size_split`): the figures the table, Markdown and HTML reports show — the file change, the
//! total change of each section, and the largest changes (packages and the parts that belong to
//! no package together), with what is left out summed so that the lines add up to the file change.

use std::collections::BTreeMap;

use super::rows::{format_bytes, signed_bytes, signed_percent};
use crate::inspect::size_diff::SizeDiff;
use crate::results::Run;

/// The section's title, in every format.
pub const TITLE: &str = "Size of the recommendation against the baseline, by package and section";
/// Changes listed; the rest are summed in one line (results.json has them all).
const TOP: usize = 10;
/// Where a package's code is: shown in the by-section line even when unchanged.
const CODE: &str = ".text";
/// Sections in the by-section line (and `.text`).
const SECTIONS: usize = 8;
/// The data sections split by symbol; without a symbol table each is a part of its own.
const DATA: &[&str] = &[".rodata", ".noptrdata", ".data", ".data.rel.ro", ".go.module"];
/// What [`Split::unsplit`] means for a reader.
pub const UNSPLIT: &str = "one of the binaries has no symbol table (`-s`): its data sections (.rodata, .data...) \
                           cannot be split by package and are counted whole, outside packages; code (.text) is split \
                           in both, from the pclntab";

/// One change: a package, or a part that belongs to no package (`.symtab`, `DWARF`, the
/// `unattributed` remainder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<'a> {
    pub name: &'a str,
    /// A package; else a part outside packages.
    pub package: bool,
    pub base: Option<u64>,
    pub config: Option<u64>,
    pub change: i64,
    /// A package's sections whose bytes changed, the largest change first.
    pub sections: Vec<(&'a str, i64)>,
    /// `added`, `removed` or empty.
    pub status: &'static str,
}

impl Item<'_> {
    /// `added · .text +9.00 KiB · .rodata +500 B`; for a part, `no package`.
    pub fn breakdown(&self, sep: &str) -> String {
        if !self.package {
            return "no package".to_owned();
        }
        let mut parts: Vec<String> = Vec::new();
        if !self.status.is_empty() {
            parts.push(self.status.to_owned());
        }
        parts.extend(self.sections.iter().map(|(s, c)| format!("{s} {}", signed_bytes(*c))));
        parts.join(sep)
    }
}

/// The section's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub diff: &'a SizeDiff,
    /// The [`TOP`] largest changes by absolute bytes, the largest first.
    pub items: Vec<Item<'a>>,
    /// How many smaller changes are left out, and their sum.
    pub left_out: usize,
    pub left_out_change: i64,
    /// Packages whose bytes did not change at all.
    pub unchanged: usize,
    /// Each section's (or part's) change over every package, the largest first; `.text`
    /// always, so that "code unchanged" is said; the [`SECTIONS`] largest.
    pub by_section: Vec<(String, i64)>,
    /// Sections that changed but are left out of `by_section`.
    pub more_sections: usize,
    /// One binary has no symbol table: its data sections are parts of their own, not split by
    /// package, so packages seem to lose data that those parts gain.
    pub unsplit: bool,
}

/// The split results.json records for the run's current recommendation (a saved run is ranked
/// again when read: a split recorded for another recommendation is not shown).
pub fn recorded(run: &Run) -> Option<&SizeDiff> {
    run.size_split
        .as_ref()
        .filter(|s| run.verdict.recommended.as_deref() == Some(s.config.as_str()) && s.base == run.baseline)
}

/// The section, or `None` when the run records no split.
pub fn section(run: &Run) -> Option<Split<'_>> {
    recorded(run).map(split)
}

/// The figures of `diff`.
pub fn split(diff: &SizeDiff) -> Split<'_> {
    let packages = diff.packages.iter().map(|p| Item {
        name: &p.package,
        package: true,
        base: p.base,
        config: p.config,
        change: p.change,
        sections: p.sections_by_change(),
        status: p.status(),
    });
    let parts = diff.other.iter().map(|p| Item {
        name: &p.part,
        package: false,
        base: p.base,
        config: p.config,
        change: p.change,
        sections: Vec::new(),
        status: "",
    });
    let u = &diff.unattributed;
    let unattributed = Item {
        name: "unattributed",
        package: false,
        base: Some(u.base),
        config: Some(u.config),
        change: u.change,
        sections: Vec::new(),
        status: "",
    };
    // A package whose bytes moved between sections changed, though its total did not.
    let mut changed: Vec<Item> = packages
        .chain(parts)
        .chain(std::iter::once(unattributed))
        .filter(|i| i.change != 0 || !i.sections.is_empty() || !i.status.is_empty())
        .collect();
    changed.sort_by(|a, b| {
        b.change
            .unsigned_abs()
            .cmp(&a.change.unsigned_abs())
            .then_with(|| b.package.cmp(&a.package))
            .then(a.name.cmp(b.name))
    });
    let rest = changed.split_off(changed.len().min(TOP));
    let mut by_section: BTreeMap<String, i64> = BTreeMap::from([(CODE.to_owned(), 0)]);
    for p in &diff.packages {
        for (s, c) in &p.sections {
            *by_section.entry(s.clone()).or_default() += c;
        }
    }
    for p in &diff.other {
        // Bytes between a section's symbols are that section's.
        let section = p.part.strip_prefix("unnamed in ").unwrap_or(&p.part);
        *by_section.entry(section.to_owned()).or_default() += p.change;
    }
    if u.change != 0 {
        *by_section.entry("unattributed".to_owned()).or_default() += u.change;
    }
    let mut by_section: Vec<(String, i64)> = by_section.into_iter().filter(|(s, c)| *c != 0 || s == CODE).collect();
    by_section.sort_by(|a, b| b.1.unsigned_abs().cmp(&a.1.unsigned_abs()).then_with(|| a.0.cmp(&b.0)));
    // The largest, and code wherever it ranks.
    let all = by_section.len();
    let mut kept = 0;
    by_section.retain(|(s, _)| {
        kept += 1;
        kept <= SECTIONS || s == CODE
    });
    let more_sections = all - by_section.len();
    let unsplit = diff.other.iter().any(|p| DATA.contains(&p.part.as_str()) && p.base.is_none() != p.config.is_none());
    Split {
        diff,
        unchanged: diff
            .packages
            .iter()
            .filter(|p| p.change == 0 && p.sections.is_empty() && p.status().is_empty())
            .count(),
        left_out: rest.len(),
        left_out_change: rest.iter().map(|i| i.change).sum(),
        items: changed,
        by_section,
        more_sections,
        unsplit,
    }
}

impl Split<'_> {
    /// `` `ldflags=-s -w` against `default`: file 2.10 MiB → 1.40 MiB, −716.00 KiB (−33.3%) ``.
    pub fn summary(&self) -> String {
        self.summary_parts().concat()
    }

    /// The summary in the pieces a line may break after: between words, and inside the
    /// config's name after a comma (between settings, never inside one).
    fn summary_parts(&self) -> Vec<String> {
        let f = &self.diff.file_bytes;
        let name = format!("`{}`", self.diff.config);
        let mut parts: Vec<String> = name.split_inclusive(',').map(str::to_owned).collect();
        if let Some(last) = parts.last_mut() {
            last.push(' ');
        }
        parts.extend([
            format!("against `{}`: ", self.diff.base),
            format!("file {} → {}, ", format_bytes(f.base), format_bytes(f.config)),
            format!("{} ({})", signed_bytes(f.change), signed_percent(f.change, f.base)),
        ]);
        parts
    }

    /// Each section's change, `DWARF −400.00 KiB`, the largest first.
    pub fn sections(&self) -> Vec<String> {
        self.by_section.iter().map(|(s, c)| format!("{s} {}", signed_bytes(*c))).collect()
    }

    /// (It begins with a number: a sentence as it is.)
    /// `12 smaller changes left out: +1.20 KiB; 140 packages unchanged`, or `None` when
    /// nothing is left out.
    pub fn rest(&self) -> Option<String> {
        let mut text = Vec::new();
        if self.left_out > 0 {
            let s = if self.left_out == 1 { "" } else { "s" };
            text.push(format!("{} smaller change{s} left out: {}", self.left_out, signed_bytes(self.left_out_change)));
        }
        if self.unchanged > 0 {
            let s = if self.unchanged == 1 { "" } else { "s" };
            text.push(format!("{} package{s} unchanged", self.unchanged));
        }
        (!text.is_empty()).then(|| text.join("; "))
    }
}

/// The section under the terminal table, its lines within `width` columns: the file change,
/// each section's change, the largest changes with their sections, what is left out.
pub fn text(run: &Run, width: u16) -> Option<String> {
    let s = section(run)?;
    let width = usize::from(width);
    let mut out = format!("{}:\n", TITLE.to_lowercase());
    out.push_str(&wrap(&s.summary_parts(), "  ", width));
    let more = (s.more_sections > 0).then(|| format!("and {} more", s.more_sections));
    let mut sections: Vec<String> = std::iter::once("by section: ".to_owned())
        .chain(s.sections().into_iter().chain(more).map(|t| format!("{t} · ")))
        .collect();
    if let Some(last) = sections.last_mut() {
        // The last entry's separator is not one.
        last.truncate(last.len() - " · ".len());
    }
    let by_section = wrap(&sections, "  ", width);
    out.push_str(&by_section);
    let mut t = super::text_table(u16::try_from(width).unwrap_or(u16::MAX));
    t.set_header(["package or part", "baseline", "recommended", "change", "sections"]);
    for i in &s.items {
        // One section a line: a section's name and its change are never split.
        t.add_row([i.name.to_owned(), or_dash(i.base), or_dash(i.config), signed_bytes(i.change), i.breakdown("\n")]);
    }
    super::align_right(&mut t, 1..4);
    out.push_str(&format!("{t}\n"));
    if let Some(rest) = s.rest() {
        out.push_str(&format!("  {rest}\n"));
    }
    if s.unsplit {
        let words: Vec<String> = format!("note: {UNSPLIT}").split_inclusive(' ').map(str::to_owned).collect();
        out.push_str(&wrap(&words, "  ", width));
    }
    Some(out)
}

/// The section in Markdown: the file change, each section's, a table of the largest changes.
pub fn markdown(run: &Run) -> Option<String> {
    let s = section(run)?;
    let esc = super::markdown::esc;
    let mut out = format!("\n**{TITLE}:** {}.\n", esc(&s.summary()));
    let mut sections: String = s
        .by_section
        .iter()
        .map(|(name, c)| format!("`{}` {}", esc(name), signed_bytes(*c)))
        .collect::<Vec<_>>()
        .join(", ");
    if s.more_sections > 0 {
        sections.push_str(&format!(" and {} more", s.more_sections));
    }
    out.push_str(&format!("\nBy section: {sections}.\n\n"));
    out.push_str("| package or part | baseline | recommended | change | sections |\n|---|--:|--:|--:|---|\n");
    for i in &s.items {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            esc(i.name),
            or_dash(i.base),
            or_dash(i.config),
            signed_bytes(i.change),
            esc(&i.breakdown(", "))
        ));
    }
    if let Some(rest) = s.rest() {
        out.push_str(&format!("\n{}.\n", rest));
    }
    if s.unsplit {
        out.push_str(&format!("\nNote: {}.\n", esc(UNSPLIT)));
    }
    Some(out)
}

/// `pieces` (each with the space or separator that follows it) in lines of at most `width`
/// columns, each begun with `indent`; a piece longer than a line stays whole.
fn wrap(pieces: &[String], indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for piece in pieces {
        let fits = indent.len() + line.chars().count() + piece.trim_end().chars().count() <= width;
        if !line.is_empty() && !fits {
            out.push_str(&format!("{indent}{}\n", line.trim_end()));
            line.clear();
        }
        line.push_str(piece);
    }
    if !line.is_empty() {
        out.push_str(&format!("{indent}{}\n", line.trim_end()));
    }
    out
}

/// `-` for a figure the binary does not have.
pub fn or_dash(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_owned(), format_bytes)
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::inspect::size_diff::diff;
    use crate::inspect::size_diff::tests::{attribution, package};

    /// `-s -w` as it looks: the symbol table, its strings and DWARF gone, code unchanged.
    fn stripped_pair() -> (crate::inspect::attribution::Attribution, crate::inspect::attribution::Attribution) {
        let mut packages: Vec<_> =
            (0..14).map(|i| package(&format!("pkg{i}"), &[(".text", 10_000 + i), (".rodata", 500)])).collect();
        packages.push(package("runtime", &[(".text", 400_000), (".rodata", 50_000)]));
        let base = attribution(
            packages.clone(),
            &[(".symtab", 90_000), (".strtab", 80_000), ("DWARF", 300_000), (".gopclntab", 200_000)],
            17,
        );
        // Two packages lose a little data, one loses some of it, one is gone.
        packages[0].sections.insert(".rodata".into(), 400);
        packages[0].bytes -= 100;
        packages[1].sections.insert(".rodata".into(), 450);
        packages[1].bytes -= 50;
        packages.remove(2);
        let config = attribution(packages, &[(".gopclntab", 200_000)], 5);
        (base, config)
    }

    #[test]
    fn the_lines_add_up_to_the_file_change() {
        let (a, b) = stripped_pair();
        let d = diff("default", &a, "ldflags=-s -w", &b);
        let s = split(&d);
        let names: Vec<&str> = s.items.iter().map(|i| i.name).collect();
        assert_eq!(names, ["DWARF", ".symtab", ".strtab", "pkg2", "pkg0", "pkg1", "unattributed"]);
        assert_eq!(s.items[3].breakdown(", "), "removed, .text −9.77 KiB, .rodata −500 B");
        assert_eq!(s.items[0].breakdown(", "), "no package");
        assert_eq!(s.unchanged, 12);
        assert_eq!((s.left_out, s.left_out_change), (0, 0));
        let listed: i64 = s.items.iter().map(|i| i.change).sum();
        assert_eq!(listed + s.left_out_change, d.file_bytes.change);
        // Code is named though it did not change.
        assert_eq!(s.by_section.iter().find(|(s, _)| s == ".text").unwrap().1, -10_002);
        assert_eq!(s.by_section[0], ("DWARF".to_owned(), -300_000));
        assert!(s.summary().starts_with("`ldflags=-s -w` against `default`: file "), "{}", s.summary());
        assert_eq!(s.rest().unwrap(), "12 packages unchanged");
    }

    #[test]
    fn smaller_changes_are_summed_and_code_is_named_when_unchanged() {
        let packages: Vec<_> = (0..30).map(|i| package(&format!("p{i:02}"), &[(".rodata", 1_000 + i)])).collect();
        let grown: Vec<_> =
            (0..30).map(|i| package(&format!("p{i:02}"), &[(".rodata", 1_000 + i + (i + 1) * 10)])).collect();
        let (a, b) = (attribution(packages, &[], 0), attribution(grown, &[], 0));
        let d = diff("default", &a, "big", &b);
        let s = split(&d);
        assert_eq!(s.items.len(), TOP);
        assert_eq!(s.items[0].name, "p29");
        assert_eq!(s.left_out, 20);
        let listed: i64 = s.items.iter().map(|i| i.change).sum();
        assert_eq!(listed + s.left_out_change, d.file_bytes.change);
        assert_eq!(s.rest().unwrap(), format!("20 smaller changes left out: {}", signed_bytes(s.left_out_change)));
        assert_eq!(s.by_section, [(".rodata".to_owned(), d.file_bytes.change), (".text".to_owned(), 0)]);
        assert_eq!(s.sections()[1], ".text 0 B");
    }

    /// The fixture run with a split recorded for its recommendation.
    pub(crate) fn with_split() -> Run {
        let mut run = crate::export::fixture::run();
        let (a, b) = stripped_pair();
        let recommended = run.verdict.recommended.clone().unwrap();
        run.size_split = Some(diff(&run.baseline, &a, &recommended, &b));
        run
    }

    #[test]
    fn size_split_text() {
        insta::assert_snapshot!(text(&with_split(), 120).unwrap());
    }

    #[test]
    fn size_split_markdown() {
        insta::assert_snapshot!(markdown(&with_split()).unwrap());
    }

    #[test]
    fn the_text_fits_the_width() {
        let long = "github.com/some-organisation/a-rather-long-repository-name/internal/pkg/sub";
        let base = attribution(
            (0..40)
                .map(|i| package(&format!("{long}{i}"), &[(".text", 100_000 + i), (".rodata", 9_000), (".data", 7)]))
                .collect(),
            &[(".symtab", 90_000), ("DWARF", 300_000), (".strtab", 1), (".shstrtab", 2), ("padding", 3)],
            1,
        );
        let mut config = base.clone();
        for p in config.packages.iter_mut() {
            p.sections.insert(".rodata".into(), 8_000);
            p.sections.insert(".noptrdata".into(), 8);
            p.bytes = p.sections.values().sum();
        }
        config.other.clear();
        config.other.insert(".rodata".into(), 40_000);
        config.file_bytes = config.packages.iter().map(|p| p.bytes).sum::<u64>() + 40_000 + 1;
        let mut run = crate::export::fixture::run();
        let name = "ldflags=\"-s -w -X main.version=a-rather-long-version-string\",trimpath,gcflags=\"all=-l -B\"";
        run.verdict.recommended = Some(name.into());
        run.size_split = Some(diff(&run.baseline, &base, name, &config));
        for width in [80u16, 120] {
            let out = text(&run, width).unwrap();
            assert!(out.lines().all(|l| l.chars().count() <= usize::from(width)), "{width}:\n{out}");
            assert!(out.contains("smaller changes left out"), "{out}");
            assert!(out.contains("note: one of the binaries has no symbol table"), "{out}");
        }
    }

    #[test]
    fn a_split_recorded_for_another_recommendation_is_not_shown() {
        let mut run = crate::export::fixture::run();
        let (a, b) = stripped_pair();
        let recommended = run.verdict.recommended.clone().unwrap();
        run.size_split = Some(diff(&run.baseline, &a, &recommended, &b));
        assert!(section(&run).is_some());
        run.size_split = Some(diff(&run.baseline, &a, "other", &b));
        assert!(section(&run).is_none());
        run.size_split = None;
        assert!(section(&run).is_none());
    }
}
