// Kill -9 on the Forge adapter (docs/reliability.md, "Kill -9"): the full sync as
// the queue consumer runs it (src/index.js `longTask`, the jco-transpiled
// component, MariaDB through the stand-in runtime), in a process of its own
// (kill-child.mjs) killed with SIGKILL at seeded-random moments while it writes
// (after the index grew in that attempt), started again each time, then let
// finish. The index must then hold exactly the simulator's worklogs: every id
// once, each with Jira's issue, start and seconds. tests/python/test_kill9.py
// does the same to the wasmtime host on SQLite and MariaDB.
//
// Bounded: a 20,000-worklog world, three kills; KILL9_SEED (default 1) picks the
// moments and a failure names it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { ensureBuild, mariadbUrl, root, startSim } from './support.mjs';
import { dropDatabase, freshDatabase } from './shims/forge-runtime.mjs';

const SEED = Number(process.env.KILL9_SEED ?? 1);
const KILLS = 3;
const child = path.join(root, 'tests/node/kill-child.mjs');

/** A seeded generator of numbers in [0, 1) (mulberry32). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let sim;
let mysqlUrl;
let pool;
const database = `worklogs_kill9_${process.pid}`;

before(async () => {
  ensureBuild();
  mysqlUrl = mariadbUrl();
  sim = await startSim(3, ['--worklogs', '20000']);
  await freshDatabase(mysqlUrl, database);
  pool = mysql.createPool({ uri: `${mysqlUrl.replace(/\/$/, '')}/${database}`, connectionLimit: 2 });
});

after(async () => {
  await pool?.end();
  await sim?.stop();
  if (mysqlUrl) await dropDatabase(mysqlUrl, database);
});

/** The index's worklog count; 0 before the tables exist. */
async function indexed() {
  try {
    const [rows] = await pool.query('SELECT COUNT(*) AS n FROM worklogs');
    return Number(rows[0].n);
  } catch {
    return 0;
  }
}

/** Starts one consumer invocation of `sync.full`: the process and its answer. */
function consumer() {
  const input = JSON.stringify({ maxWorklogs: 1000, parallel: 1 });
  const process_ = spawn(
    process.execPath,
    [child, mysqlUrl, database, sim.url, `ari:cloud:jira::site/kill9-${process.pid}`, 'sync.full', input],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  process_.stdout.on('data', (chunk) => (out += chunk));
  process_.stderr.on('data', (chunk) => (err += chunk));
  const ended = new Promise((resolve) => process_.once('exit', (code, signal) => resolve({ code, signal, out, err })));
  return { process: process_, ended };
}

/** Jira's worklogs: id → [issue, started, seconds]. */
async function jiraWorklogs() {
  const headers = { 'X-Sim-Principal': 'app', 'content-type': 'application/json' };
  const ids = new Set();
  for (let since = 0; ; ) {
    const page = await (await fetch(`${sim.url}/rest/api/3/worklog/updated?since=${since}`, { headers })).json();
    for (const v of page.values) ids.add(v.worklogId);
    if (page.lastPage) break;
    since = page.until;
  }
  const all = [...ids];
  const facts = new Map();
  for (let i = 0; i < all.length; i += 1000) {
    const response = await fetch(`${sim.url}/rest/api/3/worklog/list`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ids: all.slice(i, i + 1000) }),
    });
    for (const w of await response.json()) {
      const started = Date.parse(w.started.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
      facts.set(Number(w.id), [Number(w.issueId), started, w.timeSpentSeconds]);
    }
  }
  return facts;
}

test('a full sync on the Forge adapter killed at random moments resumes without loss or duplicates', async (t) => {
  const next = random(SEED);
  const kills = [];
  for (let attempt = 0; attempt < KILLS; attempt += 1) {
    const before = await indexed();
    const run = consumer();
    let exited = false;
    run.ended.then(() => (exited = true));
    // Wait until this attempt writes (it has resumed), then a seeded-random moment more.
    while (!exited && (await indexed()) <= before) await sleep(20);
    await sleep(next() * 400);
    if (exited) break; // finished before the kill: nothing left to interrupt
    run.process.kill('SIGKILL');
    const { signal } = await run.ended;
    assert.equal(signal, 'SIGKILL');
    kills.push(await indexed());
  }
  assert.ok(kills.length > 0, `seed ${SEED}: no kill landed during the import`);
  assert.ok(kills[0] < 20_000, `seed ${SEED}: the first kill came after the import (${kills})`);

  // Then started until an invocation ends the import.
  let answer;
  for (let i = 0; i < 20; i += 1) {
    const { code, out, err } = await consumer().ended;
    assert.equal(code, 0, `seed ${SEED}: ${err}`);
    answer = JSON.parse(out.trim().split('\n').pop());
    assert.ok('ok' in answer, `seed ${SEED}: ${out}`);
    if (!answer.ok.more) break;
  }
  assert.equal(answer.ok.more, false, JSON.stringify(answer));
  t.diagnostic(`seed ${SEED}: killed with ${kills.join(', ')} worklogs indexed`);

  const jira = await jiraWorklogs();
  const [rows] = await pool.query('SELECT id, issue, started, seconds FROM worklogs ORDER BY id');
  const ids = rows.map((r) => Number(r.id));
  assert.equal(new Set(ids).size, ids.length, `seed ${SEED}, kills at ${kills} rows: duplicate rows`);
  const stored = new Set(ids);
  const missing = [...jira.keys()].filter((id) => !stored.has(id));
  const extra = ids.filter((id) => !jira.has(id));
  assert.deepEqual([missing.slice(0, 10), extra.slice(0, 10)], [[], []], `seed ${SEED}, kills at ${kills} rows`);
  for (const r of rows) {
    assert.deepEqual([Number(r.issue), Number(r.started), Number(r.seconds)], jira.get(Number(r.id)), `worklog ${r.id}`);
  }
});
