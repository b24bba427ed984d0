#!/usr/bin/env python3
"""Import speed: `anxuan import` of a folder of saved pages of an old site.

Generates --pages articles with benches/gen_corpus.py (--seed 20240601),
renders each into the page of a TRS-style government CMS (the
ArticleTitle/PubDate/ContentSource/Author/ColumnName meta tags, `#zoom
.TRS_Editor`, a 发布时间/来源 info bar, print/close tools, a share bar,
上一篇/下一篇, an ICP footer), every other page GBK-encoded, every fourth
with a photo in the browser's `<page>_files` folder, as a browser's "save
page as" leaves them. Then runs `anxuan import` of the folder into a fresh
site --runs times (wall clock of the whole command, a new site each run)
and prints the median, the spread and pages per second, and checks that
every page was imported.

    cargo build --release
    python3 benches/import.py --bin target/release/anxuan --pages 200 --runs 7

Standard library only.
"""

import argparse
import html
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<!-- saved from url=(0064)http://www.linjiang.example.gov.cn/art/{y}/{m}/{d}/art_12_{n}.html -->
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date} 09:30">
<meta name="ContentSource" content="{source}">
<meta name="Author" content="{author}">
<meta name="ColumnName" content="工作动态">
<title>{title}_工作动态_临江区人民政府</title>
<link rel="stylesheet" href="{stem}_files/style.css">
<script type="text/javascript" src="{stem}_files/jquery.js"></script>
</head><body>
<div class="header"><h1 class="logo">临江区人民政府</h1>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/col1/">政务公开</a></li><li><a href="/col/col12/">工作动态</a></li></ul></div>
<div class="main">
<div class="position">当前位置：<a href="../../../../">首页</a> &gt; <a href="/col/col12/">工作动态</a></div>
<div class="title">{title}</div>
<div class="info">发布时间：{date} 09:30　来源：{source}　浏览次数：{views}　【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div id="zoom"><div class="TRS_Editor"><style type="text/css">.TRS_Editor P{{line-height:2;font-size:12pt}}</style>
{body}
{photo}
<p style="text-align:right">（责任编辑：{editor}）</p>
</div></div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a> <a class="bds_tsina">微博</a></div>
<div class="pn"><p>上一篇：<a href="art_12_{prev}.html">临江区部署防汛工作</a></p><p>下一篇：<a href="art_12_{next}.html">街道开展消防检查</a></p></div>
</div>
<div class="footer">主办：临江区人民政府办公室　版权所有　京ICP备12345678号　京公网安备 11010502000001号　网站标识码：1101050001</div>
</body></html>
"""

AUTHORS = ["李敏", "张伟", "王强", "刘洋", "陈静"]
EDITORS = ["孙婷婷", "周杰", "吴芳"]


def png(w, h):
    """A real PNG w x h pixels (a gradient)."""
    raw = b"".join(b"\x00" + bytes(v for x in range(w) for v in (x % 256, y % 256, 128)) for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def inline(text):
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', text)


def to_html(md):
    """The corpus's Markdown (headings, paragraphs, lists, tables) as a
    CMS's editor writes it: indented paragraphs, bold headings."""
    out, lines, i = [], md.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            out.append(f"<p><strong>{inline(line[3:])}</strong></p>")
        elif re.match(r"\d+\. ", line):
            items = []
            while i < len(lines) and re.match(r"\d+\. ", lines[i]):
                items.append(f"<li>{inline(lines[i].split('. ', 1)[1])}</li>")
                i += 1
            out.append("<ol>" + "".join(items) + "</ol>")
            continue
        elif line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(f"<li>{inline(lines[i][2:])}</li>")
                i += 1
            out.append("<ul>" + "".join(items) + "</ul>")
            continue
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not lines[i].startswith("| ---"):
                    cells = [c.strip() for c in lines[i].strip("|").split("|")]
                    rows.append("<tr>" + "".join(f"<td><p>{inline(c)}</p></td>" for c in cells) + "</tr>")
                i += 1
            out.append('<table border="1" cellspacing="0"><tbody>' + "".join(rows) + "</tbody></table>")
            continue
        elif line.strip():
            out.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{inline(line)}</p>")
        i += 1
    return "\n".join(out)


def front_matter(text):
    _, fm, body = text.split("---\n", 2)
    fields = {}
    for line in fm.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip()] = v.strip().strip('"')
    return fields, body


def make_pages(out, pages):
    corpus = os.path.join(out, "corpus")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--out", corpus,
                    "--articles", str(pages), "--drills", "0", "--cases", "0",
                    "--seed", "20240601", "--flavor", "anxuan"], check=True, stdout=subprocess.DEVNULL)
    saved = os.path.join(out, "saved")
    os.makedirs(saved)
    photo = png(480, 320)
    src = os.path.join(corpus, "content", "articles")
    total = 0
    for n, name in enumerate(sorted(os.listdir(src)), start=1):
        with open(os.path.join(src, name), encoding="utf-8") as f:
            fields, body = front_matter(f.read())
        y, m, d = fields["date"].split("-")
        stem = f"t{y}{m}{d}_{100000 + n}"
        gbk = n % 2 == 0
        img = ""
        if n % 4 == 0:
            os.makedirs(os.path.join(saved, f"{stem}_files"))
            with open(os.path.join(saved, f"{stem}_files", "W020240730.png"), "wb") as f:
                f.write(photo)
            img = f'<p style="text-align:center"><img src="{stem}_files/W020240730.png" alt="活动现场" border="0"></p>'
        page = PAGE.format(
            charset="gb2312" if gbk else "utf-8", title=html.escape(fields["title"]), date=fields["date"],
            y=y, m=int(m), d=int(d), n=100000 + n, prev=100000 + n - 1, next=100000 + n + 1, stem=stem,
            source="临江区应急管理局", author=AUTHORS[n % len(AUTHORS)], editor=EDITORS[n % len(EDITORS)],
            views=100 + n, body=to_html(body), photo=img)
        data = page.encode("gb18030" if gbk else "utf-8")
        total += len(data)
        with open(os.path.join(saved, f"{stem}.html"), "wb") as f:
            f.write(data)
    return saved, total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "anxuan"))
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    tmp = tempfile.mkdtemp(prefix="anxuan-import-bench-")
    try:
        saved, size = make_pages(tmp, args.pages)
        times = []
        for run in range(args.runs):
            site = os.path.join(tmp, f"site{run}")
            os.makedirs(site)
            with open(os.path.join(site, "site.yaml"), "w", encoding="utf-8") as f:
                f.write("title: 导入基准站点\nbase_url: https://example.org/\n")
            start = time.perf_counter()
            r = subprocess.run([binary, "-r", site, "import", saved], capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if r.returncode != 0:
                sys.exit(f"import failed:\n{r.stderr[-3000:]}")
            written = [f for f in os.listdir(os.path.join(site, "content", "articles")) if f.endswith(".md")]
            if len(written) != args.pages:
                sys.exit(f"{len(written)} files written, {args.pages} expected")
        med = statistics.median(times)
        print(f"anxuan import of {args.pages} saved pages ({size / 1024 / 1024:.1f} MB, half GBK, "
              f"{args.pages // 4} with a photo), {args.runs} runs, fresh site each:")
        print(f"  median {med * 1000:.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}), "
              f"{args.pages / med:.0f} pages/s")
        print()
        print("| pages | input | median | min | max | pages/s |")
        print("| --- | --- | --- | --- | --- | --- |")
        print(f"| {args.pages} | {size / 1024 / 1024:.1f} MB | {med * 1000:.0f} ms | {min(times) * 1000:.0f} ms | "
              f"{max(times) * 1000:.0f} ms | {args.pages / med:.0f} |")
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
