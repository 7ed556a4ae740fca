/**
 * Model-based test: random sequences of association and stop/start operations on two instances,
 * with every delay 0, against a reference model of AWS's rules written as plainly as possible.
 * After every command the service's whole observable state (DescribeIamInstanceProfileAssociations,
 * instance states, activeAssociation) must equal the model's, and every call must fail with
 * exactly the error code the model predicts (or succeed when it predicts success).
 *
 * Zero delays still go through the scheduler, so transitional states (associating, stopping, ...)
 * persist until the `settle` command fires the due events: the model sees them too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/aws/errors.ts';
import { makeWorld, REGION, type World } from './world.ts';

type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped';
type AssocState = 'associating' | 'associated' | 'disassociating';
/** `ghost` does not exist in IAM; `empty` holds no role (associate and replace accept it). */
const profileNames = ['web', 'other', 'empty', 'ghost'] as const;
type ProfileName = (typeof profileNames)[number];

interface ModelInstance {
  readonly id: string;
  state: InstanceState;
  assoc: { id: string; state: AssocState } | undefined;
}

interface Model {
  readonly instances: ModelInstance[];
  /** Every association id ever returned, live or not, so commands can name ended ones too. */
  readonly assocIds: string[];
}

const GHOST_ASSOC = 'iip-assoc-00000000000000000';

type Outcome = 'ok' | string;

/** Calls the real service and returns 'ok' or the AwsError code (anything else fails the test). */
function attempt(real: World, operation: string, params: unknown): { outcome: Outcome; response: unknown } {
  try {
    return { outcome: 'ok', response: real.ec2.invoke(operation, params, REGION) };
  } catch (e) {
    if (e instanceof AwsError) return { outcome: e.code, response: undefined };
    throw e;
  }
}

function liveAssoc(m: Model, assocId: string): ModelInstance | undefined {
  return m.instances.find((i) => i.assoc?.id === assocId);
}

function pickAssoc(m: Model, index: number): string {
  const ids = [...m.assocIds, GHOST_ASSOC];
  return ids[index % ids.length]!;
}

/** The service's observable state must equal the model's. */
function checkAgainstModel(m: Model, real: World): void {
  const described = real.associations();
  const expected = m.instances
    .filter((i) => i.assoc !== undefined)
    .map((i) => ({ AssociationId: i.assoc!.id, InstanceId: i.id, State: i.assoc!.state }));
  const sortById = <T extends { AssociationId: string }>(xs: T[]) =>
    [...xs].sort((a, b) => a.AssociationId.localeCompare(b.AssociationId));
  expect(
    sortById(described.map(({ AssociationId, InstanceId, State }) => ({ AssociationId, InstanceId, State }))),
  ).toEqual(sortById(expected));
  for (const i of m.instances) {
    expect(real.ec2.instance(i.id)!.state).toBe(i.state);
    const active = real.ec2.activeAssociation(i.id);
    expect(active === undefined ? undefined : { id: active.AssociationId, state: active.State }).toEqual(
      i.assoc,
    );
  }
}

class AssociateCmd implements fc.Command<Model, World> {
  constructor(
    readonly index: number,
    readonly profile: ProfileName,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, real: World): void {
    const inst = m.instances[this.index]!;
    let expected: Outcome = 'ok';
    if (this.profile === 'ghost') expected = 'InvalidParameterValue';
    else if (inst.state !== 'running' && inst.state !== 'stopped') expected = 'IncorrectInstanceState';
    else if (inst.assoc !== undefined) expected = 'IncorrectState';
    const { outcome, response } = attempt(real, 'AssociateIamInstanceProfile', {
      InstanceId: inst.id,
      IamInstanceProfile: { Name: this.profile },
    });
    expect(outcome).toBe(expected);
    if (outcome === 'ok') {
      const a = (response as { IamInstanceProfileAssociation: { AssociationId: string; State: string } })
        .IamInstanceProfileAssociation;
      expect(a.State).toBe('associating');
      inst.assoc = { id: a.AssociationId, state: 'associating' };
      m.assocIds.push(a.AssociationId);
    }
    checkAgainstModel(m, real);
  }
  toString(): string {
    return `associate(#${this.index}, ${this.profile})`;
  }
}

class DisassociateCmd implements fc.Command<Model, World> {
  constructor(readonly pick: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, real: World): void {
    const assocId = pickAssoc(m, this.pick);
    const inst = liveAssoc(m, assocId);
    let expected: Outcome = 'ok';
    if (inst === undefined) expected = 'InvalidAssociationID.NotFound';
    else if (inst.state !== 'running' && inst.state !== 'stopped') expected = 'IncorrectInstanceState';
    const { outcome } = attempt(real, 'DisassociateIamInstanceProfile', { AssociationId: assocId });
    expect(outcome).toBe(expected);
    if (outcome === 'ok') inst!.assoc!.state = 'disassociating';
    checkAgainstModel(m, real);
  }
  toString(): string {
    return `disassociate(assoc#${this.pick})`;
  }
}

class ReplaceCmd implements fc.Command<Model, World> {
  constructor(
    readonly pick: number,
    readonly profile: ProfileName,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, real: World): void {
    const assocId = pickAssoc(m, this.pick);
    const inst = liveAssoc(m, assocId);
    let expected: Outcome = 'ok';
    if (inst === undefined) expected = 'InvalidAssociationID.NotFound';
    else if (this.profile === 'ghost') expected = 'InvalidParameterValue';
    else if (inst.state !== 'running' || inst.assoc!.state === 'disassociating') expected = 'IncorrectState';
    const { outcome, response } = attempt(real, 'ReplaceIamInstanceProfileAssociation', {
      AssociationId: assocId,
      IamInstanceProfile: { Name: this.profile },
    });
    expect(outcome).toBe(expected);
    if (outcome === 'ok') {
      const a = (response as { IamInstanceProfileAssociation: { AssociationId: string; State: string } })
        .IamInstanceProfileAssociation;
      expect(a.AssociationId).not.toBe(assocId);
      expect(a.State).toBe('associating');
      inst!.assoc = { id: a.AssociationId, state: 'associating' };
      m.assocIds.push(a.AssociationId);
    }
    checkAgainstModel(m, real);
  }
  toString(): string {
    return `replace(assoc#${this.pick}, ${this.profile})`;
  }
}

class StopCmd implements fc.Command<Model, World> {
  constructor(readonly index: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, real: World): void {
    const inst = m.instances[this.index]!;
    const expected = inst.state === 'pending' ? 'IncorrectInstanceState' : 'ok';
    expect(attempt(real, 'StopInstances', { InstanceIds: [inst.id] }).outcome).toBe(expected);
    if (inst.state === 'running') inst.state = 'stopping';
    checkAgainstModel(m, real);
  }
  toString(): string {
    return `stop(#${this.index})`;
  }
}

class StartCmd implements fc.Command<Model, World> {
  constructor(readonly index: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, real: World): void {
    const inst = m.instances[this.index]!;
    const expected = inst.state === 'stopping' ? 'IncorrectInstanceState' : 'ok';
    expect(attempt(real, 'StartInstances', { InstanceIds: [inst.id] }).outcome).toBe(expected);
    if (inst.state === 'stopped') inst.state = 'pending';
    checkAgainstModel(m, real);
  }
  toString(): string {
    return `start(#${this.index})`;
  }
}

/** Lets virtual time pass: every zero-delay transition completes. */
class SettleCmd implements fc.Command<Model, World> {
  check(): boolean {
    return true;
  }
  run(m: Model, real: World): void {
    real.advance(1);
    for (const inst of m.instances) {
      if (inst.state === 'pending') inst.state = 'running';
      else if (inst.state === 'stopping') inst.state = 'stopped';
      if (inst.assoc?.state === 'associating') inst.assoc.state = 'associated';
      else if (inst.assoc?.state === 'disassociating') inst.assoc = undefined;
    }
    checkAgainstModel(m, real);
  }
  toString(): string {
    return 'settle';
  }
}

const instanceIndex = fc.integer({ min: 0, max: 1 });
const profileArb = fc.constantFrom(...profileNames);
const assocPick = fc.nat({ max: 20 });

const commands = [
  fc.tuple(instanceIndex, profileArb).map(([i, p]) => new AssociateCmd(i, p)),
  assocPick.map((k) => new DisassociateCmd(k)),
  fc.tuple(assocPick, profileArb).map(([k, p]) => new ReplaceCmd(k, p)),
  instanceIndex.map((i) => new StopCmd(i)),
  instanceIndex.map((i) => new StartCmd(i)),
  fc.constant(new SettleCmd()),
];

function setup(): { model: Model; real: World } {
  const real = makeWorld({
    delaysMs: {
      associationSettle: 0,
      disassociationSettle: 0,
      instanceStop: 0,
      instanceStart: 0,
      instanceReboot: 0,
    },
  });
  const a = real.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
  const b = real.ec2.seedInstance({ name: 'b', region: REGION, state: 'stopped' });
  const aAssoc = real.ec2.activeAssociation(a)!.AssociationId;
  const model: Model = {
    instances: [
      { id: a, state: 'running', assoc: { id: aAssoc, state: 'associated' } },
      { id: b, state: 'stopped', assoc: undefined },
    ],
    assocIds: [aAssoc],
  };
  return { model, real };
}

describe('association operations against a reference model', () => {
  it('error codes and states match the model for random command sequences', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
        fc.modelRun(setup, cmds);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
