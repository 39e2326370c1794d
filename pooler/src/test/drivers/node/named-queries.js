// node-postgres named queries through pgmux: CLIENTS connections at once, each running ROUNDS rounds of
// TEXTS distinct named statements (node-postgres sends Parse with the name once per connection, then only Bind),
// every row checked. Prints "ok <executions>" and exits 0, or prints the first error and exits 1.
// Usage: node named-queries.js port user password database clients rounds texts
const { Client } = require('pg');

const [port, user, password, database, clients, rounds, texts] = process.argv.slice(2);

async function runClient(id) {
  const client = new Client({ host: '127.0.0.1', port: Number(port), user, password, database });
  await client.connect();
  let executed = 0;
  try {
    for (let round = 0; round < Number(rounds); round++) {
      for (let k = 0; k < Number(texts); k++) {
        const rows = 1 + ((id + round + k) % 5);
        const result = await client.query({
          name: `q${k}`,
          text: `SELECT g, g * ${k} AS product, $1::text AS tag FROM generate_series(1, $2::int) g ORDER BY g`,
          values: [`${id}/${round}`, rows],
        });
        if (result.rows.length !== rows) {
          throw new Error(`client ${id} q${k}: ${result.rows.length} rows, expected ${rows}`);
        }
        result.rows.forEach((row, i) => {
          const g = i + 1;
          if (row.g !== g || row.product !== g * k || row.tag !== `${id}/${round}`) {
            throw new Error(`client ${id} q${k} row ${g}: ${JSON.stringify(row)}`);
          }
        });
        executed++;
      }
    }
  } finally {
    await client.end();
  }
  return executed;
}

(async () => {
  const all = [];
  for (let i = 0; i < Number(clients); i++) {
    all.push(runClient(i));
  }
  const counts = await Promise.all(all);
  console.log(`ok ${counts.reduce((a, b) => a + b, 0)}`);
})().catch((e) => {
  console.error(`failed: ${e.message}`);
  process.exit(1);
});
