// Civil dates and times in a person's zone, with the platform's Intl (no library).
// Dates are `yyyy-MM-dd` strings; their arithmetic runs in UTC so it never meets DST.

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Jira's locale (`de_DE`) as a BCP 47 tag (`de-DE`). */
export function bcp47(locale?: string): string {
  const tag = (locale ?? '').replace(/_/g, '-');
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

/** The civil date and time of an instant in a zone. */
export function civil(ms: number, timeZone: string) {
  const p: Record<string, string> = {};
  for (const part of zoneFormat(timeZone).formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    time: `${p.hour}:${p.minute}`,
    seconds: Number(p.second),
  };
}

/** The zone's UTC offset at an instant, in minutes. */
export function offsetMinutes(ms: number, timeZone: string): number {
  const c = civil(ms, timeZone);
  const [y, m, d] = c.date.split('-').map(Number);
  const [hh, mm] = c.time.split(':').map(Number);
  const asUtc = Date.UTC(y, m - 1, d, hh, mm, c.seconds);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/**
 * The instant of a local date and time in a zone. In a repeated hour (clocks fall
 * back) the earlier pass; in a gap (clocks jump forward) the time moves forward by
 * the gap's length, as the core does.
 */
export function instantOf(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const local = Date.UTC(y, m - 1, d, hh, mm);
  const day = 86_400_000;
  const before = offsetMinutes(local - day, timeZone);
  const after = offsetMinutes(local + day, timeZone);
  const valid = [before, after]
    .map((o) => local - o * 60000)
    .filter((t) => offsetMinutes(t, timeZone) * 60000 === local - t)
    .sort((a, b) => a - b);
  return valid[0] ?? local - before * 60000;
}

/** RFC 3339 with the zone's offset: what `worklog.log` takes as `started`. */
export function startedAt(date: string, time: string, timeZone: string): string {
  const ms = instantOf(date, time, timeZone);
  const c = civil(ms, timeZone);
  const off = offsetMinutes(ms, timeZone);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${c.date}T${c.time}:${pad(c.seconds)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** The local date of an RFC 3339 / Jira date-time in a zone. */
export function dateOf(started: string, timeZone: string): string {
  return civil(parseInstant(started), timeZone).date;
}

export function timeOf(started: string, timeZone: string): string {
  return civil(parseInstant(started), timeZone).time;
}

/** Milliseconds of RFC 3339 or Jira's `+0100` form. */
export function parseInstant(text: string): number {
  const fixed = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(fixed);
}

export function todayIn(timeZone: string, now = Date.now()): string {
  return civil(now, timeZone).date;
}

/** A civil date moved by `days`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

/** The first day of the week (1 = Monday … 7 = Sunday) for a locale. */
export function firstDayOfWeek(locale: string): number {
  try {
    const l = new Intl.Locale(locale) as Intl.Locale & {
      getWeekInfo?: () => { firstDay: number };
      weekInfo?: { firstDay: number };
    };
    return l.getWeekInfo?.().firstDay ?? l.weekInfo?.firstDay ?? 1;
  } catch {
    return 1;
  }
}

/** The seven dates of the week holding `date`, starting on `firstDay`. */
export function weekOf(date: string, firstDay: number): string[] {
  const back = (weekday(date) - firstDay + 7) % 7;
  const start = addDays(date, -back);
  return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

export function isWeekend(date: string): boolean {
  return weekday(date) >= 6;
}

const labelCache = new Map<string, Intl.DateTimeFormat>();
/** A civil date for people: `Mon 23 Nov` in their locale. */
export function dateLabel(date: string, locale: string, opts: Intl.DateTimeFormatOptions): string {
  const key = locale + JSON.stringify(opts);
  let f = labelCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC' });
    labelCache.set(key, f);
  }
  const [y, m, d] = date.split('-').map(Number);
  return f.format(new Date(Date.UTC(y, m - 1, d)));
}

/** First and last day of the month holding `date`. */
export function monthOf(date: string): [string, string] {
  const [y, m] = date.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${y}-${pad(m)}-01`, `${y}-${pad(m)}-${pad(last)}`];
}

/** The current time of day, rounded down to a quarter hour. */
export function nowTime(timeZone: string, now = Date.now()): string {
  const [hh, mm] = civil(now, timeZone).time.split(':').map(Number);
  return `${pad(hh)}:${pad(mm - (mm % 15))}`;
}
