/**
 * Reading EC2 request parameters from untrusted input (scenario YAML, property tests).
 *
 * Every problem becomes an AwsError in EC2's wording (MissingParameter, InvalidParameterValue,
 * UnknownParameter, InvalidParameterCombination), never a raw JS error, so a runbook step that
 * expects an error code can match it. Readers only read; they never change service state.
 */
import { isRecord } from '../../is-record.ts';
import { checkStructure, frontEndOptions, inputShape, showValue as show } from '../catalogue.ts';
import { Errors } from '../errors.ts';

export type Params = Readonly<Record<string, unknown>>;

/** A profile reference as EC2 takes it: exactly one of Name or Arn. */
export type ProfileRef =
  | { readonly kind: 'name'; readonly value: string }
  | { readonly kind: 'arn'; readonly value: string };

export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

export function optionalString(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw Errors.ec2InvalidParameter(
      `Value (${show(v)}) for parameter ${name} is invalid. Expected a string.`,
    );
  return v;
}

export function requiredString(p: Params, name: string): string {
  const v = optionalString(p, name);
  if (v === undefined || v === '') throw Errors.ec2MissingParameter(name);
  return v;
}

export function optionalInteger(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  // The query protocol carries numbers as text; accept "5" as the CLI would send it.
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw Errors.ec2InvalidParameter(
      `Value (${show(v)}) for parameter ${name} is invalid. Expected an integer.`,
    );
  }
  return n;
}

export function requiredInteger(p: Params, name: string): number {
  const v = optionalInteger(p, name);
  if (v === undefined) throw Errors.ec2MissingParameter(name);
  return v;
}

export function optionalBoolean(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw Errors.ec2InvalidParameter(
    `Value (${show(v)}) for parameter ${name} is invalid. Expected a boolean.`,
  );
}

/**
 * The request of `operation`, checked against its input shape in the service model (every member
 * at any depth is known, of its type and within its enum); the first problem becomes EC2's error.
 * The same check runs in the scenario loader, so a request `validate` accepts is accepted here.
 * `shapeChecked` (a request the simulator built in the shape; CallRequest.shapeChecked) skips the
 * structural check, which cannot fail for it.
 */
export function readRequest(operation: string, params: unknown, shapeChecked = false): Params {
  if (params === undefined || params === null) return {};
  if (!isRecord(params))
    throw Errors.ec2InvalidParameter(`The request parameters must be an object, got ${show(params)}`);
  if (shapeChecked) return params;
  const problems = checkStructure('ec2', inputShape('ec2', operation), params, frontEndOptions('ec2'));
  const first = problems[0];
  if (first !== undefined) {
    throw first.kind === 'unknown'
      ? Errors.ec2UnknownParameter(first.path)
      : Errors.ec2InvalidParameter(first.message);
  }
  return params;
}

/** A list of non-empty strings, or undefined when absent. */
export function optionalStringList(p: Params, name: string): string[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v))
    throw Errors.ec2InvalidParameter(`Value (${show(v)}) for parameter ${name} is invalid. Expected a list.`);
  return v.map((item, i) => {
    if (typeof item !== 'string' || item === '') {
      throw Errors.ec2InvalidParameter(
        `Value (${show(item)}) for parameter ${name}.${i + 1} is invalid. Expected a non-empty string.`,
      );
    }
    return item;
  });
}

export function requiredStringList(p: Params, name: string): string[] {
  const v = optionalStringList(p, name);
  if (v === undefined || v.length === 0) throw Errors.ec2MissingParameter(name);
  return v;
}

/**
 * `IamInstanceProfile: { Name } | { Arn }`. AWS rejects both together with
 * InvalidParameterCombination (aws/aws-cli#8058, aws/aws-sdk-java#647).
 */
export function optionalProfileRef(p: Params, name: string): ProfileRef | undefined {
  // readRequest checked the shape: a structure of Name and Arn strings, nothing else.
  const inner = p[name] as Params | undefined | null;
  if (inner === undefined || inner === null) return undefined;
  const profileName = optionalString(inner, 'Name');
  const arn = optionalString(inner, 'Arn');
  if (profileName !== undefined && arn !== undefined) throw Errors.profileNameWithArn();
  if (arn !== undefined && arn !== '') return { kind: 'arn', value: arn };
  if (profileName !== undefined && profileName !== '') return { kind: 'name', value: profileName };
  throw Errors.ec2MissingParameter(`${name}.Name or ${name}.Arn`);
}

export function requiredProfileRef(p: Params, name: string): ProfileRef {
  const ref = optionalProfileRef(p, name);
  if (ref === undefined) throw Errors.ec2MissingParameter(name);
  return ref;
}

/**
 * `Filters: [{ Name, Values: [..] }]`, as readRequest checked its shape (a list of Filter
 * structures); the names are checked by filters.ts against the operation's table.
 */
export function readFilters(p: Params): Filter[] {
  const v = p.Filters as readonly Params[] | undefined | null;
  if (v === undefined || v === null) return [];
  return v.map((f) => ({ name: requiredString(f, 'Name'), values: optionalStringList(f, 'Values') ?? [] }));
}

/** MaxResults within [min, max] as EC2 validates it (InvalidParameterValue otherwise). */
export function readMaxResults(p: Params, min: number, max: number): number | undefined {
  const v = optionalInteger(p, 'MaxResults');
  if (v === undefined) return undefined;
  if (v < min || v > max) {
    throw Errors.ec2InvalidParameter(
      `Value ( ${v} ) for parameter maxResults is invalid. Parameter must be between ${min} and ${max}.`,
    );
  }
  return v;
}
