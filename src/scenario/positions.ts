/**
 * Finds where a dotted path (`steps.3.params`) sits in the YAML source, so every problem can say
 * `line:col`. A path that does not exist in the file (a missing key) resolves to the deepest
 * ancestor that does, which is where the author has to add it.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export interface Position {
  readonly line: number;
  readonly col: number;
}

export type PathSegment = string | number;

/** Splits `steps.3.params` into segments; numeric segments stay strings (matched by the walker). */
export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

export function joinPath(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}

/**
 * The position of `path` in `doc`: of the key when `at` is 'key' (for unknown or missing keys),
 * otherwise of the value. Undefined only when the document has no content at all.
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
  at: 'key' | 'value' = 'value',
): Position | undefined {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  // Aliases are followed a bounded number of times; the loader has already refused alias bombs.
  let hops = 0;
  let resolved = true;
  for (const segment of path) {
    while (isAlias(node) && hops++ < 100) node = node.resolve(doc);
    let next: unknown;
    let nextKey: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (pair) {
        next = pair.value ?? pair.key;
        nextKey = pair.key;
      }
    } else if (isSeq(node)) {
      const index = Number(segment);
      if (Number.isInteger(index)) next = node.items[index];
    }
    if (next === undefined || next === null) {
      resolved = false;
      break;
    }
    node = next;
    keyNode = nextKey;
  }
  // An unresolved path points at the deepest ancestor found: that is where the key must be added.
  const target = resolved && at === 'key' && keyNode !== undefined ? keyNode : node;
  const range = (target as Node | null | undefined)?.range;
  if (!range) return undefined;
  return lineCounter.linePos(range[0]);
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
