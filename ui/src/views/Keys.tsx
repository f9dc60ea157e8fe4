// Personal access keys: for tools that cannot sign in (Power BI, Excel,
// scripts), a person creates named keys for the OData feed, sees when each
// was created and last used, and revokes them. A new key's secret is shown
// once, with a copy button. The keys exist only where the local host runs
// (`GET /api/host` says so); on Forge this view is never shown. The rules
// (names, limits, who owns what) are the host's: this view shows its answers.
import { useState } from 'preact/hooks';
import { AppError } from '../api/errors';
import { bridge, type AccessKey, type Envelope, type KeysApi } from '../bridge';
import { Button, ErrorBanner, Field, Lozenge, Spinner } from '../components/ui';
import { useAction, useLoad } from '../lib/hooks';
import { useSession } from '../lib/session';

async function unwrap<T>(operation: string, pending: Promise<Envelope<T>>): Promise<T> {
  const envelope = await pending;
  if ('ok' in envelope) return envelope.ok;
  throw new AppError(operation, envelope.error.code, envelope.error.message);
}

async function keysApi(): Promise<KeysApi> {
  const b = await bridge();
  if (!b.keys) throw new AppError('keys', 'not-found', 'this host has no personal access keys');
  return b.keys;
}

export function Keys() {
  const { me, locale, timeZone } = useSession();
  const [loaded, reload] = useLoad(async () => {
    const [api, features] = await Promise.all([keysApi(), bridge().then((b) => b.features())]);
    return { list: await unwrap('keys.list', api.list()), odata: features.odata ?? '/odata/' };
  }, [], 'keys.list');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ key: AccessKey; secret: string }>();
  const [copied, setCopied] = useState(false);
  const action = useAction();
  const when = (ms?: number) => (ms === undefined ? '—' : new Date(ms).toLocaleString(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' }));

  const create = async (e: Event) => {
    e.preventDefault();
    const answer = await action.run('keys.create', async () => unwrap('keys.create', (await keysApi()).create(name)));
    if (answer) {
      setCreated(answer);
      setCopied(false);
      setName('');
      reload();
    }
  };
  const revoke = async (key: AccessKey) => {
    const done = await action.run('keys.revoke', async () => unwrap('keys.revoke', (await keysApi()).revoke(key.id)));
    if (done) {
      if (created?.key.id === key.id) setCreated(undefined);
      reload();
    }
  };
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      // Without clipboard access the field is selected for a manual copy.
      (document.getElementById('new-key-secret') as HTMLInputElement | null)?.select();
    }
  };

  return (
    <section class="card" aria-labelledby="keys-title" data-testid="access-keys">
      <h2 id="keys-title" class="section-title">Personal access keys</h2>
      <p class="muted">
        A key lets a tool that cannot sign in (Power BI, Excel, a script) read the OData feed as you: user name{' '}
        <code>{me.accountId}</code>, the key as the password. Revoke a key you no longer use.
      </p>
      <form class="form keys-form" onSubmit={create} aria-label="New personal access key">
        <Field label="Name" id="new-key-name" help="What the key is for, such as “Power BI on my laptop”.">
          <input id="new-key-name" class="input" value={name} maxLength={100} required
            onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <Button type="submit" appearance="primary" busy={action.busy} disabled={!name.trim()}>Create key</Button>
      </form>
      {action.error && <ErrorBanner error={action.error} onDismiss={() => action.setError(undefined)} />}
      {created && (
        <div class="new-key" role="status" data-testid="new-key">
          <p><strong>Copy the key now:</strong> it is shown only once.</p>
          <div class="new-key-row">
            <input id="new-key-secret" class="input" readOnly value={created.secret} aria-label={`The key ${created.key.name}`}
              onFocus={(e) => (e.target as HTMLInputElement).select()} />
            <Button onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>
          </div>
        </div>
      )}
      {loaded.state === 'loading' && <Spinner />}
      {loaded.state === 'error' && <ErrorBanner error={loaded.error} onRetry={reload} />}
      {loaded.state === 'ready' && (
        loaded.value.list.keys.length === 0 ? (
          <p class="muted" data-testid="no-keys">You have no keys.</p>
        ) : (
          <table class="table" data-testid="keys-table">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {loaded.value.list.keys.map((key) => (
                <tr key={key.id} data-key={key.id}>
                  <td>{key.name}</td>
                  <td>{when(key.createdMs)}</td>
                  <td>{key.lastUsedMs === undefined ? 'Never' : when(key.lastUsedMs)}</td>
                  <td>{key.revokedMs === undefined ? <Lozenge tone="success">Active</Lozenge> : <Lozenge>Revoked {when(key.revokedMs)}</Lozenge>}</td>
                  <td>
                    {key.revokedMs === undefined && (
                      <Button appearance="danger" onClick={() => revoke(key)} disabled={action.busy} aria-label={`Revoke ${key.name}`}>Revoke</Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {loaded.state === 'ready' && <p class="muted">The feed: <code>{new URL(loaded.value.odata, location.href).href}</code></p>}
    </section>
  );
}
