import { copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

const siteRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * The API docs page (/api/docs) loads Scalar from our own origin, because the Worker
 * may run where there is no internet: copy its standalone bundle into the build.
 */
function vendorScalar(): Plugin {
  const from = fileURLToPath(
    new URL('../node_modules/@scalar/api-reference/dist/browser/standalone.js', import.meta.url),
  );
  const to = fileURLToPath(new URL('./dist/vendor/scalar/standalone.js', import.meta.url));
  return {
    name: 'webox-vendor-scalar',
    apply: 'build',
    async closeBundle() {
      await mkdir(dirname(to), { recursive: true });
      await copyFile(from, to);
    },
  };
}

export default defineConfig({
  root: siteRoot,
  plugins: [preact(), vendorScalar()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    // `vite --config site/vite.config.ts` serves the site with hot reload and passes
    // /api through to the Worker under `wrangler dev`.
    proxy: { '/api': process.env.WEBOX_API_ORIGIN ?? 'http://127.0.0.1:8787' },
  },
});
