/**
 * Writes a report's three renderings next to each other. Each file is written to a temporary
 * name in the same directory and renamed into place, so a reader (or a crash) never sees a
 * half-written report: rename within one filesystem is atomic.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import type { CompareReport } from './types.ts';

function writeAtomically(path: string, content: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, 'utf8');
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes `${outPrefix}.md`, `${outPrefix}.json` and `${outPrefix}.html`, creating the directory.
 * Everything is rendered before anything is written, so a rendering error leaves no files behind.
 * @returns the three paths, in that order.
 * @throws the file system's error (e.g. EACCES) if a directory or file cannot be written.
 */
export function writeReports(report: CompareReport, outPrefix: string): string[] {
  const files: [string, string][] = [
    [`${outPrefix}.md`, renderMarkdown(report)],
    [`${outPrefix}.json`, renderJson(report)],
    [`${outPrefix}.html`, renderHtml(report)],
  ];
  mkdirSync(dirname(outPrefix), { recursive: true });
  for (const [path, content] of files) writeAtomically(path, content);
  return files.map(([path]) => path);
}
