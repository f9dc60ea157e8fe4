// The chart beside a report: which series report.run is asked for (the one the
// user chose, else the grouping's week or month, else days) and how its points
// are labelled.
import type { GroupDimension, ReportPoint, ReportRunInput } from '../../api/types.gen';
import { dateLabel } from '../../lib/time';

/** A chart report.run draws beside the groups: time per day, week, month or person. */
export type ChartKind = NonNullable<ReportRunInput['chart']>;

/** The charts offered, with the chart's title. */
export const CHARTS: Array<{ id: ChartKind; label: string }> = [
  { id: 'day', label: 'Time per day' },
  { id: 'week', label: 'Time per week' },
  { id: 'month', label: 'Time per month' },
  { id: 'person', label: 'Time per person' },
];

/**
 * The chart of a report: the one chosen, else the grouping's time level when it
 * is week or month (a yearly report by week gets 53 bars, not 365, and reads no
 * finer than its weeks), else days.
 */
export function chartOf(f: { chart?: ChartKind; group1: GroupDimension; group2: GroupDimension | '' }): ChartKind {
  if (f.chart) return f.chart;
  return [f.group1, f.group2].find((g): g is 'week' | 'month' => g === 'week' || g === 'month') ?? 'day';
}

/** A chart point's label as shown: a day's or week's first date, a month and year, or the answer's (people). */
export function chartLabel(p: ReportPoint, chart: ChartKind, locale: string): string {
  if (chart === 'person' || !/^\d{4}-\d{2}-\d{2}$/.test(p.key)) return p.label;
  return chart === 'month'
    ? dateLabel(p.key, locale, { month: 'short', year: 'numeric' })
    : dateLabel(p.key, locale, { day: 'numeric', month: 'short' });
}

/** The chart's title. */
export function chartTitle(chart: ChartKind): string {
  return CHARTS.find((c) => c.id === chart)?.label ?? 'Time per day';
}
