/**
 * JSON rendering of a comparison report: the report object as is (it was built JSON-friendly:
 * whole ms, no Infinity, null plus a flag for censored values), 2-space indented, trailing newline.
 * Key order is the order summarize builds objects in, which is fixed, so output is byte-stable.
 */
import type { CompareReport } from './types.ts';

/**
 * @throws Error if a non-finite number slipped into the report: JSON.stringify would silently
 *   turn it into null and lose the distinction between "censored" and "bug".
 */
export function renderJson(report: CompareReport): string {
  return `${JSON.stringify(report, guard, 2)}\n`;
}

function guard(key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(
      `report field ${JSON.stringify(key)} holds ${value}; censored values must be null with a flag`,
    );
  }
  return value;
}
