// Nothing moves while a page loads: cold loads of the feed, a product (with an open group)
// and a community on a 360 px phone add up to no layout shift at all, on this machine's
// network and on a slow one, where every skeleton, pack and picture arrives late enough to
// be seen; and on a slow one with no first data in the shell (as from another backend), so
// each part of the page comes from its own request, in whatever order they answer. The
// shifts are summed in the page itself, as Lighthouse does: `layout-shift` entries without
// recent input.
import { test, expect } from './fixtures.js';
import { openGroup, productWithGroupOffer, withoutFirstData } from './helpers.js';

test.describe.configure({ mode: 'parallel' });
test.use({ viewport: { width: 360, height: 780 } });

/** Registered before the app's first byte; `buffered` also reports shifts seen before. */
function observeShifts() {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      const moved = entry.sources.map((s) => {
        const node = s.node;
        const name = node?.nodeType === 1 ? `${node.tagName.toLowerCase()}.${node.className}` : node?.nodeName;
        return `${name} ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)}`;
      });
      window.__shifts.push({ value: entry.value, moved });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

const SLOW = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };

/** What shows a page has all its content: the last part of it to arrive. */
const pages = {
  feed: ['/', (page) => expect(page.getByRole('button', { name: '加载更多' })).toBeVisible()],
  product: [null, (page) => expect(page.getByRole('heading', { name: '正在拼的团' })).toBeVisible()],
  // Opened from a friend's link: "… 推荐给你" too, and the buy bar.
  'shared product': [null, (page) => expect(page.getByRole('heading', { name: '正在拼的团' })).toBeVisible()],
  community: ['/c/cycling', async (page) => {
    await expect(page.getByRole('heading', { name: '成员推荐' })).toBeVisible();
    await expect(page.getByRole('button', { name: '加载更多' })).toBeVisible();
  }],
};

for (const [name, [fixedPath, ready]] of Object.entries(pages)) {
  for (const network of ['local', 'slow', 'slow, no first data']) {
    test(`a cold load of the ${name} page shifts nothing (${network} network)`, async ({ page, browser, request }) => {
      test.setTimeout(60_000);
      let path = fixedPath;
      if (!path) {
        const product = await productWithGroupOffer(request);
        await openGroup(browser, product.id);
        path = `/p/${product.id}`;
      }
      if (name === 'shared product') {
        const origin = new URL(process.env.BASE_URL).origin;
        const signIn = await request.post('/api/v1/account/sign-in', {
          headers: { Origin: origin }, data: { email: 'member2@demo.quanzi', password: 'quanzi-demo' },
        });
        expect(signIn.ok()).toBe(true);
        const { code } = await (await request.get('/api/v1/account/referrals')).json();
        path = `${path}?ref=${code}`;
      }
      await page.addInitScript(observeShifts);
      const asked = [];
      page.on('request', (request) => asked.push(new URL(request.url()).pathname));
      if (network.endsWith('no first data')) {
        await withoutFirstData(page, path);
      }
      if (network.startsWith('slow')) {
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', SLOW);
      }
      await page.goto(path);
      await ready(page);
      if (name === 'shared product' && !network.endsWith('no first data')) {
        await expect(page.locator('#main .recommender')).toContainText('推荐给你');
      }
      // The pictures on screen have arrived too (and any that would move things).
      await page.waitForFunction(() => [...document.images]
        .filter((img) => {
          const box = img.getBoundingClientRect();
          return box.width > 0 && box.top < innerHeight && box.bottom > 0 && box.left < innerWidth && box.right > 0;
        })
        .every((img) => img.complete));
      await page.waitForLoadState('networkidle');
      // Without first data, the page's own answer came by a request of its own.
      const own = { feed: '/api/v1/feed', product: '/api/v1/products/', 'shared product': '/api/v1/products/', community: '/api/v1/communities/cycling' }[name];
      expect(asked.some((p) => p.startsWith(own))).toBe(network.endsWith('no first data'));
      const shifts = await page.evaluate(() => window.__shifts);
      const total = shifts.reduce((sum, s) => sum + s.value, 0);
      expect(total, `layout shifts: ${JSON.stringify(shifts)}`).toBe(0);
    });
  }
}
