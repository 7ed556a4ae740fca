/**
 * Sharded sweeps: shards partition the seeds; merged partials give the unsharded reports byte for
 * byte; a bad set of partials is refused with every problem at once (exit 2); the shard comes
 * from the batch engines' 0-based index variables. And the worker count never shows in a report.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveShard } from '../../src/commands/compare.ts';
import {
  mergePartials,
  type PartialResult,
  parsePartial,
  shardSlice,
  sliceSeeds,
} from '../../src/compare/shard.ts';
import { UsageError } from '../../src/errors.ts';
import { runCli } from '../cli/capture.ts';
import { propertyOptions } from '../helpers/fc.ts';

const scenario = 'scenarios/default.yaml';
const SEEDS = '5';
let dir: string;

const run = runCli;

const read = (path: string): string => readFileSync(path, 'utf8');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iamsim-shard-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('shard slices', () => {
  it('law: the N slices partition the seeds into contiguous runs differing in size by at most one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        (first, count, shards) => {
          fc.pre(shards <= count);
          const slices = Array.from({ length: shards }, (_, k) => shardSlice(first, count, k + 1, shards));
          expect(slices.flatMap(sliceSeeds)).toEqual(Array.from({ length: count }, (_, i) => first + i));
          const sizes = slices.map((s) => s.toSeed - s.fromSeed + 1);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
        },
      ),
      propertyOptions(300),
    );
  });

  it('refuses a shard out of range and more shards than seeds', () => {
    expect(() => shardSlice(1, 10, 0, 3)).toThrow(RangeError);
    expect(() => shardSlice(1, 10, 4, 3)).toThrow(RangeError);
    expect(() => shardSlice(1, 2, 1, 3)).toThrow(/3 shards need at least 3 seeds/);
  });
});

describe('which shard to run', () => {
  it('reads K/N with K from 1, and N alone takes K from the 0-based index variables', () => {
    expect(resolveShard('2/3', undefined, {})).toEqual({ index: 2, count: 3 });
    expect(resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '0' })).toBeUndefined();
    expect(resolveShard(undefined, 3, { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 3 });
    expect(resolveShard(undefined, 3, { AWS_BATCH_JOB_ARRAY_INDEX: '2' })).toEqual({ index: 3, count: 3 });
    // An explicit K/N wins over the environment.
    expect(resolveShard('1/3', 3, { AWS_BATCH_JOB_ARRAY_INDEX: '2' })).toEqual({ index: 1, count: 3 });
  });

  it.each([
    ['0/3', undefined, {}, 'K must be from 1 to 3'],
    ['4/3', undefined, {}, 'K must be from 1 to 3'],
    ['two/3', undefined, {}, 'K/N'],
    ['1/3', 4, {}, 'disagree'],
    [undefined, 3, {}, 'JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX'],
    [undefined, 3, { JOB_COMPLETION_INDEX: '3' }, 'beyond --shards 3'],
    [undefined, 3, { AWS_BATCH_JOB_ARRAY_INDEX: '-1' }, 'whole number'],
  ] as const)('refuses --shard %s --shards %s with %j', (shard, shards, env, message) => {
    expect(() => resolveShard(shard, shards, env)).toThrow(UsageError);
    expect(() => resolveShard(shard, shards, env)).toThrow(message);
  });
});

describe('compare --shard and merge', () => {
  it('3 shards merged give the reports of one unsharded run, byte for byte', async () => {
    const whole = await run(
      'compare',
      scenario,
      '--seeds',
      SEEDS,
      '--workers',
      '1',
      '--out',
      join(dir, 'whole'),
    );
    expect(whole.code).toBe(0);
    for (const k of [3, 1, 2]) {
      const shard = await run(
        'compare',
        scenario,
        '--seeds',
        SEEDS,
        '--workers',
        '1',
        '--shard',
        `${k}/3`,
        '--out',
        join(dir, 'part'),
      );
      expect(shard.stderr).toBe('');
      expect(shard.code).toBe(0);
    }
    const parts = [3, 1, 2].map((k) => join(dir, `part.shard-${k}-of-3.json`));
    const merged = await run('merge', ...parts, '--workers', '2', '--out', join(dir, 'merged'));
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    for (const ext of ['json', 'md', 'html']) {
      expect(read(join(dir, `merged.${ext}`))).toBe(read(join(dir, `whole.${ext}`)));
    }
  });

  it('the shard from JOB_COMPLETION_INDEX writes the same partial as --shard', async () => {
    process.env.JOB_COMPLETION_INDEX = '1';
    try {
      const viaEnv = await run(
        'compare',
        scenario,
        '--seeds',
        SEEDS,
        '--workers',
        '1',
        '--shards',
        '3',
        '--json',
      );
      expect(viaEnv.code).toBe(0);
      expect(viaEnv.stdout).toBe(read(join(dir, 'part.shard-2-of-3.json')));
    } finally {
      delete process.env.JOB_COMPLETION_INDEX;
    }
  });

  it('refuses partials that do not belong together, naming every problem, exit 2', async () => {
    const first = join(dir, 'part.shard-1-of-3.json');
    const doc = JSON.parse(read(join(dir, 'part.shard-2-of-3.json')));
    doc.header.scenarioHash = 'f'.repeat(64);
    doc.shard.fromSeed += 1;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(doc));
    const notJson = join(dir, 'garbage.json');
    writeFileSync(notJson, '{ not json');
    const { code, stderr } = await run('merge', first, first, bad, notJson, '--out', join(dir, 'never'));
    expect(code).toBe(2);
    expect(stderr).toContain('garbage.json: (root): not JSON');
    expect(stderr).toContain('shard 1/3 is also in');
    expect(stderr).toContain('bad.json: header.scenarioHash');
    expect(stderr).toContain('bad.json: shard: shard 2/3 covers seeds');
    expect(stderr).toContain('shard 3/3 (seeds 4..5) is missing');
    expect(stderr).toMatch(/\d+ problems found/);
    expect(() => read(join(dir, 'never.json'))).toThrow();
  });

  it('refuses a partial with one number changed, naming the file, exit 2', async () => {
    const doc = JSON.parse(read(join(dir, 'part.shard-2-of-3.json')));
    const metrics = doc.results[0].samples[0].metrics;
    metrics.appNewRoleMs = (metrics.appNewRoleMs ?? 0) + 1;
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(doc));
    const parts = [1, 3].map((k) => join(dir, `part.shard-${k}-of-3.json`));
    const { code, stderr } = await run('merge', parts[0]!, tampered, parts[1]!, '--out', join(dir, 'never'));
    expect(code).toBe(2);
    expect(stderr).toContain('tampered.json: digest: the content does not match its digest');
    expect(stderr).not.toContain('part.shard-1-of-3.json: digest');
    expect(() => read(join(dir, 'never.json'))).toThrow();
  });

  it('a partial re-indented with its keys reordered is the same content and merges', async () => {
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
    const doc = JSON.parse(read(join(dir, 'part.shard-2-of-3.json')));
    const reformatted = join(dir, 'reformatted.json');
    writeFileSync(reformatted, JSON.stringify(reversed(doc), null, 2));
    const parts = [1, 3].map((k) => join(dir, `part.shard-${k}-of-3.json`));
    const merged = await run('merge', parts[0]!, reformatted, parts[1]!, '--out', join(dir, 'reformatted'));
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(read(join(dir, 'reformatted.json'))).toBe(read(join(dir, 'whole.json')));
  });

  it('law: changing any one number of a partial gets it refused, naming the file', () => {
    const files = [1, 2, 3].map((k) => join(dir, `part.shard-${k}-of-3.json`));
    const docs = files.map((f) => JSON.parse(read(f)) as unknown);
    // Every numeric field of shard 2, as a path of keys and indices.
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]): void => {
      if (typeof v === 'number') paths.push(path);
      else if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...path, i]);
      else if (typeof v === 'object' && v !== null)
        for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(docs[1], []);
    expect(paths.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(fc.nat(paths.length - 1), fc.integer({ min: 1, max: 1_000 }), (at, delta) => {
        const doc = structuredClone(docs[1]) as Record<string | number, unknown>;
        const path = paths[at]!;
        let parent = doc;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
        const last = path[path.length - 1]!;
        parent[last] = (parent[last] as number) + delta;
        const parsed = parsePartial(JSON.stringify(doc), 'changed.json');
        // A change the schema already refuses (schemaVersion, say) is refused, naming the file.
        if (!parsed.ok) {
          expect(parsed.problems.every((p) => p.file === 'changed.json')).toBe(true);
          return;
        }
        const partials = [docs[0], null, docs[2]].map((d, i) =>
          d === null
            ? { file: 'changed.json', partial: parsed.partial }
            : { file: files[i]!, partial: d as PartialResult },
        );
        const merged = mergePartials(partials, parsed.partial.header.version);
        expect(merged.ok).toBe(false);
        if (!merged.ok)
          expect(merged.problems).toContainEqual(
            expect.objectContaining({ file: 'changed.json', path: 'digest' }),
          );
      }),
      propertyOptions(60),
    );
  });

  it('needs a fixed seed and somewhere to write', async () => {
    const noOut = await run('compare', scenario, '--seeds', SEEDS, '--shard', '1/3');
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--out PREFIX');
    const tooMany = await run('compare', scenario, '--seeds', '2', '--shard', '1/3', '--json');
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('3 shards need at least 3 seeds');
  });
});

describe('worker count', () => {
  it('--workers 1 and --workers 2 give byte-identical JSON reports', async () => {
    const one = await run('compare', scenario, '--seeds', '3', '--workers', '1', '--json');
    const two = await run('compare', scenario, '--seeds', '3', '--workers', '2', '--json');
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });
});
