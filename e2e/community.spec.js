import { test, expect } from './fixtures.js';
import { api } from './helpers.js';

test('the tab bar leads to the communities, and a community shows its own feed', async ({ page, request }) => {
  const coffee = await api(request, '/communities/coffee');
  await page.goto('/');
  await page.getByRole('navigation', { name: 'tabs' }).getByRole('link', { name: '圈子' }).click();
  await expect(page).toHaveURL(/\/communities$/);
  await expect(page.getByRole('heading', { name: '全部圈子' })).toBeVisible();
  await page.getByRole('link', { name: new RegExp(coffee.name) }).click();
  await expect(page).toHaveURL(/\/c\/coffee$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(coffee.name);
  await expect(page).toHaveTitle(`${coffee.name} · 圈子`);
  const labels = page.locator('article.post-card .byline-community');
  await expect(labels.first()).toBeVisible();
  for (const label of await labels.allTextContents()) expect(label).toBe(coffee.name);
});

test('back and forward move between in-app pages without reloading', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.locator('a.product-card').first().click();
  await expect(page).toHaveURL(/\/p\/\d+$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('article.post-card').first()).toBeVisible();
  await page.goForward();
  await expect(page.locator('.product-page h1')).toBeVisible();
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
});

test('a community shows the products its members recommend, most recommended first', async ({ page, request }) => {
  const { items } = await api(request, '/communities/cycling/recommended');
  expect(items.length).toBeGreaterThan(0);
  for (let i = 1; i < items.length; i += 1) expect(items[i - 1].recommenders).toBeGreaterThanOrEqual(items[i].recommenders);
  await page.goto('/c/cycling');
  const strip = page.getByRole('region', { name: '成员推荐' });
  await expect(strip.locator('a.product-card')).toHaveCount(items.length);
  await expect(strip.locator('a.product-card').first()).toContainText(items[0].product.title);
  await expect(strip.locator('.recommenders').first()).toContainText(`${items[0].recommenders} 位成员推荐`);
  await strip.locator('a.product-card').first().click();
  await expect(page).toHaveURL(new RegExp(`/p/${items[0].product.id}$`));
});
