/**
 * The report's three charts, drawn from CompareReport data only:
 * (a) CDFs of "IMDS serves the new role" and "the application uses it", per strategy, on a log
 *     time axis (seconds to hours matter equally);
 * (b) t-visibility curves with their confidence bands: the share of instances using the new role
 *     by t, and the share whose old permissions are gone by t;
 * (c) per-instance timelines: two lanes per instance (IMDS, application) coloured by what they held.
 */
import type { HoldingKind, TimelineSegment } from '../result.ts';
import { formatDuration } from './format.ts';
import {
  el,
  type Frame,
  type LegendItem,
  legend,
  linearScale,
  linearTimeTicks,
  logScale,
  logTimeTicks,
  num,
  probabilityAxis,
  seriesColour,
  svgDocument,
  type Tick,
  text,
  timeAxis,
  tooltip,
} from './svg.ts';
import type { CdfPoint, CompareReport, StrategyReport, VisibilityPoint } from './types.ts';

const WIDTH = 820;
const LEFT = 60;
const RIGHT = 24;
const LEGEND_Y = 18;
const AXIS_FROM_MS = 1000;
const DASH = '6 4';

function windowMs(report: CompareReport): number {
  return Math.max(AXIS_FROM_MS * 10, ...report.strategies.map((s) => s.observationWindowMs));
}

/** A frame whose top leaves room for the legend. */
function frameBelow(legendHeight: number, plotH: number, bottom = 46): Frame {
  const top = LEGEND_Y + legendHeight + 10;
  return { width: WIDTH, height: top + plotH + bottom, left: LEFT, right: RIGHT, top, bottom };
}

function strategyLegend(report: CompareReport, extra: LegendItem[]): { svg: string; height: number } {
  const items: LegendItem[] = report.strategies.map((s, i) => ({
    label: s.strategy,
    colour: seriesColour(i),
  }));
  return legend(LEFT, LEGEND_Y, [...items, ...extra], WIDTH - LEFT - RIGHT);
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

/** Colours for what a lane held; chosen to stay distinct for common colour-vision deficiencies. */
export const holdingColours: Readonly<Record<HoldingKind, string>> = {
  new: '#009E73',
  old: '#E69F00',
  other: '#CC79A7',
  none: '#B2182B',
  down: '#8C8C8C',
};

const holdingLabels: Readonly<Record<HoldingKind, string>> = {
  new: 'new role',
  old: 'old role',
  other: 'other / denied',
  none: 'no credentials',
  down: 'down',
};

const LANE_H = 11;
/** Space between an instance's IMDS and application lanes, so two lanes of one colour stay two bars. */
const LANE_GAP = 2;
const ROW_H = 2 * LANE_H + LANE_GAP + 12;
const TIMELINE_LEFT = 210;
const LABEL_CHARS = 22;

interface TimelineAxis {
  readonly x: (ms: number) => number;
  readonly ticks: readonly Tick[];
  readonly title: string;
  /** A time as shown in tooltips. */
  readonly at: (ms: number) => string;
}

/**
 * With a known change start: a log axis of time after the change (the transitions of interest span
 * seconds to hours, as in the other charts); everything before change + 1 s sits at the left edge.
 * Without one: a linear axis over the whole run.
 */
function timelineAxis(s: StrategyReport, t0: number, t1: number, f: Frame): TimelineAxis {
  const right = f.width - f.right;
  const c = s.timelineChangeStartMs;
  if (c !== null && t1 - c > AXIS_FROM_MS * 10) {
    const log = logScale(AXIS_FROM_MS, t1 - c, f.left, right);
    return {
      x: (ms) => log(ms - c),
      ticks: logTimeTicks(AXIS_FROM_MS, t1 - c).map((t) => ({ ms: t.ms + c, label: t.label })),
      title: 'time after the change started (log scale; earlier times at the left edge)',
      at: (ms) => (ms < c ? `${formatDuration(c - ms)} before the change` : `+${formatDuration(ms - c)}`),
    };
  }
  return {
    x: linearScale(t0, t1, f.left, right),
    ticks: linearTimeTicks(0, t1 - t0).map((t) => ({ ms: t.ms + t0, label: t.label })),
    title:
      t0 === 0 ? 'simulated time since the start of the run' : `simulated time after ${formatDuration(t0)}`,
    at: (ms) => formatDuration(ms - t0),
  };
}

/** (c) Per-instance timelines of one strategy: an IMDS lane and an application lane per instance. */
export function timelineChart(s: StrategyReport, index: number): string {
  const id = `chart-timeline-${index}`;
  const kinds = Object.keys(holdingColours) as HoldingKind[];
  const lg = legend(
    TIMELINE_LEFT,
    LEGEND_Y,
    kinds.map((k) => ({ label: holdingLabels[k], colour: holdingColours[k] })),
    WIDTH - TIMELINE_LEFT - RIGHT,
  );
  const rows = s.sampleTimelines;
  const top = LEGEND_Y + lg.height + 10;
  const bottom = 46;
  const f: Frame = {
    width: WIDTH,
    height: top + Math.max(1, rows.length) * ROW_H + bottom,
    left: TIMELINE_LEFT,
    right: RIGHT,
    top,
    bottom,
  };
  const all = rows.flatMap((r) => [...r.imdsTimeline, ...r.appTimeline]);
  const t0 = all.length === 0 ? 0 : Math.min(...all.map((g) => g.fromMs));
  const t1 = all.length === 0 ? 1 : Math.max(t0 + 1, ...all.map((g) => g.toMs));
  const axis = timelineAxis(s, t0, t1, f);
  const lane = (segments: readonly TimelineSegment[], yy: number, laneName: string, who: string): string =>
    segments
      .map((g) => {
        const x0 = axis.x(g.fromMs);
        // At least a pixel wide: a 2-second gap on a 12-hour axis must still be visible.
        const w = Math.max(1, axis.x(g.toMs) - x0);
        const what = `${holdingLabels[g.kind]}${g.role !== undefined ? ` (${g.role})` : ''}`;
        const attrs = {
          x: x0,
          y: yy,
          width: w,
          height: LANE_H,
          fill: holdingColours[g.kind],
          class: `segment segment-${g.kind}`,
        };
        return el(
          'rect',
          attrs,
          tooltip(`${who} ${laneName}: ${what}, ${axis.at(g.fromMs)} to ${axis.at(g.toMs)}`),
        );
      })
      .join('');
  const body = rows.map((r, i) => {
    const yy = f.top + i * ROW_H;
    const appY = yy + LANE_H + LANE_GAP;
    const who = `${r.name} (${r.sdk})`;
    const label = who.length > LABEL_CHARS ? `${who.slice(0, LABEL_CHARS - 1)}…` : who;
    return el(
      'g',
      { class: 'timeline-row' },
      tooltip(who) +
        text(8, appY + 3, label, { class: 'row-label' }) +
        text(f.left - 6, yy + LANE_H - 2, 'IMDS', { 'text-anchor': 'end', class: 'lane-label' }) +
        text(f.left - 6, appY + LANE_H - 2, 'app', { 'text-anchor': 'end', class: 'lane-label' }) +
        lane(r.imdsTimeline, yy, 'IMDS', who) +
        lane(r.appTimeline, appY, 'application', who),
    );
  });
  const empty = rows.length === 0 ? text(f.left, f.top + 12, 'no sample timelines') : '';
  return svgDocument(
    id,
    `Per-instance timelines: ${s.strategy}`,
    `For ${rows.length} sample instances of strategy ${s.strategy}, what IMDS served (upper lane) and what the application held (lower lane) over time, coloured by new role, old role, other, no credentials, or down.`,
    f,
    timeAxis(f, axis.x, axis.ticks, axis.title) + body.join('') + empty + lg.svg,
  );
}
