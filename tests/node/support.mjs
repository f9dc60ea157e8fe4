// What the Node tests share: the paths of the artefacts, making sure the
// component is transpiled, starting the Jira simulator and MariaDB.

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
