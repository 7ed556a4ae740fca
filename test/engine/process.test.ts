import { describe, expect, it } from 'vitest';
import { SimulationError } from '../../src/engine/errors.ts';
import { allOf, mapReturn, type Process, Signal, spawn, type Yieldable } from '../../src/engine/process.ts';
import { Priority } from '../../src/engine/queue.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { recordTrace } from '../helpers/trace.ts';

describe('spawn', () => {
  it('starts the body through the queue at the current time, not synchronously', () => {
    const s = new Scheduler();
    s.run({ untilMs: 100 });
    const log: string[] = [];
    const done = spawn(
      s,
      'p',
      // biome-ignore lint/correctness/useYield: a process may finish without ever waiting.
      (function* (): Process {
        log.push(`start@${s.nowMs}`);
      })(),
    );
    expect(log).toEqual([]);
    s.run({ untilMs: 100 });
    expect(log).toEqual(['start@100']);
    expect(done.fired).toBe(true);
  });

  it('sleeps for yielded delays and fires done when the body returns', () => {
    const s = new Scheduler();
    const log: string[] = [];
    const done = spawn(
      s,
      'sleeper',
      (function* (): Process {
        log.push(`a@${s.nowMs}`);
        yield 30;
        log.push(`b@${s.nowMs}`);
        yield 0;
        log.push(`c@${s.nowMs}`);
        yield 70;
        log.push(`d@${s.nowMs}`);
      })(),
    );
    expect(done.label).toBe('sleeper');
    s.run({ untilMs: 99 });
    expect(done.fired).toBe(false);
    s.run({ untilMs: 100 });
    expect(log).toEqual(['a@0', 'b@30', 'c@30', 'd@100']);
    expect(done.fired).toBe(true);
  });

  it('resumes processes sleeping until the same time in the order they were spawned', () => {
    const s = new Scheduler();
    const log: string[] = [];
    const body = (name: string, delayMs: number) =>
      (function* (): Process {
        yield delayMs;
        log.push(`${name}@${s.nowMs}`);
      })();
    spawn(s, 'c', body('c', 10));
    spawn(s, 'a', body('a', 5));
    spawn(s, 'b', body('b', 10));
    s.run({ untilMs: 20 });
    expect(log).toEqual(['a@5', 'c@10', 'b@10']);
  });

  it('waits on a signal and resumes at the time it fires, waiters in the order they started waiting', () => {
    const s = new Scheduler();
    const gate = new Signal('gate');
    const log: string[] = [];
    const waiter = (name: string, startMs: number) =>
      (function* (): Process {
        yield startMs;
        yield gate;
        log.push(`${name}@${s.nowMs}`);
      })();
    spawn(s, 'late', waiter('late', 20));
    spawn(s, 'early', waiter('early', 10));
    s.at(50, 'open', () => gate.fire());
    s.run({ untilMs: 100 });
    expect(log).toEqual(['early@50', 'late@50']);
  });

  it('resumes a signal waiter in the urgent lane, ahead of normal events at the same time', () => {
    const s = new Scheduler();
    const gate = new Signal('gate');
    const log: string[] = [];
    spawn(
      s,
      'waiter',
      (function* (): Process {
        yield gate;
        log.push('waiter');
      })(),
    );
    s.at(5, 'open', () => gate.fire());
    s.at(5, 'bystander', () => log.push('bystander'));
    s.run({ untilMs: 5 });
    expect(log).toEqual(['waiter', 'bystander']);
  });

  it('continues at once (through the queue) after yielding an already fired signal', () => {
    const s = new Scheduler();
    const gate = new Signal('gate');
    gate.fire();
    const log: number[] = [];
    spawn(
      s,
      'p',
      (function* (): Process {
        yield 5;
        yield gate;
        log.push(s.nowMs);
      })(),
    );
    s.run({ untilMs: 10 });
    expect(log).toEqual([5]);
  });

  it('lets one process wait for another to finish', () => {
    const s = new Scheduler();
    const log: string[] = [];
    const child = spawn(
      s,
      'child',
      (function* (): Process {
        yield 40;
        log.push(`child done@${s.nowMs}`);
      })(),
    );
    spawn(
      s,
      'parent',
      (function* (): Process {
        yield child;
        log.push(`parent resumed@${s.nowMs}`);
      })(),
    );
    s.run({ untilMs: 100 });
    expect(log).toEqual(['child done@40', 'parent resumed@40']);
  });

  it('labels its events with the process label and subject', () => {
    const s = new Scheduler();
    const trace = recordTrace(s);
    spawn(
      s,
      'imds.refresh',
      (function* (): Process {
        yield 3;
      })(),
      'i-0abc',
    );
    s.run({ untilMs: 10 });
    expect(trace.records).toEqual([
      { timeMs: 0, priority: Priority.normal, seq: 0, label: 'imds.refresh', subject: 'i-0abc' },
      { timeMs: 3, priority: Priority.normal, seq: 1, label: 'imds.refresh', subject: 'i-0abc' },
    ]);
  });

  it.each([
    [-5, '-5'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
  ])('stops the run with SimulationError naming the process when it yields delay %s', (delayMs, text) => {
    const s = new Scheduler();
    spawn(
      s,
      'bad-proc',
      (function* (): Process {
        yield delayMs;
      })(),
    );
    let caught: unknown;
    try {
      s.run({ untilMs: 10 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SimulationError);
    expect((caught as Error).message).toContain('bad-proc');
    expect((caught as Error).message).toContain(text);
  });

  it('lets an error thrown inside a process stop the run loudly', () => {
    const s = new Scheduler();
    spawn(
      s,
      'crasher',
      (function* (): Process {
        yield 10;
        throw new Error('crashed on purpose');
      })(),
    );
    expect(() => s.run({ untilMs: 100 })).toThrow('crashed on purpose');
    expect(s.nowMs).toBe(10);
  });
});

describe('Signal', () => {
  it('fires once; later fires do nothing', () => {
    const signal = new Signal('s');
    let calls = 0;
    signal.onFire(() => calls++);
    signal.fire();
    signal.fire();
    expect(calls).toBe(1);
    expect(signal.fired).toBe(true);
  });

  it('calls a callback registered after firing at once', () => {
    const signal = new Signal('s');
    signal.fire();
    let called = false;
    signal.onFire(() => {
      called = true;
    });
    expect(called).toBe(true);
  });

  it('calls waiters in registration order', () => {
    const signal = new Signal('s');
    const order: number[] = [];
    for (let i = 0; i < 5; i++) signal.onFire(() => order.push(i));
    signal.fire();
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('allOf', () => {
  it('fires when the last of its signals fires, not before', () => {
    const a = new Signal('a');
    const b = new Signal('b');
    const all = allOf('all', [a, b]);
    a.fire();
    expect(all.fired).toBe(false);
    b.fire();
    expect(all.fired).toBe(true);
  });

  it('fires at once for an empty list or already fired signals', () => {
    expect(allOf('none', []).fired).toBe(true);
    const a = new Signal('a');
    a.fire();
    expect(allOf('fired', [a]).fired).toBe(true);
  });

  it('joins spawned processes at the time the slowest one finishes', () => {
    const s = new Scheduler();
    const sleeper = (delayMs: number) =>
      (function* (): Process {
        yield delayMs;
      })();
    const done = [15, 60, 30].map((d, i) => spawn(s, `w${i}`, sleeper(d)));
    let joinedAtMs: number | undefined;
    spawn(
      s,
      'join',
      (function* (): Process {
        yield allOf('workers', done);
        joinedAtMs = s.nowMs;
      })(),
    );
    s.run({ untilMs: 100 });
    expect(joinedAtMs).toBe(60);
  });
});

describe('mapReturn', () => {
  it('yields what the inner step yields and returns the mapped result, as a generator would', () => {
    function* inner(): Generator<Yieldable, number, void> {
      yield 10;
      yield 0;
      yield 25;
      return 4;
    }
    const run = (step: Generator<Yieldable, string, void>) => {
      const s = new Scheduler();
      const log: string[] = [];
      spawn(
        s,
        'p',
        (function* (): Process {
          const got = yield* step;
          log.push(`${got}@${s.nowMs}`);
        })(),
      );
      s.run({ untilMs: 1000 });
      return log;
    };
    const viaGenerator = run(
      (function* () {
        return `n${yield* inner()}`;
      })(),
    );
    const viaMap = run(mapReturn(inner(), (n) => `n${n}`));
    expect(viaMap).toEqual(['n4@35']);
    expect(viaMap).toEqual(viaGenerator);
    const done = mapReturn(inner(), (n) => n);
    while (done.next().done !== true);
    expect(done.next()).toEqual({ done: true, value: undefined });
  });
});
