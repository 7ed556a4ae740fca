/**
 * A self-contained HTML report: inline CSS, inline SVG charts, no scripts, no external resources
 * (it must open offline, from an attachment or a CI artefact). The tables are the same grids the
 * Markdown shows; every inserted string is escaped.
 */
import { metricNames } from '../result.ts';
import { cdfChart, coincidingCurves, visibilityChart } from './charts.ts';
import {
  escapeXml,
  formatRoundedDuration,
  metricDefinitions,
  metricLabels,
  minUpShareDefinition,
} from './format.ts';
import {
  incidentChart,
  incidentGuidance,
  incidentIntro,
  incidentRunbookNote,
  incidentSdkTable,
  incidentStrategies,
  incidentTable,
} from './incident-render.ts';
import {
  alsoAffectedIntro,
  alsoAffectedTable,
  apiErrorIntro,
  apiErrorTable,
  calibrationTable,
  checksIntro,
  checksTable,
  judgedByNote,
  overviewTable,
  regionTable,
  runbookIntro,
  runbookTable,
  samplesNeededNote,
  sdkTable,
  strategyTable,
  type Table,
  waitersIntro,
  waitersTable,
} from './tables.ts';
import { timelineChart } from './timeline-chart.ts';
import type { CompareReport, StrategyReport } from './types.ts';

const CSS = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff;
  margin: 0 auto; padding: 24px; max-width: 1200px; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .4rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .86rem; }
.table-scroll { overflow-x: auto; } td:first-child { white-space: nowrap; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; }
th { background: #f6f8fa; text-align: left; } th.group { text-align: center; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
/* A number and its interval may wrap between them ("6.3h" / "[6.2h–6.4h]"), never inside either, so wide tables fit the page. */
td.num { white-space: normal; } td.num .nw { white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfc; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: #f6f8fa; padding: 10px; overflow-x: auto; border-radius: 6px; }
.note { color: #57606a; font-size: .88rem; }
figure { margin: 1rem 0; } figcaption { color: #57606a; font-size: .88rem; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg .grid { stroke: #e3e6ea; stroke-width: 1; } svg .axis { stroke: #57606a; stroke-width: 1; }
svg .tick, svg .lane-label { fill: #57606a; font-size: 11px; } svg .axis-title { fill: #1f2328; font-size: 12px; }
svg .legend-label, svg .row-label { fill: #1f2328; font-size: 12px; }
details { margin: .4rem 0; } summary { cursor: pointer; color: #0969da; }
`;

function htmlTable(table: Table, caption?: string): string {
  const cls = (i: number) => (table.align[i] === 'right' ? ' class="num"' : '');
  const cols = (table.grouped?.headers ?? table.headers)
    .map((h, i) => `<th scope="col"${cls(i)}>${escapeXml(h)}</th>`)
    .join('');
  const groups = (table.grouped?.groups ?? [])
    .map((g) => `<th scope="colgroup" colspan="${g.span}" class="group">${escapeXml(g.label)}</th>`)
    .join('');
  const head = groups === '' ? `<tr>${cols}</tr>` : `<tr>${groups}</tr><tr>${cols}</tr>`;
  // A number cell may wrap only between its words (a value, its interval), never inside one.
  const cellHtml = (c: string, i: number) =>
    table.align[i] === 'right'
      ? c
          .split(' ')
          .map((word) => `<span class="nw">${escapeXml(word)}</span>`)
          .join(' ')
      : escapeXml(c);
  const body = table.rows
    .map((row) => `<tr>${row.map((c, i) => `<td${cls(i)}>${cellHtml(c, i)}</td>`).join('')}</tr>`)
    .join('\n');
  const cap = caption === undefined ? '' : `<caption class="note">${escapeXml(caption)}</caption>`;
  return `<div class="table-scroll"><table>${cap}<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${escapeXml(caption)}</figcaption></figure>`;
}

const p = (content: string, cls?: string) => `<p${cls === undefined ? '' : ` class="${cls}"`}>${content}</p>`;

/** One strategy's section: its samples, quantile table, per-SDK table and sample timelines. */
function strategySection(s: StrategyReport, index: number): string[] {
  const e = escapeXml;
  return [
    `<h3>${e(s.strategy)}</h3>`,
    p(
      `${s.n} samples (target instance × seed), observed for ${e(formatRoundedDuration(s.observationWindowMs))} after the change started. ${e(judgedByNote(s))}`,
    ),
    htmlTable(strategyTable(s)),
    `<details><summary>Per SDK: ${e(s.strategy)}</summary>${htmlTable(sdkTable(s))}</details>`,
    `<details><summary>Per region: ${e(s.strategy)}</summary>${htmlTable(regionTable(s))}</details>`,
    figure(
      timelineChart(s, index),
      `Sample target instances of ${s.strategy} (first seed, taken from every region in turn): upper lane IMDS, lower lane application. Hover a bar for details.`,
    ),
  ];
}

/** The incident-response section (exposure vs outage), when the report compares responses. */
function incidentSection(report: CompareReport): string[] {
  if (incidentStrategies(report).length === 0) return [];
  const e = escapeXml;
  return [
    '<h2 id="incident">Incident response: exposure vs outage</h2>',
    p(e(incidentIntro(report))),
    htmlTable(incidentTable(report)),
    `<ul>${incidentGuidance(report)
      .map((line) => `<li>${e(line)}</li>`)
      .join('')}</ul>`,
    figure(
      incidentChart(report),
      'Each response at its time to contain (x) and application time out per instance (y): filled marker at the p99s with interval whiskers, hollow circle at the p50s, on log axes (0 sits at 1s). Lower left is better.',
    ),
    `<details><summary>Time out per application, p99, per SDK</summary>${htmlTable(incidentSdkTable(report))}</details>`,
  ];
}

/** The CDF and t-visibility charts, with a note naming strategies whose curves coincide. */
function chartsSection(report: CompareReport, confidence: string): string[] {
  const same = coincidingCurves(report, 'app');
  const sameNote =
    same.length === 0
      ? ''
      : ` ${same.map((g) => g.join(' and ')).join('; ')}: the same application curve, drawn on top of each other; their markers (one shape per strategy) tell them apart.`;
  return [
    '<h2 id="charts">Charts</h2>',
    figure(
      cdfChart(report),
      'Cumulative share of target instances whose IMDS serves the new role (dashed) and whose application uses it (solid, with markers). ' +
        `A curve that ends below 100% has instances that never switched within the observation window.${sameNote}`,
    ),
    figure(
      visibilityChart(report),
      `t-visibility (after PBS, Bailis et al. 2012): probability that an instance's application uses the new role by t ` +
        `(solid), and that its old permissions no longer work by t (dashed), with ${confidence} Wilson bands.`,
    ),
  ];
}

/** What the change did besides its purpose: instances outside the targets, and API errors. */
function sideEffectsSection(report: CompareReport): string[] {
  const e = escapeXml;
  const out: string[] = [];
  const checks = checksTable(report);
  if (checks.rows.length > 0) out.push('<h2 id="checks">Checks</h2>', p(e(checksIntro())), htmlTable(checks));
  const waiters = waitersTable(report);
  if (waiters.rows.length > 0)
    out.push('<h2 id="waiters">Waiters</h2>', p(e(waitersIntro())), htmlTable(waiters));
  out.push('<h2 id="also-affected">Also affected</h2>', p(e(alsoAffectedIntro(report))));
  const affected = alsoAffectedTable(report);
  if (affected.rows.length > 0) out.push(htmlTable(affected));
  out.push('<h2 id="api-errors">API errors</h2>', p(e(apiErrorIntro(report))));
  const errors = apiErrorTable(report);
  if (errors.rows.length > 0) out.push(htmlTable(errors));
  return out;
}

/** Renders the whole report as one HTML document. Pure: the same report gives the same text. */
export function renderHtml(report: CompareReport): string {
  const e = escapeXml;
  const confidence = `${Math.round(report.ci.confidence * 1000) / 10}%`;
  const title = `iamsim comparison: ${report.scenario.name}`;
  const out: string[] = [];
  out.push(`<h1>${e(title)}</h1>`);
  out.push(
    p(
      `Scenario <code>${e(report.scenario.name)}</code> (hash <code>${e(report.scenario.hash)}</code>), iamsim ${e(report.version)}, ` +
        `${report.seeds.count} seed${report.seeds.count === 1 ? '' : 's'} (${e(report.seeds.ranges)}). ` +
        `Intervals: ${e(confidence)} ${e(report.ci.method)}.`,
    ),
  );
  out.push(p('Reproduce with:'), `<pre><code>${e(report.command)}</code></pre>`);

  // An incident comparison answers the responder first; its role-change table comes after.
  out.push(...incidentSection(report));
  out.push('<h2 id="runbook">Runbook: how long to wait</h2>');
  out.push(p(e(runbookIntro(report))));
  if (incidentStrategies(report).length > 0) out.push(p(e(incidentRunbookNote()), 'note'));
  out.push(htmlTable(runbookTable(report)));
  const note = samplesNeededNote(report);
  if (note !== '') out.push(p(e(note), 'note'));
  out.push(...chartsSection(report, confidence));

  out.push('<h2 id="strategies">Strategies</h2>');
  out.push(htmlTable(overviewTable(report)));
  report.strategies.forEach((s, i) => {
    out.push(...strategySection(s, i));
  });

  out.push(...sideEffectsSection(report));

  out.push('<h2 id="metrics">Metrics</h2>');
  out.push(
    `<ul>${metricNames.map((m) => `<li><strong>${e(metricLabels[m])}</strong> (<code>${e(m)}</code>): ${e(metricDefinitions[m])}.</li>`).join('')}` +
      `<li><strong>Min up share</strong> (<code>minUpShare</code>): ${e(minUpShareDefinition)}.</li></ul>`,
  );
  out.push('<h2 id="method">Method</h2>', p(e(report.ci.description)));
  out.push('<h2 id="parameters">Parameters</h2>', htmlTable(calibrationTable(report)));
  out.push('<h2 id="seeds">Seeds</h2>', p(`${report.seeds.count} seeds: ${e(report.seeds.ranges)}.`));

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network: forbid every external fetch even if a future edit slips one in.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...out,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
