/**
 * Identifiers in AWS's shapes, drawn from one seeded stream so they are deterministic per seed:
 * `AIPA…` instance profiles, `AROA…` roles, `iip-assoc-…` associations, `i-…` instances,
 * `ASIA…` temporary access keys.
 */
import type { RandomStream } from '../engine/index.ts';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';

export class IdFactory {
  private readonly issued = new Set<string>();

  constructor(private readonly stream: RandomStream) {}

  private unique(make: () => string): string {
    // Collisions are astronomically unlikely, but a duplicate id would corrupt the model: redraw.
    for (;;) {
      const id = make();
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  instanceProfileId(): string {
    return this.unique(() => this.stream.chars(UPPER_ALNUM, 17, 'AIPA'));
  }

  roleId(): string {
    return this.unique(() => this.stream.chars(UPPER_ALNUM, 17, 'AROA'));
  }

  associationId(): string {
    return this.unique(() => this.stream.chars(HEX, 17, 'iip-assoc-'));
  }

  instanceId(): string {
    return this.unique(() => this.stream.chars(HEX, 17, 'i-'));
  }

  accessKeyId(): string {
    return this.unique(() => this.stream.chars(UPPER_ALNUM, 16, 'ASIA'));
  }

  /** Reserves an id given explicitly by the scenario, so drawn ids never collide with it. */
  reserve(id: string): void {
    this.issued.add(id);
  }
}

/** `prefix` and `length` lower-case hex characters drawn from `stream` (instance ids, access keys). */
export function hexId(stream: RandomStream, length: number, prefix = ''): string {
  return stream.chars(HEX, length, prefix);
}
