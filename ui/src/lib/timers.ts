// The acting person's timers, shared by every view in the page (the issue panel,
// the glance, the global page's bar and the timesheet's rows): one list from
// `timer.list`, read again after each change, every 30 seconds while shown, and
// when the tab comes back into view (a timer started in another tab or by an
// automation shows up). The running time ticks locally between reads, from the
// component's `elapsedSeconds` (the component decides; the page only counts on).
import { useEffect, useState } from 'preact/hooks';
import { call, type In, type Out } from '../api/client';
import { toAppError, type AppError } from '../api/errors';

export type TimerList = Out<'timer.list'>;
export type Timer = TimerList['timers'][number];
export type Other = NonNullable<In<'timer.start'>['other']>;

interface Snapshot {
  list?: TimerList;
  /** `Date.now()` when the list was read: running timers count on from it. */
  readAt: number;
  error?: AppError;
}

const POLL_MS = 30_000;
let snapshot: Snapshot = { readAt: 0 };
const listeners = new Set<(s: Snapshot) => void>();
let poll: ReturnType<typeof setInterval> | undefined;
let reading: Promise<void> | undefined;

function publish(next: Snapshot) {
  snapshot = next;
  for (const l of listeners) l(snapshot);
}

/** Reads the list again (one read at a time; callers share it). */
export function refreshTimers(): Promise<void> {
  reading ??= call('timer.list', {}).then(
    (list) => publish({ list, readAt: Date.now() }),
    (e) => publish({ ...snapshot, error: toAppError('timer.list', e) }),
  ).finally(() => { reading = undefined; });
  return reading;
}

const onVisible = () => { if (document.visibilityState === 'visible') void refreshTimers(); };

function subscribe(listener: (s: Snapshot) => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    void refreshTimers();
    poll = setInterval(() => void refreshTimers(), POLL_MS);
    document.addEventListener('visibilitychange', onVisible);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(poll);
      document.removeEventListener('visibilitychange', onVisible);
    }
  };
}

/** The timers, re-rendering on every read and, while one runs, every second. */
export function useTimers() {
  const [state, setState] = useState(snapshot);
  const [, setTick] = useState(0);
  useEffect(() => subscribe(setState), []);
  const running = state.list?.timers.some((t) => t.state === 'running') ?? false;
  useEffect(() => {
    if (!running) return undefined;
    const id = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [running]);
  return state;
}

/** A timer's running time now: the component's figure, plus the seconds since it was read while it runs. */
export function elapsedNow(timer: Timer, readAt: number, now = Date.now()): number {
  const since = timer.state === 'running' ? Math.max(0, Math.floor((now - readAt) / 1000)) : 0;
  return timer.elapsedSeconds + since;
}

/** A running time as a clock: 0:07:05, 12:00:00. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The timer on an issue (by key or id), if the person has one. */
export function timerOn(list: TimerList | undefined, issue: string): Timer | undefined {
  return list?.timers.find((t) => t.issue.key === issue || t.issue.id === issue);
}

/** The person's running timer, if any. */
export function runningTimer(list: TimerList | undefined): Timer | undefined {
  return list?.timers.find((t) => t.state === 'running');
}

/** Runs a timer operation, then reads the list again (whatever the answer). */
export async function timerAction<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } finally {
    await refreshTimers();
  }
}
