// The admin page's Data protection group, against the component: dave changes
// the journal's retention and comment switch (a bad value is named by its
// field); backs up now and sees the archive listed; downloads it as one zip
// file whose manifest lists every part with its checksum; restores it (the dry
// run shows the plan, then the run replaces the data and brings back a setting
// changed since); uploads a tampered copy, which is refused naming the part.
// Screenshots in light and dark mode.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';
import { unzip } from './zip.mjs';

let host, page;
const skip = useBrowser((env) => { ({ host, page } = env); });

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** A stored zip of `entries` ([name, Buffer]), as zip.mjs reads it. */
function zipOf(entries) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name);
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0); l.writeUInt16LE(20, 4); l.writeUInt32LE(crc(data), 14);
    l.writeUInt32LE(data.length, 18); l.writeUInt32LE(data.length, 22); l.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt32LE(crc(data), 16);
    c.writeUInt32LE(data.length, 20); c.writeUInt32LE(data.length, 24); c.writeUInt16LE(n.length, 28); c.writeUInt32LE(offset, 42);
    locals.push(l, n, data);
    centrals.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

let downloaded; // the zip file's entries, for the tampered upload

test('the journal: retention and the comment switch, a bad value named by its field', { skip }, async () => {
  await page.goto(host.frame('as=dave&view=admin'));
  const a = app(page);
  const section = a.locator('#journal');
  await section.getByTestId('journal-size').waitFor();
  assert.match(await section.getByTestId('journal-size').innerText(), /versions? kept, about/);
  // The group holds its four sections, in the navigation too.
  const group = a.locator('#data-protection');
  await group.getByRole('heading', { name: 'Data protection' }).waitFor();
  for (const id of ['journal', 'restore', 'backups', 'audit']) assert.equal(await group.locator(`#${id}`).count(), 1, id);
  await a.getByRole('group', { name: 'Data protection' }).getByRole('link', { name: 'Backups' }).waitFor();

  await section.getByLabel('For days').check();
  await section.getByLabel('Days', { exact: true }).fill('0');
  await section.getByRole('button', { name: 'Save' }).click();
  await section.getByText('Between 1 and 36,525 days.').waitFor();
  await section.getByLabel('Days', { exact: true }).fill('400');
  // Keyboard: the switch toggles with the space bar.
  await section.getByLabel('Store comments').focus();
  await page.keyboard.press('Space');
  assert.equal(await section.getByLabel('Store comments').isChecked(), false);
  await section.getByRole('button', { name: 'Save' }).click();
  await section.getByText('Saved.').waitFor();
  const saved = await invoke(host.url, 'dave', 'journal.settings.get');
  assert.equal(saved.ok.retentionDays, 400);
  assert.equal(saved.ok.comments, false);
  // The local host names its engine; SQLite's bytes per version were measured.
  assert.deepEqual([saved.ok.engine, saved.ok.measured], ['sqlite', true]);

  // In years, and comments back on.
  await page.reload();
  await section.getByLabel('For years').check();
  await section.getByLabel('Years', { exact: true }).fill('3');
  await section.getByLabel('Store comments').check();
  await section.getByRole('button', { name: 'Save' }).click();
  await section.getByText('Saved.').waitFor();
  const again = await invoke(host.url, 'dave', 'journal.settings.get');
  assert.deepEqual([again.ok.retentionDays, again.ok.comments], [3 * 365, true]);
  await section.scrollIntoViewIfNeeded();
  await shot(page, 'admin-journal');
});

test('back up now, see it listed, download it as one valid archive', { skip }, async () => {
  await page.goto(host.frame('as=dave&view=admin'));
  const a = app(page);
  const section = a.locator('#backups');
  await section.getByTestId('backup-schedule').waitFor();
  // The schedule: a bad count is named by its field, a good one saved.
  await section.getByLabel('Monthly archives').fill('500');
  await section.getByRole('button', { name: 'Save' }).click();
  await section.getByText('Between 0 and 120.').waitFor();
  await section.getByLabel('Monthly archives').fill('6');
  await section.getByRole('button', { name: 'Save' }).click();
  await section.getByText('Saved.').waitFor();
  const listed = await invoke(host.url, 'dave', 'backup.list');
  assert.equal(listed.ok.settings.retention.monthly, 6);

  await section.getByRole('button', { name: 'Back up now' }).click();
  const table = section.getByTestId('backup-table');
  await table.waitFor();
  const archives = (await invoke(host.url, 'dave', 'backup.list')).ok.archives;
  assert.equal(archives.length, 1);
  const [archive] = archives;
  assert.equal(archive.kind, 'manual');
  assert.equal(archive.version, 1);
  assert.match(archive.sha256, /^[0-9a-f]{64}$/);
  const row = section.getByTestId(`backup-${archive.archive}`);
  const text = await row.innerText();
  assert.match(text, /manual/i);
  assert.match(text, new RegExp(archive.sha256.slice(0, 16)));
  await section.scrollIntoViewIfNeeded();
  await shot(page, 'admin-backups');

  const download = page.waitForEvent('download');
  await row.getByRole('button', { name: /^Download/ }).click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^worklogs-backup-.*\.zip$/);
  const entries = unzip(readFileSync(await file.path()));
  const manifestBytes = entries.get('manifest.json');
  assert.ok(manifestBytes, [...entries.keys()].join(', '));
  assert.equal(sha256(manifestBytes), archive.sha256, "the manifest is the archive's checksum");
  const manifest = JSON.parse(manifestBytes.toString('utf8'));
  assert.equal(manifest.format, 'worklogs-backup');
  assert.ok(manifest.parts.length > 0);
  assert.deepEqual([...entries.keys()].sort(), ['manifest.json', ...manifest.parts.map((p) => p.name)].sort());
  for (const p of manifest.parts) {
    const bytes = entries.get(p.name);
    assert.equal(bytes.length, p.bytes, p.name);
    assert.equal(sha256(bytes), p.sha256, p.name);
  }
  downloaded = { entries, manifest };
});

test('restore a kept archive: the dry run shows the plan, the run restores', { skip }, async () => {
  // A setting changed after the backup: the restore brings the old one back.
  const before = (await invoke(host.url, 'dave', 'journal.settings.get')).ok;
  const changed = await invoke(host.url, 'dave', 'journal.settings.save', { retentionDays: 30, comments: before.comments });
  assert.ok(changed.ok, JSON.stringify(changed));
  await page.goto(host.frame('as=dave&view=admin'));
  const a = app(page);
  const section = a.locator('#backups');
  await section.getByTestId('backup-table').waitFor();
  await section.getByRole('button', { name: /^Restore the archive/ }).first().click();
  const restore = section.getByTestId('backup-restore');
  await restore.getByRole('button', { name: 'Dry run' }).click();
  const plan = restore.getByTestId('backup-plan');
  await plan.waitFor();
  assert.match(await plan.innerText(), /this site/);
  const tables = await restore.getByTestId('backup-plan-tables').innerText();
  assert.match(tables, /settings/);
  await plan.scrollIntoViewIfNeeded();
  await shot(page, 'admin-backup-plan');
  await restore.getByTestId('backup-restore-run').click();
  await restore.getByTestId('backup-restore-done').waitFor();
  const after = (await invoke(host.url, 'dave', 'journal.settings.get')).ok;
  assert.equal(after.retentionDays, before.retentionDays, 'the retention saved before the backup is back');
});

test('a tampered archive is refused, naming the part', { skip }, async () => {
  assert.ok(downloaded, 'the download test ran first');
  const { entries, manifest } = downloaded;
  const victim = manifest.parts.find((p) => p.name.startsWith('settings/')) ?? manifest.parts[0];
  const tampered = [...entries].map(([name, data]) => {
    if (name !== victim.name) return [name, data];
    const copy = Buffer.from(data);
    // One byte changed inside a value, the length kept.
    const i = copy.indexOf('1');
    copy[i >= 0 ? i : 0] = i >= 0 ? 0x32 : copy[0] ^ 1;
    return [name, copy];
  });
  const path = join(tmpdir(), `worklogs-tampered-${process.pid}.zip`);
  writeFileSync(path, zipOf(tampered));
  for (const theme of ['', 'dark']) {
    await page.goto('about:blank');
    await page.goto(host.frame(`as=dave&view=admin${theme ? `&theme=${theme}` : ''}`));
    const a = app(page);
    const section = a.locator('#backups');
    await section.getByTestId('backup-table').waitFor();
    await section.getByTestId('backup-upload-input').setInputFiles(path);
    const restore = section.getByTestId('backup-restore');
    const alert = restore.getByRole('alert');
    await alert.waitFor();
    const said = await alert.innerText();
    assert.match(said, new RegExp(`part "${victim.name.replace('/', '\\/')}"`), said);
    assert.match(said, /altered|SHA-256/i, said);
    // Nothing was replaced: the restore button stays off.
    assert.equal(await restore.getByTestId('backup-restore-run').isDisabled(), true);
    await restore.scrollIntoViewIfNeeded();
    await shot(page, theme ? 'admin-backup-tampered-dark' : 'admin-backup-tampered');
    if (theme) {
      await a.locator('#journal').scrollIntoViewIfNeeded();
      await shot(page, 'admin-data-protection-dark');
    }
  }
});
