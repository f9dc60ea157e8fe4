// Approvals, for reviewers: the people they review × the last periods, each cell
// with its state, logged and required time and drift flags; a person's period
// opens read-only (the timesheet's own grid) with Approve, Send back (a reason
// is required) and Reopen; a column's submitted periods are approved at once; the
// changes made outside the app are listed with their diff, to restore or accept.
// Who may review whom, and every transition, is the component's decision.
//
// Keyboard: arrows (Home/End, PageUp/PageDown) move in the grid, Enter opens,
// A approves the focused period, R sends it back, Escape closes the period.
import { useEffect, useRef, useState } from 'preact/hooks';
import { PENDING_CHANGED, type DriftList, type Team } from '../api/approvals';
import { move, STATE, stateLabel } from '../lib/approvals';
import { call } from '../api/client';
import { Button, ErrorBanner, Field, Lozenge, Spinner, Unavailable } from '../components/ui';
import { useAction, useLoad } from '../lib/hooks';
import { useFormat, useSession } from '../lib/session';
import { addDays, dateLabel, todayIn } from '../lib/time';
import { TIME_CHANGED } from '../lib/timesheet';
import { Timesheet } from './Timesheet';

/** How many periods the grid shows, the anchor's and those before it. */
const COLUMNS = 4;

type Member = Team['rows'][number];
/** A period: its first and last day. */
type Column = { start: string; end: string };
interface Row { accountId: string; displayName: string; cells: Array<Member | undefined> }
interface Pos { r: number; c: number }

/** The team's periods: the one holding `date` and the COLUMNS - 1 before it, oldest first. */
async function loadGrid(date: string, group?: string): Promise<{ columns: Column[]; rows: Row[] }> {
  const teams: Team[] = [];
  let at = date;
  for (let i = 0; i < COLUMNS; i++) {
    const t = await call('approval.team', { date: at, ...(group ? { group } : {}) });
    teams.unshift(t);
    at = addDays(t.start, -1);
  }
  const rows = new Map<string, Row>();
  teams.forEach((t, c) => {
    for (const m of t.rows) {
      let row = rows.get(m.accountId);
      if (!row) {
        row = { accountId: m.accountId, displayName: m.displayName, cells: teams.map(() => undefined) };
        rows.set(m.accountId, row);
      }
      row.cells[c] = m;
    }
  });
  return {
    columns: teams.map((t) => ({ start: t.start, end: t.end })),
    rows: [...rows.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)),
  };
}

export function Approvals() {
  const { timeZone } = useSession();
  const [anchor, setAnchor] = useState(() => todayIn(timeZone));
  const [group, setGroup] = useState('');
  const [groupShown, setGroupShown] = useState('');
  const [grid, reload] = useLoad(() => loadGrid(anchor, groupShown.trim() || undefined), [anchor, groupShown], 'approval.team');
  const [open, setOpen] = useState<{ row: Row; c: number }>();
  const [notice, setNotice] = useState<string>();

  if (grid.state === 'error' && grid.error.unavailable) {
    return <Unavailable operation="approval.team" what="Reviewers see their team's timesheets by period, and approve them or send them back." />;
  }
  const columns = grid.state === 'ready' ? grid.value.columns : [];
  const last = columns[columns.length - 1];
  const changed = (message: string) => { setNotice(message); reload(); window.dispatchEvent(new CustomEvent(PENDING_CHANGED)); };

  return (
    <div class="approvals">
      <div class="toolbar">
        <div class="toolbar-group" role="group" aria-label="Periods">
          <Button aria-label="Earlier periods" disabled={!last} onClick={() => last && setAnchor(addDays(last.start, -1))}>‹</Button>
          <Button onClick={() => setAnchor(todayIn(timeZone))}>Current period</Button>
          <Button aria-label="Later periods" disabled={!last} onClick={() => last && setAnchor(addDays(last.end, 1))}>›</Button>
        </div>
        <form class="toolbar-group" onSubmit={(e) => { e.preventDefault(); setGroupShown(group); }}>
          <Field id="approvals-group" label="Team (Jira group)">
            <input id="approvals-group" class="input" value={group} placeholder="Everyone I review"
              onInput={(e) => setGroup((e.target as HTMLInputElement).value)} />
          </Field>
          <Button type="submit">Show</Button>
        </form>
      </div>
      <div role="status" aria-live="polite" data-testid="approvals-notice">
        {notice && <div class="banner banner-success"><span>{notice}</span>
          <Button appearance="subtle" aria-label="Dismiss" onClick={() => setNotice(undefined)}>✕</Button></div>}
      </div>
      {grid.state === 'loading' && <Spinner label="Loading your team's periods" />}
      {grid.state === 'error' && <ErrorBanner error={grid.error} onRetry={reload} />}
      {grid.state === 'ready' && (
        <TeamGrid columns={grid.value.columns} rows={grid.value.rows} onOpen={(row, c) => setOpen({ row, c })} onChanged={changed} />
      )}
      {open && grid.state === 'ready' && (
        <PeriodPanel
          key={`${open.row.accountId}-${grid.value.columns[open.c]!.start}`}
          row={open.row} column={grid.value.columns[open.c]!}
          member={grid.value.rows.find((r) => r.accountId === open.row.accountId)?.cells[open.c]}
          onClose={() => {
            setOpen(undefined);
            document.querySelector<HTMLElement>(`[data-approval-cell="${open.row.accountId}-${open.c}"]`)?.focus();
          }}
          onChanged={changed}
        />
      )}
      <Drifts onChanged={changed}
        names={new Map(grid.state === 'ready' ? grid.value.rows.map((r) => [r.accountId, r.displayName]) : [])} />
      <p class="muted small" id="approvals-keys">
        Keyboard: arrow keys move between periods (Home and End to a row's ends, Page Up and Page Down to the first
        and last person), Enter opens a period, A approves it, R sends it back with a reason, Escape closes it.
      </p>
    </div>
  );
}

function TeamGrid({ columns, rows, onOpen, onChanged }: {
  columns: Column[]; rows: Row[]; onOpen: (row: Row, c: number) => void; onChanged: (message: string) => void;
}) {
  const { locale } = useSession();
  const format = useFormat('hours');
  const [focus, setFocus] = useState<Pos>({ r: 0, c: Math.max(0, columns.length - 1) });
  const [quick, setQuick] = useState<{ row: Row; c: number; kind: 'reject' }>();
  const approve = useAction();
  const bulk = useAction();
  const table = useRef<HTMLTableElement>(null);
  const range = (p: Column) => `${dateLabel(p.start, locale, { day: 'numeric', month: 'short' })} – ${dateLabel(p.end, locale, { day: 'numeric', month: 'short' })}`;

  const focusCell = (p: Pos) => {
    setFocus(p);
    table.current?.querySelector<HTMLElement>(`[data-pos="${p.r}-${p.c}"]`)?.focus();
  };

  const approveOne = async (row: Row, c: number) => {
    const r = await approve.run('approval.approve', () => call('approval.approve', { accountId: row.accountId, periodStart: columns[c]!.start }));
    if (r) onChanged(`Approved ${row.displayName}, ${range(columns[c]!)}.`);
  };

  const approveColumn = async (c: number) => {
    const ids = rows.filter((r) => r.cells[c]?.state === 'submitted').map((r) => r.accountId);
    if (!ids.length) return;
    const r = await bulk.run('approval.approveMany', () => call('approval.approveMany', { accountIds: ids, periodStart: columns[c]!.start }));
    if (r) {
      // Each is decided on its own: those refused say why.
      const refused = r.results.filter((x) => !x.ok);
      const name = (id: string) => rows.find((x) => x.accountId === id)?.displayName ?? id;
      const why = refused.length ? ` Not approved: ${refused.map((x) => `${name(x.accountId)} (${x.error?.message ?? 'refused'})`).join('; ')}.` : '';
      onChanged(`Approved ${r.results.length - refused.length} of ${ids.length} periods of ${range(columns[c]!)}.${why}`);
    }
  };

  const onKey = (e: KeyboardEvent, r: number, c: number) => {
    const next = move(e.key, r, c, rows.length, columns.length);
    if (next) { e.preventDefault(); focusCell(next); return; }
    const row = rows[r]!;
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onOpen(row, c); return; }
    if ((e.key === 'a' || e.key === 'A') && !e.ctrlKey && !e.metaKey) { e.preventDefault(); void approveOne(row, c); return; }
    if ((e.key === 'r' || e.key === 'R') && !e.ctrlKey && !e.metaKey) { e.preventDefault(); setQuick({ row, c, kind: 'reject' }); }
  };

  if (rows.length === 0) {
    return (
      <div class="empty" data-testid="approvals-empty">
        <p class="empty-title">Nobody to review</p>
        <p>You review nobody in these periods. A Jira administrator sets who reviews whom on the Worklogs settings page.</p>
      </div>
    );
  }

  return (
    <>
      {approve.error && <ErrorBanner error={approve.error} onDismiss={() => approve.setError(undefined)} />}
      {bulk.error && <ErrorBanner error={bulk.error} onDismiss={() => bulk.setError(undefined)} />}
      <div class="grid-wrap">
        <table class="table approvals-grid" role="grid" ref={table} aria-label="Team periods" aria-describedby="approvals-keys"
          data-testid="approvals-grid">
          <thead>
            <tr>
              <th scope="col">Person</th>
              {columns.map((p, c) => {
                const submitted = rows.filter((r) => r.cells[c]?.state === 'submitted').length;
                return (
                  <th scope="col" key={p.start} class="approvals-period">
                    <span>{range(p)}</span>
                    {submitted > 0 && (
                      <Button appearance="subtle" class="small" busy={bulk.busy}
                        aria-label={`Approve all ${submitted} submitted periods of ${range(p)}`}
                        onClick={() => void approveColumn(c)}>Approve all ({submitted})</Button>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={row.accountId}>
                <th scope="row">{row.displayName}</th>
                {columns.map((p, c) => {
                  const m = row.cells[c];
                  const isFocus = Math.min(focus.r, rows.length - 1) === r && focus.c === c;
                  const drift = m?.openDrifts ?? 0;
                  const label = m
                    ? `${row.displayName}, ${range(p)}: ${stateLabel(m.state)}, ${format(m.loggedSeconds)} of ${format(m.requiredSeconds)}${drift ? `, ${drift} ${drift === 1 ? 'change' : 'changes'} made outside the app` : ''}`
                    : `${row.displayName}, ${range(p)}: not reviewed by you`;
                  return (
                    <td key={p.start} role="gridcell" tabIndex={isFocus ? 0 : -1}
                      class={`approvals-cell state-${m?.state ?? 'none'}`}
                      data-pos={`${r}-${c}`} data-approval-cell={`${row.accountId}-${c}`}
                      aria-label={label}
                      onKeyDown={(e) => onKey(e, r, c)} onFocus={() => setFocus({ r, c })}
                      onDblClick={() => onOpen(row, c)}>
                      {m ? (
                        <>
                          <Lozenge tone={STATE[m.state]?.tone ?? 'default'}>{stateLabel(m.state)}</Lozenge>
                          <span class={`approvals-hours${m.loggedSeconds < m.requiredSeconds ? ' under' : ''}`}>
                            {format(m.loggedSeconds)} <span class="muted">/ {format(m.requiredSeconds)}</span>
                          </span>
                          {drift > 0 && <span class="drift-flag" data-testid="drift-flag"><span aria-hidden="true">⚑ </span>{drift}</span>}
                        </>
                      ) : <span class="muted" aria-hidden="true">—</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {quick && (
        <ReasonForm
          title={`Send back ${quick.row.displayName}'s period ${range(columns[quick.c]!)}`}
          action="Send back" op="approval.reject"
          run={(reason) => call('approval.reject', { accountId: quick.row.accountId, periodStart: columns[quick.c]!.start, reason })}
          onDone={() => { const q = quick; setQuick(undefined); onChanged(`Sent back ${q.row.displayName}, ${range(columns[q.c]!)}.`); }}
          onCancel={() => { const q = quick; setQuick(undefined); focusCell({ r: rows.indexOf(q.row), c: q.c }); }}
        />
      )}
    </>
  );
}

/** A reason, required, then the action: sending back, reopening, restoring or accepting a change. */
function ReasonForm({ title, action, op, run, onDone, onCancel, danger }: {
  title: string; action: string; op: string; run: (reason: string) => Promise<unknown>;
  onDone: () => void; onCancel: () => void; danger?: boolean;
}) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const act = useAction();
  const field = useRef<HTMLTextAreaElement>(null);
  const id = `reason-${op.replace(/\W/g, '-')}`;
  useEffect(() => field.current?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) { setProblem('A reason is required: the person sees it.'); field.current?.focus(); return; }
    const r = await act.run(op, () => run(reason.trim()));
    if (r !== undefined) onDone();
  };
  return (
    <form class="card reason-form" onSubmit={submit} aria-label={title} noValidate
      onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); onCancel(); } }}>
      <h3 class="subsection-title">{title}</h3>
      <Field id={id} label="Reason" error={problem} help="Required. Kept in the period's history.">
        <textarea id={id} ref={field} class="input textarea" value={reason} required aria-required="true"
          aria-invalid={problem ? true : undefined} aria-describedby={`${id}-msg`}
          onInput={(e) => { setReason((e.target as HTMLTextAreaElement).value); setProblem(undefined); }} />
      </Field>
      {act.error && <ErrorBanner error={act.error} onDismiss={() => act.setError(undefined)} />}
      <div class="form-actions">
        <Button appearance={danger ? 'danger' : 'primary'} type="submit" busy={act.busy}>{action}</Button>
        <Button appearance="subtle" onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

/** A history entry's action in words. */
const ACTIONS: Record<string, string> = {
  submitted: 'Submitted', approved: 'Approved', rejected: 'Sent back', reopened: 'Reopened',
  flagged: 'Changed outside the app', restored: 'Restored', accepted: 'Change accepted',
};

/** One person's period, opened: its actions and the read-only timesheet of its first week. */
function PeriodPanel({ row, column, member, onClose, onChanged }: {
  row: Row; column: Column; member?: Member; onClose: () => void; onChanged: (message: string) => void;
}) {
  const { locale, me } = useSession();
  const format = useFormat('hours');
  const [asking, setAsking] = useState<'reject' | 'reopen'>();
  const approve = useAction();
  // The period's history and why the viewer reviews it, read again when its state changes.
  const [status] = useLoad(() => call('approval.status', { accountId: row.accountId, date: column.start }), [member?.state], 'approval.status');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const range = `${dateLabel(column.start, locale, { day: 'numeric', month: 'short' })} – ${dateLabel(column.end, locale, { day: 'numeric', month: 'short', year: 'numeric' })}`;
  const state = member?.state;
  const doApprove = async () => {
    const r = await approve.run('approval.approve', () => call('approval.approve', { accountId: row.accountId, periodStart: column.start }));
    if (r) onChanged(`Approved ${row.displayName}, ${range}.`);
  };
  return (
    <section class="card period-panel" aria-labelledby="period-panel-title" data-testid="period-panel"
      onKeyDown={(e) => { if (e.key === 'Escape' && !asking) { e.preventDefault(); onClose(); } }}>
      <header class="result-header">
        <div>
          <h2 id="period-panel-title" class="section-title" tabIndex={-1} ref={heading}>
            {row.displayName}, {range} {state && <Lozenge tone={STATE[state]?.tone ?? 'default'}>{stateLabel(state)}</Lozenge>}
          </h2>
          {member && <p class="muted small">{format(member.loggedSeconds)} logged of {format(member.requiredSeconds)} required</p>}
          {status.state === 'ready' && status.value.reviewRule && <p class="muted small">You review this period by: {status.value.reviewRule}</p>}
        </div>
        <div class="toolbar-group" role="group" aria-label="Decide">
          {state === 'submitted' && <Button appearance="primary" busy={approve.busy} onClick={() => void doApprove()}>Approve</Button>}
          {state === 'submitted' && <Button onClick={() => setAsking('reject')}>Send back…</Button>}
          {state === 'approved' && <Button onClick={() => setAsking('reopen')}>Reopen…</Button>}
          <Button appearance="subtle" onClick={onClose}>Close</Button>
        </div>
      </header>
      {approve.error && <ErrorBanner error={approve.error} onDismiss={() => approve.setError(undefined)} />}
      {asking === 'reject' && (
        <ReasonForm title={`Send back ${row.displayName}'s period`} action="Send back" op="approval.reject"
          run={(reason) => call('approval.reject', { accountId: row.accountId, periodStart: column.start, reason })}
          onDone={() => { setAsking(undefined); onChanged(`Sent back ${row.displayName}, ${range}.`); }}
          onCancel={() => setAsking(undefined)} />
      )}
      {asking === 'reopen' && (
        <ReasonForm title={`Reopen ${row.displayName}'s period`} action="Reopen" op="approval.reopen" danger
          run={(reason) => call('approval.reopen', { accountId: row.accountId, periodStart: column.start, reason })}
          onDone={() => { setAsking(undefined); onChanged(`Reopened ${row.displayName}, ${range}.`); }}
          onCancel={() => setAsking(undefined)} />
      )}
      {status.state === 'ready' && status.value.history.length > 0 && (
        <details class="period-history" data-testid="period-history">
          <summary>History ({status.value.history.length})</summary>
          <ol class="small">
            {status.value.history.map((h, i) => (
              <li key={i}>
                <strong>{ACTIONS[h.action] ?? h.action}</strong>{' '}
                {new Date(h.at).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })}{' '}
                by {h.by === undefined ? 'Worklogs' : h.by === me.accountId ? 'you' : h.by === row.accountId ? row.displayName : 'a reviewer'}
                {h.worklogId ? `, worklog ${h.worklogId}` : ''}{h.reason ? `: ${h.reason}` : ''}
              </li>
            ))}
          </ol>
        </details>
      )}
      <Timesheet person={{ accountId: row.accountId, displayName: row.displayName }} start={column.start} />
    </section>
  );
}

type Drift = DriftList['drifts'][number];
type Version = NonNullable<Drift['before']>;

/** The changed fields of a drift, each as its approved and its current value in words. */
function diff(d: Drift, format: (s: number) => string, locale: string): Array<[string, string, string]> {
  const LABELS: Record<string, string> = {
    issueId: 'Issue', started: 'Started', timeSpentSeconds: 'Time', comment: 'Comment', visibility: 'Visibility', attributes: 'Attributes',
  };
  const show = (v: Version | undefined, k: string): string => {
    if (!v) return '—';
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || x === null || x === '') return '—';
    if (k === 'timeSpentSeconds') return format(x as number);
    if (k === 'started') return new Date(x as string).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return typeof x === 'string' ? x : JSON.stringify(x);
  };
  const fields = d.changes?.length ? d.changes : d.kind === 'changed' ? [] : ['started', 'timeSpentSeconds', 'comment'];
  return fields.map((k) => [LABELS[k] ?? k, show(d.before, k), show(d.after, k)]);
}

function Drifts({ names, onChanged }: { names: Map<string, string>; onChanged: (message: string) => void }) {
  const { locale } = useSession();
  const format = useFormat('hours');
  const [list, reload] = useLoad(() => call('approval.drift.list', {}), [], 'approval.drift.list');
  const [asking, setAsking] = useState<{ drift: Drift; action: 'restore' | 'accept' }>();
  useEffect(() => {
    window.addEventListener(TIME_CHANGED, reload);
    return () => window.removeEventListener(TIME_CHANGED, reload);
  }, [reload]);
  if (list.state === 'loading') return null;
  if (list.state === 'error') {
    return list.error.unavailable ? null : <ErrorBanner error={list.error} onRetry={reload} />;
  }
  const drifts = list.value.drifts;
  return (
    <section class="card drifts" aria-labelledby="drifts-title" data-testid="drifts">
      <h2 id="drifts-title" class="section-title">Changes made outside the app</h2>
      <p class="muted">Worklogs of submitted or approved periods changed in Jira itself (its issue view, REST API, automation or mobile app), flagged by the site's setting. Restore the approved version or accept the change, with a reason.</p>
      {drifts.length === 0 ? <p class="muted" data-testid="no-drifts">No changes to review.</p> : (
        <table class="table">
          <thead><tr><th scope="col">Person</th><th scope="col">Period</th><th scope="col">Worklog</th><th scope="col">Change</th><th scope="col">Approved → now</th><th /></tr></thead>
          <tbody>
            {drifts.map((d) => {
              const issue = d.after?.issueId ?? d.before?.issueId;
              return (
                <tr key={d.id} data-testid="drift-row">
                  <td>{names.get(d.accountId) ?? d.accountId}</td>
                  <td>{dateLabel(d.periodStart, locale, { day: 'numeric', month: 'short', year: 'numeric' })}</td>
                  <td>Worklog {d.worklogId}{issue ? <span class="muted small"> (issue {issue})</span> : null}</td>
                  <td>{d.kind === 'deleted' ? 'Deleted in Jira' : d.kind === 'added' ? 'Added in Jira' : 'Changed in Jira'}</td>
                  <td>
                    <dl class="drift-diff">
                      {diff(d, format, locale).map(([k, before, after]) => (
                        <div key={k}><dt>{k}</dt><dd><del aria-label={`approved: ${before}`}>{before}</del> → <ins aria-label={`now: ${after}`}>{after}</ins></dd></div>
                      ))}
                    </dl>
                  </td>
                  <td class="actions">
                    {d.state === 'open' ? (
                      <>
                        <Button onClick={() => setAsking({ drift: d, action: 'restore' })}>Restore…</Button>
                        <Button appearance="subtle" onClick={() => setAsking({ drift: d, action: 'accept' })}>Accept…</Button>
                      </>
                    ) : (
                      <span class="small">{d.state === 'restored' ? 'Restored' : 'Accepted'}{d.reason ? `: ${d.reason}` : ''}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {asking && (
        <ReasonForm
          title={`${asking.action === 'restore' ? 'Restore the approved version of' : 'Accept the change to'} worklog ${asking.drift.worklogId}`}
          action={asking.action === 'restore' ? 'Restore' : 'Accept'} op="approval.drift.resolve"
          run={(reason) => call('approval.drift.resolve', { id: asking.drift.id, action: asking.action, reason })}
          onDone={() => { const a = asking; setAsking(undefined); reload(); onChanged(`${a.action === 'restore' ? 'Restored' : 'Accepted'} worklog ${a.drift.worklogId}.`); }}
          onCancel={() => setAsking(undefined)} />
      )}
    </section>
  );
}
