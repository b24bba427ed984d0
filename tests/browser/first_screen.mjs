// The first screen of a phone, measured in headless Chromium, run by the
// Rust test `phone::first_screen_holds_what_a_resident_needs`
// (tests/it/phone.rs).
//
// usage: node tests/browser/first_screen.mjs ORIGIN CHROMIUM PROFILE_DIR HOME ARTICLE SEARCH PATH...
//
// At 360 x 740 CSS px, in each reading mode (default, 大字模式, 高对比度):
// - on every PATH the first <h1> starts within 200 px of the top (260 px
//   in 大字模式), nothing scrolls sideways, and the 12350 hotline, the
//   大字模式 button and a way to search are in the first screen;
// - HOME shows the next drill and at least one entry of its first column;
// - ARTICLE's first paragraph starts above 740 px (1,100 px in 大字模式);
// - SEARCH (a query with results) shows one search box and its first
//   result in the first screen.
// At 1280 px in 大字模式 the mouse pointer is the theme's large one.
// Prints a JSON summary with the measurements; exits 1 listing every problem.
import { launch } from "./launch.mjs";

const [origin, executablePath, profile, home, article, search, ...paths] = process.argv.slice(2);
if (!paths.length) {
  console.error("usage: first_screen.mjs ORIGIN CHROMIUM PROFILE_DIR HOME ARTICLE SEARCH PATH...");
  process.exit(2);
}
const W = 360;
const H = 740;
const problems = [];
const fail = (msg) => problems.push(msg);
const summary = { checked: 0, h1: {}, article: {}, home: {}, search: {} };

const context = await launch(executablePath, profile);
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20000);
  page.on("pageerror", (e) => fail(`script error on ${page.url()}: ${e.message}`));

  async function open(path) {
    await page.goto(origin + path, { waitUntil: "load" });
    if (path === search) await page.waitForSelector("#search-results li");
  }
  async function setMode(mode) {
    await page.evaluate((m) => {
      const prefs = m === "large" ? { large: true } : m === "contrast" ? { contrast: true } : {};
      localStorage.setItem("anxuan-prefs", JSON.stringify(prefs));
    }, mode);
  }
  // Where things are, in document coordinates (the page is not scrolled).
  const measure = () =>
    page.evaluate((H) => {
      const shown = (el) => el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
      const box = (el) => {
        if (!shown(el)) return null;
        const r = el.getBoundingClientRect();
        return { top: Math.round(r.top + scrollY), bottom: Math.round(r.bottom + scrollY) };
      };
      const inFirstScreen = (el) => {
        const b = box(el);
        return !!b && b.top >= 0 && b.bottom <= H;
      };
      const searchWays = [...document.querySelectorAll('.search-link, input[type="search"]')];
      return {
        h1: box(document.querySelector("h1")),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        hotline: inFirstScreen(document.querySelector('.hotline a[href^="tel:"]')),
        large: inFirstScreen(document.querySelector('[data-pref="large"]')),
        search: searchWays.some(inFirstScreen),
        searchBoxes: [...document.querySelectorAll('input[type="search"]')].filter(shown).length,
        nextDrill: box(document.querySelector(".next-drill a")),
        firstItem: box(document.querySelector(".home-columns .item .item-title")),
        firstParagraph: box(document.querySelector("main .doc-body p")),
        firstResult: box(document.querySelector("#search-results li .result-title, #search-results li a")),
        classes: document.documentElement.className,
      };
    }, H);

  await page.setViewportSize({ width: W, height: H });
  for (const mode of ["default", "large", "contrast"]) {
    await open(paths[0]);
    await setMode(mode);
    const h1Limit = mode === "large" ? 260 : 200;
    for (const path of paths) {
      const label = `${path} [${mode}]`;
      await open(path);
      const m = await measure();
      summary.checked++;
      if (mode === "large" && !m.classes.includes("large-text")) fail(`${label}: 大字模式 not applied`);
      if (!m.h1) fail(`${label}: no visible <h1>`);
      else {
        summary.h1[`${path} ${mode}`] = m.h1.top;
        if (m.h1.top > h1Limit) fail(`${label}: <h1> starts at ${m.h1.top} px (limit ${h1Limit})`);
      }
      if (m.overflow > 0) fail(`${label}: scrolls sideways by ${m.overflow} px`);
      if (!m.hotline) fail(`${label}: the hotline is not in the first screen`);
      if (!m.large) fail(`${label}: the 大字模式 button is not in the first screen`);
      if (!m.search) fail(`${label}: no way to search in the first screen`);
      if (path === home) {
        summary.home[mode] = { nextDrill: m.nextDrill, firstItem: m.firstItem };
        if (!m.nextDrill || m.nextDrill.bottom > H) fail(`${label}: the next drill is not in the first screen (${JSON.stringify(m.nextDrill)})`);
        if (!m.firstItem || m.firstItem.bottom > H) fail(`${label}: no column entry in the first screen (${JSON.stringify(m.firstItem)})`);
      }
      if (path === article) {
        const limit = mode === "large" ? 1100 : H;
        summary.article[mode] = m.firstParagraph;
        if (!m.firstParagraph || m.firstParagraph.top >= limit) fail(`${label}: the first paragraph starts at ${JSON.stringify(m.firstParagraph)} (limit ${limit})`);
      }
      if (path === search) {
        summary.search[mode] = { boxes: m.searchBoxes, firstResult: m.firstResult };
        if (m.searchBoxes !== 1) fail(`${label}: ${m.searchBoxes} search boxes shown (one expected)`);
        if (!m.firstResult || m.firstResult.bottom > H) fail(`${label}: the first result is not in the first screen (${JSON.stringify(m.firstResult)})`);
      }
    }
  }

  // 大字模式 on a desktop: the large pointer image, served by the site.
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(paths[0]);
  await setMode("large");
  await open(paths[0]);
  const cursor = await page.evaluate(async () => {
    const c = getComputedStyle(document.body).cursor;
    const m = c.match(/url\("?([^")]+)"?\)/);
    if (!m) return { cursor: c, status: 0 };
    const r = await fetch(m[1]);
    return { cursor: c, status: r.status, type: r.headers.get("content-type") || "" };
  });
  summary.cursor = cursor.cursor;
  if (!/cursor-large/.test(cursor.cursor)) fail(`大字模式 pointer is "${cursor.cursor}", not the large one`);
  else if (cursor.status !== 200 || !cursor.type.includes("svg")) fail(`the large pointer image answers ${cursor.status} ${cursor.type}`);
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
