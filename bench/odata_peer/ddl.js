// Prints the SQLite schema CAP's model needs (the table and the service's
// view), as `cds deploy` would create it; bench/odata_bench.py loads the rows.
const cds = require('@sap/cds');

cds.load(`${__dirname}/srv`).then((model) => {
  for (const statement of cds.compile.to.sql(model, { dialect: 'sqlite' })) console.log(`${statement};`);
});
