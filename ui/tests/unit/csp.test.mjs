// The built bundle (ui/dist) runs under Forge's Custom UI CSP without 'unsafe-eval':
// no WebAssembly, no eval, no new Function, no inline script. And it fits the budget.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { measure, BUDGET_BYTES } from '../../scripts/budget.mjs';

const dist = new URL('../../dist/', import.meta.url);
const built = existsSync(new URL('index.html', dist));

test('the bundle holds index.html and icon.svg at its root', { skip: !built && 'run `npm run build` first' }, () => {
  assert.ok(existsSync(new URL('index.html', dist)));
  assert.ok(existsSync(new URL('icon.svg', dist)));
});

test('no WebAssembly, eval or new Function in the built JavaScript', { skip: !built && 'run `npm run build` first' }, () => {
  const files = readdirSync(new URL('assets/', dist)).filter((f) => f.endsWith('.js'));
  assert.ok(files.length > 3);
  for (const f of files) {
    const js = readFileSync(new URL(`assets/${f}`, dist), 'utf8');
    assert.doesNotMatch(js, /WebAssembly\s*\./, `${f} uses WebAssembly`);
    assert.doesNotMatch(js, /(^|[^.\w$])eval\s*\(/, `${f} calls eval`);
    assert.doesNotMatch(js, /new\s+Function\s*\(/, `${f} uses new Function`);
  }
  for (const page of ['index.html', 'frame.html']) {
    const html = readFileSync(new URL(page, dist), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${page} has an inline script`);
  }
});

test('initial JS + CSS fit the budget, and the core is lazy', { skip: !built && 'run `npm run build` first' }, () => {
  const m = measure();
  assert.ok(m.initialGzip <= BUDGET_BYTES, `initial ${m.initialGzip} B gzipped > ${BUDGET_BYTES}`);
  assert.ok(!m.initialFiles.some((f) => f.includes('worklogs_web')), 'the core is in the initial load');
  assert.ok(m.lazy.some((f) => f.file.includes('worklogs_web')), 'the core chunk is missing');
});
