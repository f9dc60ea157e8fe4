// The reports view against the planned payloads of report.run, export.run and
// report.list / report.save (ui/schema/operations.json), answered by the test
// (Playwright routes the calls; every other operation goes to the real host).
// Each canned answer is checked against the schema first, so this test proves
// the view renders what the schema promises; reports.test.mjs does the same
// against the component once it has those operations.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadSchema, validate } from '../../ui/scripts/schema-lib.mjs';
import { app, shot, useBrowser } from './support.mjs';

const schema = loadSchema();
let host, browser, page;
const skip = useBrowser(async (env) => {
  ({ host, browser, page } = env);
  await page.route('**/api/invoke', async (route) => {
    const { operation, input } = JSON.parse(route.request().postData() ?? '{}');
    const ok = answer(operation, input);
    if (ok === undefined) return route.continue();
    calls.push({ operation, input });
    const def = schema.operations[operation];
    assert.deepEqual(validate(schema, def.input, input), [], `${operation} input from the UI`);
    assert.deepEqual(validate(schema, def.output, ok), [], `${operation} canned output`);
    await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ok }) });
  });
});
const calls = [];
const saved = [];

function answer(operation, input) {
  switch (operation) {
    case 'report.run': {
      const days = [];
      for (let d = new Date(`${input.from}T00:00:00Z`); d <= new Date(`${input.to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
        const key = d.toISOString().slice(0, 10);
        const wd = d.getUTCDay();
        days.push({ key, label: key, seconds: wd === 0 || wd === 6 ? 0 : 21600 + (d.getUTCDate() % 5) * 1800 });
      }
      const g = (key, label, seconds, worklogs, groups) => ({ key, label, seconds, worklogs, ...(groups ? { groups } : {}) });
      return {
        from: input.from, to: input.to, timeZone: input.timeZone ?? 'UTC', groupBy: input.groupBy,
        totalSeconds: 45000, worklogs: 9,
        groups: [
          g('712020:alice', 'Alice Andersen', 27000, 5, [g('ALPHA-2', 'ALPHA-2 Duration parser', 18000, 3), g('BETA-3', 'BETA-3 Offline mode', 9000, 2)]),
          g('712020:bob', 'Bob Baker', 18000, 4, [g('ALPHA-4', 'ALPHA-4 Login page', 18000, 4)]),
        ],
        chart: input.chart === 'person'
          ? [{ key: '712020:alice', label: 'Alice Andersen', seconds: 27000 }, { key: '712020:bob', label: 'Bob Baker', seconds: 18000 }]
          : days,
      };
    }
    case 'export.run': {
      // Three pieces, to exercise the continuation and the progress.
      const step = input.continuation ? Number(input.continuation) : 0;
      const csv = ['person,issue,hours\r\n', 'Alice Andersen,ALPHA-2,5.00\r\n', 'Bob Baker,ALPHA-4,5.00\r\n'];
      const out = {
        fileName: `worklogs-${input.query.from}.${input.format}`,
        mediaType: input.format === 'csv' ? 'text/csv' : 'application/octet-stream',
        piece: Buffer.from(csv[step]).toString('base64'),
        rows: step * 1, totalRows: 2,
        ...(step < 2 ? { continuation: String(step + 1) } : {}),
      };
      return out;
    }
    case 'report.list': return { reports: saved };
    case 'report.save': {
      const r = { id: String(saved.length + 1), name: input.name, query: input.query };
      saved.push(r);
      return r;
    }
    default: return undefined;
  }
}

test('a report with subtotals, a chart, saved, and a CSV export in pieces', { skip }, async () => {
  await page.goto(`${host.url}/frame.html?as=carol&view=global`);
  const r = app(page);
  await r.getByRole('tab', { name: 'Reports' }).click();
  await r.getByLabel('Period').selectOption('custom');
  await r.getByLabel('From').fill('2026-11-02');
  await r.getByLabel('To').fill('2026-11-27');
  await r.getByLabel('Projects').fill('alpha, beta');
  await r.getByRole('button', { name: 'Run report' }).click();
  const table = r.getByTestId('report-table');
  await table.waitFor();
  const run = calls.find((c) => c.operation === 'report.run');
  assert.deepEqual(run.input.projects, ['ALPHA', 'BETA']);
  assert.deepEqual(run.input.groupBy, ['person', 'issue']);
  assert.equal(run.input.timeZone, 'Asia/Kolkata');
  assert.match(await table.getByRole('row', { name: /Alice Andersen/ }).innerText(), /7\.50\s+5\s+60%/);
  assert.match(await table.locator('tfoot').innerText(), /12\.50\s+9\s+100%/);
  await r.locator('svg.chart rect').first().waitFor();
  assert.equal(await r.locator('svg.chart rect').count(), 26);
  await r.getByText('12.5h in 9 worklogs').waitFor();
  await shot(page, 'reports');

  // The chart per person.
  await r.getByLabel('Chart').selectOption('person');
  await r.getByRole('button', { name: 'Run report' }).click();
  await r.locator('svg.chart text.chart-label', { hasText: 'Bob Baker' }).waitFor();

  // Save the filters, then find them in the list.
  await r.getByLabel('Save these filters as').fill('Team November');
  await r.getByRole('button', { name: 'Save', exact: true }).click();
  await r.getByRole('option', { name: 'Team November' }).waitFor({ state: 'attached' });
  assert.equal(saved[0].query.from, '2026-11-02');

  // CSV: three pieces, concatenated.
  const download = page.waitForEvent('download');
  await r.getByRole('button', { name: 'CSV' }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), 'worklogs-2026-11-02.csv');
  assert.equal(readFileSync(await file.path(), 'utf8'),
    'person,issue,hours\r\nAlice Andersen,ALPHA-2,5.00\r\nBob Baker,ALPHA-4,5.00\r\n');
  assert.equal(calls.filter((c) => c.operation === 'export.run').length, 3);
  assert.deepEqual(browser.errors, []);
});

test('the same report in dark', { skip }, async () => {
  await page.goto(`${host.url}/frame.html?as=carol&view=global&theme=dark`);
  const r = app(page);
  await r.getByRole('tab', { name: 'Reports' }).click();
  await r.getByRole('button', { name: 'Run report' }).click();
  await r.getByTestId('report-table').waitFor();
  await shot(page, 'reports-data-dark');
});
