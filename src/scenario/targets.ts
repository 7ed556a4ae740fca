/**
 * Which instances a target (`fleet:`, `fleets:`, `instances:`) designates. One function for the
 * loader (an imdsOutage's instance list) and the runbook (the instances a strategy or forEach acts
 * on), so both read a target the same way and in the same order.
 */
import type { FleetSpec, TargetSpec } from './types.ts';

/**
 * The instance names a target designates, fleets expanded, each once, in scenario order (the order
 * of `instances`), whatever order the target names them in: a forEach runs its instances in that
 * order, and the same set written two ways normalises (and hashes) the same. Unknown names are
 * left out (the loader's rules report them).
 */
export function resolveTargets(
  targets: TargetSpec,
  fleets: readonly FleetSpec[],
  instances: readonly { readonly name: string }[],
): string[] {
  // One fleet that lists every instance in scenario order (a fleet-wide change, the common case
  // at scale) designates them all: the answer is the instances' names, without a set of 100,000s
  // of names to build and look each one up in.
  if (targets.instances.length === 0 && targets.fleets.length === 1) {
    const listed = fleets.find((f) => f.name === targets.fleets[0])?.instances;
    if (listed !== undefined && listsEvery(listed, instances)) return instances.map((i) => i.name);
  }
  const wanted = new Set<string>(targets.instances);
  for (const fleet of targets.fleets) {
    for (const name of fleets.find((f) => f.name === fleet)?.instances ?? []) wanted.add(name);
  }
  return instances.filter((i) => wanted.has(i.name)).map((i) => i.name);
}

/** Whether `names` is exactly the names of `instances`, in their order. */
function listsEvery(names: readonly string[], instances: readonly { readonly name: string }[]): boolean {
  if (names.length !== instances.length) return false;
  for (let i = 0; i < names.length; i++) if (names[i] !== instances[i]!.name) return false;
  return true;
}
