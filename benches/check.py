#!/usr/bin/env python3
"""How reliable is `gostart check` as a release gate on this machine?

The hello fixture (tests/fixtures/hello) is made a git repository. Its start-up is measured
with hyperfine, then a second commit adds an init() that busy-waits 20% of that start-up.

  A. unchanged: `gostart check --base HEAD` on the first commit, N times: how often it exits 0
     (goal: at least 19 of 20);
  B. +20%: `gostart check --base HEAD~1` on the second commit, N times: how often it exits 4
     over the start-up budget (default +2%) (goal: at least 19 of 20).

Usage: benches/check.py [--repeats N] [--quick] [--debug]   (needs go, git, cargo, hyperfine)
--quick runs 3 + 3; --debug uses target/debug/gostart instead of building the release one.
Prints the counts and the exit codes seen; nothing here is a pass/fail test.
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys

import _gostart
from _gostart import copy_project, hyperfine_times, machine, prepare, sh

GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]

SPIN = """package main

import "time"

// Busy-waits {us} µs in init: about 20% of the fixture's start-up, measured with hyperfine.
func init() {{
	deadline := time.Now().Add({us} * time.Microsecond)
	for time.Now().Before(deadline) {{
	}}
}}
"""


def git(project, *args):
    return sh([*GIT, *args], cwd=project)


def startup_us(project):
    """The fixture's median start-up in µs (hyperfine, no shell), built with a plain go build."""
    binary = os.path.join(project, "hello.bench")
    sh(["go", "build", "-o", binary, "."], cwd=project)
    times = hyperfine_times(binary, {}, runs=200)
    os.remove(binary)
    times.sort()
    return times[len(times) // 2] / 1e3


def check(project, base, gostart):
    out = subprocess.run([gostart, "-C", project, "check", "--base", base], capture_output=True, text=True)
    if out.returncode not in (0, 4):
        sys.exit(f"gostart check failed (exit {out.returncode}):\n{out.stderr}")
    return out.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="3 repeats of each")
    ap.add_argument("--debug", action="store_true", help="use target/debug/gostart (no release build)")
    a = ap.parse_args()
    repeats = 3 if a.quick else a.repeats
    if a.debug:
        for tool in ("go", "git", "hyperfine"):
            if not shutil.which(tool):
                sys.exit(f"{tool} is not on PATH")
        sh(["cargo", "build", "--quiet"], cwd=_gostart.ROOT)
        gostart = os.path.join(_gostart.ROOT, "target", "debug", "gostart")
    else:
        prepare("git", "hyperfine")
        gostart = _gostart.GOSTART
    print(machine())
    project = copy_project("tests/fixtures/hello")
    try:
        with open(os.path.join(project, ".gitignore"), "w") as f:
            f.write(".gostart/\n")
        git(project, "init", "--quiet")
        git(project, "add", ".")
        git(project, "commit", "--quiet", "-m", "hello")
        median = startup_us(project)
        spin = max(1, round(median * 0.20))
        print(f"fixture start-up: median {median:.0f} µs (hyperfine); the second commit adds {spin} µs (+20%)")

        unchanged = collections.Counter(check(project, "HEAD", gostart) for _ in range(repeats))
        with open(os.path.join(project, "spin.go"), "w") as f:
            f.write(SPIN.format(us=spin))
        git(project, "add", ".")
        git(project, "commit", "--quiet", "-m", "spin")
        slower = collections.Counter(check(project, "HEAD~1", gostart) for _ in range(repeats))

        print(f"A. unchanged: exit 0 in {unchanged[0]}/{repeats} (goal >= 19/20); exits {dict(unchanged)}")
        print(f"B. +20% start-up: exit 4 in {slower[4]}/{repeats} (goal >= 19/20); exits {dict(slower)}")
    finally:
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
