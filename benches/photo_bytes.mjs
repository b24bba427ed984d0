#!/usr/bin/env node
// Bytes a phone transfers to open a page: headless Chromium at 360 px wide
// (device pixel ratio 2 and 3), an empty cache, every response's body
// counted (HTML, CSS, JS, images: what the browser picked from srcset).
//
//   node benches/photo_bytes.mjs <chromium> <url>
//
// Prints one JSON line per pixel ratio: {dpr, total, byType, images}.
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "../tests/browser/launch.mjs";

const [, , executablePath, url] = process.argv;
if (!executablePath || !url) {
  console.error("usage: photo_bytes.mjs <chromium> <url>");
  process.exit(2);
}
const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
for (const dpr of [2, 3]) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: dpr,
    isMobile: true,
  });
  const page = await context.newPage();
  const seen = [];
  page.on("response", (r) => seen.push(r));
  await page.goto(url, { waitUntil: "networkidle" });
  // Scroll through the page so lazy images load as a reader's would.
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += 600) {
      window.scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
    }
  });
  await page.waitForLoadState("networkidle");
  const byType = {};
  const images = [];
  let total = 0;
  for (const r of seen) {
    const body = await r.body().catch(() => Buffer.alloc(0));
    const type = r.request().resourceType();
    byType[type] = (byType[type] || 0) + body.length;
    total += body.length;
    if (type === "image") images.push([new URL(r.url()).pathname, body.length]);
  }
  console.log(JSON.stringify({ dpr, total, byType, images }));
  await context.close();
}
await browser.close();
