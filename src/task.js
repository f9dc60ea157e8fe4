// The task loop: start an operation as a run, perform the effects it asks for,
// resume it with the answers, repeat until it is done. No operation is known
// here; the component validates and decides everything.

import { migrationRunner } from '@forge/sql';
import { discard, task } from './component.js';
import { describe, perform, sqlErrorCode } from './effects.js';

/**
 * @typedef {{ installation: string, accountId?: string, timeZone: string, locale: string, nowMs: bigint, entryPoint: EntryPoint, sqlEngine: 'forge-sql' }} TaskContext
 * @typedef {'person' | 'trigger' | 'job' | 'consumer' | 'operator'} EntryPoint
 * @typedef {{ ok: unknown } | { error: { code: string, message: string } }} TaskResult
 */

const DEFAULT_TIME_ZONE = 'UTC';
const DEFAULT_LOCALE = 'en-US';

const failure = (code, message) => ({ error: { code, message } });

/**
 * The task context for an invocation. `entryPoint` is how the function was
 * invoked (the resolver: a person; a product trigger; a scheduled trigger: a job;
 * the queue consumer), fixed by the function, never taken from a payload.
 *
 * @param {{ entryPoint: EntryPoint, installation?: string, accountId?: string | null, timeZone?: string | null, locale?: string | null }} parts
 * @returns {TaskContext}
 */
export function taskContext({ entryPoint, installation, accountId, timeZone, locale }) {
  return {
    entryPoint,
    installation: installation ?? '',
    accountId: accountId || undefined,
    timeZone: timeZone || DEFAULT_TIME_ZONE,
    locale: locale || DEFAULT_LOCALE,
    nowMs: BigInt(Date.now()),
    sqlEngine: 'forge-sql',
  };
}

/** Installations whose database this process has migrated (or is migrating). */
const migrated = new Map();

/**
 * Applies the component's migrations to this installation's database, once per
 * installation per process: a warm function instance can serve several sites,
 * and each site has its own Forge SQL database. `migrationRunner` records what it
 * applied in the database itself, so a cold start only re-reads that record.
 *
 * @param {any} exports the component's `task` interface
 * @param {Promise<any>} instance what `task()` returned, to discard after a trap
 * @param {string} installation
 * @returns {Promise<TaskResult | undefined>} a failure, or undefined when migrated
 */
async function migrate(exports, instance, installation) {
  let done = migrated.get(installation);
  if (!done) {
    let migrations;
    try {
      migrations = exports.migrations();
    } catch (e) {
      discard(instance);
      return failure('internal', `the component failed while listing its migrations: ${describe(e)}`);
    }
    // `enqueue` ignores a name it already holds, so this is harmless when repeated.
    for (const { name, statement } of migrations) migrationRunner.enqueue(name, statement);
    done = migrationRunner.run();
    migrated.set(installation, done);
    done.catch(() => migrated.delete(installation));
  }
  try {
    await done;
    return undefined;
  } catch (e) {
    const cause = e?.cause ?? e;
    const name = e?.migrationName ? ` ${e.migrationName}` : '';
    console.error(`worklogs: the database migration${name} failed: ${describe(cause)}`);
    return failure(sqlErrorCode(cause), `the database migration${name} failed: ${describe(cause)}`);
  }
}

let wholeBatches = false;

/**
 * Whether the task loop performs each batch whole and answers it at once,
 * rather than in parts as they complete. The fault matrix sets it: it counts
 * effects by their position, which must not depend on which answer came first.
 *
 * @param {boolean} whole
 */
export function answerWholeBatches(whole) {
  wholeBatches = whole;
}

/**
 * The effects of one task in flight. `start` performs a batch in parts: its
 * SQL statements together, after the task's earlier statements (the database
 * performs them in the order the component asked), and each Jira request and
 * wait on its own. `next` gives the answers of every part completed since the
 * last call, waiting for one when none has: the component goes on with what
 * it has while the rest is performed.
 *
 * @param {TaskContext} context
 */
function inFlight(context) {
  let sqlTurn = Promise.resolve();
  let pending = 0;
  /** @type {import('./effects.js').Answer[]} */
  let ready = [];
  /** @type {unknown} */
  let failed;
  /** @type {(() => void) | undefined} */
  let wake;
  const changed = () => new Promise((resolve) => (wake = () => resolve(undefined)));
  /** @param {Promise<import('./effects.js').Answer[]>} part */
  const track = (part) => {
    pending += 1;
    part
      .then((answers) => ready.push(...answers), (e) => (failed ??= e))
      .finally(() => {
        pending -= 1;
        wake?.();
      });
  };
  return {
    /** @param {import('./effects.js').Request[]} batch */
    start(batch) {
      const [inTurn, others] = wholeBatches
        ? [batch, []]
        : [batch.filter((r) => r.effect.tag === 'sql'), batch.filter((r) => r.effect.tag !== 'sql')];
      if (inTurn.length > 0) {
        const part = sqlTurn.then(() => perform(inTurn, context));
        sqlTurn = part.catch(() => undefined);
        track(part);
      }
      for (const request of others) track(perform([request], context));
    },
    async next() {
      while (ready.length === 0 && failed === undefined) {
        if (pending === 0) throw new Error('the component waits, and none of its effects is in flight');
        await changed();
      }
      if (failed !== undefined) throw failed;
      const answers = ready;
      ready = [];
      return answers;
    },
    async settled() {
      while (pending > 0) await changed();
    },
  };
}

/**
 * Runs `operation` with `input` (any JSON value) to completion.
 *
 * @param {TaskContext} context
 * @param {string} operation
 * @param {unknown} input
 * @returns {Promise<TaskResult>}
 */
export async function runTask(context, operation, input) {
  if (!context.installation) return failure('internal', 'the Forge context names no installation');
  const instance = task();
  /** @type {any} */
  let exports;
  try {
    exports = await instance;
  } catch (e) {
    console.error(`worklogs: the component could not be instantiated: ${describe(e)}`);
    return failure('internal', `the component could not be instantiated: ${describe(e)}`);
  }

  const unmigrated = await migrate(exports, instance, context.installation);
  if (unmigrated) return unmigrated;

  let run;
  let step;
  try {
    run = new exports.Run(context, String(operation ?? ''), input === undefined ? '{}' : JSON.stringify(input));
    step = run.resume([]);
    const effects = inFlight(context);
    try {
      while (step.tag === 'wait') {
        effects.start(step.val);
        step = run.resume(await effects.next());
      }
    } finally {
      // An operation may end while effects it gave up on are still being
      // performed (a failed member of a join): the task ends after them.
      await effects.settled();
    }
  } catch (e) {
    // A trap, or a bug on either side of the protocol: this instance is done for.
    discard(instance);
    console.error(`worklogs: ${operation} failed inside the component: ${e?.stack ?? describe(e)}`);
    return failure('internal', `the component failed while running ${operation}: ${describe(e)}`);
  } finally {
    try {
      run?.[Symbol.dispose ?? Symbol.for('dispose')]?.();
    } catch {
      // A trapped instance cannot drop its resources; it is discarded anyway.
    }
  }

  const result = step.val;
  if (result.tag === 'err') return failure(result.val.code, result.val.message);
  try {
    return { ok: JSON.parse(result.val) };
  } catch (e) {
    return failure('internal', `the result of ${operation} is not JSON: ${describe(e)}`);
  }
}

/**
 * How long a job keeps starting new slices, in milliseconds: the scheduled
 * triggers and the queue consumer may run 900 s (`timeoutSeconds` in
 * manifest.yml), and a slice takes well under five minutes, so none is started
 * after ten.
 */
export const SLICE_BUDGET_MS = 600_000;

/**
 * Runs an operation in slices (docs/operations.md: a result `{more: true}`
 * asks to run the same operation with the same input again) until it is
 * finished, fails, or the time budget is spent; each slice gets a fresh context
 * (its own `now`). What is left when the budget is spent waits for the next
 * invocation, which resumes from the component's checkpoint. Returns the last
 * slice's result.
 *
 * @param {() => TaskContext} makeContext
 * @param {string} operation
 * @param {unknown} input
 * @param {{ budgetMs?: number, now?: () => number }} [options]
 * @returns {Promise<TaskResult & { slices?: number }>}
 */
export async function runSlices(makeContext, operation, input, { budgetMs = SLICE_BUDGET_MS, now = Date.now } = {}) {
  const start = now();
  let slices = 0;
  for (;;) {
    const result = await runTask(makeContext(), operation, input);
    slices += 1;
    const more = 'ok' in result && /** @type {any} */ (result.ok)?.more === true;
    if (!more || now() - start >= budgetMs) return { ...result, slices };
  }
}
