// The search page in headless Chromium, run by the Rust test
// `search::search_page_finds_results_in_headless_chromium`.
//
// usage: node tests/browser/search_page.mjs CHROMIUM PROFILE_DIR URL...
//
// Opens each URL and waits until the search has answered: the status line
// (a live region) no longer says it is searching. Prints one JSON line per
// URL: {url, status, results} (the status text and the results list's
// HTML), or exits 1 naming the URL that never answered.
import { launch } from "./launch.mjs";

const [executablePath, profile, ...urls] = process.argv.slice(2);
if (!urls.length) {
  console.error("usage: search_page.mjs CHROMIUM PROFILE_DIR URL...");
  process.exit(2);
}
const context = await launch(executablePath, profile);
try {
  for (const url of urls) {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    try {
      await page.waitForFunction(
        () => {
          const s = document.getElementById("search-status");
          return s && s.textContent.trim() !== "" && !s.textContent.includes("正在搜索");
        },
        null,
        { timeout: 60000 },
      );
    } catch (e) {
      console.error(`${url}: the search did not answer: ${e.message}`);
      process.exit(1);
    }
    const got = await page.evaluate(() => ({
      status: document.getElementById("search-status").textContent,
      results: document.getElementById("search-results").outerHTML,
    }));
    console.log(JSON.stringify({ url, ...got }));
    await page.close();
  }
} finally {
  await context.close();
}
