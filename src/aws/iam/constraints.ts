/**
 * Input constraints of the modelled IAM operations, copied from the shapes of the IAM API model
 * (`botocore/data/iam/2010-05-08/service-2.json`; and the IAM quotas page; README.md, "Sources"). Patterns
 * are kept both as anchored regular expressions and as the text AWS prints in ValidationErrors.
 */

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

const NAME_PATTERN = { pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' };

/** The string shapes used by the modelled operations (IAM API model names in comments). */
export const Shapes = {
  /** instanceProfileNameType */
  instanceProfileName: { minLength: 1, maxLength: 128, ...NAME_PATTERN },
  /** roleNameType */
  roleName: { minLength: 1, maxLength: 64, ...NAME_PATTERN },
  /** policyNameType */
  policyName: { minLength: 1, maxLength: 128, ...NAME_PATTERN },
  /** pathType: `/`, or starts and ends with `/` */
  path: {
    minLength: 1,
    maxLength: 512,
    pattern: /^(\u002F|\u002F[\u0021-\u007E]+\u002F)$/,
    patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
  },
  /** pathPrefixType */
  pathPrefix: {
    minLength: 1,
    maxLength: 512,
    pattern: /^\u002F[\u0021-\u007F]*$/,
    patternText: '\\u002F[\\u0021-\\u007F]*',
  },
  /** markerType */
  marker: { minLength: 1, maxLength: 320, pattern: /^[\u0020-\u00FF]+$/, patternText: '[\\u0020-\\u00FF]+' },
  /** policyDocumentType */
  policyDocument: {
    minLength: 1,
    maxLength: 131072,
    pattern: /^[\t\n\r\u0020-\u00FF]+$/,
    patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  },
  /** roleDescriptionType */
  roleDescription: {
    minLength: 0,
    maxLength: 1000,
    pattern: /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/,
    patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
  },
  /** tagKeyType */
  tagKey: {
    minLength: 1,
    maxLength: 128,
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
    patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
  },
  /** tagValueType (may be empty) */
  tagValue: {
    minLength: 0,
    maxLength: 256,
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
    patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
  },
} as const satisfies Record<string, StringShape>;

/** maxItemsType: 1–1000, default 100. */
export const MAX_ITEMS: IntegerShape = { min: 1, max: 1000 };
export const MAX_ITEMS_DEFAULT = 100;
/** roleMaxSessionDurationType, seconds. */
export const MAX_SESSION_DURATION_S: IntegerShape = { min: 3600, max: 43200 };
/** tagListType / tagKeyListType. */
export const TAGS_MAX = 50;
