//! `gostart merge`: the runs of `tune --shard K/N` joined into one run. Only ratios cross
//! shards: each shard's rounds become rounds of their own in the merged run (its baseline's
//! samples with them), so every config is still paired with its own shard's baseline, and its
//! times are scaled to the pooled baseline so that absolute times read relative to it. Exact
//! figures must agree wherever two shards have the same config, the baseline above all.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::measure::{Floor, Sample, Startup, stats};
use crate::results::{ConfigResult, MergedShard, Rounds, Run, Status};
use crate::search::Strategy;

/// A run to merge and where it was read from (for the messages).
pub struct Input {
    pub path: PathBuf,
    pub run: Run,
}

/// The merged run (without its own id and start time, which the caller gives it), or a refusal
/// naming what differs. `force` overrides what may differ without making the ratios wrong
/// (Go versions, targets, matrices, ranking settings, missing shards, unfinished runs); never
/// a shard given twice or a baseline or exact figure that differs (the builds differ).
pub fn join(mut inputs: Vec<Input>, force: bool) -> Result<Run> {
    if inputs.len() < 2 {
        bail!(
            "merge needs the runs of at least 2 shards (`gostart tune --shard K/N` on each machine), got {}",
            inputs.len()
        );
    }
    let mut shards = Vec::new();
    for i in &inputs {
        let Some(shard) = i.run.shard else {
            bail!(
                "{} is not a shard: it measured the whole matrix (shards come from `gostart tune --shard K/N`)",
                i.path.display()
            );
        };
        shards.push(shard);
    }
    let count = shards[0].count;
    for (i, s) in inputs.iter().zip(&shards) {
        if s.count != count {
            bail!(
                "{} is shard {s}, {} is shard {}: shards of {} and of {count} parts are not one split of a matrix",
                i.path.display(),
                inputs[0].path.display(),
                shards[0],
                s.count
            );
        }
    }
    inputs.sort_by_key(|i| i.run.shard.map(|s| s.index));
    for w in inputs.windows(2) {
        if w[0].run.shard == w[1].run.shard {
            bail!(
                "{} and {} are both shard {}: give each shard once (--force does not join a shard with itself)",
                w[0].path.display(),
                w[1].path.display(),
                w[0].run.shard.map(|s| s.to_string()).unwrap_or_default()
            );
        }
    }
    let mut overridable = Vec::new();
    let missing: Vec<String> = (1..=count)
        .filter(|k| !inputs.iter().any(|i| i.run.shard.is_some_and(|s| s.index == *k)))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        overridable.push(format!("shard {} missing: the verdict would rank part of the matrix", missing.join(", ")));
    }
    let first = &inputs[0];
    for i in &inputs {
        if let Some(why) = i.run.incomplete() {
            overridable.push(format!("{} is a {why}", i.path.display()));
        }
    }
    let measure = |r: &Run| serde_json::to_string(&r.measure).unwrap_or_default();
    let mut notes = Vec::new();
    for i in &inputs[1..] {
        let (a, b) = (&first.run, &i.run);
        let differ = |what: &str, x: String, y: String| {
            format!("{what} differ: {} in {}, {} in {}", x, first.path.display(), y, i.path.display())
        };
        if a.go_version != b.go_version {
            overridable.push(differ("Go versions", a.go_version.clone(), b.go_version.clone()));
        }
        let target = |r: &Run| serde_json::to_string(&r.target).unwrap_or_default();
        if target(a) != target(b) {
            overridable.push(differ("targets (package, args, env)", target(a), target(b)));
        }
        let axes = |r: &Run| r.search.as_ref().map(|s| serde_json::to_string(&s.axes).unwrap_or_default());
        if axes(a) != axes(b) {
            let show = |x: Option<String>| x.unwrap_or_else(|| "none recorded".to_owned());
            overridable.push(differ("matrices (their axes)", show(axes(a)), show(axes(b))));
        }
        let rank = |r: &Run| serde_json::to_string(&r.rank).unwrap_or_default();
        if rank(a) != rank(b) {
            overridable.push(differ("ranking settings ([rank])", rank(a), rank(b)));
        }
        if a.measure.cold != b.measure.cold {
            // A ratio of cold starts (page cache evicted) is another quantity than a warm one.
            let cold = |r: &Run| if r.measure.cold { "cold starts" } else { "warm starts" }.to_owned();
            overridable.push(differ("start-up conditions ([measure] cold)", cold(a), cold(b)));
        }
        if a.measure.cold == b.measure.cold && measure(a) != measure(b) {
            // Only how long each shard measured differs: its ratios stay its own, as precise as
            // its rounds made them.
            notes.push(format!(
                "note: [measure] settings differ between {} and {} (rounds, schedule, seed or timeouts); the \
                 merged run records the first shard's, and each config keeps the precision its shard measured",
                first.path.display(),
                i.path.display()
            ));
        }
        if a.baseline != b.baseline {
            bail!(
                "{}: the baseline of one ratio cannot be another's",
                differ("baselines", a.baseline.clone(), b.baseline.clone())
            );
        }
    }
    if !overridable.is_empty() && !force {
        bail!("cannot merge these runs:\n  {}\n(--force merges them anyway)", overridable.join("\n  "));
    }
    for why in &overridable {
        eprintln!("warning: merged with --force: {why}");
    }
    for note in &notes {
        eprintln!("{note}");
    }
    agree(&inputs)?;
    Ok(build(&inputs))
}

/// The baseline byte-identical in every shard, and the exact figures of any config two shards
/// measured equal.
fn agree(inputs: &[Input]) -> Result<()> {
    let baseline = &inputs[0].run.baseline;
    let mut seen: BTreeMap<&str, (&Input, &ConfigResult)> = BTreeMap::new();
    for i in inputs {
        let Some(base) = i.run.configs.iter().find(|c| &c.name == baseline) else {
            bail!("{} has no baseline `{baseline}`: every shard measures it", i.path.display());
        };
        if !base.usable() {
            bail!(
                "the baseline `{baseline}` failed to build or run in {}: no ratio of that shard stands",
                i.path.display()
            );
        }
        for c in &i.run.configs {
            let Some((j, other)) = seen.get(c.name.as_str()) else {
                seen.insert(&c.name, (i, c));
                continue;
            };
            let refuse = |figure: &str, x: String, y: String| -> Result<()> {
                bail!(
                    "the {} `{}` differs between shards: {figure} {x} in {}, {y} in {}; the builds differ, so \
                     their ratios do not compare (same Go, same flags, same source on every machine?)",
                    if c.name == *baseline { "baseline" } else { "config" },
                    c.name,
                    j.path.display(),
                    i.path.display()
                )
            };
            let sha = |r: &Run, c: &ConfigResult| r.binaries.get(&c.build_id).map(|b| b.sha256.clone());
            if let (Some(x), Some(y)) = (sha(&j.run, other), sha(&i.run, c)) {
                if x != y {
                    refuse("binary SHA-256", x, y)?;
                }
            }
            if other.size != c.size {
                let show = |c: &ConfigResult| {
                    c.size.as_ref().map_or("none".to_owned(), |s| format!("{} bytes ({:?})", s.bytes, s.sections))
                };
                refuse("size", show(other), show(c))?;
            }
            let heap =
                |c: &ConfigResult| c.escapes.as_ref().map(|e| serde_json::to_string(&e.counts).unwrap_or_default());
            if let (Some(x), Some(y)) = (heap(other), heap(c)) {
                if x != y {
                    refuse("escape counts", x, y)?;
                }
            }
        }
    }
    Ok(())
}

/// One run of all the shards' configs (the baseline once), each shard's rounds after the
/// previous shard's, its times scaled to the pooled baseline.
fn build(inputs: &[Input]) -> Run {
    let first = &inputs[0].run;
    let baseline = &first.baseline;
    let base_of = |r: &Run| r.configs.iter().find(|c| &c.name == baseline).cloned();
    let wall = |samples: &[Sample]| samples.iter().map(|s| s.wall_ns as f64).collect::<Vec<_>>();
    let pooled: Vec<f64> = inputs.iter().filter_map(|i| base_of(&i.run)).flat_map(|b| wall(&b.samples)).collect();
    let pooled_median = stats::median(&pooled);
    let first_base = base_of(first);
    let first_build_ns = first_base.as_ref().map_or(1, |b| b.build.wall_ns.max(1));

    let mut merged_base = first_base.clone();
    if let Some(b) = &mut merged_base {
        b.samples.clear();
    }
    let mut configs = Vec::new();
    let mut record = Vec::new();
    let mut floor: Option<Floor> = first.floor.clone().map(|f| Floor { samples: Vec::new(), ..f });
    let (mut offset, mut planned) = (0u32, 0u32);
    let mut binaries = BTreeMap::new();
    for i in inputs {
        let r = &i.run;
        let Some(base) = base_of(r) else { continue };
        let median = Startup::from_samples(&base.samples).map_or(pooled_median, |s| s.median_ns as f64);
        let scale = if median > 0.0 { pooled_median / median } else { 1.0 };
        let rounds = rounds_of(r, &base);
        let place = |s: &Sample| Sample {
            round: s.round + offset,
            wall_ns: (s.wall_ns as f64 * scale).round() as u64,
            user_ns: (s.user_ns as f64 * scale).round() as u64,
            sys_ns: (s.sys_ns as f64 * scale).round() as u64,
            ..*s
        };
        if let Some(b) = &mut merged_base {
            b.samples.extend(base.samples.iter().map(place));
        }
        let build_scale = first_build_ns as f64 / base.build.wall_ns.max(1) as f64;
        let mut names = Vec::new();
        for c in r.configs.iter().filter(|c| &c.name != baseline) {
            if configs.iter().any(|m: &ConfigResult| m.name == c.name) {
                continue;
            }
            let mut c = c.clone();
            c.samples = c.samples.iter().map(place).collect();
            c.build.wall_ns = (c.build.wall_ns as f64 * build_scale).round() as u64;
            names.push(c.name.clone());
            configs.push(c);
        }
        floor = match (floor, &r.floor) {
            (Some(mut f), Some(theirs)) if !theirs.samples.is_empty() => {
                f.samples.extend(theirs.samples.iter().map(place));
                Some(f)
            }
            _ => None,
        };
        for (id, b) in &r.binaries {
            binaries.entry(id.clone()).or_insert_with(|| b.clone());
        }
        record.push(MergedShard {
            shard: r.shard.unwrap_or(crate::shard::Shard { index: 1, count: 1 }),
            run_id: r.run_id.clone(),
            machine: r.machine.clone(),
            configs: names,
            first_round: offset,
            rounds,
            baseline_median_ns: median.round() as u64,
            scale,
        });
        offset += rounds;
        planned += r.rounds.planned.max(rounds);
    }
    configs.splice(0..0, merged_base);
    let search = first.search.clone().map(|mut s| {
        s.strategy = Strategy::Full;
        s.why = format!("{} configurations, merged from the runs of {} shards", configs.len(), inputs.len());
        s.design = None;
        s.design_runs = Vec::new();
        s.prediction = None;
        s.confirmed = Vec::new();
        let mut builds: Vec<&str> = configs.iter().map(|c| c.build_id.as_str()).collect();
        builds.sort_unstable();
        builds.dedup();
        s.builds = builds.len();
        s
    });
    let complete = inputs.iter().all(|i| i.run.status == Status::Complete);
    let mut run = Run {
        schema: crate::results::SCHEMA,
        gostart_version: env!("CARGO_PKG_VERSION").to_owned(),
        run_id: String::new(),
        started: String::new(),
        go_version: first.go_version.clone(),
        target: first.target.clone(),
        measure: first.measure.clone(),
        baseline: baseline.clone(),
        configs,
        floor,
        verdict: Default::default(),
        status: if complete { Status::Complete } else { Status::Partial },
        rounds: Rounds { done: offset, planned },
        stopped: None,
        rank: first.rank.clone(),
        binaries,
        checks: Vec::new(),
        suspended: Default::default(),
        // Each shard followed its own schedule; the merged rounds follow none.
        schedule: None,
        search,
        effects: Vec::new(),
        shard: None,
        machine: None,
        merged: record,
        toolchain: first.toolchain.clone(),
        // The shards' binaries stay on their machines: the merged folder has none to attribute.
        size_split: None,
        // The shards measured, none explained its binaries against one graph.
        explain: None,
    };
    run.recompute();
    run
}

/// The timed rounds a shard's samples span: the rounds it did, or more if its baseline has
/// samples past them (a run cut short between a round and its checkpoint).
fn rounds_of(run: &Run, base: &ConfigResult) -> u32 {
    let seen = base.samples.iter().map(|s| s.round + 1).max().unwrap_or(0);
    run.rounds.done.max(seen)
}
