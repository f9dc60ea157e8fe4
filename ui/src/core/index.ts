// The core's pure functions (wasm/web, crate worklogs-web) as plain JavaScript,
// loaded lazily: scripts/build-web.sh writes ./gen/, Vite splits it into its own
// chunk. Never WebAssembly: Forge's CSP forbids compiling it.
import type { TimeTrackingSettings } from '../api/types.gen';

type Gen = typeof import('./gen/worklogs_web.js');

export interface Core {
  /** Whole seconds from Jira's duration syntax; throws a CoreError (reason, message, position). */
  parse(text: string): number;
  parseNonzero(text: string): number;
  format(seconds: number, style?: 'pretty' | 'days' | 'hours'): string;
  hours(seconds: number, decimals?: number): string;
  totalHours(parts: number[], decimals?: number): string;
  raw: Gen;
}

export interface CoreError {
  reason: string;
  message: string;
  position?: number;
  field?: string;
}

let loading: Promise<Gen> | undefined;

/** Starts loading the core (idempotent). */
export function loadCore(): Promise<Gen> {
  loading ??= import('./gen/worklogs_web.js');
  return loading;
}

/** The core, set up with the site's time tracking settings. */
export async function coreFor(settings?: TimeTrackingSettings): Promise<Core> {
  const gen = await loadCore();
  const json = settings
    ? JSON.stringify({
        workingHoursPerDay: settings.hoursPerDay,
        workingDaysPerWeek: settings.daysPerWeek,
        timeFormat: settings.timeFormat,
        defaultUnit: settings.defaultUnit,
      })
    : '';
  const tt = new gen.TimeTracking(json);
  return {
    parse: (text) => tt.parse(text),
    parseNonzero: (text) => tt.parseNonzero(text),
    format: (seconds, style) => tt.format(seconds, style),
    hours: (seconds, decimals) => gen.secondsToHours(seconds, decimals),
    totalHours: (parts, decimals) => gen.totalHours(new Float64Array(parts), decimals),
    raw: gen,
  };
}

/** A thrown core error's fields (or a plain message). */
export function coreError(err: unknown): CoreError {
  if (err && typeof err === 'object' && 'reason' in err && 'message' in err) {
    const e = err as { reason: string; message: string; position?: number; field?: string };
    return { reason: e.reason, message: e.message, position: e.position, field: e.field };
  }
  return { reason: 'unknown', message: String(err) };
}
