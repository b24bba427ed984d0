// 朗读 in headless Chromium with a recording speechSynthesis, run by the
// Rust test `read_aloud::read_aloud_reads_title_and_paragraphs_in_order`
// (tests/it/read_aloud.rs).
//
// usage: node tests/browser/read_aloud.mjs ORIGIN CHROMIUM PROFILE_DIR PATH
//
// The stub records every utterance and ends one only when the test says so,
// so the order is checked step by step without timers. Checks: the control
// is shown with a Chinese voice; what is read is the title and then each
// text block of the body, in order, each marked while read; pause, resume,
// a new speed (remembered after a reload), stop, and the keyboard work;
// without speechSynthesis, or with no Chinese voice, there is no control;
// a voice list that arrives late shows it; axe-core finds no WCAG 2.1 AA
// violation with the control shown, while reading, and in 大字模式 and
// 高对比度 while reading.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { launch } from "./launch.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const [origin, executablePath, profile, path] = process.argv.slice(2);
if (!path) {
  console.error("usage: read_aloud.mjs ORIGIN CHROMIUM PROFILE_DIR PATH");
  process.exit(2);
}
const problems = [];
const fail = (msg) => problems.push(msg);
const summary = {};

// Installed before the page's scripts: `kind` is "zh", "none", "english"
// or "late" (no voices until window.__addVoices()).
function stub(kind) {
  if (kind === "none") {
    Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
    return;
  }
  const rec = (window.__speech = { spoken: [], rates: [], langs: [], paused: 0, resumed: 0, cancels: 0, current: null });
  const zh = [{ lang: "en-US", name: "English" }, { lang: "zh-CN", name: "普通话" }];
  let voices = kind === "zh" ? zh : kind === "english" ? [{ lang: "en-US", name: "English" }] : [];
  const listeners = [];
  window.SpeechSynthesisUtterance = class {
    constructor(text) {
      this.text = text;
      this.lang = "";
      this.rate = 1;
      this.voice = null;
      this.onend = null;
      this.onerror = null;
    }
  };
  const synth = {
    getVoices: () => voices,
    speak(u) {
      rec.spoken.push(u.text);
      rec.rates.push(u.rate);
      rec.langs.push(u.voice ? u.voice.lang : u.lang);
      rec.current = u;
    },
    cancel() {
      rec.cancels++;
      const u = rec.current;
      rec.current = null;
      if (u && u.onerror) u.onerror({ error: "interrupted" });
    },
    pause() { rec.paused++; },
    resume() { rec.resumed++; },
    addEventListener(type, f) { if (type === "voiceschanged") listeners.push(f); },
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  // The current utterance ends as a real one does.
  window.__finish = () => {
    const u = rec.current;
    rec.current = null;
    if (u && u.onend) u.onend({});
  };
  window.__addVoices = () => {
    voices = zh;
    listeners.forEach((f) => f({}));
  };
}

const context = await launch(executablePath, profile);
async function pageWith(kind) {
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on("pageerror", (e) => fail(`[${kind}] script error: ${e.message}`));
  await page.addInitScript(stub, kind);
  await page.goto(origin + path, { waitUntil: "load" });
  return page;
}
const shown = (page) => page.evaluate(() => !!document.querySelector("[data-read-aloud]")?.checkVisibility());
const state = (page) =>
  page.evaluate(() => ({
    spoken: window.__speech.spoken.slice(),
    rates: window.__speech.rates.slice(),
    langs: window.__speech.langs.slice(),
    paused: window.__speech.paused,
    resumed: window.__speech.resumed,
    marked: [...document.querySelectorAll(".reading-now")].map((e) =>
      e.matches("dl.facts > div, .facts-table tr")
        ? [...e.children].map((c) => c.textContent.replace(/\s+/g, " ").trim()).join("：")
        : e.textContent.replace(/\s+/g, " ").trim()),
    label: document.querySelector('[data-read="play"]').textContent,
    controls: !!document.querySelector("[data-read-controls]")?.checkVisibility(),
  }));

async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(" | ")}`);
  });
  for (const v of violations) fail(`${label}: axe ${v}`);
}

try {
  const page = await pageWith("zh");
  await axe(page, "control shown");
  if (!(await shown(page))) fail("the 朗读 control is not shown with a Chinese voice");
  // What a listener should hear: the title, each fact as "label：value",
  // then each text block of the body that holds no other one, in
  // document order.
  const expected = await page.evaluate(() => {
    const norm = (e) => e.textContent.replace(/\s+/g, " ").trim();
    const facts = [...document.querySelectorAll("main dl.facts > div, main .facts-table tr")]
      .map((row) => [...row.children].map(norm).join("："));
    const sel = "h2, h3, h4, h5, h6, p, li, th, td, dt, dd, figcaption";
    const body = [...document.querySelectorAll("main .doc-body " + sel.split(", ").join(", main .doc-body "))]
      .filter((e) => !e.querySelector(sel) && norm(e));
    return [norm(document.querySelector("main h1")), ...facts, ...body.map(norm)];
  });
  if (!expected.some((t) => t.startsWith("演练时间："))) fail(`the drill's time is not read: ${expected.slice(0, 3)}`);
  summary.blocks = expected.length;
  if (expected.length < 5) fail(`the page has only ${expected.length} blocks to read`);

  await page.click('[data-read="play"]');
  await axe(page, "reading");
  let s = await state(page);
  if (s.label !== "暂停" || !s.controls) fail(`after 朗读: button "${s.label}", controls shown: ${s.controls}`);
  for (let i = 1; i <= expected.length; i++) {
    s = await state(page);
    if (s.spoken.length !== i) { fail(`step ${i}: ${s.spoken.length} utterances`); break; }
    if (s.marked.length !== 1 || s.marked[0] !== s.spoken[i - 1]) fail(`step ${i}: marked ${JSON.stringify(s.marked)} while reading ${JSON.stringify(s.spoken[i - 1].slice(0, 20))}`);
    await page.evaluate(() => window.__finish());
  }
  s = await state(page);
  if (JSON.stringify(s.spoken) !== JSON.stringify(expected)) {
    fail(`read ${JSON.stringify(s.spoken).slice(0, 300)}\nexpected ${JSON.stringify(expected).slice(0, 300)}`);
  }
  if (!s.langs.every((l) => l === "zh-CN")) fail(`voices used: ${[...new Set(s.langs)]}`);
  if (s.label !== "朗读" || s.marked.length || s.controls) fail(`after the end: button "${s.label}", marked ${s.marked.length}, controls ${s.controls}`);

  // Pause and resume.
  await page.click('[data-read="play"]');
  await page.click('[data-read="play"]');
  s = await state(page);
  if (s.paused !== 1 || s.label !== "继续") fail(`pause: paused ${s.paused}, button "${s.label}"`);
  await page.click('[data-read="play"]');
  s = await state(page);
  if (s.resumed !== 1 || s.label !== "暂停") fail(`resume: resumed ${s.resumed}, button "${s.label}"`);
  // A new speed restarts the paragraph being read at that speed.
  await page.evaluate(() => window.__finish());
  const before = (await state(page)).spoken.length;
  await page.click('[data-pref="rate"][data-value="fast"]');
  s = await state(page);
  if (s.spoken.length !== before + 1 || s.spoken.at(-1) !== s.spoken.at(-2) || !(s.rates.at(-1) > 1)) {
    fail(`快: ${JSON.stringify(s.rates.slice(-3))} for ${JSON.stringify(s.spoken.slice(-2).map((t) => t.slice(0, 10)))}`);
  }
  // Stop: nothing is marked and nothing more is read.
  await page.click('[data-read="stop"]');
  const stopped = (await state(page)).spoken.length;
  await page.evaluate(() => window.__finish());
  s = await state(page);
  if (s.spoken.length !== stopped || s.marked.length || s.label !== "朗读" || s.controls) {
    fail(`停止: ${s.spoken.length - stopped} more read, marked ${s.marked.length}, button "${s.label}"`);
  }
  // The speed is remembered like the other reading settings.
  await page.reload({ waitUntil: "load" });
  if ((await page.getAttribute('[data-pref="rate"][data-value="fast"]', "aria-pressed")) !== "true") fail("the 快 speed was not remembered");
  // Keyboard: Enter starts, Escape stops.
  await page.focus('[data-read="play"]');
  await page.keyboard.press("Enter");
  s = await state(page);
  if (s.spoken.length !== 1 || !(s.rates[0] > 1)) fail(`Enter: ${s.spoken.length} utterances at ${s.rates[0]}`);
  await page.keyboard.press("Escape");
  s = await state(page);
  if (s.label !== "朗读" || s.marked.length) fail(`Escape: button "${s.label}"`);
  await page.close();

  // The marked paragraph in the other reading modes.
  for (const prefs of [{ large: true }, { contrast: true }]) {
    const p = await pageWith("zh");
    await p.evaluate((v) => localStorage.setItem("anxuan-prefs", JSON.stringify(v)), prefs);
    await p.reload({ waitUntil: "load" });
    await p.click('[data-read="play"]');
    await p.evaluate(() => window.__finish());
    await axe(p, `reading, ${Object.keys(prefs)[0]}`);
    await p.close();
  }

  for (const kind of ["none", "english"]) {
    const p = await pageWith(kind);
    if (await shown(p)) fail(`the 朗读 control is shown with ${kind === "none" ? "no speechSynthesis" : "no Chinese voice"}`);
    await p.close();
  }
  const late = await pageWith("late");
  if (await shown(late)) fail("the 朗读 control is shown before any voice is known");
  await late.evaluate(() => window.__addVoices());
  if (!(await shown(late))) fail("the 朗读 control is not shown once a Chinese voice arrives");
  await late.close();
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
