/**
 * Writes shapes.json: the part of AWS's own service models (botocore's service-2.json for IAM,
 * EC2 and STS) that the server needs to read query-protocol requests and write XML responses for
 * the operations iamsim models. Wire names (`InstanceId.1`, `iamInstanceProfileAssociationSet`,
 * `Tags.member.1.Key`) come from the model, never from memory.
 *
 * EC2's shapes are huge (an Instance has ~80 members), so structures keep only the members the
 * modelled operations accept or return (the lists below); IAM's and STS's are kept whole.
 *
 *   node --import tsx src/serve/protocol/generate-shapes.ts "$(python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))')/data"
 *   npx biome format --write src/serve/protocol/shapes.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RUN_INSTANCES_MEMBERS } from '../../aws/ec2/ec2.ts';
import { iamOperationNames } from '../../aws/iam/iam.ts';

interface BotoMember {
  shape: string;
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
}
interface BotoShape {
  type: string;
  members?: Record<string, BotoMember>;
  member?: BotoMember;
  flattened?: boolean;
  error?: { code?: string; httpStatusCode?: number };
}
interface BotoModel {
  metadata: { apiVersion: string; protocol: string; xmlNamespace?: string };
  operations: Record<
    string,
    { input?: { shape: string }; output?: { shape: string; resultWrapper?: string } }
  >;
  shapes: Record<string, BotoShape>;
}

const EC2_OPERATIONS = [
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
];

/** EC2 members the model reads or writes (src/aws/ec2/ec2.ts, records.ts). */
const EC2_MEMBERS = new Set([
  // requests (RunInstances: the model's own list)
  ...RUN_INSTANCES_MEMBERS,
  'ResourceType',
  'ClientToken',
  'InstanceIds',
  'Filters',
  'Values',
  'MaxResults',
  'NextToken',
  'Force',
  'Hibernate',
  'AdditionalInfo',
  'InstanceId',
  'AssociationIds',
  'AssociationId',
  // responses
  'ReservationId',
  'OwnerId',
  'Groups',
  'GroupId',
  'GroupName',
  'Instances',
  'State',
  'Code',
  'Name',
  'LaunchTime',
  'Placement',
  'AvailabilityZone',
  'Arn',
  'Id',
  'Tags',
  'Key',
  'Value',
  'Reservations',
  'StoppingInstances',
  'StartingInstances',
  'TerminatingInstances',
  'CurrentState',
  'PreviousState',
  'IamInstanceProfileAssociation',
  'IamInstanceProfileAssociations',
  'Timestamp',
  // Instance members real EC2 always returns (records.ts instanceShape), and MetadataOptions.
  'AmiLaunchIndex',
  'Architecture',
  'EbsOptimized',
  'Hypervisor',
  'Monitoring',
  'ProductCodes',
  'RootDeviceName',
  'RootDeviceType',
  'SecurityGroups',
  'StateTransitionReason',
  'Tenancy',
  'VirtualizationType',
  'ImageId',
  'InstanceType',
  'KeyName',
  'MetadataOptions',
  'HttpTokens',
  'HttpPutResponseHopLimit',
  'HttpEndpoint',
  'HttpProtocolIpv6',
  'InstanceMetadataTags',
  // DescribeInstanceStatus (records.ts instanceStatusShape).
  'IncludeAllInstances',
  'InstanceStatuses',
  'InstanceState',
  'InstanceStatus',
  'SystemStatus',
  'Status',
  'Details',
]);

function load(dataDir: string, service: string, version: string): BotoModel {
  const path = join(dataDir, service, version, 'service-2.json.gz');
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as BotoModel;
}

function extract(model: BotoModel, operations: readonly string[], keep: (member: string) => boolean) {
  const shapes: Record<string, unknown> = {};
  const visit = (name: string): void => {
    if (name in shapes) return;
    const s = model.shapes[name];
    if (s === undefined) throw new Error(`shape ${name} missing`);
    const out: Record<string, unknown> = { type: s.type };
    shapes[name] = out;
    if (s.members !== undefined) {
      const members: Record<string, unknown> = {};
      for (const [m, def] of Object.entries(s.members)) {
        if (!keep(m)) continue;
        members[m] = {
          shape: def.shape,
          ...(def.locationName !== undefined ? { locationName: def.locationName } : {}),
          ...(def.queryName !== undefined ? { queryName: def.queryName } : {}),
          ...(def.flattened ? { flattened: true } : {}),
        };
        visit(def.shape);
      }
      out.members = members;
    }
    if (s.member !== undefined) {
      out.member = {
        shape: s.member.shape,
        ...(s.member.locationName !== undefined ? { locationName: s.member.locationName } : {}),
      };
      visit(s.member.shape);
    }
    if (s.flattened) out.flattened = true;
  };
  const ops: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const op of operations) {
    const def = model.operations[op];
    if (def === undefined) throw new Error(`operation ${op} missing`);
    if (def.input !== undefined) visit(def.input.shape);
    if (def.output !== undefined) visit(def.output.shape);
    ops[op] = {
      ...(def.input !== undefined ? { input: def.input.shape } : {}),
      ...(def.output !== undefined ? { output: def.output.shape } : {}),
      ...(def.output?.resultWrapper !== undefined ? { resultWrapper: def.output.resultWrapper } : {}),
    };
  }
  for (const [name, s] of Object.entries(model.shapes)) {
    if (s.error?.code !== undefined) errors[s.error.code] = name;
  }
  return {
    protocol: model.metadata.protocol,
    apiVersion: model.metadata.apiVersion,
    xmlNamespace: model.metadata.xmlNamespace,
    operations: ops,
    shapes,
  };
}

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: generate-shapes.ts BOTOCORE_DATA_DIR');
const out = {
  source:
    'botocore service-2.json (IAM 2010-05-08, EC2 2016-11-15, STS 2011-06-15), pruned; see generate-shapes.ts',
  services: {
    iam: extract(load(dataDir, 'iam', '2010-05-08'), iamOperationNames, () => true),
    ec2: extract(load(dataDir, 'ec2', '2016-11-15'), EC2_OPERATIONS, (m) => EC2_MEMBERS.has(m)),
    sts: extract(load(dataDir, 'sts', '2011-06-15'), ['GetCallerIdentity'], () => true),
  },
};
writeFileSync(new URL('./shapes.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
