"""Helpers the screening benchmarks (benches/screening.py, benches/screening_caddy.py) share: run
`gostart tune --message-format json` with every event timestamped on arrival, read a run's
build phases from its events, warm go's build cache for every build of a matrix, and check that
this gostart has `--strategy`. Not a benchmark itself (the leading `_` says so)."""

import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

from _gostart import GOSTART, sh

# The figures the default [rank] weights score, with their weights (README, Ranking).
WEIGHTS = {"startup": 1.0, "size": 0.5, "escapes": 0.1, "max_rss": 0.2}
NOISY = ("startup", "max_rss")  # figures with a paired interval and a `*_noise` flag


def has_strategy():
    """Whether this gostart's `tune` takes `--strategy` (the screening pipeline has landed)."""
    return "--strategy" in sh([GOSTART, "tune", "--help"]).stdout


def tune_events(project, target_dir, *extra, ok=(0, 3), on_event=None):
    """`gostart -C PROJECT tune --message-format json --target-dir TARGET_DIR EXTRA`, its events
    timestamped as they arrive: {run, events [(seconds since start, event)], wall, rc, stderr}.
    `run` is the results.json the last `run-finished` event names (None when there is none);
    `on_event(seconds, event)` is called on each as it arrives."""
    argv = [GOSTART, "-C", project, "tune", "--message-format", "json", "--target-dir", target_dir, *extra]
    events = []
    with tempfile.TemporaryFile(mode="w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, text=True)
        try:
            for line in proc.stdout:
                line = line.strip()
                if line.startswith("{"):
                    events.append((time.perf_counter() - start, json.loads(line)))
                    if on_event:
                        on_event(*events[-1])
            rc = proc.wait()
        except BaseException:  # Ctrl-C: stop our own gostart (it saves what it has), then stop
            proc.terminate()
            proc.wait()
            raise
        wall = time.perf_counter() - start
        err.seek(0)
        stderr = err.read()
    if rc not in ok:
        sys.exit(f"gostart failed (exit {rc}): {shlex.join(argv)}\n{stderr[-4000:]}")
    finished = [e for _, e in events if e.get("reason") == "run-finished"]
    run = None
    if finished and finished[-1].get("results"):
        with open(finished[-1]["results"]) as f:
            run = json.load(f)
    return {"run": run, "events": events, "wall": wall, "rc": rc, "stderr": stderr}


def build_phases(events):
    """The time a run spent building: each stage's stretch from its `builds-started` event to
    the last `config-built` event before the stage goes on (an escapes or measure event, or the
    next stage). Returns (elapsed seconds, builds, Σ `wall_ns` of the builds in seconds); the
    elapsed time, not the sum, is what builds cost when `--jobs` runs several at once."""
    elapsed, builds, summed = 0.0, 0, 0.0
    start = last = None
    for t, e in events:
        reason = e.get("reason")
        if reason == "builds-started":
            if start is not None and last is not None:
                elapsed += last - start
            start, last = t, None
        elif reason == "config-built":
            builds += 1
            summed += (e.get("wall_ns") or 0) / 1e9
            if start is not None:
                last = t
        elif start is not None and last is not None:
            elapsed += last - start
            start = last = None
    if start is not None and last is not None:
        elapsed += last - start
    return elapsed, builds, summed


def dry_run_builds(project, *extra):
    """Every distinct `go build` of the matrix, from `tune --dry-run EXTRA`: [(env, argv)] with
    the `-o` operand left as gostart prints it (RUN stands for the run id)."""
    out = subprocess.run([GOSTART, "-C", project, "tune", "--dry-run", *extra], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"gostart tune --dry-run failed (exit {out.returncode}):\n{out.stderr}")
    seen, builds = set(), []
    for line in (out.stdout + "\n" + out.stderr).splitlines():
        line = line.strip()
        if not line.startswith("build: "):
            continue
        words = shlex.split(line[len("build: "):])
        env = {}
        while words and "=" in words[0] and not words[0].startswith("-") and words[0] != "go":
            key, _, value = words.pop(0).partition("=")
            env[key] = value
        key = (tuple(sorted(env.items())), tuple(words))
        if key not in seen:
            seen.add(key)
            builds.append((env, words))
    return builds


def prewarm(project, builds):
    """Runs each build's compile steps once so that go's build cache holds them: the build with
    its own env and flags but without `-ldflags` (only the link reads it, and go never caches a
    linked program), into a scratch file. Returns (distinct compiles, seconds)."""
    start = time.perf_counter()
    compiles = set()
    with tempfile.TemporaryDirectory(prefix="gostart-prewarm-") as tmp:
        for env, argv in builds:
            words, skip = [], False
            for i, w in enumerate(argv):
                if skip:
                    skip = False
                    continue
                if w in ("-o", "-ldflags"):
                    skip = True
                    continue
                if w.startswith("-ldflags="):
                    continue
                words.append(w)
            key = (tuple(sorted(env.items())), tuple(words))
            if key in compiles:
                continue
            compiles.add(key)
            cmd = [words[0], words[1], "-o", os.path.join(tmp, "bin"), *words[2:]]
            out = subprocess.run(cmd, cwd=project, env={**os.environ, **env}, capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"pre-warming failed: {' '.join(f'{k}={v}' for k, v in env.items())} {shlex.join(cmd)}\n"
                         f"{out.stderr}")
    return len(compiles), time.perf_counter() - start


def search_line(run):
    """One line on how a run searched: strategy, builds, the design's kind, runs and resolution."""
    s = run.get("search") or {}
    if not s:
        return "no `search` in results.json (a gostart before screening: the full product)"
    d = s.get("design") or {}
    design = f", design {d.get('kind')} {d.get('runs')} runs, resolution {d.get('resolution')}" if d else ""
    return (f"strategy {s.get('strategy')} ({s.get('why', '')}), {s.get('builds')} builds of "
            f"{s.get('matrix_builds')} ({s.get('matrix_configs')} configs){design}")


def builds_of(run, events):
    """The builds a run used: `search.builds`, else the `config-built` events counted."""
    s = run.get("search") or {}
    if s.get("builds") is not None:
        return s["builds"]
    return sum(1 for _, e in events if e.get("reason") == "config-built")


def fmt_secs(s):
    return f"{s / 60:.1f} min" if s >= 120 else f"{s:.1f} s"
