// Figures for `cargo xtask bench` (which starts a fresh server and sets BASE_URL). Timings
// are printed, never asserted: tests assert behaviour, benchmarks measure.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import { chromium } from '@playwright/test';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { Agent, request } from 'undici';
import { client, joinRate, PICKUP, throughput } from './bench-client.mjs';

const base = process.env.BASE_URL;
if (!base) throw new Error('BASE_URL is not set: run `cargo xtask bench`');

const { call, member, openGroup } = client(base);

const RUNS = 7;
/** The first post card, drawn whole: its title is there (the shell's first paint of the
 *  feed draws a card's picture only, so it does not count). */
const FIRST_CARD = 'article.post-card .post-title';
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
    // A card with its title: the shell's first paint has a card's picture only.
    await page.waitForSelector(FIRST_CARD, { timeout: 60_000 });
    times.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
  return times;
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

/** Requests per second for one URL over `connections` kept-alive connections, one request
 * in flight on each (no pipelining), for `seconds`. A static file that stalls on every
 * response (Nagle's algorithm meeting a delayed ACK) shows here as ~25 req/s per connection. */
async function keptAlive(path, connections, seconds) {
  const agent = new Agent({ connections, pipelining: 1 });
  let count = 0;
  let failures = 0;
  let bytes = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const { statusCode, body } = await request(base + path, {
        dispatcher: agent, headers: { 'accept-encoding': 'br, gzip' },
      });
      // Read before adding: `bytes += await …` would add to a stale total.
      const data = await body.arrayBuffer();
      bytes += data.byteLength;
      if (statusCode !== 200) failures += 1;
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await agent.close();
  return { rps: count / elapsed, failures, bytes: count ? bytes / count : 0 };
}

/** The stylesheet the shell links, and one lazily loaded piece of the build's wasm (a
 * page's pack, or a split chunk where the build has no packs). */
async function staticPaths() {
  const shell = await (await fetch(base + '/')).text();
  const css = shell.match(/\/main-[0-9a-f]+\.css/)?.[0];
  if (!css) throw new Error('the shell links no /main-*.css');
  const dist = new URL('../dist/', import.meta.url);
  const app = readdirSync(dist).find((name) => name.startsWith('app-'));
  const lazy = app ? readdirSync(new URL(`${app}/`, dist)).filter((n) => n.endsWith('.pack') || (n.endsWith('.wasm') && !n.endsWith('_bg.wasm'))) : [];
  const chunk = lazy.sort((a, b) => Number(b.endsWith('.pack')) - Number(a.endsWith('.pack')) || a.localeCompare(b))[0];
  if (!chunk) throw new Error('no wasm chunk in dist/app-*/ (build the app first)');
  return { css, wasm: `/${app}/${chunk}` };
}

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The issue's figures before this work (Lighthouse 13, the same machine). */
const BEFORE = {
  '/': { perf: 70, lcp: 3000, tbt: 120, cls: 0.803 },
  '/p/18': { perf: 80, lcp: 4400, tbt: 270, cls: 0 },
  '/g/1': { perf: 84, lcp: 3500, tbt: 290, cls: 0 },
  '/c/cycling': { perf: 65, lcp: 5000, tbt: 650, cls: 0 },
};

/** The figures of one Lighthouse report; requests before the first render are those the
 * browser started before its observed (unthrottled) first contentful paint. */
function lighthouseFigures(lhr) {
  const audit = (id) => lhr.audits[id];
  const score = (id) => (lhr.categories[id]?.score ?? NaN) * 100;
  const observed = audit('metrics')?.details?.items?.[0] ?? {};
  const network = audit('network-requests')?.details;
  const start = network?.debugData?.networkStartTimeTs;
  const fcp = observed.observedFirstContentfulPaintTs;
  const beforeRender = network && start !== undefined && fcp !== undefined
    ? network.items.filter((r) => r.rendererStartTime !== undefined && start + r.rendererStartTime * 1000 < fcp).length
    : NaN;
  const failing = [];
  for (const category of ['accessibility', 'best-practices', 'seo']) {
    for (const ref of lhr.categories[category]?.auditRefs ?? []) {
      const result = lhr.audits[ref.id];
      if (ref.weight > 0 && result?.score !== null && result?.score < 1) failing.push(`${category}:${ref.id}`);
    }
  }
  return {
    perf: score('performance'),
    lcp: audit('largest-contentful-paint')?.numericValue ?? NaN,
    tbt: audit('total-blocking-time')?.numericValue ?? NaN,
    cls: audit('cumulative-layout-shift')?.numericValue ?? NaN,
    beforeRender,
    a11y: score('accessibility'),
    practices: score('best-practices'),
    seo: score('seo'),
    failing,
    error: lhr.runtimeError?.code,
  };
}

/** Lighthouse's mobile defaults (simulated slow 4G, 4× CPU) on `path`, `runs` cold runs,
 * each in a Chromium of its own. */
async function lighthouseRuns(path, runs) {
  const reports = [];
  for (let i = 0; i < runs; i += 1) {
    const chrome = await chromeLauncher.launch({ chromePath: '/usr/bin/chromium', chromeFlags: CHROMIUM_FLAGS });
    try {
      const result = await lighthouse(base + path, {
        port: chrome.port, output: 'json', logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
      });
      reports.push(lighthouseFigures(result.lhr));
    } finally {
      await chrome.kill();
    }
  }
  return reports;
}

function printLighthouse(rows) {
  const cell = (now, before, digits, unit = '') => {
    const text = Number.isFinite(now) ? `${now.toFixed(digits)}${unit}` : 'n/a';
    return before === undefined ? text.padEnd(18) : `${text} (${before.toFixed(digits)}${unit})`.padEnd(18);
  };
  const { version } = JSON.parse(readFileSync(new URL('./node_modules/lighthouse/package.json', import.meta.url), 'utf8'));
  console.log(`Lighthouse ${version}, mobile defaults, median of ${LIGHTHOUSE_RUNS} runs; (before): the issue's figures`);
  console.log(`${'page'.padEnd(14)}${'perf'.padEnd(18)}${'LCP'.padEnd(18)}${'TBT'.padEnd(18)}${'CLS'.padEnd(18)}req<FCP  a11y  b-p  seo`);
  for (const { path, label, reports } of rows) {
    const m = (key) => median(reports.map((r) => r[key]).filter(Number.isFinite));
    const before = BEFORE[label] ?? {};
    const lcp = m('lcp') / 1000;
    console.log(`${label.padEnd(14)}${cell(m('perf'), before.perf, 0)}${cell(lcp, before.lcp && before.lcp / 1000, 1, ' s')}`
      + `${cell(m('tbt'), before.tbt, 0, ' ms')}${cell(m('cls'), before.cls, 3)}`
      + `${String(m('beforeRender') ?? 'n/a').padStart(7)}  ${String(m('a11y')).padStart(4)}  ${String(m('practices')).padStart(3)}  ${String(m('seo')).padStart(3)}`
      + (label === path ? '' : `   (${path})`));
    const errors = reports.map((r) => r.error).filter(Boolean);
    if (errors.length) console.log(`${''.padEnd(14)}runtime errors: ${errors.join(', ')}`);
    const counts = new Map();
    for (const id of reports.flatMap((r) => r.failing)) counts.set(id, (counts.get(id) ?? 0) + 1);
    if (counts.size) {
      console.log(`${''.padEnd(14)}costing points: ${[...counts].map(([id, n]) => `${id} (${n}/${reports.length})`).join(', ')}`);
    }
  }
}

/** A page with the feed's first page as plain HTML, no script: what a browser needs at
 * least to show the same cards (the app's markup and stylesheet, the same pictures). */
function staticFeedPage(feed, css) {
  const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const img = (image, attrs) => `<img src="${esc(image.url)}" width="${image.width}" height="${image.height}" alt="${esc(image.alt)}" ${attrs}>`;
  const price = (money) => `¥${(money.amount / 100).toFixed(2)}`;
  const cards = feed.items.map((post, n) => {
    const face = post.author.avatar
      ? img(post.author.avatar, 'class="avatar" loading="lazy"').replace(/width="\d+" height="\d+"/, 'width="32" height="32"')
      : `<span class="avatar avatar-initial" aria-hidden="true">${esc([...post.author.name.trim()][0] ?? '?')}</span>`;
    const slides = post.images.map((image, i) => `<li class="gallery-slide">${img(image, n === 0 && i === 0 ? 'loading="eager" fetchpriority="high"' : 'loading="lazy" decoding="async"')}</li>`).join('');
    const products = post.products.map((card) => `<a href="/p/${card.id}" class="product-card">${img(card.image, 'class="product-card-image" loading="lazy" decoding="async"')}`
      + `<span class="product-card-text"><span class="product-card-title">${esc(card.title)}</span>`
      + `<span class="prices">${card.group ? `<span class="price-group">${price(card.group.price)}</span> ` : ''}<span class="price-solo">${price(card.solo_price)}</span></span></span></a>`).join('');
    return `<article class="card post-card"><div class="byline">${face}<span class="byline-name">${esc(post.author.name)}</span>`
      + `<a href="/c/${esc(post.community.slug)}" class="byline-community">${esc(post.community.name)}</a></div>`
      + `<ul class="gallery${post.images.length === 1 ? ' gallery-single' : ''}">${slides}</ul>`
      + `<h2 class="post-title"><a href="/posts/${post.id}">${esc(post.title)}</a></h2>`
      + `<p class="post-excerpt">${esc([...(post.body[0] ?? '')].slice(0, 80).join(''))}</p>`
      + (products ? `<section class="post-products">${products}</section>` : '')
      + `<p class="counts"><span>${post.like_count} 赞</span> <span>${post.comment_count} 评论</span></p></article>`;
  }).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">`
    + `<meta name="viewport" content="width=device-width, initial-scale=1"><title>圈子 Quanzi</title>`
    + `<link rel="stylesheet" href="${css}"></head><body><main class="page">${cards}</main></body></html>`;
}

/** Serves `html` at `/` on a port of its own and passes every other request to the store,
 * so the static page's stylesheet and pictures come from the same server as the app's. */
async function staticFeedServer(html) {
  const server = http.createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    const upstream = http.request(base + req.url, { method: req.method, headers: { ...req.headers, host: new URL(base).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

/** Navigation to the first post card painted (the frame after it entered the DOM, seen
 * from inside the page), under a phone profile: 4× slower CPU, 9 Mbit/s, 60 ms. */
async function phoneFirstCard(browser, url) {
  const times = [];
  for (let i = 0; i < RUNS; i += 1) {
    const context = await browser.newContext({
      viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
    });
    await context.addInitScript((selector) => {
      const seen = new MutationObserver(() => {
        if (!document.querySelector(selector)) return;
        seen.disconnect();
        requestAnimationFrame(() => { window.firstCardAt = performance.now(); });
      });
      seen.observe(document, { childList: true, subtree: true });
    }, FIRST_CARD);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 60, downloadThroughput: 9_000_000 / 8, uploadThroughput: 1_500_000 / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.firstCardAt, null, { timeout: 60_000, polling: 50 });
    times.push(await page.evaluate(() => window.firstCardAt));
    await context.close();
  }
  return times;
}

const runs = (times) => times.map((t) => t.toFixed(0)).join(', ');

/** Waits until the server has made the demo pictures' phone-sized copies in dist/img (it
 * does so in the background after each build, on one core): until then pages get the
 * originals and the figures would measure the copying. Done when no copy has appeared for
 * 3 s and none is half written; returns how many there are and how long it took. */
async function copiesMade() {
  const img = new URL('../dist/img/', import.meta.url);
  const files = () => readdirSync(img, { recursive: true }).map(String);
  const started = performance.now();
  let count = -1;
  let since = started;
  while (performance.now() - started < 300_000) {
    const now = files();
    const copies = now.filter((name) => name.endsWith('.webp')).length;
    if (copies !== count || now.some((name) => name.endsWith('.partial'))) {
      count = copies;
      since = performance.now();
    } else if (performance.now() - since > 3000) {
      break;
    }
    await sleep(250);
  }
  return { count, seconds: (performance.now() - started) / 1000 };
}

const PRODUCT = 18; // 500 in stock, groups of 3
const POST = 60; // a demo post with two pictures and three products
const LIGHTHOUSE_RUNS = 3;

const copies = await copiesMade();
console.log(`phone-sized picture copies: ${copies.count} in dist/img (waited ${copies.seconds.toFixed(0)} s)`);

// Lighthouse first, on the store as the demo ships it plus one open group to show: the
// group-buy figures below open a hundred more.
const leader = await member('bench leader');
const firstGroup = await openGroup(leader, PRODUCT);
// A member's shop with three picks.
const sharer = await member('bench sharer');
for (const id of [PRODUCT, 24, 3]) await call('PUT', `/api/v1/account/shop/products/${id}`, null, sharer);
const { code } = (await call('GET', '/api/v1/account/shop', null, sharer)).json;
// A pay-for-me link (its order held for 15 minutes, longer than the runs take).
const asker = await member('bench asker');
const asked = await call('POST', '/api/v1/orders', { purchase: { kind: 'solo', lines: [{ product_id: 3, quantity: 1 }] }, fulfilment: PICKUP }, asker);
const { token } = (await call('POST', `/api/v1/orders/${asked.json.id}/pay-link`, { note: '帮我付一下' }, asker)).json;
const lighthousePages = [['/', '/'], [`/p/${PRODUCT}`, `/p/${PRODUCT}`], [`/posts/${POST}`, `/posts/${POST}`],
  ['/c/cycling', '/c/cycling'], [`/g/${firstGroup}`, '/g/1'], [`/s/${code}`, '/s/{code}'],
  [`/pay/${token}`, '/pay/{token}']];
const lighthouseRows = [];
for (const [path, label] of lighthousePages) {
  lighthouseRows.push({ path, label, reports: await lighthouseRuns(path, LIGHTHOUSE_RUNS) });
}
printLighthouse(lighthouseRows);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
const local = await timeToFirstCard(browser, null);
// A phone on a decent 4G link: 9 Mbit/s down, 1.5 up, 60 ms round trip.
const fourG = await timeToFirstCard(browser, {
  offline: false, latency: 60, downloadThroughput: 9_000_000 / 8, uploadThroughput: 1_500_000 / 8,
});
console.log(`time to first feed card, loopback   median ${median(local).toFixed(0)} ms  (runs: ${runs(local)})`);
console.log(`time to first feed card, 4G profile median ${median(fourG).toFixed(0)} ms  (runs: ${runs(fourG)})`);

// The same first page of posts as a plain HTML page, against the store, on a phone.
const feed = await (await fetch(base + '/api/v1/feed?limit=10', { headers: { 'Accept-Language': 'zh-CN' } })).json();
const files = await staticPaths();
const plain = await staticFeedServer(staticFeedPage(feed, files.css));
const phoneStore = await phoneFirstCard(browser, base + '/');
const phonePlain = await phoneFirstCard(browser, plain.url);
plain.server.close();
console.log(`first post card painted, phone (4x CPU, 9 Mbit/s, 60 ms), store        median ${median(phoneStore).toFixed(0)} ms  (runs: ${runs(phoneStore)})`);
console.log(`first post card painted, phone (4x CPU, 9 Mbit/s, 60 ms), static HTML  median ${median(phonePlain).toFixed(0)} ms  (runs: ${runs(phonePlain)})`);
console.log(`store / static HTML: ${(median(phoneStore) / median(phonePlain)).toFixed(2)}x`);

// Static files next to the API, on kept-alive connections.
for (const [what, path] of [['css', files.css], ['wasm chunk', files.wasm], ['picture', '/img/products/3-1.jpg'], ['API feed', '/api/v1/feed?limit=10']]) {
  for (const connections of [1, 32]) {
    const { rps, failures, bytes } = await keptAlive(path, connections, 3);
    console.log(`kept-alive ${what.padEnd(10)} ${String(connections).padStart(2)} conn  ${rps.toFixed(0).padStart(6)} req/s  (${bytes.toFixed(0)} B each, ${failures} failed)  ${path}`);
  }
}

// Group-buys: 100 more open groups of one product (a page of live countdowns), then joins.
const groups = [];
for (let i = 0; i < 100; i += 1) groups.push(await openGroup(leader, PRODUCT));
const countdowns = await scriptPerSecond(browser, `/p/${PRODUCT}`, 5);
await browser.close();
const joiners = [];
for (let i = 0; i < 16; i += 1) joiners.push(await member(`bench member ${i}`));
const joined = await joinRate([client(base)], joiners, groups.slice(0, 60));

for (const [path, total] of [['/api/v1/feed?limit=10', 3000], ['/api/v1/products/24', 3000], ['/api/v1/feed?limit=50&community=coffee', 1000]]) {
  const { rps, failures } = await throughput([base], path, total, 16);
  console.log(`API ${path.padEnd(40)} ${rps.toFixed(0).padStart(6)} req/s  (${total} requests, 16 in flight, ${failures} failed)`);
}
console.log(`group joins on one product, 16 in flight        ${joined.rate.toFixed(0).padStart(6)} joins/s  (${joined.taken} seats taken, ${joined.refused} refused)`);
console.log(`page of ${countdowns.count} live countdowns (/p/${PRODUCT}), script time  ${countdowns.msPerSecond.toFixed(1)} ms per second`);
