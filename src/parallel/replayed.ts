/**
 * A slice simulated against a recording of the shared world (src/world/replay.ts): the thread
 * records the shared world once (the first slice it is given; later slices of the same run reuse
 * the recording), then simulates the slice's instances a chunk at a time against its replay.
 * Same result as runSlice's plain slice (tests compare them), at a fraction of the memory, and
 * faster at scale: a chunk's instances stay in the cache.
 */
import {
  CauseRecorder,
  type SharedCauses,
  type SharedCausesData,
  sharedCausesData,
  sharedCausesFromData,
} from '../check/causes.ts';
import { ResourceCapError } from '../engine/index.ts';
import type { InstanceResult, RunResult } from '../result.ts';
import type { Scenario } from '../scenario/types.ts';
import { EVENTS_MAX_DEFAULT, type SimulateOptions, simulate } from '../simulate.ts';
import {
  logData,
  logFromData,
  type SharedLog,
  type SharedLogData,
  SharedPlayer,
  SharedRecorder,
} from '../world/replay.ts';
import { capReachedPart, type SlicePart, type SliceRunOptions, type SliceTask } from './slice.ts';

/**
 * Instances simulated at once. Small enough that a chunk's state stays in the caches, large
 * enough that building a chunk's world (IAM, EC2 and the stores, a fixed cost) stays small
 * against simulating it. Measured at 200,000 instances, 24 h, one thread, a loaded machine: 56-62
 * us per instance with chunks of 200 to 1,000, 74 with 5,000, 94 with 20,000.
 */
const REPLAY_CHUNK_INSTANCES = 1000;

/** A thread's recording of one run's shared world (keyed by the scenario and the options). */
interface Recording {
  readonly log: SharedLog;
  /** The shared world's run: its result without instances (undefined: the recording came from another thread), its events and calls. */
  readonly shared: RunResult | undefined;
  readonly sharedEvents: number;
  readonly calls: number;
  readonly keptSteps: boolean;
  /** What the shared world's cause recorder logged (runs with causes: SliceRunOptions.explain). */
  readonly causes: SharedCauses | undefined;
}

const recordings = new WeakMap<Scenario, Map<string, Recording | 'plain' | 'capReached'>>();

/**
 * `task`'s part of the run, simulated against the thread's recording of the shared world (made
 * now if it has none); undefined when the run cannot be replayed (then the caller runs the
 * slice plainly), for instance when the runbook launches instances that are not the scenario's.
 * `onChunk` hears after each chunk how many of the slice's instances are done (a progress display).
 */
export function replayedSlice(
  scenario: Scenario,
  options: SliceRunOptions,
  task: SliceTask,
  chunkInstances: number = REPLAY_CHUNK_INSTANCES,
  onChunk?: (instancesDone: number) => void,
): SlicePart | undefined {
  const recording = recordingFor(scenario, options, task.shared);
  if (recording === 'plain') return undefined;
  if (recording === 'capReached') return capReachedPart();
  const instances: InstanceResult[] = [];
  const upDeltas = new Map<number, number>();
  let targets = 0;
  let instanceEvents = 0;
  const eventsMax = options.eventsMax ?? EVENTS_MAX_DEFAULT;
  for (let from = task.fromIndex; from < task.toIndex; from += chunkInstances) {
    const to = Math.min(task.toIndex, from + chunkInstances);
    // With causes, the chunk's recorder keeps its instances' own logs and reads the shared ones.
    const causes = recording.causes === undefined ? undefined : new CauseRecorder(scenario, recording.causes);
    const raw = chunkRun(scenario, {
      seed: options.seed,
      ...(options.timelines !== undefined ? { timelines: options.timelines } : {}),
      ...(options.responses !== undefined ? { responses: options.responses } : {}),
      // A chunk counts the shared events it replays (at most all of them) and its own: past
      // this, the whole run is surely over its cap, even inside one runaway chunk.
      eventsMax: Math.max(0, eventsMax - instanceEvents),
      replay: recording.log,
      ...(causes === undefined ? {} : { observers: [causes] }),
      slice: {
        fromIndex: from,
        toIndex: to,
        keepsSteps: false,
        finished: (f) => {
          targets += f.targets;
          instanceEvents += f.instanceEvents;
          for (const [atMs, d] of f.upDeltas) upDeltas.set(atMs, (upDeltas.get(atMs) ?? 0) + d);
        },
      },
    });
    if (raw === undefined) return capReachedPart();
    const result = causes === undefined ? raw : causes.explain(raw);
    for (const i of result.instances) instances.push(i);
    // The whole run's count so far (its shared events and these instances'): over the cap, the
    // chunks left are not simulated, and a runaway scenario stops about where a whole run would.
    if (recording.sharedEvents + instanceEvents > eventsMax) return capReachedPart();
    onChunk?.(to - task.fromIndex);
  }
  return {
    instances,
    sharedEvents: recording.sharedEvents,
    instanceEvents,
    targets,
    upDeltas: [...upDeltas],
    stepCount: recording.calls,
    changeStartMs: recording.log.changeStartMs,
    ...(task.shared ? { shared: recording.shared! } : {}),
  };
}

/** simulate(), or undefined when the run went over its event cap. */
function chunkRun(scenario: Scenario, options: SimulateOptions): RunResult | undefined {
  try {
    return simulate(scenario, options);
  } catch (e) {
    if (e instanceof ResourceCapError) return undefined;
    throw e;
  }
}

/** The thread's recording for this run, made when there is none (or none with the steps asked). */
function recordingFor(
  scenario: Scenario,
  options: SliceRunOptions,
  keepSteps: boolean,
): Recording | 'plain' | 'capReached' {
  const byOptions = recordingsOf(scenario);
  const key = recordingKey(options);
  const known = byOptions.get(key);
  if (known !== undefined && (typeof known === 'string' || known.keptSteps || !keepSteps)) return known;
  const made = record(scenario, options, keepSteps);
  byOptions.set(key, made);
  return made;
}

/** This thread's recordings of `scenario`'s runs, by recordingKey. */
function recordingsOf(scenario: Scenario): Map<string, Recording | 'plain' | 'capReached'> {
  let byOptions = recordings.get(scenario);
  if (byOptions === undefined) {
    byOptions = new Map();
    recordings.set(scenario, byOptions);
  }
  return byOptions;
}

/** Drops this thread's recordings of `scenario`'s runs (a run on one thread that is over). */
export function forgetRecordings(scenario: Scenario): void {
  recordings.delete(scenario);
}

/** The key of a run's recordings (a thread keeps one per scenario and options). */
function recordingKey(options: SliceRunOptions): string {
  return JSON.stringify([
    options.seed,
    options.eventsMax,
    options.timelines,
    options.responses,
    options.explain,
  ]);
}

/** A recording as data for another thread: the log and what a slice's part says of the shared run. */
export interface RecordingData {
  readonly log: SharedLogData;
  readonly sharedEvents: number;
  readonly calls: number;
  readonly causes: SharedCausesData | undefined;
}

/**
 * This thread's recording of the run (made now if it has none, keeping the step records), as
 * data that the run's other threads adopt (adoptRecording) instead of recording it again: the
 * recording is serial, and two threads recording at once each took ~1.8x as long as one alone
 * (measured at 400,000 instances). With causes, what the cause recorder logged of the shared
 * world travels too. Undefined when the run cannot be replayed.
 */
export function shareRecording(scenario: Scenario, options: SliceRunOptions): RecordingData | undefined {
  const recording = recordingFor(scenario, options, true);
  if (typeof recording === 'string') return undefined;
  return {
    log: logData(recording.log),
    sharedEvents: recording.sharedEvents,
    calls: recording.calls,
    causes: recording.causes === undefined ? undefined : sharedCausesData(recording.causes),
  };
}

/** Takes `data` (shareRecording's, from another thread) as this thread's recording of the run. */
export function adoptRecording(scenario: Scenario, options: SliceRunOptions, data: RecordingData): void {
  recordingsOf(scenario).set(recordingKey(options), {
    log: logFromData(data.log),
    shared: undefined,
    sharedEvents: data.sharedEvents,
    calls: data.calls,
    // Without the shared part: a slice that must send it (task.shared) records again.
    keptSteps: false,
    causes: data.causes === undefined ? undefined : sharedCausesFromData(data.causes),
  });
}

function record(
  scenario: Scenario,
  options: SliceRunOptions,
  keepSteps: boolean,
): Recording | 'plain' | 'capReached' {
  const recorder = new SharedRecorder(options.explain, scenario.instances.length);
  const causes = options.explain ? new CauseRecorder(scenario) : undefined;
  let calls = 0;
  let instanceEvents = 0;
  let result: RunResult;
  try {
    result = simulate(scenario, {
      seed: options.seed,
      ...(options.eventsMax !== undefined ? { eventsMax: options.eventsMax } : {}),
      ...(options.responses !== undefined ? { responses: options.responses } : {}),
      record: recorder,
      ...(causes === undefined ? {} : { observers: [causes] }),
      slice: {
        fromIndex: 0,
        toIndex: 0,
        keepsSteps: keepSteps,
        finished: (f) => {
          calls = f.calls;
          instanceEvents = f.instanceEvents;
        },
      },
    });
  } catch (e) {
    if (e instanceof ResourceCapError) return 'capReached';
    throw e;
  }
  if (!SharedPlayer.canReplay(recorder.log)) return 'plain';
  return {
    log: recorder.log,
    // The shared part's causes: its failed calls'.
    shared: { ...(causes === undefined ? result : causes.explain(result)), instances: [] },
    sharedEvents: result.eventsProcessed - instanceEvents,
    calls,
    keptSteps: keepSteps,
    causes: causes?.sharedCauses(),
  };
}
