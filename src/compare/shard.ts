/**
 * Sharded comparisons: one sweep's seeds split over N machines, each writing a partial result,
 * and the partials checked and combined into the job results one machine would have produced.
 *
 * Shards are numbered 1..N (as a human counts, `--shard 2/3`); shard K runs the K-th contiguous
 * slice of the seeds, all strategies. A partial carries everything the report needs besides the
 * results (the comparison's header: scenario hash, version, seeds, grouping plan, calibration),
 * so merging needs neither the scenario file nor a re-run, and the merged report is the function
 * of the job results that a single run computes: byte-identical.
 *
 * A partial travels between machines, so it carries a digest: sha256 over a canonical
 * serialisation of everything else in it (keys sorted, numbers as JSON writes them, no
 * whitespace). `merge` recomputes it and refuses a file whose content does not match, which
 * catches what the schema and the shard checks cannot: one number changed by hand, by a bad
 * copy or by a buggy tool. Re-indenting the file or reordering its keys is not a change.
 *
 * One file, over the usual length, because the partial's format, its digest and the checks merge
 * applies to it change together.
 *
 * Pure: parsing and merging return problems (every one found, with the file and the field) or
 * data; the commands turn problems into exit code 2.
 */
import { z } from 'zod';
import { canonicalDigest, canonicalJson } from '../canonical-json.ts';
import { holdingKinds, type metricNames } from '../result.ts';
import { type GroupingPlan, type JobResult, jobsFor } from './jobs.ts';

export const PARTIAL_KIND = 'iamsim-compare-partial';
/** 2: partials carry a digest; target-only samples, per-step API errors, fleet measures, several files. */
export const PARTIAL_SCHEMA_VERSION = 2;
/** Bound on the shard count: "put a limit on everything". */
export const SHARDS_MAX = 10_000;

/** Everything a comparison report depends on besides the job results. */
export interface ComparisonHeader {
  /** The scenario files as given on the command line (they appear in the report's reproduce command). */
  readonly files: readonly string[];
  readonly scenarioName: string;
  readonly scenarioHash: string;
  /** iamsim version that ran the jobs (and must summarise them). */
  readonly version: string;
  readonly firstSeed: number;
  readonly seedCount: number;
  readonly ci: 'order-statistic' | 'cluster-bootstrap';
  readonly plan: GroupingPlan;
  readonly calibration: readonly {
    readonly key: string;
    readonly description: string;
    readonly source: string;
  }[];
}

/** Shard `index` (1-based) of `count`, and the seeds it covers (inclusive). */
export interface ShardSlice {
  readonly index: number;
  readonly count: number;
  readonly fromSeed: number;
  readonly toSeed: number;
}

export interface PartialResult {
  readonly kind: typeof PARTIAL_KIND;
  readonly schemaVersion: typeof PARTIAL_SCHEMA_VERSION;
  /** sha256 (hex) of the canonical serialisation of every other field: see partialDigest. */
  readonly digest: string;
  readonly header: ComparisonHeader;
  readonly shard: ShardSlice;
  /** The shard's jobs in job order (strategy by strategy, seed by seed). */
  readonly results: readonly JobResult[];
}

/** One problem with a partial file: `file: path: message`. */
export interface PartialProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/**
 * The seeds of shard `index` (1-based) of `count` over `firstSeed .. firstSeed + seedCount - 1`:
 * contiguous slices whose sizes differ by at most one, earlier shards never larger.
 * @throws RangeError when the shard is out of range or there are more shards than seeds.
 */
export function shardSlice(firstSeed: number, seedCount: number, index: number, count: number): ShardSlice {
  if (!Number.isInteger(count) || count < 1 || count > SHARDS_MAX) {
    throw new RangeError(`the shard count must be a whole number from 1 to ${SHARDS_MAX}, got ${count}`);
  }
  if (!Number.isInteger(index) || index < 1 || index > count) {
    throw new RangeError(`the shard must be a whole number from 1 to ${count}, got ${index}`);
  }
  if (count > seedCount) {
    throw new RangeError(`${count} shards need at least ${count} seeds, got ${seedCount}`);
  }
  const from = Math.floor(((index - 1) * seedCount) / count);
  const to = Math.floor((index * seedCount) / count);
  return { index, count, fromSeed: firstSeed + from, toSeed: firstSeed + to - 1 };
}

/** The seeds of a slice, in order. */
export function sliceSeeds(slice: ShardSlice): number[] {
  return Array.from({ length: slice.toSeed - slice.fromSeed + 1 }, (_, i) => slice.fromSeed + i);
}

/** The digest of a partial's content: sha256 (hex) over the canonical JSON of all but `digest`. */
function partialDigest(partial: Omit<PartialResult, 'digest'> & { readonly digest?: string }): string {
  const { digest: _ignored, ...content } = partial;
  return canonicalDigest(content);
}

export function makePartial(
  header: ComparisonHeader,
  shard: ShardSlice,
  results: readonly JobResult[],
): PartialResult {
  const kind = PARTIAL_KIND;
  const schemaVersion = PARTIAL_SCHEMA_VERSION;
  const digest = partialDigest({ kind, schemaVersion, header, shard, results });
  // The digest near the top, where a reader of the file sees it.
  return { kind, schemaVersion, digest, header, shard, results };
}

// The partial file's schema: strict where a typo would silently change the report.
const ms = z.number().int();
const metricValue = ms.min(0).nullable();
const metrics = z.strictObject({
  imdsNewRoleMs: metricValue,
  appNewRoleMs: metricValue,
  oldRoleExposureMs: metricValue,
  credentialGapMs: metricValue,
  deniedMs: metricValue,
  downtimeMs: metricValue,
} satisfies Record<(typeof metricNames)[number], typeof metricValue>);
/** A compare entry's label: a strategy's name, or a batched variant's label. */
const strategyLabel = z.string().min(1);
const segment = z.strictObject({
  fromMs: ms,
  toMs: ms,
  kind: z.enum(holdingKinds),
  role: z.string().optional(),
});
const instanceResult = z.strictObject({
  name: z.string(),
  id: z.string(),
  region: z.string(),
  sdk: z.string(),
  fleet: z.string().optional(),
  target: z.boolean(),
  affected: z.boolean(),
  metrics,
  probes: z.strictObject({ allowed: ms.min(0), denied: ms.min(0) }),
  imdsTimeline: z.array(segment),
  appTimeline: z.array(segment),
  replacedBy: z.strictObject({ name: z.string(), id: z.string() }).optional(),
});
/** A run's incident outcome (src/result.ts), as partial files carry it. */
const incidentRunResultSchema = z.strictObject({
  responseStartMs: ms.nullable(),
  recoveryMs: ms.min(0).nullable(),
  incidents: z.array(
    z.strictObject({
      name: z.string(),
      theftMs: ms.nullable(),
      stolenSets: ms.min(0),
      chainedSessions: ms.min(0),
      heldUntilMs: ms.nullable(),
      attackerExposureMs: ms.min(0).nullable(),
      attackerExposureFromResponseMs: ms.min(0).nullable(),
      attackerAllowedCalls: ms.min(0).nullable(),
      chainedAfterResponseMs: ms.min(0).nullable(),
      counterMove: z.enum(['attacker-won', 'defender-won']).optional(),
    }),
  ),
});
const jobResult = z.strictObject({
  strategy: strategyLabel,
  seed: ms.min(0),
  samples: z.array(z.strictObject({ instance: z.string(), sdk: z.string(), region: z.string(), metrics })),
  minUpShare: z.number().min(0).max(1).nullable(),
  nonTargets: ms.min(0),
  affected: z.array(z.strictObject({ instance: z.string(), fleet: z.string().optional() })),
  timelines: z.array(instanceResult),
  apiErrors: z.array(
    z.strictObject({
      code: z.string(),
      call: z.string(),
      origin: z.string(),
      count: ms.min(0),
      handled: ms.min(0),
    }),
  ),
  changeStartMs: ms.nullable(),
  judgedBy: z.enum(['role', 'permissions']),
  checks: z.array(
    z.strictObject({ name: z.string(), kind: z.enum(['expect', 'runbook', 'metric']), ok: z.boolean() }),
  ),
  incident: incidentRunResultSchema.optional(),
  waiterPasses: z
    .array(
      z.strictObject({
        origin: z.string(),
        waiter: z.string(),
        region: z.string(),
        atMs: ms,
        roleShown: z.boolean(),
      }),
    )
    .optional(),
});
const header = z.strictObject({
  files: z.array(z.string()).min(1),
  scenarioName: z.string(),
  scenarioHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
  version: z.string(),
  firstSeed: ms.min(0),
  seedCount: ms.min(1),
  ci: z.enum(['order-statistic', 'cluster-bootstrap']),
  plan: z.strictObject({
    strategies: z.array(z.string().min(1)).min(1),
    horizonMs: ms.min(0),
    atMs: ms.min(0),
    sampleTimelines: ms.min(0),
  }),
  calibration: z.array(z.strictObject({ key: z.string(), description: z.string(), source: z.string() })),
});
const partialSchema = z.strictObject({
  kind: z.literal(PARTIAL_KIND),
  schemaVersion: z.literal(PARTIAL_SCHEMA_VERSION),
  digest: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
  header,
  shard: z.strictObject({
    index: ms.min(1),
    count: ms.min(1).max(SHARDS_MAX),
    fromSeed: ms.min(0),
    toSeed: ms.min(0),
  }),
  results: z.array(jobResult),
});

/** Parses one partial file's text; every schema problem is reported with its field path. */
export function parsePartial(
  text: string,
  file: string,
):
  | { readonly ok: true; readonly partial: PartialResult }
  | { readonly ok: false; readonly problems: PartialProblem[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [{ file, path: '', message: `not JSON: ${(e as Error).message}` }] };
  }
  if (typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind !== PARTIAL_KIND) {
    return {
      ok: false,
      problems: [
        {
          file,
          path: 'kind',
          message: `not a partial result of iamsim compare --shard (kind must be '${PARTIAL_KIND}')`,
        },
      ],
    };
  }
  const parsed = partialSchema.safeParse(doc);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        file,
        path: issue.path.join('.'),
        message: issue.message,
      })),
    };
  }
  return { ok: true, partial: parsed.data as PartialResult };
}

/** Shortens a value for a message. */
function show(value: unknown): string {
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Checks that `partials` are the complete set of shards of one sweep (same scenario hash,
 * version, seeds, plan, shard count; every shard exactly once; each covering its slice with
 * exactly its jobs) and that this iamsim (`version`) can summarise them. Returns the sweep's
 * header and every job result in job order, or every problem found.
 */
export function mergePartials(
  partials: readonly { readonly file: string; readonly partial: PartialResult }[],
  version: string,
):
  | { readonly ok: true; readonly header: ComparisonHeader; readonly results: JobResult[] }
  | { readonly ok: false; readonly problems: PartialProblem[] } {
  const problems: PartialProblem[] = [];
  if (partials.length === 0)
    return { ok: false, problems: [{ file: '(none)', path: '', message: 'no partial files given' }] };
  // Content first: a file changed after it was written is named whatever else is wrong with it.
  for (const { file, partial } of partials) {
    if (partialDigest(partial) !== partial.digest) {
      problems.push({
        file,
        path: 'digest',
        message:
          'the content does not match its digest: the file was changed after compare --shard wrote it (edited, or damaged in transit); run that shard again',
      });
    }
  }
  const first = partials[0]!;
  const ref = first.partial.header;
  // The header: every field must agree with the first file's.
  for (const { file, partial } of partials.slice(1)) {
    for (const key of Object.keys(ref) as (keyof ComparisonHeader)[]) {
      const a = canonicalJson(ref[key]);
      const b = canonicalJson(partial.header[key]);
      if (a !== b) {
        problems.push({
          file,
          path: `header.${key}`,
          message: `${show(partial.header[key])} differs from ${show(ref[key])} in ${first.file}: these partials are not of one sweep`,
        });
      }
    }
    if (partial.shard.count !== first.partial.shard.count) {
      problems.push({
        file,
        path: 'shard.count',
        message: `${partial.shard.count} shards differs from ${first.partial.shard.count} in ${first.file}`,
      });
    }
  }
  if (ref.version !== version) {
    problems.push({
      file: first.file,
      path: 'header.version',
      message: `written by iamsim ${ref.version}; this is ${version}, whose report could differ: merge with ${ref.version}`,
    });
  }
  // The shards: each index once, each covering exactly its slice with exactly its jobs.
  const count = first.partial.shard.count;
  const seen = new Map<number, string>();
  for (const { file, partial } of partials) {
    const { shard } = partial;
    if (shard.index > shard.count) {
      problems.push({
        file,
        path: 'shard.index',
        message: `shard ${shard.index} of ${shard.count} does not exist`,
      });
      continue;
    }
    const other = seen.get(shard.index);
    if (other !== undefined) {
      problems.push({
        file,
        path: 'shard.index',
        message: `shard ${shard.index}/${shard.count} is also in ${other}`,
      });
      continue;
    }
    seen.set(shard.index, file);
    let expected: ReturnType<typeof shardSlice>;
    try {
      expected = shardSlice(partial.header.firstSeed, partial.header.seedCount, shard.index, shard.count);
    } catch (e) {
      problems.push({ file, path: 'shard', message: (e as Error).message });
      continue;
    }
    if (shard.fromSeed !== expected.fromSeed || shard.toSeed !== expected.toSeed) {
      problems.push({
        file,
        path: 'shard',
        message: `shard ${shard.index}/${shard.count} covers seeds ${shard.fromSeed}..${shard.toSeed}; it must cover ${expected.fromSeed}..${expected.toSeed} (a gap or an overlap)`,
      });
    }
    // Its results must be exactly the jobs of the slice it declares, in job order.
    if (shard.toSeed < shard.fromSeed) continue;
    const jobs = jobsFor(partial.header.plan.strategies, sliceSeeds(shard));
    const got = partial.results;
    const mismatch = jobs.findIndex(
      (job, i) => got[i]?.strategy !== job.strategy || got[i]?.seed !== job.seed,
    );
    if (mismatch >= 0 || got.length !== jobs.length) {
      const at = mismatch >= 0 ? mismatch : jobs.length;
      const job = jobs[at];
      const found = got[at];
      problems.push({
        file,
        path: `results.${at}`,
        message:
          job === undefined
            ? `${got.length - jobs.length} result(s) more than the ${jobs.length} jobs of this shard`
            : `expected the job (${job.strategy}, seed ${job.seed}) here, found ${found === undefined ? 'nothing' : `(${found.strategy}, seed ${found.seed})`}`,
      });
    }
  }
  for (let index = 1; index <= count; index++) {
    if (!seen.has(index)) {
      let slice = '';
      try {
        const s = shardSlice(ref.firstSeed, ref.seedCount, index, count);
        slice = ` (seeds ${s.fromSeed}..${s.toSeed})`;
      } catch {
        // The count itself is bad; that was reported above.
      }
      problems.push({ file: '(all)', path: 'shard', message: `shard ${index}/${count}${slice} is missing` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  // Every job of the sweep, in job order: strategy by strategy, then seed (shard slices are contiguous).
  const byStrategy = ref.plan.strategies.map((strategy) =>
    partials
      .flatMap(({ partial }) => partial.results.filter((r) => r.strategy === strategy))
      .sort((a, b) => a.seed - b.seed),
  );
  return { ok: true, header: ref, results: byStrategy.flat() };
}
