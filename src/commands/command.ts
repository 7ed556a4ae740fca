/**
 * The shape of a command module, shared by cli.ts and src/commands/*.ts. A module declares its
 * yargs syntax (command string, options, examples) and a handler that receives the parsed
 * arguments and the io; the handler returns an exit code or throws one of the typed errors in
 * types.ts. cli.ts registers every module the same way and maps errors to exit codes.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CommandIo } from './types.ts';

export interface CommandSpec<A> {
  /** yargs command syntax, e.g. `validate <files..>`. */
  readonly command: string;
  /** One line for `iamsim --help`. */
  readonly describe: string;
  /** Shown under "Examples:" in the command's --help; `$0` is the program name. */
  readonly examples: readonly (readonly [command: string, description: string])[];
  /** Declares positionals and options (and their checks). */
  readonly builder: (yargs: Argv) => Argv<A>;
  /** Runs the command. Writes through `io` only; never calls process.exit. */
  readonly handler: (args: ArgumentsCamelCase<A>, io: CommandIo) => Promise<number>;
}

/** A command with its argument type erased, so modules with different options share one list. */
export interface Command {
  readonly command: string;
  readonly describe: string;
  readonly examples: readonly (readonly [string, string])[];
  readonly builder: (yargs: Argv) => Argv<unknown>;
  readonly handler: (args: Record<string, unknown>, io: CommandIo) => Promise<number>;
}

/** Declares a command; the handler's argument type is the one its builder produces. */
export function defineCommand<A>(spec: CommandSpec<A>): Command {
  // Sound by construction: yargs hands the handler exactly what the builder declared.
  return spec as unknown as Command;
}

/** yargs `.check()` helper: an optional flag must be a whole number within [min, max]. */
export function checkInteger(args: Record<string, unknown>, flag: string, min: number, max: number): void {
  const value = args[flag];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`--${flag} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
}
