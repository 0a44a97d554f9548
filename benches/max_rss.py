#!/usr/bin/env python3
"""Is gostart's max RSS the program's own? Compares `startup.max_rss_kib` in results.json with
GNU time's `%M` on the same binaries, on:

  tiny     `func main() {}`
  alloc64  a program that allocates and touches 64 MiB
  age      filippo.io/age/cmd/age@v1.3.2 --version             (from the module proxy)
  caddy    github.com/caddyserver/caddy/v2/cmd/caddy@v2.11.9 version   (--caddy; a slow build)

Goal: within 10% of GNU time. Before the probe spawner, gostart read ~10 MiB more (its own
memory at fork). Usage: benches/max_rss.py [--caddy] [--runs N]   (needs go, cargo, /usr/bin/time)
Prints a report to stdout; nothing here is a pass/fail test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOSTART = os.path.join(ROOT, "target", "release", "gostart")


ALLOC64 = """package main

var sink []byte

func main() {
	sink = make([]byte, 64<<20)
	for i := 0; i < len(sink); i += 4096 {
		sink[i] = 1
	}
}
"""


def sh(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def module(dir, name, main_go=None, require=None):
    os.makedirs(dir, exist_ok=True)
    with open(os.path.join(dir, "go.mod"), "w") as f:
        f.write(f"module {name}\n\ngo 1.24\n")
    if main_go:
        with open(os.path.join(dir, "main.go"), "w") as f:
            f.write(main_go)
    if require:
        sh(["go", "get", require], cwd=dir)


def gostart_rss(project, package, args, env, runs):
    toml = f"""[target]
package = {json.dumps(package)}
args = {json.dumps(args)}
env = {json.dumps(env).replace('":', '" =')}
[measure]
runs = {runs}
warmup = 1
[matrix]
ldflags = [""]
"""
    with open(os.path.join(project, "gostart.toml"), "w") as f:
        f.write(toml)
    out = subprocess.run([GOSTART, "-C", project, "tune", "--format", "json", "--no-inittrace", "--no-escapes"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"gostart failed on {package}:\n{out.stderr}")
    run = json.loads(out.stdout)
    c = run["configs"][0]
    binary = os.path.join(project, ".gostart", "runs", run["run_id"], c["build_id"],
                          os.path.basename(package.rstrip("/")) if package != "." else os.path.basename(project))
    peaks = sorted(s["max_rss_kib"] for s in c["samples"])
    return statistics.median(peaks), peaks[-1], binary


def gnu_time_rss(binary, args, env, runs):
    peaks = []
    for _ in range(runs):
        out = subprocess.run(["/usr/bin/time", "-f", "%M", binary, *args], capture_output=True, text=True,
                             env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        peaks.append(int(out.stderr.strip().splitlines()[-1]))
    peaks.sort()
    return statistics.median(peaks), peaks[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--caddy", action="store_true", help="also caddy (a build of several minutes)")
    ap.add_argument("--runs", type=int, default=20)
    a = ap.parse_args()
    sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    print(f"machine: {os.cpu_count()} CPUs; {sh(['go', 'version']).stdout.strip()}")
    print(f"{a.runs} runs each; median (and max) of max RSS in KiB\n")
    print(f"   {'program':9} {'gostart':>16} {'GNU time':>16}   ratio (medians)")
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        d = os.path.join(tmp, "tiny")
        module(d, "example.com/tiny", "package main\n\nfunc main() {}\n")
        cases.append(("tiny", d, ".", [], {}))
        d = os.path.join(tmp, "alloc64")
        module(d, "example.com/alloc64", ALLOC64)
        cases.append(("alloc64", d, ".", [], {}))
        d = os.path.join(tmp, "age")
        module(d, "example.com/agetune", require="filippo.io/age/cmd/age@v1.3.2")
        cases.append(("age", d, "filippo.io/age/cmd/age", ["--version"], {}))
        if a.caddy:
            d = os.path.join(tmp, "caddy")
            module(d, "example.com/caddytune", require="github.com/caddyserver/caddy/v2/cmd/caddy@v2.11.9")
            cases.append(("caddy", d, "github.com/caddyserver/caddy/v2/cmd/caddy", ["version"], {}))
        for name, project, package, args, env in cases:
            g_med, g_max, binary = gostart_rss(project, package, args, env, a.runs)
            t_med, t_max = gnu_time_rss(binary, args, env, a.runs)
            print(f"   {name:9} {g_med:>9.0f} ({g_max:>5}) {t_med:>9.0f} ({t_max:>5})   {g_med / t_med:.3f}")


if __name__ == "__main__":
    main()
