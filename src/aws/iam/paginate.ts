/**
 * Marker/MaxItems pagination for the IAM List operations.
 *
 * Items are listed in a deterministic order (by key, compared by UTF-16 code units, never by
 * locale). A marker remembers the key of the last item handed out, so the next page starts after
 * it: every item that exists for the whole listing is returned exactly once even when others are
 * created or deleted between pages, as with IAM's own markers. Markers are opaque handles issued by
 * the service (keys can be longer than markerType's 320 characters once encoded), scoped to the
 * listing that issued them; an unknown or foreign marker is InvalidInput.
 */
import { byString } from '../../canonical-json.ts';
import { Errors } from '../errors.ts';

export interface PageRequest {
  readonly marker: string | undefined;
  readonly maxItems: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly IsTruncated: boolean;
  /** Present only when IsTruncated. */
  readonly Marker?: string;
}

interface MarkerEntry {
  readonly scope: string;
  readonly afterKey: string;
}

/** The service's issued markers. Bounded: the oldest are forgotten first (IAM markers expire too). */
export class MarkerTable {
  private readonly entries = new Map<string, MarkerEntry>();
  private issuedCount = 0;

  constructor(private readonly capacity = 10_000) {}

  issue(scope: string, afterKey: string): string {
    this.issuedCount++;
    // Opaque but deterministic: the same call sequence always yields the same markers.
    const marker = Buffer.from(`iamsim-marker/${this.issuedCount}`).toString('base64');
    this.entries.set(marker, { scope, afterKey });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return marker;
  }

  /** @throws AwsError InvalidInput for a marker this listing did not issue. */
  resolve(scope: string, marker: string): string {
    const entry = this.entries.get(marker);
    if (entry === undefined || entry.scope !== scope) throw Errors.invalidMarker();
    return entry.afterKey;
  }
}

/**
 * One page of `items` (any order; sorted here by `keyOf`) after the request's marker.
 * `scope` names the listing (operation plus its arguments) so markers are not reused across listings.
 */
export function paginate<T>(
  markers: MarkerTable,
  scope: string,
  items: readonly T[],
  keyOf: (item: T) => string,
  request: PageRequest,
): Page<T> {
  const afterKey = request.marker === undefined ? undefined : markers.resolve(scope, request.marker);
  const sorted = [...items].sort((a, b) => byString(keyOf(a), keyOf(b)));
  const remaining = afterKey === undefined ? sorted : sorted.filter((item) => keyOf(item) > afterKey);
  const page = remaining.slice(0, request.maxItems);
  if (remaining.length <= request.maxItems) return { items: page, IsTruncated: false };
  const last = page[page.length - 1]!;
  return { items: page, IsTruncated: true, Marker: markers.issue(scope, keyOf(last)) };
}
