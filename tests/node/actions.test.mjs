// The `action` modules (Rovo agents, Jira Automation rules) through the Forge
// adapter, as Forge invokes them: the function gets the action's inputs (and
// Forge's own `context` beside them) and the invocation's principal. Each runs
// its operation as that person, with the UI's validation and rights: the real
// component on jco, the real @forge/api and @forge/sql over the stand-in runtime,
// Jira from the simulator, SQL on MariaDB (as scenarios.test.mjs).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ensureBuild, mariadbUrl, root, startSim } from './support.mjs';
import { dropDatabase, freshDatabase, installForgeRuntime } from './shims/forge-runtime.mjs';
import { installMemoryRuntime } from './shims/memory-runtime.mjs';

const manifest = parseYaml(readFileSync(path.join(root, 'manifest.yml'), 'utf8'));
const NOW = Date.parse('2026-11-24T12:00:00Z');

/** What Forge puts beside an action's inputs: where it was invoked (Rovo's shape). */
const rovoContext = { cloudId: 'test', moduleKey: 'worklogs-log-time', jira: { issueKey: 'ALPHA-2' } };

describe('the action modules in the manifest', () => {
  test('log time and start / stop a timer, each a function of the adapter, offered to Automation and Rovo', async () => {
    const functions = new Map(manifest.modules.function.map((f) => [f.key, f.handler]));
    const actions = new Map(manifest.modules.action.map((a) => [a.key, a]));
    const index = await import('../../src/index.js');
    for (const [key, handler, verb] of [
      ['worklogs-log-time', 'index.logTimeAction', 'CREATE'],
      ['worklogs-start-timer', 'index.startTimerAction', 'CREATE'],
      ['worklogs-stop-timer', 'index.stopTimerAction', 'UPDATE'],
    ]) {
      const a = actions.get(key);
      assert.ok(a, key);
      assert.equal(a.actionVerb, verb, key);
      assert.equal(functions.get(a.function), handler, key);
      assert.equal(typeof index[handler.split('.')[1]], 'function', handler);
      for (const [name, input] of Object.entries(a.inputs)) {
        for (const field of ['title', 'type', 'description']) assert.ok(input[field] !== undefined, `${key}.${name}.${field}`);
        assert.equal(typeof input.required, 'boolean', `${key}.${name}.required`);
      }
    }
    assert.deepEqual(actions.get('worklogs-log-time').inputs.issue.required, true);
    assert.deepEqual(manifest.modules['automation:actionProvider'][0].actions, [...actions.keys()]);
    // And to Rovo, through the app's agent.
    assert.deepEqual(manifest.modules['rovo:agent'][0].actions, [...actions.keys()]);
  });
});

describe('who may invoke an action', () => {
  test('an action invoked without an account id is refused, never run as the app', async () => {
    const index = await import('../../src/index.js');
    const memory = installMemoryRuntime({});
    for (const fn of [index.logTimeAction, index.startTimerAction, index.stopTimerAction]) {
      for (const principal of [undefined, {}, { accountId: '' }]) {
        const result = await fn({ issue: 'ALPHA-2' }, { installContext: 'ari:cloud:jira::site/x', principal });
        assert.equal(result.error?.code, 'forbidden', JSON.stringify(result));
      }
    }
    assert.equal(memory.calls.length, 0, 'nothing was read or written');
  });
});

describe('log time through the action, against the simulator', () => {
  let runtime;
  let index;
  let sim;
  let mysqlUrl;
  let people;
  const database = `worklogs_actions_${process.pid}`;
  const installation = `ari:cloud:jira::site/actions-${process.pid}`;

  before(async () => {
    ensureBuild();
    mysqlUrl = mariadbUrl();
    runtime = installForgeRuntime({ mysqlUrl });
    index = await import('../../src/index.js');
    sim = await startSim(42);
    await freshDatabase(mysqlUrl, database);
    const demo = await (await fetch(`${sim.url}/sim/demo`)).json();
    people = new Map(demo.accounts.map((a) => [a.alias, a.accountId]));
  });

  after(async () => {
    await sim?.stop();
    if (mysqlUrl) await dropDatabase(mysqlUrl, database);
    await runtime?.close();
  });

  /** Runs an action function as `alias`, as Forge invokes it. */
  async function act(fn, alias, payload, at = NOW) {
    const accountId = people.get(alias);
    const now = Date.now;
    Date.now = () => at;
    try {
      return await runtime.invoke({ accountId, database, jiraUrl: sim.url }, () =>
        fn(payload, { installContext: installation, principal: { accountId } }),
      );
    } finally {
      Date.now = now;
    }
  }

  test('reaches worklog.log as the calling user', async () => {
    const result = await act(index.logTimeAction, 'alice', {
      issue: 'ALPHA-2',
      started: '2026-11-24T09:30:00+01:00',
      timeSpent: '1h 30m',
      comment: 'from a rule',
      context: rovoContext,
    });
    assert.ok('ok' in result, JSON.stringify(result));
    assert.equal(result.ok.author.accountId, people.get('alice'));
    assert.equal(result.ok.timeSpentSeconds, 5400);
    assert.equal(result.ok.comment, 'from a rule');
    // The person's own rights: it is in their timesheet, logged as them.
    const week = await runtime.invoke({ accountId: people.get('alice'), database, jiraUrl: sim.url }, () =>
      index.handler(
        { call: { functionKey: 'invoke', payload: { operation: 'timesheet.week', input: { date: '2026-11-24' } } }, context: {} },
        { installContext: installation, principal: { accountId: people.get('alice') } },
      ),
    );
    assert.equal(week.ok.rows[0].worklogs[0].id, result.ok.id);
  });

  test('an issue the caller may not log on is refused with a named error', async () => {
    const refused = await act(index.logTimeAction, 'erin', { issue: 'ALPHA-2', started: '2026-11-24T09:30:00Z', seconds: 600 });
    assert.equal(refused.error?.code, 'forbidden', JSON.stringify(refused));
    assert.match(refused.error.message, /WORK_ON_ISSUES/);
    const hidden = await act(index.logTimeAction, 'alice', { issue: 'OPS-2', started: '2026-11-24T09:30:00Z', seconds: 600 });
    assert.equal(hidden.error?.code, 'not-found', JSON.stringify(hidden));
  });

  test('unknown and missing inputs are the component’s invalid-input, naming the field', async () => {
    const unknown = await act(index.logTimeAction, 'alice', {
      issue: 'ALPHA-2',
      started: '2026-11-24T09:30:00Z',
      seconds: 600,
      hours: 2,
    });
    assert.equal(unknown.error?.code, 'invalid-input', JSON.stringify(unknown));
    assert.match(unknown.error.message, /hours/);
    const missing = await act(index.logTimeAction, 'alice', { started: '2026-11-24T09:30:00Z', seconds: 600 });
    assert.equal(missing.error?.code, 'invalid-input', JSON.stringify(missing));
    assert.match(missing.error.message, /issue/);
    const badTime = await act(index.logTimeAction, 'alice', { issue: 'ALPHA-2', started: '2026-11-24T09:30:00Z', timeSpent: '3x' });
    assert.equal(badTime.error?.code, 'invalid-input');
    assert.match(badTime.error.message, /timeSpent/);
  });

  test('a timer started by one action and stopped by another logs the time it ran, as the caller', async () => {
    const started = await act(index.startTimerAction, 'alice', { issue: 'ALPHA-3', comment: 'from a rule', context: rovoContext });
    assert.equal(started.ok?.timer?.state, 'running', JSON.stringify(started));
    // Another person's "stop my timer" finds none of hers.
    const other = await act(index.stopTimerAction, 'bob', { action: 'log' }, NOW + 20 * 60_000);
    assert.equal(other.error?.code, 'not-found', JSON.stringify(other));
    // Twenty minutes later, "stop my timer" without an id: the running one, logged.
    const stopped = await act(index.stopTimerAction, 'alice', { action: 'log' }, NOW + 20 * 60_000);
    assert.ok('ok' in stopped, JSON.stringify(stopped));
    assert.equal(stopped.ok.id, started.ok.timer.id);
    assert.equal(stopped.ok.loggedSeconds, 1200);
    assert.equal(stopped.ok.worklog.author.accountId, people.get('alice'));
    assert.equal(stopped.ok.worklog.comment, 'from a rule');
    const bad = await act(index.stopTimerAction, 'alice', { action: 'keep' });
    assert.equal(bad.error?.code, 'invalid-input');
    assert.match(bad.error.message, /action/);
  });
});
