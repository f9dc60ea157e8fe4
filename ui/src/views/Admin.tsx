// The admin page (also the time tracking provider's configuration page): time
// tracking settings, worklog attributes, who may see team time, working days and
// holidays, approvals, and the Data protection group (the worklog journal,
// restoring worklogs, backups, the audit log). Sections whose operations the
// app does not have yet say so.
import { useState } from 'preact/hooks';
import { call } from '../api/client';
import { AppError, toAppError } from '../api/errors';
import type { Access, Attribute, Holiday, Schedule, TimeTrackingSettings } from '../api/types.gen';
import { Button, ErrorBanner, Field, Lozenge, Spinner, Unavailable } from '../components/ui';
import { useLoad } from '../lib/hooks';
import { useSession } from '../lib/session';
import { ApprovalsSection } from './admin/ApprovalsSection';
import { AuditSection } from './admin/AuditSection';
import { BackupSection } from './admin/BackupSection';
import { IndexSection } from './admin/IndexSection';
import { JournalSection } from './admin/JournalSection';
import { AdminSection as Section } from './admin/parts';
import { RatesSection } from './admin/RatesSection';
import { RestoreSection } from './admin/RestoreSection';
import { RoundingSection } from './admin/RoundingSection';

export function Admin() {
  return (
    <div class="admin">
      <nav class="admin-nav" aria-label="Settings sections">
        <a href="#tt">Time tracking</a>
        <a href="#attributes">Worklog attributes</a>
        <a href="#access">Team time</a>
        <a href="#schedule">Working days and holidays</a>
        <a href="#rates">Hourly rates</a>
        <a href="#rounding">Rounding and timers</a>
        <a href="#index">Worklog index</a>
        <a href="#approvals">Approvals</a>
        <p class="admin-nav-heading" id="nav-data-protection">Data protection</p>
        <div class="admin-nav-group" role="group" aria-labelledby="nav-data-protection">
          <a href="#journal">Worklog journal</a>
          <a href="#restore">Restore worklogs</a>
          <a href="#backups">Backups</a>
          <a href="#audit">Audit log</a>
        </div>
      </nav>
      <div class="admin-sections">
        <TimeTrackingSection />
        <AttributesSection />
        <AccessSection />
        <ScheduleSection />
        <RatesSection />
        <RoundingSection />
        <IndexSection />
        <ApprovalsSection />
        <DataProtection />
      </div>
    </div>
  );
}

/**
 * The Data protection group: the worklog journal and restoring worklogs from
 * it, backups of the app's own data, and the audit log.
 */
function DataProtection() {
  return (
    <section class="admin-group" id="data-protection" aria-labelledby="data-protection-title">
      <h2 id="data-protection-title" class="admin-group-title">Data protection</h2>
      <p class="muted admin-group-intro">What the app keeps to undo mistakes and to prove who changed what: every version of every worklog, archives of the app's data, and the audit log.</p>
      <JournalSection />
      <RestoreSection />
      <BackupSection />
      <AuditSection />
    </section>
  );
}

/** Saving state shared by the sections. */
function useSave() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError>();
  const [saved, setSaved] = useState(false);
  const run = async (op: string, f: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      await f();
      setSaved(true);
    } catch (e) {
      setError(toAppError(op, e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, saved, run, clear: () => setError(undefined) };
}

function SaveBar({ s, label = 'Save' }: { s: ReturnType<typeof useSave>; label?: string }) {
  return (
    <>
      {s.error && <ErrorBanner error={s.error} onDismiss={s.clear} />}
      <div class="form-actions">
        <Button appearance="primary" type="submit" busy={s.busy}>{label}</Button>
        <span role="status" aria-live="polite" class="small success-text">{s.saved ? 'Saved.' : ''}</span>
      </div>
    </>
  );
}

const SOURCE: Record<TimeTrackingSettings['source'], [string, 'success' | 'info' | 'default']> = {
  jira: ['Read from Jira', 'success'],
  stored: ['Stored by Worklogs', 'info'],
  default: ["Jira's defaults", 'default'],
};

function TimeTrackingSection() {
  const { settings, setSettings, core } = useSession();
  const [form, setForm] = useState({
    hoursPerDay: String(settings.hoursPerDay), daysPerWeek: String(settings.daysPerWeek),
    timeFormat: settings.timeFormat, defaultUnit: settings.defaultUnit,
  });
  const s = useSave();
  const hours = Number(form.hoursPerDay.replace(',', '.'));
  const days = Number(form.daysPerWeek.replace(',', '.'));
  const hoursErr = !(hours > 0 && hours <= 24) ? 'Between 0 and 24 hours.' : undefined;
  const daysErr = !(days > 0 && days <= 7) ? 'Between 0 and 7 days.' : undefined;
  const example = (style: 'pretty' | 'days' | 'hours') => {
    if (!core) return '';
    try {
      return core.format(214200, style);
    } catch {
      return '';
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (hoursErr || daysErr) return;
    s.run('timetracking.settings.save', async () => {
      const r = await call('timetracking.settings.save', {
        hoursPerDay: hours, daysPerWeek: days, timeFormat: form.timeFormat, defaultUnit: form.defaultUnit,
      });
      setSettings(r);
    });
  };
  const [srcLabel, srcTone] = SOURCE[settings.source];
  return (
    <Section id="tt" title="Time tracking" intro="How long a day and a week are, and how durations are shown and typed. Jira's own settings are not changed.">
      <p class="source">Settings: <Lozenge tone={srcTone}>{srcLabel}</Lozenge></p>
      <form class="form" onSubmit={submit} noValidate>
        <div class="form-row">
          <Field id="hoursPerDay" label="Working hours per day" error={hoursErr}>
            <input id="hoursPerDay" class="input input-short" inputMode="decimal" value={form.hoursPerDay}
              onInput={(e) => setForm({ ...form, hoursPerDay: (e.target as HTMLInputElement).value })} />
          </Field>
          <Field id="daysPerWeek" label="Working days per week" error={daysErr}>
            <input id="daysPerWeek" class="input input-short" inputMode="decimal" value={form.daysPerWeek}
              onInput={(e) => setForm({ ...form, daysPerWeek: (e.target as HTMLInputElement).value })} />
          </Field>
          <Field id="timeFormat" label="Time format">
            <select id="timeFormat" class="input" value={form.timeFormat}
              onChange={(e) => setForm({ ...form, timeFormat: (e.target as HTMLSelectElement).value as typeof form.timeFormat })}>
              <option value="pretty">Pretty {example('pretty') && `(${example('pretty')})`}</option>
              <option value="days">Days {example('days') && `(${example('days')})`}</option>
              <option value="hours">Hours {example('hours') && `(${example('hours')})`}</option>
            </select>
          </Field>
          <Field id="defaultUnit" label="Default unit" help="For a number typed without a unit">
            <select id="defaultUnit" class="input" value={form.defaultUnit}
              onChange={(e) => setForm({ ...form, defaultUnit: (e.target as HTMLSelectElement).value as typeof form.defaultUnit })}>
              <option value="minute">Minutes</option>
              <option value="hour">Hours</option>
              <option value="day">Days</option>
              <option value="week">Weeks</option>
            </select>
          </Field>
        </div>
        <SaveBar s={s} />
      </form>
    </Section>
  );
}

/** Loads a section's data; an operation the app lacks shows what will come. */
function Loaded<T>({ op, load, what, children }: {
  op: string; load: () => Promise<T>; what: string; children: (value: T) => preact.ComponentChildren;
}) {
  const [v, reload] = useLoad(load, [], op);
  if (v.state === 'loading') return <Spinner />;
  if (v.state === 'error') {
    return v.error.unavailable ? <Unavailable operation={op} what={what} /> : <ErrorBanner error={v.error} onRetry={reload} />;
  }
  return <>{children(v.value)}</>;
}

function AttributesSection() {
  return (
    <Section id="attributes" title="Worklog attributes" intro="Extra fields people fill in when they log time, such as Billable or Work type. They are stored with each worklog in Jira.">
      <Loaded op="attribute.list" load={() => call('attribute.list', {})} what="Define worklog attributes (text, choice, yes/no or number) that people fill in when logging time.">
        {(r) => <AttributesEditor initial={r.attributes} />}
      </Loaded>
    </Section>
  );
}

function AttributesEditor({ initial }: { initial: Attribute[] }) {
  const [rows, setRows] = useState(initial);
  const s = useSave();
  const update = (i: number, patch: Partial<Attribute>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: Event) => {
    e.preventDefault();
    s.run('attribute.save', async () => setRows((await call('attribute.save', { attributes: rows })).attributes));
  };
  return (
    <form onSubmit={submit}>
      <table class="table">
        <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Type</th><th scope="col">Choices</th><th scope="col">Required</th><th /></tr></thead>
        <tbody>
          {rows.map((a, i) => (
            <tr key={i}>
              <td><input class="input" aria-label="Name" value={a.name} onInput={(e) => update(i, { name: (e.target as HTMLInputElement).value })} /></td>
              <td><input class="input" aria-label="Key" value={a.key} onInput={(e) => update(i, { key: (e.target as HTMLInputElement).value })} /></td>
              <td>
                <select class="input" aria-label="Type" value={a.type} onChange={(e) => update(i, { type: (e.target as HTMLSelectElement).value as Attribute['type'] })}>
                  <option value="text">Text</option><option value="select">Choice</option><option value="boolean">Yes / no</option><option value="number">Number</option>
                </select>
              </td>
              <td><input class="input" aria-label="Choices, comma separated" disabled={a.type !== 'select'} value={(a.options ?? []).join(', ')}
                onInput={(e) => update(i, { options: (e.target as HTMLInputElement).value.split(',').map((x) => x.trim()).filter(Boolean) })} /></td>
              <td><input type="checkbox" aria-label="Required" checked={a.required} onChange={(e) => update(i, { required: (e.target as HTMLInputElement).checked })} /></td>
              <td><Button appearance="subtle" aria-label={`Remove ${a.name || 'attribute'}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>✕</Button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Button onClick={() => setRows([...rows, { key: '', name: '', type: 'text', required: false }])}>Add attribute</Button>
      <SaveBar s={s} />
    </form>
  );
}

const splitList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function AccessSection() {
  return (
    <Section id="access" title="Team time" intro="Jira groups whose members may see the time of whole teams in timesheets and reports.">
      <Loaded op="access.get" load={() => call('access.get', {})} what="Choose the Jira groups that may see the time of each team.">
        {(r) => <AccessEditor initial={r} />}
      </Loaded>
    </Section>
  );
}

type GrantRow = { group: string; teams: string };

function AccessEditor({ initial }: { initial: Access }) {
  const [rows, setRows] = useState<GrantRow[]>(initial.grants.map((g) => ({ group: g.group, teams: g.teams.join(', ') })));
  const s = useSave();
  const update = (i: number, patch: Partial<GrantRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: Event) => {
    e.preventDefault();
    s.run('access.save', async () => {
      const r = await call('access.save', { grants: rows.map((g) => ({ group: g.group.trim(), teams: splitList(g.teams) })) });
      setRows(r.grants.map((g) => ({ group: g.group, teams: g.teams.join(', ') })));
    });
  };
  return (
    <form onSubmit={submit}>
      <table class="table">
        <thead><tr><th scope="col">Jira group</th><th scope="col">May see the time of teams</th><th /></tr></thead>
        <tbody>
          {rows.map((g, i) => (
            <tr key={i}>
              <td><input class="input" aria-label="Jira group" value={g.group} onInput={(e) => update(i, { group: (e.target as HTMLInputElement).value })} /></td>
              <td><input class="input" aria-label="Teams, comma separated" value={g.teams} onInput={(e) => update(i, { teams: (e.target as HTMLInputElement).value })} /></td>
              <td><Button appearance="subtle" aria-label={`Remove ${g.group || 'grant'}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>✕</Button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Button onClick={() => setRows([...rows, { group: '', teams: '' }])}>Add grant</Button>
      <SaveBar s={s} />
    </form>
  );
}

const WEEKDAYS: Array<[Schedule['workingDays'][number], string]> = [
  ['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday'],
];

function ScheduleSection() {
  return (
    <Section id="schedule" title="Working days and holidays" intro="The days people are expected to work, and how long, for timesheets and required hours.">
      <Loaded op="schedule.get" load={() => call('schedule.get', {})} what="Set working days, hours per day and public holidays; timesheets use them for required hours (8 h on Monday to Friday until then).">
        {(r) => <ScheduleEditor initial={r} />}
      </Loaded>
    </Section>
  );
}

function ScheduleEditor({ initial }: { initial: Schedule }) {
  const [form, setForm] = useState(initial);
  const [holiday, setHoliday] = useState<Holiday>({ date: '', name: '' });
  const s = useSave();
  const toggle = (d: Schedule['workingDays'][number]) => setForm({
    ...form,
    workingDays: form.workingDays.includes(d) ? form.workingDays.filter((x) => x !== d) : [...form.workingDays, d],
  });
  const submit = (e: Event) => {
    e.preventDefault();
    s.run('schedule.save', async () => setForm(await call('schedule.save', form)));
  };
  return (
    <form class="form" onSubmit={submit}>
      <fieldset class="fieldset">
        <legend class="field-label">Working days</legend>
        <div class="radio-row">
          {WEEKDAYS.map(([d, label]) => (
            <label class="radio" key={d}><input type="checkbox" checked={form.workingDays.includes(d)} onChange={() => toggle(d)} /> {label}</label>
          ))}
        </div>
      </fieldset>
      <Field id="sched-hours" label="Hours per working day">
        <input id="sched-hours" class="input input-short" type="number" min={0.25} max={24} step={0.25} value={form.hoursPerDay}
          onInput={(e) => setForm({ ...form, hoursPerDay: Number((e.target as HTMLInputElement).value) })} />
      </Field>
      <Field id="sched-week" label="Weeks start on">
        <select id="sched-week" class="input input-short" value={form.weekStart ?? 'monday'}
          onChange={(e) => setForm({ ...form, weekStart: (e.target as HTMLSelectElement).value as NonNullable<Schedule['weekStart']> })}>
          <option value="monday">Monday</option><option value="sunday">Sunday</option><option value="saturday">Saturday</option>
        </select>
      </Field>
      <h3 class="subsection-title">Holidays</h3>
      <table class="table">
        <thead><tr><th scope="col">Date</th><th scope="col">Name</th><th scope="col">Half day</th><th /></tr></thead>
        <tbody>
          {form.holidays.map((h, i) => (
            <tr key={h.date + h.name}>
              <td>{h.date}</td><td>{h.name}</td><td>{h.kind === 'half' ? 'Half day' : ''}</td>
              <td><Button appearance="subtle" aria-label={`Remove ${h.name}`} onClick={() => setForm({ ...form, holidays: form.holidays.filter((_, j) => j !== i) })}>✕</Button></td>
            </tr>
          ))}
          <tr>
            <td><input type="date" class="input" aria-label="Holiday date" value={holiday.date} onInput={(e) => setHoliday({ ...holiday, date: (e.target as HTMLInputElement).value })} /></td>
            <td><input class="input" aria-label="Holiday name" value={holiday.name} onInput={(e) => setHoliday({ ...holiday, name: (e.target as HTMLInputElement).value })} /></td>
            <td><input type="checkbox" aria-label="Half day" checked={holiday.kind === 'half'} onChange={(e) => setHoliday({ ...holiday, kind: (e.target as HTMLInputElement).checked ? 'half' : 'whole' })} /></td>
            <td><Button disabled={!holiday.date || !holiday.name.trim()} onClick={() => {
              setForm({ ...form, holidays: [...form.holidays, holiday].sort((a, b) => a.date.localeCompare(b.date)) });
              setHoliday({ date: '', name: '' });
            }}>Add</Button></td>
          </tr>
        </tbody>
      </table>
      <SaveBar s={s} />
    </form>
  );
}
