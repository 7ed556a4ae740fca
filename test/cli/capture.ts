/** Captured io for calling `main` in tests: everything written is kept as text. */
import type { CommandIo } from '../../src/commands/types.ts';

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
