//! `gostart apply` and `gostart tune --apply`: a run's recommended configuration written into
//! gostart.toml as `[profile.NAME]`. The file is edited in place with toml_edit, so every
//! comment, blank line and the order of its keys and tables survive; an existing
//! `[profile.NAME]` is replaced where it stands. The change is shown as a unified diff first.

mod check;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use toml_edit::{Decor, DocumentMut, Item, Table, Value};

use crate::config::{self, Overrides};
use crate::flags::Flags;
use crate::printable::printable;
use crate::results::Run;
use crate::{module_root, names, nofollow, profile, rundir};

/// The first line of the comment gostart puts above a profile it writes; a later apply
/// rewrites that line (and only that line) of the comments above the table.
const NOTE_MARK: &str = "# Written by `gostart apply`";

/// The header of a gostart.toml that `apply` creates.
const NEW_FILE_HEADER: &str = "\
# gostart.toml — created by `gostart apply`, which writes the configuration a run recommends
# as a [profile.NAME] below. `gostart build --profile NAME` builds it. `gostart init` writes a
# fuller file; every key is described in gostart.toml.example.
";

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The saved run: `last`, a run id, a run folder or a results.json file.
    #[arg(default_value = "last")]
    pub run: String,
    /// The profile to write, `[profile.PROFILE]`.
    #[arg(default_value = "tuned")]
    pub profile: String,
    /// Print the change to gostart.toml and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Edit this file instead of the project's gostart.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where runs are saved [default: .gostart in the module root].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
}

pub fn apply(base: &Overrides, a: ApplyArgs) -> Result<i32> {
    let target_dir = module_root::runs_dir(base, a.target_dir.as_deref())?;
    let run = rundir::load(&rundir::locate(&target_dir, &a.run)?)?;
    let file = match &a.config {
        Some(f) => base.dir.join(f),
        None => project_file(&base.dir, None, || module_root::ask(base))?,
    };
    apply_run(&run, &a.profile, &file, &base.dir, a.dry_run)
}

/// The gostart.toml to edit: the one read (`file`), else the one that applies in `dir`, else a
/// new one in the module root, `root()` (where gostart looks for it).
pub(super) fn project_file(dir: &Path, file: Option<&Path>, root: impl FnOnce() -> Result<PathBuf>) -> Result<PathBuf> {
    match file.map(Path::to_owned).or_else(|| config::find_file(dir)) {
        Some(f) => Ok(f),
        None => Ok(root()?.join(config::FILE_NAME)),
    }
}

/// Writes `run`'s recommendation into `file` as `[profile.NAME]`, after printing the diff on
/// stderr (paths shown relative to `dir`); with `dry_run`, only prints it. Recommending the
/// baseline writes nothing (exit 0); a run with no recommendation is an error.
///
/// The run may be someone else's: what is taken from it is checked (`check::run_values`), and
/// the edited file is read back before and after it is written (`check::edit`) — any change
/// beyond `[profile.NAME]`, or a profile that does not read back as the recommended
/// configuration, and nothing is written (or the old file is put back).
pub(super) fn apply_run(run: &Run, name: &str, file: &Path, dir: &Path, dry_run: bool) -> Result<i32> {
    names::check("profile name", name)?;
    check::run_id(run)?;
    if let Some(note) = run.incomplete() {
        eprintln!("warning: run {}: the recommendation rests on what was measured; {note}", run.run_id);
    }
    let Some(recommended) = run.verdict.recommended.as_deref() else {
        bail!(
            "run {} recommends no configuration ({}); nothing written",
            run.run_id,
            check::one_line(&run.verdict.reason)
        );
    };
    let shown_name = check::one_line(recommended);
    if recommended == run.baseline {
        eprintln!(
            "gostart: run {} recommends the baseline `{shown_name}`: nothing to apply ({})",
            run.run_id,
            check::one_line(&run.verdict.reason)
        );
        return Ok(0);
    }
    let Some(config) = run.configs.iter().find(|c| c.name == recommended) else {
        bail!("run {} recommends `{shown_name}`, which is not among its configurations", run.run_id);
    };
    check::run_values(run, &config.flags)?;
    // As gostart.toml's loader reads flag values (whitespace normalised): what reads back.
    let flags = config.flags.normalized();
    let old = match std::fs::read_to_string(file) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
    };
    // The name may hold anything a flag value holds: in a comment it is one escaped line.
    let note = format!("{NOTE_MARK}: `{shown_name}`, recommended by run {}.", run.run_id);
    let new = with_profile(old.as_deref(), name, profile_table(&flags), &note)
        .with_context(|| format!("cannot edit {}", file.display()))?;
    check::edit(old.as_deref(), &new, name, &flags, file).with_context(|| format!("{} not written", file.display()))?;
    let relative = file.strip_prefix(dir).ok().filter(|r| !r.as_os_str().is_empty());
    let shown = relative.unwrap_or(file).display().to_string();
    if old.as_deref() == Some(new.as_str()) {
        eprintln!("gostart: [profile.{name}] in {shown} is already `{shown_name}`; nothing to change");
        return Ok(0);
    }
    eprintln!("gostart: [profile.{name}] ← `{shown_name}` (recommended by run {})", run.run_id);
    eprint!("{}", printable(&diff(old.as_deref(), &new, &shown, relative.is_some())));
    let programs = check::runs_programs(&flags);
    if !programs.is_empty() {
        eprintln!(
            "gostart: warning: this profile sets {}, which make `go build` run the programs (or take the flags) they \
             name: check them if run {} is not your own",
            programs.join(", "),
            run.run_id
        );
    }
    if dry_run {
        eprintln!("gostart: --dry-run: {shown} not written");
        return Ok(0);
    }
    nofollow::replace_file(file, new.as_bytes()).with_context(|| format!("cannot write {}", file.display()))?;
    check::written(old.as_deref(), name, &flags, file)?;
    eprintln!("gostart: wrote {shown}; build it with `gostart build --profile {name}`");
    if let Some(line) = profile::run_line(&flags.runenv, &profile::program(&config.argv, &run.target.package)) {
        eprintln!("gostart: then {}: {}", profile::RUN_IT, printable(&line));
    }
    Ok(0)
}

/// The profile's keys: what differs from a plain `go build`, and the run environment if any
/// (as the verdict prints it).
pub(super) fn profile_table(flags: &Flags) -> Table {
    profile::table(flags)
}

/// A unified diff of `old` (none: a new file) → `new`, git-style `a/` `b/` for a `relative` path.
fn diff(old: Option<&str>, new: &str, path: &str, relative: bool) -> String {
    let (a, b) = if relative { (format!("a/{path}"), format!("b/{path}")) } else { (path.to_owned(), path.to_owned()) };
    let (from, to) = match old {
        Some(_) => (a, b),
        None => ("/dev/null".to_owned(), b),
    };
    similar::TextDiff::from_lines(old.unwrap_or(""), new)
        .unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string()
}

/// `old` (none: a new file) with `[profile.NAME]` holding `entries`: replaced where it stands
/// when present, otherwise added after the other profiles (at the end when there are none).
pub(super) fn with_profile(old: Option<&str>, name: &str, entries: Table, note: &str) -> Result<String> {
    let mut doc: DocumentMut = match old {
        Some(text) => text.parse().context("it is not valid TOML")?,
        None => DocumentMut::new(),
    };
    let was_empty = doc.as_table().is_empty();
    let doc_last = last_position(doc.as_table());
    let profiles = doc.as_table_mut().entry("profile").or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    match profiles {
        Item::Table(profiles) => {
            let profiles_last = last_position(profiles);
            match profiles.get_mut(name) {
                Some(Item::Table(existing)) => {
                    replace_entries(existing, entries);
                    rewrite_note(existing.decor_mut(), note);
                    return Ok(doc.to_string());
                }
                Some(Item::Value(Value::InlineTable(existing))) => {
                    replace_inline(existing, entries);
                    return Ok(doc.to_string());
                }
                Some(_) => bail!("`profile.{name}` is not a table"),
                None => {}
            }
            // A new table renders after the last profile; when that is the end of the file,
            // the comments that end the file stay above it rather than below.
            let at_end = profiles_last.is_none() || profiles_last == doc_last;
            let mut prefix = String::new();
            if old.is_none() {
                prefix.push_str(NEW_FILE_HEADER);
                prefix.push('\n');
            } else if at_end {
                let trailing = doc.trailing().as_str().unwrap_or("").to_owned();
                if !trailing.trim().is_empty() {
                    prefix.push_str(trailing.trim_end_matches('\n'));
                    prefix.push_str("\n\n");
                } else if !was_empty {
                    prefix.push('\n');
                }
                doc.set_trailing("");
            } else {
                prefix.push('\n');
            }
            prefix.push_str(note);
            prefix.push('\n');
            let mut table = entries;
            *table.decor_mut() = Decor::new(prefix, "");
            if let Some(Item::Table(profiles)) = doc.as_table_mut().get_mut("profile") {
                profiles.insert(name, Item::Table(table));
            }
        }
        Item::Value(Value::InlineTable(profiles)) => match profiles.get_mut(name) {
            // `profile = { NAME = { ... } }` stays inline.
            Some(Value::InlineTable(existing)) => replace_inline(existing, entries),
            Some(_) => bail!("`profile.{name}` is not a table"),
            None => {
                profiles.insert(name, Value::InlineTable(entries.into_inline_table()));
            }
        },
        _ => bail!("`profile` is not a table"),
    }
    Ok(doc.to_string())
}

/// An inline `NAME = { ... }` with new contents and its old surroundings.
fn replace_inline(existing: &mut toml_edit::InlineTable, entries: Table) {
    let decor = existing.decor().clone();
    *existing = entries.into_inline_table();
    *existing.decor_mut() = decor;
}

/// Updates the line gostart wrote in the comments above a profile (`NOTE_MARK`), if any.
fn rewrite_note(decor: &mut Decor, note: &str) {
    let Some(prefix) = decor.prefix().and_then(|p| p.as_str()).map(str::to_owned) else {
        return;
    };
    if !prefix.lines().any(|l| l.starts_with(NOTE_MARK)) {
        return;
    }
    let rewritten: String = prefix
        .split_inclusive('\n')
        .map(|l| if l.starts_with(NOTE_MARK) { format!("{note}\n") } else { l.to_owned() })
        .collect();
    decor.set_prefix(rewritten);
}

/// Replaces the keys of `table` with those of `entries`, keeping the table's own header, its
/// comments and place, and the comment lines above any key that stays.
fn replace_entries(table: &mut Table, entries: Table) {
    let kept: Vec<(String, Decor)> =
        table.iter().filter_map(|(k, _)| Some((k.to_owned(), table.key(k)?.leaf_decor().clone()))).collect();
    table.clear();
    table.set_implicit(false);
    for (k, v) in entries {
        table.insert(&k, v);
        let decor = kept.iter().find(|(old, _)| *old == k).map(|(_, d)| d);
        if let (Some(decor), Some(mut key)) = (decor, table.key_mut(&k)) {
            // Only the lines above the key: a comment after the old value described that value.
            *key.leaf_decor_mut() = Decor::new(decor.prefix().cloned().unwrap_or_default(), " ");
        }
    }
}

/// The largest document position of `table` and the tables below it.
fn last_position(table: &Table) -> Option<isize> {
    let mut last = table.position();
    for (_, item) in table.iter() {
        let below = match item {
            Item::Table(t) => last_position(t),
            Item::ArrayOfTables(a) => a.iter().filter_map(last_position).max(),
            _ => None,
        };
        last = last.max(below);
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped() -> Table {
        profile::table(&Flags { ldflags: "-s -w".into(), ..Flags::default() })
    }

    #[test]
    fn a_new_file_gets_a_header_and_the_profile() {
        let text = with_profile(None, "tuned", stripped(), "# Written by `gostart apply`: x.").unwrap();
        assert_eq!(
            text,
            format!("{NEW_FILE_HEADER}\n# Written by `gostart apply`: x.\n[profile.tuned]\nldflags = \"-s -w\"\n")
        );
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["profile"]["tuned"]["ldflags"].as_str(), Some("-s -w"));
    }

    #[test]
    fn an_existing_profile_is_replaced_in_place_with_its_comments() {
        let old = "\
# top
[target]
package = \".\" # trailing

# about tuned
[profile.tuned] # header comment
# the flags
ldflags = \"\" # old value
trimpath = true

# about release
[profile.release]
ldflags = \"-s -w\"
";
        let text = with_profile(Some(old), "tuned", stripped(), "# Written by `gostart apply`: x.").unwrap();
        assert_eq!(
            text,
            "\
# top
[target]
package = \".\" # trailing

# about tuned
[profile.tuned] # header comment
# the flags
ldflags = \"-s -w\"

# about release
[profile.release]
ldflags = \"-s -w\"
"
        );
    }

    #[test]
    fn a_new_profile_goes_after_the_other_profiles_and_before_later_tables() {
        let old = "[profile.release]\nldflags = \"-s -w\"\n\n[rank]\nbaseline = \"default\"\n";
        let text = with_profile(Some(old), "tuned", stripped(), "# Written by `gostart apply`: x.").unwrap();
        assert_eq!(
            text,
            "[profile.release]\nldflags = \"-s -w\"\n\n# Written by `gostart apply`: x.\n[profile.tuned]\nldflags = \"-s -w\"\n\n[rank]\nbaseline = \"default\"\n"
        );
    }

    #[test]
    fn trailing_comments_stay_above_a_profile_added_at_the_end() {
        let old = "[measure]\nruns = 3\n\n# [profile.release]\n# ldflags = \"-s -w\"\n";
        let text = with_profile(Some(old), "tuned", stripped(), "# Written by `gostart apply`: y.").unwrap();
        assert_eq!(
            text,
            "[measure]\nruns = 3\n\n# [profile.release]\n# ldflags = \"-s -w\"\n\n# Written by `gostart apply`: y.\n[profile.tuned]\nldflags = \"-s -w\"\n"
        );
    }

    #[test]
    fn a_second_apply_rewrites_only_its_own_note() {
        let first = with_profile(None, "tuned", stripped(), "# Written by `gostart apply`: one.").unwrap();
        let second = with_profile(
            Some(&first),
            "tuned",
            profile::table(&Flags { trimpath: true, ..Flags::default() }),
            "# Written by `gostart apply`: two.",
        )
        .unwrap();
        assert_eq!(
            second,
            format!("{NEW_FILE_HEADER}\n# Written by `gostart apply`: two.\n[profile.tuned]\ntrimpath = true\n")
        );
    }

    #[test]
    fn inline_profiles_stay_inline() {
        let old = "profile = { tuned = { trimpath = true }, release = {} } # mine\n";
        let text = with_profile(Some(old), "tuned", stripped(), "# n").unwrap();
        assert_eq!(text, "profile = { tuned = { ldflags = \"-s -w\" }, release = {} } # mine\n");
        assert!(with_profile(Some("profile = 3\n"), "tuned", stripped(), "# n").is_err());
        assert!(with_profile(Some("[profile\n"), "tuned", stripped(), "# n").is_err());
    }

    #[test]
    fn runenv_is_kept_in_the_profile() {
        let mut f = Flags { ldflags: "-s -w".into(), ..Flags::default() };
        f.runenv.insert("GOGC".into(), "off".into());
        assert_eq!(profile_table(&f).to_string(), "ldflags = \"-s -w\"\nrunenv = { GOGC = \"off\" }\n");
    }

    #[test]
    fn the_diff_is_unified() {
        let d = diff(Some("a = 1\nb = 2\n"), "a = 1\nb = 3\n", "gostart.toml", true);
        assert_eq!(d, "--- a/gostart.toml\n+++ b/gostart.toml\n@@ -1,2 +1,2 @@\n a = 1\n-b = 2\n+b = 3\n");
        assert!(
            diff(None, "x = 1\n", "g.toml", true).starts_with("--- /dev/null\n+++ b/g.toml\n@@ -0,0 +1 @@\n+x = 1\n")
        );
        assert!(diff(Some(""), "x = 1\n", "/m/g.toml", false).starts_with("--- /m/g.toml\n+++ /m/g.toml\n"));
    }
}
