// Restoring worklogs from the journal on the Forge adapter (the jco-transpiled
// component in Node, src/ as on Forge, MariaDB for Forge SQL, the simulator over
// HTTP): 300 worklogs of two projects deleted in Jira, one of their authors then
// deactivated; an administrator runs restore.plan and restore.run (a slice per
// resolver call, as the admin page does). Afterwards the index and report.run
// equal the state before, the deactivated author's worklogs are the app's copies
// counted for them (asUser(accountId) refused, so the app wrote them), and a
// second run changes nothing. The wasmtime half is host/tests/all/restore.rs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { ensureBuild, mariadbUrl, startSim } from './support.mjs';
import { dropDatabase, freshDatabase, installForgeRuntime } from './shims/forge-runtime.mjs';

describe('restoring worklogs on the Forge adapter', () => {
  let runtime;
  let functions;
  let mysqlUrl;
  let sim;
  const database = `worklogs_restore_${process.pid}`;
  const installation = `ari:cloud:jira::site/restore-${process.pid}`;

  before(async () => {
    ensureBuild();
    mysqlUrl = mariadbUrl();
    runtime = installForgeRuntime({ mysqlUrl });
    functions = await import('../../src/index.js');
    sim = await startSim(1);
    await freshDatabase(mysqlUrl, database);
  });

  after(async () => {
    await sim?.stop();
    await runtime?.close();
    if (mysqlUrl) await dropDatabase(mysqlUrl, database);
  });

  const invoke = (accountId, fn) => runtime.invoke({ accountId, database, jiraUrl: sim.url }, fn);
  const job = (operation, input) =>
    invoke(undefined, () =>
      functions.longTask({ body: { operation, input, timeZone: 'UTC', locale: 'en-US' } }, { installContext: installation }),
    );
  const person = (accountId, operation, input) =>
    invoke(accountId, () =>
      functions.handler(
        {
          call: { functionKey: 'invoke', payload: { operation, input } },
          context: { cloudId: installation, localId: 'restore', moduleKey: 'worklogs-admin-page', extension: { type: 'jira:adminPage' }, timezone: 'UTC', locale: 'en-US' },
        },
        { installContext: installation, principal: { accountId } },
      ),
    );
  const ok = (result, what) => {
    assert.ok(result && 'ok' in result, `${what}: ${JSON.stringify(result?.error ?? result)}`);
    return result.ok;
  };
  const simPost = async (path, body) => {
    const response = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Sim-Principal': 'app' },
      body: JSON.stringify(body),
    });
    assert.ok(response.ok, `${path}: ${await response.text()}`);
  };
  const db = async (sql) => {
    const conn = await mysql.createConnection({ uri: `${mysqlUrl.replace(/\/$/, '')}/${database}` });
    try {
      const [rows] = await conn.query(sql);
      return rows;
    } finally {
      await conn.end();
    }
  };
  /** The index's worklogs without id and update time, sorted. */
  const indexContents = async () =>
    (
      await db(
        'SELECT w.issue, w.project, a.value AS author, w.started, w.seconds, v.value AS vis, t.value AS attrs, w.note <> 0 AS note ' +
          'FROM worklogs w JOIN dict a ON a.site = w.site AND a.id = w.author ' +
          'LEFT JOIN dict v ON v.site = w.site AND v.id = w.visibility ' +
          'LEFT JOIN dict t ON t.site = w.site AND t.id = w.attrs',
      )
    )
      .map((r) => JSON.stringify([String(r.issue), String(r.project), r.author, String(r.started), String(r.seconds), r.vis, r.attrs, Number(r.note)]))
      .sort();
  const report = async () =>
    ok(await job('report.run', { timeZone: 'UTC', period: { from: '2026-06-01', to: '2026-11-24' }, groupBy: ['person', 'issue'] }), 'report.run');

  test('300 deleted worklogs come back, as their authors or as the app, once', async () => {
    const demo = await (await fetch(`${sim.url}/sim/demo`)).json();
    const ids = new Map(demo.accounts.map((a) => [a.alias, a.accountId]));
    const dave = ids.get('dave');

    ok(await job('sync.full', { maxWorklogs: 1000, parallel: 2 }), 'sync.full');
    const indexBefore = await indexContents();
    const reportBefore = await report();

    // 150 worklogs of ALPHA and 150 of BETA, as the index holds them.
    const chosen = [];
    for (const project of [10000, 10001]) {
      chosen.push(...(await db(`SELECT id, issue, author FROM worklogs WHERE project = ${project} ORDER BY id LIMIT 150`)));
    }
    assert.equal(chosen.length, 300);
    const authors = await db('SELECT id, value FROM dict WHERE kind = 1');
    const accountOf = new Map(authors.map((a) => [String(a.id), a.value]));
    const count = new Map();
    for (const w of chosen) {
      const who = accountOf.get(String(w.author));
      if (who !== dave) count.set(who, (count.get(who) ?? 0) + 1);
    }
    const [goneAuthor, goneCount] = [...count.entries()].sort((a, b) => a[1] - b[1])[0];

    const fromMs = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    for (const w of chosen) {
      const response = await fetch(`${sim.url}/rest/api/3/issue/${w.issue}/worklog/${w.id}`, {
        method: 'DELETE',
        headers: { 'X-Sim-Principal': 'app' },
      });
      assert.equal(response.status, 204);
    }
    await simPost('/sim/clock', { advanceMs: 120_000 });
    const incremental = ok(await job('sync.incremental', {}), 'sync.incremental');
    assert.equal(incremental.totals.deleted, 300, JSON.stringify(incremental.totals));
    await simPost(`/sim/accounts/${encodeURIComponent(goneAuthor)}`, { status: 'deactivated' });
    await simPost('/sim/ratelimits', { preset: 'documented' });

    const selection = { fromMs, toMs: Date.now() + 3_600_000 };
    const plan = ok(await person(dave, 'restore.plan', selection), 'restore.plan');
    assert.equal(plan.totals.recreate.count, 300, JSON.stringify(plan.totals));
    assert.equal(plan.totals.cannot.count, 0);
    for (const w of plan.worklogs.filter((w) => w.author === goneAuthor)) assert.equal(w.path, 'app');

    const run = async () => {
      const slices = [];
      for (let i = 0; i < 100; i++) {
        const slice = ok(await person(dave, 'restore.run', selection), 'restore.run');
        slices.push(slice);
        if (!slice.more) return slices;
      }
      throw new Error('restore.run did not finish');
    };
    const started = performance.now();
    const slices = await run();
    const seconds = (performance.now() - started) / 1000;
    const totals = slices.at(-1).state.totals;
    assert.equal(totals.recreate.count, 300, JSON.stringify(totals));
    assert.ok(totals.asApp.count >= goneCount, JSON.stringify(totals));
    console.log(
      `node: restored 300 worklogs in ${slices.length} slices, ${seconds.toFixed(1)} s: ${(300 / seconds).toFixed(1)} worklogs/s under the documented rate limits`,
    );
    await fetch(`${sim.url}/sim/ratelimits`, { method: 'DELETE' });

    assert.deepEqual(await indexContents(), indexBefore, 'the index as before');
    assert.deepEqual(await report(), reportBefore, 'the report as before');
    // Impersonated writes went as the person (asUser(accountId)).
    assert.ok(runtime.requests.some((r) => r.principal === 'impersonate' && r.method === 'POST'));

    const again = await run();
    const second = again.at(-1).state.totals;
    assert.equal(second.recreate.count, 0, JSON.stringify(second));
    assert.equal(second.revert.count, 0);
    assert.equal(second.unchanged.count, 300);
  });
});
