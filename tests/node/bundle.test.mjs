// The functions as Forge deploys them: bundled by Forge's own bundler
// (@forge/bundler's Node bundler, the webpack configuration `forge deploy`
// uses), then loaded from the bundle and run in Node.
//
// Offline: the bundler's only network need is the Forge runtime's wrapper and
// loader scripts, which `forge deploy` fetches from Atlassian's CDN and ships
// beside the bundle; the bundle itself does not contain or need them, so this
// test hands the bundler empty stand-ins.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureBuild, root } from './support.mjs';
import { installMemoryRuntime, myself, resolverEvent } from './shims/memory-runtime.mjs';

const require = createRequire(import.meta.url);

describe('the bundled functions', () => {
  let output;
  let bundled;

  before(async () => {
    ensureBuild();
    // Its webpack configuration insists on a CommonJS main module (`require.main`),
    // which a test file, an ES module, is not.
    process.mainModule ??= { filename: path.join(root, 'package.json') };
    const { getNodeBundler } = require('@forge/bundler');
    const quiet = { info() {}, warn() {}, debug() {}, error: console.error, trace() {} };
    const stub = async () => ({ script: '', source: 'test', version: 'test' });
    const wrapperProvider = { getNodeRuntimeWrapper: stub, getNodeRuntimeLoader: stub };
    // No `app.package` settings in manifest.yml: the default (webpack) bundler.
    const configReader = { readConfig: async () => ({ app: {} }) };
    const previous = process.cwd();
    process.chdir(root);
    try {
      output = await getNodeBundler(quiet, wrapperProvider, configReader).bundle({
        appDirectory: root,
        entryPoints: [{ name: 'index', path: path.join(root, 'src/index.js') }],
      });
    } finally {
      process.chdir(previous);
    }
    bundled = require(path.join(output.outputDir, 'index.cjs'));
  });

  after(() => {
    if (output?.outputDir) rmSync(output.outputDir, { recursive: true, force: true });
  });

  test('is one file holding the component, the SDK and the adapter', () => {
    const file = path.join(output.outputDir, 'index.cjs');
    assert.ok(existsSync(file));
    const size = statSync(file).size;
    assert.ok(size > 500_000, `the inlined component is in the bundle (${size} bytes)`);
    for (const name of ['handler', 'worklogEvent', 'syncSchedule', 'privacySchedule', 'timerSchedule', 'auditSchedule', 'longTask']) {
      assert.equal(typeof bundled[name], 'function', name);
    }
    assert.ok(output.metadata.sdkImports.has('@forge/api.assumeTrustedRoute'));
  });

  test('runs a task through the bundled resolver', async () => {
    const memory = installMemoryRuntime({
      onProduct: ({ path: p }) => (p === '/rest/api/3/myself' ? { status: 200, body: myself } : { status: 404 }),
    });
    const result = await bundled.handler(...resolverEvent('me', {}, { installation: 'ari:cloud:jira::site/bundle' }));
    assert.deepEqual(result, { ok: { ...myself, mayMeasureCost: false } });
    assert.ok(memory.migrations.length > 0, 'the migrations ran through the bundled @forge/sql');
    const unknown = await bundled.handler(...resolverEvent('nope', {}, { installation: 'ari:cloud:jira::site/bundle' }));
    assert.equal(unknown.error.code, 'invalid-input');
  });
});
