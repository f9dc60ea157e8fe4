// Timers in the page: the timer of one issue (the issue panel and the glance),
// the person's timers on the global page, and a start button for the timesheet's
// rows. Every rule (one running timer, the site's rounding, the forgotten-timer
// limit, who may log on the issue) is the component's: the page offers the
// choices the component asks for and shows its answers.
import { useState } from 'preact/hooks';
import { call } from '../api/client';
import type { AppError } from '../api/errors';
import type { Attribute } from '../api/types.gen';
import { useAction } from '../lib/hooks';
import { useFormat, useSession } from '../lib/session';
import { dateLabel, dateOf, timeOf } from '../lib/time';
import { announceTimeChanged } from '../lib/timesheet';
import {
  clock, elapsedNow, runningTimer, timerAction, timerOn, useTimers,
  type Other, type Timer, type TimerList,
} from '../lib/timers';
import { AttributeField, attributeDraft, attributeErrors, attributeValues } from './Attributes';
import { Button, ErrorBanner, Field, Lozenge, Spinner } from './ui';

/** The rule in words: "up to 15 minutes", or none. */
function ruleText(list: TimerList): string | undefined {
  const r = list.rounding;
  if (r.mode === 'none') return undefined;
  return `${r.mode === 'nearest' ? 'to the nearest' : r.mode} ${r.incrementMinutes} ${r.incrementMinutes === 1 ? 'minute' : 'minutes'}`;
}

function StateLozenge({ timer }: { timer: Timer }) {
  if (timer.state === 'running') return <Lozenge tone="success">Running</Lozenge>;
  if (timer.state === 'paused') return <Lozenge>Paused</Lozenge>;
  return <Lozenge tone="warning">Stopped: needs you</Lozenge>;
}

/** When a forgotten timer was stopped and why, in words. */
function ForgottenNote({ timer }: { timer: Timer }) {
  const { timeZone, locale } = useSession();
  if (timer.state !== 'forgotten' || !timer.stopAt) return null;
  const when = `${dateLabel(dateOf(timer.stopAt, timeZone), locale, { weekday: 'short', day: 'numeric', month: 'short' })} ${timeOf(timer.stopAt, timeZone)}`;
  const why = timer.stopReason === 'midnight' ? 'it ran past midnight' : 'it reached the site\'s limit';
  return (
    <p class="timer-note" data-testid="timer-forgotten">
      Stopped at {when} because {why}. Nothing was logged: log its time or discard it.
    </p>
  );
}

/** The question when another timer runs: pause it or stop and log it. */
function OtherChoice({ running, readAt, busy, onChoose, onCancel }: {
  running: Timer; readAt: number; busy: boolean; onChoose: (o: Other) => void; onCancel: () => void;
}) {
  return (
    <div class="confirm timer-choice" role="group" aria-label="Another timer is running" data-testid="timer-choice">
      <span>A timer is running on <strong>{running.issue.key}</strong> ({clock(elapsedNow(running, readAt))}).</span>
      <Button busy={busy} onClick={() => onChoose('pause')} autoFocus>Pause it</Button>
      <Button busy={busy} onClick={() => onChoose('stop')}>Stop and log it</Button>
      <Button appearance="subtle" onClick={onCancel}>Cancel</Button>
    </div>
  );
}

/** What stopping a timer did, in words. */
function stoppedMessage(r: { action: string; elapsedSeconds: number; loggedSeconds?: number }, issue: string, format: (s: number) => string): string {
  if (r.action !== 'log' || r.loggedSeconds === undefined) return `Discarded the timer on ${issue}.`;
  const rounded = r.loggedSeconds !== r.elapsedSeconds ? ` (ran ${format(r.elapsedSeconds)}, rounded by the site's rule)` : '';
  return `Logged ${format(r.loggedSeconds)} on ${issue}${rounded}.`;
}

/**
 * One timer's controls: pause or resume, stop and log, discard (asked once),
 * and its comment and attributes, saved while it runs.
 */
function TimerControls({ timer, readAt, defs, compact, onStopped }: {
  timer: Timer; readAt: number; defs: Attribute[]; compact?: boolean; onStopped: (message: string) => void;
}) {
  const format = useFormat();
  const { list } = useTimers();
  const action = useAction();
  const [choosing, setChoosing] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const [comment, setComment] = useState(timer.comment);
  const [attrs, setAttrs] = useState(() => attributeDraft(defs, timer.attributes as never));
  const [dirty, setDirty] = useState(false);
  const other = runningTimer(list);

  const resume = async (choice?: Other) => {
    const r = await action.run('timer.resume', () =>
      timerAction(() => call('timer.resume', { id: timer.id, ...(choice ? { other: choice } : {}) })));
    if (r) {
      setChoosing(false);
      if (r.stopped?.worklog) announceTimeChanged('timer');
    }
  };
  const pause = () => action.run('timer.pause', () => timerAction(() => call('timer.pause', { id: timer.id })));
  const save = async () => {
    const attributes = defs.length > 0 ? { attributes: attributeValues(defs, { ...attributeDraft(defs, timer.attributes as never), ...attrs }) } : {};
    const r = await action.run('timer.update', () => timerAction(() => call('timer.update', { id: timer.id, comment, ...attributes })));
    if (r) setDirty(false);
  };
  const stop = async (how: 'log' | 'discard') => {
    if (how === 'log' && dirty) await save();
    const r = await action.run('timer.stop', () => timerAction(() => call('timer.stop', { id: timer.id, action: how })));
    if (r) {
      if (r.worklog) announceTimeChanged('timer');
      onStopped(stoppedMessage(r, timer.issue.key, format));
    }
  };

  const elapsed = elapsedNow(timer, readAt);
  const attrErrors = attributeErrors(action.error);
  const canResume = timer.state === 'paused';
  return (
    <div class={`timer timer-${timer.state}`} data-testid="timer" data-timer={timer.id} data-state={timer.state}>
      <div class="timer-head">
        <span class="timer-clock" role="timer" aria-label={`Running time ${format(elapsed)}`} data-testid="timer-clock">{clock(elapsed)}</span>
        <StateLozenge timer={timer} />
        {list && ruleText(list) && <span class="muted timer-rule">Rounded {ruleText(list)} when logged</span>}
      </div>
      <ForgottenNote timer={timer} />
      {action.error && <ErrorBanner error={action.error} onDismiss={() => action.setError(undefined)} />}
      {choosing && other && (
        <OtherChoice running={other} readAt={readAt} busy={action.busy}
          onChoose={(o) => void resume(o)} onCancel={() => setChoosing(false)} />
      )}
      <div class="timer-actions">
        {timer.state === 'running' && <Button busy={action.busy} onClick={pause}>Pause</Button>}
        {canResume && <Button busy={action.busy} onClick={() => (other && other.id !== timer.id ? setChoosing(true) : void resume())}>Resume</Button>}
        <Button appearance="primary" busy={action.busy} onClick={() => stop('log')}>
          {timer.state === 'forgotten' ? `Log ${format(elapsed)}` : 'Stop and log'}
        </Button>
        {!discarding && <Button appearance="subtle" onClick={() => setDiscarding(true)}>Discard</Button>}
        {discarding && (
          <span class="confirm" role="group" aria-label="Confirm discard">
            <span>Discard {format(elapsed)} without logging?</span>
            <Button appearance="danger" busy={action.busy} onClick={() => stop('discard')} autoFocus>Discard</Button>
            <Button appearance="subtle" onClick={() => setDiscarding(false)}>Keep</Button>
          </span>
        )}
      </div>
      {!compact && (
        <div class="timer-details">
          <Field id={`timer-comment-${timer.id}`} label="Comment" class="field-wide">
            <textarea id={`timer-comment-${timer.id}`} class="input textarea" rows={2} value={comment}
              placeholder="What are you working on?"
              onInput={(e) => { setComment((e.target as HTMLTextAreaElement).value); setDirty(true); }} />
          </Field>
          {defs.length > 0 && (
            <div class="form-row attribute-fields">
              {defs.map((d) => (
                <AttributeField key={d.key} def={d} value={attrs[d.key] ?? ''} error={attrErrors[d.key]}
                  onInput={(v) => { setAttrs((a) => ({ ...a, [d.key]: v })); setDirty(true); }} />
              ))}
            </div>
          )}
          {dirty && <Button busy={action.busy} onClick={save}>Save comment</Button>}
        </div>
      )}
    </div>
  );
}

/** Starts a timer on `issue`; when another runs, asks whether to pause it or stop and log it. */
function useStart(issue: string) {
  const action = useAction();
  const [asking, setAsking] = useState(false);
  const start = async (other?: Other) => {
    let conflict: AppError | undefined;
    const r = await action.run('timer.start', () =>
      timerAction(() => call('timer.start', { issue, ...(other ? { other } : {}) })).catch((e) => {
        conflict = e?.code === 'conflict' && !other ? e : undefined;
        throw e;
      }));
    if (r) {
      setAsking(false);
      if (r.stopped?.worklog) announceTimeChanged('timer');
    } else if (conflict) {
      // The component refused because another timer runs: ask, rather than show an error.
      action.setError(undefined);
      setAsking(true);
    }
    return r;
  };
  return { action, asking, setAsking, start };
}

/** The timer of one issue: start it, or its controls. */
export function IssueTimer({ issue, defs, compact, onLogged }: {
  issue: string; defs: Attribute[]; compact?: boolean; onLogged: (message: string) => void;
}) {
  const { list, readAt, error } = useTimers();
  const { action, asking, setAsking, start } = useStart(issue);
  const timer = timerOn(list, issue);
  const running = runningTimer(list);
  if (!list) {
    return error ? <ErrorBanner error={error} /> : <Spinner label="Loading your timer" />;
  }
  return (
    <section class="card timer-card" aria-labelledby="timer-heading" data-testid="issue-timer">
      <h2 id="timer-heading" class="section-title">Timer</h2>
      {timer ? (
        <TimerControls key={timer.id} timer={timer} readAt={readAt} defs={defs} compact={compact} onStopped={onLogged} />
      ) : (
        <>
          {action.error && <ErrorBanner error={action.error} onDismiss={() => action.setError(undefined)} />}
          {asking && running ? (
            <OtherChoice running={running} readAt={readAt} busy={action.busy}
              onChoose={(o) => void start(o)} onCancel={() => setAsking(false)} />
          ) : (
            <div class="timer-actions">
              <Button appearance="primary" busy={action.busy} onClick={() => void start()}>Start timer</Button>
              {running && <span class="muted">A timer runs on {running.issue.key} ({clock(elapsedNow(running, readAt))}).</span>}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** A small start button for a row (the timesheet): its issue's timer state, or start. */
/** ▶ on a timesheet row; `locked` (why) when today's period is locked, so a timer could log nothing. */
export function StartTimerButton({ issue, label, locked }: { issue: string; label: string; locked?: string }) {
  const { list, readAt } = useTimers();
  const { action, asking, setAsking, start } = useStart(issue);
  const timer = timerOn(list, issue);
  const running = runningTimer(list);
  if (timer) {
    return <span class="timer-inline" data-testid="row-timer" title={`Timer ${timer.state}`}>⏱ {clock(elapsedNow(timer, readAt))}</span>;
  }
  return (
    <span class="timer-inline">
      <Button appearance="subtle" busy={action.busy} disabled={!!locked} title={locked}
        aria-label={`Start a timer on ${label}${locked ? ' (locked)' : ''}`} onClick={() => void start()}>▶</Button>
      {asking && running && (
        <OtherChoice running={running} readAt={readAt} busy={action.busy}
          onChoose={(o) => void start(o)} onCancel={() => setAsking(false)} />
      )}
      {action.error && <ErrorBanner error={action.error} onDismiss={() => action.setError(undefined)} />}
    </span>
  );
}

/** The person's timers on the global page: running first, then those that need them, then paused. */
export function TimerBar({ onLogged }: { onLogged?: () => void }) {
  const { list, readAt, error } = useTimers();
  const [notice, setNotice] = useState<string>();
  if (error && !list) return <ErrorBanner error={error} />;
  if (!list) return null;
  const order = { running: 0, forgotten: 1, paused: 2 } as Record<string, number>;
  const timers = [...list.timers].sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3));
  return (
    <section class="timer-bar" aria-label="Your timers" data-testid="timer-bar">
      <div role="status" aria-live="polite">
        {notice && <div class="banner banner-success"><span>{notice}</span>
          <Button appearance="subtle" aria-label="Dismiss" onClick={() => setNotice(undefined)}>✕</Button></div>}
      </div>
      {timers.length === 0 ? (
        <p class="muted" data-testid="no-timers">No timer running. Start one from an issue or a timesheet row.</p>
      ) : (
        <ul class="timer-list">
          {timers.map((t) => (
            <li key={t.id} class="timer-item">
              <span class="timer-issue"><strong>{t.issue.key}</strong></span>
              <TimerControls timer={t} readAt={readAt} defs={[]} compact
                onStopped={(m) => { setNotice(m); onLogged?.(); }} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
