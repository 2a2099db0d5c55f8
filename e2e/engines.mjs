// The engines side by side, for `cargo xtask bench`: the same reads and group joins against
// SQLite (one server) and PostgreSQL (one server, then two sharing one database, requests
// spread over both). ENGINES is JSON: [{ "label": "…", "bases": ["http://…", …] }, …], each
// entry a fresh demo store. Figures are printed, never asserted.
import { client, joinRate, throughput } from './bench-client.mjs';

const engines = JSON.parse(process.env.ENGINES ?? '[]');
if (!engines.length) throw new Error('ENGINES is not set: run `cargo xtask bench`');

const PRODUCT = 18; // 500 in stock, groups of 3
const READS = [['feed', '/api/v1/feed?limit=10'], ['product', `/api/v1/products/${PRODUCT}`]];

const rows = new Map();
const put = (what, label, value) => {
  if (!rows.has(what)) rows.set(what, new Map());
  rows.get(what).set(label, value);
};

for (const { label, bases } of engines) {
  const clients = bases.map(client);
  // Warm each server's pool and caches first.
  await throughput(bases, READS[0][1], 200, 8);
  for (const [what, path] of READS) {
    for (const inFlight of [16, 64]) {
      const { rps, failures } = await throughput(bases, path, 4000, inFlight);
      put(`${what}, ${inFlight} in flight (req/s)`, label, `${rps.toFixed(0)}${failures ? ` (${failures} failed)` : ''}`);
    }
  }
  // 60 groups of three, each leader's on the servers in turn; 16 members join two seats
  // of each, on the servers in turn: every seat goes, and nothing more.
  const leader = await clients[0].member('bench leader');
  const groups = [];
  for (let i = 0; i < 60; i += 1) groups.push(await clients[i % clients.length].openGroup(leader, PRODUCT));
  const joiners = [];
  for (let i = 0; i < 16; i += 1) joiners.push(await clients[i % clients.length].member(`bench member ${i}`));
  const joined = await joinRate(clients, joiners, groups);
  put('group joins, 16 in flight (joins/s)', label,
    `${joined.rate.toFixed(0)} (${joined.taken} seats, ${joined.refused} full${joined.failed ? `, ${joined.failed} failed` : ''})`);
}

const labels = engines.map((e) => e.label);
const width = Math.max(...[...rows.keys()].map((k) => k.length)) + 2;
const column = Math.max(...labels.map((l) => l.length), 26) + 2;
console.log(''.padEnd(width) + labels.map((l) => l.padStart(column)).join(''));
for (const [what, values] of rows) {
  console.log(what.padEnd(width) + labels.map((l) => (values.get(l) ?? '–').padStart(column)).join(''));
}
