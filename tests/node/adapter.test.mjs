// The Forge adapter (src/) on its own: effects performed and mapped both ways,
// the task loop, migrations, traps, and the functions the manifest names. Jira
// and Forge SQL are answered from memory (shims/memory-runtime.mjs).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuild } from './support.mjs';
import { installMemoryRuntime, myself, resolverEvent } from './shims/memory-runtime.mjs';

let index;
let effects;
let component;

before(async () => {
  ensureBuild();
  index = await import('../../src/index.js');
  effects = await import('../../src/effects.js');
  component = await import('../../src/component.js');
});

const myselfOnly = ({ path }) =>
  path === '/rest/api/3/myself' ? { status: 200, body: myself } : { status: 404, body: { errorMessages: ['nope'] } };

describe('Jira paths', () => {
  test('only percent-encoded paths under /rest/ or /app/ are trusted', () => {
    const good = ['/rest/api/3/myself', '/rest/api/3/issue/A%20B/worklog?startAt=0&maxResults=5000', '/app/report-accounts'];
    for (const path of good) assert.equal(effects.unsafePath(path), undefined, path);
    const bad = {
      'https://evil.example/rest/api/3/myself': 'start with /rest/',
      '//evil.example/rest/': 'start with /rest/',
      'rest/api/3/myself': 'start with /rest/',
      '/wiki/rest/api/content': 'start with /rest/',
      '/rest/api/3/../../admin': 'must not leave',
      '/rest/api/3/issue/..?x': 'must not leave',
      '/rest//api': 'must not leave',
      '/rest/api/3/issue/A B': 'percent-encoded',
      '/rest/api/3/issue/A#B': 'percent-encoded',
      '/rest/api/3/issue/A\\B': 'percent-encoded',
      '/rest/api/3/issue/A\nB': 'percent-encoded',
    };
    for (const [path, why] of Object.entries(bad)) assert.match(effects.unsafePath(path) ?? '', new RegExp(why), path);
  });
});

describe('SQL statements', () => {
  test('one statement per effect, as the local host checks', () => {
    const single = [
      'SELECT 1', 'SELECT 1;', 'SELECT 1;;  ', "SELECT ';'", 'SELECT ";"', 'SELECT `a;b` FROM t', "SELECT 'it''s; fine'",
      "SELECT 'a\\'; b'", 'SELECT 1 -- ; DROP TABLE t\n', 'SELECT 1 # ; x', 'SELECT /* ; */ 1', 'SELECT 1; -- trailing comment',
    ];
    for (const sql of single) assert.equal(effects.hasSeveral(sql), false, sql);
    for (const sql of ['SELECT 1; SELECT 2', "SELECT 1;'x'", 'DELETE FROM t; DROP TABLE t', 'SELECT 1;/* c */ SELECT 2']) {
      assert.equal(effects.hasSeveral(sql), true, sql);
    }
  });

  test('parameters: integers exact, reals finite, blobs refused', () => {
    assert.equal(effects.toParam({ tag: 'null' }, 0), null);
    assert.equal(effects.toParam({ tag: 'int', val: 1764000000000n }, 0), 1764000000000);
    assert.equal(effects.toParam({ tag: 'int', val: -(2n ** 53n) + 1n }, 0), -(2 ** 53) + 1);
    assert.equal(effects.toParam({ tag: 'int', val: 2n ** 63n - 1n }, 0), '9223372036854775807');
    assert.equal(effects.toParam({ tag: 'real', val: 7.5 }, 0), 7.5);
    assert.equal(effects.toParam({ tag: 'text', val: 'é' }, 0), 'é');
    assert.throws(() => effects.toParam({ tag: 'real', val: NaN }, 2), /parameter 3 is NaN/);
    assert.throws(() => effects.toParam({ tag: 'blob', val: new Uint8Array([1]) }, 0), /blob/);
  });

  test("Forge SQL's rows become the protocol's, typed by column", () => {
    const rows = effects.toRows({
      rows: [
        { id: 1764000000000, big: '9223372036854775807', ratio: 2, amount: '12.50', name: 'x', data: { type: 'Buffer', data: [1, 2] }, none: null },
      ],
      metadata: {
        fields: [
          { name: 'id', columnType: 8 },
          { name: 'big', columnType: 8 },
          { name: 'ratio', columnType: 5 },
          { name: 'amount', columnType: 246 },
          { name: 'name', columnType: 253 },
          { name: 'data', columnType: 252 },
          { name: 'none', columnType: 3 },
        ],
      },
    });
    assert.deepEqual(rows, {
      columns: ['id', 'big', 'ratio', 'amount', 'name', 'data', 'none'],
      rows: [[
        { tag: 'int', val: 1764000000000n },
        { tag: 'int', val: 9223372036854775807n },
        { tag: 'real', val: 2 },
        { tag: 'text', val: '12.50' },
        { tag: 'text', val: 'x' },
        { tag: 'blob', val: new Uint8Array([1, 2]) },
        { tag: 'null' },
      ]],
      rowsAffected: 0n,
    });
    // Without metadata, by the values themselves, in the rows' key order.
    assert.deepEqual(effects.toRows({ rows: [{ b: 1, a: 1.5 }] }).rows, [[{ tag: 'int', val: 1n }, { tag: 'real', val: 1.5 }]]);
    assert.deepEqual(effects.toRows({ rows: [] }), { columns: [], rows: [], rowsAffected: 0n });
    assert.deepEqual(effects.toRows({ rows: { affectedRows: 3, insertId: 0 } }), { columns: [], rows: [], rowsAffected: 3n });
    assert.throws(() => effects.toRows({ rows: [], metadata: { fields: [{ name: 'id' }, { name: 'id' }] } }), /two columns named "id"/);
  });

  test('failures map to the codes the local host gives', () => {
    assert.equal(effects.sqlErrorCode({ code: 'QUERY_TIMED_OUT', message: 'x' }), 'limit');
    // TiDB's statement time and memory quota: a report reads a narrower range.
    assert.equal(effects.sqlErrorCode({ code: 'SQL_EXECUTION_ERROR', message: 'Error 3024 (HY000): Query execution was interrupted, maximum statement execution time exceeded' }), 'limit');
    assert.equal(effects.sqlErrorCode({ code: 'SQL_EXECUTION_ERROR', message: 'Error 8001 (HY000): Out Of Memory Quota![conn=42]' }), 'limit');
    assert.equal(effects.sqlErrorCode({ code: 'SQL_EXECUTION_ERROR', message: 'Error 8175 (HY000): Your query has been cancelled due to exceeding the allowed memory limit for a single SQL query.' }), 'limit');
    assert.equal(effects.sqlErrorCode({ code: 'SQL_EXECUTION_ERROR', message: "Duplicate entry 'a' for key 'PRIMARY'" }), 'conflict');
    assert.equal(effects.sqlErrorCode({ code: 'SQL_EXECUTION_ERROR', message: 'You have an error in your SQL syntax' }), 'internal');
    assert.equal(effects.sqlErrorCode({ code: 'UNKNOWN_ERROR', message: 'x', responseDetails: { status: 503 } }), 'upstream');
    assert.equal(effects.sqlErrorCode(new TypeError('fetch failed')), 'upstream');
    assert.equal(
      effects.sqlErrorCode({ code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded: more than 150 DML statements per second', responseDetails: { status: 429 } }),
      'throttled',
    );
    // TiDB's deadlock and lock wait time-out are transient: try again, like the local host says.
    assert.equal(effects.sqlErrorCode({ code: 'SQL_EXECUTION_ERROR', message: 'Error 1213 (40001): Deadlock found when trying to get lock; try restarting transaction' }), 'upstream');
    assert.equal(effects.sqlErrorCode({ code: 'SQL_EXECUTION_ERROR', message: 'Error 1205 (HY000): Lock wait timeout exceeded; try restarting transaction' }), 'upstream');
  });
});

describe('a batch of effects', () => {
  test('Jira requests run concurrently, SQL in order, answers echo the ids', async () => {
    let inFlight = 0;
    let most = 0;
    const sqlOrder = [];
    const memory = installMemoryRuntime({
      async onProduct({ path }) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight -= 1;
        return { status: 200, body: { path } };
      },
      async onSql(query) {
        sqlOrder.push(query);
        await new Promise((r) => setTimeout(r, 10));
        return { rows: { affectedRows: 1 } };
      },
    });
    const jira = (id, path) => ({ id, effect: { tag: 'jira', val: { principal: { tag: 'user' }, method: 'GET', path } } });
    const sql = (id, text) => ({ id, effect: { tag: 'sql', val: { sql: text, params: [] } } });
    const batch = [jira(7, '/rest/api/3/a'), sql(3, 'UPDATE t SET a = 1'), jira(5, '/rest/api/3/b'), sql(4, 'UPDATE t SET a = 2'), jira(9, '/rest/api/3/c')];
    const answers = await effects.perform(batch, { accountId: 'acc-alice' });
    assert.deepEqual(answers.map((a) => a.id), [7, 3, 5, 4, 9]);
    assert.deepEqual(answers.map((a) => a.outcome.tag), ['jira', 'sql', 'jira', 'sql', 'jira']);
    assert.equal(most, 3, 'the three Jira requests were in flight together');
    assert.deepEqual(sqlOrder, ['UPDATE t SET a = 1', 'UPDATE t SET a = 2']);
    assert.deepEqual(answers[1].outcome.val, { tag: 'ok', val: { columns: [], rows: [], rowsAffected: 1n } });
    const first = answers[0].outcome.val.val;
    assert.equal(first.status, 200);
    assert.deepEqual(JSON.parse(first.body), { path: '/rest/api/3/a' });
    assert.ok(first.headers.some(([name, value]) => name === 'content-type' && value === 'application/json'));
    assert.equal(memory.calls.length, 5);
  });

  test('a sleep waits beside the batch and answers the payload-less case', async () => {
    let sqlAt;
    installMemoryRuntime({
      onSql() {
        sqlAt = performance.now();
        return { rows: { affectedRows: 1 } };
      },
    });
    const start = performance.now();
    const answers = await effects.perform(
      [
        { id: 1, effect: { tag: 'sleep', val: 40 } },
        { id: 2, effect: { tag: 'sql', val: { sql: 'UPDATE t SET a = 1', params: [] } } },
      ],
      {},
    );
    const took = performance.now() - start;
    assert.deepEqual(answers, [
      { id: 1, outcome: { tag: 'sleep' } },
      { id: 2, outcome: { tag: 'sql', val: { tag: 'ok', val: { columns: [], rows: [], rowsAffected: 1n } } } },
    ]);
    assert.ok(took >= 39, `waited ${took} ms`);
    assert.ok(sqlAt - start < 30, 'the statement did not wait for the sleep');
  });

  test('a wait of no time is answered without a timer', async (t) => {
    // With the timers stopped, only a wait that needs none is answered.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const answers = await effects.perform([{ id: 1, effect: { tag: 'sleep', val: 0 } }], {});
    assert.deepEqual(answers, [{ id: 1, outcome: { tag: 'sleep' } }]);
  });

  test('principals and app APIs are routed; bad requests never leave', async () => {
    const seen = [];
    installMemoryRuntime({
      onProduct(call) {
        const who = call.accountId ? `${call.provider}(${call.accountId})` : call.provider;
        seen.push(`${who} ${call.remote} ${call.method} ${call.path} ${call.body ?? ''}`);
        return { status: 204 };
      },
    });
    const jira = (id, principal, method, path, body) => {
      const [tag, val] = principal.split(':');
      return { id, effect: { tag: 'jira', val: { principal: val ? { tag, val } : { tag }, method, path, body } } };
    };
    const answers = await effects.perform(
      [
        jira(1, 'user', 'GET', '/rest/api/3/myself'),
        jira(2, 'app', 'POST', '/rest/api/3/worklog/list', '{"ids":[1]}'),
        jira(3, 'app', 'POST', '/app/report-accounts', '{"accounts":[]}'),
        jira(4, 'user', 'POST', '/app/report-accounts', '{}'),
        jira(5, 'user', 'GET', 'https://evil.example/'),
        jira(6, 'user', 'PATCH', '/rest/api/3/myself'),
        jira(7, 'impersonate:acc-bob', 'POST', '/rest/api/3/issue/10001/worklog', '{}'),
        jira(8, 'impersonate:acc-bob', 'POST', '/app/report-accounts', '{}'),
      ],
      { accountId: 'acc-alice' },
    );
    assert.deepEqual(seen.sort(), [
      'app jira POST /rest/api/3/worklog/list {"ids":[1]}',
      'app stargate POST /app/report-accounts {"accounts":[]}',
      'user jira GET /rest/api/3/myself ',
      'user(acc-bob) jira POST /rest/api/3/issue/10001/worklog {}',
    ]);
    const errors = answers.map((a) => (a.outcome.val.tag === 'err' ? a.outcome.val.val : undefined));
    assert.deepEqual(errors.slice(0, 3), [undefined, undefined, undefined]);
    assert.equal(answers[0].outcome.val.val.status, 204);
    assert.equal(answers[0].outcome.val.val.body, '');
    assert.deepEqual(errors[3], { code: 'internal', message: 'a request to /app/report-accounts must be made as the app' });
    assert.equal(errors[4].code, 'internal');
    assert.match(errors[4].message, /invalid Jira path/);
    assert.match(errors[5].message, /invalid HTTP method "PATCH"/);
    assert.equal(errors[6], undefined);
    assert.equal(errors[7].code, 'internal');

    const noUser = await effects.perform([jira(1, 'user', 'GET', '/rest/api/3/myself')], {});
    assert.equal(noUser[0].outcome.val.val.code, 'internal');
    assert.equal(seen.length, 4);
  });

  test('an impersonated request the platform refuses is forbidden; one that fails on the way is upstream', async () => {
    const { NeedsAuthenticationError } = await import('@forge/api');
    let failure;
    installMemoryRuntime({
      onProduct() {
        throw failure;
      },
    });
    const request = [{ id: 1, effect: { tag: 'jira', val: { principal: { tag: 'impersonate', val: 'acc-bob' }, method: 'GET', path: '/rest/api/3/myself' } } }];
    const codes = [];
    for (const e of [new NeedsAuthenticationError('Authentication required'), new TypeError('fetch failed'), new DOMException('timed out', 'TimeoutError')]) {
      failure = e;
      const [answer] = await effects.perform(request, { accountId: 'acc-alice' });
      codes.push(answer.outcome.val.val.code);
    }
    // A timeout says nothing of the person: a restore must not fall back to
    // writing as the app for it.
    assert.deepEqual(codes, ['forbidden', 'upstream', 'upstream']);
  });

  test('a request that cannot be sent is upstream; an SQL failure keeps its cause', async () => {
    installMemoryRuntime({
      onProduct() {
        throw new TypeError('fetch failed');
      },
      onSql() {
        return undefined;
      },
    });
    globalThis.__forge_fetch__ = ((inner) => async (target, path, init) => {
      if (target.type !== 'sql') return inner(target, path, init);
      return new Response(JSON.stringify({ code: 'QUERY_TIMED_OUT', message: 'the query took too long' }), { status: 400 });
    })(globalThis.__forge_fetch__);
    const answers = await effects.perform(
      [
        { id: 1, effect: { tag: 'jira', val: { principal: { tag: 'app' }, method: 'GET', path: '/rest/api/3/myself?x=1' } } },
        { id: 2, effect: { tag: 'sql', val: { sql: 'SELECT 1', params: [] } } },
        { id: 3, effect: { tag: 'sql', val: { sql: 'SELECT 1; SELECT 2', params: [] } } },
        { id: 4, effect: { tag: 'sql', val: { sql: 'INSERT INTO t VALUES (?)', params: [{ tag: 'blob', val: new Uint8Array() }] } } },
      ],
      {},
    );
    assert.deepEqual(answers[0].outcome.val.val, { code: 'upstream', message: 'jira request GET /rest/api/3/myself failed: fetch failed' });
    assert.deepEqual(answers[1].outcome.val.val, { code: 'limit', message: 'forge sql: the query took too long' });
    assert.equal(answers[2].outcome.val.val.code, 'internal');
    assert.match(answers[2].outcome.val.val.message, /more than one statement/);
    assert.match(answers[3].outcome.val.val.message, /parameter 1 is a blob/);
  });
});

describe('the functions', () => {
  test('the resolver runs an operation for the acting user, in their zone and locale', async () => {
    const seen = [];
    installMemoryRuntime({
      onProduct(call) {
        seen.push(call);
        return myselfOnly(call);
      },
    });
    const result = await index.handler(...resolverEvent('me', {}));
    // Jira answers no permissions here, so the cost check says no.
    assert.deepEqual(result, { ok: { ...myself, mayMeasureCost: false } });
    assert.deepEqual(seen.map((c) => `${c.provider} ${c.method} ${c.path}`).sort(), [
      'user GET /rest/api/3/mypermissions?permissions=ADMINISTER',
      'user GET /rest/api/3/myself',
    ]);
  });

  test('the context names Forge SQL as the engine, whatever the invocation', async () => {
    const { taskContext } = await import('../../src/task.js');
    for (const entryPoint of ['person', 'trigger', 'job', 'consumer']) {
      assert.equal(taskContext({ entryPoint, installation: 'x' }).sqlEngine, 'forge-sql');
    }
  });

  test('the context: the installation from Forge, now from the clock', async () => {
    const writes = [];
    installMemoryRuntime({
      onProduct: ({ path }) =>
        path.startsWith('/rest/api/3/mypermissions')
          ? { status: 200, body: { permissions: { ADMINISTER: { havePermission: true } } } }
          : { status: 404 },
      onSql: (query, params) => {
        // The setting's row (the audit log's head is written too, after its entry).
        if (/^REPLACE INTO settings/.test(query) && params[1] === 'timetracking') writes.push(params);
        return undefined;
      },
    });
    const now = Date.now;
    Date.now = () => 1764000000123;
    try {
      const saved = await index.handler(
        ...resolverEvent(
          'timetracking.settings.save',
          { hoursPerDay: 8, daysPerWeek: 5, timeFormat: 'pretty', defaultUnit: 'minute' },
          { installation: 'ari:cloud:jira::site/context' },
        ),
      );
      assert.ok('ok' in saved, JSON.stringify(saved));
    } finally {
      Date.now = now;
    }
    assert.equal(writes.length, 1);
    assert.equal(writes[0][0], 'ari:cloud:jira::site/context');
    assert.equal(writes[0].at(-1), 1764000000123);
  });

  test('migrations run once per installation, through migrationRunner', async () => {
    const memory = installMemoryRuntime({ onProduct: myselfOnly });
    const ddl = () => memory.calls.filter((c) => c.path === '/api/v1/execute/ddl').length;
    await index.handler(...resolverEvent('me', {}, { installation: 'ari:cloud:jira::site/one' }));
    const first = ddl();
    assert.ok(first >= 3, 'the runner created its table, listed it and applied the schema');
    const exports = await component.task();
    assert.deepEqual(memory.migrations, exports.migrations().map((m) => m.name));
    await index.handler(...resolverEvent('me', {}, { installation: 'ari:cloud:jira::site/one' }));
    assert.equal(ddl(), first, 'nothing more for the same installation');
    await index.handler(...resolverEvent('me', {}, { installation: 'ari:cloud:jira::site/two' }));
    assert.ok(ddl() > first, 'another installation has its own database to migrate');
  });

  test('errors come back as {error: {code, message}}', async () => {
    installMemoryRuntime({ onProduct: myselfOnly });
    const unknown = await index.handler(...resolverEvent('worklog.destroy', {}));
    assert.equal(unknown.error.code, 'invalid-input');
    assert.match(unknown.error.message, /unknown operation "worklog.destroy"/);
    const alice = { principal: { accountId: 'acc-alice' } };
    const noOperation = await index.handler({ call: { functionKey: 'invoke', payload: {} }, context: {} }, { installContext: 'x', ...alice });
    assert.equal(noOperation.error.code, 'invalid-input');
    const noSite = await index.handler({ call: { functionKey: 'invoke', payload: { operation: 'me' } }, context: {} }, alice);
    assert.deepEqual(noSite, { error: { code: 'internal', message: 'the Forge context names no installation' } });
  });

  test('the resolver refuses an invocation without an account id: it never runs as the app', async () => {
    const memory = installMemoryRuntime({ onProduct: myselfOnly });
    for (const principal of [undefined, {}, { accountId: '' }, { accountId: null }]) {
      const [request, runtime] = resolverEvent('report.run', { period: { day: '2026-11-24' } });
      const result = await index.handler(request, { ...runtime, principal });
      assert.equal(result.error?.code, 'forbidden', JSON.stringify(result));
      assert.match(result.error.message, /no account id/);
    }
    assert.equal(memory.calls.length, 0, 'nothing was read or written');
  });

  test('each function starts its operations through its own entry point', async () => {
    installMemoryRuntime({ onProduct: myselfOnly });
    const site = { installContext: 'ari:cloud:jira::site/entry' };
    const event = { eventType: 'avi:jira:deleted:worklog', worklog: { id: '10000' } };
    // A person cannot send Jira's worklog events, whatever the payload says.
    const asPerson = await index.handler(...resolverEvent('sync.worklog-event', event));
    assert.equal(asPerson.error.code, 'forbidden');
    assert.match(asPerson.error.message, /may not be started by a person/);
    // Nor can a job pushed to the queue.
    const queued = await index.longTask({ body: { operation: 'sync.worklog-event', input: event } }, site);
    assert.equal(queued.error.code, 'forbidden');
    assert.match(queued.error.message, /may not be started by a consumer/);
    // The product trigger may.
    const triggered = await index.worklogEvent(event, site);
    assert.ok(!('error' in triggered) || triggered.error.code !== 'forbidden', JSON.stringify(triggered));
  });

  test('after a trap the next call gets a fresh instance', async () => {
    installMemoryRuntime({ onProduct: myselfOnly });
    assert.ok('ok' in (await index.handler(...resolverEvent('me', {}))));
    const before = component.instanceCount();
    const exports = await component.task();
    const Run = exports.Run;
    exports.Run = function Trapping() {
      throw new WebAssembly.RuntimeError('unreachable');
    };
    const originalError = console.error;
    console.error = () => {};
    let trapped;
    try {
      trapped = await index.handler(...resolverEvent('me', {}));
    } finally {
      console.error = originalError;
      exports.Run = Run;
    }
    assert.equal(trapped.error.code, 'internal');
    assert.match(trapped.error.message, /unreachable/);
    assert.deepEqual(await index.handler(...resolverEvent('me', {})), { ok: { ...myself, mayMeasureCost: false } });
    assert.equal(component.instanceCount(), before + 1);
    assert.notEqual(await component.task(), exports);
  });

  test('triggers and the consumer run their operation with no acting user', async () => {
    const memory = installMemoryRuntime({ onProduct: myselfOnly });
    const site = { installContext: 'ari:cloud:jira::site/jobs' };
    const event = { eventType: 'avi:jira:created:worklog', worklog: { id: '10001', issueId: '10002' } };
    for (const fn of [index.worklogEvent, index.privacySchedule, index.timerSchedule]) {
      const result = await fn(event, site);
      // The memory database registers no site, so these fail, but never as
      // an unknown operation or for want of a user.
      assert.ok('ok' in result || !['invalid-input', 'forbidden'].includes(result.error.code), JSON.stringify(result));
    }
    const consumed = await index.longTask({ body: { operation: 'me', input: {} } }, site);
    assert.equal(consumed.error.code, 'forbidden', 'no acting user');
    assert.match(consumed.error.message, /may not be started by a consumer/);
    assert.ok(!memory.calls.some((c) => c.target.provider === 'user'), 'nothing was asked as a user');
  });

  test('the hourly sync trigger syncs, then mirrors the finance property', async () => {
    installMemoryRuntime({ onProduct: myselfOnly });
    const site = { installContext: 'ari:cloud:jira::site/jobs' };
    const { sync, finance } = await index.syncSchedule({}, site);
    for (const result of [sync, finance]) {
      assert.ok('ok' in result || !['invalid-input', 'forbidden'].includes(result.error.code), JSON.stringify(result));
      assert.equal(result.slices, 1);
    }
  });

  test('the daily retention trigger prunes the audit log, then the worklog journal', async () => {
    installMemoryRuntime({ onProduct: myselfOnly });
    const site = { installContext: 'ari:cloud:jira::site/jobs' };
    const { audit, journal } = await index.auditSchedule({}, site);
    for (const result of [audit, journal]) {
      assert.ok('ok' in result || !['invalid-input', 'forbidden'].includes(result.error.code), JSON.stringify(result));
      assert.equal(result.slices, 1);
    }
  });

  test('the daily backup trigger makes a scheduled archive, then prunes by the retention', async () => {
    installMemoryRuntime({ onProduct: myselfOnly });
    const site = { installContext: 'ari:cloud:jira::site/jobs' };
    const { made, pruned } = await index.backupSchedule({}, site);
    // Both run as the job, with their inputs accepted: the memory database
    // has no tables, so they stop at their first statement, never as an
    // unknown operation, a refused input or for want of a user.
    for (const result of [made, pruned]) {
      assert.ok('ok' in result || !['invalid-input', 'forbidden'].includes(result.error.code), JSON.stringify(result));
      assert.equal(result.slices, 1);
    }
  });

  /**
   * A memory database just big enough for privacy.report: one site, a settings
   * table, and `accounts` people in the index's dictionary.
   */
  function privacyDatabase(accounts) {
    const settings = new Map();
    const int = (name) => ({ name, columnType: 8 });
    const text = (name) => ({ name, columnType: 253 });
    return (query, params) => {
      if (query.startsWith('SELECT site FROM sites')) return { rows: [{ site: 1 }], metadata: { fields: [int('site')] } };
      if (query.startsWith('SELECT value FROM settings')) {
        const value = settings.get(params[1]);
        return { rows: value === undefined ? [] : [{ value }], metadata: { fields: [text('value')] } };
      }
      if (query.startsWith('REPLACE INTO settings')) {
        settings.set(params[1], params[2]);
        return { rows: { affectedRows: 1 } };
      }
      if (query.startsWith('SELECT id, value FROM dict')) {
        const after = Number(params[2]);
        const rows = accounts.map((value, i) => ({ id: i + 1, value })).filter((r) => r.id > after);
        return { rows, metadata: { fields: [int('id'), text('value')] } };
      }
      if (query.startsWith('SELECT MAX(updated)')) {
        return { rows: [{ 'MAX(updated)': 1764000000000 }], metadata: { fields: [int('MAX(updated)')] } };
      }
      return undefined;
    };
  }

  test('the daily schedule reports personal data as the app through requestAtlassian, in slices', async () => {
    const reports = [];
    let busy = 1;
    const memory = installMemoryRuntime({
      onSql: privacyDatabase(['acc-1', 'acc-2']),
      onProduct({ provider, remote, method, path, body }) {
        reports.push({ provider, remote, method, path, body: JSON.parse(body) });
        // One 429 first: the component sleeps Retry-After (1 s) through the adapter.
        if (busy-- > 0) return { status: 429, body: { message: 'busy' }, headers: { 'retry-after': '1' } };
        return { status: 204 };
      },
    });
    const site = { installContext: 'ari:cloud:jira::site/privacy' };
    const started = performance.now();
    const result = await index.privacySchedule({}, site);
    assert.ok(performance.now() - started >= 990, 'the retry waited Retry-After');
    assert.equal(result.ok.more, false, JSON.stringify(result));
    assert.equal(result.ok.totals.reported, 2);
    assert.equal(result.ok.slice.retries, 1);
    assert.equal(reports.length, 2);
    for (const report of reports) {
      assert.equal(report.provider, 'app');
      assert.equal(report.method, 'POST');
      assert.equal(report.path, '/app/report-accounts');
      assert.deepEqual(report.body, {
        accounts: [
          { accountId: 'acc-1', updatedAt: '2025-11-24T16:00:00.000Z' },
          { accountId: 'acc-2', updatedAt: '2025-11-24T16:00:00.000Z' },
        ],
      });
    }
    assert.ok(!memory.calls.some((c) => c.target.provider === 'user'));

    // Small slices: the driving loop runs the same operation again while it
    // answers `more`, each with a fresh context.
    const task = await import('../../src/task.js');
    installMemoryRuntime({ onSql: privacyDatabase(['acc-1', 'acc-2', 'acc-3']), onProduct: () => ({ status: 204 }) });
    const contexts = [];
    const make = () => {
      const context = { entryPoint: 'job', installation: 'ari:cloud:jira::site/slices', timeZone: 'UTC', locale: 'en-US', nowMs: BigInt(Date.now()), sqlEngine: 'forge-sql' };
      contexts.push(context);
      return context;
    };
    const sliced = await task.runSlices(make, 'privacy.report', { maxItems: 1 });
    assert.equal(sliced.ok.more, false);
    assert.equal(sliced.slices, 2, 'a page of three, then the end');
    assert.equal(contexts.length, 2);
    // Out of time: the loop stops with `more` and leaves the rest to the next run.
    installMemoryRuntime({ onSql: privacyDatabase(['acc-1', 'acc-2', 'acc-3']), onProduct: () => ({ status: 204 }) });
    const cut = await task.runSlices(make, 'privacy.report', { maxItems: 1 }, { budgetMs: 0 });
    assert.equal(cut.ok.more, true);
    assert.equal(cut.slices, 1);
  });
});
