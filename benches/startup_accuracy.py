#!/usr/bin/env python3
"""How far can gostart's startup figures be trusted on this machine?

Four measurements, all on real binaries built by gostart from benches/fixtures/spin (a Go
program that busy-waits SPIN_US microseconds):

  A. agreement: gostart's medians against `hyperfine -N --warmup 5 --runs 200` on the same
     binaries (goal: within ±3%);
  B. A/A: two identical configurations, 20 repeats at the default run count: how often the
     ratio is reported `~` (goal: at least 19 of 20);
  C. a real 3% difference (SPIN_US raised by 3% of the measured median), 20 repeats: how often
     it is reported significant (goal: at least 19 of 20);
  D. the 95% CI half-width of a ~2 ms binary's median at the default run count.

Usage: benches/startup_accuracy.py [--repeats N] [--runs N]   (needs go, cargo, hyperfine)
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOSTART = os.path.join(ROOT, "target", "release", "gostart")


def sh(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def tune(project, toml, *extra):
    with open(os.path.join(project, "gostart.toml"), "w") as f:
        f.write(toml)
    out = subprocess.run(
        [GOSTART, "-C", project, "tune", "--format", "json", "--no-inittrace", *extra],
        capture_output=True, text=True,
    )
    if out.returncode not in (0, 3):
        sys.exit(f"gostart failed:\n{out.stderr}")
    return json.loads(out.stdout)


def by_name(run, name):
    return next(c for c in run["configs"] if c["name"] == name)


def hyperfine_median(binary, env):
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        sh(["hyperfine", "-N", "--warmup", "5", "--runs", "200", "--export-json", tmp.name, binary],
           env={**os.environ, **env})
        with open(tmp.name) as f:
            return statistics.median(json.load(f)["results"][0]["times"]) * 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--runs", type=int, default=None, help="rounds per repeat in B and C (default: gostart's)")
    args = ap.parse_args()
    for tool in ("go", "cargo", "hyperfine"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not on PATH")
    sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    runs = ["--runs", str(args.runs)] if args.runs else []
    project = tempfile.mkdtemp(prefix="gostart-bench-")
    shutil.copytree(os.path.join(ROOT, "benches", "fixtures", "spin"), project, dirs_exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs; {sh(['go', 'version']).stdout.strip()}; "
          f"{sh(['hyperfine', '--version']).stdout.strip()}\n")

    # A. Agreement with hyperfine on the same binaries.
    run = tune(project, '[matrix]\nldflags = ["", "-s -w"]\nbuildmode = ["exe", "pie"]\n'
                        '[matrix.runenv]\nSPIN_US = ["1000"]\n[rank]\nbaseline = "SPIN_US=1000"\n',
               "--runs", "200", "--warmup", "5")
    print("A. gostart (200 interleaved rounds) against hyperfine -N --warmup 5 --runs 200")
    print(f"   {'config':<42} {'gostart':>10} {'hyperfine':>10} {'diff':>7}")
    diffs = []
    for c in run["configs"]:
        binary = c["argv"][3]
        g = c["startup"]["median_ns"]
        h = hyperfine_median(binary, c["flags"]["runenv"])
        diffs.append(g / h - 1)
        print(f"   {c['name']:<42} {g / 1e6:>8.3f}ms {h / 1e6:>8.3f}ms {100 * (g / h - 1):>+6.1f}%")
    floor = run.get("floor") or {}
    if floor:
        print(f"   runner floor (static ELF that exits at once): {floor['startup']['median_ns'] / 1e6:.3f} ms")
    print(f"   largest disagreement: {100 * max(abs(d) for d in diffs):.1f}%\n")

    # B. A/A: the same binary under two names.
    aa_toml = '[matrix.runenv]\nSPIN_US = ["1000"]\nGOSTART_AA = ["", "1"]\n[rank]\nbaseline = "SPIN_US=1000"\n'
    noise, halfwidths, ratio_halfwidths, medians = 0, [], [], []
    for seed in range(1, args.repeats + 1):
        run = tune(project, aa_toml, "--seed", str(seed), *runs)
        base, other = by_name(run, run["baseline"]), by_name(run, "SPIN_US=1000,GOSTART_AA=1")
        noise += other["ratios"]["startup_noise"]
        s = base["startup"]
        medians.append(s["median_ns"])
        halfwidths.append((s["ci95_ns"][1] - s["ci95_ns"][0]) / 2 / s["median_ns"])
        lo, hi = other["ratios"]["startup_ci95"]
        ratio_halfwidths.append((hi - lo) / 2)
    n_runs = base["startup"]["runs"]
    print(f"B. A/A, {args.repeats} repeats of {n_runs} rounds: reported `~` (no difference) in "
          f"{noise} of {args.repeats}")
    print(f"D. ~{statistics.median(medians) / 1e6:.2f} ms binary, {n_runs} rounds: median 95% CI half-width "
          f"{100 * statistics.median(halfwidths):.2f}% of the median (worst {100 * max(halfwidths):.2f}%); "
          f"ratio CI half-width {100 * statistics.median(ratio_halfwidths):.2f}%\n")

    # C. A real 3% difference: raise the spin by 3% of the measured median.
    base_ns = statistics.median(medians)
    slow_us = 1000 + round(0.03 * base_ns / 1000)
    c_toml = f'[matrix.runenv]\nSPIN_US = ["1000", "{slow_us}"]\n[rank]\nbaseline = "SPIN_US=1000"\n'
    found, ratios = 0, []
    for seed in range(1, args.repeats + 1):
        run = tune(project, c_toml, "--seed", str(seed), *runs)
        slow = by_name(run, f"SPIN_US={slow_us}")
        r = slow["ratios"]
        ratios.append(r["startup"])
        found += (not r["startup_noise"]) and r["startup"] > 1.0
    print(f"C. a real {100 * (slow_us - 1000) * 1000 / base_ns:.1f}% difference (SPIN_US 1000 → {slow_us}), "
          f"{args.repeats} repeats: reported significant in {found} of {args.repeats}; "
          f"measured ratio median {statistics.median(ratios):.3f}")
    shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
