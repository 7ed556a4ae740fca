/**
 * The report's tables as plain string grids. Markdown and HTML render these same grids, so the
 * two formats can never show different numbers.
 */
import { metricNames } from '../result.ts';
import {
  formatMax,
  formatQuantile,
  formatRoundedDuration,
  metricLabels,
  percentileLabel,
  percentLabel,
} from './format.ts';
import { RUNBOOK_PS } from './summarize.ts';
import type { CompareReport, MetricSummaries, StrategyReport } from './types.ts';

export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Per column: numbers right-aligned. */
  readonly align: readonly ('left' | 'right')[];
  /**
   * Optional two-level header for HTML (Markdown has no column groups): group labels spanning
   * columns, then short column labels. Markdown uses `headers`, which must say the same in one line.
   */
  readonly grouped?: {
    readonly groups: readonly { readonly label: string; readonly span: number }[];
    readonly headers: readonly string[];
  };
}

function metricRows(metrics: MetricSummaries, windowMs: number, prefix: readonly string[]): string[][] {
  return metricNames.map((name) => {
    const m = metrics[name];
    return [
      ...prefix,
      metricLabels[name],
      String(m.n),
      String(m.censored),
      formatQuantile(m.p50, windowMs),
      formatQuantile(m.p90, windowMs),
      formatQuantile(m.p99, windowMs),
      formatMax(m.max, windowMs),
    ];
  });
}

const METRIC_HEADERS = ['Metric', 'n', 'censored', 'p50', 'p90', 'p99', 'max'];
const METRIC_ALIGN: ('left' | 'right')[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right'];

/** The sentence introducing the runbook table (plain text; renderers escape it). */
export function runbookIntro(report: CompareReport): string {
  const confidence = `${Math.round(report.ci.confidence * 1000) / 10}%`;
  return (
    "Time after the change starts until P% of instances' applications use the new role, and until the old " +
    `permissions have stopped working on P% of instances. Point estimate [${confidence} interval]; ">" means ` +
    'beyond the observation window (the event had not happened when the simulation stopped).'
  );
}

/** Runbook: for each strategy, how long until P% of instances use the new role / lost the old one. */
export function runbookTable(report: CompareReport): Table {
  const percents = RUNBOOK_PS.map(percentLabel);
  return {
    headers: [
      'Strategy',
      'n',
      ...percents.map((p) => `${p} use new role`),
      ...percents.map((p) => `${p} old role gone`),
    ],
    align: [
      'left',
      'right',
      ...RUNBOOK_PS.map(() => 'right' as const),
      ...RUNBOOK_PS.map(() => 'right' as const),
    ],
    grouped: {
      groups: [
        { label: '', span: 2 },
        { label: 'Application uses the new role: P% of instances', span: RUNBOOK_PS.length },
        { label: 'Old permissions gone: P% of instances', span: RUNBOOK_PS.length },
      ],
      headers: ['Strategy', 'n', ...percents, ...percents],
    },
    rows: report.strategies.map((s) => [
      s.strategy,
      String(s.n),
      ...s.runbook.newPermissionsInApp.map((q) => formatQuantile(q, s.observationWindowMs)),
      ...s.runbook.oldPermissionsGone.map((q) => formatQuantile(q, s.observationWindowMs)),
    ]),
  };
}

/** One strategy's metrics over all instances. */
export function strategyTable(s: StrategyReport): Table {
  return {
    headers: METRIC_HEADERS,
    align: METRIC_ALIGN,
    rows: metricRows(s.metrics, s.observationWindowMs, []),
  };
}

/** One strategy's metrics per SDK preset. */
export function sdkTable(s: StrategyReport): Table {
  return {
    headers: ['SDK', ...METRIC_HEADERS],
    align: ['left', ...METRIC_ALIGN],
    rows: s.bySdk.flatMap((g) => metricRows(g.metrics, s.observationWindowMs, [g.sdk])),
  };
}

/** Strategies side by side: samples, observation window, API errors. */
export function overviewTable(report: CompareReport): Table {
  return {
    headers: ['Strategy', 'n', 'window', 'API errors'],
    align: ['left', 'right', 'right', 'left'],
    rows: report.strategies.map((s) => [
      s.strategy,
      String(s.n),
      formatRoundedDuration(s.observationWindowMs),
      s.apiErrors.length === 0 ? 'none' : s.apiErrors.map((e) => `${e.code} ×${e.count}`).join(', '),
    ]),
  };
}

export function calibrationTable(report: CompareReport): Table {
  return {
    headers: ['Parameter', 'Value', 'Source'],
    align: ['left', 'left', 'left'],
    rows: report.calibration.map((c) => [c.key, c.description, c.source]),
  };
}

/** Bounds that need more samples, as a footnote: `p99.9 needs n >= 3688`. Empty when none. */
export function samplesNeededNote(report: CompareReport): string {
  const need = new Map<number, number>();
  for (const s of report.strategies) {
    const stats = [
      ...s.runbook.newPermissionsInApp,
      ...s.runbook.oldPermissionsGone,
      ...[s.metrics, ...s.bySdk.map((g) => g.metrics)].flatMap((ms) =>
        metricNames.flatMap((m) => [ms[m].p50, ms[m].p90, ms[m].p99]),
      ),
    ];
    for (const q of stats) if (q.samplesNeeded !== undefined) need.set(q.p, q.samplesNeeded);
  }
  if (need.size === 0) return '';
  const parts = [...need.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([p, n]) => `${percentileLabel(p)} needs n ≥ ${n}`);
  return `"?": too few samples for a finite upper bound (${parts.join('; ')}); run more seeds.`;
}
