/** Marker/MaxItems pagination of the List operations: sorted, every item exactly once, opaque markers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowPolicyDocument } from '../../../src/aws/iam/policy.ts';
import { propertyOptions } from '../../helpers/fc.ts';
import { createRole, type IamWorld, type Json, makeIam } from './helpers.ts';

/** Lists everything by following markers; `between` runs after each page (to mutate mid-listing). */
function listAll(
  w: IamWorld,
  operation: string,
  params: Record<string, unknown>,
  resultKey: string,
  maxItems: number,
  between: (page: number) => void = () => {},
): Json[] {
  const items: Json[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const response = w.call(operation, {
      ...params,
      MaxItems: maxItems,
      ...(marker === undefined ? {} : { Marker: marker }),
    });
    expect(response[resultKey].length).toBeLessThanOrEqual(maxItems);
    items.push(...response[resultKey]);
    if (!response.IsTruncated) {
      expect(response.Marker).toBeUndefined();
      return items;
    }
    expect(typeof response.Marker).toBe('string');
    marker = response.Marker;
    between(page);
  }
  throw new Error('pagination did not end within 1000 pages');
}

const nameArb = fc.stringMatching(/^[A-Za-z0-9_]{1,6}$/);
const uniqueNames = fc.uniqueArray(nameArb, { selector: (n) => n.toLowerCase(), maxLength: 25 });

describe('ListInstanceProfiles pagination', () => {
  it('returns every profile exactly once, sorted by name, for any MaxItems', () => {
    fc.assert(
      fc.property(uniqueNames, fc.integer({ min: 1, max: 7 }), (names, maxItems) => {
        const w = makeIam({ model: { iamReads: 'readYourWrites' } });
        for (const name of names) w.call('CreateInstanceProfile', { InstanceProfileName: name });
        const listed = listAll(w, 'ListInstanceProfiles', {}, 'InstanceProfiles', maxItems).map(
          (p) => p.InstanceProfileName as string,
        );
        const expected = [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
        expect(listed).toEqual(expected);
      }),
      propertyOptions(200),
    );
  });

  it('returns every profile that exists throughout exactly once while others come and go', () => {
    fc.assert(
      fc.property(uniqueNames, uniqueNames, fc.integer({ min: 1, max: 4 }), (stable, churn, maxItems) => {
        const stableKeys = new Set(stable.map((n) => n.toLowerCase()));
        const extra = churn.filter((n) => !stableKeys.has(n.toLowerCase()));
        const w = makeIam({ model: { iamReads: 'readYourWrites' } });
        for (const name of stable) w.call('CreateInstanceProfile', { InstanceProfileName: name });
        // Between pages, create the churn names one by one and delete them again one later.
        const between = (page: number) => {
          const add = extra[page];
          if (add !== undefined) w.call('CreateInstanceProfile', { InstanceProfileName: add });
          const remove = extra[page - 1];
          if (remove !== undefined) w.call('DeleteInstanceProfile', { InstanceProfileName: remove });
        };
        const listed = listAll(w, 'ListInstanceProfiles', {}, 'InstanceProfiles', maxItems, between).map(
          (p) => (p.InstanceProfileName as string).toLowerCase(),
        );
        expect(new Set(listed).size).toBe(listed.length);
        for (const key of stableKeys) expect(listed).toContain(key);
        expect(listed).toEqual([...listed].sort());
      }),
      propertyOptions(200),
    );
  });
});

describe('the other List operations', () => {
  it('paginate ListInstanceProfilesForRole, ListInstanceProfileTags and ListRolePolicies', () => {
    const w = makeIam({ model: { iamReads: 'readYourWrites' } });
    createRole(w, 'r');
    for (const name of ['p3', 'p1', 'p2', 'other'])
      w.call('CreateInstanceProfile', { InstanceProfileName: name });
    for (const name of ['p3', 'p1', 'p2'])
      w.call('AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: 'r' });
    const forRole = listAll(w, 'ListInstanceProfilesForRole', { RoleName: 'r' }, 'InstanceProfiles', 2);
    expect(forRole.map((p) => p.InstanceProfileName)).toEqual(['p1', 'p2', 'p3']);

    const tags = ['b', 'a', 'C', 'd'].map((Key) => ({ Key, Value: Key }));
    w.call('TagInstanceProfile', { InstanceProfileName: 'other', Tags: tags });
    const listedTags = listAll(w, 'ListInstanceProfileTags', { InstanceProfileName: 'other' }, 'Tags', 3);
    expect(listedTags.map((t) => t.Key)).toEqual(['C', 'a', 'b', 'd']);

    for (const name of ['z', 'y', 'x']) {
      w.call('PutRolePolicy', {
        RoleName: 'r',
        PolicyName: name,
        PolicyDocument: allowPolicyDocument(['s3:*']),
      });
    }
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = w.call('ListRolePolicies', {
        RoleName: 'r',
        MaxItems: 1,
        ...(marker ? { Marker: marker } : {}),
      });
      names.push(...page.PolicyNames);
      marker = page.Marker;
    } while (marker !== undefined);
    expect(names).toEqual(['x', 'y', 'z']);
  });

  it('rejects a marker issued by another listing', () => {
    const w = makeIam({ model: { iamReads: 'readYourWrites' } });
    for (const name of ['a', 'b']) w.call('CreateInstanceProfile', { InstanceProfileName: name });
    const { Marker } = w.call('ListInstanceProfiles', { MaxItems: 1 });
    expect(w.fail('ListInstanceProfileTags', { InstanceProfileName: 'a', Marker }).code).toBe('InvalidInput');
    expect(w.fail('ListInstanceProfiles', { PathPrefix: '/x/', Marker }).code).toBe('InvalidInput');
    expect(w.call('ListInstanceProfiles', { Marker }).InstanceProfiles[0].InstanceProfileName).toBe('b');
  });
});
