/**
 * The scenario file format as a zod schema: the one definition that both validates YAML and
 * generates the JSON Schema editors use (`iamsim schema`, committed as scenarios/schema.json).
 *
 * The schema describes shapes only. It has no transforms and no defaults, so the JSON Schema is a
 * faithful picture of what may be written; durations are converted, defaults filled and fleets
 * expanded afterwards by normalise.ts, and cross-field rules live in rules.ts. Every object is
 * strict: an unknown key is an error, because a misspelt key would otherwise be ignored silently.
 *
 * One file because it is the format's single definition, read top to bottom like its documentation
 * (and the JSON Schema is generated from the whole of it).
 */
import * as z from 'zod';
import { hasReservedTagPrefix } from '../aws/tags.ts';
import { calibrationKeys } from '../calibration.ts';
import { metricNames } from '../result.ts';
import { describeValue, durationExamples, durationPattern, parseDuration, quoteValue } from './duration.ts';
import { callNames } from './operations.ts';
import { closest } from './suggest.ts';
import type { SdkPresetName } from './types.ts';
import { consoleActions, invariantNames, livenessInvariantNames, strategyNames } from './types.ts';

// ---------------------------------------------------------------------------------------------
// Strict objects whose "unknown key" issues can name the keys that are allowed.

/**
 * zod's unrecognized_keys issue does not say which keys were expected, so each strict object
 * puts its allowed keys in that issue's message, behind this marker; issues.ts reads them back
 * to suggest the nearest key ("did you mean ...?"). Nothing else produces such a message.
 */
const ALLOWED_KEYS_MARKER = '\u0000allowed:';

export function allowedKeysOf(message: string): string[] | undefined {
  return message.startsWith(ALLOWED_KEYS_MARKER)
    ? message.slice(ALLOWED_KEYS_MARKER.length).split(',')
    : undefined;
}

function strict<S extends z.core.$ZodLooseShape>(shape: S) {
  const allowed = Object.keys(shape).join(',');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? ALLOWED_KEYS_MARKER + allowed : undefined),
  });
}

const describe = (description: string) => ({ description });

// ---------------------------------------------------------------------------------------------
// Scalars.

export const durationSchema = z
  .union([z.string().meta({ pattern: durationPattern }), z.number()], {
    error: (iss) => `expected a duration (${durationExamples}), got ${describeValue(iss.input)}`,
  })
  .superRefine((value, ctx) => {
    const parsed = parseDuration(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
  })
  .meta({ id: 'Duration', description: `A duration: ${durationExamples}.` });

const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, {
    error: (iss) => `${quoteValue(iss.input)} is not a region name like us-east-1`,
  })
  .meta({ id: 'Region', description: 'An AWS region name, e.g. us-east-1.' });

/** IAM names: `[\w+=,.@-]+` (the IAM API reference's name pattern). */
function iamName(what: string, maxLength: number) {
  return z
    .string()
    .min(1, { error: `${what} must not be empty` })
    .max(maxLength, { error: `${what} must be at most ${maxLength} characters` })
    .regex(/^[\w+=,.@-]+$/, { error: `${what} may contain only letters, digits and _+=,.@-` });
}
const roleName = iamName('a role name', 64);
const profileName = iamName('an instance profile name', 128);

const iamPath = z
  .string()
  .max(512, { error: 'a path must be at most 512 characters' })
  .regex(/^(\/|\/[\x21-\x7E]+\/)$/, { error: 'a path must start and end with / (e.g. / or /app/)' });

/** Names of instances and fleets: they become EC2 Name tags and `${inst.name}` values. */
function localName(what: string) {
  return z
    .string()
    .min(1, { error: `${what} must not be empty` })
    .max(128, { error: `${what} must be at most 128 characters` })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
      error: `${what} must start with a letter or digit and contain only letters, digits and ._-`,
    });
}
const instanceName = localName('an instance name');
const fleetName = localName('a fleet name');

const instanceId = z.string().regex(/^i-([0-9a-f]{8}|[0-9a-f]{17})$/, {
  error: 'an instance id is i- followed by 8 or 17 lowercase hex digits',
});

const actionPattern = z.string().regex(/^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/, {
  error: 'an action is service:Action, e.g. s3:GetObject, s3:Get*, sqs:* or *',
});
const concreteAction = z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, {
  error: 'a probe action is one concrete service:Action, e.g. s3:GetObject',
});

/** Tag keys (and IAM tag values) starting with aws:, in any case, are AWS's own (aws/tags.ts). */
const RESERVED_TAG_MESSAGE = "tag keys starting with 'aws:' are reserved for AWS";

// Tag keys and values allow any Unicode letter; the check is a refinement rather than a regex so
// the JSON Schema does not carry \p{..} classes that some editors' regex engines reject.
const tagKey = z
  .string()
  .min(1, { error: 'a tag key must not be empty' })
  .max(128, { error: 'a tag key must be at most 128 characters' })
  .refine((s) => /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u.test(s), {
    error: 'a tag key may contain letters, digits, spaces and _.:/=+-@',
  })
  .refine((s) => !hasReservedTagPrefix(s), { error: RESERVED_TAG_MESSAGE });
const tagValue = z
  .string()
  .max(256, { error: 'a tag value must be at most 256 characters' })
  .refine((s) => /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(s), {
    error: 'a tag value may contain letters, digits, spaces and _.:/=+-@',
  })
  // IAM reserves the prefix in values too (the IAM model refuses both: aws/iam/validate.ts).
  .refine((s) => !hasReservedTagPrefix(s), {
    error: "tag values starting with 'aws:' are reserved for AWS",
  });
const tagsSchema = z
  .union([z.record(tagKey, tagValue), z.array(strict({ Key: tagKey, Value: tagValue }))], {
    error: 'tags are a mapping (key: value) or a list of {Key, Value}',
  })
  .meta(describe('Tags (at most 50): a mapping of key to value, or a list of {Key, Value}.'));

// ---------------------------------------------------------------------------------------------
// Distributions (calibration overrides).

const clamp = {
  min: durationSchema.optional().meta(describe('Lower clamp on samples.')),
  max: durationSchema.optional().meta(describe('Upper clamp on samples.')),
};
const distributionKinds = [
  'fixed',
  'uniform',
  'exponential',
  'lognormal',
  'paretoExponential',
  'empirical',
] as const;
const distributionObject = z.discriminatedUnion(
  'kind',
  [
    strict({ kind: z.literal('fixed'), value: durationSchema, ...clamp }),
    strict({ kind: z.literal('uniform'), low: durationSchema, high: durationSchema, ...clamp }),
    strict({ kind: z.literal('exponential'), mean: durationSchema, ...clamp }),
    strict({
      kind: z.literal('lognormal'),
      median: durationSchema.optional().meta(describe('Median (with p99).')),
      p99: durationSchema.optional().meta(describe('99th percentile (with median).')),
      mu: z.number().optional().meta(describe('Mean of ln(ms) (with sigma).')),
      sigma: z.number().optional().meta(describe('Standard deviation of ln(ms) (with mu).')),
      ...clamp,
    }),
    strict({
      kind: z.literal('paretoExponential'),
      paretoWeight: z.number().meta(describe('Probability of drawing from the Pareto tail, 0..1.')),
      paretoScale: durationSchema.meta(describe('Pareto scale: the smallest tail value.')),
      paretoShape: z.number().meta(describe('Pareto shape alpha (> 0); smaller is heavier.')),
      exponentialMean: durationSchema.meta(describe('Mean of the exponential body.')),
      ...clamp,
    }),
    strict({ kind: z.literal('empirical'), samples: z.array(durationSchema), ...clamp }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? // The issue's input is the whole mapping; name its kind.
          `unknown distribution kind ${quoteValue((iss.input as { kind?: unknown } | undefined)?.kind)}; expected one of ${distributionKinds.join(', ')}`
        : undefined,
  },
);
export const distributionSchema = z
  .union([durationSchema, distributionObject], {
    error: (iss) => `expected a duration or a distribution {kind: ...}, got ${describeValue(iss.input)}`,
  })
  .meta({
    id: 'Distribution',
    description: `A delay distribution: a bare duration (fixed), or {kind: ${distributionKinds.join('|')}, ...} with optional min/max.`,
  });
export type RawDistribution = z.infer<typeof distributionSchema>;

// ---------------------------------------------------------------------------------------------
// Instances and fleets.

/** The SDK presets, in the order docs list them. Checked against SdkPresetName below. */
export const sdkPresetNames = ['botocore', 'js-v3', 'java-v1', 'java-v2', 'go-v2', 'dotnet', 'cli'] as const;
// A compile-time guard: the list and the type in types.ts must name the same presets.
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sdkPresetsMatch: SameSet<(typeof sdkPresetNames)[number], SdkPresetName> = true;
void _sdkPresetsMatch;

const sdkSchema = z
  .union(
    [
      z.enum(sdkPresetNames, {
        error: (iss) =>
          `unknown SDK ${quoteValue(iss.input)}; expected one of ${sdkPresetNames.join(', ')} or {name, refreshBeforeExpiry, ...}`,
      }),
      strict({
        name: z.string().min(1),
        refreshBeforeExpiry: durationSchema.meta(
          describe('Refresh when less than this remains before expiry.'),
        ),
        maxHold: durationSchema.optional().meta(describe('Refresh at least this long after each fetch.')),
        staticStability: durationSchema
          .optional()
          .meta(describe('Keep using expired credentials this long while IMDS cannot give new ones.')),
      }),
    ],
    {
      error: `an SDK is one of ${sdkPresetNames.join(', ')} or {name, refreshBeforeExpiry, maxHold?, staticStability?}`,
    },
  )
  .meta({
    id: 'Sdk',
    description: 'The credential cache of the application: a preset name or a custom policy.',
  });

const probeSchema = strict({
  action: concreteAction,
  every: durationSchema.meta(describe('How often the application calls the action (at least 1s).')),
}).meta(describe('An application call made periodically with the cached credentials.'));

const instanceState = z.enum(['running', 'stopped']);

/** EC2 MetadataOptions, as far as incidents need them (scenario/incident.ts). */
const imdsOptionsSchema = strict({
  tokens: z
    .enum(['optional', 'required'])
    .meta(describe('HttpTokens: required (IMDSv2 only, hop limit 1) blocks a token-less SSRF read.')),
}).meta(describe('Instance metadata options (default tokens: optional).'));

/**
 * EC2 tags of a scenario instance besides Name, which is its name: what a runbook's
 * `describe-instances --filters Name=tag:Role,Values=web` finds. EC2's rules (EC2 User Guide, tag
 * restrictions): keys of 1-128 characters, values of up to 256, no `aws:` prefix in keys (any
 * case), at most 50 tags with Name; keys are case-sensitive.
 */
const ec2TagsSchema = z
  .record(
    z
      .string()
      .min(1, { error: 'a tag key must not be empty' })
      .max(128, { error: 'a tag key must be at most 128 characters' })
      .refine((k) => !hasReservedTagPrefix(k), { error: RESERVED_TAG_MESSAGE })
      .refine((k) => k !== 'Name', { error: 'the Name tag is the instance name; leave it out of tags' }),
    z.string().max(256, { error: 'a tag value must be at most 256 characters' }),
  )
  .refine((t) => Object.keys(t).length <= 49, { error: 'at most 49 tags besides Name (EC2 allows 50)' })
  .meta(describe('EC2 tags besides Name (the instance name), e.g. { Role: web }.'));

const instanceSchema = strict({
  name: instanceName,
  id: instanceId.optional().meta(describe('Explicit instance id; otherwise one is drawn from the seed.')),
  region: regionSchema,
  state: instanceState.optional().meta(describe('Initial state (default running).')),
  instanceProfile: profileName.optional().meta(describe('Instance profile associated at start.')),
  sdk: sdkSchema.optional(),
  probe: probeSchema.optional(),
  imds: imdsOptionsSchema.optional(),
  tags: ec2TagsSchema.optional(),
});

const fleetSchema = strict({
  name: fleetName,
  count: z.int().min(1).meta(describe('Number of instances, named NAME-0 .. NAME-(count-1).')),
  region: regionSchema,
  state: instanceState.optional(),
  instanceProfile: profileName.optional(),
  sdk: z
    .union([sdkSchema, z.array(sdkSchema).min(1)], {
      error: 'sdk is an SDK or a list of SDKs (assigned round-robin)',
    })
    .optional()
    .meta(describe('An SDK, or a list assigned round-robin across the fleet.')),
  probe: probeSchema.optional(),
  imds: imdsOptionsSchema.optional(),
  tags: ec2TagsSchema.optional().meta(describe('EC2 tags of every instance of the fleet, besides Name.')),
});

// ---------------------------------------------------------------------------------------------
// Targets, steps, faults, checks, compare.

const targetsSchema = strict({
  fleet: fleetName.optional(),
  fleets: z.array(fleetName).optional(),
  instances: z.array(instanceName).optional(),
}).meta({
  id: 'Targets',
  description: 'Which instances: {fleet}, {fleets: [..]} and/or {instances: [..]} (names).',
});

const changeTargetSchema = z
  .union([strict({ role: roleName }), strict({ instanceProfile: profileName })], {
    error: 'give exactly one of role or instanceProfile',
  })
  .meta({ id: 'ChangeTarget', description: 'What the change moves to: {role} or {instanceProfile}.' });

const callNameSchema = z.enum(callNames as [string, ...string[]], {
  error: (iss) => {
    const hint = typeof iss.input === 'string' ? closest(iss.input, callNames) : undefined;
    return `unknown operation ${quoteValue(iss.input)}${hint ? ` (did you mean ${hint}?)` : '; expected service:Operation, e.g. iam:GetInstanceProfile'}`;
  },
});

const paramsSchema = z
  .record(z.string(), z.unknown())
  .meta(
    describe('Parameters as the AWS API takes them; strings may contain ${name} or ${inst.id} references.'),
  );

const saveSchema = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'a saved name is an identifier (letters, digits, _)' }),
    z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, {
      error: 'a save path is dotted, e.g. InstanceProfile.Arn or Roles.0.RoleName',
    }),
  )
  .meta(describe('Saves parts of the response: name -> dotted path (numbers index lists).'));

const expectSchema = z
  .string()
  .regex(/^(ok|[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*)$/, {
    error: 'expect is ok or an AWS error code such as NoSuchEntity',
  })
  .meta(describe('ok, or the AWS error code the call must fail with.'));

const timing = {
  at: durationSchema.optional().meta(describe('Absolute virtual time to start this step.')),
  after: durationSchema.optional().meta(describe("Delay after the previous step's end.")),
};

/** Retries as the AWS CLI / SDKs make them (src/runbook/retry.ts). */
const retrySchema = strict({
  mode: z
    .enum(['standard', 'legacy', 'adaptive'])
    .meta(describe('The SDK retry mode (the CLI default is standard).')),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta(describe('Attempts in all, the first included (default 3; legacy: 5).')),
}).meta({ id: 'Retry', description: 'Retries of failed calls: { mode, maxAttempts }.' });

/** What a failure of the step does: stop the runbook (default, like set -e) or continue. */
const failureHandling = {
  onFailure: z
    .enum(['stop', 'continue'])
    .optional()
    .meta(describe('stop (default, like set -e): a failed expect, waitUntil or waiter ends the runbook.')),
  retry: retrySchema.optional(),
};

const callStep = strict({
  call: callNameSchema.meta(describe('service:Operation, e.g. iam:AddRoleToInstanceProfile.')),
  params: paramsSchema.optional(),
  region: regionSchema.optional(),
  save: saveSchema.optional(),
  expect: expectSchema.optional(),
  waiter: z
    .string()
    .regex(/^[A-Z][A-Za-z]+$/, {
      error: 'a waiter is named as in the service model, e.g. InstanceProfileExists',
    })
    .optional()
    .meta(describe('Run the AWS waiter of this name (its delay, attempts and acceptors) on this call.')),
  paginate: strict({
    pageSize: z.number().int().min(1).optional(),
    maxItems: z.number().int().min(1).optional(),
    startingToken: z.string().optional(),
  })
    .optional()
    .meta(describe('Page through a paginated operation as the AWS CLI does, merging the pages.')),
  ...failureHandling,
  ...timing,
});

const awsStep = strict({
  aws: z
    .string()
    .min(1)
    .meta(describe('An AWS CLI command line, e.g. iam get-instance-profile --instance-profile-name web.')),
  region: regionSchema.optional(),
  save: saveSchema.optional(),
  expect: expectSchema.optional(),
  ...failureHandling,
  ...timing,
});

const waitStep = strict({ wait: durationSchema, ...timing });

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const waitUntilStep = strict({
  waitUntil: strict({
    call: callNameSchema,
    params: paramsSchema.optional(),
    region: regionSchema.optional(),
    path: z
      .string()
      .min(1)
      .meta(describe('Dotted path into the response, e.g. InstanceProfile.Roles.0.RoleName.')),
    equals: scalarSchema.optional().meta(describe('The value the path must equal.')),
    absent: z.literal(true).optional().meta(describe('The path must lead nowhere (missing or null).')),
    length: z
      .union([
        z.number().int().min(0),
        strict({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }),
      ])
      .optional()
      .meta(describe('The list (or string) at the path has this length, or one within {min, max}.')),
    in: z.array(scalarSchema).min(1).optional().meta(describe('The value at the path is one of these.')),
    every: durationSchema.optional().meta(describe('Polling interval (default 2s).')),
    timeout: durationSchema.optional().meta(describe('Give up after this long (default 2m).')),
  }),
  ...failureHandling,
  ...timing,
});

const strategyNameSchema = z.enum(strategyNames, {
  error: (iss) => `unknown strategy ${quoteValue(iss.input)}; expected one of ${strategyNames.join(', ')}`,
});

const batchSchema = strict({
  size: z
    .union(
      [
        z.int({ error: 'a batch size is a whole number of instances or a percentage such as "25%"' }).min(1, {
          error: 'a batch size is at least 1 instance',
        }),
        z.string().regex(/^\d+(\.\d+)?%$/, {
          error: (iss) =>
            `${quoteValue(iss.input)} is not a batch size: write a count such as 5 or a percentage such as "25%"`,
        }),
      ],
      { error: 'a batch size is a whole number of instances or a percentage such as "25%"' },
    )
    .meta(describe('Instances per batch: a count (5) or a share of the targets ("25%", rounded up).')),
  pause: durationSchema
    .optional()
    .meta(describe('Wait after a batch finished before the next one starts (default 0).')),
}).meta({
  id: 'Batch',
  description:
    'Roll per-instance work out in batches; the next batch starts when every instance of the previous one finished, plus the pause.',
});

const strategyStep = strict({
  strategy: strategyNameSchema,
  targets: targetsSchema,
  to: changeTargetSchema,
  batch: batchSchema
    .optional()
    .meta(describe('Per-instance strategies only (default: every instance at once).')),
  ...timing,
});

const consoleStep = strict({
  console: z.enum(consoleActions, {
    error: (iss) =>
      `unknown console procedure ${quoteValue(iss.input)}; expected one of ${consoleActions.join(', ')}`,
  }),
  role: roleName.optional().meta(describe('create-role-for-ec2, delete-role: the role.')),
  allow: z.array(actionPattern).optional().meta(describe('create-role-for-ec2: actions the role may call.')),
  instanceProfile: profileName
    .optional()
    .meta(describe("launch-with-role: the name picked in the console's IAM role list (a profile name).")),
  region: regionSchema.optional(),
  count: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .meta(describe('launch-with-role: instances (default 1).')),
  ...failureHandling,
  ...timing,
});

type CallStepRaw = z.infer<typeof callStep>;
type ConsoleStepRaw = z.infer<typeof consoleStep>;
type AwsStepRaw = z.infer<typeof awsStep>;
type WaitStepRaw = z.infer<typeof waitStep>;
type WaitUntilStepRaw = z.infer<typeof waitUntilStep>;
type StrategyStepRaw = z.infer<typeof strategyStep>;
export type RawBatch = z.infer<typeof batchSchema>;
export interface ForEachStepRaw {
  forEach: z.infer<typeof targetsSchema>;
  steps: RawStep[];
  batch?: RawBatch;
  at?: string | number;
  after?: string | number;
}
export type RawStep =
  | CallStepRaw
  | AwsStepRaw
  | WaitStepRaw
  | WaitUntilStepRaw
  | StrategyStepRaw
  | ForEachStepRaw
  | ConsoleStepRaw;

export const stepKinds = ['call', 'aws', 'wait', 'waitUntil', 'strategy', 'forEach', 'console'] as const;

const forEachStep = strict({
  forEach: targetsSchema,
  // A getter makes the schema recursive without a forward reference at module load (zod 4 idiom).
  get steps(): z.ZodArray<z.ZodType<RawStep>> {
    return z.array(stepSchema);
  },
  batch: batchSchema
    .optional()
    .meta(describe('Run the instances of a batch in parallel (default: one instance after the other).')),
  ...timing,
});

export const stepSchema: z.ZodType<RawStep> = z
  .union([callStep, awsStep, waitStep, waitUntilStep, strategyStep, forEachStep, consoleStep], {
    error: `a step needs exactly one of: ${stepKinds.join(', ')}`,
  })
  .meta({ id: 'Step', description: `One step: ${stepKinds.join(' | ')}, with optional at/after timing.` });

const window = {
  from: durationSchema.meta(describe('Start of the window (virtual time).')),
  to: durationSchema.meta(describe('End of the window (virtual time), after from.')),
};

const faultSchema = z
  .union(
    [
      strict({ partition: strict({ region: regionSchema, ...window }) }),
      strict({
        imdsOutage: strict({
          fleet: fleetName.optional(),
          fleets: z.array(fleetName).optional(),
          instances: z.array(instanceName).optional(),
          ...window,
        }),
      }),
      strict({ controlPlanePause: strict(window) }),
    ],
    { error: 'a fault needs exactly one of: partition, imdsOutage, controlPlanePause' },
  )
  .meta({ id: 'Fault' });

const metricCheckSchema = strict({
  name: z.string().min(1),
  metric: z.enum(metricNames, {
    error: (iss) => `unknown metric ${quoteValue(iss.input)}; expected one of ${metricNames.join(', ')}`,
  }),
  max: durationSchema.optional().meta(describe('The metric must be at most this.')),
  equals: durationSchema.optional().meta(describe('The metric must equal this.')),
});

// Invariants sit in `checks:` next to the metric checks, because both answer the same question
// ("what must hold for this runbook to pass?") and a reader finds every assertion in one list.
// Every invariant is on by default, so an entry is only needed to turn one off or to bound a
// liveness invariant; naming an invariant with no other key documents that it matters here.
const invariantCheckSchema = strict({
  invariant: z.enum(invariantNames, {
    error: (iss) =>
      `unknown invariant ${quoteValue(iss.input)}; expected one of ${invariantNames.join(', ')}`,
  }),
  enabled: z
    .boolean()
    .optional()
    .meta(describe('false turns the invariant off (default true: every invariant is checked).')),
  within: durationSchema
    .optional()
    .meta(
      describe(
        `Liveness only (${livenessInvariantNames.join(', ')}): the property must hold this long after the last change (default: the sum of the calibration's maximum delays).`,
      ),
    ),
});

const checkSchema = z
  .union([metricCheckSchema, invariantCheckSchema], {
    error: 'a check is {name, metric, max|equals} or {invariant, enabled?, within?}',
  })
  .meta({
    id: 'Check',
    description:
      'A named assertion over a per-instance metric, or a built-in invariant turned off or bounded.',
  });

const compareSchema = strict({
  targets: targetsSchema,
  to: changeTargetSchema,
  at: durationSchema.meta(describe('When the change starts.')),
  strategies: z
    .array(
      z.union(
        [
          strategyNameSchema,
          strict({
            strategy: strategyNameSchema,
            batch: batchSchema.optional(),
            label: z
              .string()
              .min(1, { error: 'a label must not be empty' })
              .max(128, { error: 'a label must be at most 128 characters' })
              .optional()
              .meta(describe('The name reports show (default: derived from the strategy and its batch).')),
          }),
        ],
        { error: 'a strategy is a name, or {strategy, batch?, label?}' },
      ),
    )
    .min(1)
    .optional()
    .meta(
      describe(
        'Names, or {strategy, batch, label} to compare a strategy with itself rolled out in batches. Default: swap-role-in-profile, replace-profile, disassociate-associate, stop-start.',
      ),
    ),
  seeds: z.int().min(1).optional().meta(describe('Runs per strategy (default 200, at most 100000).')),
});

const changeSchema = strict({
  to: changeTargetSchema.meta(
    describe('The role (or the profile whose role) the runbook moves the instances to.'),
  ),
  at: durationSchema
    .optional()
    .meta(describe("When the change starts, for the metrics (default: the runbook's first call).")),
  targets: targetsSchema
    .optional()
    .meta(
      describe(
        "The instances the change is meant for: the metrics aggregate only these (default: compare.targets, else the instances the steps' strategy and forEach steps name, else every instance).",
      ),
    ),
  label: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta(describe('Name of this runbook in comparison reports (default: runbook).')),
});

// ---------------------------------------------------------------------------------------------
// Incidents (src/scenario/incident.ts): stolen instance credentials and the time to detect them.

const incidentSchema = strict({
  name: localName('an incident name').optional().meta(describe('Shown in reports (default incident-N).')),
  fleet: fleetName.optional(),
  fleets: z.array(fleetName).optional(),
  instances: z.array(instanceName).optional(),
  at: distributionSchema.meta(describe('When the attacker first reads IMDS (a time or a distribution).')),
  via: z
    .enum(['ssrf', 'shell'])
    .optional()
    .meta(
      describe(
        'ssrf (default): a token-less GET, blocked by imds.tokens: required; shell: code on the host.',
      ),
    ),
  foothold: z
    .union([z.enum(['until-stop', 'until-replace', 'until-terminate']), durationSchema], {
      error: 'foothold is until-stop, until-replace, until-terminate or a duration',
    })
    .optional()
    .meta(describe('How long the attacker keeps re-reading IMDS (default until-replace).')),
  from: z
    .enum(['outside-aws', 'other-account', 'instance'])
    .optional()
    .meta(describe('Where the attacker calls AWS from (default outside-aws).')),
  chain: strict({ role: roleName, every: durationSchema })
    .optional()
    .meta(describe('Role chaining: sts:AssumeRole into role every interval (sessions last at most 1 h).')),
  probe: probeSchema.optional().meta(describe('The call the attacker makes with what it holds.')),
  counterMove: strict({ pollEvery: durationSchema.optional() })
    .optional()
    .meta(describe('Delete an inline deny on the stolen role while it propagates (default poll 500ms).')),
});

const detectionSchema = strict({
  cloudTrail: distributionSchema.optional().meta(describe('CloudTrail delivery (default: ~5 min average).')),
  delay: distributionSchema.optional().meta(describe('Detection, triage and paging after delivery.')),
  scpPropagation: distributionSchema.optional().meta(describe('SCP attach -> enforcement, per region.')),
}).meta(describe('Time from the first theft to the response; every part a distribution.'));

// ---------------------------------------------------------------------------------------------
// The whole file.

const calibrationOverrides = strict(
  Object.fromEntries(calibrationKeys.map((key) => [key, distributionSchema.optional()])) as Record<
    (typeof calibrationKeys)[number],
    z.ZodOptional<typeof distributionSchema>
  >,
);

export const scenarioSchema = strict({
  name: z.string().min(1).max(256).meta(describe('Scenario name, shown in reports.')),
  description: z.string().optional(),
  seed: z
    .int()
    .min(0)
    .optional()
    .meta(describe('Root seed (non-negative integer); --seed overrides; absent: the CLI draws one.')),
  horizon: durationSchema.optional().meta(describe('Virtual time the run lasts (default 8h, at most 30d).')),
  calibration: strict({
    preset: z
      .enum(['default', 'instant'])
      .optional()
      .meta(describe('default (field-report delays) or instant (all zero).')),
    overrides: calibrationOverrides
      .optional()
      .meta(describe('Per-delay distributions replacing the preset.')),
  }).optional(),
  model: strict({
    iamReads: z
      .enum(['regionView', 'readYourWrites'])
      .optional()
      .meta(
        describe(
          "regionView (default): reads see the caller region's lagging view; readYourWrites: the control plane.",
        ),
      ),
    quotas: strict({
      instanceProfiles: z
        .int()
        .min(1)
        .max(5000)
        .optional()
        .meta(describe('Instance profiles per account (default 1000).')),
      roles: z.int().min(1).max(5000).optional().meta(describe('Roles per account (default 1000).')),
    }).optional(),
    defaultRegion: regionSchema
      .optional()
      .meta(describe('Region of calls without one (default: the first region).')),
  }).optional(),
  regions: z
    .array(regionSchema)
    .min(1, { error: 'list at least one region' })
    .max(20, { error: 'at most 20 regions' })
    .meta(describe('The regions modelled, e.g. [us-east-1, eu-west-1].')),
  roles: z
    .array(
      strict({
        name: roleName,
        path: iamPath.optional(),
        allow: z.array(actionPattern).optional().meta(describe('Allowed actions, as one inline policy.')),
      }),
    )
    .optional(),
  instanceProfiles: z
    .array(
      strict({
        name: profileName,
        path: iamPath.optional(),
        role: roleName.optional(),
        tags: tagsSchema.optional(),
      }),
    )
    .optional(),
  instances: z.array(instanceSchema).optional(),
  fleets: z.array(fleetSchema).optional(),
  steps: z.array(stepSchema).optional(),
  retry: retrySchema.optional(),
  faults: z.array(faultSchema).optional(),
  checks: z.array(checkSchema).optional(),
  change: changeSchema
    .optional()
    .meta(
      describe(
        'What the metrics measure when the steps are plain calls (a strategy step names its own change).',
      ),
    ),
  compare: compareSchema.optional(),
  incidents: z.array(incidentSchema).max(16).optional(),
  detection: detectionSchema.optional(),
  dataPerimeter: strict({ roles: z.array(roleName) })
    .optional()
    .meta(describe('Roles whose instance credentials are usable only from their instance (VPC perimeter).')),
});

export type RawScenario = z.infer<typeof scenarioSchema>;
export type RawTargets = z.infer<typeof targetsSchema>;
export type RawChangeTarget = z.infer<typeof changeTargetSchema>;
export type RawSdk = z.infer<typeof sdkSchema>;
export type RawProbe = z.infer<typeof probeSchema>;
export type RawFault = z.infer<typeof faultSchema>;
export type RawIncident = z.infer<typeof incidentSchema>;
export type RawTags = z.infer<typeof tagsSchema>;

/** The JSON Schema of scenario files (draft-07, the dialect most YAML editors support best). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, { target: 'draft-7', io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    ...generated,
    title: 'iamsim scenario',
    description:
      'A scenario for iamsim: regions, roles, instance profiles, instances, steps, faults and checks.',
  };
}
