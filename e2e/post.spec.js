import { test, expect } from './fixtures.js';
import { api } from './helpers.js';

test('a post page shows the whole story and its products', async ({ page, request }) => {
  const { items } = await api(request, '/feed?limit=50');
  const post = items.find((p) => p.products.length > 0);
  await page.goto(`/posts/${post.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(post.title);
  for (const paragraph of post.body) {
    await expect(page.getByText(paragraph, { exact: true })).toBeVisible();
  }
  await expect(page.locator('a.product-card')).toHaveCount(post.products.length);
  await expect(page).toHaveTitle(`${post.title} · 圈子`);
});

test('a post that does not exist shows not-found', async ({ page }) => {
  const response = await page.goto('/posts/999999');
  expect(response.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible();
});
