/**
 * Loads an entry point of iamsim: the prebuilt bundle when one exists for exactly the current
 * sources (see stamp.js), else the TypeScript sources through tsx, which is always correct, only
 * slower to start (it compiles every module at each start).
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { freshBundleDir } from './stamp.js';

/**
 * The main thread's choice (a bundle directory, or `tsx`), handed to its worker threads, which
 * get a copy of process.env when they start: each compare worker then loads exactly the code the
 * CLI loaded, without hashing the sources again. Child processes are main threads and ignore it.
 */
const CHOICE_VARIABLE = 'IAMSIM_ENTRY_CHOICE';

const rootDir = fileURLToPath(new URL('../../', import.meta.url));

/** Each entry's source, relative to this file, for the tsx path. */
const SOURCES = { cli: '../cli.ts', worker: '../compare/worker.ts' };

/**
 * The bundle directory to load from, or undefined for the tsx path. With `rebuild`, stale or
 * missing bundles are rebuilt first (quietly: a source that does not compile then fails under tsx,
 * with tsx's message).
 */
async function bundleDir(rebuild) {
  // IAMSIM_NO_BUNDLE=1 runs the sources through tsx: for debugging, and to compare both paths.
  if (process.env.IAMSIM_NO_BUNDLE === '1') return undefined;
  // Only a choice made for this same checkout counts (a process may host more than one).
  const inherited = isMainThread ? undefined : process.env[CHOICE_VARIABLE];
  if (inherited?.startsWith(`${rootDir}\n`)) {
    const choice = inherited.slice(rootDir.length + 1);
    return choice === 'tsx' ? undefined : choice;
  }
  const fresh = freshBundleDir(rootDir);
  if (fresh !== undefined || !rebuild) return fresh;
  try {
    const { buildBundle } = await import('./bundle.js');
    return await buildBundle(rootDir, { quiet: true });
  } catch {
    // esbuild missing (a copy without node_modules/esbuild), a read-only checkout, or a source
    // that does not compile.
    return undefined;
  }
}

/**
 * Imports entry `name` ('cli' or 'worker') and returns its module.
 * @param {'cli' | 'worker'} name
 * @param {{ rebuild: boolean }} options rebuild: build the bundle first if it is stale (the CLI
 *   does; worker threads do not, so that two of them never race to build what the CLI will)
 */
export async function loadEntry(name, options) {
  const dir = await bundleDir(options.rebuild);
  process.env[CHOICE_VARIABLE] = `${rootDir}\n${dir ?? 'tsx'}`;
  if (dir !== undefined) {
    // Stack traces name bundle lines; with IAMSIM_DEBUG (which prints them) map them back to src.
    if (process.env.IAMSIM_DEBUG) process.setSourceMapsEnabled(true);
    return import(pathToFileURL(join(dir, `${name}.js`)).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(SOURCES[name]);
}
