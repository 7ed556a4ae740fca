#!/usr/bin/env node
// The `iamsim` executable. It runs the prebuilt bundle of the sources when that is fresh, else
// rebuilds it, else runs the TypeScript through tsx (src/build/start.js): no build step to remember.
import { loadEntry } from './build/start.js';

// A reader that stops early (`iamsim run --json | head`) closes the pipe: stop quietly, with the
// status of a process ended by SIGPIPE (128 + 13), as Unix tools do, not with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(141);
  throw error;
});

const { main } = await loadEntry('cli', { rebuild: true });
process.exitCode = await main(process.argv.slice(2));
