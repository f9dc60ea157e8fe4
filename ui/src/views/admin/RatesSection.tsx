// Hourly rates (rate.list / rate.save, Jira administrators): one editable table
// saved as a whole. The component checks everything; its error names the cell
// (`field "rates[3].hourly": …`), which is marked and explained in place.
import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import { AppError, toAppError } from '../../api/errors';
import type { Rate } from '../../api/types.gen';
import { Button, ErrorBanner } from '../../components/ui';
import { AdminSection, LoadedSection, fieldOf } from './parts';

type Scope = Rate['scope'];
type Row = { id: number; scope: Scope; person: string; project: string; key: string; value: string; hourly: string; currency: string; effectiveFrom: string };
type Column = 'person' | 'project' | 'key' | 'value' | 'hourly' | 'currency' | 'effectiveFrom';

const SCOPES: Array<[Scope, string]> = [
  ['default', 'Everyone'], ['project', 'Project'], ['person', 'Person'], ['personProject', 'Person on project'], ['attribute', 'Attribute value'],
];
/** Which of the scope's fields a row uses. */
const USES: Record<Scope, Column[]> = {
  default: [], project: ['project'], person: ['person'], personProject: ['person', 'project'], attribute: ['key', 'value'],
};

let nextId = 1;
const toRow = (r: Rate): Row => ({
  id: nextId++, scope: r.scope, person: r.person ?? '', project: r.project ?? '', key: r.key ?? '', value: r.value ?? '',
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

export function RatesSection() {
  return (
    <AdminSection id="rates" title="Hourly rates" intro="What an hour costs, for the Cost measure in reports. The most specific rate in effect on a worklog's day applies: attribute value, person on project, person, project, then everyone.">
      <LoadedSection op="rate.list" load={() => call('rate.list', {})} what="Set hourly rates per person, project or attribute value for costs in reports.">
        {(r) => <RatesEditor initial={r.rates} />}
      </LoadedSection>
    </AdminSection>
  );
}

function RatesEditor({ initial }: { initial: Rate[] }) {
  const [rows, setRows] = useState<Row[]>(() => initial.map(toRow));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError>();
  const [saved, setSaved] = useState(false);
  const bad = fieldOf(error, 'rates');
  const update = (i: number, patch: Partial<Row>) => {
    setSaved(false);
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const r = await call('rate.save', { rates: rows.map(toRate) });
      setRows(r.rates.map(toRow));
      setSaved(true);
    } catch (err) {
      setError(toAppError('rate.save', err));
    } finally {
      setBusy(false);
    }
  };
  const today = new Date().toISOString().slice(0, 10);
  const add = () => setRows([...rows, { id: nextId++, scope: 'default', person: '', project: '', key: '', value: '', hourly: '', currency: rows[0]?.currency ?? 'EUR', effectiveFrom: today }]);

  const cell = (i: number, r: Row, f: Column, label: string, extra: Record<string, unknown> = {}) => {
    const used = f === 'hourly' || f === 'currency' || f === 'effectiveFrom' || USES[r.scope].includes(f);
    const invalid = bad && bad.index === i && bad.field === f;
    const msgId = `rate-${r.id}-${f}-msg`;
    return (
      <td class={invalid ? 'cell-invalid' : undefined}>
        <input class="input" aria-label={`${label}, rate ${i + 1}`} data-field={`rates[${i}].${f}`} value={used ? r[f] : ''} disabled={!used}
          aria-invalid={invalid || undefined} aria-describedby={invalid ? msgId : undefined}
          onInput={(e) => update(i, { [f]: (e.target as HTMLInputElement).value } as Partial<Row>)} {...extra} />
        {invalid && <div id={msgId} class="field-error" role="alert">{bad.message}</div>}
      </td>
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <div class="table-scroll">
        <table class="table rates-table" data-testid="rates-table">
          <thead>
            <tr>
              <th scope="col">Applies to</th><th scope="col">Person (account id)</th><th scope="col">Project id</th>
              <th scope="col">Attribute key</th><th scope="col">Attribute value</th><th scope="col">Per hour</th>
              <th scope="col">Currency</th><th scope="col">Effective from</th><th />
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && <tr><td colSpan={9} class="muted">No rates yet: reports show no cost until there is one.</td></tr>}
            {rows.map((r, i) => (
              <tr key={r.id}>
                <td class={bad && bad.index === i && bad.field === 'scope' ? 'cell-invalid' : undefined}>
                  <select class="input" aria-label={`Applies to, rate ${i + 1}`} value={r.scope}
                    onChange={(e) => update(i, { scope: (e.target as HTMLSelectElement).value as Scope })}>
                    {SCOPES.map(([s, label]) => <option key={s} value={s}>{label}</option>)}
                  </select>
                </td>
                {cell(i, r, 'person', 'Person account id', { placeholder: '5b10…' })}
                {cell(i, r, 'project', 'Project id', { inputMode: 'numeric', placeholder: '10000', class: 'input input-short' })}
                {cell(i, r, 'key', 'Attribute key', { placeholder: 'work_type' })}
                {cell(i, r, 'value', 'Attribute value')}
                {cell(i, r, 'hourly', 'Amount per hour', { inputMode: 'decimal', placeholder: '95.50', class: 'input input-short' })}
                {cell(i, r, 'currency', 'Currency', { maxLength: 3, placeholder: 'EUR', class: 'input input-currency' })}
                {cell(i, r, 'effectiveFrom', 'Effective from', { type: 'date' })}
                <td><Button appearance="subtle" aria-label={`Remove rate ${i + 1}`} onClick={() => { setSaved(false); setRows(rows.filter((_, j) => j !== i)); }}>✕</Button></td>
              </tr>
            ))}
          </tbody>
        </table>
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
