// The simulation kernel: time, events, randomness, delays. It imports nothing from the AWS model.
export * from './distributions.ts';
export * from './errors.ts';
export * from './process.ts';
export * from './queue.ts';
export * from './random.ts';
export * from './scheduler.ts';
export { formatClock } from './time-format.ts';
