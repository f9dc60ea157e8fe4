// The Reports view's chart (src/views/reports/chart.ts): the chart a report asks for
// (the one chosen, else the grouping's week or month, else days) and its labels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartLabel, chartOf, chartTitle } from '../../src/views/reports/chart.ts';

const filters = (patch) => ({ group1: 'person', group2: 'issue', ...patch });

test('a chart not chosen follows the grouping: week or month, else days', () => {
  assert.equal(chartOf(filters({})), 'day');
  assert.equal(chartOf(filters({ group2: 'week' })), 'week');
  assert.equal(chartOf(filters({ group1: 'month', group2: 'project' })), 'month');
  assert.equal(chartOf(filters({ group1: 'project', group2: 'day' })), 'day');
  assert.equal(chartOf(filters({ group2: '' })), 'day');
  // A chosen chart stays, whatever the grouping.
  assert.equal(chartOf(filters({ group2: 'week', chart: 'day' })), 'day');
  assert.equal(chartOf(filters({ group2: 'month', chart: 'person' })), 'person');
  assert.equal(chartTitle('week'), 'Time per week');
  assert.equal(chartTitle('month'), 'Time per month');
});

test('chart points are labelled by day, week start, month or as answered', () => {
  const day = { key: '2026-01-05', label: '2026-01-05', seconds: 3600 };
  assert.equal(chartLabel(day, 'day', 'en-GB'), '5 Jan');
  assert.equal(chartLabel({ ...day, label: '2026-W02' }, 'week', 'en-GB'), '5 Jan');
  assert.equal(chartLabel({ key: '2026-01-01', label: '2026-01', seconds: 0 }, 'month', 'en-GB'), 'Jan 2026');
  const person = { key: 'abc', label: 'Alice', seconds: 60 };
  assert.equal(chartLabel(person, 'person', 'en-GB'), 'Alice');
});
