// The reviewer rules as the admin section edits them (typed rows) and sends them.
import type { ApprovalRule } from '../../api/types.gen';

export type Rule = ApprovalRule;
/** A rule being edited: the fields as typed. */
export interface RuleRow { id: number; group: string; teams: string; projects: string }

let nextId = 1;
export const nextRuleId = () => nextId++;
export const toRow = (r: Rule): RuleRow => ({ id: nextId++, group: r.reviewers, teams: r.teams.join(', '), projects: (r.projects ?? []).join(', ') });
export const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** What is wrong with a typed Jira group name, or undefined. */
export function groupProblem(name: string): string | undefined {
  if (!name.trim()) return 'Enter a Jira group name.';
  if (name.includes(',')) return 'One group per rule: a group name has no comma.';
  if (name.length > 255) return 'A Jira group name has at most 255 characters.';
  return undefined;
}

/** The rule as sent; blank projects mean every project. */
export function toRule(r: RuleRow): Rule {
  const projects = list(r.projects).map((p) => p.toUpperCase());
  return { reviewers: r.group.trim(), teams: list(r.teams), ...(projects.length ? { projects } : {}) };
}
