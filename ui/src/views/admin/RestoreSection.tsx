// Restore worklogs (restore.plan, restore.run, restore.status, restore.cancel;
// Jira administrators): pick a window of deletions and changes, optionally a
// project, person or issue; the dry run lists each worklog to recreate (as its
// author or as the app) or revert, and what cannot be restored, with totals;
// Run restores in slices with a progress bar and Cancel; the last run's status.
import { useRef, useState } from 'preact/hooks';
import { call } from '../../api/client';
import { AppError, toAppError } from '../../api/errors';
import type { Progress, RestorePlanOutput, RestoreRun, RestoreSelection, RestoreTally, RestoreWorklog } from '../../api/types.gen';
import { Button, ErrorBanner, Field, Lozenge } from '../../components/ui';
import { useSession } from '../../lib/session';
import { AdminSection, LoadedSection } from './parts';

type Form = { from: string; to: string; project: string; author: string; issue: string };

const EMPTY: Form = { from: '', to: '', project: '', author: '', issue: '' };

/** The form as the operations' selection (UTC date-times, `to` excluded). */
function toSelection(f: Form): RestoreSelection | undefined {
  const fromMs = Date.parse(`${f.from}Z`);
  const toMs = Date.parse(`${f.to}Z`);
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) return undefined;
  const selection: RestoreSelection = { fromMs, toMs };
  if (f.project.trim()) selection.project = f.project.trim();
  if (f.author.trim()) selection.author = f.author.trim();
  if (f.issue.trim()) selection.issue = f.issue.trim();
  return selection;
}

function hours(seconds: number): string {
  return (seconds / 3600).toFixed(2);
}

function Tally({ label, tally }: { label: string; tally: RestoreTally }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td class="num">{tally.count.toLocaleString()}</td>
      <td class="num">{hours(tally.seconds)}</td>
    </tr>
  );
}

export function RestoreSection() {
  const [form, setForm] = useState<Form>(EMPTY);
  const [plan, setPlan] = useState<RestorePlanOutput>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<AppError>();
  const [progress, setProgress] = useState<Progress>();
  const [last, setLast] = useState<RestoreRun>();
  const [cancelled, setCancelled] = useState(false);
  /** Set by Cancel: the loop starts no further slice. */
  const cancelRequested = useRef(false);
  const selection = toSelection(form);
  const set = (key: keyof Form) => (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value });

  const dryRun = async (e: Event) => {
    e.preventDefault();
    if (!selection) return;
    setBusy('plan');
    setError(undefined);
    setPlan(undefined);
    try {
      setPlan(await call('restore.plan', selection));
    } catch (err) {
      setError(toAppError('restore.plan', err));
    } finally {
      setBusy(undefined);
    }
  };

  const run = async () => {
    if (!plan) return;
    setBusy('run');
    setError(undefined);
    setCancelled(false);
    setProgress(undefined);
    try {
      for (;;) {
        const r = await call('restore.run', plan.selection);
        setProgress(r.progress);
        setLast(r);
        if (!r.more) break;
        if (cancelRequested.current) break;
      }
    } catch (err) {
      setError(toAppError('restore.run', err));
    } finally {
      cancelRequested.current = false;
      setBusy(undefined);
    }
  };

  const cancel = async () => {
    cancelRequested.current = true;
    try {
      setLast(await call('restore.cancel', {}));
      setCancelled(true);
    } catch (err) {
      setError(toAppError('restore.cancel', err));
    }
  };

  const pct = progress && progress.total ? Math.round((progress.done / progress.total) * 100) : undefined;
  return (
    <AdminSection id="restore" title="Restore worklogs" intro="Bring back worklogs deleted or changed in a period, from the app's journal: each goes back to the version it had before the period. Deleted ones are recreated as their authors; where that is impossible (a deactivated person), the app recreates them and still counts the time for the person. Running the same restore again changes nothing.">
      <form class="form-row" onSubmit={dryRun} data-testid="restore-form">
        <Field id="restore-from" label="Deleted or changed from (UTC)">
          <input id="restore-from" type="datetime-local" step={1} class="input" required value={form.from} onInput={set('from')} />
        </Field>
        <Field id="restore-to" label="Until (UTC, excluded)">
          <input id="restore-to" type="datetime-local" step={1} class="input" required value={form.to} onInput={set('to')} />
        </Field>
        <Field id="restore-project" label="Project id (optional)">
          <input id="restore-project" class="input" inputMode="numeric" value={form.project} onInput={set('project')} />
        </Field>
        <Field id="restore-author" label="Person (account id, optional)">
          <input id="restore-author" class="input" value={form.author} onInput={set('author')} />
        </Field>
        <Field id="restore-issue" label="Issue id (optional)">
          <input id="restore-issue" class="input" inputMode="numeric" value={form.issue} onInput={set('issue')} />
        </Field>
        <div class="form-actions align-end">
          <Button appearance="primary" type="submit" busy={busy === 'plan'} disabled={!selection || !!busy}>Dry run</Button>
        </div>
      </form>
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      {plan && <Plan plan={plan} />}
      {plan && (
        <div class="form-actions">
          <Button appearance="primary" busy={busy === 'run'} disabled={!!busy || plan.worklogs.length === 0} onClick={run} data-testid="restore-run">Run restore</Button>
          {busy === 'run' && <Button onClick={cancel} data-testid="restore-cancel">Cancel</Button>}
        </div>
      )}
      {busy === 'run' && (
        <div class="progress-wrap" role="status" aria-live="polite" data-testid="restore-progress">
          <progress class="progress" max={100} value={pct} aria-label="Restoring worklogs" />
          <span class="small muted">{progress?.label ?? 'Starting…'}</span>
        </div>
      )}
      {last && !busy && <Status run={last} cancelled={cancelled} />}
      {!last && (
        <LoadedSection op="restore.status" load={() => call('restore.status', {})} what="Restore worklogs deleted or changed in a period.">
          {(status) => (status.state.selection ? <Status run={status} cancelled={status.state.cancelled} /> : null)}
        </LoadedSection>
      )}
    </AdminSection>
  );
}

function Plan({ plan }: { plan: RestorePlanOutput }) {
  const t = plan.totals;
  return (
    <div data-testid="restore-plan">
      <h3 class="subsection-title">Dry run</h3>
      <table class="table small" data-testid="restore-totals">
        <thead><tr><th scope="col">What</th><th scope="col" class="num">Worklogs</th><th scope="col" class="num">Hours</th></tr></thead>
        <tbody>
          <Tally label="Recreate" tally={t.recreate} />
          <Tally label="… as their author" tally={t.asAuthor} />
          <Tally label="… as the app" tally={t.asApp} />
          <Tally label="Revert" tally={t.revert} />
          <Tally label="Already as they were" tally={t.unchanged} />
          <Tally label="Cannot be restored" tally={t.cannot} />
        </tbody>
      </table>
      {plan.worklogs.length === 0 ? <p class="muted">Nothing to restore.</p> : <Worklogs worklogs={plan.worklogs} />}
    </div>
  );
}

function Worklogs({ worklogs }: { worklogs: RestoreWorklog[] }) {
  const { locale, timeZone } = useSession();
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  return (
    <table class="table" data-testid="restore-worklogs">
      <thead>
        <tr><th scope="col">Worklog</th><th scope="col">Issue</th><th scope="col">Author</th><th scope="col">Started</th><th scope="col" class="num">Hours</th><th scope="col">Action</th><th scope="col">Why</th></tr>
      </thead>
      <tbody>
        {worklogs.map((w) => (
          <tr key={w.worklog} data-testid={`restore-worklog-${w.worklog}`}>
            <td class="small">{w.worklog}</td>
            <td class="small">{w.issue}</td>
            <td class="small">{w.author || '—'}</td>
            <td class="small">{w.started ? when.format(new Date(w.started)) : '—'}</td>
            <td class="num">{hours(w.seconds)}</td>
            <td>
              {w.action === 'recreate' && <Lozenge tone={w.path === 'author' ? 'success' : 'default'}>{w.path === 'author' ? 'Recreate as author' : 'Recreate as app'}</Lozenge>}
              {w.action === 'revert' && <Lozenge tone="default">Revert</Lozenge>}
              {w.action === 'cannot' && <Lozenge tone="danger">Cannot restore</Lozenge>}
              {w.action === 'unchanged' && <Lozenge tone="default">Unchanged</Lozenge>}
            </td>
            <td class="small muted">{w.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Status({ run, cancelled }: { run: RestoreRun; cancelled: boolean }) {
  const t = run.state.totals;
  return (
    <div role="status" data-testid="restore-status">
      <h3 class="subsection-title">Last restore</h3>
      <p>
        {run.state.running ? <Lozenge tone="default">Under way</Lozenge> : cancelled ? <Lozenge tone="danger">Cancelled</Lozenge> : <Lozenge tone="success">Done</Lozenge>}{' '}
        {run.progress.label}
      </p>
      <p class="small muted">
        {t.recreate.count} recreated ({t.asAuthor.count} as their authors, {t.asApp.count} as the app), {t.revert.count} reverted, {t.unchanged.count} already as they were, {t.cannot.count} could not be restored.
      </p>
      {run.state.failed.length > 0 && (
        <ul class="small">
          {run.state.failed.map((f) => <li key={f.worklog}>Worklog {f.worklog} (issue {f.issue}): {f.reason}</li>)}
        </ul>
      )}
    </div>
  );
}
