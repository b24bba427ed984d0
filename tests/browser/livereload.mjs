// End-to-end live reload in headless Chromium, run by the Rust test
// `serve::browser_page_reloads_by_itself_after_an_edit` (tests/it/serve.rs).
//
// usage: node tests/browser/livereload.mjs URL FILE OLD NEW CHROMIUM PROFILE_DIR [TABS]
//
// Opens URL in TABS tabs of one browser profile (default 1; editors keep
// several pages open, and a browser gives a host only six HTTP/1.1
// connections), waits until every tab's live-reload script is connected,
// then replaces OLD with NEW in FILE (as an editor saving) and waits until
// every open tab shows NEW without being navigated by us. Exits 0 and
// prints "N tabs reloaded in M ms" on success.
import { readFileSync, writeFileSync } from "node:fs";
import { launch } from "./launch.mjs";

const [url, file, oldText, newText, executablePath, profile, tabsArg] = process.argv.slice(2);
const tabs = Number(tabsArg ?? 1);
if (!profile) {
  console.error("usage: livereload.mjs URL FILE OLD NEW CHROMIUM PROFILE_DIR");
  process.exit(2);
}

const TIMEOUT = 20000;
const context = await launch(executablePath, profile);
let status = 1;
try {
  const problems = [];
  const pages = [];
  for (let i = 0; i < tabs; i++) {
    const page = i === 0 && context.pages()[0] ? context.pages()[0] : await context.newPage();
    page.on("pageerror", (e) => problems.push(`tab ${i}: page error: ${e.message}`));
    page.on("response", (r) => {
      if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) {
        problems.push(`tab ${i}: HTTP ${r.status()} for ${r.url()}`);
      }
    });
    await page.goto(url, { timeout: TIMEOUT });
    const before = await page.textContent("main");
    if (!before.includes(oldText)) {
      throw new Error(`tab ${i}: the page does not show ${oldText}`);
    }
    pages.push(page);
  }
  await Promise.all(
    pages.map((page) =>
      page.waitForFunction(() => window.__anxuan && window.__anxuan.connected, null, {
        timeout: TIMEOUT,
      }),
    ),
  );
  const started = Date.now();
  writeFileSync(file, readFileSync(file, "utf8").replace(oldText, newText));
  await Promise.all(
    pages.map((page) =>
      page.waitForFunction(
        (text) => document.querySelector("main")?.textContent.includes(text),
        newText,
        { timeout: TIMEOUT },
      ),
    ),
  );
  console.log(`${tabs} tabs reloaded in ${Date.now() - started} ms`);
  if (problems.length) {
    throw new Error(problems.join("\n"));
  }
  status = 0;
} catch (e) {
  console.error(String(e && e.stack ? e.stack : e));
} finally {
  await context.close();
}
process.exit(status);
