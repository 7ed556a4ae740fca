/**
 * Renders the incident part of a comparison report (incident.ts): the exposure vs outage table
 * per response, the outage per SDK, runbook guidance, and the exposure/outage scatter chart.
 * Markdown and HTML render the same grids (tables.ts's Table), so they never disagree.
 */
import { marker } from './charts.ts';
import { formatQuantile, formatRoundedDuration, formatShare } from './format.ts';
import type { IncidentReport } from './incident.ts';
import {
  el,
  type Frame,
  logScale,
  logTimeTicks,
  num,
  seriesColour,
  svgDocument,
  text,
  timeAxis,
  tooltip,
} from './svg.ts';
import type { Table } from './tables.ts';
import type { CompareReport, QuantileStat, StrategyReport } from './types.ts';

/** The time a runbook should contain a stolen credential within, at p99. */
const CONTAIN_TARGET_MS = 10 * 60_000;

type WithIncident = StrategyReport & { readonly incident: IncidentReport };

/** The responses that carry incident numbers, in report order. */
export function incidentStrategies(report: CompareReport): WithIncident[] {
  return report.strategies.filter((s): s is WithIncident => s.incident !== undefined);
}

const q = (stats: readonly QuantileStat[], p: number): QuantileStat | undefined =>
  stats.find((s) => s.p === p);

function cell(stats: readonly QuantileStat[], p: number, windowMs: number): string {
  const stat = q(stats, p);
  return stat === undefined ? '–' : formatQuantile(stat, windowMs);
}

function countCell(stats: readonly QuantileStat[] | null, p: number): string {
  const stat = stats === null ? undefined : q(stats, p);
  if (stat === undefined) return '–';
  const v = (x: number | null) => (x === null ? '>window' : String(x));
  const [low, high] = stat.ci;
  return low === high && high === stat.ms
    ? v(stat.ms)
    : `${v(stat.ms)} [${v(low)}–${high === null ? '?' : v(high)}]`;
}

export function incidentIntro(report: CompareReport): string {
  const first = incidentStrategies(report)[0]?.incident;
  const detection =
    first === undefined
      ? ''
      : ` Detection (first theft to response start): p50 ${cell(first.detectionMs, 0.5, Number.POSITIVE_INFINITY)}, p99 ${cell(first.detectionMs, 0.99, Number.POSITIVE_INFINITY)}.`;
  return (
    'Per response: time to contain (TTC: from the response start until every credential the attacker holds, chained sessions ' +
    'included, is rejected by enforcement in every region), exposure from the theft, the attacker calls AWS allowed, and what the ' +
    "response cost: each target application's time out (denied + no credentials + down), the time to recover (TTR: until every " +
    'target is up for good), the lowest share of targets up, and how often the defender won the counter-move race. ' +
    `Point estimate [interval]; ">" means beyond the observation window.${detection}`
  );
}

export function incidentTable(report: CompareReport): Table {
  const rows = incidentStrategies(report).map((s) => {
    const i = s.incident;
    const w = s.observationWindowMs;
    const race = i.counterMove;
    return [
      s.strategy,
      cell(i.containMs, 0.5, w),
      cell(i.containMs, 0.99, w),
      cell(i.attackerExposureMs, 0.5, w),
      cell(i.attackerExposureMs, 0.99, w),
      countCell(i.attackerAllowedCalls, 0.5),
      cell(i.outageMs, 0.5, w),
      cell(i.outageMs, 0.99, w),
      cell(i.recoveryMs, 0.5, w),
      cell(i.recoveryMs, 0.99, w),
      s.fleet.minUpShare.median === null ? '–' : formatShare(s.fleet.minUpShare.median),
      race === null ? '–' : `${formatShare(race.share)} of ${race.races}`,
    ];
  });
  const headers = [
    'TTC p50',
    'TTC p99',
    'exposure p50',
    'exposure p99',
    'attacker calls p50',
    'app out p50',
    'app out p99',
    'TTR p50',
    'TTR p99',
    'min up',
    'defender wins',
  ];
  return {
    headers: ['Response', ...headers],
    rows,
    align: ['left', ...headers.map(() => 'right' as const)],
    grouped: {
      groups: [
        { label: '', span: 1 },
        { label: 'Stolen credentials usable', span: 4 },
        { label: 'Attacker', span: 1 },
        { label: 'Cost to the application', span: 5 },
        { label: 'Race', span: 1 },
      ],
      headers: [
        'Response',
        'TTC p50',
        'TTC p99',
        'from theft p50',
        'from theft p99',
        'calls p50',
        'out p50',
        'out p99',
        'TTR p50',
        'TTR p99',
        'min up',
        'defender wins',
      ],
    },
  };
}

/** Time out per target application, p99 [interval], per response and SDK. */
export function incidentSdkTable(report: CompareReport): Table {
  const list = incidentStrategies(report);
  const sdks = [...new Set(list.flatMap((s) => s.incident.outageBySdk.map((b) => b.sdk)))].sort();
  return {
    headers: ['Response', ...sdks.map((sdk) => `${sdk} out p99`)],
    rows: list.map((s) => [
      s.strategy,
      ...sdks.map((sdk) => {
        const b = s.incident.outageBySdk.find((x) => x.sdk === sdk);
        return b === undefined ? '–' : cell(b.outageMs, 0.99, s.observationWindowMs);
      }),
    ]),
    align: ['left', ...sdks.map(() => 'right' as const)],
  };
}

const p99 = (stats: readonly QuantileStat[]): number => {
  const v = q(stats, 0.99)?.ms;
  return v === null || v === undefined ? Number.POSITIVE_INFINITY : v;
};

/**
 * Runbook guidance from the numbers: the response that contains within CONTAIN_TARGET_MS at p99
 * with the least outage at p99 (then the shortest time to recover); otherwise the fastest to
 * contain; and the responses that do not contain within an hour.
 */
export function incidentGuidance(report: CompareReport): string[] {
  const list = incidentStrategies(report);
  if (list.length === 0) return [];
  const out: string[] = [];
  const fmt = (ms: number) => (Number.isFinite(ms) ? formatRoundedDuration(ms) : '>window');
  const describe = (s: WithIncident) =>
    `${s.strategy} (TTC p99 ${fmt(p99(s.incident.containMs))}, app out p99 ${fmt(p99(s.incident.outageMs))}, TTR p99 ${fmt(p99(s.incident.recoveryMs))}` +
    (s.incident.counterMove === null
      ? ')'
      : `, defender wins the race in ${formatShare(s.incident.counterMove.share)})`);
  const fast = list.filter((s) => p99(s.incident.containMs) <= CONTAIN_TARGET_MS);
  const cost = (s: WithIncident) => [p99(s.incident.outageMs), p99(s.incident.recoveryMs)];
  const best = [...fast].sort((a, b) => cost(a)[0]! - cost(b)[0]! || cost(a)[1]! - cost(b)[1]!)[0];
  if (best !== undefined) {
    out.push(
      `To contain within ${formatRoundedDuration(CONTAIN_TARGET_MS)} at p99 with the least outage: ${describe(best)}.`,
    );
    const others = fast.filter((s) => s !== best);
    if (others.length > 0)
      out.push(
        `Also within ${formatRoundedDuration(CONTAIN_TARGET_MS)} at p99, at a higher cost: ${others.map(describe).join('; ')}.`,
      );
  } else {
    const fastest = [...list].sort((a, b) => p99(a.incident.containMs) - p99(b.incident.containMs))[0]!;
    out.push(
      `No response contains within ${formatRoundedDuration(CONTAIN_TARGET_MS)} at p99; the fastest is ${describe(fastest)}.`,
    );
  }
  const slow = list.filter((s) => p99(s.incident.containMs) > 60 * 60_000);
  if (slow.length > 0)
    out.push(
      `Do not rely on these alone: they leave stolen credentials usable for more than an hour at p99: ${slow.map((s) => s.strategy).join(', ')}.`,
    );
  return out;
}

/**
 * Scatter of time to contain (x) against application time out per instance (y), one series per
 * response: a filled marker at the p99s with their intervals as whiskers, a hollow circle at the
 * p50s, joined by a dashed line. Both axes are log time (0 sits at the 1 s floor, beyond the
 * window at the window). Each response has its own colour and marker shape, named in the legend
 * on the right, so points that coincide stay identifiable.
 */
export function incidentChart(report: CompareReport): string {
  const list = incidentStrategies(report);
  const windowMs = Math.max(10_000, ...list.map((s) => s.observationWindowMs));
  const floorMs = 1000;
  const f: Frame = { width: 960, height: 520, left: 70, right: 230, top: 20, bottom: 46 };
  const x = logScale(floorMs, windowMs, f.left, f.width - f.right);
  const y = logScale(floorMs, windowMs, f.height - f.bottom, f.top);
  const ticks = logTimeTicks(floorMs, windowMs);
  const parts: string[] = [
    timeAxis(f, x, ticks, 'Time to contain (response start until every stolen credential is rejected)'),
  ];
  for (const t of ticks) {
    const yy = y(t.ms);
    parts.push(el('line', { x1: f.left, x2: f.width - f.right, y1: yy, y2: yy, class: 'grid' }));
    parts.push(text(f.left - 6, yy + 4, t.label, { 'text-anchor': 'end', class: 'tick' }));
  }
  const cy = f.top + (f.height - f.top - f.bottom) / 2;
  parts.push(
    text(16, cy, 'Application time out per instance', {
      transform: `rotate(-90 16 ${num(cy)})`,
      'text-anchor': 'middle',
      class: 'axis-title',
    }),
  );
  const legendX = f.width - f.right + 24;
  parts.push(text(legendX, f.top + 4, 'filled: p99 [interval]; hollow: p50', { class: 'tick' }));
  const at = (v: number | null) => (v === null ? windowMs : v);
  list.forEach((s, i) => {
    const c99 = q(s.incident.containMs, 0.99);
    const o99 = q(s.incident.outageMs, 0.99);
    const c50 = q(s.incident.containMs, 0.5);
    const o50 = q(s.incident.outageMs, 0.5);
    if (c99 === undefined || o99 === undefined || c50 === undefined || o50 === undefined) return;
    const colour = seriesColour(i);
    const px = x(at(c99.ms));
    const py = y(at(o99.ms));
    const hx = x(at(c50.ms));
    const hy = y(at(o50.ms));
    const ly = f.top + 24 + i * 20;
    const label = `${s.strategy}: contain p50 ${formatQuantile(c50, windowMs)}, p99 ${formatQuantile(c99, windowMs)}; app out p50 ${formatQuantile(o50, windowMs)}, p99 ${formatQuantile(o99, windowMs)}`;
    parts.push(
      el(
        'g',
        { class: 'incident-point', 'data-strategy': s.strategy },
        tooltip(label) +
          el('line', {
            x1: hx,
            x2: px,
            y1: hy,
            y2: py,
            stroke: colour,
            'stroke-width': 1,
            'stroke-dasharray': '3 3',
          }) +
          el('line', {
            x1: x(at(c99.ci[0])),
            x2: x(at(c99.ci[1])),
            y1: py,
            y2: py,
            stroke: colour,
            'stroke-width': 1.5,
          }) +
          el('line', {
            x1: px,
            x2: px,
            y1: y(at(o99.ci[0])),
            y2: y(at(o99.ci[1])),
            stroke: colour,
            'stroke-width': 1.5,
          }) +
          el('circle', {
            cx: hx,
            cy: hy,
            r: 3.5,
            fill: '#fff',
            stroke: colour,
            'stroke-width': 1.5,
            class: 'p50',
          }) +
          marker(i, px, py, colour) +
          marker(i, legendX + 6, ly, colour) +
          text(legendX + 18, ly + 4, s.strategy, { class: 'legend-label' }),
      ),
    );
  });
  return svgDocument(
    'incident-chart',
    'Exposure vs outage per response',
    'For each response, the time until the stolen credentials stop working (x) against the time each application was out (y): p99 with interval whiskers (filled marker) and p50 (hollow); lower left is better.',
    f,
    parts.join(''),
  );
}

/** Under the role-change runbook table of an incident comparison (plain text). */
export function incidentRunbookNote(): string {
  return (
    'In an incident comparison, responses that keep the role (revoke, deny, SCP, restarts) never move the ' +
    'applications to a new role, so "use new role" reads "> window" for them by design; the exposure vs outage ' +
    'table above is the answer for a responder.'
  );
}
