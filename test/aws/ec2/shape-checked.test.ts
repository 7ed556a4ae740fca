/**
 * EC2's describe of one instance's associations takes a shorter path (no filter compiled) for the
 * request a strategy makes once per instance; its answer must be the one the general path gives.
 */
import { describe, expect, it } from 'vitest';
import { makeWorld, OTHER_REGION, REGION, type World } from './world.ts';

const OP = 'DescribeIamInstanceProfileAssociations';

/**
 * The answer to `params` in `region` as asked, marked shapeChecked or not, and through the general
 * path (the same request with a MaxResults no answer here reaches, which the short path declines),
 * or the error each throws.
 */
function paths(w: World, params: Record<string, unknown>, region = REGION) {
  const answer = (p: unknown, shapeChecked: boolean) => {
    try {
      return { ok: w.ec2.invoke(OP, p, region, shapeChecked) };
    } catch (e) {
      return { error: String(e) };
    }
  };
  return {
    marked: answer(params, true),
    unmarked: answer(params, false),
    general: answer({ ...params, MaxResults: 1000 }, false),
  };
}

const byInstance = (id: string) => ({ Filters: [{ Name: 'instance-id', Values: [id] }] });

describe('DescribeIamInstanceProfileAssociations of one instance', () => {
  it('answers as the general path in every association state, region and form', () => {
    const w = makeWorld();
    const none = w.running('none');
    const associated = w.ec2.seedInstance({
      name: 'a',
      region: REGION,
      state: 'running',
      profileName: 'web',
    });
    const associating = w.running('b');
    w.call('AssociateIamInstanceProfile', { InstanceId: associating, IamInstanceProfile: { Name: 'web' } });
    const leaving = w.ec2.seedInstance({ name: 'c', region: REGION, state: 'running', profileName: 'web' });
    w.call('DisassociateIamInstanceProfile', {
      AssociationId: w.ec2.activeAssociation(leaving)!.AssociationId,
    });
    const elsewhere = w.ec2.seedInstance({
      name: 'd',
      region: OTHER_REGION,
      state: 'running',
      profileName: 'web',
    });
    const requests = [
      ...[none, associated, associating, leaving, elsewhere].map(byInstance),
      byInstance('i-0123456789abcdef0'),
      byInstance('i-*'),
      { Filters: [{ Name: 'instance-id', Values: [associated, associating] }] },
      { Filters: [{ Name: 'state', Values: ['associated'] }] },
      { ...byInstance(associated), MaxResults: 5 },
      {},
    ];
    let answered = 0;
    for (const params of requests) {
      for (const region of [REGION, OTHER_REGION]) {
        const { marked, unmarked, general } = paths(w, params, region);
        expect({ params, region, answer: marked }).toEqual({ params, region, answer: general });
        expect({ params, region, answer: unmarked }).toEqual({ params, region, answer: general });
        if ('ok' in marked)
          answered += (marked.ok as { IamInstanceProfileAssociations: unknown[] })
            .IamInstanceProfileAssociations.length;
      }
    }
    // Not all empty: the comparison saw associations in each live state.
    expect(answered).toBeGreaterThan(4);
  });
});
