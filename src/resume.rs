//! `tune --resume`: whether a saved run can be continued with the settings in force now, and
//! its binaries, checked against the SHA-256 recorded when they were built.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::inspect::size::{self, Size};
use crate::progress::Reporter;
use crate::results::{Run, Status};
use crate::tune::{Prepared, binary_path};

/// A binary's size (and ELF sections) and its SHA-256 in lowercase hex, from one read.
pub fn inspect(binary: &Path) -> Result<(Size, String)> {
    let data = std::fs::read(binary).with_context(|| format!("cannot read the binary {}", binary.display()))?;
    let size = Size { bytes: data.len() as u64, sections: size::sections(&data) };
    Ok((size, hex(&Sha256::digest(&data))))
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `run` can be continued now: not complete, its binaries' hashes recorded, and the
/// same Go, target, matrix and `[measure]` settings as when it started. The error lists every
/// difference.
pub fn check(run: &Run, config: &Config, p: &Prepared) -> Result<()> {
    if run.search.as_ref().is_some_and(|s| s.strategy == crate::search::Strategy::Screen) {
        bail!(
            "it was screened (a design stage, then a confirmation stage), and a screened run cannot be resumed; \
             `gostart report {}` shows what it measured, `gostart tune` starts a new run",
            run.run_id
        );
    }
    if run.shard != config.shard {
        let as_run = run.shard.map_or_else(|| "without --shard".to_owned(), |s| format!("with --shard {s}"));
        bail!(
            "it measured {}: resume it {as_run}",
            run.shard.map_or_else(|| "the whole matrix".to_owned(), |s| format!("shard {s}"))
        );
    }
    if run.status == Status::Complete {
        bail!(
            "it is complete ({} of {} timed rounds); `gostart report {}` shows it, `gostart tune` starts a new run",
            run.rounds.done,
            run.rounds.planned,
            run.run_id
        );
    }
    let unhashed: std::collections::BTreeSet<&str> = run
        .configs
        .iter()
        .filter(|c| c.build.ok && !run.binaries.contains_key(&c.build_id))
        .map(|c| c.build_id.as_str())
        .collect();
    if !unhashed.is_empty() {
        bail!(
            "it records no SHA-256 of its binaries ({}; saved by gostart {}), so they cannot be checked \
             before they are measured again; start a new run with `gostart tune`",
            unhashed.into_iter().collect::<Vec<_>>().join(", "),
            run.gostart_version
        );
    }

    let mut differ = Vec::new();
    let go_now = p.go_env.get("GOVERSION").map(String::as_str).unwrap_or("");
    if go_now != run.go_version {
        differ.push(format!("Go: the run used {}, `{}` is {go_now}", run.go_version, p.go.program.display()));
    }
    let t = &run.target;
    if t.package != p.workspace.package || t.import_path != p.workspace.import_path {
        differ.push(format!(
            "target: the run tuned {} ({}), now {} ({})",
            t.import_path, t.package, p.workspace.import_path, p.workspace.package
        ));
    }
    if t.args != config.target.args {
        differ.push(format!("[target] args: the run had {:?}, now {:?}", t.args, config.target.args));
    }
    if t.env != config.target.env {
        differ.push(format!("[target] env: the run had {:?}, now {:?}", t.env, config.target.env));
    }
    if t.expect_exit != config.target.expect_exit {
        differ.push(format!("[target] expect_exit: the run had {}, now {}", t.expect_exit, config.target.expect_exit));
    }
    differ.extend(matrix_differences(run, p));
    differ.extend(measure_differences(run, config));
    if !differ.is_empty() {
        bail!(
            "its settings differ from those in force now:\n  - {}\nresume with the settings the run started with, or \
             start a new run with `gostart tune`",
            differ.join("\n  - ")
        );
    }
    Ok(())
}

/// The configurations (name, id, build) and baseline of the run against the matrix now.
fn matrix_differences(run: &Run, p: &Prepared) -> Vec<String> {
    let saved: Vec<(&str, &str, &str)> =
        run.configs.iter().map(|c| (c.name.as_str(), c.id.as_str(), c.build_id.as_str())).collect();
    let now: Vec<(&str, &str, &str)> =
        p.expanded.configs.iter().map(|c| (c.name.as_str(), c.id.as_str(), c.build_id.as_str())).collect();
    let mut differ = Vec::new();
    if saved != now {
        let names = |list: &[(&str, &str, &str)], other: &[(&str, &str, &str)]| {
            list.iter().filter(|c| !other.contains(c)).map(|c| format!("`{}` ({})", c.0, c.1)).collect::<Vec<_>>()
        };
        let (gone, new) = (names(&saved, &now), names(&now, &saved));
        differ.push(match (gone.is_empty(), new.is_empty()) {
            (true, true) => "matrix: the same configurations in another order".to_owned(),
            _ => format!(
                "matrix: only in the run: {}; only now: {}",
                if gone.is_empty() { "none".to_owned() } else { gone.join(", ") },
                if new.is_empty() { "none".to_owned() } else { new.join(", ") }
            ),
        });
    }
    if run.baseline != p.expanded.baseline {
        differ.push(format!("baseline: the run's is `{}`, now `{}`", run.baseline, p.expanded.baseline));
    }
    differ
}

/// `[measure]` settings given on the command line that differ from the run's: a resumed run
/// keeps the schedule it started with, so they cannot take effect.
fn measure_differences(run: &Run, config: &Config) -> Vec<String> {
    let (Ok(saved), Ok(now)) = (serde_json::to_value(&run.measure), serde_json::to_value(&config.measure)) else {
        return Vec::new();
    };
    let (Some(saved), Some(now)) = (saved.as_object(), now.as_object()) else { return Vec::new() };
    now.iter()
        .filter(|(key, value)| {
            config.provenance.get(&format!("measure.{key}")).is_some_and(|s| s == "cli")
                && saved.get(*key) != Some(value)
        })
        .map(|(key, value)| {
            let flag =
                if key == "inittrace" { "--no-inittrace".to_owned() } else { format!("--{}", key.replace('_', "-")) };
            let old = saved.get(key).map_or("nothing".to_owned(), |v| v.to_string());
            format!("{flag}: the run has {old}, the command line says {value}")
        })
        .collect()
}

/// The binaries of configs still to be measured that are not as built: build id → why (missing,
/// changed, unreadable). A config whose probe already failed keeps its failure and needs none.
pub fn stale_binaries(run: &Run, run_dir: &Path, bin_name: &str) -> BTreeMap<String, String> {
    let mut stale = BTreeMap::new();
    for c in run.configs.iter().filter(|c| c.build.ok && c.probe_failure.is_none()) {
        if stale.contains_key(&c.build_id) {
            continue;
        }
        let Some(recorded) = run.binaries.get(&c.build_id) else { continue };
        let path = binary_path(run_dir, &c.build_id, bin_name);
        let why = match sha256_file(&path) {
            Ok(hash) if hash == recorded.sha256 => continue,
            Ok(_) => "has changed since it was built".to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "is missing".to_owned(),
            Err(e) => format!("cannot be read ({e})"),
        };
        stale.insert(c.build_id.clone(), why);
    }
    stale
}

/// Builds the `stale` binaries again; each must come out as recorded, bit for bit, or the
/// samples so far would describe another program.
pub fn rebuild(
    p: &Prepared,
    run: &Run,
    run_dir: &Path,
    stale: &BTreeMap<String, String>,
    jobs: usize,
    reporter: &dyn Reporter,
) -> Result<()> {
    let specs: Vec<_> = p.expanded.configs.iter().filter(|c| stale.contains_key(&c.build_id)).cloned().collect();
    let plan = crate::build::plan(&specs, run_dir, &p.workspace.bin_name);
    for job in &plan {
        if job.output.is_dir() {
            bail!(
                "a folder is where the binary {} should be; remove it and resume again, or start a new run",
                job.output.display()
            );
        }
        // go will not overwrite a file that is not a binary; this one is not the one built anyway.
        match std::fs::remove_file(&job.output) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", job.output.display())),
        }
    }
    let outcomes = crate::build::run(&p.go, &run.go_version, &plan, &p.workspace.package, jobs, reporter)?;
    for job in &plan {
        let why = stale.get(&job.build_id).map_or("", String::as_str);
        let who = format!("{} ({})", job.configs.join(", "), job.output.display());
        let outcome = outcomes.get(&job.build_id).cloned().unwrap_or_default();
        if !outcome.ok {
            bail!("the binary of {who} {why}, and building it again failed:\n{}", outcome.error.unwrap_or_default());
        }
        let recorded = run.binaries.get(&job.build_id).map_or("", |b| b.sha256.as_str());
        let (_, hash) = inspect(&job.output)?;
        if hash != recorded {
            bail!(
                "the binary of {who} {why}; built again it differs from the one measured (SHA-256 {hash}, \
                 recorded {recorded}): the source or the toolchain changed since, and the samples so far would \
                 not describe it. Start a new run with `gostart tune`"
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_in_lowercase_hex() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "abc").unwrap();
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_file(&path).unwrap(), abc);
        let (size, hash) = inspect(&path).unwrap();
        assert_eq!((size.bytes, hash.as_str()), (3, abc));
        assert!(size.sections.is_empty());
    }
}
