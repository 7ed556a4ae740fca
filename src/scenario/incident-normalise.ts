/**
 * The `incidents:`, `detection:` and `dataPerimeter:` sections from YAML to IncidentSection, with
 * their references checked (instances, fleets and roles must exist). Called by the scenario
 * normaliser; problems go through its `error(path, message)`.
 */
import type { DistributionSpec } from '../engine/index.ts';
import { toDistributionSpec } from './distribution.ts';
import { schemaDurationMs } from './duration.ts';
import type { Foothold, IncidentSection, IncidentSpec } from './incident.ts';
import { COUNTER_MOVE_POLL_DEFAULT_MS, incidentDefaults } from './incident-calibration.ts';
import type { RawDistribution, RawIncident } from './schema.ts';
import { resolveTargets } from './targets.ts';
import type { FleetSpec } from './types.ts';

export interface RawIncidentSections {
  readonly incidents?: readonly RawIncident[];
  readonly detection?: {
    readonly cloudTrail?: RawDistribution;
    readonly delay?: RawDistribution;
    readonly scpPropagation?: RawDistribution;
  };
  readonly dataPerimeter?: { readonly roles: readonly string[] };
}

export interface IncidentWorld {
  /** The instances, in scenario order. */
  readonly instances: readonly { readonly name: string }[];
  readonly fleets: readonly FleetSpec[];
  readonly roles: readonly string[];
}

const ms = schemaDurationMs;

/** The incident section, or undefined when the file has no incidents (detection alone is refused). */
export function normaliseIncidents(
  raw: RawIncidentSections,
  world: IncidentWorld,
  error: (path: string, message: string) => void,
): IncidentSection | undefined {
  const list = raw.incidents ?? [];
  if (list.length === 0) {
    if (raw.detection !== undefined) error('detection', 'detection needs at least one entry in incidents');
    if (raw.dataPerimeter !== undefined)
      error('dataPerimeter', 'dataPerimeter needs at least one entry in incidents');
    return undefined;
  }
  const dist = (value: RawDistribution | undefined, path: string, fallback: DistributionSpec) => {
    if (value === undefined) return fallback;
    const result = toDistributionSpec(value);
    if (result.ok) return result.spec;
    error(result.field === undefined ? path : `${path}.${result.field}`, result.message);
    return fallback;
  };
  const roleLower = new Set(world.roles.map((r) => r.toLowerCase()));
  const checkRole = (role: string, path: string) => {
    if (!roleLower.has(role.toLowerCase()))
      error(path, `unknown role ${role}; declared: ${world.roles.join(', ') || 'none'}`);
  };
  const names = new Set<string>();
  const incidents = list.map((r, i): IncidentSpec => {
    const path = `incidents.${i}`;
    const name = r.name ?? `incident-${i + 1}`;
    if (names.has(name)) error(`${path}.name`, `two incidents are named ${name}`);
    names.add(name);
    for (const n of r.instances ?? []) {
      if (!world.instances.some((i) => i.name === n)) error(`${path}.instances`, `unknown instance ${n}`);
    }
    const fleets = [...(r.fleet === undefined ? [] : [r.fleet]), ...(r.fleets ?? [])];
    for (const f of fleets) {
      if (!world.fleets.some((x) => x.name === f))
        error(`${path}.${r.fleet === f ? 'fleet' : 'fleets'}`, `unknown fleet ${f}`);
    }
    const instances = resolveTargets({ instances: r.instances ?? [], fleets }, world.fleets, world.instances);
    if (instances.length === 0) error(path, 'an incident names its instances: instances, fleet or fleets');
    if (r.chain !== undefined) checkRole(r.chain.role, `${path}.chain.role`);
    const foothold: Foothold =
      r.foothold === undefined
        ? { kind: 'until-replace' }
        : r.foothold === 'until-stop' || r.foothold === 'until-replace' || r.foothold === 'until-terminate'
          ? { kind: r.foothold }
          : { kind: 'duration', durationMs: ms(r.foothold) };
    return {
      name,
      instances,
      at: dist(r.at, `${path}.at`, { kind: 'fixed', valueMs: 0 }),
      via: r.via ?? 'ssrf',
      foothold,
      from: r.from ?? 'outside-aws',
      ...(r.chain === undefined ? {} : { chain: { role: r.chain.role, everyMs: ms(r.chain.every) } }),
      ...(r.probe === undefined ? {} : { probe: { action: r.probe.action, everyMs: ms(r.probe.every) } }),
      ...(r.counterMove === undefined
        ? {}
        : {
            counterMove: {
              pollEveryMs:
                r.counterMove.pollEvery === undefined
                  ? COUNTER_MOVE_POLL_DEFAULT_MS
                  : Math.max(1, ms(r.counterMove.pollEvery)),
            },
          }),
    };
  });
  const d = raw.detection;
  const perimeter = raw.dataPerimeter?.roles ?? [];
  perimeter.forEach((role, i) => {
    checkRole(role, `dataPerimeter.roles.${i}`);
  });
  return {
    incidents,
    detection: {
      cloudTrail: dist(d?.cloudTrail, 'detection.cloudTrail', incidentDefaults.cloudTrail.spec),
      delay: dist(d?.delay, 'detection.delay', incidentDefaults.delay.spec),
      scpPropagation: dist(
        d?.scpPropagation,
        'detection.scpPropagation',
        incidentDefaults.scpPropagation.spec,
      ),
    },
    dataPerimeterRoles: [...perimeter],
  };
}
