import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrationKeys } from '../../src/calibration.ts';
import { schemaText } from '../../src/commands/schema.ts';
import { callNames } from '../../src/scenario/operations.ts';
import { scenarioJsonSchema } from '../../src/scenario/schema.ts';

const committed = new URL('../../scenarios/schema.json', import.meta.url);

describe('JSON Schema', () => {
  it('scenarios/schema.json is the generated schema (regenerate: node src/bin.js schema > scenarios/schema.json)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(schemaText());
  });

  it('is draft-07, strict at the top, and lists what editors should complete', () => {
    const schema = scenarioJsonSchema() as {
      $schema: string;
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { properties?: Record<string, { properties?: Record<string, unknown> }> }>;
      definitions: Record<string, unknown>;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'regions']);
    expect(Object.keys(schema.properties.calibration!.properties!.overrides!.properties!)).toEqual([
      ...calibrationKeys,
    ]);
    expect(Object.keys(schema.definitions)).toEqual(
      expect.arrayContaining([
        'Duration',
        'Distribution',
        'Step',
        'Fault',
        'Targets',
        'ChangeTarget',
        'Sdk',
        'Region',
      ]),
    );
    expect(JSON.stringify(schema.definitions.Step)).toContain(JSON.stringify(callNames[0]));
  });

  it('scenario files in scenarios/ point editors at it', () => {
    const dir = new URL('../../scenarios/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.shrunk.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(readFileSync(new URL(f, dir), 'utf8').split('\n')[0], f).toBe(
        '# yaml-language-server: $schema=./schema.json',
      );
    }
  });
});
