/**
 * Shrinking a failing scenario: remove faults, steps, instances and regions while the failure
 * persists (same signature, same seed), in the spirit of delta debugging: first big chunks, then
 * halves, then single items, repeated until a whole round removes nothing or the attempt budget
 * is spent. Then shorten what is left: the horizon, every step's `at`, `after` and `wait`, and
 * every fault window, each halved while the failure persists, so a witness does not wait hours
 * for nothing. Every attempt is a full simulation, so the budget bounds the cost.
 *
 * The edits here keep a scenario consistent where they can (removing an instance also removes it
 * from fleets, targets and outage lists, and drops a strategy or loop left without targets);
 * whatever they cannot keep consistent (a removed step whose saved value a later step uses) is
 * refused by the caller's predicate, which loads every candidate through the scenario loader.
 */
import type { FaultSpec, Scenario, Step, TargetSpec } from '../scenario/types.ts';

/** Sizes of the things shrinking removes, for reports. */
export interface ScenarioSize {
  readonly instances: number;
  /** Steps at every depth (a forEach counts once, plus its own steps). */
  readonly steps: number;
  readonly faults: number;
  readonly regions: number;
}

export function scenarioSize(s: Scenario): ScenarioSize {
  const count = (steps: readonly Step[]): number =>
    steps.reduce((n, st) => n + 1 + (st.kind === 'forEach' ? count(st.steps) : 0), 0);
  return {
    instances: s.instances.length,
    steps: count(s.steps),
    faults: s.faults.length,
    regions: s.regions.length,
  };
}

export interface ShrinkOptions {
  /** Whether `candidate` still fails the same way (it is never called with the starting scenario). */
  readonly fails: (candidate: Scenario) => boolean;
  /** Most candidates to try (each is one simulation). */
  readonly attemptsMax: number;
}

export interface ShrinkResult {
  readonly scenario: Scenario;
  readonly attempts: number;
  /** True when the budget ran out before a round removed nothing. */
  readonly budgetSpent: boolean;
}

type Kind = 'fault' | 'step' | 'instance' | 'region';
const kinds: readonly Kind[] = ['fault', 'step', 'instance', 'region'];

/** Shrinks `start`, which is known to fail. */
export function shrinkScenario(start: Scenario, options: ShrinkOptions): ShrinkResult {
  let current = start;
  let attempts = 0;
  const spent = () => attempts >= options.attemptsMax;
  for (let round = 0; round < 20 && !spent(); round++) {
    let progress = false;
    for (const kind of kinds) {
      let size = itemCount(current, kind);
      // Chunks of half the items, then a quarter, ... then one; from the end, because the end of
      // a runbook or a fleet is usually the least essential part.
      for (
        let chunk = Math.max(1, Math.ceil(size / 2));
        chunk >= 1 && !spent();
        chunk = Math.floor(chunk / 2)
      ) {
        for (let from = size - chunk; from >= 0 && !spent(); from -= chunk) {
          const indices = new Set(Array.from({ length: chunk }, (_, k) => from + k));
          const candidate = remove(current, kind, indices);
          if (candidate === undefined) continue;
          attempts++;
          if (options.fails(candidate)) {
            current = candidate;
            progress = true;
            size = itemCount(current, kind);
            from = Math.min(from, size);
          }
        }
      }
    }
    if (!progress) break;
  }
  for (let k = 0; k < durationCount(current) && !spent(); k++) {
    // Halve duration k while the failure persists; below a second it is not worth a simulation.
    for (;;) {
      const value = durationAt(current, k);
      if (value === undefined || value < SHORTEST_HALVED_MS || spent()) break;
      const candidate = withDuration(current, k, Math.round(value / 2));
      attempts++;
      if (!options.fails(candidate)) break;
      current = candidate;
    }
  }
  return { scenario: current, attempts, budgetSpent: spent() };
}

/** Durations under this are left as they are. */
const SHORTEST_HALVED_MS = 1000;

/**
 * The scenario's shortenable durations, in a fixed order: the horizon, then per step (depth
 * first) its `at`, `after` and `wait` duration, then each fault window's length. Each is a
 * getter and a setter on a scenario.
 */
interface Duration {
  readonly get: (s: Scenario) => number | undefined;
  readonly set: (s: Scenario, ms: number) => Scenario;
}

function durations(s: Scenario): Duration[] {
  const out: Duration[] = [{ get: (x) => x.horizonMs, set: (x, ms) => ({ ...x, horizonMs: ms }) }];
  const stepCount = scenarioSize(s).steps;
  for (let n = 0; n < stepCount; n++) {
    for (const field of ['atMs', 'afterMs', 'durationMs'] as const) {
      out.push({
        get: (x) => {
          const step = stepAt(x.steps, n);
          return step !== undefined && field in step
            ? (step as unknown as Record<string, number | undefined>)[field]
            : undefined;
        },
        set: (x, ms) => ({ ...x, steps: mapStep(x.steps, n, (st) => ({ ...st, [field]: ms }) as Step) }),
      });
    }
  }
  s.faults.forEach((_, i) => {
    out.push({
      get: (x) => {
        const f = x.faults[i];
        return f === undefined ? undefined : f.toMs - f.fromMs;
      },
      set: (x, ms) => ({
        ...x,
        faults: x.faults.map((f, j) => (j === i ? { ...f, toMs: f.fromMs + ms } : f)),
      }),
    });
  });
  return out;
}

function durationCount(s: Scenario): number {
  return durations(s).length;
}

function durationAt(s: Scenario, k: number): number | undefined {
  return durations(s)[k]?.get(s);
}

function withDuration(s: Scenario, k: number, ms: number): Scenario {
  return durations(s)[k]!.set(s, ms);
}

/** The n-th step in depth-first order (a forEach before its own steps). */
function stepAt(steps: readonly Step[], n: number): Step | undefined {
  let i = 0;
  const walk = (list: readonly Step[]): Step | undefined => {
    for (const st of list) {
      if (i++ === n) return st;
      if (st.kind === 'forEach') {
        const inner = walk(st.steps);
        if (inner !== undefined) return inner;
      }
    }
    return undefined;
  };
  return walk(steps);
}

/** `steps` with the n-th step (depth-first) replaced by `edit` of it. */
function mapStep(steps: readonly Step[], n: number, edit: (s: Step) => Step): Step[] {
  let i = 0;
  const walk = (list: readonly Step[]): Step[] =>
    list.map((st) => {
      const mine = i++ === n;
      const inner: Step = st.kind === 'forEach' ? { ...st, steps: walk(st.steps) } : st;
      return mine ? edit(inner) : inner;
    });
  return walk(steps);
}

function itemCount(s: Scenario, kind: Kind): number {
  switch (kind) {
    case 'fault':
      return s.faults.length;
    case 'step':
      return scenarioSize(s).steps;
    case 'instance':
      return s.instances.length;
    case 'region':
      return s.regions.length;
  }
}

/** `s` without the items at `indices` of `kind`, or undefined when that removal makes no sense. */
function remove(s: Scenario, kind: Kind, indices: ReadonlySet<number>): Scenario | undefined {
  switch (kind) {
    case 'fault':
      return { ...s, faults: s.faults.filter((_, i) => !indices.has(i)) };
    case 'step': {
      let n = 0;
      const filter = (steps: readonly Step[]): Step[] => {
        const out: Step[] = [];
        for (const step of steps) {
          const drop = indices.has(n++);
          const kept: Step = step.kind === 'forEach' ? { ...step, steps: filter(step.steps) } : step;
          if (!drop) out.push(kept);
        }
        return out;
      };
      return { ...s, steps: filter(s.steps) };
    }
    case 'instance':
      return withoutInstances(s, new Set(s.instances.filter((_, i) => indices.has(i)).map((i) => i.name)));
    case 'region': {
      const gone = new Set(s.regions.filter((_, i) => indices.has(i)));
      // A region that still has instances, or is where calls go by default, stays.
      if (gone.has(s.model.defaultRegion) || s.instances.some((i) => gone.has(i.region))) return undefined;
      return {
        ...s,
        regions: s.regions.filter((r) => !gone.has(r)),
        faults: s.faults.filter((f) => f.kind !== 'partition' || !gone.has(f.region)),
      };
    }
  }
}

/** `s` without the named instances, and without every reference to them. */
export function withoutInstances(s: Scenario, names: ReadonlySet<string>): Scenario {
  if (names.size === 0) return s;
  const fleets = s.fleets
    .map((f) => ({ ...f, instances: f.instances.filter((n) => !names.has(n)) }))
    .filter((f) => f.instances.length > 0);
  const fleetNames = new Set(fleets.map((f) => f.name));
  const targets = (t: TargetSpec): TargetSpec => ({
    fleets: t.fleets.filter((f) => fleetNames.has(f)),
    instances: t.instances.filter((n) => !names.has(n)),
  });
  const empty = (t: TargetSpec) => t.fleets.length === 0 && t.instances.length === 0;
  const steps = (list: readonly Step[]): Step[] => {
    const out: Step[] = [];
    for (const step of list) {
      if (step.kind === 'strategy' || step.kind === 'forEach') {
        const t = targets(step.targets);
        // A strategy or a loop over nobody does nothing: drop it rather than write an invalid file.
        if (empty(t)) continue;
        out.push(
          step.kind === 'forEach'
            ? { ...step, targets: t, steps: steps(step.steps) }
            : { ...step, targets: t },
        );
      } else {
        out.push(step);
      }
    }
    return out;
  };
  const faults: FaultSpec[] = [];
  for (const f of s.faults) {
    if (f.kind !== 'imdsOutage') faults.push(f);
    else {
      const left = f.instances.filter((n) => !names.has(n));
      if (left.length > 0) faults.push({ ...f, instances: left });
    }
  }
  const { compare, ...rest } = s;
  return {
    ...rest,
    instances: s.instances.filter((i) => !names.has(i.name)),
    fleets,
    steps: steps(s.steps),
    faults,
    ...(compare === undefined || empty(targets(compare.targets))
      ? {}
      : { compare: { ...compare, targets: targets(compare.targets) } }),
  };
}
