#!/usr/bin/env python3
"""What does the escape report cost? `gostart escape` with no saved run compiles the module's
own packages once with `-m -json=0,DIR` (no link). This times it against a plain `go build` of
the same program, each in a fresh copy of the module, so the module's packages are compiled
anew by both while the standard library comes from go's cache. Medians of N turns.

Usage: benches/escape_cost.py [--turns N]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOSTART = os.path.join(ROOT, "target", "release", "gostart")
PROGRAMS = ["examples/startup-demo", "tests/fixtures/escapes", "tests/fixtures/multi"]


def timed(argv, cwd):
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def fresh_copy(src):
    dst = tempfile.mkdtemp(prefix="gostart-esc-")
    shutil.copytree(os.path.join(ROOT, src), dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".gostart"))
    return dst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--turns", type=int, default=5)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    print(f"{'program':<26} {'go build':>9} {'escape report':>14} {'ratio':>6}")
    for prog in PROGRAMS:
        pkg = "./cmd/a" if prog.endswith("multi") else "."
        builds, reports = [], []
        for _ in range(args.turns):
            a, b = fresh_copy(prog), fresh_copy(prog)
            builds.append(timed(["go", "build", "-o", os.path.join(a, "bin"), pkg], a))
            reports.append(timed_escape(b, pkg))
            shutil.rmtree(a)
            shutil.rmtree(b)
        g, e = statistics.median(builds), statistics.median(reports)
        print(f"{prog:<26} {g * 1000:>7.0f}ms {e * 1000:>12.0f}ms {e / g:>6.2f}")


def timed_escape(d, pkg):
    if pkg != ".":
        with open(os.path.join(d, "gostart.toml"), "w") as f:
            f.write(f'[target]\npackage = "{pkg}"\n')
    return timed([GOSTART, "-C", d, "escape"], d)


if __name__ == "__main__":
    main()
