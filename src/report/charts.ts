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
        polyline(cdfPath(s.cdf.appNewRoleMs, x, y, s.observationWindowMs), seriesColour(i)),
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
        polyline(s.tVisibility.oldGone.map(xy), c, DASH),
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
