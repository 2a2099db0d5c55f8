import { test, expect } from './fixtures.js';
import { api, withoutFirstData, yuan } from './helpers.js';

test('the feed shows posts with pictures and product cards, newest first', async ({ page, request }) => {
  const first = await api(request, '/feed?limit=1');
  await page.goto('/');
  const cards = page.locator('article.post-card');
  await expect(cards.first()).toBeVisible();
  await expect(cards.first().getByRole('heading', { level: 2 })).toHaveText(first.items[0].title);
  // Pictures carry their size, so the page does not jump while they load.
  const img = cards.first().locator('.gallery img').first();
  await expect(img).toHaveAttribute('width', /\d+/);
  await expect(img).toHaveAttribute('height', /\d+/);
  await expect(page).toHaveTitle(/圈子/);
});

test('the feed pages by scrolling until its end', async ({ page, request }) => {
  // Count every post the API has, to know where the end is.
  let total = 0;
  let cursor = null;
  do {
    const pageOfPosts = await api(request, `/feed?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
    total += pageOfPosts.items.length;
    cursor = pageOfPosts.next_cursor;
  } while (cursor);
  expect(total).toBeGreaterThan(10);

  await page.goto('/');
  const cards = page.locator('article.post-card');
  await expect(cards).toHaveCount(10);
  const end = page.getByText('已经到底啦');
  // Each wheel turn reaches the next page; a few spare turns, then the end must be there.
  for (let turn = 0; turn < total && !(await end.isVisible()); turn += 1) {
    await page.mouse.wheel(0, 4000);
    await page.waitForTimeout(150);
  }
  await expect(end).toBeVisible();
  // Other journeys may post meanwhile (they run in parallel): at least every post counted
  // above, and each exactly once (the links to the posts are all different).
  const shown = await cards.count();
  expect(shown).toBeGreaterThanOrEqual(total);
  const links = await cards.locator('h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  expect(new Set(links).size).toBe(shown);
});

test('community chips filter the feed', async ({ page, request }) => {
  const { items: communities } = await api(request, '/communities');
  const cycling = communities.find((c) => c.slug === 'cycling');
  await page.goto('/');
  const chips = page.getByRole('navigation', { name: '按圈子筛选' });
  await expect(chips.getByRole('link', { name: cycling.name })).not.toHaveAttribute('aria-current');
  await chips.getByRole('link', { name: cycling.name }).click();
  await expect(page).toHaveURL(/\?community=cycling/);
  const cards = page.locator('#main article.post-card');
  await expect(cards.first()).toBeVisible();
  // Retried until the filtered list is drawn: only 骑行's posts.
  await expect(cards.locator('.byline-community').filter({ hasNotText: cycling.name })).toHaveCount(0);
  await expect(chips.getByRole('link', { name: cycling.name })).toHaveAttribute('aria-current', 'true');
  await chips.getByRole('link', { name: '全部' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(chips.getByRole('link', { name: '全部' })).toHaveAttribute('aria-current', 'true');
  await expect(page.locator('article.post-card .byline-community').filter({ hasNotText: cycling.name }).first()).toBeVisible();
});

test('a product card in the feed opens its product page', async ({ page }) => {
  await page.goto('/');
  const card = page.locator('a.product-card').first();
  const title = await card.locator('.product-card-title').textContent();
  await card.click();
  await expect(page).toHaveURL(/\/p\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
});

// These stand in for the API, so the feed must come from it rather than from the shell.
test('the feed shows an error with retry when the API fails, and recovers', async ({ page }) => {
  await withoutFirstData(page, '/');
  let failing = true;
  await page.route('**/api/v1/feed**', (route) =>
    failing
      ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal","message":"boom"}}' })
      : route.continue(),
  );
  await page.goto('/');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('出了点问题');
  failing = false;
  await alert.getByRole('button', { name: '重试' }).click();
  await expect(page.locator('article.post-card').first()).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('malformed JSON and a dead network are errors, not blank pages', async ({ page }) => {
  await withoutFirstData(page, '/');
  await page.route('**/api/v1/feed**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"items":[{"id":' }));
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('收到的数据有误');
  await page.unroute('**/api/v1/feed**');
  await page.route('**/api/v1/feed**', (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: '重试' }).click();
  await expect(page.getByRole('alert')).toContainText('网络连接不上');
});

test('the feed shows a skeleton while loading and a designed empty state', async ({ page }) => {
  await withoutFirstData(page, '/');
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let empty = false;
  await page.route('**/api/v1/feed**', async (route) => {
    if (empty) return route.fulfill({ status: 200, contentType: 'application/json', body: '{"items":[],"next_cursor":null}' });
    await held;
    return route.continue();
  });
  await page.goto('/');
  await expect(page.getByRole('status').filter({ hasText: '加载中' })).toBeAttached();
  await expect(page.locator('.skeleton-card').first()).toBeVisible();
  release();
  await expect(page.locator('article.post-card').first()).toBeVisible();
  await expect(page.locator('.skeleton-card')).toHaveCount(0);

  empty = true;
  await page.reload();
  await expect(page.getByText('这里还没有内容')).toBeVisible();
});
