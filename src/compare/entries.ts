/**
 * What a comparison compares: its entries. From one file, the built-in strategies its `compare:`
 * section lists, each run on the world without the file's steps, plus the file's own runbook
 * (its `steps:`) when it has one. From several files, each file's runbook, side by side, on the
 * same world: the files must describe the same instances, roles, profiles, regions, calibration
 * and faults, or the comparison is refused with the first difference named.
 */
import { basename, extname } from 'node:path';
import { findStrategy } from '../change-plan.ts';
import { UsageError } from '../errors.ts';
import { scenarioForStrategy } from '../scenario/for-strategy.ts';
import { canonicalJson } from '../scenario/hash.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CompareEntry } from './jobs.ts';

/** One loaded scenario file. */
export interface CompareFile {
  readonly file: string;
  readonly scenario: Scenario;
}

/** The default label of a file's runbook (its `change.label` overrides it). */
export const RUNBOOK_LABEL = 'runbook';

/** The parts of a scenario that make its world: everything but what the runbook does and what is measured. */
const WORLD_KEYS = [
  'regions',
  'roles',
  'instanceProfiles',
  'instances',
  'fleets',
  'faults',
  'horizonMs',
  'calibrationPreset',
  'calibration',
  'model',
] as const satisfies readonly (keyof Scenario)[];

/**
 * The file's steps as a runbook entry, measured from its `change:` (or, without one, from its
 * first call towards `compare.to`).
 * @throws UsageError when there is no change to measure.
 */
function runbookScenario(f: CompareFile): Scenario {
  const { scenario } = f;
  if (scenario.change !== undefined || findStrategy(scenario.steps) !== undefined) return scenario;
  if (scenario.compare !== undefined) return { ...scenario, change: { to: scenario.compare.to } };
  throw new UsageError(
    `${f.file}: its steps have no change to measure: add change: { to: { role: NAME } } (and targets:)`,
  );
}

/**
 * The entries of a comparison of one or more files.
 * @throws UsageError when a file has nothing to compare, labels collide, or the worlds differ.
 */
export function comparisonEntries(files: readonly CompareFile[]): CompareEntry[] {
  if (files.length === 0) throw new UsageError('compare needs at least one scenario file');
  const entries: CompareEntry[] = [];
  if (files.length === 1) {
    const f = files[0]!;
    for (const entry of f.scenario.compare?.strategies ?? []) {
      entries.push({
        label: entry.label,
        kind: 'strategy',
        scenario: scenarioForStrategy(f.scenario, entry),
      });
    }
    if (f.scenario.steps.length > 0) {
      entries.push({
        label: f.scenario.change?.label ?? RUNBOOK_LABEL,
        kind: 'runbook',
        scenario: runbookScenario(f),
      });
    }
    if (entries.length === 0)
      throw new UsageError(
        `${f.file} has nothing to compare: give it a compare: section (targets, to, strategies) or steps: with a change:`,
      );
  } else {
    const [first, ...rest] = files;
    for (const f of rest) {
      const difference = worldDifference(first!.scenario, f.scenario);
      if (difference !== undefined)
        throw new UsageError(
          `${first!.file} and ${f.file} describe different worlds, so their runbooks cannot be compared on the same seeds: ${difference}`,
        );
    }
    for (const f of files) {
      if (f.scenario.steps.length === 0)
        throw new UsageError(`${f.file} has no steps: comparing files compares their runbooks`);
      const label = f.scenario.change?.label ?? basename(f.file, extname(f.file));
      entries.push({ label, kind: 'runbook', scenario: runbookScenario(f) });
    }
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.label))
      throw new UsageError(
        `two entries are labelled ${e.label}: give the runbook another change.label (labels name the rows of the report)`,
      );
    seen.add(e.label);
  }
  return entries;
}

/**
 * The first difference between two scenarios' worlds, as `path: A vs B`, or undefined when the
 * worlds are the same (key order and step source positions do not count).
 */
export function worldDifference(a: Scenario, b: Scenario): string | undefined {
  for (const key of WORLD_KEYS) {
    const d = firstDifference(a[key], b[key], key);
    if (d !== undefined) return d;
  }
  return undefined;
}

function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (canonicalJson(a) === canonicalJson(b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    // Named things (instances, roles, fleets…) are matched by name, so one added instance reads
    // as that instance, not as every later index shifted by one.
    const names = (xs: unknown[]): string[] | undefined => {
      const out = xs.map((x) => (isObject(x) && typeof x.name === 'string' ? x.name : undefined));
      return out.every((n) => n !== undefined) ? (out as string[]) : undefined;
    };
    const na = names(a);
    const nb = names(b);
    if (na !== undefined && nb !== undefined) {
      const onlyA = na.filter((n) => !nb.includes(n));
      const onlyB = nb.filter((n) => !na.includes(n));
      if (onlyA.length > 0) return `${path}: ${onlyA.join(', ')} only in the first file`;
      if (onlyB.length > 0) return `${path}: ${onlyB.join(', ')} only in the other`;
      for (let i = 0; i < a.length; i++) {
        const name = na[i]!;
        const d = firstDifference(a[i], b[nb.indexOf(name)], `${path}.${name}`);
        if (d !== undefined) return d;
      }
    }
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}.${i}`);
      if (d !== undefined) return d;
    }
    return `${path} has ${a.length} entries in the first file, ${b.length} in the other`;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d !== undefined) return d;
    }
  }
  return `${path} is ${show(a)} in the first file, ${show(b)} in the other`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return 'absent';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
