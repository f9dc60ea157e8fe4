// The Forge functions of Worklogs. Each one turns an invocation into a task of
// the component and returns its result; none holds a business rule (see task.js
// for the loop and effects.js for how effects are performed).
//
//   handler        the resolver for the Custom UI: `invoke('invoke', {operation, input})`
//   worklogEvent   product trigger on worklog created / updated / deleted
//   syncSchedule   scheduled: the incremental sync
//   privacySchedule scheduled: personal data reporting
//   longTask       queue consumer: a pushed `{operation, input}` with up to 900 s
//
// Every one answers `{ok: result}` or `{error: {code, message}}`.

import ResolverModule from '@forge/resolver';
import { runTask, taskContext } from './task.js';

// @forge/resolver is CommonJS with an `exports.default`: bundlers unwrap it, Node does not.
/** @type {typeof import('@forge/resolver').default} */
const Resolver = /** @type {any} */ (ResolverModule).default ?? ResolverModule;

/** The installation a Forge context belongs to. */
const installationOf = (context) => context?.installContext ?? context?.cloudId;

const resolver = new Resolver();

// One generic definition: the operation is data, checked by the component
// (an unknown name is its `invalid-input` error).
resolver.define('invoke', ({ payload, context }) =>
  runTask(
    taskContext({
      installation: installationOf(context),
      accountId: context?.accountId,
      timeZone: context?.timezone,
      locale: context?.locale,
    }),
    payload?.operation,
    payload?.input,
  ),
);

export const handler = resolver.getDefinitions();

/**
 * A function for a trigger: its event, as Forge delivers it, is the input of
 * `operation`, run with no acting user.
 *
 * @param {string} operation
 */
const trigger = (operation) => (event, context) =>
  runTask(taskContext({ installation: installationOf(context) }), operation, event ?? {});

export const worklogEvent = trigger('sync.worklog-event');
export const syncSchedule = trigger('sync.incremental');
export const privacySchedule = trigger('privacy.report');

/**
 * The queue consumer: the pushed body is `{operation, input, timeZone?, locale?}`
 * (the zone and locale of whoever started the job, when it matters). Runs with no
 * acting user and the consumer's longer time limit.
 */
export const longTask = (event, context) => {
  const body = event?.body ?? {};
  return runTask(
    taskContext({ installation: installationOf(context), timeZone: body.timeZone, locale: body.locale }),
    body.operation,
    body.input,
  );
};
