//! Parser for one file of the compiler's optimization log, `-json=0,DIR`: the compiler writes
//! `DIR/<package>/<file>.json` per source file it has something to say about (including files
//! outside the module, e.g. a generic type from GOROOT instantiated in the package).
//!
//! The first line is a header, `{"version":0,"package":"main","goos":..,"goarch":..,
//! "gc_version":"go1.26.8","file":"/abs/path/main.go"}`; every further line is one LSP-like
//! diagnostic, `{"range":{"start":{"line":L,"character":C},..},"severity":3,"code":"escape",
//! "source":"go compiler","message":"..","relatedInformation":[..]}`.
//!
//! Positions: despite the LSP shape, `line` and `character` are 1-based, exactly the
//! `LINE:COL` that `-m` prints for the same site (logopt builds them from `src.Pos.Line()` and
//! `Col()`; checked on the captures in `tests/captures/`).
//!
//! What the log holds, compared with `-m` (go1.26.8): escapes, moved-to-heap variables, leaking
//! parameters (with where they leak: `parameter p leaks to {heap} with derefs=0`), inlinability
//! with the cost (`cost: 7`), non-inlinable functions with the reason (which `-m` only prints at
//! `-m=2`), call sites that could not be inlined, kept bounds and nil checks. It does not hold
//! function names, successful inlining of call sites, or "does not escape".
//!
//! Telling a variable moved to the heap from a value escaping to the heap: both come with code
//! `escape` (or `escapes`, when the address flows straight into the heap while the graph is
//! built) and the message `X escapes to heap`. But at the end of escape analysis the compiler
//! logs a second, message-less `escape` entry at the same position for every escaping location
//! that is *not* a named variable (`escape.go`, `batch.finish`: names get `moved to heap: x`
//! from `-m` and no log entry). So: an escaping position with a message-less twin is a
//! [`Kind::HeapEscape`]; one without is a [`Kind::MovedToHeap`], and its message is rewritten to
//! `-m`'s `moved to heap: x`. On the captures this agrees with `-m` at every site (`n` in
//! `counter`; `v` in `main` under `-l`).
//!
//! Malformed input: a header or diagnostic line that does not parse is an error naming its line
//! number, not skipped; the compiler writes these files whole, so a bad line means a truncated
//! or foreign file, and silently dropping it would undercount. Blank lines are ignored.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::model::{Code, Diagnostic, Kind};

/// One parsed `-json=0` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonFile {
    /// The package's name as the header gives it (`main`), not its import path.
    pub package: String,
    /// The compiler's version, `gc_version` (`go1.26.8`, or `devel ...`).
    pub go_version: String,
    /// The source file relative to the module root with `/` separators; `None` when the file
    /// is outside the module (and then `diagnostics` is empty).
    pub file: Option<String>,
    /// In position order; at most one per kind and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The header's `file` as the compiler wrote it (absolute, or as `-trimpath` names it).
    #[serde(skip)]
    pub named: String,
}

#[derive(Deserialize)]
struct Header {
    version: u32,
    package: String,
    gc_version: String,
    file: String,
}

#[derive(Deserialize)]
struct Entry {
    range: Range,
    code: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct Range {
    start: Position,
}

#[derive(Deserialize)]
struct Position {
    line: u32,
    character: u32,
}

/// Parses one file of `-json=0` output. A header `file` that is absolute is made relative to
/// the module root; a relative one is what `-trimpath` writes, and is the module's when it is
/// one of the names `-trimpath` gives the module's files ([`Code::untrim`]:
/// `fixture.test/escapes/main.go` for the main module, `filippo.io/age@v1.3.2/cmd/age/age.go`
/// for a module in the module cache).
pub fn parse(text: &str, code: &Code) -> Result<JsonFile> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty());
    let Some((n, first)) = lines.next() else { bail!("empty -json log: no header line") };
    let header: Header =
        serde_json::from_str(first).with_context(|| format!("line {n}: not a -json=0 header: {}", excerpt(first)))?;
    if header.version != 0 {
        bail!("line {n}: -json version {} (only version 0 is understood)", header.version);
    }
    let file = resolve(&header.file, code);
    let mut out = JsonFile {
        package: header.package,
        go_version: header.gc_version,
        file,
        diagnostics: Vec::new(),
        named: header.file,
    };
    let Some(file) = out.file.clone() else { return Ok(out) };

    // Escapes by position: the message (from the first entry that has one) and whether a
    // message-less twin was seen.
    let mut escapes: HashMap<(u32, u32), (Option<String>, bool)> = HashMap::new();
    let mut seen = HashSet::new();
    // (line, col, kind, message) of each kept diagnostic.
    let mut kept: Vec<(u32, u32, Kind, String)> = Vec::new();
    for (n, line) in lines {
        let entry: Entry = serde_json::from_str(line)
            .with_context(|| format!("line {n}: not a -json=0 diagnostic: {}", excerpt(line)))?;
        let (l, c) = (entry.range.start.line, entry.range.start.character);
        let kind = match entry.code.as_str() {
            "escape" | "escapes" => {
                let slot = escapes.entry((l, c)).or_insert((None, false));
                if entry.message.is_empty() {
                    slot.1 = true;
                } else if slot.0.is_none() {
                    slot.0 = Some(entry.message);
                }
                continue;
            }
            "leak" => Kind::LeakingParam,
            "canInlineFunction" => Kind::CanInline,
            "cannotInlineFunction" => Kind::CannotInline,
            "cannotInlineCall" => Kind::CannotInlineCall,
            "isInBounds" | "isSliceInBounds" => Kind::BoundsCheck,
            "nilcheck" => Kind::NilCheck,
            _ => continue,
        };
        if seen.insert((kind, l, c)) {
            kept.push((l, c, kind, entry.message));
        }
    }
    for ((l, c), (message, twin)) in escapes {
        let message = message.unwrap_or_default();
        if twin {
            kept.push((l, c, Kind::HeapEscape, message));
        } else {
            let name = message.strip_suffix(" escapes to heap").unwrap_or(&message);
            kept.push((l, c, Kind::MovedToHeap, format!("moved to heap: {name}")));
        }
    }
    // At most one per kind and position: a total order.
    kept.sort_by_key(|&(l, c, kind, _)| (l, c, kind));
    out.diagnostics = kept
        .into_iter()
        .map(|(line, col, kind, message)| Diagnostic {
            kind,
            file: file.clone(),
            line,
            col,
            message,
            name: String::new(),
        })
        .collect();
    Ok(out)
}

fn resolve(file: &str, code: &Code) -> Option<String> {
    let path = Path::new(file);
    if path.is_absolute() { code.relative(path) } else { code.untrim(file) }
}

/// The start of a bad line, for an error message.
fn excerpt(line: &str) -> String {
    const MAX: usize = 80;
    match line.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &line[..i]),
        None => line.to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Where the captures were made: the module root of the fixture (and go's working dir).
    const MODULE_ROOT: &str = "/work/main/tests/fixtures/escapes";
    const MODULE_PATH: &str = "fixture.test/escapes";

    const MAIN: &str = include_str!("../../../tests/captures/escapes-json-go1.26.8/main.json");
    const TYPE: &str = include_str!("../../../tests/captures/escapes-json-go1.26.8/type.json");
    const MAIN_L: &str = include_str!("../../../tests/captures/escapes-json-l-go1.26.8/main.json");
    const TYPE_L: &str = include_str!("../../../tests/captures/escapes-json-l-go1.26.8/type.json");
    const MAIN_TRIM: &str = include_str!("../../../tests/captures/escapes-json-trimpath-go1.26.8/main.json");
    const TYPE_TRIM: &str = include_str!("../../../tests/captures/escapes-json-trimpath-go1.26.8/type.json");
    const TEXT_M: &str = include_str!("../../../tests/captures/escapes-m-go1.26.8.txt");
    const TEXT_M_L: &str = include_str!("../../../tests/captures/escapes-m-l-go1.26.8.txt");

    /// A target in the module cache: `example.com/tool/cmd/tool` (tests/fixtures/modcache),
    /// served by a file proxy into GOMODCACHE=/tmp/gostart-capture/modcache and compiled from
    /// the consumer module at /tmp/gostart-capture/consumer as gostart does, `go list -export
    /// [-trimpath] '-gcflags=example.com/tool/...=-m -json=0,DIR' example.com/tool/cmd/tool`.
    /// Per variant: main.json, lib.json (example.com/lib's generic, instantiated in main),
    /// type.json (GOROOT's sync/atomic, the same), shape.json (example.com/tool/internal/shape)
    /// and context.json: the log of main's own context.go or of GOROOT's context/context.go
    /// (wrappers for the embedded context.Context), whichever name sorts last — GOROOT's
    /// `/usr/...` after `/tmp/...`, but the module's `example.com/...` after `context/...`.
    /// (Made with GODEBUG=goindex=0: go's module index caches a module-cache directory's
    /// files by path, and would not see a changed fixture.)
    pub(crate) const MODCACHE_GO_CWD: &str = "/tmp/gostart-capture/consumer";
    pub(crate) const MODCACHE: [&str; 5] = [
        include_str!("../../../tests/captures/escapes-json-modcache-go1.26.8/main.json"),
        include_str!("../../../tests/captures/escapes-json-modcache-go1.26.8/lib.json"),
        include_str!("../../../tests/captures/escapes-json-modcache-go1.26.8/type.json"),
        include_str!("../../../tests/captures/escapes-json-modcache-go1.26.8/shape.json"),
        include_str!("../../../tests/captures/escapes-json-modcache-go1.26.8/context.json"),
    ];
    pub(crate) const MODCACHE_TRIM: [&str; 5] = [
        include_str!("../../../tests/captures/escapes-json-modcache-trimpath-go1.26.8/main.json"),
        include_str!("../../../tests/captures/escapes-json-modcache-trimpath-go1.26.8/lib.json"),
        include_str!("../../../tests/captures/escapes-json-modcache-trimpath-go1.26.8/type.json"),
        include_str!("../../../tests/captures/escapes-json-modcache-trimpath-go1.26.8/shape.json"),
        include_str!("../../../tests/captures/escapes-json-modcache-trimpath-go1.26.8/context.json"),
    ];
    pub(crate) const MODCACHE_M: &str = include_str!("../../../tests/captures/escapes-m-modcache-go1.26.8.txt");
    pub(crate) const MODCACHE_M_TRIM: &str =
        include_str!("../../../tests/captures/escapes-m-modcache-trimpath-go1.26.8.txt");

    /// The tool module as `go list` describes it in the capture's module cache.
    pub(crate) fn tool() -> Code {
        Code {
            path: "example.com/tool".into(),
            version: "v1.0.0".into(),
            dir: "/tmp/gostart-capture/modcache/example.com/tool@v1.0.0".into(),
        }
    }

    pub(crate) fn all(files: &[&str], code: &Code) -> Vec<JsonFile> {
        files.iter().map(|t| parse(t, code).unwrap()).collect()
    }

    fn fixture() -> Code {
        Code { path: MODULE_PATH.into(), version: String::new(), dir: MODULE_ROOT.into() }
    }

    fn parsed(text: &str) -> JsonFile {
        parse(text, &fixture()).unwrap()
    }

    fn find(ds: &[Diagnostic], kind: Kind, line: u32, col: u32) -> Option<&Diagnostic> {
        ds.iter().find(|d| d.kind == kind && d.line == line && d.col == col)
    }

    fn at(ds: &[Diagnostic], kind: Kind, line: u32, col: u32) -> &Diagnostic {
        find(ds, kind, line, col).unwrap_or_else(|| panic!("no {kind:?} at {line}:{col} in {ds:#?}"))
    }

    /// (kind, line, col) of the heap allocations.
    fn heap_sites(ds: &[Diagnostic]) -> Vec<(Kind, u32, u32)> {
        let mut v: Vec<_> = ds.iter().filter(|d| d.kind.is_heap()).map(|d| (d.kind, d.line, d.col)).collect();
        v.sort();
        v
    }

    #[test]
    fn default_build_snapshot() {
        insta::assert_json_snapshot!("json_default_main", parsed(MAIN));
    }

    #[test]
    fn no_inlining_snapshot() {
        insta::assert_json_snapshot!("json_l_main", parsed(MAIN_L));
    }

    #[test]
    fn header_fields() {
        let f = parsed(MAIN);
        assert_eq!(f.package, "main");
        assert_eq!(f.go_version, "go1.26.8");
        assert_eq!(f.file.as_deref(), Some("main.go"));
        assert!(f.diagnostics.iter().all(|d| d.file == "main.go" && d.name.is_empty()));
    }

    #[test]
    fn default_build_known_sites() {
        let ds = parsed(MAIN).diagnostics;
        assert_eq!(at(&ds, Kind::HeapEscape, 12, 33).message, "&point{...} escapes to heap");
        // `n` has no message-less twin: a variable, moved to the heap.
        assert_eq!(at(&ds, Kind::MovedToHeap, 16, 2).message, "moved to heap: n");
        assert!(find(&ds, Kind::HeapEscape, 16, 2).is_none());
        assert_eq!(at(&ds, Kind::HeapEscape, 17, 9).message, "func literal escapes to heap");
        assert_eq!(at(&ds, Kind::LeakingParam, 21, 26).message, "parameter p leaks to {heap} with derefs=0");
        assert_eq!(at(&ds, Kind::HeapEscape, 38, 19).message, "p.x escapes to heap");
        // `make([]int, 8)` stays on the stack.
        assert!(ds.iter().all(|d| !(d.line == 37 && d.kind.is_heap())), "{ds:#?}");
        assert_eq!(at(&ds, Kind::CanInline, 12, 6).message, "cost: 7");
        let main = at(&ds, Kind::CannotInline, 32, 6);
        assert!(main.message.contains("cost"), "{main:?}");
        assert_eq!(main.message, "function too complex: cost 248 exceeds budget 80");
        // Inlined call sites are not in the log; `-m` has them.
        assert!(ds.iter().all(|d| d.kind != Kind::InlinedCall));
        // Each escaping allocation is logged twice (with and without message): one diagnostic.
        assert_eq!(ds.iter().filter(|d| (d.line, d.col) == (12, 33)).count(), 1);
        // `counter.func1` and its inlined copy `main.counter.func2` are both at 17:9: one.
        assert_eq!(ds.iter().filter(|d| d.kind == Kind::CanInline && (d.line, d.col) == (17, 9)).count(), 1);
        assert!(find(&ds, Kind::MovedToHeap, 35, 2).is_none());
    }

    #[test]
    fn no_inlining_known_sites() {
        let ds = parsed(MAIN_L).diagnostics;
        // `&v` passed to `apply`, which is not inlined: `v` moves to the heap (code `escapes`).
        assert!(MAIN_L.contains(r#""code":"escapes""#));
        assert_eq!(at(&ds, Kind::MovedToHeap, 35, 2).message, "moved to heap: v");
        assert_eq!(at(&ds, Kind::MovedToHeap, 16, 2).message, "moved to heap: n");
        assert_eq!(at(&ds, Kind::HeapEscape, 12, 33).message, "&point{...} escapes to heap");
        assert!(ds.iter().all(|d| !matches!(d.kind, Kind::InlinedCall | Kind::CanInline | Kind::CannotInline)));
    }

    /// The twin rule gives exactly the heap allocations `-m` reports, in both builds.
    #[test]
    fn heap_sites_agree_with_m() {
        let root = Path::new(MODULE_ROOT);
        for (json, m) in [(MAIN, TEXT_M), (MAIN_L, TEXT_M_L)] {
            let from_json = parsed(json).diagnostics;
            let from_text = super::super::text::parse(m, root, &fixture());
            assert_eq!(heap_sites(&from_json), heap_sites(&from_text));
            for d in from_json.iter().filter(|d| d.kind.is_heap()) {
                assert!(
                    from_text.iter().any(|t| t.kind == d.kind && t.message == d.message && t.line == d.line),
                    "{d:?}"
                );
            }
        }
    }

    #[test]
    fn positions_are_one_based() {
        // main.go line 12 is `func newPoint() *point { return &point{1, 2} }`: `&` is byte 33.
        let src = include_str!("../../../tests/fixtures/escapes/main.go");
        let line = src.lines().nth(12 - 1).unwrap();
        assert_eq!(&line[33 - 1..33 - 1 + "&point".len()], "&point");
        assert!(find(&parsed(MAIN).diagnostics, Kind::HeapEscape, 12, 33).is_some());
    }

    #[test]
    fn skips_the_file_outside_the_module() {
        for text in [TYPE, TYPE_L] {
            assert!(text.lines().count() > 10, "the capture has diagnostics for GOROOT's sync/atomic");
            let f = parsed(text);
            assert_eq!(f.file, None);
            assert!(f.diagnostics.is_empty());
            assert_eq!((f.package.as_str(), f.go_version.as_str()), ("main", "go1.26.8"));
        }
        // Another root: main.go is outside it too.
        let other = Code { dir: "/work/main/tests/fixtures/esc".into(), ..fixture() };
        assert_eq!(parse(MAIN, &other).unwrap().file, None);
    }

    #[test]
    fn trimpath_needs_the_module_path() {
        let no_path = Code { path: String::new(), ..fixture() };
        assert_eq!(parse(MAIN_TRIM, &no_path).unwrap().file, None);
        let trimmed = parse(MAIN_TRIM, &fixture()).unwrap();
        assert_eq!(trimmed.file.as_deref(), Some("main.go"));
        assert_eq!(trimmed.diagnostics, parsed(MAIN).diagnostics);
        // GOROOT's `sync/atomic/type.go` is not the module's.
        assert_eq!(parse(TYPE_TRIM, &fixture()).unwrap().file, None);
    }

    #[test]
    fn module_cache_trimpath_snapshot() {
        insta::assert_json_snapshot!("json_modcache_trimpath", all(&MODCACHE_TRIM, &tool()));
    }

    /// `-trimpath` names the files `example.com/tool@v1.0.0/...`: the same files, the same
    /// diagnostics as the absolute `$GOMODCACHE/example.com/tool@v1.0.0/...` names — but for
    /// context.go, whose log the compiler overwrote with GOROOT's in the plain build only.
    #[test]
    fn module_cache_names_with_and_without_trimpath_agree() {
        assert!(MODCACHE_TRIM[0].contains(r#""file":"example.com/tool@v1.0.0/cmd/tool/main.go""#));
        assert!(
            MODCACHE[0].contains(r#""file":"/tmp/gostart-capture/modcache/example.com/tool@v1.0.0/cmd/tool/main.go""#)
        );
        let (plain, trimmed) = (all(&MODCACHE, &tool()), all(&MODCACHE_TRIM, &tool()));
        let files = |logs: &[JsonFile]| logs.iter().map(|f| f.file.clone()).collect::<Vec<_>>();
        let found = |logs: &[JsonFile]| logs.iter().map(|f| f.diagnostics.clone()).collect::<Vec<_>>();
        assert_eq!((files(&plain[..4]), found(&plain[..4])), (files(&trimmed[..4]), found(&trimmed[..4])));
        let own = |f: &str| Some(f.to_owned());
        // example.com/lib's and GOROOT's files are not the tool module's.
        assert_eq!(
            files(&trimmed),
            [own("cmd/tool/main.go"), None, None, own("internal/shape/shape.go"), own("cmd/tool/context.go")]
        );
        assert_eq!(files(&plain)[4], None);
        assert_eq!(plain[4].named, "/usr/local/go/src/context/context.go");
        let (main, shape) = (&trimmed[0].diagnostics, &trimmed[3].diagnostics);
        assert_eq!(at(shape, Kind::HeapEscape, 10, 35).message, "&Rect{...} escapes to heap");
        assert_eq!(at(shape, Kind::CannotInline, 10, 6).message, "marked go:noinline");
        // lib.Pointers inlined into main: its copy moves to the heap at the call site.
        assert!(MODCACHE_TRIM[0].contains(r#""code":"escapes""#));
        assert_eq!(at(main, Kind::MovedToHeap, 16, 23).message, "moved to heap: lib.v");
        assert_eq!(
            heap_sites(main),
            [
                (Kind::HeapEscape, 17, 36),
                (Kind::HeapEscape, 18, 32),
                (Kind::HeapEscape, 18, 39),
                (Kind::HeapEscape, 18, 58),
                (Kind::MovedToHeap, 16, 23)
            ]
        );
        assert_eq!(at(&trimmed[4].diagnostics, Kind::HeapEscape, 15, 74).message, "&named{...} escapes to heap");
        // Without the version, as before: the trimmed names are not recognised (heap 0).
        let unversioned = Code { version: String::new(), ..tool() };
        assert!(all(&MODCACHE_TRIM, &unversioned).iter().all(|f| f.file.is_none() && f.diagnostics.is_empty()));
        assert_eq!(all(&MODCACHE, &unversioned), plain);
    }

    /// The twin rule agrees with `-m` in the module cache too, with and without `-trimpath`,
    /// on every file whose log the compiler kept.
    #[test]
    fn module_cache_heap_sites_agree_with_m() {
        let cwd = Path::new(MODCACHE_GO_CWD);
        for (json, m, lost) in [(MODCACHE, MODCACHE_M, 1), (MODCACHE_TRIM, MODCACHE_M_TRIM, 0)] {
            let from_json: Vec<Diagnostic> = all(&json, &tool()).into_iter().flat_map(|f| f.diagnostics).collect();
            let from_text = super::super::text::parse(m, cwd, &tool());
            let sites = |ds: &[Diagnostic]| {
                let mut v: Vec<_> =
                    ds.iter().filter(|d| d.kind.is_heap()).map(|d| (d.file.clone(), d.line, d.col, d.kind)).collect();
                v.sort();
                v
            };
            let kept = |ds: &[Diagnostic]| {
                sites(ds).into_iter().filter(|s| lost == 0 || s.0 != "cmd/tool/context.go").collect::<Vec<_>>()
            };
            assert_eq!(kept(&from_json), kept(&from_text));
            assert_eq!(sites(&from_text).len(), 7);
            assert_eq!(sites(&from_json).len(), 7 - lost);
        }
    }

    #[test]
    fn garbage_is_an_error_naming_the_line() {
        let root = &fixture();
        // A real log cut in the middle of its fourth line.
        let cut: String =
            MAIN.lines().take(3).chain([&MAIN.lines().nth(3).unwrap()[..40]]).collect::<Vec<_>>().join("\n");
        let err = format!("{:#}", parse(&cut, root).unwrap_err());
        assert!(err.starts_with("line 4: not a -json=0 diagnostic"), "{err}");
        let err = format!("{:#}", parse("# fixture.test/escapes\n", root).unwrap_err());
        assert!(err.starts_with("line 1: not a -json=0 header"), "{err}");
        let err = format!("{:#}", parse("\n", root).unwrap_err());
        assert!(err.contains("no header"), "{err}");
        let v1 = MAIN.lines().next().unwrap().replace(r#""version":0"#, r#""version":1"#);
        assert!(format!("{:#}", parse(&v1, root).unwrap_err()).contains("version 1"));
        // Blank lines (a trailing newline, CRLF) are fine.
        let crlf = MAIN.replace('\n', "\r\n") + "\r\n\r\n";
        assert_eq!(parse(&crlf, root).unwrap(), parsed(MAIN));
    }

    /// The codes this fixture does not produce, in the shape the compiler writes them.
    #[test]
    fn maps_the_other_codes() {
        let line = |l: u32, code: &str, msg: &str| {
            format!(
                r#"{{"range":{{"start":{{"line":{l},"character":5}},"end":{{"line":{l},"character":5}}}},"severity":3,"code":"{code}","source":"go compiler","message":"{msg}"}}"#
            )
        };
        let text = [
            MAIN.lines().next().unwrap().to_owned(),
            line(3, "isInBounds", ""),
            line(4, "isSliceInBounds", ""),
            line(5, "nilcheck", ""),
            line(6, "cannotInlineCall", "fmt.Fprintln cannot be inlined"),
            line(7, "copy", "64 bytes"),
            line(8, "someFutureCode", "x"),
        ]
        .join("\n");
        let kinds: Vec<_> = parsed(&text).diagnostics.iter().map(|d| (d.line, d.kind, d.message.clone())).collect();
        assert_eq!(
            kinds,
            [
                (3, Kind::BoundsCheck, String::new()),
                (4, Kind::BoundsCheck, String::new()),
                (5, Kind::NilCheck, String::new()),
                (6, Kind::CannotInlineCall, "fmt.Fprintln cannot be inlined".to_owned()),
            ]
        );
    }
}
