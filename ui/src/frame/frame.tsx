// The local frame: a page that imitates Jira around the bundle, for the local host
// only (`worklogs serve`). Pick the acting user, open an issue's panel, the global
// page, a project page or the admin page; the bundle runs in an iframe, opened
// with the module type and the acting user in its query string, as Forge would
// give them in its context. State lives in this page's query string, so views can
// be linked: frame.html?as=alice&view=issue&issue=ALPHA-2&theme=dark
//
// On a server with sign-in (a team server), the acting user is the signed-in
// person: the frame asks the host (`auth/session`), offers "Sign in" when
// there is no session and "Sign out" when there is, and opens the bundle
// without naming anyone.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import '../styles/tokens.css';
import './frame.css';
import { localToken, tokenHeaders } from '../bridge/token';

// Take the token out of the address before anything rewrites it.
localToken();

interface Person { alias: string; accountId: string; displayName: string; timeZone: string; locale: string; groups: string[] }
interface Demo { accounts: Person[]; projects: Array<{ key: string; name: string }>; issues: string[] }
type View = 'global' | 'issue' | 'project' | 'admin';
/** The host's `GET auth/session` answer. */
interface SignIn { signIn: boolean; signedIn?: boolean; accountId?: string; displayName?: string; csrf?: string }

const MODULE: Record<View, string> = {
  global: 'jira:globalPage', issue: 'jira:issuePanel', project: 'jira:projectPage', admin: 'jira:adminPage',
};

function useQueryState() {
  const read = () => Object.fromEntries(new URLSearchParams(location.search));
  const [q, setQ] = useState<Record<string, string>>(read);
  const update = (patch: Record<string, string | undefined>) => {
    const next = { ...q, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === '') delete next[k];
    history.replaceState(null, '', `?${new URLSearchParams(next as Record<string, string>)}`);
    setQ(next as Record<string, string>);
  };
  return [q, update] as const;
}

function Frame() {
  const [demo, setDemo] = useState<Demo>();
  const [signIn, setSignIn] = useState<SignIn>();
  const [error, setError] = useState<string>();
  const [q, setQ] = useQueryState();
  const theme = q.theme === 'dark' ? 'dark' : 'light';

  useEffect(() => {
    fetch('auth/session').then((r) => r.json() as Promise<SignIn>).catch((): SignIn => ({ signIn: false })).then(async (session: SignIn) => {
      setSignIn(session);
      if (session.signIn && !session.signedIn) return;
      const r = await fetch('api/demo', { headers: tokenHeaders() });
      const body = await r.json();
      if (r.ok) setDemo(body as Demo);
      // A team server on a real site has no demo world: no lists, the app still runs.
      else if (session.signedIn) setDemo({ accounts: [], projects: [], issues: [] });
      else throw new Error(body?.error?.message ?? `the host answered ${r.status}`);
    }).catch((e) => setError(String(e.message ?? e)));
  }, []);

  const signOut = async () => {
    const r = await fetch('auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-worklogs-csrf': signIn?.csrf ?? '' },
      body: '{}',
    });
    if (!r.ok) {
      const body = await r.json().catch(() => undefined);
      setError(body?.error?.message ?? `signing out failed (${r.status})`);
      return;
    }
    location.replace('frame.html');
  };

  useEffect(() => {
    document.documentElement.dataset.colorMode = theme;
  }, [theme]);

  if (error) return <div class="fr-error" role="alert">The local frame needs the demo world: {error}</div>;
  if (signIn?.signIn && !signIn.signedIn) {
    return (
      <div class="fr-signin">
        <h1><span class="fr-logo" aria-hidden="true">◆</span> Worklogs</h1>
        <p>Sign in with your Atlassian account to log and report your time.</p>
        <a class="fr-signin-button" href="auth/login" data-testid="sign-in">Sign in with Atlassian</a>
      </div>
    );
  }
  if (!demo) return <div class="fr-loading">Loading the demo site…</div>;

  const signedIn = signIn?.signedIn ? signIn : undefined;
  const fallback: Person = {
    alias: '', accountId: signedIn?.accountId ?? '', displayName: signedIn?.displayName ?? '', timeZone: '', locale: '', groups: [],
  };
  const person = signedIn
    ? demo.accounts.find((p) => p.accountId === signedIn.accountId) ?? fallback
    : demo.accounts.find((p) => p.alias === q.as) ?? demo.accounts[0]!;
  const view = (q.view as View) in MODULE ? (q.view as View) : 'global';
  const issue = q.issue ?? demo.issues[0] ?? 'ALPHA-2';
  const project = q.project ?? demo.projects[0]?.key ?? 'ALPHA';

  const src = `index.html?${new URLSearchParams({
    module: MODULE[view],
    // Signed in, the host knows who acts: the bundle names no one.
    ...(signedIn ? {} : { as: person.alias }),
    ...(person.timeZone ? { tz: person.timeZone } : {}),
    ...(person.locale ? { locale: person.locale } : {}),
    theme,
    ...(view === 'issue' ? { issue } : {}),
    ...(view === 'project' ? { project } : {}),
  })}`;

  return (
    <div class="fr">
      <header class="fr-top">
        <div class="fr-brand"><span class="fr-logo" aria-hidden="true">◆</span> Jira <span class="fr-local">local</span></div>
        <nav class="fr-topnav" aria-label="Jira">
          <button class={view === 'global' ? 'on' : ''} onClick={() => setQ({ view: 'global' })}>Apps · Worklogs</button>
          <button class={view === 'admin' ? 'on' : ''} onClick={() => setQ({ view: 'admin' })}>Settings</button>
        </nav>
        <div class="fr-tools">
          <label class="fr-switch">
            <input type="checkbox" role="switch" checked={theme === 'dark'} aria-label="Dark theme"
              onChange={(e) => setQ({ theme: (e.target as HTMLInputElement).checked ? 'dark' : undefined })} />
            <span>Dark</span>
          </label>
          {signedIn ? (
            <div class="fr-user" data-testid="signed-in">
              <span class="fr-label">Signed in as</span>
              <strong>{signedIn.displayName || signedIn.accountId}</strong>
              <button type="button" class="fr-signout" onClick={signOut} data-testid="sign-out">Sign out</button>
            </div>
          ) : (
            <label class="fr-user">
              <span class="fr-label">Acting user</span>
              <select id="acting-user" value={person.alias} onChange={(e) => setQ({ as: (e.target as HTMLSelectElement).value })}>
                {demo.accounts.map((p) => (
                  <option key={p.alias} value={p.alias}>{p.displayName} ({p.alias}, {p.timeZone})</option>
                ))}
              </select>
            </label>
          )}
        </div>
      </header>
      <div class="fr-body">
        <nav class="fr-side" aria-label="Projects">
          <div class="fr-side-title">Projects</div>
          {demo.projects.map((p) => (
            <div key={p.key} class="fr-project">
              <button class={view === 'project' && project === p.key ? 'on' : ''} onClick={() => setQ({ view: 'project', project: p.key })}>
                <span class="fr-pkey">{p.key}</span> {p.name}
              </button>
            </div>
          ))}
          <div class="fr-side-title">Issues</div>
          <IssuePicker demo={demo} current={view === 'issue' ? issue : undefined} onOpen={(k) => setQ({ view: 'issue', issue: k })} />
          <div class="fr-side-title">Apps</div>
          <button class={view === 'global' ? 'on' : ''} onClick={() => setQ({ view: 'global' })}>Worklogs</button>
          <button class={view === 'admin' ? 'on' : ''} onClick={() => setQ({ view: 'admin' })}>Worklogs settings</button>
        </nav>
        <main class="fr-main">
          {view === 'issue' ? (
            <div class="fr-issue">
              <div class="fr-crumbs">Projects / {issue.replace(/-\d+$/, '')} / <strong>{issue}</strong></div>
              <div class="fr-issue-cols">
                <div class="fr-issue-main">
                  <h1 class="fr-issue-title">{issue}</h1>
                  <p class="fr-muted">The issue's description, comments and fields would be here. Worklogs' panel:</p>
                  <AppFrame src={src} theme={theme} title={`Worklogs on ${issue}`} fit />
                </div>
                <aside class="fr-issue-side" aria-label="Details">
                  <div class="fr-detail"><span>Assignee</span><span>—</span></div>
                  <div class="fr-detail"><span>Time tracking</span><span>Worklogs</span></div>
                  <div class="fr-detail"><span>Viewing as</span><span>{person.displayName || signedIn?.displayName}</span></div>
                </aside>
              </div>
            </div>
          ) : (
            <AppFrame src={src} theme={theme} title="Worklogs" />
          )}
        </main>
      </div>
    </div>
  );
}

function IssuePicker({ demo, current, onOpen }: { demo: Demo; current?: string; onOpen: (k: string) => void }) {
  const [text, setText] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    const k = text.trim().toUpperCase();
    if (/^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/.test(k)) { onOpen(k); setText(''); }
  };
  return (
    <>
      {demo.issues.map((k) => (
        <button key={k} class={current === k ? 'on' : ''} onClick={() => onOpen(k)}>{k}</button>
      ))}
      <form onSubmit={submit} class="fr-open">
        <input id="open-issue" aria-label="Open issue by key" placeholder="Open issue…" value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </form>
    </>
  );
}

/** The bundle in an iframe; the issue panel grows with its content, as in Jira. */
function AppFrame({ src, theme, title, fit }: { src: string; theme: string; title: string; fit?: boolean }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState<number>();
  // The theme switches live (the bundle follows Jira's theme without reloading).
  useEffect(() => {
    const doc = ref.current?.contentDocument;
    if (doc?.documentElement) doc.documentElement.dataset.colorMode = theme;
  }, [theme]);
  useEffect(() => {
    if (!fit) return;
    const frame = ref.current;
    if (!frame) return;
    let observer: ResizeObserver | undefined;
    const attach = () => {
      observer?.disconnect();
      const body = frame.contentDocument?.body;
      if (!body) return;
      observer = new ResizeObserver(() => setHeight(Math.max(200, body.scrollHeight + 8)));
      observer.observe(body);
    };
    frame.addEventListener('load', attach);
    return () => { frame.removeEventListener('load', attach); observer?.disconnect(); };
  }, [fit]);
  // A new src (user, view) is a new app: reload.
  const key = src.replace(/&theme=\w+/, '');
  return (
    <iframe
      key={key} ref={ref} class={`fr-app${fit ? ' fr-app-fit' : ''}`} src={src} title={title}
      style={fit && height ? { height: `${height}px` } : undefined}
      data-testid="app-frame"
    />
  );
}

render(<Frame />, document.getElementById('frame')!);
