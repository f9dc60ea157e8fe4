// The operation contract (wit/operations.schema.json): the generated types are current,
// and the inputs of the cross-host scenarios that succeed are valid against it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateTypes, loadSchema, validate } from '../../scripts/schema-lib.mjs';

const schema = loadSchema();

test('src/api/types.gen.ts is generated from the schema', () => {
  const current = readFileSync(new URL('../../src/api/types.gen.ts', import.meta.url), 'utf8');
  assert.equal(current, generateTypes(schema), 'run `npm run gen:types` in ui/');
});

test('scenario inputs that succeed are valid inputs; scenario outputs have no unknown fields', () => {
  const dir = new URL('../../../tests/scenarios/', import.meta.url);
  let checked = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const scenario = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    for (const step of scenario.steps ?? []) {
      const op = schema.operations[step.operation];
      if (!op || !step.expect || !('ok' in step.expect)) continue;
      // Saved values (${name}) stand for ids and keys.
      const input = JSON.parse(JSON.stringify(step.input ?? {}).replace(/\$\{[^}]+\}/g, '10001'));
      assert.deepEqual(validate(schema, op.input, input), [], `${file}: ${step.operation} input`);
      checked++;
    }
  }
  assert.ok(checked >= 5, `only ${checked} steps checked`);
});

test('the validator catches what it should', () => {
  const log = schema.operations['worklog.log'].input;
  assert.deepEqual(validate(schema, log, { issue: 'ALPHA-2', started: 'x', seconds: 60 }), []);
  assert.equal(validate(schema, log, { issue: 'alpha-2', started: 'x', seconds: 60 }).length, 1);
  assert.equal(validate(schema, log, { issue: 'ALPHA-2', started: 'x', seconds: 60, extra: 1 }).length, 1);
  assert.equal(validate(schema, log, { issue: 'ALPHA-2', started: 'x', seconds: 60, estimate: { adjust: 'new' } }).length, 1);
});
