//! One function per subcommand.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde_json::json;

use super::args::{BuildArgs, MatrixArgs, MessageFormat, MetadataArgs, ReportArgs, TuneArgs};
use super::{EXIT_SOME_FAILED, emit, load};
use crate::config::Overrides;
use crate::go::{Go, command_line};
use crate::inspect::attribution::RunBinaries;
use crate::progress::{Bars, JsonLines, Reporter};
use crate::{export, module_root, names, rundir, runlock, target, tune as pipeline};

pub fn tune(base: &Overrides, a: TuneArgs) -> Result<i32> {
    let config = load(base, &a.config, |o| {
        o.schedule = a.schedule;
        o.runs = a.runs;
        o.warmup = a.warmup;
        o.timeout = a.timeout;
        o.seed = a.seed;
        o.precision = a.precision;
        o.max_runs = a.max_runs;
        o.strategy = a.strategy;
        o.shard = a.shard;
        o.max_builds = a.max_builds.map(|n| n as usize);
        o.cold = a.cold;
        o.no_inittrace = a.no_inittrace;
        o.pin = a.pin;
        o.no_escapes = a.no_escapes;
        o.jobs = a.jobs.map(|j| j as usize);
    })?;
    if let Some(profile) = &a.apply {
        // Before the run, not after it: the name is checked where it costs nothing.
        names::check("profile name", profile)?;
    }
    let prepared = pipeline::prepare(&config, a.target_dir.as_deref())?;
    if a.dry_run {
        let (head, configs) = pipeline::dry_run(&config, &prepared)?;
        // The list is data (stdout); which strategy chose it is for the person (stderr).
        eprintln!("{head}");
        let mut text = String::new();
        for (c, argv) in configs {
            let baseline = if c.name == prepared.expanded.baseline { "  (baseline)" } else { "" };
            text.push_str(&format!("{}  {}{baseline}\n", c.id, c.name));
            text.push_str(&format!("  build: {}\n", command_line(&c.flags.env, &argv)));
            if !c.flags.runenv.is_empty() {
                let runenv: Vec<String> = c.flags.runenv.iter().map(|(k, v)| format!("{k}={v}")).collect();
                text.push_str(&format!("  run env: {}\n", runenv.join(" ")));
            }
        }
        emit(text.as_bytes(), None, &config.dir)?;
        return Ok(0);
    }
    let wait = if a.wait { runlock::Wait::Yes } else { runlock::Wait::No };
    // Held until the run is saved and reported: one run at a time writes in a target dir.
    let _lock = runlock::acquire(&prepared.target_dir, wait)?;
    let reporter: Box<dyn Reporter> = match a.message_format {
        MessageFormat::Human => Box::new(Bars::default()),
        MessageFormat::Json => Box::new(JsonLines),
    };
    let (run, _) = match &a.resume {
        Some(which) => pipeline::resume(&config, &prepared, which, reporter.as_ref())?,
        None => pipeline::tune(&config, &prepared, reporter.as_ref())?,
    };
    // With JSON messages stdout carries the event stream; the report goes only to --output.
    if a.message_format == MessageFormat::Human || a.output.is_some() {
        let style = export::Style::detect(a.output.is_none());
        emit(&export::serialize_styled(&run, a.format, style)?, a.output.as_deref(), &config.dir)?;
    }
    if let Err(e) = export::append_step_summary(&run) {
        eprintln!("warning: {e:#}");
    }
    if let Some(profile) = &a.apply {
        let root = || Ok(prepared.workspace.root.clone());
        let file = super::apply::project_file(&config.dir, config.file.as_deref(), root)?;
        super::apply::apply_run(&run, profile, &file, &config.dir, false)?;
    }
    Ok(if run.configs.iter().all(|c| c.usable()) { 0 } else { EXIT_SOME_FAILED })
}

pub fn build(base: &Overrides, a: BuildArgs) -> Result<i32> {
    // The name becomes a folder of the output path: `../../x` must not climb out of it.
    names::check("profile name", &a.profile)?;
    let config = load(base, &a.config, |_| {})?;
    let Some(flags) = config.profiles.get(&a.profile) else {
        let file = config.file.as_ref().map_or("no gostart.toml found".to_owned(), |f| f.display().to_string());
        let known: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
        bail!(
            "there is no [profile.{}] in {file}; {}",
            a.profile,
            if known.is_empty() {
                "it defines no profiles".to_owned()
            } else {
                format!("profiles: {}", known.join(", "))
            }
        );
    };
    let go = Go::new(&config.go, &config.dir)?.with_build_timeout(config.measure.build_timeout);
    let env = go.env()?;
    let ws = target::resolve(&go, &config.target.package, &module_root::root(&env, &config.dir))?;
    let out = match &a.output {
        Some(o) => {
            let out = config.dir.join(o);
            if let Some(what) = rundir::owned(&out) {
                bail!("cannot write the binary to {}: it is {what}, which gostart does not overwrite", out.display());
            }
            if let Some(parent) = out.parent() {
                std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
            }
            out
        }
        None => rundir::build_output(&ws.root.join(rundir::DEFAULT_DIR), &a.profile, &ws.bin_name)?,
    };
    // `go build -o` writes through a link to an existing binary or an empty file.
    if std::fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink()) {
        let target = std::fs::read_link(&out).ok();
        return Err(crate::nofollow::LinkRefused { path: out, target }.into());
    }
    let argv = Go::build_argv(&out, flags, &ws.package);
    eprintln!("gostart: {}", command_line(&flags.env, &argv));
    let outcome = go.build(&out, flags, &ws.package)?;
    if outcome.status == crate::go::BuildStatus::Interrupted {
        return Err(crate::interrupt::Interrupted::default().into());
    }
    if !outcome.ok {
        bail!("go build failed for [profile.{}]:\n{}", a.profile, outcome.error.unwrap_or_default());
    }
    println!("{}", out.display());
    // A build cannot carry the run environment: whoever starts the binary must set it.
    if let Some(line) = crate::profile::run_line(&flags.runenv, &out.display().to_string()) {
        eprintln!("gostart: then {}: {}", crate::profile::RUN_IT, crate::printable::printable(&line));
    }
    Ok(0)
}

pub fn matrix(base: &Overrides, a: MatrixArgs) -> Result<i32> {
    let config = load(base, &a.config, |_| {})?;
    let expanded = config.expand()?;
    if a.github {
        return github_matrix(&expanded, a.shards.unwrap_or(1), &config.dir);
    }
    let mut text = String::new();
    for c in &expanded.configs {
        let mark = if c.name == expanded.baseline { "  (baseline)" } else { "" };
        // Spellings merged into this config (also warned about on stderr).
        let merged = if c.merged.is_empty() { String::new() } else { format!("  (also: {})", c.merged.join("; ")) };
        text.push_str(&format!("{}  {}{mark}{merged}\n", c.id, c.name));
    }
    emit(text.as_bytes(), None, &config.dir)?;
    Ok(0)
}

/// `matrix --github`: one `include` entry per shard, on one line, for a workflow's
/// `strategy: matrix: ${{ fromJSON(...) }}`. The config is loaded and expanded first, so a
/// broken gostart.toml fails once, in the job that plans, rather than in every shard.
fn github_matrix(expanded: &crate::matrix::Expanded, count: u32, dir: &std::path::Path) -> Result<i32> {
    let others = expanded.configs.iter().filter(|c| c.name != expanded.baseline).count();
    if count as usize > others {
        // Not an error: such a shard measures the baseline alone, which merge accepts; but
        // it spends a runner on nothing new.
        eprintln!(
            "warning: {count} shards for {others} configs besides the baseline: {} shard(s) will measure only the baseline; use --shards {}",
            count as usize - others,
            others.max(1)
        );
    }
    let include: Vec<serde_json::Value> = (1..=count)
        .map(|index| json!({ "shard": format!("{index}/{count}"), "index": index, "count": count }))
        .collect();
    let mut line = serde_json::to_string(&json!({ "include": include }))?;
    line.push('\n');
    emit(line.as_bytes(), None, dir)?;
    Ok(0)
}

pub fn metadata(base: &Overrides, a: MetadataArgs) -> Result<i32> {
    let config = load(base, &a.config, |_| {})?;
    let go = Go::new(&config.go, &config.dir)?;
    let env = go.env()?;
    let keep = [
        "GOVERSION",
        "GOROOT",
        "GOPATH",
        "GOOS",
        "GOARCH",
        "GOAMD64",
        "CGO_ENABLED",
        "GOTOOLCHAIN",
        "GOFLAGS",
        "GOMOD",
        "GOEXPERIMENT",
        "GOCACHE",
    ];
    let toolchain: BTreeMap<&str, &String> = keep.iter().filter_map(|k| Some((*k, env.get(*k)?))).collect();
    let gomod = env.get("GOMOD").map(String::as_str).unwrap_or("");
    let root = module_root::module_dir(gomod);
    let mains: Vec<_> = match &root {
        Some(_) => go
            .list("./...")?
            .into_iter()
            .filter(|p| p.is_main())
            .map(|p| json!({"import_path": p.import_path, "dir": p.dir}))
            .collect(),
        None => Vec::new(),
    };
    let target = match target::resolve(&go, &config.target.package, &module_root::root(&env, &config.dir)) {
        Ok(ws) => {
            json!({"package": ws.package, "import_path": ws.import_path, "binary_name": ws.bin_name, "root": ws.root})
        }
        Err(e) => json!({"package": config.target.package, "error": format!("{e:#}")}),
    };
    let matrix = config.expand()?;
    let doc = json!({
        "format_version": a.format_version,
        "gostart_version": env!("CARGO_PKG_VERSION"),
        "go": {"program": config.go, "env": toolchain},
        "module": root.map(|r| json!({"root": r, "go_mod": gomod})),
        "main_packages": mains,
        "target": target,
        "config": config,
        "user_config": crate::config::user::path(),
        "matrix": matrix,
    });
    let mut text = serde_json::to_vec_pretty(&doc).context("cannot serialize metadata")?;
    text.push(b'\n');
    emit(&text, None, &config.dir)?;
    Ok(0)
}

pub fn report(base: &Overrides, a: ReportArgs) -> Result<i32> {
    let target_dir = module_root::runs_dir(base, a.target_dir.as_deref())?;
    let path = rundir::locate(&target_dir, &a.run)?;
    let mut run = rundir::load(&path)?;
    // A run saved without the split of its (current) recommendation gets it from the binaries
    // in its folder when they are there; a merged run has none (they stayed with the shards).
    if run.merged.is_empty() && export::size_split::recorded(&run).is_none() {
        let run_dir = rundir::folder_of(&path, &run);
        let split = pipeline::size_split::split(&mut RunBinaries::new(&run, &run_dir)).ok().flatten();
        run.size_split = split;
    }
    let style = export::Style::detect(a.output.is_none());
    emit(&export::serialize_styled(&run, a.format, style)?, a.output.as_deref(), &base.dir)?;
    Ok(0)
}
