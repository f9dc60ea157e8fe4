// The person's shortfall, near the top of the global page: the time missing in
// this period and the last (the site's week), with the short days. Which days are
// short is the component's rule (`timesheet.shortfall`); this only shows it.
import { useEffect } from 'preact/hooks';
import type { PeriodBalance as Balance } from '../api/types.gen';
import { call } from '../api/client';
import { useLoad } from '../lib/hooks';
import { useFormat, useSession } from '../lib/session';
import { dateLabel } from '../lib/time';
import { TIME_CHANGED } from '../lib/timesheet';

export function Shortfall() {
  const [state, reload] = useLoad(() => call('timesheet.shortfall', {}), [], 'timesheet.shortfall');
  useEffect(() => {
    window.addEventListener(TIME_CHANGED, reload);
    return () => window.removeEventListener(TIME_CHANGED, reload);
  }, [reload]);
  // A component without the operation, or a failure: the timesheet below still works.
  if (state.state !== 'ready') return null;
  const { current, previous } = state.value;
  return (
    <section class="shortfall" aria-labelledby="shortfall-title" data-testid="shortfall">
      <h2 id="shortfall-title" class="visually-hidden">Missing time</h2>
      <Period title="This week" balance={current} testid="shortfall-current" />
      <Period title="Last week" balance={previous} testid="shortfall-previous" />
    </section>
  );
}

function Period({ title, balance, testid }: { title: string; balance: Balance; testid: string }) {
  const { locale } = useSession();
  const format = useFormat('hours');
  const short = balance.shortSeconds > 0;
  const day = (d: string) => dateLabel(d, locale, { weekday: 'short', day: 'numeric', month: 'short' });
  return (
    <div class={`shortfall-period${short ? ' short' : ' complete'}`} data-testid={testid}>
      <h3 class="shortfall-title">
        {title} <span class="muted small">{day(balance.first)} – {day(balance.last)}</span>
      </h3>
      <p class="shortfall-figure">
        {short ? (
          <><span aria-hidden="true">! </span><strong>{format(balance.shortSeconds)} missing</strong></>
        ) : (
          <><span aria-hidden="true">✓ </span><strong>Nothing missing</strong></>
        )}
        <span class="muted small"> · {format(balance.loggedSeconds)} logged of {format(balance.requiredToDateSeconds)} required so far ({format(balance.requiredSeconds)} in all)</span>
      </p>
      {short && (
        <ul class="shortfall-days small" aria-label={`Short days, ${title.toLowerCase()}`}>
          {balance.shortDays.map((d) => (
            <li key={d.date}>
              {day(d.date)}: {format(d.shortSeconds)} short{d.holiday ? ` (${d.holiday})` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
