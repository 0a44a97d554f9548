//! Collection: compile the target's module's own packages once per compile configuration with
//! the compiler's diagnostics on (`-json=0,DIR` and `-m`), through the toolchain driver, without
//! linking and without touching the measured binaries.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::json::JsonFile;
use super::model::{Code, Diagnostic, Kind};
use super::report::{FUNC_LITERAL, Report, declarations};
use super::{json, text};
use crate::flags::Flags;
use crate::go::Go;
use crate::target::Workspace;

/// The outcome of collecting one compile configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Collected {
    pub ok: bool,
    pub wall_ns: u64,
    pub error: Option<String>,
}

/// The `-gcflags` arguments that add diagnostics for `code_pattern` to the user's `gcflags`
/// without changing what the user's flags do. `go build` lets the last `-gcflags` whose pattern
/// matches a package win, so: the user's flag as written; then the code's packages with the
/// user's arguments (when they apply there) plus the diagnostic flags; then, when the user's
/// flag targets other packages (no pattern = the main package), those with both.
pub fn diagnostic_gcflags(user: &str, code_pattern: &str, main_import: &str, json_dir: &Path) -> Vec<String> {
    let diag = format!("-m -json=0,{}", quote_for_flags(&json_dir.display().to_string()));
    let user = user.trim();
    if user.is_empty() {
        return vec![format!("-gcflags={code_pattern}={diag}")];
    }
    // go's rule: a leading `pattern=` unless the value starts with a flag.
    let (pattern, args) = match user.split_once('=') {
        Some((p, a)) if !p.starts_with('-') && !p.contains(' ') => (Some(p), a.trim()),
        _ => (None, user),
    };
    let mut out = vec![format!("-gcflags={user}")];
    match pattern {
        Some("all") => out.push(format!("-gcflags={code_pattern}={args} {diag}")),
        Some(p) if p == code_pattern => out.push(format!("-gcflags={code_pattern}={args} {diag}")),
        other => {
            out.push(format!("-gcflags={code_pattern}={diag}"));
            out.push(format!("-gcflags={}={args} {diag}", other.unwrap_or(main_import)));
        }
    }
    out
}

/// go splits flag lists at spaces but honours quotes.
fn quote_for_flags(path: &str) -> String {
    if path.contains([' ', '\'', '"']) { format!("'{}'", path.replace('\'', "")) } else { path.to_owned() }
}

/// Compiles with diagnostics into `work_dir/<compile_id>/` and builds the report.
pub fn collect(go: &Go, ws: &Workspace, flags: &Flags, work_dir: &Path) -> Result<(Collected, Option<Report>)> {
    let compile_id = flags.compile_id();
    let json_dir = work_dir.join(&compile_id);
    // A fresh directory: go caches compiles by their flags, and a cache hit writes no JSON.
    if json_dir.exists() {
        std::fs::remove_dir_all(&json_dir).with_context(|| format!("cannot clear {}", json_dir.display()))?;
    }
    std::fs::create_dir_all(&json_dir).with_context(|| format!("cannot create {}", json_dir.display()))?;
    let gcflags = diagnostic_gcflags(&flags.gcflags, &ws.code_pattern, &ws.import_path, &json_dir);
    // Without -trimpath (`Flags::compile_part` drops it): it changes the names the compiler
    // gives files, never what it decides, but names decide which of two same-named files' logs
    // survive (see `overwritten_logs`). So configs that differ only in -trimpath share one
    // report, the very same sites.
    let (outcome, stderr) = go.compile(flags, &gcflags, &ws.package)?;
    let collected = Collected { ok: outcome.ok, wall_ns: outcome.wall_ns, error: outcome.error };
    if !collected.ok {
        return Ok((collected, None));
    }
    let code = Code { path: ws.code_path.clone(), version: ws.code_version.clone(), dir: ws.code_dir.clone() };
    let printed = text::parse_printed(&stderr, &go.dir, &code);
    let mut logs = Vec::new();
    for file in json_files(&json_dir)? {
        let content = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
        logs.push(json::parse(&content, &code).with_context(|| format!("in {}", file.display()))?);
    }
    let from_m_only = overwritten_logs(&logs, &printed.files, &ws.import_path);
    let from_json: Vec<Diagnostic> = logs.into_iter().flat_map(|f| f.diagnostics).collect();
    let (source, mut diagnostics) = if from_json.is_empty() {
        ("m", printed.diagnostics)
    } else {
        ("json+m", merge(from_json, &printed.diagnostics, &from_m_only))
    };
    let mut nested = NestedModules::default();
    diagnostics.retain(|d| !nested.contains(&ws.code_dir, &d.file));
    // Each source file read once: for function names and for the declarations sites fall in.
    let sources: BTreeMap<String, String> = diagnostics
        .iter()
        .map(|d| d.file.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(ws.code_dir.join(&f)).unwrap_or_default();
            (f, text)
        })
        .collect();
    name_functions_from_source(&mut diagnostics, &sources);
    let decls = sources.iter().map(|(f, text)| (f.clone(), declarations(text))).collect();
    let mut report = Report::new(&compile_id, source, &ws.code_path, diagnostics, &decls);
    if source != "m" {
        report.from_m_only = from_m_only.into_iter().filter(|f| !nested.contains(&ws.code_dir, f)).collect();
    }
    Ok((collected, Some(report)))
}

/// Plain `-m` names only the functions it can inline; for the others (and JSON, which names
/// none) the name is read from the source at the declaration's position.
fn name_functions_from_source(diagnostics: &mut [Diagnostic], sources: &BTreeMap<String, String>) {
    for d in
        diagnostics.iter_mut().filter(|d| matches!(d.kind, Kind::CanInline | Kind::CannotInline) && d.name.is_empty())
    {
        let line = sources.get(&d.file).and_then(|text| text.lines().nth(d.line.saturating_sub(1) as usize));
        let Some(line) = line else { continue };
        let ident: String = line
            .chars()
            .skip(d.col.saturating_sub(1) as usize)
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // A declaration's position is its name; a function literal's is the `func` keyword.
        d.name = if ident.is_empty() || ident == "func" { FUNC_LITERAL.to_owned() } else { ident };
    }
}

/// The structured diagnostics, with what only `-m` says: function names and inlined call
/// sites. (The JSON parser already tells variables moved to the heap from other escapes.) For
/// the files in `from_m_only`, `-m`'s diagnostics replace the structured ones.
fn merge(mut structured: Vec<Diagnostic>, text: &[Diagnostic], from_m_only: &BTreeSet<String>) -> Vec<Diagnostic> {
    structured.retain(|d| !from_m_only.contains(&d.file));
    structured.extend(text.iter().filter(|t| t.kind != Kind::InlinedCall && from_m_only.contains(&t.file)).cloned());
    let names: std::collections::HashMap<(Kind, &str, u32, u32), &str> = text
        .iter()
        .filter(|t| matches!(t.kind, Kind::CanInline | Kind::CannotInline))
        .map(|t| ((t.kind, t.file.as_str(), t.line, t.col), t.name.as_str()))
        .collect();
    for d in structured.iter_mut().filter(|d| d.name.is_empty()) {
        if let Some(name) = names.get(&(d.kind, d.file.as_str(), d.line, d.col)) {
            d.name = (*name).to_owned();
        }
    }
    structured.extend(text.iter().filter(|t| t.kind == Kind::InlinedCall).cloned());
    structured
}

/// The module's files whose structured log the compiler overwrote. It names each file's log
/// `DIR/<package>/<base name>.json`; when one package's log holds two files with the same base
/// name — its own `context.go` and GOROOT's `context/context.go`, whose wrappers or generic
/// code it compiles — the one whose name sorts last overwrites the other. A module file that
/// `-m` names in a package whose log for its base name is another file's is read from `-m`
/// alone.
fn overwritten_logs(
    logs: &[JsonFile],
    printed: &BTreeMap<String, BTreeSet<String>>,
    main_import: &str,
) -> BTreeSet<String> {
    // Per package: (is the module's, name) of the module's files -m names and of the files the
    // logs are for.
    let mut names: BTreeMap<&str, BTreeSet<(bool, &str)>> = BTreeMap::new();
    for (package, files) in printed {
        names.entry(package).or_default().extend(files.iter().map(|f| (true, f.as_str())));
    }
    for log in logs {
        // The compiler names the main package `main`; go's `# header` names it by import path.
        let package = if log.package == "main" { main_import } else { log.package.as_str() };
        let file = log.file.as_deref().map_or((false, log.named.as_str()), |f| (true, f));
        names.entry(package).or_default().insert(file);
    }
    let mut out = BTreeSet::new();
    for files in names.values() {
        let mut by_base: BTreeMap<&str, Vec<(bool, &str)>> = BTreeMap::new();
        for &(own, f) in files {
            by_base.entry(log_base_name(f)).or_default().push((own, f));
        }
        let overwritten = by_base.values().filter(|group| group.len() > 1).flatten();
        out.extend(overwritten.filter(|(own, _)| *own).map(|(_, f)| f.to_string()));
    }
    out
}

/// The name the compiler gives a file's log (`writerForLSP` in cmd/compile/internal/logopt):
/// the base name up to its last `.go`.
fn log_base_name(file: &str) -> &str {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    base.rfind(".go").map_or(base, |i| &base[..i])
}

/// Files under the module root that belong to other modules: `vendor/` (vendored
/// dependencies) and directories with a `go.mod` of their own below the root (nested modules,
/// e.g. a workspace's). Without `-trimpath` their files are named by paths under the root; with
/// it, by their own module's name: leaving them out keeps the figures the same either way.
#[derive(Default)]
struct NestedModules {
    /// Directory (relative to the root) → whether it is in another module.
    dirs: std::collections::HashMap<String, bool>,
}

impl NestedModules {
    /// Whether `file` (relative to `root`, `/`-separated) is in another module.
    fn contains(&mut self, root: &Path, file: &str) -> bool {
        if file.split('/').next() == Some("vendor") {
            return true;
        }
        match file.rsplit_once('/') {
            Some((dir, _)) => self.dir_is_nested(root, dir),
            None => false,
        }
    }

    fn dir_is_nested(&mut self, root: &Path, dir: &str) -> bool {
        if let Some(&known) = self.dirs.get(dir) {
            return known;
        }
        let nested = root.join(dir).join("go.mod").is_file()
            || dir.rsplit_once('/').is_some_and(|(parent, _)| self.dir_is_nested(root, parent));
        self.dirs.insert(dir.to_owned(), nested);
        nested
    }
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))? {
            let path = entry.with_context(|| format!("cannot list {}", d.display()))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcflags_merge_keeps_the_users_meaning() {
        let dir = Path::new("/run/esc");
        let d = "-m -json=0,/run/esc";
        assert_eq!(diagnostic_gcflags("", "m/...", "m/cmd/app", dir), [format!("-gcflags=m/...={d}")]);
        // No pattern: the user's flags apply to the main package only.
        assert_eq!(
            diagnostic_gcflags("-l", "m/...", "m/cmd/app", dir),
            ["-gcflags=-l".to_owned(), format!("-gcflags=m/...={d}"), format!("-gcflags=m/cmd/app=-l {d}")]
        );
        assert_eq!(
            diagnostic_gcflags("all=-N -l", "m/...", "m/cmd/app", dir),
            ["-gcflags=all=-N -l".to_owned(), format!("-gcflags=m/...=-N -l {d}")]
        );
        assert_eq!(
            diagnostic_gcflags("m/internal/x=-B", "m/...", "m/cmd/app", dir),
            [
                "-gcflags=m/internal/x=-B".to_owned(),
                format!("-gcflags=m/...={d}"),
                format!("-gcflags=m/internal/x=-B {d}")
            ]
        );
        // `-d=...` starts with a flag: no pattern, despite the `=`.
        assert_eq!(
            diagnostic_gcflags("-d=ssa/check_bce/debug=1", "m/...", "m", dir)[2],
            format!("-gcflags=m=-d=ssa/check_bce/debug=1 {d}")
        );
        assert_eq!(quote_for_flags("/a b/c"), "'/a b/c'");
    }

    #[test]
    fn every_gcflags_word_carries_its_value_inside_it() {
        // Whatever the user's gcflags say, each word is one `-gcflags=...`: go cannot read a
        // part of the value as a flag of its own (the compiler gets the value, and refuses
        // what it does not know).
        for user in ["", "-toolexec=/tmp/x", "all=-toolexec /tmp/x", "-l -N"] {
            let words = diagnostic_gcflags(user, "m/...", "m/cmd/app", Path::new("/run/-esc"));
            assert!(words.iter().all(|w| w.starts_with("-gcflags=")), "{user}: {words:?}");
        }
    }

    /// On the module-cache captures (see json.rs): in the plain build, main's context.go lost
    /// its log to GOROOT's context/context.go, and is read from -m alone; under -trimpath it kept
    /// it, and nothing tells that GOROOT's was lost (it has no -m line) — which is why
    /// collection compiles without -trimpath.
    #[test]
    fn an_overwritten_log_is_replaced_by_m() {
        use super::super::json::tests::{
            MODCACHE, MODCACHE_GO_CWD, MODCACHE_M, MODCACHE_M_TRIM, MODCACHE_TRIM, all, tool,
        };
        let cwd = Path::new(MODCACHE_GO_CWD);
        let main = "example.com/tool/cmd/tool";
        let plain = text::parse_printed(MODCACHE_M, cwd, &tool());
        let plain_logs = all(&MODCACHE, &tool());
        let lost = overwritten_logs(&plain_logs, &plain.files, main);
        assert_eq!(lost, BTreeSet::from(["cmd/tool/context.go".to_owned()]));
        let trimmed = text::parse_printed(MODCACHE_M_TRIM, cwd, &tool());
        assert!(overwritten_logs(&all(&MODCACHE_TRIM, &tool()), &trimmed.files, main).is_empty());

        let structured: Vec<Diagnostic> = plain_logs.into_iter().flat_map(|f| f.diagnostics).collect();
        assert!(structured.iter().all(|d| d.file != "cmd/tool/context.go"));
        let merged = merge(structured, &plain.diagnostics, &lost);
        let in_context: Vec<(Kind, u32, u32)> =
            merged.iter().filter(|d| d.file == "cmd/tool/context.go").map(|d| (d.kind, d.line, d.col)).collect();
        assert_eq!(
            in_context,
            [(Kind::LeakingParam, 15, 15), (Kind::LeakingParam, 15, 36), (Kind::HeapEscape, 15, 74)]
        );
        // The other files keep their structured diagnostics (cannot-inline reasons).
        assert!(merged.iter().any(|d| d.kind == Kind::CannotInline && d.file == "internal/shape/shape.go"));
        assert_eq!(merged.iter().filter(|d| d.kind.is_heap()).count(), 7);
    }

    #[test]
    fn log_base_names_are_the_compilers() {
        assert_eq!(log_base_name("/usr/local/go/src/context/context.go"), "context");
        assert_eq!(log_base_name("cmd/tool/context.go"), "context");
        assert_eq!(log_base_name("<autogenerated>"), "<autogenerated>");
        assert_eq!(log_base_name(r"C:\src\x.go"), "x");
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn nested_modules_and_vendor_are_not_the_modules_own() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for dir in ["tools/gen", "internal/x", "sub/deep"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for go_mod in ["go.mod", "tools/go.mod"] {
            std::fs::write(root.join(go_mod), "module m\n").unwrap();
        }
        let mut nested = NestedModules::default();
        for (file, is_nested) in [
            ("main.go", false),
            ("internal/x/x.go", false),
            ("sub/deep/d.go", false),
            ("tools/t.go", true),
            ("tools/gen/g.go", true),
            ("vendor/golang.org/x/sys/unix/a.go", true),
            ("vendorless/a.go", false),
        ] {
            assert_eq!(nested.contains(root, file), is_nested, "{file}");
        }
        // Asked again, from the cache: the same.
        assert!(nested.contains(root, "tools/gen/g.go") && !nested.contains(root, "internal/x/x.go"));
    }
}
