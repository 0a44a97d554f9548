#!/usr/bin/env python3
"""Why is chroma linked into caddy, and what would dropping it save? (issue 14)

caddy v2.11.9 `./cmd/caddy version`, tuned plain and `-s -w` (init traces on). For each build,
`gostart explain --package github.com/alecthomas/chroma/v2/lexers` prints the import chain from
main, the lexers' init time and bytes, the same with the packages only they bring in, and the
import to drop (the narrowest one a package of caddy's module imports). The benchmark then makes
a copy of caddy without that import (`modules/caddyhttp/templates/tplcontext.go` loses it and the
one call that uses it), builds the same two configurations there with `gostart tune`, and compares
the size explain said dropping the import saves with the real difference of the two files
(goal: within 10%), and explain's init saving with the difference of the two runs' init totals.

Usage: benches/explain_caddy.py [--keep]
       (needs go, cargo and the module proxy; a few minutes with a warm build cache)
Prints a report to stdout; nothing here is a pass/fail test.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

from _gostart import GOSTART, by_name, fetch_module, machine, prepare, tune_timed

CADDY = "github.com/caddyserver/caddy/v2@v2.11.9"
LEXERS = "github.com/alecthomas/chroma/v2/lexers"
TEMPLATES = "modules/caddyhttp/templates/tplcontext.go"
TOML = """[target]
package = "./cmd/caddy"
args = ["version"]

[matrix]
ldflags = ["", "-s -w"]
"""
CONFIGS = ("default", 'ldflags="-s -w"')


def explain(project, config):
    out = subprocess.run([GOSTART, "-C", project, "explain", "--config", config, "--package", LEXERS,
                          "--format", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"gostart explain failed (exit {out.returncode}):\n{out.stderr}")
    doc = json.loads(out.stdout)
    entries = [e for e in doc["slowest_init"] + doc["largest"] if e["package"] == LEXERS]
    if not entries:
        sys.exit(f"explain did not explain {LEXERS}: {out.stdout}")
    return entries[0]


def without_import(project, imported, keep_formatter):
    """A copy of `project` whose templates package no longer imports `imported` (its one use, the
    markdown highlighting extension, removed with it). With `keep_formatter`, the chroma HTML
    formatter that the extension was given is still made (so the linker keeps what templates
    still imports: only the import goes); without, it goes too (the feature goes)."""
    copy = project + ("-without-import" if keep_formatter else "-without-feature")
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".gostart"))
    path = os.path.join(copy, TEMPLATES)
    with open(path) as f:
        src = f.read()
    line = re.search(rf'^\s*(\w+\s+)?"{re.escape(imported)}"\n', src, re.M)
    if not line:
        sys.exit(f"{TEMPLATES} does not import {imported}: pick the benchmark's edit again")
    alias = (line.group(1) or imported.rstrip("/").split("/")[-1]).strip()
    src = src.replace(line.group(0), "")
    # The extension's one use: `alias.NewHighlighting(...),` with its nested options.
    start = src.index(f"{alias}.NewHighlighting(")
    depth, i = 0, start
    while True:
        depth += {"(": 1, ")": -1}.get(src[i], 0)
        i += 1
        if depth == 0 and src[i - 1] == ")":
            break
    end = i + 1 if src[i] == "," else i
    src = src[:start] + src[end:]
    if keep_formatter:
        # The formatter the removed call configured is still made, so that only `imported` goes.
        src += ("\n// Kept so that the benchmark drops one import only.\n"
                "var keptFormatter = chromahtml.New(chromahtml.WithClasses(true))\n")
    else:
        src = re.sub(r'^\s*chromahtml "[^"]+"\n', "", src, flags=re.M)
    with open(path, "w") as f:
        f.write(src)
    return copy


def mib(b):
    return f"{b / 2**20:.2f} MiB"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep", action="store_true", help="keep the projects in /tmp")
    a = ap.parse_args()
    prepare()
    print(machine())
    project = fetch_module(CADDY, TOML)
    copies = []
    try:
        run, wall = tune_timed(project, None, "--runs", "10", "--no-escapes")
        print(f"{CADDY} ./cmd/caddy: tuned plain and -s -w in {wall:.0f} s")
        explained = {c: explain(project, c) for c in CONFIGS}
        e = explained["default"]
        print(f"\n{LEXERS} in default: init {e['init_ns'] / 1e6:.2f} ms, {mib(e['bytes'])}")
        print(f"  chain: {' → '.join(e['chain'])}")
        x = e["exclusive"]
        print(f"  with what only it brings in: {x['packages']} package(s), {x['init_ns'] / 1e6:.2f} ms, {mib(x['bytes'])}")
        drop = e["narrow_drop"] or e["drop"]
        if not drop:
            sys.exit("explain names no import to drop")
        for kind in ("drop", "narrow_drop"):
            d = e[kind]
            if d:
                print(f"  {kind}: `{d['import']}` (imported by {d['imported_by']}, {d['importers']} importer(s)) saves "
                      f"{d['saves']['packages']} package(s), {d['saves']['init_ns'] / 1e6:.2f} ms, {mib(d['saves']['bytes'])}")
        print(f"  the benchmark drops `{drop['import']}`")
        for keep_formatter, what in ((True, "that import only (the HTML formatter it was given still made)"),
                                     (False, "the feature: that import and the HTML formatter it alone used")):
            copy = without_import(project, drop["import"], keep_formatter)
            copies.append(copy)
            other, wall = tune_timed(copy, None, "--runs", "10", "--no-escapes")
            print(f"\n  a copy without {what}: tuned in {wall:.0f} s")
            print(f"  {'config':<18} {'explain: saves':>16} {'real difference':>16} {'explain/real':>13}"
                  "   init saves (explain / real)")
            for c in CONFIGS:
                d = explained[c]["narrow_drop"] or explained[c]["drop"]
                assert d["import"] == drop["import"], (c, d)
                real = by_name(run, c)["size"]["bytes"] - by_name(other, c)["size"]["bytes"]
                init = [(by_name(r, c).get("init") or {}).get("total_clock_ns", 0) for r in (run, other)]
                print(f"  {c:<18} {mib(d['saves']['bytes']):>16} {mib(real):>16} "
                      f"{d['saves']['bytes'] / real:>12.3f}×   {d['saves']['init_ns'] / 1e6:.2f} ms / "
                      f"{(init[0] - init[1]) / 1e6:.2f} ms")
        print("\n(goal: explain's size within 10% of the real difference, i.e. 0.90×–1.10×)")
    finally:
        if not a.keep:
            for p in [project, *copies]:
                shutil.rmtree(p, ignore_errors=True)
        else:
            print(f"kept: {project} {' '.join(copies)}")


if __name__ == "__main__":
    main()
