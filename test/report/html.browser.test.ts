/**
 * Opens the HTML report in a real browser (a system chromium when there is one, else the Chromium
 * inside the npm package @sparticuz/chromium; see test/helpers/browser.ts), driven by
 * playwright-core, and checks that it renders: no console or page errors, no network requests,
 * every chart drawn with a non-empty box. Saves a screenshot to test/artifacts/report.png for a
 * human to look at.
 *
 * No browser is a failure, not a skip: a skipped browser test looks green while the charts go
 * unchecked.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeComparison } from '../../src/report/summarize.ts';
import { writeReports } from '../../src/report/write.ts';
import { type BrowserChoice, chooseChromium, openReportPage } from '../helpers/browser.ts';
import { makeCompareInput } from './fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, '..', 'artifacts');

describe('HTML report in a headless browser', () => {
  let browser: Browser | undefined;
  let choice: BrowserChoice | undefined;

  afterAll(async () => {
    await browser?.close();
  });

  it('finds a chromium (system, or the one inside the npm package)', async () => {
    // A failing test, not a skip: a skipped browser test looks green while the charts go unchecked.
    choice = await chooseChromium();
    expect(existsSync(choice.executablePath), `${choice.source}: ${choice.executablePath}`).toBe(true);
  });

  it('renders every chart without errors or network access', async () => {
    choice ??= await chooseChromium();
    mkdirSync(artifacts, { recursive: true });
    const report = summarizeComparison(makeCompareInput());
    const [, , htmlPath] = writeReports(report, join(artifacts, 'browser', 'report'));
    browser = await chromium.launch({ executablePath: choice.executablePath, args: [...choice.args] });
    const { page, problems } = await openReportPage(browser, htmlPath!);

    const charts = page.locator('svg.chart');
    // CDF + t-visibility + one timeline per strategy (4 in the fixture).
    expect(await charts.count()).toBe(6);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box, 'chart has a layout box').not.toBeNull();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(100);
      expect(await chart.locator(':scope > title').count()).toBe(1);
    }
    for (const selector of [
      '#chart-cdf path.series',
      '#chart-visibility path.series',
      '#chart-visibility path.band',
    ]) {
      const first = page.locator(selector).first();
      const box = await first.boundingBox();
      expect(box, `${selector} drawn`).not.toBeNull();
      expect(box!.width).toBeGreaterThan(0);
    }
    const segments = page.locator('#chart-timeline-0 rect.segment');
    expect(await segments.count()).toBeGreaterThan(10);
    const segBox = await segments.first().boundingBox();
    expect(segBox!.width).toBeGreaterThan(0);
    expect(segBox!.height).toBeGreaterThan(0);

    // Every strategy's curve carries its own marker shape, so coinciding curves stay distinguishable.
    const markerShapes = await page
      .locator('#chart-cdf .cdf-series .marker')
      .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('class')))]);
    expect(markerShapes.length).toBe(4);
    // Row labels of the timeline charts are whole and inside the chart (never cut at the left).
    for (const chart of await page.locator('svg.chart[id^="chart-timeline"]').all()) {
      const box = (await chart.boundingBox())!;
      const labels = chart.locator('.row-label');
      expect(await labels.count()).toBeGreaterThan(0);
      for (const label of await labels.all()) {
        expect(await label.textContent()).not.toContain('…');
        const lb = (await label.boundingBox())!;
        expect(lb.x).toBeGreaterThanOrEqual(box.x);
        expect(lb.x + lb.width).toBeLessThan(box.x + box.width * 0.4);
      }
    }

    // Legends are inside the charts' boxes (nothing clipped off the right edge).
    for (const chart of await charts.all()) {
      const box = (await chart.boundingBox())!;
      for (const label of await chart.locator('.legend-label').all()) {
        const lb = (await label.boundingBox())!;
        expect(lb.x + lb.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
      }
    }

    const screenshot = join(artifacts, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size, 'screenshot written').toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('a bare machine', () => {
  it('launches the Chromium inside the npm package when no system browser is used', async () => {
    // What a fresh clone without Debian's chromium runs; checked even where a system one exists.
    const choice = await chooseChromium({ ...process.env, IAMSIM_BROWSER: 'npm' });
    expect(choice.source).toBe('npm:@sparticuz/chromium');
    const browser = await chromium.launch({ executablePath: choice.executablePath, args: [...choice.args] });
    try {
      const page = await browser.newPage();
      await page.setContent(
        '<svg class="chart" width="200" height="120"><rect width="200" height="120"/></svg>',
      );
      const box = await page.locator('svg.chart').boundingBox();
      expect(box?.width).toBe(200);
    } finally {
      await browser.close();
    }
  });
});
