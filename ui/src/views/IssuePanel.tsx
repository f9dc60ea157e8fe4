// The issue panel (also the issue activity and glance modules): log time, the
// issue's worklogs with edit and delete, totals.
import { Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { call } from '../api/client';
import type { Attribute, DeleteEstimate, LogEstimate, UpdateEstimate, Worklog, WorklogListOutput } from '../api/types.gen';
import { AttributeField, attributeDraft, attributeErrors, attributeValues, shownValue } from '../components/Attributes';
import { IssueTimer } from '../components/Timer';
import { DurationField, parseDurationState, type DurationState } from '../components/DurationField';
import { Button, ErrorBanner, Field, Lozenge, Spinner } from '../components/ui';
import { useAction, useLoad } from '../lib/hooks';
import { useFormat, useSession } from '../lib/session';
import { dateLabel, dateOf, nowTime, startedAt, timeOf, todayIn } from '../lib/time';

type Adjust = 'auto' | 'leave' | 'new' | 'manual';

interface Draft {
  duration: DurationState;
  date: string;
  time: string;
  comment: string;
  adjust: Adjust;
  amount: DurationState;
  /** Attribute inputs by key: text for text, select and number fields, a boolean for checkboxes. */
  attributes: Record<string, string | boolean>;
}

export function IssuePanel({ compact = false }: { compact?: boolean }) {
  const { ctx } = useSession();
  const issue = ctx.issueKey ?? ctx.issueId;
  if (!issue) {
    return <div class="empty"><p class="empty-title">No issue</p><p>Open Worklogs from an issue to log time on it.</p></div>;
  }
  return <IssueWorklogs issue={issue} compact={compact} />;
}

function IssueWorklogs({ issue, compact }: { issue: string; compact: boolean }) {
  const session = useSession();
  const format = useFormat();
  const [list, reload] = useLoad(() => call('worklog.list', { issue }), [issue], 'worklog.list');
  const [attrs, reloadAttrs] = useLoad(() => call('attribute.list', {}), [], 'attribute.list');
  const defs = attrs.state === 'ready' ? attrs.value.attributes : [];
  const [editing, setEditing] = useState<Worklog | undefined>();
  const [notice, setNotice] = useState<string>();

  const mine = useMemo(() => {
    if (list.state !== 'ready') return 0;
    return list.value.worklogs
      .filter((w) => w.author.accountId === session.me.accountId)
      .reduce((a, w) => a + w.timeSpentSeconds, 0);
  }, [list, session.me.accountId]);

  const done = (message: string) => {
    setEditing(undefined);
    setNotice(message);
    reload();
  };

  return (
    <div class={`issue-panel${compact ? ' compact' : ''}`}>
      <header class="panel-header">
        <div>
          <h1 class="panel-title">Time on {issue}</h1>
          {list.state === 'ready' && (
            <p class="panel-sub" data-testid="totals">
              <span><strong>{format(list.value.totalSeconds)}</strong> logged</span>
              <span aria-hidden="true"> · </span>
              <span><strong>{format(mine)}</strong> by you</span>
              <span aria-hidden="true"> · </span>
              <span>{list.value.total} {list.value.total === 1 ? 'worklog' : 'worklogs'}</span>
            </p>
          )}
        </div>
      </header>
      <div role="status" aria-live="polite" class="notice-slot">
        {notice && <div class="banner banner-success"><span>{notice}</span>
          <Button appearance="subtle" aria-label="Dismiss" onClick={() => setNotice(undefined)}>✕</Button></div>}
      </div>
      {attrs.state === 'error' && <ErrorBanner error={attrs.error} onRetry={reloadAttrs} />}
      <IssueTimer issue={issue} defs={defs} compact={compact} onLogged={done} />
      <WorklogForm
        key={editing?.id ?? 'new'}
        defs={defs}
        issue={issue}
        editing={editing}
        onDone={done}
        onCancel={() => setEditing(undefined)}
      />
      <section aria-labelledby="worklogs-heading" class="section">
        <h2 id="worklogs-heading" class="section-title">Worklogs</h2>
        {list.state === 'loading' && <Spinner label="Loading worklogs" />}
        {list.state === 'error' && <ErrorBanner error={list.error} onRetry={reload} />}
        {list.state === 'ready' && (
          <WorklogTable list={list.value} issue={issue} defs={defs} onEdit={(w) => { setNotice(undefined); setEditing(w); }} onDeleted={done} />
        )}
      </section>
    </div>
  );
}

function blankDraft(timeZone: string, defaultTime: string, defs: Attribute[]): Draft {
  return {
    duration: { text: '' },
    date: todayIn(timeZone),
    time: defaultTime,
    comment: '',
    adjust: 'auto',
    amount: { text: '' },
    attributes: attributeDraft(defs),
  };
}

function WorklogForm({ issue, defs, editing, onDone, onCancel }: {
  issue: string; defs: Attribute[]; editing?: Worklog; onDone: (m: string) => void; onCancel: () => void;
}) {
  const { core, timeZone } = useSession();
  const format = useFormat();
  const first = useRef<HTMLDivElement>(null);
  const [draft, setDraft] = useState<Draft>(() =>
    editing
      ? {
          // Until the core loads, the fallback text; the field parses it when the core arrives.
          duration: parseDurationState(core, format(editing.timeSpentSeconds), false),
          date: dateOf(editing.started, timeZone),
          time: timeOf(editing.started, timeZone),
          comment: editing.comment,
          adjust: 'auto',
          amount: { text: '' },
          attributes: attributeDraft(defs, editing.attributes),
        }
      : blankDraft(timeZone, nowTime(timeZone), defs),
  );
  const [tried, setTried] = useState(false);
  const action = useAction();

  useEffect(() => {
    if (editing) first.current?.querySelector('input')?.focus();
  }, [editing]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const needsAmount = draft.adjust === 'new' || draft.adjust === 'manual';
  const durationError = !draft.duration.text.trim() ? 'Enter the time spent, such as 1h 30m.' : draft.duration.error;
  const amountError = needsAmount
    ? !draft.amount.text.trim() ? 'Enter an amount, such as 2h.' : draft.amount.error
    : undefined;
  const valid = !durationError && !amountError && draft.duration.seconds !== undefined && draft.date && draft.time;

  // The definitions may arrive after the form opened: fields not touched yet show the worklog's value.
  const attrDraft = { ...attributeDraft(defs, editing?.attributes), ...draft.attributes };

  const submit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (!valid || draft.duration.seconds === undefined) return;
    const seconds = draft.duration.seconds;
    const started = startedAt(draft.date, draft.time, timeZone);
    const amount = draft.amount.seconds ?? 0;
    // With definitions, the form's values are the worklog's whole set.
    const attributes = defs.length > 0 ? { attributes: attributeValues(defs, attrDraft) } : {};
    if (editing) {
      const estimate: UpdateEstimate =
        draft.adjust === 'new' ? { adjust: 'new', newEstimateSeconds: amount } : { adjust: draft.adjust === 'leave' ? 'leave' : 'auto' };
      const r = await action.run('worklog.update', () =>
        call('worklog.update', { issue, id: editing.id, started, seconds, comment: draft.comment, estimate, ...attributes }));
      if (r) onDone(`Saved: ${format(r.timeSpentSeconds)} on ${dateLabel(draft.date, 'en-GB', { day: 'numeric', month: 'short' })}.`);
    } else {
      const estimate: LogEstimate =
        draft.adjust === 'new' ? { adjust: 'new', newEstimateSeconds: amount }
          : draft.adjust === 'manual' ? { adjust: 'manual', reduceBySeconds: amount }
            : { adjust: draft.adjust };
      const r = await action.run('worklog.log', () =>
        call('worklog.log', { issue, started, seconds, ...(draft.comment.trim() ? { comment: draft.comment } : {}), estimate, ...attributes }));
      if (r) {
        setDraft(blankDraft(timeZone, draft.time, defs));
        setTried(false);
        onDone(`Logged ${format(r.timeSpentSeconds)} on ${issue}.`);
      }
    }
  };

  const attrErrors = attributeErrors(action.error);
  const setAttr = (key: string, value: string | boolean) => {
    // The component's error about this field no longer applies once it changes.
    if (attrErrors[key]) action.setError(undefined);
    setDraft((d) => ({ ...d, attributes: { ...d.attributes, [key]: value } }));
  };

  const adjustOptions: Array<{ id: Adjust; label: string }> = [
    { id: 'auto', label: 'Adjust automatically' },
    { id: 'leave', label: 'Leave unchanged' },
    { id: 'new', label: 'Set to' },
    ...(editing ? [] : [{ id: 'manual' as const, label: 'Reduce by' }]),
  ];

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="form-title">
      <h2 id="form-title" class="section-title">{editing ? 'Edit worklog' : 'Log time'}</h2>
      <div class="form-row" ref={first}>
        <DurationField
          id="duration" label="Time spent" value={draft.duration} required
          onInput={(duration) => set({ duration })} showErrors={tried}
        />
        <Field id="date" label="Date">
          <input id="date" class="input" type="date" required value={draft.date}
            onInput={(e) => set({ date: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="time" label="Start time">
          <input id="time" class="input" type="time" required step={60} value={draft.time}
            onInput={(e) => set({ time: (e.target as HTMLInputElement).value })} />
        </Field>
      </div>
      {tried && durationError && !draft.duration.text.trim() && <div class="field-error" role="alert">{durationError}</div>}
      <Field id="comment" label="Comment" class="field-wide">
        <textarea id="comment" class="input textarea" rows={2} value={draft.comment}
          placeholder="What did you work on?"
          onInput={(e) => set({ comment: (e.target as HTMLTextAreaElement).value })} />
      </Field>
      {defs.length > 0 && (
        <div class="form-row attribute-fields" data-testid="attribute-fields">
          {defs.map((d) => (
            <AttributeField key={d.key} def={d} value={attrDraft[d.key] ?? ''}
              error={attrErrors[d.key]} onInput={(v) => setAttr(d.key, v)} />
          ))}
        </div>
      )}
      <fieldset class="fieldset">
        <legend class="field-label">Remaining estimate</legend>
        <div class="radio-row">
          {adjustOptions.map((o) => (
            <label class="radio" key={o.id}>
              <input type="radio" name="adjust" value={o.id} checked={draft.adjust === o.id}
                onChange={() => set({ adjust: o.id })} />
              <span>{o.label}</span>
            </label>
          ))}
          {needsAmount && (
            <div class="amount">
              <DurationField
                id="amount" label={draft.adjust === 'new' ? 'New remaining estimate' : 'Reduce remaining estimate by'}
                value={draft.amount} allowZero={draft.adjust === 'new'} showErrors={tried}
                onInput={(amount) => set({ amount })} placeholder="e.g. 4h"
              />
            </div>
          )}
        </div>
      </fieldset>
      {action.error && <ErrorBanner error={action.error} onDismiss={() => action.setError(undefined)} />}
      <div class="form-actions">
        <Button appearance="primary" type="submit" busy={action.busy} disabled={!core}>
          {editing ? 'Save changes' : 'Log time'}
        </Button>
        {editing && <Button appearance="subtle" onClick={onCancel}>Cancel</Button>}
      </div>
    </form>
  );
}

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((p) => p[0]!.toUpperCase()).join('') || '?';
}

function WorklogTable({ list, issue, defs, onEdit, onDeleted }: {
  list: WorklogListOutput; issue: string; defs: Attribute[]; onEdit: (w: Worklog) => void; onDeleted: (m: string) => void;
}) {
  const { me, timeZone, locale } = useSession();
  const format = useFormat();
  const [confirming, setConfirming] = useState<string>();
  const action = useAction();
  const [deleteEstimate, setDeleteEstimate] = useState<'auto' | 'leave'>('auto');

  if (list.worklogs.length === 0) {
    return <p class="muted" data-testid="no-worklogs">No time logged on this issue yet.</p>;
  }
  const rows = [...list.worklogs].sort((a, b) => (a.started < b.started ? 1 : -1));

  const remove = async (w: Worklog) => {
    const estimate: DeleteEstimate = { adjust: deleteEstimate };
    const r = await action.run('worklog.delete', () => call('worklog.delete', { issue, id: w.id, estimate }));
    if (r) {
      setConfirming(undefined);
      onDeleted(`Deleted ${format(w.timeSpentSeconds)} logged by ${w.author.displayName}.`);
    }
  };

  return (
    <>
      {action.error && <ErrorBanner error={action.error} onDismiss={() => action.setError(undefined)} />}
      <table class="table worklog-table">
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">When</th>
            <th scope="col" class="num">Time</th>
            <th scope="col">Comment</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => {
            const date = dateOf(w.started, timeZone);
            return (
              <Fragment key={w.id}>
                <tr data-worklog={w.id}>
                  <td>
                    <span class="who">
                      <span class="avatar" aria-hidden="true">{initials(w.author.displayName)}</span>
                      <span>{w.author.displayName}{w.author.accountId === me.accountId && <span class="muted"> (you)</span>}</span>
                    </span>
                  </td>
                  <td class="nowrap">
                    {dateLabel(date, locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })}
                    <span class="muted"> {timeOf(w.started, timeZone)}</span>
                  </td>
                  <td class="num nowrap"><strong>{format(w.timeSpentSeconds)}</strong></td>
                  <td class="comment">
                    {w.comment ? <span class="comment-text">{w.comment}</span> : <span class="muted">—</span>}
                    {w.attributes && Object.keys(w.attributes).length > 0 && (
                      <span class="attribute-values" data-testid="worklog-attributes">
                        {Object.entries(w.attributes).map(([k, v]) => (
                          <Fragment key={k}> <Lozenge>{defs.find((d) => d.key === k)?.name ?? k}: {shownValue(v)}</Lozenge></Fragment>
                        ))}
                      </span>
                    )}
                    {w.visibility && <> <Lozenge tone="info">{w.visibility.type === 'role' ? 'Role' : 'Group'}: {w.visibility.value}</Lozenge></>}
                  </td>
                  <td class="actions nowrap">
                    <Button appearance="subtle" aria-label={`Edit ${format(w.timeSpentSeconds)} on ${date}`} onClick={() => onEdit(w)}>Edit</Button>
                    <Button appearance="subtle" aria-label={`Delete ${format(w.timeSpentSeconds)} on ${date}`}
                      onClick={() => setConfirming(w.id)}>Delete</Button>
                  </td>
                </tr>
                {confirming === w.id && (
                  <tr class="confirm-row">
                    <td colSpan={5}>
                      <div class="confirm" role="group" aria-label="Confirm delete">
                        <span>Delete {format(w.timeSpentSeconds)} logged by {w.author.displayName}? The remaining estimate</span>
                        <select class="input select-inline" aria-label="Remaining estimate after delete" value={deleteEstimate}
                          onChange={(e) => setDeleteEstimate((e.target as HTMLSelectElement).value as 'auto' | 'leave')}>
                          <option value="auto">grows back</option>
                          <option value="leave">stays as it is</option>
                        </select>
                        <Button appearance="danger" busy={action.busy} onClick={() => remove(w)} autoFocus>Delete</Button>
                        <Button appearance="subtle" onClick={() => setConfirming(undefined)}>Cancel</Button>
                      </div>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
