// A stand-in for the Forge Node runtime, for tests: what the platform provides
// underneath @forge/api and @forge/sql, so the real packages (and the adapter,
// bundled or not) run unchanged and only the far side is replaced.
//
// @forge/api sends every product request through `global.__forge_fetch__(target,
// path, init)` and reads `global.__forge_runtime__`; @forge/sql is a client of the
// same `__forge_fetch__` with `{type: 'sql'}`. Here:
//
//   - Jira (`{type: 'fpp', remote: 'jira'}`) goes to the Jira simulator over HTTP,
//     as the invoking user (`X-Sim-Account`), the app (`X-Sim-Principal: app`) or,
//     for `asUser(accountId)` (offline user impersonation), that account
//     (`X-Sim-Account: <accountId>`; the simulator refuses a deactivated one);
//   - the app APIs (`{remote: 'stargate'}`, such as `/app/report-accounts`) go to
//     the simulator too, as the app;
//   - SQL (`{type: 'sql'}`, `/api/v1/execute` and `/api/v1/execute/ddl`) runs on
//     MariaDB and answers in Forge SQL's shape: `{rows: [{column: value}],
//     metadata: {fields}}` for a query, `{rows: {affectedRows, ...}}` otherwise,
//     and `{code, message}` with status 400 for an error. With `dmlPerSecond`,
//     it refuses DML statements (INSERT, REPLACE, UPDATE, DELETE) past that many
//     in any second per database (an installation), as Forge SQL refuses past
//     150: a 429 `{code: 'RATE_LIMIT_EXCEEDED'}`, the statement not run; it
//     counts them in `sql` (statements, DML, refused, the most DML in a second).
//
// Which user, which site and which database belong to a call come from the
// invocation in progress (`invoke`), kept in an AsyncLocalStorage as the
// platform keeps its invocation context.

import { AsyncLocalStorage } from 'node:async_hooks';
import mysql from 'mysql2/promise';

/**
 * @typedef {{ accountId?: string, database: string, jiraUrl: string }} Invocation
 */

/** @type {AsyncLocalStorage<Invocation>} */
const invocation = new AsyncLocalStorage();

/** Whether a statement is DML, as Forge SQL counts it. */
export const isDml = (query) => /^\s*(INSERT|REPLACE|UPDATE|DELETE)\b/i.test(query);

/**
 * Installs the runtime globals.
 *
 * @param {{ mysqlUrl: string, dmlPerSecond?: number }} options
 * @returns {{ invoke: <T>(who: Invocation, fn: () => Promise<T>) => Promise<T>, requests: Array<{ principal: string, method: string, path: string }>, sql: { statements: number, dml: number, refused: number, peakDmlPerSecond: number }, close: () => Promise<void> }}
 */
export function installForgeRuntime({ mysqlUrl, dmlPerSecond = Infinity }) {
  /** Every product request made, in order: what the scope check reads. */
  const requests = [];
  /** SQL counts, and per database the instants (ms) of the DML of the last second. */
  const sqlCounts = { statements: 0, dml: 0, refused: 0, peakDmlPerSecond: 0 };
  /** @type {Map<string, number[]>} */
  const recentDml = new Map();
  /** @type {Map<string, import('mysql2/promise').Pool>} */
  const pools = new Map();

  const pool = (database) => {
    let p = pools.get(database);
    if (!p) {
      p = mysql.createPool({ uri: `${mysqlUrl.replace(/\/$/, '')}/${database}`, connectionLimit: 4, dateStrings: true });
      pools.set(database, p);
    }
    return p;
  };

  const json = (status, body) =>
    new Response(status === 204 ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });

  async function runSql(path, init) {
    const current = invocation.getStore();
    if (!current) throw new Error('an SQL request outside an invocation');
    const { query, params = [] } = JSON.parse(init.body);
    sqlCounts.statements += 1;
    if (isDml(query)) {
      const now = performance.now();
      const recent = (recentDml.get(current.database) ?? []).filter((t) => now - t < 1000);
      if (recent.length >= dmlPerSecond) {
        recentDml.set(current.database, recent);
        sqlCounts.refused += 1;
        return json(429, {
          code: 'RATE_LIMIT_EXCEEDED',
          message: `Rate limit exceeded: more than ${dmlPerSecond} DML statements per second`,
        });
      }
      recent.push(now);
      recentDml.set(current.database, recent);
      sqlCounts.dml += 1;
      sqlCounts.peakDmlPerSecond = Math.max(sqlCounts.peakDmlPerSecond, recent.length);
    }
    try {
      const [result, fields] = await pool(current.database).query({ sql: query, values: params });
      if (Array.isArray(result)) {
        return json(200, {
          rows: result,
          metadata: {
            dbExecutionTime: 0,
            responseSize: 0,
            fields: (fields ?? []).map((f) => ({ name: f.name, columnType: f.columnType, flags: f.flags })),
          },
        });
      }
      return json(200, { rows: { ...result } });
    } catch (e) {
      if (!e.sqlState) throw e;
      return json(400, {
        code: 'SQL_EXECUTION_ERROR',
        message: e.message,
        context: { errno: e.errno, sqlState: e.sqlState, path },
      });
    }
  }

  async function runProduct(target, path, init = {}) {
    const current = invocation.getStore();
    if (!current) throw new Error(`a product request outside an invocation: ${path}`);
    const asApp = target.provider === 'app';
    const impersonated = !asApp && target.accountId ? target.accountId : undefined;
    if (!asApp && !impersonated && !current.accountId) throw new Error(`a request as the user with no user: ${path}`);
    const principal = asApp ? 'app' : impersonated ? 'impersonate' : 'user';
    requests.push({ principal, method: init.method ?? 'GET', path, ...(impersonated ? { accountId: impersonated } : {}) });
    const headers = { ...(init.headers ?? {}) };
    if (asApp) headers['X-Sim-Principal'] = 'app';
    else headers['X-Sim-Account'] = impersonated ?? current.accountId;
    return fetch(`${current.jiraUrl}${path}`, { method: init.method ?? 'GET', headers, body: init.body });
  }

  globalThis.__forge_fetch__ = async (target, path, init) => {
    if (target.type === 'sql') return runSql(path, init);
    if (target.type === 'fpp' && (target.remote === 'jira' || target.remote === 'stargate')) {
      return runProduct(target, path, init);
    }
    throw new Error(`the test runtime does not serve ${JSON.stringify(target)}`);
  };
  const noop = { incr() {}, measure: () => ({ stop() {} }) };
  globalThis.__forge_runtime__ = {
    metrics: { counter: () => noop, timing: () => noop, gauge: () => noop },
    appContext: { appId: 'test', environmentId: 'test', environmentType: 'DEVELOPMENT', installationId: 'test' },
    lambdaContext: { getRemainingTimeInMillis: () => 25_000 },
  };

  return {
    invoke: (who, fn) => invocation.run(who, fn),
    requests,
    sql: sqlCounts,
    async close() {
      await Promise.all([...pools.values()].map((p) => p.end()));
      pools.clear();
    },
  };
}

/**
 * Creates an empty database (dropping any of the same name).
 *
 * @param {string} mysqlUrl
 * @param {string} database
 */
export async function freshDatabase(mysqlUrl, database) {
  const admin = await mysql.createConnection({ uri: mysqlUrl });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`CREATE DATABASE \`${database}\``);
  } finally {
    await admin.end();
  }
}

/**
 * Drops a database.
 *
 * @param {string} mysqlUrl
 * @param {string} database
 */
export async function dropDatabase(mysqlUrl, database) {
  const admin = await mysql.createConnection({ uri: mysqlUrl });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await admin.end();
  }
}
