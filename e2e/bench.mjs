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
await browser.close();

console.log(`time to first feed card, loopback   median ${median(local).toFixed(0)} ms  (runs: ${local.map((t) => t.toFixed(0)).join(', ')})`);
console.log(`time to first feed card, 4G profile median ${median(fourG).toFixed(0)} ms  (runs: ${fourG.map((t) => t.toFixed(0)).join(', ')})`);
for (const [path, total] of [['/api/v1/feed?limit=10', 3000], ['/api/v1/products/24', 3000], ['/api/v1/feed?limit=50&community=coffee', 1000]]) {
  const { rps, failures } = await throughput(path, total, 16);
  console.log(`API ${path.padEnd(40)} ${rps.toFixed(0).padStart(6)} req/s  (${total} requests, 16 in flight, ${failures} failed)`);
}
