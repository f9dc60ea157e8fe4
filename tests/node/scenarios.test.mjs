// The cross-host scenarios (tests/scenarios/*.json) on the Forge adapter: the
// jco-transpiled component in Node, driven by src/ exactly as on Forge, with the
// real @forge/api, @forge/resolver and @forge/sql over a stand-in Forge runtime
// (shims/forge-runtime.mjs) that sends Jira requests to the simulator and SQL to
// MariaDB. Each scenario gets a fresh simulated site (its seed) and a fresh
// database. The wasmtime host runs the same files and must give the same answers.
//
// tests/node/fixtures/scenarios/ holds a few more, which also check this runner.
//
// Every Jira request made is recorded, and the last test checks each against the
// spec and the scopes manifest.yml declares.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBuild, mariadbUrl, root, startSim } from './support.mjs';
import { dropDatabase, freshDatabase, installForgeRuntime } from './shims/forge-runtime.mjs';
import { runSteps } from './scenario.mjs';
import { checkRequests } from './scopes.mjs';

const dirs = [path.join(root, 'tests/scenarios'), path.join(root, 'tests/node/fixtures/scenarios')];
const files = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f)),
);

describe('scenarios on the Forge adapter', () => {
  /** @type {ReturnType<typeof installForgeRuntime>} */
  let runtime;
  let functions;
  let mysqlUrl;

  before(async () => {
    ensureBuild();
    mysqlUrl = mariadbUrl();
    runtime = installForgeRuntime({ mysqlUrl });
    functions = await import('../../src/index.js');
  });

  after(async () => {
    await runtime?.close();
  });

  for (const [index, file] of files.entries()) {
    const scenario = JSON.parse(readFileSync(file, 'utf8'));
    const name = `${path.relative(root, file)}: ${scenario.name ?? ''}`;
    test(name, async () => {
      const sim = await startSim(scenario.seed ?? 42);
      const database = `worklogs_scenario_${process.pid}_${index}`;
      await freshDatabase(mysqlUrl, database);
      try {
        await runSteps(scenario, {
          functions,
          runtime: { invoke: (who, fn) => runtime.invoke({ ...who, jiraUrl: sim.url }, fn) },
          simUrl: sim.url,
          // One installation per scenario: the adapter migrates each one once.
          installation: `ari:cloud:jira::site/scenario-${process.pid}-${index}`,
          database,
        });
      } finally {
        await sim.stop();
        await dropDatabase(mysqlUrl, database);
      }
    });
  }

  test('every request the scenarios made is in the spec and allowed by the declared scopes', () => {
    assert.ok(runtime.requests.length > 0, 'the scenarios made requests');
    assert.deepEqual(checkRequests(runtime.requests), []);
  });
});
