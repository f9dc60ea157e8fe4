// The worklog journal (journal.settings.get, journal.settings.save; Jira
// administrators): how long every version of every worklog is kept (days,
// years or forever), whether comments are kept ("store as little as
// possible" when off), and how many versions the journal holds and about how
// many bytes.
import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import { AppError, toAppError } from '../../api/errors';
import type { JournalSettingsGetOutput } from '../../api/types.gen';
import { Button, ErrorBanner, Field } from '../../components/ui';
import { formatBytes } from '../../lib/download';
import { fieldError } from './fields';
import { AdminSection, LoadedSection } from './parts';

/** The component's limit: 1 to 36,525 days, or forever; a year here is 365 days. */
const MAX_DAYS = 36_525;

type Unit = 'forever' | 'days' | 'years';

function initialForm(days: number | null): { unit: Unit; value: string } {
  if (days === null) return { unit: 'forever', value: '365' };
  if (days >= 365 && days % 365 === 0) return { unit: 'years', value: String(days / 365) };
  return { unit: 'days', value: String(days) };
}

/** The retention as days (null: forever), or the field's error. */
function toDays(unit: Unit, value: string): { days: number | null; error?: string } {
  if (unit === 'forever') return { days: null };
  const n = Number(value.trim());
  if (unit === 'days') {
    return Number.isInteger(n) && n >= 1 && n <= MAX_DAYS ? { days: n } : { days: null, error: `Between 1 and ${MAX_DAYS.toLocaleString('en')} days.` };
  }
  return Number.isInteger(n) && n >= 1 && n <= 100 ? { days: n * 365 } : { days: null, error: 'Between 1 and 100 years.' };
}

export function JournalSection() {
  return (
    <AdminSection id="journal" title="Worklog journal" intro="Every version of every worklog the app sees (its own writes, Jira's events and the syncs), deletions included, so that worklogs deleted or changed by mistake can be restored below.">
      <LoadedSection op="journal.settings.get" load={() => call('journal.settings.get', {})} what="Keep every version of every worklog, for a chosen time, to restore deleted or changed worklogs.">
        {(settings, reload) => <JournalForm initial={settings} reload={reload} />}
      </LoadedSection>
    </AdminSection>
  );
}

function JournalForm({ initial, reload }: { initial: JournalSettingsGetOutput; reload: () => void }) {
  const first = initialForm(initial.retentionDays);
  const [unit, setUnit] = useState<Unit>(first.unit);
  const [value, setValue] = useState(first.value);
  const [comments, setComments] = useState(initial.comments);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError>();
  const [done, setDone] = useState(false);
  const [touched, setTouched] = useState(false);
  const retention = toDays(unit, value);
  const serverRetention = fieldError(error, 'retentionDays');
  const serverComments = fieldError(error, 'comments');
  const retentionError = (touched && retention.error) || serverRetention;

  const save = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (retention.error) return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await call('journal.settings.save', { retentionDays: retention.days, comments });
      setDone(true);
      reload();
    } catch (err) {
      setError(toAppError('journal.settings.save', err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save} noValidate data-testid="journal-settings">
      <p data-testid="journal-size">
        <strong>{initial.versions.toLocaleString()}</strong> {initial.versions === 1 ? 'version' : 'versions'} kept,
        {' '}about <strong>{formatBytes(initial.approxBytes)}</strong>
        {initial.measured ? '.' : ' (estimated from MariaDB\'s bytes per version: Forge SQL\'s were not measured).'}
      </p>
      <fieldset class="fieldset">
        <legend class="field-label">Keep versions</legend>
        <div class="form-row">
          <label class="radio"><input type="radio" name="journal-unit" checked={unit === 'forever'} onChange={() => setUnit('forever')} /> Forever</label>
          <label class="radio"><input type="radio" name="journal-unit" checked={unit === 'years'} onChange={() => { setUnit('years'); setValue('1'); }} /> For years</label>
          <label class="radio"><input type="radio" name="journal-unit" checked={unit === 'days'} onChange={() => { setUnit('days'); setValue('90'); }} /> For days</label>
        </div>
      </fieldset>
      {unit !== 'forever' && (
        <Field id="journal-retention" label={unit === 'days' ? 'Days' : 'Years'} error={retentionError}
          help="Versions seen longer ago are pruned by the daily job; a worklog Jira still has keeps its current version.">
          <input id="journal-retention" class="input input-short" inputMode="numeric" value={value}
            aria-invalid={retentionError ? true : undefined} aria-describedby="journal-retention-msg"
            onInput={(e) => { setValue((e.target as HTMLInputElement).value); setTouched(true); }} />
        </Field>
      )}
      <div class="field">
        <label class="checkbox" for="journal-comments">
          <input id="journal-comments" type="checkbox" checked={comments} aria-describedby="journal-comments-msg"
            onChange={(e) => setComments((e.target as HTMLInputElement).checked)} /> Store comments
        </label>
        {serverComments
          ? <div id="journal-comments-msg" class="field-error" role="alert">{serverComments}</div>
          : <div id="journal-comments-msg" class="field-help">Off: store as little as possible. No comment text is kept from then on, and the comments already kept are cleared by the daily job; a worklog restored later comes back without its comment.</div>}
      </div>
      {error && !serverRetention && !serverComments && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      <div class="form-actions">
        <Button appearance="primary" type="submit" busy={busy}>Save</Button>
        <span role="status" aria-live="polite" class="small success-text">{done ? 'Saved.' : ''}</span>
      </div>
    </form>
  );
}
