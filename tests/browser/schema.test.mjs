// The operation contract (wit/operations.schema.json) against the running local
// host: its operations are exactly the component's, and real answers match their
// output schemas, with no unknown fields. (cargo test checks every scenario step's
// input and output against it too: host/tests/all/common/contract.rs.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSchema, validate } from '../../ui/scripts/schema-lib.mjs';
import { invoke, useBrowser } from './support.mjs';

const schema = loadSchema();
let host;
const skip = useBrowser((env) => { host = env.host; }, { browser: false });

test('the contract lists exactly the component operations', { skip }, async () => {
  const r = await invoke(host.url, 'alice', 'no.such.operation');
  const known = /known: ([^)]+)\)/.exec(r.error.message)?.[1].split(', ').map((s) => s.trim());
  assert.ok(known?.length, r.error.message);
  assert.deepEqual(Object.keys(schema.operations).sort(), [...known].sort(), 'the operations of wit/operations.schema.json');
});

test('real answers match the output schemas', { skip }, async () => {
  const check = (op, answer) => {
    assert.ok(answer.ok, `${op}: ${JSON.stringify(answer.error)}`);
    assert.deepEqual(validate(schema, schema.operations[op].output, answer.ok), [], op);
  };
  check('me', await invoke(host.url, 'alice', 'me'));
  check('timetracking.settings', await invoke(host.url, 'dave', 'timetracking.settings'));
  check('worklog.list', await invoke(host.url, 'carol', 'worklog.list', { issue: 'ALPHA-4' }));
  const logged = await invoke(host.url, 'alice', 'worklog.log',
    { issue: 'ALPHA-2', started: '2026-11-24T09:30:00+01:00', seconds: 600, comment: 'schema', visibility: { type: 'group', value: 'team-alpha' } });
  check('worklog.log', logged);
  check('worklog.update', await invoke(host.url, 'alice', 'worklog.update', { issue: 'ALPHA-2', id: logged.ok.id, seconds: 900 }));
  check('timesheet.week', await invoke(host.url, 'alice', 'timesheet.week', { date: '2026-11-24' }));
  check('timesheet.week', await invoke(host.url, 'dave', 'timesheet.week', { date: '2026-11-24', accountId: logged.ok.author.accountId }));
  check('issue.search', await invoke(host.url, 'alice', 'issue.search', { query: 'login', limit: 5 }));
  check('attribute.save', await invoke(host.url, 'dave', 'attribute.save',
    { attributes: [{ key: 'work_type', name: 'Work type', type: 'select', options: ['Development', 'Meeting'], required: true }] }));
  check('attribute.list', await invoke(host.url, 'alice', 'attribute.list'));
  check('schedule.save', await invoke(host.url, 'dave', 'schedule.save',
    { workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], hoursPerDay: 7.5, weekStart: 'monday', holidays: [{ date: '2026-11-26', name: 'Thanksgiving', kind: 'half' }] }));
  check('schedule.get', await invoke(host.url, 'alice', 'schedule.get'));
  check('worklog.delete', await invoke(host.url, 'alice', 'worklog.delete', { issue: 'ALPHA-2', id: logged.ok.id }));
  check('timetracking.settings.save', await invoke(host.url, 'dave', 'timetracking.settings.save',
    { hoursPerDay: 8, daysPerWeek: 5, timeFormat: 'pretty', defaultUnit: 'minute' }));
  // Reports and exports (docs/reports.md).
  const query = { period: { from: '2026-11-01', to: '2026-11-24' }, groupBy: ['person', 'issue'], measures: ['billableSeconds'] };
  check('report.run', await invoke(host.url, 'carol', 'report.run', { ...query, chart: 'person' }));
  check('export.run', await invoke(host.url, 'carol', 'export.run', { query, format: 'csv' }));
  check('export.changes', await invoke(host.url, 'dave', 'export.changes', { since: '2026-11-20T00:00:00Z', format: 'json' }));
  check('access.save', await invoke(host.url, 'dave', 'access.save', { grants: [{ group: 'team-leads', teams: ['team-alpha'] }] }));
  check('access.get', await invoke(host.url, 'dave', 'access.get'));
  const saved = await invoke(host.url, 'alice', 'report.save', { name: 'Schema', query, sharedWith: ['team-leads'] });
  check('report.save', saved);
  check('report.list', await invoke(host.url, 'carol', 'report.list'));
  check('report.delete', await invoke(host.url, 'alice', 'report.delete', { id: saved.ok.id }));
});
