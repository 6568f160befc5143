// Runs axe-core (WCAG 2.1 A and AA rules) on one HTML file in Debian's headless chromium, at
// one or more window widths, and measures what axe does not: whether the page scrolls
// sideways, table cells whose content overflows them, words broken inside (not at a hyphen
// or slash), links that do not look like links, figures that are not right-aligned, and the
// smallest chart text in CSS px.
// Usage: node axe.mjs FILE.html [screen|print] [CHROMIUM] [WIDTH,WIDTH,...]
// Prints {"runs": [{"width", "violations", "passes", "layout"}...], ...} as JSON on stdout;
// exits non-zero when the browser or the page cannot be run, so a broken setup is never a
// silent pass.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const [file, media = "screen", executablePath = "/usr/bin/chromium", widthList = "1280"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node axe.mjs FILE.html [screen|print] [CHROMIUM] [WIDTH,WIDTH,...]");
  process.exit(2);
}
const widths = widthList.split(",").map(Number);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// What a reader of a narrow window meets that axe-core does not test.
function measureLayout() {
  const doc = document.documentElement;
  const visible = (el) => el.getClientRects().length > 0;
  const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}: ${(el.textContent || "").trim().slice(0, 60)}`;
  const overflowing = [...document.querySelectorAll("td, th")]
    .filter((el) => visible(el) && el.scrollWidth > el.clientWidth + 1)
    .map(describe);
  // A word is broken when its letters sit on two lines anywhere but after a hyphen or slash.
  const broken = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest("svg, style, script") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const words = /\S+/g;
    for (let m = words.exec(node.data); m; m = words.exec(node.data)) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size < 2) continue;
      let previous = null;
      for (let i = 0; i < m[0].length; i++) {
        range.setStart(node, m.index + i);
        range.setEnd(node, m.index + i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        const top = Math.round(rect.top);
        if (previous !== null && Math.abs(top - previous) > 2 && !"-/\u2013".includes(m[0][i - 1])) {
          broken.push(m[0]);
          break;
        }
        previous = top;
      }
    }
  }
  const links = [...document.querySelectorAll("main a[href]")].filter(visible);
  const plainLinks = links
    .filter((a) => !getComputedStyle(a).textDecorationLine.includes("underline"))
    .map(describe);
  // Figures are right-aligned, and so is the heading of a column of figures. Goal numbers
  // such as "1.2.1" and periods such as "2020" are labels, not figures.
  const FIGURE = /^[+\-\u2212]?\d[\d\s.,]*(\s?[%a-z\u00e5\u00e4\u00f6]{0,6})?$/i;
  const LABEL = /^\d+(\.\d+)*\.$|^\d+(\.\d+)+$|^(19|20)\d\d$/;
  const right = (el) => ["right", "end"].includes(getComputedStyle(el).textAlign);
  const leftNumbers = [];
  for (const table of document.querySelectorAll("table")) {
    if (!visible(table)) continue;
    const columns = new Map();  // column -> [all figures?, cells]
    for (const row of table.tBodies.length ? [...table.tBodies].flatMap((b) => [...b.rows]) : []) {
      let column = 0;
      for (const cell of row.cells) {
        const text = cell.textContent.trim();
        if (cell.tagName === "TD" && cell.colSpan === 1 && text) {
          const figure = FIGURE.test(text) && !LABEL.test(text);
          if (figure && !right(cell)) leftNumbers.push(describe(cell));
          const seen = columns.get(column) || { figures: true };
          seen.figures = seen.figures && figure;
          columns.set(column, seen);
        }
        column += cell.colSpan;
      }
    }
    for (const row of table.tHead ? table.tHead.rows : []) {
      let column = 0;
      for (const cell of row.cells) {
        const seen = columns.get(column);
        if (cell.colSpan === 1 && seen && seen.figures && !right(cell)) leftNumbers.push("heading " + describe(cell));
        column += cell.colSpan;
      }
    }
  }
  let chartText = null;
  for (const svg of document.querySelectorAll("svg.chart")) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll("text")) {
      const size = parseFloat(text.getAttribute("font-size")) * scale;
      chartText = chartText === null ? size : Math.min(chartText, size);
    }
  }
  return {
    viewport: window.innerWidth,
    scrollWidth: doc.scrollWidth,
    overflowing,
    broken,
    links: links.length,
    plainLinks,
    leftNumbers,
    chartText,
  };
}

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
  const runs = [];
  let engine = null;
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async (tags) => {
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
    engine = result.axe;
    result.width = width;
    result.layout = await page.evaluate(measureLayout);
    runs.push(result);
  }
  process.stdout.write(JSON.stringify({ axe: engine, browser: browser.version(), media, external, runs }));
} finally {
  await browser.close();
}
