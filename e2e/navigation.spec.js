import { test, expect } from './fixtures.js';

// In-app navigation (leptos_router): a new page is announced by moving focus to <main>,
// and back returns the reader to the feed as they left it.

test('after in-app navigation focus is on the main content', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('article').first()).toBeVisible();
  await expect(page.getByRole('main')).not.toBeFocused();
  const tabs = page.getByRole('navigation', { name: 'tabs' });
  await tabs.getByRole('link', { name: '圈子' }).click();
  await expect(page).toHaveURL(/\/communities$/);
  await expect(page.getByRole('heading', { level: 1, name: '圈子' })).toBeVisible();
  await expect(page.getByRole('main')).toBeFocused();
  await tabs.getByRole('link', { name: '发现' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('main')).toBeFocused();
});

test('back from a post finds the feed as it was left: the same posts, the same place', async ({ page }) => {
  await page.goto('/');
  const posts = page.getByRole('article');
  await expect(posts).toHaveCount(10);
  const feed = page.locator('.feed');
  // Scroll until a second page has come.
  for (let turn = 0; turn < 20 && (await posts.count()) <= 10; turn += 1) {
    await page.mouse.wheel(0, 3000);
    await page.waitForTimeout(150);
  }
  expect(await posts.count()).toBeGreaterThan(10);
  // A post of the second page, in view; then let any page it brings finish arriving.
  const post = posts.nth(11);
  await post.scrollIntoViewIfNeeded();
  // Until nothing moves for a poll interval: a late scroll event may still bring a page.
  let seen = '';
  await expect.poll(async () => {
    const now = `${await posts.count()} ${await page.evaluate(() => Math.round(window.scrollY))} ${await feed.getAttribute('aria-busy')}`;
    const settled = now === seen && now.endsWith('false');
    seen = now;
    return settled;
  }, { intervals: [300] }).toBe(true);
  const loaded = await posts.count();
  const left = await page.evaluate(() => Math.round(window.scrollY));
  expect(left).toBeGreaterThan(1000);
  const link = post.getByRole('heading', { level: 2 }).getByRole('link');
  const title = await link.textContent();

  await link.click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByRole('main')).toBeFocused();
  // A new page starts at its top.
  expect(await page.evaluate(() => window.scrollY)).toBe(0);

  const feedRequests = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith('/api/v1/feed')) feedRequests.push(request.url());
  });
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  // The same posts, none fetched again, and the reader where they were.
  await expect(posts).toHaveCount(loaded);
  await expect.poll(() => page.evaluate(() => Math.round(window.scrollY))).toBe(left);
  await expect(post.getByRole('heading', { level: 2 })).toHaveText(title);
  await expect(post).toBeInViewport();
  await expect(page.getByRole('main')).toBeFocused();
  expect(feedRequests).toEqual([]);
});
