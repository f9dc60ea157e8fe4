// My timesheet: a week of issues × days in the person's zone and week start.
// Keyboard: arrows move between cells, Enter (or typing) edits, Enter saves,
// Tab saves and moves right, Escape cancels. Days of a submitted or approved
// period are locked (read-only, with the reason); with `person`, the grid is a
// reviewer's read-only view of someone else's week.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { call } from '../api/client';
import type { Status } from '../api/approvals';
import { isLocked, lockReason } from '../lib/approvals';
import { AppError, toAppError } from '../api/errors';
import type { Worklog } from '../api/types.gen';
import { StartTimerButton } from '../components/Timer';
import { PeriodStatus } from '../components/PeriodStatus';
import { Picker } from '../components/Picker';
import { Button, ErrorBanner, Field, Spinner } from '../components/ui';
import { coreError } from '../core';
import { useLoad } from '../lib/hooks';
import { useFormat, useSession } from '../lib/session';
import { addDays, dateLabel, firstDayOfWeek, isWeekend, startedAt, todayIn, weekOf } from '../lib/time';
import {
  announceTimeChanged, cellSeconds, forgetIssue, isIssueKey, loadWeek, rememberRows, rememberedRows, rowFromList,
  shortOfWeek, TIME_CHANGED, timeChangeSource, type Row, type Week,
} from '../lib/timesheet';

interface Pos { r: number; c: number }
interface Editing extends Pos {
  text: string;
  error?: string;
  saving?: boolean;
  /** The text is selected: typing replaces it (an edit started with Enter or F2). */
  replace?: boolean;
}

/** Someone else's week, read-only: a reviewer's view from the Approvals view. */
export interface Viewed { accountId: string; displayName: string }

export function Timesheet({ person, start }: { person?: Viewed; start?: string } = {}) {
  const session = useSession();
  const { me, timeZone, locale, settings } = session;
  const firstDay = useMemo(() => firstDayOfWeek(locale), [locale]);
  const [anchor, setAnchor] = useState(() => start ?? todayIn(timeZone));
  const days = useMemo(() => weekOf(anchor, firstDay), [anchor, firstDay]);
  const [week, reload, setWeek] = useLoad(
    () => loadWeek(anchor, days, person?.accountId ?? me.accountId, timeZone, person?.accountId), [anchor, person?.accountId], 'timesheet.week');
  // Time logged elsewhere on the page (a timer stopped in the bar above) shows here too.
  useEffect(() => {
    const onChange = (e: Event) => { if (timeChangeSource(e) !== 'timesheet') reload(); };
    window.addEventListener(TIME_CHANGED, onChange);
    return () => window.removeEventListener(TIME_CHANGED, onChange);
  }, [reload]);

  // The days shown are the component's once loaded (the site's week start).
  const shown = week.state === 'ready' ? week.value.days : days;
  // The approval periods the week's days are in (one, or two where a month ends mid-week).
  // Read again after any change of time (their logged figures) or of state.
  const [periods, setPeriods] = useState<Status[]>([]);
  const [periodsRead, setPeriodsRead] = useState(0);
  useEffect(() => {
    const again = () => setPeriodsRead((n) => n + 1);
    window.addEventListener(TIME_CHANGED, again);
    return () => window.removeEventListener(TIME_CHANGED, again);
  }, []);
  useEffect(() => {
    let live = true;
    loadPeriods(shown[0]!, shown[6]!, person?.accountId).then((p) => { if (live) setPeriods(p); }, () => { if (live) setPeriods([]); });
    return () => { live = false; };
  }, [shown[0], shown[6], person?.accountId, periodsRead]);
  const lock = (date: string) => {
    const p = periods.find((x) => x.start <= date && date <= x.end);
    return p && isLocked(p.state) ? lockReason(p.state, p.start, p.end) : undefined;
  };
  const label = `${dateLabel(shown[0]!, locale, { day: 'numeric', month: 'short' })} – ${dateLabel(shown[6]!, locale, { day: 'numeric', month: 'short', year: 'numeric' })}`;
  const today = todayIn(timeZone);

  return (
    <div class="timesheet">
      <div class="toolbar">
        <div class="toolbar-group" role="group" aria-label="Week">
          <Button aria-label="Previous week" onClick={() => setAnchor(addDays(shown[0]!, -7))}>‹</Button>
          <Button onClick={() => setAnchor(today)} disabled={shown.includes(today)}>This week</Button>
          <Button aria-label="Next week" onClick={() => setAnchor(addDays(shown[0]!, 7))}>›</Button>
          <h2 class="week-label" aria-live="polite" data-testid="week-label">{label}</h2>
        </div>
        <span class="muted small">{person ? `${person.displayName}'s week, read-only · ` : ''}Times in {week.state === 'ready' && week.value.timeZone ? week.value.timeZone : timeZone}</span>
      </div>
      {!person && periods.map((p) => (
        <PeriodStatus key={p.start} status={p}
          onChange={(next) => setPeriods(periods.map((x) => (x.start === p.start ? next : x)))} />
      ))}
      {week.state === 'loading' && <Spinner label="Loading your week" />}
      {week.state === 'error' && <ErrorBanner error={week.error} onRetry={reload} />}
      {week.state === 'ready' && (
        <Grid
          key={shown[0]}
          week={week.value}
          today={today}
          hoursPerDay={settings.hoursPerDay}
          setWeek={(w) => setWeek({ state: 'ready', value: w })}
          lock={lock}
          readOnly={person ? `${person.displayName}'s time is read-only here.` : undefined}
        />
      )}
    </div>
  );
}

/** The approval periods holding `first` and `last` (one call when they share one). */
async function loadPeriods(first: string, last: string, accountId?: string): Promise<Status[]> {
  const who = accountId ? { accountId } : {};
  const a = await call('approval.status', { ...who, date: first });
  if (a.end >= last) return [a];
  return [a, await call('approval.status', { ...who, date: last })];
}

function Grid({ week, today, hoursPerDay, setWeek, lock, readOnly }: {
  week: Week; today: string; hoursPerDay: number; setWeek: (w: Week) => void;
  /** Why a day cannot be edited (its period is submitted or approved), or undefined. */
  lock: (date: string) => string | undefined;
  /** Why no cell can be edited (someone else's week), or undefined. */
  readOnly?: string;
}) {
  const { me, timeZone, locale, core } = useSession();
  // A timesheet counts in hours (8h, 1.5h), whatever the site's display style.
  const format = useFormat('hours');
  const [focus, setFocus] = useState<Pos>({ r: 0, c: 0 });
  const [editing, setEditingState] = useState<Editing>();
  // The latest edit, read by key handlers: keys typed between starting an edit and
  // the editor taking focus reach the cell, and must not be lost.
  const editingRef = useRef<Editing>();
  const setEditing = (next: Editing | undefined) => {
    editingRef.current = next;
    setEditingState(next);
  };
  const [error, setError] = useState<AppError>();
  const [message, setMessage] = useState<string>();
  const table = useRef<HTMLTableElement>(null);
  const { days, rows } = week;
  const weekStart = days[0]!;

  // Required time: from the schedule when the index gives it, else hoursPerDay on Monday–Friday.
  const required = week.requiredSeconds ?? days.map((d) => (isWeekend(d) ? 0 : Math.round(hoursPerDay * 3600)));
  const dayTotals = days.map((d) => rows.reduce((a, r) => a + cellSeconds(r.cells[d]), 0));
  // Short days are the component's answer (timesheet.week): asked again after each write.
  const [short, setShort] = useState(week.shortSeconds);
  useEffect(() => setShort(week.shortSeconds), [week.shortSeconds]);
  const refreshShort = () => {
    if (week.source !== 'index') return;
    shortOfWeek(weekStart).then(setShort, () => {});
  };
  const shortLabel = (c: number) => (short?.[c] ? `short by ${format(short[c]!)}` : '');
  const weekTotal = dayTotals.reduce((a, b) => a + b, 0);
  const weekRequired = required.reduce((a, b) => a + b, 0);

  // Focus moves at once when the cell is there (keys typed right after an arrow
  // must reach the new cell), else after the next render.
  const focusCell = (p: Pos) => {
    setFocus(p);
    const find = () => table.current?.querySelector<HTMLElement>(`[data-cell="${p.r}-${p.c}"]`);
    const cell = find();
    if (cell && !editingRef.current) cell.focus();
    else requestAnimationFrame(() => find()?.focus());
  };

  const setRows = (next: Row[]) => {
    setWeek({ ...week, rows: next });
    rememberRows(me.accountId, weekStart, next.map((r) => r.issue));
  };

  const addRows = async (keys: string[]) => {
    const fresh = keys.filter((k) => !rows.some((r) => r.issue === k));
    if (!fresh.length) return 0;
    const added = await Promise.all(fresh.map((k) => rowFromList(k, days, me.accountId, timeZone)));
    setRows([...rows, ...added]);
    return added.length;
  };

  const save = async (e: Editing): Promise<boolean> => {
    const row = rows[e.r]!;
    const date = days[e.c]!;
    const existing = row.cells[date] ?? [];
    const before = cellSeconds(existing);
    let seconds = 0;
    if (e.text.trim() !== '') {
      if (!core) return false;
      try {
        seconds = core.parse(e.text);
      } catch (err) {
        setEditing({ ...e, error: coreError(err).message });
        return false;
      }
    }
    if (seconds === before) {
      setEditing(undefined);
      return true;
    }
    setEditing({ ...e, saving: true, error: undefined });
    setError(undefined);
    try {
      const cell = await writeCell(row.issue, date, existing, seconds, dayTotals[e.c]! - before, timeZone, format);
      forgetIssue(row.issue);
      const next = rows.map((r, i) => (i === e.r ? { ...r, cells: { ...r.cells, [date]: cell } } : r));
      setRows(next);
      refreshShort();
      announceTimeChanged();
      setEditing(undefined);
      setMessage(`${row.issue}, ${dateLabel(date, locale, { weekday: 'long', day: 'numeric', month: 'short' })}: ${seconds ? format(seconds) : 'cleared'}.`);
      return true;
    } catch (err) {
      const appErr = toAppError('worklog.log', err);
      setEditing({ ...e, saving: false, error: appErr.code === 'cell' ? appErr.detail : undefined });
      if (appErr.code !== 'cell') setError(appErr);
      return false;
    }
  };

  const onCellKey = (ev: KeyboardEvent, p: Pos) => {
    const pending = editingRef.current;
    if (pending) {
      if (ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();
        setEditing({ ...pending, text: pending.replace ? ev.key : pending.text + ev.key, replace: false, error: undefined });
      } else if (ev.key === 'Backspace') {
        ev.preventDefault();
        setEditing({ ...pending, text: pending.replace ? '' : pending.text.slice(0, -1), replace: false, error: undefined });
      } else {
        onEditKey(ev);
      }
      return;
    }
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
    };
    const m = moves[ev.key];
    if (m) {
      ev.preventDefault();
      focusCell({ r: Math.max(0, Math.min(rows.length - 1, p.r + m[0])), c: Math.max(0, Math.min(6, p.c + m[1])) });
      return;
    }
    if (ev.key === 'Home') { ev.preventDefault(); focusCell({ r: p.r, c: 0 }); return; }
    if (ev.key === 'End') { ev.preventDefault(); focusCell({ r: p.r, c: 6 }); return; }
    const locked = readOnly ?? lock(days[p.c]!);
    if (locked) {
      // Keys that would edit say why they cannot.
      if (ev.key === 'Enter' || ev.key === 'F2' || ev.key === 'Delete' || ev.key === 'Backspace'
        || (ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey)) {
        ev.preventDefault();
        setMessage(locked);
      }
      return;
    }
    const current = cellSeconds(rows[p.r]!.cells[days[p.c]!]);
    if (ev.key === 'Enter' || ev.key === 'F2') {
      ev.preventDefault();
      setEditing({ ...p, text: current ? format(current) : '', replace: true });
      return;
    }
    if (ev.key === 'Delete' || ev.key === 'Backspace') {
      ev.preventDefault();
      setEditing({ ...p, text: '' });
      return;
    }
    if (ev.key.length === 1 && /[0-9.,a-zA-Z]/.test(ev.key) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      setEditing({ ...p, text: ev.key });
    }
  };

  const onEditKey = async (ev: KeyboardEvent) => {
    const editing = editingRef.current;
    if (!editing || editing.saving) return;
    if (ev.key === 'Escape') {
      ev.preventDefault();
      const p = { r: editing.r, c: editing.c };
      setEditing(undefined);
      focusCell(p);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      const p = { r: editing.r, c: editing.c };
      if (await save(editing)) focusCell(p);
    } else if (ev.key === 'Tab') {
      ev.preventDefault();
      const p = { r: editing.r, c: editing.c };
      const dir = ev.shiftKey ? -1 : 1;
      if (await save(editing)) focusCell({ r: p.r, c: Math.max(0, Math.min(6, p.c + dir)) });
    }
  };

  const removeRow = (i: number) => {
    setRows(rows.filter((_, j) => j !== i));
    focusCell({ r: Math.max(0, Math.min(focus.r, rows.length - 2)), c: focus.c });
  };

  return (
    <>
      <div role="status" aria-live="polite" class="sr-status">{message}</div>
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      <div class="grid-wrap">
        <table class="table ts-grid" role="grid" ref={table} aria-label="Timesheet" aria-rowcount={rows.length + 2}>
          <thead>
            <tr>
              <th scope="col" class="ts-issue-col">Issue</th>
              {days.map((d, c) => (
                <th scope="col" key={d} class={`num ts-day${isWeekend(d) ? ' weekend' : ''}${d === today ? ' today' : ''}${short?.[c] ? ' short' : ''}`}
                  data-testid={`day-head-${c}`}>
                  <span class="ts-dow">{dateLabel(d, locale, { weekday: 'short' })}</span>
                  <span class="ts-date">{dateLabel(d, locale, { day: 'numeric', month: 'short' })}</span>
                  {week.holidays?.[c] && <span class="ts-holiday small muted" data-testid="holiday">{week.holidays[c]}</span>}
                  {short?.[c] ? <span class="ts-short-flag small" data-testid={`short-flag-${c}`}><span aria-hidden="true">! </span>Short</span> : null}
                </th>
              ))}
              <th scope="col" class="num ts-total-col">Total</th>
              <th scope="col" class="ts-remove-col"><span class="visually-hidden">Remove</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={10} class="empty-row">
                  No issues on this week yet. Add one below, or copy last week's rows.
                </td>
              </tr>
            )}
            {rows.map((row, r) => {
              const total = days.reduce((a, d) => a + cellSeconds(row.cells[d]), 0);
              return (
                <tr key={row.issue}>
                  <th scope="row" class="ts-issue">
                    <span class="issue-key">{row.issue}</span>
                    {!readOnly && <StartTimerButton issue={row.issue} label={row.issue} locked={lock(today)} />}
                    {row.summary && <span class="issue-summary">{row.summary}</span>}
                  </th>
                  {days.map((d, c) => {
                    const ws = row.cells[d];
                    const secs = cellSeconds(ws);
                    // The one cell in the tab order (roving focus), kept inside the grid.
                    const isFocus = Math.min(focus.r, rows.length - 1) === r && focus.c === c;
                    const isEdit = editing && editing.r === r && editing.c === c;
                    const name = `${row.issue}, ${dateLabel(d, locale, { weekday: 'long', day: 'numeric', month: 'long' })}`;
                    const locked = readOnly ?? lock(d);
                    return (
                      <td
                        key={d}
                        role="gridcell"
                        class={`num ts-cell${isWeekend(d) ? ' weekend' : ''}${d === today ? ' today' : ''}${isEdit ? ' editing' : ''}${locked ? ' locked' : ''}`}
                        data-cell={`${r}-${c}`}
                        tabIndex={isEdit ? -1 : isFocus ? 0 : -1}
                        aria-readonly={locked ? true : undefined}
                        title={locked}
                        aria-label={isEdit ? undefined : `${name}: ${secs ? format(secs) : 'no time'}${ws && ws.length > 1 ? `, ${ws.length} worklogs` : ''}${locked && !readOnly ? ', locked' : ''}`}
                        onKeyDown={(e) => onCellKey(e, { r, c })}
                        onFocus={() => setFocus({ r, c })}
                        onDblClick={() => { if (locked) setMessage(locked); else setEditing({ r, c, text: secs ? format(secs) : '', replace: true }); }}
                      >
                        {isEdit ? (
                          <CellEditor
                            editing={editing!}
                            label={`Time on ${name}`}
                            onInput={(text) => setEditing({ ...editingRef.current!, text, replace: false, error: undefined })}
                            onKeyDown={onEditKey}
                            onBlur={() => { if (editingRef.current && !editingRef.current.saving) setEditing(undefined); }}
                          />
                        ) : (
                          <span class={secs ? 'ts-value' : 'ts-empty'}>
                            {secs ? format(secs) : '·'}
                            {ws && ws.length > 1 && <span class="ts-count" aria-hidden="true">{ws.length}</span>}
                          </span>
                        )}
                      </td>
                    );
                  })}
                  <td class="num ts-total"><strong>{format(total)}</strong></td>
                  <td class="actions">
                    {total === 0 && !readOnly && (
                      <Button appearance="subtle" aria-label={`Remove ${row.issue} from this week`} onClick={() => removeRow(r)}>✕</Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr class="ts-totals">
              <th scope="row">Total</th>
              {dayTotals.map((t, c) => (
                <td key={c} class={`num${isWeekend(days[c]!) ? ' weekend' : ''} ${status(t, required[c]!)}${short?.[c] ? ' short' : ''}`}
                  data-testid={`day-total-${c}`} aria-label={short?.[c] ? `${format(t)}, ${shortLabel(c)}` : undefined}>
                  {format(t)}
                </td>
              ))}
              <td class={`num ${status(weekTotal, weekRequired)}`} data-testid="week-total"><strong>{format(weekTotal)}</strong></td>
              <td />
            </tr>
            <tr class="ts-required">
              <th scope="row">Required</th>
              {required.map((s, c) => (
                <td key={c} class={`num muted${isWeekend(days[c]!) ? ' weekend' : ''}`} data-testid={`day-required-${c}`}>{s ? format(s) : '—'}</td>
              ))}
              <td class="num muted" data-testid="week-required">{format(weekRequired)}</td>
              <td />
            </tr>
            {short && short.some((s) => s > 0) && (
              <tr class="ts-short-row">
                <th scope="row">Short</th>
                {short.map((s, c) => (
                  <td key={c} class={`num${s ? ' short' : ' muted'}${isWeekend(days[c]!) ? ' weekend' : ''}`} data-testid={`day-short-${c}`}>
                    {s ? <span>−{format(s)}</span> : <><span aria-hidden="true">—</span><span class="visually-hidden">not short</span></>}
                  </td>
                ))}
                <td class="num short" data-testid="week-short">−{format(short.reduce((a, b) => a + b, 0))}</td>
                <td />
              </tr>
            )}
          </tfoot>
        </table>
      </div>
      {!readOnly && <RowTools week={week} onAdd={addRows} />}
      <p class="muted small">
        {week.source === 'remembered'
          ? 'Rows are the issues you added to this week, remembered in this browser; required time is '
            + `${format(Math.round(hoursPerDay * 3600))} on Monday to Friday.`
          : 'Rows are the issues you logged time on this week, and the issues you added.'}
        {readOnly ? ' Use the arrow keys to move.' : ' Use the arrow keys to move, Enter or type to edit, Enter to save, Escape to cancel.'}
        {!readOnly && days.some((d) => lock(d)) && ' Days of a submitted or approved period are locked (shaded): they cannot be changed here.'}
      </p>
    </>
  );
}

function status(actual: number, required: number): string {
  if (!required) return '';
  return actual >= required ? 'met' : actual > 0 ? 'under' : '';
}

function CellEditor({ editing, label, onInput, onKeyDown, onBlur }: {
  editing: Editing; label: string; onInput: (t: string) => void; onKeyDown: (e: KeyboardEvent) => void; onBlur: () => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    if (editing.replace) {
      el.select();
    } else {
      const end = el.value.length;
      el.setSelectionRange(end, end);
    }
  }, []);
  return (
    <div class="cell-editor">
      <input
        ref={ref}
        class={`input cell-input${editing.error ? ' input-invalid' : ''}`}
        value={editing.text}
        aria-label={label}
        aria-invalid={editing.error ? true : undefined}
        aria-describedby={editing.error ? 'cell-error' : undefined}
        readOnly={editing.saving}
        aria-busy={editing.saving || undefined}
        onInput={(e) => onInput((e.target as HTMLInputElement).value)}
        onKeyDown={onKeyDown}
        onBlur={onBlur}
      />
      {editing.error && <div id="cell-error" class="cell-error" role="alert">{editing.error}</div>}
    </div>
  );
}

/**
 * Makes a cell hold `seconds`: logs, updates or deletes the person's worklogs of
 * that issue and day. A cell with several worklogs changes its last one.
 */
async function writeCell(
  issue: string, date: string, existing: Worklog[], seconds: number, otherSecondsThatDay: number, timeZone: string,
  format: (s: number) => string,
): Promise<Worklog[]> {
  if (existing.length === 0) {
    // Start after what is already logged that day, from 09:00.
    const startMinutes = Math.min(9 * 60 + Math.round(otherSecondsThatDay / 60), 23 * 60);
    const time = `${String(Math.floor(startMinutes / 60)).padStart(2, '0')}:${String(startMinutes % 60).padStart(2, '0')}`;
    const w = await call('worklog.log', { issue, started: startedAt(date, time, timeZone), seconds });
    return [w];
  }
  const last = existing[existing.length - 1]!;
  const others = cellSeconds(existing) - last.timeSpentSeconds;
  if (seconds === 0 && existing.length === 1) {
    await call('worklog.delete', { issue, id: last.id });
    return [];
  }
  if (seconds <= others) {
    throw new AppError('timesheet', 'cell',
      `This cell holds ${existing.length} worklogs: to go to ${format(others)} or less, change them in the issue.`);
  }
  const w = await call('worklog.update', { issue, id: last.id, seconds: seconds - others });
  return [...existing.slice(0, -1), w];
}

function RowTools({ week, onAdd }: { week: Week; onAdd: (keys: string[]) => Promise<number> }) {
  const { me, locale } = useSession();
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<AppError>();
  const [busy, setBusy] = useState<'add' | 'copy'>();
  const [note, setNote] = useState<string>();
  const [searchMissing, setSearchMissing] = useState(false);

  // Summary search needs `issue.search`; until the app has it, keys only.
  const search = (q: string) => {
    if (searchMissing || q.length < 2 || isIssueKey(q.toUpperCase())) return undefined;
    return call('issue.search', { query: q, limit: 8 }).then(
      (r) => r.issues.map((i) => ({ key: i.key, summary: i.summary })),
      (e) => { if (e instanceof AppError && e.unavailable) setSearchMissing(true); return []; },
    );
  };

  const add = async (e?: Event, chosen?: string) => {
    e?.preventDefault();
    const k = (chosen ?? key).trim().toUpperCase();
    setProblem(undefined);
    setError(undefined);
    if (!isIssueKey(k)) {
      setProblem(searchMissing || !k
        ? 'Enter an issue key, such as ALPHA-2.'
        : 'Pick an issue from the list, or enter its key.');
      return;
    }
    if (week.rows.some((r) => r.issue === k)) { setProblem(`${k} is already on this week.`); return; }
    setBusy('add');
    try {
      await onAdd([k]);
      setKey('');
    } catch (err) {
      setError(toAppError('worklog.list', err));
    } finally {
      setBusy(undefined);
    }
  };

  const copy = async () => {
    setBusy('copy');
    setError(undefined);
    setNote(undefined);
    try {
      const prev = addDays(week.days[0]!, -7);
      let keys = rememberedRows(me.accountId, prev);
      if (week.source === 'index') {
        const r = await call('timesheet.week', { date: prev });
        keys = [...new Set([...r.rows.map((x) => x.issue.key), ...keys])];
      }
      const n = await onAdd(keys);
      setNote(keys.length === 0
        ? `No rows on the week of ${dateLabel(prev, locale, { day: 'numeric', month: 'short' })}.`
        : n === 0 ? 'Every row of last week is here already.' : `Copied ${n} ${n === 1 ? 'row' : 'rows'} from last week.`);
    } catch (err) {
      setError(toAppError('timesheet.week', err));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div class="row-tools">
      <form class="add-row" onSubmit={add}>
        <Field
          id="add-issue" label="Add an issue"
          error={problem}
          help={searchMissing ? 'Search by issue key (summary search is not available yet).' : 'Issue key or words from its summary.'}
        >
          <Picker
            id="add-issue" class="input" text={key} onText={setKey}
            placeholder="e.g. ALPHA-2" aria-describedby="add-issue-msg"
            search={search} onPick={(s) => void add(undefined, s.key)} optionKey={(s) => s.key}
            render={(s) => <><strong>{s.key}</strong> {s.summary}</>} listLabel="Matching issues"
          />
        </Field>
        <Button type="submit" busy={busy === 'add'}>Add row</Button>
      </form>
      <Button onClick={copy} busy={busy === 'copy'}>Copy last week's rows</Button>
      <div role="status" aria-live="polite" class="muted small">{note}</div>
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
    </div>
  );
}
