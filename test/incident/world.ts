/**
 * A small incident world for the tests: a 4-instance web fleet (one instance per long-holding
 * and short-holding SDK) in two regions behind role web-app; the attacker reads web-0's IMDS at
 * 1 h through an SSRF for 10 min; detection is fixed at 20 min, so every response starts at
 * 1h20m (theft plus detection) and the foothold has ended by then unless a test says otherwise.
 */

import type { IncidentOutcome, RunResult } from '../../src/result.ts';
import type { ResponseName } from '../../src/scenario/incident.ts';
import type { StrategyName } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { loadOk, type RawObject } from '../scenario/builders.ts';

export const M = 60_000;
export const H = 60 * M;
export const THEFT_MS = H;
export const DETECTION_MS = 20 * M;

export interface IncidentBuild {
  readonly incident?: RawObject;
  readonly top?: RawObject;
  readonly fleet?: RawObject;
  readonly horizon?: string;
}

export function incidentRaw(response: StrategyName | undefined, build: IncidentBuild = {}): RawObject {
  const allow = ['s3:GetObject', 'sts:AssumeRole', 'iam:DeleteRolePolicy'];
  return {
    name: 'incident-test',
    horizon: build.horizon ?? '10h',
    regions: ['us-east-1', 'eu-west-1'],
    roles: [
      { name: 'web-app', allow },
      { name: 'web-app-standby', allow },
      { name: 'data-reader', allow: ['s3:GetObject'] },
    ],
    instanceProfiles: [{ name: 'web', role: 'web-app' }],
    fleets: [
      {
        name: 'web',
        count: 4,
        region: 'us-east-1',
        instanceProfile: 'web',
        sdk: ['botocore', 'js-v3', 'java-v2', 'go-v2'],
        probe: { action: 's3:GetObject', every: '1m' },
        ...build.fleet,
      },
    ],
    incidents: [
      {
        name: 'ssrf',
        instances: ['web-0'],
        at: '1h',
        foothold: '10m',
        probe: { action: 's3:GetObject', every: '10s' },
        ...build.incident,
      },
    ],
    detection: { cloudTrail: '5m', delay: '15m' },
    ...(response === undefined
      ? {}
      : { steps: [{ strategy: response, targets: { fleet: 'web' }, to: { role: 'web-app-standby' } }] }),
    ...build.top,
  };
}

export function runIncident(
  response: StrategyName | undefined,
  seed: number,
  build: IncidentBuild = {},
): RunResult {
  return simulate(loadOk(incidentRaw(response, build)).scenario, { seed, responses: false });
}

/** The one incident's outcome of a run. */
export function outcome(result: RunResult): IncidentOutcome {
  const o = result.incident?.incidents[0];
  if (o === undefined) throw new Error('the run has no incident outcome');
  return o;
}

export type { ResponseName };
