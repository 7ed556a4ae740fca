/** Captured io for calling `main` in tests: everything written is kept as text. */
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli.ts';
import type { CommandIo } from '../../src/commands/types.ts';

/** The repository's root, where the tests run the command line (paths like `scenarios/x.yaml`). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Captured {
  readonly io: CommandIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function captureIo(cwd = process.cwd()): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), stderrIsTTY: false, cwd },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** A stack trace line ("    at fn (file:1:2)") anywhere in the text. */
export const stackTraceLine = /^\s+at .+[:(]/m;

/** Runs `iamsim ARGV…` in-process from the repository root; returns the exit code and the output. */
export async function runCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo(repoRoot);
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}
