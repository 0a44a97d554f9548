#!/usr/bin/env python3
"""Size attribution on real programs (issue 14): age v1.3.2 `cmd/age` and caddy v2.11.9
`cmd/caddy`, each built plain and with `-ldflags=-s -w` by `gostart tune`, then read by
`gostart size`.

For each program and build it prints:
  - the six largest packages by code (`.text`) as `gostart size` attributes them, against the sum
    of their text symbols' sizes in `go tool nm -size` of the *unstripped* build (goal: within
    10%, for the `-s -w` build too, which has no symbol table: its code comes from the pclntab);
  - whether packages + no-package parts + unattributed add up to the file size (goal: within 1%)
    and how much is unattributed;
  - the wall time of `gostart size --format json` (process start, loading the run, reading and
    attributing the binary, printing), the median of 5 (goal for caddy, an ~80 MiB binary:
    under 1 s).

Usage: benches/size_attribution.py [--only age|caddy] [--keep]
       (needs go, cargo and the module proxy; a few minutes from a cold build cache, most of it
       caddy's `go build`)
Prints a report to stdout; nothing here is a pass/fail test.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import time

from _gostart import GOSTART, by_name, fetch_module, machine, prepare, sh, tune

PROGRAMS = {
    "age": ("filippo.io/age@v1.3.2", "./cmd/age", ["--version"]),
    "caddy": ("github.com/caddyserver/caddy/v2@v2.11.9", "./cmd/caddy", ["version"]),
}
STRIPPED = 'ldflags="-s -w"'


def toml(package, args):
    return (f'[target]\npackage = "{package}"\nargs = {json.dumps(args)}\n\n'
            '[matrix]\nldflags = ["", "-s -w"]\n')


def package_of(symbol):
    """The package of a text symbol as Go names it: the path up to the first '.' after the last
    '/' (outside generic brackets), with %-escapes undone. None for the linker's own symbols."""
    if symbol.startswith(("type:", "go:")) or "." not in symbol:
        return None
    name = symbol.split("[", 1)[0]
    slash = name.rfind("/")
    dot = name.find(".", slash + 1)
    if dot < 0:
        return None
    return re.sub(r"%([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), name[:dot])


def nm_code(binary):
    """Bytes of text symbols (T/t) per package in `go tool nm -size`."""
    code = {}
    for line in sh(["go", "tool", "nm", "-size", binary]).stdout.splitlines():
        fields = line.split(None, 3)
        if len(fields) == 4 and fields[2] in ("T", "t"):
            package = package_of(fields[3])
            if package:
                code[package] = code.get(package, 0) + int(fields[1])
    return code


def size_json(project, name):
    """`gostart size --config NAME --format json`: (the attribution, median wall seconds of 5)."""
    walls, out = [], None
    for _ in range(5):
        start = time.perf_counter()
        out = subprocess.run([GOSTART, "-C", project, "size", "--config", name, "--format", "json"],
                             capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - start)
    return json.loads(out.stdout), statistics.median(walls)


def report(label, view, nm, wall):
    file_bytes = view["file_bytes"]
    packages = sum(p["bytes"] for p in view["packages"])
    other = sum(view["other"].values())
    parts = packages + other + view["unattributed"]
    print(f"  {label}: {file_bytes / 2**20:.1f} MiB; packages {packages / 2**20:.1f} MiB, no package "
          f"{other / 2**20:.1f} MiB, unattributed {view['unattributed']} B "
          f"({view['unattributed'] * 100 / file_bytes:.3f}%); parts add up to {parts} "
          f"({(parts / file_bytes - 1) * 100:+.3f}% of the file: goal within 1%)")
    print(f"  {label}: `gostart size --format json` median {wall * 1000:.0f} ms of 5 (goal for caddy < 1000 ms)")
    by_code = sorted(view["packages"], key=lambda p: -p["sections"].get(".text", 0))[:6]
    worst = 0.0
    for p in by_code:
        code = p["sections"].get(".text", 0)
        expected = nm.get(p["package"], 0)
        off = (code / expected - 1) * 100 if expected else float("inf")
        worst = max(worst, abs(off))
        print(f"    {p['package']:<44} code {code:>10}  nm {expected:>10}  {off:+6.2f}%")
    print(f"  {label}: the six largest packages' code within {worst:.2f}% of nm (goal: within 10%)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=sorted(PROGRAMS))
    ap.add_argument("--keep", action="store_true", help="keep the projects in /tmp")
    a = ap.parse_args()
    prepare()
    print(machine())
    for name, (module, package, args) in PROGRAMS.items():
        if a.only and a.only != name:
            continue
        project = fetch_module(module, toml(package, args))
        try:
            start = time.perf_counter()
            run = tune(project, None, "--runs", "5", "--no-escapes")
            print(f"\n{module} {package}: tuned plain and -s -w in {time.perf_counter() - start:.0f} s "
                  f"({project if a.keep else 'removed after'})")
            run_dir = os.path.join(project, ".gostart", "runs", run["run_id"])
            plain = by_name(run, "default")
            binary = os.path.join(run_dir, run["binaries"][plain["build_id"]]["path"])
            nm = nm_code(binary)
            for config in ("default", STRIPPED):
                view, wall = size_json(project, config)
                assert view["file_bytes"] == by_name(run, config)["size"]["bytes"]
                report(config, view, nm, wall)
        finally:
            if not a.keep:
                shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
