// The cell a rates error names (src/views/admin/fields.ts) and cost amounts in the
// viewer's locale (src/views/reports/money.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../src/api/errors.ts';
import { fieldOf } from '../../src/views/admin/fields.ts';
import { formatCosts, formatMoney } from '../../src/views/reports/money.ts';

test('an invalid-input error names the list item and field it is about', () => {
  const e = new AppError('rate.save', 'invalid-input', 'invalid input: field "rates[3].hourly": "-5": negative (expected zero or more)');
  assert.deepEqual(fieldOf(e, 'rates'), { index: 3, field: 'hourly', message: '"-5": negative (expected zero or more)' });
  assert.equal(fieldOf(e, 'attributes'), undefined, 'another list');
  assert.equal(fieldOf(new AppError('rate.save', 'invalid-input', 'invalid input: field "rates": 1001 rates, more than 1000'), 'rates'), undefined);
  assert.equal(fieldOf(new AppError('rate.save', 'forbidden', 'field "rates[0].hourly": x'), 'rates'), undefined);
  assert.equal(fieldOf(undefined, 'rates'), undefined);
});

test('amounts are shown in the locale and currency, exactly as answered', () => {
  assert.equal(formatMoney({ amount: '1234.50', currency: 'EUR' }, 'en-US'), '€1,234.50');
  assert.equal(formatMoney({ amount: '1234.50', currency: 'EUR' }, 'de-DE'), '1.234,50\u00a0€');
  assert.equal(formatMoney({ amount: '1500', currency: 'JPY' }, 'en-US'), '¥1,500');
  assert.equal(formatCosts([{ amount: '10.00', currency: 'EUR' }, { amount: '5.00', currency: 'USD' }], 'en-US'), '€10.00 + $5.00');
  assert.equal(formatCosts([], 'en-US'), '—');
  assert.equal(formatCosts(undefined, 'en-US'), '—');
  assert.equal(formatMoney({ amount: '1.00', currency: 'XX1' }, 'en-US'), '1.00 XX1', 'an unknown code is shown as is');
});
