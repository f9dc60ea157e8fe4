#!/usr/bin/env node
// Benchmark (not a test): the Forge adapter's cold start and per-task overhead in
// Node, with Jira and Forge SQL answered from memory, so the figures are the
// adapter's and the component's own.
//
//   cold start   a fresh Node process: import src/index.js (the SDK and the
//                bindings, with 0.8 MB of base64 wasm), then the first task `me`:
//                compile the core modules, instantiate, run the migrations
//                (answered from memory), run the task
//   re-instance  a new instance from the already compiled modules (what a trap costs)
//   per task     `me` on a warm instance: one Jira effect, answered at once
//   peer         the same `me` as a plain JavaScript resolver would do it
//                (requestJira as the user, parse, pick the fields), same runtime
//
// Usage: node tests/node/bench.mjs [--runs N] [--tasks N]

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuild } from './support.mjs';
import { installMemoryRuntime, myself, resolverEvent } from './shims/memory-runtime.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const answerMe = ({ path }) => (path === '/rest/api/3/myself' ? { status: 200, body: myself } : { status: 404 });

async function cold() {
  const started = performance.now(); // since the process started
  installMemoryRuntime({ onProduct: answerMe });
  const t0 = performance.now();
  const index = await import('../../src/index.js');
  const t1 = performance.now();
  const result = await index.handler(...resolverEvent('me', {}));
  const t2 = performance.now();
  if (!result.ok) throw new Error(JSON.stringify(result));
  return { boot: started, import: t1 - t0, firstTask: t2 - t1, total: t2 };
}

async function warm(tasks) {
  installMemoryRuntime({ onProduct: answerMe });
  const index = await import('../../src/index.js');
  const component = await import('../../src/component.js');
  await index.handler(...resolverEvent('me', {}));
  const times = [];
  for (let i = 0; i < tasks; i++) {
    const t = performance.now();
    const result = await index.handler(...resolverEvent('me', {}));
    times.push(performance.now() - t);
    if (!result.ok) throw new Error(JSON.stringify(result));
  }
  // The peer: what a hand-written resolver does for `me`.
  const { asUser, route } = await import('@forge/api');
  const peer = async () => {
    const response = await asUser().requestJira(route`/rest/api/3/myself`, { headers: { Accept: 'application/json' } });
    const { accountId, displayName, emailAddress, timeZone, locale } = await response.json();
    return JSON.parse(JSON.stringify({ ok: { accountId, displayName, emailAddress, timeZone, locale } }));
  };
  const peerTimes = [];
  for (let i = 0; i < tasks; i++) {
    const t = performance.now();
    await peer();
    peerTimes.push(performance.now() - t);
  }
  // A fresh instance, as after a trap: the compiled modules are kept.
  const reinstance = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    component.discard(component.task());
    await component.task();
    reinstance.push(performance.now() - t);
  }
  return { times, reinstance, peerTimes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

if (process.argv.includes('--cold-child')) {
  console.log(JSON.stringify(await cold()));
} else {
  ensureBuild();
  const runs = arg('--runs', 5);
  const tasks = arg('--tasks', 2000);
  const self = fileURLToPath(import.meta.url);
  const colds = [];
  for (let i = 0; i < runs; i++) {
    colds.push(JSON.parse(execFileSync(process.execPath, [self, '--cold-child'], { encoding: 'utf8' }).trim().split('\n').pop()));
  }
  const { times, reinstance, peerTimes } = await warm(tasks);
  console.log(`Node ${process.version}, median of ${runs} cold processes, ${tasks} warm tasks`);
  console.log(`cold: node boot to module start   ${ms(median(colds.map((c) => c.boot)))}`);
  console.log(`cold: import src/index.js         ${ms(median(colds.map((c) => c.import)))}`);
  console.log(`cold: first task (compile, instantiate, migrate, me)  ${ms(median(colds.map((c) => c.firstTask)))}`);
  console.log(`cold: process start to first result  ${ms(median(colds.map((c) => c.total)))}`);
  console.log(`re-instantiate after a trap       ${ms(median(reinstance))} (median of ${reinstance.length})`);
  const line = (xs) => `median ${ms(median(xs))}, p99 ${ms(pct(xs, 0.99))}, mean ${ms(xs.reduce((a, b) => a + b, 0) / xs.length)}`;
  console.log(`warm task me through the adapter  ${line(times)}`);
  console.log(`peer: plain JS resolver for me    ${line(peerTimes)}`);
}
