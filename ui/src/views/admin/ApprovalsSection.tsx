// Approvals (approval.settings.get/save, approval.rules.list/save, Jira
// administrators): what a period is, whether the required time must be met before
// submitting, whether anyone may approve their own period, what happens to a
// worklog changed in Jira inside an approved period (restore or flag), and the
// reviewer rules: members of group G review members of teams T, optionally only
// in projects P. Groups are picked from Jira's groups (group.search, as the
// administrator sees them) or typed, and checked for shape; projects are picked
// (project.search). The component checks the rest and names the field
// (`rules[1].group`), shown on that field.
import { useState } from 'preact/hooks';
import type { ApprovalSettings } from '../../api/approvals';
import { call } from '../../api/client';
import type { ProjectRef } from '../../api/types.gen';
import { Picker } from '../../components/Picker';
import { Button, ErrorBanner, Field } from '../../components/ui';
import { useAction } from '../../lib/hooks';
import { AdminSection, LoadedSection, fieldOf } from './parts';
import { list, nextRuleId, toRow, toRule, groupProblem, type Rule, type RuleRow } from './rules';

export function ApprovalsSection() {
  return (
    <AdminSection id="approvals" title="Approvals"
      intro="Timesheet periods are submitted by their owner and approved, or sent back with a reason, by a reviewer. An approved period is locked, even against edits made in Jira itself.">
      <LoadedSection op="approval.settings.get" load={() => call('approval.settings.get', {})} what="Timesheet approvals: periods, reviewers and the lock.">
        {(settings) => <SettingsForm initial={settings} />}
      </LoadedSection>
      <h3 class="subsection-title">Who reviews whom</h3>
      <p class="muted">Members of a Jira group review the members of teams (Jira groups), in every project or only in some. Jira administrators review anyone.</p>
      <LoadedSection op="approval.rules.list" load={() => call('approval.rules.list', {})} what="Reviewer rules.">
        {(rules) => <RulesForm initial={rules.rules} />}
      </LoadedSection>
    </AdminSection>
  );
}

function SettingsForm({ initial }: { initial: ApprovalSettings }) {
  const [form, setForm] = useState(initial);
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const set = (patch: Partial<ApprovalSettings>) => { setSaved(false); setForm({ ...form, ...patch }); };
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await save.run('approval.settings.save', () => call('approval.settings.save', form));
    if (r) { setForm(r); setSaved(true); }
  };
  return (
    <form class="form" onSubmit={submit} noValidate aria-label="Approval settings">
      <fieldset class="fieldset">
        <legend class="field-label">A period is</legend>
        <div class="radio-row">
          <label class="radio"><input type="radio" name="approval-period" checked={form.period === 'weekly'} onChange={() => set({ period: 'weekly' })} /> A week (from the site's week start)</label>
          <label class="radio"><input type="radio" name="approval-period" checked={form.period === 'monthly'} onChange={() => set({ period: 'monthly' })} /> A calendar month</label>
        </div>
      </fieldset>
      <label class="checkbox">
        <input type="checkbox" checked={form.requireRequiredTime} onChange={(e) => set({ requireRequiredTime: (e.target as HTMLInputElement).checked })} />
        <span>Require the required time (schedules and holidays) to be logged before submitting</span>
      </label>
      <label class="checkbox">
        <input type="checkbox" checked={form.allowSelfApproval} onChange={(e) => set({ allowSelfApproval: (e.target as HTMLInputElement).checked })} />
        <span>Let reviewers approve their own periods</span>
      </label>
      <fieldset class="fieldset">
        <legend class="field-label">A worklog changed in Jira inside an approved period</legend>
        <div class="radio-row">
          <label class="radio"><input type="radio" name="approval-drift" checked={form.onOutsideEdit === 'restore'} onChange={() => set({ onOutsideEdit: 'restore' })} /> Is restored to its approved version</label>
          <label class="radio"><input type="radio" name="approval-drift" checked={form.onOutsideEdit === 'flag'} onChange={() => set({ onOutsideEdit: 'flag' })} /> Is flagged for the reviewer</label>
        </div>
      </fieldset>
      {save.error && <ErrorBanner error={save.error} onDismiss={() => save.setError(undefined)} />}
      <div class="form-actions">
        <Button appearance="primary" type="submit" busy={save.busy}>Save approval settings</Button>
        <span role="status" aria-live="polite" class="small success-text">{saved ? 'Saved.' : ''}</span>
      </div>
    </form>
  );
}

/** A group found by name (group.search). */
type FoundGroup = { name: string; groupId: string };

/** Jira groups by name: the picker searches the last name typed and completes it. */
const searchGroups = (text: string) => {
  const last = text.split(',').pop()!.trim();
  return last.length < 1 ? undefined : call('group.search', { query: last, limit: 8 }).then((r) => r.groups);
};

/** Projects by key: the picker searches the last key typed and completes it. */
const searchProjects = (text: string) => {
  const last = text.split(',').pop()!.trim();
  return last.length < 1 ? undefined : call('project.search', { query: last, limit: 8 }).then((r) => r.projects);
};

function RulesForm({ initial }: { initial: Rule[] }) {
  const [rows, setRows] = useState<RuleRow[]>(() => initial.map(toRow));
  const [problems, setProblems] = useState<Record<number, string>>({});
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const named = fieldOf(save.error, 'rules');
  // The component names the rule's `reviewers`; the field here is the group.
  const bad = named && { ...named, field: named.field === 'reviewers' ? 'group' : named.field };
  const update = (i: number, patch: Partial<RuleRow>) => {
    setSaved(false);
    setRows((all) => all.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Record<number, string> = {};
    rows.forEach((r) => { const p = groupProblem(r.group); if (p) found[r.id] = p; });
    setProblems(found);
    if (Object.keys(found).length) {
      document.getElementById(`rule-${Object.keys(found)[0]}-group`)?.focus();
      return;
    }
    const r = await save.run('approval.rules.save', () => call('approval.rules.save', { rules: rows.map(toRule) }));
    if (r) { setRows(r.rules.map(toRow)); setSaved(true); }
  };
  const field = (i: number, r: RuleRow, f: 'group' | 'teams' | 'projects') => {
    const invalid = bad && bad.index === i && bad.field === f ? bad.message : f === 'group' ? problems[r.id] : undefined;
    return { id: `rule-${r.id}-${f}`, invalid, describedBy: invalid ? `rule-${r.id}-${f}-msg` : undefined };
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Reviewer rules">
      {rows.length === 0 && <p class="muted" data-testid="no-rules">No rules yet: only Jira administrators review.</p>}
      <div class="approval-rules" role="list" aria-label="Reviewer rules">
        {rows.map((r, i) => {
          const g = field(i, r, 'group');
          const t = field(i, r, 'teams');
          const p = field(i, r, 'projects');
          return (
            <div key={r.id} class="rule-item form-row" role="listitem" aria-label={`Rule ${i + 1}`}>
              <Field id={g.id} label="Reviewers (Jira group)" error={g.invalid}>
                <Picker<FoundGroup>
                  id={g.id} class="input" floating text={r.group} placeholder="team-leads"
                  aria-invalid={g.invalid ? true : undefined} aria-describedby={g.describedBy} data-field={`rules[${i}].reviewers`}
                  onText={(text) => update(i, { group: text })}
                  search={searchGroups} listLabel={`Groups matching, rule ${i + 1} reviewers`}
                  optionKey={(x) => x.groupId || x.name} render={(x) => <>{x.name}</>}
                  onPick={(x) => update(i, { group: x.name })}
                />
              </Field>
              <Field id={t.id} label="Review the teams (Jira groups)" error={t.invalid} help={t.invalid ? undefined : 'Comma separated'}>
                <Picker<FoundGroup>
                  id={t.id} class="input" floating text={r.teams} placeholder="team-alpha, team-beta"
                  aria-invalid={t.invalid ? true : undefined} aria-describedby={`${t.id}-msg`} data-field={`rules[${i}].teams`}
                  onText={(text) => update(i, { teams: text })}
                  search={searchGroups} listLabel={`Groups matching, rule ${i + 1} teams`}
                  optionKey={(x) => x.groupId || x.name} render={(x) => <>{x.name}</>}
                  onPick={(x) => update(i, { teams: [...list(r.teams).slice(0, -1), x.name].join(', ') })}
                />
              </Field>
              <Field id={p.id} label="Only in projects" error={p.invalid} help={p.invalid ? undefined : 'Keys; empty for every project'}>
                <Picker<ProjectRef>
                  id={p.id} class="input" floating text={r.projects} placeholder="All projects"
                  aria-invalid={p.invalid ? true : undefined} aria-describedby={`${p.id}-msg`} data-field={`rules[${i}].projects`}
                  onText={(text) => update(i, { projects: text })}
                  search={searchProjects} listLabel={`Projects matching, rule ${i + 1}`}
                  optionKey={(x) => x.id} render={(x) => <><strong>{x.key}</strong> — {x.name}</>}
                  onPick={(x) => update(i, { projects: [...list(r.projects).slice(0, -1), x.key].join(', ') })}
                />
              </Field>
              <div class="form-actions align-end">
                <Button appearance="subtle" aria-label={`Remove rule ${i + 1}`} onClick={() => { setSaved(false); setRows(rows.filter((_, j) => j !== i)); }}>Remove</Button>
              </div>
            </div>
          );
        })}
      </div>
      <Button onClick={() => setRows([...rows, { id: nextRuleId(), group: '', teams: '', projects: '' }])}>Add rule</Button>
      {save.error && !bad && <ErrorBanner error={save.error} onDismiss={() => save.setError(undefined)} />}
      <div class="form-actions">
        <Button appearance="primary" type="submit" busy={save.busy}>Save rules</Button>
        <span role="status" aria-live="polite" class="small success-text">{saved ? 'Saved.' : ''}</span>
      </div>
    </form>
  );
}
