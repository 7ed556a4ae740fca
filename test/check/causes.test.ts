/**
 * Laws of the causes over generated runs: every refused call about an IAM entity is explained,
 * a propagation cause's instants are in causal order (commit, then the call, then the arrival,
 * which the view had not reached at the call), and every metric's cause points at an event at
 * the metric's own instant. Plus: attaching the recorder changes nothing in the run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CauseRecorder, invisibleEntity } from '../../src/check/causes.ts';
import { metricNames } from '../../src/result.ts';
import { simulate } from '../../src/simulate.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { arbitraryCheckRun, checkScenarioOf, describeRun } from './generated.ts';

describe('causes over generated runs', () => {
  it('explain every refused IAM-entity call, in causal order, and every metric at its own instant', () => {
    fc.assert(
      fc.property(arbitraryCheckRun(), (run) => {
        const scenario = checkScenarioOf(run);
        const recorder = new CauseRecorder(scenario);
        const raw = simulate(scenario, { seed: run.seed, observers: [recorder], timelines: false });
        const result = recorder.explain(raw);
        const where = describeRun(run);
        for (const s of result.steps) {
          if (s.ok) {
            expect(s.cause, where).toBeUndefined();
            continue;
          }
          expect(s.cause, `${where}: ${s.call} ${s.error?.code}`).toBeDefined();
          const cause = s.cause!;
          if (invisibleEntity(s.error) !== undefined)
            expect(['propagation', 'missing', 'rejected'], where).toContain(cause.kind);
          if (cause.kind === 'propagation') {
            const { committedAtMs, arrivedAtMs, version } = cause.needed!;
            expect(committedAtMs, where).toBeLessThanOrEqual(s.atMs);
            expect(cause.view!.version, where).toBeLessThan(version);
            if (arrivedAtMs !== null) {
              expect(arrivedAtMs, where).toBeGreaterThanOrEqual(s.atMs);
              expect(cause.earlyByMs, where).toBe(arrivedAtMs - s.atMs);
            }
          }
        }
        for (const i of result.instances) {
          for (const m of metricNames) {
            const c = i.causes?.[m];
            const v = i.metrics[m];
            if (v === null || v === 0 || result.changeStartMs === null) continue;
            // Whatever happened after the change started has a cause.
            expect(c, `${where}: ${i.name} ${m}=${v} has no cause`).toBeDefined();
            // Totals (gap, denied, down) have no instant of their own to find in the chain.
            if (c === undefined || m === 'credentialGapMs' || m === 'deniedMs' || m === 'downtimeMs')
              continue;
            // The chain ends with (or contains) the event that set the metric, at its instant.
            expect(
              c.chain.some((e) => e.atMs === result.changeStartMs! + v),
              `${where}: ${i.name} ${m}=${v}: ${c.summary}`,
            ).toBe(true);
          }
        }
      }),
      propertyOptions(30),
    );
  });

  it('the recorder only observes: the run is the same with and without it', () => {
    fc.assert(
      fc.property(arbitraryCheckRun(), (run) => {
        const scenario = checkScenarioOf(run);
        const plain = simulate(scenario, { seed: run.seed, timelines: false });
        const observed = simulate(scenario, {
          seed: run.seed,
          observers: [new CauseRecorder(scenario)],
          timelines: false,
        });
        expect(observed, describeRun(run)).toEqual(plain);
      }),
      propertyOptions(15),
    );
  });
});
