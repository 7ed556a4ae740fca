/**
 * The report's distribution charts, drawn from CompareReport data only:
 * (a) CDFs of "IMDS serves the new role" and "the application uses it", per strategy, on a log
 *     time axis (seconds to hours matter equally);
 * (b) t-visibility curves with their confidence bands: the share of instances using the new role
 *     by t, and the share whose old permissions are gone by t.
 * The per-instance timeline chart (c) is in timeline-chart.ts; it shares this file's layout constants.
 */
import {
  el,
  type Frame,
  type LegendItem,
  legend,
  linearScale,
  logScale,
  logTimeTicks,
  num,
  probabilityAxis,
  seriesColour,
  svgDocument,
  timeAxis,
  tooltip,
} from './svg.ts';
import type { CdfPoint, CompareReport, VisibilityPoint } from './types.ts';

export const WIDTH = 960;
const LEFT = 60;
export const RIGHT = 24;
export const LEGEND_Y = 18;
export const AXIS_FROM_MS = 1000;
const DASH = '6 4';

function windowMs(report: CompareReport): number {
  return Math.max(AXIS_FROM_MS * 10, ...report.strategies.map((s) => s.observationWindowMs));
}

/** A frame whose top leaves room for the legend. */
function frameBelow(legendHeight: number, plotH: number, bottom = 46): Frame {
  const top = LEGEND_Y + legendHeight + 10;
  return { width: WIDTH, height: top + plotH + bottom, left: LEFT, right: RIGHT, top, bottom };
}

/** Strategy colours first, then (on a row of their own) what the line styles mean. */
function strategyLegend(report: CompareReport, styles: LegendItem[]): { svg: string; height: number } {
  const items: LegendItem[] = report.strategies.map((s, i) => ({
    label: s.strategy,
    colour: seriesColour(i),
    marker: (cx: number, cy: number) => marker(i, cx, cy, seriesColour(i)),
  }));
  const colours = legend(LEFT, LEGEND_Y, items, WIDTH - LEFT - RIGHT);
  const key = legend(LEFT, LEGEND_Y + colours.height, styles, WIDTH - LEFT - RIGHT);
  return { svg: colours.svg + key.svg, height: colours.height + key.height };
}

function polyline(
  points: readonly [number, number][],
  colour: string,
  dash?: string,
  cls = 'series',
): string {
  if (points.length === 0) return '';
  const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(x)} ${num(y)}`).join(' ');
  return el('path', {
    d,
    fill: 'none',
    stroke: colour,
    'stroke-width': 2.2,
    'stroke-dasharray': dash,
    class: cls,
  });
}

/** Marker shapes, one per strategy (by index), so curves that coincide stay distinguishable. */
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'cross'] as const;

/** A small marker of strategy `index`'s shape at (x, y). */
export function marker(index: number, x: number, y: number, colour: string): string {
  const shape = MARKERS[index % MARKERS.length]!;
  const r = 4.5;
  const common = { fill: colour, stroke: '#fff', 'stroke-width': 1, class: `marker marker-${shape}` };
  switch (shape) {
    case 'circle':
      return el('circle', { cx: num(x), cy: num(y), r, ...common });
    case 'square':
      return el('rect', { x: num(x - r), y: num(y - r), width: 2 * r, height: 2 * r, ...common });
    case 'cross':
      return el('path', {
        d: `M${num(x - r)} ${num(y - 1.5)}h${num(2 * r)}v3h${num(-2 * r)}Z M${num(x - 1.5)} ${num(y - r)}v${num(2 * r)}h3v${num(-2 * r)}Z`,
        ...common,
      });
    default: {
      const pts =
        shape === 'triangle'
          ? [
              [0, -r],
              [r, r],
              [-r, r],
            ]
          : shape === 'triangle-down'
            ? [
                [0, r],
                [r, -r],
                [-r, -r],
              ]
            : [
                [0, -r - 1],
                [r + 1, 0],
                [0, r + 1],
                [-r - 1, 0],
              ];
      return el('path', {
        d: `M${pts.map(([dx, dy]) => `${num(x + dx!)} ${num(y + dy!)}`).join(' L')} Z`,
        ...common,
      });
    }
  }
}

/**
 * Markers along a curve at staggered heights: strategy `index` puts its markers at shares
 * 0.1 + 0.2k + 0.035·index, so two strategies with the same curve show their two shapes at
 * different places on it. `at(p)` is the curve's x at share p (undefined where it never gets there).
 */
function markersAlong(
  index: number,
  colour: string,
  at: (p: number) => number | undefined,
  y: (p: number) => number,
): string {
  const out: string[] = [];
  for (let k = 0; k < 5; k++) {
    const p = 0.1 + 0.2 * k + 0.035 * (index % MARKERS.length);
    const x = at(p);
    if (x !== undefined) out.push(marker(index, x, y(p), colour));
  }
  return out.join('');
}

/** The x of a quantile-function curve at share p (its first point at or above p). */
function cdfX(points: readonly CdfPoint[], x: (ms: number) => number): (p: number) => number | undefined {
  return (p) => {
    const q = points.find((pt) => pt.p >= p - 1e-9);
    return q === undefined || q.ms === null ? undefined : x(q.ms);
  };
}

/** The x of a visibility curve at share p (the first grid time whose share reaches p). */
function visibilityX(
  points: readonly VisibilityPoint[],
  x: (ms: number) => number,
): (p: number) => number | undefined {
  return (p) => {
    const q = points.find((pt) => pt.p >= p);
    return q === undefined ? undefined : x(q.tMs);
  };
}

/**
 * Groups of strategies whose curves coincide (same points), for a note under the chart: such
 * curves are drawn on top of each other and only their markers tell them apart.
 */
export function coincidingCurves(report: CompareReport, curve: 'app' | 'imds'): string[][] {
  const groups = new Map<string, string[]>();
  for (const s of report.strategies) {
    const key = JSON.stringify(curve === 'app' ? s.cdf.appNewRoleMs : s.cdf.imdsNewRoleMs);
    groups.set(key, [...(groups.get(key) ?? []), s.strategy]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** A CDF drawn from its quantile function; after the last observed value it stays flat to the window (censored mass). */
function cdfPath(
  points: readonly CdfPoint[],
  x: (ms: number) => number,
  y: (p: number) => number,
  endMs: number,
): [number, number][] {
  const finite = points.filter((p): p is { p: number; ms: number } => p.ms !== null);
  const out = finite.map((p): [number, number] => [x(p.ms), y(p.p)]);
  const last = finite[finite.length - 1];
  if (last !== undefined && last.p < 1) out.push([x(endMs), y(last.p)]);
  return out;
}

/** (a) CDF of imdsNewRoleMs (dashed) and appNewRoleMs (solid) per strategy, log time axis. */
export function cdfChart(report: CompareReport): string {
  const endMs = windowMs(report);
  const lg = strategyLegend(report, [
    { label: 'application uses new role', colour: '#333', line: {} },
    { label: 'IMDS serves new role', colour: '#333', line: { dash: DASH } },
  ]);
  const f = frameBelow(lg.height, 300);
  const x = logScale(AXIS_FROM_MS, endMs, f.left, f.width - f.right);
  const y = linearScale(0, 1, f.height - f.bottom, f.top);
  const series = report.strategies.map((s, i) =>
    el(
      'g',
      { class: 'cdf-series', 'data-strategy': s.strategy },
      tooltip(`${s.strategy}: cumulative share of instances`) +
        polyline(cdfPath(s.cdf.imdsNewRoleMs, x, y, s.observationWindowMs), seriesColour(i), DASH) +
        polyline(cdfPath(s.cdf.appNewRoleMs, x, y, s.observationWindowMs), seriesColour(i)) +
        markersAlong(i, seriesColour(i), cdfX(s.cdf.appNewRoleMs, x), y),
    ),
  );
  const body =
    probabilityAxis(f, y, 'share of instances') +
    timeAxis(
      f,
      x,
      logTimeTicks(AXIS_FROM_MS, endMs),
      'time after the change started (log scale; values under 1s at the left edge)',
    ) +
    series.join('') +
    lg.svg;
  return svgDocument(
    'chart-cdf',
    'When instances get the new role: cumulative distribution per strategy',
    'For each strategy, the share of instances whose IMDS serves the new role (dashed) and whose application uses it (solid), against time after the change started, on a log scale.',
    f,
    body,
  );
}

function band(
  points: readonly VisibilityPoint[],
  x: (ms: number) => number,
  y: (p: number) => number,
  colour: string,
): string {
  if (points.length === 0) return '';
  const upper = points.map((p) => `${num(x(p.tMs))} ${num(y(p.high))}`);
  const lower = [...points].reverse().map((p) => `${num(x(p.tMs))} ${num(y(p.low))}`);
  return el('path', {
    d: `M${upper.join(' L')} L${lower.join(' L')} Z`,
    fill: colour,
    'fill-opacity': 0.14,
    stroke: 'none',
    class: 'band',
  });
}

/** (b) t-visibility: P(application uses new role by t) solid, P(old permissions gone by t) dashed, with bands. */
export function visibilityChart(report: CompareReport): string {
  const endMs = windowMs(report);
  const pct = `${Math.round(report.ci.confidence * 100)}%`;
  const lg = strategyLegend(report, [
    { label: 'uses new role', colour: '#333', line: {} },
    { label: 'old permissions gone', colour: '#333', line: { dash: DASH } },
    { label: `${pct} band`, colour: 'rgba(51,51,51,0.18)' },
  ]);
  const f = frameBelow(lg.height, 300);
  const x = logScale(AXIS_FROM_MS, endMs, f.left, f.width - f.right);
  const y = linearScale(0, 1, f.height - f.bottom, f.top);
  const xy = (p: VisibilityPoint): [number, number] => [x(p.tMs), y(p.p)];
  const series = report.strategies.map((s, i) => {
    const c = seriesColour(i);
    return el(
      'g',
      { class: 'visibility-series', 'data-strategy': s.strategy },
      tooltip(`${s.strategy}: t-visibility`) +
        band(s.tVisibility.appNew, x, y, c) +
        band(s.tVisibility.oldGone, x, y, c) +
        polyline(s.tVisibility.appNew.map(xy), c) +
        polyline(s.tVisibility.oldGone.map(xy), c, DASH) +
        markersAlong(i, c, visibilityX(s.tVisibility.appNew, x), y),
    );
  });
  const body =
    probabilityAxis(f, y, 'P(by time t)') +
    timeAxis(f, x, logTimeTicks(AXIS_FROM_MS, endMs), 'time t after the change started (log scale)') +
    series.join('') +
    lg.svg;
  return svgDocument(
    'chart-visibility',
    't-visibility: probability that an instance uses the new role, and has lost the old permissions, by time t',
    `Per strategy, the share of instances whose application uses the new role by time t (solid) and whose old permissions no longer work by time t (dashed), with ${pct} Wilson bands, on a log time axis.`,
    f,
    body,
  );
}
