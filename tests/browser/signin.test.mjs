// A team server (`worklogs serve --sign-in`): a person signs in through the
// simulator's OAuth pages (PKCE, consent), logs time as themselves, creates a
// personal access key and reads the OData feed with it, revokes it (the feed
// refuses it then), and signs out (the old session cookie is refused). A
// session past its lifetime is refused too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { app, launch, shot, startHost, useBrowser } from './support.mjs';

let host, browser, page;
const skip = useBrowser((env) => { ({ host, browser, page } = env); }, { hostArgs: ['--sign-in'] });

/** Signs in as the person whose name matches `who` on the simulator's consent page. */
async function signIn(page, url, who) {
  await page.goto(`${url}/frame.html`);
  await page.getByTestId('sign-in').click();
  await page.getByRole('heading', { name: 'Log in to continue' }).waitFor();
  await page.getByLabel(who).check();
  await shot(page, 'signin-consent');
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByTestId('signed-in').waitFor();
}

/** The host's answer to `path` with the page's cookies (as the browser would send them). */
async function withCookies(context, url, path) {
  const cookies = await context.cookies(url);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return fetch(`${url}${path}`, { headers: { cookie } });
}

test('sign in, log time, create a key, use it, revoke it, sign out', { skip }, async () => {
  await page.goto(`${host.url}/frame.html`);
  await page.getByTestId('sign-in').waitFor();
  await shot(page, 'signin-page');
  // Without a session the API refuses.
  assert.equal((await fetch(`${host.url}/api/keys`)).status, 401);

  await signIn(page, host.url, /Alice Andersen/);
  assert.match(await page.getByTestId('signed-in').innerText(), /Alice Andersen/);
  const cookies = await browser.context.cookies(host.url);
  const session = cookies.find((c) => c.name === 'worklogs_session');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  const me = await page.evaluate(() => fetch('auth/session').then((r) => r.json()));
  assert.equal(me.signedIn, true);

  // Log time on an issue, as the signed-in person.
  await page.goto(`${host.url}/frame.html?view=issue&issue=ALPHA-2`);
  const panel = app(page);
  await panel.getByRole('heading', { name: 'Time on ALPHA-2' }).waitFor();
  await panel.getByLabel('Time spent').fill('45m');
  await panel.getByLabel('Comment').fill('signed in');
  await panel.getByRole('button', { name: 'Log time' }).click();
  await panel.getByText('Logged 45m on ALPHA-2.').waitFor();
  await shot(page, 'signin-logged');

  // A personal access key: created with a name, its secret shown once.
  await page.goto(`${host.url}/frame.html?view=global`);
  const a = app(page);
  await a.getByRole('tab', { name: 'Access keys' }).click();
  await a.getByTestId('no-keys').waitFor();
  await a.getByLabel('Name').fill('Power BI');
  await a.getByRole('button', { name: 'Create key' }).click();
  await a.getByTestId('new-key').waitFor();
  const secret = await a.locator('#new-key-secret').inputValue();
  assert.match(secret, /^wlk_[0-9a-f]{16}_[0-9a-f]{64}$/);
  await a.getByTestId('keys-table').getByText('Power BI').waitFor();
  await shot(page, 'signin-keys');

  // The key reads the feed as its owner (HTTP Basic: account id and key).
  const basic = `Basic ${Buffer.from(`${me.accountId}:${secret}`).toString('base64')}`;
  const feed = () => fetch(`${host.url}/odata/Worklogs?$top=1`, { headers: { authorization: basic } });
  const first = await feed();
  assert.equal(first.status, 200, await first.text());
  await a.getByRole('tab', { name: 'Reports' }).click();
  await a.getByRole('tab', { name: 'Access keys' }).click();
  await a.getByTestId('keys-table').getByText('Never').waitFor({ state: 'detached' });

  // Revoked: the feed refuses it.
  await a.getByRole('button', { name: 'Revoke Power BI' }).click();
  await a.getByTestId('keys-table').getByText(/^Revoked/).waitFor();
  assert.equal((await feed()).status, 401);
  await shot(page, 'signin-revoked');

  // Signing out ends the session: the old cookie is refused.
  const before = await withCookies(browser.context, host.url, '/api/keys');
  assert.equal(before.status, 200);
  const oldCookie = (await browser.context.cookies(host.url)).map((c) => `${c.name}=${c.value}`).join('; ');
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
  const after = await fetch(`${host.url}/api/keys`, { headers: { cookie: oldCookie } });
  assert.equal(after.status, 401);
  await shot(page, 'signin-signed-out');
});

test('an expired session is refused', { skip }, async () => {
  const short = await startHost(['--sign-in', '--session-seconds', '3']);
  const other = await launch();
  try {
    const p = await other.context.newPage();
    await signIn(p, short.url, /Bob Baker/);
    assert.equal((await withCookies(other.context, short.url, '/api/keys')).status, 200);
    await new Promise((r) => setTimeout(r, 3_500));
    // The cookie may still be in the browser; the server refuses the session.
    const cookies = (await other.context.cookies(short.url)).filter((c) => c.name === 'worklogs_session');
    const refused = await fetch(`${short.url}/api/keys`, {
      headers: { cookie: `worklogs_session=${cookies[0]?.value ?? 'gone'}` },
    });
    assert.equal(refused.status, 401);
    await p.goto(`${short.url}/frame.html`);
    await p.getByTestId('sign-in').waitFor();
  } finally {
    await other.close();
    await short.stop();
  }
});
