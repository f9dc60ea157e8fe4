// The fault matrix on the Forge adapter: the jco-transpiled component in Node,
// driven by src/ as Forge drives it, with the real @forge/api and @forge/sql over
// the stand-in runtime (shims/forge-runtime.mjs) that sends Jira requests to the
// simulator and SQL to MariaDB. host/tests/all/faults.rs runs the same matrix on
// wasmtime over SQLite (docs/reliability.md, "Fault injection at every effect").
//
// For every operation that writes: a run without faults counts its SQL
// statements and Jira requests; then one run per (position, fault), the Nth SQL
// statement failing as Forge SQL (TiDB) fails or the Nth Jira request as Jira
// and the network fail. After each: the answer is `ok` or a clean error (never
// `internal` for a transient fault, never a trap); then what a person or the
// platform does next (the same save again; the next incremental sync) leaves
// the setting as saved and in the audit log, and the index equal to Jira's
// worklogs: nothing lost, nothing doubled.
//
// Bounded: the first FAULT_POSITIONS positions of each kind (default 2);
// `FAULT_POSITIONS=all node --test tests/node/faults.test.mjs` runs every
// position.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoPeople, ensureBuild, mariadbUrl, quietMinute, simRequest, startSim } from './support.mjs';
import { dropDatabase, freshDatabase, installForgeRuntime } from './shims/forge-runtime.mjs';
import mysql from 'mysql2/promise';

const CAP = process.env.FAULT_POSITIONS === 'all' ? Infinity : Number(process.env.FAULT_POSITIONS ?? 2);

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const sqlError = (message) => json(400, { code: 'SQL_EXECUTION_ERROR', message });

/**
 * The failures, by the effect they apply to: each takes the real call (a
 * function returning the real response) and returns what the adapter sees.
 * The Jira ones are transient; so are the SQL ones (TiDB asks to retry a
 * deadlock and a lock wait, the platform's 503 and a dropped connection pass,
 * and a statement refused for the DML rate was not run and is sent again).
 */
const FAULTS = {
  sql: {
    deadlock: () =>
      sqlError('Error 1213 (40001): Deadlock found when trying to get lock; try restarting transaction'),
    lockWait: () => sqlError('Error 1205 (HY000): Lock wait timeout exceeded; try restarting transaction'),
    unavailable: () => new Response('upstream connect error or disconnect/reset before headers', { status: 503 }),
    throttled: () =>
      json(429, { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded: more than 150 DML statements per second' }),
    dropped: () => {
      throw new TypeError('fetch failed');
    },
  },
  jira: {
    busy: () => json(429, { errorMessages: ['Rate limit exceeded.'] }, { 'retry-after': '1' }),
    error: () => json(500, { errorMessages: ['Internal server error'] }),
    unavailable: () => json(503, { errorMessages: ['Service Unavailable'] }),
    timeout: () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    },
    dropped: () => {
      throw new TypeError('fetch failed');
    },
    truncated: async (real) => {
      const response = await real();
      const body = await response.text();
      return new Response(body.slice(0, Math.floor(body.length / 2)), {
        status: response.status,
        headers: response.headers,
      });
    },
  },
};

/** A statement of the app's own (not the adapter's migrations). */
const application = (query) => !/__migrations|^\s*(CREATE|ALTER|DROP)\b/i.test(query);

/** The fault plan in force and the effects counted, for the run in progress. */
const plan = { kind: null, at: 0, fault: null, counts: { sql: 0, jira: 0 } };

let runtime;
let functions;
let mysqlUrl;

before(async () => {
  ensureBuild();
  mysqlUrl = mariadbUrl();
  runtime = installForgeRuntime({ mysqlUrl });
  const real = globalThis.__forge_fetch__;
  globalThis.__forge_fetch__ = async (target, path, init) => {
    const call = () => real(target, path, init);
    let kind = null;
    if (target.type === 'sql') {
      const { query } = JSON.parse(init.body);
      if (application(query)) kind = 'sql';
    } else if (target.type === 'fpp') {
      kind = 'jira';
    }
    if (!kind) return call();
    plan.counts[kind] += 1;
    if (plan.kind === kind && plan.at === plan.counts[kind]) return plan.fault(call);
    return call();
  };
  functions = await import('../../src/index.js');
  // Positions are counted in the order effects are performed: whole batches
  // keep that order the same from one run to the next.
  (await import('../../src/task.js')).answerWholeBatches(true);
});

after(async () => {
  await runtime?.close();
});

/** A simulated site with its database and installation, imported. */
async function site(name) {
  const sim = await startSim(1);
  const database = `worklogs_faults_${process.pid}_${name}`;
  await freshDatabase(mysqlUrl, database);
  const people = await demoPeople(sim);
  const pool = mysql.createPool({ uri: `${mysqlUrl.replace(/\/$/, '')}/${database}`, connectionLimit: 2 });
  const s = {
    sim,
    database,
    people,
    installation: `ari:cloud:jira::site/faults-${process.pid}-${name}`,
    pool,
    async close() {
      await pool.end();
      await sim.stop();
      await dropDatabase(mysqlUrl, database);
    },
  };
  const imported = await job(s, 'sync.full', {});
  assert.ok('ok' in imported && !imported.ok.more, JSON.stringify(imported));
  return s;
}

/** Runs `operation` as `who` (a demo alias) through the resolver. */
function person(s, who, operation, input) {
  const accountId = s.people.get(who);
  return runtime.invoke({ accountId, database: s.database, jiraUrl: s.sim.url }, () =>
    functions.handler(
      {
        call: { functionKey: 'invoke', payload: { operation, input } },
        context: { cloudId: s.installation, localId: 'faults', timezone: 'Europe/Berlin', locale: 'en-US' },
      },
      { installContext: s.installation, principal: { accountId } },
    ),
  );
}

/** Runs `operation` as a job, through the queue consumer. */
function job(s, operation, input) {
  return runtime.invoke({ database: s.database, jiraUrl: s.sim.url }, () =>
    functions.longTask({ body: { operation, input, timeZone: 'UTC', locale: 'en-US' } }, { installContext: s.installation }),
  );
}

/** `2026-11-20T09:00:00.000+0100` in epoch milliseconds. */
const epoch = (jira) => Date.parse(jira.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));

/** Jira's worklogs, as the app reads them: id → [issue, author, started, seconds, updated]. */
async function jiraFacts(s) {
  await quietMinute(s.sim);
  const ids = [];
  let since = 0;
  for (;;) {
    const page = await (
      await fetch(`${s.sim.url}/rest/api/3/worklog/updated?since=${since}`, { headers: { 'X-Sim-Principal': 'app' } })
    ).json();
    ids.push(...page.values.map((v) => v.worklogId));
    if (page.lastPage) break;
    since = page.until;
  }
  const facts = new Map();
  for (let i = 0; i < ids.length; i += 1000) {
    const list = await simRequest(s.sim, 'POST', '/rest/api/3/worklog/list', { ids: ids.slice(i, i + 1000) }, { 'X-Sim-Principal': 'app' });
    for (const w of list) {
      facts.set(Number(w.id), [Number(w.issueId), w.author.accountId, epoch(w.started), w.timeSpentSeconds, epoch(w.updated)]);
    }
  }
  return facts;
}

async function indexFacts(s) {
  const [rows] = await s.pool.query(
    'SELECT w.id, w.issue, a.value AS author, w.started, w.seconds, w.updated FROM worklogs w ' +
      'JOIN dict a ON a.site = w.site AND a.id = w.author ORDER BY w.id',
  );
  return new Map(rows.map((r) => [Number(r.id), [Number(r.issue), r.author, Number(r.started), Number(r.seconds), Number(r.updated)]]));
}

async function assertIndexIsJira(s, label) {
  await quietMinute(s.sim);
  const synced = await job(s, 'sync.incremental', {});
  assert.ok('ok' in synced, `${label}: the repairing sync: ${JSON.stringify(synced)}`);
  const [ours, theirs] = [await indexFacts(s), await jiraFacts(s)];
  const missing = [...theirs.keys()].filter((id) => !ours.has(id));
  const extra = [...ours.keys()].filter((id) => !theirs.has(id));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, label);
  for (const [id, fact] of theirs) assert.deepEqual(ours.get(id), fact, `${label}: worklog ${id}`);
}

const STARTED = '2026-11-20T09:00:00.000+01:00';

/** When the worklogs `restore.run` brings back start (a day no other operation uses). */
const RESTORED_AT = '2026-11-18T09:00:00.000+01:00';

/** A day of the period the approval operations submit and approve. */
const PERIOD_DAY = '2026-11-04';

/** The state of alice's period holding PERIOD_DAY. */
async function periodState(s) {
  const status = await person(s, 'alice', 'approval.status', { date: PERIOD_DAY });
  assert.ok('ok' in status, JSON.stringify(status));
  return status.ok.state;
}

/** Brings alice's period to `state` (open or submitted) through the workflow; its first day. */
async function periodIn(s, state) {
  const alice = s.people.get('alice');
  for (let step = 0; step < 4; step += 1) {
    const status = await person(s, 'alice', 'approval.status', { date: PERIOD_DAY });
    assert.ok('ok' in status, JSON.stringify(status));
    const { state: now, start } = status.ok;
    if (now === state) return start;
    const periodStart = start;
    const reason = 'the fault matrix starts again';
    const next =
      now === 'approved'
        ? await person(s, 'dave', 'approval.reopen', { accountId: alice, periodStart, reason })
        : now === 'submitted'
          ? await person(s, 'dave', 'approval.reject', { accountId: alice, periodStart, reason })
          : await person(s, 'alice', 'approval.submit', { date: PERIOD_DAY });
    assert.ok('ok' in next, `from ${now} towards ${state}: ${JSON.stringify(next)}`);
  }
  throw new Error(`alice's period does not reach ${state}`);
}

/** The operations under test: who runs them, their input, and the check after. */
const OPS = [
  {
    name: 'worklog.log',
    run: (s, input) => person(s, 'alice', 'worklog.log', input),
    prepare: async (s, n) => ({ issue: 'ALPHA-3', seconds: 60 * (n + 1), started: STARTED }),
    async check(s, input, answer, label) {
      const facts = [...(await jiraFacts(s)).values()].filter(
        (f) => f[1] === s.people.get('alice') && f[3] === input.seconds && f[2] === Date.parse(STARTED),
      );
      assert.ok(facts.length <= 1, `${label}: logged ${facts.length} times`);
      if ('ok' in answer) assert.equal(facts.length, 1, label);
      await assertIndexIsJira(s, label);
    },
  },
  ...['worklog.update', 'worklog.delete'].map((name) => ({
    name,
    run: (s, input) => person(s, 'alice', name, input),
    async prepare(s, n) {
      const logged = await person(s, 'alice', 'worklog.log', {
        issue: 'ALPHA-3',
        seconds: 600,
        started: '2026-11-19T09:00:00.000+01:00',
      });
      assert.ok('ok' in logged, JSON.stringify(logged));
      return name === 'worklog.update'
        ? { issue: 'ALPHA-3', id: logged.ok.id, seconds: 60 * (n + 1) }
        : { issue: 'ALPHA-3', id: logged.ok.id };
    },
    async check(s, input, answer, label) {
      const facts = await jiraFacts(s);
      if ('ok' in answer && name === 'worklog.update') assert.equal(facts.get(Number(input.id))[3], input.seconds, label);
      if ('ok' in answer && name === 'worklog.delete') assert.ok(!facts.has(Number(input.id)), label);
      await assertIndexIsJira(s, label);
    },
  })),
  ...[
    ['attribute.save', 'attribute.list', 'attributes', (n) => ({
      attributes: [{ key: 'billable', name: `Billable ${n}`, type: 'boolean', required: false }],
    })],
    ['schedule.save', 'schedule.get', 'schedule', (n) => ({
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      hoursPerDay: 4 + (n % 5),
    })],
  ].map(([name, read, setting, input]) => ({
    name,
    run: (s, i) => person(s, 'dave', name, i),
    prepare: async (_s, n) => input(n),
    async check(s, i, _answer, label) {
      // The person saves again; what is read back is what was saved, and the
      // audit log's newest entry of the setting holds the stored text.
      const saved = await person(s, 'dave', name, i);
      assert.ok('ok' in saved, `${label}: saving again: ${JSON.stringify(saved)}`);
      const back = await person(s, 'dave', read, {});
      assert.ok('ok' in back, `${label}: ${JSON.stringify(back)}`);
      if (name === 'attribute.save') assert.deepEqual(back.ok.attributes, i.attributes, label);
      else assert.deepEqual(back.ok, saved.ok, label);
      const [[row]] = await s.pool.query('SELECT value FROM settings WHERE name = ?', [setting]);
      const log = await person(s, 'dave', 'audit.list', { subject: setting, limit: 1 });
      assert.ok('ok' in log, `${label}: ${JSON.stringify(log)}`);
      assert.equal(log.ok.entries[0].after, row.value, label);
    },
  })),
  {
    name: 'sync.incremental',
    run: (s, input) => job(s, 'sync.incremental', input),
    async prepare(s, n) {
      // A change in Jira the app has not seen: a worklog logged by bob.
      await simRequest(
        s.sim,
        'POST',
        '/rest/api/3/issue/BETA-4/worklog',
        { started: '2026-11-20T10:00:00.000+0100', timeSpentSeconds: 60 * (n + 1) },
        { 'X-Sim-Account': s.people.get('bob') },
      );
      await quietMinute(s.sim);
      return {};
    },
    check: (s, _input, _answer, label) => assertIndexIsJira(s, label),
  },
  // Approvals: alice's week of 2026-11-02 (no other operation logs there),
  // dave an administrator, who reviews anyone.
  {
    name: 'approval.submit',
    run: (s, input) => person(s, 'alice', 'approval.submit', input),
    async prepare(s) {
      await periodIn(s, 'open');
      return { date: PERIOD_DAY };
    },
    async check(s, input, answer, label) {
      const after = await periodState(s);
      if ('ok' in answer) assert.equal(after, 'submitted', label);
      else assert.ok(['open', 'submitted'].includes(after), `${label}: ${after}`);
      // Alice submits again if it did not land; the period is then submitted.
      if (after === 'open') assert.ok('ok' in (await person(s, 'alice', 'approval.submit', input)), label);
      assert.equal(await periodState(s), 'submitted', label);
      await assertIndexIsJira(s, label);
    },
  },
  {
    name: 'approval.approve',
    run: (s, input) => person(s, 'dave', 'approval.approve', input),
    async prepare(s) {
      const start = await periodIn(s, 'submitted');
      return { accountId: s.people.get('alice'), periodStart: start };
    },
    async check(s, input, answer, label) {
      const after = await periodState(s);
      if ('ok' in answer) assert.equal(after, 'approved', label);
      else assert.ok(['submitted', 'approved'].includes(after), `${label}: ${after}`);
      if (after === 'submitted') assert.ok('ok' in (await person(s, 'dave', 'approval.approve', input)), label);
      assert.equal(await periodState(s), 'approved', label);
      // The decision is in the audit log.
      const log = await person(s, 'dave', 'audit.list', { limit: 5 });
      assert.ok('ok' in log && log.ok.entries.some((e) => /approv/.test(`${e.action} ${e.subject}`)), `${label}: ${JSON.stringify(log)}`);
      await assertIndexIsJira(s, label);
    },
  },
  {
    // A worklog deleted in Jira itself (outside the app), seen by the sync,
    // brought back from the journal.
    name: 'restore.run',
    run: (s, { seconds: _seconds, ...selection }) => person(s, 'dave', 'restore.run', selection),
    async prepare(s, n) {
      const seconds = 60 * (n + 1) + 7;
      const logged = await person(s, 'alice', 'worklog.log', { issue: 'ALPHA-3', seconds, started: RESTORED_AT });
      assert.ok('ok' in logged, JSON.stringify(logged));
      await new Promise((r) => setTimeout(r, 5));
      const fromMs = Date.now();
      const deleted = await fetch(`${s.sim.url}/rest/api/3/issue/ALPHA-3/worklog/${logged.ok.id}`, {
        method: 'DELETE',
        headers: { 'X-Sim-Account': s.people.get('alice') },
      });
      assert.equal(deleted.status, 204, await deleted.text());
      await quietMinute(s.sim);
      const synced = await job(s, 'sync.incremental', {});
      assert.ok('ok' in synced, JSON.stringify(synced));
      await new Promise((r) => setTimeout(r, 5));
      return { fromMs, toMs: Date.now() + 1, issue: String(logged.ok.issueId), seconds };
    },
    async check(s, input, _answer, label) {
      // Dave runs the same restore again until it ends: the worklog is back
      // in Jira once, as alice's, and the index is Jira's.
      const { seconds, ...selection } = input;
      for (let slices = 0; ; slices += 1) {
        const again = await person(s, 'dave', 'restore.run', selection);
        assert.ok('ok' in again, `${label}: restore.run again: ${JSON.stringify(again)}`);
        if (!again.ok.more) break;
        assert.ok(slices < 50, `${label}: restore.run does not end`);
      }
      const back = [...(await jiraFacts(s)).values()].filter(
        (f) => f[1] === s.people.get('alice') && f[3] === seconds && f[2] === Date.parse(RESTORED_AT),
      );
      assert.equal(back.length, 1, `${label}: restored ${back.length} times`);
      await assertIndexIsJira(s, label);
    },
  },
  {
    name: 'backup.create',
    run: (s, input) => job(s, 'backup.create', input),
    prepare: async () => ({}),
    async check(s, input, _answer, label) {
      // The job runs again until it ends: the newest archive is complete and
      // every part verifies.
      let archive = null;
      for (let slices = 0; ; slices += 1) {
        const again = await job(s, 'backup.create', input);
        assert.ok('ok' in again, `${label}: backup.create again: ${JSON.stringify(again)}`);
        archive = again.ok.archive ?? archive;
        if (!again.ok.more) break;
        assert.ok(slices < 50, `${label}: backup.create does not end`);
      }
      const list = await person(s, 'dave', 'backup.list', {});
      assert.ok('ok' in list, `${label}: ${JSON.stringify(list)}`);
      const newest = list.ok.archives.find((a) => a.archive === archive) ?? list.ok.archives[0];
      assert.ok(newest?.complete, `${label}: ${JSON.stringify(list.ok.archives.slice(0, 3))}`);
      for (let slices = 0; ; slices += 1) {
        const plan = await person(s, 'dave', 'backup.restore.plan', { archive: newest.archive });
        assert.ok('ok' in plan, `${label}: the archive does not verify: ${JSON.stringify(plan)}`);
        if (!plan.ok.more) {
          assert.ok(plan.ok.verified, label);
          break;
        }
        assert.ok(slices < 50, `${label}: backup.restore.plan does not end`);
      }
    },
  },
  {
    // Last: an erased account is named differently in the index than in Jira.
    // Each case closes a stored account on a site of its own (erasure sticks),
    // at the first position of each kind.
    name: 'privacy.report',
    own: true,
    run: (s, input) => job(s, 'privacy.report', input),
    async prepare(s) {
      const [rows] = await s.pool.query('SELECT value FROM dict WHERE kind = 1 ORDER BY value');
      const closing = rows[0].value;
      s.closed = [closing];
      await simRequest(s.sim, 'POST', `/sim/accounts/${encodeURIComponent(closing)}`, { status: 'closed' });
      return {};
    },
    async check(s, _input, _answer, label) {
      // The job runs again: every closed account is erased, no worklog is lost.
      for (let slices = 0; ; slices += 1) {
        const again = await job(s, 'privacy.report', {});
        assert.ok('ok' in again, `${label}: privacy.report again: ${JSON.stringify(again)}`);
        if (!again.ok.more) break;
        assert.ok(slices < 100, `${label}: privacy.report does not end`);
      }
      const [stored] = await s.pool.query('SELECT value FROM dict WHERE kind = 1');
      const left = stored.map((r) => r.value).filter((id) => s.closed.includes(id));
      assert.deepEqual(left, [], `${label}: closed accounts still stored`);
      const [ours] = await s.pool.query('SELECT id FROM worklogs ORDER BY id');
      const theirs = [...(await jiraFacts(s)).keys()].sort((a, b) => a - b);
      assert.deepEqual(ours.map((r) => Number(r.id)), theirs, `${label}: worklogs differ`);
    },
  },
];

/** The newest audit entry's number of the site's installation (0 for none). */
async function auditHead(s) {
  const [rows] = await s.pool.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_log WHERE installation = ?', [
    s.installation,
  ]);
  return Number(rows[0].seq);
}

/**
 * What a case's run and repair wrote to the audit log: each change once. A
 * fault between an entry and the change it records, repaired by the same call
 * again, must not leave two entries for one change; an approval decision is
 * one entry and one history row.
 */
async function assertAuditedOnce(s, op, since, histories, label) {
  const [rows] = await s.pool.query(
    'SELECT action, subject, before_value, after_value, actor_kind, actor FROM audit_log ' +
      'WHERE installation = ? AND seq > ? ORDER BY seq',
    [s.installation, since],
  );
  const seen = new Set();
  for (const row of rows) {
    const key = JSON.stringify(Object.values(row).map(String));
    assert.ok(!seen.has(key), `${label}: an audit entry twice: ${key}`);
    seen.add(key);
  }
  const done = DONE[op.name];
  if (done) {
    const recorded = rows.filter((r) => r.action === `approval.${done}`).length;
    assert.equal(recorded, 1, `${label}: ${recorded} entries of approval.${done}`);
    assert.equal((await historyRows(s, op)) - histories, 1, `${label}: history rows of ${done}`);
  }
}

/** What an approval operation's audit entry and history row call it. */
const DONE = { 'approval.submit': 'submitted', 'approval.approve': 'approved' };

/** The approval history's rows of `op`'s kind (0 for other operations). */
async function historyRows(s, op) {
  const done = DONE[op.name];
  if (!done) return 0;
  const [rows] = await s.pool.query(
    'SELECT COUNT(*) AS n FROM approval_history WHERE installation = ? AND action = ?',
    [s.installation, done],
  );
  return Number(rows[0].n);
}

/** Runs `op` on `input` with a fault at `at` of `kind` (or none); the answer and the counts. */
async function run(s, op, input, kind = null, at = 0, fault = null) {
  Object.assign(plan, { kind, at, fault, counts: { sql: 0, jira: 0 } });
  try {
    const answer = await op.run(s, input);
    return { answer, counts: { ...plan.counts } };
  } finally {
    Object.assign(plan, { kind: null, at: 0, fault: null });
  }
}

test('every write on the Forge adapter survives a fault at each of its first effects', { timeout: 900_000 }, async () => {
  const shared = await site('matrix');
  let n = 0;
  let cases = 0;
  const answers = new Map();
  /** The site for a case: the shared one, or one of its own for an `own` operation. */
  const siteFor = async (op) => (op.own ? site(`own${n}`) : shared);
  const done = async (op, s) => {
    if (op.own) await s.close();
  };
  try {
    for (const op of OPS) {
      n += 1;
      let s = await siteFor(op);
      const first = await op.prepare(s, n);
      const clean = await run(s, op, first);
      assert.ok('ok' in clean.answer, `${op.name}: ${JSON.stringify(clean.answer)}`);
      await op.check(s, first, clean.answer, `${op.name} without a fault`);
      await done(op, s);
      let perOp = 0;
      for (const kind of ['sql', 'jira']) {
        const cap = op.own && CAP !== Infinity ? 1 : CAP;
        for (let at = 1; at <= Math.min(clean.counts[kind], cap); at += 1) {
          for (const [faultName, fault] of Object.entries(FAULTS[kind])) {
            n += 1;
            s = await siteFor(op);
            const input = await op.prepare(s, n);
            const [since, histories] = [await auditHead(s), await historyRows(s, op)];
            const { answer } = await run(s, op, input, kind, at, fault);
            const label = `${op.name} with ${faultName} at ${kind} ${at}: ${JSON.stringify(answer)}`;
            assert.ok('ok' in answer || 'error' in answer, label);
            if ('error' in answer) {
              assert.notEqual(answer.error.code, 'internal', label);
              assert.ok(!/trap|unreachable|RuntimeError/i.test(answer.error.message), label);
            }
            const key = `${faultName} ${'ok' in answer ? 'ok' : answer.error.code}`;
            answers.set(key, (answers.get(key) ?? 0) + 1);
            await op.check(s, input, answer, label);
            await assertAuditedOnce(s, op, since, histories, label);
            await done(op, s);
            cases += 1;
            perOp += 1;
          }
        }
      }
      console.log(`${op.name}: ${clean.counts.sql} SQL statements, ${clean.counts.jira} Jira requests; ${perOp} cases`);
    }
  } finally {
    await shared.close();
  }
  for (const [key, count] of [...answers].sort()) console.log(`  ${key}: ${count}`);
  console.log(`${cases} (operation, position, fault) cases on the Forge adapter`);
  assert.ok(cases >= 60, `${cases} cases`);
});
