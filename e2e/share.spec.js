import { test, expect } from './fixtures.js';
import { readQr, signUp } from './helpers.js';

// The copy path: a browser without the system share sheet (as desktop Linux Chromium).
async function withoutWebShare(context) {
  await context.addInitScript(() => {
    delete Navigator.prototype.share;
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
}

test('A shares a product; B opens it, signs up, and is counted on A\'s dashboard', async ({ browser }) => {
  const contextA = await browser.newContext({ locale: 'zh-CN' });
  await withoutWebShare(contextA);
  const a = await contextA.newPage();
  await signUp(a, '分享达人', '/p/24');
  await a.getByRole('button', { name: '分享' }).click();
  await expect(a.getByRole('status').filter({ hasText: '链接已复制' })).toBeVisible();
  const link = await a.evaluate(() => navigator.clipboard.readText());
  const code = new URL(link).searchParams.get('ref');
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
  expect(new URL(link).pathname).toBe('/p/24');
  await expect(a.locator('.share-link')).toHaveValue(link);
  expect(await readQr(a.locator('.share-qr img'))).toBe(link);

  const contextB = await browser.newContext({ locale: 'zh-CN' });
  await withoutWebShare(contextB);
  const b = await contextB.newPage();
  await b.goto(link);
  await expect(b.getByRole('heading', { level: 1 })).toBeVisible();
  // The code is kept, and taken out of the address so B does not pass it on.
  await expect(b).toHaveURL(/\/p\/24$/);
  await signUp(b, '被分享的朋友', '/p/24');
  await b.getByRole('button', { name: '分享' }).click();
  await expect(b.getByRole('status').filter({ hasText: '链接已复制' })).toBeVisible();
  const linkB = await b.evaluate(() => navigator.clipboard.readText());
  const codeB = new URL(linkB).searchParams.get('ref');
  expect(codeB).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
  expect(codeB).not.toBe(code);

  await a.goto('/me');
  const dashboard = a.getByRole('region', { name: '我的推荐' });
  await expect(dashboard.locator('.referral-code .code')).toHaveText(code);
  await expect(dashboard.locator('[data-total=visits] dd')).toHaveText('1');
  await expect(dashboard.locator('[data-total=sign_ups] dd')).toHaveText('1');
  await expect(dashboard.getByRole('img', { name: /1 次访问，1 人注册/ })).toBeVisible();
  await expect(dashboard.locator('.share-link')).toHaveValue(new RegExp(`\\?ref=${code}$`));
  await contextA.close();
  await contextB.close();
});

test('a guest shares a plain link; the system share sheet is used where there is one', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  await context.addInitScript(() => {
    window.__shared = [];
    Navigator.prototype.share = function share(data) {
      window.__shared.push(data);
      return Promise.resolve();
    };
  });
  const page = await context.newPage();
  await page.goto('/c/coffee');
  await page.getByRole('button', { name: '分享' }).click();
  const shared = await page.evaluate(() => window.__shared);
  expect(shared).toHaveLength(1);
  const url = new URL(shared[0].url);
  expect(url.pathname).toBe('/c/coffee');
  expect(url.search).toBe('');
  expect(shared[0].title).toBeTruthy();
  // The link stays visible with its QR code, for a screenshot into a chat.
  await expect(page.locator('.share-link')).toHaveValue(shared[0].url);
  expect(await readQr(page.locator('.share-qr img'))).toBe(shared[0].url);
  await context.close();
});

test('a ref that is not a code is ignored and the page works', async ({ page }) => {
  for (const ref of ['x'.repeat(10_000), '<img src=x onerror=alert(1)>', 'ＡＢＣＤ１２３４']) {
    const response = await page.goto(`/p/24?ref=${encodeURIComponent(ref)}`);
    expect(response.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page).toHaveURL(/\/p\/24$/);
    expect(await page.evaluate(() => localStorage.getItem('quanzi.ref'))).toBeNull();
  }
});

test('a link with a member\'s code says who recommended it, from the first draw; a junk code or one\'s own says nothing', async ({ page, request, baseURL }) => {
  // Member 3's code, from their own dashboard.
  const context = await page.context().browser().newContext({ baseURL });
  const signIn = await context.request.post('/api/v1/account/sign-in', {
    headers: { Origin: new URL(baseURL).origin },
    data: { email: 'member3@demo.quanzi', password: 'quanzi-demo' },
  });
  expect(signIn.ok()).toBe(true);
  const { code } = await (await context.request.get('/api/v1/account/referrals')).json();
  const me = await (await context.request.get('/api/v1/account/me')).json();
  for (const path of ['/p/18', '/c/coffee', '/posts/1']) {
    await page.goto(`${path}?ref=${code}`);
    const line = page.locator('#main .recommender');
    await expect(line).toHaveText(`${me.member.name} 推荐给你`);
    // In the page the server sent: no request was needed, so nothing moved.
    expect(await page.evaluate(() => document.querySelector('script[data-api^="/referrers/"]') === null)).toBe(true);
  }
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto('/p/18?ref=ZZZZ-ZZZZ');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.recommender')).toHaveCount(0);
  expect(requests.filter((p) => p.startsWith('/api/v1/referrers/'))).toEqual([]);
  // The sharer opening their own link sees no recommendation from themselves.
  const own = await context.newPage();
  await own.goto(`/p/18?ref=${code}`);
  await expect(own.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(own.locator('.recommender')).toHaveCount(0);
  await context.close();
});
