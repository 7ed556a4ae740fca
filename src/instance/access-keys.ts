/**
 * Temporary access key ids (`ASIA` + 16 upper-case hex digits), unique and deterministic without
 * a random draw: the instance's index and its issuance count. Built from cached hex, since every
 * credential issuance at fleet scale makes one.
 */
/** Upper-case hex of 0..255, two digits each. */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0').toUpperCase());

/** 8 upper-case hex digits of `n` (0 <= n < 2^32), or more digits beyond. */
function hex8(n: number): string {
  if (n >= 2 ** 32) return n.toString(16).toUpperCase();
  return (
    HEX_BYTE[(n >>> 24) & 255]! +
    HEX_BYTE[(n >>> 16) & 255]! +
    HEX_BYTE[(n >>> 8) & 255]! +
    HEX_BYTE[n & 255]!
  );
}

/** `ASIA` + the instance index as 8 upper-case hex digits. */
export function accessKeyPrefix(instanceIndex: number): string {
  return `ASIA${hex8(instanceIndex)}`;
}

/** hex8 of the first issuance counts, made once: an instance issues a few dozen credentials per run. */
const COUNT_HEX_CACHED = 1024;
const countHex: string[] = [];

/** `ASIA` + 16 upper-case hex digits from the instance's index (in the prefix) and its issuance count. */
export function accessKeyId(prefix: string, count: number): string {
  if (count >= COUNT_HEX_CACHED) return prefix + hex8(count);
  let hex = countHex[count];
  if (hex === undefined) {
    hex = hex8(count);
    countHex[count] = hex;
  }
  return prefix + hex;
}
