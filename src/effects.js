// Performing a batch of effects on Forge: Jira requests with @forge/api, SQL
// statements with @forge/sql. Nothing here knows any operation, Jira path or
// table: the component decides what to ask; this file only carries it out and
// reports what happened. Every failure becomes an answer (`err`), never a throw.

import { NeedsAuthenticationError, NotAllowedError, asApp, asUser, assumeTrustedRoute } from '@forge/api';
import { sql } from '@forge/sql';

/**
 * @typedef {{ code: string, message: string }} TaskError
 * @typedef {{ tag: 'null' } | { tag: 'int', val: bigint } | { tag: 'real', val: number }
 *   | { tag: 'text', val: string } | { tag: 'blob', val: Uint8Array }} Value
 * @typedef {{ tag: 'user' } | { tag: 'app' } | { tag: 'impersonate', val: string }} Principal
 * @typedef {{ tag: 'sql', val: { sql: string, params: Value[] } }
 *   | { tag: 'jira', val: { principal: Principal, method: string, path: string, body?: string } }
 *   | { tag: 'sleep', val: number }} Effect
 * @typedef {{ id: number, effect: Effect }} Request
 * @typedef {{ id: number, outcome: { tag: 'sql' | 'jira', val: { tag: 'ok', val: any } | { tag: 'err', val: TaskError } }
 *   | { tag: 'sleep' } }} Answer
 */

const ok = (val) => ({ tag: 'ok', val });
const err = (code, message) => ({ tag: 'err', val: { code, message } });
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/**
 * Performs one batch: the Jira requests and the waits concurrently, the SQL
 * statements one after the other in the order given (all at once). One answer
 * per request, echoing its id, in the order of the batch.
 *
 * @param {Request[]} batch
 * @param {{ accountId?: string }} context the task's context
 * @returns {Promise<Answer[]>}
 */
export async function perform(batch, context) {
  /** @type {Array<{ id: number, statement: { sql: string, params: Value[] } }>} */
  const statements = [];
  /** @type {Array<Promise<[number, any]>>} */
  const requests = [];
  for (const { id, effect } of batch) {
    if (effect.tag === 'sql') statements.push({ id, statement: effect.val });
    else if (effect.tag === 'sleep') requests.push(sleep(effect.val).then(() => [id, undefined]));
    else requests.push(sendJira(effect.val, context).then((outcome) => [id, outcome]));
  }
  const sqlDone = (async () => {
    /** @type {Array<[number, any]>} */
    const answers = [];
    for (const { id, statement } of statements) answers.push([id, await runStatement(statement)]);
    return answers;
  })();
  const [sqlAnswers, jiraAnswers] = await Promise.all([sqlDone, Promise.all(requests)]);
  const byId = new Map([...sqlAnswers, ...jiraAnswers]);
  return batch.map(({ id, effect }) =>
    effect.tag === 'sleep' ? { id, outcome: { tag: 'sleep' } } : { id, outcome: { tag: effect.tag, val: byId.get(id) } },
  );
}

/**
 * Waits `ms` milliseconds (the component's back-off before a retry: it has no
 * clock; or no time, to let the host answer other effects). The wait counts
 * against the invocation's time like any effect.
 *
 * @param {number} ms
 */
export function sleep(ms) {
  const wait = Math.max(0, Number(ms) || 0);
  // A wait of no time is the component yielding while other effects are in
  // flight: answered once the event loop has taken in what I/O completed
  // (`setImmediate`), not at the timer's next tick, a millisecond or more on.
  return new Promise((resolve) => (wait === 0 ? setImmediate(resolve) : setTimeout(resolve, wait)));
}

// --- Jira -----------------------------------------------------------------------

/**
 * Why `path` may not be sent, or undefined when it may.
 *
 * The component builds every path from percent-encoded parts and hands over the
 * finished string, so the adapter sends it with `assumeTrustedRoute` rather than
 * the `route` template tag (which would encode it a second time). That trust is
 * checked here, with the same rules as the local host: a REST path on the site
 * (`/rest/...`), or one of Atlassian's app APIs (`/app/...`, such as the personal
 * data reporting API); never a scheme, a host, `//`, a `..` segment, or characters
 * that should have been encoded.
 *
 * @param {string} path
 */
export function unsafePath(path) {
  if (typeof path !== 'string' || !(path.startsWith('/rest/') || path.startsWith('/app/'))) {
    return 'it must start with /rest/ (or /app/ for the app APIs)';
  }
  if (/[\u0000-\u0020\u007f#\\]/.test(path)) return 'it must be percent-encoded';
  if (path.split(/[?/]/).some((part) => part === '..') || path.includes('//')) {
    return 'it must not leave /rest/';
  }
  return undefined;
}

/**
 * @param {{ principal: Principal, method: string, path: string, body?: string }} request
 * @param {{ accountId?: string }} context
 */
async function sendJira({ principal, method, path, body }, context) {
  const invalid = unsafePath(path);
  if (invalid) return err('internal', `invalid Jira path ${JSON.stringify(path)}: ${invalid}`);
  if (!METHODS.has(method)) {
    return err('internal', `invalid HTTP method ${JSON.stringify(method)} (expected GET, POST, PUT or DELETE)`);
  }
  if (principal.tag === 'user' && !context.accountId) {
    return err('internal', `a request to ${path} as the user in a task with no acting user`);
  }
  const impersonated = principal.tag === 'impersonate' ? principal.val : undefined;
  if (impersonated !== undefined && !impersonated) {
    return err('internal', `a request to ${path} impersonating no account`);
  }
  const appApi = path.startsWith('/app/');
  if (appApi && principal.tag !== 'app') return err('internal', `a request to ${path} must be made as the app`);
  // Offline user impersonation: `asUser(accountId)`, allowed by `allowImpersonation`
  // on the scope in the manifest.
  const client = principal.tag === 'app' ? asApp() : impersonated !== undefined ? asUser(impersonated) : asUser();
  const send = appApi ? client.requestAtlassian : client.requestJira;
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (body !== undefined && body !== null) headers['Content-Type'] = 'application/json';
  try {
    const response = await send(assumeTrustedRoute(path), { method, headers, body: body ?? undefined });
    /** @type {Array<[string, string]>} */
    const pairs = [];
    response.headers.forEach((value, name) => pairs.push([name.toLowerCase(), value]));
    return ok({ status: response.status, headers: pairs, body: await response.text() });
  } catch (e) {
    const bare = path.split('?')[0];
    if (impersonated !== undefined && (e instanceof NeedsAuthenticationError || e instanceof NotAllowedError)) {
      // The platform would not act as this person (a deactivated account, no
      // consent, no `allowImpersonation`): the core treats `forbidden` on an
      // impersonated request as "impersonation unavailable". A request that
      // failed on the way (a timeout, a dropped connection) is `upstream`, as
      // any other: it says nothing of the person, and the restore must not
      // fall back to writing as the app for it.
      return err('forbidden', `jira request ${method} ${bare} as account ${impersonated} was refused: ${describe(e)}`);
    }
    return err('upstream', `jira request ${method} ${bare} failed: ${describe(e)}`);
  }
}

// --- SQL ------------------------------------------------------------------------

/**
 * Whether `text` holds a `;` outside quotes and comments that is followed by more
 * SQL: the protocol allows one statement per effect, as the local host checks.
 *
 * @param {string} text
 */
export function hasSeveral(text) {
  let ended = false;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      if (ended) return true;
      i = skipQuoted(text, i);
    } else if ((c === '-' && text[i + 1] === '-') || c === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      if (c === ';') ended = true;
      else if (!/\s/.test(c) && ended) return true;
      i += 1;
    }
  }
  return false;
}

/** The index just past the quoted text that starts at `start`. */
function skipQuoted(text, start) {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\' && quote !== '`') i += 2;
    else if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return text.length;
}

const excerpt = (text) => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);

/**
 * A WIT value as a Forge SQL parameter (the SQL API takes JSON).
 *
 * @param {Value} value
 * @param {number} index
 */
export function toParam(value, index) {
  switch (value.tag) {
    case 'null':
      return null;
    case 'int':
      // Exact as a JSON number within ±2^53; beyond, as a decimal string, which
      // MySQL converts exactly when it compares or stores it in an integer column.
      return value.val >= BigInt(Number.MIN_SAFE_INTEGER) && value.val <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value.val)
        : value.val.toString();
    case 'real':
      if (!Number.isFinite(value.val)) throw new Error(`parameter ${index + 1} is ${value.val}, which SQL cannot store`);
      return value.val;
    case 'text':
      return value.val;
    case 'blob':
      throw new Error(`parameter ${index + 1} is a blob: Forge SQL takes JSON parameters, so store bytes as text`);
    default:
      throw new Error(`parameter ${index + 1} has the unknown kind ${JSON.stringify(/** @type {any} */ (value)?.tag)}`);
  }
}

// MySQL column types (the protocol's numbering, as in Forge SQL's metadata).
const INTEGER_TYPES = new Set([1, 2, 3, 8, 9, 13]); // TINY SHORT LONG LONGLONG INT24 YEAR
const FLOAT_TYPES = new Set([4, 5]); // FLOAT DOUBLE

/**
 * A result cell as a WIT value, guided by the column's type when Forge SQL sends
 * one (`metadata.fields[i].columnType`).
 *
 * @param {unknown} cell
 * @param {{ columnType?: number } | undefined} field
 * @returns {Value}
 */
export function toValue(cell, field) {
  const type = field?.columnType;
  if (cell === null || cell === undefined) return { tag: 'null' };
  if (typeof cell === 'bigint') return { tag: 'int', val: cell };
  if (typeof cell === 'boolean') return { tag: 'int', val: cell ? 1n : 0n };
  if (typeof cell === 'number') {
    if (!FLOAT_TYPES.has(type) && Number.isInteger(cell)) return { tag: 'int', val: BigInt(cell) };
    return { tag: 'real', val: cell };
  }
  if (typeof cell === 'string') {
    if (INTEGER_TYPES.has(type) && /^-?\d+$/.test(cell)) return { tag: 'int', val: BigInt(cell) };
    return { tag: 'text', val: cell };
  }
  if (cell instanceof Uint8Array) return { tag: 'blob', val: new Uint8Array(cell) };
  const buffer = /** @type {any} */ (cell);
  if (typeof buffer === 'object' && buffer.type === 'Buffer' && Array.isArray(buffer.data)) {
    return { tag: 'blob', val: Uint8Array.from(buffer.data) };
  }
  return { tag: 'text', val: JSON.stringify(cell) };
}

/**
 * Forge SQL's answer as the protocol's `sql-rows`.
 *
 * A SELECT answers `{rows: [{column: value}], metadata: {fields}}`; any other
 * statement `{rows: {affectedRows, ...}}`. Rows arrive as objects, so two
 * columns of the same name cannot both be read: that is refused, loudly.
 *
 * @param {{ rows?: any, metadata?: { fields?: Array<{ name: string, columnType?: number }> } }} result
 */
export function toRows(result) {
  const rows = result?.rows;
  if (rows && !Array.isArray(rows) && typeof rows === 'object') {
    return { columns: [], rows: [], rowsAffected: BigInt(rows.affectedRows ?? 0) };
  }
  const list = Array.isArray(rows) ? rows : [];
  const fields = result?.metadata?.fields;
  const columns = Array.isArray(fields) ? fields.map((f) => f.name) : Object.keys(list[0] ?? {});
  const duplicate = columns.find((name, i) => columns.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new Error(`the statement returns two columns named ${JSON.stringify(duplicate)}; give them distinct aliases`);
  }
  return {
    columns,
    rows: list.map((row) => columns.map((name, i) => toValue(row[name], fields?.[i]))),
    rowsAffected: 0n,
  };
}

/**
 * The protocol's code for a Forge SQL failure, as the local host classifies
 * SQLite's: a time-out or a size limit is `limit`, a duplicate key is `conflict`,
 * an unavailable service or a transient lock conflict is `upstream`, a statement the engine rejects is
 * `internal` (a bug in the component). A statement refused for the DML rate (150 a second per
 * installation: a 429, `RATE_LIMIT_EXCEEDED`) was not run: `throttled`, which the component
 * sends again after a wait.
 *
 * @param {any} e
 */
export function sqlErrorCode(e) {
  const text = `${e?.code ?? ''} ${e?.message ?? ''}`;
  const status = e?.responseDetails?.status;
  if (e?.code === 'RATE_LIMIT_EXCEEDED' || status === 429) return 'throttled';
  // TiDB's transient conflicts (a deadlock, ERROR 1213; a lock wait time-out,
  // ERROR 1205) say to try again: `upstream`, as the local host classifies
  // them, not `limit` (the word "exceeded") nor `internal` (SQL_EXECUTION_ERROR).
  if (/try restarting transaction|deadlock found|lock wait timeout|\b1213\b|\b1205\b/i.test(text)) return 'upstream';
  // A statement too slow or too big (TiDB: 'maximum statement execution time exceeded',
  // 'Out Of Memory Quota!', '…exceeding the allowed memory limit…'): `limit`, which a
  // report answers by reading a narrower range.
  if (e?.code === 'QUERY_TIMED_OUT' || /timed? ?out|too large|exceed|out of memory quota/i.test(text) || status === 413) return 'limit';
  if (/duplicate entry|ER_DUP_ENTRY|\b1062\b/i.test(text)) return 'conflict';
  if (e?.code === 'SQL_EXECUTION_ERROR' || e?.code === 'INVALID_SQL_QUERY') return 'internal';
  return 'upstream';
}

/** @param {{ sql: string, params: Value[] }} statement */
async function runStatement({ sql: text, params }) {
  if (hasSeveral(text)) return err('internal', `the SQL holds more than one statement: ${excerpt(text)}`);
  let bound;
  try {
    bound = params.map(toParam);
  } catch (e) {
    return err('internal', `${describe(e)} in ${excerpt(text)}`);
  }
  let result;
  try {
    result = await sql.prepare(text).bindParams(...bound).execute();
  } catch (e) {
    return err(sqlErrorCode(e), `forge sql: ${describe(e)}`);
  }
  try {
    return ok(toRows(result));
  } catch (e) {
    return err('internal', `${describe(e)}: ${excerpt(text)}`);
  }
}

/** @param {any} e */
export function describe(e) {
  return e instanceof Error || (e && typeof e.message === 'string') ? e.message : String(e);
}
