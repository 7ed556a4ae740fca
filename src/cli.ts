/**
 * The `iamsim` command line: yargs parses and routes, the command modules in src/commands do the
 * work, and this file is the one place where errors become exit codes:
 *
 *   0  success
 *   1  internal error (a bug in iamsim)
 *   2  bad usage, an invalid scenario (every problem printed), or a resource cap reached
 *   3  a check or `expect` failed
 *
 * Nothing here calls process.exit: `main` returns the code and src/bin.js sets process.exitCode,
 * so tests can call `main` with captured io.
 */
import yargs from 'yargs';
import { checkCommand } from './commands/check.ts';
import type { Command } from './commands/command.ts';
import { compareCommand } from './commands/compare.ts';
import { mergeCommand } from './commands/merge.ts';
import { runCommand } from './commands/run.ts';
import { schemaCommand } from './commands/schema.ts';
import { serveCommand } from './commands/serve.ts';
import type { CommandIo } from './commands/types.ts';
import { validateCommand } from './commands/validate.ts';
import { ResourceCapError } from './engine/errors.ts';
import { ChecksFailedError, ExitCode, formatProblem, InvalidInputError, UsageError } from './errors.ts';
import { packageVersion } from './version.ts';

/** Every command, in the order `iamsim --help` lists them. */
const commands: readonly Command[] = [
  runCommand,
  compareCommand,
  mergeCommand,
  checkCommand,
  validateCommand,
  schemaCommand,
  serveCommand,
];

function defaultIo(io: Partial<CommandIo>): CommandIo {
  return {
    stdout: io.stdout ?? ((text) => void process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => void process.stderr.write(text)),
    stderrIsTTY: io.stderrIsTTY ?? process.stderr.isTTY === true,
    cwd: io.cwd ?? process.cwd(),
  };
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and returns the exit code.
 * Writes only through `io`; never throws and never exits the process.
 */
export async function main(argv: string[], io: Partial<CommandIo> = {}): Promise<number> {
  const fullIo = defaultIo(io);
  try {
    return await dispatch(argv, fullIo);
  } catch (error) {
    return exitCodeFor(error, fullIo);
  }
}

/** The one mapping from errors to exit codes (and what the user is told). */
export function exitCodeFor(error: unknown, io: CommandIo): number {
  if (error instanceof UsageError) {
    io.stderr(`iamsim: ${error.message}\nRun 'iamsim --help' for usage.\n`);
    return ExitCode.invalid;
  }
  if (error instanceof InvalidInputError) {
    for (const problem of error.problems) io.stderr(`${formatProblem(problem)}\n`);
    const n = error.problems.length;
    io.stderr(`${n} problem${n === 1 ? '' : 's'} found\n`);
    return ExitCode.invalid;
  }
  if (error instanceof ResourceCapError) {
    // A cap protects the machine (memory, time); hitting one is a property of the input, not a bug.
    io.stderr(
      `iamsim: the run stopped at a resource cap (${error.cap} = ${error.limit}): ${error.message}\n`,
    );
    return ExitCode.invalid;
  }
  if (error instanceof ChecksFailedError) {
    // The command has printed the failed checks; the message is a summary line at most.
    if (error.message !== '') io.stderr(`${error.message}\n`);
    return ExitCode.checksFailed;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`internal error (this is a bug in iamsim): ${message}\n`);
  if (process.env.IAMSIM_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return ExitCode.internal;
}

async function dispatch(argv: string[], io: CommandIo): Promise<number> {
  let selected: { command: Command; args: Record<string, unknown> } | undefined;
  const parser = yargs()
    .scriptName('iamsim')
    .usage('$0 <command> [options]\n\nSimulate IAM role changes behind EC2 instance profiles.')
    .exitProcess(false)
    .strict()
    .recommendCommands()
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .wrap(100)
    .example('$0 validate scenarios/default.yaml', 'Check a scenario file')
    .example('$0 compare scenarios/default.yaml --out reports/default', 'Compare strategies, write reports')
    .epilogue('Exit codes: 0 ok, 1 internal error, 2 usage or invalid scenario, 3 checks failed.')
    .fail((message, error) => {
      // yargs reports its own validation failures here; they are usage errors. Anything thrown
      // by our own code (a bug) arrives as `error` and is rethrown unchanged.
      if (error !== undefined && error !== null && !(error instanceof UsageError) && message == null)
        throw error;
      throw new UsageError(usageMessage(message ?? error?.message ?? 'invalid command line', argv));
    });
  for (const command of commands) {
    parser.command(
      command.command,
      command.describe,
      (y) =>
        command.examples.reduce(
          (acc, [cmd, description]) => acc.example(cmd, description),
          command.builder(y),
        ),
      (args) => {
        // Only record the choice: the handler runs after parsing, outside yargs, so its errors
        // reach exitCodeFor untouched.
        selected = { command, args: args as Record<string, unknown> };
      },
    );
  }

  let output = '';
  await parser.parseAsync(argv, {}, (_err, _args, text) => {
    output = text ?? '';
  });
  if (selected !== undefined) return selected.command.handler(selected.args, io);
  if (output !== '') {
    // --help or --version.
    io.stdout(`${output}\n`);
    return ExitCode.ok;
  }
  // No command given: show what there is, and fail so scripts notice.
  io.stderr(`${await parser.getHelp()}\n`);
  return ExitCode.invalid;
}

/** yargs' messages, made a little more specific where they are terse. */
function usageMessage(message: string, argv: readonly string[]): string {
  if (message.startsWith('Did you mean')) {
    const first = argv.find((a) => !a.startsWith('-'));
    return `unknown command "${first ?? ''}". ${message}`;
  }
  return message;
}
