/**
 * Finds a Chromium for the browser tests, with no download from outside the npm registry.
 *
 * A system chromium (Debian's `chromium` on the PATH, or /usr/bin/chromium) is preferred when
 * present because it starts faster; otherwise the Chromium shipped compressed inside the npm
 * package `@sparticuz/chromium` (a devDependency) is unpacked to the temp directory and used, so a
 * fresh clone's `npm ci && npm test` needs nothing else. IAMSIM_BROWSER=npm forces the npm build
 * (to prove a bare machine works), IAMSIM_BROWSER=/path picks a binary.
 *
 * Never returns "no browser": if none can be found it throws, so the browser test fails, never
 * skips (a skipped browser test looks green while the charts go unchecked).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export interface BrowserChoice {
  readonly executablePath: string;
  readonly args: readonly string[];
  /** Where the binary came from, for the test's failure messages. */
  readonly source: 'system' | 'npm:@sparticuz/chromium' | 'IAMSIM_BROWSER';
}

const COMMON_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `chromium` on PATH, then Debian's fixed location; undefined when there is none. */
export function findSystemChromium(pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(delimiter)) {
    if (dir !== '' && executable(join(dir, 'chromium'))) return join(dir, 'chromium');
  }
  return executable('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** Chooses a browser as described at the top of this file; throws when none can be had. */
export async function chooseChromium(env = process.env): Promise<BrowserChoice> {
  const wanted = env.IAMSIM_BROWSER;
  if (wanted !== undefined && wanted !== '' && wanted !== 'npm') {
    if (!executable(wanted)) throw new Error(`IAMSIM_BROWSER=${wanted} is not an executable file`);
    return { executablePath: wanted, args: COMMON_ARGS, source: 'IAMSIM_BROWSER' };
  }
  if (wanted !== 'npm') {
    const system = findSystemChromium(env.PATH);
    if (system !== undefined) return { executablePath: system, args: COMMON_ARGS, source: 'system' };
  }
  // The package unpacks its brotli-compressed binary (~67 MB) to os.tmpdir() on first use.
  const { default: packaged } = await import('@sparticuz/chromium');
  const executablePath = await packaged.executablePath();
  return {
    executablePath,
    // Its own flags (single process, software GL) are what that build needs in a container.
    args: [...new Set([...packaged.args, ...COMMON_ARGS])],
    source: 'npm:@sparticuz/chromium',
  };
}

/**
 * Opens the local file `path` in a new page of `browser` and collects what a report must never
 * cause: console errors and warnings, page errors, and any request that is not a local file.
 */
export async function openReportPage(
  browser: Browser,
  path: string,
): Promise<{ readonly page: Page; readonly problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning')
      problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    if (!req.url().startsWith('file:')) problems.push(`network request: ${req.url()}`);
  });
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  return { page, problems };
}
