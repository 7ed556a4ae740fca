/**
 * The incident part of a comparison report: per response, how long the stolen credentials stayed
 * usable (from the theft, and from the response's start: the time to contain), how many calls
 * the attacker got through, and what the response cost the application (time out per instance,
 * per SDK; time to recover), with the same quantile statistics and intervals as the rest of the
 * report (summarize.ts). Rendering is in incident-render.ts.
 */

import { byString } from '../canonical-json.ts';
import type { StrategySamples } from '../result.ts';
import { round6, wilsonInterval } from './stats.ts';
import { clusteredFor, quantileStats, type Settings, sampleOfValues } from './summarize.ts';
import type { QuantileStat } from './types.ts';

/** p50, p90, p99, like the metric tables. */
const PS = [0.5, 0.9, 0.99] as const;

export interface IncidentReport {
  /** Runs (seeds), and those in which the attacker read credentials at all. */
  readonly runs: number;
  readonly theftRuns: number;
  /** Time from the first theft to the response's start: detection (TTD + time to notify). p50/p90/p99. */
  readonly detectionMs: readonly QuantileStat[];
  /** From the theft until every stolen credential is rejected everywhere (per incident × seed). */
  readonly attackerExposureMs: readonly QuantileStat[];
  /** The same from the response's start: the time to contain (TTC). */
  readonly containMs: readonly QuantileStat[];
  /** Attacker calls enforcement allowed (a count; null without an attacker probe). */
  readonly attackerAllowedCalls: readonly QuantileStat[] | null;
  /** How long a chained session stayed usable after the response started (only runs with one). */
  readonly chainedAfterResponseMs: { readonly runs: number; readonly max: number } | null;
  /** The counter-move race: how often the defender's deny landed before the attacker deleted it. */
  readonly counterMove: {
    readonly races: number;
    readonly defenderWins: number;
    readonly share: number;
    readonly ci: readonly [number, number];
  } | null;
  /** Per target instance: time its application was out (denied + no credentials + down). */
  readonly outageMs: readonly QuantileStat[];
  readonly outageBySdk: readonly {
    readonly sdk: string;
    readonly n: number;
    readonly outageMs: readonly QuantileStat[];
  }[];
  /** Per run: time to recover (TTR), until every target application is up for good. */
  readonly recoveryMs: readonly QuantileStat[];
}

function stats(
  rows: readonly { readonly seed: number; readonly value: number | null }[],
  s: Settings,
  stream: string,
): QuantileStat[] {
  if (rows.length === 0) return [];
  return quantileStats(
    sampleOfValues(rows, (r) => r.value, clusteredFor(s)),
    PS,
    s,
    stream,
  );
}

type Row = StrategySamples['samples'][number];

/** Denied + gap + down: every way the application was out. Null when any part is unknown. */
function outage(r: Row): number | null {
  const { deniedMs, credentialGapMs, downtimeMs } = r.metrics;
  if (deniedMs === null || credentialGapMs === null || downtimeMs === null) return null;
  return deniedMs + credentialGapMs + downtimeMs;
}

export function incidentSummary(st: StrategySamples, s: Settings): IncidentReport {
  const name = `${st.strategy}/incident`;
  const runs = st.incident ?? [];
  const outcomes = runs.flatMap((r) => r.incidents.map((i) => ({ seed: r.seed, run: r, i })));
  const stolen = outcomes.filter((o) => o.i.theftMs !== null);
  const detected = runs.filter((r) => r.responseStartMs !== null);
  const races = outcomes.filter((o) => o.i.counterMove !== undefined);
  const wins = races.filter((o) => o.i.counterMove === 'defender-won').length;
  const chained = stolen.filter((o) => o.i.chainedAfterResponseMs !== null);
  const withProbe = outcomes.filter((o) => o.i.attackerAllowedCalls !== null);
  // The application's numbers count only runs with a response (without a theft nothing started).
  const responded = new Set(detected.map((r) => r.seed));
  const samples = st.samples.filter((r) => responded.has(r.seed));
  const sdks = [...new Set(samples.map((r) => r.sdk))].sort(byString);
  return {
    runs: runs.length,
    theftRuns: new Set(stolen.map((o) => o.seed)).size,
    detectionMs: stats(
      detected.map((r) => {
        const first = Math.min(...r.incidents.flatMap((i) => (i.theftMs === null ? [] : [i.theftMs])));
        return { seed: r.seed, value: r.responseStartMs! - first };
      }),
      s,
      `${name}/detection`,
    ),
    attackerExposureMs: stats(
      stolen.map((o) => ({ seed: o.seed, value: o.i.attackerExposureMs })),
      s,
      `${name}/exposure`,
    ),
    containMs: stats(
      stolen
        .filter((o) => o.run.responseStartMs !== null)
        .map((o) => ({ seed: o.seed, value: o.i.attackerExposureFromResponseMs })),
      s,
      `${name}/contain`,
    ),
    attackerAllowedCalls:
      withProbe.length === 0
        ? null
        : stats(
            withProbe.map((o) => ({ seed: o.seed, value: o.i.attackerAllowedCalls })),
            s,
            `${name}/calls`,
          ),
    chainedAfterResponseMs:
      chained.length === 0
        ? null
        : { runs: chained.length, max: Math.max(...chained.map((o) => o.i.chainedAfterResponseMs!)) },
    counterMove:
      races.length === 0
        ? null
        : (() => {
            const w = wilsonInterval(wins, races.length, s.confidence);
            return {
              races: races.length,
              defenderWins: wins,
              share: round6(wins / races.length),
              ci: [round6(w.low), round6(w.high)] as const,
            };
          })(),
    outageMs: stats(
      samples.map((r) => ({ seed: r.seed, value: outage(r) })),
      s,
      `${name}/outage`,
    ),
    outageBySdk: sdks.map((sdk) => {
      const rows = samples.filter((r) => r.sdk === sdk);
      return {
        sdk,
        n: rows.length,
        outageMs: stats(
          rows.map((r) => ({ seed: r.seed, value: outage(r) })),
          s,
          `${name}/outage/${sdk}`,
        ),
      };
    }),
    recoveryMs: stats(
      detected.map((r) => ({ seed: r.seed, value: r.recoveryMs })),
      s,
      `${name}/recovery`,
    ),
  };
}
