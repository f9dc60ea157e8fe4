// Restore worklogs in the admin page, against the component: alice logs a
// worklog and deletes it; dave picks the window of the deletion, the dry run
// lists it as "Recreate as author" with its hours, Run restores it, and the
// status says done; the worklog is back in Jira as alice's. Light and dark.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';

let host, page;
const skip = useBrowser((env) => { ({ host, page } = env); });

/** A UTC date-time as the form's datetime-local value. */
const local = (ms) => new Date(ms).toISOString().slice(0, 19);

test('a deleted worklog is planned, restored as its author, and shown done', { skip }, async () => {
  const logged = await invoke(host.url, 'alice', 'worklog.log', {
    issue: 'ALPHA-2', started: '2026-11-23T09:30:00+01:00', seconds: 5400, comment: 'design review',
  });
  assert.ok(logged.ok, JSON.stringify(logged));
  await new Promise((r) => setTimeout(r, 1100));
  const from = Date.now() - 100;
  const deleted = await invoke(host.url, 'alice', 'worklog.delete', { issue: 'ALPHA-2', id: logged.ok.id });
  assert.ok(deleted.ok, JSON.stringify(deleted));
  const to = Date.now() + 3_600_000;

  for (const theme of ['', 'dark']) {
    await page.goto('about:blank');
    await page.goto(host.frame(`as=dave&view=admin${theme ? `&theme=${theme}` : ''}`));
    const section = app(page).locator('#restore');
    await section.waitFor();
    await section.getByLabel('Deleted or changed from (UTC)').fill(local(from));
    await section.getByLabel('Until (UTC, excluded)').fill(local(to));
    await section.getByRole('button', { name: 'Dry run' }).click();
    const row = section.locator(`[data-testid="restore-worklog-${logged.ok.id}"]`);
    if (theme === '') {
      await row.waitFor();
      const text = await row.innerText();
      assert.match(text, /Recreate as author/i);
      assert.match(text, /1\.50/);
      await section.locator('[data-testid="restore-plan"]').scrollIntoViewIfNeeded();
      await shot(page, 'admin-restore-plan');
      await section.getByRole('button', { name: 'Run restore' }).click();
      const status = section.locator('[data-testid="restore-status"]');
      await status.waitFor();
      assert.match(await status.innerText(), /Done/i);
      assert.match(await status.innerText(), /1 recreated \(1 as their authors, 0 as the app\)/);
      await status.scrollIntoViewIfNeeded();
      await shot(page, 'admin-restore-done');
    } else {
      // Again: nothing left to restore.
      await section.getByText('Nothing to restore.').waitFor();
      await section.locator('[data-testid="restore-plan"]').scrollIntoViewIfNeeded();
      await shot(page, 'admin-restore-dark');
    }
  }
  const list = await invoke(host.url, 'alice', 'worklog.list', { issue: 'ALPHA-2' });
  const back = (list.ok.worklogs ?? list.ok).filter((w) => w.comment === 'design review');
  assert.equal(back.length, 1, JSON.stringify(list.ok).slice(0, 500));
  assert.equal(back[0].timeSpentSeconds, 5400);
});
