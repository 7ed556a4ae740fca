/**
 * Loading a scenario file: text -> YAML -> schema -> normalised Scenario -> cross-field rules.
 *
 * Every stage collects all of its problems before the loader decides whether to go on, so a user
 * fixing a file sees every mistake at once, each as `path (line:col): reason`. Nothing here throws
 * for a user mistake; exceptions are reserved for bugs. Resource limits (file size, nesting depth,
 * alias expansion, instance and step counts) are checked before the work they bound.
 */
import { readFile, stat } from 'node:fs/promises';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Problem } from '../errors.ts';
import { problemsFromIssues } from './issues.ts';
import { limits } from './limits.ts';
import { type Finding, normalise } from './normalise.ts';
import { joinPath, locate, type PathSegment, splitPath } from './positions.ts';
import { repairRound } from './repair.ts';
import { checkRules } from './rules.ts';
import { type RawScenario, scenarioSchema } from './schema.ts';
import type { Scenario } from './types.ts';

export type LoadResult =
  | { readonly ok: true; readonly scenario: Scenario; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings?: readonly Problem[] };

const MiB = 1024 * 1024;
/** A dotted path into the scenario, as rule messages mention other places. */
const PLACE_IN_MESSAGE =
  /\b(?:roles|instanceProfiles|instances|fleets|steps|faults|checks|compare|change|calibration|model)(?:\.[A-Za-z0-9_]+)+/g;

/**
 * Loads a scenario from YAML text. `file` is only used to label problems.
 * Never throws for a bad scenario: the result lists every problem.
 */
export function loadScenario(text: string, file?: string): LoadResult {
  const at = (path: string, message: string, position?: { line: number; col: number }): Problem => ({
    ...(file === undefined ? {} : { file }),
    path,
    ...(position ?? {}),
    message,
  });

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxFileBytes) {
    return {
      ok: false,
      problems: [at('', `the file is ${bytes} bytes, over the limit of ${limits.maxFileBytes / MiB} MiB`)],
    };
  }

  // 1. YAML syntax.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, strict: true, uniqueKeys: true });
  const syntax = [...doc.errors, ...doc.warnings].map((e) =>
    at('', yamlMessage(e.message), lineCounter.linePos(e.pos[0])),
  );
  if (syntax.length > 0) return { ok: false, problems: sortProblems(syntax) };
  if (doc.contents === null) {
    return { ok: false, problems: [at('', 'the file is empty; a scenario needs at least name and regions')] };
  }

  const deep = tooDeep(doc);
  if (deep !== undefined) {
    return {
      ok: false,
      problems: [
        at(
          // The full path is over 64 segments long; its first few say where the nesting is.
          joinPath(deep.path.slice(0, 4)),
          `nesting deeper than ${limits.maxDepth} levels`,
          deep.position === undefined ? undefined : lineCounter.linePos(deep.position),
        ),
      ],
    };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (e) {
    // yaml throws ReferenceError for excessive aliasing; anything else is a bug and propagates.
    if (!(e instanceof ReferenceError)) throw e;
    return {
      ok: false,
      problems: [
        at(
          '',
          `too many alias expansions (over ${limits.maxAliasCount}): refusing a possible "billion laughs" document`,
        ),
      ],
    };
  }

  const position = (path: readonly PathSegment[], where: 'key' | 'value' = 'value') =>
    locate(doc, lineCounter, path, where);

  // 2. Schema.
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  // 3. Normalisation, then 4. cross-field rules, on a document the schema accepts. `toOriginal`
  // maps paths of a repaired document (see below) back to the file's own.
  const later = (raw: RawScenario, toOriginal: (path: string) => string) => {
    const place = (path: string) => position(splitPath(toOriginal(path)));
    // Messages may name other places ("already set at checks.2"): map those paths too.
    const toProblem = (f: Finding) =>
      at(
        toOriginal(f.path),
        f.message.replace(PLACE_IN_MESSAGE, (m) => toOriginal(m)),
        place(f.path),
      );
    const normalised = normalise(raw, place);
    const ruled = checkRules({ scenario: normalised.scenario, origins: normalised.origins });
    return {
      scenario: normalised.scenario,
      errors: [...normalised.errors, ...ruled.errors].map(toProblem),
      warnings: sortProblems([...normalised.warnings, ...ruled.warnings].map(toProblem)),
    };
  };

  if (!parsed.success) {
    const problems = problemsFromIssues(parsed.error.issues).map((p) =>
      at(joinPath(p.path), p.message, position(p.path, p.at)),
    );
    // Every problem at once: drop the parts the schema rejected and run the later stages on the
    // rest, so a dangling reference is reported together with a type error elsewhere.
    let current: unknown = data;
    let issues = parsed.error.issues;
    let toOriginal = (path: string) => path;
    for (let round = 0; round < 4; round++) {
      const repair = repairRound(
        current,
        issues.map((i) => i.path as PathSegment[]),
      );
      if (repair === undefined) break;
      const outer = toOriginal;
      toOriginal = (path) => outer(repair.toOriginal(path));
      const again = scenarioSchema.safeParse(repair.data);
      if (again.success) {
        const rest = later(again.data, toOriginal);
        return {
          ok: false,
          problems: sortProblems(dedupe([...problems, ...rest.errors])),
          warnings: rest.warnings,
        };
      }
      current = repair.data;
      issues = again.error.issues;
    }
    return { ok: false, problems: sortProblems(dedupe(problems)) };
  }

  const result = later(parsed.data, (path) => path);
  if (result.errors.length > 0)
    return { ok: false, problems: sortProblems(dedupe(result.errors)), warnings: result.warnings };
  return { ok: true, scenario: result.scenario, warnings: result.warnings };
}

/**
 * Reads and loads a scenario file. A file that cannot be read, or is over the size limit, is a
 * problem like any other (checked before reading, so a huge file is never loaded into memory).
 */
export async function loadScenarioFile(path: string, label: string = path): Promise<LoadResult> {
  try {
    const info = await stat(path);
    if (!info.isFile())
      return { ok: false, problems: [{ file: label, path: '', message: 'not a regular file' }] };
    if (info.size > limits.maxFileBytes) {
      return {
        ok: false,
        problems: [
          {
            file: label,
            path: '',
            message: `the file is ${info.size} bytes, over the limit of ${limits.maxFileBytes / MiB} MiB`,
          },
        ],
      };
    }
    const text = await readFile(path, 'utf8');
    return loadScenario(text, label);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code !== 'string') throw e;
    const reason =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    return { ok: false, problems: [{ file: label, path: '', message: `cannot read the file: ${reason}` }] };
  }
}

/** yaml's messages are good; only the stack overflow it catches on absurd nesting needs words. */
function yamlMessage(message: string): string {
  if (/Maximum call stack size exceeded/.test(message))
    return `nesting deeper than ${limits.maxDepth} levels`;
  return message;
}

/** The first collection nested deeper than the limit, walked iteratively (no recursion to blow). */
function tooDeep(doc: Document): { path: PathSegment[]; position?: number } | undefined {
  const stack: { node: unknown; depth: number; path: PathSegment[] }[] = [
    { node: doc.contents, depth: 0, path: [] },
  ];
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!;
    if (isAlias(node) || isScalar(node)) continue;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth + 1 > limits.maxDepth) return { path, position: node.range?.[0] };
    node.items.forEach((item, i) => {
      if (isPair(item)) {
        const key = isScalar(item.key) ? String(item.key.value) : String(i);
        stack.push({ node: item.value, depth: depth + 1, path: [...path, key] });
        if (!isScalar(item.key)) stack.push({ node: item.key, depth: depth + 1, path: [...path, key] });
      } else {
        stack.push({ node: item, depth: depth + 1, path: [...path, i] });
      }
    });
  }
  return undefined;
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** By position in the file (problems without one first), keeping discovery order among equals. */
function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}
