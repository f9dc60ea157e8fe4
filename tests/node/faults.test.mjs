// A small fault plan for the Forge adapter on jco: fail the Nth SQL statement
// or the Nth Jira request of an operation that writes a setting, as Forge SQL
// (TiDB) and Jira fail, and check the answer is `ok` or a clean error (never
// `internal` for a transient fault), and that the same call again stores the
// setting. The local host runs the full matrix (host/tests/faults.rs,
// docs/reliability.md); this checks that the adapter maps the same failures
// to the same codes.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuild } from './support.mjs';
import { installMemoryRuntime, resolverEvent } from './shims/memory-runtime.mjs';

let index;

before(async () => {
  ensureBuild();
  installMemoryRuntime();
  index = await import('../../src/index.js');
});

const sqlError = (message) =>
  new Response(JSON.stringify({ code: 'SQL_EXECUTION_ERROR', message }), {
    status: 400,
    headers: { 'content-type': 'application/json' },
  });

/** The failures, by the effect they apply to. */
const FAULTS = {
  sql: {
    deadlock: () => sqlError('Error 1213 (40001): Deadlock found when trying to get lock; try restarting transaction'),
    lockWait: () => sqlError('Error 1205 (HY000): Lock wait timeout exceeded; try restarting transaction'),
    unavailable: () => new Response('upstream connect error', { status: 503 }),
  },
  jira: {
    busy: () => ({ status: 429, body: { errorMessages: ['Rate limit exceeded.'] }, headers: { 'retry-after': '1' } }),
    unavailable: () => ({ status: 503, body: { errorMessages: ['Service Unavailable'] } }),
    dropped: () => {
      throw new TypeError('fetch failed');
    },
  },
};

const INSTALLATION = 'ari:cloud:jira::site/faults';
const application = (query) => !/__migrations|^\s*(CREATE|ALTER|DROP)\b/i.test(query);

/** Runs `timetracking.settings.save` with `hoursPerDay` under a plan; its answer and effects. */
async function save(hoursPerDay, plan = {}) {
  const counts = { sql: 0, jira: 0 };
  const stored = [];
  installMemoryRuntime({
    onProduct: (call) => {
      counts.jira += 1;
      if (plan.jira?.at === counts.jira) return plan.jira.fault();
      return call.path.startsWith('/rest/api/3/mypermissions')
        ? { status: 200, body: { permissions: { ADMINISTER: { havePermission: true } } } }
        : { status: 404, body: { errorMessages: ['nope'] } };
    },
    onSql: (query, params) => {
      if (!application(query)) return undefined;
      counts.sql += 1;
      if (plan.sql?.at === counts.sql) return plan.sql.fault();
      // The setting's own row (the audit log's head is a settings row too).
      if (/^REPLACE INTO settings/.test(query) && params[1] === 'timetracking') stored.push(params);
      return undefined;
    },
  });
  const answer = await index.handler(
    ...resolverEvent(
      'timetracking.settings.save',
      { hoursPerDay, daysPerWeek: 5, timeFormat: 'pretty', defaultUnit: 'minute' },
      { installation: INSTALLATION },
    ),
  );
  return { answer, counts, stored };
}

test('a setting survives a fault at each of its effects, and saving again stores it', async () => {
  const clean = await save(8);
  assert.ok('ok' in clean.answer, JSON.stringify(clean.answer));
  const { counts } = await save(8);
  assert.ok(counts.sql >= 1 && counts.jira >= 1, JSON.stringify(counts));
  let cases = 0;
  let errors = 0;
  for (const kind of ['sql', 'jira']) {
    for (let at = 1; at <= counts[kind]; at += 1) {
      for (const [name, fault] of Object.entries(FAULTS[kind])) {
        const hours = 4 + (cases % 5);
        const { answer } = await save(hours, { [kind]: { at, fault } });
        const label = `${kind} ${at} ${name}: ${JSON.stringify(answer)}`;
        if ('error' in answer) {
          assert.equal(answer.error.code, 'upstream', label);
          errors += 1;
        }
        const again = await save(hours);
        assert.ok('ok' in again.answer, label);
        assert.equal(again.stored.length, 1, label);
        cases += 1;
      }
    }
  }
  assert.ok(cases >= 6 && errors >= 3, `${cases} cases, ${errors} errors`);
  console.log(`${cases} (effect, position, fault) cases, ${errors} answered upstream`);
});
