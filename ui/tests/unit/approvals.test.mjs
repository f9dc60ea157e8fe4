// Approvals in the UI: the grid's keyboard moves, which states lock, the locked
// period's error in words (src/lib/approvals.ts, src/api/errors.ts) and the admin
// section's rule rows (src/views/admin/rules.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLocked, lockReason, move, stateLabel } from '../../src/lib/approvals.ts';
import { AppError, detailFirst, humanMessage, lockedPeriod } from '../../src/api/errors.ts';
import { groupProblem, toRule } from '../../src/views/admin/rules.ts';

test('the grid moves with arrows, Home/End and PageUp/PageDown, never out of it', () => {
  assert.deepEqual(move('ArrowRight', 0, 0, 3, 4), { r: 0, c: 1 });
  assert.deepEqual(move('ArrowRight', 0, 3, 3, 4), { r: 0, c: 3 });
  assert.deepEqual(move('ArrowUp', 0, 2, 3, 4), { r: 0, c: 2 });
  assert.deepEqual(move('ArrowDown', 2, 2, 3, 4), { r: 2, c: 2 });
  assert.deepEqual(move('Home', 1, 2, 3, 4), { r: 1, c: 0 });
  assert.deepEqual(move('End', 1, 0, 3, 4), { r: 1, c: 3 });
  assert.deepEqual(move('PageDown', 0, 1, 3, 4), { r: 2, c: 1 });
  assert.deepEqual(move('PageUp', 2, 1, 3, 4), { r: 0, c: 1 });
  assert.equal(move('Enter', 0, 0, 3, 4), undefined);
});

test('submitted and approved periods are locked, with the reason in words', () => {
  assert.ok(isLocked('submitted') && isLocked('approved'));
  assert.ok(!isLocked('open') && !isLocked(undefined));
  assert.equal(stateLabel('approved'), 'Approved');
  assert.match(lockReason('approved', '2026-11-30', '2026-12-06'), /2026-11-30 – 2026-12-06\) is approved.*reopen/);
  assert.match(lockReason('submitted', '2026-11-30', '2026-12-06'), /submitted for approval/);
});

test('a conflict about a locked period names it and says what to do', () => {
  const e = new AppError('worklog.log', 'conflict', 'the period 2026-11-30 to 2026-12-06 of "557058:1" is approved: its worklogs are locked (a reviewer or an administrator may reopen it)');
  assert.deepEqual(lockedPeriod(e), { state: 'approved', first: '2026-11-30', last: '2026-12-06' });
  assert.match(humanMessage(e), /approved period \(2026-11-30 – 2026-12-06\).*reopen/);
  const s = new AppError('worklog.update', 'conflict', 'the period 2026-12-01 to 2026-12-31 of "abc" is submitted: its worklogs are locked (a reviewer may reject it, which opens it again; once approved …)');
  assert.deepEqual(lockedPeriod(s), { state: 'submitted', first: '2026-12-01', last: '2026-12-31' });
  assert.match(humanMessage(s), /submitted for approval \(2026-12-01 – 2026-12-31\)/);
  // Other conflicts keep their sentence.
  assert.equal(lockedPeriod(new AppError('report.save', 'conflict', 'saved at the same instant')), undefined);
  assert.match(humanMessage(new AppError('report.save', 'conflict', 'x')), /Someone changed this/);
});

test('approval refusals name the action and show the component\'s reason at once', () => {
  const f = new AppError('approval.approve', 'forbidden', 'forbidden: you may not approve your own period');
  assert.match(humanMessage(f), /may not approve this period/);
  assert.ok(detailFirst(f));
  assert.match(humanMessage(new AppError('approval.rules.save', 'forbidden', 'x')), /permission to change who reviews whom/);
  assert.match(humanMessage(new AppError('approval.reject', 'conflict', 'the period is open, not submitted')), /send this period back in its current state/);
  assert.ok(!detailFirst(new AppError('worklog.log', 'forbidden', 'x')));
  const short = new AppError('approval.submit', 'conflict', 'the period 2026-11-30 to 2026-12-06 is short on 2026-12-01 (5h of 8h): the site requires the required time before submitting');
  assert.match(humanMessage(short), /cannot be submitted yet: this site requires the required time/);
  assert.ok(detailFirst(short), 'the short days are shown at once');
});

test('reviewer rules: a group is required and single; blank projects mean every project', () => {
  assert.equal(groupProblem(''), 'Enter a Jira group name.');
  assert.match(groupProblem('a, b'), /One group per rule/);
  assert.equal(groupProblem('team-leads'), undefined);
  assert.deepEqual(toRule({ id: 1, group: ' team-leads ', teams: 'team-alpha, team-beta,', projects: '' }),
    { reviewers: 'team-leads', teams: ['team-alpha', 'team-beta'] });
  assert.deepEqual(toRule({ id: 2, group: 'leads', teams: 'ops', projects: 'alpha, BETA' }),
    { reviewers: 'leads', teams: ['ops'], projects: ['ALPHA', 'BETA'] });
});
