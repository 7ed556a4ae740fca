/** The simplified policy language: parsing, wildcard matching and evaluation order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/aws/errors.ts';
import {
  actionMatches,
  allowPolicyDocument,
  checkTrustPolicyDocument,
  evaluate,
  parsePolicyDocument,
  revokeOlderSessionsDocument,
} from '../../../src/aws/iam/policy.ts';
import type { AuthzRole, PolicyStatement } from '../../../src/aws/iam/types.ts';
import { propertyOptions } from '../../helpers/fc.ts';

function malformed(text: string): AwsError {
  try {
    parsePolicyDocument(text);
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

function role(...statements: PolicyStatement[]): AuthzRole {
  return { RoleName: 'r', statements };
}

describe('parsePolicyDocument', () => {
  it('accepts a statement object or a list, Action as string or list, and ignores Resource', () => {
    expect(
      parsePolicyDocument('{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}'),
    ).toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'] }]);
    expect(
      parsePolicyDocument(
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Sid: 'a', Effect: 'Allow', Action: ['s3:Get*', 'sqs:*'] },
            { Effect: 'Deny', Action: '*', Resource: ['arn:aws:s3:::b/*'] },
          ],
        }),
      ),
    ).toEqual([
      { Effect: 'Allow', Action: ['s3:Get*', 'sqs:*'] },
      { Effect: 'Deny', Action: ['*'] },
    ]);
  });

  it('reads the AWSRevokeOlderSessions condition as virtual ms', () => {
    const [statement] = parsePolicyDocument(revokeOlderSessionsDocument(90_000));
    expect(statement).toEqual({ Effect: 'Deny', Action: ['*'], tokenIssuedBeforeMs: 90_000 });
  });

  it('rejects what it cannot evaluate as MalformedPolicyDocument (400)', () => {
    const cases = [
      'not json',
      '[]',
      '{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"*"}}',
      '{"Statement":[]}',
      '{}',
      '{"Statement":{"Action":"*"}}',
      '{"Statement":{"Effect":"Permit","Action":"*"}}',
      '{"Statement":{"Effect":"Allow"}}',
      '{"Statement":{"Effect":"Allow","Action":"GetObject"}}',
      '{"Statement":{"Effect":"Allow","Action":[]}}',
      '{"Statement":{"Effect":"Allow","NotAction":"s3:*"}}',
      '{"Statement":{"Effect":"Allow","Action":"*","Principal":"*"}}',
      '{"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"aws:username":"x"}}}}',
      '{"Statement":{"Effect":"Deny","Action":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"yesterday"}}}}',
      '{"Statement":{"Effect":"Deny","Action":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}}',
    ];
    for (const text of cases) {
      const e = malformed(text);
      expect(e.code, text).toBe('MalformedPolicyDocument');
      expect(e.statusCode, text).toBe(400);
    }
  });

  it('builds documents with the helpers that parse back', () => {
    expect(parsePolicyDocument(allowPolicyDocument(['s3:GetObject', 'sqs:*']))).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 'sqs:*'] },
    ]);
    expect(() => allowPolicyDocument([])).toThrow();
  });

  it('checks a trust policy for Principal and Action', () => {
    checkTrustPolicyDocument(
      '{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}',
    );
    expect(() =>
      checkTrustPolicyDocument('{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}'),
    ).toThrow('Missing required field Principal');
  });
});

describe('actionMatches', () => {
  it('supports * and ? and ignores case', () => {
    expect(actionMatches('*', 's3:GetObject')).toBe(true);
    expect(actionMatches('s3:Get*', 's3:GetObject')).toBe(true);
    expect(actionMatches('s3:get*', 'S3:GETOBJECT')).toBe(true);
    expect(actionMatches('s3:Get*', 's3:PutObject')).toBe(false);
    expect(actionMatches('s3:*Object', 's3:PutObject')).toBe(true);
    expect(actionMatches('s3:?etObject', 's3:GetObject')).toBe(true);
    expect(actionMatches('s3:GetObject', 's3:GetObjectAcl')).toBe(false);
    expect(actionMatches('s3:*', 'sqs:SendMessage')).toBe(false);
  });

  it('agrees with a regular-expression reference on random patterns', () => {
    const chars = fc.constantFrom('a', 'b', ':', '*', '?');
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ':'), maxLength: 8 });
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 6 }), text, (pattern, action) => {
        const source = pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.');
        const reference = new RegExp(`^${source}$`, 'is').test(action);
        expect(actionMatches(pattern, action)).toBe(reference);
      }),
      propertyOptions(2000),
    );
  });
});

describe('evaluate', () => {
  const allowS3: PolicyStatement = { Effect: 'Allow', Action: ['s3:*'] };

  it('denies implicitly, and always for an unknown role', () => {
    expect(evaluate(undefined, 's3:GetObject', 0)).toBe(false);
    expect(evaluate(role(), 's3:GetObject', 0)).toBe(false);
    expect(evaluate(role(allowS3), 'sqs:SendMessage', 0)).toBe(false);
  });

  it('allows on any matching Allow', () => {
    expect(evaluate(role(allowS3), 's3:GetObject', 0)).toBe(true);
  });

  it('lets an explicit Deny win regardless of order', () => {
    const deny: PolicyStatement = { Effect: 'Deny', Action: ['s3:GetObject'] };
    expect(evaluate(role(allowS3, deny), 's3:GetObject', 0)).toBe(false);
    expect(evaluate(role(deny, allowS3), 's3:GetObject', 0)).toBe(false);
    expect(evaluate(role(deny, allowS3), 's3:PutObject', 0)).toBe(true);
  });

  it('applies a revoke-older-sessions deny only to tokens issued strictly before its instant', () => {
    const [revoke] = parsePolicyDocument(revokeOlderSessionsDocument(60_000));
    const r = role(allowS3, revoke!);
    expect(evaluate(r, 's3:GetObject', 59_999)).toBe(false);
    expect(evaluate(r, 's3:GetObject', 60_000)).toBe(true);
    expect(evaluate(r, 's3:GetObject', 3_600_000)).toBe(true);
  });
});
