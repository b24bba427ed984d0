#!/usr/bin/env python3
"""Edit -> reload latency of `anxuan serve` (BENCHMARKS.md, "Live reload").

Starts `anxuan serve --port 0` on a site, listens on /__anxuan/events like a
browser, then edits one article's body N times. Each sample is the wall time
from just before the file is written to the arrival of the `reload` event
(watcher + debounce + rebuild + diff + broadcast). Prints every sample, the
median, and the server's own "Rebuilt in X ms" lines. Standard library only.

    python3 benches/gen_corpus.py --out /tmp/c12k --articles 10000 --drills 1000 \
        --cases 1000 --seed 20240601 --flavor anxuan
    printf 'title: bench\\n' > /tmp/c12k/site.yaml
    cargo build --release
    python3 benches/serve_latency.py --bin target/release/anxuan --site /tmp/c12k

The article is restored when the run ends. ALL_TIMINGS=1 prints every
rebuild's stage timings (`-v`), not only the last one's.
"""

import argparse
import json
import os
import queue
import re
import socket
import statistics
import subprocess
import sys
import threading
import time


def read_lines(stream, q):
    for raw in stream:
        q.put(raw.decode("utf-8", "replace").rstrip("\n"))
    q.put(None)


def wait_line(q, pattern, timeout, log):
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit("timed out waiting for %r; stderr:\n%s" % (pattern, "\n".join(log)))
        try:
            line = q.get(timeout=left)
        except queue.Empty:
            continue
        if line is None:
            raise SystemExit("anxuan serve exited; stderr:\n" + "\n".join(log))
        log.append(line)
        m = re.search(pattern, line)
        if m:
            return m


class Events:
    """A minimal reader of the live-reload WebSocket on a raw socket
    (RFC 6455: the handshake, then unmasked server frames)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(
            b"GET /__anxuan/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        self.q = queue.Queue()
        threading.Thread(target=self._run, daemon=True).start()

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _run(self):
        self.buf = b""
        try:
            while b"\r\n\r\n" not in self.buf:
                self.buf += self.sock.recv(65536) or b""
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            if not head.startswith(b"HTTP/1.1 101"):
                raise EOFError
            while True:
                b0, b1 = self._read(2)
                n = b1 & 0x7F
                if n == 126:
                    n = int.from_bytes(self._read(2), "big")
                elif n == 127:
                    n = int.from_bytes(self._read(8), "big")
                payload = self._read(n)
                if b0 & 0x0F == 1:  # a text frame: {"event": ..., "data": ...}
                    name = json.loads(payload)["event"]
                    self.q.put((name, time.perf_counter()))
                elif b0 & 0x0F == 8:  # close
                    raise EOFError
        except (EOFError, OSError):
            self.q.put(None)

    def wait(self, want, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            item = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            if item is None:
                raise SystemExit("the live-reload socket closed")
            if item[0] == want:
                return item[1]
            if item[0] == "errors":
                raise SystemExit("the rebuild failed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="target/release/anxuan")
    ap.add_argument("--site", required=True)
    ap.add_argument("--file", help="site-relative article to edit (default: the first article)")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--where", choices=["end", "start", "title"], default="end",
                    help="append a paragraph (default), put one first, which "
                         "changes the summary shown in the lists, or change "
                         "the title, which its neighbours and lists show")
    args = ap.parse_args()

    site = os.path.abspath(args.site)
    rel = args.file
    if rel is None:
        arts = sorted(os.listdir(os.path.join(site, "content", "articles")))
        rel = "content/articles/" + next(a for a in arts if a.endswith(".md"))
    path = os.path.join(site, rel)
    original = open(path, "rb").read()

    proc = subprocess.Popen(
        [os.path.abspath(args.bin), "-v", "serve", "--port", "0"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(os.environ, NO_COLOR="1"),
    )
    lines = queue.Queue()
    threading.Thread(target=read_lines, args=(proc.stderr, lines), daemon=True).start()
    log = []
    try:
        t0 = time.perf_counter()
        m = wait_line(lines, r"Serving http://127\.0\.0\.1:(\d+)/", 600, log)
        port = int(m.group(1))
        print("first build and bind: %.1f s" % (time.perf_counter() - t0))
        ev = Events(port)
        ev.wait("hello")
        samples = []
        server = []
        text = original.decode("utf-8")
        for i in range(args.edits + 1):
            marker = "（第%d次修改）" % i
            added = "本段为延迟测试追加的文字" + marker + "。"
            if args.where == "end":
                body = text.rstrip("\n") + "\n\n" + added + "\n"
            elif args.where == "title":
                body = re.sub(r'(?m)^title: ("?)(.*?)("?)$',
                              lambda t: "title: " + t.group(1) + t.group(2) + marker + t.group(3),
                              text, count=1)
            else:
                # Without a `summary:` the lists show the first paragraph;
                # the warm-up edit absorbs dropping it.
                head, sep, rest = text.partition("\n---\n")
                head = "\n".join(l for l in head.split("\n") if not l.startswith("summary:"))
                body = head + sep + "\n" + added + "\n\n" + rest.lstrip("\n")
            start = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(body)
            end = ev.wait("reload")
            m = wait_line(lines, r"Rebuilt in (\d+) ms", 120, log)
            if i == 0:
                continue  # warm-up: first rebuild fills the caches
            samples.append((end - start) * 1000)
            server.append(int(m.group(1)))
        samples.sort()
        print("edit -> reload event, %d edits of %s:" % (len(samples), rel))
        print("  samples (ms): " + " ".join("%.0f" % s for s in samples))
        print("  median %.0f ms, min %.0f ms, max %.0f ms" % (
            statistics.median(samples), samples[0], samples[-1]))
        print("  server-side rebuild (\"Rebuilt in\"): median %d ms" % statistics.median(server))
        for l in log:
            if "Rebuilt" in l or "Timings" in l:
                last = l
        timings = [l for l in log if "Timings" in l]
        if os.environ.get("ALL_TIMINGS"):
            print("\n".join(timings))
        if timings:
            print("  last rebuild's stages: " + timings[-1].strip())
        print("  last server line: " + last.strip())
        try:
            with open("/proc/%d/status" % proc.pid) as f:
                for line in f:
                    if line.startswith(("VmHWM", "VmRSS")):
                        print("  server memory: " + " ".join(line.split()))
        except OSError:
            pass
    finally:
        with open(path, "wb") as f:
            f.write(original)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
