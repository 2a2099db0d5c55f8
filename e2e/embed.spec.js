// Quanzi inside a host: a partner's page that frames it (the example host page,
// examples/embed-host, served here on another loopback origin) and a native app's bridge.
// `cargo xtask test` starts the store with `--embed-origin http://127.0.0.1:$EMBED_HOST_PORT`.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.js';
import { signUp } from './helpers.js';

/** The store's own accent (style/main.css `--accent`). */
const STORE_ACCENT = '#c8352b';

const store = new URL(process.env.BASE_URL).origin;
const hostPort = Number(process.env.EMBED_HOST_PORT);
const hostDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../examples/embed-host');
const files = {
  '/': ['index.html', 'text/html'],
  '/host.js': ['host.js', 'text/javascript'],
  '/host.css': ['host.css', 'text/css'],
};

/** Serves the example host page (and a blank page) as a partner's site would. */
function serveHost(port) {
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url, 'http://x').pathname;
    if (pathname === '/blank.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>blank</title>');
      return;
    }
    const file = files[pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[1] }).end(fs.readFileSync(path.join(hostDir, file[0])));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

let allowed;
let unlisted;
let unlistedOrigin;
test.beforeAll(async () => {
  if (!hostPort) throw new Error('EMBED_HOST_PORT is not set: run the journeys with `cargo xtask test`');
  allowed = await serveHost(hostPort);
  unlisted = await serveHost(0);
  unlistedOrigin = `http://127.0.0.1:${unlisted.address().port}`;
});
test.afterAll(async () => {
  allowed?.close();
  unlisted?.close();
});

const hostUrl = (origin, storePath = '/p/18') =>
  `${origin}/?store=${encodeURIComponent(store)}&path=${encodeURIComponent(storePath)}`;
const events = (page) => page.evaluate(() => window.quanziEvents);
const eventsOf = async (page, type) => (await events(page)).filter((e) => e.type === type);

test('an allowed host frames a product: no site chrome, and the bridge talks both ways', async ({ page }) => {
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.goto(hostUrl(`http://127.0.0.1:${hostPort}`));
  const frame = page.frameLocator('#store');
  await expect(frame.getByRole('heading', { level: 1 })).toBeVisible();
  // The host's own bar stands in for the store's header and tab bar.
  await expect(frame.getByRole('banner')).toHaveCount(0);
  await expect(frame.getByRole('navigation', { name: 'tabs' })).toHaveCount(0);

  await expect.poll(async () => (await eventsOf(page, 'ready')).length).toBe(1);
  const [ready] = await eventsOf(page, 'ready');
  expect(ready).toMatchObject({ source: 'quanzi', v: 1, payload: { path: '/p/18?embed=1', locale: 'zh-CN' } });
  // The frame grows to the content's height, as the store reports it.
  await expect.poll(async () => (await eventsOf(page, 'resize')).length).toBeGreaterThan(0);
  await expect
    .poll(async () => {
      const resizes = await eventsOf(page, 'resize');
      const height = resizes.at(-1).payload.height;
      const frameHeight = await page.locator('#store').evaluate((f) => f.getBoundingClientRect().height);
      return height > 600 && Math.abs(frameHeight - height) <= 2;
    })
    .toBe(true);

  await frame.getByRole('button', { name: /加入购物车/ }).click();
  await expect.poll(() => eventsOf(page, 'add_to_cart')).toEqual([
    { source: 'quanzi', v: 1, type: 'add_to_cart', payload: { product_id: 18, quantity: 1 } },
  ]);
  // No header with a cart badge: the page itself offers the way on.
  await expect(frame.getByRole('link', { name: '去购物车' })).toBeVisible();

  await page.getByRole('button', { name: 'English' }).click();
  await expect(frame.locator('html')).toHaveAttribute('lang', 'en');
  await expect(frame.getByRole('button', { name: /Add to cart/ })).toBeVisible();

  // In-app navigation stays embedded, and the host hears of it.
  await page.getByLabel('Open path').fill('/c/cycling');
  await page.getByRole('button', { name: 'Go' }).click();
  await expect(frame.getByRole('heading', { level: 1 })).toBeVisible();
  await expect.poll(async () => (await eventsOf(page, 'navigate')).map((e) => e.payload.path)).toEqual(['/c/cycling']);
  await expect(frame.getByRole('banner')).toHaveCount(0);
  // The host's own cart button opens the store's cart.
  await page.getByLabel('Open path').fill('/cart');
  await page.getByRole('button', { name: 'Go' }).click();
  await expect(frame.getByRole('heading', { name: 'Cart' })).toBeVisible();
  await frame.getByRole('link', { name: 'Checkout' }).click();
  // A guest signs up inside the frame (the host is same-site, so the session cookie holds).
  await frame.getByRole('link', { name: /Create an account/ }).click();
  await frame.getByLabel('Display name').fill('嵌入的顾客');
  await frame.getByLabel('Email').fill(`e2e-embed-${Date.now()}@example.test`);
  await frame.getByLabel(/Password/).fill('correct horse battery');
  await frame.getByRole('button', { name: 'Sign up' }).click();
  await expect(frame.getByRole('heading', { name: 'Checkout' })).toBeVisible();
  await expect.poll(async () => (await eventsOf(page, 'checkout_started')).map((e) => e.payload)).toEqual([
    { intent: 'cart', product_id: null, group_id: null },
  ]);
  const checkout = async () => {
    await frame.getByLabel('Recipient').fill('王小明');
    await frame.getByLabel('Phone').fill('13800138000');
    await frame.getByLabel('Address').fill('杭州市西湖区文三路 1 号');
    await frame.getByRole('button', { name: 'Place order' }).click();
    await frame.getByRole('button', { name: 'Pay (approved)' }).click();
  };
  await checkout();
  await expect.poll(async () => (await eventsOf(page, 'order_paid')).length).toBe(1);
  const [paid] = await eventsOf(page, 'order_paid');
  expect(paid.payload).toMatchObject({ group_id: null, total: { currency: 'CNY' } });
  expect(paid.payload.order_id).toBeGreaterThan(0);
  expect(await eventsOf(page, 'group_joined')).toEqual([]);

  // Starting a group: the paid seat is news too.
  await page.getByLabel('Open path').fill('/checkout?start=18');
  await page.getByRole('button', { name: 'Go' }).click();
  await expect.poll(async () => (await eventsOf(page, 'checkout_started')).at(-1).payload).toEqual({
    intent: 'start', product_id: 18, group_id: null,
  });
  await checkout();
  await expect.poll(async () => (await eventsOf(page, 'group_joined')).length).toBe(1);
  const [joined] = await eventsOf(page, 'group_joined');
  const paidSeat = (await eventsOf(page, 'order_paid')).at(-1);
  expect(joined.payload.order_id).toBe(paidSeat.payload.order_id);
  expect(joined.payload.group_id).toBe(paidSeat.payload.group_id);
  expect(joined.payload.group_id).toBeGreaterThan(0);
});

test('a second, unlisted origin is not obeyed, and bad commands change nothing', async ({ page }) => {
  const consoleErrors = [];
  // A guest's page logs no failed request (who am I is 204 for a guest, not 401), so any
  // error here is the bridge's doing.
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(hostUrl(`http://127.0.0.1:${hostPort}`));
  const frame = page.frameLocator('#store');
  await expect(frame.getByRole('heading', { level: 1 })).toBeVisible();
  await expect.poll(async () => (await eventsOf(page, 'ready')).length).toBe(1);

  // A frame of another origin inside the host page posts straight to the store.
  await page.evaluate((src) => {
    const rogue = document.createElement('iframe');
    rogue.src = src;
    rogue.name = 'rogue';
    document.body.append(rogue);
    return new Promise((resolve) => rogue.addEventListener('load', resolve));
  }, `${unlistedOrigin}/blank.html`);
  const rogue = page.frame({ name: 'rogue' });
  await rogue.evaluate(() => {
    const storeWindow = window.parent.frames[0];
    for (const [type, payload] of [
      ['set_locale', { locale: 'en' }],
      ['navigate', { path: '/c/cycling' }],
      ['set_theme', { accent: '#00ff00' }],
    ]) {
      storeWindow.postMessage({ source: 'quanzi', v: 1, type, payload }, '*');
    }
  });
  // From the allowed host: malformed, unknown, oversized and off-site commands.
  await page.evaluate(() => {
    const store = document.getElementById('store').contentWindow;
    const origin = new URL(document.getElementById('store').src).origin;
    const bad = [
      { source: 'other', v: 1, type: 'set_locale', payload: { locale: 'en' } },
      { source: 'quanzi', v: 2, type: 'set_locale', payload: { locale: 'en' } },
      { source: 'quanzi', v: 1, type: 'self_destruct', payload: {} },
      { source: 'quanzi', v: 1, type: 'set_locale' },
      { source: 'quanzi', v: 1, type: 'set_locale', payload: { locale: 'en', padding: 'x'.repeat(100_000) } },
      { source: 'quanzi', v: 1, type: 'navigate', payload: { path: 'https://evil.example/' } },
      { source: 'quanzi', v: 1, type: 'navigate', payload: { path: '//evil.example/' } },
      { source: 'quanzi', v: 1, type: 'navigate', payload: { path: 'javascript:alert(1)' } },
      { source: 'quanzi', v: 1, type: 'set_theme', payload: { accent: 'red; background: url(x)' } },
      'not json',
      '{"source":"quanzi","v":1,"type":"set_locale","payload":{"locale":"en"',
      42,
      null,
    ];
    for (const message of bad) store.postMessage(message, origin);
    // Last, one good command: once it is obeyed, everything before it has been read.
    store.postMessage({ source: 'quanzi', v: 1, type: 'navigate', payload: { path: '/communities' } }, origin);
  });
  await expect.poll(async () => (await eventsOf(page, 'navigate')).map((e) => e.payload.path)).toEqual(['/communities']);
  await expect(frame.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(frame.getByRole('heading', { level: 1 })).toHaveText('全部圈子');
  // The store's own accent, not the stranger's.
  const accent = await frame.locator('html').evaluate((el) => getComputedStyle(el).getPropertyValue('--accent').trim());
  expect(accent).toBe(STORE_ACCENT);
  expect(consoleErrors).toEqual([]);
});

test('a host not on the allowlist cannot frame the store', async ({ browser }) => {
  // Not the journeys' page: the refusal it checks for is a CSP report in the console.
  const page = await browser.newPage();
  const refused = page.waitForEvent('console', (m) => m.text().includes('frame-ancestors'));
  await page.goto(hostUrl(unlistedOrigin));
  await refused;
  await expect(page.frameLocator('#store').locator('#main')).toHaveCount(0);
  expect(await events(page)).toEqual([]);
  await page.close();
});

/** WCAG contrast of an element's text on its own background (both computed). */
function contrastOf(locator) {
  return locator.evaluate((el) => {
    const rgb = (css) => css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
    const lum = (c) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    // The first ancestor with a background of its own is what the text sits on.
    let ground = el;
    while (ground && getComputedStyle(ground).backgroundColor === 'rgba(0, 0, 0, 0)') ground = ground.parentElement;
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(getComputedStyle(ground ?? document.body).backgroundColor))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

test('a host theme becomes the store colours, kept readable; junk is ignored', async ({ page }) => {
  const accentOf = () =>
    page.locator('html').evaluate((el) => getComputedStyle(el).getPropertyValue('--accent').trim());
  // Outside embed mode a link cannot restyle the site.
  await page.goto('/p/18?theme=accent:00ff00');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await accentOf()).toBe(STORE_ACCENT);

  await page.goto('/p/18?embed=1&theme=accent:0a7d5a,background:101418');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect.poll(accentOf).not.toBe(STORE_ACCENT);
  const green = await accentOf();
  // A dark host background gets light text, and everything stays readable (AA): the page,
  // a button, a product card in a community, a form field.
  expect(await page.locator('body').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 255, 255)');
  expect(await contrastOf(page.getByRole('heading', { level: 1 }))).toBeGreaterThanOrEqual(4.5);
  expect(await contrastOf(page.locator('.buy-box .button').first())).toBeGreaterThanOrEqual(4.5);
  // The theme and embed mode last for the visit, across a reload without them.
  await page.goto('/c/cycling');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('banner')).toHaveCount(0);
  await expect.poll(accentOf).toBe(green);
  expect(await contrastOf(page.locator('.product-card-title').first())).toBeGreaterThanOrEqual(4.5);
  // The accent as text on its own tint (a post's community) and on a card within a card.
  expect(await contrastOf(page.locator('.byline-community').first())).toBeGreaterThanOrEqual(4.5);
  expect(await contrastOf(page.locator('.product-card .price-group-amount, .product-card .price-only').first())).toBeGreaterThanOrEqual(4.5);
  await page.goto('/sign-up');
  await page.getByLabel('邮箱').fill('reader@example.test');
  expect(await contrastOf(page.getByLabel('邮箱'))).toBeGreaterThanOrEqual(4.5);
  // Not colours: ignored, the host's theme stays.
  await page.goto('/p/18?embed=1&theme=accent:red,background:url(x)');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect.poll(accentOf).toBe(green);
  // `embed=0` leaves embed mode and the host's colours.
  await page.goto('/p/18?embed=0');
  await expect(page.getByRole('banner')).toBeVisible();
  expect(await accentOf()).toBe(STORE_ACCENT);
  await page.goto('/p/18?embed=1');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await accentOf()).toBe(STORE_ACCENT);
});

/** A context whose page has an Android-style bridge; `answer` is its share_result status
 *  (none: it never answers). Time is frozen after load, so only an answer can end a wait. */
async function nativeApp(browser, answer) {
  const context = await browser.newContext({ locale: 'zh-CN' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await context.addInitScript((answer) => {
    delete Navigator.prototype.share;
    window.__bridged = [];
    // An Android WebView's injected object: strings in. Commands come back as the native
    // side sends them, posted into the page.
    window.QuanziBridge = {
      postMessage(text) {
        const message = JSON.parse(text);
        window.__bridged.push(message);
        if (message.type === 'share' && answer) {
          const payload = { id: message.payload.id, status: answer };
          window.postMessage({ source: 'quanzi', v: 1, type: 'share_result', payload }, location.origin);
        }
      },
    };
  }, answer);
  const page = await context.newPage();
  await page.clock.install();
  await page.goto('/p/18');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // Stop the page's clock about where it stands: no timer of the page's can fire from here
  // on unless the test lets time run. A second ahead, because pausing in the past fails and
  // a loaded machine can spend more than a few milliseconds between the two calls.
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
  const bridged = (type) => page.evaluate((type) => window.__bridged.filter((m) => m.type === type), type);
  return { context, page, bridged };
}

const sharePanel = (page) => page.getByRole('region', { name: '分享给朋友' });

test('in a native app, share goes to the bridge and its answer is obeyed', async ({ browser }) => {
  const { context, page, bridged } = await nativeApp(browser, 'shared');
  expect(await bridged('ready')).toHaveLength(1);
  await page.getByRole('button', { name: '分享' }).click();
  await expect.poll(async () => (await bridged('share')).length).toBe(1);
  const [share] = await bridged('share');
  expect(new URL(share.payload.url).pathname).toBe('/p/18');
  expect(share.payload.title).toBeTruthy();
  expect(share.payload.text).toContain(share.payload.title);
  // The answer is a posted message: one posted after it arrives after it, so by then the
  // store has read the answer (on a loaded machine the poll above can win that race).
  await page.evaluate(() => new Promise((resolve) => {
    const probe = (event) => {
      if (event.data?.type !== 'probe') return;
      window.removeEventListener('message', probe);
      resolve();
    };
    window.addEventListener('message', probe);
    window.postMessage({ type: 'probe' }, location.origin);
  }));
  // Long past the wait: the host's sheet took it, the store adds nothing.
  await page.clock.runFor(5_000);
  await expect(sharePanel(page)).toHaveCount(0);
  await context.close();
});

test('a host that cannot share, or does not answer, leaves the store to share itself', async ({ browser }) => {
  // "unavailable": at once, before any wait could end (time stands still).
  const host = await nativeApp(browser, 'unavailable');
  await host.page.getByRole('button', { name: '分享' }).click();
  await expect(host.page.getByRole('status').filter({ hasText: '链接已复制' })).toBeVisible();
  const [share] = await host.bridged('share');
  expect(await host.page.evaluate(() => navigator.clipboard.readText())).toBe(share.payload.url);
  await expect(sharePanel(host.page).getByRole('textbox')).toHaveValue(share.payload.url);
  await host.context.close();

  // No answer: the store waits (a second tap meanwhile is the same share), then shares itself.
  const silent = await nativeApp(browser, null);
  await silent.page.getByRole('button', { name: '分享' }).click();
  await silent.page.getByRole('button', { name: '分享' }).click();
  await expect.poll(async () => (await silent.bridged('share')).length).toBe(1);
  await expect(sharePanel(silent.page)).toHaveCount(0);
  await silent.page.clock.runFor(1_000);
  await expect(sharePanel(silent.page)).toBeVisible();
  await silent.context.close();
});

test('embedded on a phone with a notch, nothing is under the safe-area insets', async ({ browser }) => {
  const insets = { top: 47, bottom: 34, left: 0, right: 0 };
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setSafeAreaInsetsOverride', {
    insets: { ...insets, topMax: insets.top, bottomMax: insets.bottom, leftMax: 0, rightMax: 0 },
  });
  for (const path of ['/p/18?embed=1', '/c/cycling', '/cart']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    for (const at of [0, 0.5, 1]) {
      const probe = await page.evaluate(({ at, insets }) => {
        window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * at);
        // Under the insets, only the page's own backdrop (body's bars) may be hit.
        const hit = (y) => [20, 180, 340].map((x) => document.elementFromPoint(x, y)?.tagName);
        const first = document.querySelector('main > *');
        return {
          top: hit(insets.top / 2),
          bottom: hit(innerHeight - insets.bottom / 2),
          firstTop: first.getBoundingClientRect().top + scrollY,
        };
      }, { at, insets });
      expect(probe.top, `${path} at ${at}`).toEqual(['BODY', 'BODY', 'BODY']);
      expect(probe.bottom, `${path} at ${at}`).toEqual(['BODY', 'BODY', 'BODY']);
      expect(probe.firstTop).toBeGreaterThanOrEqual(insets.top);
    }
  }
  await context.close();
});

test('without a bridge or a share sheet, share copies the link', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await context.addInitScript(() => {
    delete Navigator.prototype.share;
  });
  const page = await context.newPage();
  await page.goto('/p/18?embed=1');
  await page.getByRole('button', { name: '分享' }).click();
  await expect(page.getByRole('status').filter({ hasText: '链接已复制' })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(`${store}/p/18`);
  await context.close();
});

test('a referral code in a container launch parameter is credited like ?ref=', async ({ browser }) => {
  const contextA = await browser.newContext({ locale: 'zh-CN' });
  const a = await contextA.newPage();
  await signUp(a, '启动参数', '/me');
  const code = await a.locator('.referral-code .code').textContent();

  const contextB = await browser.newContext({ locale: 'zh-CN' });
  const b = await contextB.newPage();
  const visit = b.waitForResponse((r) => r.url().endsWith('/api/v1/referrals/visits'));
  await b.goto(`/p/18?embed=1#tgWebAppData=x&tgWebAppStartParam=${code.toLowerCase()}`);
  expect((await visit).status()).toBe(204);
  await signUp(b, '小程序来的朋友', '/p/18');

  await a.goto('/me');
  const dashboard = a.getByRole('region', { name: '我的推荐' });
  await expect(dashboard.locator('[data-total=visits] dd')).toHaveText('1');
  await expect(dashboard.locator('[data-total=sign_ups] dd')).toHaveText('1');
  await contextA.close();
  await contextB.close();
});

test('framed by another site, buying opens the store in a tab of its own, the referral code kept', async ({ page, context }) => {
  // The same host page under `localhost`: another site than the store's 127.0.0.1.
  const crossSite = `http://localhost:${hostPort}`;
  await page.goto(`${crossSite}/?store=${encodeURIComponent(store)}&path=${encodeURIComponent('/p/18?ref=7K3M-9QXZ')}`);
  const frame = page.frameLocator('#store');
  await expect(frame.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(frame.getByRole('link', { name: '在圈子打开' })).toBeVisible();
  const opened = context.waitForEvent('page');
  await frame.getByRole('link', { name: /单独购买/ }).click();
  const tab = await opened;
  await tab.waitForLoadState();
  // A guest: the new tab is the store's own sign-in, which goes on to checkout, and it
  // keeps the code the frame came by (the tab takes it out of its address, as any landing).
  await expect(tab.getByRole('heading', { name: '登录' })).toBeVisible();
  const url = new URL(tab.url());
  expect(url.origin).toBe(store);
  expect(url.pathname).toBe('/sign-in');
  expect(url.searchParams.get('next')).toBe('/checkout?buy=18');
  expect(await tab.evaluate(() => localStorage.getItem('quanzi.ref'))).toMatch(/^7K3M9QXZ /);
  // The frame stayed on the product, and the host heard where the store went.
  await expect(frame.getByRole('heading', { level: 1 })).toBeVisible();
  const [event] = await eventsOf(page, 'open_store');
  const sent = new URL(event.payload.url);
  expect(sent.origin).toBe(store);
  expect(sent.searchParams.get('ref')).toBe('7K3M9QXZ');
  await tab.close();
});

test('framed by the store\'s own site, buying stays in the frame', async ({ page }) => {
  await page.goto(hostUrl(`http://127.0.0.1:${hostPort}`));
  const frame = page.frameLocator('#store');
  await expect(frame.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(frame.getByRole('link', { name: '在圈子打开' })).toHaveCount(0);
  await frame.getByRole('link', { name: /单独购买/ }).click();
  await expect(frame.getByRole('heading', { name: '登录' })).toBeVisible();
  expect(await eventsOf(page, 'open_store')).toEqual([]);
});
