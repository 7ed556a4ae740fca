/**
 * The errors every layer may raise for a user's mistake, and the problem record they carry. One
 * small module at the bottom of the import order, so the scenario loader, the comparison pipeline
 * and the commands share them without importing each other; cli.ts maps them to exit codes.
 */

/** One problem in a scenario or in the command line, reported as `path (line:col): reason`. */
export interface Problem {
  readonly file?: string;
  readonly path: string;
  readonly line?: number;
  readonly col?: number;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? ` (${p.line}:${p.col ?? 1})` : '';
  const file = p.file !== undefined ? `${p.file}: ` : '';
  return `${file}${p.path === '' ? '(root)' : p.path}${where}: ${p.message}`;
}

/** Bad command-line usage: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One or more problems in an input file (a scenario, a partial result): exit 2, every problem printed. */
export class InvalidInputError extends Error {
  override readonly name: string = 'InvalidInputError';
  constructor(
    readonly problems: readonly Problem[],
    what = 'the input',
  ) {
    super(`${problems.length} problem(s) in ${what}`);
  }
}

/** One or more problems in a scenario file: exit 2, every problem printed. */
export class InvalidScenarioError extends InvalidInputError {
  override readonly name = 'InvalidScenarioError';
  constructor(problems: readonly Problem[]) {
    super(problems, 'the scenario');
  }
}

/** A failed `expect` or check: exit 3. The command has already printed the details. */
export class ChecksFailedError extends Error {
  override readonly name = 'ChecksFailedError';
}

export const ExitCode = { ok: 0, internal: 1, invalid: 2, checksFailed: 3 } as const;
