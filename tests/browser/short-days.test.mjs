// Short days: the timesheet marks the days the component says are short (text,
// not colour alone), the global page shows this week's and last week's missing
// time near the top, and both follow a change made in the timesheet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { app, shot, useBrowser } from './support.mjs';

let host, browser, page;
const skip = useBrowser((env) => { ({ host, browser, page } = env); });

const ZONE = 'Europe/Berlin';

/** An operation as alice, in her zone (as the frame calls it). */
async function asAlice(operation, input = {}) {
  const r = await fetch(`${host.url}/api/invoke`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'x-worklogs-account': 'alice', 'x-worklogs-token': host.token,
      'x-worklogs-timezone': ZONE, 'x-worklogs-locale': 'de-DE',
    },
    body: JSON.stringify({ operation, input }),
  });
  const body = await r.json();
  assert.ok(body.ok, JSON.stringify(body));
  return body.ok;
}

const hours = (s) => `${+(s / 3600).toFixed(2)}h`;

test('short days are marked, and the shortfall follows the timesheet', { skip }, async () => {
  await page.goto(host.frame(`as=alice&view=global&tz=${encodeURIComponent(ZONE)}`));
  const ts = app(page);
  const summary = ts.getByTestId('shortfall');
  await summary.waitFor();
  await ts.getByRole('rowheader').first().waitFor();

  // The summary says what the component answers, in words.
  const balance = await asAlice('timesheet.shortfall');
  for (const [id, b] of [['shortfall-current', balance.current], ['shortfall-previous', balance.previous]]) {
    const text = await ts.getByTestId(id).innerText();
    if (b.shortSeconds) {
      assert.match(text, new RegExp(`${hours(b.shortSeconds).replace('.', '\\.')} missing`), text);
      assert.equal(await ts.getByTestId(id).getByRole('listitem').count(), b.shortDays.length);
    } else {
      assert.match(text, /Nothing missing/);
    }
  }

  // This week's marks are the component's: a day is flagged exactly when it is short.
  const week = await asAlice('timesheet.week', { date: balance.today });
  for (const [c, d] of week.days.entries()) {
    const flag = ts.getByTestId(`short-flag-${c}`);
    assert.equal(await flag.count(), d.shortSeconds ? 1 : 0, `${d.date}: ${JSON.stringify(d)}`);
    if (d.date > balance.today) assert.equal(d.shortSeconds, 0, 'days to come are never short');
    if (d.shortSeconds) {
      assert.match(await flag.innerText(), /short/i);
      assert.match(await ts.getByTestId(`day-total-${c}`).getAttribute('aria-label'), /short by/);
      assert.equal(await ts.getByTestId(`day-short-${c}`).innerText(), `−${hours(d.shortSeconds)}`);
    }
  }
  await shot(page, 'short-days');

  // Fill the first short day of this week (if the demo left one) on a new row:
  // its mark goes, and the summary's missing time shrinks by as much.
  const c = week.days.findIndex((d) => d.shortSeconds > 0);
  if (c >= 0) {
    const missing = week.days[c].shortSeconds;
    await ts.getByLabel('Add an issue').fill('ALPHA-3');
    await ts.getByLabel('Add an issue').press('Enter');
    await ts.getByRole('rowheader', { name: /ALPHA-3/ }).waitFor();
    const row = await ts.locator('tbody tr').evaluateAll(
      (trs) => trs.findIndex((tr) => tr.querySelector('th')?.textContent?.includes('ALPHA-3')),
    );
    assert.ok(row >= 0);
    // A cell with worklogs changes its last one: type its time plus what is missing.
    const cell = ts.locator(`[data-cell="${row}-${c}"]`);
    const shown = (await cell.innerText()).trim();
    const before = /^[\d.]+h/.test(shown) ? Math.round(parseFloat(shown) * 3600) : 0;
    await cell.focus();
    await page.keyboard.type(`${(before + missing) / 60}m`);
    await page.keyboard.press('Enter');
    await ts.getByTestId(`short-flag-${c}`).waitFor({ state: 'detached' });
    const after = balance.current.shortSeconds - missing;
    await ts.getByTestId('shortfall-current').getByText(after ? `${hours(after)} missing` : 'Nothing missing').waitFor();
  }

  // Next week has not begun: nothing is short.
  await ts.getByRole('button', { name: 'Next week' }).click();
  await ts.getByText('No issues on this week yet', { exact: false }).waitFor();
  assert.equal(await ts.locator('.ts-short-flag').count(), 0);
  assert.equal(await ts.locator('.ts-short-row').count(), 0);
  assert.deepEqual(browser.errors, []);
});

test('short days in dark', { skip }, async () => {
  await page.goto(host.frame(`as=alice&view=global&theme=dark&tz=${encodeURIComponent(ZONE)}`));
  const ts = app(page);
  await ts.getByTestId('shortfall').waitFor();
  await ts.getByRole('rowheader').first().waitFor();
  await shot(page, 'short-days-dark');
});
