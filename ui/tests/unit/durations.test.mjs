// The shared duration vectors (tests/vectors/durations.json) through the core's
// JavaScript build (scripts/build-web.sh): the UI parses and formats exactly as
// the component does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as core from '../../src/core/gen/worklogs_web.js';

const vectors = JSON.parse(readFileSync(new URL('../../../tests/vectors/durations.json', import.meta.url), 'utf8'));
const settings = (name) => JSON.stringify(vectors.settings[name]);

test('every parse vector', () => {
  let n = 0;
  for (const c of vectors.parse) {
    const parse = c.nonzero ? core.parseDurationNonzero : core.parseDuration;
    const where = `${JSON.stringify(c.input)} (${c.settings})`;
    if ('seconds' in c) {
      assert.equal(parse(c.input, settings(c.settings)), c.seconds, where);
    } else {
      assert.throws(() => parse(c.input, settings(c.settings)), (e) => {
        assert.equal(e.reason, c.error.reason, where);
        if ('position' in c.error) assert.equal(e.position, c.error.position, where);
        if ('message' in c.error) assert.equal(e.message, c.error.message, where);
        return true;
      });
    }
    n++;
  }
  assert.ok(n > 20, `only ${n} parse vectors`);
});

test('every format vector, and each text parses back', () => {
  let n = 0;
  for (const c of vectors.format) {
    const s = settings(c.settings ?? 'jira-default');
    for (const style of ['pretty', 'days', 'hours']) {
      if (!(style in c)) continue;
      const text = core.formatDuration(c.seconds, s, style);
      assert.equal(text, c[style], `${c.seconds} as ${style}`);
      assert.equal(core.parseDuration(text, s), c.seconds, `${text} parses back`);
      n++;
    }
  }
  assert.ok(n > 10, `only ${n} format vectors`);
});

test('the TimeTracking class the UI uses agrees with the functions', () => {
  const tt = new core.TimeTracking(settings('short-days'));
  assert.equal(tt.parse('2d'), 54000);
  assert.equal(tt.format(54000, undefined), core.formatDuration(54000, settings('short-days'), undefined));
  assert.equal(core.totalHours(new Float64Array([1200, 1200, 1200]), undefined), '1.00');
});
