import { test, expect } from './fixtures.js';
import { api } from './helpers.js';

test('switching language changes interface and content, and is remembered', async ({ page, request }) => {
  const zh = await api(request, '/feed?limit=1', 'zh-CN');
  const en = await api(request, '/feed?limit=1', 'en');
  await page.goto('/');
  const firstTitle = page.locator('article.post-card h2').first();
  await expect(firstTitle).toHaveText(zh.items[0].title);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await page.getByRole('button', { name: /切换语言/ }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(firstTitle).toHaveText(en.items[0].title);
  await expect(page.getByRole('link', { name: 'Discover' }).first()).toBeVisible();

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('article.post-card h2').first()).toHaveText(en.items[0].title);
});

test.describe('an English browser', () => {
  test.use({ locale: 'en-US' });
  test('gets English from the first visit, with prices in yuan', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('button', { name: /Switch language/ })).toBeVisible();
    await expect(page.locator('.price-solo').first()).toContainText(/Solo ¥\d+\.\d\d/);
  });
});
