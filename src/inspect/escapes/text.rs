//! Parser for the compiler's `-m` / `-m=2` diagnostics as the go command prints them on
//! stderr: `PATH:LINE:COL: MESSAGE`, 1-based, with `# import/path` headers between packages.
//!
//! PATH is what the go command makes of the compiler's file name: relative to the go command's
//! working directory when that is shorter (`./main.go`, `cmd/app/x.go`, `../lib/y.go`),
//! otherwise absolute (`/usr/local/go/src/...`, `$GOMODCACHE/filippo.io/age@v1.3.2/age.go`);
//! under `-trimpath`, a module's files are named `module@version/...` when it has a version
//! (`filippo.io/age@v1.3.2/cmd/age/age.go`: a target in the module cache) and by the module
//! path otherwise (`fixture.test/escapes/main.go`), GOROOT's by their import path
//! (`sync/atomic/type.go`). Both are made relative to the module root ([`Code`]); lines outside
//! the module are skipped.
//!
//! `-trimpath` output is recognised as such when some path is a trimmed name of the module's
//! (see [`Code::untrim`]) and none is absolute or starts with `./` or `../` (which `-trimpath`
//! never prints); then only those names are the module's. (A module whose trimmed name is also
//! the name of one of its own directories, seen from go's working directory, would be misread;
//! go gives no way to tell.)
//!
//! What `-m` says, compared with `-json=0` (go1.26.8): escapes and moved-to-heap variables with
//! the words `-m` uses, leaking parameters (`leaking param: p`), function names, inlinable
//! functions (without cost at `-m`; `cost: N` at `-m=2`), inlined call sites (only here). Not
//! at `-m`: non-inlinable functions (`cannot inline f: reason` needs `-m=2`), bounds and nil
//! checks.
//!
//! Kept: `X escapes to heap` → [`Kind::HeapEscape`]; `moved to heap: x` →
//! [`Kind::MovedToHeap`]; `leaking param: p`, `leaking param content: p`,
//! `leaking param: p to result ~r0 level=0` → [`Kind::LeakingParam`] (message: the words);
//! `inlining call to F` → [`Kind::InlinedCall`]; `can inline F` / `can inline F with cost N as:
//! ...` → [`Kind::CanInline`] (message `cost: N` when given); `cannot inline F: REASON` →
//! [`Kind::CannotInline`]; `cannot inline F into G: REASON` → [`Kind::CannotInlineCall`] (name F,
//! message REASON). Skipped: `does not escape`, `-m=2`'s flow explanations (indented messages,
//! and their headers, which end in `:`, like `n escapes to heap in counter:`), anything else.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use super::model::{Code, Diagnostic, Kind};

/// The module's diagnostics in `text` (the go command's stderr), in position order, at most
/// one per kind and position (the first the compiler printed: `can inline counter.func1` and
/// its inlined copy's `can inline main.counter.func2` share 17:9).
///
/// `go_cwd` is the go command's working directory, which relative paths are relative to.
/// `code`'s path (and version) are needed for `-trimpath` output: with an empty path, that
/// output's `module/path/x.go` and `sync/atomic/type.go` are taken for directories under
/// `go_cwd`.
pub fn parse(text: &str, go_cwd: &Path, code: &Code) -> Vec<Diagnostic> {
    parse_printed(text, go_cwd, code).diagnostics
}

/// What `-m` printed: the module's diagnostics, and which of the module's files each package's
/// lines name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Printed {
    /// As [`parse`] gives them.
    pub diagnostics: Vec<Diagnostic>,
    /// Per package (its `# import/path` header), the module's files (relative to the module
    /// root) its lines name.
    pub files: BTreeMap<String, BTreeSet<String>>,
}

/// As [`parse`], and which of the module's files each package's lines name.
pub fn parse_printed(text: &str, go_cwd: &Path, code: &Code) -> Printed {
    // (package section, position) of each diagnostic line.
    let mut section = "";
    let lines: Vec<_> = text
        .lines()
        .filter_map(|l| match l.strip_prefix("# ") {
            Some(header) => {
                section = header.trim();
                None
            }
            None => split_position(l).map(|pos| (section, pos)),
        })
        .collect();
    let trimmed = lines.iter().any(|(_, l)| code.untrim(l.path).is_some())
        && !lines.iter().any(|(_, l)| Path::new(l.path).is_absolute() || is_dot_relative(l.path));

    let mut out = Printed::default();
    let mut seen = HashSet::new();
    for (section, l) in lines {
        let file = if trimmed { code.untrim(l.path) } else { code.relative(&go_cwd.join(l.path)) };
        let Some(file) = file else { continue };
        out.files.entry(section.to_owned()).or_default().insert(file.clone());
        let Some((kind, name, message)) = classify(l.message) else { continue };
        if seen.insert((kind, file.clone(), l.line, l.col)) {
            out.diagnostics.push(Diagnostic { kind, file, line: l.line, col: l.col, message, name });
        }
    }
    // Stable: within a position the compiler's order stays.
    out.diagnostics.sort_by(|a, b| (&a.file, a.line, a.col, a.kind).cmp(&(&b.file, b.line, b.col, b.kind)));
    out
}

struct Line<'a> {
    path: &'a str,
    line: u32,
    col: u32,
    message: &'a str,
}

/// `PATH:LINE:COL: MESSAGE` → its parts; the first `:LINE:COL: ` wins (a Windows path's drive
/// colon is not followed by digits).
fn split_position(line: &str) -> Option<Line<'_>> {
    for (i, _) in line.match_indices(':') {
        let path = &line[..i];
        if path.is_empty() || path.starts_with(char::is_whitespace) {
            return None;
        }
        let rest = &line[i + 1..];
        let (l, rest) = rest.split_once(':')?;
        let Some((c, message)) = rest.split_once(": ") else { continue };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if digits(l) && digits(c) {
            return Some(Line { path, line: l.parse().ok()?, col: c.parse().ok()?, message });
        }
    }
    None
}

fn is_dot_relative(path: &str) -> bool {
    let path = path.replace('\\', "/");
    path.starts_with("./") || path.starts_with("../")
}

/// A message → (kind, name, message), or `None` for what is not kept.
fn classify(msg: &str) -> Option<(Kind, String, String)> {
    if msg.starts_with(char::is_whitespace) || msg.ends_with(':') {
        return None; // -m=2: a flow explanation or its header
    }
    let words = || msg.to_owned();
    if msg.starts_with("moved to heap: ") {
        return Some((Kind::MovedToHeap, String::new(), words()));
    }
    if msg.ends_with(" escapes to heap") {
        return Some((Kind::HeapEscape, String::new(), words()));
    }
    if msg.starts_with("leaking param: ") || msg.starts_with("leaking param content: ") {
        return Some((Kind::LeakingParam, String::new(), words()));
    }
    if let Some(rest) = msg.strip_prefix("inlining call to ") {
        // -m=2 with PGO / the new inliner: `inlining call to F with score N`.
        return Some(match rest.rsplit_once(" with score ") {
            Some((f, score)) => (Kind::InlinedCall, f.to_owned(), format!("score: {score}")),
            None => (Kind::InlinedCall, rest.to_owned(), String::new()),
        });
    }
    if let Some(rest) = msg.strip_prefix("can inline ") {
        // -m=2: `can inline F with cost N as: TYPE { BODY }`.
        if let Some((f, tail)) = rest.split_once(" with cost ") {
            let cost = tail.split_once(" as: ").map_or(tail, |(c, _)| c);
            if cost.bytes().all(|b| b.is_ascii_digit()) && !cost.is_empty() {
                return Some((Kind::CanInline, f.to_owned(), format!("cost: {cost}")));
            }
        }
        return Some((Kind::CanInline, rest.to_owned(), String::new()));
    }
    if let Some(rest) = msg.strip_prefix("cannot inline ") {
        let (f, reason) = rest.split_once(": ")?;
        return Some(match f.split_once(" into ") {
            Some((callee, _caller)) => (Kind::CannotInlineCall, callee.to_owned(), reason.to_owned()),
            None => (Kind::CannotInline, f.to_owned(), reason.to_owned()),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Where the captures were made: the fixture's module root, also go's working directory.
    const MODULE_ROOT: &str = "/work/main/tests/fixtures/escapes";
    const MODULE_PATH: &str = "fixture.test/escapes";

    const M: &str = include_str!("../../../tests/captures/escapes-m-go1.26.8.txt");
    const M_L: &str = include_str!("../../../tests/captures/escapes-m-l-go1.26.8.txt");
    const M2: &str = include_str!("../../../tests/captures/escapes-m2-go1.26.8.txt");
    const M_TRIM: &str = include_str!("../../../tests/captures/escapes-m-trimpath-go1.26.8.txt");
    /// A target in the module cache, `example.com/tool/cmd/tool` (tests/fixtures/modcache),
    /// compiled from the consumer module at /tmp/gostart-capture/consumer with
    /// GOMODCACHE=/tmp/gostart-capture/modcache (see the JSON captures in json.rs).
    const M_MODCACHE: &str = include_str!("../../../tests/captures/escapes-m-modcache-go1.26.8.txt");
    const M_MODCACHE_TRIM: &str = include_str!("../../../tests/captures/escapes-m-modcache-trimpath-go1.26.8.txt");

    fn tool() -> Code {
        Code {
            path: "example.com/tool".into(),
            version: "v1.0.0".into(),
            dir: "/tmp/gostart-capture/modcache/example.com/tool@v1.0.0".into(),
        }
    }

    fn parsed_modcache(text: &str) -> Vec<Diagnostic> {
        parse(text, Path::new("/tmp/gostart-capture/consumer"), &tool())
    }

    /// The code of a module without a version (the main module) at `dir`.
    pub(super) fn code(path: &str, dir: &str) -> Code {
        Code { path: path.into(), version: String::new(), dir: dir.into() }
    }

    fn parsed(text: &str) -> Vec<Diagnostic> {
        let root = Path::new(MODULE_ROOT);
        parse(text, root, &code(MODULE_PATH, MODULE_ROOT))
    }

    fn find(ds: &[Diagnostic], kind: Kind, line: u32, col: u32) -> Option<&Diagnostic> {
        ds.iter().find(|d| d.kind == kind && d.line == line && d.col == col)
    }

    fn at(ds: &[Diagnostic], kind: Kind, line: u32, col: u32) -> &Diagnostic {
        find(ds, kind, line, col).unwrap_or_else(|| panic!("no {kind:?} at {line}:{col} in {ds:#?}"))
    }

    fn escape_sites(ds: &[Diagnostic]) -> Vec<(Kind, u32, u32, String)> {
        ds.iter()
            .filter(|d| d.kind.is_heap() || d.kind == Kind::LeakingParam)
            .map(|d| (d.kind, d.line, d.col, d.message.clone()))
            .collect()
    }

    #[test]
    fn default_build_snapshot() {
        insta::assert_json_snapshot!("text_m", parsed(M));
    }

    #[test]
    fn no_inlining_snapshot() {
        insta::assert_json_snapshot!("text_m_l", parsed(M_L));
    }

    #[test]
    fn m2_snapshot() {
        insta::assert_json_snapshot!("text_m2", parsed(M2));
    }

    #[test]
    fn default_build_known_sites() {
        let ds = parsed(M);
        assert!(ds.iter().all(|d| d.file == "main.go"), "{ds:#?}");
        assert_eq!(at(&ds, Kind::HeapEscape, 12, 33).message, "&point{...} escapes to heap");
        assert_eq!(at(&ds, Kind::MovedToHeap, 16, 2).message, "moved to heap: n");
        assert_eq!(at(&ds, Kind::HeapEscape, 17, 9).message, "func literal escapes to heap");
        assert_eq!(at(&ds, Kind::LeakingParam, 21, 26).message, "leaking param: p");
        assert_eq!(at(&ds, Kind::HeapEscape, 38, 19).message, "p.x escapes to heap");
        // `make([]int, 8) does not escape`: nothing at 37:13, and no "does not escape" at all.
        assert!(M.contains("./main.go:37:13: make([]int, 8) does not escape"));
        assert!(ds.iter().all(|d| d.line != 37 && !d.message.contains("does not escape")), "{ds:#?}");
        let inlined = at(&ds, Kind::InlinedCall, 33, 15);
        assert_eq!((inlined.name.as_str(), inlined.message.as_str()), ("newPoint", ""));
        let can = at(&ds, Kind::CanInline, 12, 6);
        assert_eq!((can.name.as_str(), can.message.as_str()), ("newPoint", ""));
        // `can inline counter.func1` and, for its copy inlined into main,
        // `can inline main.counter.func2`, both at 17:9: the first is kept.
        assert_eq!(M.matches("./main.go:17:9: can inline").count(), 2);
        assert_eq!(at(&ds, Kind::CanInline, 17, 9).name, "counter.func1");
        assert_eq!(ds.iter().filter(|d| d.kind == Kind::CanInline && (d.line, d.col) == (17, 9)).count(), 1);
        // `-m` does not say which functions cannot be inlined (`-m=2` does).
        assert!(ds.iter().all(|d| d.kind != Kind::CannotInline));
        assert!(find(&ds, Kind::MovedToHeap, 35, 2).is_none());
    }

    #[test]
    fn no_inlining_known_sites() {
        let ds = parsed(M_L);
        assert_eq!(at(&ds, Kind::MovedToHeap, 35, 2).message, "moved to heap: v");
        assert!(find(&parsed(M), Kind::MovedToHeap, 35, 2).is_none());
        assert!(ds.iter().all(|d| d.kind != Kind::InlinedCall && d.kind != Kind::CanInline), "{ds:#?}");
        assert_eq!(at(&ds, Kind::MovedToHeap, 16, 2).message, "moved to heap: n");
        assert_eq!(at(&ds, Kind::HeapEscape, 12, 33).message, "&point{...} escapes to heap");
        assert_eq!(at(&ds, Kind::LeakingParam, 21, 26).message, "leaking param: p");
        // Not inlined, the results of `next()` and `sum(buf)` are named by their calls.
        assert_eq!(at(&ds, Kind::HeapEscape, 39, 45).message, "sum(buf) escapes to heap");
    }

    #[test]
    fn m2_adds_costs_and_reasons_and_nothing_from_explanations() {
        let ds = parsed(M2);
        // The flow explanations say `n escapes to heap in counter:` at 16:2, etc.: ignored, so
        // the escapes are exactly `-m`'s.
        assert!(M2.contains("./main.go:16:2: n escapes to heap in counter:"));
        assert_eq!(escape_sites(&ds), escape_sites(&parsed(M)));
        assert!(find(&ds, Kind::HeapEscape, 16, 2).is_none());
        let can = at(&ds, Kind::CanInline, 12, 6);
        assert_eq!((can.name.as_str(), can.message.as_str()), ("newPoint", "cost: 7"));
        let main = at(&ds, Kind::CannotInline, 32, 6);
        assert_eq!(main.name, "main");
        assert!(main.message.contains("cost"), "{main:?}");
        assert_eq!(main.message, "function too complex: cost 248 exceeds budget 80");
        assert_eq!(at(&ds, Kind::InlinedCall, 33, 15).name, "newPoint");
        // Same sites as -m, plus main's CannotInline.
        let sites = |ds: &[Diagnostic]| ds.iter().map(|d| (d.kind, d.line, d.col)).collect::<Vec<_>>();
        let mut with_main = sites(&parsed(M));
        with_main.push((Kind::CannotInline, 32, 6));
        with_main.sort_by_key(|&(k, l, c)| (l, c, k));
        assert_eq!(sites(&ds), with_main);
    }

    #[test]
    fn skips_lines_outside_the_module() {
        for text in [M, M_L, M2] {
            assert!(parsed(text).iter().all(|d| d.file == "main.go"));
        }
        assert!(M.contains("/usr/local/go/src/sync/atomic/type.go:58:6: can inline"));
        // GOROOT's generic instantiation would put CanInline at 58:6 and 61:6.
        assert!(parsed(M).iter().all(|d| d.line < 58));
        // Another module root: nothing.
        let root = Path::new(MODULE_ROOT);
        assert!(parse(M, root, &code("fixture.test/hello", "/work/main/tests/fixtures/hello")).is_empty());
    }

    #[test]
    fn trimpath_output_is_the_same() {
        assert!(M_TRIM.contains("\nfixture.test/escapes/main.go:12:33: &point{...} escapes to heap\n"));
        assert!(M_TRIM.contains("\nsync/atomic/type.go:58:6: can inline"));
        assert_eq!(parsed(M_TRIM), parsed(M));
    }

    #[test]
    fn module_cache_trimpath_snapshot() {
        insta::assert_json_snapshot!("text_m_modcache_trimpath", parsed_modcache(M_MODCACHE_TRIM));
    }

    /// `-trimpath`'s `example.com/tool@v1.0.0/x.go` and the plain `../modcache/example.com/
    /// tool@v1.0.0/x.go` (relative to go's working directory) are the same files.
    #[test]
    fn module_cache_trimpath_output_is_the_same() {
        assert!(
            M_MODCACHE_TRIM
                .contains("\nexample.com/tool@v1.0.0/internal/shape/shape.go:10:35: &Rect{...} escapes to heap\n")
        );
        assert!(M_MODCACHE.contains("\n../modcache/example.com/tool@v1.0.0/internal/shape/shape.go:10:35: &Rect{...}"));
        let ds = parsed_modcache(M_MODCACHE_TRIM);
        assert_eq!(ds, parsed_modcache(M_MODCACHE));
        // Only the tool module's files: not example.com/lib's generic, not GOROOT's.
        assert!(M_MODCACHE_TRIM.contains("\nexample.com/lib@v1.0.0/lib.go:9:3: moved to heap: lib.v\n"));
        let own = ["cmd/tool/main.go", "cmd/tool/context.go", "internal/shape/shape.go"];
        assert!(ds.iter().all(|d| own.contains(&d.file.as_str())), "{ds:#?}");
        assert_eq!(at(&ds, Kind::HeapEscape, 10, 35).file, "internal/shape/shape.go");
        assert_eq!(at(&ds, Kind::MovedToHeap, 16, 23).message, "moved to heap: lib.v");
        assert_eq!(at(&ds, Kind::InlinedCall, 16, 23).name, "lib.Pointers[go.shape.string]");
        assert_eq!(at(&ds, Kind::InlinedCall, 18, 32).name, "shape.(*Rect).Area");
        assert_eq!(at(&ds, Kind::HeapEscape, 15, 74).file, "cmd/tool/context.go");
        assert_eq!(ds.iter().filter(|d| d.kind.is_heap()).count(), 7);
        // Which of the module's files each package's lines name.
        let printed = parse_printed(M_MODCACHE, Path::new("/tmp/gostart-capture/consumer"), &tool());
        let files = |fs: &[&str]| fs.iter().map(|f| f.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(
            printed.files,
            BTreeMap::from([
                ("example.com/tool/cmd/tool".to_owned(), files(&["cmd/tool/context.go", "cmd/tool/main.go"])),
                ("example.com/tool/internal/shape".to_owned(), files(&["internal/shape/shape.go"])),
            ])
        );
        assert_eq!(printed.diagnostics, ds);
        // Without the version (as before), the trimmed names are taken for paths under go's
        // working directory, and nothing is the module's.
        let unversioned = Code { version: String::new(), ..tool() };
        assert!(parse(M_MODCACHE_TRIM, Path::new("/tmp/gostart-capture/consumer"), &unversioned).is_empty());
    }

    #[test]
    fn path_forms() {
        let root = Path::new("/src/app");
        let app = code("example.com/app", "/src/app");
        let one = |cwd: &str, line: &str| {
            let ds = parse(line, Path::new(cwd), &app);
            ds.into_iter().map(|d| (d.file, d.line, d.col)).next()
        };
        let want = |f: &str| Some((f.to_owned(), 3, 7));
        assert_eq!(one("/src/app", "./main.go:3:7: x escapes to heap"), want("main.go"));
        assert_eq!(one("/src/app", "cmd/tool/x.go:3:7: x escapes to heap"), want("cmd/tool/x.go"));
        assert_eq!(one("/src/app/cmd/tool", "./x.go:3:7: x escapes to heap"), want("cmd/tool/x.go"));
        assert_eq!(one("/src/app/cmd/tool", "../../internal/y.go:3:7: x escapes to heap"), want("internal/y.go"));
        assert_eq!(one("/src", "app/x.go:3:7: x escapes to heap"), want("x.go"));
        assert_eq!(one("/elsewhere", "/src/app/internal/y.go:3:7: x escapes to heap"), want("internal/y.go"));
        assert_eq!(one("/src/app", "example.com/app/internal/y.go:3:7: x escapes to heap"), want("internal/y.go"));
        // Outside: a sibling, GOROOT, the module cache, a sibling sharing the root's prefix.
        for (cwd, line) in [
            ("/src/app", "../lib/z.go:3:7: x escapes to heap"),
            ("/src/app", "/usr/local/go/src/fmt/print.go:3:7: x escapes to heap"),
            ("/src/app", "/root/go/pkg/mod/golang.org/x/text@v0.1.0/a.go:3:7: x escapes to heap"),
            ("/src/app", "/src/application/a.go:3:7: x escapes to heap"),
        ] {
            let ds = parse(line, Path::new(cwd), &app);
            assert!(ds.iter().all(|d| d.line != 3), "{line}: {ds:?}");
        }
        // Mixed with a ./ path (never printed under -trimpath), `example.com/app/` is a
        // directory under go's working directory, not the module path.
        let mixed = "./main.go:1:1: can inline f\nexample.com/app/a.go:3:7: x escapes to heap";
        let files: Vec<_> = parse(mixed, root, &app).into_iter().map(|d| d.file).collect();
        assert_eq!(files, ["example.com/app/a.go", "main.go"]);
    }

    #[test]
    fn message_forms() {
        let kinds = |line: &str| {
            let root = Path::new("/m");
            parse(&format!("./a.go:1:2: {line}"), root, &code("m", "/m"))
                .into_iter()
                .map(|d| (d.kind, d.name, d.message))
                .next()
        };
        let k = |kind, name: &str, message: &str| Some((kind, name.to_owned(), message.to_owned()));
        assert_eq!(kinds("append escapes to heap"), k(Kind::HeapEscape, "", "append escapes to heap"));
        assert_eq!(kinds("leaking param content: s"), k(Kind::LeakingParam, "", "leaking param content: s"));
        let to_result = "leaking param: p to result ~r0 level=0";
        assert_eq!(kinds(to_result), k(Kind::LeakingParam, "", to_result));
        assert_eq!(
            kinds("can inline (*T).String with cost 12 as: method(*T) func() string { return t.s }"),
            k(Kind::CanInline, "(*T).String", "cost: 12")
        );
        assert_eq!(kinds("can inline (*T).String"), k(Kind::CanInline, "(*T).String", ""));
        assert_eq!(
            kinds("inlining call to strings.Clone with score 40"),
            k(Kind::InlinedCall, "strings.Clone", "score: 40")
        );
        assert_eq!(kinds("cannot inline walk: recursive"), k(Kind::CannotInline, "walk", "recursive"));
        assert_eq!(
            kinds("cannot inline f into g: repeated recursive cycle"),
            k(Kind::CannotInlineCall, "f", "repeated recursive cycle")
        );
        for skipped in [
            "xs does not escape",
            "make([]int, 8) does not escape",
            "counter capturing by ref: n (addr=false assign=true width=8)",
            "&point{...} escapes to heap in newPoint:",
            "parameter p leaks to {heap} for apply with derefs=0:",
            "  flow: ~r0 ← &{storage for &point{...}}:",
            "    from &point{...} (spill) at ./main.go:12:33",
            "removed nil check",
        ] {
            assert_eq!(kinds(skipped), None, "{skipped}");
        }
        let root = Path::new("/m");
        for not_a_diagnostic in ["# fixture.test/escapes", "main.go:3: no column", "  ./a.go:1:2: indented", ""] {
            assert!(parse(not_a_diagnostic, root, &code("m", "/m")).is_empty(), "{not_a_diagnostic}");
        }
    }

    #[test]
    fn windows_drive_colon() {
        let l = split_position(r"C:\src\app\main.go:12:33: &point{...} escapes to heap").unwrap();
        assert_eq!((l.path, l.line, l.col, l.message), (r"C:\src\app\main.go", 12, 33, "&point{...} escapes to heap"));
    }
}
