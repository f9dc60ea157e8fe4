// Forge SQL's DML rate on the Forge adapter: Forge refuses more than 150 DML
// statements (INSERT, REPLACE, UPDATE, DELETE) a second per installation, where
// the local host only paces them. The stand-in runtime (shims/forge-runtime.mjs)
// refuses past 150 here as Forge does; the component keeps its own DML under the
// rate (docs/reliability.md, "Forge SQL's DML rate"), so a full sync of a few
// thousand worklogs completes with no statement refused, and a restore, whose
// slices follow each other within a second, has what is refused sent again.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuild, mariadbUrl, startSim } from './support.mjs';
import { dropDatabase, freshDatabase, installForgeRuntime } from './shims/forge-runtime.mjs';
import mysql from 'mysql2/promise';

const WORKLOGS = Number(process.env.DML_RATE_WORKLOGS ?? 5000);

let runtime;
let functions;
let mysqlUrl;

before(async () => {
  ensureBuild();
  mysqlUrl = mariadbUrl();
  runtime = installForgeRuntime({ mysqlUrl, dmlPerSecond: 150 });
  functions = await import('../../src/index.js');
});

after(async () => {
  await runtime?.close();
});

const installation = `ari:cloud:jira::site/dml-${process.pid}`;

function job(s, operation, input) {
  return runtime.invoke({ database: s.database, jiraUrl: s.sim.url }, () =>
    functions.longTask({ body: { operation, input, timeZone: 'UTC', locale: 'en-US' } }, { installContext: installation }),
  );
}

function person(s, accountId, operation, input) {
  return runtime.invoke({ accountId, database: s.database, jiraUrl: s.sim.url }, () =>
    functions.handler(
      {
        call: { functionKey: 'invoke', payload: { operation, input } },
        context: { cloudId: installation, localId: 'dml', timezone: 'UTC', locale: 'en-US' },
      },
      { installContext: installation, principal: { accountId } },
    ),
  );
}

/** Runs a sliced operation until it answers `more: false`; the answers. */
async function untilDone(run, label) {
  const answers = [];
  for (let slices = 0; slices < 200; slices += 1) {
    const answer = await run();
    assert.ok(answer && 'ok' in answer, `${label}: ${JSON.stringify(answer)}`);
    answers.push(answer.ok);
    if (!answer.ok.more) return answers;
  }
  throw new Error(`${label} does not end`);
}

test('the shim refuses DML past 150 a second, as Forge SQL does', async () => {
  const database = `worklogs_dml_shim_${process.pid}`;
  await freshDatabase(mysqlUrl, database);
  const sql = (query) =>
    runtime.invoke({ database, jiraUrl: 'http://127.0.0.1:9' }, () =>
      globalThis.__forge_fetch__({ type: 'sql' }, '/api/v1/execute', {
        method: 'POST',
        body: JSON.stringify({ query, params: [] }),
      }),
    );
  try {
    await sql('CREATE TABLE t (a INT)');
    const before = runtime.sql.refused;
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => sql(`INSERT INTO t VALUES (${i})`)));
    const refused = answers.filter((r) => r.status === 429);
    assert.ok(refused.length >= 50, `${refused.length} refused`);
    assert.equal(runtime.sql.refused - before, refused.length);
    const body = await refused[0].json();
    assert.equal(body.code, 'RATE_LIMIT_EXCEEDED');
    // Selects are not DML.
    assert.equal((await sql('SELECT COUNT(*) AS n FROM t')).status, 200);
  } finally {
    await dropDatabase(mysqlUrl, database);
  }
});

test(`a full sync of ${WORKLOGS} worklogs and a restore of 200 deleted ones stay under Forge SQL's DML rate`, { timeout: 900_000 }, async () => {
  const sim = await startSim(2, ['--worklogs', String(WORKLOGS)]);
  const database = `worklogs_dml_${process.pid}`;
  await freshDatabase(mysqlUrl, database);
  const s = { sim, database };
  const pool = mysql.createPool({ uri: `${mysqlUrl.replace(/\/$/, '')}/${database}`, connectionLimit: 2 });
  try {
    const demo = await (await fetch(`${sim.url}/sim/demo`)).json();
    const dave = demo.accounts.find((a) => a.alias === 'dave').accountId;
    const start = { ...runtime.sql };
    let t0 = performance.now();
    const slices = await untilDone(() => job(s, 'sync.full', { maxWorklogs: 20_000 }), 'sync.full');
    const syncMs = performance.now() - t0;
    const sync = { dml: runtime.sql.dml - start.dml, refused: runtime.sql.refused - start.refused };
    const [[{ n }]] = await pool.query('SELECT COUNT(*) AS n FROM worklogs');
    assert.equal(Number(n), WORKLOGS, `${n} worklogs indexed`);
    assert.equal(sync.refused, 0, `sync.full: ${sync.refused} DML statements refused`);
    console.log(
      `sync.full of ${WORKLOGS} worklogs: ${slices.length} slices, ${sync.dml} DML statements in ${(syncMs / 1000).toFixed(1)} s, ` +
        `none refused; the most in a second: ${runtime.sql.peakDmlPerSecond}`,
    );

    // 200 worklogs deleted in Jira itself, seen by the sync, restored from the
    // journal: each recreated worklog is written to the index and journaled.
    const [rows] = await pool.query(
      'SELECT w.id, w.issue, a.value AS author FROM worklogs w JOIN dict a ON a.site = w.site AND a.id = w.author ORDER BY w.id LIMIT 200',
    );
    await new Promise((r) => setTimeout(r, 5));
    const fromMs = Date.now();
    for (const r of rows) {
      const response = await fetch(`${sim.url}/rest/api/3/issue/${r.issue}/worklog/${r.id}`, {
        method: 'DELETE',
        headers: { 'X-Sim-Account': r.author },
      });
      assert.equal(response.status, 204, await response.text());
    }
    await fetch(`${sim.url}/sim/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 120_000 }),
    });
    await untilDone(() => job(s, 'sync.incremental', {}), 'sync.incremental');
    await new Promise((r) => setTimeout(r, 5));
    const selection = { fromMs, toMs: Date.now() + 1 };
    const mid = { ...runtime.sql };
    t0 = performance.now();
    const restored = await untilDone(() => person(s, dave, 'restore.run', selection), 'restore.run');
    const restoreMs = performance.now() - t0;
    const restore = { dml: runtime.sql.dml - mid.dml, refused: runtime.sql.refused - mid.refused };
    const [[{ m }]] = await pool.query('SELECT COUNT(*) AS m FROM worklogs');
    // The restore paces its own writes; what another invocation just used of
    // the same second is refused (429, `throttled`) and sent again after a
    // wait, so every deleted worklog is back in the index.
    assert.equal(Number(m), WORKLOGS, `${m} worklogs indexed after the restore`);
    console.log(
      `restore.run of ${rows.length} worklogs: ${restored.length} slices, ${restore.dml} DML statements in ` +
        `${(restoreMs / 1000).toFixed(1)} s, ${restore.refused} refused and sent again; the most in a second: ${runtime.sql.peakDmlPerSecond}`,
    );
    assert.ok(runtime.sql.peakDmlPerSecond <= 150);
  } finally {
    await pool.end();
    await sim.stop();
    await dropDatabase(mysqlUrl, database);
  }
});
