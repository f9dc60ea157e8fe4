// The worklog index (sync.status, sync.verify; Jira administrators): the last
// full and incremental runs, what the index holds, the last verification's
// drift, "Verify now" and "Repair" run in slices with a progress bar and
// Cancel, and the errors of the last failed runs in words.
import { useRef, useState } from 'preact/hooks';
import { call } from '../../api/client';
import { AppError, toAppError } from '../../api/errors';
import type { Drift, Progress, SyncRun, SyncStatusOutput, SyncVerifyOutput } from '../../api/types.gen';
import { Button, ErrorBanner, Field, Lozenge } from '../../components/ui';
import { useSession } from '../../lib/session';
import { addDays, todayIn } from '../../lib/time';
import { AdminSection, LoadedSection } from './parts';

export function IndexSection() {
  return (
    <AdminSection id="index" title="Worklog index" intro="Reports and timesheets read a copy of Jira's worklogs kept by Worklogs. Here you see how current it is, check it against Jira and repair it.">
      <LoadedSection op="sync.status" load={() => call('sync.status', {})} what="See how current the worklog index is, and check it against Jira.">
        {(s, reload) => <IndexStatus status={s} reload={reload} />}
      </LoadedSection>
    </AdminSection>
  );
}

function useWhen() {
  const { locale, timeZone } = useSession();
  const f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  return (ms: number) => f.format(new Date(ms));
}

function RunLine({ title, run, failedAt }: { title: string; run: SyncRun | null; failedAt?: number }) {
  const when = useWhen();
  const n = (x: number) => x.toLocaleString();
  return (
    <div class="index-run" data-testid={`index-${title.toLowerCase().replace(/\W+/g, '-')}`}>
      <dt>{title}</dt>
      <dd>
        {run ? (
          <>
            {when(run.finishedMs)} <Lozenge tone="success">Finished</Lozenge>{' '}
            <span class="muted small">
              {n(run.totals.written)} written, {n(run.totals.unchanged)} unchanged, {n(run.totals.deleted)} deleted, {n(run.totals.issues)} issues
              {' '}in {Math.max(1, Math.round((run.finishedMs - run.startedMs) / 1000))} s
            </span>
          </>
        ) : <span class="muted">Never</span>}
        {failedAt !== undefined && (!run || failedAt > run.finishedMs) && <> <Lozenge tone="danger">Failed {when(failedAt)}</Lozenge></>}
      </dd>
    </div>
  );
}

type Job = { repair: boolean; progress?: Progress };

/** What differs between the index and Jira on an issue's day, in words. */
function differs(d: Drift): string {
  if (d.index.count !== d.jira.count) return d.jira.count > d.index.count ? 'Worklogs missing from the index' : 'Worklogs Jira no longer has';
  if (d.index.seconds !== d.jira.seconds) return 'Time spent';
  return 'Details: attributes, comment, visibility, author or start';
}

function IndexStatus({ status, reload }: { status: SyncStatusOutput; reload: () => void }) {
  const { timeZone } = useSession();
  const when = useWhen();
  const today = todayIn('UTC');
  const [from, setFrom] = useState(addDays(today, -29));
  const [to, setTo] = useState(today);
  const [job, setJob] = useState<Job>();
  const [result, setResult] = useState<SyncVerifyOutput>();
  const [error, setError] = useState<AppError>();
  const [cancelled, setCancelled] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const cancelRef = useRef(false);
  const failed = (op: string) => status.errors.find((e) => e.operation === op)?.atMs;

  const run = async (repair: boolean) => {
    cancelRef.current = false;
    setCancelling(false);
    setCancelled(false);
    setError(undefined);
    setResult(undefined);
    setJob({ repair });
    // Small slices: each answers well within an invocation's time, and the bar moves.
    const input = { from, to, repair, maxIssues: 20 };
    try {
      for (;;) {
        const r = await call('sync.verify', input);
        setResult(r);
        setJob({ repair, progress: r.progress });
        if (!r.more) break;
        if (cancelRef.current) {
          setResult(await call('sync.verify', { ...input, cancel: true }));
          setCancelled(true);
          break;
        }
      }
    } catch (e) {
      setError(toAppError('sync.verify', e));
    } finally {
      setJob(undefined);
      reload();
    }
  };

  const last = status.verify.last;
  const shown = result ?? (last ? { ...last, more: false } : undefined);
  const pct = job?.progress && job.progress.total ? Math.round((job.progress.done / job.progress.total) * 100) : undefined;
  const period = !from || !to ? 'Choose the first and last day.' : from > to ? 'The first day must come before the last.' : undefined;

  return (
    <div class="index-status">
      <dl class="index-facts">
        <div><dt>Indexed</dt><dd data-testid="index-size"><strong>{status.worklogs.toLocaleString()}</strong> worklogs on <strong>{status.issues.toLocaleString()}</strong> issues{!status.imported && <> <Lozenge tone="warning">Import not finished</Lozenge></>}</dd></div>
        <RunLine title="Last full import" run={status.lastFull} failedAt={failed('sync.full')} />
        <RunLine title="Last incremental sync" run={status.lastIncremental} failedAt={failed('sync.incremental')} />
        {status.running && (
          <div><dt>Running now</dt><dd>{status.running.mode === 'full' ? 'Full import' : 'Incremental sync'}: {status.running.progress.label}</dd></div>
        )}
      </dl>

      <h3 class="subsection-title">Check against Jira</h3>
      <p class="muted small">Compares the index with Jira per issue and day (UTC days, at most 62). Repair writes Jira's worklogs of every issue that differs into the index again.</p>
      <div class="form-row">
        <Field id="verify-from" label="From (UTC)">
          <input id="verify-from" type="date" class="input" value={from} disabled={!!job} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="verify-to" label="To (UTC)">
          <input id="verify-to" type="date" class="input" value={to} disabled={!!job} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </Field>
        <div class="form-actions align-end">
          <Button appearance="primary" busy={job && !job.repair} disabled={!!job || !!period} onClick={() => run(false)}>Verify now</Button>
          <Button busy={job?.repair} disabled={!!job || !!period} onClick={() => run(true)}>Repair</Button>
        </div>
      </div>
      {period && <div class="field-error" role="alert">{period}</div>}
      {!job && status.verify.running && (
        <p class="small muted" role="status">
          {`A ${status.verify.running.repair ? 'repair' : 'verification'} of ${status.verify.running.from} to ${status.verify.running.to} started ${when(status.verify.running.startedMs)} and stopped at: ${status.verify.running.progress.label}. Running it again with the same period continues it.`}
        </p>
      )}
      {job && (
        <div class="progress-wrap" role="status" aria-live="polite" data-testid="verify-progress">
          <progress class="progress" max={100} value={pct} aria-label={job.repair ? 'Repairing the index' : 'Verifying the index'} />
          <span class="small muted">{job.progress?.label ?? 'Starting…'}</span>
          <Button appearance="link" disabled={cancelling} onClick={() => { cancelRef.current = true; setCancelling(true); }}>Cancel</Button>
        </div>
      )}
      {cancelled && <p class="small muted" role="status">Cancelled: what was compared so far is shown below.</p>}
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}

      {shown ? (
        <div class="verify-result" data-testid="verify-result">
          <p>
            {result ? (result.more ? 'So far' : 'This check') : `Last check, ${when(last!.finishedMs)}`}: {shown.from} to {shown.to},{' '}
            {shown.issues.toLocaleString()} issues, {shown.indexWorklogs.toLocaleString()} worklogs in the index and {shown.jiraWorklogs.toLocaleString()} in Jira.{' '}
            {shown.driftCount === 0
              ? <Lozenge tone="success">No drift</Lozenge>
              : <Lozenge tone="danger">{`Drift: ${shown.driftCount} ${shown.driftCount === 1 ? 'issue-day differs' : 'issue-days differ'}`}</Lozenge>}
            {shown.repaired && <span class="muted small"> Repaired: {shown.repaired.written} worklogs written, {shown.repaired.deleted} deleted.</span>}
            {shown.invalidAttributesCount > 0 && <span class="muted small"> {shown.invalidAttributesCount} worklogs have attributes that do not fit the definitions.</span>}
          </p>
          {shown.drift.length > 0 && (
            <table class="table" data-testid="drift-table">
              <thead><tr><th scope="col">Issue id</th><th scope="col">Day (UTC)</th><th scope="col" class="num">Index</th><th scope="col" class="num">Jira</th><th scope="col">What differs</th></tr></thead>
              <tbody>
                {shown.drift.map((d) => (
                  <tr key={d.issueId + d.day}>
                    <td>{d.issueId}</td><td>{d.day}</td>
                    <td class="num">{d.index.count} · {(d.index.seconds / 3600).toFixed(2)} h</td>
                    <td class="num">{d.jira.count} · {(d.jira.seconds / 3600).toFixed(2)} h</td>
                    <td class="small">{differs(d)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ) : <p class="muted">The index has not been checked against Jira yet.</p>}

      <h3 class="subsection-title">Errors of the last runs</h3>
      {status.errors.length === 0 ? <p class="muted" data-testid="sync-errors">None.</p> : (
        <ul class="sync-errors" data-testid="sync-errors">
          {status.errors.map((e) => (
            <li key={e.atMs + e.operation}>
              <strong>{when(e.atMs)}</strong>: {e.sentence}
              <details><summary class="small">Details</summary><p class="small muted banner-detail-text">{e.message}</p></details>
            </li>
          ))}
        </ul>
      )}
      <p class="small muted">Times in {timeZone}.</p>
    </div>
  );
}
