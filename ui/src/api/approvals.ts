// Approvals: the period workflow's types, and the count of periods awaiting the
// viewer's review (for the global page). The words and rules the views share are
// in lib/approvals.ts.
import { useEffect, useState } from 'preact/hooks';
import { call, type Out } from './client';
import { toAppError } from './errors';

export type Status = Out<'approval.status'>;
export type Team = Out<'approval.team'>;
export type Pending = Out<'approval.pending'>;
export type DriftList = Out<'approval.drift.list'>;
export type ApprovalSettings = Out<'approval.settings.get'>;
export type Rules = Out<'approval.rules.list'>;
export type State = Status['state'];

/** Said when periods were approved, sent back or reopened on the page: the count follows. */
export const PENDING_CHANGED = 'worklogs:approvals-changed';

/** The number of periods awaiting the viewer's review; undefined without the operation (or before it answers). */
export function usePendingCount(): number | undefined {
  const [count, setCount] = useState<number>();
  useEffect(() => {
    const load = () => call('approval.pending', {}).then((p) => setCount(p.count), (e: unknown) => {
      if (toAppError('approval.pending', e).unavailable) setCount(undefined);
    });
    void load();
    window.addEventListener(PENDING_CHANGED, load);
    return () => window.removeEventListener(PENDING_CHANGED, load);
  }, []);
  return count;
}
