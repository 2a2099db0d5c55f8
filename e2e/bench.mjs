// Figures for `cargo xtask bench` (which starts a fresh server and sets BASE_URL). Timings
// are printed, never asserted: tests assert behaviour, benchmarks measure.
import { chromium } from '@playwright/test';

const base = process.env.BASE_URL;
if (!base) throw new Error('BASE_URL is not set: run `cargo xtask bench`');

const RUNS = 7;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Navigation start to the first post card in the DOM, in a cold browser context. */
async function timeToFirstCard(browser, throttle) {
  const times = [];
  for (let i = 0; i < RUNS; i += 1) {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'zh-CN' });
    const page = await context.newPage();
    if (throttle) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', throttle);
    }
    await page.goto(base + '/', { waitUntil: 'commit' });
    await page.waitForSelector('article.post-card', { timeout: 60_000 });
    times.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
  return times;
}

/** Requests per second for one URL, with `concurrency` requests in flight. */
async function throughput(path, total, concurrency) {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      next += 1;
      const response = await fetch(base + path, { headers: { 'Accept-Encoding': 'br' } });
      if (!response.ok) failures += 1;
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { rps: total / seconds, failures };
}

/** A JSON request as a signed-in member (`cookie`), with an Idempotency-Key on writes. */
async function call(method, path, body, cookie) {
  const headers = { 'Content-Type': 'application/json', Origin: base, 'Accept-Language': 'zh-CN' };
  if (cookie) headers.Cookie = cookie;
  if (method === 'POST' && path.startsWith('/api/v1/orders')) headers['Idempotency-Key'] = crypto.randomUUID();
  const response = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null, response };
}

async function member(name) {
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
  const { status, response } = await call('POST', '/api/v1/account/sign-up', { name, email, password: 'correct horse battery' });
  if (status !== 201 && status !== 200) throw new Error(`sign-up: HTTP ${status}`);
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

const PICKUP = { kind: 'pickup', point_id: 1 };

/** A group of product `productId` started and paid for by `leader`; its id. */
async function openGroup(leader, productId) {
  const order = await call('POST', '/api/v1/orders', { purchase: { kind: 'start_group', product_id: productId }, fulfilment: PICKUP }, leader);
  if (order.status !== 201) throw new Error(`start group: HTTP ${order.status} ${JSON.stringify(order.json)}`);
  const paid = await call('POST', `/api/v1/orders/${order.json.id}/pay`, { outcome: 'approve' }, leader);
  if (!paid.json?.group_id) throw new Error(`pay: HTTP ${paid.status} ${JSON.stringify(paid.json)}`);
  return paid.json.group_id;
}

/** Script time per second of wall time on a page, from Chromium's own counters. */
async function scriptPerSecond(browser, path, seconds) {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(base + path);
  await page.waitForSelector('.countdown');
  // The product page lists ten groups at a time: ask for more until all are live.
  const more = page.getByRole('button', { name: '更多拼团' });
  while (await more.count()) {
    const shown = await page.locator('.countdown').count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('.countdown').length > n, shown);
  }
  await page.waitForTimeout(1500);
  const count = await page.locator('.countdown').count();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const script = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration').value;
  const before = await script();
  await page.waitForTimeout(seconds * 1000);
  const after = await script();
  await context.close();
  return { count, msPerSecond: ((after - before) * 1000) / seconds };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const local = await timeToFirstCard(browser, null);
// A phone on a decent 4G link: 9 Mbit/s down, 1.5 up, 60 ms round trip.
const fourG = await timeToFirstCard(browser, {
  offline: false, latency: 60, downloadThroughput: 9_000_000 / 8, uploadThroughput: 1_500_000 / 8,
});

// Group-buys: 100 open groups of one product (a page of 100 live countdowns), then joins.
const PRODUCT = 18; // 500 in stock, groups of 3
const leader = await member('bench leader');
const groups = [];
for (let i = 0; i < 100; i += 1) groups.push(await openGroup(leader, PRODUCT));
const countdowns = await scriptPerSecond(browser, `/p/${PRODUCT}`, 5);
await browser.close();
const joiners = [];
for (let i = 0; i < 16; i += 1) joiners.push(await member(`bench member ${i}`));
const joins = groups.slice(0, 60).flatMap((group) => [group, group]);
let taken = 0;
let refused = 0;
const joinStarted = performance.now();
await Promise.all(joiners.map(async (cookie, worker) => {
  for (let i = worker; i < joins.length; i += joiners.length) {
    const { status } = await call('POST', '/api/v1/orders', { purchase: { kind: 'join_group', group_id: joins[i] }, fulfilment: PICKUP }, cookie);
    if (status === 201) taken += 1;
    else refused += 1;
  }
}));
const joinSeconds = (performance.now() - joinStarted) / 1000;

console.log(`time to first feed card, loopback   median ${median(local).toFixed(0)} ms  (runs: ${local.map((t) => t.toFixed(0)).join(', ')})`);
console.log(`time to first feed card, 4G profile median ${median(fourG).toFixed(0)} ms  (runs: ${fourG.map((t) => t.toFixed(0)).join(', ')})`);
for (const [path, total] of [['/api/v1/feed?limit=10', 3000], ['/api/v1/products/24', 3000], ['/api/v1/feed?limit=50&community=coffee', 1000]]) {
  const { rps, failures } = await throughput(path, total, 16);
  console.log(`API ${path.padEnd(40)} ${rps.toFixed(0).padStart(6)} req/s  (${total} requests, 16 in flight, ${failures} failed)`);
}
console.log(`group joins on one product, 16 in flight        ${(joins.length / joinSeconds).toFixed(0).padStart(6)} joins/s  (${taken} seats taken, ${refused} refused)`);
console.log(`page of ${countdowns.count} live countdowns (/p/${PRODUCT}), script time  ${countdowns.msPerSecond.toFixed(1)} ms per second`);
