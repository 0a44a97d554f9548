"""Helpers the benchmarks under benches/ share: run gostart and hyperfine, copy a fixture, say
what machine the figures come from. Not a benchmark itself (the leading `_` says so)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOSTART = os.path.join(ROOT, "target", "release", "gostart")


def sh(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def prepare(*tools):
    """Checks that every tool is on PATH and builds the release gostart the benchmarks run."""
    for tool in ("go", "cargo", *tools):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not on PATH")
    sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)


def machine():
    """One line on the machine: CPUs, load, Go (and hyperfine when installed)."""
    facts = [f"{os.cpu_count()} CPUs", f"load {os.getloadavg()[0]:.2f}", sh(["go", "version"]).stdout.strip()]
    if shutil.which("hyperfine"):
        facts.append(sh(["hyperfine", "--version"]).stdout.strip())
    return "machine: " + "; ".join(facts)


def copy_project(src, prefix="gostart-bench-"):
    """A writable copy of `src` (relative to the repository root, or absolute) in a new temp dir."""
    dst = tempfile.mkdtemp(prefix=prefix)
    shutil.copytree(os.path.join(ROOT, src), dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".gostart"))
    return dst


def fetch_module(module, toml):
    """A writable copy of a module from the module proxy (`path@version`) with `toml` as its
    gostart.toml, its dependencies downloaded into the usual module cache."""
    cache = tempfile.mkdtemp(prefix="gostart-modcache-")
    env = {**os.environ, "GOMODCACHE": cache, "GOFLAGS": "-modcacherw"}  # -modcacherw: removable after
    info = json.loads(sh(["go", "mod", "download", "-json", module], env=env, cwd=cache).stdout)
    name = module.split("@")[0].rstrip("/").split("/")[-1]
    project = tempfile.mkdtemp(prefix=f"gostart-{name}-")
    shutil.copytree(info["Dir"], project, dirs_exist_ok=True)
    shutil.rmtree(cache, ignore_errors=True)
    for d, _, files in os.walk(project):  # the module cache's files are read-only
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    sh(["go", "mod", "download"], cwd=project)  # its dependencies, into the usual module cache
    write_toml(project, toml)
    return project


def write_toml(project, toml):
    with open(os.path.join(project, "gostart.toml"), "w") as f:
        f.write(toml)


def tune(project, toml, *extra):
    """`gostart tune --format json --no-inittrace EXTRA` in `project` with `toml` as its
    gostart.toml (None: leave it as it is); the parsed results.json."""
    return tune_timed(project, toml, "--no-inittrace", *extra)[0]


def tune_timed(project, toml, *extra):
    """`gostart tune --format json EXTRA`: (results.json, wall seconds of the whole command)."""
    if toml is not None:
        write_toml(project, toml)
    start = time.perf_counter()
    out = subprocess.run([GOSTART, "-C", project, "tune", "--format", "json", *extra], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode not in (0, 3):
        sys.exit(f"gostart failed (exit {out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout), wall


def by_name(run, name):
    return next(c for c in run["configs"] if c["name"] == name)


def probe_runs(run):
    """Timed probe runs of the configurations: `schedule.probe_runs` when the run records a
    schedule, else the samples counted (what a fixed schedule records too)."""
    sched = run.get("schedule") or {}
    if sched.get("probe_runs"):
        return sched["probe_runs"]
    return sum(len(c.get("samples") or []) for c in run["configs"])


def binary_of(config):
    """The binary a config's `go build` wrote: the operand of `-o` in its argv."""
    argv = config["argv"]
    return argv[argv.index("-o") + 1]


def hyperfine_times(binary, env, runs=200, warmup=5, args=()):
    """hyperfine -N's wall times of `binary ARGS` with `env` added, in nanoseconds."""
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        cmd = " ".join([binary, *args])  # -N splits on whitespace; no shell runs it
        sh(["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(runs), "--export-json", tmp.name, cmd],
           env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        with open(tmp.name) as f:
            return [t * 1e9 for t in json.load(f)["results"][0]["times"]]

