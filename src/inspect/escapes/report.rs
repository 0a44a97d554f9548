//! One compile configuration's diagnostics, attributed to packages and functions, and the
//! summary figures results.json carries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{Diagnostic, Kind};

/// Everything collected for one compile configuration (saved as `escapes/<compile_id>.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub compile_id: String,
    /// `json+m` (structured diagnostics plus `-m` text for inlined calls) or `m` (text only).
    pub source: String,
    /// Diagnostics sorted by file and position, each with its package and function.
    pub sites: Vec<Site>,
    /// Files whose structured log the compiler overwrote with another file's of the same base
    /// name (its own `context.go` and GOROOT's `context/context.go`): their sites come from
    /// `-m` alone, in every configuration, so they carry no cannot-inline reasons, bounds or
    /// nil checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from_m_only: Vec<String>,
}

/// A diagnostic where it belongs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Site {
    pub package: String,
    /// The top-level function (or method) the position falls in, as the compiler names it;
    /// closures count towards the function that encloses them. Empty before the first function.
    pub function: String,
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

/// Per-kind counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Heap allocations: `escapes to heap` and `moved to heap`.
    pub heap: u64,
    pub moved_to_heap: u64,
    pub leaking_params: u64,
    pub inlined_calls: u64,
    pub cannot_inline_calls: u64,
    pub can_inline: u64,
    pub cannot_inline: u64,
    pub bounds_checks: u64,
    pub nil_checks: u64,
}

impl Counts {
    pub fn add(&mut self, kind: Kind) {
        match kind {
            Kind::HeapEscape => self.heap += 1,
            Kind::MovedToHeap => {
                self.heap += 1;
                self.moved_to_heap += 1
            }
            Kind::LeakingParam => self.leaking_params += 1,
            Kind::InlinedCall => self.inlined_calls += 1,
            Kind::CannotInlineCall => self.cannot_inline_calls += 1,
            Kind::CanInline => self.can_inline += 1,
            Kind::CannotInline => self.cannot_inline += 1,
            Kind::BoundsCheck => self.bounds_checks += 1,
            Kind::NilCheck => self.nil_checks += 1,
        }
    }

    pub fn of<'a>(sites: impl IntoIterator<Item = &'a Site>) -> Counts {
        let mut c = Counts::default();
        for s in sites {
            c.add(s.diagnostic.kind);
        }
        c
    }
}

impl Report {
    /// Attributes `diagnostics` (module-root-relative files) to packages and to the functions
    /// declared in `decls` (file → `(line, name)` of each top-level `func`, in line order).
    pub fn new(
        compile_id: &str,
        source: &str,
        module_path: &str,
        diagnostics: Vec<Diagnostic>,
        decls: &BTreeMap<String, Vec<(u32, String)>>,
    ) -> Report {
        let mut diagnostics = diagnostics;
        diagnostics.sort_by(|a, b| (&a.file, a.line, a.col, a.kind).cmp(&(&b.file, b.line, b.col, b.kind)));
        diagnostics.dedup_by(|a, b| (&a.file, a.line, a.col, a.kind) == (&b.file, b.line, b.col, b.kind));
        let sites = diagnostics
            .into_iter()
            .map(|d| {
                let function = decls
                    .get(&d.file)
                    .and_then(|fns| fns.iter().rev().find(|(line, _)| *line <= d.line))
                    .map_or(String::new(), |(_, name)| name.clone());
                Site { package: package_of(module_path, &d.file), function, diagnostic: d }
            })
            .collect();
        Report { compile_id: compile_id.to_owned(), source: source.to_owned(), sites, from_m_only: Vec::new() }
    }

    pub fn counts(&self) -> Counts {
        Counts::of(&self.sites)
    }

    /// Counts per package.
    pub fn by_package(&self) -> BTreeMap<&str, Counts> {
        let mut out: BTreeMap<&str, Counts> = BTreeMap::new();
        for s in &self.sites {
            out.entry(s.package.as_str()).or_default().add(s.diagnostic.kind);
        }
        out
    }

    /// `(package, function, heap allocations)`, most first.
    pub fn top_heap_functions(&self, n: usize) -> Vec<(&str, &str, u64)> {
        let mut by_fn: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        for s in self.sites.iter().filter(|s| s.diagnostic.kind.is_heap()) {
            *by_fn.entry((s.package.as_str(), s.function.as_str())).or_default() += 1;
        }
        let mut v: Vec<_> = by_fn.into_iter().map(|((p, f), n)| (p, f, n)).collect();
        v.sort_by(|a, b| b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
        v.truncate(n);
        v
    }
}

/// The name given to a function literal whose compiler name is unknown.
pub const FUNC_LITERAL: &str = "func literal";

/// The top-level function declarations of a Go source file: `(line, name)`, where a method is
/// named `(*T).M` or `T.M` as the compiler does. gofmt puts every one at the start of a line.
pub fn declarations(source: &str) -> Vec<(u32, String)> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    source
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let rest = line.strip_prefix("func ")?;
            let name = match rest.strip_prefix('(') {
                Some(recv) => {
                    let (recv, after) = recv.split_once(')')?;
                    // `t *T[K]` → `*T`; `T` → `T`.
                    let ty = recv.split_whitespace().last()?.split('[').next()?;
                    let method = ident(after.trim_start());
                    if ty.starts_with('*') { format!("({ty}).{method}") } else { format!("{ty}.{method}") }
                }
                None => ident(rest),
            };
            (!name.is_empty()).then(|| (i as u32 + 1, name))
        })
        .collect()
}

/// The import path of the package a module file belongs to.
pub fn package_of(module_path: &str, file: &str) -> String {
    match file.rsplit_once('/') {
        Some((dir, _)) if !module_path.is_empty() => format!("{module_path}/{dir}"),
        Some((dir, _)) => dir.to_owned(),
        None => module_path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(kind: Kind, line: u32, col: u32, name: &str) -> Diagnostic {
        Diagnostic { kind, file: "main.go".into(), line, col, message: String::new(), name: name.into() }
    }

    #[test]
    fn sites_belong_to_the_enclosing_top_level_function() {
        let decls = BTreeMap::from([(
            "main.go".to_owned(),
            declarations(
                "package main\n\nfunc newPoint() *point {}\n\nfunc counter() func() int {\n\tn := 0\n\treturn func() int {}\n}\n",
            ),
        )]);
        assert_eq!(decls["main.go"], [(3, "newPoint".to_owned()), (5, "counter".to_owned())]);
        let r = Report::new(
            "id",
            "m",
            "example.com/app",
            vec![
                d(Kind::HeapEscape, 3, 33, ""),
                d(Kind::MovedToHeap, 6, 2, ""),
                d(Kind::CanInline, 7, 9, "counter.func1"),
                d(Kind::HeapEscape, 7, 9, ""),
                d(Kind::HeapEscape, 7, 9, ""),
                d(Kind::HeapEscape, 1, 1, ""),
            ],
            &decls,
        );
        let f: Vec<(&str, Kind)> = r.sites.iter().map(|s| (s.function.as_str(), s.diagnostic.kind)).collect();
        assert_eq!(
            f,
            [
                ("", Kind::HeapEscape),
                ("newPoint", Kind::HeapEscape),
                ("counter", Kind::MovedToHeap),
                ("counter", Kind::HeapEscape),
                ("counter", Kind::CanInline),
            ]
        );
        assert_eq!(r.counts().heap, 4);
        assert_eq!(r.counts().moved_to_heap, 1);
        assert_eq!(r.top_heap_functions(2), [("example.com/app", "counter", 2), ("example.com/app", "", 1)]);
        assert_eq!(r.sites[0].package, "example.com/app");
    }

    #[test]
    fn declarations_name_methods_as_the_compiler_does() {
        let src = "func (t *T) String() string {\nfunc (l List[K]) Len() int {\nfunc generic[T any](x T) {}\n\tfunc nested() {}\n";
        assert_eq!(
            declarations(src),
            [(1, "(*T).String".to_owned()), (2, "List.Len".to_owned()), (3, "generic".to_owned())]
        );
    }

    #[test]
    fn packages_follow_directories() {
        assert_eq!(package_of("example.com/app", "main.go"), "example.com/app");
        assert_eq!(package_of("example.com/app", "internal/x/y.go"), "example.com/app/internal/x");
    }
}
