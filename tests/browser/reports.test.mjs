// Reports: run one, check the table, download CSV and XLSX and read them. Until
// the component has report.run and export.run, the view must say so clearly; the
// rest of this test then waits for those operations (it runs once they exist).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';
import { unzip } from './zip.mjs';

let host, browser, page, hasReports = false, hasExports = false;
const skip = useBrowser(async (env) => {
  ({ host, browser, page } = env);
  const probe = await invoke(host.url, 'carol', 'report.run', { from: '2026-11-01', to: '2026-11-30', groupBy: ['person'] });
  hasReports = !/unknown operation/.test(probe.error?.message ?? '');
  const probeExport = await invoke(host.url, 'carol', 'export.run', { query: { from: '2026-11-01', to: '2026-11-01' }, format: 'csv' });
  hasExports = !/unknown operation/.test(probeExport.error?.message ?? '');
});

async function openReports(theme = '') {
  await page.goto(`${host.url}/frame.html?as=carol&view=global${theme ? `&theme=${theme}` : ''}`);
  const r = app(page);
  await r.getByRole('tab', { name: 'Reports' }).click();
  await r.getByLabel('Period').selectOption('last-month');
  return r;
}

test('without report.run, the reports view says it is not available yet', { skip: skip || (hasReports && 'report.run exists') }, async () => {
  if (hasReports) return;
  const r = await openReports();
  await r.getByRole('button', { name: 'Run report' }).click();
  await r.getByText('Not available yet', { exact: true }).waitFor();
  await r.getByText('report.run', { exact: true }).waitFor();
  await shot(page, 'reports-unavailable');
});

test('run a report grouped by person then issue', { skip }, async (t) => {
  if (!hasReports) return t.skip('the component has no report.run yet');
  const r = await openReports();
  await r.getByLabel('Group by').selectOption('person');
  await r.getByLabel('Then by').selectOption('issue');
  await r.getByRole('button', { name: 'Run report' }).click();
  const table = r.getByTestId('report-table');
  await table.waitFor();
  await table.getByRole('rowheader', { name: 'Carol Chen' }).waitFor();
  await r.locator('svg.chart').waitFor();
  await shot(page, 'reports-live');
  const expected = await invoke(host.url, 'carol', 'report.run', {
    from: '2026-10-01', to: '2026-10-31', groupBy: ['person', 'issue'], timeZone: 'Asia/Kolkata',
  });
  const footer = await table.locator('tfoot').innerText();
  assert.match(footer, new RegExp(String(expected.ok.worklogs)));
});

test('download CSV and XLSX', { skip }, async (t) => {
  if (!hasReports || !hasExports) return t.skip('the component has no report.run / export.run yet');
  const r = await openReports();
  await r.getByRole('button', { name: 'Run report' }).click();
  await r.getByTestId('report-table').waitFor();

  const csvDownload = page.waitForEvent('download');
  await r.getByRole('button', { name: 'CSV' }).click();
  const csv = readFileSync(await (await csvDownload).path(), 'utf8');
  assert.match(csv.split(/\r?\n/)[0], /,/);
  assert.ok(csv.split(/\r?\n/).length > 2, 'the CSV has rows');

  const xlsxDownload = page.waitForEvent('download');
  await r.getByRole('button', { name: 'XLSX' }).click();
  const download = await xlsxDownload;
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const entries = unzip(readFileSync(await download.path()));
  assert.ok(entries.has('[Content_Types].xml'));
  const sheet = [...entries.keys()].find((k) => /^xl\/worksheets\/sheet\d+\.xml$/.test(k));
  assert.ok(sheet, 'a worksheet');
  assert.match(entries.get(sheet).toString('utf8'), /<row/);
});

test('reports in dark', { skip }, async () => {
  const r = await openReports('dark');
  await r.getByRole('button', { name: 'Run report' }).click();
  await (hasReports ? r.getByTestId('report-table') : r.getByText('Not available yet', { exact: true })).waitFor();
  await shot(page, 'reports-dark');
});
