/**
 * Regenerates the vendored AWS service models (iam.json, ec2.json, sts.json next to this file) from
 * the botocore package installed on this machine:
 *
 *   npx tsx src/aws/models/generate.ts            # python3 -c "import botocore" must work
 *
 * Only the operations the simulator implements are kept, with their input and output shapes
 * (documentation stripped) and the waiters the `aws … wait` lines use, so the files stay small and
 * reviewable. The botocore version and the source file paths are written into each file. Adding an
 * operation: add it to SUPPORTED below, implement it in the service, and regenerate.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const SUPPORTED = {
  iam: {
    apiVersion: '2010-05-08',
    operations: [
      'CreateInstanceProfile',
      'GetInstanceProfile',
      'ListInstanceProfiles',
      'ListInstanceProfilesForRole',
      'DeleteInstanceProfile',
      'AddRoleToInstanceProfile',
      'RemoveRoleFromInstanceProfile',
      'TagInstanceProfile',
      'UntagInstanceProfile',
      'ListInstanceProfileTags',
      'CreateRole',
      'GetRole',
      'DeleteRole',
      'PutRolePolicy',
      'GetRolePolicy',
      'DeleteRolePolicy',
      'ListRolePolicies',
    ],
    waiters: ['InstanceProfileExists', 'RoleExists'],
  },
  ec2: {
    apiVersion: '2016-11-15',
    operations: [
      'RunInstances',
      'DescribeInstances',
      'DescribeInstanceStatus',
      'StopInstances',
      'StartInstances',
      'RebootInstances',
      'TerminateInstances',
      'AssociateIamInstanceProfile',
      'DescribeIamInstanceProfileAssociations',
      'ReplaceIamInstanceProfileAssociation',
      'DisassociateIamInstanceProfile',
    ],
    waiters: ['InstanceRunning', 'InstanceStopped', 'InstanceTerminated', 'InstanceStatusOk'],
  },
  // Only `iamsim serve` answers STS (the SDKs' identity check); scenarios cannot call it.
  sts: { apiVersion: '2011-06-15', operations: ['GetCallerIdentity'], waiters: [] },
} as const;

/**
 * Shape fields kept: what a validator or a response builder needs, and the wire names and list
 * layout (`flattened`) with which `iamsim serve` reads query requests and writes XML.
 */
const KEPT = [
  'type',
  'required',
  'members',
  'member',
  'key',
  'value',
  'enum',
  'min',
  'max',
  'pattern',
  'flattened',
];
const MEMBER_KEPT = ['shape', 'locationName', 'queryName', 'flattened'];

type Json = Record<string, unknown>;

function readJson(path: string): Json {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as Json;
  return JSON.parse(gunzipSync(readFileSync(`${path}.gz`)).toString('utf8')) as Json;
}

function botocore(): { dir: string; version: string } {
  const out = execFileSync(
    'python3',
    ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__));print(botocore.__version__)'],
    { encoding: 'utf8' },
  ).trim();
  const [dir, version] = out.split('\n');
  return { dir: dir!, version: version! };
}

function pick(obj: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]]));
}

function trimShape(shape: Json): Json {
  const out = pick(shape, KEPT);
  if (out.members !== undefined) {
    out.members = Object.fromEntries(
      Object.entries(out.members as Record<string, Json>).map(([k, m]) => [k, pick(m, MEMBER_KEPT)]),
    );
  }
  for (const k of ['member', 'key', 'value']) {
    if (out[k] !== undefined) out[k] = pick(out[k] as Json, MEMBER_KEPT);
  }
  return out;
}

function generate(service: keyof typeof SUPPORTED): void {
  const { dir, version } = botocore();
  const spec = SUPPORTED[service];
  const base = join(dir, 'data', service, spec.apiVersion);
  const model = readJson(join(base, 'service-2.json'));
  // botocore ships some data files gzipped (readJson reads either).
  const has = (file: string) => existsSync(join(base, file)) || existsSync(join(base, `${file}.gz`));
  const optional = (file: string, key: string): Record<string, Json> =>
    has(file) ? ((readJson(join(base, file))[key] ?? {}) as Record<string, Json>) : {};
  const waiters = optional('waiters-2.json', 'waiters');
  const paginators = optional('paginators-1.json', 'pagination');
  const allShapes = model.shapes as Record<string, Json>;
  const allOps = model.operations as Record<string, Json>;
  const shapes: Record<string, Json> = {};
  const visit = (name: string): void => {
    if (shapes[name] !== undefined) return;
    const shape = allShapes[name];
    if (shape === undefined) throw new Error(`${service}: shape ${name} missing`);
    const trimmed = trimShape(shape);
    shapes[name] = trimmed;
    for (const m of Object.values((trimmed.members ?? {}) as Record<string, Json>)) visit(m.shape as string);
    for (const k of ['member', 'key', 'value']) {
      const ref = trimmed[k] as Json | undefined;
      if (ref !== undefined) visit(ref.shape as string);
    }
  };
  const operations: Record<string, Json> = {};
  for (const name of spec.operations) {
    const op = allOps[name];
    if (op === undefined) throw new Error(`${service}: operation ${name} missing`);
    const input = (op.input as Json | undefined)?.shape as string | undefined;
    const output = (op.output as Json | undefined)?.shape as string | undefined;
    // The query protocol wraps a response's members in <OpResult> (IAM, STS).
    const resultWrapper = (op.output as Json | undefined)?.resultWrapper as string | undefined;
    if (input !== undefined) visit(input);
    if (output !== undefined) visit(output);
    operations[name] = {
      ...(input === undefined ? {} : { input }),
      ...(output === undefined ? {} : { output }),
      ...(resultWrapper === undefined ? {} : { resultWrapper }),
    };
  }
  const sortedShapes = Object.fromEntries(
    Object.keys(shapes)
      .sort()
      .map((k) => [k, shapes[k]]),
  );
  const file = {
    source: {
      package: 'botocore',
      version,
      files: ['service-2.json', 'waiters-2.json', 'paginators-1.json']
        .filter(has)
        .map((f) => `botocore/data/${service}/${spec.apiVersion}/${f}`),
      regenerate: 'npx tsx src/aws/models/generate.ts',
    },
    metadata: pick(model.metadata as Json, ['apiVersion', 'protocol', 'serviceId', 'xmlNamespace']),
    operations,
    waiters: Object.fromEntries(spec.waiters.map((w) => [w, waiters[w]])),
    paginators: Object.fromEntries(
      spec.operations.filter((op) => paginators[op] !== undefined).map((op) => [op, paginators[op]]),
    ),
    shapes: sortedShapes,
  };
  writeFileSync(join(import.meta.dirname, `${service}.json`), `${JSON.stringify(file, null, 1)}\n`);
  console.log(
    `${service}.json: ${spec.operations.length} operations, ${Object.keys(shapes).length} shapes (botocore ${version})`,
  );
}

generate('iam');
generate('ec2');
generate('sts');
// The repository's formatter owns the layout, so a regeneration diffs only where the model changed.
execFileSync(
  'npx',
  [
    'biome',
    'format',
    '--write',
    join(import.meta.dirname, 'iam.json'),
    join(import.meta.dirname, 'ec2.json'),
    join(import.meta.dirname, 'sts.json'),
  ],
  {
    stdio: 'inherit',
  },
);
