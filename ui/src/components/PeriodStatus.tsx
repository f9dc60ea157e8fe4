// The approval state of the timesheet's period, above the grid: its state, what
// was logged against what is required, the reviewer's comment when it was sent
// back, and Submit (which shows the short days first). Every rule is the
// component's (`approval.status`, `approval.submit`): a refusal is shown as it says.
import { useState } from 'preact/hooks';
import type { ApprovalSettings, Status } from '../api/approvals';
import { isLocked, stateLabel, STATE } from '../lib/approvals';
import { call } from '../api/client';
import { useAction } from '../lib/hooks';
import { useFormat, useSession } from '../lib/session';
import { dateLabel } from '../lib/time';
import { announceTimeChanged } from '../lib/timesheet';
import { Button, ErrorBanner, Lozenge } from './ui';

export function PeriodStatus({ status, onChange }: { status: Status; onChange: (s: Status) => void }) {
  const { locale } = useSession();
  const format = useFormat('hours');
  const [confirming, setConfirming] = useState(false);
  // The site's rule, read when the person asks to submit (to say it before the component refuses).
  const [settings, setSettings] = useState<ApprovalSettings>();
  const [warnings, setWarnings] = useState<string[]>();
  const submit = useAction();
  const { state, balance } = status;
  const day = (d: string) => dateLabel(d, locale, { day: 'numeric', month: 'short' });
  const range = `${day(status.start)} – ${dateLabel(status.end, locale, { day: 'numeric', month: 'short', year: 'numeric' })}`;
  const short = balance.shortDays.filter((d) => d.shortSeconds > 0);
  // A rejected period is open again, with the rejection as its last decision.
  const rejection = state === 'open' && status.decision?.action === 'rejected' ? status.decision : undefined;

  const ask = () => {
    setConfirming(true);
    setWarnings(undefined);
    call('approval.settings.get', {}).then(setSettings, () => {});
  };
  const send = async () => {
    const r = await submit.run('approval.submit', () => call('approval.submit', { date: status.start }));
    if (r) {
      setConfirming(false);
      setWarnings(r.warnings?.length ? r.warnings : undefined);
      onChange(r);
      announceTimeChanged();
    }
  };

  return (
    <section class={`period-status period-${state}`} aria-labelledby="period-title" data-testid="period-status">
      <div class="period-head">
        <h3 id="period-title" class="period-title">
          Period {range} <Lozenge tone={STATE[state]?.tone ?? 'default'}><span data-testid="period-state">{stateLabel(state)}</span></Lozenge>
        </h3>
        <span class="small muted" data-testid="period-figures">
          {format(balance.loggedSeconds)} logged of {format(balance.requiredSeconds)} required
        </span>
        {state === 'open' && !confirming && (
          <Button appearance="primary" onClick={ask}>Submit for approval</Button>
        )}
      </div>
      {isLocked(state) && (
        <p class="small period-lock" data-testid="period-lock">
          {state === 'approved'
            ? 'Approved: the time of this period is locked. A reviewer can reopen it.'
            : 'Submitted: the time of this period is locked until a reviewer approves it or sends it back.'}
        </p>
      )}
      {rejection && (
        <div class="banner banner-info period-rejection" role="note" data-testid="rejection">
          <div class="banner-body">
            <strong class="banner-title">Sent back by your reviewer on {dateLabel(rejection.at.slice(0, 10), locale, { day: 'numeric', month: 'short' })}</strong>
            <p class="comment-text" data-testid="rejection-reason">{rejection.reason}</p>
            <p class="small muted">Change what is needed, then submit again.</p>
          </div>
        </div>
      )}
      {warnings && (
        <div class="banner banner-info" role="status" data-testid="submit-warnings">
          <div class="banner-body"><strong class="banner-title">Submitted, with short days</strong>
            <ul class="small">{warnings.map((w) => <li key={w}>{w}</li>)}</ul></div>
        </div>
      )}
      {confirming && (
        <div class="period-confirm" role="group" aria-labelledby="confirm-title" data-testid="submit-confirm">
          <p id="confirm-title"><strong>Submit {range}?</strong> You logged {format(balance.loggedSeconds)} of {format(balance.requiredSeconds)} required.
            {' '}Once submitted, the period's time is locked until a reviewer approves it or sends it back.</p>
          {short.length > 0 && (
            <div class="period-short" role="alert">
              <p><span aria-hidden="true">! </span>{short.length === 1 ? 'One day is' : `${short.length} days are`} short:</p>
              <ul class="small" aria-label="Short days">
                {short.map((d) => (
                  <li key={d.date}>{dateLabel(d.date, locale, { weekday: 'short', day: 'numeric', month: 'short' })}: {format(d.shortSeconds)} short ({format(d.loggedSeconds)} of {format(d.requiredSeconds)})</li>
                ))}
              </ul>
              {settings?.requireRequiredTime && <p class="small"><strong>This site requires the required time to be logged before submitting:</strong> log the missing time first.</p>}
            </div>
          )}
          {submit.error && <ErrorBanner error={submit.error} onDismiss={() => submit.setError(undefined)} />}
          <div class="form-actions">
            <Button appearance="primary" busy={submit.busy} onClick={() => void send()}>
              {short.length ? 'Submit anyway' : 'Submit'}
            </Button>
            <Button appearance="subtle" onClick={() => { setConfirming(false); submit.setError(undefined); }}>Cancel</Button>
          </div>
        </div>
      )}
    </section>
  );
}
