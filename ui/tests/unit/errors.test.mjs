// Errors in words a person can act on (src/api/errors.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, humanMessage, toAppError } from '../../src/api/errors.ts';

test('codes become sentences naming the action; the message is kept', () => {
  const forbidden = new AppError('worklog.log', 'forbidden', 'jira answered 400 …: You do not have the permission');
  assert.equal(humanMessage(forbidden), "You don't have permission to log time on this issue. Ask a Jira administrator if you need it.");
  assert.equal(forbidden.detail, 'jira answered 400 …: You do not have the permission');
  assert.equal(humanMessage(new AppError('report.run', 'upstream', 'jira answered 429')), 'Jira is busy, try again in a moment.');
  assert.match(humanMessage(new AppError('worklog.list', 'not-found', 'x')), /could not find it/);
});

test('an unknown operation is "not available yet", not an error', () => {
  const e = new AppError('report.run', 'invalid-input', 'invalid input: unknown operation "report.run" (known: me)');
  assert.ok(e.unavailable);
  assert.match(humanMessage(e), /not available yet.*"report\.run"/);
  assert.ok(!new AppError('worklog.log', 'invalid-input', 'field "seconds": -5').unavailable);
});

test('a failure of the bridge itself', () => {
  const e = toAppError('me', new TypeError('Failed to fetch'));
  assert.equal(e.code, 'bridge');
  assert.match(humanMessage(e), /could not reach the app/);
});
