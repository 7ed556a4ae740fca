// Entry point of `npm run bench`: wires the pure CLI in cli.ts to this process.
import { runBenchCli } from './cli.ts';

process.exitCode = await runBenchCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
