// Which cell of an editable list the component's invalid-input error names.
import type { AppError } from '../../api/errors';

/**
 * The cell an `invalid-input` error names. The component's messages start with
 * `invalid input: field "<path>": …` (docs/operations.md), where the path of a
 * list item's field is `list[i].field`.
 */
export function fieldOf(error: AppError | undefined, list: string): { index: number; field: string; message: string } | undefined {
  if (!error || error.code !== 'invalid-input') return undefined;
  const m = /field "([A-Za-z]+)\[(\d+)\]\.([A-Za-z]+)": (.*)$/s.exec(error.detail);
  if (!m || m[1] !== list) return undefined;
  return { index: Number(m[2]), field: m[3]!, message: m[4]! };
}

/** The component's message about one field (`retentionDays`, `retention.daily`) of an invalid-input error. */
export function fieldError(error: AppError | undefined, field: string): string | undefined {
  if (!error || error.code !== 'invalid-input') return undefined;
  const m = /field "([A-Za-z.]+)": (.*)$/s.exec(error.detail);
  return m && m[1] === field ? m[2] : undefined;
}
