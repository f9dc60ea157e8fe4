// Backups of the app's own data (backup.*; Jira administrators, docs/backup.md):
// the daily schedule and how many scheduled archives are kept; the archives in
// the app's storage with when, size, format version and checksum; "Back up now"
// with a progress bar; downloading an archive (its parts, one call each, put
// together here into one zip file); restoring a kept archive or an uploaded one:
// the dry run (what is replaced, conflicts, ids the mapping does not name), the
// mapping of account and project ids for an archive of another site, then the
// run with a progress bar.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from '../../api/client';
import { AppError, toAppError } from '../../api/errors';
import type { BackupDownloadOutput, BackupListOutput, BackupMapping, BackupSettings, Progress, RestoreOutput } from '../../api/types.gen';
import { Button, ErrorBanner, Field, Lozenge } from '../../components/ui';
import { formatBytes, saveFile } from '../../lib/download';
import { useSession } from '../../lib/session';
import { readZip, writeZip, type ZipEntry } from '../../lib/zip';
import { fieldError } from './fields';
import { AdminSection, LoadedSection } from './parts';

type Archive = BackupListOutput['archives'][number];
type Plan = NonNullable<RestoreOutput['plan']>;

const MANIFEST = 'manifest.json';
const LIMITS = { daily: 366, monthly: 120, yearly: 100 } as const;

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Calls a sliced operation until it says no more, reporting each slice's progress. */
async function slices<T extends { more: boolean; progress: Progress }>(
  f: () => Promise<T>, onProgress: (p: Progress) => void,
): Promise<T> {
  for (;;) {
    const r = await f();
    onProgress(r.progress);
    if (!r.more) return r;
  }
}

function ProgressBar({ progress, label, testid }: { progress?: Progress; label: string; testid: string }) {
  const pct = progress && progress.total ? Math.round((progress.done / progress.total) * 100) : undefined;
  return (
    <div class="progress-wrap" role="status" aria-live="polite" data-testid={testid}>
      <progress class="progress" max={100} value={pct} aria-label={label} />
      <span class="small muted">{progress?.label ?? 'Starting…'}</span>
    </div>
  );
}

export function BackupSection() {
  return (
    <AdminSection id="backups" title="Backups" intro="Archives of the app's own data (settings, rates, attributes, saved reports, timers, approvals and the audit log; not the worklogs, which Jira keeps), stored in the app's storage on this site. Download one to keep it elsewhere; restore one here or on another site.">
      <LoadedSection op="backup.list" load={() => call('backup.list', {})} what="Back up the app's data daily or on demand, download archives and restore them.">
        {(list, reload) => <Backups list={list} reload={reload} />}
      </LoadedSection>
    </AdminSection>
  );
}

function Backups({ list, reload }: { list: BackupListOutput; reload: () => void }) {
  const [creating, setCreating] = useState(false);
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<AppError>();
  const [busy, setBusy] = useState<string>();
  const [restoring, setRestoring] = useState<{ archive: string; check: boolean }>();
  const [confirmDelete, setConfirmDelete] = useState<string>();
  const { locale, timeZone } = useSession();
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });

  const backUpNow = async () => {
    setCreating(true);
    setError(undefined);
    setProgress(undefined);
    try {
      await slices(() => call('backup.create', { kind: 'manual' }), setProgress);
      reload();
    } catch (e) {
      setError(toAppError('backup.create', e));
    } finally {
      setCreating(false);
    }
  };

  const download = async (a: Archive) => {
    setBusy(`download-${a.archive}`);
    setError(undefined);
    try {
      const entries: ZipEntry[] = [];
      const enc = new TextEncoder();
      let seq: number | null = 0;
      while (seq !== null) {
        const part: BackupDownloadOutput = await call('backup.download', { archive: a.archive, seq });
        // Checked on arrival too, so a part damaged on the way is never saved.
        if ((await sha256Hex(part.content)) !== part.sha256) {
          throw new AppError('backup.download', 'upstream', `part "${part.name}" arrived damaged (its SHA-256 does not match): download again`);
        }
        entries.push({ name: part.name, data: enc.encode(part.content) });
        seq = part.next;
      }
      saveFile([writeZip(entries)], `worklogs-backup-${a.archive}.zip`, 'application/zip');
    } catch (e) {
      setError(toAppError('backup.download', e));
    } finally {
      setBusy(undefined);
    }
  };

  const remove = async (a: Archive) => {
    setBusy(`delete-${a.archive}`);
    setError(undefined);
    try {
      await call('backup.delete', { archive: a.archive });
      setConfirmDelete(undefined);
      if (restoring?.archive === a.archive) setRestoring(undefined);
      reload();
    } catch (e) {
      setError(toAppError('backup.delete', e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div class="backups">
      <Schedule initial={list.settings} />
      <h3 class="subsection-title">Archives</h3>
      <div class="form-actions">
        <Button appearance="primary" busy={creating} disabled={creating} onClick={backUpNow}>Back up now</Button>
        <Upload uploaded={(archive) => { reload(); setRestoring({ archive, check: true }); }} />
      </div>
      {creating && <ProgressBar progress={progress} label="Backing up" testid="backup-progress" />}
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      {list.archives.length === 0 ? <p class="muted" data-testid="backup-empty">No archives yet.</p> : (
        <div class="table-scroll">
          <table class="table" data-testid="backup-table">
            <thead>
              <tr><th scope="col">Created</th><th scope="col">Kind</th><th scope="col" class="num">Size</th><th scope="col" class="num">Version</th><th scope="col">Checksum (SHA-256 of the manifest)</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {list.archives.map((a) => (
                <tr key={a.archive} data-testid={`backup-${a.archive}`}>
                  <td class="small">{when.format(new Date(a.createdAtMs))}</td>
                  <td>
                    <Lozenge tone={a.kind === 'manual' ? 'info' : a.kind === 'uploaded' ? 'warning' : 'default'}>{a.kind}</Lozenge>
                    {!a.complete && <> <Lozenge tone="danger">incomplete</Lozenge></>}
                  </td>
                  <td class="num small">{formatBytes(a.bytes)} <span class="muted">({a.parts} parts)</span></td>
                  <td class="num small">{a.version ?? '—'}</td>
                  <td class="small"><code class="checksum" title={a.sha256 ?? ''}>{a.sha256 ? `${a.sha256.slice(0, 16)}…` : '—'}</code></td>
                  <td class="actions">
                    <Button appearance="subtle" busy={busy === `download-${a.archive}`} disabled={!a.complete || !!busy}
                      aria-label={`Download the archive of ${when.format(new Date(a.createdAtMs))}`} onClick={() => download(a)}>Download</Button>
                    <Button appearance="subtle" disabled={!a.complete || !!busy} aria-pressed={restoring?.archive === a.archive}
                      aria-label={`Restore the archive of ${when.format(new Date(a.createdAtMs))}`} onClick={() => setRestoring({ archive: a.archive, check: false })}>Restore…</Button>
                    {confirmDelete === a.archive ? (
                      <>
                        <Button appearance="danger" busy={busy === `delete-${a.archive}`} onClick={() => remove(a)}>Delete for good</Button>
                        <Button appearance="subtle" onClick={() => setConfirmDelete(undefined)}>Keep</Button>
                      </>
                    ) : (
                      <Button appearance="subtle" disabled={!!busy} aria-label={`Delete the archive of ${when.format(new Date(a.createdAtMs))}`} onClick={() => setConfirmDelete(a.archive)}>Delete</Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {restoring && <RestoreArchive key={restoring.archive} archive={restoring.archive} check={restoring.check} done={reload} close={() => setRestoring(undefined)} />}
    </div>
  );
}

function Schedule({ initial }: { initial: BackupSettings }) {
  const [enabled, setEnabled] = useState(initial.enabled);
  const [counts, setCounts] = useState({
    daily: String(initial.retention.daily), monthly: String(initial.retention.monthly), yearly: String(initial.retention.yearly),
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError>();
  const [done, setDone] = useState(false);
  const invalid = (k: keyof typeof LIMITS) => {
    const n = Number(counts[k].trim());
    return Number.isInteger(n) && n >= 0 && n <= LIMITS[k] ? undefined : `Between 0 and ${LIMITS[k]}.`;
  };
  const errors = {
    daily: invalid('daily') ?? fieldError(error, 'retention.daily'),
    monthly: invalid('monthly') ?? fieldError(error, 'retention.monthly'),
    yearly: invalid('yearly') ?? fieldError(error, 'retention.yearly'),
  };
  const shownByField = Object.values(errors).some(Boolean);
  const save = async (e: Event) => {
    e.preventDefault();
    if (invalid('daily') || invalid('monthly') || invalid('yearly')) return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      const r = await call('backup.settings.save', {
        enabled, retention: { daily: Number(counts.daily), monthly: Number(counts.monthly), yearly: Number(counts.yearly) },
      });
      setEnabled(r.enabled);
      setDone(true);
    } catch (err) {
      setError(toAppError('backup.settings.save', err));
    } finally {
      setBusy(false);
    }
  };
  const count = (k: keyof typeof LIMITS, label: string) => (
    <Field id={`backup-keep-${k}`} label={label} error={errors[k]}>
      <input id={`backup-keep-${k}`} class="input input-short" inputMode="numeric" value={counts[k]}
        aria-invalid={errors[k] ? true : undefined}
        onInput={(e) => setCounts({ ...counts, [k]: (e.target as HTMLInputElement).value })} />
    </Field>
  );
  return (
    <form onSubmit={save} noValidate data-testid="backup-schedule">
      <h3 class="subsection-title">Schedule</h3>
      <label class="checkbox"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.target as HTMLInputElement).checked)} /> Back up daily</label>
      <p class="muted small">Scheduled archives kept: the newest of each of the last days, months and years below. Archives made with "Back up now" or uploaded stay until deleted.</p>
      <div class="form-row">
        {count('daily', 'Daily archives')}
        {count('monthly', 'Monthly archives')}
        {count('yearly', 'Yearly archives')}
        <div class="form-actions align-end">
          <Button appearance="primary" type="submit" busy={busy}>Save</Button>
          <span role="status" aria-live="polite" class="small success-text">{done ? 'Saved.' : ''}</span>
        </div>
      </div>
      {error && !shownByField && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
    </form>
  );
}

/** The parts of an archive file: the manifest first, then the parts it lists, in its order. */
async function partsOf(file: File): Promise<Array<{ name: string; content: string }>> {
  const entries = await readZip(new Uint8Array(await file.arrayBuffer()));
  // A zip made by hand may hold the parts under a folder: the manifest's decides.
  const manifest = entries.filter((e) => e.name === MANIFEST || e.name.endsWith(`/${MANIFEST}`))
    .sort((a, b) => a.name.length - b.name.length)[0];
  if (!manifest) throw new Error(`the file holds no ${MANIFEST}: it is not an archive of Worklogs' data`);
  const prefix = manifest.name.slice(0, manifest.name.length - MANIFEST.length);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const text = (e: ZipEntry) => {
    try {
      return dec.decode(e.data);
    } catch {
      throw new Error(`part "${e.name.slice(prefix.length)}" is not UTF-8 text`);
    }
  };
  const manifestText = text(manifest);
  let listed: string[] = [];
  try {
    const parsed = JSON.parse(manifestText) as { parts?: Array<{ name?: unknown }> };
    listed = (parsed.parts ?? []).map((p) => String(p.name));
  } catch {
    // The component names what is wrong with the manifest when it is uploaded.
  }
  const byName = new Map(entries.filter((e) => e !== manifest && e.name.startsWith(prefix)).map((e) => [e.name.slice(prefix.length), e]));
  const out = [{ name: MANIFEST, content: manifestText }];
  // Parts in the manifest's order; a listed part that is missing is left for the
  // dry run to name, and one the manifest does not list is sent for the app to refuse.
  for (const name of listed) {
    const e = byName.get(name);
    if (e) { out.push({ name, content: text(e) }); byName.delete(name); }
  }
  for (const [name, e] of byName) out.push({ name, content: text(e) });
  return out;
}

function Upload({ uploaded }: { uploaded: (archive: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<AppError>();
  const upload = async (file: File) => {
    setBusy(true);
    setError(undefined);
    setProgress(undefined);
    try {
      let parts;
      try {
        parts = await partsOf(file);
      } catch (e) {
        throw new AppError('backup.upload', 'invalid-input', `${file.name}: ${(e as Error).message}`);
      }
      let archive: string | undefined;
      for (const [i, p] of parts.entries()) {
        const r = await call('backup.upload', archive ? { archive, name: p.name, content: p.content } : { name: p.name, content: p.content });
        archive = r.archive;
        setProgress({ done: i + 1, total: parts.length, label: `uploaded ${i + 1} of ${parts.length} parts` });
      }
      if (archive) uploaded(archive);
    } catch (e) {
      setError(toAppError('backup.upload', e));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <>
      <input ref={input} id="backup-upload" type="file" accept=".zip,application/zip" class="sr-only" tabIndex={-1} aria-hidden="true"
        onChange={(e) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f) void upload(f); }} data-testid="backup-upload-input" />
      <Button busy={busy} disabled={busy} onClick={() => input.current?.click()}>Upload an archive…</Button>
      {busy && <ProgressBar progress={progress} label="Uploading the archive" testid="backup-upload-progress" />}
      {error && <div class="full-width"><ErrorBanner error={error} onDismiss={() => setError(undefined)} /></div>}
    </>
  );
}

type Pair = { from: string; to: string };

/** The mapping as the operations take it: pairs with both ids, trimmed. */
function toMapping(accounts: Pair[], projects: Pair[]): BackupMapping | undefined {
  const pick = (rows: Pair[]) => Object.fromEntries(rows.map((r) => [r.from.trim(), r.to.trim()]).filter(([f, t]) => f && t));
  const a = pick(accounts);
  const p = pick(projects);
  if (!Object.keys(a).length && !Object.keys(p).length) return undefined;
  return { ...(Object.keys(a).length ? { accounts: a } : {}), ...(Object.keys(p).length ? { projects: p } : {}) };
}

/** `check`: run the dry run at once (an uploaded archive: its parts are verified there). */
function RestoreArchive({ archive, check, done, close }: { archive: string; check: boolean; done: () => void; close: () => void }) {
  const [accounts, setAccounts] = useState<Pair[]>([]);
  const [projects, setProjects] = useState<Pair[]>([]);
  const [plan, setPlan] = useState<Plan>();
  /** The mapping the plan was made with: the run needs a plan of the mapping it runs with. */
  const [planned, setPlanned] = useState<string>();
  const [busy, setBusy] = useState<'plan' | 'run'>();
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<AppError>();
  const [restored, setRestored] = useState<RestoreOutput>();
  const { locale, timeZone } = useSession();
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const mapping = toMapping(accounts, projects);
  const key = JSON.stringify(mapping ?? {});

  const dryRun = async (e?: Event) => {
    e?.preventDefault();
    setBusy('plan');
    setError(undefined);
    setPlan(undefined);
    setRestored(undefined);
    setProgress(undefined);
    try {
      const r = await slices(() => call('backup.restore.plan', { archive, ...(mapping ? { mapping } : {}) }), setProgress);
      if (r.plan) {
        setPlan(r.plan);
        setPlanned(key);
        // Every id the mapping does not name gets a row to map it, once.
        const add = (rows: Pair[], ids: string[]) => [...rows, ...ids.filter((id) => !rows.some((r) => r.from === id)).map((id) => ({ from: id, to: '' }))];
        setAccounts((rows) => add(rows, r.plan!.unmapped.accounts));
        setProjects((rows) => add(rows, r.plan!.unmapped.projects));
      }
    } catch (err) {
      setError(toAppError('backup.restore.plan', err));
    } finally {
      setBusy(undefined);
    }
  };

  const run = async () => {
    setBusy('run');
    setError(undefined);
    setProgress(undefined);
    try {
      setRestored(await slices(() => call('backup.restore.run', { archive, ...(mapping ? { mapping } : {}) }), setProgress));
      done();
    } catch (err) {
      setError(toAppError('backup.restore.run', err));
    } finally {
      setBusy(undefined);
    }
  };

  useEffect(() => {
    if (check) void dryRun();
    // Once, when an uploaded archive is opened.
  }, []);

  const pairs = (kind: 'account' | 'project', rows: Pair[], set: (rows: Pair[]) => void) => (
    <table class="table small" data-testid={`backup-map-${kind}s`}>
      <thead><tr><th scope="col">{kind === 'account' ? 'Account id in the archive' : 'Project id or key in the archive'}</th><th scope="col">{kind === 'account' ? 'Account id on this site' : 'Project id or key on this site'}</th><th /></tr></thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <td><input class="input" aria-label={`${kind === 'account' ? 'Account' : 'Project'} in the archive`} value={r.from}
              onInput={(e) => set(rows.map((x, j) => (j === i ? { ...x, from: (e.target as HTMLInputElement).value } : x)))} /></td>
            <td><input class="input" aria-label={`${kind === 'account' ? 'Account' : 'Project'} on this site for ${r.from || 'the id in the archive'}`} value={r.to}
              onInput={(e) => set(rows.map((x, j) => (j === i ? { ...x, to: (e.target as HTMLInputElement).value } : x)))} /></td>
            <td><Button appearance="subtle" aria-label={`Remove the mapping of ${r.from || kind}`} onClick={() => set(rows.filter((_, j) => j !== i))}>✕</Button></td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <div class="backup-restore" data-testid="backup-restore" role="region" aria-labelledby="backup-restore-title">
      <h3 id="backup-restore-title" class="subsection-title">Restore archive {archive}</h3>
      <p class="muted small">The dry run checks every part's checksum and says what would be replaced. The restore replaces the app's data with the archive's (this site's bookkeeping stays); nothing is replaced unless every part is intact.</p>
      <form onSubmit={dryRun}>
        <details open={accounts.length + projects.length > 0} class="backup-mapping">
          <summary>Map ids (an archive from another site)</summary>
          <p class="muted small">Ids the archive holds and their counterparts on this site; ids not mapped are kept as they are.</p>
          {pairs('account', accounts, setAccounts)}
          <Button appearance="link" onClick={() => setAccounts([...accounts, { from: '', to: '' }])}>Add an account</Button>
          {pairs('project', projects, setProjects)}
          <Button appearance="link" onClick={() => setProjects([...projects, { from: '', to: '' }])}>Add a project</Button>
        </details>
        <div class="form-actions">
          <Button appearance="primary" type="submit" busy={busy === 'plan'} disabled={!!busy}>Dry run</Button>
          <Button appearance="danger" busy={busy === 'run'} disabled={!!busy || !plan || planned !== key || !!restored} onClick={run} data-testid="backup-restore-run">Restore</Button>
          <Button appearance="subtle" disabled={!!busy} onClick={close}>Close</Button>
          {plan && planned !== key && <span class="small muted">The mapping changed: run the dry run again.</span>}
        </div>
      </form>
      {busy && <ProgressBar progress={progress} label={busy === 'plan' ? 'Checking the archive' : 'Restoring the archive'} testid="backup-restore-progress" />}
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      {plan && <PlanView plan={plan} when={(ms) => when.format(new Date(ms))} />}
      {restored && (
        <p role="status" data-testid="backup-restore-done"><Lozenge tone="success">Restored</Lozenge> {restored.progress.label}</p>
      )}
    </div>
  );
}

function PlanView({ plan, when }: { plan: Plan; when: (ms: number) => string }) {
  const unmapped = plan.unmapped.accounts.length + plan.unmapped.projects.length;
  return (
    <div data-testid="backup-plan">
      <h4 class="subsection-title">Dry run</h4>
      <p>
        Archive of {when(plan.createdAtMs)}, format version {plan.version},{' '}
        {plan.sameSite ? <Lozenge tone="success">this site</Lozenge> : <Lozenge tone="warning">{`another site (${plan.installation})`}</Lozenge>}
        {plan.mapped > 0 && <> — {plan.mapped.toLocaleString()} ids mapped</>}
      </p>
      <table class="table small" data-testid="backup-plan-tables">
        <thead><tr><th scope="col">Data</th><th scope="col" class="num">Rows in the archive</th><th scope="col" class="num">Rows replaced here</th></tr></thead>
        <tbody>
          {plan.tables.map((t) => (
            <tr key={t.table}><th scope="row">{t.table}</th><td class="num">{t.archiveRows.toLocaleString()}</td><td class="num">{t.currentRows.toLocaleString()}</td></tr>
          ))}
        </tbody>
      </table>
      {plan.conflicts.length > 0 && (
        <>
          <h4 class="subsection-title">Conflicts</h4>
          <ul class="small" data-testid="backup-plan-conflicts">{plan.conflicts.map((c) => <li key={c}>{c}</li>)}</ul>
        </>
      )}
      {unmapped > 0 ? (
        <p class="small" data-testid="backup-plan-unmapped">
          <Lozenge tone="warning">Not mapped</Lozenge>{' '}
          {plan.unmapped.accounts.length > 0 && <>accounts {plan.unmapped.accounts.join(', ')}{plan.unmapped.projects.length > 0 ? '; ' : ''}</>}
          {plan.unmapped.projects.length > 0 && <>projects {plan.unmapped.projects.join(', ')}</>}
          {' '}— map them above (then run the dry run again), or restore them as they are.
        </p>
      ) : <p class="small muted">Every id is mapped or belongs to this site.</p>}
    </div>
  );
}
