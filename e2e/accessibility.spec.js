// axe-core on every page of the app (each kind of page in the URL table, api/src/route.rs,
// and the not-found page), for a guest and for a member, in Chinese and in English, on a
// 360 px phone: no violations, and nothing logged as an error in the console. Each page is
// checked once its real content is in (no skeleton, no list still loading), and a few
// states people open on it (the share panel, the composer, a filled cart) are checked too.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.js';
import { api, PICKUP } from './helpers.js';

test.describe.configure({ mode: 'parallel' });

const WORDS = {
  'zh-CN': {
    loadMore: '加载更多', share: '分享', shareTitle: '分享给朋友', story: '好物故事',
    communityFeed: '圈内笔记', communities: '全部圈子', cart: '购物车', checkout: '去结算',
    orders: '我的订单', me: '我的', signIn: '登录', signUp: '注册', notFound: '页面不存在',
    comments: '评论', addToCart: '加入购物车', newPost: '发笔记', publish: '发布',
    group: '拼团', order: (id) => `订单 #${id}`, console: '店铺后台',
  },
  en: {
    loadMore: 'Load more', share: 'Share', shareTitle: 'Share with friends', story: 'The story',
    communityFeed: 'Posts in this community', communities: 'All communities', cart: 'Cart',
    checkout: 'Checkout', orders: 'My orders', me: 'Me', signIn: 'Sign in', signUp: 'Sign up',
    notFound: 'Page not found', comments: 'Comments', addToCart: 'Add to cart',
    newPost: 'New post', publish: 'Publish', group: 'Group-buy', order: (id) => `Order #${id}`,
    console: 'Store console',
  },
};

/** A JSON write as the browser context's member (its cookies), from the site's origin. */
async function write(page, method, path, data, extra = {}) {
  const origin = new URL(process.env.BASE_URL).origin;
  const response = await page.request.fetch(`/api/v1${path}`, {
    method, data, headers: { Origin: origin, ...extra },
  });
  expect(response.ok(), `${method} ${path}: HTTP ${response.status()}`).toBe(true);
  return response.status() === 204 ? null : response.json();
}

const NAME = '无障碍测试';
const once = () => ({ 'Idempotency-Key': crypto.randomUUID() });

/** A member of the cycling community with a paid group, an unpaid seat held for them (the
 * order page's countdown) and a line in their cart: every member page has content. */
async function member(page, request) {
  const email = `a11y-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  await write(page, 'POST', '/account/sign-up', { name: NAME, email, password: 'correct horse battery' });
  await write(page, 'POST', '/communities/cycling/membership');
  const offers = [];
  for (let id = 1; id <= 30 && offers.length < 2; id += 1) {
    const product = await api(request, `/products/${id}`);
    if (product.group_offer && product.stock >= 10) offers.push(product.id);
  }
  const started = await write(page, 'POST', '/orders', { purchase: { kind: 'start_group', product_id: offers[0] }, fulfilment: PICKUP }, once());
  const paid = await write(page, 'POST', `/orders/${started.id}/pay`, { outcome: 'approve' }, once());
  const held = await write(page, 'POST', '/orders', { purchase: { kind: 'start_group', product_id: offers[1] }, fulfilment: PICKUP }, once());
  await write(page, 'PUT', `/cart/items/${offers[1]}`, { quantity: 2 });
  return { group: paid.group_id, order: held.id, product: offers[0] };
}

/** A guest's group and order ids: someone else's group; an order that is not theirs. */
async function guest(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const ids = await member(page, context.request);
  await context.close();
  return ids;
}

/** The pages, each with what shows that its content (not its skeleton) is in. */
function pages(w, ids, signedIn) {
  const h1 = (page, name) => expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  return [
    ['/', async (page) => {
      await expect(page.getByRole('article').first()).toBeVisible();
      await expect(page.getByRole('button', { name: w.loadMore })).toBeVisible();
    }],
    ['/?community=cycling', (page) => expect(page.getByRole('button', { name: w.loadMore })).toBeVisible()],
    [`/p/${ids.product}`, (page) => expect(page.getByRole('heading', { level: 2, name: w.story })).toBeVisible()],
    ['/posts/60', (page) => expect(page.getByRole('heading', { level: 2, name: w.comments })).toBeVisible()],
    ['/c/cycling', async (page) => {
      await expect(page.getByRole('heading', { level: 2, name: w.communityFeed })).toBeVisible();
      await expect(page.getByRole('article').first()).toBeVisible();
    }],
    ['/communities', (page) => h1(page, w.communities)],
    [`/g/${ids.group}`, (page) => h1(page, w.group)],
    ['/cart', (page) => h1(page, w.cart)],
    [`/checkout?start=${ids.product}`, (page) => h1(page, w.checkout)],
    ['/me/orders', (page) => h1(page, w.orders)],
    [`/me/orders/${ids.order}`, async (page) => {
      await h1(page, signedIn ? w.order(ids.order) : w.orders);
      if (signedIn) await expect(page.getByRole('timer')).toBeVisible();
    }],
    ['/me', (page) => h1(page, signedIn ? NAME : w.me)],
    ['/sign-in', (page) => h1(page, w.signIn)],
    ['/sign-up', (page) => h1(page, w.signUp)],
    // A member who is not staff is told so; the console itself is checked in staff.spec.js.
    ['/staff', (page) => h1(page, signedIn ? w.console : w.orders)],
    ['/staff/pickup', (page) => h1(page, signedIn ? w.console : w.orders)],
    ['/no-such-page', (page) => h1(page, w.notFound)],
    ['/p/999999', (page) => h1(page, w.notFound)],
  ];
}

/** Errors the console shows for this page; a not-found page's own 404s are expected. */
function watchConsole(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${new URL(page.url()).pathname}: ${message.text()}`);
  });
  return {
    take(notFound) {
      const found = errors.splice(0).filter((e) => !(notFound && e.includes('status of 404')));
      return found;
    },
  };
}

async function expectNoViolations(page, what) {
  // No list still loading, no skeleton anywhere in the page.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(page.locator('main .skeleton')).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `axe on ${what}`).toEqual([]);
}

for (const locale of ['zh-CN', 'en']) {
  test.describe(locale, () => {
    test.use({ locale, viewport: { width: 360, height: 780 } });
    for (const signedIn of [false, true]) {
      test(`every page passes axe at 360 px, ${signedIn ? 'signed in' : 'signed out'}`, async ({ page, browser }) => {
        test.setTimeout(180_000);
        const w = WORDS[locale];
        // No share sheet: the share control opens its own panel, which is checked too.
        await page.context().addInitScript(() => { delete Navigator.prototype.share; });
        const ids = signedIn ? await member(page, page.context().request) : await guest(browser);
        const log = watchConsole(page);
        for (const [path, ready] of pages(w, ids, signedIn)) {
          await page.goto(path);
          await ready(page);
          await expectNoViolations(page, path);
          const notFound = path === '/p/999999' || path === '/no-such-page';
          expect(log.take(notFound), `console errors on ${path}`).toEqual([]);
        }

        // What people open on these pages.
        await page.goto(`/p/${ids.product}`);
        const panel = page.getByRole('region', { name: w.shareTitle });
        await page.getByRole('button', { name: w.share }).click();
        await expect(panel.getByRole('img')).toBeVisible();
        await expectNoViolations(page, 'the share panel');
        if (signedIn) {
          await page.goto('/c/cycling');
          await page.getByRole('button', { name: w.newPost }).click();
          await expect(page.getByRole('button', { name: w.publish })).toBeVisible();
          await expectNoViolations(page, 'the composer');
        } else {
          await page.getByRole('button', { name: w.addToCart }).click();
          await page.goto('/cart');
          await expect(page.getByRole('link', { name: w.checkout })).toBeVisible();
          await expectNoViolations(page, "a guest's cart");
        }
        expect(log.take(false), 'console errors').toEqual([]);
      });
    }
  });
}
