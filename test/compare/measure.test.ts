/**
 * What the comparison measures (issue "Measure what the operator changed"): only the change's
 * targets; the user's runbook as an entry of its own, with the numbers `iamsim run` gives for
 * the same seeds; old credentials judged by role identity and what enforcement accepts; the
 * outage a revoke causes; and two runbooks of one world side by side.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { runnableScenario } from '../../src/check/strategy.ts';
import { main } from '../../src/cli.ts';
import { buildComparison, type CompareFile, comparisonEntries } from '../../src/compare/index.ts';
import { compareJobs, type JobResult } from '../../src/compare/jobs.ts';
import type { CompareReport, StrategyReport } from '../../src/report/types.ts';
import { captureIo, stackTraceLine } from '../cli/capture.ts';
import { loadFile } from '../helpers/run-yaml.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const M = 60_000;
const H = 60 * M;

async function load(name: string): Promise<CompareFile> {
  const file = join(fixtures, name);
  return { file, scenario: await loadFile(file) };
}

async function compareFile(name: string, seeds: number): Promise<CompareReport> {
  return buildComparison({ files: [await load(name)], firstSeed: 1, seedCount: seeds, workers: 1 });
}

function entry(report: CompareReport, label: string): StrategyReport {
  const s = report.strategies.find((x) => x.strategy === label);
  if (s === undefined) throw new Error(`no ${label} in ${report.strategies.map((x) => x.strategy)}`);
  return s;
}

describe('targets only', () => {
  let report: CompareReport;
  let jobs: JobResult[];
  beforeAll(async () => {
    report = await compareFile('two-fleets.yaml', 10);
    const f = await load('two-fleets.yaml');
    jobs = await compareJobs(comparisonEntries([f]), { seeds: [1, 2, 3], workers: 1 });
  });

  it('aggregates the 5 target instances per seed, never the 15 untouched ones', () => {
    for (const s of report.strategies) {
      expect(s.n).toBe(5 * 10);
      expect(s.metrics.appNewRoleMs.censored).toBe(0);
      expect(s.metrics.appNewRoleMs.p50.censored).toBe(false);
      expect(s.alsoAffected).toEqual({ nonTargets: 15, instances: [] });
    }
    for (const job of jobs) {
      expect(job.samples.map((x) => x.instance)).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    }
  });

  it('the terminal says how many of the instances are targets', async () => {
    const c = captureIo(fixtures);
    const code = await main(
      ['compare', join(fixtures, 'two-fleets.yaml'), '--seeds', '2', '--seed', '1'],
      c.io,
    );
    expect(code).toBe(0);
    expect(c.stdout()).toContain(
      `${report.strategies.length} entries × 2 seeds (20 instances, 5 targeted per run)`,
    );
  });

  it('reports non-targets sharing a swapped profile as also affected, with the strategy that touched them', async () => {
    const shared = await compareFile('shared-profile.yaml', 5);
    expect(entry(shared, 'swap-role-in-profile').alsoAffected.instances).toEqual([
      { instance: 'api-0', fleet: 'api', seeds: 5 },
      { instance: 'api-1', fleet: 'api', seeds: 5 },
    ]);
    expect(entry(shared, 'replace-profile').alsoAffected.instances).toEqual([]);
    expect(entry(shared, 'swap-role-in-profile').n).toBe(3 * 5);
  });
});

describe("the file's own runbook", () => {
  it('is an entry named by change.label, and its numbers are those of iamsim run on the same seeds', async () => {
    const f = await load('runbook-replace.yaml');
    const entries = comparisonEntries([f]);
    expect(entries.map((e) => [e.label, e.kind])).toEqual([
      ['replace-profile', 'strategy'],
      ['new-profile-runbook', 'runbook'],
    ]);
    // Built-in strategies run on the world without the file's steps.
    expect(entries[0]!.scenario.steps.map((s) => s.kind)).toEqual(['strategy']);
    const seeds = Array.from({ length: 50 }, (_, i) => i + 1);
    const results = await compareJobs(entries, { seeds, workers: 2 });
    const runbook = results.filter((r) => r.strategy === 'new-profile-runbook');
    expect(runbook.map((r) => r.seed)).toEqual(seeds);
    for (const job of runbook) {
      const c = captureIo();
      const code = await main(['run', f.file, '--json', '--seed', String(job.seed)], c.io);
      expect(code).toBe(0);
      const doc = JSON.parse(c.stdout()) as {
        instances: { name: string; target: boolean; metrics: unknown }[];
      };
      const fromRun = doc.instances.filter((i) => i.target).map((i) => [i.name, i.metrics]);
      const fromCompare = job.samples.map((s) => [s.instance, s.metrics]);
      expect(JSON.stringify(fromCompare)).toBe(JSON.stringify(fromRun));
    }
    // The runbook's own polling of a lagging view is an API error it got past, not a failure.
    const polled = runbook.flatMap((r) => r.apiErrors).filter((e) => e.call === 'iam:GetInstanceProfile');
    expect(polled.length).toBeGreaterThan(0);
    for (const e of polled) expect(e.handled).toBe(e.count);
  });

  it('a file with steps and no compare: section gets a report for its runbook alone', async () => {
    const f = await load('runbook-replace.yaml');
    const { compare: _dropped, ...alone } = f.scenario;
    const entries = comparisonEntries([{ file: f.file, scenario: alone }]);
    expect(entries.map((e) => e.label)).toEqual(['new-profile-runbook']);
  });
});

describe('role identity and the outage a revoke causes', () => {
  let report: CompareReport;
  beforeAll(async () => {
    report = await compareFile('revoke-same-permissions.yaml', 20);
  });

  it('a revoke bounds how long the old role stays usable by policy propagation, not by SDK caches', () => {
    const revoke = entry(report, 'replace-profile-revoke');
    const plain = entry(report, 'replace-profile');
    // Same permissions on both roles: only the role identity and the revoke tell them apart.
    expect(revoke.metrics.oldRoleExposureMs.p99.ms!).toBeLessThan(5 * M);
    expect(plain.metrics.oldRoleExposureMs.p99.ms!).toBeGreaterThan(1 * H);
    expect(plain.metrics.oldRoleExposureMs.p50.ms!).toBeGreaterThan(revoke.metrics.oldRoleExposureMs.p99.ms!);
  });

  it('the revoke denies botocore applications for hours; a plain replace denies nothing', () => {
    const revoke = entry(report, 'replace-profile-revoke');
    const plain = entry(report, 'replace-profile');
    const botocore = revoke.bySdk.find((g) => g.sdk === 'botocore')!;
    expect(botocore.metrics.deniedMs.p50.ms!).toBeGreaterThan(1 * H);
    expect(plain.metrics.deniedMs.max.ms).toBe(0);
    // Every target is denied at some moment (all botocore), and never without the revoke.
    expect(revoke.fleet.minUpShare.median).toBe(0);
    expect(plain.fleet.minUpShare.median).toBe(1);
    expect(plain.fleet.minUpShare.min).toBe(1);
  });
});

describe('compare A.yaml B.yaml', () => {
  let dir: string;
  let a: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iamsim-compare-'));
    a = join(dir, 'careful.yaml');
    const text = readFileSync(join(fixtures, 'runbook-replace.yaml'), 'utf8')
      .replace(/compare:\n(?: {2}.*\n)+/, '')
      .replace('label: new-profile-runbook', 'label: careful');
    writeFileSync(a, text);
    // The hasty runbook: no wait for the view, so the replace may name a profile EC2 cannot see.
    const hasty = text
      .replace('label: careful', 'label: hasty')
      .replace(/ {2}- waitUntil:\n(?: {6}.*\n)+/, '');
    writeFileSync(join(dir, 'hasty.yaml'), hasty);
    writeFileSync(join(dir, 'bigger.yaml'), text.replace('count: 4', 'count: 5'));
  });

  it('runs two runbooks of the same world side by side', async () => {
    const c = captureIo();
    const code = await main(['compare', a, join(dir, 'hasty.yaml'), '--seeds', '6', '--json'], c.io);
    expect(code).toBe(0);
    const report = JSON.parse(c.stdout()) as CompareReport;
    expect(report.strategies.map((s) => s.strategy)).toEqual(['careful', 'hasty']);
    expect(report.strategies.map((s) => s.n)).toEqual([4 * 6, 4 * 6]);
    expect(report.command).toContain('careful.yaml');
    expect(report.command).toContain('hasty.yaml');
  });

  it('refuses two different worlds with exit 2, naming the first difference', async () => {
    const c = captureIo();
    const code = await main(['compare', a, join(dir, 'bigger.yaml'), '--seeds', '2'], c.io);
    expect(code).toBe(2);
    expect(c.stderr()).toContain('different worlds');
    expect(c.stderr()).toMatch(/instances: web-4 only in the other$/m);
    expect(c.stderr()).not.toMatch(stackTraceLine);
  });
});

describe('what a rolling change costs the fleet', () => {
  it('stop-start in batches of 25% keeps three quarters of 40 instances up; all at once keeps none', async () => {
    const report = await compareFile('stop-start-batches.yaml', 4);
    const [all, batched] = report.strategies;
    expect(all!.strategy).toBe('stop-start');
    expect(batched!.strategy).toBe('stop-start (batches of 25%)');
    expect(all!.fleet.minUpShare).toMatchObject({ seeds: 4, median: 0, min: 0 });
    const share = batched!.fleet.minUpShare;
    expect(share.seeds).toBe(4);
    // 30 of 40 up while a batch of 10 restarts; one instance either way for a batch that overlaps.
    expect(share.min!).toBeGreaterThanOrEqual(29 / 40);
    expect(share.median!).toBeLessThanOrEqual(31 / 40);
    expect(share.median!).toBeGreaterThanOrEqual(29 / 40);
  });
});

describe("the file's checks in a comparison", () => {
  it('are evaluated on every run of every strategy, with pass/fail per strategy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamsim-checks-'));
    const file = join(dir, 'with-checks.yaml');
    const text = readFileSync(join(fixtures, 'two-fleets.yaml'), 'utf8');
    writeFileSync(file, `${text}checks:\n  - { name: imds-within-5m, metric: imdsNewRoleMs, max: 5m }\n`);
    const c = captureIo();
    const code = await main(['compare', file, '--seeds', '6', '--json'], c.io);
    expect(code).toBe(0);
    const report = JSON.parse(c.stdout()) as CompareReport;
    const replace = entry(report, 'replace-profile').checks;
    const swap = entry(report, 'swap-role-in-profile').checks;
    // A replace is picked up within seconds; a swap waits for each instance's hourly rotation.
    expect(replace).toEqual([{ name: 'imds-within-5m', kind: 'metric', runsFailed: 0, runs: 6 }]);
    expect(swap![0]!.runsFailed).toBeGreaterThan(0);
    expect(swap![0]!.runs).toBe(6);
  });
});

describe('metric checks are about the targets', () => {
  it('iamsim check tallies a metric check over the targets only, not the untouched fleet', async () => {
    const f = await load('two-fleets.yaml');
    const scenario = {
      ...f.scenario,
      checks: [{ name: 'imds-fast', metric: 'imdsNewRoleMs' as const, maxMs: 5 * M }],
    };
    // As `iamsim check` does for a compare-only file: its first strategy makes the change.
    const report = checkScenario(runnableScenario(scenario), { runs: 3, seed: 1, shrink: false });
    const row = report.tallies.find((t) => t.name === 'imds-fast')!;
    expect(row.runsFailed).toBe(0);
    // 5 web targets per run; the 15 batch instances (no change for them) are in no value.
    expect(row.distribution!.never).toBe(0);
    expect(row.distribution!.maxMs!).toBeLessThan(5 * M);
  });
});
