/**
 * The one test for "a mapping" in parsed input (YAML, JSON, request parameters): an object that is
 * neither null nor an array. A leaf module at the bottom of the import order, so the loader and
 * the AWS model's request validation use the same test without importing each other.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
