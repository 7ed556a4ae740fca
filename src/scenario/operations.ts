/**
 * The AWS operations a scenario may call, with the parameters each one takes.
 *
 * One table serves three readers: the schema (which `service:Operation` names exist), the `aws:`
 * line parser (which CLI options are lists, numbers or structures) and the loader's parameter
 * check (a misspelt parameter would otherwise be sent silently and change what the step means).
 * Parameter names and required sets follow the AWS service models
 * (`botocore/data/{iam/2010-05-08,ec2/2016-11-15}/service-2.json`, see README.md, "Sources");
 * only the parameters the simulator can give a meaning to, or that scripts commonly pass, are
 * listed.
 */

/** How a parameter is written, which decides how a CLI option value is parsed. */
export type ParamType =
  /** A plain string. */
  | 'string'
  /** A whole number. */
  | 'integer'
  /** A flag: `--dry-run` / `--no-dry-run` on the CLI. */
  | 'boolean'
  /** A list of strings: `--instance-ids i-1 i-2`. */
  | 'stringList'
  /** One structure: `--iam-instance-profile Name=web` or JSON. */
  | 'structure'
  /** A list of structures: `--tags Key=a,Value=b Key=c,Value=d` or a JSON list. */
  | 'structureList'
  /** A JSON document carried as a string (policy documents): the CLI keeps the text as it is. */
  | 'document';

export interface ParamSpec {
  readonly type: ParamType;
  readonly required?: boolean;
  /** For structures in shorthand syntax: members that are always lists (`Values=a,b`). */
  readonly listMembers?: readonly string[];
}

export interface OperationSpec {
  readonly params: Readonly<Record<string, ParamSpec>>;
}

const req = (type: ParamType): ParamSpec => ({ type, required: true });
const opt = (type: ParamType): ParamSpec => ({ type });
const filters: ParamSpec = { type: 'structureList', listMembers: ['Values'] };
const tags: ParamSpec = { type: 'structureList' };
const paging = { Marker: opt('string'), MaxItems: opt('integer') } as const;
const ec2Paging = { MaxResults: opt('integer'), NextToken: opt('string') } as const;

const iamOperations = {
  CreateInstanceProfile: { params: { InstanceProfileName: req('string'), Path: opt('string'), Tags: tags } },
  GetInstanceProfile: { params: { InstanceProfileName: req('string') } },
  ListInstanceProfiles: { params: { PathPrefix: opt('string'), ...paging } },
  ListInstanceProfilesForRole: { params: { RoleName: req('string'), ...paging } },
  DeleteInstanceProfile: { params: { InstanceProfileName: req('string') } },
  AddRoleToInstanceProfile: { params: { InstanceProfileName: req('string'), RoleName: req('string') } },
  RemoveRoleFromInstanceProfile: { params: { InstanceProfileName: req('string'), RoleName: req('string') } },
  TagInstanceProfile: { params: { InstanceProfileName: req('string'), Tags: { ...tags, required: true } } },
  UntagInstanceProfile: { params: { InstanceProfileName: req('string'), TagKeys: req('stringList') } },
  ListInstanceProfileTags: { params: { InstanceProfileName: req('string'), ...paging } },
  CreateRole: {
    params: {
      RoleName: req('string'),
      AssumeRolePolicyDocument: req('document'),
      Path: opt('string'),
      Description: opt('string'),
      MaxSessionDuration: opt('integer'),
      PermissionsBoundary: opt('string'),
      Tags: tags,
    },
  },
  GetRole: { params: { RoleName: req('string') } },
  DeleteRole: { params: { RoleName: req('string') } },
  PutRolePolicy: {
    params: { RoleName: req('string'), PolicyName: req('string'), PolicyDocument: req('document') },
  },
  GetRolePolicy: { params: { RoleName: req('string'), PolicyName: req('string') } },
  DeleteRolePolicy: { params: { RoleName: req('string'), PolicyName: req('string') } },
  ListRolePolicies: { params: { RoleName: req('string'), ...paging } },
} as const satisfies Record<string, OperationSpec>;

const instanceIdsOp = { params: { InstanceIds: req('stringList'), DryRun: opt('boolean') } };

const ec2Operations = {
  RunInstances: {
    params: {
      MinCount: req('integer'),
      MaxCount: req('integer'),
      ImageId: opt('string'),
      InstanceType: opt('string'),
      KeyName: opt('string'),
      SubnetId: opt('string'),
      SecurityGroupIds: opt('stringList'),
      UserData: opt('string'),
      IamInstanceProfile: opt('structure'),
      TagSpecifications: opt('structureList'),
      DryRun: opt('boolean'),
    },
  },
  DescribeInstances: {
    params: { InstanceIds: opt('stringList'), Filters: filters, ...ec2Paging, DryRun: opt('boolean') },
  },
  StopInstances: {
    params: {
      InstanceIds: req('stringList'),
      Force: opt('boolean'),
      Hibernate: opt('boolean'),
      DryRun: opt('boolean'),
    },
  },
  StartInstances: instanceIdsOp,
  RebootInstances: instanceIdsOp,
  TerminateInstances: instanceIdsOp,
  AssociateIamInstanceProfile: {
    params: { IamInstanceProfile: req('structure'), InstanceId: req('string') },
  },
  DescribeIamInstanceProfileAssociations: {
    params: { AssociationIds: opt('stringList'), Filters: filters, ...ec2Paging },
  },
  ReplaceIamInstanceProfileAssociation: {
    params: { IamInstanceProfile: req('structure'), AssociationId: req('string') },
  },
  DisassociateIamInstanceProfile: { params: { AssociationId: req('string') } },
} as const satisfies Record<string, OperationSpec>;

/** Every operation a scenario step may call, by service. */
export const operations = { iam: iamOperations, ec2: ec2Operations } as const;

export type ServiceName = keyof typeof operations;
export type IamOperation = keyof typeof iamOperations;
export type Ec2Operation = keyof typeof ec2Operations;
export type OperationName = IamOperation | Ec2Operation;

export const serviceNames = Object.keys(operations) as ServiceName[];

/** `iam:CreateInstanceProfile`, ... in table order: the values a step's `call` may take. */
export const callNames: readonly string[] = serviceNames.flatMap((service) =>
  Object.keys(operations[service]).map((op) => `${service}:${op}`),
);

/** The spec of `service:operation`, or undefined when the pair is not modelled. */
export function operationSpec(service: string, operation: string): OperationSpec | undefined {
  if (!Object.hasOwn(operations, service)) return undefined;
  const table: Readonly<Record<string, OperationSpec>> = operations[service as ServiceName];
  return Object.hasOwn(table, operation) ? table[operation] : undefined;
}

/** Splits `iam:CreateInstanceProfile` into its parts (undefined when it is not a known operation). */
export function splitCallName(call: string): { service: ServiceName; operation: string } | undefined {
  const colon = call.indexOf(':');
  if (colon < 0) return undefined;
  const service = call.slice(0, colon);
  const operation = call.slice(colon + 1);
  return operationSpec(service, operation) ? { service: service as ServiceName, operation } : undefined;
}
