// The admin page's rounding section: the site's rule (none, up, down, nearest; an
// increment in minutes; per worklog), whether it also rounds time entered by hand,
// and the longest a timer may run before the scheduled job stops it. The preview
// is the component's own rounding (`rounding.preview`) of a few sample durations.
import { useEffect, useState } from 'preact/hooks';
import { call, type In, type Out } from '../../api/client';
import { toAppError, type AppError } from '../../api/errors';
import { Button, ErrorBanner, Field } from '../../components/ui';
import { useAction } from '../../lib/hooks';
import { useFormat } from '../../lib/session';
import { AdminSection, LoadedSection } from './parts';

type Settings = Out<'rounding.get'>;
type Mode = Settings['rule']['mode'];

/** Durations people log often: the preview rounds each and their sum. */
const SAMPLES = [7 * 60, 20 * 60, 20 * 60, 20 * 60, 52 * 60, 65 * 60];

const MODES: Array<{ id: Mode; label: string }> = [
  { id: 'none', label: 'None: log time as it ran' },
  { id: 'up', label: 'Up to the next increment' },
  { id: 'down', label: 'Down to the previous increment' },
  { id: 'nearest', label: 'To the nearest increment (halves up)' },
];

interface Draft {
  mode: Mode;
  increment: string;
  applyToManual: boolean;
  limitHours: string;
}

function draftOf(s: Settings): Draft {
  return {
    mode: s.rule.mode,
    increment: String(s.rule.incrementMinutes),
    applyToManual: s.applyToManual,
    limitHours: String(s.timerLimitMinutes / 60),
  };
}

/** The input the operations take; numbers as typed, so the component names a bad one. */
function inputOf(d: Draft): In<'rounding.save'> {
  const increment = Number(d.increment);
  const hours = Number(d.limitHours);
  return {
    rule: { mode: d.mode, incrementMinutes: (Number.isFinite(increment) ? increment : d.increment) as number, target: 'perWorklog' },
    applyToManual: d.applyToManual,
    timerLimitMinutes: (Number.isFinite(hours) ? Math.round(hours * 60) : d.limitHours) as number,
  };
}

/** The component's error about one field (`field "rule.incrementMinutes": …`), by field. */
function fieldError(error: AppError | undefined, field: string): string | undefined {
  if (!error || error.code !== 'invalid-input') return undefined;
  return error.detail.includes(`"${field}"`) ? error.detail : undefined;
}

export function RoundingSection() {
  return (
    <AdminSection id="rounding" title="Rounding and timers"
      intro="How logged time is rounded: always for timers, and for time entered by hand when you choose. Each worklog is rounded on its own, in whole seconds.">
      <LoadedSection op="rounding.get" load={() => call('rounding.get', {})} what="Rounding rules for timers and logged time.">
        {(settings) => <RoundingForm settings={settings} />}
      </LoadedSection>
    </AdminSection>
  );
}

function RoundingForm({ settings }: { settings: Settings }) {
  const format = useFormat();
  const [draft, setDraft] = useState(() => draftOf(settings));
  const [saved, setSaved] = useState(false);
  const [preview, setPreview] = useState<Out<'rounding.preview'>>();
  const [previewError, setPreviewError] = useState<AppError>();
  const save = useAction();
  const set = (patch: Partial<Draft>) => { setSaved(false); setDraft((d) => ({ ...d, ...patch })); };

  // The preview follows the draft, a moment after the last keystroke.
  useEffect(() => {
    const rule = inputOf(draft).rule;
    const id = setTimeout(() => {
      call('rounding.preview', { rule, seconds: SAMPLES }).then(
        (p) => { setPreview(p); setPreviewError(undefined); },
        (e) => { setPreview(undefined); setPreviewError(toAppError('rounding.preview', e)); },
      );
    }, 250);
    return () => clearTimeout(id);
  }, [draft.mode, draft.increment]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await save.run('rounding.save', () => call('rounding.save', inputOf(draft)));
    if (r) { setDraft(draftOf(r)); setSaved(true); }
  };
  const incrementError = fieldError(save.error, 'rule.incrementMinutes') ?? fieldError(previewError, 'rule.incrementMinutes');
  const limitError = fieldError(save.error, 'timerLimitMinutes');

  return (
    <form class="form" onSubmit={submit} noValidate>
      <fieldset class="fieldset">
        <legend class="field-label">Round</legend>
        <div class="radio-row">
          {MODES.map((m) => (
            <label class="radio" key={m.id}>
              <input type="radio" name="rounding-mode" value={m.id} checked={draft.mode === m.id}
                onChange={() => set({ mode: m.id })} />
              <span>{m.label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div class="form-row">
        <Field id="rounding-increment" label="Increment (minutes)" error={incrementError}>
          <input id="rounding-increment" class="input" type="number" min={1} max={1440} step={1}
            disabled={draft.mode === 'none'} value={draft.increment}
            aria-invalid={incrementError ? true : undefined}
            onInput={(e) => set({ increment: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="timer-limit" label="Stop forgotten timers after (hours)" error={limitError}
          help="A timer still running then, or at midnight in its owner's zone, is stopped and left for them to log or discard.">
          <input id="timer-limit" class="input" type="number" min={0.25} step={0.25} value={draft.limitHours}
            aria-invalid={limitError ? true : undefined}
            onInput={(e) => set({ limitHours: (e.target as HTMLInputElement).value })} />
        </Field>
      </div>
      <label class="checkbox">
        <input type="checkbox" checked={draft.applyToManual}
          onChange={(e) => set({ applyToManual: (e.target as HTMLInputElement).checked })} />
        <span>Also round time entered by hand (logging and editing worklogs)</span>
      </label>
      <div class="rounding-preview" aria-live="polite" data-testid="rounding-preview">
        <h3 class="field-label">Preview</h3>
        {preview ? (
          <table class="table table-compact">
            <thead><tr><th scope="col">Ran</th><th scope="col" class="num">Logged</th></tr></thead>
            <tbody>
              {preview.results.map((r, i) => (
                <tr key={i}><td>{format(r.seconds)}</td><td class="num"><strong>{format(r.rounded)}</strong></td></tr>
              ))}
              <tr class="total-row"><th scope="row">Total</th><td class="num"><strong>{format(preview.total.rounded)}</strong>
                <span class="muted"> of {format(preview.total.seconds)}</span></td></tr>
            </tbody>
          </table>
        ) : previewError && !incrementError ? (
          <ErrorBanner error={previewError} />
        ) : null}
      </div>
      {save.error && !incrementError && !limitError && <ErrorBanner error={save.error} onDismiss={() => save.setError(undefined)} />}
      <div class="form-actions">
        <Button appearance="primary" type="submit" busy={save.busy}>Save rounding</Button>
        <span role="status" aria-live="polite" class="small success-text">{saved ? 'Saved.' : ''}</span>
      </div>
    </form>
  );
}
