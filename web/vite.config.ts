// The dashboard's build. Everything is bundled into web/dist (the runner serves it from there): no CDN, no
// external URL, no inline script, so the page works offline under the runner's strict CSP.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inlined assets would become data: URLs; keep every asset a real file served by the runner.
    assetsInlineLimit: 0,
    // A module-preload polyfill is injected as code; modern Chromium needs none.
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    host: '127.0.0.1',
    // `vite --config web/vite.config.ts` during development: the runner serves /api.
    proxy: { '/api': 'http://127.0.0.1:4280' },
  },
});
