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
  const wanted = new Set<string>(targets.instances);
  for (const fleet of targets.fleets) {
    for (const name of fleets.find((f) => f.name === fleet)?.instances ?? []) wanted.add(name);
  }
  return instances.filter((i) => wanted.has(i.name)).map((i) => i.name);
}
