import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/**
 * Four projects:
 * - unit: pure logic and the dev-service stand-ins, in Node;
 * - workers: Durable Objects inside workerd through the Workers vitest integration;
 * - integration: the real Worker under `wrangler dev` (workerd) with real Postgres, over HTTP;
 * - e2e: the built site in Debian's Chromium driven by playwright-core.
 * integration and e2e share one global setup that starts the dev services and the Worker.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.unit.test.ts'],
          environment: 'node',
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            // The jobs Worker (wrangler.jobs.toml) is not part of this project: the objects
            // tested here never call it, and a call would fail loudly rather than pass.
            miniflare: {
              serviceBindings: {
                JOBS: () =>
                  new Response('the jobs Worker does not run in the workers project', {
                    status: 503,
                  }),
              },
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['tests/**/*.worker.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.unit.test.ts', 'tests/**/*.worker.test.ts', 'tests/e2e/**'],
          globalSetup: ['tests/setup/global.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/setup/global.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
