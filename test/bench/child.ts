/**
 * Runs a benchmark body in a child process (`node --import tsx SCRIPT ARGS`), so that each
 * measurement has a fresh heap and its own peak RSS: runs in one process would inherit each
 * other's heap and JIT state, and maxRSS only ever grows. The child prints one JSON object as
 * its last line of stdout; anything else it prints is ignored.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root: children run there so that `--import tsx` resolves. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Upper bound on a child's output: "put a limit on everything". */
const CHILD_OUTPUT_BYTES_MAX = 64 * 1024 * 1024;

/**
 * Runs `script` (a path relative to the repository root) with `args` and returns the JSON object
 * on its last stdout line.
 * @throws Error with the child's stderr when it fails or prints no JSON.
 */
export async function runChild<T>(
  script: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): Promise<T> {
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], {
      cwd: repoRoot,
      maxBuffer: CHILD_OUTPUT_BYTES_MAX,
    }));
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`benchmark child ${script} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
  const last = stdout.trimEnd().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(
      `benchmark child ${script} printed no JSON result; its output ended with: ${last.slice(0, 200)}`,
    );
  }
}

/** Peak resident set size of this process so far, bytes (resourceUsage reports KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** CPU time of this process so far (all threads), ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export const MIB = 1024 * 1024;
