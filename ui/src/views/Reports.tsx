// Reports: filters, grouping, a table with subtotals, a chart, exports and saved
// reports, on the operations report.run, export.run and report.list/save/delete
// (payloads in wit/operations.schema.json; the query is the core's report query,
// docs/operations.md).

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { call } from '../api/client';
import { AppError, toAppError } from '../api/errors';
import type { GroupDimension, ReportGroup, ReportGroups, ReportQuery, ReportRunInput, SavedReport } from '../api/types.gen';
import { BarChart } from '../components/Chart';
import { Button, ErrorBanner, Field, Spinner, Unavailable } from '../components/ui';
import { base64ToBytes, saveFile } from '../lib/download';
import { useFormat, useSession } from '../lib/session';
import { addDays, dateLabel, firstDayOfWeek, monthOf, todayIn, weekOf } from '../lib/time';
import { CHARTS, type ChartKind, chartLabel, chartOf, chartTitle } from './reports/chart';
import { COST_MEASURES, formatCosts } from './reports/money';

type Period = 'this-week' | 'last-week' | 'this-month' | 'last-month' | 'custom';
/** How far a report in several calls has read: days of its period, worklogs so far. */
type Reading = { done: number; total: number; label: string; worklogs: number };
type Format = 'csv' | 'xlsx' | 'json';

/** The approval state (open, submitted, approved) of the period a worklog is in: a dimension and a filter. */
const APPROVAL_DIMENSION = 'approvalState';
// A CSV export's parts (spans of time, docs/reports.md) and how many are
// fetched at a time: more parts than jobs, so that a quick part frees its job.
const EXPORT_PARTS = 12;
const EXPORT_JOBS = 3;

const DIMENSIONS: Array<{ id: GroupDimension; label: string }> = [
  { id: 'person', label: 'Person' },
  { id: 'project', label: 'Project' },
  { id: 'issue', label: 'Issue' },
  { id: 'parent', label: 'Epic (parent)' },
  { id: 'component', label: 'Component' },
  { id: 'label', label: 'Label' },
  { id: 'status', label: 'Status' },
  { id: 'day', label: 'Day' },
  { id: 'week', label: 'Week' },
  { id: 'month', label: 'Month' },
  { id: APPROVAL_DIMENSION, label: 'Approval state' },
];

interface Filters {
  period: Period;
  from: string;
  to: string;
  projects: string;
  who: 'me' | 'everyone';
  group1: GroupDimension;
  group2: GroupDimension | '';
  /** The chart the user chose; unset, it follows the grouping ({@link chartOf}). */
  chart?: ChartKind;
  /** Billable time and cost (only offered to who may see costs). */
  costs?: boolean;
  /** Only time in approved periods. */
  approvedOnly?: boolean;
}

function periodRange(p: Period, today: string, firstDay: number): [string, string] | undefined {
  switch (p) {
    case 'this-week': { const w = weekOf(today, firstDay); return [w[0]!, w[6]!]; }
    case 'last-week': { const w = weekOf(addDays(today, -7), firstDay); return [w[0]!, w[6]!]; }
    case 'this-month': return monthOf(today);
    case 'last-month': return monthOf(addDays(monthOf(today)[0], -1));
    default: return undefined;
  }
}

const WEEK_STARTS: Record<number, NonNullable<ReportQuery['weekStart']>> = { 1: 'monday', 6: 'saturday', 7: 'sunday' };

/** The core's report query for the filters, with the chart series wanted. */
export function toQuery(f: Filters, me: string, timeZone: string, firstDay = 1): ReportRunInput {
  const projects = f.projects.split(/[\s,]+/).map((p) => p.trim().toUpperCase()).filter(Boolean);
  const filter = {
    ...(projects.length ? { projects } : {}),
    ...(f.who === 'me' ? { people: [me] } : {}),
    ...(f.approvedOnly ? { approvalStates: ['approved' as const] } : {}),
  };
  return {
    timeZone,
    period: { from: f.from, to: f.to },
    weekStart: WEEK_STARTS[firstDay] ?? 'monday',
    ...(Object.keys(filter).length ? { filter } : {}),
    groupBy: f.group2 ? [f.group1, f.group2] : [f.group1],
    ...(f.costs ? { measures: [...COST_MEASURES] } : {}),
    chart: chartOf(f),
  };
}

/** The query without the chart choice: what exports and saved reports take. */
export function withoutChart(q: ReportRunInput): ReportQuery {
  const { chart: _chart, ...query } = q;
  return query;
}

function fromQuery(q: ReportQuery | ReportRunInput, f: Filters, firstDay: number): Filters {
  const p = q.period;
  const [from, to] = 'from' in p ? [p.from, p.to]
    : 'day' in p ? [p.day, p.day]
    : 'week' in p ? ((w) => [w[0]!, w[6]!])(weekOf(p.week, firstDay))
    : monthOf(p.month);
  const people = q.filter?.people ?? [];
  return {
    ...f,
    period: 'custom',
    from,
    to,
    projects: (q.filter?.projects ?? []).join(', '),
    who: people.length ? 'me' : 'everyone',
    group1: q.groupBy?.[0] ?? 'person',
    group2: q.groupBy?.[1] ?? '',
    // A saved report has no chart: it follows the grouping unless one is given.
    chart: 'chart' in q && q.chart ? q.chart : undefined,
    costs: !!q.measures?.includes('cost'),
    approvedOnly: !!(q.filter as { approvalStates?: string[] } | undefined)?.approvalStates?.includes('approved'),
  };
}

export function Reports({ project }: { project?: string }) {
  const { me, timeZone, locale } = useSession();
  const firstDay = firstDayOfWeek(locale);
  const today = todayIn(timeZone);
  const [filters, setFilters] = useState<Filters>(() => {
    const [from, to] = periodRange('this-month', today, firstDay)!;
    return { period: 'this-month', from, to, projects: project ?? '', who: 'everyone', group1: 'person', group2: 'issue' };
  });
  const [result, setResult] = useState<ReportGroups>();
  const [error, setError] = useState<AppError>();
  const [running, setRunning] = useState(false);
  const [ranQuery, setRanQuery] = useState<ReportRunInput>();
  const [approvalMissing, setApprovalMissing] = useState(false);
  // A report too large for one call answers `more` with its progress and a
  // continuation: the view calls again until it is finished, or cancelled.
  const [reading, setReading] = useState<Reading>();
  const [cancelled, setCancelled] = useState<Reading>();
  const runs = useRef(0);

  const set = (patch: Partial<Filters>) => setFilters((f) => {
    const next = { ...f, ...patch };
    if (patch.period && patch.period !== 'custom') {
      const [from, to] = periodRange(patch.period, today, firstDay)!;
      next.from = from;
      next.to = to;
    }
    return next;
  });

  const invalid = !filters.from || !filters.to ? 'Choose the first and last day.'
    : filters.from > filters.to ? 'The first day must come before the last.' : undefined;

  const run = async (e?: Event, f = filters) => {
    e?.preventDefault();
    if (invalid && f === filters) return;
    const query = toQuery(f, me.accountId, timeZone, firstDay);
    const id = ++runs.current;
    setRunning(true);
    setError(undefined);
    setCancelled(undefined);
    setReading(undefined);
    try {
      let input: ReportRunInput = query;
      for (;;) {
        const answer = await call('report.run', input);
        // Cancelled, or another run started: this one's answers are dropped.
        if (runs.current !== id) return;
        // Without `format` the answer is the groups; a file would be a contract breach.
        if (!('groups' in answer)) throw new Error('report.run answered a file to a query without format');
        if (answer.more && answer.continuation) {
          // Part of the period: shown as progress, never as the report.
          setResult(undefined);
          setReading({ ...answer.progress, worklogs: answer.worklogs });
          input = { ...query, continuation: answer.continuation };
          continue;
        }
        setResult(answer);
        setRanQuery(query);
        break;
      }
    } catch (err) {
      if (runs.current !== id) return;
      setResult(undefined);
      const e = toAppError('report.run', err);
      // A component without the approval filter or grouping names the field it does not know.
      if (e.code === 'invalid-input' && /approvalState/.test(e.detail)) {
        setApprovalMissing(true);
        setFilters((x) => ({ ...x, approvedOnly: false, group1: x.group1 === APPROVAL_DIMENSION ? 'person' : x.group1, group2: x.group2 === APPROVAL_DIMENSION ? '' : x.group2 }));
      }
      setError(e);
    } finally {
      if (runs.current === id) {
        setRunning(false);
        setReading(undefined);
      }
    }
  };

  const cancel = () => {
    runs.current++;
    setRunning(false);
    setCancelled(reading ?? { done: 0, total: 0, label: '', worklogs: 0 });
    setReading(undefined);
  };

  return (
    <div class="reports">
      <form class="card filters" onSubmit={run} aria-label="Report filters">
        <div class="form-row">
          <Field id="period" label="Period">
            <select id="period" class="input" value={filters.period}
              onChange={(e) => set({ period: (e.target as HTMLSelectElement).value as Period })}>
              <option value="this-week">This week</option>
              <option value="last-week">Last week</option>
              <option value="this-month">This month</option>
              <option value="last-month">Last month</option>
              <option value="custom">Custom</option>
            </select>
          </Field>
          <Field id="from" label="From">
            <input id="from" type="date" class="input" value={filters.from}
              onInput={(e) => set({ from: (e.target as HTMLInputElement).value, period: 'custom' })} />
          </Field>
          <Field id="to" label="To">
            <input id="to" type="date" class="input" value={filters.to}
              onInput={(e) => set({ to: (e.target as HTMLInputElement).value, period: 'custom' })} />
          </Field>
          <Field id="projects" label="Projects" help={project ? undefined : 'Keys, such as ALPHA, BETA; empty for all'}>
            <input id="projects" class="input" value={filters.projects} readOnly={!!project} placeholder="All projects"
              onInput={(e) => set({ projects: (e.target as HTMLInputElement).value })} />
          </Field>
          <Field id="who" label="People">
            <select id="who" class="input" value={filters.who}
              onChange={(e) => set({ who: (e.target as HTMLSelectElement).value as Filters['who'] })}>
              <option value="everyone">Everyone I can see</option>
              <option value="me">Only me</option>
            </select>
          </Field>
        </div>
        <div class="form-row">
          <Field id="group1" label="Group by">
            <select id="group1" class="input" value={filters.group1}
              onChange={(e) => set({ group1: (e.target as HTMLSelectElement).value as GroupDimension })}>
              {DIMENSIONS.map((d) => <option key={d.id} value={d.id}>{d.label}</option>)}
            </select>
          </Field>
          <Field id="group2" label="Then by">
            <select id="group2" class="input" value={filters.group2}
              onChange={(e) => set({ group2: (e.target as HTMLSelectElement).value as GroupDimension | '' })}>
              <option value="">Nothing</option>
              {DIMENSIONS.filter((d) => d.id !== filters.group1).map((d) => <option key={d.id} value={d.id}>{d.label}</option>)}
            </select>
          </Field>
          <Field id="chart" label="Chart">
            <select id="chart" class="input" value={chartOf(filters)}
              onChange={(e) => set({ chart: (e.target as HTMLSelectElement).value as ChartKind })}>
              {CHARTS.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
            </select>
          </Field>
          {me.mayMeasureCost && (
            <div class="field">
              <span class="field-label" aria-hidden="true">Measures</span>
              <label class="radio"><input type="checkbox" id="costs" checked={!!filters.costs}
                onChange={(e) => set({ costs: (e.target as HTMLInputElement).checked })} /> Billable time and cost</label>
            </div>
          )}
          <div class="field">
            <span class="field-label" aria-hidden="true">Approval</span>
            <label class="radio"><input type="checkbox" id="approved-only" checked={!!filters.approvedOnly} disabled={approvalMissing}
              aria-describedby={approvalMissing ? 'approved-only-msg' : undefined}
              onChange={(e) => {
                // One click: the report runs again at once when one is shown.
                const next = { ...filters, approvedOnly: (e.target as HTMLInputElement).checked };
                setFilters(next);
                if (result && !invalid) void run(undefined, next);
              }} /> Approved time only</label>
            {approvalMissing && <span id="approved-only-msg" class="field-help">Reports by approval state are not available in this version of the app.</span>}
          </div>
          <div class="form-actions align-end">
            <Button appearance="primary" type="submit" busy={running} disabled={!!invalid}>Run report</Button>
          </div>
        </div>
        {invalid && <div class="field-error" role="alert">{invalid}</div>}
        <SavedReports
          current={() => withoutChart(toQuery(filters, me.accountId, timeZone, firstDay))}
          onOpen={(q) => { const f = fromQuery(q, filters, firstDay); setFilters(f); run(undefined, f); }}
        />
      </form>

      {error?.unavailable ? (
        <Unavailable operation="report.run" what="Reports group everyone's time by person, project, issue or date, with totals and a chart." />
      ) : error ? (
        <ErrorBanner error={error} onRetry={() => run()} />
      ) : null}
      {running && !result && !reading && <Spinner label="Running the report" />}
      {reading && (
        <div class="card progress-wrap report-progress" role="status" aria-live="polite" data-testid="report-progress">
          <progress class="progress" max={Math.max(reading.total, 1)} value={reading.done} aria-label="Days of the period read" />
          <span class="small muted">
            {`${reading.done.toLocaleString()} of ${reading.total.toLocaleString()} days read, ${reading.worklogs.toLocaleString()} worklogs so far`}
          </span>
          <Button appearance="link" onClick={cancel}>Cancel</Button>
        </div>
      )}
      {cancelled && !running && (
        <div class="card empty" role="status" data-testid="report-cancelled">
          <p class="empty-title">Report cancelled</p>
          <p>{`It stopped after reading ${cancelled.done.toLocaleString()} of ${cancelled.total.toLocaleString()} days (${cancelled.worklogs.toLocaleString()} worklogs). Its figures would cover only part of the period, so none are shown: run the report again for all of it.`}</p>
        </div>
      )}
      {result && ranQuery && <ReportResult result={result} query={ranQuery} />}
      {!result && !error && !running && !cancelled && (
        <div class="empty"><p class="empty-title">Choose filters and run the report</p>
          <p>{`Time from ${dateLabel(filters.from || today, locale, { day: 'numeric', month: 'short' })} to ${dateLabel(filters.to || today, locale, { day: 'numeric', month: 'short', year: 'numeric' })}.`}</p></div>
      )}
    </div>
  );
}

function ReportResult({ result, query }: { result: ReportGroups; query: ReportRunInput }) {
  const { core, locale } = useSession();
  // Reports count in hours, whatever the site's display style.
  const format = useFormat('hours');
  const hours = (s: number) => (core ? core.hours(s) : (s / 3600).toFixed(2));
  const dims = result.groupBy.map((g) => DIMENSIONS.find((d) => d.id === g)?.label ?? g);
  const chart = query.chart ?? 'day';
  const chartPoints = useMemo(
    () => result.chart.map((p) => ({ ...p, label: chartLabel(p, chart, locale) })),
    [result, chart, locale],
  );
  const share = (s: number) => (result.totalSeconds ? `${Math.round((s / result.totalSeconds) * 1000) / 10}%` : '—');
  // Cost columns when the query measured cost (the answer then carries it).
  const costs = !!query.measures?.includes('cost');
  const billable = (g: { billableSeconds?: number }) => hours(g.billableSeconds ?? 0);
  const money = (g: { cost?: ReportGroup['cost'] }) => formatCosts(g.cost, locale);

  const rows = (groups: ReportGroup[], depth: number): preact.JSX.Element[] =>
    groups.flatMap((g) => [
      <tr key={`${depth}-${g.key}`} class={depth === 0 && g.groups?.length ? 'group-row' : 'leaf-row'}>
        <th scope="row" style={{ paddingInlineStart: `${8 + depth * 20}px` }}>{g.label}</th>
        <td class="num">{hours(g.seconds)}</td>
        <td class="num">{g.worklogs}</td>
        <td class="num muted">{share(g.seconds)}</td>
        {costs && <td class="num" data-col="billable">{billable(g)}</td>}
        {costs && <td class="num cost-cell" data-col="cost">{money(g)}</td>}
      </tr>,
      ...(g.groups ? rows(g.groups, depth + 1) : []),
    ]);

  return (
    <section class="card result" aria-labelledby="result-title">
      <header class="result-header">
        <div>
          <h2 id="result-title" class="section-title">
            {format(result.totalSeconds)} in {result.worklogs} {result.worklogs === 1 ? 'worklog' : 'worklogs'}
            {costs && <span data-testid="cost-total">{`, ${money(result)}`}</span>}
          </h2>
          {!result.indexComplete && (
            <p class="small field-error" role="note" data-testid="index-incomplete">
              {`Worklogs may be missing: ${result.indexMissing ?? 'the index is not complete'}.`}
            </p>
          )}
          {costs && (result.unpricedSeconds ?? 0) > 0 && (
            <p class="small muted" role="note">{hours(result.unpricedSeconds ?? 0)} hours have no rate in effect and no cost.</p>
          )}
          <p class="muted small">
            {dateLabel(result.from, locale, { day: 'numeric', month: 'short', year: 'numeric' })} – {dateLabel(result.to, locale, { day: 'numeric', month: 'short', year: 'numeric' })}, days in {result.timeZone}; grouped by {dims.join(', then ').toLowerCase()}
          </p>
        </div>
        <Exports query={withoutChart(query)} costs={costs} />
      </header>
      <BarChart points={chartPoints} kind={chart} format={format} title={chartTitle(chart)} />
      {result.groups.length === 0 ? (
        <p class="muted">No time logged in this period that you can see.</p>
      ) : (
        <table class="table report-table" data-testid="report-table">
          <thead>
            <tr>
              <th scope="col">{dims.join(' / ')}</th>
              <th scope="col" class="num">Hours</th>
              <th scope="col" class="num">Worklogs</th>
              <th scope="col" class="num">Share</th>
              {costs && <th scope="col" class="num">Billable hours</th>}
              {costs && <th scope="col" class="num">Cost</th>}
            </tr>
          </thead>
          <tbody>{rows(result.groups, 0)}</tbody>
          <tfoot>
            <tr class="total-row">
              <th scope="row">Total</th>
              <td class="num">{hours(result.totalSeconds)}</td>
              <td class="num">{result.worklogs}</td>
              <td class="num">100%</td>
              {costs && <td class="num" data-col="billable">{billable(result)}</td>}
              {costs && <td class="num cost-cell" data-col="cost">{money(result)}</td>}
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}

function Exports({ query, costs }: { query: ReportQuery; costs?: boolean }) {
  const [progress, setProgress] = useState<{ format: Format; rows: number; total?: number; pieces: number; unit?: 'days' }>();
  const [error, setError] = useState<AppError>();
  const cancelled = useRef(false);

  const exportAs = async (format: Format) => {
    cancelled.current = false;
    setError(undefined);
    setProgress({ format, rows: 0, pieces: 0 });
    let name = `worklogs.${format}`;
    let type = 'application/octet-stream';
    try {
      if (costs && format !== 'json') {
        // The flat export has no cost columns (docs/reports.md): with cost, the
        // file is the report's own table (report.run with format), in the
        // last answer; the ones before say how many days are read.
        let input: ReportRunInput = { ...query, format };
        for (;;) {
          const r = await call('report.run', input);
          if ('groups' in r) throw new Error('report.run answered groups to a query with format');
          if (!('piece' in r)) {
            if (cancelled.current) return;
            setProgress({ format, rows: r.progress.done, total: r.progress.total, pieces: 0, unit: 'days' });
            input = { ...input, continuation: r.continuation };
            continue;
          }
          setProgress({ format, rows: r.rows, total: r.rows, pieces: 1 });
          saveFile([base64ToBytes(r.piece)], r.fileName, r.mediaType);
          return;
        }
      }
      // A CSV file in parts (export.run cuts it into spans of time), fetched
      // EXPORT_JOBS at a time: each part's pieces in order, the parts in order.
      const first = await call('export.run', { query, format, ...(format === 'csv' ? { parts: EXPORT_PARTS } : {}) });
      name = first.fileName;
      type = first.mediaType;
      const starts = first.parts ?? [];
      const pieces: Uint8Array<ArrayBuffer>[][] = starts.map(() => []);
      const rows: number[] = starts.map(() => 0);
      /** Part `k`'s pieces from `continuation` on. */
      const fetchPart = async (k: number, continuation: string | undefined) => {
        while (continuation && !cancelled.current) {
          const r = await call('export.run', { query, format, continuation });
          pieces[k].push(base64ToBytes(r.piece));
          rows[k] = r.rows;
          continuation = r.continuation;
          setProgress({ format, rows: rows.reduce((a, b) => a + b, 0), total: r.totalRows, pieces: pieces.flat().length });
        }
      };
      if (starts.length > 0) {
        let next = 0;
        const job = async () => {
          try {
            for (let k = next++; k < starts.length && !cancelled.current; k = next++) await fetchPart(k, starts[k]);
          } catch (err) {
            // One part failed: the file cannot be whole, so the other jobs stop.
            cancelled.current = true;
            throw err;
          }
        };
        await Promise.all(Array.from({ length: EXPORT_JOBS }, job));
      } else {
        // One stream of pieces: the first is in already.
        pieces.push([base64ToBytes(first.piece)]);
        rows.push(first.rows);
        setProgress({ format, rows: first.rows, total: first.totalRows, pieces: 1 });
        await fetchPart(0, first.continuation);
      }
      if (cancelled.current) return;
      saveFile(pieces.flat(), name, type);
    } catch (err) {
      setError(toAppError('export.run', err));
    } finally {
      setProgress(undefined);
    }
  };

  const pct = progress?.total ? Math.min(100, Math.round((progress.rows / progress.total) * 100)) : undefined;
  return (
    <div class="exports">
      <div class="toolbar-group" role="group" aria-label="Export">
        {(['csv', 'xlsx', 'json'] as const).map((f) => (
          <Button key={f} onClick={() => exportAs(f)} busy={progress?.format === f} disabled={!!progress}>
            {f.toUpperCase()}
          </Button>
        ))}
      </div>
      {progress && (
        <div class="progress-wrap" role="status" aria-live="polite">
          <progress class="progress" max={100} value={pct} aria-label={`Exporting ${progress.format.toUpperCase()}`} />
          <span class="small muted">
            {progress.rows.toLocaleString()} {progress.total ? `of ${progress.total.toLocaleString()} ` : ''}{progress.unit === 'days' ? 'days read' : 'rows'}
          </span>
          <Button appearance="link" onClick={() => { cancelled.current = true; }}>Cancel</Button>
        </div>
      )}
      {error && (error.unavailable
        ? <p class="small muted" role="status">Exports are not available yet (no <code>export.run</code> in this version).</p>
        : <ErrorBanner error={error} onDismiss={() => setError(undefined)} />)}
    </div>
  );
}

function SavedReports({ current, onOpen }: { current: () => ReportQuery; onOpen: (q: ReportQuery) => void }) {
  const [saved, setSaved] = useState<SavedReport[]>();
  const [missing, setMissing] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<AppError>();
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState('');

  const load = () => call('report.list', {}).then(
    (r) => setSaved(r.reports),
    (e) => { if (e instanceof AppError && e.unavailable) setMissing(true); else setError(toAppError('report.list', e)); },
  );
  useEffect(() => { load(); }, []);

  if (missing) {
    return <p class="small muted saved-note">Saved reports are not available yet (no <code>report.list</code> in this version).</p>;
  }
  const save = async () => {
    if (!name.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      const existing = saved?.find((s) => s.name === name.trim());
      await call('report.save', { ...(existing ? { id: existing.id } : {}), name: name.trim(), query: current() });
      setName('');
      await load();
    } catch (e) {
      setError(toAppError('report.save', e));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!selected) return;
    setBusy(true);
    try {
      await call('report.delete', { id: selected });
      setSelected('');
      await load();
    } catch (e) {
      setError(toAppError('report.delete', e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="saved">
      <div class="form-row">
        <Field id="saved" label="Saved reports">
          <select id="saved" class="input" value={selected} disabled={!saved?.length}
            onChange={(e) => {
              const id = (e.target as HTMLSelectElement).value;
              setSelected(id);
              const r = saved?.find((s) => s.id === id);
              if (r) onOpen(r.query);
            }}>
            <option value="">{saved?.length ? 'Open a saved report…' : 'No saved reports'}</option>
            {saved?.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </Field>
        {selected && <div class="form-actions align-end"><Button appearance="subtle" busy={busy} onClick={remove}>Delete</Button></div>}
        <Field id="save-name" label="Save these filters as">
          <input id="save-name" class="input" value={name} placeholder="Report name"
            onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <div class="form-actions align-end">
          <Button busy={busy} disabled={!name.trim()} onClick={save}>Save</Button>
        </div>
      </div>
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
    </div>
  );
}


