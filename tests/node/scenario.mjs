// Running one cross-host scenario (tests/scenarios/README.md) through the Forge
// adapter's functions, as Forge would invoke them:
//
//   - a step with a person (`as: "alice"`) calls the resolver `handler` with the
//     payload `{operation, input}` and the context Forge gives a Custom UI
//     invocation (the account, the person's time zone and locale);
//   - a step with no person (`as: null`) calls the queue consumer `longTask` with
//     the body `{operation, input, timeZone, locale}`: a task with no acting user;
//   - a step `via: "trigger"` calls the worklog trigger `worklogEvent` with its
//     input as the event;
//   - a `fault` step posts to the simulator's `/sim/faults`;
//   - an `account` step (`{who, status}`) to its `/sim/accounts/{who}`;
//   - a `sim` step (`{path, body}`) posts `body` to that `/sim/` path.
//
// `Date.now` is pinned to the step's `nowMs` while the step runs, since the
// adapter takes the current instant from the clock.

import assert from 'node:assert/strict';

export const DEFAULT_NOW_MS = Date.parse('2026-11-24T12:00:00Z');
const DEFAULT_LOCALE = 'en-US';

/**
 * Whether `actual` contains `expected`: objects key by key (extra keys allowed),
 * arrays element by element with the same length, scalars equal, and `"*"`
 * matching any present value. Returns the first difference, or undefined.
 *
 * @param {unknown} actual
 * @param {unknown} expected
 * @param {string} [at] a JSON pointer, for the message
 * @returns {string | undefined}
 */
export function mismatch(actual, expected, at = '') {
  if (expected === '*') return actual === undefined ? `${at || '/'}: missing` : undefined;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at || '/'}: expected an array, got ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length) {
      return `${at || '/'}: expected ${expected.length} elements, got ${actual.length}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const found = mismatch(actual[i], expected[i], `${at}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${at || '/'}: expected an object, got ${JSON.stringify(actual)}`;
    }
    for (const [key, value] of Object.entries(expected)) {
      const path = `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (!(key in actual)) return `${path}: missing`;
      const found = mismatch(actual[key], value, path);
      if (found) return found;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${at || '/'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/**
 * The value at a JSON pointer (RFC 6901).
 *
 * @param {unknown} document
 * @param {string} pointer
 */
export function pointerGet(document, pointer) {
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  let value = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (value === null || typeof value !== 'object' || !(key in value)) {
      throw new Error(`the result has nothing at ${pointer}`);
    }
    value = value[key];
  }
  return value;
}

/**
 * Replaces `${name}` (a saved value) and `${alias:NAME}` (an account id) in every
 * string of `value`.
 *
 * @param {unknown} value
 * @param {Map<string, string>} saved
 * @param {Map<string, { accountId: string }>} people
 */
export function substitute(value, saved, people) {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (whole, name) => {
      if (name.startsWith('alias:')) {
        const person = people.get(name.slice('alias:'.length));
        if (!person) throw new Error(`no demo person ${JSON.stringify(name.slice(6))} for ${whole}`);
        return person.accountId;
      }
      if (!saved.has(name)) throw new Error(`nothing saved as ${JSON.stringify(name)} for ${whole}`);
      return saved.get(name);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, saved, people));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, saved, people)]));
  }
  return value;
}

/**
 * Runs a scenario's steps and asserts every expectation.
 *
 * @param {{ name?: string, steps: any[] }} scenario
 * @param {{
 *   functions: { handler: Function, longTask: Function, worklogEvent: Function },
 *   runtime: { invoke: Function },
 *   simUrl: string,
 *   installation: string,
 *   database: string,
 * }} env
 */
export async function runSteps(scenario, { functions, runtime, simUrl, installation, database }) {
  const demo = await (await fetch(`${simUrl}/sim/demo`)).json();
  /** @type {Map<string, { accountId: string, timeZone: string }>} */
  const people = new Map(demo.accounts.map((a) => [a.alias, a]));
  /** @type {Map<string, string>} */
  const saved = new Map();
  const realNow = Date.now;

  for (const [index, raw] of scenario.steps.entries()) {
    const where = `step ${index + 1}`;
    if (raw.fault) {
      const response = await fetch(`${simUrl}/sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(raw.fault),
      });
      assert.ok(response.ok, `${where}: the simulator refused the fault: ${await response.text()}`);
      continue;
    }
    if (raw.sim) {
      assert.ok(raw.sim.path?.startsWith('/sim/'), `${where}: a sim step needs a path under /sim/`);
      const response = await fetch(`${simUrl}${raw.sim.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(raw.sim.body),
      });
      assert.ok(response.ok, `${where}: the simulator refused the change: ${await response.text()}`);
      continue;
    }
    if (raw.jira) {
      // Jira's REST API as a person, past the app (Jira's UI, automation, mobile).
      const call = substitute(raw.jira, saved, people);
      const person = people.get(call.as);
      assert.ok(person, `${where}: a jira step needs "as", a demo person`);
      const response = await fetch(`${simUrl}${call.path}`, {
        method: call.method,
        headers: { 'content-type': 'application/json', 'X-Sim-Account': person.accountId },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
      const text = await response.text();
      assert.ok(response.ok, `${where}: the simulator answered ${response.status}: ${text}`);
      const answer = text ? JSON.parse(text) : null;
      for (const [name, pointer] of Object.entries(raw.save ?? {})) {
        const value = pointerGet(answer, pointer);
        saved.set(name, typeof value === 'string' ? value : JSON.stringify(value));
      }
      continue;
    }
    if (raw.account) {
      const response = await fetch(`${simUrl}/sim/accounts/${encodeURIComponent(raw.account.who)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: raw.account.status }),
      });
      assert.ok(response.ok, `${where}: the simulator refused the account change: ${await response.text()}`);
      continue;
    }
    const step = substitute(raw, saved, people);
    const person = step.as == null ? undefined : people.get(step.as);
    if (step.as != null && !person) throw new Error(`${where}: no demo person ${JSON.stringify(step.as)}`);
    const timeZone = step.context?.timeZone ?? person?.timeZone;
    const locale = step.context?.locale ?? DEFAULT_LOCALE;
    const nowMs = step.context?.nowMs ?? DEFAULT_NOW_MS;

    Date.now = () => nowMs;
    let result;
    try {
      // Forge has no operator (the local command line); a job is the consumer.
      const via = step.via ?? (person ? 'person' : 'job');
      if (!['person', 'trigger', 'job', 'consumer'].includes(via)) throw new Error(`${where}: Forge has no ${via} entry point`);
      result = await runtime.invoke({ accountId: person?.accountId, database }, () =>
        via === 'trigger'
          ? functions.worklogEvent(step.input, { installContext: installation })
          : via === 'person'
          ? functions.handler(
              {
                call: { functionKey: 'invoke', payload: { operation: step.operation, input: step.input } },
                context: {
                  cloudId: installation,
                  localId: 'scenario',
                  moduleKey: 'worklogs-issue-panel',
                  extension: { type: 'jira:issuePanel' },
                  timezone: timeZone,
                  locale,
                },
              },
              { installContext: installation, principal: { accountId: person.accountId } },
            )
          : functions.longTask(
              { body: { operation: step.operation, input: step.input, timeZone, locale } },
              { installContext: installation },
            ),
      );
    } finally {
      Date.now = realNow;
    }

    const label = `${where} (${step.as ?? 'no user'}: ${step.operation})`;
    if (step.expect?.error) {
      assert.ok(result.error, `${label}: expected the error ${step.expect.error.code}, got ${JSON.stringify(result)}`);
      assert.equal(result.error.code, step.expect.error.code, `${label}: ${result.error.message}`);
      if (step.expect.error.message !== undefined) {
        assert.ok(
          result.error.message.includes(step.expect.error.message),
          `${label}: the message ${JSON.stringify(result.error.message)} lacks ${JSON.stringify(step.expect.error.message)}`,
        );
      }
    } else if (step.expect && 'ok' in step.expect) {
      assert.ok('ok' in result, `${label}: expected a result, got ${JSON.stringify(result.error)}`);
      const found = mismatch(result.ok, step.expect.ok);
      assert.equal(found, undefined, `${label}: ${found}\nresult: ${JSON.stringify(result.ok)}`);
    }
    for (const [name, pointer] of Object.entries(step.save ?? {})) {
      assert.ok('ok' in result, `${label}: nothing to save from ${JSON.stringify(result)}`);
      const value = pointerGet(result.ok, pointer);
      saved.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
}
