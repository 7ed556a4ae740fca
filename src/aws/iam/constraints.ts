/**
 * Input constraints of the modelled IAM operations, read from the vendored IAM API model
 * (src/aws/catalogue.ts, botocore `data/iam/2010-05-08/service-2.json`; README.md, "Sources"). Patterns are kept both as anchored regular expressions and as the text
 * AWS prints in ValidationErrors.
 */
import { shapeOf } from '../catalogue.ts';

/** A string member's constraints: length bounds and the pattern as the API model prints it. */
export interface StringShape {
  readonly minLength: number;
  readonly maxLength: number;
  /** Anchored form of `patternText`, for matching. */
  readonly pattern?: RegExp;
  readonly patternText?: string;
}

export interface IntegerShape {
  readonly min: number;
  readonly max: number;
}

function stringShape(name: string): StringShape {
  const shape = shapeOf('iam', name);
  if (shape.type !== 'string') throw new Error(`IAM shape ${name} is not a string`);
  const base = { minLength: shape.min ?? 0, maxLength: shape.max ?? Number.MAX_SAFE_INTEGER };
  if (shape.pattern === undefined) return base;
  // The model's patterns are Java regular expressions; these ones read the same in JS with `u`.
  return { ...base, pattern: new RegExp(`^(?:${shape.pattern})$`, 'u'), patternText: shape.pattern };
}

function integerShape(name: string): IntegerShape {
  const shape = shapeOf('iam', name);
  return { min: shape.min ?? Number.MIN_SAFE_INTEGER, max: shape.max ?? Number.MAX_SAFE_INTEGER };
}

/** The string shapes used by the modelled operations (IAM API model names in comments). */
export const Shapes = {
  instanceProfileName: stringShape('instanceProfileNameType'),
  roleName: stringShape('roleNameType'),
  policyName: stringShape('policyNameType'),
  /** `/`, or starts and ends with `/` */
  path: stringShape('pathType'),
  pathPrefix: stringShape('pathPrefixType'),
  marker: stringShape('markerType'),
  policyDocument: stringShape('policyDocumentType'),
  roleDescription: stringShape('roleDescriptionType'),
  tagKey: stringShape('tagKeyType'),
  /** may be empty */
  tagValue: stringShape('tagValueType'),
  /** PermissionsBoundary */
  arn: stringShape('arnType'),
} as const satisfies Record<string, StringShape>;

/** maxItemsType: 1–1000, default 100. */
export const MAX_ITEMS: IntegerShape = integerShape('maxItemsType');
export const MAX_ITEMS_DEFAULT = 100;
/** roleMaxSessionDurationType, seconds. */
export const MAX_SESSION_DURATION_S: IntegerShape = integerShape('roleMaxSessionDurationType');
/** tagListType / tagKeyListType. */
export const TAGS_MAX = shapeOf('iam', 'tagListType').max ?? 50;
