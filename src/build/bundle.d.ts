// Types of bundle.js (plain JavaScript because it runs before anything is compiled).

/**
 * Builds the bundles of the sources under `rootDir` unless a fresh build exists; returns its directory.
 * @throws Error when esbuild fails or the sources changed during the build.
 */
export function buildBundle(rootDir: string, options?: { quiet?: boolean }): Promise<string>;
