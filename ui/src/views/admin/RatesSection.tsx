// Hourly rates (rate.list / rate.save, Jira administrators): one editable list
// saved as a whole, two lines per rate. People and projects are picked by name
// (people.search / project.search, as the administrator sees them in Jira) and
// kept as ids; saved rates show the names rate.list answers. The component
// checks everything; its error names the cell (`field "rates[3].hourly": …`),
// which is marked and explained in place.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { call } from '../../api/client';
import { AppError, toAppError } from '../../api/errors';
import type { Person, ProjectRef, Rate, RateListOutput } from '../../api/types.gen';
import { Picker } from '../../components/Picker';
import { Button, ErrorBanner } from '../../components/ui';
import { AdminSection, LoadedSection, fieldOf } from './parts';

type Scope = Rate['scope'];
/** A rate being edited: `person` and `project` are the ids sent; `personText` and `projectText` what the pickers show. */
type Row = {
  id: number; scope: Scope; person: string; personText: string; project: string; projectText: string;
  key: string; value: string; hourly: string; currency: string; effectiveFrom: string;
};
type Column = 'person' | 'project' | 'key' | 'value' | 'hourly' | 'currency' | 'effectiveFrom';

const SCOPES: Array<[Scope, string]> = [
  ['default', 'Everyone'], ['project', 'Project'], ['person', 'Person'], ['personProject', 'Person on project'], ['attribute', 'Attribute value'],
];
/** Which of the scope's fields a row uses. */
const USES: Record<Scope, Column[]> = {
  default: [], project: ['project'], person: ['person'], personProject: ['person', 'project'], attribute: ['key', 'value'],
};

/** How a project is shown: `KEY — Name`. */
export const projectLabel = (p: ProjectRef) => `${p.key} — ${p.name}`;

/** Names of the ids on the page: rate.list's, and each pick. */
type Names = { people: Map<string, string>; projects: Map<string, string> };

let nextId = 1;
const toRow = (r: Rate, names: Names): Row => ({
  id: nextId++, scope: r.scope,
  person: r.person ?? '', personText: r.person ? names.people.get(r.person) ?? r.person : '',
  project: r.project ?? '', projectText: r.project ? names.projects.get(r.project) ?? r.project : '',
  key: r.key ?? '', value: r.value ?? '',
  hourly: r.hourly, currency: r.currency, effectiveFrom: r.effectiveFrom,
});

/** The rate as sent: only the fields its scope uses, blank ones left out (the component says they are required). */
export function toRate(r: Row): Rate {
  const rate: Rate = { scope: r.scope, hourly: r.hourly.trim(), currency: r.currency.trim(), effectiveFrom: r.effectiveFrom };
  for (const f of USES[r.scope]) {
    const v = r[f].trim();
    if (v) (rate as Record<string, string>)[f] = v;
  }
  return rate;
}

/** The pickers' searches: two characters at least; a failure or an app without the operation offers nothing. */
const searchPeople = (q: string) =>
  q.length < 2 ? undefined : call('people.search', { query: q, limit: 10 }).then((r) => r.people);
const searchProjects = (q: string) =>
  q.length < 1 ? undefined : call('project.search', { query: q, limit: 10 }).then((r) => r.projects);

export function RatesSection() {
  return (
    <AdminSection id="rates" title="Hourly rates" intro="What an hour costs, for the Cost measure in reports. The most specific rate in effect on a worklog's day applies: attribute value, person on project, person, project, then everyone.">
      <LoadedSection op="rate.list" load={() => call('rate.list', {})} what="Set hourly rates per person, project or attribute value for costs in reports.">
        {(r) => <RatesEditor initial={r} />}
      </LoadedSection>
    </AdminSection>
  );
}

function RatesEditor({ initial }: { initial: RateListOutput }) {
  const names = useRef<Names>({
    people: new Map((initial.people ?? []).map((p) => [p.accountId, p.displayName])),
    projects: new Map((initial.projects ?? []).map((p) => [p.id, projectLabel(p)])),
  });
  const [rows, setRows] = useState<Row[]>(() => initial.rates.map((r) => toRow(r, names.current)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError>();
  const [saved, setSaved] = useState(false);
  const bad = fieldOf(error, 'rates');
  const update = (i: number, patch: Partial<Row>) => {
    setSaved(false);
    setRows((all) => all.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const r = await call('rate.save', { rates: rows.map(toRate) });
      setRows(r.rates.map((x) => toRow(x, names.current)));
      setSaved(true);
    } catch (err) {
      setError(toAppError('rate.save', err));
    } finally {
      setBusy(false);
    }
  };
  const today = new Date().toISOString().slice(0, 10);
  const add = () => setRows([...rows, {
    id: nextId++, scope: 'default', person: '', personText: '', project: '', projectText: '', key: '', value: '', hourly: '',
    currency: rows[0]?.currency ?? 'EUR', effectiveFrom: today,
  }]);

  /** One field of rate `i`: its visible label, the control, and the component's message when it names this cell. */
  const cell = (i: number, r: Row, f: Column | 'scope', label: string, control: (a: Record<string, unknown>) => JSX.Element, name = label) => {
    const invalid = bad && bad.index === i && bad.field === f;
    const msgId = `rate-${r.id}-${f}-msg`;
    const id = `rate-${r.id}-${f}`;
    return (
      <div class={`rate-field rate-${f}${invalid ? ' cell-invalid' : ''}`}>
        <label class="field-label" for={id}>{label}</label>
        {control({
          id, 'aria-label': `${name}, rate ${i + 1}`, 'data-field': `rates[${i}].${f}`,
          'aria-invalid': invalid || undefined, 'aria-describedby': invalid ? msgId : undefined,
        })}
        {invalid && <div id={msgId} class="field-error" role="alert">{bad.message}</div>}
      </div>
    );
  };
  const used = (r: Row, f: Column) => USES[r.scope].includes(f);
  const text = (i: number, r: Row, f: 'key' | 'value' | 'hourly' | 'currency' | 'effectiveFrom', label: string, extra: Record<string, unknown> = {}, name = label) =>
    cell(i, r, f, label, (a) => {
      const on = f === 'hourly' || f === 'currency' || f === 'effectiveFrom' || used(r, f);
      return (
        <input class="input" {...a} value={on ? r[f] : ''} disabled={!on}
          onInput={(e) => update(i, { [f]: (e.target as HTMLInputElement).value } as Partial<Row>)} {...extra} />
      );
    }, name);

  return (
    <form onSubmit={submit} noValidate>
      <div class="rates-list" data-testid="rates-table" role="list" aria-label="Hourly rates">
        {rows.length === 0 && <p class="muted">No rates yet: reports show no cost until there is one.</p>}
        {rows.map((r, i) => (
          <div key={r.id} class="rate-item" role="listitem">
            <div class="rate-grid" role="group" aria-label={`Rate ${i + 1}`}>
              {cell(i, r, 'scope', 'Applies to', (a) => (
                <select class="input" {...a} value={r.scope}
                  onChange={(e) => update(i, { scope: (e.target as HTMLSelectElement).value as Scope })}>
                  {SCOPES.map(([s, label]) => <option key={s} value={s}>{label}</option>)}
                </select>
              ))}
              {cell(i, r, 'person', 'Person', (a) => used(r, 'person') ? (
                <Picker<Person>
                  {...a} id={a.id as string} class="input" floating placeholder="Type a name"
                  text={r.personText} onText={(t) => update(i, { personText: t, person: '' })}
                  search={searchPeople} listLabel={`People matching, rate ${i + 1}`}
                  optionKey={(p) => p.accountId} render={(p) => p.displayName}
                  onPick={(p) => { names.current.people.set(p.accountId, p.displayName); update(i, { person: p.accountId, personText: p.displayName }); }}
                />
              ) : <input class="input" {...a} value="" disabled />)}
              {cell(i, r, 'project', 'Project', (a) => used(r, 'project') ? (
                <Picker<ProjectRef>
                  {...a} id={a.id as string} class="input" floating placeholder="Key or name"
                  text={r.projectText} onText={(t) => update(i, { projectText: t, project: '' })}
                  search={searchProjects} listLabel={`Projects matching, rate ${i + 1}`}
                  optionKey={(p) => p.id} render={(p) => <><strong>{p.key}</strong> — {p.name}</>}
                  onPick={(p) => { names.current.projects.set(p.id, projectLabel(p)); update(i, { project: p.id, projectText: projectLabel(p) }); }}
                />
              ) : <input class="input" {...a} value="" disabled />)}
              {text(i, r, 'key', 'Attribute key', { placeholder: 'work_type' })}
              {text(i, r, 'value', 'Attribute value')}
              {text(i, r, 'hourly', 'Per hour', { inputMode: 'decimal', placeholder: '95.50' }, 'Amount per hour')}
              {text(i, r, 'currency', 'Currency', { maxLength: 3, placeholder: 'EUR', class: 'input input-currency' })}
              {text(i, r, 'effectiveFrom', 'Effective from', { type: 'date' })}
              <div class="rate-field rate-remove">
                <Button appearance="subtle" aria-label={`Remove rate ${i + 1}`} onClick={() => { setSaved(false); setRows(rows.filter((_, j) => j !== i)); }}>Remove</Button>
              </div>
            </div>
          </div>
        ))}
      </div>
      <Button onClick={add}>Add rate</Button>
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      <div class="form-actions">
        <Button appearance="primary" type="submit" busy={busy}>Save rates</Button>
        <span role="status" aria-live="polite" class="small success-text">{saved ? 'Saved.' : ''}</span>
      </div>
    </form>
  );
}
