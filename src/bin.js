#!/usr/bin/env node
// The `iamsim` executable. It registers tsx's loader so the TypeScript sources run as they are,
// with no build step to remember after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
