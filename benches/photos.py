#!/usr/bin/env python3
"""Phone photos (issue 22): what a build costs and what a phone downloads.

Writes a site of --photos articles, each with one 12-megapixel phone photo
(examples/phone_photos.rs: 4000x3000 JPEG at quality 92, ~3.4 MB, EXIF
orientation 6 and GPS), and the same site without the photos. Builds:
the photo site with an empty image cache (every photo decoded, turned,
scaled to four widths and encoded), again with the cache (no image work),
and the site without photos; each timed by /usr/bin/time -v (wall clock,
peak RSS), --runs times, medians. Then serves the output and measures, in
headless Chromium at 360 px (pixel ratio 2 and 3), the bytes of HTML, CSS,
JS and the image the browser picks (benches/photo_bytes.mjs).

    cargo build --release && cargo build --release --example phone_photos
    python3 benches/photos.py --bin target/release/anxuan --photos 200
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import http.server
import functools

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from build_speed import timed  # noqa: E402  (/usr/bin/time -v: seconds, peak MB)
NOW = "2026-11-28T12:00:00+08:00"


def write_site(root, photos, with_photos):
    os.makedirs(os.path.join(root, "content/articles/img"), exist_ok=True)
    with open(os.path.join(root, "site.yaml"), "w") as f:
        f.write("title: 照片测试\nbase_url: https://aq.example.gov.cn/\n")
    for i in range(photos):
        name = f"IMG_{i + 1:04}.jpg"
        body = f"![第 {i + 1} 次检查现场](img/{name})\n\n" if with_photos else ""
        body += "街道安委办组织检查组深入辖区企业，对消防通道、电气线路和燃气管道逐项检查。\n" * 6
        with open(os.path.join(root, f"content/articles/a{i:04}.md"), "w") as f:
            f.write(f"---\ntitle: 安全检查第 {i + 1} 期\ndate: 2026-11-{1 + i % 27:02}\n---\n\n{body}")
        if with_photos:
            shutil.copy(os.path.join(root, "..", "photos", name), os.path.join(root, "content/articles/img", name))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(REPO, "target/release/anxuan"))
    ap.add_argument("--gen", default=os.path.join(REPO, "target/release/examples/phone_photos"))
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "")
    ap.add_argument("--work", default=None)
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="anxuan-photos-")
    subprocess.run([a.gen, os.path.join(work, "photos"), str(a.photos)], check=True)
    photo_bytes = sum(os.path.getsize(os.path.join(work, "photos", n)) for n in os.listdir(os.path.join(work, "photos")))
    with_dir, without_dir = os.path.join(work, "with"), os.path.join(work, "without")
    for d, w in ((with_dir, True), (without_dir, False)):
        shutil.rmtree(d, ignore_errors=True)
        write_site(d, a.photos, w)
    build = lambda d: timed([a.bin, "-q", "build", "--root", d, "--now", NOW], cwd=d)
    cold, warm, plain = [], [], []
    for _ in range(a.runs):
        shutil.rmtree(os.path.join(with_dir, ".anxuan-cache"), ignore_errors=True)
        cold.append(build(with_dir))
        warm.append(build(with_dir))
        plain.append(build(without_dir))
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    cores = os.cpu_count()
    image_secs = med(cold, 0) - med(plain, 0)
    print(f"| {a.photos} photos, {photo_bytes / a.photos / 1e6:.1f} MB each, {cores} cores | median of {a.runs} |")
    print(f"| first build (empty cache) | {med(cold, 0):.2f} s, {med(cold, 1):.0f} MB peak |")
    print(f"| second build (cache) | {med(warm, 0):.2f} s = {med(warm, 0) / med(plain, 0):.2f}x the site without photos ({med(plain, 0):.2f} s), {med(warm, 1):.0f} MB peak |")
    print(f"| photos per second | {a.photos / image_secs:.1f} ({a.photos / image_secs / cores:.1f} per core) |")
    out = os.path.join(with_dir, "public")
    print(f"| published images | {sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs if f.endswith('.jpg')) / 1e6:.1f} MB (sources {photo_bytes / 1e6:.0f} MB) |")
    if a.chromium:
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=out)
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{srv.server_address[1]}/articles/a0000/"
        res = subprocess.run(["node", os.path.join(HERE, "photo_bytes.mjs"), a.chromium, url],
                             capture_output=True, text=True, cwd=REPO)
        srv.shutdown()
        for line in res.stdout.splitlines():
            r = json.loads(line)
            print(f"| article at 360 px, DPR {r['dpr']} | {r['total'] / 1024:.0f} KB: {json.dumps({k: round(v / 1024) for k, v in r['byType'].items()})}, image {r['images']} |")
        if res.returncode != 0:
            print(res.stderr, file=sys.stderr)


if __name__ == "__main__":
    main()
