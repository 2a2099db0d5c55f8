import { test, expect } from './fixtures.js';
import { api } from './helpers.js';

test('switching language changes interface and content, and is remembered', async ({ page, request }) => {
  await page.goto('/');
  // The post on top as the page found it (other journeys may post meanwhile), in both languages.
  const top = page.locator('#main article.post-card h2 a').first();
  const path = await top.getAttribute('href');
  const zh = await api(request, path, 'zh-CN');
  const en = await api(request, path, 'en');
  const title = page.locator(`#main article.post-card h2 a[href="${path}"]`);
  await expect(title).toHaveText(zh.title);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await page.getByRole('button', { name: /切换语言/ }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(title).toHaveText(en.title);
  await expect(page.getByRole('link', { name: 'Discover' }).first()).toBeVisible();

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(title).toHaveText(en.title);
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
