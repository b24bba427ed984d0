// End-to-end live reload in headless Chromium, run by the Rust test
// `serve::browser_page_reloads_by_itself_after_an_edit` (tests/it/serve.rs).
//
// usage: node tests/browser/livereload.mjs URL FILE OLD NEW CHROMIUM PROFILE_DIR
//
// Opens URL, waits until the page's live-reload script is connected, then
// replaces OLD with NEW in FILE (as an editor saving) and waits until the
// open page shows NEW without being navigated by us. Exits 0 and prints
// "reloaded in N ms" on success.
import { readFileSync, writeFileSync } from "node:fs";
import { launch } from "./launch.mjs";

const [url, file, oldText, newText, executablePath, profile] = process.argv.slice(2);
if (!profile) {
  console.error("usage: livereload.mjs URL FILE OLD NEW CHROMIUM PROFILE_DIR");
  process.exit(2);
}

const TIMEOUT = 20000;
const context = await launch(executablePath, profile);
let status = 1;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) {
      problems.push(`HTTP ${r.status()} for ${r.url()}`);
    }
  });
  await page.goto(url, { timeout: TIMEOUT });
  const before = await page.textContent("main");
  if (!before.includes(oldText)) {
    throw new Error(`the page does not show ${oldText}`);
  }
  await page.waitForFunction(() => window.__anxuan && window.__anxuan.connected, null, {
    timeout: TIMEOUT,
  });
  const started = Date.now();
  writeFileSync(file, readFileSync(file, "utf8").replace(oldText, newText));
  await page.waitForFunction(
    (text) => document.querySelector("main")?.textContent.includes(text),
    newText,
    { timeout: TIMEOUT },
  );
  console.log(`reloaded in ${Date.now() - started} ms`);
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
