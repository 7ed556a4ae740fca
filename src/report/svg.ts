/**
 * Minimal SVG building blocks for the report's hand-drawn charts: escaped elements, scales and
 * time-axis ticks. No chart library: the charts are few and simple, and a self-contained report
 * must not pull code from anywhere.
 */
import { escapeXml, formatRoundedDuration } from './format.ts';

export type Attrs = Readonly<Record<string, string | number | undefined>>;

/** Numbers in coordinates: two decimals are below a pixel and keep the markup short and stable. */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** An element with escaped attribute values; `children` is trusted markup built by these helpers. */
export function el(name: string, attrs: Attrs, children?: string): string {
  const attrText = Object.entries(attrs)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? num(v) : v)}"`)
    .join('');
  return children === undefined ? `<${name}${attrText}/>` : `<${name}${attrText}>${children}</${name}>`;
}

/** A text element; the content is escaped. */
export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

/** A tooltip (and accessible name) for the enclosing element. */
export function tooltip(content: string): string {
  return el('title', {}, escapeXml(content));
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

const plotWidth = (f: Frame): number => f.width - f.left - f.right;
const plotHeight = (f: Frame): number => f.height - f.top - f.bottom;

/** A complete, accessible SVG: role img, <title> and <desc> referenced by aria-labelledby. */
export function svgDocument(id: string, title: string, desc: string, f: Frame, body: string): string {
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${f.width} ${f.height}`,
      width: f.width,
      height: f.height,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      class: 'chart',
      id,
      'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      'font-size': 12,
    },
    el('title', { id: `${id}-title` }, escapeXml(title)) +
      el('desc', { id: `${id}-desc` }, escapeXml(desc)) +
      body,
  );
}

/** Linear map from a domain to a range, clamped to the domain. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((Math.min(d1, Math.max(d0, v)) - d0) / span) * (r1 - r0);
}

/** Log map from a positive domain to a range; values below d0 (including 0) sit at r0. */
export function logScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const l0 = Math.log10(d0);
  const span = Math.log10(d1) - l0 || 1;
  return (v) => r0 + ((Math.log10(Math.min(d1, Math.max(d0, v))) - l0) / span) * (r1 - r0);
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** Tick positions people read at a glance on a log time axis: 1s 10s 1m 10m 1h 6h 1d 1w. */
const LOG_TICKS_MS = [S, 10 * S, M, 10 * M, H, 6 * H, D, 7 * D, 30 * D];

export interface Tick {
  readonly ms: number;
  readonly label: string;
}

/** Ticks for a log time axis over [minMs, maxMs]; the window end is added when it is far from the last tick. */
export function logTimeTicks(minMs: number, maxMs: number): Tick[] {
  const ticks = LOG_TICKS_MS.filter((t) => t >= minMs && t <= maxMs).map((ms) => ({
    ms,
    label: formatRoundedDuration(ms),
  }));
  const last = ticks[ticks.length - 1];
  if (last === undefined || maxMs / last.ms > 1.6)
    ticks.push({ ms: maxMs, label: formatRoundedDuration(maxMs) });
  return ticks;
}

const LINEAR_STEPS_MS = [
  S,
  5 * S,
  10 * S,
  30 * S,
  M,
  5 * M,
  10 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  D,
  7 * D,
];

/** Ticks for a linear time axis: the smallest round step giving at most `maxTicks` ticks. */
export function linearTimeTicks(minMs: number, maxMs: number, maxTicks = 9): Tick[] {
  const span = Math.max(1, maxMs - minMs);
  const step = LINEAR_STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks);
  const out: Tick[] = [];
  for (let t = Math.ceil(minMs / step) * step; t <= maxMs && out.length <= maxTicks; t += step) {
    out.push({ ms: t, label: formatRoundedDuration(t) });
  }
  return out;
}

/** Colour-blind-safe categorical palette (Okabe & Ito), for strategies. */
const seriesColours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

export function seriesColour(i: number): string {
  return seriesColours[i % seriesColours.length]!;
}

/** Horizontal gridlines and y labels for a probability axis (0 to 1), plus its title. */
export function probabilityAxis(f: Frame, y: (p: number) => number, title: string): string {
  const parts: string[] = [];
  // 99% is left out: on a linear axis its label would sit on top of 100%'s.
  for (const p of [0, 0.25, 0.5, 0.75, 0.9, 1]) {
    const yy = y(p);
    parts.push(el('line', { x1: f.left, x2: f.width - f.right, y1: yy, y2: yy, class: 'grid' }));
    parts.push(text(f.left - 6, yy + 4, `${Math.round(p * 100)}%`, { 'text-anchor': 'end', class: 'tick' }));
  }
  const cy = f.top + plotHeight(f) / 2;
  parts.push(
    text(14, cy, title, {
      transform: `rotate(-90 14 ${num(cy)})`,
      'text-anchor': 'middle',
      class: 'axis-title',
    }),
  );
  return el('g', { class: 'y-axis' }, parts.join(''));
}

/** Vertical gridlines and x labels for a time axis, plus its title. */
export function timeAxis(f: Frame, x: (ms: number) => number, ticks: readonly Tick[], title: string): string {
  const parts: string[] = [];
  const bottom = f.height - f.bottom;
  for (const t of ticks) {
    const xx = x(t.ms);
    parts.push(el('line', { x1: xx, x2: xx, y1: f.top, y2: bottom, class: 'grid' }));
    parts.push(text(xx, bottom + 16, t.label, { 'text-anchor': 'middle', class: 'tick' }));
  }
  parts.push(el('line', { x1: f.left, x2: f.width - f.right, y1: bottom, y2: bottom, class: 'axis' }));
  parts.push(
    text(f.left + plotWidth(f) / 2, f.height - 8, title, { 'text-anchor': 'middle', class: 'axis-title' }),
  );
  return el('g', { class: 'x-axis' }, parts.join(''));
}

export interface LegendItem {
  readonly label: string;
  readonly colour: string;
  /** A line sample (with optional dash pattern) instead of a filled swatch. */
  readonly line?: { readonly dash?: string };
  /** Draws the item's marker centred at (x, y), over a line sample. */
  readonly marker?: (x: number, y: number) => string;
}

/** A horizontal legend starting at (x, y), wrapping at `maxWidth`; returns its markup and height. Widths are estimated from text length. */
export function legend(
  x: number,
  y: number,
  items: readonly LegendItem[],
  maxWidth: number,
): { svg: string; height: number } {
  const parts: string[] = [];
  let cx = x;
  let cy = y;
  for (const item of items) {
    const w = 28 + item.label.length * 6.6 + 16;
    if (cx + w > x + maxWidth && cx > x) {
      cx = x;
      cy += LEGEND_ROW;
    }
    const swatch = item.marker
      ? el('line', { x1: cx, x2: cx + 22, y1: cy, y2: cy, stroke: item.colour, 'stroke-width': 2.5 }) +
        item.marker(cx + 11, cy)
      : item.line
        ? el('line', {
            x1: cx,
            x2: cx + 22,
            y1: cy,
            y2: cy,
            stroke: item.colour,
            'stroke-width': 2.5,
            'stroke-dasharray': item.line.dash,
          })
        : el('rect', { x: cx, y: cy - 6, width: 22, height: 12, fill: item.colour, rx: 2 });
    parts.push(swatch, text(cx + 28, cy + 4, item.label, { class: 'legend-label' }));
    cx += w;
  }
  return { svg: el('g', { class: 'legend' }, parts.join('')), height: cy - y + LEGEND_ROW };
}

const LEGEND_ROW = 18;
