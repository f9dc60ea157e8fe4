// The local host's per-start token. `worklogs serve` prints its address as
// `http://127.0.0.1:PORT/#token=…`: a fragment, so the token never reaches a
// server log or a Referer. The page that opens with it keeps it in this tab's
// session storage (shared with the same-origin iframe of the bundle) and takes
// it out of the address bar; every API call sends it as X-Worklogs-Token.

const KEY = 'worklogs.token';

/** The token: from the address's `#token=…` (kept for the tab), else the tab's. */
export function localToken(): string | undefined {
  const match = /(?:^#|&)token=([0-9a-f]+)/.exec(window.location.hash);
  if (match) {
    sessionStorage.setItem(KEY, match[1]!);
    const rest = window.location.hash.replace(/(?:^#|&)token=[0-9a-f]+/, '').replace(/^&/, '');
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** The headers every call to the local host's API carries. */
export function tokenHeaders(): Record<string, string> {
  const token = localToken();
  return token ? { 'x-worklogs-token': token } : {};
}

/**
 * On a server with sign-in: the session's CSRF token, which every change
 * carries as X-Worklogs-CSRF (the session itself is an HttpOnly cookie).
 * Asked once per page from `GET auth/session`; none without sign-in.
 */
let csrf: Promise<string | undefined> | undefined;

export function sessionCsrf(): Promise<string | undefined> {
  csrf ??= fetch('auth/session', { credentials: 'same-origin' })
    .then(async (r) => (r.ok ? ((await r.json()) as { csrf?: string }).csrf : undefined))
    .catch(() => undefined);
  return csrf;
}

/** The headers of a call that changes something: the token, or the session's CSRF token. */
export async function changeHeaders(): Promise<Record<string, string>> {
  const token = await sessionCsrf();
  return { ...tokenHeaders(), ...(token ? { 'x-worklogs-csrf': token } : {}) };
}
