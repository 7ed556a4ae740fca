/**
 * Request validation for the IAM operations, following the shapes of the IAM API model
 * (`botocore/data/iam/2010-05-08/service-2.json`, see README.md, "Sources").
 *
 * Real IAM answers a malformed request before it looks at any state, and it reports every
 * constraint violation of the request at once ("2 validation errors detected: …; …"). A
 * `ParamReader` therefore never throws while reading: each accessor records what is wrong and
 * returns a placeholder, and `finish()` throws one error for the whole request. The accessors are
 * total over `unknown`, so a number where a string belongs is a ValidationError, never a TypeError.
 */
import { isRecord } from '../../is-record.ts';
import { type AwsError, Errors } from '../errors.ts';
import { hasReservedTagPrefix } from '../tags.ts';
import {
  type IntegerShape,
  MAX_ITEMS,
  MAX_ITEMS_DEFAULT,
  Shapes,
  type StringShape,
  TAGS_MAX,
} from './constraints.ts';
import type { Tag } from './types.ts';

/** AWS names a member in messages by its lower-camel-case name: `InstanceProfileName` -> `instanceProfileName`. */
export function memberField(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

/** Renders any value for a message without ever throwing (cyclic objects, BigInt, null prototypes). */
export function renderValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function violation(value: unknown, field: string, constraint: string): string {
  return `Value '${renderValue(value)}' at '${field}' failed to satisfy constraint: Member ${constraint}`;
}

/** The violations of one string against its shape (empty when it conforms). */
export function checkString(value: string, field: string, shape: StringShape): string[] {
  const out: string[] = [];
  if (value.length < shape.minLength) {
    out.push(violation(value, field, `must have length greater than or equal to ${shape.minLength}`));
  }
  if (value.length > shape.maxLength) {
    out.push(violation(value, field, `must have length less than or equal to ${shape.maxLength}`));
  }
  if (shape.pattern !== undefined && !shape.pattern.test(value)) {
    out.push(violation(value, field, `must satisfy regular expression pattern: ${shape.patternText}`));
  }
  return out;
}

/** Own keys whose value is not undefined (an explicit `undefined` means "not given", as in the SDKs). */
function presentKeys(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).filter((k) => obj[k] !== undefined);
}

/**
 * Reads one request's parameters against the operation's members. Construct with `ParamReader.of`.
 * Accessors record problems and return placeholders; call `finish()` before using any value.
 */
export class ParamReader {
  private readonly missing: string[] = [];
  private readonly issues: string[] = [];
  private readonly unknown: AwsError[] = [];
  private duplicateTags = false;
  private reservedTag = false;

  private constructor(private readonly params: Record<string, unknown>) {}

  /** `params` may be undefined (no parameters); anything but a plain object is a ValidationError. */
  static of(params: unknown, members: readonly string[]): ParamReader {
    if (params === undefined || params === null) return new ParamReader({});
    if (!isRecord(params)) {
      throw Errors.validations([violation(params, 'request', 'must be a structure of named parameters')]);
    }
    const reader = new ParamReader(params);
    for (const key of presentKeys(params)) {
      if (!members.includes(key)) reader.unknown.push(Errors.unknownParameter(key, members));
    }
    return reader;
  }

  private get(member: string): unknown {
    return Object.hasOwn(this.params, member) ? this.params[member] : undefined;
  }

  private readString(member: string, shape: StringShape, required: boolean): string | undefined {
    const value = this.get(member);
    const field = memberField(member);
    if (value === undefined || value === null) {
      if (required) this.missing.push(member);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.issues.push(violation(value, field, 'must be of type string'));
      return undefined;
    }
    this.issues.push(...checkString(value, field, shape));
    return value;
  }

  /** A required string member; MissingParameter when absent. */
  requiredString(member: string, shape: StringShape): string {
    return this.readString(member, shape, true) ?? '';
  }

  optionalString(member: string, shape: StringShape): string | undefined {
    return this.readString(member, shape, false);
  }

  optionalInteger(member: string, shape: IntegerShape): number | undefined {
    const value = this.get(member);
    if (value === undefined || value === null) return undefined;
    const field = memberField(member);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.issues.push(violation(value, field, 'must be of type integer'));
      return undefined;
    }
    if (value < shape.min)
      this.issues.push(violation(value, field, `must have value greater than or equal to ${shape.min}`));
    if (value > shape.max)
      this.issues.push(violation(value, field, `must have value less than or equal to ${shape.max}`));
    return value;
  }

  private readList(member: string, required: boolean): unknown[] | undefined {
    const value = this.get(member);
    if (value === undefined || value === null) {
      if (required) this.missing.push(member);
      return undefined;
    }
    const field = memberField(member);
    if (!Array.isArray(value)) {
      this.issues.push(violation(value, field, 'must be of type list'));
      return undefined;
    }
    if (value.length > TAGS_MAX) {
      this.issues.push(violation(value, field, `must have length less than or equal to ${TAGS_MAX}`));
    }
    return value;
  }

  /**
   * A tag list (tagListType): at most 50 tags, each key and value checked; duplicate keys, compared
   * case-insensitively, make the request InvalidInput. Key and Value are both required by the
   * model's Tag shape (an empty Value is allowed).
   */
  tags(member: string, required: boolean): Tag[] | undefined {
    const list = this.readList(member, required);
    if (list === undefined) return undefined;
    const field = memberField(member);
    const tags: Tag[] = [];
    list.forEach((item, i) => {
      const at = `${field}.${i + 1}.member`;
      if (!isRecord(item)) {
        this.issues.push(violation(item, at, 'must be a structure with Key and Value'));
        return;
      }
      for (const key of presentKeys(item)) {
        if (key !== 'Key' && key !== 'Value') {
          this.unknown.push(Errors.unknownParameter(key, ['Key', 'Value'], `${member}[${i}]`));
        }
      }
      const key = item.Key;
      // Value is required in the model (Tag: required [Key, Value]); an empty string is a value.
      const value = item.Value;
      let ok = true;
      if (key === undefined || key === null) {
        this.issues.push(`Value null at '${at}.key' failed to satisfy constraint: Member must not be null`);
        ok = false;
      } else if (typeof key !== 'string') {
        this.issues.push(violation(key, `${at}.key`, 'must be of type string'));
        ok = false;
      } else {
        const problems = checkString(key, `${at}.key`, Shapes.tagKey);
        this.issues.push(...problems);
        ok &&= problems.length === 0;
      }
      if (value === undefined || value === null) {
        this.issues.push(`Value null at '${at}.value' failed to satisfy constraint: Member must not be null`);
        ok = false;
      } else if (typeof value !== 'string') {
        this.issues.push(violation(value, `${at}.value`, 'must be of type string'));
        ok = false;
      } else {
        const problems = checkString(value, `${at}.value`, Shapes.tagValue);
        this.issues.push(...problems);
        ok &&= problems.length === 0;
      }
      if (ok) tags.push({ Key: key as string, Value: value as string });
    });
    const lower = new Set(tags.map((t) => t.Key.toLowerCase()));
    if (lower.size < tags.length) this.duplicateTags = true;
    // IAM reserves the aws: prefix in tag keys and values (aws/tags.ts).
    if (tags.some((t) => hasReservedTagPrefix(t.Key) || hasReservedTagPrefix(t.Value)))
      this.reservedTag = true;
    return tags;
  }

  /** A list of tag keys (tagKeyListType), at most 50. */
  tagKeys(member: string, required: boolean): string[] | undefined {
    const list = this.readList(member, required);
    if (list === undefined) return undefined;
    const field = memberField(member);
    const keys: string[] = [];
    list.forEach((item, i) => {
      const at = `${field}.${i + 1}.member`;
      if (typeof item !== 'string') {
        this.issues.push(violation(item, at, 'must be of type string'));
        return;
      }
      const problems = checkString(item, at, Shapes.tagKey);
      this.issues.push(...problems);
      if (problems.length === 0) keys.push(item);
    });
    return keys;
  }

  /** Marker and MaxItems of a List operation (MaxItems defaults to 100). */
  page(): { marker: string | undefined; maxItems: number } {
    const marker = this.optionalString('Marker', Shapes.marker);
    const maxItems = this.optionalInteger('MaxItems', MAX_ITEMS) ?? MAX_ITEMS_DEFAULT;
    return { marker, maxItems };
  }

  /**
   * Throws the request's first problem class, in the order a caller meets them: an unknown
   * parameter (SDKs reject it before sending), a missing required parameter, constraint
   * violations (all of them, in one ValidationError), duplicate tag keys (InvalidInput).
   */
  finish(): void {
    if (this.unknown.length > 0) throw this.unknown[0]!;
    if (this.missing.length > 0) throw Errors.missingParameter(this.missing[0]!);
    if (this.issues.length > 0) throw Errors.validations(this.issues);
    if (this.duplicateTags) throw Errors.duplicateTagKeys();
    if (this.reservedTag) throw Errors.iamReservedTag();
  }
}
