// Approvals end to end: a person logs time and submits their period from the
// timesheet; a reviewer sees the count awaiting them, opens the team grid from the
// keyboard and sends the period back with a reason; the person reads the comment
// and submits again; the reviewer approves; the person's cells are locked (and the
// component refuses a write into the period). The admin section, the grid in dark.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';

let host, browser, page;
const skip = useBrowser(async (env) => {
  ({ host, browser, page } = env);
  // carol (team-leads) reviews team-alpha (alice, bob); weekly periods, flagged drift.
  const rules = await invoke(host.url, 'dave', 'approval.rules.save', { rules: [{ reviewers: 'team-leads', teams: ['team-alpha'] }] });
  assert.ok(rules.ok, JSON.stringify(rules));
  const settings = await invoke(host.url, 'dave', 'approval.settings.save', {
    period: 'weekly', requireRequiredTime: false, allowSelfApproval: false, onOutsideEdit: 'flag',
  });
  assert.ok(settings.ok, JSON.stringify(settings));
  // timesheet.week of someone else needs sight of their time (a team-time grant), not only a rule.
  const access = await invoke(host.url, 'dave', 'access.save', { grants: [{ group: 'team-leads', teams: ['team-alpha'] }] });
  assert.ok(access.ok, JSON.stringify(access));
});

/** The index of the timesheet row of `issue`, adding the row when it is not there. */
async function rowOf(ts, issue) {
  const find = () => ts.locator('tbody tr').evaluateAll(
    (trs, key) => trs.findIndex((tr) => tr.querySelector('th')?.textContent?.includes(key)), issue);
  let row = await find();
  if (row < 0) {
    await ts.getByLabel('Add an issue').fill(issue);
    await ts.getByLabel('Add an issue').press('Enter');
    await ts.getByRole('rowheader', { name: new RegExp(issue) }).waitFor();
    row = await find();
  }
  return row;
}

/**
 * The grid cell of `name` whose period is submitted, and where it stands (`data-pos`, row and
 * column), to find it again. Not always the grid's newest column: late on a Sunday in UTC the
 * week has already turned in a zone east of it, such as a person's own, while the timesheet
 * submitted the week before.
 */
async function submittedCell(grid, name) {
  const cell = grid.locator('tbody tr').filter({ hasText: name }).locator('td[aria-label*=": Submitted"]');
  await cell.waitFor();
  return cell.getAttribute('data-pos');
}

/** The grid cell at `pos` (`data-pos`). */
const cellAt = (grid, pos) => grid.locator(`td[data-pos="${pos}"]`);

test('submit, send back with a reason, resubmit, approve: the period locks', { skip }, async () => {
  // alice logs an hour today on ALPHA-3, then submits this week.
  await page.goto(host.frame('as=alice&view=global'));
  let ts = app(page);
  await ts.getByTestId('period-status').waitFor();
  assert.equal(await ts.getByTestId('period-state').textContent(), 'Open');
  await ts.getByRole('rowheader').first().waitFor();
  const row = await rowOf(ts, 'ALPHA-3');
  const cell = ts.locator(`tbody tr:nth-child(${row + 1}) td.ts-cell.today`);
  const shown = (await cell.innerText()).trim();
  const before = /^[\d.]+h/.test(shown) ? Math.round(parseFloat(shown) * 60) : 0;
  await cell.focus();
  await page.keyboard.type(`${before + 60}m`);
  await page.keyboard.press('Enter');
  await cell.getByText(`${+((before + 60) / 60).toFixed(2)}h`).waitFor();

  await ts.getByRole('button', { name: 'Submit for approval' }).click();
  const confirm = ts.getByTestId('submit-confirm');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /You logged .* of .* required/);
  await confirm.getByRole('button', { name: /^Submit/ }).click();
  await ts.getByTestId('period-state').getByText('Submitted').waitFor();
  await ts.getByTestId('period-lock').waitFor();

  // carol sees one period awaiting her, and the grid.
  await page.goto(host.frame('as=carol&view=global'));
  let g = app(page);
  await g.getByTestId('pending-count').getByText('1 period awaits your review').waitFor();
  await g.getByTestId('pending-count').getByRole('button').click();
  const grid = g.getByRole('grid', { name: 'Team periods' });
  await grid.waitFor();
  const pos = await submittedCell(grid, 'Alice Andersen');
  const aliceCell = cellAt(grid, pos);
  assert.match(await aliceCell.getAttribute('aria-label'), /Alice Andersen, .*: Submitted/);
  await shot(page, 'approvals-grid');

  // From the keyboard: focus the cell, Enter opens the period read-only, R-less path: Send back.
  await aliceCell.focus();
  await page.keyboard.press('Enter');
  const panel = g.getByTestId('period-panel');
  await panel.waitFor();
  await panel.getByRole('grid', { name: 'Timesheet' }).waitFor();
  // Its week is the period's, whatever day the reviewer's locale starts a week on (carol's
  // Sunday, the site's Monday: the week before, until the component was asked for the date).
  const title = await panel.locator('#period-panel-title').textContent();
  assert.ok(title.includes(await panel.getByTestId('week-label').textContent()), title);
  // The reviewer's view is read-only: Enter on a cell edits nothing.
  assert.equal(await panel.locator('td.ts-cell[aria-readonly="true"]').count() > 0, true);
  assert.equal(await panel.getByLabel('Add an issue').count(), 0);
  await panel.getByRole('button', { name: 'Send back…' }).click();
  await panel.getByRole('button', { name: 'Send back', exact: true }).click();
  await panel.getByText('A reason is required', { exact: false }).waitFor();
  await panel.getByLabel('Reason').fill('Please add the review meeting on Monday.');
  await panel.getByRole('button', { name: 'Send back', exact: true }).click();
  await g.getByTestId('approvals-notice').getByText('Sent back Alice Andersen', { exact: false }).waitFor();
  await cellAt(grid, pos).getByText('Open').waitFor();

  // alice reads the comment and submits again.
  await page.goto(host.frame('as=alice&view=global'));
  ts = app(page);
  await ts.getByTestId('rejection-reason').getByText('Please add the review meeting on Monday.').waitFor();
  assert.equal(await ts.getByTestId('period-state').textContent(), 'Open');
  await ts.getByRole('button', { name: 'Submit for approval' }).click();
  await ts.getByTestId('submit-confirm').getByRole('button', { name: /^Submit/ }).click();
  await ts.getByTestId('period-state').getByText('Submitted').waitFor();

  // carol approves from the keyboard (A on the focused period).
  await page.goto(host.frame('as=carol&view=global'));
  g = app(page);
  await g.getByRole('tab', { name: /Approvals/ }).click();
  const grid2 = g.getByRole('grid', { name: 'Team periods' });
  await cellAt(grid2, pos).getByText('Submitted').waitFor();
  await cellAt(grid2, pos).focus();
  await page.keyboard.press('a');
  await g.getByTestId('approvals-notice').getByText('Approved Alice Andersen', { exact: false }).waitFor();
  await cellAt(grid2, pos).getByText('Approved').waitFor();
  assert.equal(await g.getByTestId('pending-count').count(), 0);

  // alice: approved, the cells locked and saying why; the timer's ▶ is off.
  await page.goto(host.frame('as=alice&view=global'));
  ts = app(page);
  await ts.getByTestId('period-state').getByText('Approved').waitFor();
  const locked = ts.locator(`tbody tr:nth-child(${row + 1}) td.ts-cell.today`);
  assert.equal(await locked.getAttribute('aria-readonly'), 'true');
  assert.match(await locked.getAttribute('aria-label'), /locked/);
  await locked.focus();
  await page.keyboard.press('Enter');
  await ts.getByRole('status').getByText('is approved: its time is locked', { exact: false }).first().waitFor();
  assert.equal(await ts.locator('td.ts-cell.editing').count(), 0);
  assert.equal(await ts.getByRole('button', { name: 'Start a timer on ALPHA-3 (locked)' }).isDisabled(), true);
  await shot(page, 'approvals-locked-timesheet');

  // The lock is the component's: a write into the period is refused, naming it.
  const status = await invoke(host.url, 'alice', 'approval.status', {});
  assert.equal(status.ok.state, 'approved');
  const refused = await invoke(host.url, 'alice', 'worklog.log', { issue: 'ALPHA-3', started: `${status.ok.start}T10:00:00.000+0000`, seconds: 600 });
  assert.equal(refused.error?.code, 'conflict', JSON.stringify(refused));
  assert.deepEqual(browser.errors, []);
});

test('the admin section, and the grid in dark', { skip }, async () => {
  await page.goto(host.frame('as=dave&view=admin'));
  const a = app(page);
  const section = a.locator('#approvals');
  await section.getByRole('heading', { name: 'Approvals' }).waitFor();
  await section.getByLabel('Reviewers (Jira group)').first().waitFor();
  assert.equal(await section.getByLabel('Reviewers (Jira group)').first().inputValue(), 'team-leads');
  // A blank group is refused here, naming the field, before anything is sent.
  await section.getByRole('button', { name: 'Add rule' }).click();
  await section.getByRole('button', { name: 'Save rules' }).click();
  await section.getByText('Enter a Jira group name.').waitFor();
  await section.getByLabel('Reviewers (Jira group)').nth(1).fill('team-leads');
  // Groups are picked from Jira's (group.search): typed in part, then chosen.
  await section.getByLabel('Review the teams (Jira groups)').nth(1).fill('BE');
  await section.getByRole('option', { name: 'team-beta' }).click();
  assert.equal(await section.getByLabel('Review the teams (Jira groups)').nth(1).inputValue(), 'team-beta');
  await section.getByRole('button', { name: 'Save rules' }).click();
  await section.getByText('Saved.').waitFor();
  const rules = await invoke(host.url, 'dave', 'approval.rules.list');
  assert.deepEqual(rules.ok.rules.map((r) => r.teams), [['team-alpha'], ['team-beta']]);
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: new URL('./artifacts/approvals-admin.png', import.meta.url).pathname });

  await page.goto(host.frame('as=carol&view=global&theme=dark'));
  const g = app(page);
  await g.getByRole('tab', { name: /Approvals/ }).click();
  await g.getByRole('grid', { name: 'Team periods' }).waitFor();
  await shot(page, 'approvals-grid-dark');
  assert.deepEqual(browser.errors, []);
});

test('reports: approved time only is one click (or said to be missing in this version)', { skip }, async () => {
  await page.goto(host.frame('as=dave&view=global'));
  const g = app(page);
  await g.getByRole('tab', { name: 'Reports' }).click();
  await g.getByRole('button', { name: 'Run report' }).click();
  await g.getByTestId('report-table').waitFor();
  await g.getByLabel('Approved time only').click();
  // The report runs again at once: filtered by the component, or the filter is not there yet.
  await g.getByText('Reports by approval state are not available in this version of the app.')
    .or(g.locator('#result-title')).first().waitFor();
  await g.getByRole('button', { name: 'Run report' }).waitFor({ state: 'visible' });
  assert.deepEqual(browser.errors, []);
});
