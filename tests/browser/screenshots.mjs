// Screenshots of the default theme for the README, in headless Chromium.
//
//   cargo run --release -- build --now 2026-11-28T12:00:00+08:00 --out /tmp/anxuan-shots
//   node tests/browser/screenshots.mjs /tmp/anxuan-shots docs/screenshots [/usr/bin/chromium]
//
// Serves the built site on 127.0.0.1 (a few lines of node:http, no other
// server needed) and renders home, an article, a drill, a case and the
// search page with results at 360 px (phone) and 1280 px (desktop), one
// viewport high, as PNG files named <page>-<width>.png; and the drill as
// printed for a 公示栏 (A4, drill-print.png; needs pdftoppm from
// poppler-utils).
import { createServer } from "node:http";
import { readFile, readdir, stat, mkdir } from "node:fs/promises";
import { join, extname, normalize } from "node:path";
import { tmpdir } from "node:os";
import { mkdtempSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { launch } from "./launch.mjs";

const [site, outDir, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: screenshots.mjs PUBLIC_DIR OUT_DIR [CHROMIUM]");
  process.exit(2);
}
const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".txt": "text/plain; charset=utf-8",
  ".bin": "application/octet-stream",
};
const server = createServer(async (req, res) => {
  let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  path = normalize(path).replace(/^(\.\.[/\\])+/, "");
  let file = join(site, path);
  try {
    if ((await stat(file)).isDirectory()) file = join(file, "index.html");
    const body = await readFile(file);
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;

async function first(dir) {
  const names = (await readdir(join(site, dir))).filter((n) => n !== "page" && !n.includes(".")).sort();
  return `/${dir}/${names[0]}/`;
}
const pages = {
  home: "/",
  article: await first("articles"),
  drill: await first("drills"),
  case: await first("cases"),
  search: "/search/?q=" + encodeURIComponent("消防"),
};

await mkdir(outDir, { recursive: true });
const browser = await launch(executablePath, mkdtempSync(join(tmpdir(), "anxuan-shots-")));
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  for (const [width, height] of [[360, 740], [1280, 860]]) {
    await page.setViewportSize({ width, height });
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(origin + path, { waitUntil: "load" });
      if (name === "search") await page.waitForSelector("#search-results li");
      const file = join(outDir, `${name}-${width}.png`);
      await page.screenshot({ path: file });
      console.log(file);
    }
  }
  await page.goto(origin + pages.drill, { waitUntil: "load" });
  const pdf = join(mkdtempSync(join(tmpdir(), "anxuan-print-")), "drill.pdf");
  await page.pdf({ path: pdf, format: "A4", preferCSSPageSize: true });
  const png = join(outDir, "drill-print");
  execFileSync("pdftoppm", ["-r", "60", "-png", "-singlefile", "-f", "1", "-l", "1", pdf, png]);
  console.log(png + ".png");
} finally {
  await browser.close();
  server.close();
}
