// Accessibility of the built site in headless Chromium, run by the Rust test
// `a11y::every_page_type_passes_axe_in_every_reading_mode` (tests/it/a11y.rs).
//
// usage: node tests/browser/a11y.mjs ORIGIN CHROMIUM PROFILE_DIR PATH...
//
// For every PATH (one per page type) and every reading mode (default,
// 大字模式, 高对比度), at 360 px and 1280 px wide:
// - axe-core (WCAG 2.0/2.1 A and AA rules) reports no violation;
// - nothing scrolls sideways;
// - every request goes to ORIGIN (no external requests of any kind);
// - touch targets (buttons, navigation, pagination, chips) are at least
//   44x44 CSS px, and 60x60 in 大字模式, whose body text is >= 24 px with a
//   line height >= 1.5;
// and the reading mode chosen with the header button is applied on the
// next page before its first paint (the class is on <html> when the
// document is parsed) and survives a reload.
// Prints a JSON summary; exits 1 listing every problem.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { launch } from "./launch.mjs";

const [origin, executablePath, profile, ...paths] = process.argv.slice(2);
if (!paths.length) {
  console.error("usage: a11y.mjs ORIGIN CHROMIUM PROFILE_DIR PATH...");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TIMEOUT = 20000;
const problems = [];
const fail = (msg) => problems.push(msg);

const context = await launch(executablePath, profile);
const summary = { pages: 0, axeRuns: 0, modes: [] };
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(TIMEOUT);
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("data:")) fail(`external request: ${u} (from ${page.url()})`);
  });
  page.on("pageerror", (e) => fail(`script error on ${page.url()}: ${e.message}`));

  async function open(path) {
    await page.goto(origin + path, { waitUntil: "load" });
    if (path.includes("/search/?")) {
      await page.waitForSelector("#search-results li", { timeout: TIMEOUT });
    }
  }

  async function setMode(mode) {
    await page.evaluate((m) => {
      const prefs = m === "large" ? { large: true } : m === "contrast" ? { contrast: true } : {};
      localStorage.setItem("anxuan-prefs", JSON.stringify(prefs));
    }, mode);
  }

  async function axe(label) {
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      });
      return r.violations.map((v) => ({
        id: v.id,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary.replace(/\s+/g, " ")),
      }));
    });
    summary.axeRuns++;
    for (const v of result) fail(`${label}: axe ${v.id} (${v.help}): ${v.nodes.join(" | ")}`);
  }

  async function measure(label, mode) {
    const m = await page.evaluate((mode) => {
      const doc = document.documentElement;
      const out = { overflow: doc.scrollWidth - doc.clientWidth, small: [] };
      const body = getComputedStyle(document.body);
      out.fontSize = parseFloat(body.fontSize);
      out.lineHeight = parseFloat(body.lineHeight) / parseFloat(body.fontSize);
      const min = mode === "large" ? 60 : 44;
      const sel = "button, .site-nav a, .pagination a, .pagination .current, .chip, [type=search], select";
      for (const el of document.querySelectorAll(sel)) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // not shown
        if (r.width < min - 0.5 || r.height < min - 0.5) {
          out.small.push(`${el.tagName.toLowerCase()}${el.className ? "." + el.className : ""} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 12)}" ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
        }
      }
      out.classes = doc.className;
      return out;
    }, mode);
    if (m.overflow > 0) fail(`${label}: scrolls sideways by ${m.overflow}px`);
    if (m.small.length) fail(`${label}: touch targets under ${mode === "large" ? 60 : 44}px: ${m.small.slice(0, 5).join("; ")}`);
    if (mode === "large") {
      if (m.fontSize < 24) fail(`${label}: body text ${m.fontSize}px in 大字模式 (needs >= 24px)`);
      if (m.lineHeight < 1.5) fail(`${label}: line height ${m.lineHeight.toFixed(2)} in 大字模式`);
      if (!m.classes.includes("large-text")) fail(`${label}: 大字模式 not applied`);
    } else if (m.fontSize < 16) {
      fail(`${label}: body text ${m.fontSize}px (needs >= 16px)`);
    }
    if (mode === "contrast" && !m.classes.includes("high-contrast")) fail(`${label}: 高对比度 not applied`);
  }

  for (const mode of ["default", "large", "contrast"]) {
    await open(paths[0]);
    await setMode(mode);
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      for (const path of paths) {
        const label = `${path} [${mode}, ${width}px]`;
        await open(path);
        await measure(label, mode);
        // axe once per page and mode (contrast depends on the mode, not
        // on the width), at the phone width.
        if (width === 360) await axe(label);
        if (mode === "default" && width === 360) summary.pages++;
      }
    }
    summary.modes.push(mode);
  }

  // The header button switches the mode, and the next page has it before
  // its first paint: the class is on <html> when the document is parsed.
  await setMode("default");
  await open(paths[0]);
  await page.click('[data-pref="large"]');
  if ((await page.getAttribute('[data-pref="large"]', "aria-pressed")) !== "true") fail("大字模式 button is not pressed after a click");
  await page.addInitScript(() => {
    document.addEventListener("readystatechange", () => {
      if (document.readyState === "interactive") {
        window.__classAtParse = document.documentElement.className;
      }
    });
  });
  await open(paths[1] || paths[0]);
  const atParse = await page.evaluate(() => window.__classAtParse || "");
  if (!atParse.includes("large-text")) fail(`大字模式 was not applied before the page was parsed (classes: "${atParse}")`);
  await page.reload();
  if (!(await page.evaluate(() => document.documentElement.classList.contains("large-text")))) fail("大字模式 did not survive a reload");
  // Keyboard: the button is reachable and works with Enter.
  await setMode("default");
  await open(paths[0]);
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.getAttribute("data-pref") === "large");
  }
  if (!reached) fail("大字模式 button is not reachable with Tab within 12 presses");
  else {
    await page.keyboard.press("Enter");
    if (!(await page.evaluate(() => document.documentElement.classList.contains("large-text")))) fail("Enter on the 大字模式 button did not switch the mode");
  }
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
