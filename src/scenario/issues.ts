/**
 * Turns zod issues into scenario problems: one problem per mistake, with a dotted path and a
 * message written for someone editing YAML (not zod's internal wording).
 *
 * The only subtle part is unions. A step, a fault or an SDK may take several forms; when none
 * matches, zod reports every form's failures. We pick the form the author evidently meant (the
 * one with fewest complaints, ignoring forms whose basic type is wrong) and report only its
 * problems; when two forms are equally plausible we report the union's own message instead
 * ("a step needs exactly one of: call, aws, ...").
 */
import type * as z from 'zod';
import { describeValue } from './duration.ts';
import { allowedKeysOf } from './schema.ts';
import { closest } from './suggest.ts';

type Issue = z.core.$ZodIssue;

/** A schema problem before positions are attached. `at: 'key'` points at the key, not its value. */
export interface PathProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly at?: 'key' | 'value';
}

const expectedNames: Record<string, string> = {
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

export function problemsFromIssues(issues: readonly Issue[]): PathProblem[] {
  const out: PathProblem[] = [];
  for (const issue of issues) collect(issue, [], out);
  return out;
}

function collect(issue: Issue, base: readonly (string | number)[], out: PathProblem[]): void {
  const path = [...base, ...(issue.path as (string | number)[])];
  const input = (issue as { input?: unknown }).input;
  const last = path[path.length - 1];
  const missing =
    input === undefined &&
    (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union');

  if (missing && typeof last === 'string') {
    out.push({ path, message: `missing required key "${last}"`, at: 'key' });
    return;
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysOf(issue.message);
      for (const key of issue.keys) {
        const hint = allowed ? closest(key, allowed) : undefined;
        const tail = hint
          ? ` (did you mean "${hint}"?)`
          : allowed
            ? `; allowed keys here: ${allowed.join(', ')}`
            : '';
        out.push({ path: [...path, key], message: `unknown key "${key}"${tail}`, at: 'key' });
      }
      return;
    }
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        // A discriminated union whose discriminator matched nothing; the message names the options.
        out.push({ path, message: issue.message });
        return;
      }
      const chosen = pickBranch(issue.errors);
      if (chosen === undefined) {
        out.push({
          path,
          message:
            issue.message === 'Invalid input'
              ? `${describeValue(input)} matches none of the allowed forms`
              : issue.message,
        });
        return;
      }
      for (const inner of chosen) collect(inner, path, out);
      return;
    }
    case 'invalid_type': {
      const expected = expectedNames[issue.expected] ?? issue.expected;
      out.push({ path, message: `expected ${expected}, got ${describeValue(input)}` });
      return;
    }
    case 'too_small':
    case 'too_big': {
      out.push({ path, message: isDefaultMessage(issue.message) ? sizeMessage(issue) : issue.message });
      return;
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => String(v));
      out.push({
        path,
        message: isDefaultMessage(issue.message)
          ? `expected one of ${options.join(', ')}, got ${describeValue(input)}`
          : issue.message,
      });
      return;
    }
    case 'invalid_key': {
      for (const inner of issue.issues) collect(inner as Issue, path, out);
      return;
    }
    case 'invalid_element': {
      for (const inner of issue.issues) collect(inner as Issue, path, out);
      return;
    }
    default:
      out.push({ path, message: issue.message });
  }
}

/** zod's own wording starts like this; custom messages (ours) never do. */
function isDefaultMessage(message: string): boolean {
  return /^(Too small|Too big|Invalid)/.test(message);
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  const n = Number(bound);
  switch (issue.origin) {
    case 'array':
    case 'set':
      return small ? `needs at least ${n} item(s)` : `may have at most ${n} item(s)`;
    case 'string':
      return small
        ? n === 1
          ? 'must not be empty'
          : `must be at least ${n} characters`
        : `must be at most ${n} characters`;
    default:
      if (small) return inclusive ? `must be at least ${n}` : `must be greater than ${n}`;
      return inclusive ? `must be at most ${n}` : `must be less than ${n}`;
  }
}

/**
 * The branch of a failed union that the author most likely meant, or undefined when no branch
 * stands out. A branch whose value has the wrong basic type (a string where a mapping is needed)
 * is never chosen; among the rest the one with the fewest issues wins, counting each unknown key.
 */
function pickBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  let best: readonly Issue[] | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let tie = false;
  for (const branch of branches) {
    if (isTypeMismatch(branch)) continue;
    const score = branch.reduce((sum, i) => sum + (i.code === 'unrecognized_keys' ? i.keys.length : 1), 0);
    if (score < bestScore) {
      best = branch;
      bestScore = score;
      tie = false;
    } else if (score === bestScore) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}

function isTypeMismatch(branch: readonly Issue[]): boolean {
  return branch.some((i) => {
    if (i.path.length !== 0) return false;
    switch (i.code) {
      case 'invalid_type':
        return true;
      case 'invalid_union':
        return i.errors.length > 0 && i.errors.every(isTypeMismatch);
      case 'invalid_value': {
        // An enum or literal given a value of another type (a mapping where a name was expected).
        const input = (i as { input?: unknown }).input;
        return i.values.every((v) => typeof v !== typeof input || input === null);
      }
      default:
        return false;
    }
  });
}
