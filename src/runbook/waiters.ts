/**
 * AWS waiters as botocore runs them (botocore/waiter.py, the definitions in each service's
 * waiters-2.json, vendored in src/aws/models/): call the operation, match the acceptors in order
 * (the first that matches decides: success, failure, or retry), sleep `delay` seconds, and give
 * up after `maxAttempts` attempts. An error response that no acceptor matches ends the waiter
 * ("Waiter encountered an unexpected error"). The AWS CLI exits 255 when a waiter fails.
 */
import type { Waiter } from '../aws/catalogue.ts';
import type { CallOutcome } from './operator.ts';

export type AcceptorState = 'success' | 'failure' | 'retry';

/** botocore's `pathAll` and `pathAny` on an empty or missing list match nothing. */
export function matchAcceptors(
  waiter: Waiter,
  outcome: CallOutcome,
): AcceptorState | 'unexpected-error' | undefined {
  for (const a of waiter.acceptors) {
    if (matches(a, outcome)) return a.state;
  }
  return outcome.ok ? undefined : 'unexpected-error';
}

function matches(a: Waiter['acceptors'][number], outcome: CallOutcome): boolean {
  switch (a.matcher) {
    case 'status':
      return outcome.ok ? a.expected === 200 : outcome.error?.statusCode === a.expected;
    case 'error':
      // `expected: true` matches any error, `false` a success (botocore _create_error_matcher).
      if (typeof a.expected === 'boolean') return a.expected ? !outcome.ok : outcome.ok;
      return !outcome.ok && outcome.error?.code === a.expected;
    case 'path': {
      if (!outcome.ok) return false;
      return equal(searchPath(a.argument ?? '', outcome.response), a.expected);
    }
    case 'pathAll': {
      if (!outcome.ok) return false;
      const values = searchPath(a.argument ?? '', outcome.response);
      return Array.isArray(values) && values.length > 0 && values.every((v) => equal(v, a.expected));
    }
    case 'pathAny': {
      if (!outcome.ok) return false;
      const values = searchPath(a.argument ?? '', outcome.response);
      return Array.isArray(values) && values.some((v) => equal(v, a.expected));
    }
  }
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The JMESPath subset the vendored waiters use: dotted fields and `[]` flatten-projections, e.g.
 * `Reservations[].Instances[].State.Name`. Anything else is refused when the expression is first
 * read (a test runs every vendored waiter's expressions through it).
 * @throws Error for an expression outside the subset.
 */
export function searchPath(expression: string, value: unknown): unknown {
  const segments = expression.split('.');
  let current: unknown = value;
  let projected = false;
  for (const segment of segments) {
    const m = /^([A-Za-z0-9_]+)(\[\])?$/.exec(segment);
    if (m === null) throw new Error(`JMESPath expression ${expression} is outside the supported subset`);
    const field = m[1]!;
    const flatten = m[2] !== undefined;
    if (projected) {
      const list = (current as unknown[])
        .map((v) => field_(v, field))
        .filter((v) => v !== undefined && v !== null);
      current = flatten ? list.flatMap((v) => (Array.isArray(v) ? v : [])) : list;
    } else {
      const v = field_(current, field);
      if (flatten) {
        if (!Array.isArray(v)) return null;
        current = v;
        projected = true;
      } else {
        current = v;
      }
    }
  }
  return current === undefined ? null : current;
}

function field_(value: unknown, field: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[field];
}
