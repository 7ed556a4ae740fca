/**
 * Request validation against the IAM API model's shapes (README.md, "Sources"): every bad input is an
 * AwsError with AWS's code and wording, and a rejected call changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/aws/errors.ts';
import { iamOperationNames } from '../../../src/aws/iam/iam.ts';
import { propertyOptions } from '../../helpers/fc.ts';
import { createRole, makeIam, TRUST } from './helpers.ts';

describe('names', () => {
  it('accepts a 128-character profile name and rejects 129 with AWS wording', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p'.repeat(128) });
    const long = 'x'.repeat(129);
    const e = w.fail('CreateInstanceProfile', { InstanceProfileName: long });
    expect(e.code).toBe('ValidationError');
    expect(e.statusCode).toBe(400);
    expect(e.message).toBe(
      `1 validation error detected: Value '${long}' at 'instanceProfileName' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 128',
    );
  });

  it('limits role names to 64 characters', () => {
    const w = makeIam();
    createRole(w, 'r'.repeat(64));
    const e = w.fail('CreateRole', { RoleName: 'r'.repeat(65), AssumeRolePolicyDocument: TRUST });
    expect(e.message).toContain(
      "at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64",
    );
  });

  it('rejects characters outside [\\w+=,.@-] and reports the empty name twice (length and pattern)', () => {
    const w = makeIam();
    for (const ok of ['a+b=c,d.e@f-g_h', 'A1']) w.call('CreateInstanceProfile', { InstanceProfileName: ok });
    const bad = w.fail('CreateInstanceProfile', { InstanceProfileName: 'has space' });
    expect(bad.message).toContain('Member must satisfy regular expression pattern: [\\w+=,.@-]+');
    const empty = w.fail('GetInstanceProfile', { InstanceProfileName: '' });
    expect(empty.message).toMatch(/^2 validation errors detected: /);
    expect(empty.message).toContain('Member must have length greater than or equal to 1');
  });
});

describe('paths', () => {
  it('accepts / and /a/b/, rejects paths that do not start and end with /', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', { InstanceProfileName: 'a', Path: '/' });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'b', Path: '/team/app/' });
    for (const bad of ['team/', '/team', '', '/with space/', `/${'x'.repeat(511)}/`]) {
      const e = w.fail('CreateInstanceProfile', { InstanceProfileName: 'c', Path: bad });
      expect(e.code, bad).toBe('ValidationError');
      expect(e.message, bad).toContain("at 'path'");
    }
  });

  it('checks PathPrefix: starts with /, characters \\u0021-\\u007F', () => {
    const w = makeIam();
    expect(w.call('ListInstanceProfiles', { PathPrefix: '/team' }).InstanceProfiles).toEqual([]);
    const e = w.fail('ListInstanceProfiles', { PathPrefix: 'team/' });
    expect(e.message).toContain(
      "at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
  });
});

describe('tags', () => {
  it('checks key length 1-128 and value length 0-256, naming the member', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', {
      InstanceProfileName: 'ok',
      Tags: [
        { Key: 'k'.repeat(128), Value: 'v'.repeat(256) },
        { Key: 'empty', Value: '' },
      ],
    });
    const e = w.fail('CreateInstanceProfile', {
      InstanceProfileName: 'bad',
      Tags: [
        { Key: 'k'.repeat(129), Value: 'x' },
        { Key: 'fine', Value: 'v'.repeat(257) },
      ],
    });
    expect(e.code).toBe('ValidationError');
    expect(e.message).toMatch(/^2 validation errors detected: /);
    expect(e.message).toContain(
      "at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
    expect(e.message).toContain(
      "at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
    );
  });

  it('checks the tag patterns (letters, spaces, digits and _.:/=+-@ only)', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', {
      InstanceProfileName: 'ok',
      Tags: [{ Key: 'Kostenstelle ü:1', Value: 'a/b=c+d-e@f' }],
    });
    const e = w.fail('CreateInstanceProfile', {
      InstanceProfileName: 'bad',
      Tags: [{ Key: 'a*b', Value: '' }],
    });
    expect(e.message).toContain(
      'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
    );
  });

  it('allows at most 50 tags in a request', () => {
    const w = makeIam();
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: `${i}` }));
    w.call('CreateInstanceProfile', { InstanceProfileName: 'fifty', Tags: tags(50) });
    const e = w.fail('CreateInstanceProfile', { InstanceProfileName: 'fiftyone', Tags: tags(51) });
    expect(e.code).toBe('ValidationError');
    expect(e.message).toContain(
      "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
  });

  it('treats duplicate keys in one request as InvalidInput, compared case-insensitively', () => {
    const w = makeIam();
    const e = w.fail('CreateInstanceProfile', {
      InstanceProfileName: 'p',
      Tags: [
        { Key: 'Env', Value: 'a' },
        { Key: 'env', Value: 'b' },
      ],
    });
    expect(e.code).toBe('InvalidInput');
    expect(e.message).toBe('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  });

  it('refuses a tag without Value, as the model requires it (an empty Value is fine)', () => {
    const w = makeIam();
    const e = w.fail('CreateInstanceProfile', { InstanceProfileName: 'p', Tags: [{ Key: 'flag' }] });
    expect([e.code, e.message]).toEqual([
      'ValidationError',
      "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
    ]);
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p', Tags: [{ Key: 'flag', Value: '' }] });
    w.settle();
    expect(w.call('ListInstanceProfileTags', { InstanceProfileName: 'p' }).Tags).toEqual([
      { Key: 'flag', Value: '' },
    ]);
  });
});

describe('pagination parameters', () => {
  it('bounds MaxItems to 1-1000 and Marker to 1-320 characters', () => {
    const w = makeIam();
    w.call('ListInstanceProfiles', { MaxItems: 1 });
    w.call('ListInstanceProfiles', { MaxItems: 1000 });
    expect(w.fail('ListInstanceProfiles', { MaxItems: 0 }).message).toBe(
      "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect(w.fail('ListInstanceProfiles', { MaxItems: 1001 }).message).toContain(
      'less than or equal to 1000',
    );
    expect(w.fail('ListInstanceProfiles', { MaxItems: 2.5 }).code).toBe('ValidationError');
    expect(w.fail('ListInstanceProfiles', { Marker: '' }).code).toBe('ValidationError');
    expect(w.fail('ListInstanceProfiles', { Marker: 'm'.repeat(321) }).code).toBe('ValidationError');
  });

  it('rejects a marker the service did not issue as InvalidInput', () => {
    const w = makeIam();
    const e = w.fail('ListInstanceProfiles', { Marker: 'not-a-marker' });
    expect(e.code).toBe('InvalidInput');
  });
});

describe('required parameters, types and unknown members', () => {
  it('answers MissingParameter for an absent required parameter', () => {
    const w = makeIam();
    const e = w.fail('GetInstanceProfile', {});
    expect(e.code).toBe('MissingParameter');
    expect(e.message).toBe('The request must contain the parameter InstanceProfileName.');
    expect(w.fail('AddRoleToInstanceProfile', { InstanceProfileName: 'p' }).message).toContain('RoleName');
    expect(w.fail('TagInstanceProfile', { InstanceProfileName: 'p' }).message).toContain('Tags');
    expect(w.fail('CreateRole', { RoleName: 'r' }).message).toContain('AssumeRolePolicyDocument');
  });

  it('answers ValidationError for a number where a string is required', () => {
    const w = makeIam();
    const e = w.fail('CreateInstanceProfile', { InstanceProfileName: 5 });
    expect(e.code).toBe('ValidationError');
    expect(e.message).toBe(
      "1 validation error detected: Value '5' at 'instanceProfileName' failed to satisfy constraint: Member must be of type string",
    );
    expect(w.fail('TagInstanceProfile', { InstanceProfileName: 'p', Tags: 'Env=prod' }).code).toBe(
      'ValidationError',
    );
    expect(w.fail('UntagInstanceProfile', { InstanceProfileName: 'p', TagKeys: [1] }).code).toBe(
      'ValidationError',
    );
    expect(w.fail('GetInstanceProfile', 'p').code).toBe('ValidationError');
  });

  it('refuses tag keys and values that begin with the reserved prefix aws: (any case), as EC2 does', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p' });
    for (const tag of [
      { Key: 'aws:x', Value: 'y' },
      { Key: 'AWS:cloudformation:stack', Value: 'y' },
      { Key: 'team', Value: 'aws:owned' },
    ]) {
      expect(w.fail('TagInstanceProfile', { InstanceProfileName: 'p', Tags: [tag] }).code).toBe(
        'InvalidInput',
      );
      const trust = '{"Version":"2012-10-17","Statement":[]}';
      expect(w.fail('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: trust, Tags: [tag] }).code).toBe(
        'InvalidInput',
      );
    }
    // The prefix only: a key that merely contains it is a key like any other.
    w.call('TagInstanceProfile', { InstanceProfileName: 'p', Tags: [{ Key: 'team-aws:x', Value: 'y' }] });
  });

  it('rejects unknown parameters (as the SDKs do), so typos in scenarios surface', () => {
    const w = makeIam();
    const e = w.fail('GetInstanceProfile', { InstanceProfileName: 'p', Nmae: 'x' });
    expect(e.code).toBe('ValidationError');
    expect(e.message).toBe('Unknown parameter in input: "Nmae", must be one of: InstanceProfileName');
  });

  it('answers InvalidAction for an unknown operation', () => {
    const w = makeIam();
    const e = w.fail('DescribeInstanceProfiles', {});
    expect(e.code).toBe('InvalidAction');
    expect(e.statusCode).toBe(400);
    expect(w.fail('toString', {}).code).toBe('InvalidAction');
  });

  it('changes nothing when a request is rejected', () => {
    const w = makeIam();
    w.fail('CreateInstanceProfile', { InstanceProfileName: 'p', Path: 'bad' });
    expect(w.iam.version).toBe(0);
    expect(w.iam.control.profiles).toEqual({});
  });
});

describe('property: any parameters give a response or an AwsError, never a raw exception', () => {
  const value = fc.oneof(
    fc.anything(),
    fc.string(),
    fc.constantFrom('p', '__proto__', 'constructor', '/', '/a/', 'Env'),
    fc.array(fc.record({ Key: fc.anything(), Value: fc.anything() }, { requiredKeys: [] }), { maxLength: 3 }),
  );
  const members = [
    'InstanceProfileName',
    'RoleName',
    'Path',
    'PathPrefix',
    'Tags',
    'TagKeys',
    'Marker',
    'MaxItems',
    'PolicyName',
    'PolicyDocument',
    'AssumeRolePolicyDocument',
    'Description',
    'MaxSessionDuration',
  ];
  const params = fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom(...members), value, { maxKeys: 4 }));

  it('holds for every operation', () => {
    fc.assert(
      fc.property(fc.constantFrom(...iamOperationNames), params, (operation, p) => {
        const w = makeIam();
        try {
          w.service.invoke(operation, p, w.regions[0]!);
        } catch (error) {
          expect(error).toBeInstanceOf(AwsError);
          // The parse guard's fallback message would mean a reader was not total.
          expect((error as AwsError).message).not.toContain('could not be parsed');
        }
      }),
      propertyOptions(2000),
    );
  });
});
