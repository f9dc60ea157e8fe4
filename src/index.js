// The Forge functions of Worklogs. Each one turns an invocation into a task of
// the component and returns its result; none holds a business rule (see task.js
// for the loop and effects.js for how effects are performed).
//
//   handler        the resolver for the Custom UI: `invoke('invoke', {operation, input})`
//   worklogEvent   product trigger on worklog created / updated / deleted
//   syncSchedule   scheduled, hourly: the incremental sync, then the finance mirror, in slices
//   privacySchedule scheduled, daily: personal data reporting, in slices
//   auditSchedule  scheduled, daily: the audit log's and the worklog journal's retention, in slices
//   timerSchedule  scheduled, hourly: stops forgotten timers (never logs them), in slices
//   longTask       queue consumer: a pushed `{operation, input}` with up to 900 s, in slices
//   logTimeAction, startTimerAction, stopTimerAction
//                  `action` modules (Rovo agents, Jira Automation rules): the action's
//                  inputs run as one operation for the calling user
//
// Every one answers `{ok: result}` or `{error: {code, message}}`; the ones that
// run in slices add `slices`, how many ran.

import ResolverModule from '@forge/resolver';
import { runSlices, runTask, taskContext } from './task.js';

// @forge/resolver is CommonJS with an `exports.default`: bundlers unwrap it, Node does not.
/** @type {typeof import('@forge/resolver').default} */
const Resolver = /** @type {any} */ (ResolverModule).default ?? ResolverModule;

/** The installation a Forge context belongs to. */
const installationOf = (context) => context?.installContext ?? context?.cloudId;

const resolver = new Resolver();

// One generic definition: the operation is data, checked by the component
// (an unknown name is its `invalid-input` error). A resolver call always comes
// from a person: one without an account id (an anonymous or app-only
// invocation) is refused here, never run as the app.
resolver.define('invoke', ({ payload, context }) => {
  if (!context?.accountId) {
    return { error: { code: 'forbidden', message: 'the invocation names no account id: sign in to Jira and try again' } };
  }
  return runTask(
    taskContext({
      entryPoint: 'person',
      installation: installationOf(context),
      accountId: context.accountId,
      timeZone: context.timezone,
      locale: context.locale,
    }),
    payload?.operation,
    payload?.input,
  );
});

export const handler = resolver.getDefinitions();

/**
 * A function for a product trigger: its event, as Forge delivers it, is the
 * input of `operation`, run once with no acting user.
 *
 * @param {string} operation
 */
const trigger = (operation) => (event, context) =>
  runTask(taskContext({ entryPoint: 'trigger', installation: installationOf(context) }), operation, event ?? {});

/**
 * A function for a scheduled trigger: `operation` with no input and no acting
 * user, in slices while it answers `more` (and time is left; the next run
 * resumes the rest).
 *
 * @param {string} operation
 */
const schedule = (operation) => (_event, context) =>
  runSlices(() => taskContext({ entryPoint: 'job', installation: installationOf(context) }), operation, {});

export const worklogEvent = trigger('sync.worklog-event');
/**
 * The hourly sync (`sync.incremental`), then the finance mirror of worklog
 * properties (`finance.mirror`, docs/power-bi.md), each in slices.
 */
export const syncSchedule = async (_event, context) => {
  const makeContext = () => taskContext({ entryPoint: 'job', installation: installationOf(context) });
  const sync = await runSlices(makeContext, 'sync.incremental', {});
  const finance = await runSlices(makeContext, 'finance.mirror', {});
  return { sync, finance };
};
export const privacySchedule = schedule('privacy.report');
export const timerSchedule = schedule('timer.sweep');

/**
 * The daily retention of what the app keeps about the past (docs/data-protection.md):
 * the audit log's pruning, then the worklog journal's, each in slices.
 */
export const auditSchedule = async (_event, context) => {
  const makeContext = () => taskContext({ entryPoint: 'job', installation: installationOf(context) });
  const audit = await runSlices(makeContext, 'audit.prune', {});
  const journal = await runSlices(makeContext, 'journal.prune', {});
  return { audit, journal };
};

/**
 * The daily backup (`docs/backup.md`): a scheduled archive of the app's data
 * in its own storage, in slices (the next run resumes one left unfinished),
 * then the retention's pruning.
 */
export const backupSchedule = async (_event, context) => {
  const makeContext = () => taskContext({ entryPoint: 'job', installation: installationOf(context) });
  const made = await runSlices(makeContext, 'backup.create', { kind: 'scheduled' });
  const pruned = await runSlices(makeContext, 'backup.prune', {});
  return { made, pruned };
};

/**
 * A function for an `action` module (a Rovo agent's action; a Jira Automation
 * rule's, through `automation:actionProvider`): the action's inputs are the input
 * of `operation`, run once as the calling user, the invocation's principal,
 * through the same `person` entry point as the resolver: the component validates
 * the inputs (an unknown or missing one is its `invalid-input`) and the user's
 * rights decide, as in the UI. Beside the inputs, Forge puts its own `context`
 * (where the action was invoked) in the payload: it is not an input, so it is left
 * out. An invocation without an account id is refused, never run as the app.
 *
 * @param {string} operation
 */
const action = (operation) => (payload, context) => {
  const accountId = context?.principal?.accountId ?? context?.accountId;
  if (!accountId) {
    return { error: { code: 'forbidden', message: 'the action was invoked without an account id: it runs only as a person' } };
  }
  const { context: _where, ...input } = payload ?? {};
  return runTask(
    taskContext({
      entryPoint: 'person',
      installation: installationOf(context),
      accountId,
      timeZone: context?.timezone,
      locale: context?.locale,
    }),
    operation,
    input,
  );
};

export const logTimeAction = action('worklog.log');
export const startTimerAction = action('timer.start');
export const stopTimerAction = action('timer.stop');

/**
 * The queue consumer: the pushed body is `{operation, input, timeZone?, locale?}`
 * (the zone and locale of whoever started the job, when it matters). Runs with no
 * acting user and the consumer's longer time limit, in slices like the schedules.
 */
export const longTask = (event, context) => {
  const body = event?.body ?? {};
  return runSlices(
    () => taskContext({ entryPoint: 'consumer', installation: installationOf(context), timeZone: body.timeZone, locale: body.locale }),
    body.operation,
    body.input,
  );
};
