/**
 * `iamsim run FILE`: one simulation of a scenario. Placeholder: the flags are declared so the CLI
 * shape is fixed; the handler is to be written.
 */
import { checkInteger, defineCommand } from './command.ts';
import { UsageError } from './types.ts';

export const runCommand = defineCommand({
  command: 'run <file>',
  describe: 'Simulate a scenario once and report per-instance timings',
  examples: [
    ['$0 run scenarios/default.yaml --seed 7', 'One run with a fixed seed'],
    [
      '$0 run scenarios/default.yaml --json --trace run.jsonl',
      'JSON result on stdout, every event in run.jsonl',
    ],
  ],
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'Scenario YAML file' })
      .option('seed', { type: 'number', describe: "Root seed (overrides the scenario's)" })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
      .option('trace', {
        type: 'string',
        describe: 'Write every event to this JSON Lines file',
        normalize: true,
      })
      .check((args) => {
        checkInteger(args, 'seed', 0, Number.MAX_SAFE_INTEGER);
        return true;
      }),
  handler: async () => {
    throw new UsageError('not implemented yet');
  },
});
