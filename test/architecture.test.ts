/**
 * The dependency direction the layout promises, checked on the source text: every folder (and
 * top-level file) of src/ has a place in one layer order and imports only from lower layers; the
 * kernel imports nothing from the domain; simulation code never reads the wall clock or
 * Math.random.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

function importsOf(path: string, text = readFileSync(path, 'utf8')): string[] {
  return [
    ...text.matchAll(
      /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/**
 * The layer order of src/, lowest first. A file may import from its own folder and from lower
 * layers only; two units in one layer are peers and may not import each other. Every folder and
 * top-level file must be listed, so a new one gets a place by decision, not by accident. Why this
 * order (read from what each unit needs):
 * - engine: the kernel (time, events, seeded streams, distributions); knows no AWS.
 * - cause: the shape of an explanation (a causal chain of timed events), which results carry.
 * - leaf modules shared by every layer, importing at most the kernel: user-error types (errors),
 *   the package version, the shape of a run's result (result), the calibration defaults and their
 *   sources (calibration), the mapping test (is-record), canonical JSON (canonical-json, for
 *   scenario hashes and partial digests), and the ahead-of-time bundle of the
 *   sources that bin and the compare workers start from (build; it imports nothing of src/).
 * - replication: a generic replicated store (control plane + region views) over the kernel.
 * - aws: the IAM and EC2 services, built on the replicated store. Options the IAM model reads
 *   (ModelOptions) live in aws/, not in the scenario format, so this arrow points one way.
 * - scenario: the scenario format (types, loader, rules) in AWS vocabulary: tags, operation
 *   names and parameters come from the AWS layer; it knows nothing of the actors it configures.
 * - instance (IMDS, SDK caches, runtime) and runbook (the operator, its waits and polls, the
 *   built-in strategies, the step runner): the actors, each built from scenario parts.
 * - change-plan and metrics: what a run measures, from scenario, instance timelines and result.
 * - world (the World's parts: how credentials are classified for the change, how a call is
 *   executed and recorded, a replaced instance's slot, the results from the recorded lanes) and
 *   incident (the attacker holding stolen credentials, and its exposure): pieces simulate
 *   assembles, built on the measured change and the instances.
 * - simulate: builds the world from a scenario and runs it.
 * - check (observers of a run) and report (statistics and renderers of results): users of runs.
 * - parallel: one run split over slices of its instances and merged (simulate, the cause
 *   recorder, the metrics); the compare workers serve its slices.
 * - compare (the comparison pipeline over simulate and report) and serve (the model behind the
 *   AWS protocols, over simulate and the run report).
 * - commands, then cli, then bin: the thin command line over the library.
 */
const layers: readonly (readonly string[])[] = [
  ['engine'],
  ['cause'],
  ['errors', 'version', 'result', 'calibration', 'is-record', 'canonical-json', 'build'],
  ['replication'],
  ['aws'],
  ['scenario'],
  ['instance', 'runbook'],
  ['change-plan', 'metrics'],
  ['world', 'incident'],
  ['simulate'],
  ['check', 'report'],
  ['parallel'],
  ['compare', 'serve'],
  ['commands'],
  ['cli'],
  ['bin'],
];

/** The unit a path of src/ belongs to: its top-level folder, or its file name without extension. */
function unitOf(path: string): string {
  const [first, ...rest] = relative(src, path).split('/');
  return rest.length > 0 ? first! : first!.replace(/\.(ts|js)$/, '');
}

function layerOf(unit: string): number {
  return layers.findIndex((layer) => layer.includes(unit));
}

/**
 * Every import of the given files of src/ (their text read from disk unless given) that points at
 * the same or a higher layer, or at a unit with no layer.
 */
function layerViolations(sources: readonly { path: string; text?: string }[]): string[] {
  const out: string[] = [];
  for (const { path, text } of sources) {
    const from = unitOf(path);
    const fromLayer = layerOf(from);
    const file = relative(src, path);
    if (fromLayer < 0) {
      out.push(
        `src/${file}: '${from}' is not in the layer order; give it a place in test/architecture.test.ts`,
      );
      continue;
    }
    for (const spec of importsOf(path, text)) {
      if (!spec.startsWith('.')) continue;
      const to = unitOf(resolve(dirname(path), spec));
      if (to === from) continue;
      const toLayer = layerOf(to);
      if (toLayer >= 0 && toLayer < fromLayer) continue;
      const why =
        toLayer < 0
          ? `'${to}' is not in the layer order`
          : toLayer === fromLayer
            ? `'${from}' and '${to}' are peers in layer ${fromLayer}`
            : `'${from}' (layer ${fromLayer}) may not import '${to}' (layer ${toLayer})`;
      out.push(`src/${file} imports ${spec}: ${why}`);
    }
  }
  return out;
}

describe('architecture', () => {
  it('the kernel (src/engine) imports only itself and node: modules', () => {
    const offenders: string[] = [];
    for (const path of files(join(src, 'engine'))) {
      for (const spec of importsOf(path)) {
        const ok = spec.startsWith('./') || spec.startsWith('node:');
        if (!ok) offenders.push(`${relative(src, path)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('every import of src/ points down the layer order', () => {
    expect(layerViolations(files(src).map((path) => ({ path })))).toEqual([]);
  });

  it('names the file and the import of a back-edge, a peer edge and an unlisted unit', () => {
    const at = (file: string, text: string) => ({ path: join(src, file), text });
    expect(
      layerViolations([
        at('aws/iam/x.ts', "import type { Scenario } from '../../scenario/types.ts';"),
        at('check/x.ts', "export { summarise } from '../report/summarize.ts';"),
        at('engine/x.ts', "const m = await import('../simulate.ts');"),
        at('scenario/x.ts', "import { a } from '../nowhere/a.ts';\nimport { b } from './b.ts';"),
        at('elsewhere/x.ts', "import '../engine/index.ts';"),
      ]),
    ).toEqual([
      "src/aws/iam/x.ts imports ../../scenario/types.ts: 'aws' (layer 4) may not import 'scenario' (layer 5)",
      "src/check/x.ts imports ../report/summarize.ts: 'check' and 'report' are peers in layer 10",
      "src/engine/x.ts imports ../simulate.ts: 'engine' (layer 0) may not import 'simulate' (layer 9)",
      "src/scenario/x.ts imports ../nowhere/a.ts: 'nowhere' is not in the layer order",
      "src/elsewhere/x.ts: 'elsewhere' is not in the layer order; give it a place in test/architecture.test.ts",
    ]);
  });

  it('lists every folder and top-level file of src/ in exactly one layer', () => {
    const units = [...new Set(files(src).map(unitOf))].sort();
    expect(units.filter((u) => layerOf(u) < 0)).toEqual([]);
    const listed = layers.flat();
    expect(listed.filter((u, i) => listed.indexOf(u) !== i)).toEqual([]);
    expect(listed.filter((u) => !units.includes(u))).toEqual([]);
  });

  it('no Math.random or Date.now in source, except progress display marked wall-clock', () => {
    const offenders: string[] = [];
    for (const path of files(src)) {
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/Math\.random|Date\.now\(/.test(line) && !line.includes('// wall-clock:')) {
            offenders.push(`${relative(src, path)}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    expect(offenders).toEqual([]);
  });
});
