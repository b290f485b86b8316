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

/** Launches Debian's Chromium headless, with nothing that reaches the internet. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
