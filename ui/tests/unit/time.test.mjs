// The UI's civil-time helpers (src/lib/time.ts) on fixed dates, DST included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addDays, dateOf, firstDayOfWeek, instantOf, monthOf, offsetMinutes, startedAt, weekOf,
} from '../../src/lib/time.ts';

test('started is the local time with the zone offset', () => {
  assert.equal(startedAt('2026-11-24', '09:30', 'Europe/Berlin'), '2026-11-24T09:30:00+01:00');
  assert.equal(startedAt('2026-07-01', '09:30', 'Europe/Berlin'), '2026-07-01T09:30:00+02:00');
  assert.equal(startedAt('2026-11-24', '09:30', 'Asia/Kolkata'), '2026-11-24T09:30:00+05:30');
  assert.equal(startedAt('2026-11-24', '09:30', 'America/New_York'), '2026-11-24T09:30:00-05:00');
  assert.equal(startedAt('2026-11-24', '00:15', 'UTC'), '2026-11-24T00:15:00+00:00');
});

test('a time in a DST gap moves forward; the repeated hour takes its first pass', () => {
  assert.equal(startedAt('2026-03-29', '02:30', 'Europe/Berlin'), '2026-03-29T03:30:00+02:00');
  assert.equal(new Date(instantOf('2026-10-25', '02:30', 'Europe/Berlin')).toISOString(), '2026-10-25T00:30:00.000Z');
});

test('a worklog belongs to the local date of its start', () => {
  assert.equal(dateOf('2026-11-24T23:30:00.000+0000', 'Europe/Berlin'), '2026-11-25');
  assert.equal(dateOf('2026-11-24T23:30:00.000+00:00', 'America/New_York'), '2026-11-24');
  assert.equal(dateOf('2026-11-24T10:00:00.000+1400', 'Pacific/Kiritimati'), '2026-11-24');
  assert.equal(offsetMinutes(Date.UTC(2026, 10, 24), 'Asia/Kolkata'), 330);
});

test('weeks start on the locale first day', () => {
  assert.equal(firstDayOfWeek('de-DE'), 1);
  assert.equal(firstDayOfWeek('en-US'), 7);
  assert.deepEqual(weekOf('2026-11-26', 1), ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
  assert.equal(weekOf('2026-11-26', 7)[0], '2026-11-22');
  assert.equal(weekOf('2026-11-22', 7)[0], '2026-11-22');
  assert.equal(weekOf('2026-11-22', 1)[0], '2026-11-16');
  assert.equal(addDays('2026-12-28', 7), '2027-01-04');
  assert.deepEqual(monthOf('2028-02-10'), ['2028-02-01', '2028-02-29']);
});
