/**
 * Error recovery for the loader: after the schema rejects some parts of a document, drop those
 * parts so the later stages (normalisation and the cross-field rules) can still run on the rest,
 * and every problem in the file is reported in one pass, not in rounds of "fix, rerun".
 *
 * What is dropped: the innermost list element that contains a schema problem (a step, a fault, a
 * check…), or an optional top-level key. Problems found on the repaired document are mapped back
 * to the original list indices. Recovery is refused, and only the schema problems are reported,
 * when a problem sits in a definition list (regions, roles, instance profiles, instances, fleets)
 * or a required key: dropping a definition would make every reference to it a second, false
 * problem.
 */
import { isRecord } from '../is-record.ts';
import type { PathSegment } from './positions.ts';

/** Top-level lists whose elements define names other parts refer to. */
const DEFINITIONS = new Set(['regions', 'roles', 'instanceProfiles', 'instances', 'fleets']);
const REQUIRED = new Set(['name', 'regions']);

export interface Repair {
  /** The document with the failing parts removed. */
  readonly data: unknown;
  /** Maps a dotted path in the repaired document to the same place in the original. */
  readonly toOriginal: (path: string) => string;
}

type Json = unknown;

/**
 * One recovery round: `issuePaths` are the schema problems' paths in `data`'s coordinates.
 * Returns undefined when the problems cannot be dropped safely.
 */
export function repairRound(data: Json, issuePaths: readonly (readonly PathSegment[])[]): Repair | undefined {
  if (!isRecord(data)) return undefined;
  const copy = structuredClone(data) as Record<string, Json>;
  /** Container path (original coordinates, dotted) -> indices to drop. */
  const drops = new Map<string, Set<number>>();
  const dropKeys = new Set<string>();
  for (const path of issuePaths) {
    const head = path[0];
    if (head === undefined || typeof head !== 'string') return undefined;
    if (DEFINITIONS.has(head) || REQUIRED.has(head)) return undefined;
    // The innermost list element on the path.
    let cut = -1;
    let node: Json = copy;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (Array.isArray(node) && typeof seg === 'number') cut = i;
      node = Array.isArray(node) ? node[Number(seg)] : isRecord(node) ? node[String(seg)] : undefined;
      if (node === undefined) break;
    }
    if (cut < 0) {
      dropKeys.add(head);
      continue;
    }
    const container = path.slice(0, cut).join('.');
    const set = drops.get(container) ?? new Set<number>();
    set.add(path[cut] as number);
    drops.set(container, set);
  }
  for (const key of dropKeys) delete copy[key];
  /** Container path -> the original indices kept, in order. */
  const kept = new Map<string, number[]>();
  // Deepest containers first, so removing an element never shifts a container still to visit.
  const containers = [...drops.keys()].sort((a, b) => b.split('.').length - a.split('.').length);
  for (const container of containers) {
    if (dropKeys.has(container.split('.')[0]!)) continue;
    let list: Json = copy;
    for (const seg of container === '' ? [] : container.split('.')) {
      list = Array.isArray(list) ? list[Number(seg)] : isRecord(list) ? list[seg] : undefined;
    }
    if (!Array.isArray(list)) continue;
    const remove = drops.get(container)!;
    const keep: number[] = [];
    for (let i = 0; i < list.length; i++) if (!remove.has(i)) keep.push(i);
    const survivors = keep.map((i) => list[i]);
    list.length = 0;
    list.push(...survivors);
    kept.set(container, keep);
  }
  const toOriginal = (path: string): string => {
    if (path === '') return path;
    const out: string[] = [];
    for (const seg of path.split('.')) {
      const map = kept.get(out.join('.'));
      out.push(map !== undefined && /^\d+$/.test(seg) ? String(map[Number(seg)] ?? seg) : seg);
    }
    return out.join('.');
  };
  return { data: copy, toOriginal };
}
