#!/usr/bin/env node
// The `iamsim` executable. It runs the prebuilt bundle of the sources when that is fresh, else
// rebuilds it, else runs the TypeScript through tsx (src/build/start.js): no build step to remember.
import { loadEntry } from './build/start.js';

const { main } = await loadEntry('cli', { rebuild: true });
process.exitCode = await main(process.argv.slice(2));
