// A stand-in Forge runtime answered from memory, for the tests that need no
// simulator or database: the adapter's unit tests, the bundle test and the
// benchmark. Same globals as forge-runtime.mjs (`__forge_fetch__`,
// `__forge_runtime__`); every call is recorded.
//
// SQL answers what @forge/sql's migration runner needs (its `__migrations` table,
// kept in memory) and `{rows: []}` or `{rows: {affectedRows: 1}}` otherwise;
// product requests are answered by `onProduct`.

/**
 * @typedef {{ target: any, path: string, init: any, at: number, done?: number }} Call
 * @param {{
 *   onProduct?: (call: { provider: string, accountId?: string, remote: string, method: string, path: string, body?: string }) => Promise<{ status: number, body?: unknown, headers?: Record<string, string> }> | { status: number, body?: unknown, headers?: Record<string, string> },
 *   onSql?: (query: string, params: unknown[]) => Promise<unknown> | unknown,
 * }} [handlers]
 */
export function installMemoryRuntime({ onProduct, onSql } = {}) {
  /** @type {Call[]} */
  const calls = [];
  const migrations = [];

  const respond = (status, body, headers = {}) =>
    new Response(status === 204 || body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

  async function sql(init) {
    const { query, params = [] } = JSON.parse(init.body);
    if (onSql) {
      const answer = await onSql(query, params);
      // A Response is Forge SQL's own answer (such as an error); anything else its rows.
      if (answer instanceof Response) return answer;
      if (answer !== undefined) return respond(200, answer);
    }
    if (/^CREATE TABLE IF NOT EXISTS __migrations/.test(query)) return respond(200, { rows: { affectedRows: 0 } });
    if (/^SELECT id, name, migratedAt FROM __migrations/.test(query)) {
      return respond(200, { rows: migrations.map((name, i) => ({ id: i + 1, name, migratedAt: '2026-11-24 12:00:00' })) });
    }
    if (/^INSERT INTO __migrations/.test(query)) {
      migrations.push(params[0]);
      return respond(200, { rows: { affectedRows: 1 } });
    }
    if (/^\s*(SELECT|SHOW)/i.test(query)) return respond(200, { rows: [], metadata: { fields: [] } });
    return respond(200, { rows: { affectedRows: 1, insertId: 0 } });
  }

  globalThis.__forge_fetch__ = async (target, path, init = {}) => {
    const call = { target, path, init, at: performance.now() };
    calls.push(call);
    try {
      if (target.type === 'sql') return await sql(init);
      if (!onProduct) return respond(404, { errorMessages: ['no product in this test'] });
      const answer = await onProduct({
        provider: target.provider,
        ...(target.accountId ? { accountId: target.accountId } : {}),
        remote: target.remote,
        method: init.method ?? 'GET',
        path,
        body: init.body,
      });
      return respond(answer.status, answer.body, answer.headers);
    } finally {
      call.done = performance.now();
    }
  };
  const noop = { incr() {}, measure: () => ({ stop() {} }) };
  globalThis.__forge_runtime__ = {
    metrics: { counter: () => noop, timing: () => noop, gauge: () => noop },
    appContext: { appId: 'test', environmentId: 'test', environmentType: 'DEVELOPMENT', installationId: 'test' },
    lambdaContext: { getRemainingTimeInMillis: () => 25_000 },
  };
  return { calls, migrations };
}

/** The Forge invocation of the resolver's generic `invoke` definition. */
export function resolverEvent(operation, input, { accountId = 'acc-alice', installation = 'ari:cloud:jira::site/test' } = {}) {
  return [
    {
      call: { functionKey: 'invoke', payload: { operation, input } },
      context: { cloudId: 'test', localId: 'test', moduleKey: 'worklogs-issue-panel', timezone: 'Europe/Berlin', locale: 'de-DE' },
    },
    { installContext: installation, principal: { accountId } },
  ];
}

/** Jira's `myself` for `me`. */
export const myself = {
  accountId: 'acc-alice',
  displayName: 'Alice Andersen',
  emailAddress: 'alice@example.com',
  timeZone: 'Europe/Berlin',
  locale: 'de_DE',
};
