import { describe, expect, it } from 'vitest';
import { copyCredentials, IssuedCredentials } from '../../src/instance/credentials.ts';

describe('credentials IMDS issues', () => {
  it('spell their access key id from the instance index and the issuance count', () => {
    const c = new IssuedCredentials(0x1a2b, 0x3c, 'app', 'AROAAPP', 5, 10);
    expect(c.accessKeyId).toBe('ASIA00001A2B0000003C');
    expect(new IssuedCredentials(0x1a2b, 0x3d, 'app', 'AROAAPP', 5, 10).accessKeyId).not.toBe(c.accessKeyId);
  });

  it('copy and serialize as plain credentials, access key id included', () => {
    const c = new IssuedCredentials(1, 2, 'app', 'AROAAPP', 5, 10);
    const plain = {
      accessKeyId: 'ASIA0000000100000002',
      roleName: 'app',
      roleId: 'AROAAPP',
      issuedAtMs: 5,
      expiresAtMs: 10,
    };
    expect(copyCredentials(c)).toStrictEqual(plain);
    expect(JSON.parse(JSON.stringify(c))).toStrictEqual(plain);
  });
});
