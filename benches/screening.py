#!/usr/bin/env python3
"""Screening against the full product (issue 11): does a screened `gostart tune` find the full
run's recommendation in a fraction of the builds, and do its effects agree with the full run's?

The program is benches/fixtures/hidden (see its main.go), where each axis has a real effect:

  gostart.toml     7 two-level axes, 128 configs, 64 builds: ldflags "-s -w", trimpath,
                   tags heavy, buildmode pie, gcflags -B, env CGO_ENABLED 0, runenv GOGC off
  ten-axes.toml    those and env GOAMD64 v3, env GOEXPERIMENT heapminimum512kib, runenv
                   GOMAXPROCS 1: 1,024 configs, 256 builds

Steps (every `tune` with `--no-inittrace`, its own `--target-dir`, `--message-format json`):
 1. go's build cache is warmed for every build of both matrices (each build's compile steps,
    from `tune --dry-run`), so the full and the screened runs all start from a warm cache;
 2. one full run of the 7-axis matrix (`--strategy full`);
 3. R screened repeats of it (default 10; `--strategy screen --seed 1..R`): builds used
    (`search.builds`, goal ≤ 24), wall time, the recommendation, and whether it is the full
    run's or equal to it on every weighted figure (the rule is printed; goal ≥ 9 of 10);
    the wall-time ratio screen/full (median);
 4. effects: for each main effect (axis value × figure) in both runs, does the screened run's
    95% interval contain the full run's estimate (goal ≥ 90% of them);
 5. one screened run of the 10-axis matrix: builds (goal ≤ 40) and wall time against an
    estimate of the full product's (per-build cost measured in that run × the matrix's builds,
    plus the 7-axis full run's measuring cost per configuration × 1,024; goal < 10%).

`--axes` instead measures each axis on its own (a 2-config matrix per axis, fixed rounds): the
effects the fixture plants.

Usage: benches/screening.py [--repeats N] [--quick] [--no-ten] [--keep] [--axes [--runs N]]
       (needs go, gcc (cgo), cargo. The full 7-axis run took 5.4 min on a 2-core VM at load 7–15
       (64 builds in 13 s with a warm cache: measuring 128 configs is most of it); warming the
       cache for the 10-axis matrix rebuilds the standard library for each GOAMD64 × GOEXPERIMENT
       × trimpath × pie × cgo variant the first time (~10 min), then seconds. --quick: 2 repeats.
       `--no-ten`: skip the 10-axis matrix and its cache warming)
Prints a report to stdout; nothing here is a pass/fail test (machines are shared and noisy).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

from _gostart import copy_project, machine, prepare, sh
from _screening import (NOISY, WEIGHTS, build_phases, builds_of, dry_run_builds, fmt_secs, has_strategy, prewarm,
                        search_line, tune_events)

FIXTURE = os.path.join("benches", "fixtures", "hidden")
TEN = "ten-axes.toml"
DEFAULT_MARGIN = 0.01  # figures whose ratios differ by less count as equal, when a run records no margin

# Each axis on its own for --axes: (label, a matrix file with that axis only).
AXES = [
    ("ldflags", '[matrix]\nldflags = ["", "-s -w"]\n'),
    ("trimpath", "[matrix]\ntrimpath = [false, true]\n"),
    ("tags", '[matrix]\ntags = [[], ["heavy"]]\n'),
    ("buildmode", '[matrix]\nbuildmode = ["exe", "pie"]\n'),
    ("gcflags", '[matrix]\ngcflags = ["", "-B"]\n'),
    ("env.CGO_ENABLED", '[matrix.env]\nCGO_ENABLED = ["", "0"]\n'),
    ("runenv.GOGC", '[matrix.runenv]\nGOGC = ["", "off"]\n'),
    ("env.GOAMD64", '[matrix.env]\nGOAMD64 = ["", "v3"]\n'),
    ("env.GOEXPERIMENT", '[matrix.env]\nGOEXPERIMENT = ["", "heapminimum512kib"]\n'),
    ("runenv.GOMAXPROCS", '[matrix.runenv]\nGOMAXPROCS = ["", "1"]\n'),
]


def ci(lohi):
    return "—" if not lohi else f"{lohi[0]:.3f}–{lohi[1]:.3f}"


def config(run, ref):
    """A config of `run` by id, else by name; None when it has none."""
    for c in run["configs"]:
        if c["id"] == ref.get("id") or (not ref.get("id") and c["name"] == ref.get("name")):
            return c
    return next((c for c in run["configs"] if c["name"] == ref.get("name")), None)


def recommended(run):
    name = run["verdict"]["recommended"]
    c = next((c for c in run["configs"] if c["name"] == name), None)
    return {"name": name, "id": c["id"] if c else None}


def weights(run):
    w = ((run.get("rank") or {}).get("weights")) or WEIGHTS
    return {f: w.get(f, 0) for f in WEIGHTS if w.get(f, 0)}


def figure_equal(f, a, b, margin):
    """Whether configs a and b (both from the full run) are equal on figure f, and why."""
    ra, rb = a["ratios"].get(f), b["ratios"].get(f)
    if ra is None or rb is None:
        return True, "unmeasured"
    if abs(ra / rb - 1) <= margin:
        return True, f"within {margin:.0%}"
    if f in NOISY:
        if a["ratios"].get(f"{f}_noise") and b["ratios"].get(f"{f}_noise"):
            return True, "both ~"
        ca, cb = a["ratios"].get(f"{f}_ci95"), b["ratios"].get(f"{f}_ci95")
        if (cb and cb[0] <= ra <= cb[1]) or (ca and ca[0] <= rb <= ca[1]):
            return True, "within"
        return False, f"{ra:.3f} vs {rb:.3f} ({ci(ca)} / {ci(cb)})"
    return False, f"{ra:.3f} vs {rb:.3f}"


def margin_of(run):
    """The race's equivalence margin (`schedule.margin`), else 1%."""
    return ((run.get("schedule") or {}).get("margin")) or DEFAULT_MARGIN


RULE = (f"equal = the same config, or, read in the FULL run, the screened pick and the full run's pick are\n"
        f"   equal on every weighted figure ({', '.join(f'{f} {w:g}' for f, w in WEIGHTS.items())}): their ratios\n"
        f"   to the baseline differ by at most the race's equivalence margin (results.json schedule.margin, 1%),\n"
        f"   or, for a noisy figure (startup, max_rss), both are `~` against the baseline or either's ratio lies in\n"
        f"   the other's 95% interval")


def compare_pick(full, screened):
    """(same config, equal on every weighted figure, what differs) for a screened run's pick."""
    want, got = recommended(full), recommended(screened)
    if want["id"] == got["id"] and want["name"] == got["name"]:
        return True, True, ""
    a, b = config(full, got), config(full, want)
    if a is None or b is None:
        return False, False, "pick not in the full run"
    diffs = []
    for f in weights(full):
        ok, why = figure_equal(f, a, b, margin_of(full))
        if not ok:
            diffs.append(f"{f} {why}")
    return False, not diffs, "; ".join(diffs)


def effect_key(e):
    return (e["axis"], str(e["value"]), e["figure"])


def coverage(full, screened):
    """(contained, compared, misses) over the main effects in both runs."""
    truth = {effect_key(e): e for e in full.get("effects") or []}
    inside, n, misses = 0, 0, []
    for e in screened.get("effects") or []:
        t = truth.get(effect_key(e))
        if t is None or t.get("ratio") is None or e.get("ratio") is None:
            continue
        n += 1
        lo, hi = e.get("ci95") or (e["ratio"], e["ratio"])
        if lo - 1e-9 <= t["ratio"] <= hi + 1e-9:
            inside += 1
        else:
            misses.append(f"{e['axis']}={e['value']} {e['figure']}: full {t['ratio']:.3f}, screen {ci((lo, hi))}")
    return inside, n, misses


def effects_table(run):
    """The run's main effects, one line per axis value: each figure's ratio and interval."""
    rows = {}
    for e in run.get("effects") or []:
        rows.setdefault((e["axis"], str(e["value"])), {})[e["figure"]] = e
    if not rows:
        print("   (no effects in results.json)")
        return
    figures = ["startup", "size", "max_rss", "escapes"]
    print(f"   {'axis=value':<36}" + "".join(f"{f:>24}" for f in figures))
    for (axis, value), fs in rows.items():
        cells = []
        for f in figures:
            e = fs.get(f)
            cells.append("—" if e is None else
                         f"{e['ratio']:.3f}{'~' if e.get('noise') else ' '} {ci(e.get('ci95'))}")
        print(f"   {f'{axis}={value}':<36}" + "".join(f"{c:>24}" for c in cells))


def one_axis(project, root, label, toml, runs):
    path = os.path.join(root, f"axis-{label}.toml")
    with open(path, "w") as f:
        f.write(toml)
    r = tune_events(project, os.path.join(root, f"t-axis-{label}"), "--matrix", path, "--no-inittrace",
                    "--schedule", "fixed", "--runs", str(runs))
    run = r["run"]
    base = next(c for c in run["configs"] if c["name"] == run["baseline"])
    other = next(c for c in run["configs"] if c is not base)
    q = other["ratios"]
    st = f"{q['startup']:.3f}{'~' if q.get('startup_noise') else ' '} {ci(q.get('startup_ci95'))}"
    rss = "—" if q.get("max_rss") is None else f"{q['max_rss']:.3f}{'~' if q.get('max_rss_noise') else ' '}"
    med = (base.get("startup") or {}).get("median_ns")
    print(f"   {other['name']:<34} {q['size']:>7.3f} {st:>22} {rss:>8} {q.get('escapes') or 0:>8.3f} "
          f"{(med or 0) / 1e6:>9.2f} ms {fmt_secs(r['wall']):>8}", flush=True)


def axes_mode(project, root, runs):
    print(f"each axis alone: a 2-config matrix (the axis's two values), `--schedule fixed --runs {runs}`; "
          "ratios against the plain build (`~`: startup interval contains 1.0)")
    print(f"   {'config':<34} {'size':>7} {'startup  95% CI':>22} {'max_rss':>8} {'escapes':>8} "
          f"{'base med':>12} {'wall':>8}")
    for label, toml in AXES:
        one_axis(project, root, label, toml, runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=10, help="screened repeats of the 7-axis matrix (default 10)")
    ap.add_argument("--quick", action="store_true", help="a short smoke: 2 repeats")
    ap.add_argument("--ten", action=argparse.BooleanOptionalAction, default=True,
                    help="also the 10-axis, 1,024-config matrix (default: yes)")
    ap.add_argument("--keep", action="store_true", help="keep the runs' target dirs (their path is printed)")
    ap.add_argument("--axes", action="store_true", help="only measure each axis on its own, then stop")
    ap.add_argument("--runs", type=int, default=60, help="--axes: fixed rounds per axis (default 60)")
    args = ap.parse_args()
    repeats = 2 if args.quick else args.repeats
    prepare()
    started = time.perf_counter()
    project = copy_project(FIXTURE, prefix="gostart-hidden-")
    root = tempfile.mkdtemp(prefix="gostart-screening-")
    print(machine())
    cgo = sh(["go", "env", "CGO_ENABLED"], cwd=project).stdout.strip()
    if cgo != "1":
        print(f"warning: go's CGO_ENABLED is {cgo!r} here (no C compiler?): the CGO_ENABLED axis has no effect")
    with open("/proc/cpuinfo") as f:
        if " avx2 " not in f.read():
            print("warning: this CPU has no AVX2: GOAMD64=v3 builds of the 10-axis matrix will not start")
    print(f"fixture: {FIXTURE} (copied to {project}); runs under {root}\n")
    try:
        if args.axes:
            axes_mode(project, root, args.runs)
        else:
            compare(args, repeats, project, root)
    finally:
        finish(args, started, project, root)


def compare(args, repeats, project, root):
    """Steps 1–5 of the docstring."""

    screening = has_strategy()
    full_flag = ["--strategy", "full"] if screening else []
    if not screening:
        print("note: this gostart has no --strategy (the screening pipeline has not landed): `tune` builds the full\n"
              "product, so only the full run below is made; the screened repeats and the 10-axis run are skipped\n")

    # 1. a warm build cache for both strategies
    builds7 = dry_run_builds(project, *full_flag)
    builds10 = dry_run_builds(project, "--matrix", TEN, "--max-configs", "1024", *full_flag) if args.ten else []
    compiles, secs = prewarm(project, builds7 + builds10)
    print(f"pre-warmed go's build cache: {compiles} distinct compiles (every build of the 7-axis matrix"
          f"{' and of the 10-axis one' if args.ten else ''} without -ldflags) in {fmt_secs(secs)}; every tune below\n"
          "   starts with its compile steps cached (links and the escape pass's compiles are gostart's own work)\n")

    # 2. the full run
    print("full run: 7 axes, 128 configs", flush=True)
    f = tune_events(project, os.path.join(root, "t-full"), "--no-inittrace", *full_flag)
    full = f["run"]
    fb_elapsed, fb_builds, fb_sum = build_phases(f["events"])
    print(f"   {search_line(full)}")
    print(f"   wall {fmt_secs(f['wall'])}; builds {builds_of(full, f['events'])} in {fmt_secs(fb_elapsed)} "
          f"({fb_elapsed / max(fb_builds, 1):.2f} s a build elapsed, Σ wall_ns {fb_sum / max(fb_builds, 1):.2f} s); "
          f"recommended: {full['verdict']['recommended']}")
    print(f"   effects of the full run (ratio, `~` noise, 95% CI):")
    effects_table(full)
    print()
    if not screening:
        return

    # 3. screened repeats
    print(f"screened: {repeats} repeats of `--strategy screen --seed N` on the same matrix")
    print("   " + RULE.replace("\n", "\n   "))
    print(f"   {'rep':>3} {'builds':>6} {'design':<22} {'wall':>8} {'same':>5} {'equal':>5} {'effects in CI':>13}  "
          "recommended / what differs")
    reps = []
    for seed in range(1, repeats + 1):
        s = tune_events(project, os.path.join(root, f"t-screen-{seed}"), "--no-inittrace", "--strategy", "screen",
                        "--seed", str(seed))
        run = s["run"]
        same, equal, diff = compare_pick(full, run)
        inside, n, misses = coverage(full, run)
        d = (run.get("search") or {}).get("design") or {}
        design = f"{d.get('kind', '?')} {d.get('runs', '?')}r res {d.get('resolution', '?')}"
        b = builds_of(run, s["events"])
        reps.append({"builds": b, "wall": s["wall"], "same": same, "equal": equal, "inside": inside, "n": n,
                     "misses": misses, "rec": run["verdict"]["recommended"]})
        share = f"{inside}/{n}" if n else "—"
        print(f"   {seed:>3} {b:>6} {design:<22} {fmt_secs(s['wall']):>8} {'yes' if same else 'no':>5} "
              f"{'yes' if equal else 'no':>5} {share:>13}  {run['verdict']['recommended']}"
              + (f" / {diff}" if diff else ""), flush=True)
        if seed == 1:
            print(f"       {search_line(run)}")
    for i, r in enumerate(reps, 1):
        for m in r["misses"]:
            print(f"       miss (repeat {i}): {m}")
    wall_ratio = statistics.median(r["wall"] for r in reps) / f["wall"]
    inside, n = sum(r["inside"] for r in reps), sum(r["n"] for r in reps)
    print(f"   builds ≤ 24: {sum(r['builds'] <= 24 for r in reps)}/{repeats} (median {statistics.median(r['builds'] for r in reps):g}); "
          f"recommendation the full run's or equal: {sum(r['equal'] for r in reps)}/{repeats} "
          f"(the same config: {sum(r['same'] for r in reps)}/{repeats}; goal ≥ 9 of 10)")
    print(f"   wall time: screen median {fmt_secs(statistics.median(r['wall'] for r in reps))}, "
          f"full {fmt_secs(f['wall'])}: ratio {wall_ratio:.2f}")
    print(f"   effects covered: {inside}/{n} = {inside / n:.0%} over all repeats (goal ≥ 90%)" if n else
          "   effects covered: no effects in both runs to compare")
    print()

    # 5. the 10-axis matrix, screened
    if args.ten:
        ten(project, root, f, full)


def ten(project, root, f, full):
    print("10 axes, 1,024 configs: one screened run (`--matrix ten-axes.toml --strategy screen`)", flush=True)
    target = os.path.join(root, "t-ten")
    argv = ["--matrix", TEN, "--no-inittrace", "--strategy", "screen"]
    s = tune_events(project, target, *argv, ok=(0, 1, 3))
    if s["rc"] == 1 and "--max-configs" in s["stderr"]:
        print("   note: this gostart refuses the 1,024 configs without --max-configs even to screen them; "
              "again with --max-configs 1024")
        s = tune_events(project, target + "-2", *argv, "--max-configs", "1024")
    elif s["rc"] == 1:
        sys.exit(f"gostart failed (exit 1):\n{s['stderr'][-4000:]}")
    run = s["run"]
    elapsed, builds, summed = build_phases(s["events"])
    per_build = elapsed / max(builds, 1)
    matrix_builds = (run.get("search") or {}).get("matrix_builds") or \
        len(dry_run_builds(project, "--matrix", TEN, "--max-configs", "1024", "--strategy", "full"))
    f_elapsed, _, _ = build_phases(f["events"])
    measure_per_config = (f["wall"] - f_elapsed) / len(full["configs"])
    estimate = per_build * matrix_builds + measure_per_config * 1024
    b = builds_of(run, s["events"])
    print(f"   {search_line(run)}")
    print(f"   builds {b} (goal ≤ 40); wall {fmt_secs(s['wall'])}; recommended: {run['verdict']['recommended']}")
    print(f"   full product estimate: {per_build:.2f} s a build (this run's build phases: {builds} builds in "
          f"{fmt_secs(elapsed)}; Σ wall_ns {summed / max(builds, 1):.2f} s a build) × {matrix_builds} builds\n"
          f"   + {measure_per_config:.2f} s measuring a config (the 7-axis full run's wall time outside its build "
          f"phases / {len(full['configs'])}) × 1024 = {fmt_secs(estimate)}")
    print(f"   screened / full estimate: {s['wall'] / estimate:.1%} (goal < 10%)\n")


def finish(args, started, project, root):
    print(f"whole benchmark: {fmt_secs(time.perf_counter() - started)}")
    if args.keep:
        print(f"kept: {root} (runs), {project} (the fixture's copy)")
    else:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
