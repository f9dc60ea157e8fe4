// Reports in several calls: a year's report, one grouped read per call (the
// test adds `readsPerCall: 1` to the view's report.run requests, and slows
// them, so that the demo site takes several calls and the bar can be seen),
// runs through its continuations with a progress bar and ends equal to the
// report read in one go through the API; Cancel stops the calls and shows
// the report as cancelled, with no figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { app, invoke, shot, useBrowser } from './support.mjs';

let host, page;
const skip = useBrowser(async (env) => {
  ({ host, page } = env);
});

// Carol's zone in the demo world; the UI asks in the viewer's zone.
const ZONE = 'Asia/Kolkata';

/** Today and a year before it, as the date fields take them. */
function lastYear() {
  const today = new Date();
  const from = new Date(today.getTime() - 364 * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) };
}

/**
 * Adds `readsPerCall: 1` to the view's report.run requests and delays each
 * by `delay` ms; records their inputs and answers.
 */
async function smallSteps(delay) {
  const calls = [];
  await page.route('**/api/invoke', async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}');
    if (body.operation !== 'report.run') return route.continue();
    body.input = { ...body.input, readsPerCall: 1 };
    const call = { input: body.input, answer: undefined };
    calls.push(call);
    await new Promise((r) => setTimeout(r, delay));
    const response = await route.fetch({ postData: JSON.stringify(body) });
    call.answer = await response.json();
    await route.fulfill({ response, json: call.answer });
  });
  return calls;
}

async function openYear() {
  await page.goto(host.frame('as=carol&view=global'));
  const r = app(page);
  await r.getByRole('tab', { name: 'Reports' }).click();
  const { from, to } = lastYear();
  await r.getByLabel('From').fill(from);
  await r.getByLabel('To').fill(to);
  await r.getByLabel('Group by').selectOption('person');
  await r.getByLabel('Then by').selectOption('project');
  return { r, from, to };
}

/** The report through the API, read to the end through its continuations. */
async function oneGo(input) {
  let answer;
  let next = input;
  for (let i = 0; i < 100; i++) {
    answer = await invoke(host.url, 'carol', 'report.run', next);
    assert.ok(answer.ok, JSON.stringify(answer.error));
    if (!answer.ok.more) return answer.ok;
    next = { ...input, continuation: answer.ok.continuation };
  }
  throw new Error('the report did not finish');
}

test('a year read in several calls shows progress and ends equal to the report read in one go', { skip }, async () => {
  const calls = await smallSteps(400);
  try {
    const { r, from, to } = await openYear();
    await r.getByRole('button', { name: 'Run report' }).click();
    const bar = r.getByTestId('report-progress');
    await bar.waitFor();
    assert.match(await bar.innerText(), /of \d+ days read/);
    await shot(page, 'reports-progress');
    const table = r.getByTestId('report-table');
    await table.waitFor({ timeout: 60_000 });
    await bar.waitFor({ state: 'detached' });
    await shot(page, 'reports-continued');

    assert.ok(calls.length >= 3, `${calls.length} calls`);
    assert.equal(calls[0].input.continuation, undefined);
    for (let i = 1; i < calls.length; i++) {
      assert.equal(calls[i].input.continuation, calls[i - 1].answer.ok.continuation, `call ${i}`);
      assert.ok(calls[i].answer.ok.progress.done >= calls[i - 1].answer.ok.progress.done);
    }
    const last = calls.at(-1).answer.ok;
    assert.equal(last.more, false);
    assert.equal(last.progress.done, last.progress.total);

    // The view's last answer is the report read through the API in the default steps.
    const { continuation: _c, readsPerCall: _r, ...query } = calls[0].input;
    assert.deepEqual(query.period, { from, to });
    assert.equal(query.timeZone, ZONE);
    const expected = await oneGo(query);
    assert.deepEqual(last, expected);
    assert.ok(expected.worklogs > 0, 'the demo world has worklogs in the last year');
    const footer = await table.locator('tfoot').innerText();
    assert.match(footer, new RegExp(`\\b${expected.worklogs}\\b`));
    for (const person of expected.groups) {
      await table.getByRole('rowheader', { name: person.label, exact: true }).first().waitFor();
    }
  } finally {
    await page.unroute('**/api/invoke');
  }
});

test('cancel stops the calls and shows the report as cancelled, not as a result', { skip }, async () => {
  const calls = await smallSteps(1500);
  try {
    const { r } = await openYear();
    await r.getByRole('button', { name: 'Run report' }).click();
    await r.getByTestId('report-progress').waitFor({ timeout: 30_000 });
    await r.getByRole('button', { name: 'Cancel' }).click();
    const cancelled = r.getByTestId('report-cancelled');
    await cancelled.waitFor();
    assert.match(await cancelled.innerText(), /Report cancelled/);
    assert.match(await cancelled.innerText(), /of \d+ days/);
    await shot(page, 'reports-cancelled');
    const made = calls.length;
    // The call in flight when Cancel was clicked may still end; none follows.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.equal(calls.length, made, 'no call after Cancel');
    assert.equal(await r.getByTestId('report-table').count(), 0, 'no figures of a cancelled report');
    assert.equal(await r.getByTestId('report-progress').count(), 0);
    assert.equal(await r.getByTestId('report-cancelled').count(), 1);
    // Running it again reads it whole.
    await r.getByRole('button', { name: 'Run report' }).click();
    await r.getByTestId('report-table').waitFor({ timeout: 60_000 });
    assert.equal(await r.getByTestId('report-cancelled').count(), 0);
  } finally {
    await page.unroute('**/api/invoke');
  }
});
