/**
 * From a normalised Scenario back to the scenario file format: the inverse of normalise.ts, up to
 * formatting. `iamsim check` uses it to write shrunk scenarios that users can read, edit and
 * replay, so the output is the format people write (durations such as `1h30m`, fleets where the
 * instances still form one), never the internal type.
 *
 * The contract, tested: loading the text gives back an equivalent scenario: the same hash for a
 * scenario loaded from a file; otherwise the same behaviour, but calibration `source` strings
 * other than the presets' become "scenario override", and instances written one by one lose
 * their `fleet` label. Fleets are written as fleets only when their members are still
 * `NAME-0 .. NAME-(k-1)` with the same settings, and only as a suffix of the fleet list, so the
 * instance order (explicit instances first, then fleets) is kept; other members are written as
 * explicit instances and references to their fleet become lists of names.
 *
 * One file because it mirrors normalise.ts section by section, the way back.
 */
import { Document, isScalar, visit } from 'yaml';
import { type CalibrationKey, calibrationKeys, calibrationPresets } from '../calibration.ts';
import type { DistributionSpec } from '../engine/index.ts';
import { batchToRaw } from './batch.ts';
import { formatDuration } from './duration.ts';
import type { Foothold, IncidentSection } from './incident.ts';
import { defaults } from './limits.ts';
import type { ChangeTarget, FaultSpec, InstanceSpec, Scenario, SdkSpec, Step, TargetSpec } from './types.ts';

type Raw = Record<string, unknown>;

/** The scenario as a plain object in the file format (what the YAML parser would produce). */
export function scenarioToRaw(scenario: Scenario): Raw {
  const fleetsAsFleets = writableFleets(scenario);
  const explicitMembers = new Map<string, readonly string[]>();
  for (const f of scenario.fleets) if (!fleetsAsFleets.has(f.name)) explicitMembers.set(f.name, f.instances);
  const targets = (t: TargetSpec): Raw => {
    const fleets = t.fleets.filter((f) => fleetsAsFleets.has(f));
    const instances = [...t.instances];
    for (const f of t.fleets) for (const name of explicitMembers.get(f) ?? []) instances.push(name);
    return {
      ...(fleets.length > 0 ? { fleets } : {}),
      ...(instances.length > 0 ? { instances: [...new Set(instances)] } : {}),
    };
  };

  const raw: Raw = { name: scenario.name };
  if (scenario.description !== undefined) raw.description = scenario.description;
  if (scenario.seed !== undefined) raw.seed = scenario.seed;
  raw.horizon = formatDuration(scenario.horizonMs);
  const overrides = calibrationOverrides(scenario);
  if (scenario.calibrationPreset !== 'default' || Object.keys(overrides).length > 0) {
    raw.calibration = {
      ...(scenario.calibrationPreset !== 'default' ? { preset: scenario.calibrationPreset } : {}),
      ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
    };
  }
  const model: Raw = {};
  if (scenario.model.iamReads !== 'regionView') model.iamReads = scenario.model.iamReads;
  const quotas: Raw = {};
  if (scenario.model.profileQuota !== defaults.profileQuota)
    quotas.instanceProfiles = scenario.model.profileQuota;
  if (scenario.model.roleQuota !== defaults.roleQuota) quotas.roles = scenario.model.roleQuota;
  if (Object.keys(quotas).length > 0) model.quotas = quotas;
  if (scenario.model.defaultRegion !== scenario.regions[0])
    model.defaultRegion = scenario.model.defaultRegion;
  if (Object.keys(model).length > 0) raw.model = model;
  raw.regions = [...scenario.regions];
  if (scenario.roles.length > 0) {
    raw.roles = scenario.roles.map((r) => ({
      name: r.name,
      ...(r.path !== defaults.path ? { path: r.path } : {}),
      allow: [...r.allow],
    }));
  }
  if (scenario.instanceProfiles.length > 0) {
    raw.instanceProfiles = scenario.instanceProfiles.map((p) => ({
      name: p.name,
      ...(p.path !== defaults.path ? { path: p.path } : {}),
      ...(p.role !== undefined ? { role: p.role } : {}),
      ...(p.tags.length > 0 ? { tags: p.tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {}),
    }));
  }
  const explicit = scenario.instances.filter((i) => i.fleet === undefined || !fleetsAsFleets.has(i.fleet));
  if (explicit.length > 0) raw.instances = explicit.map(instanceToRaw);
  const fleets = scenario.fleets.filter((f) => fleetsAsFleets.has(f.name));
  if (fleets.length > 0) {
    raw.fleets = fleets.map((f) => {
      const members = f.instances.map((n) => scenario.instances.find((i) => i.name === n)!);
      const first = members[0]!;
      const sdks = members.map((m) => m.sdk);
      const sameSdk = sdks.every((s) => sameJson(s, sdks[0]));
      return {
        name: f.name,
        count: members.length,
        region: first.region,
        ...(first.state !== 'running' ? { state: first.state } : {}),
        ...(first.instanceProfile !== undefined ? { instanceProfile: first.instanceProfile } : {}),
        sdk: sameSdk ? sdkToRaw(first.sdk) : sdks.map(sdkToRaw),
        ...(first.probe !== undefined
          ? { probe: { action: first.probe.action, every: formatDuration(first.probe.everyMs) } }
          : {}),
        ...(first.imds !== undefined ? { imds: { tokens: first.imds.tokens } } : {}),
      };
    });
  }
  if (scenario.steps.length > 0) raw.steps = scenario.steps.map((s) => stepToRaw(s, targets));
  if (scenario.retry !== undefined) raw.retry = { ...scenario.retry };
  if (scenario.faults.length > 0) raw.faults = scenario.faults.map(faultToRaw);
  const checks: Raw[] = scenario.checks.map((c) => ({
    name: c.name,
    metric: c.metric,
    ...(c.maxMs !== undefined ? { max: formatDuration(c.maxMs) } : {}),
    ...(c.equalsMs !== undefined ? { equals: formatDuration(c.equalsMs) } : {}),
  }));
  for (const s of scenario.invariants ?? []) {
    checks.push({
      invariant: s.invariant,
      ...(s.enabled ? {} : { enabled: false }),
      ...(s.withinMs !== undefined ? { within: formatDuration(s.withinMs) } : {}),
    });
  }
  if (checks.length > 0) raw.checks = checks;
  if (scenario.change !== undefined) {
    raw.change = {
      to: changeTargetToRaw(scenario.change.to),
      ...(scenario.change.atMs !== undefined ? { at: formatDuration(scenario.change.atMs) } : {}),
    };
  }
  if (scenario.compare !== undefined) {
    const c = scenario.compare;
    raw.compare = {
      targets: targets(c.targets),
      to: changeTargetToRaw(c.to),
      at: formatDuration(c.atMs),
      strategies: c.strategies.map((e) =>
        e.batch === undefined && e.label === e.strategy
          ? e.strategy
          : {
              strategy: e.strategy,
              ...(e.batch === undefined ? {} : { batch: batchToRaw(e.batch) }),
              label: e.label,
            },
      ),
      seeds: c.seeds,
    };
  }
  if (scenario.incident !== undefined) Object.assign(raw, incidentToRaw(scenario.incident));
  return raw;
}

/** The `incidents:`, `detection:` and `dataPerimeter:` sections (every field written out). */
function incidentToRaw(section: IncidentSection): Raw {
  const foothold = (f: Foothold) => (f.kind === 'duration' ? formatDuration(f.durationMs) : f.kind);
  return {
    incidents: section.incidents.map((i) => ({
      name: i.name,
      instances: [...i.instances],
      at: distributionToRaw(i.at),
      via: i.via,
      foothold: foothold(i.foothold),
      from: i.from,
      ...(i.chain === undefined
        ? {}
        : { chain: { role: i.chain.role, every: formatDuration(i.chain.everyMs) } }),
      ...(i.probe === undefined
        ? {}
        : { probe: { action: i.probe.action, every: formatDuration(i.probe.everyMs) } }),
      ...(i.counterMove === undefined
        ? {}
        : { counterMove: { pollEvery: formatDuration(i.counterMove.pollEveryMs) } }),
    })),
    detection: {
      cloudTrail: distributionToRaw(section.detection.cloudTrail),
      delay: distributionToRaw(section.detection.delay),
      scpPropagation: distributionToRaw(section.detection.scpPropagation),
    },
    ...(section.dataPerimeterRoles.length === 0
      ? {}
      : { dataPerimeter: { roles: [...section.dataPerimeterRoles] } }),
  };
}

/**
 * The scenario as YAML text in the file format. `comment` lines (without `#`) go at the top,
 * after the line that points editors at the JSON Schema when `schemaPath` is given.
 */
export function scenarioToYaml(
  scenario: Scenario,
  options: { comment?: readonly string[]; schemaPath?: string } = {},
): string {
  const header = [
    ...(options.schemaPath !== undefined ? [`# yaml-language-server: $schema=${options.schemaPath}`] : []),
    ...(options.comment ?? []).map((line) => `# ${line}`),
  ];
  const doc = new Document(scenarioToRaw(scenario), { aliasDuplicateObjects: false });
  // Lists of scalars and small mappings of scalars on one line, as people write them
  // (`regions: [us-east-1]`, `probe: { action: s3:GetObject, every: 1m }`).
  visit(doc, {
    Seq(_, node) {
      if (node.items.every(isScalar)) node.flow = true;
    },
    Map(_, node) {
      if (node.items.length <= 4 && node.items.every((p) => isScalar(p.value))) node.flow = true;
    },
  });
  const body = doc.toString({ lineWidth: 0 });
  return header.length > 0 ? `${header.join('\n')}\n${body}` : body;
}

/** Fleets that can be written as fleets: members NAME-0..NAME-(k-1), alike, and only a suffix of the list. */
function writableFleets(scenario: Scenario): Set<string> {
  const byName = new Map(scenario.instances.map((i) => [i.name, i]));
  const ok = (fleet: Scenario['fleets'][number]): boolean => {
    if (fleet.instances.length === 0) return false;
    const members = fleet.instances.map((n) => byName.get(n));
    if (members.some((m) => m === undefined || m.fleet !== fleet.name || m.id !== undefined)) return false;
    const first = members[0]!;
    return members.every(
      (m, k) =>
        m!.name === `${fleet.name}-${k}` &&
        m!.region === first.region &&
        m!.state === first.state &&
        m!.instanceProfile === first.instanceProfile &&
        sameJson(m!.probe, first.probe) &&
        sameJson(m!.imds, first.imds),
    );
  };
  const out = new Set<string>();
  for (let i = scenario.fleets.length - 1; i >= 0; i--) {
    const fleet = scenario.fleets[i]!;
    if (!ok(fleet)) break;
    out.add(fleet.name);
  }
  // The expanded members must also sit at the end of the instance list, in fleet order.
  const tail = scenario.fleets.filter((f) => out.has(f.name)).flatMap((f) => f.instances);
  const actual = scenario.instances.slice(scenario.instances.length - tail.length).map((i) => i.name);
  return sameJson(tail, actual) ? out : new Set();
}

function instanceToRaw(i: InstanceSpec): Raw {
  return {
    name: i.name,
    ...(i.id !== undefined ? { id: i.id } : {}),
    region: i.region,
    ...(i.state !== 'running' ? { state: i.state } : {}),
    ...(i.instanceProfile !== undefined ? { instanceProfile: i.instanceProfile } : {}),
    sdk: sdkToRaw(i.sdk),
    ...(i.probe !== undefined
      ? { probe: { action: i.probe.action, every: formatDuration(i.probe.everyMs) } }
      : {}),
    ...(i.imds !== undefined ? { imds: { tokens: i.imds.tokens } } : {}),
  };
}

function sdkToRaw(sdk: SdkSpec): unknown {
  if (typeof sdk === 'string') return sdk;
  return {
    name: sdk.name,
    refreshBeforeExpiry: formatDuration(sdk.refreshBeforeExpiryMs),
    ...(sdk.maxHoldMs !== undefined ? { maxHold: formatDuration(sdk.maxHoldMs) } : {}),
    ...(sdk.staticStabilityMs !== undefined
      ? { staticStability: formatDuration(sdk.staticStabilityMs) }
      : {}),
  };
}

function changeTargetToRaw(to: ChangeTarget): Raw {
  return 'role' in to ? { role: to.role } : { instanceProfile: to.instanceProfile };
}

function timingToRaw(step: Step): Raw {
  return {
    ...(step.atMs !== undefined ? { at: formatDuration(step.atMs) } : {}),
    ...(step.afterMs !== undefined ? { after: formatDuration(step.afterMs) } : {}),
  };
}

function failureToRaw(step: Step): Raw {
  return {
    ...(step.onFailure !== undefined ? { onFailure: step.onFailure } : {}),
    ...(step.retry !== undefined ? { retry: { ...step.retry } } : {}),
  };
}

function stepToRaw(step: Step, targets: (t: TargetSpec) => Raw): Raw {
  switch (step.kind) {
    case 'call':
      return {
        call: `${step.service}:${step.operation}`,
        ...(Object.keys(step.params).length > 0 ? { params: step.params } : {}),
        ...(step.region !== undefined ? { region: step.region } : {}),
        ...(Object.keys(step.save).length > 0 ? { save: step.save } : {}),
        ...(step.expect !== undefined ? { expect: step.expect } : {}),
        ...(step.waiter !== undefined ? { waiter: step.waiter } : {}),
        ...(step.paginate !== undefined ? { paginate: { ...step.paginate } } : {}),
        ...failureToRaw(step),
        ...timingToRaw(step),
      };
    case 'wait':
      return { wait: formatDuration(step.durationMs), ...timingToRaw(step) };
    case 'waitUntil':
      return {
        waitUntil: {
          call: `${step.service}:${step.operation}`,
          ...(Object.keys(step.params).length > 0 ? { params: step.params } : {}),
          ...(step.region !== undefined ? { region: step.region } : {}),
          path: step.path,
          ...(step.equals !== undefined ? { equals: step.equals } : {}),
          ...(step.absent !== undefined ? { absent: step.absent } : {}),
          ...(step.length !== undefined
            ? {
                length:
                  step.length.max === Number.MAX_SAFE_INTEGER
                    ? { min: step.length.min }
                    : { min: step.length.min, max: step.length.max },
              }
            : {}),
          ...(step.in !== undefined ? { in: step.in } : {}),
          every: formatDuration(step.everyMs),
          timeout: formatDuration(step.timeoutMs),
        },
        ...failureToRaw(step),
        ...timingToRaw(step),
      };
    case 'strategy':
      return {
        strategy: step.strategy,
        targets: targets(step.targets),
        to: changeTargetToRaw(step.to),
        ...(step.batch === undefined ? {} : { batch: batchToRaw(step.batch) }),
        ...timingToRaw(step),
      };
    case 'console':
      return {
        console: step.action,
        ...(step.role !== undefined ? { role: step.role } : {}),
        ...(step.allow !== undefined ? { allow: step.allow } : {}),
        ...(step.instanceProfile !== undefined ? { instanceProfile: step.instanceProfile } : {}),
        ...(step.region !== undefined ? { region: step.region } : {}),
        ...(step.count !== undefined ? { count: step.count } : {}),
        ...failureToRaw(step),
        ...timingToRaw(step),
      };
    case 'forEach':
      return {
        forEach: targets(step.targets),
        steps: step.steps.map((s) => stepToRaw(s, targets)),
        ...(step.batch === undefined ? {} : { batch: batchToRaw(step.batch) }),
        ...timingToRaw(step),
      };
  }
}

function faultToRaw(f: FaultSpec): Raw {
  const window = { from: formatDuration(f.fromMs), to: formatDuration(f.toMs) };
  switch (f.kind) {
    case 'partition':
      return { partition: { region: f.region, ...window } };
    case 'imdsOutage':
      return { imdsOutage: { instances: [...f.instances], ...window } };
    case 'controlPlanePause':
      return { controlPlanePause: window };
  }
}

/**
 * Calibration entries that are not the preset's, as distributions in the file format: a different
 * distribution, or the same one given as an override (its source then says so).
 */
function calibrationOverrides(scenario: Scenario): Raw {
  const preset = calibrationPresets[scenario.calibrationPreset];
  const out: Raw = {};
  for (const key of calibrationKeys as readonly CalibrationKey[]) {
    const entry = scenario.calibration[key];
    if (!sameJson(entry.spec, preset[key].spec) || entry.source !== preset[key].source)
      out[key] = distributionToRaw(entry.spec);
  }
  return out;
}

function distributionToRaw(spec: DistributionSpec): Raw {
  const d = formatDuration;
  const clamp = {
    ...(spec.minMs !== undefined ? { min: d(spec.minMs) } : {}),
    ...(spec.maxMs !== undefined ? { max: d(spec.maxMs) } : {}),
  };
  switch (spec.kind) {
    case 'fixed':
      return { kind: 'fixed', value: d(spec.valueMs), ...clamp };
    case 'uniform':
      return { kind: 'uniform', low: d(spec.lowMs), high: d(spec.highMs), ...clamp };
    case 'exponential':
      return { kind: 'exponential', mean: d(spec.meanMs), ...clamp };
    case 'lognormal':
      return 'medianMs' in spec
        ? { kind: 'lognormal', median: d(spec.medianMs), p99: d(spec.p99Ms), ...clamp }
        : { kind: 'lognormal', mu: spec.mu, sigma: spec.sigma, ...clamp };
    case 'paretoExponential':
      return {
        kind: 'paretoExponential',
        paretoWeight: spec.paretoWeight,
        paretoScale: d(spec.paretoScaleMs),
        paretoShape: spec.paretoShape,
        exponentialMean: d(spec.exponentialMeanMs),
        ...clamp,
      };
    case 'empirical':
      return { kind: 'empirical', samples: spec.samplesMs.map(d), ...clamp };
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
