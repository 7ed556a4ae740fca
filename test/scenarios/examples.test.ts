/**
 * Every example scenario in scenarios/ runs as a test, with its own seed, and its `run --json`
 * output is compared with a saved golden file (volatile fields normalised). A change in the
 * model that moves any number shows up here as a diff to review.
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/scenarios   rewrites the golden files after a deliberate change
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';

const root = join(import.meta.dirname, '../..');
const scenarioDir = join(root, 'scenarios');
const goldenDir = join(import.meta.dirname, 'golden');
// `iamsim check` writes NAME.shrunk.yaml next to a failing scenario: output, not an example.
const files = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.shrunk.yaml'))
  .sort();

async function runJson(
  file: string,
  extra: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['run', join('scenarios', file), '--json', ...extra], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stderrIsTTY: false,
    cwd: root,
  });
  return { code, stdout, stderr };
}

/** The version changes with every release; nothing else in the document may vary. */
function normalise(json: string): string {
  const doc = JSON.parse(json) as Record<string, unknown>;
  doc.version = '<version>';
  return `${JSON.stringify(doc, null, 2)}\n`;
}

describe('example scenarios', () => {
  it('there is one per strategy and the special cases the README promises', () => {
    for (const name of [
      'swap-role-in-profile',
      'replace-profile',
      'disassociate-associate',
      'stop-start',
      'fresh-profile-too-early',
      'partition-swap',
      'aws-cli-runbook',
      'default',
    ]) {
      expect(files).toContain(`${name}.yaml`);
    }
  });

  for (const file of files) {
    it(`${file} runs, passes its own expectations and matches its golden output`, async () => {
      const { code, stdout, stderr } = await runJson(file);
      // Nothing on stderr, except the one line that says which strategy a compare-only file runs.
      expect(
        stderr.replace(/^scenarios\/\S+\.yaml has no steps: running its first compare strategy, .*\n$/, ''),
      ).toBe('');
      expect(code).toBe(0);
      const actual = normalise(stdout);
      const goldenPath = join(goldenDir, `${basename(file, '.yaml')}.json`);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(goldenPath)) {
        if (process.env.CI)
          throw new Error(
            `golden file ${goldenPath} is missing; run UPDATE_GOLDEN=1 npx vitest run test/scenarios`,
          );
        writeFileSync(goldenPath, actual);
      }
      expect(actual).toBe(readFileSync(goldenPath, 'utf8'));
    });
  }

  it('the same seed gives byte-identical --json output', async () => {
    const a = await runJson('partition-swap.yaml', ['--seed', '99']);
    const b = await runJson('partition-swap.yaml', ['--seed', '99']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const c = await runJson('partition-swap.yaml', ['--seed', '100']);
    expect(c.stdout).not.toBe(a.stdout);
  });
});
