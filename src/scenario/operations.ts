/**
 * The AWS operations a scenario may call, with the parameters each one takes, as the AWS CLI and
 * the loader need them: derived from the operation catalogue (src/aws/catalogue.ts, the vendored
 * botocore service models), which the services read too, so `validate` and `run` agree on every
 * member by construction.
 *
 * Three readers: the schema (which `service:Operation` names exist), the `aws:` line parser
 * (which CLI options are lists, numbers or structures) and the loader's parameter check.
 */
import {
  inputShape,
  models,
  operationNames,
  type ServiceName,
  type Shape,
  serviceNames,
  shapeOf,
} from '../aws/catalogue.ts';

export { type ServiceName, serviceNames };

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
  /** The member's shape in the service model. */
  readonly shape: string;
}

export interface OperationSpec {
  readonly params: Readonly<Record<string, ParamSpec>>;
}

/** IAM's policy document shapes: JSON text that a scenario may write as a YAML mapping. */
const DOCUMENT_SHAPES = new Set(['policyDocumentType']);

function listMembersOf(service: ServiceName, shape: Shape): string[] {
  return Object.entries(shape.members ?? {})
    .filter(([, ref]) => shapeOf(service, ref.shape).type === 'list')
    .map(([name]) => name);
}

function paramSpec(service: ServiceName, shapeName: string, required: boolean): ParamSpec {
  const shape = shapeOf(service, shapeName);
  const base = { shape: shapeName, ...(required ? { required: true } : {}) };
  switch (shape.type) {
    case 'boolean':
      return { type: 'boolean', ...base };
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return { type: 'integer', ...base };
    case 'structure':
    case 'map':
      return { type: 'structure', listMembers: listMembersOf(service, shape), ...base };
    case 'list': {
      const member = shapeOf(service, shape.member!.shape);
      if (member.type === 'structure')
        return { type: 'structureList', listMembers: listMembersOf(service, member), ...base };
      return { type: 'stringList', ...base };
    }
    default:
      return { type: DOCUMENT_SHAPES.has(shapeName) ? 'document' : 'string', ...base };
  }
}

function operationSpecOf(service: ServiceName, operation: string): OperationSpec {
  const shape = inputShape(service, operation);
  const required = new Set(shape.required ?? []);
  const params = Object.fromEntries(
    Object.entries(shape.members ?? {}).map(([name, ref]) => [
      name,
      paramSpec(service, ref.shape, required.has(name)),
    ]),
  );
  return { params };
}

/** Every operation a scenario step may call, by service. */
export const operations: Readonly<Record<ServiceName, Readonly<Record<string, OperationSpec>>>> =
  Object.fromEntries(
    serviceNames.map((service) => [
      service,
      Object.fromEntries(operationNames(service).map((op) => [op, operationSpecOf(service, op)])),
    ]),
  ) as Record<ServiceName, Record<string, OperationSpec>>;

/** `iam:CreateInstanceProfile`, ... in model order: the values a step's `call` may take. */
export const callNames: readonly string[] = serviceNames.flatMap((service) =>
  operationNames(service).map((op) => `${service}:${op}`),
);

/** The spec of `service:operation`, or undefined when the pair is not modelled. */
export function operationSpec(service: string, operation: string): OperationSpec | undefined {
  if (!Object.hasOwn(models, service)) return undefined;
  const table = operations[service as ServiceName];
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
