/**
 * The corpus of invalid scenarios: every file in invalid/ must be refused through the real CLI
 * (`iamsim validate FILE`) with exit code 2, each `# expect:` line of its header found in stderr,
 * and no stack trace. Add a file to add a case.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { captureIo, stackTraceLine } from '../cli/capture.ts';

const dir = fileURLToPath(new URL('./invalid/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function expectations(text: string): string[] {
  return [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => m[1]!.trim());
}

async function validate(path: string) {
  const captured = captureIo();
  const code = await main(['validate', path], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('invalid scenarios', () => {
  it('has a corpus of at least 30 files, each with an expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const f of files) expect(expectations(readFileSync(join(dir, f), 'utf8')), f).not.toEqual([]);
  });

  it.each(files)('%s', async (file) => {
    const path = join(dir, file);
    const { code, stdout, stderr } = await validate(path);
    expect(code, stderr).toBe(2);
    expect(stdout).toBe('');
    for (const expected of expectations(readFileSync(path, 'utf8'))) expect(stderr).toContain(expected);
    // Every problem line names the file.
    for (const line of stderr.trim().split('\n').slice(0, -1))
      expect(line.startsWith(`${path}: `), line).toBe(true);
    expect(stderr).not.toMatch(stackTraceLine);
  });

  it('refuses a generated file over 1 MiB', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'iamsim-')), 'huge.yaml');
    const steps = Array.from({ length: 60_000 }, (_, i) => `  - { wait: ${i}ms }`).join('\n');
    writeFileSync(path, `name: huge\nregions: [us-east-1]\nsteps:\n${steps}\n`);
    const { code, stderr } = await validate(path);
    expect(code).toBe(2);
    expect(stderr).toContain('over the limit of 1 MiB');
    expect(stderr).not.toMatch(stackTraceLine);
  });
});
