/**
 * The dependency direction the layout promises, checked on the source text: the kernel imports
 * nothing from the domain, and simulation code never reads the wall clock or Math.random.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2] ?? '');
}

describe('architecture', () => {
  it('the kernel (src/engine) imports only itself, node: modules and seedrandom', () => {
    const offenders: string[] = [];
    for (const path of files(join(src, 'engine'))) {
      for (const spec of importsOf(path)) {
        const ok = spec.startsWith('./') || spec.startsWith('node:') || spec === 'seedrandom';
        if (!ok) offenders.push(`${relative(src, path)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the AWS model does not import the instance model, simulation, CLI or reports', () => {
    const offenders: string[] = [];
    for (const path of files(join(src, 'aws'))) {
      for (const spec of importsOf(path)) {
        if (
          /(instance|simulate|cli|commands|report|strategies|runbook)/.test(spec) &&
          spec.startsWith('..')
        ) {
          offenders.push(`${relative(src, path)} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('no Math.random or Date.now in source, except progress display marked wall-clock', () => {
    const offenders: string[] = [];
    for (const path of files(src)) {
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/Math\.random|Date\.now\(/.test(line) && !line.includes('// wall-clock:')) {
            offenders.push(`${relative(src, path)}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    expect(offenders).toEqual([]);
  });
});
