/**
 * Identifiers in AWS's shapes, drawn from one seeded stream so they are deterministic per seed:
 * `AIPA…` instance profiles, `AROA…` roles, `iip-assoc-…` associations, `i-…` instances,
 * `ASIA…` temporary access keys.
 */
import type { RandomStream } from '../engine/index.ts';
import { HexIdSet } from './hex-id-set.ts';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';

export class IdFactory {
  /** Every id issued or reserved, except those of the two shapes below. */
  private readonly issued = new Set<string>();
  /**
   * Instance and association ids of the long form (17 hex digits), kept compactly: a fleet has
   * several per instance (hex-id-set.ts says why). An id of either shape is only ever equal to
   * another of the same shape, so looking in its own set is the same test as looking in `issued`.
   */
  private readonly instanceIds = new HexIdSet('i-');
  private readonly associationIds: HexIdSet;
  /**
   * Reserved ids starting `i-`, not yet put in their set: only instanceId() asks about them (no
   * other shape starts so), and a fleet reserves every instance's id while many runs never launch
   * one, so the set is filled at the first launch instead.
   */
  private pendingInstanceIds: string[] = [];

  /**
   * `expectedAssociations`: how many association ids the factory is expected to issue (a fleet's
   * seeded associations and their replacements; see HexIdSet's constructor). Instance ids need
   * no such room: a fleet's are reserved, and held only once a launch draws one.
   */
  constructor(
    private readonly stream: RandomStream,
    expectedAssociations = 0,
  ) {
    this.associationIds = new HexIdSet('iip-assoc-', expectedAssociations);
  }

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

  /** unique() for ids drawn in `set`'s shape, which are always of it. */
  private uniqueHex(set: HexIdSet): string {
    for (;;) {
      const id = this.stream.chars(HEX, 17, set.prefix);
      if (set.add(id) === true) return id;
    }
  }

  instanceProfileId(): string {
    return this.unique(() => this.stream.chars(UPPER_ALNUM, 17, 'AIPA'));
  }

  roleId(): string {
    return this.unique(() => this.stream.chars(UPPER_ALNUM, 17, 'AROA'));
  }

  associationId(): string {
    return this.uniqueHex(this.associationIds);
  }

  instanceId(): string {
    if (this.pendingInstanceIds.length > 0) {
      for (const id of this.pendingInstanceIds) this.holdReserved(id);
      this.pendingInstanceIds = [];
    }
    return this.uniqueHex(this.instanceIds);
  }

  accessKeyId(): string {
    return this.unique(() => this.stream.chars(UPPER_ALNUM, 16, 'ASIA'));
  }

  /** Reserves an id given explicitly by the scenario, so drawn ids never collide with it. */
  reserve(id: string): void {
    if (id.startsWith('i-')) this.pendingInstanceIds.push(id);
    else this.holdReserved(id);
  }

  /** Puts a reserved id where the draws of its shape look. */
  private holdReserved(id: string): void {
    if (this.instanceIds.add(id) === undefined && this.associationIds.add(id) === undefined)
      this.issued.add(id);
  }
}

/** `prefix` and `length` lower-case hex characters drawn from `stream` (instance ids, access keys). */
export function hexId(stream: RandomStream, length: number, prefix = ''): string {
  return stream.chars(HEX, length, prefix);
}
