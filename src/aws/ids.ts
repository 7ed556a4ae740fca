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
    return this.unique(() => 'AIPA' + this.stream.chars(UPPER_ALNUM, 17));
  }

  roleId(): string {
    return this.unique(() => 'AROA' + this.stream.chars(UPPER_ALNUM, 17));
  }

  associationId(): string {
    return this.unique(() => 'iip-assoc-' + this.stream.chars(HEX, 17));
  }

  instanceId(): string {
    return this.unique(() => 'i-' + this.stream.chars(HEX, 17));
  }

  accessKeyId(): string {
    return this.unique(() => 'ASIA' + this.stream.chars(UPPER_ALNUM, 16));
  }

  /** Reserves an id given explicitly by the scenario, so drawn ids never collide with it. */
  reserve(id: string): void {
    this.issued.add(id);
  }
}

/** `length` lower-case hex characters drawn from `stream` (instance ids, access keys). */
export function hexId(stream: RandomStream, length: number): string {
  return stream.chars(HEX, length);
}
