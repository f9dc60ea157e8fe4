// My timesheet from the keyboard: add a row, fill cells with arrows, Enter, Tab and
// Escape, check totals, and that the worklogs reached Jira.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';

let host, browser, page;
const skip = useBrowser((env) => { ({ host, browser, page } = env); });

test('fill a week from the keyboard', { skip }, async () => {
  await page.goto(host.frame(`as=alice&view=global`));
  const ts = app(page);
  await ts.getByRole('tab', { name: 'My timesheet' }).waitFor();
  // This week holds the demo world's worklogs (the host imported them at start);
  // next week is empty.
  await ts.getByRole('button', { name: 'Next week' }).click();
  await ts.getByText('No issues on this week yet', { exact: false }).waitFor();

  // Add a row by key, from the keyboard.
  await ts.getByLabel('Add an issue').fill('alpha-2');
  await ts.getByLabel('Add an issue').press('Enter');
  await ts.getByRole('rowheader', { name: /ALPHA-2/ }).waitFor();

  // alice is de_DE: the week starts on Monday. Fill Monday to Wednesday.
  const first = ts.locator('[data-cell="0-0"]');
  await first.focus();
  await page.keyboard.type('2h');
  await page.keyboard.press('Enter');
  await ts.locator('[data-cell="0-0"]').getByText('2h').waitFor();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('1h 30m');
  await page.keyboard.press('Tab'); // saves and moves right
  await ts.locator('[data-cell="0-1"]').getByText('1.5h').waitFor();
  await page.keyboard.type('3x');
  await page.keyboard.press('Enter');
  await ts.getByText('unknown unit "x"', { exact: false }).waitFor();
  await page.keyboard.press('Escape'); // cancels
  await ts.locator('[data-cell="0-2"]').getByText('·').waitFor();
  await page.keyboard.type('4');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('4h');
  await page.keyboard.press('Enter');
  await ts.locator('[data-cell="0-2"]').getByText('4h').waitFor();

  // Change a cell: Enter edits with the current value.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('45m');
  await page.keyboard.press('Enter');
  await ts.locator('[data-cell="0-1"]').getByText('0.75h').waitFor();

  assert.equal(await ts.getByTestId('week-total').innerText(), '6.75h');
  assert.equal(await ts.getByTestId('day-total-0').innerText(), '2h');
  await shot(page, 'timesheet');

  const list = await invoke(host.url, 'alice', 'worklog.list', { issue: 'ALPHA-2' });
  assert.deepEqual(list.ok.worklogs.map((w) => w.timeSpentSeconds).sort((a, b) => a - b), [2700, 7200, 14400]);

  // Clearing a cell deletes its worklog.
  await ts.locator('[data-cell="0-0"]').focus();
  await page.keyboard.press('Delete');
  await page.keyboard.press('Enter');
  await ts.locator('[data-cell="0-0"]').getByText('·').waitFor();
  assert.equal(await ts.getByTestId('week-total').innerText(), '4.75h');

  // Required hours come from the site's schedule: 8h on working days, none at the weekend.
  assert.equal(await ts.getByTestId('day-required-0').innerText(), '8h');
  assert.equal(await ts.getByTestId('day-required-5').innerText(), '—');
  assert.equal(await ts.getByTestId('week-required').innerText(), '40h');

  // Add a row with the issue picker, from the keyboard: type, ArrowDown into the list, Enter.
  await ts.getByLabel('Add an issue').fill('beta-');
  await ts.getByRole('option', { name: /BETA-2/ }).waitFor();
  await ts.getByLabel('Add an issue').press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await ts.getByRole('rowheader', { name: /BETA-2/ }).waitFor();
  await ts.locator('[data-cell="1-0"]').focus();
  await page.keyboard.type('1h');
  await page.keyboard.press('Enter');
  await ts.locator('[data-cell="1-0"]').getByText('1h').waitFor();
  assert.equal(await ts.getByTestId('day-total-0').innerText(), '1h');
  assert.equal(await ts.getByTestId('week-total').innerText(), '5.75h');
  await shot(page, 'timesheet-picker');

  // The week comes back from the index with both rows.
  await page.reload();
  await ts.getByRole('button', { name: 'Next week' }).click();
  await ts.getByRole('rowheader', { name: /BETA-2/ }).waitFor();
  assert.equal(await ts.getByTestId('week-total').innerText(), '5.75h');

  // Next week is empty; copying last week's rows brings both.
  await ts.getByRole('button', { name: 'Next week' }).click();
  await ts.getByText('No issues on this week yet', { exact: false }).waitFor();
  await ts.getByRole('button', { name: "Copy last week's rows" }).click();
  await ts.getByText('Copied 2 rows from last week.').waitFor();
  await ts.getByRole('rowheader', { name: /ALPHA-2/ }).waitFor();
  await ts.getByRole('rowheader', { name: /BETA-2/ }).waitFor();
  assert.deepEqual(browser.errors, []);
});

test('the timesheet in dark', { skip }, async () => {
  await page.goto(host.frame(`as=alice&view=global&theme=dark`));
  const ts = app(page);
  // This week: the demo world's worklogs of Alice.
  await ts.getByRole('rowheader').first().waitFor();
  await shot(page, 'timesheet-dark');
});
