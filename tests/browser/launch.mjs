// Headless Chromium as every browser test here starts it: Debian's chromium,
// a fresh profile folder, no background networking (the machine's network
// is closed and the tests must make no external request).
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A persistent context on a fresh `profile` folder. */
export function launch(executablePath, profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}
