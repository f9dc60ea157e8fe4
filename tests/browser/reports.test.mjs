// Reports against the component: run one grouped by person then issue, check the
// table against report.run, save and reopen it, download CSV and XLSX and check
// that the files hold the worklogs the report counts, and the view in dark.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';
import { unzip } from './zip.mjs';

let host, page;
const skip = useBrowser(async (env) => {
  ({ host, page } = env);
});

// Carol's zone in the demo world; the UI asks in the viewer's zone.
const ZONE = 'Asia/Kolkata';

async function openReports(theme = '') {
  await page.goto(host.frame(`as=carol&view=global${theme ? `&theme=${theme}` : ''}`));
  const r = app(page);
  await r.getByRole('tab', { name: 'Reports' }).click();
  await r.getByLabel('Period').selectOption('last-month');
  return r;
}

/** The period the view chose, read back from its date fields. */
async function period(r) {
  return { from: await r.getByLabel('From').inputValue(), to: await r.getByLabel('To').inputValue() };
}

test('run a report grouped by person then issue', { skip }, async () => {
  const r = await openReports();
  await r.getByLabel('Group by').selectOption('person');
  await r.getByLabel('Then by').selectOption('issue');
  await r.getByRole('button', { name: 'Run report' }).click();
  const table = r.getByTestId('report-table');
  await table.waitFor();
  await r.locator('svg.chart').waitFor();
  await shot(page, 'reports-live');

  const expected = await invoke(host.url, 'carol', 'report.run', {
    period: await period(r), timeZone: ZONE, groupBy: ['person', 'issue'],
  });
  assert.ok(expected.ok, JSON.stringify(expected.error));
  assert.ok(expected.ok.worklogs > 0, 'the demo world has worklogs last month');
  const footer = await table.locator('tfoot').innerText();
  assert.match(footer, new RegExp(`\\b${expected.ok.worklogs}\\b`));
  for (const person of expected.ok.groups) {
    await table.getByRole('rowheader', { name: person.label, exact: true }).first().waitFor();
  }
});

test('save a report and open it again', { skip }, async () => {
  const r = await openReports();
  await r.getByLabel('Group by').selectOption('project');
  await r.getByLabel('Then by').selectOption('');
  await r.getByLabel('Save these filters as').fill('By project, last month');
  await r.getByRole('button', { name: 'Save', exact: true }).click();
  await r.getByLabel('Saved reports').locator('option', { hasText: 'By project, last month' }).waitFor({ state: 'attached' });

  const listed = await invoke(host.url, 'carol', 'report.list');
  const saved = listed.ok.reports.find((s) => s.name === 'By project, last month');
  assert.ok(saved, JSON.stringify(listed));
  assert.deepEqual(saved.query.groupBy, ['project']);
  assert.equal(saved.owner, listed.ok.reports[0].owner);

  await r.getByLabel('Group by').selectOption('person');
  await r.getByLabel('Saved reports').selectOption({ label: 'By project, last month' });
  await r.getByTestId('report-table').waitFor();
  assert.equal(await r.getByLabel('Group by').inputValue(), 'project');
  // Someone else does not see Carol's report.
  const others = await invoke(host.url, 'alice', 'report.list');
  assert.ok(!others.ok.reports.some((s) => s.id === saved.id));
});

test('download CSV and XLSX holding the worklogs the report counts', { skip }, async () => {
  const r = await openReports();
  await r.getByRole('button', { name: 'Run report' }).click();
  await r.getByTestId('report-table').waitFor();
  const expected = await invoke(host.url, 'carol', 'report.run', { period: await period(r), timeZone: ZONE, groupBy: ['person'] });

  // The CSV comes in parts (spans of the month) fetched side by side.
  const exports = [];
  const listen = (request) => {
    const body = request.postData();
    if (request.url().endsWith('/api/invoke') && body?.includes('"export.run"')) exports.push(JSON.parse(body).input);
  };
  page.on('request', listen);
  const csvDownload = page.waitForEvent('download');
  await r.getByRole('button', { name: 'CSV' }).click();
  const csvFile = await csvDownload;
  page.off('request', listen);
  assert.match(csvFile.suggestedFilename(), /\.csv$/);
  assert.ok(exports[0].parts > 1 && !exports[0].continuation, JSON.stringify(exports[0]));
  assert.ok(exports.filter((input) => input.continuation).length > 1, 'the parts were fetched');
  const [header, ...records] = parseCsv(readFileSync(await csvFile.path(), 'utf8').replace(/^\uFEFF/, ''));
  const seconds = header.indexOf('seconds');
  assert.ok(seconds >= 0, `a seconds column in ${header}`);
  assert.equal(records.length, expected.ok.worklogs, 'one row per worklog');
  const total = records.reduce((sum, cells) => sum + Number(cells[seconds]), 0);
  assert.equal(total, expected.ok.totalSeconds, 'the CSV sums to the report total');
  // The parts joined in order: each worklog once, in the order they started.
  const id = header.indexOf('worklog_id');
  const started = header.indexOf('started_utc');
  assert.equal(new Set(records.map((cells) => cells[id])).size, records.length);
  for (let i = 1; i < records.length; i++) {
    assert.ok(records[i - 1][started] <= records[i][started], `row ${i + 1} in order`);
  }

  const xlsxDownload = page.waitForEvent('download');
  await r.getByRole('button', { name: 'XLSX' }).click();
  const download = await xlsxDownload;
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const entries = unzip(readFileSync(await download.path()));
  assert.ok(entries.has('[Content_Types].xml'));
  const sheet = [...entries.keys()].find((k) => /^xl\/worksheets\/sheet\d+\.xml$/.test(k));
  assert.ok(sheet, 'a worksheet');
  const rows = entries.get(sheet).toString('utf8').match(/<row /g) ?? [];
  // A header, one row per worklog, and the totals row.
  assert.equal(rows.length, expected.ok.worklogs + 2);
});

test('reports in dark', { skip }, async () => {
  const r = await openReports('dark');
  await r.getByRole('button', { name: 'Run report' }).click();
  await r.getByTestId('report-table').waitFor();
  await shot(page, 'reports-dark');
});

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
