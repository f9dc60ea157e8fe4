// The timesheet's data: the week's rows (issues) and the acting user's worklogs
// on each day. With `timesheet.week` (the worklog index) it is one call, which
// also decides the week's days (the site's week start, the person's zone) and
// the hours required each day; with a component without it, the rows are the
// issues the person put on their timesheet (remembered in this browser) and each
// row's worklogs come from `worklog.list`, filtered to the person and the week.
import { call } from '../api/client';
import { AppError } from '../api/errors';
import type { IssueSummary, Worklog } from '../api/types.gen';
import { dateOf } from './time';

export interface Row {
  issue: string;
  summary?: string;
  /** Worklogs of the person on this issue, by local date (only the week's dates). */
  cells: Record<string, Worklog[]>;
}

export interface Week {
  days: string[];
  rows: Row[];
  /** Where the rows come from: the index, or the rows remembered here. */
  source: 'index' | 'remembered';
  /** The person's zone, as the component answers it. */
  timeZone?: string;
  requiredSeconds?: number[];
  /** The holiday's name on each day, from the schedule. */
  holidays?: Array<string | undefined>;
  /** What each day lacks, as the component decides it (0 for days to come). */
  shortSeconds?: number[];
}

const KEY_RE = /^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/;
export const isIssueKey = (s: string) => KEY_RE.test(s);

// --- Rows remembered in this browser, per person and week start.
const storeKey = (accountId: string) => `worklogs:timesheet:${accountId}`;

function readStore(accountId: string): Record<string, string[]> {
  try {
    const raw = localStorage.getItem(storeKey(accountId));
    const parsed = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

export function rememberedRows(accountId: string, weekStart: string): string[] {
  const rows = readStore(accountId)[weekStart];
  return Array.isArray(rows) ? rows.filter((r) => typeof r === 'string' && isIssueKey(r)) : [];
}

export function rememberRows(accountId: string, weekStart: string, rows: string[]): void {
  try {
    const store = readStore(accountId);
    store[weekStart] = [...new Set(rows)];
    localStorage.setItem(storeKey(accountId), JSON.stringify(store));
  } catch {
    // Storage may be off (private windows): rows then last as long as the page.
  }
}

// --- Worklogs of an issue, cached for the page's life; writes invalidate.
const lists = new Map<string, Promise<Worklog[]>>();

export function issueWorklogs(issue: string): Promise<Worklog[]> {
  let p = lists.get(issue);
  if (!p) {
    p = call('worklog.list', { issue }).then((r) => r.worklogs);
    p.catch(() => lists.delete(issue));
    lists.set(issue, p);
  }
  return p;
}

export function forgetIssue(issue: string): void {
  lists.delete(issue);
}

let indexMissing = false;

/** The week holding `date` for the acting user, or for `of` (a reviewer's read-only view); `days`, the
 * browser's guess of it, when the index is missing. */
export async function loadWeek(
  date: string, days: string[], accountId: string, timeZone: string, of?: string,
): Promise<Week> {
  if (!indexMissing || of) {
    try {
      // The week holding `date` itself: `days` is the browser's guess, in the
      // locale's week, whose first day can lie in the site's week before.
      const r = await call('timesheet.week', { date, ...(of ? { accountId: of } : {}) });
      // The component's week: its start and zone may differ from the browser's guess.
      const weekDays = r.days.map((d) => d.date);
      const keys = new Set(r.rows.map((row) => row.issue.key));
      const extra = rememberedRows(accountId, weekDays[0]!).filter((k) => !keys.has(k));
      const rows: Row[] = r.rows.map((row) => toRow(row.issue, row.worklogs, weekDays, r.accountId, r.timeZone));
      for (const k of extra) rows.push(toRow({ id: '', key: k, summary: '' }, [], weekDays, r.accountId, r.timeZone));
      return {
        days: weekDays,
        rows,
        source: 'index',
        timeZone: r.timeZone,
        requiredSeconds: r.days.map((d) => d.requiredSeconds),
        holidays: r.days.map((d) => d.holiday),
        shortSeconds: r.days.map((d) => d.shortSeconds),
      };
    } catch (e) {
      if (!(e instanceof AppError && e.unavailable)) throw e;
      indexMissing = true;
    }
  }
  const keys = rememberedRows(accountId, days[0]!);
  const rows = await Promise.all(keys.map((k) => rowFromList(k, days, accountId, timeZone)));
  return { days, rows, source: 'remembered' };
}

export async function rowFromList(issue: string, days: string[], accountId: string, timeZone: string): Promise<Row> {
  const worklogs = await issueWorklogs(issue);
  return toRow({ id: '', key: issue, summary: '' }, worklogs, days, accountId, timeZone);
}

function toRow(issue: IssueSummary, worklogs: Worklog[], days: string[], accountId: string, timeZone: string): Row {
  const cells: Record<string, Worklog[]> = {};
  const inWeek = new Set(days);
  for (const w of worklogs) {
    if (w.author.accountId !== accountId) continue;
    const d = dateOf(w.started, timeZone);
    if (!inWeek.has(d)) continue;
    (cells[d] ??= []).push(w);
  }
  for (const list of Object.values(cells)) list.sort((a, b) => (a.started < b.started ? -1 : 1));
  return { issue: issue.key, summary: issue.summary || undefined, cells };
}

export const cellSeconds = (ws: Worklog[] | undefined) => (ws ?? []).reduce((a, w) => a + w.timeSpentSeconds, 0);

/** Said after the person's time changed here, for views that show totals of it. */
export const TIME_CHANGED = 'worklogs:time-changed';

/** Where the change was made: views that made it themselves need not read again. */
export type TimeChangeSource = 'timesheet' | 'timer';

export function announceTimeChanged(source: TimeChangeSource = 'timesheet'): void {
  window.dispatchEvent(new CustomEvent(TIME_CHANGED, { detail: { source } }));
}

/** The source of a TIME_CHANGED event. */
export function timeChangeSource(e: Event): TimeChangeSource | undefined {
  return (e as CustomEvent<{ source?: TimeChangeSource }>).detail?.source;
}

/** Each day's short seconds of the week from `weekStart`, as the component has them now. */
export async function shortOfWeek(weekStart: string): Promise<number[]> {
  const r = await call('timesheet.week', { date: weekStart });
  return r.days.map((d) => d.shortSeconds);
}
