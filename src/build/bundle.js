/**
 * Compiles the TypeScript sources ahead of time into two bundles (the CLI and the compare worker),
 * so that a start does not compile ~100 modules through tsx. Run by `npm ci` / `npm install`
 * (the `prepare` script) and again by src/bin.js whenever the sources have changed since.
 *
 * esbuild rather than tsc: it is already installed (tsx runs on it), it is a runtime dependency so
 * `npm ci --omit=dev` can still build, it builds in a fraction of a second, and one file per entry
 * (third-party packages included) loads faster than a tree of emitted modules.
 *
 *   node src/build/bundle.js     build for this checkout (a no-op when the bundle is fresh)
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleDirFor, cacheDirOf, freshBundleDir, sourceStamp } from './stamp.js';

/** A temporary build directory older than this was left by a build that died; it is removed. */
const ABANDONED_BUILD_AGE_MS = 10 * 60 * 1000;

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js' };

/**
 * Code that finds files next to itself (src/version.ts reads ../package.json, the worker pool
 * starts ./worker.js, yargs finds its locales) must find the same files from inside a bundle:
 * each `import.meta.url` becomes the URL of the original file, computed from the bundle's own
 * location so that a checkout can be moved after it was built.
 */
function originalImportMetaUrl(outDir, rootDir) {
  // esbuild reports real paths.
  const srcDir = join(realpathSync(rootDir), 'src') + sep;
  return {
    name: 'original-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta')) return undefined;
        if (args.path.startsWith(srcDir) && /import\.meta\.(?!url\b)/.test(text)) {
          return { errors: [{ text: `${args.path}: only import.meta.url is supported in bundled sources` }] };
        }
        const relativeUrl = relative(outDir, args.path).split(sep).map(encodeURIComponent).join('/');
        return {
          contents: text.replaceAll(
            /\bimport\.meta\.url\b/g,
            `new URL(${JSON.stringify(relativeUrl)}, import.meta.url).href`,
          ),
          loader: LOADERS[extname(args.path)] ?? 'js',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

function removeLeftovers(cacheDir, keep) {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path === keep) continue;
    try {
      // Another process may be building into a tmp- directory right now; leave young ones alone.
      const abandoned = Date.now() - statSync(path).mtimeMs > ABANDONED_BUILD_AGE_MS; // wall-clock: file age
      if (!name.startsWith('tmp-') || abandoned) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove: either way nothing to do.
    }
  }
}

/**
 * Builds the bundles of the sources under `rootDir` unless a fresh build exists, and returns its
 * directory. Safe to run concurrently: each build writes a private directory and renames it into
 * place; the first rename wins and the others discard theirs. Older bundles are removed.
 * @param {string} rootDir the checkout (the folder holding package.json and src/)
 * @param {{ quiet?: boolean }} [options] quiet: print nothing, not even esbuild's errors
 * @returns {Promise<string>} the bundle directory
 * @throws Error when esbuild fails (a syntax error, say) or the sources changed during the build
 */
export async function buildBundle(rootDir, options = {}) {
  const existing = freshBundleDir(rootDir);
  if (existing !== undefined) return existing;
  const stamp = sourceStamp(rootDir);
  const cacheDir = cacheDirOf(rootDir);
  mkdirSync(cacheDir, { recursive: true });
  const finalDir = bundleDirFor(rootDir, stamp);
  const tmpDir = mkdtempSync(join(cacheDir, 'tmp-'));
  // mkdtemp makes it private; the bundle must be readable by whoever runs the CLI.
  chmodSync(tmpDir, 0o755);
  try {
    const esbuild = await import('esbuild');
    await esbuild.build({
      absWorkingDir: rootDir,
      entryPoints: { cli: 'src/cli.ts', worker: 'src/compare/worker.ts' },
      outdir: tmpDir,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Without this esbuild also honours the bundler-only "module" export condition and could
      // pick a different file of a package than Node does.
      conditions: [],
      // Bundled CommonJS packages (yaml) call require() for Node's built-ins.
      banner: {
        js: "import { createRequire as __iamsimRequire } from 'node:module';\nconst require = __iamsimRequire(import.meta.url);",
      },
      sourcemap: 'linked',
      logLevel: options.quiet ? 'silent' : 'warning',
      // tmpDir and finalDir are siblings, so paths relative to either are the same.
      plugins: [originalImportMetaUrl(finalDir, rootDir)],
    });
    if (sourceStamp(rootDir) !== stamp) throw new Error('the sources changed during the build; run it again');
    try {
      renameSync(tmpDir, finalDir);
    } catch (error) {
      // Another build of the same sources finished first: use it.
      if (freshBundleDir(rootDir) !== finalDir) throw error;
    }
    removeLeftovers(cacheDir, finalDir);
    return finalDir;
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rootDir = fileURLToPath(new URL('../../', import.meta.url));
  try {
    const dir = await buildBundle(rootDir);
    process.stdout.write(`iamsim: bundled the sources into ${relative(rootDir, dir)}\n`);
  } catch (error) {
    // Installing must not fail over this: without a bundle, bin.js runs the sources through tsx.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`iamsim: could not bundle the sources (${message}); the CLI will use tsx\n`);
  }
}
