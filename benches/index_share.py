#!/usr/bin/env python3
"""How much the search index adds to a build (BENCHMARKS.md, "Search").

Builds a site N times into a fresh output folder with `anxuan build -v` and
reads the per-stage timing line: the index share of each run is the search
stage (`search+write`: building the index and writing its files) divided by
the sum of all other stages. Prints every run and the median. Run it once with
the output on the disk the site lives on, and once with `--out` on a RAM disk
(/dev/shm) to see the share without file-system costs. Standard library only.

    python3 benches/index_share.py --bin target/release/anxuan --site /tmp/c12k --runs 5
    python3 benches/index_share.py --bin target/release/anxuan --site /tmp/c12k \\
        --out /dev/shm/anxuan-out --runs 5
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys

INDEX_STAGES = ("search", "write index", "search+write")


def stages(line):
    """{'parse': 257, ...} from a `Timings discover 22 ms, parse 257 ms, …` line."""
    body = line.split("Timings", 1)[1]
    return {name.strip(): int(ms) for name, ms in re.findall(r"([a-z+ ]+?) (\d+) ms", body)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="target/release/anxuan")
    ap.add_argument("--site", required=True)
    ap.add_argument("--out", help="output folder (default: <site>/public)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--now", default="2026-11-29T00:00:00Z")
    args = ap.parse_args()
    out = args.out or os.path.join(args.site, "public")
    shares = []
    for run in range(1, args.runs + 1):
        shutil.rmtree(out, ignore_errors=True)
        p = subprocess.run(
            [args.bin, "build", "-v", "--root", args.site, "--out", out, "--now", args.now],
            capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"build failed:\n{p.stderr}")
        line = next((l for l in p.stderr.splitlines() if "Timings" in l), None)
        if line is None:
            sys.exit("no Timings line (is this anxuan with -v?)")
        s = stages(line)
        index = sum(v for k, v in s.items() if k in INDEX_STAGES)
        rest = sum(v for k, v in s.items() if k not in INDEX_STAGES)
        shares.append(index / rest)
        print(f"run {run}: index {index} ms, everything else {rest} ms, "
              f"share {100 * index / rest:.1f} %")
    print(f"median share {100 * statistics.median(shares):.1f} % "
          f"(min {100 * min(shares):.1f} %, max {100 * max(shares):.1f} %) over {len(shares)} runs")


if __name__ == "__main__":
    main()
