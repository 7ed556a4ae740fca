import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeXml, formatRoundedDuration } from '../../src/report/format.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJson } from '../../src/report/json.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { summarizeComparison } from '../../src/report/summarize.ts';
import type { CompareReport } from '../../src/report/types.ts';
import { writeReports } from '../../src/report/write.ts';
import { makeCompareInput, makeStrategySamples } from './fixtures.ts';

const report = summarizeComparison(makeCompareInput());
const md = renderMarkdown(report);
const json = renderJson(report);
const html = renderHtml(report);

/** Markdown table rows (header and rule lines dropped), split into unescaped cells, per table. */
function markdownTables(text: string): { heading: string; rows: string[][] }[] {
  const tables: { heading: string; rows: string[][] }[] = [];
  let heading = '';
  let current: string[][] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) heading = line;
    if (!line.startsWith('|')) {
      current = null;
      continue;
    }
    if (current === null) {
      current = [];
      tables.push({ heading, rows: current });
      continue; // header row
    }
    if (/^\|[\s\-:|]+\|$/.test(line)) continue;
    const cells = line
      .slice(2, -2)
      .split(/ (?<!\\)\| /)
      .map((c) => c.replace(/\\([\\|<])/g, '$1'));
    current.push(cells);
  }
  return tables;
}

/** Every number in the JSON report, as the renderers could show it. */
function shownForms(r: CompareReport): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'number') {
      out.add(String(v));
      if (v >= 0) out.add(formatRoundedDuration(v));
      // Shares (0..1) are shown as percentages.
      if (v >= 0 && v <= 1) out.add(String(Number((v * 100).toFixed(1))));
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x);
    } else if (v !== null && typeof v === 'object') {
      for (const x of Object.values(v)) walk(x);
    }
  };
  walk(r);
  return out;
}

describe('Markdown', () => {
  it('has the runbook table, a summary and per-SDK table per strategy, parameters, seeds, method and command', () => {
    expect(md).toContain('## Runbook: how long to wait');
    expect(md).toContain('| Strategy | n | 50% use new role | 99% use new role | 99.9% use new role |');
    for (const s of report.strategies) {
      expect(md).toContain(`### ${s.strategy}`);
      expect(md).toContain(`<summary>Per SDK: ${s.strategy}</summary>`);
    }
    expect(md).toContain('| Metric | n | censored | p50 | p90 | p99 | max |');
    expect(md).toContain('| SDK | Metric | n | censored | p50 | p90 | p99 | max |');
    expect(md).toContain('| App uses new role |');
    expect(md).toContain('## Parameters');
    expect(md).toContain('lognormal(median 6s, p99 60s) max 2m');
    expect(md).toContain('IAM UG \\| AWS.jl #57'); // a pipe in a source must not split the cell
    expect(md).toContain('20 seeds: 1..20.');
    expect(md).toContain('```sh\niamsim compare scenarios/demo.yaml --seeds 1..20 --out reports/demo\n```');
    expect(md).toContain('order-statistic');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('shows censored values as beyond the window and unboundable ones as "?"', () => {
    const swap = report.strategies[0]!;
    expect(swap.metrics.appNewRoleMs.censored).toBeGreaterThan(0);
    expect(md).toContain('>6.5h');
    expect(md).toMatch(/\[[^\]]*–\?\]/);
    expect(md).toContain('p99.9 needs n ≥ 3688');
  });

  it('only shows numbers that are in the JSON', () => {
    const forms = shownForms(report);
    const names = new Set([
      ...report.strategies.map((s) => s.strategy),
      ...report.strategies.flatMap((s) => s.bySdk.map((g) => g.sdk)),
      ...report.strategies.flatMap((s) => s.byRegion.map((g) => g.region)),
    ]);
    const tables = markdownTables(md).filter((t) => t.heading !== '## Parameters');
    // Runbook, overview, per strategy (all, per SDK, per region), the API errors (the fixture has some).
    expect(tables.length).toBe(2 + 3 * report.strategies.length + 1);
    const lines = md.split('\n').filter((l) => l.includes('samples (target instance × seed)'));
    const cells = [...tables.flatMap((t) => t.rows.flat()), ...lines].filter((c) => !names.has(c));
    let checked = 0;
    for (const c of cells) {
      for (const m of c.matchAll(/\d+(?:\.\d+)?(?:ms|s|m|h)?/g)) {
        expect(forms.has(m[0]), `"${m[0]}" in "${c}"`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
    for (const c of report.calibration) {
      expect(json).toContain(JSON.stringify(c.source));
      expect(json).toContain(JSON.stringify(c.description));
    }
  });

  it('escapes markup in names', () => {
    const input = makeCompareInput(
      { seeds: 2, strategies: ['a|b <img src=x>'] },
      { scenarioName: 'demo_*x*' },
    );
    const text = renderMarkdown(summarizeComparison(input));
    expect(text).toContain('a\\|b \\<img src=x>');
    expect(text).toContain('# iamsim comparison: demo\\_\\*x\\*');
    // Inside the <details> HTML block Markdown escapes do not apply: the name is HTML-escaped there.
    expect(text).toContain('<summary>Per SDK: a|b &lt;img src=x&gt;</summary>');
    expect(text).not.toMatch(/(?<!\\)<img/);
  });
});

describe('JSON', () => {
  it('round-trips, is 2-space indented, ends with a newline and holds no Infinity/NaN', () => {
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toMatch(/^ {2}"schemaVersion": 2,$/);
    expect(json).not.toMatch(/Infinity|NaN/);
    expect(renderJson(summarizeComparison(makeCompareInput()))).toBe(json);
  });

  it('represents censored quantiles as null with a flag', () => {
    const parsed = JSON.parse(json) as CompareReport;
    const censored = parsed.strategies.flatMap((s) => Object.values(s.metrics)).filter((m) => m.p99.censored);
    expect(censored.length).toBeGreaterThan(0);
    for (const m of censored) expect(m.p99.ms).toBeNull();
  });

  it('refuses a report with a non-finite number instead of writing null', () => {
    const broken = { ...report, seeds: { ...report.seeds, count: Number.POSITIVE_INFINITY } };
    expect(() => renderJson(broken)).toThrow(/"count" holds Infinity/);
  });
});

describe('HTML', () => {
  it('is one self-contained document: no scripts, stylesheets, images or links to the network', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    // The only URL is the SVG namespace, which is a name, never fetched.
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain('Content-Security-Policy" content="default-src \'none\'');
  });

  it('has the charts, each with a title, and the same table cells as the Markdown', () => {
    const svgs = html.match(/<svg\b/g) ?? [];
    expect(svgs.length).toBe(2 + report.strategies.length);
    expect((html.match(/<\/svg>/g) ?? []).length).toBe(svgs.length);
    expect((html.match(/<svg[^>]*><title id="chart-[\w-]+-title">/g) ?? []).length).toBe(svgs.length);
    for (const tick of ['>1s<', '>10s<', '>1m<', '>10m<', '>1h<', '>6h<']) expect(html).toContain(tick);
    // Cell text with the markup inside cells (the no-wrap spans of number cells) taken out.
    const cells = new Set(
      [...html.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((m) => m[1]!.replace(/<[^>]+>/g, '')),
    );
    for (const t of markdownTables(md)) {
      for (const c of t.rows.flat()) expect(cells.has(escapeXml(c)), c).toBe(true);
    }
  });

  it('escapes every inserted string', () => {
    const evil = '<script>alert("x")</script>';
    const input = makeCompareInput(
      { seeds: 2, strategies: [evil] },
      { scenarioName: evil, command: `iamsim "${evil}"` },
    );
    const strategies = input.strategies.map((s) => ({
      ...s,
      sampleTimelines: s.sampleTimelines.map((t) => ({ ...t, name: evil, sdk: '&amp;' })),
    }));
    const page = renderHtml(summarizeComparison({ ...input, strategies }));
    expect(page).not.toContain('<script');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('&amp;amp;');
  });

  it('falls back to a linear run-time axis when the change start is unknown', () => {
    const strategies = makeStrategySamples({ seeds: 2 }).map((s) => ({ ...s, timelineChangeStartMs: null }));
    const page = renderHtml(summarizeComparison(makeCompareInput({ seeds: 2 }, { strategies })));
    expect(page).toContain('simulated time since the start of the run');
  });
});

describe('edge cases', () => {
  it('renders a strategy whose samples are all censored, a single sample, and no timelines', () => {
    const base = makeStrategySamples({ seeds: 1, instancesPerSeed: 1, strategies: ['lonely'] })[0]!;
    const censored = {
      ...base,
      strategy: 'never',
      samples: base.samples.map((r) => ({
        ...r,
        metrics: { ...r.metrics, appNewRoleMs: null, imdsNewRoleMs: null },
      })),
      sampleTimelines: [],
    };
    const r = summarizeComparison(makeCompareInput({ seeds: 1 }, { strategies: [base, censored] }));
    const never = r.strategies[1]!;
    expect(never.metrics.appNewRoleMs).toMatchObject({
      n: 1,
      censored: 1,
      max: { ms: null, censored: true },
    });
    expect(never.tVisibility.appNew.every((p) => p.p === 0)).toBe(true);
    expect(r.strategies[0]!.metrics.downtimeMs.p50.ci).toEqual([0, null]);
    const page = renderHtml(r);
    expect(page).toContain('no sample timelines');
    expect(renderMarkdown(r)).toContain('| never | 1 | >6.5h [0s–?] | >6.5h [>6.5h–?] |');
    expect(() => renderJson(r)).not.toThrow();
  });
});

describe('writeReports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iamsim-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory, writes the three files atomically and returns their paths', () => {
    const prefix = join(dir, 'nested', 'deeper', 'demo');
    const paths = writeReports(report, prefix);
    expect(paths).toEqual([`${prefix}.md`, `${prefix}.json`, `${prefix}.html`]);
    expect(readFileSync(paths[0]!, 'utf8')).toBe(md);
    expect(readFileSync(paths[1]!, 'utf8')).toBe(json);
    expect(readFileSync(paths[2]!, 'utf8')).toBe(html);
    expect(readdirSync(join(dir, 'nested', 'deeper')).sort()).toEqual(['demo.html', 'demo.json', 'demo.md']);
    // Overwriting is fine and leaves no temporary files.
    writeReports(report, prefix);
    expect(readdirSync(join(dir, 'nested', 'deeper')).sort()).toEqual(['demo.html', 'demo.json', 'demo.md']);
  });
});
