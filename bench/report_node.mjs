#!/usr/bin/env node
// Benchmark (not a test): `report.run` on the Forge adapter (src/index.js's resolver,
// the jco-transpiled component in Node, Forge SQL answered by MariaDB through
// tests/node/shims/forge-runtime.mjs, Jira by the simulator) beside the wasmtime
// host (`worklogs report`) over the same MariaDB database, in the same run.
//
//   node bench/report_node.mjs --database mysql://USER:PASS@127.0.0.1:PORT/nodebench_200000 \
//       --worklogs 200000 --import [--runs 3] [--json figures.json]
//
// The database: one MariaDB database holding the index the wasmtime host imported
// (`worklogs sync --full --database … --installation ID`). Both hosts keep the same
// tables (the component's migrations), keyed by the same installation id, so the
// Node run reads what wasmtime wrote; only the migration bookkeeping differs: the
// host records applied migrations in `_migrations (installation, name, applied_ms)`,
// @forge/sql's `migrationRunner` in `__migrations (id, name, migratedAt)`. Before
// the runs the script copies the installation's names from the first into the
// second (what the runner would have recorded had it applied them), so the adapter
// does not apply them again (`CREATE INDEX sites_site` would fail: the index exists).
//
// With `--import` it makes the index first: it starts `jira-sim --seed 42 --worklogs N
// --issues max(16, N/600)` (as bench/report_bench.py does) unless `--jira-sim URL`
// names a running one, creates the database when missing and runs `worklogs sync
// --full --jira-sim URL --database … --installation ID --input '{"maxWorklogs":
// 50000, "parallel": 8}'` (a finished import answers at once). Without `--import` the
// database must hold the index of the world `--jira-sim` (or the started simulator)
// serves, imported under `--installation`.
//
// What it measures, per grouping (person × week, project × month: Europe/Berlin,
// weeks from Monday, 2026-01-01 to 2026-12-31, as bench/report_bench.py) and per
// shape (`file`: the input `worklogs report --format csv` sends, `format: "csv"`;
// `ui`: the Reports view's, no format, the day chart), `--runs` times:
//
//   node      a fresh Node process (`--child`) that installs the stand-in Forge
//             runtime, imports src/index.js, compiles and instantiates the component,
//             then calls the resolver `invoke` with `report.run` as `--account`, with
//             each answer's continuation, until the answer is finished, as the UI
//             does. Process: wall (spawn to exit), CPU (process.cpuUsage at the
//             end, all threads), peak RSS (process.resourceUsage().maxRSS). Report:
//             wall and CPU from the first call to the last answer, invocations, the
//             slowest invocation, SQL statements and Jira requests.
//   wasmtime  `worklogs report … --format csv --as ACCOUNT` over the same database, run
//             under GNU time (wall, user + system CPU, peak RSS), with its compiled
//             component cached (`WORKLOGS_CACHE_DIR`, warmed by one untimed run).
//
// The MariaDB server's own CPU (from /proc, when the server of scripts/mariadb.sh
// runs here) is given for each run too: it is shared, so it includes anyone else's
// statements. Node and wasmtime runs alternate, and the load average is taken with
// each. Every Node answer is checked against wasmtime's: the CSV byte for byte
// (`file`), the groups and their seconds (`ui`, flattened from the tree); exit 1 if
// one differs. Medians and minimums as a table; everything with `--json FILE`.
//
// `--groupings export` measures the flat CSV export instead (`export.run`, the file's
// bytes compared with `worklogs export`'s); with `--jobs N` both fetch it in parts, N
// at a time (the Node child runs the parts' invocations side by side in one process,
// as the UI's concurrent calls can reach one warm function instance).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const ZONE = 'Europe/Berlin';
const GROUPINGS = { 'person-week': ['person', 'week'], 'project-month': ['project', 'month'] };
// `--groupings export`: the flat CSV export (`export.run`) instead of a report; with
// `--jobs N`, in parts fetched N at a time, as the UI and `worklogs export --jobs` do.
const EXPORT = 'export';
const PARTS_PER_JOB = 8;
const FORGE_MIGRATIONS =
  'CREATE TABLE IF NOT EXISTS __migrations (id BIGINT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(255) NOT NULL, migratedAt TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)';

/** The report query both hosts run (what `worklogs report` builds from its flags). */
function reportInput(grouping, shape, period) {
  if (grouping === EXPORT) {
    // What `worklogs export --format csv` sends (`export.run`).
    return { query: { period, timeZone: ZONE, weekStart: 'monday' }, format: 'csv' };
  }
  const input = { period, groupBy: GROUPINGS[grouping], timeZone: ZONE, weekStart: 'monday' };
  if (shape === 'file') input.format = 'csv';
  return input;
}

/** `mysql://u:p@h:port/DB` as the server's URL and the database's name. */
function splitDatabase(url) {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`--database ${url} names no database`);
  parsed.pathname = '/';
  return { server: parsed.toString(), database };
}

// ---------------------------------------------------------------------------------
// The child: one report through the Forge adapter, in a fresh Node process

async function child(config) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { installForgeRuntime } = await import(pathToFileURL(path.join(root, 'tests/node/shims/forge-runtime.mjs')).href);
  const runtime = installForgeRuntime({ mysqlUrl: config.server });
  // The time some SQL statement, some Jira request, or either, was in flight (the
  // adapter runs a batch's SQL one after the other and its Jira requests at once).
  const waited = { sql: busyClock(), jira: busyClock(), any: busyClock() };
  const forgeFetch = globalThis.__forge_fetch__;
  globalThis.__forge_fetch__ = async (target, ...rest) => {
    const kind = target.type === 'sql' ? waited.sql : waited.jira;
    kind.start();
    waited.any.start();
    try {
      return await forgeFetch(target, ...rest);
    } finally {
      kind.stop();
      waited.any.stop();
    }
  };
  const functions = await import(pathToFileURL(path.join(root, 'src/index.js')).href);
  const component = await import(pathToFileURL(path.join(root, 'src/component.js')).href);
  const tImported = performance.now();
  await component.task(); // compile the core modules, instantiate (as a cold function does on its first call)
  const tReady = performance.now();
  const cpuReady = process.cpuUsage();

  const { accountId, installation, database, jiraUrl } = config;
  const operation = config.grouping === EXPORT ? 'export.run' : 'report.run';
  const call = (input) =>
    runtime.invoke({ accountId, database, jiraUrl }, () =>
      functions.handler(
        {
          call: { functionKey: 'invoke', payload: { operation, input } },
          context: {
            cloudId: installation,
            localId: 'report-node-bench',
            moduleKey: 'worklogs-global-page',
            extension: { type: 'jira:globalPage' },
            timezone: ZONE,
            locale: 'en-US',
          },
        },
        { installContext: installation, principal: { accountId } },
      ),
    );

  /** One answer of `input`, timed into `each`. */
  const timedCall = async (input, each) => {
    const t = performance.now();
    const result = await call(input);
    each.push((performance.now() - t) / 1000);
    if (!result || !('ok' in result)) throw new Error(`${operation}: ${JSON.stringify(result?.error ?? result).slice(0, 500)}`);
    return result.ok;
  };
  /** The export's file, as the UI fetches it: [{piece, rows}, seconds of each invocation]. */
  const exportFile = async () => {
    const query = config.input;
    const each = [];
    /** A part's pieces into `pieces` from `continuation` on: its rows (`rows` with none left). */
    const follow = async (continuation, pieces, rows = 0) => {
      while (continuation) {
        const answer = await timedCall({ ...query, continuation }, each);
        pieces.push(Buffer.from(answer.piece, 'base64'));
        rows = answer.rows;
        continuation = answer.continuation;
      }
      return rows;
    };
    const jobs = config.jobs ?? 1;
    const first = await timedCall(jobs > 1 ? { ...query, parts: Math.min(64, jobs * PARTS_PER_JOB) } : query, each);
    const parts = first.parts ? first.parts.map(() => []) : [[Buffer.from(first.piece, 'base64')]];
    const rows = first.parts ? first.parts.map(() => 0) : [first.rows];
    if (first.parts) {
      let next = 0;
      const job = async () => {
        for (let k = next++; k < first.parts.length; k = next++) rows[k] = await follow(first.parts[k], parts[k]);
      };
      await Promise.all(Array.from({ length: jobs }, job));
    } else {
      rows[0] = await follow(first.continuation, parts[0], first.rows);
    }
    return [{ bytes: Buffer.concat(parts.flat()), rows: rows.reduce((a, b) => a + b, 0) }, each];
  };
  /** The report to its last answer, as the UI runs it: [answer, seconds of each invocation]. */
  const report = async () => {
    if (operation === 'export.run') return exportFile();
    const query = config.input;
    let input = query;
    const each = [];
    for (;;) {
      const answer = await timedCall(input, each);
      if (answer.more && answer.continuation) {
        if (input.continuation === answer.continuation) throw new Error('report.run answered the same continuation twice');
        input = { ...query, continuation: answer.continuation };
        continue;
      }
      return [answer, each];
    }
  };
  const [answer, each] = await report();
  const invocations = each.length;
  const tDone = performance.now();
  const cpuDone = process.cpuUsage();
  // With --warm: the same report again in this process, as a warm function instance
  // serves the next person (compiled and tiered-up code, connections open).
  let warm;
  if (config.warm) {
    const [, again] = await report();
    const cpuWarm = process.cpuUsage();
    warm = {
      seconds: (performance.now() - tDone) / 1000,
      cpuSeconds: (cpuWarm.user + cpuWarm.system - cpuDone.user - cpuDone.system) / 1e6,
      invocations: again.length,
    };
  }
  if (answer.indexComplete === false) throw new Error(`the index is incomplete: ${JSON.stringify(answer.indexMissing)}`);

  if (answer.bytes) writeFileSync(config.out, answer.bytes);
  else if (config.shape === 'file') writeFileSync(config.out, Buffer.from(answer.piece, 'base64'));
  else writeFileSync(config.out, JSON.stringify(flattenTree(answer.groups, config.grouping)));
  const usage = process.resourceUsage();
  const cpuEnd = process.cpuUsage();
  const figures = {
    importMs: tImported - t0,
    instantiateMs: tReady - tImported,
    reportSeconds: (tDone - tReady) / 1000,
    reportCpuSeconds: (cpuDone.user + cpuDone.system - cpuReady.user - cpuReady.system) / 1e6,
    // Since this process's start (the parent adds Node's own start to the wall time).
    processCpuSeconds: (cpuEnd.user + cpuEnd.system) / 1e6,
    startupCpuSeconds: (cpuReady.user + cpuReady.system) / 1e6,
    setupCpuSinceScript: (cpuReady.user + cpuReady.system - cpu0.user - cpu0.system) / 1e6,
    peakRssMiB: usage.maxRSS / 1024,
    invocations,
    slowestInvocationSeconds: Math.max(...each),
    invocationSeconds: each.map((x) => Number(x.toFixed(3))),
    sqlStatements: runtime.sql.statements,
    sqlWaitSeconds: waited.sql.seconds(),
    jiraWaitSeconds: waited.jira.seconds(),
    effectWaitSeconds: waited.any.seconds(),
    jiraRequests: runtime.requests.length,
    worklogs: answer.worklogs,
    rows: answer.rows,
    warm,
  };
  await runtime.close();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** Accumulates the time during which at least one started thing has not stopped. */
function busyClock() {
  let inFlight = 0;
  let since = 0;
  let total = 0;
  return {
    start() {
      if (inFlight++ === 0) since = performance.now();
    },
    stop() {
      if (--inFlight === 0) total += performance.now() - since;
    },
    seconds: () => total / 1000,
  };
}

/** The report tree as [[key1, key2, seconds]], months as YYYY-MM, sorted. */
function flattenTree(groups, grouping) {
  const month = GROUPINGS[grouping][1] === 'month';
  const rows = [];
  for (const outer of groups ?? []) {
    for (const inner of outer.groups ?? []) {
      rows.push([outer.key, month ? inner.key.slice(0, 7) : inner.key.slice(0, 10), Number(inner.seconds)]);
    }
  }
  return rows.sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));
}

/** `worklogs report`'s CSV as [[key1, key2, seconds]] (the first key, the time axis, seconds), sorted. */
function csvGroups(text) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
  const header = splitCsvLine(lines[0]);
  const axis = header.findIndex((h) => h === 'week_start' || h === 'month' || h === 'day');
  const seconds = header.indexOf('seconds');
  return lines
    .slice(1)
    .map((line) => {
      const cells = splitCsvLine(line);
      return [cells[0], header[axis] === 'month' ? cells[axis].slice(0, 7) : cells[axis].slice(0, 10), Number(cells[seconds])];
    })
    .sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));
}

function splitCsvLine(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

// ---------------------------------------------------------------------------------
// The parent

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits = 3) => (x === undefined || x === null || Number.isNaN(x) ? x : Number(x.toFixed(digits)));
const load = () => os.loadavg().map((x) => round(x, 2));

/** CPU seconds (user + system) of the MariaDB server so far, when its pid is known here. */
function mariadbCpu(pid) {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function mariadbPid() {
  const file = path.join(root, '.data/mariadb/mysqld.pid');
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return existsSync(`/proc/${pid}/stat`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a command; resolves with its exit code, stdout and stderr, and the wall seconds. */
function run(command, args, { env = process.env, stdout = 'pipe' } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const proc = spawn(command, args, { env, stdio: ['ignore', stdout, 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    proc.stderr.on('data', (chunk) => {
      err += chunk;
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => resolve({ code: code ?? signal, out, err, wall: (performance.now() - start) / 1000 }));
  });
}

/** GNU time around a command: [wall, CPU, peak RSS MiB] from its own figures. */
async function timed(command, args, env) {
  const figuresFile = path.join(os.tmpdir(), `report-node-time-${process.pid}`);
  const result = await run('/usr/bin/time', ['-f', '%e %U %S %M', '-o', figuresFile, command, ...args], { env });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.err.slice(-2000)}`);
  const [, user, system, kib] = readFileSync(figuresFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall: result.wall, cpu: user + system, rssMiB: kib / 1024, err: result.err };
}

async function startSim(simBin, worklogs, workdir) {
  const issues = Math.max(16, Math.floor(worklogs / 600));
  const log = path.join(workdir, `jira-sim-${worklogs}.log`);
  const proc = spawn(simBin, ['--port', '0', '--seed', '42', '--worklogs', String(worklogs), '--issues', String(issues)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`jira-sim did not start in 900 s: ${text}`)), 900_000);
    proc.stdout.on('data', (chunk) => {
      text += chunk;
      const match = /serving (http:\/\/\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    });
    proc.stderr.on('data', (chunk) => {
      text += chunk;
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`jira-sim exited (${code}): ${text}`));
    });
  });
  writeFileSync(log, text);
  return { url, stop: () => proc.kill('SIGTERM') };
}

async function main() {
  const { values } = parseArgs({
    options: {
      database: { type: 'string', default: process.env.WORKLOGS_DATABASE_URL },
      'jira-sim': { type: 'string' },
      worklogs: { type: 'string', default: '200000' },
      import: { type: 'boolean', default: false },
      installation: { type: 'string', default: 'ari:cloud:jira::site/nodebench' },
      data: { type: 'string' },
      account: { type: 'string', default: 'dave' },
      runs: { type: 'string', default: '3' },
      groupings: { type: 'string', default: Object.keys(GROUPINGS).join(',') },
      shapes: { type: 'string', default: 'file,ui' },
      from: { type: 'string', default: '2026-01-01' },
      to: { type: 'string', default: '2026-12-31' },
      workdir: { type: 'string', default: path.join(os.tmpdir(), 'worklogs-report-node') },
      json: { type: 'string' },
      warm: { type: 'boolean', default: false },
      jobs: { type: 'string', default: '1' },
      'no-seed-migrations': { type: 'boolean', default: false },
      child: { type: 'string' },
    },
  });
  if (values.child) return child(JSON.parse(values.child));
  if (!values.database) throw new Error('--database mysql://USER:PASS@HOST:PORT/DB (or WORKLOGS_DATABASE_URL) is required');

  const worklogsBin = path.resolve(root, process.env.WORKLOGS ?? 'target/release/worklogs');
  const simBin = path.resolve(root, process.env.WORKLOGS_JIRA_SIM ?? 'target/release/jira-sim');
  const { server, database } = splitDatabase(values.database);
  const worklogs = Number(values.worklogs);
  const workdir = path.resolve(values.workdir);
  const data = path.resolve(values.data ?? path.join(workdir, `data-${database}`));
  mkdirSync(data, { recursive: true });
  const runs = Number(values.runs);
  const period = { from: values.from, to: values.to };
  const installation = values.installation;
  const groupings = values.groupings.split(',').filter(Boolean);
  const shapes = values.shapes.split(',').filter(Boolean);
  // The component compiled by wasmtime is kept here, so each `worklogs report` maps it.
  const hostEnv = { ...process.env, WORKLOGS_DATABASE_URL: values.database, WORKLOGS_CACHE_DIR: path.join(workdir, 'wasmtime-cache') };
  mkdirSync(hostEnv.WORKLOGS_CACHE_DIR, { recursive: true, mode: 0o700 });

  const mysql = (await import('mysql2/promise')).default;
  const results = { worklogs, database, installation, node: process.version, cpus: os.cpus().length, imported: undefined, runs: [] };

  let sim;
  let jiraUrl = values['jira-sim'];
  if (!jiraUrl) {
    sim = await startSim(simBin, worklogs, workdir);
    jiraUrl = sim.url;
    console.error(`jira-sim --worklogs ${worklogs} --seed 42 serving ${jiraUrl}`);
  }
  try {
    if (values.import) {
      const admin = await mysql.createConnection({ uri: server });
      await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
      await admin.end();
      const loadBefore = load();
      const sync = await timed(
        worklogsBin,
        ['sync', '--full', '--jira-sim', jiraUrl, '--data', data, '--installation', installation, '--input', '{"maxWorklogs": 50000, "parallel": 8}'],
        hostEnv,
      );
      results.imported = { seconds: round(sync.wall), cpuSeconds: round(sync.cpu, 2), peakRssMiB: round(sync.rssMiB, 1), loadBefore, loadAfter: load() };
      console.error(`import: worklogs sync --full in ${sync.wall.toFixed(1)} s (${sync.cpu.toFixed(1)} CPU s), load ${load().join(' ')}`);
    }

    // The index: there, complete, and readable by the adapter's migration runner.
    const conn = await mysql.createConnection({ uri: values.database });
    const [[site]] = await conn.query('SELECT site FROM sites WHERE installation = ?', [installation]);
    if (!site) throw new Error(`${database} holds no index of the installation ${installation}: import it with --import`);
    const [[{ n }]] = await conn.query('SELECT COUNT(*) AS n FROM worklogs WHERE site = ?', [site.site]);
    results.indexed = Number(n);
    results.worklogs = results.indexed;
    if (!values['no-seed-migrations']) {
      await conn.query(FORGE_MIGRATIONS);
      const [applied] = await conn.query('SELECT name FROM _migrations WHERE installation = ? ORDER BY name', [installation]);
      const [known] = await conn.query('SELECT name FROM __migrations');
      const have = new Set(known.map((r) => r.name));
      const missing = applied.map((r) => r.name).filter((name) => !have.has(name));
      for (const name of missing) await conn.query('INSERT INTO __migrations (name) VALUES (?)', [name]);
      if (missing.length) console.error(`copied ${missing.length} migration names from _migrations to __migrations (@forge/sql's bookkeeping)`);
    }
    await conn.end();
    console.error(`${database}: ${results.indexed} worklogs indexed for ${installation}`);

    const demo = await (await fetch(`${jiraUrl}/sim/demo`)).json();
    const accountId = demo.accounts.find((a) => a.alias === values.account)?.accountId ?? values.account;

    const pid = mariadbPid();
    const wasmtimeArgs = (grouping, out) => [
      grouping === EXPORT ? 'export' : 'report', '--jira-sim', jiraUrl, '--data', data, '--installation', installation,
      '--from', period.from, '--to', period.to, '--tz', ZONE, '--week-start', 'monday',
      ...(grouping === EXPORT ? ['--jobs', values.jobs] : ['--group-by', GROUPINGS[grouping].join(',')]),
      '--format', 'csv', '--as', accountId, '--out', out,
    ];
    let failed = false;
    for (const grouping of groupings) {
      // One untimed wasmtime run: compiles the component into the cache, and is the reference.
      const reference = path.join(workdir, `wasmtime-${database}-${grouping}.csv`);
      await timed(worklogsBin, wasmtimeArgs(grouping, reference), hostEnv);
      const expectedCsv = readFileSync(reference);
      const expected = grouping === EXPORT ? undefined : JSON.stringify(csvGroups(expectedCsv.toString('utf8')));
      for (let i = 0; i < runs; i++) {
        for (const engine of ['node', 'wasmtime']) {
          for (const shape of engine === 'node' && grouping !== EXPORT ? shapes : ['file']) {
            const out = path.join(workdir, `${engine}-${shape}-${database}-${grouping}.out`);
            const loadBefore = load();
            const dbCpu0 = mariadbCpu(pid);
            let figures;
            if (engine === 'node') {
              const config = { server, database, installation, jiraUrl, accountId, grouping, shape, out, input: reportInput(grouping, shape, period), warm: values.warm, jobs: Number(values.jobs) };
              const start = performance.now();
              const r = await run(process.execPath, [self, '--child', JSON.stringify(config)]);
              const wall = (performance.now() - start) / 1000;
              if (r.code !== 0) throw new Error(`the Node run failed (${r.code}):\n${r.err.slice(-3000)}`);
              const c = JSON.parse(r.out.trim().split('\n').pop());
              figures = {
                seconds: round(wall),
                cpuSeconds: round(c.processCpuSeconds, 2),
                peakRssMiB: round(c.peakRssMiB, 1),
                reportSeconds: round(c.reportSeconds),
                reportCpuSeconds: round(c.reportCpuSeconds, 2),
                importMs: round(c.importMs, 0),
                instantiateMs: round(c.instantiateMs, 0),
                invocations: c.invocations,
                slowestInvocationSeconds: round(c.slowestInvocationSeconds),
                invocationSeconds: c.invocationSeconds,
                sqlStatements: c.sqlStatements,
                sqlWaitSeconds: round(c.sqlWaitSeconds),
                jiraWaitSeconds: round(c.jiraWaitSeconds),
                effectWaitSeconds: round(c.effectWaitSeconds),
                jiraRequests: c.jiraRequests,
                worklogs: c.worklogs,
                ...(c.warm ? { warmReportSeconds: round(c.warm.seconds), warmReportCpuSeconds: round(c.warm.cpuSeconds, 2) } : {}),
              };
            } else {
              const t = await timed(worklogsBin, wasmtimeArgs(grouping, out), hostEnv);
              figures = { seconds: round(t.wall), cpuSeconds: round(t.cpu, 2), peakRssMiB: round(t.rssMiB, 1) };
            }
            const dbCpu1 = mariadbCpu(pid);
            const got = readFileSync(out);
            const equal =
              shape === 'file' ? got.equals(expectedCsv) : JSON.stringify(JSON.parse(got.toString('utf8'))) === expected;
            failed ||= !equal;
            const entry = {
              grouping, engine, shape, run: i + 1, ...figures,
              mariadbCpuSeconds: dbCpu0 === undefined ? undefined : round(dbCpu1 - dbCpu0, 2),
              equalToWasmtime: equal, loadBefore, loadAfter: load(),
            };
            results.runs.push(entry);
            console.error(
              `${grouping} ${engine.padEnd(8)} ${shape.padEnd(4)} #${i + 1}: ${figures.seconds.toFixed(2)} s, ${figures.cpuSeconds.toFixed(2)} CPU s, ` +
                `${figures.peakRssMiB.toFixed(0)} MiB` +
                (engine === 'node' ? `, report ${figures.reportSeconds.toFixed(2)} s / ${figures.reportCpuSeconds.toFixed(2)} CPU s, ${figures.invocations} invocations (slowest ${figures.slowestInvocationSeconds.toFixed(2)} s), ` +
                    `waiting on SQL ${figures.sqlWaitSeconds.toFixed(2)} s (${figures.sqlStatements} statements), on Jira ${figures.jiraWaitSeconds.toFixed(2)} s (${figures.jiraRequests} requests)` : '') +
                (figures.warmReportSeconds !== undefined ? `, warm again ${figures.warmReportSeconds.toFixed(2)} s / ${figures.warmReportCpuSeconds.toFixed(2)} CPU s` : '') +
                `, mariadbd ${entry.mariadbCpuSeconds ?? '?'} CPU s, ${equal ? 'equal' : 'DIFFERENT'}, load ${entry.loadAfter.join(' ')}`,
            );
          }
        }
      }
    }

    // The summary: medians and minimums per grouping, engine and shape.
    results.summary = [];
    console.log(`\n${results.indexed} worklogs in ${database}; Node ${process.version}, ${os.cpus().length} CPUs; medians of ${runs} (min)`);
    console.log('| grouping | engine | wall s | CPU s | peak RSS MiB | report wall / CPU s (in process) | invocations | slowest invocation s | waiting on SQL / Jira s | mariadbd CPU s | load (1 min) | equal |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
    for (const grouping of groupings) {
      const wasmtime = results.runs.filter((r) => r.grouping === grouping && r.engine === 'wasmtime');
      for (const [engine, shape] of [...(grouping === EXPORT ? ['file'] : shapes).map((s) => ['node', s]), ['wasmtime', 'file']]) {
        const rs = results.runs.filter((r) => r.grouping === grouping && r.engine === engine && r.shape === shape);
        if (!rs.length) continue;
        const pick = (k) => rs.map((r) => r[k]).filter((x) => x !== undefined);
        const m = (k) => (pick(k).length ? round(median(pick(k)), 2) : undefined);
        const lo = (k) => (pick(k).length ? round(Math.min(...pick(k)), 2) : undefined);
        const row = {
          grouping, engine, shape,
          seconds: m('seconds'), secondsMin: lo('seconds'),
          cpuSeconds: m('cpuSeconds'), cpuSecondsMin: lo('cpuSeconds'),
          peakRssMiB: m('peakRssMiB'),
          reportSeconds: m('reportSeconds'), reportSecondsMin: lo('reportSeconds'), reportCpuSeconds: m('reportCpuSeconds'),
          invocations: m('invocations'), slowestInvocationSeconds: m('slowestInvocationSeconds'),
          mariadbCpuSeconds: m('mariadbCpuSeconds'),
          sqlWaitSeconds: m('sqlWaitSeconds'), jiraWaitSeconds: m('jiraWaitSeconds'), effectWaitSeconds: m('effectWaitSeconds'),
          sqlStatements: m('sqlStatements'),
          warmReportSeconds: m('warmReportSeconds'), warmReportCpuSeconds: m('warmReportCpuSeconds'),
          load1: [Math.min(...rs.map((r) => r.loadBefore[0])), Math.max(...rs.map((r) => r.loadAfter[0]))],
          equal: rs.every((r) => r.equalToWasmtime),
          wallVsWasmtime: round(median(pick('seconds')) / median(wasmtime.map((r) => r.seconds)), 2),
          cpuVsWasmtime: round(median(pick('cpuSeconds')) / median(wasmtime.map((r) => r.cpuSeconds)), 2),
        };
        results.summary.push(row);
        const name = engine === 'node' ? `Node + jco (${shape === 'file' ? 'format csv' : 'UI: tree + chart'})` : `wasmtime (worklogs ${grouping === EXPORT ? 'export' : 'report'})`;
        console.log(
          `| ${grouping} | ${name} | ${row.seconds} (${row.secondsMin}) | ${row.cpuSeconds} (${row.cpuSecondsMin}) | ${row.peakRssMiB} | ` +
            `${row.reportSeconds === undefined ? '–' : `${row.reportSeconds} / ${row.reportCpuSeconds}`} | ${row.invocations ?? '–'} | ${row.slowestInvocationSeconds ?? '–'} | ` +
            `${row.sqlWaitSeconds === undefined ? '–' : `${row.sqlWaitSeconds} / ${row.jiraWaitSeconds}`} | ` +
            `${row.mariadbCpuSeconds ?? '?'} | ${row.load1[0]}–${row.load1[1]} | ${row.equal ? 'yes' : 'NO'} |` +
            (engine === 'node' ? ` wall ${row.wallVsWasmtime}×, CPU ${row.cpuVsWasmtime}× wasmtime` : '') +
            (row.warmReportSeconds !== undefined ? `; warm again in process ${row.warmReportSeconds} s / ${row.warmReportCpuSeconds} CPU s` : ''),
        );
      }
    }
    if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
    if (failed) {
      console.error('error: a Node answer differs from the wasmtime host\'s');
      process.exitCode = 1;
    }
  } finally {
    sim?.stop();
  }
}

await main();
