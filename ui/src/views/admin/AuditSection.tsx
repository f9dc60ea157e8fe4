// The audit log (audit.list, audit.export, audit.verify, audit.settings.save;
// Jira administrators): who changed which setting and who exported other
// people's time, with before and after; filters, CSV/JSON export, "Verify
// chain" in slices with a progress bar, and the retention.
import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import { AppError, toAppError } from '../../api/errors';
import type { AuditEntry, AuditListInput, AuditListOutput, AuditVerifyOutput, Progress } from '../../api/types.gen';
import { Button, ErrorBanner, Field, Lozenge } from '../../components/ui';
import { saveFile } from '../../lib/download';
import { useSession } from '../../lib/session';
import { AdminSection, LoadedSection } from './parts';

type Filters = { from: string; to: string; subject: string; accountId: string };

const EMPTY: Filters = { from: '', to: '', subject: '', accountId: '' };

/** The filters as the operation's input (days are UTC days). */
function toInput(f: Filters): AuditListInput {
  const input: AuditListInput = {};
  if (f.from) input.fromMs = Date.parse(`${f.from}T00:00:00Z`);
  if (f.to) input.toMs = Date.parse(`${f.to}T00:00:00Z`) + 86_400_000;
  if (f.subject.trim()) input.subject = f.subject.trim();
  if (f.accountId.trim()) input.accountId = f.accountId.trim();
  return input;
}

export function AuditSection() {
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  return (
    <AdminSection id="audit" title="Audit log" intro="Every change to the app's settings and every export of other people's time: who, when, and the value before and after. Entries are chained by hashes, so an edited, deleted or reordered entry is detected.">
      <form
        class="form-row"
        onSubmit={(e) => { e.preventDefault(); setApplied(filters); }}
        data-testid="audit-filters"
      >
        <Field id="audit-from" label="From (UTC)">
          <input id="audit-from" type="date" class="input" value={filters.from} onInput={(e) => setFilters({ ...filters, from: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="audit-to" label="To (UTC)">
          <input id="audit-to" type="date" class="input" value={filters.to} onInput={(e) => setFilters({ ...filters, to: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="audit-subject" label="What">
          <input id="audit-subject" class="input" placeholder="rates, schedule, worklogs…" value={filters.subject} onInput={(e) => setFilters({ ...filters, subject: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="audit-who" label="Who (account id)">
          <input id="audit-who" class="input" value={filters.accountId} onInput={(e) => setFilters({ ...filters, accountId: (e.target as HTMLInputElement).value })} />
        </Field>
        <div class="form-actions align-end">
          <Button appearance="primary" type="submit">Apply</Button>
        </div>
      </form>
      <LoadedSection key={JSON.stringify(applied)} op="audit.list" load={() => call('audit.list', { ...toInput(applied), limit: 50 })} what="See who changed the app's settings and who exported other people's time.">
        {(page, reload) => <AuditLog first={page} filters={applied} reload={reload} />}
      </LoadedSection>
    </AdminSection>
  );
}

function useWhen() {
  const { locale, timeZone } = useSession();
  const f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone });
  return (ms: number) => f.format(new Date(ms));
}

function who(e: AuditEntry): string {
  if (e.erased) return 'Erased account';
  if (e.accountId) return e.accountId;
  return e.actorKind === 'job' ? 'The app (scheduled job)' : e.actorKind === 'trigger' ? 'Jira event' : 'Operator';
}

function Value({ text }: { text: string | null }) {
  if (text === null) return <span class="muted">—</span>;
  return <code class="audit-value small">{text.length > 300 ? `${text.slice(0, 300)}…` : text}</code>;
}

function AuditLog({ first, filters, reload }: { first: AuditListOutput; filters: Filters; reload: () => void }) {
  const { timeZone } = useSession();
  const when = useWhen();
  const [entries, setEntries] = useState<AuditEntry[]>(first.entries);
  const [next, setNext] = useState<number | null>(first.next);
  const [error, setError] = useState<AppError>();
  const [busy, setBusy] = useState<string>();

  const more = async () => {
    if (next === null) return;
    setBusy('more');
    try {
      const r = await call('audit.list', { ...toInput(filters), before: next, limit: 50 });
      setEntries([...entries, ...r.entries]);
      setNext(r.next);
    } catch (e) {
      setError(toAppError('audit.list', e));
    } finally {
      setBusy(undefined);
    }
  };

  const exportAs = async (format: 'csv' | 'json') => {
    setBusy(format);
    setError(undefined);
    try {
      const parts: string[] = [];
      const json: unknown[] = [];
      let after: number | undefined;
      for (;;) {
        const r = await call('audit.export', { ...toInput(filters), format, ...(after !== undefined ? { after } : {}) });
        if (format === 'csv') parts.push(r.content);
        else json.push(...(JSON.parse(r.content) as unknown[]));
        if (!r.more || r.after === null) break;
        after = r.after;
      }
      if (format === 'csv') saveFile(parts, 'audit-log.csv', 'text/csv');
      else saveFile([JSON.stringify(json, null, 2)], 'audit-log.json', 'application/json');
    } catch (e) {
      setError(toAppError('audit.export', e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div class="audit-log">
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      <div class="form-actions">
        <Button busy={busy === 'csv'} disabled={!!busy} onClick={() => exportAs('csv')}>Export CSV</Button>
        <Button busy={busy === 'json'} disabled={!!busy} onClick={() => exportAs('json')}>Export JSON</Button>
      </div>
      {entries.length === 0 ? <p class="muted" data-testid="audit-empty">No entries.</p> : (
        <table class="table" data-testid="audit-table">
          <thead>
            <tr><th scope="col" class="num">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Before</th><th scope="col">After</th></tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq} data-testid={`audit-entry-${e.seq}`}>
                <td class="num">{e.seq}</td>
                <td class="small">{when(e.atMs)}</td>
                <td class="small">{who(e)}</td>
                <td><strong>{e.subject}</strong> <span class="muted small">{e.action}</span></td>
                <td><Value text={e.before} /></td>
                <td><Value text={e.after} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && <Button appearance="link" busy={busy === 'more'} onClick={more}>Older entries</Button>}
      <p class="small muted">Times in {timeZone}.</p>
      <VerifyChain />
      <Retention days={first.settings.retentionDays} saved={reload} />
    </div>
  );
}

function VerifyChain() {
  const [progress, setProgress] = useState<Progress>();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<AuditVerifyOutput>();
  const [error, setError] = useState<AppError>();
  const run = async () => {
    setRunning(true);
    setResult(undefined);
    setError(undefined);
    setProgress(undefined);
    try {
      let input: { restart?: boolean; slice: number } = { restart: true, slice: 500 };
      for (;;) {
        const r = await call('audit.verify', input);
        setProgress(r.progress);
        if (!r.more) { setResult(r); break; }
        input = { slice: 500 };
      }
    } catch (e) {
      setError(toAppError('audit.verify', e));
    } finally {
      setRunning(false);
    }
  };
  const pct = progress && progress.total ? Math.round((progress.done / progress.total) * 100) : undefined;
  return (
    <>
      <h3 class="subsection-title">Chain</h3>
      <div class="form-actions">
        <Button appearance="primary" busy={running} disabled={running} onClick={run}>Verify chain</Button>
      </div>
      {running && (
        <div class="progress-wrap" role="status" aria-live="polite" data-testid="audit-verify-progress">
          <progress class="progress" max={100} value={pct} aria-label="Verifying the audit log" />
          <span class="small muted">{progress?.label ?? 'Starting…'}</span>
        </div>
      )}
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      {result && (
        <p role="status" data-testid="audit-verify-result">
          {result.ok
            ? <><Lozenge tone="success">Intact</Lozenge> {result.progress.done.toLocaleString()} entries verified{result.anchor > 0 ? `, after entry ${result.anchor} (older entries pruned)` : ''}.</>
            : <><Lozenge tone="danger">{`Broken at entry ${result.broken?.seq ?? '?'}`}</Lozenge> {result.broken?.reason}: {result.broken?.message}</>}
        </p>
      )}
    </>
  );
}

function Retention({ days, saved }: { days: number | null; saved: () => void }) {
  const [forever, setForever] = useState(days === null);
  const [value, setValue] = useState(String(days ?? 3650));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError>();
  const [done, setDone] = useState(false);
  const n = Number(value);
  const invalid = !forever && (!Number.isInteger(n) || n < 365 || n > 36525) ? 'Between 365 and 36,525 days.' : undefined;
  const save = async (e: Event) => {
    e.preventDefault();
    if (invalid) return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await call('audit.settings.save', { retentionDays: forever ? null : n });
      setDone(true);
      saved();
    } catch (err) {
      setError(toAppError('audit.settings.save', err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={save} data-testid="audit-retention">
      <h3 class="subsection-title">Retention</h3>
      <p class="muted small">Entries older than this are pruned by the daily job; the chain stays verifiable from the last pruned entry.</p>
      <div class="form-row">
        <label class="checkbox"><input type="checkbox" checked={forever} onChange={(e) => setForever((e.target as HTMLInputElement).checked)} /> Keep forever</label>
        {!forever && (
          <Field id="audit-retention-days" label="Days" error={invalid}>
            <input id="audit-retention-days" class="input" inputMode="numeric" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
          </Field>
        )}
        <div class="form-actions align-end">
          <Button appearance="primary" type="submit" busy={busy}>Save</Button>
          <span role="status" aria-live="polite" class="small success-text">{done ? 'Saved.' : ''}</span>
        </div>
      </div>
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
    </form>
  );
}
