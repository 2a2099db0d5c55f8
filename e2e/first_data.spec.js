import { test, expect } from './fixtures.js';
import { api, openGroup } from './helpers.js';

// A page opened from a link: its code arrives in one pack after the main module, and the
// data it draws first is in the shell, so the app asks the API for none of it.

const MAX_WASM_FILES = 2;

/** Opens `path` cold and returns the wasm files and API paths it requested. */
async function coldLoad(page, path, ready) {
  const wasm = [];
  const asked = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (/\.(wasm|pack)$/.test(url.pathname)) wasm.push(url.pathname.split('/').pop());
    if (url.pathname.startsWith('/api/v1/')) asked.push(url.pathname.slice('/api/v1'.length) + url.search);
  });
  await page.goto(path);
  await expect(ready(page)).toBeVisible();
  return { wasm, asked };
}

/** What the shell of `path` carries: its data blocks' paths, its preloads. */
async function shellOf(request, path) {
  const html = await (await request.get(path, { headers: { 'Accept-Language': 'zh-CN' } })).text();
  const data = [...html.matchAll(/<script type="application\/json" data-api="([^"]+)" data-lang="zh-CN">/g)]
    .map((m) => m[1].replaceAll('&amp;', '&'));
  const preloads = [...html.matchAll(/<link rel=preload as=(\w+)[^>]*href="?([^" >]+)/g)].map((m) => `${m[1]} ${m[2]}`);
  return { data, preloads };
}

test('each shareable page comes in one pack with its first data in the shell', async ({ request, browser }) => {
  test.setTimeout(60_000);
  const post = (await api(request, '/feed?limit=10')).items[0];
  const group = await openGroup(browser, 18);
  const pages = [
    { path: '/', pack: null, ready: (p) => p.locator('#main article.post-card').first() },
    { path: '/p/18', pack: 'product.pack', ready: (p) => p.getByRole('heading', { level: 1 }) },
    { path: `/posts/${post.id}`, pack: 'post.pack', ready: (p) => p.getByRole('heading', { level: 1, name: post.title }) },
    { path: '/c/cycling', pack: 'community.pack', ready: (p) => p.locator('#main article.post-card').first() },
    { path: `/g/${group}`, pack: 'group_buy.pack', ready: (p) => p.locator('#main .countdown').first() },
  ];
  for (const { path, pack, ready } of pages) {
    const shell = await shellOf(request, path);
    expect(shell.data.length, `${path} carries its first data`).toBeGreaterThan(0);
    expect(shell.preloads.some((p) => p.startsWith('image /')), `${path} preloads its largest picture`).toBe(true);
    if (pack) expect(shell.preloads.some((p) => p.startsWith('fetch ') && p.endsWith(`/${pack}`)), `${path} preloads ${pack}`).toBe(true);

    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 780 } });
    const cold = await context.newPage();
    const { wasm, asked } = await coldLoad(cold, path, ready);
    expect(wasm.length, `${path} wasm files: ${wasm}`).toBeLessThanOrEqual(MAX_WASM_FILES);
    expect(wasm).toEqual(pack ? expect.arrayContaining(['quanzi_bg.wasm', pack]) : ['quanzi_bg.wasm']);
    for (const carried of shell.data) {
      expect(asked, `${path} asked the API for ${carried}, which its shell carried`).not.toContain(carried);
    }
    await context.close();
  }
});

test('data in the shell is drawn once: in-app navigation and another language ask the API', async ({ page }) => {
  const asked = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/v1/')) asked.push(url.pathname.slice('/api/v1'.length));
  });
  await page.goto('/p/18');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(asked).not.toContain('/products/18');
  // To the feed and back by the app's own links: this time the product is asked for.
  await page.locator('.nav-link:visible', { hasText: '发现' }).click();
  await expect(page.locator('article.post-card').first()).toBeVisible();
  expect(asked, 'the feed was not in the product page\'s shell').toContain('/feed');
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(asked).toContain('/products/18');
});

test('a shell in one language is not drawn by an app set to the other', async ({ browser }) => {
  // The browser asks in English; the reader chose Chinese in the app before.
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 780 } });
  await context.addInitScript(() => localStorage.setItem('quanzi.lang', 'zh-CN'));
  const page = await context.newPage();
  const asked = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/v1/')) asked.push(url.pathname.slice('/api/v1'.length));
  });
  await page.goto('/p/18');
  await expect(page.getByRole('heading', { level: 1, name: '镜头清洁套装' })).toBeVisible();
  expect(asked).toContain('/products/18');
  await context.close();
});
