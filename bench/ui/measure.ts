/**
 * What bench:ui measures of a run page in Chromium: when the leaderboard's first rows (or its empty message)
 * appear, when the search-insight charts are drawn, how long a sort takes (click a header until the first row
 * changes), and the page's JavaScript heap after a garbage collection.
 */
import type { Browser, Page } from "@playwright/test";

export interface PageFigures {
  /** ms from navigation start to the leaderboard's first row (or its empty message) */
  firstRenderMs: number;
  /** ms from navigation start to the insight's charts (or its empty message) */
  chartsMs: number;
  /** ms from a header click to a new first row; null when there is nothing to sort */
  sortMs: number | null;
  /** the page's used JavaScript heap after a GC, bytes */
  heapBytes: number;
}

const LEADERBOARD = '[data-testid="leaderboard-row"], [data-testid="leaderboard-empty"]';
const CHARTS = '[data-testid="insight-empty"], [data-testid="parallel-coordinates"]';

// In-page code is sent as text: tsx compiles functions with name helpers that do not exist in the page.

/** records in the page when each selector first matches, in ms from navigation start (performance.now's origin) */
const WATCH = `(() => {
  const names = ${JSON.stringify({ leaderboard: LEADERBOARD, charts: CHARTS })};
  const marks = (window.__marks = {});
  const check = () => {
    for (const [name, selector] of Object.entries(names)) if (marks[name] === undefined && document.querySelector(selector)) marks[name] = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})()`;

/** clicks the archive-size header (cheapest first) until the first row changes; the ms from the click that changed it */
const TIME_SORT = `(async () => {
  const first = () => document.querySelector('[data-testid="leaderboard-row"]')?.getAttribute("data-trial-id");
  const before = first();
  for (let attempt = 0; attempt < 3; attempt++) {
    const start = performance.now();
    document.querySelector('[data-testid="sort-archive"]').click();
    const changed = await new Promise((resolve) => {
      const observer = new MutationObserver(() => first() !== before && done(true));
      const timer = setTimeout(() => done(false), 10000);
      const done = (v) => {
        observer.disconnect();
        clearTimeout(timer);
        resolve(v);
      };
      observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-trial-id"] });
    });
    if (changed) return performance.now() - start;
  }
  throw new Error("sorting by archive size never changed the first row");
})()`;

export async function measureRunPage(browser: Browser, url: string): Promise<PageFigures> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page: Page = await context.newPage();
  await page.addInitScript(WATCH);
  await page.goto(url);
  await page.waitForSelector(LEADERBOARD, { timeout: 60_000 });
  await page.waitForSelector(CHARTS, { timeout: 60_000 });
  const marks = (await page.evaluate("window.__marks")) as { leaderboard: number; charts: number };
  const sortMs = (await page.locator('[data-testid="leaderboard-row"]').count()) > 0 ? ((await page.evaluate(TIME_SORT)) as number) : null;
  const cdp = await context.newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  await context.close();
  return { firstRenderMs: marks.leaderboard, chartsMs: marks.charts, sortMs, heapBytes: heap.usedSize };
}
