// Generated from ui/schema/operations.json by ui/scripts/gen-types.mjs: do not edit.
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

export type IssueSummary = {
  id: string;
  key: string;
  summary: string;
  projectKey?: string;
  issueType?: string;
  status?: string;
};

export type GroupDimension = "person" | "project" | "issue" | "epic" | "day" | "week" | "month";

export type ReportQuery = {
  /** First day, inclusive */
  from: IsoDate;
  /** Last day, inclusive */
  to: IsoDate;
  /** The zone whose days the report counts; the viewer's by default */
  timeZone?: string;
  /** Project keys; all the viewer may browse when absent */
  projects?: Array<string>;
  issues?: Array<IssueRef>;
  /** Account ids; everyone whose time the viewer may see when absent */
  authors?: Array<string>;
  /** One to three levels */
  groupBy?: Array<GroupDimension>;
  /** The series to return for the chart; day by default */
  chart?: "day" | "person";
};

export type ReportGroup = {
  /** Stable: an account id, project key, issue key or date */
  key: string;
  /** What to show: a display name, 'KEY summary', a date */
  label: string;
  seconds: Seconds;
  worklogs: number;
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
  updated?: DateTime;
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

export type Empty = Record<string, never>;

export type MeInput = Empty;
export type MeOutput = {
  accountId: string;
  displayName: string;
  emailAddress?: string;
  timeZone: string;
  locale: string;
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
  /** The seven days, in order from the week start */
  days: Array<{
    date: IsoDate;
    requiredSeconds: Seconds;
    holiday?: string;
  }>;
  rows: Array<{
    issue: IssueSummary;
    worklogs: Array<Worklog>;
  }>;
};

/** Issues the user may browse whose key or summary matches the text (Jira's issue picker), most relevant first. */
export type IssueSearchInput = {
  query: string;
  limit?: number;
};
export type IssueSearchOutput = {
  issues: Array<IssueSummary>;
};

/** Time in a period grouped one to three levels deep, filtered for what the viewer may see, with the series for a chart. */
export type ReportRunInput = ReportQuery;
export type ReportRunOutput = {
  from: IsoDate;
  to: IsoDate;
  timeZone: string;
  groupBy: Array<GroupDimension>;
  totalSeconds: Seconds;
  worklogs: number;
  groups: Array<ReportGroup>;
  /** Every day of the period (zeros included) or every person, in order */
  chart: Array<ReportPoint>;
};

/** One piece of an export file. The first call has no continuation; while an answer has one, the next call passes it back with the same query and format. The pieces' bytes, concatenated in order, are the file. */
export type ExportRunInput = {
  query: ReportQuery;
  format: "csv" | "xlsx" | "json";
  continuation?: string;
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
};

export type ReportListInput = Empty;
export type ReportListOutput = {
  reports: Array<SavedReport>;
};

export type ReportSaveInput = {
  /** Absent to create */
  id?: string;
  name: string;
  query: ReportQuery;
};
export type ReportSaveOutput = SavedReport;

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

export type AccessGetInput = Empty;
export type AccessGetOutput = Access;

export type AccessSaveInput = Access;
export type AccessSaveOutput = Access;

/** The site's default working days, hours and holidays. */
export type ScheduleGetInput = Empty;
export type ScheduleGetOutput = Schedule;

export type ScheduleSaveInput = Schedule;
export type ScheduleSaveOutput = Schedule;

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
  "issue.search": { input: IssueSearchInput; output: IssueSearchOutput };
  "report.run": { input: ReportRunInput; output: ReportRunOutput };
  "export.run": { input: ExportRunInput; output: ExportRunOutput };
  "report.list": { input: ReportListInput; output: ReportListOutput };
  "report.save": { input: ReportSaveInput; output: ReportSaveOutput };
  "report.delete": { input: ReportDeleteInput; output: ReportDeleteOutput };
  "attribute.list": { input: AttributeListInput; output: AttributeListOutput };
  "attribute.save": { input: AttributeSaveInput; output: AttributeSaveOutput };
  "access.get": { input: AccessGetInput; output: AccessGetOutput };
  "access.save": { input: AccessSaveInput; output: AccessSaveOutput };
  "schedule.get": { input: ScheduleGetInput; output: ScheduleGetOutput };
  "schedule.save": { input: ScheduleSaveInput; output: ScheduleSaveOutput };
}

/** The operations the component has now; the others are planned. */
export const AVAILABLE_OPERATIONS = ["me","timetracking.settings","timetracking.settings.save","worklog.list","worklog.log","worklog.update","worklog.delete","timesheet.week","issue.search","attribute.list","attribute.save","schedule.get","schedule.save"] as const;
