// manifest.yml: Forge's own validator and client-side linters (offline), the
// "Runs on Atlassian" conditions, and the scopes against the Jira spec.
//
// @forge/lint's permission linter is left out: it downloads Atlassian's API specs.
// Its job (do the declared scopes cover the calls the code makes?) is done below
// against the spec in shared/reference/, for the paths the component builds; the
// paths the scenarios actually request are checked in scenarios.test.mjs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ensureBuild, root } from './support.mjs';
import {
  APP_APIS,
  checkRequests,
  declaredScopes,
  haveSources,
  matchTemplate,
  missingScopes,
  pathsInSources,
  specOperations,
} from './scopes.mjs';

const require = createRequire(import.meta.url);
const manifestText = readFileSync(path.join(root, 'manifest.yml'), 'utf8');
const manifest = parseYaml(manifestText);

/**
 * A directory laid out like the app for Forge's tools, which read `manifest.yml`,
 * `src/` and the resources relative to the working directory: the real files, and
 * a stand-in `ui/dist` until the UI is built.
 */
function appDirectory(text = manifestText) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'worklogs-forge-'));
  writeFileSync(path.join(dir, 'manifest.yml'), text);
  symlinkSync(path.join(root, 'src'), path.join(dir, 'src'));
  symlinkSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  const ui = path.join(root, 'ui/dist');
  mkdirSync(path.join(dir, 'ui'));
  if (existsSync(ui)) {
    // A copy, not a link: the validator wants a directory (it lstat()s the path).
    cpSync(ui, path.join(dir, 'ui/dist'), { recursive: true });
  } else {
    mkdirSync(path.join(dir, 'ui/dist'));
    writeFileSync(path.join(dir, 'ui/dist/index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(dir, 'ui/dist/icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  }
  return dir;
}

/** Runs `fn` with `dir` as the working directory. */
async function inDirectory(dir, fn) {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(previous);
  }
}

async function validate(dir) {
  const { validate: run } = require('@forge/manifest');
  return inDirectory(dir, () => run(false, 'manifest.yml'));
}

async function lint(dir) {
  const { getClientSideLintersOnly, lint: run } = require('@forge/lint');
  const quiet = { info() {}, warn() {}, debug() {}, error() {}, trace() {} };
  // The only feature-flag question the client-side linters ask.
  const statsig = { getDeprecatedRuntimes: async () => [] };
  return inDirectory(dir, async () => {
    const parsed = parseYaml(readFileSync('manifest.yml', 'utf8'));
    const linters = (await getClientSideLintersOnly(parsed, 'development', quiet, statsig)).filter(
      (linter) => linter.constructor.name !== 'PermissionLinter',
    );
    const files = ['src/index.js', 'src/task.js', 'src/effects.js', 'src/component.js', 'src/wasi.js'];
    const results = await run(files, parsed, 'development', quiet, statsig, { linter: { mode: 'client-side' }, linters });
    return results.flatMap((r) => [...r.errors, ...r.warnings, ...r.approvals].map((e) => `${r.file}:${e.line}: ${e.message}`));
  });
}

describe('manifest.yml', () => {
  const dirs = [];
  const dir = (text) => {
    const d = appDirectory(text);
    dirs.push(d);
    return d;
  };
  before(() => ensureBuild());
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('passes @forge/manifest full validation', async () => {
    const result = await validate(dir());
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.success, true);
  });

  test("passes @forge/lint's client-side linters", async () => {
    assert.deepEqual(await lint(dir()), []);
  });

  test('the linters do catch a handler that does not exist', async () => {
    const problems = await lint(dir(manifestText.replace('handler: index.longTask', 'handler: index.noSuchExport')));
    assert.ok(problems.some((p) => p.includes('noSuchExport')), problems.join('\n'));
  });

  test('is eligible for Runs on Atlassian', () => {
    assert.equal(manifest.remotes, undefined, 'no remotes');
    assert.equal(manifest.providers, undefined, 'no external auth providers');
    assert.equal(manifest.permissions?.external, undefined, 'no egress');
    assert.equal(manifest.modules.webtrigger, undefined, 'no web triggers');
    assert.equal(manifest.connectModules, undefined, 'no Connect modules');
    const content = JSON.stringify(manifest.permissions?.content ?? {});
    assert.ok(!content.includes('unsafe-eval'), "no 'unsafe-eval'");
  });

  test('declares the modules the app needs, each wired to a function that exists', async () => {
    for (const key of [
      'jira:issuePanel', 'jira:issueActivity', 'jira:issueGlance', 'jira:globalPage', 'jira:projectPage',
      'jira:adminPage', 'jira:timeTrackingProvider', 'trigger', 'scheduledTrigger', 'consumer', 'sql', 'function',
      'action', 'automation:actionProvider',
    ]) {
      assert.ok(manifest.modules[key]?.length, `modules.${key}`);
    }
    const events = manifest.modules.trigger.flatMap((t) => t.events);
    for (const e of ['created', 'updated', 'deleted']) assert.ok(events.includes(`avi:jira:${e}:worklog`), e);

    const functions = new Map(manifest.modules.function.map((f) => [f.key, f]));
    const exports = await import('../../src/index.js');
    for (const f of functions.values()) {
      const [file, name] = f.handler.split('.');
      assert.equal(file, 'index', f.handler);
      assert.equal(typeof exports[name], 'function', `src/index.js exports ${name}`);
    }
    for (const [kind, modules] of Object.entries(manifest.modules)) {
      for (const m of modules) {
        const key = m.function ?? m.resolver?.function;
        if (key) assert.ok(functions.has(key), `${kind} ${m.key} names the function ${key}`);
      }
    }
    const consumer = functions.get(manifest.modules.consumer[0].function);
    assert.equal(consumer.timeoutSeconds, 900, 'long tasks get the longest time limit');
    assert.ok(manifest.resources.some((r) => r.path === 'ui/dist'), 'the Custom UI bundle');
  });

  test('every Jira path the component builds is in the spec, allowed by the declared scopes', { skip: !haveSources() }, () => {
    const declared = declaredScopes();
    const found = pathsInSources(path.join(root, 'wasm/app/src'));
    assert.ok(found.length > 0, 'the component builds Jira paths with JiraPath::api');
    const problems = [];
    for (const { file, line, segments, methods } of found) {
      const where = `${file}:${line} (/${segments.map((s) => s ?? '{…}').join('/')})`;
      const template = matchTemplate(segments);
      if (!template) {
        problems.push(`${where}: no such path in the spec`);
        continue;
      }
      if (methods.length === 0) {
        problems.push(`${where}: no Method:: named in the same function, so its scopes cannot be checked`);
        continue;
      }
      for (const method of methods) {
        // A function may name several methods for several paths: check the
        // combinations the spec has.
        if (!specOperations().some((op) => op.method === method && op.template === template)) continue;
        const why = missingScopes(method, template, declared);
        if (why) problems.push(`${where}: ${why}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('the scope check refuses what the spec or the scopes do not allow', () => {
    assert.deepEqual(checkRequests([{ method: 'GET', path: '/rest/api/3/issue/ALPHA-2/worklog?startAt=0' }]), []);
    const problems = checkRequests([
      { method: 'PUT', path: '/rest/api/3/configuration/timetracking/options' },
      { method: 'GET', path: '/rest/api/3/no/such/thing' },
      { method: 'POST', path: '/app/something-else' },
    ]);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0], /needs one of \[manage:jira-configuration\] or \[write:issue.time-tracking:jira, read:issue.time-tracking:jira\]/);
    assert.match(problems[1], /matches no path of the spec/);
    assert.match(problems[2], /not in the spec/);
  });

  test('declares no scope that nothing needs', { skip: !haveSources() }, () => {
    const declared = declaredScopes();
    const needed = new Set();
    const templates = pathsInSources(path.join(root, 'wasm/app/src')).flatMap(({ segments, methods }) => {
      const template = matchTemplate(segments);
      return template ? methods.map((method) => [method, template]) : [];
    });
    for (const [method, template] of [...templates, ...Object.keys(APP_APIS).map((k) => k.split(' '))]) {
      const ops = specOperations().filter((op) => op.method === method && op.template === template);
      const alternatives = APP_APIS[`${method} ${template}`] ? [APP_APIS[`${method} ${template}`]] : ops.flatMap((op) => op.alternatives);
      const satisfied = alternatives.find((scopes) => scopes.every((s) => declared.has(s)));
      satisfied?.forEach((s) => needed.add(s));
    }
    // Forge's product events on worklogs are delivered to apps that can read them.
    needed.add('read:jira-work');
    assert.deepEqual([...declared].filter((s) => !needed.has(s)), []);
  });
});
