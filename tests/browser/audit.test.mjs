// The audit log in the admin page, against the component: a rate changed in the
// admin page is an entry with who and the value before and after; "Verify chain"
// says the chain is intact; then an entry is edited directly in the host's SQLite
// file, and "Verify chain" names it. Light and dark.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';

let host, browser, page;
const skip = useBrowser((env) => { ({ host, browser, page } = env); });

async function openAudit(theme = '') {
  // A fresh load (the same address again would only move to its fragment).
  await page.goto('about:blank');
  await page.goto(host.frame(`as=dave&view=admin${theme ? `&theme=${theme}` : ''}`));
  const audit = app(page).locator('#audit');
  await audit.locator('[data-testid="audit-table"], [data-testid="audit-empty"]').first().waitFor();
  return audit;
}

test('a rate change is an entry with before and after; the chain verifies; an edit in the database is named', { skip }, async () => {
  await page.goto(host.frame('as=dave&view=admin'));
  const rates = app(page).locator('#rates');
  await rates.getByText('No rates yet', { exact: false }).waitFor();
  await rates.getByRole('button', { name: 'Add rate' }).click();
  await rates.getByLabel('Amount per hour, rate 1').fill('100');
  await rates.getByLabel('Currency, rate 1').fill('EUR');
  await rates.getByLabel('Effective from, rate 1').fill('2026-01-01');
  await rates.getByRole('button', { name: 'Save rates' }).click();
  await rates.getByText('Saved.').waitFor();
  await rates.getByLabel('Amount per hour, rate 1').fill('120');
  await rates.getByRole('button', { name: 'Save rates' }).click();
  await rates.getByText('Saved.').waitFor();

  const listed = await invoke(host.url, 'dave', 'audit.list', { subject: 'rates' });
  assert.equal(listed.ok.entries.length, 2, JSON.stringify(listed));
  const [second, first] = listed.ok.entries;
  assert.equal(first.before, null);
  assert.match(first.after, /"hourly":"100"/);
  assert.match(second.before, /"hourly":"100"/);
  assert.match(second.after, /"hourly":"120"/);

  let audit = await openAudit();
  const row = audit.locator(`[data-testid="audit-entry-${second.seq}"]`);
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /rates/);
  assert.match(text, /"hourly":"100"/);
  assert.match(text, /"hourly":"120"/);
  assert.match(text, new RegExp(second.accountId));

  await audit.getByRole('button', { name: 'Verify chain' }).click();
  const result = audit.locator('[data-testid="audit-verify-result"]');
  await result.waitFor();
  assert.match(await result.innerText(), /intact/i);
  await audit.locator('[data-testid="audit-table"]').scrollIntoViewIfNeeded();
  await shot(page, 'admin-audit');

  audit = await openAudit('dark');
  await audit.getByRole('button', { name: 'Verify chain' }).click();
  await audit.locator('[data-testid="audit-verify-result"]').waitFor();
  await audit.locator('[data-testid="audit-table"]').scrollIntoViewIfNeeded();
  await shot(page, 'admin-audit-dark');

  // Someone with the database file edits the first rate's after value.
  execFileSync('sqlite3', [join(host.data, 'demo', 'worklogs.sqlite'),
    `UPDATE audit_log SET after_value = REPLACE(after_value, '"100"', '"10"') WHERE seq = ${first.seq}`]);
  audit = await openAudit();
  await audit.getByRole('button', { name: 'Verify chain' }).click();
  const broken = audit.locator('[data-testid="audit-verify-result"]');
  await broken.waitFor();
  const said = await broken.innerText();
  assert.match(said, new RegExp(`Broken at entry ${first.seq}`, "i"));
  assert.match(said, /edited/);
  await broken.scrollIntoViewIfNeeded();
  await shot(page, 'admin-audit-broken');
  const verified = await invoke(host.url, 'dave', 'audit.verify', { restart: true });
  assert.deepEqual(verified.ok.broken, { seq: first.seq, reason: 'edited', message: `entry ${first.seq}'s record does not match its hash: it was edited` });
});

test('someone who is not an administrator sees no audit log and may not verify it', { skip }, async () => {
  await page.goto(host.frame('as=alice&view=admin'));
  await app(page).locator('#audit').getByText("You don't have permission to see the audit log", { exact: false }).waitFor();
  for (const [op, input] of [['audit.list', {}], ['audit.export', {}], ['audit.verify', {}], ['audit.settings.save', { retentionDays: null }]]) {
    const r = await invoke(host.url, 'alice', op, input);
    assert.equal(r.error?.code, 'forbidden', `${op}: ${JSON.stringify(r)}`);
  }
});
