// INTERIM, removed when the contract lands: the approval operations as the
// backend's draft of wit/operations.schema.json describes them.

declare module './types.gen' {
  type ApprovalSettings = {
    /** weekly: the site's week (schedule's weekStart); monthly: calendar months; in each person's own time zone */
    period: "weekly" | "monthly";
    /** Refuse a submission while the period has short days (logged below the schedule's required time) */
    requireRequiredTime: boolean;
    /** Let a reviewer approve, reject or reopen their own period (off: nobody may, administrators included) */
    allowSelfApproval: boolean;
    /** What an edit made outside the app to a worklog of a submitted or approved period does: restore the locked version, or flag it for the reviewer */
    onOutsideEdit: "restore" | "flag";
  };

  type ApprovalRule = {
    /** The Jira group whose members review */
    reviewers: string;
    /** The Jira groups whose members they review (1 to 50) */
    teams: Array<string>;
    /** Project keys: the rule covers a period only when all of its worklogs are in these projects; every project without it */
    projects?: Array<string>;
  };

  type ApprovalRules = {
    rules: Array<ApprovalRule>;
  };

  /** A rejected period is open again, with the rejection as its last decision */
  type ApprovalState = "open" | "submitted" | "approved";

  type ApprovalAction = "submitted" | "approved" | "rejected" | "reopened" | "flagged" | "restored" | "accepted";

  type ApprovalHistoryEntry = {
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

  type ApprovalDecision = {
    action: "approved" | "rejected" | "reopened";
    by: string;
    at: string;
    /** Required for rejected and reopened: the reviewer's comment */
    reason?: string;
  };

  type ApprovalPeriod = {
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

  type ApprovalTeamRow = {
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

  type WorklogVersion = {
    issueId: string;
    authorAccountId?: string;
    /** RFC 3339, UTC, with milliseconds */
    started: string;
    timeSpentSeconds: number;
    comment?: string;
    visibility?: Visibility;
    attributes?: Record<string, never>;
  };

  type ApprovalDriftItem = {
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

  /** The site's approval settings (anyone). */
  type ApprovalSettingsGetInput = Empty;
  type ApprovalSettingsGetOutput = ApprovalSettings;

  /** Saves the approval settings (Jira administrators); audited. */
  type ApprovalSettingsSaveInput = ApprovalSettings;
  type ApprovalSettingsSaveOutput = ApprovalSettings;

  /** Who reviews whom: the reviewer rules (anyone). */
  type ApprovalRulesListInput = Empty;
  type ApprovalRulesListOutput = ApprovalRules;

  /** Replaces the reviewer rules (Jira administrators); every group is checked in Jira; at most 100 rules; audited. */
  type ApprovalRulesSaveInput = ApprovalRules;
  type ApprovalRulesSaveOutput = ApprovalRules;

  /** A person's period holding a date (today without it), in their zone: state, balance, decision, history. The acting user's own, or someone whose time they may see or review. */
  type ApprovalStatusInput = {
    accountId?: string;
    date?: IsoDate;
  };
  type ApprovalStatusOutput = ApprovalPeriod;

  /** The periods holding a date of the people the viewer reviews (members of the teams of their rules; every rule's teams for an administrator), optionally of one group's members, by display name; at most 200 people. */
  type ApprovalTeamInput = {
    date: IsoDate;
    group?: string;
  };
  type ApprovalTeamOutput = {
    period: "weekly" | "monthly";
    start: IsoDate;
    end: IsoDate;
    rows: Array<ApprovalTeamRow>;
  };

  /** Submits the acting user's period holding date (open to submitted) and locks it; refused while short when requireRequiredTime is on, warns otherwise. */
  type ApprovalSubmitInput = {
    date: IsoDate;
  };
  type ApprovalSubmitOutput = ApprovalPeriod;

  /** Approves a submitted period (a reviewer of the person, or an administrator); the approved version of its worklogs is kept. */
  type ApprovalApproveInput = {
    accountId: string;
    periodStart: IsoDate;
  };
  type ApprovalApproveOutput = ApprovalPeriod;

  /** Approves several people's submitted periods starting on one date; each is decided on its own. */
  type ApprovalApproveManyInput = {
    /** 1 to 100 */
    accountIds: Array<string>;
    periodStart: IsoDate;
  };
  type ApprovalApproveManyOutput = {
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
  type ApprovalRejectInput = {
    accountId: string;
    periodStart: IsoDate;
    reason: string;
  };
  type ApprovalRejectOutput = ApprovalPeriod;

  /** Reopens an approved period with a reason (a reviewer of the person, or an administrator). */
  type ApprovalReopenInput = {
    accountId: string;
    periodStart: IsoDate;
    reason: string;
  };
  type ApprovalReopenOutput = ApprovalPeriod;

  /** The submitted periods awaiting the viewer's review (their count, and the first 100). */
  type ApprovalPendingInput = Empty;
  type ApprovalPendingOutput = {
    count: number;
    periods: Array<{
      accountId: string;
      periodStart: IsoDate;
      end: IsoDate;
    }>;
  };

  /** Outside edits to locked periods (open ones first, newest first; at most 200): of one person (and period), or every one the viewer reviews. */
  type ApprovalDriftListInput = {
    accountId?: string;
    periodStart?: IsoDate;
  };
  type ApprovalDriftListOutput = {
    drifts: Array<ApprovalDriftItem>;
  };

  /** Resolves an open drift (a reviewer of the person, or an administrator): restore the locked version, or accept Jira's with a reason; the replaced values stay in the history. */
  type ApprovalDriftResolveInput = {
    id: string;
    action: "restore" | "accept";
    reason: string;
  };
  type ApprovalDriftResolveOutput = ApprovalDriftItem;

  interface Operations {
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
  }
}
export {};
