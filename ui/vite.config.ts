// One Custom UI bundle for every Jira module (index.html), and the local frame
// that imitates Jira around it (frame.html, used by the local host only).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * The core's JavaScript (scripts/build-web.sh) comes from wasm-bindgen's bundler
 * target, which imports `./worklogs_web_bg.wasm`; wasm2js turned that module into
 * `worklogs_web_bg.wasm.js`, an ES module with the same exports. Resolve one to the
 * other, so no WebAssembly reaches the browser.
 */
function wasm2js(): Plugin {
  return {
    name: 'worklogs-wasm2js',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!source.endsWith('_bg.wasm') || !importer) return null;
      const file = resolve(importer, '..', `${source}.js`);
      if (!existsSync(file)) {
        this.error(`${file} is missing: run scripts/build-web.sh first`);
      }
      return file;
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [wasm2js()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    manifest: true, // dist/.vite/manifest.json: scripts/budget.mjs follows its imports
    rolldownOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        frame: resolve(import.meta.dirname, 'frame.html'),
      },
      output: {
        // Preact is shared by the bundle and the frame: give its chunk its own name.
        codeSplitting: { groups: [{ name: 'preact', test: /node_modules[\\/]preact/ }] },
      },
    },
  },
  server: {
    // `npm run dev` against a running local host.
    proxy: { '/api': process.env.WORKLOGS_URL ?? 'http://127.0.0.1:8080' },
  },
});
