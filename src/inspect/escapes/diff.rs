//! What changed between two configurations' diagnostics: heap allocations and inlining gained
//! or lost, matched by position and message, then by function and message (so a site that only
//! moved lines is not reported as removed and added).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::Kind;
use super::report::{Counts, Report, Site};

/// The kinds a diff reports: allocations and inlining decisions.
fn tracked(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::HeapEscape
            | Kind::MovedToHeap
            | Kind::LeakingParam
            | Kind::InlinedCall
            | Kind::CanInline
            | Kind::CannotInline
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Sites in the config but not in the base.
    pub added: Vec<Site>,
    /// Sites in the base but not in the config.
    pub removed: Vec<Site>,
    /// Per package: (base counts, config counts).
    pub packages: BTreeMap<String, (Counts, Counts)>,
}

/// `config` against `base`.
pub fn diff(base: &Report, config: &Report) -> Diff {
    let mut left: Vec<Option<&Site>> = base.sites.iter().filter(|s| tracked(s.diagnostic.kind)).map(Some).collect();
    let mut right: Vec<Option<&Site>> = config.sites.iter().filter(|s| tracked(s.diagnostic.kind)).map(Some).collect();
    type Key<'a> = Box<dyn Fn(&Site) -> (String, String, u32, u32, Kind, String) + 'a>;
    let passes: [Key; 3] = [
        // Same position, same words.
        Box::new(|s: &Site| {
            let d = &s.diagnostic;
            (d.file.clone(), String::new(), d.line, d.col, d.kind, d.message.clone())
        }),
        // Same position, words changed (e.g. `~r0 escapes` becomes `next() escapes`).
        Box::new(|s: &Site| {
            let d = &s.diagnostic;
            (d.file.clone(), String::new(), d.line, d.col, d.kind, String::new())
        }),
        // Same function and words, another line: the code above it moved.
        Box::new(|s: &Site| {
            let d = &s.diagnostic;
            (d.file.clone(), s.function.clone(), 0, 0, d.kind, format!("{}|{}", d.message, d.name))
        }),
    ];
    for key in &passes {
        let mut index: BTreeMap<_, Vec<usize>> = BTreeMap::new();
        for (i, s) in left.iter().enumerate() {
            if let Some(s) = s {
                index.entry(key(s)).or_default().push(i);
            }
        }
        for r in right.iter_mut() {
            let Some(s) = r else { continue };
            if let Some(i) = index.get_mut(&key(s)).and_then(|v| v.pop()) {
                left[i] = None;
                *r = None;
            }
        }
    }
    let mut packages: BTreeMap<String, (Counts, Counts)> = BTreeMap::new();
    for s in &base.sites {
        packages.entry(s.package.clone()).or_default().0.add(s.diagnostic.kind);
    }
    for s in &config.sites {
        packages.entry(s.package.clone()).or_default().1.add(s.diagnostic.kind);
    }
    Diff {
        added: right.into_iter().flatten().cloned().collect(),
        removed: left.into_iter().flatten().cloned().collect(),
        packages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::escapes::model::Diagnostic;

    fn site(function: &str, kind: Kind, line: u32, message: &str) -> Site {
        Site {
            package: "p".into(),
            function: function.into(),
            diagnostic: Diagnostic {
                kind,
                file: "main.go".into(),
                line,
                col: 2,
                message: message.into(),
                name: String::new(),
            },
        }
    }

    fn report(sites: Vec<Site>) -> Report {
        Report { compile_id: "x".into(), source: "m".into(), sites, from_m_only: Vec::new() }
    }

    #[test]
    fn added_removed_and_line_shifts() {
        let base = report(vec![
            site("main", Kind::HeapEscape, 10, "~r0 escapes to heap"),
            site("f", Kind::HeapEscape, 20, "x escapes to heap"),
            site("main", Kind::InlinedCall, 11, "inlining call to f"),
        ]);
        let config = report(vec![
            site("main", Kind::HeapEscape, 10, "next() escapes to heap"), // same site, new words
            site("f", Kind::HeapEscape, 22, "x escapes to heap"),         // moved down two lines
            site("main", Kind::MovedToHeap, 5, "moved to heap: v"),       // new
        ]);
        let d = diff(&base, &config);
        assert_eq!(d.added.iter().map(|s| s.diagnostic.line).collect::<Vec<_>>(), [5]);
        assert_eq!(d.removed.iter().map(|s| s.diagnostic.kind).collect::<Vec<_>>(), [Kind::InlinedCall]);
        let (b, c) = &d.packages["p"];
        assert_eq!((b.heap, c.heap, b.inlined_calls, c.inlined_calls), (2, 3, 1, 0));
    }
}
