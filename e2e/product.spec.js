import { test, expect } from './fixtures.js';
import { api, productWithGroupOffer, yuan } from './helpers.js';

test('the product page shows group and solo prices, story and featuring posts', async ({ page, request }) => {
  const product = await productWithGroupOffer(request);
  await page.goto(`/p/${product.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(product.title);
  const prices = page.locator('.product-page .prices').first();
  await expect(prices).toContainText(`${product.group_offer.size}人团`);
  await expect(prices.locator('.price-group-amount')).toHaveText(yuan(product.group_offer.price));
  await expect(prices.locator('.price-solo')).toHaveText(`单买 ${yuan(product.solo_price)}`);
  await expect(page.getByRole('heading', { name: '好物故事' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '提到它的笔记' })).toBeVisible();
  await expect(page.locator('.featured-item')).toHaveCount(product.posts.length);
  await expect(page.getByRole('link', { name: product.community.name })).toHaveAttribute('href', `/c/${product.community.slug}`);
  await expect(page).toHaveTitle(`${product.title} · 圈子`);
  const description = await page.locator('meta[name=description]').getAttribute('content');
  expect(description).toContain(yuan(product.group_offer.price));
});

test('a product that does not exist shows not-found, with a real 404 status', async ({ page }) => {
  const response = await page.goto('/p/999999');
  expect(response.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible();
  await page.getByRole('link', { name: '回到首页' }).click();
  await expect(page.locator('article.post-card').first()).toBeVisible();
});

test('malformed ids and unknown paths show not-found', async ({ page }) => {
  for (const path of ['/p/abc', '/posts/-1', '/c/NOPE', '/no/such/page']) {
    const response = await page.goto(path);
    expect(response.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: '页面不存在' }), path).toBeVisible();
  }
});
