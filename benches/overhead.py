#!/usr/bin/env python3
"""What does gostart cost beyond the work it does? Two figures of issue 10:

  Overhead: on the bundled example (examples/startup-demo, the 16-config `startup` matrix),
    the wall time of `gostart tune --no-escapes --no-inittrace --schedule fixed --runs N`
    against the same work by hand: the very `go build` commands of its results.json
    (`configs[].argv` and the build env, the same --jobs at a time, into a fresh dir) plus
    `hyperfine -N --warmup W --runs N` of each binary (gostart's warmup W, default 3). Goal:
    ratio ≤ 1.05. Each side's time is split into phases — gostart's from the arrival of its
    `--message-format json` events (before the builds; builds with their provenance reads; size
    and hash reads; probes with warmup, the runner floor and the figures and ranking, which
    `gostart report` of the same run times apart; writing after) — so a ratio above 1.05 says
    where the time goes. Both sides run on a warm go build cache, taking turns.
  Agreement: gostart's median of each binary in those runs against hyperfine's (goal: within
    ±3%), and benches/startup_accuracy.py's part A (the spin fixture, the two timers taking
    turns, 200 runs each) called as it is.

Usage: benches/overhead.py [--runs 30,100] [--turns N] [--jobs J] [--agreement-turns N]
       (needs go, cargo, hyperfine; about 4 minutes at the defaults on a 2-core VM)
Prints a report to stdout; nothing here is a pass/fail test (machines are shared and noisy).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from _gostart import GOSTART, binary_of, copy_project, hyperfine_times, machine, prepare, sh

import startup_accuracy

WARMUP = 3  # gostart's default [measure] warmup


def gostart_timed(project, runs, jobs, fixed_flag):
    """One `gostart tune` with json events: (results.json, {phase: seconds}, wall seconds)."""
    argv = [GOSTART, "-C", project, "tune", "--no-escapes", "--no-inittrace", *fixed_flag, "--runs", str(runs),
            "--warmup", str(WARMUP), "--jobs", str(jobs), "--message-format", "json"]
    start = time.perf_counter()
    seen = {}
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        for line in p.stdout:
            event = json.loads(line)
            now = time.perf_counter() - start
            seen.setdefault(event["reason"], now)  # the first of each kind
            seen[event["reason"] + ":last"] = now
            if event["reason"] == "run-finished":
                results = event["results"]
        err = p.stderr.read()
    wall = time.perf_counter() - start
    if p.returncode not in (0, 3):
        sys.exit(f"gostart failed (exit {p.returncode}):\n{err}")
    with open(results) as f:
        run = json.load(f)
    phases = {
        "before builds": seen["builds-started"],
        "builds": seen["config-built:last"] - seen["builds-started"],
        "size, hash": seen["measure-started"] - seen["config-built:last"],
        "probes": seen["config-measured"] - seen["measure-started"],
        "after probes": wall - seen["config-measured"],
    }
    # The probes phase ends with the figures and the ranking computed from the samples, which
    # `gostart report` does again on the saved run: its time says how much of the phase that is.
    t = time.perf_counter()
    sh([GOSTART, "report", "--format", "json", results])
    phases["(ranking)"] = time.perf_counter() - t
    shutil.rmtree(os.path.dirname(results), ignore_errors=True)
    return run, phases, wall


def by_hand(project, run, runs, jobs):
    """The same builds and runs by hand: ({phase: seconds}, wall seconds, {config id: hyperfine
    median ns}, {build id: seconds of its go build}, seconds of `go version -m` (gostart's
    provenance read) on every binary, run after the timed work, mean wall time of a run in ms)."""
    out = tempfile.mkdtemp(prefix="gostart-hand-")
    builds = {}  # build id → (argv with -o redirected, env): configs sharing a binary build once
    for c in run["configs"]:
        argv = list(c["argv"])
        o = argv.index("-o") + 1
        argv[o] = os.path.join(out, c["build_id"], os.path.basename(argv[o]))
        env = {k: v for k, v in (c["flags"].get("env") or {}).items() if v != ""}
        builds[c["build_id"]] = (argv, env)

    def build(item):
        t = time.perf_counter()
        sh(item[1][0], cwd=project, env={**os.environ, **item[1][1]})
        return item[0], time.perf_counter() - t

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        each = dict(pool.map(build, builds.items()))
    built = time.perf_counter()
    medians, all_times = {}, []
    args = run["target"].get("args") or []
    for c in run["configs"]:
        binary = os.path.join(out, c["build_id"], os.path.basename(binary_of(c)))
        env = {**(run["target"].get("env") or {}), **(c["flags"].get("runenv") or {})}
        env = {k: v for k, v in env.items() if v != ""}
        times = hyperfine_times(binary, env, runs=runs, warmup=WARMUP, args=args)
        medians[c["id"]] = statistics.median(times)
        all_times.extend(times)
    wall = time.perf_counter() - start
    version_m = 0.0
    for build_id, (argv, _) in builds.items():
        t = time.perf_counter()
        sh(["go", "version", "-m", argv[argv.index("-o") + 1]])
        version_m += time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    phases = {"builds": built - start, "probes": wall - (built - start)}
    return phases, wall, medians, each, version_m, statistics.mean(all_times) / 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=lambda t: [int(x) for x in t.split(",")], default=[30, 100],
                    help="comma-separated run counts, each compared on its own (default 30,100)")
    ap.add_argument("--turns", type=int, default=3, help="alternations of gostart and the hand-run (default 3)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count(), help="builds at a time, both sides (gostart's default)")
    ap.add_argument("--agreement-turns", type=int, default=10,
                    help="turns of startup_accuracy.py's part A (default 10; 0 leaves it out)")
    args = ap.parse_args()
    prepare("hyperfine")
    project = copy_project(os.path.join("examples", "startup-demo"))
    print(machine())
    help_text = sh([GOSTART, "tune", "--help"]).stdout
    fixed_flag = ["--schedule", "fixed"] if "--schedule" in help_text else []
    if not fixed_flag:
        print("note: this gostart has no --schedule: --runs N is its fixed schedule")
    # Warm go's build cache (the first GOAMD64=v3 build recompiles the standard library).
    # Its results.json gives the builds' argv and env by hand (the -o operand is redirected).
    plan = gostart_timed(project, 1, args.jobs, fixed_flag)[0]
    print(f"examples/startup-demo; {args.turns} turns of each side, medians; builds {args.jobs} at a time; "
          f"warmup {WARMUP}\n")

    for runs in args.runs:
        g_phase, h_phase, g_wall, h_wall, ratios = [], [], [], [], []
        g_build, h_build, h_version_m, g_mean, h_mean = [], [], [], [], []
        for turn in range(args.turns):
            sides = [0, 1] if turn % 2 == 0 else [1, 0]
            for side in sides:
                if side == 0:
                    run, phases, wall = gostart_timed(project, runs, args.jobs, fixed_flag)
                    g_phase.append(phases)
                    g_wall.append(wall)
                    g_mean.append(statistics.mean(x["wall_ns"] for c in run["configs"] for x in c["samples"]) / 1e6)
                    g_build.append(sum(c["build"]["wall_ns"] for c in
                                       {c["build_id"]: c for c in run["configs"]}.values()) / 1e9)
                else:
                    phases, wall, h_medians, h_each, version_m, mean = by_hand(project, plan, runs, args.jobs)
                    h_mean.append(mean)
                    h_build.append(sum(h_each.values()))
                    h_version_m.append(version_m)
                    h_phase.append(phases)
                    h_wall.append(wall)
            g_medians = {c["id"]: c["startup"]["median_ns"] for c in run["configs"]}
            ratios.append({i: g_medians[i] / h_medians[i] for i in g_medians})
        names = {c["id"]: c["name"] for c in run["configs"]}
        n_configs, n_builds = len(run["configs"]), len({c["build_id"] for c in run["configs"]})
        print(f"--runs {runs}: {n_configs} configs, {n_builds} builds, {n_configs * (runs + WARMUP)} probe runs a side")
        print(f"   {'phase':<14} {'gostart':>9} {'by hand':>9}")
        med = lambda ps, k: statistics.median(p.get(k, 0.0) for p in ps)
        for k in ("before builds", "builds", "size, hash", "probes", "(ranking)", "after probes"):
            h = f"{med(h_phase, k):>8.2f}s" if k in h_phase[0] else f"{'—':>9}"
            print(f"   {k:<14} {med(g_phase, k):>8.2f}s {h}")
        g, h = statistics.median(g_wall), statistics.median(h_wall)
        print(f"   {'total':<14} {g:>8.2f}s {h:>8.2f}s   ratio {g / h:.3f} (goal ≤ 1.05; per turn "
              + ", ".join(f"{a / b:.3f}" for a, b in zip(g_wall, h_wall)) + ")")
        print("   (ranking) is `gostart report` of the same run: the part of the probes phase that computes figures and ranking")
        probes = n_configs * (runs + WARMUP)
        g_per, h_per = 1000 * med(g_phase, "probes") / probes, 1000 * med(h_phase, "probes") / probes
        g_own, h_own = statistics.median(g_mean), statistics.median(h_mean)
        print("   where the time goes:                               gostart   by hand")
        print(f"     go build alone, summed over builds            {statistics.median(g_build):>8.2f}s {statistics.median(h_build):>8.2f}s")
        print(f"     `go version -m` of every binary (gostart's provenance check, in its builds phase): "
              f"{statistics.median(h_version_m):.2f}s summed")
        print(f"     per probe run: the probes phase / probe runs  {g_per:>7.2f}ms {h_per:>7.2f}ms")
        print(f"       the binary's own wall time (mean)           {g_own:>7.2f}ms {h_own:>7.2f}ms")
        print(f"       the rest: the runner between runs           {g_per - g_own:>7.2f}ms {h_per - h_own:>7.2f}ms"
              "   (warmup runs counted on both sides; gostart's also holds the runner floor and the ranking)")
        per_config = {i: statistics.median(r[i] for r in ratios) for i in ratios[0]}
        worst = max(per_config, key=lambda i: abs(per_config[i] - 1))
        print(f"   medians, gostart / hyperfine (median over turns): {min(per_config.values()):.3f}–"
              f"{max(per_config.values()):.3f}; farthest {names[worst]} {per_config[worst]:.3f}\n")

    if args.agreement_turns:
        spin = copy_project(os.path.join("benches", "fixtures", "spin"))
        print("startup_accuracy.py's part A, on the spin fixture:")
        startup_accuracy.agreement(spin, args.agreement_turns)
        shutil.rmtree(spin, ignore_errors=True)
    shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
