// Generated from wit/operations.schema.json by ui/scripts/gen-types.mjs: do not edit.
// Run `npm run gen:types` in ui/ after changing the schema.
/* eslint-disable */

/** An issue key (ALPHA-2) or numeric id */
export type IssueRef = string;

export type WorklogId = string;

/** A calendar date, yyyy-MM-dd */
export type IsoDate = string;

/** RFC 3339 with an offset, or Jira's yyyy-MM-ddTHH:mm:ss.SSS+hhmm */
export type DateTime = string;

export type Seconds = number;

export type PeriodBalance = {
  first: IsoDate;
  /** Inclusive */
  last: IsoDate;
  /** Over the whole period */
  requiredSeconds: Seconds;
  /** On the days up to and including today */
  requiredToDateSeconds: Seconds;
  loggedSeconds: Seconds;
  /** The sum of the short days' shortSeconds */
  shortSeconds: Seconds;
  shortDays: Array<{
    date: IsoDate;
    requiredSeconds: Seconds;
    loggedSeconds: Seconds;
    shortSeconds: Seconds;
    holiday?: string;
  }>;
};

export type Visibility = {
  type: "group" | "role";
  value: string;
};

export type Author = {
  accountId: string;
  displayName: string;
};

export type Worklog = {
  id: WorklogId;
  issueId: string;
  author: Author;
  started: DateTime;
  timeSpentSeconds: Seconds;
  comment: string;
  visibility?: Visibility;
  created: DateTime;
  updated: DateTime;
  attributes?: AttributeValues;
};

/** Worklog attribute values by key (the property worklogs.attributes): text, a select's option, boolean or number, per the site's definitions. */
export type AttributeValues = {
  [key: string]: string
    | boolean
    | number;
};

export type LogEstimate = {
  adjust: "auto" | "leave";
}
  | {
  adjust: "new";
  newEstimateSeconds: Seconds;
}
  | {
  adjust: "manual";
  reduceBySeconds: Seconds;
};

export type UpdateEstimate = {
  adjust: "auto" | "leave";
}
  | {
  adjust: "new";
  newEstimateSeconds: Seconds;
};

export type DeleteEstimate = {
  adjust: "auto" | "leave";
}
  | {
  adjust: "new";
  newEstimateSeconds: Seconds;
}
  | {
  adjust: "manual";
  increaseBySeconds: Seconds;
};

export type TimeFormat = "pretty" | "days" | "hours";

export type DefaultUnit = "minute" | "hour" | "day" | "week";

export type TimeTrackingSettings = {
  hoursPerDay: number;
  daysPerWeek: number;
  timeFormat: TimeFormat;
  defaultUnit: DefaultUnit;
  source: "jira" | "stored" | "default";
};

export type Person = {
  accountId: string;
  displayName: string;
};

export type ProjectRef = {
  id: string;
  key: string;
  name: string;
};

export type DirectoryQuery = {
  /** At most 100 characters once trimmed; an empty one answers nothing */
  query: string;
  /** How many to answer at most (default 20) */
  limit?: number;
};

export type IssueSummary = {
  id: string;
  key: string;
  summary: string;
  projectKey?: string;
  issueType?: string;
  status?: string;
};

/** Up to three levels plus at most one time axis (day, week or month), which is always the innermost */
export type GroupDimension = "person" | "project" | "parent" | "issue" | "component" | "label" | "status" | "approvalState" | "day" | "week" | "month"
  | string;

/** Local dates, both included; or the day, week (from weekStart) or month holding a date */
export type ReportPeriod = {
  from: IsoDate;
  to: IsoDate;
}
  | {
  day: IsoDate;
}
  | {
  week: IsoDate;
}
  | {
  month: IsoDate;
};

export type ReportFilter = {
  /** Account ids */
  people?: Array<string>;
  /** Jira groups whose members' time counts */
  groups?: Array<string>;
  /** Project keys */
  projects?: Array<string>;
  /** Issue keys */
  issues?: Array<string>;
  /** Issues this JQL finds, searched with the viewer's rights */
  jql?: string;
  /** Attribute key to the values that count */
  attributes?: {
    [key: string]: Array<string>;
  };
  billable?: boolean;
  /** Only time in periods (of its author, holding the worklog's local date in the author's zone) in these states */
  approvalStates?: Array<ApprovalState>;
};

export type ReportRounding = {
  mode: "none" | "up" | "down" | "nearest";
  incrementMinutes?: number;
  target?: "perWorklog" | "total";
};

/** The core's report query (wasm/core/src/report/query/mod.rs, docs/reports.md). Every viewer gets only the time they may see. */
export type ReportQuery = {
  /** The IANA zone whose local dates the report uses; the acting user's when absent */
  timeZone?: string;
  period: ReportPeriod;
  weekStart?: "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";
  filter?: ReportFilter;
  groupBy?: Array<GroupDimension>;
  measures?: Array<"seconds" | "billableSeconds" | "cost" | "count">;
  rounding?: ReportRounding;
  timeFormat?: "pretty" | "days" | "hours" | "decimal";
  hoursDecimals?: number;
};

export type Money = {
  /** Exact decimal */
  amount: string;
  currency: string;
};

/** report.run's answer without format: the nested groups, totals and chart */
export type ReportGroups = {
  from: IsoDate;
  to: IsoDate;
  timeZone: string;
  groupBy: Array<GroupDimension>;
  totalSeconds: Seconds;
  hours: string;
  worklogs: number;
  billableSeconds?: Seconds;
  cost?: Array<Money>;
  unpricedSeconds?: Seconds;
  groups: Array<ReportGroup>;
  /** Every day, week or month of the period (zeros included; a week or month keyed by its first date, which may precede from) or every person, in order */
  chart: Array<ReportPoint>;
  /** True while the report is not finished: the groups, totals and chart are those of the part read so far; call again with the same input and continuation */
  more: boolean;
  /** Days of the period read, of all its days */
  progress: Progress;
  /** Opaque; present exactly when more is true; bound to the caller and the report's input */
  continuation?: string;
  /** False while no full import has finished or one is running: worklogs may be missing */
  indexComplete: boolean;
  /** What the index lacks, when it is not complete */
  indexMissing?: string;
};

/** report.run's answer with format: the report as one file, one row per innermost group (the keys of every level, the time axis last, then the measures) */
export type ReportFile = {
  fileName: string;
  mediaType: string;
  /** The whole file, base64 */
  piece: string;
  /** Rows of groups written */
  rows: number;
  /** Worklogs counted */
  worklogs: number;
  more: false;
  progress: Progress;
  indexComplete: boolean;
  indexMissing?: string;
};

/** report.run's answer with format while the report is not finished: no file yet; call again with the same input and continuation */
export type ReportPending = {
  more: true;
  /** Days of the period read, of all its days */
  progress: Progress;
  continuation: string;
  /** Worklogs counted so far */
  worklogs: number;
  indexComplete: boolean;
  indexMissing?: string;
};

export type ReportGroup = {
  /** Stable: an account id, project key, issue key or date; empty for the group without a value */
  key: string;
  /** What to show: a display name, a project name, 'KEY summary', a date; '(none)' without a value */
  label: string;
  seconds: Seconds;
  /** Exact decimal hours of seconds */
  hours: string;
  worklogs: number;
  /** When measured */
  billableSeconds?: Seconds;
  /** When measured: per currency, in code order, rounded once to the currency's minor unit */
  cost?: Array<Money>;
  /** When cost is measured: seconds without a rate in effect */
  unpricedSeconds?: Seconds;
  groups?: Array<ReportGroup>;
};

export type ReportPoint = {
  key: string;
  label: string;
  seconds: Seconds;
};

export type SavedReport = {
  id: string;
  name: string;
  query: ReportQuery;
  /** The owner's account id; only the owner changes or deletes it */
  owner: string;
  /** Jira groups whose members see it in their list */
  sharedWith: Array<string>;
  updated: DateTime;
};

export type Attribute = {
  key: string;
  name: string;
  type: "text" | "select" | "boolean" | "number";
  options?: Array<string>;
  required: boolean;
};

export type AccessGrant = {
  /** A Jira group whose members see the time of these teams */
  group: string;
  teams: Array<string>;
};

export type Access = {
  grants: Array<AccessGrant>;
  /** Jira groups whose members may measure cost (it reveals hourly rates); Jira administrators always may */
  costViewers?: Array<string>;
};

export type Holiday = {
  date: IsoDate;
  name: string;
  /** A half holiday requires half the day; whole by default */
  kind?: "whole" | "half";
};

export type Schedule = {
  workingDays: Array<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun">;
  hoursPerDay: number;
  weekStart?: "monday" | "sunday" | "saturday";
  holidays: Array<Holiday>;
};

/** An hourly rate (wasm/core/src/money.rs). For a worklog the most specific scope with a rate in effect wins: attribute, personProject, person, project, default; within a scope the latest effectiveFrom on or before the worklog's local date */
export type Rate = {
  scope: "default" | "project" | "person" | "personProject" | "attribute";
  /** Atlassian account id (scopes person and personProject only) */
  person?: string;
  /** Jira project id, not key (scopes project and personProject only) */
  project?: string;
  /** Attribute key (scope attribute only) */
  key?: string;
  /** Attribute value (scope attribute only) */
  value?: string;
  /** Amount per hour, exact decimal, zero or more (a JSON number is accepted as input) */
  hourly: string;
  /** ISO 4217 code; answered upper-case */
  currency: string;
  effectiveFrom: IsoDate;
};

export type Rates = {
  /** At most 1000; one per scope and date; answered most specific scope first, then by date */
  rates: Array<Rate>;
};

export type Empty = Record<string, never>;

export type FeedNamed = {
  column: string;
  descending?: boolean;
  at?: number;
};

/** The audit log's retention: days an entry is kept, null for forever */
export type AuditSettings = {
  retentionDays: null
    | number;
};

/** The daily scheduled backup and how many scheduled archives are kept (docs/backup.md) */
export type BackupSettings = {
  enabled: boolean;
  retention: {
    daily: number;
    monthly: number;
    yearly: number;
  };
};

export type ArchiveId = string;

/** Ids of the archive's site to this site's: account ids, and projects by id or key */
export type BackupMapping = {
  accounts?: {
    [key: string]: string;
  };
  projects?: {
    [key: string]: string;
  };
};

export type RestoreInput = {
  archive: ArchiveId;
  mapping?: BackupMapping;
};

/** One slice of a restore or its dry run: plan is set on the last */
export type RestoreOutput = {
  more: boolean;
  progress: Progress;
  archive: string;
  verified: boolean;
  plan: null
    | {
    installation: string;
    sameSite: boolean;
    createdAtMs: number;
    version: number;
    tables: Array<{
      table: string;
      archiveRows: number;
      currentRows: number;
    }>;
    conflicts: Array<string>;
    mapped: number;
    unmapped: {
      accounts: Array<string>;
      projects: Array<string>;
    };
  };
};

/** Entries at fromMs (inclusive) to toMs (exclusive), epoch milliseconds; of a subject (a setting's name, or worklogs for exports); by an account */
export type AuditFilter = {
  fromMs?: number;
  toMs?: number;
  subject?: string;
  accountId?: string;
};

/** One audit entry: before and after are the JSON texts of the value (over 16384 bytes: {sha256, bytes}); accountId is null for the app and once erased */
export type AuditEntry = {
  seq: number;
  atMs: number;
  actorKind: "person" | "job" | "operator" | "trigger";
  accountId: null
    | string;
  erased: boolean;
  action: string;
  subject: string;
  before: null
    | string;
  after: null
    | string;
  hash: string;
};

/** Worklogs deleted or changed from fromMs (inclusive) to toMs (exclusive), epoch milliseconds, narrowed by a project id, an author's account id and an issue id; each goes back to its newest journaled version before fromMs */
export type RestoreSelection = {
  fromMs: number;
  toMs: number;
  project?: string;
  author?: string;
  issue?: string;
};

export type RestoreTally = {
  count: number;
  seconds: number;
};

/** Worklogs (and their seconds) recreated, of those as their author and as the app, reverted, already as they were in Jira, and that cannot be restored */
export type RestoreTotals = {
  recreate: RestoreTally;
  asAuthor: RestoreTally;
  asApp: RestoreTally;
  revert: RestoreTally;
  unchanged: RestoreTally;
  cannot: RestoreTally;
};

/** One worklog of a restore: its original id, issue, project, author, start (RFC 3339, UTC) and seconds; the action (recreate, revert, unchanged, cannot), the path of a recreation (author: impersonating its author; app: as the app, the author in the worklog property worklogs.origin), why as the app or why it cannot be restored, and its id in Jira after a run */
export type RestoreWorklog = {
  worklog: string;
  issue: string;
  project: string;
  author: string;
  started: string;
  seconds: number;
  action: "recreate" | "revert" | "unchanged" | "cannot";
  path?: "author" | "app";
  reason?: string;
  id?: string;
};

/** One slice of restore.run (docs/architecture.md, the slice rule), or the checkpoint for restore.status and restore.cancel */
export type RestoreRun = {
  more: boolean;
  progress: Progress;
  state: {
    selection: null
      | RestoreSelection;
    running: boolean;
    cancelled: boolean;
    after: number;
    total: number;
    totals: RestoreTotals;
    /** Worklogs with nothing to go back to: first seen in the window, or deleted before it; the restore's own writes are never selected */
    skipped: number;
    failed: Array<{
      worklog: string;
      issue: string;
      reason: string;
    }>;
    startedMs: number;
    endedMs: number;
  };
  worklogs: Array<RestoreWorklog>;
};

/** How far a long-running operation's whole run is, in the form hosts show: units done and in all (an estimate while not known), and what is being done */
export type Progress = {
  done: number;
  total: number;
  label: string;
};

/** What a sync stored in the worklog index: worklog rows written, worklogs already indexed as they are, worklog rows deleted, issue rows written, worklogs skipped because Jira no longer shows their issue */
export type IndexCounts = {
  written: number;
  unchanged: number;
  deleted: number;
  issues: number;
  skipped: number;
  /** Rows not written because a text collides with another's dictionary entry (absent when none) */
  refused?: number;
};

export type SyncSliceInput = {
  /** Worklogs one slice handles before it stops at a checkpoint; 50000 when absent */
  maxWorklogs?: number;
  /** Requests in flight at once; 4 when absent */
  parallel?: number;
};

/** One slice of a sync run (docs/architecture.md, the slice rule): the host calls again while more is true */
export type SyncSliceOutput = {
  /** Whether another slice must run to finish the run */
  more: boolean;
  mode: "full" | "incremental";
  phase: "worklogs" | "deletions" | "issues" | "refresh" | "done";
  progress: Progress;
  /** What this slice did: its index counts, the Jira requests sent (retries included), the SQL statements run and the waits before retries */
  slice: {
    written: number;
    unchanged: number;
    deleted: number;
    issues: number;
    skipped: number;
    refused?: number;
    jiraRequests: number;
    sqlStatements: number;
    retries: number;
  };
  /** What the whole run did so far */
  totals: IndexCounts;
};

/** What one side has for an issue on a day: worklogs, seconds, the latest update (epoch milliseconds, 0 for none) and a checksum of every field the index keeps */
export type Tally = {
  count: number;
  seconds: number;
  updated: number;
  checksum: number;
};

/** A finished sync run: full import or incremental, when it started and finished (epoch ms), what it stored */
export type SyncRun = {
  full: boolean;
  startedMs: number;
  finishedMs: number;
  totals: IndexCounts;
};

export type Drift = {
  issueId: string;
  day: IsoDate;
  index: Tally;
  jira: Tally;
};

/** Accounts reported to Atlassian, of those reported closed and reported updated, closed accounts whose data is now erased, rows changed or deleted to erase them */
export type PrivacyCounts = {
  reported: number;
  closed: number;
  updated: number;
  erased: number;
  rows: number;
};

/** A rounding rule as answered: perWorklog rounds each worklog (a timer's time, and manual entries with applyToManual); total leaves each worklog exact and rounds only totals. */
export type RoundingRule = {
  mode: "none" | "up" | "down" | "nearest";
  incrementMinutes: number;
  target: "perWorklog" | "total";
};

export type RoundingRuleInput = {
  mode: "none" | "up" | "down" | "nearest";
  /** default 1 */
  incrementMinutes?: number;
  /** default perWorklog */
  target?: "perWorklog" | "total";
};

/** The site's rounding rule, whether worklog.log and worklog.update round what people enter, and the most running time of a timer before the sweep stops it. */
export type RoundingSettings = {
  rule: RoundingRule;
  applyToManual: boolean;
  timerLimitMinutes: number;
};

export type TimerId = string;

/** What to do with the person's running timer: refuse (default, conflict), pause it, or stop it and log its time. */
export type TimerOther = "refuse" | "pause" | "stop";

export type Timer = {
  id: TimerId;
  issue: {
    id: string;
    key: string;
  };
  state: "running" | "paused" | "forgotten";
  /** The first start (the worklog's start), RFC 3339 with milliseconds, in the person's offset */
  started: string;
  /** Running time as of the context's now */
  elapsedSeconds: number;
  /** Running only: when the current segment began */
  runningSince?: string;
  /** Running: when the sweep stops it; forgotten: when it was stopped */
  stopAt?: string;
  stopReason?: "limit" | "midnight";
  comment: string;
  attributes: AttributeValues;
  updated: string;
};

export type TimerStop = {
  id: TimerId;
  action: "log" | "discard";
  elapsedSeconds: number;
  /** log only: the seconds logged, after the site's rule */
  loggedSeconds?: number;
  worklog?: Worklog;
};

/** The timer, and what happened to the one that was running (other: pause or stop) */
export type TimerChange = {
  timer: Timer;
  paused?: Timer;
  stopped?: TimerStop;
};

export type ApprovalSettings = {
  /** weekly: the site's week (schedule's weekStart); monthly: calendar months; in each person's own time zone */
  period: "weekly" | "monthly";
  /** Refuse a submission while the period has short days (logged below the schedule's required time) */
  requireRequiredTime: boolean;
  /** Let a reviewer approve, reject or reopen their own period (off: nobody may, administrators included) */
  allowSelfApproval: boolean;
  /** What an edit made outside the app to a worklog of a submitted or approved period does: restore the locked version, or flag it for the reviewer */
  onOutsideEdit: "restore" | "flag";
};

export type ApprovalRule = {
  /** The Jira group whose members review */
  reviewers: string;
  /** The Jira groups whose members they review (1 to 50) */
  teams: Array<string>;
  /** Project keys: the rule covers a period only when all of its worklogs are in these projects; every project without it */
  projects?: Array<string>;
};

export type ApprovalRules = {
  rules: Array<ApprovalRule>;
};

/** A rejected period is open again, with the rejection as its last decision */
export type ApprovalState = "open" | "submitted" | "approved";

export type ApprovalAction = "submitted" | "approved" | "rejected" | "reopened" | "flagged" | "restored" | "accepted";

export type ApprovalHistoryEntry = {
  action: ApprovalAction;
  /** Who: an account id; absent for the app (a repair by the sync or an event) */
  by?: string;
  /** RFC 3339, UTC, with milliseconds */
  at: string;
  reason?: string;
  /** For flagged, restored and accepted: the worklog */
  worklogId?: WorklogId;
  /** For restored and accepted: the values that were replaced (kept here, never lost) */
  replaced?: WorklogVersion;
};

export type ApprovalDecision = {
  action: "approved" | "rejected" | "reopened";
  by: string;
  at: string;
  /** Required for rejected and reopened: the reviewer's comment */
  reason?: string;
};

export type ApprovalPeriod = {
  accountId: string;
  /** The person's zone the period's days are in */
  timeZone: string;
  period: "weekly" | "monthly";
  /** The period's first day: its id with accountId (periodStart) */
  start: IsoDate;
  /** The period's last day (inclusive) */
  end: IsoDate;
  state: ApprovalState;
  /** Submitted or approved: worklog.log, update and delete answer conflict */
  locked: boolean;
  /** Logged (what Jira shows the viewer) against required (schedule and holidays) */
  balance: PeriodBalance;
  /** The last reviewer decision; after a rejection, its reason is the reviewer's comment */
  decision?: ApprovalDecision;
  /** Oldest first, at most 200 */
  history: Array<ApprovalHistoryEntry>;
  /** Outside edits flagged and not resolved */
  openDrifts: number;
  /** Whether the viewer may approve, reject or reopen it */
  mayReview: boolean;
  /** Why the viewer may review it (the rule, or administrator) */
  reviewRule?: string;
  /** approval.submit: the short days, for a person */
  warnings?: Array<string>;
};

export type ApprovalTeamRow = {
  accountId: string;
  displayName: string;
  timeZone: string;
  start: IsoDate;
  end: IsoDate;
  state: ApprovalState;
  loggedSeconds: Seconds;
  requiredSeconds: Seconds;
  shortSeconds: Seconds;
  openDrifts: number;
  decision?: ApprovalDecision;
};

export type WorklogVersion = {
  issueId: string;
  authorAccountId?: string;
  /** RFC 3339, UTC, with milliseconds */
  started: string;
  timeSpentSeconds: number;
  comment?: string;
  visibility?: Visibility;
  attributes?: Record<string, never>;
};

export type ApprovalDriftItem = {
  id: string;
  accountId: string;
  periodStart: IsoDate;
  worklogId: WorklogId;
  /** changed: differs from the locked version; deleted: a locked worklog is gone; added: a new worklog in the period */
  kind: "changed" | "deleted" | "added";
  state: "open" | "restored" | "accepted";
  detectedAt: string;
  /** The locked version (absent for added) */
  before?: WorklogVersion;
  /** Jira's version (absent for deleted) */
  after?: WorklogVersion;
  /** The fields that differ: issueId, started, timeSpentSeconds, comment, visibility, attributes */
  changes?: Array<string>;
  resolvedBy?: string;
  resolvedAt?: string;
  reason?: string;
};

export type MeInput = Empty;
export type MeOutput = {
  accountId: string;
  displayName: string;
  emailAddress?: string;
  timeZone: string;
  locale: string;
  /** Whether they may measure cost in report.run (Jira administrators and the "see costs" grant); false when it cannot be checked */
  mayMeasureCost: boolean;
};

export type TimetrackingSettingsInput = Empty;
export type TimetrackingSettingsOutput = TimeTrackingSettings;

export type TimetrackingSettingsSaveInput = {
  hoursPerDay: number;
  daysPerWeek: number;
  timeFormat: TimeFormat;
  defaultUnit: DefaultUnit;
};
export type TimetrackingSettingsSaveOutput = TimeTrackingSettings;

export type WorklogListInput = {
  issue: IssueRef;
};
export type WorklogListOutput = {
  issue: string;
  total: number;
  totalSeconds: Seconds;
  worklogs: Array<Worklog>;
};

export type WorklogLogInput = {
  issue: IssueRef;
  started: DateTime;
  seconds?: number;
  /** Jira's duration syntax, read with the site's settings */
  timeSpent?: string;
  comment?: string;
  notifyUsers?: boolean;
  estimate?: LogEstimate;
  visibility?: Visibility;
  /** Checked against attribute.list; required ones must be given */
  attributes?: AttributeValues;
};
export type WorklogLogOutput = Worklog;

export type WorklogUpdateInput = {
  issue: IssueRef;
  id: WorklogId;
  started?: DateTime;
  seconds?: number;
  /** Jira's duration syntax; not with seconds */
  timeSpent?: string;
  comment?: string;
  notifyUsers?: boolean;
  estimate?: UpdateEstimate;
  visibility?: Visibility;
  /** Replaces the whole set (checked in full); absent keeps it */
  attributes?: AttributeValues;
};
export type WorklogUpdateOutput = Worklog;

export type WorklogDeleteInput = {
  issue: IssueRef;
  id: WorklogId;
  notifyUsers?: boolean;
  estimate?: DeleteEstimate;
};
export type WorklogDeleteOutput = {
  deleted: true;
  issue: string;
  id: string;
};

/** The acting user's (or, for those who may see their time, accountId's) worklogs in one week across issues, from the worklog index, with the days in their zone and week start and the hours required each day from their schedule. */
export type TimesheetWeekInput = {
  /** Any day of the week wanted */
  date: IsoDate;
  accountId?: string;
};
export type TimesheetWeekOutput = {
  accountId: string;
  timeZone: string;
  /** Today in the person's zone */
  today: IsoDate;
  /** The seven days, in order from the week start */
  days: Array<{
    date: IsoDate;
    requiredSeconds: Seconds;
    /** The time of the week's rows that started on this day */
    loggedSeconds: Seconds;
    /** required - logged when more than zero on a day up to and including today; 0 on later days */
    shortSeconds: Seconds;
    holiday?: string;
  }>;
  rows: Array<{
    issue: IssueSummary;
    worklogs: Array<Worklog>;
  }>;
};

/** The acting user's required, logged and short time in the current period (the site's week holding date, or today) and the one before, with the short days: days up to and including today, in their zone, with less logged than required. */
export type TimesheetShortfallInput = {
  /** A day of the period wanted as the current one; today without it */
  date?: IsoDate;
};
export type TimesheetShortfallOutput = {
  accountId: string;
  timeZone: string;
  today: IsoDate;
  /** What a period is; a month may come */
  period: "week";
  current: PeriodBalance;
  previous: PeriodBalance;
};

/** Issues the user may browse whose key or summary matches the text (Jira's issue picker), most relevant first. */
export type IssueSearchInput = {
  query: string;
  limit?: number;
};
export type IssueSearchOutput = {
  issues: Array<IssueSummary>;
};

/** People whose display name (a word of it) or e-mail address starts with the text, as Jira's user search shows them to the acting user (nobody for a person who may not browse users); apps left out. For the pickers. */
export type PeopleSearchInput = DirectoryQuery;
export type PeopleSearchOutput = {
  people: Array<Person>;
};

/** Projects whose key or name contains the text, among those the acting user may see (Jira's project search), by key. For the pickers. */
export type ProjectSearchInput = DirectoryQuery;
export type ProjectSearchOutput = {
  projects: Array<ProjectRef>;
};

/** Jira groups whose name contains the text (case-insensitively), by name, as Jira's group picker shows them to the acting user. For the reviewer rules' editor: Jira administrators only. */
export type GroupSearchInput = DirectoryQuery;
export type GroupSearchOutput = {
  groups: Array<{
    name: string;
    groupId: string;
  }>;
};

/** Time in a period grouped one to three levels deep, filtered for what the viewer may see, with the series for a chart; or, with format, the report as a file. */
export type ReportRunInput = {
  timeZone?: string;
  period: ReportPeriod;
  weekStart?: "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";
  filter?: ReportFilter;
  groupBy?: Array<GroupDimension>;
  measures?: Array<"seconds" | "billableSeconds" | "cost" | "count">;
  rounding?: ReportRounding;
  timeFormat?: "pretty" | "days" | "hours" | "decimal";
  hoursDecimals?: number;
  /** The series to return for the chart: time per day, per week (starting on weekStart), per month or per person; day by default */
  chart?: "day" | "week" | "month" | "person";
  /** Answer the report as a file in this format (ReportFile) instead of the groups */
  format?: "csv" | "xlsx" | "json" | "ndjson";
  /** The continuation of the previous answer (more: true), with the same input otherwise */
  continuation?: string;
  /** Grouped reads one call makes at most (8 by default): fewer for smaller steps */
  readsPerCall?: number;
  /** CSV only, with format */
  options?: {
    bom?: boolean;
    delimiter?: "," | ";" | "\t" | "tab";
    decimalSeparator?: "." | ",";
  };
};
export type ReportRunOutput = ReportGroups
  | ReportFile
  | ReportPending;

/** One piece of an export file (the flat worklog export, docs/export-schema.md). The first call has no continuation; while an answer has one, the next call passes it back with the same query and format. The pieces' bytes, concatenated in order, are the file. A first call with parts may answer parts instead (an empty piece, no continuation): each part's first continuation; the parts can be fetched side by side, and their files, concatenated in order, are the file. */
export type ExportRunInput = {
  query: ReportQuery;
  format: "csv" | "xlsx" | "json";
  /** CSV only */
  options?: {
    bom?: boolean;
    delimiter?: "," | ";" | "\t" | "tab";
    decimalSeparator?: "." | ",";
  };
  continuation?: string;
  /** The largest piece before base64; 3 MiB by default */
  pieceBytes?: number;
  /** First call only: cut the export into at most this many parts, equal spans of start times of a day or more (CSV over two days or more; otherwise the first piece is answered as usual) */
  parts?: number;
};
export type ExportRunOutput = {
  fileName: string;
  mediaType: string;
  /** This piece's bytes, base64 */
  piece: string;
  /** Rows written so far */
  rows: number;
  /** Rows in the whole export, when known */
  totalRows?: number;
  /** Absent on the last piece */
  continuation?: string;
  /** Asked for parts: each part's first continuation, in the file's order */
  parts?: Array<string>;
};

/** The incremental export for scheduled refreshes (Power BI): the worklogs changed in [since, until) as a flat file in pieces (concatenated, the file), and the ids deleted, for what the viewer may see. Upsert the rows by worklog_id, delete the deleted ids, pass until as the next since. */
export type ExportChangesInput = {
  since: DateTime;
  format: "csv" | "json";
  continuation?: string;
  pieceBytes?: number;
};
export type ExportChangesOutput = {
  fileName: string;
  mediaType: string;
  /** This piece's bytes, base64 */
  piece: string;
  /** Rows written so far */
  rows: number;
  since: DateTime;
  /** The next run's since */
  until: DateTime;
  /** Worklogs deleted in the window (this call's part) */
  deleted: Array<{
    worklogId: string;
    deleted: DateTime;
  }>;
  /** Absent on the last piece */
  continuation?: string;
};

/** The flat export as a queryable feed (the local host's OData service): without set, the tables and their columns; with set, one page of that table's rows the viewer may see, filtered, ordered and selected by the core. The host parses OData's query syntax into this typed input. */
export type ExportFeedInput = {
  set?: "Worklogs" | "Deleted";
  /** and: [a, b], or: [a, b], not: f, or {column, op (eq ne gt ge lt le), value ({text}, {number}, {date}, {dateTime}, {boolean}, or "null"), at (1-based position)} */
  filter?: Record<string, never>;
  orderBy?: Array<FeedNamed>;
  select?: Array<FeedNamed>;
  top?: number;
  skip?: number;
  count?: boolean;
  skipToken?: string;
  pageRows?: number;
};
export type ExportFeedOutput = {
  namespace?: string;
  sets?: Array<{
    name: string;
    entityType: string;
    key: string;
    columns: Array<{
      name: string;
      kind: "text" | "integer" | "decimal" | "boolean" | "date" | "dateTime" | "list";
      decimals?: number;
    }>;
  }>;
  /** Each a JSON object by column name */
  rows?: Array<Record<string, never>>;
  /** With count: the matching rows before top and skip */
  count?: number;
  /** Where the next page starts; absent on the last */
  skipToken?: string;
};

/** The user's own saved reports and those shared with a Jira group they are in, by name. */
export type ReportListInput = Empty;
export type ReportListOutput = {
  reports: Array<SavedReport>;
};

/** Creates a saved report (no id) or replaces one (its owner only). */
export type ReportSaveInput = {
  /** Absent to create */
  id?: string;
  /** 1 to 100 characters, not blank */
  name: string;
  query: ReportQuery;
  /** Jira groups (checked in Jira), at most 20 */
  sharedWith?: Array<string>;
};
export type ReportSaveOutput = SavedReport;

/** Deletes a saved report (its owner only). */
export type ReportDeleteInput = {
  id: string;
};
export type ReportDeleteOutput = {
  deleted: true;
  id: string;
};

export type AttributeListInput = Empty;
export type AttributeListOutput = {
  attributes: Array<Attribute>;
};

/** Replaces the site's attribute definitions (administrators only). */
export type AttributeSaveInput = {
  attributes: Array<Attribute>;
};
export type AttributeSaveOutput = {
  attributes: Array<Attribute>;
};

/** The access grants (Jira administrators and the app only). */
export type AccessGetInput = Empty;
export type AccessGetOutput = Access;

/** Replaces the access grants (Jira administrators only); every group is checked in Jira. */
export type AccessSaveInput = Access;
export type AccessSaveOutput = Access;

/** The site's default working days, hours and holidays. */
export type ScheduleGetInput = Empty;
export type ScheduleGetOutput = Schedule;

export type ScheduleSaveInput = Schedule;
export type ScheduleSaveOutput = Schedule;

/** The site's hourly rates (Jira administrators and the app only; none until saved), with the names of the people and projects they name. */
export type RateListInput = Empty;
export type RateListOutput = {
  /** As rate.save answers them */
  rates: Array<Rate>;
  /** The people the rates name, as the caller may see them; unknown or hidden ones are left out */
  people: Array<Person>;
  /** The projects the rates name, as the caller may see them; unknown or hidden ones are left out */
  projects: Array<ProjectRef>;
};

/** Replaces the site's hourly rates (Jira administrators only); report.run's cost measure uses them. */
export type RateSaveInput = Rates;
export type RateSaveOutput = Rates;

/** One slice of the initial import of every worklog into the index, or of a rebuild with restart (jobs and Jira administrators). */
export type SyncFullInput = {
  /** Worklogs one slice handles before it stops at a checkpoint; 50000 when absent */
  maxWorklogs?: number;
  /** Requests in flight at once; 4 when absent */
  parallel?: number;
  /** Start over even when a full run is in progress or done */
  restart?: boolean;
};
export type SyncFullOutput = SyncSliceOutput;

/** One slice of a run that brings the index up to date with everything changed since the last run; before a full import has completed, it continues (or starts) one. */
export type SyncIncrementalInput = SyncSliceInput;
export type SyncIncrementalOutput = SyncSliceOutput;

/** Brings one worklog of a Jira worklog event up to date in the index (the event trigger; the event's other fields are ignored). */
export type SyncWorklogEventInput = {
  eventType: "avi:jira:created:worklog" | "avi:jira:updated:worklog" | "avi:jira:deleted:worklog";
  worklog: {
    id: WorklogId
      | number;
  };
};
export type SyncWorklogEventOutput = {
  event: "created" | "updated" | "deleted";
  worklog: WorklogId;
  /** indexed (written), unchanged (already as Jira has it), removed (deleted from the index), absent (neither in Jira nor in the index), skipped (its issue is not visible to the app) */
  action: "indexed" | "unchanged" | "removed" | "absent" | "skipped";
};

/** Compares the index with Jira per issue and UTC day over 1 to 62 UTC days (to: today, from: 29 days before to, when absent), and with repair re-indexes the issues that drift (jobs and Jira administrators). */
export type SyncVerifyInput = {
  from?: IsoDate;
  to?: IsoDate;
  repair?: boolean;
  /** Issues a slice compares; 250 when absent */
  maxIssues?: number;
  /** Drop the verification in progress (answers what it found so far, with cancelled) */
  cancel?: boolean;
};
export type SyncVerifyOutput = {
  from: IsoDate;
  to: IsoDate;
  /** Issues compared */
  issues: number;
  indexWorklogs: number;
  jiraWorklogs: number;
  /** How many (issue, day) pairs differ */
  driftCount: number;
  /** The first 100 differences, by issue and day */
  drift: Array<Drift>;
  /** Worklogs whose attributes (written through Jira's REST API) do not fit the site's definitions; reports and exports leave those attributes out */
  invalidAttributesCount: number;
  /** The first 20 of them */
  invalidAttributes: Array<{
    worklogId: string;
    issueId: string;
    problem: string;
  }>;
  /** With repair only */
  repaired?: IndexCounts;
  /** Whether another slice must run, with the same input */
  more: boolean;
  /** Issues compared of the issues to compare */
  progress: Progress;
  /** Present when cancel dropped a verification in progress */
  cancelled?: true;
};

/** The index's state: whether a full import has completed, the run in progress, the last finished run (and the last of each kind), the verification in progress and the last one, the errors of the last failed runs, the custom fields kept, and its rows (jobs and Jira administrators). */
export type SyncStatusInput = Empty;
export type SyncStatusOutput = {
  imported: boolean;
  running: null
    | {
    mode: "full" | "incremental";
    phase: "worklogs" | "deletions" | "issues" | "refresh" | "done";
    progress: Progress;
  };
  /** The last finished run, of either kind */
  last: null
    | SyncRun;
  /** The last finished full import */
  lastFull: null
    | SyncRun;
  /** The last finished incremental run */
  lastIncremental: null
    | SyncRun;
  verify: {
    running: null
      | {
      from: IsoDate;
      to: IsoDate;
      repair: boolean;
      startedMs: number;
      progress: Progress;
    };
    last: null
      | {
      from: IsoDate;
      to: IsoDate;
      repair: boolean;
      startedMs: number;
      finishedMs: number;
      issues: number;
      indexWorklogs: number;
      jiraWorklogs: number;
      driftCount: number;
      /** The first 10 differences */
      drift: Array<Drift>;
      invalidAttributesCount: number;
      /** With repair only */
      repaired?: IndexCounts;
    };
  };
  /** The last 10 failed runs, the latest first */
  errors: Array<{
    operation: "sync.full" | "sync.incremental" | "sync.verify";
    atMs: number;
    code: "invalid-input" | "forbidden" | "not-found" | "conflict" | "upstream" | "limit" | "internal";
    /** The error's message, Jira's included */
    message: string;
    /** What failed and what it means, for a person */
    sentence: string;
  }>;
  customFields: Array<string>;
  worklogs: number;
  issues: number;
};

/** Chooses the custom fields the index keeps (Jira administrators only). */
export type SyncSettingsSaveInput = {
  /** Custom field ids, such as customfield_10100 */
  customFields: Array<string>;
};
export type SyncSettingsSaveOutput = {
  customFields: Array<string>;
  /** Whether the indexed issues will be fetched again by the next sync run */
  refresh: boolean;
};

/** One slice of personal data reporting: reports the stored account ids to Atlassian and erases closed accounts' data (jobs only). */
export type PrivacyReportInput = {
  /** Accounts reported plus rows erased before the slice stops at a checkpoint; 20000 when absent */
  maxItems?: number;
};
export type PrivacyReportOutput = {
  more: boolean;
  phase: "reporting" | "erasing" | "done";
  progress: Progress;
  slice: {
    reported: number;
    closed: number;
    updated: number;
    erased: number;
    rows: number;
    jiraRequests: number;
    sqlStatements: number;
    retries: number;
  };
  totals: PrivacyCounts;
};

/** The site's rounding rule and timer limit (any acting user). */
export type RoundingGetInput = Empty;
export type RoundingGetOutput = RoundingSettings;

/** Saves the site's rounding rule and timer limit (Jira administrators only). */
export type RoundingSaveInput = {
  rule: RoundingRuleInput;
  applyToManual?: boolean;
  /** default 720 */
  timerLimitMinutes?: number;
};
export type RoundingSaveOutput = RoundingSettings;

/** Sample durations as a worklog of each would be logged under a rule, and their total as reports count it. Pure. */
export type RoundingPreviewInput = {
  rule: RoundingRuleInput;
  /** at most 50 */
  seconds: Array<number>;
};
export type RoundingPreviewOutput = {
  rule: RoundingRule;
  results: Array<{
    seconds: number;
    rounded: number;
  }>;
  total: {
    seconds: number;
    rounded: number;
  };
};

/** The acting person's timers, their running time as of the context's now, the site's timer limit and rule. */
export type TimerListInput = Empty;
export type TimerListOutput = {
  timers: Array<Timer>;
  limitMinutes: number;
  rounding: RoundingRule;
};

/** Starts a timer on an issue the person may log work on. */
export type TimerStartInput = {
  issue: IssueRef;
  comment?: string;
  attributes?: AttributeValues;
  other?: TimerOther;
};
export type TimerStartOutput = TimerChange;

/** Pauses one of the person's timers. */
export type TimerPauseInput = {
  id: TimerId;
};
export type TimerPauseOutput = Timer;

/** Resumes one of the person's paused timers. */
export type TimerResumeInput = {
  id: TimerId;
  other?: TimerOther;
};
export type TimerResumeOutput = TimerChange;

/** Changes a timer's comment or attributes (which replace the whole set). */
export type TimerUpdateInput = {
  id: TimerId;
  comment?: string;
  attributes?: AttributeValues;
};
export type TimerUpdateOutput = Timer;

/** Stops one of the person's timers (by id; without one, the running timer): log its time (from its first start, after the site's rule) as a native Jira worklog, or discard it. */
export type TimerStopInput = {
  id?: TimerId;
  action: "log" | "discard";
};
export type TimerStopOutput = TimerStop;

/** Stops every forgotten timer of the installation at its limit instant, never logging it (jobs only). */
export type TimerSweepInput = Empty;
export type TimerSweepOutput = {
  more: boolean;
  progress: Progress;
  slice: {
    stopped: number;
  };
};

/** The audit log, newest first, filtered and paged by sequence number (Jira administrators). */
export type AuditListInput = {
  fromMs?: number;
  toMs?: number;
  subject?: string;
  accountId?: string;
  /** entries before this sequence number (the previous answer's next) */
  before?: number;
  /** 50 when absent */
  limit?: number;
};
export type AuditListOutput = {
  entries: Array<AuditEntry>;
  next: null
    | number;
  settings: AuditSettings;
};

/** The audit log, oldest first, as CSV (header in the first piece) or a JSON array per piece of 500 entries (Jira administrators). */
export type AuditExportInput = {
  fromMs?: number;
  toMs?: number;
  subject?: string;
  accountId?: string;
  /** entries after this sequence number (the previous piece's after) */
  after?: number;
  format?: "csv" | "json";
};
export type AuditExportOutput = {
  more: boolean;
  after: null
    | number;
  format: "csv" | "json";
  content: string;
  rows: number;
};

/** One slice of checking the audit log's hash chain from its anchor; when done, whether it is intact and the first broken entry (jobs; administrators). */
export type AuditVerifyInput = {
  /** start from the anchor again */
  restart?: boolean;
  /** entries per slice; 2000 when absent */
  slice?: number;
};
export type AuditVerifyOutput = {
  more: boolean;
  progress: Progress;
  ok: null
    | boolean;
  broken: null
    | {
    seq: number;
    reason: "edited" | "deleted" | "reordered";
    message: string;
  };
  anchor: number;
};

/** Saves the audit log's retention (Jira administrators). */
export type AuditSettingsSaveInput = {
  retentionDays: null
    | number;
};
export type AuditSettingsSaveOutput = AuditSettings;

/** Deletes the oldest audit entries past the retention, up to 1000 a slice, after recording the last one's hash as the chain's anchor (jobs only). */
export type AuditPruneInput = Empty;
export type AuditPruneOutput = {
  more: boolean;
  pruned: number;
  anchor: number;
};

/** The dry run of a restore of worklogs from the journal: each worklog that would be recreated (and as whom) or reverted, or cannot be restored and why, with totals; writes nothing (Jira administrators). */
export type RestorePlanInput = RestoreSelection;
export type RestorePlanOutput = {
  selection: RestoreSelection;
  worklogs: Array<RestoreWorklog>;
  totals: RestoreTotals;
};

/** Restores the selection's worklogs, a slice at a time, checkpointed; the same restore again changes nothing (Jira administrators). */
export type RestoreRunInput = RestoreSelection;
export type RestoreRunOutput = RestoreRun;

/** The current or last restore of worklogs (Jira administrators). */
export type RestoreStatusInput = Empty;
export type RestoreStatusOutput = RestoreRun;

/** Stops the restore of worklogs under way; what was restored stays (Jira administrators). */
export type RestoreCancelInput = Empty;
export type RestoreCancelOutput = RestoreRun;

/** The worklog journal's retention, comment switch, how many versions it holds and about how many bytes they take (Jira administrators). */
export type JournalSettingsGetInput = Empty;
export type JournalSettingsGetOutput = {
  retentionDays: null
    | number;
  comments: boolean;
  versions: number;
  approxBytes: number;
  engine: "sqlite" | "mysql" | "forge-sql";
  measured: boolean;
};

/** Saves the worklog journal's retention (days, null for forever) and whether it keeps comments (Jira administrators; audited). */
export type JournalSettingsSaveInput = {
  retentionDays: null
    | number;
  comments: boolean;
};
export type JournalSettingsSaveOutput = {
  retentionDays: null
    | number;
  comments: boolean;
};

/** Versions of worklogs the app has seen, oldest first, by worklog, issue, project, person and period, paged (Jira administrators). */
export type JournalListInput = {
  worklogId?: string;
  issueId?: string;
  projectId?: string;
  accountId?: string;
  fromMs?: number;
  toMs?: number;
  after?: string;
  limit?: number;
};
export type JournalListOutput = {
  versions: Array<{
    worklogId: string;
    seq: number;
    issueId: string;
    projectId: string;
    accountId: null
      | string;
    authorLabel?: string;
    startedMs: number;
    seconds: number;
    visibility: null
      | string;
    attributes: null
      | string;
    hasComment: boolean;
    deleted: boolean;
    seenAtMs: number;
    source: "app" | "event" | "sync" | "restore";
  }>;
  next: null
    | string;
};

/** Clears the comments journaled before they were turned off, then deletes journal versions seen longer ago than the retention (a worklog Jira still has keeps its current version), 2000 a slice (jobs only). */
export type JournalPruneInput = Empty;
export type JournalPruneOutput = {
  more: boolean;
  pruned: number;
  cleared: number;
};

/** The site's approval settings (anyone). */
export type ApprovalSettingsGetInput = Empty;
export type ApprovalSettingsGetOutput = ApprovalSettings;

/** Saves the approval settings (Jira administrators); audited. */
export type ApprovalSettingsSaveInput = ApprovalSettings;
export type ApprovalSettingsSaveOutput = ApprovalSettings;

/** Who reviews whom: the reviewer rules (anyone). */
export type ApprovalRulesListInput = Empty;
export type ApprovalRulesListOutput = ApprovalRules;

/** Replaces the reviewer rules (Jira administrators); every group is checked in Jira; at most 100 rules; audited. */
export type ApprovalRulesSaveInput = ApprovalRules;
export type ApprovalRulesSaveOutput = ApprovalRules;

/** A person's period holding a date (today without it), in their zone: state, balance, decision, history. The acting user's own, or someone whose time they may see or review. */
export type ApprovalStatusInput = {
  accountId?: string;
  date?: IsoDate;
};
export type ApprovalStatusOutput = ApprovalPeriod;

/** The periods holding a date of the people the viewer reviews (members of the teams of their rules; every rule's teams for an administrator), optionally of one group's members, by display name; at most 200 people. */
export type ApprovalTeamInput = {
  date: IsoDate;
  group?: string;
};
export type ApprovalTeamOutput = {
  period: "weekly" | "monthly";
  start: IsoDate;
  end: IsoDate;
  rows: Array<ApprovalTeamRow>;
};

/** Submits the acting user's period holding date (open to submitted) and locks it; refused while short when requireRequiredTime is on, warns otherwise. */
export type ApprovalSubmitInput = {
  date: IsoDate;
};
export type ApprovalSubmitOutput = ApprovalPeriod;

/** Approves a submitted period (a reviewer of the person, or an administrator); the approved version of its worklogs is kept. */
export type ApprovalApproveInput = {
  accountId: string;
  periodStart: IsoDate;
};
export type ApprovalApproveOutput = ApprovalPeriod;

/** Approves several people's submitted periods starting on one date; each is decided on its own. */
export type ApprovalApproveManyInput = {
  /** 1 to 100 */
  accountIds: Array<string>;
  periodStart: IsoDate;
};
export type ApprovalApproveManyOutput = {
  results: Array<{
    accountId: string;
    ok: boolean;
    state?: ApprovalState;
    error?: {
      code: string;
      message: string;
    };
  }>;
};

/** Rejects a submitted period back to open with a reason (the reviewer's comment). */
export type ApprovalRejectInput = {
  accountId: string;
  periodStart: IsoDate;
  reason: string;
};
export type ApprovalRejectOutput = ApprovalPeriod;

/** Reopens an approved period with a reason (a reviewer of the person, or an administrator). */
export type ApprovalReopenInput = {
  accountId: string;
  periodStart: IsoDate;
  reason: string;
};
export type ApprovalReopenOutput = ApprovalPeriod;

/** The submitted periods awaiting the viewer's review (their count, and the first 100). */
export type ApprovalPendingInput = Empty;
export type ApprovalPendingOutput = {
  count: number;
  periods: Array<{
    accountId: string;
    periodStart: IsoDate;
    end: IsoDate;
  }>;
};

/** Outside edits to locked periods (open ones first, newest first; at most 200): of one person (and period), or every one the viewer reviews. */
export type ApprovalDriftListInput = {
  accountId?: string;
  periodStart?: IsoDate;
};
export type ApprovalDriftListOutput = {
  drifts: Array<ApprovalDriftItem>;
};

/** Resolves an open drift (a reviewer of the person, or an administrator): restore the locked version, or accept Jira's with a reason; the replaced values stay in the history. */
export type ApprovalDriftResolveInput = {
  id: string;
  action: "restore" | "accept";
  reason: string;
};
export type ApprovalDriftResolveOutput = ApprovalDriftItem;

/** Makes an archive of the app's data in its own storage, in slices (Jira administrators; the scheduled job with kind scheduled, which does nothing when the schedule is off). */
export type BackupCreateInput = {
  kind?: "manual" | "scheduled";
};
export type BackupCreateOutput = {
  more: boolean;
  progress: Progress;
  archive: null
    | string;
};

/** The archives in the app's storage, newest first, and the schedule (Jira administrators). */
export type BackupListInput = Empty;
export type BackupListOutput = {
  archives: Array<{
    archive: string;
    kind: "manual" | "scheduled" | "uploaded";
    createdAtMs: number;
    parts: number;
    bytes: number;
    complete: boolean;
    version: null
      | number;
    sha256: null
      | string;
  }>;
  settings: BackupSettings;
};

/** One part of a stored archive, the manifest (seq 0) first; next is null after the last (Jira administrators). */
export type BackupDownloadInput = {
  archive: ArchiveId;
  seq?: number;
};
export type BackupDownloadOutput = {
  archive: string;
  seq: number;
  name: string;
  content: string;
  sha256: string;
  next: null
    | number;
};

/** Stores one part of an archive made elsewhere, the manifest first (without archive), which answers the new archive's id (Jira administrators). */
export type BackupUploadInput = {
  archive?: ArchiveId;
  name: string;
  content: string;
};
export type BackupUploadOutput = {
  archive: string;
  seq: number;
  parts: number;
};

/** Deletes a stored archive (Jira administrators). */
export type BackupDeleteInput = {
  archive: ArchiveId;
};
export type BackupDeleteOutput = {
  archive: string;
};

/** The dry run of a restore, in slices: verifies the manifest and every part, then says per table what is replaced, the conflicts and the ids the mapping does not name (Jira administrators). */
export type BackupRestorePlanInput = RestoreInput;
export type BackupRestorePlanOutput = RestoreOutput;

/** Replaces the app's data with an archive's, mapping ids, in resumable slices, after verifying every part (Jira administrators). */
export type BackupRestoreRunInput = RestoreInput;
export type BackupRestoreRunOutput = RestoreOutput;

/** Saves the backup schedule and retention (Jira administrators). */
export type BackupSettingsSaveInput = BackupSettings;
export type BackupSettingsSaveOutput = BackupSettings;

/** Deletes the scheduled archives the retention does not keep (jobs only). */
export type BackupPruneInput = Empty;
export type BackupPruneOutput = {
  more: boolean;
  pruned: Array<string>;
  kept: number;
};

/** Brings every worklog's property worklogs.finance (billable, approval state) in line with the flat export, writing the differences as the app, in slices (jobs only). */
export type FinanceMirrorInput = Empty;
export type FinanceMirrorOutput = {
  more: boolean;
  progress: Progress;
  slice: {
    checked: number;
    written: number;
    skipped: number;
  };
};

/** Every operation: its input and output. */
export interface Operations {
  "me": { input: MeInput; output: MeOutput };
  "timetracking.settings": { input: TimetrackingSettingsInput; output: TimetrackingSettingsOutput };
  "timetracking.settings.save": { input: TimetrackingSettingsSaveInput; output: TimetrackingSettingsSaveOutput };
  "worklog.list": { input: WorklogListInput; output: WorklogListOutput };
  "worklog.log": { input: WorklogLogInput; output: WorklogLogOutput };
  "worklog.update": { input: WorklogUpdateInput; output: WorklogUpdateOutput };
  "worklog.delete": { input: WorklogDeleteInput; output: WorklogDeleteOutput };
  "timesheet.week": { input: TimesheetWeekInput; output: TimesheetWeekOutput };
  "timesheet.shortfall": { input: TimesheetShortfallInput; output: TimesheetShortfallOutput };
  "issue.search": { input: IssueSearchInput; output: IssueSearchOutput };
  "people.search": { input: PeopleSearchInput; output: PeopleSearchOutput };
  "project.search": { input: ProjectSearchInput; output: ProjectSearchOutput };
  "group.search": { input: GroupSearchInput; output: GroupSearchOutput };
  "report.run": { input: ReportRunInput; output: ReportRunOutput };
  "export.run": { input: ExportRunInput; output: ExportRunOutput };
  "export.changes": { input: ExportChangesInput; output: ExportChangesOutput };
  "export.feed": { input: ExportFeedInput; output: ExportFeedOutput };
  "report.list": { input: ReportListInput; output: ReportListOutput };
  "report.save": { input: ReportSaveInput; output: ReportSaveOutput };
  "report.delete": { input: ReportDeleteInput; output: ReportDeleteOutput };
  "attribute.list": { input: AttributeListInput; output: AttributeListOutput };
  "attribute.save": { input: AttributeSaveInput; output: AttributeSaveOutput };
  "access.get": { input: AccessGetInput; output: AccessGetOutput };
  "access.save": { input: AccessSaveInput; output: AccessSaveOutput };
  "schedule.get": { input: ScheduleGetInput; output: ScheduleGetOutput };
  "schedule.save": { input: ScheduleSaveInput; output: ScheduleSaveOutput };
  "rate.list": { input: RateListInput; output: RateListOutput };
  "rate.save": { input: RateSaveInput; output: RateSaveOutput };
  "sync.full": { input: SyncFullInput; output: SyncFullOutput };
  "sync.incremental": { input: SyncIncrementalInput; output: SyncIncrementalOutput };
  "sync.worklog-event": { input: SyncWorklogEventInput; output: SyncWorklogEventOutput };
  "sync.verify": { input: SyncVerifyInput; output: SyncVerifyOutput };
  "sync.status": { input: SyncStatusInput; output: SyncStatusOutput };
  "sync.settings.save": { input: SyncSettingsSaveInput; output: SyncSettingsSaveOutput };
  "privacy.report": { input: PrivacyReportInput; output: PrivacyReportOutput };
  "rounding.get": { input: RoundingGetInput; output: RoundingGetOutput };
  "rounding.save": { input: RoundingSaveInput; output: RoundingSaveOutput };
  "rounding.preview": { input: RoundingPreviewInput; output: RoundingPreviewOutput };
  "timer.list": { input: TimerListInput; output: TimerListOutput };
  "timer.start": { input: TimerStartInput; output: TimerStartOutput };
  "timer.pause": { input: TimerPauseInput; output: TimerPauseOutput };
  "timer.resume": { input: TimerResumeInput; output: TimerResumeOutput };
  "timer.update": { input: TimerUpdateInput; output: TimerUpdateOutput };
  "timer.stop": { input: TimerStopInput; output: TimerStopOutput };
  "timer.sweep": { input: TimerSweepInput; output: TimerSweepOutput };
  "audit.list": { input: AuditListInput; output: AuditListOutput };
  "audit.export": { input: AuditExportInput; output: AuditExportOutput };
  "audit.verify": { input: AuditVerifyInput; output: AuditVerifyOutput };
  "audit.settings.save": { input: AuditSettingsSaveInput; output: AuditSettingsSaveOutput };
  "audit.prune": { input: AuditPruneInput; output: AuditPruneOutput };
  "restore.plan": { input: RestorePlanInput; output: RestorePlanOutput };
  "restore.run": { input: RestoreRunInput; output: RestoreRunOutput };
  "restore.status": { input: RestoreStatusInput; output: RestoreStatusOutput };
  "restore.cancel": { input: RestoreCancelInput; output: RestoreCancelOutput };
  "journal.settings.get": { input: JournalSettingsGetInput; output: JournalSettingsGetOutput };
  "journal.settings.save": { input: JournalSettingsSaveInput; output: JournalSettingsSaveOutput };
  "journal.list": { input: JournalListInput; output: JournalListOutput };
  "journal.prune": { input: JournalPruneInput; output: JournalPruneOutput };
  "approval.settings.get": { input: ApprovalSettingsGetInput; output: ApprovalSettingsGetOutput };
  "approval.settings.save": { input: ApprovalSettingsSaveInput; output: ApprovalSettingsSaveOutput };
  "approval.rules.list": { input: ApprovalRulesListInput; output: ApprovalRulesListOutput };
  "approval.rules.save": { input: ApprovalRulesSaveInput; output: ApprovalRulesSaveOutput };
  "approval.status": { input: ApprovalStatusInput; output: ApprovalStatusOutput };
  "approval.team": { input: ApprovalTeamInput; output: ApprovalTeamOutput };
  "approval.submit": { input: ApprovalSubmitInput; output: ApprovalSubmitOutput };
  "approval.approve": { input: ApprovalApproveInput; output: ApprovalApproveOutput };
  "approval.approveMany": { input: ApprovalApproveManyInput; output: ApprovalApproveManyOutput };
  "approval.reject": { input: ApprovalRejectInput; output: ApprovalRejectOutput };
  "approval.reopen": { input: ApprovalReopenInput; output: ApprovalReopenOutput };
  "approval.pending": { input: ApprovalPendingInput; output: ApprovalPendingOutput };
  "approval.drift.list": { input: ApprovalDriftListInput; output: ApprovalDriftListOutput };
  "approval.drift.resolve": { input: ApprovalDriftResolveInput; output: ApprovalDriftResolveOutput };
  "backup.create": { input: BackupCreateInput; output: BackupCreateOutput };
  "backup.list": { input: BackupListInput; output: BackupListOutput };
  "backup.download": { input: BackupDownloadInput; output: BackupDownloadOutput };
  "backup.upload": { input: BackupUploadInput; output: BackupUploadOutput };
  "backup.delete": { input: BackupDeleteInput; output: BackupDeleteOutput };
  "backup.restore.plan": { input: BackupRestorePlanInput; output: BackupRestorePlanOutput };
  "backup.restore.run": { input: BackupRestoreRunInput; output: BackupRestoreRunOutput };
  "backup.settings.save": { input: BackupSettingsSaveInput; output: BackupSettingsSaveOutput };
  "backup.prune": { input: BackupPruneInput; output: BackupPruneOutput };
  "finance.mirror": { input: FinanceMirrorInput; output: FinanceMirrorOutput };
}

/** Every operation of the component (the contract lists exactly those). */
export const AVAILABLE_OPERATIONS = ["me","timetracking.settings","timetracking.settings.save","worklog.list","worklog.log","worklog.update","worklog.delete","timesheet.week","timesheet.shortfall","issue.search","people.search","project.search","group.search","report.run","export.run","export.changes","export.feed","report.list","report.save","report.delete","attribute.list","attribute.save","access.get","access.save","schedule.get","schedule.save","rate.list","rate.save","sync.full","sync.incremental","sync.worklog-event","sync.verify","sync.status","sync.settings.save","privacy.report","rounding.get","rounding.save","rounding.preview","timer.list","timer.start","timer.pause","timer.resume","timer.update","timer.stop","timer.sweep","audit.list","audit.export","audit.verify","audit.settings.save","audit.prune","restore.plan","restore.run","restore.status","restore.cancel","journal.settings.get","journal.settings.save","journal.list","journal.prune","approval.settings.get","approval.settings.save","approval.rules.list","approval.rules.save","approval.status","approval.team","approval.submit","approval.approve","approval.approveMany","approval.reject","approval.reopen","approval.pending","approval.drift.list","approval.drift.resolve","backup.create","backup.list","backup.download","backup.upload","backup.delete","backup.restore.plan","backup.restore.run","backup.settings.save","backup.prune","finance.mirror"] as const;
