// Runs axe-core (WCAG 2.1 A and AA rules) on one HTML file in Debian's headless chromium.
// Usage: node axe.mjs FILE.html [screen|print] [CHROMIUM]
// Prints {"violations": [...], "passes": N, ...} as JSON on stdout; exits non-zero when the
// browser or the page cannot be run, so a broken setup is never a silent pass.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const [file, media = "screen", executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node axe.mjs FILE.html [screen|print] [CHROMIUM]");
  process.exit(2);
}
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const browser = await chromium.launch({
  executablePath,
  // Debian's chromium, never a downloaded one; offline and quiet.
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
  ],
});
try {
  const page = await browser.newPage();
  await page.emulateMedia({ media });
  // The report is self-contained: any request beyond file: and data: is a bug, and is refused.
  const external = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    external.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    const slim = (v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary })),
    });
    return {
      axe: r.testEngine.version,
      violations: r.violations.map(slim),
      incomplete: r.incomplete.map(slim),
      passes: r.passes.length,
    };
  }, TAGS);
  results.external = external;
  results.browser = browser.version();
  results.media = media;
  process.stdout.write(JSON.stringify(results));
} finally {
  await browser.close();
}
