//! `gostart size` for people (tables that fit the terminal, or 120 columns) and as JSON.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::export::{align_right, format_bytes, printable, signed_bytes, signed_percent};
use crate::inspect::attribution::PackageBytes;
use crate::inspect::size_diff::SizeDiff;

/// At most this many sections get columns of their own, the largest first (fewer when the
/// width is short); the rest are summed in `rest`.
const SECTION_COLUMNS: usize = 4;
/// A size column's width, padding included (`999.99 KiB`, `.noptrdata`).
const SIZE_WIDTH: u16 = 12;
/// What the package column keeps at least before a section column is dropped.
const PACKAGE_WIDTH: u16 = 30;
/// Packages listed in the diff table; the rest are summed in one line (JSON has them all).
const DIFF_ROWS: usize = 40;

/// One config's attribution, as `--format json` prints it.
#[derive(Debug, Serialize)]
pub struct SizeView<'a> {
    pub config: &'a str,
    pub file_bytes: u64,
    /// The packages `--package` selects (all by default), the largest first.
    pub packages: Vec<&'a PackageBytes>,
    pub other: &'a BTreeMap<String, u64>,
    pub unattributed: u64,
}

/// Figures from column `from` on: right-aligned and never wrapped (names wrap instead).
fn percent(part: u64, whole: u64) -> String {
    format!("{:.1}%", part as f64 * 100.0 / whole.max(1) as f64)
}

/// The packages table, then what belongs to no package and the file size. `all` is the number
/// of packages before `--package` filtered them.
pub fn view_table(v: &SizeView, all: usize, width: u16) -> String {
    // The sections that hold the most bytes of the packages shown get columns.
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for p in &v.packages {
        for (s, b) in &p.sections {
            *totals.entry(s.as_str()).or_default() += b;
        }
    }
    let mut sections: Vec<(&str, u64)> = totals.into_iter().collect();
    sections.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    // Borders, `of file`, `bytes` and `rest` take their room first.
    let room = width.saturating_sub(2 + 9 + 2 * SIZE_WIDTH + PACKAGE_WIDTH) / SIZE_WIDTH;
    let fit = SECTION_COLUMNS.min(usize::from(room)).max(1);
    let columns: Vec<&str> = sections.iter().take(fit).map(|(s, _)| *s).collect();
    let rest = sections.len() > columns.len();

    let mut t = crate::export::text_table(width);
    let mut header = vec!["package".to_owned(), "bytes".to_owned(), "of file".to_owned()];
    header.extend(columns.iter().map(|s| (*s).to_owned()));
    if rest {
        header.push("rest".to_owned());
    }
    t.set_header(header);
    for p in &v.packages {
        let mut row = vec![p.package.clone(), format_bytes(p.bytes), percent(p.bytes, v.file_bytes)];
        let mut shown = 0;
        for s in &columns {
            let b = p.sections.get(*s).copied().unwrap_or(0);
            shown += b;
            row.push(if b == 0 { "-".to_owned() } else { format_bytes(b) });
        }
        if rest {
            let b = p.bytes.saturating_sub(shown);
            row.push(if b == 0 { "-".to_owned() } else { format_bytes(b) });
        }
        t.add_row(row);
    }
    let n = t.column_count();
    align_right(&mut t, 1..n);

    let mut parts: Vec<(&String, &u64)> = v.other.iter().collect();
    parts.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut o = crate::export::text_table(width);
    o.set_header(["not in a package", "bytes", "of file"]);
    for (part, b) in parts {
        o.add_row([part.clone(), format_bytes(*b), percent(*b, v.file_bytes)]);
    }
    o.add_row(["unattributed".to_owned(), format_bytes(v.unattributed), percent(v.unattributed, v.file_bytes)]);
    o.add_row(["file".to_owned(), format_bytes(v.file_bytes), "100.0%".to_owned()]);
    let n = o.column_count();
    align_right(&mut o, 1..n);

    let in_packages: u64 = v.packages.iter().map(|p| p.bytes).sum();
    let shown = if v.packages.len() == all {
        format!("{all} packages")
    } else {
        format!("{} of {all} packages", v.packages.len())
    };
    let out = format!(
        "config `{}` · {} file · {shown}: {} ({})\n{t}\n{o}\n",
        v.config,
        format_bytes(v.file_bytes),
        format_bytes(in_packages),
        percent(in_packages, v.file_bytes)
    );
    // Names come from the run and the binary: no control character reaches the terminal.
    printable(&out).into_owned()
}

/// What grew and shrank: packages (the largest changes; unchanged ones left out), then the
/// parts outside packages and the totals.
pub fn diff_table(d: &SizeDiff, width: u16) -> String {
    let or_dash = crate::export::size_split::or_dash;
    let changed: Vec<_> = d.packages.iter().filter(|p| p.change != 0 || !p.sections.is_empty()).collect();
    let mut t = crate::export::text_table(width);
    t.set_header(["package", "base", "config", "change", "sections"]);
    for p in changed.iter().take(DIFF_ROWS) {
        let mut text: Vec<String> = Vec::new();
        if !p.status().is_empty() {
            text.push(p.status().to_owned());
        }
        text.extend(p.sections_by_change().iter().map(|(s, c)| format!("{s} {}", signed_bytes(*c))));
        // One section a line: a section's name and its change are never split.
        t.add_row([p.package.clone(), or_dash(p.base), or_dash(p.config), signed_bytes(p.change), text.join("\n")]);
    }
    let more = &changed[changed.len().min(DIFF_ROWS)..];
    if !more.is_empty() {
        t.add_row([
            format!("{} more packages", more.len()),
            String::new(),
            String::new(),
            signed_bytes(more.iter().map(|p| p.change).sum()),
            String::new(),
        ]);
    }
    // The sections list wraps like the names.
    align_right(&mut t, 1..4);

    let mut o = crate::export::text_table(width);
    o.set_header(["not in a package", "base", "config", "change"]);
    for p in &d.other {
        o.add_row([p.part.clone(), or_dash(p.base), or_dash(p.config), signed_bytes(p.change)]);
    }
    let u = &d.unattributed;
    o.add_row(["unattributed".to_owned(), format_bytes(u.base), format_bytes(u.config), signed_bytes(u.change)]);
    let f = &d.file_bytes;
    o.add_row(["file".to_owned(), format_bytes(f.base), format_bytes(f.config), signed_bytes(f.change)]);
    let n = o.column_count();
    align_right(&mut o, 1..n);

    let unchanged = d.packages.len() - changed.len();
    let in_packages: i64 = d.packages.iter().map(|p| p.change).sum();
    let out = format!(
        "config `{}` against `{}` · file {} ({}) · packages {}; {unchanged} unchanged\n{t}\n{o}\n",
        d.config,
        d.base,
        signed_bytes(f.change),
        signed_percent(f.change, f.base),
        signed_bytes(in_packages),
    );
    printable(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::inspect::size_diff::diff;
    use crate::inspect::size_diff::tests::{attribution, package};

    /// Long import paths and many sections: every line still fits.
    fn wide() -> crate::inspect::attribution::Attribution {
        let packages = (0..30)
            .map(|i| {
                let name = format!("github.com/some-organisation/a-rather-long-repository-name/internal/pkg{i}/sub");
                package(
                    &name,
                    &[
                        (".text", 1_000_000 + i),
                        (".rodata", 300_000),
                        (".noptrdata", 20_000),
                        (".data", 9_000),
                        (".typelink", 100),
                        (".itablink", 10),
                    ],
                )
            })
            .collect();
        attribution(packages, &[(".symtab", 900_000), (".debug_info", 3_000_000), (".gopclntab", 2_000_000)], 1)
    }

    /// The widest line of the tables (the first line names the config, however long).
    fn widest(text: &str) -> usize {
        text.lines().skip(1).map(|l| l.chars().count()).max().unwrap()
    }

    #[test]
    fn the_tables_fit_the_width() {
        let a = wide();
        let mut b = wide();
        b.packages.truncate(20);
        b.packages[0].sections.insert(".text".into(), 5);
        b.other.remove(".symtab");
        for width in [80, 120] {
            let v = SizeView {
                config: "ldflags=\"-s -w\",trimpath,gcflags=\"all=-l\"",
                file_bytes: a.file_bytes,
                packages: a.packages.iter().collect(),
                other: &a.other,
                unattributed: a.unattributed,
            };
            let text = view_table(&v, a.packages.len(), width);
            assert!(widest(&text) <= usize::from(width), "{width}:\n{text}");
            let text = diff_table(&diff("default", &a, "ldflags=\"-s -w\"", &b), width);
            assert!(widest(&text) <= usize::from(width), "{width}:\n{text}");
        }
    }

    #[test]
    fn the_view_has_section_columns_parts_and_totals() {
        let a = attribution(
            vec![package("runtime", &[(".text", 2048), (".rodata", 1024)]), package("main", &[(".text", 100)])],
            &[(".symtab", 4096)],
            3,
        );
        let v = SizeView {
            config: "default",
            file_bytes: a.file_bytes,
            packages: vec![&a.packages[0]],
            other: &a.other,
            unattributed: a.unattributed,
        };
        let text = view_table(&v, 2, 120);
        assert!(text.starts_with("config `default` · 7.10 KiB file · 1 of 2 packages: 3.00 KiB (42.3%)\n"), "{text}");
        for needle in
            ["runtime", ".text", "2.00 KiB", ".rodata", "1.00 KiB", ".symtab", "4.00 KiB", "unattributed", "3 B"]
        {
            assert!(text.contains(needle), "{needle}:\n{text}");
        }
        assert!(!text.contains("main"), "{text}");
        assert!(!text.contains("rest"), "{text}");
    }

    #[test]
    fn the_diff_table_marks_added_and_removed_and_leaves_unchanged_out() {
        let a = attribution(
            vec![
                package("runtime", &[(".text", 2048)]),
                package("os", &[(".text", 512)]),
                package("fmt", &[(".text", 9)]),
            ],
            &[(".symtab", 4096)],
            0,
        );
        let b = attribution(
            vec![
                package("runtime", &[(".text", 1024)]),
                package("strconv", &[(".rodata", 10)]),
                package("fmt", &[(".text", 9)]),
            ],
            &[],
            0,
        );
        let text = diff_table(&diff("default", &a, "small", &b), 120);
        assert!(
            text.starts_with(
                "config `small` against `default` · file −5.49 KiB (−84.4%) · packages −1.49 KiB; 1 unchanged\n"
            ),
            "{text}"
        );
        assert!(text.contains("removed"), "{text}");
        assert!(text.contains("added") && text.contains(".rodata +10 B"), "{text}");
        assert!(text.contains(".text −1.00 KiB"), "{text}");
        assert!(!text.contains("fmt"), "{text}");
        let order: Vec<usize> = ["runtime", "os", "strconv"].iter().map(|p| text.find(p).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert_eq!(signed_bytes(0), "0 B");
    }
}
