// Amounts of the cost measure for people: report.run answers exact decimal
// strings per currency (rounded once to the currency's minor unit); they are
// shown in the viewer's locale with Intl, never summed or converted here.
import type { Money } from '../../api/types.gen';

const formats = new Map<string, Intl.NumberFormat>();

/** One amount, such as "€1,234.50" in en-US or "1.234,50 €" in de-DE. */
export function formatMoney(m: Money, locale: string): string {
  const key = `${locale}|${m.currency}`;
  let f = formats.get(key);
  try {
    if (!f) {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency });
      formats.set(key, f);
    }
    // A string keeps the exact decimal (Intl.NumberFormat v3); older engines read it as a number.
    return f.format(m.amount as unknown as number);
  } catch {
    return `${m.amount} ${m.currency}`;
  }
}

/** A group's cost: one amount per currency; a dash when it has none. */
export function formatCosts(list: Money[] | undefined, locale: string): string {
  if (!list || list.length === 0) return '—';
  return list.map((m) => formatMoney(m, locale)).join(' + ');
}

/** The measures a report with billable time and cost asks for. */
export const COST_MEASURES = ['seconds', 'count', 'billableSeconds', 'cost'] as const;
