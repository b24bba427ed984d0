// Printing item pages as notices for a 公示栏, in headless Chromium, run by
// the Rust test `print::drills_print_as_one_a4_page_with_a_qr_code_of_the_page`
// (tests/it/print.rs), which reads the PDFs with poppler and zbarimg.
//
// usage: node tests/browser/print.mjs ORIGIN CHROMIUM PROFILE_DIR OUT_DIR PATH...
//
// For every PATH: the 打印张贴 button is shown and calls print(); in print
// media the navigation, search, buttons and footer are hidden while the
// title, the body and the notice's foot (unit, hotline, QR code) are
// shown; then the page is printed to OUT_DIR/<n>.pdf on A4 as a browser
// prints it (the stylesheet's @page). Prints a JSON list of the PDFs;
// exits 1 listing every problem.
import { launch } from "./launch.mjs";
import { join } from "node:path";

const [origin, executablePath, profile, outDir, ...paths] = process.argv.slice(2);
if (!paths.length) {
  console.error("usage: print.mjs ORIGIN CHROMIUM PROFILE_DIR OUT_DIR PATH...");
  process.exit(2);
}
const problems = [];
const fail = (msg) => problems.push(msg);
const pdfs = [];

const context = await launch(executablePath, profile);
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20000);
  page.on("pageerror", (e) => fail(`script error on ${page.url()}: ${e.message}`));
  // print() opens no dialog headless; count the calls instead.
  await page.addInitScript(() => {
    window.__prints = 0;
    window.print = () => { window.__prints++; };
  });
  for (const [n, path] of paths.entries()) {
    await page.emulateMedia({ media: "screen" });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(origin + path, { waitUntil: "load" });
    const button = page.locator("[data-print]");
    if ((await button.count()) !== 1 || !(await button.isVisible())) {
      fail(`${path}: no visible 打印张贴 button`);
    } else {
      await button.click();
      if ((await page.evaluate(() => window.__prints)) !== 1) fail(`${path}: 打印张贴 did not call print()`);
    }
    await page.emulateMedia({ media: "print" });
    const seen = await page.evaluate(() => {
      const visible = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.checkVisibility()).map((e) => sel);
      return {
        hiddenShown: [
          ".site-nav", ".nav-row", ".header-search", ".search-link", ".reading-tools", ".page-tools",
          "button", "input", "form", ".site-footer", ".prev-next", ".back",
        ].flatMap(visible),
        needed: ["main h1", ".doc-body", ".print-notice", ".print-qr svg", ".print-hotline"].filter(
          (sel) => !document.querySelector(sel)?.checkVisibility(),
        ),
        scripts: document.querySelectorAll('script[src*="livereload"]').length,
      };
    });
    if (seen.hiddenShown.length) fail(`${path}: shown in print: ${[...new Set(seen.hiddenShown)].join(", ")}`);
    if (seen.needed.length) fail(`${path}: missing in print: ${seen.needed.join(", ")}`);
    if (seen.scripts) fail(`${path}: the reload script is on a built page`);
    const file = join(outDir, `${n}.pdf`);
    await page.pdf({ path: file, format: "A4", preferCSSPageSize: true });
    pdfs.push({ path, file });
  }
} catch (e) {
  fail(`error: ${e.stack || e}`);
} finally {
  await context.close();
}
console.log(JSON.stringify({ pdfs, problems: problems.length }));
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
