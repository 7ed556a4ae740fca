/**
 * The committed incident report (reports/incident-ssrf.html) in a real browser: the exposure vs
 * outage chart is drawn, one point per response, inside the chart, with no console errors and no
 * network access. Uses the same browser choice as the report test (test/helpers/browser.ts): no
 * browser is a failure, never a skip. Screenshot: test/artifacts/incident-chart.png.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chooseChromium, openReportPage } from '../helpers/browser.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const artifacts = join(root, 'test', 'artifacts');

describe('incident report in a headless browser', () => {
  it('draws the exposure vs outage chart, one point per response', async () => {
    const choice = await chooseChromium();
    const browser = await chromium.launch({ executablePath: choice.executablePath, args: [...choice.args] });
    try {
      const { page, problems } = await openReportPage(browser, join(root, 'reports', 'incident-ssrf.html'));

      const chart = page.locator('svg#incident-chart');
      expect(await chart.count()).toBe(1);
      const box = (await chart.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(box.height).toBeGreaterThan(200);
      const points = chart.locator('g.incident-point');
      const rows = await page.locator('#incident + p + div.table-scroll tbody tr').count();
      expect(rows).toBeGreaterThan(5);
      expect(await points.count()).toBe(rows);
      const xs = new Map<string, number>();
      for (const point of await points.all()) {
        const dot = (await point.locator('.marker').first().boundingBox())!;
        expect(dot.width).toBeGreaterThan(4);
        expect(dot.x).toBeGreaterThanOrEqual(box.x);
        expect(dot.x + dot.width).toBeLessThanOrEqual(box.x + box.width);
        expect(dot.y).toBeGreaterThanOrEqual(box.y);
        expect(dot.y + dot.height).toBeLessThanOrEqual(box.y + box.height);
        xs.set((await point.getAttribute('data-strategy'))!, dot.x);
        const label = (await point.locator('text').boundingBox())!;
        expect(label.x + label.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
      }
      // The SCP contains within minutes, no response only at expiry: far apart on the x axis.
      expect(xs.get('scp')!).toBeLessThan(xs.get('none')! - 100);
      mkdirSync(artifacts, { recursive: true });
      const shot = join(artifacts, 'incident-chart.png');
      await chart.screenshot({ path: shot });
      expect(statSync(shot).size).toBeGreaterThan(5_000);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
