#!/usr/bin/env python3
"""Screening a real program (issue 11): caddy v2.11.9 `./cmd/caddy version` with a 128-config
matrix (64 distinct builds, above the 32 builds `auto` runs in full), screened and raced to a
verdict. Goal: ≤ 15 min on a 2-core VM, where the full product would take about 2 hours of builds.

The matrix (6 build axes and 1 runtime one; all real settings a release engineer weighs):

  ldflags ["", "-s -w"]  trimpath [false, true]  buildmode ["exe", "pie"]
  tags [[], ["netgo", "osusergo"]] (the pure-Go resolver and user lookup)
  env CGO_ENABLED ["", "0"]  env GOAMD64 ["", "v3"]  runenv GOGC ["", "off"]

with [rank] goamd64 = "v3" when this CPU has AVX2 (else GOAMD64=v3 stays guarded, as it should).
caddy's module comes from the module proxy (`go mod download -json`, as benches/verdict_stability.py
fetches age) and is tuned in a writable copy; its dependencies go to the usual module cache.

Prints, as the run goes, each build as it ends; then the wall time, the builds used, how the
search ran (strategy, design), the race's end, the verdict and the effects table.

Usage: benches/screening_caddy.py [--strategy auto|screen|full] [--keep] [--prewarm]
                                  [--cache user|empty|inherit]
       (needs go, cargo and the module proxy; about 15 min screened on an idle 2-core VM, most
       of it `go build`. go's build cache decides most of the time, so it is chosen:
         user     (default) a new GOCACHE holding caddy's plain `go build` only, made first and
                  not timed: a developer's machine, where the program was built before, and
                  gostart's first tune of it; every other variant compiles from nothing
         empty    a new, empty GOCACHE: a CI runner without a cache (std and every dependency
                  compiled again, in every variant)
         inherit  whatever the environment's GOCACHE holds (a repeat run is mostly cached)
       --prewarm then warms it for every build (about as long as the full product's compiles:
       an hour or more))
Prints a report to stdout; nothing here is a pass/fail test (machines are shared and noisy).
"""

import argparse
import os
import shutil
import tempfile
import time

from _gostart import fetch_module, machine, prepare, sh
from _screening import (build_phases, builds_of, dry_run_builds, fmt_secs, has_strategy, prewarm, search_line,
                        tune_events)

CADDY = "github.com/caddyserver/caddy/v2@v2.11.9"

TOML = """[target]
package = "./cmd/caddy"
args = ["version"]

[matrix]
ldflags = ["", "-s -w"]
trimpath = [false, true]
buildmode = ["exe", "pie"]
tags = [[], ["netgo", "osusergo"]]

[matrix.env]
CGO_ENABLED = ["", "0"]
GOAMD64 = ["", "v3"]

[matrix.runenv]
GOGC = ["", "off"]
"""


def fetch_caddy():
    """A writable copy of caddy v2.11.9's module with gostart.toml, its dependencies downloaded."""
    toml = TOML
    with open("/proc/cpuinfo") as f:
        if " avx2 " in f.read():
            toml += '\n[rank]\n# this CPU has AVX2: GOAMD64=v3 may be recommended\ngoamd64 = "v3"\n'
    return fetch_module(CADDY, toml)


def progress():
    """Prints each build as it ends, and each stage as it starts measuring."""
    done = [0]

    def on_event(t, e):
        reason = e.get("reason")
        if reason == "builds-started":
            print(f"   {fmt_secs(t):>8}  building {e.get('builds', '?')} …", flush=True)
        elif reason == "config-built":
            done[0] += 1
            print(f"   {fmt_secs(t):>8}  build {done[0]} {e.get('status')} in {(e.get('wall_ns') or 0) / 1e9:.1f} s: "
                  f"{', '.join(e.get('configs') or [])[:90]}", flush=True)
        elif reason == "measure-started":
            print(f"   {fmt_secs(t):>8}  measuring …", flush=True)
    return on_event


def end_of(run):
    end = (run.get("schedule") or {}).get("end")
    if not end:
        return f"{(run.get('rounds') or {}).get('done', '?')} rounds"
    names = {c["id"]: c["name"] for c in run["configs"]}
    who = {k: names.get(v, v) for k, v in end.items() if isinstance(v, str) and k != "reason"}
    extra = ", ".join(f"{k} {v}" for k, v in who.items())
    ratio = f", ratio {end['ratio']:.3f}" if end.get("ratio") is not None else ""
    return f"{end['reason']}{': ' + extra if extra else ''}{ratio}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strategy", default="auto", choices=["auto", "screen", "full"],
                    help="passed to tune (default auto: screen, since the matrix has 64 builds)")
    ap.add_argument("--prewarm", action="store_true", help="warm go's build cache for every build first")
    ap.add_argument("--keep", action="store_true", help="keep caddy's copy and the run (their path is printed)")
    ap.add_argument("--cache", default="user", choices=["user", "empty", "inherit"],
                    help="go's build cache at the start (default user: caddy's plain build only)")
    args = ap.parse_args()
    prepare()
    print(machine())
    print(f"fetching {CADDY} …", flush=True)
    project = fetch_caddy()
    gocache = None
    if args.cache != "inherit":
        gocache = tempfile.mkdtemp(prefix="gostart-gocache-")
        os.environ["GOCACHE"] = gocache  # gostart, and the go it runs, inherit it
    if args.cache == "user":
        start = time.perf_counter()
        sh(["go", "build", "-o", os.devnull, "./cmd/caddy"], cwd=project)
        print(f"go's build cache: new, holding caddy's plain build (made first in {fmt_secs(time.perf_counter() - start)}, "
              "not timed)", flush=True)
    elif args.cache == "empty":
        print("go's build cache: new and empty", flush=True)
    else:
        print("go's build cache: the environment's, as it is", flush=True)
    target = tempfile.mkdtemp(prefix="gostart-caddy-runs-")
    extra = ["--strategy", args.strategy] if has_strategy() else []
    if not extra:
        print("note: this gostart has no --strategy (the screening pipeline has not landed): it builds the full "
              "product of 64 builds")
    if args.prewarm:
        full = ["--strategy", "full"] if extra else []
        compiles, secs = prewarm(project, dry_run_builds(project, *full))
        print(f"pre-warmed go's build cache: {compiles} distinct compiles in {fmt_secs(secs)}")
    print(f"caddy v2.11.9 ./cmd/caddy version: 7 axes, 128 configs, 64 builds; `gostart tune {' '.join(extra) or '(full product)'}`"
          f" (run in {target})", flush=True)
    try:
        report(tune_events(project, target, *extra, on_event=progress()))
    except KeyboardInterrupt:
        print(f"stopped: gostart saved what it had measured in {target}" + ("" if args.keep else " (removed; --keep keeps it)"))
        raise SystemExit(130)
    finally:
        if args.keep:
            print(f"kept: {project} (caddy), {target} (the run)")
        else:
            shutil.rmtree(project, ignore_errors=True)
            shutil.rmtree(target, ignore_errors=True)
        if gocache:
            shutil.rmtree(gocache, ignore_errors=True)


def report(r):
    run = r["run"]
    elapsed, builds, summed = build_phases(r["events"])
    print(f"\nwall time: {fmt_secs(r['wall'])} (goal ≤ 15 min); builds: {builds_of(run, r['events'])} "
          f"({fmt_secs(elapsed)} building, {summed / max(builds, 1):.1f} s a build)")
    print(f"search: {search_line(run)}")
    print(f"race: {end_of(run)}; probe runs {(run.get('schedule') or {}).get('probe_runs', '?')}")
    print(f"verdict: {run['verdict']['recommended']} — {run['verdict'].get('reason', '')}")
    if run["verdict"].get("command"):
        print(f"   build it: {run['verdict']['command']}")
    effects = run.get("effects") or []
    if effects:
        print("effects (ratio, 95% CI, `~` noise):")
        for e in effects:
            lohi = e.get("ci95")
            print(f"   {e['axis'] + '=' + str(e['value']):<40} {e['figure']:<8} {e['ratio']:.3f}"
                  f"{'~' if e.get('noise') else ' '} " + ("—" if not lohi else f"{lohi[0]:.3f}–{lohi[1]:.3f}"))


if __name__ == "__main__":
    main()
