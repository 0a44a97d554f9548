//! The `go` calls that ask rather than build — `go env`, `go list`, `go version -m` — each
//! within the query limit, stopped on Ctrl-C, and what they print checked before it is
//! believed: output go would not print is an error that names the command and shows it.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};

use crate::flags::Flags;

use super::{DepPackage, Go, Package, QUERY_TIMEOUT_VAR, buildinfo, check_package, child, list, operand};

/// How much of unexpected output an error shows.
const SHOWN_BYTES: usize = 200;

fn words(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// The first bytes of `printed` (of `total`), escaped so no control character reaches the
/// terminal: `"abc\x1b[0m"`, `"..." ... (the first 200 of 9000 bytes)`, or `nothing`.
fn shown(printed: &[u8], total: usize) -> String {
    if total == 0 {
        return "nothing".to_owned();
    }
    let head = &printed[..printed.len().min(SHOWN_BYTES)];
    let more =
        if total > head.len() { format!(" ... (the first {} of {total} bytes)", head.len()) } else { String::new() };
    format!("\"{}\"{more}", head.escape_ascii())
}

/// go's own message for the terminal: text as it is, but control characters other than
/// newline and tab escaped.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' && c != '\t' { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

impl Go {
    /// An error for output go should not have printed: the command, what was wrong, and the
    /// first bytes of what it printed.
    fn garbled(&self, args: &[String], what: &str, printed: &[u8], total: usize) -> anyhow::Error {
        anyhow::anyhow!(
            "`{}` printed {what}; is `{}` a working go command? It printed: {}",
            self.shown_command(args),
            self.program.display(),
            shown(printed, total)
        )
    }

    /// Runs `go ARGS` within the query limit and returns what it printed on stdout, as text;
    /// a failure carries go's stderr.
    fn output(&self, args: &[String]) -> Result<String> {
        self.output_with_env(args, &BTreeMap::new())
    }

    /// `output`, with `env` added to go's environment (a config's build settings).
    fn output_with_env(&self, args: &[String], env: &BTreeMap<String, String>) -> Result<String> {
        let mut expr = self.cmd(args);
        for (k, v) in env {
            expr = expr.env(k, v);
        }
        let done =
            child::run(expr, Some(self.query_timeout), child::QUERY_OUTPUT).map_err(|e| self.explain_spawn_error(e))?;
        let out = done.stdout;
        let status = match done.ended {
            child::Ended::Exited(status) => status,
            child::Ended::Flooded => {
                let (what, printed) = if out.total > out.bytes.len() {
                    ("more output than any go command prints, and was stopped", &out)
                } else {
                    ("more on stderr than any go command prints, and was stopped", &done.stderr)
                };
                return Err(self.garbled(args, what, &printed.bytes, printed.total));
            }
            child::Ended::Interrupted => return Err(crate::interrupt::Interrupted::default().into()),
            child::Ended::TimedOut(_) => bail!(
                "`{}` did not finish within {} and was stopped, with every process it started. Is `{}` a \
                 working go command? If it is only slow (e.g. downloading a toolchain), let it take longer \
                 with {QUERY_TIMEOUT_VAR}=10m",
                self.shown_command(args),
                humantime::format_duration(self.query_timeout),
                self.program.display()
            ),
        };
        if !status.success() {
            bail!(
                "`{}` in {} failed ({status}):\n{}",
                self.shown_command(args),
                self.dir.display(),
                printable(String::from_utf8_lossy(&done.stderr.bytes).trim_end())
            );
        }
        String::from_utf8(out.bytes).map_err(|e| {
            let bytes = e.into_bytes();
            self.garbled(args, "output that is not UTF-8 text", &bytes, bytes.len())
        })
    }

    /// The build settings recorded in a binary (`go version -m`).
    pub fn build_info(&self, binary: &Path) -> Result<buildinfo::BuildInfo> {
        let args = words(&["version", "-m", &operand::path(binary).display().to_string()]);
        let text = self.output(&args)?;
        buildinfo::parse(&text).ok_or_else(|| {
            self.garbled(&args, "no `PATH: goVERSION` line first, as `go version -m` does", text.as_bytes(), text.len())
        })
    }

    /// `go env -json`: the toolchain's settings as go resolves them in this directory.
    pub fn env(&self) -> Result<BTreeMap<String, String>> {
        let args = words(&["env", "-json"]);
        let text = self.output(&args)?;
        let env: BTreeMap<String, String> = serde_json::from_str(&text).map_err(|e| {
            self.garbled(&args, &format!("what is not a JSON object of strings ({e})"), text.as_bytes(), text.len())
        })?;
        // What every go since 1.16 reports: `go1.26.8`, or `devel go1.27-...` for a build from source.
        if let Some(v) = env.get("GOVERSION").filter(|v| !v.starts_with("go") && !v.starts_with("devel")) {
            let what = format!("GOVERSION `{}`, which is not a Go version", v.escape_debug());
            return Err(self.garbled(&args, &what, text.as_bytes(), text.len()));
        }
        Ok(env)
    }

    /// The packages a pattern names, as `go list` resolves them.
    pub fn list(&self, pattern: &str) -> Result<Vec<Package>> {
        check_package(pattern).map_err(|why| anyhow::anyhow!("cannot list packages: {why}"))?;
        let args = words(&["list", "-e", "-json=ImportPath,Name,Dir,Module,Error", pattern]);
        let text = self.output(&args)?;
        list::parse(&text).map_err(|e| {
            let what = format!("what is not a stream of package objects ({})", e.root_cause());
            self.garbled(&args, &what, text.as_bytes(), text.len())
        })
    }
}

impl Go {
    /// The argv (after `go`) of `deps`: only the flags that change which files, and so which
    /// imports, go picks (`-tags`, `-buildmode`); every value inside its flag's word.
    fn deps_argv(flags: &Flags, package: &str) -> Vec<String> {
        let mut argv = words(&["list", "-deps", "-json=ImportPath,Imports,DepOnly,Module"]);
        if !flags.tags.is_empty() {
            argv.push(format!("-tags={}", flags.tags.join(",")));
        }
        if flags.buildmode != "exe" && !flags.buildmode.is_empty() {
            argv.push(format!("-buildmode={}", flags.buildmode));
        }
        argv.push(package.to_owned());
        argv
    }

    /// The import graph of `package` as a config with `flags` builds it: `go list -deps -json`
    /// with the config's build environment (GOOS, GOARCH, CGO_ENABLED, GOFLAGS...) and tags.
    pub fn deps(&self, flags: &Flags, package: &str) -> Result<Vec<DepPackage>> {
        check_package(package).map_err(|why| anyhow::anyhow!("cannot list the imports: {why}"))?;
        let args = Self::deps_argv(flags, package);
        let text = self.output_with_env(&args, &flags.env)?;
        list::parse_deps(&text).map_err(|e| {
            let what = format!("what is not a stream of package objects ({})", e.root_cause());
            self.garbled(&args, &what, text.as_bytes(), text.len())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::go::testing::fake_go;

    #[test]
    fn deps_argv_keeps_the_graph_flags_inside_their_words() {
        let flags = Flags {
            tags: vec!["netgo".into(), "osusergo".into()],
            buildmode: "pie".into(),
            ldflags: "-s -w".into(),
            ..Flags::default()
        };
        assert_eq!(
            Go::deps_argv(&flags, "./cmd/app"),
            [
                "list",
                "-deps",
                "-json=ImportPath,Imports,DepOnly,Module",
                "-tags=netgo,osusergo",
                "-buildmode=pie",
                "./cmd/app"
            ]
        );
        let (dir, go) = fake_go("touch \"$(dirname \"$0\")/ran\"");
        let err = go.deps(&flags, "-toolexec=x").unwrap_err().to_string();
        assert!(err.starts_with("cannot list the imports: `-toolexec=x` starts with `-`"), "{err}");
        assert!(!dir.path().join("ran").exists(), "go was run");
    }

    #[test]
    fn deps_lists_the_graph_the_config_s_build_environment_selects() {
        // The real go on a fixture: GOOS picks other files of the standard library.
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/heavyinit");
        let go = Go::new(Path::new("go"), &fixture).unwrap();
        let paths = |flags: &Flags| -> Vec<String> {
            go.deps(flags, ".").unwrap().into_iter().map(|p| p.import_path).collect()
        };
        let linux = paths(&Flags { env: [("GOOS".to_owned(), "linux".to_owned())].into(), ..Flags::default() });
        let windows = paths(&Flags { env: [("GOOS".to_owned(), "windows".to_owned())].into(), ..Flags::default() });
        assert!(!linux.iter().any(|p| p == "internal/syscall/windows"), "{linux:?}");
        assert!(windows.iter().any(|p| p == "internal/syscall/windows"), "{windows:?}");
        assert_eq!(linux.last().map(String::as_str), Some("fixture.test/heavyinit"));
    }

    #[test]
    fn go_messages_reach_the_terminal_with_control_characters_escaped() {
        assert_eq!(printable("a\x1b[0m\tb\n"), "a\\u{1b}[0m\tb\n");
        assert_eq!(shown(b"", 0), "nothing");
        assert_eq!(shown(&[b'x'; 300], 300), format!("\"{}\" ... (the first 200 of 300 bytes)", "x".repeat(200)));
    }

    #[test]
    fn a_relative_binary_path_reaches_go_version_behind_dot_slash() {
        let (_dir, go) = fake_go("printf '%s\\n' \"$@\" >&2; exit 1");
        let err = go.build_info(Path::new("-toolexec=x")).unwrap_err().to_string();
        assert!(err.contains("failed (exit status: 1):\nversion\n-m\n./-toolexec=x"), "{err}");
    }

    #[test]
    fn a_go_that_prints_garbage_is_named_with_what_it_printed_escaped() {
        let (dir, go) = fake_go("printf 'hello \\033[31mworld\\n'");
        let program = dir.path().join("go").display().to_string();
        let err = go.env().unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("`{program} env -json` printed what is not a JSON object of strings")),
            "{err}"
        );
        assert!(err.contains(&format!("is `{program}` a working go command?")), "{err}");
        assert!(err.ends_with("It printed: \"hello \\x1b[31mworld\\n\""), "{err}");
        assert!(!err.contains('\x1b'), "a raw escape reached the message: {err}");

        let err = go.list("./...").unwrap_err().to_string();
        assert!(err.contains("list -e -json=ImportPath,Name,Dir,Module,Error ./...` printed what is not a stream of package objects (expected value at line 1 column 1)"), "{err}");
        let err = go.build_info(Path::new("/bin/x")).unwrap_err().to_string();
        assert!(err.contains("version -m /bin/x` printed no `PATH: goVERSION` line first"), "{err}");
    }

    #[test]
    fn a_go_version_that_is_not_one_and_output_that_is_not_text_are_refused() {
        let (_dir, go) = fake_go("echo '{\"GOVERSION\": \"banana\"}'");
        let err = go.env().unwrap_err().to_string();
        assert!(err.contains("printed GOVERSION `banana`, which is not a Go version"), "{err}");
        let (_dir, go) = fake_go("printf '\\377\\376'");
        let err = go.env().unwrap_err().to_string();
        assert!(err.contains("printed output that is not UTF-8 text") && err.ends_with("\"\\xff\\xfe\""), "{err}");
        let (_dir, go) = fake_go("exit 0");
        let err = go.env().unwrap_err().to_string();
        assert!(err.ends_with("It printed: nothing"), "{err}");
    }

    #[test]
    fn a_go_that_floods_its_output_is_cut_off_not_kept() {
        // A go that would print without end is stopped once it passes the bound, long before
        // its deadline (an hour).
        let (_dir, go) = fake_go("exec yes");
        let go = Go { query_timeout: Duration::from_secs(3600), ..go };
        let err = go.env().unwrap_err().to_string();
        assert!(err.contains("env -json` printed more output than any go command prints, and was stopped"), "{err}");
        assert!(err.contains("It printed: \"y\\ny\\n"), "{err}");
        assert!(err.contains("(the first 200 of "), "{err}");
    }

    #[test]
    fn a_go_that_never_answers_is_stopped_with_what_it_started() {
        // The script's own child (`sleep`) shares its process group: both must be gone.
        let (dir, go) = fake_go("sleep 300 & echo $! > \"$(dirname \"$0\")/pid\"; wait");
        let go = Go { query_timeout: Duration::from_millis(300), ..go };
        let err = go.env().unwrap_err().to_string();
        let program = dir.path().join("go").display().to_string();
        assert!(
            err.starts_with(&format!("`{program} env -json` did not finish within 300ms and was stopped")),
            "{err}"
        );
        assert!(err.contains("GOSTART_GO_TIMEOUT=10m"), "{err}");
        let pid = std::fs::read_to_string(dir.path().join("pid")).unwrap();
        // Killed and reaped by init; a zombie has no cmdline.
        let alive = || std::fs::read(format!("/proc/{}/cmdline", pid.trim())).is_ok_and(|c| !c.is_empty());
        let mut waited = 0;
        while alive() && waited < 100 {
            std::thread::sleep(Duration::from_millis(50));
            waited += 1;
        }
        assert!(!alive(), "the `sleep` go started outlived the timeout");
    }
}
