// Types of start.js (plain JavaScript because it runs before anything is compiled).

/**
 * Imports entry `name` from the bundle when it is fresh for the current sources (with `rebuild`,
 * building it first when stale), else from the sources through tsx; returns its module.
 */
export function loadEntry(name: 'cli' | 'worker', options: { readonly rebuild: boolean }): Promise<unknown>;
