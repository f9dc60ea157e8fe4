// Browser tests: a local host (`worklogs serve --demo`) with a fresh data directory,
// and Debian's Chromium driven by playwright-core (from ui/node_modules). Screenshots
// go to tests/browser/artifacts/ (gitignored).
//
// The host binary and the component come from WORKLOGS_BIN and WORKLOGS_COMPONENT,
// or cargo's layout (target/release/worklogs, target/wasm32-wasip2/release/), under
// CARGO_TARGET_DIR when set. The UI must be built (ui/dist). CHROMIUM overrides
// the browser's path.
//
// Each test file calls `useBrowser` once: it starts the host (and Chromium) before
// the file's tests and stops them after. Without what they need the tests are
// skipped, except when `CI` or `WORKLOGS_REQUIRE_BROWSER=1` is set (`make ui-test`
// sets it): then they fail, naming what is missing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(join(root, 'ui/package.json'));
const { chromium } = require('playwright-core');

export const ARTIFACTS = join(root, 'tests/browser/artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const BIN = process.env.WORKLOGS_BIN || join(targetDir, 'release/worklogs');
const COMPONENT = process.env.WORKLOGS_COMPONENT || join(targetDir, 'wasm32-wasip2/release/worklogs_app.wasm');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined. */
export function missing() {
  if (!existsSync(BIN)) return `no host binary at ${BIN} (build it, or set WORKLOGS_BIN)`;
  if (!existsSync(COMPONENT)) return `no component at ${COMPONENT} (build it, or set WORKLOGS_COMPONENT)`;
  if (!existsSync(join(root, 'ui/dist/index.html'))) return 'the UI is not built (ui/dist)';
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  return undefined;
}

/** The token of each started host, by its URL. */
const tokens = new Map();

/**
 * Starts the host, with `args` added to `worklogs serve --demo` (such as
 * `--sign-in`); resolves with {url, token, frame(query), stop()} (no token with
 * sign-in).
 */
export async function startHost(args = []) {
  const data = mkdtempSync(join(tmpdir(), 'worklogs-ui-'));
  const child = spawn(BIN, ['serve', '--demo', '--port', '0', '--data', data, '--ui', join(root, 'ui/dist'), ...args], {
    env: { ...process.env, WORKLOGS_COMPONENT: COMPONENT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const [url, token] = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host did not start:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const m = /running at (http:\/\/[\d.]+:\d+)\/#token=([0-9a-f]+)/.exec(output)
        ?? /running at (http:\/\/[\d.]+:\d+) for \S+, with sign-in/.exec(output);
      if (m) { clearTimeout(timer); resolve([m[1], m[2]]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the host exited (${code}):\n${output}`)); });
  });
  tokens.set(url, token);
  return {
    url,
    token,
    /** The host's data directory (the demo's SQLite file is `demo/worklogs.sqlite` there). */
    data,
    /** The demo simulator's address, as the host prints it (for changes made in Jira, past the app). */
    sim: () => new Promise((resolve, reject) => {
      const find = () => /the simulator at (http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
      if (find()) return resolve(find());
      const timer = setTimeout(() => reject(new Error(`no simulator address in:\n${output}`)), 10_000);
      child.stdout.on('data', () => { if (find()) { clearTimeout(timer); resolve(find()); } });
    }),
    /** The address of a frame page, with the token as `worklogs serve` prints it. */
    frame: (query) => `${url}/frame.html?${query}#token=${token}`,
    async stop() {
      child.kill('SIGINT');
      await new Promise((r) => { child.once('exit', r); setTimeout(r, 5000); });
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Launches Chromium headless with a fresh profile. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'worklogs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    locale: 'en-GB',
  });
  const errors = [];
  context.on('weberror', (e) => errors.push(String(e.error())));
  return {
    context,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Calls an operation on the host directly (for setup and checks). */
export async function invoke(url, as, operation, input = {}) {
  const r = await fetch(`${url}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-worklogs-account': as, 'x-worklogs-token': tokens.get(url) },
    body: JSON.stringify({ operation, input }),
  });
  return r.json();
}

export const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** The app inside the local frame. */
export const app = (page) => page.frameLocator('[data-testid="app-frame"]');

/** Whether a missing host, component, UI build or Chromium fails the tests. */
export const required = () => Boolean(process.env.CI) || process.env.WORKLOGS_REQUIRE_BROWSER === '1';

/**
 * Registers the file's setup and teardown: a host, and unless `browser: false`,
 * Chromium with one page. `ready({ host, browser, page })` runs after they start
 * (take them into the file's variables there, and add any setup of its own).
 * `hostArgs` are added to the host's command line.
 * Returns the tests' `skip` option: the reason they cannot run, or false.
 */
export function useBrowser(ready, { browser: withBrowser = true, hostArgs = [] } = {}) {
  const reason = missing();
  const env = {};
  before(async () => {
    if (reason) {
      if (required()) throw new Error(`the browser tests must run here (CI or WORKLOGS_REQUIRE_BROWSER=1), but ${reason}`);
      return;
    }
    env.host = await startHost(hostArgs);
    if (withBrowser) {
      env.browser = await launch();
      env.page = await env.browser.context.newPage();
    }
    await ready?.(env);
  });
  after(async () => {
    await env.browser?.close();
    await env.host?.stop();
  });
  return required() ? false : reason ?? false;
}
