// Writes src/api/types.gen.ts from the operation contract, wit/operations.schema.json. With --check, fails
// instead when the file is not up to date (the build runs it so).
import { readFileSync, writeFileSync } from 'node:fs';
import { generateTypes, loadSchema } from './schema-lib.mjs';

const target = new URL('../src/api/types.gen.ts', import.meta.url);
const text = generateTypes(loadSchema());
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(target, 'utf8'); } catch {}
  if (current !== text) {
    console.error('src/api/types.gen.ts is out of date with wit/operations.schema.json: run `npm run gen:types`');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log('wrote src/api/types.gen.ts');
}
