// One queue-consumer invocation of the Forge adapter in a process of its own, for
// kill9.test.mjs to kill: the jco-transpiled component driven by src/ as Forge
// drives it, over the stand-in runtime (SQL to MariaDB, Jira to the simulator).
//
//   node tests/node/kill-child.mjs MYSQL_URL DATABASE JIRA_URL INSTALLATION OPERATION INPUT_JSON
//
// Prints the invocation's answer as one JSON line.

import { installForgeRuntime } from './shims/forge-runtime.mjs';

const [mysqlUrl, database, jiraUrl, installation, operation, input] = process.argv.slice(2);
const runtime = installForgeRuntime({ mysqlUrl });
const functions = await import('../../src/index.js');
try {
  const answer = await runtime.invoke({ database, jiraUrl }, () =>
    functions.longTask(
      { body: { operation, input: JSON.parse(input), timeZone: 'UTC', locale: 'en-US' } },
      { installContext: installation },
    ),
  );
  process.stdout.write(`${JSON.stringify(answer)}\n`);
} finally {
  await runtime.close();
}
