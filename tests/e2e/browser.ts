import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { randomIp } from '../helpers/api';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The running Worker's origin, e.g. `http://127.0.0.1:8899`, from tests/setup/global.ts. */
    baseUrl: string;
  }
}

/** The origin of the Worker started by the global setup. */
export function baseUrl(): string {
  return inject('baseUrl');
}

const SYSTEM_CHROMIUMS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * The browser to drive: `CHROMIUM_PATH` when set, else a system Chromium when one is
 * installed, else the Chromium shipped inside the `@sparticuz/chromium` npm package (it
 * unpacks its binary to the temp folder on first use), so a machine with nothing but
 * `npm install` runs the browser tests.
 */
export async function chromiumExecutable(): Promise<{ path: string; source: string }> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) {
      throw new Error(`CHROMIUM_PATH is set to ${configured}, which does not exist.`);
    }
    return { path: configured, source: 'CHROMIUM_PATH' };
  }
  const system = SYSTEM_CHROMIUMS.find((candidate) => existsSync(candidate));
  if (system) return { path: system, source: 'system' };
  const { default: packaged } = await import('@sparticuz/chromium');
  return { path: await packaged.executablePath(), source: '@sparticuz/chromium' };
}

/** Launches Chromium headless, with nothing that reaches the internet. */
export async function launchBrowser(): Promise<Browser> {
  const { path } = await chromiumExecutable();
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh context (its own cookies and storage) and page on the site, in English unless
 * `locale` says otherwise, so text assertions do not depend on the machine's language.
 */
export async function openSite(
  browser: Browser,
  options: { locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    locale: options.locale ?? 'en-US',
    viewport: { width: 1280, height: 800 },
    // Each context is its own visitor: per-IP limits (10 sign-ups an hour) apply per test, as
    // for real users, instead of all browser tests sharing 127.0.0.1.
    extraHTTPHeaders: { 'CF-Connecting-IP': randomIp() },
  });
  const page = await context.newPage();
  return { context, page };
}
