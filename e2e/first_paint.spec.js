// A shared link draws its largest picture from the shell, before the app's wasm has come:
// the top bar and the picture, exactly where the app then draws them, so taking the first
// paint away (once the app's own copy of the picture is decoded) shows the same picture in
// the same place, on a phone and at desktop width.
import { test, expect } from './fixtures.js';
import { api, openGroup, withoutFirstData } from './helpers.js';

test.describe.configure({ mode: 'parallel' });

async function pages(request, browser) {
  const post = (await api(request, '/feed?limit=10')).items.find((p) => p.images.length > 0);
  const group = await openGroup(browser, 18);
  return [
    ['/', '.feed article.post-card .gallery img'],
    ['/p/18', 'article.product-page .gallery img'],
    [`/posts/${post.id}`, 'article.post-page .gallery img'],
    ['/c/cycling', 'header.community-header img.community-cover'],
    [`/g/${group}`, 'article.group-page .product-card-large img'],
  ];
}

for (const width of [360, 1280]) {
  test(`the first paint shows the picture where the app draws it (${width} px)`, async ({ browser, request }) => {
    test.setTimeout(60_000);
    for (const [path, appPicture] of await pages(request, browser)) {
      const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height: 800 } });
      const page = await context.newPage();
      // The main module is held back: until it comes, the shell's first paint is all there is.
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      await page.route('**/quanzi_bg.wasm', async (route) => { await held; await route.continue(); });
      await page.goto(path, { waitUntil: 'domcontentloaded' });
      const painted = page.locator('#first-paint img[fetchpriority=high]');
      await expect(painted).toBeVisible();
      await expect.poll(() => painted.evaluate((img) => img.complete && img.naturalWidth > 0), `${path}: the picture loads without the app`).toBe(true);
      const before = await painted.boundingBox();
      const copy = await painted.evaluate((img) => img.currentSrc);

      release();
      await expect(page.locator('#first-paint')).toHaveCount(0);
      const drawn = page.locator(`#main ${appPicture}`).first();
      const after = await drawn.boundingBox();
      for (const side of ['x', 'y', 'width', 'height']) {
        expect(Math.abs(after[side] - before[side]), `${path} ${side}: ${before[side]} → ${after[side]}`).toBeLessThan(1);
      }
      expect(await drawn.evaluate((img) => img.currentSrc), `${path}: the same copy`).toBe(copy);
      await context.close();
    }
  });
}

test('a page whose app never draws its picture still gives the first paint away', async ({ page }) => {
  // The product vanishes between the shell and the app's own request: the app shows its
  // error state, with no picture; the first paint must not cover it.
  await page.route('**/api/v1/products/18', (route) => route.fulfill({ status: 503, body: '{"code":"unavailable","message":"down"}', contentType: 'application/json' }));
  await withoutFirstData(page, '/p/18');
  await page.goto('/p/18');
  await expect(page.getByRole('button', { name: '重试' })).toBeVisible();
  await expect(page.locator('#first-paint')).toHaveCount(0);
});
