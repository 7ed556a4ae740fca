/**
 * Errors raised by the kernel. They are programming errors of the model built on top (a negative
 * delay, time going backwards), never user mistakes, so they carry the offending value.
 */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

/** Raised when a run exceeds one of its resource caps (events, queue size). */
export class ResourceCapError extends Error {
  override readonly name = 'ResourceCapError';
  constructor(
    readonly cap: string,
    readonly limit: number,
    message: string,
  ) {
    super(message);
  }
}
