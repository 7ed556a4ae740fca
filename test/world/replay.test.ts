/**
 * The recorder and the player of src/world/replay.ts on a small made-up world where ties are the
 * rule: shared events that schedule each other at delays of 0-2 ms, urgent and normal, and tell
 * instances things; instances that react at once (delay 0) or a moment later and read what the
 * shared world holds for them. A chunk replayed against the recording must see exactly what it
 * saw in the whole run, in the same order, whatever the chunk.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssociationListener, AssociationOfInstance } from '../../src/aws/ec2/ec2.ts';
import type { Ec2Event } from '../../src/aws/ec2/types.ts';
import { Priority, RandomStreams, Scheduler } from '../../src/engine/index.ts';
import type { AssociationState } from '../../src/instance/imds.ts';
import { initialAssociation, SharedPlayer, SharedRecorder } from '../../src/world/replay.ts';
import { propertyOptions } from '../helpers/fc.ts';

const INSTANCES = 6;
const idOf = (i: number) => `i-${i}`;

/** The made-up shared world: a program of events drawn from seed `seed`. */
class ToyShared {
  private readonly eventListeners: ((e: Ec2Event, instanceIndex: number) => void)[] = [];
  private readonly associationListeners: AssociationListener[] = [];
  private readonly associations = new Map<string, AssociationOfInstance>();
  private made = 0;

  constructor(
    private readonly scheduler: Scheduler,
    seed: number,
  ) {
    const random = new RandomStreams(seed).stream('shared');
    for (let k = 0; k < 12; k++) this.schedule(random.int(0, 20), random, 0);
  }

  private schedule(atMs: number, random: ReturnType<RandomStreams['stream']>, depth: number): void {
    const priority = random.next() < 0.4 ? Priority.urgent : Priority.normal;
    this.scheduler.at(atMs, 'shared', () => this.fire(random, depth), priority);
  }

  private fire(random: ReturnType<RandomStreams['stream']>, depth: number): void {
    const now = this.scheduler.nowMs;
    // Interleave schedulings, state changes and pushes within one event.
    for (let step = 0; step < 3; step++) {
      const r = random.next();
      if (r < 0.35 && depth < 6) this.schedule(now + random.int(0, 2), random, depth + 1);
      else if (r < 0.65) {
        const i = random.int(0, INSTANCES - 1);
        const seq = this.made++;
        const a = { id: `a-${seq}`, seq, state: 'associated', profileId: 'p' };
        this.associations.set(idOf(i), a);
        for (const l of this.associationListeners) l(i, a);
      } else {
        const event: Ec2Event = { type: 'rebootStarted', instanceId: idOf(random.int(0, INSTANCES - 1)) };
        for (const l of this.eventListeners) l(event, indexOfId(event.instanceId));
      }
    }
  }

  onEvent(l: (e: Ec2Event, instanceIndex: number) => void): void {
    this.eventListeners.push(l);
  }
  onAssociationChange(l: AssociationListener): void {
    this.associationListeners.push(l);
  }
  associationOf(id: string): AssociationOfInstance | undefined {
    return this.associations.get(id);
  }
  instancesInOrder(): { readonly id: string; readonly association: AssociationOfInstance | undefined }[] {
    return Array.from({ length: INSTANCES }, (_, i) => ({
      id: idOf(i),
      association: this.associations.get(idOf(i)),
    }));
  }
}

/** The instance side: reacts to pushes at once or a moment later, logs what it reads when. */
class ToyInstances {
  readonly logs: string[][] = Array.from({ length: INSTANCES }, () => []);
  private readonly randoms;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly association: (i: number) => AssociationState | undefined,
    seed: number,
  ) {
    const streams = new RandomStreams(seed);
    this.randoms = Array.from({ length: INSTANCES }, (_, i) => streams.stream(`instance/${i}`));
  }

  // What it logs of an association is its id's number: a replay names associations by their seq
  // (the instance side only compares ids).
  pushed(i: number): void {
    this.logs[i]!.push(`${this.scheduler.nowMs} push ${this.association(i)?.id.replace(/\D/g, '')}`);
    this.tick(i, 0);
  }

  private tick(i: number, depth: number): void {
    const random = this.randoms[i]!;
    this.scheduler.at(this.scheduler.nowMs + random.int(0, 1), 'instance.tick', () => {
      this.logs[i]!.push(
        `${this.scheduler.nowMs} tick ${depth} ${this.association(i)?.id.replace(/\D/g, '')}`,
      );
      if (depth < 3 && random.next() < 0.6) this.tick(i, depth + 1);
    });
  }
}

const indexOfId = (id: string) => Number(id.slice(2));
const noStores = { iam: { onApply() {} }, authz: { onApply() {} }, scp: { onApply() {} } };

function wholeRun(seed: number): string[][] {
  const scheduler = new Scheduler();
  const shared = new ToyShared(scheduler, seed);
  const instances = new ToyInstances(scheduler, (i) => shared.associationOf(idOf(i)), seed);
  shared.onEvent((e) => instances.pushed(indexOfId(e.instanceId)));
  scheduler.run({ untilMs: 1000 });
  return instances.logs;
}

function replayedRun(seed: number, from: number, to: number): string[][] {
  const recording = new Scheduler();
  const recorder = new SharedRecorder();
  const shared = new ToyShared(recording, seed);
  recorder.attach({
    scheduler: recording,
    ec2: shared,
    stores: noStores,
    instanceIds: Array.from({ length: INSTANCES }, (_, i) => idOf(i)),
  });
  recording.run({ untilMs: 1000 });
  expect(SharedPlayer.canReplay(recorder.log)).toBe(true);

  const scheduler = new Scheduler();
  const held = Array.from({ length: INSTANCES }, (_, i) => initialAssociation(recorder.log, i));
  const instances = new ToyInstances(scheduler, (i) => held[i], seed);
  const player = new SharedPlayer(recorder.log, scheduler, {
    fromIndex: from,
    toIndex: to,
    view: () => {},
    ec2Event: (i) => instances.pushed(i),
    association: (i, value) => {
      held[i] = value;
    },
  });
  player.install();
  scheduler.run({ untilMs: 1000 });
  player.finish();
  return instances.logs;
}

describe('a chunk replayed against the recorded shared world', () => {
  it('sees what it saw in the whole run, in the same order, ties at every millisecond included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: INSTANCES - 1 }),
        fc.integer({ min: 1, max: INSTANCES }),
        (seed, from, size) => {
          const to = Math.min(INSTANCES, from + size);
          const whole = wholeRun(seed);
          const replayed = replayedRun(seed, from, to);
          for (let i = from; i < to; i++) expect(replayed[i], `instance ${i}`).toEqual(whole[i]);
        },
      ),
      propertyOptions(200),
    );
  });

  it('the made-up world does make ties: pushes and reactions at the same millisecond', () => {
    const logs = wholeRun(1).flat();
    const byMs = new Map<string, number>();
    for (const line of logs) {
      const ms = line.split(' ')[0]!;
      byMs.set(ms, (byMs.get(ms) ?? 0) + 1);
    }
    expect([...byMs.values()].some((n) => n >= 3)).toBe(true);
    expect(logs.some((l) => l.includes('push')) && logs.some((l) => l.includes('tick'))).toBe(true);
  });
});
