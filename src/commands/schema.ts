/**
 * `iamsim schema`: prints the JSON Schema of scenario files, generated from the same zod schema
 * the loader validates with. scenarios/schema.json is this output (a test keeps them equal);
 * scenario files point editors at it with `# yaml-language-server: $schema=./schema.json`.
 */
import { scenarioJsonSchema } from '../scenario/schema.ts';
import { defineCommand } from './command.ts';

/** The exact text `iamsim schema` prints (and scenarios/schema.json holds). */
export function schemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export const schemaCommand = defineCommand({
  command: 'schema',
  describe: 'Print the JSON Schema of scenario files (for editor completion and checks)',
  examples: [['$0 schema > scenarios/schema.json', 'Regenerate the committed schema']],
  builder: (yargs) => yargs,
  handler: async (_args, io) => {
    io.stdout(schemaText());
    return 0;
  },
});
