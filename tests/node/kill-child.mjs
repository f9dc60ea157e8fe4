// One start of an operation on the Forge adapter in a process of its own, for
// kill9.test.mjs to kill: the jco-transpiled component driven by src/ as Forge
// drives it, over the stand-in runtime (SQL to MariaDB, Jira to the simulator).
//
//   node tests/node/kill-child.mjs MYSQL_URL DATABASE JIRA_URL INSTALLATION OPERATION INPUT_JSON [VIA [ACTION]]
//
// VIA is how Forge starts it (support.mjs `invokeAdapter`): `consumer` (the
// default: the queue consumer, `longTask`), `schedule` (OPERATION names the
// scheduled trigger's function, such as `backupSchedule`) or `person:ACCOUNT`
// (the resolver as ACCOUNT, a slice an invocation until it answers `more: false`,
// as the admin page calls it).
//
// With ACTION, the process kills itself with SIGKILL as soon as MariaDB has
// answered the `INSERT INTO audit_log` of an entry of ACTION (such as
// `restore.run`): the entry is committed and not one statement after it runs,
// the one moment a random kill hardly ever hits.
//
// Prints each invocation's answer as one JSON line; the last is the end's.

import { installForgeRuntime } from './shims/forge-runtime.mjs';
import { invokeAdapter } from './support.mjs';

const [mysqlUrl, database, jiraUrl, installation, operation, input, via = 'consumer', dieAfterEntry] =
  process.argv.slice(2);
const runtime = installForgeRuntime({ mysqlUrl });
if (dieAfterEntry) {
  const real = globalThis.__forge_fetch__;
  globalThis.__forge_fetch__ = async (target, path, init) => {
    const response = await real(target, path, init);
    if (target.type === 'sql' && response.ok) {
      const { query, params = [] } = JSON.parse(init.body);
      if (/^\s*INSERT INTO audit_log\b/i.test(query) && params.includes(dieAfterEntry)) {
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => {}); // nothing after it, should the signal take a moment
      }
    }
    return response;
  };
}
const functions = await import('../../src/index.js');
try {
  await invokeAdapter({ runtime, functions, database, jiraUrl, installation }, via, operation, JSON.parse(input), (answer) =>
    process.stdout.write(`${JSON.stringify(answer)}\n`),
  );
} finally {
  await runtime.close();
}
