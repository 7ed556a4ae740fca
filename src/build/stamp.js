/**
 * Which prebuilt bundle, if any, may run the current sources. Plain JavaScript because it runs
 * before anything is compiled (src/bin.js and src/compare/worker.js import it); src/build/bundle.js
 * makes the bundles.
 *
 * A bundle is stored under a name derived from the content of everything it was built from, so a
 * stale bundle cannot be picked: after any edit the name changes and the old bundle is simply not
 * found. Hashing the sources costs a few milliseconds per start; comparing modification times
 * would be cheaper but is fooled by tools that restore them and by edits within one timestamp tick.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where bundles live, inside the checkout: node_modules/.cache is the conventional place for a
 * tool's derived files (git-ignored with node_modules, wiped and remade by `npm ci`), and it keeps
 * generated code out of src, which linting, type checking and the source hash all read.
 */
export function cacheDirOf(rootDir) {
  return join(rootDir, 'node_modules', '.cache', 'iamsim');
}

function sourceFiles(dir, relativeDir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relativePath = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    if (entry.isDirectory()) sourceFiles(join(dir, entry.name), relativePath, out);
    else out.push(relativePath);
  }
  return out;
}

/**
 * The files a bundle depends on, relative to `rootDir`: every file under src/ (the code, and the
 * build script itself), package.json, tsconfig.json, and npm's record of what is installed in node_modules
 * (node_modules/.package-lock.json, rewritten by every npm install), which stands for the
 * third-party code the bundle includes.
 */
function stampInputs(rootDir) {
  const inputs = sourceFiles(join(rootDir, 'src'), 'src', []);
  // tsconfig.json too: esbuild reads it (its target decides how some syntax is compiled).
  inputs.push('package.json', 'tsconfig.json', 'node_modules/.package-lock.json');
  return inputs.sort();
}

/** A hex digest of the names and contents of stampInputs(rootDir); a missing file counts as such. */
export function sourceStamp(rootDir) {
  const hash = createHash('sha256');
  for (const relativePath of stampInputs(rootDir)) {
    hash.update(`${relativePath}\0`);
    const path = join(rootDir, relativePath);
    hash.update(existsSync(path) ? readFileSync(path) : '\0missing\0');
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 20);
}

/** The directory a bundle of sources with this stamp lives in (whether or not it exists). */
export function bundleDirFor(rootDir, stamp) {
  return join(cacheDirOf(rootDir), stamp);
}

/**
 * The directory of a bundle built from exactly the current sources, or undefined when there is
 * none. A bundle directory only ever appears complete (bundle.js renames it into place).
 */
export function freshBundleDir(rootDir) {
  const dir = bundleDirFor(rootDir, sourceStamp(rootDir));
  return existsSync(join(dir, 'cli.js')) && existsSync(join(dir, 'worker.js')) ? dir : undefined;
}
