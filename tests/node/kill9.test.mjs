// Kill -9 on the Forge adapter (docs/reliability.md, "Kill -9"): the long jobs
// as Forge starts them (src/index.js, the jco-transpiled component, MariaDB
// through the stand-in runtime), each in a process of its own (kill-child.mjs)
// killed with SIGKILL at seeded-random moments while it writes (after what it
// writes grew in that attempt), started again each time, then let finish.
// tests/python/test_kill9.py does the same to the wasmtime host on SQLite and
// MariaDB.
//
// - The full sync, as the queue consumer runs it (`longTask`): the index then
//   holds exactly the simulator's worklogs, every id once, each with Jira's
//   issue, start and seconds.
// - A restore of worklogs deleted in Jira itself (`restore.run`, through the
//   resolver as the admin page calls it, a slice an invocation): every deleted
//   worklog is in Jira again exactly once, with its issue, author, start and
//   seconds, and the index is Jira's after the next sync.
// - The daily backup (`backupSchedule`, the scheduled trigger's function): the
//   archive is complete, verifies, and holds an uninterrupted archive's rows;
//   then the archive's restore (`backup.restore.run`, through the resolver):
//   the app's tables equal the archive's.
// - The one statement's window between a job's audit entry and its checkpoint
//   (`restore.run` and `backup.restore.run` at their end, `backupSchedule` at
//   the backup's start), which random moments hardly ever hit: each run in a
//   process that kills itself right after its entry is written (kill-child.mjs
//   ACTION), then started until it ends: one entry each, the killed run's; the
//   restore's counts what it recreated, the backup's names the one archive.
//
// Bounded: small worlds (20,000 worklogs for the sync, 2,000 for the restore,
// 20,000 saved reports for the backup, 300 worklogs for the audit entries),
// three or four kills each (one for each audit entry); KILL9_SEED (default 1)
// picks the moments (and the worklogs deleted) and a failure names it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { demoPeople, ensureBuild, invokeAdapter, mariadbUrl, quietMinute, root, simRequest, startSim } from './support.mjs';
import { dropDatabase, freshDatabase, installForgeRuntime } from './shims/forge-runtime.mjs';

const SEED = Number(process.env.KILL9_SEED ?? 1);
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

let mysqlUrl;
// The adapter in this process too, for what is not killed (imports, the
// reference runs, the checks); the killed runs are kill-child.mjs's.
let runtime;
let functions;
/** @type {Array<{ close: () => Promise<void> }>} */
const sites = [];
/** @type {Array<{ stop: () => Promise<void> }>} */
const sims = [];

before(async () => {
  ensureBuild();
  mysqlUrl = mariadbUrl();
  runtime = installForgeRuntime({ mysqlUrl });
  functions = await import('../../src/index.js');
});

after(async () => {
  await runtime?.close();
  for (const s of sites) await s.close();
  for (const sim of sims) await sim.stop();
});

/** Starts `jira-sim --seed 3` with `extra` flags; stopped after the tests. */
async function simulator(extra = []) {
  const sim = await startSim(3, extra);
  sims.push(sim);
  return sim;
}

/**
 * An installation on `sim` with a MariaDB database of its own (dropped after
 * the tests): runs operations to their end in this process (`run`), starts one
 * in a process of its own to kill (`start`), and reads the database (`rows`,
 * `count`, `setting`).
 *
 * @param {{ url: string }} sim
 * @param {string} name
 */
async function site(sim, name) {
  const database = `worklogs_kill9_${process.pid}_${name}`;
  const installation = `ari:cloud:jira::site/kill9-${process.pid}-${name}`;
  await freshDatabase(mysqlUrl, database);
  const pool = mysql.createPool({ uri: `${mysqlUrl.replace(/\/$/, '')}/${database}`, connectionLimit: 2 });
  const s = {
    sim,
    database,
    installation,
    /** The rows of `sql`. */
    async rows(sql, params = []) {
      const [rows] = await pool.query(sql, params);
      return rows;
    },
    /** The number `sql` answers; 0 before the tables exist. */
    async count(sql) {
      try {
        return Number(Object.values((await s.rows(sql))[0])[0]);
      } catch {
        return 0;
      }
    },
    /** The stored JSON setting `name` (a job's checkpoint), if any. */
    async setting(name) {
      try {
        const [row] = await s.rows('SELECT value FROM settings WHERE name = ?', [name]);
        return row ? JSON.parse(row.value) : undefined;
      } catch {
        return undefined;
      }
    },
    /** Runs `operation` to its end here (see support.mjs `invokeAdapter`); the last answer. */
    run: (operation, input, via = 'consumer') =>
      invokeAdapter({ runtime, functions, database, jiraUrl: sim.url, installation }, via, operation, input),
    /**
     * Starts `operation` in a process of its own (kill-child.mjs): the process,
     * and its end with the last answer. With `dieAfterEntry` (an action), the
     * process kills itself right after that action's audit entry is written.
     */
    start(operation, input, via = 'consumer', dieAfterEntry = undefined) {
      const process_ = spawn(
        process.execPath,
        [child, mysqlUrl, database, sim.url, installation, operation, JSON.stringify(input), via]
          .concat(dieAfterEntry ? [dieAfterEntry] : []),
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      process_.stdout.on('data', (chunk) => (out += chunk));
      process_.stderr.on('data', (chunk) => (err += chunk));
      const ended = new Promise((resolve) =>
        process_.once('exit', (code, signal) => {
          let answer;
          try {
            answer = JSON.parse(out.trim().split('\n').pop());
          } catch {
            answer = undefined;
          }
          resolve({ code, signal, out, err, answer });
        }),
      );
      return { process: process_, ended };
    },
    async close() {
      await pool.end();
      await dropDatabase(mysqlUrl, database);
    },
  };
  sites.push(s);
  return s;
}

/** Whether an answer is the end of a sliced operation. */
const finished = (answer) => answer?.ok?.more === false;

/**
 * Starts `start()` up to `kills` times; each attempt is killed with SIGKILL a
 * seeded-random moment (0 to `spread` ms, from `next`) after `progress()` grew
 * in that attempt (so the kill lands while the job writes, not while Node
 * starts and compiles the component). An attempt runs its job to the end when
 * not killed (kill-child.mjs), so one that ends first stops the loop; so does a
 * kill after which `done()` says the job had ended (its checkpoint does): a
 * start after either would begin another run, not resume this one.
 *
 * @returns {Promise<{ landed: number[], answer?: any, done: boolean }>} the values
 *   of `progress()` after each kill; the answer of an attempt that ended
 *   (`isEnd`); whether the job is over
 */
async function killAtRandomMoments(next, start, progress, { kills, spread, isEnd = finished, done = async () => false }) {
  const landed = [];
  for (let attempt = 0; attempt < kills; attempt += 1) {
    const before = await progress();
    const run = start();
    let exited = false;
    run.ended.then(() => (exited = true));
    while (!exited && (await progress()) <= before) await sleep(20);
    await sleep(next() * spread);
    if (!exited) run.process.kill('SIGKILL');
    const { code, signal, out, err, answer } = await run.ended;
    if (signal !== 'SIGKILL') {
      // It ended before the kill (or in the moment of it, before Node saw the
      // exit): nothing left to interrupt.
      assert.ok(code === 0 && isEnd(answer), `seed ${SEED}, kills at ${landed}: ${err}${out}`);
      return { landed, answer, done: true };
    }
    landed.push(await progress());
    if (await done()) return { landed, done: true };
  }
  return { landed, done: false };
}

/** Starts `start()` until an attempt ends the job; its answer. */
async function untilDone(start, isEnd = finished) {
  for (let i = 0; i < 20; i += 1) {
    const { code, out, err, answer } = await start().ended;
    assert.equal(code, 0, `seed ${SEED}: ${err}`);
    assert.ok(answer && !('error' in answer), `seed ${SEED}: ${out}`);
    if (isEnd(answer)) return answer;
  }
  throw new Error(`seed ${SEED}: the job does not end`);
}

/** Jira's worklogs: id → {issue, author, started, seconds}. */
async function jiraWorklogs(sim) {
  const headers = { 'X-Sim-Principal': 'app' };
  const ids = new Set();
  for (let since = 0; ; ) {
    const page = await simRequest(sim, 'GET', `/rest/api/3/worklog/updated?since=${since}`, undefined, headers);
    for (const v of page.values) ids.add(v.worklogId);
    if (page.lastPage) break;
    since = page.until;
  }
  const all = [...ids];
  const facts = new Map();
  for (let i = 0; i < all.length; i += 1000) {
    for (const w of await simRequest(sim, 'POST', '/rest/api/3/worklog/list', { ids: all.slice(i, i + 1000) }, headers)) {
      const started = Date.parse(w.started.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
      facts.set(Number(w.id), { issue: Number(w.issueId), author: w.author.accountId, started, seconds: w.timeSpentSeconds });
    }
  }
  return facts;
}

/** The index's worklog count; 0 before the tables exist. */
const indexed = (s) => s.count('SELECT COUNT(*) AS n FROM worklogs');

/** The index holds exactly `jira`'s worklogs: every id once, each with Jira's issue, start and seconds. */
async function assertIndexIs(s, jira, label) {
  const rows = await s.rows('SELECT id, issue, started, seconds FROM worklogs ORDER BY id');
  const ids = rows.map((r) => Number(r.id));
  assert.equal(new Set(ids).size, ids.length, `${label}: duplicate rows`);
  const stored = new Set(ids);
  const missing = [...jira.keys()].filter((id) => !stored.has(id));
  const extra = ids.filter((id) => !jira.has(id));
  assert.deepEqual([missing.slice(0, 10), extra.slice(0, 10)], [[], []], label);
  for (const r of rows) {
    const { issue, started, seconds } = jira.get(Number(r.id));
    assert.deepEqual([Number(r.issue), Number(r.started), Number(r.seconds)], [issue, started, seconds], `worklog ${r.id}`);
  }
}

test('a full sync on the Forge adapter killed at random moments resumes without loss or duplicates', async (t) => {
  const next = random(SEED);
  const sim = await simulator(['--worklogs', '20000']);
  const s = await site(sim, 'sync');
  const sync = () => s.start('sync.full', { maxWorklogs: 1000, parallel: 1 });
  const { landed, answer } = await killAtRandomMoments(next, sync, () => indexed(s), { kills: 3, spread: 400 });
  assert.ok(landed.length > 0, `seed ${SEED}: no kill landed during the import`);
  assert.ok(landed[0] < 20_000, `seed ${SEED}: the first kill came after the import (${landed})`);

  // Then started until an invocation ends the import.
  const end = answer ?? (await untilDone(sync));
  assert.equal(end.ok.more, false, JSON.stringify(end));
  t.diagnostic(`seed ${SEED}: killed with ${landed.join(', ')} worklogs indexed`);

  await assertIndexIs(s, await jiraWorklogs(sim), `seed ${SEED}, kills at ${landed} rows`);
});

/** `n` of `items`, picked with `next`. */
function sample(next, items, n) {
  const pool = [...items];
  for (let i = 0; i < n; i += 1) {
    const j = i + Math.floor(next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}

/**
 * Deletes `n` of the worklogs `before` (Jira's, by id), chosen with `next`, in Jira itself,
 * each by its author, and lets the sync see it (the journal keeps them); returns their ids and
 * an instant before the first deletion.
 */
async function deleteInJira(sim, s, next, before, n) {
  const doomed = sample(next, [...before.keys()].sort((a, b) => a - b), n);
  await sleep(10);
  const fromMs = Date.now();
  for (const id of doomed) {
    const { issue, author } = before.get(id);
    await simRequest(sim, 'DELETE', `/rest/api/3/issue/${issue}/worklog/${id}`, undefined, { 'X-Sim-Account': author });
  }
  await quietMinute(sim);
  const synced = await s.run('sync.incremental', {});
  assert.equal(synced.ok?.totals?.deleted, doomed.length, JSON.stringify(synced));
  await sleep(10);
  return { doomed, fromMs };
}

test('a restore of worklogs deleted in Jira, killed at random moments, recreates each once', async (t) => {
  const next = random(SEED);
  const sim = await simulator(['--worklogs', '2000']);
  const s = await site(sim, 'restore');
  const imported = await s.run('sync.full', { maxWorklogs: 1000, parallel: 2 });
  assert.ok(finished(imported), JSON.stringify(imported));
  const before = await jiraWorklogs(sim);

  // 120 worklogs (two slices of 60) deleted in Jira itself, each by its author,
  // and seen by the sync (which keeps them in the journal).
  const { doomed, fromMs } = await deleteInJira(sim, s, next, before, 120);
  assert.equal(await indexed(s), before.size - doomed.length);
  const selection = { fromMs, toMs: Date.now() + 1 };

  // Dave, an administrator, restores them from the admin page; a recreated
  // worklog is indexed as soon as Jira answers.
  const dave = (await demoPeople(sim)).get('dave');
  const restore = () => s.start('restore.run', selection, `person:${dave}`);
  const over = async () => (await s.setting('restore.run'))?.running === false;
  const killed = await killAtRandomMoments(next, restore, () => indexed(s), { kills: 4, spread: 1000, done: over });
  const { landed } = killed;
  assert.ok(landed.length > 0, `seed ${SEED}: no kill landed during the restore`);
  const end = killed.done ? killed.answer : await untilDone(restore);
  const kept = before.size - doomed.length;
  t.diagnostic(`seed ${SEED}: killed with ${landed.map((n) => n - kept).join(', ')} of ${doomed.length} worklogs recreated and indexed`);

  await quietMinute(sim);
  const after = await jiraWorklogs(sim);
  const label = `seed ${SEED}, kills at ${landed} indexed worklogs`;
  const restored = after.size - kept;
  assert.equal(restored, doomed.length, `${label}: ${restored} of ${doomed.length} recreated (more is a duplicate); last answer ${JSON.stringify(end)}`);
  // Each once, as its author, on its issue, with its start and seconds.
  const shape = (facts) => [...facts.values()].map((f) => JSON.stringify([f.issue, f.author, f.started, f.seconds])).sort();
  assert.deepEqual(shape(after), shape(before), label);

  await quietMinute(sim);
  const resynced = await s.run('sync.incremental', {});
  assert.ok(finished(resynced), JSON.stringify(resynced));
  await assertIndexIs(s, after, `${label}: the index is not Jira's`);
});

/** The app's own tables that a backup holds, row by row. */
async function appRows(s) {
  return {
    savedReports: await s.rows('SELECT id, owner, name, query, shared, updated FROM saved_reports ORDER BY id'),
    auditLog: await s.rows('SELECT seq, action, subject, hash FROM audit_log ORDER BY seq'),
  };
}

/**
 * `n` saved reports (some 320 bytes each), written straight into the table, so
 * that an archive of the app's data takes several slices and parts.
 */
async function fillSavedReports(s, n) {
  const [{ installation }] = await s.rows('SELECT installation FROM settings LIMIT 1');
  const [{ value: owner }] = await s.rows('SELECT value FROM dict WHERE kind = 1 ORDER BY value LIMIT 1');
  const rows = [];
  for (let i = 0; i < n; i += 1) {
    const id = String(i).padStart(6, '0');
    const query = {
      period: { from: '2026-01-01', to: '2026-11-30' },
      groupBy: ['project', 'author'],
      filters: { projects: [String(10000 + (i % 7))] },
      note: `report ${id} ${'x'.repeat(120)}`,
    };
    rows.push([installation, `r${id}`, owner, `Report ${i}`, JSON.stringify(query), 'false', 1_790_000_000_000 + i]);
  }
  for (let i = 0; i < rows.length; i += 5000) {
    await s.rows('INSERT INTO saved_reports (installation, id, owner, name, query, shared, updated) VALUES ?', [rows.slice(i, i + 5000)]);
  }
}

test('the daily backup and an archive restore, killed at random moments, resume to a complete archive and its tables', async (t) => {
  const next = random(SEED);
  const sim = await simulator();
  const dave = `person:${(await demoPeople(sim)).get('dave')}`;
  const REPORTS = 20_000;
  // Both hold the same data: synced from the same world, the same reports written.
  const [data, reference] = await Promise.all([site(sim, 'backup'), site(sim, 'reference')]);
  for (const s of [data, reference]) {
    const imported = await s.run('sync.full', {});
    assert.ok(finished(imported), JSON.stringify(imported));
    await fillSavedReports(s, REPORTS);
  }

  // The scheduled trigger: `backup.create {kind: scheduled}` in slices, then the retention's prune.
  const made = (answer) => finished(answer?.made) && 'ok' in (answer?.pruned ?? {});
  const expected = await reference.run('backupSchedule', {}, 'schedule');
  assert.ok(made(expected), JSON.stringify(expected));
  const backup = () => data.start('backupSchedule', {}, 'schedule');
  const parts = () => data.count('SELECT COUNT(*) AS n FROM backup_parts');
  const archiveMade = async () => (await data.setting('backup.create'))?.running === false;
  const created = await killAtRandomMoments(next, backup, parts, { kills: 4, spread: 300, isEnd: made, done: archiveMade });
  assert.ok(created.landed.length > 0, `seed ${SEED}: no kill landed during the backup`);
  if (!created.done) await untilDone(backup, made);
  const { archive } = await data.setting('backup.create');

  const listed = await data.run('backup.list', {}, dave);
  const entry = listed.ok.archives.find((a) => a.archive === archive);
  assert.ok(entry?.complete, `seed ${SEED}: ${JSON.stringify(listed.ok.archives)}`);
  const plan = await data.run('backup.restore.plan', { archive }, dave);
  assert.ok(plan.ok?.verified, `seed ${SEED}: ${JSON.stringify(plan)}`);
  const referencePlan = await reference.run('backup.restore.plan', { archive: expected.made.ok.archive }, dave);
  const tableRows = (p) => Object.fromEntries(p.ok.plan.tables.map((table) => [table.table, table.archiveRows]));
  const label = `seed ${SEED}, kills after ${created.landed} parts`;
  assert.deepEqual(tableRows(plan), tableRows(referencePlan), label);
  // The saved reports' parts byte for byte the uninterrupted archive's.
  const content = async (s, a) =>
    (await s.rows("SELECT content FROM backup_parts WHERE archive = ? AND name LIKE 'saved\\_reports/%' ORDER BY seq", [a]))
      .map((r) => r.content)
      .join('');
  const reports = await content(data, archive);
  assert.equal(reports.split('\n').length - 1, REPORTS, label);
  assert.ok(reports === (await content(reference, expected.made.ok.archive)), `${label}: the saved reports' parts differ`);
  // No stray part of an interrupted attempt: one archive.
  const archives = await data.rows('SELECT DISTINCT archive FROM backup_parts');
  assert.deepEqual(archives.map((a) => a.archive), [archive], label);

  // The archive's restore, after the data changed: each attempt killed after its
  // checkpoint moved (a verified slice, the wipe, each part loaded).
  const archived = await appRows(data);
  await data.rows("DELETE FROM saved_reports WHERE id >= 'r005000'");
  await data.rows("UPDATE saved_reports SET name = 'changed'");
  const count = entry.parts - 1;
  const restoredEntries = () => data.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'backup.restore'");
  // Where the restore is: the next part to verify, then `count` + the next part
  // to load, then 2 × `count` + 1 once it ended.
  const position = async () => {
    const state = await data.setting('backup.restore');
    if (state?.running) return state.phase === 'load' ? count + state.next : state.next;
    return (await restoredEntries()) > 0 ? 2 * count + 1 : 0;
  };
  const restoreArchive = () => data.start('backup.restore.run', { archive }, dave);
  const restoreOver = async () => (await position()) > 2 * count;
  const restoring = await killAtRandomMoments(next, restoreArchive, position, { kills: 4, spread: 400, done: restoreOver });
  assert.ok(restoring.landed.length > 0, `seed ${SEED}: no kill landed during the restore of the archive`);
  const end = restoring.done ? restoring.answer : await untilDone(restoreArchive);
  if (end) assert.ok(end.ok.verified, JSON.stringify(end));
  const where = (p) => (p <= count ? `${p} verified` : p <= 2 * count ? `${p - count} loaded` : 'the end');
  t.diagnostic(
    `seed ${SEED}: the backup killed with ${created.landed.join(', ')} of ${entry.parts} parts stored (the manifest included); ` +
      `the restore of its ${count} parts killed at ${restoring.landed.map(where).join(', ')}`,
  );

  const now = await appRows(data);
  assert.ok(
    JSON.stringify(now.savedReports) === JSON.stringify(archived.savedReports),
    `seed ${SEED}, restore killed at ${restoring.landed}: the saved reports differ from the archive's`,
  );
  // The audit log as archived, then the restore's own entry, once.
  assert.deepEqual(now.auditLog.slice(0, -1), archived.auditLog, `seed ${SEED}: the audit log differs`);
  assert.equal(now.auditLog.at(-1).action, 'backup.restore', JSON.stringify(now.auditLog.slice(-3)));
});

test("a kill right after a job's audit entry does not write it twice", async (t) => {
  // The jobs whose entry and checkpoint are two writes: a worklog restore and an
  // archive's restore write their entry at the end, the daily backup at its
  // start. Each is started in a process that kills itself as soon as its entry
  // is in the log (kill-child.mjs ACTION: the one statement's window before the
  // checkpoint moves on, which the random kills above hardly ever hit), then
  // started again until it ends. One small world: the three in turn.
  const next = random(SEED);
  const sim = await simulator(['--worklogs', '300']);
  const dave = `person:${(await demoPeople(sim)).get('dave')}`;
  const s = await site(sim, 'entry');
  const imported = await s.run('sync.full', {});
  assert.ok(finished(imported), JSON.stringify(imported));

  const entries = (action) => s.rows('SELECT seq, after_value FROM audit_log WHERE action = ? ORDER BY seq', [action]);
  /**
   * `operation` killed right after its entry of `action` (the first of that
   * action), then started until it ends (`isEnd`): the end's answer and the
   * entry, which must be the killed run's, and the only one.
   */
  async function killedAfterEntry(action, operation, input, via, isEnd = finished) {
    const killed = await s.start(operation, input, via, action).ended;
    assert.equal(killed.signal, 'SIGKILL', `${action}: not killed after its entry: ${killed.err}${killed.out}`);
    const written = await entries(action);
    assert.equal(written.length, 1, `${action}: the killed run wrote ${written.length} entries`);
    const end = await untilDone(() => s.start(operation, input, via), isEnd);
    const now = await entries(action);
    assert.deepEqual(now, written, `seed ${SEED}, ${action}: started again, it wrote its entry again`);
    return { end, entry: JSON.parse(now[0].after_value) };
  }

  // A restore of worklogs deleted in Jira, as the admin page runs it: killed
  // after its entry, at its end (one slice), before its checkpoint ends the run.
  const before = await jiraWorklogs(sim);
  const { doomed, fromMs } = await deleteInJira(sim, s, next, before, 5);
  const restore = await killedAfterEntry('restore.run', 'restore.run', { fromMs, toMs: Date.now() + 1 }, dave);
  // The entry, and the answer of the start that ended the run, count what the
  // killed run did: each recreated, none unchanged.
  for (const totals of [restore.entry.totals, restore.end.ok.state.totals]) {
    assert.deepEqual([totals.recreate.count, totals.unchanged.count], [doomed.length, 0], JSON.stringify(totals));
  }
  await quietMinute(sim);
  const after = await jiraWorklogs(sim);
  const shape = (facts) => [...facts.values()].map((f) => JSON.stringify([f.issue, f.author, f.started, f.seconds])).sort();
  assert.equal(after.size, before.size, `seed ${SEED}: ${after.size - before.size + doomed.length} of ${doomed.length} recreated`);
  assert.deepEqual(shape(after), shape(before), `seed ${SEED}: Jira's worklogs after the restore`);

  // The daily backup: killed after its entry, before its first part.
  const made = (answer) => finished(answer?.made) && 'ok' in (answer?.pruned ?? {});
  const backup = await killedAfterEntry('backup.create', 'backupSchedule', {}, 'schedule', made);
  const { archive } = backup.end.made.ok;
  const archived = (await appRows(s)).auditLog;
  assert.equal(backup.entry.archive, archive, JSON.stringify(backup.entry));
  const archives = await s.rows('SELECT DISTINCT archive FROM backup_parts');
  assert.deepEqual(archives.map((a) => a.archive), [archive], 'one archive');
  const listed = await s.run('backup.list', {}, dave);
  assert.deepEqual(listed.ok.archives.map((a) => [a.archive, a.complete]), [[archive, true]], JSON.stringify(listed));

  // That archive's restore: killed after its entry, at its end.
  const restored = await killedAfterEntry('backup.restore', 'backup.restore.run', { archive }, dave);
  assert.ok(restored.end.ok.verified, JSON.stringify(restored.end));
  const log = (await appRows(s)).auditLog;
  assert.deepEqual(log.slice(0, -1), archived, `seed ${SEED}: the audit log is not the archive's`);
  assert.equal(log.at(-1).action, 'backup.restore', JSON.stringify(log.slice(-3)));
  t.diagnostic(`seed ${SEED}: restore.run, backup.create and backup.restore each killed right after its entry; one entry each`);
});
