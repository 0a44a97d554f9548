//! What the results targets share: a results.json, however crafted, read the way
//! `gostart report` and `gostart compare` read it, then rendered in every format.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::ValueEnum;
use gostart::cli::compare;
use gostart::config::{self, Overrides};
use gostart::export::{self, Format, Style};
use gostart::flags::Flags;
use gostart::{profile, rundir};

/// `rundir::load` reads a file, so each input is written to one (this process's own).
fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| std::env::temp_dir().join(format!("gostart-fuzz-results-{}.json", std::process::id())))
}

/// Loads `bytes` as a saved results.json; if gostart accepts it, renders every export format
/// and compares the run with itself. Any panic on the way is the finding.
pub fn load_and_render(bytes: &[u8]) {
    let path = path();
    if std::fs::write(path, bytes).is_err() {
        return;
    }
    let Ok(run) = rundir::load(path) else { return };
    for format in Format::value_variants() {
        if let Ok(out) = export::serialize(&run, *format) {
            let text = String::from_utf8_lossy(&out);
            match format {
                // Data for programs, escaped by JSON's rules: those cover C0 (ESC, BEL...), not DEL or C1.
                Format::Json => assert_printable(&text.replace(|c: char| c >= '\u{7f}' && c.is_control(), ""), "json"),
                _ => assert_printable(&text, &format!("{format:?}")),
            }
        }
    }
    if let Ok(out) = export::serialize_styled(&run, Format::Table, Style::new(true, None, 120)) {
        assert_printable(&without_sgr(&String::from_utf8_lossy(&out)), "coloured table");
    }
    let comparison = compare::comparison(&run, path, &run, path);
    assert_printable(&compare::table(&comparison, 120), "compare");
    for c in &run.configs {
        profile_round_trip(&c.flags);
    }
}

/// `apply` writes a config of a run as `[profile.NAME]` (`profile::table`): read back, it must
/// be rejected (a located error) or be the same build settings, never other ones — a value
/// in results.json must not become a key of gostart.toml.
fn profile_round_trip(flags: &Flags) {
    let text = profile::snippet("fuzz", flags);
    let cli = Overrides { max_configs: 256, ..Overrides::default() };
    let Ok(read) = config::parse(&cli, Path::new("gostart.toml"), &text) else { return };
    let read = read.profiles.get("fuzz");
    // What the reader normalizes means the same to `go build`: flag values in their normal
    // form (`Flags::normalized`, as `apply` compares them), `default` is `exe`, an empty
    // variable is unset, tags are trimmed.
    let mut wanted = flags.normalized();
    if wanted.buildmode == "default" {
        wanted.buildmode = "exe".to_owned();
    }
    wanted.env.retain(|_, v| !v.is_empty());
    wanted.runenv.retain(|_, v| !v.is_empty());
    wanted.tags = wanted.tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    assert_eq!(read, Some(&wanted), "[profile] written for {flags:?} reads back differently:\n{text}");
}

/// A report shows what the run says, but no control character from it reaches the terminal
/// (ESC, BEL... rewrite the screen): each is printed escaped.
fn assert_printable(text: &str, what: &str) {
    let bad = text.chars().find(|c| c.is_control() && *c != '\n' && *c != '\t');
    assert!(bad.is_none(), "{what}: control character {bad:?} in the output:\n{text}");
}

/// `text` without the colour sequences (`ESC [ ... m`) the coloured table writes itself.
fn without_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find(|c: char| !(c.is_ascii_digit() || c == ';')) {
            Some(end) if after[end..].starts_with('m') => rest = &after[end + 1..],
            _ => {
                out.push('\x1b');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}
