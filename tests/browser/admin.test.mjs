// The admin page: time tracking settings (administrators save; others are told
// they may not), and the sections whose operations come later.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';

let host, browser, page;
const skip = useBrowser((env) => { ({ host, browser, page } = env); });

test('an administrator changes the time tracking settings', { skip }, async () => {
  await page.goto(host.frame(`as=dave&view=admin`));
  const a = app(page);
  await a.getByRole('heading', { name: 'Time tracking' }).waitFor();
  await a.getByText('Read from Jira').waitFor();
  await a.getByLabel('Working hours per day').fill('7.5');
  await a.getByLabel('Default unit').selectOption('hour');
  await a.getByRole('button', { name: 'Save' }).first().click();
  await a.getByText('Saved.').waitFor();
  const s = await invoke(host.url, 'alice', 'timetracking.settings');
  assert.equal(s.ok.hoursPerDay, 7.5);
  assert.equal(s.ok.defaultUnit, 'hour');
  await shot(page, 'admin');
});

test('others are told they may not', { skip }, async () => {
  await page.goto(host.frame(`as=alice&view=admin`));
  const a = app(page);
  await a.getByLabel('Working hours per day').fill('6');
  await a.getByRole('button', { name: 'Save' }).first().click();
  await a.getByText("You don't have permission to change the time tracking settings.", { exact: false }).waitFor();
});

test('an administrator saves worklog attributes and the schedule', { skip }, async () => {
  // The demo starts with the attributes its worklogs carry; this test builds its own from none.
  await invoke(host.url, 'dave', 'attribute.save', { attributes: [] });
  await page.goto(host.frame(`as=dave&view=admin`));
  const a = app(page);
  const attrs = a.locator('#attributes');
  await attrs.getByRole('button', { name: 'Add attribute' }).click();
  await attrs.getByLabel('Name').nth(0).fill('Billable');
  await attrs.getByLabel('Key').nth(0).fill('billable');
  await attrs.getByLabel('Type').nth(0).selectOption('boolean');
  await attrs.getByLabel('Required').nth(0).check();
  await attrs.getByRole('button', { name: 'Add attribute' }).click();
  await attrs.getByLabel('Name').nth(1).fill('Work type');
  await attrs.getByLabel('Key').nth(1).fill('work_type');
  await attrs.getByLabel('Type').nth(1).selectOption('select');
  await attrs.getByLabel('Choices, comma separated').nth(1).fill('Development, Meeting');
  await attrs.getByRole('button', { name: 'Save' }).click();
  await attrs.getByText('Saved.').waitFor();
  const list = await invoke(host.url, 'alice', 'attribute.list');
  assert.deepEqual(list.ok.attributes, [
    { key: 'billable', name: 'Billable', type: 'boolean', required: true },
    { key: 'work_type', name: 'Work type', type: 'select', options: ['Development', 'Meeting'], required: false },
  ]);
  // A key the exports could not use is refused, naming the field.
  await attrs.getByLabel('Key').nth(1).fill('Work Type');
  await attrs.getByRole('button', { name: 'Save' }).click();
  await attrs.getByText('attributes[1].key', { exact: false }).waitFor();

  const sched = a.locator('#schedule');
  await sched.getByLabel('Friday').uncheck();
  await sched.getByLabel('Hours per working day').fill('7.5');
  await sched.getByLabel('Weeks start on').selectOption('sunday');
  await sched.getByLabel('Holiday date').fill('2026-12-24');
  await sched.getByLabel('Holiday name').fill('Christmas Eve');
  await sched.getByLabel('Half day').check();
  await sched.getByRole('button', { name: 'Add' }).click();
  await sched.getByRole('cell', { name: 'Christmas Eve', exact: true }).waitFor();
  await sched.getByRole('button', { name: 'Save' }).click();
  await sched.getByText('Saved.').waitFor();
  const s = await invoke(host.url, 'alice', 'schedule.get');
  assert.deepEqual(s.ok, {
    workingDays: ['mon', 'tue', 'wed', 'thu'], hoursPerDay: 7.5, weekStart: 'sunday',
    holidays: [{ date: '2026-12-24', name: 'Christmas Eve', kind: 'half' }],
  });
  await shot(page, 'admin-attributes-schedule');

  // Others may read them but not save.
  await page.goto(host.frame(`as=alice&view=admin`));
  const b = app(page).locator('#schedule');
  await b.getByLabel('Hours per working day').fill('6');
  await b.getByRole('button', { name: 'Save' }).click();
  await b.getByText('permission', { exact: false }).waitFor();
  assert.deepEqual(browser.errors, []);
});

test('the admin page in dark', { skip }, async () => {
  await page.goto(host.frame(`as=dave&view=admin&theme=dark`));
  await app(page).getByRole('heading', { name: 'Time tracking' }).waitFor();
  await shot(page, 'admin-dark');
});

test('the project page and the theme switch', { skip }, async () => {
  await page.goto(host.frame(`as=carol&view=project&project=BETA`));
  const p = app(page);
  await p.getByRole('heading', { name: 'Worklogs in BETA' }).waitFor();
  assert.equal(await p.getByLabel('Projects').inputValue(), 'BETA');
  await page.getByLabel('Dark theme').check();
  await page.waitForFunction(() => document.documentElement.dataset.colorMode === 'dark');
  const mode = await p.locator('html').getAttribute('data-color-mode');
  assert.equal(mode, 'dark');
  await shot(page, 'project-page-dark');
});
