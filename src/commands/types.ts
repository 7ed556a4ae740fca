/**
 * The contract between cli.ts and the command modules. A command reads its inputs, calls a
 * library function that returns data, and renders or writes it. It never calls process.exit: it
 * returns an exit code or throws one of the errors below, and cli.ts maps errors to exit codes in
 * one place.
 */

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars only then). */
  readonly stderrIsTTY: boolean;
  readonly cwd: string;
}
