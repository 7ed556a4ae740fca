/**
 * (c) Per-instance timelines of one strategy: an IMDS lane and an application lane per instance,
 * coloured by what each held (HoldingKind), on the same log time axis as the other charts when the
 * change start is known.
 */
import type { HoldingKind, TimelineSegment } from '../result.ts';
import { AXIS_FROM_MS, LEGEND_Y, RIGHT, WIDTH } from './charts.ts';
import { formatRoundedDuration } from './format.ts';
import {
  el,
  type Frame,
  legend,
  linearScale,
  linearTimeTicks,
  logScale,
  logTimeTicks,
  svgDocument,
  type Tick,
  text,
  timeAxis,
  tooltip,
} from './svg.ts';
import type { StrategyReport } from './types.ts';

/** Colours for what a lane held; chosen to stay distinct for common colour-vision deficiencies. */
const holdingColours: Readonly<Record<HoldingKind, string>> = {
  new: '#009E73',
  old: '#E69F00',
  other: '#CC79A7',
  denied: '#56008C',
  none: '#B2182B',
  down: '#8C8C8C',
};

const holdingLabels: Readonly<Record<HoldingKind, string>> = {
  new: 'new role',
  old: 'old role',
  other: 'other role',
  denied: 'denied (rejected by AWS)',
  none: 'no credentials',
  down: 'down',
};

const LANE_H = 11;
/** Space between an instance's IMDS and application lanes, so two lanes of one colour stay two bars. */
const LANE_GAP = 2;
const ROW_H = 2 * LANE_H + LANE_GAP + 12;
/** Left margin at least this wide; wider when a row label needs it (labels are never cut). */
const TIMELINE_LEFT_MIN = 210;
/** Estimated width of one label character at the row-label font size, px. */
const LABEL_CHAR_PX = 7;

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
      at: (ms) =>
        ms < c ? `${formatRoundedDuration(c - ms)} before the change` : `+${formatRoundedDuration(ms - c)}`,
    };
  }
  return {
    x: linearScale(t0, t1, f.left, right),
    ticks: linearTimeTicks(0, t1 - t0).map((t) => ({ ms: t.ms + t0, label: t.label })),
    title:
      t0 === 0
        ? 'simulated time since the start of the run'
        : `simulated time after ${formatRoundedDuration(t0)}`,
    at: (ms) => formatRoundedDuration(ms - t0),
  };
}

/** (c) Per-instance timelines of one strategy: an IMDS lane and an application lane per instance. */
export function timelineChart(s: StrategyReport, index: number): string {
  const id = `chart-timeline-${index}`;
  const rows = s.sampleTimelines;
  // Two label lines per row, the instance's name and its SDK and region, each shown whole.
  const labels = rows.map((r) => [r.name, `${r.sdk} · ${r.region}`] as const);
  const longest = Math.max(0, ...labels.flat().map((l) => l.length));
  const TIMELINE_LEFT = Math.max(TIMELINE_LEFT_MIN, 8 + longest * LABEL_CHAR_PX + 48);
  const kinds = Object.keys(holdingColours) as HoldingKind[];
  const lg = legend(
    TIMELINE_LEFT,
    LEGEND_Y,
    kinds.map((k) => ({ label: holdingLabels[k], colour: holdingColours[k] })),
    WIDTH - TIMELINE_LEFT - RIGHT,
  );
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
    const who = `${r.name} (${r.sdk}, ${r.region})`;
    const [name, detail] = labels[i]!;
    return el(
      'g',
      { class: 'timeline-row' },
      tooltip(who) +
        text(8, yy + LANE_H - 1, name, { class: 'row-label' }) +
        text(8, appY + LANE_H - 1, detail, { class: 'lane-label row-detail' }) +
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
    `For ${rows.length} sample instances of strategy ${s.strategy}, what IMDS served (upper lane) and what the application held (lower lane) over time, coloured by new role, old role, other role, denied, no credentials, or down.`,
    f,
    timeAxis(f, axis.x, axis.ticks, axis.title) + body.join('') + empty + lg.svg,
  );
}
