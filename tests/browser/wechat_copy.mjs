// The 复制到公众号 button of `anxuan serve`, in headless Chromium, run by
// the Rust test `serve::browser_copies_the_wechat_export_as_html`
// (tests/it/serve.rs).
//
// usage: node tests/browser/wechat_copy.mjs PAGE_URL CHROMIUM PROFILE_DIR EXPECTED_TEXT
//
// Clicks the button and reads the clipboard back: it holds text/html, the
// export's [data-wechat] part (inline styles only: no class, no <style>,
// no <script>) containing EXPECTED_TEXT, and the page says it was copied.
import { launch } from "./launch.mjs";

const [url, executablePath, profile, expected] = process.argv.slice(2);
if (!expected) {
  console.error("usage: wechat_copy.mjs PAGE_URL CHROMIUM PROFILE_DIR EXPECTED_TEXT");
  process.exit(2);
}
const problems = [];
const fail = (msg) => problems.push(msg);
const context = await launch(executablePath, profile);
let summary = {};
try {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url).origin });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20000);
  page.on("pageerror", (e) => fail(`script error: ${e.message}`));
  await page.goto(url, { waitUntil: "load" });
  const button = page.locator("[data-wechat-copy]");
  if (!(await button.isVisible())) throw new Error("no visible 复制到公众号 button");
  await button.click();
  await page.waitForFunction(() => /已复制|失败/.test(document.querySelector("[data-wechat-status]")?.textContent || ""));
  const status = await page.textContent("[data-wechat-status]");
  if (!status.includes("已复制")) fail(`status: ${status}`);
  const clip = await page.evaluate(async () => {
    const items = await navigator.clipboard.read();
    const out = { types: items.flatMap((i) => i.types) };
    for (const i of items) {
      if (i.types.includes("text/html")) out.html = await (await i.getType("text/html")).text();
      if (i.types.includes("text/plain")) out.text = await (await i.getType("text/plain")).text();
    }
    return out;
  });
  summary = { types: clip.types, html: (clip.html || "").length };
  if (!clip.html) fail(`no text/html on the clipboard: ${clip.types}`);
  else {
    const checks = await page.evaluate((html) => {
      const d = new DOMParser().parseFromString(html, "text/html");
      return {
        root: !!d.querySelector("[data-wechat]"),
        classes: d.querySelectorAll("[class]").length,
        styles: d.querySelectorAll("style, script, link").length,
        styled: d.querySelectorAll("[data-wechat] [style]").length,
        text: d.body.textContent,
      };
    }, clip.html);
    if (!checks.root) fail("the clipboard HTML is not the export's [data-wechat] part");
    if (checks.classes) fail(`${checks.classes} elements with a class on the clipboard`);
    if (checks.styles) fail(`${checks.styles} style/script/link elements on the clipboard`);
    if (!checks.styled) fail("no inline styles on the clipboard");
    if (!checks.text.includes(expected)) fail(`the clipboard lacks ${JSON.stringify(expected)}`);
  }
  if (!clip.text || !clip.text.includes(expected)) fail("no plain text beside the HTML");
} catch (e) {
  fail(`error: ${e.stack || e}`);
} finally {
  await context.close();
}
console.log(JSON.stringify({ ...summary, problems: problems.length }));
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
