// The issue panel in the local frame: log time, edit it, delete it; errors in words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';

let host, browser, page;
const skip = useBrowser((env) => { ({ host, browser, page } = env); });

test('log time on an issue, edit it and delete it', { skip }, async () => {
  await page.goto(host.frame(`as=alice&view=issue&issue=ALPHA-2`));
  const panel = app(page);
  await panel.getByRole('heading', { name: 'Time on ALPHA-2' }).waitFor();
  await panel.getByTestId('no-worklogs').waitFor();

  // The duration shows its parsed value as you type; errors name the position.
  const duration = panel.getByLabel('Time spent');
  await duration.fill('3x');
  await panel.getByText('unknown unit "x" at position 2').waitFor();
  await duration.fill('1h 30m');
  await panel.getByText('= 1h 30m · 1.50 h').waitFor();
  await panel.getByLabel('Date').fill('2026-11-24');
  await panel.getByLabel('Start time').fill('09:30');
  await panel.getByLabel('Comment').fill('wrote the parser');
  await panel.getByLabel('Set to').check();
  await panel.getByLabel('New remaining estimate').fill('4h');
  await shot(page, 'issue-panel-form');
  await panel.getByRole('button', { name: 'Log time' }).click();
  await panel.getByText('Logged 1h 30m on ALPHA-2.').waitFor();
  const row = panel.locator('tr[data-worklog]');
  await row.getByText('wrote the parser').waitFor();
  assert.match(await panel.getByTestId('totals').innerText(), /1h 30m\s+logged/);
  await shot(page, 'issue-panel');

  const listed = await invoke(host.url, 'alice', 'worklog.list', { issue: 'ALPHA-2' });
  assert.equal(listed.ok.total, 1);
  assert.equal(listed.ok.worklogs[0].timeSpentSeconds, 5400);
  assert.match(listed.ok.worklogs[0].started, /^2026-11-24T09:30:00\.000\+01:?00$/);

  // Edit: the form fills with the worklog; change the time.
  await row.getByRole('button', { name: /^Edit/ }).click();
  await panel.getByRole('heading', { name: 'Edit worklog' }).waitFor();
  assert.equal(await panel.getByLabel('Time spent').inputValue(), '1h 30m');
  await panel.getByLabel('Time spent').fill('2h');
  await panel.getByRole('button', { name: 'Save changes' }).click();
  await panel.getByText(/^Saved: 2h/).waitFor();
  await row.getByText('2h', { exact: true }).waitFor();

  // Delete, confirmed.
  await row.getByRole('button', { name: /^Delete/ }).click();
  await panel.getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete' }).click();
  await panel.getByTestId('no-worklogs').waitFor();
  const after = await invoke(host.url, 'alice', 'worklog.list', { issue: 'ALPHA-2' });
  assert.equal(after.ok.total, 0);
  assert.deepEqual(browser.errors, []);
});

test('a person without the permission is told so in words', { skip }, async () => {
  await page.goto(host.frame(`as=erin&view=issue&issue=ALPHA-3`));
  const panel = app(page);
  await panel.getByLabel('Time spent').fill('1h');
  await panel.getByRole('button', { name: 'Log time' }).click();
  await panel.getByText("You don't have permission to log time on this issue.", { exact: false }).waitFor();
  await panel.getByRole('button', { name: 'Details' }).click();
  await panel.getByText(/WORK_ON_ISSUES/).waitFor();
  await shot(page, 'issue-panel-forbidden');
});

test('an issue the person may not see', { skip }, async () => {
  await page.goto(host.frame(`as=alice&view=issue&issue=OPS-2`));
  await app(page).getByText('Jira could not find it').waitFor();
});

test('the issue panel in dark', { skip }, async () => {
  await page.goto(host.frame(`as=carol&view=issue&issue=ALPHA-4&theme=dark`));
  const panel = app(page);
  await panel.locator('tr[data-worklog]').first().waitFor();
  const bg = await panel.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.equal(bg, 'rgb(29, 33, 37)');
  await shot(page, 'issue-panel-dark');
});

test('log time with a worklog attribute', { skip }, async () => {
  const saved = await invoke(host.url, 'dave', 'attribute.save', {
    attributes: [{ key: 'work_type', name: 'Work type', type: 'select', options: ['Development', 'Meeting'], required: true }],
  });
  assert.ok(saved.ok, JSON.stringify(saved));
  try {
    await page.goto(host.frame(`as=alice&view=issue&issue=ALPHA-2`));
    const panel = app(page);
    await panel.getByRole('heading', { name: 'Time on ALPHA-2' }).waitFor();
    const workType = panel.getByLabel('Work type *');
    await workType.waitFor();
    await panel.getByLabel('Time spent').fill('45m');
    await panel.getByLabel('Date').fill('2026-11-23');
    await panel.getByLabel('Start time').fill('14:00');
    // Nothing chosen: the component's error stands next to the field.
    await panel.getByRole('button', { name: 'Log time' }).click();
    await panel.locator('#attr-work_type-msg').getByText('"Work type" is required').waitFor();
    await workType.selectOption('Meeting');
    await shot(page, 'issue-panel-attributes');
    await panel.getByRole('button', { name: 'Log time' }).click();
    await panel.getByText('Logged 45m on ALPHA-2.').waitFor();
    const row = panel.locator('tr[data-worklog]', { hasText: 'Work type: Meeting' });
    await row.waitFor();

    const listed = await invoke(host.url, 'alice', 'worklog.list', { issue: 'ALPHA-2' });
    const logged = listed.ok.worklogs.find((w) => w.timeSpentSeconds === 2700);
    assert.deepEqual(logged.attributes, { work_type: 'Meeting' });

    // Editing fills the field with the worklog's value.
    await row.getByRole('button', { name: /^Edit/ }).click();
    await panel.getByRole('heading', { name: 'Edit worklog' }).waitFor();
    assert.equal(await panel.getByLabel('Work type *').inputValue(), 'Meeting');
    await panel.getByLabel('Work type *').selectOption('Development');
    await panel.getByRole('button', { name: 'Save changes' }).click();
    await panel.locator('tr[data-worklog]', { hasText: 'Work type: Development' }).waitFor();
    await invoke(host.url, 'alice', 'worklog.delete', { issue: 'ALPHA-2', id: logged.id });
    assert.deepEqual(browser.errors, []);
  } finally {
    await invoke(host.url, 'dave', 'attribute.save', { attributes: [] });
  }
});
