// The admin page: time tracking settings (administrators save; others are told
// they may not), and the sections whose operations come later.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { app, invoke, launch, missing, shot, startHost } from './support.mjs';

const skip = missing();
let host, browser, page;

before(async () => {
  if (skip) return;
  host = await startHost();
  browser = await launch();
  page = await browser.context.newPage();
});
after(async () => {
  await browser?.close();
  await host?.stop();
});

test('an administrator changes the time tracking settings', { skip }, async () => {
  await page.goto(`${host.url}/frame.html?as=dave&view=admin`);
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
  await page.goto(`${host.url}/frame.html?as=alice&view=admin`);
  const a = app(page);
  await a.getByLabel('Working hours per day').fill('6');
  await a.getByRole('button', { name: 'Save' }).first().click();
  await a.getByText("You don't have permission to change the time tracking settings.", { exact: false }).waitFor();
});

test('the admin page in dark', { skip }, async () => {
  await page.goto(`${host.url}/frame.html?as=dave&view=admin&theme=dark`);
  await app(page).getByRole('heading', { name: 'Time tracking' }).waitFor();
  await shot(page, 'admin-dark');
});

test('the project page and the theme switch', { skip }, async () => {
  await page.goto(`${host.url}/frame.html?as=carol&view=project&project=BETA`);
  const p = app(page);
  await p.getByRole('heading', { name: 'Worklogs in BETA' }).waitFor();
  assert.equal(await p.getByLabel('Projects').inputValue(), 'BETA');
  await page.getByLabel('Dark theme').check();
  await page.waitForFunction(() => document.documentElement.dataset.colorMode === 'dark');
  const mode = await p.locator('html').getAttribute('data-color-mode');
  assert.equal(mode, 'dark');
  await shot(page, 'project-page-dark');
});
