// One file for an archive (src/lib/zip.ts): a stored zip written here reads back
// (and is what other zip readers expect: the CRC-32 of "123456789"), a deflated
// one made elsewhere reads too, and a damaged one is refused saying why; the
// field an invalid-input error names (src/views/admin/fields.ts); sizes in words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { AppError } from '../../src/api/errors.ts';
import { formatBytes } from '../../src/lib/download.ts';
import { crc32, readZip, writeZip } from '../../src/lib/zip.ts';
import { fieldError } from '../../src/views/admin/fields.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

test('crc32 is the IEEE one', () => {
  assert.equal(crc32(enc.encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

test('a written zip reads back, names and bytes in order', async () => {
  const entries = [
    { name: 'manifest.json', data: enc.encode('{"format":"worklogs-backup"}') },
    { name: 'settings/00001.jsonl', data: enc.encode('["rates","{\\"é\\":1}"]\n') },
    { name: 'empty/00001.jsonl', data: new Uint8Array() },
  ];
  const back = await readZip(writeZip(entries, new Date(Date.UTC(2026, 11, 6, 3, 30))));
  assert.deepEqual(back.map((e) => e.name), entries.map((e) => e.name));
  assert.deepEqual(back.map((e) => dec.decode(e.data)), entries.map((e) => dec.decode(e.data)));
});

test('a deflated entry reads, a damaged one is refused naming it', async () => {
  const data = enc.encode('x'.repeat(1000));
  const stored = writeZip([{ name: 'a.jsonl', data }]);
  // The same archive with the entry deflated: local and central headers patched.
  const deflated = deflateRawSync(data);
  const name = enc.encode('a.jsonl');
  const out = new Uint8Array(stored.length - data.length + deflated.length);
  out.set(stored.subarray(0, 30 + name.length));
  out.set(deflated, 30 + name.length);
  out.set(stored.subarray(30 + name.length + data.length), 30 + name.length + deflated.length);
  const v = new DataView(out.buffer);
  v.setUint16(8, 8, true);
  v.setUint32(18, deflated.length, true);
  const central = 30 + name.length + deflated.length;
  v.setUint16(central + 10, 8, true);
  v.setUint32(central + 20, deflated.length, true);
  v.setUint32(out.length - 22 + 16, central, true);
  const [entry] = await readZip(out);
  assert.equal(dec.decode(entry.data), 'x'.repeat(1000));

  const damaged = stored.slice();
  damaged[30 + name.length] ^= 1;
  await assert.rejects(readZip(damaged), /entry "a.jsonl" is damaged/);
  await assert.rejects(readZip(enc.encode('not a zip at all, just text that is long enough')), /not a zip archive/);
});

test('an invalid-input error is shown at the field it names', () => {
  const e = new AppError('journal.settings.save', 'invalid-input', 'invalid input: field "retentionDays": 0 is out of range (1 to 36525 days, or null for forever)');
  assert.equal(fieldError(e, 'retentionDays'), '0 is out of range (1 to 36525 days, or null for forever)');
  assert.equal(fieldError(e, 'comments'), undefined);
  const nested = new AppError('backup.settings.save', 'invalid-input', 'invalid input: field "retention.daily": 400 is out of range');
  assert.equal(fieldError(nested, 'retention.daily'), '400 is out of range');
  assert.equal(fieldError(new AppError('x', 'forbidden', 'field "retentionDays": no'), 'retentionDays'), undefined);
});

test('sizes in words', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(34 * 1024 * 1024), '34 MB');
});
