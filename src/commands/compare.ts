/**
 * `iamsim compare FILE`: runs each strategy over many seeds and compares them. Placeholder: the
 * flags are declared so the CLI shape is fixed; the handler is to be written.
 */
import { checkInteger, defineCommand } from './command.ts';
import { UsageError } from './types.ts';

export const compareCommand = defineCommand({
  command: 'compare <file>',
  describe: 'Compare change strategies over many seeds (quantiles with confidence intervals)',
  examples: [
    ['$0 compare scenarios/default.yaml --out reports/default', 'Write Markdown, JSON and HTML reports'],
    [
      '$0 compare scenarios/default.yaml --seeds 1000 --workers 4 --json',
      'More seeds, in parallel, JSON on stdout',
    ],
  ],
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'Scenario YAML file' })
      .option('seeds', {
        type: 'number',
        describe: "Runs per strategy (overrides the scenario's compare.seeds)",
      })
      .option('workers', {
        type: 'number',
        describe: 'Parallel worker threads (results do not depend on it)',
      })
      .option('out', { type: 'string', describe: 'Directory for the reports', normalize: true })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
      .option('seed', { type: 'number', describe: 'Root seed from which every run seed is derived' })
      .check((args) => {
        checkInteger(args, 'seeds', 1, 100_000);
        checkInteger(args, 'workers', 1, 256);
        checkInteger(args, 'seed', 0, Number.MAX_SAFE_INTEGER);
        return true;
      }),
  handler: async () => {
    throw new UsageError('not implemented yet');
  },
});
