// Types of stamp.js (plain JavaScript because it runs before anything is compiled).

/** node_modules/.cache/iamsim under the checkout `rootDir`. */
export function cacheDirOf(rootDir: string): string;
/** A hex digest of the names and contents of stampInputs(rootDir). */
export function sourceStamp(rootDir: string): string;
/** The directory a bundle of sources with `stamp` lives in (whether or not it exists). */
export function bundleDirFor(rootDir: string, stamp: string): string;
/** The directory of a bundle built from exactly the current sources, or undefined. */
export function freshBundleDir(rootDir: string): string | undefined;
