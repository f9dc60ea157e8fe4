// A worklog's attribute values as form fields: the draft a form keeps, the values
// it sends, the component's errors by key, and one input per definition. Shared
// by the worklog form and the timer.
import { Field } from './ui';
import type { AppError } from '../api/errors';
import type { Attribute, AttributeValues } from '../api/types.gen';

/** The form's inputs for a worklog's attribute values (none given: blank). */
export function attributeDraft(defs: Attribute[], values?: AttributeValues): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const d of defs) {
    const v = values?.[d.key];
    out[d.key] = d.type === 'boolean' ? v === true : v === undefined ? '' : String(v);
  }
  return out;
}

/** The values to send: blank fields left out, numbers as numbers (the component checks them). */
export function attributeValues(defs: Attribute[], draft: Record<string, string | boolean>): AttributeValues {
  const out: AttributeValues = {};
  for (const d of defs) {
    const v = draft[d.key];
    if (typeof v === 'boolean') out[d.key] = v;
    else if (v !== undefined && v.trim() !== '') {
      out[d.key] = d.type === 'number' && Number.isFinite(Number(v)) ? Number(v) : d.type === 'number' ? v.trim() : v;
    }
  }
  return out;
}

/** The component's error about one attribute (`field "attributes.work_type": …`), by key. */
export function attributeErrors(error: AppError | undefined): Record<string, string> {
  if (!error || error.code !== 'invalid-input') return {};
  const m = /field "attributes\.([a-z0-9_]+)": (.*)$/s.exec(error.detail);
  return m ? { [m[1]!]: m[2]! } : {};
}

export function shownValue(v: string | boolean | number): string {
  return typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v);
}

/** One input per definition: its label (a required one marked), the component's error under it. */
export function AttributeField({ def, value, error, onInput }: {
  def: Attribute; value: string | boolean; error?: string; onInput: (v: string | boolean) => void;
}) {
  const id = `attr-${def.key}`;
  const label = def.required ? `${def.name} *` : def.name;
  const common = {
    id, 'aria-required': def.required, 'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-msg` : undefined,
  };
  if (def.type === 'boolean') {
    return (
      <div class="field field-checkbox">
        <label class="checkbox" for={id}>
          <input type="checkbox" {...common} checked={value === true}
            onChange={(e) => onInput((e.target as HTMLInputElement).checked)} />
          <span>{label}</span>
        </label>
        {error && <div id={`${id}-msg`} class="field-error" role="alert">{error}</div>}
      </div>
    );
  }
  const text = typeof value === 'string' ? value : '';
  return (
    <Field id={id} label={label} error={error}>
      {def.type === 'select' ? (
        <select class="input" {...common} value={text}
          onChange={(e) => onInput((e.target as HTMLSelectElement).value)}>
          <option value="">{def.required ? 'Choose…' : '—'}</option>
          {(def.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      ) : (
        <input class="input" {...common} type={def.type === 'number' ? 'number' : 'text'}
          step={def.type === 'number' ? 'any' : undefined} value={text}
          onInput={(e) => onInput((e.target as HTMLInputElement).value)} />
      )}
    </Field>
  );
}
