// Measures the bundle: what index.html loads before the app can run (its script,
// module preloads and stylesheets) gzipped, against the budget, and every lazy
// chunk. `node scripts/budget.mjs` prints the figures and fails over budget.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 100 * 1024;
const dist = new URL('../dist/', import.meta.url);

const gz = (file) => gzipSync(readFileSync(new URL(file, dist)), { level: 9 }).length;
const raw = (file) => readFileSync(new URL(file, dist)).length;

export function measure(page = 'index.html') {
  const html = readFileSync(new URL(page, dist), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const initialFiles = [...new Set(refs)];
  const initial = initialFiles.map((file) => ({ file, raw: raw(file), gzip: gz(file) }));
  const lazy = readdirSync(new URL('assets/', dist))
    .map((f) => `assets/${f}`)
    .filter((f) => /\.(js|css)$/.test(f) && !initialFiles.includes(f))
    .map((file) => ({ file, raw: raw(file), gzip: gz(file) }));
  // On Forge the bridge loads before the first call: its chunk and what it imports.
  const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8'));
  const closure = (key, seen = new Set()) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) return seen;
    seen.add(chunk.file);
    for (const css of chunk.css ?? []) seen.add(css);
    for (const dep of chunk.imports ?? []) closure(dep, seen);
    return seen;
  };
  const forgeFiles = [...closure('src/bridge/forge.ts')].filter((f) => !initialFiles.includes(f));
  const forgeGzip = forgeFiles.reduce((a, f) => a + gz(f), 0);
  return {
    initialFiles,
    forgeFiles,
    forgeGzip,
    initial,
    initialGzip: initial.reduce((a, f) => a + f.gzip, 0),
    initialRaw: initial.reduce((a, f) => a + f.raw, 0),
    lazy,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const m = measure();
  console.log('Initial load of index.html (JS + CSS):');
  for (const f of m.initial) console.log(`  ${f.file.padEnd(44)} ${kb(f.raw).padStart(10)} ${kb(f.gzip).padStart(10)} gz`);
  console.log(`  ${'total'.padEnd(44)} ${kb(m.initialRaw).padStart(10)} ${kb(m.initialGzip).padStart(10)} gz (budget ${kb(BUDGET_BYTES)})`);
  console.log(`On Forge, @forge/bridge too (${m.forgeFiles.join(', ')}): ${kb(m.initialGzip + m.forgeGzip)} gz before the first call`);
  console.log('Lazy chunks (views, the Forge bridge, the core, the local frame):');
  for (const f of m.lazy) console.log(`  ${f.file.padEnd(44)} ${kb(f.raw).padStart(10)} ${kb(f.gzip).padStart(10)} gz`);
  if (m.initialGzip > BUDGET_BYTES) {
    console.error(`over budget: ${kb(m.initialGzip)} > ${kb(BUDGET_BYTES)}`);
    process.exit(1);
  }
}
