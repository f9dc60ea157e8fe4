// Errors a person can act on. The component's codes (docs/operations.md) become a
// sentence saying what happened and what to do; Jira's own message is kept.

export type ErrorCode =
  | 'invalid-input' | 'forbidden' | 'not-found' | 'conflict' | 'limit' | 'upstream' | 'internal'
  | 'unavailable' | 'bridge';

export class AppError extends Error {
  readonly code: ErrorCode | string;
  readonly operation: string;
  /** The component's (or Jira's) own message, kept for the details. */
  readonly detail: string;

  constructor(operation: string, code: string, detail: string) {
    super(detail);
    this.name = 'AppError';
    this.operation = operation;
    this.code = isUnknownOperation(code, detail) ? 'unavailable' : code;
    this.detail = detail;
  }

  /** True when the component has no such operation (yet). */
  get unavailable(): boolean {
    return this.code === 'unavailable';
  }
}

function isUnknownOperation(code: string, message: string): boolean {
  return code === 'invalid-input' && /unknown operation/i.test(message);
}

/** What the user was doing, for the sentence: "log time", "see this issue's worklogs". */
const ACTIONS: Record<string, string> = {
  me: 'sign in to Worklogs',
  'timetracking.settings': 'read the time tracking settings',
  'timetracking.settings.save': 'change the time tracking settings',
  'worklog.list': "see this issue's worklogs",
  'worklog.log': 'log time on this issue',
  'worklog.update': 'change this worklog',
  'worklog.delete': 'delete this worklog',
  'timesheet.week': 'see this timesheet',
  'issue.search': 'search issues',
  'report.run': 'run this report',
  'export.run': 'export this report',
  'report.list': 'open saved reports',
  'report.save': 'save this report',
  'report.delete': 'delete this saved report',
  'attribute.list': 'see worklog attributes',
  'attribute.save': 'change worklog attributes',
  'access.get': 'see who may view team time',
  'access.save': 'change who may view team time',
  'schedule.get': 'see working days and holidays',
  'schedule.save': 'change working days and holidays',
  'timer.list': 'see your timers',
  'timer.start': 'start a timer on this issue',
  'timer.pause': 'pause this timer',
  'timer.resume': 'resume this timer',
  'timer.update': 'change this timer',
  'timer.stop': 'stop this timer',
  'rounding.get': 'read the rounding rule',
  'rounding.save': 'change the rounding rule',
  'rounding.preview': 'preview the rounding rule',
  'rate.list': 'see the hourly rates',
  'rate.save': 'change the hourly rates',
  'sync.status': 'see the worklog index',
  'sync.verify': 'check or repair the worklog index',
  'audit.list': 'see the audit log',
  'audit.export': 'export the audit log',
  'audit.verify': 'verify the audit log',
  'audit.settings.save': "change the audit log's retention",
  'journal.settings.get': "see the worklog journal's settings",
  'journal.settings.save': "change the worklog journal's settings",
  'restore.plan': 'plan the restore of worklogs',
  'restore.run': 'restore worklogs',
  'restore.status': 'see the last restore of worklogs',
  'restore.cancel': 'cancel the restore of worklogs',
  'backup.list': 'see the backups',
  'backup.create': "back up the app's data",
  'backup.download': 'download this backup',
  'backup.upload': 'upload this archive',
  'backup.delete': 'delete this backup',
  'backup.restore.plan': 'check this archive before restoring it',
  'backup.restore.run': 'restore this archive',
  'backup.settings.save': 'change the backup schedule',
  'approval.settings.get': 'see the approval settings',
  'approval.settings.save': 'change the approval settings',
  'approval.rules.list': 'see who reviews whom',
  'approval.rules.save': 'change who reviews whom',
  'approval.status': "see this period's approval",
  'approval.team': "see the team's periods",
  'approval.submit': 'submit this period',
  'approval.approve': 'approve this period',
  'approval.approveMany': "approve the team's periods",
  'approval.reject': 'send this period back',
  'approval.reopen': 'reopen this period',
  'approval.pending': 'see the periods awaiting your review',
  'approval.drift.list': 'see the changes made outside the app',
  'approval.drift.resolve': 'restore or accept this change',
};

/**
 * A `conflict` about a locked period (`the period 2026-11-30 to 2026-12-06 of "…" is approved: …`):
 * its state and days, or undefined for any other error.
 */
export function lockedPeriod(err: AppError): { state: 'submitted' | 'approved'; first?: string; last?: string } | undefined {
  if (err.code !== 'conflict' || err.operation.startsWith('approval.') || !/period/i.test(err.detail)) return undefined;
  // `the period 2026-11-30 to 2026-12-06 of "…" is approved: its worklogs are locked (…)`
  const said = /\bis (submitted|approved)\b/i.exec(err.detail)?.[1]?.toLowerCase();
  const state = said === 'approved' || said === 'submitted' ? said
    : /\bapproved\b/i.test(err.detail) ? 'approved' : /\bsubmitted\b/i.test(err.detail) ? 'submitted' : undefined;
  if (!state) return undefined;
  const [first, last] = err.detail.match(/\d{4}-\d{2}-\d{2}/g) ?? [];
  return { state, first, last };
}

/** Whether the component's own message says what to do, so it is shown at once, not under "Details". */
export function detailFirst(err: AppError): boolean {
  return err.code === 'invalid-input' || (err.operation.startsWith('approval.') && (err.code === 'forbidden' || err.code === 'conflict'));
}

/** The sentence to show first; `detail` goes under it. */
export function humanMessage(err: AppError): string {
  const action = ACTIONS[err.operation] ?? `run ${err.operation}`;
  switch (err.code) {
    case 'forbidden':
      if (err.operation.startsWith('approval.') && err.operation !== 'approval.settings.save' && err.operation !== 'approval.rules.save') {
        return `You may not ${action}: the reviewer rules decide who reviews whom.`;
      }
      return `You don't have permission to ${action}. Ask a Jira administrator if you need it.`;
    case 'not-found':
      return `Jira could not find it: it may have been deleted, or you may not be allowed to see it.`;
    case 'upstream':
      return `Jira is busy, try again in a moment.`;
    case 'conflict': {
      const locked = lockedPeriod(err);
      if (locked) {
        const days = locked.first ? ` (${locked.first}${locked.last ? ` – ${locked.last}` : ''})` : '';
        return locked.state === 'approved'
          ? `This time is in an approved period${days}, so it is locked. Ask a reviewer to reopen the period to change it.`
          : `This time is in a period submitted for approval${days}, so it is locked until a reviewer approves it or sends it back.`;
      }
      if (err.operation === 'approval.submit' && /\bshort\b/i.test(err.detail)) {
        return `This period cannot be submitted yet: this site requires the required time to be logged first. Log the missing time on the short days, then submit.`;
      }
      if (err.operation.startsWith('approval.')) {
        return `Worklogs could not ${action} in its current state. Reload to see where it stands.`;
      }
      return `Someone changed this at the same time. Reload and try again.`;
    }
    case 'limit':
      return `That is more than Worklogs can handle at once. Narrow it down and try again.`;
    case 'invalid-input':
      return `Please check what you entered.`;
    case 'unavailable':
      return `This part of Worklogs is not available yet: the app has no "${err.operation}" operation in this version.`;
    case 'bridge':
      return `Worklogs could not reach the app. Check your connection and try again.`;
    default:
      return `Something went wrong in Worklogs while trying to ${action}. Try again; if it keeps happening, tell your administrator.`;
  }
}

/** Any thrown value as an AppError. */
export function toAppError(operation: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AppError(operation, 'bridge', message);
}
