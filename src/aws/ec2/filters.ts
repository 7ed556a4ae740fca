/**
 * Describe filters as EC2 applies them: each filter name maps a record to the values it has for
 * that name; a record passes a filter when one of its values matches one of the filter's values,
 * and passes the request when it passes every filter (values of one filter OR, filters AND).
 *
 * Filter values may use wildcards, as the EC2 API's Filter documentation states: "* specifies that
 * zero or more characters must match, and ? specifies that exactly one character must match. Use a
 * backslash to escape special characters" (AWS SDK for .NET, Amazon.EC2.Model.Filter). Matching is
 * case-sensitive. [DOC]
 */
import { Errors } from '../errors.ts';
import { ACCOUNT_ID, isoFromSimMs } from '../iam/types.ts';
import { LAUNCH_DEFAULTS } from './launch.ts';
import type { Filter } from './params.ts';
import {
  type AssociationRecord,
  availabilityZone,
  type InstanceRecord,
  instanceTags,
  reservationIdOf,
  shownAssociation,
} from './records.ts';
import { instanceStateCodes } from './types.ts';

type Values<R> = (record: R) => readonly string[];

const one = (v: string | undefined): readonly string[] => (v === undefined ? [] : [v]);

/**
 * DescribeInstances filters the model can answer, from the filter list of the DescribeInstances
 * API reference (the Filters member's documentation in the EC2 model). `tag:KEY` is handled apart.
 */
const instanceFilters: Readonly<Record<string, Values<InstanceRecord>>> = {
  architecture: () => ['x86_64'],
  'availability-zone': (r) => [availabilityZone(r)],
  'client-token': (r) => one(r.launch?.echo.ClientToken as string | undefined),
  'ebs-optimized': (r) => [String(r.launch?.echo.EbsOptimized ?? false)],
  hypervisor: () => ['xen'],
  'iam-instance-profile.arn': (r) => one(shownAssociation(r)?.profileArn),
  'iam-instance-profile.id': (r) => one(shownAssociation(r)?.profileId),
  'image-id': (r) => [r.launch?.imageId ?? LAUNCH_DEFAULTS.imageId],
  'instance-id': (r) => [r.id],
  'instance-state-code': (r) => [String(instanceStateCodes[r.state])],
  'instance-state-name': (r) => [r.state],
  'instance-type': (r) => [r.launch?.instanceType ?? LAUNCH_DEFAULTS.instanceType],
  'key-name': (r) => one(r.launch?.keyName),
  'launch-time': (r) => [isoFromSimMs(r.launchTimeMs)],
  'metadata-options.http-endpoint': (r) => [
    (r.launch?.metadataOptions ?? LAUNCH_DEFAULTS.metadataOptions).HttpEndpoint,
  ],
  'metadata-options.http-protocol-ipv6': (r) => [
    (r.launch?.metadataOptions ?? LAUNCH_DEFAULTS.metadataOptions).HttpProtocolIpv6,
  ],
  'metadata-options.http-put-response-hop-limit': (r) => [
    String((r.launch?.metadataOptions ?? LAUNCH_DEFAULTS.metadataOptions).HttpPutResponseHopLimit),
  ],
  'metadata-options.http-tokens': (r) => [
    (r.launch?.metadataOptions ?? LAUNCH_DEFAULTS.metadataOptions).HttpTokens,
  ],
  'metadata-options.instance-metadata-tags': (r) => [
    (r.launch?.metadataOptions ?? LAUNCH_DEFAULTS.metadataOptions).InstanceMetadataTags,
  ],
  'metadata-options.state': () => ['applied'],
  'monitoring-state': (r) => [r.launch?.monitoring === true ? 'enabled' : 'disabled'],
  'owner-id': () => [ACCOUNT_ID],
  'reservation-id': (r) => [reservationIdOf(r)],
  'root-device-name': () => ['/dev/xvda'],
  'root-device-type': () => ['ebs'],
  'subnet-id': (r) => one(r.launch?.echo.SubnetId as string | undefined),
  'tag-key': (r) => instanceTags(r).map((t) => t.Key),
  tenancy: () => ['default'],
  'virtualization-type': () => ['hvm'],
};

/** DescribeIamInstanceProfileAssociations filters: the model documents exactly these two. */
const associationFilters: Readonly<Record<string, Values<AssociationRecord>>> = {
  'instance-id': (a) => [a.instance.id],
  state: (a) => [a.state],
};

/** DescribeInstanceStatus filters the model can answer. */
export interface StatusRow {
  readonly record: InstanceRecord;
  readonly status: 'ok' | 'initializing' | 'not-applicable';
}
const statusFilters: Readonly<Record<string, Values<StatusRow>>> = {
  'availability-zone': (s) => [availabilityZone(s.record)],
  'instance-state-code': (s) => [String(instanceStateCodes[s.record.state])],
  'instance-state-name': (s) => [s.record.state],
  'instance-status.status': (s) => [s.status],
  'instance-status.reachability': (s) => [s.status === 'ok' ? 'passed' : s.status],
  'system-status.status': (s) => [s.status],
  'system-status.reachability': (s) => [s.status === 'ok' ? 'passed' : s.status],
};

/** The filter table of each Describe operation. */
export const filterTables = {
  DescribeInstances: instanceFilters,
  DescribeIamInstanceProfileAssociations: associationFilters,
  DescribeInstanceStatus: statusFilters,
} as const;

/** `*` any run, `?` one character, backslash escapes; anchored, case-sensitive. */
export function wildcardPattern(value: string): RegExp {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      out += escapeRegExp(value[++i]!);
    } else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A filter value as a test: plain equality when it has no wildcard or escape (instance and
 * association ids, the values runbooks filter by on every poll), the compiled pattern otherwise.
 * Building a regular expression per value per call was ~10% of a comparison's CPU.
 */
function wildcardMatcher(value: string): (candidate: string) => boolean {
  if (!/[*?\\]/.test(value)) return (candidate) => candidate === value;
  const pattern = wildcardPattern(value);
  return (candidate) => pattern.test(candidate);
}

export interface CompiledFilter<R> {
  readonly name: string;
  readonly values: Values<R>;
  readonly matchers: readonly ((candidate: string) => boolean)[];
}

/**
 * Compiles a request's filters against `table`. `tag:KEY` filters (when `tags` is given) read the
 * record's tag KEY. An unknown filter name is EC2's InvalidParameterValue ("The filter 'x' is
 * invalid").
 */
export function compileFilters<R>(
  filters: readonly Filter[],
  table: Readonly<Record<string, Values<R>>>,
  tags?: (record: R) => readonly { Key: string; Value: string }[],
): CompiledFilter<R>[] {
  return filters.map((f) => {
    let values: Values<R> | undefined = Object.hasOwn(table, f.name) ? table[f.name] : undefined;
    if (values === undefined && tags !== undefined && f.name.startsWith('tag:') && f.name.length > 4) {
      const key = f.name.slice(4);
      values = (r) => tags(r).flatMap((t) => (t.Key === key ? [t.Value] : []));
    }
    if (values === undefined) throw Errors.ec2InvalidFilter(f.name);
    return { name: f.name, values, matchers: f.values.map(wildcardMatcher) };
  });
}

/** Whether `record` passes every compiled filter. */
export function passesAll<R>(record: R, filters: readonly CompiledFilter<R>[]): boolean {
  for (const f of filters) {
    const have = f.values(record);
    if (!have.some((v) => f.matchers.some((matches) => matches(v)))) return false;
  }
  return true;
}

/** The instance filters with `tag:KEY` support. */
export function compileInstanceFilters(filters: readonly Filter[]): CompiledFilter<InstanceRecord>[] {
  return compileFilters(filters, instanceFilters, instanceTags);
}
