// Approvals in words: state names and tones, which states lock a period, why a
// locked day cannot be edited, and the reviewers' grid's keyboard moves. The
// decisions are the component's; this only names and shows them.

/** A state in words, with its lozenge's tone. */
export const STATE: Record<string, { label: string; tone: 'default' | 'info' | 'success' | 'warning' }> = {
  open: { label: 'Open', tone: 'default' },
  submitted: { label: 'Submitted', tone: 'info' },
  approved: { label: 'Approved', tone: 'success' },
  rejected: { label: 'Rejected', tone: 'warning' },
};

export const stateLabel = (s: string) => STATE[s]?.label ?? s;

/** A period in these states is locked: its worklogs cannot be logged, changed or deleted. */
export const isLocked = (s: string | undefined) => s === 'submitted' || s === 'approved';

/** Why a locked day cannot be edited, in words. */
export function lockReason(state: string, first: string, last: string): string {
  return state === 'approved'
    ? `This period (${first} – ${last}) is approved: its time is locked. A reviewer can reopen it.`
    : `This period (${first} – ${last}) is submitted for approval: its time is locked until it is approved or sent back.`;
}

/** The grid's cell after a key, or undefined for a key that does not move. */
export function move(key: string, r: number, c: number, rows: number, cols: number): { r: number; c: number } | undefined {
  const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v));
  switch (key) {
    case 'ArrowUp': return { r: clamp(r - 1, rows), c };
    case 'ArrowDown': return { r: clamp(r + 1, rows), c };
    case 'ArrowLeft': return { r, c: clamp(c - 1, cols) };
    case 'ArrowRight': return { r, c: clamp(c + 1, cols) };
    case 'Home': return { r, c: 0 };
    case 'End': return { r, c: cols - 1 };
    case 'PageUp': return { r: 0, c };
    case 'PageDown': return { r: rows - 1, c };
    default: return undefined;
  }
}
