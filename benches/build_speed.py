#!/usr/bin/env python3
"""Build speed at scale: anxuan (with its search index) against Hugo.

Generates the benchmark corpus with benches/gen_corpus.py at 1,200 and
12,000 pages (10:1:1 articles, drills, cases; --seed 20240601), in anxuan's
schema and as a Hugo site, then builds each size with alternating runs
(anxuan, Hugo, anxuan, Hugo, ...; --runs of each) so both see the same
machine state. Every run is timed by /usr/bin/time -v (wall clock, peak
RSS). Reports medians, the anxuan/Hugo ratio of every run pair, pages per
second, output and search-index size, the 1,200 -> 12,000 scaling, and a
second anxuan build with nothing changed. Prints Markdown for BENCHMARKS.md.

    cargo build --release
    python3 benches/build_speed.py --bin target/release/anxuan --runs 5

Hugo is optional (apt-get install -y hugo); without it only anxuan runs.
Both sites paginate lists by 20 (the Hugo flavor's setting). The anxuan
site writes no 公众号 exports (`wechat_export: false`), as Hugo writes
none: the same pages for both; --wechat keeps them (one more file per
item) to measure what they cost.
"""

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = "2026-11-28T12:00:00+08:00"
SIZES = {1200: (1000, 100, 100), 12000: (10000, 1000, 1000)}


# --columns: the anxuan site declares its columns (issue 20) instead of
# relying on the four a site without `columns` has.
COLUMNS = """columns:
  - { folder: articles, title: 工作动态, kind: article }
  - { folder: drills, title: 应急演练, kind: drill }
  - { folder: cases, title: 警示案例, kind: case }
"""


def gen(out, flavor, size, columns=False, wechat=False):
    a, d, c = SIZES[size]
    subprocess.run(
        [sys.executable, os.path.join(HERE, "gen_corpus.py"), "--out", out,
         "--articles", str(a), "--drills", str(d), "--cases", str(c),
         "--seed", "20240601", "--flavor", flavor],
        check=True, stdout=subprocess.DEVNULL)
    if flavor == "anxuan":
        with open(os.path.join(out, "site.yaml"), "w", encoding="utf-8") as f:
            f.write("title: 安全生产五进宣传（基准站点）\nbase_url: https://example.org/\npaginate: 20\n")
            if not wechat:
                f.write("wechat_export: false\n")
            if columns:
                f.write(COLUMNS)
                if os.path.isdir(os.path.join(out, "content", "pages")):
                    f.write("  - { folder: pages, title: 页面, kind: page }\n")


def timed(cmd, cwd):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak RSS in MB)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, m, s = wall.groups()
    secs = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return secs, rss / 1024


def tree_size(path):
    files = total = 0
    for root, _, names in os.walk(path):
        for n in names:
            files += 1
            total += os.path.getsize(os.path.join(root, n))
    return files, total


def anxuan_build(binary, site, out):
    return timed([binary, "build", "--root", site, "--out", out, "--now", NOW], site)


TRASH = []


def clear(out):
    """Moves a previous output aside (deleted at the end, untimed) and
    flushes to disk. Deleting it here made every following build slower on
    ext4, for both tools, run after run: creating files right after a mass
    deletion makes the inode allocator skip the recently freed inodes."""
    if os.path.exists(out):
        aside = f"{out}.old-{os.getpid()}-{len(TRASH)}"
        os.rename(out, aside)
        TRASH.append(aside)
    os.sync()


def hugo_build(site, out, keep=False):
    if not keep:
        clear(out)
    return timed(["hugo", "--quiet", "--source", site, "--destination", out], site)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="target/release/anxuan")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="1200,12000")
    ap.add_argument("--work", default=None, help="folder for the corpora (default: a temp dir)")
    ap.add_argument("--columns", action="store_true",
                    help="the anxuan site declares its columns in site.yaml")
    ap.add_argument("--wechat", action="store_true",
                    help="the anxuan site writes its 公众号 exports too")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    have_hugo = shutil.which("hugo") is not None
    work = args.work or tempfile.mkdtemp(prefix="anxuan-bench-")
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        ax = os.path.join(work, f"anxuan-{size}" + ("-columns" if args.columns else "")
                          + ("-wechat" if args.wechat else ""))
        hg = os.path.join(work, f"hugo-{size}")
        if not os.path.isdir(ax):
            gen(ax, "anxuan", size, args.columns, args.wechat)
        if have_hugo and not os.path.isdir(hg):
            gen(hg, "hugo", size)
        ax_out, hg_out = os.path.join(work, f"out-anxuan-{size}"), os.path.join(work, f"out-hugo-{size}")
        # One warm-up of each (page cache, binary), not counted.
        clear(ax_out)
        anxuan_build(binary, ax, ax_out)
        if have_hugo:
            hugo_build(hg, hg_out)
        runs = {"anxuan": [], "hugo": [], "again": [], "hugo_again": []}
        for i in range(args.runs):
            clear(ax_out)
            runs["anxuan"].append(anxuan_build(binary, ax, ax_out))
            if have_hugo:
                runs["hugo"].append(hugo_build(hg, hg_out))
                # Hugo's everyday use: build over the existing public/.
                os.sync()
                runs["hugo_again"].append(hugo_build(hg, hg_out, keep=True))
            # Nothing changed: a second build over the existing output.
            os.sync()
            runs["again"].append(anxuan_build(binary, ax, ax_out))
            print(f"[{size}] run {i + 1}: anxuan {runs['anxuan'][-1][0]:.2f} s"
                  + (f", hugo {runs['hugo'][-1][0]:.2f} s" if have_hugo else "")
                  + f", anxuan again {runs['again'][-1][0]:.2f} s"
                  + (f", hugo again {runs['hugo_again'][-1][0]:.2f} s" if have_hugo else ""), file=sys.stderr)
        files, total = tree_size(ax_out)
        sfiles, stotal = tree_size(os.path.join(ax_out, "search"))
        hfiles, htotal = tree_size(hg_out) if have_hugo else (0, 0)
        results[size] = dict(runs=runs, files=files, bytes=total, sfiles=sfiles, sbytes=stotal,
                             hfiles=hfiles, hbytes=htotal)
    for old in TRASH:
        shutil.rmtree(old, ignore_errors=True)

    print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; "
          f"anxuan: {subprocess.run([binary, '--version'], capture_output=True, text=True).stdout.strip()}"
          + ("; " + subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split(" BuildDate")[0]
             if have_hugo else "; Hugo not installed"))
    print()
    print("| pages | anxuan (median) | Hugo (median) | anxuan / Hugo per run pair | anxuan peak RSS | Hugo peak RSS "
          "| anxuan pages/s | second build, nothing changed | output | search index |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for size, r in results.items():
        a = [t for t, _ in r["runs"]["anxuan"]]
        h = [t for t, _ in r["runs"]["hugo"]]
        ratios = [x / y for x, y in zip(a, h)]
        ar = max(m for _, m in r["runs"]["anxuan"])
        hr = max(m for _, m in r["runs"]["hugo"]) if h else float("nan")
        again = [t for t, _ in r["runs"]["again"]]
        print(f"| {size:,} | {median(a):.2f} s | {median(h):.2f} s | "
              + (", ".join(f"{x:.2f}" for x in ratios) + f" (median {median(ratios):.2f})" if ratios else "—")
              + f" | {ar:.0f} MB | {hr:.0f} MB | {size / median(a):,.0f} | {median(again):.2f} s "
              f"| {r['files']:,} files, {r['bytes'] / 2**20:.0f} MB | {r['sfiles']:,} files, {r['sbytes'] / 2**20:.1f} MB |")
    if have_hugo:
        print()
        print("Rebuild over the previous output, nothing changed (each tool's everyday use):")
        print()
        print("| pages | anxuan (median) | Hugo (median) | anxuan / Hugo per run pair |")
        print("|---:|---:|---:|---|")
        for size, r in results.items():
            a = [t for t, _ in r["runs"]["again"]]
            h = [t for t, _ in r["runs"]["hugo_again"]]
            ratios = [x / y for x, y in zip(a, h)]
            print(f"| {size:,} | {median(a):.2f} s | {median(h):.2f} s | "
                  + ", ".join(f"{x:.2f}" for x in ratios) + f" (median {median(ratios):.2f}) |")
    if 1200 in results and 12000 in results:
        small = median([t for t, _ in results[1200]["runs"]["anxuan"]])
        big = median([t for t, _ in results[12000]["runs"]["anxuan"]])
        print(f"\nScaling 1,200 -> 12,000 pages: {big / small:.1f}x the time (target <= 11x).")
        if results[12000]["runs"]["hugo"]:
            rss = max(m for _, m in results[12000]["runs"]["anxuan"])
            hrss = max(m for _, m in results[12000]["runs"]["hugo"])
            print(f"Peak memory at 12,000 pages: {rss / hrss:.2f}x Hugo's (target <= 0.25x).")


if __name__ == "__main__":
    main()
