// What the Node tests share: the paths of the artefacts, making sure the
// component is transpiled, starting the Jira simulator and MariaDB, and running
// an operation on the adapter as Forge starts it.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The cargo layout paths; WORKLOGS_COMPONENT and WORKLOGS_JIRA_SIM override them.
export const componentPath = path.resolve(
  root,
  process.env.WORKLOGS_COMPONENT ?? 'target/wasm32-wasip2/release/worklogs_app.wasm',
);
export const simPath = path.resolve(root, process.env.WORKLOGS_JIRA_SIM ?? 'target/release/jira-sim');
const built = path.join(root, 'build/wasm.mjs');

/**
 * Transpiles the component into build/ when build/ is missing or older than the
 * component. Fails with the command to run when the component is not built.
 */
export function ensureBuild() {
  if (!existsSync(componentPath)) {
    if (existsSync(built)) return;
    throw new Error(
      'the component is not built: cargo build --release --target wasm32-wasip2 -p worklogs-app',
    );
  }
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(componentPath).mtimeMs) return;
  execFileSync(process.execPath, [path.join(root, 'scripts/forge-build.mjs'), componentPath], { stdio: 'inherit' });
}

/**
 * Starts `target/release/jira-sim --port 0 --seed seed` (and `extra` flags, such as
 * `--worklogs N`) and waits for its address.
 *
 * @param {number} seed
 * @param {string[]} [extra]
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startSim(seed, extra = []) {
  if (!existsSync(simPath)) throw new Error('the simulator is not built: cargo build --release -p jira-sim');
  const child = spawn(simPath, ['--port', '0', '--seed', String(seed), ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`jira-sim did not start in 60 s: ${stderr}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`jira-sim exited (${code}): ${stderr}`));
    });
    lines.on('line', (line) => {
      const match = /serving (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    });
  });
  lines.on('line', () => {}); // keep draining
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A request to the simulator `sim` (from `startSim`): its REST API or its `/sim`
 * controls, `body` as JSON; the answer's JSON (null when empty). A status
 * outside 2xx fails the test.
 */
export async function simRequest(sim, method, path_, body, headers = {}) {
  const response = await fetch(`${sim.url}${path_}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path_}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Moves the simulator's clock past the quiet minute Jira's feeds leave out. */
export const quietMinute = (sim) => simRequest(sim, 'POST', '/sim/clock', { advanceMs: 120_000 });

/** The account ids of the simulator's demo people, by alias. */
export async function demoPeople(sim) {
  const demo = await simRequest(sim, 'GET', '/sim/demo');
  return new Map(demo.accounts.map((a) => [a.alias, a.accountId]));
}

/**
 * The URL of the test MariaDB server: `WORKLOGS_MARIADB_URL`, or the one
 * `scripts/mariadb.sh start` starts (installing MariaDB if needed).
 */
export function mariadbUrl() {
  if (process.env.WORKLOGS_MARIADB_URL) return process.env.WORKLOGS_MARIADB_URL;
  const out = execFileSync('bash', [path.join(root, 'scripts/mariadb.sh'), 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop();
}

/**
 * Runs `operation` on the Forge adapter (`functions`, the exports of src/index.js,
 * over `runtime`, the stand-in of shims/forge-runtime.mjs) as Forge starts it:
 *
 *   consumer        one queue-consumer invocation (`longTask`, which runs
 *                   `operation` on `input` slice after slice while it answers `more`)
 *   schedule        the scheduled trigger's function named `operation` (such as
 *                   `backupSchedule`), `input` its event
 *   person:ACCOUNT  `operation` through the resolver (`handler`) as ACCOUNT, one
 *                   invocation a slice until it answers `more: false`, as the
 *                   admin page calls a sliced operation
 *
 * Calls `onAnswer` with each invocation's answer; returns the last.
 *
 * @param {{ runtime: any, functions: any, database: string, jiraUrl: string, installation: string }} site
 * @param {string} via
 * @param {string} operation
 * @param {unknown} input
 * @param {(answer: any) => void} [onAnswer]
 */
export async function invokeAdapter({ runtime, functions, database, jiraUrl, installation }, via, operation, input, onAnswer = () => {}) {
  const context = { installContext: installation };
  if (via === 'consumer') {
    const body = { operation, input, timeZone: 'UTC', locale: 'en-US' };
    const answer = await runtime.invoke({ database, jiraUrl }, () => functions.longTask({ body }, context));
    onAnswer(answer);
    return answer;
  }
  if (via === 'schedule') {
    const answer = await runtime.invoke({ database, jiraUrl }, () => functions[operation](input, context));
    onAnswer(answer);
    return answer;
  }
  if (via.startsWith('person:')) {
    const accountId = via.slice('person:'.length);
    const request = {
      call: { functionKey: 'invoke', payload: { operation, input } },
      context: {
        cloudId: installation,
        localId: 'tests',
        moduleKey: 'worklogs-admin-page',
        extension: { type: 'jira:adminPage' },
        timezone: 'UTC',
        locale: 'en-US',
      },
    };
    for (;;) {
      const answer = await runtime.invoke({ accountId, database, jiraUrl }, () =>
        functions.handler(request, { ...context, principal: { accountId } }),
      );
      onAnswer(answer);
      if (!answer?.ok?.more) return answer;
    }
  }
  throw new Error(`no way to start an operation named ${via}`);
}
