#!/usr/bin/env python3
"""Is the verdict stable? Runs the default `gostart tune` (only `--format json` added, to read
the results; no --runs, --schedule or --seed: what a user reruns) N times (default 10) on

  example  the bundled example, examples/startup-demo, with the built-in `startup` matrix;
  age      a real program from the module proxy: filippo.io/age v1.3.2, `./cmd/age --version`
           (fetched with `go mod download -json` into a temporary module cache, then copied to a
           writable dir and tuned there with a gostart.toml naming the package and its args),

and counts how often each recommendation wins. Goal (issue 10): at least 9 of 10 reruns give
the same recommendation on each. Also prints each run's wall time, how its schedule ended and
its probe runs, how many configs the verdict chose among (results.json `verdict.contenders`:
those not worse than the best beyond noise), and the verdict's reason for the runs that
disagree with the most frequent one.

Usage: benches/verdict_stability.py [--runs N] [--only example|age]
       (needs go, cargo and the module proxy; about 3–5 minutes at the defaults on a 2-core VM:
       ~5 s a run on the example, ~12 s on age, more when the race runs long)
Prints a report to stdout; nothing here is a pass/fail test (machines are shared and noisy).
"""

import argparse
import os
import shutil
import statistics
import time
from collections import Counter

from _gostart import copy_project, fetch_module, machine, prepare, probe_runs, sh, tune_timed

AGE = "filippo.io/age@v1.3.2"
AGE_TOML = '[target]\npackage = "./cmd/age"\nargs = ["--version"]\n'


def fetch_age():
    """A writable copy of filippo.io/age v1.3.2's module, its dependencies downloaded."""
    return fetch_module(AGE, AGE_TOML)


def end_of(run):
    end = (run.get("schedule") or {}).get("end")
    if not end:
        return f"{(run.get('rounds') or {}).get('done', '?')} rounds"
    return end["reason"]


def stability(label, project, runs):
    print(f"{label}: {runs} runs of the default `gostart tune`")
    print(f"   {'run':>3} {'wall':>7} {'probe runs':>10} {'end':<22} {'contenders':>10}  recommended")
    recs, walls, reasons = [], [], {}
    for i in range(1, runs + 1):
        run, wall = tune_timed(project, None)
        rec = run["verdict"]["recommended"]
        recs.append(rec)
        walls.append(wall)
        reasons.setdefault(rec, run["verdict"]["reason"])
        contenders = len(run["verdict"].get("contenders") or [])
        print(f"   {i:>3} {wall:>6.1f}s {probe_runs(run):>10} {end_of(run):<22} {contenders:>10}  {rec}", flush=True)
        shutil.rmtree(os.path.join(project, ".gostart", "runs", run["run_id"]), ignore_errors=True)
    counts = Counter(recs).most_common()
    print(f"   counts: " + "; ".join(f"{n} of {runs}: {rec}" for rec, n in counts))
    print(f"   same recommendation: {counts[0][1]} of {runs} (goal ≥ {runs - runs // 10} of {runs}); "
          f"wall time per run: median {statistics.median(walls):.1f}s, {min(walls):.1f}–{max(walls):.1f}s")
    for rec, _ in counts[1:]:
        print(f"   why `{rec}` once won: {reasons[rec]}")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--only", choices=["example", "age"], help="one program only")
    args = ap.parse_args()
    prepare()
    started = time.perf_counter()
    print(machine() + "\n")
    if args.only in (None, "example"):
        project = copy_project(os.path.join("examples", "startup-demo"))
        stability("examples/startup-demo", project, args.runs)
        shutil.rmtree(project, ignore_errors=True)
    if args.only in (None, "age"):
        project = fetch_age()
        stability(f"{AGE} ./cmd/age --version", project, args.runs)
        shutil.rmtree(project, ignore_errors=True)
    print(f"whole benchmark: {(time.perf_counter() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
