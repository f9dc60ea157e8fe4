// An export in parts on the Forge adapter (the jco-transpiled component in Node,
// src/ as on Forge, MariaDB for Forge SQL, the simulator over HTTP), fetched the
// way the UI does: the first call asks for parts, then three parts at a time,
// their invocations in flight together in one process (as a warm function
// instance may serve them), each part's pieces in order. The joined file is the
// file of the same export in one stream, byte for byte. The wasmtime half is the
// CLI's `the_report_and_the_export_over_the_index_agree` (cli/tests/report_cli.rs).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuild, invokeAdapter, mariadbUrl, startSim } from './support.mjs';
import { dropDatabase, freshDatabase, installForgeRuntime } from './shims/forge-runtime.mjs';

describe('an export in parts on the Forge adapter', () => {
  let runtime;
  let functions;
  let mysqlUrl;
  let sim;
  const database = `worklogs_export_parts_${process.pid}`;
  const installation = `ari:cloud:jira::site/export-parts-${process.pid}`;

  before(async () => {
    ensureBuild();
    mysqlUrl = mariadbUrl();
    runtime = installForgeRuntime({ mysqlUrl });
    functions = await import('../../src/index.js');
    sim = await startSim(1);
    await freshDatabase(mysqlUrl, database);
  });

  after(async () => {
    await sim?.stop();
    await runtime?.close();
    if (mysqlUrl) await dropDatabase(mysqlUrl, database);
  });

  /** `operation`'s answer, started `via` a queue consumer or a person (support.mjs). */
  const ok = async (via, operation, input) => {
    const site = { runtime, functions, database, jiraUrl: sim.url, installation };
    const result = await invokeAdapter(site, via, operation, input);
    assert.ok(result && 'ok' in result, `${operation}: ${JSON.stringify(result?.error ?? result)}`);
    return result.ok;
  };
  const exportRun = (accountId, input) => ok(`person:${accountId}`, 'export.run', input);
  /** A part's (or the whole export's) bytes, following its continuations from `continuation`. */
  const follow = async (accountId, input, continuation) => {
    const pieces = [];
    let rows = 0;
    do {
      const answer = await exportRun(accountId, { ...input, ...(continuation ? { continuation } : {}) });
      pieces.push(Buffer.from(answer.piece, 'base64'));
      rows = answer.rows;
      continuation = answer.continuation;
    } while (continuation);
    return { bytes: Buffer.concat(pieces), rows };
  };

  test('three parts at a time make the file of one stream', async () => {
    const demo = await (await fetch(`${sim.url}/sim/demo`)).json();
    const dave = demo.accounts.find((a) => a.alias === 'dave').accountId;
    await ok('consumer', 'sync.full', { maxWorklogs: 1000, parallel: 2 });

    const input = { query: { timeZone: 'Asia/Kolkata', period: { from: '2026-06-01', to: '2026-11-24' } }, format: 'csv', pieceBytes: 65536 };
    const whole = await follow(dave, input);
    assert.ok(whole.rows > 100, `${whole.rows} rows`);

    const plan = await exportRun(dave, { ...input, parts: 12 });
    assert.equal(plan.piece, '');
    assert.equal(plan.parts.length, 12);
    const parts = new Array(plan.parts.length);
    let next = 0;
    let inFlight = 0;
    let most = 0;
    const worker = async () => {
      for (let k = next++; k < plan.parts.length; k = next++) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          parts[k] = await follow(dave, input, plan.parts[k]);
        } finally {
          inFlight -= 1;
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    assert.equal(most, 3, 'three parts in flight together');
    assert.equal(parts.reduce((sum, p) => sum + p.rows, 0), whole.rows);
    assert.ok(Buffer.concat(parts.map((p) => p.bytes)).equals(whole.bytes), 'the same bytes');
  });
});
