// What every view needs once: who the user is, the site's time tracking settings
// and the core (loaded lazily, in parallel with the first calls).
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { call } from '../api/client';
import { AppError, toAppError } from '../api/errors';
import type { MeOutput, TimeTrackingSettings } from '../api/types.gen';
import type { AppContext } from '../bridge';
import { coreFor, type Core } from '../core';
import { bcp47 } from './time';

export interface Session {
  ctx: AppContext;
  me: MeOutput;
  settings: TimeTrackingSettings;
  /** null until the core's JavaScript has loaded. */
  core: Core | null;
  locale: string;
  timeZone: string;
  setSettings(s: TimeTrackingSettings): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

const DEFAULTS: TimeTrackingSettings = {
  hoursPerDay: 8, daysPerWeek: 5, timeFormat: 'pretty', defaultUnit: 'minute', source: 'default',
};

export function SessionProvider(props: {
  ctx: AppContext;
  children: ComponentChildren;
  fallback: (error?: AppError) => ComponentChildren;
}) {
  const [me, setMe] = useState<MeOutput>();
  const [settings, setSettings] = useState<TimeTrackingSettings>();
  const [core, setCore] = useState<Core | null>(null);
  const [error, setError] = useState<AppError>();

  useEffect(() => {
    call('me', {}).then(setMe, (e) => setError(toAppError('me', e)));
    // Settings are best effort: without them, Jira's defaults.
    call('timetracking.settings', {}).then(setSettings, () => setSettings(DEFAULTS));
  }, []);

  useEffect(() => {
    if (!settings) return;
    coreFor(settings).then(setCore, (e) => setError(toAppError('core', e)));
  }, [settings]);

  if (error) return <>{props.fallback(error)}</>;
  if (!me || !settings) return <>{props.fallback()}</>;
  const session: Session = {
    ctx: props.ctx,
    me,
    settings,
    core,
    locale: bcp47(me.locale || props.ctx.locale),
    timeZone: me.timeZone || props.ctx.timeZone || 'UTC',
    setSettings,
  };
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}

/**
 * Seconds for people, with the core's formatter once it is there: in the site's
 * style, or in `style` (the timesheet counts in hours).
 */
export function useFormat(style?: 'pretty' | 'days' | 'hours') {
  const { core, settings } = useSession();
  return (seconds: number) => {
    if (core) return core.format(seconds, style);
    // Until the core loads: hours and minutes (never shown for long).
    const h = Math.floor(seconds / 3600);
    const m = Math.round((seconds % 3600) / 60);
    return seconds === 0 ? ((style ?? settings.timeFormat) === 'hours' ? '0h' : '0m') : [h && `${h}h`, m && `${m}m`].filter(Boolean).join(' ');
  };
}
