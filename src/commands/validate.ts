/**
 * `iamsim validate FILE...`: loads each scenario and reports every problem in every file, so one
 * run lists everything to fix. Valid files print a one-line summary on stdout; warnings go to
 * stderr; any invalid file makes the command fail with exit code 2 (via InvalidScenarioError).
 */
import { resolve } from 'node:path';
import { formatProblem, InvalidScenarioError, type Problem } from '../errors.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Step } from '../scenario/types.ts';
import { defineCommand } from './command.ts';

/** Steps as written, counting the steps inside forEach loops once each. */
function countSteps(steps: readonly Step[]): number {
  return steps.reduce((n, s) => n + 1 + (s.kind === 'forEach' ? countSteps(s.steps) : 0), 0);
}

export const validateCommand = defineCommand({
  command: 'validate <files..>',
  describe: 'Check scenario files and report every problem with its line and column',
  examples: [
    ['$0 validate scenarios/default.yaml', 'Check one scenario'],
    ['$0 validate scenarios/*.yaml', 'Check several; exit 2 if any is invalid'],
  ],
  builder: (yargs) =>
    yargs.positional('files', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'Scenario YAML files',
    }),
  handler: async (args, io) => {
    const problems: Problem[] = [];
    for (const file of args.files) {
      const result = await loadScenarioFile(resolve(io.cwd, file), file);
      for (const w of result.warnings ?? [])
        io.stderr(`${formatProblem({ ...w, message: `warning: ${w.message}` })}\n`);
      if (result.ok) {
        const { instances, steps } = result.scenario;
        io.stdout(
          `${file}: ok (${count(instances.length, 'instance')}, ${count(countSteps(steps), 'step')})\n`,
        );
      } else {
        problems.push(...result.problems);
      }
    }
    if (problems.length > 0) throw new InvalidScenarioError(problems);
    return 0;
  },
});

/** `1 instance`, `2 instances`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
